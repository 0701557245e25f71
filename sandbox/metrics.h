/* The sandbox's GET /metrics: Prometheus text exposition (0.0.4) of per-deployment
 * request counters that climb while pods run, with errors jumping while a deployment has
 * crash-looping pods, and kube-state-metrics-style pod container series. */
#ifndef OPSDECK_SANDBOX_METRICS_H
#define OPSDECK_SANDBOX_METRICS_H

#include "core/strbuf.h"
#include "sandbox/objstore.h"

struct apireq;

/* Per-series accumulators, so counters stay monotonic across scrapes. Guarded by the
 * store's lock (the caller holds it). Zero-initialise; sbx_metrics_free releases. */
struct sbx_metrics {
	struct sbx_metrics_series *series;
	size_t n, cap;
};

/* Advances every deployment's counters to now_ms (elapsed time x its current rate) and
 * appends the exposition to out. st's lock must be held. */
void sbx_metrics_render(struct sbx_metrics *m, struct objstore *st, long long now_ms,
			struct strbuf *out);
void sbx_metrics_free(struct sbx_metrics *m);

/* The route: answers GET /metrics (no authentication, like a service's own metrics
 * port) from a process-wide accumulator set; the store's lock is held. */
void sbx_metrics_handle(struct apireq *req);

#define SBX_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

#endif
