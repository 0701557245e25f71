/* Turns a request path under /clusters/NAME into Kubernetes request attributes, the way
 * kube-apiserver's RequestInfoFactory does (api prefix, group, version, namespace,
 * resource, name, subresource, verb). */
#ifndef OPSDECK_SANDBOX_ROUTE_H
#define OPSDECK_SANDBOX_ROUTE_H

#include <stdbool.h>

#define ROUTE_MAX_PARTS 16

struct route {
	bool is_resource;
	bool legacy_watch;      /* reached through /watch/: the name, if any, is a filter */
	const char *verb;       /* Kubernetes verb */
	char *group, *version, *ns, *resource, *name, *sub;  /* "" when absent */
	char *buf;              /* storage for the strings above */
};

/* path: the part after /clusters/NAME (starts with '/'); method: HTTP method;
 * watch: the watch query parameter was true. Always fills rt (free with route_free). */
void route_parse(struct route *rt, const char *path, const char *method, bool watch);
void route_free(struct route *rt);

#endif
