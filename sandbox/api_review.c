/* Reviews a client asks about itself: SelfSubjectAccessReview (may I?), the rules
 * review (what may I?) and SelfSubjectReview (who am I?), answered for the caller. */
#include "sandbox/api.h"

#include <string.h>

static const char *review_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

static json_t *review_access_status(const struct apireq *req, const json_t *spec)
{
	const json_t *ra = json_object_get(spec, "resourceAttributes");
	const json_t *nra = json_object_get(spec, "nonResourceAttributes");
	struct auth_attrs at;
	memset(&at, 0, sizeof at);
	if (ra) {
		at.is_resource = true;
		at.verb = review_str(ra, "verb");
		at.group = review_str(ra, "group");
		at.resource = review_str(ra, "resource");
		at.subresource = *review_str(ra, "subresource") ? review_str(ra, "subresource") : NULL;
		at.ns = review_str(ra, "namespace");
		at.name = review_str(ra, "name");
	} else {
		at.verb = review_str(nra, "verb");
		at.path = review_str(nra, "path");
	}
	bool allowed = auth_allowed(req->who, &at);
	json_t *status = json_pack("{s:b}", "allowed", allowed);
	/* system:masters is allowed by the privileged-group authorizer, which gives no
	 * reason; the viewer's permissions come from RBAC, which names the binding */
	if (allowed && !req->who->admin)
		json_object_set_new(status, "reason",
				    json_string("RBAC: allowed by ClusterRoleBinding \"sandbox-viewers\" "
						"of ClusterRole \"view\" to Group \"sandbox:viewers\""));
	return status;
}

static json_t *review_user_info(const struct identity *who)
{
	json_t *groups = json_array();
	for (size_t i = 0; who->groups[i]; i++)
		json_array_append_new(groups, json_string(who->groups[i]));
	return json_pack("{s:s,s:o}", "username", who->user, "groups", groups);
}

void api_review(struct apireq *req, const struct resource *res, const struct route *rt)
{
	(void)rt;
	json_t *obj = api_body_json(req);
	if (!obj)
		return;
	json_t *spec = json_object_get(obj, "spec");
	json_t *status;
	if (!strcmp(res->plural, "selfsubjectaccessreviews")) {
		if (!json_object_get(spec, "resourceAttributes") &&
		    !json_object_get(spec, "nonResourceAttributes")) {
			json_decref(obj);
			apireq_reply_status(req, 422, "Invalid",
					     "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified",
					     apireq_details("", res->group, "SelfSubjectAccessReview"));
			return;
		}
		status = review_access_status(req, spec);
	} else if (!strcmp(res->plural, "selfsubjectrulesreviews")) {
		status = auth_rules(req->who);
		json_object_set_new(status, "incomplete", json_false());
	} else {
		status = json_pack("{s:o}", "userInfo", review_user_info(req->who));
	}
	char *api_version = resource_api_version(res);
	json_object_set_new(obj, "apiVersion", json_string(api_version));
	free(api_version);
	json_object_set_new(obj, "kind", json_string(res->kind));
	if (!json_is_object(json_object_get(obj, "metadata")))
		json_object_set_new(obj, "metadata", json_object());
	json_object_set_new(json_object_get(obj, "metadata"), "creationTimestamp", json_null());
	json_object_set_new(obj, "status", status);
	apireq_reply_json(req, 201, obj);
}
