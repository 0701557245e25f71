/* Unit tests for core/rowview: type-aware cell order, k9s filter syntax, sorting,
 * merged clusters and namespaces, selection by identity, incremental updates checked
 * against full rebuilds, and timings on 50,000 rows (printed, not asserted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/rowview.h"
#include "core/store.h"
#include "core/table.h"
#include "core/xalloc.h"

static struct table *pods_table(void)
{
	struct table *t = table_new();
	table_add_column(t, "Name", "string", "name", 0);
	table_add_column(t, "Ready", "string", "", 0);
	table_add_column(t, "Restarts", "string", "", 0);
	table_add_column(t, "Age", "string", "", 0);
	table_add_column(t, "IP", "string", "", 1);
	return t;
}

static void add_pod(struct table *t, const char *ns, const char *name, const char *ready,
		    const char *restarts, const char *age)
{
	struct table_row *r = table_add_row(t);
	char uid[96];
	snprintf(uid, sizeof(uid), "%s/%s-uid", ns, name);
	table_set_cell(r, 0, name);
	table_set_cell(r, 1, ready);
	table_set_cell(r, 2, restarts);
	table_set_cell(r, 3, age);
	table_set_cell(r, 4, "10.0.0.1");
	free(r->namespace);
	r->namespace = xstrdup(ns);
	free(r->name);
	r->name = xstrdup(name);
	free(r->uid);
	r->uid = xstrdup(uid);
}

static void event(struct store *s, enum store_event type, const char *ns, const char *name,
		  const char *ready, const char *restarts, const char *age)
{
	struct table *t = pods_table();
	add_pod(t, ns, name, ready, restarts, age);
	store_apply_event(s, type, t);
	table_free(t);
}

/* Five pods in one store; the view's column 0 is NAME. */
static struct store *sample_store(const char *cluster)
{
	struct store *s = store_new(cluster);
	struct table *t = pods_table();
	add_pod(t, "payments", "pod-10", "1/1", "0", "3m12s");
	add_pod(t, "payments", "pod-2", "0/1", "3 (5m ago)", "5s");
	add_pod(t, "web", "Front-1", "2/2", "12 (1h ago)", "2d5h");
	add_pod(t, "web", "backend-1", "1/2", "1", "45d");
	add_pod(t, "kube-system", "coredns", "1/1", "0", "2y");
	store_sync(s, t);
	return s;
}

static void names_are(const struct rowview *rv, const char *const *want, size_t n)
{
	assert_int_equal(rowview_count(rv), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(rowview_row(rv, i)->r.name, want[i]);
}

/* ---- cells --------------------------------------------------------------------- */

static void assert_ascending(const char *const *cells, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (rowview_compare_cells(cells[i], cells[i + 1]) >= 0)
			fail_msg("\"%s\" should sort before \"%s\"", cells[i], cells[i + 1]);
		if (rowview_compare_cells(cells[i + 1], cells[i]) <= 0)
			fail_msg("\"%s\" should sort after \"%s\"", cells[i + 1], cells[i]);
	}
}

static void test_compare_cells(void **state)
{
	(void)state;
	const char *ints[] = { "-3", "0", "2", "10", "123" };
	const char *ratios[] = { "0/1", "1/1", "1/2", "2/2", "10/12" };
	const char *ages[] = { "5s", "59s", "3m12s", "4h", "2d5h", "45d", "2y", "2y3d" };
	const char *restarts[] = { "1 (2d ago)", "3 (5m ago)", "12 (1h ago)" };
	const char *dates[] = { "2023-12-31T23:59:59Z", "2024-01-01T00:00:00.5Z",
				"2024-01-01T01:30:00+01:00", "2024-01-02T03:04:05Z" };
	const char *names[] = { "pod-2", "pod-10", "pod-10a", "Pod-11", "pod-100" };
	assert_ascending(ints, 5);
	assert_ascending(ratios, 5);
	assert_ascending(ages, 8);
	assert_ascending(restarts, 3);
	assert_ascending(dates, 4);
	assert_ascending(names, 5);
	/* Restarts with and without "(ago)" compare by the count. */
	assert_true(rowview_compare_cells("2", "3 (5m ago)") < 0);
	assert_int_equal(rowview_compare_cells("5s", "5s"), 0);
	/* Same instant written in two zones compares equal. */
	assert_int_equal(rowview_compare_cells("2024-01-01T02:00:00+02:00",
					       "2024-01-01T00:00:00Z"), 0);
	/* Different strings never tie, so the order is total. */
	assert_true(rowview_compare_cells("abc", "ABC") != 0);
	assert_true(rowview_compare_cells("<none>", "Running") < 0);
}

/* ---- filter -------------------------------------------------------------------- */

static void test_filter_substring_smart_case(void **state)
{
	(void)state;
	struct store *s = sample_store("prod");
	struct rowview *rv = rowview_new();
	char err[200];
	rowview_add_store(rv, s);
	rowview_update(rv);
	assert_int_equal(rowview_count(rv), 5);
	assert_true(rowview_set_filter(rv, "front", err, sizeof(err)));
	assert_string_equal(err, "");
	rowview_update(rv);
	const char *lower[] = { "Front-1" };
	names_are(rv, lower, 1);
	/* An uppercase letter makes it case-sensitive. */
	rowview_set_filter(rv, "FRONT", err, sizeof(err));
	rowview_update(rv);
	assert_int_equal(rowview_count(rv), 0);
	rowview_set_filter(rv, "Front", err, sizeof(err));
	rowview_update(rv);
	assert_int_equal(rowview_count(rv), 1);
	/* Any cell matches, not only the name: "ago" is in two restart cells. */
	rowview_set_filter(rv, "ago", err, sizeof(err));
	rowview_update(rv);
	const char *ago[] = { "pod-2", "Front-1" };
	names_are(rv, ago, 2);
	/* ! inverts. */
	rowview_set_filter(rv, "!ago", err, sizeof(err));
	rowview_update(rv);
	const char *noago[] = { "coredns", "pod-10", "backend-1" };
	names_are(rv, noago, 3);
	assert_string_equal(rowview_filter(rv), "!ago");
	rowview_set_filter(rv, NULL, err, sizeof(err));
	rowview_update(rv);
	assert_int_equal(rowview_count(rv), 5);
	rowview_free(rv);
	store_free(s);
}

static void test_filter_regex_and_fallback(void **state)
{
	(void)state;
	struct store *s = sample_store("prod");
	struct rowview *rv = rowview_new();
	char err[200];
	rowview_add_store(rv, s);
	assert_true(rowview_set_filter(rv, "^pod-[0-9]$", err, sizeof(err)));
	rowview_update(rv);
	const char *one[] = { "pod-2" };
	names_are(rv, one, 1);
	assert_true(rowview_set_filter(rv, "!^pod-", err, sizeof(err)));
	rowview_update(rv);
	assert_int_equal(rowview_count(rv), 3);
	assert_true(rowview_set_filter(rv, "core|back", err, sizeof(err)));
	rowview_update(rv);
	const char *two[] = { "coredns", "backend-1" };
	names_are(rv, two, 2);
	/* An invalid regex: substring matching, and a message to flash. */
	assert_false(rowview_set_filter(rv, "pod-[", err, sizeof(err)));
	assert_non_null(strstr(err, "invalid regex"));
	rowview_update(rv);
	assert_int_equal(rowview_count(rv), 0);
	assert_false(rowview_set_filter(rv, "(5m", err, sizeof(err)));
	rowview_update(rv);
	assert_int_equal(rowview_count(rv), 1);
	assert_string_equal(rowview_row(rv, 0)->r.name, "pod-2");
	rowview_free(rv);
	store_free(s);
}

static void test_filter_label_selector(void **state)
{
	(void)state;
	struct store *s = sample_store("prod");
	struct rowview *rv = rowview_new();
	char err[64];
	rowview_add_store(rv, s);
	assert_null(rowview_label_selector(rv));
	assert_true(rowview_set_filter(rv, "-l app=web,tier!=db", err, sizeof(err)));
	assert_string_equal(rowview_label_selector(rv), "app=web,tier!=db");
	rowview_update(rv);
	assert_int_equal(rowview_count(rv), 5);   /* the server filters, not the view */
	rowview_set_filter(rv, "-lfoo", err, sizeof(err));   /* not the -l flag */
	assert_null(rowview_label_selector(rv));
	rowview_set_filter(rv, "web", err, sizeof(err));
	assert_null(rowview_label_selector(rv));
	rowview_free(rv);
	store_free(s);
}

/* ---- sort and columns ----------------------------------------------------------- */

static void test_sort_by_columns(void **state)
{
	(void)state;
	struct store *s = sample_store("prod");
	struct rowview *rv = rowview_new();
	rowview_add_store(rv, s);
	rowview_update(rv);
	/* Default: namespace, then name. */
	const char *by_loc[] = { "coredns", "pod-2", "pod-10", "backend-1", "Front-1" };
	names_are(rv, by_loc, 5);
	rowview_set_sort(rv, rowview_column_index(rv, "name"), false);
	rowview_update(rv);
	const char *by_name[] = { "backend-1", "coredns", "Front-1", "pod-2", "pod-10" };
	names_are(rv, by_name, 5);
	rowview_set_sort(rv, rowview_column_index(rv, "AGE"), false);
	rowview_update(rv);
	const char *by_age[] = { "pod-2", "pod-10", "Front-1", "backend-1", "coredns" };
	names_are(rv, by_age, 5);
	rowview_set_sort(rv, rowview_column_index(rv, "Age"), true);
	rowview_update(rv);
	const char *by_age_rev[] = { "coredns", "backend-1", "Front-1", "pod-10", "pod-2" };
	names_are(rv, by_age_rev, 5);
	assert_true(rowview_sort_reverse(rv));
	rowview_set_sort(rv, rowview_column_index(rv, "Restarts"), false);
	rowview_update(rv);
	/* 0, 0 tie -> name decides (coredns < pod-10); then 1, 3, 12. */
	const char *by_restarts[] = { "coredns", "pod-10", "backend-1", "pod-2", "Front-1" };
	names_are(rv, by_restarts, 5);
	rowview_set_sort(rv, rowview_column_index(rv, "Ready"), false);
	rowview_update(rv);
	const char *by_ready[] = { "pod-2", "coredns", "pod-10", "backend-1", "Front-1" };
	names_are(rv, by_ready, 5);
	assert_int_equal(rowview_column_priority(rv, 4), 1);
	assert_int_equal(rowview_column_index(rv, "nope"), -1);
	rowview_free(rv);
	store_free(s);
}

static void test_clusters_and_namespaces(void **state)
{
	(void)state;
	struct store *a = sample_store("prod"), *b = store_new("dev");
	struct table *t = pods_table();
	add_pod(t, "payments", "pod-2", "1/1", "0", "1m");
	store_sync(b, t);
	struct rowview *rv = rowview_new();
	rowview_add_store(rv, a);
	rowview_set_namespace_column(rv, true);
	rowview_update(rv);
	assert_int_equal(rowview_ncols(rv), 6);
	assert_string_equal(rowview_column_name(rv, 0), "NAMESPACE");
	assert_string_equal(rowview_column_name(rv, 1), "Name");
	assert_string_equal(rowview_cell(rv, 0, 0), "kube-system");
	rowview_add_store(rv, b);
	rowview_update(rv);
	assert_int_equal(rowview_ncols(rv), 7);
	assert_string_equal(rowview_column_name(rv, 0), "CLUSTER");
	assert_int_equal(rowview_count(rv), 6);
	/* Default order: cluster first, so dev's pod leads. */
	assert_string_equal(rowview_cell(rv, 0, 0), "dev");
	assert_string_equal(rowview_cell(rv, 0, 2), "pod-2");
	assert_string_equal(rowview_cell(rv, 1, 0), "prod");
	/* Filtering sees the cluster cell too. */
	char err[64];
	rowview_set_filter(rv, "dev", err, sizeof(err));
	rowview_update(rv);
	assert_int_equal(rowview_count(rv), 1);
	assert_string_equal(rowview_cell(rv, 9, 0), "");
	rowview_free(rv);
	store_free(a);
	store_free(b);

	/* two namespaces of one cluster are two stores but one cluster: no CLUSTER column */
	struct store *n1 = store_new("prod"), *n2 = store_new("prod");
	t = pods_table();
	add_pod(t, "shop", "web-1", "1/1", "0", "1m");
	store_sync(n1, t);
	t = pods_table();
	add_pod(t, "pay", "api-1", "1/1", "0", "1m");
	store_sync(n2, t);
	rv = rowview_new();
	rowview_add_store(rv, n1);
	rowview_add_store(rv, n2);
	rowview_set_namespace_column(rv, true);
	rowview_update(rv);
	assert_string_equal(rowview_column_name(rv, 0), "NAMESPACE");
	assert_int_equal(rowview_count(rv), 2);
	rowview_set_cluster_column(rv, true); /* unless asked for */
	rowview_update(rv);
	assert_string_equal(rowview_column_name(rv, 0), "CLUSTER");
	rowview_free(rv);
	store_free(n1);
	store_free(n2);
}

/* ---- selection ------------------------------------------------------------------ */

static void test_selection_follows_identity(void **state)
{
	(void)state;
	struct store *s = sample_store("prod");
	struct rowview *rv = rowview_new();
	rowview_add_store(rv, s);
	rowview_set_sort(rv, 0, false);
	rowview_update(rv);
	rowview_select(rv, 3);
	assert_string_equal(rowview_selected_row(rv)->r.name, "pod-2");
	/* Rows arriving before it push it down; it stays selected. */
	event(s, STORE_EVENT_ADDED, "web", "aaa", "1/1", "0", "1s");
	event(s, STORE_EVENT_ADDED, "web", "abc", "1/1", "0", "1s");
	rowview_update(rv);
	assert_int_equal(rowview_selected(rv), 5);
	assert_string_equal(rowview_selected_row(rv)->r.name, "pod-2");
	/* A new sort moves it; it stays selected. */
	rowview_set_sort(rv, 0, true);
	rowview_update(rv);
	assert_int_equal(rowview_selected(rv), 1);
	assert_string_equal(rowview_selected_row(rv)->r.name, "pod-2");
	/* A resync with the same object keeps it too. */
	struct table *t = pods_table();
	add_pod(t, "payments", "pod-2", "1/1", "0", "9s");
	add_pod(t, "payments", "zzz", "1/1", "0", "9s");
	store_sync(s, t);
	rowview_update(rv);
	assert_string_equal(rowview_selected_row(rv)->r.name, "pod-2");
	assert_int_equal(rowview_selected(rv), 1);
	/* Deleted: the nearest row (the one now at its place, or the last). */
	event(s, STORE_EVENT_DELETED, "payments", "pod-2", "", "", "");
	rowview_update(rv);
	assert_int_equal(rowview_count(rv), 1);
	assert_int_equal(rowview_selected(rv), 0);
	assert_string_equal(rowview_selected_row(rv)->r.name, "zzz");
	assert_true(rowview_select_identity(rv, "prod", "payments/zzz-uid", NULL, NULL));
	assert_false(rowview_select_identity(rv, "dev", "payments/zzz-uid", NULL, NULL));
	event(s, STORE_EVENT_DELETED, "payments", "zzz", "", "", "");
	rowview_update(rv);
	assert_null(rowview_selected_row(rv));
	rowview_free(rv);
	store_free(s);
}

static void test_selection_when_filtered_out(void **state)
{
	(void)state;
	struct store *s = sample_store("prod");
	struct rowview *rv = rowview_new();
	char err[64];
	rowview_add_store(rv, s);
	rowview_set_sort(rv, 0, false);
	rowview_update(rv);
	rowview_select(rv, 2);   /* Front-1 */
	rowview_set_filter(rv, "pod", err, sizeof(err));
	rowview_update(rv);
	assert_int_equal(rowview_count(rv), 2);
	assert_int_equal(rowview_selected(rv), 1);
	rowview_free(rv);
	store_free(s);
}

/* ---- incremental updates -------------------------------------------------------- */

static void test_update_reports_content_only(void **state)
{
	(void)state;
	struct store *s = sample_store("prod");
	struct rowview *rv = rowview_new();
	rowview_add_store(rv, s);
	rowview_set_sort(rv, 0, false);
	rowview_update(rv);
	unsigned long long lg = rowview_layout_generation(rv);
	unsigned long long drawn = rowview_generation(rv);
	assert_false(rowview_update(rv));
	assert_int_equal(rowview_generation(rv), drawn);   /* nothing happened */
	event(s, STORE_EVENT_MODIFIED, "web", "Front-1", "1/2", "13 (1s ago)", "2d5h");
	assert_false(rowview_update(rv));   /* same place: only the row's content */
	assert_int_equal(rowview_layout_generation(rv), lg);
	size_t dirty = 0;
	for (size_t i = 0; i < rowview_count(rv); i++)
		dirty += rowview_row_changed_since(rv, i, drawn);
	assert_int_equal(dirty, 1);
	assert_true(rowview_row_changed_since(rv, 2, drawn));
	assert_false(rowview_row_changed_since(rv, 99, drawn));
	assert_string_equal(rowview_cell(rv, 2, 2), "13 (1s ago)");
	/* Sorted by restarts, the same kind of change moves the row. */
	rowview_set_sort(rv, 2, false);
	rowview_update(rv);
	lg = rowview_layout_generation(rv);
	event(s, STORE_EVENT_MODIFIED, "payments", "pod-10", "1/1", "99", "3m12s");
	assert_true(rowview_update(rv));
	assert_true(rowview_layout_generation(rv) > lg);
	assert_string_equal(rowview_row(rv, 4)->r.name, "pod-10");
	rowview_free(rv);
	store_free(s);
}

/* Two clusters: the generation is the view's, so marks compare across stores. */
static void test_dirty_rows_across_clusters(void **state)
{
	(void)state;
	struct store *a = sample_store("prod"), *b = sample_store("dev");
	struct rowview *rv = rowview_new();
	rowview_add_store(rv, a);
	rowview_add_store(rv, b);
	rowview_set_sort(rv, 1, false);   /* by name; column 0 is CLUSTER */
	rowview_update(rv);
	/* Churn in prod first, so its store generation runs ahead of dev's. */
	for (int i = 0; i < 5; i++)
		event(a, STORE_EVENT_MODIFIED, "payments", "pod-2", "0/1", "3 (5m ago)", "5s");
	rowview_update(rv);
	unsigned long long drawn = rowview_generation(rv);
	event(b, STORE_EVENT_MODIFIED, "kube-system", "coredns", "0/1", "0", "2y");
	assert_false(rowview_update(rv));
	size_t dirty = 0, at = 0;
	for (size_t i = 0; i < rowview_count(rv); i++) {
		if (rowview_row_changed_since(rv, i, drawn)) {
			dirty++;
			at = i;
		}
	}
	assert_int_equal(dirty, 1);
	assert_string_equal(rowview_cell(rv, at, 0), "dev");
	assert_string_equal(rowview_cell(rv, at, 1), "coredns");
	rowview_free(rv);
	store_free(a);
	store_free(b);
}

/* Sorting by a column chosen before the first sync takes effect once it exists. */
static void test_sort_chosen_before_sync(void **state)
{
	(void)state;
	struct store *s = store_new("prod");
	struct rowview *rv = rowview_new();
	rowview_add_store(rv, s);
	rowview_set_sort(rv, 3, false);   /* Age, not there yet */
	rowview_update(rv);
	assert_int_equal(rowview_count(rv), 0);
	struct table *t = pods_table();
	add_pod(t, "a", "old", "1/1", "0", "3d");
	add_pod(t, "a", "new", "1/1", "0", "3s");
	store_sync(s, t);
	rowview_update(rv);
	assert_int_equal(rowview_sort_column(rv), 3);
	const char *want[] = { "new", "old" };
	names_are(rv, want, 2);
	rowview_free(rv);
	store_free(s);
}

/* A second view over the same rows, built from scratch, must agree. */
static void assert_same_as_full(struct store *s, struct rowview *rv, int col, bool rev,
				const char *filter)
{
	struct rowview *fresh = rowview_new();
	char err[64];
	rowview_add_store(fresh, s);
	rowview_set_sort(fresh, col, rev);
	rowview_set_filter(fresh, filter, err, sizeof(err));
	/* Built after rv consumed the changes: a first update is always a full rebuild. */
	rowview_update(fresh);
	assert_int_equal(rowview_count(fresh), rowview_count(rv));
	for (size_t i = 0; i < rowview_count(rv); i++)
		assert_ptr_equal(rowview_row(fresh, i), rowview_row(rv, i));
	rowview_free(fresh);
}

static void test_incremental_matches_full_rebuild(void **state)
{
	(void)state;
	const char *filters[] = { "", "!1" };
	for (int round = 0; round < 4; round++) {
		struct store *s = store_new("c");
		struct table *t = pods_table();
		char name[32], restarts[32], age[32];
		for (int i = 0; i < 400; i++) {
			snprintf(name, sizeof(name), "pod-%d", i);
			snprintf(restarts, sizeof(restarts), "%d", (i * 37) % 11);
			snprintf(age, sizeof(age), "%dm", (i * 13) % 17);
			add_pod(t, i % 2 ? "a" : "b", name, "1/1", restarts, age);
		}
		store_sync(s, t);
		struct rowview *rv = rowview_new();
		char err[64];
		int col = round % 2 ? 2 : 3;
		bool rev = round >= 2;
		const char *filter = filters[round % 2];
		rowview_add_store(rv, s);
		rowview_set_sort(rv, col, rev);
		rowview_set_filter(rv, filter, err, sizeof(err));
		rowview_update(rv);
		unsigned seed = 12345u + (unsigned)round;
		for (int step = 0; step < 60; step++) {
			for (int k = 0; k < 1 + step % 7; k++) {
				seed = seed * 1103515245u + 12345u;
				int i = (int)((seed >> 8) % 500);
				snprintf(name, sizeof(name), "pod-%d", i);
				snprintf(restarts, sizeof(restarts), "%u", (seed >> 4) % 13);
				snprintf(age, sizeof(age), "%us", (seed >> 12) % 900);
				enum store_event ev = (seed >> 20) % 5 == 0 ? STORE_EVENT_DELETED
									  : STORE_EVENT_MODIFIED;
				event(s, ev, i % 2 ? "a" : "b", name, "1/1", restarts, age);
			}
			rowview_update(rv);
			assert_same_as_full(s, rv, col, rev, filter);
		}
		rowview_free(rv);
		store_free(s);
	}
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_timings_50000_rows(void **state)
{
	(void)state;
	enum { N = 50000 };
	char name[32], restarts[32], age[32];
	struct store *s = store_new("big");
	struct table *t = pods_table();
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "pod-%d", (i * 7919) % N);
		snprintf(restarts, sizeof(restarts), "%d (%dm ago)", i % 50, i % 60);
		snprintf(age, sizeof(age), "%dd%dh", i % 90, i % 24);
		add_pod(t, i % 3 ? "a" : "b", name, "1/1", restarts, age);
	}
	store_sync(s, t);
	struct rowview *rv = rowview_new();
	char err[64];
	rowview_add_store(rv, s);
	rowview_set_sort(rv, 0, false);
	double t0 = now_ms();
	rowview_update(rv);
	double t1 = now_ms();
	rowview_set_sort(rv, 3, true);
	rowview_update(rv);
	double t2 = now_ms();
	rowview_set_filter(rv, "pod-1.*", err, sizeof(err));
	rowview_update(rv);
	double t3 = now_ms();
	rowview_set_filter(rv, "", err, sizeof(err));
	rowview_set_sort(rv, 0, false);
	rowview_update(rv);
	rowview_select(rv, N / 2);
	const char *sel = rowview_selected_row(rv)->r.uid;
	char *sel_uid = xstrdup(sel);
	double t4 = now_ms();
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "pod-%d", (i * 7919) % N);
		event(s, STORE_EVENT_MODIFIED, i % 3 ? "a" : "b", name, "0/1", "1", "1s");
		if (i % 50 == 49)   /* the loop coalesces bursts into frames */
			rowview_update(rv);
	}
	double t5 = now_ms();
	event(s, STORE_EVENT_MODIFIED, "a", "pod-7919", "0/1", "2", "1s");
	rowview_update(rv);
	double t6 = now_ms();
	printf("rowview 50000 rows: sort by name %.1f ms, by age %.1f ms, regex filter %.1f ms, "
	       "1000 events in 20 frames %.1f ms, one event %.3f ms\n",
	       t1 - t0, t2 - t1, t3 - t2, t5 - t4, t6 - t5);
	assert_int_equal(rowview_count(rv), N);
	assert_string_equal(rowview_selected_row(rv)->r.uid, sel_uid);
	for (size_t i = 0; i + 1 < rowview_count(rv); i++)
		assert_true(rowview_compare_cells(rowview_cell(rv, i, 0),
						  rowview_cell(rv, i + 1, 0)) < 0);
	free(sel_uid);
	rowview_free(rv);
	store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare_cells),
		cmocka_unit_test(test_filter_substring_smart_case),
		cmocka_unit_test(test_filter_regex_and_fallback),
		cmocka_unit_test(test_filter_label_selector),
		cmocka_unit_test(test_sort_by_columns),
		cmocka_unit_test(test_clusters_and_namespaces),
		cmocka_unit_test(test_selection_follows_identity),
		cmocka_unit_test(test_selection_when_filtered_out),
		cmocka_unit_test(test_update_reports_content_only),
		cmocka_unit_test(test_dirty_rows_across_clusters),
		cmocka_unit_test(test_sort_chosen_before_sync),
		cmocka_unit_test(test_incremental_matches_full_rebuild),
		cmocka_unit_test(test_timings_50000_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
