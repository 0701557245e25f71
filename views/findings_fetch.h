/* The findings of several clusters at once: one findings_fetch_cluster per cluster,
 * merged into one set and mapped to the platform model when the last one answers. Used
 * by the findings view, the board's marks, the promotion gate and `opsdeck findings`. */
#ifndef OPSDECK_VIEWS_FINDINGS_FETCH_H
#define OPSDECK_VIEWS_FINDINGS_FETCH_H

#include <stddef.h>

#include "clients/kube.h"
#include "core/findings.h"

struct platform;

/* One cluster to read: its client (borrowed; must outlive the fetch) and the name the
 * workloads get (the platform's cluster name, else the context). */
struct findings_source {
	struct kube_client *kc;
	const char *cluster;
};

/* Runs once, from the loop, when every cluster answered: set (owned by the callee: free
 * with findings_free, then free) holds what was found, mapped with findings_map and
 * sorted; err lists the clusters that failed ("prod: ...; dev: ..."), NULL when none
 * did; failed counts them. With scanners (findings_multi_fetch_all), err also lists the
 * scanners that failed ("sonarqube: ..."), which failed does not count. */
typedef void (*findings_multi_fn)(void *ud, struct findings *set, const char *err,
				  size_t failed);

struct findings_multi;

/* Starts the fetches (sources and their strings are copied; p is borrowed and must
 * outlive the fetch, NULL maps nothing). n == 0 calls done at once with an empty set
 * and returns NULL. */
struct findings_multi *findings_multi_fetch(const struct findings_source *sources, size_t n,
					    const struct platform *p, findings_multi_fn done,
					    void *ud);
/* The scanners of platform.yaml's `scanners:` (clients/scanners_config.h) read along
 * with the clusters: SonarQube (a project per platform service), DefectDojo (every
 * active finding) and Harbor (each image the clusters' reports show running, once the
 * clusters answered). Both borrowed; NULL platform_path: no scanners. */
struct findings_scanners {
	struct http *http;
	const char *platform_path;
};

/* findings_multi_fetch plus the scanners (sc NULL: none). SonarQube and DefectDojo
 * workloads have no cluster or environment and the service's tenant; a Harbor workload
 * (kind "Image", name "repo:tag") is repeated in each cluster and namespace running the
 * image, with that workload's service, environment and tenant. An answer of HTTP 404
 * (no such project or artifact) is not a failure. */
struct findings_multi *findings_multi_fetch_all(const struct findings_source *sources,
						size_t n, const struct platform *p,
						const struct findings_scanners *sc,
						findings_multi_fn done, void *ud);

struct console;
/* The console's clusters: the platform's (only_cluster, when not NULL: that one, by
 * platform name or context), else the current context; clients from the session.
 * When there is none, done runs at once with an empty set and an error, and NULL is
 * returned. */
struct findings_multi *findings_console_fetch(struct console *c, const char *only_cluster,
					      findings_multi_fn done, void *ud);

/* findings_console_fetch of every cluster plus the console's scanners (--platform's
 * `scanners:`): the findings view. */
struct findings_multi *findings_console_fetch_all(struct console *c, findings_multi_fn done,
						  void *ud);

/* Stops the fetches in flight; done is not called. */
void findings_multi_cancel(struct findings_multi *m);

#endif
