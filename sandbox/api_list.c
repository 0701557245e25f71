/* Reads: get and list, as JSON or as a meta.k8s.io Table, with label and field selectors
 * and limit/continue paging (opaque tokens like kube-apiserver's). */
#include "sandbox/api.h"

#include "core/xalloc.h"
#include "sandbox/printer.h"
#include "sandbox/selector.h"
#include "sandbox/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static char *api_b64_encode(const char *in)
{
	size_t n = strlen(in);
	char *out = xmalloc(n * 4 / 3 + 5), *o = out;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)in[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)in[i + 2];
		*o++ = b64url[(v >> 18) & 63];
		*o++ = b64url[(v >> 12) & 63];
		if (i + 1 < n)
			*o++ = b64url[(v >> 6) & 63];
		if (i + 2 < n)
			*o++ = b64url[v & 63];
	}
	*o = '\0';
	return out;
}

static char *api_b64_decode(const char *in)
{
	size_t n = strlen(in);
	char *out = xmalloc(n + 1), *o = out;
	unsigned acc = 0, bits = 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = strchr(b64url, in[i]);
		if (!p || !in[i]) {
			free(out);
			return NULL;
		}
		acc = acc << 6 | (unsigned)(p - b64url);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*o++ = (char)((acc >> bits) & 0xff);
		}
	}
	*o = '\0';
	return out;
}

/* Token: base64url of {"v":"meta.k8s.io/v1","rv":N,"start":"ns/name\u0000"} as the API
 * server makes it; we keep the last key returned and resume after it. */
static char *api_continue_token(uint64_t rv, const char *last_key)
{
	json_t *t = json_pack("{s:s,s:I,s:s}", "v", "meta.k8s.io/v1", "rv", (json_int_t)rv,
			      "start", last_key);
	char *text = json_dumps(t, JSON_COMPACT);
	json_decref(t);
	char *tok = api_b64_encode(text);
	free(text);
	return tok;
}

/* Returns 0 and fills *after_key (caller frees); replies 400/410 and returns -1. */
static int api_continue_parse(struct apireq *req, const char *token, char **after_key)
{
	char *text = api_b64_decode(token);
	json_t *t = text ? json_loads(text, 0, NULL) : NULL;
	free(text);
	const char *start = json_string_value(json_object_get(t, "start"));
	json_int_t rv = json_integer_value(json_object_get(t, "rv"));
	if (!start || rv <= 0) {
		json_decref(t);
		api_bad_request(req, "continue key is not valid: illegal base64 data at input byte 0");
		return -1;
	}
	if ((uint64_t)rv < req->cl->evicted_rv) {
		json_decref(t);
		apireq_reply_status(req, 410, "Expired",
				     "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
				     NULL);
		return -1;
	}
	*after_key = xstrdup(start);
	json_decref(t);
	return 0;
}

bool api_wants_table(const struct apireq *req)
{
	const char *accept = apireq_header(req, "Accept");
	return accept && strstr(accept, "as=Table");
}

/* Parses labelSelector and fieldSelector; replies 400 and returns -1 on a bad one. */
int api_selectors(struct apireq *req, struct selector **labels, struct selector **fields)
{
	char err[256];
	*fields = NULL;
	*labels = selector_parse_labels(apireq_query(req, "labelSelector"), err, sizeof err);
	if (!*labels) {
		api_bad_request(req, err);
		return -1;
	}
	*fields = selector_parse_fields(apireq_query(req, "fieldSelector"), err, sizeof err);
	if (!*fields) {
		selector_free(*labels);
		*labels = NULL;
		api_bad_request(req, err);
		return -1;
	}
	return 0;
}

json_t *api_table(const struct apireq *req, const struct resource *res, const json_t *items,
		  const char *rv, const char *cont)
{
	const char *include = apireq_query(req, "includeObject");
	json_t *table = printer_table(res->group, res->plural, res->printer_columns, items,
				      include ? include : "Metadata", rv, cont,
				      req->srv->store.clock());
	const char *accept = apireq_header(req, "Accept");
	/* answer in the Table version the client asked for first */
	if (accept && strstr(accept, "v=v1beta1") &&
	    (!strstr(accept, "v=v1;") || strstr(accept, "v=v1beta1") < strstr(accept, "v=v1;")))
		json_object_set_new(table, "apiVersion", json_string("meta.k8s.io/v1beta1"));
	return table;
}

static unsigned long api_limit(const struct apireq *req)
{
	const char *limit = apireq_query(req, "limit");
	return limit ? strtoul(limit, NULL, 10) : 0;
}

static char *api_list_kind(const struct resource *res)
{
	return xasprintf("%sList", res->kind);
}

static void api_list_reply(struct apireq *req, const struct resource *res, json_t *items,
			   const char *rv, const char *cont)
{
	if (api_wants_table(req)) {
		apireq_reply_json(req, 200, api_table(req, res, items, rv, cont));
		json_decref(items);
		return;
	}
	char *kind = api_list_kind(res), *api_version = resource_api_version(res);
	json_t *meta = json_pack("{s:s}", "resourceVersion", rv);
	if (cont)
		json_object_set_new(meta, "continue", json_string(cont));
	apireq_reply_json(req, 200, json_pack("{s:s,s:s,s:o,s:o}", "kind", kind, "apiVersion",
					       api_version, "metadata", meta, "items", items));
	free(kind);
	free(api_version);
}

void api_list(struct apireq *req, const struct resource *res, const struct route *rt)
{
	struct selector *labels, *fields;
	char *after = NULL;
	const char *token = apireq_query(req, "continue");
	if (token && *token && api_continue_parse(req, token, &after))
		return;
	if (api_selectors(req, &labels, &fields)) {
		free(after);
		return;
	}
	const json_t **objs;
	const char **keys;
	size_t n = objstore_list(req->cl, res, res->namespaced ? rt->ns : "", after, &objs, &keys);
	unsigned long limit = api_limit(req);
	json_t *items = json_array();
	char *cont = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!selector_matches(labels, objs[i]) || !selector_matches(fields, objs[i]))
			continue;
		if (limit && json_array_size(items) == limit) {
			cont = api_continue_token(req->cl->rv, keys[i - 1]);
			break;
		}
		json_array_append(items, (json_t *)objs[i]);
	}
	char rv[24];
	snprintf(rv, sizeof rv, "%llu", (unsigned long long)req->cl->rv);
	api_list_reply(req, res, items, rv, cont);
	free(cont);
	free(objs);
	free(keys);
	free(after);
	selector_free(labels);
	selector_free(fields);
}

void api_get(struct apireq *req, const struct resource *res, const struct route *rt)
{
	const json_t *obj = objstore_get(req->cl, res, rt->ns, rt->name);
	if (!obj) {
		api_not_found(req, res, rt->name);
		return;
	}
	if (!strcmp(rt->sub, "scale")) {
		api_scale_get(req, res, obj);
		return;
	}
	if (api_wants_table(req) && !*rt->sub) {
		json_t *items = json_pack("[O]", obj);
		apireq_reply_json(req, 200, api_table(req, res, items, "", NULL));
		json_decref(items);
		return;
	}
	apireq_reply_json(req, 200, api_object_out(res, obj));
}
