/* Unit tests for tui/table_widget on a real ncurses screen (a pseudo-terminal): column
 * layout and ellipsis, header sort glyph, selection and marks, motions and scrolling,
 * horizontal scroll, wide columns, the empty text, and redraw economy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/rowview.h"
#include "core/store.h"
#include "core/table.h"
#include "core/xalloc.h"
#include "tests/support/curses_test.h"
#include "tui/table_widget.h"

static int group_setup(void **state)
{
	return curses_test_setup(state, 24, 80, "mono");
}

/* ---- fixtures ------------------------------------------------------------------ */

static struct table *pods_table(void)
{
	struct table *t = table_new();
	table_add_column(t, "Name", "string", "name", 0);
	table_add_column(t, "Ready", "string", "", 0);
	table_add_column(t, "Status", "string", "", 0);
	table_add_column(t, "Age", "string", "", 0);
	table_add_column(t, "IP", "string", "", 1);
	/* too wide to show with the others at 80 columns: wide columns stay hidden there */
	table_add_column(t, "Gates", "string", "", 1);
	return t;
}

static void add_pod(struct table *t, const char *name, const char *ready, const char *status)
{
	struct table_row *r = table_add_row(t);
	char uid[96];
	snprintf(uid, sizeof(uid), "%s-uid", name);
	table_set_cell(r, 0, name);
	table_set_cell(r, 1, ready);
	table_set_cell(r, 2, status);
	table_set_cell(r, 3, "5m");
	table_set_cell(r, 4, "10.0.0.1");
	table_set_cell(r, 5, "readiness-gate-one,readiness-gate-two,readiness-gate-three-x");
	free(r->namespace);
	r->namespace = xstrdup("default");
	free(r->name);
	r->name = xstrdup(name);
	free(r->uid);
	r->uid = xstrdup(uid);
}

struct fx {
	struct store *store;
	struct rowview *rv;
	struct table_widget *tw;
	WINDOW *win;
};

/* n pods named pod-000.., in a window of h lines by 80 columns. */
static void fx_open(struct fx *f, size_t n, int h)
{
	struct table *t = pods_table();
	for (size_t i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof name, "pod-%03zu", i);
		add_pod(t, name, "1/1", "Running");
	}
	f->store = store_new("prod");
	store_sync(f->store, t);
	f->rv = rowview_new();
	rowview_add_store(f->rv, f->store);
	rowview_update(f->rv);
	f->tw = table_widget_new();
	f->win = newwin(h, 80, 0, 0);
}

static void fx_close(struct fx *f)
{
	delwin(f->win);
	table_widget_free(f->tw);
	rowview_free(f->rv);
	store_free(f->store);
}

/* ---- tests ----------------------------------------------------------------------- */

static void test_layout_and_header(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, 3, 10);
	table_widget_draw(f.tw, f.win, f.rv, true);
	/* NAME is 7 wide (pod-000), READY 5, STATUS 7, AGE 3; IP (priority 1) hidden. */
	assert_string_equal(curses_test_line(f.win, 0), " NAME     READY  STATUS   AGE");
	assert_string_equal(curses_test_line(f.win, 1), " pod-000  1/1    Running  5m");
	assert_string_equal(curses_test_line(f.win, 3), " pod-002  1/1    Running  5m");
	assert_string_equal(curses_test_line(f.win, 4), "");
	assert_true(curses_test_attrs(f.win, 0, 1) & A_BOLD);
	assert_true(curses_test_attrs(f.win, 0, 1) & A_UNDERLINE);
	assert_true(curses_test_attrs(f.win, 0, 79) & A_UNDERLINE); /* header across the line */
	/* Sorting by READY descending puts the glyph after its name, widening it by one. */
	rowview_set_sort(f.rv, 1, true);
	rowview_update(f.rv);
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_string_equal(curses_test_line(f.win, 0), " NAME     READY\u25bc  STATUS   AGE");
	/* Equal READY cells tie-break by name, reversed too. */
	assert_string_equal(curses_test_line(f.win, 1), " pod-002  1/1     Running  5m");
	assert_string_equal(curses_test_line(f.win, 3), " pod-000  1/1     Running  5m");
	fx_close(&f);
}

static void test_ellipsis_cut(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, 1, 6);
	char long_name[120], long_status[120];
	memset(long_name, 'n', 100);
	long_name[100] = '\0';
	memset(long_status, 's', 100);
	long_status[100] = '\0';
	struct table *t = pods_table();
	add_pod(t, long_name, "1/1", long_status);
	store_apply_event(f.store, STORE_EVENT_ADDED, t);
	table_free(t);
	rowview_update(f.rv);
	table_widget_draw(f.tw, f.win, f.rv, true);
	/* The long name is capped at 60 columns: 59 letters and the ellipsis. */
	const char *line = curses_test_line(f.win, 1); /* "nnn..." sorts before "pod-000" */
	assert_int_equal(strspn(line + 1, "n"), 59);
	assert_memory_equal(line + 60, "\u2026  1/1    ", 10);
	/* STATUS runs to the edge of the 80-column window and is cut there. */
	size_t len = strlen(line);
	assert_string_equal(line + len - 4, "s\u2026");
	wchar_t w[100];
	int n = mvwinnwstr(f.win, 1, 79, w, 1);
	assert_int_equal(n, 1);
	assert_true(w[0] == L'\u2026');
	fx_close(&f);
	/* Wide characters count two columns each: "pod-\u65e5\u672c" is 8 wide. */
	fx_open(&f, 1, 6);
	t = pods_table();
	add_pod(t, "pod-\u65e5\u672c", "1/1", "Running");
	store_apply_event(f.store, STORE_EVENT_ADDED, t);
	table_free(t);
	rowview_update(f.rv);
	table_widget_draw(f.tw, f.win, f.rv, true);
	assert_string_equal(curses_test_line(f.win, 0), " NAME      READY  STATUS   AGE");
	assert_string_equal(curses_test_line(f.win, 1), " pod-000   1/1    Running  5m");
	fx_close(&f);
}

static void test_selection_and_marks(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, 4, 10);
	rowview_select(f.rv, 1);
	table_widget_draw(f.tw, f.win, f.rv, true);
	for (int x = 0; x < 80; x++)
		assert_true(curses_test_attrs(f.win, 2, x) & A_REVERSE);
	assert_false(curses_test_attrs(f.win, 1, 3) & A_REVERSE);
	assert_false(curses_test_attrs(f.win, 3, 3) & A_REVERSE);
	fx_close(&f);
}

static bool mark_third(void *ud, const struct rowview *rv, size_t row)
{
	(void)ud;
	(void)rv;
	return row == 2;
}

static enum theme_element status_style(void *ud, const struct rowview *rv, size_t row,
				       size_t col)
{
	(void)ud;
	(void)row;
	return strcmp(rowview_column_name(rv, col), "Status") == 0 ? THEME_STATUS_ERROR
								      : THEME_ROW;
}

static void test_marks_and_styles(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, 4, 10);
	table_widget_set_marked(f.tw, mark_third, NULL);
	table_widget_set_style(f.tw, status_style, NULL);
	table_widget_draw(f.tw, f.win, f.rv, true);
	assert_string_equal(curses_test_line(f.win, 3), "\u2022pod-002  1/1    Running  5m");
	assert_true(curses_test_attrs(f.win, 3, 3) & A_BOLD);       /* marked: row-marked bold */
	assert_false(curses_test_attrs(f.win, 3, 3) & A_UNDERLINE);
	/* An unmarked, unselected row: STATUS cells styled, the rest plain. */
	assert_true(curses_test_attrs(f.win, 2, 17) & A_UNDERLINE);  /* status-error */
	assert_false(curses_test_attrs(f.win, 2, 3) & (A_BOLD | A_UNDERLINE));
	assert_false(curses_test_attrs(f.win, 2, 24) & A_UNDERLINE); /* padding after it */
	/* The selected row ignores the style. */
	assert_true(curses_test_attrs(f.win, 1, 17) & A_REVERSE);
	assert_false(curses_test_attrs(f.win, 1, 17) & A_UNDERLINE);
	fx_close(&f);
}

static void test_motions_and_scroll(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, 100, 11); /* 10 body rows; a page is 10 - 1 = 9 rows */
	int body = 10;
	table_widget_draw(f.tw, f.win, f.rv, true);
	assert_true(table_widget_request(f.tw, f.rv, REQ_MOVE_UP, body));
	assert_int_equal(rowview_selected(f.rv), 0);
	assert_true(table_widget_request(f.tw, f.rv, REQ_MOVE_DOWN, body));
	assert_int_equal(rowview_selected(f.rv), 1);
	assert_true(table_widget_request(f.tw, f.rv, REQ_PAGE_DOWN, body));
	assert_int_equal(rowview_selected(f.rv), 10);
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_int_equal(table_widget_top(f.tw), 1); /* the minimum scroll */
	assert_string_equal(curses_test_line(f.win, 10), " pod-010  1/1    Running  5m");
	assert_true(curses_test_attrs(f.win, 10, 2) & A_REVERSE);
	assert_true(table_widget_request(f.tw, f.rv, REQ_HALF_PAGE_DOWN, body));
	assert_int_equal(rowview_selected(f.rv), 14);
	assert_true(table_widget_request(f.tw, f.rv, REQ_HALF_PAGE_UP, body));
	assert_int_equal(rowview_selected(f.rv), 10);
	assert_true(table_widget_request(f.tw, f.rv, REQ_PAGE_UP, body));
	assert_int_equal(rowview_selected(f.rv), 1);
	assert_true(table_widget_request(f.tw, f.rv, REQ_LAST, body));
	assert_int_equal(rowview_selected(f.rv), 99);
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_int_equal(table_widget_top(f.tw), 90);
	assert_string_equal(curses_test_line(f.win, 10), " pod-099  1/1    Running  5m");
	assert_true(table_widget_request(f.tw, f.rv, REQ_PAGE_DOWN, body)); /* at the edge */
	assert_int_equal(rowview_selected(f.rv), 99);
	assert_true(table_widget_request(f.tw, f.rv, REQ_FIRST, body));
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_int_equal(table_widget_top(f.tw), 0);
	assert_string_equal(curses_test_line(f.win, 1), " pod-000  1/1    Running  5m");
	assert_false(table_widget_request(f.tw, f.rv, REQ_DESCRIBE, body));
	fx_close(&f);
}

static void test_horizontal_scroll_and_wide(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, 2, 5);
	table_widget_draw(f.tw, f.win, f.rv, true);
	assert_true(table_widget_request(f.tw, f.rv, REQ_SCROLL_RIGHT, 4));
	assert_int_equal(table_widget_left(f.tw), 1);
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_string_equal(curses_test_line(f.win, 0), " READY  STATUS   AGE");
	assert_string_equal(curses_test_line(f.win, 1), " 1/1    Running  5m");
	for (int i = 0; i < 5; i++)
		table_widget_request(f.tw, f.rv, REQ_SCROLL_RIGHT, 4);
	assert_int_equal(table_widget_left(f.tw), 3); /* never past AGE, the last column */
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_string_equal(curses_test_line(f.win, 0), " AGE");
	/* Wide shows IP (priority 1), and the last column is then reachable. */
	assert_false(table_widget_wide(f.tw));
	table_widget_set_wide(f.tw, true);
	assert_true(table_widget_wide(f.tw));
	table_widget_request(f.tw, f.rv, REQ_SCROLL_RIGHT, 4);
	assert_int_equal(table_widget_left(f.tw), 4);
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_string_equal(curses_test_line(f.win, 0), " IP        GATES");
	assert_string_equal(curses_test_line(f.win, 1),
			    " 10.0.0.1  readiness-gate-one,readiness-gate-two,readiness-gate-three-x");
	for (int i = 0; i < 9; i++)
		table_widget_request(f.tw, f.rv, REQ_SCROLL_LEFT, 4);
	assert_int_equal(table_widget_left(f.tw), 0);
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_true(strncmp(curses_test_line(f.win, 0), " NAME     READY  STATUS   AGE  IP        GATES",
			    46) == 0);
	table_widget_set_wide(f.tw, false);
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_string_equal(curses_test_line(f.win, 0), " NAME     READY  STATUS   AGE");
	fx_close(&f);
}

/* Without wide, the wide columns show by themselves when every column fits, and go
 * again when a cell grows too wide for that. */
static void test_wide_columns_shown_when_they_fit(void **state)
{
	(void)state;
	struct fx f;
	struct table *t = pods_table();
	add_pod(t, "pod-a", "1/1", "Running");
	table_set_cell(&t->rows[0], 5, "gate-1");
	f.store = store_new("prod");
	store_sync(f.store, t);
	f.rv = rowview_new();
	rowview_add_store(f.rv, f.store);
	rowview_update(f.rv);
	f.tw = table_widget_new();
	f.win = newwin(5, 80, 0, 0);
	table_widget_draw(f.tw, f.win, f.rv, true);
	assert_false(table_widget_wide(f.tw));
	assert_string_equal(curses_test_line(f.win, 0), " NAME   READY  STATUS   AGE  IP        GATES");
	assert_string_equal(curses_test_line(f.win, 1), " pod-a  1/1    Running  5m   10.0.0.1  gate-1");
	/* the gates cell grows past what 80 columns hold: the wide columns step back */
	t = pods_table();
	add_pod(t, "pod-a", "1/1", "Running");
	store_apply_event(f.store, STORE_EVENT_MODIFIED, t);
	table_free(t);
	rowview_update(f.rv);
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_string_equal(curses_test_line(f.win, 0), " NAME   READY  STATUS   AGE");
	assert_string_equal(curses_test_line(f.win, 1), " pod-a  1/1    Running  5m");
	fx_close(&f);
}

static void modify_pod(struct store *s, const char *name, const char *status)
{
	struct table *t = pods_table();
	add_pod(t, name, "1/1", status);
	store_apply_event(s, STORE_EVENT_MODIFIED, t);
	table_free(t);
}

static void test_redraw_economy(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, 50, 20);
	table_widget_draw(f.tw, f.win, f.rv, true);
	assert_int_equal(table_widget_lines_written(f.tw), 20);
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_int_equal(table_widget_lines_written(f.tw), 0);
	/* One pod changes (same width): one line. */
	modify_pod(f.store, "pod-004", "Pending");
	assert_false(rowview_update(f.rv));
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_int_equal(table_widget_lines_written(f.tw), 1);
	assert_string_equal(curses_test_line(f.win, 5), " pod-004  1/1    Pending  5m");
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_int_equal(table_widget_lines_written(f.tw), 0);
	/* Moving the selection rewrites the old and the new selected rows. */
	table_widget_request(f.tw, f.rv, REQ_MOVE_DOWN, 19);
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_int_equal(table_widget_lines_written(f.tw), 2);
	/* A change below the window writes nothing. */
	modify_pod(f.store, "pod-040", "Pending");
	rowview_update(f.rv);
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_int_equal(table_widget_lines_written(f.tw), 0);
	/* A wider cell widens its column: the whole table is rewritten. */
	modify_pod(f.store, "pod-003", "CrashLoopBackOff");
	rowview_update(f.rv);
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_int_equal(table_widget_lines_written(f.tw), 20);
	assert_string_equal(curses_test_line(f.win, 0), " NAME     READY  STATUS            AGE");
	/* A full draw rewrites everything. */
	table_widget_draw(f.tw, f.win, f.rv, true);
	assert_int_equal(table_widget_lines_written(f.tw), 20);
	fx_close(&f);
}

static void test_empty_text(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, 0, 11);
	table_widget_set_empty_text(f.tw, "No pods in payments-prd");
	table_widget_draw(f.tw, f.win, f.rv, true);
	/* Line 1 + (11 - 1) / 2 = 6, centred in 80 columns: (80 - 23) / 2 = 28. */
	assert_string_equal(curses_test_line(f.win, 6),
			    "                            No pods in payments-prd");
	assert_string_equal(curses_test_line(f.win, 5), "");
	assert_false(curses_test_attrs(f.win, 6, 30) & (A_REVERSE | A_BOLD));
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_int_equal(table_widget_lines_written(f.tw), 0);
	table_widget_set_empty_text(f.tw, "Loading\u2026");
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_string_equal(curses_test_line(f.win, 6), "                                    Loading\u2026");
	/* Rows arriving replace the text. */
	struct table *t = pods_table();
	add_pod(t, "pod-a", "1/1", "Running");
	store_apply_event(f.store, STORE_EVENT_ADDED, t);
	table_free(t);
	rowview_update(f.rv);
	table_widget_draw(f.tw, f.win, f.rv, false);
	assert_string_equal(curses_test_line(f.win, 1), " pod-a  1/1    Running  5m");
	assert_string_equal(curses_test_line(f.win, 6), "");
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_and_header),
		cmocka_unit_test(test_ellipsis_cut),
		cmocka_unit_test(test_selection_and_marks),
		cmocka_unit_test(test_marks_and_styles),
		cmocka_unit_test(test_motions_and_scroll),
		cmocka_unit_test(test_horizontal_scroll_and_wide),
		cmocka_unit_test(test_wide_columns_shown_when_they_fit),
		cmocka_unit_test(test_redraw_economy),
		cmocka_unit_test(test_empty_text),
	};
	return cmocka_run_group_tests(tests, group_setup, curses_test_teardown);
}
