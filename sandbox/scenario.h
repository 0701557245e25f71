/* The sandbox's contents: clusters and the Kubernetes objects in each, generated
 * deterministically from a scenario file (sandbox/scenarios/demo.yaml), plus any objects
 * loaded from a directory, plus scale flags for benchmarks. */
#ifndef OPSDECK_SANDBOX_SCENARIO_H
#define OPSDECK_SANDBOX_SCENARIO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct scenario_cluster {
	char *name;            /* e.g. "ops", "nonprod", "prod": the path prefix /clusters/NAME */
	bool control_plane;    /* hosts the argocd namespace and the Applications */
	json_t *objects;       /* array of full objects (apiVersion, kind, metadata, …), CRDs
	                        * first, namespaces next, then everything else; no
	                        * resourceVersion/uid/creationTimestamp needed (the store sets
	                        * what is missing) */
};

struct scenario {
	struct scenario_cluster *clusters;
	size_t nclusters;
	char *platform_yaml;   /* the platform model (tenants, environments, services, clusters)
	                        * to write as DIR/platform.yaml; cluster contexts named as the
	                        * clusters are */
};

struct scenario_opts {
	unsigned pods;         /* --pods N: total pods to reach (0: as the scenario says), spread
	                        * over the clusters in extra deployments */
	unsigned apps;         /* --apps N: Argo CD Applications to reach (0: as the scenario) */
};

/* Returns 0, or -1 with err "FILE:LINE:COL: message" on a bad file. */
int scenario_load(const char *path, const struct scenario_opts *opts, struct scenario *out,
		  char *err, size_t errlen);
/* Adds every object in the YAML (multi-document) and JSON files of dir (Lists and arrays
 * unwrapped) to the cluster named by the object's annotation
 * "sandbox.opsdeck.dev/cluster", else to the control-plane cluster. Files that are not
 * Kubernetes objects are an error naming file:line. */
int scenario_load_dir(struct scenario *sc, const char *dir, char *err, size_t errlen);
void scenario_free(struct scenario *sc);

#endif
