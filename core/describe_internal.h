/* What core/describe.c (metadata, generic body, events) and core/describe_kinds.c (the
 * bodies of the common kinds) share: readers of JSON paths and the per-kind writers. Not
 * for use outside the describe modules; the public API is core/describe.h. */
#ifndef OPSDECK_CORE_DESCRIBE_INTERNAL_H
#define OPSDECK_CORE_DESCRIBE_INTERNAL_H

#include <jansson.h>

#include "core/strbuf.h"

/* The value at a dotted path of nested object keys ("status.podIP"), or NULL when a
 * step is missing, not an object, or a key is 64 bytes or longer. */
const json_t *describe_json_at(const json_t *v, const char *path);

/* The string at path (borrowed from v), or NULL when missing or not a string. */
const char *describe_json_str(const json_t *v, const char *path);

/* The string at path, or fallback when missing or not a string. */
const char *describe_json_str_or(const json_t *v, const char *path, const char *fallback);

/* The integer at path, or 0 when missing or not an integer. */
long long describe_json_num(const json_t *v, const char *path);

/* Writes the body of one kind after the metadata block: everything between
 * "Annotations:" and "Events:". now is the current time for ages. */
typedef void (*describe_body_fn)(struct strbuf *sb, const json_t *obj, long long now);

void describe_put_pod_body(struct strbuf *sb, const json_t *pod, long long now);
void describe_put_deployment_body(struct strbuf *sb, const json_t *d, long long now);
/* ReplicaSet, StatefulSet and DaemonSet (told apart by .kind). */
void describe_put_replicas_body(struct strbuf *sb, const json_t *o, long long now);
void describe_put_service_body(struct strbuf *sb, const json_t *svc, long long now);
void describe_put_node_body(struct strbuf *sb, const json_t *node, long long now);
void describe_put_namespace_body(struct strbuf *sb, const json_t *ns, long long now);
/* Only the sizes of the data, never the values. */
void describe_put_secret_body(struct strbuf *sb, const json_t *sec, long long now);

/* The Pod lines kubectl prints between Namespace and Labels (priority, service
 * account, node, start time). */
void describe_put_pod_head(struct strbuf *sb, const json_t *pod);

/* The Node's "Roles:" line, from its node-role.kubernetes.io/NAME labels. */
void describe_put_node_roles(struct strbuf *sb, const json_t *labels);

#endif
