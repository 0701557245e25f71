/* JSON values written as YAML, the way `kubectl get -o yaml` prints an object: block
 * style, two-space indent, keys sorted, strings quoted only when YAML would misread
 * them, multi-line strings as literal blocks. */
#ifndef OPSDECK_CORE_YAML_EMIT_H
#define OPSDECK_CORE_YAML_EMIT_H

#include <stdbool.h>

#include <jansson.h>

struct yaml_emit_options {
	bool show_managed_fields;  /* false drops metadata.managedFields, as kubectl does */
};

/* The YAML text of v (any JSON value; an object at the top for Kubernetes objects),
 * ending with a newline; the caller frees it. opts may be NULL (defaults: false). */
char *yaml_emit(const json_t *v, const struct yaml_emit_options *opts);

#endif
