/* Kubernetes API discovery documents (legacy APIResourceList/APIGroupList and aggregated
 * APIGroupDiscoveryList) parsed into struct kube_discovery. Name resolution is declared
 * in kube.h (kube_discovery_resolve). */
#ifndef OPSDECK_CLIENTS_KUBE_DISCOVERY_H
#define OPSDECK_CLIENTS_KUBE_DISCOVERY_H

#include <stddef.h>

#include <jansson.h>

#include "clients/kube.h"

/* The Accept header preferring aggregated discovery. */
#define KUBE_DISCOVERY_ACCEPT                                                               \
	"application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"              \
	"application/json"

struct kube_discovery *kube_discovery_new(void);
void kube_discovery_free(struct kube_discovery *d);

/* Adds the resources of an APIResourceList (/api/v1, /apis/G/V). A resource already
 * known in the same group (from a more preferred version added earlier) is kept;
 * subresources ("pods/log") are skipped. Returns 0, or -1 with err. */
int kube_discovery_add_legacy(struct kube_discovery *d, const json_t *list, char *err,
			      size_t errlen);
/* Adds an APIGroupDiscoveryList (aggregated /api or /apis): each group's versions are in
 * preference order, so the first version serving a resource wins. Returns 0 or -1. */
int kube_discovery_add_aggregated(struct kube_discovery *d, const json_t *list, char *err,
				  size_t errlen);
/* From an APIGroupList (/apis): the paths to fetch, "/apis/G/V", each group's preferred
 * version first, then its others; NULL-terminated, caller frees each and the array. */
char **kube_discovery_group_paths(const json_t *group_list);
/* From APIVersions (/api): "/api/V" paths, NULL-terminated ("/api/v1" when absent). */
char **kube_discovery_core_paths(const json_t *versions);

#endif
