/* Tests for clients/kube_discovery: legacy (APIVersions, APIGroupList, APIResourceList)
 * and aggregated (APIGroupDiscoveryList v2) bodies shaped after kube-apiserver's, and
 * kubectl-style name resolution. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "clients/kube_discovery.h"

static json_t *load(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, 0, &jerr);
	if (!v)
		fail_msg("bad test JSON: %s", jerr.text);
	return v;
}

static const char core_v1[] =
	"{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
	"{\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true,\"kind\":\"Pod\","
	"\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\","
	"\"update\",\"watch\"],\"shortNames\":[\"po\"],\"categories\":[\"all\"]},"
	"{\"name\":\"pods/log\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"Pod\","
	"\"verbs\":[\"get\"]},"
	"{\"name\":\"namespaces\",\"singularName\":\"namespace\",\"namespaced\":false,"
	"\"kind\":\"Namespace\",\"verbs\":[\"get\",\"list\",\"watch\"],\"shortNames\":[\"ns\"]},"
	"{\"name\":\"events\",\"singularName\":\"event\",\"namespaced\":true,\"kind\":\"Event\","
	"\"verbs\":[\"get\",\"list\",\"watch\"],\"shortNames\":[\"ev\"]},"
	"{\"name\":\"services\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"Service\","
	"\"verbs\":[\"get\",\"list\"],\"shortNames\":[\"svc\"]}]}";

static const char apps_v1[] =
	"{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"apps/v1\","
	"\"resources\":[{\"name\":\"deployments\",\"singularName\":\"deployment\","
	"\"namespaced\":true,\"kind\":\"Deployment\",\"verbs\":[\"get\",\"list\",\"watch\","
	"\"patch\"],\"shortNames\":[\"deploy\"],\"categories\":[\"all\"]},"
	"{\"name\":\"deployments/scale\",\"singularName\":\"\",\"namespaced\":true,\"group\":"
	"\"autoscaling\",\"version\":\"v1\",\"kind\":\"Scale\",\"verbs\":[\"get\",\"patch\"]}]}";

/* The same group at an older version also serves deployments and something only it has. */
static const char apps_v1beta2[] =
	"{\"kind\":\"APIResourceList\",\"groupVersion\":\"apps/v1beta2\",\"resources\":["
	"{\"name\":\"deployments\",\"singularName\":\"deployment\",\"namespaced\":true,"
	"\"kind\":\"Deployment\",\"verbs\":[\"get\"]},"
	"{\"name\":\"oldthings\",\"singularName\":\"oldthing\",\"namespaced\":false,"
	"\"kind\":\"OldThing\",\"verbs\":[\"list\"]}]}";

static const char events_v1[] =
	"{\"kind\":\"APIResourceList\",\"groupVersion\":\"events.k8s.io/v1\",\"resources\":["
	"{\"name\":\"events\",\"singularName\":\"event\",\"namespaced\":true,\"kind\":\"Event\","
	"\"verbs\":[\"get\",\"list\"],\"shortNames\":[\"ev\"]}]}";

static void test_group_and_core_paths(void **state)
{
	(void)state;
	json_t *groups = load(
		"{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":["
		"{\"name\":\"apps\",\"versions\":[{\"groupVersion\":\"apps/v1beta2\",\"version\":"
		"\"v1beta2\"},{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}],"
		"\"preferredVersion\":{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}},"
		"{\"name\":\"argoproj.io\",\"versions\":[{\"groupVersion\":\"argoproj.io/v1alpha1\","
		"\"version\":\"v1alpha1\"}],\"preferredVersion\":{\"groupVersion\":"
		"\"argoproj.io/v1alpha1\",\"version\":\"v1alpha1\"}}]}");
	char **p = kube_discovery_group_paths(groups);
	assert_string_equal(p[0], "/apis/apps/v1");
	assert_string_equal(p[1], "/apis/apps/v1beta2");
	assert_string_equal(p[2], "/apis/argoproj.io/v1alpha1");
	assert_null(p[3]);
	for (size_t i = 0; p[i]; i++)
		free(p[i]);
	free(p);
	json_decref(groups);

	json_t *versions = load("{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"
				"\"serverAddressByClientCIDRs\":[]}");
	char **c = kube_discovery_core_paths(versions);
	assert_string_equal(c[0], "/api/v1");
	assert_null(c[1]);
	free(c[0]);
	free(c);
	json_decref(versions);
}

static struct kube_discovery *legacy_discovery(void)
{
	struct kube_discovery *d = kube_discovery_new();
	const char *docs[] = {core_v1, apps_v1, apps_v1beta2, events_v1};
	char err[256];
	for (size_t i = 0; i < 4; i++) {
		json_t *doc = load(docs[i]);
		assert_int_equal(kube_discovery_add_legacy(d, doc, err, sizeof(err)), 0);
		json_decref(doc);
	}
	return d;
}

static void test_legacy_parse(void **state)
{
	(void)state;
	struct kube_discovery *d = legacy_discovery();
	/* pods, namespaces, events, services, deployments, oldthings, events.k8s.io events:
	 * no subresources, no second deployments from v1beta2. */
	assert_int_equal(d->nresources, 7);
	assert_false(d->aggregated);
	const struct kube_resource *pods = &d->resources[0];
	assert_string_equal(pods->group, "");
	assert_string_equal(pods->version, "v1");
	assert_string_equal(pods->resource, "pods");
	assert_string_equal(pods->singular, "pod");
	assert_string_equal(pods->kind, "Pod");
	assert_true(pods->namespaced);
	assert_int_equal(pods->nshort, 1);
	assert_string_equal(pods->short_names[0], "po");
	assert_int_equal(pods->verbs, KUBE_VERB_GET | KUBE_VERB_LIST | KUBE_VERB_WATCH |
					      KUBE_VERB_CREATE | KUBE_VERB_UPDATE | KUBE_VERB_PATCH |
					      KUBE_VERB_DELETE | KUBE_VERB_DELETECOLLECTION);
	/* singularName "" falls back to the lower-cased kind. */
	assert_string_equal(d->resources[3].singular, "service");
	assert_string_equal(d->resources[4].version, "v1");   /* preferred version kept */
	assert_string_equal(d->resources[5].version, "v1beta2");
	json_t *bad = load("{\"kind\":\"Status\"}");
	char err[256] = "";
	assert_int_equal(kube_discovery_add_legacy(d, bad, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "APIResourceList"));
	json_decref(bad);
	kube_discovery_free(d);
}

static const char aggregated_core[] =
	"{\"kind\":\"APIGroupDiscoveryList\",\"apiVersion\":\"apidiscovery.k8s.io/v2\","
	"\"metadata\":{},\"items\":[{\"metadata\":{\"creationTimestamp\":null},\"versions\":["
	"{\"version\":\"v1\",\"resources\":[{\"resource\":\"pods\",\"responseKind\":{\"group\":"
	"\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"scope\":\"Namespaced\",\"singularResource\":"
	"\"pod\",\"verbs\":[\"get\",\"list\",\"watch\"],\"shortNames\":[\"po\"],\"categories\":"
	"[\"all\"],\"subresources\":[{\"subresource\":\"log\",\"responseKind\":{\"group\":\"\","
	"\"version\":\"v1\",\"kind\":\"Pod\"},\"verbs\":[\"get\"]}]},{\"resource\":\"nodes\","
	"\"responseKind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Node\"},\"scope\":"
	"\"Cluster\",\"singularResource\":\"node\",\"verbs\":[\"get\",\"list\"],\"shortNames\":"
	"[\"no\"]}],\"freshness\":\"Current\"}]}]}";

static const char aggregated_apis[] =
	"{\"kind\":\"APIGroupDiscoveryList\",\"apiVersion\":\"apidiscovery.k8s.io/v2\","
	"\"metadata\":{},\"items\":["
	"{\"metadata\":{\"name\":\"apps\",\"creationTimestamp\":null},\"versions\":[{\"version\":"
	"\"v1\",\"resources\":[{\"resource\":\"deployments\",\"responseKind\":{\"group\":\"apps\","
	"\"version\":\"v1\",\"kind\":\"Deployment\"},\"scope\":\"Namespaced\",\"singularResource\":"
	"\"deployment\",\"verbs\":[\"get\",\"list\",\"watch\",\"patch\"],\"shortNames\":[\"deploy\"]"
	"},{\"resource\":\"statefulsets\",\"responseKind\":{\"group\":\"apps\",\"version\":\"v1\","
	"\"kind\":\"StatefulSet\"},\"scope\":\"Namespaced\",\"singularResource\":\"statefulset\","
	"\"verbs\":[\"list\"],\"shortNames\":[\"sts\"]}],\"freshness\":\"Current\"}]},"
	"{\"metadata\":{\"name\":\"argoproj.io\",\"creationTimestamp\":null},\"versions\":["
	"{\"version\":\"v1alpha1\",\"resources\":[{\"resource\":\"applications\",\"responseKind\":"
	"{\"group\":\"argoproj.io\",\"version\":\"v1alpha1\",\"kind\":\"Application\"},\"scope\":"
	"\"Namespaced\",\"singularResource\":\"application\",\"verbs\":[\"get\",\"list\"],"
	"\"shortNames\":[\"app\",\"apps\"]}],\"freshness\":\"Current\"}]},"
	"{\"metadata\":{\"name\":\"apiextensions.k8s.io\"},\"versions\":[{\"version\":\"v1\","
	"\"resources\":[{\"resource\":\"customresourcedefinitions\",\"responseKind\":{\"group\":"
	"\"apiextensions.k8s.io\",\"version\":\"v1\",\"kind\":\"CustomResourceDefinition\"},"
	"\"scope\":\"Cluster\",\"singularResource\":\"customresourcedefinition\",\"verbs\":"
	"[\"list\"],\"shortNames\":[\"crd\",\"crds\"]}]}]}]}";

static struct kube_discovery *aggregated_discovery(void)
{
	struct kube_discovery *d = kube_discovery_new();
	char err[256];
	json_t *a = load(aggregated_core), *b = load(aggregated_apis);
	assert_int_equal(kube_discovery_add_aggregated(d, a, err, sizeof(err)), 0);
	assert_int_equal(kube_discovery_add_aggregated(d, b, err, sizeof(err)), 0);
	json_decref(a);
	json_decref(b);
	return d;
}

static void test_aggregated_parse(void **state)
{
	(void)state;
	struct kube_discovery *d = aggregated_discovery();
	assert_true(d->aggregated);
	assert_int_equal(d->nresources, 6);
	assert_string_equal(d->resources[0].resource, "pods");
	assert_string_equal(d->resources[0].group, "");
	assert_string_equal(d->resources[1].kind, "Node");
	assert_false(d->resources[1].namespaced);
	assert_string_equal(d->resources[4].group, "argoproj.io");
	assert_string_equal(d->resources[4].version, "v1alpha1");
	assert_int_equal(d->resources[4].nshort, 2);
	assert_int_equal(d->resources[2].verbs,
			 KUBE_VERB_GET | KUBE_VERB_LIST | KUBE_VERB_WATCH | KUBE_VERB_PATCH);
	kube_discovery_free(d);
}

struct resolve_case {
	const char *typed;
	const char *group;      /* NULL: must not resolve */
	const char *resource;
};

static void check_cases(const struct kube_discovery *d, const struct resolve_case *cases,
			size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char err[256] = "";
		const struct kube_resource *r = kube_discovery_resolve(d, cases[i].typed, err,
								       sizeof(err));
		if (!cases[i].group) {
			if (r)
				fail_msg("%s resolved to %s.%s", cases[i].typed, r->resource,
					 r->group);
			char want[128];
			snprintf(want, sizeof(want),
				 "the server doesn't have a resource type \"%s\"", cases[i].typed);
			assert_string_equal(err, want);
			continue;
		}
		if (!r)
			fail_msg("%s did not resolve: %s", cases[i].typed, err);
		assert_string_equal(r->group, cases[i].group);
		assert_string_equal(r->resource, cases[i].resource);
	}
}

static void test_resolve_legacy(void **state)
{
	(void)state;
	struct kube_discovery *d = legacy_discovery();
	const struct resolve_case cases[] = {
		{"pods", "", "pods"},
		{"pod", "", "pods"},
		{"po", "", "pods"},
		{"Pod", "", "pods"},
		{"PODS", "", "pods"},
		{"ns", "", "namespaces"},
		{"svc", "", "services"},
		{"service", "", "services"},
		{"deploy", "apps", "deployments"},
		{"deployments.apps", "apps", "deployments"},
		{"deploy.apps", "apps", "deployments"},
		{"Deployment.apps", "apps", "deployments"},
		{"deployments.v1.apps", "apps", "deployments"},
		{"ev", "", "events"},                        /* core wins */
		{"events.events.k8s.io", "events.k8s.io", "events"},
		{"events.events", "events.k8s.io", "events"}, /* partial group */
		{"oldthing", "apps", "oldthings"},
		{"log", NULL, NULL},
		{"pods/log", NULL, NULL},
		{"deployments.batch", NULL, NULL},
		{"foo", NULL, NULL},
	};
	check_cases(d, cases, sizeof(cases) / sizeof(cases[0]));
	kube_discovery_free(d);
}

static void test_resolve_aggregated(void **state)
{
	(void)state;
	struct kube_discovery *d = aggregated_discovery();
	const struct resolve_case cases[] = {
		{"no", "", "nodes"},
		{"sts", "apps", "statefulsets"},
		{"crd", "apiextensions.k8s.io", "customresourcedefinitions"},
		{"crds", "apiextensions.k8s.io", "customresourcedefinitions"},
		{"app", "argoproj.io", "applications"},
		{"Application", "argoproj.io", "applications"},
		{"applications.argoproj.io", "argoproj.io", "applications"},
		{"apps", "argoproj.io", "applications"},   /* a CRD's own short name */
		{"deployment", "apps", "deployments"},
		{"applications.apps", NULL, NULL},
	};
	check_cases(d, cases, sizeof(cases) / sizeof(cases[0]));
	kube_discovery_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_and_core_paths),
		cmocka_unit_test(test_legacy_parse),
		cmocka_unit_test(test_aggregated_parse),
		cmocka_unit_test(test_resolve_legacy),
		cmocka_unit_test(test_resolve_aggregated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
