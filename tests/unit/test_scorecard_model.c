/* Unit tests for views/scorecard_model: :dora's arguments, the window cycle, level words
 * and colours, the columns that fit a width, the twelve-week series and the lines behind
 * a card, on reports computed by core/dora from a small history. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "views/scorecard_model.h"

#define DAY 86400LL
#define T0 1763654400LL   /* 2025-11-20T16:00:00Z: the window's end */

static void test_args(void **state)
{
	(void)state;
	char *name = (char *)1, err[128] = "";
	long long until = 7;
	assert_int_equal(scorecard_parse_args(NULL, &name, &until, err, sizeof err), 0);
	assert_null(name);
	assert_int_equal(until, 7);
	assert_int_equal(scorecard_parse_args(" payments ", &name, &until, err, sizeof err), 0);
	assert_string_equal(name, "payments");
	free(name);
	assert_int_equal(scorecard_parse_args("--until 2025-11-20T16:00:00Z cart", &name, &until,
					      err, sizeof err), 0);
	assert_string_equal(name, "cart");
	assert_int_equal(until, T0);
	free(name);
	assert_int_equal(scorecard_parse_args("--until yesterday", &name, &until, err, sizeof err), -1);
	assert_non_null(strstr(err, "--until"));
	assert_null(name);
	assert_int_equal(scorecard_parse_args("a b", &name, &until, err, sizeof err), -1);
	assert_null(name);
	assert_int_equal(scorecard_parse_args("--window 7d", &name, &until, err, sizeof err), -1);
	assert_int_equal(scorecard_parse_args("--until", &name, &until, err, sizeof err), -1);
}

static void test_window_and_levels(void **state)
{
	(void)state;
	assert_int_equal(scorecard_next_window(30 * DAY), 90 * DAY);
	assert_int_equal(scorecard_next_window(90 * DAY), 7 * DAY);
	assert_int_equal(scorecard_next_window(7 * DAY), 30 * DAY);
	assert_int_equal(scorecard_next_window(12345), 30 * DAY);
	assert_string_equal(scorecard_level_word(DORA_LEVEL_ELITE, false), "elite");
	assert_string_equal(scorecard_level_word(DORA_LEVEL_MEDIUM, false), "medium");
	assert_string_equal(scorecard_level_word(DORA_LEVEL_LOW, true), "L");
	assert_string_equal(scorecard_level_word(DORA_LEVEL_NONE, false), "");
	assert_int_equal(scorecard_level_element(DORA_LEVEL_ELITE), THEME_DORA_ELITE);
	assert_int_equal(scorecard_level_element(DORA_LEVEL_HIGH), THEME_DORA_HIGH);
	assert_int_equal(scorecard_level_element(DORA_LEVEL_MEDIUM), THEME_DORA_MEDIUM);
	assert_int_equal(scorecard_level_element(DORA_LEVEL_LOW), THEME_DORA_LOW);
	assert_int_equal(scorecard_level_element(DORA_LEVEL_NONE), THEME_ROW);
	for (int m = 0; m < DORA_METRIC_COUNT; m++) {
		assert_true(strlen(scorecard_metric_header((enum dora_metric)m)) > 0);
		assert_true(strlen(scorecard_metric_definition((enum dora_metric)m)) > 20);
	}
}

/* A history: "web" (tenant shop) deployed every 2 days for 16 weeks, one failed and one
 * rework; "a-rather-long-service-name-here" (tenant ops) twice; an incident on web. */
static struct dora_deploy deploys[64];
static long long change[64];
static struct dora_incident incidents[1];
static struct dora_data data;

static void history(void)
{
	size_t n = 0;
	for (long long t = T0 - 112 * DAY + DAY; t < T0; t += 2 * DAY, n++) {
		change[n] = t - 3600;
		deploys[n] = (struct dora_deploy){.time = t, .service = "web", .tenant = "shop",
						  .env = "prd", .revision = "0123456789abcdef",
						  .change_times = &change[n], .nchanges = 1};
	}
	deploys[n - 2].failed = true;
	deploys[n - 2].note = "broke checkout";
	deploys[n - 1].rework = true;
	deploys[n - 1].note = "rollback";
	for (int k = 0; k < 2; k++, n++)
		deploys[n] = (struct dora_deploy){.time = T0 - (k + 1) * 3 * DAY,
						  .service = "a-rather-long-service-name-here",
						  .tenant = "ops", .env = "prd"};
	incidents[0] = (struct dora_incident){.start = T0 - 2 * DAY, .restored = T0 - 2 * DAY + 5400,
					      .service = "web", .tenant = "shop", .env = "prd",
					      .what = "HighErrorRate"};
	data = (struct dora_data){.deploys = deploys, .ndeploys = n, .incidents = incidents,
				  .nincidents = 1};
}

static struct dora_thresholds thresholds(void)
{
	struct dora_thresholds t = {0};
	t.has[DORA_DEPLOY_FREQUENCY] = true;
	t.bound[DORA_DEPLOY_FREQUENCY][DORA_LEVEL_ELITE] = 1;
	t.bound[DORA_DEPLOY_FREQUENCY][DORA_LEVEL_HIGH] = 1.0 / 7;
	t.bound[DORA_DEPLOY_FREQUENCY][DORA_LEVEL_MEDIUM] = 1.0 / 30;
	t.has[DORA_CHANGE_FAIL_RATE] = true;
	t.bound[DORA_CHANGE_FAIL_RATE][DORA_LEVEL_ELITE] = 5;
	t.bound[DORA_CHANGE_FAIL_RATE][DORA_LEVEL_HIGH] = 10;
	t.bound[DORA_CHANGE_FAIL_RATE][DORA_LEVEL_MEDIUM] = 15;
	return t;
}

static void report(long long window, enum dora_group_by by, struct dora_report *r)
{
	struct dora_thresholds t = thresholds();
	struct dora_query q = {.from = T0 - window, .to = T0, .by = by, .env = "prd"};
	dora_compute(data.deploys, data.ndeploys, data.incidents, data.nincidents, &q, &t, r);
}

static void test_layout(void **state)
{
	(void)state;
	history();
	struct dora_report r;
	report(30 * DAY, DORA_BY_SERVICE, &r);
	assert_int_equal(r.ncards, 2);
	struct scorecard_layout l;
	scorecard_layout_compute(&r, DORA_BY_SERVICE, 220, &l);
	assert_int_equal(l.spark_w, SCORECARD_SPARK_WEEKS);
	assert_true(l.tenant_w > 0 && l.deploys_w > 0 && !l.short_levels);
	assert_int_equal(l.group_w, 24);   /* long names are cut */
	assert_true(l.width <= 220);
	for (int m = 1; m < DORA_METRIC_COUNT; m++)
		assert_true(l.value_x[m] > l.spark_x[m - 1] + l.spark_w - 1);
	char head[512];
	scorecard_header_text(&l, DORA_BY_SERVICE, head, sizeof head);
	assert_int_equal((int)strlen(head), l.width);
	assert_memory_equal(head + l.group_x, "SERVICE", 7);
	assert_memory_equal(head + l.tenant_x, "TENANT", 6);
	assert_memory_equal(head + l.value_x[DORA_LEAD_TIME], "LEAD TIME", 9);

	scorecard_layout_compute(&r, DORA_BY_SERVICE, 80, &l);
	assert_int_equal(l.spark_w, 0);
	assert_true(l.width <= 80);
	assert_true(l.short_levels ? l.level_w == 1 : l.level_w >= 4);
	for (int m = 0; m < DORA_METRIC_COUNT; m++)
		assert_true(l.level_x[m] + l.level_w <= 80);

	scorecard_layout_compute(&r, DORA_BY_SERVICE, 60, &l);
	assert_true(l.short_levels);
	assert_int_equal(l.level_w, 1);
	assert_int_equal(l.tenant_w, 0);
	assert_int_equal(l.deploys_w, 0);
	assert_true(l.group_w >= 6);
	assert_true(l.width <= 60);
	dora_report_free(&r);

	report(30 * DAY, DORA_BY_TENANT, &r);
	scorecard_layout_compute(&r, DORA_BY_TENANT, 220, &l);
	assert_int_equal(l.tenant_w, 0);   /* the group is the tenant */
	scorecard_header_text(&l, DORA_BY_TENANT, head, sizeof head);
	assert_memory_equal(head + 1, "TENANT", 6);
	dora_report_free(&r);
}

static void test_tenant_and_weeks(void **state)
{
	(void)state;
	history();
	assert_true(scorecard_name_is_tenant(&data, "shop"));
	assert_false(scorecard_name_is_tenant(&data, "web"));
	assert_false(scorecard_name_is_tenant(NULL, "shop"));
	struct dora_report r;
	report(SCORECARD_SPARK_WEEKS * DORA_WEEK, DORA_BY_SERVICE, &r);
	assert_int_equal(r.nweeks, SCORECARD_SPARK_WEEKS);
	double w[SCORECARD_SPARK_WEEKS];
	scorecard_weekly(&r, "web", DORA_DEPLOY_FREQUENCY, w);
	for (int k = 0; k < SCORECARD_SPARK_WEEKS; k++) {
		/* every other day: 3 or 4 a week */
		assert_false(isnan(w[k]));
		assert_true(w[k] >= 3.0 / 7 - 1e-9 && w[k] <= 4.0 / 7 + 1e-9);
	}
	scorecard_weekly(&r, "web", DORA_RECOVERY_TIME, w);
	for (int k = 0; k < SCORECARD_SPARK_WEEKS - 1; k++)
		assert_true(isnan(w[k]));    /* no incident those weeks */
	assert_true(fabs(w[SCORECARD_SPARK_WEEKS - 1] - 5400) < 1e-6);
	scorecard_weekly(&r, "nobody", DORA_DEPLOY_FREQUENCY, w);
	assert_true(isnan(w[0]) && isnan(w[SCORECARD_SPARK_WEEKS - 1]));
	/* a 7-day report has one week: the sparkline's first eleven are missing */
	dora_report_free(&r);
	report(7 * DAY, DORA_BY_SERVICE, &r);
	scorecard_weekly(&r, "web", DORA_DEPLOY_FREQUENCY, w);
	assert_true(isnan(w[0]));
	assert_false(isnan(w[SCORECARD_SPARK_WEEKS - 1]));
	assert_non_null(scorecard_find_card(&r, "web"));
	assert_null(scorecard_find_card(&r, "nobody"));
	dora_report_free(&r);
}

static void test_lines(void **state)
{
	(void)state;
	history();
	struct dora_report r;
	report(30 * DAY, DORA_BY_SERVICE, &r);
	const struct dora_card *c = scorecard_find_card(&r, "web");
	assert_non_null(c);
	char buf[512];
	bool saw_failed = false, saw_rework = false;
	for (size_t i = 0; i < c->ndeploys; i++) {
		scorecard_deploy_line(&r, &data, c->deploys[i], buf, sizeof buf);
		assert_non_null(strstr(buf, " prd "));
		assert_non_null(strstr(buf, "web"));
		assert_non_null(strstr(buf, "01234567 "));   /* the revision, short */
		assert_null(strstr(buf, "89abcdef"));
		if (strstr(buf, "FAILED") && strstr(buf, "broke checkout"))
			saw_failed = true;
		if (strstr(buf, "REWORK") && strstr(buf, "rollback"))
			saw_rework = true;
	}
	assert_true(saw_failed && saw_rework);
	scorecard_deploy_line(&r, &data, 0, buf, sizeof buf);
	assert_memory_equal(buf, "2025-08-01 16:00", 16);
	assert_int_equal(c->nincidents, 1);
	scorecard_incident_line(&data, c->incidents[0], buf, sizeof buf);
	assert_non_null(strstr(buf, "2025-11-18 16:00  2025-11-18 17:30"));
	assert_non_null(strstr(buf, "HighErrorRate"));
	incidents[0].restored = 0;
	scorecard_incident_line(&data, 0, buf, sizeof buf);
	assert_non_null(strstr(buf, "open"));
	dora_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_window_and_levels),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_tenant_and_weeks),
		cmocka_unit_test(test_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
