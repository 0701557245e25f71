/* Shared by the controller files: one tick's view of a cluster (objects indexed by owner)
 * and the helpers that write objects and record Kubernetes Events. */
#ifndef OPSDECK_SANDBOX_CONTROLLER_INTERNAL_H
#define OPSDECK_SANDBOX_CONTROLLER_INTERNAL_H

#include "sandbox/objstore.h"

#include <jansson.h>
#include <time.h>

struct ctl_ctx {
	struct objstore *st;
	struct objstore_cluster *cl;
	time_t now;
	char now_str[32];
	const struct resource *pods, *rs, *deploy, *sts, *events, *nodes;
	json_t *pods_by_owner;   /* owner uid -> array of pods (borrowed) */
	json_t *rs_by_owner;     /* owner uid -> array of replicasets (borrowed) */
	bool waiting;            /* something will be due later without any write (a pod
				  * about to start): tick again even if nothing changes */
};

/* Replaces obj (a new object, stolen) without a resourceVersion check. */
void ctl_put(struct ctl_ctx *c, const struct resource *res, json_t *obj);
/* Records a core/v1 Event about obj. */
void ctl_event(struct ctl_ctx *c, const json_t *obj, const char *type, const char *reason,
	       const char *message, const char *component, const char *field_path);
/* Array of objects owned by uid (borrowed; may be NULL). */
json_t *ctl_owned(json_t *index, const char *uid);
/* 5 (or n) characters of the API server's random-name alphabet. */
void ctl_random_suffix(struct ctl_ctx *c, char *buf, size_t n);
json_int_t ctl_replicas(const json_t *obj);
bool ctl_pod_ready(const json_t *pod);
/* A new object's owner reference to owner (kind, apiVersion from the object). */
json_t *ctl_owner_ref(const json_t *owner);
/* Creates a pod from a template for an owner; name given. */
void ctl_create_pod(struct ctl_ctx *c, const json_t *owner, const json_t *tmpl, const char *name,
		    json_t *extra_labels);

void ctl_pods_tick(struct ctl_ctx *c);
void ctl_replicasets_tick(struct ctl_ctx *c);
void ctl_deployments_tick(struct ctl_ctx *c);
void ctl_statefulsets_tick(struct ctl_ctx *c);

#endif
