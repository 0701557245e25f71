/* Watch: a chunked stream of {"type","object"} lines from a resourceVersion (or the
 * current state first), BOOKMARKs when allowed, 410 Expired when history is gone,
 * selectors, Table objects for kubectl get -w, and an end at timeoutSeconds. */
#include "sandbox/api.h"

#include "core/xalloc.h"
#include "sandbox/printer.h"
#include "sandbox/selector.h"
#include "sandbox/server.h"
#include "sandbox/stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WATCH_BOOKMARK_SECONDS 5
#define WATCH_DEFAULT_TIMEOUT 1800
#define WATCH_INITIAL_BATCH 500

struct watch {
	struct sbx_stream s;   /* first: the hooks cast back */
	struct objstore_cluster *cl;
	char *group, *version, *plural, *ns;
	char *name;            /* legacy /watch/…/NAME: only that object, else NULL */
	struct selector *labels, *fields;
	bool table, bookmarks, headers_sent;
	char *accept, *include_object;
	time_t deadline, next_bookmark;
	uint64_t last_rv;
	json_t *initial;       /* objects for the synthetic ADDED events, then NULL */
	size_t initial_pos;
};

static const char *watch_type_name(enum objstore_event_type t)
{
	return t == OBJSTORE_ADDED ? "ADDED" : t == OBJSTORE_MODIFIED ? "MODIFIED" : "DELETED";
}

static json_t *watch_table_object(struct watch *w, const struct resource *res, const json_t *obj)
{
	json_t *items = json_pack("[O]", obj);
	char rv[24];
	snprintf(rv, sizeof rv, "%llu", (unsigned long long)objstore_obj_rv(obj));
	json_t *table = printer_table(res->group, res->plural, res->printer_columns, items,
				      w->include_object, rv, NULL, w->s.srv->store.clock());
	json_decref(items);
	if (w->accept && strstr(w->accept, "v=v1beta1"))
		json_object_set_new(table, "apiVersion", json_string("meta.k8s.io/v1beta1"));
	/* like kube-apiserver, only the first event carries the column definitions */
	if (w->headers_sent)
		json_object_del(table, "columnDefinitions");
	w->headers_sent = true;
	return table;
}

static void watch_emit(struct watch *w, const struct resource *res, const char *type,
		       const json_t *obj)
{
	json_t *o = w->table ? watch_table_object(w, res, obj) : api_object_out(res, obj);
	sbx_stream_put_json(&w->s, json_pack("{s:s,s:o}", "type", type, "object", o));
}

static bool watch_matches(const struct watch *w, const json_t *obj)
{
	if (*w->ns && strcmp(objstore_obj_namespace(obj), w->ns))
		return false;
	if (w->name && strcmp(objstore_obj_name(obj) ? objstore_obj_name(obj) : "", w->name))
		return false;
	return selector_matches(w->labels, obj) && selector_matches(w->fields, obj);
}

static void watch_emit_expired(struct watch *w)
{
	char msg[128];
	snprintf(msg, sizeof msg, "too old resource version: %llu (%llu)",
		 (unsigned long long)w->last_rv, (unsigned long long)w->cl->evicted_rv + 1);
	json_t *ev = json_pack("{s:s,s:{s:s,s:s,s:{},s:s,s:s,s:s,s:i}}", "type", "ERROR", "object",
			       "kind", "Status", "apiVersion", "v1", "metadata", "status",
			       "Failure", "message", msg, "reason", "Expired", "code", 410);
	sbx_stream_put_json(&w->s, ev);
	w->s.done = true;
}

static void watch_emit_bookmark(struct watch *w, const struct resource *res)
{
	char rv[24];
	snprintf(rv, sizeof rv, "%llu", (unsigned long long)w->cl->rv);
	char *api_version = resource_api_version(res);
	json_t *ev = json_pack("{s:s,s:{s:s,s:s,s:{s:s}}}", "type", "BOOKMARK", "object", "kind",
			       res->kind, "apiVersion", api_version, "metadata", "resourceVersion",
			       rv);
	free(api_version);
	sbx_stream_put_json(&w->s, ev);
}

/* The changes due now; lock held. */
static void watch_produce_changes(struct watch *w, const struct resource *res)
{
	if (w->initial) {
		size_t n = json_array_size(w->initial);
		for (size_t k = 0; k < WATCH_INITIAL_BATCH && w->initial_pos < n; k++)
			watch_emit(w, res, "ADDED", json_array_get(w->initial, w->initial_pos++));
		if (w->initial_pos >= n) {
			json_decref(w->initial);
			w->initial = NULL;
		}
		return;
	}
	size_t pos;
	if (!objstore_history_seek(w->cl, w->last_rv, &pos)) {
		watch_emit_expired(w);
		return;
	}
	for (const struct objstore_event *ev; (ev = objstore_history_at(w->cl, pos)); pos++) {
		w->last_rv = ev->rv;
		if (strcmp(ev->storage_key, res->storage_key))
			continue;
		bool now_in = watch_matches(w, ev->obj);
		/* like the API server's filtered watch: an object that starts matching is
		 * ADDED, one that stops matching is DELETED */
		bool was_in = ev->type == OBJSTORE_MODIFIED && ev->old ? watch_matches(w, ev->old)
								       : now_in;
		if (now_in && was_in)
			watch_emit(w, res, watch_type_name(ev->type), ev->obj);
		else if (now_in)
			watch_emit(w, res, "ADDED", ev->obj);
		else if (was_in)
			watch_emit(w, res, "DELETED", ev->obj);
	}
}

/* Whatever is due now, else a bookmark when one is due; lock held. */
static void watch_produce(struct sbx_stream *s)
{
	struct watch *w = (struct watch *)s;
	const struct resource *res = resource_find(&w->cl->resources, w->group, w->version,
						   w->plural);
	time_t now = s->srv->store.clock();
	if (!res || now >= w->deadline) {
		s->done = true;
		return;
	}
	watch_produce_changes(w, res);
	if (s->out.len || s->done)
		return;
	if (w->bookmarks && now >= w->next_bookmark) {
		watch_emit_bookmark(w, res);
		w->next_bookmark = now + WATCH_BOOKMARK_SECONDS;
	}
}

static void watch_free(struct sbx_stream *s)
{
	struct watch *w = (struct watch *)s;
	free(w->group);
	free(w->version);
	free(w->plural);
	free(w->ns);
	free(w->name);
	free(w->accept);
	free(w->include_object);
	selector_free(w->labels);
	selector_free(w->fields);
	json_decref(w->initial);
	free(w);
}

static json_t *watch_snapshot(struct watch *w, const struct resource *res)
{
	const json_t **objs;
	size_t n = objstore_list(w->cl, res, w->ns, NULL, &objs, NULL);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		if (watch_matches(w, objs[i]))
			json_array_append(arr, (json_t *)objs[i]);
	free(objs);
	return arr;
}

void api_watch(struct apireq *req, const struct resource *res, const struct route *rt)
{
	struct watch *w = xcalloc(1, sizeof *w);
	if (api_selectors(req, &w->labels, &w->fields)) {
		free(w);
		return;
	}
	w->cl = req->cl;
	w->group = xstrdup(res->group);
	w->version = xstrdup(res->version);
	w->plural = xstrdup(res->plural);
	w->ns = xstrdup(res->namespaced ? rt->ns : "");
	w->name = rt->legacy_watch && *rt->name ? xstrdup(rt->name) : NULL;
	w->table = api_wants_table(req);
	const char *accept = apireq_header(req, "Accept");
	w->accept = accept ? xstrdup(accept) : NULL;
	const char *include = apireq_query(req, "includeObject");
	w->include_object = xstrdup(include ? include : "Metadata");
	w->bookmarks = apireq_query_bool(req, "allowWatchBookmarks");
	const char *timeout = apireq_query(req, "timeoutSeconds");
	time_t now = req->srv->store.clock();
	long secs = timeout ? strtol(timeout, NULL, 10) : WATCH_DEFAULT_TIMEOUT;
	w->deadline = now + (secs > 0 ? secs : WATCH_DEFAULT_TIMEOUT);
	w->next_bookmark = now + WATCH_BOOKMARK_SECONDS;
	const char *rv = apireq_query(req, "resourceVersion");
	if (!rv || !*rv || !strcmp(rv, "0")) {
		w->initial = watch_snapshot(w, res);
		w->last_rv = req->cl->rv;
	} else {
		w->last_rv = strtoull(rv, NULL, 10);
	}
	sbx_stream_reply(req, &w->s, "application/json", watch_produce, watch_free);
}
