/* The clusters the console talks to: one Kubernetes client per kubeconfig context,
 * made when first needed, and what the console knows of each (reachable, server
 * version, the identity the server sees, discovery), probed in the background. */
#ifndef OPSDECK_VIEWS_SESSION_H
#define OPSDECK_VIEWS_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "clients/http.h"
#include "clients/kube.h"
#include "clients/kubeconfig.h"
#include "core/jobs.h"
#include "core/loop.h"

enum session_reach {
	SESSION_UNKNOWN,      /* not probed yet, or probing */
	SESSION_REACHABLE,
	SESSION_UNREACHABLE,  /* the probe failed: error says why */
};

struct session_cluster {
	const struct kube_context *ctx;   /* from the kubeconfig */
	struct kube_client *kc;           /* NULL until session_cluster_open */
	enum session_reach reach;
	char *version;                    /* "v1.30.0", or NULL */
	char *identity;                   /* "sandbox-admin", or NULL */
	char *error;                      /* the last probe error, or NULL */
	bool probing;
	long long probed_at_ms;
	void *probe;                      /* the probe in flight (internal) */
};

struct session;

/* Fires when a probe completes (the contexts view and the header redraw). */
typedef void (*session_changed_fn)(void *ud, struct session_cluster *cl);

/* A session over kcfg (borrowed; must outlive the session). http and jobs are shared
 * with the clients. */
struct session *session_new(struct loop *loop, struct http *http, struct jobs *jobs,
			    const struct kubeconfig *kcfg);
void session_free(struct session *s);
/* Adds a listener (at most a few: the console, the contexts view). */
void session_listen(struct session *s, session_changed_fn fn, void *ud);
void session_unlisten(struct session *s, session_changed_fn fn, void *ud);

size_t session_count(const struct session *s);
struct session_cluster *session_at(struct session *s, size_t i);
/* The cluster of context name, or NULL when the kubeconfig has no such context. */
struct session_cluster *session_find(struct session *s, const char *name);
/* Makes the client of cl if needed, starts a probe (version, identity, discovery) when
 * none has run, and returns the client. */
struct kube_client *session_cluster_open(struct session *s, struct session_cluster *cl);
/* Probes again (the contexts view's refresh). */
void session_probe(struct session *s, struct session_cluster *cl);

/* Contexts matching pattern: "all" (every cluster once: of the contexts reaching the
 * same server, the first in the kubeconfig), a context name, or a glob ("prod*");
 * several separated by commas. Fills out (cap entries) and returns how many matched. */
size_t session_match(struct session *s, const char *pattern, struct session_cluster **out,
		     size_t cap);

#endif
