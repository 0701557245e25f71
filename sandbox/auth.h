/* Who is calling and what they may do: the sandbox's two identities (admin, viewer),
 * recognised by bearer token or client certificate, and an authorizer that answers like
 * RBAC with the "cluster-admin" and "view" ClusterRoles. */
#ifndef OPSDECK_SANDBOX_AUTH_H
#define OPSDECK_SANDBOX_AUTH_H

#include "sandbox/certs.h"

#include <stdbool.h>
#include <stddef.h>

struct identity {
	const char *user;        /* "sandbox-admin" */
	const char *groups[3];   /* NULL-terminated */
	bool admin;
};

extern const struct identity auth_admin, auth_viewer;

struct auth {
	char admin_token[48];
	char viewer_token[48];
	const struct certs *certs;
};

/* What a request asks to do, as Kubernetes' RequestInfo names it. */
struct auth_attrs {
	bool is_resource;
	const char *verb;        /* get list watch create update patch delete deletecollection */
	const char *group, *resource, *subresource, *ns, *name;
	const char *path;        /* for non-resource requests */
};

/* Fresh random tokens; returns 0 or -1 with err. */
int auth_init(struct auth *a, const struct certs *certs, char *err, size_t errlen);
/* From an Authorization header value ("Bearer …"); NULL when absent or unknown. */
const struct identity *auth_from_header(const struct auth *a, const char *authorization);
/* From a presented client certificate (DER); NULL when it does not verify. */
const struct identity *auth_from_cert(const struct auth *a, const unsigned char *der,
				      size_t len);
bool auth_allowed(const struct identity *who, const struct auth_attrs *at);
/* kube-apiserver's Forbidden message for a denied request, e.g.
 * pods "web-1" is forbidden: User "sandbox-viewer" cannot delete resource "pods" in API
 * group "" in the namespace "payments-dev". */
void auth_forbidden_message(const struct identity *who, const struct auth_attrs *at,
			    char *buf, size_t len);
/* The rules a SelfSubjectRulesReview reports for who (resourceRules and
 * nonResourceRules arrays in a new JSON object). */
struct json_t;
struct json_t *auth_rules(const struct identity *who);

#endif
