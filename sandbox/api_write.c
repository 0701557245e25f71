/* Writes: create (generateName, 409 AlreadyExists), update (409 Conflict on a stale
 * resourceVersion), patch (merge, strategic, JSON patch), delete with propagation and
 * deletecollection; the status and scale subresources; dryRun=All changes nothing. */
#include "sandbox/api.h"

#include "core/xalloc.h"
#include "sandbox/patch.h"
#include "sandbox/selector.h"
#include "sandbox/server.h"

#include <stdio.h>
#include <string.h>

static bool api_dry_run(const struct apireq *req)
{
	const char *d = apireq_query(req, "dryRun");
	return d && *d;
}

static void api_qualified(const struct resource *res, char *buf, size_t len)
{
	if (*res->group)
		snprintf(buf, len, "%s.%s", res->plural, res->group);
	else
		snprintf(buf, len, "%s", res->plural);
}

/* Replies for a failed store write, in kube-apiserver's words. */
static void api_store_error(struct apireq *req, const struct resource *res,
			    enum objstore_status rc, const char *name, const char *ns)
{
	char q[256], msg[1024];
	api_qualified(res, q, sizeof q);
	switch (rc) {
	case OBJSTORE_EXISTS:
		snprintf(msg, sizeof msg, "%s \"%s\" already exists", q, name);
		apireq_reply_status(req, 409, "AlreadyExists", msg,
				     apireq_details(name, res->group, res->plural));
		break;
	case OBJSTORE_CONFLICT:
		snprintf(msg, sizeof msg,
			 "Operation cannot be fulfilled on %s \"%s\": the object has been modified; "
			 "please apply your changes to the latest version and try again",
			 q, name);
		apireq_reply_status(req, 409, "Conflict", msg,
				     apireq_details(name, res->group, res->plural));
		break;
	case OBJSTORE_NOT_FOUND:
		api_not_found(req, res, name);
		break;
	case OBJSTORE_NO_NAMESPACE:
		snprintf(msg, sizeof msg, "namespaces \"%s\" not found", ns);
		apireq_reply_status(req, 404, "NotFound", msg,
				     apireq_details(ns, "", "namespaces"));
		break;
	default:
		snprintf(msg, sizeof msg,
			 "%s \"%s\" is invalid: metadata.name: Required value: name or generateName is required",
			 res->kind, name ? name : "");
		apireq_reply_status(req, 422, "Invalid", msg,
				     apireq_details(name, res->group, res->kind));
		break;
	}
}

/* Checks the body names the same type and namespace as the URL, and fills them in. */
static bool api_check_body(struct apireq *req, const struct resource *res,
			   const struct route *rt, json_t *obj)
{
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	if (kind && strcmp(kind, res->kind)) {
		char msg[512];
		snprintf(msg, sizeof msg, "the server could not process kind %s at %s", kind,
			 res->plural);
		api_bad_request(req, msg);
		return false;
	}
	json_t *meta = json_object_get(obj, "metadata");
	if (!json_is_object(meta)) {
		meta = json_object();
		json_object_set_new(obj, "metadata", meta);
	}
	const char *ns = json_string_value(json_object_get(meta, "namespace"));
	if (res->namespaced && ns && *ns && *rt->ns && strcmp(ns, rt->ns)) {
		api_bad_request(req, "the namespace of the provided object does not match the namespace sent on the request");
		return false;
	}
	if (res->namespaced && *rt->ns)
		json_object_set_new(meta, "namespace", json_string(rt->ns));
	return true;
}

void api_create(struct apireq *req, const struct resource *res, const struct route *rt)
{
	json_t *obj = api_body_json(req);
	if (!obj)
		return;
	if (!api_check_body(req, res, rt, obj)) {
		json_decref(obj);
		return;
	}
	/* the server assigns identity; a uid in the body is ignored as kube-apiserver does */
	json_object_del(json_object_get(obj, "metadata"), "uid");
	const char *given = json_string_value(json_object_get(json_object_get(obj, "metadata"),
							       "name"));
	char *name = xstrdup(given ? given : "");
	const json_t *stored;
	enum objstore_status rc = objstore_create(&req->srv->store, req->cl, res, obj, api_dry_run(req),
					    &stored);
	if (rc)
		api_store_error(req, res, rc, name, rt->ns);
	else
		apireq_reply_json(req, 201, api_object_out(res, stored));
	free(name);
}

/* What an update of the main resource or of /status may change: the main resource keeps
 * the stored status when status is a subresource, /status keeps everything else. */
static json_t *api_merge_for_sub(const struct resource *res, const struct route *rt,
				 const json_t *old, json_t *obj)
{
	if (!strcmp(rt->sub, "status")) {
		json_t *out = json_deep_copy(old);
		json_t *status = json_object_get(obj, "status");
		if (status)
			json_object_set(out, "status", status);
		json_t *rv = json_object_get(json_object_get(obj, "metadata"), "resourceVersion");
		if (rv)
			json_object_set(json_object_get(out, "metadata"), "resourceVersion", rv);
		json_decref(obj);
		return out;
	}
	if (res->subresources & RES_SUB_STATUS) {
		json_t *status = json_object_get(old, "status");
		if (status)
			json_object_set(obj, "status", status);
		else
			json_object_del(obj, "status");
	}
	return obj;
}

static void api_store_update(struct apireq *req, const struct resource *res,
			     const struct route *rt, json_t *obj, const json_t *old)
{
	obj = api_merge_for_sub(res, rt, old, obj);
	const json_t *stored;
	enum objstore_status rc = objstore_update(&req->srv->store, req->cl, res, obj, api_dry_run(req),
					    &stored);
	if (rc)
		api_store_error(req, res, rc, rt->name, rt->ns);
	else
		apireq_reply_json(req, 200, api_object_out(res, stored));
}

void api_update(struct apireq *req, const struct resource *res, const struct route *rt)
{
	const json_t *old = objstore_get(req->cl, res, rt->ns, rt->name);
	if (!old) {
		api_not_found(req, res, rt->name);
		return;
	}
	json_t *obj = api_body_json(req);
	if (!obj)
		return;
	if (!strcmp(rt->sub, "scale")) {
		api_scale_apply(req, res, rt, old, obj);
		return;
	}
	const char *name = json_string_value(json_object_get(json_object_get(obj, "metadata"),
							     "name"));
	if (name && strcmp(name, rt->name)) {
		char msg[600];
		snprintf(msg, sizeof msg,
			 "the name of the object (%s) does not match the name on the URL (%s)", name,
			 rt->name);
		json_decref(obj);
		api_bad_request(req, msg);
		return;
	}
	if (!api_check_body(req, res, rt, obj)) {
		json_decref(obj);
		return;
	}
	json_object_set_new(json_object_get(obj, "metadata"), "name", json_string(rt->name));
	api_store_update(req, res, rt, obj, old);
}

void api_patch(struct apireq *req, const struct resource *res, const struct route *rt)
{
	const json_t *old = objstore_get(req->cl, res, rt->ns, rt->name);
	if (!old) {
		api_not_found(req, res, rt->name);
		return;
	}
	const char *ct = apireq_header(req, "Content-Type");
	if (ct && !strncmp(ct, "application/apply-patch", 23)) {
		apireq_reply_status(req, 415, "UnsupportedMediaType",
				     "the sandbox does not support server-side apply", NULL);
		return;
	}
	bool scale = !strcmp(rt->sub, "scale");
	json_t *base = scale ? api_scale_of(res, old) : json_incref((json_t *)old);
	int status = 0;
	char err[512];
	json_t *obj = patch_apply(base, ct ? ct : "", strbuf_str(&req->body), req->body.len,
				  &status, err, sizeof err);
	json_decref(base);
	if (!obj) {
		apireq_reply_status(req, (unsigned)(status ? status : 400),
				     status == 415 ? "UnsupportedMediaType"
				     : status == 422 ? "Invalid" : "BadRequest",
				     err, NULL);
		return;
	}
	if (scale) {
		api_scale_apply(req, res, rt, old, obj);
		return;
	}
	/* the patched object may not rename or move itself */
	json_t *meta = json_object_get(obj, "metadata");
	if (json_is_object(meta)) {
		json_object_set_new(meta, "name", json_string(rt->name));
		if (res->namespaced)
			json_object_set_new(meta, "namespace", json_string(rt->ns));
	}
	api_store_update(req, res, rt, obj, old);
}

static enum objstore_propagation api_propagation(struct apireq *req, const json_t *opts)
{
	const char *p = json_string_value(json_object_get(opts, "propagationPolicy"));
	if (!p)
		p = apireq_query(req, "propagationPolicy");
	if (json_is_true(json_object_get(opts, "orphanDependents")))
		p = "Orphan";
	if (p && !strcmp(p, "Orphan"))
		return OBJSTORE_ORPHAN;
	if (p && !strcmp(p, "Foreground"))
		return OBJSTORE_FOREGROUND;
	return OBJSTORE_BACKGROUND;
}

static bool api_delete_dry_run(struct apireq *req, const json_t *opts)
{
	return api_dry_run(req) || json_array_size(json_object_get(opts, "dryRun")) > 0;
}

void api_delete(struct apireq *req, const struct resource *res, const struct route *rt)
{
	json_t *opts = req->body.len ? json_loadb(req->body.buf, req->body.len, 0, NULL) : NULL;
	const json_t *old = objstore_get(req->cl, res, rt->ns, rt->name);
	const char *want_uid = json_string_value(
		json_object_get(json_object_get(opts, "preconditions"), "uid"));
	const char *have_uid = old && objstore_obj_uid(old) ? objstore_obj_uid(old) : "";
	if (old && want_uid && strcmp(want_uid, have_uid)) {
		char msg[600];
		snprintf(msg, sizeof msg,
			 "Precondition failed: UID in precondition: %s, UID in object meta: %s",
			 want_uid, have_uid);
		apireq_reply_status(req, 409, "Conflict", msg,
				     apireq_details(rt->name, res->group, res->plural));
		json_decref(opts);
		return;
	}
	json_t *deleted = NULL;
	enum objstore_status rc = objstore_delete(&req->srv->store, req->cl, res, rt->ns, rt->name,
					    api_propagation(req, opts),
					    api_delete_dry_run(req, opts), &deleted);
	json_decref(opts);
	if (rc) {
		api_store_error(req, res, rc, rt->name, rt->ns);
		return;
	}
	apireq_reply_json(req, 200, api_object_out(res, deleted));
	json_decref(deleted);
}

void api_delete_collection(struct apireq *req, const struct resource *res,
			   const struct route *rt)
{
	struct selector *labels, *fields;
	if (api_selectors(req, &labels, &fields))
		return;
	const json_t **objs;
	size_t n = objstore_list(req->cl, res, res->namespaced ? rt->ns : "", NULL, &objs, NULL);
	json_t *victims = json_array();
	for (size_t i = 0; i < n; i++)
		if (selector_matches(labels, objs[i]) && selector_matches(fields, objs[i]))
			json_array_append(victims, (json_t *)objs[i]);
	free(objs);
	selector_free(labels);
	selector_free(fields);
	size_t i;
	json_t *v;
	bool dry = api_dry_run(req);
	json_array_foreach(victims, i, v)
		objstore_delete(&req->srv->store, req->cl, res, objstore_obj_namespace(v),
			     objstore_obj_name(v), OBJSTORE_BACKGROUND, dry, NULL);
	char *kind = xasprintf("%sList", res->kind), *api_version = resource_api_version(res);
	char rv[24];
	snprintf(rv, sizeof rv, "%llu", (unsigned long long)req->cl->rv);
	apireq_reply_json(req, 200, json_pack("{s:s,s:s,s:{s:s},s:o}", "kind", kind,
					       "apiVersion", api_version, "metadata",
					       "resourceVersion", rv, "items", victims));
	free(kind);
	free(api_version);
}
