/* Format-preserving image tag edits in kustomization.yaml and Helm values files
 * (core/gitops_edit.h): libyaml's events find the scalar, its marks say which bytes to
 * replace, and every other byte of the file is copied through unchanged. */
#include "core/gitops_edit.h"

#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

/* The node a walk was looking for: what to read, or which bytes to replace. */
struct gx_node {
	bool present;
	bool has_key;               /* the value of a mapping key (key_end is valid) */
	yaml_event_type_t type;     /* scalar, alias, or a collection's start */
	yaml_scalar_style_t style;
	char *value;                /* scalar text; an alias's anchored text; else NULL */
	char *anchor;               /* a scalar's own &anchor, or the name an alias uses */
	yaml_mark_t start, end;
	yaml_mark_t key_end;
};

struct gx_level {
	bool is_map;
	bool expect_key;
	char *key;                  /* current key of a mapping; NULL unless a scalar */
	yaml_mark_t key_start, key_end;
	long index;                 /* current item of a sequence */
};

struct gx_anchor {
	char *name;
	char *value;                /* NULL for an anchored collection */
};

struct gx_alias {
	char *name;
	size_t index;               /* where it was used (libyaml character index) */
};

struct gx_walk;
typedef void gx_visit_fn(struct gx_walk *w, const yaml_event_t *ev);

/* An event walk that keeps the path (keys and sequence indexes) of the current node. */
struct gx_walk {
	struct gx_level *lv;
	size_t depth, cap;
	struct gx_anchor *anchors;
	size_t nanchors, anchors_cap;
	struct gx_alias *aliases;
	size_t naliases, aliases_cap;
	gx_visit_fn *visit;         /* a node in value or item position */
	gx_visit_fn *leave;         /* a collection's end, before it is popped */
	void *ctx;
};

__attribute__((format(printf, 3, 4)))
static void gx_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void gx_node_free(struct gx_node *n)
{
	free(n->value);
	free(n->anchor);
	memset(n, 0, sizeof(*n));
}

static const char *gx_anchor_name(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return (const char *)ev->data.scalar.anchor;
	case YAML_MAPPING_START_EVENT:
		return (const char *)ev->data.mapping_start.anchor;
	case YAML_SEQUENCE_START_EVENT:
		return (const char *)ev->data.sequence_start.anchor;
	default:
		return NULL;
	}
}

/* The latest definition wins: YAML lets an anchor name be reused. */
static const char *gx_anchor_value(const struct gx_walk *w, const char *name)
{
	for (size_t i = w->nanchors; i > 0; i--)
		if (strcmp(w->anchors[i - 1].name, name) == 0)
			return w->anchors[i - 1].value;
	return NULL;
}

static void gx_remember(struct gx_walk *w, const yaml_event_t *ev)
{
	const char *anchor = gx_anchor_name(ev);
	if (anchor) {
		w->anchors = xgrow(w->anchors, &w->anchors_cap, w->nanchors + 1,
				   sizeof(*w->anchors));
		const char *v = ev->type == YAML_SCALAR_EVENT ? (const char *)ev->data.scalar.value
							       : NULL;
		w->anchors[w->nanchors++] = (struct gx_anchor){xstrdup(anchor), v ? xstrdup(v) : NULL};
	}
	if (ev->type == YAML_ALIAS_EVENT) {
		w->aliases = xgrow(w->aliases, &w->aliases_cap, w->naliases + 1,
				   sizeof(*w->aliases));
		w->aliases[w->naliases++] = (struct gx_alias){
			xstrdup((const char *)ev->data.alias.anchor), ev->start_mark.index};
	}
}

/* Copies what a caller needs of ev (the node at the walk's current path) into n. */
static void gx_capture(const struct gx_walk *w, const yaml_event_t *ev, struct gx_node *n)
{
	gx_node_free(n);
	n->present = true;
	n->type = ev->type;
	n->start = ev->start_mark;
	n->end = ev->end_mark;
	const struct gx_level *top = w->depth ? &w->lv[w->depth - 1] : NULL;
	if (top && top->is_map) {
		n->has_key = true;
		n->key_end = top->key_end;
	}
	if (ev->type == YAML_SCALAR_EVENT) {
		n->style = ev->data.scalar.style;
		n->value = xstrdup((const char *)ev->data.scalar.value);
		if (ev->data.scalar.anchor)
			n->anchor = xstrdup((const char *)ev->data.scalar.anchor);
	} else if (ev->type == YAML_ALIAS_EVENT) {
		const char *name = (const char *)ev->data.alias.anchor;
		const char *v = gx_anchor_value(w, name);
		n->anchor = xstrdup(name);
		n->value = v ? xstrdup(v) : NULL;
	}
}

static void gx_push(struct gx_walk *w, const yaml_event_t *ev)
{
	w->lv = xgrow(w->lv, &w->cap, w->depth + 1, sizeof(*w->lv));
	w->lv[w->depth++] = (struct gx_level){
		.is_map = ev->type == YAML_MAPPING_START_EVENT, .expect_key = true, .index = -1};
}

static void gx_pop(struct gx_walk *w, const yaml_event_t *ev)
{
	if (w->depth == 0)
		return;
	if (w->leave)
		w->leave(w, ev);
	free(w->lv[w->depth - 1].key);
	w->depth--;
}

/* A scalar, alias or collection start: a key of the innermost mapping, or a value. */
static void gx_node_event(struct gx_walk *w, const yaml_event_t *ev)
{
	struct gx_level *top = w->depth ? &w->lv[w->depth - 1] : NULL;
	if (top && top->is_map && top->expect_key) {
		free(top->key);
		top->key = ev->type == YAML_SCALAR_EVENT
				   ? xstrdup((const char *)ev->data.scalar.value) : NULL;
		top->key_start = ev->start_mark;
		top->key_end = ev->end_mark;
		top->expect_key = false;
	} else {
		if (top && top->is_map)
			top->expect_key = true;
		else if (top)
			top->index++;
		w->visit(w, ev);
	}
	gx_remember(w, ev);
	if (ev->type == YAML_MAPPING_START_EVENT || ev->type == YAML_SEQUENCE_START_EVENT)
		gx_push(w, ev);
}

static void gx_parse_error(const yaml_parser_t *p, char *err, size_t errlen)
{
	const yaml_mark_t *m = p->problem_mark.line || p->problem_mark.column ? &p->problem_mark
									      : &p->context_mark;
	gx_err(err, errlen, "%zu:%zu: %s%s%s", m->line + 1, m->column + 1,
	       p->problem ? p->problem : "invalid YAML", p->context ? " " : "",
	       p->context ? p->context : "");
}

/* Walks every event of every document; false with err when the text is not YAML. */
static bool gx_run(struct gx_walk *w, const char *text, char *err, size_t errlen)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		gx_err(err, errlen, "cannot start the YAML parser");
		return false;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
	bool ok = true, done = false;
	while (!done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			gx_parse_error(&parser, err, errlen);
			ok = false;
			break;
		}
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			gx_node_event(w, &ev);
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			gx_pop(w, &ev);
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return ok;
}

static void gx_walk_free(struct gx_walk *w)
{
	for (size_t i = 0; i < w->depth; i++)
		free(w->lv[i].key);
	free(w->lv);
	for (size_t i = 0; i < w->nanchors; i++) {
		free(w->anchors[i].name);
		free(w->anchors[i].value);
	}
	free(w->anchors);
	for (size_t i = 0; i < w->naliases; i++)
		free(w->aliases[i].name);
	free(w->aliases);
}

/* ---- which bytes: libyaml marks count characters (not bytes) after any BOM ---- */

static size_t gx_byte_at(const char *text, size_t len, size_t char_index)
{
	size_t b = 0;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		b = 3;
	for (size_t c = 0; c < char_index && b < len; c++) {
		b++;
		while (b < len && ((unsigned char)text[b] & 0xc0) == 0x80)
			b++;
	}
	return b;
}

/* A node's start mark covers its properties ("&anchor !!str "): skip them. */
static size_t gx_skip_properties(const char *text, size_t s, size_t e)
{
	while (s < e && (text[s] == '&' || text[s] == '!')) {
		while (s < e && text[s] != ' ' && text[s] != '\t')
			s++;
		while (s < e && (text[s] == ' ' || text[s] == '\t'))
			s++;
	}
	return s;
}

static bool gx_alias_after(const struct gx_walk *w, const char *anchor, size_t index)
{
	for (size_t i = 0; i < w->naliases; i++)
		if (w->aliases[i].index > index && strcmp(w->aliases[i].name, anchor) == 0)
			return true;
	return false;
}

/* Refuses what cannot be changed by rewriting one run of bytes on one line. */
static bool gx_editable(const struct gx_walk *w, const struct gx_node *n, const char *what,
			char *err, size_t errlen)
{
	if (n->type == YAML_ALIAS_EVENT) {
		gx_err(err, errlen, "%s is an alias (*%s): change the anchored value (&%s) instead",
		       what, n->anchor, n->anchor);
		return false;
	}
	if (n->type != YAML_SCALAR_EVENT) {
		gx_err(err, errlen, "%s is not a scalar", what);
		return false;
	}
	if (n->anchor && gx_alias_after(w, n->anchor, n->start.index)) {
		gx_err(err, errlen,
		       "%s is anchored (&%s) and an alias shares it: editing it would change that "
		       "alias too; edit the file by hand", what, n->anchor);
		return false;
	}
	if (n->style == YAML_LITERAL_SCALAR_STYLE || n->style == YAML_FOLDED_SCALAR_STYLE ||
	    n->start.line != n->end.line) {
		gx_err(err, errlen, "%s is a multi-line scalar; edit the file by hand", what);
		return false;
	}
	return true;
}

/* ---- how the new value is written ---- */

/* Plain text a YAML 1.1 or 1.2 reader (libyaml, Go's yaml, Helm) would take for
 * something other than a string: null, booleans, numbers, dates, merge and value keys. */
static const char gx_typed_re[] =
	"^(~|null|Null|NULL"
	"|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
	"|[-+]?[0-9][0-9_]*"
	"|[-+]?0(x[0-9a-fA-F_]+|o[0-7_]+|b[01_]+)"
	"|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?"
	"|[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?"
	"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
	"|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)"
	"|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?.*"
	"|<<|=)$";

static bool gx_reads_as_typed(const char *s)
{
	regex_t re;
	if (regcomp(&re, gx_typed_re, REG_EXTENDED | REG_NOSUB) != 0)
		return true; /* cannot tell: quoting is always safe */
	bool typed = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return typed;
}

/* True when s, written as a plain scalar in block or flow context, reads back as the
 * string s. */
static bool gx_plain_ok(const char *s)
{
	if (!*s || strchr("-?:,[]{}#&*!|>'\"%@` \t", s[0]))
		return false;
	size_t n = strlen(s);
	if (s[n - 1] == ' ' || s[n - 1] == ':')
		return false;
	if (strpbrk(s, ",[]{}") || strstr(s, ": ") || strstr(s, " #"))
		return false;
	return !gx_reads_as_typed(s);
}

static void gx_put_double(struct strbuf *sb, const char *s)
{
	strbuf_putc(sb, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_putc(sb, '\\');
		strbuf_putc(sb, *s);
	}
	strbuf_putc(sb, '"');
}

static void gx_put_single(struct strbuf *sb, const char *s)
{
	strbuf_putc(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_putc(sb, '\'');
		strbuf_putc(sb, *s);
	}
	strbuf_putc(sb, '\'');
}

/* The scalar as it will appear in the file, in the given (original) style. */
static void gx_put_value(struct strbuf *sb, const char *value, yaml_scalar_style_t style)
{
	if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE)
		gx_put_single(sb, value);
	else if (style == YAML_DOUBLE_QUOTED_SCALAR_STYLE || !gx_plain_ok(value))
		gx_put_double(sb, value);
	else
		strbuf_puts(sb, value);
}

static bool gx_value_ok(const char *value, const char *what, char *err, size_t errlen)
{
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			gx_err(err, errlen, "the new %s has a control character", what);
			return false;
		}
	}
	return true;
}

/* Where an empty plain value is filled in: right after its key's ':' (libyaml puts an
 * empty scalar's mark there in block context but at the next token in flow context),
 * or after its properties when it has some. */
static size_t gx_empty_at(const char *text, size_t len, const struct gx_node *n, size_t s,
			  size_t e)
{
	if (s != gx_byte_at(text, len, n->start.index) || !n->has_key)
		return e;
	size_t p = gx_byte_at(text, len, n->key_end.index);
	while (p < len && text[p] != ':')
		p++;
	return p < len ? p + 1 : e;
}

/* text with node n's value replaced by value; nothing outside those bytes changes. */
static char *gx_replace(const char *text, const struct gx_node *n, const char *value)
{
	size_t len = strlen(text);
	size_t e = gx_byte_at(text, len, n->end.index);
	size_t s = gx_skip_properties(text, gx_byte_at(text, len, n->start.index), e);
	struct strbuf sb = STRBUF_INIT;
	if (n->style == YAML_PLAIN_SCALAR_STYLE && !n->value[0]) {
		size_t at = gx_empty_at(text, len, n, s, e);
		strbuf_append(&sb, text, at);
		strbuf_putc(&sb, ' ');
		gx_put_value(&sb, value, n->style);
		strbuf_append(&sb, text + at, len - at);
		return strbuf_detach(&sb);
	}
	strbuf_append(&sb, text, s);
	gx_put_value(&sb, value, n->style);
	strbuf_append(&sb, text + e, len - e);
	return strbuf_detach(&sb);
}

/* ---- kustomization.yaml: images[] entries ---- */

struct kz_entry {
	bool active, flow;
	char *name;
	yaml_mark_t name_end, name_key_start;
	struct gx_node tag;
};

struct kz_find {
	const char *image;
	struct kz_entry cur, found;
	bool have;
};

static void kz_entry_free(struct kz_entry *e)
{
	free(e->name);
	gx_node_free(&e->tag);
	memset(e, 0, sizeof(*e));
}

/* Inside the top-level images sequence of a document. */
static bool kz_in_images(const struct gx_walk *w)
{
	return w->depth >= 2 && w->lv[0].is_map && w->lv[0].key &&
	       strcmp(w->lv[0].key, "images") == 0 && !w->lv[1].is_map;
}

static void kz_visit(struct gx_walk *w, const yaml_event_t *ev)
{
	struct kz_find *f = w->ctx;
	if (!kz_in_images(w))
		return;
	if (w->depth == 2) { /* an item of images: a new entry starts */
		kz_entry_free(&f->cur);
		f->cur.active = ev->type == YAML_MAPPING_START_EVENT;
		f->cur.flow = f->cur.active &&
			      ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
		return;
	}
	const struct gx_level *entry = &w->lv[2];
	if (w->depth != 3 || !f->cur.active || !entry->is_map || !entry->key)
		return;
	if (strcmp(entry->key, "name") == 0 && ev->type == YAML_SCALAR_EVENT && !f->cur.name) {
		f->cur.name = xstrdup((const char *)ev->data.scalar.value);
		f->cur.name_end = ev->end_mark;
		f->cur.name_key_start = entry->key_start;
	} else if (strcmp(entry->key, "newTag") == 0 && !f->cur.tag.present) {
		gx_capture(w, ev, &f->cur.tag);
	}
}

static void kz_leave(struct gx_walk *w, const yaml_event_t *ev)
{
	struct kz_find *f = w->ctx;
	(void)ev;
	if (w->depth != 3 || !kz_in_images(w) || !f->cur.active)
		return;
	if (!f->have && f->cur.name && strcmp(f->cur.name, f->image) == 0) {
		f->found = f->cur;
		memset(&f->cur, 0, sizeof(f->cur));
		f->have = true;
	} else {
		kz_entry_free(&f->cur);
	}
}

/* Runs the walk; false with err unless the entry for image was found. */
static bool kz_find_entry(struct gx_walk *w, struct kz_find *f, const char *text,
			  const char *image, char *err, size_t errlen)
{
	*f = (struct kz_find){.image = image};
	*w = (struct gx_walk){.visit = kz_visit, .leave = kz_leave, .ctx = f};
	if (!text || !image) {
		gx_err(err, errlen, "no text or no image name");
		return false;
	}
	if (!gx_run(w, text, err, errlen))
		return false;
	if (!f->have) {
		gx_err(err, errlen, "no images entry for %s", image);
		return false;
	}
	return true;
}

static void kz_find_free(struct gx_walk *w, struct kz_find *f)
{
	kz_entry_free(&f->cur);
	kz_entry_free(&f->found);
	gx_walk_free(w);
}

static char *kz_tag_value(const struct gx_node *tag, char *err, size_t errlen)
{
	if (!tag->present)
		return xstrdup("");
	if (!tag->value) {
		gx_err(err, errlen, "newTag is not a scalar");
		return NULL;
	}
	return xstrdup(tag->value);
}

char *gitops_kustomize_get_tag(const char *text, const char *image, char *err, size_t errlen)
{
	struct gx_walk w;
	struct kz_find f;
	char *out = NULL;
	if (kz_find_entry(&w, &f, text, image, err, errlen))
		out = kz_tag_value(&f.found.tag, err, errlen);
	kz_find_free(&w, &f);
	return out;
}

/* Adds newTag to an entry that has none, after its name (see the header). */
static char *kz_insert_tag(const char *text, const struct kz_entry *e, const char *tag)
{
	size_t len = strlen(text);
	size_t at = gx_byte_at(text, len, e->name_end.index);
	struct strbuf sb = STRBUF_INIT;
	if (e->flow) {
		strbuf_append(&sb, text, at);
		strbuf_puts(&sb, ", newTag: ");
		gx_put_value(&sb, tag, YAML_PLAIN_SCALAR_STYLE);
		strbuf_append(&sb, text + at, len - at);
		return strbuf_detach(&sb);
	}
	while (at < len && text[at] != '\n' && text[at] != '\r')
		at++;
	bool crlf = at + 1 < len && text[at] == '\r' && text[at + 1] == '\n';
	const char *eol = crlf ? "\r\n" : "\n";
	size_t after = at < len ? at + strlen(eol) : at;
	struct strbuf line = STRBUF_INIT;
	for (size_t i = 0; i < e->name_key_start.column; i++)
		strbuf_putc(&line, ' ');
	strbuf_puts(&line, "newTag: ");
	gx_put_value(&line, tag, YAML_PLAIN_SCALAR_STYLE);
	strbuf_append(&sb, text, after);
	if (at == len) /* the name line was the last and had no newline: keep it so */
		strbuf_puts(&sb, eol);
	strbuf_puts(&sb, strbuf_str(&line));
	if (at < len)
		strbuf_puts(&sb, eol);
	strbuf_append(&sb, text + after, len - after);
	strbuf_free(&line);
	return strbuf_detach(&sb);
}

/* The edit must read back as the value asked for; anything else is a bug here, and a
 * wrong promotion is worse than none. */
static char *gx_verify(char *out, char *got, const char *want, char *err, size_t errlen)
{
	bool same = got && strcmp(got, want) == 0;
	free(got);
	if (same)
		return out;
	free(out);
	gx_err(err, errlen, "the edited file does not read back as %s; not changed", want);
	return NULL;
}

char *gitops_kustomize_set_tag(const char *text, const char *image, const char *tag,
			       char *err, size_t errlen)
{
	if (!tag || !*tag) {
		gx_err(err, errlen, "empty tag");
		return NULL;
	}
	if (!gx_value_ok(tag, "tag", err, errlen))
		return NULL;
	struct gx_walk w;
	struct kz_find f;
	char *out = NULL;
	if (kz_find_entry(&w, &f, text, image, err, errlen)) {
		const struct gx_node *n = &f.found.tag;
		char what[256];
		snprintf(what, sizeof(what), "newTag of images entry %s", image);
		if (!n->present)
			out = kz_insert_tag(text, &f.found, tag);
		else if (gx_editable(&w, n, what, err, errlen))
			out = gx_replace(text, n, tag);
	}
	kz_find_free(&w, &f);
	if (!out)
		return NULL;
	char verr[256];
	return gx_verify(out, gitops_kustomize_get_tag(out, image, verr, sizeof(verr)), tag, err,
			 errlen);
}

/* ---- Helm values: a dotted key path ---- */

struct helm_find {
	char **path;
	size_t npath;
	struct gx_node found;
};

static bool helm_level_matches(const struct gx_level *lv, const char *want)
{
	if (lv->is_map)
		return lv->key && strcmp(lv->key, want) == 0;
	if (!*want || strspn(want, "0123456789") != strlen(want) || strlen(want) > 9)
		return false;
	return strtol(want, NULL, 10) == lv->index;
}

static void helm_visit(struct gx_walk *w, const yaml_event_t *ev)
{
	struct helm_find *f = w->ctx;
	if (f->found.present || w->depth != f->npath)
		return;
	for (size_t i = 0; i < w->depth; i++)
		if (!helm_level_matches(&w->lv[i], f->path[i]))
			return;
	gx_capture(w, ev, &f->found);
}

/* Splits "a.b.c"; false for an empty path or an empty component. */
static bool helm_split(struct helm_find *f, const char *path)
{
	char *copy = xstrdup(path);
	size_t cap = 0;
	bool ok = *path != '\0';
	for (char *p = copy, *dot; ok; p = dot + 1) {
		dot = strchr(p, '.');
		if (dot)
			*dot = '\0';
		ok = *p != '\0';
		f->path = xgrow(f->path, &cap, f->npath + 1, sizeof(*f->path));
		f->path[f->npath++] = xstrdup(p);
		if (!dot)
			break;
	}
	free(copy);
	return ok;
}

static void helm_find_free(struct gx_walk *w, struct helm_find *f)
{
	for (size_t i = 0; i < f->npath; i++)
		free(f->path[i]);
	free(f->path);
	gx_node_free(&f->found);
	gx_walk_free(w);
}

static bool helm_find_value(struct gx_walk *w, struct helm_find *f, const char *text,
			    const char *path, char *err, size_t errlen)
{
	*f = (struct helm_find){0};
	*w = (struct gx_walk){.visit = helm_visit, .ctx = f};
	if (!text || !path || !helm_split(f, path)) {
		gx_err(err, errlen, "bad key path \"%s\"", path ? path : "");
		return false;
	}
	if (!gx_run(w, text, err, errlen))
		return false;
	if (!f->found.present) {
		gx_err(err, errlen, "no value at %s", path);
		return false;
	}
	return true;
}

char *gitops_helm_get_value(const char *text, const char *path, char *err, size_t errlen)
{
	struct gx_walk w;
	struct helm_find f;
	char *out = NULL;
	if (helm_find_value(&w, &f, text, path, err, errlen)) {
		if (f.found.value)
			out = xstrdup(f.found.value);
		else
			gx_err(err, errlen, "%s is not a scalar", path);
	}
	helm_find_free(&w, &f);
	return out;
}

char *gitops_helm_set_value(const char *text, const char *path, const char *value,
			    char *err, size_t errlen)
{
	if (!value) {
		gx_err(err, errlen, "no value");
		return NULL;
	}
	if (!gx_value_ok(value, "value", err, errlen))
		return NULL;
	struct gx_walk w;
	struct helm_find f;
	char *out = NULL;
	if (helm_find_value(&w, &f, text, path, err, errlen) &&
	    gx_editable(&w, &f.found, path, err, errlen))
		out = gx_replace(text, &f.found, value);
	helm_find_free(&w, &f);
	if (!out)
		return NULL;
	char verr[256];
	return gx_verify(out, gitops_helm_get_value(out, path, verr, sizeof(verr)), value, err,
			 errlen);
}
