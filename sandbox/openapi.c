/* OpenAPI v3 stubs: a root listing every group-version and, per group-version, one PATCH
 * operation per kind that declares the fieldValidation query parameter. That is what
 * kubectl looks for before it trusts the server to validate (apply, create, edit);
 * schemas are left out, so kubectl builds patches from its compiled-in types (or JSON
 * merge patches for custom resources). */
#include "sandbox/api.h"

#include "core/xalloc.h"

#include <stdio.h>
#include <string.h>

static char *openapi_gv_path(const char *group, const char *version)
{
	return *group ? xasprintf("apis/%s/%s", group, version) : xasprintf("api/%s", version);
}

static void openapi_root(struct apireq *req)
{
	json_t *groups = resource_groups(&req->cl->resources);
	json_t *paths = json_object();
	const char *g;
	json_t *versions;
	json_object_foreach(groups, g, versions) {
		size_t i;
		json_t *v;
		json_array_foreach(versions, i, v) {
			char *p = openapi_gv_path(g, json_string_value(v));
			/* client-go fetches this URL as given: it must carry the cluster prefix */
			char *url = xasprintf("/clusters/%s/openapi/v3/%s?hash=%llu", req->cl->name, p,
					      (unsigned long long)req->cl->rv);
			json_object_set_new(paths, p, json_pack("{s:s}", "serverRelativeURL", url));
			free(url);
			free(p);
		}
	}
	json_decref(groups);
	apireq_reply_json(req, 200, json_pack("{s:o}", "paths", paths));
}

static json_t *openapi_patch_path(const struct resource *res)
{
	json_t *params = json_pack("[{s:s,s:s,s:{s:s},s:b},{s:s,s:s,s:{s:s},s:b}]", "name",
				   "fieldValidation", "in", "query", "schema", "type", "string",
				   "uniqueItems", 1, "name", "dryRun", "in", "query", "schema",
				   "type", "string", "uniqueItems", 1);
	json_t *op = json_pack("{s:[s],s:o,s:{s:s,s:s,s:s},s:s}", "tags", res->plural,
			       "parameters", params, "x-kubernetes-group-version-kind", "group",
			       res->group, "version", res->version, "kind", res->kind,
			       "x-kubernetes-action", "patch");
	return json_pack("{s:o}", "patch", op);
}

static void openapi_gv(struct apireq *req, const char *group, const char *version)
{
	const struct resource_set *set = &req->cl->resources;
	json_t *paths = json_object();
	for (size_t i = 0; i < set->n; i++) {
		const struct resource *r = set->items[i];
		if (strcmp(r->group, group) || strcmp(r->version, version) || r->create_only)
			continue;
		char *gv = openapi_gv_path(group, version);
		char *p = r->namespaced
				  ? xasprintf("/%s/namespaces/{namespace}/%s/{name}", gv, r->plural)
				  : xasprintf("/%s/%s/{name}", gv, r->plural);
		json_object_set_new(paths, p, openapi_patch_path(r));
		free(p);
		free(gv);
	}
	if (json_object_size(paths) == 0) {
		json_decref(paths);
		api_not_found(req, NULL, NULL);
		return;
	}
	apireq_reply_json(req, 200, json_pack("{s:s,s:{s:s,s:s},s:o,s:{s:{}}}", "openapi", "3.0.0",
					       "info", "title", "Kubernetes", "version", "v1.30.6",
					       "paths", paths, "components", "schemas"));
}

void openapi_handle(struct apireq *req, const char *path)
{
	char group[128], version[64];
	if (!strcmp(path, "/openapi/v3") || !strcmp(path, "/openapi/v3/"))
		openapi_root(req);
	else if (sscanf(path, "/openapi/v3/api/%63[^/?]", version) == 1)
		openapi_gv(req, "", version);
	else if (sscanf(path, "/openapi/v3/apis/%127[^/]/%63[^/?]", group, version) == 2)
		openapi_gv(req, group, version);
	else
		api_not_found(req, NULL, NULL);
}
