/* opsdeck logs: a pod's, a workload's or an Argo CD application's container logs printed
 * as kubectl logs prints them, optionally followed. */
#ifndef OPSDECK_VIEWS_LOGS_CMD_H
#define OPSDECK_VIEWS_LOGS_CMD_H

#include "core/args.h"

/* Runs "opsdeck logs" with the arguments after "logs". Returns the exit code: 0 at the
 * end of the logs (or on SIGINT/SIGTERM while following), 1 when the target is not found
 * or the server refuses, 2 on a usage or configuration error. */
int logs_command(const struct global_opts *g, int argc, char **argv);

#endif
