/* A table of rows as a Kubernetes server-side Table gives them: named columns, string
 * cells, and each row's identity. It owns every string it holds. */
#ifndef OPSDECK_CORE_TABLE_H
#define OPSDECK_CORE_TABLE_H

#include <stddef.h>

struct table_column {
	char *name;        /* as the server names it, e.g. "Name", "Ready", "Nominated Node" */
	char *type;        /* "string", "integer", "date", … */
	char *format;      /* "name", "date", … or "" */
	int priority;      /* 0: always shown; >0: only with -o wide */
};

struct table_row {
	char **cells;      /* ncols strings, never NULL ("" for a missing cell) */
	char *cluster;     /* the context the row came from, or NULL */
	char *namespace;   /* "" for cluster-scoped objects */
	char *name;
	char *uid;
	char *resource_version;
};

struct table {
	struct table_column *cols;
	size_t ncols, cols_cap;
	struct table_row *rows;
	size_t nrows, rows_cap;
	char *kind;              /* e.g. "Pod", from the list or first row; may be NULL */
	char *resource_version;  /* the list's metadata.resourceVersion */
	char *continue_token;    /* the list's metadata.continue, NULL when complete */
};

struct table *table_new(void);
void table_free(struct table *t);
void table_add_column(struct table *t, const char *name, const char *type, const char *format,
		      int priority);
/* Appends a row with ncols empty cells and returns it for the caller to fill. */
struct table_row *table_add_row(struct table *t);
void table_set_cell(struct table_row *row, size_t col, const char *value);
/* Replaces the row's identity (copied; NULL becomes ""), for tables built by hand. */
void table_set_identity(struct table_row *row, const char *namespace, const char *name,
			const char *uid);
/* Index of the column named name (case-insensitive), or -1. */
int table_column_index(const struct table *t, const char *name);
/* Moves all rows of src to the end of dst (columns must match); src keeps its columns. */
void table_take_rows(struct table *dst, struct table *src);

#endif
