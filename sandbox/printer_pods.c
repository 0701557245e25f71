/* The pod Table printer: Ready, the Status reason (Init:…, CrashLoopBackOff, Completed,
 * Terminating…), Restarts with the last restart's age, and the wide columns, following
 * kube-apiserver's printPod. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/printer.h"
#include "sandbox/printer_builtin.h"

static const struct printer_column pod_cols[] = {
	{"Name", "string", "name", printer_desc_name, 0},
	{"Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.", 0},
	{"Status", "string", "", "The aggregate status of the containers in this pod.", 0},
	{"Restarts", "string", "", "The number of times the containers in this pod have been "
	 "restarted and when the last container in this pod has restarted.", 0},
	{"Age", "string", "", printer_desc_created, 0},
	{"IP", "string", "", "podIP address allocated to the pod. Routable at least within the "
	 "cluster. Empty if not yet allocated.", 1},
	{"Node", "string", "", "NodeName indicates in which node this pod is scheduled. If empty, "
	 "this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once "
	 "this field is set, the kubelet for this node becomes responsible for the lifecycle of "
	 "this pod. This field should not be used to express a desire for the pod to be scheduled "
	 "on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/"
	 "assign-pod-node/#nodename", 1},
	{"Nominated Node", "string", "", "nominatedNodeName is set only when this pod preempts "
	 "other pods on the node, but it cannot be scheduled right away as preemption victims "
	 "receive their graceful termination periods. This field does not guarantee that the pod "
	 "will be scheduled on this node. Scheduler may decide to place the pod elsewhere if "
	 "other nodes become available sooner. Scheduler may also decide to give the resources on "
	 "this node to a higher priority pod that is created after preemption. As a result, this "
	 "field may be different than PodSpec.nodeName when the pod is scheduled.", 1},
	{"Readiness Gates", "string", "", "If specified, all readiness gates will be evaluated for "
	 "pod readiness. A pod is ready when all its containers are ready AND all conditions "
	 "specified in the readiness gates have status equal to \"True\" More info: "
	 "https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates", 1},
};

/* What printPod accumulates while it walks the container statuses. */
struct pod_tally {
	char reason[128];
	long long restarts, sidecar_restarts;
	long ready, total;
	time_t last_restart, sidecar_last_restart; /* 0: never */
};

static bool condition_true(const json_t *pod, const char *type)
{
	size_t i;
	const json_t *c;
	json_array_foreach(json_object_get(json_object_get(pod, "status"), "conditions"), i, c)
		if (!strcmp(printer_str(c, "type"), type))
			return !strcmp(printer_str(c, "status"), "True");
	return false;
}

static const json_t *state_of(const json_t *cs, const char *field, const char *which)
{
	return json_object_get(json_object_get(cs, field), which);
}

/* Latest lastState.terminated.finishedAt seen so far. */
static void note_restart(const json_t *cs, time_t *latest)
{
	const json_t *term = state_of(cs, "lastState", "terminated");
	time_t t;
	if (term && printer_parse_time(printer_str(term, "finishedAt"), &t) && t > *latest)
		*latest = t;
}

/* Sidecars are init containers with restartPolicy Always. */
static bool is_sidecar(const json_t *pod, const char *name)
{
	size_t i;
	const json_t *c;
	json_array_foreach(json_object_get(json_object_get(pod, "spec"), "initContainers"), i, c)
		if (!strcmp(printer_str(c, "name"), name))
			return !strcmp(printer_str(c, "restartPolicy"), "Always");
	return false;
}

static void terminated_reason(const json_t *term, const char *prefix, char *out, size_t len)
{
	const char *r = printer_str(term, "reason");
	long long sig = printer_int(term, "signal", 0);
	if (*r)
		snprintf(out, len, "%s%s", prefix, r);
	else if (sig)
		snprintf(out, len, "%sSignal:%lld", prefix, sig);
	else
		snprintf(out, len, "%sExitCode:%lld", prefix, printer_int(term, "exitCode", 0));
}

/* Returns true while the pod is still initializing (an init container not yet done). */
static bool tally_init(const json_t *pod, struct pod_tally *t)
{
	const json_t *statuses = json_object_get(json_object_get(pod, "status"),
						 "initContainerStatuses");
	size_t n = json_array_size(json_object_get(json_object_get(pod, "spec"), "initContainers"));
	size_t i;
	const json_t *cs;
	json_array_foreach(statuses, i, cs) {
		bool sidecar = is_sidecar(pod, printer_str(cs, "name"));
		const json_t *term = state_of(cs, "state", "terminated");
		const json_t *wait = state_of(cs, "state", "waiting");
		t->restarts += printer_int(cs, "restartCount", 0);
		note_restart(cs, &t->last_restart);
		if (sidecar) {
			t->sidecar_restarts += printer_int(cs, "restartCount", 0);
			note_restart(cs, &t->sidecar_last_restart);
		}
		if (term && printer_int(term, "exitCode", 0) == 0)
			continue;
		if (sidecar && json_is_true(json_object_get(cs, "started"))) {
			if (json_is_true(json_object_get(cs, "ready")))
				t->ready++;
			continue;
		}
		if (term)
			terminated_reason(term, "Init:", t->reason, sizeof t->reason);
		else if (wait && *printer_str(wait, "reason") &&
			 strcmp(printer_str(wait, "reason"), "PodInitializing"))
			snprintf(t->reason, sizeof t->reason, "Init:%s", printer_str(wait, "reason"));
		else
			snprintf(t->reason, sizeof t->reason, "Init:%zu/%zu", i, n);
		return true;
	}
	return false;
}

static void tally_containers(const json_t *pod, struct pod_tally *t)
{
	const json_t *statuses = json_object_get(json_object_get(pod, "status"), "containerStatuses");
	bool running = false;
	t->restarts = t->sidecar_restarts;
	t->last_restart = t->sidecar_last_restart;
	/* Walked backwards so the first container's state wins, as printPod does. */
	for (size_t i = json_array_size(statuses); i-- > 0;) {
		const json_t *cs = json_array_get(statuses, i);
		const json_t *wait = state_of(cs, "state", "waiting");
		const json_t *term = state_of(cs, "state", "terminated");
		t->restarts += printer_int(cs, "restartCount", 0);
		note_restart(cs, &t->last_restart);
		if (wait && *printer_str(wait, "reason")) {
			snprintf(t->reason, sizeof t->reason, "%s", printer_str(wait, "reason"));
		} else if (term) {
			terminated_reason(term, "", t->reason, sizeof t->reason);
		} else if (json_is_true(json_object_get(cs, "ready")) &&
			   state_of(cs, "state", "running")) {
			running = true;
			t->ready++;
		}
	}
	if (!strcmp(t->reason, "Completed") && running)
		snprintf(t->reason, sizeof t->reason, "%s",
			 condition_true(pod, "Ready") ? "Running" : "NotReady");
}

static void tally_pod(const json_t *pod, struct pod_tally *t)
{
	const json_t *spec = json_object_get(pod, "spec"), *status = json_object_get(pod, "status");
	memset(t, 0, sizeof *t);
	t->total = (long)json_array_size(json_object_get(spec, "containers"));
	size_t i;
	const json_t *c;
	json_array_foreach(json_object_get(spec, "initContainers"), i, c)
		if (!strcmp(printer_str(c, "restartPolicy"), "Always"))
			t->total++;
	const char *reason = printer_str(status, "reason");
	snprintf(t->reason, sizeof t->reason, "%s", *reason ? reason : printer_str(status, "phase"));
	json_array_foreach(json_object_get(status, "conditions"), i, c)
		if (!strcmp(printer_str(c, "type"), "PodScheduled") &&
		    !strcmp(printer_str(c, "reason"), "SchedulingGated"))
			snprintf(t->reason, sizeof t->reason, "SchedulingGated");
	bool initializing = tally_init(pod, t);
	if (!initializing || condition_true(pod, "Initialized"))
		tally_containers(pod, t);
	const char *phase = printer_str(status, "phase");
	bool terminal = !strcmp(phase, "Succeeded") || !strcmp(phase, "Failed");
	if (json_object_get(json_object_get(pod, "metadata"), "deletionTimestamp")) {
		if (!strcmp(reason, "NodeLost"))
			snprintf(t->reason, sizeof t->reason, "Unknown");
		else if (!terminal)
			snprintf(t->reason, sizeof t->reason, "Terminating");
	}
}

static char *readiness_gates(const json_t *pod)
{
	const json_t *gates = json_object_get(json_object_get(pod, "spec"), "readinessGates");
	if (json_array_size(gates) == 0)
		return xstrdup("<none>");
	size_t i, j, ok = 0;
	const json_t *g, *c;
	const json_t *conds = json_object_get(json_object_get(pod, "status"), "conditions");
	json_array_foreach(gates, i, g) {
		json_array_foreach(conds, j, c) {
			if (!strcmp(printer_str(c, "type"), printer_str(g, "conditionType"))) {
				ok += !strcmp(printer_str(c, "status"), "True");
				break;
			}
		}
	}
	return xasprintf("%zu/%zu", ok, json_array_size(gates));
}

static json_t *row_conditions(const char *phase)
{
	bool ok = !strcmp(phase, "Succeeded");
	if (!ok && strcmp(phase, "Failed"))
		return NULL;
	return json_pack("[{s:s,s:s,s:s,s:s}]", "type", "Completed", "status", "True", "reason",
			 phase, "message", ok ? "The pod has completed successfully." : "The pod failed.");
}

static json_t *string_or_none(const char *s)
{
	return json_string(*s ? s : "<none>");
}

static void row_pod(const json_t *pod, json_t *cells, json_t **conditions, time_t now)
{
	const json_t *md = json_object_get(pod, "metadata"), *status = json_object_get(pod, "status");
	struct pod_tally t;
	tally_pod(pod, &t);
	*conditions = row_conditions(printer_str(status, "phase"));
	char ready[48], restarts[64], age[32];
	snprintf(ready, sizeof ready, "%ld/%ld", t.ready, t.total);
	snprintf(restarts, sizeof restarts, "%lld", t.restarts);
	if (t.restarts && t.last_restart) {
		printer_age((long)(now - t.last_restart), age, sizeof age);
		snprintf(restarts, sizeof restarts, "%lld (%s ago)", t.restarts, age);
	}
	json_array_append_new(cells, json_string(printer_str(md, "name")));
	json_array_append_new(cells, json_string(ready));
	json_array_append_new(cells, json_string(t.reason));
	json_array_append_new(cells, json_string(restarts));
	json_array_append_new(cells, printer_since(json_object_get(md, "creationTimestamp"), now));
	/* Objects written as v1 before podIPs existed carry only podIP; the server's
	 * conversion fills podIPs from it. */
	const char *ip = printer_str(json_array_get(json_object_get(status, "podIPs"), 0), "ip");
	json_array_append_new(cells, string_or_none(*ip ? ip : printer_str(status, "podIP")));
	json_array_append_new(cells, string_or_none(printer_str(json_object_get(pod, "spec"),
							       "nodeName")));
	json_array_append_new(cells, string_or_none(printer_str(status, "nominatedNodeName")));
	char *gates = readiness_gates(pod);
	json_array_append_new(cells, json_string(gates));
	free(gates);
}

static const struct printer_kind pods_kind = {
	"", "pods", pod_cols, sizeof pod_cols / sizeof *pod_cols, row_pod,
};

const struct printer_kind *printer_pods_kind(void)
{
	return &pods_kind;
}
