/* Findings kept in a cluster by its scanners: Trivy Operator's reports
 * (aquasecurity.github.io/v1alpha1), wgpolicyk8s.io PolicyReports and
 * ClusterPolicyReports, and Gatekeeper constraint violations, fetched through one kube
 * client and added to a findings set. Reports attached to a ReplicaSet are resolved to
 * its Deployment (ownerReferences), so findings belong to the service. Resource kinds the
 * cluster does not serve are skipped, not errors. The parsers are exposed for tests. */
#ifndef OPSDECK_CLIENTS_FINDINGS_KUBE_H
#define OPSDECK_CLIENTS_FINDINGS_KUBE_H

#include <jansson.h>
#include <stdbool.h>

#include "clients/kube.h"
#include "core/findings.h"

struct platform;

/* ---- parsers: one report object (as the API returns it) into set ------------------- */

/* cluster names the set's workloads. owner_of maps a ReplicaSet (namespace, name) to its
 * owner's kind and name (Deployment) when known; NULL or false keeps the ReplicaSet.
 * Each returns false with err when obj is not the kind it parses. */
typedef bool (*findings_owner_fn)(void *ud, const char *namespace, const char *rs_name,
				  const char **kind, const char **name);
bool findings_parse_trivy(struct findings *set, const char *cluster, const json_t *obj,
			  findings_owner_fn owner_of, void *ud, char *err, size_t errlen);
bool findings_parse_policy_report(struct findings *set, const char *cluster, const json_t *obj,
				  findings_owner_fn owner_of, void *ud, char *err,
				  size_t errlen);
bool findings_parse_gatekeeper(struct findings *set, const char *cluster, const json_t *obj,
			       char *err, size_t errlen);

/* Sets each workload's service, environment and tenant from the platform model (the
 * namespace "<tenant>-<env>" pattern of the environments, the workload's name = the
 * service's name, or its labels platform.opsdeck.dev/service|environment|tenant when
 * the parser kept them); workloads that map to nothing keep "". */
void findings_map(struct findings *set, const struct platform *p);

/* ---- fetching --------------------------------------------------------------------- */

struct findings_fetch;

/* done runs once from the loop: set (heap-allocated; the callee owns it: findings_free
 * then free) holds everything found, err is NULL, or a message when nothing could be read
 * (a cluster that serves none of the kinds gives an empty set and err NULL). The fetch
 * frees itself after done returns. */
typedef void (*findings_fetch_fn)(void *ud, struct findings *set, const char *err);

/* Lists every report kind in every namespace of kc's cluster (cluster names the
 * workloads: usually the context), the ReplicaSets for owner resolution, then parses. */
struct findings_fetch *findings_fetch_cluster(struct kube_client *kc, const char *cluster,
					      findings_fetch_fn done, void *ud);
/* Only before done has run: done then never runs. */
void findings_fetch_cancel(struct findings_fetch *f);

#endif
