/* The Harbor client (harbor.h): scan overview and vulnerability list parsers, and a fetch
 * of both for one artifact on the shared http client. */
#include "clients/harbor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#define HARBOR_DEFAULT_TIMEOUT_MS 10000

static enum finding_severity harbor_severity(const char *s)
{
	if (!s)
		return FINDING_UNKNOWN;
	if (!strcmp(s, "Critical"))
		return FINDING_CRITICAL;
	if (!strcmp(s, "High"))
		return FINDING_HIGH;
	if (!strcmp(s, "Medium"))
		return FINDING_MEDIUM;
	if (!strcmp(s, "Low") || !strcmp(s, "Negligible"))
		return FINDING_LOW;
	return FINDING_UNKNOWN;
}

/* Harbor keys reports by MIME type ("application/vnd.security.vulnerability.report;
 * version=1.1", or the scanner adapter's "...vuln.report.harbor+json; version=1.0"):
 * the first entry that names a vulnerability report, else the first object. */
static const json_t *report_entry(const json_t *obj)
{
	const char *k;
	const json_t *v, *first = NULL;
	json_object_foreach((json_t *)obj, k, v) {
		if (!json_is_object(v))
			continue;
		if (strstr(k, "vulnerability.report") || strstr(k, "vuln.report"))
			return v;
		if (!first)
			first = v;
	}
	return first;
}

void harbor_overview_free(struct harbor_overview *o)
{
	if (!o)
		return;
	free(o->scan_status);
	free(o->severity);
	memset(o, 0, sizeof(*o));
}

/* Harbor's error body: {"errors":[{"code":"...","message":"..."}]}. */
static bool harbor_error_text(const json_t *body, char *err, size_t errlen)
{
	const json_t *e = json_array_get(json_object_get(body, "errors"), 0);
	const char *msg = json_string_value(json_object_get(e, "message"));
	if (!msg)
		return false;
	char *m = sanitize_cstr(msg, 0);
	snprintf(err, errlen, "Harbor: %s", m);
	free(m);
	return true;
}

static unsigned uint_member(const json_t *obj, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(obj, key));
	return v > 0 ? (unsigned)v : 0;
}

bool harbor_parse_overview(const json_t *artifact, struct harbor_overview *out, char *err,
			   size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!json_is_object(artifact) || json_object_get(artifact, "errors")) {
		if (!harbor_error_text(artifact, err, errlen))
			snprintf(err, errlen, "Harbor: the artifact is not an object");
		return false;
	}
	const json_t *rep = report_entry(json_object_get(artifact, "scan_overview"));
	const char *st = json_string_value(json_object_get(rep, "scan_status"));
	const char *sev = json_string_value(json_object_get(rep, "severity"));
	out->scan_status = sanitize_cstr(st ? st : "", 0);
	out->severity = sanitize_cstr(sev ? sev : "", 0);
	const json_t *sum = json_object_get(rep, "summary");
	out->total = uint_member(sum, "total");
	out->fixable = uint_member(sum, "fixable");
	const char *k;
	const json_t *v;
	json_object_foreach(json_object_get(sum, "summary"), k, v) {
		json_int_t n = json_integer_value(v);
		if (n > 0)
			out->counts[harbor_severity(k)] += (unsigned)n;
	}
	return true;
}

struct finding_workload *harbor_workload(struct findings *set, const char *repo,
					 const char *tag, const char *image,
					 const char *service)
{
	char *name = xasprintf("%s:%s", repo, tag);
	struct finding_workload *w = findings_workload(set, "", "", "Image", name);
	free(name);
	if (image) {
		free(w->image);
		w->image = sanitize_cstr(image, 0);
	}
	if (service) {
		free(w->service);
		w->service = sanitize_cstr(service, 0);
	}
	return w;
}

static void add_vulnerability(struct finding_workload *w, const json_t *v)
{
	const char *desc = json_string_value(json_object_get(v, "description"));
	/* a title is one line: the description's first */
	char *title = desc ? xstrndup(desc, strcspn(desc, "\r\n")) : NULL;
	const json_t *cvss = json_object_get(v, "preferred_cvss");
	struct finding f = {
		.source = FINDING_SRC_HARBOR,
		.severity = harbor_severity(json_string_value(json_object_get(v, "severity"))),
		.id = (char *)json_string_value(json_object_get(v, "id")),
		.package = (char *)json_string_value(json_object_get(v, "package")),
		.installed = (char *)json_string_value(json_object_get(v, "version")),
		.fixed = (char *)json_string_value(json_object_get(v, "fix_version")),
		.title = title,
		.link = (char *)json_string_value(json_array_get(json_object_get(v, "links"), 0)),
		.score = json_number_value(json_object_get(cvss, "score_v3")),
	};
	findings_add(w, &f);
	free(title);
}

bool harbor_parse_vulnerabilities(struct finding_workload *w, const json_t *body,
				  size_t *count, char *err, size_t errlen)
{
	*count = 0;
	if (!json_is_object(body) || json_object_get(body, "errors")) {
		if (!harbor_error_text(body, err, errlen))
			snprintf(err, errlen, "Harbor: the vulnerability report is not an object");
		return false;
	}
	const json_t *rep = report_entry(body);
	if (!rep)
		return true;  /* {}: not scanned yet */
	const json_t *list = json_object_get(rep, "vulnerabilities");
	if (list && !json_is_array(list) && !json_is_null(list)) {
		snprintf(err, errlen, "Harbor: vulnerabilities is not a list");
		return false;
	}
	size_t i;
	const json_t *v;
	json_array_foreach(list, i, v) {
		if (!json_is_object(v))
			continue;
		add_vulnerability(w, v);
		(*count)++;
	}
	return true;
}

/* ---- client ----------------------------------------------------------------------- */

struct harbor_client {
	struct http *http;
	char *url, *username, *password, *registry;
	struct http_tls tls;       /* owned copies (http_tls_copy) */
	long timeout_ms;
	struct harbor_call *calls;
};

struct harbor_call {
	struct harbor_client *hc;
	struct http_request *req;
	char *path;                   /* /api/v2.0/projects/P/repositories/R/artifacts/T */
	struct findings set;
	struct finding_workload *w;   /* in set */
	struct harbor_overview overview;
	bool have_overview;
	harbor_result_fn done;
	void *ud;
	struct harbor_call *prev, *next;
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct harbor_client *harbor_client_new(struct http *http, const struct harbor_config *cfg)
{
	struct harbor_client *hc = xcalloc(1, sizeof(*hc));
	hc->http = http;
	hc->url = xstrdup(cfg->url ? cfg->url : "");
	size_t n = strlen(hc->url);
	while (n > 0 && hc->url[n - 1] == '/')
		hc->url[--n] = '\0';
	hc->username = dup_or_null(cfg->username);
	hc->password = dup_or_null(cfg->password);
	hc->registry = dup_or_null(cfg->registry);
	http_tls_copy(&hc->tls, &cfg->tls);
	hc->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : HARBOR_DEFAULT_TIMEOUT_MS;
	return hc;
}

void harbor_client_free(struct harbor_client *hc)
{
	if (!hc)
		return;
	while (hc->calls)
		harbor_call_cancel(hc->calls);
	free(hc->url);
	free(hc->username);
	free(hc->password);
	free(hc->registry);
	http_tls_clear(&hc->tls);
	free(hc);
}

const char *harbor_client_url(const struct harbor_client *hc)
{
	return hc->url;
}

/* Takes call out of its client's list: before its callback, which may free the client. */
static void call_unlink(struct harbor_call *call)
{
	struct harbor_client *hc = call->hc;
	if (call->prev)
		call->prev->next = call->next;
	else if (hc->calls == call)
		hc->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
	call->prev = call->next = NULL;
}

static void call_free(struct harbor_call *call)
{
	findings_free(&call->set);
	harbor_overview_free(&call->overview);
	free(call->path);
	free(call);
}

void harbor_call_cancel(struct harbor_call *call)
{
	if (!call)
		return;
	if (call->req)
		http_cancel(call->req);
	call_unlink(call);
	call_free(call);
}

static void call_fail(struct harbor_call *call, const char *err)
{
	call_unlink(call);
	call->done(call->ud, err, NULL);
	call_free(call);
}

static void call_finish(struct harbor_call *call, size_t nvulns, bool list_read)
{
	if (!list_read)  /* the overview's counts stand in for the list */
		findings_add_counts(call->w, call->overview.counts);
	struct harbor_result r = {&call->set, &call->overview, nvulns, list_read};
	call_unlink(call);
	call->done(call->ud, NULL, &r);
	call_free(call);
}

static char *failure_message(const struct harbor_client *hc, const struct http_response *resp,
			     const json_t *body)
{
	char *url = sanitize_cstr(hc->url, 0);
	char *msg = NULL;
	char e[512];
	if (resp->status == 0) {
		char *t = sanitize_cstr(resp->error ? resp->error : "no response", 0);
		msg = xasprintf("cannot reach Harbor at %s: %s", url, t);
		free(t);
	} else if (resp->status / 100 != 2) {
		if (harbor_error_text(body, e, sizeof(e)))
			msg = xasprintf("%s (HTTP %ld)", e, resp->status);
		else
			msg = xasprintf("Harbor at %s answered HTTP %ld", url, resp->status);
	} else if (!body) {
		msg = xasprintf("Harbor at %s answered with a malformed body", url);
	}
	free(url);
	return msg;
}

static bool call_send(struct harbor_call *call, const char *suffix);

static void on_overview(struct harbor_call *call, const json_t *body)
{
	char err[512] = "";
	if (!harbor_parse_overview(body, &call->overview, err, sizeof(err))) {
		call_fail(call, err);
		return;
	}
	call->have_overview = true;
	if (!call_send(call, "/additions/vulnerabilities"))
		call_finish(call, 0, false);
}

static void on_http_done(void *ud, const struct http_response *resp)
{
	struct harbor_call *call = ud;
	call->req = NULL;
	json_t *body = resp->body_len ? json_loadb(resp->body, resp->body_len, 0, NULL) : NULL;
	char *msg = failure_message(call->hc, resp, body);
	char err[512] = "";
	size_t n = 0;
	if (!call->have_overview) {
		if (msg)
			call_fail(call, msg);
		else
			on_overview(call, body);
	} else if (msg || !harbor_parse_vulnerabilities(call->w, body, &n, err, sizeof(err))) {
		/* the overview is enough for the counts; the list is a bonus */
		call_finish(call, 0, false);
	} else {
		call_finish(call, n, true);
	}
	free(msg);
	json_decref(body);
}

static bool call_send(struct harbor_call *call, const char *suffix)
{
	struct harbor_client *hc = call->hc;
	char *url = xasprintf("%s%s%s", hc->url, call->path, suffix);
	static const char *const headers[] = {"Accept: application/json", NULL};
	struct http_request_opts o;
	memset(&o, 0, sizeof(o));
	o.url = url;
	o.headers = headers;
	o.username = hc->username;
	o.password = hc->password ? hc->password : "";
	o.tls = hc->tls;
	o.timeout_ms = hc->timeout_ms;
	o.on_done = on_http_done;
	o.ud = call;
	char err[256];
	call->req = http_start(hc->http, &o, err, sizeof(err));
	free(url);
	return call->req != NULL;
}

/* Percent-encodes all but unreserved characters; twice=true encodes the '%' again, as
 * Harbor wants for repository names holding '/' ("a/b" -> "a%252Fb"). */
static void url_escape(struct strbuf *sb, const char *s, bool twice)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			strbuf_putc(sb, (char)*p);
		} else {
			strbuf_puts(sb, twice ? "%25" : "%");
			strbuf_putc(sb, hex[*p >> 4]);
			strbuf_putc(sb, hex[*p & 15]);
		}
	}
}

/* "host[:port]/project/repo:tag", the image reference a pod would name. */
static char *image_ref(const struct harbor_client *hc, const char *project, const char *repo,
		       const char *tag)
{
	if (hc->registry)
		return xasprintf("%s/%s/%s:%s", hc->registry, project, repo, tag);
	const char *h = strstr(hc->url, "://");
	h = h ? h + 3 : hc->url;
	return xasprintf("%.*s/%s/%s:%s", (int)strcspn(h, "/"), h, project, repo, tag);
}

struct harbor_call *harbor_fetch_image(struct harbor_client *hc, const char *project,
				       const char *repo, const char *tag, const char *service,
				       harbor_result_fn done, void *ud)
{
	struct harbor_call *call = xcalloc(1, sizeof(*call));
	call->hc = hc;
	call->done = done;
	call->ud = ud;
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "/api/v2.0/projects/");
	url_escape(&sb, project, false);
	strbuf_puts(&sb, "/repositories/");
	url_escape(&sb, repo, true);
	strbuf_puts(&sb, "/artifacts/");
	url_escape(&sb, tag, false);
	call->path = strbuf_detach(&sb);
	char *image = image_ref(hc, project, repo, tag);
	call->w = harbor_workload(&call->set, repo, tag, image, service);
	free(image);
	if (!call_send(call, "?with_scan_overview=true")) {
		call_free(call);
		return NULL;
	}
	call->next = hc->calls;
	if (hc->calls)
		hc->calls->prev = call;
	hc->calls = call;
	return call;
}
