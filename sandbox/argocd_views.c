/* The Argo CD reads that look past the Application: its resource tree (managed resources
 * and the ReplicaSets and Pods they own, with health), managed resources with live and
 * target states as JSON strings, revision metadata, and the Application's events. */
#include "sandbox/argocd_internal.h"

#include "core/xalloc.h"
#include "sandbox/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *argocd_parent_ref(const json_t *obj, const char *group)
{
	return json_pack("{s:s,s:O,s:s,s:s,s:s}", "group", group, "kind",
			 json_object_get(obj, "kind"), "namespace", objstore_obj_namespace(obj),
			 "name", objstore_obj_name(obj), "uid",
			 objstore_obj_uid(obj) ? objstore_obj_uid(obj) : "");
}

static const char *argocd_group_of(const json_t *obj, char *group, size_t len)
{
	const char *av = json_string_value(json_object_get(obj, "apiVersion"));
	const char *slash = av ? strchr(av, '/') : NULL;
	snprintf(group, len, "%.*s", slash ? (int)(slash - av) : 0, slash ? av : "");
	return group;
}

static json_t *argocd_node(struct argocd_view *v, struct objstore_cluster *dest,
			   const json_t *obj, json_t *parent)
{
	const char *av = json_string_value(json_object_get(obj, "apiVersion"));
	const char *slash = av ? strchr(av, '/') : NULL;
	char group[128];
	json_t *node = json_pack("{s:s,s:s,s:O,s:s,s:s,s:s,s:O,s:O}", "group",
				 argocd_group_of(obj, group, sizeof group),
				 "version", slash ? slash + 1 : av ? av : "v1", "kind",
				 json_object_get(obj, "kind"), "namespace",
				 objstore_obj_namespace(obj), "name", objstore_obj_name(obj), "uid",
				 objstore_obj_uid(obj) ? objstore_obj_uid(obj) : "", "resourceVersion",
				 sbx_argocd_at(obj, "metadata.resourceVersion"), "createdAt",
				 sbx_argocd_at(obj, "metadata.creationTimestamp"));
	char *msg = NULL;
	const char *health = sbx_argocd_health(v, dest, obj, &msg);
	if (health) {
		json_t *h = json_pack("{s:s}", "status", health);
		if (msg)
			json_object_set_new(h, "message", json_string(msg));
		json_object_set_new(node, "health", h);
	}
	free(msg);
	if (parent)
		json_object_set_new(node, "parentRefs", json_pack("[o]", parent));
	const char *kind = sbx_argocd_str(obj, "kind");
	if (kind && !strcmp(kind, "Pod")) {
		json_t *images = json_array();
		size_t i;
		json_t *c;
		json_array_foreach(sbx_argocd_at(obj, "spec.containers"), i, c)
			json_array_append(images, json_object_get(c, "image"));
		json_object_set_new(node, "images", images);
		const char *phase = sbx_argocd_str(obj, "status.phase");
		json_object_set_new(node, "info", json_pack("[{s:s,s:s}]", "name", "Status Reason",
							    "value", phase ? phase : "Unknown"));
	}
	return node;
}

/* The children Argo CD shows under a workload: ReplicaSets then their Pods, or Pods. */
static void argocd_children(struct argocd_view *v, struct objstore_cluster *dest,
			    const json_t *obj, json_t *nodes)
{
	const char *kind = sbx_argocd_str(obj, "kind");
	if (!kind)
		return;
	bool deploy = !strcmp(kind, "Deployment");
	if (!deploy && strcmp(kind, "StatefulSet") && strcmp(kind, "ReplicaSet"))
		return;
	size_t i;
	json_t *child;
	json_t *kids = sbx_argocd_owned(v, dest, deploy ? "apps" : "", deploy ? "replicasets" : "pods",
				    objstore_obj_uid(obj));
	json_array_foreach(kids, i, child) {
		json_array_append_new(nodes, argocd_node(v, dest, child,
							 argocd_parent_ref(obj, "apps")));
		if (deploy)
			argocd_children(v, dest, child, nodes);
	}
}

void sbx_argocd_resource_tree(struct apireq *req, const json_t *app)
{
	struct argocd_view v;
	sbx_argocd_view_init(&v, &req->srv->store);
	struct objstore_cluster *dest = sbx_argocd_dest(v.st, app);
	json_t *nodes = json_array();
	size_t i;
	json_t *ref;
	json_array_foreach(sbx_argocd_at(app, "status.resources"), i, ref) {
		const json_t *live = sbx_argocd_live(dest, ref);
		if (!live)
			continue;
		json_array_append_new(nodes, argocd_node(&v, dest, live, NULL));
		argocd_children(&v, dest, live, nodes);
	}
	sbx_argocd_view_free(&v);
	apireq_reply_json(req, 200, json_pack("{s:o,s:[]}", "nodes", nodes, "hosts"));
}

/* What Git holds for a live object: no server-set fields, and the Git image for the
 * app's Deployment (so an OutOfSync app shows its real diff). */
static json_t *argocd_target(const json_t *app, const json_t *live, bool predicted)
{
	json_t *t = json_deep_copy(live);
	json_t *md = json_object_get(t, "metadata");
	if (!predicted) {
		static const char *drop[] = {"resourceVersion", "uid", "creationTimestamp",
					     "generation", "managedFields", "ownerReferences"};
		for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
			json_object_del(md, drop[i]);
		json_object_del(t, "status");
	}
	const char *git = sbx_argocd_annotation(app, ARGOCD_GIT_IMAGE);
	const char *kind = sbx_argocd_str(live, "kind");
	char cur[512];
	if (git && kind && !strcmp(kind, "Deployment") && sbx_argocd_workload_image(live, cur, sizeof cur)) {
		size_t i;
		json_t *c;
		json_array_foreach(sbx_argocd_at(t, "spec.template.spec.containers"), i, c)
			if (!strcmp(json_string_value(json_object_get(c, "image")), cur))
				json_object_set_new(c, "image", json_string(git));
	}
	return t;
}

/* Argo CD masks Secret values in every state it returns. */
static void argocd_mask(json_t *obj)
{
	const char *kind = sbx_argocd_str(obj, "kind");
	if (!kind || strcmp(kind, "Secret"))
		return;
	const char *fields[] = {"data", "stringData"};
	for (int f = 0; f < 2; f++) {
		const char *key;
		json_t *val;
		json_object_foreach(json_object_get(obj, fields[f]), key, val)
			json_object_set_new(json_object_get(obj, fields[f]), key, json_string("++++++++"));
	}
}

static json_t *argocd_state_string(json_t *obj)
{
	if (!obj)
		return json_string("null");
	argocd_mask(obj);
	char *text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(obj);
	json_t *s = json_string(text);
	free(text);
	return s;
}

void sbx_argocd_managed_resources(struct apireq *req, const json_t *app)
{
	struct objstore_cluster *dest = sbx_argocd_dest(&req->srv->store, app);
	json_t *items = json_array();
	size_t i;
	json_t *ref;
	json_array_foreach(sbx_argocd_at(app, "status.resources"), i, ref) {
		const json_t *live = sbx_argocd_live(dest, ref);
		const char *group = json_string_value(json_object_get(ref, "group"));
		json_t *item = json_pack("{s:s,s:O,s:O,s:O}", "group", group ? group : "", "kind",
					 json_object_get(ref, "kind"), "namespace",
					 json_object_get(ref, "namespace"), "name",
					 json_object_get(ref, "name"));
		json_object_set_new(item, "liveState",
				    argocd_state_string(live ? json_deep_copy(live) : NULL));
		json_object_set_new(item, "normalizedLiveState",
				    argocd_state_string(live ? json_deep_copy(live) : NULL));
		json_object_set_new(item, "targetState",
				    argocd_state_string(live ? argocd_target(app, live, false) : NULL));
		json_object_set_new(item, "predictedLiveState",
				    argocd_state_string(live ? argocd_target(app, live, true) : NULL));
		json_object_set_new(item, "modified", json_boolean(
			!live || !strcmp(sbx_argocd_str(ref, "status") ? sbx_argocd_str(ref, "status") : "",
					 "OutOfSync")));
		json_array_append_new(items, item);
	}
	apireq_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

static uint64_t argocd_fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

void sbx_argocd_revision_metadata(struct apireq *req, const json_t *app, const char *revision)
{
	static const char *authors[] = {"Ana Ruiz <ana.ruiz@example.com>",
					"Tom Becker <tom.becker@example.com>",
					"Priya Nair <priya.nair@example.com>",
					"Jonas Berg <jonas.berg@example.com>"};
	char sha[41], image[512];
	if (!sbx_argocd_resolve_revision(app, revision, sha)) {
		char msg[300];
		snprintf(msg, sizeof msg, "unable to resolve '%s' to a commit SHA", revision);
		sbx_argocd_reply_error(req, ARGOCD_NOT_FOUND, msg);
		return;
	}
	uint64_t h = argocd_fnv(sha);
	const char *name = objstore_obj_name(app);
	/* the service is the app's name without its environment suffix */
	const char *dash = strrchr(name, '-');
	int svc_len = dash ? (int)(dash - name) : (int)strlen(name);
	char *message;
	const char *tag = sbx_argocd_revision_image(app, sha, image, sizeof image) ? strrchr(image, ':')
									     : NULL;
	if (tag)
		message = xasprintf("%.*s: bump to %s", svc_len, name, tag + 1);
	else
		message = xasprintf("%.*s: update manifests", svc_len, name);
	char date[32];
	time_t when = req->srv->store.clock() - (time_t)(h % (30 * 86400));
	for (size_t i = 0; i < json_array_size(sbx_argocd_at(app, "status.history")); i++) {
		json_t *e = json_array_get(sbx_argocd_at(app, "status.history"), i);
		if (!strcmp(json_string_value(json_object_get(e, "revision")) ?
			    json_string_value(json_object_get(e, "revision")) : "", sha))
			when = objstore_parse_time(json_string_value(json_object_get(e, "deployStartedAt"))) - 600;
	}
	objstore_format_time(when, date, sizeof date);
	apireq_reply_json(req, 200, json_pack("{s:s,s:s,s:[],s:s}", "author",
					      authors[h % 4], "date", date, "tags", "message",
					      message));
	free(message);
}

void sbx_argocd_app_events(struct apireq *req, const json_t *app)
{
	struct objstore_cluster *cl = sbx_argocd_plane(&req->srv->store);
	const struct resource *res = resource_find(&cl->resources, "", "v1", "events");
	const json_t **objs = NULL;
	size_t n = res ? objstore_list(cl, res, objstore_obj_namespace(app), NULL, &objs, NULL) : 0;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *kind = sbx_argocd_str(objs[i], "involvedObject.kind");
		const char *name = sbx_argocd_str(objs[i], "involvedObject.name");
		if (kind && name && !strcmp(kind, "Application") &&
		    !strcmp(name, objstore_obj_name(app)))
			json_array_append_new(items, json_copy((json_t *)objs[i]));
	}
	free(objs);
	apireq_reply_json(req, 200, json_pack("{s:{},s:o}", "metadata", "items", items));
}
