/* A second, event-level pass over a YAML text to locate mapping keys (core/yaml_mark.h). */
#include "core/yaml_mark.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/xalloc.h"

#define YAML_MARK_MAX_DEPTH 64

struct mark_level {
	bool is_map;
	bool expect_key;
	bool key_matches; /* the current key of this mapping equals path at this depth */
};

struct mark_walk {
	struct mark_level stack[YAML_MARK_MAX_DEPTH];
	int top;          /* index of the innermost level; -1 at document level */
	size_t map_depth; /* mappings on the stack */
	const char *const *path;
	size_t depth;
};

/* True when every enclosing mapping's current key matches the path. */
static bool mark_prefix_matches(const struct mark_walk *w)
{
	for (int i = 0; i < w->top; i++)
		if (w->stack[i].is_map && !w->stack[i].key_matches)
			return false;
	return true;
}

/* A node (scalar or collection start) arrived at the innermost level: if that level is
 * a mapping, the node is a key or a value. Returns true when it is the key sought. */
static bool mark_node(struct mark_walk *w, const yaml_event_t *ev)
{
	if (w->top < 0)
		return false;
	struct mark_level *lv = &w->stack[w->top];
	if (!lv->is_map)
		return false;
	if (!lv->expect_key) {
		lv->expect_key = true;
		return false;
	}
	lv->expect_key = false;
	lv->key_matches = false;
	if (ev->type != YAML_SCALAR_EVENT || w->map_depth > w->depth)
		return false;
	const char *want = w->path[w->map_depth - 1];
	lv->key_matches = strcmp((const char *)ev->data.scalar.value, want) == 0;
	return lv->key_matches && w->map_depth == w->depth && mark_prefix_matches(w);
}

static bool mark_push(struct mark_walk *w, bool is_map)
{
	if (w->top + 1 >= YAML_MARK_MAX_DEPTH)
		return false;
	w->top++;
	w->stack[w->top] = (struct mark_level){is_map, true, false};
	if (is_map)
		w->map_depth++;
	return true;
}

static void mark_pop(struct mark_walk *w)
{
	if (w->top < 0)
		return;
	if (w->stack[w->top].is_map)
		w->map_depth--;
	w->top--;
}

/* Handles one event; returns 1 found, 0 continue, -1 stop (end or error). */
static int mark_event(struct mark_walk *w, const yaml_event_t *ev, int *line, int *col)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
	case YAML_ALIAS_EVENT:
		if (mark_node(w, ev)) {
			*line = (int)ev->start_mark.line + 1;
			*col = (int)ev->start_mark.column + 1;
			return 1;
		}
		return 0;
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		mark_node(w, ev);
		return mark_push(w, ev->type == YAML_MAPPING_START_EVENT) ? 0 : -1;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		mark_pop(w);
		return 0;
	case YAML_DOCUMENT_END_EVENT:
	case YAML_STREAM_END_EVENT:
		return -1;
	default:
		return 0;
	}
}

bool yaml_mark_find(const char *text, size_t len, const char *const *path, size_t depth,
		    int *line, int *col)
{
	if (!text || depth == 0)
		return false;
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		return false;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	struct mark_walk w = {.top = -1, .path = path, .depth = depth};
	int status = 0;
	while (status == 0) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev))
			break;
		status = mark_event(&w, &ev, line, col);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return status == 1;
}

/* ---- key paths over the loaded document (indexes need the node tree) */

static yaml_node_t *keypath_key(yaml_document_t *doc, yaml_node_t *map, const char *key,
				yaml_node_t **key_node)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		if (k && k->type == YAML_SCALAR_NODE && strlen(key) == k->data.scalar.length &&
		    memcmp(k->data.scalar.value, key, k->data.scalar.length) == 0) {
			*key_node = k;
			return yaml_document_get_node(doc, p->value);
		}
	}
	return NULL;
}

static yaml_node_t *keypath_item(yaml_document_t *doc, yaml_node_t *seq, long i)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE || i < 0 ||
	    i >= seq->data.sequence.items.top - seq->data.sequence.items.start)
		return NULL;
	return yaml_document_get_node(doc, seq->data.sequence.items.start[i]);
}

static bool keypath_walk(yaml_document_t *doc, const char *keypath, int *line, int *col)
{
	yaml_node_t *node = yaml_document_get_root_node(doc), *mark = NULL;
	char *copy = xstrdup(keypath), *save = NULL;
	for (char *part = strtok_r(copy, ".", &save); part && node;
	     part = strtok_r(NULL, ".", &save)) {
		char *bracket = strchr(part, '[');
		if (bracket)
			*bracket = '\0';
		if (*part)
			node = keypath_key(doc, node, part, &mark);
		while (bracket && node) {
			node = mark = keypath_item(doc, node, strtol(bracket + 1, NULL, 10));
			bracket = strchr(bracket + 1, '[');
		}
	}
	free(copy);
	if (!mark)
		return false;
	*line = (int)mark->start_mark.line + 1;
	*col = (int)mark->start_mark.column + 1;
	return true;
}

bool yaml_mark_keypath(const char *text, size_t len, const char *keypath, int *line,
		       int *col)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	bool found = false;
	if (!yaml_parser_initialize(&parser))
		return false;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (yaml_parser_load(&parser, &doc)) {
		found = keypath_walk(&doc, keypath, line, col);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	return found;
}

char *yaml_mark_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		buf = xgrow(buf, &cap, n + 4096 + 1, 1);
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	int failed = ferror(f), saved = errno;
	fclose(f);
	if (failed) {
		free(buf);
		/* keep the reason (EISDIR for a directory); EIO only when there is none */
		errno = saved ? saved : EIO;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}
