/* The API entry point: authentication outcome, the cluster prefix, authorization with
 * kube-apiserver's Forbidden wording, then dispatch to discovery or a resource handler. */
#include "sandbox/api.h"

#include "core/xalloc.h"
#include "sandbox/server.h"

#include <stdio.h>
#include <string.h>

void api_not_found(struct apireq *req, const struct resource *res, const char *name)
{
	char msg[512];
	if (!res || !name || !*name) {
		apireq_reply_status(req, 404, "NotFound",
				     "the server could not find the requested resource", NULL);
		return;
	}
	if (*res->group)
		snprintf(msg, sizeof msg, "%s.%s \"%s\" not found", res->plural, res->group, name);
	else
		snprintf(msg, sizeof msg, "%s \"%s\" not found", res->plural, name);
	apireq_reply_status(req, 404, "NotFound", msg,
			     apireq_details(name, res->group, res->plural));
}

void api_bad_request(struct apireq *req, const char *message)
{
	apireq_reply_status(req, 400, "BadRequest", message, NULL);
}

json_t *api_body_json(struct apireq *req)
{
	json_error_t jerr;
	json_t *obj = json_loadb(strbuf_str(&req->body), req->body.len, 0, &jerr);
	if (!json_is_object(obj)) {
		char msg[300];
		snprintf(msg, sizeof msg, "the request body is not a JSON object: %s", jerr.text);
		json_decref(obj);
		api_bad_request(req, msg);
		return NULL;
	}
	return obj;
}

json_t *api_object_out(const struct resource *res, const json_t *obj)
{
	json_t *out = json_copy((json_t *)obj);
	char *api_version = resource_api_version(res);
	json_object_set_new(out, "apiVersion", json_string(api_version));
	free(api_version);
	return out;
}

static bool api_split_cluster(struct apireq *req, const char **rest)
{
	const char *p = req->path;
	if (strncmp(p, "/clusters/", 10))
		return false;
	p += 10;
	const char *slash = strchr(p, '/');
	size_t n = slash ? (size_t)(slash - p) : strlen(p);
	char name[128];
	if (n == 0 || n >= sizeof name)
		return false;
	memcpy(name, p, n);
	name[n] = '\0';
	req->cl = objstore_cluster_find(&req->srv->store, name);
	*rest = slash ? slash : "/";
	return req->cl != NULL;
}

static bool api_authorize(struct apireq *req, const struct route *rt, const char *rest)
{
	struct auth_attrs at = {
		.is_resource = rt->is_resource, .verb = rt->verb, .group = rt->group,
		.resource = rt->resource, .subresource = *rt->sub ? rt->sub : NULL,
		.ns = rt->ns, .name = rt->name, .path = rest,
	};
	if (auth_allowed(req->who, &at))
		return true;
	char msg[1024];
	auth_forbidden_message(req->who, &at, msg, sizeof msg);
	apireq_reply_status(req, 403, "Forbidden", msg,
			     rt->is_resource ? apireq_details(rt->name, rt->group, rt->resource)
					     : NULL);
	return false;
}

static void api_dispatch_sub(struct apireq *req, const struct resource *res,
			     const struct route *rt)
{
	const char *sub = rt->sub, *v = rt->verb;
	bool known = (!strcmp(sub, "status") && (res->subresources & RES_SUB_STATUS)) ||
		     (!strcmp(sub, "scale") && (res->subresources & RES_SUB_SCALE)) ||
		     (!strcmp(sub, "log") && (res->subresources & RES_SUB_LOG));
	if (!known) {
		api_not_found(req, NULL, NULL);
		return;
	}
	if (!strcmp(sub, "log")) {
		api_logs(req, res, rt);
	} else if (!strcmp(v, "get")) {
		api_get(req, res, rt);
	} else if (!strcmp(v, "update")) {
		api_update(req, res, rt);
	} else if (!strcmp(v, "patch")) {
		api_patch(req, res, rt);
	} else {
		apireq_reply_status(req, 405, "MethodNotAllowed",
				     "the server does not allow this method on the requested resource",
				     NULL);
	}
}

static void api_dispatch(struct apireq *req, const struct resource *res, const struct route *rt)
{
	const char *v = rt->verb;
	if (res->create_only) {
		if (!strcmp(v, "create"))
			api_review(req, res, rt);
		else
			apireq_reply_status(req, 405, "MethodNotAllowed",
					     "the server does not allow this method on the requested resource",
					     NULL);
		return;
	}
	if (*rt->sub) {
		api_dispatch_sub(req, res, rt);
		return;
	}
	if (!strcmp(v, "list"))
		api_list(req, res, rt);
	else if (!strcmp(v, "watch"))
		api_watch(req, res, rt);
	else if (!strcmp(v, "get"))
		api_get(req, res, rt);
	else if (!strcmp(v, "create"))
		api_create(req, res, rt);
	else if (!strcmp(v, "update"))
		api_update(req, res, rt);
	else if (!strcmp(v, "patch"))
		api_patch(req, res, rt);
	else if (!strcmp(v, "delete"))
		api_delete(req, res, rt);
	else if (!strcmp(v, "deletecollection"))
		api_delete_collection(req, res, rt);
	else
		apireq_reply_status(req, 405, "MethodNotAllowed",
				     "the server does not allow this method on the requested resource",
				     NULL);
}

void api_handle(struct apireq *req)
{
	if (!req->who) {
		apireq_reply_status(req, 401, "Unauthorized", "Unauthorized", NULL);
		return;
	}
	const char *rest;
	if (!api_split_cluster(req, &rest)) {
		api_not_found(req, NULL, NULL);
		return;
	}
	struct route rt;
	route_parse(&rt, rest, req->method, apireq_query_bool(req, "watch"));
	if (!api_authorize(req, &rt, rest)) {
		route_free(&rt);
		return;
	}
	if (!rt.is_resource) {
		discovery_handle(req, rest);
		route_free(&rt);
		return;
	}
	const struct resource *res = resource_find(&req->cl->resources, rt.group, rt.version,
						   rt.resource);
	/* a cluster-scoped resource under namespaces/NS/ does not exist, except the
	 * namespace itself */
	if (res && !res->namespaced && *rt.ns && strcmp(res->plural, "namespaces"))
		res = NULL;
	if (!res)
		api_not_found(req, NULL, NULL);
	else
		api_dispatch(req, res, &rt);
	route_free(&rt);
}
