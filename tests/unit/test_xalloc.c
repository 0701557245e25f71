/* core/xalloc: the string helpers copy what they promise and no more. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/xalloc.h"

static void test_xstrndup_stops_at_the_end(void **state)
{
	(void)state;
	/* a buffer exactly as long as the string: reading past it would be a bug that
	 * valgrind and ASan report */
	char *src = malloc(4);
	memcpy(src, "abc", 4);
	char *p = xstrndup(src, 100);
	assert_string_equal(p, "abc");
	free(p);
	p = xstrndup(src, 2);
	assert_string_equal(p, "ab");
	free(p);
	p = xstrndup(src, 0);
	assert_string_equal(p, "");
	free(p);
	free(src);
}

static void test_xasprintf(void **state)
{
	(void)state;
	char *p = xasprintf("%s-%d", "pod", 7);
	assert_string_equal(p, "pod-7");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xstrndup_stops_at_the_end),
		cmocka_unit_test(test_xasprintf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
