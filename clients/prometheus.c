/* The Prometheus client (prometheus.h): calls to /api/v1/{alerts,rules,query,query_range}
 * on the shared http client, each answered once from the loop; parsing is in
 * prometheus_parse.c, where the settings come from in prometheus_config.c. */
#include "clients/prometheus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#define PROM_DEFAULT_TIMEOUT_MS 10000

enum prom_kind { PROM_KIND_ALERTS, PROM_KIND_RULES, PROM_KIND_RESULT };

struct prom_client {
	struct http *http;
	char *url;
	char *token;
	struct http_tls tls;       /* owned copies (http_tls_copy) */
	long timeout_ms;
	struct prom_call *calls;  /* in flight, for prom_client_free */
};

struct prom_call {
	struct prom_client *pc;
	struct http_request *req;
	enum prom_kind kind;
	union {
		prom_alerts_fn alerts;
		prom_rules_fn rules;
		prom_result_fn result;
	} done;
	void *ud;
	struct prom_call *prev, *next;
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct prom_client *prom_client_new(struct http *http, const struct prom_config *cfg)
{
	struct prom_client *pc = xcalloc(1, sizeof(*pc));
	pc->http = http;
	pc->url = xstrdup(cfg->url ? cfg->url : "");
	/* Paths are joined as url + "/api/v1/...": one slash only. */
	size_t n = strlen(pc->url);
	while (n > 0 && pc->url[n - 1] == '/')
		pc->url[--n] = '\0';
	pc->token = dup_or_null(cfg->bearer_token);
	http_tls_copy(&pc->tls, &cfg->tls);
	pc->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : PROM_DEFAULT_TIMEOUT_MS;
	return pc;
}

void prom_client_free(struct prom_client *pc)
{
	if (!pc)
		return;
	while (pc->calls)
		prom_call_cancel(pc->calls);
	free(pc->url);
	free(pc->token);
	http_tls_clear(&pc->tls);
	free(pc);
}

const char *prom_client_url(const struct prom_client *pc)
{
	return pc->url;
}

/* ---- calls ------------------------------------------------------------------------ */

/* Takes call out of its client's list (it is freed by the caller). */
static void call_unlink(struct prom_call *call)
{
	struct prom_client *pc = call->pc;
	if (call->prev)
		call->prev->next = call->next;
	else
		pc->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
	call->prev = call->next = NULL;
}

void prom_call_cancel(struct prom_call *call)
{
	if (!call)
		return;
	if (call->req)
		http_cancel(call->req);
	call_unlink(call);
	free(call);
}

static void call_fail(struct prom_call *call, const char *err)
{
	switch (call->kind) {
	case PROM_KIND_ALERTS: call->done.alerts(call->ud, err, NULL); break;
	case PROM_KIND_RULES: call->done.rules(call->ud, err, NULL); break;
	case PROM_KIND_RESULT: call->done.result(call->ud, err, NULL); break;
	}
}

/* Parses body for call's kind and runs its callback with the answer or the error. */
static void call_deliver(struct prom_call *call, const json_t *body)
{
	char err[512] = "";
	switch (call->kind) {
	case PROM_KIND_ALERTS: {
		struct prom_alerts a;
		bool ok = prom_parse_alerts(body, &a, err, sizeof(err));
		call->done.alerts(call->ud, ok ? NULL : err, ok ? &a : NULL);
		prom_alerts_free(&a);
		break;
	}
	case PROM_KIND_RULES: {
		struct prom_rules r;
		bool ok = prom_parse_rules(body, &r, err, sizeof(err));
		call->done.rules(call->ud, ok ? NULL : err, ok ? &r : NULL);
		prom_rules_free(&r);
		break;
	}
	case PROM_KIND_RESULT: {
		struct prom_result r;
		bool ok = prom_parse_result(body, &r, err, sizeof(err));
		call->done.result(call->ud, ok ? NULL : err, ok ? &r : NULL);
		prom_result_free(&r);
		break;
	}
	}
}

/* A one-line message for a failed exchange, without the token. */
static char *failure_message(const struct prom_client *pc, const struct http_response *resp,
			     const json_t *body)
{
	char *url = sanitize_cstr(pc->url, 0);
	char *msg;
	if (resp->status == 0) {
		char *e = sanitize_cstr(resp->error ? resp->error : "no response", 0);
		msg = xasprintf("cannot reach Prometheus at %s: %s", url, e);
		free(e);
	} else if (json_is_object(body) && json_object_get(body, "status")) {
		msg = NULL;  /* the envelope parser words it */
	} else {
		msg = xasprintf("Prometheus at %s answered HTTP %ld", url, resp->status);
	}
	free(url);
	return msg;
}

static void on_http_done(void *ud, const struct http_response *resp)
{
	struct prom_call *call = ud;
	call->req = NULL;
	/* out of the list before the callback, which may free the client */
	call_unlink(call);
	json_t *body = resp->body_len ? json_loadb(resp->body, resp->body_len, JSON_ALLOW_NUL, NULL) : NULL;
	char *msg = failure_message(call->pc, resp, body);
	if (msg) {
		call_fail(call, msg);
	} else if (!body || (resp->status / 100 != 2 &&
			     !json_object_get(body, "errorType"))) {
		char e[128];
		snprintf(e, sizeof(e), "Prometheus answered HTTP %ld with a malformed body",
			 resp->status);
		call_fail(call, e);
	} else {
		call_deliver(call, body);
	}
	free(msg);
	json_decref(body);
	free(call);
}

static struct prom_call *call_new(struct prom_client *pc, enum prom_kind kind, void *ud)
{
	struct prom_call *call = xcalloc(1, sizeof(*call));
	call->pc = pc;
	call->kind = kind;
	call->ud = ud;
	return call;
}

/* Sends GET url+path_query for call. NULL (no callback will run) only when http_start
 * refuses the request outright, which a GET with a URL never meets in practice. */
static struct prom_call *call_send(struct prom_call *call, const char *path_query)
{
	struct prom_client *pc = call->pc;
	char *url = xasprintf("%s%s", pc->url, path_query);
	static const char *const headers[] = {"Accept: application/json", NULL};
	struct http_request_opts o;
	memset(&o, 0, sizeof(o));
	o.url = url;
	o.headers = headers;
	o.bearer_token = pc->token;
	o.tls = pc->tls;
	o.timeout_ms = pc->timeout_ms;
	o.on_done = on_http_done;
	o.ud = call;
	char err[256];
	call->req = http_start(pc->http, &o, err, sizeof(err));
	free(url);
	if (!call->req) {
		free(call);
		return NULL;
	}
	call->next = pc->calls;
	if (pc->calls)
		pc->calls->prev = call;
	pc->calls = call;
	return call;
}

/* ---- the API ----------------------------------------------------------------------- */

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

/* Prometheus takes times as (fractional) Unix seconds. */
static void put_seconds(struct strbuf *sb, const char *name, long long ms)
{
	strbuf_printf(sb, "&%s=%lld.%03lld", name, ms / 1000, ms % 1000);
}

struct prom_call *prom_get_alerts(struct prom_client *pc, prom_alerts_fn done, void *ud)
{
	struct prom_call *call = call_new(pc, PROM_KIND_ALERTS, ud);
	call->done.alerts = done;
	return call_send(call, "/api/v1/alerts");
}

struct prom_call *prom_get_rules(struct prom_client *pc, prom_rules_fn done, void *ud)
{
	struct prom_call *call = call_new(pc, PROM_KIND_RULES, ud);
	call->done.rules = done;
	return call_send(call, "/api/v1/rules");
}

struct prom_call *prom_query(struct prom_client *pc, const char *query, long long time_ms,
			     prom_result_fn done, void *ud)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "/api/v1/query?query=");
	url_escape(&sb, query ? query : "");
	if (time_ms > 0)
		put_seconds(&sb, "time", time_ms);
	struct prom_call *call = call_new(pc, PROM_KIND_RESULT, ud);
	call->done.result = done;
	call = call_send(call, strbuf_str(&sb));
	strbuf_free(&sb);
	return call;
}

struct prom_call *prom_query_range(struct prom_client *pc, const char *query,
				   long long start_ms, long long end_ms, long long step_ms,
				   prom_result_fn done, void *ud)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "/api/v1/query_range?query=");
	url_escape(&sb, query ? query : "");
	put_seconds(&sb, "start", start_ms);
	put_seconds(&sb, "end", end_ms);
	put_seconds(&sb, "step", step_ms > 0 ? step_ms : 1000);
	struct prom_call *call = call_new(pc, PROM_KIND_RESULT, ud);
	call->done.result = done;
	call = call_send(call, strbuf_str(&sb));
	strbuf_free(&sb);
	return call;
}
