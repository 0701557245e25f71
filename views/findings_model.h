/* The findings view's pure parts: the rows (one per workload, or per service,
 * environment or cluster when grouped) counted by severity, fixable-only, sorted worst
 * first; a workload's findings as a table and as text; CSV output. No screen, no network:
 * tested alone. */
#ifndef OPSDECK_VIEWS_FINDINGS_MODEL_H
#define OPSDECK_VIEWS_FINDINGS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/findings.h"
#include "core/table.h"

enum findings_group {
	FINDINGS_GROUP_NONE,      /* one row per workload */
	FINDINGS_GROUP_SERVICE,
	FINDINGS_GROUP_ENV,
	FINDINGS_GROUP_CLUSTER,
	FINDINGS_GROUP_COUNT
};

/* "workload", "service", "environment", "cluster". */
const char *findings_group_name(enum findings_group g);

/* Which workloads and findings count. Strings are borrowed; NULL or "" matches all. */
struct findings_filter {
	const char *service, *env, *cluster;
	bool fixable;             /* count only findings with a fixed version */
};

/* One row: a workload (group NONE), or a group's totals. */
struct findings_row {
	const struct finding_workload *w;   /* borrowed from the set; NULL for a group */
	char *key;                          /* the group's value ("" for none); NULL for a workload */
	size_t nworkloads;                  /* a group's workloads */
	unsigned counts[FINDING_SEVERITY_COUNT];
};

struct findings_rows {
	enum findings_group group;
	struct findings_row *v;
	size_t n;
};

/* Whether w passes the filter's service, environment and cluster. */
bool findings_filter_match(const struct findings_filter *f, const struct finding_workload *w);

/* w's counts: its own counts, or with fixable only those of its findings with a fix. */
void findings_workload_counts(const struct finding_workload *w, bool fixable,
			      unsigned out[FINDING_SEVERITY_COUNT]);

/* Worst first: more critical, then more high, medium, low, unknown; 0 when equal. */
int findings_counts_cmp(const unsigned a[FINDING_SEVERITY_COUNT],
			const unsigned b[FINDING_SEVERITY_COUNT]);

/* The rows of set (borrowed: it must outlive them) that pass f, grouped by g, worst
 * first, then by service, environment, cluster, namespace, name (or the group's key).
 * Free with findings_rows_free. */
void findings_rows_build(const struct findings *set, const struct findings_filter *f,
			 enum findings_group g, struct findings_rows *out);
void findings_rows_free(struct findings_rows *r);

/* The rows as a table. Workloads: Service, Environment, Cluster, Namespace, Workload
 * ("Kind/name"), Critical, High, Medium, Low, Unknown (integer columns); identity
 * uid "cluster/namespace/Kind/name". Groups: the group's name, Workloads, then the
 * counts; uid the key. */
struct table *findings_rows_table(const struct findings_rows *r);

/* The uid findings_rows_table gives w (caller frees). */
char *findings_workload_uid(const struct finding_workload *w);
/* The workload of set with that uid, or NULL. */
const struct finding_workload *findings_workload_by_uid(const struct findings *set,
							 const char *uid);

/* w's findings (fixable only when asked), worst first: ID, Severity, Package,
 * Installed, Fixed, Title, Source; uid = the index in w->items (as text). */
struct table *findings_items_table(const struct finding_workload *w, bool fixable);
/* A describe-like text of one finding of w (caller frees). */
char *findings_item_text(const struct finding_workload *w, const struct finding *f);

/* The table as RFC 4180 CSV: a header row of the column names in upper case, fields
 * with a comma, a double quote, CR or LF quoted (quotes doubled), lines ended CRLF. */
void findings_print_csv(FILE *out, const struct table *t);

/* The counts of service's workloads in env (summed; zero when none). */
void findings_service_counts(const struct findings *set, const char *service, const char *env,
			     unsigned out[FINDING_SEVERITY_COUNT]);

#endif
