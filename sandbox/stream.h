/* A long-lived chunked response made of lines produced under the store's lock (the
 * Kubernetes watch, Argo CD's application stream): it waits for changes, wakes each
 * second to notice a client that left, and ends when the sandbox stops. */
#ifndef OPSDECK_SANDBOX_STREAM_H
#define OPSDECK_SANDBOX_STREAM_H

#include "core/strbuf.h"
#include "sandbox/apireq.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct server;

/* Embedded as the first member of the owner's struct (struct watch { struct sbx_stream
 * s; ... }) so the hooks can cast back to it. */
struct sbx_stream {
	struct server *srv;
	struct MHD_Connection *conn;
	/* With the store's lock held and out empty: append whatever is due now
	 * (sbx_stream_put_json), or set done to end the stream, or do nothing to wait for
	 * the next change. */
	void (*produce)(struct sbx_stream *s);
	/* Frees the owner's struct (and so s) once libmicrohttpd is done with it; out is
	 * already freed. */
	void (*release)(struct sbx_stream *s);
	struct strbuf out;   /* produced, not yet sent from out_pos on */
	size_t out_pos;
	bool done;           /* end of stream once out is sent */
};

/* Appends ev as one compact JSON line; takes the reference. */
void sbx_stream_put_json(struct sbx_stream *s, json_t *ev);

/* Sends s as req's response body (content_type, chunked) until it is done. s must have
 * been zeroed; its srv and conn are taken from req. From here libmicrohttpd owns s and
 * calls release when the connection ends. */
void sbx_stream_reply(struct apireq *req, struct sbx_stream *s, const char *content_type,
		      void (*produce)(struct sbx_stream *s), void (*release)(struct sbx_stream *s));

#endif
