/* opsdeck findings (findings_cmd.h): the findings of every cluster of the platform read
 * once, one row per workload (or per group) worst first, printed as a table, JSON or
 * CSV; and the same read for other batch commands (the promotion gate). */
#include "views/findings_cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/kube.h"
#include "core/platform.h"
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

struct findings *findings_batch_read(const struct findings_batch_env *env,
				     const struct platform *p, const char *only_cluster,
				     long long timeout_ms, char *err, size_t errlen)
{
	err[0] = '\0';
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
		m = findings_multi_fetch(src, nsrc, p, on_findings, &a);
	if (nsrc > 0 && !a.done && kube_run_until(env->loop, &a.done, timeout_ms) < 0) {
		findings_multi_cancel(m);
		snprintf(err, errlen, "no answer from the clusters within %lld s", timeout_ms / 1000);
	} else if (a.err) {
		snprintf(err, errlen, "%s", a.err);
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

/* ---- the command ---------------------------------------------------------------------- */

struct findings_args {
	struct findings_filter filter;
	enum findings_group group;
	const char *output;
};

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "opsdeck findings: %s%s%s\nusage: opsdeck findings [--service S] "
		"[--env E] [--cluster C] [--fixable] [--group service|environment|cluster] "
		"[-o table|json|csv]\n", what, arg ? " " : "", arg ? arg : "");
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

static int parse_args(int argc, char **argv, struct findings_args *o)
{
	o->output = "table";
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool value = i + 1 < argc;
		if (!strcmp(a, "--fixable"))
			o->filter.fixable = true;
		else if (!strcmp(a, "--service") && value)
			o->filter.service = argv[++i];
		else if ((!strcmp(a, "--env") || !strcmp(a, "--environment")) && value)
			o->filter.env = argv[++i];
		else if (!strcmp(a, "--cluster") && value)
			o->filter.cluster = argv[++i];
		else if (!strcmp(a, "--group") && value) {
			if (parse_group(argv[++i], &o->group) < 0)
				return usage_error("--group is service, environment or cluster", NULL);
		} else if (!strcmp(a, "-o") && value)
			o->output = argv[++i];
		else if (!strncmp(a, "--output=", 9))
			o->output = a + 9;
		else
			return usage_error("unexpected argument", a);
	}
	if (strcmp(o->output, "table") && strcmp(o->output, "json") && strcmp(o->output, "csv"))
		return usage_error("-o is table, json or csv, not", o->output);
	return 0;
}

static void print_rows(const struct findings *set, const struct findings_args *o)
{
	struct findings_rows rows;
	findings_rows_build(set, &o->filter, o->group, &rows);
	struct table *t = findings_rows_table(&rows);
	struct table_print_opts po = {.wide = true};
	if (!strcmp(o->output, "json"))
		table_print_json(stdout, t, &po);
	else if (!strcmp(o->output, "csv"))
		findings_print_csv(stdout, t);
	else if (t->nrows == 0)
		fprintf(stderr, "No findings%s.\n", o->filter.fixable ? " with a fix" : "");
	else
		table_print_text(stdout, t, &po);
	table_free(t);
	findings_rows_free(&rows);
}

static int run(const struct global_opts *g, const struct findings_args *o,
	       const struct kubeconfig *kcfg, const struct platform *p)
{
	struct loop *loop = loop_new();
	struct http *http = http_new(loop);
	http_set_read_only(http, true);   /* reading only, whatever the flags */
	struct jobs *jobs = jobs_new(loop, 1);
	struct findings_batch_env env = {loop, http, jobs, kcfg, g->context};
	char err[1024];
	struct findings *set = findings_batch_read(&env, p, o->filter.cluster, FINDINGS_TIMEOUT_MS,
						   err, sizeof err);
	int rc = 0;
	if (err[0]) {
		fprintf(stderr, "opsdeck findings: %s\n", err);
		rc = 1;
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
