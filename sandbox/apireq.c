/* Request accessors and response builders shared by every API handler. */
#include "sandbox/apireq.h"

#include <string.h>

const char *apireq_query(const struct apireq *req, const char *key)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

bool apireq_query_bool(const struct apireq *req, const char *key)
{
	const char *v = apireq_query(req, key);
	return v && (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "True"));
}

const char *apireq_header(const struct apireq *req, const char *key)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, key);
}

static void apireq_set(struct apireq *req, unsigned status, struct MHD_Response *resp,
			const char *content_type)
{
	if (req->resp)
		MHD_destroy_response(req->resp);
	json_decref(req->deferred);
	req->deferred = NULL;
	MHD_add_response_header(resp, "Content-Type", content_type);
	MHD_add_response_header(resp, "Cache-Control", "no-cache, private");
	req->status = status;
	req->resp = resp;
}

void apireq_reply_bytes(struct apireq *req, unsigned status, const char *content_type,
			 const char *data, size_t len)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)data,
								    MHD_RESPMEM_MUST_COPY);
	apireq_set(req, status, resp, content_type);
}

static void apireq_free_buf(void *p)
{
	free(p);
}

void apireq_reply_json(struct apireq *req, unsigned status, json_t *json)
{
	if (req->resp) {
		MHD_destroy_response(req->resp);
		req->resp = NULL;
	}
	json_decref(req->deferred);
	req->deferred = json;
	req->status = status;
}

void apireq_finish(struct apireq *req)
{
	if (!req->deferred)
		return;
	char *text = json_dumps(req->deferred, JSON_COMPACT);
	json_decref(req->deferred);
	req->deferred = NULL;
	size_t len = strlen(text);
	struct MHD_Response *resp =
		MHD_create_response_from_buffer_with_free_callback(len, text, apireq_free_buf);
	unsigned status = req->status;
	apireq_set(req, status, resp, "application/json");
}

json_t *apireq_details(const char *name, const char *group, const char *kind)
{
	json_t *d = json_object();
	if (name && *name)
		json_object_set_new(d, "name", json_string(name));
	if (group && *group)
		json_object_set_new(d, "group", json_string(group));
	if (kind && *kind)
		json_object_set_new(d, "kind", json_string(kind));
	return d;
}

void apireq_reply_status(struct apireq *req, unsigned code, const char *reason,
			  const char *message, json_t *details)
{
	json_t *st = json_pack("{s:s,s:s,s:{},s:s,s:s}", "kind", "Status", "apiVersion", "v1",
			       "metadata", "status", "Failure", "message", message);
	if (reason && *reason)
		json_object_set_new(st, "reason", json_string(reason));
	if (details && json_object_size(details))
		json_object_set_new(st, "details", details);
	else
		json_decref(details);
	json_object_set_new(st, "code", json_integer(code));
	apireq_reply_json(req, code, st);
}

void apireq_reply_stream(struct apireq *req, const char *content_type,
			  MHD_ContentReaderCallback reader, void *cls,
			  MHD_ContentReaderFreeCallback free_cb)
{
	struct MHD_Response *resp =
		MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, reader, cls, free_cb);
	apireq_set(req, 200, resp, content_type);
}
