/* Unit tests for clients/kube_exec: exec credential plugins (shell scripts written to a
 * temp folder) run through a kubeconfig, KUBERNETES_EXEC_INFO, output checks, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clients/kube_exec.h"
#include "clients/kubeconfig.h"
#include "core/xalloc.h"
#include "tests/support/tmpdir.h"

static char tmp[64];   /* per-test scratch folder, made by setup() */

/* Writes text to tmp/rel (making parent folders) and returns the full path (caller frees). */
static char *write_file(const char *rel, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", tmp, rel);
	for (char *s = path + strlen(tmp) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

static char *tmp_path(const char *rel)
{
	return xasprintf("%s/%s", tmp, rel);
}

static void remove_tree(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* Every test gets a fresh folder as HOME and no KUBECONFIG: the developer's own
 * kubeconfig is never read. */
static int setup(void **state)
{
	(void)state;
	test_tmp_template(tmp, sizeof(tmp), "opsdeck-kubeconfig-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	char *home = tmp_path("home");
	mkdir(home, 0755);
	setenv("HOME", home, 1);
	free(home);
	unsetenv("KUBECONFIG");
	kube_exec_set_timeout_ms(30000);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	remove_tree(tmp);
	return 0;
}

static struct kubeconfig *load_text(const char *text)
{
	char *path = write_file("config.yaml", text, 0644);
	char err[512] = "";
	struct kubeconfig *kc = NULL;
	if (kubeconfig_load(path, &kc, err, sizeof(err)) != 0)
		fail_msg("load failed: %s", err);
	free(path);
	return kc;
}

static const struct kube_context *ctx_named(const struct kubeconfig *kc, const char *name)
{
	const struct kube_context *c = kubeconfig_context(kc, name);
	if (!c)
		fail_msg("no context %s", name);
	return c;
}

/* ---- exec credential plugins ---- */

#define V1 "client.authentication.k8s.io/v1"
#define V1BETA1 "client.authentication.k8s.io/v1beta1"

/* Writes plugins/NAME as an executable shell script and a kubeconfig whose context "p"
 * runs it with the given exec settings (extra YAML lines under exec:). */
static struct kubeconfig *plugin_config(const char *name, const char *script,
					const char *exec_yaml, const char *cluster_yaml)
{
	char *rel = xasprintf("plugins/%s", name);
	char *body = xasprintf("#!/bin/sh\n%s", script);
	free(write_file(rel, body, 0755));
	char *cfg = xasprintf("clusters:\n- name: c\n  cluster:\n%s"
			      "contexts:\n- {name: p, context: {cluster: c, user: u}}\n"
			      "users:\n- name: u\n  user:\n    exec:\n      command: ./%s\n%s",
			      cluster_yaml ? cluster_yaml : "    server: https://127.0.0.1:6443\n",
			      rel, exec_yaml);
	struct kubeconfig *kc = load_text(cfg);
	free(cfg), free(body), free(rel);
	return kc;
}

static int run_plugin(struct kubeconfig *kc, struct kube_exec_credential *cred, char *err,
		      size_t errlen)
{
	return kube_exec_credential_run(ctx_named(kc, "p"), false, cred, err, errlen);
}

/* The plugin checks its own KUBERNETES_EXEC_INFO, args and environment, and fails with a
 * message on stderr when any is wrong. */
static const char token_v1_script[] =
	"want='{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\",\"spec\":{\"interactive\":false}}\n'\n"
	"[ \"$KUBERNETES_EXEC_INFO\" = \"$want\" ] || { echo \"bad info: $KUBERNETES_EXEC_INFO\" >&2; exit 9; }\n"
	"[ \"$1\" = --cluster ] && [ \"$2\" = 'two words' ] && [ $# -eq 2 ] || { echo \"bad args: $*\" >&2; exit 9; }\n"
	"[ \"$PLUGIN_MODE\" = prod ] || { echo \"bad env: $PLUGIN_MODE\" >&2; exit 9; }\n"
	"[ \"$OPSDECK_INHERITED\" = yes ] || { echo 'environment not inherited' >&2; exit 9; }\n"
	"read line && { echo 'stdin was not empty' >&2; exit 9; }\n"
	"echo 'diagnostics on stderr are ignored' >&2\n"
	"cat <<EOF\n"
	"{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\",\n"
	" \"status\":{\"token\":\"tok-v1\",\"expirationTimestamp\":\"2030-01-02T03:04:05Z\"}}\n"
	"EOF\n";

static void test_exec_v1_token(void **state)
{
	(void)state;
	setenv("OPSDECK_INHERITED", "yes", 1);
	setenv("PLUGIN_MODE", "overridden-by-config", 1);
	struct kubeconfig *kc = plugin_config(
		"token.sh", token_v1_script,
		"      apiVersion: " V1 "\n      interactiveMode: Never\n"
		"      args: [--cluster, two words]\n"
		"      env: [{name: PLUGIN_MODE, value: prod}]\n",
		NULL);
	struct kube_exec_credential cred;
	char err[512] = "";
	int rc = run_plugin(kc, &cred, err, sizeof(err));
	if (rc != 0)
		fail_msg("plugin failed: %s", err);
	assert_string_equal(cred.token, "tok-v1");
	assert_null(cred.client_cert_data);
	struct tm tm = {.tm_year = 130, .tm_mon = 0, .tm_mday = 2, .tm_hour = 3, .tm_min = 4,
			.tm_sec = 5};
	assert_int_equal(cred.expires, timegm(&tm));
	kube_exec_credential_clear(&cred);
	assert_null(cred.token);
	unsetenv("OPSDECK_INHERITED");
	unsetenv("PLUGIN_MODE");
	kubeconfig_free(kc);
}

static const char cert_v1beta1_script[] =
	"want='{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1BETA1 "\",\"spec\":{\"cluster\":"
	"{\"server\":\"https://10.0.0.1:6443\",\"tls-server-name\":\"kube.internal\","
	"\"insecure-skip-tls-verify\":true,"
	"\"certificate-authority-data\":\"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=\","
	"\"proxy-url\":\"http://proxy:3128\",\"config\":null},\"interactive\":false}}\n'\n"
	"[ \"$KUBERNETES_EXEC_INFO\" = \"$want\" ] || { echo \"bad info: $KUBERNETES_EXEC_INFO\" >&2; exit 9; }\n"
	"printf '%s' '{\"apiVersion\":\"" V1BETA1 "\",\"kind\":\"ExecCredential\",\"status\":"
	"{\"clientCertificateData\":\"-----BEGIN CERTIFICATE-----\\nC\\n-----END CERTIFICATE-----\\n\","
	"\"clientKeyData\":\"-----BEGIN PRIVATE KEY-----\\nK\\n-----END PRIVATE KEY-----\\n\"}}'\n";

static void test_exec_v1beta1_client_cert_with_cluster_info(void **state)
{
	(void)state;
	struct kubeconfig *kc = plugin_config(
		"cert.sh", cert_v1beta1_script,
		"      apiVersion: " V1BETA1 "\n      provideClusterInfo: true\n",
		"    server: https://10.0.0.1:6443\n    tls-server-name: kube.internal\n"
		"    insecure-skip-tls-verify: true\n    proxy-url: http://proxy:3128\n"
		"    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=\n");
	struct kube_exec_credential cred;
	char err[512] = "";
	int rc = run_plugin(kc, &cred, err, sizeof(err));
	if (rc != 0)
		fail_msg("plugin failed: %s", err);
	assert_null(cred.token);
	assert_string_equal(cred.client_cert_data,
			    "-----BEGIN CERTIFICATE-----\nC\n-----END CERTIFICATE-----\n");
	assert_string_equal(cred.client_key_data,
			    "-----BEGIN PRIVATE KEY-----\nK\n-----END PRIVATE KEY-----\n");
	assert_int_equal(cred.expires, 0);
	kube_exec_credential_clear(&cred);
	kubeconfig_free(kc);
}

static void test_exec_info_reads_ca_file(void **state)
{
	(void)state;
	char *ca = write_file("ca.crt", "cafile-bytes\n", 0644);
	char *cluster = xasprintf("    server: https://s\n    certificate-authority: %s\n", ca);
	struct kubeconfig *kc = plugin_config(
		"unused.sh", "exit 1\n",
		"      apiVersion: " V1 "\n      interactiveMode: IfAvailable\n"
		"      provideClusterInfo: true\n",
		cluster);
	char err[256] = "";
	char *info = kube_exec_info_json(ctx_named(kc, "p"), false, err, sizeof(err));
	assert_non_null(info);
	assert_string_equal(info, "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\","
				  "\"spec\":{\"cluster\":{\"server\":\"https://s\","
				  "\"certificate-authority-data\":\"Y2FmaWxlLWJ5dGVzCg==\",\"config\":null},"
				  "\"interactive\":false}}\n");
	free(info);
	unlink(ca);
	info = kube_exec_info_json(ctx_named(kc, "p"), false, err, sizeof(err));
	assert_null(info);
	assert_non_null(strstr(err, "failed to load CA bundle for execProvider"));
	kubeconfig_free(kc);
	free(cluster), free(ca);
}

/* Runs a plugin that should fail and checks the whole message. */
static void expect_plugin_error(const char *script, const char *exec_yaml, const char *want)
{
	struct kubeconfig *kc = plugin_config("p.sh", script, exec_yaml, NULL);
	struct kube_exec_credential cred;
	char err[512] = "";
	int rc = run_plugin(kc, &cred, err, sizeof(err));
	if (rc != -1 || strcmp(err, want) != 0)
		fail_msg("rc %d, err \"%s\", want \"%s\"", rc, err, want);
	assert_null(cred.token);
	assert_null(cred.client_cert_data);
	kubeconfig_free(kc);
}

static void test_exec_failing_plugin_reports_stderr(void **state)
{
	(void)state;
	char *cmd = tmp_path("plugins/p.sh");
	char *want = xasprintf("exec: executable %s failed with exit code 4: "
			       "error: SSO session expired\nrun: sso login", cmd);
	expect_plugin_error("echo 'ignored output'\n"
			    "printf '\\n  error: SSO session expired\\nrun: sso login  \\n\\n' >&2\n"
			    "exit 4\n",
			    "      apiVersion: " V1BETA1 "\n", want);
	free(want);
	want = xasprintf("exec: executable %s failed with exit code 1", cmd);
	expect_plugin_error("exit 1\n", "      apiVersion: " V1BETA1 "\n", want);
	free(want);
	want = xasprintf("exec: executable %s was killed by signal 9", cmd);
	expect_plugin_error("kill -9 $$\n", "      apiVersion: " V1BETA1 "\n", want);
	free(want), free(cmd);
}

static void test_exec_bad_output(void **state)
{
	(void)state;
	const char *v1 = "      apiVersion: " V1 "\n      interactiveMode: Never\n";
	expect_plugin_error("echo 'hello, I am not JSON'\n", v1,
			    "exec: decoding stdout: '[' or '{' expected near 'hello'");
	expect_plugin_error("echo '[1]'\n", v1, "exec: decoding stdout: not a JSON object");
	expect_plugin_error("echo '{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}'\n", v1,
			    "exec: decoding stdout: kind is \"Pod\", want \"ExecCredential\"");
	expect_plugin_error("echo '{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1BETA1
			    "\",\"status\":{\"token\":\"t\"}}'\n",
			    v1,
			    "exec plugin is configured to use API version " V1
			    ", plugin returned version " V1BETA1);
	expect_plugin_error("echo '{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\"}'\n", v1,
			    "exec plugin didn't return a status field");
	expect_plugin_error("echo '{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1
			    "\",\"status\":{}}'\n",
			    v1, "exec plugin didn't return a token or cert/key pair");
	expect_plugin_error("echo '{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1
			    "\",\"status\":{\"clientCertificateData\":\"C\"}}'\n",
			    v1, "exec plugin returned only certificate or key, not both");
	expect_plugin_error("echo '{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1
			    "\",\"status\":{\"token\":\"t\",\"expirationTimestamp\":\"tomorrow\"}}'\n",
			    v1,
			    "exec: decoding stdout: expirationTimestamp \"tomorrow\" is not RFC 3339");
	expect_plugin_error("echo '{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1
			    "\",\"status\":{\"token\":5}}'\n",
			    v1, "exec: decoding stdout: status.token must be a string");
}

static void test_exec_config_validation(void **state)
{
	(void)state;
	/* the plugin leaves a mark if it runs: none of these may run it */
	char *mark = tmp_path("ran");
	char *script = xasprintf("touch '%s'\necho '{}'\n", mark);
	expect_plugin_error(script, "      apiVersion: " V1 "\n",
			    "interactiveMode must be specified for u to use exec authentication plugin");
	expect_plugin_error(script, "      apiVersion: " V1 "\n      interactiveMode: Sometimes\n",
			    "invalid interactiveMode for u: \"Sometimes\"");
	expect_plugin_error(script, "      apiVersion: " V1 "\n      interactiveMode: Always\n",
			    "exec plugin cannot support interactive mode: standard input is not a terminal");
	expect_plugin_error(script, "      apiVersion: " V1 "\n      interactiveMode: Never\n"
			    "      env: [{name: A, value: b}, {value: nameless}]\n",
			    "env variable name must be specified for u to use exec authentication plugin");
	expect_plugin_error(script, "      interactiveMode: Never\n",
			    "apiVersion must be specified for u to use exec authentication plugin");
	expect_plugin_error(script, "      apiVersion: client.authentication.k8s.io/v2\n"
			    "      interactiveMode: Never\n",
			    "exec plugin: invalid apiVersion \"client.authentication.k8s.io/v2\"");
	assert_int_equal(access(mark, F_OK), -1);
	free(script), free(mark);

	struct kubeconfig *kc = load_text(
		"contexts:\n- {name: p, context: {user: u}}\n- {name: n, context: {user: none}}\n"
		"users:\n- name: u\n  user:\n    exec:\n      apiVersion: " V1BETA1 "\n"
		"      command: opsdeck-no-such-plugin\n");
	struct kube_exec_credential cred;
	char err[512] = "";
	assert_int_equal(run_plugin(kc, &cred, err, sizeof(err)), -1);
	assert_string_equal(err, "exec: executable opsdeck-no-such-plugin not found");
	assert_int_equal(kube_exec_credential_run(ctx_named(kc, "n"), false, &cred, err, sizeof(err)), -1);
	assert_string_equal(err, "context n has no exec plugin");
	kubeconfig_free(kc);

	/* a path that is missing, and one that is not executable */
	char *noexec = write_file("plugins/noexec.sh", "#!/bin/sh\nexit 0\n", 0644);
	kc = load_text("contexts:\n- {name: p, context: {user: u}}\n- {name: q, context: {user: v}}\n"
		       "users:\n- name: u\n  user:\n    exec:\n      apiVersion: " V1BETA1 "\n"
		       "      command: ./plugins/missing.sh\n"
		       "- name: v\n  user:\n    exec:\n      apiVersion: " V1BETA1 "\n"
		       "      command: ./plugins/noexec.sh\n");
	char *missing = tmp_path("plugins/missing.sh");
	char *want = xasprintf("exec: executable %s not found", missing);
	assert_int_equal(run_plugin(kc, &cred, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	free(want);
	want = xasprintf("exec: executable %s not found", noexec);
	assert_int_equal(kube_exec_credential_run(ctx_named(kc, "q"), false, &cred, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	free(want), free(missing), free(noexec);
	kubeconfig_free(kc);
}

static void test_exec_command_found_on_path(void **state)
{
	(void)state;
	free(write_file("bin/opsdeck-test-plugin",
			"#!/bin/sh\necho '{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1BETA1
			"\",\"status\":{\"token\":\"from-path\"}}'\n",
			0755));
	char *old = xstrdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	char *bin = tmp_path("bin");
	char *path = xasprintf("/nonexistent::%s:%s", bin, old);
	setenv("PATH", path, 1);
	struct kubeconfig *kc = load_text(
		"contexts:\n- {name: p, context: {user: u}}\n"
		"users:\n- name: u\n  user:\n    exec:\n      apiVersion: " V1BETA1 "\n"
		"      command: opsdeck-test-plugin\n");
	struct kube_exec_credential cred;
	char err[512] = "";
	int rc = run_plugin(kc, &cred, err, sizeof(err));
	setenv("PATH", old, 1);
	if (rc != 0)
		fail_msg("plugin failed: %s", err);
	assert_string_equal(cred.token, "from-path");
	kube_exec_credential_clear(&cred);
	kubeconfig_free(kc);
	free(path), free(bin), free(old);
}

static void test_exec_interactive_modes(void **state)
{
	(void)state;
	const char *script =
		"case \"$KUBERNETES_EXEC_INFO\" in\n"
		"*'\"interactive\":true'*) t=yes ;;\n*'\"interactive\":false'*) t=no ;;\n*) exit 9 ;;\nesac\n"
		"echo \"{\\\"kind\\\":\\\"ExecCredential\\\",\\\"apiVersion\\\":\\\"" V1
		"\\\",\\\"status\\\":{\\\"token\\\":\\\"$t\\\"}}\"\n";
	const char *modes[] = {"Never", "IfAvailable", "Always"};
	const char *want_false[] = {"no", "no", NULL};
	const char *want_true[] = {"no", "yes", "yes"};
	for (size_t i = 0; i < 3; i++) {
		char *yaml = xasprintf("      apiVersion: " V1 "\n      interactiveMode: %s\n", modes[i]);
		struct kubeconfig *kc = plugin_config("i.sh", script, yaml, NULL);
		struct kube_exec_credential cred;
		char err[512] = "";
		const struct kube_context *c = ctx_named(kc, "p");
		int rc = kube_exec_credential_run(c, false, &cred, err, sizeof(err));
		if (want_false[i]) {
			assert_int_equal(rc, 0);
			assert_string_equal(cred.token, want_false[i]);
			kube_exec_credential_clear(&cred);
		} else {
			assert_int_equal(rc, -1);
		}
		rc = kube_exec_credential_run(c, true, &cred, err, sizeof(err));
		if (rc != 0)
			fail_msg("%s: %s", modes[i], err);
		assert_string_equal(cred.token, want_true[i]);
		kube_exec_credential_clear(&cred);
		kubeconfig_free(kc);
		free(yaml);
	}
}

static void test_exec_time_limit_kills_plugin(void **state)
{
	(void)state;
	kube_exec_set_timeout_ms(300);
	char *cmd = tmp_path("plugins/p.sh");
	char *want = xasprintf("exec: executable %s timed out (limit 300 ms)", cmd);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	expect_plugin_error("echo 'partial'\nexec sleep 20\n", "      apiVersion: " V1BETA1 "\n",
			    want);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	free(want), free(cmd);
}

static void test_exec_expiry_with_offset(void **state)
{
	(void)state;
	struct kubeconfig *kc = plugin_config(
		"exp.sh",
		"echo '{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1BETA1 "\",\"status\":"
		"{\"token\":\"t\",\"expirationTimestamp\":\"2030-01-02T05:04:05.250+02:00\"}}'\n",
		"      apiVersion: " V1BETA1 "\n", NULL);
	struct kube_exec_credential cred;
	char err[512] = "";
	assert_int_equal(run_plugin(kc, &cred, err, sizeof(err)), 0);
	time_t want;
	assert_int_equal(kube_exec_parse_rfc3339("2030-01-02T03:04:05Z", &want), 0);
	assert_int_equal(cred.expires, want);
	assert_int_equal(want, 1893553445);
	kube_exec_credential_clear(&cred);
	kubeconfig_free(kc);

	time_t t = 0;
	assert_int_equal(kube_exec_parse_rfc3339("1970-01-01T00:00:00-01:30", &t), 0);
	assert_int_equal(t, 5400);
	assert_int_equal(kube_exec_parse_rfc3339("2030-01-02 03:04:05Z", &t), -1);
	assert_int_equal(kube_exec_parse_rfc3339("2030-01-02T03:04:05", &t), -1);
	assert_int_equal(kube_exec_parse_rfc3339("2030-13-02T03:04:05Z", &t), -1);
	assert_int_equal(kube_exec_parse_rfc3339("2030-01-02T03:04:05.Z", &t), -1);
	assert_int_equal(kube_exec_parse_rfc3339("2030-01-02T03:04:05Zjunk", &t), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exec_v1_token, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_v1beta1_client_cert_with_cluster_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_info_reads_ca_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_failing_plugin_reports_stderr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_bad_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_config_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_command_found_on_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_interactive_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_time_limit_kills_plugin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_expiry_with_offset, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
