/* Unit tests for core/strbuf and core/table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/strbuf.h"
#include "core/table.h"

static void test_append_printf_consume(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	assert_string_equal(strbuf_str(&sb), "");
	strbuf_puts(&sb, "hello");
	strbuf_putc(&sb, ' ');
	strbuf_printf(&sb, "%d-%s", 42, "x");
	assert_string_equal(strbuf_str(&sb), "hello 42-x");
	assert_int_equal(sb.len, 10);
	strbuf_consume(&sb, 6);
	assert_string_equal(strbuf_str(&sb), "42-x");
	strbuf_consume(&sb, 100);
	assert_int_equal(sb.len, 0);
	for (int i = 0; i < 1000; i++)
		strbuf_append(&sb, "abc", 3);
	assert_int_equal(sb.len, 3000);
	char *s = strbuf_detach(&sb);
	assert_int_equal(strlen(s), 3000);
	assert_null(sb.buf);
	free(s);
	strbuf_free(&sb);
}

static void test_table_rows_and_columns(void **state)
{
	(void)state;
	struct table *t = table_new();
	table_add_column(t, "Name", "string", "name", 0);
	table_add_column(t, "Node", "string", NULL, 1);
	struct table_row *r = table_add_row(t);
	table_set_cell(r, 0, "web-1");
	assert_string_equal(t->rows[0].cells[1], "");
	assert_int_equal(table_column_index(t, "node"), 1);
	assert_int_equal(table_column_index(t, "age"), -1);

	struct table *u = table_new();
	table_add_column(u, "Name", "string", "name", 0);
	table_add_column(u, "Node", "string", NULL, 1);
	for (int i = 0; i < 20; i++)
		table_set_cell(table_add_row(u), 0, "x");
	table_take_rows(t, u);
	assert_int_equal(t->nrows, 21);
	assert_int_equal(u->nrows, 0);
	assert_string_equal(t->rows[20].cells[0], "x");
	table_free(u);
	table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_printf_consume),
		cmocka_unit_test(test_table_rows_and_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
