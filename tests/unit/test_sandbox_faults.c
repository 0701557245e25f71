/* sandbox/faults: the --faults grammar (good rules, bad rules with their message), path
 * matching, phases, counts, down periods, seeded randomness and the stream cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "sandbox/faults.h"

static int add(struct faults *f, const char *spec, char *err, size_t errlen)
{
	return faults_add_spec(f, spec, 1000, err, errlen);
}

static void test_parse_full_rule(void **state)
{
	(void)state;
	struct faults f;
	faults_init(&f, 1);
	char err[256] = "";
	assert_int_equal(add(&f, "429:7@/clusters/*/pods%25#3", err, sizeof err), 0);
	assert_int_equal(f.nrules, 1);
	assert_int_equal(f.rules[0].kind, FAULT_429);
	assert_int_equal(f.rules[0].arg, 7);
	assert_string_equal(f.rules[0].glob, "/clusters/*/pods");
	assert_true(f.rules[0].probability > 0.2499 && f.rules[0].probability < 0.2501);
	assert_int_equal(f.rules[0].count, 3);
	faults_free(&f);
}

static void test_parse_defaults_and_lists(void **state)
{
	(void)state;
	struct faults f;
	faults_init(&f, 1);
	char err[256] = "";
	/* commas and newlines separate; blanks and # comment lines are skipped; suffixes in
	 * any order */
	assert_int_equal(add(&f, " drop , gone\n# a comment\n\nslow#2@*/nodes, 503,500,"
			      "truncate,garbage,expired,429,down@/x", err, sizeof err), 0);
	assert_int_equal(f.nrules, 10);
	static const struct { enum fault_kind kind; long arg; long count; } want[] = {
		{FAULT_DROP, 1, -1}, {FAULT_GONE, 0, -1}, {FAULT_SLOW, 5, 2},
		{FAULT_503, 0, -1}, {FAULT_500, 0, -1}, {FAULT_TRUNCATE, 0, -1},
		{FAULT_GARBAGE, 0, -1}, {FAULT_EXPIRED, 0, -1}, {FAULT_429, 1, -1},
		{FAULT_DOWN, 10, 1},
	};
	for (size_t i = 0; i < 10; i++) {
		assert_int_equal(f.rules[i].kind, want[i].kind);
		assert_int_equal(f.rules[i].arg, want[i].arg);
		assert_int_equal(f.rules[i].count, want[i].count);
		assert_true(f.rules[i].probability >= 1.0);
	}
	assert_string_equal(f.rules[2].glob, "*/nodes");
	assert_null(f.rules[0].glob);
	/* a triggered down rule does not start a down period on load */
	assert_false(faults_down(&f, 1000));
	faults_free(&f);
}

static void expect_bad(const char *spec, const char *why)
{
	struct faults f;
	faults_init(&f, 1);
	assert_int_equal(add(&f, "503", NULL, 0), 0);
	char err[256] = "";
	assert_int_equal(add(&f, spec, err, sizeof err), -1);
	if (!strstr(err, why))
		fail_msg("spec \"%s\": message \"%s\" lacks \"%s\"", spec, err, why);
	/* nothing of a bad spec is added, not even its good rules */
	assert_int_equal(f.nrules, 1);
	faults_free(&f);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_bad("404", "fault \"404\": unknown kind");
	expect_bad("slow:x", "the argument must be a number from 0 to 3600");
	expect_bad("slow:-1", "the argument must be a number");
	expect_bad("slow:99999", "from 0 to 3600");
	expect_bad("503:2", "takes no argument");
	expect_bad("503%0", "%PERCENT must be a number above 0");
	expect_bad("503%101", "%PERCENT");
	expect_bad("503%", "%PERCENT");
	expect_bad("503#0", "#COUNT must be a number from 1");
	expect_bad("503#two", "#COUNT");
	expect_bad("503@pods", "@GLOB must start with / or *");
	expect_bad("503@", "@GLOB");
	expect_bad("503@/a@/b", "given twice");
	expect_bad("drop,slow:1,bogus@/x", "fault \"bogus@/x\": unknown kind");
}

static void test_empty_spec_is_no_rules(void **state)
{
	(void)state;
	struct faults f;
	faults_init(&f, 1);
	char err[64];
	assert_int_equal(add(&f, "", err, sizeof err), 0);
	assert_int_equal(add(&f, "\n# only a comment\n", err, sizeof err), 0);
	assert_int_equal(f.nrules, 0);
	assert_false(faults_decide(&f, FAULT_PHASE_REQUEST, "/api", 0).fired);
	faults_free(&f);
}

static void test_glob_matches_path_not_query(void **state)
{
	(void)state;
	struct faults f;
	faults_init(&f, 1);
	char err[128];
	assert_int_equal(add(&f, "503@/clusters/*/api/v1/pods", err, sizeof err), 0);
	assert_true(faults_decide(&f, FAULT_PHASE_REQUEST, "/clusters/dev/api/v1/pods?limit=5",
				  0).fired);
	assert_false(faults_decide(&f, FAULT_PHASE_REQUEST, "/clusters/dev/api/v1/services",
				   0).fired);
	assert_false(faults_decide(&f, FAULT_PHASE_REQUEST,
				   "/clusters/dev/api/v1/pods/web/log", 0).fired);
	/* the query is not part of what the glob sees */
	assert_false(faults_decide(&f, FAULT_PHASE_REQUEST, "/x?p=/clusters/a/api/v1/pods",
				   0).fired);
	assert_false(faults_decide(NULL, FAULT_PHASE_REQUEST, "/clusters/dev/api/v1/pods",
				   0).fired);
	faults_free(&f);
}

static void test_phases_and_first_rule_wins(void **state)
{
	(void)state;
	struct faults f;
	faults_init(&f, 1);
	char err[128];
	assert_int_equal(add(&f, "gone:3,drop:2,500", err, sizeof err), 0);
	struct fault_hit h = faults_decide(&f, FAULT_PHASE_REQUEST, "/a", 0);
	assert_true(h.fired);
	assert_int_equal(h.kind, FAULT_500);
	h = faults_decide(&f, FAULT_PHASE_WATCH, "/a", 0);
	assert_int_equal(h.kind, FAULT_GONE);
	assert_int_equal(h.arg, 3);
	/* truncate and garbage wait for a JSON reply, and are not spent before */
	struct faults g;
	faults_init(&g, 1);
	assert_int_equal(add(&g, "garbage#1,truncate", err, sizeof err), 0);
	assert_false(faults_decide(&g, FAULT_PHASE_REQUEST, "/a", 0).fired);
	assert_false(faults_decide(&g, FAULT_PHASE_WATCH, "/a", 0).fired);
	assert_int_equal(faults_decide(&g, FAULT_PHASE_BODY, "/a", 0).kind, FAULT_GARBAGE);
	assert_int_equal(faults_decide(&g, FAULT_PHASE_BODY, "/a", 0).kind, FAULT_TRUNCATE);
	faults_free(&g);
	/* an Argo CD or log stream has no 410: gone is skipped, drop applies */
	h = faults_decide(&f, FAULT_PHASE_STREAM, "/a", 0);
	assert_int_equal(h.kind, FAULT_DROP);
	assert_int_equal(h.arg, 2);
	assert_string_equal(fault_kind_name(h.kind), "drop");
	faults_free(&f);
}

static void test_count_is_spent(void **state)
{
	(void)state;
	struct faults f;
	faults_init(&f, 1);
	char err[128];
	assert_int_equal(add(&f, "503#2,500@/only", err, sizeof err), 0);
	assert_int_equal(faults_decide(&f, FAULT_PHASE_REQUEST, "/a", 0).kind, FAULT_503);
	assert_int_equal(faults_decide(&f, FAULT_PHASE_REQUEST, "/a", 0).kind, FAULT_503);
	assert_false(faults_decide(&f, FAULT_PHASE_REQUEST, "/a", 0).fired);
	/* a spent rule lets the next one match */
	assert_int_equal(faults_decide(&f, FAULT_PHASE_REQUEST, "/only", 0).kind, FAULT_500);
	faults_free(&f);
}

static void test_down_period(void **state)
{
	(void)state;
	struct faults f;
	faults_init(&f, 1);
	char err[128];
	/* an unconditional down starts when loaded and lasts its seconds */
	assert_int_equal(faults_add_spec(&f, "down:3", 10000, err, sizeof err), 0);
	assert_true(faults_down(&f, 10000));
	struct fault_hit h = faults_decide(&f, FAULT_PHASE_REQUEST, "/a", 11000);
	assert_true(h.fired);
	assert_int_equal(h.kind, FAULT_DOWN);
	assert_int_equal(h.arg, 2); /* seconds left, rounded up */
	assert_true(faults_down(&f, 12999));
	assert_false(faults_down(&f, 13000));
	assert_false(faults_decide(&f, FAULT_PHASE_REQUEST, "/a", 13000).fired);
	/* streams are not refused by decide; they notice faults_down */
	faults_free(&f);

	faults_init(&f, 1);
	/* a triggered down starts on the first matching request, once */
	assert_int_equal(faults_add_spec(&f, "down:1@/b", 0, err, sizeof err), 0);
	assert_false(faults_decide(&f, FAULT_PHASE_REQUEST, "/a", 0).fired);
	assert_int_equal(faults_decide(&f, FAULT_PHASE_REQUEST, "/b", 500).kind, FAULT_DOWN);
	assert_int_equal(faults_decide(&f, FAULT_PHASE_REQUEST, "/a", 1000).kind, FAULT_DOWN);
	assert_false(faults_decide(&f, FAULT_PHASE_REQUEST, "/b", 1500).fired);
	faults_free(&f);
}

static void test_replace_heals(void **state)
{
	(void)state;
	struct faults f;
	faults_init(&f, 1);
	char err[128];
	assert_int_equal(faults_add_spec(&f, "503,down:60", 0, err, sizeof err), 0);
	assert_true(faults_down(&f, 1000));
	/* a bad replacement keeps what is in force */
	assert_int_equal(faults_replace_spec(&f, "nope", 1000, err, sizeof err), -1);
	assert_true(faults_down(&f, 1000));
	assert_int_equal(f.nrules, 2);
	assert_int_equal(faults_replace_spec(&f, "500@/x", 1000, err, sizeof err), 0);
	assert_false(faults_down(&f, 1000));
	assert_false(faults_decide(&f, FAULT_PHASE_REQUEST, "/a", 1000).fired);
	assert_int_equal(faults_decide(&f, FAULT_PHASE_REQUEST, "/x", 1000).kind, FAULT_500);
	assert_int_equal(faults_replace_spec(&f, "", 1000, err, sizeof err), 0);
	assert_int_equal(f.nrules, 0);
	faults_free(&f);
}

/* The pattern of hits over 200 requests for a seed, as a bit string. */
static void hit_pattern(uint64_t seed, char *out, size_t n)
{
	struct faults f;
	faults_init(&f, seed);
	char err[128];
	assert_int_equal(add(&f, "503%30", err, sizeof err), 0);
	for (size_t i = 0; i < n; i++)
		out[i] = faults_decide(&f, FAULT_PHASE_REQUEST, "/a", 0).fired ? '1' : '0';
	out[n] = '\0';
	faults_free(&f);
}

static void test_seeded_randomness(void **state)
{
	(void)state;
	char a[201], b[201], c[201];
	hit_pattern(42, a, 200);
	hit_pattern(42, b, 200);
	hit_pattern(43, c, 200);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	size_t hits = 0;
	for (size_t i = 0; i < 200; i++)
		hits += a[i] == '1';
	/* 30% of 200 is 60; a fair generator stays well inside 35..85 */
	if (hits < 35 || hits > 85)
		fail_msg("%zu hits of 200 at 30%%", hits);
}

static void test_stream_cut(void **state)
{
	(void)state;
	struct fault_stream fs = {{true, FAULT_DROP, 2}, 0};
	const char *chunk = "a\nbb\nccc\n";
	assert_false(fault_stream_due(&fs));
	/* the second newline ends what may pass */
	assert_int_equal(fault_stream_pass(&fs, chunk, strlen(chunk)), 5);
	assert_true(fault_stream_due(&fs));
	assert_int_equal(fault_stream_pass(&fs, "more\n", 5), 0);

	struct fault_stream partial = {{true, FAULT_DROP, 1}, 0};
	assert_int_equal(fault_stream_pass(&partial, "abc", 3), 3);
	assert_false(fault_stream_due(&partial));
	assert_int_equal(fault_stream_pass(&partial, "d\nef", 4), 2);
	assert_true(fault_stream_due(&partial));

	struct fault_stream none = {{false, FAULT_DROP, 0}, 0};
	assert_int_equal(fault_stream_pass(&none, chunk, strlen(chunk)), strlen(chunk));
	assert_false(fault_stream_due(&none));
	assert_int_equal(none.lines, 3);

	struct fault_stream at_once = {{true, FAULT_GONE, 0}, 0};
	assert_true(fault_stream_due(&at_once));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full_rule),
		cmocka_unit_test(test_parse_defaults_and_lists),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_empty_spec_is_no_rules),
		cmocka_unit_test(test_glob_matches_path_not_query),
		cmocka_unit_test(test_phases_and_first_rule_wins),
		cmocka_unit_test(test_count_is_spent),
		cmocka_unit_test(test_down_period),
		cmocka_unit_test(test_replace_heals),
		cmocka_unit_test(test_seeded_randomness),
		cmocka_unit_test(test_stream_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
