/* Unit tests for core/yaml_emit: layout, quoting, literal blocks, and round trips through
 * core/yaml over real objects and strings built to confuse a YAML reader. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "core/sanitize.h"
#include "core/yaml.h"
#include "core/yaml_emit.h"

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!v)
		fail_msg("bad test JSON: %s", err.text);
	return v;
}

static void check_emit(const char *json, const char *want)
{
	json_t *v = parse(json);
	char *got = yaml_emit(v, NULL);
	assert_string_equal(got, want);
	free(got);
	json_decref(v);
}

/* Emits v, reads the text back with core/yaml and wants the same value. */
static void check_round_trip(const json_t *v)
{
	char *text = yaml_emit(v, &(struct yaml_emit_options){.show_managed_fields = true});
	char err[256] = "";
	json_t *docs = yaml_parse_documents("emitted", text, strlen(text), err, sizeof(err));
	if (!docs)
		fail_msg("re-parse failed: %s\n%s", err, text);
	json_t *back = json_array_get(docs, 0);
	if (!json_equal(back, (json_t *)v)) {
		char *a = json_dumps(v, JSON_ENCODE_ANY), *b = json_dumps(back, JSON_ENCODE_ANY);
		fail_msg("round trip differs:\nin:   %s\nyaml: %s\nback: %s", a, text, b);
	}
	/* the text is what the console draws: it must already be clean */
	assert_true(sanitize_is_clean(text, strlen(text), SANITIZE_KEEP_NEWLINE));
	json_decref(docs);
	free(text);
}

static void test_layout_nested(void **state)
{
	(void)state;
	check_emit("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web\","
		   "\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
		   "\"image\":\"nginx\",\"ports\":[{\"containerPort\":80}]}],\"args\":[\"a\",\"b\"]}}",
		   "apiVersion: v1\n"
		   "kind: Pod\n"
		   "metadata:\n"
		   "  labels:\n"
		   "    app: web\n"
		   "  name: web\n"
		   "spec:\n"
		   "  args:\n"
		   "  - a\n"
		   "  - b\n"
		   "  containers:\n"
		   "  - image: nginx\n"
		   "    name: c\n"
		   "    ports:\n"
		   "    - containerPort: 80\n");
}

static void test_layout_scalars_and_empties(void **state)
{
	(void)state;
	check_emit("{\"a\":{},\"b\":[],\"c\":null,\"d\":true,\"e\":false,\"f\":3,\"g\":-7,"
		   "\"h\":1.5,\"i\":\"x\"}",
		   "a: {}\nb: []\nc: null\nd: true\ne: false\nf: 3\ng: -7\nh: 1.5\ni: x\n");
	check_emit("[]", "[]\n");
	check_emit("{}", "{}\n");
	check_emit("\"hello\"", "hello\n");
	check_emit("42", "42\n");
	check_emit("null", "null\n");
}

static void test_layout_nested_lists(void **state)
{
	(void)state;
	check_emit("{\"m\":[[1,2],[{\"a\":1,\"b\":2}],{}]}",
		   "m:\n"
		   "- - 1\n"
		   "  - 2\n"
		   "- - a: 1\n"
		   "    b: 2\n"
		   "- {}\n");
}

static void test_key_order_natural(void **state)
{
	(void)state;
	check_emit("{\"b\":1,\"a10\":1,\"a2\":1,\"A\":1,\"_x\":1}",
		   "_x: 1\nA: 1\na2: 1\na10: 1\nb: 1\n");
}

static void test_quoting(void **state)
{
	(void)state;
	check_emit("{\"a\":\"\",\"b\":\"true\",\"c\":\"no\",\"d\":\"null\",\"e\":\"~\","
		   "\"f\":\"123\",\"g\":\"1.5\",\"h\":\"2024-01-01\",\"i\":\" x\",\"j\":\"x \"}",
		   "a: ''\nb: 'true'\nc: 'no'\nd: 'null'\ne: '~'\nf: '123'\ng: '1.5'\n"
		   "h: '2024-01-01'\ni: ' x'\nj: 'x '\n");
	check_emit("{\"a\":\"-x\",\"b\":\"*x\",\"c\":\"it's\",\"d\":\"'q'\",\"e\":\"a: b\","
		   "\"f\":\"a #b\",\"g\":\"a#b\",\"h\":\"http://x:80/\",\"i\":\"@x\",\"j\":\"%x\"}",
		   "a: '-x'\nb: '*x'\nc: it's\nd: '''q'''\ne: 'a: b'\nf: 'a #b'\ng: a#b\n"
		   "h: http://x:80/\ni: '@x'\nj: '%x'\n");
	check_emit("{\"a\":\"0x1F\",\"b\":\"1e3\",\"c\":\".inf\",\"d\":\"+1\",\"e\":\"1_000\","
		   "\"f\":\"v1.2\",\"g\":\"nginx:1.25\"}",
		   "a: '0x1F'\nb: '1e3'\nc: '.inf'\nd: '+1'\ne: '1_000'\nf: v1.2\ng: nginx:1.25\n");
}

static void test_quoted_keys(void **state)
{
	(void)state;
	check_emit("{\"true\":1,\"8080\":2,\"a b\":3}", "'8080': 2\na b: 3\n'true': 1\n");
}

static void test_double_quoted_controls(void **state)
{
	(void)state;
	check_emit("{\"a\":\"x\\u001b[2Jy\",\"b\":\"tab\\there\",\"c\":\"bell\\u0007\","
		   "\"d\":\"q\\\"\\\\\",\"e\":\"\\u0085\\u2028\\u202e\"}",
		   "a: \"x\\e[2Jy\"\nb: \"tab\\there\"\nc: \"bell\\x07\"\nd: q\"\\\n"
		   "e: \"\\u0085\\u2028\\u202E\"\n");
}

static void test_literal_blocks(void **state)
{
	(void)state;
	check_emit("{\"s\":\"line1\\nline2\\n\"}", "s: |\n  line1\n  line2\n");
	check_emit("{\"s\":\"line1\\nline2\"}", "s: |-\n  line1\n  line2\n");
	check_emit("{\"s\":\"a\\n\\nb\\n\"}", "s: |\n  a\n\n  b\n");
	check_emit("{\"l\":[\"a\\nb\"]}", "l:\n- |-\n  a\n  b\n");
	check_emit("{\"m\":{\"s\":\"a\\nb\\n\"}}", "m:\n  s: |\n    a\n    b\n");
	/* what a literal block cannot hold exactly goes double-quoted */
	check_emit("{\"s\":\" lead\\nx\"}", "s: \" lead\\nx\"\n");
	check_emit("{\"s\":\"a\\n\\n\"}", "s: \"a\\n\\n\"\n");
	check_emit("{\"s\":\"\\n\"}", "s: \"\\n\"\n");
}

static void test_managed_fields(void **state)
{
	(void)state;
	json_t *v = parse("{\"metadata\":{\"name\":\"x\",\"managedFields\":[{\"manager\":\"kubectl\"}]}}");
	char *s = yaml_emit(v, NULL);
	assert_string_equal(s, "metadata:\n  name: x\n");
	free(s);
	s = yaml_emit(v, &(struct yaml_emit_options){.show_managed_fields = true});
	assert_string_equal(s, "metadata:\n  managedFields:\n  - manager: kubectl\n  name: x\n");
	free(s);
	/* the caller's object is untouched */
	assert_non_null(json_object_get(json_object_get(v, "metadata"), "managedFields"));
	json_decref(v);
}

static void test_round_trip_tricky_strings(void **state)
{
	(void)state;
	static const char *const strings[] = {
		"", " ", "true", "True", "yes", "Y", "n", "off", "null", "Null", "~", "<<", "=",
		"0", "-1", "007", "1.0", "1e10", "0x10", "0o17", ".5", "-.inf", ".NaN", "1:30",
		"2024-01-01", "2024-01-01T10:00:00Z", "- a", "-", "?", ":", "? x", ",", "[a]",
		"{a}", "#c", "&a", "*a", "!tag", "|", ">", "'", "\"", "%", "@", "`", "a: b",
		"a #b", "a:", "trailing ", " leading", "multi\nline", "multi\nline\n",
		"\nleading nl", "two\n\n", "x\n  indented\n", "tab\tin", "cr\r\nlf", "nul\0x",
		"esc\x1b[31m", "del\x7f", "c1\xc2\x85", "ls\u2028", "bidi\u202e", "bom\ufeff",
		"café ✓ 日本", "emoji 😀", "a'b\"c\\d", "  \n  ", "last line spaces\n   ",
		"--- doc", "...", "a\n---\nb",
	};
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		size_t len = strlen(strings[i]);
		if (strncmp(strings[i], "nul", 3) == 0)
			len = 5;
		json_t *v = json_pack("{s:s%, s:[s%], s%:i}", "value", strings[i], len, "list",
				      strings[i], len, strings[i], len, 1);
		check_round_trip(v);
		json_decref(v);
	}
}

static void test_round_trip_numbers(void **state)
{
	(void)state;
	json_t *v = parse("{\"i\":0,\"n\":-42,\"big\":9007199254740993,\"r\":0.1,\"e\":1e+100,"
			  "\"neg\":-2.5,\"one\":1.0,\"t\":true,\"f\":false,\"z\":null}");
	check_round_trip(v);
	json_decref(v);
}

static void round_trip_file(const char *path)
{
	json_error_t err;
	json_t *v = json_load_file(path, 0, &err);
	if (!v)
		fail_msg("%s: %s", path, err.text);
	check_round_trip(v);
	json_decref(v);
}

static void test_round_trip_fixtures(void **state)
{
	(void)state;
	static const char *const files[] = {
		"tests/fixtures/kubernetes/po.json",
		"tests/fixtures/kubernetes/imagePullError.json",
		"tests/fixtures/kubernetes/containerTerminatedSuccess.json",
		"tests/fixtures/kubernetes/sandbox-deploy.json",
		"tests/fixtures/kubernetes/sandbox-pod.json",
		"tests/fixtures/kubernetes/sandbox-svc.json",
		"tests/fixtures/kubernetes/sandbox-node.json",
		"tests/fixtures/kubernetes/sandbox-events.json",
		"tests/fixtures/kubernetes/table-pods-v1beta1.extracted.json",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		round_trip_file(files[i]);
}

/* Real YAML with long descriptions and multi-line strings (an Argo CD CRD and app). */
static void test_round_trip_yaml_fixtures(void **state)
{
	(void)state;
	static const char *const files[] = {
		"tests/fixtures/printer/diff-cache.yaml",
		"tests/fixtures/printer/application-crd.yaml",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char err[256];
		json_t *docs = yaml_load_file(files[i], err, sizeof(err));
		if (!docs)
			fail_msg("%s", err);
		check_round_trip(json_array_get(docs, 0));
		json_decref(docs);
	}
}

static void test_fixture_shape(void **state)
{
	(void)state;
	json_error_t err;
	json_t *pod = json_load_file("tests/fixtures/kubernetes/po.json", 0, &err);
	assert_non_null(pod);
	char *s = yaml_emit(pod, NULL);
	/* the last-applied annotation is one JSON line plus a newline: a literal block */
	assert_non_null(strstr(s, "    kubectl.kubernetes.io/last-applied-configuration: |\n"
				  "      {\"apiVersion\":\"v1\""));
	assert_non_null(strstr(s, "  resourceVersion: '1482816'\n"));
	assert_non_null(strstr(s, "  - image: nginx:alpine\n    imagePullPolicy: IfNotPresent\n"));
	assert_int_equal(strncmp(s, "apiVersion: v1\nkind: Pod\nmetadata:\n", 35), 0);
	assert_int_equal(s[strlen(s) - 1], '\n');
	free(s);
	json_decref(pod);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_nested),
		cmocka_unit_test(test_layout_scalars_and_empties),
		cmocka_unit_test(test_layout_nested_lists),
		cmocka_unit_test(test_key_order_natural),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_quoted_keys),
		cmocka_unit_test(test_double_quoted_controls),
		cmocka_unit_test(test_literal_blocks),
		cmocka_unit_test(test_managed_fields),
		cmocka_unit_test(test_round_trip_tricky_strings),
		cmocka_unit_test(test_round_trip_numbers),
		cmocka_unit_test(test_round_trip_fixtures),
		cmocka_unit_test(test_round_trip_yaml_fixtures),
		cmocka_unit_test(test_fixture_shape),
	};
	return cmocka_run_group_tests_name("yaml_emit", tests, NULL, NULL);
}
