/* Argo CD objects in the control-plane cluster's argocd namespace: the default AppProject
 * and one per tenant (with the frozen environments' deny windows), and an Application
 * "<service>-<env>" per service per environment, with status shaped as Argo CD writes it
 * (sync, health, history, operationState, summary, resources). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/scenario_model.h"

#define ARGOCD_NS "argocd"
#define HISTORY_LEN 9             /* deploys recorded: one short of the ten Argo CD keeps */
#define RELEASE_GAP (8 * 86400L)  /* a tenant's default release_every_days */
#define HISTORY_SPAN (100 * 86400L) /* every app's deploys reach back this far (in Git) */
#define HISTORY_MAX 64            /* deploys per app at most, reverts included */
#define ANN_OLDER "sandbox.opsdeck.dev/older-history"
#define ANN_REVERTS "sandbox.opsdeck.dev/reverts"
#define ENV_LAG (30 * 3600L)      /* a release reaches the next environment a day later */

static size_t control_plane(const struct sc_model *m)
{
	for (size_t i = 0; i < m->nclusters; i++)
		if (m->clusters[i].control_plane)
			return i;
	return 0;
}

/* Destinations name their cluster (destination.name, as Argo CD's cluster secrets
 * allow) rather than a URL: the sandbox's port is not known when objects are made. */
static const char *cluster_name(const struct sc_model *m, size_t ci)
{
	return m->clusters[ci].name;
}

/* A Git commit sha standing for revision n of a service in an environment. */
static void git_sha(const char *app, int n, char out[41])
{
	char key[160], salt[16];
	snprintf(key, sizeof(key), "%s#%d", app, n);
	snprintf(salt, sizeof(salt), "%d", n);
	snprintf(out, 41, "%016llx%016llx%08x", (unsigned long long)sc_hash(key),
		 (unsigned long long)sc_hash2(key, salt), (unsigned)(sc_hash2(salt, key) >> 32));
}

static char *expand_path(const char *pattern, const char *env, const char *service)
{
	char *out = xstrdup(pattern);
	const char *keys[] = {"{env}", "{service}"}, *vals[] = {env, service};
	for (int k = 0; k < 2; k++) {
		char *at;
		while ((at = strstr(out, keys[k])) != NULL) {
			char *next = xasprintf("%.*s%s%s", (int)(at - out), out, vals[k],
					       at + strlen(keys[k]));
			free(out);
			out = next;
		}
	}
	return out;
}

static json_t *project_destinations(const struct sc_model *m, const char *tenant)
{
	json_t *d = json_array();
	for (size_t e = 0; e < m->nenvs; e++) {
		char *ns = xasprintf("%s-%s", tenant, m->envs[e].name);
		json_array_append_new(d, json_pack("{s:s, s:s}", "namespace", ns, "name",
						   cluster_name(m, m->envs[e].cluster_idx)));
		free(ns);
	}
	return d;
}

/* Deny windows for environments with a freeze: "cron minute hour dom month dow DURATION". */
static json_t *sync_windows(const struct sc_model *m, const char *tenant)
{
	json_t *w = json_array();
	for (size_t e = 0; e < m->nenvs; e++) {
		const char *f = m->envs[e].freeze;
		if (!f)
			continue;
		const char *sp = strrchr(f, ' ');
		char *schedule = sp ? xstrndup(f, (size_t)(sp - f)) : xstrdup(f);
		char *apps = xasprintf("*-%s", m->envs[e].name);
		char *ns = xasprintf("%s-%s", tenant, m->envs[e].name);
		json_array_append_new(w, json_pack("{s:s, s:s, s:s, s:[s], s:[s], s:b, s:s}", "kind",
						   "deny", "schedule", schedule, "duration",
						   sp ? sp + 1 : "24h", "applications", apps,
						   "namespaces", ns, "manualSync", 0, "timeZone", "UTC"));
		free(schedule);
		free(apps);
		free(ns);
	}
	/* the first tenant's production (the last environment) is under a change freeze
	 * right now: a deny window that is always active and refuses manual syncs too */
	if (m->nenvs && m->ntenants && !strcmp(tenant, m->tenants[0].name)) {
		char *apps = xasprintf("*-%s", m->envs[m->nenvs - 1].name);
		json_array_append_new(w, json_pack("{s:s, s:s, s:s, s:[s], s:b, s:s}", "kind", "deny",
						   "schedule", "* * * * *", "duration", "24h",
						   "applications", apps, "manualSync", 0,
						   "timeZone", "UTC"));
		free(apps);
	}
	return w;
}

static void add_project(struct sc_gen *g, size_t ci, const char *name, const char *desc,
			json_t *destinations, json_t *windows)
{
	json_t *md = sc_metadata(g, g->m->clusters[ci].name, "AppProject", ARGOCD_NS, name,
				 29 * 86400);
	json_t *spec = json_pack("{s:s, s:[s], s:o, s:[{s:s, s:s}], s:[]}", "description", desc,
				 "sourceRepos", g->m->gitops_repo, "destinations", destinations,
				 "namespaceResourceWhitelist", "group", "*", "kind", "*",
				 "clusterResourceWhitelist");
	if (windows && json_array_size(windows))
		json_object_set(spec, "syncWindows", windows);
	json_decref(windows);
	sc_add(g, ci, json_pack("{s:s, s:s, s:o, s:o, s:{}}", "apiVersion", "argoproj.io/v1alpha1",
				"kind", "AppProject", "metadata", md, "spec", spec, "status"));
}

static void gen_projects(struct sc_gen *g, size_t ci)
{
	const struct sc_model *m = g->m;
	add_project(g, ci, "default", "Argo CD's default project",
		    json_pack("[{s:s, s:s}]", "server", "*", "namespace", "*"), NULL);
	for (size_t t = 0; t < m->ntenants; t++) {
		const struct sc_tenant *tn = &m->tenants[t];
		add_project(g, ci, tn->name, tn->description ? tn->description : tn->name,
			    project_destinations(m, tn->name), sync_windows(m, tn->name));
	}
}

/* What Argo CD knows about one service in one environment. */
struct app_facts {
	size_t svc, env;
	const char *name, *ns, *tenant, *health;
	json_t *source;           /* borrowed */
	char revision[41];        /* what was last synced */
	char head[41];            /* what Git's branch points at now (differs when drifted) */
	int history_id;
	bool out_of_sync;
	long synced_ago;
	int nhistory;             /* deploys Argo CD recorded: the newest HISTORY_LEN */
	int nall;                 /* every deploy, newest first in the arrays below; those
				   * past nhistory only Git remembers */
	char *version[HISTORY_MAX];
	long ago[HISTORY_MAX];    /* seconds before the scenario clock */
	int reverts[HISTORY_MAX]; /* the entry this one reverted (a Git revert), or -1 */
	long head_ago;            /* when Git's head for the app was committed */
};

static json_t *app_resources(const struct sc_model *m, const struct app_facts *a)
{
	const struct sc_service *s = &m->services[a->svc];
	json_t *r = json_array();
	json_array_append_new(r, json_pack("{s:s, s:s, s:s, s:s, s:s}", "version", "v1", "kind",
					   "ConfigMap", "namespace", a->ns, "name", s->name,
					   "status", "Synced"));
	json_array_append_new(r, json_pack("{s:s, s:s, s:s, s:s, s:s}", "version", "v1", "kind",
					   "Secret", "namespace", a->ns, "name", s->name, "status",
					   "Synced"));
	json_array_append_new(r, json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s}}", "version", "v1",
					   "kind", "Service", "namespace", a->ns, "name", s->name,
					   "status", "Synced", "health", "status", "Healthy"));
	json_array_append_new(r, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s}}", "group",
					   "apps", "version", "v1", "kind", "Deployment",
					   "namespace", a->ns, "name", s->name, "status",
					   a->out_of_sync ? "OutOfSync" : "Synced", "health", "status",
					   a->health));
	if (s->sts)
		json_array_append_new(r, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s}}",
						   "group", "apps", "version", "v1", "kind",
						   "StatefulSet", "namespace", a->ns, "name",
						   s->sts->name, "status", "Synced", "health",
						   "status", "Healthy"));
	if (s->web)
		json_array_append_new(r, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s}}",
						   "group", "networking.k8s.io", "version", "v1",
						   "kind", "Ingress", "namespace", a->ns, "name",
						   s->name, "status", "Synced", "health", "status",
						   "Healthy"));
	return r;
}

static json_t *sync_result_resources(json_t *resources)
{
	json_t *out = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(resources, i, r) {
		json_t *x = json_pack("{s:s, s:O, s:O, s:O, s:O, s:s, s:s, s:s, s:s}", "group",
				      json_string_value(json_object_get(r, "group")) ?
					      json_string_value(json_object_get(r, "group")) : "",
				      "version", json_object_get(r, "version"), "kind",
				      json_object_get(r, "kind"), "namespace",
				      json_object_get(r, "namespace"), "name",
				      json_object_get(r, "name"), "status", "Synced", "message",
				      "unchanged", "hookPhase", "Running", "syncPhase", "Sync");
		json_array_append_new(out, x);
	}
	return out;
}

/* Argo CD records who started each deployment: an automated sync, or the account that
 * asked for it. */
static json_t *initiated_by(bool automated)
{
	return automated ? json_pack("{s:b}", "automated", 1)
			 : json_pack("{s:s}", "username", "admin");
}

static json_t *app_history(const struct sc_gen *g, const struct app_facts *a, bool automated)
{
	json_t *h = json_array();
	for (int k = a->nhistory - 1; k >= 0; k--) {
		char sha[41], started[21], deployed[21];
		git_sha(a->name, a->history_id - k, sha);
		sc_time(g, a->ago[k] + 4, started);
		sc_time(g, a->ago[k], deployed);
		json_array_append_new(h, json_pack("{s:s, s:s, s:i, s:s, s:O, s:o}",
						   "deployStartedAt", started, "deployedAt",
						   deployed, "id", a->history_id - k, "revision",
						   sha, "source", a->source, "initiatedBy",
						   initiated_by(automated)));
	}
	return h;
}

static json_t *operation_state(const struct sc_gen *g, const struct app_facts *a,
			       json_t *resources, bool automated)
{
	char started[21], finished[21];
	sc_time(g, a->synced_ago + 4, started);
	sc_time(g, a->synced_ago, finished);
	json_t *initiated = initiated_by(automated);
	return json_pack("{s:{s:{s:s, s:{s:{}}}, s:o, s:{s:i}}, s:s, s:s, s:{s:o, s:s, s:O},"
			 " s:s, s:s}",
			 "operation", "sync", "revision", a->revision, "syncStrategy", "hook",
			 "initiatedBy", initiated, "retry", "limit", 5, "phase", "Succeeded",
			 "message", "successfully synced (all tasks run)", "syncResult",
			 "resources", sync_result_resources(resources), "revision", a->revision,
			 "source", a->source, "startedAt", started, "finishedAt", finished);
}

static json_t *app_images(const struct sc_gen *g, const struct app_facts *a)
{
	const struct sc_model *m = g->m;
	const struct sc_service *s = &m->services[a->svc];
	json_t *imgs = json_array();
	json_array_append_new(imgs, json_sprintf("%s/%s/%s:%s", m->registry, a->tenant, s->name,
						 s->versions[a->env]));
	if (s->sidecar)
		json_array_append_new(imgs, json_sprintf("%s/platform/fluent-bit:3.1.9", m->registry));
	if (s->sts)
		json_array_append_new(imgs, json_string(s->sts->image));
	return imgs;
}

static json_t *app_status(const struct sc_gen *g, const struct app_facts *a, size_t dest_ci)
{
	const struct sc_model *m = g->m;
	char reconciled[21];
	sc_time(g, 95 + (long)(sc_hash(a->name) % 170), reconciled);
	json_t *resources = app_resources(m, a);
	json_t *status = json_pack(
		"{s:o, s:{s:s, s:s, s:{s:O, s:{s:s, s:s}}}, s:{s:s}, s:o, s:o, s:s, s:s, s:{s:o}}",
		"resources", resources, "sync", "status", a->out_of_sync ? "OutOfSync" : "Synced",
		"revision", a->head, "comparedTo", "source", a->source, "destination",
		"name", cluster_name(m, dest_ci), "namespace", a->ns, "health", "status", a->health, "history",
		app_history(g, a, m->envs[a->env].automated), "operationState",
		operation_state(g, a, resources, m->envs[a->env].automated), "reconciledAt",
		reconciled, "sourceType", "Kustomize", "summary", "images", app_images(g, a));
	json_object_set_new(status, "controllerNamespace", json_string(ARGOCD_NS));
	return status;
}

/* Steps back (sc_prev_version) from the first environment's version to version, or -1:
 * release r of a service is the same build in every environment. */
static int release_offset(const struct sc_service *s, const char *version)
{
	char *v = xstrdup(s->versions[0]);
	int n = -1;
	for (int i = 0; i < 80 && n < 0; i++) {
		if (!strcmp(v, version))
			n = i;
		char *prev = sc_prev_version(v);
		free(v);
		v = prev;
	}
	free(v);
	return n;
}

/* Seconds between releases of service svc: its tenant's release_every_days. */
static long release_gap(const struct sc_model *m, size_t svc)
{
	unsigned days = m->tenants ? m->tenants[m->services[svc].tenant_idx].release_days : 0;
	return days ? (long)days * 86400 : RELEASE_GAP;
}

/* Seconds before the history's end at which release r (0: the newest) of service svc
 * reached environment env: releases about release_gap apart (jittered by up to a third
 * of it, two days at most), each environment ENV_LAG after the one before it, and the
 * newest release in the last environment a few hours before the end. */
static long deploy_ago(const struct sc_model *m, size_t svc, int r, size_t env)
{
	const char *name = m->services[svc].name;
	char key[160];
	long gap = release_gap(m, svc), spread = gap / 3 < 2 * 86400 ? gap / 3 : 2 * 86400;
	snprintf(key, sizeof(key), "%s#%d", name, r);
	long jitter = r ? (long)(sc_hash(key) % (unsigned long)spread) : 0;
	snprintf(key, sizeof(key), "%s@%zu", name, env);
	long lag = (long)env * ENV_LAG + (long)(sc_hash(key) % (4 * 3600));
	long max_lag = (long)(m->nenvs ? m->nenvs - 1 : 0) * ENV_LAG + 4 * 3600;
	return max_lag + 3 * 3600 + (long)r * gap + jitter - lag;
}

/* Whether release r of service svc failed in environment env: only in the last
 * environment, never the release running there now (off), about one in the tenant's
 * failed_one_in. Git then has a revert a few hours after it. */
static bool release_failed(const struct sc_model *m, size_t svc, int r, int off, size_t env)
{
	unsigned n = m->tenants ? m->tenants[m->services[svc].tenant_idx].fail_one_in : 0;
	char key[160];
	snprintf(key, sizeof(key), "%s#%d#failed", m->services[svc].name, r);
	return n && r > off && env + 1 == m->nenvs && sc_hash(key) % n == 0;
}

/* Appends a deploy of version (owned) ago seconds back, reverting entry reverts (or -1). */
static void timeline_push(struct app_facts *a, char *version, long ago, int reverts)
{
	a->version[a->nall] = version;
	a->ago[a->nall] = ago;
	a->reverts[a->nall] = reverts;
	a->nall++;
}

/* Seconds from the scenario clock back to the end of the recorded history. */
static long history_shift(const struct sc_gen *g)
{
	time_t until = g->m->gitops_until;
	return until > 0 && until < g->now ? (long)(g->now - until) : 0;
}

/* The deploys Argo CD recorded for the app, newest first: the versions before the one it
 * runs, each at its release's time; an incident's deploy is the recent one. */
static void app_timeline(const struct sc_gen *g, struct app_facts *a)
{
	const struct sc_model *m = g->m;
	const struct sc_service *s = &m->services[a->svc];
	const char *current = s->versions[a->env];
	int off = release_offset(s, current);
	if (off < 0)
		off = (int)a->env;
	long shift = history_shift(g);
	char *v = xstrdup(current);
	a->nall = 0;
	/* releases newest first until HISTORY_SPAN is covered; a failed one is followed (in
	 * time: preceded here) by its revert to the release before it */
	for (int r = off; a->nall + 2 <= HISTORY_MAX; r++) {
		long ago = shift + deploy_ago(m, a->svc, r, a->env);
		char *prev = sc_prev_version(v);
		if (release_failed(m, a->svc, r, off, a->env)) {
			long back = ago - (long)(3600 + sc_hash(v) % (3 * 3600));
			timeline_push(a, xstrdup(prev), back, a->nall + 1);
		}
		timeline_push(a, v, ago, -1);
		v = prev;
		if (a->nall >= HISTORY_LEN && ago - shift >= HISTORY_SPAN)
			break;
	}
	free(v);
	a->nhistory = a->nall < HISTORY_LEN ? a->nall : HISTORY_LEN;
	if (sc_incident_for(m, a->svc, a->env))
		a->ago[0] = shift + sc_age(a->name, 25 * 60, 3 * 3600);
	a->synced_ago = a->ago[0];
	a->head_ago = a->ago[0];
	const struct sc_drift *drift = sc_drift_for(m, a->svc, a->env);
	if (drift) {
		int r = release_offset(s, drift->git_version);
		long ago = shift + deploy_ago(m, a->svc, r < 0 ? 0 : r, a->env);
		a->head_ago = ago < a->ago[0] ? ago : shift + (a->ago[0] - shift) / 2;
	}
}

static void app_timeline_free(struct app_facts *a)
{
	for (int k = 0; k < a->nall; k++)
		free(a->version[k]);
}

/* {"sha": image} for the head and every recorded deploy, as a JSON string (annotations
 * are strings). */
static json_t *revision_images(const struct sc_gen *g, const struct app_facts *a,
			       const struct sc_drift *drift)
{
	const struct sc_model *m = g->m;
	const struct sc_service *s = &m->services[a->svc];
	json_t *map = json_object();
	for (int k = a->nall - 1; k >= 0; k--) {
		char sha[41];
		git_sha(a->name, a->history_id - k, sha);
		json_object_set_new(map, sha, json_sprintf("%s/%s/%s:%s", m->registry, a->tenant,
							   s->name, a->version[k]));
	}
	json_object_set_new(map, a->head, json_sprintf("%s/%s/%s:%s", m->registry, a->tenant,
						       s->name, drift ? drift->git_version : a->version[0]));
	char *text = json_dumps(map, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(map);
	json_t *out = json_string(text);
	free(text);
	return out;
}

/* What the sandbox's GitOps repository needs to replay the app's deploys as commits:
 * the environment promotions come from, and when Git's head for the app was committed. */
static void gitops_annotations(const struct sc_gen *g, const struct app_facts *a, json_t *ann)
{
	const struct sc_model *m = g->m;
	json_object_set_new(ann, "sandbox.opsdeck.dev/promoted-from",
			    json_string(a->env ? m->envs[a->env - 1].name : "ci"));
	char when[21];
	sc_time(g, a->head_ago, when);
	json_object_set_new(ann, "sandbox.opsdeck.dev/git-committed-at", json_string(when));
}

/* A JSON value as the string an annotation holds. */
static json_t *json_text(json_t *v)
{
	char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(v);
	json_t *out = json_string(text);
	free(text);
	return out;
}

/* For the GitOps repository only: the deploys older than Argo CD's history (so Git's
 * history spans HISTORY_SPAN), and which deploys were reverts of which. */
static void history_annotations(const struct sc_gen *g, const struct app_facts *a, json_t *ann)
{
	json_t *older = json_array(), *reverts = json_object();
	for (int k = 0; k < a->nall; k++) {
		char sha[41], when[21];
		git_sha(a->name, a->history_id - k, sha);
		if (k >= a->nhistory) {
			sc_time(g, a->ago[k], when);
			json_array_append_new(older, json_pack("{s:s, s:s}", "revision", sha,
							       "deployedAt", when));
		}
		if (a->reverts[k] >= 0) {
			char undone[41];
			git_sha(a->name, a->history_id - a->reverts[k], undone);
			json_object_set_new(reverts, sha, json_string(undone));
		}
	}
	if (json_array_size(older))
		json_object_set_new(ann, ANN_OLDER, json_text(json_incref(older)));
	if (json_object_size(reverts))
		json_object_set_new(ann, ANN_REVERTS, json_text(json_incref(reverts)));
	json_decref(older);
	json_decref(reverts);
}

/* One app whose syncs always fail (an admission webhook refuses it): the last service
 * in the first environment that is neither automated nor frozen. */
static bool sync_fails(const struct sc_model *m, size_t svc, size_t env)
{
	for (size_t e = 0; e < m->nenvs; e++)
		if (!m->envs[e].automated && !m->envs[e].freeze)
			return e == env && svc + 1 == m->nservices;
	return false;
}

static void gen_app(struct sc_gen *g, size_t ci, size_t svc, size_t env)
{
	const struct sc_model *m = g->m;
	const struct sc_service *s = &m->services[svc];
	char *name = xasprintf("%s-%s", s->name, m->envs[env].name);
	char *ns = sc_namespace_name(m, svc, env);
	char *path = expand_path(m->gitops_path, m->envs[env].name, s->name);
	const struct sc_incident *inc = sc_incident_for(m, svc, env);
	struct app_facts a = {.svc = svc, .env = env, .name = name, .ns = ns,
			      .tenant = m->tenants[s->tenant_idx].name,
			      .health = inc ? "Degraded" : "Healthy",
			      .out_of_sync = sc_drift_for(m, svc, env) != NULL};
	a.history_id = 10 + HISTORY_LEN + (int)(sc_hash(name) % 40);
	app_timeline(g, &a);
	git_sha(name, a.history_id, a.revision);
	memcpy(a.head, a.revision, sizeof(a.head));
	const struct sc_drift *drift = sc_drift_for(m, svc, env);
	if (drift)
		git_sha(name, a.history_id + 1, a.head);
	a.source = json_pack("{s:s, s:s, s:s}", "repoURL", m->gitops_repo, "path", path,
			     "targetRevision", m->gitops_revision);
	json_t *md = sc_metadata(g, m->clusters[ci].name, "Application", ARGOCD_NS, name,
				 sc_age(ns, 20 * 86400, 30 * 86400));
	json_object_set_new(md, "labels", sc_labels(m, svc, env));
	json_object_set_new(md, "finalizers", json_pack("[s]", "resources-finalizer.argocd.argoproj.io"));
	/* what Git asks for, so the server can show a target state that differs from live,
	 * and the image each known revision deploys, for syncs and rollbacks */
	json_t *ann = json_pack("{s:o, s:o}", "sandbox.opsdeck.dev/git-image",
				json_sprintf("%s/%s/%s:%s", m->registry, a.tenant, s->name,
					     drift ? drift->git_version : s->versions[env]),
				"sandbox.opsdeck.dev/revision-images", revision_images(g, &a, drift));
	if (sync_fails(m, svc, env))
		json_object_set_new(ann, "sandbox.opsdeck.dev/sync-fails", json_string("true"));
	gitops_annotations(g, &a, ann);
	history_annotations(g, &a, ann);
	json_object_set_new(md, "annotations", ann);
	size_t dest_ci = m->envs[env].cluster_idx;
	json_t *sync = json_pack("{s:[s]}", "syncOptions", "CreateNamespace=true");
	if (m->envs[env].automated)
		json_object_set_new(sync, "automated", json_pack("{s:b, s:b}", "prune", 1, "selfHeal", 1));
	json_t *spec = json_pack("{s:s, s:O, s:{s:s, s:s}, s:o}", "project", a.tenant, "source",
				 a.source, "destination", "name", cluster_name(m, dest_ci),
				 "namespace", ns,
				 "syncPolicy", sync);
	sc_add(g, ci, json_pack("{s:s, s:s, s:o, s:o, s:o}", "apiVersion", "argoproj.io/v1alpha1",
				"kind", "Application", "metadata", md, "spec", spec, "status",
				app_status(g, &a, dest_ci)));
	json_decref(a.source);
	app_timeline_free(&a);
	free(path);
	free(ns);
	free(name);
}

/* Compact extra Applications for --apps, all Synced and Healthy. */
static void gen_extra_app(struct sc_gen *g, size_t ci, unsigned i)
{
	const struct sc_model *m = g->m;
	char name[32], ns[32];
	snprintf(name, sizeof(name), "load-app-%05u", i);
	snprintf(ns, sizeof(ns), "load-%02u", i % 100);
	size_t dest = m->envs[0].cluster_idx;
	char sha[41];
	git_sha(name, 1, sha);
	json_t *md = sc_metadata(g, m->clusters[ci].name, "Application", ARGOCD_NS, name,
				 sc_age(name, 3600, 30 * 86400));
	json_t *src = json_pack("{s:s, s:s, s:s}", "repoURL", m->gitops_repo, "path", ns,
				"targetRevision", m->gitops_revision);
	sc_add(g, ci, json_pack("{s:s, s:s, s:o, s:{s:s, s:O, s:{s:s, s:s}},"
				" s:{s:{s:s, s:s}, s:{s:s}}}",
				"apiVersion", "argoproj.io/v1alpha1", "kind", "Application",
				"metadata", md, "spec", "project", "default", "source", src,
				"destination", "name", cluster_name(m, dest), "namespace", ns, "status", "sync",
				"status", "Synced", "revision", sha, "health", "status", "Healthy"));
	json_decref(src);
}

void sc_gen_argocd(struct sc_gen *g, unsigned total_apps)
{
	const struct sc_model *m = g->m;
	size_t ci = control_plane(m);
	gen_projects(g, ci);
	for (size_t e = 0; e < m->nenvs; e++)
		for (size_t s = 0; s < m->nservices; s++)
			gen_app(g, ci, s, e);
	size_t base = m->nenvs * m->nservices;
	for (size_t i = base; i < total_apps; i++)
		gen_extra_app(g, ci, (unsigned)(i - base));
}
