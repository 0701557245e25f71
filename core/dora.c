/* DORA scorecards (core/dora.h): the five metrics per group and per week, their levels,
 * and which deployments and incidents each figure stands on.
 *
 * Definitions, from dora.dev ("DORA's software delivery metrics", dora.dev/guides/
 * dora-metrics-four-keys/, and the 2024 Accelerate State of DevOps Report):
 *  - Deployment frequency: "how often application changes are deployed to production".
 *    Here: deployments in the window / days in the window.
 *  - Change lead time: "the time it takes for a code commit or change to be successfully
 *    deployed to production". Here: for every change a deployment shipped, deployment
 *    time - commit time; the figure is the MEDIAN over all those changes, as DORA's own
 *    Four Keys project (github.com/dora-team/fourkeys) reports it: one stale commit in a
 *    big release must not swamp a month of small ones.
 *  - Change fail rate: "the percentage of deployments that cause failures in production,
 *    requiring hotfixes or rollbacks". Here: deployments flagged failed, or blamed by an
 *    incident (the latest deployment of the same service and environment that finished
 *    at most q->attribution before the incident started) / deployments.
 *  - Failed deployment recovery time: "the time it takes to recover from a failed
 *    deployment". Here: the MEDIAN of restored - start over the restored incidents that
 *    started in the window (also Four Keys' choice); open ones are counted apart.
 *  - Deployment rework rate: "the ratio of deployments that are unplanned but happen as a
 *    result of an incident in production". Here: deployments flagged rework (rollbacks,
 *    reverts, fixes after a failure) / deployments.
 * Window boundaries: [from, to); a deployment counts by its finish time, an incident by
 * its start. */
#include "core/dora.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static const char *const metric_keys[] = {
#define DORA_KEY_(id, key, title) key,
	DORA_METRICS(DORA_KEY_)
#undef DORA_KEY_
};
static const char *const metric_titles[] = {
#define DORA_TITLE_(id, key, title) title,
	DORA_METRICS(DORA_TITLE_)
#undef DORA_TITLE_
};

const char *dora_metric_key(enum dora_metric m)
{
	return (unsigned)m < DORA_METRIC_COUNT ? metric_keys[m] : "?";
}

const char *dora_metric_title(enum dora_metric m)
{
	return (unsigned)m < DORA_METRIC_COUNT ? metric_titles[m] : "?";
}

const char *dora_level_name(enum dora_level l)
{
	static const char *const names[] = {"elite", "high", "medium", "low"};
	return l >= DORA_LEVEL_ELITE && l < DORA_LEVEL_COUNT ? names[l] : "n/a";
}

bool dora_metric_higher_is_better(enum dora_metric m)
{
	return m == DORA_DEPLOY_FREQUENCY;
}

enum dora_level dora_level_of(const struct dora_thresholds *t, enum dora_metric m,
			      double value)
{
	if (!t || (unsigned)m >= DORA_METRIC_COUNT || !t->has[m])
		return DORA_LEVEL_NONE;
	bool up = dora_metric_higher_is_better(m);
	for (int l = DORA_LEVEL_ELITE; l < DORA_LEVEL_LOW; l++) {
		double b = t->bound[m][l];
		if (up ? value >= b : value <= b)
			return (enum dora_level)l;
	}
	return DORA_LEVEL_LOW;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double dora_median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- selecting and attributing -------------------------------------------------------- */

/* What the comparators sort by: qsort takes no user pointer, so the arrays travel in
 * thread-local variables (a view may compute in a jobs worker while another does). */
static _Thread_local const struct dora_deploy *sort_deploys;
static _Thread_local const struct dora_incident *sort_incidents;

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static bool matches(const struct dora_query *q, const char *service, const char *tenant,
		    const char *env)
{
	return (!q->env || !strcmp0(q->env, env)) && (!q->service || !strcmp0(q->service, service)) &&
	       (!q->tenant || !strcmp0(q->tenant, tenant));
}

/* By service, environment, then time: the order attribution searches. */
static int cmp_deploy_place(const void *a, const void *b)
{
	const struct dora_deploy *x = &sort_deploys[*(const size_t *)a];
	const struct dora_deploy *y = &sort_deploys[*(const size_t *)b];
	int c = strcmp0(x->service, y->service);
	if (!c)
		c = strcmp0(x->env, y->env);
	if (!c)
		c = (x->time > y->time) - (x->time < y->time);
	return c;
}

static int cmp_deploy_time(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	long long x = sort_deploys[i].time, y = sort_deploys[j].time;
	return x != y ? (x > y) - (x < y) : (i > j) - (i < j);
}

static int cmp_incident_time(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	long long x = sort_incidents[i].start, y = sort_incidents[j].start;
	return x != y ? (x > y) - (x < y) : (i > j) - (i < j);
}

/* The last of the place-sorted deploys (idx[0..n)) of service/env finished at or before
 * t, or -1: a binary search for the first entry after (service, env, t). */
static long last_deploy_before(const struct dora_deploy *d, const size_t *idx, size_t n,
			       const char *service, const char *env, long long t)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct dora_deploy *x = &d[idx[mid]];
		int c = strcmp0(x->service, service);
		if (!c)
			c = strcmp0(x->env, env);
		if (!c)
			c = x->time > t ? 1 : -1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -1;
	const struct dora_deploy *x = &d[idx[lo - 1]];
	if (strcmp0(x->service, service) || strcmp0(x->env, env))
		return -1;
	return (long)idx[lo - 1];
}

/* Marks the deployments incidents blame (report->deploy_failed, incident_deploy). */
static void attribute(const struct dora_deploy *d, size_t nd, const struct dora_incident *inc,
		      size_t ni, const struct dora_query *q, struct dora_report *r)
{
	size_t *idx = xmalloc((nd ? nd : 1) * sizeof *idx), n = 0;
	for (size_t i = 0; i < nd; i++) {
		r->deploy_failed[i] = d[i].failed;
		if (matches(q, d[i].service, d[i].tenant, d[i].env))
			idx[n++] = i;
	}
	for (size_t i = 0; i < ni; i++)
		r->incident_deploy[i] = -1;
	long long window = q->attribution ? q->attribution : DORA_ATTRIBUTION_DEFAULT;
	if (window > 0) {
		sort_deploys = d;
		qsort(idx, n, sizeof *idx, cmp_deploy_place);
		for (size_t i = 0; i < ni; i++) {
			long k = last_deploy_before(d, idx, n, inc[i].service, inc[i].env,
						    inc[i].start);
			if (k >= 0 && inc[i].start - d[k].time <= window) {
				r->incident_deploy[i] = k;
				r->deploy_failed[k] = true;
			}
		}
	}
	free(idx);
}

/* ---- groups ------------------------------------------------------------------------------ */

static const char *group_of(enum dora_group_by by, const char *service, const char *tenant,
			    const char *env)
{
	const char *g = by == DORA_BY_SERVICE ? service : by == DORA_BY_TENANT ? tenant : env;
	return g ? g : "";
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static long group_find(const char *const *keys, size_t n, const char *key)
{
	const char *const *hit = bsearch(&key, keys, n, sizeof *keys, cmp_str_ptr);
	return hit ? (long)(hit - keys) : -1;
}

static bool in_window(const struct dora_query *q, long long t)
{
	return t >= q->from && t < q->to;
}

/* The sorted distinct groups of the selected deploys and incidents (borrowed strings). */
static const char **collect_groups(const struct dora_deploy *d, const size_t *di, size_t nd,
				   const struct dora_incident *inc, const size_t *ii, size_t ni,
				   const struct dora_query *q, size_t *ngroups)
{
	const char **keys = xmalloc((nd + ni + 1) * sizeof *keys);
	size_t n = 0;
	for (size_t k = 0; k < nd; k++)
		keys[n++] = group_of(q->by, d[di[k]].service, d[di[k]].tenant, d[di[k]].env);
	for (size_t k = 0; k < ni; k++)
		keys[n++] = group_of(q->by, inc[ii[k]].service, inc[ii[k]].tenant, inc[ii[k]].env);
	qsort(keys, n, sizeof *keys, cmp_str_ptr);
	size_t u = 0;
	for (size_t k = 0; k < n; k++)
		if (!u || strcmp(keys[u - 1], keys[k]))
			keys[u++] = keys[k];
	*ngroups = u;
	return keys;
}

/* ---- figures ----------------------------------------------------------------------------- */

/* The five figures over deploys dl[0..nd) and incidents il[0..ni) of one group, for a
 * span of `seconds`. */
static void figures(const struct dora_deploy *d, const size_t *dl, size_t nd,
		    const struct dora_incident *inc, const size_t *il, size_t ni,
		    const struct dora_report *r, double seconds, const struct dora_thresholds *t,
		    struct dora_value out[DORA_METRIC_COUNT])
{
	size_t nchanges = 0, nfailed = 0, nrework = 0, nrestored = 0;
	for (size_t k = 0; k < nd; k++) {
		nchanges += d[dl[k]].nchanges;
		nfailed += r->deploy_failed[dl[k]];
		nrework += d[dl[k]].rework;
	}
	double *v = xmalloc((nchanges > ni ? nchanges : ni) * sizeof *v + sizeof *v);
	memset(out, 0, DORA_METRIC_COUNT * sizeof *out);
	out[DORA_DEPLOY_FREQUENCY] = (struct dora_value){seconds > 0, seconds > 0 ?
		(double)nd / (seconds / 86400.0) : 0, DORA_LEVEL_NONE};
	size_t n = 0;
	for (size_t k = 0; k < nd; k++)
		for (size_t c = 0; c < d[dl[k]].nchanges; c++) {
			long long lt = d[dl[k]].time - d[dl[k]].change_times[c];
			v[n++] = lt > 0 ? (double)lt : 0;
		}
	out[DORA_LEAD_TIME] = (struct dora_value){n > 0, dora_median(v, n), DORA_LEVEL_NONE};
	out[DORA_CHANGE_FAIL_RATE] = (struct dora_value){nd > 0, nd ? 100.0 * (double)nfailed /
		(double)nd : 0, DORA_LEVEL_NONE};
	for (size_t k = 0; k < ni; k++) {
		const struct dora_incident *x = &inc[il[k]];
		if (x->restored > 0)
			v[nrestored++] = x->restored > x->start ? (double)(x->restored - x->start) : 0;
	}
	out[DORA_RECOVERY_TIME] = (struct dora_value){nrestored > 0, dora_median(v, nrestored),
						      DORA_LEVEL_NONE};
	out[DORA_REWORK_RATE] = (struct dora_value){nd > 0, nd ? 100.0 * (double)nrework /
		(double)nd : 0, DORA_LEVEL_NONE};
	for (int m = 0; m < DORA_METRIC_COUNT; m++)
		if (out[m].known)
			out[m].level = dora_level_of(t, (enum dora_metric)m, out[m].value);
	free(v);
}

long long dora_week_start(const struct dora_report *r, size_t w)
{
	return r->to - (long long)(r->nweeks - w) * DORA_WEEK;
}

/* The weekly series of one card: each week a contiguous slice of its time-sorted lists. */
static void weekly(const struct dora_deploy *d, const struct dora_incident *inc,
		   struct dora_card *c, const struct dora_report *r,
		   const struct dora_thresholds *t)
{
	struct dora_value week[DORA_METRIC_COUNT];
	for (int m = 0; m < DORA_METRIC_COUNT; m++)
		c->weekly[m] = xcalloc(r->nweeks ? r->nweeks : 1, sizeof *c->weekly[m]);
	size_t d0 = 0, i0 = 0;
	for (size_t w = 0; w < r->nweeks; w++) {
		long long lo = dora_week_start(r, w), hi = lo + DORA_WEEK;
		if (lo < r->from)
			lo = r->from;
		size_t d1 = d0, i1 = i0;
		while (d1 < c->ndeploys && d[c->deploys[d1]].time < hi)
			d1++;
		while (i1 < c->nincidents && inc[c->incidents[i1]].start < hi)
			i1++;
		figures(d, c->deploys + d0, d1 - d0, inc, c->incidents + i0, i1 - i0, r,
			(double)(hi - lo), t, week);
		for (int m = 0; m < DORA_METRIC_COUNT; m++)
			c->weekly[m][w] = week[m];
		d0 = d1;
		i0 = i1;
	}
}

/* Fills the cards' lists from the time-sorted selections. */
static void fill_cards(const struct dora_deploy *d, const size_t *di, size_t nd,
		       const struct dora_incident *inc, const size_t *ii, size_t ni,
		       const struct dora_query *q, const char **keys, struct dora_report *r)
{
	for (size_t k = 0; k < r->ncards; k++) {
		r->cards[k].group = xstrdup(keys[k]);
		r->cards[k].deploys = xmalloc((nd ? nd : 1) * sizeof(size_t));
		r->cards[k].incidents = xmalloc((ni ? ni : 1) * sizeof(size_t));
	}
	for (size_t k = 0; k < nd; k++) {
		const struct dora_deploy *x = &d[di[k]];
		struct dora_card *c = &r->cards[group_find(keys, r->ncards,
				group_of(q->by, x->service, x->tenant, x->env))];
		c->deploys[c->ndeploys++] = di[k];
		c->nchanges += x->nchanges;
		c->nfailed += r->deploy_failed[di[k]];
		c->nrework += x->rework;
		if (!c->tenant && x->tenant)
			c->tenant = xstrdup(x->tenant);
	}
	for (size_t k = 0; k < ni; k++) {
		const struct dora_incident *x = &inc[ii[k]];
		struct dora_card *c = &r->cards[group_find(keys, r->ncards,
				group_of(q->by, x->service, x->tenant, x->env))];
		c->incidents[c->nincidents++] = ii[k];
		c->nopen += x->restored <= 0;
		if (!c->tenant && x->tenant)
			c->tenant = xstrdup(x->tenant);
	}
}

void dora_compute(const struct dora_deploy *deploys, size_t ndeploys,
		  const struct dora_incident *incidents, size_t nincidents,
		  const struct dora_query *q, const struct dora_thresholds *thresholds,
		  struct dora_report *out)
{
	memset(out, 0, sizeof *out);
	out->from = q->from;
	out->to = q->to > q->from ? q->to : q->from;
	out->nweeks = (size_t)((out->to - out->from + DORA_WEEK - 1) / DORA_WEEK);
	out->ndeploys_in = ndeploys;
	out->nincidents_in = nincidents;
	out->deploy_failed = xcalloc(ndeploys ? ndeploys : 1, sizeof *out->deploy_failed);
	out->incident_deploy = xcalloc(nincidents ? nincidents : 1, sizeof *out->incident_deploy);
	attribute(deploys, ndeploys, incidents, nincidents, q, out);

	size_t *di = xmalloc((ndeploys ? ndeploys : 1) * sizeof *di), nd = 0;
	size_t *ii = xmalloc((nincidents ? nincidents : 1) * sizeof *ii), ni = 0;
	for (size_t k = 0; k < ndeploys; k++) {
		const struct dora_deploy *x = &deploys[k];
		if (in_window(q, x->time) && matches(q, x->service, x->tenant, x->env))
			di[nd++] = k;
	}
	for (size_t k = 0; k < nincidents; k++) {
		const struct dora_incident *x = &incidents[k];
		if (in_window(q, x->start) && matches(q, x->service, x->tenant, x->env))
			ii[ni++] = k;
	}
	sort_deploys = deploys;
	sort_incidents = incidents;
	qsort(di, nd, sizeof *di, cmp_deploy_time);
	qsort(ii, ni, sizeof *ii, cmp_incident_time);
	/* A group that deployed before the window but not in it still has its card: zero
	 * deployments in 30 days is a figure a team lead needs to see, not a missing row. */
	size_t *known = xmalloc((ndeploys ? ndeploys : 1) * sizeof *known), nknown = 0;
	for (size_t k = 0; k < ndeploys; k++) {
		const struct dora_deploy *x = &deploys[k];
		if (x->time < q->to && matches(q, x->service, x->tenant, x->env))
			known[nknown++] = k;
	}
	const char **keys = collect_groups(deploys, known, nknown, incidents, ii, ni, q,
					   &out->ncards);
	out->cards = xcalloc(out->ncards ? out->ncards : 1, sizeof *out->cards);
	fill_cards(deploys, di, nd, incidents, ii, ni, q, keys, out);
	for (size_t k = 0; k < nknown; k++) {   /* the tenant of a card without deploys */
		const struct dora_deploy *x = &deploys[known[k]];
		struct dora_card *c = &out->cards[group_find(keys, out->ncards,
				group_of(q->by, x->service, x->tenant, x->env))];
		if (!c->tenant && x->tenant)
			c->tenant = xstrdup(x->tenant);
	}
	free(known);
	for (size_t k = 0; k < out->ncards; k++) {
		struct dora_card *c = &out->cards[k];
		if (!c->tenant)
			c->tenant = xstrdup("");
		figures(deploys, c->deploys, c->ndeploys, incidents, c->incidents, c->nincidents,
			out, (double)(out->to - out->from), thresholds, c->metric);
		weekly(deploys, incidents, c, out, thresholds);
	}
	free(keys);
	free(di);
	free(ii);
}

void dora_report_free(struct dora_report *r)
{
	for (size_t k = 0; k < r->ncards; k++) {
		struct dora_card *c = &r->cards[k];
		free(c->group);
		free(c->tenant);
		free(c->deploys);
		free(c->incidents);
		for (int m = 0; m < DORA_METRIC_COUNT; m++)
			free(c->weekly[m]);
	}
	free(r->cards);
	free(r->deploy_failed);
	free(r->incident_deploy);
	memset(r, 0, sizeof *r);
}

/* ---- words --------------------------------------------------------------------------- */

static void format_duration(double s, char *buf, size_t len)
{
	long long t = (long long)(s + 0.5);
	if (t < 3600)
		snprintf(buf, len, "%lldm", t / 60);
	else if (t < 86400)
		snprintf(buf, len, "%lldh %lldm", t / 3600, t % 3600 / 60);
	else
		snprintf(buf, len, "%lldd %lldh", t / 86400, t % 86400 / 3600);
}

void dora_format_value(enum dora_metric m, const struct dora_value *v, char *buf, size_t len)
{
	if (!v->known) {
		snprintf(buf, len, "n/a");
		return;
	}
	switch (m) {
	case DORA_DEPLOY_FREQUENCY:
		if (v->value >= 1)
			snprintf(buf, len, "%.1f/day", v->value);
		else if (v->value * 7 >= 1)
			snprintf(buf, len, "%.1f/week", v->value * 7);
		else
			snprintf(buf, len, "%.1f/month", v->value * 30);
		break;
	case DORA_LEAD_TIME:
	case DORA_RECOVERY_TIME:
		format_duration(v->value, buf, len);
		break;
	default:
		snprintf(buf, len, "%.1f%%", v->value);
		break;
	}
}
