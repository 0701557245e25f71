/* Unit tests for core/filemode (who else may read or write a credentials file), the
 * kubeconfig loader's use of it (refuse world-writable, warn on readable inline
 * secrets, nothing for a private file or one without secrets), and the key-path
 * positions kubeconfig errors now carry (yaml_mark_keypath). */
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

#include "clients/kubeconfig.h"
#include "core/filemode.h"
#include "core/yaml_mark.h"
#include "tests/support/tmpdir.h"

struct fixture {
	char dir[256];
	char path[300];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	test_tmp_template(f->dir, sizeof f->dir, "opsdeck-filemode.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/config", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_exposure_by_mode(void **state)
{
	struct fixture *f = *state;
	static const struct {
		mode_t mode;
		enum filemode_exposure want;
	} cases[] = {
		{0600, FILEMODE_PRIVATE},  {0400, FILEMODE_PRIVATE}, {0700, FILEMODE_PRIVATE},
		{0640, FILEMODE_READABLE}, {0604, FILEMODE_READABLE}, {0620, FILEMODE_READABLE},
		{0644, FILEMODE_READABLE}, {0602, FILEMODE_WRITABLE}, {0666, FILEMODE_WRITABLE},
		{0777, FILEMODE_WRITABLE},
	};
	write_file(f->path, "x\n", 0600);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(chmod(f->path, cases[i].mode), 0);
		unsigned mode = 1;
		assert_int_equal(filemode_exposure(f->path, &mode), cases[i].want);
		assert_int_equal(mode, cases[i].mode);
	}
	unsigned mode = 1;
	assert_int_equal(filemode_exposure("/nonexistent/opsdeck-x", &mode), FILEMODE_PRIVATE);
	assert_int_equal(mode, 0);
	assert_int_equal(filemode_exposure(f->path, NULL), FILEMODE_WRITABLE);
}

static void test_check_messages(void **state)
{
	struct fixture *f = *state;
	char msg[512], want[600];
	write_file(f->path, "x\n", 0666);
	assert_int_equal(filemode_check(f->path, "run its exec plugin", msg, sizeof msg),
			 FILEMODE_WRITABLE);
	snprintf(want, sizeof want,
		 "%s is writable by others (mode 0666): refusing to run its exec plugin", f->path);
	assert_string_equal(msg, want);
	assert_int_equal(chmod(f->path, 0644), 0);
	assert_int_equal(filemode_check(f->path, "read its credentials", msg, sizeof msg),
			 FILEMODE_READABLE);
	snprintf(want, sizeof want, "%s holds credentials and is readable by others "
		 "(mode 0644); chmod 600 it", f->path);
	assert_string_equal(msg, want);
	assert_int_equal(chmod(f->path, 0600), 0);
	strcpy(msg, "stale");
	assert_int_equal(filemode_check(f->path, "read its credentials", msg, sizeof msg),
			 FILEMODE_PRIVATE);
	assert_string_equal(msg, "");
}

static const char kc_token[] =
	"clusters:\n- name: c\n  cluster: {server: \"https://127.0.0.1:1\"}\n"
	"users:\n- name: u\n  user: {token: secret}\n"
	"contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n";
static const char kc_exec[] =
	"users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, "
	"command: /bin/true}\ncontexts:\n- name: x\n  context: {user: u}\n";
static const char kc_plain[] =
	"clusters:\n- name: c\n  cluster: {server: \"https://127.0.0.1:1\"}\n"
	"contexts:\n- name: x\n  context: {cluster: c}\n";

/* loads path; returns kubeconfig_load's result, with the warning (or "") in warn */
static int load(const char *path, char *err, size_t errlen, char *warn, size_t warnlen)
{
	struct kubeconfig *kc = NULL;
	err[0] = warn[0] = '\0';
	int rc = kubeconfig_load(path, &kc, err, errlen);
	if (rc == 0 && kc->warning)
		snprintf(warn, warnlen, "%s", kc->warning);
	kubeconfig_free(kc);
	return rc;
}

static void test_kubeconfig_modes(void **state)
{
	struct fixture *f = *state;
	char err[512], warn[512];
	write_file(f->path, kc_token, 0600);
	assert_int_equal(load(f->path, err, sizeof err, warn, sizeof warn), 0);
	assert_string_equal(warn, "");

	assert_int_equal(chmod(f->path, 0644), 0);
	assert_int_equal(load(f->path, err, sizeof err, warn, sizeof warn), 0);
	assert_non_null(strstr(warn, "holds credentials and is readable by others (mode 0644)"));
	assert_true(strncmp(warn, "kubeconfig ", 11) == 0);

	assert_int_equal(chmod(f->path, 0666), 0);
	assert_int_equal(load(f->path, err, sizeof err, warn, sizeof warn), -1);
	assert_non_null(strstr(err, "is writable by others (mode 0666): refusing to read its "
				    "credentials"));

	write_file(f->path, kc_exec, 0646);
	assert_int_equal(load(f->path, err, sizeof err, warn, sizeof warn), -1);
	assert_non_null(strstr(err, "refusing to run its exec plugin"));
	/* an exec plugin holds no secret: readable is fine */
	assert_int_equal(chmod(f->path, 0644), 0);
	assert_int_equal(load(f->path, err, sizeof err, warn, sizeof warn), 0);
	assert_string_equal(warn, "");

	/* no credentials at all: any mode loads */
	write_file(f->path, kc_plain, 0666);
	assert_int_equal(load(f->path, err, sizeof err, warn, sizeof warn), 0);
	assert_string_equal(warn, "");
}

static void test_kubeconfig_error_positions(void **state)
{
	struct fixture *f = *state;
	char err[512], warn[512], want[600];
	write_file(f->path, "clusters:\n- name: a\n  cluster: {server: x}\n- name: b\n"
		   "  cluster:\n    server: [1]\n", 0600);
	assert_int_equal(load(f->path, err, sizeof err, warn, sizeof warn), -1);
	snprintf(want, sizeof want, "kubeconfig %s:6:5: clusters[1] (name \"b\"): server must "
		 "be a string", f->path);
	assert_string_equal(err, want);

	write_file(f->path, "users:\n- name: u\n  user:\n    exec:\n      command: x\n"
		   "      args: 5\n", 0600);
	assert_int_equal(load(f->path, err, sizeof err, warn, sizeof warn), -1);
	assert_non_null(strstr(err, ":6:7: users[0] (name \"u\"): exec: args is not a list"));

	write_file(f->path, "contexts: 5\n", 0600);
	assert_int_equal(load(f->path, err, sizeof err, warn, sizeof warn), -1);
	assert_non_null(strstr(err, ":1:1: contexts is not a list"));

	/* a directory is named as such, not as an I/O error */
	assert_int_equal(load(f->dir, err, sizeof err, warn, sizeof warn), -1);
	assert_non_null(strstr(err, "Is a directory"));
}

static void test_yaml_mark_keypath(void **state)
{
	(void)state;
	static const char text[] = "a:\n  - x: 1\n  - x: 2\n    y:\n      z: [1, 2]\nb: 3\n";
	int line = 0, col = 0;
	assert_true(yaml_mark_keypath(text, sizeof text - 1, "a[1].y.z", &line, &col));
	assert_int_equal(line, 5);
	assert_int_equal(col, 7);
	assert_true(yaml_mark_keypath(text, sizeof text - 1, "a[0].x", &line, &col));
	assert_int_equal(line, 2);
	assert_int_equal(col, 5);
	assert_true(yaml_mark_keypath(text, sizeof text - 1, "b", &line, &col));
	assert_int_equal(line, 6);
	/* a path that stops short gives the last key found; none found gives false */
	assert_true(yaml_mark_keypath(text, sizeof text - 1, "a[1].nope", &line, &col));
	assert_int_equal(line, 3);
	assert_false(yaml_mark_keypath(text, sizeof text - 1, "nope", &line, &col));
	assert_false(yaml_mark_keypath("a: [", 4, "a", &line, &col));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exposure_by_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kubeconfig_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kubeconfig_error_positions, setup, teardown),
		cmocka_unit_test(test_yaml_mark_keypath),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
