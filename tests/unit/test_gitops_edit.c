/* Unit tests for core/gitops_edit: image tags read and written in kustomization.yaml and
 * Helm values files, with every byte outside the changed value left as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/gitops_edit.h"
#include "core/yaml.h"
#include "core/yaml_mark.h"

#define FIX "tests/fixtures/gitops/"

/* ---- helpers ---- */

/* The newTag core/yaml reads for the first entry named image, in any document. */
static json_t *json_kz_tag(json_t *docs, const char *image)
{
	size_t i, j;
	json_t *doc, *entry;
	json_array_foreach(docs, i, doc) {
		json_array_foreach(json_object_get(doc, "images"), j, entry) {
			if (json_is_string(json_object_get(entry, "name")) &&
			    strcmp(json_string_value(json_object_get(entry, "name")), image) == 0)
				return json_object_get(entry, "newTag");
		}
	}
	return NULL;
}

static json_t *json_helm_value(json_t *docs, const char *path)
{
	json_t *node = json_array_get(docs, 0);
	char *copy = strdup(path);
	for (char *save = NULL, *k = strtok_r(copy, ".", &save); k && node;
	     k = strtok_r(NULL, ".", &save))
		node = json_is_array(node) ? json_array_get(node, strtoul(k, NULL, 10))
					   : json_object_get(node, k);
	free(copy);
	return node;
}

/* core/yaml parses out and reads want, as a string, at the edited place. */
static void assert_parses_to(const char *out, bool kustomize, const char *sel, const char *want)
{
	char err[256] = "";
	json_t *docs = yaml_parse_documents("out.yaml", out, strlen(out), err, sizeof(err));
	assert_non_null(docs);
	json_t *v = kustomize ? json_kz_tag(docs, sel) : json_helm_value(docs, sel);
	assert_non_null(v);
	assert_true(json_is_string(v));
	assert_string_equal(json_string_value(v), want);
	json_decref(docs);
}

static char *kz_set(const char *text, const char *image, const char *tag)
{
	char err[256] = "";
	char *out = gitops_kustomize_set_tag(text, image, tag, err, sizeof(err));
	if (!out)
		fail_msg("set %s=%s: %s", image, tag, err);
	return out;
}

static char *helm_set(const char *text, const char *path, const char *value)
{
	char err[256] = "";
	char *out = gitops_helm_set_value(text, path, value, err, sizeof(err));
	if (!out)
		fail_msg("set %s=%s: %s", path, value, err);
	return out;
}

static void assert_kz_edit(const char *in, const char *image, const char *tag,
			   const char *expected)
{
	char *out = kz_set(in, image, tag);
	assert_string_equal(out, expected);
	assert_parses_to(out, true, image, tag);
	char err[256] = "";
	char *got = gitops_kustomize_get_tag(out, image, err, sizeof(err));
	assert_non_null(got);
	assert_string_equal(got, tag);
	free(got);
	free(out);
}

static void assert_helm_edit(const char *in, const char *path, const char *value,
			     const char *expected)
{
	char *out = helm_set(in, path, value);
	assert_string_equal(out, expected);
	assert_parses_to(out, false, path, value);
	free(out);
}

static void assert_kz_refused(const char *in, const char *image, const char *tag,
			      const char *err_part)
{
	char err[256] = "";
	char *out = gitops_kustomize_set_tag(in, image, tag, err, sizeof(err));
	assert_null(out);
	if (!strstr(err, err_part))
		fail_msg("error \"%s\" lacks \"%s\"", err, err_part);
}

/* ---- real-world fixtures: only the value's bytes change ---- */

struct fixture_case {
	const char *file;
	bool kustomize;
	const char *sel;      /* image name or dotted path */
	const char *locator;  /* text just before the old value, unique in the file */
	const char *old;      /* the old value's bytes */
	const char *value;    /* the new value */
	const char *written;  /* the bytes expected in its place */
};

static const struct fixture_case fixture_cases[] = {
	{"argo-cd-ha-base-kustomization.yaml", true, "quay.io/argoproj/argocd",
	 "newTag: ", "v2.7.6", "v2.8.0", "v2.8.0"},
	{"image-updater-base-kustomization.yaml", true, "argoprojlabs/argocd-image-updater",
	 "newTag: latest\n- name: argoprojlabs/argocd-image-updater\n"
	 "  newName: argoprojlabs/argocd-image-updater\n  newTag: ", "v0.1.1", "v0.12.0",
	 "v0.12.0"},
	{"image-updater-base-kustomization.yaml", true, "argoproj-labs/argocd-image-updater",
	 "  newTag: ", "latest", "1.10", "\"1.10\""},
	{"image-updater-helm-values.yaml", false, "image.tag", "  tag: ",
	 "0.1@sha256:fe18e00a6aeece16b5b2f77a32ee60929e8a60e27c71df8df66bf804f5677f47",
	 "0.2@sha256:0000000000000000000000000000000000000000000000000000000000000abc",
	 "0.2@sha256:0000000000000000000000000000000000000000000000000000000000000abc"},
	{"image-updater-nginx-values.yaml", false, "image.tag", "  tag: ", "\"latest\"", "1.27",
	 "\"1.27\""},
	{"podinfo-chart-values.yaml", false, "image.tag", "  tag: ", "6.9.1", "6.10.0",
	 "6.10.0"},
	{"podinfo-chart-values.yaml", false, "redis.tag", "  repository: redis\n  tag: ",
	 "7.0.7", "7.2", "\"7.2\""},
};

static char *read_fixture(const char *file, size_t *len)
{
	char path[512];
	snprintf(path, sizeof(path), FIX "%s", file);
	char *text = yaml_mark_read_file(path, len);
	if (!text)
		fail_msg("cannot read %s", path);
	return text;
}

/* Where in and out stop being equal from the front and from the back. */
static void diff_region(const char *a, size_t la, const char *b, size_t lb, size_t *pre,
			size_t *suf)
{
	size_t p = 0, s = 0;
	while (p < la && p < lb && a[p] == b[p])
		p++;
	while (s < la - p && s < lb - p && a[la - 1 - s] == b[lb - 1 - s])
		s++;
	*pre = p;
	*suf = s;
}

static void check_fixture_case(const struct fixture_case *c)
{
	size_t la;
	char *in = read_fixture(c->file, &la);
	const char *loc = strstr(in, c->locator);
	assert_non_null(loc);
	size_t at = (size_t)(loc - in) + strlen(c->locator), old_len = strlen(c->old);
	assert_memory_equal(in + at, c->old, old_len);

	char *out = c->kustomize ? kz_set(in, c->sel, c->value) : helm_set(in, c->sel, c->value);
	size_t lb = strlen(out), pre, suf;
	diff_region(in, la, out, lb, &pre, &suf);
	/* the changed run of the input lies inside the old value ... */
	assert_true(pre >= at);
	assert_true(la - suf <= at + old_len);
	/* ... and the output is the input with exactly that value replaced */
	assert_int_equal(lb, la - old_len + strlen(c->written));
	assert_memory_equal(out, in, at);
	assert_memory_equal(out + at, c->written, strlen(c->written));
	assert_string_equal(out + at + strlen(c->written), in + at + old_len);
	assert_parses_to(out, c->kustomize, c->sel, c->value);
	free(out);
	free(in);
}

static void test_fixtures_change_only_the_value(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fixture_cases) / sizeof(fixture_cases[0]); i++)
		check_fixture_case(&fixture_cases[i]);
}

/* Setting the value a file already has gives the file back byte for byte. */
static void test_fixtures_same_value_is_identity(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fixture_cases) / sizeof(fixture_cases[0]); i++) {
		const struct fixture_case *c = &fixture_cases[i];
		size_t len;
		char *in = read_fixture(c->file, &len);
		char err[256] = "";
		char *cur = c->kustomize ? gitops_kustomize_get_tag(in, c->sel, err, sizeof(err))
					 : gitops_helm_get_value(in, c->sel, err, sizeof(err));
		assert_non_null(cur);
		char *out = c->kustomize ? kz_set(in, c->sel, cur) : helm_set(in, c->sel, cur);
		assert_string_equal(out, in);
		free(out);
		free(cur);
		free(in);
	}
}

static void test_fixture_get(void **state)
{
	(void)state;
	size_t len;
	char err[256] = "";
	char *in = read_fixture("image-updater-base-kustomization.yaml", &len);
	char *tag = gitops_kustomize_get_tag(in, "argoprojlabs/argocd-image-updater", err,
					     sizeof(err));
	assert_string_equal(tag, "v0.1.1");
	free(tag);
	free(in);
	in = read_fixture("image-updater-helm-values.yaml", &len);
	tag = gitops_helm_get_value(in, "image.tag", err, sizeof(err));
	assert_string_equal(tag, "0.1@sha256:fe18e00a6aeece16b5b2f77a32ee60929e8a60e27c71df8df66bf804f5677f47");
	free(tag);
	free(in);
	in = read_fixture("image-updater-nginx-values.yaml", &len);
	tag = gitops_helm_get_value(in, "image.tag", err, sizeof(err));
	assert_string_equal(tag, "latest");
	free(tag);
	free(in);
}

/* ---- kustomize edge cases ---- */

static void test_kz_comment_on_the_same_line(void **state)
{
	(void)state;
	assert_kz_edit("images:\n- name: web\n  newTag: 1.2.3 # pinned\n", "web", "1.2.4",
		       "images:\n- name: web\n  newTag: 1.2.4 # pinned\n");
	assert_kz_edit("images:\n- name: web\n  newTag: \"1.2.3\"   # pinned\n", "web", "2.0",
		       "images:\n- name: web\n  newTag: \"2.0\"   # pinned\n");
}

static void test_kz_crlf(void **state)
{
	(void)state;
	assert_kz_edit("images:\r\n- name: web\r\n  newTag: v1\r\nresources:\r\n- a.yaml\r\n",
		       "web", "v2",
		       "images:\r\n- name: web\r\n  newTag: v2\r\nresources:\r\n- a.yaml\r\n");
	assert_kz_edit("images:\r\n- name: web\r\n  newName: r/web\r\n", "web", "v2",
		       "images:\r\n- name: web\r\n  newTag: v2\r\n  newName: r/web\r\n");
}

static void test_kz_flow_entries(void **state)
{
	(void)state;
	assert_kz_edit("images:\n- {name: x, newTag: 1}\n", "x", "v2",
		       "images:\n- {name: x, newTag: v2}\n");
	/* a number-looking tag into a plain scalar is quoted so it stays a string */
	assert_kz_edit("images:\n- {name: x, newTag: 1}\n", "x", "2",
		       "images:\n- {name: x, newTag: \"2\"}\n");
	assert_kz_edit("images: [{name: x, newTag: v1}, {name: y}]\n", "y", "v3",
		       "images: [{name: x, newTag: v1}, {name: y, newTag: v3}]\n");
	char err[256] = "";
	char *tag = gitops_kustomize_get_tag("images:\n- {newTag: 7, name: x}\n", "x", err,
					     sizeof(err));
	assert_string_equal(tag, "7");
	free(tag);
}

static void test_kz_documents(void **state)
{
	(void)state;
	assert_kz_edit("---\nkind: A\nimages:\n- name: y\n  newTag: a\n---\n# second\n"
		       "images:\n- name: x\n  newTag: a\n...\n",
		       "x", "b",
		       "---\nkind: A\nimages:\n- name: y\n  newTag: a\n---\n# second\n"
		       "images:\n- name: x\n  newTag: b\n...\n");
}

static void test_kz_anchors(void **state)
{
	(void)state;
	const char *aliased = "base: &t v1\nimages:\n- name: x\n  newTag: *t\n";
	char err[256] = "";
	char *tag = gitops_kustomize_get_tag(aliased, "x", err, sizeof(err));
	assert_string_equal(tag, "v1");
	free(tag);
	assert_kz_refused(aliased, "x", "v2", "is an alias (*t)");
	assert_kz_refused("images:\n- name: x\n  newTag: &t v1\n- name: y\n  newTag: *t\n", "x",
			  "v2", "anchored (&t)");
	/* an anchor nobody refers to is kept, with only the value after it changed */
	assert_kz_edit("images:\n- name: x\n  newTag: &t v1\n", "x", "v2",
		       "images:\n- name: x\n  newTag: &t v2\n");
}

static void test_kz_first_of_duplicate_names(void **state)
{
	(void)state;
	assert_kz_edit("images:\n- name: x\n  newTag: a\n- name: x\n  newTag: b\n", "x", "c",
		       "images:\n- name: x\n  newTag: c\n- name: x\n  newTag: b\n");
}

static void test_kz_digest_tags(void **state)
{
	(void)state;
	const char *d = "v1.2@sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3";
	char expected[512];
	snprintf(expected, sizeof(expected), "images:\n- name: x\n  newTag: %s\n", d);
	assert_kz_edit("images:\n- name: x\n  newTag: v1\n", "x", d, expected);
	snprintf(expected, sizeof(expected), "images:\n- name: x\n  newTag: '%s'\n", d);
	assert_kz_edit("images:\n- name: x\n  newTag: 'v1'\n", "x", d, expected);
}

static void test_kz_final_newline_or_none(void **state)
{
	(void)state;
	assert_kz_edit("images:\n- name: x\n  newTag: v1", "x", "v22",
		       "images:\n- name: x\n  newTag: v22");
	assert_kz_edit("images:\n- name: x", "x", "v2", "images:\n- name: x\n  newTag: v2");
	assert_kz_edit("images:\n- name: x\n", "x", "v2", "images:\n- name: x\n  newTag: v2\n");
}

static void test_kz_insert_keeps_indentation(void **state)
{
	(void)state;
	assert_kz_edit("images:\n  - name: web # the api\n    newName: r/web\nresources: []\n",
		       "web", "1.4.0",
		       "images:\n  - name: web # the api\n    newTag: 1.4.0\n    newName: r/web\n"
		       "resources: []\n");
	assert_kz_edit("images:\n  - newName: r/web\n    name: web\n", "web", "v1",
		       "images:\n  - newName: r/web\n    name: web\n    newTag: v1\n");
}

static void test_kz_quoting_styles(void **state)
{
	(void)state;
	assert_kz_edit("images:\n- name: x\n  newTag: '1.9'\n", "x", "1.10",
		       "images:\n- name: x\n  newTag: '1.10'\n");
	assert_kz_edit("images:\n- name: x\n  newTag: \"3.6\"\n", "x", "3.7",
		       "images:\n- name: x\n  newTag: \"3.7\"\n");
	assert_kz_edit("images:\n- name: x\n  newTag: 1.2.3\n", "x", "1.10",
		       "images:\n- name: x\n  newTag: \"1.10\"\n");
	assert_kz_edit("images:\n- name: x\n  newTag: v1\n", "x", "on",
		       "images:\n- name: x\n  newTag: \"on\"\n");
	assert_kz_edit("images:\n- name: x\n  newTag: v1\n", "x", "2024-01-31",
		       "images:\n- name: x\n  newTag: \"2024-01-31\"\n");
	assert_kz_edit("images:\n- name: x\n  newTag: v1\n", "x", "1e3",
		       "images:\n- name: x\n  newTag: \"1e3\"\n");
	assert_kz_edit("images:\n- name: x\n  newTag: v1\n", "x", "v1.10",
		       "images:\n- name: x\n  newTag: v1.10\n");
	assert_kz_edit("images:\n- name: x\n  newTag: 'a'\n", "x", "it's",
		       "images:\n- name: x\n  newTag: 'it''s'\n");
	assert_kz_edit("images:\n- name: x\n  newTag: \"a\"\n", "x", "a\"b\\c",
		       "images:\n- name: x\n  newTag: \"a\\\"b\\\\c\"\n");
	assert_kz_edit("images:\n- name: x\n  newTag: a\n", "x", "#x",
		       "images:\n- name: x\n  newTag: \"#x\"\n");
	/* the entry's name is untouched when only the key order differs */
	assert_kz_edit("images:\n- newTag: v1\n  name: x\n", "x", "v2",
		       "images:\n- newTag: v2\n  name: x\n");
}

static void test_kz_errors(void **state)
{
	(void)state;
	const char *ok = "images:\n- name: x\n  newTag: v1\n";
	assert_kz_refused(ok, "nope", "v2", "no images entry for nope");
	assert_kz_refused("resources: [a]\n", "x", "v2", "no images entry for x");
	assert_kz_refused(ok, "x", "", "empty tag");
	assert_kz_refused(ok, "x", "v2\nx: y", "control character");
	assert_kz_refused("images:\n- name: x\n  newTag: [1]\n", "x", "v2", "not a scalar");
	assert_kz_refused("images:\n- name: x\n  newTag: |\n    v1\n", "x", "v2", "multi-line");
	char err[256] = "";
	assert_null(gitops_kustomize_get_tag("images:\n- name: x\n  newTag: [v1\n", "x", err,
					     sizeof(err)));
	assert_non_null(strstr(err, ":"));
	assert_true(err[0] >= '1' && err[0] <= '9'); /* LINE:COL: */
	assert_kz_refused("images:\n- name: x\n newTag: v1\n  bad\n", "x", "v2", ":");
	char *tag = gitops_kustomize_get_tag("images:\n- name: x\n  newName: y\n", "x", err,
					     sizeof(err));
	assert_string_equal(tag, "");
	free(tag);
}

static void test_kz_bom_and_utf8_before_the_value(void **state)
{
	(void)state;
	assert_kz_edit("\xef\xbb\xbf# d\xc3\xa9p\xc3\xb4t \xe2\x82\xac\nimages:\n- name: x\n"
		       "  newTag: v1 # \xc3\xa9t\xc3\xa9\n",
		       "x", "v2",
		       "\xef\xbb\xbf# d\xc3\xa9p\xc3\xb4t \xe2\x82\xac\nimages:\n- name: x\n"
		       "  newTag: v2 # \xc3\xa9t\xc3\xa9\n");
}

/* ---- helm edge cases ---- */

static void test_helm_paths_and_styles(void **state)
{
	(void)state;
	const char *v = "image:\n  repository: r/web  # where\n  tag: \"1.10\"\n"
			"sidecars:\n  - name: proxy\n    tag: v1\n";
	assert_helm_edit(v, "image.tag", "1.11",
			 "image:\n  repository: r/web  # where\n  tag: \"1.11\"\n"
			 "sidecars:\n  - name: proxy\n    tag: v1\n");
	assert_helm_edit(v, "sidecars.0.tag", "v2",
			 "image:\n  repository: r/web  # where\n  tag: \"1.10\"\n"
			 "sidecars:\n  - name: proxy\n    tag: v2\n");
	assert_helm_edit("image:\n  tag: 1.2.3\n", "image.tag", "42", "image:\n  tag: \"42\"\n");
	assert_helm_edit("image:\n  tag:\n  pullPolicy: Always\n", "image.tag", "v1",
			 "image:\n  tag: v1\n  pullPolicy: Always\n");
	assert_helm_edit("image:\n  tag: # set by CI\n", "image.tag", "v1",
			 "image:\n  tag: v1 # set by CI\n");
	assert_helm_edit("image: {repository: r, tag: v1}\n", "image.tag", "v2",
			 "image: {repository: r, tag: v2}\n");
	assert_helm_edit("image:\r\n  tag: v1\r\n", "image.tag", "", "image:\r\n  tag: \"\"\r\n");
	char err[256] = "";
	char *got = gitops_helm_get_value("image:\n  tag: \"\"\n", "image.tag", err, sizeof(err));
	assert_string_equal(got, "");
	free(got);
}

static void test_helm_errors(void **state)
{
	(void)state;
	char err[256] = "";
	const char *v = "image:\n  tag: v1\nother: &o v9\nalias: *o\n";
	assert_null(gitops_helm_set_value(v, "image.nope", "v2", err, sizeof(err)));
	assert_string_equal(err, "no value at image.nope");
	assert_null(gitops_helm_get_value(v, "image", err, sizeof(err)));
	assert_string_equal(err, "image is not a scalar");
	assert_null(gitops_helm_set_value(v, "image", "v2", err, sizeof(err)));
	assert_null(gitops_helm_set_value(v, "image..tag", "v2", err, sizeof(err)));
	assert_non_null(strstr(err, "bad key path"));
	assert_null(gitops_helm_set_value(v, "alias", "v2", err, sizeof(err)));
	assert_non_null(strstr(err, "alias"));
	assert_null(gitops_helm_set_value(v, "other", "v2", err, sizeof(err)));
	assert_non_null(strstr(err, "anchored (&o)"));
	assert_null(gitops_helm_set_value(v, "image.tag", "a\tb", err, sizeof(err)));
	assert_non_null(strstr(err, "control character"));
	assert_null(gitops_helm_get_value("image: [\n", "image.tag", err, sizeof(err)));
	char *got = gitops_helm_get_value(v, "alias", err, sizeof(err));
	assert_string_equal(got, "v9");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_change_only_the_value),
		cmocka_unit_test(test_fixtures_same_value_is_identity),
		cmocka_unit_test(test_fixture_get),
		cmocka_unit_test(test_kz_comment_on_the_same_line),
		cmocka_unit_test(test_kz_crlf),
		cmocka_unit_test(test_kz_flow_entries),
		cmocka_unit_test(test_kz_documents),
		cmocka_unit_test(test_kz_anchors),
		cmocka_unit_test(test_kz_first_of_duplicate_names),
		cmocka_unit_test(test_kz_digest_tags),
		cmocka_unit_test(test_kz_final_newline_or_none),
		cmocka_unit_test(test_kz_insert_keeps_indentation),
		cmocka_unit_test(test_kz_quoting_styles),
		cmocka_unit_test(test_kz_errors),
		cmocka_unit_test(test_kz_bom_and_utf8_before_the_value),
		cmocka_unit_test(test_helm_paths_and_styles),
		cmocka_unit_test(test_helm_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
