/* The sandbox's identities and authorizer: tokens made at start, client certificates
 * checked against the sandbox CA, and the two roles (everything; read all but secrets). */
#include "sandbox/auth.h"

#include <jansson.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

const struct identity auth_admin = {
	"sandbox-admin", {"system:masters", "system:authenticated", NULL}, true};
const struct identity auth_viewer = {
	"sandbox-viewer", {"sandbox:viewers", "system:authenticated", NULL}, false};

static int auth_random_token(char *buf, size_t len)
{
	unsigned char raw[20];
	if (RAND_bytes(raw, sizeof raw) != 1 || len < 2 * sizeof raw + 1)
		return -1;
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(buf + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

int auth_init(struct auth *a, const struct certs *certs, char *err, size_t errlen)
{
	memset(a, 0, sizeof *a);
	a->certs = certs;
	if (auth_random_token(a->admin_token, sizeof a->admin_token) ||
	    auth_random_token(a->viewer_token, sizeof a->viewer_token)) {
		snprintf(err, errlen, "auth: no random bytes for tokens");
		return -1;
	}
	return 0;
}

const struct identity *auth_from_header(const struct auth *a, const char *authorization)
{
	if (!authorization || strncmp(authorization, "Bearer ", 7))
		return NULL;
	const char *token = authorization + 7;
	while (*token == ' ')
		token++;
	if (!strcmp(token, a->admin_token))
		return &auth_admin;
	if (!strcmp(token, a->viewer_token))
		return &auth_viewer;
	return NULL;
}

const struct identity *auth_from_cert(const struct auth *a, const unsigned char *der,
				      size_t len)
{
	char user[256], groups[512];
	if (!a->certs || certs_client_identity(a->certs, der, len, user, sizeof user, groups,
					       sizeof groups))
		return NULL;
	if (!strcmp(user, auth_admin.user) && strstr(groups, "system:masters"))
		return &auth_admin;
	if (!strcmp(user, auth_viewer.user))
		return &auth_viewer;
	return NULL;
}

static bool auth_is_read_verb(const char *verb)
{
	return !strcmp(verb, "get") || !strcmp(verb, "list") || !strcmp(verb, "watch");
}

bool auth_allowed(const struct identity *who, const struct auth_attrs *at)
{
	if (!who)
		return false;
	if (who->admin)
		return true;
	if (!at->is_resource)
		return !strcmp(at->verb, "get");
	if (!strcmp(at->verb, "create") && !at->subresource &&
	    (!strcmp(at->group, "authorization.k8s.io") ||
	     !strcmp(at->group, "authentication.k8s.io")) &&
	    !strncmp(at->resource, "selfsubject", 11))
		return true;
	/* the "view" ClusterRole: reads everything except secrets and the exec-like
	 * subresources */
	if (!auth_is_read_verb(at->verb))
		return false;
	if (!strcmp(at->group, "") && !strcmp(at->resource, "secrets"))
		return false;
	return !at->subresource || !strcmp(at->subresource, "log") ||
	       !strcmp(at->subresource, "status") || !strcmp(at->subresource, "scale");
}

void auth_forbidden_message(const struct identity *who, const struct auth_attrs *at,
			    char *buf, size_t len)
{
	const char *user = who ? who->user : "";
	if (!at->is_resource) {
		snprintf(buf, len, "forbidden: User \"%s\" cannot %s path \"%s\"", user, at->verb,
			 at->path);
		return;
	}
	char qualified[256], resource[256], scope[300];
	if (at->group && *at->group)
		snprintf(qualified, sizeof qualified, "%s.%s", at->resource, at->group);
	else
		snprintf(qualified, sizeof qualified, "%s", at->resource);
	snprintf(resource, sizeof resource, "%s%s%s", at->resource, at->subresource ? "/" : "",
		 at->subresource ? at->subresource : "");
	if (at->ns && *at->ns)
		snprintf(scope, sizeof scope, "in the namespace \"%s\"", at->ns);
	else
		snprintf(scope, sizeof scope, "at the cluster scope");
	char name[300] = "";
	if (at->name && *at->name)
		snprintf(name, sizeof name, " \"%s\"", at->name);
	snprintf(buf, len,
		 "%s%s is forbidden: User \"%s\" cannot %s resource \"%s\" in API group \"%s\" %s",
		 qualified, name, user, at->verb, resource, at->group ? at->group : "", scope);
}

json_t *auth_rules(const struct identity *who)
{
	json_t *out = json_object();
	json_t *rr = json_array(), *nr = json_array();
	json_array_append_new(rr, json_pack("{s:[s],s:[s],s:[s,s]}", "verbs", "create",
					    "apiGroups", "authorization.k8s.io", "resources",
					    "selfsubjectaccessreviews", "selfsubjectrulesreviews"));
	json_array_append_new(rr, json_pack("{s:[s],s:[s],s:[s]}", "verbs", "create",
					    "apiGroups", "authentication.k8s.io", "resources",
					    "selfsubjectreviews"));
	if (who && who->admin) {
		json_array_append_new(rr, json_pack("{s:[s],s:[s],s:[s]}", "verbs", "*",
						    "apiGroups", "*", "resources", "*"));
		json_array_append_new(nr, json_pack("{s:[s],s:[s]}", "verbs", "*",
						    "nonResourceURLs", "*"));
	} else {
		json_array_append_new(rr, json_pack("{s:[s,s,s],s:[s],s:[s]}", "verbs", "get",
						    "list", "watch", "apiGroups", "*",
						    "resources", "*"));
		json_array_append_new(nr, json_pack("{s:[s],s:[s]}", "verbs", "get",
						    "nonResourceURLs", "*"));
	}
	json_object_set_new(out, "resourceRules", rr);
	json_object_set_new(out, "nonResourceRules", nr);
	return out;
}
