/* The pod lifecycle the sandbox's kubelet and scheduler play: a new pod is scheduled to
 * a node at once, then within about a second its containers run and it turns Ready,
 * with the Scheduled, Pulling, Pulled, Created and Started events kubectl describe shows. */
#include "core/xalloc.h"
#include "sandbox/controller_internal.h"

#include <stdio.h>
#include <string.h>

static const char *pod_condition(const json_t *pod, const char *type)
{
	size_t i;
	json_t *cond;
	json_array_foreach(json_object_get(json_object_get(pod, "status"), "conditions"), i, cond) {
		const char *t = json_string_value(json_object_get(cond, "type"));
		if (t && !strcmp(t, type))
			return json_string_value(json_object_get(cond, "status"));
	}
	return NULL;
}

static unsigned pod_hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* A worker node for the pod (spread by name), or the first node. */
static const char *pod_pick_node(struct ctl_ctx *c, const char *pod_name)
{
	json_t *map = c->nodes ? objstore_objects(c->cl, c->nodes) : NULL;
	size_t n = json_object_size(map);
	if (!n)
		return "sandbox-node";
	size_t want = pod_hash(pod_name) % n, i = 0;
	const char *key;
	json_t *node;
	json_object_foreach(map, key, node)
		if (i++ == want)
			return objstore_obj_name(node);
	return "sandbox-node";
}

static json_t *pod_conditions(const char *now, bool running)
{
	static const char *types[] = {"PodReadyToStartContainers", "Initialized", "Ready",
				      "ContainersReady", "PodScheduled"};
	json_t *conds = json_array();
	for (size_t i = 0; i < 5; i++) {
		if (!running && i != 4)
			continue;
		json_array_append_new(conds, json_pack("{s:s,s:s,s:n,s:s}", "type", types[i],
						       "status", "True", "lastProbeTime",
						       "lastTransitionTime", now));
	}
	return conds;
}

static void pod_schedule(struct ctl_ctx *c, const json_t *pod)
{
	json_t *copy = json_deep_copy(pod);
	json_t *spec = json_object_get(copy, "spec");
	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(copy, "spec", spec);
	}
	const char *node = json_string_value(json_object_get(spec, "nodeName"));
	if (!node)
		node = pod_pick_node(c, objstore_obj_name(pod));
	char *node_name = xstrdup(node);
	json_object_set_new(spec, "nodeName", json_string(node_name));
	json_t *status = json_object_get(copy, "status");
	if (!json_is_object(status)) {
		status = json_object();
		json_object_set_new(copy, "status", status);
	}
	json_object_set_new(status, "phase", json_string("Pending"));
	json_object_set_new(status, "conditions", pod_conditions(c->now_str, false));
	if (!json_object_get(status, "qosClass"))
		json_object_set_new(status, "qosClass", json_string("BestEffort"));
	char msg[512];
	snprintf(msg, sizeof msg, "Successfully assigned %s/%s to %s", objstore_obj_namespace(pod),
		 objstore_obj_name(pod), node_name);
	ctl_put(c, c->pods, copy);
	ctl_event(c, pod, "Normal", "Scheduled", msg, "default-scheduler", NULL);
	free(node_name);
}

static json_t *pod_container_status(struct ctl_ctx *c, const json_t *container)
{
	const char *name = json_string_value(json_object_get(container, "name"));
	const char *image = json_string_value(json_object_get(container, "image"));
	char uid[40], cid[80];
	objstore_new_uid(c->st, uid, sizeof uid);
	snprintf(cid, sizeof cid, "containerd://%.8s%.4s%.4s%.4s%.12s", uid, uid + 9, uid + 14,
		 uid + 19, uid + 24);
	return json_pack("{s:s,s:b,s:i,s:s,s:s,s:s,s:b,s:{s:{s:s}}}", "name", name ? name : "",
			 "ready", 1, "restartCount", 0, "image", image ? image : "", "imageID",
			 image ? image : "", "containerID", cid, "started", 1, "state", "running",
			 "startedAt", c->now_str);
}

static void pod_events_for_container(struct ctl_ctx *c, const json_t *pod, const json_t *container)
{
	const char *name = json_string_value(json_object_get(container, "name"));
	const char *image = json_string_value(json_object_get(container, "image"));
	char path[300], msg[600];
	snprintf(path, sizeof path, "spec.containers{%s}", name ? name : "");
	snprintf(msg, sizeof msg, "Pulling image \"%s\"", image ? image : "");
	ctl_event(c, pod, "Normal", "Pulling", msg, "kubelet", path);
	snprintf(msg, sizeof msg,
		 "Successfully pulled image \"%s\" in 412ms (412ms including waiting). Image size: 48213411 bytes.",
		 image ? image : "");
	ctl_event(c, pod, "Normal", "Pulled", msg, "kubelet", path);
	snprintf(msg, sizeof msg, "Created container %s", name ? name : "");
	ctl_event(c, pod, "Normal", "Created", msg, "kubelet", path);
	snprintf(msg, sizeof msg, "Started container %s", name ? name : "");
	ctl_event(c, pod, "Normal", "Started", msg, "kubelet", path);
}

static void pod_run(struct ctl_ctx *c, const json_t *pod)
{
	json_t *copy = json_deep_copy(pod);
	json_t *status = json_object_get(copy, "status");
	json_t *statuses = json_array();
	size_t i;
	json_t *container;
	json_t *containers = json_object_get(json_object_get(pod, "spec"), "containers");
	json_array_foreach(containers, i, container)
		json_array_append_new(statuses, pod_container_status(c, container));
	unsigned h = pod_hash(objstore_obj_name(pod));
	char ip[32], host_ip[32];
	snprintf(ip, sizeof ip, "10.244.%u.%u", (h >> 8) % 250 + 1, h % 250 + 2);
	snprintf(host_ip, sizeof host_ip, "172.18.0.%u", (h >> 16) % 3 + 2);
	json_object_set_new(status, "phase", json_string("Running"));
	json_object_set_new(status, "conditions", pod_conditions(c->now_str, true));
	json_object_set_new(status, "containerStatuses", statuses);
	json_object_set_new(status, "podIP", json_string(ip));
	json_object_set_new(status, "podIPs", json_pack("[{s:s}]", "ip", ip));
	json_object_set_new(status, "hostIP", json_string(host_ip));
	json_object_set_new(status, "hostIPs", json_pack("[{s:s}]", "ip", host_ip));
	json_object_set_new(status, "startTime", json_string(c->now_str));
	json_array_foreach(containers, i, container)
		pod_events_for_container(c, pod, container);
	ctl_put(c, c->pods, copy);
}

void ctl_pods_tick(struct ctl_ctx *c)
{
	json_t *map = objstore_objects(c->cl, c->pods);
	json_t *to_schedule = json_array(), *to_run = json_array();
	const char *key;
	json_t *pod;
	json_object_foreach(map, key, pod) {
		json_t *status = json_object_get(pod, "status");
		const char *phase = json_string_value(json_object_get(status, "phase"));
		if (!phase || (!strcmp(phase, "Pending") && !json_object_get(status, "conditions"))) {
			json_array_append(to_schedule, pod);
			continue;
		}
		if (strcmp(phase, "Pending") || json_object_get(status, "containerStatuses"))
			continue;
		const char *scheduled = pod_condition(pod, "PodScheduled");
		time_t created = objstore_parse_time(json_string_value(
			json_object_get(json_object_get(pod, "metadata"), "creationTimestamp")));
		if (!scheduled || strcmp(scheduled, "True"))
			continue;
		if (c->now - created >= 1)
			json_array_append(to_run, pod);
		else
			c->waiting = true;
	}
	size_t i;
	json_array_foreach(to_schedule, i, pod)
		pod_schedule(c, pod);
	json_array_foreach(to_run, i, pod)
		pod_run(c, pod);
	json_decref(to_schedule);
	json_decref(to_run);
}
