/* The logs view's window: the shown lines from the top line (following: the last lines,
 * bottom-aligned), cut or wrapped at the width, each byte in its element (source
 * prefix, time, level word, markers) and every search match on screen highlighted.
 * Only the visible lines are formatted; an idle view writes nothing. */
#include "views/logs_internal.h"

#include <string.h>
#include <wchar.h>

#include "core/textmatch.h"
#include "core/xalloc.h"
#include "tui/text.h"

enum { RUN_CHARS = 512 };

/* Formats shown line i into lv->line / lv->el; returns the body's offset. */
static size_t format(struct logs_view *lv, size_t i)
{
	const struct log_line *l = logs_model_shown_line(lv->model, i);
	size_t body = logs_model_format(lv->model, l, &lv->line, &lv->el, &lv->elcap);
	const struct textmatch *m = logs_model_search_match(lv->model);
	if (!m || (l->flags & (LOG_LINE_GAP | LOG_LINE_NOTICE)))
		return body;
	/* every match on screen; the current match's line stands out */
	unsigned char e = l->seq == lv->current ? THEME_SEARCH_MATCH : THEME_LOG_MATCH;
	const char *s = strbuf_str(&lv->line) + body;
	size_t len = strlen(s), from = 0, so, eo;
	while (from <= len && textmatch_find(m, s, from, &so, &eo)) {
		memset(lv->el + body + so, e, eo - so);
		if (eo >= len)
			break;
		from = eo > so ? eo : so + 1;
	}
	return body;
}

int logs_line_rows(struct logs_view *lv, size_t i, int cols)
{
	if (!lv->wrap)
		return 1;
	format(lv, i);
	return logs_wrap_rows(strbuf_str(&lv->line), cols);
}

size_t logs_bottom_top(struct logs_view *lv, int rows, int cols)
{
	size_t n = logs_model_shown(lv->model);
	size_t h = rows > 0 ? (size_t)rows : 1;
	if (!lv->wrap)
		return n > h ? n - h : 0;
	if (!n)
		return 0;
	size_t i = n - 1;
	size_t used = (size_t)logs_line_rows(lv, i, cols);
	while (i > 0 && used < h) {
		size_t r = (size_t)logs_line_rows(lv, i - 1, cols);
		if (used + r > h)
			break;
		used += r;
		i--;
	}
	return i;
}

size_t logs_top_index(struct logs_view *lv, int rows, int cols)
{
	size_t bottom = logs_bottom_top(lv, rows, cols);
	if (lv->follow)
		return bottom;
	size_t top = logs_model_shown_index(lv->model, lv->top_seq);
	return top < bottom ? top : bottom;
}

static void put_run(WINDOW *win, const wchar_t *buf, int n, unsigned char el)
{
	if (n <= 0)
		return;
	wattrset(win, theme_attr((enum theme_element)el));
	waddnwstr(win, buf, n);
}

/* Draws the formatted line from row y (skipping its first skip rows, which are above
 * the window), wrapped or cut at w; returns the rows it took in the window. */
static int draw_formatted(struct logs_view *lv, WINDOW *win, int y, int h, int w, int skip)
{
	const char *s = strbuf_str(&lv->line);
	wchar_t run[RUN_CHARS];
	int n = 0, used = 0, row = -skip;
	size_t col = 0;
	unsigned char cur = THEME_DEFAULT;
	if (row >= 0)
		wmove(win, y, 0);
	for (size_t i = 0; s[i];) {
		wchar_t wc;
		int cw;
		unsigned char e = lv->el[i];
		i += text_next_char(s + i, &wc, &cw);
		size_t c0 = col;
		col += (size_t)cw;
		if (!lv->wrap && c0 < lv->left)
			continue;
		if (used + cw > w) {
			if (!lv->wrap)
				break;
			if (row >= 0) {
				put_run(win, run, n, cur);
				text_put_blank(win, w - used, theme_attr(THEME_DEFAULT));
			}
			n = used = 0;
			if (y + ++row >= h)
				return row;
			if (row >= 0)
				wmove(win, y + row, 0);
		}
		if (row >= 0 && (e != cur || n == RUN_CHARS)) {
			put_run(win, run, n, cur);
			n = 0;
		}
		cur = e;
		if (row >= 0)
			run[n++] = wc;
		used += cw;
	}
	if (row >= 0) {
		put_run(win, run, n, cur);
		text_put_blank(win, w - used, theme_attr(THEME_DEFAULT));
	}
	return row + 1 > 0 ? row + 1 : 0;
}

/* Rows of the lines from top to the end, when following with wrap: how many of the top
 * line's rows fall above the window. */
static int rows_above(struct logs_view *lv, size_t top, int h, int w)
{
	if (!lv->follow || !lv->wrap)
		return 0;
	int total = 0;
	for (size_t i = top; i < logs_model_shown(lv->model) && total <= h; i++)
		total += logs_line_rows(lv, i, w);
	return total > h ? total - h : 0;
}

void logs_draw(struct view *v, WINDOW *win, bool full)
{
	struct logs_view *lv = logs_of(v);
	int h, w;
	getmaxyx(win, h, w);
	if (h <= 0 || w <= 0)
		return;
	if (!full && !lv->dirty && h == lv->drawn_rows && w == lv->drawn_cols)
		return;
	lv->dirty = false;
	lv->drawn_rows = h;
	lv->drawn_cols = w;
	size_t top = logs_top_index(lv, h, w), n = logs_model_shown(lv->model);
	int skip = rows_above(lv, top, h, w), y = 0;
	for (size_t i = top; i < n && y < h; i++) {
		format(lv, i);
		y += draw_formatted(lv, win, y, h, w, skip);
		skip = 0;
	}
	for (; y < h; y++) {
		wmove(win, y, 0);
		text_put_blank(win, w, theme_attr(THEME_DEFAULT));
	}
	wattrset(win, A_NORMAL);
	wnoutrefresh(win);
}
