/* The confirmation dialog (tui/dialog.h): a bordered box with a title, the question
 * wrapped on words, an optional hint, and either [Yes]/[No] buttons or a prompt line. */
#include "tui/dialog.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/xalloc.h"
#include "tui/glyphs.h"
#include "tui/prompt.h"
#include "tui/text.h"

#define DIALOG_MAX_WIDTH 70

struct dialog {
	enum dialog_kind kind;
	char *title, *question, *hint;
	bool danger;
	bool focus_yes;
	enum dialog_status status;
	const char *answer; /* "y" / "n" once a yes/no dialog is answered */
	struct prompt *input;
	WINDOW *win, *input_win;
	int wy, wx, wh, ww;
};

/* A string decoded for display; invalid bytes and control characters become '?'. */
struct wtext {
	wchar_t *s;
	int *w; /* column width of each character */
	size_t n;
};

static struct wtext wtext_from(const char *s)
{
	size_t cap = strlen(s) + 1;
	struct wtext t = {xcalloc(cap, sizeof(wchar_t)), xcalloc(cap, sizeof(int)), 0};
	while (*s) {
		s += text_next_char(s, &t.s[t.n], &t.w[t.n]);
		t.n++;
	}
	return t;
}

static void wtext_free(struct wtext *t)
{
	free(t->s);
	free(t->w);
}

static void put_wc(WINDOW *w, int y, int x, wchar_t c, attr_t attr)
{
	wmove(w, y, x);
	text_put_char(w, c, attr);
}

/* Writes characters [from, to) of t at (y, x); returns the columns written. */
static int put_span(WINDOW *w, int y, int x, const struct wtext *t, size_t from, size_t to,
		    attr_t attr)
{
	int used = 0;
	for (size_t i = from; i < to; i++) {
		put_wc(w, y, x + used, t->s[i], attr);
		used += t->w[i];
	}
	return used;
}

static int put_utf8(WINDOW *w, int y, int x, const char *s, attr_t attr)
{
	wmove(w, y, x);
	return text_put(w, s, INT_MAX, attr);
}

struct dialog *dialog_new(enum dialog_kind kind, const char *title, const char *question,
			  const char *hint, const char *initial, bool danger)
{
	struct dialog *d = xcalloc(1, sizeof *d);
	d->kind = kind;
	d->title = xstrdup(title ? title : "");
	d->question = xstrdup(question ? question : "");
	d->hint = hint ? xstrdup(hint) : NULL;
	d->danger = danger;
	d->answer = "";
	if (kind == DIALOG_INPUT) {
		d->input = prompt_new("", NULL);
		prompt_set_text(d->input, initial ? initial : "");
	}
	return d;
}

static void dialog_drop_windows(struct dialog *d)
{
	if (d->input_win)
		delwin(d->input_win);
	if (d->win)
		delwin(d->win);
	d->input_win = d->win = NULL;
}

void dialog_free(struct dialog *d)
{
	if (!d)
		return;
	dialog_drop_windows(d);
	prompt_free(d->input);
	free(d->title);
	free(d->question);
	free(d->hint);
	free(d);
}

static enum dialog_status answer(struct dialog *d, bool yes)
{
	d->answer = yes ? "y" : "n";
	d->status = yes ? DIALOG_ACCEPTED : DIALOG_CANCELLED;
	return d->status;
}

static enum dialog_status yes_no_key(struct dialog *d, int key, bool fkey)
{
	if (fkey) {
		if (key == KEY_LEFT)
			d->focus_yes = true;
		else if (key == KEY_RIGHT)
			d->focus_yes = false;
		else if (key == KEY_BTAB)
			d->focus_yes = !d->focus_yes;
		else if (key == KEY_ENTER)
			return answer(d, d->focus_yes);
		return DIALOG_OPEN;
	}
	switch (key) {
	case 'y': case 'Y':
		return answer(d, true);
	case 'n': case 'N': case 'q': case 27: case 3:
		return answer(d, false);
	case 9:
		d->focus_yes = !d->focus_yes;
		return DIALOG_OPEN;
	case 13: case 10:
		return answer(d, d->focus_yes);
	default:
		return DIALOG_OPEN;
	}
}

enum dialog_status dialog_key(struct dialog *d, int key, bool function_key)
{
	if (d->status != DIALOG_OPEN)
		return d->status;
	if (d->kind == DIALOG_YES_NO)
		return yes_no_key(d, key, function_key);
	bool backspace = (function_key && key == KEY_BACKSPACE) ||
			 (!function_key && (key == 127 || key == 8));
	/* one backspace too many must not throw the dialog away (the prompt would cancel) */
	if (backspace && !*prompt_text(d->input))
		return DIALOG_OPEN;
	switch (prompt_key(d->input, key, function_key)) {
	case PROMPT_ACCEPT:
		d->status = DIALOG_ACCEPTED;
		break;
	case PROMPT_CANCEL:
		d->status = DIALOG_CANCELLED;
		break;
	case PROMPT_EDITING:
		break;
	}
	return d->status;
}

const char *dialog_input(const struct dialog *d)
{
	return d->kind == DIALOG_INPUT ? prompt_text(d->input) : d->answer;
}

/* Breaks t into lines of at most width columns at spaces (a word longer than the line
 * is broken anywhere); fills starts/ends (cap entries) and returns the line count. */
static size_t wrap(const struct wtext *t, int width, size_t *starts, size_t *ends, size_t cap)
{
	size_t n = 0, i = 0;
	while (i < t->n && n < cap) {
		while (i < t->n && t->s[i] == L' ')
			i++;
		if (i >= t->n)
			break;
		size_t start = i, brk = 0;
		int used = 0;
		while (i < t->n && used + t->w[i] <= width) {
			if (t->s[i] == L' ')
				brk = i;
			used += t->w[i++];
		}
		if (i < t->n && t->s[i] != L' ' && brk > start)
			i = brk;
		if (i == start) /* a character wider than the line */
			i++;
		starts[n] = start;
		ends[n++] = i;
	}
	return n;
}

/* The glyph's (first) character, as put_wc draws it. */
static wchar_t glyph_char(enum glyph id)
{
	wchar_t wc;
	int width;
	text_next_char(glyph(id), &wc, &width);
	return wc;
}

static void draw_border(WINDOW *w, int h, int wd, attr_t attr)
{
	wchar_t hl = glyph_char(GLYPH_HLINE), vl = glyph_char(GLYPH_VLINE);
	for (int x = 1; x < wd - 1; x++) {
		put_wc(w, 0, x, hl, attr);
		put_wc(w, h - 1, x, hl, attr);
	}
	for (int y = 1; y < h - 1; y++) {
		put_wc(w, y, 0, vl, attr);
		put_wc(w, y, wd - 1, vl, attr);
	}
	put_wc(w, 0, 0, glyph_char(GLYPH_TOP_LEFT), attr);
	put_wc(w, 0, wd - 1, glyph_char(GLYPH_TOP_RIGHT), attr);
	put_wc(w, h - 1, 0, glyph_char(GLYPH_BOTTOM_LEFT), attr);
	put_wc(w, h - 1, wd - 1, glyph_char(GLYPH_BOTTOM_RIGHT), attr);
}

/* Creates the window, or recreates it when the geometry changed. */
static void place(struct dialog *d, int y, int x, int h, int w)
{
	if (d->win && d->wy == y && d->wx == x && d->wh == h && d->ww == w)
		return;
	dialog_drop_windows(d);
	d->win = newwin(h, w, y, x);
	d->wy = y;
	d->wx = x;
	d->wh = h;
	d->ww = w;
	if (d->win && d->kind == DIALOG_INPUT)
		d->input_win = derwin(d->win, 1, w - 4, h - 3, 2);
}

static void draw_title(struct dialog *d, attr_t attr, int inner)
{
	struct wtext t = wtext_from(d->title);
	size_t end = 0;
	int used = 0;
	while (end < t.n && used + t.w[end] <= inner - 2) /* a space each side */
		used += t.w[end++];
	if (end > 0) {
		int x = 2 + (inner - 2 - used) / 2;
		put_wc(d->win, 0, x - 1, L' ', attr | A_BOLD);
		put_span(d->win, 0, x, &t, 0, end, attr | A_BOLD);
		put_wc(d->win, 0, x + used, L' ', attr | A_BOLD);
	}
	wtext_free(&t);
}

static void draw_buttons(struct dialog *d, attr_t attr, int row)
{
	const char *yes = "[ Yes ]", *no = "[ No ]";
	int x = (d->ww - (int)strlen(yes) - 2 - (int)strlen(no)) / 2;
	if (x < 1)
		x = 1;
	x += put_utf8(d->win, row, x, yes, d->focus_yes ? attr ^ A_REVERSE : attr);
	put_utf8(d->win, row, x + 2, no, d->focus_yes ? attr : attr ^ A_REVERSE);
}

/* Writes wrapped lines of s from row; returns the next row. */
static int draw_wrapped(struct dialog *d, const char *s, int row, int max_rows, attr_t attr)
{
	struct wtext t = wtext_from(s);
	size_t starts[64], ends[64];
	size_t n = wrap(&t, d->ww - 4, starts, ends, 64);
	for (size_t i = 0; i < n && max_rows > 0; i++, max_rows--)
		put_span(d->win, row++, 2, &t, starts[i], ends[i], attr);
	wtext_free(&t);
	return row;
}

static int count_lines(const char *s, int width)
{
	struct wtext t = wtext_from(s);
	size_t starts[64], ends[64];
	int n = (int)wrap(&t, width, starts, ends, 64);
	wtext_free(&t);
	return n;
}

void dialog_draw(struct dialog *d, int y, int x, int rows, int cols)
{
	int w = cols - 4 < DIALOG_MAX_WIDTH ? cols - 4 : DIALOG_MAX_WIDTH;
	if (w < 12)
		w = cols;
	int inner = w - 4;
	int qlines = count_lines(d->question, inner);
	int hlines = d->hint ? count_lines(d->hint, inner) : 0;
	/* border, blank, question, [blank, hint], blank, buttons or input, border */
	int fixed = 6, h = fixed + qlines + (hlines ? hlines + 1 : 0);
	if (h > rows)
		h = rows;
	place(d, y + (rows - h) / 2, x + (cols - w) / 2, h, w);
	if (!d->win)
		return;
	attr_t attr = theme_attr(d->danger ? THEME_DIALOG_DANGER : THEME_DIALOG);
	/* painted cell by cell, not as the background: ncurses ORs a background's
	 * attributes into every cell, and the focused button must be able to drop reverse */
	for (int row = 0; row < h; row++)
		mvwhline(d->win, row, 0, ' ' | (chtype)attr, w);
	draw_border(d->win, h, w, attr);
	draw_title(d, attr, inner);
	int last = h - 3; /* the buttons' or input's row */
	int row = draw_wrapped(d, d->question, 2, last - 1 - 2, attr);
	if (d->hint && row + 1 < last - 1)
		draw_wrapped(d, d->hint, row + 1, last - 1 - (row + 1), attr);
	if (d->kind == DIALOG_YES_NO) {
		draw_buttons(d, attr, last);
		wnoutrefresh(d->win);
	} else {
		wnoutrefresh(d->win);
		if (d->input_win)
			prompt_draw(d->input, d->input_win, NULL);
	}
}
