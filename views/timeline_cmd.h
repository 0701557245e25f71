/* opsdeck timeline: prints the local timeline (core/timeline.h), newest first. */
#ifndef OPSDECK_VIEWS_TIMELINE_CMD_H
#define OPSDECK_VIEWS_TIMELINE_CMD_H

#include "core/args.h"

/* Runs "opsdeck timeline" with the arguments after "timeline":
 *   [--since DURATION] [--kind event|operation|alert] [-o table|json] [FILE]
 * DURATION is a number with s, m, h or d ("1h"); FILE defaults to
 * timeline_default_path(). 0, 1 when the file cannot be read, 2 on a usage error. */
int timeline_command(const struct global_opts *g, int argc, char **argv);

/* "90s", "15m", "1h", "2d" in seconds; -1 when malformed. */
long long timeline_parse_duration(const char *s);

#endif
