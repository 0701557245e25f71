/* Unit tests for tui/dialog: yes/no keys with No as the default, typed input, and the
 * box drawn centred and wrapped on an 80x24 screen, read back from what ncurses shows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tests/support/curses_test.h"
#include "tui/dialog.h"

static int group_setup(void **state)
{
	return curses_test_setup(state, 24, 80, "mono");
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
	curses_test_text(curscr, 7, 5, 70, buf, sizeof buf);
	assert_true(strncmp(buf, "\xe2\x94\x8c\xe2\x94\x80", 6) == 0);
	assert_non_null(strstr(buf, "\xe2\x94\x80 Restart \xe2\x94\x80"));
	/* in the title */
	assert_int_equal(curses_test_attrs(curscr, 7, 5 + 35), A_REVERSE | A_BOLD);
	curses_test_text(curscr, 7, 4, 1, buf, sizeof buf);
	assert_string_equal(buf, " "); /* nothing left of the box */
	curses_test_text(curscr, 16, 5, 70, buf, sizeof buf);
	assert_true(strncmp(buf, "\xe2\x94\x94", 3) == 0); /* bottom-left at row 16 */
	curses_test_text(curscr, 17, 5, 1, buf, sizeof buf);
	assert_string_equal(buf, " ");
	/* the question, wrapped on words into the 66 inner columns */
	for (int y = 9; y <= 10; y++) {
		curses_test_text(curscr, y, 7, 66, buf, sizeof buf);
		curses_test_rtrim(buf);
		assert_true(strlen(buf) <= 66);
		if (*joined)
			strcat(joined, " ");
		strcat(joined, buf);
	}
	assert_string_equal(joined, long_question);
	curses_test_text(curscr, 12, 7, 66, buf, sizeof buf);
	curses_test_rtrim(buf);
	assert_string_equal(buf, "nonprod: press y to confirm");
	/* mono: the dialog is reverse */
	assert_int_equal(curses_test_attrs(curscr, 12, 7), A_REVERSE);
	/* buttons on row 14, centred; No (the default) stands out from Yes */
	curses_test_text(curscr, 14, 5, 70, buf, sizeof buf);
	char *yes = strstr(buf, "[ Yes ]  [ No ]");
	assert_non_null(yes);
	int yes_col = 5 + (int)(yes - buf) - 2; /* the "│" is three bytes, one column */
	assert_int_equal(yes_col, 5 + (70 - 15) / 2);
	assert_int_equal(curses_test_attrs(curscr, 14, yes_col), A_REVERSE);
	assert_int_equal(curses_test_attrs(curscr, 14, yes_col + 9), 0);
	dialog_key(d, KEY_LEFT, true);
	dialog_draw(d, 2, 0, 20, 80);
	doupdate();
	assert_int_equal(curses_test_attrs(curscr, 14, yes_col), 0);
	assert_int_equal(curses_test_attrs(curscr, 14, yes_col + 9), A_REVERSE);
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
	curses_test_text(curscr, 9, 7, 66, buf, sizeof buf);
	curses_test_rtrim(buf);
	assert_string_equal(buf, "Delete deployment web in shop?");
	assert_int_equal(curses_test_attrs(curscr, 9, 7), A_REVERSE | A_BOLD | A_UNDERLINE);
	curses_test_text(curscr, 11, 7, 66, buf, sizeof buf);
	curses_test_rtrim(buf);
	assert_string_equal(buf, "prod is protected: type web to confirm");
	/* the input on row 13 with the cursor cell after the text */
	curses_test_text(curscr, 13, 7, 3, buf, sizeof buf);
	assert_string_equal(buf, "we ");
	assert_int_equal(curses_test_attrs(curscr, 13, 9), A_BOLD | A_REVERSE);
	dialog_key(d, 'b', false);
	dialog_draw(d, 0, 0, 24, 80);
	doupdate();
	curses_test_text(curscr, 13, 7, 3, buf, sizeof buf);
	assert_string_equal(buf, "web");

	/* a narrower body: the box follows (width cols - 4), the question wraps more */
	clear_screen();
	dialog_draw(d, 0, 0, 24, 30);
	doupdate();
	curses_test_text(curscr, 0 + (24 - 11) / 2, 2, 26, buf, sizeof buf);
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
	return cmocka_run_group_tests(tests, group_setup, curses_test_teardown);
}
