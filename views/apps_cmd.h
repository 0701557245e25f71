/* opsdeck apps [-o table|json], opsdeck sync APP [...], opsdeck rollback APP [ID] [...]:
 * the Argo CD views for scripts. */
#ifndef OPSDECK_VIEWS_APPS_CMD_H
#define OPSDECK_VIEWS_APPS_CMD_H

#include "core/args.h"

/* cmd is "apps", "sync" or "rollback"; argv holds what follows it. Returns the exit
 * status: 0 success (with --wait: the operation Succeeded), 1 the operation failed or
 * was refused, 2 usage or configuration error. */
int apps_command(const struct global_opts *g, const char *cmd, int argc, char **argv);

#endif
