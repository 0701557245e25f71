/* Unit tests for tui/text: decoding (invalid bytes, controls, wide CJK, combining
 * characters), widths, and drawing whole characters and cut text (UTF-8 and ASCII
 * ellipsis at exact widths) into real ncurses windows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>
#include <cmocka.h>

#include "tests/support/curses_test.h"
#include "tui/glyphs.h"
#include "tui/text.h"

#define CJK_ZHONG "\xe4\xb8\xad" /* U+4E2D, two columns */
#define CJK_WEN "\xe6\x96\x87"   /* U+6587, two columns */
#define E_ACUTE "e\xcc\x81"      /* e + U+0301 COMBINING ACUTE ACCENT */
#define ELLIPSIS "\xe2\x80\xa6"

static int group_setup(void **state)
{
	return curses_test_setup(state, 10, 80, "mono");
}

/* Decodes s's first character; checks what it is, its width and the bytes it took. */
static void expect_char(const char *s, wchar_t wc, int width, size_t bytes)
{
	wchar_t got = 1;
	int w = -5;
	assert_int_equal(text_next_char(s, &got, &w), bytes);
	assert_int_equal(got, wc);
	assert_int_equal(w, width);
}

static void test_next_char(void **state)
{
	(void)state;
	expect_char("a", L'a', 1, 1);
	expect_char(CJK_ZHONG "x", 0x4e2d, 2, 3);
	expect_char("\xcc\x81", 0x301, 0, 2);    /* combining: kept, no column */
	expect_char("\xc3\xa9", 0xe9, 1, 2);     /* é precomposed */
	/* invalid bytes: '?' for one byte each, one column */
	expect_char("\xff", L'?', 1, 1);
	expect_char("\x80x", L'?', 1, 1);        /* a lone continuation byte */
	expect_char("\xe4\xb8x", L'?', 1, 1);    /* a sequence cut short */
	expect_char("\xe4\xb8", L'?', 1, 1);     /* ... at the end of the string */
	expect_char("\xc0\x80", L'?', 1, 1);     /* overlong NUL */
	/* controls can't move the cursor: '?' */
	expect_char("\t", L'?', 1, 1);
	expect_char("\x1b[2J", L'?', 1, 1);
	expect_char("\x7f", L'?', 1, 1);
	expect_char("\xc2\x85", L'?', 1, 2);     /* U+0085, a C1 control */
	expect_char("", 0, 0, 0);
}

static void test_widths(void **state)
{
	(void)state;
	assert_int_equal(text_width(NULL), 0);
	assert_int_equal(text_width(""), 0);
	assert_int_equal(text_width("pods"), 4);
	assert_int_equal(text_width(CJK_ZHONG CJK_WEN), 4);
	assert_int_equal(text_width("a" CJK_ZHONG "b"), 4);
	assert_int_equal(text_width(E_ACUTE "t" E_ACUTE), 3);
	assert_int_equal(text_width("a\xff\xfe" "b"), 4);
	assert_int_equal(text_width("\xe4\xb8"), 2); /* a byte a column */
	assert_int_equal(text_width("a\tb\n"), 4);
	assert_int_equal(text_width(ELLIPSIS), 1);

	assert_int_equal(text_char_width(L'a'), 1);
	assert_int_equal(text_char_width(0x4e2d), 2);
	assert_int_equal(text_char_width(0x301), 0);
	assert_int_equal(text_char_width(L'\n'), 1);
	assert_int_equal(text_char_width(0x85), 1);
}

static void test_put(void **state)
{
	(void)state;
	WINDOW *w = newwin(3, 40, 0, 0);
	char buf[256];
	wmove(w, 0, 0);
	assert_int_equal(text_put(w, "a\xff\x01" "b", 40, A_BOLD), 4);
	assert_string_equal(curses_test_text(w, 0, 0, 4, buf, sizeof buf), "a??b");
	assert_int_equal(curses_test_attrs(w, 0, 3), A_BOLD);
	/* a wide character that would straddle the limit is left out */
	wmove(w, 1, 0);
	assert_int_equal(text_put(w, CJK_ZHONG CJK_WEN "ab", 3, A_NORMAL), 2);
	int y, x;
	getyx(w, y, x);
	assert_int_equal(y, 1);
	assert_int_equal(x, 2);
	assert_string_equal(curses_test_text(w, 1, 0, 2, buf, sizeof buf), CJK_ZHONG " ");
	/* a combining character joins the cell before it */
	wmove(w, 2, 0);
	assert_int_equal(text_put(w, E_ACUTE "x", 40, A_NORMAL), 2);
	assert_int_equal(getcurx(w), 2);
	assert_string_equal(curses_test_text(w, 2, 1, 1, buf, sizeof buf), "x");
	assert_string_equal(curses_test_text(w, 2, 0, 3, buf, sizeof buf), E_ACUTE "x");
	/* nothing at all in no room; NULL is nothing */
	wmove(w, 0, 10);
	assert_int_equal(text_put(w, "abc", 0, A_NORMAL), 0);
	assert_int_equal(text_put(w, NULL, 10, A_NORMAL), 0);
	assert_string_equal(curses_test_text(w, 0, 10, 3, buf, sizeof buf), "   ");
	delwin(w);
}

/* Text longer than what is handed to curses at once is written whole. */
static void test_put_long(void **state)
{
	(void)state;
	WINDOW *w = newwin(1, 80, 0, 0);
	char s[601], buf[1024];
	for (int i = 0; i < 600; i++)
		s[i] = (char)('a' + i % 26);
	s[600] = '\0';
	/* wider than the window: the widths still add up, the window shows its part */
	wmove(w, 0, 0);
	assert_int_equal(text_put(w, s, 79, A_NORMAL), 79);
	assert_string_equal(curses_test_text(w, 0, 0, 79, buf, sizeof buf),
			    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm"
			    "nopqrstuvwxyza");
	delwin(w);
	w = newpad(1, 700);
	wmove(w, 0, 0);
	assert_int_equal(text_put(w, s, 700, A_NORMAL), 600);
	assert_string_equal(curses_test_text(w, 0, 300, 300, buf, sizeof buf), s + 300);
	delwin(w);
}

/* The window's own attributes are what they were after every write. */
static void test_window_attrs_kept(void **state)
{
	(void)state;
	WINDOW *w = newwin(1, 40, 0, 0);
	wattrset(w, A_UNDERLINE);
	wmove(w, 0, 0);
	text_put(w, "ab", 10, A_REVERSE);
	text_put_cut(w, "abcdef", 3, A_BOLD);
	text_put_char(w, L'x', A_REVERSE);
	text_put_blank(w, 2, A_BOLD);
	assert_int_equal(getattrs(w) & (A_UNDERLINE | A_BOLD | A_REVERSE), A_UNDERLINE);
	/* and the cells carry only their own */
	assert_int_equal(curses_test_attrs(w, 0, 0), A_REVERSE);
	assert_int_equal(curses_test_attrs(w, 0, 2), A_BOLD);
	assert_int_equal(curses_test_attrs(w, 0, 5), A_REVERSE);
	assert_int_equal(curses_test_attrs(w, 0, 6), A_BOLD);
	wattrset(w, A_NORMAL);
	delwin(w);
}

/* text_put_cut at widths around the text's own, returning the columns written. */
static void expect_cut(WINDOW *w, const char *s, int maxw, const char *shown, int used)
{
	char buf[256];
	werase(w);
	wmove(w, 0, 0);
	assert_int_equal(text_put_cut(w, s, maxw, A_NORMAL), used);
	curses_test_text(w, 0, 0, -1, buf, sizeof buf);
	assert_string_equal(curses_test_rtrim(buf), shown);
}

static void test_put_cut(void **state)
{
	(void)state;
	WINDOW *w = newwin(1, 30, 0, 0);
	expect_cut(w, "abcdef", 7, "abcdef", 6);
	expect_cut(w, "abcdef", 6, "abcdef", 6);          /* exact: no ellipsis */
	expect_cut(w, "abcdef", 5, "abcd" ELLIPSIS, 5);
	expect_cut(w, "abcdef", 2, "a" ELLIPSIS, 2);
	expect_cut(w, "abcdef", 1, ELLIPSIS, 1);
	expect_cut(w, "abcdef", 0, "", 0);
	expect_cut(w, "abcdef", -3, "", 0);
	/* wide characters: 6 columns */
	expect_cut(w, CJK_ZHONG CJK_WEN CJK_ZHONG, 6, CJK_ZHONG CJK_WEN CJK_ZHONG, 6);
	expect_cut(w, CJK_ZHONG CJK_WEN CJK_ZHONG, 5, CJK_ZHONG CJK_WEN ELLIPSIS, 5);
	/* the second character would straddle: a column is left before the ellipsis */
	expect_cut(w, CJK_ZHONG CJK_WEN CJK_ZHONG, 4, CJK_ZHONG ELLIPSIS, 3);
	/* combining characters take no column of their own */
	expect_cut(w, E_ACUTE E_ACUTE E_ACUTE, 3, E_ACUTE E_ACUTE E_ACUTE, 3);
	expect_cut(w, E_ACUTE E_ACUTE E_ACUTE, 2, E_ACUTE ELLIPSIS, 2);
	/* invalid bytes are a column each */
	expect_cut(w, "\xff\xfe\xfd", 3, "???", 3);
	expect_cut(w, "\xff\xfe\xfd", 2, "?" ELLIPSIS, 2);
	delwin(w);
}

static void test_put_cut_ascii(void **state)
{
	(void)state;
	WINDOW *w = newwin(1, 30, 0, 0);
	glyphs_use_utf8(false);
	expect_cut(w, "abcdef", 6, "abcdef", 6);
	expect_cut(w, "abcdef", 5, "abcd~", 5);
	expect_cut(w, "abcdef", 1, "~", 1);
	expect_cut(w, CJK_ZHONG CJK_WEN, 3, CJK_ZHONG "~", 3);
	glyphs_use_utf8(true);
	delwin(w);
}

static void test_put_char_and_blank(void **state)
{
	(void)state;
	WINDOW *w = newwin(1, 20, 0, 0);
	char buf[64];
	wmove(w, 0, 0);
	text_put_char(w, L'a', A_NORMAL);
	text_put_char(w, L'\x1b', A_NORMAL);          /* a control: '?' */
	text_put_char(w, 0x4e2d, A_NORMAL);           /* wide: two cells */
	text_put_char(w, L'b', A_NORMAL);
	assert_int_equal(getcurx(w), 5);
	assert_string_equal(curses_test_text(w, 0, 0, 4, buf, sizeof buf), "a?" CJK_ZHONG "b");

	mvwaddstr(w, 0, 0, "xxxxxxxxxx");
	wmove(w, 0, 2);
	text_put_blank(w, 3, A_REVERSE);
	assert_int_equal(getcurx(w), 5);
	text_put_blank(w, 0, A_REVERSE);
	text_put_blank(w, -2, A_REVERSE);
	assert_int_equal(getcurx(w), 5);
	assert_string_equal(curses_test_text(w, 0, 0, 10, buf, sizeof buf), "xx   xxxxx");
	assert_int_equal(curses_test_attrs(w, 0, 2), A_REVERSE);
	assert_int_equal(curses_test_attrs(w, 0, 4), A_REVERSE);
	assert_int_equal(curses_test_attrs(w, 0, 5), A_NORMAL);
	delwin(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_char),
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_put),
		cmocka_unit_test(test_put_long),
		cmocka_unit_test(test_window_attrs_kept),
		cmocka_unit_test(test_put_cut),
		cmocka_unit_test(test_put_cut_ascii),
		cmocka_unit_test(test_put_char_and_blank),
	};
	return cmocka_run_group_tests(tests, group_setup, curses_test_teardown);
}
