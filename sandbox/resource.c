/* The resource registry of one sandbox cluster: a table of the built-in Kubernetes
 * resources the sandbox serves, plus the resources CustomResourceDefinitions add. */
#include "sandbox/resource.h"

#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct builtin {
	const char *group, *version, *plural, *singular, *kind;
	bool namespaced, create_only;
	unsigned subresources;
	const char *short_names; /* comma-separated */
	const char *categories;  /* comma-separated */
};

/* What kube-apiserver v1.30 serves and opsdeck or kubectl touch; the short names and
 * categories are the real ones so that `kubectl get deploy` and `get all` resolve. */
static const struct builtin builtins[] = {
	{"", "v1", "pods", "pod", "Pod", true, false, RES_SUB_STATUS | RES_SUB_LOG, "po", "all"},
	{"", "v1", "services", "service", "Service", true, false, RES_SUB_STATUS, "svc", "all"},
	{"", "v1", "configmaps", "configmap", "ConfigMap", true, false, 0, "cm", ""},
	{"", "v1", "secrets", "secret", "Secret", true, false, 0, "", ""},
	{"", "v1", "namespaces", "namespace", "Namespace", false, false, RES_SUB_STATUS, "ns", ""},
	{"", "v1", "nodes", "node", "Node", false, false, RES_SUB_STATUS, "no", ""},
	{"", "v1", "events", "event", "Event", true, false, 0, "ev", ""},
	{"", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, false, 0, "sa", ""},
	{"", "v1", "endpoints", "endpoints", "Endpoints", true, false, 0, "ep", ""},
	{"", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim",
	 true, false, RES_SUB_STATUS, "pvc", ""},
	{"", "v1", "persistentvolumes", "persistentvolume", "PersistentVolume", false, false,
	 RES_SUB_STATUS, "pv", ""},
	{"", "v1", "resourcequotas", "resourcequota", "ResourceQuota", true, false,
	 RES_SUB_STATUS, "quota", ""},
	{"", "v1", "limitranges", "limitrange", "LimitRange", true, false, 0, "limits", ""},
	{"apps", "v1", "deployments", "deployment", "Deployment", true, false,
	 RES_SUB_STATUS | RES_SUB_SCALE, "deploy", "all"},
	{"apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, false,
	 RES_SUB_STATUS | RES_SUB_SCALE, "rs", "all"},
	{"apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, false,
	 RES_SUB_STATUS | RES_SUB_SCALE, "sts", "all"},
	{"apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, false, RES_SUB_STATUS, "ds",
	 "all"},
	{"apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", true,
	 false, 0, "", ""},
	{"batch", "v1", "jobs", "job", "Job", true, false, RES_SUB_STATUS, "", "all"},
	{"batch", "v1", "cronjobs", "cronjob", "CronJob", true, false, RES_SUB_STATUS, "cj", "all"},
	{"autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler",
	 "HorizontalPodAutoscaler", true, false, RES_SUB_STATUS, "hpa", "all"},
	{"policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget",
	 true, false, RES_SUB_STATUS, "pdb", ""},
	{"networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, false,
	 RES_SUB_STATUS, "ing", ""},
	{"networking.k8s.io", "v1", "ingressclasses", "ingressclass", "IngressClass", false,
	 false, 0, "", ""},
	{"networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", true,
	 false, 0, "netpol", ""},
	{"rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, false, 0, "", ""},
	{"rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true,
	 false, 0, "", ""},
	{"rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false,
	 false, 0, "", ""},
	{"rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding",
	 "ClusterRoleBinding", false, false, 0, "", ""},
	{"apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
	 "CustomResourceDefinition", false, false, RES_SUB_STATUS, "crd,crds", "api-extensions"},
	{"authentication.k8s.io", "v1", "selfsubjectreviews", "selfsubjectreview",
	 "SelfSubjectReview", false, true, 0, "", ""},
	{"authentication.k8s.io", "v1beta1", "selfsubjectreviews", "selfsubjectreview",
	 "SelfSubjectReview", false, true, 0, "", ""},
	{"authorization.k8s.io", "v1", "selfsubjectaccessreviews", "selfsubjectaccessreview",
	 "SelfSubjectAccessReview", false, true, 0, "", ""},
	{"authorization.k8s.io", "v1", "selfsubjectrulesreviews", "selfsubjectrulesreview",
	 "SelfSubjectRulesReview", false, true, 0, "", ""},
};

static json_t *resource_split_list(const char *csv)
{
	json_t *arr = json_array();
	const char *p = csv;
	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n)
			json_array_append_new(arr, json_stringn(p, n));
		p = comma ? comma + 1 : NULL;
	}
	return arr;
}

static void resource_set_add(struct resource_set *set, struct resource *res)
{
	set->items = xgrow(set->items, &set->cap, set->n + 1, sizeof *set->items);
	set->items[set->n++] = res;
}

static struct resource *resource_new(const char *group, const char *version,
				     const char *plural, const char *singular, const char *kind)
{
	struct resource *res = xcalloc(1, sizeof *res);
	res->group = xstrdup(group);
	res->version = xstrdup(version);
	res->plural = xstrdup(plural);
	res->singular = xstrdup(singular);
	res->kind = xstrdup(kind);
	res->storage_key = xasprintf("%s/%s", group, plural);
	return res;
}

static void resource_free(struct resource *res)
{
	free(res->group);
	free(res->version);
	free(res->plural);
	free(res->singular);
	free(res->kind);
	free(res->crd_name);
	free(res->storage_key);
	json_decref(res->short_names);
	json_decref(res->categories);
	json_decref(res->printer_columns);
	free(res);
}

void resource_set_init_builtin(struct resource_set *set)
{
	memset(set, 0, sizeof *set);
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
		const struct builtin *b = &builtins[i];
		struct resource *res = resource_new(b->group, b->version, b->plural, b->singular,
						    b->kind);
		res->namespaced = b->namespaced;
		res->create_only = b->create_only;
		res->subresources = b->subresources;
		res->short_names = resource_split_list(b->short_names);
		res->categories = resource_split_list(b->categories);
		resource_set_add(set, res);
	}
}

void resource_set_free(struct resource_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		resource_free(set->items[i]);
	free(set->items);
	memset(set, 0, sizeof *set);
}

struct resource *resource_find(const struct resource_set *set, const char *group,
			       const char *version, const char *plural)
{
	for (size_t i = 0; i < set->n; i++) {
		struct resource *r = set->items[i];
		if (!strcmp(r->plural, plural) && !strcmp(r->group, group) &&
		    !strcmp(r->version, version))
			return r;
	}
	return NULL;
}

struct resource *resource_find_any(const struct resource_set *set, const char *group,
				   const char *plural)
{
	for (size_t i = 0; i < set->n; i++) {
		struct resource *r = set->items[i];
		if (!strcmp(r->plural, plural) && !strcmp(r->group, group))
			return r;
	}
	return NULL;
}

struct resource *resource_find_kind(const struct resource_set *set, const char *api_version,
				    const char *kind)
{
	if (!api_version || !kind)
		return NULL;
	const char *slash = strchr(api_version, '/');
	size_t glen = slash ? (size_t)(slash - api_version) : 0;
	const char *version = slash ? slash + 1 : api_version;
	for (size_t i = 0; i < set->n; i++) {
		struct resource *r = set->items[i];
		if (strcmp(r->kind, kind) || strcmp(r->version, version))
			continue;
		if (strlen(r->group) == glen && !strncmp(r->group, api_version, glen))
			return r;
	}
	return NULL;
}

char *resource_api_version(const struct resource *res)
{
	if (resource_is_core(res))
		return xstrdup(res->version);
	return xasprintf("%s/%s", res->group, res->version);
}

static const char *resource_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

static struct resource *resource_from_crd_version(const json_t *spec, const json_t *names,
						  const json_t *ver, const char *crd_name)
{
	const char *kind = resource_str(names, "kind");
	const char *singular = resource_str(names, "singular");
	char *lower = NULL;
	if (!*singular) {
		/* the API server defaults singular to the lower-cased kind */
		lower = xstrdup(kind);
		for (char *p = lower; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		singular = lower;
	}
	struct resource *res = resource_new(resource_str(spec, "group"), resource_str(ver, "name"),
					    resource_str(names, "plural"), singular, kind);
	free(lower);
	res->namespaced = strcmp(resource_str(spec, "scope"), "Cluster") != 0;
	json_t *sn = json_object_get(names, "shortNames");
	res->short_names = json_is_array(sn) ? json_deep_copy(sn) : json_array();
	json_t *cats = json_object_get(names, "categories");
	res->categories = json_is_array(cats) ? json_deep_copy(cats) : json_array();
	json_t *cols = json_object_get(ver, "additionalPrinterColumns");
	res->printer_columns = json_is_array(cols) ? json_deep_copy(cols) : NULL;
	json_t *subs = json_object_get(ver, "subresources");
	if (json_object_get(subs, "status"))
		res->subresources |= RES_SUB_STATUS;
	if (json_object_get(subs, "scale"))
		res->subresources |= RES_SUB_SCALE;
	res->crd_name = xstrdup(crd_name);
	return res;
}

size_t resource_register_crd(struct resource_set *set, const json_t *crd)
{
	const char *name = json_string_value(json_object_get(json_object_get(crd, "metadata"),
							     "name"));
	const json_t *spec = json_object_get(crd, "spec");
	const json_t *names = json_object_get(spec, "names");
	const json_t *versions = json_object_get(spec, "versions");
	if (!name || !json_is_array(versions) || !*resource_str(names, "plural"))
		return 0;
	resource_unregister_crd(set, name);
	size_t i, n = 0;
	json_t *ver;
	json_array_foreach(versions, i, ver) {
		if (json_is_false(json_object_get(ver, "served")) || !*resource_str(ver, "name"))
			continue;
		resource_set_add(set, resource_from_crd_version(spec, names, ver, name));
		n++;
	}
	return n;
}

size_t resource_unregister_crd(struct resource_set *set, const char *crd_name)
{
	size_t kept = 0, removed = 0;
	for (size_t i = 0; i < set->n; i++) {
		struct resource *r = set->items[i];
		if (r->crd_name && !strcmp(r->crd_name, crd_name)) {
			resource_free(r);
			removed++;
		} else {
			set->items[kept++] = r;
		}
	}
	set->n = kept;
	return removed;
}

json_t *resource_groups(const struct resource_set *set)
{
	/* {"group": ["v1", …]} keeps registration order of groups and of versions */
	json_t *groups = json_object();
	for (size_t i = 0; i < set->n; i++) {
		const struct resource *r = set->items[i];
		json_t *vers = json_object_get(groups, r->group);
		if (!vers) {
			vers = json_array();
			json_object_set_new(groups, r->group, vers);
		}
		size_t j;
		json_t *v;
		bool seen = false;
		json_array_foreach(vers, j, v)
			seen = seen || !strcmp(json_string_value(v), r->version);
		if (!seen)
			json_array_append_new(vers, json_string(r->version));
	}
	return groups;
}
