/* Unit tests for tui/dialog: yes/no keys with No as the default, typed input, and the
 * box drawn centred and wrapped on an 80x24 screen, read back from what ncurses shows. */
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

#include "tui/dialog.h"
#include "tui/glyphs.h"
#include "tui/theme.h"

static SCREEN *screen;
static FILE *term_out, *term_in;
static int pipe_fds[2];
static struct theme *mono;

static int group_setup(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	glyphs_use_utf8(true);
	if (pipe(pipe_fds) != 0)
		return -1;
	term_out = fopen("/dev/null", "w");
	term_in = fdopen(pipe_fds[0], "r");
	use_env(FALSE);
	screen = newterm("xterm-256color", term_out, term_in);
	if (!screen)
		return -1;
	resize_term(24, 80);
	char err[256];
	mono = theme_load("mono", "/nonexistent", err, sizeof err);
	if (!mono)
		return -1;
	theme_apply(mono, false);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	theme_free(mono);
	endwin();
	delscreen(screen);
	fclose(term_out);
	fclose(term_in);
	close(pipe_fds[1]);
	return 0;
}

static void test_yes_no_keys(void **state)
{
	(void)state;
	struct dialog *d = dialog_new(DIALOG_YES_NO, "Restart", "Restart web?", NULL, NULL, false);
	assert_string_equal(dialog_input(d), "");
	assert_int_equal(dialog_key(d, 'x', false), DIALOG_OPEN);
	assert_int_equal(dialog_key(d, 13, false), DIALOG_CANCELLED); /* No is the default */
	assert_string_equal(dialog_input(d), "n");
	assert_int_equal(dialog_key(d, 'y', false), DIALOG_CANCELLED); /* answered stays */
	dialog_free(d);

	const int yes_keys[] = {'y', 'Y'}, no_keys[] = {'n', 'N', 'q', 27};
	for (size_t i = 0; i < 2; i++) {
		d = dialog_new(DIALOG_YES_NO, "Scale", "Scale?", NULL, NULL, false);
		assert_int_equal(dialog_key(d, yes_keys[i], false), DIALOG_ACCEPTED);
		assert_string_equal(dialog_input(d), "y");
		dialog_free(d);
	}
	for (size_t i = 0; i < 4; i++) {
		d = dialog_new(DIALOG_YES_NO, "Scale", "Scale?", NULL, NULL, false);
		assert_int_equal(dialog_key(d, no_keys[i], false), DIALOG_CANCELLED);
		assert_string_equal(dialog_input(d), "n");
		dialog_free(d);
	}

	d = dialog_new(DIALOG_YES_NO, "Delete", "Delete?", NULL, NULL, true);
	assert_int_equal(dialog_key(d, KEY_LEFT, true), DIALOG_OPEN);
	assert_int_equal(dialog_key(d, KEY_RIGHT, true), DIALOG_OPEN);
	assert_int_equal(dialog_key(d, 9, false), DIALOG_OPEN); /* tab: to Yes */
	assert_int_equal(dialog_key(d, KEY_ENTER, true), DIALOG_ACCEPTED);
	assert_string_equal(dialog_input(d), "y");
	dialog_free(d);

	d = dialog_new(DIALOG_YES_NO, "Delete", "Delete?", NULL, NULL, true);
	assert_int_equal(dialog_key(d, KEY_LEFT, true), DIALOG_OPEN);
	assert_int_equal(dialog_key(d, KEY_BTAB, true), DIALOG_OPEN); /* back to No */
	assert_int_equal(dialog_key(d, 10, false), DIALOG_CANCELLED);
	dialog_free(d);
}

static void test_input_accept_and_cancel(void **state)
{
	(void)state;
	struct dialog *d = dialog_new(DIALOG_INPUT, "Scale", "Replicas for web?", NULL, "3",
				      false);
	assert_string_equal(dialog_input(d), "3");
	assert_int_equal(dialog_key(d, 127, false), DIALOG_OPEN);
	assert_int_equal(dialog_key(d, 127, false), DIALOG_OPEN); /* empty: still open */
	assert_int_equal(dialog_key(d, KEY_BACKSPACE, true), DIALOG_OPEN);
	assert_int_equal(dialog_key(d, '1', false), DIALOG_OPEN);
	assert_int_equal(dialog_key(d, '2', false), DIALOG_OPEN);
	assert_int_equal(dialog_key(d, 'y', false), DIALOG_OPEN); /* text, not an answer */
	assert_int_equal(dialog_key(d, KEY_LEFT, true), DIALOG_OPEN);
	assert_int_equal(dialog_key(d, KEY_DC, true), DIALOG_OPEN);
	assert_string_equal(dialog_input(d), "12");
	assert_int_equal(dialog_key(d, 13, false), DIALOG_ACCEPTED);
	assert_string_equal(dialog_input(d), "12");
	assert_int_equal(dialog_key(d, 27, false), DIALOG_ACCEPTED);
	dialog_free(d);

	d = dialog_new(DIALOG_INPUT, "Delete", "Delete web?", "prod is protected: type web",
		       NULL, true);
	assert_string_equal(dialog_input(d), "");
	assert_int_equal(dialog_key(d, 'w', false), DIALOG_OPEN);
	assert_int_equal(dialog_key(d, 27, false), DIALOG_CANCELLED);
	dialog_free(d);
}

/* Row y of the terminal as ncurses last drew it, from column x, n columns, as UTF-8. */
static void screen_text(int y, int x, int n, char *buf, size_t cap)
{
	wchar_t wbuf[256];
	int r = mvwinnwstr(curscr, y, x, wbuf, n);
	assert_true(r >= 0);
	wbuf[r] = 0;
	assert_true(wcstombs(buf, wbuf, cap) != (size_t)-1);
}

static attr_t screen_attrs(int y, int x)
{
	cchar_t cc;
	wchar_t wch[CCHARW_MAX + 1];
	attr_t attrs;
	short pair;
	assert_int_equal(mvwin_wch(curscr, y, x, &cc), OK);
	getcchar(&cc, wch, &attrs, &pair, NULL);
	return attrs & (A_BOLD | A_REVERSE | A_UNDERLINE);
}

/* Strips trailing spaces and the border column off a row of the box. */
static void rtrim(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
}

static const char *const long_question =
	"Restart deployment web-frontend-canary in namespace payments-production "
	"on cluster nonprod-eu-west-1 right now?";

static void clear_screen(void)
{
	werase(stdscr);
	wnoutrefresh(stdscr);
	doupdate();
}

static void test_draw_yes_no_centred_and_wrapped(void **state)
{
	(void)state;
	clear_screen();
	struct dialog *d = dialog_new(DIALOG_YES_NO, "Restart", long_question,
				      "nonprod: press y to confirm", NULL, false);
	/* the body: rows 2..21 of an 80x24 screen */
	dialog_draw(d, 2, 0, 20, 80);
	doupdate();
	/* 70 wide at column 5; 2 question lines + hint: 10 high at row 2 + (20 - 10) / 2 */
	char buf[512], joined[512] = "";
	screen_text(7, 5, 70, buf, sizeof buf);
	assert_true(strncmp(buf, "\xe2\x94\x8c\xe2\x94\x80", 6) == 0);
	assert_non_null(strstr(buf, "\xe2\x94\x80 Restart \xe2\x94\x80"));
	assert_int_equal(screen_attrs(7, 5 + 35), A_REVERSE | A_BOLD); /* in the title */
	screen_text(7, 4, 1, buf, sizeof buf);
	assert_string_equal(buf, " "); /* nothing left of the box */
	screen_text(16, 5, 70, buf, sizeof buf);
	assert_true(strncmp(buf, "\xe2\x94\x94", 3) == 0); /* bottom-left at row 16 */
	screen_text(17, 5, 1, buf, sizeof buf);
	assert_string_equal(buf, " ");
	/* the question, wrapped on words into the 66 inner columns */
	for (int y = 9; y <= 10; y++) {
		screen_text(y, 7, 66, buf, sizeof buf);
		rtrim(buf);
		assert_true(strlen(buf) <= 66);
		if (*joined)
			strcat(joined, " ");
		strcat(joined, buf);
	}
	assert_string_equal(joined, long_question);
	screen_text(12, 7, 66, buf, sizeof buf);
	rtrim(buf);
	assert_string_equal(buf, "nonprod: press y to confirm");
	assert_int_equal(screen_attrs(12, 7), A_REVERSE); /* mono: the dialog is reverse */
	/* buttons on row 14, centred; No (the default) stands out from Yes */
	screen_text(14, 5, 70, buf, sizeof buf);
	char *yes = strstr(buf, "[ Yes ]  [ No ]");
	assert_non_null(yes);
	int yes_col = 5 + (int)(yes - buf) - 2; /* the "│" is three bytes, one column */
	assert_int_equal(yes_col, 5 + (70 - 15) / 2);
	assert_int_equal(screen_attrs(14, yes_col), A_REVERSE);
	assert_int_equal(screen_attrs(14, yes_col + 9), 0);
	dialog_key(d, KEY_LEFT, true);
	dialog_draw(d, 2, 0, 20, 80);
	doupdate();
	assert_int_equal(screen_attrs(14, yes_col), 0);
	assert_int_equal(screen_attrs(14, yes_col + 9), A_REVERSE);
	dialog_free(d);
}

static void test_draw_input_danger_and_narrow(void **state)
{
	(void)state;
	clear_screen();
	struct dialog *d = dialog_new(DIALOG_INPUT, "Delete", "Delete deployment web in shop?",
				      "prod is protected: type web to confirm", "we", true);
	dialog_draw(d, 0, 0, 24, 80);
	doupdate();
	/* one question line, one hint line: 9 high, at row (24 - 9) / 2 */
	char buf[512];
	screen_text(9, 7, 66, buf, sizeof buf);
	rtrim(buf);
	assert_string_equal(buf, "Delete deployment web in shop?");
	assert_int_equal(screen_attrs(9, 7), A_REVERSE | A_BOLD | A_UNDERLINE);
	screen_text(11, 7, 66, buf, sizeof buf);
	rtrim(buf);
	assert_string_equal(buf, "prod is protected: type web to confirm");
	/* the input on row 13 with the cursor cell after the text */
	screen_text(13, 7, 3, buf, sizeof buf);
	assert_string_equal(buf, "we ");
	assert_int_equal(screen_attrs(13, 9), A_BOLD | A_REVERSE);
	dialog_key(d, 'b', false);
	dialog_draw(d, 0, 0, 24, 80);
	doupdate();
	screen_text(13, 7, 3, buf, sizeof buf);
	assert_string_equal(buf, "web");

	/* a narrower body: the box follows (width cols - 4), the question wraps more */
	clear_screen();
	dialog_draw(d, 0, 0, 24, 30);
	doupdate();
	screen_text(0 + (24 - 11) / 2, 2, 26, buf, sizeof buf);
	assert_true(strncmp(buf, "\xe2\x94\x8c", 3) == 0);
	dialog_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yes_no_keys),
		cmocka_unit_test(test_input_accept_and_cancel),
		cmocka_unit_test(test_draw_yes_no_centred_and_wrapped),
		cmocka_unit_test(test_draw_input_danger_and_narrow),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
