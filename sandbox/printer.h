/* Server-side Table printing: the columns kubectl shows for each resource, as the
 * Kubernetes API server prints them (meta.k8s.io/v1 Table). */
#ifndef OPSDECK_SANDBOX_PRINTER_H
#define OPSDECK_SANDBOX_PRINTER_H

#include <jansson.h>
#include <time.h>

/* Builds a Table for items (an array of full objects of one resource), in order.
 * group is "" for the core group; resource the plural ("pods", "deployments", …).
 * printer_columns is a CRD version's additionalPrinterColumns array (NULL for built-in
 * resources and CRDs without them; CRDs without them get Name and Age).
 * include_object is "None", "Metadata" (default: PartialObjectMetadata) or "Object".
 * list_rv and continue_token fill the Table's metadata (continue may be NULL).
 * Built-in columns follow kube-apiserver's printers: pods (Name, Ready, Status, Restarts,
 * Age, IP*, Node*, Nominated Node*, Readiness Gates*), nodes, namespaces, deployments,
 * replicasets, statefulsets, services, ingresses, configmaps, secrets, events,
 * customresourcedefinitions; anything else gets Name and Age. (* = priority 1) */
json_t *printer_table(const char *group, const char *resource, const json_t *printer_columns,
		      const json_t *items, const char *include_object, const char *list_rv,
		      const char *continue_token, time_t now);

/* Kubernetes' human duration for an age ("5s", "3m12s", "4h", "2d5h", "45d", "2y"),
 * as k8s.io/apimachinery/pkg/util/duration.HumanDuration prints it. */
void printer_age(long seconds, char *buf, size_t len);

/* Evaluates a simple JSONPath (".status.phase", ".spec.containers[0].image",
 * ".metadata.labels.app") against obj; returns a borrowed reference or NULL. */
json_t *printer_jsonpath(const json_t *obj, const char *path);

#endif
