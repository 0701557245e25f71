/* DORA scorecards: the five delivery metrics of dora.dev computed from deployments and
 * incidents per service, tenant or environment over a window, each with its level, a
 * weekly series for sparklines and the deployments and incidents behind it. Pure: no I/O
 * (thresholds files: core/dora_thresholds.h; gathering the data: clients/dora_data.h). */
#ifndef OPSDECK_CORE_DORA_H
#define OPSDECK_CORE_DORA_H

#include <stdbool.h>
#include <stddef.h>

/* The metrics, in the order dora.dev lists them, with their words for output. */
#define DORA_METRICS(X)                                                              \
	X(DEPLOY_FREQUENCY, "deployment_frequency", "Deploy frequency")              \
	X(LEAD_TIME, "lead_time", "Lead time")                                       \
	X(CHANGE_FAIL_RATE, "change_fail_rate", "Change fail rate")                  \
	X(RECOVERY_TIME, "recovery_time", "Recovery time")                           \
	X(REWORK_RATE, "rework_rate", "Rework rate")

enum dora_metric {
#define DORA_METRIC_ENUM_(id, key, title) DORA_##id,
	DORA_METRICS(DORA_METRIC_ENUM_)
#undef DORA_METRIC_ENUM_
	DORA_METRIC_COUNT
};

/* Levels best first. DORA_LEVEL_NONE: no value, or no thresholds for the metric. */
enum dora_level {
	DORA_LEVEL_NONE = -1,
	DORA_LEVEL_ELITE = 0,
	DORA_LEVEL_HIGH,
	DORA_LEVEL_MEDIUM,
	DORA_LEVEL_LOW,
	DORA_LEVEL_COUNT
};

/* "deployment_frequency" ... and "Deploy frequency" ...; level words "elite", "high",
 * "medium", "low", "n/a". */
const char *dora_metric_key(enum dora_metric m);
const char *dora_metric_title(enum dora_metric m);
const char *dora_level_name(enum dora_level l);

/* Units: deployment frequency in deployments per day; lead time and recovery time in
 * seconds; change fail rate and rework rate in percent (0-100). */
bool dora_metric_higher_is_better(enum dora_metric m);

/* Level bounds per metric: bound[m][ELITE..MEDIUM]; a value gets the best level whose
 * bound it meets (>= for deployment frequency, <= for the others), else LOW. has[m]
 * false: the metric has no levels (its level is always DORA_LEVEL_NONE). */
struct dora_thresholds {
	bool has[DORA_METRIC_COUNT];
	double bound[DORA_METRIC_COUNT][DORA_LEVEL_LOW];
	char *source;     /* "Accelerate State of DevOps Report 2024, https://..." or NULL */
};

enum dora_level dora_level_of(const struct dora_thresholds *t, enum dora_metric m,
			      double value);

/* One deployment (an Argo CD history entry or a GitOps commit to an environment). Every
 * pointer is borrowed and must outlive the report. */
struct dora_deploy {
	long long time;               /* when it finished (Unix seconds) */
	const char *service, *tenant, *env;
	const char *revision;         /* the GitOps commit, for drill-down; may be NULL */
	const long long *change_times; /* commit times of the changes it shipped */
	size_t nchanges;
	bool failed;                  /* the deployment failed or caused a failure */
	bool rework;                  /* unplanned: a rollback, a revert, a fix after a failure */
	const char *note;             /* why failed/rework ("rollback to 2.6.3"), may be NULL */
};

/* One failure in service: a failed deployment, degraded health, an alert. restored 0:
 * not restored yet (left out of the recovery time, counted as open). */
struct dora_incident {
	long long start, restored;
	const char *service, *tenant, *env;
	const char *what;             /* "HighErrorRate", "sync failed", may be NULL */
};

enum dora_group_by { DORA_BY_SERVICE, DORA_BY_TENANT, DORA_BY_ENV };

#define DORA_WEEK (7 * 86400LL)
/* An incident blames the latest deployment of its service and environment that finished
 * at most this long before it started (that deployment then counts as failed). */
#define DORA_ATTRIBUTION_DEFAULT 86400LL

struct dora_query {
	long long from, to;           /* the window [from, to): a deployment at `to` is out */
	enum dora_group_by by;
	const char *env, *service, *tenant;  /* exact filters; NULL: all */
	long long attribution;        /* seconds; 0: DORA_ATTRIBUTION_DEFAULT; <0: none */
};

/* A figure: known false when there is nothing to compute it from (no deployments, no
 * restored incident: printed "n/a"). */
struct dora_value {
	bool known;
	double value;
	enum dora_level level;        /* DORA_LEVEL_NONE when unknown */
};

/* One group's scorecard. Index lists point into the arrays given to dora_compute, in
 * time order; what is behind each figure:
 *   deployment frequency: deploys; lead time: deploys with nchanges > 0;
 *   change fail rate: deploys with report->deploy_failed[i]; recovery time: incidents
 *   (restored ones); rework rate: deploys with rework. */
struct dora_card {
	char *group;                  /* the service, tenant or environment */
	char *tenant;                 /* by service: its tenant ("" when unknown) */
	struct dora_value metric[DORA_METRIC_COUNT];
	size_t ndeploys, nfailed, nrework, nchanges, nincidents, nopen;
	size_t *deploys;              /* indices into the deploys array */
	size_t *incidents;            /* indices into the incidents array */
	struct dora_value *weekly[DORA_METRIC_COUNT];  /* nweeks values each, oldest first */
};

struct dora_report {
	long long from, to;
	size_t nweeks;                /* weeks of the window, the last ending at `to` */
	struct dora_card *cards;      /* sorted by group */
	size_t ncards;
	bool *deploy_failed;          /* per input deploy: failed, or blamed by an incident */
	long *incident_deploy;        /* per input incident: the deploy it blames, or -1 */
	size_t ndeploys_in, nincidents_in;
};

/* Computes every group's card. Groups are those with a deployment or an incident in the
 * window passing the filters, and those that deployed before it (their card counts zero
 * deployments: deployment frequency 0, the other figures n/a). Lead time and recovery
 * time are medians (see dora.c); weekly values use the same definitions over each week (deployment frequency in
 * deployments per day of that week). O((n + changes) log n). thresholds NULL: no levels. */
void dora_compute(const struct dora_deploy *deploys, size_t ndeploys,
		  const struct dora_incident *incidents, size_t nincidents,
		  const struct dora_query *q, const struct dora_thresholds *thresholds,
		  struct dora_report *out);
void dora_report_free(struct dora_report *r);

/* The start of week w (0 oldest) of r; it ends DORA_WEEK later (the first may start
 * before r->from: its figures still only count the window). */
long long dora_week_start(const struct dora_report *r, size_t w);

/* The median of n values (sorted in place); the mean of the middle two when n is even.
 * 0 when n is 0. */
double dora_median(double *v, size_t n);

/* A value for people: "2.3/day", "1.5/week", "3h 20m", "2d 4h", "12.5%", "n/a". */
void dora_format_value(enum dora_metric m, const struct dora_value *v, char *buf,
		       size_t len);

#endif
