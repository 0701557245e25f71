/* Unit tests for views/findings_model (rows per workload and per group, counts, the
 * fixable-only filter, sorting worst first, a workload's findings, CSV quoting, JSON
 * keys), the board's severity marks (core/board), and the promotion gate on critical
 * findings (clients/promote: required for protected environments, platform.yaml
 * gates.no_critical, blocked plans). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "clients/promote.h"
#include "core/board.h"
#include "core/findings.h"
#include "core/platform.h"
#include "core/table_print.h"
#include "core/xalloc.h"
#include "views/findings_model.h"

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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
