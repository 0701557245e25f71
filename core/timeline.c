/* The local timeline (core/timeline.h): an append-only JSON-lines file with keys for
 * deduplication across restarts, bounded by rewriting it with its newest half. */
#include "core/timeline.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

enum {
	TIMELINE_DEFAULT_MAX = 16 * 1024 * 1024,
	/* the keys of this much of the file's end are loaded at open: repeats of what the
	 * cluster still shows arrive within the hour, far less than 2 MB of lines */
	TIMELINE_TAIL_BYTES = 2 * 1024 * 1024,
};

/* An open-addressing set of owned key strings. */
struct keyset {
	char **slots;
	size_t cap, n;
};

struct timeline {
	char *path;
	size_t max_bytes;
	struct keyset keys;
};

static const char *const kind_names[] = {"event", "operation", "alert"};

const char *timeline_kind_name(enum timeline_kind kind)
{
	if (kind < 0 || (size_t)kind >= sizeof kind_names / sizeof kind_names[0])
		return "any";
	return kind_names[kind];
}

bool timeline_kind_parse(const char *word, enum timeline_kind *out)
{
	for (size_t i = 0; word && i < sizeof kind_names / sizeof kind_names[0]; i++) {
		if (!strcmp(word, kind_names[i])) {
			*out = (enum timeline_kind)i;
			return true;
		}
	}
	return false;
}

/* ---- the key set ------------------------------------------------------------------- */

static uint64_t key_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static bool keyset_has(const struct keyset *ks, const char *key)
{
	if (!ks->cap || !key)
		return false;
	for (size_t i = key_hash(key) & (ks->cap - 1);; i = (i + 1) & (ks->cap - 1)) {
		if (!ks->slots[i])
			return false;
		if (!strcmp(ks->slots[i], key))
			return true;
	}
}

static void keyset_put_owned(struct keyset *ks, char *key);

static void keyset_grow(struct keyset *ks)
{
	struct keyset bigger = {xcalloc(ks->cap ? ks->cap * 2 : 256, sizeof(char *)),
				ks->cap ? ks->cap * 2 : 256, 0};
	for (size_t i = 0; i < ks->cap; i++)
		if (ks->slots[i])
			keyset_put_owned(&bigger, ks->slots[i]);
	free(ks->slots);
	*ks = bigger;
}

static void keyset_put_owned(struct keyset *ks, char *key)
{
	if ((ks->n + 1) * 4 > ks->cap * 3)
		keyset_grow(ks);
	size_t i = key_hash(key) & (ks->cap - 1);
	while (ks->slots[i])
		i = (i + 1) & (ks->cap - 1);
	ks->slots[i] = key;
	ks->n++;
}

static void keyset_add(struct keyset *ks, const char *key)
{
	if (key && *key && !keyset_has(ks, key))
		keyset_put_owned(ks, xstrdup(key));
}

static void keyset_free(struct keyset *ks)
{
	for (size_t i = 0; i < ks->cap; i++)
		free(ks->slots[i]);
	free(ks->slots);
	*ks = (struct keyset){0};
}

/* ---- keys and times ---------------------------------------------------------------- */

char *timeline_key_event(const char *uid, long count, const char *last_timestamp)
{
	return xasprintf("event|%s|%ld|%s", uid ? uid : "", count,
			 last_timestamp ? last_timestamp : "");
}

char *timeline_key_operation(const char *cluster, const char *app, const char *phase,
			     const char *started_at)
{
	return xasprintf("operation|%s|%s|%s|%s", cluster ? cluster : "", app ? app : "",
			 phase ? phase : "", started_at ? started_at : "");
}

char *timeline_key_alert(const char *fingerprint, const char *state, long long active_at)
{
	return xasprintf("alert|%s|%s|%lld", fingerprint ? fingerprint : "",
			 state ? state : "", active_at);
}

long long timeline_parse_time(const char *s)
{
	struct tm tm = {0};
	int used = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			 &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6 || used != 19)
		return -1;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	const char *end = s + used;
	if (*end == '.') /* fractions of a second: dropped */
		while (isdigit((unsigned char)*++end))
			;
	if (*end != 'Z' || end[1])
		return -1;
	return (long long)timegm(&tm);
}

static void format_time(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- paths ------------------------------------------------------------------------- */

char *timeline_default_path(void)
{
	const char *state = getenv("XDG_STATE_HOME");
	if (state && state[0] == '/')
		return xasprintf("%s/opsdeck/timeline.jsonl", state);
	const char *home = getenv("HOME");
	if (!home || !*home)
		return NULL;
	return xasprintf("%s/.local/state/opsdeck/timeline.jsonl", home);
}

/* mkdir -p of path's directory, each level created 0700. */
static int make_parent_dirs(const char *path, char *err, size_t errlen)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int rc = 0;
	if (slash && slash != dir) {
		*slash = '\0';
		for (char *p = dir + 1;; p++) {
			if (*p != '/' && *p)
				continue;
			char keep = *p;
			*p = '\0';
			if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
				snprintf(err, errlen, "%s: %s", dir, strerror(errno));
				rc = -1;
				break;
			}
			*p = keep;
			if (!keep)
				break;
		}
	}
	free(dir);
	return rc;
}

/* ---- entries <-> JSON -------------------------------------------------------------- */

void timeline_entry_free(struct timeline_entry *e)
{
	char **s[] = {&e->cluster, &e->namespace, &e->object, &e->reason, &e->message,
		      &e->revision, &e->key};
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
		free(*s[i]);
		*s[i] = NULL;
	}
}

static char *clean(const char *s)
{
	return sanitize_cstr(s ? s : "", 0);
}

/* The line for e (sanitised strings), with its newline. */
static char *entry_to_line(const struct timeline_entry *e)
{
	char when[32];
	format_time(e->time, when, sizeof when);
	const char *names[] = {"cluster", "namespace", "object", "reason", "message", "revision",
			       "key"};
	const char *vals[] = {e->cluster, e->namespace, e->object, e->reason, e->message,
			      e->revision, e->key};
	json_t *o = json_object();
	json_object_set_new(o, "time", json_string(when));
	json_object_set_new(o, "kind", json_string(timeline_kind_name(e->kind)));
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *v = clean(vals[i]);
		json_object_set_new(o, names[i], json_string(v));
		free(v);
	}
	json_object_set_new(o, "count", json_integer(e->count > 0 ? e->count : 1));
	char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	char *line = xasprintf("%s\n", text);
	free(text);
	return line;
}

/* Parses one line into e (owned, sanitised); false with why. */
static bool entry_from_line(const char *line, size_t len, struct timeline_entry *e,
			    char *why, size_t whylen)
{
	json_error_t jerr;
	json_t *o = json_loadb(line, len, 0, &jerr);
	if (!json_is_object(o)) {
		snprintf(why, whylen, "%s", o ? "not an object" : jerr.text);
		json_decref(o);
		return false;
	}
	*e = (struct timeline_entry){0};
	long long t = timeline_parse_time(json_string_value(json_object_get(o, "time")));
	if (t < 0 || !timeline_kind_parse(json_string_value(json_object_get(o, "kind")), &e->kind)) {
		snprintf(why, whylen, "%s", t < 0 ? "no valid time" : "no valid kind");
		json_decref(o);
		return false;
	}
	e->time = t;
	const char *names[] = {"cluster", "namespace", "object", "reason", "message", "revision",
			       "key"};
	char **dst[] = {&e->cluster, &e->namespace, &e->object, &e->reason, &e->message,
			&e->revision, &e->key};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		*dst[i] = clean(json_string_value(json_object_get(o, names[i])));
	json_int_t count = json_integer_value(json_object_get(o, "count"));
	e->count = count > 0 ? (long)count : 1;
	json_decref(o);
	return true;
}

/* ---- whole-file helpers -------------------------------------------------------------- */

/* Reads path whole into sb; an absent file is empty. -1 with err. */
static int read_file(const char *path, struct strbuf *sb, off_t from, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (from > 0 && lseek(fd, from, SEEK_SET) < 0)
		from = 0;
	char buf[65536];
	ssize_t got;
	while ((got = read(fd, buf, sizeof buf)) > 0)
		strbuf_append(sb, buf, (size_t)got);
	int saved = errno;
	close(fd);
	if (got < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
		return -1;
	}
	return 0;
}

/* Calls fn for each complete line of text (without its newline), numbered from first. */
typedef void (*line_fn)(void *ud, const char *line, size_t len, size_t lineno);

static void each_line(const char *text, size_t len, size_t first, line_fn fn, void *ud)
{
	size_t lineno = first;
	for (size_t at = 0; at < len; lineno++) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		if (n)
			fn(ud, text + at, n, lineno);
		at += n + 1;
	}
}

static void load_key(void *ud, const char *line, size_t len, size_t lineno)
{
	(void)lineno;
	struct timeline *tl = ud;
	json_t *o = json_loadb(line, len, 0, NULL);
	keyset_add(&tl->keys, json_string_value(json_object_get(o, "key")));
	json_decref(o);
}

static void load_tail_keys(struct timeline *tl)
{
	struct stat st;
	if (stat(tl->path, &st) < 0)
		return;
	off_t from = st.st_size > TIMELINE_TAIL_BYTES ? st.st_size - TIMELINE_TAIL_BYTES : 0;
	struct strbuf sb = STRBUF_INIT;
	char err[256];
	if (read_file(tl->path, &sb, from, err, sizeof err) == 0 && sb.len) {
		const char *text = sb.buf;
		size_t len = sb.len;
		if (from > 0) { /* the first line is cut: skip it */
			const char *nl = memchr(text, '\n', len);
			size_t skip = nl ? (size_t)(nl - text) + 1 : len;
			text += skip;
			len -= skip;
		}
		each_line(text, len, 1, load_key, tl);
	}
	strbuf_free(&sb);
}

/* ---- open, append, bound ----------------------------------------------------------- */

struct timeline *timeline_open(const char *path, size_t max_bytes, char *err, size_t errlen)
{
	if (!path || !*path) {
		snprintf(err, errlen, "no timeline path (set XDG_STATE_HOME or HOME)");
		return NULL;
	}
	if (make_parent_dirs(path, err, errlen) < 0)
		return NULL;
	struct timeline *tl = xcalloc(1, sizeof(*tl));
	tl->path = xstrdup(path);
	tl->max_bytes = max_bytes ? max_bytes : TIMELINE_DEFAULT_MAX;
	load_tail_keys(tl);
	return tl;
}

void timeline_close(struct timeline *tl)
{
	if (!tl)
		return;
	keyset_free(&tl->keys);
	free(tl->path);
	free(tl);
}

const char *timeline_path(const struct timeline *tl)
{
	return tl->path;
}

bool timeline_has_key(const struct timeline *tl, const char *key)
{
	return keyset_has(&tl->keys, key);
}

/* Rewrites the file with the lines of its newest half: a temporary file beside it,
 * fsync'd, renamed over it, so a crash leaves the old file or the new one. */
static int timeline_shrink(struct timeline *tl, char *err, size_t errlen)
{
	struct strbuf sb = STRBUF_INIT;
	if (read_file(tl->path, &sb, 0, err, errlen) < 0)
		return -1;
	size_t cut = sb.len / 2;
	const char *nl = sb.len ? memchr(sb.buf + cut, '\n', sb.len - cut) : NULL;
	size_t from = nl ? (size_t)(nl - sb.buf) + 1 : sb.len;
	char *tmp = xasprintf("%s.tmp.%ld", tl->path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc = fd < 0 ? -1 : 0;
	for (size_t at = from; rc == 0 && at < sb.len;) {
		ssize_t w = write(fd, sb.buf + at, sb.len - at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = -1;
		else
			at += (size_t)w;
	}
	if (rc == 0 && fsync(fd) < 0)
		rc = -1;
	if (fd >= 0 && close(fd) < 0)
		rc = -1;
	if (rc == 0 && rename(tmp, tl->path) < 0)
		rc = -1;
	if (rc < 0) {
		snprintf(err, errlen, "%s: rewriting: %s", tl->path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	strbuf_free(&sb);
	return rc;
}

/* One write(2) of a whole line with O_APPEND: lines of concurrent consoles interleave
 * whole. */
static int append_line(struct timeline *tl, const char *line, off_t *size, char *err,
		       size_t errlen)
{
	int fd = open(tl->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tl->path, strerror(errno));
		return -1;
	}
	size_t len = strlen(line);
	ssize_t w;
	do
		w = write(fd, line, len);
	while (w < 0 && errno == EINTR);
	struct stat st;
	*size = fstat(fd, &st) == 0 ? st.st_size : 0;
	int saved = errno;
	close(fd);
	if (w != (ssize_t)len) {
		snprintf(err, errlen, "%s: %s", tl->path, w < 0 ? strerror(saved) : "short write");
		return -1;
	}
	return 0;
}

int timeline_append(struct timeline *tl, const struct timeline_entry *e, char *err,
		    size_t errlen)
{
	char *key = clean(e->key);
	if (*key && keyset_has(&tl->keys, key)) {
		free(key);
		return 0;
	}
	char *line = entry_to_line(e);
	off_t size = 0;
	int rc = append_line(tl, line, &size, err, errlen);
	free(line);
	if (rc == 0 && *key)
		keyset_put_owned(&tl->keys, key);
	else
		free(key);
	if (rc < 0)
		return -1;
	if ((size_t)size > tl->max_bytes && timeline_shrink(tl, err, errlen) < 0)
		return -1;
	return 1;
}

/* ---- reading ------------------------------------------------------------------------- */

static bool contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return !*needle;
}

bool timeline_entry_matches(const struct timeline_entry *e, const struct timeline_filter *f)
{
	if (!f)
		return true;
	if (f->since && e->time < f->since)
		return false;
	if (f->kind != TIMELINE_ANY && e->kind != f->kind)
		return false;
	if (f->cluster && *f->cluster && strcmp(f->cluster, e->cluster))
		return false;
	if (f->namespace && *f->namespace && strcmp(f->namespace, e->namespace))
		return false;
	if (!f->text || !*f->text)
		return true;
	const char *fields[] = {e->object, e->reason, e->message, e->namespace, e->cluster,
				e->revision, timeline_kind_name(e->kind)};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (contains_nocase(fields[i], f->text))
			return true;
	return false;
}

struct read_ctx {
	const char *path;
	const struct timeline_filter *f;
	struct timeline_list *out;
	size_t cap;
};

static void read_line(void *ud, const char *line, size_t len, size_t lineno)
{
	struct read_ctx *rc = ud;
	struct timeline_entry e;
	char why[160];
	if (!entry_from_line(line, len, &e, why, sizeof why)) {
		if (!rc->out->corrupt++)
			rc->out->corrupt_first = xasprintf("%s:%zu: %s", rc->path, lineno, why);
		return;
	}
	if (!timeline_entry_matches(&e, rc->f)) {
		timeline_entry_free(&e);
		return;
	}
	rc->out->items = xgrow(rc->out->items, &rc->cap, rc->out->n + 1, sizeof e);
	rc->out->items[rc->out->n++] = e;
}

/* Newest first; for equal times the later line first. */
static void list_order(struct timeline_list *out)
{
	/* reverse first so that, for equal times, the later line sorts first under a
	 * comparison that cannot see positions once qsort moves items */
	for (size_t i = 0; i < out->n / 2; i++) {
		struct timeline_entry t = out->items[i];
		out->items[i] = out->items[out->n - 1 - i];
		out->items[out->n - 1 - i] = t;
	}
	for (size_t i = 1; i < out->n; i++) { /* insertion sort: stable, mostly sorted */
		struct timeline_entry t = out->items[i];
		size_t j = i;
		while (j > 0 && out->items[j - 1].time < t.time) {
			out->items[j] = out->items[j - 1];
			j--;
		}
		out->items[j] = t;
	}
}

int timeline_read(const char *path, const struct timeline_filter *f, struct timeline_list *out,
		  char *err, size_t errlen)
{
	*out = (struct timeline_list){0};
	struct strbuf sb = STRBUF_INIT;
	if (read_file(path, &sb, 0, err, errlen) < 0)
		return -1;
	struct read_ctx rc = {path, f, out, 0};
	each_line(strbuf_str(&sb), sb.len, 1, read_line, &rc);
	strbuf_free(&sb);
	list_order(out);
	return 0;
}

int timeline_read_more(const char *path, struct timeline_cursor *cur,
		       const struct timeline_filter *f, struct timeline_list *out, bool *restarted,
		       char *err, size_t errlen)
{
	*out = (struct timeline_list){0};
	*restarted = false;
	struct stat st;
	if (stat(path, &st) < 0) {
		if (errno != ENOENT) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		st.st_size = 0;
	}
	if ((long long)st.st_size < cur->offset) { /* replaced or cut: start again */
		*cur = (struct timeline_cursor){0};
		*restarted = true;
	}
	struct strbuf sb = STRBUF_INIT;
	if (read_file(path, &sb, (off_t)cur->offset, err, errlen) < 0)
		return -1;
	/* a line still being written waits for the next call */
	const char *text = strbuf_str(&sb);
	size_t whole = sb.len;
	while (whole > 0 && text[whole - 1] != '\n')
		whole--;
	struct read_ctx rc = {path, f, out, 0};
	each_line(text, whole, cur->line + 1, read_line, &rc);
	for (size_t i = 0; i < whole; i++)
		cur->line += text[i] == '\n';
	cur->offset += (long long)whole;
	strbuf_free(&sb);
	list_order(out);
	return 0;
}

void timeline_list_free(struct timeline_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		timeline_entry_free(&l->items[i]);
	free(l->items);
	free(l->corrupt_first);
	*l = (struct timeline_list){0};
}
