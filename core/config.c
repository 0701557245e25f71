/* The user's settings (see config.h): config.yaml read over built-in defaults, and
 * namespace favourites in a separate state file that opsdeck rewrites atomically, so
 * the user's hand-written config.yaml is never rewritten by the program. */
#include "core/config.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "core/yaml.h"
#include "core/yaml_mark.h"

struct config_entry {
	char *pattern;          /* exact context name or fnmatch glob */
	bool glob;
	int readonly, protected_;  /* -1 unset, 0, 1 */
	char *theme;            /* NULL when unset */
};

struct config_fav {
	char *context;
	char **ns;
	size_t n, cap;
};

/* A named set of clusters for `@NAME`: its members joined with commas. */
struct config_cluster_set {
	char *name;
	char *members;
};

struct config {
	char *theme;
	int coalesce_ms;
	struct config_logs logs;
	struct config_cluster_set *sets;
	size_t nsets, sets_cap;
	struct config_entry *entries;
	size_t nentries, entries_cap;
	struct config_fav *favs;
	size_t nfavs, favs_cap;
};

struct config *config_new(void)
{
	struct config *c = xcalloc(1, sizeof(*c));
	c->theme = xstrdup("dark");
	c->coalesce_ms = 50;
	c->logs.buffer_lines = 100000;
	c->logs.tail_lines = 200;
	return c;
}

static void favs_free(struct config *c)
{
	for (size_t i = 0; i < c->nfavs; i++) {
		for (size_t j = 0; j < c->favs[i].n; j++)
			free(c->favs[i].ns[j]);
		free(c->favs[i].ns);
		free(c->favs[i].context);
	}
	free(c->favs);
	c->favs = NULL;
	c->nfavs = c->favs_cap = 0;
}

void config_free(struct config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nsets; i++) {
		free(c->sets[i].name);
		free(c->sets[i].members);
	}
	free(c->sets);
	for (size_t i = 0; i < c->nentries; i++) {
		free(c->entries[i].pattern);
		free(c->entries[i].theme);
	}
	free(c->entries);
	for (size_t i = 0; i < c->logs.nfields; i++)
		free(c->logs.fields[i]);
	free(c->logs.fields);
	favs_free(c);
	free(c->theme);
	free(c);
}

/* ---- reading config.yaml ---------------------------------------------------------- */

/* Fills err with "NAME: key: problem" and returns false, for one-line error returns. */
static bool bad(char *err, size_t errlen, const char *name, const char *key, const char *what)
{
	snprintf(err, errlen, "%s: %s: %s", name, key, what);
	return false;
}

static bool read_bool(json_t *v, int *out, const char *name, const char *key, char *err,
		      size_t errlen)
{
	if (!json_is_boolean(v))
		return bad(err, errlen, name, key, "expected true or false");
	*out = json_is_true(v);
	return true;
}

static bool read_string(json_t *v, char **out, const char *name, const char *key, char *err,
			size_t errlen)
{
	if (!json_is_string(v) || !json_string_length(v))
		return bad(err, errlen, name, key, "expected a non-empty string");
	free(*out);
	*out = xstrdup(json_string_value(v));
	return true;
}

static bool read_defaults(struct config *c, json_t *obj, const char *name, char *err,
			  size_t errlen)
{
	const char *k;
	json_t *v;
	char key[160];
	if (!json_is_object(obj))
		return bad(err, errlen, name, "defaults", "expected a mapping");
	json_object_foreach(obj, k, v) {
		snprintf(key, sizeof(key), "defaults.%s", k);
		if (strcmp(k, "theme") == 0) {
			if (!read_string(v, &c->theme, name, key, err, errlen))
				return false;
		} else if (strcmp(k, "coalesce_ms") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > 10000)
				return bad(err, errlen, name, key, "expected an integer 0..10000");
			c->coalesce_ms = (int)json_integer_value(v);
		} else {
			return bad(err, errlen, name, key, "unknown key");
		}
	}
	return true;
}

static bool read_entry_key(struct config_entry *e, const char *k, json_t *v, const char *name,
			   const char *key, char *err, size_t errlen)
{
	if (strcmp(k, "name") == 0) {
		if (!read_string(v, &e->pattern, name, key, err, errlen))
			return false;
		e->glob = strpbrk(e->pattern, "*?[") != NULL;
		return true;
	}
	if (strcmp(k, "readonly") == 0)
		return read_bool(v, &e->readonly, name, key, err, errlen);
	if (strcmp(k, "protected") == 0)
		return read_bool(v, &e->protected_, name, key, err, errlen);
	if (strcmp(k, "theme") == 0)
		return read_string(v, &e->theme, name, key, err, errlen);
	return bad(err, errlen, name, key, "unknown key");
}

static bool read_contexts(struct config *c, json_t *arr, const char *name, char *err,
			  size_t errlen)
{
	size_t i;
	json_t *item;
	char key[200];
	if (!json_is_array(arr))
		return bad(err, errlen, name, "contexts", "expected a list");
	json_array_foreach(arr, i, item) {
		snprintf(key, sizeof(key), "contexts[%zu]", i);
		if (!json_is_object(item))
			return bad(err, errlen, name, key, "expected a mapping");
		c->entries = xgrow(c->entries, &c->entries_cap, c->nentries + 1,
				   sizeof(*c->entries));
		struct config_entry *e = &c->entries[c->nentries++];
		memset(e, 0, sizeof(*e));
		e->readonly = e->protected_ = -1;
		const char *k;
		json_t *v;
		json_object_foreach(item, k, v) {
			snprintf(key, sizeof(key), "contexts[%zu].%s", i, k);
			if (!read_entry_key(e, k, v, name, key, err, errlen))
				return false;
		}
		if (!e->pattern) {
			snprintf(key, sizeof(key), "contexts[%zu]", i);
			return bad(err, errlen, name, key, "missing name (a context or a glob)");
		}
	}
	return true;
}

/* cluster_sets: {NAME: [context or glob, ...]} */
static bool read_cluster_sets(struct config *c, json_t *obj, const char *name, char *err,
			      size_t errlen)
{
	const char *k;
	json_t *v;
	char key[200];
	if (!json_is_object(obj))
		return bad(err, errlen, name, "cluster_sets", "expected a mapping of names to lists");
	json_object_foreach(obj, k, v) {
		snprintf(key, sizeof(key), "cluster_sets.%s", k);
		if (!json_is_array(v) || json_array_size(v) == 0)
			return bad(err, errlen, name, key, "expected a list of contexts or globs");
		struct strbuf sb = STRBUF_INIT;
		size_t i;
		json_t *m;
		json_array_foreach(v, i, m) {
			const char *member = json_string_value(m);
			if (!member || !*member || strchr(member, ',')) {
				strbuf_free(&sb);
				snprintf(key, sizeof(key), "cluster_sets.%s[%zu]", k, i);
				return bad(err, errlen, name, key, "expected a context name or glob");
			}
			strbuf_printf(&sb, "%s%s", i ? "," : "", member);
		}
		c->sets = xgrow(c->sets, &c->sets_cap, c->nsets + 1, sizeof(*c->sets));
		c->sets[c->nsets++] = (struct config_cluster_set){xstrdup(k), strbuf_detach(&sb)};
	}
	return true;
}

static bool read_int_range(json_t *v, long long lo, long long hi, long long *out,
			   const char *name, const char *key, char *err, size_t errlen)
{
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		char want[96];
		snprintf(want, sizeof(want), "expected an integer %lld..%lld", lo, hi);
		return bad(err, errlen, name, key, want);
	}
	*out = json_integer_value(v);
	return true;
}

static bool read_log_fields(struct config_logs *l, json_t *v, const char *name, char *err,
			    size_t errlen)
{
	size_t i;
	json_t *f;
	char key[64];
	if (!json_is_array(v))
		return bad(err, errlen, name, "logs.fields", "expected a list of field names");
	json_array_foreach(v, i, f) {
		if (!json_is_string(f) || !json_string_length(f)) {
			snprintf(key, sizeof(key), "logs.fields[%zu]", i);
			return bad(err, errlen, name, key, "expected a field name (a.b for nested)");
		}
	}
	for (i = 0; i < l->nfields; i++)
		free(l->fields[i]);
	l->nfields = json_array_size(v);
	l->fields = xrealloc(l->fields, (l->nfields ? l->nfields : 1) * sizeof(*l->fields));
	json_array_foreach(v, i, f)
		l->fields[i] = xstrdup(json_string_value(f));
	return true;
}

/* logs: {buffer_lines, tail_lines, fields} */
static bool read_logs(struct config *c, json_t *obj, const char *name, char *err, size_t errlen)
{
	const char *k;
	json_t *v;
	char key[160];
	long long n;
	if (!json_is_object(obj))
		return bad(err, errlen, name, "logs", "expected a mapping");
	json_object_foreach(obj, k, v) {
		snprintf(key, sizeof(key), "logs.%s", k);
		if (strcmp(k, "buffer_lines") == 0) {
			if (!read_int_range(v, 1000, 10000000, &n, name, key, err, errlen))
				return false;
			c->logs.buffer_lines = (size_t)n;
		} else if (strcmp(k, "tail_lines") == 0) {
			if (!read_int_range(v, -1, 10000000, &n, name, key, err, errlen))
				return false;
			c->logs.tail_lines = n;
		} else if (strcmp(k, "fields") == 0) {
			if (!read_log_fields(&c->logs, v, name, err, errlen))
				return false;
		} else {
			return bad(err, errlen, name, key, "unknown key");
		}
	}
	return true;
}

static bool read_document(struct config *c, json_t *doc, const char *name, char *err,
			  size_t errlen)
{
	const char *k;
	json_t *v;
	if (json_is_null(doc))
		return true;   /* an empty file */
	if (!json_is_object(doc))
		return bad(err, errlen, name, "(top level)", "expected a mapping");
	json_object_foreach(doc, k, v) {
		bool ok;
		if (strcmp(k, "defaults") == 0)
			ok = read_defaults(c, v, name, err, errlen);
		else if (strcmp(k, "contexts") == 0)
			ok = read_contexts(c, v, name, err, errlen);
		else if (strcmp(k, "cluster_sets") == 0)
			ok = read_cluster_sets(c, v, name, err, errlen);
		else if (strcmp(k, "logs") == 0)
			ok = read_logs(c, v, name, err, errlen);
		else
			ok = bad(err, errlen, name, k, "unknown key");
		if (!ok)
			return false;
	}
	return true;
}

/* ---- where a bad value sits --------------------------------------------------------- */

/* Turns "NAME: key.path: problem" into "NAME:LINE:COL: key.path: problem" when the key
 * can be found in text (the readers only know the key path). */
static void error_add_position(const char *name, const char *text, size_t len, char *err,
			       size_t errlen)
{
	size_t nlen = strlen(name);
	if (strncmp(err, name, nlen) != 0 || strncmp(err + nlen, ": ", 2) != 0)
		return;
	const char *key = err + nlen + 2, *end = strstr(key, ": ");
	if (!end)
		return;
	char *keypath = xstrndup(key, (size_t)(end - key));
	int line = 0, col = 0;
	bool found = yaml_mark_keypath(text, len, keypath, &line, &col);
	if (found) {
		char *rest = xstrdup(key);
		snprintf(err, errlen, "%s:%d:%d: %s", name, line, col, rest);
		free(rest);
	}
	free(keypath);
}

struct config *config_parse(const char *name, const char *text, size_t len, char *err,
			    size_t errlen)
{
	json_t *docs = yaml_parse_documents(name, text, len, err, errlen);
	if (!docs)
		return NULL;
	struct config *c = config_new();
	if (json_array_size(docs) > 1) {
		bad(err, errlen, name, "(top level)", "expected one YAML document");
		config_free(c);
		c = NULL;
	} else if (json_array_size(docs) == 1 &&
		   !read_document(c, json_array_get(docs, 0), name, err, errlen)) {
		error_add_position(name, text, len, err, errlen);
		config_free(c);
		c = NULL;
	}
	json_decref(docs);
	return c;
}

static char *read_whole_file(const char *path, size_t *len, bool *absent, char *err,
			     size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t n;
	*absent = false;
	if (!f) {
		*absent = errno == ENOENT;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_append(&sb, buf, n);
	bool failed = ferror(f);
	fclose(f);
	if (failed) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		strbuf_free(&sb);
		return NULL;
	}
	*len = sb.len;
	return strbuf_detach(&sb);
}

struct config *config_load(const char *path, char *err, size_t errlen)
{
	size_t len = 0;
	bool absent;
	char *text = read_whole_file(path, &len, &absent, err, errlen);
	if (!text) {
		if (!absent)
			return NULL;
		err[0] = '\0';
		return config_new();
	}
	struct config *c = config_parse(path, text, len, err, errlen);
	free(text);
	return c;
}

static char *xdg_path(const char *var, const char *fallback, const char *file)
{
	const char *dir = getenv(var);
	if (dir && *dir == '/')
		return xasprintf("%s/opsdeck/%s", dir, file);
	const char *home = getenv("HOME");
	if (!home || !*home)
		return NULL;
	return xasprintf("%s/%s/opsdeck/%s", home, fallback, file);
}

char *config_default_path(void)
{
	return xdg_path("XDG_CONFIG_HOME", ".config", "config.yaml");
}

char *config_favourites_default_path(void)
{
	return xdg_path("XDG_STATE_HOME", ".local/state", "favourites.yaml");
}

/* ---- per-context settings --------------------------------------------------------- */

static bool entry_matches(const struct config_entry *e, const char *context)
{
	return e->glob ? fnmatch(e->pattern, context, 0) == 0 : strcmp(e->pattern, context) == 0;
}

void config_context_get(const struct config *c, const char *context,
			struct config_context *out)
{
	const char *exact_theme = NULL, *glob_theme = NULL;
	out->readonly = out->protected_ = false;
	for (size_t i = 0; i < c->nentries; i++) {
		const struct config_entry *e = &c->entries[i];
		if (!entry_matches(e, context ? context : ""))
			continue;
		out->readonly |= e->readonly == 1;
		out->protected_ |= e->protected_ == 1;
		if (e->theme && !e->glob && !exact_theme)
			exact_theme = e->theme;
		if (e->theme && e->glob && !glob_theme)
			glob_theme = e->theme;
	}
	out->theme = exact_theme ? exact_theme : glob_theme ? glob_theme : c->theme;
}

const char *config_default_theme(const struct config *c)
{
	return c->theme;
}

const char *config_cluster_set(const struct config *c, const char *name)
{
	for (size_t i = 0; name && i < c->nsets; i++)
		if (strcmp(c->sets[i].name, name) == 0)
			return c->sets[i].members;
	return NULL;
}

const char *config_cluster_set_name(const struct config *c, size_t i)
{
	return i < c->nsets ? c->sets[i].name : NULL;
}

int config_coalesce_ms(const struct config *c)
{
	return c->coalesce_ms;
}

const struct config_logs *config_logs(const struct config *c)
{
	return &c->logs;
}

/* ---- namespace favourites ----------------------------------------------------------- */

static struct config_fav *fav_find(const struct config *c, const char *context)
{
	for (size_t i = 0; i < c->nfavs; i++)
		if (strcmp(c->favs[i].context, context) == 0)
			return &c->favs[i];
	return NULL;
}

static struct config_fav *fav_get(struct config *c, const char *context)
{
	struct config_fav *f = fav_find(c, context);
	if (f)
		return f;
	c->favs = xgrow(c->favs, &c->favs_cap, c->nfavs + 1, sizeof(*c->favs));
	f = &c->favs[c->nfavs++];
	memset(f, 0, sizeof(*f));
	f->context = xstrdup(context);
	return f;
}

const char *const *config_favourites(const struct config *c, const char *context, size_t *n)
{
	const struct config_fav *f = fav_find(c, context);
	*n = f ? f->n : 0;
	return f ? (const char *const *)f->ns : NULL;
}

bool config_favourite_has(const struct config *c, const char *context, const char *ns)
{
	const struct config_fav *f = fav_find(c, context);
	for (size_t i = 0; f && i < f->n; i++)
		if (strcmp(f->ns[i], ns) == 0)
			return true;
	return false;
}

bool config_favourite_add(struct config *c, const char *context, const char *ns)
{
	if (config_favourite_has(c, context, ns))
		return false;
	struct config_fav *f = fav_get(c, context);
	f->ns = xgrow(f->ns, &f->cap, f->n + 1, sizeof(*f->ns));
	f->ns[f->n++] = xstrdup(ns);
	return true;
}

bool config_favourite_remove(struct config *c, const char *context, const char *ns)
{
	struct config_fav *f = fav_find(c, context);
	for (size_t i = 0; f && i < f->n; i++) {
		if (strcmp(f->ns[i], ns) == 0) {
			free(f->ns[i]);
			memmove(&f->ns[i], &f->ns[i + 1], (f->n - i - 1) * sizeof(*f->ns));
			f->n--;
			return true;
		}
	}
	return false;
}

static bool favs_read(struct config *c, json_t *doc, const char *name, char *err,
		      size_t errlen)
{
	const char *ctx;
	json_t *list, *favs = json_is_object(doc) ? json_object_get(doc, "favourites") : NULL;
	char key[300];
	if (json_is_null(doc))
		return true;
	if (!json_is_object(favs))
		return bad(err, errlen, name, "favourites", "expected a mapping of context to list");
	json_object_foreach(favs, ctx, list) {
		size_t i;
		json_t *ns;
		snprintf(key, sizeof(key), "favourites.%s", ctx);
		if (!json_is_array(list))
			return bad(err, errlen, name, key, "expected a list of namespaces");
		json_array_foreach(list, i, ns) {
			snprintf(key, sizeof(key), "favourites.%s[%zu]", ctx, i);
			if (!json_is_string(ns) || !json_string_length(ns))
				return bad(err, errlen, name, key, "expected a namespace name");
			config_favourite_add(c, ctx, json_string_value(ns));
		}
	}
	return true;
}

bool config_favourites_load(struct config *c, const char *path, char *err, size_t errlen)
{
	size_t len = 0;
	bool absent, ok;
	favs_free(c);
	char *text = read_whole_file(path, &len, &absent, err, errlen);
	if (!text) {
		if (absent)
			err[0] = '\0';
		return absent;
	}
	json_t *docs = yaml_parse_documents(path, text, len, err, errlen);
	if (!docs) {
		free(text);
		return false;
	}
	ok = json_array_size(docs) == 0 || favs_read(c, json_array_get(docs, 0), path, err, errlen);
	if (!ok)
		error_add_position(path, text, len, err, errlen);
	free(text);
	json_decref(docs);
	if (!ok)
		favs_free(c);
	return ok;
}

/* A double-quoted YAML scalar: JSON's string escapes are valid YAML escapes. */
static void put_quoted(struct strbuf *sb, const char *s)
{
	json_t *str = json_string(s);
	char *q = str ? json_dumps(str, JSON_ENCODE_ANY) : NULL;
	strbuf_puts(sb, q ? q : "\"\"");
	free(q);
	json_decref(str);
}

static char *favs_render(const struct config *c)
{
	struct strbuf sb = STRBUF_INIT;
	size_t shown = 0;
	strbuf_puts(&sb, "# Namespace favourites per context, written by opsdeck.\nfavourites:");
	for (size_t i = 0; i < c->nfavs; i++) {
		if (!c->favs[i].n)
			continue;
		shown++;
		strbuf_puts(&sb, "\n  ");
		put_quoted(&sb, c->favs[i].context);
		strbuf_puts(&sb, ":");
		for (size_t j = 0; j < c->favs[i].n; j++) {
			strbuf_puts(&sb, "\n    - ");
			put_quoted(&sb, c->favs[i].ns[j]);
		}
	}
	strbuf_puts(&sb, shown ? "\n" : " {}\n");
	return strbuf_detach(&sb);
}

/* mkdir -p for the file's directory. */
static bool make_parent_dirs(const char *path, char *err, size_t errlen)
{
	char *dir = xstrdup(path);
	bool ok = true;
	for (char *p = dir + 1; *p && ok; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			ok = false;
		}
		*p = '/';
	}
	free(dir);
	return ok;
}

static bool write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		data += n;
		len -= (size_t)n;
	}
	return true;
}

bool config_save_favourites(const struct config *c, const char *path, char *err,
			    size_t errlen)
{
	if (!make_parent_dirs(path, err, errlen))
		return false;
	char *tmp = xasprintf("%s.XXXXXX", path);
	char *text = favs_render(c);
	int fd = mkstemp(tmp);
	bool ok = fd >= 0 && write_all(fd, text, strlen(text)) && fsync(fd) == 0;
	int saved = errno;
	if (fd >= 0 && close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
		if (fd >= 0)
			unlink(tmp);
	}
	free(text);
	free(tmp);
	return ok;
}
