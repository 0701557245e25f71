/* The logs view's model (views/logs_model.h): the ring plus two sorted lists of line
 * numbers (those passing the filter, those matching the search) that grow as lines
 * arrive and shed their front as the ring drops old lines, so a filter over 100,000
 * lines is computed once, not per frame. */
#include "views/logs_model.h"

#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/logline.h"
#include "core/strbuf.h"
#include "core/textmatch.h"
#include "core/xalloc.h"
#include "tui/glyphs.h"
#include "tui/text.h"
#include "tui/theme.h"

enum { PREFIX_MAX = 40, LEVEL_SCAN = 64 };

/* Sorted line numbers; [start, len) are live, the front is shed lazily. */
struct seqlist {
	uint64_t *v;
	size_t start, len, cap;
};

struct logs_model {
	struct logring *ring;
	char **sources;
	size_t nsources;
	int prefix_w;                 /* widest source name (capped) */

	struct logs_display display;  /* fields owned */
	char *filter;                 /* "" when none */
	struct textmatch *filter_m;
	bool filter_invert;
	struct seqlist shown;         /* used only when a filter is set */

	char *search;
	struct textmatch *search_m;
	struct seqlist matches;
	struct strbuf scratch;
};

/* ---- seqlist ------------------------------------------------------------------------ */

static size_t seq_count(const struct seqlist *l)
{
	return l->len - l->start;
}

static void seq_add(struct seqlist *l, uint64_t seq)
{
	l->v = xgrow(l->v, &l->cap, l->len + 1, sizeof(*l->v));
	l->v[l->len++] = seq;
}

/* Sheds numbers below first; compacts when half the array is dead. */
static void seq_prune(struct seqlist *l, uint64_t first)
{
	while (l->start < l->len && l->v[l->start] < first)
		l->start++;
	if (l->start > 1024 && l->start * 2 > l->len) {
		memmove(l->v, l->v + l->start, seq_count(l) * sizeof(*l->v));
		l->len -= l->start;
		l->start = 0;
	}
}

static void seq_clear(struct seqlist *l)
{
	l->start = l->len = 0;
}

/* Index (from 0 = start) of the first number >= seq. */
static size_t seq_lower(const struct seqlist *l, uint64_t seq)
{
	size_t lo = l->start, hi = l->len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->v[mid] < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - l->start;
}

/* ---- lifetime and sources ----------------------------------------------------------- */

struct logs_model *logs_model_new(size_t max_lines)
{
	struct logs_model *m = xcalloc(1, sizeof(*m));
	m->ring = logring_new(max_lines, 0);
	m->filter = xstrdup("");
	m->search = xstrdup("");
	return m;
}

static void display_free(struct logs_display *d)
{
	for (size_t i = 0; i < d->nfields; i++)
		free((char *)d->fields[i]);
	free((void *)d->fields);
	d->fields = NULL;
	d->nfields = 0;
}

static void sources_free(struct logs_model *m)
{
	for (size_t i = 0; i < m->nsources; i++)
		free(m->sources[i]);
	free(m->sources);
	m->sources = NULL;
	m->nsources = 0;
	m->prefix_w = 0;
}

void logs_model_free(struct logs_model *m)
{
	if (!m)
		return;
	logring_free(m->ring);
	sources_free(m);
	display_free(&m->display);
	free(m->filter);
	textmatch_free(m->filter_m);
	free(m->shown.v);
	free(m->search);
	textmatch_free(m->search_m);
	free(m->matches.v);
	strbuf_free(&m->scratch);
	free(m);
}

void logs_model_reset(struct logs_model *m)
{
	logring_clear(m->ring);
	sources_free(m);
	seq_clear(&m->shown);
	seq_clear(&m->matches);
}

const struct logring *logs_model_ring(const struct logs_model *m)
{
	return m->ring;
}

void logs_model_set_source(struct logs_model *m, unsigned index, const char *name)
{
	if (index >= m->nsources) {
		m->sources = xrealloc(m->sources, (index + 1) * sizeof(*m->sources));
		memset(m->sources + m->nsources, 0, (index + 1 - m->nsources) * sizeof(*m->sources));
		m->nsources = index + 1;
	}
	free(m->sources[index]);
	m->sources[index] = xstrdup(name ? name : "?");
	int w = text_width(m->sources[index]);
	if (w > m->prefix_w)
		m->prefix_w = w < PREFIX_MAX ? w : PREFIX_MAX;
}

const char *logs_model_source_name(const struct logs_model *m, unsigned index)
{
	return index < m->nsources && m->sources[index] ? m->sources[index] : "?";
}

size_t logs_model_source_count(const struct logs_model *m)
{
	return m->nsources;
}

/* ---- filter and search -------------------------------------------------------------- */

const char *logs_model_body(const struct logs_model *m, const struct log_line *l,
			    struct strbuf *scratch)
{
	if (!m->display.json || !(l->flags & LOG_LINE_JSON))
		return l->text;
	strbuf_reset(scratch);
	if (!logline_render_json(l->text, l->len, m->display.fields, m->display.nfields, scratch))
		return l->text;
	return strbuf_str(scratch);
}

static bool is_marker(const struct log_line *l)
{
	return (l->flags & (LOG_LINE_GAP | LOG_LINE_NOTICE)) != 0;
}

static bool passes_filter(struct logs_model *m, const struct log_line *l)
{
	if (!m->filter_m || is_marker(l))
		return true;
	bool hit = textmatch_find(m->filter_m, logs_model_body(m, l, &m->scratch), 0, NULL, NULL);
	return hit != m->filter_invert;
}

static bool matches_search(struct logs_model *m, const struct log_line *l)
{
	return m->search_m && !is_marker(l) &&
	       textmatch_find(m->search_m, logs_model_body(m, l, &m->scratch), 0, NULL, NULL);
}

/* Recomputes the shown and matching lists over the whole ring. */
static void rescan(struct logs_model *m)
{
	seq_clear(&m->shown);
	seq_clear(&m->matches);
	for (uint64_t s = logring_first_seq(m->ring); s < logring_next_seq(m->ring); s++) {
		const struct log_line *l = logring_get(m->ring, s);
		if (!passes_filter(m, l))
			continue;
		if (m->filter_m)
			seq_add(&m->shown, s);
		if (matches_search(m, l))
			seq_add(&m->matches, s);
	}
}

bool logs_model_push(struct logs_model *m, long long time_ms, unsigned source,
		     unsigned flags, const char *text, size_t len)
{
	bool json = false;
	enum log_level level = LOG_LEVEL_NONE;
	if (!(flags & (LOG_LINE_GAP | LOG_LINE_NOTICE)))
		level = logline_level(text, len, &json);
	if (json)
		flags |= LOG_LINE_JSON;
	const struct log_line *l = logring_push(m->ring, time_ms, source, level, flags, text, len);
	uint64_t first = logring_first_seq(m->ring);
	seq_prune(&m->shown, first);
	seq_prune(&m->matches, first);
	if (!passes_filter(m, l))
		return false;
	if (m->filter_m)
		seq_add(&m->shown, l->seq);
	if (matches_search(m, l))
		seq_add(&m->matches, l->seq);
	return true;
}

void logs_model_set_display(struct logs_model *m, const struct logs_display *d)
{
	char **fields = d->nfields ? xcalloc(d->nfields, sizeof(*fields)) : NULL;
	for (size_t i = 0; i < d->nfields; i++)
		fields[i] = xstrdup(d->fields[i]);
	display_free(&m->display);
	m->display = *d;
	m->display.fields = (const char *const *)fields;
	rescan(m);
}

const struct logs_display *logs_model_display(const struct logs_model *m)
{
	return &m->display;
}

/* Compiles pattern into *mp (NULL for none) and remembers it in *text. */
static bool compile(const char *pattern, char **text, struct textmatch **mp, char *err,
		    size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	textmatch_free(*mp);
	*mp = NULL;
	free(*text);
	*text = xstrdup(pattern ? pattern : "");
	if (!pattern || !*pattern)
		return true;
	char why[128];
	if (textmatch_compile(mp, pattern, why, sizeof why))
		return true;
	if (err && errlen)
		snprintf(err, errlen, "invalid regex (%s): matching \"%s\" as plain text", why,
			 pattern);
	return false;
}

bool logs_model_set_filter(struct logs_model *m, const char *pattern, char *err,
			   size_t errlen)
{
	bool invert = pattern && pattern[0] == '!';
	bool ok = compile(invert ? pattern + 1 : pattern, &m->filter, &m->filter_m, err, errlen);
	if (invert) {
		free(m->filter);
		m->filter = xstrdup(pattern);
		if (!m->filter_m) /* "!" alone: nothing typed yet, no filter */
			invert = false;
	}
	m->filter_invert = invert;
	rescan(m);
	return ok;
}

const char *logs_model_filter(const struct logs_model *m)
{
	return m->filter;
}

size_t logs_model_search(struct logs_model *m, const char *pattern, char *err, size_t errlen)
{
	compile(pattern, &m->search, &m->search_m, err, errlen);
	rescan(m);
	return seq_count(&m->matches);
}

const char *logs_model_search_pattern(const struct logs_model *m)
{
	return m->search;
}

const struct textmatch *logs_model_search_match(const struct logs_model *m)
{
	return m->search_m;
}

size_t logs_model_search_count(const struct logs_model *m)
{
	return seq_count(&m->matches);
}

/* ---- shown lines -------------------------------------------------------------------- */

size_t logs_model_shown(const struct logs_model *m)
{
	return m->filter_m ? seq_count(&m->shown) : logring_count(m->ring);
}

uint64_t logs_model_shown_seq(const struct logs_model *m, size_t i)
{
	if (m->filter_m)
		return m->shown.v[m->shown.start + i];
	return logring_first_seq(m->ring) + i;
}

size_t logs_model_shown_index(const struct logs_model *m, uint64_t seq)
{
	if (m->filter_m)
		return seq_lower(&m->shown, seq);
	uint64_t first = logring_first_seq(m->ring);
	if (seq <= first)
		return 0;
	size_t i = (size_t)(seq - first);
	return i < logring_count(m->ring) ? i : logring_count(m->ring);
}

const struct log_line *logs_model_shown_line(const struct logs_model *m, size_t i)
{
	return i < logs_model_shown(m) ? logring_get(m->ring, logs_model_shown_seq(m, i)) : NULL;
}

size_t logs_model_search_step(const struct logs_model *m, size_t from, bool forward,
			      bool inclusive)
{
	size_t n = seq_count(&m->matches);
	if (!n)
		return SIZE_MAX;
	uint64_t seq = from < logs_model_shown(m) ? logs_model_shown_seq(m, from) : UINT64_MAX;
	size_t k = seq == UINT64_MAX ? n : seq_lower(&m->matches, seq); /* first >= seq */
	bool here = k < n && m->matches.v[m->matches.start + k] == seq;
	if (forward) {
		if (here && !inclusive)
			k++;
		if (k >= n)
			k = 0;
	} else if (!(here && inclusive)) {
		k = k == 0 ? n - 1 : k - 1;
	}
	return logs_model_shown_index(m, m->matches.v[m->matches.start + k]);
}

size_t logs_model_search_rank(const struct logs_model *m, uint64_t seq)
{
	size_t k = seq_lower(&m->matches, seq);
	if (k < seq_count(&m->matches) && m->matches.v[m->matches.start + k] == seq)
		return k + 1;
	return 0;
}

/* ---- formatting --------------------------------------------------------------------- */

static void put(struct strbuf *out, unsigned char **el, size_t *elcap, const char *s,
		size_t n, enum theme_element e)
{
	strbuf_append(out, s, n);
	*el = xgrow(*el, elcap, out->len + 1, 1);
	memset(*el + out->len - n, e, n);
}

/* put() for a body: tabs become spaces to the next multiple of 8 columns of the body
 * (*col: the body's columns so far, a column per character), as the program meant them
 * whatever the prefix's width. */
static void put_body(struct strbuf *out, unsigned char **el, size_t *elcap, const char *s,
		     size_t n, enum theme_element e, size_t *col)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\t') {
			*col += ((unsigned char)s[i] & 0xc0) != 0x80;
			continue;
		}
		put(out, el, elcap, s + start, i - start, e);
		do
			put(out, el, elcap, " ", 1, e);
		while (++*col % 8);
		start = i + 1;
	}
	put(out, el, elcap, s + start, n - start, e);
}

static enum theme_element level_element(enum log_level lv)
{
	switch (lv) {
	case LOG_LEVEL_FATAL:
	case LOG_LEVEL_ERROR: return THEME_LOG_LEVEL_ERROR;
	case LOG_LEVEL_WARN: return THEME_LOG_LEVEL_WARN;
	case LOG_LEVEL_INFO: return THEME_LOG_LEVEL_INFO;
	case LOG_LEVEL_DEBUG:
	case LOG_LEVEL_TRACE: return THEME_LOG_LEVEL_DEBUG;
	default: return THEME_DEFAULT;
	}
}

/* The words that say level lv in a text line, lower case. */
static const char *const *level_words(enum log_level lv)
{
	static const char *const fatal[] = {"fatal", "panic", "crit", "critical", NULL};
	static const char *const error[] = {"error", "err", "crit", "critical", NULL};
	static const char *const warn[] = {"warn", "warning", NULL};
	static const char *const info[] = {"info", NULL};
	static const char *const debug[] = {"debug", "dbg", NULL};
	static const char *const trace[] = {"trace", NULL};
	static const char *const none[] = {NULL};
	switch (lv) {
	case LOG_LEVEL_FATAL: return fatal;
	case LOG_LEVEL_ERROR: return error;
	case LOG_LEVEL_WARN: return warn;
	case LOG_LEVEL_INFO: return info;
	case LOG_LEVEL_DEBUG: return debug;
	case LOG_LEVEL_TRACE: return trace;
	default: return none;
	}
}

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Finds the word saying lv among the first bytes of s: [*so, *eo). A klog line
 * ("E0501 12:00:00...") has it in its first letter. */
static bool level_word(const char *s, size_t len, enum log_level lv, size_t *so, size_t *eo)
{
	if (len >= 5 && strchr("EWIF", s[0]) && s[1] >= '0' && s[1] <= '9') {
		*so = 0;
		*eo = 1;
		return true;
	}
	size_t scan = len < LEVEL_SCAN ? len : LEVEL_SCAN;
	for (size_t i = 0; i < scan; i++) {
		if (!is_word_char(s[i]) || (i > 0 && is_word_char(s[i - 1])))
			continue;
		size_t j = i;
		while (j < len && is_word_char(s[j]))
			j++;
		for (const char *const *w = level_words(lv); *w; w++) {
			if (strlen(*w) == j - i && strncasecmp(s + i, *w, j - i) == 0) {
				*so = i;
				*eo = j;
				return true;
			}
		}
		i = j;
	}
	return false;
}

static void format_time(char *buf, size_t len, long long ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	char base[32];
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03dZ", base, (int)(ms % 1000));
}

static void format_prefix(struct logs_model *m, const struct log_line *l, struct strbuf *out,
			  unsigned char **el, size_t *elcap)
{
	const char *name = logs_model_source_name(m, l->source);
	enum theme_element e = (enum theme_element)(THEME_LOG_SOURCE_1 + l->source % 6);
	put(out, el, elcap, name, strlen(name), e);
	/* padded to the widest name so the texts line up (one space at least) */
	for (int w = text_width(name); w < m->prefix_w; w++)
		put(out, el, elcap, " ", 1, THEME_DEFAULT);
	put(out, el, elcap, " ", 1, THEME_DEFAULT);
	if (m->display.timestamps && l->time_ms) {
		char ts[48];
		format_time(ts, sizeof ts, l->time_ms);
		put(out, el, elcap, ts, strlen(ts), THEME_LOG_TIME);
		put(out, el, elcap, " ", 1, THEME_DEFAULT);
	}
}

size_t logs_model_format(struct logs_model *m, const struct log_line *l, struct strbuf *out,
			 unsigned char **el, size_t *elcap)
{
	strbuf_reset(out);
	*el = xgrow(*el, elcap, 1, 1);
	format_prefix(m, l, out, el, elcap);
	if (is_marker(l)) {
		const char *h = glyph(GLYPH_HLINE);
		for (int i = 0; i < 2; i++)
			put(out, el, elcap, h, strlen(h), THEME_LOG_GAP);
		put(out, el, elcap, " ", 1, THEME_LOG_GAP);
		size_t body = out->len;
		put(out, el, elcap, l->text, l->len, THEME_LOG_GAP);
		put(out, el, elcap, " ", 1, THEME_LOG_GAP);
		for (int i = 0; i < 2; i++)
			put(out, el, elcap, h, strlen(h), THEME_LOG_GAP);
		return body;
	}
	enum theme_element le = level_element((enum log_level)l->level);
	struct strbuf scratch = STRBUF_INIT;
	const char *body = logs_model_body(m, l, &scratch);
	if (body != l->text && l->level != LOG_LEVEL_NONE) {
		const char *name = logline_level_name((enum log_level)l->level);
		put(out, el, elcap, name, strlen(name), le);
		put(out, el, elcap, " ", 1, THEME_DEFAULT);
	}
	size_t off = out->len, so, eo;
	bool word = body == l->text && le != THEME_DEFAULT &&
		    level_word(body, strlen(body), (enum log_level)l->level, &so, &eo);
	size_t col = 0;
	if (word) {
		put_body(out, el, elcap, body, so, THEME_DEFAULT, &col);
		put_body(out, el, elcap, body + so, eo - so, le, &col);
		put_body(out, el, elcap, body + eo, strlen(body + eo), THEME_DEFAULT, &col);
	} else {
		put_body(out, el, elcap, body, strlen(body), THEME_DEFAULT, &col);
	}
	strbuf_free(&scratch);
	return off;
}

int logs_wrap_rows(const char *s, int cols)
{
	if (cols <= 0)
		return 1;
	int rows = 1, used = 0;
	wchar_t wc;
	int w;
	for (size_t n; (n = text_next_char(s, &wc, &w)) > 0; s += n) {
		if (used + w > cols) {
			rows++;
			used = 0;
		}
		used += w;
	}
	return rows;
}

/* ---- saving ------------------------------------------------------------------------- */

static void save_line(const struct logs_model *m, const struct log_line *l, struct strbuf *sb)
{
	if (l->time_ms) {
		char ts[48];
		format_time(ts, sizeof ts, l->time_ms);
		strbuf_printf(sb, "%s ", ts);
	}
	strbuf_printf(sb, "%s ", logs_model_source_name(m, l->source));
	if (is_marker(l))
		strbuf_printf(sb, "-- %s --\n", l->text);
	else
		strbuf_printf(sb, "%s\n", l->text);
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

long logs_model_save(const struct logs_model *m, const char *path, char *err, size_t errlen)
{
	char *tmp = xasprintf("%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	/* a log file is not a secret beyond what the cluster shows: the usual mode */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	struct strbuf sb = STRBUF_INIT;
	size_t n = logs_model_shown(m);
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		save_line(m, logs_model_shown_line(m, i), &sb);
		if (sb.len >= 65536 || i + 1 == n) {
			ok = write_all(fd, strbuf_str(&sb), sb.len);
			strbuf_reset(&sb);
		}
	}
	strbuf_free(&sb);
	int saved = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		unlink(tmp);
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
	}
	free(tmp);
	return ok ? (long)n : -1;
}
