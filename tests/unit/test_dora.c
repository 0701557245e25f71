/* Unit tests for core/dora and core/dora_thresholds: the five metrics against figures
 * worked out by hand below, window boundaries, grouping, incident attribution, weekly
 * buckets, level boundaries, the thresholds file (shipped, overridden, broken), speed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "clients/dora_data.h"
#include "core/dora.h"
#include "core/dora_thresholds.h"
#include "core/embedded.h"
#include "core/xalloc.h"
#include "tests/support/tmpdir.h"

#define D 86400LL
#define H 3600LL
#define T0 1700000000LL   /* the window is [T0, T0 + 28 days): four whole weeks */
#define SHIPPED "thresholds/dora.yaml"

/*
 * The worked example: service payments-api (tenant payments) in prd.
 *   #  finished        changes shipped (commit times)        flags
 *   0  T0 - 1s          T0 - 1h                                 (before the window)
 *   1  T0 + 1d          T0+1d-2h, T0+1d-10h   (lead 2h, 10h)
 *   2  T0 + 3d          T0+2d                 (lead 24h)       failed (sync failed)
 *   3  T0 + 3d + 2h     none                                    rework (rollback)
 *   4  T0 + 10d         T0+10d-4h, T0+10d-6h  (lead 4h, 6h)     (blamed by incident B)
 *   5  T0 + 20d         T0+20d-30h            (lead 30h)
 *   6  T0 + 28d         T0+27d                                  (at `to`: out)
 *   7  T0 + 5d in pre   T0+4d                                   (other environment)
 * Incidents (payments-api, prd):
 *   A  T0+3d+30m .. T0+3d+2h        90 min, blames #2 (already failed)
 *   B  T0+10d+5h .. T0+10d+5h+30m   30 min, blames #4 (5h after it: within a day)
 *   C  T0+25d    .. still open             5 days after #5: blames nothing
 */
static const long long ch0[] = {T0 - H};
static const long long ch1[] = {T0 + D - 2 * H, T0 + D - 10 * H};
static const long long ch2[] = {T0 + 2 * D};
static const long long ch4[] = {T0 + 10 * D - 4 * H, T0 + 10 * D - 6 * H};
static const long long ch5[] = {T0 + 20 * D - 30 * H};
static const long long ch6[] = {T0 + 27 * D};
static const long long ch7[] = {T0 + 4 * D};

#define DEP(t, env, ch, n, f, r) {t, "payments-api", "payments", env, NULL, ch, n, f, r, NULL}
static const struct dora_deploy example[] = {
	DEP(T0 - 1, "prd", ch0, 1, false, false),
	DEP(T0 + D, "prd", ch1, 2, false, false),
	DEP(T0 + 3 * D, "prd", ch2, 1, true, false),
	DEP(T0 + 3 * D + 2 * H, "prd", NULL, 0, false, true),
	DEP(T0 + 10 * D, "prd", ch4, 2, false, false),
	DEP(T0 + 20 * D, "prd", ch5, 1, false, false),
	DEP(T0 + 28 * D, "prd", ch6, 1, false, false),
	DEP(T0 + 5 * D, "pre", ch7, 1, false, false),
};
static const struct dora_incident example_inc[] = {
	{T0 + 3 * D + 30 * 60, T0 + 3 * D + 2 * H, "payments-api", "payments", "prd", "A"},
	{T0 + 10 * D + 5 * H, T0 + 10 * D + 5 * H + 30 * 60, "payments-api", "payments", "prd", "B"},
	{T0 + 25 * D, 0, "payments-api", "payments", "prd", "C"},
};

static struct dora_thresholds shipped;

static void assert_near(double got, double want, double eps)
{
	if (!(got >= want - eps && got <= want + eps))
		fail_msg("%.12g is not %.12g", got, want);
}

static int load_shipped(void **state)
{
	(void)state;
	char err[512] = "";
	memset(&shipped, 0, sizeof shipped);
	if (dora_thresholds_load_file(SHIPPED, &shipped, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int clear_shipped(void **state)
{
	(void)state;
	dora_thresholds_clear(&shipped);
	return 0;
}

static void compute_example(struct dora_report *r, enum dora_group_by by)
{
	struct dora_query q = {.from = T0, .to = T0 + 28 * D, .by = by, .env = "prd"};
	dora_compute(example, 8, example_inc, 3, &q, &shipped, r);
}

static void test_example_figures(void **state)
{
	(void)state;
	struct dora_report r;
	compute_example(&r, DORA_BY_SERVICE);
	assert_int_equal(r.ncards, 1);
	const struct dora_card *c = &r.cards[0];
	assert_string_equal(c->group, "payments-api");
	assert_string_equal(c->tenant, "payments");
	/* #1..#5 in the window: #0 is before it, #6 at its end, #7 in pre */
	assert_int_equal(c->ndeploys, 5);
	/* frequency: 5 deployments / 28 days = 0.17857/day = 1.25/week: high (>= 1/week) */
	assert_true(c->metric[DORA_DEPLOY_FREQUENCY].known);
	assert_near(c->metric[DORA_DEPLOY_FREQUENCY].value, 5.0 / 28, 1e-9);
	assert_int_equal(c->metric[DORA_DEPLOY_FREQUENCY].level, DORA_LEVEL_HIGH);
	/* lead time: 2h 10h 24h 4h 6h 30h sorted 2 4 6 10 24 30; median (6+10)/2 = 8h: elite */
	assert_int_equal(c->nchanges, 6);
	assert_near(c->metric[DORA_LEAD_TIME].value, 8.0 * H, 1e-9);
	assert_int_equal(c->metric[DORA_LEAD_TIME].level, DORA_LEVEL_ELITE);
	/* change fail rate: #2 flagged, #4 blamed by B: 2 / 5 = 40%: above 20%, so low */
	assert_int_equal(c->nfailed, 2);
	assert_near(c->metric[DORA_CHANGE_FAIL_RATE].value, 40.0, 1e-9);
	assert_int_equal(c->metric[DORA_CHANGE_FAIL_RATE].level, DORA_LEVEL_LOW);
	/* recovery: A 90 min, B 30 min (C open): median (1800+5400)/2 = 3600 s = 1h: elite
	 * (the bound is "at most 1h") */
	assert_int_equal(c->nincidents, 3);
	assert_int_equal(c->nopen, 1);
	assert_near(c->metric[DORA_RECOVERY_TIME].value, 3600.0, 1e-9);
	assert_int_equal(c->metric[DORA_RECOVERY_TIME].level, DORA_LEVEL_ELITE);
	/* rework: #3 / 5 = 20%; the 2024 report has no rework levels */
	assert_int_equal(c->nrework, 1);
	assert_near(c->metric[DORA_REWORK_RATE].value, 20.0, 1e-9);
	assert_int_equal(c->metric[DORA_REWORK_RATE].level, DORA_LEVEL_NONE);
	dora_report_free(&r);
}

static void test_example_behind(void **state)
{
	(void)state;
	struct dora_report r;
	compute_example(&r, DORA_BY_SERVICE);
	const struct dora_card *c = &r.cards[0];
	/* the deployments behind the figures, in time order: input indices 1..5 */
	for (size_t k = 0; k < 5; k++)
		assert_int_equal(c->deploys[k], k + 1);
	assert_int_equal(c->incidents[0], 0);
	assert_int_equal(c->incidents[2], 2);
	/* attribution: A blames #2, B blames #4, C nothing */
	assert_int_equal(r.incident_deploy[0], 2);
	assert_int_equal(r.incident_deploy[1], 4);
	assert_int_equal(r.incident_deploy[2], -1);
	assert_true(r.deploy_failed[2]);
	assert_true(r.deploy_failed[4]);
	assert_false(r.deploy_failed[1]);
	assert_false(r.deploy_failed[5]);
	dora_report_free(&r);
}

/* Week 0 [T0, T0+7d): #1 #2 #3, A. Week 1: #4, B. Week 2: #5. Week 3: C (open) only. */
static void test_example_weekly(void **state)
{
	(void)state;
	struct dora_report r;
	compute_example(&r, DORA_BY_SERVICE);
	assert_int_equal(r.nweeks, 4);
	assert_int_equal(dora_week_start(&r, 0), T0);
	assert_int_equal(dora_week_start(&r, 3), T0 + 21 * D);
	struct dora_value *const *w = r.cards[0].weekly;
	/* frequency per day of each week: 3/7, 1/7, 1/7, 0 */
	assert_near(w[DORA_DEPLOY_FREQUENCY][0].value, 3.0 / 7, 1e-9);
	assert_near(w[DORA_DEPLOY_FREQUENCY][1].value, 1.0 / 7, 1e-9);
	assert_near(w[DORA_DEPLOY_FREQUENCY][2].value, 1.0 / 7, 1e-9);
	assert_true(w[DORA_DEPLOY_FREQUENCY][3].known);
	assert_near(w[DORA_DEPLOY_FREQUENCY][3].value, 0, 1e-9);
	/* lead: median(2h, 10h, 24h) = 10h; median(4h, 6h) = 5h; 30h; none */
	assert_near(w[DORA_LEAD_TIME][0].value, 10.0 * H, 1e-9);
	assert_near(w[DORA_LEAD_TIME][1].value, 5.0 * H, 1e-9);
	assert_near(w[DORA_LEAD_TIME][2].value, 30.0 * H, 1e-9);
	assert_false(w[DORA_LEAD_TIME][3].known);
	/* fail rate: 1/3, 1/1, 0/1, no deployments */
	assert_near(w[DORA_CHANGE_FAIL_RATE][0].value, 100.0 / 3, 1e-9);
	assert_near(w[DORA_CHANGE_FAIL_RATE][1].value, 100.0, 1e-9);
	assert_near(w[DORA_CHANGE_FAIL_RATE][2].value, 0, 1e-9);
	assert_false(w[DORA_CHANGE_FAIL_RATE][3].known);
	/* recovery: 90 min, 30 min, none, C still open */
	assert_near(w[DORA_RECOVERY_TIME][0].value, 5400, 1e-9);
	assert_near(w[DORA_RECOVERY_TIME][1].value, 1800, 1e-9);
	assert_false(w[DORA_RECOVERY_TIME][2].known);
	assert_false(w[DORA_RECOVERY_TIME][3].known);
	/* rework: 1/3 then nothing */
	assert_near(w[DORA_REWORK_RATE][0].value, 100.0 / 3, 1e-9);
	assert_near(w[DORA_REWORK_RATE][1].value, 0, 1e-9);
	dora_report_free(&r);
}

/* A window of 10 days has two weeks, the first clipped to 3 days: [to-14d, to-7d) counts
 * only from `from`. Deployments at from+1d and from+2d: 2 per 3 days in week 0. */
static void test_partial_week(void **state)
{
	(void)state;
	const struct dora_deploy d[] = {
		{T0 + D, "a", "t", "prd", NULL, NULL, 0, false, false, NULL},
		{T0 + 2 * D, "a", "t", "prd", NULL, NULL, 0, false, false, NULL},
		{T0 + 9 * D, "a", "t", "prd", NULL, NULL, 0, false, false, NULL},
	};
	struct dora_query q = {.from = T0, .to = T0 + 10 * D, .by = DORA_BY_SERVICE};
	struct dora_report r;
	dora_compute(d, 3, NULL, 0, &q, NULL, &r);
	assert_int_equal(r.nweeks, 2);
	assert_near(r.cards[0].weekly[DORA_DEPLOY_FREQUENCY][0].value, 2.0 / 3, 1e-9);
	assert_near(r.cards[0].weekly[DORA_DEPLOY_FREQUENCY][1].value, 1.0 / 7, 1e-9);
	/* thresholds NULL: no levels at all */
	assert_int_equal(r.cards[0].metric[DORA_DEPLOY_FREQUENCY].level, DORA_LEVEL_NONE);
	dora_report_free(&r);
}

/* Grouped by tenant over every environment: payments = the example's #1..#5 and #7 plus
 * ledger's one deployment (T0+2d, lead 1h); storefront = cart's one failed deployment. */
static void test_group_by_tenant(void **state)
{
	(void)state;
	static const long long lc[] = {T0 + 2 * D - H};
	struct dora_deploy d[10];
	memcpy(d, example, sizeof example);
	d[8] = (struct dora_deploy){T0 + 2 * D, "ledger", "payments", "prd", NULL, lc, 1,
				    false, false, NULL};
	d[9] = (struct dora_deploy){T0 + 4 * D, "cart", "storefront", "prd", NULL, NULL, 0,
				    true, false, NULL};
	struct dora_query q = {.from = T0, .to = T0 + 28 * D, .by = DORA_BY_TENANT};
	struct dora_report r;
	dora_compute(d, 10, example_inc, 3, &q, &shipped, &r);
	assert_int_equal(r.ncards, 2);
	assert_string_equal(r.cards[0].group, "payments");
	assert_string_equal(r.cards[1].group, "storefront");
	/* payments: #1..#5, #7 (pre), ledger = 7; failed #2, #4 = 2/7 */
	assert_int_equal(r.cards[0].ndeploys, 7);
	assert_near(r.cards[0].metric[DORA_CHANGE_FAIL_RATE].value, 200.0 / 7, 1e-9);
	/* lead: 2 10 24 4 6 30 (prd) 24 (#7: T0+5d - T0+4d) 1 (ledger): sorted
	 * 1 2 4 6 10 24 24 30, median (6+10)/2 = 8h */
	assert_near(r.cards[0].metric[DORA_LEAD_TIME].value, 8.0 * H, 1e-9);
	/* storefront: one failed deployment, no changes, no incidents */
	assert_int_equal(r.cards[1].ndeploys, 1);
	assert_near(r.cards[1].metric[DORA_CHANGE_FAIL_RATE].value, 100.0, 1e-9);
	assert_false(r.cards[1].metric[DORA_LEAD_TIME].known);
	assert_false(r.cards[1].metric[DORA_RECOVERY_TIME].known);
	dora_report_free(&r);

	/* the tenant filter keeps storefront only; the service filter ledger only */
	q.tenant = "storefront";
	dora_compute(d, 10, example_inc, 3, &q, &shipped, &r);
	assert_int_equal(r.ncards, 1);
	assert_string_equal(r.cards[0].group, "storefront");
	dora_report_free(&r);
	q.tenant = NULL;
	q.service = "ledger";
	q.by = DORA_BY_SERVICE;
	dora_compute(d, 10, example_inc, 3, &q, &shipped, &r);
	assert_int_equal(r.ncards, 1);
	assert_string_equal(r.cards[0].group, "ledger");
	assert_near(r.cards[0].metric[DORA_LEAD_TIME].value, 1.0 * H, 1e-9);
	dora_report_free(&r);
}

/* No deployments at all; an incident alone still makes a card: frequency 0 (low), the
 * rates and lead time n/a, recovery known. Nothing at all: no cards. */
static void test_no_deployments(void **state)
{
	(void)state;
	const struct dora_incident inc[] = {
		{T0 + D, T0 + D + 2 * H, "search", "storefront", "prd", "HighErrorRate"},
	};
	struct dora_query q = {.from = T0, .to = T0 + 7 * D, .by = DORA_BY_SERVICE};
	struct dora_report r;
	dora_compute(NULL, 0, inc, 1, &q, &shipped, &r);
	assert_int_equal(r.ncards, 1);
	const struct dora_card *c = &r.cards[0];
	assert_true(c->metric[DORA_DEPLOY_FREQUENCY].known);
	assert_near(c->metric[DORA_DEPLOY_FREQUENCY].value, 0, 1e-12);
	assert_int_equal(c->metric[DORA_DEPLOY_FREQUENCY].level, DORA_LEVEL_LOW);
	assert_false(c->metric[DORA_LEAD_TIME].known);
	assert_int_equal(c->metric[DORA_LEAD_TIME].level, DORA_LEVEL_NONE);
	assert_false(c->metric[DORA_CHANGE_FAIL_RATE].known);
	assert_false(c->metric[DORA_REWORK_RATE].known);
	assert_near(c->metric[DORA_RECOVERY_TIME].value, 2.0 * H, 1e-9);
	assert_int_equal(c->metric[DORA_RECOVERY_TIME].level, DORA_LEVEL_HIGH);
	char buf[32];
	dora_format_value(DORA_LEAD_TIME, &c->metric[DORA_LEAD_TIME], buf, sizeof buf);
	assert_string_equal(buf, "n/a");
	dora_report_free(&r);

	dora_compute(NULL, 0, NULL, 0, &q, &shipped, &r);
	assert_int_equal(r.ncards, 0);
	dora_report_free(&r);

	/* A service that last deployed before the window keeps its card with zero
	 * deployments (frequency 0, low; the rest n/a), its tenant known; one that deploys
	 * only after the window's end does not appear. */
	const long long ch[] = {T0 - 3 * D};
	const struct dora_deploy old[] = {
		{T0 - 2 * D, "cart", "storefront", "prd", "a1", ch, 1, false, false, NULL},
		{T0 + 8 * D, "later", "storefront", "prd", "b1", ch, 1, false, false, NULL},
	};
	dora_compute(old, 2, NULL, 0, &q, &shipped, &r);
	assert_int_equal(r.ncards, 1);
	c = &r.cards[0];
	assert_string_equal(c->group, "cart");
	assert_string_equal(c->tenant, "storefront");
	assert_int_equal(c->ndeploys, 0);
	assert_near(c->metric[DORA_DEPLOY_FREQUENCY].value, 0, 1e-12);
	assert_int_equal(c->metric[DORA_DEPLOY_FREQUENCY].level, DORA_LEVEL_LOW);
	assert_false(c->metric[DORA_LEAD_TIME].known);
	dora_report_free(&r);
}

/* Attribution turned off (<0) and narrowed (2h: B came 5h after #4). */
static void test_attribution_window(void **state)
{
	(void)state;
	struct dora_query q = {.from = T0, .to = T0 + 28 * D, .env = "prd", .attribution = -1};
	struct dora_report r;
	dora_compute(example, 8, example_inc, 3, &q, &shipped, &r);
	assert_int_equal(r.cards[0].nfailed, 1);   /* #2's own flag only */
	assert_int_equal(r.incident_deploy[0], -1);
	dora_report_free(&r);
	q.attribution = 2 * H;
	dora_compute(example, 8, example_inc, 3, &q, &shipped, &r);
	assert_int_equal(r.incident_deploy[0], 2);   /* A: 30 min after #2 */
	assert_int_equal(r.incident_deploy[1], -1);  /* B: 5h after #4 */
	assert_int_equal(r.cards[0].nfailed, 1);
	dora_report_free(&r);
}

static void test_median(void **state)
{
	(void)state;
	double a[] = {5, 1, 3};
	assert_near(dora_median(a, 3), 3, 0);
	double b[] = {4, 1, 3, 2};
	assert_near(dora_median(b, 4), 2.5, 0);
	assert_near(dora_median(NULL, 0), 0, 0);
}

/* The shipped table's edges: each bound belongs to the better level. */
static void test_level_boundaries(void **state)
{
	(void)state;
	const struct dora_thresholds *t = &shipped;
	assert_non_null(t->source);
	assert_non_null(strstr(t->source, "https://dora.dev/"));
	assert_int_equal(dora_level_of(t, DORA_DEPLOY_FREQUENCY, 1.0), DORA_LEVEL_ELITE);
	assert_int_equal(dora_level_of(t, DORA_DEPLOY_FREQUENCY, 0.99), DORA_LEVEL_HIGH);
	assert_int_equal(dora_level_of(t, DORA_DEPLOY_FREQUENCY, 1.0 / 7), DORA_LEVEL_HIGH);
	assert_int_equal(dora_level_of(t, DORA_DEPLOY_FREQUENCY, 0.14), DORA_LEVEL_MEDIUM);
	assert_int_equal(dora_level_of(t, DORA_DEPLOY_FREQUENCY, 1.0 / 30), DORA_LEVEL_MEDIUM);
	assert_int_equal(dora_level_of(t, DORA_DEPLOY_FREQUENCY, 0.03), DORA_LEVEL_LOW);
	assert_int_equal(dora_level_of(t, DORA_LEAD_TIME, D), DORA_LEVEL_ELITE);
	assert_int_equal(dora_level_of(t, DORA_LEAD_TIME, D + 1), DORA_LEVEL_HIGH);
	assert_int_equal(dora_level_of(t, DORA_LEAD_TIME, 7 * D + 1), DORA_LEVEL_MEDIUM);
	assert_int_equal(dora_level_of(t, DORA_LEAD_TIME, 30 * D + 1), DORA_LEVEL_LOW);
	assert_int_equal(dora_level_of(t, DORA_CHANGE_FAIL_RATE, 5), DORA_LEVEL_ELITE);
	assert_int_equal(dora_level_of(t, DORA_CHANGE_FAIL_RATE, 5.01), DORA_LEVEL_HIGH);
	assert_int_equal(dora_level_of(t, DORA_CHANGE_FAIL_RATE, 20), DORA_LEVEL_HIGH);
	assert_int_equal(dora_level_of(t, DORA_CHANGE_FAIL_RATE, 20.01), DORA_LEVEL_LOW);
	assert_int_equal(dora_level_of(t, DORA_RECOVERY_TIME, H), DORA_LEVEL_ELITE);
	assert_int_equal(dora_level_of(t, DORA_RECOVERY_TIME, H + 1), DORA_LEVEL_HIGH);
	assert_int_equal(dora_level_of(t, DORA_RECOVERY_TIME, D + 1), DORA_LEVEL_LOW);
	assert_int_equal(dora_level_of(t, DORA_REWORK_RATE, 0), DORA_LEVEL_NONE);
	assert_string_equal(dora_level_name(DORA_LEVEL_NONE), "n/a");
	assert_string_equal(dora_level_name(DORA_LEVEL_MEDIUM), "medium");
}

static char *write_tmp(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* A user file over the shipped table: what it names wins, the rest stays; rework_rate
 * gains levels. */
static void test_thresholds_override(void **state)
{
	(void)state;
	char dir[256];
	test_tmp_template(dir, sizeof(dir), "opsdeck-dora.XXXXXX");
	assert_non_null(mkdtemp(dir));
	char *path = write_tmp(dir, "dora.yaml",
			       "levels:\n"
			       "  change_fail_rate: {high: 15%}\n"
			       "  rework_rate: {elite: 2%, high: 5, medium: 10%}\n"
			       "  lead_time: {elite: 2h}\n");
	struct dora_thresholds t;
	memset(&t, 0, sizeof t);
	char err[512] = "";
	assert_int_equal(dora_thresholds_load_file(SHIPPED, &t, err, sizeof err), 0);
	assert_int_equal(dora_thresholds_load_file(path, &t, err, sizeof err), 0);
	assert_int_equal(dora_level_of(&t, DORA_CHANGE_FAIL_RATE, 16), DORA_LEVEL_LOW);
	assert_int_equal(dora_level_of(&t, DORA_CHANGE_FAIL_RATE, 15), DORA_LEVEL_HIGH);
	assert_int_equal(dora_level_of(&t, DORA_CHANGE_FAIL_RATE, 4), DORA_LEVEL_ELITE);
	assert_int_equal(dora_level_of(&t, DORA_REWORK_RATE, 4), DORA_LEVEL_HIGH);
	assert_int_equal(dora_level_of(&t, DORA_REWORK_RATE, 11), DORA_LEVEL_LOW);
	assert_int_equal(dora_level_of(&t, DORA_LEAD_TIME, 3 * H), DORA_LEVEL_HIGH);
	assert_int_equal(dora_level_of(&t, DORA_DEPLOY_FREQUENCY, 2), DORA_LEVEL_ELITE);
	dora_thresholds_clear(&t);

	/* dora_thresholds_load: the built-in table, then this file */
	if (embedded_find(SHIPPED)) {
		assert_int_equal(dora_thresholds_load(path, &t, err, sizeof err), 0);
		assert_int_equal(dora_level_of(&t, DORA_CHANGE_FAIL_RATE, 16), DORA_LEVEL_LOW);
		assert_int_equal(dora_level_of(&t, DORA_RECOVERY_TIME, H), DORA_LEVEL_ELITE);
		dora_thresholds_clear(&t);
	} else {
		fprintf(stderr, "note: %s not embedded (Makefile EMBED_SRC): load() untested\n",
			SHIPPED);
	}
	unlink(path);
	free(path);
	rmdir(dir);
}

static void expect_bad(const char *dir, const char *text, const char *want)
{
	char *path = write_tmp(dir, "bad.yaml", text);
	struct dora_thresholds t;
	memset(&t, 0, sizeof t);
	char err[512] = "";
	assert_int_equal(dora_thresholds_load_file(path, &t, err, sizeof err), -1);
	char *full = xasprintf("%s:%s", path, want);
	assert_string_equal(err, full);
	free(full);
	dora_thresholds_clear(&t);
	unlink(path);
	free(path);
}

static void test_thresholds_bad(void **state)
{
	(void)state;
	char dir[256];
	test_tmp_template(dir, sizeof(dir), "opsdeck-dora.XXXXXX");
	assert_non_null(mkdtemp(dir));
	expect_bad(dir, "levels:\n  lead_time:\n    elite: 1d\n    great: 2d\n",
		   "4:5: unknown level \"great\" (elite, high or medium; low is the rest)");
	expect_bad(dir, "levels:\n  recovery_time: {elite: soon, high: 1d, medium: 1w}\n",
		   "2:19: elite: expected a duration like 45m, 1h, 1d or 1w");
	expect_bad(dir, "levels:\n  speed: {elite: 1}\n",
		   "2:3: unknown metric \"speed\" (deployment_frequency, lead_time, "
		   "change_fail_rate, recovery_time or rework_rate)");
	expect_bad(dir, "source: {report: x, url: y}\nlevels:\n  rework_rate: {elite: 1%}\n",
		   "3:3: missing level \"high\"");
	expect_bad(dir, "colour: red\n", "1:1: unknown key \"colour\" (source or levels)");
	expect_bad(dir, "levels:\n  change_fail_rate: {elite: 120%, high: 1, medium: 2}\n",
		   "2:22: elite: expected a percentage like 15%");
	rmdir(dir);
}

static void test_parse_units(void **state)
{
	(void)state;
	assert_near(dora_parse_rate("2/week"), 2.0 / 7, 1e-12);
	assert_near(dora_parse_rate("1/month"), 1.0 / 30, 1e-12);
	assert_near(dora_parse_rate("3"), 3, 0);
	assert_true(dora_parse_rate("often") < 0);
	assert_near(dora_parse_duration("45m"), 2700, 0);
	assert_near(dora_parse_duration("1w"), 7 * D, 0);
	assert_true(dora_parse_duration("-1h") < 0);
	assert_near(dora_parse_percent("12.5%"), 12.5, 0);
}

static void test_format(void **state)
{
	(void)state;
	char buf[32];
	struct dora_value v = {true, 2.25, DORA_LEVEL_ELITE};
	dora_format_value(DORA_DEPLOY_FREQUENCY, &v, buf, sizeof buf);
	assert_string_equal(buf, "2.2/day");
	v.value = 5.0 / 28;
	dora_format_value(DORA_DEPLOY_FREQUENCY, &v, buf, sizeof buf);
	assert_string_equal(buf, "1.2/week");
	v.value = 1.0 / 60;
	dora_format_value(DORA_DEPLOY_FREQUENCY, &v, buf, sizeof buf);
	assert_string_equal(buf, "0.5/month");
	v.value = 8 * H + 20 * 60;
	dora_format_value(DORA_LEAD_TIME, &v, buf, sizeof buf);
	assert_string_equal(buf, "8h 20m");
	v.value = 2 * D + 4 * H;
	dora_format_value(DORA_RECOVERY_TIME, &v, buf, sizeof buf);
	assert_string_equal(buf, "2d 4h");
	v.value = 40;
	dora_format_value(DORA_CHANGE_FAIL_RATE, &v, buf, sizeof buf);
	assert_string_equal(buf, "40.0%");
}

/*
 * dora_data: Argo CD, Git and the timeline read as deployments and incidents. T is
 * 2026-11-01T00:00:00Z. Commits (oldest first):
 *   aaaa T           envs/dev/web   release 1 in dev (and base/web, which is no env)
 *   bbbb T+5d        envs/prd/web   release 1 to prd, Source-Revision aaaa
 *   cccc T+6d        envs/dev/web   release 2 in dev
 *   dddd T+7d        envs/prd/web   release 2 to prd, Source-Revision cccc
 *   eeee T+7d+2h     envs/prd/web   Revert "web: promote 2 to prd" (Reverts: dddd)
 * Argo CD web-prd history: bbbb at T+5d+60s, dddd at T+7d+60s, eeee at T+7d+2h+60s, and
 * bbbb again at T+8d (a rollback in Argo CD); the last sync Failed, started T+9d; health
 * Degraded. Timeline: alert HighErrorRate on Pod/web-5d9f in shop-prd at T+9d+1h,
 * "resolved" at T+9d+3h.
 * prd deployments: bbbb (change T: lead 5d+60s), dddd (change T+6d: 1d+60s), eeee (its
 * own commit: 60s; rework: a revert), bbbb again (change T: 8d; rework: older change
 * than eeee's), the failed sync (T+9d, failed, no change).
 * Failed: dddd (reverted), eeee (rolled back), the failed sync = 3 of 5 = 60%.
 * Rework: 2 of 5 = 40%. Lead: 60, 86460, 432060, 691200 -> median 259260 s.
 * Incidents: dddd..eeee 2h (7200), eeee..rollback 22h-60s (79140), the alert 2h
 * (7200), sync failed (open), Degraded (open): median of 7200 7200 79140 = 7200 s.
 */
#define TD 1793491200LL
static const char dd_apps[] =
	"{\"items\": [{\"metadata\": {\"name\": \"web-prd\", \"labels\": {"
	"\"platform.opsdeck.dev/service\": \"web\", \"platform.opsdeck.dev/tenant\": \"shop\","
	"\"platform.opsdeck.dev/environment\": \"prd\"}},"
	"\"spec\": {\"destination\": {\"namespace\": \"shop-prd\"}},"
	"\"status\": {\"health\": {\"status\": \"Degraded\"},"
	"\"operationState\": {\"phase\": \"Failed\", \"startedAt\": \"2026-11-10T00:00:00Z\","
	"\"syncResult\": {\"revision\": \"ffffffffffffffffffffffffffffffffffffffff\"}},"
	"\"history\": ["
	"{\"id\": 1, \"revision\": \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\", \"deployedAt\": \"2026-11-06T00:01:00Z\"},"
	"{\"id\": 2, \"revision\": \"dddddddddddddddddddddddddddddddddddddddd\", \"deployedAt\": \"2026-11-08T00:01:00Z\"},"
	"{\"id\": 3, \"revision\": \"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\", \"deployedAt\": \"2026-11-08T02:01:00Z\"},"
	"{\"id\": 4, \"revision\": \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\", \"deployedAt\": \"2026-11-09T00:00:00Z\"}"
	"]}}]}";

static void dd_commit(struct gitops_history_commit *c, char fill, long long t, const char *path,
		      const char *subject, const char *source)
{
	memset(c, 0, sizeof *c);
	memset(c->sha, fill, 40);
	c->time = t;
	c->subject = (char *)subject;
	c->paths = xcalloc(2, sizeof *c->paths);
	c->paths[c->npaths++] = (char *)path;
	c->source_revision = (char *)source;
	c->revert = !strncmp(subject, "Revert ", 7);
}

static void test_data_sources(void **state)
{
	(void)state;
	struct gitops_history_commit c[5];
	dd_commit(&c[0], 'a', TD, "envs/dev/web/kustomization.yaml", "web: promote 1 to dev", NULL);
	c[0].paths[c[0].npaths++] = (char *)"base/web/deployment.yaml";
	dd_commit(&c[1], 'b', TD + 5 * D, "envs/prd/web/kustomization.yaml",
		  "web: promote 1 to prd", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	dd_commit(&c[2], 'c', TD + 6 * D, "envs/dev/web/kustomization.yaml", "web: promote 2 to dev",
		  NULL);
	dd_commit(&c[3], 'd', TD + 7 * D, "envs/prd/web/kustomization.yaml",
		  "web: promote 2 to prd", "ccccccc");
	dd_commit(&c[4], 'e', TD + 7 * D + 2 * H, "envs/prd/web/kustomization.yaml",
		  "Revert \"web: promote 2 to prd\"", NULL);
	struct timeline_entry tl[2] = {
		{.time = TD + 9 * D + H, .kind = TIMELINE_ALERT, .namespace = (char *)"shop-prd",
		 .object = (char *)"Pod/web-5d9f", .reason = (char *)"HighErrorRate"},
		{.time = TD + 9 * D + 3 * H, .kind = TIMELINE_ALERT, .namespace = (char *)"shop-prd",
		 .object = (char *)"Pod/web-5d9f", .reason = (char *)"HighErrorRate resolved"},
	};
	json_t *apps = json_loads(dd_apps, 0, NULL);
	assert_non_null(apps);
	struct dora_sources src = {apps, c, 5, "envs/{env}/{service}", tl, 2};
	struct dora_data d;
	dora_data_build(&d, &src);
	/* dev: aaaa, cccc; prd: 5 */
	assert_int_equal(d.ndeploys, 7);
	struct dora_query q = {.from = TD, .to = TD + 10 * D, .env = "prd"};
	struct dora_report r;
	dora_compute(d.deploys, d.ndeploys, d.incidents, d.nincidents, &q, &shipped, &r);
	assert_int_equal(r.ncards, 1);
	const struct dora_card *k = &r.cards[0];
	assert_string_equal(k->tenant, "shop");
	assert_int_equal(k->ndeploys, 5);
	assert_int_equal(k->nfailed, 3);
	assert_int_equal(k->nrework, 2);
	assert_near(k->metric[DORA_LEAD_TIME].value, 259260, 1e-6);
	assert_near(k->metric[DORA_CHANGE_FAIL_RATE].value, 60, 1e-9);
	assert_near(k->metric[DORA_REWORK_RATE].value, 40, 1e-9);
	assert_int_equal(k->nincidents, 5);
	assert_int_equal(k->nopen, 2);
	assert_near(k->metric[DORA_RECOVERY_TIME].value, 7200, 1e-9);
	/* the first prd deployment happened at Argo CD's deployedAt, not the commit time */
	assert_int_equal(d.deploys[k->deploys[0]].time, TD + 5 * D + 60);
	dora_report_free(&r);
	dora_data_free(&d);
	json_decref(apps);
	for (int i = 0; i < 5; i++)
		free(c[i].paths);
}

static void test_path_match(void **state)
{
	(void)state;
	char env[32], svc[32];
	assert_true(dora_path_match("envs/{env}/{service}", "envs/prd/web/kustomization.yaml",
				    env, sizeof env, svc, sizeof svc));
	assert_string_equal(env, "prd");
	assert_string_equal(svc, "web");
	assert_true(dora_path_match("apps/{service}/overlays/{env}",
				    "apps/cart/overlays/uat/values.yaml", env, sizeof env, svc,
				    sizeof svc));
	assert_string_equal(env, "uat");
	assert_string_equal(svc, "cart");
	assert_false(dora_path_match("envs/{env}/{service}", "base/web/deployment.yaml", env,
				     sizeof env, svc, sizeof svc));
	assert_false(dora_path_match("envs/{env}/{service}", "envs/prd", env, sizeof env, svc,
				     sizeof svc));
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 10,000 deployments of 50 services shipping 100,000 changes, 2,000 incidents, a year:
 * well under a second (the limit here is loose for valgrind; the time is printed). */
static void test_speed(void **state)
{
	(void)state;
	enum { ND = 10000, NC = 10, NI = 2000 };
	static char names[50][16];
	struct dora_deploy *d = xcalloc(ND, sizeof *d);
	long long *ch = xmalloc(ND * NC * sizeof *ch);
	struct dora_incident *inc = xcalloc(NI, sizeof *inc);
	for (int s = 0; s < 50; s++)
		snprintf(names[s], sizeof names[s], "svc-%02d", s);
	for (int i = 0; i < ND; i++) {
		for (int c = 0; c < NC; c++)
			ch[i * NC + c] = T0 + (long long)i * 3000 - (c + 1) * 7919;
		d[i] = (struct dora_deploy){T0 + (long long)i * 3000, names[i % 50], "t", "prd",
					    NULL, ch + i * NC, NC, i % 17 == 0, i % 23 == 0, NULL};
	}
	for (int i = 0; i < NI; i++)
		inc[i] = (struct dora_incident){T0 + (long long)i * 15000 + 600,
						T0 + (long long)i * 15000 + 4000, names[i % 50],
						"t", "prd", NULL};
	struct dora_query q = {.from = T0, .to = T0 + 365 * D, .by = DORA_BY_SERVICE};
	struct dora_report r;
	double t0 = now_s();
	dora_compute(d, ND, inc, NI, &q, &shipped, &r);
	double took = now_s() - t0;
	fprintf(stderr, "dora_compute over %d deployments, %d changes: %.3f s\n", ND, ND * NC,
		took);
	assert_int_equal(r.ncards, 50);
	assert_int_equal(r.cards[0].ndeploys, ND / 50);
	assert_true(took < 10.0);
	dora_report_free(&r);
	free(d);
	free(ch);
	free(inc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_figures),
		cmocka_unit_test(test_example_behind),
		cmocka_unit_test(test_example_weekly),
		cmocka_unit_test(test_partial_week),
		cmocka_unit_test(test_group_by_tenant),
		cmocka_unit_test(test_no_deployments),
		cmocka_unit_test(test_attribution_window),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_level_boundaries),
		cmocka_unit_test(test_thresholds_override),
		cmocka_unit_test(test_thresholds_bad),
		cmocka_unit_test(test_parse_units),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_data_sources),
		cmocka_unit_test(test_path_match),
		cmocka_unit_test(test_speed),
	};
	return cmocka_run_group_tests(tests, load_shipped, clear_shipped);
}
