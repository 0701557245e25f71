/* Tests for clients/kube_table: v1 and v1beta1 server-side Tables (the real captured one
 * in tests/fixtures/kubernetes), paging, watch-event pages, List fallback, cell rendering. */
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
