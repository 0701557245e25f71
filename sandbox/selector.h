/* Label and field selectors as the Kubernetes API parses and matches them. */
#ifndef OPSDECK_SANDBOX_SELECTOR_H
#define OPSDECK_SANDBOX_SELECTOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct selector;

/* Label selector syntax: "a=b,c!=d,e in (x,y),f notin (z),g,!h" ("==" too); "" or NULL
 * matches everything. Returns NULL with err set on a syntax error. */
struct selector *selector_parse_labels(const char *text, char *err, size_t errlen);
/* Field selector syntax: "path=value,path!=value" ("==" too), path a dotted JSON path
 * such as metadata.name, metadata.namespace, status.phase, spec.nodeName,
 * involvedObject.kind. "" or NULL matches everything. */
struct selector *selector_parse_fields(const char *text, char *err, size_t errlen);
/* Matches obj's metadata.labels (label selector) or obj's fields (field selector). */
bool selector_matches(const struct selector *sel, const json_t *obj);
void selector_free(struct selector *sel);

#endif
