/* Unit tests for core/args: global flags anywhere, get's flags, usage errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/args.h"

static int parse(int argc, char **argv, struct global_opts *g, char **rest, int *n,
		 char *err)
{
	return args_parse_global(argc, argv, g, rest, n, err, 256);
}

static void test_global_flags_before_and_after_the_subcommand(void **state)
{
	(void)state;
	const char *argv[] = {"--kubeconfig", "/k", "get", "pods", "--context=prod", "-A",
			"--readonly", "--platform", "/p.yaml"};
	char *rest[10];
	int n;
	char err[256];
	struct global_opts g;
	assert_int_equal(parse(9, (char **)argv, &g, rest, &n, err), 0);
	assert_string_equal(g.kubeconfig, "/k");
	assert_string_equal(g.context, "prod");
	assert_string_equal(g.platform, "/p.yaml");
	assert_true(g.platform_explicit);
	assert_true(g.readonly);
	assert_int_equal(n, 3);
	assert_string_equal(rest[0], "get");
	assert_string_equal(rest[2], "-A");
	assert_null(rest[3]);
	args_global_free(&g);
}

static void test_platform_from_environment_then_xdg(void **state)
{
	(void)state;
	char *rest[2];
	int n;
	char err[256];
	struct global_opts g;
	setenv("OPSDECK_PLATFORM", "/env/platform.yaml", 1);
	assert_int_equal(parse(0, NULL, &g, rest, &n, err), 0);
	assert_string_equal(g.platform, "/env/platform.yaml");
	assert_true(g.platform_explicit);
	args_global_free(&g);
	unsetenv("OPSDECK_PLATFORM");
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	assert_int_equal(parse(0, NULL, &g, rest, &n, err), 0);
	assert_string_equal(g.platform, "/xdg/opsdeck/platform.yaml");
	assert_false(g.platform_explicit);
	args_global_free(&g);
}

static void test_missing_flag_value_is_a_usage_error(void **state)
{
	(void)state;
	const char *argv[] = {"get", "pods", "--context"};
	char *rest[4];
	int n;
	char err[256];
	struct global_opts g;
	assert_int_equal(parse(3, (char **)argv, &g, rest, &n, err), -1);
	assert_non_null(strstr(err, "--context"));
}

static void test_get_flags(void **state)
{
	(void)state;
	const char *argv[] = {"deploy", "web", "-nshop", "-l", "app=web", "-owide",
			"--field-selector=status.phase=Running", "api"};
	struct get_opts o;
	char err[256];
	assert_int_equal(args_parse_get(8, (char **)argv, &o, err, sizeof(err)), 0);
	assert_string_equal(o.resource, "deploy");
	assert_string_equal(o.names[0], "web");
	assert_string_equal(o.names[1], "api");
	assert_null(o.names[2]);
	assert_string_equal(o.namespace, "shop");
	assert_string_equal(o.label_selector, "app=web");
	assert_string_equal(o.field_selector, "status.phase=Running");
	assert_int_equal(o.output, OUTPUT_WIDE);
	assert_false(o.all_namespaces);
	free(o.names);
}

static void test_get_errors(void **state)
{
	(void)state;
	struct get_opts o;
	char err[256];
	const char *no_kind[] = {"-A"};
	assert_int_equal(args_parse_get(1, (char **)no_kind, &o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "resource type"));
	free(o.names);
	const char *bad_output[] = {"pods", "-o", "yaml2"};
	assert_int_equal(args_parse_get(3, (char **)bad_output, &o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "yaml2"));
	free(o.names);
	const char *bad_flag[] = {"pods", "--frobnicate"};
	assert_int_equal(args_parse_get(2, (char **)bad_flag, &o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--frobnicate"));
	free(o.names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_global_flags_before_and_after_the_subcommand),
		cmocka_unit_test(test_platform_from_environment_then_xdg),
		cmocka_unit_test(test_missing_flag_value_is_a_usage_error),
		cmocka_unit_test(test_get_flags),
		cmocka_unit_test(test_get_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
