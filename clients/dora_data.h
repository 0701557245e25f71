/* Where DORA's deployments and incidents come from: the Argo CD Applications (history,
 * the last operation, health), the GitOps repository's commits (clients/gitops_history.h)
 * and the local timeline (core/timeline.h), turned into core/dora.h's inputs. Pure: the
 * callers fetch (argocd_list_apps, gitops_history in a worker, timeline_read). */
#ifndef OPSDECK_CLIENTS_DORA_DATA_H
#define OPSDECK_CLIENTS_DORA_DATA_H

#include <stddef.h>

#include <jansson.h>

#include "clients/gitops_history.h"
#include "core/dora.h"
#include "core/timeline.h"

/* What dora_compute takes, with the storage its borrowed pointers point into. */
struct dora_data {
	struct dora_deploy *deploys;
	size_t ndeploys, deploys_cap;
	struct dora_incident *incidents;
	size_t nincidents, incidents_cap;
	char **owned;                 /* strings and change-time arrays behind the above */
	size_t nowned, owned_cap;
};

struct dora_sources {
	const json_t *apps;           /* {"items": [Application...]} or NULL */
	const struct gitops_history_commit *commits;   /* oldest first, or NULL */
	size_t ncommits;
	const char *path_pattern;     /* the platform's gitops path, "envs/{env}/{service}" */
	const struct timeline_entry *timeline;         /* any order, or NULL */
	size_t ntimeline;
};

/*
 * How the sources become deployments and incidents:
 *  - A commit changing a path under path_pattern is a deployment of that service to that
 *    environment (one per service and environment per commit), at the deployedAt of the
 *    Argo CD history entry with its revision when there is one, else at commit time. The
 *    change it shipped is the commit its Source-Revision chain starts from (for prd: the
 *    dev commit that first brought the release), else the commit itself.
 *  - An Argo CD history entry whose revision no commit explains is a deployment too (no
 *    change time: it counts for frequency and rates, not lead time).
 *  - Rework: a deployment shipping an older change than the one before it (a rollback,
 *    in Git or as Argo CD's re-deploy of an earlier revision), or a revert commit. The
 *    deployment it undid failed, and an incident runs from that one to this one.
 *  - A failed sync (operationState phase Failed or Error) is a failed deployment at its
 *    start and an incident still open; Degraded health an open incident from the last
 *    deployment of the app.
 *  - Timeline alerts, and operations whose reason says Failed, Degraded or Error, are
 *    incidents of the app whose destination namespace (or name) they name, restored by
 *    the next timeline entry of the same object saying Succeeded, Healthy or resolved.
 * Tenants come from the Applications' platform.opsdeck.dev/tenant labels.
 */
void dora_data_build(struct dora_data *d, const struct dora_sources *src);
void dora_data_free(struct dora_data *d);

/* The services, environment or tenant named in path (relative to the repository) by
 * pattern ("envs/{env}/{service}"): true and the two words copied when it matches. */
bool dora_path_match(const char *pattern, const char *path, char *env, size_t envlen,
		     char *service, size_t servicelen);

#endif
