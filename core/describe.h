/* `kubectl describe`-like text for a Kubernetes object: the common metadata block, a
 * kind-specific body for the kinds people describe most (Pod, Deployment, ReplicaSet,
 * StatefulSet, DaemonSet, Service, Node, Namespace), a generic body for everything else
 * (custom resources included), and the object's events at the end. */
#ifndef OPSDECK_CORE_DESCRIBE_H
#define OPSDECK_CORE_DESCRIBE_H

#include <jansson.h>

/* The describe text of obj (a full object as the API returns it). events is the
 * EventList (v1 core events, {"items": [...]}) for the object, or NULL when it could
 * not be fetched ("Events: <unknown>") ; with no items "Events: <none>". now is the
 * current time (seconds since the epoch) for ages. The caller frees the text. Every
 * string is passed through core/sanitize. */
char *describe_object(const json_t *obj, const json_t *events, long long now);

#endif
