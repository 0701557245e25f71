/* The DefectDojo client (defectdojo.h): the findings list parser and a fetch that follows
 * "next" page after page on the shared http client. */
#include "clients/defectdojo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#define DOJO_DEFAULT_TIMEOUT_MS 10000
#define DOJO_DEFAULT_PAGE 100
#define DOJO_MAX_PAGES 1000

static enum finding_severity dojo_severity(const char *s)
{
	if (!s)
		return FINDING_UNKNOWN;
	if (!strcmp(s, "Critical"))
		return FINDING_CRITICAL;
	if (!strcmp(s, "High"))
		return FINDING_HIGH;
	if (!strcmp(s, "Medium"))
		return FINDING_MEDIUM;
	if (!strcmp(s, "Low") || !strcmp(s, "Info"))
		return FINDING_LOW;
	return FINDING_UNKNOWN;
}

/* The "service:NAME" tag's NAME, or NULL. */
static const char *service_tag(const json_t *finding)
{
	size_t i;
	const json_t *t;
	json_array_foreach(json_object_get(finding, "tags"), i, t) {
		const char *s = json_string_value(t);
		if (s && !strncmp(s, "service:", 8) && s[8])
			return s + 8;
	}
	return NULL;
}

static const char *product_name(const json_t *finding)
{
	const json_t *test = json_object_get(json_object_get(finding, "related_fields"), "test");
	const json_t *product = json_object_get(json_object_get(test, "engagement"), "product");
	return json_string_value(json_object_get(product, "name"));
}

/* The advisory id: vulnerability_ids[0] (DefectDojo 2.x), cve (before), or DD-ID. */
static char *finding_vuln_id(const json_t *finding, json_int_t id)
{
	const json_t *v = json_array_get(json_object_get(finding, "vulnerability_ids"), 0);
	const char *s = json_string_value(json_object_get(v, "vulnerability_id"));
	if (!s || !*s)
		s = json_string_value(json_object_get(finding, "cve"));
	if (s && *s)
		return xstrdup(s);
	return xasprintf("DD-%lld", (long long)id);
}

static void add_finding(struct findings *set, const json_t *f, const char *base_url)
{
	json_int_t id = json_integer_value(json_object_get(f, "id"));
	const char *product = product_name(f);
	char *fallback = NULL;
	if (!product || !*product) {
		json_t *test = json_object_get(f, "test");
		fallback = xasprintf("test/%lld", (long long)json_integer_value(test));
		product = fallback;
	}
	struct finding_workload *w = findings_workload(set, "", "", "DefectDojoProduct", product);
	const char *svc = service_tag(f);
	if (svc || !*w->service) {
		free(w->service);
		w->service = sanitize_cstr(svc ? svc : (fallback ? "" : product), 0);
	}
	char *vid = finding_vuln_id(f, id);
	char *link = xasprintf("%s/finding/%lld", base_url, (long long)id);
	struct finding fd = {
		.source = FINDING_SRC_DEFECTDOJO,
		.severity = dojo_severity(json_string_value(json_object_get(f, "severity"))),
		.id = vid,
		.package = (char *)json_string_value(json_object_get(f, "component_name")),
		.installed = (char *)json_string_value(json_object_get(f, "component_version")),
		.title = (char *)json_string_value(json_object_get(f, "title")),
		.link = link,
		.score = json_number_value(json_object_get(f, "cvssv3_score")),
	};
	findings_add(w, &fd);
	free(vid);
	free(link);
	free(fallback);
}

/* DRF's error body: {"detail":"..."}; false when body is not one. */
static bool dojo_error_text(const json_t *body, char *err, size_t errlen)
{
	const char *d = json_string_value(json_object_get(body, "detail"));
	if (!d)
		return false;
	char *m = sanitize_cstr(d, 0);
	snprintf(err, errlen, "DefectDojo: %s", m);
	free(m);
	return true;
}

bool dojo_parse_findings(struct findings *set, const json_t *body, const char *base_url,
			 char **next, size_t *count, char *err, size_t errlen)
{
	*next = NULL;
	*count = 0;
	const json_t *results = json_object_get(body, "results");
	if (!json_is_array(results)) {
		if (!dojo_error_text(body, err, errlen))
			snprintf(err, errlen, "DefectDojo: no results list in the answer");
		return false;
	}
	size_t i;
	const json_t *f;
	json_array_foreach(results, i, f) {
		if (!json_is_object(f))
			continue;
		/* asked for active=true; an old server ignoring the filter still gets it right */
		if (json_is_false(json_object_get(f, "active")))
			continue;
		add_finding(set, f, base_url);
		(*count)++;
	}
	const char *n = json_string_value(json_object_get(body, "next"));
	if (n && *n)
		*next = xstrdup(n);
	return true;
}

/* ---- client ----------------------------------------------------------------------- */

struct dojo_client {
	struct http *http;
	char *url, *auth_header;
	struct http_tls tls;       /* owned copies (http_tls_copy) */
	long timeout_ms;
	size_t page_size;
	struct dojo_call *calls;
};

struct dojo_call {
	struct dojo_client *dc;
	struct http_request *req;
	struct findings set;
	size_t pages, findings, count;
	dojo_result_fn done;
	void *ud;
	struct dojo_call *prev, *next;
};

struct dojo_client *dojo_client_new(struct http *http, const struct dojo_config *cfg)
{
	struct dojo_client *dc = xcalloc(1, sizeof(*dc));
	dc->http = http;
	dc->url = xstrdup(cfg->url ? cfg->url : "");
	size_t n = strlen(dc->url);
	while (n > 0 && dc->url[n - 1] == '/')
		dc->url[--n] = '\0';
	if (cfg->token)
		dc->auth_header = xasprintf("Authorization: Token %s", cfg->token);
	http_tls_copy(&dc->tls, &cfg->tls);
	dc->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : DOJO_DEFAULT_TIMEOUT_MS;
	dc->page_size = cfg->page_size > 0 ? cfg->page_size : DOJO_DEFAULT_PAGE;
	return dc;
}

void dojo_client_free(struct dojo_client *dc)
{
	if (!dc)
		return;
	while (dc->calls)
		dojo_call_cancel(dc->calls);
	free(dc->url);
	free(dc->auth_header);
	http_tls_clear(&dc->tls);
	free(dc);
}

const char *dojo_client_url(const struct dojo_client *dc)
{
	return dc->url;
}

/* Takes call out of its client's list: before its callback, which may free the client. */
static void call_unlink(struct dojo_call *call)
{
	struct dojo_client *dc = call->dc;
	if (call->prev)
		call->prev->next = call->next;
	else if (dc->calls == call)
		dc->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
	call->prev = call->next = NULL;
}

static void call_free(struct dojo_call *call)
{
	findings_free(&call->set);
	free(call);
}

void dojo_call_cancel(struct dojo_call *call)
{
	if (!call)
		return;
	if (call->req)
		http_cancel(call->req);
	call_unlink(call);
	call_free(call);
}

static void call_fail(struct dojo_call *call, const char *err)
{
	call_unlink(call);
	call->done(call->ud, err, NULL);
	call_free(call);
}

static void call_finish(struct dojo_call *call)
{
	struct dojo_result r = {&call->set, call->findings, call->count};
	call_unlink(call);
	call->done(call->ud, NULL, &r);
	call_free(call);
}

static char *failure_message(const struct dojo_client *dc, const struct http_response *resp,
			     const json_t *body)
{
	char *url = sanitize_cstr(dc->url, 0);
	char *msg = NULL;
	char e[512];
	if (resp->status == 0) {
		char *t = sanitize_cstr(resp->error ? resp->error : "no response", 0);
		msg = xasprintf("cannot reach DefectDojo at %s: %s", url, t);
		free(t);
	} else if (resp->status / 100 != 2) {
		if (dojo_error_text(body, e, sizeof(e)))
			msg = xasprintf("%s (HTTP %ld)", e, resp->status);
		else
			msg = xasprintf("DefectDojo at %s answered HTTP %ld", url, resp->status);
	} else if (!body) {
		msg = xasprintf("DefectDojo at %s answered with a malformed body", url);
	}
	free(url);
	return msg;
}

static bool call_send(struct dojo_call *call, const char *url);

/* "next" must stay on the configured server: the token is not sent anywhere else. */
static bool next_is_ours(const struct dojo_client *dc, const char *next)
{
	const char *us = strstr(dc->url, "://");
	if (!us)
		return false;
	/* same scheme, host and port: the prefix up to the first path slash */
	size_t n = (size_t)(us - dc->url) + 3 + strcspn(us + 3, "/?");
	return !strncmp(dc->url, next, n) && (next[n] == '/' || next[n] == '?');
}

static void on_http_done(void *ud, const struct http_response *resp)
{
	struct dojo_call *call = ud;
	struct dojo_client *dc = call->dc;
	call->req = NULL;
	json_t *body = resp->body_len ? json_loadb(resp->body, resp->body_len, 0, NULL) : NULL;
	char *msg = failure_message(dc, resp, body);
	char err[512] = "", *next = NULL;
	size_t count = 0;
	if (msg) {
		call_fail(call, msg);
	} else if (!dojo_parse_findings(&call->set, body, dc->url, &next, &count, err,
					sizeof(err))) {
		call_fail(call, err);
	} else {
		if (call->pages++ == 0)
			call->count = (size_t)json_integer_value(json_object_get(body, "count"));
		call->findings += count;
		if (!next || call->pages >= DOJO_MAX_PAGES) {
			call_finish(call);
		} else if (!next_is_ours(dc, next)) {
			call_fail(call, "DefectDojo: the next page is on another server; not following");
		} else if (!call_send(call, next)) {
			call_fail(call, "DefectDojo: cannot start the request");
		}
	}
	free(next);
	free(msg);
	json_decref(body);
}

static bool call_send(struct dojo_call *call, const char *url)
{
	struct dojo_client *dc = call->dc;
	const char *headers[] = {"Accept: application/json", dc->auth_header, NULL};
	struct http_request_opts o;
	memset(&o, 0, sizeof(o));
	o.url = url;
	o.headers = headers;
	o.tls = dc->tls;
	o.timeout_ms = dc->timeout_ms;
	o.on_done = on_http_done;
	o.ud = call;
	char err[256];
	call->req = http_start(dc->http, &o, err, sizeof(err));
	return call->req != NULL;
}

struct dojo_call *dojo_fetch_active(struct dojo_client *dc, dojo_result_fn done, void *ud)
{
	struct dojo_call *call = xcalloc(1, sizeof(*call));
	call->dc = dc;
	call->done = done;
	call->ud = ud;
	char *url = xasprintf("%s/api/v2/findings/?active=true&related_fields=true&limit=%zu"
			      "&offset=0", dc->url, dc->page_size);
	bool ok = call_send(call, url);
	free(url);
	if (!ok) {
		free(call);
		return NULL;
	}
	call->next = dc->calls;
	if (dc->calls)
		dc->calls->prev = call;
	dc->calls = call;
	return call;
}
