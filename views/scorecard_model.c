/* The :dora view's pure parts (views/scorecard_model.h): arguments, columns for a width,
 * level words and colours, weekly series and the lines behind a card. */
#include "views/scorecard_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeline.h"
#include "core/xalloc.h"

#define DAY 86400LL

int scorecard_parse_args(const char *text, char **name, long long *until, char *err,
			 size_t errlen)
{
	*name = NULL;
	char *copy = xstrdup(text ? text : "");
	int rc = 0;
	char *save = NULL;
	for (char *w = strtok_r(copy, " \t", &save); w && !rc; w = strtok_r(NULL, " \t", &save)) {
		if (!strcmp(w, "--until")) {
			char *v = strtok_r(NULL, " \t", &save);
			long long t = v ? timeline_parse_time(v) : -1;
			if (t < 0) {
				snprintf(err, errlen, "--until takes a time like 2026-11-20T16:00:00Z");
				rc = -1;
			} else {
				*until = t;
			}
		} else if (w[0] == '-' || *name) {
			snprintf(err, errlen, "usage: :dora [--until TIME] [TENANT|SERVICE]");
			rc = -1;
		} else {
			*name = xstrdup(w);
		}
	}
	free(copy);
	if (rc) {
		free(*name);
		*name = NULL;
	}
	return rc;
}

long long scorecard_next_window(long long w)
{
	return w == 30 * DAY ? 90 * DAY : w == 90 * DAY ? 7 * DAY : 30 * DAY;
}

const char *scorecard_level_word(enum dora_level l, bool short_form)
{
	static const char *const words[] = {"elite", "high", "medium", "low"};
	static const char *const letters[] = {"E", "H", "M", "L"};
	if (l < DORA_LEVEL_ELITE || l > DORA_LEVEL_LOW)
		return "";
	return short_form ? letters[l] : words[l];
}

enum theme_element scorecard_level_element(enum dora_level l)
{
	switch (l) {
	case DORA_LEVEL_ELITE: return THEME_DORA_ELITE;
	case DORA_LEVEL_HIGH: return THEME_DORA_HIGH;
	case DORA_LEVEL_MEDIUM: return THEME_DORA_MEDIUM;
	case DORA_LEVEL_LOW: return THEME_DORA_LOW;
	default: return THEME_ROW;
	}
}

const char *scorecard_metric_header(enum dora_metric m)
{
	static const char *const h[] = {"DEPLOY FREQ", "LEAD TIME", "FAIL RATE", "RECOVERY",
					"REWORK"};
	return m >= 0 && m < DORA_METRIC_COUNT ? h[m] : "";
}

const char *scorecard_metric_definition(enum dora_metric m)
{
	static const char *const d[] = {
		"How often a change reaches the environment: deployments per day of the window",
		"From a change's commit to its deployment here: the median",
		"Deployments that failed or caused a failure, out of all deployments",
		"From a failure in service to its restoration: the median of restored incidents",
		"Unplanned deployments (rollbacks, reverts, fixes after a failure), out of all",
	};
	return m >= 0 && m < DORA_METRIC_COUNT ? d[m] : "";
}

/* ---- columns ----------------------------------------------------------------------------- */

static const char *group_header(enum dora_group_by by)
{
	return by == DORA_BY_SERVICE ? "SERVICE" : by == DORA_BY_TENANT ? "TENANT" : "ENVIRONMENT";
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

/* Positions every column from the widths in l; returns the row's width. */
static int place(struct scorecard_layout *l)
{
	int x = 1;   /* a margin, as the tables have */
	l->group_x = x;
	x += l->group_w;
	l->tenant_x = x + 1;
	x += l->tenant_w ? l->tenant_w + 1 : 0;
	l->deploys_x = x + 1;
	x += l->deploys_w ? l->deploys_w + 1 : 0;
	for (int m = 0; m < DORA_METRIC_COUNT; m++) {
		int span = l->value_w[m] + 1 + l->level_w + (l->spark_w ? l->spark_w + 1 : 0);
		span = max_int(span, (int)strlen(scorecard_metric_header((enum dora_metric)m)));
		l->value_x[m] = x + 1;
		l->level_x[m] = l->value_x[m] + l->value_w[m] + 1;
		l->spark_x[m] = l->level_x[m] + l->level_w + 1;
		x += span + 1;
	}
	return l->width = x;
}

static void measure(const struct dora_report *r, enum dora_group_by by,
		    struct scorecard_layout *l, int *level_full)
{
	memset(l, 0, sizeof *l);
	l->group_w = (int)strlen(group_header(by));
	l->tenant_w = by == DORA_BY_SERVICE ? 6 : 0;
	l->deploys_w = 7;
	*level_full = 0;
	for (int m = 0; m < DORA_METRIC_COUNT; m++)
		l->value_w[m] = 3;
	for (size_t k = 0; k < r->ncards; k++) {
		const struct dora_card *c = &r->cards[k];
		l->group_w = max_int(l->group_w, (int)strlen(c->group));
		if (l->tenant_w)
			l->tenant_w = max_int(l->tenant_w, (int)strlen(c->tenant));
		for (int m = 0; m < DORA_METRIC_COUNT; m++) {
			char v[48];
			dora_format_value((enum dora_metric)m, &c->metric[m], v, sizeof v);
			l->value_w[m] = max_int(l->value_w[m], (int)strlen(v));
			*level_full = max_int(*level_full,
					      (int)strlen(scorecard_level_word(c->metric[m].level, false)));
		}
	}
	if (l->group_w > 24)
		l->group_w = 24;
	if (l->tenant_w > 16)
		l->tenant_w = 16;
}

void scorecard_layout_compute(const struct dora_report *r, enum dora_group_by by, int cols,
			      struct scorecard_layout *l)
{
	int level_full;
	measure(r, by, l, &level_full);
	l->level_w = level_full;
	l->spark_w = SCORECARD_SPARK_WEEKS;
	if (place(l) <= cols)
		return;
	l->spark_w = 0;
	if (place(l) <= cols)
		return;
	l->deploys_w = 0;
	if (place(l) <= cols)
		return;
	l->tenant_w = 0;
	if (place(l) <= cols)
		return;
	l->short_levels = true;
	l->level_w = level_full ? 1 : 0;
	int over = place(l) - cols;
	if (over > 0) {
		l->group_w = max_int(6, l->group_w - over);
		place(l);
	}
}

static void put(char *buf, size_t len, int x, const char *text)
{
	size_t at = (size_t)x, n = strlen(text);
	if (at >= len - 1)
		return;
	if (at + n > len - 1)
		n = len - 1 - at;
	memcpy(buf + at, text, n);
}

void scorecard_header_text(const struct scorecard_layout *l, enum dora_group_by by,
			   char *buf, size_t len)
{
	if (len == 0)
		return;
	size_t w = (size_t)l->width < len - 1 ? (size_t)l->width : len - 1;
	memset(buf, ' ', w);
	buf[w] = '\0';
	put(buf, w + 1, l->group_x, group_header(by));
	if (l->tenant_w)
		put(buf, w + 1, l->tenant_x, "TENANT");
	if (l->deploys_w)
		put(buf, w + 1, l->deploys_x, "DEPLOYS");
	for (int m = 0; m < DORA_METRIC_COUNT; m++)
		put(buf, w + 1, l->value_x[m], scorecard_metric_header((enum dora_metric)m));
}

/* ---- data ---------------------------------------------------------------------------------- */

bool scorecard_name_is_tenant(const struct dora_data *d, const char *name)
{
	for (size_t i = 0; d && i < d->ndeploys; i++)
		if (d->deploys[i].tenant && !strcmp(d->deploys[i].tenant, name))
			return true;
	for (size_t i = 0; d && i < d->nincidents; i++)
		if (d->incidents[i].tenant && !strcmp(d->incidents[i].tenant, name))
			return true;
	return false;
}

const struct dora_card *scorecard_find_card(const struct dora_report *r, const char *group)
{
	for (size_t k = 0; r && group && k < r->ncards; k++)
		if (!strcmp(r->cards[k].group, group))
			return &r->cards[k];
	return NULL;
}

void scorecard_weekly(const struct dora_report *r, const char *group, enum dora_metric m,
		      double out[SCORECARD_SPARK_WEEKS])
{
	const struct dora_card *c = scorecard_find_card(r, group);
	size_t n = r ? r->nweeks : 0;
	for (size_t w = 0; w < SCORECARD_SPARK_WEEKS; w++) {
		/* the newest week last: week w of the twelve is week n-12+w of r */
		long k = (long)n - SCORECARD_SPARK_WEEKS + (long)w;
		out[w] = c && k >= 0 && c->weekly[m][k].known ? c->weekly[m][k].value : NAN;
	}
}

static void day_time(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

void scorecard_deploy_line(const struct dora_report *r, const struct dora_data *d, size_t i,
			   char *buf, size_t len)
{
	const struct dora_deploy *dp = &d->deploys[i];
	char when[32], marks[16] = "";
	day_time(dp->time, when, sizeof when);
	bool failed = r && i < r->ndeploys_in ? r->deploy_failed[i] : dp->failed;
	snprintf(marks, sizeof marks, "%s%s%s", failed ? "FAILED" : "",
		 failed && dp->rework ? " " : "", dp->rework ? "REWORK" : "");
	snprintf(buf, len, "%-16s  %-8s %-16s %-8.8s  %-13s  %s", when, dp->env ? dp->env : "",
		 dp->service ? dp->service : "", dp->revision ? dp->revision : "-", marks,
		 dp->note ? dp->note : "");
}

void scorecard_incident_line(const struct dora_data *d, size_t i, char *buf, size_t len)
{
	const struct dora_incident *in = &d->incidents[i];
	char start[32], restored[32] = "open";
	day_time(in->start, start, sizeof start);
	if (in->restored)
		day_time(in->restored, restored, sizeof restored);
	snprintf(buf, len, "%-16s  %-16s  %-8s %-16s %s", start, restored, in->env ? in->env : "",
		 in->service ? in->service : "", in->what ? in->what : "");
}
