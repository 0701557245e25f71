/* Unit tests for core/config: defaults, per-context rules by name and glob, errors
 * naming file:line:col or the key path, and favourites saved atomically. */
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

#include "core/config.h"
#include "core/xalloc.h"
#include "tests/support/tmpdir.h"

static struct config *parse(const char *text, char *err, size_t errlen)
{
	return config_parse("config.yaml", text, strlen(text), err, errlen);
}

static char *make_tmpdir(void)
{
	char dir_buf[256];
	char *dir = xstrdup(test_tmp_template(dir_buf, sizeof(dir_buf), "opsdeck-test-config-XXXXXX"));
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static size_t count_entries(const char *dir)
{
	char *ls = xasprintf("ls -A '%s' | wc -l", dir);
	FILE *p = popen(ls, "r");
	int n = -1;
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	free(ls);
	return (size_t)n;
}

static void test_defaults(void **state)
{
	(void)state;
	char err[256];
	struct config *c = parse("", err, sizeof(err));
	assert_non_null(c);
	struct config_context cc;
	config_context_get(c, "anything", &cc);
	assert_false(cc.readonly);
	assert_false(cc.protected_);
	assert_string_equal(cc.theme, "dark");
	assert_int_equal(config_coalesce_ms(c), 50);
	config_free(c);
}

static const char sample[] =
	"defaults:\n"
	"  theme: light\n"
	"  coalesce_ms: 100\n"
	"contexts:\n"
	"  - name: \"*-prd\"\n"
	"    protected: true\n"
	"    theme: prod-red\n"
	"  - name: payments-prd\n"
	"    theme: high-contrast\n"
	"    readonly: false\n"
	"  - name: audit-*\n"
	"    readonly: true\n"
	"  - name: kind-dev\n"
	"    theme: mono\n";

static void test_context_rules(void **state)
{
	(void)state;
	char err[256];
	struct config *c = parse(sample, err, sizeof(err));
	assert_non_null(c);
	struct config_context cc;
	assert_string_equal(config_default_theme(c), "light");
	assert_int_equal(config_coalesce_ms(c), 100);
	/* Glob match. */
	config_context_get(c, "orders-prd", &cc);
	assert_true(cc.protected_);
	assert_false(cc.readonly);
	assert_string_equal(cc.theme, "prod-red");
	/* An exact entry's theme beats the glob's; readonly: false cannot drop protection. */
	config_context_get(c, "payments-prd", &cc);
	assert_true(cc.protected_);
	assert_string_equal(cc.theme, "high-contrast");
	config_context_get(c, "audit-eu", &cc);
	assert_true(cc.readonly);
	assert_false(cc.protected_);
	assert_string_equal(cc.theme, "light");
	config_context_get(c, "kind-dev", &cc);
	assert_false(cc.readonly);
	assert_string_equal(cc.theme, "mono");
	/* A glob does not match by substring. */
	config_context_get(c, "orders-prd-2", &cc);
	assert_false(cc.protected_);
	config_free(c);
}

static void test_cluster_sets(void **state)
{
	(void)state;
	char err[256];
	struct config *c = parse("cluster_sets:\n"
				 "  prod: [prod-eu, prod-us]\n"
				 "  edge:\n"
				 "    - \"edge-*\"\n", err, sizeof(err));
	assert_non_null(c);
	assert_string_equal(config_cluster_set(c, "prod"), "prod-eu,prod-us");
	assert_string_equal(config_cluster_set(c, "edge"), "edge-*");
	assert_null(config_cluster_set(c, "dev"));
	assert_null(config_cluster_set(c, NULL));
	assert_non_null(config_cluster_set_name(c, 1));
	assert_null(config_cluster_set_name(c, 2));
	config_free(c);
}

static void test_syntax_error_names_position(void **state)
{
	(void)state;
	char err[256];
	struct config *c = parse("defaults:\n  theme: [dark\n", err, sizeof(err));
	assert_null(c);
	assert_non_null(strstr(err, "config.yaml:"));
	/* file:line:col: the line is a number after the name. */
	int line = 0, col = 0;
	assert_int_equal(sscanf(err, "config.yaml:%d:%d:", &line, &col), 2);
	assert_true(line >= 2);
}

static void test_semantic_errors_name_key(void **state)
{
	(void)state;
	char err[256];
	struct {
		const char *text, *want;
	} cases[] = {
		{ "contexts:\n  - name: a\n    readonly: yes please\n",
		  "config.yaml:3:5: contexts[0].readonly: expected true or false" },
		{ "contexts:\n  - name: a\n  - readOnly: true\n    name: b\n",
		  "config.yaml:3:5: contexts[1].readOnly: unknown key" },
		{ "contexts:\n  - theme: x\n", "config.yaml:2:5: contexts[0]: missing name" },
		{ "contexts: {}\n", "config.yaml:1:1: contexts: expected a list" },
		{ "defaults:\n  coalesce_ms: -5\n",
		  "config.yaml:2:3: defaults.coalesce_ms: expected" },
		{ "\ndefaults:\n    theme: \"\"\n",
		  "config.yaml:3:5: defaults.theme: expected a non-empty" },
		{ "colours: 1\n", "config.yaml:1:1: colours: unknown key" },
		{ "cluster_sets:\n  prod: prod-eu\n",
		  "config.yaml:2:3: cluster_sets.prod: expected a list" },
		{ "cluster_sets:\n  prod:\n    - prod-eu\n    - 'a,b'\n",
		  "config.yaml:4:7: cluster_sets.prod[1]: expected a context" },
		{ "- a\n", "config.yaml: (top level): expected a mapping" },
		{ "logs:\n  buffer_lines: 10\n",
		  "config.yaml:2:3: logs.buffer_lines: expected an integer 1000..10000000" },
		{ "logs:\n  fields: [msg, 3]\n", "config.yaml:2:17: logs.fields[1]: expected" },
		{ "logs:\n  follow: true\n", "config.yaml:2:3: logs.follow: unknown key" },
		{ "logs: [1]\n", "config.yaml:1:1: logs: expected a mapping" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config *c = parse(cases[i].text, err, sizeof(err));
		if (c)
			fail_msg("case %zu parsed", i);
		if (strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s...\"", i, err, cases[i].want);
	}
}

static void test_logs_settings(void **state)
{
	(void)state;
	char err[256];
	struct config *c = parse("", err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(config_logs(c)->buffer_lines, 100000);
	assert_int_equal(config_logs(c)->tail_lines, 200);
	assert_int_equal(config_logs(c)->nfields, 0);
	config_free(c);
	c = parse("logs:\n  buffer_lines: 5000\n  tail_lines: -1\n"
		  "  fields: [user.id, status]\n", err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(config_logs(c)->buffer_lines, 5000);
	assert_int_equal(config_logs(c)->tail_lines, -1);
	assert_int_equal(config_logs(c)->nfields, 2);
	assert_string_equal(config_logs(c)->fields[0], "user.id");
	assert_string_equal(config_logs(c)->fields[1], "status");
	config_free(c);
}

static void test_load_absent_and_present(void **state)
{
	(void)state;
	char err[256];
	char *dir = make_tmpdir();
	char *path = xasprintf("%s/config.yaml", dir);
	struct config *c = config_load(path, err, sizeof(err));
	assert_non_null(c);
	assert_string_equal(config_default_theme(c), "dark");
	config_free(c);
	write_file(path, sample);
	c = config_load(path, err, sizeof(err));
	assert_non_null(c);
	assert_string_equal(config_default_theme(c), "light");
	config_free(c);
	write_file(path, "contexts:\n  - name: x\n    protected: 3\n");
	c = config_load(path, err, sizeof(err));
	assert_null(c);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "contexts[0].protected"));
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
}

static void test_default_paths(void **state)
{
	(void)state;
	setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
	setenv("XDG_STATE_HOME", "/x/state", 1);
	char *p = config_default_path(), *q = config_favourites_default_path();
	assert_string_equal(p, "/x/cfg/opsdeck/config.yaml");
	assert_string_equal(q, "/x/state/opsdeck/favourites.yaml");
	free(p);
	free(q);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/u", 1);
	p = config_default_path();
	q = config_favourites_default_path();
	assert_string_equal(p, "/home/u/.config/opsdeck/config.yaml");
	assert_string_equal(q, "/home/u/.local/state/opsdeck/favourites.yaml");
	free(p);
	free(q);
}

static void test_favourites_roundtrip(void **state)
{
	(void)state;
	char err[256];
	char *dir = make_tmpdir();
	char *path = xasprintf("%s/state/opsdeck/favourites.yaml", dir);
	struct config *c = config_new();
	assert_true(config_favourites_load(c, path, err, sizeof(err)));   /* absent */
	size_t n = 99;
	assert_null(config_favourites(c, "kind-dev", &n));
	assert_int_equal(n, 0);
	assert_true(config_favourite_add(c, "kind-dev", "default"));
	assert_true(config_favourite_add(c, "kind-dev", "kube-system"));
	assert_false(config_favourite_add(c, "kind-dev", "default"));
	assert_true(config_favourite_add(c, "prod: \"eu\"", "payments-prd"));
	assert_true(config_favourite_add(c, "prod: \"eu\"", "orders"));
	assert_true(config_favourite_remove(c, "prod: \"eu\"", "orders"));
	assert_false(config_favourite_remove(c, "prod: \"eu\"", "orders"));
	assert_true(config_save_favourites(c, path, err, sizeof(err)));
	config_free(c);

	c = config_new();
	assert_true(config_favourites_load(c, path, err, sizeof(err)));
	const char *const *favs = config_favourites(c, "kind-dev", &n);
	assert_int_equal(n, 2);
	assert_string_equal(favs[0], "default");
	assert_string_equal(favs[1], "kube-system");
	favs = config_favourites(c, "prod: \"eu\"", &n);
	assert_int_equal(n, 1);
	assert_string_equal(favs[0], "payments-prd");
	assert_true(config_favourite_has(c, "kind-dev", "kube-system"));
	assert_false(config_favourite_has(c, "kind-dev", "payments-prd"));
	/* Nothing but the file is left in the directory (no temp files). */
	char *sub = xasprintf("%s/state/opsdeck", dir);
	assert_int_equal(count_entries(sub), 1);
	config_free(c);
	unlink(path);
	rmdir(sub);
	free(sub);
	sub = xasprintf("%s/state", dir);
	rmdir(sub);
	rmdir(dir);
	free(sub);
	free(path);
	free(dir);
}

/* The rename cannot replace a directory: the save fails, leaves no temp file, and what
 * was at the path is untouched. (Works as root too, unlike a read-only directory.) */
static void test_favourites_save_failure_leaves_nothing(void **state)
{
	(void)state;
	char err[256];
	char *dir = make_tmpdir();
	char *path = xasprintf("%s/favourites.yaml", dir);
	char *inside = xasprintf("%s/keep", path);
	assert_int_equal(mkdir(path, 0700), 0);
	write_file(inside, "old");
	struct config *c = config_new();
	config_favourite_add(c, "a", "one");
	assert_false(config_save_favourites(c, path, err, sizeof(err)));
	assert_non_null(strstr(err, path));
	assert_int_equal(count_entries(dir), 1);
	assert_int_equal(count_entries(path), 1);
	config_free(c);
	unlink(inside);
	rmdir(path);
	rmdir(dir);
	free(inside);
	free(path);
	free(dir);
}

static void test_favourites_bad_file(void **state)
{
	(void)state;
	char err[256];
	char *dir = make_tmpdir();
	char *path = xasprintf("%s/favourites.yaml", dir);
	struct config *c = config_new();
	write_file(path, "favourites:\n  kind-dev: default\n");
	assert_false(config_favourites_load(c, path, err, sizeof(err)));
	assert_non_null(strstr(err, "favourites.yaml:2:3: favourites.kind-dev: expected a list"));
	write_file(path, "favourites:\n  kind-dev: [a,\n");
	assert_false(config_favourites_load(c, path, err, sizeof(err)));
	assert_non_null(strstr(err, "favourites.yaml:"));
	config_free(c);
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_context_rules),
		cmocka_unit_test(test_cluster_sets),
		cmocka_unit_test(test_syntax_error_names_position),
		cmocka_unit_test(test_semantic_errors_name_key),
		cmocka_unit_test(test_logs_settings),
		cmocka_unit_test(test_load_absent_and_present),
		cmocka_unit_test(test_default_paths),
		cmocka_unit_test(test_favourites_roundtrip),
		cmocka_unit_test(test_favourites_save_failure_leaves_nothing),
		cmocka_unit_test(test_favourites_bad_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
