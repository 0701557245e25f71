/* Shared fixtures for the cmocka tests that draw with ncurses (see curses_test.h): one
 * way to get a pinned test screen and one way to read text and attributes back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <cmocka.h>

#include "core/xalloc.h"
#include "tests/support/curses_test.h"
#include "tui/glyphs.h"

/* Any theme name resolves to the built-in one: no user's theme files in a test. */
#define NO_USER_THEMES "/nonexistent"

struct curses_test_screen {
	SCREEN *screen;
	FILE *out, *in;
	int pipe_write;
	struct theme *theme;
};

/* Terminal files: output thrown away, input a pipe that never delivers a key (its write
 * end stays open so a read would wait rather than see end of file). */
static bool open_files(struct curses_test_screen *s)
{
	int fds[2];
	if (pipe(fds) != 0)
		return false;
	s->pipe_write = fds[1];
	s->in = fdopen(fds[0], "r");
	if (!s->in)
		close(fds[0]);
	s->out = fopen("/dev/null", "w");
	return s->in && s->out;
}

struct curses_test_screen *curses_test_open(int rows, int cols, const char *theme)
{
	struct curses_test_screen *s = xcalloc(1, sizeof *s);
	s->pipe_write = -1;
	setlocale(LC_ALL, "C.UTF-8");
	glyphs_use_utf8(true);
	if (!open_files(s))
		goto fail;
	/* the size below, not $LINES/$COLUMNS or terminfo's */
	use_env(FALSE);
	s->screen = newterm("xterm-256color", s->out, s->in);
	if (!s->screen || resize_term(rows, cols) != OK)
		goto fail;
	s->theme = curses_test_theme_use(theme, false);
	if (!s->theme)
		goto fail;
	return s;
fail:
	curses_test_close(s);
	return NULL;
}

void curses_test_close(struct curses_test_screen *s)
{
	if (!s)
		return;
	if (s->screen) {
		endwin();
		delscreen(s->screen);
	}
	theme_free(s->theme);
	if (s->out)
		fclose(s->out);
	if (s->in)
		fclose(s->in);
	if (s->pipe_write >= 0)
		close(s->pipe_write);
	free(s);
}

int curses_test_setup(void **state, int rows, int cols, const char *theme)
{
	*state = curses_test_open(rows, cols, theme);
	return *state ? 0 : -1;
}

int curses_test_teardown(void **state)
{
	curses_test_close(*state);
	*state = NULL;
	return 0;
}

struct theme *curses_test_theme_use(const char *name, bool default_colors)
{
	char err[256];
	struct theme *t = theme_load(name, NO_USER_THEMES, err, sizeof err);
	if (t)
		theme_apply(t, default_colors);
	return t;
}

char *curses_test_text(WINDOW *w, int y, int x, int n, char *buf, size_t cap)
{
	wchar_t wbuf[512];
	int max = (int)(sizeof wbuf / sizeof wbuf[0]) - 1;
	if (n < 0 || n > max)
		n = max;
	int got = mvwinnwstr(w, y, x, wbuf, n);
	assert_true(got >= 0);
	wbuf[got] = L'\0';
	size_t len = wcstombs(buf, wbuf, cap);
	assert_true(len != (size_t)-1 && len < cap);
	return buf;
}

const char *curses_test_line(WINDOW *w, int y)
{
	static char out[1024];
	return curses_test_rtrim(curses_test_text(w, y, 0, -1, out, sizeof out));
}

char *curses_test_rtrim(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
	return s;
}

/* The attributes and colour pair of one cell, as getcchar splits them. */
static void cell_read(WINDOW *w, int y, int x, attr_t *attrs, short *pair)
{
	cchar_t cc;
	wchar_t wch[CCHARW_MAX + 1];
	assert_int_equal(mvwin_wch(w, y, x, &cc), OK);
	assert_int_equal(getcchar(&cc, wch, attrs, pair, NULL), OK);
}

attr_t curses_test_attrs(WINDOW *w, int y, int x)
{
	attr_t attrs;
	short pair;
	cell_read(w, y, x, &attrs, &pair);
	return attrs & (A_BOLD | A_REVERSE | A_UNDERLINE | A_DIM);
}

short curses_test_pair(WINDOW *w, int y, int x)
{
	attr_t attrs;
	short pair;
	cell_read(w, y, x, &attrs, &pair);
	return pair;
}
