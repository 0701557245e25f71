/* Terminal text (tui/text.h): one decoder and one way of writing a string into columns,
 * so every widget measures and cuts text alike. */
#define _XOPEN_SOURCE 700 /* wcwidth */
#include "tui/text.h"

#include <stdlib.h>
#include <string.h>

#include "tui/glyphs.h"

enum { PUT_CHUNK = 256 }; /* characters handed to curses per call */

size_t text_next_char(const char *s, wchar_t *wc, int *width)
{
	unsigned char c = (unsigned char)*s;
	if (c == 0) {
		*wc = 0;
		*width = 0;
		return 0;
	}
	if (c < 0x80) { /* the usual case, without the locale's decoder */
		*wc = c < 0x20 || c == 0x7f ? L'?' : (wchar_t)c;
		*width = 1;
		return 1;
	}
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t n = mbrtowc(wc, s, strnlen(s, MB_CUR_MAX), &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*wc = L'?';
		*width = 1;
		return 1;
	}
	*width = wcwidth(*wc);
	if (*width < 0) {
		*wc = L'?';
		*width = 1;
	}
	return n;
}

int text_char_width(wchar_t wc)
{
	int w = wcwidth(wc);
	return w < 0 ? 1 : w;
}

int text_width(const char *s)
{
	int w = 0;
	while (s && *s) {
		if (!((unsigned char)*s & 0x80)) {
			w++;
			s++;
			continue;
		}
		wchar_t wc;
		int cw;
		s += text_next_char(s, &wc, &cw);
		w += cw;
	}
	return w;
}

/* Writes n characters in attr by setting the window's attributes for the call: one
 * curses call for the lot, and the cells come out as if each carried attr itself. */
static void put_wide(WINDOW *win, const wchar_t *buf, size_t n, attr_t attr)
{
	attr_t old;
	short pair;
	int ext_pair = 0; /* ncurses passes the extended pair through opts */
	if (!n)
		return;
	wattr_get(win, &old, &pair, &ext_pair);
	wattrset(win, attr);
	waddnwstr(win, buf, (int)n);
	wattr_set(win, old, pair, &ext_pair);
}

void text_put_char(WINDOW *win, wchar_t wc, attr_t attr)
{
	if (wcwidth(wc) < 0)
		wc = L'?';
	put_wide(win, &wc, 1, attr);
}

void text_put_blank(WINDOW *win, int n, attr_t attr)
{
	attr_t old;
	short pair;
	int ext_pair = 0, y, x;
	cchar_t blank;
	if (n <= 0)
		return;
	setcchar(&blank, L" ", attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL);
	getyx(win, y, x);
	wattr_get(win, &old, &pair, &ext_pair);
	wattrset(win, attr); /* whline_set merges the window's attributes in */
	whline_set(win, &blank, n);
	wattr_set(win, old, pair, &ext_pair);
	wmove(win, y, x + n);
}

int text_put(WINDOW *win, const char *s, int maxw, attr_t attr)
{
	wchar_t buf[PUT_CHUNK];
	size_t n = 0;
	int used = 0;
	while (s && *s) {
		wchar_t wc;
		int w;
		size_t len = text_next_char(s, &wc, &w);
		if (used + w > maxw)
			break;
		buf[n++] = wc;
		used += w;
		s += len;
		if (n == PUT_CHUNK) {
			put_wide(win, buf, n, attr);
			n = 0;
		}
	}
	put_wide(win, buf, n, attr);
	return used;
}

int text_put_cut(WINDOW *win, const char *s, int maxw, attr_t attr)
{
	if (maxw <= 0)
		return 0;
	if (text_width(s) <= maxw)
		return text_put(win, s, maxw, attr);
	const char *ell = glyph(GLYPH_ELLIPSIS);
	int used = text_put(win, s, maxw - text_width(ell), attr);
	return used + text_put(win, ell, maxw - used, attr);
}
