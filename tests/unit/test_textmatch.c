/* Unit tests for core/textmatch: substring or regex by the characters typed, smart case
 * for both, match positions from an offset (^ only at the start), and the fallback of an
 * invalid regex to a substring with its reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/textmatch.h"

/* Compiles pattern, which must be taken as written. */
static struct textmatch *compile_ok(const char *pattern)
{
	struct textmatch *m = NULL;
	char err[128] = "junk";
	assert_true(textmatch_compile(&m, pattern, err, sizeof err));
	assert_non_null(m);
	assert_string_equal(err, "");
	return m;
}

static bool matches(const char *pattern, const char *s)
{
	struct textmatch *m = compile_ok(pattern);
	bool hit = textmatch_find(m, s, 0, NULL, NULL);
	textmatch_free(m);
	return hit;
}

/* The first match of m in s from byte from must be [so, eo). */
static void expect_at(const struct textmatch *m, const char *s, size_t from, size_t so,
		      size_t eo)
{
	size_t a = 99, b = 99;
	assert_true(textmatch_find(m, s, from, &a, &b));
	assert_int_equal(a, so);
	assert_int_equal(b, eo);
}

static void test_substring_smart_case(void **state)
{
	(void)state;
	assert_true(matches("web", "api-Web-7d4b9"));    /* lowercase: any case */
	assert_true(matches("web", "WEB"));
	assert_true(matches("Web", "api-Web-7d4b9"));    /* an uppercase letter: exact */
	assert_false(matches("Web", "api-web-7d4b9"));
	assert_false(matches("web", "wbe"));
	assert_false(matches("web", ""));
	/* characters that are not regex syntax stay literal */
	assert_true(matches("a-b/c:d", "xa-b/c:dx"));
	assert_false(matches("a-b", "a_b"));
}

static void test_substring_positions(void **state)
{
	(void)state;
	struct textmatch *m = compile_ok("bc");
	expect_at(m, "abcabc", 0, 1, 3);
	expect_at(m, "abcabc", 1, 1, 3);
	expect_at(m, "abcabc", 2, 4, 6);
	assert_false(textmatch_find(m, "abcabc", 5, NULL, NULL));
	assert_false(textmatch_find(m, "abcabc", 6, NULL, NULL));
	textmatch_free(m);
	m = compile_ok("bc"); /* case-insensitive positions too */
	expect_at(m, "aBCabc", 0, 1, 3);
	textmatch_free(m);
	m = compile_ok("BC");
	expect_at(m, "abcaBC", 0, 4, 6);
	textmatch_free(m);
}

static void test_regex(void **state)
{
	(void)state;
	assert_true(matches("1.2", "v1x2"));              /* '.' makes it a regex */
	assert_false(matches("1-2", "v1x2"));
	assert_true(matches("^web-[0-9]+$", "web-12"));
	assert_false(matches("^web-[0-9]+$", "web-12x"));
	assert_true(matches("crash|oom", "OOMKilled"));   /* smart case */
	assert_false(matches("crash|OOM", "oomkilled"));
	assert_true(matches("crash|OOM", "OOMKilled"));
	assert_true(matches("a\\.b", "a.b"));             /* a backslash escapes */
	assert_false(matches("a\\.b", "axb"));
	assert_true(matches("(ab){2}", "xababx"));
	assert_true(matches("ab?c", "ac"));
	assert_true(matches("a*", ""));
}

static void test_regex_positions(void **state)
{
	(void)state;
	struct textmatch *m = compile_ok("a+");
	expect_at(m, "xaaayaa", 0, 1, 4);
	expect_at(m, "xaaayaa", 4, 5, 7);
	assert_false(textmatch_find(m, "xaaayaa", 7, NULL, NULL));
	textmatch_free(m);
	/* ^ anchors at the start of the string, not at an offset into it */
	m = compile_ok("^a");
	expect_at(m, "aaa", 0, 0, 1);
	assert_false(textmatch_find(m, "aaa", 1, NULL, NULL));
	textmatch_free(m);
	/* an empty match is a match */
	m = compile_ok("x*");
	expect_at(m, "abc", 1, 1, 1);
	textmatch_free(m);
}

static void test_invalid_regex_falls_back(void **state)
{
	(void)state;
	struct textmatch *m = NULL;
	char err[128] = "";
	assert_false(textmatch_compile(&m, "f(x", err, sizeof err));
	assert_non_null(m);
	assert_true(strlen(err) > 0);
	/* matched as plain text, smart case still applies */
	expect_at(m, "call F(x) now", 0, 5, 8);
	assert_false(textmatch_find(m, "f x", 0, NULL, NULL));
	textmatch_free(m);
	m = NULL;
	assert_false(textmatch_compile(&m, "[A", NULL, 0));
	assert_true(textmatch_find(m, "x[Ay", 0, NULL, NULL));
	assert_false(textmatch_find(m, "x[ay", 0, NULL, NULL));
	textmatch_free(m);
	/* a reason cut to the room given */
	m = NULL;
	char small[4] = "zzz";
	assert_false(textmatch_compile(&m, "*(", small, sizeof small));
	assert_true(strlen(small) < sizeof small);
	textmatch_free(m);
}

static void test_empty_pattern(void **state)
{
	(void)state;
	struct textmatch *m = compile_ok("");
	expect_at(m, "abc", 0, 0, 0);
	expect_at(m, "abc", 2, 2, 2);
	expect_at(m, "", 0, 0, 0);
	textmatch_free(m);
	m = compile_ok(NULL);
	assert_true(textmatch_find(m, "anything", 0, NULL, NULL));
	textmatch_free(m);
	textmatch_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_substring_smart_case),
		cmocka_unit_test(test_substring_positions),
		cmocka_unit_test(test_regex),
		cmocka_unit_test(test_regex_positions),
		cmocka_unit_test(test_invalid_regex_falls_back),
		cmocka_unit_test(test_empty_pattern),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
