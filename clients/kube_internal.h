/* Shared between clients/kube*.c only: authenticated requests and the call object that
 * multi-step operations (discovery, paged lists, watches) are built from. */
#ifndef OPSDECK_CLIENTS_KUBE_INTERNAL_H
#define OPSDECK_CLIENTS_KUBE_INTERNAL_H

#include "clients/http.h"
#include "clients/kube.h"
#include "core/table.h"

/* ---- one authenticated HTTP exchange (kube.c) ---- */

struct kube_req;

struct kube_send {
	const char *method;         /* NULL: GET */
	const char *path;           /* "/api/v1/pods?limit=500" (appended to the server URL) */
	const char *accept;         /* NULL: application/json */
	const char *body;
	const char *content_type;
	long timeout_ms;            /* 0: the client's default (60 s); <0: none (watches) */
	http_data_fn on_data;       /* streamed 2xx body (watches) */
	http_head_fn on_head;
	void *stream_ud;            /* ud for on_data/on_head */
};

/* resp is NULL when the request could not be sent at all (credentials failed, read-only,
 * bad URL); err then says why. Otherwise err is NULL. */
typedef void (*kube_sent_fn)(void *ud, const struct http_response *resp, const char *err);

/* Sends with the context's credentials, fetching exec credentials first when needed and
 * retrying once after a 401 with fresh ones. The callback always runs from the loop. */
struct kube_req *kube_send(struct kube_client *kc, const struct kube_send *s, kube_sent_fn done,
			   void *ud);
void kube_req_cancel(struct kube_req *req);

/* The one-line message for a failed exchange, or NULL when resp is a 2xx: a Status body's
 * message, else "the server responded with status N", and for transport errors "cannot
 * reach SERVER: error". Caller frees. */
char *kube_response_error(const struct kube_client *kc, const struct http_response *resp);

/* ---- calls (kube.c) ---- */

/* A public operation: owns the requests it has in flight, so cancelling it cancels them.
 * op is the operation's own state, freed by op_free when the call ends. */
struct kube_call {
	struct kube_client *kc;
	struct kube_req **reqs;
	size_t nreqs, reqs_cap;
	long long timer;            /* a deferred callback, 0 when none */
	void (*deferred)(struct kube_call *call);
	void *op;
	void (*op_free)(void *op);
	void *step;                 /* a sub-step's state (e.g. discovery inside a list) */
	void (*step_free)(void *step);
	struct kube_call *next;     /* in the client's list */
};

struct kube_call *kube_call_new(struct kube_client *kc, void *op, void (*op_free)(void *));
/* Sends a request on behalf of call; it leaves the call's list when it completes. */
void kube_call_send(struct kube_call *call, const struct kube_send *s, kube_sent_fn done,
		    void *ud);
/* Runs fn(call) from the loop at its next turn (how calls answer without re-entering). */
void kube_call_defer(struct kube_call *call, void (*fn)(struct kube_call *call));
/* Ends the call: frees op and the call (requests still in flight are cancelled). */
void kube_call_end(struct kube_call *call);
/* For kube_send callbacks: forget req in call (it completed). */
void kube_call_forget(struct kube_call *call, const struct kube_req *req);

struct loop *kube_client_loop(const struct kube_client *kc);
/* The shared HTTP layer (to ask whether it is read-only before a chain of calls). */
struct http *kube_client_http(const struct kube_client *kc);
void kube_client_set_discovery(struct kube_client *kc, struct kube_discovery *disc);

/* ---- discovery (kube_discovery.c) ---- */

/* Fetches discovery into the client (unless cached), then runs cont from the loop with
 * err NULL on success. */
void kube_discovery_fetch(struct kube_call *call, void (*cont)(struct kube_call *call,
							       const char *err));

/* ---- lists (kube_list.c) ---- */

/* Like kube_list_fn, plus the condition columns (KUBE_COND_* bits, kube_table.h) the
 * table ends with. */
typedef void (*kube_list_cond_fn)(void *ud, const struct kube_result *res,
				  const struct kube_resource *resource, struct table *t,
				  unsigned cond_cols);

/* kube_list for watches: cond_cols < 0 decides the condition columns from the list as
 * kube_list does (when opts->conditions); otherwise the table gets exactly those columns
 * (a relist keeps the first list's decision; 0: none, and only metadata is asked for). */
struct kube_call *kube_list_cond(struct kube_client *kc, const struct kube_list_options *opts,
				 int cond_cols, kube_list_cond_fn done, void *ud);

/* ---- paths (kube_list.c) ---- */

/* The resource path of res: /api/v1[/namespaces/NS]/R or /apis/G/V[/namespaces/NS]/R;
 * ns NULL or "" for all namespaces (or a cluster-scoped resource). Caller frees. */
char *kube_resource_path(const struct kube_resource *res, const char *ns);
/* The list path for opts (namespace or all, selectors, includeObject=Metadata, or
 * includeObject=Object when opts->conditions), without
 * limit/continue/watch parameters. Caller frees. */
char *kube_list_path(const struct kube_client *kc, const struct kube_resource *res,
		     const struct kube_list_options *opts);
/* Appends "&key=value" (or "?key=value" when path has no '?') URL-encoded. */
char *kube_path_add_query(char *path, const char *key, const char *value);

#endif
