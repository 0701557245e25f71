/* Findings of several clusters merged into one set (findings_fetch.h): each cluster's
 * answer is moved into the merged set as it lands; the last one maps and sorts it. */
#include "views/findings_fetch.h"

#include <stdlib.h>
#include <string.h>

#include "clients/findings_kube.h"
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

struct findings_multi {
	const struct platform *p;
	findings_multi_fn done;
	void *ud;
	struct findings_slot *slots;
	size_t n, pending, failed;
	struct findings *set;
	struct strbuf errors;
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

static void multi_free(struct findings_multi *m)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->slots[i].fetch)
			findings_fetch_cancel(m->slots[i].fetch);
		free(m->slots[i].cluster);
	}
	free(m->slots);
	if (m->set) {
		findings_free(m->set);
		free(m->set);
	}
	strbuf_free(&m->errors);
	free(m);
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
	if (--m->pending > 0)
		return;
	struct findings *all = m->set;
	m->set = NULL;
	if (m->p)
		findings_map(all, m->p);
	findings_sort(all);
	m->done(m->ud, all, m->failed ? strbuf_str(&m->errors) : NULL, m->failed);
	multi_free(m);
}

struct findings_multi *findings_multi_fetch(const struct findings_source *sources, size_t n,
					    const struct platform *p, findings_multi_fn done,
					    void *ud)
{
	if (n == 0) {
		done(ud, xcalloc(1, sizeof(struct findings)), NULL, 0);
		return NULL;
	}
	struct findings_multi *m = xcalloc(1, sizeof(*m));
	m->p = p;
	m->done = done;
	m->ud = ud;
	m->set = xcalloc(1, sizeof(*m->set));
	m->errors = (struct strbuf)STRBUF_INIT;
	m->slots = xcalloc(n, sizeof(*m->slots));
	m->n = m->pending = n;
	for (size_t i = 0; i < n; i++) {
		m->slots[i].m = m;
		m->slots[i].cluster = xstrdup(sources[i].cluster ? sources[i].cluster : "");
	}
	/* started after every slot exists: an answer given at once must find them all */
	for (size_t i = 0; i < n; i++)
		m->slots[i].fetch = findings_fetch_cluster(sources[i].kc, m->slots[i].cluster,
							   on_cluster, &m->slots[i]);
	return m;
}

void findings_multi_cancel(struct findings_multi *m)
{
	if (m)
		multi_free(m);
}

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

struct findings_multi *findings_console_fetch(struct console *c, const char *only_cluster,
					      findings_multi_fn done, void *ud)
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
		m = findings_multi_fetch(src, n, p, done, ud);
	}
	free(src);
	return m;
}
