/* Argo CD's writes on an Application: sync, rollback and terminate, with argocd-server's
 * order of checks (sync windows, RBAC, auto-sync, an operation already running) and its
 * messages. Each sets .operation (or the Terminating phase) for the controller to run. */
#include "sandbox/argocd.h"

#include "core/xalloc.h"
#include "sandbox/api.h"
#include "sandbox/argocd_internal.h"
#include "sandbox/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Argo CD's EnforceErr wording; false (and answered) when the role may not act. */
static bool argocd_enforce(struct apireq *req, const json_t *app, int role, const char *action)
{
	if (role == ARGOCD_ADMIN)
		return true;
	char msg[512];
	snprintf(msg, sizeof msg, "permission denied: applications, %s, %s/%s, sub: readonly",
		 action, sbx_argocd_str(app, "spec.project") ? sbx_argocd_str(app, "spec.project") : "",
		 objstore_obj_name(app));
	sbx_argocd_reply_error(req, ARGOCD_PERMISSION_DENIED, msg);
	return false;
}

/* The request body as an object ({} when empty); NULL (and answered) when broken. */
static json_t *argocd_body(struct apireq *req)
{
	if (!req->body.len)
		return json_object();
	json_error_t jerr;
	json_t *body = json_loadb(strbuf_str(&req->body), req->body.len, 0, &jerr);
	if (!json_is_object(body)) {
		char msg[300];
		snprintf(msg, sizeof msg, "invalid character in request body: %s", jerr.text);
		json_decref(body);
		sbx_argocd_reply_error(req, ARGOCD_INVALID_ARGUMENT, msg);
		return NULL;
	}
	return body;
}

static bool argocd_busy(struct apireq *req, const json_t *app)
{
	if (!json_object_get(app, "operation"))
		return false;
	sbx_argocd_reply_error(req, ARGOCD_FAILED_PRECONDITION, "another operation is already in progress");
	return true;
}

/* Stores app with op as its .operation and answers with the stored Application. */
static void argocd_set_operation(struct apireq *req, const json_t *app, json_t *op)
{
	struct objstore *st = &req->srv->store;
	struct objstore_cluster *cl = sbx_argocd_plane(st);
	json_t *copy = json_deep_copy(app);
	json_object_set_new(copy, "operation", op);
	sbx_argocd_put(st, cl, copy);
	const json_t *stored = objstore_get(cl, sbx_argocd_apps(cl), objstore_obj_namespace(app),
					    objstore_obj_name(app));
	apireq_reply_json(req, 200, sbx_argocd_app_out(stored ? stored : app));
}

static const json_t *argocd_project_of(struct apireq *req, const json_t *app)
{
	struct objstore_cluster *cl = sbx_argocd_plane(&req->srv->store);
	const char *name = sbx_argocd_str(app, "spec.project");
	const struct resource *res = sbx_argocd_projects(cl);
	const json_t *p = name && res ? objstore_get(cl, res, ARGOCD_NS, name) : NULL;
	if (!p) {
		char msg[300];
		snprintf(msg, sizeof msg, "application references project %s which does not exist",
			 name ? name : "");
		sbx_argocd_reply_error(req, ARGOCD_INVALID_ARGUMENT, msg);
	}
	return p;
}

/* The sync operation the body asks for (syncOptions arrive as {"items":[…]}). */
static json_t *argocd_sync_op(const json_t *app, const json_t *body, const char *revision)
{
	json_t *sync = json_pack("{s:s,s:b,s:b}", "revision", revision, "prune",
				 json_is_true(json_object_get(body, "prune")), "dryRun",
				 json_is_true(json_object_get(body, "dryRun")));
	json_t *items = json_object_get(json_object_get(body, "syncOptions"), "items");
	if (json_array_size(items))
		json_object_set(sync, "syncOptions", items);
	else if (sbx_argocd_at(app, "spec.syncPolicy.syncOptions"))
		json_object_set(sync, "syncOptions", sbx_argocd_at(app, "spec.syncPolicy.syncOptions"));
	json_t *resources = json_object_get(body, "resources");
	if (json_array_size(resources)) {
		json_t *list = json_array();
		size_t i;
		json_t *r;
		json_array_foreach(resources, i, r)
			json_array_append_new(list, json_pack(
				"{s:s,s:s,s:s,s:s}", "group", json_string_value(json_object_get(r, "group")) ?
				json_string_value(json_object_get(r, "group")) : "", "kind",
				json_string_value(json_object_get(r, "kind")) ?
				json_string_value(json_object_get(r, "kind")) : "", "name",
				json_string_value(json_object_get(r, "name")) ?
				json_string_value(json_object_get(r, "name")) : "", "namespace",
				json_string_value(json_object_get(r, "namespace")) ?
				json_string_value(json_object_get(r, "namespace")) : ""));
		json_object_set_new(sync, "resources", list);
	}
	json_t *strategy = json_object_get(body, "strategy");
	json_object_set_new(sync, "syncStrategy", json_is_object(strategy) ? json_incref(strategy)
								    : json_pack("{s:{}}", "hook"));
	if (sbx_argocd_at(app, "spec.source"))
		json_object_set(sync, "source", sbx_argocd_at(app, "spec.source"));
	return sync;
}

void sbx_argocd_sync(struct apireq *req, const json_t *app, int role)
{
	json_t *body = argocd_body(req);
	if (!body)
		return;
	const json_t *project = argocd_project_of(req, app);
	const char *target = sbx_argocd_str(app, "spec.source.targetRevision");
	const char *rev = json_string_value(json_object_get(body, "revision"));
	bool dry_run = json_is_true(json_object_get(body, "dryRun"));
	if (!project) {
		json_decref(body);
		return;
	}
	if (sbx_argocd_sync_blocked(project, app, req->srv->store.clock(), true)) {
		sbx_argocd_reply_error(req, ARGOCD_PERMISSION_DENIED, "Cannot sync: Blocked by sync window");
	} else if (!argocd_enforce(req, app, role, "sync")) {
		/* answered */
	} else if (json_is_object(sbx_argocd_at(app, "spec.syncPolicy.automated")) && !dry_run && rev &&
		   *rev && strcmp(rev, target && *target ? target : "HEAD")) {
		char msg[400];
		snprintf(msg, sizeof msg, "Cannot sync to %s: auto-sync currently set to %s", rev,
			 target && *target ? target : "HEAD");
		sbx_argocd_reply_error(req, ARGOCD_FAILED_PRECONDITION, msg);
	} else if (!argocd_busy(req, app)) {
		json_t *sync = argocd_sync_op(app, body, rev && *rev ? rev : target ? target : "HEAD");
		argocd_set_operation(req, app, json_pack("{s:o,s:{s:s}}", "sync", sync,
							  "initiatedBy", "username", "admin"));
	}
	json_decref(body);
}

/* id as a number (or the numeric string protojson also accepts); -1 when absent. */
static json_int_t argocd_body_id(const json_t *body)
{
	json_t *id = json_object_get(body, "id");
	if (json_is_integer(id))
		return json_integer_value(id);
	const char *s = json_string_value(id);
	char *end;
	long long v = s && *s ? strtoll(s, &end, 10) : -1;
	return s && *s && !*end ? (json_int_t)v : -1;
}

void sbx_argocd_rollback(struct apireq *req, const json_t *app, int role)
{
	json_t *body = argocd_body(req);
	if (!body)
		return;
	json_int_t id = argocd_body_id(body);
	const json_t *entry = NULL;
	size_t i;
	json_t *h;
	json_array_foreach(sbx_argocd_at(app, "status.history"), i, h)
		if (json_integer_value(json_object_get(h, "id")) == id)
			entry = h;
	char msg[400];
	if (!argocd_enforce(req, app, role, "sync")) {
		/* answered */
	} else if (json_is_object(sbx_argocd_at(app, "spec.syncPolicy.automated"))) {
		sbx_argocd_reply_error(req, ARGOCD_FAILED_PRECONDITION,
				   "rollback cannot be initiated when auto-sync is enabled");
	} else if (!entry) {
		snprintf(msg, sizeof msg, "application %s does not have deployment with id %lld",
			 objstore_obj_name(app), (long long)id);
		sbx_argocd_reply_error(req, ARGOCD_INVALID_ARGUMENT, msg);
	} else if (!argocd_busy(req, app)) {
		json_t *sync = json_pack("{s:O,s:b,s:b,s:{s:{}}}", "revision",
					 json_object_get(entry, "revision"), "dryRun",
					 json_is_true(json_object_get(body, "dryRun")), "prune",
					 json_is_true(json_object_get(body, "prune")), "syncStrategy",
					 "apply");
		if (json_object_get(entry, "source"))
			json_object_set(sync, "source", json_object_get(entry, "source"));
		argocd_set_operation(req, app, json_pack("{s:o,s:{s:s}}", "sync", sync,
							  "initiatedBy", "username", "admin"));
	}
	json_decref(body);
}

void sbx_argocd_terminate_op(struct apireq *req, const json_t *app, int role)
{
	if (!argocd_enforce(req, app, role, "sync"))
		return;
	if (!json_object_get(app, "operation") ||
	    !json_is_object(sbx_argocd_at(app, "status.operationState"))) {
		sbx_argocd_reply_error(req, ARGOCD_INVALID_ARGUMENT,
				   "Unable to terminate operation. No operation is in progress");
		return;
	}
	struct objstore *st = &req->srv->store;
	json_t *copy = json_deep_copy(app);
	json_object_set_new(sbx_argocd_at(copy, "status.operationState"), "phase",
			    json_string("Terminating"));
	sbx_argocd_put(st, sbx_argocd_plane(st), copy);
	apireq_reply_json(req, 200, json_object());
}
