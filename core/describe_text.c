/* The text layout of describe output: aligned fields, headings, label blocks, small
 * tables, times and durations as kubectl writes them. */
#include "core/describe_text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sanitize.h"
#include "core/xalloc.h"

char *describe_text_format_scalar(const json_t *v)
{
	if (json_is_string(v))
		return xstrndup(json_string_value(v), json_string_length(v));
	if (json_is_integer(v))
		return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
	if (json_is_real(v))
		return xasprintf("%g", json_real_value(v));
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? "true" : "false");
	return xstrdup("");
}

/* ---- times ---------------------------------------------------------------------- */

/* RFC 3339 as the API writes it ("2019-06-25T20:55:51Z", fractions and offsets too). */
bool describe_text_parse_time(const char *s, long long *out)
{
	struct tm tm = {0};
	int off_sign = 0, oh = 0, om = 0, used = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			 &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6)
		return false;
	const char *p = s + used;
	while (*p == '.' || isdigit((unsigned char)*p))
		p++;
	if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &oh, &om) == 2)
		off_sign = *p == '+' ? 1 : -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (long long)timegm(&tm) - off_sign * (oh * 3600LL + om * 60LL);
	return true;
}

/* kubectl's format, always in UTC so the text does not depend on the host's zone. */
void describe_text_put_time(struct strbuf *sb, const char *rfc3339)
{
	long long t;
	if (!describe_text_parse_time(rfc3339, &t)) {
		sanitize_append(sb, rfc3339 ? rfc3339 : "<unknown>",
				rfc3339 ? strlen(rfc3339) : 9, 0);
		return;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	char buf[64];
	strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	strbuf_puts(sb, buf);
}

/* apimachinery's HumanDuration: precise when short, coarser as it grows. */
void describe_text_put_duration(struct strbuf *sb, long long s)
{
	if (s < -1) {
		strbuf_puts(sb, "<invalid>");
		return;
	}
	if (s < 0)
		s = 0;
	long long m = s / 60, h = s / 3600, d = h / 24, y = d / 365;
	if (s < 120)
		strbuf_printf(sb, "%llds", s);
	else if (m < 10)
		strbuf_printf(sb, s % 60 ? "%lldm%llds" : "%lldm", m, s % 60);
	else if (m < 180)
		strbuf_printf(sb, "%lldm", m);
	else if (h < 8)
		strbuf_printf(sb, m % 60 ? "%lldh%lldm" : "%lldh", h, m % 60);
	else if (h < 48)
		strbuf_printf(sb, "%lldh", h);
	else if (h < 192)
		strbuf_printf(sb, h % 24 ? "%lldd%lldh" : "%lldd", d, h % 24);
	else if (d < 730)
		strbuf_printf(sb, "%lldd", d);
	else if (y < 8)
		strbuf_printf(sb, d % 365 ? "%lldy%lldd" : "%lldy", y, d % 365);
	else
		strbuf_printf(sb, "%lldy", y);
}

/* ---- lines ---------------------------------------------------------------------- */

void describe_text_put_indent(struct strbuf *sb, int n)
{
	for (int i = 0; i < n; i++)
		strbuf_putc(sb, ' ');
}

/* Where nested values start: containers' fields and their state details line up. */
static int value_width(int indent)
{
	if (indent == 0)
		return DESCRIBE_TEXT_VALUE_COLUMN;
	return (indent >= 4 ? 20 : 16) - indent;
}

/* "Label:" padded so the value starts at indent + width; at least two spaces. */
void describe_text_put_label(struct strbuf *sb, int indent, const char *label, int width)
{
	describe_text_put_indent(sb, indent);
	strbuf_puts(sb, label);
	strbuf_putc(sb, ':');
	int used = (int)strlen(label) + 1;
	describe_text_put_indent(sb, used + 2 > width ? 2 : width - used);
}

/* One "Label:  value" line; value sanitised, "<none>" when missing or empty. */
void describe_text_put_field(struct strbuf *sb, int indent, const char *label,
			     const char *value)
{
	describe_text_put_label(sb, indent, label, value_width(indent));
	if (value && *value)
		sanitize_append(sb, value, strlen(value), 0);
	else
		strbuf_puts(sb, "<none>");
	strbuf_putc(sb, '\n');
}

void describe_text_put_field_json(struct strbuf *sb, int indent, const char *label,
				  const json_t *v)
{
	char *s = describe_text_format_scalar(v);
	describe_text_put_field(sb, indent, label, s);
	free(s);
}

void describe_text_put_field_time(struct strbuf *sb, int indent, const char *label,
				  const char *t)
{
	describe_text_put_label(sb, indent, label, value_width(indent));
	describe_text_put_time(sb, t);
	strbuf_putc(sb, '\n');
}

/* A heading line with nothing after it ("Containers:"). */
void describe_text_put_heading(struct strbuf *sb, int indent, const char *label)
{
	describe_text_put_indent(sb, indent);
	strbuf_puts(sb, label);
	strbuf_puts(sb, ":\n");
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of obj, sorted; the caller frees the array (not the keys). */
const char **describe_text_sort_keys(const json_t *obj, size_t *n)
{
	*n = json_object_size(obj);
	const char **keys = xcalloc(*n + 1, sizeof(*keys));
	const char *k;
	json_t *v;
	size_t i = 0;
	json_object_foreach((json_t *)obj, k, v)
		keys[i++] = k;
	qsort(keys, *n, sizeof(*keys), cmp_key);
	return keys;
}

/* Labels, annotations, selectors: one "k=v" per line under the first, sorted. */
void describe_text_put_map(struct strbuf *sb, int indent, const char *label,
			   const json_t *map, const char *sep)
{
	size_t n;
	const char **keys = describe_text_sort_keys(map, &n);
	int width = value_width(indent);
	describe_text_put_label(sb, indent, label, width);
	if (n == 0)
		strbuf_puts(sb, "<none>\n");
	for (size_t i = 0; i < n; i++) {
		if (i)
			describe_text_put_indent(sb, indent + width);
		sanitize_append(sb, keys[i], strlen(keys[i]), 0);
		strbuf_puts(sb, sep);
		char *v = describe_text_format_scalar(json_object_get(map, keys[i]));
		sanitize_append(sb, v, strlen(v), 0);
		free(v);
		strbuf_putc(sb, '\n');
	}
	free(keys);
}

/* ---- tables --------------------------------------------------------------------- */

void describe_text_table_add_row(struct describe_text_table *t, const char *const *cells)
{
	t->cells = xrealloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*t->cells));
	for (size_t c = 0; c < t->ncols; c++)
		t->cells[t->nrows * t->ncols + c] = sanitize_cstr(cells[c] ? cells[c] : "", 0);
	t->nrows++;
}

size_t describe_text_measure_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

/* Writes and frees the table, columns two spaces apart, no trailing blanks. */
void describe_text_put_table(struct strbuf *sb, struct describe_text_table *t, int indent)
{
	size_t *w = xcalloc(t->ncols, sizeof(*w));
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t cw = describe_text_measure_width(t->cells[r * t->ncols + c]);
			w[c] = cw > w[c] ? cw : w[c];
		}
	for (size_t r = 0; r < t->nrows; r++) {
		describe_text_put_indent(sb, indent);
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * t->ncols + c];
			strbuf_puts(sb, cell);
			size_t pad = w[c] - describe_text_measure_width(cell) + 2;
			if (c + 1 < t->ncols)
				describe_text_put_indent(sb, (int)pad);
			free(t->cells[r * t->ncols + c]);
		}
		while (sb->len && sb->buf[sb->len - 1] == ' ')
			sb->buf[--sb->len] = '\0';
		strbuf_putc(sb, '\n');
	}
	free(w);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}

/* "key:  value" lines with the values of one map aligned (quantities, capacity). */
void describe_text_put_aligned_map(struct strbuf *sb, int indent, const json_t *m)
{
	size_t n;
	const char **keys = describe_text_sort_keys(m, &n);
	int width = 0;
	for (size_t i = 0; i < n; i++)
		width = (int)strlen(keys[i]) + 3 > width ? (int)strlen(keys[i]) + 3 : width;
	for (size_t i = 0; i < n; i++) {
		char *v = describe_text_format_scalar(json_object_get(m, keys[i]));
		describe_text_put_label(sb, indent, keys[i], width);
		sanitize_append(sb, v, strlen(v), 0);
		strbuf_putc(sb, '\n');
		free(v);
	}
	free(keys);
}
