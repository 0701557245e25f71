/* DORA's inputs from Argo CD, the GitOps repository and the timeline (clients/dora_data.h):
 * indexes by sha and by app, commits read as deployments, rollbacks and reverts as rework,
 * failures as incidents. */
#include "clients/dora_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define LABEL_SERVICE "platform.opsdeck.dev/service"
#define LABEL_TENANT "platform.opsdeck.dev/tenant"
#define LABEL_ENV "platform.opsdeck.dev/environment"
#define CHAIN_MAX 32              /* Source-Revision hops followed before giving up */

/* One Application with platform labels (borrowed from the list). */
struct app_info {
	const char *name, *service, *tenant, *env, *ns;
	const json_t *app;
};

/* A revision some app's history deployed, and when. */
struct rev_at {
	const char *sha;
	long long when;
	size_t app;
};

/* A commit by sha (for Source-Revision chains). */
struct sha_ix {
	const char *sha;
	size_t i;
};

struct build {
	struct dora_data *d;
	const struct dora_sources *src;
	struct app_info *apps;
	size_t napps;
	struct rev_at *revs;
	size_t nrevs;
	struct sha_ix *shas;
	long long *origin;            /* per commit: its chain's first commit time, -1 unknown */
};

/* ---- small helpers ---------------------------------------------------------------------- */

static const json_t *at(const json_t *v, const char *a, const char *b, const char *c)
{
	const char *keys[] = {a, b, c};
	for (int i = 0; i < 3 && keys[i] && v; i++)
		v = json_object_get(v, keys[i]);
	return v;
}

static const char *str_at(const json_t *v, const char *a, const char *b, const char *c)
{
	return json_string_value(at(v, a, b, c));
}

static const char *own(struct dora_data *d, const char *s)
{
	if (!s)
		return NULL;
	d->owned = xgrow(d->owned, &d->owned_cap, d->nowned + 1, sizeof *d->owned);
	return d->owned[d->nowned++] = xstrdup(s);
}

static struct dora_deploy *add_deploy(struct dora_data *d, long long when, const char *service,
				      const char *tenant, const char *env, const char *rev,
				      long long change)
{
	d->deploys = xgrow(d->deploys, &d->deploys_cap, d->ndeploys + 1, sizeof *d->deploys);
	struct dora_deploy *x = &d->deploys[d->ndeploys++];
	memset(x, 0, sizeof *x);
	x->time = when;
	x->service = own(d, service);
	x->tenant = own(d, tenant ? tenant : "");
	x->env = own(d, env);
	x->revision = own(d, rev);
	if (change >= 0) {
		long long *ct = xmalloc(sizeof *ct);
		*ct = change;
		d->owned = xgrow(d->owned, &d->owned_cap, d->nowned + 1, sizeof *d->owned);
		d->owned[d->nowned++] = (char *)ct;
		x->change_times = ct;
		x->nchanges = 1;
	}
	return x;
}

static void add_incident(struct dora_data *d, long long start, long long restored,
			 const char *service, const char *tenant, const char *env, const char *what)
{
	d->incidents = xgrow(d->incidents, &d->incidents_cap, d->nincidents + 1,
			     sizeof *d->incidents);
	d->incidents[d->nincidents++] = (struct dora_incident){
		start, restored, own(d, service), own(d, tenant ? tenant : ""), own(d, env),
		own(d, what)};
}

static long long parse_time(const json_t *v)
{
	const char *s = json_string_value(v);
	return s ? timeline_parse_time(s) : -1;
}

bool dora_path_match(const char *pattern, const char *path, char *env, size_t envlen,
		     char *service, size_t servicelen)
{
	bool got_env = false, got_svc = false;
	while (*pattern) {
		const char *pe = strchr(pattern, '/'), *xe = strchr(path, '/');
		size_t pl = pe ? (size_t)(pe - pattern) : strlen(pattern);
		size_t xl = xe ? (size_t)(xe - path) : strlen(path);
		if (!xl)
			return false;
		if (pl == 5 && !strncmp(pattern, "{env}", 5) && xl < envlen) {
			memcpy(env, path, xl);
			env[xl] = '\0';
			got_env = true;
		} else if (pl == 9 && !strncmp(pattern, "{service}", 9) && xl < servicelen) {
			memcpy(service, path, xl);
			service[xl] = '\0';
			got_svc = true;
		} else if (pl != xl || strncmp(pattern, path, pl)) {
			return false;
		}
		pattern += pl + (pe != NULL);
		path += xl + (xe != NULL);
		if (*pattern && !xe)
			return false;
	}
	return got_env && got_svc;
}

/* ---- indexes -------------------------------------------------------------------------- */

static void index_apps(struct build *b)
{
	const json_t *items = json_object_get(b->src->apps, "items");
	size_t i;
	const json_t *app;
	b->apps = xcalloc(json_array_size(items) + 1, sizeof *b->apps);
	json_array_foreach(items, i, app) {
		const json_t *labels = at(app, "metadata", "labels", NULL);
		struct app_info a = {
			str_at(app, "metadata", "name", NULL),
			json_string_value(json_object_get(labels, LABEL_SERVICE)),
			json_string_value(json_object_get(labels, LABEL_TENANT)),
			json_string_value(json_object_get(labels, LABEL_ENV)),
			str_at(app, "spec", "destination", "namespace"), app};
		if (a.name && a.service && a.env)
			b->apps[b->napps++] = a;
	}
}

/* By sha, then time: a sha's first entry is its deployment, later ones re-deploys. */
static int cmp_rev(const void *x, const void *y)
{
	const struct rev_at *a = x, *b = y;
	int c = strcmp(a->sha, b->sha);
	return c ? c : (a->when > b->when) - (a->when < b->when);
}

static int cmp_rev_sha(const void *x, const void *y)
{
	return strcmp(((const struct rev_at *)x)->sha, ((const struct rev_at *)y)->sha);
}

static int cmp_sha(const void *x, const void *y)
{
	return strcmp(((const struct sha_ix *)x)->sha, ((const struct sha_ix *)y)->sha);
}

/* Every app's history entries by revision; the commits by sha. */
static void index_shas(struct build *b)
{
	size_t cap = 0;
	for (size_t k = 0; k < b->napps; k++) {
		size_t i;
		const json_t *h;
		json_array_foreach(at(b->apps[k].app, "status", "history", NULL), i, h) {
			const char *sha = json_string_value(json_object_get(h, "revision"));
			long long when = parse_time(json_object_get(h, "deployedAt"));
			if (!sha || when < 0)
				continue;
			b->revs = xgrow(b->revs, &cap, b->nrevs + 1, sizeof *b->revs);
			b->revs[b->nrevs++] = (struct rev_at){sha, when, k};
		}
	}
	if (b->nrevs)
		qsort(b->revs, b->nrevs, sizeof *b->revs, cmp_rev);
	size_t n = b->src->ncommits;
	b->shas = xmalloc((n + 1) * sizeof *b->shas);
	b->origin = xmalloc((n + 1) * sizeof *b->origin);
	for (size_t i = 0; i < n; i++) {
		b->shas[i] = (struct sha_ix){b->src->commits[i].sha, i};
		b->origin[i] = -1;
	}
	qsort(b->shas, n, sizeof *b->shas, cmp_sha);
}

/* The first (earliest) history entry that deployed sha, or NULL. */
static const struct rev_at *rev_find(const struct build *b, const char *sha)
{
	struct rev_at key = {sha, 0, 0};
	const struct rev_at *r = b->nrevs ? bsearch(&key, b->revs, b->nrevs, sizeof key,
						    cmp_rev_sha) : NULL;
	while (r && r > b->revs && !strcmp(r[-1].sha, sha))
		r--;
	return r;
}

/* The commit with sha (a full sha, or a prefix of at least 7), or -1. */
static long commit_find(const struct build *b, const char *sha)
{
	size_t n = b->src->ncommits, lo = 0, hi = n, len = strlen(sha);
	if (len < 7 || !n)
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strncmp(b->shas[mid].sha, sha, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strncmp(b->shas[lo].sha, sha, len) ? (long)b->shas[lo].i : -1;
}

/* When the change commit i shipped was first committed: the time of the commit its
 * Source-Revision chain starts from (memoised). */
static long long origin_time(struct build *b, size_t i)
{
	size_t chain[CHAIN_MAX], n = 0;
	long cur = (long)i;
	while (cur >= 0 && b->origin[cur] < 0 && n < CHAIN_MAX) {
		chain[n++] = (size_t)cur;
		const char *src = b->src->commits[cur].source_revision;
		long next = src ? commit_find(b, src) : -1;
		if (next < 0 || next == cur)
			break;
		cur = next;
	}
	long long t = cur >= 0 && b->origin[cur] >= 0 ? b->origin[cur]
		      : b->src->commits[chain[n - 1]].time;
	for (size_t k = 0; k < n; k++)
		b->origin[chain[k]] = t;
	return t;
}

static const char *tenant_of(const struct build *b, const char *service)
{
	for (size_t k = 0; k < b->napps; k++)
		if (!strcmp(b->apps[k].service, service) && b->apps[k].tenant)
			return b->apps[k].tenant;
	return "";
}

/* ---- deployments ---------------------------------------------------------------------- */

static void git_deploys(struct build *b)
{
	const char *pattern = b->src->path_pattern ? b->src->path_pattern : "envs/{env}/{service}";
	for (size_t i = 0; i < b->src->ncommits; i++) {
		const struct gitops_history_commit *c = &b->src->commits[i];
		char env[128], svc[128], last[260] = "";
		for (size_t p = 0; p < c->npaths; p++) {
			if (!dora_path_match(pattern, c->paths[p], env, sizeof env, svc, sizeof svc))
				continue;
			char key[260];
			snprintf(key, sizeof key, "%s\n%s", env, svc);
			if (!strcmp(key, last))
				continue;   /* one deployment per service and environment */
			memcpy(last, key, sizeof last);
			const struct rev_at *r = rev_find(b, c->sha);
			struct dora_deploy *x = add_deploy(b->d, r ? r->when : c->time, svc,
							   tenant_of(b, svc), env, c->sha,
							   origin_time(b, i));
			if (c->revert || c->reverts) {
				x->rework = true;
				x->note = own(b->d, c->subject);
			}
		}
	}
}

/* History entries no commit explains (no repository, or older than its history), and
 * re-deploys of a revision deployed before (Argo CD's rollback to a history entry): those
 * ship the change of that revision's commit again. */
static void argocd_deploys(struct build *b)
{
	for (size_t k = 0; k < b->napps; k++) {
		const struct app_info *a = &b->apps[k];
		size_t i;
		const json_t *h;
		json_array_foreach(at(a->app, "status", "history", NULL), i, h) {
			const char *sha = json_string_value(json_object_get(h, "revision"));
			long long when = parse_time(json_object_get(h, "deployedAt"));
			if (!sha || when < 0)
				continue;
			long c = commit_find(b, sha);
			const struct rev_at *first = rev_find(b, sha);
			if (c >= 0 && first && first->when == when)
				continue;   /* git_deploys has it */
			add_deploy(b->d, when, a->service, a->tenant, a->env, sha,
				   c >= 0 ? origin_time(b, (size_t)c) : -1);
		}
	}
}

/* The latest deploy of service in env (or -1). */
static long last_deploy(const struct dora_data *d, const char *service, const char *env)
{
	long best = -1;
	for (size_t i = 0; i < d->ndeploys; i++)
		if (!strcmp(d->deploys[i].service, service) && !strcmp(d->deploys[i].env, env) &&
		    (best < 0 || d->deploys[i].time > d->deploys[best].time))
			best = (long)i;
	return best;
}

/* A failed sync is a failed deployment; Degraded health an open incident. */
static void argocd_failures(struct build *b)
{
	for (size_t k = 0; k < b->napps; k++) {
		const struct app_info *a = &b->apps[k];
		const json_t *op = at(a->app, "status", "operationState", NULL);
		const char *phase = str_at(op, "phase", NULL, NULL);
		long long started = parse_time(json_object_get(op, "startedAt"));
		if (phase && (!strcmp(phase, "Failed") || !strcmp(phase, "Error")) && started > 0) {
			struct dora_deploy *x = add_deploy(b->d, started, a->service, a->tenant,
							   a->env, str_at(op, "syncResult", "revision", NULL), -1);
			x->failed = true;
			x->note = own(b->d, "sync failed");
			add_incident(b->d, started, 0, a->service, a->tenant, a->env, "sync failed");
		}
		const char *health = str_at(a->app, "status", "health", "status");
		long last = last_deploy(b->d, a->service, a->env);
		if (health && !strcmp(health, "Degraded") && last >= 0)
			add_incident(b->d, b->d->deploys[last].time, 0, a->service, a->tenant, a->env,
				     "Degraded");
	}
}

/* For the comparators (qsort has no user pointer); per thread, as in core/dora.c. */
static _Thread_local const struct dora_data *sort_data;

static int cmp_place(const void *x, const void *y)
{
	const struct dora_deploy *a = &sort_data->deploys[*(const size_t *)x];
	const struct dora_deploy *c = &sort_data->deploys[*(const size_t *)y];
	int r = strcmp(a->service, c->service);
	if (!r)
		r = strcmp(a->env, c->env);
	return r ? r : (a->time > c->time) - (a->time < c->time);
}

/* True when deploy x re-deploys something older than prev: an older change, or a
 * revision deployed before (Argo CD's rollback to an earlier history entry). */
static bool goes_back(const struct dora_deploy *x, const struct dora_deploy *prev,
		      const struct dora_data *d, const size_t *seq, size_t k)
{
	if (x->nchanges && prev->nchanges && x->change_times[0] < prev->change_times[0])
		return true;
	for (size_t j = k >= 12 ? k - 12 : 0; x->revision && j + 1 < k; j++)
		if (d->deploys[seq[j]].revision && !strcmp(d->deploys[seq[j]].revision, x->revision))
			return true;
	return false;
}

/* Rollbacks and reverts: rework, the deployment undone failed, an incident between. */
static void find_rework(struct dora_data *d)
{
	size_t n = d->ndeploys, *seq = xmalloc((n + 1) * sizeof *seq);
	for (size_t i = 0; i < n; i++)
		seq[i] = i;
	sort_data = d;
	qsort(seq, n, sizeof *seq, cmp_place);
	for (size_t k = 1; k < n; k++) {
		struct dora_deploy *x = &d->deploys[seq[k]], *prev = &d->deploys[seq[k - 1]];
		if (strcmp(x->service, prev->service) || strcmp(x->env, prev->env))
			continue;
		if (!x->rework && goes_back(x, prev, d, seq, k)) {
			x->rework = true;
			x->note = own(d, "rollback");
		}
		if (x->rework && !prev->failed) {
			prev->failed = true;
			prev->note = own(d, "undone by a later deployment");
			add_incident(d, prev->time, x->time, x->service, x->tenant, x->env,
				     x->note ? x->note : "rollback");
		}
	}
	free(seq);
}

/* ---- timeline ------------------------------------------------------------------------- */

static bool says(const char *s, const char *const *words)
{
	for (; s && *words; words++)
		if (strstr(s, *words))
			return true;
	return false;
}

/* The app a timeline entry is about: "Application/NAME", or the app in its namespace
 * whose service starts the object's name ("Pod/catalog-7d9f-x" -> catalog). */
static const struct app_info *entry_app(const struct build *b, const struct timeline_entry *e)
{
	const char *slash = e->object ? strchr(e->object, '/') : NULL;
	const char *name = slash ? slash + 1 : e->object ? e->object : "";
	const struct app_info *best = NULL;
	for (size_t k = 0; k < b->napps; k++) {
		const struct app_info *a = &b->apps[k];
		if (!strcmp(a->name, name))
			return a;
		size_t sl = strlen(a->service);
		if (a->ns && e->namespace && !strcmp(a->ns, e->namespace) &&
		    !strncmp(name, a->service, sl) && (!name[sl] || name[sl] == '-') &&
		    (!best || strlen(best->service) < sl))
			best = a;
	}
	return best;
}

static _Thread_local const struct timeline_entry *sort_timeline;

static int cmp_object_time(const void *x, const void *y)
{
	const struct timeline_entry *a = &sort_timeline[*(const size_t *)x];
	const struct timeline_entry *c = &sort_timeline[*(const size_t *)y];
	int r = strcmp(a->object ? a->object : "", c->object ? c->object : "");
	return r ? r : (a->time > c->time) - (a->time < c->time);
}

/* Sorted by object then time, an entry's restoration is the next good entry of the same
 * object: one sort instead of a search per entry. */
static void timeline_incidents(struct build *b)
{
	static const char *const bad[] = {"Failed", "Degraded", "Error", NULL};
	static const char *const good[] = {"Succeeded", "Healthy", "resolved", NULL};
	const struct timeline_entry *t = b->src->timeline;
	size_t n = b->src->ntimeline, *ix = xmalloc((n + 1) * sizeof *ix);
	for (size_t i = 0; i < n; i++)
		ix[i] = i;
	sort_timeline = t;
	qsort(ix, n, sizeof *ix, cmp_object_time);
	for (size_t k = 0; k < n; k++) {
		const struct timeline_entry *e = &t[ix[k]];
		bool alert = e->kind == TIMELINE_ALERT;
		if (!alert && !(e->kind == TIMELINE_OPERATION && says(e->reason, bad)))
			continue;
		if (alert && says(e->reason, good))
			continue;
		const struct app_info *a = entry_app(b, e);
		if (!a)
			continue;
		long long restored = 0;
		for (size_t j = k + 1; j < n && !strcmp(t[ix[j]].object ? t[ix[j]].object : "",
							e->object ? e->object : ""); j++)
			if (t[ix[j]].time > e->time && says(t[ix[j]].reason, good)) {
				restored = t[ix[j]].time;
				break;
			}
		add_incident(b->d, e->time, restored, a->service, a->tenant, a->env, e->reason);
	}
	free(ix);
}

void dora_data_build(struct dora_data *d, const struct dora_sources *src)
{
	memset(d, 0, sizeof *d);
	struct build b = {.d = d, .src = src};
	index_apps(&b);
	index_shas(&b);
	git_deploys(&b);
	argocd_deploys(&b);
	argocd_failures(&b);
	find_rework(d);
	timeline_incidents(&b);
	free(b.apps);
	free(b.revs);
	free(b.shas);
	free(b.origin);
}

void dora_data_free(struct dora_data *d)
{
	for (size_t i = 0; i < d->nowned; i++)
		free(d->owned[i]);
	free(d->owned);
	free(d->deploys);
	free(d->incidents);
	memset(d, 0, sizeof *d);
}
