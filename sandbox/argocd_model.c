/* What the sandbox's Argo CD knows about Applications: where they live and deploy to,
 * revisions and the images they carry, sync windows (cron schedules), and the error
 * body every Argo CD call fails with. */
#include "sandbox/argocd_internal.h"
#include "sandbox/gitrepo.h"

#include "core/xalloc.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sbx_argocd_reply_error(struct apireq *req, enum argocd_code code, const char *message)
{
	/* grpc-gateway's HTTPStatusFromCode */
	unsigned http = code == ARGOCD_NOT_FOUND ? 404
		      : code == ARGOCD_PERMISSION_DENIED ? 403
		      : code == ARGOCD_UNAUTHENTICATED ? 401
		      : 400;
	apireq_reply_json(req, http, json_pack("{s:s,s:i,s:s,s:[]}", "error", message, "code",
					       (int)code, "message", message, "details"));
}

struct objstore_cluster *sbx_argocd_plane(struct objstore *st)
{
	for (size_t i = 0; i < st->nclusters; i++)
		if (st->clusters[i].control_plane)
			return &st->clusters[i];
	return st->nclusters ? &st->clusters[0] : NULL;
}

const struct resource *sbx_argocd_apps(struct objstore_cluster *cl)
{
	return cl ? resource_find(&cl->resources, "argoproj.io", "v1alpha1", "applications") : NULL;
}

const struct resource *sbx_argocd_projects(struct objstore_cluster *cl)
{
	return cl ? resource_find(&cl->resources, "argoproj.io", "v1alpha1", "appprojects") : NULL;
}

struct objstore_cluster *sbx_argocd_dest(struct objstore *st, const json_t *app)
{
	const char *name = sbx_argocd_str(app, "spec.destination.name");
	const char *server = sbx_argocd_str(app, "spec.destination.server");
	if (name && *name)
		return objstore_cluster_find(st, name);
	if (!server)
		return NULL;
	if (!strcmp(server, "https://kubernetes.default.svc"))
		return sbx_argocd_plane(st);
	const char *at = strstr(server, "/clusters/");
	return at ? objstore_cluster_find(st, at + 10) : NULL;
}

json_t *sbx_argocd_at(const json_t *obj, const char *path)
{
	json_t *cur = (json_t *)obj;
	while (cur && path && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		char key[128];
		if (n >= sizeof key)
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		cur = json_object_get(cur, key);
		path = dot ? dot + 1 : NULL;
	}
	return cur;
}

const char *sbx_argocd_str(const json_t *obj, const char *path)
{
	return json_string_value(sbx_argocd_at(obj, path));
}

const char *sbx_argocd_annotation(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(sbx_argocd_at(obj, "metadata.annotations"), key));
}

void sbx_argocd_put(struct objstore *st, struct objstore_cluster *cl, json_t *app)
{
	json_object_del(json_object_get(app, "metadata"), "resourceVersion");
	objstore_update(st, cl, sbx_argocd_apps(cl), app, false, NULL);
}

/* {"sha": "image", …} from the revision-images annotation (a JSON string); new or NULL. */
static json_t *argocd_revision_map(const json_t *app)
{
	const char *text = sbx_argocd_annotation(app, ARGOCD_REVISION_IMAGES);
	json_t *map = text ? json_loads(text, 0, NULL) : NULL;
	if (!json_is_object(map)) {
		json_decref(map);
		return NULL;
	}
	return map;
}

static const char *argocd_history_sha(const json_t *app, const char *prefix)
{
	size_t i, n = strlen(prefix);
	json_t *h;
	json_array_foreach(sbx_argocd_at(app, "status.history"), i, h) {
		const char *rev = json_string_value(json_object_get(h, "revision"));
		if (rev && !strncmp(rev, prefix, n))
			return rev;
	}
	return NULL;
}

bool sbx_argocd_resolve_revision(const json_t *app, const char *revision, char out[41])
{
	/* the GitOps repository, when the sandbox serves one, knows every commit */
	const char *branch = sbx_argocd_str(app, "spec.source.targetRevision");
	if (gitrepo_serving()) {
		bool is_head = !revision || !*revision || !strcmp(revision, "HEAD") ||
			       (branch && !strcmp(revision, branch));
		if (gitrepo_resolve(is_head ? "" : revision, out))
			return true;
	}
	const char *head = sbx_argocd_str(app, "status.sync.revision");
	const char *target = sbx_argocd_str(app, "spec.source.targetRevision");
	const char *found = NULL;
	json_t *map = argocd_revision_map(app);
	size_t n = revision ? strlen(revision) : 0;
	if (!n || !strcmp(revision, "HEAD") || (target && !strcmp(revision, target))) {
		found = head;
	} else if (n >= 7 && n <= 40 && strspn(revision, "0123456789abcdef") == n) {
		if (head && !strncmp(head, revision, n))
			found = head;
		if (!found)
			found = argocd_history_sha(app, revision);
		const char *key;
		json_t *v;
		json_object_foreach(map, key, v)
			if (!found && !strncmp(key, revision, n))
				found = key;
	}
	bool ok = found && strlen(found) <= 40;
	if (ok)
		snprintf(out, 41, "%s", found);
	json_decref(map);
	return ok;
}

/* The image a commit of the served repository deploys: the Git image's repository with
 * the tag the app's file holds there. */
static bool argocd_repo_image(const json_t *app, const char *sha, char *buf, size_t len)
{
	const char *git = sbx_argocd_annotation(app, ARGOCD_GIT_IMAGE);
	const char *dir = sbx_argocd_str(app, "spec.source.path");
	char tag[128];
	if (!git || !dir || !sha || !gitrepo_serving() || !gitrepo_tag_at(sha, dir, tag, sizeof tag))
		return false;
	const char *colon = strrchr(git, ':');
	int n = colon && !strchr(colon, '/') ? (int)(colon - git) : (int)strlen(git);
	snprintf(buf, len, "%.*s:%s", n, git, tag);
	return true;
}

bool sbx_argocd_revision_image(const json_t *app, const char *sha, char *buf, size_t len)
{
	if (argocd_repo_image(app, sha, buf, len))
		return true;
	const char *head = sbx_argocd_str(app, "status.sync.revision");
	const char *git = sbx_argocd_annotation(app, ARGOCD_GIT_IMAGE);
	json_t *map = argocd_revision_map(app);
	const char *img = sha ? json_string_value(json_object_get(map, sha)) : NULL;
	if (!img && sha && head && git && !strcmp(sha, head))
		img = git;
	bool ok = img != NULL;
	if (ok)
		snprintf(buf, len, "%s", img);
	json_decref(map);
	return ok;
}

/* ---- sync windows ----------------------------------------------------------------- */

/* One cron field ("*", "5", "1-5", "*\/15", "1,3,5") against a value. */
static bool argocd_cron_field(const char *f, size_t n, int v, int lo, int hi)
{
	char buf[64];
	if (n >= sizeof buf)
		return false;
	memcpy(buf, f, n);
	buf[n] = '\0';
	char *save = NULL;
	for (char *part = strtok_r(buf, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
		int step = 1, a = lo, b = hi;
		char *slash = strchr(part, '/');
		if (slash) {
			*slash = '\0';
			step = atoi(slash + 1);
			if (step <= 0)
				return false;
		}
		if (strcmp(part, "*")) {
			char *dash = strchr(part, '-');
			a = atoi(part);
			b = dash ? atoi(dash + 1) : slash ? hi : a;
		}
		if (v >= a && v <= b && (v - a) % step == 0)
			return true;
	}
	return false;
}

bool sbx_argocd_cron_matches(const char *schedule, time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	int vals[5] = {tm.tm_min, tm.tm_hour, tm.tm_mday, tm.tm_mon + 1, tm.tm_wday};
	static const int lo[5] = {0, 0, 1, 1, 0}, hi[5] = {59, 23, 31, 12, 6};
	const char *p = schedule;
	for (int i = 0; i < 5; i++) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (!n)
			return false;
		bool ok = argocd_cron_field(p, n, vals[i], lo[i], hi[i]);
		/* Sunday is 0 or 7 */
		if (!ok && i == 4 && vals[4] == 0)
			ok = argocd_cron_field(p, n, 7, lo[i], 7);
		if (!ok)
			return false;
		p += n;
	}
	return true;
}

long sbx_argocd_duration(const char *text)
{
	long total = 0;
	const char *p = text;
	if (!p || !*p)
		return -1;
	while (*p) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p || v < 0)
			return -1;
		long unit = *end == 'h' ? 3600 : *end == 'm' ? 60 : *end == 's' ? 1 : 0;
		if (!unit)
			return -1;
		total += v * unit;
		p = end + 1;
	}
	return total;
}

/* Active: the schedule fired within the last duration (checked minute by minute, at
 * most a week back). */
static bool argocd_window_active(const json_t *w, time_t now)
{
	const char *schedule = json_string_value(json_object_get(w, "schedule"));
	long dur = sbx_argocd_duration(json_string_value(json_object_get(w, "duration")));
	if (!schedule || dur <= 0)
		return false;
	if (dur > 7 * 86400)
		dur = 7 * 86400;
	time_t minute = now - now % 60;
	for (time_t t = minute; t > now - dur; t -= 60)
		if (sbx_argocd_cron_matches(schedule, t))
			return true;
	return false;
}

static bool argocd_globs(const json_t *patterns, const char *value)
{
	size_t i;
	json_t *p;
	json_array_foreach(patterns, i, p) {
		const char *pat = json_string_value(p);
		if (pat && value && fnmatch(pat, value, 0) == 0)
			return true;
	}
	return false;
}

static bool argocd_window_matches(const json_t *w, const json_t *app)
{
	const char *cluster = sbx_argocd_str(app, "spec.destination.name");
	if (!cluster)
		cluster = sbx_argocd_str(app, "spec.destination.server");
	return argocd_globs(json_object_get(w, "applications"), objstore_obj_name(app)) ||
	       argocd_globs(json_object_get(w, "namespaces"),
			    sbx_argocd_str(app, "spec.destination.namespace")) ||
	       argocd_globs(json_object_get(w, "clusters"), cluster);
}

/* As Argo CD's SyncWindows.CanSync: an active deny window refuses (a manual sync passes
 * when every active deny allows manualSync); matching allow windows that are all
 * inactive refuse too. */
bool sbx_argocd_sync_blocked(const json_t *project, const json_t *app, time_t now, bool manual)
{
	bool deny = false, deny_manual = true, allow_seen = false, allow_active = false;
	bool allow_manual = false;
	size_t i;
	json_t *w;
	json_array_foreach(sbx_argocd_at(project, "spec.syncWindows"), i, w) {
		if (!argocd_window_matches(w, app))
			continue;
		const char *kind = json_string_value(json_object_get(w, "kind"));
		bool active = argocd_window_active(w, now);
		bool ms = json_is_true(json_object_get(w, "manualSync"));
		if (kind && !strcmp(kind, "deny") && active) {
			deny = true;
			deny_manual = deny_manual && ms;
		} else if (kind && !strcmp(kind, "allow")) {
			allow_seen = true;
			allow_active = allow_active || active;
			allow_manual = allow_manual || ms;
		}
	}
	if (deny)
		return !(manual && deny_manual);
	if (allow_seen && !allow_active)
		return !(manual && allow_manual);
	return false;
}
