/* Gathering DORA's sources, shared by `opsdeck dora` and the :dora view: the GitOps
 * repository's history (libgit2: on a worker thread in the console), the timeline and
 * Prometheus's alerts (on the loop). */
#ifndef OPSDECK_VIEWS_DORA_GATHER_H
#define OPSDECK_VIEWS_DORA_GATHER_H

#include <stdbool.h>
#include <stddef.h>

#include "clients/dora_alerts.h"
#include "clients/gitops_history.h"
#include "clients/prometheus.h"
#include "clients/promote.h"
#include "core/platform.h"
#include "core/timeline.h"

/* Commits this long before the window are read too: a prd deployment's change was
 * committed in dev days or weeks earlier. */
#define DORA_GIT_LOOKBACK (120 * 86400LL)
/* The timeline is read from this long before the window (an incident under way). */
#define DORA_TIMELINE_LOOKBACK 86400LL

/* What reading the history needs, copied off the platform so a worker can use it while
 * the loop thread changes the platform. */
struct dora_git_source {
	bool has_repo;                /* false: platform.yaml names no GitOps repository */
	struct promote_remote pr;
	char *under;                  /* the folder above the {env}/{service} words */
};

/* Fills s from p (on the thread that owns p). 0; -1 with err when the repository is
 * named but its credentials cannot be read. */
int dora_git_source_init(struct dora_git_source *s, const struct platform *p, char *err,
			 size_t errlen);
void dora_git_source_clear(struct dora_git_source *s);

/* Fetches the repository into its cache (under the lock promotions take) and reads the
 * commits since `since`, oldest first: nothing when there is no repository. Blocking:
 * a worker thread or a batch command. 0, or -1 with err. */
int dora_git_read(const struct dora_git_source *s, long long since,
		  struct gitops_history_commit **commits, size_t *n, char *err, size_t errlen);

/* The local timeline since `since`; l is empty when there is none. -1 with err when the
 * file could not be read (l empty: DORA goes on without it). */
int dora_timeline_read(long long since, struct timeline_list *l, char *err, size_t errlen);

/* The ALERTS matrix (DORA_ALERTS_QUERY) over [from, min(to, now)], asked in chunks of
 * at most DORA_ALERTS_MAX_POINTS steps one after the other and merged. done runs once
 * from the loop: err NULL with the matrix (valid during the call) and last_ms, the last
 * evaluation time (an incident reaching it is open); or err set and matrix NULL. */
typedef void (*dora_prom_fn)(void *ud, const char *err, const struct prom_result *matrix,
			     long long last_ms);
struct dora_prom_fetch;
/* NULL (done never runs) when the first query cannot be started. pc must outlive it. */
struct dora_prom_fetch *dora_prom_fetch_start(struct prom_client *pc, long long from,
					      long long to, dora_prom_fn done, void *ud);
/* Before done has run: stops, done never runs. */
void dora_prom_fetch_cancel(struct dora_prom_fetch *f);

/* For batch commands: resolves platform_path's prometheus: section and reads the
 * incidents of [from, to] on a loop of its own, mapped with p. 0 with out filled, 1 when
 * no Prometheus is configured (out empty), -1 with err (out empty). */
int dora_prom_read(const char *platform_path, const struct platform *p, long long from,
		   long long to, struct dora_alerts *out, char *err, size_t errlen);

#endif
