/* Unit tests for core/audit: records and their hash chain, tampering detected at the
 * right line (changed byte, removed, swapped, truncated, forged lines), concurrent
 * appends from two processes, redaction at any depth, file modes, the gate's hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "core/actions.h"
#include "core/audit.h"
#include "core/xalloc.h"
#include "views/audit_cmd.h"
#include "tests/support/tmpdir.h"

static char tmpdir[64];
static char logpath[128];

static int setup(void **state)
{
	(void)state;
	test_tmp_template(tmpdir, sizeof(tmpdir), "opsdeck-audit.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(logpath, sizeof(logpath), "%s/state/opsdeck/audit.jsonl", tmpdir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static const struct audit_identity alice = { "alice", "kube-alice", NULL };

static struct action restart_action(const char *name)
{
	struct action a = { .kind = ACTION_RESTART };
	a.target.context = "prod";
	a.target.namespace = "payments-prd";
	a.target.kind = "Deployment";
	a.target.name = name;
	return a;
}

/* n actions, each an intent and an ok result: 2n lines. */
static void append_pairs(int n)
{
	char err[256];
	for (int i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "api-%d", i);
		struct action a = restart_action(name);
		assert_int_equal(audit_append(logpath, ACTION_AUDIT_INTENT, &a, &alice, false,
					      NULL, err, sizeof(err)), 0);
		assert_int_equal(audit_append(logpath, ACTION_AUDIT_RESULT, &a, &alice, true,
					      NULL, err, sizeof(err)), 0);
	}
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	struct stat st;
	assert_int_equal(fstat(fileno(f), &st), 0);
	char *buf = xmalloc((size_t)st.st_size + 1);
	size_t n = fread(buf, 1, (size_t)st.st_size, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The file split into lines (each without its newline); *n set. Caller frees all. */
static char **read_lines(size_t *n)
{
	char *text = slurp(logpath);
	char **lines = xcalloc(strlen(text) + 2, sizeof(char *));
	*n = 0;
	for (char *p = text, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl) {
			lines[(*n)++] = xstrdup(p);
			break;
		}
		lines[(*n)++] = xstrndup(p, (size_t)(nl - p));
	}
	free(text);
	return lines;
}

static void write_lines(char **lines, size_t n)
{
	FILE *f = fopen(logpath, "w");
	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n", lines[i]);
	fclose(f);
}

static void free_lines(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* SHA-256 in hex, computed here independently of core/audit. */
static void hex_sha256(const char *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	assert_int_equal(EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL), 1);
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* What docs/audit.md says a line's hash is: SHA-256(prev + line without ,"hash":"…"). */
static void documented_hash(const char *line, char out[65])
{
	json_t *j = json_loads(line, 0, NULL);
	assert_non_null(j);
	const char *prev = json_string_value(json_object_get(j, "prev"));
	assert_non_null(prev);
	size_t len = strlen(line);
	assert_true(len > 75);
	char *msg = xasprintf("%s%.*s}", prev, (int)(len - 75), line);
	hex_sha256(msg, strlen(msg), out);
	free(msg);
	json_decref(j);
}

static int verify_rc(size_t *bad, char *err, size_t errlen)
{
	size_t nlines;
	char last[65];
	return audit_verify(logpath, &nlines, last, bad, err, errlen);
}

static void assert_broken_at(size_t line, const char *message)
{
	size_t bad = 99;
	char err[256];
	assert_int_equal(verify_rc(&bad, err, sizeof(err)), 1);
	assert_int_equal(bad, line);
	assert_string_equal(err, message);
}

static void test_append_and_verify(void **state)
{
	(void)state;
	append_pairs(1);
	size_t n;
	char **lines = read_lines(&n);
	assert_int_equal(n, 2);
	json_t *a = json_loads(lines[0], 0, NULL);
	json_t *b = json_loads(lines[1], 0, NULL);
	assert_non_null(a);
	assert_non_null(b);
	/* the fixed key order */
	assert_true(strncmp(lines[0], "{\"time\":\"", 9) == 0);
	const char *order[] = { "\"seq\":1,\"stage\":\"intent\",\"os_user\":\"alice\","
				"\"kube_user\":\"kube-alice\",\"argocd_user\":null,"
				"\"context\":\"prod\",\"cluster\":null,"
				"\"namespace\":\"payments-prd\",\"kind\":\"Deployment\","
				"\"name\":\"api-0\",\"action\":\"restart\",\"parameters\":null,"
				"\"result\":null,\"error\":null,\"prev\":\"" };
	assert_non_null(strstr(lines[0], order[0]));
	const char *t = json_string_value(json_object_get(a, "time"));
	assert_int_equal(strlen(t), strlen("2026-11-23T12:00:00.123Z"));
	assert_int_equal(t[23], 'Z');
	assert_string_equal(json_string_value(json_object_get(a, "prev")),
			    "0000000000000000000000000000000000000000000000000000000000000000");
	assert_int_equal(json_integer_value(json_object_get(b, "seq")), 2);
	assert_string_equal(json_string_value(json_object_get(b, "stage")), "result");
	assert_string_equal(json_string_value(json_object_get(b, "result")), "ok");
	char h[65];
	hex_sha256(lines[0], strlen(lines[0]), h);
	assert_string_equal(json_string_value(json_object_get(b, "prev")), h);
	documented_hash(lines[1], h);
	assert_string_equal(json_string_value(json_object_get(b, "hash")), h);
	documented_hash(lines[0], h);
	assert_string_equal(json_string_value(json_object_get(a, "hash")), h);

	size_t nlines = 0, bad = 7;
	char last[65], err[256] = "";
	assert_int_equal(audit_verify(logpath, &nlines, last, &bad, err, sizeof(err)), 0);
	assert_int_equal(nlines, 2);
	assert_int_equal(bad, 0);
	hex_sha256(lines[1], strlen(lines[1]), h);
	assert_string_equal(last, h);
	json_decref(a);
	json_decref(b);
	free_lines(lines, n);
}

static void test_absent_and_empty_are_intact(void **state)
{
	(void)state;
	size_t nlines = 5, bad = 5;
	char last[65] = "x", err[128];
	assert_int_equal(audit_verify(logpath, &nlines, last, &bad, err, sizeof(err)), 0);
	assert_int_equal(nlines, 0);
	assert_string_equal(last, "");
	char *empty = xasprintf("%s/empty.jsonl", tmpdir);
	spit(empty, "");
	assert_int_equal(audit_verify(empty, &nlines, last, &bad, err, sizeof(err)), 0);
	assert_int_equal(nlines, 0);
	free(empty);
}

static void test_changed_byte(void **state)
{
	(void)state;
	append_pairs(2);
	size_t n;
	char **lines = read_lines(&n);
	char *p = strstr(lines[2], "api-1");
	assert_non_null(p);
	p[4] = '7'; /* api-1 -> api-7: still valid JSON */
	write_lines(lines, n);
	assert_broken_at(3, "line 3: hash does not match");
	free_lines(lines, n);
}

static void test_removed_line(void **state)
{
	(void)state;
	append_pairs(2);
	size_t n;
	char **lines = read_lines(&n);
	free(lines[1]);
	memmove(lines + 1, lines + 2, (n - 2) * sizeof(*lines));
	write_lines(lines, n - 1);
	assert_broken_at(2, "line 2: prev does not match line 1");
	free_lines(lines, n - 1);
}

static void test_swapped_lines(void **state)
{
	(void)state;
	append_pairs(2);
	size_t n;
	char **lines = read_lines(&n);
	char *tmp = lines[2];
	lines[2] = lines[3];
	lines[3] = tmp;
	write_lines(lines, n);
	assert_broken_at(3, "line 3: prev does not match line 2");
	free_lines(lines, n);
}

static void test_truncated_last_line(void **state)
{
	(void)state;
	append_pairs(2);
	char *text = slurp(logpath);
	size_t len = strlen(text);
	char cut = text[len - 30];
	text[len - 30] = '\0'; /* a cut write: the end of line 4 and its newline lost */
	spit(logpath, text);
	assert_broken_at(4, "line 4: not JSON");
	/* only the newline lost: the record is whole but the line is not */
	text[len - 30] = cut;
	text[len - 1] = '\0';
	spit(logpath, text);
	assert_broken_at(4, "line 4: no newline at the end (a cut write?)");
	free(text);
}

/* A forged record appended after line 2 with its hash recomputed as documented. */
static char *forge(const char *based_on, const char *prev, long long seq)
{
	json_t *j = json_loads(based_on, 0, NULL);
	assert_non_null(j);
	json_object_del(j, "hash");
	json_object_set_new(j, "seq", json_integer(seq));
	json_object_set_new(j, "name", json_string("forged"));
	json_object_set_new(j, "prev", json_string(prev));
	char *body = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char *msg = xasprintf("%s%s", prev, body);
	char h[65];
	hex_sha256(msg, strlen(msg), h);
	size_t blen = strlen(body);
	char *line = xasprintf("%.*s,\"hash\":\"%s\"}", (int)(blen - 1), body, h);
	free(msg);
	free(body);
	json_decref(j);
	return line;
}

static void test_forged_line(void **state)
{
	(void)state;
	append_pairs(2);
	size_t n;
	char **lines = read_lines(&n);
	char **out = xcalloc(n + 1, sizeof(char *));
	/* a right-looking hash but the prev of a line that is not its predecessor */
	char wrong_prev[65];
	hex_sha256(lines[0], strlen(lines[0]), wrong_prev);
	out[0] = lines[0];
	out[1] = lines[1];
	out[2] = forge(lines[1], wrong_prev, 3);
	out[3] = lines[2];
	out[4] = lines[3];
	write_lines(out, n + 1);
	assert_broken_at(3, "line 3: prev does not match line 2");

	/* right prev and hash, but a seq that skips: caught by seq */
	char right_prev[65];
	hex_sha256(lines[1], strlen(lines[1]), right_prev);
	free(out[2]);
	out[2] = forge(lines[1], right_prev, 9);
	write_lines(out, n + 1);
	assert_broken_at(3, "line 3: seq out of order");

	/* a perfect forgery in the middle still breaks the link of the line after it */
	free(out[2]);
	out[2] = forge(lines[1], right_prev, 3);
	write_lines(out, n + 1);
	assert_broken_at(4, "line 4: prev does not match line 3");
	/* and line 1 must start the chain */
	free(out[2]);
	out[2] = NULL;
	char *first = forge(lines[0], right_prev, 1);
	spit(logpath, first);
	FILE *f = fopen(logpath, "a");
	fputc('\n', f);
	fclose(f);
	assert_broken_at(1, "line 1: prev is not 64 zeros (not the start of a chain)");
	free(first);
	free(out);
	free_lines(lines, n);
}

static void test_not_json_line(void **state)
{
	(void)state;
	append_pairs(1);
	FILE *f = fopen(logpath, "a");
	fputs("hello\n", f);
	fclose(f);
	assert_broken_at(3, "line 3: not JSON");
}

static void test_append_after_cut_write(void **state)
{
	(void)state;
	append_pairs(1);
	FILE *f = fopen(logpath, "a");
	fputs("{\"time\":\"2026-", f); /* a write cut short, no newline */
	fclose(f);
	append_pairs(1);
	size_t n;
	char **lines = read_lines(&n);
	assert_int_equal(n, 5);
	assert_string_equal(lines[2], "{\"time\":\"2026-");
	json_t *j = json_loads(lines[3], 0, NULL);
	assert_non_null(j);
	/* chained to the cut line's bytes, numbered after it */
	char h[65];
	hex_sha256(lines[2], strlen(lines[2]), h);
	assert_string_equal(json_string_value(json_object_get(j, "prev")), h);
	assert_int_equal(json_integer_value(json_object_get(j, "seq")), 4);
	json_decref(j);
	assert_broken_at(3, "line 3: not JSON");
	free_lines(lines, n);
}

static void test_concurrent_processes(void **state)
{
	(void)state;
	enum { CHILDREN = 2, EACH = 60 };
	pid_t pids[CHILDREN];
	/* a start line: both children block on the pipe until the parent closes it, so
	 * their appends overlap instead of one finishing before the other has started */
	int gate[2];
	assert_int_equal(pipe(gate), 0);
	for (int c = 0; c < CHILDREN; c++) {
		pids[c] = fork();
		assert_true(pids[c] >= 0);
		if (pids[c] == 0) {
			char err[256], b;
			close(gate[1]);
			if (read(gate[0], &b, 1) != 0)
				_exit(2);
			struct action a = restart_action(c ? "child-b" : "child-a");
			for (int i = 0; i < EACH; i++)
				if (audit_append(logpath, ACTION_AUDIT_INTENT, &a, &alice, false, NULL,
						 err, sizeof(err)) < 0)
					_exit(1);
			_exit(0);
		}
	}
	close(gate[0]);
	close(gate[1]);
	for (int c = 0; c < CHILDREN; c++) {
		int st;
		assert_int_equal(waitpid(pids[c], &st, 0), pids[c]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	size_t nlines = 0, bad = 0;
	char last[65], err[256] = "";
	int rc = audit_verify(logpath, &nlines, last, &bad, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "verify: %s\n", err);
	assert_int_equal(rc, 0);
	assert_int_equal(nlines, CHILDREN * EACH);
	/* every line numbered in order whichever process wrote it */
	size_t n;
	char **lines = read_lines(&n);
	size_t a = 0, b = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *j = json_loads(lines[i], 0, NULL);
		assert_int_equal(json_integer_value(json_object_get(j, "seq")), (json_int_t)i + 1);
		const char *name = json_string_value(json_object_get(j, "name"));
		a += strcmp(name, "child-a") == 0;
		b += strcmp(name, "child-b") == 0;
		json_decref(j);
	}
	assert_int_equal(a, EACH);
	assert_int_equal(b, EACH);
	free_lines(lines, n);
}

static void test_redaction_at_depth(void **state)
{
	(void)state;
	struct action a = restart_action("api");
	a.kind = ACTION_SYNC;
	a.parameters = "{\"prune\":true,\"revision\":\"abc123\","
		       "\"auth\":{\"layers\":[{\"Token\":\"tok-SECRET1\"},"
		       "{\"client-secret\":{\"v\":\"SECRET2\"}}]},"
		       "\"PASSWORD\":\"SECRET3\",\"Authorization\":\"Bearer SECRET4\","
		       "\"note\":\"sent with bearer SECRET5\",\"secretName\":\"tls-cert\"}";
	char err[256];
	assert_int_equal(audit_append(logpath, ACTION_AUDIT_INTENT, &a, &alice, false, NULL,
				      err, sizeof(err)), 0);
	/* not JSON: stored as a string, still scrubbed */
	a.parameters = "{\"token\": \"SECRET6\", broken";
	assert_int_equal(audit_append(logpath, ACTION_AUDIT_RESULT, &a, &alice, false,
				      "401 from server: token=SECRET7 rejected "
				      "(Authorization: Bearer SECRET8)", err,
				      sizeof(err)), 0);
	char *text = slurp(logpath);
	if (strstr(text, "SECRET"))
		fprintf(stderr, "%s", text);
	assert_null(strstr(text, "SECRET"));
	assert_non_null(strstr(text, "\"prune\":true,\"revision\":\"abc123\""));
	assert_non_null(strstr(text, "{\"Token\":\"[redacted]\"}"));
	assert_non_null(strstr(text, "{\"client-secret\":\"[redacted]\"}"));
	assert_non_null(strstr(text, "\"PASSWORD\":\"[redacted]\""));
	assert_non_null(strstr(text, "\"secretName\":\"tls-cert\""));
	assert_non_null(strstr(text, "\"parameters\":\"{\\\"token\\\": \\\"[redacted]\\\", broken\""));
	assert_non_null(strstr(text, "\"result\":\"failed\",\"error\":\"401 from server: "
				     "token=[redacted] rejected (Authorization: Bearer [redacted])\""));
	free(text);
	size_t bad;
	assert_int_equal(verify_rc(&bad, err, sizeof(err)), 0);
}

static void test_secret_keys(void **state)
{
	(void)state;
	const char *yes[] = { "token", "TOKEN", "access_token", "bearerToken", "password",
			      "db-Password", "secret", "clientSecret", "authorization",
			      "X-Authorization", "bearer" };
	const char *no[] = { "prune", "secretName", "tokenTTL", "name", "passwordless", "" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		assert_true(audit_key_is_secret(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
		assert_false(audit_key_is_secret(no[i]));
}

static void test_scale_and_failure_fields(void **state)
{
	(void)state;
	struct action a = restart_action("api");
	a.kind = ACTION_SCALE;
	a.replicas = 5;
	a.detail = "to prd";
	char err[256];
	assert_int_equal(audit_append(logpath, ACTION_AUDIT_RESULT, &a, NULL, false, NULL,
				      err, sizeof(err)), 0);
	char *text = slurp(logpath);
	assert_non_null(strstr(text, "\"os_user\":null,\"kube_user\":null,\"argocd_user\":null"));
	assert_non_null(strstr(text, "\"action\":\"scale\","
				     "\"parameters\":{\"replicas\":5,\"detail\":\"to prd\"},"
				     "\"result\":\"failed\",\"error\":null"));
	free(text);
}

static void test_file_modes(void **state)
{
	(void)state;
	mode_t old = umask(0);
	append_pairs(1);
	umask(old);
	struct stat st;
	assert_int_equal(stat(logpath, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char *dir = xasprintf("%s/state/opsdeck", tmpdir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	free(dir);
	/* no directory can be made: an error, not a crash */
	char err[256] = "";
	struct action a = restart_action("x");
	char *bad = xasprintf("%s/audit.jsonl/sub/audit.jsonl", logpath);
	assert_int_equal(audit_append(bad, ACTION_AUDIT_INTENT, &a, &alice, false, NULL, err,
				      sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot"));
	free(bad);
}

static void test_default_path_and_user(void **state)
{
	(void)state;
	char *saved_state = getenv("XDG_STATE_HOME") ? xstrdup(getenv("XDG_STATE_HOME")) : NULL;
	char *saved_home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	setenv("XDG_STATE_HOME", "/var/x", 1);
	char *p = audit_default_path();
	assert_string_equal(p, "/var/x/opsdeck/audit.jsonl");
	free(p);
	setenv("XDG_STATE_HOME", "relative", 1);
	setenv("HOME", "/home/bob", 1);
	p = audit_default_path();
	assert_string_equal(p, "/home/bob/.local/state/opsdeck/audit.jsonl");
	free(p);
	if (saved_state)
		setenv("XDG_STATE_HOME", saved_state, 1);
	else
		unsetenv("XDG_STATE_HOME");
	if (saved_home)
		setenv("HOME", saved_home, 1);
	free(saved_state);
	free(saved_home);
	const char *u = audit_os_user();
	assert_non_null(u);
	assert_true(*u != '\0');
}

static void test_gate_hook(void **state)
{
	(void)state;
	struct audit_sink sink;
	assert_int_equal(audit_sink_init(&sink, logpath, &alice), 0);
	struct action_gate g;
	action_gate_init(&g, NULL, false);
	g.audit = audit_gate_hook;
	g.audit_ud = &sink;
	struct action a = restart_action("api");
	char why[128];
	assert_true(action_gate_begin(&g, &a, why, sizeof(why)));
	free(action_gate_finish(&g, &a, false, "forbidden"));
	assert_int_equal(sink.failures, 0);
	size_t n;
	char **lines = read_lines(&n);
	assert_int_equal(n, 2);
	assert_non_null(strstr(lines[0], "\"stage\":\"intent\""));
	assert_non_null(strstr(lines[1], "\"result\":\"failed\",\"error\":\"forbidden\""));
	free_lines(lines, n);
	audit_sink_free(&sink);
	/* a log that cannot be written is counted, not fatal */
	char *bad = xasprintf("%s/audit.jsonl/x", logpath);
	assert_int_equal(audit_sink_init(&sink, bad, &alice), 0);
	free(bad);
	assert_true(action_gate_begin(&g, &a, why, sizeof(why)));
	assert_int_equal(sink.failures, 1);
	assert_non_null(strstr(sink.last_error, "cannot"));
	audit_sink_free(&sink);
}

static void test_command_usage(void **state)
{
	(void)state;
	struct global_opts g = { 0 };
	char *none[] = { NULL };
	char *bogus[] = { (char *)"frobnicate", NULL };
	char *badfmt[] = { (char *)"log", (char *)"-o", (char *)"yaml", NULL };
	char *two[] = { (char *)"verify", (char *)"a", (char *)"b", NULL };
	assert_int_equal(audit_command(&g, 0, none), 2);
	assert_int_equal(audit_command(&g, 1, bogus), 2);
	assert_int_equal(audit_command(&g, 3, badfmt), 2);
	assert_int_equal(audit_command(&g, 3, two), 2);
	append_pairs(1);
	char *ok[] = { (char *)"verify", logpath, NULL };
	assert_int_equal(audit_command(&g, 2, ok), 0);
	spit(logpath, "garbage\n");
	assert_int_equal(audit_command(&g, 2, ok), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_append_and_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absent_and_empty_are_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_swapped_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_last_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_json_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_after_cut_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redaction_at_depth, setup, teardown),
		cmocka_unit_test(test_secret_keys),
		cmocka_unit_test_setup_teardown(test_scale_and_failure_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_modes, setup, teardown),
		cmocka_unit_test(test_default_path_and_user),
		cmocka_unit_test_setup_teardown(test_gate_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_command_usage, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
