/* Discovery as kube-apiserver serves it: /version, /api, /apis, the per group-version
 * APIResourceLists, aggregated discovery (apidiscovery.k8s.io/v2) when asked for, and
 * the health endpoints; OpenAPI is in openapi.c. */
#include "sandbox/api.h"

#include "core/xalloc.h"
#include "sandbox/server.h"

#include <stdio.h>
#include <string.h>

#define AGGREGATED_V2 "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

static json_t *discovery_verbs(const struct resource *res)
{
	if (res->create_only)
		return json_pack("[s]", "create");
	return json_pack("[s,s,s,s,s,s,s,s]", "create", "delete", "deletecollection", "get",
			 "list", "patch", "update", "watch");
}

struct sub_info {
	unsigned flag;
	const char *name;
};

static const struct sub_info subs[] = {
	{RES_SUB_STATUS, "status"}, {RES_SUB_SCALE, "scale"}, {RES_SUB_LOG, "log"}};

static void discovery_sub_kind(const struct resource *res, unsigned flag, const char **group,
			       const char **version, const char **kind)
{
	*group = res->group;
	*version = res->version;
	*kind = res->kind;
	if (flag == RES_SUB_SCALE) {
		*group = "autoscaling";
		*version = "v1";
		*kind = "Scale";
	}
}

static json_t *discovery_sub_verbs(unsigned flag)
{
	if (flag == RES_SUB_LOG)
		return json_pack("[s]", "get");
	return json_pack("[s,s,s]", "get", "patch", "update");
}

static void discovery_add_legacy(json_t *list, const struct resource *res)
{
	json_t *r = json_pack("{s:s,s:s,s:b,s:s,s:o}", "name", res->plural, "singularName",
			      res->singular, "namespaced", res->namespaced, "kind", res->kind,
			      "verbs", discovery_verbs(res));
	if (json_array_size(res->short_names))
		json_object_set(r, "shortNames", res->short_names);
	if (json_array_size(res->categories))
		json_object_set(r, "categories", res->categories);
	json_array_append_new(list, r);
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		if (!(res->subresources & subs[i].flag))
			continue;
		const char *g, *v, *k;
		discovery_sub_kind(res, subs[i].flag, &g, &v, &k);
		char *name = xasprintf("%s/%s", res->plural, subs[i].name);
		json_t *s = json_pack("{s:s,s:s,s:b,s:s,s:o}", "name", name, "singularName", "",
				      "namespaced", res->namespaced, "kind", k, "verbs",
				      discovery_sub_verbs(subs[i].flag));
		if (subs[i].flag == RES_SUB_SCALE) {
			json_object_set_new(s, "group", json_string(g));
			json_object_set_new(s, "version", json_string(v));
		}
		free(name);
		json_array_append_new(list, s);
	}
}

static void discovery_resource_list(struct apireq *req, const char *group, const char *version)
{
	const struct resource_set *set = &req->cl->resources;
	json_t *list = json_array();
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->items[i]->group, group) && !strcmp(set->items[i]->version, version))
			discovery_add_legacy(list, set->items[i]);
	if (json_array_size(list) == 0) {
		json_decref(list);
		api_not_found(req, NULL, NULL);
		return;
	}
	char *gv = *group ? xasprintf("%s/%s", group, version) : xstrdup(version);
	apireq_reply_json(req, 200, json_pack("{s:s,s:s,s:s,s:o}", "kind", "APIResourceList",
					       "apiVersion", "v1", "groupVersion", gv,
					       "resources", list));
	free(gv);
}

static json_t *discovery_group(const char *group, json_t *versions)
{
	json_t *vs = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(versions, i, v) {
		char *gv = xasprintf("%s/%s", group, json_string_value(v));
		json_array_append_new(vs, json_pack("{s:s,s:O}", "groupVersion", gv, "version", v));
		free(gv);
	}
	return json_pack("{s:s,s:o,s:O}", "name", group, "versions", vs, "preferredVersion",
			 json_array_get(vs, 0));
}

static void discovery_groups(struct apireq *req, const char *only)
{
	json_t *groups = resource_groups(&req->cl->resources);
	json_t *list = json_array();
	const char *g;
	json_t *versions;
	json_object_foreach(groups, g, versions) {
		if (!*g)
			continue;
		if (only && !strcmp(only, g)) {
			json_t *one = discovery_group(g, versions);
			json_object_set_new(one, "kind", json_string("APIGroup"));
			json_object_set_new(one, "apiVersion", json_string("v1"));
			json_decref(groups);
			json_decref(list);
			apireq_reply_json(req, 200, one);
			return;
		}
		json_array_append_new(list, discovery_group(g, versions));
	}
	json_decref(groups);
	if (only) {
		json_decref(list);
		api_not_found(req, NULL, NULL);
		return;
	}
	apireq_reply_json(req, 200, json_pack("{s:s,s:s,s:o}", "kind", "APIGroupList",
					       "apiVersion", "v1", "groups", list));
}

static json_t *discovery_aggregated_resource(const struct resource *res)
{
	json_t *r = json_pack("{s:s,s:{s:s,s:s,s:s},s:s,s:s,s:o}", "resource", res->plural,
			      "responseKind", "group", res->group, "version", res->version, "kind",
			      res->kind, "scope", res->namespaced ? "Namespaced" : "Cluster",
			      "singularResource", res->singular, "verbs", discovery_verbs(res));
	if (json_array_size(res->short_names))
		json_object_set(r, "shortNames", res->short_names);
	if (json_array_size(res->categories))
		json_object_set(r, "categories", res->categories);
	json_t *sublist = json_array();
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		if (!(res->subresources & subs[i].flag))
			continue;
		const char *g, *v, *k;
		discovery_sub_kind(res, subs[i].flag, &g, &v, &k);
		json_array_append_new(sublist, json_pack("{s:s,s:{s:s,s:s,s:s},s:o}", "subresource",
							 subs[i].name, "responseKind", "group", g,
							 "version", v, "kind", k, "verbs",
							 discovery_sub_verbs(subs[i].flag)));
	}
	if (json_array_size(sublist))
		json_object_set_new(r, "subresources", sublist);
	else
		json_decref(sublist);
	return r;
}

/* core: the legacy /api document holds only group ""; /apis holds every other group */
static void discovery_aggregated(struct apireq *req, bool core)
{
	const struct resource_set *set = &req->cl->resources;
	json_t *groups = resource_groups(set);
	json_t *items = json_array();
	const char *g;
	json_t *versions;
	json_object_foreach(groups, g, versions) {
		if (core != (*g == '\0'))
			continue;
		json_t *vlist = json_array();
		size_t vi;
		json_t *v;
		json_array_foreach(versions, vi, v) {
			json_t *rl = json_array();
			for (size_t i = 0; i < set->n; i++)
				if (!strcmp(set->items[i]->group, g) &&
				    !strcmp(set->items[i]->version, json_string_value(v)))
					json_array_append_new(rl, discovery_aggregated_resource(set->items[i]));
			json_array_append_new(vlist, json_pack("{s:O,s:o,s:s}", "version", v,
							       "resources", rl, "freshness", "Current"));
		}
		json_t *meta = *g ? json_pack("{s:s}", "name", g) : json_object();
		json_array_append_new(items, json_pack("{s:o,s:o}", "metadata", meta, "versions",
						       vlist));
	}
	json_decref(groups);
	json_t *doc = json_pack("{s:s,s:s,s:{},s:o}", "kind", "APIGroupDiscoveryList",
				"apiVersion", "apidiscovery.k8s.io/v2", "metadata", "items", items);
	char *text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	apireq_reply_bytes(req, 200, AGGREGATED_V2, text, strlen(text));
	free(text);
}

static bool discovery_wants_aggregated(const struct apireq *req)
{
	const char *accept = apireq_header(req, "Accept");
	/* only when the client prefers it: its first choice names the v2 list */
	return accept && !strncmp(accept, AGGREGATED_V2, strlen(AGGREGATED_V2));
}

static void discovery_version(struct apireq *req)
{
	apireq_reply_json(req, 200,
			   json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "major", "1",
				     "minor", "30", "gitVersion", "v1.30.6", "gitCommit",
				     "00f20d443ba0cd2c8e6ef1fa6ba6bc82c5d5d1dd", "gitTreeState",
				     "clean", "buildDate", "2024-10-22T20:28:14Z", "goVersion",
				     "go1.22.8", "compiler", "gc", "platform", "linux/amd64"));
}

static void discovery_api(struct apireq *req)
{
	if (discovery_wants_aggregated(req)) {
		discovery_aggregated(req, true);
		return;
	}
	char addr[64];
	snprintf(addr, sizeof addr, "127.0.0.1:%u", req->srv->port);
	apireq_reply_json(req, 200, json_pack("{s:s,s:[s],s:[{s:s,s:s}]}", "kind", "APIVersions",
					       "versions", "v1", "serverAddressByClientCIDRs",
					       "clientCIDR", "0.0.0.0/0", "serverAddress", addr));
}

void discovery_handle(struct apireq *req, const char *path)
{
	char group[128], version[64];
	if (!strcmp(path, "/version") || !strcmp(path, "/version/"))
		discovery_version(req);
	else if (!strcmp(path, "/api") || !strcmp(path, "/api/"))
		discovery_api(req);
	else if (!strcmp(path, "/apis") || !strcmp(path, "/apis/"))
		discovery_wants_aggregated(req) ? discovery_aggregated(req, false)
						: discovery_groups(req, NULL);
	else if (sscanf(path, "/api/%63[^/]", version) == 1)
		discovery_resource_list(req, "", version);
	else if (sscanf(path, "/apis/%127[^/]/%63[^/]", group, version) == 2)
		discovery_resource_list(req, group, version);
	else if (sscanf(path, "/apis/%127[^/]", group) == 1)
		discovery_groups(req, group);
	else if (!strncmp(path, "/openapi/", 9))
		openapi_handle(req, path);
	else if (!strcmp(path, "/healthz") || !strcmp(path, "/livez") || !strcmp(path, "/readyz"))
		apireq_reply_bytes(req, 200, "text/plain; charset=utf-8", "ok", 2);
	else
		api_not_found(req, NULL, NULL);
}
