/* Unit tests for tui/glyphs: codeset detection, table choice by locale, table contents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <string.h>
#include <cmocka.h>

#include "tui/glyphs.h"

static void test_codeset_detection(void **state)
{
	(void)state;
	assert_true(glyphs_codeset_is_utf8("UTF-8"));
	assert_true(glyphs_codeset_is_utf8("utf-8"));
	assert_true(glyphs_codeset_is_utf8("utf8"));
	assert_false(glyphs_codeset_is_utf8("ANSI_X3.4-1968"));
	assert_false(glyphs_codeset_is_utf8("ISO-8859-1"));
	assert_false(glyphs_codeset_is_utf8("UTF-16"));
	assert_false(glyphs_codeset_is_utf8(""));
	assert_false(glyphs_codeset_is_utf8(NULL));
}

static void test_tables(void **state)
{
	(void)state;
	glyphs_use_utf8(false);
	assert_false(glyphs_utf8());
	for (int i = 0; i < GLYPH_COUNT; i++) {
		const char *g = glyph((enum glyph)i);
		assert_true(strlen(g) >= 1);
		for (const char *p = g; *p; p++)
			assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
	}
	assert_string_equal(glyph(GLYPH_REPLACEMENT), "?");
	assert_string_equal(glyph(GLYPH_SORT_ASC), "^");
	assert_string_equal(glyph(GLYPH_COUNT), "");

	glyphs_use_utf8(true);
	assert_true(glyphs_utf8());
	assert_string_equal(glyph(GLYPH_REPLACEMENT), "\xef\xbf\xbd");
	assert_string_equal(glyph(GLYPH_HLINE), "\xe2\x94\x80");
	assert_string_equal(glyph(GLYPH_SORT_DESC), "\xe2\x96\xbc");
	assert_string_equal(glyph(GLYPH_ELLIPSIS), "\xe2\x80\xa6");
	int non_ascii = 0;
	for (int i = 0; i < GLYPH_COUNT; i++)
		non_ascii += ((unsigned char)glyph((enum glyph)i)[0] & 0x80) != 0;
	assert_int_equal(non_ascii, GLYPH_COUNT);
}

static void test_choice_follows_locale(void **state)
{
	(void)state;
	assert_non_null(setlocale(LC_ALL, "C"));
	assert_false(glyphs_init_from_locale());
	assert_string_equal(glyph(GLYPH_VLINE), "|");
	if (!setlocale(LC_ALL, "C.UTF-8"))
		skip();
	assert_true(glyphs_init_from_locale());
	assert_string_equal(glyph(GLYPH_VLINE), "\xe2\x94\x82");
	setlocale(LC_ALL, "C");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codeset_detection),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_choice_follows_locale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
