/* Unit tests for views/findings_model (rows per workload and per group, counts, the
 * fixable-only filter, sorting worst first, a workload's findings, CSV quoting, JSON
 * keys), the board's severity marks (core/board), and the promotion gate on critical
 * findings (clients/promote: required for protected environments, platform.yaml
 * gates.no_critical, blocked plans); the scanners' part: --source names, the source and
 * tenant filters over a merged set (SonarQube, Harbor with counted-only findings), the
 * drill-down's Source column, the Markdown report (exact text, table shape), and
 * findings_multi_fetch_all merging SonarQube and DefectDojo from a scripted server (a 404
 * project ignored, a failing scanner a note that counts no cluster, a cancel). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <signal.h>
#include <unistd.h>

#include "clients/kube.h"
#include "clients/promote.h"
#include "core/board.h"
#include "core/findings.h"
#include "core/platform.h"
#include "core/table_print.h"
#include "core/xalloc.h"
#include "tests/support/script_server.h"
#include "views/findings_fetch.h"
#include "views/findings_model.h"
#include "tests/support/tmpdir.h"

static void set_str(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

static struct finding_workload *workload(struct findings *set, const char *cluster,
					 const char *ns, const char *name, const char *service,
					 const char *env)
{
	struct finding_workload *w = findings_workload(set, cluster, ns, "Deployment", name);
	set_str(&w->service, service);
	set_str(&w->environment, env);
	return w;
}

static void add(struct finding_workload *w, const char *id, enum finding_severity sev,
		const char *fixed, double score)
{
	struct finding f = {.source = FINDING_SRC_VULNERABILITY, .severity = sev,
			    .id = (char *)id, .package = (char *)"pkg", .installed = (char *)"1.0",
			    .fixed = (char *)fixed, .title = (char *)"a title",
			    .link = (char *)"https://avd.aquasec.com/nvd/x", .score = score};
	findings_add(w, &f);
}

/* cart prd: 1 critical (fixed), 2 high (one fixed), 1 low; cart uat: 1 critical (no
 * fix); payments uat: 3 high (no fix); coredns: no service, 1 medium (fixed). */
static void fill(struct findings *set)
{
	memset(set, 0, sizeof(*set));
	struct finding_workload *w = workload(set, "prod", "shop-prd", "cart", "cart", "prd");
	add(w, "CVE-1", FINDING_CRITICAL, "2.0", 9.1);
	add(w, "CVE-2", FINDING_HIGH, "2.0", 7.5);
	add(w, "CVE-3", FINDING_HIGH, "", 8.8);
	add(w, "CVE-4", FINDING_LOW, NULL, 3.0);
	w = workload(set, "nonprod", "shop-uat", "cart", "cart", "uat");
	add(w, "CVE-5", FINDING_CRITICAL, "", 9.8);
	w = workload(set, "nonprod", "pay-uat", "payments", "payments", "uat");
	add(w, "CVE-6", FINDING_HIGH, NULL, 7.0);
	add(w, "CVE-7", FINDING_HIGH, NULL, 7.1);
	add(w, "CVE-8", FINDING_HIGH, NULL, 7.2);
	w = workload(set, "nonprod", "kube-system", "coredns", "", "");
	add(w, "CVE-9", FINDING_MEDIUM, "1.2", 5.0);
}

static void test_rows_sorted_worst_first(void **state)
{
	(void)state;
	struct findings set;
	fill(&set);
	struct findings_rows rows;
	findings_rows_build(&set, NULL, FINDINGS_GROUP_NONE, &rows);
	assert_int_equal(rows.n, 4);
	/* both carts have a critical; prd has more high */
	assert_string_equal(rows.v[0].w->environment, "prd");
	assert_int_equal(rows.v[0].counts[FINDING_CRITICAL], 1);
	assert_int_equal(rows.v[0].counts[FINDING_HIGH], 2);
	assert_int_equal(rows.v[0].counts[FINDING_LOW], 1);
	assert_string_equal(rows.v[1].w->namespace, "shop-uat");
	assert_string_equal(rows.v[2].w->name, "payments");
	assert_string_equal(rows.v[3].w->name, "coredns");
	findings_rows_free(&rows);
	findings_free(&set);
}

static void test_fixable_only(void **state)
{
	(void)state;
	struct findings set;
	fill(&set);
	struct findings_filter f = {.fixable = true};
	struct findings_rows rows;
	findings_rows_build(&set, &f, FINDINGS_GROUP_NONE, &rows);
	assert_int_equal(rows.n, 4);   /* workloads stay, their counts change */
	assert_string_equal(rows.v[0].w->environment, "prd");
	assert_int_equal(rows.v[0].counts[FINDING_CRITICAL], 1);
	assert_int_equal(rows.v[0].counts[FINDING_HIGH], 1);   /* CVE-3 has "" fixed */
	assert_int_equal(rows.v[0].counts[FINDING_LOW], 0);
	/* then coredns's fixable medium before the two with nothing fixable */
	assert_string_equal(rows.v[1].w->name, "coredns");
	assert_int_equal(rows.v[1].counts[FINDING_MEDIUM], 1);
	assert_int_equal(rows.v[2].counts[FINDING_CRITICAL], 0);
	assert_int_equal(rows.v[3].counts[FINDING_HIGH], 0);
	findings_rows_free(&rows);

	/* a workload's findings, fixable only, worst first */
	const struct finding_workload *cart = findings_workload_by_uid(
		&set, "prod/shop-prd/Deployment/cart");
	assert_non_null(cart);
	struct table *t = findings_items_table(cart, false);
	assert_int_equal(t->nrows, 4);
	assert_string_equal(t->rows[0].cells[0], "CVE-1");
	assert_string_equal(t->rows[1].cells[0], "CVE-3");   /* high, higher score first */
	assert_string_equal(t->rows[2].cells[0], "CVE-2");
	assert_string_equal(t->rows[3].cells[1], "LOW");
	table_free(t);
	t = findings_items_table(cart, true);
	assert_int_equal(t->nrows, 2);
	assert_string_equal(t->rows[1].cells[0], "CVE-2");
	assert_string_equal(t->rows[1].cells[4], "2.0");
	table_free(t);
	findings_free(&set);
}

static void test_filter_and_group(void **state)
{
	(void)state;
	struct findings set;
	fill(&set);
	struct findings_filter f = {.service = "cart"};
	struct findings_rows rows;
	findings_rows_build(&set, &f, FINDINGS_GROUP_NONE, &rows);
	assert_int_equal(rows.n, 2);
	findings_rows_free(&rows);
	f = (struct findings_filter){.env = "uat", .cluster = "nonprod"};
	findings_rows_build(&set, &f, FINDINGS_GROUP_NONE, &rows);
	assert_int_equal(rows.n, 2);
	assert_string_equal(rows.v[0].w->name, "cart");
	assert_string_equal(rows.v[1].w->name, "payments");
	findings_rows_free(&rows);

	findings_rows_build(&set, NULL, FINDINGS_GROUP_SERVICE, &rows);
	assert_int_equal(rows.n, 3);
	assert_string_equal(rows.v[0].key, "cart");
	assert_int_equal(rows.v[0].nworkloads, 2);
	assert_int_equal(rows.v[0].counts[FINDING_CRITICAL], 2);
	assert_string_equal(rows.v[1].key, "payments");
	assert_string_equal(rows.v[2].key, "");
	findings_rows_free(&rows);

	findings_rows_build(&set, NULL, FINDINGS_GROUP_CLUSTER, &rows);
	assert_int_equal(rows.n, 2);
	assert_string_equal(rows.v[0].key, "nonprod");   /* 1 critical, 3 high vs 1, 2 */
	assert_int_equal(rows.v[0].nworkloads, 3);
	struct table *t = findings_rows_table(&rows);
	assert_string_equal(t->cols[0].name, "Cluster");
	assert_string_equal(t->rows[0].cells[1], "3");
	assert_string_equal(t->rows[0].cells[2], "1");
	table_free(t);
	findings_rows_free(&rows);

	unsigned c[FINDING_SEVERITY_COUNT];
	findings_service_counts(&set, "cart", "uat", c);
	assert_int_equal(c[FINDING_CRITICAL], 1);
	findings_service_counts(&set, "cart", "sit", c);
	assert_int_equal(c[FINDING_CRITICAL], 0);
	findings_free(&set);
}

static char *print_to_string(void (*fn)(FILE *, const struct table *), const struct table *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fn(f, t);
	fclose(f);
	return buf;
}

static void print_json(FILE *f, const struct table *t)
{
	struct table_print_opts o = {.wide = true};
	table_print_json(f, t, &o);
}

static void test_table_json_and_csv(void **state)
{
	(void)state;
	struct findings set;
	fill(&set);
	struct findings_rows rows;
	findings_rows_build(&set, NULL, FINDINGS_GROUP_NONE, &rows);
	struct table *t = findings_rows_table(&rows);
	assert_int_equal(t->ncols, 10);
	assert_string_equal(t->rows[3].cells[0], "");   /* no service: the row is there */
	assert_string_equal(t->rows[3].cells[4], "Deployment/coredns");

	/* the screen's order: the counts right after service and environment, the same
	 * cells moved, the same identity */
	struct table *sc = findings_rows_table_screen(&rows);
	static const char *const screen_cols[] = {"Service", "Environment", "Critical", "High",
		"Medium", "Low", "Unknown", "Cluster", "Namespace", "Workload"};
	assert_int_equal(sc->ncols, 10);
	for (size_t c = 0; c < 10; c++)
		assert_string_equal(sc->cols[c].name, screen_cols[c]);
	static const size_t from[] = {0, 1, 5, 6, 7, 8, 9, 2, 3, 4};
	for (size_t i = 0; i < t->nrows; i++) {
		for (size_t c = 0; c < 10; c++)
			assert_string_equal(sc->rows[i].cells[c], t->rows[i].cells[from[c]]);
		assert_string_equal(sc->rows[i].uid, t->rows[i].uid);
	}
	table_free(sc);

	char *js = print_to_string(print_json, t);
	json_error_t je;
	json_t *arr = json_loads(js, 0, &je);
	assert_non_null(arr);
	assert_int_equal(json_array_size(arr), 4);
	json_t *first = json_array_get(arr, 0);
	assert_string_equal(json_string_value(json_object_get(first, "service")), "cart");
	assert_string_equal(json_string_value(json_object_get(first, "environment")), "prd");
	assert_string_equal(json_string_value(json_object_get(first, "workload")),
			    "Deployment/cart");
	assert_int_equal(json_integer_value(json_object_get(first, "critical")), 1);
	assert_int_equal(json_integer_value(json_object_get(first, "high")), 2);
	json_decref(arr);
	free(js);

	char *csv = print_to_string(findings_print_csv, t);
	assert_true(!strncmp(csv, "SERVICE,ENVIRONMENT,CLUSTER,NAMESPACE,WORKLOAD,CRITICAL,HIGH,"
			     "MEDIUM,LOW,UNKNOWN\r\ncart,prd,prod,shop-prd,Deployment/cart,1,2,0,1,0\r\n",
			     strlen("SERVICE,")));
	assert_non_null(strstr(csv, "\r\ncart,prd,prod,shop-prd,Deployment/cart,1,2,0,1,0\r\n"));
	assert_non_null(strstr(csv, "\r\n,,nonprod,kube-system,Deployment/coredns,0,0,1,0,0\r\n"));
	free(csv);
	table_free(t);
	findings_rows_free(&rows);
	findings_free(&set);
}

static void test_csv_quoting(void **state)
{
	(void)state;
	struct table *t = table_new();
	table_add_column(t, "Name", "string", "", 0);
	table_add_column(t, "Note", "string", "", 0);
	struct table_row *r = table_add_row(t);
	table_set_cell(r, 0, "a,b");
	table_set_cell(r, 1, "say \"hi\"");
	r = table_add_row(t);
	table_set_cell(r, 0, "two\nlines");
	table_set_cell(r, 1, "plain");
	char *csv = print_to_string(findings_print_csv, t);
	assert_string_equal(csv, "NAME,NOTE\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n"
				 "\"two\nlines\",plain\r\n");
	free(csv);
	table_free(t);
}

static void test_item_text(void **state)
{
	(void)state;
	struct findings set;
	fill(&set);
	const struct finding_workload *w = &set.w[0];
	char *text = findings_item_text(w, &w->items[0]);
	assert_non_null(strstr(text, "ID:         CVE-1\n"));
	assert_non_null(strstr(text, "Severity:   CRITICAL (score 9.1)"));
	assert_non_null(strstr(text, "Link:       https://avd.aquasec.com/nvd/x\n"));
	assert_non_null(strstr(text, "Workload:   Deployment/cart\n"));
	free(text);
	findings_free(&set);
}

/* ---- the board's marks ------------------------------------------------------------ */

static void add_app(struct table *t, const char *name, const char *env, const char *tag)
{
	struct table_row *r = table_add_row(t);
	char *images = xasprintf("reg/shop/cart:%s", tag);
	const char *cells[] = {name, "shop", "prod", env, "Synced", "Healthy", "", "abc", images,
			       "2d"};
	for (size_t i = 0; i < 10; i++)
		table_set_cell(r, i, cells[i]);
	table_set_identity(r, "argocd", name, name);
	free(images);
}

static void test_board_marks(void **state)
{
	(void)state;
	struct table *t = table_new();
	const char *cols[] = {"Name", "Project", "Cluster", "Environment", "Sync", "Health",
			      "Operation", "Revision", "Images", "Deployed"};
	for (size_t i = 0; i < 10; i++)
		table_add_column(t, cols[i], "string", "", 0);
	add_app(t, "cart-uat", "uat", "1.1");
	add_app(t, "cart-prd", "prd", "1.0");
	add_app(t, "cart-dev", "dev", "1.2");
	const char *order[] = {"dev", "uat", "prd"};
	struct board *b = board_build(t, order, 3);
	table_free(t);

	/* fill's cart: a critical in uat and in prd, nothing in dev */
	struct findings set;
	fill(&set);
	unsigned c[FINDING_SEVERITY_COUNT];
	for (size_t e = 0; e < b->nenvs; e++) {
		findings_service_counts(&set, "cart", b->envs[e], c);
		board_set_findings(b, "cart", b->envs[e], c[FINDING_CRITICAL], c[FINDING_HIGH]);
	}
	board_set_findings(b, "nope", "uat", 1, 1);   /* no such row: nothing happens */
	const struct board_row *row = board_find(b, "cart");
	assert_int_equal(row->cells[1].critical, 1);
	assert_int_equal(row->cells[2].critical, 1);
	assert_int_equal(row->cells[0].critical + row->cells[0].high, 0);

	struct board_marks m = {"+", "~", "*", "x", "!"};
	struct table *bt = board_table_findings(b, &m, "^^", "^");
	assert_string_equal(bt->rows[0].cells[2], "1.2 + 2d");
	assert_string_equal(bt->rows[0].cells[3], "1.1 + 2d ^^");
	table_free(bt);
	/* high only: one mark */
	board_set_findings(b, "cart", "prd", 0, 3);
	bt = board_table_findings(b, &m, "^^", "^");
	assert_string_equal(bt->rows[0].cells[4], "1.0 + 2d ^");
	table_free(bt);
	/* board_table itself never marks */
	bt = board_table(b, &m);
	assert_string_equal(bt->rows[0].cells[3], "1.1 + 2d");
	table_free(bt);
	board_free(b);
	findings_free(&set);
}

/* ---- the promotion gate ----------------------------------------------------------- */

static const char gate_model[] =
	"environments:\n"
	"  - {name: dev}\n"
	"  - {name: sit, gates: {no_critical: true}}\n"
	"  - {name: uat, protection: confirm}\n"
	"  - {name: pre, protection: typed, gates: {no_critical: false}}\n"
	"  - {name: prd, protection: typed}\n";

static struct platform *gate_platform(void)
{
	struct platform *p = NULL;
	char err[256];
	assert_int_equal(platform_parse("test", gate_model, strlen(gate_model), &p, err,
					sizeof err), 0);
	return p;
}

static void plan_init(struct promote_plan *pl, const char *from, const char *to)
{
	memset(pl, 0, sizeof(*pl));
	pl->service = xstrdup("catalog");
	pl->from_env = xstrdup(from);
	pl->to_env = xstrdup(to);
	pl->tag = xstrdup("2.6.4");
	for (int i = 0; i < PROMOTE_GATE_COUNT; i++)
		pl->gates[i].ok = true;
	pl->gates[PROMOTE_GATE_NO_CRITICAL].detail = xstrdup("findings not checked");
}

static void test_gate_required(void **state)
{
	(void)state;
	struct platform *p = gate_platform();
	assert_false(promote_gate_no_critical_required(platform_env_find(p, "dev")));
	assert_true(promote_gate_no_critical_required(platform_env_find(p, "sit")));
	assert_true(promote_gate_no_critical_required(platform_env_find(p, "uat")));
	assert_false(promote_gate_no_critical_required(platform_env_find(p, "pre")));
	assert_true(promote_gate_no_critical_required(platform_env_find(p, "prd")));
	platform_free(p);

	const char bad[] = "environments:\n  - {name: dev, gates: {no_highs: true}}\n";
	char err[256] = "";
	assert_int_equal(platform_parse("bad", bad, strlen(bad), &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "gates.no_highs"));
}

static void test_gate_blocks_critical(void **state)
{
	(void)state;
	struct platform *p = gate_platform();
	struct promote_plan pl;
	plan_init(&pl, "uat", "prd");
	promote_plan_gate_findings(&pl, p, 1, NULL);
	assert_true(pl.blocked);
	assert_false(pl.gates[PROMOTE_GATE_NO_CRITICAL].ok);
	assert_non_null(strstr(pl.gates[PROMOTE_GATE_NO_CRITICAL].detail,
			       "catalog 2.6.4 in uat has 1 critical finding"));
	char sha[41], err[256];
	assert_int_equal(promote_apply(&pl, NULL, NULL, sha, err, sizeof err), -1);
	assert_non_null(strstr(err, "no critical finding in the version"));
	/* findings unread: a required gate stays closed */
	promote_plan_gate_findings(&pl, p, -1, "prod: connection refused");
	assert_true(pl.blocked);
	assert_non_null(strstr(pl.gates[PROMOTE_GATE_NO_CRITICAL].detail, "connection refused"));
	/* none: open again */
	promote_plan_gate_findings(&pl, p, 0, NULL);
	assert_false(pl.blocked);
	assert_true(pl.gates[PROMOTE_GATE_NO_CRITICAL].ok);
	promote_plan_clear(&pl);

	/* into an environment that turned the gate off: noted, not blocked */
	plan_init(&pl, "uat", "pre");
	promote_plan_gate_findings(&pl, p, 2, NULL);
	assert_false(pl.blocked);
	assert_non_null(strstr(pl.gates[PROMOTE_GATE_NO_CRITICAL].detail, "2 critical findings"));
	/* another gate failing keeps the plan blocked whatever the findings say */
	pl.gates[PROMOTE_GATE_ORDER].ok = false;
	promote_plan_gate_findings(&pl, p, 0, NULL);
	assert_true(pl.blocked);
	promote_plan_clear(&pl);
	platform_free(p);
}

/* ---- scanners: sources, tenants, Markdown -------------------------------------------- */

static void add_from(struct finding_workload *w, enum finding_source src, const char *id,
		     enum finding_severity sev, const char *fixed)
{
	struct finding f = {.source = src, .severity = sev, .id = (char *)id,
			    .package = (char *)"pkg", .fixed = (char *)fixed};
	findings_add(w, &f);
}

/* fill() plus: a policy finding on cart prd; checkout-web's SonarQube project (2 high,
 * tenant shop, no environment); catalog's image in Harbor on shop-stg (1 critical listed,
 * 2 more low only counted); tenant shop on the cart workloads. */
static void fill_scanners(struct findings *set)
{
	fill(set);
	struct finding_workload *w = &set->w[0];
	add_from(w, FINDING_SRC_POLICY, "require-labels", FINDING_MEDIUM, NULL);
	set_str(&set->w[0].tenant, "shop");
	set_str(&set->w[1].tenant, "shop");
	w = findings_workload(set, "", "", "SonarProject", "checkout-web");
	set_str(&w->service, "checkout-web");
	set_str(&w->tenant, "shop");
	add_from(w, FINDING_SRC_SONARQUBE, "quality-gate/new_coverage", FINDING_HIGH, NULL);
	add_from(w, FINDING_SRC_SONARQUBE, "java:S2077", FINDING_HIGH, NULL);
	w = findings_workload(set, "nonprod", "shop-stg", "Image", "catalog:2.6.4");
	set_str(&w->service, "catalog");
	set_str(&w->environment, "stg");
	set_str(&w->tenant, "shop");
	add_from(w, FINDING_SRC_HARBOR, "CVE-2024-45337", FINDING_CRITICAL, "0.31.0");
	unsigned more[FINDING_SEVERITY_COUNT] = {[FINDING_LOW] = 2};
	findings_add_counts(w, more);
}

static const struct findings_row *row_of(const struct findings_rows *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].w && !strcmp(r->v[i].w->name, name))
			return &r->v[i];
	return NULL;
}

static void test_scanners_parse(void **state)
{
	(void)state;
	unsigned mask = 0;
	assert_int_equal(findings_scanners_parse("trivy,harbor", &mask), 0);
	assert_int_equal(mask, (1u << FINDINGS_SCANNER_TRIVY) | (1u << FINDINGS_SCANNER_HARBOR));
	assert_int_equal(findings_scanners_parse("sonarqube", &mask), 0);   /* repeated: added */
	char *text = findings_scanners_text(mask);
	assert_string_equal(text, "trivy,sonarqube,harbor");
	free(text);
	unsigned before = mask;
	assert_int_equal(findings_scanners_parse("policy,bogus", &mask), -1);
	assert_int_equal(findings_scanners_parse("", &mask), -1);
	assert_int_equal(findings_scanners_parse("trivy,", &mask), -1);
	assert_int_equal(mask, before);
	text = findings_scanners_text(0);
	assert_string_equal(text, "all");
	free(text);
	assert_int_equal(findings_scanner_of(FINDING_SRC_RBAC), FINDINGS_SCANNER_TRIVY);
	assert_int_equal(findings_scanner_of(FINDING_SRC_GATEKEEPER), FINDINGS_SCANNER_POLICY);
	assert_int_equal(findings_scanner_of(FINDING_SRC_DEFECTDOJO), FINDINGS_SCANNER_DEFECTDOJO);
}

static void test_source_filter(void **state)
{
	(void)state;
	struct findings set;
	fill_scanners(&set);
	struct findings_rows rows;
	/* every scanner: the merged set, Harbor's counted-only lows included */
	findings_rows_build(&set, NULL, FINDINGS_GROUP_NONE, &rows);
	assert_int_equal(rows.n, 6);
	const struct findings_row *r = row_of(&rows, "catalog:2.6.4");
	assert_non_null(r);
	assert_int_equal(r->counts[FINDING_CRITICAL], 1);
	assert_int_equal(r->counts[FINDING_LOW], 2);
	findings_rows_free(&rows);

	struct findings_filter f = {.scanners = 1u << FINDINGS_SCANNER_SONARQUBE};
	findings_rows_build(&set, &f, FINDINGS_GROUP_NONE, &rows);
	assert_int_equal(rows.n, 1);
	assert_string_equal(rows.v[0].w->kind, "SonarProject");
	assert_int_equal(rows.v[0].counts[FINDING_HIGH], 2);
	findings_rows_free(&rows);

	/* trivy: cart prd without its policy finding; no SonarQube or Harbor rows */
	f.scanners = 1u << FINDINGS_SCANNER_TRIVY;
	findings_rows_build(&set, &f, FINDINGS_GROUP_NONE, &rows);
	assert_int_equal(rows.n, 4);
	assert_null(row_of(&rows, "checkout-web"));
	assert_null(row_of(&rows, "catalog:2.6.4"));
	r = &rows.v[0];
	assert_string_equal(r->w->namespace, "shop-prd");
	assert_int_equal(r->counts[FINDING_MEDIUM], 0);
	assert_int_equal(r->counts[FINDING_HIGH], 2);
	findings_rows_free(&rows);

	/* policy: only cart prd, its one medium */
	f.scanners = 1u << FINDINGS_SCANNER_POLICY;
	findings_rows_build(&set, &f, FINDINGS_GROUP_SERVICE, &rows);
	assert_int_equal(rows.n, 1);
	assert_string_equal(rows.v[0].key, "cart");
	assert_int_equal(rows.v[0].counts[FINDING_MEDIUM], 1);
	assert_int_equal(rows.v[0].counts[FINDING_CRITICAL], 0);
	findings_rows_free(&rows);

	/* harbor with fixable: the listed critical only (counted lows have no versions) */
	f = (struct findings_filter){.scanners = 1u << FINDINGS_SCANNER_HARBOR, .fixable = true};
	findings_rows_build(&set, &f, FINDINGS_GROUP_NONE, &rows);
	assert_int_equal(rows.n, 1);
	assert_int_equal(rows.v[0].counts[FINDING_CRITICAL], 1);
	assert_int_equal(rows.v[0].counts[FINDING_LOW], 0);
	findings_rows_free(&rows);

	/* the drill-down: each finding's source, filtered by the scanner */
	const struct finding_workload *cart = &set.w[0];
	struct table *t = findings_items_table(cart, false);
	assert_int_equal(t->nrows, 5);
	bool policy_seen = false;
	for (size_t i = 0; i < t->nrows; i++)
		policy_seen |= !strcmp(t->rows[i].cells[5], "policy");
	assert_true(policy_seen);
	table_free(t);
	f = (struct findings_filter){.scanners = 1u << FINDINGS_SCANNER_POLICY};
	t = findings_items_table_filtered(cart, &f);
	assert_int_equal(t->nrows, 1);
	assert_string_equal(t->rows[0].cells[0], "require-labels");
	assert_string_equal(t->rows[0].cells[5], "policy");
	table_free(t);
	findings_free(&set);
}

static void test_tenant_filter(void **state)
{
	(void)state;
	struct findings set;
	fill_scanners(&set);
	struct findings_filter f = {.tenant = "shop"};
	struct findings_rows rows;
	findings_rows_build(&set, &f, FINDINGS_GROUP_SERVICE, &rows);
	/* cart (two workloads), checkout-web, catalog; not payments nor coredns */
	assert_int_equal(rows.n, 3);
	assert_string_equal(rows.v[0].key, "cart");
	assert_int_equal(rows.v[0].nworkloads, 2);
	assert_string_equal(rows.v[1].key, "catalog");
	assert_string_equal(rows.v[2].key, "checkout-web");
	findings_rows_free(&rows);
	f.tenant = "nobody";
	findings_rows_build(&set, &f, FINDINGS_GROUP_NONE, &rows);
	assert_int_equal(rows.n, 0);
	findings_rows_free(&rows);
	findings_free(&set);
}

static const char *md_title_now;

static void print_md(FILE *f, const struct table *t)
{
	findings_print_md(f, t, md_title_now);
}

/* Rows of a pipe table all have the header's number of cells, the second is the
 * alignment row: what a Markdown renderer needs to draw a table. */
static const char md_check_py[] =
	"import sys\n"
	"lines = sys.stdin.read().split('\\n')\n"
	"assert lines[0].startswith('## ') and lines[1] == ''\n"
	"rows = [l for l in lines[2:] if l]\n"
	"cells = lambda l: l.replace('\\\\|', '').strip('|').split('|')\n"
	"n = len(cells(rows[0]))\n"
	"assert all(c.strip() in ('---', '---:') for c in cells(rows[1]))\n"
	"assert all(len(cells(r)) == n for r in rows), [len(cells(r)) for r in rows]\n"
	"assert rows[-1].startswith('| **Total** |')\n";

static void test_markdown(void **state)
{
	(void)state;
	struct findings set;
	fill_scanners(&set);
	struct findings_filter f = {.tenant = "shop"};
	struct findings_rows rows;
	findings_rows_build(&set, &f, FINDINGS_GROUP_SERVICE, &rows);
	struct table *t = findings_rows_table(&rows);
	md_title_now = "Security findings: tenant shop, by service (2026-11-23)";
	char *md = print_to_string(print_md, t);
	assert_string_equal(md,
		"## Security findings: tenant shop, by service (2026-11-23)\n\n"
		"| Service | Workloads | Critical | High | Medium | Low | Unknown |\n"
		"|---|---:|---:|---:|---:|---:|---:|\n"
		"| cart | 2 | 2 | 2 | 1 | 1 | 0 |\n"
		"| catalog | 1 | 1 | 0 | 0 | 2 | 0 |\n"
		"| checkout-web | 1 | 0 | 2 | 0 | 0 | 0 |\n"
		"| **Total** | 4 | 3 | 4 | 1 | 3 | 0 |\n");
	FILE *py = popen("python3 -c \"$MD_CHECK\"", "w");
	assert_non_null(py);
	fputs(md, py);
	assert_int_equal(pclose(py), 0);
	free(md);
	table_free(t);
	findings_rows_free(&rows);

	/* a '|' in a cell is escaped; no rows: no table */
	t = table_new();
	table_add_column(t, "Name", "string", "", 0);
	table_add_column(t, "Critical", "integer", "", 0);
	md_title_now = "T";
	md = print_to_string(print_md, t);
	assert_string_equal(md, "## T\n\nNo findings.\n");
	free(md);
	struct table_row *r = table_add_row(t);
	table_set_cell(r, 0, "a|b");
	table_set_cell(r, 1, "3");
	md = print_to_string(print_md, t);
	assert_string_equal(md, "## T\n\n| Name | Critical |\n|---|---:|\n| a\\|b | 3 |\n"
				"| **Total** | 3 |\n");
	py = popen("python3 -c \"$MD_CHECK\"", "w");
	fputs(md, py);
	assert_int_equal(pclose(py), 0);
	free(md);
	table_free(t);
	findings_free(&set);
}

/* ---- the scanners merged by findings_multi_fetch_all ----------------------------------- */

struct scanner_script {
	bool dojo_fails;
	int requests;
};

/* SonarQube at /sq (checkout-web fails its gate, has one issue; cart has no project: 404)
 * and DefectDojo at /dd (one active finding of product cart, or HTTP 500). */
static bool serve_scanners(struct script_server *s, int fd, const struct script_request *req,
			   void *ud)
{
	struct scanner_script *sc = ud;
	script_server_logf(s, "%s %s\n", req->auth, req->path);
	sc->requests++;
	if (!strncmp(req->path, "/sq/api/qualitygates/project_status?projectKey=checkout-web", 59))
		script_reply(fd, 200, "application/json", NULL,
			     "{\"projectStatus\":{\"status\":\"ERROR\",\"conditions\":[{\"status\":"
			     "\"ERROR\",\"metricKey\":\"new_coverage\",\"comparator\":\"LT\","
			     "\"errorThreshold\":\"80\",\"actualValue\":\"61.3\"}]}}");
	else if (!strncmp(req->path, "/sq/api/issues/search?componentKeys=checkout-web&", 48))
		script_reply(fd, 200, "application/json", NULL,
			     "{\"paging\":{\"pageIndex\":1,\"pageSize\":500,\"total\":1},\"issues\":["
			     "{\"key\":\"i1\",\"rule\":\"java:S2068\",\"severity\":\"BLOCKER\","
			     "\"component\":\"checkout-web:src/Config.java\",\"line\":42,"
			     "\"message\":\"password\"}]}");
	else if (!strncmp(req->path, "/dd/api/v2/findings/?active=true", 32) && sc->dojo_fails)
		script_reply(fd, 500, "application/json", NULL, "{\"detail\":\"boom\"}");
	else if (!strncmp(req->path, "/dd/api/v2/findings/?active=true", 32))
		script_reply(fd, 200, "application/json", NULL,
			     "{\"count\":1,\"next\":null,\"results\":[{\"id\":7,\"title\":\"t\","
			     "\"severity\":\"Critical\",\"active\":true,\"cve\":\"CVE-2024-1\","
			     "\"related_fields\":{\"test\":{\"engagement\":{\"product\":"
			     "{\"name\":\"cart\"}}}}}]}");
	else
		script_reply(fd, 404, "application/json", NULL,
			     "{\"errors\":[{\"msg\":\"Component key not found\"}]}");
	return false;
}

struct merged {
	bool done;
	struct findings *set;
	char *err;
	size_t failed;
};

static void on_merged(void *ud, struct findings *set, const char *err, size_t failed)
{
	struct merged *m = ud;
	m->done = true;
	m->set = set;
	m->err = err ? xstrdup(err) : NULL;
	m->failed = failed;
}

/* Writes DIR/platform.yaml with the scanners at url; returns its path (caller frees). */
static char *write_platform(const char *dir, const char *url, char **text)
{
	char *path = xasprintf("%s/platform.yaml", dir), *tok = xasprintf("%s/tok", dir);
	FILE *f = fopen(tok, "w");
	assert_non_null(f);
	fputs("s3cret\n", f);
	fclose(f);
	*text = xasprintf("tenants:\n  - {name: shop, namespaces: [shop-dev]}\n"
			  "environments:\n  - {name: dev}\n"
			  "services:\n  - {name: cart, tenant: shop}\n"
			  "  - {name: checkout-web, tenant: shop}\n"
			  "scanners:\n  sonarqube:\n    url: %s/sq\n    token: {file: %s}\n"
			  "  defectdojo:\n    url: %s/dd\n    token: {file: %s}\n", url, tok, url, tok);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(*text, f);
	fclose(f);
	free(tok);
	return path;
}

static void merge_once(const char *path, const struct platform *p, struct merged *out)
{
	struct loop *loop = loop_new();
	struct http *http = http_new(loop);
	struct findings_scanners sc = {http, path};
	memset(out, 0, sizeof(*out));
	struct findings_multi *m = findings_multi_fetch_all(NULL, 0, p, &sc, on_merged, out);
	assert_non_null(m);   /* the scanners answer later, from the loop */
	assert_false(out->done);
	assert_int_equal(kube_run_until(loop, &out->done, 20000), 0);
	http_free(http);
	loop_free(loop);
}

static void merged_free(struct merged *m)
{
	findings_free(m->set);
	free(m->set);
	free(m->err);
}

static void test_scanners_merged(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	struct scanner_script script = {0};
	struct script_server *srv = script_server_start(serve_scanners, &script);
	char dir[256];
	test_tmp_template(dir, sizeof(dir), "opsdeck-findings-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char *url = script_server_url(srv, ""), *text = NULL;
	char *path = write_platform(dir, url, &text);
	struct platform *p = NULL;
	char err[256];
	if (platform_parse("platform.yaml", text, strlen(text), &p, err, sizeof err))
		fail_msg("%s", err);

	struct merged m;
	merge_once(path, p, &m);
	assert_null(m.err);   /* cart's SonarQube 404 is no failure */
	assert_int_equal(m.failed, 0);
	assert_non_null(m.set);
	assert_int_equal(m.set->n, 2);
	const struct finding_workload *sq = findings_workload_by_uid(m.set,
								      "//SonarProject/checkout-web");
	assert_non_null(sq);
	assert_string_equal(sq->service, "checkout-web");
	assert_string_equal(sq->tenant, "shop");      /* from the model */
	assert_string_equal(sq->environment, "");
	assert_int_equal(sq->counts[FINDING_HIGH], 1); /* the failing condition */
	assert_int_equal(sq->counts[FINDING_CRITICAL], 1);
	const struct finding_workload *dd = findings_workload_by_uid(m.set,
								      "//DefectDojoProduct/cart");
	assert_non_null(dd);
	assert_string_equal(dd->service, "cart");
	assert_string_equal(dd->tenant, "shop");
	assert_int_equal(dd->items[0].source, FINDING_SRC_DEFECTDOJO);
	/* sorted: cart before checkout-web */
	assert_ptr_equal(&m.set->w[0], dd);
	char *log = script_server_log(srv);
	assert_non_null(strstr(log, "projectKey=cart"));
	assert_non_null(strstr(log, "Token s3cret /dd/api/v2/findings/"));
	free(log);
	merged_free(&m);

	/* DefectDojo fails: a note, SonarQube's findings still there, no cluster failed */
	script_server_lock(srv);
	script.dojo_fails = true;
	script_server_unlock(srv);
	merge_once(path, p, &m);
	assert_non_null(m.err);
	assert_non_null(strstr(m.err, "defectdojo: "));
	assert_non_null(strstr(m.err, "500"));
	assert_null(strstr(m.err, "sonarqube"));
	assert_int_equal(m.failed, 0);
	assert_int_equal(m.set->n, 1);
	assert_string_equal(m.set->w[0].kind, "SonarProject");
	merged_free(&m);

	/* a cancel while the calls are in flight: no callback, nothing leaks */
	struct loop *loop = loop_new();
	struct http *http = http_new(loop);
	struct findings_scanners sc = {http, path};
	memset(&m, 0, sizeof m);
	findings_multi_cancel(findings_multi_fetch_all(NULL, 0, p, &sc, on_merged, &m));
	loop_run_once(loop, 50);
	assert_false(m.done);
	http_free(http);
	loop_free(loop);

	platform_free(p);
	script_server_stop(srv);
	unlink(path);
	char *tok = xasprintf("%s/tok", dir);
	unlink(tok);
	free(tok);
	rmdir(dir);
	free(path);
	free(text);
	free(url);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_sorted_worst_first),
		cmocka_unit_test(test_fixable_only),
		cmocka_unit_test(test_filter_and_group),
		cmocka_unit_test(test_table_json_and_csv),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_item_text),
		cmocka_unit_test(test_board_marks),
		cmocka_unit_test(test_gate_required),
		cmocka_unit_test(test_gate_blocks_critical),
		cmocka_unit_test(test_scanners_parse),
		cmocka_unit_test(test_source_filter),
		cmocka_unit_test(test_tenant_filter),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_scanners_merged),
	};
	setenv("MD_CHECK", md_check_py, 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
