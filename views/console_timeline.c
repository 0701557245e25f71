/* The console's timeline feed (views/console_timeline.h): Warning events and Argo CD
 * operation changes appended to the local timeline while the console runs. One console
 * per process, so the feed is one static state. */
#include "views/console_timeline.h"

#include "views/console_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/argocd.h"
#include "clients/kube.h"
#include "core/platform.h"
#include "core/xalloc.h"

enum { FEED_MAX_CLUSTERS = 16, FEED_MAX_LISTENERS = 4 };

struct feed_cluster {
	char *context;
	struct kube_watch *watch;
};

struct feed_listener {
	console_timeline_fn fn;
	void *ud;
};

static struct {
	struct console *console;
	struct timeline *tl;
	char *error;                /* why there is no timeline */
	struct feed_cluster clusters[FEED_MAX_CLUSTERS];
	size_t nclusters;
	struct argocd_watch *apps;
	struct feed_listener listeners[FEED_MAX_LISTENERS];
} feed;

/* ---- appending ----------------------------------------------------------------------- */

int console_timeline_append(const struct timeline_entry *e)
{
	if (!feed.tl)
		return -1;
	char err[256];
	int rc = timeline_append(feed.tl, e, err, sizeof err);
	if (rc > 0)
		for (size_t i = 0; i < FEED_MAX_LISTENERS; i++)
			if (feed.listeners[i].fn)
				feed.listeners[i].fn(feed.listeners[i].ud);
	return rc;
}

void console_timeline_listen(console_timeline_fn fn, void *ud)
{
	for (size_t i = 0; i < FEED_MAX_LISTENERS; i++) {
		if (fn && !feed.listeners[i].fn) {
			feed.listeners[i] = (struct feed_listener){fn, ud};
			return;
		}
		if (!fn && feed.listeners[i].ud == ud)
			feed.listeners[i] = (struct feed_listener){0};
	}
}

const char *console_timeline_path(char *err, size_t errlen)
{
	if (!feed.tl)
		snprintf(err, errlen, "%s", feed.error ? feed.error : "the timeline is not open");
	return feed.tl ? timeline_path(feed.tl) : NULL;
}

/* ---- Warning events ------------------------------------------------------------------- */

static const char *cell(const struct table *t, const struct table_row *r, const char *col)
{
	int i = table_column_index(t, col);
	return i >= 0 ? r->cells[i] : "";
}

/* A Warning event row: its key is the uid and resourceVersion, which moves when the
 * event repeats (count, lastTimestamp), so each repeat is one entry and a relist after
 * a restart adds nothing. */
static void record_event_row(const char *context, const struct table *t,
			     const struct table_row *r)
{
	const char *type = cell(t, r, "Type");
	if (*type && strcmp(type, "Warning") != 0)
		return;
	long count = strtol(cell(t, r, "Count"), NULL, 10);
	char *key = timeline_key_event(r->uid && *r->uid ? r->uid : r->name, count,
				       r->resource_version);
	struct timeline_entry e = {
		.time = (long long)time(NULL), .kind = TIMELINE_EVENT,
		.cluster = (char *)context, .namespace = r->namespace,
		.object = (char *)cell(t, r, "Object"), .reason = (char *)cell(t, r, "Reason"),
		.message = (char *)cell(t, r, "Message"), .count = count > 0 ? count : 1,
		.key = key};
	console_timeline_append(&e);
	free(key);
}

static void on_events_synced(void *ud, struct table *t)
{
	struct feed_cluster *fc = ud;
	for (size_t i = 0; t && i < t->nrows; i++)
		record_event_row(fc->context, t, &t->rows[i]);
	table_free(t);
}

static void on_event(void *ud, enum kube_event_type type, const struct table *row)
{
	struct feed_cluster *fc = ud;
	if (type == KUBE_EVENT_DELETED) /* expiry: the timeline keeps it */
		return;
	for (size_t i = 0; i < row->nrows; i++)
		record_event_row(fc->context, row, &row->rows[i]);
}

static void watch_cluster(struct console *c, const char *context)
{
	for (size_t i = 0; i < feed.nclusters; i++)
		if (!strcmp(feed.clusters[i].context, context))
			return;
	struct session_cluster *cl = session_find(console_session(c), context);
	if (!cl || feed.nclusters == FEED_MAX_CLUSTERS)
		return;
	struct kube_client *kc = session_cluster_open(console_session(c), cl);
	if (!kc)
		return;
	struct feed_cluster *fc = &feed.clusters[feed.nclusters++];
	fc->context = xstrdup(context);
	struct kube_list_options opts = {.resource = "events", .all_namespaces = true,
					 .field_selector = "type=Warning"};
	static const struct kube_watch_callbacks cbs = {on_events_synced, on_event, NULL};
	fc->watch = kube_watch_start(kc, &opts, &cbs, fc);
}

/* ---- Argo CD operations ------------------------------------------------------------ */

static const char *jstr(const json_t *o, const char *k1, const char *k2, const char *k3)
{
	const json_t *v = json_object_get(o, k1);
	if (k2)
		v = json_object_get(v, k2);
	if (k3)
		v = json_object_get(v, k3);
	const char *s = json_string_value(v);
	return s ? s : "";
}

/* The context of an app's destination: the platform cluster's, else its name. */
static const char *app_context(const json_t *app)
{
	const char *dest = jstr(app, "spec", "destination", "name");
	const struct platform_cluster *pc = platform_cluster_find(console_platform(feed.console), dest);
	if (pc)
		return pc->context ? pc->context : pc->name;
	return *dest ? dest : console_context(feed.console);
}

static void record_app(const json_t *app, const char *reason, const char *message,
		       const char *revision, const char *key_phase, const char *key_when)
{
	const char *name = jstr(app, "metadata", "name", NULL);
	const char *ctx = app_context(app);
	char *object = xasprintf("Application/%s", name);
	char *key = timeline_key_operation(ctx, name, key_phase, key_when);
	long long t = timeline_parse_time(jstr(app, "status", "operationState", "finishedAt"));
	struct timeline_entry e = {
		.time = t > 0 ? t : (long long)time(NULL), .kind = TIMELINE_OPERATION,
		.cluster = (char *)ctx,
		.namespace = (char *)jstr(app, "spec", "destination", "namespace"),
		.object = object, .reason = (char *)reason, .message = (char *)message,
		.revision = (char *)revision, .count = 1, .key = key};
	console_timeline_append(&e);
	free(object);
	free(key);
}

/* An operation's phase (Running, Succeeded, Failed...) once per start; Degraded health
 * once per synced revision. */
static void record_app_changes(const json_t *app)
{
	const json_t *op = json_object_get(json_object_get(app, "status"), "operationState");
	const char *phase = jstr(op, "phase", NULL, NULL);
	if (*phase) {
		char *reason = xasprintf("Operation %s", phase);
		record_app(app, reason, jstr(op, "message", NULL, NULL),
			   jstr(op, "syncResult", "revision", NULL), phase,
			   jstr(op, "startedAt", NULL, NULL));
		free(reason);
	}
	const char *health = jstr(app, "status", "health", "status");
	/* without a revision yet, the key would differ from the next event's: wait */
	if (!strcmp(health, "Degraded") && *jstr(app, "status", "sync", "revision")) {
		const char *rev = jstr(app, "status", "sync", "revision");
		record_app(app, "Health Degraded", jstr(app, "status", "health", "message"), rev,
			   "Degraded", rev);
	}
}

static void on_apps_synced(void *ud, struct table *t)
{
	(void)ud;
	table_free(t);
}

static void on_app_event(void *ud, enum kube_event_type type, const struct table *row,
			 const json_t *app)
{
	(void)ud;
	(void)row;
	if (type != KUBE_EVENT_DELETED && app)
		record_app_changes(app);
}

/* ---- start and stop ------------------------------------------------------------------ */

void console_timeline_start(struct console *c)
{
	feed.console = c;
	char err[512] = "";
	char *path = timeline_default_path();
	feed.tl = timeline_open(path, 0, err, sizeof err);
	free(path);
	if (!feed.tl) {
		feed.error = xstrdup(err);
		return;
	}
	watch_cluster(c, console_context(c));
	const struct platform *p = console_platform(c);
	for (size_t i = 0; i < p->nclusters; i++)
		watch_cluster(c, p->clusters[i].context ? p->clusters[i].context
							: p->clusters[i].name);
	/* the Argo CD stream only when Argo CD is configured (a server, or core mode named
	 * explicitly): implicit core mode would watch a CRD most clusters lack */
	struct argocd_config cfg = {0};
	bool configured = argocd_config_resolve(c->opts->platform, &cfg, err, sizeof err) == 0 &&
			  (cfg.server || cfg.core_context);
	argocd_config_clear(&cfg);
	struct argocd_client *ac = configured ? console_argocd(c, err, sizeof err) : NULL;
	static const struct argocd_watch_callbacks cbs = {on_apps_synced, on_app_event, NULL};
	if (ac)
		feed.apps = argocd_watch_apps(ac, &cbs, NULL);
}

void console_timeline_stop(struct console *c)
{
	(void)c;
	if (feed.apps)
		argocd_watch_stop(feed.apps);
	for (size_t i = 0; i < feed.nclusters; i++) {
		kube_watch_stop(feed.clusters[i].watch);
		free(feed.clusters[i].context);
	}
	timeline_close(feed.tl);
	free(feed.error);
	memset(&feed, 0, sizeof feed);
}
