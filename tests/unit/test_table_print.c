/* Unit tests for core/table_print: kubectl's layout, JSON keys, names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "core/table_print.h"

static struct table *sample(void)
{
	struct table *t = table_new();
	table_add_column(t, "Name", "string", "name", 0);
	table_add_column(t, "Ready", "string", NULL, 0);
	table_add_column(t, "Restarts", "integer", NULL, 0);
	table_add_column(t, "Nominated Node", "string", NULL, 1);
	const char *rows[][4] = {{"web-1", "1/1", "0", "<none>"},
				 {"payments-api-7d9f", "0/1", "12", "<none>"}};
	for (int i = 0; i < 2; i++) {
		struct table_row *r = table_add_row(t);
		for (int c = 0; c < 4; c++)
			table_set_cell(r, (size_t)c, rows[i][c]);
		free(r->name);
		r->name = strdup(rows[i][0]);
		free(r->namespace);
		r->namespace = strdup(i ? "payments-dev" : "ns");
	}
	return t;
}

static char *render(void (*fn)(FILE *, const struct table *, const struct table_print_opts *),
		    const struct table *t, const struct table_print_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fn(f, t, o);
	fclose(f);
	return buf;
}

static void test_text_layout_like_kubectl(void **state)
{
	(void)state;
	struct table *t = sample();
	struct table_print_opts o = {0};
	char *s = render(table_print_text, t, &o);
	assert_string_equal(s, "NAME                READY   RESTARTS\n"
			       "web-1               1/1     0\n"
			       "payments-api-7d9f   0/1     12\n");
	free(s);
	o.with_namespace = true;
	o.wide = true;
	s = render(table_print_text, t, &o);
	assert_string_equal(s,
			    "NAMESPACE      NAME                READY   RESTARTS   NOMINATED NODE\n"
			    "ns             web-1               1/1     0          <none>\n"
			    "payments-dev   payments-api-7d9f   0/1     12         <none>\n");
	free(s);
	table_free(t);
}

static void test_control_characters_never_reach_the_output(void **state)
{
	(void)state;
	struct table *t = sample();
	table_set_cell(&t->rows[0], 1, "\x1b[2Jx");
	struct table_print_opts o = {0};
	char *s = render(table_print_text, t, &o);
	assert_null(strchr(s, '\x1b'));
	assert_non_null(strstr(s, "?[2Jx"));
	free(s);
	table_free(t);
}

static void test_json_keys_and_integer_cells(void **state)
{
	(void)state;
	struct table *t = sample();
	struct table_print_opts o = {.wide = true};
	char *s = render(table_print_json, t, &o);
	json_error_t jerr;
	json_t *arr = json_loads(s, 0, &jerr);
	assert_non_null(arr);
	assert_int_equal(json_array_size(arr), 2);
	json_t *row = json_array_get(arr, 1);
	assert_string_equal(json_string_value(json_object_get(row, "name")), "payments-api-7d9f");
	assert_string_equal(json_string_value(json_object_get(row, "namespace")), "payments-dev");
	assert_int_equal(json_integer_value(json_object_get(row, "restarts")), 12);
	assert_string_equal(json_string_value(json_object_get(row, "nominated_node")), "<none>");
	json_decref(arr);
	free(s);
	table_free(t);
}

static void test_names(void **state)
{
	(void)state;
	struct table *t = sample();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	table_print_names(f, t, "deployment.apps");
	fclose(f);
	assert_string_equal(buf, "deployment.apps/web-1\ndeployment.apps/payments-api-7d9f\n");
	free(buf);
	table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_layout_like_kubectl),
		cmocka_unit_test(test_control_characters_never_reach_the_output),
		cmocka_unit_test(test_json_keys_and_integer_cells),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
