/* GET /argocd/api/v1/stream/applications: newline-delimited {"result":{"type",
 * "application"}} from the store's change history, like argocd-server's Watch: the
 * current apps first as ADDED when no resourceVersion is given (or one app is named),
 * then every change; open until the client leaves or the sandbox stops. */
#include "sandbox/argocd_internal.h"

#include "core/xalloc.h"
#include "sandbox/server.h"
#include "sandbox/stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct argocd_watch {
	struct sbx_stream s;      /* first: the hooks cast back */
	json_t *names, *projects;
	struct selector *labels;
	char *app_ns;
	uint64_t last_rv;
	json_t *initial;          /* apps for the first ADDED events, then NULL */
};

static void argocd_watch_emit(struct argocd_watch *w, const char *type, const json_t *app)
{
	sbx_stream_put_json(&w->s, json_pack("{s:{s:s,s:o}}", "result", "type", type,
					     "application", sbx_argocd_app_out(app)));
}

static bool argocd_watch_wants(const struct argocd_watch *w, const json_t *app)
{
	return app && sbx_argocd_app_matches(app, w->names, w->projects, w->labels, w->app_ns);
}

/* Whatever is due now; lock held. */
static void argocd_watch_produce(struct sbx_stream *s)
{
	struct argocd_watch *w = (struct argocd_watch *)s;
	struct objstore_cluster *cl = sbx_argocd_plane(&s->srv->store);
	const struct resource *res = sbx_argocd_apps(cl);
	if (!res) {
		s->done = true;
		return;
	}
	if (w->initial) {
		size_t i;
		json_t *app;
		json_array_foreach(w->initial, i, app)
			argocd_watch_emit(w, "ADDED", app);
		json_decref(w->initial);
		w->initial = NULL;
		return;
	}
	size_t pos;
	if (!objstore_history_seek(cl, w->last_rv, &pos)) {
		/* history gone: end, so the client lists again and resumes */
		s->done = true;
		return;
	}
	for (const struct objstore_event *ev; (ev = objstore_history_at(cl, pos)); pos++) {
		w->last_rv = ev->rv;
		if (strcmp(ev->storage_key, res->storage_key))
			continue;
		bool now_in = argocd_watch_wants(w, ev->obj);
		bool was_in = ev->old ? argocd_watch_wants(w, ev->old) : now_in;
		const char *type = ev->type == OBJSTORE_ADDED ? "ADDED"
				 : ev->type == OBJSTORE_DELETED ? "DELETED" : "MODIFIED";
		if (now_in && was_in)
			argocd_watch_emit(w, type, ev->obj);
		else if (now_in)
			argocd_watch_emit(w, "ADDED", ev->obj);
		else if (was_in)
			argocd_watch_emit(w, "DELETED", ev->obj);
	}
}

static void argocd_watch_free(struct sbx_stream *s)
{
	struct argocd_watch *w = (struct argocd_watch *)s;
	json_decref(w->names);
	json_decref(w->projects);
	json_decref(w->initial);
	selector_free(w->labels);
	free(w->app_ns);
	free(w);
}

static json_t *argocd_watch_snapshot(struct argocd_watch *w, struct objstore_cluster *cl)
{
	const json_t **objs = NULL;
	size_t n = objstore_list(cl, sbx_argocd_apps(cl), NULL, NULL, &objs, NULL);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		if (argocd_watch_wants(w, objs[i]))
			json_array_append(arr, (json_t *)objs[i]);
	free(objs);
	return arr;
}

void sbx_argocd_stream(struct apireq *req)
{
	char err[256];
	const char *sel = apireq_query(req, "selector");
	struct selector *labels = selector_parse_labels(sel, err, sizeof err);
	if (!labels && sel && *sel) {
		sbx_argocd_reply_error(req, ARGOCD_INVALID_ARGUMENT, err);
		return;
	}
	struct argocd_watch *w = xcalloc(1, sizeof *w);
	struct objstore_cluster *cl = sbx_argocd_plane(&req->srv->store);
	w->labels = labels;
	w->names = sbx_argocd_query_all(req, "name");
	w->projects = sbx_argocd_query_all(req, "projects");
	json_t *project = sbx_argocd_query_all(req, "project");
	json_array_extend(w->projects, project);
	json_decref(project);
	const char *ns = apireq_query(req, "appNamespace");
	w->app_ns = ns && *ns ? xstrdup(ns) : NULL;
	const char *rv = apireq_query(req, "resourceVersion");
	bool from_rv = rv && *rv && strcmp(rv, "0");
	/* as argocd-server: with no resourceVersion, or for one named app (a client
	 * following its sync must never miss a change), the current state comes first */
	if (!from_rv || json_array_size(w->names))
		w->initial = argocd_watch_snapshot(w, cl);
	w->last_rv = from_rv ? strtoull(rv, NULL, 10) : cl->rv;
	sbx_stream_reply(req, &w->s, "application/json", argocd_watch_produce, argocd_watch_free);
}
