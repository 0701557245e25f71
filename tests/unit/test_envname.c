/* core/envname: which names are production, staging, or neither. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/envname.h"

static void test_production_names(void **state)
{
	(void)state;
	assert_int_equal(envname_classify("prod"), ENVNAME_PRODUCTION);
	assert_int_equal(envname_classify("prod-viewer"), ENVNAME_PRODUCTION);
	assert_int_equal(envname_classify("payments-prd"), ENVNAME_PRODUCTION);
	assert_int_equal(envname_classify("eks.PROD.eu-west-1"), ENVNAME_PRODUCTION);
	assert_int_equal(envname_classify("shop_live"), ENVNAME_PRODUCTION);
}

static void test_staging_names(void **state)
{
	(void)state;
	assert_int_equal(envname_classify("payments-uat"), ENVNAME_STAGING);
	assert_int_equal(envname_classify("pre"), ENVNAME_STAGING);
	assert_int_equal(envname_classify("gke_stg_1"), ENVNAME_STAGING);
	/* production wins when a name says both */
	assert_int_equal(envname_classify("uat-prod-mirror"), ENVNAME_PRODUCTION);
}

static void test_parts_match_whole(void **state)
{
	(void)state;
	assert_int_equal(envname_classify("nonprod"), ENVNAME_OTHER);
	assert_int_equal(envname_classify("product-api"), ENVNAME_OTHER);
	assert_int_equal(envname_classify("prepare"), ENVNAME_OTHER);
	assert_int_equal(envname_classify("dev"), ENVNAME_OTHER);
	assert_int_equal(envname_classify(""), ENVNAME_OTHER);
	assert_int_equal(envname_classify(NULL), ENVNAME_OTHER);
	assert_true(envname_has_part("a-b.c_d", "c"));
	assert_false(envname_has_part("a-b.c_d", "b.c"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_production_names),
		cmocka_unit_test(test_staging_names),
		cmocka_unit_test(test_parts_match_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
