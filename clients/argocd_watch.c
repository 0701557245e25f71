/* The live list of Applications (argocd_watch_apps): list, then follow Argo CD's
 * newline-delimited stream; on any drop wait (backoff like kube_watch_start) and list
 * again, since events missed while away are not replayed. Core mode follows a Kubernetes
 * watch and fetches each changed Application whole. */
#include "clients/argocd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/argocd_internal.h"
#include "core/backoff.h"
#include "core/jsonstream.h"
#include "core/xalloc.h"

/* Core mode: a GET of one changed Application on its way. */
struct pending_get {
	struct argocd_watch *w;
	enum kube_event_type type;
	struct argocd_call *call;
	struct pending_get *next;
};

struct argocd_watch {
	struct argocd_client *ac;
	struct argocd_watch_callbacks cbs;
	void *ud;
	struct kube_watch_status st;
	char *error;
	struct argocd_call *list_call;
	struct http_request *stream;
	struct jsonstream *js;
	char *stream_error;          /* an {"error": ...} line the stream sent */
	struct backoff bo;           /* failures, stream health, the retry timer */
	int busy;                    /* > 0 while inside one of our entry points */
	bool stopped;                /* argocd_watch_stop ran while busy */
	/* core mode */
	struct kube_watch *kw;
	json_t *apps;                /* uid -> last Application seen, for DELETED */
	struct pending_get *gets;
};

static void watch_list(struct argocd_watch *w);

static void watch_destroy(struct argocd_watch *w)
{
	if (w->list_call)
		argocd_call_cancel(w->list_call);
	if (w->stream)
		http_cancel(w->stream);
	backoff_cancel(&w->bo, w->ac->loop);
	if (w->kw)
		kube_watch_stop(w->kw);
	while (w->gets) {
		struct pending_get *p = w->gets;
		w->gets = p->next;
		argocd_call_cancel(p->call);
		free(p);
	}
	json_decref(w->apps);
	jsonstream_free(w->js);
	free(w->stream_error);
	free(w->error);
	free(w);
}

static bool watch_leave(struct argocd_watch *w)
{
	if (--w->busy == 0 && w->stopped) {
		watch_destroy(w);
		return true;
	}
	return false;
}

void argocd_watch_stop(struct argocd_watch *w)
{
	if (!w)
		return;
	if (w->busy)
		w->stopped = true;
	else
		watch_destroy(w);
}

static void watch_set_state(struct argocd_watch *w, enum kube_watch_state state, const char *err)
{
	if (err) {
		free(w->error);
		w->error = argocd_redact(w->ac, err);
	}
	w->st.state = state;
	w->st.error = w->error;
	if (w->cbs.state && !w->stopped)
		w->cbs.state(w->ud, &w->st);
}

static long long now_s(void)
{
	return (long long)time(NULL);
}

/* ---- scheduling ------------------------------------------------------------------ */

static void watch_timer_fired(struct loop *loop, long long id, void *ud)
{
	struct argocd_watch *w = ud;
	(void)loop;
	(void)id;
	w->bo.timer = 0;
	w->busy++;
	watch_list(w);
	watch_leave(w);
}

static void watch_retry_in(struct argocd_watch *w, long long ms, const char *err)
{
	backoff_retry_in(&w->bo, w->ac->loop, ms, watch_timer_fired, w);
	w->st.failures = w->bo.failures;
	w->st.next_attempt_ms = w->bo.next_attempt_ms;
	watch_set_state(w, KUBE_WATCH_RETRYING, err);
}

static void watch_fail_soft(struct argocd_watch *w, const char *err)
{
	watch_retry_in(w, backoff_fail(&w->bo), err);
}

/* A refused token or an unknown endpoint will not heal by retrying. */
static bool status_is_permanent(long status)
{
	return status == 401 || status == 403 || status == 404;
}

/* ---- the stream ------------------------------------------------------------------------ */

static bool event_type(const char *s, enum kube_event_type *out)
{
	if (!s)
		return false;
	if (!strcmp(s, "ADDED"))
		*out = KUBE_EVENT_ADDED;
	else if (!strcmp(s, "MODIFIED"))
		*out = KUBE_EVENT_MODIFIED;
	else if (!strcmp(s, "DELETED"))
		*out = KUBE_EVENT_DELETED;
	else
		return false;
	return true;
}

static void emit_event(struct argocd_watch *w, enum kube_event_type type, const json_t *app)
{
	if (!w->cbs.event || w->stopped)
		return;
	struct table *row = argocd_app_row_table(app, now_s());
	w->cbs.event(w->ud, type, row, app);
	table_free(row);
}

/* One line: {"result": {"type": ..., "application": {...}}} or {"error": {...}}. */
static int stream_value(void *ud, json_t *value)
{
	struct argocd_watch *w = ud;
	json_t *err = json_object_get(value, "error");
	if (err) {
		char *text = json_dumps(value, JSON_COMPACT);
		char *msg = argocd_error_message(text, text ? strlen(text) : 0, 0);
		free(w->stream_error);
		w->stream_error = msg;
		free(text);
		return 0;
	}
	json_t *result = json_object_get(value, "result");
	const json_t *app = json_object_get(result, "application");
	enum kube_event_type type;
	if (!json_is_object(app) ||
	    !event_type(json_string_value(json_object_get(result, "type")), &type))
		return 0;
	backoff_attempt_delivered(&w->bo);
	emit_event(w, type, app);
	return w->stopped ? 1 : 0;
}

static void stream_data(void *ud, const char *data, size_t len)
{
	struct argocd_watch *w = ud;
	w->busy++;
	jsonstream_feed(w->js, data, len);
	watch_leave(w);
}

static void stream_head(void *ud, long status)
{
	struct argocd_watch *w = ud;
	if (status < 200 || status >= 300)
		return;
	w->busy++;
	/* Health counts from the answer, not from the request. */
	backoff_attempt_begin(&w->bo, loop_now_ms());
	watch_set_state(w, KUBE_WATCH_CONNECTED, NULL);
	watch_leave(w);
}

static void stream_done(void *ud, const struct http_response *resp)
{
	struct argocd_watch *w = ud;
	w->stream = NULL;
	w->busy++;
	if (resp->status < 200 || resp->status >= 300) {
		char *msg = resp->status == 0
				    ? xasprintf("cannot reach %s: %s", argocd_client_describe(w->ac),
						resp->error ? resp->error : "no response")
				    : argocd_error_message(resp->body, resp->body_len, resp->status);
		if (status_is_permanent(resp->status))
			watch_set_state(w, KUBE_WATCH_FAILED, msg);
		else
			watch_fail_soft(w, msg);
		free(msg);
		watch_leave(w);
		return;
	}
	if (!w->stopped)
		jsonstream_finish(w->js);
	bool healthy = backoff_attempt_healthy(&w->bo, loop_now_ms());
	if (w->stopped) {
		/* nothing: destroyed below */
	} else if (healthy && !w->stream_error && !resp->error) {
		backoff_reset(&w->bo);
		watch_retry_in(w, 0, NULL);   /* relist at once, from the loop */
	} else {
		watch_fail_soft(w, w->stream_error ? w->stream_error
				   : resp->error   ? resp->error
						   : "the stream closed");
	}
	watch_leave(w);
}

static void watch_stream(struct argocd_watch *w)
{
	struct argocd_client *ac = w->ac;
	char *fields = argocd_fields_param("result.application.");
	char *url = xasprintf("%s/api/v1/stream/applications?fields=%s", ac->cfg.server, fields);
	const char *headers[] = {"Accept: application/json", NULL};
	struct http_request_opts o = {
		.url = url,
		.headers = headers,
		.bearer_token = ac->cfg.token,
		.on_data = stream_data,
		.on_head = stream_head,
		.on_done = stream_done,
		.ud = w,
	};
	o.tls.ca_file = ac->cfg.ca_file;
	o.tls.insecure = ac->cfg.insecure;
	jsonstream_reset(w->js);
	free(w->stream_error);
	w->stream_error = NULL;
	backoff_attempt_begin(&w->bo, loop_now_ms());
	char err[512] = "";
	w->stream = http_start(ac->http, &o, err, sizeof(err));
	if (!w->stream)
		watch_fail_soft(w, *err ? err : "cannot start the stream");
	free(url);
	free(fields);
}

/* ---- the list ---------------------------------------------------------------------------- */

/* Core mode: remember every Application by uid so a DELETED event can say what went. */
static void cache_app(struct argocd_watch *w, const json_t *app, bool drop)
{
	const char *uid = json_string_value(
		json_object_get(json_object_get(app, "metadata"), "uid"));
	if (!uid || !w->apps)
		return;
	if (drop)
		json_object_del(w->apps, uid);
	else
		json_object_set_new(w->apps, uid, json_deep_copy(app));
}

static void on_list(void *ud, const struct argocd_result *res, json_t *body)
{
	struct argocd_watch *w = ud;
	w->list_call = NULL;
	w->busy++;
	if (!res->ok) {
		if (status_is_permanent(res->http_status))
			watch_set_state(w, KUBE_WATCH_FAILED, res->message);
		else
			watch_fail_soft(w, res->message);
		watch_leave(w);
		return;
	}
	struct table *t = argocd_apps_table(body, now_s());
	if (w->apps) {
		json_object_clear(w->apps);
		size_t i;
		json_t *app;
		json_array_foreach(json_object_get(body, "items"), i, app)
			cache_app(w, app, false);
	}
	json_decref(body);
	if (w->cbs.synced && !w->stopped)
		w->cbs.synced(w->ud, t);
	else
		table_free(t);
	if (!w->stopped && !w->kw)
		watch_stream(w);
	watch_leave(w);
}

static void watch_list(struct argocd_watch *w)
{
	watch_set_state(w, KUBE_WATCH_LISTING, NULL);
	if (!w->stopped)
		w->list_call = argocd_list_apps(w->ac, on_list, w);
}

/* ---- core mode --------------------------------------------------------------------------- */

static void pending_forget(struct argocd_watch *w, struct pending_get *p)
{
	for (struct pending_get **pp = &w->gets; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	free(p);
}

static void on_changed_app(void *ud, const struct argocd_result *res, json_t *app)
{
	struct pending_get *p = ud;
	struct argocd_watch *w = p->w;
	enum kube_event_type type = p->type;
	pending_forget(w, p);
	w->busy++;
	/* Gone between the event and the GET: the DELETED event follows. */
	if (res->ok && json_is_object(app)) {
		cache_app(w, app, false);
		emit_event(w, type, app);
	}
	json_decref(app);
	watch_leave(w);
}

static void core_synced(void *ud, struct table *t)
{
	struct argocd_watch *w = ud;
	table_free(t);
	if (w->list_call)
		argocd_call_cancel(w->list_call);
	w->list_call = argocd_list_apps(w->ac, on_list, w);
}

static void core_event(void *ud, enum kube_event_type type, const struct table *row)
{
	struct argocd_watch *w = ud;
	if (row->nrows == 0)
		return;
	const struct table_row *r = &row->rows[0];
	if (type == KUBE_EVENT_DELETED) {
		json_t *app = json_incref(json_object_get(w->apps, r->uid));
		if (!app)
			app = json_pack("{s:{s:s, s:s, s:s}}", "metadata", "name", r->name,
					"namespace", r->namespace, "uid", r->uid);
		cache_app(w, app, true);
		w->busy++;
		emit_event(w, type, app);
		json_decref(app);
		watch_leave(w);
		return;
	}
	struct pending_get *p = xcalloc(1, sizeof(*p));
	p->w = w;
	p->type = type;
	p->next = w->gets;
	w->gets = p;
	p->call = argocd_get_app(w->ac, r->name, on_changed_app, p);
}

static void core_state(void *ud, const struct kube_watch_status *st)
{
	struct argocd_watch *w = ud;
	w->st.state = st->state;
	w->st.next_attempt_ms = st->next_attempt_ms;
	w->st.failures = st->failures;
	w->busy++;
	watch_set_state(w, st->state, st->error);
	watch_leave(w);
}

static void core_start(struct argocd_watch *w)
{
	struct kube_list_options opts = {
		.resource = "applications.argoproj.io",
		.namespace = w->ac->cfg.core_namespace,
	};
	struct kube_watch_callbacks kcbs = {core_synced, core_event, core_state};
	w->apps = json_object();
	w->kw = kube_watch_start(w->ac->core, &opts, &kcbs, w);
}

/* ---- entry point ------------------------------------------------------------------------ */

struct argocd_watch *argocd_watch_apps(struct argocd_client *ac,
				       const struct argocd_watch_callbacks *cbs, void *ud)
{
	struct argocd_watch *w = xcalloc(1, sizeof(*w));
	w->ac = ac;
	w->cbs = *cbs;
	w->ud = ud;
	w->js = jsonstream_new(stream_value, NULL, w);
	w->st.state = KUBE_WATCH_LISTING;
	if (argocd_client_core_mode(ac) && ac->core)
		core_start(w);
	else   /* core mode without a cluster fails here, with a message */
		w->list_call = argocd_list_apps(ac, on_list, w);
	return w;
}
