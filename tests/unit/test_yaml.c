/* Unit tests for core/yaml: YAML documents into JSON values, errors with file:line:col. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/yaml.h"

static json_t *parse(const char *text, char *err, size_t errlen)
{
	return yaml_parse_documents("t.yaml", text, strlen(text), err, errlen);
}

static void test_scalar_types(void **state)
{
	(void)state;
	char err[256] = "";
	json_t *docs = parse("a: 1\nb: true\nc: ~\nd: \"1\"\ne: 1.5\nf: hello\ng: 007\nh: -3\n",
			     err, sizeof(err));
	assert_non_null(docs);
	json_t *d = json_array_get(docs, 0);
	assert_int_equal(json_integer_value(json_object_get(d, "a")), 1);
	assert_true(json_is_true(json_object_get(d, "b")));
	assert_true(json_is_null(json_object_get(d, "c")));
	assert_string_equal(json_string_value(json_object_get(d, "d")), "1");
	assert_true(json_is_real(json_object_get(d, "e")));
	assert_string_equal(json_string_value(json_object_get(d, "f")), "hello");
	assert_string_equal(json_string_value(json_object_get(d, "g")), "007");
	assert_int_equal(json_integer_value(json_object_get(d, "h")), -3);
	json_decref(docs);
}

static void test_multiple_documents_and_empty_ones(void **state)
{
	(void)state;
	char err[256] = "";
	json_t *docs = parse("---\nkind: A\n---\n---\nkind: B\n...\n", err, sizeof(err));
	assert_non_null(docs);
	assert_int_equal(json_array_size(docs), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(docs, 1), "kind")), "B");
	json_decref(docs);
}

static void test_sequences_anchors_and_merge(void **state)
{
	(void)state;
	char err[256] = "";
	json_t *docs = parse("base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\nlist: [a, *b]\n",
			     err, sizeof(err));
	assert_non_null(docs);
	json_t *d = json_array_get(docs, 0);
	json_t *item = json_object_get(d, "item");
	assert_int_equal(json_integer_value(json_object_get(item, "x")), 1);
	assert_int_equal(json_integer_value(json_object_get(item, "y")), 3);
	json_t *list = json_object_get(d, "list");
	assert_int_equal(json_array_size(list), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 1), "y")), 2);
	json_decref(docs);
}

/* Only a plain << merges (YAML 1.1); quoted, it is an ordinary key, as an emitter
 * writes a JSON object's "<<" key. */
static void test_quoted_merge_key_is_an_ordinary_key(void **state)
{
	(void)state;
	char err[256] = "";
	json_t *docs = parse("a: {'<<': 1}\nb: {\"<<\": {x: 1}}\nc:\n  '<<': [1]\n  y: 2\n",
			     err, sizeof(err));
	assert_non_null(docs);
	json_t *d = json_array_get(docs, 0);
	json_t *a = json_object_get(d, "a");
	assert_int_equal(json_object_size(a), 1);
	assert_int_equal(json_integer_value(json_object_get(a, "<<")), 1);
	json_t *b = json_object_get(d, "b");
	assert_int_equal(json_object_size(b), 1);
	assert_null(json_object_get(b, "x"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(b, "<<"), "x")), 1);
	json_t *c = json_object_get(d, "c");
	assert_int_equal(json_array_size(json_object_get(c, "<<")), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "y")), 2);
	json_decref(docs);
}

static void test_plain_merge_key_merges(void **state)
{
	(void)state;
	char err[256] = "";
	/* a list of mappings merges in order, the first wins; the mapping's own keys win */
	json_t *docs = parse("p: &p {x: 1, y: 1}\nq: &q {y: 2, z: 2}\n"
			     "m:\n  <<: [*p, *q]\n  z: 3\n", err, sizeof(err));
	assert_non_null(docs);
	json_t *m = json_object_get(json_array_get(docs, 0), "m");
	assert_int_equal(json_object_size(m), 3);
	assert_null(json_object_get(m, "<<"));
	assert_int_equal(json_integer_value(json_object_get(m, "x")), 1);
	assert_int_equal(json_integer_value(json_object_get(m, "y")), 1);
	assert_int_equal(json_integer_value(json_object_get(m, "z")), 3);
	json_decref(docs);

	/* a plain << with a scalar is still an error, reported at the key */
	docs = parse("a: 1\nb:\n  <<: 1\n", err, sizeof(err));
	assert_null(docs);
	assert_non_null(strstr(err, "t.yaml:3:3: merge key '<<' needs a mapping"));
}

static void test_json_is_yaml_and_bom_skipped(void **state)
{
	(void)state;
	char err[256] = "";
	json_t *docs = parse("\xEF\xBB\xBF{\"a\": [1, 2, {\"b\": null}]}", err, sizeof(err));
	assert_non_null(docs);
	json_t *a = json_object_get(json_array_get(docs, 0), "a");
	assert_int_equal(json_array_size(a), 3);
	json_decref(docs);
}

static void test_syntax_error_names_line_and_column(void **state)
{
	(void)state;
	char err[256] = "";
	json_t *docs = parse("a: 1\nb: [1, 2\nc: 3\n", err, sizeof(err));
	assert_null(docs);
	assert_non_null(strstr(err, "t.yaml:"));
	/* the unclosed flow sequence is reported on line 3 or later, never line 1 */
	assert_null(strstr(err, "t.yaml:1:"));

	docs = parse("a: 1\n  b: 2\n", err, sizeof(err));
	assert_null(docs);
	assert_non_null(strstr(err, "t.yaml:2:"));
}

static void test_unknown_alias_is_an_error(void **state)
{
	(void)state;
	char err[256] = "";
	json_t *docs = parse("a: *nope\n", err, sizeof(err));
	assert_null(docs);
	assert_non_null(strstr(err, "t.yaml:1:"));
}

static void test_missing_file(void **state)
{
	(void)state;
	char err[256] = "";
	assert_null(yaml_load_file("/nonexistent/x.yaml", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/x.yaml: "));
}

/* Found by fuzzing: a nested mapping as a key grew its JSON text key exponentially, and
 * deep nesting overflowed the stack. Both are refused with their position. */
static void test_hostile_shapes_refused(void **state)
{
	(void)state;
	char err[256] = "";
	json_t *docs = parse("a: 1\n? {b: 1}\n: 2\n", err, sizeof(err));
	assert_null(docs);
	assert_non_null(strstr(err, "t.yaml:2:"));
	assert_non_null(strstr(err, "a mapping or sequence cannot be a key"));

	size_t depth = 600;
	char *deep = malloc(2 * depth + 2);
	assert_non_null(deep);
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	strcpy(deep + 2 * depth, "\n");
	docs = parse(deep, err, sizeof(err));
	assert_null(docs);
	assert_non_null(strstr(err, "t.yaml:1:513: nested too deeply"));
	/* as deep as real files go is fine */
	deep[100] = '\0';
	memset(deep + 50, ']', 50);
	docs = parse(deep, err, sizeof(err));
	assert_non_null(docs);
	json_decref(docs);
	free(deep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalar_types),
		cmocka_unit_test(test_multiple_documents_and_empty_ones),
		cmocka_unit_test(test_sequences_anchors_and_merge),
		cmocka_unit_test(test_quoted_merge_key_is_an_ordinary_key),
		cmocka_unit_test(test_plain_merge_key_merges),
		cmocka_unit_test(test_json_is_yaml_and_bom_skipped),
		cmocka_unit_test(test_syntax_error_names_line_and_column),
		cmocka_unit_test(test_unknown_alias_is_an_error),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_hostile_shapes_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
