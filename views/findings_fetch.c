/* Findings of several clusters and of the scanners merged into one set (findings_fetch.h):
 * each cluster's answer is moved into the merged set as it lands; when the last cluster
 * answered the set is mapped and Harbor is asked about the images it shows running. */
#include "views/findings_fetch.h"

#include <stdlib.h>
#include <string.h>

#include "clients/findings_kube.h"
#include "clients/scanners_config.h"
#include "core/strbuf.h"
#include "core/platform.h"
#include "core/xalloc.h"
#include "views/console.h"
#include "views/session.h"

struct findings_slot {
	struct findings_multi *m;
	struct findings_fetch *fetch;   /* NULL once answered */
	char *cluster;
};

/* Where an image runs: the Harbor answer is copied into each. */
struct image_use {
	char *cluster, *namespace, *service, *environment, *tenant;
};

/* One scanner call in flight (the call pointer is NULL once answered). */
struct scan_call {
	struct findings_multi *m;
	enum finding_source kind;
	void *call;
	char *label;                    /* the project, or "project/repo:tag" */
	struct image_use *uses;         /* Harbor: where the image runs */
	size_t nuses, capuses;
};

/* Per scanner: how many calls failed, and the first failure, for one short note. */
struct scan_tally {
	size_t calls, failed;
	char *first;
};

struct findings_multi {
	const struct platform *p;
	findings_multi_fn done;
	void *ud;
	struct findings_slot *slots;
	size_t n, pending, failed;
	struct findings *set;
	struct strbuf errors;
	/* the scanners: configured when have_cfg */
	bool have_cfg, starting;
	struct scanners_config cfg;
	struct http *http;              /* borrowed */
	struct sonar_client *sonar;
	struct dojo_client *dojo;
	struct harbor_client *harbor;
	struct scan_call **scans;
	size_t nscans, capscans, scans_pending;
	struct scan_tally tally[FINDING_SOURCE_COUNT];
	struct findings *scanned;       /* SonarQube and DefectDojo workloads, kept apart */
	char *config_err;
};

/* Moves every workload of from into to; from is emptied and freed. */
static void set_take(struct findings *to, struct findings *from)
{
	if (from->n) {
		to->w = xgrow(to->w, &to->cap, to->n + from->n, sizeof(*to->w));
		memcpy(to->w + to->n, from->w, from->n * sizeof(*from->w));
		to->n += from->n;
	}
	from->n = 0;   /* the workloads are to's now: findings_free drops only the array */
	findings_free(from);
	free(from);
}

/* A client's set lent to a callback: its workloads moved into to, *from left empty. */
static void set_take_lent(struct findings *to, struct findings *from)
{
	struct findings *copy = xmalloc(sizeof(*copy));
	*copy = *from;
	memset(from, 0, sizeof(*from));
	set_take(to, copy);
}

static void scan_call_free(struct scan_call *s)
{
	if (s->call) {
		if (s->kind == FINDING_SRC_SONARQUBE)
			sonar_call_cancel(s->call);
		else if (s->kind == FINDING_SRC_DEFECTDOJO)
			dojo_call_cancel(s->call);
		else
			harbor_call_cancel(s->call);
	}
	for (size_t i = 0; i < s->nuses; i++) {
		struct image_use *u = &s->uses[i];
		free(u->cluster);
		free(u->namespace);
		free(u->service);
		free(u->environment);
		free(u->tenant);
	}
	free(s->uses);
	free(s->label);
	free(s);
}

static void multi_free(struct findings_multi *m)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->slots[i].fetch)
			findings_fetch_cancel(m->slots[i].fetch);
		free(m->slots[i].cluster);
	}
	free(m->slots);
	for (size_t i = 0; i < m->nscans; i++)
		scan_call_free(m->scans[i]);
	free(m->scans);
	sonar_client_free(m->sonar);
	dojo_client_free(m->dojo);
	harbor_client_free(m->harbor);
	if (m->have_cfg)
		scanners_config_clear(&m->cfg);
	for (size_t i = 0; i < FINDING_SOURCE_COUNT; i++)
		free(m->tally[i].first);
	free(m->config_err);
	struct findings *sets[] = {m->set, m->scanned};
	for (size_t i = 0; i < 2; i++)
		if (sets[i]) {
			findings_free(sets[i]);
			free(sets[i]);
		}
	strbuf_free(&m->errors);
	free(m);
}

/* ---- the end ---------------------------------------------------------------------------- */

/* The scanners' notes after the clusters' errors: "sonarqube: 2 of 9 failed (cart: ...)". */
static void scanner_notes(struct findings_multi *m)
{
	if (m->config_err)
		strbuf_printf(&m->errors, "%sscanners: %s", m->errors.len ? "; " : "", m->config_err);
	for (size_t k = 0; k < FINDING_SOURCE_COUNT; k++) {
		const struct scan_tally *t = &m->tally[k];
		if (!t->failed)
			continue;
		strbuf_printf(&m->errors, "%s%s: ", m->errors.len ? "; " : "",
			      finding_source_name((enum finding_source)k));
		if (t->calls > 1)
			strbuf_printf(&m->errors, "%zu of %zu failed, first ", t->failed, t->calls);
		strbuf_puts(&m->errors, t->first);
	}
}

/* SonarQube and DefectDojo name a service: its tenant from the model. */
static void scanned_tenants(struct findings *set, const struct platform *p)
{
	for (size_t i = 0; p && i < set->n; i++) {
		struct finding_workload *w = &set->w[i];
		const struct platform_service *s = *w->service ? platform_service_find(p, w->service)
					     : NULL;
		if (s && s->tenant && !*w->tenant) {
			free(w->tenant);
			w->tenant = xstrdup(s->tenant);
		}
	}
}

/* Everything answered: the scanners' workloads join the clusters', and done runs. */
static void maybe_finish(struct findings_multi *m)
{
	if (m->starting || m->pending > 0 || m->scans_pending > 0)
		return;
	struct findings *all = m->set;
	m->set = NULL;
	if (m->scanned) {
		scanned_tenants(m->scanned, m->p);
		set_take(all, m->scanned);
		m->scanned = NULL;
	}
	findings_sort(all);
	scanner_notes(m);
	m->done(m->ud, all, m->errors.len ? strbuf_str(&m->errors) : NULL, m->failed);
	multi_free(m);
}

/* A scanner's answer: counted, and its failure kept for the note unless it is a 404
 * (a service with no SonarQube project, an image Harbor does not hold). */
static void scan_answered(struct scan_call *s, const char *err)
{
	struct findings_multi *m = s->m;
	s->call = NULL;
	m->scans_pending--;
	if (!err || strstr(err, "(HTTP 404)"))
		return;
	struct scan_tally *t = &m->tally[s->kind];
	if (t->failed++ == 0)
		t->first = *s->label ? xasprintf("%s: %s", s->label, err) : xstrdup(err);
}

/* A call that could not even start gives no callback: answered here with the failure. */
static void scan_started(struct scan_call *s, void *call)
{
	s->call = call;
	if (!call)
		scan_answered(s, "cannot start the request");
}

/* ---- SonarQube and DefectDojo ------------------------------------------------------------ */

static struct scan_call *scan_new(struct findings_multi *m, enum finding_source kind,
				  const char *label)
{
	struct scan_call *s = xcalloc(1, sizeof(*s));
	s->m = m;
	s->kind = kind;
	s->label = xstrdup(label);
	m->scans = xgrow(m->scans, &m->capscans, m->nscans + 1, sizeof(*m->scans));
	m->scans[m->nscans++] = s;
	m->scans_pending++;
	m->tally[kind].calls++;
	return s;
}

static void on_sonar(void *ud, const char *err, const struct sonar_project *p)
{
	struct scan_call *s = ud;
	if (p && p->set)
		set_take_lent(s->m->scanned, p->set);
	scan_answered(s, err);
	maybe_finish(s->m);
}

static void on_dojo(void *ud, const char *err, const struct dojo_result *r)
{
	struct scan_call *s = ud;
	if (r && r->set)
		set_take_lent(s->m->scanned, r->set);
	scan_answered(s, err);
	maybe_finish(s->m);
}

/* One SonarQube project per service of the model, and DefectDojo's active findings. */
static void start_code_scanners(struct findings_multi *m, struct http *http)
{
	if (m->cfg.sonarqube.url && m->p) {
		struct sonar_config sc = scanners_sonar_view(&m->cfg);
		m->sonar = sonar_client_new(http, &sc);
		for (size_t i = 0; i < m->p->nservices; i++) {
			const char *svc = m->p->services[i].name;
			const char *key = scanners_sonar_key(&m->cfg, svc);
			struct scan_call *s = scan_new(m, FINDING_SRC_SONARQUBE, key);
			scan_started(s, sonar_fetch_project(m->sonar, key, svc, on_sonar, s));
		}
	}
	if (m->cfg.defectdojo.url) {
		struct dojo_config dc = scanners_dojo_view(&m->cfg);
		m->dojo = dojo_client_new(http, &dc);
		struct scan_call *s = scan_new(m, FINDING_SRC_DEFECTDOJO, "");
		scan_started(s, dojo_fetch_active(m->dojo, on_dojo, s));
	}
}

/* ---- Harbor ------------------------------------------------------------------------------ */

/* Harbor's answer copied into a workload per place the image runs. */
static void on_harbor(void *ud, const char *err, const struct harbor_result *r)
{
	struct scan_call *s = ud;
	struct findings_multi *m = s->m;
	for (size_t k = 0; r && r->set && k < r->set->n; k++) {
		const struct finding_workload *src = &r->set->w[k];
		unsigned listed[FINDING_SEVERITY_COUNT] = {0}, rest[FINDING_SEVERITY_COUNT];
		for (size_t i = 0; i < src->n; i++)
			if ((unsigned)src->items[i].severity < FINDING_SEVERITY_COUNT)
				listed[src->items[i].severity]++;
		for (size_t i = 0; i < FINDING_SEVERITY_COUNT; i++)
			rest[i] = src->counts[i] > listed[i] ? src->counts[i] - listed[i] : 0;
		for (size_t u = 0; u < s->nuses; u++) {
			const struct image_use *use = &s->uses[u];
			struct finding_workload *w = findings_workload(m->set, use->cluster,
								       use->namespace, src->kind,
								       src->name);
			const char *const from[] = {src->image, use->service, use->environment,
						    use->tenant};
			char **const to[] = {&w->image, &w->service, &w->environment, &w->tenant};
			for (size_t f = 0; f < 4; f++) {
				free(*to[f]);
				*to[f] = from[f] ? xstrdup(from[f]) : NULL;
			}
			for (size_t i = 0; i < src->n; i++)
				findings_add(w, &src->items[i]);
			findings_add_counts(w, rest);
		}
	}
	scan_answered(s, err);
	maybe_finish(m);
}

/* The registry host pods name Harbor's images by: registry:, else the url's host. */
static char *harbor_registry(const struct scanners_config *cfg)
{
	if (cfg->harbor.registry)
		return xstrdup(cfg->harbor.registry);
	const char *h = strstr(cfg->harbor.url, "://");
	h = h ? h + 3 : cfg->harbor.url;
	return xstrndup(h, strcspn(h, "/"));
}

/* "REGISTRY/PROJECT/REPO:TAG" -> repo and tag when registry and project are Harbor's. */
static bool image_split(const char *image, const char *registry, const char *project,
			char **repo, char **tag)
{
	size_t rl = strlen(registry), pl = strlen(project);
	if (strncmp(image, registry, rl) || image[rl] != '/' || strncmp(image + rl + 1, project, pl)
	    || image[rl + 1 + pl] != '/')
		return false;
	const char *r = image + rl + 1 + pl + 1;
	const char *end = r + strcspn(r, "@");
	const char *colon = NULL;
	for (const char *q = r; q < end; q++)
		if (*q == ':')
			colon = q;
	if (!colon || colon == r || colon + 1 == end || memchr(r, '/', (size_t)(colon - r)))
		return false;   /* no tag, or a nested repository (not asked about) */
	*repo = xstrndup(r, (size_t)(colon - r));
	*tag = xstrndup(colon + 1, (size_t)(end - colon - 1));
	return true;
}

/* The call for label, created on first use. */
static struct scan_call *harbor_call_for(struct findings_multi *m, const char *label,
					 size_t first)
{
	for (size_t i = first; i < m->nscans; i++)
		if (!strcmp(m->scans[i]->label, label))
			return m->scans[i];
	return scan_new(m, FINDING_SRC_HARBOR, label);
}

static void use_add(struct scan_call *s, const struct finding_workload *w)
{
	for (size_t i = 0; i < s->nuses; i++)
		if (!strcmp(s->uses[i].cluster, w->cluster) &&
		    !strcmp(s->uses[i].namespace, w->namespace))
			return;
	s->uses = xgrow(s->uses, &s->capuses, s->nuses + 1, sizeof(*s->uses));
	s->uses[s->nuses++] = (struct image_use){xstrdup(w->cluster), xstrdup(w->namespace),
		xstrdup(w->service), xstrdup(w->environment), xstrdup(w->tenant)};
}

/* Each image the mapped clusters show running in a service's workload, asked once. */
static void start_harbor(struct findings_multi *m, struct http *http)
{
	char *registry = harbor_registry(&m->cfg);
	size_t first = m->nscans;
	for (size_t i = 0; i < m->set->n; i++) {
		const struct finding_workload *w = &m->set->w[i];
		char *repo, *tag;
		const char *project = scanners_harbor_project(&m->cfg, w->tenant);
		if (!w->image || !*w->service || !project || !*project ||
		    !image_split(w->image, registry, project, &repo, &tag))
			continue;
		char *label = xasprintf("%s/%s:%s", project, repo, tag);
		struct scan_call *s = harbor_call_for(m, label, first);
		use_add(s, w);
		if (!s->call && s->nuses == 1) {
			if (!m->harbor) {
				struct harbor_config hc = scanners_harbor_view(&m->cfg);
				m->harbor = harbor_client_new(http, &hc);
			}
			scan_started(s, harbor_fetch_image(m->harbor, project, repo, tag,
							   w->service, on_harbor, s));
		}
		free(label);
		free(repo);
		free(tag);
	}
	free(registry);
}

/* ---- the clusters ------------------------------------------------------------------------ */

/* Every cluster answered: the set is mapped, and Harbor asked about its images. */
static void clusters_mapped(struct findings_multi *m)
{
	if (m->p)
		findings_map(m->set, m->p);
	if (m->have_cfg && m->cfg.harbor.url) {
		bool was = m->starting;
		m->starting = true;
		start_harbor(m, m->http);
		m->starting = was;
	}
}

static void on_cluster(void *ud, struct findings *set, const char *err)
{
	struct findings_slot *s = ud;
	struct findings_multi *m = s->m;
	s->fetch = NULL;
	if (err) {
		m->failed++;
		strbuf_printf(&m->errors, "%s%s: %s", m->errors.len ? "; " : "", s->cluster, err);
	}
	if (set)
		set_take(m->set, set);
	if (--m->pending > 0 || m->starting)
		return;
	clusters_mapped(m);
	maybe_finish(m);
}

struct findings_multi *findings_multi_fetch_all(const struct findings_source *sources,
						size_t n, const struct platform *p,
						const struct findings_scanners *sc,
						findings_multi_fn done, void *ud)
{
	struct findings_multi *m = xcalloc(1, sizeof(*m));
	m->p = p;
	m->done = done;
	m->ud = ud;
	m->set = xcalloc(1, sizeof(*m->set));
	m->scanned = xcalloc(1, sizeof(*m->scanned));
	m->errors = (struct strbuf)STRBUF_INIT;
	m->slots = n ? xcalloc(n, sizeof(*m->slots)) : NULL;
	m->n = m->pending = n;
	for (size_t i = 0; i < n; i++) {
		m->slots[i].m = m;
		m->slots[i].cluster = xstrdup(sources[i].cluster ? sources[i].cluster : "");
	}
	/* nothing finishes while starting: an answer given at once must find every slot,
	 * and the scanners' calls counted */
	m->starting = true;
	char err[512];
	int rc = sc && sc->http && sc->platform_path
		 ? scanners_config_resolve(sc->platform_path, &m->cfg, err, sizeof err) : 1;
	if (rc < 0)
		m->config_err = xstrdup(err);
	m->have_cfg = rc == 0;
	if (m->have_cfg) {
		m->http = sc->http;
		start_code_scanners(m, sc->http);
	}
	for (size_t i = 0; i < n; i++)
		m->slots[i].fetch = findings_fetch_cluster(sources[i].kc, m->slots[i].cluster,
							   on_cluster, &m->slots[i]);
	if (m->pending == 0)
		clusters_mapped(m);
	m->starting = false;
	if (m->pending == 0 && m->scans_pending == 0) {
		maybe_finish(m);   /* done has run and m is gone */
		return NULL;
	}
	return m;
}

struct findings_multi *findings_multi_fetch(const struct findings_source *sources, size_t n,
					    const struct platform *p, findings_multi_fn done,
					    void *ud)
{
	return findings_multi_fetch_all(sources, n, p, NULL, done, ud);
}

void findings_multi_cancel(struct findings_multi *m)
{
	if (m)
		multi_free(m);
}

/* ---- the console ------------------------------------------------------------------------- */

/* Adds the client of context ctx under name, once per context; false when the
 * kubeconfig has no such context. */
static bool add_source(struct console *c, const char *name, const char *ctx,
		       struct findings_source *src, size_t *n)
{
	for (size_t k = 0; k < *n; k++)
		if (!strcmp(kube_client_context_name(src[k].kc), ctx))
			return true;
	struct session *s = console_session(c);
	struct session_cluster *cl = session_find(s, ctx);
	struct kube_client *kc = cl ? session_cluster_open(s, cl) : NULL;
	if (!kc)
		return false;
	src[(*n)++] = (struct findings_source){kc, name};
	return true;
}

static struct findings_multi *console_fetch(struct console *c, const char *only_cluster,
					    bool scanners, findings_multi_fn done, void *ud)
{
	const struct platform *p = console_platform(c);
	size_t cap = p && p->nclusters ? p->nclusters : 1, n = 0;
	struct findings_source *src = xcalloc(cap, sizeof(*src));
	for (size_t i = 0; p && i < p->nclusters; i++) {
		const struct platform_cluster *pc = &p->clusters[i];
		const char *ctx = pc->context ? pc->context : pc->name;
		if (!only_cluster || !strcmp(only_cluster, pc->name) || !strcmp(only_cluster, ctx))
			add_source(c, pc->name, ctx, src, &n);
	}
	if (n == 0 && (!p || !p->nclusters)) {
		const char *ctx = only_cluster ? only_cluster : console_context(c);
		add_source(c, ctx, ctx, src, &n);
	}
	struct findings_multi *m = NULL;
	if (n == 0) {
		char *err = xasprintf("no cluster to read findings from%s%s%s",
				      only_cluster ? " (no context for " : "",
				      only_cluster ? only_cluster : "", only_cluster ? ")" : "");
		done(ud, xcalloc(1, sizeof(struct findings)), err, 1);
		free(err);
	} else {
		struct findings_scanners sc = {console_http(c), console_platform_path(c)};
		m = findings_multi_fetch_all(src, n, p, scanners ? &sc : NULL, done, ud);
	}
	free(src);
	return m;
}

struct findings_multi *findings_console_fetch(struct console *c, const char *only_cluster,
					      findings_multi_fn done, void *ud)
{
	return console_fetch(c, only_cluster, false, done, ud);
}

struct findings_multi *findings_console_fetch_all(struct console *c, findings_multi_fn done,
						  void *ud)
{
	return console_fetch(c, NULL, true, done, ud);
}
