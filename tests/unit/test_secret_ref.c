/* Unit tests for clients/secret_ref: {env} and {file} secrets, trimmed, and every refusal
 * with its reason (a world-writable token file included). */
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

#include "clients/secret_ref.h"
#include "core/xalloc.h"
#include "tests/support/tmpdir.h"

static char dir[128];

static int setup(void **state)
{
	(void)state;
	test_tmp_template(dir, sizeof dir, "opsdeck-secret.XXXXXX");
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

static char *write_file(const char *name, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

/* Resolves {key: value}; returns the secret or NULL with why. */
static char *resolve(const char *key, const char *value, char *why, size_t len)
{
	json_t *v = json_pack("{s:s}", key, value);
	char *s = secret_ref_resolve(v, "token", why, len);
	json_decref(v);
	return s;
}

static void test_env(void **state)
{
	(void)state;
	char why[512] = "";
	setenv("OPSDECK_TEST_SECRET", "s3cr3t", 1);
	char *s = resolve("env", "OPSDECK_TEST_SECRET", why, sizeof why);
	assert_string_equal(s, "s3cr3t");
	free(s);
	unsetenv("OPSDECK_TEST_SECRET");
	assert_null(resolve("env", "OPSDECK_TEST_SECRET", why, sizeof why));
	assert_string_equal(why, "the variable OPSDECK_TEST_SECRET is not set");
}

static void test_file(void **state)
{
	(void)state;
	char why[512] = "";
	char *path = write_file("tok", "  abc.def \r\nsecond line\n", 0600);
	char *s = resolve("file", path, why, sizeof why);
	assert_string_equal(s, "abc.def");
	free(s);
	char *empty = write_file("empty", "\n", 0600);
	assert_null(resolve("file", empty, why, sizeof why));
	char *want = xasprintf("the token file %s is empty", empty);
	assert_string_equal(why, want);
	free(want);
	char *missing = xasprintf("%s/none", dir);
	assert_null(resolve("file", missing, why, sizeof why));
	want = xasprintf("cannot read the token file %s: No such file or directory", missing);
	assert_string_equal(why, want);
	free(want);
	free(missing);
	free(empty);
	free(path);
}

static void test_world_writable_refused(void **state)
{
	(void)state;
	char why[512] = "";
	char *path = write_file("open", "abc\n", 0666);
	assert_null(resolve("file", path, why, sizeof why));
	char *want = xasprintf("the token file %s is writable by others (mode 0666): refusing "
			       "to use it", path);
	assert_string_equal(why, want);
	free(want);
	/* readable by others is how mounted service-account tokens come: used */
	assert_int_equal(chmod(path, 0644), 0);
	char *s = resolve("file", path, why, sizeof why);
	assert_string_equal(s, "abc");
	free(s);
	free(path);
}

static void test_bad_shapes(void **state)
{
	(void)state;
	char why[512] = "";
	json_t *shapes[] = {json_pack("{s:s}", "path", "/x"), json_string("inline"),
			    json_pack("[s]", "x"), json_pack("{s:i}", "env", 3)};
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		assert_null(secret_ref_resolve(shapes[i], "key", why, sizeof why));
		assert_string_equal(why, "key must be {env: NAME} or {file: PATH}");
		json_decref(shapes[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env),
		cmocka_unit_test_setup_teardown(test_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_world_writable_refused, setup, teardown),
		cmocka_unit_test(test_bad_shapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
