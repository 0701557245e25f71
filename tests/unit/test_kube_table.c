/* Tests for clients/kube_table: v1 and v1beta1 server-side Tables (the real captured one
 * in tests/fixtures/kubernetes), paging, watch-event pages, List fallback, cell rendering,
 * and the Ready/Synced condition columns summarised from whole objects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "clients/kube_table.h"

#define FIXTURE "tests/fixtures/kubernetes/table-pods-v1beta1.extracted.json"

static void test_real_v1beta1_table(void **state)
{
	(void)state;
	json_error_t jerr;
	json_t *doc = json_load_file(FIXTURE, 0, &jerr);
	assert_non_null(doc);
	struct table *t = table_new();
	char err[256] = "";
	assert_int_equal(kube_table_append(t, doc, err, sizeof(err)), 0);
	assert_int_equal(t->ncols, 8);
	const char *names[] = {"Name", "Ready", "Status", "Restarts", "Age", "IP", "Node",
			       "Nominated Node"};
	const int prio[] = {0, 0, 0, 0, 0, 1, 1, 1};
	for (size_t c = 0; c < 8; c++) {
		assert_string_equal(t->cols[c].name, names[c]);
		assert_int_equal(t->cols[c].priority, prio[c]);
	}
	assert_string_equal(t->cols[0].format, "name");
	assert_string_equal(t->cols[3].type, "integer");
	assert_int_equal(t->nrows, 1);
	const struct table_row *r = &t->rows[0];
	const char *cells[] = {"dockin-test-test", "1/1", "Running", "0", "45h", "192.168.1.43",
			       "192-168-1-195", "<none>"};
	for (size_t c = 0; c < 8; c++)
		assert_string_equal(r->cells[c], cells[c]);
	assert_string_equal(r->name, "dockin-test-test");
	assert_string_equal(r->namespace, "dockin");
	assert_string_equal(r->uid, "0722e2d1-b1fa-11e9-8b47-525400cdf4e8");
	assert_string_equal(r->resource_version, "61650911");
	assert_string_equal(t->resource_version, "61650911");
	assert_null(t->continue_token);
	table_free(t);
	json_decref(doc);
}

/* A v1 Table as kube-apiserver sends it, in two pages joined by a continue token. */
static const char page1[] =
	"{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\","
	"\"metadata\":{\"resourceVersion\":\"900\",\"continue\":\"tok1\"},"
	"\"columnDefinitions\":["
	"{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\",\"priority\":0},"
	"{\"name\":\"Ready\",\"type\":\"string\",\"format\":\"\",\"priority\":0},"
	"{\"name\":\"Up-to-date\",\"type\":\"integer\",\"format\":\"\",\"priority\":0},"
	"{\"name\":\"Containers\",\"type\":\"string\",\"format\":\"\",\"priority\":1}],"
	"\"rows\":[{\"cells\":[\"web\",\"2/2\",2,\"nginx\"],\"object\":{\"kind\":"
	"\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"name\":"
	"\"web\",\"namespace\":\"shop\",\"uid\":\"u-1\",\"resourceVersion\":\"850\"}}}]}";
static const char page2[] =
	"{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\","
	"\"metadata\":{\"resourceVersion\":\"900\"},"
	"\"columnDefinitions\":["
	"{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\",\"priority\":0},"
	"{\"name\":\"Ready\",\"type\":\"string\",\"format\":\"\",\"priority\":0},"
	"{\"name\":\"Up-to-date\",\"type\":\"integer\",\"format\":\"\",\"priority\":0},"
	"{\"name\":\"Containers\",\"type\":\"string\",\"format\":\"\",\"priority\":1}],"
	"\"rows\":[{\"cells\":[\"api\",\"0/1\",0,\"app\"],\"object\":{\"metadata\":{\"name\":"
	"\"api\",\"namespace\":\"shop\",\"uid\":\"u-2\",\"resourceVersion\":\"870\"}}}]}";

static void test_v1_pages_append(void **state)
{
	(void)state;
	struct table *t = table_new();
	char err[256];
	json_t *p1 = json_loads(page1, 0, NULL), *p2 = json_loads(page2, 0, NULL);
	assert_int_equal(kube_table_append(t, p1, err, sizeof(err)), 0);
	assert_string_equal(t->continue_token, "tok1");
	assert_int_equal(kube_table_append(t, p2, err, sizeof(err)), 0);
	assert_null(t->continue_token);
	assert_int_equal(t->ncols, 4);
	assert_int_equal(t->nrows, 2);
	assert_string_equal(t->rows[0].cells[2], "2");
	assert_string_equal(t->rows[1].name, "api");
	assert_string_equal(t->rows[1].uid, "u-2");
	assert_string_equal(t->rows[1].cells[1], "0/1");
	json_decref(p1);
	json_decref(p2);
	table_free(t);
}

static void test_page_with_other_columns_rejected(void **state)
{
	(void)state;
	struct table *t = table_new();
	char err[256] = "";
	json_t *p1 = json_loads(page1, 0, NULL);
	json_t *bad = json_loads("{\"kind\":\"Table\",\"columnDefinitions\":[{\"name\":\"A\"}],"
				 "\"rows\":[]}", 0, NULL);
	assert_int_equal(kube_table_append(t, p1, err, sizeof(err)), 0);
	assert_int_equal(kube_table_append(t, bad, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "columns"));
	json_t *notable = json_loads("{\"kind\":\"Pod\"}", 0, NULL);
	assert_int_equal(kube_table_append(t, notable, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Pod"));
	json_decref(p1);
	json_decref(bad);
	json_decref(notable);
	table_free(t);
}

static void test_watch_event_table_without_columns(void **state)
{
	(void)state;
	struct table *t = table_new();
	table_add_column(t, "Name", "string", "name", 0);
	table_add_column(t, "Age", "string", "", 0);
	char err[256];
	json_t *ev = json_loads("{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\","
				"\"metadata\":{\"resourceVersion\":\"77\"},\"rows\":[{\"cells\":"
				"[\"x\",\"3m\"],\"object\":{\"metadata\":{\"name\":\"x\",\"uid\":"
				"\"u\",\"resourceVersion\":\"77\"}}}]}", 0, NULL);
	assert_int_equal(kube_table_append(t, ev, err, sizeof(err)), 0);
	assert_int_equal(t->nrows, 1);
	assert_string_equal(t->rows[0].cells[1], "3m");
	assert_string_equal(t->rows[0].namespace, "");   /* cluster-scoped */
	assert_string_equal(t->resource_version, "77");
	json_decref(ev);
	table_free(t);
}

static void test_list_fallback(void **state)
{
	(void)state;
	struct table *t = table_new();
	char err[256];
	json_t *list = json_loads("{\"kind\":\"PodMetricsList\",\"metadata\":{\"resourceVersion\":"
				  "\"\"},\"items\":[{\"metadata\":{\"name\":\"a\",\"namespace\":"
				  "\"n\"}},{\"metadata\":{\"name\":\"b\",\"namespace\":\"n\"}}]}",
				  0, NULL);
	assert_int_equal(kube_table_append(t, list, err, sizeof(err)), 0);
	assert_int_equal(t->ncols, 1);
	assert_int_equal(t->nrows, 2);
	assert_string_equal(t->rows[1].cells[0], "b");
	assert_string_equal(t->rows[1].namespace, "n");
	json_decref(list);
	table_free(t);
}

/* ---- Ready/Synced condition columns (includeObject=Object rows) ---- */

/* Crossplane-like managed resources: whole objects in rows[].object. */
#define CR_COLS                                                                            \
	"\"columnDefinitions\":["                                                          \
	"{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\",\"priority\":0},"      \
	"{\"name\":\"Age\",\"type\":\"date\",\"format\":\"\",\"priority\":0}]"

static const char cr_page1[] =
	"{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"resourceVersion\":"
	"\"50\",\"continue\":\"c1\"}," CR_COLS ",\"rows\":["
	"{\"cells\":[\"ok\",\"3d\"],\"object\":{\"apiVersion\":\"s3.example.io/v1\",\"kind\":"
	"\"Bucket\",\"metadata\":{\"name\":\"ok\",\"namespace\":\"infra\",\"uid\":\"u-ok\","
	"\"resourceVersion\":\"41\"},\"status\":{\"conditions\":["
	"{\"type\":\"Synced\",\"status\":\"True\",\"reason\":\"ReconcileSuccess\"},"
	"{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"Available\"}]}}},"
	"{\"cells\":[\"broken\",\"2h\"],\"object\":{\"metadata\":{\"name\":\"broken\","
	"\"namespace\":\"infra\",\"uid\":\"u-broken\",\"resourceVersion\":\"42\"},\"status\":"
	"{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\",\"reason\":\"Unavailable\"},"
	"{\"type\":\"Synced\",\"status\":\"False\",\"reason\":\"\"}]}}}]}";
static const char cr_page2[] =
	"{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"resourceVersion\":"
	"\"50\"}," CR_COLS ",\"rows\":["
	"{\"cells\":[\"fresh\",\"1s\"],\"object\":{\"metadata\":{\"name\":\"fresh\",\"namespace\":"
	"\"infra\",\"uid\":\"u-fresh\",\"resourceVersion\":\"43\"},\"spec\":{}}},"
	"{\"cells\":[\"pending\",\"5m\"],\"object\":{\"metadata\":{\"name\":\"pending\","
	"\"namespace\":\"infra\",\"uid\":\"u-pending\",\"resourceVersion\":\"44\"},\"status\":"
	"{\"conditions\":[{\"type\":\"Ready\",\"status\":\"Unknown\"},{\"type\":\"Healthy\","
	"\"status\":\"False\",\"reason\":\"X\"}]}}}]}";

static void append_json(struct table *t, const char *text, struct kube_table_cond *cond)
{
	char err[256] = "";
	json_t *doc = json_loads(text, 0, NULL);
	assert_non_null(doc);
	int rc = kube_table_append_cond(t, doc, cond, err, sizeof(err));
	if (rc != 0)
		fail_msg("%s", err);
	json_decref(doc);
}

static void expect_row(const struct table *t, size_t r, const char *name, const char *ready,
		       const char *synced)
{
	assert_string_equal(t->rows[r].name, name);
	assert_string_equal(t->rows[r].cells[0], name);
	assert_string_equal(t->rows[r].cells[2], ready);
	assert_string_equal(t->rows[r].cells[3], synced);
}

static void test_conditions_summarised(void **state)
{
	(void)state;
	struct table *t = table_new();
	struct kube_table_cond cond = {false, 0, false};
	append_json(t, cr_page1, &cond);
	append_json(t, cr_page2, &cond);   /* a later page repeats the server's 2 columns */
	assert_int_equal(cond.cols, KUBE_COND_READY | KUBE_COND_SYNCED);
	assert_true(cond.seen);
	assert_int_equal(t->ncols, 4);
	assert_string_equal(t->cols[2].name, "READY");
	assert_string_equal(t->cols[3].name, "SYNCED");
	assert_string_equal(t->cols[2].type, "string");
	assert_int_equal(t->cols[3].priority, 0);
	assert_int_equal(t->nrows, 4);
	expect_row(t, 0, "ok", "True", "True");            /* True: no reason shown */
	expect_row(t, 1, "broken", "False (Unavailable)", "False");   /* empty reason */
	expect_row(t, 2, "fresh", "", "");                 /* no status at all */
	expect_row(t, 3, "pending", "Unknown", "");        /* other types ignored */
	assert_string_equal(t->rows[1].uid, "u-broken");
	assert_string_equal(t->rows[1].namespace, "infra");
	assert_string_equal(t->rows[3].resource_version, "44");
	assert_string_equal(t->rows[0].cells[1], "3d");
	table_free(t);
}

static void test_conditions_absent_columns_dropped(void **state)
{
	(void)state;
	struct table *t = table_new();
	struct kube_table_cond cond = {false, 0, false};
	append_json(t, page1, &cond);   /* Deployments: objects without Synced, metadata only */
	assert_false(cond.seen);
	/* The server already shows "Ready": only SYNCED was added. */
	assert_int_equal(cond.cols, KUBE_COND_SYNCED);
	assert_int_equal(t->ncols, 5);
	assert_string_equal(t->cols[4].name, "SYNCED");
	assert_string_equal(t->rows[0].cells[4], "");
	kube_table_drop_cond(t, cond.cols);
	assert_int_equal(t->ncols, 4);
	assert_string_equal(t->cols[3].name, "Containers");
	assert_string_equal(t->rows[0].cells[3], "nginx");
	/* Rows added after the drop have the server's columns only. */
	append_json(t, page2, NULL);
	assert_int_equal(t->nrows, 2);
	assert_string_equal(t->rows[1].cells[3], "app");
	assert_int_equal(kube_cond_count(KUBE_COND_ALL), 2);
	assert_int_equal(kube_cond_count(0), 0);
	table_free(t);
}

/* Watch events: the first carries the server's columnDefinitions, later ones none; both
 * fill the decided condition columns. */
static void test_conditions_fixed_for_watch_events(void **state)
{
	(void)state;
	struct table *t = table_new();
	table_add_column(t, "Name", "string", "name", 0);
	table_add_column(t, "Age", "date", "", 0);
	table_add_column(t, "READY", "string", "", 0);
	table_add_column(t, "SYNCED", "string", "", 0);
	struct kube_table_cond cond = {true, KUBE_COND_ALL, false};
	append_json(t, cr_page1, &cond);
	static const char later[] =
		"{\"kind\":\"Table\",\"metadata\":{\"resourceVersion\":\"60\"},\"rows\":[{\"cells\":"
		"[\"ok\",\"3d\"],\"object\":{\"metadata\":{\"name\":\"ok\",\"uid\":\"u-ok\"},"
		"\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\",\"reason\":"
		"\"Bad\\u001b[2J\"}]}}}]}";
	append_json(t, later, &cond);
	assert_int_equal(t->ncols, 4);
	assert_int_equal(t->nrows, 3);
	expect_row(t, 0, "ok", "True", "True");
	expect_row(t, 2, "ok", "False (Bad^[[2J)", "");   /* sanitised like every cell */
	assert_int_equal(cond.cols, KUBE_COND_ALL);        /* fixed: never re-decided */
	/* A Table with another number of server columns is still refused. */
	json_t *bad = json_loads("{\"kind\":\"Table\",\"columnDefinitions\":[{\"name\":\"A\"},"
				 "{\"name\":\"B\"},{\"name\":\"C\"},{\"name\":\"D\"}],\"rows\":[]}",
				 0, NULL);
	char err[256] = "";
	assert_int_equal(kube_table_append_cond(t, bad, &cond, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "expected 2"));
	json_decref(bad);
	table_free(t);
}

static void test_conditions_list_fallback(void **state)
{
	(void)state;
	struct table *t = table_new();
	struct kube_table_cond cond = {false, 0, false};
	append_json(t, "{\"kind\":\"BucketList\",\"items\":[{\"metadata\":{\"name\":\"b1\"},"
		       "\"status\":{\"conditions\":[{\"type\":\"Synced\",\"status\":\"False\","
		       "\"reason\":\"ReconcileError\"}]}}]}", &cond);
	assert_true(cond.seen);
	assert_int_equal(t->ncols, 3);
	assert_string_equal(t->rows[0].cells[0], "b1");
	assert_string_equal(t->rows[0].cells[1], "");
	assert_string_equal(t->rows[0].cells[2], "False (ReconcileError)");
	json_t *obj = json_loads("{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":"
				 "\"True\"}]}}", 0, NULL);
	char *ready = kube_table_condition(obj, "Ready");
	char *synced = kube_table_condition(obj, "Synced");
	assert_string_equal(ready, "True");
	assert_string_equal(synced, "");
	free(ready);
	free(synced);
	json_decref(obj);
	table_free(t);
}

static void expect_cell(const char *json, const char *want)
{
	json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
	assert_non_null(v);
	char *got = kube_table_render_cell(v);
	assert_string_equal(got, want);
	free(got);
	json_decref(v);
}

static void test_cell_rendering_like_kubectl(void **state)
{
	(void)state;
	expect_cell("\"Running\"", "Running");
	expect_cell("0", "0");
	expect_cell("-42", "-42");
	expect_cell("9007199254740993", "9007199254740993");
	expect_cell("1.5", "1.5");
	expect_cell("0.1", "0.1");
	expect_cell("3.0", "3");
	expect_cell("true", "true");
	expect_cell("false", "false");
	expect_cell("null", "<nil>");
	expect_cell("[\"a\",1,[true]]", "[a 1 [true]]");
	expect_cell("{\"b\":2,\"a\":\"x\"}", "map[a:x b:2]");
	expect_cell("\"\"", "");
	/* Sanitised at the border: an escape sequence cannot reach the terminal. */
	expect_cell("\"a\\u001b[2Jb\"", "a^[[2Jb");
	expect_cell("{\"k\\u0007\":\"v\"}", "map[k^G:v]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_v1beta1_table),
		cmocka_unit_test(test_v1_pages_append),
		cmocka_unit_test(test_page_with_other_columns_rejected),
		cmocka_unit_test(test_watch_event_table_without_columns),
		cmocka_unit_test(test_list_fallback),
		cmocka_unit_test(test_cell_rendering_like_kubectl),
		cmocka_unit_test(test_conditions_summarised),
		cmocka_unit_test(test_conditions_absent_columns_dropped),
		cmocka_unit_test(test_conditions_fixed_for_watch_events),
		cmocka_unit_test(test_conditions_list_fallback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
