/* Unit tests for core/csv: RFC 4180 quoting and the formula guard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csv.h"

/* s written by csv_put, as a string the caller frees. */
static char *field(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	csv_put(f, s);
	fclose(f);
	return buf;
}

static void expect(const char *in, const char *want)
{
	char *got = field(in);
	assert_string_equal(got, want);
	free(got);
}

static void test_plain_and_quoted(void **state)
{
	(void)state;
	expect("catalog", "catalog");
	expect("", "");
	expect(NULL, "");
	expect("a,b", "\"a,b\"");
	expect("say \"hi\"", "\"say \"\"hi\"\"\"");
	expect("two\nlines", "\"two\nlines\"");
	expect("cr\r", "\"cr\r\"");
}

static void test_formula_guard(void **state)
{
	(void)state;
	expect("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"");
	expect("+cmd", "\"'+cmd\"");
	expect("-2+3+cmd|' /C calc'!A0", "\"'-2+3+cmd|' /C calc'!A0\"");
	expect("@SUM(A1)", "\"'@SUM(A1)\"");
	expect("\tx", "\"'\tx\"");
	/* data, not formulas */
	expect("-3", "-3");
	expect("+1.5", "+1.5");
	expect("-", "-");
	expect("a=b", "a=b");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_quoted),
		cmocka_unit_test(test_formula_guard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
