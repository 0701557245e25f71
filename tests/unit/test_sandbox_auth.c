/* Unit tests for the sandbox's request attributes (route) and authorizer (auth): paths
 * parse as kube-apiserver's RequestInfo does and denials use its exact wording. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sandbox/auth.h"
#include "sandbox/route.h"

static void test_route_namespaced(void **state)
{
	(void)state;
	struct route rt;
	route_parse(&rt, "/api/v1/namespaces/payments-dev/pods/web-1/log", "GET", false);
	assert_true(rt.is_resource);
	assert_string_equal(rt.group, "");
	assert_string_equal(rt.version, "v1");
	assert_string_equal(rt.ns, "payments-dev");
	assert_string_equal(rt.resource, "pods");
	assert_string_equal(rt.name, "web-1");
	assert_string_equal(rt.sub, "log");
	assert_string_equal(rt.verb, "get");
	route_free(&rt);
	route_parse(&rt, "/apis/apps/v1/namespaces/a/deployments", "GET", true);
	assert_string_equal(rt.group, "apps");
	assert_string_equal(rt.verb, "watch");
	route_free(&rt);
	route_parse(&rt, "/apis/apps/v1/deployments", "GET", false);
	assert_string_equal(rt.verb, "list");
	assert_string_equal(rt.ns, "");
	route_free(&rt);
	route_parse(&rt, "/api/v1/namespaces/a/pods", "DELETE", false);
	assert_string_equal(rt.verb, "deletecollection");
	route_free(&rt);
}

static void test_route_namespace_itself(void **state)
{
	(void)state;
	struct route rt;
	route_parse(&rt, "/api/v1/namespaces/team", "DELETE", false);
	assert_string_equal(rt.resource, "namespaces");
	assert_string_equal(rt.name, "team");
	assert_string_equal(rt.verb, "delete");
	route_free(&rt);
	route_parse(&rt, "/api/v1/namespaces/team/status", "PUT", false);
	assert_string_equal(rt.resource, "namespaces");
	assert_string_equal(rt.name, "team");
	assert_string_equal(rt.sub, "status");
	route_free(&rt);
}

static void test_route_non_resource(void **state)
{
	(void)state;
	struct route rt;
	route_parse(&rt, "/apis/apps/v1", "GET", false);
	assert_false(rt.is_resource);
	route_free(&rt);
	route_parse(&rt, "/version", "GET", false);
	assert_false(rt.is_resource);
	assert_string_equal(rt.verb, "get");
	route_free(&rt);
}

static void test_viewer_permissions(void **state)
{
	(void)state;
	struct auth_attrs get_pods = {true, "get", "", "pods", NULL, "a", "p", NULL};
	struct auth_attrs del_pods = {true, "delete", "", "pods", NULL, "a", "p", NULL};
	struct auth_attrs secrets = {true, "list", "", "secrets", NULL, "a", "", NULL};
	struct auth_attrs logs = {true, "get", "", "pods", "log", "a", "p", NULL};
	struct auth_attrs review = {true, "create", "authorization.k8s.io",
				    "selfsubjectaccessreviews", NULL, "", "", NULL};
	assert_true(auth_allowed(&auth_viewer, &get_pods));
	assert_false(auth_allowed(&auth_viewer, &del_pods));
	assert_false(auth_allowed(&auth_viewer, &secrets));
	assert_true(auth_allowed(&auth_viewer, &logs));
	assert_true(auth_allowed(&auth_viewer, &review));
	assert_true(auth_allowed(&auth_admin, &del_pods));
	assert_true(auth_allowed(&auth_admin, &secrets));
	assert_false(auth_allowed(NULL, &get_pods));
}

static void test_forbidden_messages(void **state)
{
	(void)state;
	char msg[512];
	struct auth_attrs del = {true, "delete", "", "pods", NULL, "payments-dev", "web-1", NULL};
	auth_forbidden_message(&auth_viewer, &del, msg, sizeof msg);
	assert_string_equal(msg, "pods \"web-1\" is forbidden: User \"sandbox-viewer\" cannot "
				 "delete resource \"pods\" in API group \"\" in the namespace "
				 "\"payments-dev\"");
	struct auth_attrs list = {true, "list", "", "secrets", NULL, "", "", NULL};
	auth_forbidden_message(&auth_viewer, &list, msg, sizeof msg);
	assert_string_equal(msg, "secrets is forbidden: User \"sandbox-viewer\" cannot list "
				 "resource \"secrets\" in API group \"\" at the cluster scope");
	struct auth_attrs scale = {true, "patch", "apps", "deployments", "scale", "shop", "web",
				   NULL};
	auth_forbidden_message(&auth_viewer, &scale, msg, sizeof msg);
	assert_string_equal(msg, "deployments.apps \"web\" is forbidden: User \"sandbox-viewer\" "
				 "cannot patch resource \"deployments/scale\" in API group \"apps\" "
				 "in the namespace \"shop\"");
	struct auth_attrs path = {false, "post", NULL, NULL, NULL, NULL, NULL, "/logs"};
	auth_forbidden_message(&auth_viewer, &path, msg, sizeof msg);
	assert_string_equal(msg, "forbidden: User \"sandbox-viewer\" cannot post path \"/logs\"");
}

static void test_tokens(void **state)
{
	(void)state;
	struct auth a;
	char err[128];
	assert_int_equal(auth_init(&a, NULL, err, sizeof err), 0);
	assert_int_equal(strlen(a.admin_token), 40);
	assert_string_not_equal(a.admin_token, a.viewer_token);
	char header[80];
	snprintf(header, sizeof header, "Bearer %s", a.viewer_token);
	assert_ptr_equal(auth_from_header(&a, header), &auth_viewer);
	snprintf(header, sizeof header, "Bearer %s", a.admin_token);
	assert_ptr_equal(auth_from_header(&a, header), &auth_admin);
	assert_null(auth_from_header(&a, "Bearer nope"));
	assert_null(auth_from_header(&a, a.admin_token)); /* no scheme */
	assert_null(auth_from_cert(&a, (const unsigned char *)"x", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_namespaced),
		cmocka_unit_test(test_route_namespace_itself),
		cmocka_unit_test(test_route_non_resource),
		cmocka_unit_test(test_viewer_permissions),
		cmocka_unit_test(test_forbidden_messages),
		cmocka_unit_test(test_tokens),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
