/* Unit tests for core/store: sync, upsert/delete by uid and by namespace/name, columns,
 * generations, change marks, connection state, and a 50,000-row burst (timed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/store.h"
#include "core/table.h"
#include "core/xalloc.h"

static struct table *pods_table(void)
{
	struct table *t = table_new();
	table_add_column(t, "Name", "string", "name", 0);
	table_add_column(t, "Ready", "string", "", 0);
	table_add_column(t, "Status", "string", "", 0);
	return t;
}

static void add_pod(struct table *t, const char *ns, const char *name, const char *uid,
		    const char *status)
{
	struct table_row *r = table_add_row(t);
	table_set_cell(r, 0, name);
	table_set_cell(r, 1, "1/1");
	table_set_cell(r, 2, status);
	free(r->namespace);
	r->namespace = xstrdup(ns);
	free(r->name);
	r->name = xstrdup(name);
	free(r->uid);
	r->uid = xstrdup(uid);
}

/* A one-row table, as the watch hands an event over. */
static struct table *event_table(const char *ns, const char *name, const char *uid,
				 const char *status)
{
	struct table *t = pods_table();
	add_pod(t, ns, name, uid, status);
	return t;
}

static void apply(struct store *s, enum store_event type, const char *ns, const char *name,
		  const char *uid, const char *status)
{
	struct table *t = event_table(ns, name, uid, status);
	store_apply_event(s, type, t);
	table_free(t);
}

static struct store *synced_store(void)
{
	struct store *s = store_new("prod");
	struct table *t = pods_table();
	add_pod(t, "payments", "api-1", "u1", "Running");
	add_pod(t, "payments", "api-2", "u2", "Pending");
	add_pod(t, "web", "front-1", "u3", "Running");
	store_sync(s, t);
	return s;
}

static void test_sync_takes_rows_and_columns(void **state)
{
	(void)state;
	struct store *s = store_new("prod");
	assert_null(store_columns(s));
	assert_false(store_synced(s));
	unsigned long long g0 = store_generation(s);
	struct table *t = pods_table();
	add_pod(t, "payments", "api-1", "u1", "Running");
	add_pod(t, "payments", "api-2", "u2", "Pending");
	store_sync(s, t);
	assert_true(store_synced(s));
	assert_int_equal(store_count(s), 2);
	assert_true(store_generation(s) > g0);
	assert_non_null(store_columns(s));
	assert_int_equal(store_columns(s)->ncols, 3);
	assert_string_equal(store_columns(s)->cols[2].name, "Status");
	assert_int_equal(store_columns(s)->nrows, 0);
	struct store_row *r = store_row_find(s, "u2", NULL, NULL);
	assert_non_null(r);
	assert_string_equal(r->r.cells[2], "Pending");
	assert_string_equal(r->r.cluster, "prod");
	assert_ptr_equal(r->store, s);
	assert_true(store_changes_reset(s));
	store_changes_clear(s);
	assert_false(store_changes_reset(s));
	store_free(s);
}

static void test_resync_replaces_everything(void **state)
{
	(void)state;
	struct store *s = synced_store();
	store_changes_clear(s);
	struct table *t = pods_table();
	add_pod(t, "web", "front-9", "u9", "Running");
	store_sync(s, t);
	assert_int_equal(store_count(s), 1);
	assert_null(store_row_find(s, "u1", NULL, NULL));
	assert_non_null(store_row_find(s, "u9", NULL, NULL));
	assert_true(store_changes_reset(s));
	store_free(s);
}

static void test_modified_updates_in_place(void **state)
{
	(void)state;
	struct store *s = synced_store();
	store_changes_clear(s);
	struct store_row *before = store_row_find(s, "u2", NULL, NULL);
	unsigned long long g = store_generation(s);
	apply(s, STORE_EVENT_MODIFIED, "payments", "api-2", "u2", "Running");
	assert_int_equal(store_count(s), 3);
	struct store_row *after = store_row_find(s, "u2", NULL, NULL);
	assert_ptr_equal(before, after);
	assert_string_equal(after->r.cells[2], "Running");
	assert_true(store_generation(s) > g);
	assert_int_equal(after->gen, store_generation(s));
	/* Only that row is marked changed: the widget redraws one row. */
	assert_int_equal(store_changes_count(s), 1);
	assert_ptr_equal(store_change_at(s, 0), after);
	assert_true(store_row_find(s, "u1", NULL, NULL)->gen < after->gen);
	/* Several events on one row list it once. */
	apply(s, STORE_EVENT_MODIFIED, "payments", "api-2", "u2", "Failed");
	assert_int_equal(store_changes_count(s), 1);
	store_free(s);
}

static void test_added_and_deleted(void **state)
{
	(void)state;
	struct store *s = synced_store();
	store_changes_clear(s);
	apply(s, STORE_EVENT_ADDED, "web", "front-2", "u4", "Pending");
	assert_int_equal(store_count(s), 4);
	assert_non_null(store_row_find(s, "u4", NULL, NULL));
	apply(s, STORE_EVENT_DELETED, "payments", "api-1", "u1", "Running");
	assert_int_equal(store_count(s), 3);
	assert_null(store_row_find(s, "u1", NULL, NULL));
	assert_int_equal(store_changes_count(s), 2);
	/* The deleted row stays readable for the consumer until the clear. */
	struct store_row *gone = store_change_at(s, 1);
	assert_true(gone->deleted);
	assert_string_equal(gone->r.name, "api-1");
	/* Every remaining row is still reachable by iteration and by lookup. */
	for (size_t i = 0; i < store_count(s); i++) {
		struct store_row *r = store_row_at(s, i);
		assert_ptr_equal(store_row_find(s, r->r.uid, NULL, NULL), r);
	}
	unsigned long long g = store_generation(s);
	apply(s, STORE_EVENT_DELETED, "nowhere", "ghost", "u404", "");
	assert_int_equal(store_generation(s), g);
	store_changes_clear(s);
	assert_int_equal(store_changes_count(s), 0);
	store_free(s);
}

/* Hand-built tables (the contexts view) set identity with table_set_identity: the
 * store then finds rows by it. */
static void test_hand_built_identity(void **state)
{
	(void)state;
	struct table *t = table_new();
	table_add_column(t, "Name", "string", "name", 0);
	struct table_row *r = table_add_row(t);
	table_set_cell(r, 0, "ops");
	table_set_identity(r, NULL, "ops", "ctx-ops");
	assert_string_equal(r->namespace, "");
	struct store *s = store_new(NULL);
	store_sync(s, t);
	assert_non_null(store_row_find(s, "ctx-ops", NULL, NULL));
	assert_null(store_row_find(s, "ctx-dev", NULL, NULL));
	store_free(s);
}

static void test_identity_without_uid(void **state)
{
	(void)state;
	struct store *s = store_new(NULL);
	struct table *t = pods_table();
	add_pod(t, "a", "same", "", "Running");
	add_pod(t, "b", "same", "", "Running");
	store_sync(s, t);
	assert_int_equal(store_count(s), 2);
	assert_string_equal(store_cluster(s), "");
	apply(s, STORE_EVENT_MODIFIED, "b", "same", "", "Failed");
	assert_int_equal(store_count(s), 2);
	assert_string_equal(store_row_find(s, "", "b", "same")->r.cells[2], "Failed");
	assert_string_equal(store_row_find(s, NULL, "a", "same")->r.cells[2], "Running");
	apply(s, STORE_EVENT_DELETED, "a", "same", "", "");
	assert_null(store_row_find(s, NULL, "a", "same"));
	assert_non_null(store_row_find(s, NULL, "b", "same"));
	store_free(s);
}

static void test_event_before_sync_and_short_rows(void **state)
{
	(void)state;
	struct store *s = store_new("dev");
	apply(s, STORE_EVENT_ADDED, "x", "p", "u1", "Running");
	assert_non_null(store_columns(s));
	assert_int_equal(store_columns(s)->ncols, 3);
	/* An event with fewer columns leaves the missing cells empty. */
	struct table *t = table_new();
	table_add_column(t, "Name", "string", "name", 0);
	struct table_row *r = table_add_row(t);
	table_set_cell(r, 0, "p");
	free(r->uid);
	r->uid = xstrdup("u1");
	store_apply_event(s, STORE_EVENT_MODIFIED, t);
	table_free(t);
	struct store_row *row = store_row_find(s, "u1", NULL, NULL);
	assert_string_equal(row->r.cells[0], "p");
	assert_string_equal(row->r.cells[2], "");
	store_free(s);
}

static void test_connection_state(void **state)
{
	(void)state;
	struct store *s = store_new("prod");
	assert_int_equal(store_state(s), STORE_CONN_LISTING);
	unsigned long long sg = store_state_generation(s), g = store_generation(s);
	store_set_state(s, STORE_CONN_RETRYING, "connection refused", 12345);
	assert_int_equal(store_state(s), STORE_CONN_RETRYING);
	assert_string_equal(store_error(s), "connection refused");
	assert_int_equal(store_retry_at_ms(s), 12345);
	assert_true(store_state_generation(s) > sg);
	assert_int_equal(store_generation(s), g);
	store_set_state(s, STORE_CONN_CONNECTED, NULL, 0);
	assert_null(store_error(s));
	store_free(s);
}

/* Deleting shifts hash entries back; every survivor must stay reachable. */
static void test_many_deletes_keep_lookup(void **state)
{
	(void)state;
	enum { N = 3000 };
	char name[32], uid[32];
	struct store *s = store_new("c");
	struct table *t = pods_table();
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		snprintf(uid, sizeof(uid), "u%d", i);
		add_pod(t, "ns", name, uid, "Running");
	}
	store_sync(s, t);
	for (int i = 0; i < N; i += 3) {
		snprintf(name, sizeof(name), "p%d", i);
		snprintf(uid, sizeof(uid), "u%d", i);
		apply(s, STORE_EVENT_DELETED, "ns", name, uid, "");
	}
	store_changes_clear(s);
	assert_int_equal(store_count(s), N - (N + 2) / 3);
	for (int i = 0; i < N; i++) {
		snprintf(uid, sizeof(uid), "u%d", i);
		struct store_row *r = store_row_find(s, uid, NULL, NULL);
		if (i % 3 == 0) {
			assert_null(r);
		} else {
			assert_non_null(r);
			assert_ptr_equal(store_row_at(s, r->slot), r);
		}
	}
	store_free(s);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_burst_on_50000_rows(void **state)
{
	(void)state;
	enum { N = 50000, BURST = 1000 };
	char name[32], uid[32];
	struct store *s = store_new("big");
	struct table *t = pods_table();
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "pod-%d", i);
		snprintf(uid, sizeof(uid), "uid-%d", i);
		add_pod(t, "ns", name, uid, "Running");
	}
	double t0 = now_ms();
	store_sync(s, t);
	double t1 = now_ms();
	store_changes_clear(s);
	struct table *ev[BURST];
	for (int i = 0; i < BURST; i++) {
		int k = (i * 7919) % N;
		snprintf(name, sizeof(name), "pod-%d", k);
		snprintf(uid, sizeof(uid), "uid-%d", k);
		ev[i] = event_table("ns", name, uid, "CrashLoopBackOff");
	}
	double t2 = now_ms();
	for (int i = 0; i < BURST; i++)
		store_apply_event(s, STORE_EVENT_MODIFIED, ev[i]);
	double t3 = now_ms();
	printf("store: sync of %d rows %.2f ms; %d MODIFIED events %.2f ms\n", N, t1 - t0,
	       BURST, t3 - t2);
	for (int i = 0; i < BURST; i++)
		table_free(ev[i]);
	assert_int_equal(store_count(s), N);
	assert_int_equal(store_changes_count(s), BURST);
	assert_string_equal(store_row_find(s, "uid-7919", NULL, NULL)->r.cells[2],
			    "CrashLoopBackOff");
	assert_string_equal(store_row_find(s, "uid-2", NULL, NULL)->r.cells[2], "Running");
	store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_takes_rows_and_columns),
		cmocka_unit_test(test_resync_replaces_everything),
		cmocka_unit_test(test_modified_updates_in_place),
		cmocka_unit_test(test_added_and_deleted),
		cmocka_unit_test(test_identity_without_uid),
		cmocka_unit_test(test_hand_built_identity),
		cmocka_unit_test(test_event_before_sync_and_short_rows),
		cmocka_unit_test(test_connection_state),
		cmocka_unit_test(test_many_deletes_keep_lookup),
		cmocka_unit_test(test_burst_on_50000_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
