/* Unit tests for tui/theme: element and colour names, the embedded themes, user themes
 * and "base:", errors with file:line:col, the mono decision, colour reduction and pair
 * planning (all without a terminal). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "tui/theme.h"
#include "tests/support/tmpdir.h"

static char user_dir[64];

/* A private user theme directory for the tests that need one. */
static int setup_dir(void **state)
{
	(void)state;
	test_tmp_template(user_dir, sizeof(user_dir), "opsdeck-theme-XXXXXX");
	return mkdtemp(user_dir) ? 0 : -1;
}

static void put_theme(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s.yaml", user_dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int teardown_dir(void **state)
{
	(void)state;
	const char *names[] = {"custom", "dark", "light", "loop-a", "loop-b", "bad"};
	char path[128];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s.yaml", user_dir, names[i]);
		unlink(path);
	}
	return rmdir(user_dir);
}

static void test_element_and_color_names(void **state)
{
	(void)state;
	for (int i = 0; i < THEME_ELEMENT_COUNT; i++) {
		enum theme_element el = THEME_ELEMENT_COUNT;
		assert_true(theme_element_from_name(theme_element_name((enum theme_element)i), &el));
		assert_int_equal(el, i);
	}
	enum theme_element el;
	assert_false(theme_element_from_name("rows-selected", &el));
	assert_null(theme_element_name(THEME_ELEMENT_COUNT));
	const struct {
		const char *name;
		short value;
	} good[] = {{"default", -1}, {"black", 0}, {"red", 1}, {"white", 7}, {"bright-red", 9},
		    {"grey", 8}, {"bright-white", 15}, {"0", 0}, {"208", 208}, {"255", 255}};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		short c = 99;
		assert_true(theme_color_from_name(good[i].name, &c));
		assert_int_equal(c, good[i].value);
	}
	const char *bad[] = {"256", "-1", "purple", "bright-", "", "1a", "0x10", "Red"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		short c = 99;
		assert_false(theme_color_from_name(bad[i], &c));
	}
}

static void test_embedded_themes_load_and_inherit(void **state)
{
	(void)state;
	const char *names[] = {"dark", "light", "mono", "high-contrast"};
	char err[512];
	for (size_t i = 0; i < 4; i++) {
		err[0] = '\0';
		struct theme *t = theme_load(names[i], "/nonexistent", err, sizeof err);
		if (!t)
			fail_msg("%s: %s", names[i], err);
		assert_string_equal(t->name, names[i]);
		theme_free(t);
	}
	struct theme *mono = theme_load("mono", "/nonexistent", err, sizeof err);
	for (int i = 0; i < THEME_ELEMENT_COUNT; i++) {
		assert_int_equal(mono->styles[i].fg, THEME_COLOR_DEFAULT);
		assert_int_equal(mono->styles[i].bg, THEME_COLOR_DEFAULT);
	}
	assert_int_equal(mono->styles[THEME_ROW_SELECTED].attrs, A_REVERSE);
	/* header-identity is not in mono.yaml: it inherits header's reverse */
	assert_int_equal(mono->styles[THEME_HEADER_IDENTITY].attrs, A_REVERSE);
	assert_true(mono->styles[THEME_STATUS_ERROR].attrs & A_UNDERLINE);
	theme_free(mono);
	struct theme *dark = theme_load("dark", "/nonexistent", err, sizeof err);
	assert_int_equal(dark->styles[THEME_ENV_PRODUCTION].bg, 160);
	assert_int_equal(dark->styles[THEME_HEADER_CONTEXT].attrs, A_BOLD);
	theme_free(dark);
	assert_null(theme_load("nosuch", "/nonexistent", err, sizeof err));
	assert_non_null(strstr(err, "nosuch"));
	assert_null(theme_load("../etc/passwd", "/nonexistent", err, sizeof err));
}

static void test_pick_mono_and_fallback_chain(void **state)
{
	(void)state;
	const char *chain[] = {NULL, "nosuch", "light", "dark"};
	assert_string_equal(theme_pick(chain, 4, NULL, true, 256, user_dir), "light");
	assert_string_equal(theme_pick(chain, 4, "", true, 256, user_dir), "light");
	assert_string_equal(theme_pick(chain, 4, "1", true, 256, user_dir), "mono");
	assert_string_equal(theme_pick(chain, 4, NULL, false, 256, user_dir), "mono");
	assert_string_equal(theme_pick(chain, 4, NULL, true, 2, user_dir), "mono");
	assert_string_equal(theme_pick(chain, 2, NULL, true, 8, user_dir), "dark");
	assert_string_equal(theme_pick(NULL, 0, NULL, true, 8, user_dir), "dark");
	const char *prod[] = {"high-contrast", "light"};
	assert_string_equal(theme_pick(prod, 2, NULL, true, 8, user_dir), "high-contrast");
	put_theme("custom", "elements:\n  row: {fg: red}\n");
	const char *mine[] = {"custom"};
	assert_string_equal(theme_pick(mine, 1, NULL, true, 256, user_dir), "custom");
	assert_string_equal(theme_pick(mine, 1, NULL, true, 256, "/nonexistent"), "dark");
}

static void test_user_themes_override_and_base(void **state)
{
	(void)state;
	char err[512] = "";
	put_theme("light", "elements:\n  row: {fg: red}\n");
	struct theme *t = theme_load("light", user_dir, err, sizeof err);
	assert_non_null(t);
	assert_int_equal(t->styles[THEME_ROW].fg, 1);
	/* the user's light replaced the embedded one whole: no header colours */
	assert_int_equal(t->styles[THEME_HEADER].bg, THEME_COLOR_DEFAULT);
	assert_int_equal(t->styles[THEME_STATUS_OK].fg, 1); /* inherits row */
	theme_free(t);

	put_theme("dark", "base: dark\nelements:\n  row-selected: {fg: 16, bg: 214, attrs: [bold]}\n");
	t = theme_load("dark", user_dir, err, sizeof err);
	if (!t)
		fail_msg("%s", err);
	assert_int_equal(t->styles[THEME_ROW_SELECTED].bg, 214);
	assert_int_equal(t->styles[THEME_ROW_SELECTED].attrs, A_BOLD);
	assert_int_equal(t->styles[THEME_HEADER].bg, 236); /* from the embedded dark */
	theme_free(t);

	put_theme("custom", "base: light\n");
	t = theme_load("custom", user_dir, err, sizeof err);
	assert_non_null(t);
	assert_int_equal(t->styles[THEME_ROW].fg, 1); /* the user's light */
	assert_string_equal(t->name, "custom");
	theme_free(t);

	put_theme("loop-a", "base: loop-b\n");
	put_theme("loop-b", "base: loop-a\n");
	assert_null(theme_load("loop-a", user_dir, err, sizeof err));
	assert_non_null(strstr(err, "too deep"));
	assert_non_null(strstr(err, "loop-a.yaml:1:1: base theme:"));
}

static void theme_error(const char *text, const char *expect)
{
	char err[512] = "";
	struct theme *t = theme_parse_text("t", "t.yaml", text, strlen(text), "/nonexistent", err,
					   sizeof err);
	assert_null(t);
	if (!strstr(err, expect))
		fail_msg("error '%s' lacks '%s'", err, expect);
}

static void test_errors_name_file_line_column(void **state)
{
	(void)state;
	theme_error("elements:\n  row: {fg: red}\n  rows: {fg: red}\n",
		    "t.yaml:3:3: unknown element 'rows'");
	theme_error("elements:\n  row:\n    fg: red\n    bg: purple\n",
		    "t.yaml:4:5: bg of 'row': not a colour");
	theme_error("elements:\n  row: {fg: 300}\n", "t.yaml:2:9: fg of 'row'");
	theme_error("elements:\n  row: {attrs: [bold, blink]}\n", "t.yaml:2:9: attrs of 'row'");
	theme_error("elements:\n  row: {colour: red}\n", "t.yaml:2:9: 'row': unknown field");
	theme_error("elements:\n  row: red\n", "t.yaml:2:3: 'row' must be a mapping");
	theme_error("- a\n", "t.yaml:1:1: a theme is a mapping");
	theme_error("elements: {row: [\n", "t.yaml:");
	theme_error("base: nosuch\n", "t.yaml:1:1: base theme: theme 'nosuch'");
	char err[256] = "";
	const char *text = "elements:\n  row: {attrs: \"bold, underline\"}\n";
	struct theme *t = theme_parse_text("t", "t.yaml", text, strlen(text), "/nonexistent", err,
					   sizeof err);
	assert_non_null(t);
	assert_int_equal(t->styles[THEME_ROW].attrs, A_BOLD | A_UNDERLINE);
	theme_free(t);
}

static void test_color_reduction(void **state)
{
	(void)state;
	assert_int_equal(theme_color_reduce(100, 256), 100);
	assert_int_equal(theme_color_reduce(12, 16), 12);
	assert_int_equal(theme_color_reduce(-1, 8), -1);
	assert_int_equal(theme_color_reduce(5, 8), 5);
	assert_int_equal(theme_color_reduce(9, 8), COLOR_RED);
	assert_int_equal(theme_color_reduce(15, 8), COLOR_WHITE);
	assert_int_equal(theme_color_reduce(208, 8), COLOR_RED);    /* orange (5,2,0) */
	assert_int_equal(theme_color_reduce(214, 8), COLOR_YELLOW); /* (5,3,0) */
	assert_int_equal(theme_color_reduce(33, 8), COLOR_BLUE);    /* (0,2,5) */
	assert_int_equal(theme_color_reduce(28, 8), COLOR_GREEN);   /* (0,2,0) */
	assert_int_equal(theme_color_reduce(37, 8), COLOR_CYAN);    /* (0,3,3) */
	assert_int_equal(theme_color_reduce(16, 8), COLOR_BLACK);
	assert_int_equal(theme_color_reduce(231, 8), COLOR_WHITE);
	assert_int_equal(theme_color_reduce(59, 8), COLOR_BLACK);   /* dim grey (1,1,1) */
	assert_int_equal(theme_color_reduce(236, 8), COLOR_BLACK);
	assert_int_equal(theme_color_reduce(252, 8), COLOR_WHITE);
	assert_int_equal(theme_color_reduce(160, 16), COLOR_RED);
	assert_int_equal(theme_color_reduce(5, 0), THEME_COLOR_DEFAULT);
}

static void test_plan_pairs_mono_and_contrast(void **state)
{
	(void)state;
	char err[256];
	struct theme *dark = theme_load("dark", "/nonexistent", err, sizeof err);
	struct theme_plan_entry plan[THEME_ELEMENT_COUNT];

	theme_plan(dark, 0, 0, true, plan);
	for (int i = 0; i < THEME_ELEMENT_COUNT; i++) {
		assert_int_equal(plan[i].pair, 0);
		assert_int_equal(plan[i].attrs, dark->styles[i].attrs);
	}

	theme_plan(dark, 256, 256, true, plan);
	assert_int_equal(plan[THEME_DEFAULT].pair, 0);
	assert_int_not_equal(plan[THEME_HEADER].pair, 0);
	assert_int_equal(plan[THEME_HEADER].fg, 252);
	/* same fg/bg share a pair; different ones do not */
	assert_int_equal(plan[THEME_STATUS_OK].pair, plan[THEME_SYNC_SYNCED].pair);
	assert_int_not_equal(plan[THEME_STATUS_OK].pair, plan[THEME_STATUS_WARN].pair);

	/* 8 colours: header (252 on 236) would be black on black: fg turns white */
	theme_plan(dark, 8, 64, true, plan);
	assert_int_equal(plan[THEME_HEADER].bg, COLOR_BLACK);
	assert_int_equal(plan[THEME_HEADER].fg, COLOR_WHITE);
	assert_int_equal(plan[THEME_ENV_PRODUCTION].bg, COLOR_RED);
	assert_int_equal(plan[THEME_STATUS_OK].bg, THEME_COLOR_DEFAULT);

	/* without use_default_colors, default becomes white on black */
	theme_plan(dark, 8, 64, false, plan);
	assert_int_equal(plan[THEME_ROW].bg, COLOR_BLACK);

	/* too few pairs: the rest draw with pair 0 */
	theme_plan(dark, 256, 3, true, plan);
	int used = 0;
	for (int i = 0; i < THEME_ELEMENT_COUNT; i++) {
		assert_true(plan[i].pair >= 0 && plan[i].pair < 3);
		used |= 1 << plan[i].pair;
	}
	assert_int_equal(used, 7);
	theme_free(dark);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_element_and_color_names),
		cmocka_unit_test(test_embedded_themes_load_and_inherit),
		cmocka_unit_test(test_pick_mono_and_fallback_chain),
		cmocka_unit_test(test_user_themes_override_and_base),
		cmocka_unit_test(test_errors_name_file_line_column),
		cmocka_unit_test(test_color_reduction),
		cmocka_unit_test(test_plan_pairs_mono_and_contrast),
	};
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
