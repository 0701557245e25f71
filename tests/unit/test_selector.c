/* Unit tests for sandbox/selector: label and field selector syntax, matching, and the
 * API server's error wording. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sandbox/selector.h"

static json_t *pod(const char *labels_json, const char *phase)
{
	json_error_t jerr;
	json_t *labels = json_loads(labels_json, 0, &jerr);
	assert_non_null(labels);
	json_t *obj = json_pack("{s:{s:s,s:s,s:o},s:{s:s,s:i,s:b},s:{s:s}}",
				"metadata", "name", "web-1", "namespace", "shop", "labels", labels,
				"spec", "nodeName", "node-a", "priority", 7, "hostNetwork", 0,
				"status", "phase", phase);
	assert_non_null(obj);
	return obj;
}

/* Parses a label selector (which must parse) and reports whether it matches obj. */
static bool labels_match(const char *text, const json_t *obj)
{
	char err[512] = "";
	struct selector *sel = selector_parse_labels(text, err, sizeof err);
	if (!sel)
		fail_msg("selector '%s' did not parse: %s", text, err);
	bool m = selector_matches(sel, obj);
	selector_free(sel);
	return m;
}

static bool fields_match(const char *text, const json_t *obj)
{
	char err[512] = "";
	struct selector *sel = selector_parse_fields(text, err, sizeof err);
	if (!sel)
		fail_msg("field selector '%s' did not parse: %s", text, err);
	bool m = selector_matches(sel, obj);
	selector_free(sel);
	return m;
}

static const char *label_error(const char *text, char *err, size_t errlen)
{
	err[0] = '\0';
	struct selector *sel = selector_parse_labels(text, err, errlen);
	assert_null(sel);
	assert_true(err[0] != '\0');
	return err;
}

static const char *field_error(const char *text, char *err, size_t errlen)
{
	err[0] = '\0';
	struct selector *sel = selector_parse_fields(text, err, errlen);
	assert_null(sel);
	assert_true(err[0] != '\0');
	return err;
}

static void test_empty_selectors_match_everything(void **state)
{
	(void)state;
	json_t *obj = pod("{}", "Running");
	assert_true(labels_match("", obj));
	assert_true(labels_match("   ", obj));
	assert_true(fields_match("", obj));
	char err[64];
	struct selector *sel = selector_parse_labels(NULL, err, sizeof err);
	assert_non_null(sel);
	assert_true(selector_matches(sel, obj));
	selector_free(sel);
	sel = selector_parse_fields(NULL, err, sizeof err);
	assert_true(selector_matches(sel, obj));
	selector_free(sel);
	assert_true(selector_matches(NULL, obj));
	selector_free(NULL);
	json_decref(obj);
}

static void test_equality_operators(void **state)
{
	(void)state;
	json_t *obj = pod("{\"app\":\"web\",\"tier\":\"front\"}", "Running");
	assert_true(labels_match("app=web", obj));
	assert_true(labels_match("app==web", obj));
	assert_true(labels_match(" app = web ", obj));
	assert_false(labels_match("app=api", obj));
	assert_true(labels_match("app!=api", obj));
	assert_false(labels_match("app!=web", obj));
	/* != matches objects without the label, = does not */
	assert_true(labels_match("missing!=x", obj));
	assert_false(labels_match("missing=x", obj));
	assert_true(labels_match("app=web,tier=front", obj));
	assert_false(labels_match("app=web,tier=back", obj));
	/* an empty value is a value */
	assert_false(labels_match("app=", obj));
	assert_true(labels_match("app!=", obj));
	json_decref(obj);
	obj = pod("{\"flag\":\"\"}", "Running");
	assert_true(labels_match("flag=", obj));
	assert_true(labels_match("flag", obj));
	json_decref(obj);
}

static void test_set_operators(void **state)
{
	(void)state;
	json_t *obj = pod("{\"env\":\"prod\"}", "Running");
	assert_true(labels_match("env in (prod,uat)", obj));
	assert_true(labels_match("env in ( uat , prod )", obj));
	assert_false(labels_match("env in (dev,uat)", obj));
	assert_true(labels_match("env notin (dev,uat)", obj));
	assert_false(labels_match("env notin (prod)", obj));
	/* notin matches objects without the key; in does not */
	assert_true(labels_match("team notin (a)", obj));
	assert_false(labels_match("team in (a)", obj));
	/* "in" and "notin" are plain words in value position */
	assert_false(labels_match("env in (in,notin)", obj));
	json_decref(obj);
	obj = pod("{\"env\":\"in\"}", "Running");
	assert_true(labels_match("env in (in,notin)", obj));
	json_decref(obj);
	/* "()" and empty entries stand for the empty value */
	obj = pod("{\"env\":\"\"}", "Running");
	assert_true(labels_match("env in ()", obj));
	assert_true(labels_match("env in (a,,b)", obj));
	assert_true(labels_match("env in (a,)", obj));
	assert_true(labels_match("env in (,a)", obj));
	assert_false(labels_match("env in (a,b)", obj));
	json_decref(obj);
}

static void test_exists_and_prefixed_keys(void **state)
{
	(void)state;
	json_t *obj = pod("{\"app.kubernetes.io/name\":\"shop\",\"app.kubernetes.io/part-of\":\"x\"}",
			  "Running");
	assert_true(labels_match("app.kubernetes.io/name", obj));
	assert_true(labels_match("app.kubernetes.io/name=shop", obj));
	assert_true(labels_match("app.kubernetes.io/name in (shop, cart)", obj));
	assert_false(labels_match("!app.kubernetes.io/name", obj));
	assert_true(labels_match("!app.kubernetes.io/version", obj));
	assert_false(labels_match("app.kubernetes.io/version", obj));
	assert_true(labels_match("app.kubernetes.io/name,!app.kubernetes.io/version", obj));
	assert_true(labels_match("app.kubernetes.io/name=shop, app.kubernetes.io/part-of", obj));
	json_decref(obj);
	/* an object without metadata.labels has no labels */
	json_t *bare = json_pack("{s:{s:s}}", "metadata", "name", "x");
	assert_true(labels_match("!a", bare));
	assert_false(labels_match("a", bare));
	assert_true(labels_match("a!=b", bare));
	json_decref(bare);
}

static void test_gt_lt(void **state)
{
	(void)state;
	json_t *obj = pod("{\"rank\":\"10\",\"name\":\"x\"}", "Running");
	assert_true(labels_match("rank>5", obj));
	assert_false(labels_match("rank>10", obj));
	assert_true(labels_match("rank<11", obj));
	assert_false(labels_match("rank<3", obj));
	/* a negative number is not a valid label value, as in apimachinery */
	char err[512];
	struct selector *sel = selector_parse_labels("rank<-3", err, sizeof err);
	assert_null(sel);
	assert_non_null(strstr(err, "Invalid value: \"-3\""));
	assert_false(labels_match("name>1", obj));      /* not a number: no match */
	assert_false(labels_match("missing<100", obj));
	json_decref(obj);
}

static void test_label_syntax_errors(void **state)
{
	(void)state;
	char err[1024];
	assert_string_equal(label_error("a b", err, sizeof err),
			    "unable to parse requirement: found 'b', expected: in, notin, =, ==, "
			    "!=, gt, lt");
	assert_string_equal(label_error("a=b c", err, sizeof err),
			    "found 'c', expected: ',' or 'end of string'");
	assert_string_equal(label_error("a=b,", err, sizeof err),
			    "found '', expected: identifier after ','");
	assert_string_equal(label_error("a=b,,c", err, sizeof err),
			    "found ',', expected: identifier after ','");
	assert_string_equal(label_error("=b", err, sizeof err),
			    "found '=', expected: !, identifier, or 'end of string'");
	assert_string_equal(label_error("!", err, sizeof err),
			    "unable to parse requirement: found '', expected: identifier");
	assert_string_equal(label_error("a in b", err, sizeof err),
			    "unable to parse requirement: found 'b' expected: '('");
	assert_string_equal(label_error("a in (b", err, sizeof err),
			    "unable to parse requirement: found '', expected: ',' or ')'");
	assert_string_equal(label_error("a in (b c)", err, sizeof err),
			    "unable to parse requirement: found 'c', expected: ',' or ')'");
	assert_string_equal(label_error("a in (=)", err, sizeof err),
			    "unable to parse requirement: found '=', expected: ',', ')' or identifier");
	assert_string_equal(label_error("a=(b)", err, sizeof err),
			    "unable to parse requirement: found '(', expected: identifier");
	assert_string_equal(label_error("a in", err, sizeof err),
			    "unable to parse requirement: found '' expected: '('");
}

static void test_label_validation_errors(void **state)
{
	(void)state;
	char err[2048];
	label_error("a@b=c", err, sizeof err);
	assert_non_null(strstr(err, "unable to parse requirement: <nil>: Invalid value: \"a@b\": "
				    "name part must consist of alphanumeric characters"));
	label_error("Example.com/x", err, sizeof err);
	assert_non_null(strstr(err, "Invalid value: \"Example.com/x\": prefix part a lowercase "
				    "RFC 1123 subdomain"));
	label_error("/x", err, sizeof err);
	assert_non_null(strstr(err, "prefix part must be non-empty"));
	label_error("a/b/c", err, sizeof err);
	assert_non_null(strstr(err, "a qualified name must consist of"));
	assert_non_null(strstr(err, "with an optional DNS subdomain prefix and '/'"));
	label_error("example.com/", err, sizeof err);
	assert_non_null(strstr(err, "name part must be non-empty; name part must consist"));
	char longkey[80];
	memset(longkey, 'k', 64);
	longkey[64] = '\0';
	label_error(longkey, err, sizeof err);
	assert_non_null(strstr(err, "name part must be no more than 63 characters"));
	longkey[63] = '\0';
	json_t *obj = pod("{}", "Running");
	assert_false(labels_match(longkey, obj));   /* 63 is fine */

	label_error("a=b@c", err, sizeof err);
	assert_string_equal(strstr(err, "values[0][a]: Invalid value: \"b@c\": a valid label value "
					"must be an empty string"), err + strlen("unable to parse "
										 "requirement: "));
	label_error("a in (ok,-bad)", err, sizeof err);
	assert_non_null(strstr(err, "\"-bad\""));
	label_error("a>x", err, sizeof err);
	assert_non_null(strstr(err, "values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, "
				    "the value must be an integer"));
	/* two failures are listed together, as an aggregate prints them */
	label_error("a in (-x,-y)", err, sizeof err);
	assert_non_null(strstr(err, "requirement: [values[0][a]"));
	assert_non_null(strstr(err, ", values[1][a]"));
	json_decref(obj);
}

static void test_error_is_truncated_safely(void **state)
{
	(void)state;
	char err[16];
	memset(err, 'z', sizeof err);
	assert_null(selector_parse_labels("a b", err, sizeof err));
	assert_int_equal(strlen(err), sizeof err - 1);
	assert_null(selector_parse_fields("nonsense", err, sizeof err));
	assert_int_equal(strlen(err), sizeof err - 1);
}

static void test_field_selectors(void **state)
{
	(void)state;
	json_t *obj = pod("{}", "Running");
	assert_true(fields_match("metadata.name=web-1", obj));
	assert_true(fields_match("metadata.name==web-1", obj));
	assert_false(fields_match("metadata.name=web-2", obj));
	assert_true(fields_match("metadata.name!=web-2", obj));
	assert_false(fields_match("metadata.name!=web-1", obj));
	assert_true(fields_match("metadata.namespace=shop,status.phase=Running", obj));
	assert_false(fields_match("metadata.namespace=shop,status.phase=Pending", obj));
	assert_true(fields_match("status.phase!=Succeeded,status.phase!=Failed", obj));
	assert_true(fields_match("spec.nodeName=node-a", obj));
	/* a missing field compares as "" */
	assert_true(fields_match("spec.missing=", obj));
	assert_true(fields_match("nothing.at.all=", obj));
	assert_false(fields_match("spec.missing=x", obj));
	assert_true(fields_match("spec.missing!=x", obj));
	/* non-strings compare in their JSON form; objects as "" */
	assert_true(fields_match("spec.priority=7", obj));
	assert_true(fields_match("spec.hostNetwork=false", obj));
	assert_true(fields_match("spec=", obj));
	/* empty terms are skipped */
	assert_true(fields_match(",metadata.name=web-1,", obj));
	json_decref(obj);
}

static void test_field_escapes(void **state)
{
	(void)state;
	json_t *obj = json_pack("{s:{s:s}}", "metadata", "name", "a,b=c\\d");
	assert_true(fields_match("metadata.name=a\\,b\\=c\\\\d", obj));
	assert_false(fields_match("metadata.name=a\\,b", obj));
	json_decref(obj);
	obj = json_pack("{s:{s:s}}", "metadata", "name", "x=y");
	/* the first operator splits the term; "==" is one operator */
	assert_true(fields_match("metadata.name=x\\=y", obj));
	json_decref(obj);
}

static void test_field_errors(void **state)
{
	(void)state;
	char err[256];
	assert_string_equal(field_error("metadata.name", err, sizeof err),
			    "invalid selector: 'metadata.name'; can't understand 'metadata.name'");
	assert_string_equal(field_error("a=b,c", err, sizeof err),
			    "invalid selector: 'a=b,c'; can't understand 'c'");
	assert_string_equal(field_error("a=b\\x", err, sizeof err),
			    "invalid field selector: invalid escape sequence: \\x");
	assert_string_equal(field_error("a=b\\", err, sizeof err),
			    "invalid field selector: invalid escape sequence: \\");
	assert_string_equal(field_error("a==b=c", err, sizeof err),
			    "invalid field selector: unescaped character in value: 61");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_selectors_match_everything),
		cmocka_unit_test(test_equality_operators),
		cmocka_unit_test(test_set_operators),
		cmocka_unit_test(test_exists_and_prefixed_keys),
		cmocka_unit_test(test_gt_lt),
		cmocka_unit_test(test_label_syntax_errors),
		cmocka_unit_test(test_label_validation_errors),
		cmocka_unit_test(test_error_is_truncated_safely),
		cmocka_unit_test(test_field_selectors),
		cmocka_unit_test(test_field_escapes),
		cmocka_unit_test(test_field_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
