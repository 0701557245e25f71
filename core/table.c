/* A table of rows as a server-side Table gives them (see table.h). */
#include "core/table.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"

struct table *table_new(void)
{
	return xcalloc(1, sizeof(struct table));
}

static void row_free(struct table_row *r, size_t ncols)
{
	for (size_t c = 0; c < ncols; c++)
		free(r->cells[c]);
	free(r->cells);
	free(r->cluster);
	free(r->namespace);
	free(r->name);
	free(r->uid);
	free(r->resource_version);
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows; i++)
		row_free(&t->rows[i], t->ncols);
	for (size_t c = 0; c < t->ncols; c++) {
		free(t->cols[c].name);
		free(t->cols[c].type);
		free(t->cols[c].format);
	}
	free(t->rows);
	free(t->cols);
	free(t->kind);
	free(t->resource_version);
	free(t->continue_token);
	free(t);
}

void table_add_column(struct table *t, const char *name, const char *type, const char *format,
		      int priority)
{
	t->cols = xgrow(t->cols, &t->cols_cap, t->ncols + 1, sizeof(*t->cols));
	struct table_column *c = &t->cols[t->ncols++];
	c->name = xstrdup(name ? name : "");
	c->type = xstrdup(type ? type : "string");
	c->format = xstrdup(format ? format : "");
	c->priority = priority;
}

struct table_row *table_add_row(struct table *t)
{
	t->rows = xgrow(t->rows, &t->rows_cap, t->nrows + 1, sizeof(*t->rows));
	struct table_row *r = &t->rows[t->nrows++];
	memset(r, 0, sizeof(*r));
	r->cells = xcalloc(t->ncols ? t->ncols : 1, sizeof(char *));
	for (size_t c = 0; c < t->ncols; c++)
		r->cells[c] = xstrdup("");
	r->namespace = xstrdup("");
	r->name = xstrdup("");
	r->uid = xstrdup("");
	r->resource_version = xstrdup("");
	return r;
}

void table_set_cell(struct table_row *row, size_t col, const char *value)
{
	free(row->cells[col]);
	row->cells[col] = xstrdup(value ? value : "");
}

static void replace_string(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value ? value : "");
}

void table_set_identity(struct table_row *row, const char *namespace, const char *name,
			const char *uid)
{
	replace_string(&row->namespace, namespace);
	replace_string(&row->name, name);
	replace_string(&row->uid, uid);
}

int table_column_index(const struct table *t, const char *name)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (strcasecmp(t->cols[c].name, name) == 0)
			return (int)c;
	return -1;
}

void table_take_rows(struct table *dst, struct table *src)
{
	for (size_t i = 0; i < src->nrows; i++) {
		dst->rows = xgrow(dst->rows, &dst->rows_cap, dst->nrows + 1, sizeof(*dst->rows));
		dst->rows[dst->nrows++] = src->rows[i];
	}
	src->nrows = 0;
}
