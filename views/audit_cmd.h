/* opsdeck audit: checks the audit log's hash chain (verify) and prints it (log). */
#ifndef OPSDECK_VIEWS_AUDIT_CMD_H
#define OPSDECK_VIEWS_AUDIT_CMD_H

#include "core/args.h"

/* Runs "opsdeck audit" with the arguments after "audit":
 *   verify [FILE]                  0 intact (or absent/empty), 1 a line fails (named on
 *                                  stderr) or the file cannot be read
 *   log [-o table|json] [FILE]     0, 1 when the file cannot be read
 * FILE defaults to audit_default_path(). 2 on a usage error. */
int audit_command(const struct global_opts *g, int argc, char **argv);

#endif
