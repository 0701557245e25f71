/* Unit tests for the sandbox's Argo CD: tokens, cron and sync windows, the controller
 * simulation driven tick by tick with a fake clock over the demo scenario (operation
 * Running then Succeeded or Failed, history rules, terminate, auto-sync, refresh, health
 * following the pods) and the write handlers' answers (shapes, codes, messages). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sandbox/argocd.h"
#include "sandbox/argocd_internal.h"
#include "sandbox/controller.h"
#include "sandbox/scenario.h"
#include "sandbox/server.h"

#define DEMO "sandbox/scenarios/demo.yaml"

static struct server srv;
static struct scenario sc;
static struct objstore *st;
static struct objstore_cluster *plane;
static time_t fake_now = 1795428000; /* 2026-11-23T10:00:00Z, a Monday */

static time_t fake_clock(void)
{
	return fake_now;
}

static int setup(void **state)
{
	(void)state;
	char err[512];
	memset(&srv, 0, sizeof srv);
	memset(&sc, 0, sizeof sc);
	assert_int_equal(scenario_load(DEMO, NULL, &sc, err, sizeof err), 0);
	objstore_init(&srv.store, 100000);
	st = &srv.store;
	st->clock = fake_clock;
	for (size_t i = 0; i < sc.nclusters; i++) {
		struct objstore_cluster *cl = objstore_add_cluster(st, sc.clusters[i].name,
								   sc.clusters[i].control_plane);
		objstore_load_objects(st, cl, sc.clusters[i].objects);
	}
	plane = sbx_argocd_plane(st);
	assert_non_null(sbx_argocd_apps(plane));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	objstore_free(st);
	scenario_free(&sc);
	return 0;
}

static const json_t *app(const char *name)
{
	const json_t *a = objstore_get(plane, sbx_argocd_apps(plane), ARGOCD_NS, name);
	assert_non_null(a);
	return a;
}

static void ticks(int n)
{
	for (int i = 0; i < n; i++) {
		controller_tick(st);
		fake_now += 1;
	}
}

static void set_operation(const char *name, json_t *op)
{
	json_t *copy = json_deep_copy(app(name));
	json_object_set_new(copy, "operation", op);
	sbx_argocd_put(st, plane, copy);
}

static const char *phase(const char *name)
{
	return sbx_argocd_str(app(name), "status.operationState.phase");
}

static size_t history_len(const char *name)
{
	return json_array_size(sbx_argocd_at(app(name), "status.history"));
}

static json_t *sync_op(const char *revision, bool dry_run)
{
	return json_pack("{s:{s:s,s:b},s:{s:s}}", "sync", "revision", revision, "dryRun", dry_run,
			 "initiatedBy", "username", "test");
}

/* The image the app's Deployment runs in its destination cluster. */
static const char *live_image(const char *name, char *buf, size_t len)
{
	const json_t *a = app(name);
	struct objstore_cluster *dest = sbx_argocd_dest(st, a);
	const json_t *d = objstore_get(dest, resource_find(&dest->resources, "apps", "v1", "deployments"),
				       sbx_argocd_str(a, "spec.destination.namespace"), "cart");
	assert_non_null(d);
	assert_true(sbx_argocd_workload_image(d, buf, len));
	return buf;
}

/* A request as the handlers see it: only the body and the server are used. */
static json_t *call(void (*fn)(struct apireq *, const json_t *, int), const char *name,
		    const char *body, int role, unsigned *status)
{
	struct apireq req;
	memset(&req, 0, sizeof req);
	req.srv = &srv;
	if (body)
		strbuf_puts(&req.body, body);
	fn(&req, app(name), role);
	*status = req.status;
	json_t *out = req.deferred;
	strbuf_free(&req.body);
	return out;
}

static void test_tokens(void **state)
{
	(void)state;
	const char *admin = sbx_argocd_token(ARGOCD_ADMIN), *ro = sbx_argocd_token(ARGOCD_READONLY);
	assert_string_not_equal(admin, ro);
	assert_string_equal(admin, sbx_argocd_token(ARGOCD_ADMIN));  /* once per process */
	assert_int_equal(strncmp(admin, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 37), 0);
	char header[600], cookie[600];
	snprintf(header, sizeof header, "Bearer %s", ro);
	assert_int_equal(sbx_argocd_role_of(header, NULL), ARGOCD_READONLY);
	snprintf(cookie, sizeof cookie, "theme=dark; argocd.token=%s; x=y", admin);
	assert_int_equal(sbx_argocd_role_of(NULL, cookie), ARGOCD_ADMIN);
	assert_int_equal(sbx_argocd_role_of("Bearer nope", "argocd.token=nope"), -1);
	assert_int_equal(sbx_argocd_role_of(NULL, NULL), -1);
}

static void test_cron_and_windows(void **state)
{
	(void)state;
	time_t fri_1900 = 1795806000; /* 2026-11-27T19:00:00Z, a Friday */
	assert_true(sbx_argocd_cron_matches("0 19 * * 5", fri_1900));
	assert_true(sbx_argocd_cron_matches("*/15 18-20 * 11 1-5", fri_1900));
	assert_false(sbx_argocd_cron_matches("0 19 * * 1", fri_1900));
	assert_false(sbx_argocd_cron_matches("5 19 * * *", fri_1900));
	assert_int_equal(sbx_argocd_duration("62h"), 62 * 3600);
	assert_int_equal(sbx_argocd_duration("1h30m"), 5400);
	assert_int_equal(sbx_argocd_duration("soon"), -1);
	json_t *proj = json_pack("{s:{s:[{s:s,s:s,s:s,s:[s],s:b}]}}", "spec", "syncWindows", "kind",
				 "deny", "schedule", "0 18 * * 5", "duration", "62h", "applications",
				 "*-prd", "manualSync", 1);
	json_t *a = json_pack("{s:{s:s},s:{s:{s:s,s:s}}}", "metadata", "name", "web-prd", "spec",
			      "destination", "name", "prod", "namespace", "shop-prd");
	json_t *b = json_pack("{s:{s:s},s:{s:{s:s,s:s}}}", "metadata", "name", "web-dev", "spec",
			      "destination", "name", "prod", "namespace", "shop-dev");
	assert_true(sbx_argocd_sync_blocked(proj, a, fri_1900 + 3600, false));
	assert_false(sbx_argocd_sync_blocked(proj, a, fri_1900 + 3600, true)); /* manualSync */
	assert_false(sbx_argocd_sync_blocked(proj, b, fri_1900 + 3600, false));
	assert_false(sbx_argocd_sync_blocked(proj, a, fri_1900 - 7200, false)); /* before */
	assert_false(sbx_argocd_sync_blocked(proj, a, fri_1900 + 62 * 3600, false)); /* after */
	json_decref(proj);
	json_decref(a);
	json_decref(b);
	/* the demo: payments' production is frozen now, storefront's not (on a Monday) */
	const json_t *pay = objstore_get(plane, sbx_argocd_projects(plane), ARGOCD_NS, "payments");
	const json_t *shop = objstore_get(plane, sbx_argocd_projects(plane), ARGOCD_NS, "storefront");
	assert_true(sbx_argocd_sync_blocked(pay, app("payments-api-prd"), fake_now, true));
	assert_false(sbx_argocd_sync_blocked(pay, app("payments-api-uat"), fake_now, true));
	assert_false(sbx_argocd_sync_blocked(shop, app("cart-prd"), fake_now, true));
}

static void test_scenario_destinations(void **state)
{
	(void)state;
	const json_t *a = app("cart-pre");
	assert_string_equal(sbx_argocd_str(a, "spec.destination.name"), "prod");
	assert_null(sbx_argocd_at(a, "spec.destination.server"));
	assert_string_equal(sbx_argocd_dest(st, a)->name, "prod");
	char sha[41];
	assert_true(sbx_argocd_resolve_revision(a, "main", sha));
	assert_string_equal(sha, sbx_argocd_str(a, "status.sync.revision"));
	assert_true(sbx_argocd_resolve_revision(a, "HEAD", sha));
	char prefix[8];
	snprintf(prefix, sizeof prefix, "%.7s", sbx_argocd_str(json_array_get(sbx_argocd_at(a, "status.history"), 0), "revision"));
	assert_true(sbx_argocd_resolve_revision(a, prefix, sha));
	assert_false(sbx_argocd_resolve_revision(a, "bad", sha));
	assert_false(sbx_argocd_resolve_revision(a, "0123456789", sha));
}

static void test_sync_runs_then_succeeds_with_history(void **state)
{
	(void)state;
	ticks(2); /* settle health from the pods */
	assert_string_equal(sbx_argocd_str(app("cart-pre"), "status.sync.status"), "OutOfSync");
	size_t before = history_len("cart-pre");
	json_int_t last = json_integer_value(json_object_get(
		json_array_get(sbx_argocd_at(app("cart-pre"), "status.history"), before - 1), "id"));
	set_operation("cart-pre", sync_op("main", false));
	ticks(1);
	assert_string_equal(phase("cart-pre"), "Running");
	assert_non_null(sbx_argocd_at(app("cart-pre"), "status.operationState.startedAt"));
	assert_non_null(json_object_get(app("cart-pre"), "operation"));
	ticks(3);
	const json_t *a = app("cart-pre");
	assert_string_equal(phase("cart-pre"), "Succeeded");
	assert_null(json_object_get(a, "operation"));
	json_t *res = sbx_argocd_at(a, "status.operationState.syncResult.resources");
	assert_true(json_array_size(res) >= 4);
	assert_string_equal(sbx_argocd_str(a, "status.operationState.syncResult.revision"),
			    sbx_argocd_str(a, "status.sync.revision"));
	assert_int_equal(history_len("cart-pre"), before + 1);
	json_t *h = json_array_get(sbx_argocd_at(a, "status.history"), before);
	assert_int_equal(json_integer_value(json_object_get(h, "id")), last + 1);
	assert_string_equal(sbx_argocd_str(h, "initiatedBy.username"), "test");
	char img[256];
	assert_string_equal(live_image("cart-pre", img, sizeof img), "registry.example.com/storefront/cart:4.0.1");
	assert_string_equal(sbx_argocd_str(a, "status.sync.status"), "Synced");
	/* the rollout is under way, then the new pods are ready */
	assert_string_equal(sbx_argocd_str(a, "status.health.status"), "Progressing");
	ticks(12);
	assert_string_equal(sbx_argocd_str(app("cart-pre"), "status.health.status"), "Healthy");
}

static void test_dry_run_and_selective_sync_keep_history(void **state)
{
	(void)state;
	size_t before = history_len("cart-uat");
	set_operation("cart-uat", sync_op("", true));
	ticks(4);
	assert_string_equal(phase("cart-uat"), "Succeeded");
	assert_int_equal(history_len("cart-uat"), before);
	json_t *op = json_pack("{s:{s:s,s:[{s:s,s:s,s:s}]}}", "sync", "revision", "main", "resources",
			       "group", "", "kind", "Service", "name", "cart");
	set_operation("cart-uat", op);
	ticks(4);
	assert_string_equal(phase("cart-uat"), "Succeeded");
	assert_int_equal(history_len("cart-uat"), before);
	json_t *res = sbx_argocd_at(app("cart-uat"), "status.operationState.syncResult.resources");
	assert_int_equal(json_array_size(res), 1);
	assert_string_equal(sbx_argocd_str(json_array_get(res, 0), "kind"), "Service");
}

static void test_history_keeps_ten(void **state)
{
	(void)state;
	for (int i = 0; i < 9; i++) {
		set_operation("auth-uat", sync_op("main", false));
		ticks(4);
		assert_string_equal(phase("auth-uat"), "Succeeded");
	}
	json_t *h = sbx_argocd_at(app("auth-uat"), "status.history");
	assert_int_equal(json_array_size(h), 10);
	json_int_t first = json_integer_value(json_object_get(json_array_get(h, 0), "id"));
	json_int_t last = json_integer_value(json_object_get(json_array_get(h, 9), "id"));
	assert_int_equal(last - first, 9);
}

static void test_failures(void **state)
{
	(void)state;
	size_t before = history_len("ledger-uat");
	set_operation("ledger-uat", sync_op("bad", false));
	ticks(4);
	assert_string_equal(phase("ledger-uat"), "Failed");
	assert_non_null(strstr(sbx_argocd_str(app("ledger-uat"), "status.operationState.message"),
			       "unable to resolve 'bad'"));
	assert_int_equal(history_len("ledger-uat"), before);
	/* the scenario's deliberately failing app */
	assert_string_equal(sbx_argocd_annotation(app("notifications-uat"), ARGOCD_SYNC_FAILS), "true");
	set_operation("notifications-uat", sync_op("main", false));
	ticks(4);
	assert_string_equal(phase("notifications-uat"), "Failed");
}

static void test_terminate(void **state)
{
	(void)state;
	set_operation("gateway-uat", sync_op("main", false));
	ticks(1);
	assert_string_equal(phase("gateway-uat"), "Running");
	unsigned status;
	json_t *out = call(sbx_argocd_terminate_op, "gateway-uat", NULL, ARGOCD_ADMIN, &status);
	assert_int_equal(status, 200);
	assert_int_equal(json_object_size(out), 0);
	json_decref(out);
	assert_string_equal(phase("gateway-uat"), "Terminating");
	ticks(1);
	assert_string_equal(phase("gateway-uat"), "Failed");
	assert_string_equal(sbx_argocd_str(app("gateway-uat"), "status.operationState.message"),
			    "Operation terminated");
	assert_null(json_object_get(app("gateway-uat"), "operation"));
	out = call(sbx_argocd_terminate_op, "gateway-uat", NULL, ARGOCD_ADMIN, &status);
	assert_int_equal(status, 400);
	json_decref(out);
}

static void test_auto_sync_heals_drift(void **state)
{
	(void)state;
	const json_t *a = app("cart-dev");
	struct objstore_cluster *dest = sbx_argocd_dest(st, a);
	const struct resource *deploys = resource_find(&dest->resources, "apps", "v1", "deployments");
	json_t *d = json_deep_copy(objstore_get(dest, deploys, "storefront-dev", "cart"));
	json_t *c = json_array_get(sbx_argocd_at(d, "spec.template.spec.containers"), 0);
	json_object_set_new(c, "image", json_string("registry.example.com/storefront/cart:hotfix"));
	json_object_del(json_object_get(d, "metadata"), "resourceVersion");
	assert_int_equal(objstore_update(st, dest, deploys, d, false, NULL), OBJSTORE_OK);
	ticks(1);
	assert_non_null(sbx_argocd_at(app("cart-dev"), "operation.initiatedBy.automated"));
	ticks(4);
	assert_string_equal(phase("cart-dev"), "Succeeded");
	char img[256];
	assert_string_equal(live_image("cart-dev", img, sizeof img),
			    sbx_argocd_annotation(app("cart-dev"), ARGOCD_GIT_IMAGE));
	assert_string_equal(sbx_argocd_str(app("cart-dev"), "status.sync.status"), "Synced");
}

static void test_refresh_annotation_cleared(void **state)
{
	(void)state;
	json_t *copy = json_deep_copy(app("search-sit"));
	json_object_set_new(sbx_argocd_at(copy, "metadata.annotations"), ARGOCD_REFRESH,
			    json_string("hard"));
	sbx_argocd_put(st, plane, copy);
	ticks(1);
	assert_null(sbx_argocd_annotation(app("search-sit"), ARGOCD_REFRESH));
	char now[32];
	objstore_format_time(fake_now - 1, now, sizeof now);
	assert_string_equal(sbx_argocd_str(app("search-sit"), "status.reconciledAt"), now);
}

static void test_health_follows_pods(void **state)
{
	(void)state;
	ticks(1);
	assert_string_equal(sbx_argocd_str(app("fraud-check-dev"), "status.health.status"), "Degraded");
	assert_string_equal(sbx_argocd_str(app("audit-trail-dev"), "status.health.status"), "Healthy");
}

static void test_handlers(void **state)
{
	(void)state;
	unsigned status;
	json_t *out = call(sbx_argocd_sync, "payments-api-prd", "{}", ARGOCD_ADMIN, &status);
	assert_int_equal(status, 403);
	assert_string_equal(sbx_argocd_str(out, "message"), "Cannot sync: Blocked by sync window");
	assert_int_equal(json_integer_value(json_object_get(out, "code")), 7);
	json_decref(out);
	out = call(sbx_argocd_sync, "checkout-web-uat", "{}", ARGOCD_READONLY, &status);
	assert_int_equal(status, 403);
	assert_int_equal(strncmp(sbx_argocd_str(out, "error"), "permission denied", 17), 0);
	json_decref(out);
	out = call(sbx_argocd_rollback, "cart-sit", "{\"id\":1}", ARGOCD_ADMIN, &status);
	assert_int_equal(status, 400);
	assert_string_equal(sbx_argocd_str(out, "message"),
			    "rollback cannot be initiated when auto-sync is enabled");
	assert_int_equal(json_integer_value(json_object_get(out, "code")), 9);
	json_decref(out);
	out = call(sbx_argocd_rollback, "checkout-web-uat", "{\"id\":7}", ARGOCD_ADMIN, &status);
	assert_string_equal(sbx_argocd_str(out, "message"),
			    "application checkout-web-uat does not have deployment with id 7");
	assert_int_equal(json_integer_value(json_object_get(out, "code")), 3);
	json_decref(out);
	out = call(sbx_argocd_sync, "checkout-web-uat",
		   "{\"prune\":true,\"dryRun\":true,\"syncOptions\":{\"items\":[\"Validate=false\"]}}",
		   ARGOCD_ADMIN, &status);
	assert_int_equal(status, 200);
	assert_string_equal(sbx_argocd_str(out, "kind"), "Application");
	assert_true(json_is_true(sbx_argocd_at(out, "operation.sync.dryRun")));
	assert_string_equal(json_string_value(json_array_get(sbx_argocd_at(out, "operation.sync.syncOptions"), 0)),
			    "Validate=false");
	assert_string_equal(sbx_argocd_str(out, "operation.initiatedBy.username"), "admin");
	json_decref(out);
	out = call(sbx_argocd_sync, "checkout-web-uat", "{}", ARGOCD_ADMIN, &status);
	assert_int_equal(status, 400);
	assert_string_equal(sbx_argocd_str(out, "message"), "another operation is already in progress");
	json_decref(out);
	ticks(4);
	json_t *h = sbx_argocd_at(app("checkout-web-uat"), "status.history");
	char body[64];
	snprintf(body, sizeof body, "{\"id\":%lld}",
		 (long long)json_integer_value(json_object_get(json_array_get(h, 0), "id")));
	out = call(sbx_argocd_rollback, "checkout-web-uat", body, ARGOCD_ADMIN, &status);
	assert_int_equal(status, 200);
	assert_string_equal(sbx_argocd_str(out, "operation.sync.revision"),
			    sbx_argocd_str(json_array_get(h, 0), "revision"));
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_cron_and_windows),
		cmocka_unit_test(test_scenario_destinations),
		cmocka_unit_test(test_sync_runs_then_succeeds_with_history),
		cmocka_unit_test(test_dry_run_and_selective_sync_keep_history),
		cmocka_unit_test(test_history_keeps_ten),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_terminate),
		cmocka_unit_test(test_auto_sync_heals_drift),
		cmocka_unit_test(test_refresh_annotation_cleared),
		cmocka_unit_test(test_health_follows_pods),
		cmocka_unit_test(test_handlers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
