/* Batch output of a table (see table_print.h). */
#include "core/table_print.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* kubectl's tabwriter: cells padded by 3, and no column narrower than 6. */
enum { PAD = 3, MIN_WIDTH = 6 };

struct layout {
	size_t ncols;          /* printed columns, the extra ones included */
	const char **heads;
	size_t *width;
	int *src;              /* table column, or -1 namespace, -2 cluster */
};

static bool column_shown(const struct table_column *c, const struct table_print_opts *o)
{
	return c->priority == 0 || o->wide;
}

/* Display width of a cell: counts UTF-8 code points, not bytes. */
static size_t display_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

static const char *cell_of(const struct table_row *r, int src)
{
	if (src == -1)
		return r->namespace;
	if (src == -2)
		return r->cluster ? r->cluster : "";
	return r->cells[src];
}

static void layout_build(struct layout *l, const struct table *t,
			 const struct table_print_opts *o)
{
	size_t max = t->ncols + 2;
	l->heads = xcalloc(max, sizeof(char *));
	l->width = xcalloc(max, sizeof(size_t));
	l->src = xcalloc(max, sizeof(int));
	l->ncols = 0;
	if (o->with_cluster) {
		l->heads[l->ncols] = "CLUSTER";
		l->src[l->ncols++] = -2;
	}
	if (o->with_namespace) {
		l->heads[l->ncols] = "NAMESPACE";
		l->src[l->ncols++] = -1;
	}
	for (size_t c = 0; c < t->ncols; c++) {
		if (!column_shown(&t->cols[c], o))
			continue;
		l->heads[l->ncols] = t->cols[c].name;
		l->src[l->ncols++] = (int)c;
	}
	for (size_t c = 0; c < l->ncols; c++) {
		l->width[c] = display_width(l->heads[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t w = display_width(cell_of(&t->rows[r], l->src[c]));
			if (w > l->width[c])
				l->width[c] = w;
		}
	}
}

static void layout_free(struct layout *l)
{
	free(l->heads);
	free(l->width);
	free(l->src);
}

static void put_cell(FILE *out, const char *s, bool upper, size_t width, bool last)
{
	size_t w = 0;
	for (const char *p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch < 0x20 || ch == 0x7f)
			ch = '?';
		else if (upper)
			ch = (unsigned char)toupper(ch);
		fputc(ch, out);
		if ((ch & 0xC0) != 0x80)
			w++;
	}
	size_t target = width + PAD < MIN_WIDTH ? MIN_WIDTH : width + PAD;
	if (!last)
		for (; w < target; w++)
			fputc(' ', out);
}

void table_print_text(FILE *out, const struct table *t, const struct table_print_opts *o)
{
	struct layout l;
	layout_build(&l, t, o);
	for (size_t c = 0; c < l.ncols; c++)
		put_cell(out, l.heads[c], true, l.width[c], c + 1 == l.ncols);
	fputc('\n', out);
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < l.ncols; c++)
			put_cell(out, cell_of(&t->rows[r], l.src[c]), false, l.width[c],
				 c + 1 == l.ncols);
		fputc('\n', out);
	}
	layout_free(&l);
}

void table_print_json_key(const char *column, char *buf, size_t len)
{
	size_t n = 0;
	for (const char *p = column; *p && n + 1 < len; p++)
		buf[n++] = *p == ' ' || *p == '-' ? '_' : (char)tolower((unsigned char)*p);
	if (len)
		buf[n] = '\0';
}

static json_t *cell_json(const struct table_column *c, const char *s)
{
	if (strcmp(c->type, "integer") == 0 && *s) {
		char *end;
		long long v = strtoll(s, &end, 10);
		if (*end == '\0')
			return json_integer(v);
	}
	return json_string(s);
}

void table_print_json(FILE *out, const struct table *t, const struct table_print_opts *o)
{
	json_t *arr = json_array();
	for (size_t r = 0; r < t->nrows; r++) {
		const struct table_row *row = &t->rows[r];
		json_t *obj = json_object();
		if (o->with_cluster)
			json_object_set_new(obj, "cluster", json_string(row->cluster ? row->cluster : ""));
		if (o->with_namespace || *row->namespace)
			json_object_set_new(obj, "namespace", json_string(row->namespace));
		for (size_t c = 0; c < t->ncols; c++) {
			if (!column_shown(&t->cols[c], o))
				continue;
			char key[128];
			table_print_json_key(t->cols[c].name, key, sizeof(key));
			json_object_set_new(obj, key, cell_json(&t->cols[c], row->cells[c]));
		}
		json_array_append_new(arr, obj);
	}
	json_dumpf(arr, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(arr);
}

void table_print_names(FILE *out, const struct table *t, const char *type)
{
	for (size_t r = 0; r < t->nrows; r++)
		fprintf(out, "%s/%s\n", type, t->rows[r].name);
}
