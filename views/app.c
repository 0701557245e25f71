/* The app view: one Argo CD application, live: the summary with the operation in
 * progress, the resource tree with health per node, the history with commit messages,
 * and the events. The stream keeps it current; sync, rollback (to a chosen history
 * entry), refresh and terminate go through the gate; d shows the diff. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/argocd.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "views/app_actions.h"
#include "views/app_text.h"
#include "views/console.h"
#include "views/logs_target.h"
#include "views/pager_view.h"

struct app_view {
	struct pager_view pv;       /* first: the pager views' ops read it */
	struct view *view;
	struct argocd_client *ac;
	char *name, *cluster;
	json_t *app;                /* the Application as last seen */
	json_t *tree, *events;      /* NULL until fetched */
	json_t *metadata;           /* revision -> revision metadata */
	struct argocd_watch *watch;
	struct argocd_call *app_call, *tree_call, *events_call, *meta_call;
	char *meta_revision;        /* the revision meta_call asks about */
	char *shown_version;        /* the resourceVersion the tree was fetched for */
};

static void app_render(struct app_view *av)
{
	struct strbuf sb = STRBUF_INIT;
	long long now = (long long)time(NULL);
	if (av->app) {
		app_text_summary(&sb, av->app, now);
		strbuf_putc(&sb, '\n');
		app_text_tree(&sb, av->tree);
		strbuf_putc(&sb, '\n');
		app_text_history(&sb, av->app, av->metadata);
		strbuf_putc(&sb, '\n');
		app_text_events(&sb, av->events, now);
	} else {
		strbuf_puts(&sb, "Loading...\n");
	}
	pager_set_text(av->pv.pager, strbuf_str(&sb));
	strbuf_free(&sb);
	console_changed(av->view->console, av->view, VIEW_BODY | VIEW_CHROME);
}

/* ---- fetching ------------------------------------------------------------------------ */

static void fetch_next_metadata(struct app_view *av);

static void on_metadata(void *ud, const struct argocd_result *res, json_t *body)
{
	struct app_view *av = ud;
	av->meta_call = NULL;
	/* remembered even when it failed ({}), so each revision is asked once */
	json_object_set_new(av->metadata, av->meta_revision, res->ok && body ? json_incref(body)
									      : json_object());
	json_decref(body);
	app_render(av);
	fetch_next_metadata(av);
}

/* Commit messages for the history, one revision at a time. */
static void fetch_next_metadata(struct app_view *av)
{
	if (av->meta_call || !av->app || argocd_client_core_mode(av->ac))
		return;
	size_t i;
	const json_t *e;
	json_array_foreach(json_object_get(json_object_get(av->app, "status"), "history"), i, e) {
		const char *rev = json_string_value(json_object_get(e, "revision"));
		if (!rev || json_object_get(av->metadata, rev))
			continue;
		free(av->meta_revision);
		av->meta_revision = xstrdup(rev);
		av->meta_call = argocd_revision_metadata(av->ac, av->name, rev, on_metadata, av);
		return;
	}
}

static void on_tree(void *ud, const struct argocd_result *res, json_t *body)
{
	struct app_view *av = ud;
	av->tree_call = NULL;
	json_decref(av->tree);
	av->tree = res->ok && body ? json_incref(body) : json_pack("{s:[]}", "nodes");
	json_decref(body);
	app_render(av);
}

static void on_events(void *ud, const struct argocd_result *res, json_t *body)
{
	struct app_view *av = ud;
	av->events_call = NULL;
	json_decref(av->events);
	av->events = res->ok && body ? json_incref(body) : json_pack("{s:[]}", "items");
	json_decref(body);
	app_render(av);
}

/* A new version of the app: show it, and ask again for what depends on it. */
static void app_update(struct app_view *av, const json_t *app)
{
	json_decref(av->app);
	av->app = json_deep_copy(app);
	const char *rv = json_string_value(json_object_get(json_object_get(app, "metadata"),
							   "resourceVersion"));
	if (!av->shown_version || !rv || strcmp(av->shown_version, rv) != 0) {
		free(av->shown_version);
		av->shown_version = rv ? xstrdup(rv) : NULL;
		if (!av->tree_call)
			av->tree_call = argocd_resource_tree(av->ac, av->name, on_tree, av);
		if (!av->events_call)
			av->events_call = argocd_app_events(av->ac, av->name, on_events, av);
	}
	fetch_next_metadata(av);
	app_render(av);
}

static void on_app(void *ud, const struct argocd_result *res, json_t *body)
{
	struct app_view *av = ud;
	av->app_call = NULL;
	if (res->ok && body) {
		app_update(av, body);
	} else {
		char *text = xasprintf("Error from Argo CD: %s\n", res->message ? res->message : "no answer");
		pager_set_text(av->pv.pager, text);
		free(text);
		console_changed(av->view->console, av->view, VIEW_FULL | VIEW_CHROME);
	}
	json_decref(body);
}

static void on_synced(void *ud, struct table *t)
{
	(void)ud;
	table_free(t);
}

static void on_event(void *ud, enum kube_event_type type, const struct table *row,
		     const json_t *app)
{
	(void)row;
	struct app_view *av = ud;
	const char *name = json_string_value(json_object_get(json_object_get(app, "metadata"), "name"));
	if (!name || strcmp(name, av->name) != 0)
		return;
	if (type == KUBE_EVENT_DELETED) {
		console_flash(av->view->console, CHROME_FLASH_WARN, "%s was deleted", av->name);
		return;
	}
	app_update(av, app);
}

/* ---- the view -------------------------------------------------------------------------- */

static bool app_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	struct app_view *av = v->priv;
	av->view = v;
	if (!a->name) {
		snprintf(err, errlen, "no application named");
		return false;
	}
	av->ac = console_argocd(v->console, err, errlen);
	if (!av->ac)
		return false;
	av->name = xstrdup(a->name);
	av->cluster = a->ncontexts ? xstrdup(a->contexts[0]) : NULL;
	av->metadata = json_object();
	pager_view_init(&av->pv, PAGER_DESCRIBE, "app", a->name, NULL);
	app_render(av);
	av->app_call = argocd_get_app(av->ac, av->name, on_app, av);
	static const struct argocd_watch_callbacks cbs = {on_synced, on_event, NULL};
	av->watch = argocd_watch_apps(av->ac, &cbs, av);
	return true;
}

static void app_close(struct view *v)
{
	struct app_view *av = v->priv;
	argocd_watch_stop(av->watch);
	struct argocd_call *calls[] = {av->app_call, av->tree_call, av->events_call, av->meta_call};
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
		if (calls[i])
			argocd_call_cancel(calls[i]);
	json_decref(av->app);
	json_decref(av->tree);
	json_decref(av->events);
	json_decref(av->metadata);
	free(av->name);
	free(av->cluster);
	free(av->meta_revision);
	free(av->shown_version);
	pager_view_close(v);
}

static unsigned app_request(struct view *v, enum request req, int key)
{
	struct app_view *av = v->priv;
	if (req == REQ_DIFF) {
		const char *contexts[] = {av->cluster};
		struct view_args a = {.name = av->name, .contexts = contexts,
				      .ncontexts = av->cluster ? 1 : 0};
		console_push(v->console, &app_diff_view_ops, &a);
		return VIEW_SAME;
	}
	const json_t *md = json_object_get(av->app, "metadata");
	const char *dest = json_string_value(json_object_get(
		json_object_get(json_object_get(av->app, "spec"), "destination"), "name"));
	if (req == REQ_LOGS) {
		/* the pods of the tree this view already has */
		const char *pods[256], *ns, *ctx = av->cluster ? av->cluster : dest;
		size_t n = logs_tree_pods(av->tree, pods, 256, &ns);
		if (!av->tree || !n) {
			console_flash(v->console, CHROME_FLASH_INFO, av->tree ? "%s has no pods"
					      : "%s: the resource tree is loading", av->name);
			return VIEW_CHROME;
		}
		char *title = xasprintf("%s logs", av->name);
		struct view_args a = {.name = av->name, .pods = pods, .npods = n < 256 ? n : 256,
				      .namespace = ns, .contexts = &ctx, .ncontexts = ctx ? 1 : 0,
				      .title = title};
		console_push(v->console, &logs_view_ops, &a);
		free(title);
		return VIEW_SAME;
	}
	struct app_target t = {
		.name = av->name,
		.namespace = json_string_value(json_object_get(md, "namespace")),
		.cluster = av->cluster ? av->cluster : dest,
		.rollback_id = app_text_previous_history_id(av->app),
	};
	unsigned change = app_action_request(v->console, av->ac, &t, req);
	if (!(change & VIEW_UNHANDLED))
		return change;
	return pager_view_request(v, req, key);
}

const struct view_ops app_view_ops = {
	.name = "app",
	.private_size = sizeof(struct app_view),
	.open = app_open,
	.close = app_close,
	.keymap_section = pager_view_section,
	.title = pager_view_title,
	.status = pager_view_status,
	.header = pager_view_header,
	.draw = pager_view_draw,
	.request = app_request,
	.filter = pager_view_filter,
};
