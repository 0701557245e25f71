/* Unit tests for core/request: names, flags, help text, and the yaml_mark helper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/request.h"
#include "core/yaml_mark.h"

static void test_every_request_round_trips_by_name(void **state)
{
	(void)state;
	for (int r = 0; r < REQ_COUNT; r++) {
		const char *name = request_name((enum request)r);
		assert_non_null(name);
		enum request back = REQ_COUNT;
		assert_true(request_from_name(name, &back));
		assert_int_equal(back, r);
		if (r != REQ_NONE)
			assert_non_null(request_help((enum request)r));
		/* names are unique: no later request shares this name */
		for (int q = r + 1; q < REQ_COUNT; q++)
			assert_string_not_equal(name, request_name((enum request)q));
	}
}

static void test_known_names_and_unknown_ones(void **state)
{
	(void)state;
	enum request r = REQ_NONE;
	assert_true(request_from_name("move-down", &r));
	assert_int_equal(r, REQ_MOVE_DOWN);
	assert_true(request_from_name("rollout-undo", &r));
	assert_int_equal(r, REQ_ROLLOUT_UNDO);
	assert_true(request_from_name("none", &r));
	assert_int_equal(r, REQ_NONE);
	r = REQ_QUIT;
	assert_false(request_from_name("Move-Down", &r));
	assert_false(request_from_name("edit", &r));
	assert_false(request_from_name(NULL, &r));
	assert_int_equal(r, REQ_QUIT);
	assert_null(request_name(REQ_COUNT));
	assert_null(request_name((enum request)-1));
	assert_null(request_help(REQ_NONE));
}

static void test_action_flags_only_on_mutations(void **state)
{
	(void)state;
	const enum request actions[] = {REQ_RESTART, REQ_SCALE, REQ_DELETE, REQ_ROLLOUT_UNDO,
					REQ_SYNC, REQ_ROLLBACK, REQ_APP_REFRESH,
					REQ_APP_HARD_REFRESH, REQ_TERMINATE, REQ_PROMOTE};
	const size_t nactions = sizeof actions / sizeof actions[0];
	int counted = 0;
	for (int r = 0; r < REQ_COUNT; r++) {
		bool expected = false;
		for (size_t i = 0; i < nactions; i++)
			expected |= actions[i] == (enum request)r;
		assert_int_equal(request_is_action((enum request)r), expected);
		counted += request_is_action((enum request)r);
	}
	assert_int_equal(counted, (int)nactions);
	assert_false(request_is_action(REQ_DIFF)); /* reading a diff changes nothing */
	assert_true(request_flags(REQ_QUIT) & REQ_GLOBAL);
	assert_false(request_flags(REQ_DESCRIBE) & REQ_GLOBAL);
	assert_true(request_flags(REQ_MOVE_DOWN) & REQ_MOTION);
	assert_int_equal(request_flags(REQ_COUNT), 0);
}

static void test_yaml_mark_finds_nested_keys(void **state)
{
	(void)state;
	const char *text = "# c\n"
			   "global:\n"
			   "  j: move-down\n"
			   "  \"?\": help\n"
			   "pods:\n"
			   "  list: [a, {j: x}]\n"
			   "  j: logs\n";
	int line = 0, col = 0;
	assert_true(yaml_mark_find(text, strlen(text), (const char *[]){"global", "?"}, 2,
				   &line, &col));
	assert_int_equal(line, 4);
	assert_int_equal(col, 3);
	assert_true(yaml_mark_find(text, strlen(text), (const char *[]){"pods", "j"}, 2, &line,
				   &col));
	assert_int_equal(line, 7);
	assert_true(yaml_mark_find(text, strlen(text), (const char *[]){"pods"}, 1, &line, &col));
	assert_int_equal(line, 5);
	assert_int_equal(col, 1);
	/* "j" is not a key of global's value at depth 1, nor is "x" a key anywhere */
	assert_false(yaml_mark_find(text, strlen(text), (const char *[]){"j"}, 1, &line, &col));
	assert_false(yaml_mark_find(text, strlen(text), (const char *[]){"global", "x"}, 2,
				    &line, &col));
	assert_false(yaml_mark_find("a: [", 4, (const char *[]){"b"}, 1, &line, &col));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_request_round_trips_by_name),
		cmocka_unit_test(test_known_names_and_unknown_ones),
		cmocka_unit_test(test_action_flags_only_on_mutations),
		cmocka_unit_test(test_yaml_mark_finds_nested_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
