/* The application controller simulation: runs the operation set on an Application
 * (Running, then Succeeded or Failed a second or two later, or Failed when terminated),
 * records history, rolls the destination Deployment to the revision's image, auto-syncs
 * OutOfSync apps that ask for it, honours the refresh annotation, and keeps sync and
 * health following the destination cluster. */
#include "sandbox/argocd.h"

#include "core/xalloc.h"
#include "sandbox/argocd_internal.h"
#include "sandbox/controller_internal.h"
#include "sandbox/gitrepo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARGOCD_OPERATION_SECONDS 2
#define ARGOCD_SELF_HEAL_SECONDS 5

struct argocd_step {
	struct argocd_view *v;
	struct objstore_cluster *cl;
	json_t *app;              /* the copy being changed */
	char now[32];
};

/* Adds sha -> image to the app's revision-images annotation; true when it was new. */
static bool argocd_remember_image(json_t *app, const char *sha, const char *image)
{
	json_t *ann = sbx_argocd_at(app, "metadata.annotations");
	const char *text = json_string_value(json_object_get(ann, ARGOCD_REVISION_IMAGES));
	json_t *map = text ? json_loads(text, 0, NULL) : NULL;
	if (!json_is_object(ann) || (map && !json_is_object(map))) {
		json_decref(map);
		return false;
	}
	if (!map)
		map = json_object();
	const char *had = json_string_value(json_object_get(map, sha));
	bool added = !had || strcmp(had, image);
	if (added) {
		json_object_set_new(map, sha, json_string(image));
		char *dump = json_dumps(map, JSON_COMPACT | JSON_SORT_KEYS);
		json_object_set_new(ann, ARGOCD_REVISION_IMAGES, json_string(dump));
		free(dump);
	}
	json_decref(map);
	return added;
}

/* Argo CD's look at Git (a refresh, a push it heard of, the end of a sync): what the app
 * wants is the image its file holds at the branch head, and the head is its revision. */
static bool argocd_git_look(struct argocd_step *s)
{
	char head[41], image[512];
	if (!gitrepo_serving() || !gitrepo_head(head) ||
	    !sbx_argocd_revision_image(s->app, head, image, sizeof image))
		return false;
	json_t *ann = sbx_argocd_at(s->app, "metadata.annotations");
	json_t *sync = sbx_argocd_at(s->app, "status.sync");
	const char *git = json_string_value(json_object_get(ann, ARGOCD_GIT_IMAGE));
	const char *rev = sbx_argocd_str(sync, "revision");
	bool changed = false;
	if (json_is_object(ann) && (!git || strcmp(git, image))) {
		json_object_set_new(ann, ARGOCD_GIT_IMAGE, json_string(image));
		changed = true;
	}
	if (json_is_object(sync) && (!rev || strcmp(rev, head))) {
		json_object_set_new(sync, "revision", json_string(head));
		changed = true;
	}
	return argocd_remember_image(s->app, head, image) || changed;
}

static void argocd_event(struct argocd_step *s, const char *type, const char *reason,
			 const char *message)
{
	struct ctl_ctx c;
	memset(&c, 0, sizeof c);
	c.st = s->v->st;
	c.cl = s->cl;
	c.now = s->v->now;
	snprintf(c.now_str, sizeof c.now_str, "%s", s->now);
	c.events = resource_find(&s->cl->resources, "", "v1", "events");
	if (json_object_get(s->app, "apiVersion") && json_object_get(s->app, "kind"))
		ctl_event(&c, s->app, type, reason, message, "argocd-application-controller", NULL);
}

static bool argocd_phase_done(const char *phase)
{
	return phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed") ||
			 !strcmp(phase, "Error"));
}

static void argocd_start(struct argocd_step *s, json_t *op)
{
	json_t *status = json_object_get(s->app, "status");
	if (!json_is_object(status)) {
		status = json_object();
		json_object_set_new(s->app, "status", status);
	}
	json_object_set_new(status, "operationState",
			    json_pack("{s:O,s:s,s:s,s:s}", "operation", op, "phase", "Running",
				      "message", "", "startedAt", s->now));
	const char *rev = sbx_argocd_str(op, "sync.revision");
	char msg[256];
	if (json_is_true(sbx_argocd_at(op, "initiatedBy.automated")))
		snprintf(msg, sizeof msg, "Initiated automated sync to '%s'", rev ? rev : "HEAD");
	else
		snprintf(msg, sizeof msg, "%s initiated sync to %s",
			 sbx_argocd_str(op, "initiatedBy.username") ? sbx_argocd_str(op, "initiatedBy.username")
								: "Unknown user",
			 rev && *rev ? rev : "HEAD");
	argocd_event(s, "Normal", "OperationStarted", msg);
}

/* {group, kind, name, namespace} of a status.resources entry is in the filter. */
static bool argocd_selected(const json_t *filter, const json_t *entry)
{
	if (!json_array_size(filter))
		return true;
	size_t i;
	json_t *f;
	json_array_foreach(filter, i, f) {
		const char *keys[] = {"group", "kind", "name", "namespace"};
		bool same = true;
		for (size_t k = 0; k < 4 && same; k++) {
			const char *a = json_string_value(json_object_get(f, keys[k]));
			const char *b = json_string_value(json_object_get(entry, keys[k]));
			same = !strcmp(a ? a : "", b ? b : "") ||
			       (!strcmp(keys[k], "namespace") && (!a || !*a));
		}
		if (same)
			return true;
	}
	return false;
}

/* Rolls the destination Deployment of entry to image; returns true when it changed. */
static bool argocd_apply_image(struct argocd_step *s, const json_t *entry, const char *image)
{
	struct objstore_cluster *dest = sbx_argocd_dest(s->v->st, s->app);
	const json_t *live = sbx_argocd_live(dest, entry);
	const struct resource *res = dest ? resource_find(&dest->resources, "apps", "v1",
							  "deployments") : NULL;
	char cur[512];
	if (!live || !res || !sbx_argocd_workload_image(live, cur, sizeof cur) || !strcmp(cur, image))
		return false;
	json_t *copy = json_deep_copy(live);
	json_t *containers = sbx_argocd_at(copy, "spec.template.spec.containers");
	size_t i;
	json_t *c;
	json_array_foreach(containers, i, c)
		if (!strcmp(json_string_value(json_object_get(c, "image")), cur))
			json_object_set_new(c, "image", json_string(image));
	json_object_del(json_object_get(copy, "metadata"), "resourceVersion");
	objstore_update(s->v->st, dest, res, copy, false, NULL);
	return true;
}

static json_t *argocd_sync_results(struct argocd_step *s, const json_t *filter,
				   const char *image, bool dry_run)
{
	json_t *out = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(sbx_argocd_at(s->app, "status.resources"), i, e) {
		if (!argocd_selected(filter, e))
			continue;
		const char *kind = json_string_value(json_object_get(e, "kind"));
		bool deploy = kind && !strcmp(kind, "Deployment");
		bool moved = deploy && image && !dry_run && argocd_apply_image(s, e, image);
		const char *group = json_string_value(json_object_get(e, "group"));
		char *msg = xasprintf("%s%s%s/%s %s%s", kind ? kind : "", group && *group ? "." : "",
				      group ? group : "", json_string_value(json_object_get(e, "name")),
				      moved ? "configured" : "unchanged", dry_run ? " (dry run)" : "");
		for (char *p = msg; *p && *p != '/'; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		json_array_append_new(out, json_pack("{s:s,s:O,s:O,s:O,s:O,s:s,s:s,s:s,s:s}", "group",
						     group ? group : "", "version",
						     json_object_get(e, "version"), "kind",
						     json_object_get(e, "kind"), "namespace",
						     json_object_get(e, "namespace"), "name",
						     json_object_get(e, "name"), "status", "Synced",
						     "message", msg, "hookPhase", "Running",
						     "syncPhase", "Sync"));
		free(msg);
	}
	return out;
}

static void argocd_history_append(struct argocd_step *s, const char *sha, const json_t *opst)
{
	json_t *status = json_object_get(s->app, "status");
	json_t *history = json_object_get(status, "history");
	if (!json_is_array(history)) {
		history = json_array();
		json_object_set_new(status, "history", history);
	}
	json_int_t last = 0;
	size_t n = json_array_size(history);
	if (n)
		last = json_integer_value(json_object_get(json_array_get(history, n - 1), "id"));
	json_t *entry = json_pack("{s:s,s:s,s:I,s:s}", "deployStartedAt",
				  json_string_value(json_object_get(opst, "startedAt")), "deployedAt",
				  s->now, "id", last + 1, "revision", sha);
	json_t *src = sbx_argocd_at(s->app, "spec.source");
	if (src)
		json_object_set(entry, "source", src);
	json_t *by = sbx_argocd_at(opst, "operation.initiatedBy");
	if (by)
		json_object_set(entry, "initiatedBy", by);
	json_array_append_new(history, entry);
	while (json_array_size(history) > ARGOCD_HISTORY_MAX)
		json_array_remove(history, 0);
}

/* Why the sync fails, or NULL when it succeeds. */
static char *argocd_failure(const json_t *app, const char *requested, bool resolved)
{
	const char *fails = sbx_argocd_annotation(app, ARGOCD_SYNC_FAILS);
	if (requested && !strcmp(requested, "bad"))
		return xstrdup("ComparisonError: rpc error: code = Unknown desc = unable to resolve "
			       "'bad' to a commit SHA");
	if (!resolved)
		return xasprintf("ComparisonError: rpc error: code = Unknown desc = unable to resolve "
				 "'%s' to a commit SHA", requested ? requested : "");
	if (fails && !strcmp(fails, "true"))
		return xasprintf("one or more objects failed to apply, reason: admission webhook "
				 "\"validate.kyverno.svc-fail\" denied the request: Deployment/%s: "
				 "resource limits are required", json_string_value(
					 json_object_get(sbx_argocd_at(app, "metadata"), "name")));
	return NULL;
}

static void argocd_finish(struct argocd_step *s, json_t *opst)
{
	json_t *op = json_object_get(opst, "operation");
	const char *requested = sbx_argocd_str(op, "sync.revision");
	bool dry_run = json_is_true(sbx_argocd_at(op, "sync.dryRun"));
	json_t *filter = sbx_argocd_at(op, "sync.resources");
	char sha[41] = "", image[512];
	bool resolved = sbx_argocd_resolve_revision(s->app, requested, sha);
	char *failure = argocd_failure(s->app, requested, resolved);
	bool have_image = !failure && sbx_argocd_revision_image(s->app, sha, image, sizeof image);
	if (have_image && !dry_run)
		argocd_remember_image(s->app, sha, image);
	json_t *results = failure ? json_array()
				  : argocd_sync_results(s, filter, have_image ? image : NULL, dry_run);
	json_object_set_new(opst, "phase", json_string(failure ? "Failed" : "Succeeded"));
	json_object_set_new(opst, "message", json_string(failure ? failure
							 : "successfully synced (all tasks run)"));
	json_object_set_new(opst, "finishedAt", json_string(s->now));
	json_t *result = json_pack("{s:o,s:s}", "resources", results, "revision", sha);
	if (sbx_argocd_at(s->app, "spec.source"))
		json_object_set(result, "source", sbx_argocd_at(s->app, "spec.source"));
	json_object_set_new(opst, "syncResult", result);
	if (!failure && !dry_run && !json_array_size(filter))
		argocd_history_append(s, sha, opst);
	char msg[512];
	if (failure)
		snprintf(msg, sizeof msg, "Sync operation to %s failed: %s", sha, failure);
	else
		snprintf(msg, sizeof msg, "Sync operation to %s succeeded", sha);
	argocd_event(s, failure ? "Warning" : "Normal", "OperationCompleted", msg);
	free(failure);
	json_object_del(s->app, "operation");
}

static void argocd_terminate(struct argocd_step *s, json_t *opst)
{
	json_object_set_new(opst, "phase", json_string("Failed"));
	json_object_set_new(opst, "message", json_string("Operation terminated"));
	json_object_set_new(opst, "finishedAt", json_string(s->now));
	json_object_del(s->app, "operation");
	argocd_event(s, "Warning", "OperationCompleted", "Operation terminated");
}

/* Auto-sync: an OutOfSync app with spec.syncPolicy.automated syncs to the head, unless
 * the last try at that revision failed, was just now, or a window refuses. */
static bool argocd_auto_sync(struct argocd_step *s)
{
	json_t *automated = sbx_argocd_at(s->app, "spec.syncPolicy.automated");
	const char *sync = sbx_argocd_str(s->app, "status.sync.status");
	const char *head = sbx_argocd_str(s->app, "status.sync.revision");
	if (!json_is_object(automated) || !sync || strcmp(sync, "OutOfSync") || !head)
		return false;
	json_t *last = sbx_argocd_at(s->app, "status.operationState");
	const char *last_rev = sbx_argocd_str(last, "syncResult.revision");
	const char *phase = sbx_argocd_str(last, "phase");
	time_t finished = objstore_parse_time(sbx_argocd_str(last, "finishedAt"));
	if (last_rev && !strcmp(last_rev, head) &&
	    ((phase && strcmp(phase, "Succeeded")) ||
	     (finished >= 0 && s->v->now - finished < ARGOCD_SELF_HEAL_SECONDS)))
		return false;
	const char *proj = sbx_argocd_str(s->app, "spec.project");
	const json_t *project = proj ? objstore_get(s->cl, sbx_argocd_projects(s->cl), ARGOCD_NS, proj)
				     : NULL;
	if (project && sbx_argocd_sync_blocked(project, s->app, s->v->now, false))
		return false;
	json_t *sync_op = json_pack("{s:s,s:b}", "revision", head, "prune",
				    json_is_true(json_object_get(automated, "prune")));
	json_t *opts = sbx_argocd_at(s->app, "spec.syncPolicy.syncOptions");
	if (opts)
		json_object_set(sync_op, "syncOptions", opts);
	json_object_set_new(s->app, "operation",
			    json_pack("{s:o,s:{s:b},s:{s:i}}", "sync", sync_op, "initiatedBy",
				      "automated", 1, "retry", "limit", 5));
	return true;
}

/* Operation progress; returns true while one runs. */
static bool argocd_operate(struct argocd_step *s, bool *changed)
{
	json_t *op = json_object_get(s->app, "operation");
	json_t *opst = sbx_argocd_at(s->app, "status.operationState");
	const char *phase = sbx_argocd_str(opst, "phase");
	if (phase && !strcmp(phase, "Terminating")) {
		argocd_terminate(s, opst);
		*changed = true;
		return false;
	}
	if (!json_is_object(op))
		return false;
	if (!opst || argocd_phase_done(phase)) {
		argocd_start(s, op);
		*changed = true;
		return true;
	}
	time_t started = objstore_parse_time(sbx_argocd_str(opst, "startedAt"));
	if (started >= 0 && s->v->now - started < ARGOCD_OPERATION_SECONDS)
		return true;
	argocd_finish(s, opst);
	*changed = true;
	argocd_git_look(s);
	sbx_argocd_reconcile(s->v, s->app);
	return false;
}

/* Nothing to do for an app with no operation, no refresh asked and nothing simulated
 * (the --apps load Applications): skip it without copying. */
static bool argocd_idle(const json_t *app)
{
	const char *phase = sbx_argocd_str(app, "status.operationState.phase");
	return !json_object_get(app, "operation") && !sbx_argocd_annotation(app, ARGOCD_REFRESH) &&
	       !sbx_argocd_annotation(app, ARGOCD_GIT_IMAGE) &&
	       !(phase && !strcmp(phase, "Terminating"));
}

/* git_moved: the branch head is not the one the last pass saw (a push: Argo CD's Git
 * webhook makes every app of the repository look at once). */
static bool argocd_app_step(struct argocd_view *v, struct objstore_cluster *cl, const json_t *app,
			    bool git_moved)
{
	if (argocd_idle(app))
		return false;
	struct argocd_step s = {.v = v, .cl = cl, .app = json_deep_copy(app)};
	objstore_format_time(v->now, s.now, sizeof s.now);
	bool changed = false;
	if (sbx_argocd_annotation(s.app, ARGOCD_REFRESH)) {
		json_object_del(sbx_argocd_at(s.app, "metadata.annotations"), ARGOCD_REFRESH);
		json_t *status = json_object_get(s.app, "status");
		if (json_is_object(status))
			json_object_set_new(status, "reconciledAt", json_string(s.now));
		argocd_git_look(&s);
		changed = true;
	} else if (git_moved) {
		changed = argocd_git_look(&s);
	}
	changed = sbx_argocd_reconcile(v, s.app) || changed;
	bool waiting = argocd_operate(&s, &changed);
	if (!waiting && !json_object_get(s.app, "operation") && argocd_auto_sync(&s)) {
		changed = true;
		waiting = true;
	}
	if (changed)
		sbx_argocd_put(v->st, cl, s.app);
	else
		json_decref(s.app);
	return waiting;
}

/* What the last pass saw, so that a pass over a repository that serves Git can be skipped
 * when neither the clusters nor the branch moved: the controller asks every tick then. */
static struct {
	const struct objstore *st;
	uint64_t rv;
	char head[41];
	bool busy;
} argocd_seen;

static uint64_t argocd_rv_sum(const struct objstore *st)
{
	uint64_t rv = 0;
	for (size_t i = 0; i < st->nclusters; i++)
		rv += st->clusters[i].rv;
	return rv;
}

bool sbx_argocd_controller_tick(struct objstore *st)
{
	struct objstore_cluster *cl = sbx_argocd_plane(st);
	const struct resource *res = sbx_argocd_apps(cl);
	if (!res)
		return false;
	char head[41] = "";
	bool serving = gitrepo_serving() && gitrepo_head(head);
	bool moved = serving && (argocd_seen.st != st || strcmp(head, argocd_seen.head));
	if (serving && !moved && !argocd_seen.busy && argocd_rv_sum(st) == argocd_seen.rv)
		return true;
	/* a snapshot: the writes below replace entries of the map being walked */
	json_t *apps = json_array();
	const char *key;
	json_t *app;
	json_object_foreach(objstore_objects(cl, res), key, app)
		json_array_append(apps, app);
	struct argocd_view v;
	sbx_argocd_view_init(&v, st);
	bool waiting = false;
	size_t i;
	json_array_foreach(apps, i, app)
		waiting = argocd_app_step(&v, cl, app, moved) || waiting;
	sbx_argocd_view_free(&v);
	json_decref(apps);
	argocd_seen.st = st;
	argocd_seen.rv = argocd_rv_sum(st);
	snprintf(argocd_seen.head, sizeof argocd_seen.head, "%s", head);
	argocd_seen.busy = waiting;
	/* serving Git: ask again next tick, a push changes nothing the controller sees */
	return waiting || serving;
}
