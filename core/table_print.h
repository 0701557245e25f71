/* Batch output of a table: kubectl's text layout, JSON objects keyed by column, names. */
#ifndef OPSDECK_CORE_TABLE_PRINT_H
#define OPSDECK_CORE_TABLE_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/table.h"

struct table_print_opts {
	bool wide;            /* include priority > 0 columns */
	bool with_namespace;  /* a NAMESPACE column first (all namespaces) */
	bool with_cluster;    /* a CLUSTER column first (several clusters) */
};

/* Columns headed in capitals, separated by three spaces, the last unpadded: kubectl's
 * tabwriter layout. Control characters in cells are shown as '?'. */
void table_print_text(FILE *out, const struct table *t, const struct table_print_opts *o);
/* A JSON array with one object per row; keys are column names in lower case with spaces
 * as '_' (plus "namespace"/"cluster" when asked); integer columns as numbers. */
void table_print_json(FILE *out, const struct table *t, const struct table_print_opts *o);
/* One "TYPE/NAME" line per row; type is kubectl's lower-case "kind[.group]". */
void table_print_names(FILE *out, const struct table *t, const char *type);
/* The JSON key for a column name: "Nominated Node" -> "nominated_node". */
void table_print_json_key(const char *column, char *buf, size_t len);

#endif
