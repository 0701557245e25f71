/* Workload actions as kubectl performs them: rollout restart, scale, delete and rollout
 * undo, each one or more API requests behind a single cancellable call. The console's
 * action gate decides and confirms first; these only perform. */
#ifndef OPSDECK_CLIENTS_KUBE_WORKLOAD_H
#define OPSDECK_CLIENTS_KUBE_WORKLOAD_H

#include "clients/kube.h"

/* How an action ended. res->ok; res->http_status is the status of the last exchange (0
 * when the server was never reached, e.g. refused in read-only mode or by a check made
 * here); res->message says why on failure, in kubectl's words where kubectl has some:
 *   deployments.apps "web" not found
 *   read-only mode: refusing PATCH /apis/apps/v1/namespaces/shop/deployments/web
 *   no rollout history found for deployment "web"
 * res is valid during the call only. */
typedef void (*kube_action_fn)(void *ud, const struct kube_result *res);

/* Common to every action: r is the resolved resource type (from kube_discovery_resolve;
 * it must outlive the call, as the client's discovery does), ns the namespace (NULL: the
 * client's default namespace; ignored for cluster-scoped resources), name the object's
 * name; every string is copied. The result always arrives through done from the loop,
 * never inside the call. The returned call can be cancelled with kube_call_cancel until
 * done has run, whichever request of the chain is in flight: then done never runs and
 * nothing more is sent. */

/* kubectl rollout restart: a strategic merge patch setting
 * spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"] to now (RFC
 * 3339, UTC) on a Deployment, StatefulSet or DaemonSet (group apps); their controllers
 * then replace every pod. Other kinds fail without a request:
 * pods/web restarting is not supported */
struct kube_call *kube_rollout_restart(struct kube_client *kc, const struct kube_resource *r,
				       const char *ns, const char *name, kube_action_fn done,
				       void *ud);

/* kubectl scale: a merge patch {"spec":{"replicas":N}} on the object's scale subresource
 * (deployments, replicasets, statefulsets, and custom resources that serve one; the
 * server answers 404 for kinds without it). A negative count fails without a request. */
struct kube_call *kube_scale(struct kube_client *kc, const struct kube_resource *r,
			     const char *ns, const char *name, long replicas, kube_action_fn done,
			     void *ud);

/* kubectl delete: DELETE with DeleteOptions propagationPolicy Background, kubectl's
 * default (the object goes at once, the garbage collector removes what it owns). */
struct kube_call *kube_delete(struct kube_client *kc, const struct kube_resource *r,
			      const char *ns, const char *name, kube_action_fn done, void *ud);

/* kubectl rollout undo for a Deployment, to the previous revision: fetch the deployment,
 * list its ReplicaSets (its selector, controlled by its uid), take the one with the
 * highest deployment.kubernetes.io/revision below the newest, and JSON-patch the
 * deployment's spec.template with that ReplicaSet's template minus the pod-template-hash
 * label, and its annotations as kubectl restores them (the deployment's own
 * revision-bookkeeping ones kept, the rest from the ReplicaSet, e.g. change-cause).
 * The controller then rolls back by reusing the old ReplicaSet.
 *
 * In read-only mode it fails at once, before its reads, with the message http gives for
 * the final PATCH, so no request of the chain reaches the server.
 *
 * Fails, without patching, with kubectl's messages:
 *   rollout undo is supported for deployments only        (another kind; no request)
 *   no rollout history found for deployment "web"         (fewer than two revisions)
 *   no previous revision found for deployment "web"       (no revision below the newest)
 *   you cannot rollback a paused deployment; resume it first with 'kubectl rollout
 *   resume' and try again
 * When the deployment's template already equals the previous revision's, it succeeds
 * without patching (kubectl's "skipped rollback"). */
struct kube_call *kube_rollout_undo(struct kube_client *kc, const struct kube_resource *r,
				    const char *ns, const char *name, kube_action_fn done,
				    void *ud);

#endif
