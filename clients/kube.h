/* A Kubernetes API client for one kubeconfig context, driven by the event loop: discovery
 * and name resolution as kubectl does it, lists as server-side Tables (every page), single
 * objects, generic requests, and watches that relist and reconnect on their own. */
#ifndef OPSDECK_CLIENTS_KUBE_H
#define OPSDECK_CLIENTS_KUBE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "clients/http.h"
#include "clients/kubeconfig.h"
#include "core/jobs.h"
#include "core/loop.h"
#include "core/table.h"

struct kube_client;
struct kube_call;   /* one asynchronous operation in flight; cancel with kube_call_cancel */

/* ---- client ---------------------------------------------------------------------- */

/* A client for ctx. loop, http and jobs are shared by every client and must outlive it;
 * ctx is copied, so the kubeconfig may be freed afterwards. jobs runs exec credential
 * plugins and may be NULL when no context uses one. Never fails: a context without a
 * server fails at its first call with a clear message. */
struct kube_client *kube_client_new(struct loop *loop, struct http *http, struct jobs *jobs,
				    const struct kube_context *ctx);
/* Cancels every call still in flight (no callbacks run) and frees the client. Stop its
 * watches (kube_watch_stop) first: a watch does not outlive its client. */
void kube_client_free(struct kube_client *kc);
/* The context's name and server URL, for messages and the console header. */
const char *kube_client_context_name(const struct kube_client *kc);
const char *kube_client_server(const struct kube_client *kc);
/* The namespace a namespaced call uses when the caller gives none: the context's
 * namespace, else "default". */
const char *kube_client_default_namespace(const struct kube_client *kc);

/* Cancels a call: its callback never runs and the handle is freed. Only valid before the
 * callback has run (a call's handle is freed right after its callback returns). */
void kube_call_cancel(struct kube_call *call);

/* ---- discovery and name resolution ------------------------------------------------- */

enum kube_verb {
	KUBE_VERB_GET = 1u << 0,
	KUBE_VERB_LIST = 1u << 1,
	KUBE_VERB_WATCH = 1u << 2,
	KUBE_VERB_CREATE = 1u << 3,
	KUBE_VERB_UPDATE = 1u << 4,
	KUBE_VERB_PATCH = 1u << 5,
	KUBE_VERB_DELETE = 1u << 6,
	KUBE_VERB_DELETECOLLECTION = 1u << 7,
};

/* One resource type the server serves, at its group's preferred version (or the first
 * version that serves it). Owned by the discovery data; never freed by callers. */
struct kube_resource {
	char *group;          /* "" for the core group */
	char *version;        /* e.g. "v1" */
	char *resource;       /* plural, e.g. "deployments" */
	char *singular;       /* e.g. "deployment" (derived from kind when the server omits it) */
	char *kind;           /* e.g. "Deployment" */
	char **short_names;   /* e.g. {"deploy"}, nshort entries */
	size_t nshort;
	bool namespaced;
	unsigned verbs;       /* enum kube_verb bits */
};

/* Everything discovery found. */
struct kube_discovery {
	struct kube_resource *resources;   /* core group first, then in the server's order */
	size_t nresources, resources_cap;
	bool aggregated;      /* came from the aggregated (apidiscovery.k8s.io/v2) endpoints */
};

typedef void (*kube_discovery_fn)(void *ud, const struct kube_discovery *disc,
				  const char *err);

/* Fetches discovery once (aggregated when the server offers it, else legacy /api + /apis
 * + each /apis/G/V) and caches it in the client; later calls answer from the cache
 * (callback still runs from the loop, never inside this call). disc is NULL and err set
 * on failure. */
struct kube_call *kube_discover(struct kube_client *kc, kube_discovery_fn done, void *ud);
/* The cached discovery, or NULL before kube_discover has succeeded. */
const struct kube_discovery *kube_client_discovery(const struct kube_client *kc);

/* Resolves what a user typed as kubectl does: plural, singular, kind (case-insensitive),
 * short name, any of those with ".group" ("deploy.apps", "Application.argoproj.io"; the
 * group may stop at a dot, as "applications.argoproj"), and "resource.version.group". Core group wins ties, then the order the
 * server listed groups in (its preference). Returns the resource, or NULL with err as
 * kubectl words it: the server doesn't have a resource type "foo". Subresources
 * (pods/log) are never matched. */
const struct kube_resource *kube_discovery_resolve(const struct kube_discovery *disc,
						   const char *name, char *err, size_t errlen);

/* ---- lists as server-side Tables --------------------------------------------------- */

struct kube_list_options {
	const char *resource;        /* as typed: "po", "deployments.apps", "Application" */
	const char *namespace;       /* NULL: kube_client_default_namespace(); ignored for
				      * cluster-scoped resources and with all_namespaces */
	bool all_namespaces;
	const char *label_selector;  /* NULL or "" when none */
	const char *field_selector;  /* NULL or "" when none */
	unsigned limit;              /* page size; 0 means 500 */
	/* Ask for whole objects (includeObject=Object) and append READY and SYNCED columns
	 * summarising status.conditions of type Ready and Synced (the condition's status:
	 * True, False, Unknown; "" when the object has no such condition; when False and the
	 * condition has a reason, "False (Reason)"). The columns are added only when at least
	 * one row of the first list has such a condition (so kinds without conditions keep
	 * the server's columns), and not when the server already shows a column of that
	 * name; watch events then always carry the same columns. The whole object is not
	 * kept: only the row identity and cells. */
	bool conditions;
};

/* The outcome of a call: http_status is the HTTP status (0 when the server was never
 * reached), message a one-line explanation on failure (NULL on success), e.g.
 *   pods is forbidden: User "x" cannot list resource "pods" in API group "" ...
 *   cannot reach https://127.0.0.1:6443: Connection refused
 *   the server doesn't have a resource type "foo"                                   */
struct kube_result {
	bool ok;
	long http_status;
	const char *message;
};

/* t is the whole list (every page merged), columns from the server, row identity from each
 * row's object metadata; the callee owns t (table_free). t is NULL when !res->ok. resource
 * is what the name resolved to (NULL when resolution failed). */
typedef void (*kube_list_fn)(void *ud, const struct kube_result *res,
			     const struct kube_resource *resource, struct table *t);

/* Discovers (if not yet cached), resolves opts->resource, then lists it as a Table,
 * following every "continue" token. opts and its strings are copied. */
struct kube_call *kube_list(struct kube_client *kc, const struct kube_list_options *opts,
			    kube_list_fn done, void *ud);

/* ---- single objects and generic requests ------------------------------------------- */

/* obj is the parsed response body (a new reference the callee owns; NULL on failure). */
typedef void (*kube_json_fn)(void *ud, const struct kube_result *res, json_t *obj);

/* GETs one object as JSON; namespace NULL means the default namespace (ignored for
 * cluster-scoped resources). Resolves `resource` like kube_list. */
struct kube_call *kube_get(struct kube_client *kc, const char *resource, const char *namespace,
			   const char *name, kube_json_fn done, void *ud);

/* Any request: path starts with "/" (query string allowed), body may be NULL, content_type
 * NULL means application/json when there is a body. A non-2xx answer fails with the
 * Status message; a 2xx body that is not JSON gives obj NULL with res->ok true. Mutating
 * methods fail at once (callback still from the loop) while http is read-only. */
struct kube_call *kube_request(struct kube_client *kc, const char *method, const char *path,
			       const char *body, const char *content_type, kube_json_fn done,
			       void *ud);

/* ---- who and what the server is ----------------------------------------------------- */

/* The user name the server sees, from a SelfSubjectReview (authentication.k8s.io/v1,
 * falling back to v1beta1 on 404); done gets it (NULL with res->ok false on failure).
 * The POST is allowed in read-only mode (http.h). user is valid during the call. */
typedef void (*kube_identity_fn)(void *ud, const struct kube_result *res, const char *user);
struct kube_call *kube_whoami(struct kube_client *kc, kube_identity_fn done, void *ud);

/* GET /version: gitVersion ("v1.30.0"); NULL with res->ok false when unreachable.
 * git_version is valid during the call. */
typedef void (*kube_version_fn)(void *ud, const struct kube_result *res, const char *git_version);
struct kube_call *kube_version(struct kube_client *kc, kube_version_fn done, void *ud);

/* ---- watches ----------------------------------------------------------------------- */

enum kube_watch_state {
	KUBE_WATCH_LISTING,      /* listing (first time, or relisting after 410 Gone) */
	KUBE_WATCH_CONNECTED,    /* the watch stream is open */
	KUBE_WATCH_RETRYING,     /* waiting until next_attempt_ms to reconnect */
	KUBE_WATCH_FAILED,       /* gave up (resource unknown, forbidden, ...): see error */
};

struct kube_watch_status {
	enum kube_watch_state state;
	long long next_attempt_ms;   /* loop_now_ms() time of the next try when RETRYING */
	unsigned failures;           /* consecutive failures since the last healthy stream */
	const char *error;           /* the last error, or NULL */
	const char *resource_version;/* the last resourceVersion seen (list, event, bookmark) */
};

enum kube_event_type { KUBE_EVENT_ADDED, KUBE_EVENT_MODIFIED, KUBE_EVENT_DELETED };

struct kube_watch_callbacks {
	/* A complete list: the first one, and again after every relist (410 Expired). The
	 * callee owns t and should replace what it held. */
	void (*synced)(void *ud, struct table *t);
	/* One change. row is a one-row table with the list's columns (owned by the watch,
	 * valid during the call); its row identity (uid, name, namespace) says which. */
	void (*event)(void *ud, enum kube_event_type type, const struct table *row);
	/* The state changed (for the console's header); st valid during the call. May be
	 * NULL. */
	void (*state)(void *ud, const struct kube_watch_status *st);
};

/* Lists opts (like kube_list) and then watches from the list's resourceVersion with
 * bookmarks, as Table rows. Relists on 410; reconnects after drops with backoff 0.5 s
 * doubling to 30 s with jitter, reset after a stream that stayed healthy; honours
 * Retry-After on 429. Stops only with kube_watch_stop (or a permanent failure: unknown
 * resource, 401/403/404 -> KUBE_WATCH_FAILED). cbs and opts are copied. Callbacks never
 * run inside this call; kube_watch_stop is safe from inside any of them. */
struct kube_watch *kube_watch_start(struct kube_client *kc, const struct kube_list_options *opts,
				    const struct kube_watch_callbacks *cbs, void *ud);
void kube_watch_stop(struct kube_watch *w);
const struct kube_watch_status *kube_watch_status(const struct kube_watch *w);

/* ---- running it from a batch command ----------------------------------------------- */

/* Runs the loop until *done becomes true or timeout_ms passes (<0: no limit). Returns 0
 * when done, -1 on timeout. For batch commands:
 *     bool done = false; kube_list(kc, &opts, on_list, &done);
 *     kube_run_until(loop, &done, 30000);   // on_list sets done = true */
int kube_run_until(struct loop *loop, const bool *done, long long timeout_ms);

#endif
