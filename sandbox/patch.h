/* The patch formats a Kubernetes API server accepts, applied to JSON objects. */
#ifndef OPSDECK_SANDBOX_PATCH_H
#define OPSDECK_SANDBOX_PATCH_H

#include <jansson.h>
#include <stddef.h>

/* Applies a PATCH body of the given Content-Type to orig (left untouched) and returns the
 * patched object (a new reference), or NULL with *http_status (400, 415, 422) and err set.
 * Content types: application/merge-patch+json (RFC 7386),
 * application/strategic-merge-patch+json (merge keys for the lists kubectl touches:
 * containers/initContainers/env/ports/volumes/volumeMounts by name, conditions by type,
 * $patch: delete/replace, $retainKeys applied, $setElementOrder ignored),
 * application/json-patch+json (RFC 6902: add, remove, replace, move, copy, test). */
json_t *patch_apply(const json_t *orig, const char *content_type, const char *body, size_t len,
		    int *http_status, char *err, size_t errlen);

#endif
