/* The Argo CD REST API under /argocd, as argocd-server's grpc-gateway answers it: who is
 * calling (bearer token or argocd.token cookie), the applications list with `fields`,
 * get (with refresh), sync, rollback and terminate with Argo CD's checks and messages,
 * projects, clusters, version and userinfo. The other app views live in argocd_views.c. */
#include "sandbox/argocd.h"

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "sandbox/api.h"
#include "sandbox/argocd_internal.h"
#include "sandbox/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct argocd_req {
	struct apireq *req;
	struct objstore *st;
	struct objstore_cluster *cl;   /* the control plane, where Applications live */
	int role;                      /* enum argocd_role, or -1: no session */
	char *parts[8];                /* path segments after /argocd/api */
	size_t nparts;
	char *buf;
};

json_t *sbx_argocd_app_out(const json_t *app)
{
	json_t *out = json_copy((json_t *)app);
	json_object_set_new(out, "apiVersion", json_string("argoproj.io/v1alpha1"));
	json_object_set_new(out, "kind", json_string("Application"));
	return out;
}

static enum MHD_Result argocd_collect(void *cls, enum MHD_ValueKind kind, const char *key,
				      const char *value)
{
	(void)kind;
	json_t *acc = cls;
	const char *want = json_string_value(json_object_get(acc, "key"));
	if (key && want && !strcmp(key, want) && value && *value)
		json_array_append_new(json_object_get(acc, "values"), json_string(value));
	return MHD_YES;
}

json_t *sbx_argocd_query_all(const struct apireq *req, const char *key)
{
	json_t *acc = json_pack("{s:s,s:[]}", "key", key, "values");
	if (req->conn)
		MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, argocd_collect, acc);
	json_t *values = json_incref(json_object_get(acc, "values"));
	json_decref(acc);
	return values;
}

static bool argocd_in(const json_t *list, const char *value)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
		if (value && !strcmp(json_string_value(v), value))
			return true;
	return false;
}

bool sbx_argocd_app_matches(const json_t *app, const json_t *names, const json_t *projects,
			const struct selector *labels, const char *app_ns)
{
	if (json_array_size(names) && !argocd_in(names, objstore_obj_name(app)))
		return false;
	if (json_array_size(projects) && !argocd_in(projects, sbx_argocd_str(app, "spec.project")))
		return false;
	if (app_ns && *app_ns && strcmp(app_ns, objstore_obj_namespace(app)))
		return false;
	return selector_matches(labels, app);
}

/* ---- fields: keep only the listed dotted paths -------------------------------------- */

static void argocd_fields_add(json_t *tree, const char *path)
{
	while (*path) {
		size_t n = strcspn(path, ".");
		char *key = xstrndup(path, n);
		json_t *sub = json_object_get(tree, key);
		if (!sub) {
			sub = json_object();
			json_object_set_new(tree, key, sub);
		}
		free(key);
		tree = sub;
		path += n;
		if (*path == '.')
			path++;
	}
}

static json_t *argocd_fields_apply(const json_t *tree, json_t *value)
{
	if (!json_object_size(tree))
		return json_incref(value);
	if (json_is_array(value)) {
		json_t *out = json_array();
		size_t i;
		json_t *v;
		json_array_foreach(value, i, v)
			json_array_append_new(out, argocd_fields_apply(tree, v));
		return out;
	}
	if (!json_is_object(value))
		return json_incref(value);
	json_t *out = json_object();
	const char *key;
	json_t *sub;
	json_object_foreach((json_t *)tree, key, sub) {
		json_t *v = json_object_get(value, key);
		if (v)
			json_object_set_new(out, key, argocd_fields_apply(sub, v));
	}
	return out;
}

static json_t *argocd_fields(json_t *list, const char *fields)
{
	json_t *tree = json_object();
	char *copy = xstrdup(fields), *save = NULL;
	for (char *f = strtok_r(copy, ",", &save); f; f = strtok_r(NULL, ",", &save))
		if (*f)
			argocd_fields_add(tree, f);
	free(copy);
	/* the list's resourceVersion stays: a client needs it to watch from */
	if (!json_object_get(tree, "metadata"))
		json_object_set_new(tree, "metadata", json_object());
	json_t *out = argocd_fields_apply(tree, list);
	json_decref(tree);
	json_decref(list);
	return out;
}

/* ---- reads -------------------------------------------------------------------------- */

static void argocd_list(struct argocd_req *a)
{
	char err[256];
	const char *sel = apireq_query(a->req, "selector");
	struct selector *labels = selector_parse_labels(sel, err, sizeof err);
	if (!labels && sel && *sel) {
		sbx_argocd_reply_error(a->req, ARGOCD_INVALID_ARGUMENT, err);
		return;
	}
	json_t *names = sbx_argocd_query_all(a->req, "name");
	json_t *projects = sbx_argocd_query_all(a->req, "projects");
	json_t *project = sbx_argocd_query_all(a->req, "project");
	json_array_extend(projects, project);
	json_decref(project);
	const json_t **objs = NULL;
	size_t n = objstore_list(a->cl, sbx_argocd_apps(a->cl), NULL, NULL, &objs, NULL);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		if (sbx_argocd_app_matches(objs[i], names, projects, labels,
				       apireq_query(a->req, "appNamespace")))
			json_array_append_new(items, sbx_argocd_app_out(objs[i]));
	free(objs);
	selector_free(labels);
	json_decref(names);
	json_decref(projects);
	char rv[24];
	snprintf(rv, sizeof rv, "%llu", (unsigned long long)a->cl->rv);
	json_t *list = json_pack("{s:{s:s},s:o}", "metadata", "resourceVersion", rv, "items", items);
	const char *fields = apireq_query(a->req, "fields");
	if (fields && *fields)
		list = argocd_fields(list, fields);
	apireq_reply_json(a->req, 200, list);
}

static const json_t *argocd_find_app(struct argocd_req *a, const char *name)
{
	const char *ns = apireq_query(a->req, "appNamespace");
	const json_t *app = objstore_get(a->cl, sbx_argocd_apps(a->cl), ns && *ns ? ns : ARGOCD_NS, name);
	if (!app) {
		char msg[400];
		snprintf(msg, sizeof msg, "applications.argoproj.io \"%s\" not found", name);
		sbx_argocd_reply_error(a->req, ARGOCD_NOT_FOUND, msg);
	}
	return app;
}

static void argocd_get(struct argocd_req *a, const json_t *app)
{
	const char *refresh = apireq_query(a->req, "refresh");
	if (refresh && *refresh) {
		/* the controller's refresh, done now so the answer is the refreshed app */
		struct argocd_view v;
		sbx_argocd_view_init(&v, a->st);
		json_t *copy = json_deep_copy(app);
		char now[32];
		objstore_format_time(v.now, now, sizeof now);
		json_object_del(sbx_argocd_at(copy, "metadata.annotations"), ARGOCD_REFRESH);
		if (json_is_object(json_object_get(copy, "status")))
			json_object_set_new(json_object_get(copy, "status"), "reconciledAt",
					    json_string(now));
		sbx_argocd_reconcile(&v, copy);
		sbx_argocd_view_free(&v);
		sbx_argocd_put(a->st, a->cl, copy);
		app = objstore_get(a->cl, sbx_argocd_apps(a->cl), objstore_obj_namespace(app),
				   objstore_obj_name(app));
	}
	apireq_reply_json(a->req, 200, sbx_argocd_app_out(app));
}

static void argocd_projects_reply(struct argocd_req *a)
{
	const struct resource *res = sbx_argocd_projects(a->cl);
	if (a->nparts >= 3) {
		const json_t *p = res ? objstore_get(a->cl, res, ARGOCD_NS, a->parts[2]) : NULL;
		if (!p) {
			char msg[300];
			snprintf(msg, sizeof msg, "appprojects.argoproj.io \"%s\" not found", a->parts[2]);
			sbx_argocd_reply_error(a->req, ARGOCD_NOT_FOUND, msg);
			return;
		}
		apireq_reply_json(a->req, 200, api_object_out(res, p));
		return;
	}
	const json_t **objs = NULL;
	size_t n = res ? objstore_list(a->cl, res, NULL, NULL, &objs, NULL) : 0;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, api_object_out(res, objs[i]));
	free(objs);
	apireq_reply_json(a->req, 200, json_pack("{s:{},s:o}", "metadata", "items", items));
}

static void argocd_clusters(struct argocd_req *a)
{
	json_t *items = json_array();
	char now[32];
	objstore_format_time(a->st->clock(), now, sizeof now);
	for (size_t i = 0; i < a->st->nclusters; i++) {
		const char *name = a->st->clusters[i].name;
		char *server = xasprintf("%s/clusters/%s", a->req->srv ? a->req->srv->base_url : "",
					 name);
		json_t *state = json_pack("{s:s,s:s,s:s}", "status", "Successful", "message", "",
					  "attemptedAt", now);
		json_array_append_new(items, json_pack(
			"{s:s,s:s,s:{s:{s:b}},s:O,s:s,s:{s:o,s:s,s:{}}}", "server", server, "name",
			name, "config", "tlsClientConfig", "insecure", 0, "connectionState", state,
			"serverVersion", "1.30", "info", "connectionState", state, "serverVersion",
			"1.30", "cacheInfo"));
		free(server);
	}
	apireq_reply_json(a->req, 200, json_pack("{s:{},s:o}", "metadata", "items", items));
}

static void argocd_version(struct argocd_req *a)
{
	apireq_reply_json(a->req, 200, json_pack(
		"{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "Version", "v2.13.2+sandbox",
		"BuildDate", "2026-11-01T00:00:00Z", "GitCommit",
		"0000000000000000000000000000000000000000", "GitTreeState", "clean", "GoVersion",
		"go1.23.3", "Compiler", "gc", "Platform", "linux/amd64", "KustomizeVersion",
		"v5.4.3", "HelmVersion", "v3.15.4", "KubectlVersion", "v0.31.0"));
}

static void argocd_userinfo(struct argocd_req *a)
{
	if (a->role < 0) {
		apireq_reply_json(a->req, 200, json_pack("{s:b}", "loggedIn", 0));
		return;
	}
	apireq_reply_json(a->req, 200, json_pack("{s:b,s:s,s:s}", "loggedIn", 1, "username",
						  a->role == ARGOCD_ADMIN ? "admin" : "readonly",
						  "iss", "argocd"));
}

/* ---- routing ------------------------------------------------------------------------ */

static void argocd_split(struct argocd_req *a, const char *path)
{
	a->buf = xstrdup(path);
	char *save = NULL;
	for (char *p = strtok_r(a->buf, "/", &save); p && a->nparts < 8;
	     p = strtok_r(NULL, "/", &save))
		a->parts[a->nparts++] = p;
}

static bool argocd_is(const struct argocd_req *a, size_t i, const char *s)
{
	return i < a->nparts && !strcmp(a->parts[i], s);
}

/* v1/applications/NAME[/…] */
static void argocd_app_route(struct argocd_req *a, bool get)
{
	const json_t *app = argocd_find_app(a, a->parts[2]);
	const char *method = a->req->method;
	if (!app)
		return;
	if (a->nparts == 3 && get)
		argocd_get(a, app);
	else if (a->nparts == 4 && get && argocd_is(a, 3, "resource-tree"))
		sbx_argocd_resource_tree(a->req, app);
	else if (a->nparts == 4 && get && argocd_is(a, 3, "managed-resources"))
		sbx_argocd_managed_resources(a->req, app);
	else if (a->nparts == 4 && get && argocd_is(a, 3, "events"))
		sbx_argocd_app_events(a->req, app);
	else if (a->nparts == 6 && get && argocd_is(a, 3, "revisions") && argocd_is(a, 5, "metadata"))
		sbx_argocd_revision_metadata(a->req, app, a->parts[4]);
	else if (a->nparts == 4 && !strcmp(method, "POST") && argocd_is(a, 3, "sync"))
		sbx_argocd_sync(a->req, app, a->role);
	else if (a->nparts == 4 && !strcmp(method, "POST") && argocd_is(a, 3, "rollback"))
		sbx_argocd_rollback(a->req, app, a->role);
	else if (a->nparts == 4 && !strcmp(method, "DELETE") && argocd_is(a, 3, "operation"))
		sbx_argocd_terminate_op(a->req, app, a->role);
	else
		sbx_argocd_reply_error(a->req, ARGOCD_NOT_FOUND, "Not Found");
}

static void argocd_route(struct argocd_req *a)
{
	bool get = !strcmp(a->req->method, "GET");
	if (argocd_is(a, 0, "version") && a->nparts == 1) {
		argocd_version(a);
	} else if (!argocd_is(a, 0, "v1")) {
		sbx_argocd_reply_error(a->req, ARGOCD_NOT_FOUND, "Not Found");
	} else if (argocd_is(a, 1, "session") && argocd_is(a, 2, "userinfo") && get) {
		argocd_userinfo(a);
	} else if (a->role < 0) {
		sbx_argocd_reply_error(a->req, ARGOCD_UNAUTHENTICATED, "no session information");
	} else if (!sbx_argocd_apps(a->cl)) {
		sbx_argocd_reply_error(a->req, ARGOCD_NOT_FOUND, "Application CRD not installed");
	} else if (argocd_is(a, 1, "applications") && a->nparts == 2 && get) {
		argocd_list(a);
	} else if (argocd_is(a, 1, "applications") && a->nparts >= 3) {
		argocd_app_route(a, get);
	} else if (argocd_is(a, 1, "stream") && argocd_is(a, 2, "applications") && get) {
		sbx_argocd_stream(a->req);
	} else if (argocd_is(a, 1, "projects") && get) {
		argocd_projects_reply(a);
	} else if (argocd_is(a, 1, "clusters") && a->nparts == 2 && get) {
		argocd_clusters(a);
	} else {
		sbx_argocd_reply_error(a->req, ARGOCD_NOT_FOUND, "Not Found");
	}
}

void sbx_argocd_handle(struct apireq *req)
{
	const char *path = req->path ? req->path : "";
	if (!strncmp(path, "/argocd", 7))
		path += 7;
	const char *method = req->method ? req->method : "GET";
	/* argocd-server refuses a non-GET without a JSON content type (CSRF) */
	const char *ctype = apireq_header(req, "Content-Type");
	if (strcmp(method, "GET") && strcmp(method, "HEAD") &&
	    (!ctype || strncmp(ctype, "application/json", 16))) {
		char *msg = xasprintf("Invalid content type: %s", ctype ? ctype : "");
		apireq_reply_bytes(req, 415, "text/plain; charset=utf-8", msg, strlen(msg));
		free(msg);
		return;
	}
	if (strncmp(path, "/api/", 5)) {
		sbx_argocd_reply_error(req, ARGOCD_NOT_FOUND, "Not Found");
		return;
	}
	struct argocd_req a = {.req = req, .st = &req->srv->store};
	a.cl = sbx_argocd_plane(a.st);
	a.role = sbx_argocd_role_of(apireq_header(req, MHD_HTTP_HEADER_AUTHORIZATION),
				apireq_header(req, MHD_HTTP_HEADER_COOKIE));
	argocd_split(&a, path + 5);
	argocd_route(&a);
	free(a.buf);
}
