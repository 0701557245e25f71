/* The sandbox's Argo CD: the REST API served under /argocd, its two bearer tokens, and the
 * application-controller simulation that acts on the Applications of the control-plane
 * cluster (whether their .operation came through /argocd or the Kubernetes API). */
#ifndef OPSDECK_SANDBOX_ARGOCD_H
#define OPSDECK_SANDBOX_ARGOCD_H

#include "sandbox/apireq.h"
#include "sandbox/objstore.h"

#include <stdbool.h>

enum argocd_role { ARGOCD_ADMIN, ARGOCD_READONLY };

/* The role's token: a JWT-looking string made fresh once per process. */
const char *sbx_argocd_token(enum argocd_role role);
/* The role a "Bearer …" header or an argocd.token cookie carries; -1 when neither
 * names a known token. Either argument may be NULL. */
int sbx_argocd_role_of(const char *authorization, const char *cookie);

/* Answers a request whose path starts with /argocd; store lock held. */
void sbx_argocd_handle(struct apireq *req);

/* One pass of the application controller over the control-plane cluster's Applications
 * (operations, auto-sync, refresh, sync and health); lock held. Returns true while timed
 * work remains (an operation running), so the caller ticks again without a change. */
bool sbx_argocd_controller_tick(struct objstore *st);

#endif
