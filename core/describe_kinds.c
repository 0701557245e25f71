/* The describe bodies of the kinds people describe most: Pod (containers, volumes,
 * tolerations), Deployment, ReplicaSet/StatefulSet/DaemonSet, Service, Node, Namespace,
 * Secret. Laid out as kubectl's describers print them. */
#include "core/describe_internal.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/describe_text.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

/* ---- shared pieces -------------------------------------------------------------- */

/* "Conditions:" as a Type/Status(/Reason) table; nothing when there are none. */
static void put_conditions(struct strbuf *sb, const json_t *conds, bool with_reason)
{
	if (json_array_size(conds) == 0)
		return;
	describe_text_put_heading(sb, 0, "Conditions");
	struct describe_text_table t = {.ncols = with_reason ? 3 : 2};
	static const char *const head[] = {"Type", "Status", "Reason"};
	static const char *const rule[] = {"----", "------", "------"};
	describe_text_table_add_row(&t, head);
	if (with_reason)
		describe_text_table_add_row(&t, rule);
	size_t i;
	const json_t *c;
	json_array_foreach(conds, i, c) {
		const char *row[] = {describe_json_str(c, "type"), describe_json_str(c, "status"),
				     describe_json_str(c, "reason")};
		describe_text_table_add_row(&t, row);
	}
	describe_text_put_table(sb, &t, 2);
}

static void put_ports(struct strbuf *sb, int indent, const json_t *ports)
{
	if (json_array_size(ports) == 0) {
		describe_text_put_field(sb, indent, "Port", NULL);
		return;
	}
	struct strbuf v = STRBUF_INIT;
	size_t i;
	const json_t *p;
	json_array_foreach(ports, i, p) {
		const char *proto = describe_json_str(p, "protocol");
		strbuf_printf(&v, "%s%" JSON_INTEGER_FORMAT "/%s", i ? ", " : "",
			      json_integer_value(json_object_get(p, "containerPort")),
			      proto ? proto : "TCP");
	}
	bool many = json_array_size(ports) > 1;
	describe_text_put_field(sb, indent, many ? "Ports" : "Port", strbuf_str(&v));
	strbuf_reset(&v);
	json_array_foreach(ports, i, p) {
		const char *proto = describe_json_str(p, "protocol");
		strbuf_printf(&v, "%s%" JSON_INTEGER_FORMAT "/%s", i ? ", " : "",
			      json_integer_value(json_object_get(p, "hostPort")),
			      proto ? proto : "TCP");
	}
	describe_text_put_field(sb, indent, many ? "Host Ports" : "Host Port", strbuf_str(&v));
	strbuf_free(&v);
}

/* "State:  Waiting" and its details, as kubectl's describeContainerState. */
static void put_container_state(struct strbuf *sb, const char *label, const json_t *state)
{
	const char *k;
	const json_t *d;
	json_object_foreach((json_t *)state, k, d) {
		char name[16];
		snprintf(name, sizeof(name), "%c%s", toupper((unsigned char)k[0]), k + 1);
		describe_text_put_field(sb, 4, label, name);
		if (describe_json_str(d, "reason"))
			describe_text_put_field(sb, 6, "Reason", describe_json_str(d, "reason"));
		if (describe_json_str(d, "message"))
			describe_text_put_field(sb, 6, "Message", describe_json_str(d, "message"));
		const json_t *exit_code = json_object_get(d, "exitCode");
		const json_t *signal = json_object_get(d, "signal");
		const char *started = describe_json_str(d, "startedAt");
		const char *finished = describe_json_str(d, "finishedAt");
		if (exit_code)
			describe_text_put_field_json(sb, 6, "Exit Code", exit_code);
		if (signal)
			describe_text_put_field_json(sb, 6, "Signal", signal);
		if (started)
			describe_text_put_field_time(sb, 6, "Started", started);
		if (finished)
			describe_text_put_field_time(sb, 6, "Finished", finished);
		return; /* only one of waiting/running/terminated is ever set */
	}
	if (strcmp(label, "State") == 0)
		describe_text_put_field(sb, 4, label, "Waiting");
}

static const json_t *status_of(const json_t *statuses, const char *name)
{
	size_t i;
	const json_t *s;
	json_array_foreach(statuses, i, s) {
		const char *sname = describe_json_str(s, "name");
		if (name && sname && strcmp(sname, name) == 0)
			return s;
	}
	return NULL;
}

static void put_resources(struct strbuf *sb, const json_t *res)
{
	static const char *const which[] = {"limits", "requests"};
	static const char *const label[] = {"Limits", "Requests"};
	for (int w = 0; w < 2; w++) {
		const json_t *m = json_object_get(res, which[w]);
		if (json_object_size(m) == 0)
			continue;
		describe_text_put_heading(sb, 4, label[w]);
		describe_text_put_aligned_map(sb, 6, m);
	}
}

/* "Environment:" with one "NAME:  value" line per variable; values taken from a secret
 * or config map are not fetched. */
static void put_env(struct strbuf *sb, const json_t *env)
{
	if (json_array_size(env) == 0) {
		describe_text_put_field(sb, 4, "Environment", NULL);
		return;
	}
	describe_text_put_heading(sb, 4, "Environment");
	size_t i;
	const json_t *e;
	json_array_foreach(env, i, e) {
		const char *val = describe_json_str(e, "value");
		if (!val && json_object_get(e, "valueFrom"))
			val = "<set from a reference>";
		describe_text_put_field(sb, 6, describe_json_str_or(e, "name", ""), val);
	}
}

static void put_mounts(struct strbuf *sb, const json_t *mounts)
{
	if (json_array_size(mounts) == 0) {
		describe_text_put_field(sb, 4, "Mounts", NULL);
		return;
	}
	describe_text_put_heading(sb, 4, "Mounts");
	size_t i;
	const json_t *m;
	json_array_foreach(mounts, i, m) {
		char *line = xasprintf("%s from %s (%s)",
				       describe_json_str_or(m, "mountPath", ""),
				       describe_json_str_or(m, "name", ""),
				       json_is_true(json_object_get(m, "readOnly")) ? "ro" : "rw");
		describe_text_put_indent(sb, 6);
		sanitize_append(sb, line, strlen(line), 0);
		strbuf_putc(sb, '\n');
		free(line);
	}
}

/* One container of a pod or pod template; statuses may be NULL (templates). */
static void put_container(struct strbuf *sb, const json_t *c, const json_t *statuses)
{
	const char *name = describe_json_str(c, "name");
	describe_text_put_indent(sb, 2);
	sanitize_append(sb, name ? name : "", name ? strlen(name) : 0, 0);
	strbuf_puts(sb, ":\n");
	const json_t *st = status_of(statuses, name);
	if (st)
		describe_text_put_field(sb, 4, "Container ID",
					describe_json_str(st, "containerID"));
	describe_text_put_field(sb, 4, "Image", describe_json_str(c, "image"));
	if (st)
		describe_text_put_field(sb, 4, "Image ID", describe_json_str(st, "imageID"));
	put_ports(sb, 4, json_object_get(c, "ports"));
	if (st) {
		put_container_state(sb, "State", json_object_get(st, "state"));
		if (json_object_size(json_object_get(st, "lastState")))
			put_container_state(sb, "Last State", json_object_get(st, "lastState"));
		bool ready = json_is_true(json_object_get(st, "ready"));
		describe_text_put_field(sb, 4, "Ready", ready ? "True" : "False");
		describe_text_put_field_json(sb, 4, "Restart Count",
					     json_object_get(st, "restartCount"));
	}
	put_resources(sb, json_object_get(c, "resources"));
	put_env(sb, json_object_get(c, "env"));
	put_mounts(sb, json_object_get(c, "volumeMounts"));
}

static void put_containers(struct strbuf *sb, const char *label, const json_t *list,
			   const json_t *statuses)
{
	if (json_array_size(list) == 0)
		return;
	describe_text_put_heading(sb, 0, label);
	size_t i;
	const json_t *c;
	json_array_foreach(list, i, c)
		put_container(sb, c, statuses);
}

/* The first key of a volume other than its name is its type ("secret", "configMap"). */
static void put_volumes(struct strbuf *sb, const json_t *vols)
{
	if (json_array_size(vols) == 0) {
		describe_text_put_field(sb, 0, "Volumes", NULL);
		return;
	}
	describe_text_put_heading(sb, 0, "Volumes");
	size_t i;
	const json_t *v;
	json_array_foreach(vols, i, v) {
		const char *name = describe_json_str(v, "name");
		describe_text_put_indent(sb, 2);
		sanitize_append(sb, name ? name : "", name ? strlen(name) : 0, 0);
		strbuf_puts(sb, ":\n");
		const char *k;
		const json_t *src;
		json_object_foreach((json_t *)v, k, src) {
			if (strcmp(k, "name") == 0 || !json_is_object(src))
				continue;
			char type[64];
			snprintf(type, sizeof(type), "%c%s", toupper((unsigned char)k[0]), k + 1);
			describe_text_put_field(sb, 4, "Type", type);
			size_t n;
			const char **keys = describe_text_sort_keys(src, &n);
			for (size_t j = 0; j < n; j++) {
				const json_t *x = json_object_get(src, keys[j]);
				if (!json_is_object(x) && !json_is_array(x))
					describe_text_put_field_json(sb, 4, keys[j], x);
			}
			free(keys);
		}
	}
}

static const json_t *controller_ref(const json_t *obj)
{
	const json_t *refs = describe_json_at(obj, "metadata.ownerReferences"), *r;
	size_t i;
	json_array_foreach(refs, i, r)
		if (json_is_true(json_object_get(r, "controller")))
			return r;
	return NULL;
}

/* ---- kinds ---------------------------------------------------------------------- */

/* Pod lines kubectl prints between Namespace and Labels. */
void describe_put_pod_head(struct strbuf *sb, const json_t *pod)
{
	const json_t *spec = json_object_get(pod, "spec");
	const char *class_name = describe_json_str(spec, "priorityClassName");
	const char *started = describe_json_str(pod, "status.startTime");
	if (json_object_get(spec, "priority"))
		describe_text_put_field_json(sb, 0, "Priority", json_object_get(spec, "priority"));
	if (class_name)
		describe_text_put_field(sb, 0, "Priority Class Name", class_name);
	describe_text_put_field(sb, 0, "Service Account",
				describe_json_str(spec, "serviceAccountName"));
	const char *node = describe_json_str(spec, "nodeName");
	const char *host = describe_json_str(pod, "status.hostIP");
	char *nodes = node && host ? xasprintf("%s/%s", node, host) : xstrdup(node ? node : "");
	describe_text_put_field(sb, 0, "Node", nodes);
	free(nodes);
	if (started)
		describe_text_put_field_time(sb, 0, "Start Time", started);
}

/* "key=value:Effect for 300s", one toleration per line aligned under the first. */
static void put_tolerations(struct strbuf *sb, const json_t *tols)
{
	const json_t *t;
	size_t i;
	describe_text_put_label(sb, 0, "Tolerations", DESCRIBE_TEXT_VALUE_COLUMN);
	if (json_array_size(tols) == 0)
		strbuf_puts(sb, "<none>\n");
	json_array_foreach(tols, i, t) {
		const char *key = describe_json_str(t, "key"), *val = describe_json_str(t, "value");
		const char *eff = describe_json_str(t, "effect");
		const char *op = describe_json_str(t, "operator");
		struct strbuf line = STRBUF_INIT;
		strbuf_printf(&line, "%s%s%s%s%s", key ? key : "", val ? "=" : "", val ? val : "",
			      eff ? ":" : "", eff ? eff : "");
		if (op && strcmp(op, "Exists") == 0 && !val)
			strbuf_puts(&line, " op=Exists");
		if (json_is_integer(json_object_get(t, "tolerationSeconds")))
			strbuf_printf(&line, " for %" JSON_INTEGER_FORMAT "s",
				      json_integer_value(json_object_get(t, "tolerationSeconds")));
		if (i)
			describe_text_put_indent(sb, DESCRIBE_TEXT_VALUE_COLUMN);
		sanitize_append(sb, strbuf_str(&line), line.len, 0);
		strbuf_putc(sb, '\n');
		strbuf_free(&line);
	}
}

void describe_put_pod_body(struct strbuf *sb, const json_t *pod, long long now)
{
	const json_t *spec = json_object_get(pod, "spec"), *st = json_object_get(pod, "status");
	long long del;
	if (describe_text_parse_time(describe_json_str(pod, "metadata.deletionTimestamp"), &del)) {
		describe_text_put_label(sb, 0, "Status", DESCRIBE_TEXT_VALUE_COLUMN);
		strbuf_puts(sb, "Terminating (lasts ");
		describe_text_put_duration(sb, now - del);
		strbuf_puts(sb, ")\n");
		const json_t *grace = describe_json_at(pod, "metadata.deletionGracePeriodSeconds");
		describe_text_put_field_json(sb, 0, "Termination Grace Period", grace);
	} else {
		describe_text_put_field(sb, 0, "Status", describe_json_str(st, "phase"));
	}
	if (describe_json_str(st, "reason"))
		describe_text_put_field(sb, 0, "Reason", describe_json_str(st, "reason"));
	if (describe_json_str(st, "message"))
		describe_text_put_field(sb, 0, "Message", describe_json_str(st, "message"));
	describe_text_put_field(sb, 0, "IP", describe_json_str(st, "podIP"));
	const json_t *ctl = controller_ref(pod);
	if (ctl) {
		char *by = xasprintf("%s/%s", describe_json_str_or(ctl, "kind", ""),
				     describe_json_str_or(ctl, "name", ""));
		describe_text_put_field(sb, 0, "Controlled By", by);
		free(by);
	}
	put_containers(sb, "Init Containers", json_object_get(spec, "initContainers"),
		       json_object_get(st, "initContainerStatuses"));
	put_containers(sb, "Containers", json_object_get(spec, "containers"),
		       json_object_get(st, "containerStatuses"));
	put_conditions(sb, json_object_get(st, "conditions"), false);
	put_volumes(sb, json_object_get(spec, "volumes"));
	describe_text_put_field(sb, 0, "QoS Class", describe_json_str(st, "qosClass"));
	describe_text_put_map(sb, 0, "Node-Selectors", json_object_get(spec, "nodeSelector"), "=");
	put_tolerations(sb, json_object_get(spec, "tolerations"));
}

static void put_selector(struct strbuf *sb, const json_t *sel)
{
	const json_t *labels = json_object_get(sel, "matchLabels");
	struct strbuf v = STRBUF_INIT;
	size_t n;
	const json_t *map = labels ? labels : sel;
	const char **keys = describe_text_sort_keys(map, &n);
	for (size_t i = 0; i < n; i++) {
		char *val = describe_text_format_scalar(json_object_get(map, keys[i]));
		strbuf_printf(&v, "%s%s=%s", i ? "," : "", keys[i], val);
		free(val);
	}
	free(keys);
	if (json_array_size(json_object_get(sel, "matchExpressions")))
		strbuf_printf(&v, "%s(+matchExpressions)", v.len ? "," : "");
	describe_text_put_field(sb, 0, "Selector", strbuf_str(&v));
	strbuf_free(&v);
}

static void put_pod_template(struct strbuf *sb, const json_t *tmpl)
{
	describe_text_put_heading(sb, 0, "Pod Template");
	const json_t *annotations = describe_json_at(tmpl, "metadata.annotations");
	const char *account = describe_json_str(tmpl, "spec.serviceAccountName");
	describe_text_put_map(sb, 2, "Labels", describe_json_at(tmpl, "metadata.labels"), "=");
	if (json_object_size(annotations))
		describe_text_put_map(sb, 2, "Annotations", annotations, ": ");
	if (account)
		describe_text_put_field(sb, 2, "Service Account", account);
	put_containers(sb, "  Containers", describe_json_at(tmpl, "spec.containers"), NULL);
}

void describe_put_deployment_body(struct strbuf *sb, const json_t *d, long long now)
{
	(void)now;
	put_selector(sb, describe_json_at(d, "spec.selector"));
	char *rep = xasprintf("%lld desired | %lld updated | %lld total | %lld available | "
			      "%lld unavailable",
			      json_object_get(json_object_get(d, "spec"), "replicas")
				      ? describe_json_num(d, "spec.replicas") : 1,
			      describe_json_num(d, "status.updatedReplicas"),
			      describe_json_num(d, "status.replicas"),
			      describe_json_num(d, "status.availableReplicas"),
			      describe_json_num(d, "status.unavailableReplicas"));
	describe_text_put_field(sb, 0, "Replicas", rep);
	free(rep);
	describe_text_put_field(sb, 0, "StrategyType", describe_json_str(d, "spec.strategy.type"));
	char *mrs = xasprintf("%lld", describe_json_num(d, "spec.minReadySeconds"));
	describe_text_put_field(sb, 0, "MinReadySeconds", mrs);
	free(mrs);
	const json_t *ru = describe_json_at(d, "spec.strategy.rollingUpdate");
	if (ru) {
		char *u = describe_text_format_scalar(json_object_get(ru, "maxUnavailable"));
		char *s = describe_text_format_scalar(json_object_get(ru, "maxSurge"));
		char *line = xasprintf("%s max unavailable, %s max surge", u, s);
		describe_text_put_field(sb, 0, "RollingUpdateStrategy", line);
		free(line);
		free(u);
		free(s);
	}
	put_pod_template(sb, describe_json_at(d, "spec.template"));
	put_conditions(sb, describe_json_at(d, "status.conditions"), true);
}

void describe_put_replicas_body(struct strbuf *sb, const json_t *o, long long now)
{
	(void)now;
	const char *kind = describe_json_str(o, "kind");
	put_selector(sb, describe_json_at(o, "spec.selector"));
	char *line;
	if (strcmp(kind, "DaemonSet") == 0) {
		line = xasprintf("%lld desired | %lld current | %lld ready | %lld available",
				 describe_json_num(o, "status.desiredNumberScheduled"),
				 describe_json_num(o, "status.currentNumberScheduled"),
				 describe_json_num(o, "status.numberReady"),
				 describe_json_num(o, "status.numberAvailable"));
		describe_text_put_label(sb, 0, "Desired Number of Nodes Scheduled",
					DESCRIBE_TEXT_VALUE_COLUMN);
		strbuf_printf(sb, "%lld\n", describe_json_num(o, "status.desiredNumberScheduled"));
		describe_text_put_field(sb, 0, "Number of Nodes", line);
	} else {
		line = xasprintf("%lld current / %lld desired",
				 describe_json_num(o, "status.replicas"),
				 json_object_get(json_object_get(o, "spec"), "replicas")
					 ? describe_json_num(o, "spec.replicas") : 1);
		describe_text_put_field(sb, 0, "Replicas", line);
	}
	free(line);
	line = xasprintf("%lld Ready / %lld Available",
			 describe_json_num(o, "status.readyReplicas"),
			 describe_json_num(o, "status.availableReplicas"));
	if (strcmp(kind, "DaemonSet") != 0)
		describe_text_put_field(sb, 0, "Pods Status", line);
	free(line);
	put_pod_template(sb, describe_json_at(o, "spec.template"));
	put_conditions(sb, describe_json_at(o, "status.conditions"), true);
}

void describe_put_service_body(struct strbuf *sb, const json_t *svc, long long now)
{
	(void)now;
	const json_t *spec = json_object_get(svc, "spec");
	describe_text_put_map(sb, 0, "Selector", json_object_get(spec, "selector"), "=");
	describe_text_put_field(sb, 0, "Type", describe_json_str(spec, "type"));
	describe_text_put_field(sb, 0, "IP", describe_json_str(spec, "clusterIP"));
	const json_t *ports = json_object_get(spec, "ports"), *p;
	size_t i;
	json_array_foreach(ports, i, p) {
		const char *proto = describe_json_str_or(p, "protocol", "TCP");
		const char *name = describe_json_str_or(p, "name", "<unset>");
		char *line = xasprintf("%s  %lld/%s", name, describe_json_num(p, "port"), proto);
		describe_text_put_field(sb, 0, "Port", line);
		free(line);
		char *target = describe_text_format_scalar(json_object_get(p, "targetPort"));
		line = xasprintf("%s/%s", *target ? target : "<none>", proto);
		describe_text_put_field(sb, 0, "TargetPort", line);
		free(line);
		free(target);
		long long node_port = describe_json_num(p, "nodePort");
		if (node_port) {
			line = xasprintf("%s  %lld/%s", name, node_port, proto);
			describe_text_put_field(sb, 0, "NodePort", line);
			free(line);
		}
	}
	describe_text_put_field(sb, 0, "Session Affinity",
				describe_json_str(spec, "sessionAffinity"));
	const json_t *ing = describe_json_at(svc, "status.loadBalancer.ingress"), *x;
	json_array_foreach(ing, i, x) {
		const char *addr = describe_json_str_or(x, "ip", describe_json_str(x, "hostname"));
		describe_text_put_field(sb, 0, "LoadBalancer Ingress", addr);
	}
}

/* Roles come from node-role.kubernetes.io/NAME labels, as kubectl finds them. */
void describe_put_node_roles(struct strbuf *sb, const json_t *labels)
{
	static const char prefix[] = "node-role.kubernetes.io/";
	const size_t plen = sizeof(prefix) - 1;
	struct strbuf roles = STRBUF_INIT;
	size_t n;
	const char **keys = describe_text_sort_keys(labels, &n);
	for (size_t i = 0; i < n; i++)
		if (strncmp(keys[i], prefix, plen) == 0 && keys[i][plen])
			strbuf_printf(&roles, "%s%s", roles.len ? "," : "", keys[i] + plen);
	free(keys);
	describe_text_put_field(sb, 0, "Roles", strbuf_str(&roles));
	strbuf_free(&roles);
}

static void put_quantities(struct strbuf *sb, const char *label, const json_t *m)
{
	if (!m)
		return;
	describe_text_put_heading(sb, 0, label);
	describe_text_put_aligned_map(sb, 2, m);
}

/* "Taints:" as key=value:Effect, one per line aligned under the first. */
static void put_taints(struct strbuf *sb, const json_t *taints)
{
	const json_t *t;
	size_t i;
	if (json_array_size(taints) == 0)
		describe_text_put_field(sb, 0, "Taints", NULL);
	json_array_foreach(taints, i, t) {
		const char *key = describe_json_str(t, "key"), *val = describe_json_str(t, "value");
		const char *eff = describe_json_str(t, "effect");
		char *line = xasprintf("%s%s%s:%s", key ? key : "", val ? "=" : "", val ? val : "",
				       eff ? eff : "");
		if (i == 0) {
			describe_text_put_field(sb, 0, "Taints", line);
		} else {
			describe_text_put_indent(sb, DESCRIBE_TEXT_VALUE_COLUMN);
			sanitize_append(sb, line, strlen(line), 0);
			strbuf_putc(sb, '\n');
		}
		free(line);
	}
}

/* "System Info:" from status.nodeInfo, every line present even when the field is not. */
static void put_system_info(struct strbuf *sb, const json_t *ni)
{
	static const char *const info[][2] = {
		{"machineID", "Machine ID"}, {"systemUUID", "System UUID"},
		{"bootID", "Boot ID"}, {"kernelVersion", "Kernel Version"},
		{"osImage", "OS Image"}, {"operatingSystem", "Operating System"},
		{"architecture", "Architecture"},
		{"containerRuntimeVersion", "Container Runtime Version"},
		{"kubeletVersion", "Kubelet Version"}, {"kubeProxyVersion", "Kube-Proxy Version"},
	};
	if (!ni)
		return;
	describe_text_put_heading(sb, 0, "System Info");
	for (size_t k = 0; k < sizeof(info) / sizeof(info[0]); k++) {
		describe_text_put_label(sb, 2, info[k][1], 28);
		const char *v = describe_json_str(ni, info[k][0]);
		sanitize_append(sb, v ? v : "", v ? strlen(v) : 0, 0);
		strbuf_putc(sb, '\n');
	}
}

void describe_put_node_body(struct strbuf *sb, const json_t *node, long long now)
{
	(void)now;
	const json_t *st = json_object_get(node, "status");
	const char *created = describe_json_str(node, "metadata.creationTimestamp");
	const char *cidr = describe_json_str(node, "spec.podCIDR");
	if (created)
		describe_text_put_field_time(sb, 0, "CreationTimestamp", created);
	put_taints(sb, describe_json_at(node, "spec.taints"));
	bool unschedulable = json_is_true(describe_json_at(node, "spec.unschedulable"));
	describe_text_put_field(sb, 0, "Unschedulable", unschedulable ? "true" : "false");
	put_conditions(sb, json_object_get(st, "conditions"), true);
	const json_t *addrs = json_object_get(st, "addresses"), *a;
	size_t i;
	describe_text_put_heading(sb, 0, "Addresses");
	json_array_foreach(addrs, i, a)
		describe_text_put_field(sb, 2, describe_json_str_or(a, "type", ""),
					describe_json_str(a, "address"));
	put_quantities(sb, "Capacity", json_object_get(st, "capacity"));
	put_quantities(sb, "Allocatable", json_object_get(st, "allocatable"));
	put_system_info(sb, json_object_get(st, "nodeInfo"));
	if (cidr)
		describe_text_put_field(sb, 0, "PodCIDR", cidr);
}

void describe_put_namespace_body(struct strbuf *sb, const json_t *ns, long long now)
{
	(void)now;
	describe_text_put_field(sb, 0, "Status", describe_json_str(ns, "status.phase"));
}

/* Secret values are never shown, only their sizes, as kubectl does. */
void describe_put_secret_body(struct strbuf *sb, const json_t *sec, long long now)
{
	(void)now;
	describe_text_put_field(sb, 0, "Type", describe_json_str(sec, "type"));
	strbuf_puts(sb, "\nData\n====\n");
	size_t n;
	const json_t *data = json_object_get(sec, "data");
	const char **keys = describe_text_sort_keys(data, &n);
	for (size_t i = 0; i < n; i++) {
		const char *b64 = json_string_value(json_object_get(data, keys[i]));
		size_t len = b64 ? strlen(b64) : 0, pad = 0;
		while (pad < 2 && pad < len && b64[len - 1 - pad] == '=')
			pad++;
		sanitize_append(sb, keys[i], strlen(keys[i]), 0);
		strbuf_printf(sb, ":  %zu bytes\n", len / 4 * 3 - pad);
	}
	free(keys);
}

