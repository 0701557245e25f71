/* The prompt (tui/prompt.h): a one-line editor holding code points, so the cursor moves
 * over whole characters, with history, tab completion and a wildmenu line. */
#include "tui/prompt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "tui/glyphs.h"
#include "tui/text.h"

struct prompt_candidates {
	char **items;
	size_t n, cap;
};

struct prompt_history {
	char **lines; /* oldest first */
	size_t n, max;
};

struct prompt {
	char *label;
	struct prompt_history *history;
	uint32_t *text; /* code points, not NUL-terminated */
	size_t len, cap;
	size_t cursor;
	struct strbuf utf8; /* text as UTF-8, rebuilt after each change */
	prompt_complete_fn complete;
	void *complete_ud;
	struct prompt_candidates cands;
	int selected;   /* candidate shown while cycling, -1 when not cycling */
	bool tab_armed; /* the last key was a tab that completed to the common prefix */
	long hist_pos;  /* entry shown while walking the history, -1 when not walking */
	char *hist_saved; /* the line being typed before the walk started */
	size_t scroll;  /* first code point drawn */
	size_t wild_first; /* first candidate drawn */
};

/* ---- the line as UTF-8, done here rather than with the locale: prompt_text is UTF-8
 * whatever the locale is (measuring and drawing go through tui/text like everywhere) */

static size_t utf8_decode(const char *s, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	int n = u[0] < 0x80 ? 0 : u[0] < 0xc2 ? -1 : u[0] < 0xe0 ? 1 : u[0] < 0xf0 ? 2
		: u[0] < 0xf5 ? 3 : -1;
	if (n < 0) {
		*cp = 0xfffd;
		return 1;
	}
	uint32_t c = n == 0 ? u[0] : u[0] & (0x3f >> n);
	for (int i = 1; i <= n; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return (size_t)i;
		}
		c = (c << 6) | (u[i] & 0x3f);
	}
	*cp = c;
	return (size_t)n + 1;
}

static void utf8_append(struct strbuf *sb, uint32_t c)
{
	char b[4];
	size_t n;
	if (c < 0x80) {
		b[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (c >> 18));
		b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	strbuf_append(sb, b, n);
}

/* ---- candidates and history */

void prompt_candidates_add(struct prompt_candidates *list, const char *candidate)
{
	if (!candidate)
		return;
	list->items = xgrow(list->items, &list->cap, list->n + 1, sizeof *list->items);
	list->items[list->n++] = xstrdup(candidate);
}

static void candidates_clear(struct prompt_candidates *list)
{
	for (size_t i = 0; i < list->n; i++)
		free(list->items[i]);
	list->n = 0;
}

struct prompt_history *prompt_history_new(size_t max_entries)
{
	struct prompt_history *h = xcalloc(1, sizeof *h);
	h->max = max_entries ? max_entries : 1;
	h->lines = xcalloc(h->max, sizeof *h->lines);
	return h;
}

void prompt_history_free(struct prompt_history *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++)
		free(h->lines[i]);
	free(h->lines);
	free(h);
}

void prompt_history_add(struct prompt_history *h, const char *line)
{
	if (!h || !line || !*line || (h->n && strcmp(h->lines[h->n - 1], line) == 0))
		return;
	if (h->n == h->max) {
		free(h->lines[0]);
		memmove(h->lines, h->lines + 1, (h->n - 1) * sizeof *h->lines);
		h->n--;
	}
	h->lines[h->n++] = xstrdup(line);
}

/* ---- the line */

static void text_changed(struct prompt *p)
{
	strbuf_reset(&p->utf8);
	strbuf_puts(&p->utf8, "");
	for (size_t i = 0; i < p->len; i++)
		utf8_append(&p->utf8, p->text[i]);
}

static void recompute_candidates(struct prompt *p)
{
	candidates_clear(&p->cands);
	p->selected = -1;
	p->wild_first = 0;
	if (p->complete)
		p->complete(p->complete_ud, prompt_text(p), &p->cands);
}

/* Replaces the line with s, cursor at the end; candidates are left to the caller. */
static void text_assign(struct prompt *p, const char *s)
{
	p->len = 0;
	while (*s) {
		uint32_t c;
		s += utf8_decode(s, &c);
		p->text = xgrow(p->text, &p->cap, p->len + 1, sizeof *p->text);
		p->text[p->len++] = c;
	}
	p->cursor = p->len;
	text_changed(p);
}

struct prompt *prompt_new(const char *label, struct prompt_history *history)
{
	struct prompt *p = xcalloc(1, sizeof *p);
	p->label = xstrdup(label ? label : "");
	p->history = history;
	p->selected = -1;
	p->hist_pos = -1;
	text_changed(p);
	return p;
}

void prompt_free(struct prompt *p)
{
	if (!p)
		return;
	candidates_clear(&p->cands);
	free(p->cands.items);
	free(p->label);
	free(p->text);
	free(p->hist_saved);
	strbuf_free(&p->utf8);
	free(p);
}

void prompt_set_completer(struct prompt *p, prompt_complete_fn fn, void *ud)
{
	p->complete = fn;
	p->complete_ud = ud;
	recompute_candidates(p);
}

void prompt_set_text(struct prompt *p, const char *text)
{
	text_assign(p, text ? text : "");
	p->tab_armed = false;
	recompute_candidates(p);
}

const char *prompt_text(const struct prompt *p)
{
	return strbuf_str(&p->utf8);
}

size_t prompt_candidate_count(const struct prompt *p)
{
	return p->cands.n;
}

const char *prompt_candidate(const struct prompt *p, size_t i)
{
	return i < p->cands.n ? p->cands.items[i] : NULL;
}

int prompt_candidate_selected(const struct prompt *p)
{
	return p->selected;
}

/* ---- editing */

static void insert_cp(struct prompt *p, uint32_t c)
{
	p->text = xgrow(p->text, &p->cap, p->len + 1, sizeof *p->text);
	memmove(p->text + p->cursor + 1, p->text + p->cursor,
		(p->len - p->cursor) * sizeof *p->text);
	p->text[p->cursor++] = c;
	p->len++;
}

/* Deletes code points [from, to). */
static void delete_range(struct prompt *p, size_t from, size_t to)
{
	memmove(p->text + from, p->text + to, (p->len - to) * sizeof *p->text);
	p->len -= to - from;
	if (p->cursor >= to)
		p->cursor -= to - from;
	else if (p->cursor > from)
		p->cursor = from;
}

static size_t word_start(const struct prompt *p)
{
	size_t i = p->cursor;
	while (i > 0 && p->text[i - 1] == ' ')
		i--;
	while (i > 0 && p->text[i - 1] != ' ')
		i--;
	return i;
}

static void history_walk(struct prompt *p, int dir)
{
	struct prompt_history *h = p->history;
	if (!h || h->n == 0)
		return;
	if (p->hist_pos < 0) {
		if (dir > 0)
			return;
		free(p->hist_saved);
		p->hist_saved = xstrdup(prompt_text(p));
		p->hist_pos = (long)h->n;
	}
	long pos = p->hist_pos + dir;
	if (pos < 0)
		return;
	p->hist_pos = pos;
	if ((size_t)pos >= h->n) {
		text_assign(p, p->hist_saved);
		p->hist_pos = -1;
	} else {
		text_assign(p, h->lines[pos]);
	}
	recompute_candidates(p);
}

static size_t common_prefix_len(const struct prompt_candidates *c)
{
	size_t n = strlen(c->items[0]);
	for (size_t i = 1; i < c->n; i++) {
		size_t k = 0;
		while (k < n && c->items[i][k] == c->items[0][k])
			k++;
		n = k;
	}
	/* never stop inside a UTF-8 sequence */
	while (n > 0 && ((unsigned char)c->items[0][n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* Tab (dir 1) or shift-tab (dir -1). */
static void complete(struct prompt *p, int dir)
{
	size_t n = p->cands.n;
	if (n == 0)
		return;
	if (p->selected < 0 && (n == 1 || (dir > 0 && !p->tab_armed))) {
		if (n == 1) {
			text_assign(p, p->cands.items[0]);
			recompute_candidates(p);
			return;
		}
		char *prefix = xstrndup(p->cands.items[0], common_prefix_len(&p->cands));
		if (strlen(prefix) > strlen(prompt_text(p)))
			text_assign(p, prefix);
		free(prefix);
		p->tab_armed = true;
		return;
	}
	if (p->selected < 0)
		p->selected = dir > 0 ? 0 : (int)n - 1;
	else
		p->selected = (int)((p->selected + (long)n + dir) % (long)n);
	text_assign(p, p->cands.items[p->selected]);
	p->tab_armed = false;
}

/* Function keys that move or delete; returns false for keys it does not know. */
static bool edit_function_key(struct prompt *p, int key, bool *changed)
{
	switch (key) {
	case KEY_LEFT:
		if (p->cursor > 0)
			p->cursor--;
		return true;
	case KEY_RIGHT:
		if (p->cursor < p->len)
			p->cursor++;
		return true;
	case KEY_HOME:
		p->cursor = 0;
		return true;
	case KEY_END:
		p->cursor = p->len;
		return true;
	case KEY_DC:
		if (p->cursor < p->len) {
			delete_range(p, p->cursor, p->cursor + 1);
			*changed = true;
		}
		return true;
	default:
		return false;
	}
}

/* Keys that change or move within the text; returns false for keys it does not know. */
static bool edit_key(struct prompt *p, int key, bool fkey, bool *changed)
{
	*changed = false;
	if (fkey)
		return edit_function_key(p, key, changed);
	size_t from;
	switch (key) {
	case 1: /* ctrl-a */
		p->cursor = 0;
		return true;
	case 5: /* ctrl-e */
		p->cursor = p->len;
		return true;
	case 11: /* ctrl-k */
		*changed = p->cursor < p->len;
		p->len = p->cursor;
		return true;
	case 21: /* ctrl-u */
		from = 0;
		break;
	case 23: /* ctrl-w */
		from = word_start(p);
		break;
	default:
		/* printable: anything past the C0 and C1 controls, no surrogates */
		if (key < 32 || key == 127 || (key >= 0x80 && key < 0xa0) ||
		    (key >= 0xd800 && key < 0xe000) || key > 0x10ffff)
			return false;
		insert_cp(p, (uint32_t)key);
		*changed = true;
		return true;
	}
	*changed = from < p->cursor;
	delete_range(p, from, p->cursor);
	return true;
}

enum prompt_status prompt_key(struct prompt *p, int key, bool function_key)
{
	bool fkey = function_key;
	bool backspace = (fkey && key == KEY_BACKSPACE) || (!fkey && (key == 127 || key == 8));
	if ((fkey && key == KEY_ENTER) || (!fkey && (key == 13 || key == 10))) {
		prompt_history_add(p->history, prompt_text(p));
		return PROMPT_ACCEPT;
	}
	if ((!fkey && (key == 27 || key == 3)) || (backspace && p->len == 0))
		return PROMPT_CANCEL;
	if ((!fkey && key == 9) || (fkey && key == KEY_BTAB)) {
		complete(p, fkey ? -1 : 1);
		return PROMPT_EDITING;
	}
	if (fkey && (key == KEY_UP || key == KEY_DOWN)) {
		history_walk(p, key == KEY_UP ? -1 : 1);
		p->tab_armed = false;
		return PROMPT_EDITING;
	}
	bool was_cycling = p->selected >= 0;
	bool changed = false;
	if (backspace) {
		if (p->cursor > 0) {
			delete_range(p, p->cursor - 1, p->cursor);
			changed = true;
		}
	} else if (!edit_key(p, key, fkey, &changed)) {
		return PROMPT_EDITING;
	}
	p->tab_armed = false;
	if (changed) {
		p->hist_pos = -1;
		text_changed(p);
	}
	/* the chosen candidate stays as typed text; the list follows the line again */
	if (changed || was_cycling)
		recompute_candidates(p);
	return PROMPT_EDITING;
}

/* ---- drawing */

static void fill(WINDOW *w, int from, int width, attr_t attr)
{
	if (from < width)
		mvwhline(w, 0, from, ' ' | (chtype)attr, width - from);
}

/* Moves p->scroll so the cursor cell fits in avail columns. */
static void scroll_to_cursor(struct prompt *p, int avail)
{
	if (p->scroll > p->cursor)
		p->scroll = p->cursor;
	for (;;) {
		int w = p->cursor < p->len ? text_char_width((wchar_t)p->text[p->cursor]) : 1;
		for (size_t i = p->scroll; i < p->cursor; i++)
			w += text_char_width((wchar_t)p->text[i]);
		if (w <= avail || p->scroll >= p->cursor)
			return;
		p->scroll++;
	}
}

static void draw_line(struct prompt *p, WINDOW *line)
{
	int width = getmaxx(line);
	attr_t attr = theme_attr(THEME_PROMPT);
	wmove(line, 0, 0);
	int x = text_put(line, p->label, width, attr);
	int avail = width - x;
	scroll_to_cursor(p, avail);
	for (size_t i = p->scroll; i <= p->len && avail > 0; i++) {
		bool at_cursor = i == p->cursor;
		uint32_t c = i < p->len ? p->text[i] : ' ';
		if (i == p->len && !at_cursor)
			break;
		int cw = text_char_width((wchar_t)c);
		if (cw > avail)
			break;
		text_put_char(line, (wchar_t)c, at_cursor ? attr ^ A_REVERSE : attr);
		x += cw;
		avail -= cw;
	}
	fill(line, x, width, attr);
	wnoutrefresh(line);
}

/* Columns the wildmenu needs for candidates first..last, with the leading "… " mark. */
static int wild_span(const struct prompt *p, size_t first, size_t last)
{
	int w = first > 0 ? text_width(glyph(GLYPH_ELLIPSIS)) + 1 : 0;
	for (size_t i = first; i <= last; i++)
		w += text_width(p->cands.items[i]) + (i > first ? 2 : 0);
	return w;
}

static void draw_wild(struct prompt *p, WINDOW *wild)
{
	int width = getmaxx(wild);
	if (p->cands.n == 0) {
		fill(wild, 0, width, theme_attr(THEME_DEFAULT));
		wnoutrefresh(wild);
		return;
	}
	attr_t attr = theme_attr(THEME_COMPLETION);
	size_t sel = p->selected >= 0 ? (size_t)p->selected : 0;
	if (p->wild_first > sel || p->selected < 0)
		p->wild_first = p->selected < 0 ? 0 : sel;
	while (p->wild_first < sel && wild_span(p, p->wild_first, sel) > width)
		p->wild_first++;
	const char *ell = glyph(GLYPH_ELLIPSIS);
	int ellw = text_width(ell);
	wmove(wild, 0, 0);
	int x = 0;
	if (p->wild_first > 0) {
		x += text_put(wild, ell, width, attr);
		x += text_put(wild, " ", width - x, attr);
	}
	for (size_t i = p->wild_first; i < p->cands.n && x < width; i++) {
		const char *c = p->cands.items[i];
		attr_t a = (int)i == p->selected ? theme_attr(THEME_COMPLETION_SELECTED) : attr;
		int sep = i > p->wild_first ? 2 : 0;
		int cw = text_width(c);
		bool last = i + 1 == p->cands.n;
		/* a candidate that fits, with room for the cut mark unless it is the last */
		if (x + sep + cw <= width - (last ? 0 : ellw) ||
		    (last && x + sep + cw <= width)) {
			x += text_put(wild, sep ? "  " : "", sep, attr);
			x += text_put(wild, c, cw, a);
			continue;
		}
		x += text_put(wild, sep ? "  " : "", width - x - ellw > 0 ? sep : 0, attr);
		x += text_put(wild, c, width - x - ellw, a);
		x += text_put(wild, ell, width - x, attr);
		break;
	}
	fill(wild, x, width, attr);
	wnoutrefresh(wild);
}

void prompt_draw(struct prompt *p, WINDOW *line, WINDOW *wild)
{
	if (line)
		draw_line(p, line);
	if (wild)
		draw_wild(p, wild);
}
