/* Helpers the findings parsers (findings_trivy.c, findings_policy.c) and the fetch
 * (findings_kube.c) share. Private to clients/findings_*.c. */
#ifndef OPSDECK_CLIENTS_FINDINGS_INTERNAL_H
#define OPSDECK_CLIENTS_FINDINGS_INTERNAL_H

#include <jansson.h>

#include "clients/findings_kube.h"

/* The labels that name a workload's place in the platform. */
#define FINDINGS_LABEL_SERVICE "platform.opsdeck.dev/service"
#define FINDINGS_LABEL_ENV "platform.opsdeck.dev/environment"
#define FINDINGS_LABEL_TENANT "platform.opsdeck.dev/tenant"

/* obj[key] as a string, NULL when absent or not a string. */
static inline const char *findings_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* The workload a report is about. A ReplicaSet becomes its owner when owner_of knows
 * it; otherwise, when labels (the report's) carry "pod-template-hash" and the name ends
 * with "-<that hash>", the Deployment named by the rest. Platform labels among labels
 * fill service, environment and tenant. */
struct finding_workload *findings_target(struct findings *set, const char *cluster,
					 const char *ns, const char *kind, const char *name,
					 const json_t *labels, findings_owner_fn owner_of,
					 void *ud);

/* Sets w's service/environment/tenant from platform labels (only those present). */
void findings_apply_labels(struct finding_workload *w, const json_t *labels);

#endif
