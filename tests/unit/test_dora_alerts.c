/* Unit tests for clients/dora_alerts: a hand-written ALERTS matrix (gaps, an alert still
 * firing at the end, two series of one service, unmapped labels) turned into incidents,
 * chunks merged, timeline duplicates left out, and the incidents added to DORA's data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "clients/dora_alerts.h"
#include "core/platform.h"

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
	"services:\n"
	"  - {name: catalog, tenant: storefront}\n"
	"  - {name: ledger, tenant: payments}\n";

#define T0 1700000000LL   /* the window's first evaluation, seconds */
#define STEP DORA_ALERTS_STEP_MS
#define LAST_MS ((T0 + 20 * 60) * 1000)

#define HER_LABELS                                                                    \
	"\"__name__\":\"ALERTS\",\"alertname\":\"HighErrorRate\",\"alertstate\":\"firing\"," \
	"\"environment\":\"pre\",\"service\":\"catalog\",\"severity\":\"critical\""
#define HER_FP "alertname=HighErrorRate,environment=pre,service=catalog,severity=critical"

/* One series' JSON: labels and points at these minutes after T0 (-1 ends). */
static void series_json(char *buf, size_t len, const char *labels, const int *minutes)
{
	size_t n = (size_t)snprintf(buf, len, "{\"metric\":{%s},\"values\":[", labels);
	for (int i = 0; minutes[i] >= 0; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s[%lld,\"1\"]", i ? "," : "",
				      T0 + minutes[i] * 60LL);
	snprintf(buf + n, len - n, "]}");
}

/* A matrix body of up to four series, parsed as the client parses it. */
static void matrix(struct prom_result *out, const char *const *labels,
		   const int *const *minutes, size_t n)
{
	char body[8192], s[2048];
	size_t len = (size_t)snprintf(body, sizeof body,
				      "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
				      "\"result\":[");
	for (size_t i = 0; i < n; i++) {
		series_json(s, sizeof s, labels[i], minutes[i]);
		len += (size_t)snprintf(body + len, sizeof body - len, "%s%s", i ? "," : "", s);
	}
	snprintf(body + len, sizeof body - len, "]}}");
	json_error_t je;
	json_t *j = json_loads(body, 0, &je);
	assert_non_null(j);
	char err[256];
	assert_true(prom_parse_result(j, out, err, sizeof err));
	json_decref(j);
}

static struct platform *platform(void)
{
	struct platform *p = NULL;
	char err[256];
	assert_int_equal(platform_parse("model", model, strlen(model), &p, err, sizeof err), 0);
	return p;
}

static void expect(const struct dora_alert_incident *x, long long start, long long restored,
		   const char *service, const char *env, const char *tenant, const char *name)
{
	assert_int_equal(x->start, start);
	assert_int_equal(x->restored, restored);
	assert_string_equal(x->service, service);
	assert_string_equal(x->env, env);
	assert_string_equal(x->tenant, tenant);
	assert_string_equal(x->alertname, name);
}

static const int her[] = {0, 1, 2, 5, 6, -1};        /* a gap: two incidents */
static const int crash[] = {18, 19, 20, -1};         /* firing at the end: open */
static const int watchdog[] = {0, 1, 2, 3, -1};      /* no service: skipped */
static const int ledger[] = {10, -1};                /* one point: one step long */

static void build_all(struct dora_alerts *a, struct platform *p)
{
	static const char *const labels[] = {
		HER_LABELS,
		"\"alertname\":\"PodCrashLooping\",\"service\":\"catalog\","
		"\"namespace\":\"storefront-pre\",\"severity\":\"warning\"",
		"\"alertname\":\"Watchdog\",\"severity\":\"warning\"",
		"\"alertname\":\"QueueBacklog\",\"service\":\"ledger\",\"env\":\"uat\","
		"\"severity\":\"critical\""};
	static const int *const minutes[] = {her, crash, watchdog, ledger};
	struct prom_result m;
	matrix(&m, labels, minutes, 4);
	memset(a, 0, sizeof *a);
	dora_alerts_from_matrix(a, p, &m, STEP, LAST_MS);
	prom_result_free(&m);
}

static void test_runs_become_incidents(void **state)
{
	(void)state;
	struct platform *p = platform();
	struct dora_alerts a;
	build_all(&a, p);
	assert_int_equal(a.n, 4);
	expect(&a.items[0], T0, T0 + 180, "catalog", "pre", "storefront", "HighErrorRate");
	expect(&a.items[1], T0 + 300, T0 + 420, "catalog", "pre", "storefront", "HighErrorRate");
	expect(&a.items[2], T0 + 18 * 60, 0, "catalog", "pre", "storefront", "PodCrashLooping");
	expect(&a.items[3], T0 + 600, T0 + 660, "ledger", "uat", "payments", "QueueBacklog");
	/* the series name and alertstate are not the alert's labels */
	assert_string_equal(a.items[0].fingerprint, HER_FP);
	dora_alerts_free(&a);
	assert_int_equal(a.n, 0);
	platform_free(p);
}

static void test_chunks_merge(void **state)
{
	(void)state;
	assert_int_equal(dora_alerts_chunk_end(0, 1LL << 50, STEP), 10999 * STEP);
	assert_int_equal(dora_alerts_chunk_end(1000, 5000, STEP), 5000);
	struct platform *p = platform();
	static const char *const labels[] = {HER_LABELS};
	static const int first[] = {0, 1, -1}, second[] = {2, 5, 6, -1};
	static const int *const m1[] = {first}, *const m2[] = {second};
	struct prom_result c1, c2, merged = {0};
	matrix(&c1, labels, m1, 1);
	matrix(&c2, labels, m2, 1);
	dora_alerts_merge(&merged, &c1);
	dora_alerts_merge(&merged, &c2);
	assert_int_equal(merged.n, 1);
	assert_int_equal(merged.series[0].npoints, 5);
	struct dora_alerts a = {0};
	dora_alerts_from_matrix(&a, p, &merged, STEP, LAST_MS);
	/* a run across the chunks' boundary stays one incident */
	assert_int_equal(a.n, 2);
	expect(&a.items[0], T0, T0 + 180, "catalog", "pre", "storefront", "HighErrorRate");
	expect(&a.items[1], T0 + 300, T0 + 420, "catalog", "pre", "storefront", "HighErrorRate");
	dora_alerts_free(&a);
	prom_result_free(&c1);
	prom_result_free(&c2);
	prom_result_free(&merged);
	platform_free(p);
}

static void test_timeline_duplicates_left_out(void **state)
{
	(void)state;
	struct platform *p = platform();
	struct dora_alerts a;
	build_all(&a, p);
	struct timeline_entry tl[] = {
		/* pending two minutes before it fired: the same alert */
		{.time = T0 - 120, .kind = TIMELINE_ALERT, .key = (char *)"alert|" HER_FP "|firing|1"},
		/* hours later: another firing of it */
		{.time = T0 + 10000, .kind = TIMELINE_ALERT, .key = (char *)"alert|" HER_FP "|firing|2"},
		/* another alert at the same time */
		{.time = T0, .kind = TIMELINE_ALERT, .key = (char *)"alert|alertname=Other|firing|1"},
		/* not an alert */
		{.time = T0, .kind = TIMELINE_OPERATION, .key = (char *)"alert|" HER_FP "|x|1"},
		/* a prefix of the fingerprint is another alert */
		{.time = T0, .kind = TIMELINE_ALERT, .key = (char *)"alert|alertname=HighErrorRate|f|1"},
	};
	size_t n = 0;
	struct timeline_entry *kept = dora_alerts_filter_timeline(&a, tl, 5, 60, &n);
	assert_int_equal(n, 4);
	assert_int_equal(kept[0].time, T0 + 10000);
	assert_int_equal(kept[1].time, T0);
	assert_int_equal(kept[2].kind, TIMELINE_OPERATION);
	assert_string_equal(kept[3].key, "alert|alertname=HighErrorRate|f|1");
	free(kept);
	dora_alerts_free(&a);
	platform_free(p);
}

static void test_added_to_dora_data(void **state)
{
	(void)state;
	struct platform *p = platform();
	struct dora_alerts a;
	build_all(&a, p);
	struct dora_data d;
	struct dora_sources src = {0};
	dora_data_build(&d, &src);
	dora_alerts_add(&d, &a);
	dora_alerts_free(&a);   /* d keeps its own copies */
	assert_int_equal(d.nincidents, 4);
	assert_string_equal(d.incidents[2].service, "catalog");
	assert_string_equal(d.incidents[2].what, "PodCrashLooping");
	assert_int_equal(d.incidents[2].restored, 0);
	struct dora_query q = {.from = T0 - 86400, .to = T0 + 86400, .by = DORA_BY_SERVICE,
			       .env = "pre"};
	struct dora_report r;
	dora_compute(d.deploys, d.ndeploys, d.incidents, d.nincidents, &q, NULL, &r);
	assert_int_equal(r.ncards, 1);
	assert_string_equal(r.cards[0].group, "catalog");
	assert_int_equal(r.cards[0].nincidents, 3);
	assert_int_equal(r.cards[0].nopen, 1);
	dora_report_free(&r);
	dora_data_free(&d);
	platform_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs_become_incidents),
		cmocka_unit_test(test_chunks_merge),
		cmocka_unit_test(test_timeline_duplicates_left_out),
		cmocka_unit_test(test_added_to_dora_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
