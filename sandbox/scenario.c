/* scenario_load: reads a scenario file and expands it, deterministically, into each
 * cluster's objects (CRDs first, namespaces next, then everything else). The clock is
 * SANDBOX_NOW (epoch seconds) when set, so tests can pin every timestamp. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/scenario.h"
#include "sandbox/scenario_model.h"

static time_t scenario_now(void)
{
	const char *s = getenv("SANDBOX_NOW");
	if (s && *s) {
		char *end;
		long long v = strtoll(s, &end, 10);
		if (*end == '\0' && v > 0)
			return (time_t)v;
	}
	return time(NULL);
}

/* "../crds" beside the folder holding the scenario file. */
static char *crds_dir_for(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup("../crds");
	return xasprintf("%.*s/../crds", (int)(slash - path), path);
}

static void gen_init(struct sc_gen *g, const struct sc_model *m)
{
	memset(g, 0, sizeof(*g));
	g->m = m;
	g->now = scenario_now();
	g->crds = xcalloc(m->nclusters, sizeof(*g->crds));
	g->namespaces = xcalloc(m->nclusters, sizeof(*g->namespaces));
	g->rest = xcalloc(m->nclusters, sizeof(*g->rest));
	for (size_t i = 0; i < m->nclusters; i++) {
		g->crds[i] = json_array();
		g->namespaces[i] = json_array();
		g->rest[i] = json_array();
	}
}

static void gen_free(struct sc_gen *g)
{
	for (size_t i = 0; i < g->m->nclusters; i++) {
		json_decref(g->crds[i]);
		json_decref(g->namespaces[i]);
		json_decref(g->rest[i]);
	}
	free(g->crds);
	free(g->namespaces);
	free(g->rest);
}

/* Moves the generated objects into out's clusters in the order the header promises. */
static void gen_finish(struct sc_gen *g, struct scenario *out)
{
	const struct sc_model *m = g->m;
	out->nclusters = m->nclusters;
	out->clusters = xcalloc(m->nclusters, sizeof(*out->clusters));
	for (size_t i = 0; i < m->nclusters; i++) {
		struct scenario_cluster *c = &out->clusters[i];
		c->name = xstrdup(m->clusters[i].name);
		c->control_plane = m->clusters[i].control_plane;
		json_t *all = json_array();
		json_array_extend(all, g->crds[i]);
		json_array_extend(all, g->namespaces[i]);
		json_array_extend(all, g->rest[i]);
		c->objects = all;
	}
	out->platform_yaml = sc_platform_yaml(m);
}

int scenario_load(const char *path, const struct scenario_opts *opts, struct scenario *out,
		  char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	struct sc_model m;
	if (sc_model_parse(path, &m, err, errlen) < 0)
		return -1;
	struct sc_gen g;
	gen_init(&g, &m);
	char *crds = crds_dir_for(path);
	int rc = sc_load_crds(&g, crds, err, errlen);
	free(crds);
	if (rc == 0) {
		sc_gen_namespaces(&g);
		sc_gen_nodes(&g);
		sc_gen_workloads(&g);
		sc_gen_statefulsets(&g);
		sc_gen_argocd(&g, opts ? opts->apps : 0);
		sc_gen_security(&g);
		sc_gen_load(&g, opts ? opts->pods : 0);
		gen_finish(&g, out);
	}
	gen_free(&g);
	sc_model_free(&m);
	return rc;
}

void scenario_free(struct scenario *sc)
{
	if (!sc)
		return;
	for (size_t i = 0; i < sc->nclusters; i++) {
		free(sc->clusters[i].name);
		json_decref(sc->clusters[i].objects);
	}
	free(sc->clusters);
	free(sc->platform_yaml);
	memset(sc, 0, sizeof(*sc));
}
