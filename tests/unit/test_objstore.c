/* Unit tests for the sandbox store: resourceVersions and metadata, conflicts, the bounded
 * watch history and its 410 window, CRD registration, and deletion of dependents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sandbox/objstore.h"

static struct objstore st;
static struct objstore_cluster *cl;

static time_t fixed_clock(void)
{
	return 1700000000; /* 2023-11-14T22:13:20Z */
}

static int setup(void **state)
{
	(void)state;
	objstore_init(&st, 8);
	st.clock = fixed_clock;
	cl = objstore_add_cluster(&st, "test", false);
	json_t *ns = json_pack("[{s:s,s:s,s:{s:s}}]", "apiVersion", "v1", "kind", "Namespace",
			       "metadata", "name", "demo");
	objstore_load_objects(&st, cl, ns);
	json_decref(ns);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	objstore_free(&st);
	return 0;
}

static const struct resource *res(const char *group, const char *version, const char *plural)
{
	const struct resource *r = resource_find(&cl->resources, group, version, plural);
	assert_non_null(r);
	return r;
}

static json_t *configmap(const char *name, const char *value)
{
	return json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:s}}", "apiVersion", "v1", "kind", "ConfigMap",
			 "metadata", "name", name, "namespace", "demo", "data", "k", value);
}

static json_t *deployment(const char *name, int replicas)
{
	return json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:i}}", "apiVersion", "apps/v1", "kind",
			 "Deployment", "metadata", "name", name, "namespace", "demo", "spec",
			 "replicas", replicas);
}

static void test_create_sets_metadata(void **state)
{
	(void)state;
	const json_t *a, *b;
	uint64_t before = cl->rv;
	assert_int_equal(objstore_create(&st, cl, res("", "v1", "configmaps"), configmap("a", "1"),
				      false, &a), OBJSTORE_OK);
	assert_int_equal(objstore_create(&st, cl, res("", "v1", "configmaps"), configmap("b", "1"),
				      false, &b), OBJSTORE_OK);
	assert_int_equal(objstore_obj_rv(a), before + 1);
	assert_int_equal(objstore_obj_rv(b), before + 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "metadata"),
							      "creationTimestamp")),
			    "2023-11-14T22:13:20Z");
	assert_int_equal(strlen(objstore_obj_uid(a)), 36);
	assert_string_not_equal(objstore_obj_uid(a), objstore_obj_uid(b));
	/* core objects have no generation; apps objects start at 1 */
	assert_null(json_object_get(json_object_get(a, "metadata"), "generation"));
	const json_t *d;
	assert_int_equal(objstore_create(&st, cl, res("apps", "v1", "deployments"), deployment("d", 1),
				      false, &d), OBJSTORE_OK);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "metadata"),
							    "generation")), 1);
}

static void test_create_errors(void **state)
{
	(void)state;
	const struct resource *cm = res("", "v1", "configmaps");
	assert_int_equal(objstore_create(&st, cl, cm, configmap("a", "1"), false, NULL), OBJSTORE_OK);
	assert_int_equal(objstore_create(&st, cl, cm, configmap("a", "2"), false, NULL), OBJSTORE_EXISTS);
	json_t *other = configmap("x", "1");
	json_object_set_new(json_object_get(other, "metadata"), "namespace", json_string("nope"));
	assert_int_equal(objstore_create(&st, cl, cm, other, false, NULL), OBJSTORE_NO_NAMESPACE);
	uint64_t rv = cl->rv;
	assert_int_equal(objstore_create(&st, cl, cm, configmap("dry", "1"), true, NULL), OBJSTORE_OK);
	assert_int_equal(cl->rv, rv);
	assert_null(objstore_get(cl, cm, "demo", "dry"));
}

static void test_generate_name(void **state)
{
	(void)state;
	json_t *obj = configmap("unused", "1");
	json_object_del(json_object_get(obj, "metadata"), "name");
	json_object_set_new(json_object_get(obj, "metadata"), "generateName", json_string("gen-"));
	const json_t *stored;
	assert_int_equal(objstore_create(&st, cl, res("", "v1", "configmaps"), obj, false, &stored),
			 OBJSTORE_OK);
	const char *name = objstore_obj_name(stored);
	assert_int_equal(strlen(name), 9);
	assert_memory_equal(name, "gen-", 4);
}

static void test_update_generation_and_conflict(void **state)
{
	(void)state;
	const struct resource *dr = res("apps", "v1", "deployments");
	const json_t *d;
	assert_int_equal(objstore_create(&st, cl, dr, deployment("d", 1), false, &d), OBJSTORE_OK);
	uint64_t rv1 = objstore_obj_rv(d);
	char *uid = strdup(objstore_obj_uid(d));

	/* a metadata-only change: new resourceVersion, same generation */
	json_t *upd = json_deep_copy(d);
	json_object_set_new(json_object_get(upd, "metadata"), "labels", json_pack("{s:s}", "a", "b"));
	assert_int_equal(objstore_update(&st, cl, dr, upd, false, &d), OBJSTORE_OK);
	uint64_t rv2 = objstore_obj_rv(d);
	assert_true(rv2 > rv1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "metadata"),
							    "generation")), 1);
	assert_string_equal(objstore_obj_uid(d), uid);
	/* the MODIFIED event keeps the object before the change, for filtered watches */
	size_t pos;
	assert_true(objstore_history_seek(cl, rv1, &pos));
	const struct objstore_event *ev = objstore_history_at(cl, pos);
	assert_int_equal(ev->type, OBJSTORE_MODIFIED);
	assert_non_null(ev->old);
	assert_null(json_object_get(json_object_get(ev->old, "metadata"), "labels"));
	assert_non_null(json_object_get(json_object_get(ev->obj, "metadata"), "labels"));

	/* a spec change bumps generation */
	upd = json_deep_copy(d);
	json_object_set_new(json_object_get(upd, "spec"), "replicas", json_integer(3));
	assert_int_equal(objstore_update(&st, cl, dr, upd, false, &d), OBJSTORE_OK);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "metadata"),
							    "generation")), 2);

	/* a stale resourceVersion conflicts */
	upd = json_deep_copy(d);
	char old[24];
	snprintf(old, sizeof old, "%llu", (unsigned long long)rv1);
	json_object_set_new(json_object_get(upd, "metadata"), "resourceVersion", json_string(old));
	assert_int_equal(objstore_update(&st, cl, dr, upd, false, NULL), OBJSTORE_CONFLICT);

	/* an update that changes nothing keeps the resourceVersion and records nothing */
	uint64_t rv = cl->rv;
	assert_int_equal(objstore_update(&st, cl, dr, json_deep_copy(d), false, NULL), OBJSTORE_OK);
	assert_int_equal(cl->rv, rv);
	free(uid);
}

static void test_history_window(void **state)
{
	(void)state;
	const struct resource *cm = res("", "v1", "configmaps");
	uint64_t start = cl->rv;
	char name[16];
	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof name, "cm%d", i);
		assert_int_equal(objstore_create(&st, cl, cm, configmap(name, "1"), false, NULL), OBJSTORE_OK);
	}
	/* history holds 8: the first 4 of these 12 (and the namespace) have been dropped */
	size_t pos;
	assert_false(objstore_history_seek(cl, start, &pos));
	assert_false(objstore_history_seek(cl, start + 3, &pos));
	assert_true(objstore_history_seek(cl, start + 4, &pos));
	const struct objstore_event *ev = objstore_history_at(cl, pos);
	assert_non_null(ev);
	assert_int_equal(ev->rv, start + 5);
	assert_int_equal(ev->type, OBJSTORE_ADDED);
	assert_string_equal(objstore_obj_name(ev->obj), "cm4");
	/* from the newest: nothing more */
	assert_true(objstore_history_seek(cl, cl->rv, &pos));
	assert_null(objstore_history_at(cl, pos));

	assert_int_equal(objstore_delete(&st, cl, cm, "demo", "cm11", OBJSTORE_BACKGROUND, false, NULL),
			 OBJSTORE_OK);
	assert_true(objstore_history_seek(cl, cl->rv - 1, &pos));
	ev = objstore_history_at(cl, pos);
	assert_int_equal(ev->type, OBJSTORE_DELETED);
	assert_int_equal(ev->rv, cl->rv);
	assert_int_equal(objstore_obj_rv(ev->obj), cl->rv);
}

static json_t *crd(void)
{
	return json_pack("{s:s,s:s,s:{s:s},s:{s:s,s:s,s:{s:s,s:s,s:s,s:[s]},s:[{s:s,s:b,s:b,s:[{s:s,s:s,s:s}]}]}}",
			 "apiVersion", "apiextensions.k8s.io/v1", "kind", "CustomResourceDefinition",
			 "metadata", "name", "widgets.example.com", "spec", "group", "example.com",
			 "scope", "Namespaced", "names", "plural", "widgets", "singular", "widget",
			 "kind", "Widget", "shortNames", "wd", "versions", "name", "v1", "served", 1,
			 "storage", 1, "additionalPrinterColumns", "name", "Size", "type", "string",
			 "jsonPath", ".spec.size");
}

static void test_crd_registration(void **state)
{
	(void)state;
	const struct resource *crds = res("apiextensions.k8s.io", "v1", "customresourcedefinitions");
	assert_null(resource_find(&cl->resources, "example.com", "v1", "widgets"));
	const json_t *stored;
	assert_int_equal(objstore_create(&st, cl, crds, crd(), false, &stored), OBJSTORE_OK);
	/* established at once */
	json_t *conds = json_object_get(json_object_get(stored, "status"), "conditions");
	assert_int_equal(json_array_size(conds), 2);

	const struct resource *w = resource_find(&cl->resources, "example.com", "v1", "widgets");
	assert_non_null(w);
	assert_true(w->namespaced);
	assert_string_equal(w->kind, "Widget");
	assert_string_equal(json_string_value(json_array_get(w->short_names, 0)), "wd");
	assert_int_equal(json_array_size(w->printer_columns), 1);
	json_t *obj = json_pack("{s:s,s:s,s:{s:s,s:s}}", "apiVersion", "example.com/v1", "kind",
				"Widget", "metadata", "name", "w1", "namespace", "demo");
	assert_int_equal(objstore_create(&st, cl, w, obj, false, NULL), OBJSTORE_OK);
	assert_non_null(objstore_get(cl, w, "demo", "w1"));

	assert_int_equal(objstore_delete(&st, cl, crds, "", "widgets.example.com", OBJSTORE_BACKGROUND,
				      false, NULL), OBJSTORE_OK);
	assert_null(resource_find(&cl->resources, "example.com", "v1", "widgets"));
	assert_null(json_object_get(cl->objects, "example.com/widgets"));
}

static json_t *owned(const char *api_version, const char *kind, const char *name,
		     const json_t *owner)
{
	return json_pack("{s:s,s:s,s:{s:s,s:s,s:[{s:s,s:s,s:s,s:s,s:b}]}}", "apiVersion",
			 api_version, "kind", kind, "metadata", "name", name, "namespace", "demo",
			 "ownerReferences", "apiVersion", json_string_value(json_object_get(owner, "apiVersion")),
			 "kind", json_string_value(json_object_get(owner, "kind")), "name",
			 objstore_obj_name(owner), "uid", objstore_obj_uid(owner), "controller", 1);
}

static void make_chain(const json_t **d, const json_t **rs, const json_t **pod)
{
	assert_int_equal(objstore_create(&st, cl, res("apps", "v1", "deployments"), deployment("web", 1),
				      false, d), OBJSTORE_OK);
	assert_int_equal(objstore_create(&st, cl, res("apps", "v1", "replicasets"),
				      owned("apps/v1", "ReplicaSet", "web-abc", *d), false, rs),
			 OBJSTORE_OK);
	assert_int_equal(objstore_create(&st, cl, res("", "v1", "pods"),
				      owned("v1", "Pod", "web-abc-x1", *rs), false, pod), OBJSTORE_OK);
	/* an unrelated pod survives everything */
	assert_int_equal(objstore_create(&st, cl, res("", "v1", "pods"),
				      json_pack("{s:s,s:s,s:{s:s,s:s}}", "apiVersion", "v1", "kind",
						"Pod", "metadata", "name", "other", "namespace", "demo"),
				      false, NULL), OBJSTORE_OK);
}

static void test_delete_background_cascades(void **state)
{
	(void)state;
	const json_t *d, *rs, *pod;
	make_chain(&d, &rs, &pod);
	uint64_t before = cl->rv;
	assert_int_equal(objstore_delete(&st, cl, res("apps", "v1", "deployments"), "demo", "web",
				      OBJSTORE_BACKGROUND, false, NULL), OBJSTORE_OK);
	assert_null(objstore_get(cl, res("apps", "v1", "replicasets"), "demo", "web-abc"));
	assert_null(objstore_get(cl, res("", "v1", "pods"), "demo", "web-abc-x1"));
	assert_non_null(objstore_get(cl, res("", "v1", "pods"), "demo", "other"));
	assert_int_equal(cl->rv, before + 3); /* three DELETED events */
	assert_int_equal(objstore_delete(&st, cl, res("apps", "v1", "deployments"), "demo", "web",
				      OBJSTORE_BACKGROUND, false, NULL), OBJSTORE_NOT_FOUND);
}

static void test_delete_orphan_keeps_dependents(void **state)
{
	(void)state;
	const json_t *d, *rs, *pod;
	make_chain(&d, &rs, &pod);
	assert_int_equal(objstore_delete(&st, cl, res("apps", "v1", "deployments"), "demo", "web",
				      OBJSTORE_ORPHAN, false, NULL), OBJSTORE_OK);
	rs = objstore_get(cl, res("apps", "v1", "replicasets"), "demo", "web-abc");
	assert_non_null(rs);
	assert_null(json_object_get(json_object_get(rs, "metadata"), "ownerReferences"));
	assert_non_null(objstore_get(cl, res("", "v1", "pods"), "demo", "web-abc-x1"));
}

static void test_delete_namespace_empties_it(void **state)
{
	(void)state;
	const struct resource *cm = res("", "v1", "configmaps");
	assert_int_equal(objstore_create(&st, cl, cm, configmap("a", "1"), false, NULL), OBJSTORE_OK);
	assert_int_equal(objstore_delete(&st, cl, res("", "v1", "namespaces"), "", "demo",
				      OBJSTORE_BACKGROUND, false, NULL), OBJSTORE_OK);
	assert_null(objstore_get(cl, cm, "demo", "a"));
}

static void test_list_sorted_and_paged(void **state)
{
	(void)state;
	const struct resource *cm = res("", "v1", "configmaps");
	json_t *more = json_pack("[{s:s,s:s,s:{s:s}}]", "apiVersion", "v1", "kind", "Namespace",
				 "metadata", "name", "demo-b");
	objstore_load_objects(&st, cl, more);
	json_decref(more);
	const char *names[] = {"zeta", "alpha", "mid"};
	for (int i = 0; i < 3; i++)
		assert_int_equal(objstore_create(&st, cl, cm, configmap(names[i], "1"), false, NULL), OBJSTORE_OK);
	json_t *b = configmap("first", "1");
	json_object_set_new(json_object_get(b, "metadata"), "namespace", json_string("demo-b"));
	assert_int_equal(objstore_create(&st, cl, cm, b, false, NULL), OBJSTORE_OK);

	const json_t **objs;
	const char **keys;
	size_t n = objstore_list(cl, cm, "", NULL, &objs, &keys);
	assert_int_equal(n, 4);
	/* etcd key order: "demo-b/…" sorts before "demo/…" because '-' (0x2d) < '/' (0x2f) */
	assert_string_equal(keys[0], "demo-b/first");
	assert_string_equal(keys[1], "demo/alpha");
	assert_string_equal(keys[3], "demo/zeta");
	free(objs);
	free(keys);
	n = objstore_list(cl, cm, "demo", "demo/alpha", &objs, &keys);
	assert_int_equal(n, 2);
	assert_string_equal(objstore_obj_name(objs[0]), "mid");
	free(objs);
	free(keys);
}

static void test_time_round_trip(void **state)
{
	(void)state;
	char buf[32];
	objstore_format_time(1700000000, buf, sizeof buf);
	assert_string_equal(buf, "2023-11-14T22:13:20Z");
	assert_int_equal(objstore_parse_time(buf), 1700000000);
	assert_int_equal(objstore_parse_time("2023-11-14T22:13:20.123456Z"), 1700000000);
	assert_int_equal(objstore_parse_time("2023-11-15T00:13:20+02:00"), 1700000000);
	assert_int_equal(objstore_parse_time("yesterday"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_sets_metadata, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generate_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_generation_and_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crd_registration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_background_cascades, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_orphan_keeps_dependents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_namespace_empties_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_sorted_and_paged, setup, teardown),
		cmocka_unit_test(test_time_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
