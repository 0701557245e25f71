/* opsdeck: argument parsing; a batch subcommand or the console. Only main() exits:
 * 0 success, 1 the operation failed, 2 usage or configuration error (DESIGN.md). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/args.h"
#include "views/alerts_cmd.h"
#include "views/apps_cmd.h"
#include "views/promote_cmd.h"
#include "views/audit_cmd.h"
#include "views/audit_report_cmd.h"
#include "views/console.h"
#include "views/dora_cmd.h"
#include "views/findings_cmd.h"
#include "views/get.h"
#include "views/logs_cmd.h"
#include "views/timeline_cmd.h"

static const char usage[] =
	"usage: opsdeck [global flags] [command] [args]\n"
	"\n"
	"Without a command, opsdeck opens the interactive console (press ? in it for help).\n"
	"\n"
	"commands:\n"
	"  get KIND [NAME...] [-n NS | -A] [-l SELECTOR] [--field-selector S] [-o table|wide|json|name]\n"
	"                     list resources as kubectl does, with the server's columns\n"
	"  apps [-o table|json]\n"
	"                     the Argo CD applications: sync, health, operation, revision\n"
	"  sync APP [--prune] [--dry-run] [--revision R] [--resource G:K:N] [--wait]\n"
	"  rollback APP [HISTORY_ID] [--wait]\n"
	"                     start an Argo CD sync or rollback (--confirm APP on a\n"
	"                     protected cluster); with --wait, exit 0 only if it succeeds\n"
	"  board [-o table|json]\n"
	"                     services x environments: the version running in each\n"
	"  promote SERVICE --from ENV --to ENV [--dry-run] [--yes|--confirm APP] [--wait]\n"
	"  promote --revert SHA [--yes|--confirm APP] [--wait]\n"
	"                     promote through the GitOps repository (plan, commit, push,\n"
	"                     sync), or revert a promotion\n"
	"  logs TARGET [-n NS] [-f] [--tail N] [--since D] [-c C] [--previous] [--timestamps] [--prefix]\n"
	"  alerts [-o table|json] [--all]  firing (--all: and pending) Prometheus alerts\n"
	"  findings [--service S] [--env E] [--cluster C] [--fixable] [-o table|json|csv]\n"
	"                     security findings per workload, counts by severity\n"
	"  dora [--service S | --tenant T] [--env E] [--window 30d] [-o table|json|csv|md]  DORA scorecards\n"
	"  timeline [--since 1h] [--kind K] [-o table|json]  warning events, operations, alerts seen\n"
	"  audit verify [FILE] | audit log [-o table|json] [FILE]\n"
	"                     check or print the audit log of every action\n"
	"  report audit [--since 30d] [-o table|md|json|csv] [FILE]\n"
	"                     who did what, where, when: the audit log (chain verified),\n"
	"                     Argo CD history, GitOps promotions, the timeline\n"
	"  version            print opsdeck's version\n"
	"\n"
	"global flags (before or after the command):\n"
	"  --kubeconfig FILE  kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)\n"
	"  --context CTX      kubeconfig context (default: the current context)\n"
	"  --platform FILE    platform model (default: $OPSDECK_PLATFORM, then\n"
	"                     $XDG_CONFIG_HOME/opsdeck/platform.yaml)\n"
	"  --readonly         refuse every change; only reads reach the servers\n"
	"  --audit            read-only audit mode: the auditor's views, secrets never shown\n";

/* A platform file named by --platform or OPSDECK_PLATFORM must exist (the default one
 * may be absent: an empty model), else a typo would read as a platform with nothing in
 * it. Says so on stderr. The console checks the same when it starts. */
static bool platform_missing(const struct global_opts *g)
{
	if (!g->platform || !g->platform_explicit || access(g->platform, R_OK) == 0)
		return false;
	fprintf(stderr, "opsdeck: platform file %s: %s\n", g->platform, strerror(errno));
	return true;
}

int main(int argc, char **argv)
{
	struct global_opts g;
	char err[512];
	char **rest = calloc((size_t)argc + 1, sizeof(char *));
	int nrest = 0;
	if (!rest)
		return 1;
	if (args_parse_global(argc - 1, argv + 1, &g, rest, &nrest, err, sizeof(err)) < 0) {
		fprintf(stderr, "opsdeck: %s\n%s", err, usage);
		free(rest);
		return 2;
	}
	int rc;
	if (g.help || (nrest > 0 && strcmp(rest[0], "help") == 0)) {
		fputs(usage, stdout);
		rc = 0;
	} else if (nrest > 0 && strcmp(rest[0], "version") == 0) {
		puts("opsdeck " OPSDECK_VERSION);
		rc = 0;
	} else if (nrest > 0 && platform_missing(&g)) {
		rc = 2;
	} else if (nrest > 0 && strcmp(rest[0], "get") == 0) {
		rc = get_command(&g, nrest - 1, rest + 1);
	} else if (nrest > 0 && (!strcmp(rest[0], "apps") || !strcmp(rest[0], "sync") ||
				 !strcmp(rest[0], "rollback"))) {
		rc = apps_command(&g, rest[0], nrest - 1, rest + 1);
	} else if (nrest > 0 && (!strcmp(rest[0], "promote") || !strcmp(rest[0], "board"))) {
		rc = promote_command(&g, rest[0], nrest - 1, rest + 1);
	} else if (nrest > 0 && strcmp(rest[0], "logs") == 0) {
		rc = logs_command(&g, nrest - 1, rest + 1);
	} else if (nrest > 0 && strcmp(rest[0], "alerts") == 0) {
		rc = alerts_command(&g, nrest - 1, rest + 1);
	} else if (nrest > 0 && strcmp(rest[0], "findings") == 0) {
		rc = findings_command(&g, nrest - 1, rest + 1);
	} else if (nrest > 0 && strcmp(rest[0], "dora") == 0) {
		rc = dora_command(&g, nrest - 1, rest + 1);
	} else if (nrest > 0 && strcmp(rest[0], "timeline") == 0) {
		rc = timeline_command(&g, nrest - 1, rest + 1);
	} else if (nrest > 0 && strcmp(rest[0], "audit") == 0) {
		rc = audit_command(&g, nrest - 1, rest + 1);
	} else if (nrest > 0 && strcmp(rest[0], "report") == 0) {
		rc = report_command(&g, nrest - 1, rest + 1);
	} else if (nrest > 0) {
		fprintf(stderr, "opsdeck: unknown command \"%s\"\n%s", rest[0], usage);
		rc = 2;
	} else {
		rc = console_run(&g);
	}
	args_global_free(&g);
	free(rest);
	return rc;
}
