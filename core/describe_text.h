/* The text layout of describe output: aligned "Label:  value" fields, headings, label
 * blocks, small aligned tables, kubectl-style times and durations. Shared by the describe
 * modules (core/describe*.c); every string from an object is sanitised when written. */
#ifndef OPSDECK_CORE_DESCRIBE_TEXT_H
#define OPSDECK_CORE_DESCRIBE_TEXT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

/* Where values start on a top-level line ("Service Account:  " is the longest). */
enum { DESCRIBE_TEXT_VALUE_COLUMN = 18 };

/* A scalar as text: strings as they are, numbers and booleans printed, "" for
 * containers, null and NULL. Not sanitised; the caller frees. */
char *describe_text_format_scalar(const json_t *v);

/* Parses RFC 3339 as the API writes it ("2019-06-25T20:55:51Z", with fractions or an
 * offset too) into seconds since the epoch. False (out untouched) when s is NULL or
 * not a time. */
bool describe_text_parse_time(const char *s, long long *out);

/* Appends the time in kubectl's format ("Tue, 25 Jun 2019 20:55:51 +0000"), always in
 * UTC; text that is not a time is appended sanitised, NULL as "<unknown>". */
void describe_text_put_time(struct strbuf *sb, const char *rfc3339);

/* Appends a duration of s seconds as apimachinery's HumanDuration ("45s", "5m30s",
 * "3h", "2d4h", "1y30d"); "<invalid>" below -1, slightly negative counts as 0s. */
void describe_text_put_duration(struct strbuf *sb, long long s);

/* Appends n spaces (nothing when n <= 0). */
void describe_text_put_indent(struct strbuf *sb, int n);

/* Appends indent spaces, "label:" and padding so the value starts at indent + width,
 * with at least two spaces after the colon. label is written as is (not sanitised). */
void describe_text_put_label(struct strbuf *sb, int indent, const char *label, int width);

/* One "Label:  value" line at the column for its indent; the value sanitised, "<none>"
 * when NULL or empty. */
void describe_text_put_field(struct strbuf *sb, int indent, const char *label,
			     const char *value);

/* As describe_text_put_field with a JSON scalar for the value. */
void describe_text_put_field_json(struct strbuf *sb, int indent, const char *label,
				  const json_t *v);

/* As describe_text_put_field with an RFC 3339 time written by describe_text_put_time. */
void describe_text_put_field_time(struct strbuf *sb, int indent, const char *label,
				  const char *t);

/* A heading line with nothing after it ("Containers:"). */
void describe_text_put_heading(struct strbuf *sb, int indent, const char *label);

/* The keys of obj (a JSON object, or NULL for none) sorted bytewise, *n set to their
 * count. The array is NULL-terminated; the caller frees it, not the keys (obj owns
 * them, so they live as long as obj is unchanged). */
const char **describe_text_sort_keys(const json_t *obj, size_t *n);

/* A label block (labels, annotations, selectors): "Label:" then one "key<sep>value"
 * per line, sorted, aligned under the first; "<none>" for an empty or missing map. */
void describe_text_put_map(struct strbuf *sb, int indent, const char *label,
			   const json_t *map, const char *sep);

/* "key:  value" lines for every key of m, sorted, the values aligned after the longest
 * key (resource quantities, node capacity). */
void describe_text_put_aligned_map(struct strbuf *sb, int indent, const json_t *m);

/* How many terminal columns s takes: its UTF-8 code points. */
size_t describe_text_measure_width(const char *s);

/* A small aligned table (conditions, events). Start with {.ncols = N} (cells NULL,
 * nrows 0); the table owns its cells, which are sanitised copies. */
struct describe_text_table {
	size_t ncols, nrows;
	char **cells; /* nrows * ncols */
};

/* Adds a row of t->ncols cells; a NULL cell is written empty. */
void describe_text_table_add_row(struct describe_text_table *t, const char *const *cells);

/* Appends the table, each row at indent, columns two spaces apart and no trailing
 * blanks, then frees its cells and empties it for reuse. */
void describe_text_put_table(struct strbuf *sb, struct describe_text_table *t, int indent);

#endif
