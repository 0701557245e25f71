/* opsdeck dora: DORA scorecards per service, tenant or environment for scripts and
 * reports (table, JSON, CSV, Markdown). */
#ifndef OPSDECK_VIEWS_DORA_CMD_H
#define OPSDECK_VIEWS_DORA_CMD_H

#include <stdio.h>

#include "core/args.h"
#include "core/dora.h"

/* Runs "opsdeck dora" with the arguments after "dora":
 *   [--service S | --tenant T] [--env E] [--window 30d] [--by service|tenant|env]
 *   [--until RFC3339] [-o table|json|csv|md]
 * --env defaults to prd ("all": every environment); --window to 30d; --by to service
 * (with --tenant T: a row per service of T); --until to now. Data: Argo CD (platform.yaml / argocd config), the GitOps repository of
 * platform.yaml when there is one, the local timeline. Returns 0, 1 when the data cannot
 * be fetched, 2 on a usage or configuration error (a bad thresholds file included). */
int dora_command(const struct global_opts *g, int argc, char **argv);

/* What dora_command prints, from a computed report: format is "table", "json", "csv"
 * or "md"; env and by describe the query for headers. For tests. */
void dora_print(FILE *out, const char *format, const struct dora_report *r,
		const struct dora_query *q, const struct dora_thresholds *t);

#endif
