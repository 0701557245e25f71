/* Core mode (argocd.h): no Argo CD server, so every call goes to the Kubernetes API of
 * the cluster holding the Applications; operations are written into the Application as
 * the API server would (.operation), read-modify-PUT retried on 409 Conflict. */
#include "clients/argocd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/argocd_internal.h"
#include "clients/kube_base64.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

/* A PUT that keeps meeting 409 is racing the controller: give up after this many. */
#define CORE_PUT_ATTEMPTS 5

#define MSG_IN_PROGRESS "another operation is already in progress"
#define MSG_AUTO_SYNC "rollback cannot be initiated when auto-sync is enabled"
#define MSG_NOT_RUNNING "Unable to terminate operation. No operation is in progress"

char *argocd_core_app_path(const struct argocd_client *ac, const char *name)
{
	char *ns = argocd_escape(ac->cfg.core_namespace);
	char *p;
	if (name) {
		char *e = argocd_escape(name);
		p = xasprintf("/apis/argoproj.io/v1alpha1/namespaces/%s/applications/%s", ns, e);
		free(e);
	} else {
		p = xasprintf("/apis/argoproj.io/v1alpha1/namespaces/%s/applications", ns);
	}
	free(ns);
	return p;
}

/* Sends through the core cluster's client; without one the call fails from the loop. */
static void core_send(struct argocd_call *call, const char *method, const char *path,
		      const json_t *body, kube_json_fn fn)
{
	struct argocd_client *ac = call->ac;
	if (!ac->core) {
		argocd_call_answer(call, false, 0,
				   "core mode needs the Kubernetes context holding the "
				   "Applications",
				   NULL);
		return;
	}
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	call->kcall = kube_request(ac->core, method, path, text, NULL, fn, call);
	free(text);
}

static void core_passthrough(void *ud, const struct kube_result *res, json_t *obj)
{
	struct argocd_call *call = ud;
	call->kcall = NULL;
	argocd_call_finish(call, res->ok, res->http_status, res->message, obj);
}

void argocd_core_list_apps(struct argocd_call *call)
{
	char *path = argocd_core_app_path(call->ac, NULL);
	core_send(call, "GET", path, NULL, core_passthrough);
	free(path);
}

void argocd_core_get_app(struct argocd_call *call, const char *name)
{
	char *path = argocd_core_app_path(call->ac, name);
	core_send(call, "GET", path, NULL, core_passthrough);
	free(path);
}

void argocd_core_list_projects(struct argocd_call *call)
{
	char *ns = argocd_escape(call->ac->cfg.core_namespace);
	char *path = xasprintf("/apis/argoproj.io/v1alpha1/namespaces/%s/appprojects", ns);
	core_send(call, "GET", path, NULL, core_passthrough);
	free(path);
	free(ns);
}

void argocd_core_app_events(struct argocd_call *call, const char *name)
{
	char *ns = argocd_escape(call->ac->cfg.core_namespace);
	char *sel = xasprintf("involvedObject.kind=Application,involvedObject.name=%s", name);
	char *esel = argocd_escape(sel);
	char *path = xasprintf("/api/v1/namespaces/%s/events?fieldSelector=%s", ns, esel);
	core_send(call, "GET", path, NULL, core_passthrough);
	free(path);
	free(esel);
	free(sel);
	free(ns);
}

/* ---- built from the Application ---------------------------------------------------------- */

/* status.resources as resource-tree nodes (no parents: the tree needs the API). */
static void on_app_for_tree(void *ud, const struct kube_result *res, json_t *app)
{
	struct argocd_call *call = ud;
	call->kcall = NULL;
	if (!res->ok) {
		argocd_call_finish(call, false, res->http_status, res->message, app);
		return;
	}
	json_t *nodes = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(json_object_get(app, "status"), "resources"), i, r) {
		json_t *n = json_object();
		static const char *const keys[] = {"group", "kind", "namespace", "name", "version",
						   "health"};
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			json_t *v = json_object_get(r, keys[k]);
			if (v)
				json_object_set(n, keys[k], v);
		}
		json_object_set_new(n, "parentRefs", json_array());
		json_array_append_new(nodes, n);
	}
	json_decref(app);
	argocd_call_finish(call, true, res->http_status, NULL, json_pack("{s:o}", "nodes", nodes));
}

void argocd_core_resource_tree(struct argocd_call *call, const char *name)
{
	char *path = argocd_core_app_path(call->ac, name);
	core_send(call, "GET", path, NULL, on_app_for_tree);
	free(path);
}

static char *secret_field(const json_t *secret, const char *key)
{
	const char *b64 = json_string_value(json_object_get(json_object_get(secret, "data"), key));
	size_t n;
	char *raw = b64 ? kube_base64_decode(b64, &n) : NULL;
	char *clean = raw ? sanitize_text(raw, n, 0) : NULL;
	free(raw);
	return clean;
}

/* Cluster secrets (argocd.argoproj.io/secret-type=cluster) as Cluster {name, server}. */
static void on_cluster_secrets(void *ud, const struct kube_result *res, json_t *list)
{
	struct argocd_call *call = ud;
	call->kcall = NULL;
	if (!res->ok) {
		argocd_call_finish(call, false, res->http_status, res->message, list);
		return;
	}
	json_t *items = json_array();
	json_array_append_new(items, json_pack("{s:s, s:s}", "name", "in-cluster", "server",
					       "https://kubernetes.default.svc"));
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(list, "items"), i, s) {
		char *name = secret_field(s, "name"), *server = secret_field(s, "server");
		if (server)
			json_array_append_new(items, json_pack("{s:s, s:s}", "name",
							       name ? name : server, "server",
							       server));
		free(name);
		free(server);
	}
	json_decref(list);
	argocd_call_finish(call, true, res->http_status, NULL, json_pack("{s:o}", "items", items));
}

void argocd_core_list_clusters(struct argocd_call *call)
{
	char *ns = argocd_escape(call->ac->cfg.core_namespace);
	char *path = xasprintf("/api/v1/namespaces/%s/secrets?labelSelector=%s", ns,
			       "argocd.argoproj.io%2Fsecret-type%3Dcluster");
	core_send(call, "GET", path, NULL, on_cluster_secrets);
	free(path);
	free(ns);
}

/* ---- read, modify, PUT ------------------------------------------------------------------ */

/* Changes app for the operation; returns NULL, or Argo CD's refusal (caller frees). */
typedef char *(*core_mutate_fn)(json_t *app, const json_t *arg);

struct core_update {
	char *name;
	core_mutate_fn mutate;
	json_t *arg;
	int attempts;
};

static void core_update_free(void *op)
{
	struct core_update *u = op;
	free(u->name);
	json_decref(u->arg);
	free(u);
}

static void update_get(struct argocd_call *call);

static void on_put(void *ud, const struct kube_result *res, json_t *obj)
{
	struct argocd_call *call = ud;
	struct core_update *u = call->op;
	call->kcall = NULL;
	if (!res->ok && res->http_status == 409 && u->attempts < CORE_PUT_ATTEMPTS) {
		json_decref(obj);
		update_get(call);   /* someone wrote in between: read again */
		return;
	}
	argocd_call_finish(call, res->ok, res->http_status, res->message, obj);
}

static void on_get_for_update(void *ud, const struct kube_result *res, json_t *app)
{
	struct argocd_call *call = ud;
	struct core_update *u = call->op;
	call->kcall = NULL;
	if (!res->ok || !json_is_object(app)) {
		argocd_call_finish(call, false, res->http_status, res->message, app);
		return;
	}
	char *refusal = u->mutate(app, u->arg);
	if (refusal) {
		json_decref(app);
		argocd_call_finish(call, false, 400, refusal, NULL);
		free(refusal);
		return;
	}
	char *path = argocd_core_app_path(call->ac, u->name);
	core_send(call, "PUT", path, app, on_put);
	free(path);
	json_decref(app);
}

static void update_get(struct argocd_call *call)
{
	struct core_update *u = call->op;
	u->attempts++;
	char *path = argocd_core_app_path(call->ac, u->name);
	core_send(call, "GET", path, NULL, on_get_for_update);
	free(path);
}

static void core_update(struct argocd_call *call, const char *name, core_mutate_fn mutate,
			json_t *arg)
{
	struct core_update *u = xcalloc(1, sizeof(*u));
	u->name = xstrdup(name);
	u->mutate = mutate;
	u->arg = arg;
	call->op = u;
	call->op_free = core_update_free;
	update_get(call);
}

static bool operation_running(const json_t *app)
{
	if (json_object_get(app, "operation"))
		return true;
	const char *phase = json_string_value(json_object_get(
		json_object_get(json_object_get(app, "status"), "operationState"), "phase"));
	return phase && (!strcmp(phase, "Running") || !strcmp(phase, "Terminating"));
}

static void set_operation(json_t *app, json_t *sync)
{
	json_object_set_new(app, "operation",
			    json_pack("{s:o, s:{s:s}}", "sync", sync, "initiatedBy", "username",
				      "opsdeck"));
}

/* arg: the POST .../sync body; .operation.sync takes syncOptions as a plain list. */
static char *mutate_sync(json_t *app, const json_t *arg)
{
	if (operation_running(app))
		return xstrdup(MSG_IN_PROGRESS);
	json_t *sync = json_deep_copy(arg);
	json_t *items = json_object_get(json_object_get(sync, "syncOptions"), "items");
	if (items)
		json_object_set(sync, "syncOptions", items);
	set_operation(app, sync);
	return NULL;
}

void argocd_core_sync(struct argocd_call *call, const char *name,
		      const struct argocd_sync_options *opts)
{
	core_update(call, name, mutate_sync, argocd_sync_request_body(opts));
}

/* arg: {"id", "prune", "dryRun"}. */
static char *mutate_rollback(json_t *app, const json_t *arg)
{
	const json_t *spec = json_object_get(app, "spec");
	if (json_is_object(json_object_get(json_object_get(spec, "syncPolicy"), "automated")))
		return xstrdup(MSG_AUTO_SYNC);
	if (operation_running(app))
		return xstrdup(MSG_IN_PROGRESS);
	json_int_t id = json_integer_value(json_object_get(arg, "id"));
	const json_t *entry = NULL, *h;
	size_t i;
	json_array_foreach(json_object_get(json_object_get(app, "status"), "history"), i, h)
		if (json_integer_value(json_object_get(h, "id")) == id)
			entry = h;
	if (!entry)
		return xasprintf("application %s does not have deployment with id %lld",
				 json_string_value(json_object_get(arg, "name")), (long long)id);
	json_t *sync = json_pack("{s:O, s:O}", "prune", json_object_get(arg, "prune"), "dryRun",
				 json_object_get(arg, "dryRun"));
	const json_t *rev = json_object_get(entry, "revision");
	if (rev)
		json_object_set(sync, "revision", (json_t *)rev);
	const json_t *src = json_object_get(entry, "source");
	if (src)
		json_object_set_new(sync, "source", json_deep_copy(src));
	set_operation(app, sync);
	return NULL;
}

void argocd_core_rollback(struct argocd_call *call, const char *name, long id, bool prune,
			  bool dry_run)
{
	core_update(call, name, mutate_rollback,
		    json_pack("{s:s, s:I, s:b, s:b}", "name", name, "id", (json_int_t)id, "prune",
			      prune, "dryRun", dry_run));
}

static char *mutate_terminate(json_t *app, const json_t *arg)
{
	(void)arg;
	json_t *state = json_object_get(json_object_get(app, "status"), "operationState");
	const char *phase = json_string_value(json_object_get(state, "phase"));
	if (!phase || strcmp(phase, "Running"))
		return xstrdup(MSG_NOT_RUNNING);
	json_object_del(app, "operation");
	json_object_set_new(state, "phase", json_string("Terminating"));
	return NULL;
}

void argocd_core_terminate(struct argocd_call *call, const char *name)
{
	core_update(call, name, mutate_terminate, NULL);
}

/* arg: the annotation's value, "normal" or "hard". */
static char *mutate_refresh(json_t *app, const json_t *arg)
{
	json_t *meta = json_object_get(app, "metadata");
	json_t *ann = json_object_get(meta, "annotations");
	if (!json_is_object(ann)) {
		ann = json_object();
		json_object_set_new(meta, "annotations", ann);
	}
	json_object_set(ann, "argocd.argoproj.io/refresh", (json_t *)arg);
	return NULL;
}

void argocd_core_refresh(struct argocd_call *call, const char *name, bool hard)
{
	core_update(call, name, mutate_refresh, json_string(hard ? "hard" : "normal"));
}
