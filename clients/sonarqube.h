/* A SonarQube Web API client on the event loop: a project's quality gate
 * (/api/qualitygates/project_status) and its unresolved issues (/api/issues/search, all
 * pages), added to a findings set as one "SonarProject" workload. Parsers exposed for tests. */
#ifndef OPSDECK_CLIENTS_SONARQUBE_H
#define OPSDECK_CLIENTS_SONARQUBE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "clients/http.h"
#include "core/findings.h"

struct sonar_client;
struct sonar_call;

/* Where SonarQube is; strings are copied. The token goes as "Authorization: Bearer"
 * (SonarQube 10+, and 9.x user tokens) unless basic_auth is set: then as the basic-auth
 * user with an empty password, which every SonarQube version accepts. */
struct sonar_config {
	const char *url;       /* "https://sonar.example" (a path prefix kept) */
	const char *token;     /* NULL: anonymous */
	bool basic_auth;
	struct http_tls tls;
	long timeout_ms;       /* per request; 0: 10 s */
};

/* One quality gate condition (metric, comparator, threshold, actual value). */
struct sonar_condition {
	char *status;          /* "OK", "WARN", "ERROR" */
	char *metric;          /* "new_coverage" */
	char *comparator;      /* "LT", "GT" */
	char *threshold;       /* errorThreshold, or "" */
	char *actual;          /* actualValue, or "" */
};

struct sonar_gate {
	char *status;                     /* "OK", "WARN", "ERROR", "NONE" */
	struct sonar_condition *failing;  /* conditions whose status is not OK */
	size_t nfailing;
	size_t nconditions;               /* all conditions, failing or not */
};

void sonar_gate_free(struct sonar_gate *g);

/* {"projectStatus":{...}} -> gate; false with err (SonarQube's "errors"[].msg, or what is
 * malformed) and *out empty. */
bool sonar_parse_gate(const json_t *body, struct sonar_gate *out, char *err, size_t errlen);

/* The set's workload of project key: cluster "", namespace "", kind "SonarProject", name
 * the key, created if needed; service set to service when not NULL. */
struct finding_workload *sonar_workload(struct findings *set, const char *key,
					const char *service);

/* Adds one finding per failing condition to w: id "quality-gate/METRIC", severity HIGH
 * (ERROR) or MEDIUM (WARN), link base_url/dashboard?id=KEY. */
void sonar_add_gate(struct finding_workload *w, const struct sonar_gate *gate,
		    const char *base_url);

/* Adds one page of /api/issues/search to w: id the rule, package the component (the
 * "KEY:" prefix dropped) plus ":LINE", title the message, link
 * base_url/project/issues?id=KEY&open=ISSUE. Severity: the highest impacts[].severity
 * when present (BLOCKER critical, HIGH high, MEDIUM medium, LOW and INFO low), else the
 * legacy severity (BLOCKER critical, CRITICAL high, MAJOR medium, MINOR and INFO low).
 * *total gets paging.total (or "total"), *count the issues on this page. */
bool sonar_parse_issues(struct finding_workload *w, const json_t *body, const char *base_url,
			size_t *total, size_t *count, char *err, size_t errlen);

/* ---- client ----------------------------------------------------------------------- */

struct sonar_client *sonar_client_new(struct http *http, const struct sonar_config *cfg);
/* Cancels calls in flight (no callbacks) and frees. */
void sonar_client_free(struct sonar_client *sc);
const char *sonar_client_url(const struct sonar_client *sc);

/* What a project fetch gives: a set with the project's workload (gate findings and
 * issues), and the gate. Both belong to the call and are freed after the callback
 * returns; the callback may take the set by copying *set and zeroing it. */
struct sonar_project {
	struct findings *set;
	const struct sonar_gate *gate;
	size_t issues;         /* issues read over all pages */
	size_t total;          /* what SonarQube says there are (beyond 10000 are not read) */
};

typedef void (*sonar_project_fn)(void *ud, const char *err, const struct sonar_project *p);

/* Fetches the gate of key, then every page of its unresolved issues (500 a page). The
 * callback runs once from the loop, with err NULL and p, or err and p NULL. service
 * (may be NULL) names the workload's service. */
struct sonar_call *sonar_fetch_project(struct sonar_client *sc, const char *key,
				       const char *service, sonar_project_fn done, void *ud);
/* Stops a call before its callback has run; the callback never runs. */
void sonar_call_cancel(struct sonar_call *call);

#endif
