/* YAML documents read into JSON values (see yaml.h). Built on libyaml's event parser. */
#include "core/yaml.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

struct reader {
	yaml_parser_t parser;
	const char *name;
	json_t *anchors;    /* anchor name -> value, for aliases */
	unsigned depth;     /* open sequences and mappings (see YAML_MAX_DEPTH) */
	char *err;
	size_t errlen;
};

static json_t *read_node(struct reader *r, yaml_event_t *ev);

/* Nesting deeper than this is refused: read_node recurses once per level, and 60 KB of
 * "[[[[" would otherwise overflow the stack. Real manifests nest a few dozen deep. */
#define YAML_MAX_DEPTH 512u

static void fail(struct reader *r, size_t line, size_t col, const char *what)
{
	snprintf(r->err, r->errlen, "%s:%zu:%zu: %s", r->name, line + 1, col + 1, what);
}

static bool next_event(struct reader *r, yaml_event_t *ev)
{
	if (yaml_parser_parse(&r->parser, ev))
		return true;
	const yaml_parser_t *p = &r->parser;
	const yaml_mark_t *m = p->problem_mark.line || p->problem_mark.column ? &p->problem_mark
									      : &p->context_mark;
	char what[256];
	snprintf(what, sizeof(what), "%s%s%s", p->problem ? p->problem : "invalid YAML",
		 p->context ? " " : "", p->context ? p->context : "");
	fail(r, m->line, m->column, what);
	return false;
}

static bool is_plain(const yaml_event_t *ev)
{
	return ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev->data.scalar.tag;
}

/* YAML 1.1 merge key: only a plain, untagged "<<" is one; '<<' or "<<" is an ordinary
 * key that happens to read "<<" (what an emitter writes for a JSON key "<<"). */
static bool is_merge_key(const yaml_event_t *ev)
{
	return ev->type == YAML_SCALAR_EVENT && is_plain(ev) && ev->data.scalar.length == 2 &&
	       memcmp(ev->data.scalar.value, "<<", 2) == 0;
}

static json_t *scalar_value(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const char *tag = (const char *)ev->data.scalar.tag;
	if (tag && strcmp(tag, YAML_STR_TAG) == 0)
		return json_stringn(s, len);
	if (!is_plain(ev) && !tag)
		return json_stringn(s, len);
	if (len == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
	    strcmp(s, "NULL") == 0)
		return json_null();
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return json_true();
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return json_false();
	char *end;
	errno = 0;
	long long ll = strtoll(s, &end, 10);
	if (*s && *end == '\0' && errno == 0 && (s[0] != '0' || len == 1 || s[0] == '-'))
		return json_integer(ll);
	if (strchr("+-.0123456789", s[0]) && strpbrk(s, ".eE")) {
		errno = 0;
		double d = strtod(s, &end);
		if (*end == '\0' && errno == 0)
			return json_real(d);
	}
	return json_stringn(s, len);
}

static void remember_anchor(struct reader *r, const yaml_char_t *anchor, json_t *value)
{
	if (anchor && value)
		json_object_set(r->anchors, (const char *)anchor, value);
}

static json_t *read_sequence(struct reader *r, yaml_event_t *start)
{
	json_t *arr = json_array();
	remember_anchor(r, start->data.sequence_start.anchor, arr);
	for (;;) {
		yaml_event_t ev;
		if (!next_event(r, &ev))
			goto bad;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return arr;
		}
		json_t *item = read_node(r, &ev);
		yaml_event_delete(&ev);
		if (!item)
			goto bad;
		json_array_append_new(arr, item);
	}
bad:
	json_decref(arr);
	return NULL;
}

static bool merge_into(json_t *obj, json_t *src)
{
	if (json_is_object(src)) {
		const char *k;
		json_t *v;
		json_object_foreach(src, k, v)
			if (!json_object_get(obj, k))
				json_object_set(obj, k, v);
		return true;
	}
	if (json_is_array(src)) {
		size_t i;
		json_t *v;
		json_array_foreach(src, i, v)
			if (!merge_into(obj, v))
				return false;
		return true;
	}
	return false;
}

static json_t *read_mapping(struct reader *r, yaml_event_t *start)
{
	json_t *obj = json_object();
	remember_anchor(r, start->data.mapping_start.anchor, obj);
	for (;;) {
		yaml_event_t kev;
		if (!next_event(r, &kev))
			goto bad;
		if (kev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&kev);
			return obj;
		}
		yaml_mark_t kmark = kev.start_mark;
		bool merge = is_merge_key(&kev);
		json_t *key = read_node(r, &kev);
		yaml_event_delete(&kev);
		if (!key)
			goto bad;
		char *keystr = NULL;
		if (json_is_string(key))
			keystr = xstrdup(json_string_value(key));
		else if (json_is_null(key))
			keystr = xstrdup("null");
		else if (!json_is_object(key) && !json_is_array(key))
			keystr = json_dumps(key, JSON_ENCODE_ANY | JSON_COMPACT);
		json_decref(key);
		if (!keystr) {
			/* a mapping or sequence as a key: its JSON text would be the key, and
			 * nesting them doubles the escaping per level (700 bytes -> gigabytes) */
			fail(r, kmark.line, kmark.column, "a mapping or sequence cannot be a key");
			goto bad;
		}
		yaml_event_t vev;
		if (!next_event(r, &vev)) {
			free(keystr);
			goto bad;
		}
		json_t *value = read_node(r, &vev);
		yaml_event_delete(&vev);
		if (!value) {
			free(keystr);
			goto bad;
		}
		if (merge) {
			bool ok = merge_into(obj, value);
			json_decref(value);
			free(keystr);
			if (!ok) {
				fail(r, kmark.line, kmark.column, "merge key '<<' needs a mapping");
				goto bad;
			}
			continue;
		}
		json_object_set_new(obj, keystr, value);
		free(keystr);
	}
bad:
	json_decref(obj);
	return NULL;
}

static json_t *read_node(struct reader *r, yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT: {
		json_t *v = scalar_value(ev);
		remember_anchor(r, ev->data.scalar.anchor, v);
		return v;
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		if (r->depth >= YAML_MAX_DEPTH) {
			fail(r, ev->start_mark.line, ev->start_mark.column, "nested too deeply");
			return NULL;
		}
		r->depth++;
		json_t *v = ev->type == YAML_SEQUENCE_START_EVENT ? read_sequence(r, ev)
								 : read_mapping(r, ev);
		r->depth--;
		return v;
	}
	case YAML_ALIAS_EVENT: {
		json_t *v = json_object_get(r->anchors, (const char *)ev->data.alias.anchor);
		if (!v) {
			fail(r, ev->start_mark.line, ev->start_mark.column, "unknown alias");
			return NULL;
		}
		return json_incref(v);
	}
	default:
		fail(r, ev->start_mark.line, ev->start_mark.column, "unexpected YAML event");
		return NULL;
	}
}

json_t *yaml_parse_documents(const char *name, const char *text, size_t len, char *err,
			     size_t errlen)
{
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	struct reader r = {.name = name ? name : "<input>", .err = err, .errlen = errlen};
	if (!yaml_parser_initialize(&r.parser)) {
		snprintf(err, errlen, "%s: cannot start the YAML parser", r.name);
		return NULL;
	}
	yaml_parser_set_input_string(&r.parser, (const unsigned char *)text, len);
	json_t *docs = json_array();
	r.anchors = json_object();
	bool ok = true;
	for (;;) {
		yaml_event_t ev;
		if (!next_event(&r, &ev)) {
			ok = false;
			break;
		}
		yaml_event_type_t type = ev.type;
		if (type == YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			yaml_event_t root;
			if (!next_event(&r, &root)) {
				ok = false;
				break;
			}
			json_t *doc = root.type == YAML_DOCUMENT_END_EVENT ? NULL : read_node(&r, &root);
			bool empty = root.type == YAML_DOCUMENT_END_EVENT;
			yaml_event_delete(&root);
			if (empty)
				continue;
			if (!doc) {
				ok = false;
				break;
			}
			if (!json_is_null(doc))
				json_array_append(docs, doc);
			json_decref(doc);
			json_object_clear(r.anchors);
			continue;
		}
		yaml_event_delete(&ev);
		if (type == YAML_STREAM_END_EVENT)
			break;
	}
	json_decref(r.anchors);
	yaml_parser_delete(&r.parser);
	if (!ok) {
		json_decref(docs);
		return NULL;
	}
	return docs;
}

json_t *yaml_load_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct strbuf sb = STRBUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_append(&sb, chunk, n);
	bool read_error = ferror(f);
	fclose(f);
	if (read_error) {
		snprintf(err, errlen, "%s: read error", path);
		strbuf_free(&sb);
		return NULL;
	}
	json_t *docs = yaml_parse_documents(path, strbuf_str(&sb), sb.len, err, errlen);
	strbuf_free(&sb);
	return docs;
}
