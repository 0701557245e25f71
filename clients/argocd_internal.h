/* Shared between clients/argocd*.c only: the client, the call object every operation is
 * built from (REST or core mode), and the core-mode entry points. */
#ifndef OPSDECK_CLIENTS_ARGOCD_INTERNAL_H
#define OPSDECK_CLIENTS_ARGOCD_INTERNAL_H

#include "clients/argocd.h"

struct argocd_client {
	struct loop *loop;
	struct http *http;
	struct argocd_config cfg;    /* our own copy */
	struct kube_client *core;    /* borrowed; core mode only */
	char *describe;
	struct argocd_call *calls;   /* in flight */
};

/* What the answer to a REST call needs before it reaches the caller. */
enum argocd_post {
	ARGOCD_POST_NONE,
	ARGOCD_POST_MANAGED,         /* parse every *State string into an object */
};

struct argocd_call {
	struct argocd_client *ac;
	struct http_request *req;    /* REST request in flight */
	struct kube_call *kcall;     /* core-mode request in flight */
	long long timer;             /* deferred answer */
	enum argocd_post post;
	argocd_json_fn done;
	void *ud;
	/* the deferred answer */
	bool ok;
	long status;
	char *message;
	json_t *body;
	/* core mode: the operation's own state */
	void *op;
	void (*op_free)(void *op);
	struct argocd_call *next, *prev;
};

/* ---- calls (argocd.c) ---- */

struct argocd_call *argocd_call_new(struct argocd_client *ac, argocd_json_fn done, void *ud);
/* Answers from the loop at its next turn: ok with body (reference taken), or a failure
 * with message (copied). The call ends after the callback. */
void argocd_call_answer(struct argocd_call *call, bool ok, long status, const char *message,
			json_t *body);
/* Runs the callback now (from a loop callback, never from the public entry point) and
 * ends the call. body: reference taken. */
void argocd_call_finish(struct argocd_call *call, bool ok, long status, const char *message,
			json_t *body);

/* A copy of msg with every occurrence of the client's token replaced by "***" (belt and
 * braces: the token is never put in a message, but a server might echo it). */
char *argocd_redact(const struct argocd_client *ac, const char *msg);
/* Argo CD's error body {"error","code","message"} (or a Kubernetes Status) as one
 * sanitised line; else "the server responded with status N". Caller frees. */
char *argocd_error_message(const char *body, size_t len, long status);
/* Percent-encodes s for a path segment or query value. Caller frees. */
char *argocd_escape(const char *s);

/* The body of POST .../sync for opts (NULL: defaults): revision, prune, dryRun,
 * resources [{group, kind, namespace, name}], syncOptions {"items": [...]}. */
json_t *argocd_sync_request_body(const struct argocd_sync_options *opts);

/* ---- the apps table (argocd_apps.c) ---- */

/* A one-row apps table for one Application (stream events). */
struct table *argocd_app_row_table(const json_t *app, long long now);
/* The fields the apps table needs, for ?fields= on the list: prefix "items." for the
 * list, "result.application." for the stream. Caller frees. */
char *argocd_fields_param(const char *prefix);

/* ---- core mode (argocd_core.c) ---- */

void argocd_core_list_apps(struct argocd_call *call);
void argocd_core_get_app(struct argocd_call *call, const char *name);
void argocd_core_resource_tree(struct argocd_call *call, const char *name);
void argocd_core_app_events(struct argocd_call *call, const char *name);
void argocd_core_list_projects(struct argocd_call *call);
void argocd_core_list_clusters(struct argocd_call *call);
void argocd_core_sync(struct argocd_call *call, const char *name,
		      const struct argocd_sync_options *opts);
void argocd_core_rollback(struct argocd_call *call, const char *name, long id, bool prune,
			  bool dry_run);
void argocd_core_terminate(struct argocd_call *call, const char *name);
void argocd_core_refresh(struct argocd_call *call, const char *name, bool hard);
/* The Applications path in the core namespace ("/apis/argoproj.io/v1alpha1/namespaces/
 * argocd/applications"), with "/NAME" when name is set. Caller frees. */
char *argocd_core_app_path(const struct argocd_client *ac, const char *name);

#endif
