/* Unit tests for core/yaml_file: absent, unreadable and malformed files, and messages
 * placed at a key's line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/xalloc.h"
#include "core/yaml_file.h"
#include "tests/support/tmpdir.h"

static char dir[128];

static int setup(void **state)
{
	(void)state;
	test_tmp_template(dir, sizeof dir, "opsdeck-yamlfile.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static char *write_file(const char *text)
{
	char *path = xasprintf("%s/platform.yaml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static int error_at(const struct yaml_file *y, const char *const *keys, size_t n, char *err,
		    size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = yaml_file_verror(y, keys, n, err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static void test_load_and_place(void **state)
{
	(void)state;
	char err[512] = "";
	struct yaml_file y;
	char *absent = xasprintf("%s/none.yaml", dir);
	assert_int_equal(yaml_file_load(&y, absent, err, sizeof err), 0);
	free(absent);

	char *path = write_file("argocd:\n  server: x\nprometheus:\n  url: 42\n");
	assert_int_equal(yaml_file_load(&y, path, err, sizeof err), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(y.doc, "argocd"),
								 "server")), "x");
	const char *keys[] = {"prometheus", "url"};
	assert_int_equal(error_at(&y, keys, 2, err, sizeof err, "url must be a %s", "string"), -1);
	char *want = xasprintf("%s:4:3: url must be a string", path);
	assert_string_equal(err, want);
	free(want);
	const char *nowhere[] = {"scanners"};
	error_at(&y, nowhere, 1, err, sizeof err, "no scanners");
	want = xasprintf("%s: no scanners", path);
	assert_string_equal(err, want);
	free(want);
	yaml_file_free(&y);
	free(path);
}

static void test_malformed(void **state)
{
	(void)state;
	char err[512] = "";
	struct yaml_file y;
	char *path = write_file("a: 1\n  b: 2\n");
	assert_int_equal(yaml_file_load(&y, path, err, sizeof err), -1);
	char *want = xasprintf("%s:2:", path);
	assert_non_null(strstr(err, want));
	free(want);
	assert_null(y.text);
	assert_null(y.doc);
	free(path);
	/* a directory is not a file */
	assert_int_equal(yaml_file_load(&y, dir, err, sizeof err), -1);
	assert_non_null(strstr(err, "Is a directory"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_and_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
