/* The three patch formats behind patch_apply(), one file each; shared by sandbox/patch*.c
 * only. Each leaves its inputs untouched and returns a new document, or NULL with the
 * HTTP status (400 or 422) and the API server's message. */
#ifndef OPSDECK_SANDBOX_PATCH_FORMATS_H
#define OPSDECK_SANDBOX_PATCH_FORMATS_H

#include <jansson.h>
#include <stddef.h>

/* RFC 7386 JSON merge patch; it cannot fail. */
json_t *patch_merge(const json_t *orig, const json_t *patch);
/* Kubernetes strategic merge patch; patch must be an object. */
json_t *patch_strategic(const json_t *orig, const json_t *patch, int *http_status, char *err,
			size_t errlen);
/* RFC 6902 JSON patch; ops must be an array. */
json_t *patch_json(const json_t *orig, const json_t *ops, int *http_status, char *err,
		   size_t errlen);

#endif
