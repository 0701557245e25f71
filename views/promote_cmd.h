/* opsdeck promote SERVICE --from ENV --to ENV [...], opsdeck promote --revert SHA [...] and
 * opsdeck board [-o table|json]: GitOps promotions and the environment board for scripts. */
#ifndef OPSDECK_VIEWS_PROMOTE_CMD_H
#define OPSDECK_VIEWS_PROMOTE_CMD_H

#include "core/args.h"

/* cmd is "promote" or "board"; argv holds what follows it. Returns the exit status:
 * 0 success (with --wait: the target app reached the new version Synced and Healthy;
 * --dry-run: no gate blocks), 1 refused, blocked, failed or Degraded, 2 usage or
 * configuration error. Usage and the confirmation rules: docs/promote.md. */
int promote_command(const struct global_opts *g, const char *cmd, int argc, char **argv);

#endif
