/* Unit tests for the logs view's pure parts (views/logs_model) and its drawing
 * (views/logs_draw on a real ncurses screen): filter with invert, incremental filtering
 * as lines arrive and old ones drop, search stepping and ranks, the line format and its
 * elements, wrapping, the visible window while following and paused, saving. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/logline.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "tests/support/curses_test.h"
#include "views/logs_internal.h"
#include "views/logs_model.h"
#include "views/logs_target.h"
#include "tests/support/tmpdir.h"

static int group_setup(void **state)
{
	return curses_test_setup(state, 24, 80, "mono");
}

static void push(struct logs_model *m, unsigned src, const char *text)
{
	logs_model_push(m, 0, src, 0, text, strlen(text));
}

/* "line N level" lines: every third says ERROR. */
static struct logs_model *sample(size_t n, size_t max_lines)
{
	struct logs_model *m = logs_model_new(max_lines);
	logs_model_set_source(m, 0, "web-1");
	char buf[64];
	for (size_t i = 0; i < n; i++) {
		snprintf(buf, sizeof buf, "line %zu %s", i, i % 3 == 0 ? "ERROR boom" : "INFO ok");
		push(m, 0, buf);
	}
	return m;
}

static const char *shown_text(const struct logs_model *m, size_t i)
{
	return logs_model_shown_line(m, i)->text;
}

static void test_filter_and_invert(void **state)
{
	(void)state;
	struct logs_model *m = sample(30, 0);
	assert_int_equal(logs_model_shown(m), 30);
	assert_true(logs_model_set_filter(m, "error", NULL, 0));
	assert_int_equal(logs_model_shown(m), 10);
	assert_string_equal(shown_text(m, 1), "line 3 ERROR boom");
	assert_string_equal(logs_model_filter(m), "error");
	/* smart case: an uppercase letter makes it case-sensitive */
	logs_model_set_filter(m, "Error", NULL, 0);
	assert_int_equal(logs_model_shown(m), 0);
	logs_model_set_filter(m, "!ERROR", NULL, 0);
	assert_int_equal(logs_model_shown(m), 20);
	assert_string_equal(shown_text(m, 0), "line 1 INFO ok");
	assert_string_equal(logs_model_filter(m), "!ERROR");
	/* regex */
	logs_model_set_filter(m, "^line 2[0-9] ", NULL, 0);
	assert_int_equal(logs_model_shown(m), 10);
	/* a marker always passes: it says lines may be missing */
	logs_model_push(m, 0, 0, LOG_LINE_GAP, "stream dropped", 14);
	assert_int_equal(logs_model_shown(m), 11);
	/* a bad regex is matched as text, and says so */
	char err[256];
	assert_false(logs_model_set_filter(m, "boom(", err, sizeof err));
	assert_non_null(strstr(err, "invalid regex"));
	logs_model_set_filter(m, "", NULL, 0);
	assert_int_equal(logs_model_shown(m), 31);
	assert_string_equal(logs_model_filter(m), "");
	logs_model_free(m);
}

static void test_filter_incremental_with_drops(void **state)
{
	(void)state;
	struct logs_model *m = sample(0, 100);
	logs_model_set_filter(m, "ERROR", NULL, 0);
	char buf[64];
	for (size_t i = 0; i < 1000; i++) {
		snprintf(buf, sizeof buf, "n=%zu %s", i, i % 3 == 0 ? "ERROR" : "INFO");
		bool shown = logs_model_push(m, 0, 0, 0, buf, strlen(buf));
		assert_int_equal(shown, i % 3 == 0);
	}
	/* the ring keeps 100 lines (900..999): 34 of them are errors */
	const struct logring *r = logs_model_ring(m);
	assert_int_equal(logring_count(r), 100);
	assert_int_equal(logs_model_shown(m), 34);
	assert_string_equal(shown_text(m, 0), "n=900 ERROR");
	assert_string_equal(shown_text(m, 33), "n=999 ERROR");
	for (size_t i = 0; i < logs_model_shown(m); i++)
		assert_true(logs_model_shown_seq(m, i) >= logring_first_seq(r));
	/* index of a seq that was filtered out: the next shown one */
	uint64_t s0 = logs_model_shown_seq(m, 0);
	assert_int_equal(logs_model_shown_index(m, s0 + 1), 1);
	assert_int_equal(logs_model_shown_index(m, 1), 0);
	assert_int_equal(logs_model_shown_index(m, UINT64_MAX), 34);
	logs_model_free(m);
}

static void test_filter_100k_lines(void **state)
{
	(void)state;
	struct logs_model *m = sample(100000, 100000);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	logs_model_set_filter(m, "line 4.*ERROR", NULL, 0);
	for (int i = 0; i < 1000; i++)
		push(m, 0, "line 4 ERROR late");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(s < 2.0); /* generous for valgrind; ~50 ms natively */
	assert_string_equal(shown_text(m, logs_model_shown(m) - 1), "line 4 ERROR late");
	logs_model_free(m);
}

static void test_search_steps_and_ranks(void **state)
{
	(void)state;
	struct logs_model *m = sample(30, 0);
	assert_int_equal(logs_model_search(m, "boom", NULL, 0), 10);
	assert_string_equal(logs_model_search_pattern(m), "boom");
	/* from line 4: next match at 6, previous at 3; at 3 itself when inclusive */
	assert_int_equal(logs_model_search_step(m, 4, true, false), 6);
	assert_int_equal(logs_model_search_step(m, 4, false, false), 3);
	assert_int_equal(logs_model_search_step(m, 3, true, true), 3);
	assert_int_equal(logs_model_search_step(m, 3, true, false), 6);
	assert_int_equal(logs_model_search_step(m, 3, false, true), 3);
	/* wrapping both ways */
	assert_int_equal(logs_model_search_step(m, 27, true, false), 0);
	assert_int_equal(logs_model_search_step(m, 0, false, false), 27);
	assert_int_equal(logs_model_search_rank(m, logs_model_shown_seq(m, 6)), 3);
	assert_int_equal(logs_model_search_rank(m, logs_model_shown_seq(m, 7)), 0);
	/* with a filter the search runs among the shown lines */
	logs_model_set_filter(m, "!line 1", NULL, 0); /* drops 1, 10..19 */
	assert_int_equal(logs_model_search_count(m), 7);
	/* new lines extend the matches */
	push(m, 0, "line 99 boom again");
	assert_int_equal(logs_model_search_count(m), 8);
	assert_int_equal(logs_model_search(m, "nothing-like-this", NULL, 0), 0);
	assert_int_equal(logs_model_search_step(m, 0, true, true), SIZE_MAX);
	assert_int_equal(logs_model_search(m, NULL, NULL, 0), 0);
	assert_string_equal(logs_model_search_pattern(m), "");
	logs_model_free(m);
}

static void test_format_elements(void **state)
{
	(void)state;
	struct logs_model *m = logs_model_new(0);
	logs_model_set_source(m, 0, "web-1/app");
	logs_model_set_source(m, 1, "db-0");
	push(m, 1, "2024 WARN disk\tfull");
	struct strbuf out = STRBUF_INIT;
	unsigned char *el = NULL;
	size_t cap = 0;
	const struct log_line *l = logs_model_shown_line(m, 0);
	size_t body = logs_model_format(m, l, &out, &el, &cap);
	/* the prefix is padded to the widest source name */
	assert_string_equal(strbuf_str(&out), "db-0      2024 WARN disk  full");
	assert_int_equal(body, 10);
	assert_int_equal(el[0], THEME_LOG_SOURCE_2);
	assert_int_equal(el[4], THEME_DEFAULT);
	assert_int_equal(el[15], THEME_LOG_LEVEL_WARN);
	assert_int_equal(el[18], THEME_LOG_LEVEL_WARN);
	assert_int_equal(el[19], THEME_DEFAULT);
	assert_int_equal(el[10], THEME_DEFAULT);

	/* timestamps (UTC) and a marker */
	struct logs_display d = {.timestamps = true};
	logs_model_set_display(m, &d);
	logs_model_push(m, 1714564800123LL, 0, 0, "ready", 5);
	logs_model_format(m, logs_model_shown_line(m, 1), &out, &el, &cap);
	assert_string_equal(strbuf_str(&out), "web-1/app 2024-05-01T12:00:00.123Z ready");
	assert_int_equal(el[10], THEME_LOG_TIME);
	logs_model_push(m, 0, 0, LOG_LINE_GAP, "stream dropped", 14);
	body = logs_model_format(m, logs_model_shown_line(m, 2), &out, &el, &cap);
	assert_non_null(strstr(strbuf_str(&out), "stream dropped"));
	assert_int_equal(el[body], THEME_LOG_GAP);
	assert_int_equal(el[out.len - 1], THEME_LOG_GAP);
	strbuf_free(&out);
	free(el);
	logs_model_free(m);
}

static void test_json_rendering(void **state)
{
	(void)state;
	struct logs_model *m = logs_model_new(0);
	logs_model_set_source(m, 0, "api");
	const char *js = "{\"level\":\"error\",\"msg\":\"payment failed\",\"order\":42,\"user\":\"bob\"}";
	push(m, 0, js);
	const struct log_line *l = logs_model_shown_line(m, 0);
	assert_true(l->flags & LOG_LINE_JSON);
	assert_int_equal(l->level, LOG_LEVEL_ERROR);
	struct strbuf out = STRBUF_INIT;
	unsigned char *el = NULL;
	size_t cap = 0;
	logs_model_format(m, l, &out, &el, &cap);
	assert_string_equal(strbuf_str(&out) + 4, js); /* raw by default */
	const char *fields[] = {"order"};
	struct logs_display d = {.json = true, .fields = fields, .nfields = 1};
	logs_model_set_display(m, &d);
	size_t body = logs_model_format(m, l, &out, &el, &cap);
	assert_string_equal(strbuf_str(&out), "api ERROR payment failed order=42");
	assert_int_equal(el[4], THEME_LOG_LEVEL_ERROR);
	assert_int_equal(body, 10);
	/* the filter matches the text as shown: "user" is no longer there */
	logs_model_set_filter(m, "bob", NULL, 0);
	assert_int_equal(logs_model_shown(m), 0);
	logs_model_set_filter(m, "order=42", NULL, 0);
	assert_int_equal(logs_model_shown(m), 1);
	strbuf_free(&out);
	free(el);
	logs_model_free(m);
}

static void test_wrap_rows(void **state)
{
	(void)state;
	assert_int_equal(logs_wrap_rows("", 10), 1);
	assert_int_equal(logs_wrap_rows("abcdefghij", 10), 1);
	assert_int_equal(logs_wrap_rows("abcdefghijk", 10), 2);
	assert_int_equal(logs_wrap_rows("abcdefghijklmnopqrstu", 10), 3);
	/* a wide character never straddles two rows: 4 of them in 7 columns take 2 rows */
	assert_int_equal(logs_wrap_rows("\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5", 7), 2);
	assert_int_equal(logs_wrap_rows("abc", 0), 1);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_append(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb);
}

static void test_save(void **state)
{
	(void)state;
	char dir[256];
	test_tmp_template(dir, sizeof(dir), "opsdeck-logs-XXXXXX");
	assert_non_null(mkdtemp(dir));
	struct logs_model *m = logs_model_new(0);
	logs_model_set_source(m, 0, "web-1");
	logs_model_set_source(m, 1, "web-2");
	logs_model_push(m, 1714564800123LL, 0, 0, "GET / 200", 9);
	logs_model_push(m, 1714564801000LL, 1, 0, "ERROR db down", 13);
	logs_model_push(m, 0, 1, LOG_LINE_GAP, "stream dropped", 14);
	logs_model_push(m, 0, 0, 0, "no time ERROR", 13);
	char path[512], err[512];
	snprintf(path, sizeof path, "%s/out.log", dir);
	/* an existing file is replaced (the user typed the path) */
	FILE *f = fopen(path, "w");
	fputs("old\n", f);
	fclose(f);
	assert_int_equal(logs_model_save(m, path, err, sizeof err), 4);
	char *text = read_file(path);
	assert_string_equal(text, "2024-05-01T12:00:00.123Z web-1 GET / 200\n"
				  "2024-05-01T12:00:01.000Z web-2 ERROR db down\n"
				  "web-2 -- stream dropped --\n"
				  "web-1 no time ERROR\n");
	free(text);
	/* filtered: only the shown lines */
	logs_model_set_filter(m, "ERROR", NULL, 0);
	assert_int_equal(logs_model_save(m, path, err, sizeof err), 3);
	text = read_file(path);
	assert_null(strstr(text, "GET /"));
	free(text);
	/* no temporary file is left behind */
	char cmd[600];
	snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 1", dir);
	assert_int_equal(system(cmd), 0);
	/* a failure names the path and the reason */
	snprintf(path, sizeof path, "%s/no/such/dir.log", dir);
	assert_int_equal(logs_model_save(m, path, err, sizeof err), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "No such file or directory"));
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	logs_model_free(m);
}

/* ---- drawing ------------------------------------------------------------------------ */

struct draw_fixture {
	struct view v;
	struct logs_view lv;
};

static void fixture_init(struct draw_fixture *f, size_t lines)
{
	memset(f, 0, sizeof(*f));
	f->v.priv = &f->lv;
	f->lv.view = &f->v;
	f->lv.model = sample(lines, 0);
	f->lv.follow = true;
	f->v.body_rows = 5;
	f->v.body_cols = 40;
}

static void fixture_free(struct draw_fixture *f)
{
	logs_model_free(f->lv.model);
	strbuf_free(&f->lv.line);
	free(f->lv.el);
}

static void test_draw_follow_and_pause(void **state)
{
	(void)state;
	struct draw_fixture f;
	fixture_init(&f, 20);
	WINDOW *w = newwin(5, 40, 0, 0);
	logs_draw(&f.v, w, true);
	/* following: the last lines end the window */
	assert_string_equal(curses_test_line(w, 4), "web-1 line 19 INFO ok");
	assert_string_equal(curses_test_line(w, 0), "web-1 line 15 ERROR boom");
	assert_int_equal(curses_test_attrs(w, 0, 0), A_BOLD);               /* log-source-1 */
	assert_int_equal(curses_test_attrs(w, 0, 14), A_BOLD | A_UNDERLINE); /* ERROR */
	/* paused at line 10: new lines do not move it */
	f.lv.follow = false;
	f.lv.top_seq = logs_model_shown_seq(f.lv.model, 10);
	push(f.lv.model, 0, "line 20 INFO new");
	logs_draw(&f.v, w, true);
	assert_string_equal(curses_test_line(w, 0), "web-1 line 10 INFO ok");
	/* idle: nothing changed, nothing written */
	mvwaddstr(w, 0, 0, "X");
	logs_draw(&f.v, w, false);
	assert_int_equal(mvwinch(w, 0, 0) & A_CHARTEXT, 'X');
	f.lv.dirty = true;
	logs_draw(&f.v, w, false);
	assert_string_equal(curses_test_line(w, 0), "web-1 line 10 INFO ok");
	delwin(w);
	fixture_free(&f);
}

static void test_draw_search_highlights(void **state)
{
	(void)state;
	struct draw_fixture f;
	fixture_init(&f, 6);
	WINDOW *w = newwin(6, 40, 0, 0);
	logs_model_search(f.lv.model, "o", NULL, 0);
	f.lv.current = logs_model_shown_seq(f.lv.model, 3); /* "line 3 ERROR boom" */
	logs_draw(&f.v, w, true);
	/* every match on screen: "boom" on line 0 has two o's, both log-match */
	assert_string_equal(curses_test_line(w, 0), "web-1 line 0 ERROR boom");
	assert_int_equal(curses_test_attrs(w, 0, 20), A_UNDERLINE);
	assert_int_equal(curses_test_attrs(w, 0, 21), A_UNDERLINE);
	assert_int_equal(curses_test_attrs(w, 0, 19), A_NORMAL);
	/* the current match's line in search-match */
	assert_int_equal(curses_test_attrs(w, 3, 20), A_REVERSE | A_UNDERLINE);
	/* the prefix is not searched */
	assert_int_equal(curses_test_attrs(w, 1, 0), A_BOLD);
	delwin(w);
	fixture_free(&f);
}

static void test_draw_wrap(void **state)
{
	(void)state;
	struct draw_fixture f;
	fixture_init(&f, 0);
	logs_model_free(f.lv.model);
	f.lv.model = logs_model_new(0);
	logs_model_set_source(f.lv.model, 0, "p");
	push(f.lv.model, 0, "short");
	push(f.lv.model, 0, "0123456789abcdefghijKLMNOPQRST");
	WINDOW *w = newwin(4, 12, 0, 0);
	logs_draw(&f.v, w, true);
	/* not wrapped: cut */
	assert_string_equal(curses_test_line(w, 1), "p 0123456789");
	assert_string_equal(curses_test_line(w, 2), "");
	f.lv.wrap = true;
	logs_draw(&f.v, w, true);
	assert_string_equal(curses_test_line(w, 0), "p short");
	assert_string_equal(curses_test_line(w, 1), "p 0123456789");
	assert_string_equal(curses_test_line(w, 2), "abcdefghijKL");
	assert_string_equal(curses_test_line(w, 3), "MNOPQRST");
	/* following in 2 rows: the long line's last rows */
	wresize(w, 2, 12);
	logs_draw(&f.v, w, true);
	assert_string_equal(curses_test_line(w, 0), "abcdefghijKL");
	assert_string_equal(curses_test_line(w, 1), "MNOPQRST");
	assert_int_equal(logs_line_rows(&f.lv, 1, 12), 3);
	delwin(w);
	fixture_free(&f);
}

static void test_tree_pods(void **state)
{
	(void)state;
	json_t *tree = json_loads("{\"nodes\":[{\"kind\":\"Deployment\",\"name\":\"web\"},"
				  "{\"kind\":\"Pod\",\"name\":\"web-1\",\"namespace\":\"shop\"},"
				  "{\"kind\":\"Pod\",\"name\":\"web-2\",\"namespace\":\"shop\"}]}",
				  0, NULL);
	const char *pods[1], *ns;
	assert_int_equal(logs_tree_pods(tree, pods, 1, &ns), 2);
	assert_string_equal(pods[0], "web-1");
	assert_string_equal(ns, "shop");
	assert_int_equal(logs_tree_pods(NULL, pods, 1, &ns), 0);
	assert_null(ns);
	json_decref(tree);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_and_invert),
		cmocka_unit_test(test_filter_incremental_with_drops),
		cmocka_unit_test(test_filter_100k_lines),
		cmocka_unit_test(test_search_steps_and_ranks),
		cmocka_unit_test(test_format_elements),
		cmocka_unit_test(test_json_rendering),
		cmocka_unit_test(test_wrap_rows),
		cmocka_unit_test(test_save),
		cmocka_unit_test(test_draw_follow_and_pause),
		cmocka_unit_test(test_draw_search_highlights),
		cmocka_unit_test(test_draw_wrap),
		cmocka_unit_test(test_tree_pods),
	};
	return cmocka_run_group_tests(tests, group_setup, curses_test_teardown);
}
