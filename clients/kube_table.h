/* Kubernetes server-side Tables (meta.k8s.io v1 and v1beta1) parsed into struct table,
 * with cells rendered as kubectl prints them. */
#ifndef OPSDECK_CLIENTS_KUBE_TABLE_H
#define OPSDECK_CLIENTS_KUBE_TABLE_H

#include <stdbool.h>
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

/* Ready/Synced summaries of custom resources (kube_list_options.conditions): columns
 * appended after the server's, one per bit. */
enum kube_cond_col {
	KUBE_COND_READY = 1u << 0,    /* "READY": status.conditions[type=Ready] */
	KUBE_COND_SYNCED = 1u << 1,   /* "SYNCED": status.conditions[type=Synced] */
};
#define KUBE_COND_ALL (KUBE_COND_READY | KUBE_COND_SYNCED)

/* What kube_table_append_cond is to do with conditions, and what it found. */
struct kube_table_cond {
	bool fixed;       /* cols is decided (a relist, a watch event); else the first page
			   * picks every KUBE_COND_* column the server does not already have */
	unsigned cols;    /* the KUBE_COND_* columns t ends with (out when !fixed) */
	bool seen;        /* out: some row had a Ready or Synced condition (sticky) */
};

/* kube_table_append that also summarises each row's whole object (rows[].object, asked
 * for with includeObject=Object) into the condition columns: the condition's status,
 * "False (Reason)" when False with a reason, "" when the object has none. Only cells are
 * kept, never the object. cond NULL is kube_table_append. */
int kube_table_append_cond(struct table *t, const json_t *doc, struct kube_table_cond *cond,
			   char *err, size_t errlen);
/* Removes the condition columns cols (and their cells) from the end of t. */
void kube_table_drop_cond(struct table *t, unsigned cols);
/* How many columns cols stands for (0 to 2). */
size_t kube_cond_count(unsigned cols);
/* One condition's summary from a whole object: type "Ready" or "Synced". Caller frees. */
char *kube_table_condition(const json_t *object, const char *type);

/* Renders one cell as kubectl does (Go's fmt.Print of the decoded JSON value): strings as
 * they are, integers without a fraction, floats in shortest form, booleans true/false,
 * null "<nil>", arrays "[a b]", objects "map[k:v]" with sorted keys. Caller frees. */
char *kube_table_render_cell(const json_t *cell);

#endif
