/* Unit tests for tui/pager on a real ncurses screen (a pseudo-terminal): splitting and
 * tabs, motions, search (smart case, regex, invalid regex, no match), stepping between
 * matches, highlight attributes, refresh keeping the position, and a 100k-line text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "core/strbuf.h"
#include "tests/support/curses_test.h"
#include "tui/pager.h"

static int group_setup(void **state)
{
	return curses_test_setup(state, 24, 80, "mono");
}

/* "line 0\n" .. "line n-1\n" */
static char *numbered(size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		strbuf_printf(&sb, "line %zu\n", i);
	return strbuf_detach(&sb);
}

static void test_split_and_tabs(void **state)
{
	(void)state;
	struct pager *p = pager_new(PAGER_PLAIN);
	assert_int_equal(pager_line_count(p), 0);
	assert_null(pager_line(p, 0));
	pager_set_text(p, "a\tb\n\nabc\tdef\n");
	assert_int_equal(pager_line_count(p), 3); /* no empty last line */
	assert_string_equal(pager_line(p, 0), "a       b");
	assert_string_equal(pager_line(p, 1), "");
	assert_string_equal(pager_line(p, 2), "abc     def");
	assert_null(pager_line(p, 3));
	pager_set_text(p, "x\n\n");
	assert_int_equal(pager_line_count(p), 2);
	pager_set_text(p, "no newline");
	assert_int_equal(pager_line_count(p), 1);
	pager_set_text(p, "");
	assert_int_equal(pager_line_count(p), 0);
	pager_free(p);
}

static void test_motions(void **state)
{
	(void)state;
	struct pager *p = pager_new(PAGER_PLAIN);
	char *text = numbered(100);
	pager_set_text(p, text);
	int h = 10;
	assert_true(pager_request(p, REQ_MOVE_UP, h));
	assert_int_equal(pager_top(p), 0);
	assert_true(pager_request(p, REQ_MOVE_DOWN, h));
	assert_int_equal(pager_top(p), 1);
	assert_true(pager_request(p, REQ_PAGE_DOWN, h));
	assert_int_equal(pager_top(p), 11);
	assert_true(pager_request(p, REQ_HALF_PAGE_DOWN, h));
	assert_int_equal(pager_top(p), 16);
	assert_true(pager_request(p, REQ_HALF_PAGE_UP, h));
	assert_int_equal(pager_top(p), 11);
	assert_true(pager_request(p, REQ_PAGE_UP, h));
	assert_int_equal(pager_top(p), 1);
	assert_true(pager_request(p, REQ_LAST, h));
	assert_int_equal(pager_top(p), 90);
	assert_true(pager_request(p, REQ_PAGE_DOWN, h));
	assert_int_equal(pager_top(p), 90);
	assert_true(pager_request(p, REQ_FIRST, h));
	assert_int_equal(pager_top(p), 0);
	assert_false(pager_request(p, REQ_DELETE, h));
	/* Drawing shows the window from the top; an unchanged pager writes nothing. */
	WINDOW *win = newwin(h, 40, 0, 0);
	pager_request(p, REQ_MOVE_DOWN, h);
	pager_draw(p, win, false);
	assert_string_equal(curses_test_line(win, 0), "line 1");
	assert_string_equal(curses_test_line(win, 9), "line 10");
	mvwaddstr(win, 0, 0, "XX");
	pager_draw(p, win, false);
	assert_string_equal(curses_test_line(win, 0), "XXne 1"); /* nothing rewritten */
	pager_draw(p, win, true);
	assert_string_equal(curses_test_line(win, 0), "line 1");
	/* Horizontal scroll by 8 columns. */
	pager_set_text(p, "0123456789abcdefghij\nshort\n");
	pager_request(p, REQ_SCROLL_RIGHT, h);
	pager_draw(p, win, false);
	assert_string_equal(curses_test_line(win, 0), "89abcdefghij");
	assert_string_equal(curses_test_line(win, 1), "");
	pager_request(p, REQ_SCROLL_LEFT, h);
	pager_draw(p, win, false);
	assert_string_equal(curses_test_line(win, 0), "0123456789abcdefghij");
	delwin(win);
	free(text);
	pager_free(p);
}

static void test_search(void **state)
{
	(void)state;
	char err[256];
	struct pager *p = pager_new(PAGER_PLAIN);
	pager_set_text(p, "Alpha\nbeta\nalphabet\nGAMMA\nalpha(1\n");
	/* Smart case: lower case matches any case. */
	assert_int_equal(pager_search(p, "alpha", err, sizeof err), 3);
	assert_string_equal(err, "");
	assert_string_equal(pager_search_pattern(p), "alpha");
	assert_int_equal(pager_search_count(p), 3);
	assert_int_equal(pager_search_current(p), 1);
	/* An uppercase letter makes it case-sensitive. */
	assert_int_equal(pager_search(p, "Alpha", err, sizeof err), 1);
	/* A regex. */
	assert_int_equal(pager_search(p, "^(beta|gamma)$", err, sizeof err), 2);
	assert_int_equal(pager_search(p, "al.*bet", err, sizeof err), 1);
	/* An invalid regex falls back to a substring and says so. */
	assert_int_equal(pager_search(p, "alpha(", err, sizeof err), 1);
	assert_non_null(strstr(err, "invalid regex"));
	/* No match leaves everything where it was. */
	assert_int_equal(pager_search(p, "zeta", err, sizeof err), 0);
	assert_int_equal(pager_search_count(p), 0);
	assert_int_equal(pager_search_current(p), 0);
	assert_false(pager_search_next(p, true));
	/* Clearing. */
	assert_int_equal(pager_search(p, "", err, sizeof err), 0);
	assert_string_equal(pager_search_pattern(p), "");
	pager_search(p, "beta", err, sizeof err);
	assert_int_equal(pager_search(p, NULL, err, sizeof err), 0);
	assert_string_equal(pager_search_pattern(p), "");
	pager_free(p);
}

static void test_search_steps_and_scrolls(void **state)
{
	(void)state;
	char err[256];
	struct pager *p = pager_new(PAGER_PLAIN);
	char *text = numbered(100);
	pager_set_text(p, text);
	WINDOW *win = newwin(10, 40, 0, 0);
	pager_draw(p, win, true);
	/* "line 5" matches lines 5 and 50..59: the first at or after the top is visible. */
	assert_int_equal(pager_search(p, "line 5", err, sizeof err), 11);
	assert_int_equal(pager_top(p), 0);
	assert_int_equal(pager_search_current(p), 1);
	assert_true(pager_search_next(p, true));
	assert_int_equal(pager_search_current(p), 2);
	assert_int_equal(pager_top(p), 50); /* scrolled to show line 50 */
	assert_true(pager_search_next(p, false));
	assert_int_equal(pager_search_current(p), 1);
	assert_int_equal(pager_top(p), 5);
	/* Backwards from the first wraps to the last. */
	assert_true(pager_search_next(p, false));
	assert_int_equal(pager_search_current(p), 11);
	assert_int_equal(pager_top(p), 59);
	/* Forwards from the last wraps to the first. */
	assert_true(pager_search_next(p, true));
	assert_int_equal(pager_search_current(p), 1);
	/* Searching from the top wraps too. */
	pager_request(p, REQ_LAST, 10);
	assert_int_equal(pager_search(p, "line 1$", err, sizeof err), 1);
	assert_int_equal(pager_top(p), 1);
	delwin(win);
	free(text);
	pager_free(p);
}

static void test_highlight(void **state)
{
	(void)state;
	char err[256];
	struct pager *p = pager_new(PAGER_YAML);
	pager_set_text(p, "kind: Pod\nmetadata:\n  name: web # the web pod\n  labels:\n    app: web\n");
	WINDOW *win = newwin(6, 40, 0, 0);
	pager_draw(p, win, true);
	assert_string_equal(curses_test_line(win, 2), "  name: web # the web pod");
	assert_true(curses_test_attrs(win, 0, 0) & A_BOLD);     /* "kind:" key */
	assert_true(curses_test_attrs(win, 0, 4) & A_BOLD);
	assert_false(curses_test_attrs(win, 0, 6) & A_BOLD);    /* value */
	assert_true(curses_test_attrs(win, 2, 14) & A_DIM);     /* comment */
	assert_false(curses_test_attrs(win, 2, 8) & A_DIM);
	assert_int_equal(pager_search(p, "web", err, sizeof err), 2);
	pager_draw(p, win, false);
	/* Every match on visible lines, the comment's too; the rest untouched. */
	for (int x = 8; x < 11; x++)
		assert_true(curses_test_attrs(win, 2, x) & A_REVERSE);
	assert_false(curses_test_attrs(win, 2, 11) & A_REVERSE);
	assert_true(curses_test_attrs(win, 2, 18) & A_REVERSE);
	assert_true(curses_test_attrs(win, 4, 9) & A_REVERSE);
	assert_false(curses_test_attrs(win, 0, 0) & A_REVERSE);
	/* Clearing the search removes the highlight. */
	pager_search(p, "", err, sizeof err);
	pager_draw(p, win, false);
	assert_false(curses_test_attrs(win, 2, 8) & A_REVERSE);
	delwin(win);
	pager_free(p);
	/* describe: "Key:" keys, keys with spaces, but not the events table. */
	p = pager_new(PAGER_DESCRIBE);
	pager_set_text(p, "Name:         web\nStart Time:   Mon\n  Normal  Pulled  5m  x: y\n");
	win = newwin(4, 40, 0, 0);
	pager_draw(p, win, true);
	assert_true(curses_test_attrs(win, 0, 0) & A_BOLD);
	assert_true(curses_test_attrs(win, 1, 6) & A_BOLD);
	assert_false(curses_test_attrs(win, 2, 3) & A_BOLD);
	delwin(win);
	pager_free(p);
	/* diff (mono theme): added lines bold, deleted underlined, headers both */
	p = pager_new(PAGER_DIFF);
	pager_set_text(p, "--- live\n+++ desired\n@@ -1 +1 @@\n-image: a:1\n+image: a:2\n same\n");
	win = newwin(7, 40, 0, 0);
	pager_draw(p, win, true);
	assert_true((curses_test_attrs(win, 0, 0) & (A_BOLD | A_UNDERLINE)) == (A_BOLD | A_UNDERLINE));
	assert_true((curses_test_attrs(win, 2, 5) & (A_BOLD | A_UNDERLINE)) == (A_BOLD | A_UNDERLINE));
	assert_true(curses_test_attrs(win, 3, 4) & A_UNDERLINE);
	assert_false(curses_test_attrs(win, 3, 4) & A_BOLD);
	assert_true(curses_test_attrs(win, 4, 4) & A_BOLD);
	assert_false(curses_test_attrs(win, 4, 4) & A_UNDERLINE);
	assert_false(curses_test_attrs(win, 5, 2) & (A_BOLD | A_UNDERLINE));
	delwin(win);
	pager_free(p);
}

static void test_set_text_keeps_position(void **state)
{
	(void)state;
	char err[256];
	struct pager *p = pager_new(PAGER_PLAIN);
	char *text = numbered(100);
	pager_set_text(p, text);
	pager_request(p, REQ_PAGE_DOWN, 10);
	pager_request(p, REQ_PAGE_DOWN, 10);
	assert_int_equal(pager_top(p), 20);
	assert_int_equal(pager_search(p, "line 2", err, sizeof err), 11);
	assert_int_equal(pager_search_current(p), 2); /* line 20, at the top */
	pager_set_text(p, text);                      /* a refresh */
	assert_int_equal(pager_top(p), 20);
	assert_int_equal(pager_search_count(p), 11);
	assert_int_equal(pager_search_current(p), 2);
	free(text);
	text = numbered(15);                          /* shorter: clamped */
	pager_set_text(p, text);
	assert_int_equal(pager_top(p), 5);
	assert_int_equal(pager_search_count(p), 1);
	free(text);
	pager_free(p);
}

static void test_long_text_is_fast(void **state)
{
	(void)state;
	char err[256];
	struct pager *p = pager_new(PAGER_YAML);
	char *text = numbered(100000);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	pager_set_text(p, text);
	assert_int_equal(pager_line_count(p), 100000);
	assert_int_equal(pager_search(p, "line 9999[0-9]", err, sizeof err), 10);
	assert_int_equal(pager_top(p), 99990);
	WINDOW *win = newwin(20, 80, 0, 0);
	pager_draw(p, win, true);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	printf("100k lines: split, regex search, draw in %.1f ms\n", ms);
	assert_true(ms < 2000);
	delwin(win);
	free(text);
	pager_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_and_tabs),
		cmocka_unit_test(test_motions),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_search_steps_and_scrolls),
		cmocka_unit_test(test_highlight),
		cmocka_unit_test(test_set_text_keeps_position),
		cmocka_unit_test(test_long_text_is_fast),
	};
	return cmocka_run_group_tests(tests, group_setup, curses_test_teardown);
}
