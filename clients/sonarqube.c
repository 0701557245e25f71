/* The SonarQube client (sonarqube.h): parsers of project_status and issues/search into the
 * findings model, and a fetch that walks gate then issue pages on the shared http client. */
#include "clients/sonarqube.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#define SONAR_DEFAULT_TIMEOUT_MS 10000
#define SONAR_PAGE_SIZE 500
/* issues/search refuses to page past 10000 results (p * ps > 10000 is an error) */
#define SONAR_MAX_RESULTS 10000

/* A sanitised copy of a JSON string member; "" when absent or not a string. */
static char *member_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return sanitize_cstr(s ? s : "", 0);
}

static void condition_free(struct sonar_condition *c)
{
	free(c->status);
	free(c->metric);
	free(c->comparator);
	free(c->threshold);
	free(c->actual);
}

void sonar_gate_free(struct sonar_gate *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->nfailing; i++)
		condition_free(&g->failing[i]);
	free(g->failing);
	free(g->status);
	memset(g, 0, sizeof(*g));
}

/* SonarQube's error body: {"errors":[{"msg":"..."}]}; false when body is not one. */
static bool sonar_error_text(const json_t *body, char *err, size_t errlen)
{
	const json_t *errors = json_object_get(body, "errors");
	const char *msg = json_string_value(json_object_get(json_array_get(errors, 0), "msg"));
	if (!msg)
		return false;
	char *m = sanitize_cstr(msg, 0);
	snprintf(err, errlen, "SonarQube: %s", m);
	free(m);
	return true;
}

bool sonar_parse_gate(const json_t *body, struct sonar_gate *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	const json_t *ps = json_object_get(body, "projectStatus");
	if (!json_is_object(ps)) {
		if (!sonar_error_text(body, err, errlen))
			snprintf(err, errlen, "SonarQube: no projectStatus in the answer");
		return false;
	}
	const char *status = json_string_value(json_object_get(ps, "status"));
	out->status = sanitize_cstr(status ? status : "NONE", 0);
	const json_t *conds = json_object_get(ps, "conditions");
	size_t i;
	const json_t *c;
	json_array_foreach(conds, i, c) {
		out->nconditions++;
		const char *st = json_string_value(json_object_get(c, "status"));
		if (!st || !strcmp(st, "OK"))
			continue;
		out->failing = xrealloc(out->failing, (out->nfailing + 1) * sizeof(*out->failing));
		struct sonar_condition *fc = &out->failing[out->nfailing++];
		fc->status = member_str(c, "status");
		fc->metric = member_str(c, "metricKey");
		fc->comparator = member_str(c, "comparator");
		fc->threshold = member_str(c, "errorThreshold");
		fc->actual = member_str(c, "actualValue");
	}
	return true;
}

struct finding_workload *sonar_workload(struct findings *set, const char *key,
					const char *service)
{
	struct finding_workload *w = findings_workload(set, "", "", "SonarProject", key);
	if (service) {
		free(w->service);
		w->service = sanitize_cstr(service, 0);
	}
	return w;
}

/* Percent-encodes everything but RFC 3986's unreserved characters. */
static void url_escape(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			strbuf_putc(sb, (char)*p);
		} else {
			strbuf_putc(sb, '%');
			strbuf_putc(sb, hex[*p >> 4]);
			strbuf_putc(sb, hex[*p & 15]);
		}
	}
}

void sonar_add_gate(struct finding_workload *w, const struct sonar_gate *gate,
		    const char *base_url)
{
	struct strbuf link = STRBUF_INIT;
	strbuf_printf(&link, "%s/dashboard?id=", base_url);
	url_escape(&link, w->name);
	for (size_t i = 0; i < gate->nfailing; i++) {
		const struct sonar_condition *c = &gate->failing[i];
		char *id = xasprintf("quality-gate/%s", c->metric);
		char *title = xasprintf("Quality gate %s: %s is %s (fails when %s %s)",
					c->status, c->metric, *c->actual ? c->actual : "?",
					c->comparator, *c->threshold ? c->threshold : "?");
		struct finding f = {
			.source = FINDING_SRC_SONARQUBE,
			.severity = strcmp(c->status, "ERROR") ? FINDING_MEDIUM : FINDING_HIGH,
			.id = id, .package = w->name, .title = title,
			.link = (char *)strbuf_str(&link),
		};
		findings_add(w, &f);
		free(id);
		free(title);
	}
	strbuf_free(&link);
}

/* Legacy issue severities and the newer impact severities to the model's scale. */
static enum finding_severity sonar_severity(const char *s)
{
	if (!s)
		return FINDING_UNKNOWN;
	if (!strcmp(s, "BLOCKER"))
		return FINDING_CRITICAL;
	if (!strcmp(s, "CRITICAL") || !strcmp(s, "HIGH"))
		return FINDING_HIGH;
	if (!strcmp(s, "MAJOR") || !strcmp(s, "MEDIUM"))
		return FINDING_MEDIUM;
	if (!strcmp(s, "MINOR") || !strcmp(s, "LOW") || !strcmp(s, "INFO"))
		return FINDING_LOW;
	return FINDING_UNKNOWN;
}

static enum finding_severity issue_severity(const json_t *issue)
{
	enum finding_severity best = FINDING_UNKNOWN;
	size_t i;
	const json_t *imp;
	json_array_foreach(json_object_get(issue, "impacts"), i, imp) {
		enum finding_severity s =
			sonar_severity(json_string_value(json_object_get(imp, "severity")));
		if (s > best)
			best = s;
	}
	if (best != FINDING_UNKNOWN)
		return best;
	return sonar_severity(json_string_value(json_object_get(issue, "severity")));
}

static void add_issue(struct finding_workload *w, const json_t *issue, const char *base_url)
{
	const char *key = json_string_value(json_object_get(issue, "key"));
	const char *rule = json_string_value(json_object_get(issue, "rule"));
	const char *comp = json_string_value(json_object_get(issue, "component"));
	const char *msg = json_string_value(json_object_get(issue, "message"));
	size_t klen = strlen(w->name);
	/* components are "PROJECT:path/File.java"; the project is the workload already */
	if (comp && !strncmp(comp, w->name, klen) && comp[klen] == ':')
		comp += klen + 1;
	struct strbuf pkg = STRBUF_INIT, link = STRBUF_INIT;
	strbuf_puts(&pkg, comp ? comp : "");
	json_int_t line = json_integer_value(json_object_get(issue, "line"));
	if (line > 0)
		strbuf_printf(&pkg, ":%lld", (long long)line);
	strbuf_printf(&link, "%s/project/issues?id=", base_url);
	url_escape(&link, w->name);
	strbuf_puts(&link, "&open=");
	url_escape(&link, key ? key : "");
	struct finding f = {
		.source = FINDING_SRC_SONARQUBE,
		.severity = issue_severity(issue),
		.id = (char *)(rule ? rule : (key ? key : "")),
		.package = (char *)strbuf_str(&pkg),
		.title = (char *)msg,
		.link = (char *)strbuf_str(&link),
	};
	findings_add(w, &f);
	strbuf_free(&pkg);
	strbuf_free(&link);
}

bool sonar_parse_issues(struct finding_workload *w, const json_t *body, const char *base_url,
			size_t *total, size_t *count, char *err, size_t errlen)
{
	*total = *count = 0;
	const json_t *issues = json_object_get(body, "issues");
	if (!json_is_array(issues)) {
		if (!sonar_error_text(body, err, errlen))
			snprintf(err, errlen, "SonarQube: no issues list in the answer");
		return false;
	}
	/* paging.total since 6.x; the top-level "total" before (and kept, deprecated) */
	const json_t *t = json_object_get(json_object_get(body, "paging"), "total");
	if (!t)
		t = json_object_get(body, "total");
	size_t i;
	const json_t *issue;
	json_array_foreach(issues, i, issue) {
		if (json_is_object(issue))
			add_issue(w, issue, base_url);
	}
	*count = json_array_size(issues);
	*total = json_integer_value(t) > 0 ? (size_t)json_integer_value(t) : *count;
	return true;
}

/* ---- client ----------------------------------------------------------------------- */

struct sonar_client {
	struct http *http;
	char *url, *token;
	bool basic_auth;
	struct http_tls tls;       /* owned copies (http_tls_copy) */
	long timeout_ms;
	struct sonar_call *calls;  /* in flight, for sonar_client_free */
};

struct sonar_call {
	struct sonar_client *sc;
	struct http_request *req;
	char *key;
	struct findings set;
	struct sonar_gate gate;
	bool have_gate;
	size_t page, issues, total;
	sonar_project_fn done;
	void *ud;
	struct sonar_call *prev, *next;
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct sonar_client *sonar_client_new(struct http *http, const struct sonar_config *cfg)
{
	struct sonar_client *sc = xcalloc(1, sizeof(*sc));
	sc->http = http;
	sc->url = xstrdup(cfg->url ? cfg->url : "");
	size_t n = strlen(sc->url);
	while (n > 0 && sc->url[n - 1] == '/')
		sc->url[--n] = '\0';
	sc->token = dup_or_null(cfg->token);
	sc->basic_auth = cfg->basic_auth;
	http_tls_copy(&sc->tls, &cfg->tls);
	sc->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : SONAR_DEFAULT_TIMEOUT_MS;
	return sc;
}

void sonar_client_free(struct sonar_client *sc)
{
	if (!sc)
		return;
	while (sc->calls)
		sonar_call_cancel(sc->calls);
	free(sc->url);
	free(sc->token);
	http_tls_clear(&sc->tls);
	free(sc);
}

const char *sonar_client_url(const struct sonar_client *sc)
{
	return sc->url;
}

/* Takes call out of its client's list: before its callback, which may free the client. */
static void call_unlink(struct sonar_call *call)
{
	struct sonar_client *sc = call->sc;
	if (call->prev)
		call->prev->next = call->next;
	else if (sc->calls == call)
		sc->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
	call->prev = call->next = NULL;
}

static void call_free(struct sonar_call *call)
{
	findings_free(&call->set);
	sonar_gate_free(&call->gate);
	free(call->key);
	free(call);
}

void sonar_call_cancel(struct sonar_call *call)
{
	if (!call)
		return;
	if (call->req)
		http_cancel(call->req);
	call_unlink(call);
	call_free(call);
}

static void call_fail(struct sonar_call *call, const char *err)
{
	call_unlink(call);
	call->done(call->ud, err, NULL);
	call_free(call);
}

static bool call_send(struct sonar_call *call, const char *path_query);

static void call_finish(struct sonar_call *call)
{
	struct sonar_project p = {&call->set, &call->gate, call->issues, call->total};
	call_unlink(call);
	call->done(call->ud, NULL, &p);
	call_free(call);
}

/* The next issues page, or the end when every page (up to SonarQube's cap) is read. */
static void call_next_page(struct sonar_call *call)
{
	size_t read = call->page * SONAR_PAGE_SIZE;
	if (call->page > 0 && (read >= call->total || read >= SONAR_MAX_RESULTS)) {
		call_finish(call);
		return;
	}
	call->page++;
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "/api/issues/search?componentKeys=");
	url_escape(&sb, call->key);
	strbuf_printf(&sb, "&resolved=false&ps=%d&p=%zu", SONAR_PAGE_SIZE, call->page);
	if (!call_send(call, strbuf_str(&sb)))
		call_fail(call, "SonarQube: cannot start the request");
	strbuf_free(&sb);
}

/* A one-line message for a failed exchange (never the token); NULL when it went well. */
static char *failure_message(const struct sonar_client *sc, const struct http_response *resp,
			     const json_t *body)
{
	char *url = sanitize_cstr(sc->url, 0);
	char *msg = NULL;
	char e[512];
	if (resp->status == 0) {
		char *t = sanitize_cstr(resp->error ? resp->error : "no response", 0);
		msg = xasprintf("cannot reach SonarQube at %s: %s", url, t);
		free(t);
	} else if (resp->status / 100 != 2) {
		if (sonar_error_text(body, e, sizeof(e)))
			msg = xasprintf("%s (HTTP %ld)", e, resp->status);
		else
			msg = xasprintf("SonarQube at %s answered HTTP %ld", url, resp->status);
	} else if (!body) {
		msg = xasprintf("SonarQube at %s answered with a malformed body", url);
	}
	free(url);
	return msg;
}

static void on_http_done(void *ud, const struct http_response *resp)
{
	struct sonar_call *call = ud;
	struct sonar_client *sc = call->sc;
	call->req = NULL;
	json_t *body = resp->body_len ? json_loadb(resp->body, resp->body_len, 0, NULL) : NULL;
	char *msg = failure_message(sc, resp, body);
	char err[512] = "";
	if (msg) {
		call_fail(call, msg);
	} else if (!call->have_gate) {
		if (sonar_parse_gate(body, &call->gate, err, sizeof(err))) {
			call->have_gate = true;
			struct finding_workload *w = sonar_workload(&call->set, call->key, NULL);
			sonar_add_gate(w, &call->gate, sc->url);
			call_next_page(call);
		} else {
			call_fail(call, err);
		}
	} else {
		struct finding_workload *w = sonar_workload(&call->set, call->key, NULL);
		size_t count;
		if (!sonar_parse_issues(w, body, sc->url, &call->total, &count, err, sizeof(err))) {
			call_fail(call, err);
		} else {
			call->issues += count;
			if (count == 0)
				call_finish(call);  /* an empty page ends it whatever total says */
			else
				call_next_page(call);
		}
	}
	free(msg);
	json_decref(body);
}

static bool call_send(struct sonar_call *call, const char *path_query)
{
	struct sonar_client *sc = call->sc;
	char *url = xasprintf("%s%s", sc->url, path_query);
	static const char *const headers[] = {"Accept: application/json", NULL};
	struct http_request_opts o;
	memset(&o, 0, sizeof(o));
	o.url = url;
	o.headers = headers;
	if (sc->token && sc->basic_auth) {
		o.username = sc->token;
		o.password = "";
	} else {
		o.bearer_token = sc->token;
	}
	o.tls = sc->tls;
	o.timeout_ms = sc->timeout_ms;
	o.on_done = on_http_done;
	o.ud = call;
	char err[256];
	call->req = http_start(sc->http, &o, err, sizeof(err));
	free(url);
	return call->req != NULL;
}

struct sonar_call *sonar_fetch_project(struct sonar_client *sc, const char *key,
				       const char *service, sonar_project_fn done, void *ud)
{
	struct sonar_call *call = xcalloc(1, sizeof(*call));
	call->sc = sc;
	call->key = xstrdup(key);
	call->done = done;
	call->ud = ud;
	sonar_workload(&call->set, key, service);
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "/api/qualitygates/project_status?projectKey=");
	url_escape(&sb, key);
	bool ok = call_send(call, strbuf_str(&sb));
	strbuf_free(&sb);
	if (!ok) {
		findings_free(&call->set);
		free(call->key);
		free(call);
		return NULL;
	}
	call->next = sc->calls;
	if (sc->calls)
		sc->calls->prev = call;
	sc->calls = call;
	return call;
}
