/* Where a Prometheus alert points on the platform: its labels mapped to the model's
 * service, environment, tenant, app and cluster, and a stable text of the labels. Pure;
 * shared by the triage view and DORA's alert incidents. */
#ifndef OPSDECK_CLIENTS_ALERT_TARGET_H
#define OPSDECK_CLIENTS_ALERT_TARGET_H

#include "clients/prometheus.h"
#include "core/platform.h"

/* Where an alert points. Every field is owned and may be NULL (unknown). */
struct alert_target {
	char *service;
	char *env;
	char *tenant;
	char *app;        /* the Argo CD application: the service's app_pattern in env */
	char *cluster;    /* the label, else the environment's cluster's context */
	char *namespace;  /* the label, else the tenant's namespace in env */
};

/* Maps labels: service (or app.kubernetes.io/name as Prometheus writes it,
 * app_kubernetes_io_name, or app); environment (or env), else the environment whose
 * namespace pattern gives the namespace label for the tenant (or any tenant); tenant,
 * else the service's, else the namespace's prefix. The app is known when the service
 * and the environment are. */
void alert_target_map(const struct platform *p, const struct prom_labels *labels,
		      struct alert_target *out);
void alert_target_free(struct alert_target *t);

/* A stable text of the labels that identify an alert ("alertname=X,service=y,...",
 * sorted), for the timeline's key. The caller frees. */
char *alert_target_fingerprint(const struct prom_labels *labels);

#endif
