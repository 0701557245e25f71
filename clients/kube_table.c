/* Server-side Table parsing (see kube_table.h). */
#include "clients/kube_table.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

static void render_into(struct strbuf *sb, const json_t *v);

/* Go prints a float64 in the shortest form that reads back the same value, with an
 * exponent only for very large or small magnitudes (%v uses 'g' with exponent < -4 or
 * >= 21). */
static void render_real(struct strbuf *sb, double d)
{
	double mag = d < 0 ? -d : d;
	if (d != d) {
		strbuf_puts(sb, "NaN");
		return;
	}
	if (mag > DBL_MAX) {
		strbuf_puts(sb, d > 0 ? "+Inf" : "-Inf");
		return;
	}
	/* Every double from 2^53 up is integral; below, compare with its truncation. */
	if (mag < 1e21 && (mag >= 9007199254740992.0 || d == (double)(long long)d)) {
		strbuf_printf(sb, "%.0f", d);
		return;
	}
	char buf[64];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	strbuf_puts(sb, buf);
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void render_object(struct strbuf *sb, const json_t *v)
{
	size_t n = json_object_size(v), i = 0;
	const char **keys = xcalloc(n ? n : 1, sizeof(*keys));
	const char *k;
	json_t *val;
	json_object_foreach((json_t *)v, k, val)
		keys[i++] = k;
	qsort(keys, n, sizeof(*keys), key_cmp);
	strbuf_puts(sb, "map[");
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_putc(sb, ' ');
		sanitize_append(sb, keys[i], strlen(keys[i]), 0);
		strbuf_putc(sb, ':');
		render_into(sb, json_object_get(v, keys[i]));
	}
	strbuf_putc(sb, ']');
	free(keys);
}

static void render_into(struct strbuf *sb, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		/* The border: nothing a server says may reach the terminal raw. */
		sanitize_append(sb, json_string_value(v), json_string_length(v), 0);
		break;
	case JSON_INTEGER:
		strbuf_printf(sb, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		render_real(sb, json_real_value(v));
		break;
	case JSON_TRUE:
		strbuf_puts(sb, "true");
		break;
	case JSON_FALSE:
		strbuf_puts(sb, "false");
		break;
	case JSON_NULL:
		strbuf_puts(sb, "<nil>");
		break;
	case JSON_ARRAY:
		strbuf_putc(sb, '[');
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i)
				strbuf_putc(sb, ' ');
			render_into(sb, json_array_get(v, i));
		}
		strbuf_putc(sb, ']');
		break;
	case JSON_OBJECT:
		render_object(sb, v);   /* keys are sanitised there */
		break;
	}
}

char *kube_table_render_cell(const json_t *cell)
{
	struct strbuf sb = STRBUF_INIT;
	if (cell)
		render_into(&sb, cell);
	return strbuf_detach(&sb);
}

static const char *str_or(const json_t *obj, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : dflt;
}

static void row_set_identity(struct table_row *row, const json_t *object)
{
	const json_t *md = json_object_get(object, "metadata");
	if (!json_is_object(md))
		return;
	const char *fields[4] = {str_or(md, "name", NULL), str_or(md, "namespace", NULL),
				 str_or(md, "uid", NULL), str_or(md, "resourceVersion", NULL)};
	char **slots[4] = {&row->name, &row->namespace, &row->uid, &row->resource_version};
	for (int i = 0; i < 4; i++) {
		if (!fields[i])
			continue;
		free(*slots[i]);
		*slots[i] = sanitize_cstr(fields[i], 0);
	}
}

static int table_add_columns(struct table *t, const json_t *defs, char *err, size_t errlen)
{
	size_t i;
	const json_t *d;
	json_array_foreach((json_t *)defs, i, d) {
		const char *name = str_or(d, "name", NULL);
		if (!name) {
			snprintf(err, errlen, "Table column %zu has no name", i);
			return -1;
		}
		char *clean = sanitize_cstr(name, 0);
		table_add_column(t, clean, str_or(d, "type", "string"), str_or(d, "format", ""),
				 (int)json_integer_value(json_object_get(d, "priority")));
		free(clean);
	}
	return 0;
}

/* ---- condition summaries ---- */

static const struct {
	unsigned bit;
	const char *column;   /* what we show */
	const char *type;     /* the condition type summarised */
} cond_defs[] = {
	{KUBE_COND_READY, "READY", "Ready"},
	{KUBE_COND_SYNCED, "SYNCED", "Synced"},
};
#define NCOND_DEFS (sizeof(cond_defs) / sizeof(cond_defs[0]))

size_t kube_cond_count(unsigned cols)
{
	size_t n = 0;
	for (size_t i = 0; i < NCOND_DEFS; i++)
		n += (cols & cond_defs[i].bit) != 0;
	return n;
}

static const json_t *condition_find(const json_t *object, const char *type)
{
	const json_t *conds = json_object_get(json_object_get(object, "status"), "conditions");
	size_t i;
	const json_t *c;
	json_array_foreach((json_t *)conds, i, c) {
		const char *ct = str_or(c, "type", NULL);
		if (ct && !strcmp(ct, type))
			return c;
	}
	return NULL;
}

static char *condition_summary(const json_t *c)
{
	if (!c)
		return xstrdup("");
	const char *status = str_or(c, "status", "");
	const char *reason = str_or(c, "reason", "");
	/* False is the state worth explaining; True and Unknown read fine alone. */
	char *raw = !strcmp(status, "False") && *reason ? xasprintf("False (%s)", reason)
							: xstrdup(status);
	char *out = sanitize_cstr(raw, 0);
	free(raw);
	return out;
}

char *kube_table_condition(const json_t *object, const char *type)
{
	return condition_summary(condition_find(object, type));
}

/* Appends the condition columns after the server's. Unless the decision is fixed, a
 * column the server already shows under the same name (a CRD printing READY) is not
 * added twice. */
static void table_add_cond_columns(struct table *t, struct kube_table_cond *cond)
{
	if (!cond->fixed) {
		cond->cols = 0;
		for (size_t i = 0; i < NCOND_DEFS; i++)
			if (table_column_index(t, cond_defs[i].column) < 0)
				cond->cols |= cond_defs[i].bit;
	}
	for (size_t i = 0; i < NCOND_DEFS; i++)
		if (cond->cols & cond_defs[i].bit)
			table_add_column(t, cond_defs[i].column, "string", "", 0);
}

/* How many of t's columns are the server's (the condition columns come last). */
static size_t server_columns(const struct table *t, const struct kube_table_cond *cond)
{
	size_t n = cond ? kube_cond_count(cond->cols) : 0;
	return n < t->ncols ? t->ncols - n : t->ncols;
}

/* Fills row's condition cells (the last columns) from its whole object. */
static void row_set_conditions(const struct table *t, struct table_row *row,
			       const json_t *object, struct kube_table_cond *cond)
{
	size_t c = server_columns(t, cond);
	for (size_t i = 0; i < NCOND_DEFS; i++) {
		if (!(cond->cols & cond_defs[i].bit))
			continue;
		const json_t *found = condition_find(object, cond_defs[i].type);
		if (found)
			cond->seen = true;
		free(row->cells[c]);
		row->cells[c++] = condition_summary(found);
	}
}

void kube_table_drop_cond(struct table *t, unsigned cols)
{
	size_t n = kube_cond_count(cols);
	if (n > t->ncols)
		n = t->ncols;
	size_t keep = t->ncols - n;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = keep; c < t->ncols; c++)
			free(t->rows[r].cells[c]);
	for (size_t c = keep; c < t->ncols; c++) {
		free(t->cols[c].name);
		free(t->cols[c].type);
		free(t->cols[c].format);
	}
	t->ncols = keep;
}

static int name_column(const struct table *t)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (!strcmp(t->cols[c].format, "name"))
			return (int)c;
	return t->ncols > 0 ? 0 : -1;
}

static int table_add_rows(struct table *t, const json_t *rows, struct kube_table_cond *cond,
			  char *err, size_t errlen)
{
	size_t i;
	const json_t *r;
	int namecol = name_column(t);
	size_t nserver = server_columns(t, cond);
	json_array_foreach((json_t *)rows, i, r) {
		const json_t *cells = json_object_get(r, "cells");
		if (!json_is_array(cells)) {
			snprintf(err, errlen, "Table row %zu has no cells", i);
			return -1;
		}
		struct table_row *row = table_add_row(t);
		for (size_t c = 0; c < nserver && c < json_array_size(cells); c++) {
			char *s = kube_table_render_cell(json_array_get(cells, c));
			free(row->cells[c]);
			row->cells[c] = s;
		}
		if (namecol >= 0) {
			free(row->name);
			row->name = xstrdup(row->cells[namecol]);
		}
		const json_t *object = json_object_get(r, "object");
		row_set_identity(row, object);
		if (cond && nserver < t->ncols)
			row_set_conditions(t, row, object, cond);
	}
	return 0;
}

static void table_set_list_meta(struct table *t, const json_t *doc)
{
	const json_t *md = json_object_get(doc, "metadata");
	const char *rv = str_or(md, "resourceVersion", NULL);
	const char *cont = str_or(md, "continue", NULL);
	free(t->resource_version);
	t->resource_version = rv ? sanitize_cstr(rv, 0) : NULL;
	free(t->continue_token);
	/* The continue token goes back to the server as it came (URL-encoded), unchanged. */
	t->continue_token = cont && *cont ? xstrdup(cont) : NULL;
}

/* A server that ignored the Table Accept sent a List: keep names and identity. */
static int table_append_list(struct table *t, const json_t *items,
			     struct kube_table_cond *cond)
{
	if (t->ncols == 0) {
		table_add_column(t, "Name", "string", "name", 0);
		if (cond)
			table_add_cond_columns(t, cond);
	}
	size_t i;
	const json_t *item;
	json_array_foreach((json_t *)items, i, item) {
		struct table_row *row = table_add_row(t);
		row_set_identity(row, item);
		table_set_cell(row, 0, row->name);
		if (cond && server_columns(t, cond) < t->ncols)
			row_set_conditions(t, row, item, cond);
	}
	return 0;
}

static int table_take_columns(struct table *t, const json_t *defs,
			      struct kube_table_cond *cond, char *err, size_t errlen)
{
	if (t->ncols == 0) {
		if (table_add_columns(t, defs, err, errlen) != 0)
			return -1;
		if (cond)
			table_add_cond_columns(t, cond);
		return 0;
	}
	size_t nserver = server_columns(t, cond);
	if (json_array_size(defs) != nserver) {
		snprintf(err, errlen, "Table page has %zu columns, expected %zu",
			 json_array_size(defs), nserver);
		return -1;
	}
	return 0;
}

int kube_table_append_cond(struct table *t, const json_t *doc, struct kube_table_cond *cond,
			   char *err, size_t errlen)
{
	if (!json_is_object(doc)) {
		snprintf(err, errlen, "expected a Table object");
		return -1;
	}
	const char *kind = str_or(doc, "kind", "");
	const json_t *items = json_object_get(doc, "items");
	if (strcmp(kind, "Table") != 0) {
		if (!json_is_array(items)) {
			snprintf(err, errlen, "expected a Table, got kind \"%s\"", kind);
			return -1;
		}
		table_set_list_meta(t, doc);
		return table_append_list(t, items, cond);
	}
	const json_t *defs = json_object_get(doc, "columnDefinitions");
	if (json_array_size(defs) > 0 && table_take_columns(t, defs, cond, err, errlen) != 0)
		return -1;
	table_set_list_meta(t, doc);
	const json_t *rows = json_object_get(doc, "rows");
	if (rows && !json_is_array(rows)) {
		snprintf(err, errlen, "Table rows is not a list");
		return -1;
	}
	return rows ? table_add_rows(t, rows, cond, err, errlen) : 0;
}

int kube_table_append(struct table *t, const json_t *doc, char *err, size_t errlen)
{
	return kube_table_append_cond(t, doc, NULL, err, errlen);
}
