/* Links between Kubernetes objects: owners, the pods a workload or service selects, a
 * pod's node and volumes, a node's pods, and the events of an object. */
#include "core/related.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"

struct kind_resource {
	const char *kind;
	const char *group; /* "" for the core group */
	const char *resource;
};

/* Kinds whose plural is not simply kind + "s", and the common ones, by group. */
static const struct kind_resource kind_table[] = {
	{"Pod", "", "pods"},
	{"Node", "", "nodes"},
	{"Service", "", "services"},
	{"Namespace", "", "namespaces"},
	{"ConfigMap", "", "configmaps"},
	{"Secret", "", "secrets"},
	{"Endpoints", "", "endpoints"},
	{"PersistentVolumeClaim", "", "persistentvolumeclaims"},
	{"PersistentVolume", "", "persistentvolumes"},
	{"ServiceAccount", "", "serviceaccounts"},
	{"ReplicationController", "", "replicationcontrollers"},
	{"ReplicaSet", "apps", "replicasets"},
	{"Deployment", "apps", "deployments"},
	{"StatefulSet", "apps", "statefulsets"},
	{"DaemonSet", "apps", "daemonsets"},
	{"ControllerRevision", "apps", "controllerrevisions"},
	{"Job", "batch", "jobs"},
	{"CronJob", "batch", "cronjobs"},
	{"Ingress", "networking.k8s.io", "ingresses"},
	{"NetworkPolicy", "networking.k8s.io", "networkpolicies"},
	{"EndpointSlice", "discovery.k8s.io", "endpointslices"},
	{"Application", "argoproj.io", "applications"},
	{"ApplicationSet", "argoproj.io", "applicationsets"},
	{"AppProject", "argoproj.io", "appprojects"},
};

/* The group of an apiVersion: "apps/v1" -> "apps", "v1" -> "". */
static char *group_of(const char *api_version)
{
	const char *slash = api_version ? strchr(api_version, '/') : NULL;
	return slash ? xstrndup(api_version, (size_t)(slash - api_version)) : xstrdup("");
}

static char *lower_plural(const char *kind)
{
	size_t n = strlen(kind);
	char *s = xmalloc(n + 3);
	for (size_t i = 0; i < n; i++)
		s[i] = (char)tolower((unsigned char)kind[i]);
	s[n] = '\0';
	/* English plurals for the endings Kubernetes kinds have (Policy, Ingress) */
	if (n > 1 && s[n - 1] == 'y' && !strchr("aeiou", s[n - 2]))
		strcpy(s + n - 1, "ies");
	else if (n > 0 && (s[n - 1] == 's' || s[n - 1] == 'x'))
		strcat(s, "es");
	else
		strcat(s, "s");
	return s;
}

char *related_resource_of_kind(const char *kind, const char *api_version)
{
	char *group = group_of(api_version);
	const char *plural = NULL;
	for (size_t i = 0; i < sizeof(kind_table) / sizeof(kind_table[0]); i++)
		if (strcmp(kind_table[i].kind, kind) == 0 &&
		    strcmp(kind_table[i].group, group) == 0)
			plural = kind_table[i].resource;
	char *own = plural ? NULL : lower_plural(kind);
	char *out = *group ? xasprintf("%s.%s", plural ? plural : own, group)
			   : xstrdup(plural ? plural : own);
	free(own);
	free(group);
	return out;
}

void related_links_free(struct related_links *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct related_link *k = &l->items[i];
		free(k->title);
		free(k->resource);
		free(k->namespace);
		free(k->name);
		free(k->label_selector);
		free(k->field_selector);
	}
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

static const char *str_at(const json_t *obj, const char *a, const char *b)
{
	const json_t *v = json_object_get(obj, a);
	if (b)
		v = json_object_get(v, b);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Takes ownership of every string. */
static void link_push(struct related_links *out, char *title, char *resource, char *ns,
		      char *name, char *labels, char *fields)
{
	out->items = xgrow(out->items, &out->cap, out->n + 1, sizeof(*out->items));
	out->items[out->n++] = (struct related_link){
		.title = title, .resource = resource, .namespace = ns ? ns : xstrdup(""),
		.name = name, .label_selector = labels, .field_selector = fields,
	};
}

bool related_owner(const json_t *obj, struct related_link *out)
{
	const json_t *refs = json_object_get(json_object_get(obj, "metadata"), "ownerReferences");
	const json_t *pick = NULL, *ref;
	size_t i;
	json_array_foreach(refs, i, ref) {
		if (!json_is_string(json_object_get(ref, "kind")) ||
		    !json_is_string(json_object_get(ref, "name")))
			continue;
		if (!pick)
			pick = ref;
		if (json_is_true(json_object_get(ref, "controller"))) {
			pick = ref;
			break;
		}
	}
	if (!pick)
		return false;
	const char *kind = str_at(pick, "kind", NULL), *name = str_at(pick, "name", NULL);
	const char *ns = str_at(obj, "metadata", "namespace");
	*out = (struct related_link){
		.title = xasprintf("Owner %s %s", kind, name),
		.resource = related_resource_of_kind(kind, str_at(pick, "apiVersion", NULL)),
		.namespace = xstrdup(ns ? ns : ""),
		.name = xstrdup(name),
	};
	return true;
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Joins parts with commas, sorted; each part may start with a sort key ended by
 * SORT_MARK (apimachinery sorts requirements by key, not by their text). */
#define SORT_MARK '\x01'

static char *join_sorted(char **parts, size_t n)
{
	if (n == 0)
		return NULL;
	qsort(parts, n, sizeof(*parts), cmp_cstr);
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_putc(&sb, ',');
		const char *mark = strchr(parts[i], SORT_MARK);
		strbuf_puts(&sb, mark ? mark + 1 : parts[i]);
		free(parts[i]);
	}
	return strbuf_detach(&sb);
}

/* "key in (a,b)" with the values sorted, as apimachinery prints a requirement. */
static char *expression_string(const json_t *expr)
{
	const char *key = str_at(expr, "key", NULL), *op = str_at(expr, "operator", NULL);
	if (!key || !op)
		return NULL;
	if (strcmp(op, "Exists") == 0)
		return xasprintf("%s%c%s", key, SORT_MARK, key);
	if (strcmp(op, "DoesNotExist") == 0)
		return xasprintf("%s%c!%s", key, SORT_MARK, key);
	if (strcmp(op, "In") && strcmp(op, "NotIn"))
		return NULL;
	const json_t *vals = json_object_get(expr, "values"), *v;
	size_t i, n = 0;
	char **parts = xcalloc(json_array_size(vals) + 1, sizeof(*parts));
	json_array_foreach(vals, i, v)
		if (json_is_string(v))
			parts[n++] = xstrdup(json_string_value(v));
	char *list = join_sorted(parts, n);
	free(parts);
	char *s = xasprintf("%s%c%s %s (%s)", key, SORT_MARK, key,
			    strcmp(op, "In") ? "notin" : "in", list ? list : "");
	free(list);
	return s;
}

char *related_selector_string(const json_t *selector)
{
	if (!json_is_object(selector))
		return NULL;
	const json_t *labels = json_object_get(selector, "matchLabels");
	const json_t *exprs = json_object_get(selector, "matchExpressions");
	bool label_selector = labels || exprs;
	if (!label_selector)
		labels = selector; /* a Service's plain map */
	size_t cap = json_object_size(labels) + json_array_size(exprs) + 1, n = 0, i;
	char **parts = xcalloc(cap, sizeof(*parts));
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)labels, k, v)
		if (json_is_string(v))
			parts[n++] = xasprintf("%s%c%s=%s", k, SORT_MARK, k, json_string_value(v));
	json_array_foreach(exprs, i, v) {
		char *e = expression_string(v);
		if (e)
			parts[n++] = e;
	}
	char *s = join_sorted(parts, n);
	free(parts);
	return s;
}

char *related_events_selector(const char *kind, const char *namespace, const char *name,
			      const char *uid)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_printf(&sb, "involvedObject.kind=%s,involvedObject.name=%s", kind, name);
	if (namespace && *namespace)
		strbuf_printf(&sb, ",involvedObject.namespace=%s", namespace);
	if (uid && *uid)
		strbuf_printf(&sb, ",involvedObject.uid=%s", uid);
	return strbuf_detach(&sb);
}

static void add_selected(struct related_links *out, const char *what, const char *resource,
			 const char *ns, const json_t *selector)
{
	char *sel = related_selector_string(selector);
	if (!sel)
		return; /* an empty selector selects nothing for a workload */
	link_push(out, xasprintf("%s (%s)", what, sel), xstrdup(resource), xstrdup(ns), NULL,
		  sel, NULL);
}

/* ConfigMaps, Secrets and PVCs a pod mounts, one link each, in volume order. */
static void add_pod_volumes(struct related_links *out, const json_t *spec, const char *ns)
{
	const json_t *vols = json_object_get(spec, "volumes"), *v;
	size_t i;
	json_array_foreach(vols, i, v) {
		const char *name;
		if ((name = str_at(v, "configMap", "name")))
			link_push(out, xasprintf("ConfigMap %s", name), xstrdup("configmaps"),
				  xstrdup(ns), xstrdup(name), NULL, NULL);
		else if ((name = str_at(v, "secret", "secretName")))
			link_push(out, xasprintf("Secret %s", name), xstrdup("secrets"),
				  xstrdup(ns), xstrdup(name), NULL, NULL);
		else if ((name = str_at(v, "persistentVolumeClaim", "claimName")))
			link_push(out, xasprintf("PersistentVolumeClaim %s", name),
				  xstrdup("persistentvolumeclaims"), xstrdup(ns), xstrdup(name),
				  NULL, NULL);
	}
}

static bool is_workload(const char *kind)
{
	static const char *const kinds[] = {"Deployment", "ReplicaSet", "StatefulSet",
					    "DaemonSet", "Job"};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i]) == 0)
			return true;
	return false;
}

size_t related_links_for(const json_t *obj, struct related_links *out)
{
	size_t before = out->n;
	struct related_link owner;
	if (related_owner(obj, &owner)) {
		out->items = xgrow(out->items, &out->cap, out->n + 1, sizeof(*out->items));
		out->items[out->n++] = owner;
	}
	const char *kind = str_at(obj, "kind", NULL);
	const char *name = str_at(obj, "metadata", "name");
	const char *nsv = str_at(obj, "metadata", "namespace");
	const char *ns = nsv ? nsv : "";
	const json_t *spec = json_object_get(obj, "spec");
	if (!kind || !name)
		return out->n - before;
	if (is_workload(kind)) {
		add_selected(out, "Pods", "pods", ns, json_object_get(spec, "selector"));
		if (strcmp(kind, "Deployment") == 0)
			add_selected(out, "ReplicaSets", "replicasets.apps", ns,
				     json_object_get(spec, "selector"));
	} else if (strcmp(kind, "Service") == 0) {
		add_selected(out, "Pods", "pods", ns, json_object_get(spec, "selector"));
		char *sel = xasprintf("kubernetes.io/service-name=%s", name);
		link_push(out, xasprintf("EndpointSlices (%s)", sel),
			  xstrdup("endpointslices.discovery.k8s.io"), xstrdup(ns), NULL, sel, NULL);
	} else if (strcmp(kind, "Pod") == 0) {
		const char *node = str_at(spec, "nodeName", NULL);
		if (node && *node)
			link_push(out, xasprintf("Node %s", node), xstrdup("nodes"), xstrdup(""),
				  xstrdup(node), NULL, NULL);
		add_pod_volumes(out, spec, ns);
	} else if (strcmp(kind, "Node") == 0) {
		link_push(out, xasprintf("Pods on %s", name), xstrdup("pods"), xstrdup(""), NULL,
			  NULL, xasprintf("spec.nodeName=%s", name));
	} else if (strcmp(kind, "PersistentVolumeClaim") == 0) {
		const char *pv = str_at(spec, "volumeName", NULL);
		if (pv && *pv)
			link_push(out, xasprintf("PersistentVolume %s", pv),
				  xstrdup("persistentvolumes"), xstrdup(""), xstrdup(pv), NULL,
				  NULL);
	}
	return out->n - before;
}
