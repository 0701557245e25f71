/* The pager (tui/pager.h): a text split once into lines (tabs expanded), drawn a window
 * at a time with light syntax colours, and searched line by line so 100k-line texts
 * stay fast. */
#include "tui/pager.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/textmatch.h"
#include "core/xalloc.h"
#include "tui/text.h"

enum {
	TAB_WIDTH = 8,
	HSCROLL_STEP = 8,
	LINE_CHARS = 2048,   /* characters of a line considered when drawing */
};

struct pager {
	enum pager_syntax syntax;
	char *buf;            /* every line, NUL-terminated, tabs expanded */
	size_t *off;          /* start of each line in buf */
	size_t nlines;
	size_t max_cols;      /* widest line (characters), bounds the horizontal scroll */
	size_t top, left;
	int rows;             /* window height of the last draw or motion (0: unknown) */

	char *pattern;        /* "" when no search */
	struct textmatch *match; /* NULL when no search */
	size_t *matches;      /* matching line numbers, ascending */
	size_t nmatches, matches_cap;
	size_t cur;           /* index into matches, SIZE_MAX when none */

	WINDOW *win;          /* what the last draw showed */
	int drawn_rows, drawn_cols;
	size_t drawn_top, drawn_left;
	bool changed;         /* text or search changed since the last draw */
	unsigned char *el;    /* scratch: the element of each byte of a drawn line */
	size_t el_cap;
};

struct pager *pager_new(enum pager_syntax syntax)
{
	struct pager *p = xcalloc(1, sizeof(*p));
	p->syntax = syntax;
	p->pattern = xstrdup("");
	p->cur = SIZE_MAX;
	p->changed = true;
	return p;
}

static void search_free(struct pager *p)
{
	textmatch_free(p->match);
	p->match = NULL;
	p->nmatches = 0;
	p->cur = SIZE_MAX;
	free(p->pattern);
	p->pattern = xstrdup("");
}

void pager_free(struct pager *p)
{
	if (!p)
		return;
	search_free(p);
	free(p->pattern);
	free(p->matches);
	free(p->buf);
	free(p->off);
	free(p->el);
	free(p);
}

/* ---- text ------------------------------------------------------------------------ */

/* Splits text into p's lines in one pass, expanding tabs (a column per character, as
 * UTF-8 continuation bytes take none). */
static void text_split(struct pager *p, const char *text)
{
	size_t len = strlen(text), ntabs = 0, nl = 0;
	for (size_t i = 0; i < len; i++) {
		ntabs += text[i] == '\t';
		nl += text[i] == '\n';
	}
	free(p->buf);
	free(p->off);
	p->buf = xmalloc(len + ntabs * (TAB_WIDTH - 1) + 2);
	p->off = xmalloc((nl + 2) * sizeof(*p->off));
	p->nlines = 0;
	p->max_cols = 0;
	size_t o = 0, col = 0;
	for (size_t i = 0; i < len; i++) {
		if (col == 0 && (i == 0 || text[i - 1] == '\n'))
			p->off[p->nlines++] = o;
		char c = text[i];
		if (c == '\n') {
			p->buf[o++] = '\0';
			col = 0;
			continue;
		}
		if (c == '\t') {
			do
				p->buf[o++] = ' ';
			while (++col % TAB_WIDTH);
		} else {
			p->buf[o++] = c;
			col += ((unsigned char)c & 0xc0) != 0x80;
		}
		if (col > p->max_cols)
			p->max_cols = col;
	}
	p->buf[o] = '\0';
}

size_t pager_line_count(const struct pager *p)
{
	return p->nlines;
}

const char *pager_line(const struct pager *p, size_t i)
{
	return i < p->nlines ? p->buf + p->off[i] : NULL;
}

size_t pager_top(const struct pager *p)
{
	return p->top;
}

static size_t max_top(const struct pager *p, int rows)
{
	size_t h = rows > 0 ? (size_t)rows : 1;
	return p->nlines > h ? p->nlines - h : 0;
}

/* ---- search ---------------------------------------------------------------------- */

static void search_run(struct pager *p)
{
	p->nmatches = 0;
	if (!*p->pattern)
		return;
	for (size_t i = 0; i < p->nlines; i++) {
		if (!textmatch_find(p->match, p->buf + p->off[i], 0, NULL, NULL))
			continue;
		p->matches = xgrow(p->matches, &p->matches_cap, p->nmatches + 1,
				   sizeof(*p->matches));
		p->matches[p->nmatches++] = i;
	}
}

/* Index of the first match on a line >= line (nmatches when none). */
static size_t match_lower(const struct pager *p, size_t line)
{
	size_t lo = 0, hi = p->nmatches;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->matches[mid] < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Index of the first match on a line >= line, wrapping to 0; SIZE_MAX when none. */
static size_t match_from(const struct pager *p, size_t line)
{
	if (!p->nmatches)
		return SIZE_MAX;
	size_t i = match_lower(p, line);
	return i < p->nmatches ? i : 0;
}

static bool line_visible(const struct pager *p, size_t line)
{
	return p->rows > 0 && line >= p->top && line < p->top + (size_t)p->rows;
}

/* Makes the current match line visible, scrolling only when it is not. */
static void show_current(struct pager *p)
{
	size_t line = p->matches[p->cur];
	if (line_visible(p, line))
		return;
	p->top = line;
	if (p->rows > 0 && p->top > max_top(p, p->rows))
		p->top = max_top(p, p->rows);
}

size_t pager_search(struct pager *p, const char *pattern, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	search_free(p);
	p->changed = true;
	if (!pattern || !*pattern)
		return 0;
	free(p->pattern);
	p->pattern = xstrdup(pattern);
	/* core/textmatch reads it as the table filter does, so / means one thing. */
	char why[128];
	if (!textmatch_compile(&p->match, pattern, why, sizeof(why)) && err && errlen)
		snprintf(err, errlen, "invalid regex (%s): searching \"%s\" as plain text", why,
			 pattern);
	search_run(p);
	if (!p->nmatches)
		return 0;
	p->cur = match_from(p, p->top);
	show_current(p);
	return p->nmatches;
}

bool pager_search_next(struct pager *p, bool forward)
{
	if (!p->nmatches)
		return false;
	if (p->cur == SIZE_MAX || !line_visible(p, p->matches[p->cur])) {
		/* Scrolled away from the current match: step from the top line instead. */
		size_t i = match_lower(p, p->top);
		if (forward)
			p->cur = i < p->nmatches ? i : 0;
		else
			p->cur = i > 0 ? i - 1 : p->nmatches - 1;
	} else if (forward) {
		p->cur = p->cur + 1 < p->nmatches ? p->cur + 1 : 0;
	} else {
		p->cur = p->cur > 0 ? p->cur - 1 : p->nmatches - 1;
	}
	show_current(p);
	p->changed = true;
	return true;
}

const char *pager_search_pattern(const struct pager *p)
{
	return p->pattern;
}

size_t pager_search_count(const struct pager *p)
{
	return p->nmatches;
}

size_t pager_search_current(const struct pager *p)
{
	return p->cur == SIZE_MAX ? 0 : p->cur + 1;
}

void pager_set_text(struct pager *p, const char *text)
{
	size_t cur_line = p->cur != SIZE_MAX ? p->matches[p->cur] : p->top;
	text_split(p, text ? text : "");
	if (p->top > max_top(p, p->rows))
		p->top = max_top(p, p->rows);
	search_run(p);
	/* Keep the current match where it was when it still matches, without scrolling. */
	p->cur = match_from(p, cur_line);
	p->changed = true;
}

/* ---- drawing --------------------------------------------------------------------- */

/* YAML: "key:" after the indent (and a "- "), comments from a '#' that starts the line
 * or follows a space outside quotes. */
static void syntax_yaml(const char *line, size_t len, unsigned char *el)
{
	size_t i = 0;
	while (i < len && line[i] == ' ')
		i++;
	if (i + 1 < len && line[i] == '-' && line[i + 1] == ' ')
		i += 2;
	size_t k = i;
	while (k < len && line[k] != ':' && line[k] != ' ' && line[k] != '#')
		k++;
	if (k > i && k < len && line[k] == ':' && (k + 1 == len || line[k + 1] == ' '))
		memset(el + i, THEME_TEXT_KEY, k + 1 - i);
	char quote = 0;
	for (size_t j = 0; j < len; j++) {
		if (quote) {
			quote = line[j] == quote ? 0 : quote;
		} else if (line[j] == '"' || line[j] == '\'') {
			quote = line[j];
		} else if (line[j] == '#' && (j == 0 || line[j - 1] == ' ')) {
			memset(el + j, THEME_TEXT_COMMENT, len - j);
			break;
		}
	}
}

/* kubectl describe: "Key:" after the indent, the key without double spaces (those
 * separate the columns of the events table). */
static void syntax_describe(const char *line, size_t len, unsigned char *el)
{
	size_t i = 0;
	while (i < len && line[i] == ' ')
		i++;
	for (size_t k = i; k < len; k++) {
		if (line[k] == ':') {
			if (k > i && (k + 1 == len || line[k + 1] == ' '))
				memset(el + i, THEME_TEXT_KEY, k + 1 - i);
			return;
		}
		if (line[k] == ' ' && k + 1 < len && line[k + 1] == ' ')
			return;
	}
}

/* A unified diff: the whole line in the colour of what it says. */
static void syntax_diff(const char *line, size_t len, unsigned char *el)
{
	unsigned char e = THEME_DEFAULT;
	if (len >= 3 && (!strncmp(line, "+++", 3) || !strncmp(line, "---", 3)))
		e = THEME_DIFF_HUNK;
	else if (len >= 2 && !strncmp(line, "@@", 2))
		e = THEME_DIFF_HUNK;
	else if (len && line[0] == '+')
		e = THEME_DIFF_ADD;
	else if (len && line[0] == '-')
		e = THEME_DIFF_DELETE;
	memset(el, e, len);
}

/* Fills p->el with the element of every byte of line: syntax, then search matches. */
static void line_elements(struct pager *p, const char *line, size_t len)
{
	p->el = xgrow(p->el, &p->el_cap, len + 1, 1);
	memset(p->el, THEME_DEFAULT, len + 1);
	if (p->syntax == PAGER_YAML)
		syntax_yaml(line, len, p->el);
	else if (p->syntax == PAGER_DESCRIBE)
		syntax_describe(line, len, p->el);
	else if (p->syntax == PAGER_DIFF)
		syntax_diff(line, len, p->el);
	if (!*p->pattern)
		return;
	size_t from = 0, so, eo;
	while (from < len && textmatch_find(p->match, line, from, &so, &eo)) {
		memset(p->el + so, THEME_SEARCH_MATCH, eo - so);
		from = eo > so ? eo : so + 1;
	}
}

static void put_run(WINDOW *win, const wchar_t *buf, size_t n, enum theme_element el)
{
	if (!n)
		return;
	wattrset(win, theme_attr(el));
	waddnwstr(win, buf, (int)n);
}

/* Draws line at row y from column p->left, cut at the window width. */
static void draw_line(struct pager *p, WINDOW *win, int y, const char *line)
{
	size_t len = strlen(line), col = 0, n = 0;
	int used = 0;
	wchar_t buf[LINE_CHARS];
	enum theme_element run = THEME_DEFAULT;
	line_elements(p, line, len);
	wmove(win, y, 0);
	for (size_t i = 0; i < len && n < LINE_CHARS;) {
		wchar_t wc;
		int cw;
		enum theme_element el = (enum theme_element)p->el[i];
		i += text_next_char(line + i, &wc, &cw);
		size_t c0 = col;
		col += (size_t)cw;
		if (c0 < p->left)
			continue; /* a wide character cut by the left edge is dropped */
		if (used + cw > p->drawn_cols)
			break;
		if (el != run) {
			put_run(win, buf, n, run);
			n = 0;
			run = el;
		}
		buf[n++] = wc;
		used += cw;
	}
	put_run(win, buf, n, run);
	wmove(win, y, used);
	text_put_blank(win, p->drawn_cols - used, theme_attr(THEME_DEFAULT));
}

void pager_draw(struct pager *p, WINDOW *win, bool full)
{
	int h, w;
	getmaxyx(win, h, w);
	if (h <= 0 || w <= 0)
		return;
	if (!full && !p->changed && win == p->win && h == p->drawn_rows && w == p->drawn_cols &&
	    p->top == p->drawn_top && p->left == p->drawn_left)
		return;
	p->win = win;
	p->rows = p->drawn_rows = h;
	p->drawn_cols = w;
	p->drawn_top = p->top;
	p->drawn_left = p->left;
	p->changed = false;
	for (int y = 0; y < h; y++) {
		size_t i = p->top + (size_t)y;
		draw_line(p, win, y, i < p->nlines ? p->buf + p->off[i] : "");
	}
	wattrset(win, A_NORMAL);
	wnoutrefresh(win);
}

/* ---- motions --------------------------------------------------------------------- */

bool pager_request(struct pager *p, enum request req, int body_rows)
{
	size_t page = body_rows > 1 ? (size_t)body_rows : 1, half = page / 2 ? page / 2 : 1;
	size_t top = p->top;
	p->rows = body_rows;
	switch (req) {
	case REQ_MOVE_UP: top = top > 0 ? top - 1 : 0; break;
	case REQ_MOVE_DOWN: top++; break;
	case REQ_PAGE_UP: top = top > page ? top - page : 0; break;
	case REQ_PAGE_DOWN: top += page; break;
	case REQ_HALF_PAGE_UP: top = top > half ? top - half : 0; break;
	case REQ_HALF_PAGE_DOWN: top += half; break;
	case REQ_FIRST: top = 0; break;
	case REQ_LAST: top = SIZE_MAX; break;
	case REQ_SCROLL_LEFT:
		p->left = p->left > HSCROLL_STEP ? p->left - HSCROLL_STEP : 0;
		return true;
	case REQ_SCROLL_RIGHT:
		if (p->left + HSCROLL_STEP < p->max_cols)
			p->left += HSCROLL_STEP;
		return true;
	default:
		return false;
	}
	p->top = top < max_top(p, body_rows) ? top : max_top(p, body_rows);
	return true;
}
