/* Unit tests for tui/sparkline: values to ramp steps (0..max scale, NaN), the glyph text
 * in UTF-8 and ASCII, and drawing read back from an ncurses window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <cmocka.h>

#include "tui/glyphs.h"
#include "tui/sparkline.h"

static void test_levels(void **state)
{
	(void)state;
	assert_int_equal(sparkline_level(0, 10), 0);
	assert_int_equal(sparkline_level(-3, 10), 0);
	assert_int_equal(sparkline_level(10, 10), 7);
	assert_int_equal(sparkline_level(25, 10), 7);
	assert_int_equal(sparkline_level(0.01, 10), 1);   /* something is not nothing */
	assert_int_equal(sparkline_level(5, 10), 4);
	assert_int_equal(sparkline_level(NAN, 10), -1);
	assert_int_equal(sparkline_level(3, 0), 0);
	/* monotonic */
	int last = 0;
	for (double v = 0; v <= 10; v += 0.25) {
		int l = sparkline_level(v, 10);
		assert_true(l >= last);
		last = l;
	}
}

static void test_max(void **state)
{
	(void)state;
	double v[] = {NAN, 2, 7.5, NAN, 1};
	assert_true(sparkline_max(v, 5) == 7.5);
	double none[] = {NAN, NAN};
	assert_true(sparkline_max(none, 2) == 0);
	assert_true(sparkline_max(NULL, 0) == 0);
}

static void test_format_utf8(void **state)
{
	(void)state;
	glyphs_use_utf8(true);
	double v[] = {0, 1, 2, 4, 8, NAN};
	char buf[64];
	assert_int_equal(sparkline_format(v, 6, -1, buf, sizeof buf), 6);
	assert_string_equal(buf, "\u2581\u2582\u2583\u2585\u2588\u00b7");
	/* width keeps the newest, and the scale is theirs */
	assert_int_equal(sparkline_format(v, 6, 2, buf, sizeof buf), 2);
	assert_string_equal(buf, "\u2588\u00b7");
	/* a short buffer cuts at a whole glyph */
	assert_int_equal(sparkline_format(v, 6, -1, buf, 8), 2);
	assert_string_equal(buf, "\u2581\u2582");
}

static void test_format_ascii(void **state)
{
	(void)state;
	glyphs_use_utf8(false);
	double v[] = {0, 1, 2, 3, 4, 5, 6, 7, NAN};
	char buf[64];
	assert_int_equal(sparkline_format(v, 9, -1, buf, sizeof buf), 9);
	assert_string_equal(buf, " .:-=+*# ");
	double flat[] = {3, 3, 3};
	sparkline_format(flat, 3, -1, buf, sizeof buf);
	assert_string_equal(buf, "###");
}

/* A screen on /dev/null with a pipe for input: enough to draw and read cells back. */
struct scr {
	SCREEN *s;
	FILE *out, *in;
	int fds[2];
};

static void scr_open(struct scr *t)
{
	setlocale(LC_ALL, "C.UTF-8");
	setenv("TERM", "xterm-256color", 1);
	assert_int_equal(pipe(t->fds), 0);
	t->out = fopen("/dev/null", "w");
	t->in = fdopen(t->fds[0], "r");
	assert_non_null(t->out);
	t->s = newterm("xterm-256color", t->out, t->in);
	assert_non_null(t->s);
	set_term(t->s);
}

static void scr_close(struct scr *t)
{
	endwin();
	delscreen(t->s);
	fclose(t->out);
	fclose(t->in);
	close(t->fds[1]);
}

static void test_draw(void **state)
{
	(void)state;
	struct scr t;
	scr_open(&t);
	glyphs_use_utf8(true);
	WINDOW *w = newwin(3, 20, 0, 0);
	double v[] = {0, 4, NAN, 8};
	sparkline_draw(w, 1, 2, v, 4, 6, A_BOLD);
	wchar_t got[16];
	assert_int_equal(mvwinnwstr(w, 1, 2, got, 6), 6);
	assert_true(wcscmp(got, L"  \u2581\u2585\u00b7\u2588") == 0);
	cchar_t cc;
	mvwin_wch(w, 1, 7, &cc);
	assert_true(cc.attr & A_BOLD);
	assert_true(cc.chars[0] == L'\u2588');
	mvwin_wch(w, 1, 2, &cc);
	assert_false(cc.attr & A_BOLD);   /* the padding is not the series */
	/* more values than cells: the newest, nothing drawn past the width */
	double many[] = {1, 2, 3, 4, 5, 6, 7, 8};
	mvwaddstr(w, 2, 0, "XXXXXXXXXX");
	sparkline_draw(w, 2, 0, many, 8, 3, A_NORMAL);
	assert_int_equal(mvwinnwstr(w, 2, 0, got, 4), 4);
	assert_true(wcscmp(got, L"\u2587\u2588\u2588X") == 0);
	delwin(w);
	scr_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_max),
		cmocka_unit_test(test_format_utf8),
		cmocka_unit_test(test_format_ascii),
		cmocka_unit_test(test_draw),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
