/* A Prometheus HTTP API client on the event loop: firing and pending alerts
 * (/api/v1/alerts), rule groups (/api/v1/rules), instant (/api/v1/query) and range
 * (/api/v1/query_range) queries. Parsed into plain structs with every string sanitised.
 * The parsers are exposed for tests. */
#ifndef OPSDECK_CLIENTS_PROMETHEUS_H
#define OPSDECK_CLIENTS_PROMETHEUS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "clients/http.h"

struct prom_client;
struct prom_call;

/* Where Prometheus is (platform.yaml's prometheus: section); strings are copied. */
struct prom_config {
	const char *url;           /* base URL: "http://127.0.0.1:9090" (a path prefix kept) */
	const char *bearer_token;  /* NULL: none */
	struct http_tls tls;
	long timeout_ms;           /* per request; 0: 10 s */
};

struct prom_label {
	char *name, *value;
};

struct prom_labels {
	struct prom_label *items;  /* sorted by name */
	size_t n;
};

/* The value of label name, or NULL. */
const char *prom_labels_get(const struct prom_labels *l, const char *name);

enum prom_alert_state { PROM_ALERT_INACTIVE, PROM_ALERT_PENDING, PROM_ALERT_FIRING };

struct prom_alert {
	struct prom_labels labels;       /* alertname, severity, service, namespace, ... */
	struct prom_labels annotations;  /* summary, description, runbook_url, ... */
	enum prom_alert_state state;
	long long active_at_ms;          /* when it became pending; 0 when unknown */
	double value;
};

struct prom_alerts {
	struct prom_alert *items;
	size_t n;
};

struct prom_rule {
	char *name;                      /* alert name, or the recorded series name */
	bool alerting;                   /* alerting rule (else recording) */
	char *query;
	double duration_s;               /* the rule's "for" */
	char *health;                    /* "ok", "err", "unknown" */
	char *last_error;                /* NULL when none */
	enum prom_alert_state state;     /* alerting rules: the worst of their alerts */
	struct prom_labels labels, annotations;
	struct prom_alerts alerts;       /* alerting rules: their active alerts */
};

struct prom_rule_group {
	char *name, *file;
	double interval_s;
	struct prom_rule *rules;
	size_t nrules;
};

struct prom_rules {
	struct prom_rule_group *groups;
	size_t n;
};

/* One series of a query: an instant vector has one point per series, a range matrix
 * many; a scalar or string result is one series with no labels. */
struct prom_point {
	long long time_ms;
	double value;                    /* NaN and +/-Inf as Prometheus sends them */
};

struct prom_series {
	struct prom_labels labels;
	struct prom_point *points;
	size_t npoints;
};

struct prom_result {
	char *result_type;               /* "vector", "matrix", "scalar", "string" */
	struct prom_series *series;
	size_t n;
	char *warnings;                  /* joined by "; ", NULL when none */
};

void prom_alerts_free(struct prom_alerts *a);
void prom_rules_free(struct prom_rules *r);
void prom_result_free(struct prom_result *r);

/* Parsers of a whole response body ({"status":"success","data":...}); false with err
 * (Prometheus's own "errorType: error" when status is "error", or what is malformed)
 * and out left empty. */
bool prom_parse_alerts(const json_t *body, struct prom_alerts *out, char *err, size_t errlen);
bool prom_parse_rules(const json_t *body, struct prom_rules *out, char *err, size_t errlen);
bool prom_parse_result(const json_t *body, struct prom_result *out, char *err, size_t errlen);

/* ---- client ----------------------------------------------------------------------- */

struct prom_client *prom_client_new(struct http *http, const struct prom_config *cfg);
/* Cancels calls in flight (no callbacks) and frees. */
void prom_client_free(struct prom_client *pc);
const char *prom_client_url(const struct prom_client *pc);

/* Each callback runs once from the loop (never inside the starting call) with err NULL
 * and the parsed answer (valid during the call), or err set and the answer NULL. */
typedef void (*prom_alerts_fn)(void *ud, const char *err, const struct prom_alerts *alerts);
typedef void (*prom_rules_fn)(void *ud, const char *err, const struct prom_rules *rules);
typedef void (*prom_result_fn)(void *ud, const char *err, const struct prom_result *res);

struct prom_call *prom_get_alerts(struct prom_client *pc, prom_alerts_fn done, void *ud);
struct prom_call *prom_get_rules(struct prom_client *pc, prom_rules_fn done, void *ud);
/* time_ms 0: now. */
struct prom_call *prom_query(struct prom_client *pc, const char *query, long long time_ms,
			     prom_result_fn done, void *ud);
struct prom_call *prom_query_range(struct prom_client *pc, const char *query,
				   long long start_ms, long long end_ms, long long step_ms,
				   prom_result_fn done, void *ud);
/* Stops a call before its callback has run; the callback never runs. */
void prom_call_cancel(struct prom_call *call);

#endif
