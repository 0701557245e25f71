/* Watches (see kube.h): list, then watch from the list's resourceVersion as Table rows;
 * relist on 410 Gone, reconnect with capped, jittered exponential backoff, honour
 * Retry-After. Each entry point guards against the owner stopping the watch from inside
 * one of its callbacks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/kube.h"
#include "clients/kube_internal.h"
#include "clients/kube_table.h"
#include "core/backoff.h"
#include "core/jsonstream.h"
#include "core/xalloc.h"

enum watch_next { NEXT_NOTHING, NEXT_RELIST, NEXT_RECONNECT, NEXT_BACKOFF, NEXT_FAIL };

struct kube_watch {
	struct kube_client *kc;
	struct kube_list_options opts;       /* strings owned */
	struct kube_watch_callbacks cbs;
	void *ud;
	struct kube_watch_status st;
	char *error;
	char *rv;
	struct table *cols;                  /* the list's columns, no rows */
	int cond_cols;                       /* condition columns decided by the first
					      * list (KUBE_COND_* bits); -1 before it */
	const struct kube_resource *res;     /* owned by the client's discovery */
	struct kube_call *list_call;
	struct kube_req *stream;
	struct jsonstream *js;
	struct backoff bo;                   /* failures, stream health, the retry timer */
	enum watch_next after_stream;        /* decided by an in-stream ERROR event */
	long retry_after_ms;
	int busy;                            /* > 0 while inside one of our entry points */
	bool stopped;                        /* kube_watch_stop ran while busy */
};

static void watch_list(struct kube_watch *w);
static void watch_stream(struct kube_watch *w);

static void watch_destroy(struct kube_watch *w)
{
	if (w->list_call)
		kube_call_cancel(w->list_call);
	if (w->stream)
		kube_req_cancel(w->stream);
	backoff_cancel(&w->bo, kube_client_loop(w->kc));
	jsonstream_free(w->js);
	table_free(w->cols);
	free((char *)w->opts.resource);
	free((char *)w->opts.namespace);
	free((char *)w->opts.label_selector);
	free((char *)w->opts.field_selector);
	free(w->error);
	free(w->rv);
	free(w);
}

/* Leaves an entry point; returns true when the watch was freed. */
static bool watch_leave(struct kube_watch *w)
{
	if (--w->busy == 0 && w->stopped) {
		watch_destroy(w);
		return true;
	}
	return false;
}

static void watch_set_state(struct kube_watch *w, enum kube_watch_state state, const char *err)
{
	if (err) {
		free(w->error);
		w->error = xstrdup(err);
	}
	w->st.state = state;
	w->st.error = w->error;
	w->st.resource_version = w->rv;
	if (w->cbs.state && !w->stopped)
		w->cbs.state(w->ud, &w->st);
}

static void watch_set_rv(struct kube_watch *w, const char *rv)
{
	if (!rv || !*rv)
		return;
	free(w->rv);
	w->rv = xstrdup(rv);
	w->st.resource_version = w->rv;
}

/* ---- scheduling ------------------------------------------------------------------ */

static void watch_timer_fired(struct loop *loop, long long id, void *ud)
{
	struct kube_watch *w = ud;
	(void)loop;
	(void)id;
	w->bo.timer = 0;
	w->busy++;
	if (w->rv)
		watch_stream(w);
	else
		watch_list(w);
	watch_leave(w);
}

static void watch_retry_in(struct kube_watch *w, long long ms, const char *err)
{
	backoff_retry_in(&w->bo, kube_client_loop(w->kc), ms, watch_timer_fired, w);
	w->st.failures = w->bo.failures;
	w->st.next_attempt_ms = w->bo.next_attempt_ms;
	watch_set_state(w, KUBE_WATCH_RETRYING, err);
}

static void watch_fail_soft(struct kube_watch *w, const char *err)
{
	watch_retry_in(w, backoff_fail(&w->bo), err);
}

/* 401/403/404 will not heal by retrying: say so and stop. */
static bool status_is_permanent(long status)
{
	return status == 401 || status == 403 || status == 404;
}

/* ---- listing --------------------------------------------------------------------- */

static struct table *table_with_columns(const struct table *src)
{
	struct table *t = table_new();
	for (size_t c = 0; c < src->ncols; c++)
		table_add_column(t, src->cols[c].name, src->cols[c].type, src->cols[c].format,
				 src->cols[c].priority);
	t->kind = src->kind ? xstrdup(src->kind) : NULL;
	return t;
}

static void watch_on_list(void *ud, const struct kube_result *res,
			  const struct kube_resource *resource, struct table *t,
			  unsigned cond_cols)
{
	struct kube_watch *w = ud;
	w->list_call = NULL;   /* kube_list ends it after we return */
	w->busy++;
	if (!res->ok) {
		/* Unknown resource (discovery worked, the name did not resolve) or a refusal
		 * will not heal; an unreachable server will. */
		bool unknown = !resource && kube_client_discovery(w->kc);
		if (unknown || status_is_permanent(res->http_status))
			watch_set_state(w, KUBE_WATCH_FAILED, res->message);
		else
			watch_fail_soft(w, res->message);
		watch_leave(w);
		return;
	}
	w->res = resource;
	/* Relists keep this so that every row the owner sees has the same columns. */
	w->cond_cols = (int)cond_cols;
	table_free(w->cols);
	w->cols = table_with_columns(t);
	free(w->rv);
	w->rv = NULL;
	watch_set_rv(w, t->resource_version);
	if (w->cbs.synced && !w->stopped)
		w->cbs.synced(w->ud, t);
	else
		table_free(t);
	if (!w->stopped)
		watch_stream(w);
	watch_leave(w);
}

static void watch_list(struct kube_watch *w)
{
	free(w->rv);
	w->rv = NULL;
	watch_set_state(w, KUBE_WATCH_LISTING, NULL);
	w->list_call = kube_list_cond(w->kc, &w->opts, w->cond_cols, watch_on_list, w);
}

/* ---- the stream ------------------------------------------------------------------ */

/* A bookmark's object carries only metadata.resourceVersion; as a Table (when the server
 * converted it) the version may sit in the Table's metadata or its row's object. */
static const char *event_resource_version(const json_t *obj)
{
	const char *rv = json_string_value(
		json_object_get(json_object_get(obj, "metadata"), "resourceVersion"));
	if (rv && *rv)
		return rv;
	const json_t *row = json_array_get(json_object_get(obj, "rows"), 0);
	return json_string_value(json_object_get(
		json_object_get(json_object_get(row, "object"), "metadata"), "resourceVersion"));
}

static void watch_emit_rows(struct kube_watch *w, enum kube_event_type type, const json_t *obj)
{
	struct table *t = table_with_columns(w->cols);
	char err[256];
	struct kube_table_cond cond = {true, w->cond_cols > 0 ? (unsigned)w->cond_cols : 0, false};
	struct kube_table_cond *condp = cond.cols ? &cond : NULL;
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	if (kind && !strcmp(kind, "Table")) {
		if (kube_table_append_cond(t, obj, condp, err, sizeof(err)) != 0) {
			table_free(t);
			return;
		}
	} else {
		/* A whole object (the server ignored the Table Accept): wrap it as a list. */
		json_t *list = json_pack("{s:s, s:[O]}", "kind", "List", "items", obj);
		kube_table_append_cond(t, list, condp, err, sizeof(err));
		json_decref(list);
	}
	for (size_t i = 0; i < t->nrows && !w->stopped; i++) {
		struct table *one = table_with_columns(w->cols);
		struct table_row *row = table_add_row(one);
		for (size_t c = 0; c < one->ncols; c++)
			table_set_cell(row, c, t->rows[i].cells[c]);
		free(row->name);
		free(row->namespace);
		free(row->uid);
		free(row->resource_version);
		row->name = xstrdup(t->rows[i].name);
		row->namespace = xstrdup(t->rows[i].namespace);
		row->uid = xstrdup(t->rows[i].uid);
		row->resource_version = xstrdup(t->rows[i].resource_version);
		watch_set_rv(w, row->resource_version);
		if (w->cbs.event)
			w->cbs.event(w->ud, type, one);
		table_free(one);
	}
	table_free(t);
}

static int watch_on_event(void *ud, json_t *ev)
{
	struct kube_watch *w = ud;
	const char *type = json_string_value(json_object_get(ev, "type"));
	const json_t *obj = json_object_get(ev, "object");
	if (!type || !obj)
		return 0;
	backoff_attempt_delivered(&w->bo);
	if (!strcmp(type, "ADDED") || !strcmp(type, "MODIFIED") || !strcmp(type, "DELETED")) {
		enum kube_event_type t = type[0] == 'A' ? KUBE_EVENT_ADDED
					 : type[0] == 'M' ? KUBE_EVENT_MODIFIED
							  : KUBE_EVENT_DELETED;
		watch_emit_rows(w, t, obj);
	} else if (!strcmp(type, "BOOKMARK")) {
		watch_set_rv(w, event_resource_version(obj));
	} else if (!strcmp(type, "ERROR")) {
		long code = (long)json_integer_value(json_object_get(obj, "code"));
		const char *msg = json_string_value(json_object_get(obj, "message"));
		free(w->error);
		w->error = xstrdup(msg ? msg : "watch error");
		w->after_stream = code == 410 ? NEXT_RELIST : NEXT_BACKOFF;
		return 1;   /* the server ends the stream after an ERROR; do not wait for it */
	}
	return w->stopped;
}

static void watch_on_head(void *ud, long status)
{
	struct kube_watch *w = ud;
	if (status < 200 || status >= 300)
		return;
	w->busy++;
	watch_set_state(w, KUBE_WATCH_CONNECTED, NULL);
	watch_leave(w);
}

/* After a stream ended or was abandoned: relist, reconnect now, or back off. */
static void watch_after_stream(struct kube_watch *w, enum watch_next next, const char *err)
{
	bool healthy = backoff_attempt_healthy(&w->bo, loop_now_ms());
	if (healthy) {
		backoff_reset(&w->bo);
		w->st.failures = 0;
	}
	switch (next) {
	case NEXT_RELIST:
		free(w->rv);
		w->rv = NULL;
		watch_retry_in(w, 0, err);
		break;
	case NEXT_RECONNECT:
		if (healthy)
			watch_retry_in(w, 0, NULL);
		else
			watch_fail_soft(w, err);
		break;
	case NEXT_BACKOFF:
		watch_fail_soft(w, err);
		break;
	case NEXT_FAIL:
		watch_set_state(w, KUBE_WATCH_FAILED, err);
		break;
	case NEXT_NOTHING:
		break;
	}
}

static void watch_on_data(void *ud, const char *data, size_t len)
{
	struct kube_watch *w = ud;
	w->busy++;
	if (jsonstream_feed(w->js, data, len) != 0 && !w->stopped) {
		/* An ERROR event: drop this stream (http defers the teardown safely). */
		kube_req_cancel(w->stream);
		w->stream = NULL;
		enum watch_next next = w->after_stream;
		char *err = w->error ? xstrdup(w->error) : NULL;
		watch_after_stream(w, next, err);
		free(err);
	}
	watch_leave(w);
}

static void watch_on_stream_done(void *ud, const struct http_response *resp, const char *err)
{
	struct kube_watch *w = ud;
	w->stream = NULL;
	w->busy++;
	if (!resp) {
		watch_after_stream(w, NEXT_BACKOFF, err);
		watch_leave(w);
		return;
	}
	jsonstream_finish(w->js);
	char *msg = kube_response_error(w->kc, resp);
	if (resp->status == 410) {
		watch_after_stream(w, NEXT_RELIST, msg);
	} else if (resp->status == 429) {
		long long ms = resp->retry_after >= 0 ? resp->retry_after * 1000LL : 1000;
		w->bo.failures++;
		watch_retry_in(w, ms, msg);
	} else if (status_is_permanent(resp->status)) {
		watch_after_stream(w, NEXT_FAIL, msg);
	} else if (msg) {
		watch_after_stream(w, NEXT_BACKOFF, msg);
	} else if (!w->stopped) {
		/* The server closed a healthy stream (its watch timeout): reconnect. */
		watch_after_stream(w, NEXT_RECONNECT, "watch stream closed");
	}
	free(msg);
	watch_leave(w);
}

static void watch_stream(struct kube_watch *w)
{
	/* Whole objects only when the list decided to show their conditions. */
	struct kube_list_options opts = w->opts;
	opts.conditions = w->cond_cols > 0;
	char *path = kube_list_path(w->kc, w->res, &opts);
	path = kube_path_add_query(path, "watch", "1");
	path = kube_path_add_query(path, "resourceVersion", w->rv ? w->rv : "");
	path = kube_path_add_query(path, "allowWatchBookmarks", "true");
	struct kube_send s;
	memset(&s, 0, sizeof(s));
	s.path = path;
	s.accept = KUBE_TABLE_ACCEPT;
	s.timeout_ms = -1;
	s.on_data = watch_on_data;
	s.on_head = watch_on_head;
	s.stream_ud = w;
	jsonstream_reset(w->js);
	backoff_attempt_begin(&w->bo, loop_now_ms());
	w->after_stream = NEXT_NOTHING;
	w->stream = kube_send(w->kc, &s, watch_on_stream_done, w);
	free(path);
}

/* ---- public ---------------------------------------------------------------------- */

static void watch_on_bad_line(void *ud, const char *message)
{
	struct kube_watch *w = ud;
	free(w->error);
	w->error = xasprintf("watch stream: %s", message);
}

struct kube_watch *kube_watch_start(struct kube_client *kc, const struct kube_list_options *opts,
				    const struct kube_watch_callbacks *cbs, void *ud)
{
	struct kube_watch *w = xcalloc(1, sizeof(*w));
	w->kc = kc;
	w->opts = *opts;
	w->opts.resource = xstrdup(opts->resource ? opts->resource : "");
	w->opts.namespace = opts->namespace ? xstrdup(opts->namespace) : NULL;
	w->opts.label_selector = opts->label_selector ? xstrdup(opts->label_selector) : NULL;
	w->opts.field_selector = opts->field_selector ? xstrdup(opts->field_selector) : NULL;
	w->cbs = *cbs;
	w->ud = ud;
	w->cond_cols = -1;
	w->js = jsonstream_new(watch_on_event, watch_on_bad_line, w);
	w->busy++;
	watch_list(w);
	/* NULL if a state callback already stopped it. */
	return watch_leave(w) ? NULL : w;
}

void kube_watch_stop(struct kube_watch *w)
{
	if (!w)
		return;
	if (w->busy > 0) {
		w->stopped = true;   /* freed when the entry point in progress returns */
		return;
	}
	watch_destroy(w);
}

const struct kube_watch_status *kube_watch_status(const struct kube_watch *w)
{
	return &w->st;
}
