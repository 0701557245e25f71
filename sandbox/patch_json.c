/* RFC 6902 JSON patch (add, remove, replace, move, copy, test) over RFC 6901 JSON
 * pointers, with the messages the API server's json-patch library gives. */
#include "sandbox/patch_formats.h"

#include "core/xalloc.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A parsed JSON pointer: its reference tokens, unescaped. */
struct jp {
	char **toks;
	size_t n;
};

struct jp_ctx {
	int *http_status;
	char *err;
	size_t errlen;
};

static int jp_fail(struct jp_ctx *ctx, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int jp_fail(struct jp_ctx *ctx, int status, const char *fmt, ...)
{
	va_list ap;
	*ctx->http_status = status;
	va_start(ap, fmt);
	vsnprintf(ctx->err, ctx->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static void jp_free(struct jp *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->toks[i]);
	free(p->toks);
	p->toks = NULL;
	p->n = 0;
}

/* "" is the whole document; otherwise "/"-separated tokens where "~1" is '/' and "~0"
 * is '~'. Any other '~' makes the pointer invalid. */
static int jp_parse(const char *text, struct jp *p)
{
	size_t cap = 0;
	p->toks = NULL;
	p->n = 0;
	if (*text && *text != '/')
		return -1;
	while (*text) {
		text++;   /* the '/' */
		size_t len = strcspn(text, "/");
		char *tok = xmalloc(len + 1), *w = tok;
		for (size_t i = 0; i < len; i++) {
			if (text[i] != '~') {
				*w++ = text[i];
			} else if (i + 1 < len && (text[i + 1] == '0' || text[i + 1] == '1')) {
				*w++ = text[++i] == '0' ? '~' : '/';
			} else {
				free(tok);
				jp_free(p);
				return -1;
			}
		}
		*w = '\0';
		p->toks = xgrow(p->toks, &cap, p->n + 1, sizeof *p->toks);
		p->toks[p->n++] = tok;
		text += len;
	}
	return 0;
}

/* An array index: "0" or digits without a leading zero, below limit. */
static bool jp_index(const char *tok, size_t limit, size_t *out)
{
	if (!*tok || (tok[0] == '0' && tok[1]) || strspn(tok, "0123456789") != strlen(tok) ||
	    strlen(tok) > 18)
		return false;
	*out = (size_t)strtoull(tok, NULL, 10);
	return *out < limit;
}

static json_t *jp_child(json_t *node, const char *tok)
{
	size_t idx;
	if (json_is_object(node))
		return json_object_get(node, tok);
	if (json_is_array(node) && jp_index(tok, json_array_size(node), &idx))
		return json_array_get(node, idx);
	return NULL;
}

/* The value at the first n tokens of p, or NULL. */
static json_t *jp_walk(json_t *doc, const struct jp *p, size_t n)
{
	json_t *node = doc;
	for (size_t i = 0; i < n && node; i++)
		node = jp_child(node, p->toks[i]);
	return node;
}

/* Puts value (a reference the caller gives away) at p; "-" appends to an array. */
static int jp_add(json_t **doc, const struct jp *p, json_t *value)
{
	if (p->n == 0) {
		json_decref(*doc);
		*doc = value;
		return 0;
	}
	json_t *parent = jp_walk(*doc, p, p->n - 1);
	const char *last = p->toks[p->n - 1];
	size_t idx;
	if (json_is_object(parent))
		return json_object_set_new(parent, last, value);
	if (json_is_array(parent) && strcmp(last, "-") == 0)
		return json_array_append_new(parent, value);
	if (json_is_array(parent) && jp_index(last, json_array_size(parent) + 1, &idx))
		return json_array_insert_new(parent, idx, value);
	json_decref(value);
	return -1;
}

/* Replaces the existing value at p, keeping its place in its object or array. */
static void jp_replace(json_t *doc, const struct jp *p, json_t *value)
{
	json_t *parent = jp_walk(doc, p, p->n - 1);
	const char *last = p->toks[p->n - 1];
	size_t idx;
	if (json_is_object(parent))
		json_object_set_new(parent, last, value);
	else if (jp_index(last, json_array_size(parent), &idx))
		json_array_set_new(parent, idx, value);
	else
		json_decref(value);
}

/* Takes the value at p out of the document; returns it (a new reference) or NULL. */
static json_t *jp_take(json_t *doc, const struct jp *p)
{
	if (p->n == 0)
		return NULL;
	json_t *parent = jp_walk(doc, p, p->n - 1);
	json_t *value = jp_child(parent, p->toks[p->n - 1]);
	if (!value)
		return NULL;
	json_incref(value);
	size_t idx;
	if (json_is_object(parent))
		json_object_del(parent, p->toks[p->n - 1]);
	else if (jp_index(p->toks[p->n - 1], json_array_size(parent), &idx))
		json_array_remove(parent, idx);
	return value;
}

/* JSON equality where 1 and 1.0 are the same number (RFC 6902 section 4.6). */
static bool jp_equal(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b) &&
		       (!json_is_integer(a) || !json_is_integer(b) ||
			json_integer_value(a) == json_integer_value(b));
	if (json_is_array(a) && json_is_array(b)) {
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!jp_equal(json_array_get(a, i), json_array_get(b, i)))
				return false;
		return true;
	}
	if (json_is_object(a) && json_is_object(b)) {
		if (json_object_size(a) != json_object_size(b))
			return false;
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)a, k, v)
			if (!jp_equal(v, json_object_get(b, k)))
				return false;
		return true;
	}
	return json_equal(a, b);
}

/* move and copy: the value at from, placed at path. */
static int jp_move_or_copy(json_t **doc, const char *op, const struct jp *path,
			   const char *from_text, const char *path_text, struct jp_ctx *ctx)
{
	struct jp from;
	if (!from_text || jp_parse(from_text, &from))
		return jp_fail(ctx, 422, "%s operation does not apply: invalid from path: %s", op,
			       from_text ? from_text : "(missing)");
	bool move = strcmp(op, "move") == 0;
	size_t flen = strlen(from_text);
	int rc = 0;
	if (move && strncmp(path_text, from_text, flen) == 0 && path_text[flen] == '/') {
		rc = jp_fail(ctx, 422, "move operation does not apply: cannot move %s into its own "
			     "child %s", from_text, path_text);
	} else if (!jp_walk(*doc, &from, from.n) || (move && from.n == 0)) {
		rc = jp_fail(ctx, 422, "%s operation does not apply: doc is missing from path: %s: "
			     "missing value", op, from_text);
	} else if (!move || strcmp(path_text, from_text) != 0) {
		json_t *value = move ? jp_take(*doc, &from)
				     : json_deep_copy(jp_walk(*doc, &from, from.n));
		if (jp_add(doc, path, value))
			rc = jp_fail(ctx, 422, "%s operation does not apply: doc is missing path: "
				     "\"%s\": missing value", op, path_text);
	}
	jp_free(&from);
	return rc;
}

/* add, remove, replace and test, which need only a path (and a value). */
static int jp_apply_simple(json_t **doc, const char *op, const struct jp *path,
			   const char *path_text, const json_t *value, struct jp_ctx *ctx)
{
	if (strcmp(op, "remove") != 0 && !value)
		return jp_fail(ctx, 422, "%s operation does not apply: missing value", op);
	json_t *target = jp_walk(*doc, path, path->n);
	if (strcmp(op, "test") == 0) {
		if (!target || !jp_equal(target, value))
			return jp_fail(ctx, 422, "testing value %s failed: test failed", path_text);
		return 0;
	}
	if (strcmp(op, "add") == 0 || (strcmp(op, "replace") == 0 && path->n == 0)) {
		if (jp_add(doc, path, json_deep_copy(value)))
			return jp_fail(ctx, 422, "add operation does not apply: doc is missing path: "
				       "\"%s\": missing value", path_text);
		return 0;
	}
	if (strcmp(op, "remove") == 0) {
		if (!target || path->n == 0)
			return jp_fail(ctx, 422, "remove operation does not apply: doc is missing "
				       "path: \"%s\": missing value", path_text);
		json_decref(jp_take(*doc, path));
		return 0;
	}
	if (!target)
		return jp_fail(ctx, 422, "replace operation does not apply: doc is missing key: "
			       "%s: missing value", path_text);
	jp_replace(*doc, path, json_deep_copy(value));
	return 0;
}

static bool jp_known_op(const char *op)
{
	static const char *const ops[] = {"add", "remove", "replace", "move", "copy", "test"};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (strcmp(ops[i], op) == 0)
			return true;
	return false;
}

static int jp_apply_op(json_t **doc, const json_t *opobj, size_t index, struct jp_ctx *ctx)
{
	const char *op = json_string_value(json_object_get(opobj, "op"));
	const char *path_text = json_string_value(json_object_get(opobj, "path"));
	if (!json_is_object(opobj) || !op)
		return jp_fail(ctx, 400, "error decoding patch: operation %zu has no \"op\"", index);
	if (!jp_known_op(op))
		return jp_fail(ctx, 422, "Unexpected kind: %s", op);
	struct jp path;
	if (!path_text || jp_parse(path_text, &path))
		return jp_fail(ctx, 422, "%s operation does not apply: invalid path: %s", op,
			       path_text ? path_text : "(missing)");
	int rc;
	if (strcmp(op, "move") == 0 || strcmp(op, "copy") == 0)
		rc = jp_move_or_copy(doc, op, &path,
				     json_string_value(json_object_get(opobj, "from")), path_text, ctx);
	else
		rc = jp_apply_simple(doc, op, &path, path_text, json_object_get(opobj, "value"), ctx);
	jp_free(&path);
	return rc;
}

json_t *patch_json(const json_t *orig, const json_t *ops, int *http_status, char *err,
		   size_t errlen)
{
	struct jp_ctx ctx = {http_status, err, errlen};
	json_t *doc = json_deep_copy(orig);
	size_t i;
	json_t *op;
	json_array_foreach(ops, i, op) {
		if (jp_apply_op(&doc, op, i, &ctx)) {
			json_decref(doc);
			return NULL;
		}
	}
	return doc;
}
