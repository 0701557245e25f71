/* DORA incidents straight from Prometheus: the ALERTS series over the window (a range
 * matrix, fetched in chunks Prometheus accepts), each run of firing points one incident of
 * the service the alert's labels name. Pure; the fetch is views/dora_gather.h's. */
#ifndef OPSDECK_CLIENTS_DORA_ALERTS_H
#define OPSDECK_CLIENTS_DORA_ALERTS_H

#include <stddef.h>

#include "clients/dora_data.h"
#include "clients/prometheus.h"
#include "core/platform.h"
#include "core/timeline.h"

/* Critical and warning alerts count (info and unlabelled ones are not failures in
 * service); pending ones have not fired yet. */
#define DORA_ALERTS_QUERY "ALERTS{alertstate=\"firing\",severity=~\"critical|warning\"}"
#define DORA_ALERTS_STEP_MS 60000LL
/* Prometheus refuses a range query of more than 11,000 points per series. */
#define DORA_ALERTS_MAX_POINTS 11000LL
/* A timeline alert entry is the same alert when seen this long before it fired (its
 * activeAt is when it became pending: the rule's `for` earlier). */
#define DORA_ALERTS_PENDING_SLACK (15 * 60LL)

struct dora_alert_incident {
	long long start, restored;   /* Unix seconds; restored 0: still firing at the end */
	char *service, *tenant, *env, *alertname;
	char *fingerprint;           /* alert_target_fingerprint of the alert's labels */
};

/* Owns its items and their strings. */
struct dora_alerts {
	struct dora_alert_incident *items;
	size_t n, cap;
};

/* The end of the chunk starting at start_ms: at most DORA_ALERTS_MAX_POINTS steps, never
 * past end_ms. The next chunk starts one step after it. */
long long dora_alerts_chunk_end(long long start_ms, long long end_ms, long long step_ms);

/* Appends chunk's series to into (same labels: points appended, so chunks must come in
 * time order); into starts zeroed and is freed with prom_result_free. */
void dora_alerts_merge(struct prom_result *into, const struct prom_result *chunk);

/* Every run of consecutive points (no gap over a step) of a series of m is an incident
 * from its first point to its last point plus a step, open when the run reaches
 * last_ms (the query's last evaluation). Labels map as the triage view maps them
 * (alert_target_map); series with no service or environment are skipped. */
void dora_alerts_from_matrix(struct dora_alerts *out, const struct platform *p,
			     const struct prom_result *m, long long step_ms, long long last_ms);
void dora_alerts_free(struct dora_alerts *a);

/* Shallow copies of the entries of tl that no incident of a already counts (timeline
 * alerts of the same labels from DORA_ALERTS_PENDING_SLACK before the incident to a step
 * after it), for dora_sources.timeline; the caller frees the array only. */
struct timeline_entry *dora_alerts_filter_timeline(const struct dora_alerts *a,
						   const struct timeline_entry *tl, size_t n,
						   long long step_s, size_t *nout);

/* Adds a's incidents to d (after dora_data_build; the strings are copied). */
void dora_alerts_add(struct dora_data *d, const struct dora_alerts *a);

#endif
