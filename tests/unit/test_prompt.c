/* Unit tests for tui/prompt: editing keys, UTF-8 editing, history, completion and
 * cycling, accept/cancel, and drawing the line and wildmenu into real ncurses windows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>
#include <cmocka.h>

#include "tests/support/curses_test.h"
#include "tui/prompt.h"

static int group_setup(void **state)
{
	return curses_test_setup(state, 30, 120, "mono");
}

/* Types a UTF-8 string key by key, as code points. */
static void type(struct prompt *p, const char *s)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	while (*s) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, strlen(s), &st);
		assert_true(n > 0 && n <= 4);
		assert_int_equal(prompt_key(p, (int)wc, false), PROMPT_EDITING);
		s += n;
	}
}

static void fkey(struct prompt *p, int key)
{
	assert_int_equal(prompt_key(p, key, true), PROMPT_EDITING);
}

static void ckey(struct prompt *p, int key)
{
	assert_int_equal(prompt_key(p, key, false), PROMPT_EDITING);
}

static const char *const resources[] = {
	"pods", "poddisruptionbudgets", "podsecuritypolicies", "pvc", "deployments",
	"daemonsets", "ns default", "ns kube-system",
};

static int completer_calls;

static void complete_resources(void *ud, const char *text, struct prompt_candidates *out)
{
	(void)ud;
	completer_calls++;
	for (size_t i = 0; i < sizeof resources / sizeof resources[0]; i++)
		if (strncmp(resources[i], text, strlen(text)) == 0)
			prompt_candidates_add(out, resources[i]);
}

static void test_editing_keys(void **state)
{
	(void)state;
	struct prompt *p = prompt_new(":", NULL);
	type(p, "hello");
	assert_string_equal(prompt_text(p), "hello");
	fkey(p, KEY_LEFT);
	fkey(p, KEY_LEFT);
	type(p, "X");
	assert_string_equal(prompt_text(p), "helXlo");
	ckey(p, 1); /* ctrl-a */
	type(p, "_");
	assert_string_equal(prompt_text(p), "_helXlo");
	ckey(p, 5); /* ctrl-e */
	ckey(p, 127);
	assert_string_equal(prompt_text(p), "_helXl");
	fkey(p, KEY_BACKSPACE);
	ckey(p, 8);
	assert_string_equal(prompt_text(p), "_hel");
	fkey(p, KEY_HOME);
	fkey(p, KEY_DC);
	assert_string_equal(prompt_text(p), "hel");
	fkey(p, KEY_END);
	fkey(p, KEY_DC); /* nothing after the cursor */
	assert_string_equal(prompt_text(p), "hel");
	fkey(p, KEY_RIGHT); /* already at the end */
	type(p, "p");
	assert_string_equal(prompt_text(p), "help");

	prompt_set_text(p, "scale deploy web  ");
	ckey(p, 23); /* ctrl-w: the spaces and the word before them */
	assert_string_equal(prompt_text(p), "scale deploy ");
	ckey(p, 23);
	assert_string_equal(prompt_text(p), "scale ");
	prompt_set_text(p, "abcdef");
	fkey(p, KEY_LEFT);
	fkey(p, KEY_LEFT);
	ckey(p, 11); /* ctrl-k */
	assert_string_equal(prompt_text(p), "abcd");
	fkey(p, KEY_LEFT);
	ckey(p, 21); /* ctrl-u */
	assert_string_equal(prompt_text(p), "d");
	type(p, "x");
	assert_string_equal(prompt_text(p), "xd");
	/* control characters and unknown function keys do nothing */
	ckey(p, 2);
	ckey(p, 0x85);
	fkey(p, KEY_F(5));
	assert_string_equal(prompt_text(p), "xd");
	prompt_free(p);
}

static void test_utf8_editing(void **state)
{
	(void)state;
	struct prompt *p = prompt_new("/", NULL);
	type(p, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac");
	assert_string_equal(prompt_text(p), "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac");
	fkey(p, KEY_LEFT); /* over 本 as one character */
	ckey(p, 127);      /* deletes 日 whole */
	assert_string_equal(prompt_text(p), "caf\xc3\xa9 \xe6\x9c\xac");
	fkey(p, KEY_LEFT);
	ckey(p, 127); /* é */
	assert_string_equal(prompt_text(p), "caf \xe6\x9c\xac");
	type(p, "\xf0\x9f\x98\x80"); /* a four-byte character */
	assert_string_equal(prompt_text(p), "caf\xf0\x9f\x98\x80 \xe6\x9c\xac");
	fkey(p, KEY_END);
	fkey(p, KEY_LEFT);
	fkey(p, KEY_DC);
	assert_string_equal(prompt_text(p), "caf\xf0\x9f\x98\x80 ");
	/* invalid bytes in set text become U+FFFD, not broken UTF-8 */
	prompt_set_text(p, "a\xff" "b");
	assert_string_equal(prompt_text(p), "a\xef\xbf\xbd" "b");
	prompt_free(p);
}

static void test_history(void **state)
{
	(void)state;
	struct prompt_history *h = prompt_history_new(3);
	prompt_history_add(h, "pods");
	prompt_history_add(h, "pods"); /* same as the newest: not added */
	prompt_history_add(h, "");
	prompt_history_add(h, "deploy");
	struct prompt *p = prompt_new(":", h);
	type(p, "sv");
	fkey(p, KEY_UP);
	assert_string_equal(prompt_text(p), "deploy");
	fkey(p, KEY_UP);
	assert_string_equal(prompt_text(p), "pods");
	fkey(p, KEY_UP); /* the oldest stays */
	assert_string_equal(prompt_text(p), "pods");
	fkey(p, KEY_DOWN);
	assert_string_equal(prompt_text(p), "deploy");
	fkey(p, KEY_DOWN); /* back to what was being typed */
	assert_string_equal(prompt_text(p), "sv");
	fkey(p, KEY_DOWN);
	assert_string_equal(prompt_text(p), "sv");
	/* editing a recalled line, then accepting, makes a new entry */
	fkey(p, KEY_UP);
	type(p, "ments");
	assert_int_equal(prompt_key(p, 13, false), PROMPT_ACCEPT);
	assert_string_equal(prompt_text(p), "deployments");
	prompt_free(p);

	/* three entries at most: "pods" was dropped */
	p = prompt_new(":", h);
	prompt_history_add(h, "svc");
	fkey(p, KEY_UP);
	assert_string_equal(prompt_text(p), "svc");
	fkey(p, KEY_UP);
	assert_string_equal(prompt_text(p), "deployments");
	fkey(p, KEY_UP);
	assert_string_equal(prompt_text(p), "deploy");
	fkey(p, KEY_UP);
	assert_string_equal(prompt_text(p), "deploy");
	prompt_free(p);
	prompt_history_free(h);
}

static void test_complete_one_candidate(void **state)
{
	(void)state;
	struct prompt *p = prompt_new(":", NULL);
	prompt_set_completer(p, complete_resources, NULL);
	assert_int_equal(prompt_candidate_count(p), 8); /* shown before typing */
	type(p, "dep");
	assert_int_equal(prompt_candidate_count(p), 1); /* recomputed as you type */
	assert_string_equal(prompt_candidate(p, 0), "deployments");
	assert_null(prompt_candidate(p, 1));
	ckey(p, 9);
	assert_string_equal(prompt_text(p), "deployments");
	assert_int_equal(prompt_candidate_selected(p), -1);
	type(p, "x"); /* no candidates: tab does nothing */
	assert_int_equal(prompt_candidate_count(p), 0);
	ckey(p, 9);
	assert_string_equal(prompt_text(p), "deploymentsx");
	prompt_free(p);
}

static void test_complete_prefix_and_cycle(void **state)
{
	(void)state;
	struct prompt *p = prompt_new(":", NULL);
	prompt_set_completer(p, complete_resources, NULL);
	type(p, "po");
	assert_int_equal(prompt_candidate_count(p), 3);
	ckey(p, 9); /* the longest common prefix */
	assert_string_equal(prompt_text(p), "pod");
	assert_int_equal(prompt_candidate_selected(p), -1);
	ckey(p, 9); /* again: cycles */
	assert_int_equal(prompt_candidate_selected(p), 0);
	assert_string_equal(prompt_text(p), "pods");
	ckey(p, 9);
	assert_int_equal(prompt_candidate_selected(p), 1);
	assert_string_equal(prompt_text(p), "poddisruptionbudgets");
	ckey(p, 9);
	ckey(p, 9); /* wraps */
	assert_int_equal(prompt_candidate_selected(p), 0);
	fkey(p, KEY_BTAB); /* backwards, wrapping */
	assert_int_equal(prompt_candidate_selected(p), 2);
	assert_string_equal(prompt_text(p), "podsecuritypolicies");
	fkey(p, KEY_BTAB);
	assert_string_equal(prompt_text(p), "poddisruptionbudgets");
	assert_int_equal(prompt_candidate_count(p), 3); /* the list holds while cycling */
	/* typing keeps the chosen candidate and ends the cycle */
	type(p, " x");
	assert_string_equal(prompt_text(p), "poddisruptionbudgets x");
	assert_int_equal(prompt_candidate_selected(p), -1);
	assert_int_equal(prompt_candidate_count(p), 0);

	/* shift-tab starts cycling from the last candidate */
	prompt_set_text(p, "ns ");
	assert_int_equal(prompt_candidate_count(p), 2);
	fkey(p, KEY_BTAB);
	assert_string_equal(prompt_text(p), "ns kube-system");
	/* a cursor move ends the cycle too; the list follows the line again */
	fkey(p, KEY_LEFT);
	assert_int_equal(prompt_candidate_selected(p), -1);
	assert_int_equal(prompt_candidate_count(p), 1);
	prompt_free(p);
}

static void test_accept_and_cancel(void **state)
{
	(void)state;
	struct prompt *p = prompt_new(":", NULL);
	prompt_set_completer(p, complete_resources, NULL);
	type(p, "d");
	ckey(p, 9);
	ckey(p, 9);
	ckey(p, 9); /* cycling on "daemonsets" */
	assert_string_equal(prompt_text(p), "daemonsets");
	assert_int_equal(prompt_key(p, 13, false), PROMPT_ACCEPT);
	assert_string_equal(prompt_text(p), "daemonsets");
	assert_int_equal(prompt_key(p, 10, false), PROMPT_ACCEPT);
	assert_int_equal(prompt_key(p, KEY_ENTER, true), PROMPT_ACCEPT);
	assert_int_equal(prompt_key(p, 27, false), PROMPT_CANCEL);
	assert_int_equal(prompt_key(p, 3, false), PROMPT_CANCEL);
	prompt_set_text(p, "a");
	assert_int_equal(prompt_key(p, 127, false), PROMPT_EDITING);
	assert_int_equal(prompt_key(p, 127, false), PROMPT_CANCEL); /* on an empty line */
	assert_int_equal(prompt_key(p, KEY_BACKSPACE, true), PROMPT_CANCEL);
	prompt_free(p);
}

static void test_draw_line_scrolls_to_cursor(void **state)
{
	(void)state;
	WINDOW *line = newwin(1, 12, 0, 0);
	struct prompt *p = prompt_new(":", NULL);
	char buf[256];
	type(p, "deployments-web");
	prompt_draw(p, line, NULL);
	/* ":" + 11 columns: the last 10 characters and the cursor cell at the end */
	curses_test_text(line, 0, 0, -1, buf, sizeof buf);
	assert_string_equal(buf, ":yments-web ");
	assert_int_equal(curses_test_attrs(line, 0, 0), A_BOLD); /* mono: prompt is bold */
	assert_int_equal(curses_test_attrs(line, 0, 11), A_BOLD | A_REVERSE);
	assert_int_equal(curses_test_attrs(line, 0, 10), A_BOLD);
	ckey(p, 1);
	prompt_draw(p, line, NULL);
	curses_test_text(line, 0, 0, -1, buf, sizeof buf);
	assert_string_equal(buf, ":deployments");
	assert_int_equal(curses_test_attrs(line, 0, 1), A_BOLD | A_REVERSE);
	assert_int_equal(curses_test_attrs(line, 0, 2), A_BOLD);
	/* a wide character under the cursor: both its columns reversed */
	prompt_set_text(p, "\xe6\x97\xa5x");
	fkey(p, KEY_HOME);
	prompt_draw(p, line, NULL);
	curses_test_text(line, 0, 0, -1, buf, sizeof buf);
	assert_string_equal(buf, ":\xe6\x97\xa5x        ");
	assert_int_equal(curses_test_attrs(line, 0, 1), A_BOLD | A_REVERSE);
	assert_int_equal(curses_test_attrs(line, 0, 3), A_BOLD);
	prompt_free(p);
	delwin(line);
}

static void test_draw_wildmenu(void **state)
{
	(void)state;
	WINDOW *line = newwin(1, 40, 1, 0), *wild = newwin(1, 30, 0, 0);
	struct prompt *p = prompt_new(":", NULL);
	prompt_set_completer(p, complete_resources, NULL);
	char buf[256];
	type(p, "p");
	prompt_draw(p, line, wild);
	/* 30 columns: "pods  poddisruptionbudgets" is 26; the next is cut */
	curses_test_text(wild, 0, 0, -1, buf, sizeof buf);
	assert_string_equal(buf, "pods  poddisruptionbudgets  p\xe2\x80\xa6");
	assert_int_equal(curses_test_attrs(wild, 0, 0), A_REVERSE); /* completion */
	assert_int_equal(curses_test_attrs(wild, 0, 29), A_REVERSE);  /* padded */
	ckey(p, 9);
	ckey(p, 9); /* selects "pods" */
	prompt_draw(p, line, wild);
	assert_int_equal(curses_test_attrs(wild, 0, 0), A_REVERSE | A_BOLD);
	assert_int_equal(curses_test_attrs(wild, 0, 6), A_REVERSE);
	fkey(p, KEY_BTAB); /* the last one, "pvc": the menu scrolls to it */
	assert_string_equal(prompt_text(p), "pvc");
	prompt_draw(p, line, wild);
	curses_test_text(wild, 0, 0, -1, buf, sizeof buf);
	assert_string_equal(buf, "\xe2\x80\xa6 podsecuritypolicies  pvc    ");
	assert_int_equal(curses_test_attrs(wild, 0, 2), A_REVERSE);
	assert_int_equal(curses_test_attrs(wild, 0, 23), A_REVERSE | A_BOLD);
	assert_int_equal(curses_test_attrs(wild, 0, 25), A_REVERSE | A_BOLD);
	curses_test_text(line, 0, 0, -1, buf, sizeof buf);
	assert_true(strncmp(buf, ":pvc ", 5) == 0);
	/* no candidates: a blank line */
	type(p, "zz");
	prompt_draw(p, line, wild);
	curses_test_text(wild, 0, 0, -1, buf, sizeof buf);
	assert_string_equal(buf, "                              ");
	assert_int_equal(curses_test_attrs(wild, 0, 0), 0);
	prompt_free(p);
	delwin(line);
	delwin(wild);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_editing_keys),
		cmocka_unit_test(test_utf8_editing),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_complete_one_candidate),
		cmocka_unit_test(test_complete_prefix_and_cycle),
		cmocka_unit_test(test_accept_and_cancel),
		cmocka_unit_test(test_draw_line_scrolls_to_cursor),
		cmocka_unit_test(test_draw_wildmenu),
	};
	return cmocka_run_group_tests(tests, group_setup, curses_test_teardown);
}
