/* opsdeck get: the resource table rendered once to stdout, printed as kubectl prints it. */
#ifndef OPSDECK_VIEWS_GET_H
#define OPSDECK_VIEWS_GET_H

#include "core/args.h"

/* Runs "opsdeck get" with the arguments after "get". Returns the exit code: 0, 1 when the
 * operation failed (server error, not found), 2 on a usage or configuration error. */
int get_command(const struct global_opts *g, int argc, char **argv);

#endif
