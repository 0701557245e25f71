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

/* The scanners a finding can come from, as `--source` names them: Trivy Operator's
 * report kinds are "trivy", PolicyReports and Gatekeeper "policy". */
enum findings_scanner {
	FINDINGS_SCANNER_TRIVY,
	FINDINGS_SCANNER_POLICY,
	FINDINGS_SCANNER_SONARQUBE,
	FINDINGS_SCANNER_DEFECTDOJO,
	FINDINGS_SCANNER_HARBOR,
	FINDINGS_SCANNER_COUNT
};

/* "trivy", "policy", "sonarqube", "defectdojo", "harbor". */
const char *findings_scanner_name(enum findings_scanner s);
enum findings_scanner findings_scanner_of(enum finding_source s);
/* A comma list of scanner names ("trivy,harbor") added to *mask (bit 1u << scanner);
 * -1 at an unknown or empty name (mask then unchanged). */
int findings_scanners_parse(const char *list, unsigned *mask);
/* The scanners of mask as a comma list, "all" for 0 (caller frees). */
char *findings_scanners_text(unsigned mask);

/* Which workloads and findings count. Strings are borrowed; NULL or "" matches all. */
struct findings_filter {
	const char *service, *env, *cluster, *tenant;
	bool fixable;             /* count only findings with a fixed version */
	/* only findings from these scanners (bits 1u << findings_scanner); 0: all. A
	 * workload with none of theirs is left out. Counts without a list belong to the
	 * workload's scanner: Image harbor, SonarProject sonarqube, DefectDojoProduct
	 * defectdojo, any other trivy. */
	unsigned scanners;
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

/* Whether w passes the filter's service, environment, cluster, tenant and scanners. */
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
/* The same rows for the screen: Service, Environment, the counts, then Cluster,
 * Namespace, Workload, so the counts stay in view at 80 columns. */
struct table *findings_rows_table_screen(const struct findings_rows *r);

/* The uid findings_rows_table gives w (caller frees). */
char *findings_workload_uid(const struct finding_workload *w);
/* The workload of set with that uid, or NULL. */
const struct finding_workload *findings_workload_by_uid(const struct findings *set,
							 const char *uid);

/* w's findings (fixable only when asked), worst first: ID, Severity, Package,
 * Installed, Fixed, Source, Title; uid = the index in w->items (as text). */
struct table *findings_items_table(const struct finding_workload *w, bool fixable);
/* The same, only the findings that pass f's fixable and scanners (f NULL: all). */
struct table *findings_items_table_filtered(const struct finding_workload *w,
					    const struct findings_filter *f);
/* A describe-like text of one finding of w (caller frees). */
char *findings_item_text(const struct finding_workload *w, const struct finding *f);

/* The table as RFC 4180 CSV: a header row of the column names in upper case, fields
 * with a comma, a double quote, CR or LF quoted (quotes doubled), lines ended CRLF. */
void findings_print_csv(FILE *out, const struct table *t);

/* The table as a Markdown report: "## TITLE", a blank line, a pipe table (integer
 * columns right-aligned; '|' in a cell escaped, line breaks as spaces), and a last row
 * "**Total**" with the sums of the integer columns. No rows: the title and "No
 * findings." instead of the table. */
void findings_print_md(FILE *out, const struct table *t, const char *title);

/* The counts of service's workloads in env (summed; zero when none). */
void findings_service_counts(const struct findings *set, const char *service, const char *env,
			     unsigned out[FINDING_SEVERITY_COUNT]);

#endif
