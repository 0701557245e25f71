/* The Argo CD client (see argocd.h): the client, calls, error messages, and every REST
 * operation; core mode is in argocd_core.c, the apps table in argocd_apps.c, the live
 * list in argocd_watch.c and where the settings come from in argocd_config.c. */
#include "clients/argocd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/argocd_internal.h"
#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#define ARGOCD_CALL_TIMEOUT_MS 60000

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* ---- the client ------------------------------------------------------------------ */

struct argocd_client *argocd_client_new(struct loop *loop, struct http *http,
					const struct argocd_config *cfg, struct kube_client *core)
{
	struct argocd_client *ac = xcalloc(1, sizeof(*ac));
	ac->loop = loop;
	ac->http = http;
	ac->core = core;
	ac->cfg.server = dup_or_null(cfg->server);
	/* The URL is joined with "/api/v1/...": one slash only. */
	if (ac->cfg.server) {
		size_t n = strlen(ac->cfg.server);
		while (n > 0 && ac->cfg.server[n - 1] == '/')
			ac->cfg.server[--n] = '\0';
	}
	ac->cfg.token = dup_or_null(cfg->token);
	ac->cfg.ca_file = dup_or_null(cfg->ca_file);
	ac->cfg.insecure = cfg->insecure;
	ac->cfg.source = dup_or_null(cfg->source);
	ac->cfg.core_context = dup_or_null(cfg->core_context);
	ac->cfg.core_namespace = xstrdup(cfg->core_namespace ? cfg->core_namespace : "argocd");
	if (ac->cfg.server)
		ac->describe = sanitize_cstr(ac->cfg.server, 0);
	else
		ac->describe = xasprintf(
			"core mode (context %s, namespace %s)",
			cfg->core_context ? cfg->core_context
			: core		  ? kube_client_context_name(core)
					  : "current",
			ac->cfg.core_namespace);
	return ac;
}

void argocd_client_free(struct argocd_client *ac)
{
	if (!ac)
		return;
	while (ac->calls)
		argocd_call_cancel(ac->calls);
	argocd_config_clear(&ac->cfg);
	free(ac->describe);
	free(ac);
}

bool argocd_client_core_mode(const struct argocd_client *ac)
{
	return ac->cfg.server == NULL;
}

const char *argocd_client_describe(const struct argocd_client *ac)
{
	return ac->describe;
}

/* ---- calls ----------------------------------------------------------------------- */

struct argocd_call *argocd_call_new(struct argocd_client *ac, argocd_json_fn done, void *ud)
{
	struct argocd_call *call = xcalloc(1, sizeof(*call));
	call->ac = ac;
	call->done = done;
	call->ud = ud;
	call->next = ac->calls;
	if (ac->calls)
		ac->calls->prev = call;
	ac->calls = call;
	return call;
}

static void call_end(struct argocd_call *call)
{
	struct argocd_client *ac = call->ac;
	if (call->prev)
		call->prev->next = call->next;
	else
		ac->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
	if (call->op_free)
		call->op_free(call->op);
	json_decref(call->body);
	free(call->message);
	free(call);
}

void argocd_call_cancel(struct argocd_call *call)
{
	if (!call)
		return;
	if (call->req)
		http_cancel(call->req);
	if (call->kcall)
		kube_call_cancel(call->kcall);
	if (call->timer)
		loop_timer_cancel(call->ac->loop, call->timer);
	call_end(call);
}

void argocd_call_finish(struct argocd_call *call, bool ok, long status, const char *message,
			json_t *body)
{
	char *safe = message ? argocd_redact(call->ac, message) : NULL;
	struct argocd_result res = {ok, status, safe};
	if (!ok && !safe)
		res.message = "failed";
	call->req = NULL;
	call->kcall = NULL;
	if (call->done)
		call->done(call->ud, &res, ok ? body : NULL);
	if (!call->done || !ok)
		json_decref(body);
	free(safe);
	call_end(call);
}

static void call_deferred(struct loop *loop, long long id, void *ud)
{
	struct argocd_call *call = ud;
	(void)loop;
	(void)id;
	call->timer = 0;
	json_t *body = call->body;
	char *message = call->message;
	call->body = NULL;
	call->message = NULL;
	argocd_call_finish(call, call->ok, call->status, message, body);
	free(message);
}

void argocd_call_answer(struct argocd_call *call, bool ok, long status, const char *message,
			json_t *body)
{
	call->ok = ok;
	call->status = status;
	free(call->message);
	call->message = dup_or_null(message);
	json_decref(call->body);
	call->body = body;
	call->timer = loop_timer_add(call->ac->loop, 0, false, call_deferred, call);
}

/* ---- messages ---------------------------------------------------------------------- */

char *argocd_redact(const struct argocd_client *ac, const char *msg)
{
	const char *tok = ac->cfg.token;
	if (!tok || strlen(tok) < 4 || !strstr(msg, tok))
		return xstrdup(msg);
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(tok);
	const char *p = msg, *hit;
	while ((hit = strstr(p, tok)) != NULL) {
		strbuf_append(&sb, p, (size_t)(hit - p));
		strbuf_puts(&sb, "***");
		p = hit + n;
	}
	strbuf_puts(&sb, p);
	return strbuf_detach(&sb);
}

static const char *status_text(long status)
{
	switch (status) {
	case 401: return "unauthenticated: the token was refused";
	case 403: return "permission denied";
	case 404: return "not found";
	default: return NULL;
	}
}

char *argocd_error_message(const char *body, size_t len, long status)
{
	json_t *doc = body && len ? json_loadb(body, len, 0, NULL) : NULL;
	/* grpc-gateway: {"error": "...", "code": 7, "message": "..."}; a stream wraps it as
	 * {"error": {...}}; a Kubernetes Status has "message" too. */
	json_t *inner = json_object_get(doc, "error");
	const char *msg = json_string_value(json_object_get(doc, "message"));
	if (!msg && json_is_object(inner))
		msg = json_string_value(json_object_get(inner, "message"));
	if (!msg || !*msg)
		msg = json_string_value(inner);
	char *out;
	if (msg && *msg)
		out = sanitize_cstr(msg, 0);
	else if (status_text(status))
		out = xstrdup(status_text(status));
	else
		out = xasprintf("the server responded with status %ld", status);
	json_decref(doc);
	return out;
}

char *argocd_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			strbuf_putc(&sb, (char)*p);
		} else {
			strbuf_putc(&sb, '%');
			strbuf_putc(&sb, hex[*p >> 4]);
			strbuf_putc(&sb, hex[*p & 15]);
		}
	}
	return strbuf_detach(&sb);
}

/* ---- REST --------------------------------------------------------------------------- */

/* Every *State of a managed resource comes as a JSON string: parse it here once. */
static void managed_parse_states(json_t *body)
{
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(body, "items"), i, item) {
		const char *key;
		json_t *val;
		void *tmp;
		json_object_foreach_safe(item, tmp, key, val) {
			size_t klen = strlen(key);
			if (klen < 5 || strcmp(key + klen - 5, "State"))
				continue;
			json_t *parsed = NULL;
			if (json_is_string(val))
				parsed = json_loadb(json_string_value(val), json_string_length(val),
						    JSON_DECODE_ANY, NULL);
			if (!json_is_object(parsed)) {
				json_decref(parsed);
				parsed = json_null();
			}
			json_object_set_new(item, key, parsed);
		}
	}
}

static void rest_done(void *ud, const struct http_response *resp)
{
	struct argocd_call *call = ud;
	call->req = NULL;
	if (resp->status == 0 || (resp->error && (resp->status < 200 || resp->status >= 300))) {
		char *msg = xasprintf("cannot reach %s: %s", call->ac->describe,
				      resp->os_errno ? strerror(resp->os_errno)
				      : resp->error  ? resp->error
						     : "no response");
		argocd_call_finish(call, false, resp->status, msg, NULL);
		free(msg);
		return;
	}
	if (resp->status < 200 || resp->status >= 300) {
		char *msg = argocd_error_message(resp->body, resp->body_len, resp->status);
		argocd_call_finish(call, false, resp->status, msg, NULL);
		free(msg);
		return;
	}
	json_t *body = resp->body_len ? json_loadb(resp->body, resp->body_len, 0, NULL)
				      : json_object();
	if (!body) {
		argocd_call_finish(call, false, resp->status, "the answer is not JSON", NULL);
		return;
	}
	if (call->post == ARGOCD_POST_MANAGED)
		managed_parse_states(body);
	argocd_call_finish(call, true, resp->status, NULL, body);
}

/* Starts METHOD server+path with the token; body NULL for none. */
static struct argocd_call *rest_call(struct argocd_client *ac, const char *method,
				     const char *path, json_t *body, enum argocd_post post,
				     argocd_json_fn done, void *ud)
{
	struct argocd_call *call = argocd_call_new(ac, done, ud);
	call->post = post;
	char *url = xasprintf("%s%s", ac->cfg.server, path);
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	const char *headers[] = {"Accept: application/json",
				 text ? "Content-Type: application/json" : NULL, NULL};
	struct http_request_opts o = {
		.method = method,
		.url = url,
		.headers = headers,
		.body = text,
		.body_len = text ? strlen(text) : 0,
		.bearer_token = ac->cfg.token,
		.timeout_ms = ARGOCD_CALL_TIMEOUT_MS,
		.on_done = rest_done,
		.ud = call,
	};
	o.tls.ca_file = ac->cfg.ca_file;
	o.tls.insecure = ac->cfg.insecure;
	char err[512] = "";
	call->req = http_start(ac->http, &o, err, sizeof(err));
	if (!call->req)
		argocd_call_answer(call, false, 0, *err ? err : "cannot start the request", NULL);
	free(text);
	free(url);
	json_decref(body);
	return call;
}

static struct argocd_call *rest_get(struct argocd_client *ac, const char *path,
				    argocd_json_fn done, void *ud)
{
	return rest_call(ac, "GET", path, NULL, ARGOCD_POST_NONE, done, ud);
}

/* "/api/v1/applications/NAME" + suffix, NAME escaped. */
static char *app_path(const char *name, const char *suffix)
{
	char *e = argocd_escape(name);
	char *p = xasprintf("/api/v1/applications/%s%s", e, suffix);
	free(e);
	return p;
}

/* A core-mode call: the operation answers through the call itself. */
static struct argocd_call *core_call(struct argocd_client *ac, argocd_json_fn done, void *ud)
{
	return argocd_call_new(ac, done, ud);
}

/* ---- reading ----------------------------------------------------------------------- */

struct argocd_call *argocd_whoami(struct argocd_client *ac, argocd_json_fn done, void *ud)
{
	if (argocd_client_core_mode(ac)) {
		struct argocd_call *call = core_call(ac, done, ud);
		argocd_call_answer(call, true, 0, NULL, NULL);
		return call;
	}
	return rest_get(ac, "/api/v1/session/userinfo", done, ud);
}

struct argocd_call *argocd_list_apps(struct argocd_client *ac, argocd_json_fn done, void *ud)
{
	if (argocd_client_core_mode(ac)) {
		struct argocd_call *call = core_call(ac, done, ud);
		argocd_core_list_apps(call);
		return call;
	}
	char *fields = argocd_fields_param("items.");
	char *path = xasprintf("/api/v1/applications?fields=%s", fields);
	struct argocd_call *call = rest_get(ac, path, done, ud);
	free(path);
	free(fields);
	return call;
}

struct argocd_call *argocd_get_app(struct argocd_client *ac, const char *name,
				   argocd_json_fn done, void *ud)
{
	if (argocd_client_core_mode(ac)) {
		struct argocd_call *call = core_call(ac, done, ud);
		argocd_core_get_app(call, name);
		return call;
	}
	char *path = app_path(name, "?refresh=false");
	struct argocd_call *call = rest_get(ac, path, done, ud);
	free(path);
	return call;
}

struct argocd_call *argocd_resource_tree(struct argocd_client *ac, const char *name,
					 argocd_json_fn done, void *ud)
{
	if (argocd_client_core_mode(ac)) {
		struct argocd_call *call = core_call(ac, done, ud);
		argocd_core_resource_tree(call, name);
		return call;
	}
	char *path = app_path(name, "/resource-tree");
	struct argocd_call *call = rest_get(ac, path, done, ud);
	free(path);
	return call;
}

struct argocd_call *argocd_managed_resources(struct argocd_client *ac, const char *name,
					     argocd_json_fn done, void *ud)
{
	if (argocd_client_core_mode(ac)) {
		struct argocd_call *call = core_call(ac, done, ud);
		argocd_call_answer(call, false, 0,
				   "the diff needs the Argo CD API (core mode has no repo server)",
				   NULL);
		return call;
	}
	char *path = app_path(name, "/managed-resources");
	struct argocd_call *call = rest_call(ac, "GET", path, NULL, ARGOCD_POST_MANAGED, done, ud);
	free(path);
	return call;
}

struct argocd_call *argocd_revision_metadata(struct argocd_client *ac, const char *name,
					     const char *revision, argocd_json_fn done, void *ud)
{
	if (argocd_client_core_mode(ac)) {
		struct argocd_call *call = core_call(ac, done, ud);
		argocd_call_answer(call, false, 0,
				   "revision metadata needs the Argo CD API (core mode has no "
				   "repo server)",
				   NULL);
		return call;
	}
	char *rev = argocd_escape(revision ? revision : "");
	char *suffix = xasprintf("/revisions/%s/metadata", rev);
	char *path = app_path(name, suffix);
	struct argocd_call *call = rest_get(ac, path, done, ud);
	free(path);
	free(suffix);
	free(rev);
	return call;
}

struct argocd_call *argocd_app_events(struct argocd_client *ac, const char *name,
				      argocd_json_fn done, void *ud)
{
	if (argocd_client_core_mode(ac)) {
		struct argocd_call *call = core_call(ac, done, ud);
		argocd_core_app_events(call, name);
		return call;
	}
	char *path = app_path(name, "/events");
	struct argocd_call *call = rest_get(ac, path, done, ud);
	free(path);
	return call;
}

struct argocd_call *argocd_list_projects(struct argocd_client *ac, argocd_json_fn done, void *ud)
{
	if (argocd_client_core_mode(ac)) {
		struct argocd_call *call = core_call(ac, done, ud);
		argocd_core_list_projects(call);
		return call;
	}
	return rest_get(ac, "/api/v1/projects", done, ud);
}

struct argocd_call *argocd_list_clusters(struct argocd_client *ac, argocd_json_fn done, void *ud)
{
	if (argocd_client_core_mode(ac)) {
		struct argocd_call *call = core_call(ac, done, ud);
		argocd_core_list_clusters(call);
		return call;
	}
	return rest_get(ac, "/api/v1/clusters", done, ud);
}

/* ---- operations ------------------------------------------------------------------------ */

/* "group:kind:name" or "group:kind:namespace/name" as argocd app sync --resource takes
 * it, into a SyncOperationResource; NULL when malformed. */
static json_t *sync_resource(const char *spec)
{
	const char *c1 = strchr(spec, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2 || !c2[1])
		return NULL;
	json_t *r = json_object();
	json_object_set_new(r, "group", json_stringn(spec, (size_t)(c1 - spec)));
	json_object_set_new(r, "kind", json_stringn(c1 + 1, (size_t)(c2 - c1 - 1)));
	const char *rest = c2 + 1, *slash = strchr(rest, '/');
	if (slash) {
		json_object_set_new(r, "namespace", json_stringn(rest, (size_t)(slash - rest)));
		rest = slash + 1;
	}
	json_object_set_new(r, "name", json_string(rest));
	return r;
}

json_t *argocd_sync_request_body(const struct argocd_sync_options *opts)
{
	json_t *b = json_object();
	if (!opts)
		return b;
	if (opts->revision)
		json_object_set_new(b, "revision", json_string(opts->revision));
	json_object_set_new(b, "prune", json_boolean(opts->prune));
	json_object_set_new(b, "dryRun", json_boolean(opts->dry_run));
	if (opts->nresources) {
		json_t *arr = json_array();
		for (size_t i = 0; i < opts->nresources; i++) {
			json_t *r = sync_resource(opts->resources[i]);
			if (r)
				json_array_append_new(arr, r);
		}
		json_object_set_new(b, "resources", arr);
	}
	if (opts->nsync_options) {
		json_t *items = json_array();
		for (size_t i = 0; i < opts->nsync_options; i++)
			json_array_append_new(items, json_string(opts->sync_options[i]));
		json_object_set_new(b, "syncOptions", json_pack("{s:o}", "items", items));
	}
	return b;
}

struct argocd_call *argocd_sync(struct argocd_client *ac, const char *name,
				const struct argocd_sync_options *opts, argocd_json_fn done,
				void *ud)
{
	if (argocd_client_core_mode(ac)) {
		struct argocd_call *call = core_call(ac, done, ud);
		argocd_core_sync(call, name, opts);
		return call;
	}
	json_t *body = argocd_sync_request_body(opts);
	json_object_set_new(body, "name", json_string(name));
	char *path = app_path(name, "/sync");
	struct argocd_call *call = rest_call(ac, "POST", path, body, ARGOCD_POST_NONE, done, ud);
	free(path);
	return call;
}

struct argocd_call *argocd_rollback(struct argocd_client *ac, const char *name, long id,
				    bool prune, bool dry_run, argocd_json_fn done, void *ud)
{
	if (argocd_client_core_mode(ac)) {
		struct argocd_call *call = core_call(ac, done, ud);
		argocd_core_rollback(call, name, id, prune, dry_run);
		return call;
	}
	json_t *body = json_pack("{s:s, s:I, s:b, s:b}", "name", name, "id", (json_int_t)id,
				 "prune", prune, "dryRun", dry_run);
	char *path = app_path(name, "/rollback");
	struct argocd_call *call = rest_call(ac, "POST", path, body, ARGOCD_POST_NONE, done, ud);
	free(path);
	return call;
}

struct argocd_call *argocd_terminate(struct argocd_client *ac, const char *name,
				     argocd_json_fn done, void *ud)
{
	if (argocd_client_core_mode(ac)) {
		struct argocd_call *call = core_call(ac, done, ud);
		argocd_core_terminate(call, name);
		return call;
	}
	char *path = app_path(name, "/operation");
	struct argocd_call *call = rest_call(ac, "DELETE", path, NULL, ARGOCD_POST_NONE, done, ud);
	free(path);
	return call;
}

struct argocd_call *argocd_refresh(struct argocd_client *ac, const char *name, bool hard,
				   argocd_json_fn done, void *ud)
{
	if (argocd_client_core_mode(ac)) {
		struct argocd_call *call = core_call(ac, done, ud);
		argocd_core_refresh(call, name, hard);
		return call;
	}
	char *path = app_path(name, hard ? "?refresh=hard" : "?refresh=normal");
	struct argocd_call *call = rest_get(ac, path, done, ud);
	free(path);
	return call;
}
