/* The pod lifecycle the sandbox's kubelet and scheduler play: a new pod is scheduled to
 * a node at once, then within about a second its containers run and it turns Ready,
 * with the Scheduled, Pulling, Pulled, Created and Started events kubectl describe shows.
 * A container whose image the pod's bad-images annotation lists crash-loops instead. */
#include "core/xalloc.h"
#include "sandbox/controller_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POD_BAD_IMAGES "sandbox.opsdeck.dev/bad-images"
#define POD_CRASH_AFTER 2         /* seconds a bad container runs before it exits */
#define POD_BACKOFF_MAX 300       /* the kubelet's back-off: 10s doubling up to 5m */

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

/* image is one of the releases the pod's bad-images annotation lists (comma-separated). */
static bool pod_image_bad(const json_t *pod, const char *image)
{
	const char *list = json_string_value(json_object_get(
		json_object_get(json_object_get(pod, "metadata"), "annotations"), POD_BAD_IMAGES));
	size_t n = image ? strlen(image) : 0;
	for (const char *p = list; n && p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, image, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
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

/* Ready and ContainersReady False: a container keeps crashing. */
static void pod_set_unready(json_t *status, const char *container)
{
	size_t i;
	json_t *cond;
	json_array_foreach(json_object_get(status, "conditions"), i, cond) {
		const char *t = json_string_value(json_object_get(cond, "type"));
		if (!t || (strcmp(t, "Ready") && strcmp(t, "ContainersReady")))
			continue;
		char msg[300];
		snprintf(msg, sizeof msg, "containers with unready status: [%s]", container);
		json_object_set_new(cond, "status", json_string("False"));
		json_object_set_new(cond, "reason", json_string("ContainersNotReady"));
		json_object_set_new(cond, "message", json_string(msg));
	}
}

/* Marks the pod's bad containers not ready (they run, then crash: pod_crash_step). */
static void pod_mark_bad(json_t *pod_copy, json_t *statuses)
{
	size_t i;
	json_t *cs;
	json_array_foreach(statuses, i, cs) {
		if (!pod_image_bad(pod_copy, json_string_value(json_object_get(cs, "image"))))
			continue;
		json_object_set_new(cs, "ready", json_false());
		pod_set_unready(json_object_get(pod_copy, "status"),
				json_string_value(json_object_get(cs, "name")));
	}
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
	pod_mark_bad(copy, statuses);
	ctl_put(c, c->pods, copy);
}

static long pod_backoff(json_int_t restarts)
{
	long s = 10;
	for (json_int_t i = 0; i < restarts && s < POD_BACKOFF_MAX; i++)
		s *= 2;
	return s < POD_BACKOFF_MAX ? s : POD_BACKOFF_MAX;
}

/* One bad container's next move, if due: running -> exits with an error into
 * CrashLoopBackOff; back-off over -> restarted. True when cs changed. */
static bool pod_crash_container(struct ctl_ctx *c, const json_t *pod, json_t *cs)
{
	const char *name = json_string_value(json_object_get(cs, "name"));
	json_t *running = json_object_get(json_object_get(cs, "state"), "running");
	json_int_t restarts = json_integer_value(json_object_get(cs, "restartCount"));
	char msg[600], path[300];
	snprintf(path, sizeof path, "spec.containers{%s}", name ? name : "");
	if (running) {
		const char *started = json_string_value(json_object_get(running, "startedAt"));
		if (c->now - objstore_parse_time(started) < POD_CRASH_AFTER)
			return false;
		snprintf(msg, sizeof msg, "back-off %lds restarting failed container=%s pod=%s_%s(%s)",
			 pod_backoff(restarts), name ? name : "", objstore_obj_name(pod),
			 objstore_obj_namespace(pod), objstore_obj_uid(pod));
		json_object_set_new(cs, "lastState", json_pack(
			"{s:{s:i,s:s,s:s,s:s,s:O}}", "terminated", "exitCode", 1, "reason", "Error",
			"startedAt", started ? started : c->now_str, "finishedAt", c->now_str,
			"containerID", json_object_get(cs, "containerID")));
		json_object_set_new(cs, "state", json_pack("{s:{s:s,s:s}}", "waiting", "reason",
							   "CrashLoopBackOff", "message", msg));
		json_object_set_new(cs, "started", json_false());
		snprintf(msg, sizeof msg, "Back-off restarting failed container %s in pod %s_%s(%s)",
			 name ? name : "", objstore_obj_name(pod), objstore_obj_namespace(pod),
			 objstore_obj_uid(pod));
		ctl_event(c, pod, "Warning", "BackOff", msg, "kubelet", path);
		return true;
	}
	const char *finished = json_string_value(json_object_get(
		json_object_get(json_object_get(cs, "lastState"), "terminated"), "finishedAt"));
	if (!finished || c->now - objstore_parse_time(finished) < pod_backoff(restarts))
		return false;
	json_object_set_new(cs, "restartCount", json_integer(restarts + 1));
	json_object_set_new(cs, "state", json_pack("{s:{s:s}}", "running", "startedAt", c->now_str));
	json_object_set_new(cs, "started", json_true());
	snprintf(msg, sizeof msg, "Container image \"%s\" already present on machine",
		 json_string_value(json_object_get(cs, "image")));
	ctl_event(c, pod, "Normal", "Pulled", msg, "kubelet", path);
	snprintf(msg, sizeof msg, "Started container %s", name ? name : "");
	ctl_event(c, pod, "Normal", "Started", msg, "kubelet", path);
	return true;
}

/* A running pod with a bad container: its crash loop moves on when due. */
static void pod_crash_step(struct ctl_ctx *c, const json_t *pod)
{
	json_t *copy = json_deep_copy(pod);
	bool changed = false;
	size_t i;
	json_t *cs;
	json_array_foreach(json_object_get(json_object_get(copy, "status"), "containerStatuses"), i, cs)
		if (pod_image_bad(pod, json_string_value(json_object_get(cs, "image"))))
			changed = pod_crash_container(c, pod, cs) || changed;
	if (changed)
		ctl_put(c, c->pods, copy);
	else
		json_decref(copy);
}

/* The pod runs a container the bad-images annotation names (and is not terminating). */
static bool pod_has_bad(const json_t *pod)
{
	if (json_object_get(json_object_get(pod, "metadata"), "deletionTimestamp"))
		return false;
	size_t i;
	json_t *cs;
	json_array_foreach(json_object_get(json_object_get(pod, "status"), "containerStatuses"), i, cs)
		if (pod_image_bad(pod, json_string_value(json_object_get(cs, "image"))))
			return true;
	return false;
}

void ctl_pods_tick(struct ctl_ctx *c)
{
	json_t *map = objstore_objects(c->cl, c->pods);
	json_t *to_schedule = json_array(), *to_run = json_array(), *to_crash = json_array();
	const char *key;
	json_t *pod;
	json_object_foreach(map, key, pod) {
		json_t *status = json_object_get(pod, "status");
		const char *phase = json_string_value(json_object_get(status, "phase"));
		if (!phase || (!strcmp(phase, "Pending") && !json_object_get(status, "conditions"))) {
			json_array_append(to_schedule, pod);
			continue;
		}
		if (!strcmp(phase, "Running") && pod_has_bad(pod)) {
			json_array_append(to_crash, pod);
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
	json_array_foreach(to_crash, i, pod)
		pod_crash_step(c, pod);
	/* a crash loop never settles: tick again while one runs */
	if (json_array_size(to_crash))
		c->waiting = true;
	json_decref(to_schedule);
	json_decref(to_run);
	json_decref(to_crash);
}
