/* Unit tests for core/related: kinds to resources, owners, selectors, related links. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "core/related.h"

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, 0, &err);
	if (!v)
		fail_msg("bad test JSON: %s", err.text);
	return v;
}

static void check_kind(const char *kind, const char *api, const char *want)
{
	char *got = related_resource_of_kind(kind, api);
	assert_string_equal(got, want);
	free(got);
}

static void test_resource_of_kind(void **state)
{
	(void)state;
	check_kind("Pod", "v1", "pods");
	check_kind("Node", "v1", "nodes");
	check_kind("Service", "v1", "services");
	check_kind("ReplicaSet", "apps/v1", "replicasets.apps");
	check_kind("Deployment", "apps/v1", "deployments.apps");
	check_kind("StatefulSet", "apps/v1", "statefulsets.apps");
	check_kind("DaemonSet", "apps/v1", "daemonsets.apps");
	check_kind("Job", "batch/v1", "jobs.batch");
	check_kind("CronJob", "batch/v1", "cronjobs.batch");
	check_kind("Application", "argoproj.io/v1alpha1", "applications.argoproj.io");
	check_kind("Ingress", "networking.k8s.io/v1", "ingresses.networking.k8s.io");
	check_kind("NetworkPolicy", "networking.k8s.io/v1", "networkpolicies.networking.k8s.io");
	/* unknown kinds: lower-case + plural + group */
	check_kind("Widget", "example.com/v1", "widgets.example.com");
	check_kind("VulnerabilityReport", "aquasecurity.github.io/v1alpha1",
		   "vulnerabilityreports.aquasecurity.github.io");
	check_kind("Thing", "v1", "things");
	check_kind("Thing", NULL, "things");
}

static void test_owner_controller_preferred(void **state)
{
	(void)state;
	json_t *pod = parse("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-1\",\"namespace\":\"shop\","
			    "\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"x\"},"
			    "{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"web-7d4b9\","
			    "\"controller\":true}]}}");
	struct related_link l;
	assert_true(related_owner(pod, &l));
	assert_string_equal(l.title, "Owner ReplicaSet web-7d4b9");
	assert_string_equal(l.resource, "replicasets.apps");
	assert_string_equal(l.namespace, "shop");
	assert_string_equal(l.name, "web-7d4b9");
	assert_null(l.label_selector);
	assert_null(l.field_selector);
	/* related_links_free frees the strings and the items array: give it a heap copy */
	struct related_links all = {.n = 1, .cap = 1};
	all.items = malloc(sizeof(l));
	all.items[0] = l;
	related_links_free(&all);
	json_decref(pod);
}

static void test_owner_first_when_no_controller(void **state)
{
	(void)state;
	json_t *o = parse("{\"metadata\":{\"name\":\"a\",\"ownerReferences\":["
			  "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Application\",\"name\":\"guestbook\"},"
			  "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"p\"}]}}");
	struct related_links out = {0};
	/* without a kind there is nothing but the owner */
	assert_int_equal(related_links_for(o, &out), 1);
	assert_string_equal(out.items[0].title, "Owner Application guestbook");
	related_links_free(&out);
	struct related_link l;
	assert_true(related_owner(o, &l));
	assert_string_equal(l.resource, "applications.argoproj.io");
	assert_string_equal(l.namespace, "");
	assert_string_equal(l.name, "guestbook");
	out.items = malloc(sizeof(l));
	out.items[0] = l;
	out.n = out.cap = 1;
	related_links_free(&out);
	json_decref(o);
}

static void test_no_owner(void **state)
{
	(void)state;
	json_t *o = parse("{\"metadata\":{\"name\":\"a\"}}");
	struct related_link l;
	assert_false(related_owner(o, &l));
	json_decref(o);
	o = parse("{\"metadata\":{\"name\":\"a\",\"ownerReferences\":[]}}");
	assert_false(related_owner(o, &l));
	json_decref(o);
}

static void check_selector(const char *json, const char *want)
{
	json_t *sel = parse(json);
	char *got = related_selector_string(sel);
	if (want)
		assert_string_equal(got, want);
	else
		assert_null(got);
	free(got);
	json_decref(sel);
}

static void test_selector_strings(void **state)
{
	(void)state;
	check_selector("{\"matchLabels\":{\"app\":\"web\"}}", "app=web");
	check_selector("{\"matchLabels\":{\"tier\":\"fe\",\"app\":\"web\"}}", "app=web,tier=fe");
	check_selector("{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"In\","
		       "\"values\":[\"b\",\"a\"]}]}", "tier in (a,b)");
	check_selector("{\"matchExpressions\":[{\"key\":\"env\",\"operator\":\"NotIn\","
		       "\"values\":[\"prod\"]}]}", "env notin (prod)");
	check_selector("{\"matchExpressions\":[{\"key\":\"gpu\",\"operator\":\"Exists\"}]}", "gpu");
	check_selector("{\"matchExpressions\":[{\"key\":\"legacy\",\"operator\":\"DoesNotExist\"}]}",
		       "!legacy");
	/* requirements sorted by key, as apimachinery's selector String() */
	check_selector("{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":["
		       "{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"a\",\"b\"]},"
		       "{\"key\":\"legacy\",\"operator\":\"DoesNotExist\"}]}",
		       "app=web,!legacy,tier in (a,b)");
	check_selector("{\"a.b\":\"1\",\"a\":\"2\"}", "a=2,a.b=1");
	/* a Service's plain map */
	check_selector("{\"app\":\"web\",\"role\":\"api\"}", "app=web,role=api");
	check_selector("{}", NULL);
	check_selector("{\"matchLabels\":{}}", NULL);
	check_selector("[]", NULL);
	assert_null(related_selector_string(NULL));
}

static void test_events_selector(void **state)
{
	(void)state;
	char *s = related_events_selector("Pod", "shop", "web-1", NULL);
	assert_string_equal(s, "involvedObject.kind=Pod,involvedObject.name=web-1,"
			       "involvedObject.namespace=shop");
	free(s);
	s = related_events_selector("Node", "", "kind-w1", "abc-123");
	assert_string_equal(s, "involvedObject.kind=Node,involvedObject.name=kind-w1,"
			       "involvedObject.uid=abc-123");
	free(s);
	s = related_events_selector("Node", NULL, "n", "");
	assert_string_equal(s, "involvedObject.kind=Node,involvedObject.name=n");
	free(s);
}

static void test_links_deployment(void **state)
{
	(void)state;
	json_t *d = parse("{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"},"
			  "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}}");
	struct related_links out = {0};
	assert_int_equal(related_links_for(d, &out), 2);
	assert_string_equal(out.items[0].title, "Pods (app=web)");
	assert_string_equal(out.items[0].resource, "pods");
	assert_string_equal(out.items[0].namespace, "shop");
	assert_null(out.items[0].name);
	assert_string_equal(out.items[0].label_selector, "app=web");
	assert_string_equal(out.items[1].resource, "replicasets.apps");
	assert_string_equal(out.items[1].label_selector, "app=web");
	related_links_free(&out);
	assert_int_equal(out.n, 0);
	assert_null(out.items);
	json_decref(d);
}

static void test_links_replicaset_with_owner(void **state)
{
	(void)state;
	json_t *rs = parse("{\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"web-7d\",\"namespace\":\"shop\","
			   "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
			   "\"name\":\"web\",\"controller\":true}]},"
			   "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"web\",\"pod-template-hash\":\"7d\"}}}}");
	struct related_links out = {0};
	assert_int_equal(related_links_for(rs, &out), 2);
	assert_string_equal(out.items[0].title, "Owner Deployment web");
	assert_string_equal(out.items[0].resource, "deployments.apps");
	assert_string_equal(out.items[1].label_selector, "app=web,pod-template-hash=7d");
	/* appends: a second call adds after the first */
	assert_int_equal(related_links_for(rs, &out), 2);
	assert_int_equal(out.n, 4);
	related_links_free(&out);
	json_decref(rs);
}

static void test_links_empty_selector_selects_nothing(void **state)
{
	(void)state;
	json_t *j = parse("{\"kind\":\"Job\",\"metadata\":{\"name\":\"j\",\"namespace\":\"n\"},"
			  "\"spec\":{\"selector\":{}}}");
	struct related_links out = {0};
	assert_int_equal(related_links_for(j, &out), 0);
	related_links_free(&out);
	json_decref(j);
	json_t *cj = parse("{\"kind\":\"CronJob\",\"metadata\":{\"name\":\"c\",\"namespace\":\"n\"},"
			   "\"spec\":{\"jobTemplate\":{}}}");
	assert_int_equal(related_links_for(cj, &out), 0);
	related_links_free(&out);
	json_decref(cj);
}

static void test_links_service(void **state)
{
	(void)state;
	json_t *s = parse("{\"kind\":\"Service\",\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"},"
			  "\"spec\":{\"selector\":{\"app\":\"web\"}}}");
	struct related_links out = {0};
	assert_int_equal(related_links_for(s, &out), 2);
	assert_string_equal(out.items[0].label_selector, "app=web");
	assert_string_equal(out.items[1].resource, "endpointslices.discovery.k8s.io");
	assert_string_equal(out.items[1].label_selector, "kubernetes.io/service-name=web");
	assert_string_equal(out.items[1].namespace, "shop");
	related_links_free(&out);
	json_decref(s);
	/* a service without a selector still has its slices */
	s = parse("{\"kind\":\"Service\",\"metadata\":{\"name\":\"ext\",\"namespace\":\"shop\"},\"spec\":{}}");
	assert_int_equal(related_links_for(s, &out), 1);
	assert_string_equal(out.items[0].label_selector, "kubernetes.io/service-name=ext");
	related_links_free(&out);
	json_decref(s);
}

static void test_links_pod_fixture(void **state)
{
	(void)state;
	json_error_t err;
	json_t *pod = json_load_file("tests/fixtures/kubernetes/po.json", 0, &err);
	assert_non_null(pod);
	struct related_links out = {0};
	/* k9s's pod: node minikube, a PVC "web" and the service-account token secret */
	assert_int_equal(related_links_for(pod, &out), 3);
	assert_string_equal(out.items[0].title, "Node minikube");
	assert_string_equal(out.items[0].resource, "nodes");
	assert_string_equal(out.items[0].namespace, "");
	assert_string_equal(out.items[0].name, "minikube");
	assert_string_equal(out.items[1].resource, "persistentvolumeclaims");
	assert_string_equal(out.items[1].name, "web");
	assert_string_equal(out.items[1].namespace, "default");
	assert_string_equal(out.items[2].resource, "secrets");
	assert_string_equal(out.items[2].title, "Secret default-token-9ph8s");
	related_links_free(&out);
	json_decref(pod);
}

static void test_links_pod_owner_and_configmap(void **state)
{
	(void)state;
	json_error_t err;
	json_t *pod = json_load_file("tests/fixtures/kubernetes/sandbox-pod.json", 0, &err);
	assert_non_null(pod);
	json_t *vols = json_pack("[{s:s, s:{s:s}}]", "name", "cfg", "configMap", "name", "app-cfg");
	json_object_set_new(json_object_get(pod, "spec"), "volumes", vols);
	struct related_links out = {0};
	assert_int_equal(related_links_for(pod, &out), 3);
	assert_string_equal(out.items[0].title, "Owner ReplicaSet audit-trail-c5gmnc25gl");
	assert_string_equal(out.items[0].namespace, "payments-dev");
	assert_string_equal(out.items[1].name, "nonprod-node-1");
	assert_string_equal(out.items[2].title, "ConfigMap app-cfg");
	assert_string_equal(out.items[2].resource, "configmaps");
	related_links_free(&out);
	json_decref(pod);
}

static void test_links_node_and_pvc(void **state)
{
	(void)state;
	json_t *n = parse("{\"kind\":\"Node\",\"metadata\":{\"name\":\"kind-w1\"}}");
	struct related_links out = {0};
	assert_int_equal(related_links_for(n, &out), 1);
	assert_string_equal(out.items[0].resource, "pods");
	assert_string_equal(out.items[0].namespace, "");
	assert_string_equal(out.items[0].field_selector, "spec.nodeName=kind-w1");
	assert_null(out.items[0].label_selector);
	related_links_free(&out);
	json_decref(n);
	json_t *pvc = parse("{\"kind\":\"PersistentVolumeClaim\",\"metadata\":{\"name\":\"data\","
			    "\"namespace\":\"db\"},\"spec\":{\"volumeName\":\"pv-123\"}}");
	assert_int_equal(related_links_for(pvc, &out), 1);
	assert_string_equal(out.items[0].resource, "persistentvolumes");
	assert_string_equal(out.items[0].name, "pv-123");
	assert_string_equal(out.items[0].namespace, "");
	related_links_free(&out);
	json_decref(pvc);
	pvc = parse("{\"kind\":\"PersistentVolumeClaim\",\"metadata\":{\"name\":\"d\"},\"spec\":{}}");
	assert_int_equal(related_links_for(pvc, &out), 0);
	related_links_free(&out);
	json_decref(pvc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resource_of_kind),
		cmocka_unit_test(test_owner_controller_preferred),
		cmocka_unit_test(test_owner_first_when_no_controller),
		cmocka_unit_test(test_no_owner),
		cmocka_unit_test(test_selector_strings),
		cmocka_unit_test(test_events_selector),
		cmocka_unit_test(test_links_deployment),
		cmocka_unit_test(test_links_replicaset_with_owner),
		cmocka_unit_test(test_links_empty_selector_selects_nothing),
		cmocka_unit_test(test_links_service),
		cmocka_unit_test(test_links_pod_fixture),
		cmocka_unit_test(test_links_pod_owner_and_configmap),
		cmocka_unit_test(test_links_node_and_pvc),
	};
	return cmocka_run_group_tests_name("related", tests, NULL, NULL);
}
