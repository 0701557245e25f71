/* A DefectDojo API v2 client on the event loop: every active finding
 * (/api/v2/findings/?active=true, paged by "next"), added to a findings set with one
 * "DefectDojoProduct" workload per product. Parsers exposed for tests. */
#ifndef OPSDECK_CLIENTS_DEFECTDOJO_H
#define OPSDECK_CLIENTS_DEFECTDOJO_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "clients/http.h"
#include "core/findings.h"

struct dojo_client;
struct dojo_call;

/* Where DefectDojo is; strings are copied. The key goes as "Authorization: Token KEY". */
struct dojo_config {
	const char *url;       /* "https://dojo.example" (a path prefix kept) */
	const char *token;     /* API v2 key; NULL: none */
	struct http_tls tls;
	long timeout_ms;       /* per request; 0: 10 s */
	size_t page_size;      /* limit=; 0: 100 */
};

/* One page of /api/v2/findings/ ({"count","next","results"}) into set. Each finding goes
 * to the workload cluster "", namespace "", kind "DefectDojoProduct", name the product
 * (related_fields.test.engagement.product.name, asked for with related_fields=true), or
 * "test/ID" when the answer does not say. The workload's service is the finding's tag
 * "service:NAME" when it has one, else the product name: name DefectDojo products after
 * the platform's services, or tag findings. The finding: id the first
 * vulnerability_ids[] (else cve, else "DD-ID"), package component_name, installed
 * component_version, title, link base_url/finding/ID, score cvssv3_score; severity
 * Critical/High/Medium/Low, Info as low. Findings with "active": false are skipped.
 * *next gets a copy of "next" (NULL on the last page), *count the results read. */
bool dojo_parse_findings(struct findings *set, const json_t *body, const char *base_url,
			 char **next, size_t *count, char *err, size_t errlen);

/* ---- client ----------------------------------------------------------------------- */

struct dojo_client *dojo_client_new(struct http *http, const struct dojo_config *cfg);
/* Cancels calls in flight (no callbacks) and frees. */
void dojo_client_free(struct dojo_client *dc);
const char *dojo_client_url(const struct dojo_client *dc);

/* A fetch's answer: the set (owned by the call, freed after the callback returns; the
 * callback may take it by copying *set and zeroing it) and how many findings were read. */
struct dojo_result {
	struct findings *set;
	size_t findings;
	size_t count;          /* what the first page's "count" said */
};

typedef void (*dojo_result_fn)(void *ud, const char *err, const struct dojo_result *r);

/* Fetches every page of active findings (following "next", at most 1000 pages). The
 * callback runs once from the loop with err NULL and r, or err and r NULL. */
struct dojo_call *dojo_fetch_active(struct dojo_client *dc, dojo_result_fn done, void *ud);
void dojo_call_cancel(struct dojo_call *call);

#endif
