/* One HTTP request as the API handlers see it: who sent it, to which cluster, its body,
 * its query and headers, and the helpers that build the response (JSON, Status, stream). */
#ifndef OPSDECK_SANDBOX_APIREQ_H
#define OPSDECK_SANDBOX_APIREQ_H

#include "core/strbuf.h"
#include "sandbox/auth.h"
#include "sandbox/objstore.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>

struct server;

struct apireq {
	struct server *srv;
	struct MHD_Connection *conn;
	const char *method;
	char *raw_uri;            /* path with query, as sent */
	const struct identity *who;
	struct objstore_cluster *cl;
	const char *path;         /* after /clusters/NAME */
	struct strbuf body;
	bool started;             /* the access handler has seen the headers */
	unsigned status;          /* response status, for the log */
	struct MHD_Response *resp;
	json_t *deferred;         /* a JSON reply to serialise once the store is unlocked */
};

const char *apireq_query(const struct apireq *req, const char *key);
/* "true", "1" (and for watch any non-false value) count as true. */
bool apireq_query_bool(const struct apireq *req, const char *key);
const char *apireq_header(const struct apireq *req, const char *key);

/* Responses: each sets req->status and req->resp. json is stolen; its serialisation
 * waits for apireq_finish (after the store lock is released: a 50,000-pod list takes
 * a while to print, and stored objects are immutable, so it may happen unlocked). */
void apireq_reply_json(struct apireq *req, unsigned status, json_t *json);
/* Serialises a deferred JSON reply; call without the store lock. */
void apireq_finish(struct apireq *req);
void apireq_reply_bytes(struct apireq *req, unsigned status, const char *content_type,
			 const char *data, size_t len);
/* A metav1.Status failure: {"kind":"Status",…,"reason":reason,"details":details,"code"}.
 * details (stolen) may be NULL. */
void apireq_reply_status(struct apireq *req, unsigned code, const char *reason,
			  const char *message, json_t *details);
/* Status details {"name":…, "group":…, "kind":…} as the API server fills them. */
json_t *apireq_details(const char *name, const char *group, const char *kind);
/* A chunked stream; reader as libmicrohttpd's content reader (may block, must return
 * MHD_CONTENT_READER_END_OF_STREAM when done), free_cb frees cls. */
void apireq_reply_stream(struct apireq *req, const char *content_type,
			  MHD_ContentReaderCallback reader, void *cls,
			  MHD_ContentReaderFreeCallback free_cb);

#endif
