/* Kubernetes server-side Tables (meta.k8s.io v1 and v1beta1) parsed into struct table,
 * with cells rendered as kubectl prints them. */
#ifndef OPSDECK_CLIENTS_KUBE_TABLE_H
#define OPSDECK_CLIENTS_KUBE_TABLE_H

#include <stddef.h>

#include <jansson.h>

#include "core/table.h"

/* The Accept header asking for a Table (v1, then v1beta1, then plain JSON). */
#define KUBE_TABLE_ACCEPT                                                                   \
	"application/json;as=Table;v=v1;g=meta.k8s.io,"                                     \
	"application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

/* Appends the rows of one Table page (doc) to t. When t has no columns yet they come from
 * the page's columnDefinitions; a later page must have as many (pages of one list share
 * them). A page without columnDefinitions (a watch event) uses t's columns. t's
 * resource_version and continue_token are replaced by the page's. A plain List (a server
 * that ignored the Table Accept) becomes a Name column plus row identity. Returns 0, or -1
 * with err. */
int kube_table_append(struct table *t, const json_t *doc, char *err, size_t errlen);

/* Renders one cell as kubectl does (Go's fmt.Print of the decoded JSON value): strings as
 * they are, integers without a fraction, floats in shortest form, booleans true/false,
 * null "<nil>", arrays "[a b]", objects "map[k:v]" with sorted keys. Caller frees. */
char *kube_table_render_cell(const json_t *cell);

#endif
