/* Tests for clients/findings_kube (parsers, findings_map, fetch): every real Trivy
 * Operator and policy report payload in tests/fixtures/trivy and tests/fixtures/policy
 * parsed and counted (expected counts derived from the files in comments), Gatekeeper
 * violations, ReplicaSet -> Deployment resolution, the platform mapping, and the fetch
 * against the in-process sandbox over HTTPS (paging, kinds not served, errors, cancel). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clients/findings_kube.h"
#include "clients/http.h"
#include "clients/kube.h"
#include "core/loop.h"
#include "core/platform.h"
#include "core/xalloc.h"
#include "core/yaml.h"
#include "sandbox/auth.h"
#include "sandbox/certs.h"
#include "sandbox/objstore.h"
#include "sandbox/scenario.h"
#include "sandbox/server.h"
#include "tests/support/tmpdir.h"

#define TRIVY "tests/fixtures/trivy/"
#define POLICY "tests/fixtures/policy/"

static json_t *load_json(const char *path)
{
	json_error_t jerr;
	json_t *j = json_load_file(path, 0, &jerr);
	if (!j)
		fail_msg("%s: %s", path, jerr.text);
	return j;
}

/* Every document of a YAML file (a JSON array). */
static json_t *load_yaml(const char *path)
{
	char err[256];
	json_t *docs = yaml_load_file(path, err, sizeof(err));
	if (!docs)
		fail_msg("%s", err);
	return docs;
}

static struct finding_workload *find_w(struct findings *set, const char *ns, const char *kind,
				       const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->w[i].namespace, ns) && !strcmp(set->w[i].kind, kind) &&
		    !strcmp(set->w[i].name, name))
			return &set->w[i];
	return NULL;
}

static const struct finding *find_f(const struct finding_workload *w, const char *id,
				    const char *package)
{
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->items[i].id, id) &&
		    (!package || (w->items[i].package && !strcmp(w->items[i].package, package))))
			return &w->items[i];
	return NULL;
}

static void assert_counts(const struct finding_workload *w, unsigned crit, unsigned high,
			  unsigned med, unsigned low, unsigned unknown)
{
	assert_int_equal(w->counts[FINDING_CRITICAL], crit);
	assert_int_equal(w->counts[FINDING_HIGH], high);
	assert_int_equal(w->counts[FINDING_MEDIUM], med);
	assert_int_equal(w->counts[FINDING_LOW], low);
	assert_int_equal(w->counts[FINDING_UNKNOWN], unknown);
}

static bool parse_trivy(struct findings *set, const json_t *obj, findings_owner_fn owner_of,
			void *ud)
{
	char err[256] = "";
	bool ok = findings_parse_trivy(set, "c1", obj, owner_of, ud, err, sizeof(err));
	if (!ok)
		fail_msg("%s", err);
	return ok;
}

/* ---- Trivy fixtures ------------------------------------------------------------------ */

static bool nginx_owner(void *ud, const char *ns, const char *rs, const char **kind,
			const char **name)
{
	(*(int *)ud)++;
	if (strcmp(ns, "default") || strcmp(rs, "nginx-deployment-965685897"))
		return false;
	*kind = "Deployment";
	*name = "nginx-deployment";
	return true;
}

static void test_vuln_single(void **state)
{
	(void)state;
	json_t *obj = load_json(TRIVY "vulnerabilityreport_single_vuln.json");
	/* without owner_of the report stays on its ReplicaSet: its labels carry no
	 * pod-template-hash (resource-spec-hash is Trivy's own hash, not the suffix) */
	struct findings set = {0};
	parse_trivy(&set, obj, NULL, NULL);
	assert_int_equal(set.n, 1);
	struct finding_workload *w = &set.w[0];
	assert_string_equal(w->cluster, "c1");
	assert_string_equal(w->namespace, "default");
	assert_string_equal(w->kind, "ReplicaSet");
	assert_string_equal(w->name, "nginx-deployment-965685897");
	findings_free(&set);

	int calls = 0;
	parse_trivy(&set, obj, nginx_owner, &calls);
	assert_int_equal(calls, 1);
	w = &set.w[0];
	assert_string_equal(w->kind, "Deployment");
	assert_string_equal(w->name, "nginx-deployment");
	assert_string_equal(w->image, "index.docker.io/library/nginx:alpine");
	/* summary criticalCount 1, one vulnerability: CVE-2023-23914 in curl */
	assert_int_equal(w->n, 1);
	assert_counts(w, 1, 0, 0, 0, 0);
	const struct finding *f = &w->items[0];
	assert_int_equal(f->source, FINDING_SRC_VULNERABILITY);
	assert_int_equal(f->severity, FINDING_CRITICAL);
	assert_string_equal(f->id, "CVE-2023-23914");
	assert_string_equal(f->package, "curl");
	assert_string_equal(f->installed, "7.87.0-r1");
	assert_string_equal(f->fixed, "7.87.0-r2");
	assert_true(finding_fixable(f));
	assert_string_equal(f->title, "curl: HSTS ignored on multiple requests");
	assert_string_equal(f->link, "https://avd.aquasec.com/nvd/cve-2023-23914");
	assert_true(f->score > 4.19 && f->score < 4.21);
	/* the same report again (another container of the same image) adds nothing */
	parse_trivy(&set, obj, nginx_owner, &calls);
	assert_int_equal(set.n, 1);
	assert_int_equal(set.w[0].n, 1);
	assert_counts(&set.w[0], 1, 0, 0, 0, 0);
	findings_free(&set);
	json_decref(obj);
}

static void test_vuln_extended(void **state)
{
	(void)state;
	json_t *obj = load_json(TRIVY "vulnerabilityreport_extended.json");
	struct findings set = {0};
	parse_trivy(&set, obj, NULL, NULL);
	/* attached to Pod lbc/ubuntu; 5 MEDIUM vulnerabilities (summary mediumCount 5):
	 * CVE-2024-0553 libgnutls30 and CVE-2024-22365 in four libpam packages, so the
	 * same CVE in different packages stays four findings */
	assert_int_equal(set.n, 1);
	struct finding_workload *w = &set.w[0];
	assert_string_equal(w->kind, "Pod");
	assert_string_equal(w->name, "ubuntu");
	assert_string_equal(w->namespace, "lbc");
	assert_string_equal(w->image, "index.docker.io/library/ubuntu:20.04");
	assert_int_equal(w->n, 5);
	assert_counts(w, 0, 0, 5, 0, 0);
	assert_non_null(find_f(w, "CVE-2024-22365", "libpam-modules"));
	assert_non_null(find_f(w, "CVE-2024-22365", "libpam-modules-bin"));
	assert_non_null(find_f(w, "CVE-2024-22365", "libpam-runtime"));
	assert_non_null(find_f(w, "CVE-2024-22365", "libpam0g"));
	const struct finding *f = find_f(w, "CVE-2024-0553", "libgnutls30");
	assert_non_null(f);
	assert_string_equal(f->fixed, "3.6.13-2ubuntu1.10");
	findings_free(&set);
	json_decref(obj);
}

static void test_exposed_secrets(void **state)
{
	(void)state;
	json_t *obj = load_json(TRIVY "exposedsecretreport_many.json");
	struct findings set = {0};
	parse_trivy(&set, obj, NULL, NULL);
	/* two CRITICAL secrets (summary criticalCount 2) in library/secret:latest */
	assert_int_equal(set.n, 1);
	struct finding_workload *w = &set.w[0];
	assert_string_equal(w->name, "nginx-deployment-c868466d4");
	assert_string_equal(w->image, "index.docker.io/library/secret:latest");
	assert_int_equal(w->n, 2);
	assert_counts(w, 2, 0, 0, 0, 0);
	const struct finding *f = find_f(w, "aws-secret-access-key", "root/aws_secret.txt");
	assert_non_null(f);
	assert_int_equal(f->source, FINDING_SRC_EXPOSED_SECRET);
	assert_string_equal(f->title, "AWS Secret Access Key");
	f = find_f(w, "github-pat", "root/github_secret.txt");
	assert_non_null(f);
	assert_string_equal(f->title, "GitHub Personal Access Token");
	/* the match (the secret text) is stored nowhere */
	for (size_t i = 0; i < w->n; i++) {
		const struct finding *g = &w->items[i];
		const char *fields[] = {g->id, g->package, g->installed, g->fixed, g->title, g->link};
		for (size_t k = 0; k < 6; k++)
			if (fields[k]) {
				assert_null(strstr(fields[k], "****"));
				assert_null(strstr(fields[k], "AWS_secret_KEY"));
				assert_null(strstr(fields[k], "GITHUB_PAT"));
			}
	}
	findings_free(&set);
	json_decref(obj);
}

static void test_compliance(void **state)
{
	(void)state;
	json_t *arr = load_json(TRIVY "clustercompliancereport.json");
	/* a JSON array holding one ClusterComplianceReport "cis" */
	assert_int_equal(json_array_size(arr), 1);
	struct findings set = {0};
	parse_trivy(&set, json_array_get(arr, 0), NULL, NULL);
	/* summaryReport.controlCheck: 4.2.9 HIGH totalFail 0 (passes, not a finding),
	 * 4.2.10 CRITICAL totalFail 10, 4.2.11 CRITICAL totalFail 5: two critical findings,
	 * as status.summary failCount 2 says */
	assert_int_equal(set.n, 1);
	struct finding_workload *w = &set.w[0];
	assert_string_equal(w->kind, "ClusterComplianceReport");
	assert_string_equal(w->name, "cis");
	assert_string_equal(w->namespace, "");
	assert_int_equal(w->n, 2);
	assert_counts(w, 2, 0, 0, 0, 0);
	const struct finding *f = find_f(w, "4.2.10", NULL);
	assert_non_null(f);
	assert_int_equal(f->source, FINDING_SRC_COMPLIANCE);
	assert_string_equal(f->title, "Ensure that the --tls-cert-file and --tls-private-key-file "
				      "arguments are set as appropriate");
	assert_non_null(find_f(w, "4.2.11", NULL));
	assert_null(find_f(w, "4.2.9", NULL));
	findings_free(&set);
	json_decref(arr);
}

static void test_all_reports_dict(void **state)
{
	(void)state;
	json_t *dict = load_json(TRIVY "all_reports_in_dict.json");
	/* 11 lists keyed by CRD plural; 3 hold one report each, 8 are empty */
	assert_int_equal(json_object_size(dict), 11);
	struct findings set = {0};
	const char *key;
	json_t *list, *item;
	size_t reports = 0, i;
	json_object_foreach(dict, key, list)
		json_array_foreach(list, i, item) {
			parse_trivy(&set, item, nginx_owner, &(int){0});
			reports++;
		}
	assert_int_equal(reports, 3);
	/* the config audit and the vulnerability report are both about ReplicaSet
	 * default/nginx-deployment-965685897, which owner_of resolves to the Deployment; the
	 * secret report's ReplicaSet nginx-deployment-c868466d4 is not known to owner_of */
	assert_int_equal(set.n, 2);
	struct finding_workload *d = find_w(&set, "default", "Deployment", "nginx-deployment");
	assert_non_null(d);
	/* 41 vulnerabilities, every (id, package) distinct: summary critical 2, high 3,
	 * medium 25, low 11; plus KSV014 (LOW, success false) from the config audit */
	assert_int_equal(d->n, 42);
	assert_counts(d, 2, 3, 25, 12, 0);
	const struct finding *f = find_f(d, "CVE-2020-8911", "github.com/aws/aws-sdk-go");
	assert_non_null(f);
	assert_false(finding_fixable(f));   /* fixedVersion "" */
	f = find_f(d, "KSV014", NULL);
	assert_non_null(f);
	assert_int_equal(f->source, FINDING_SRC_CONFIG_AUDIT);
	assert_int_equal(f->severity, FINDING_LOW);
	struct finding_workload *s = find_w(&set, "default", "ReplicaSet", "nginx-deployment-c868466d4");
	assert_non_null(s);
	/* one CRITICAL aws-secret-access-key */
	assert_int_equal(s->n, 1);
	assert_counts(s, 1, 0, 0, 0, 0);
	findings_free(&set);
	json_decref(dict);
}

static void test_config_audit_yaml(void **state)
{
	(void)state;
	json_t *docs = load_yaml(TRIVY "pod-configauditreport-expected.yaml");
	assert_int_equal(json_array_size(docs), 1);
	struct findings set = {0};
	parse_trivy(&set, json_array_get(docs, 0), NULL, NULL);
	/* Pod default/my-pod, 13 failed checks KSV001 .. KSV106, all distinct:
	 * 1 HIGH, 3 MEDIUM, 9 LOW (summary highCount 1, mediumCount 3, lowCount 9) */
	assert_int_equal(set.n, 1);
	struct finding_workload *w = &set.w[0];
	assert_string_equal(w->kind, "Pod");
	assert_string_equal(w->name, "my-pod");
	assert_null(w->image);
	assert_int_equal(w->n, 13);
	assert_counts(w, 0, 1, 3, 9, 0);
	const struct finding *f = find_f(w, "KSV003", NULL);
	assert_non_null(f);
	assert_string_equal(f->title, "Default capabilities: some containers do not drop all");
	findings_free(&set);
	json_decref(docs);
}

static void test_rbac_yaml(void **state)
{
	(void)state;
	json_t *docs = load_yaml(TRIVY "role-rbacassessment-expected.yaml");
	struct findings set = {0};
	parse_trivy(&set, json_array_get(docs, 0), NULL, NULL);
	/* Role default/proxy: KSV113 MEDIUM "Manage namespace secrets" */
	assert_int_equal(set.n, 1);
	struct finding_workload *w = &set.w[0];
	assert_string_equal(w->kind, "Role");
	assert_string_equal(w->name, "proxy");
	assert_string_equal(w->namespace, "default");
	assert_int_equal(w->n, 1);
	assert_counts(w, 0, 0, 1, 0, 0);
	assert_int_equal(w->items[0].source, FINDING_SRC_RBAC);
	assert_string_equal(w->items[0].id, "KSV113");
	assert_string_equal(w->items[0].title, "Manage namespace secrets");
	findings_free(&set);
	json_decref(docs);
}

/* Edge cases of the Trivy parser: summary-only reports, passing checks, and the
 * pod-template-hash fallback. */
static void test_trivy_edges(void **state)
{
	(void)state;
	struct findings set = {0};
	json_t *obj = json_pack(
		"{s:s, s:s, s:{s:s, s:s, s:{s:s, s:s, s:s, s:s}},"
		" s:{s:{s:i, s:i, s:i, s:i, s:i}, s:[]}}",
		"apiVersion", "aquasecurity.github.io/v1alpha1", "kind", "VulnerabilityReport",
		"metadata", "name", "replicaset-web-6f7d8c9b5-web", "namespace", "shop", "labels",
		"trivy-operator.resource.kind", "ReplicaSet", "trivy-operator.resource.name",
		"web-6f7d8c9b5", "trivy-operator.resource.namespace", "shop", "pod-template-hash",
		"6f7d8c9b5", "report", "summary", "criticalCount", 1, "highCount", 2, "mediumCount",
		0, "lowCount", 4, "unknownCount", 1, "vulnerabilities");
	parse_trivy(&set, obj, NULL, NULL);
	/* the hash suffix named by the labels is stripped: Deployment web */
	struct finding_workload *w = find_w(&set, "shop", "Deployment", "web");
	assert_non_null(w);
	assert_int_equal(w->n, 0);
	assert_counts(w, 1, 2, 0, 4, 1);   /* summary only: the list was empty */
	/* a label hash that is not the suffix keeps the ReplicaSet */
	json_object_set_new(json_object_get(json_object_get(obj, "metadata"), "labels"),
			    "pod-template-hash", json_string("zzz"));
	parse_trivy(&set, obj, NULL, NULL);
	assert_non_null(find_w(&set, "shop", "ReplicaSet", "web-6f7d8c9b5"));
	json_decref(obj);

	/* checks: success true is not a finding; absent success is */
	obj = json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:[{s:s, s:s, s:b}, {s:s, s:s}]}}",
			"apiVersion", "aquasecurity.github.io/v1alpha1", "kind",
			"ConfigAuditReport", "metadata", "name", "deployment-api", "namespace",
			"shop", "report", "checks", "checkID", "KSV001", "severity", "HIGH",
			"success", 1, "checkID", "KSV002", "severity", "LOW");
	parse_trivy(&set, obj, NULL, NULL);
	/* no labels, no owner: the report itself */
	w = find_w(&set, "shop", "ConfigAuditReport", "deployment-api");
	assert_non_null(w);
	assert_int_equal(w->n, 1);
	assert_string_equal(w->items[0].id, "KSV002");
	json_decref(obj);

	/* not a Trivy report */
	char err[128] = "";
	obj = json_pack("{s:s, s:s}", "apiVersion", "wgpolicyk8s.io/v1alpha2", "kind", "PolicyReport");
	assert_false(findings_parse_trivy(&set, "c", obj, NULL, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "PolicyReport"));
	json_decref(obj);
	obj = json_pack("{s:s, s:s}", "apiVersion", "aquasecurity.github.io/v1alpha1", "kind", "SbomReport");
	assert_false(findings_parse_trivy(&set, "c", obj, NULL, NULL, err, sizeof(err)));
	json_decref(obj);
	findings_free(&set);
}

/* ---- policy fixtures ---------------------------------------------------------------- */

static void test_policy_kubearmor(void **state)
{
	(void)state;
	json_t *docs = load_yaml(POLICY "res.yaml");   /* starts with a BOM */
	assert_int_equal(json_array_size(docs), 1);
	json_t *list = json_array_get(docs, 0);
	assert_string_equal(json_string_value(json_object_get(list, "kind")), "List");
	char err[128];
	struct findings set = {0};
	/* the List itself is not a report */
	assert_false(findings_parse_policy_report(&set, "c1", list, NULL, NULL, err, sizeof(err)));
	json_t *items = json_object_get(list, "items"), *item;
	size_t i;
	assert_int_equal(json_array_size(items), 1);
	json_array_foreach(items, i, item)
		assert_true(findings_parse_policy_report(&set, "c1", item, NULL, NULL, err,
							 sizeof(err)));
	/* PolicyReport multiubuntu/kubearmor-policy-report: 3 results, all fail/medium,
	 * policy ksp-group-1-proc-path-block, no rule, no resources and no scope, so they
	 * belong to the report itself; same source, id and (no) package: one finding */
	assert_int_equal(set.n, 1);
	struct finding_workload *w = &set.w[0];
	assert_string_equal(w->kind, "PolicyReport");
	assert_string_equal(w->name, "kubearmor-policy-report");
	assert_string_equal(w->namespace, "multiubuntu");
	assert_int_equal(w->n, 1);
	assert_counts(w, 0, 0, 1, 0, 0);
	assert_int_equal(w->items[0].source, FINDING_SRC_POLICY);
	assert_string_equal(w->items[0].id, "ksp-group-1-proc-path-block");
	assert_string_equal(w->items[0].title, "block the sleep command");
	findings_free(&set);
	json_decref(docs);
}

static void test_policy_falco(void **state)
{
	(void)state;
	json_t *docs = load_yaml(POLICY "sample-falco-policy.yaml");
	assert_int_equal(json_array_size(docs), 2);
	char err[128];
	struct findings set = {0};
	for (size_t i = 0; i < 2; i++)
		assert_true(findings_parse_policy_report(&set, "c1", json_array_get(docs, i), NULL,
							 NULL, err, sizeof(err)));
	/* document 1: PolicyReport my-namespace, one fail without a severity field (the
	 * "severity: low" is Falco's, inside properties) against Pod a-pod: medium.
	 * document 2: ClusterPolicyReport, one fail ("audit") without resources: medium,
	 * on the report itself, cluster-scoped */
	assert_int_equal(set.n, 2);
	struct finding_workload *pod = find_w(&set, "my-namespace", "Pod", "a-pod");
	assert_non_null(pod);
	assert_int_equal(pod->n, 1);
	assert_counts(pod, 0, 0, 1, 0, 0);
	assert_string_equal(pod->items[0].id, "Change thread namespace");
	assert_string_equal(pod->items[0].title,
			    "Falco alert created due to the Change thread namespace rule");
	struct finding_workload *cr = find_w(&set, "", "ClusterPolicyReport", "falco-alerts-policy");
	assert_non_null(cr);
	assert_int_equal(cr->n, 1);
	assert_counts(cr, 0, 0, 1, 0, 0);
	assert_string_equal(cr->items[0].id, "audit");
	findings_free(&set);
	json_decref(docs);
}

static bool rs_owner(void *ud, const char *ns, const char *rs, const char **kind,
		     const char **name)
{
	(void)ud;
	(void)ns;
	if (strcmp(rs, "api-7c9d"))
		return false;
	*kind = "Deployment";
	*name = "api";
	return true;
}

/* Results: pass and skip ignored, warn and error kept, rule in the id, severity by
 * field or by outcome, each resource a workload, a scope overriding resources. */
static void test_policy_results(void **state)
{
	(void)state;
	json_t *rep = json_pack(
		"{s:s, s:s, s:{s:s, s:s}, s:["
		"{s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s}, {s:s, s:s, s:s}]},"
		"{s:s, s:s, s:[{s:s, s:s}]},"
		"{s:s, s:s, s:[{s:s, s:s}]},"
		"{s:s, s:s, s:[{s:s, s:s}]},"
		"{s:s, s:s, s:s, s:[{s:s, s:s}]}]}",
		"apiVersion", "wgpolicyk8s.io/v1alpha2", "kind", "PolicyReport", "metadata", "name",
		"polr", "namespace", "shop", "results",
		"policy", "require-labels", "rule", "check-team", "result", "fail", "severity",
		"high", "message", "label team is required", "resources", "kind", "Deployment",
		"name", "web", "kind", "ReplicaSet", "name", "api-7c9d", "namespace", "shop",
		"policy", "p-pass", "result", "pass", "resources", "kind", "Deployment", "name", "web",
		"policy", "p-skip", "result", "skip", "resources", "kind", "Deployment", "name", "web",
		"policy", "p-warn", "result", "warn", "resources", "kind", "Deployment", "name", "web",
		"policy", "p-error", "rule", "r", "result", "error", "resources", "kind",
		"Deployment", "name", "web");
	assert_non_null(rep);
	char err[128];
	struct findings set = {0};
	assert_true(findings_parse_policy_report(&set, "c1", rep, rs_owner, NULL, err, sizeof(err)));
	assert_int_equal(set.n, 2);
	struct finding_workload *web = find_w(&set, "shop", "Deployment", "web");
	assert_non_null(web);
	/* fail high, warn (no severity: medium), error (no severity: high) */
	assert_int_equal(web->n, 3);
	assert_counts(web, 0, 2, 1, 0, 0);
	assert_non_null(find_f(web, "require-labels/check-team", NULL));
	assert_non_null(find_f(web, "p-warn", NULL));
	assert_non_null(find_f(web, "p-error/r", NULL));
	assert_null(find_f(web, "p-pass", NULL));
	/* the ReplicaSet resource resolved through owner_of */
	struct finding_workload *api = find_w(&set, "shop", "Deployment", "api");
	assert_non_null(api);
	assert_counts(api, 0, 1, 0, 0, 0);
	findings_free(&set);

	/* a scope wins over the results' resources */
	json_object_set_new(rep, "scope", json_pack("{s:s, s:s, s:s}", "kind", "Deployment",
						    "name", "scoped", "namespace", "shop"));
	assert_true(findings_parse_policy_report(&set, "c1", rep, rs_owner, NULL, err, sizeof(err)));
	assert_int_equal(set.n, 1);
	assert_string_equal(set.w[0].name, "scoped");
	assert_int_equal(set.w[0].n, 3);
	findings_free(&set);
	json_decref(rep);
}

static void test_gatekeeper(void **state)
{
	(void)state;
	/* hand-written in the shape Gatekeeper's audit writes (status.violations) */
	json_t *c = json_pack(
		"{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s, s:i, s:["
		"{s:s, s:s, s:s, s:s, s:s, s:s},"
		"{s:s, s:s, s:s, s:s},"
		"{s:s, s:s, s:s, s:s, s:s, s:s}]}}",
		"apiVersion", "constraints.gatekeeper.sh/v1beta1", "kind", "K8sRequiredLabels",
		"metadata", "name", "must-have-owner", "spec", "enforcementAction", "dryrun",
		"status", "auditTimestamp", "2026-11-23T10:00:00Z", "totalViolations", 3,
		"violations", "enforcementAction", "deny", "group", "apps", "kind", "Deployment", "name", "web",
		"namespace", "shop", "message", "you must provide labels: {\"owner\"}",
		"group", "", "kind", "Namespace", "name", "shop", "message", "no owner",
		"enforcementAction", "warn", "group", "apps", "kind", "Deployment", "name", "web",
		"namespace", "shop", "message", "you must provide labels: {\"owner\"}");
	assert_non_null(c);
	char err[128];
	struct findings set = {0};
	assert_true(findings_parse_gatekeeper(&set, "c1", c, err, sizeof(err)));
	assert_int_equal(set.n, 2);
	struct finding_workload *web = find_w(&set, "shop", "Deployment", "web");
	assert_non_null(web);
	/* the same constraint twice on one object is one finding: the first, deny -> high */
	assert_int_equal(web->n, 1);
	assert_counts(web, 0, 1, 0, 0, 0);
	assert_int_equal(web->items[0].source, FINDING_SRC_GATEKEEPER);
	assert_string_equal(web->items[0].id, "K8sRequiredLabels/must-have-owner");
	assert_string_equal(web->items[0].title, "you must provide labels: {\"owner\"}");
	/* no action of its own: the constraint's dryrun -> medium */
	struct finding_workload *ns = find_w(&set, "", "Namespace", "shop");
	assert_non_null(ns);
	assert_counts(ns, 0, 0, 1, 0, 0);
	findings_free(&set);
	json_object_set_new(c, "apiVersion", json_string("templates.gatekeeper.sh/v1"));
	assert_false(findings_parse_gatekeeper(&set, "c1", c, err, sizeof(err)));
	json_decref(c);
}

/* ---- findings_map ------------------------------------------------------------------- */

static const char platform_yaml[] =
	"clusters:\n"
	"  - {name: nonprod, context: ctx-nonprod}\n"
	"  - {name: prod, context: ctx-prod}\n"
	"tenants:\n"
	"  - {name: shop, namespaces: [shop-dev, shop-prd]}\n"
	"  - {name: id-team, namespaces: [id-team-dev]}\n"
	"environments:\n"
	"  - {name: dev, cluster: nonprod}\n"
	"  - {name: prd, cluster: prod}\n"
	"  - {name: qa, cluster: nonprod, namespace: \"qa-{tenant}\"}\n"
	"services:\n"
	"  - {name: cart, tenant: shop}\n"
	"  - {name: login, tenant: id-team}\n";

static void test_map(void **state)
{
	(void)state;
	struct platform *p = NULL;
	char err[256];
	if (platform_parse("platform.yaml", platform_yaml, strlen(platform_yaml), &p, err,
			   sizeof(err)))
		fail_msg("%s", err);
	struct findings set = {0};
	findings_workload(&set, "ctx-nonprod", "shop-dev", "Deployment", "cart");
	findings_workload(&set, "prod", "shop-prd", "Deployment", "cart");
	findings_workload(&set, "ctx-nonprod", "id-team-dev", "Deployment", "login");
	findings_workload(&set, "ctx-nonprod", "qa-shop", "StatefulSet", "cart-db");
	findings_workload(&set, "ctx-nonprod", "kube-system", "Deployment", "coredns");
	findings_workload(&set, "ctx-nonprod", "shop-dev", "Role", "cart");
	findings_workload(&set, "ctx-nonprod", "other-dev", "Deployment", "cart");
	struct finding_workload *pre = findings_workload(&set, "ctx-nonprod", "shop-dev",
							 "Deployment", "labelled");
	free(pre->service);
	pre->service = xstrdup("from-labels");
	findings_map(&set, p);
	struct {
		const char *ns, *kind, *name, *service, *env, *tenant;
	} want[] = {
		{"shop-dev", "Deployment", "cart", "cart", "dev", "shop"},
		{"shop-prd", "Deployment", "cart", "cart", "prd", "shop"},
		/* "id-team-dev": the tenant holds a dash; the shortest capture that names a
		 * known tenant */
		{"id-team-dev", "Deployment", "login", "login", "dev", "id-team"},
		/* another pattern; a workload that is no service keeps service "" */
		{"qa-shop", "StatefulSet", "cart-db", "", "qa", "shop"},
		{"kube-system", "Deployment", "coredns", "", "", ""},
		/* a Role named like a service is not the service */
		{"shop-dev", "Role", "cart", "", "dev", "shop"},
		/* an unknown tenant: no environment; the service's tenant */
		{"other-dev", "Deployment", "cart", "cart", "", "shop"},
		/* what labels set is kept */
		{"shop-dev", "Deployment", "labelled", "from-labels", "dev", "shop"},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct finding_workload *w = find_w(&set, want[i].ns, want[i].kind, want[i].name);
		assert_non_null(w);
		assert_string_equal(w->service, want[i].service);
		assert_string_equal(w->environment, want[i].env);
		assert_string_equal(w->tenant, want[i].tenant);
	}
	findings_map(&set, NULL);   /* no model: nothing happens */
	findings_free(&set);
	platform_free(p);
}

/* ---- the demo scenario's reports --------------------------------------------------- */

static bool owner_from_map(void *ud, const char *ns, const char *rs, const char **kind,
			   const char **name)
{
	char key[512];
	snprintf(key, sizeof(key), "%s/%s", ns, rs);
	json_t *o = json_object_get(ud, key);
	if (!o)
		return false;
	*kind = json_string_value(json_object_get(o, "kind"));
	*name = json_string_value(json_object_get(o, "name"));
	return true;
}

static const char *kind_of(const json_t *o)
{
	const char *k = json_string_value(json_object_get(o, "kind"));
	return k ? k : "";
}

/* Every report the sandbox generates for the demo, parsed as the fetch would. */
static struct findings *demo_findings(struct scenario *sc, struct platform **p)
{
	struct findings *set = xcalloc(1, sizeof(*set));
	char err[256];
	for (size_t c = 0; c < sc->nclusters; c++) {
		json_t *objs = sc->clusters[c].objects, *o, *owners = json_object();
		size_t i;
		json_array_foreach(objs, i, o) {
			if (strcmp(kind_of(o), "ReplicaSet"))
				continue;
			json_t *md = json_object_get(o, "metadata");
			json_t *ref = json_array_get(json_object_get(md, "ownerReferences"), 0);
			char key[512];
			snprintf(key, sizeof(key), "%s/%s",
				 json_string_value(json_object_get(md, "namespace")),
				 json_string_value(json_object_get(md, "name")));
			json_object_set(owners, key, ref);
		}
		json_array_foreach(objs, i, o) {
			const char *api = json_string_value(json_object_get(o, "apiVersion"));
			if (!api)
				continue;
			if (!strncmp(api, "aquasecurity.github.io/", 23))
				assert_true(findings_parse_trivy(set, sc->clusters[c].name, o,
								 owner_from_map, owners, err,
								 sizeof(err)));
			else if (!strncmp(api, "wgpolicyk8s.io/", 15))
				assert_true(findings_parse_policy_report(set, sc->clusters[c].name, o,
									 owner_from_map, owners,
									 err, sizeof(err)));
		}
		json_decref(owners);
	}
	if (platform_parse("platform.yaml", sc->platform_yaml, strlen(sc->platform_yaml), p,
			   err, sizeof(err)))
		fail_msg("%s", err);
	findings_map(set, *p);
	return set;
}

static size_t count_vulns(const struct finding_workload *w, enum finding_severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < w->n; i++)
		n += w->items[i].source == FINDING_SRC_VULNERABILITY && w->items[i].severity == sev;
	return n;
}

static void test_demo_scenario(void **state)
{
	(void)state;
	setenv("SANDBOX_NOW", "1790000000", 1);
	struct scenario sc;
	char err[512] = "";
	if (scenario_load("sandbox/scenarios/demo.yaml", NULL, &sc, err, sizeof(err)))
		fail_msg("%s", err);
	struct platform *p = NULL;
	struct findings *set = demo_findings(&sc, &p);
	/* catalog 2.6.4 (the bad version) runs in sit and uat: its report there carries the
	 * critical CVE-2024-45337, so a gate reading the source environment blocks it */
	const char *envs[] = {"sit", "uat"};
	for (size_t e = 0; e < 2; e++) {
		char ns[64];
		snprintf(ns, sizeof(ns), "storefront-%s", envs[e]);
		struct finding_workload *w = find_w(set, ns, "Deployment", "catalog");
		assert_non_null(w);
		assert_string_equal(w->service, "catalog");
		assert_string_equal(w->environment, envs[e]);
		assert_string_equal(w->tenant, "storefront");
		assert_string_equal(w->image, "registry.example.com/storefront/catalog:2.6.4");
		const struct finding *f = find_f(w, "CVE-2024-45337", "golang.org/x/crypto");
		assert_non_null(f);
		assert_int_equal(f->severity, FINDING_CRITICAL);
	}
	/* per service over every environment: some critical, some clean */
	size_t crit_services = 0, clean_services = 0;
	for (size_t s = 0; s < p->nservices; s++) {
		size_t crit = 0, all = 0, envs_seen = 0;
		for (size_t i = 0; i < set->n; i++) {
			const struct finding_workload *w = &set->w[i];
			if (strcmp(w->service, p->services[s].name) || strcmp(w->kind, "Deployment"))
				continue;
			envs_seen++;
			assert_string_not_equal(w->environment, "");
			crit += count_vulns(w, FINDING_CRITICAL);
			for (int k = 0; k < FINDING_SEVERITY_COUNT; k++)
				all += count_vulns(w, (enum finding_severity)k);
		}
		if (getenv("FK_DEBUG"))
			fprintf(stderr, "%s: %zu envs, %zu critical, %zu vulnerabilities\n",
				p->services[s].name, envs_seen, crit, all);
		assert_true(envs_seen >= 4);
		crit_services += crit > 0;
		clean_services += all == 0;
	}
	assert_true(crit_services >= 3);
	assert_true(clean_services >= 2);
	/* notifications' image carries an exposed AWS key, wherever it runs (5 envs) */
	size_t secrets = 0, roles = 0, nsa = 0;
	for (size_t i = 0; i < set->n; i++) {
		const struct finding_workload *w = &set->w[i];
		const struct finding *f = find_f(w, "aws-access-key-id", "/app/config/.env");
		if (f) {
			assert_string_equal(w->service, "notifications");
			assert_int_equal(f->severity, FINDING_CRITICAL);
			secrets++;
		}
		if (!strcmp(w->kind, "Role")) {
			assert_string_equal(w->name, "deployer");
			assert_non_null(find_f(w, "KSV113", NULL));
			assert_string_not_equal(w->tenant, "");
			roles++;
		}
		if (!strcmp(w->kind, "ClusterComplianceReport")) {
			assert_string_equal(w->name, "k8s-nsa");
			assert_true(w->counts[FINDING_MEDIUM] >= 2);
			nsa++;
		}
	}
	assert_int_equal(secrets, 5);
	assert_int_equal(roles, 15);   /* a tenant namespace each: 3 tenants x 5 envs */
	assert_int_equal(nsa, 2);      /* nonprod and prod; ops runs no workloads */
	findings_free(set);
	free(set);
	platform_free(p);
	scenario_free(&sc);
}

/* ---- the fetch against the sandbox ---------------------------------------------------- */

static struct certs certs;

struct fixture {
	char dir[64];
	char *log_path;
	struct server srv;
	struct loop *loop;
	struct http *http;
};

#define LOAD_REPORTS 260   /* more than a page (250) */

static void add_obj(json_t *objs, json_t *obj)
{
	assert_non_null(obj);   /* a json_pack format that does not match its arguments */
	json_array_append_new(objs, obj);
}

static json_t *ns_obj(const char *name)
{
	return json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind", "Namespace",
			 "metadata", "name", name);
}

static json_t *replicaset(const char *ns, const char *name, const char *deploy, json_t *labels)
{
	json_t *rs = json_pack("{s:s, s:s, s:{s:s, s:s, s:o}, s:{s:i}}", "apiVersion", "apps/v1",
			       "kind", "ReplicaSet", "metadata", "name", name, "namespace", ns,
			       "labels", labels ? labels : json_object(), "spec", "replicas", 1);
	if (deploy)
		json_object_set_new(json_object_get(rs, "metadata"), "ownerReferences",
				    json_pack("[{s:s, s:s, s:s, s:s, s:b}]", "apiVersion", "apps/v1",
					      "kind", "Deployment", "name", deploy, "uid", "u-1",
					      "controller", 1));
	return rs;
}

static json_t *trivy_meta(const char *ns, const char *name, const char *rkind,
			  const char *rname, const char *container)
{
	json_t *md = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}}", "name", name, "namespace", ns,
			       "labels", "trivy-operator.resource.kind", rkind,
			       "trivy-operator.resource.name", rname,
			       "trivy-operator.resource.namespace", ns);
	if (container)
		json_object_set_new(json_object_get(md, "labels"), "trivy-operator.container.name",
				    json_string(container));
	return md;
}

static json_t *vuln(const char *id, const char *pkg, const char *sev)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "vulnerabilityID", id, "resource", pkg,
			 "installedVersion", "1", "fixedVersion", "2", "severity", sev, "title", id);
}

static json_t *vuln_report(const char *ns, const char *name, const char *rkind,
			   const char *rname, const char *container, const char *image_repo,
			   json_t *vulns)
{
	return json_pack("{s:s, s:s, s:o, s:{s:{s:s}, s:{s:s, s:s}, s:o}}", "apiVersion",
			 "aquasecurity.github.io/v1alpha1", "kind", "VulnerabilityReport",
			 "metadata", trivy_meta(ns, name, rkind, rname, container), "report",
			 "registry", "server", "reg.example.com", "artifact", "repository",
			 image_repo, "tag", "1.0", "vulnerabilities", vulns);
}

static json_t *gatekeeper_crd(void)
{
	return json_pack(
		"{s:s, s:s, s:{s:s}, s:{s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:[{s:s, s:b, s:b}]}}",
		"apiVersion", "apiextensions.k8s.io/v1", "kind", "CustomResourceDefinition",
		"metadata", "name", "k8srequiredlabels.constraints.gatekeeper.sh", "spec", "group",
		"constraints.gatekeeper.sh", "scope", "Cluster", "names", "kind",
		"K8sRequiredLabels", "plural", "k8srequiredlabels", "singular", "k8srequiredlabels",
		"listKind", "K8sRequiredLabelsList", "versions", "name", "v1beta1", "served", 1,
		"storage", 1);
}

static void add_crds(json_t *objs)
{
	static const char *const files[] = {
		"sandbox/crds/aquasecurity.github.io_vulnerabilityreports.yaml",
		"sandbox/crds/aquasecurity.github.io_configauditreports.yaml",
		"sandbox/crds/aquasecurity.github.io_exposedsecretreports.yaml",
		"sandbox/crds/aquasecurity.github.io_rbacassessmentreports.yaml",
		"sandbox/crds/aquasecurity.github.io_clustercompliancereports.yaml",
		"sandbox/crds/wgpolicyk8s.io_policyreports.yaml",
		"sandbox/crds/wgpolicyk8s.io_clusterpolicyreports.yaml",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		json_t *docs = load_yaml(files[i]);
		json_array_extend(objs, docs);
		json_decref(docs);
	}
	add_obj(objs, gatekeeper_crd());
}

static json_t *cluster_objects(void)
{
	json_t *objs = json_array();
	add_crds(objs);
	add_obj(objs, ns_obj("shop-dev"));
	add_obj(objs, ns_obj("shop-prd"));
	add_obj(objs, ns_obj("load"));
	add_obj(objs, replicaset("shop-dev", "cart-5d9c7b6f4", "cart",
		json_pack("{s:s, s:s, s:s, s:s}", "pod-template-hash", "5d9c7b6f4",
			  "platform.opsdeck.dev/service", "cart", "platform.opsdeck.dev/environment",
			  "dev", "platform.opsdeck.dev/tenant", "shop")));
	add_obj(objs, replicaset("shop-prd", "cart-7f8e9d", "cart", NULL));
	add_obj(objs, replicaset("shop-dev", "orphan-abc12", NULL, NULL));
	/* cart's previous release in dev, scaled to zero: its report no longer counts */
	json_t *old = replicaset("shop-dev", "cart-4b8a6e5c3", "cart", NULL);
	json_object_set_new(json_object_get(old, "spec"), "replicas", json_integer(0));
	add_obj(objs, old);
	add_obj(objs, vuln_report("shop-dev", "replicaset-cart-4b8a6e5c3-cart", "ReplicaSet",
		"cart-4b8a6e5c3", "cart", "shop/cart-old",
		json_pack("[o]", vuln("CVE-OLD", "openssl", "CRITICAL"))));
	/* cart in dev: main container (critical + high), sidecar (the same critical again
	 * and a low of its own) */
	add_obj(objs, vuln_report("shop-dev", "replicaset-cart-5d9c7b6f4-shipper",
		"ReplicaSet", "cart-5d9c7b6f4", "shipper", "shop/log-shipper",
		json_pack("[o, o]", vuln("CVE-1", "openssl", "CRITICAL"), vuln("CVE-9", "bash", "LOW"))));
	add_obj(objs, vuln_report("shop-dev", "replicaset-cart-5d9c7b6f4-cart",
		"ReplicaSet", "cart-5d9c7b6f4", "cart", "shop/cart",
		json_pack("[o, o]", vuln("CVE-1", "openssl", "CRITICAL"), vuln("CVE-2", "zlib", "HIGH"))));
	add_obj(objs, vuln_report("shop-prd", "replicaset-cart-7f8e9d-cart",
		"ReplicaSet", "cart-7f8e9d", "cart", "shop/cart",
		json_pack("[o]", vuln("CVE-1", "openssl", "CRITICAL"))));
	add_obj(objs, vuln_report("shop-dev", "replicaset-orphan-abc12-x",
		"ReplicaSet", "orphan-abc12", "x", "shop/orphan", json_array()));
	add_obj(objs, json_pack(
		"{s:s, s:s, s:o, s:{s:[{s:s, s:s, s:s, s:b}, {s:s, s:s, s:s, s:b}]}}",
		"apiVersion", "aquasecurity.github.io/v1alpha1", "kind", "ConfigAuditReport",
		"metadata", trivy_meta("shop-dev", "replicaset-cart-5d9c7b6f4", "ReplicaSet",
				       "cart-5d9c7b6f4", NULL),
		"report", "checks", "checkID", "KSV014", "severity", "HIGH", "title", "ro fs",
		"success", 0, "checkID", "KSV011", "severity", "LOW", "title", "cpu", "success", 1));
	add_obj(objs, json_pack(
		"{s:s, s:s, s:o, s:{s:[{s:s, s:s, s:s, s:s, s:s}]}}",
		"apiVersion", "aquasecurity.github.io/v1alpha1", "kind", "ExposedSecretReport",
		"metadata", trivy_meta("shop-dev", "replicaset-cart-5d9c7b6f4-cart", "ReplicaSet",
				       "cart-5d9c7b6f4", "cart"),
		"report", "secrets", "ruleID", "aws-access-key-id", "severity", "CRITICAL", "title",
		"AWS Access Key ID", "target", "/app/.env", "match", "AWS_ACCESS_KEY_ID=AKIAEXAMPLE"));
	add_obj(objs, json_pack(
		"{s:s, s:s, s:o, s:{s:[{s:s, s:s, s:s, s:b}]}}",
		"apiVersion", "aquasecurity.github.io/v1alpha1", "kind", "RbacAssessmentReport",
		"metadata", trivy_meta("shop-dev", "role-deployer", "Role", "deployer", NULL),
		"report", "checks", "checkID", "KSV113", "severity", "MEDIUM", "title", "secrets",
		"success", 0));
	add_obj(objs, json_pack(
		"{s:s, s:s, s:{s:s}, s:{s:{s:[{s:s, s:s, s:s, s:i}, {s:s, s:s, s:s, s:i}]}}}",
		"apiVersion", "aquasecurity.github.io/v1alpha1", "kind", "ClusterComplianceReport",
		"metadata", "name", "k8s-nsa", "status", "summaryReport", "controlCheck", "id", "1.0",
		"name", "Non-root containers", "severity", "MEDIUM", "totalFail", 3, "id", "1.1",
		"name", "Immutable fs", "severity", "LOW", "totalFail", 0));
	add_obj(objs, json_pack(
		"{s:s, s:s, s:{s:s, s:s}, s:[{s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:s}]},"
		" {s:s, s:s, s:[{s:s, s:s, s:s}]}]}",
		"apiVersion", "wgpolicyk8s.io/v1alpha2", "kind", "PolicyReport", "metadata", "name",
		"polr-1", "namespace", "shop-prd", "results", "policy", "require-run-as-nonroot",
		"rule", "run-as-non-root", "result", "fail", "severity", "high", "resources",
		"apiVersion", "apps/v1", "kind", "Deployment", "name", "cart", "policy", "ok",
		"result", "pass", "resources", "apiVersion", "apps/v1", "kind", "Deployment",
		"name", "cart"));
	add_obj(objs, json_pack(
		"{s:s, s:s, s:{s:s}, s:{s:[{s:s, s:s, s:s, s:s, s:s}]}}",
		"apiVersion", "constraints.gatekeeper.sh/v1beta1", "kind", "K8sRequiredLabels",
		"metadata", "name", "owner-label", "status", "violations", "enforcementAction",
		"deny", "kind", "Deployment", "name", "cart", "namespace", "shop-dev", "message",
		"missing owner"));
	for (int i = 0; i < LOAD_REPORTS; i++) {
		char name[64], pod[32];
		snprintf(pod, sizeof(pod), "pod-%03d", i);
		snprintf(name, sizeof(name), "pod-%s-app", pod);
		add_obj(objs, vuln_report("load", name, "Pod", pod, "app", "load/app",
			json_pack("[o]", vuln("CVE-7", "curl", "MEDIUM"))));
	}
	return objs;
}

static int group_setup(void **state)
{
	(void)state;
	char err[256];
	return certs_generate(&certs, err, sizeof(err)) ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	certs_free(&certs);
	return 0;
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	test_tmp_template(f->dir, sizeof(f->dir), "test_findings_kube.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->log_path = xasprintf("%s/requests.log", f->dir);
	objstore_init(&f->srv.store, 10000);
	f->srv.certs = certs;
	char err[256];
	assert_int_equal(auth_init(&f->srv.auth, &f->srv.certs, err, sizeof(err)), 0);
	f->srv.log = fopen(f->log_path, "w");
	assert_non_null(f->srv.log);
	struct objstore_cluster *cl = objstore_add_cluster(&f->srv.store, "scanned", false);
	json_t *objs = cluster_objects();
	assert_int_equal(objstore_load_objects(&f->srv.store, cl, objs), 0);
	json_decref(objs);
	/* a cluster without any scanner */
	cl = objstore_add_cluster(&f->srv.store, "bare", false);
	objs = json_pack("[o]", ns_obj("shop-dev"));
	add_obj(objs, replicaset("shop-dev", "cart-1", "cart", NULL));
	objstore_load_objects(&f->srv.store, cl, objs);
	json_decref(objs);
	assert_int_equal(server_start(&f->srv, 0, err, sizeof(err)), 0);
	f->loop = loop_new();
	f->http = http_new(f->loop);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	http_free(f->http);
	loop_free(f->loop);
	server_stop(&f->srv);
	objstore_free(&f->srv.store);
	fclose(f->srv.log);
	unlink(f->log_path);
	rmdir(f->dir);
	free(f->log_path);
	free(f);
	return 0;
}

static struct kube_client *client_for(struct fixture *f, const char *server)
{
	struct kube_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.name = xstrdup("test");
	ctx.server = xstrdup(server);
	ctx.ca_data = certs.ca_pem;
	ctx.client_cert_data = certs.admin_cert_pem;
	ctx.client_key_data = certs.admin_key_pem;
	struct kube_client *kc = kube_client_new(f->loop, f->http, NULL, &ctx);
	free(ctx.server);
	free(ctx.name);
	return kc;
}

static struct kube_client *sandbox_client(struct fixture *f, const char *cluster)
{
	char *server = xasprintf("%s/clusters/%s", f->srv.base_url, cluster);
	struct kube_client *kc = client_for(f, server);
	free(server);
	return kc;
}

/* The sandbox's request log (each line: time user method uri status). */
static char *read_log(const struct fixture *f)
{
	FILE *fp = fopen(f->log_path, "r");
	assert_non_null(fp);
	char *buf = xcalloc(1, 1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

struct got {
	bool done;
	int calls;
	struct findings *set;
	char *err;
};

static void on_fetched(void *ud, struct findings *set, const char *err)
{
	struct got *g = ud;
	g->done = true;
	g->calls++;
	g->set = set;
	g->err = err ? xstrdup(err) : NULL;
}

static void got_free(struct got *g)
{
	if (g->set) {
		findings_free(g->set);
		free(g->set);
	}
	free(g->err);
}

static void test_fetch(void **state)
{
	struct fixture *f = *state;
	struct kube_client *kc = sandbox_client(f, "scanned");
	struct got g = {0};
	assert_non_null(findings_fetch_cluster(kc, "ctx-nonprod", on_fetched, &g));
	assert_false(g.done);   /* never inside the call */
	assert_int_equal(kube_run_until(f->loop, &g.done, 20000), 0);
	assert_int_equal(g.calls, 1);
	assert_null(g.err);
	struct findings *set = g.set;
	assert_non_null(set);
	/* cart in dev: ReplicaSet cart-5d9c7b6f4 -> Deployment cart by its ownerReferences.
	 * CVE-1 (critical, in both containers: once), CVE-2 high, CVE-9 low, KSV014 high
	 * (KSV011 passed), the aws key critical, the Gatekeeper deny high */
	struct finding_workload *w = find_w(set, "shop-dev", "Deployment", "cart");
	assert_non_null(w);
	assert_string_equal(w->cluster, "ctx-nonprod");
	assert_int_equal(w->n, 6);
	assert_counts(w, 2, 3, 0, 1, 0);
	assert_string_equal(w->image, "reg.example.com/shop/cart:1.0");   /* the main container's */
	/* platform labels of the ReplicaSet */
	assert_string_equal(w->service, "cart");
	assert_string_equal(w->environment, "dev");
	assert_string_equal(w->tenant, "shop");
	assert_non_null(find_f(w, "K8sRequiredLabels/owner-label", NULL));
	assert_non_null(find_f(w, "aws-access-key-id", "/app/.env"));
	assert_null(find_f(w, "CVE-OLD", NULL));
	/* cart in prd: CVE-1 and the policy fail (high); pass ignored; no labels */
	w = find_w(set, "shop-prd", "Deployment", "cart");
	assert_non_null(w);
	assert_counts(w, 1, 1, 0, 0, 0);
	assert_string_equal(w->service, "");
	/* a ReplicaSet without owner stays itself; a clean report still gives a row */
	w = find_w(set, "shop-dev", "ReplicaSet", "orphan-abc12");
	assert_non_null(w);
	assert_int_equal(w->n, 0);
	assert_counts(w, 0, 0, 0, 0, 0);
	w = find_w(set, "shop-dev", "Role", "deployer");
	assert_non_null(w);
	assert_counts(w, 0, 0, 1, 0, 0);
	w = find_w(set, "", "ClusterComplianceReport", "k8s-nsa");
	assert_non_null(w);
	assert_counts(w, 0, 0, 1, 0, 0);
	/* every page of the 260 pod reports was read (the page size is 250) */
	size_t pods = 0;
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->w[i].namespace, "load")) {
			pods++;
			assert_counts(&set->w[i], 0, 0, 1, 0, 0);
		}
	assert_int_equal(pods, LOAD_REPORTS);
	/* and the five above: cart in dev and prd, the orphan, the Role, k8s-nsa */
	assert_int_equal(set->n, LOAD_REPORTS + 5);
	/* the secret's match is not kept anywhere */
	for (size_t i = 0; i < set->n; i++)
		for (size_t k = 0; k < set->w[i].n; k++)
			assert_null(strstr(set->w[i].items[k].title ? set->w[i].items[k].title : "",
					   "AKIA"));
	/* what was asked: whole objects (no Table), ReplicaSets first, the vulnerability
	 * reports in two pages, the Gatekeeper constraint kind found by discovery */
	char *log = read_log(f);
	if (getenv("FK_DEBUG"))
		fputs(log, stderr);
	const char *rs = strstr(log, "/apis/apps/v1/replicasets?limit=250 ");
	const char *vr = strstr(log, "/apis/aquasecurity.github.io/v1alpha1/vulnerabilityreports?limit=250 ");
	assert_non_null(rs);
	assert_non_null(vr);
	assert_true(rs < vr);
	assert_non_null(strstr(vr, "/apis/aquasecurity.github.io/v1alpha1/vulnerabilityreports?limit=250&continue="));
	assert_non_null(strstr(log, "/apis/constraints.gatekeeper.sh/v1beta1/k8srequiredlabels?limit=250 "));
	assert_non_null(strstr(log, "/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports?limit=250 "));
	assert_null(strstr(log, "as=Table"));
	free(log);
	got_free(&g);
	kube_client_free(kc);
}

static void test_fetch_not_served(void **state)
{
	struct fixture *f = *state;
	struct kube_client *kc = sandbox_client(f, "bare");
	struct got g = {0};
	findings_fetch_cluster(kc, "bare", on_fetched, &g);
	assert_int_equal(kube_run_until(f->loop, &g.done, 20000), 0);
	/* no scanner CRDs: an empty set and no error */
	assert_null(g.err);
	assert_non_null(g.set);
	assert_int_equal(g.set->n, 0);
	got_free(&g);
	kube_client_free(kc);
}

static void test_fetch_unreachable(void **state)
{
	struct fixture *f = *state;
	struct kube_client *kc = client_for(f, "https://127.0.0.1:1");
	struct got g = {0};
	findings_fetch_cluster(kc, "gone", on_fetched, &g);
	assert_int_equal(kube_run_until(f->loop, &g.done, 20000), 0);
	assert_int_equal(g.calls, 1);
	assert_non_null(g.err);
	assert_non_null(g.set);
	assert_int_equal(g.set->n, 0);
	got_free(&g);
	kube_client_free(kc);
}

static void test_fetch_cancel(void **state)
{
	struct fixture *f = *state;
	struct kube_client *kc = sandbox_client(f, "scanned");
	struct got g = {0};
	struct findings_fetch *fetch = findings_fetch_cluster(kc, "c", on_fetched, &g);
	/* let it get going, then cancel mid-way */
	bool never = false;
	kube_run_until(f->loop, &never, 30);
	if (!g.done)
		findings_fetch_cancel(fetch);
	kube_run_until(f->loop, &never, 300);
	assert_true(g.calls <= 1);
	if (g.calls == 0)
		assert_null(g.set);
	got_free(&g);
	kube_client_free(kc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vuln_single),
		cmocka_unit_test(test_vuln_extended),
		cmocka_unit_test(test_exposed_secrets),
		cmocka_unit_test(test_compliance),
		cmocka_unit_test(test_all_reports_dict),
		cmocka_unit_test(test_config_audit_yaml),
		cmocka_unit_test(test_rbac_yaml),
		cmocka_unit_test(test_trivy_edges),
		cmocka_unit_test(test_policy_kubearmor),
		cmocka_unit_test(test_policy_falco),
		cmocka_unit_test(test_policy_results),
		cmocka_unit_test(test_gatekeeper),
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_demo_scenario),
		cmocka_unit_test_setup_teardown(test_fetch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch_not_served, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch_unreachable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch_cancel, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
