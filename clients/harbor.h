/* A Harbor API v2.0 client on the event loop: the scan overview of one artifact
 * (.../artifacts/TAG?with_scan_overview=true) and its vulnerability list
 * (.../artifacts/TAG/additions/vulnerabilities), added to a findings set as one "Image"
 * workload named "repo:tag". Basic auth (a robot account). Parsers exposed for tests. */
#ifndef OPSDECK_CLIENTS_HARBOR_H
#define OPSDECK_CLIENTS_HARBOR_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "clients/http.h"
#include "core/findings.h"

struct harbor_client;
struct harbor_call;

struct harbor_config {
	const char *url;                  /* "https://harbor.example" */
	const char *username, *password;  /* "robot$opsdeck", its secret; NULL: anonymous */
	/* the registry host pods name images by ("registry.example.com"), when it is not
	 * the url's host (a proxy in front of Harbor); NULL: the url's host[:port] */
	const char *registry;
	struct http_tls tls;
	long timeout_ms;                  /* per request; 0: 10 s */
};

/* The artifact's scan_overview (the "vulnerability.report" MIME-type entry). */
struct harbor_overview {
	char *scan_status;         /* "Success", "Running", "Error", ...; "" when never scanned */
	char *severity;            /* the worst: "Critical" ... "None"; "" when unknown */
	unsigned total, fixable;
	unsigned counts[FINDING_SEVERITY_COUNT];  /* summary.summary by severity */
};

void harbor_overview_free(struct harbor_overview *o);

/* An artifact object -> its overview. An artifact without a scan_overview is not an
 * error: scan_status "" and zero counts. False with err when artifact is not an object
 * (Harbor's "errors"[].message when it is an error body). */
bool harbor_parse_overview(const json_t *artifact, struct harbor_overview *out, char *err,
			   size_t errlen);

/* The set's workload of repo:tag: cluster "", namespace "", kind "Image", name "REPO:TAG",
 * image (NULL: unset), service (NULL: unset). */
struct finding_workload *harbor_workload(struct findings *set, const char *repo,
					 const char *tag, const char *image,
					 const char *service);

/* The additions/vulnerabilities body ({MIME: {"vulnerabilities": [...]}}) into w: id,
 * package, installed version, fixed fix_version, title the description's first line,
 * link the first links[], score preferred_cvss.score_v3; severity Critical/High/Medium/
 * Low, Negligible as low, Unknown unknown. *count gets the vulnerabilities read. */
bool harbor_parse_vulnerabilities(struct finding_workload *w, const json_t *body,
				  size_t *count, char *err, size_t errlen);

/* ---- client ----------------------------------------------------------------------- */

struct harbor_client *harbor_client_new(struct http *http, const struct harbor_config *cfg);
void harbor_client_free(struct harbor_client *hc);
const char *harbor_client_url(const struct harbor_client *hc);

/* A fetch's answer: the set (owned by the call; the callback may take it by copying *set
 * and zeroing it), the overview, and how many vulnerabilities the list held. When the
 * list cannot be had but the overview has counts, the counts are added without items. */
struct harbor_result {
	struct findings *set;
	const struct harbor_overview *overview;
	size_t vulnerabilities;
	bool list_read;
};

typedef void (*harbor_result_fn)(void *ud, const char *err, const struct harbor_result *r);

/* Fetches the overview of project/repo:tag, then its vulnerabilities. The workload's
 * image is "REGISTRY/PROJECT/REPO:TAG". The callback runs
 * once from the loop, with err NULL and r, or err and r NULL. service may be NULL. */
struct harbor_call *harbor_fetch_image(struct harbor_client *hc, const char *project,
				       const char *repo, const char *tag, const char *service,
				       harbor_result_fn done, void *ud);
void harbor_call_cancel(struct harbor_call *call);

#endif
