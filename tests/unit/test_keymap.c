/* Unit tests for tui/keymap: key names, the embedded default, user overlays, errors with
 * file:line:col, lookups with view fallback, help lists and read-only filtering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tui/keymap.h"
#include "tests/support/tmpdir.h"

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

static int key_of(const char *name)
{
	int key = -12345;
	assert_true(keymap_key_from_name(name, &key));
	return key;
}

static void test_key_names_round_trip(void **state)
{
	(void)state;
	const char *canonical[] = {"j", "G", "?", ":", "/", "0", "space", "enter", "esc",
				   "tab", "backspace", "up", "down", "left", "right", "pgup",
				   "pgdn", "home", "end", "f1", "f12", "ctrl-a", "ctrl-d",
				   "ctrl-z", "shift-up", "shift-down", "shift-tab"};
	char buf[KEYMAP_KEY_NAME_MAX];
	for (size_t i = 0; i < sizeof canonical / sizeof canonical[0]; i++)
		assert_string_equal(keymap_key_name(key_of(canonical[i]), buf, sizeof buf),
				    canonical[i]);
	assert_int_equal(key_of("ctrl-d"), 4);
	assert_int_equal(key_of("shift-n"), 'N');
	assert_int_equal(key_of("f5"), KEY_F(5));
	assert_int_equal(key_of("shift-up"), KEY_SR);
	assert_int_equal(key_of("ctrl-i"), key_of("tab"));
	assert_int_equal(key_of("ctrl-m"), key_of("enter"));
	assert_int_equal(key_of("ctrl-h"), KEY_BACKSPACE);
	const char *bad[] = {"", "ctrl-", "ctrl-1", "f0", "f13", "f1x", "xx", "shift-1", "Space",
			     "ctrl-D", "\t"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int key = -7;
		assert_false(keymap_key_from_name(bad[i], &key));
		assert_int_equal(key, -7);
	}
}

static void test_key_normalize(void **state)
{
	(void)state;
	assert_int_equal(keymap_key_normalize('\n'), key_of("enter"));
	assert_int_equal(keymap_key_normalize(KEY_ENTER), key_of("enter"));
	assert_int_equal(keymap_key_normalize('\r'), key_of("enter"));
	assert_int_equal(keymap_key_normalize(127), KEY_BACKSPACE);
	assert_int_equal(keymap_key_normalize(8), KEY_BACKSPACE);
	assert_int_equal(keymap_key_normalize('j'), 'j');
}

static struct keymap *load_default(void)
{
	char err[512] = "x";
	struct keymap *km = keymap_load("/nonexistent/opsdeck-test/keymap.yaml", err, sizeof err);
	assert_non_null(km);
	assert_string_equal(err, "");
	return km;
}

static void test_default_keymap_lookups(void **state)
{
	(void)state;
	struct keymap *km = load_default();
	assert_int_equal(keymap_lookup(km, "pods", 'j'), REQ_MOVE_DOWN);
	assert_int_equal(keymap_lookup(km, NULL, KEY_DOWN), REQ_MOVE_DOWN);
	assert_int_equal(keymap_lookup(km, "nosuchview", 'k'), REQ_MOVE_UP);
	assert_int_equal(keymap_lookup(km, "pods", 'l'), REQ_LOGS);
	assert_int_equal(keymap_lookup(km, "deployments", 'l'), REQ_LOGS);
	assert_int_equal(keymap_lookup(km, "jobs", 'l'), REQ_LOGS);
	assert_int_equal(keymap_lookup(km, "apps", 'l'), REQ_LOGS);
	assert_int_equal(keymap_lookup(km, "board", 'l'), REQ_LOGS);
	assert_int_equal(keymap_lookup(km, "services", 'l'), REQ_SCROLL_RIGHT);
	assert_int_equal(keymap_lookup(km, "logs", 'l'), REQ_SCROLL_RIGHT);
	assert_int_equal(keymap_lookup(km, "pods", KEY_RIGHT), REQ_SCROLL_RIGHT);
	assert_int_equal(keymap_lookup(km, "logs", 's'), REQ_LOG_FOLLOW);
	assert_int_equal(keymap_lookup(km, "logs", '&'), REQ_LOG_FILTER);
	assert_int_equal(keymap_lookup(km, "logs", '/'), REQ_SEARCH);
	assert_int_equal(keymap_lookup(km, "logs", '3'), REQ_LOG_SINCE);
	assert_int_equal(keymap_lookup(km, "logs", '0'), REQ_NONE);
	assert_int_equal(keymap_lookup(km, "logs", key_of("ctrl-s")), REQ_LOG_SAVE);
	assert_int_equal(keymap_lookup(km, "logs", key_of("ctrl-d")), REQ_NONE);
	assert_int_equal(keymap_lookup(km, "deployments", 'r'), REQ_RESTART);
	assert_int_equal(keymap_lookup(km, "pods", 'r'), REQ_NONE);
	assert_int_equal(keymap_lookup(km, "pods", key_of("ctrl-d")), REQ_DELETE);
	assert_int_equal(keymap_lookup(km, "contexts", key_of("ctrl-d")), REQ_NONE);
	assert_int_equal(keymap_lookup(km, "yaml", '/'), REQ_SEARCH);
	assert_int_equal(keymap_lookup(km, "pods", '/'), REQ_FILTER);
	assert_int_equal(keymap_lookup(km, "yaml", 'N'), REQ_SEARCH_PREV);
	assert_int_equal(keymap_lookup(km, "pods", 'N'), REQ_SORT_NAME);
	assert_int_equal(keymap_lookup(km, "pods", '\n'), REQ_ENTER);
	assert_int_equal(keymap_lookup(km, "pods", KEY_ENTER), REQ_ENTER);
	assert_int_equal(keymap_lookup(km, "pods", 27), REQ_BACK);
	assert_int_equal(keymap_lookup(km, "pods", '0'), REQ_ALL_NAMESPACES);
	assert_int_equal(keymap_lookup(km, "pods", '7'), REQ_FAVOURITE_NAMESPACE);
	assert_int_equal(keymap_lookup(km, "pods", key_of("ctrl-l")), REQ_REFRESH);
	assert_int_equal(keymap_lookup(km, "pods", 'e'), REQ_NONE);
	keymap_free(km);
}

/* Writes text to a fresh temporary file; returns its path (caller unlinks and frees). */
static char *write_temp(const char *text)
{
	char path_buf[256];
	char *path = strdup(test_tmp_template(path_buf, sizeof(path_buf), "opsdeck-keymap-XXXXXX"));
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_user_overlay_replaces_and_unbinds(void **state)
{
	(void)state;
	char *path = write_temp("global:\n"
				"  j: none\n"
				"  ctrl-n: move-down\n"
				"pods:\n"
				"  x: describe\n");
	char err[512] = "x";
	struct keymap *km = keymap_load(path, err, sizeof err);
	assert_non_null(km);
	assert_string_equal(err, "");
	assert_int_equal(keymap_lookup(km, "pods", 'j'), REQ_NONE);
	assert_int_equal(keymap_lookup(km, "pods", KEY_DOWN), REQ_MOVE_DOWN);
	assert_int_equal(keymap_lookup(km, "pods", key_of("ctrl-n")), REQ_MOVE_DOWN);
	assert_int_equal(keymap_lookup(km, "pods", 'x'), REQ_DESCRIBE);
	assert_int_equal(keymap_lookup(km, "services", 'x'), REQ_RELATED);
	assert_int_equal(keymap_lookup(km, "deployments", 'r'), REQ_RESTART);
	keymap_free(km);
	unlink(path);
	free(path);
}

static void overlay_error(const char *text, const char *expect)
{
	struct keymap *km = keymap_new();
	char err[512] = "";
	assert_int_equal(keymap_overlay_text(km, "u.yaml", "global:\n  j: move-down\n", 23, err,
					     sizeof err), 0);
	assert_int_equal(keymap_overlay_text(km, "my.yaml", text, strlen(text), err, sizeof err),
			 -1);
	if (!strstr(err, expect))
		fail_msg("error '%s' lacks '%s'", err, expect);
	/* nothing of the bad file was applied, the earlier binding stands */
	assert_int_equal(keymap_lookup(km, "global", 'j'), REQ_MOVE_DOWN);
	assert_int_equal(keymap_lookup(km, "global", 'k'), REQ_NONE);
	keymap_free(km);
}

static void test_errors_name_file_line_column(void **state)
{
	(void)state;
	overlay_error("global:\n  k: move-up\n  j: frobnicate\n",
		      "my.yaml:3:3: unknown request 'frobnicate' for key 'j' in section 'global'");
	overlay_error("global:\n  k: move-up\npods:\n\n  ctrl-: describe\n",
		      "my.yaml:5:3: unknown key name 'ctrl-' in section 'pods'");
	overlay_error("global:\n  k: move-up\n  j: [a, b]\n", "my.yaml:3:3: unknown request");
	overlay_error("global:\n  k: move-up\n  j: [unclosed\n", "my.yaml:");
	overlay_error("- global\n", "my.yaml:1:1: a keymap is a mapping");
	overlay_error("global:\n  k: move-up\npods: 3\n", "my.yaml:3:1: section 'pods'");
}

static void test_bad_user_file_keeps_defaults(void **state)
{
	(void)state;
	char *path = write_temp("global:\n  j: nope\n");
	char err[512] = "";
	struct keymap *km = keymap_load(path, err, sizeof err);
	assert_non_null(km);
	assert_non_null(strstr(err, ":2:3: unknown request 'nope'"));
	assert_non_null(strstr(err, path));
	assert_int_equal(keymap_lookup(km, "pods", 'j'), REQ_MOVE_DOWN);
	keymap_free(km);
	unlink(path);
	free(path);
}

static const struct keymap_help_item *help_find(const struct keymap_help_item *items,
						size_t n, enum request req)
{
	for (size_t i = 0; i < n; i++)
		if (items[i].req == req)
			return &items[i];
	return NULL;
}

static bool help_has_key(const struct keymap_help_item *item, int key)
{
	for (size_t i = 0; item && i < item->nkeys; i++)
		if (item->keys[i] == key)
			return true;
	return false;
}

static void test_help_lists_follow_view_and_readonly(void **state)
{
	(void)state;
	struct keymap *km = load_default();
	struct keymap_help_item items[REQ_COUNT];
	size_t n = keymap_help(km, "deployments", false, items, REQ_COUNT);
	assert_true(n > 10 && n <= REQ_COUNT);
	for (size_t i = 1; i < n; i++)
		assert_true(items[i - 1].req < items[i].req);
	assert_true(help_has_key(help_find(items, n, REQ_RESTART), 'r'));
	assert_true(help_has_key(help_find(items, n, REQ_DELETE), key_of("ctrl-d")));
	assert_true(help_has_key(help_find(items, n, REQ_LOGS), 'l')); /* l opens logs here */
	const struct keymap_help_item *right = help_find(items, n, REQ_SCROLL_RIGHT);
	assert_true(help_has_key(right, KEY_RIGHT));
	assert_false(help_has_key(right, 'l'));
	const struct keymap_help_item *down = help_find(items, n, REQ_MOVE_DOWN);
	assert_int_equal(down->nkeys, 2);
	assert_int_equal(down->keys[0], 'j'); /* file order */
	assert_int_equal(help_find(items, n, REQ_FAVOURITE_NAMESPACE)->nkeys, 9);

	size_t ro = keymap_help(km, "deployments", true, items, REQ_COUNT);
	assert_int_equal(ro, n - 4);
	for (size_t i = 0; i < ro; i++)
		assert_false(request_is_action(items[i].req));

	n = keymap_help(km, "pods", false, items, REQ_COUNT);
	assert_null(help_find(items, n, REQ_RESTART));
	assert_null(help_find(items, n, REQ_SEARCH));
	assert_true(help_has_key(help_find(items, n, REQ_SCROLL_LEFT), 'h'));
	assert_true(help_has_key(help_find(items, n, REQ_LOGS), 'l'));
	assert_true(help_has_key(help_find(items, n, REQ_SCROLL_RIGHT), KEY_RIGHT));
	n = keymap_help(km, "services", false, items, REQ_COUNT);
	assert_true(help_has_key(help_find(items, n, REQ_SCROLL_RIGHT), 'l'));
	assert_null(help_find(items, n, REQ_LOGS));
	/* cap smaller than the list: the count is still the whole list */
	assert_int_equal(keymap_help(km, "services", false, items, 2), n);
	keymap_free(km);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_names_round_trip),
		cmocka_unit_test(test_key_normalize),
		cmocka_unit_test(test_default_keymap_lookups),
		cmocka_unit_test(test_user_overlay_replaces_and_unbinds),
		cmocka_unit_test(test_errors_name_file_line_column),
		cmocka_unit_test(test_bad_user_file_keeps_defaults),
		cmocka_unit_test(test_help_lists_follow_view_and_readonly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
