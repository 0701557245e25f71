/* Unit tests for views/triage_model: alert labels mapped to platform services, apps,
 * environments and clusters (table-driven, against the sandbox's platform model and an
 * empty one), the changes list from an app's history and revision metadata, the
 * rollback target, and the alert fingerprint. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/platform.h"
#include "tui/keymap.h"
#include "views/view.h"
#include "views/triage_model.h"

static const char model[] =
	"clusters:\n"
	"  - {name: nonprod, context: kind-nonprod}\n"
	"  - {name: prod, context: kind-prod}\n"
	"tenants:\n"
	"  - {name: storefront, projects: [storefront]}\n"
	"  - {name: payments, projects: [payments]}\n"
	"environments:\n"
	"  - {name: uat, cluster: nonprod, namespace: \"{tenant}-uat\"}\n"
	"  - {name: pre, cluster: prod, namespace: \"{tenant}-pre\"}\n"
	"  - {name: prd, cluster: prod, namespace: \"shop-{tenant}\"}\n"
	"services:\n"
	"  - {name: catalog, tenant: storefront}\n"
	"  - {name: ledger, tenant: payments, app: \"pay-{service}-{env}\"}\n";

/* Labels as "name=value" strings, sorted by the test as Prometheus sorts them. */
static struct prom_labels labels_of(const char *const *kv, struct prom_label *store)
{
	size_t n = 0;
	for (; kv[n]; n++) {
		const char *eq = strchr(kv[n], '=');
		store[n].name = strndup(kv[n], (size_t)(eq - kv[n]));
		store[n].value = strdup(eq + 1);
	}
	for (size_t i = 1; i < n; i++) /* sorted by name */
		for (size_t j = i; j > 0 && strcmp(store[j - 1].name, store[j].name) > 0; j--) {
			struct prom_label t = store[j];
			store[j] = store[j - 1];
			store[j - 1] = t;
		}
	return (struct prom_labels){store, n};
}

static void labels_free(struct prom_labels *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].name);
		free(l->items[i].value);
	}
}

struct map_case {
	const char *labels[8];
	const char *service, *env, *tenant, *app, *cluster, *namespace;
};

static void check(const char *what, const char *got, const char *want)
{
	if (!want) {
		if (got)
			fail_msg("%s: want NULL, got \"%s\"", what, got);
		return;
	}
	if (!got || strcmp(got, want) != 0)
		fail_msg("%s: want \"%s\", got \"%s\"", what, want, got ? got : "(null)");
}

static void run_cases(const struct platform *p, const struct map_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct prom_label store[8];
		struct prom_labels l = labels_of(cases[i].labels, store);
		struct alert_target t;
		alert_target_map(p, &l, &t);
		print_message("case %zu\n", i);
		check("service", t.service, cases[i].service);
		check("env", t.env, cases[i].env);
		check("tenant", t.tenant, cases[i].tenant);
		check("app", t.app, cases[i].app);
		check("cluster", t.cluster, cases[i].cluster);
		check("namespace", t.namespace, cases[i].namespace);
		alert_target_free(&t);
		labels_free(&l);
	}
}

static void test_map_with_model(void **state)
{
	(void)state;
	struct platform *p = NULL;
	char err[256] = "";
	assert_int_equal(platform_parse("model", model, strlen(model), &p, err, sizeof err), 0);
	static const struct map_case cases[] = {
		/* all the labels the demo's rules carry */
		{{"alertname=HighErrorRate", "service=catalog", "environment=pre",
		  "namespace=storefront-pre", "cluster=prod", "tenant=storefront", NULL},
		 "catalog", "pre", "storefront", "catalog-pre", "kind-prod", "storefront-pre"},
		/* no environment label: the namespace pattern of the service's tenant */
		{{"alertname=X", "service=catalog", "namespace=storefront-uat", NULL},
		 "catalog", "uat", "storefront", "catalog-uat", "kind-nonprod", "storefront-uat"},
		/* a custom namespace pattern, the tenant found from the namespace */
		{{"alertname=X", "app_kubernetes_io_name=web", "namespace=shop-payments", NULL},
		 "web", "prd", "payments", "web-prd", "kind-prod", "shop-payments"},
		/* the service's app pattern */
		{{"service=ledger", "env=uat", NULL},
		 "ledger", "uat", "payments", "pay-ledger-uat", "kind-nonprod", "payments-uat"},
		/* an unknown cluster label is taken as a context name */
		{{"service=catalog", "environment=pre", "cluster=elsewhere", NULL},
		 "catalog", "pre", "storefront", "catalog-pre", "elsewhere", "storefront-pre"},
		/* a namespace no environment produces: no env, no app */
		{{"service=catalog", "namespace=kube-system", NULL},
		 "catalog", NULL, "storefront", NULL, NULL, "kube-system"},
		/* nothing to go on */
		{{"alertname=Watchdog", NULL}, NULL, NULL, NULL, NULL, NULL, NULL},
	};
	run_cases(p, cases, sizeof cases / sizeof cases[0]);
	platform_free(p);
}

static void test_map_without_model(void **state)
{
	(void)state;
	struct platform *p = platform_new();
	static const struct map_case cases[] = {
		/* "<tenant>-<env>" split at the last dash */
		{{"service=catalog", "namespace=storefront-pre", NULL},
		 "catalog", "pre", "storefront", "catalog-pre", NULL, "storefront-pre"},
		{{"app=api", "namespace=team-payments-qa", NULL},
		 "api", "qa", "team-payments", "api-qa", NULL, "team-payments-qa"},
		/* no dash: nothing guessed */
		{{"service=catalog", "namespace=default", NULL},
		 "catalog", NULL, NULL, NULL, NULL, "default"},
		{{"service=catalog", "environment=dev", "cluster=kind-dev", NULL},
		 "catalog", "dev", NULL, "catalog-dev", "kind-dev", NULL},
	};
	run_cases(p, cases, sizeof cases / sizeof cases[0]);
	platform_free(p);
}

static const char app_json[] =
	"{\"metadata\":{\"name\":\"catalog-pre\"},\"status\":{\"history\":["
	"{\"id\":1,\"revision\":\"aaaaaaa111\",\"deployedAt\":\"2026-11-20T10:00:00Z\","
	" \"source\":{\"path\":\"envs/pre/catalog\"}},"
	"{\"id\":2,\"revision\":\"bbbbbbb222\",\"deployedAt\":\"2026-11-21T10:00:00Z\"},"
	"{\"id\":3,\"revision\":\"ccccccc333\",\"deployedAt\":\"2026-11-23T10:00:00Z\"}]}}";

static void test_changes(void **state)
{
	(void)state;
	json_t *app = json_loads(app_json, 0, NULL);
	assert_non_null(app);
	json_t *md = json_pack("{s:{s:s,s:s}}", "ccccccc333", "author", "Dev \x1b[31mOne",
			       "message", "catalog 2.1 to pre\n\nlong body");
	struct triage_change *c;
	size_t n = triage_changes(app, md, &c);
	assert_int_equal(n, 3);
	assert_int_equal(c[0].id, 3);
	assert_string_equal(c[0].revision, "ccccccc333");
	assert_string_equal(c[0].previous_revision, "bbbbbbb222");
	assert_string_equal(c[0].message, "catalog 2.1 to pre");
	assert_string_equal(c[0].author, "Dev ^[[31mOne"); /* sanitised */
	assert_string_equal(c[0].deployed_at, "2026-11-23T10:00:00Z");
	assert_int_equal(c[2].id, 1);
	assert_string_equal(c[2].previous_revision, "");
	assert_string_equal(c[2].path, "envs/pre/catalog");
	assert_string_equal(c[1].author, ""); /* no metadata yet */
	triage_changes_free(c, n);

	/* no history */
	json_t *empty = json_pack("{s:{}}", "status");
	assert_int_equal(triage_changes(empty, NULL, &c), 0);
	assert_null(c);
	json_decref(empty);
	json_decref(md);
	json_decref(app);
}

static void test_rollback_id(void **state)
{
	(void)state;
	json_t *app = json_loads(app_json, 0, NULL);
	assert_int_equal(triage_rollback_id(app), 2);
	json_decref(app);
	/* the bad revision synced twice: back to the one before both */
	app = json_loads("{\"status\":{\"history\":[{\"id\":4,\"revision\":\"good\"},"
			 "{\"id\":5,\"revision\":\"bad\"},{\"id\":6,\"revision\":\"bad\"}]}}", 0, NULL);
	assert_int_equal(triage_rollback_id(app), 4);
	json_decref(app);
	app = json_loads("{\"status\":{\"history\":[{\"id\":1,\"revision\":\"x\"}]}}", 0, NULL);
	assert_int_equal(triage_rollback_id(app), 0);
	json_decref(app);
	assert_int_equal(triage_rollback_id(NULL), 0);
}

static void test_fingerprint(void **state)
{
	(void)state;
	struct prom_label store[8];
	const char *kv[] = {"service=catalog", "alertname=HighErrorRate", "severity=page", NULL};
	struct prom_labels l = labels_of(kv, store);
	char *f = alert_target_fingerprint(&l);
	assert_string_equal(f, "alertname=HighErrorRate,service=catalog,severity=page");
	free(f);
	labels_free(&l);
}

/* :triage and its aliases, :timeline, and the keys of their sections. */
static void test_registry_and_keys(void **state)
{
	(void)state;
	assert_ptr_equal(view_registry_find("triage")->ops, &triage_view_ops);
	assert_ptr_equal(view_registry_find("alerts")->ops, &triage_view_ops);
	assert_ptr_equal(view_registry_find("incidents")->ops, &triage_view_ops);
	assert_ptr_equal(view_registry_find("timeline")->ops, &timeline_view_ops);
	char err[256] = "";
	struct keymap *km = keymap_load(NULL, err, sizeof err);
	assert_non_null(km);
	assert_int_equal(keymap_lookup(km, "triage", 'a'), REQ_OPEN_APP);
	assert_int_equal(keymap_lookup(km, "triage", 'p'), REQ_FAILING_PODS);
	assert_int_equal(keymap_lookup(km, "triage", 'l'), REQ_LOGS);
	assert_int_equal(keymap_lookup(km, "triage", 'c'), REQ_CHANGES);
	assert_int_equal(keymap_lookup(km, "triage", 'b'), REQ_ROLLBACK);
	assert_int_equal(keymap_lookup(km, "triage", 'd'), REQ_NONE);
	assert_int_equal(keymap_lookup(km, "changes", 'b'), REQ_ROLLBACK);
	assert_int_equal(keymap_lookup(km, "timeline", '/'), REQ_FILTER);
	assert_string_equal(request_name(REQ_CHANGES), "changes");
	keymap_free(km);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_with_model),
		cmocka_unit_test(test_map_without_model),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_rollback_id),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_registry_and_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
