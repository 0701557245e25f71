/* JSON values as block YAML in the shape `kubectl get -o yaml` prints (go-yaml via
 * sigs.k8s.io/yaml): sorted keys, sequences at their key's indent, quoting only where a
 * YAML reader would take a string for something else. */
#include "core/yaml_emit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

/* ---- key order ------------------------------------------------------------------ */

/* go-yaml's key order: letters by code point, a non-letter before a letter, runs of
 * digits by value ("item2" before "item10"). */
static int key_cmp(const char *a, const char *b)
{
	size_t i = 0;
	while (a[i] && b[i] && a[i] == b[i])
		i++;
	if (!a[i] || !b[i])
		return a[i] ? 1 : (b[i] ? -1 : 0);
	unsigned char ca = (unsigned char)a[i], cb = (unsigned char)b[i];
	bool al = isalpha(ca) || ca >= 0x80, bl = isalpha(cb) || cb >= 0x80;
	if (al && bl)
		return ca < cb ? -1 : 1;
	if (al || bl)
		return bl ? -1 : 1;
	unsigned long long an = 0, bn = 0;
	size_t ai = i, bi = i;
	for (; isdigit((unsigned char)a[ai]); ai++)
		an = an * 10 + (unsigned)(a[ai] - '0');
	for (; isdigit((unsigned char)b[bi]); bi++)
		bn = bn * 10 + (unsigned)(b[bi] - '0');
	if (an != bn)
		return an < bn ? -1 : 1;
	if (ai != bi)
		return ai < bi ? -1 : 1;
	return ca < cb ? -1 : 1;
}

static int key_qsort_cmp(const void *x, const void *y)
{
	return key_cmp(*(const char *const *)x, *(const char *const *)y);
}

/* ---- scalars -------------------------------------------------------------------- */

/* The code point at s (valid UTF-8 assumed, as jansson keeps it); *n its byte length. */
static unsigned decode_utf8(const unsigned char *s, size_t left, size_t *n)
{
	unsigned c = s[0];
	size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (len > left)
		len = 1;
	*n = len;
	if (len == 1)
		return c;
	unsigned cp = c & (0x3F >> (len - 1));
	for (size_t i = 1; i < len; i++)
		cp = (cp << 6) | (s[i] & 0x3F);
	return cp;
}

/* Characters a literal or plain scalar may not hold: they would be lost by the
 * sanitiser or change how the terminal shows the text. */
static bool must_escape(unsigned cp)
{
	return (cp < 0x20 && cp != '\n') || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
	       cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

static bool needs_double_quotes(const char *s, size_t len)
{
	for (size_t i = 0, n; i < len; i += n)
		if (must_escape(decode_utf8((const unsigned char *)s + i, len - i, &n)))
			return true;
	return false;
}

static void put_double_quoted(struct strbuf *sb, const char *s, size_t len)
{
	strbuf_putc(sb, '"');
	for (size_t i = 0, n; i < len; i += n) {
		unsigned cp = decode_utf8((const unsigned char *)s + i, len - i, &n);
		switch (cp) {
		case '"': strbuf_puts(sb, "\\\""); break;
		case '\\': strbuf_puts(sb, "\\\\"); break;
		case '\n': strbuf_puts(sb, "\\n"); break;
		case '\t': strbuf_puts(sb, "\\t"); break;
		case '\r': strbuf_puts(sb, "\\r"); break;
		case 0: strbuf_puts(sb, "\\0"); break;
		case 0x1B: strbuf_puts(sb, "\\e"); break;
		default:
			if (cp < 0x20 || cp == 0x7F)
				strbuf_printf(sb, "\\x%02X", cp);
			else if (must_escape(cp))
				strbuf_printf(sb, "\\u%04X", cp);
			else
				strbuf_append(sb, s + i, n);
		}
	}
	strbuf_putc(sb, '"');
}

/* Words YAML 1.1 (which libyaml-based readers and go-yaml v2 follow) reads as null or
 * booleans, plus the merge key. */
static bool is_special_word(const char *s)
{
	static const char *const words[] = {
		"~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False",
		"FALSE", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on",
		"On", "ON", "off", "Off", "OFF", "<<", "=",
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

/* Numbers in any YAML spelling (1_000, 0x1F, 0o17, 1:30, .5, 1e3, .inf, .NaN) and dates
 * (2024-01-01, timestamps), erring towards quotes: "1.2.3" is quoted too. */
static bool looks_numeric(const char *s)
{
	const char *p = s + (*s == '+' || *s == '-');
	static const char *const specials[] = {".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"};
	for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++)
		if (strcmp(p, specials[i]) == 0)
			return true;
	if (p[0] == '0' && p[1] && strchr("xXoObB", p[1]))
		return true;
	if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) && p[4] == '-' &&
	    isdigit((unsigned char)p[5]))
		return true;
	bool digit = false;
	for (; *p; p++) {
		if (isdigit((unsigned char)*p))
			digit = true;
		else if (!strchr("_.eE+-:", *p))
			return false;
	}
	return digit;
}

static bool needs_single_quotes(const char *s, size_t len)
{
	if (len == 0 || strlen(s) != len)
		return true;
	if (s[0] == ' ' || s[len - 1] == ' ' || s[len - 1] == ':')
		return true;
	if (strchr("-?:,[]{}#&*!|>'\"%@`", s[0]))
		return true;
	if (strstr(s, ": ") || strstr(s, " #"))
		return true;
	return is_special_word(s) || looks_numeric(s);
}

static void put_single_quoted(struct strbuf *sb, const char *s, size_t len)
{
	strbuf_putc(sb, '\'');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\'')
			strbuf_putc(sb, '\'');
		strbuf_putc(sb, s[i]);
	}
	strbuf_putc(sb, '\'');
}

static void put_indent(struct strbuf *sb, int indent)
{
	for (int i = 0; i < indent; i++)
		strbuf_putc(sb, ' ');
}

/* A literal block keeps the text exactly when it does not start with a space or a
 * newline and ends with at most one newline; other multi-line text is double-quoted. */
static bool fits_literal(const char *s, size_t len)
{
	if (len < 2 || s[0] == ' ' || s[0] == '\n')
		return false;
	if (len >= 2 && s[len - 1] == '\n' && s[len - 2] == '\n')
		return false;
	/* a last line of only spaces would be read as indentation, not content */
	const char *last = s + len - (s[len - 1] == '\n');
	const char *p = last;
	while (p > s && p[-1] == ' ')
		p--;
	return !(p > s && p[-1] == '\n' && p != last);
}

static void put_literal(struct strbuf *sb, const char *s, size_t len, int indent)
{
	bool clip = s[len - 1] == '\n';
	strbuf_puts(sb, clip ? "|" : "|-");
	size_t end = clip ? len - 1 : len;
	size_t start = 0;
	while (start <= end) {
		const char *nl = memchr(s + start, '\n', end - start);
		size_t stop = nl ? (size_t)(nl - s) : end;
		strbuf_putc(sb, '\n');
		if (stop > start) {
			put_indent(sb, indent);
			strbuf_append(sb, s + start, stop - start);
		}
		start = stop + 1;
	}
}

/* A string scalar; indent is where a literal block's lines go. */
static void put_string(struct strbuf *sb, const char *s, size_t len, int indent)
{
	if (needs_double_quotes(s, len)) {
		put_double_quoted(sb, s, len);
	} else if (memchr(s, '\n', len)) {
		if (fits_literal(s, len))
			put_literal(sb, s, len, indent);
		else
			put_double_quoted(sb, s, len);
	} else if (needs_single_quotes(s, len)) {
		put_single_quoted(sb, s, len);
	} else {
		strbuf_append(sb, s, len);
	}
}

/* A mapping key: like a value, but never a literal block (keys are one line). */
static void put_key(struct strbuf *sb, const char *s)
{
	size_t len = strlen(s);
	if (needs_double_quotes(s, len) || memchr(s, '\n', len))
		put_double_quoted(sb, s, len);
	else if (needs_single_quotes(s, len))
		put_single_quoted(sb, s, len);
	else
		strbuf_append(sb, s, len);
}

/* ---- structure ------------------------------------------------------------------ */

static void emit_block(struct strbuf *sb, const json_t *v, int indent, bool inline_first);

static bool is_empty_container(const json_t *v)
{
	return (json_is_object(v) && json_object_size(v) == 0) ||
	       (json_is_array(v) && json_array_size(v) == 0);
}

/* A scalar (or an empty container) after "key:" or "-"; indent is for literal lines. */
static void put_scalar(struct strbuf *sb, const json_t *v, int indent)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: strbuf_puts(sb, "{}"); break;
	case JSON_ARRAY: strbuf_puts(sb, "[]"); break;
	case JSON_STRING:
		put_string(sb, json_string_value(v), json_string_length(v), indent);
		break;
	case JSON_INTEGER:
		strbuf_printf(sb, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL: {
		char *num = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
		strbuf_puts(sb, num ? num : "0");
		free(num);
		break;
	}
	case JSON_TRUE: strbuf_puts(sb, "true"); break;
	case JSON_FALSE: strbuf_puts(sb, "false"); break;
	default: strbuf_puts(sb, "null"); break;
	}
}

static bool is_block(const json_t *v)
{
	return (json_is_object(v) || json_is_array(v)) && !is_empty_container(v);
}

/* The value after "key:" in a mapping at indent: maps nest two deeper, sequences stay
 * at the key's column as go-yaml writes them. */
static void emit_map_value(struct strbuf *sb, const json_t *v, int indent)
{
	if (!is_block(v)) {
		strbuf_putc(sb, ' ');
		put_scalar(sb, v, indent + 2);
		strbuf_putc(sb, '\n');
		return;
	}
	strbuf_putc(sb, '\n');
	emit_block(sb, v, json_is_object(v) ? indent + 2 : indent, false);
}

static void emit_map(struct strbuf *sb, const json_t *obj, int indent, bool inline_first)
{
	size_t n = json_object_size(obj), k = 0;
	const char **keys = xcalloc(n ? n : 1, sizeof(*keys));
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)obj, key, val)
		keys[k++] = key;
	qsort(keys, k, sizeof(*keys), key_qsort_cmp);
	for (size_t i = 0; i < k; i++) {
		if (i > 0 || !inline_first)
			put_indent(sb, indent);
		put_key(sb, keys[i]);
		strbuf_putc(sb, ':');
		emit_map_value(sb, json_object_get(obj, keys[i]), indent);
	}
	free(keys);
}

static void emit_seq(struct strbuf *sb, const json_t *arr, int indent, bool inline_first)
{
	size_t i;
	const json_t *item;
	json_array_foreach(arr, i, item) {
		if (i > 0 || !inline_first)
			put_indent(sb, indent);
		strbuf_puts(sb, "- ");
		if (is_block(item)) {
			emit_block(sb, item, indent + 2, true);
		} else {
			put_scalar(sb, item, indent + 2);
			strbuf_putc(sb, '\n');
		}
	}
}

/* A non-empty mapping or sequence; inline_first when its first line follows "- ". */
static void emit_block(struct strbuf *sb, const json_t *v, int indent, bool inline_first)
{
	if (json_is_object(v))
		emit_map(sb, v, indent, inline_first);
	else
		emit_seq(sb, v, indent, inline_first);
}

/* v without metadata.managedFields (kubectl hides them by default): a shallow copy
 * with a shallow copy of metadata, so nothing of the caller's changes. */
static json_t *without_managed_fields(const json_t *v)
{
	json_t *copy = json_copy((json_t *)v);
	json_t *meta = json_copy(json_object_get(v, "metadata"));
	json_object_del(meta, "managedFields");
	json_object_set_new(copy, "metadata", meta);
	return copy;
}

char *yaml_emit(const json_t *v, const struct yaml_emit_options *opts)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *trimmed = NULL;
	if (!(opts && opts->show_managed_fields) &&
	    json_object_get(json_object_get(v, "metadata"), "managedFields"))
		v = trimmed = without_managed_fields(v);
	if (is_block(v)) {
		emit_block(&sb, v, 0, false);
	} else {
		put_scalar(&sb, v, 2);
		strbuf_putc(&sb, '\n');
	}
	json_decref(trimmed);
	/* a safety net: everything unsafe was escaped above, so this normally copies nothing */
	if (!sanitize_is_clean(strbuf_str(&sb), sb.len, SANITIZE_KEEP_NEWLINE)) {
		char *clean = sanitize_text(strbuf_str(&sb), sb.len, SANITIZE_KEEP_NEWLINE);
		strbuf_free(&sb);
		return clean;
	}
	return strbuf_detach(&sb);
}
