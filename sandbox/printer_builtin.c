/* Table printers for the built-in resources other than pods: column sets and cells as
 * kube-apiserver's printers (pkg/printers/internalversion) produce them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "sandbox/printer.h"
#include "sandbox/printer_builtin.h"

#define NCOLS(a) (sizeof a / sizeof *a)

static const char desc_containers[] = "Names of each container in the template.";
static const char desc_images[] = "Images referenced by each container in the template.";
static const char desc_selector[] = "Label selector for pods. Existing ReplicaSets whose pods "
	"are selected by this will be the ones affected by this deployment. It must match the "
	"pod template's labels.";

static void add_str(json_t *cells, const char *s)
{
	json_array_append_new(cells, json_string(s ? s : ""));
}

static void add_own(json_t *cells, char *s)
{
	json_array_append_new(cells, json_string(s));
	free(s);
}

static void add_int(json_t *cells, long long v)
{
	json_array_append_new(cells, json_integer(v));
}

static const json_t *meta(const json_t *obj)
{
	return json_object_get(obj, "metadata");
}

static void add_name(json_t *cells, const json_t *obj)
{
	add_str(cells, printer_str(meta(obj), "name"));
}

static void add_age(json_t *cells, const json_t *obj, time_t now)
{
	json_array_append_new(cells, printer_since(json_object_get(meta(obj), "creationTimestamp"),
						   now));
}

static const json_t *field(const json_t *obj, const char *a, const char *b)
{
	return json_object_get(json_object_get(obj, a), b);
}

/* Containers, images (and the selector) of a workload's pod template. */
static void add_template(json_t *cells, const json_t *obj, bool selector)
{
	char *names, *images;
	printer_containers(json_object_get(field(obj, "spec", "template"), "spec"), &names,
			   &images);
	add_own(cells, names);
	add_own(cells, images);
	if (selector)
		add_own(cells, printer_selector_string(field(obj, "spec", "selector")));
}

/* --- nodes --- */

static const struct printer_column node_cols[] = {
	{"Name", "string", "name", printer_desc_name, 0},
	{"Status", "string", "", "The status of the node", 0},
	{"Roles", "string", "", "The roles of the node", 0},
	{"Age", "string", "", printer_desc_created, 0},
	{"Version", "string", "", "Kubelet Version reported by the node.", 0},
	{"Internal-IP", "string", "", "List of addresses reachable to the node. Queried from cloud "
	 "provider, if available.", 1},
	{"External-IP", "string", "", "List of addresses reachable to the node. Queried from cloud "
	 "provider, if available.", 1},
	{"OS-Image", "string", "", "OS Image reported by the node from /etc/os-release (e.g. "
	 "Debian GNU/Linux 7 (wheezy)).", 1},
	{"Kernel-Version", "string", "", "Kernel Version reported by the node from 'uname -r' "
	 "(e.g. 3.16.0-0.bpo.4-amd64).", 1},
	{"Container-Runtime", "string", "", "ContainerRuntime Version reported by the node through "
	 "runtime remote API (e.g. containerd://1.4.2).", 1},
};

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Roles come from node-role.kubernetes.io/<role> labels and kubernetes.io/role. */
static char *node_roles(const json_t *node)
{
	const json_t *labels = json_object_get(meta(node), "labels");
	const char **roles = xcalloc(json_object_size(labels) + 1, sizeof *roles);
	size_t n = 0;
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)labels, key, v) {
		if (!strncmp(key, "node-role.kubernetes.io/", 24) && key[24])
			roles[n++] = key + 24;
		else if (!strcmp(key, "kubernetes.io/role") && json_string_value(v) &&
			 *json_string_value(v))
			roles[n++] = json_string_value(v);
	}
	qsort(roles, n, sizeof *roles, str_cmp);
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(roles[i], roles[i - 1]))
			strbuf_printf(&sb, "%s%s", sb.len ? "," : "", roles[i]);
	free(roles);
	if (sb.len == 0)
		strbuf_puts(&sb, "<none>");
	return strbuf_detach(&sb);
}

static char *node_status(const json_t *node)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	const json_t *c;
	json_array_foreach(field(node, "status", "conditions"), i, c) {
		if (!strcmp(printer_str(c, "type"), "Ready")) {
			strbuf_puts(&sb, !strcmp(printer_str(c, "status"), "True") ? "Ready" : "NotReady");
			break;
		}
	}
	if (sb.len == 0)
		strbuf_puts(&sb, "Unknown");
	if (json_is_true(field(node, "spec", "unschedulable")))
		strbuf_puts(&sb, ",SchedulingDisabled");
	return strbuf_detach(&sb);
}

static const char *node_address(const json_t *node, const char *type)
{
	size_t i;
	const json_t *a;
	json_array_foreach(field(node, "status", "addresses"), i, a)
		if (!strcmp(printer_str(a, "type"), type))
			return printer_str(a, "address");
	return "<none>";
}

static const char *or_unknown(const char *s)
{
	return *s ? s : "<unknown>";
}

static void row_node(const json_t *node, json_t *cells, json_t **conditions, time_t now)
{
	(void)conditions;
	const json_t *info = field(node, "status", "nodeInfo");
	add_name(cells, node);
	add_own(cells, node_status(node));
	add_own(cells, node_roles(node));
	add_age(cells, node, now);
	add_str(cells, printer_str(info, "kubeletVersion"));
	add_str(cells, node_address(node, "InternalIP"));
	add_str(cells, node_address(node, "ExternalIP"));
	add_str(cells, or_unknown(printer_str(info, "osImage")));
	add_str(cells, or_unknown(printer_str(info, "kernelVersion")));
	add_str(cells, or_unknown(printer_str(info, "containerRuntimeVersion")));
}

/* --- namespaces, configmaps, secrets --- */

static const struct printer_column namespace_cols[] = {
	{"Name", "string", "name", printer_desc_name, 0},
	{"Status", "string", "", "The status of the namespace", 0},
	{"Age", "string", "", printer_desc_created, 0},
};

static void row_namespace(const json_t *ns, json_t *cells, json_t **conditions, time_t now)
{
	(void)conditions;
	add_name(cells, ns);
	add_str(cells, printer_str(json_object_get(ns, "status"), "phase"));
	add_age(cells, ns, now);
}

static const struct printer_column configmap_cols[] = {
	{"Name", "string", "name", printer_desc_name, 0},
	{"Data", "string", "", "Data contains the configuration data. Each key must consist of "
	 "alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use "
	 "the BinaryData field. The keys stored in Data must not overlap with the keys in the "
	 "BinaryData field, this is enforced during validation process.", 0},
	{"Age", "string", "", printer_desc_created, 0},
};

static void row_configmap(const json_t *cm, json_t *cells, json_t **conditions, time_t now)
{
	(void)conditions;
	add_name(cells, cm);
	add_int(cells, (long long)(json_object_size(json_object_get(cm, "data")) +
				   json_object_size(json_object_get(cm, "binaryData"))));
	add_age(cells, cm, now);
}

static const struct printer_column secret_cols[] = {
	{"Name", "string", "name", printer_desc_name, 0},
	{"Type", "string", "", "Used to facilitate programmatic handling of secret data. More "
	 "info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types", 0},
	{"Data", "string", "", "Data contains the secret data. Each key must consist of "
	 "alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a "
	 "base64 encoded string, representing the arbitrary (possibly non-string) data value "
	 "here. Described in https://tools.ietf.org/html/rfc4648#section-4", 0},
	{"Age", "string", "", printer_desc_created, 0},
};

/* The API server folds stringData into data on write; a stored object that still
 * carries stringData counts those keys as the server would have. */
static long long secret_keys(const json_t *s)
{
	const json_t *data = json_object_get(s, "data");
	long long n = (long long)json_object_size(data);
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)json_object_get(s, "stringData"), key, v)
		n += json_object_get(data, key) == NULL;
	return n;
}

static void row_secret(const json_t *s, json_t *cells, json_t **conditions, time_t now)
{
	(void)conditions;
	add_name(cells, s);
	add_str(cells, printer_str(s, "type"));
	add_int(cells, secret_keys(s));
	add_age(cells, s, now);
}

/* --- workloads --- */

static const struct printer_column deployment_cols[] = {
	{"Name", "string", "name", printer_desc_name, 0},
	{"Ready", "string", "", "Number of the pod with ready state", 0},
	{"Up-to-date", "string", "", "Total number of non-terminated pods targeted by this "
	 "deployment that have the desired template spec.", 0},
	{"Available", "string", "", "Total number of available pods (ready for at least "
	 "minReadySeconds) targeted by this deployment.", 0},
	{"Age", "string", "", printer_desc_created, 0},
	{"Containers", "string", "", desc_containers, 1},
	{"Images", "string", "", desc_images, 1},
	{"Selector", "string", "", desc_selector, 1},
};

static void row_deployment(const json_t *d, json_t *cells, json_t **conditions, time_t now)
{
	(void)conditions;
	const json_t *st = json_object_get(d, "status");
	char ready[64];
	snprintf(ready, sizeof ready, "%lld/%lld", printer_int(st, "readyReplicas", 0),
		 printer_int(json_object_get(d, "spec"), "replicas", 1));
	add_name(cells, d);
	add_str(cells, ready);
	add_int(cells, printer_int(st, "updatedReplicas", 0));
	add_int(cells, printer_int(st, "availableReplicas", 0));
	add_age(cells, d, now);
	add_template(cells, d, true);
}

static const struct printer_column replicaset_cols[] = {
	{"Name", "string", "name", printer_desc_name, 0},
	{"Desired", "integer", "", "Replicas is the number of desired pods. This is a pointer to "
	 "distinguish between explicit zero and unspecified. Defaults to 1. More info: "
	 "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset", 0},
	{"Current", "integer", "", "Replicas is the most recently observed number of non-terminating "
	 "pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset", 0},
	{"Ready", "integer", "", "The number of non-terminating pods targeted by this ReplicaSet "
	 "with a Ready Condition.", 0},
	{"Age", "string", "", printer_desc_created, 0},
	{"Containers", "string", "", desc_containers, 1},
	{"Images", "string", "", desc_images, 1},
	{"Selector", "string", "", "Selector is a label query over pods that should match the "
	 "replica count. Label keys and values that must match in order to be controlled by this "
	 "replica set. It must match the pod template's labels. More info: "
	 "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/"
	 "#label-selectors", 1},
};

static void row_replicaset(const json_t *rs, json_t *cells, json_t **conditions, time_t now)
{
	(void)conditions;
	const json_t *st = json_object_get(rs, "status");
	add_name(cells, rs);
	add_int(cells, printer_int(json_object_get(rs, "spec"), "replicas", 1));
	add_int(cells, printer_int(st, "replicas", 0));
	add_int(cells, printer_int(st, "readyReplicas", 0));
	add_age(cells, rs, now);
	add_template(cells, rs, true);
}

static const struct printer_column statefulset_cols[] = {
	{"Name", "string", "name", printer_desc_name, 0},
	{"Ready", "string", "", "Number of the pod with ready state", 0},
	{"Age", "string", "", printer_desc_created, 0},
	{"Containers", "string", "", desc_containers, 1},
	{"Images", "string", "", desc_images, 1},
};

static void row_statefulset(const json_t *ss, json_t *cells, json_t **conditions, time_t now)
{
	(void)conditions;
	char ready[64];
	snprintf(ready, sizeof ready, "%lld/%lld",
		 printer_int(json_object_get(ss, "status"), "readyReplicas", 0),
		 printer_int(json_object_get(ss, "spec"), "replicas", 1));
	add_name(cells, ss);
	add_str(cells, ready);
	add_age(cells, ss, now);
	add_template(cells, ss, false);
}

/* --- services and ingresses --- */

static const struct printer_column service_cols[] = {
	{"Name", "string", "name", printer_desc_name, 0},
	{"Type", "string", "", "type determines how the Service is exposed. Defaults to "
	 "ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.", 0},
	{"Cluster-IP", "string", "", "clusterIP is the IP address of the service and is usually "
	 "assigned randomly.", 0},
	{"External-IP", "string", "", "externalIPs is a list of IP addresses for which nodes in the "
	 "cluster will also accept traffic for this service.", 0},
	{"Port(s)", "string", "", "The list of ports that are exposed by this service. More info: "
	 "https://kubernetes.io/docs/concepts/services-networking/service/"
	 "#virtual-ips-and-service-proxies", 0},
	{"Age", "string", "", printer_desc_created, 0},
	{"Selector", "string", "", "Route service traffic to pods with label keys and values "
	 "matching this selector. If empty or not present, the service is assumed to have an "
	 "external process managing its endpoints, which Kubernetes will not modify. Only applies "
	 "to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More "
	 "info: https://kubernetes.io/docs/concepts/services-networking/service/", 1},
};

/* The load balancer's ingress points (each its IP, else its hostname) as a sorted set,
 * comma-separated; the server prints them unclipped since its Tables are always wide. */
static void lb_ingress(const json_t *status, struct strbuf *sb)
{
	const json_t *list = field(status, "loadBalancer", "ingress");
	const char **addrs = xcalloc(json_array_size(list) + 1, sizeof *addrs);
	size_t i, n = 0;
	const json_t *ing;
	json_array_foreach(list, i, ing) {
		const char *a = printer_str(ing, "ip");
		if (!*a)
			a = printer_str(ing, "hostname");
		if (*a)
			addrs[n++] = a;
	}
	qsort(addrs, n, sizeof *addrs, str_cmp);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(addrs[i], addrs[i - 1]))
			strbuf_printf(sb, "%s%s", sb->len ? "," : "", addrs[i]);
	free(addrs);
}

static void join_strings(const json_t *arr, struct strbuf *sb)
{
	size_t i;
	const json_t *v;
	json_array_foreach(arr, i, v)
		strbuf_printf(sb, "%s%s", sb->len ? "," : "", json_string_value(v) ? json_string_value(v) : "");
}

static char *service_external_ip(const json_t *svc, const char *type)
{
	const json_t *ext = field(svc, "spec", "externalIPs");
	struct strbuf sb = STRBUF_INIT;
	if (!strcmp(type, "ClusterIP") || !strcmp(type, "NodePort")) {
		join_strings(ext, &sb);
		if (sb.len == 0)
			strbuf_puts(&sb, "<none>");
	} else if (!strcmp(type, "LoadBalancer")) {
		lb_ingress(json_object_get(svc, "status"), &sb);
		join_strings(ext, &sb);
		if (sb.len == 0)
			strbuf_puts(&sb, "<pending>");
	} else if (!strcmp(type, "ExternalName")) {
		strbuf_puts(&sb, printer_str(json_object_get(svc, "spec"), "externalName"));
	} else {
		strbuf_puts(&sb, "<unknown>");
	}
	return strbuf_detach(&sb);
}

static char *service_ports(const json_t *svc)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	const json_t *p;
	json_array_foreach(field(svc, "spec", "ports"), i, p) {
		const char *proto = printer_str(p, "protocol");
		long long node_port = printer_int(p, "nodePort", 0);
		strbuf_printf(&sb, "%s%lld", i ? "," : "", printer_int(p, "port", 0));
		if (node_port > 0)
			strbuf_printf(&sb, ":%lld", node_port);
		strbuf_printf(&sb, "/%s", *proto ? proto : "TCP");
	}
	if (sb.len == 0)
		strbuf_puts(&sb, "<none>");
	return strbuf_detach(&sb);
}

static void row_service(const json_t *svc, json_t *cells, json_t **conditions, time_t now)
{
	(void)conditions;
	const json_t *spec = json_object_get(svc, "spec");
	const char *type = printer_str(spec, "type");
	if (!*type)
		type = "ClusterIP"; /* the server's default */
	const char *cip = json_string_value(json_array_get(json_object_get(spec, "clusterIPs"), 0));
	if (!cip || !*cip)
		cip = printer_str(spec, "clusterIP");
	add_name(cells, svc);
	add_str(cells, type);
	add_str(cells, *cip ? cip : "<none>");
	add_own(cells, service_external_ip(svc, type));
	add_own(cells, service_ports(svc));
	add_age(cells, svc, now);
	add_own(cells, printer_format_labels(json_object_get(spec, "selector")));
}

static const struct printer_column ingress_cols[] = {
	{"Name", "string", "name", printer_desc_name, 0},
	{"Class", "string", "", "The name of the IngressClass resource that should be used for "
	 "additional configuration", 0},
	{"Hosts", "string", "", "Hosts that incoming requests are matched against before the "
	 "ingress rule", 0},
	{"Address", "string", "", "Address is a list containing ingress points for the "
	 "load-balancer", 0},
	{"Ports", "string", "", "Ports of TLS configurations that open", 0},
	{"Age", "string", "", printer_desc_created, 0},
};

/* At most three hosts, then "+ N more...", "*" when no rule names a host. */
static char *ingress_hosts(const json_t *ing)
{
	const json_t *rules = field(ing, "spec", "rules");
	struct strbuf sb = STRBUF_INIT;
	size_t i, listed = 0;
	bool more = false;
	const json_t *r;
	json_array_foreach(rules, i, r) {
		if (listed == 3) {
			more = true;
			break;
		}
		if (*printer_str(r, "host")) {
			strbuf_printf(&sb, "%s%s", listed ? "," : "", printer_str(r, "host"));
			listed++;
		}
	}
	if (listed == 0)
		strbuf_puts(&sb, "*");
	else if (more)
		strbuf_printf(&sb, " + %zu more...", json_array_size(rules) - 3);
	return strbuf_detach(&sb);
}

static void row_ingress(const json_t *ing, json_t *cells, json_t **conditions, time_t now)
{
	(void)conditions;
	const char *cls = json_string_value(field(ing, "spec", "ingressClassName"));
	struct strbuf addr = STRBUF_INIT;
	lb_ingress(json_object_get(ing, "status"), &addr);
	add_name(cells, ing);
	add_str(cells, cls ? cls : "<none>");
	add_own(cells, ingress_hosts(ing));
	add_own(cells, strbuf_detach(&addr));
	add_str(cells, json_array_size(field(ing, "spec", "tls")) ? "80, 443" : "80");
	add_age(cells, ing, now);
}

/* --- events --- */

static const struct printer_column event_cols[] = {
	{"Last Seen", "string", "", "The time at which the most recent occurrence of this event "
	 "was recorded.", 0},
	{"Type", "string", "", "Type of this event (Normal, Warning), new types could be added in "
	 "the future", 0},
	{"Reason", "string", "", "This should be a short, machine understandable string that "
	 "gives the reason for the transition into the object's current status.", 0},
	{"Object", "string", "", "The object that this event is about.", 0},
	{"Subobject", "string", "", "If referring to a piece of an object instead of an entire "
	 "object, this string should contain a valid JSON/Go field access statement, such as "
	 "desiredState.manifest.containers[2]. For example, if the object reference is to a "
	 "container within a pod, this would take on a value like: \"spec.containers{name}\" "
	 "(where \"name\" refers to the name of the container that triggered the event) or if no "
	 "container name is specified \"spec.containers[2]\" (container with index 2 in this pod). "
	 "This syntax is chosen only to have some well-defined way of referencing a part of an "
	 "object.", 1},
	{"Source", "string", "", "The component reporting this event. Should be a short machine "
	 "understandable string.", 1},
	{"Message", "string", "", "A human-readable description of the status of this "
	 "operation.", 0},
	{"First Seen", "string", "", "The time at which the event was first recorded. (Time of "
	 "server receipt is in TypeMeta.)", 1},
	{"Count", "string", "", "The number of times this event has occurred.", 1},
	{"Name", "string", "name", printer_desc_name, 1},
};

/* The first non-empty of a core/v1 field and its events.k8s.io/v1 counterpart. */
static const json_t *either(const json_t *ev, const char *core, const char *events)
{
	const json_t *v = json_object_get(ev, core);
	if (v && !json_is_null(v) && !(json_is_string(v) && !*json_string_value(v)))
		return v;
	return json_object_get(ev, events);
}

static json_t *event_time_since(const json_t *ts, time_t now)
{
	return printer_since(json_is_string(ts) ? ts : NULL, now);
}

static char *event_source(const json_t *ev)
{
	const json_t *src = either(ev, "source", "deprecatedSource");
	const char *comp = printer_str(src, "component"), *host = printer_str(src, "host");
	if (!*comp)
		comp = printer_str(ev, "reportingController");
	if (!*host)
		host = printer_str(ev, "reportingInstance");
	return *host ? xasprintf("%s, %s", comp, host) : xstrdup(comp);
}

static char *event_target(const json_t *ev)
{
	const json_t *obj = either(ev, "involvedObject", "regarding");
	char *kind = xstrdup(printer_str(obj, "kind"));
	for (char *p = kind; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	const char *name = printer_str(obj, "name");
	char *target = *name ? xasprintf("%s/%s", kind, name) : xstrdup(kind);
	free(kind);
	return target;
}

static char *trim_space(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return xstrndup(s, n);
}

static void row_event(const json_t *ev, json_t *cells, json_t **conditions, time_t now)
{
	(void)conditions;
	const json_t *first_ts = either(ev, "firstTimestamp", "deprecatedFirstTimestamp");
	json_t *first = event_time_since(json_is_string(first_ts) ? first_ts
					 : json_object_get(ev, "eventTime"), now);
	const json_t *last_ts = either(ev, "lastTimestamp", "deprecatedLastTimestamp");
	json_t *last = json_is_string(last_ts) ? event_time_since(last_ts, now) : json_incref(first);
	long long count = printer_int(ev, "count", printer_int(ev, "deprecatedCount", 0));
	const json_t *series = json_object_get(ev, "series");
	if (json_is_object(series)) {
		json_decref(last);
		last = event_time_since(json_object_get(series, "lastObservedTime"), now);
		count = printer_int(series, "count", 0);
	} else if (count == 0) {
		count = 1; /* singleton events of the new API carry no count */
	}
	json_array_append_new(cells, last);
	add_str(cells, printer_str(ev, "type"));
	add_str(cells, printer_str(ev, "reason"));
	add_own(cells, event_target(ev));
	add_str(cells, printer_str(either(ev, "involvedObject", "regarding"), "fieldPath"));
	add_own(cells, event_source(ev));
	add_own(cells, trim_space(json_string_value(either(ev, "message", "note")) ?
				  json_string_value(either(ev, "message", "note")) : ""));
	json_array_append_new(cells, first);
	add_int(cells, count);
	add_name(cells, ev);
}

/* --- customresourcedefinitions: the API server's default table convertor --- */

static const struct printer_column crd_cols[] = {
	{"Name", "string", "name", printer_desc_name, 0},
	{"Created At", "date", "", printer_desc_created, 0},
};

static void row_crd_object(const json_t *crd, json_t *cells, json_t **conditions, time_t now)
{
	(void)conditions;
	(void)now;
	time_t t = 0;
	char buf[32] = "0001-01-01T00:00:00Z";
	struct tm tm;
	if (printer_parse_time(printer_str(meta(crd), "creationTimestamp"), &t) && gmtime_r(&t, &tm))
		strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	add_name(cells, crd);
	add_str(cells, buf);
}

static const struct printer_kind kinds[] = {
	{"", "nodes", node_cols, NCOLS(node_cols), row_node},
	{"", "namespaces", namespace_cols, NCOLS(namespace_cols), row_namespace},
	{"", "configmaps", configmap_cols, NCOLS(configmap_cols), row_configmap},
	{"", "secrets", secret_cols, NCOLS(secret_cols), row_secret},
	{"", "services", service_cols, NCOLS(service_cols), row_service},
	{"", "events", event_cols, NCOLS(event_cols), row_event},
	{"events.k8s.io", "events", event_cols, NCOLS(event_cols), row_event},
	{"apps", "deployments", deployment_cols, NCOLS(deployment_cols), row_deployment},
	{"apps", "replicasets", replicaset_cols, NCOLS(replicaset_cols), row_replicaset},
	{"apps", "statefulsets", statefulset_cols, NCOLS(statefulset_cols), row_statefulset},
	{"networking.k8s.io", "ingresses", ingress_cols, NCOLS(ingress_cols), row_ingress},
	{"apiextensions.k8s.io", "customresourcedefinitions", crd_cols, NCOLS(crd_cols),
	 row_crd_object},
};

const struct printer_kind *printer_builtin_find(const char *group, const char *resource)
{
	if (!strcmp(group, "") && !strcmp(resource, "pods"))
		return printer_pods_kind();
	for (size_t i = 0; i < NCOLS(kinds); i++)
		if (!strcmp(kinds[i].group, group) && !strcmp(kinds[i].resource, resource))
			return &kinds[i];
	return NULL;
}
