/* Terminal text: UTF-8 decoding (the locale's multibyte encoding), display widths
 * (wcwidth; invalid bytes and control characters one column each, drawn as '?') and
 * drawing a string cut to a width with the ellipsis glyph. */
#ifndef OPSDECK_TUI_TEXT_H
#define OPSDECK_TUI_TEXT_H

#include "tui/theme.h" /* curses.h with the wide-character API */

#include <stddef.h>
#include <wchar.h>

/* Decodes the character at s: *wc is its printable form and *width its columns. An
 * invalid or incomplete byte sequence yields '?' for one byte; a control or
 * unprintable character yields '?' (so text from a server cannot move the cursor),
 * both one column. Combining characters are kept with width 0. Returns the bytes
 * consumed: at least 1, or 0 (with *wc 0 and *width 0) when s is at its NUL. */
size_t text_next_char(const char *s, wchar_t *wc, int *width);

/* Columns wc takes when drawn by text_put_char: wcwidth, or 1 for a character that
 * has none (a control, an unassigned code point), which is drawn as '?'. */
int text_char_width(wchar_t wc);

/* Columns of s as text_put draws it (NULL is 0). */
int text_width(const char *s);

/* Writes wc at the cursor in attr ('?' when it has no width, see text_char_width).
 * The window's own attributes are left as they were. */
void text_put_char(WINDOW *win, wchar_t wc, attr_t attr);

/* Writes n blanks (n <= 0: none) from the cursor in attr and leaves the cursor after
 * them. The window's own attributes are left as they were. */
void text_put_blank(WINDOW *win, int n, attr_t attr);

/* Writes s at the cursor in attr, as many whole characters as fit in maxw columns (a
 * wide character that would straddle the limit is left out). The window's own
 * attributes are left as they were. Returns the columns written. */
int text_put(WINDOW *win, const char *s, int maxw, attr_t attr);

/* As text_put, but when s is wider than maxw it is cut so that the ellipsis glyph
 * (tui/glyphs.h, one column in both tables) ends it within maxw. Returns the columns
 * written: maxw or less (a wide character can leave a column before the ellipsis). */
int text_put_cut(WINDOW *win, const char *s, int maxw, attr_t attr);

#endif
