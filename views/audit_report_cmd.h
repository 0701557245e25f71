/* opsdeck report audit [--since 30d] [-o table|md|json|csv] [FILE]: the auditor's report
 * (core/audit_report.h) gathered from the audit file, Argo CD, the GitOps repository and
 * the timeline, reading only; and the printers the console's views share. */
#ifndef OPSDECK_VIEWS_AUDIT_REPORT_CMD_H
#define OPSDECK_VIEWS_AUDIT_REPORT_CMD_H

#include <stdio.h>

#include "clients/gitops_history.h"
#include "core/args.h"
#include "core/audit_report.h"

/* Adds the commits (as gitops_history gives them) to r: env and service from the first
 * changed path matching pattern ("envs/{env}/{service}"; NULL: that default). */
void audit_report_add_commits(struct audit_report *r, const struct gitops_history_commit *c,
			      size_t n, const char *pattern);

/* The chain's verdict as one sentence: "PATH: intact, 12 records, last hash H",
 * "PATH: chain BROKEN: line 3: hash does not match". */
void audit_report_chain_text(const struct audit_report *r, const char *path, char *buf,
			     size_t len);

/* Prints r as format ("table", "md", "json", "csv"); path names the audit file. */
void audit_report_print(FILE *out, const char *format, const struct audit_report *r,
			const char *path);

/* `opsdeck report KIND ...` (KIND: audit). Exit status: 0; 1 when the audit chain is
 * broken or the file unreadable (the report is still printed); 2 usage. */
int report_command(const struct global_opts *g, int argc, char **argv);

#endif
