/* opsdeck findings (findings_cmd.h): the findings of every cluster of the platform read
 * once, one row per workload (or per group) worst first, printed as a table, JSON or
 * CSV; and the same read for other batch commands (the promotion gate). */
#include "views/findings_cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/kube.h"
#include "core/platform.h"
#include "core/strbuf.h"
#include "core/table_print.h"
#include "core/xalloc.h"
#include "views/findings_fetch.h"
#include "views/findings_model.h"

enum { FINDINGS_TIMEOUT_MS = 60000 };

struct findings_answer {
	bool done;
	struct findings *set;
	char *err;
	size_t failed;
};

static void on_findings(void *ud, struct findings *set, const char *err, size_t failed)
{
	struct findings_answer *a = ud;
	a->done = true;
	a->set = set;
	a->err = err ? xstrdup(err) : NULL;
	a->failed = failed;
}

/* The clusters to read: the platform's (one per context), or the current context. */
static size_t pick_clusters(const struct findings_batch_env *env, const struct platform *p,
			    const char *only, const char **names, const char **contexts,
			    size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; p && i < p->nclusters && n < cap; i++) {
		const struct platform_cluster *c = &p->clusters[i];
		const char *ctx = c->context ? c->context : c->name;
		if (only && *only && strcmp(only, c->name) && strcmp(only, ctx))
			continue;
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = !strcmp(contexts[k], ctx);
		if (!seen) {
			names[n] = c->name;
			contexts[n++] = ctx;
		}
	}
	if (n == 0 && (!p || p->nclusters == 0 || !only)) {
		const struct kube_context *cur = kubeconfig_context(env->kcfg, only && *only ? only
								   : env->context);
		if (cur) {
			names[0] = contexts[0] = cur->name;
			n = 1;
		}
	}
	return n;
}

/* findings_batch_read, with the scanners when sc is not NULL; *cluster_failed tells
 * whether err is about the clusters (else only scanners failed, or nothing did). */
static struct findings *batch_read(const struct findings_batch_env *env,
				   const struct platform *p, const char *only_cluster,
				   const struct findings_scanners *sc, long long timeout_ms,
				   char *err, size_t errlen, bool *cluster_failed)
{
	err[0] = '\0';
	*cluster_failed = false;
	size_t cap = p && p->nclusters ? p->nclusters : 1;
	const char **names = xcalloc(cap, sizeof(*names));
	const char **contexts = xcalloc(cap, sizeof(*contexts));
	struct kube_client **clients = xcalloc(cap, sizeof(*clients));
	struct findings_source *src = xcalloc(cap, sizeof(*src));
	size_t n = pick_clusters(env, p, only_cluster, names, contexts, cap), nsrc = 0;
	for (size_t i = 0; i < n; i++) {
		const struct kube_context *ctx = kubeconfig_context(env->kcfg, contexts[i]);
		if (!ctx) {
			snprintf(err, errlen, "%s: no context %s in the kubeconfig", names[i],
				 contexts[i]);
			continue;
		}
		clients[nsrc] = kube_client_new(env->loop, env->http, env->jobs, ctx);
		src[nsrc] = (struct findings_source){clients[nsrc], names[i]};
		nsrc++;
	}
	struct findings_answer a = {0};
	struct findings_multi *m = NULL;
	if (n == 0)
		snprintf(err, errlen, "no cluster to read%s%s", only_cluster ? ": " : "",
			 only_cluster ? only_cluster : " (no context in the kubeconfig)");
	else if (nsrc > 0)
		m = findings_multi_fetch_all(src, nsrc, p, sc, on_findings, &a);
	*cluster_failed = err[0] != '\0';
	if (nsrc > 0 && !a.done && kube_run_until(env->loop, &a.done, timeout_ms) < 0) {
		findings_multi_cancel(m);
		snprintf(err, errlen, "no answer from the clusters within %lld s", timeout_ms / 1000);
		*cluster_failed = true;
	} else if (a.err) {
		size_t len = strlen(err);
		snprintf(err + len, errlen - len, "%s%s", len ? "; " : "", a.err);
		*cluster_failed |= a.failed > 0;
	}
	if (a.set && a.failed == nsrc && nsrc > 0 && a.set->n == 0) {
		findings_free(a.set);   /* every cluster failed: nothing read */
		free(a.set);
		a.set = NULL;
	}
	free(a.err);
	for (size_t i = 0; i < nsrc; i++)
		kube_client_free(clients[i]);
	free(clients);
	free(src);
	free(names);
	free(contexts);
	return a.set;
}

struct findings *findings_batch_read(const struct findings_batch_env *env,
				     const struct platform *p, const char *only_cluster,
				     long long timeout_ms, char *err, size_t errlen)
{
	bool cluster_failed;
	return batch_read(env, p, only_cluster, NULL, timeout_ms, err, errlen, &cluster_failed);
}

/* ---- the command ---------------------------------------------------------------------- */

struct findings_args {
	struct findings_filter filter;
	enum findings_group group;
	const char *output;
};

#define FINDINGS_USAGE "usage: opsdeck findings [--service S] [--tenant T] [--env E] " \
	"[--cluster C] [--source trivy|policy|sonarqube|defectdojo|harbor[,...]] [--fixable] " \
	"[--group service|environment|cluster] [-o table|json|csv|md]\n"

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "opsdeck findings: %s%s%s\n" FINDINGS_USAGE, what, arg ? " " : "",
		arg ? arg : "");
	return 2;
}

static int parse_group(const char *s, enum findings_group *g)
{
	for (int i = 0; i < FINDINGS_GROUP_COUNT; i++)
		if (!strcmp(s, findings_group_name((enum findings_group)i)) ||
		    (i == FINDINGS_GROUP_ENV && !strcmp(s, "env"))) {
			*g = (enum findings_group)i;
			return 0;
		}
	return -1;
}

/* One flag with a value; false when a is not one of them. */
static bool parse_value(const char *a, const char *v, struct findings_args *o, int *rc)
{
	if (!strcmp(a, "--service"))
		o->filter.service = v;
	else if (!strcmp(a, "--env") || !strcmp(a, "--environment"))
		o->filter.env = v;
	else if (!strcmp(a, "--cluster"))
		o->filter.cluster = v;
	else if (!strcmp(a, "--tenant"))
		o->filter.tenant = v;
	else if (!strcmp(a, "--source")) {
		if (findings_scanners_parse(v, &o->filter.scanners) < 0)
			*rc = usage_error("--source is trivy, policy, sonarqube, defectdojo or "
					  "harbor (a comma list, or repeated), not", v);
	} else if (!strcmp(a, "--group")) {
		if (parse_group(v, &o->group) < 0)
			*rc = usage_error("--group is service, environment or cluster", NULL);
	} else if (!strcmp(a, "-o"))
		o->output = v;
	else
		return false;
	return true;
}

static int parse_args(int argc, char **argv, struct findings_args *o)
{
	o->output = "table";
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int rc = 0;
		if (!strcmp(a, "--fixable"))
			o->filter.fixable = true;
		else if (!strncmp(a, "--output=", 9))
			o->output = a + 9;
		else if (!strncmp(a, "--source=", 9))
			parse_value("--source", a + 9, o, &rc);
		else if (i + 1 < argc && parse_value(a, argv[i + 1], o, &rc))
			i++;
		else
			return usage_error("unexpected argument", a);
		if (rc)
			return rc;
	}
	static const char *const formats[] = {"table", "json", "csv", "md"};
	for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++)
		if (!strcmp(o->output, formats[k]))
			return 0;
	return usage_error("-o is table, json, csv or md, not", o->output);
}

/* The report's title: what it covers and the day (UTC). */
static char *md_title(const struct findings_args *o)
{
	struct strbuf sb = STRBUF_INIT;
	const struct findings_filter *f = &o->filter;
	const char *words[] = {"tenant", "service", "environment", "cluster"};
	const char *vals[] = {f->tenant, f->service, f->env, f->cluster};
	strbuf_puts(&sb, "Security findings:");
	size_t start = sb.len;
	for (size_t i = 0; i < 4; i++)
		if (vals[i] && *vals[i])
			strbuf_printf(&sb, "%s %s %s", sb.len > start ? "," : "", words[i], vals[i]);
	if (sb.len == start)
		strbuf_puts(&sb, " every service");
	if (f->scanners) {
		char *src = findings_scanners_text(f->scanners);
		strbuf_printf(&sb, ", from %s", src);
		free(src);
	}
	if (f->fixable)
		strbuf_puts(&sb, ", with a fix only");
	if (o->group != FINDINGS_GROUP_NONE)
		strbuf_printf(&sb, ", by %s", findings_group_name(o->group));
	time_t now = time(NULL);
	struct tm tm;
	char day[16];
	gmtime_r(&now, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	strbuf_printf(&sb, " (%s)", day);
	return strbuf_detach(&sb);
}

static void print_rows(const struct findings *set, const struct findings_args *o)
{
	struct findings_rows rows;
	findings_rows_build(set, &o->filter, o->group, &rows);
	struct table *t = findings_rows_table(&rows);
	struct table_print_opts po = {.wide = true};
	if (!strcmp(o->output, "json")) {
		table_print_json(stdout, t, &po);
	} else if (!strcmp(o->output, "csv")) {
		findings_print_csv(stdout, t);
	} else if (!strcmp(o->output, "md")) {
		char *title = md_title(o);
		findings_print_md(stdout, t, title);
		free(title);
	} else if (t->nrows == 0) {
		fprintf(stderr, "No findings%s.\n", o->filter.fixable ? " with a fix" : "");
	} else {
		table_print_text(stdout, t, &po);
	}
	table_free(t);
	findings_rows_free(&rows);
}

/* A scanner that could not be read is a note on stderr, and the exit stays 0: the
 * clusters' findings are the ones the command promises; a cluster not read exits 1. */
static int run(const struct global_opts *g, const struct findings_args *o,
	       const struct kubeconfig *kcfg, const struct platform *p)
{
	struct loop *loop = loop_new();
	struct http *http = http_new(loop);
	http_set_read_only(http, true);   /* reading only, whatever the flags */
	struct jobs *jobs = jobs_new(loop, 1);
	struct findings_batch_env env = {loop, http, jobs, kcfg, g->context};
	struct findings_scanners sc = {http, g->platform};
	char err[2048];
	bool cluster_failed;
	struct findings *set = batch_read(&env, p, o->filter.cluster, &sc, FINDINGS_TIMEOUT_MS,
					  err, sizeof err, &cluster_failed);
	int rc = 0;
	if (err[0]) {
		fprintf(stderr, "opsdeck findings: %s%s\n", cluster_failed ? "" : "note: ", err);
		rc = cluster_failed ? 1 : 0;
	}
	if (set) {
		/* --cluster may name a context: the rows carry the platform's cluster name */
		struct findings_args shown = *o;
		for (size_t i = 0; o->filter.cluster && p && i < p->nclusters; i++)
			if (p->clusters[i].context && !strcmp(p->clusters[i].context, o->filter.cluster))
				shown.filter.cluster = p->clusters[i].name;
		print_rows(set, &shown);
		findings_free(set);
		free(set);
	}
	jobs_free(jobs);
	http_free(http);
	loop_free(loop);
	return rc;
}

int findings_command(const struct global_opts *g, int argc, char **argv)
{
	struct findings_args o = {0};
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	char err[1024];
	struct platform *p = NULL;
	if (g->platform && platform_load(g->platform, &p, err, sizeof err) < 0) {
		fprintf(stderr, "opsdeck: %s\n", err);
		return 2;
	}
	if (!p)
		p = platform_new();
	if (o.filter.tenant && p->ntenants && !platform_tenant_find(p, o.filter.tenant)) {
		platform_free(p);
		return usage_error("no such tenant in the platform model:", o.filter.tenant);
	}
	struct kubeconfig *kcfg = NULL;
	if (kubeconfig_load(g->kubeconfig, &kcfg, err, sizeof err) < 0) {
		fprintf(stderr, "opsdeck: %s\n", err);
		platform_free(p);
		return 2;
	}
	rc = run(g, &o, kcfg, p);
	kubeconfig_free(kcfg);
	platform_free(p);
	return rc;
}
