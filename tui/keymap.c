/* Keymaps (tui/keymap.h): sections of key -> request bindings parsed from YAML, key names
 * and codes, lookups with view -> global fallback, and help lists. */
#include "tui/keymap.h"

#include <ctype.h>
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"
#include "core/xalloc.h"
#include "core/yaml.h"
#include "core/yaml_mark.h"

#define KEY_CODE_ENTER 13
#define KEY_CODE_ESC 27

struct keymap_binding {
	int key;          /* normalised */
	enum request req; /* REQ_NONE: explicitly unbound */
};

struct keymap_section {
	char *name;
	struct keymap_binding *bindings;
	size_t n, cap;
};

struct keymap {
	struct keymap_section *sections;
	size_t n, cap;
};

/* Named keys; the first name of a code is its canonical name. */
static const struct {
	const char *name;
	int code;
} key_names[] = {
	{"space", ' '}, {"enter", KEY_CODE_ENTER}, {"esc", KEY_CODE_ESC}, {"tab", '\t'},
	{"backspace", KEY_BACKSPACE}, {"up", KEY_UP}, {"down", KEY_DOWN},
	{"left", KEY_LEFT}, {"right", KEY_RIGHT}, {"pgup", KEY_PPAGE},
	{"pgdn", KEY_NPAGE}, {"home", KEY_HOME}, {"end", KEY_END}, {"insert", KEY_IC},
	{"delete", KEY_DC}, {"shift-up", KEY_SR}, {"shift-down", KEY_SF},
	{"shift-left", KEY_SLEFT}, {"shift-right", KEY_SRIGHT}, {"shift-tab", KEY_BTAB},
	{"shift-home", KEY_SHOME}, {"shift-end", KEY_SEND},
	/* aliases, never produced by keymap_key_name */
	{"return", KEY_CODE_ENTER}, {"escape", KEY_CODE_ESC}, {"pageup", KEY_PPAGE},
	{"pagedown", KEY_NPAGE}, {"ctrl-i", '\t'}, {"ctrl-m", KEY_CODE_ENTER},
	{"ctrl-j", KEY_CODE_ENTER}, {"ctrl-h", KEY_BACKSPACE}, {"ctrl-[", KEY_CODE_ESC},
};

int keymap_key_normalize(int key)
{
	if (key == '\n' || key == KEY_ENTER)
		return KEY_CODE_ENTER;
	if (key == 8 || key == 127)
		return KEY_BACKSPACE;
	return key;
}

bool keymap_key_from_name(const char *name, int *key)
{
	if (!name || !*name)
		return false;
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
		if (strcmp(name, key_names[i].name) == 0) {
			*key = key_names[i].code;
			return true;
		}
	}
	size_t len = strlen(name);
	unsigned char c = (unsigned char)name[len - 1];
	if (len == 1 && c > ' ' && c < 127) {
		*key = c;
		return true;
	}
	if (len == 6 && strncmp(name, "ctrl-", 5) == 0 && c >= 'a' && c <= 'z') {
		*key = keymap_key_normalize(c - 'a' + 1);
		return true;
	}
	if (len == 7 && strncmp(name, "shift-", 6) == 0 && c >= 'a' && c <= 'z') {
		*key = toupper(c);
		return true;
	}
	if (name[0] == 'f' && len <= 3 && isdigit((unsigned char)name[1]) &&
	    (len == 2 || isdigit(c))) {
		int n = atoi(name + 1);
		if (n >= 1 && n <= 12 && name[1] != '0') {
			*key = KEY_F(n);
			return true;
		}
	}
	return false;
}

const char *keymap_key_name(int key, char *buf, size_t len)
{
	key = keymap_key_normalize(key);
	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
		if (key_names[i].code == key) {
			snprintf(buf, len, "%s", key_names[i].name);
			return buf;
		}
	}
	if (key > ' ' && key < 127)
		snprintf(buf, len, "%c", key);
	else if (key >= 1 && key <= 26)
		snprintf(buf, len, "ctrl-%c", 'a' + key - 1);
	else if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, len, "f%d", key - KEY_F0);
	return buf;
}

struct keymap *keymap_new(void)
{
	return xcalloc(1, sizeof(struct keymap));
}

void keymap_free(struct keymap *km)
{
	if (!km)
		return;
	for (size_t i = 0; i < km->n; i++) {
		free(km->sections[i].name);
		free(km->sections[i].bindings);
	}
	free(km->sections);
	free(km);
}

static const struct keymap_section *section_find(const struct keymap *km, const char *name)
{
	for (size_t i = 0; name && i < km->n; i++)
		if (strcmp(km->sections[i].name, name) == 0)
			return &km->sections[i];
	return NULL;
}

static struct keymap_section *section_get(struct keymap *km, const char *name)
{
	struct keymap_section *sec = (struct keymap_section *)section_find(km, name);
	if (sec)
		return sec;
	km->sections = xgrow(km->sections, &km->cap, km->n + 1, sizeof *km->sections);
	sec = &km->sections[km->n++];
	*sec = (struct keymap_section){.name = xstrdup(name)};
	return sec;
}

static const struct keymap_binding *binding_find(const struct keymap_section *sec, int key)
{
	for (size_t i = 0; sec && i < sec->n; i++)
		if (sec->bindings[i].key == key)
			return &sec->bindings[i];
	return NULL;
}

/* Binds key in sec, replacing an earlier binding of the same key in place (so help order
 * stays the order the default file gave). */
static void section_bind(struct keymap_section *sec, int key, enum request req)
{
	struct keymap_binding *b = (struct keymap_binding *)binding_find(sec, key);
	if (b) {
		b->req = req;
		return;
	}
	sec->bindings = xgrow(sec->bindings, &sec->cap, sec->n + 1, sizeof *sec->bindings);
	sec->bindings[sec->n++] = (struct keymap_binding){key, req};
}

enum request keymap_lookup(const struct keymap *km, const char *view, int key)
{
	key = keymap_key_normalize(key);
	const struct keymap_binding *b = binding_find(section_find(km, view), key);
	if (!b)
		b = binding_find(section_find(km, KEYMAP_GLOBAL), key);
	return b ? b->req : REQ_NONE;
}

/* Adds key to item unless already there or full. */
static void help_add_key(struct keymap_help_item *item, int key)
{
	for (size_t i = 0; i < item->nkeys; i++)
		if (item->keys[i] == key)
			return;
	if (item->nkeys < KEYMAP_HELP_MAX_KEYS)
		item->keys[item->nkeys++] = key;
}

/* Collects the keys of req effective in view: the view's own, then global ones the view
 * does not rebind. */
static void help_collect(const struct keymap *km, const char *view, enum request req,
			 struct keymap_help_item *item)
{
	const struct keymap_section *own = section_find(km, view);
	const struct keymap_section *glob = section_find(km, KEYMAP_GLOBAL);
	item->req = req;
	item->nkeys = 0;
	for (size_t i = 0; own && own != glob && i < own->n; i++)
		if (own->bindings[i].req == req)
			help_add_key(item, own->bindings[i].key);
	for (size_t i = 0; glob && i < glob->n; i++)
		if (glob->bindings[i].req == req &&
		    (own == glob || !binding_find(own, glob->bindings[i].key)))
			help_add_key(item, glob->bindings[i].key);
}

size_t keymap_help(const struct keymap *km, const char *view, bool readonly,
		   struct keymap_help_item *out, size_t cap)
{
	size_t count = 0;
	for (int r = REQ_NONE + 1; r < REQ_COUNT; r++) {
		if (readonly && request_is_action((enum request)r))
			continue;
		struct keymap_help_item item;
		help_collect(km, view, (enum request)r, &item);
		if (item.nkeys == 0)
			continue;
		if (count < cap)
			out[count] = item;
		count++;
	}
	return count;
}

/* Formats "NAME:LINE:COL: " for the key at path, or "NAME: " when it cannot be found. */
static void error_at(char *err, size_t errlen, const char *name, const char *text,
		     size_t len, const char *const *path, size_t depth, const char *problem)
{
	int line = 0, col = 0;
	if (yaml_mark_find(text, len, path, depth, &line, &col))
		snprintf(err, errlen, "%s:%d:%d: %s", name, line, col, problem);
	else
		snprintf(err, errlen, "%s: %s", name, problem);
}

/* Checks one section's bindings into staged (a scratch keymap). */
static int stage_section(struct keymap *staged, const char *name, const char *text,
			 size_t len, const char *secname, json_t *bindings, char *err,
			 size_t errlen)
{
	char problem[256];
	if (!json_is_object(bindings) && !json_is_null(bindings)) {
		snprintf(problem, sizeof problem, "section '%s' must map key names to requests",
			 secname);
		error_at(err, errlen, name, text, len, (const char *[]){secname}, 1, problem);
		return -1;
	}
	struct keymap_section *sec = section_get(staged, secname);
	const char *keyname;
	json_t *value;
	json_object_foreach(bindings, keyname, value) {
		const char *path[] = {secname, keyname};
		int key;
		enum request req;
		if (!keymap_key_from_name(keyname, &key)) {
			snprintf(problem, sizeof problem, "unknown key name '%s' in section '%s'",
				 keyname, secname);
			error_at(err, errlen, name, text, len, path, 2, problem);
			return -1;
		}
		if (!json_is_string(value) || !request_from_name(json_string_value(value), &req)) {
			snprintf(problem, sizeof problem,
				 "unknown request %s%s%s for key '%s' in section '%s'",
				 json_is_string(value) ? "'" : "(not a name)",
				 json_is_string(value) ? json_string_value(value) : "",
				 json_is_string(value) ? "'" : "", keyname, secname);
			error_at(err, errlen, name, text, len, path, 2, problem);
			return -1;
		}
		section_bind(sec, key, req);
	}
	return 0;
}

/* Parses text into staged; the root must be a mapping of sections (or empty). */
static int stage_text(struct keymap *staged, const char *name, const char *text, size_t len,
		      char *err, size_t errlen)
{
	json_t *docs = yaml_parse_documents(name, text, len, err, errlen);
	if (!docs)
		return -1;
	int rc = 0;
	json_t *root = json_array_get(docs, 0);
	if (json_array_size(docs) > 1) {
		snprintf(err, errlen, "%s: a keymap is one YAML document", name);
		rc = -1;
	} else if (root && !json_is_null(root) && !json_is_object(root)) {
		snprintf(err, errlen, "%s:1:1: a keymap is a mapping of sections (global, pods, ...)",
			 name);
		rc = -1;
	}
	const char *secname;
	json_t *bindings;
	if (rc == 0 && json_is_object(root)) {
		json_object_foreach(root, secname, bindings) {
			rc = stage_section(staged, name, text, len, secname, bindings, err, errlen);
			if (rc)
				break;
		}
	}
	json_decref(docs);
	return rc;
}

int keymap_overlay_text(struct keymap *km, const char *name, const char *text, size_t len,
			char *err, size_t errlen)
{
	struct keymap *staged = keymap_new();
	int rc = stage_text(staged, name, text, len, err, errlen);
	for (size_t i = 0; rc == 0 && i < staged->n; i++) {
		struct keymap_section *src = &staged->sections[i];
		struct keymap_section *dst = section_get(km, src->name);
		for (size_t j = 0; j < src->n; j++)
			section_bind(dst, src->bindings[j].key, src->bindings[j].req);
	}
	keymap_free(staged);
	return rc;
}

int keymap_overlay_file(struct keymap *km, const char *path, char *err, size_t errlen)
{
	size_t len = 0;
	char *text = yaml_mark_read_file(path, &len);
	if (!text) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	int rc = keymap_overlay_text(km, path, text, len, err, errlen);
	free(text);
	return rc;
}

/* $XDG_CONFIG_HOME/opsdeck/keymap.yaml (XDG_CONFIG_HOME defaults to $HOME/.config), or
 * NULL when neither variable is set. */
static char *keymap_user_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && *xdg == '/')
		return xasprintf("%s/opsdeck/keymap.yaml", xdg);
	const char *home = getenv("HOME");
	if (home && *home)
		return xasprintf("%s/.config/opsdeck/keymap.yaml", home);
	return NULL;
}

struct keymap *keymap_load(const char *user_path, char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	const struct embedded_file *def = embedded_find("keymaps/default.yaml");
	if (!def) {
		snprintf(err, errlen, "keymaps/default.yaml: not embedded in this build");
		return NULL;
	}
	struct keymap *km = keymap_new();
	if (keymap_overlay_text(km, def->path, def->data, def->len, err, errlen) != 0) {
		keymap_free(km);
		return NULL;
	}
	char *path = user_path ? xstrdup(user_path) : keymap_user_path();
	if (path)
		keymap_overlay_file(km, path, err, errlen);
	free(path);
	return km;
}
