/* Unit tests for the sandbox controllers, driven tick by tick with a fake clock:
 * Deployments roll out through ReplicaSets (and reuse an old one on undo), ReplicaSets
 * replace deleted pods, pods start, StatefulSets make ordinal pods. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sandbox/controller.h"
#include "sandbox/objstore.h"

static struct objstore st;
static struct objstore_cluster *cl;
static time_t fake_now = 1700000000;

static time_t fake_clock(void)
{
	return fake_now;
}

static const struct resource *res(const char *group, const char *plural)
{
	const struct resource *r = resource_find(&cl->resources, group, "v1", plural);
	assert_non_null(r);
	return r;
}

static int setup(void **state)
{
	(void)state;
	objstore_init(&st, 10000);
	st.clock = fake_clock;
	cl = objstore_add_cluster(&st, "test", false);
	json_t *objs = json_pack("[{s:s,s:s,s:{s:s}},{s:s,s:s,s:{s:s}}]", "apiVersion", "v1",
				 "kind", "Namespace", "metadata", "name", "shop", "apiVersion", "v1",
				 "kind", "Node", "metadata", "name", "node-1");
	objstore_load_objects(&st, cl, objs);
	json_decref(objs);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	objstore_free(&st);
	return 0;
}

static void run_ticks(int n)
{
	for (int i = 0; i < n; i++) {
		controller_tick(&st);
		fake_now += 1;
	}
}

static json_t *template_with(const char *image)
{
	return json_pack("{s:{s:{s:s}},s:{s:[{s:s,s:s}]}}", "metadata", "labels", "app", "web",
			 "spec", "containers", "name", "web", "image", image);
}

static void create_deployment(int replicas, const char *image)
{
	json_t *d = json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:i,s:{s:{s:s}},s:o}}", "apiVersion",
			      "apps/v1", "kind", "Deployment", "metadata", "name", "web",
			      "namespace", "shop", "spec", "replicas", replicas, "selector",
			      "matchLabels", "app", "web", "template", template_with(image));
	assert_int_equal(objstore_create(&st, cl, res("apps", "deployments"), d, false, NULL), OBJSTORE_OK);
}

static void set_image(const char *image)
{
	const json_t *d = objstore_get(cl, res("apps", "deployments"), "shop", "web");
	json_t *copy = json_deep_copy(d);
	json_object_set_new(json_object_get(copy, "spec"), "template", template_with(image));
	assert_int_equal(objstore_update(&st, cl, res("apps", "deployments"), copy, false, NULL),
			 OBJSTORE_OK);
}

static size_t count(const char *group, const char *plural)
{
	json_t *map = objstore_objects(cl, res(group, plural));
	return map ? json_object_size(map) : 0;
}

static json_int_t status_int(const json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(obj, "status"), key));
}

static size_t running_pods_with_image(const char *image)
{
	size_t n = 0;
	const char *key;
	json_t *pod;
	json_object_foreach(objstore_objects(cl, res("", "pods")), key, pod) {
		json_t *c = json_array_get(json_object_get(json_object_get(pod, "spec"), "containers"), 0);
		const char *phase = json_string_value(json_object_get(json_object_get(pod, "status"),
								      "phase"));
		if (!strcmp(json_string_value(json_object_get(c, "image")), image) && phase &&
		    !strcmp(phase, "Running"))
			n++;
	}
	return n;
}

static const char *revision_of(const json_t *obj)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(obj, "metadata"),
								 "annotations"),
						 "deployment.kubernetes.io/revision"));
}

static void test_deployment_rolls_out(void **state)
{
	(void)state;
	create_deployment(2, "web:1");
	run_ticks(12);
	assert_int_equal(count("apps", "replicasets"), 1);
	assert_int_equal(running_pods_with_image("web:1"), 2);
	const json_t *d = objstore_get(cl, res("apps", "deployments"), "shop", "web");
	assert_int_equal(status_int(d, "availableReplicas"), 2);
	assert_int_equal(status_int(d, "updatedReplicas"), 2);
	assert_int_equal(status_int(d, "observedGeneration"), 1);
	json_t *cond = json_array_get(json_object_get(json_object_get(d, "status"), "conditions"), 1);
	assert_string_equal(json_string_value(json_object_get(cond, "reason")),
			    "NewReplicaSetAvailable");
	assert_string_equal(revision_of(d), "1");
	/* pods went through the kubelet's events */
	assert_true(count("", "events") >= 2 * 5);
}

static void test_template_change_and_undo(void **state)
{
	(void)state;
	create_deployment(2, "web:1");
	run_ticks(12);
	set_image("web:2");
	run_ticks(20);
	assert_int_equal(count("apps", "replicasets"), 2);
	assert_int_equal(running_pods_with_image("web:2"), 2);
	assert_int_equal(running_pods_with_image("web:1"), 0);
	const json_t *d = objstore_get(cl, res("apps", "deployments"), "shop", "web");
	assert_string_equal(revision_of(d), "2");
	assert_int_equal(status_int(d, "observedGeneration"), 2);

	/* back to the first template: its ReplicaSet comes back as revision 3 */
	set_image("web:1");
	run_ticks(20);
	assert_int_equal(count("apps", "replicasets"), 2);
	assert_int_equal(running_pods_with_image("web:1"), 2);
	d = objstore_get(cl, res("apps", "deployments"), "shop", "web");
	assert_string_equal(revision_of(d), "3");
}

static void test_replicaset_replaces_deleted_pod(void **state)
{
	(void)state;
	create_deployment(3, "web:1");
	run_ticks(15);
	assert_int_equal(count("", "pods"), 3);
	const char *key;
	json_t *pod;
	char *victim = NULL;
	json_object_foreach(objstore_objects(cl, res("", "pods")), key, pod) {
		victim = strdup(objstore_obj_name(pod));
		break;
	}
	assert_int_equal(objstore_delete(&st, cl, res("", "pods"), "shop", victim, OBJSTORE_BACKGROUND,
				      false, NULL), OBJSTORE_OK);
	assert_int_equal(count("", "pods"), 2);
	run_ticks(4);
	assert_int_equal(count("", "pods"), 3);
	assert_null(objstore_get(cl, res("", "pods"), "shop", victim));
	assert_int_equal(running_pods_with_image("web:1"), 3);
	free(victim);
}

static void test_scale_down(void **state)
{
	(void)state;
	create_deployment(3, "web:1");
	run_ticks(15);
	const json_t *d = objstore_get(cl, res("apps", "deployments"), "shop", "web");
	json_t *copy = json_deep_copy(d);
	json_object_set_new(json_object_get(copy, "spec"), "replicas", json_integer(1));
	objstore_update(&st, cl, res("apps", "deployments"), copy, false, NULL);
	run_ticks(4);
	assert_int_equal(count("", "pods"), 1);
	d = objstore_get(cl, res("apps", "deployments"), "shop", "web");
	assert_int_equal(status_int(d, "replicas"), 1);
}

static void test_statefulset_ordinals(void **state)
{
	(void)state;
	json_t *sts = json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:i,s:s,s:{s:{s:s}},s:o}}", "apiVersion",
				"apps/v1", "kind", "StatefulSet", "metadata", "name", "db",
				"namespace", "shop", "spec", "replicas", 2, "serviceName", "db",
				"selector", "matchLabels", "app", "web", "template",
				template_with("db:1"));
	assert_int_equal(objstore_create(&st, cl, res("apps", "statefulsets"), sts, false, NULL),
			 OBJSTORE_OK);
	run_ticks(12);
	assert_non_null(objstore_get(cl, res("", "pods"), "shop", "db-0"));
	assert_non_null(objstore_get(cl, res("", "pods"), "shop", "db-1"));
	assert_null(objstore_get(cl, res("", "pods"), "shop", "db-2"));
	const json_t *s = objstore_get(cl, res("apps", "statefulsets"), "shop", "db");
	assert_int_equal(status_int(s, "readyReplicas"), 2);
}

static void test_deleting_deployment_removes_everything(void **state)
{
	(void)state;
	create_deployment(2, "web:1");
	run_ticks(12);
	assert_int_equal(objstore_delete(&st, cl, res("apps", "deployments"), "shop", "web",
				      OBJSTORE_BACKGROUND, false, NULL), OBJSTORE_OK);
	assert_int_equal(count("apps", "replicasets"), 0);
	assert_int_equal(count("", "pods"), 0);
	run_ticks(3);
	assert_int_equal(count("", "pods"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_deployment_rolls_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_template_change_and_undo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replicaset_replaces_deleted_pod, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scale_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statefulset_ordinals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleting_deployment_removes_everything, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
