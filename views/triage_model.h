/* The triage view's model, without a screen: an alert's labels mapped to the platform's
 * service, environment, tenant, app and cluster; an app's history as the list of what
 * changed; the rollback target. Pure functions, tested in tests/unit/test_triage.c. */
#ifndef OPSDECK_VIEWS_TRIAGE_MODEL_H
#define OPSDECK_VIEWS_TRIAGE_MODEL_H

#include <stddef.h>

#include <jansson.h>

#include "clients/prometheus.h"
#include "core/platform.h"

/* Where an alert points. Every field is owned and may be NULL (unknown). */
struct triage_target {
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
void triage_map_labels(const struct platform *p, const struct prom_labels *labels,
		       struct triage_target *out);
void triage_target_free(struct triage_target *t);

/* One entry of an app's history, newest first. Strings owned, never NULL ("" unknown). */
struct triage_change {
	long id;
	char *revision;
	char *previous_revision;  /* the entry before it ("" for the oldest) */
	char *deployed_at;        /* RFC 3339 as Argo CD says it */
	char *author;             /* from the revision metadata, "" when not fetched */
	char *message;            /* the commit message's first line */
	char *path;               /* the source path ("envs/pre/catalog"), "" when none */
};

/* The changes of app (an Application) with metadata ({revision: {author, message}},
 * may be NULL), newest first; *out is an array freed with triage_changes_free. */
size_t triage_changes(const json_t *app, const json_t *metadata, struct triage_change **out);
void triage_changes_free(struct triage_change *c, size_t n);

/* The history id a rollback goes to: the newest entry older than the deployed one
 * whose revision differs from it (a re-sync of the same bad revision is no way back);
 * 0 when there is none. */
long triage_rollback_id(const json_t *app);

/* A stable text of the labels that identify an alert ("alertname=X,service=y,...",
 * sorted), for the timeline's key. The caller frees. */
char *triage_alert_fingerprint(const struct prom_labels *labels);

#endif
