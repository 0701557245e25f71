/* Tests for core/findings: severity words of every source, workload identity, the
 * dedup on source+id+package, counts, summary-only counts, sorting, totals with a
 * filter, and sanitised strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/findings.h"

static void test_severity_words(void **state)
{
	(void)state;
	/* Trivy */
	assert_int_equal(finding_severity_parse("CRITICAL"), FINDING_CRITICAL);
	assert_int_equal(finding_severity_parse("HIGH"), FINDING_HIGH);
	assert_int_equal(finding_severity_parse("MEDIUM"), FINDING_MEDIUM);
	assert_int_equal(finding_severity_parse("LOW"), FINDING_LOW);
	assert_int_equal(finding_severity_parse("UNKNOWN"), FINDING_UNKNOWN);
	/* policy reports: lower case, and result words */
	assert_int_equal(finding_severity_parse("high"), FINDING_HIGH);
	assert_int_equal(finding_severity_parse("medium"), FINDING_MEDIUM);
	assert_int_equal(finding_severity_parse("info"), FINDING_LOW);
	assert_int_equal(finding_severity_parse("error"), FINDING_HIGH);
	assert_int_equal(finding_severity_parse("warn"), FINDING_MEDIUM);
	/* SonarQube */
	assert_int_equal(finding_severity_parse("BLOCKER"), FINDING_CRITICAL);
	assert_int_equal(finding_severity_parse("MAJOR"), FINDING_MEDIUM);
	assert_int_equal(finding_severity_parse("MINOR"), FINDING_LOW);
	assert_int_equal(finding_severity_parse("INFO"), FINDING_LOW);
	/* DefectDojo, Harbor */
	assert_int_equal(finding_severity_parse("Critical"), FINDING_CRITICAL);
	assert_int_equal(finding_severity_parse("High"), FINDING_HIGH);
	assert_int_equal(finding_severity_parse("Info"), FINDING_LOW);
	assert_int_equal(finding_severity_parse("Negligible"), FINDING_LOW);
	assert_int_equal(finding_severity_parse("None"), FINDING_UNKNOWN);
	/* junk */
	assert_int_equal(finding_severity_parse(NULL), FINDING_UNKNOWN);
	assert_int_equal(finding_severity_parse(""), FINDING_UNKNOWN);
	assert_int_equal(finding_severity_parse("criticality"), FINDING_UNKNOWN);
	assert_int_equal(finding_severity_parse("CRIT"), FINDING_UNKNOWN);

	assert_string_equal(finding_severity_name(FINDING_CRITICAL), "CRITICAL");
	assert_string_equal(finding_severity_name(FINDING_LOW), "LOW");
	assert_string_equal(finding_severity_name(FINDING_UNKNOWN), "UNKNOWN");
	assert_string_equal(finding_severity_name((enum finding_severity)42), "UNKNOWN");
	/* severities order as the enum says */
	assert_true(FINDING_CRITICAL > FINDING_HIGH && FINDING_HIGH > FINDING_MEDIUM &&
		    FINDING_MEDIUM > FINDING_LOW && FINDING_LOW > FINDING_UNKNOWN);
}

static void test_source_names(void **state)
{
	(void)state;
	assert_string_equal(finding_source_name(FINDING_SRC_VULNERABILITY), "vulnerability");
	assert_string_equal(finding_source_name(FINDING_SRC_CONFIG_AUDIT), "config-audit");
	assert_string_equal(finding_source_name(FINDING_SRC_EXPOSED_SECRET), "exposed-secret");
	assert_string_equal(finding_source_name(FINDING_SRC_POLICY), "policy");
	assert_string_equal(finding_source_name(FINDING_SRC_GATEKEEPER), "gatekeeper");
	assert_string_equal(finding_source_name(FINDING_SRC_HARBOR), "harbor");
	assert_string_equal(finding_source_name(FINDING_SOURCE_COUNT), "unknown");
}

static struct finding vuln(const char *id, const char *pkg, enum finding_severity sev,
			   double score, const char *fixed)
{
	struct finding f = {
		.source = FINDING_SRC_VULNERABILITY, .severity = sev, .id = (char *)id,
		.package = (char *)pkg, .installed = (char *)"1.0", .fixed = (char *)fixed,
		.title = (char *)"t", .score = score,
	};
	return f;
}

static void test_workload_identity(void **state)
{
	(void)state;
	struct findings set = {0};
	struct finding_workload *a = findings_workload(&set, "prod", "shop-prd", "Deployment", "cart");
	assert_string_equal(a->service, "");
	assert_string_equal(a->environment, "");
	assert_string_equal(a->tenant, "");
	assert_null(a->image);
	assert_int_equal(a->n, 0);
	for (int s = 0; s < FINDING_SEVERITY_COUNT; s++)
		assert_int_equal(a->counts[s], 0);
	/* each part of the identity tells workloads apart */
	findings_workload(&set, "nonprod", "shop-prd", "Deployment", "cart");
	findings_workload(&set, "prod", "shop-pre", "Deployment", "cart");
	findings_workload(&set, "prod", "shop-prd", "StatefulSet", "cart");
	findings_workload(&set, "prod", "shop-prd", "Deployment", "carts");
	assert_int_equal(set.n, 5);
	struct finding_workload *again = findings_workload(&set, "prod", "shop-prd", "Deployment", "cart");
	assert_ptr_equal(again, &set.w[0]);
	assert_int_equal(set.n, 5);
	/* NULL parts are "" */
	struct finding_workload *c = findings_workload(&set, NULL, NULL, "ClusterComplianceReport", "cis");
	assert_string_equal(c->cluster, "");
	assert_string_equal(c->namespace, "");
	assert_ptr_equal(findings_workload(&set, "", "", "ClusterComplianceReport", "cis"), c);
	findings_free(&set);
	assert_int_equal(set.n, 0);
	assert_null(set.w);
}

static void test_dedup_and_counts(void **state)
{
	(void)state;
	struct findings set = {0};
	struct finding_workload *w = findings_workload(&set, "c", "ns", "Deployment", "api");
	struct finding f = vuln("CVE-1", "openssl", FINDING_CRITICAL, 9.8, "3.0.2");
	findings_add(w, &f);
	findings_add(w, &f);                 /* a second container with the same image */
	f.package = (char *)"libssl3";       /* same CVE, another package: another finding */
	findings_add(w, &f);
	f.source = FINDING_SRC_HARBOR;       /* same CVE and package from Harbor: kept apart */
	findings_add(w, &f);
	struct finding g = vuln("CVE-2", "zlib", FINDING_LOW, 3.0, NULL);
	findings_add(w, &g);
	struct finding h = {.source = FINDING_SRC_CONFIG_AUDIT, .severity = FINDING_HIGH,
			    .id = (char *)"KSV014"};   /* no package at all */
	findings_add(w, &h);
	findings_add(w, &h);
	assert_int_equal(w->n, 5);
	assert_int_equal(w->counts[FINDING_CRITICAL], 3);
	assert_int_equal(w->counts[FINDING_HIGH], 1);
	assert_int_equal(w->counts[FINDING_LOW], 1);
	assert_int_equal(w->counts[FINDING_MEDIUM], 0);
	/* strings were copied: the caller's are not kept */
	assert_ptr_not_equal(w->items[0].id, f.id);
	assert_string_equal(w->items[0].id, "CVE-1");
	assert_string_equal(w->items[0].fixed, "3.0.2");
	assert_true(finding_fixable(&w->items[0]));
	assert_null(w->items[3].fixed);
	assert_false(finding_fixable(&w->items[3]));
	assert_null(w->items[3].link);
	struct finding empty_fix = vuln("CVE-3", "bash", FINDING_LOW, 0, "");
	findings_add(w, &empty_fix);
	assert_false(finding_fixable(&w->items[5]));

	unsigned sum[FINDING_SEVERITY_COUNT] = {0};
	sum[FINDING_MEDIUM] = 7;
	sum[FINDING_UNKNOWN] = 1;
	findings_add_counts(w, sum);
	findings_add_counts(w, sum);
	assert_int_equal(w->counts[FINDING_MEDIUM], 14);
	assert_int_equal(w->counts[FINDING_UNKNOWN], 2);
	assert_int_equal(w->n, 6);           /* counts only: no items */
	findings_free(&set);
}

static void test_sanitised(void **state)
{
	(void)state;
	struct findings set = {0};
	struct finding_workload *w = findings_workload(&set, "c\x1b[2J", "ns", "Pod", "p\x07");
	assert_string_equal(w->cluster, "c^[[2J");
	assert_string_equal(w->name, "p^G");
	struct finding f = vuln("CVE-\x1b]52;c;aGk=\x07", "pkg", FINDING_HIGH, 1, "2");
	f.title = (char *)"evil\x1b[31m red\ntitle";
	findings_add(w, &f);
	assert_string_equal(w->items[0].id, "CVE-^[]52;c;aGk=^G");
	assert_string_equal(w->items[0].title, "evil^[[31m red^Jtitle");
	/* the dedup compares what is stored: the same bytes again are the same finding */
	findings_add(w, &f);
	assert_int_equal(w->n, 1);
	/* and the same identity with hostile bytes finds the same workload */
	assert_ptr_equal(findings_workload(&set, "c\x1b[2J", "ns", "Pod", "p\x07"), w);
	findings_free(&set);
}

static void test_sort(void **state)
{
	(void)state;
	struct findings set = {0};
	struct finding_workload *w = findings_workload(&set, "c", "ns", "Deployment", "api");
	struct finding list[] = {
		vuln("CVE-B", "p", FINDING_LOW, 3.0, NULL),
		vuln("CVE-A", "p", FINDING_HIGH, 7.5, NULL),
		vuln("CVE-C", "p", FINDING_CRITICAL, 9.0, NULL),
		vuln("CVE-Z", "p", FINDING_HIGH, 8.8, NULL),
		vuln("CVE-B", "q", FINDING_HIGH, 7.5, NULL),
		vuln("CVE-D", "p", FINDING_UNKNOWN, 0, NULL),
		vuln("CVE-E", "p", FINDING_CRITICAL, 9.8, NULL),
	};
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		findings_add(w, &list[i]);
	/* workloads: by service, environment, cluster, namespace, name */
	struct finding_workload *x;
	x = findings_workload(&set, "c", "ns", "Deployment", "zeta");
	free(x->service);
	x->service = strdup("a-svc");
	x = findings_workload(&set, "c", "ns2", "Deployment", "beta");
	free(x->service);
	x->service = strdup("a-svc");
	free(x->environment);
	x->environment = strdup("dev");
	findings_workload(&set, "b", "ns", "Deployment", "alpha");
	findings_sort(&set);
	/* critical first (higher score first), then high by score then id, then low, unknown */
	const char *ids[] = {"CVE-E", "CVE-C", "CVE-Z", "CVE-A", "CVE-B", "CVE-B", "CVE-D"};
	const char *pkgs[] = {"p", "p", "p", "p", "q", "p", "p"};
	/* the unserviced workloads ("" service) come first: b/alpha then c/api */
	assert_string_equal(set.w[0].name, "alpha");
	assert_string_equal(set.w[1].name, "api");
	assert_string_equal(set.w[2].name, "zeta");   /* a-svc, no environment */
	assert_string_equal(set.w[3].name, "beta");   /* a-svc, dev */
	w = &set.w[1];
	assert_int_equal(w->n, 7);
	for (size_t i = 0; i < 7; i++) {
		assert_string_equal(w->items[i].id, ids[i]);
		assert_string_equal(w->items[i].package, pkgs[i]);
	}
	/* counts are unchanged by sorting */
	assert_int_equal(w->counts[FINDING_CRITICAL], 2);
	assert_int_equal(w->counts[FINDING_HIGH], 3);
	findings_free(&set);
}

static bool only_service(const struct finding_workload *w, void *ud)
{
	return !strcmp(w->service, ud);
}

static void test_total(void **state)
{
	(void)state;
	struct findings set = {0};
	unsigned out[FINDING_SEVERITY_COUNT];
	findings_total(&set, NULL, NULL, out);
	for (int s = 0; s < FINDING_SEVERITY_COUNT; s++)
		assert_int_equal(out[s], 0);
	struct finding_workload *a = findings_workload(&set, "c", "t-dev", "Deployment", "cart");
	free(a->service);
	a->service = strdup("cart");
	struct finding f1 = vuln("CVE-1", "p", FINDING_CRITICAL, 9, NULL);
	struct finding f2 = vuln("CVE-2", "p", FINDING_HIGH, 7, NULL);
	findings_add(a, &f1);
	findings_add(a, &f2);
	/* pointers move when the array grows: look workloads up again after adding */
	struct finding_workload *b = findings_workload(&set, "c", "t-prd", "Deployment", "cart");
	a = &set.w[0];
	free(b->service);
	b->service = strdup("cart");
	findings_add(b, &f1);
	struct finding_workload *c = findings_workload(&set, "c", "t-prd", "Deployment", "db");
	unsigned extra[FINDING_SEVERITY_COUNT] = {[FINDING_LOW] = 4};
	findings_add_counts(c, extra);
	findings_total(&set, NULL, NULL, out);
	assert_int_equal(out[FINDING_CRITICAL], 2);
	assert_int_equal(out[FINDING_HIGH], 1);
	assert_int_equal(out[FINDING_LOW], 4);
	findings_total(&set, only_service, (void *)"cart", out);
	assert_int_equal(out[FINDING_CRITICAL], 2);
	assert_int_equal(out[FINDING_HIGH], 1);
	assert_int_equal(out[FINDING_LOW], 0);
	findings_total(&set, only_service, (void *)"", out);
	assert_int_equal(out[FINDING_CRITICAL], 0);
	assert_int_equal(out[FINDING_LOW], 4);
	findings_free(&set);
}

/* Many workloads and findings: the set grows and still finds each one. */
static void test_many(void **state)
{
	(void)state;
	struct findings set = {0};
	char name[32], id[32];
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "w%d", i);
		struct finding_workload *w = findings_workload(&set, "c", "ns", "Deployment", name);
		for (int k = 0; k < 40; k++) {
			snprintf(id, sizeof(id), "CVE-%d", k % 30);   /* 10 repeats */
			struct finding f = vuln(id, "p", (enum finding_severity)(k % 5), k, NULL);
			findings_add(w, &f);
		}
	}
	assert_int_equal(set.n, 300);
	for (int i = 0; i < 300; i += 37) {
		snprintf(name, sizeof(name), "w%d", i);
		struct finding_workload *w = findings_workload(&set, "c", "ns", "Deployment", name);
		assert_string_equal(w->name, name);
		assert_int_equal(w->n, 30);
	}
	unsigned out[FINDING_SEVERITY_COUNT];
	findings_total(&set, NULL, NULL, out);
	/* k in 0..29, severity k % 5: 6 of each per workload */
	for (int s = 0; s < FINDING_SEVERITY_COUNT; s++)
		assert_int_equal(out[s], 300 * 6);
	findings_free(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_severity_words),
		cmocka_unit_test(test_source_names),
		cmocka_unit_test(test_workload_identity),
		cmocka_unit_test(test_dedup_and_counts),
		cmocka_unit_test(test_sanitised),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_total),
		cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
