/* Shared fixtures for the cmocka tests that draw with ncurses: a screen of a fixed size
 * with TERM and the locale pinned and a theme applied, and readers for what was drawn. */
#ifndef OPSDECK_TESTS_SUPPORT_CURSES_TEST_H
#define OPSDECK_TESTS_SUPPORT_CURSES_TEST_H

#include <stddef.h>

#include "tui/theme.h" /* curses.h with the wide-character API */

struct curses_test_screen;

/* Makes the current ncurses screen a "xterm-256color" terminal of rows x cols that
 * writes to /dev/null and reads from a pipe nobody writes to, after pinning the locale
 * to C.UTF-8 and choosing the UTF-8 glyphs; then loads the built-in theme `theme` (no
 * user theme directory) and applies it without default colours. Returns NULL when any
 * step fails. The caller owns the result and closes it with curses_test_close. */
struct curses_test_screen *curses_test_open(int rows, int cols, const char *theme);

/* Ends and deletes the screen, frees its theme and closes its files. NULL is fine. */
void curses_test_close(struct curses_test_screen *s);

/* For a cmocka group setup: curses_test_open into *state; 0, or -1 when it failed. */
int curses_test_setup(void **state, int rows, int cols, const char *theme);

/* A cmocka group teardown for curses_test_setup: closes the screen in *state. */
int curses_test_teardown(void **state);

/* Loads the built-in theme `name` and applies it (default_colors as for theme_apply).
 * Returns the theme for the caller to free, or NULL (nothing applied) if it won't load. */
struct theme *curses_test_theme_use(const char *name, bool default_colors);

/* The text of row y of w from column x, at most n characters (n < 0: to the right
 * edge), as UTF-8 in buf, trailing blanks kept; a wide character counts once. Fails the
 * running test if the row cannot be read or converted. Returns buf. */
char *curses_test_text(WINDOW *w, int y, int x, int n, char *buf, size_t cap);

/* The whole row y of w with trailing blanks removed, in a static buffer that the next
 * call overwrites: for comparing a line in one expression. */
const char *curses_test_line(WINDOW *w, int y);

/* Removes trailing spaces from s in place; returns s. */
char *curses_test_rtrim(char *s);

/* The style attributes (bold, reverse, underline, dim: what themes set) of the cell at
 * y, x of w, without the colour pair. Fails the running test if the cell can't be read. */
attr_t curses_test_attrs(WINDOW *w, int y, int x);

/* The colour pair of the cell at y, x of w. Fails the running test as curses_test_attrs. */
short curses_test_pair(WINDOW *w, int y, int x);

#endif
