/* The pods of a current ReplicaSet, with the status the kubelet would report (running,
 * or one of the scenario's incidents: CrashLoopBackOff, ImagePullBackOff, Pending) and
 * the events that led there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/scenario_model.h"

static void hex64(const char *key, char out[65])
{
	for (int i = 0; i < 4; i++)
		snprintf(out + 16 * i, 17, "%016llx",
			 (unsigned long long)sc_hash2(key, (const char[]){(char)('a' + i), 0}));
}

static json_t *image_id(const char *image)
{
	char digest[65];
	hex64(image, digest);
	const char *colon = strrchr(image, ':');
	size_t n = colon && !strchr(colon, '/') ? (size_t)(colon - image) : strlen(image);
	char *id = xasprintf("%.*s@sha256:%s", (int)n, image, digest);
	json_t *j = json_string(id);
	free(id);
	return j;
}

static json_t *container_status(const struct sc_gen *g, json_t *c, const char *pod, long age)
{
	const char *name = json_string_value(json_object_get(c, "name"));
	const char *image = json_string_value(json_object_get(c, "image"));
	char key[320], cid[65], ts[21];
	snprintf(key, sizeof(key), "%s/%s", pod, name);
	hex64(key, cid);
	char *container_id = xasprintf("containerd://%s", cid);
	sc_time(g, age - 4, ts);
	json_t *st = json_pack("{s:s, s:s, s:o, s:s, s:b, s:b, s:i, s:{s:{s:s}}}", "name", name,
			       "image", image, "imageID", image_id(image), "containerID",
			       container_id, "ready", 1, "started", 1, "restartCount", 0, "state",
			       "running", "startedAt", ts);
	free(container_id);
	return st;
}

static json_t *conditions(const struct sc_gen *g, long age, bool scheduled, bool ready)
{
	char t0[21], t1[21];
	sc_time(g, age, t0);
	sc_time(g, age - 6, t1);
	json_t *c = json_array();
	const char *types[] = {"PodReadyToStartContainers", "Initialized", "Ready",
			       "ContainersReady", "PodScheduled"};
	for (int i = 0; i < 5; i++) {
		bool ok = i == 1 || i == 4 || (i == 0 && scheduled) || ready;
		json_array_append_new(c, json_pack("{s:s, s:s, s:n, s:s}", "type", types[i],
						   "status", ok ? "True" : "False", "lastProbeTime",
						   "lastTransitionTime", i == 2 || i == 3 ? t1 : t0));
	}
	return c;
}

json_t *sc_running_status(const struct sc_gen *g, json_t *containers, const char *pod,
			  const char *node_ip, const char *pod_ip, long age)
{
	char start[21];
	sc_time(g, age, start);
	json_t *statuses = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(containers, i, c)
		json_array_append_new(statuses, container_status(g, c, pod, age));
	return json_pack("{s:s, s:o, s:s, s:[{s:s}], s:s, s:[{s:s}], s:s, s:o, s:s}", "phase",
			 "Running", "conditions", conditions(g, age, true, true), "hostIP", node_ip,
			 "hostIPs", "ip", node_ip, "podIP", pod_ip, "podIPs", "ip", pod_ip,
			 "startTime", start, "containerStatuses", statuses, "qosClass",
			 "Burstable");
}

/* Rewrites the running status of the main container (index 0) for an incident. */
static void apply_incident(const struct sc_gen *g, json_t *status, const struct sc_incident *inc,
			   const char *pod, const char *ns, const char *uid, long age)
{
	json_t *main = json_array_get(json_object_get(status, "containerStatuses"), 0);
	const char *name = json_string_value(json_object_get(main, "name"));
	const char *image = json_string_value(json_object_get(main, "image"));
	json_object_set_new(status, "conditions", conditions(g, age, true, false));
	json_object_set_new(main, "ready", json_false());
	json_object_set_new(main, "started", json_false());
	char msg[512], t0[21], t1[21];
	if (inc->kind == SC_CRASHLOOP) {
		snprintf(msg, sizeof(msg),
			 "back-off 5m0s restarting failed container=%s pod=%s_%s(%s)", name, pod, ns,
			 uid);
		sc_time(g, 140, t0);
		sc_time(g, 95, t1);
		json_t *id = json_object_get(main, "containerID");
		json_object_set_new(main, "restartCount", json_integer(17));
		json_object_set_new(main, "state", json_pack("{s:{s:s, s:s}}", "waiting", "reason",
							     "CrashLoopBackOff", "message", msg));
		json_object_set_new(main, "lastState",
				    json_pack("{s:{s:i, s:s, s:s, s:s, s:O}}", "terminated",
					      "exitCode", inc->oomkilled ? 137 : 1, "reason",
					      inc->oomkilled ? "OOMKilled" : "Error", "startedAt", t0,
					      "finishedAt", t1, "containerID", id));
		return;
	}
	/* ImagePullBackOff: the container never started, so it has no id */
	json_object_set_new(status, "phase", json_string("Pending"));
	json_object_del(main, "containerID");
	json_object_set_new(main, "imageID", json_string(""));
	snprintf(msg, sizeof(msg), "Back-off pulling image \"%s\"", image);
	json_object_set_new(main, "state", json_pack("{s:{s:s, s:s}}", "waiting", "reason",
						     "ImagePullBackOff", "message", msg));
}

static json_t *pending_status(const struct sc_gen *g, long age)
{
	char ts[21];
	sc_time(g, age, ts);
	return json_pack("{s:s, s:[{s:s, s:s, s:n, s:s, s:s, s:s}], s:s}", "phase", "Pending",
			 "conditions", "type", "PodScheduled", "status", "False", "lastProbeTime",
			 "lastTransitionTime", ts, "reason", "Unschedulable", "message",
			 "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are"
			 " available: 3 No preemption victims found for incoming pod.",
			 "qosClass", "Burstable");
}

static void event(struct sc_gen *g, const struct sc_workload *w, const char *pod,
		  const char *uid, const char *field, const char *type, const char *reason,
		  const char *msg, const char *host, int count, long first, long last)
{
	struct sc_event e = {w->ns, "v1", "Pod", pod, uid, field, type, reason, msg,
			     host ? "kubelet" : "default-scheduler", host, count, first, last};
	sc_gen_event(g, w->ci, &e);
}

/* The kubelet's view of an image that cannot be pulled. */
static void image_pull_events(struct sc_gen *g, const struct sc_workload *w, const char *pod,
			      const char *uid, const char *field, const char *image,
			      const char *node, long age)
{
	char msg[1024];
	snprintf(msg, sizeof(msg), "Pulling image \"%s\"", image);
	event(g, w, pod, uid, field, "Normal", "Pulling", msg, node, 12, age - 2, 200);
	snprintf(msg, sizeof(msg),
		 "Failed to pull image \"%s\": rpc error: code = NotFound desc = failed to pull "
		 "and unpack image \"%s\": failed to resolve reference \"%s\": %s: not found",
		 image, image, image, image);
	event(g, w, pod, uid, field, "Warning", "Failed", msg, node, 12, age - 3, 199);
	event(g, w, pod, uid, field, "Warning", "Failed", "Error: ErrImagePull", node, 12,
	      age - 3, 199);
	snprintf(msg, sizeof(msg), "Back-off pulling image \"%s\"", image);
	event(g, w, pod, uid, field, "Normal", "BackOff", msg, node, 160, age - 10, 20);
	event(g, w, pod, uid, field, "Warning", "Failed", "Error: ImagePullBackOff", node, 160,
	      age - 10, 20);
}

/* A container that keeps dying: back-off and a failing readiness probe. */
static void crash_events(struct sc_gen *g, const struct sc_workload *w, json_t *pod,
			 json_t *c, const char *field, const char *node, long age)
{
	const char *name = json_string_value(json_object_get(json_object_get(pod, "metadata"), "name"));
	const char *uid = json_string_value(json_object_get(json_object_get(pod, "metadata"), "uid"));
	const char *cname = json_string_value(json_object_get(c, "name"));
	const char *ip = json_string_value(json_object_get(json_object_get(pod, "status"), "podIP"));
	long long port = json_integer_value(json_object_get(
		json_array_get(json_object_get(c, "ports"), 0), "containerPort"));
	char msg[512];
	snprintf(msg, sizeof(msg), "Back-off restarting failed container %s in pod %s_%s(%s)",
		 cname, name, w->ns, uid);
	event(g, w, name, uid, field, "Warning", "BackOff", msg, node, 310, age - 60, 15);
	snprintf(msg, sizeof(msg),
		 "Readiness probe failed: Get \"http://%s:%lld/healthz\": dial tcp %s:%lld: "
		 "connect: connection refused", ip, port, ip, port);
	event(g, w, name, uid, field, "Warning", "Unhealthy", msg, node, 41, age - 30, 97);
}

static void pod_events(struct sc_gen *g, const struct sc_workload *w, json_t *pod,
		       const char *node, long age)
{
	json_t *md = json_object_get(pod, "metadata");
	const char *name = json_string_value(json_object_get(md, "name"));
	const char *uid = json_string_value(json_object_get(md, "uid"));
	const struct sc_incident *inc = w->incident;
	char msg[512], field[160];
	if (inc && inc->kind == SC_PENDING) {
		event(g, w, name, uid, NULL, "Warning", "FailedScheduling",
		      "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are"
		      " available: 3 No preemption victims found for incoming pod.",
		      NULL, 9, age, 120);
		return;
	}
	snprintf(msg, sizeof(msg), "Successfully assigned %s/%s to %s", w->ns, name, node);
	event(g, w, name, uid, NULL, "Normal", "Scheduled", msg, NULL, 1, age, age);
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "containers"), i, c) {
		const char *cname = json_string_value(json_object_get(c, "name"));
		const char *image = json_string_value(json_object_get(c, "image"));
		snprintf(field, sizeof(field), "spec.containers{%s}", cname);
		bool broken = inc && i == 0;
		if (broken && inc->kind == SC_IMAGEPULL) {
			image_pull_events(g, w, name, uid, field, image, node, age);
			continue;
		}
		int n = broken ? 18 : 1;
		long last = broken ? 100 : age - 3;
		snprintf(msg, sizeof(msg), "Container image \"%s\" already present on machine", image);
		event(g, w, name, uid, field, "Normal", "Pulled", msg, node, n, age - 2, last);
		snprintf(msg, sizeof(msg), "Created container %s", cname);
		event(g, w, name, uid, field, "Normal", "Created", msg, node, n, age - 3, last);
		snprintf(msg, sizeof(msg), "Started container %s", cname);
		event(g, w, name, uid, field, "Normal", "Started", msg, node, n, age - 3, last);
		if (broken)
			crash_events(g, w, pod, c, field, node, age);
	}
}

static json_t *pod_spec(const struct sc_workload *w, const char *node)
{
	json_t *spec = json_deep_copy(json_object_get(w->template, "spec"));
	if (node)
		json_object_set_new(spec, "nodeName", json_string(node));
	json_object_set_new(spec, "enableServiceLinks", json_true());
	json_object_set_new(spec, "priority", json_integer(0));
	json_object_set_new(spec, "preemptionPolicy", json_string("PreemptLowerPriority"));
	json_object_set_new(spec, "tolerations",
			    json_pack("[{s:s, s:s, s:s, s:i}, {s:s, s:s, s:s, s:i}]", "key",
				      "node.kubernetes.io/not-ready", "operator", "Exists", "effect",
				      "NoExecute", "tolerationSeconds", 300, "key",
				      "node.kubernetes.io/unreachable", "operator", "Exists",
				      "effect", "NoExecute", "tolerationSeconds", 300));
	return spec;
}

static bool gen_pod(struct sc_gen *g, const struct sc_workload *w, unsigned i)
{
	const struct sc_model *m = g->m;
	char key[256], suffix[6], node[64], node_ip[32], pod_ip[32];
	snprintf(key, sizeof(key), "%s/%s/%u", w->ns, w->rs_name, i);
	sc_hash_name(key, suffix, 5);
	char *name = xasprintf("%s-%s", w->rs_name, suffix);
	unsigned nodes = m->clusters[w->ci].nodes, ni = (unsigned)((w->svc + i) % nodes);
	sc_node_name(m, w->ci, ni, node);
	snprintf(node_ip, sizeof(node_ip), "10.%zu.0.%u", 10 + w->ci, 10 + ni);
	snprintf(pod_ip, sizeof(pod_ip), "10.%zu.%u.%u", 100 + w->ci, ni + 1,
		 (unsigned)(sc_hash(key) % 250) + 2);
	long age = w->rs_age - 5 - 3 * (long)i;
	json_t *md = sc_metadata(g, w->cluster, "Pod", w->ns, name, age);
	json_t *tmd = json_object_get(w->template, "metadata");
	json_object_set_new(md, "generateName", json_sprintf("%s-", w->rs_name));
	json_object_set_new(md, "labels", json_deep_copy(json_object_get(tmd, "labels")));
	json_object_set_new(md, "annotations", json_deep_copy(json_object_get(tmd, "annotations")));
	json_object_set_new(md, "ownerReferences",
			    sc_owner_ref("apps/v1", "ReplicaSet", w->rs_name, w->rs_uid));
	bool pending = w->incident && w->incident->kind == SC_PENDING;
	json_t *spec = pod_spec(w, pending ? NULL : node);
	json_t *status = pending ? pending_status(g, age)
				 : sc_running_status(g, json_object_get(spec, "containers"), name,
						     node_ip, pod_ip, age);
	const char *uid = json_string_value(json_object_get(md, "uid"));
	if (w->incident && !pending)
		apply_incident(g, status, w->incident, name, w->ns, uid, age);
	json_t *pod = json_pack("{s:s, s:s, s:o, s:o, s:o}", "apiVersion", "v1", "kind", "Pod",
				"metadata", md, "spec", spec, "status", status);
	pod_events(g, w, pod, node, age);
	sc_add(g, w->ci, pod);
	free(name);
	g->base_pods++;
	return w->incident == NULL;
}

unsigned sc_gen_pods(struct sc_gen *g, const struct sc_workload *w)
{
	unsigned ready = 0;
	for (unsigned i = 0; i < w->replicas; i++)
		ready += gen_pod(g, w, i);
	return ready;
}
