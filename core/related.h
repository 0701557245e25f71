/* How Kubernetes objects point at each other, for "jump to owner" and "related
 * objects": owner references, label selectors of workloads and services, a pod's node,
 * and the field selector of an object's events. Pure functions over parsed objects. */
#ifndef OPSDECK_CORE_RELATED_H
#define OPSDECK_CORE_RELATED_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* A set of objects to show: a resource (plural, with ".group" when not core, e.g.
 * "pods", "replicasets.apps", "nodes"), where, and how to narrow it. Strings owned. */
struct related_link {
	char *title;          /* what the user picks: "Pods (app=web)", "Node kind-w1",
			       * "Owner ReplicaSet web-7d4b9" */
	char *resource;
	char *namespace;      /* "" for cluster-scoped resources or all namespaces */
	char *name;           /* a single object, or NULL for a list */
	char *label_selector; /* NULL when none */
	char *field_selector; /* NULL when none */
};

struct related_links {
	struct related_link *items;
	size_t n, cap;
};

void related_links_free(struct related_links *l); /* frees items; l itself is the caller's */

/* The resource name (plural.group) of a kind and apiVersion as in an ownerReference,
 * for the kinds Kubernetes and this platform use (Deployment/apps/v1 ->
 * "deployments.apps", Pod/v1 -> "pods", Application/argoproj.io/v1alpha1 ->
 * "applications.argoproj.io"); unknown kinds get the lower-case kind + "s" + group.
 * The caller frees. */
char *related_resource_of_kind(const char *kind, const char *api_version);

/* The controller owner of obj (the ownerReference with controller: true, else the
 * first one) as a single-object link in obj's namespace; false when it has none. */
bool related_owner(const json_t *obj, struct related_link *out);

/* Everything worth jumping to from obj, appended to out (in this order):
 *   the owner (as related_owner);
 *   Deployment, ReplicaSet, StatefulSet, DaemonSet, Job: its pods (spec.selector);
 *   Deployment: its ReplicaSets (same selector);  CronJob: nothing but the owner;
 *   Service: its pods (spec.selector) and its EndpointSlices
 *     (kubernetes.io/service-name=NAME);
 *   Pod: its node (spec.nodeName), its ConfigMaps/Secrets/PVCs by name from volumes;
 *   Node: its pods in all namespaces (field selector spec.nodeName=NAME);
 *   PersistentVolumeClaim: its PersistentVolume (spec.volumeName).
 * Returns how many were appended. */
size_t related_links_for(const json_t *obj, struct related_links *out);

/* A LabelSelector object (matchLabels and matchExpressions: In, NotIn, Exists,
 * DoesNotExist) as selector text ("app=web,tier in (a,b),!legacy"); a plain map (a
 * Service's spec.selector) as "k=v,...". Keys sorted. NULL for an empty or missing
 * selector (which, for a workload, selects nothing: callers then add no link). */
char *related_selector_string(const json_t *selector);

/* The field selector of the events of an object:
 * "involvedObject.kind=Pod,involvedObject.name=web-1,involvedObject.namespace=shop"
 * (namespace omitted for cluster-scoped objects; uid added when known). Caller frees. */
char *related_events_selector(const char *kind, const char *namespace, const char *name,
			      const char *uid);

#endif
