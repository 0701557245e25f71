/* opsdeck findings: security findings of every cluster of the platform (or the current
 * context) and of the scanners, one row per workload with counts by severity, as a
 * table, JSON, CSV or Markdown. */
#ifndef OPSDECK_VIEWS_FINDINGS_CMD_H
#define OPSDECK_VIEWS_FINDINGS_CMD_H

#include <stddef.h>

#include "clients/http.h"
#include "clients/kubeconfig.h"
#include "core/args.h"
#include "core/findings.h"
#include "core/jobs.h"
#include "core/loop.h"

struct platform;

/* `opsdeck findings [--service S] [--tenant T] [--env E] [--cluster C]
 * [--source trivy|policy|sonarqube|defectdojo|harbor[,...]] [--fixable]
 * [--group service|environment|cluster] [-o table|json|csv|md]`: the clusters' findings
 * and, when platform.yaml has `scanners:`, SonarQube's, DefectDojo's and Harbor's. Exit
 * 0 (a scanner that could not be read is only a note on stderr), 1 when a cluster could
 * not be read, 2 usage or configuration. */
int findings_command(const struct global_opts *g, int argc, char **argv);

/* What a batch command already has: the loop and clients the reads use (borrowed). */
struct findings_batch_env {
	struct loop *loop;
	struct http *http;
	struct jobs *jobs;
	const struct kubeconfig *kcfg;
	const char *context;          /* --context, NULL: the kubeconfig's current one */
};

/* For batch commands (opsdeck promote's gate): reads the findings of the platform's
 * clusters (only_cluster: that one; the current context when the platform names none),
 * waiting at most timeout_ms. Returns the mapped set (free with findings_free, then
 * free), or NULL with err when nothing could be read; a partial failure gives the set
 * and err too (err[0] is '\0' when every cluster answered). */
struct findings *findings_batch_read(const struct findings_batch_env *env,
				     const struct platform *p, const char *only_cluster,
				     long long timeout_ms, char *err, size_t errlen);

#endif
