/* opsdeck alerts: the alerts Prometheus has firing (and with --all, pending), printed
 * once for scripts and on-call hand-offs. */
#ifndef OPSDECK_VIEWS_ALERTS_CMD_H
#define OPSDECK_VIEWS_ALERTS_CMD_H

#include "core/args.h"

/* opsdeck alerts [-o table|json] [--all]. Returns 0 (printed, possibly none), 1 when
 * Prometheus cannot be reached or answers an error, 2 on bad arguments or when no
 * Prometheus is configured (platform.yaml prometheus.url or OPSDECK_PROMETHEUS_URL). */
int alerts_command(const struct global_opts *g, int argc, char **argv);

#endif
