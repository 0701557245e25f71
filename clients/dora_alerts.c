/* Prometheus alerts as DORA incidents (clients/dora_alerts.h): chunked matrices merged,
 * runs of firing points cut into incidents, timeline duplicates left out. */
#include "clients/dora_alerts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clients/alert_target.h"
#include "core/xalloc.h"

long long dora_alerts_chunk_end(long long start_ms, long long end_ms, long long step_ms)
{
	long long last = start_ms + (DORA_ALERTS_MAX_POINTS - 1) * step_ms;
	return last < end_ms ? last : end_ms;
}

static bool labels_equal(const struct prom_labels *a, const struct prom_labels *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->items[i].name, b->items[i].name) ||
		    strcmp(a->items[i].value, b->items[i].value))
			return false;
	return true;
}

static void labels_copy(struct prom_labels *dst, const struct prom_labels *src)
{
	dst->n = src->n;
	dst->items = xcalloc(src->n + 1, sizeof *dst->items);
	for (size_t i = 0; i < src->n; i++) {
		dst->items[i].name = xstrdup(src->items[i].name);
		dst->items[i].value = xstrdup(src->items[i].value);
	}
}

void dora_alerts_merge(struct prom_result *into, const struct prom_result *chunk)
{
	if (!into->result_type)
		into->result_type = xstrdup("matrix");
	for (size_t k = 0; k < chunk->n; k++) {
		const struct prom_series *s = &chunk->series[k];
		struct prom_series *d = NULL;
		/* a handful of alerts per window: a linear search is enough */
		for (size_t i = 0; i < into->n && !d; i++)
			if (labels_equal(&into->series[i].labels, &s->labels))
				d = &into->series[i];
		if (!d) {
			into->series = xrealloc(into->series, (into->n + 1) * sizeof *into->series);
			d = &into->series[into->n++];
			memset(d, 0, sizeof *d);
			labels_copy(&d->labels, &s->labels);
		}
		d->points = xrealloc(d->points, (d->npoints + s->npoints + 1) * sizeof *d->points);
		memcpy(d->points + d->npoints, s->points, s->npoints * sizeof *s->points);
		d->npoints += s->npoints;
	}
}

/* The alert's own labels, as /api/v1/alerts gives them: without the series name and
 * alertstate, so the fingerprint is the one the timeline recorded. */
static char *alert_fingerprint(const struct prom_labels *l)
{
	struct prom_labels own = {xcalloc(l->n + 1, sizeof *own.items), 0};
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].name, "__name__") && strcmp(l->items[i].name, "alertstate"))
			own.items[own.n++] = l->items[i];
	char *fp = alert_target_fingerprint(&own);
	free(own.items);
	return fp;
}

static void add_run(struct dora_alerts *out, const struct alert_target *t, const char *name,
		    const char *fp, long long start_ms, long long restored_ms)
{
	out->items = xgrow(out->items, &out->cap, out->n + 1, sizeof *out->items);
	out->items[out->n++] = (struct dora_alert_incident){
		start_ms / 1000, restored_ms / 1000, xstrdup(t->service),
		xstrdup(t->tenant ? t->tenant : ""), xstrdup(t->env), xstrdup(name ? name : "alert"),
		xstrdup(fp)};
}

static void series_runs(struct dora_alerts *out, const struct prom_series *s,
			const struct alert_target *t, long long step_ms, long long last_ms)
{
	const char *name = prom_labels_get(&s->labels, "alertname");
	char *fp = alert_fingerprint(&s->labels);
	long long first = -1, prev = -1;
	for (size_t i = 0; i < s->npoints; i++) {
		const struct prom_point *pt = &s->points[i];
		if (isnan(pt->value))
			continue;
		if (first >= 0 && pt->time_ms - prev > step_ms) {
			add_run(out, t, name, fp, first, prev + step_ms);
			first = -1;
		}
		if (first < 0)
			first = pt->time_ms;
		prev = pt->time_ms;
	}
	if (first >= 0)
		add_run(out, t, name, fp, first, prev + step_ms > last_ms ? 0 : prev + step_ms);
	free(fp);
}

void dora_alerts_from_matrix(struct dora_alerts *out, const struct platform *p,
			     const struct prom_result *m, long long step_ms, long long last_ms)
{
	for (size_t k = 0; m && k < m->n; k++) {
		struct alert_target t;
		alert_target_map(p, &m->series[k].labels, &t);
		if (t.service && t.env)
			series_runs(out, &m->series[k], &t, step_ms, last_ms);
		alert_target_free(&t);
	}
}

void dora_alerts_free(struct dora_alerts *a)
{
	for (size_t i = 0; i < a->n; i++) {
		struct dora_alert_incident *x = &a->items[i];
		free(x->service);
		free(x->tenant);
		free(x->env);
		free(x->alertname);
		free(x->fingerprint);
	}
	free(a->items);
	memset(a, 0, sizeof *a);
}

/* The key is "alert|FINGERPRINT|STATE|ACTIVE_AT" (timeline_key_alert). */
static bool key_has_fingerprint(const char *key, const char *fp)
{
	size_t n = strlen(fp);
	return key && !strncmp(key, "alert|", 6) && !strncmp(key + 6, fp, n) && key[6 + n] == '|';
}

static bool covered(const struct dora_alerts *a, const struct timeline_entry *e,
		    long long step_s)
{
	if (e->kind != TIMELINE_ALERT)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct dora_alert_incident *x = &a->items[i];
		bool open = x->restored == 0;
		if (e->time >= x->start - DORA_ALERTS_PENDING_SLACK &&
		    (open || e->time <= x->restored + step_s) &&
		    key_has_fingerprint(e->key, x->fingerprint))
			return true;
	}
	return false;
}

struct timeline_entry *dora_alerts_filter_timeline(const struct dora_alerts *a,
						   const struct timeline_entry *tl, size_t n,
						   long long step_s, size_t *nout)
{
	struct timeline_entry *kept = xmalloc((n + 1) * sizeof *kept);
	*nout = 0;
	for (size_t i = 0; i < n; i++)
		if (!covered(a, &tl[i], step_s))
			kept[(*nout)++] = tl[i];
	return kept;
}

static const char *own(struct dora_data *d, const char *s)
{
	d->owned = xgrow(d->owned, &d->owned_cap, d->nowned + 1, sizeof *d->owned);
	return d->owned[d->nowned++] = xstrdup(s);
}

void dora_alerts_add(struct dora_data *d, const struct dora_alerts *a)
{
	for (size_t i = 0; i < a->n; i++) {
		const struct dora_alert_incident *x = &a->items[i];
		d->incidents = xgrow(d->incidents, &d->incidents_cap, d->nincidents + 1,
				     sizeof *d->incidents);
		d->incidents[d->nincidents++] = (struct dora_incident){
			x->start, x->restored, own(d, x->service), own(d, x->tenant),
			own(d, x->env), own(d, x->alertname)};
	}
}
