/* An Argo CD client driven by the event loop: the REST API (applications, the watch
 * stream, resource tree, managed resources, revision metadata, events, projects,
 * clusters, sync, rollback, terminate, refresh), or, where no Argo CD server is
 * configured, core mode through the Kubernetes API of the cluster the Applications live
 * in. Views see one API whichever mode is in use. */
#ifndef OPSDECK_CLIENTS_ARGOCD_H
#define OPSDECK_CLIENTS_ARGOCD_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "clients/http.h"
#include "clients/kube.h"
#include "core/loop.h"
#include "core/table.h"

/* ---- configuration ------------------------------------------------------------------ */

/* Where Argo CD is and how to authenticate. Every string is owned (argocd_config_clear). */
struct argocd_config {
	char *server;      /* base URL, "https://host:port[/path]"; the API is server + "/api/v1/...";
			    * NULL: core mode */
	char *token;       /* bearer token; never printed, never logged */
	char *ca_file;     /* PEM CA bundle for server, or NULL (system CAs) */
	bool insecure;     /* skip TLS verification (argocd --insecure) */
	char *source;      /* where the settings came from, for messages: "platform.yaml",
			    * "ARGOCD_SERVER/ARGOCD_AUTH_TOKEN", "~/.config/argocd/config",
			    * "core mode" */
	char *core_context;   /* core mode: kubeconfig context holding the Applications (NULL:
			       * the current context) */
	char *core_namespace; /* core mode: their namespace ("argocd" by default) */
};

/* Finds the settings, first match wins:
 *  1. platform_path's `argocd:` section (platform_path NULL or absent file: skipped):
 *       argocd:
 *         server: https://argocd.example.com      # or the sandbox's https://127.0.0.1:P/argocd
 *         token: {env: ARGOCD_TOKEN}              # or {file: /path/to/token}; never inline
 *         ca_file: /path/ca.crt                   # optional; insecure: true also accepted
 *         core: {context: ops, namespace: argocd} # optional: core mode explicitly
 *     An inline `token: "eyJ..."` is refused (err names file:line:col): a token must not
 *     sit in a file people share.
 *  2. ARGOCD_SERVER with ARGOCD_AUTH_TOKEN from the environment (ARGOCD_OPTS's --insecure
 *     honoured).
 *  3. The argocd CLI's config ($ARGOCD_CONFIG_DIR/config, else ~/.config/argocd/config;
 *     YAML: current-context -> contexts[].server/user -> servers[].insecure,
 *     users[].auth-token).
 *  4. Core mode (server NULL, core_namespace "argocd").
 * Returns 0, or -1 with err ("FILE:LINE:COL: problem", or which variable or file is
 * wrong) when a source that is present is broken: a broken source never silently
 * falls through to the next. */
int argocd_config_resolve(const char *platform_path, struct argocd_config *out, char *err,
			  size_t errlen);
void argocd_config_clear(struct argocd_config *cfg);

/* ---- client ------------------------------------------------------------------------- */

struct argocd_client;
struct argocd_call;   /* one operation in flight; argocd_call_cancel before its callback */

/* A client for cfg (copied). http is shared and must outlive the client. core is the
 * Kubernetes client of the cluster the Applications live in, used in core mode (may be
 * NULL when cfg->server is set); borrowed, must outlive the client. */
struct argocd_client *argocd_client_new(struct loop *loop, struct http *http,
					const struct argocd_config *cfg, struct kube_client *core);
/* Cancels everything in flight (no callbacks) and frees the client. Stop watches first. */
void argocd_client_free(struct argocd_client *ac);
bool argocd_client_core_mode(const struct argocd_client *ac);
/* "https://127.0.0.1:8443/argocd" or "core mode (context ops, namespace argocd)". */
const char *argocd_client_describe(const struct argocd_client *ac);
void argocd_call_cancel(struct argocd_call *call);

/* The outcome of a call. message is one line on failure, Argo CD's own wording where it
 * gave one ("permission denied", "rollback cannot be initiated when auto-sync is
 * enabled", "another operation is already in progress", the sync window's message),
 * "cannot reach https://...: ..." when unreachable. */
struct argocd_result {
	bool ok;
	long http_status;   /* 0 when the server was never reached */
	const char *message;
};

/* body: the parsed answer (the callee owns the reference; NULL on failure). */
typedef void (*argocd_json_fn)(void *ud, const struct argocd_result *res, json_t *body);

/* The user Argo CD sees (GET /api/v1/session/userinfo: "username"; core mode: NULL). */
struct argocd_call *argocd_whoami(struct argocd_client *ac, argocd_json_fn done, void *ud);

/* Applications: {"items": [Application...]}, as GET /api/v1/applications returns them. */
struct argocd_call *argocd_list_apps(struct argocd_client *ac, argocd_json_fn done, void *ud);
/* One Application (refreshed: false). app_namespace NULL: the default. */
struct argocd_call *argocd_get_app(struct argocd_client *ac, const char *name,
				   argocd_json_fn done, void *ud);
/* The live resource tree: {"nodes": [{group, kind, namespace, name, version, uid,
 * parentRefs: [...], health: {status, message}, images, ...}]}. Core mode: built from
 * the Application's status.resources (no parents). */
struct argocd_call *argocd_resource_tree(struct argocd_client *ac, const char *name,
					 argocd_json_fn done, void *ud);
/* Managed resources: {"items": [{group, kind, namespace, name, liveState, targetState,
 * normalizedLiveState, predictedLiveState, ...}]} with every *State field already
 * parsed from its JSON string into an object (null when absent or "null"). Core mode:
 * fails with "the diff needs the Argo CD API (core mode has no repo server)". */
struct argocd_call *argocd_managed_resources(struct argocd_client *ac, const char *name,
					     argocd_json_fn done, void *ud);
/* Revision metadata: {author, date, message, tags, signatureInfo}. Core mode: fails. */
struct argocd_call *argocd_revision_metadata(struct argocd_client *ac, const char *name,
					     const char *revision, argocd_json_fn done, void *ud);
/* The Application's events: an EventList {"items": [...]}. Core mode: the events of the
 * Application object through the Kubernetes API. */
struct argocd_call *argocd_app_events(struct argocd_client *ac, const char *name,
				      argocd_json_fn done, void *ud);
/* {"items": [AppProject...]} and {"items": [Cluster...]}. */
struct argocd_call *argocd_list_projects(struct argocd_client *ac, argocd_json_fn done, void *ud);
struct argocd_call *argocd_list_clusters(struct argocd_client *ac, argocd_json_fn done, void *ud);

/* ---- operations ----------------------------------------------------------------------- */

struct argocd_sync_options {
	const char *revision;              /* NULL: the app's target revision */
	bool prune;
	bool dry_run;
	const char *const *resources;      /* "group:kind:name" or "group:kind:namespace/name"
					    * (argocd app sync --resource); NULL/0: all */
	size_t nresources;
	const char *const *sync_options;   /* "Validate=false", ...: sent as {"items": [...]} */
	size_t nsync_options;
};

/* Starts a sync (POST .../sync; core mode: sets .operation.sync on the Application with
 * a PUT, retried on 409 Conflict). body: the Application as answered. opts and its
 * strings are read during the call only (the request body is built at once). */
struct argocd_call *argocd_sync(struct argocd_client *ac, const char *name,
				const struct argocd_sync_options *opts, argocd_json_fn done,
				void *ud);
/* Rolls back to history entry id (POST .../rollback with "id" as a number; core mode:
 * .operation.sync with that entry's revision and source). */
struct argocd_call *argocd_rollback(struct argocd_client *ac, const char *name, long id,
				    bool prune, bool dry_run, argocd_json_fn done, void *ud);
/* Terminates the running operation (DELETE .../operation; core mode: clears .operation
 * and sets status.operationState.phase Terminating as the controller would see it). */
struct argocd_call *argocd_terminate(struct argocd_client *ac, const char *name,
				     argocd_json_fn done, void *ud);
/* Refresh (GET .../applications/NAME?refresh=normal|hard; core mode: the
 * argocd.argoproj.io/refresh annotation set to "normal" or "hard"). */
struct argocd_call *argocd_refresh(struct argocd_client *ac, const char *name, bool hard,
				   argocd_json_fn done, void *ud);

/* ---- the live list --------------------------------------------------------------------- */

/* The columns of the apps table, in order. Every row's identity is the Application's
 * (uid, namespace, name). Cells are sanitised. */
#define ARGOCD_APP_COLUMNS(X)                                             \
	X(NAME, "Name")                                                   \
	X(PROJECT, "Project")                                             \
	X(CLUSTER, "Cluster")      /* destination name, or the server URL's last part */ \
	X(ENVIRONMENT, "Environment") /* label platform.opsdeck.dev/environment */    \
	X(SYNC, "Sync")            /* Synced, OutOfSync, Unknown */       \
	X(HEALTH, "Health")        /* Healthy, Progressing, Degraded, ... */ \
	X(OPERATION, "Operation")  /* operationState.phase, "" when none */ \
	X(REVISION, "Revision")    /* status.sync.revision, first 7 characters */ \
	X(IMAGES, "Images")        /* status.summary.images, comma-separated */ \
	X(DEPLOYED, "Deployed")    /* age of the last history entry ("3d"), "" */

enum argocd_app_column {
#define ARGOCD_COL_ENUM_(id, name) ARGOCD_COL_##id,
	ARGOCD_APP_COLUMNS(ARGOCD_COL_ENUM_)
#undef ARGOCD_COL_ENUM_
	ARGOCD_COL_COUNT
};

/* A table (columns above) of the Applications in list ({"items": [...]}); now is the
 * time for the DEPLOYED ages. The caller frees it. */
struct table *argocd_apps_table(const json_t *list, long long now);

/* Lists the Applications and then follows the stream (GET /api/v1/stream/applications,
 * newline-delimited {"result":{"type":...,"application":...}}, split correctly whatever
 * the chunk boundaries; core mode: a Kubernetes watch on applications.argoproj.io),
 * reconnecting with backoff like kube_watch_start. The callbacks get rows of
 * argocd_apps_table; event also gets the whole Application (valid during the call) for
 * views that follow one app. Callbacks never run inside this call; argocd_watch_stop is
 * safe from inside any of them. */
struct argocd_watch_callbacks {
	void (*synced)(void *ud, struct table *t);   /* the callee owns t */
	void (*event)(void *ud, enum kube_event_type type, const struct table *row,
		      const json_t *app);
	void (*state)(void *ud, const struct kube_watch_status *st);   /* may be NULL */
};
struct argocd_watch *argocd_watch_apps(struct argocd_client *ac,
				       const struct argocd_watch_callbacks *cbs, void *ud);
void argocd_watch_stop(struct argocd_watch *w);

#endif
