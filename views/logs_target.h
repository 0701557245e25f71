/* Which pods the logs view follows, read from what other views already hold: an Argo CD
 * app's resource tree names its pods, so the app view opens logs without a refetch. */
#ifndef OPSDECK_VIEWS_LOGS_TARGET_H
#define OPSDECK_VIEWS_LOGS_TARGET_H

#include <stddef.h>

#include <jansson.h>

/* The Pod nodes of tree ({"nodes": [{kind, name, namespace}, ...]}): their names into
 * pods (cap entries, borrowed from tree) and the namespace of the first into *ns (NULL
 * when none). Returns how many there are (may exceed cap). */
size_t logs_tree_pods(const json_t *tree, const char **pods, size_t cap, const char **ns);

#endif
