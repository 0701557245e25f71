/* Unit tests for sandbox/patch: content types, merge patch (RFC 7386), strategic merge
 * patch, JSON patch (RFC 6902), and the exact bodies kubectl sends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sandbox/patch.h"

#define MERGE "application/merge-patch+json"
#define SMP "application/strategic-merge-patch+json"
#define JSONP "application/json-patch+json"
#define PO_FIXTURE "tests/fixtures/patch/po.json"

static json_t *parse(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &jerr);
	if (!v)
		fail_msg("bad test JSON (%s): %s", jerr.text, text);
	return v;
}

/* Applies body to orig_text; the patch must succeed and leave orig untouched. */
static json_t *apply_ok(const char *orig_text, const char *ctype, const char *body)
{
	json_t *orig = parse(orig_text);
	char *before = json_dumps(orig, JSON_SORT_KEYS);
	int status = 0;
	char err[512] = "";
	json_t *out = patch_apply(orig, ctype, body, strlen(body), &status, err, sizeof err);
	if (!out)
		fail_msg("patch failed (%d): %s\nbody: %s", status, err, body);
	char *after = json_dumps(orig, JSON_SORT_KEYS);
	assert_string_equal(before, after);
	free(before);
	free(after);
	json_decref(orig);
	return out;
}

static void assert_json(const json_t *got, const char *want_text)
{
	json_t *want = parse(want_text);
	if (!json_equal(got, want)) {
		char *g = json_dumps(got, JSON_SORT_KEYS);
		char *w = json_dumps(want, JSON_SORT_KEYS);
		fail_msg("got  %s\nwant %s", g, w);
	}
	json_decref(want);
}

static void check(const char *orig, const char *ctype, const char *body, const char *want)
{
	json_t *out = apply_ok(orig, ctype, body);
	assert_json(out, want);
	json_decref(out);
}

/* The patch must fail with status; returns the message (in a static buffer). */
static const char *check_fails(const char *orig_text, const char *ctype, const char *body,
			       int status)
{
	static char err[512];
	json_t *orig = parse(orig_text);
	char *before = json_dumps(orig, JSON_SORT_KEYS);
	int got = 0;
	err[0] = '\0';
	json_t *out = patch_apply(orig, ctype, body, body ? strlen(body) : 0, &got, err, sizeof err);
	if (out)
		fail_msg("patch should have failed: %s", body);
	assert_int_equal(got, status);
	assert_true(err[0] != '\0');
	char *after = json_dumps(orig, JSON_SORT_KEYS);
	assert_string_equal(before, after);
	free(before);
	free(after);
	json_decref(orig);
	return err;
}

/* ---- content types and bodies ---- */

static void test_unknown_content_type_is_415(void **state)
{
	(void)state;
	const char *bad[] = {"application/json", "text/plain", "application/apply-patch+yaml",
			     "", "application/merge-patch+jsonx", "merge-patch+json"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *msg = check_fails("{}", bad[i], "{}", 415);
		assert_string_equal(msg, "the body of the request was in an unknown format - "
					 "accepted media types include: application/json-patch+json, "
					 "application/merge-patch+json, "
					 "application/strategic-merge-patch+json");
	}
	check_fails("{}", NULL, "{}", 415);
}

static void test_content_type_parameters_ignored(void **state)
{
	(void)state;
	check("{\"a\":1}", "application/merge-patch+json; charset=utf-8", "{\"b\":2}",
	      "{\"a\":1,\"b\":2}");
	check("{\"a\":1}", "Application/Strategic-Merge-Patch+JSON;charset=UTF-8", "{\"a\":2}",
	      "{\"a\":2}");
	check("{\"a\":1}", " application/json-patch+json ",
	      "[{\"op\":\"remove\",\"path\":\"/a\"}]", "{}");
}

static void test_malformed_bodies_are_400(void **state)
{
	(void)state;
	const char *types[] = {MERGE, SMP, JSONP};
	for (size_t i = 0; i < 3; i++) {
		const char *msg = check_fails("{}", types[i], "{\"a\":", 400);
		assert_non_null(strstr(msg, "error decoding patch: "));
		check_fails("{}", types[i], "", 400);
		check_fails("{}", types[i], NULL, 400);
		check_fails("{}", types[i], "not json", 400);
		check_fails("{}", types[i], "{} trailing", 400);
	}
	/* merge formats take an object, JSON patch an array */
	check_fails("{}", MERGE, "[1]", 400);
	check_fails("{}", MERGE, "\"x\"", 400);
	check_fails("{}", SMP, "[]", 400);
	check_fails("{}", SMP, "7", 400);
	check_fails("{}", JSONP, "{}", 400);
	check_fails("{}", JSONP, "[1]", 400);
	check_fails("{}", JSONP, "[{\"path\":\"/a\"}]", 400);
}

static void test_body_length_is_respected(void **state)
{
	(void)state;
	json_t *orig = parse("{}");
	const char body[] = "{\"a\":1}garbage";
	int status = 0;
	char err[128];
	json_t *out = patch_apply(orig, MERGE, body, 7, &status, err, sizeof err);
	assert_non_null(out);
	assert_json(out, "{\"a\":1}");
	json_decref(out);
	json_decref(orig);
}

/* ---- RFC 7386 merge patch (its appendix A examples) ---- */

static void test_merge_patch_rfc7386_examples(void **state)
{
	(void)state;
	static const char *const cases[][3] = {
		{"{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
		{"{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}"},
		{"{\"a\":\"b\"}", "{\"a\":null}", "{}"},
		{"{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}"},
		{"{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
		{"{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}"},
		{"{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}"},
		{"{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}"},
		{"{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"},
		{"{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}"},
		{"{\"a\":\"foo\"}", "{}", "{\"a\":\"foo\"}"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check(cases[i][0], MERGE, cases[i][1], cases[i][2]);
}

/* ---- what kubectl sends ---- */

static const char deployment[] =
	"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
	"\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\",\"labels\":{\"app\":\"web\"},"
	"\"annotations\":{\"deployment.kubernetes.io/revision\":\"3\"}},"
	"\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
	"\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":\"25%\","
	"\"maxUnavailable\":\"25%\"}},"
	"\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
	"\"spec\":{\"containers\":["
	"{\"name\":\"web\",\"image\":\"shop/web:1.0\",\"ports\":[{\"containerPort\":8080}],"
	"\"env\":[{\"name\":\"MODE\",\"value\":\"prod\"},{\"name\":\"LOG\",\"value\":\"info\"}]},"
	"{\"name\":\"proxy\",\"image\":\"envoy:1.29\"}]}}}}";

static void test_kubectl_rollout_restart(void **state)
{
	(void)state;
	const char body[] = "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
			    "{\"kubectl.kubernetes.io/restartedAt\":\"2025-01-15T10:00:00Z\"}}}}}";
	json_t *out = apply_ok(deployment, SMP, body);
	json_t *tmeta = json_object_get(json_object_get(json_object_get(out, "spec"), "template"),
					"metadata");
	assert_string_equal(json_string_value(json_object_get(json_object_get(tmeta, "annotations"),
					     "kubectl.kubernetes.io/restartedAt")),
			    "2025-01-15T10:00:00Z");
	/* everything else stays */
	assert_string_equal(json_string_value(json_object_get(json_object_get(tmeta, "labels"), "app")),
			    "web");
	json_t *containers = json_object_get(json_object_get(json_object_get(
		json_object_get(out, "spec"), "template"), "spec"), "containers");
	assert_int_equal(json_array_size(containers), 2);
	json_decref(out);
	/* a second restart replaces the timestamp */
	out = apply_ok(deployment, SMP, body);
	char *once = json_dumps(out, 0);
	json_decref(out);
	const char body2[] = "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
			     "{\"kubectl.kubernetes.io/restartedAt\":\"2025-01-15T11:00:00Z\"}}}}}";
	json_t *twice = apply_ok(once, SMP, body2);
	json_t *ann = json_object_get(json_object_get(json_object_get(json_object_get(twice, "spec"),
						"template"), "metadata"), "annotations");
	assert_int_equal(json_object_size(ann), 1);
	assert_string_equal(json_string_value(json_object_get(ann, "kubectl.kubernetes.io/restartedAt")),
			    "2025-01-15T11:00:00Z");
	free(once);
	json_decref(twice);
}

static json_t *containers_of(const json_t *obj)
{
	const json_t *spec = json_object_get(obj, "spec");
	const json_t *tspec = json_object_get(json_object_get(spec, "template"), "spec");
	return json_object_get(tspec ? tspec : spec, "containers");
}

static void test_kubectl_set_image(void **state)
{
	(void)state;
	/* kubectl computes a two-way strategic patch: the changed container by name, plus the
	 * order of all containers. */
	const char body[] = "{\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":"
			    "[{\"name\":\"web\"},{\"name\":\"proxy\"}],"
			    "\"containers\":[{\"image\":\"shop/web:1.1\",\"name\":\"web\"}]}}}}";
	json_t *out = apply_ok(deployment, SMP, body);
	json_t *c = containers_of(out);
	assert_int_equal(json_array_size(c), 2);
	json_t *web = json_array_get(c, 0);
	assert_string_equal(json_string_value(json_object_get(web, "name")), "web");
	assert_string_equal(json_string_value(json_object_get(web, "image")), "shop/web:1.1");
	/* the container's other fields are kept: merged, not replaced */
	assert_int_equal(json_array_size(json_object_get(web, "env")), 2);
	assert_int_equal(json_array_size(json_object_get(web, "ports")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 1), "image")),
			    "envoy:1.29");
	/* the directive is not stored */
	json_t *tspec = json_object_get(json_object_get(json_object_get(out, "spec"), "template"),
					"spec");
	assert_null(json_object_get(tspec, "$setElementOrder/containers"));
	json_decref(out);

	/* the second container alone, without $setElementOrder */
	out = apply_ok(deployment, SMP,
		       "{\"spec\":{\"template\":{\"spec\":{\"containers\":"
		       "[{\"image\":\"envoy:1.30\",\"name\":\"proxy\"}]}}}}");
	c = containers_of(out);
	assert_int_equal(json_array_size(c), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 0), "image")),
			    "shop/web:1.0");
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 1), "image")),
			    "envoy:1.30");
	json_decref(out);
}

static void test_kubectl_scale(void **state)
{
	(void)state;
	/* kubectl scale patches the scale subresource with a merge patch */
	check("{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"metadata\":{\"name\":\"web\"},"
	      "\"spec\":{\"replicas\":2},\"status\":{\"replicas\":2,\"selector\":\"app=web\"}}",
	      MERGE, "{\"spec\":{\"replicas\":5}}",
	      "{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"metadata\":{\"name\":\"web\"},"
	      "\"spec\":{\"replicas\":5},\"status\":{\"replicas\":2,\"selector\":\"app=web\"}}");
	json_t *out = apply_ok(deployment, MERGE, "{\"spec\":{\"replicas\":0}}");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "spec"), "replicas")), 0);
	assert_int_equal(json_array_size(containers_of(out)), 2);
	json_decref(out);
}

static void test_kubectl_label_and_annotate(void **state)
{
	(void)state;
	/* kubectl label/annotate send merge patches; "key-" becomes null */
	json_t *out = apply_ok(deployment, MERGE, "{\"metadata\":{\"labels\":{\"tier\":\"gold\"}}}");
	json_t *labels = json_object_get(json_object_get(out, "metadata"), "labels");
	assert_string_equal(json_string_value(json_object_get(labels, "tier")), "gold");
	assert_string_equal(json_string_value(json_object_get(labels, "app")), "web");
	json_decref(out);
	out = apply_ok(deployment, MERGE, "{\"metadata\":{\"labels\":{\"app\":null}}}");
	assert_int_equal(json_object_size(json_object_get(json_object_get(out, "metadata"),
							  "labels")), 0);
	json_decref(out);
	out = apply_ok(deployment, MERGE,
		       "{\"metadata\":{\"annotations\":{\"owner\":\"team-a\","
		       "\"deployment.kubernetes.io/revision\":null}}}");
	json_t *ann = json_object_get(json_object_get(out, "metadata"), "annotations");
	assert_int_equal(json_object_size(ann), 1);
	assert_string_equal(json_string_value(json_object_get(ann, "owner")), "team-a");
	json_decref(out);
	/* labels on an object that has none */
	check("{\"metadata\":{\"name\":\"x\"}}", SMP, "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}",
	      "{\"metadata\":{\"name\":\"x\",\"labels\":{\"a\":\"b\"}}}");
}

static void test_kubectl_apply_retain_keys(void **state)
{
	(void)state;
	/* kubectl apply switching a Deployment to Recreate */
	json_t *out = apply_ok(deployment, SMP,
			       "{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],"
			       "\"rollingUpdate\":null,\"type\":\"Recreate\"}}}");
	assert_json(json_object_get(json_object_get(out, "spec"), "strategy"),
		    "{\"type\":\"Recreate\"}");
	json_decref(out);
	/* $retainKeys drops fields the patch does not name, even without a null */
	out = apply_ok(deployment, SMP,
		       "{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],\"type\":\"Recreate\"}}}");
	assert_json(json_object_get(json_object_get(out, "spec"), "strategy"),
		    "{\"type\":\"Recreate\"}");
	json_decref(out);
	check_fails(deployment, SMP, "{\"spec\":{\"strategy\":{\"$retainKeys\":\"type\"}}}", 422);
}

static void test_kubectl_rollout_undo(void **state)
{
	(void)state;
	/* kubectl rollout undo: a JSON patch replacing the template with the old
	 * ReplicaSet's and the annotations */
	const char body[] =
		"[{\"op\":\"replace\",\"path\":\"/spec/template\",\"value\":"
		"{\"metadata\":{\"creationTimestamp\":null,\"labels\":{\"app\":\"web\"}},"
		"\"spec\":{\"containers\":[{\"image\":\"shop/web:0.9\",\"name\":\"web\","
		"\"resources\":{}}]}}},"
		"{\"op\":\"replace\",\"path\":\"/metadata/annotations\",\"value\":"
		"{\"deployment.kubernetes.io/revision\":\"3\"}}]";
	json_t *out = apply_ok(deployment, JSONP, body);
	json_t *c = containers_of(out);
	assert_int_equal(json_array_size(c), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(c, 0), "image")),
			    "shop/web:0.9");
	assert_true(json_is_null(json_object_get(json_object_get(json_object_get(
		json_object_get(out, "spec"), "template"), "metadata"), "creationTimestamp")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "spec"),
							    "replicas")), 2);
	json_decref(out);
	/* replacing annotations that do not exist fails as the API server does */
	const char *msg = check_fails("{\"metadata\":{\"name\":\"x\"},\"spec\":{\"template\":{}}}",
				      JSONP, body, 422);
	assert_string_equal(msg, "replace operation does not apply: doc is missing key: "
				 "/metadata/annotations: missing value");
}

static void test_fixture_pod_set_image_and_mounts(void **state)
{
	(void)state;
	json_error_t jerr;
	json_t *pod = json_load_file(PO_FIXTURE, 0, &jerr);
	if (!pod)
		fail_msg("%s: %s", PO_FIXTURE, jerr.text);
	char *text = json_dumps(pod, 0);
	json_decref(pod);
	json_t *out = apply_ok(text, SMP,
			       "{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.27\","
			       "\"volumeMounts\":[{\"mountPath\":\"/cache\",\"name\":\"cache\"},"
			       "{\"mountPath\":\"/usr/share/nginx/html\",\"readOnly\":true}],"
			       "\"ports\":[{\"containerPort\":80,\"name\":\"http\"},"
			       "{\"containerPort\":443}]}],"
			       "\"volumes\":[{\"name\":\"cache\",\"emptyDir\":{}},"
			       "{\"name\":\"default-token-9ph8s\",\"$patch\":\"delete\"}]}}");
	json_t *c = json_array_get(containers_of(out), 0);
	assert_string_equal(json_string_value(json_object_get(c, "image")), "nginx:1.27");
	assert_string_equal(json_string_value(json_object_get(c, "imagePullPolicy")), "IfNotPresent");
	json_t *mounts = json_object_get(c, "volumeMounts");
	assert_int_equal(json_array_size(mounts), 3);
	assert_json(json_array_get(mounts, 0), "{\"mountPath\":\"/usr/share/nginx/html\","
					       "\"name\":\"index\",\"readOnly\":true}");
	assert_json(json_array_get(mounts, 2), "{\"mountPath\":\"/cache\",\"name\":\"cache\"}");
	json_t *ports = json_object_get(c, "ports");
	assert_int_equal(json_array_size(ports), 2);
	assert_json(json_array_get(ports, 0), "{\"containerPort\":80,\"protocol\":\"TCP\","
					      "\"name\":\"http\"}");
	json_t *volumes = json_object_get(json_object_get(out, "spec"), "volumes");
	assert_int_equal(json_array_size(volumes), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(volumes, 0), "name")),
			    "index");
	assert_json(json_array_get(volumes, 1), "{\"name\":\"cache\",\"emptyDir\":{}}");
	/* tolerations have no merge key: replaced whole */
	json_decref(out);
	out = apply_ok(text, SMP, "{\"spec\":{\"tolerations\":[{\"operator\":\"Exists\"}]}}");
	assert_json(json_object_get(json_object_get(out, "spec"), "tolerations"),
		    "[{\"operator\":\"Exists\"}]");
	json_decref(out);
	free(text);
}

/* ---- bodies captured from the real kubectl (tests/fixtures/patch) ---- */

#define DEPLOYMENT_FIXTURE "tests/fixtures/patch/deployment.json"
#define KUBECTL_FIXTURE "tests/fixtures/patch/kubectl-patches.json"

static json_t *load_fixture(const char *path)
{
	json_error_t jerr;
	json_t *v = json_load_file(path, 0, &jerr);
	if (!v)
		fail_msg("%s: %s", path, jerr.text);
	return v;
}

/* Applies the captured request name to the fixture Deployment. */
static json_t *apply_captured(const char *name, json_t **body_out)
{
	json_t *dep = load_fixture(DEPLOYMENT_FIXTURE);
	json_t *all = load_fixture(KUBECTL_FIXTURE);
	json_t *req = json_object_get(all, name);
	assert_non_null(req);
	const char *body = json_string_value(json_object_get(req, "body"));
	char *text = json_dumps(dep, 0);
	json_t *out = apply_ok(text, json_string_value(json_object_get(req, "contentType")), body);
	if (body_out)
		*body_out = parse(body);
	free(text);
	json_decref(all);
	json_decref(dep);
	return out;
}

static const json_t *at(const json_t *v, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *tok = strtok(buf, "."); tok && v; tok = strtok(NULL, "."))
		v = json_is_array(v) ? json_array_get(v, (size_t)atoi(tok)) : json_object_get(v, tok);
	return v;
}

static const char *str_at(const json_t *v, const char *path)
{
	const char *s = json_string_value(at(v, path));
	if (!s)
		fail_msg("no string at %s", path);
	return s;
}

static void test_captured_restart_set_image_scale(void **state)
{
	(void)state;
	json_t *body;
	json_t *out = apply_captured("rollout-restart", &body);
	const char *key = "spec.template.metadata.annotations";
	assert_string_equal(json_string_value(json_object_get(at(out, key),
				"kubectl.kubernetes.io/restartedAt")),
			    json_string_value(json_object_get(at(body, key),
				"kubectl.kubernetes.io/restartedAt")));
	assert_string_equal(str_at(out, "spec.template.spec.containers.0.image"), "shop/web:1.0");
	json_decref(body);
	json_decref(out);

	out = apply_captured("set-image", NULL);
	assert_int_equal(json_array_size(at(out, "spec.template.spec.containers")), 2);
	assert_string_equal(str_at(out, "spec.template.spec.containers.0.image"), "shop/web:1.1");
	assert_string_equal(str_at(out, "spec.template.spec.containers.0.env.0.value"), "prod");
	assert_string_equal(str_at(out, "spec.template.spec.containers.1.image"), "envoy:1.29");
	assert_null(at(out, "spec.template.spec.$setElementOrder/containers"));
	json_decref(out);

	out = apply_captured("scale", NULL);
	assert_int_equal(json_integer_value(at(out, "spec.replicas")), 5);
	json_decref(out);
}

static void test_captured_label_annotate(void **state)
{
	(void)state;
	json_t *out = apply_captured("label", NULL);
	assert_string_equal(str_at(out, "metadata.labels.tier"), "gold");
	assert_string_equal(str_at(out, "metadata.labels.app"), "web");
	json_decref(out);
	out = apply_captured("unlabel", NULL);
	assert_null(at(out, "metadata.labels.app"));
	assert_non_null(at(out, "metadata.labels"));
	json_decref(out);
	out = apply_captured("annotate", NULL);
	assert_string_equal(str_at(out, "metadata.annotations.owner"), "team-a");
	assert_string_equal(json_string_value(json_object_get(at(out, "metadata.annotations"),
				"deployment.kubernetes.io/revision")), "3");
	json_decref(out);
}

static void test_captured_rollout_undo(void **state)
{
	(void)state;
	json_t *body;
	json_t *out = apply_captured("rollout-undo", &body);
	/* the template and the annotations are exactly what the patch carries */
	assert_true(json_equal(at(out, "spec.template"), at(body, "0.value")));
	assert_true(json_equal(at(out, "metadata.annotations"), at(body, "1.value")));
	assert_string_equal(str_at(out, "spec.template.spec.containers.0.image"), "shop/web:0.9");
	assert_int_equal(json_integer_value(at(out, "spec.replicas")), 2);
	json_decref(body);
	json_decref(out);
}

static void test_captured_apply(void **state)
{
	(void)state;
	json_t *body;
	json_t *out = apply_captured("apply", &body);
	assert_json(at(out, "spec.strategy"), "{\"type\":\"Recreate\"}");
	const json_t *web = at(out, "spec.template.spec.containers.0");
	assert_string_equal(str_at(web, "name"), "web");
	assert_string_equal(str_at(web, "image"), "shop/web:1.2");
	assert_json(json_object_get(web, "env"),
		    "[{\"name\":\"MODE\",\"value\":\"prod\"},{\"name\":\"NEW\",\"value\":\"1\"}]");
	assert_null(json_object_get(web, "ports"));
	assert_null(json_object_get(web, "$setElementOrder/env"));
	assert_string_equal(str_at(out, "spec.template.spec.containers.1.image"), "envoy:1.29");
	const char *lac = "kubectl.kubernetes.io/last-applied-configuration";
	assert_string_equal(json_string_value(json_object_get(at(out, "metadata.annotations"), lac)),
			    json_string_value(json_object_get(at(body, "metadata.annotations"), lac)));
	assert_string_equal(json_string_value(json_object_get(at(out, "metadata.annotations"),
				"deployment.kubernetes.io/revision")), "3");
	json_decref(body);
	json_decref(out);
}

/* ---- strategic merge patch details ---- */

static void test_strategic_env_by_name(void **state)
{
	(void)state;
	const char orig[] = "{\"env\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"2\"},"
			    "{\"name\":\"C\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"s\"}}}]}";
	check(orig, SMP,
	      "{\"env\":[{\"name\":\"B\",\"value\":\"20\"},{\"name\":\"D\",\"value\":\"4\"},"
	      "{\"name\":\"A\",\"$patch\":\"delete\"},"
	      "{\"name\":\"C\",\"value\":\"3\",\"valueFrom\":null}]}",
	      "{\"env\":[{\"name\":\"B\",\"value\":\"20\"},{\"name\":\"C\",\"value\":\"3\"},"
	      "{\"name\":\"D\",\"value\":\"4\"}]}");
	/* deleting what is not there is not an error */
	check(orig, SMP, "{\"env\":[{\"name\":\"Z\",\"$patch\":\"delete\"}]}", orig);
	/* a list with $patch: replace becomes the other elements */
	check(orig, SMP, "{\"env\":[{\"$patch\":\"replace\"},{\"name\":\"X\",\"value\":\"9\"}]}",
	      "{\"env\":[{\"name\":\"X\",\"value\":\"9\"}]}");
	check(orig, SMP, "{\"env\":[{\"$patch\":\"replace\"}]}", "{\"env\":[]}");
	/* null removes the list */
	check(orig, SMP, "{\"env\":null}", "{}");
}

static void test_strategic_other_merge_keys(void **state)
{
	(void)state;
	check("{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"},"
	      "{\"type\":\"Progressing\",\"status\":\"True\"}]}}",
	      SMP, "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}",
	      "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"},"
	      "{\"type\":\"Progressing\",\"status\":\"True\"}]}}");
	check("{\"metadata\":{\"ownerReferences\":[{\"uid\":\"u1\",\"name\":\"a\"}]}}", SMP,
	      "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"u2\",\"name\":\"b\"},"
	      "{\"uid\":\"u1\",\"controller\":true}]}}",
	      "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"u1\",\"name\":\"a\",\"controller\":true},"
	      "{\"uid\":\"u2\",\"name\":\"b\"}]}}");
	check("{\"spec\":{\"initContainers\":[{\"name\":\"i\",\"image\":\"a\"}],"
	      "\"imagePullSecrets\":[{\"name\":\"r1\"}]}}", SMP,
	      "{\"spec\":{\"initContainers\":[{\"name\":\"i\",\"image\":\"b\"}],"
	      "\"imagePullSecrets\":[{\"name\":\"r2\"}]}}",
	      "{\"spec\":{\"initContainers\":[{\"name\":\"i\",\"image\":\"b\"}],"
	      "\"imagePullSecrets\":[{\"name\":\"r1\"},{\"name\":\"r2\"}]}}");
	check("{\"spec\":{\"ephemeralContainers\":[{\"name\":\"dbg\",\"image\":\"busybox\"}]}}", SMP,
	      "{\"spec\":{\"ephemeralContainers\":[{\"name\":\"dbg2\",\"image\":\"busybox\"}]}}",
	      "{\"spec\":{\"ephemeralContainers\":[{\"name\":\"dbg\",\"image\":\"busybox\"},"
	      "{\"name\":\"dbg2\",\"image\":\"busybox\"}]}}");
	/* Service ports merge by port */
	check("{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8080},{\"port\":443}]}}", SMP,
	      "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":9090}]}}",
	      "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":9090},{\"port\":443}]}}");
}

static void test_strategic_lists_without_key_are_replaced(void **state)
{
	(void)state;
	check("{\"args\":[\"a\",\"b\"],\"command\":[\"x\"]}", SMP, "{\"args\":[\"c\"]}",
	      "{\"args\":[\"c\"],\"command\":[\"x\"]}");
	check("{\"rules\":[{\"host\":\"a\"}]}", SMP, "{\"rules\":[{\"host\":\"b\"}]}",
	      "{\"rules\":[{\"host\":\"b\"}]}");
}

static void test_strategic_primitive_lists(void **state)
{
	(void)state;
	const char orig[] = "{\"metadata\":{\"finalizers\":[\"a\",\"b\"]}}";
	check(orig, SMP, "{\"metadata\":{\"finalizers\":[\"c\",\"a\"]}}",
	      "{\"metadata\":{\"finalizers\":[\"a\",\"b\",\"c\"]}}");
	check(orig, SMP, "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"a\"]}}",
	      "{\"metadata\":{\"finalizers\":[\"b\"]}}");
	check(orig, SMP, "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"z\"]}}", orig);
	check(orig, SMP, "{\"metadata\":{\"$deleteFromPrimitiveList/absent\":[\"z\"]}}", orig);
	/* a merge patch replaces the list */
	check(orig, MERGE, "{\"metadata\":{\"finalizers\":[\"c\"]}}",
	      "{\"metadata\":{\"finalizers\":[\"c\"]}}");
}

static void test_strategic_map_directives(void **state)
{
	(void)state;
	const char orig[] = "{\"spec\":{\"selector\":{\"a\":\"1\",\"b\":\"2\"},\"keep\":1}}";
	check(orig, SMP, "{\"spec\":{\"selector\":{\"$patch\":\"replace\",\"c\":\"3\"}}}",
	      "{\"spec\":{\"selector\":{\"c\":\"3\"},\"keep\":1}}");
	check(orig, SMP, "{\"spec\":{\"selector\":{\"$patch\":\"delete\"}}}",
	      "{\"spec\":{\"keep\":1}}");
	check(orig, SMP, "{\"spec\":{\"selector\":{\"b\":null}}}",
	      "{\"spec\":{\"selector\":{\"a\":\"1\"},\"keep\":1}}");
	/* replacing the whole object */
	check(orig, SMP, "{\"$patch\":\"replace\",\"x\":1}", "{\"x\":1}");
	/* directives inside new content are applied, never stored */
	check("{}", SMP, "{\"spec\":{\"containers\":[{\"name\":\"a\",\"env\":[{\"name\":\"E\","
	      "\"value\":\"1\"}],\"$setElementOrder/env\":[{\"name\":\"E\"}]}]}}",
	      "{\"spec\":{\"containers\":[{\"name\":\"a\",\"env\":[{\"name\":\"E\",\"value\":\"1\"}]}]}}");
	/* a map replacing a scalar, and a scalar replacing a map */
	check("{\"a\":1,\"b\":{\"c\":1}}", SMP, "{\"a\":{\"x\":null,\"y\":2},\"b\":5}",
	      "{\"a\":{\"y\":2},\"b\":5}");
}

static void test_strategic_errors(void **state)
{
	(void)state;
	const char *msg = check_fails(deployment, SMP,
				      "{\"spec\":{\"template\":{\"spec\":{\"containers\":"
				      "[{\"image\":\"x\"}]}}}}", 422);
	assert_string_equal(msg, "map does not contain declared merge key: name");
	msg = check_fails("{\"a\":{}}", SMP, "{\"a\":{\"$patch\":\"explode\"}}", 422);
	assert_string_equal(msg, "unknown patch type: explode");
	check_fails("{\"env\":[]}", SMP, "{\"env\":[{\"$patch\":\"merge\",\"name\":\"a\"}]}", 422);
	check_fails("{\"env\":[]}", SMP, "{\"env\":[\"A=1\"]}", 422);
	check_fails("{\"a\":1}", SMP, "{\"$patch\":\"delete\"}", 422);
}

/* ---- RFC 6902 JSON patch ---- */

static void test_json_patch_add(void **state)
{
	(void)state;
	const char orig[] = "{\"a\":{\"b\":1},\"l\":[1,2,3]}";
	check(orig, JSONP, "[{\"op\":\"add\",\"path\":\"/a/c\",\"value\":[1]}]",
	      "{\"a\":{\"b\":1,\"c\":[1]},\"l\":[1,2,3]}");
	check(orig, JSONP, "[{\"op\":\"add\",\"path\":\"/a/b\",\"value\":2}]",
	      "{\"a\":{\"b\":2},\"l\":[1,2,3]}");
	check(orig, JSONP, "[{\"op\":\"add\",\"path\":\"/l/1\",\"value\":9}]",
	      "{\"a\":{\"b\":1},\"l\":[1,9,2,3]}");
	check(orig, JSONP, "[{\"op\":\"add\",\"path\":\"/l/3\",\"value\":9}]",
	      "{\"a\":{\"b\":1},\"l\":[1,2,3,9]}");
	check(orig, JSONP, "[{\"op\":\"add\",\"path\":\"/l/-\",\"value\":{\"x\":1}}]",
	      "{\"a\":{\"b\":1},\"l\":[1,2,3,{\"x\":1}]}");
	check(orig, JSONP, "[{\"op\":\"add\",\"path\":\"\",\"value\":{\"new\":true}}]",
	      "{\"new\":true}");
	check(orig, JSONP, "[{\"op\":\"add\",\"path\":\"/n\",\"value\":null}]",
	      "{\"a\":{\"b\":1},\"l\":[1,2,3],\"n\":null}");
	const char *msg = check_fails(orig, JSONP, "[{\"op\":\"add\",\"path\":\"/x/y\",\"value\":1}]",
				      422);
	assert_string_equal(msg, "add operation does not apply: doc is missing path: \"/x/y\": "
				 "missing value");
	check_fails(orig, JSONP, "[{\"op\":\"add\",\"path\":\"/l/4\",\"value\":1}]", 422);
	check_fails(orig, JSONP, "[{\"op\":\"add\",\"path\":\"/l/01\",\"value\":1}]", 422);
	check_fails(orig, JSONP, "[{\"op\":\"add\",\"path\":\"/l/x\",\"value\":1}]", 422);
	check_fails(orig, JSONP, "[{\"op\":\"add\",\"path\":\"/a/b/c\",\"value\":1}]", 422);
	msg = check_fails(orig, JSONP, "[{\"op\":\"add\",\"path\":\"/z\"}]", 422);
	assert_string_equal(msg, "add operation does not apply: missing value");
}

static void test_json_patch_remove_replace(void **state)
{
	(void)state;
	const char orig[] = "{\"a\":{\"b\":1,\"c\":2},\"l\":[1,2,3]}";
	check(orig, JSONP, "[{\"op\":\"remove\",\"path\":\"/a/b\"}]",
	      "{\"a\":{\"c\":2},\"l\":[1,2,3]}");
	check(orig, JSONP, "[{\"op\":\"remove\",\"path\":\"/l/0\"}]",
	      "{\"a\":{\"b\":1,\"c\":2},\"l\":[2,3]}");
	check(orig, JSONP, "[{\"op\":\"replace\",\"path\":\"/l/2\",\"value\":\"x\"}]",
	      "{\"a\":{\"b\":1,\"c\":2},\"l\":[1,2,\"x\"]}");
	check(orig, JSONP, "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":{}}]",
	      "{\"a\":{},\"l\":[1,2,3]}");
	check(orig, JSONP, "[{\"op\":\"replace\",\"path\":\"\",\"value\":{\"r\":1}}]", "{\"r\":1}");
	/* replace keeps the key's place */
	json_t *out = apply_ok(orig, JSONP, "[{\"op\":\"replace\",\"path\":\"/a/b\",\"value\":5}]");
	char *text = json_dumps(out, 0);
	assert_string_equal(text, "{\"a\": {\"b\": 5, \"c\": 2}, \"l\": [1, 2, 3]}");
	free(text);
	json_decref(out);
	const char *msg = check_fails(orig, JSONP, "[{\"op\":\"remove\",\"path\":\"/a/x\"}]", 422);
	assert_string_equal(msg, "remove operation does not apply: doc is missing path: \"/a/x\": "
				 "missing value");
	check_fails(orig, JSONP, "[{\"op\":\"remove\",\"path\":\"/l/3\"}]", 422);
	check_fails(orig, JSONP, "[{\"op\":\"remove\",\"path\":\"\"}]", 422);
	msg = check_fails(orig, JSONP, "[{\"op\":\"replace\",\"path\":\"/q\",\"value\":1}]", 422);
	assert_string_equal(msg, "replace operation does not apply: doc is missing key: /q: "
				 "missing value");
	check_fails(orig, JSONP, "[{\"op\":\"replace\",\"path\":\"/l/-\",\"value\":1}]", 422);
}

static void test_json_patch_move_copy(void **state)
{
	(void)state;
	const char orig[] = "{\"a\":{\"b\":1},\"l\":[1,2,3]}";
	check(orig, JSONP, "[{\"op\":\"move\",\"from\":\"/a/b\",\"path\":\"/c\"}]",
	      "{\"a\":{},\"l\":[1,2,3],\"c\":1}");
	check(orig, JSONP, "[{\"op\":\"move\",\"from\":\"/l/0\",\"path\":\"/l/-\"}]",
	      "{\"a\":{\"b\":1},\"l\":[2,3,1]}");
	check(orig, JSONP, "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a\"}]", orig);
	check(orig, JSONP, "[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/l/0\"}]",
	      "{\"a\":{\"b\":1},\"l\":[{\"b\":1},1,2,3]}");
	check(orig, JSONP, "[{\"op\":\"copy\",\"from\":\"\",\"path\":\"/self\"}]",
	      "{\"a\":{\"b\":1},\"l\":[1,2,3],\"self\":{\"a\":{\"b\":1},\"l\":[1,2,3]}}");
	/* the copy is deep: changing it leaves the source alone */
	check(orig, JSONP, "[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/d\"},"
	      "{\"op\":\"replace\",\"path\":\"/d/b\",\"value\":7}]",
	      "{\"a\":{\"b\":1},\"l\":[1,2,3],\"d\":{\"b\":7}}");
	const char *msg = check_fails(orig, JSONP, "[{\"op\":\"move\",\"from\":\"/a\",\"path\":"
					    "\"/a/b/c\"}]", 422);
	assert_non_null(strstr(msg, "cannot move /a into its own child /a/b/c"));
	msg = check_fails(orig, JSONP, "[{\"op\":\"copy\",\"from\":\"/nope\",\"path\":\"/x\"}]", 422);
	assert_string_equal(msg, "copy operation does not apply: doc is missing from path: /nope: "
				 "missing value");
	check_fails(orig, JSONP, "[{\"op\":\"move\",\"path\":\"/x\"}]", 422);
	check_fails(orig, JSONP, "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/zz/y\"}]", 422);
}

static void test_json_patch_test_op(void **state)
{
	(void)state;
	const char orig[] = "{\"metadata\":{\"resourceVersion\":\"41\"},\"n\":1,\"o\":{\"x\":[1,{}]}}";
	check(orig, JSONP,
	      "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"41\"},"
	      "{\"op\":\"add\",\"path\":\"/ok\",\"value\":true}]",
	      "{\"metadata\":{\"resourceVersion\":\"41\"},\"n\":1,\"o\":{\"x\":[1,{}]},\"ok\":true}");
	check(orig, JSONP, "[{\"op\":\"test\",\"path\":\"/n\",\"value\":1.0}]", orig);
	check(orig, JSONP, "[{\"op\":\"test\",\"path\":\"/o\",\"value\":{\"x\":[1.0,{}]}}]", orig);
	const char *msg = check_fails(orig, JSONP,
				      "[{\"op\":\"add\",\"path\":\"/ok\",\"value\":true},"
				      "{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\","
				      "\"value\":\"40\"}]", 422);
	assert_string_equal(msg, "testing value /metadata/resourceVersion failed: test failed");
	check_fails(orig, JSONP, "[{\"op\":\"test\",\"path\":\"/missing\",\"value\":null}]", 422);
	check_fails(orig, JSONP, "[{\"op\":\"test\",\"path\":\"/n\",\"value\":\"1\"}]", 422);
	check_fails(orig, JSONP, "[{\"op\":\"test\",\"path\":\"/n\",\"value\":2.0}]", 422);
	check_fails(orig, JSONP, "[{\"op\":\"test\",\"path\":\"/n\",\"value\":2}]", 422);
	check_fails(orig, JSONP, "[{\"op\":\"test\",\"path\":\"/o\",\"value\":{\"x\":[1]}}]", 422);
}

static void test_json_pointer_escapes(void **state)
{
	(void)state;
	const char orig[] = "{\"metadata\":{\"annotations\":{\"a/b\":\"1\",\"m~n\":\"2\"}}}";
	check(orig, JSONP,
	      "[{\"op\":\"replace\",\"path\":\"/metadata/annotations/a~1b\",\"value\":\"x\"},"
	      "{\"op\":\"remove\",\"path\":\"/metadata/annotations/m~0n\"},"
	      "{\"op\":\"add\",\"path\":\"/metadata/annotations/kubectl.kubernetes.io~1restartedAt\","
	      "\"value\":\"now\"}]",
	      "{\"metadata\":{\"annotations\":{\"a/b\":\"x\","
	      "\"kubectl.kubernetes.io/restartedAt\":\"now\"}}}");
	/* "~01" is "~1", not "/" */
	check("{\"~1\":1}", JSONP, "[{\"op\":\"remove\",\"path\":\"/~01\"}]", "{}");
	/* an empty token names the key "" */
	check("{\"\":1}", JSONP, "[{\"op\":\"remove\",\"path\":\"/\"}]", "{}");
	const char *msg = check_fails(orig, JSONP, "[{\"op\":\"remove\",\"path\":\"/a~2\"}]", 422);
	assert_string_equal(msg, "remove operation does not apply: invalid path: /a~2");
	check_fails(orig, JSONP, "[{\"op\":\"remove\",\"path\":\"/a~\"}]", 422);
	check_fails(orig, JSONP, "[{\"op\":\"remove\",\"path\":\"metadata\"}]", 422);
	check_fails(orig, JSONP, "[{\"op\":\"remove\"}]", 422);
	check_fails(orig, JSONP, "[{\"op\":\"copy\",\"from\":\"x\",\"path\":\"/b\"}]", 422);
}

static void test_json_patch_ops_and_atomicity(void **state)
{
	(void)state;
	const char *msg = check_fails("{}", JSONP, "[{\"op\":\"frobnicate\",\"path\":\"/a\"}]", 422);
	assert_string_equal(msg, "Unexpected kind: frobnicate");
	check_fails("{}", JSONP, "[{\"op\":\"ad\",\"path\":\"/a\",\"value\":1}]", 422);
	check_fails("{}", JSONP, "[{\"op\":1,\"path\":\"/a\"}]", 400);
	/* an empty patch changes nothing */
	check("{\"a\":1}", JSONP, "[]", "{\"a\":1}");
	/* a failing later op leaves nothing applied: patch_apply returns NULL and orig is
	 * untouched (check_fails compares it) */
	check_fails("{\"a\":1}", JSONP, "[{\"op\":\"remove\",\"path\":\"/a\"},"
		    "{\"op\":\"remove\",\"path\":\"/a\"}]", 422);
	/* the result must still be an object */
	msg = check_fails("{\"a\":1}", JSONP, "[{\"op\":\"replace\",\"path\":\"\",\"value\":[1]}]",
			  422);
	assert_string_equal(msg, "the patched object is not a JSON object");
}

static void test_error_buffer_truncates(void **state)
{
	(void)state;
	json_t *orig = parse("{}");
	char err[8];
	int status = 0;
	assert_null(patch_apply(orig, "text/plain", "{}", 2, &status, err, sizeof err));
	assert_int_equal(status, 415);
	assert_string_equal(err, "the bod");
	json_decref(orig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_content_type_is_415),
		cmocka_unit_test(test_content_type_parameters_ignored),
		cmocka_unit_test(test_malformed_bodies_are_400),
		cmocka_unit_test(test_body_length_is_respected),
		cmocka_unit_test(test_merge_patch_rfc7386_examples),
		cmocka_unit_test(test_kubectl_rollout_restart),
		cmocka_unit_test(test_kubectl_set_image),
		cmocka_unit_test(test_kubectl_scale),
		cmocka_unit_test(test_kubectl_label_and_annotate),
		cmocka_unit_test(test_kubectl_apply_retain_keys),
		cmocka_unit_test(test_kubectl_rollout_undo),
		cmocka_unit_test(test_fixture_pod_set_image_and_mounts),
		cmocka_unit_test(test_captured_restart_set_image_scale),
		cmocka_unit_test(test_captured_label_annotate),
		cmocka_unit_test(test_captured_rollout_undo),
		cmocka_unit_test(test_captured_apply),
		cmocka_unit_test(test_strategic_env_by_name),
		cmocka_unit_test(test_strategic_other_merge_keys),
		cmocka_unit_test(test_strategic_lists_without_key_are_replaced),
		cmocka_unit_test(test_strategic_primitive_lists),
		cmocka_unit_test(test_strategic_map_directives),
		cmocka_unit_test(test_strategic_errors),
		cmocka_unit_test(test_json_patch_add),
		cmocka_unit_test(test_json_patch_remove_replace),
		cmocka_unit_test(test_json_patch_move_copy),
		cmocka_unit_test(test_json_patch_test_op),
		cmocka_unit_test(test_json_pointer_escapes),
		cmocka_unit_test(test_json_patch_ops_and_atomicity),
		cmocka_unit_test(test_error_buffer_truncates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
