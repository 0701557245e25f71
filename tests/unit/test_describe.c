/* Unit tests for core/describe over real pods (k9s, pulumi recordings) and objects dumped
 * from opsdeck-sandbox, plus hand-made cases for events, ages and hostile strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <jansson.h>

#include "core/describe.h"

#define FIX "tests/fixtures/kubernetes/"

static json_t *load(const char *path)
{
	json_error_t err;
	json_t *v = json_load_file(path, 0, &err);
	if (!v)
		fail_msg("%s: %s", path, err.text);
	return v;
}

/* The last object of a recorded watch sequence (a JSON array of successive pods). */
static json_t *load_last(const char *path)
{
	json_t *arr = load(path);
	json_t *last = json_incref(json_array_get(arr, json_array_size(arr) - 1));
	json_decref(arr);
	return last;
}

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, 0, &err);
	if (!v)
		fail_msg("bad test JSON: %s", err.text);
	return v;
}

static long long at_utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			.tm_min = mi, .tm_sec = s};
	return (long long)timegm(&tm);
}

static void assert_has(const char *text, const char *want)
{
	assert_non_null(text);
	if (!strstr(text, want))
		fail_msg("missing:\n%s\n--- in:\n%s", want, text ? text : "");
}

static void assert_lacks(const char *text, const char *bad)
{
	assert_non_null(text);
	if (strstr(text, bad))
		fail_msg("unexpected:\n%s\n--- in:\n%s", bad, text ? text : "");
}

static void test_pod_sandbox_header(void **state)
{
	(void)state;
	json_t *pod = load(FIX "sandbox-pod.json");
	char *s = describe_object(pod, NULL, at_utc(2026, 11, 17, 9, 33, 20));
	assert_has(s, "Name:             audit-trail-c5gmnc25gl-ccqjt\n"
		      "Namespace:        payments-dev\n"
		      "Priority:         0\n"
		      "Service Account:  default\n"
		      "Node:             nonprod-node-1/10.11.0.10\n"
		      "Start Time:       Tue, 17 Nov 2026 08:33:17 +0000\n"
		      "Labels:           app.kubernetes.io/name=audit-trail\n"
		      "                  app.kubernetes.io/part-of=payments\n");
	assert_has(s, "Annotations:      sandbox.opsdeck.dev/log-interval-ms: 3000\n"
		      "                  sandbox.opsdeck.dev/log-style: text\n"
		      "Status:           Running\n"
		      "IP:               10.101.1.79\n"
		      "Controlled By:    ReplicaSet/audit-trail-c5gmnc25gl\n");
	assert_int_equal(strncmp(s, "Name:", 5), 0);
	free(s);
	json_decref(pod);
}

static void test_pod_sandbox_containers(void **state)
{
	(void)state;
	json_t *pod = load(FIX "sandbox-pod.json");
	char *s = describe_object(pod, NULL, 0);
	assert_has(s, "Containers:\n  audit-trail:\n"
		      "    Container ID:   containerd://4670faf0");
	assert_has(s, "    Image:          registry.example.com/payments/audit-trail:3.2.1\n");
	assert_has(s, "    Port:           8080/TCP\n    Host Port:      0/TCP\n");
	assert_has(s, "    State:          Running\n"
		      "      Started:      Tue, 17 Nov 2026 08:33:21 +0000\n"
		      "    Ready:          True\n"
		      "    Restart Count:  0\n");
	assert_has(s, "    Limits:\n      memory:  512Mi\n"
		      "    Requests:\n      cpu:     100m\n      memory:  256Mi\n");
	assert_has(s, "Conditions:\n  Type                       Status\n"
		      "  PodReadyToStartContainers  True\n");
	assert_has(s, "QoS Class:        Burstable\n");
	assert_has(s, "Tolerations:      node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n"
		      "                  node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n");
	assert_has(s, "Volumes:          <none>\n");
	free(s);
	json_decref(pod);
}

static void test_pod_events_table(void **state)
{
	(void)state;
	json_t *pod = load(FIX "sandbox-pod.json");
	json_t *ev = load(FIX "sandbox-events.json");
	char *s = describe_object(pod, ev, at_utc(2026, 11, 17, 9, 33, 20));
	/* sorted by time: Scheduled (08:33:17) first */
	assert_has(s, "Events:\n"
		      "  Type    Reason     Age   From               Message\n"
		      "  ----    ------     ----  ----               -------\n"
		      "  Normal  Scheduled  60m   default-scheduler  Successfully assigned "
		      "payments-dev/audit-trail-c5gmnc25gl-ccqjt to nonprod-node-1\n"
		      "  Normal  Pulled     60m   kubelet            Container image "
		      "\"registry.example.com/payments/audit-trail:3.2.1\" already present on machine\n");
	assert_int_equal(s[strlen(s) - 1], '\n');
	free(s);
	json_decref(ev);
	json_decref(pod);
}

static void test_pod_crashloop_last_state(void **state)
{
	(void)state;
	json_t *pod = load_last(FIX "containerTerminatedSuccess.json");
	char *s = describe_object(pod, NULL, 0);
	assert_has(s, "    State:          Waiting\n"
		      "      Reason:       CrashLoopBackOff\n"
		      "      Message:      Back-off 10s restarting failed container=nginx");
	assert_has(s, "    Last State:     Terminated\n"
		      "      Reason:       Completed\n"
		      "      Exit Code:    0\n"
		      "      Started:      Tue, 25 Jun 2019 20:55:54 +0000\n"
		      "      Finished:     Tue, 25 Jun 2019 20:55:54 +0000\n"
		      "    Ready:          False\n"
		      "    Restart Count:  1\n");
	assert_has(s, "    Mounts:\n      /var/run/secrets/kubernetes.io/serviceaccount from "
		      "default-token-544qd (ro)\n");
	assert_has(s, "Volumes:\n  default-token-544qd:\n    Type:           Secret\n");
	assert_has(s, "  Ready            False\n");
	assert_has(s, "Events:  <unknown>\n");
	free(s);
	json_decref(pod);
}

static void test_pod_image_pull(void **state)
{
	(void)state;
	json_t *pod = load_last(FIX "imagePullError.json");
	json_t *none = parse("{\"kind\":\"EventList\",\"items\":[]}");
	char *s = describe_object(pod, none, 0);
	assert_has(s, "    Image:          nginx:1.13-invalid\n");
	assert_has(s, "    State:          Waiting\n      Reason:       ImagePullBackOff\n");
	assert_has(s, "Events:  <none>\n");
	assert_lacks(s, "Last State");
	free(s);
	json_decref(none);
	json_decref(pod);
}

static void test_pod_k9s_fixture(void **state)
{
	(void)state;
	json_t *pod = load(FIX "po.json");
	char *s = describe_object(pod, NULL, 0);
	assert_has(s, "Node:             minikube/");
	/* a one-line annotation value stays on one line */
	assert_has(s, "Annotations:      kubectl.kubernetes.io/last-applied-configuration: "
		      "{\"apiVersion\":\"v1\"");
	assert_has(s, "Volumes:\n  index:\n    Type:           PersistentVolumeClaim\n"
		      "    claimName:      web\n");
	free(s);
	json_decref(pod);
}

static void test_pod_terminating(void **state)
{
	(void)state;
	json_t *pod = load(FIX "sandbox-pod.json");
	json_t *meta = json_object_get(pod, "metadata");
	json_object_set_new(meta, "deletionTimestamp", json_string("2026-11-17T09:28:20Z"));
	json_object_set_new(meta, "deletionGracePeriodSeconds", json_integer(30));
	char *s = describe_object(pod, NULL, at_utc(2026, 11, 17, 9, 33, 20));
	assert_has(s, "Status:           Terminating (lasts 5m)\n"
		      "Termination Grace Period:  30\n");
	free(s);
	json_decref(pod);
}

static void test_event_ages_and_repeats(void **state)
{
	(void)state;
	json_t *o = parse("{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"c\"}}");
	json_t *ev = parse("{\"items\":["
			   "{\"type\":\"Warning\",\"reason\":\"BackOff\",\"count\":3,"
			   "\"firstTimestamp\":\"2026-01-01T10:00:00Z\",\"lastTimestamp\":\"2026-01-01T10:55:00Z\","
			   "\"source\":{\"component\":\"kubelet\",\"host\":\"n1\"},\"message\":\"  back off \\n\"},"
			   "{\"type\":\"Normal\",\"reason\":\"New\",\"eventTime\":\"2026-01-01T10:59:30.123456Z\","
			   "\"reportingController\":\"ctrl\",\"message\":\"hi\"},"
			   "{\"type\":\"Normal\",\"reason\":\"Old\",\"count\":1,"
			   "\"lastTimestamp\":\"2025-12-30T10:00:00Z\",\"message\":\"long ago\"}]}");
	char *s = describe_object(o, ev, at_utc(2026, 1, 1, 11, 0, 0));
	assert_has(s, "  Type     Reason   Age               From     Message\n"
		      "  ----     ------   ----              ----     -------\n"
		      "  Normal   Old      2d1h                       long ago\n"
		      "  Warning  BackOff  5m (x3 over 60m)  kubelet  back off\n"
		      "  Normal   New      30s               ctrl     hi\n");
	free(s);
	json_decref(ev);
	json_decref(o);
}

static void test_events_null_and_empty(void **state)
{
	(void)state;
	json_t *o = parse("{\"kind\":\"Namespace\",\"metadata\":{\"name\":\"shop\"},"
			  "\"status\":{\"phase\":\"Terminating\"}}");
	char *s = describe_object(o, NULL, 0);
	assert_string_equal(s, "Name:             shop\n"
			       "Labels:           <none>\n"
			       "Annotations:      <none>\n"
			       "Status:           Terminating\n"
			       "Events:  <unknown>\n");
	free(s);
	json_t *empty = parse("{\"items\":[]}");
	s = describe_object(o, empty, 0);
	assert_has(s, "Events:  <none>\n");
	free(s);
	json_decref(empty);
	json_decref(o);
}

static void test_deployment(void **state)
{
	(void)state;
	json_t *d = load(FIX "sandbox-deploy.json");
	char *s = describe_object(d, NULL, 0);
	assert_has(s, "Name:             fraud-check\nNamespace:        payments-dev\n"
		      "CreationTimestamp:  Fri, 30 Oct 2026 07:35:13 +0000\n");
	assert_has(s, "Selector:         app.kubernetes.io/name=fraud-check\n"
		      "Replicas:         1 desired | 1 updated | 1 total | 0 available | "
		      "1 unavailable\n"
		      "StrategyType:     RollingUpdate\n"
		      "MinReadySeconds:  0\n"
		      "RollingUpdateStrategy:  25% max unavailable, 25% max surge\n"
		      "Pod Template:\n");
	assert_has(s, "  Containers:\n  fraud-check:\n"
		      "    Image:          registry.example.com/payments/fraud-check:0.21.0\n");
	assert_has(s, "Conditions:\n  Type         Status  Reason\n  ----         ------  ------\n"
		      "  Available    False   MinimumReplicasUnavailable\n");
	assert_lacks(s, "Container ID"); /* a template has no statuses */
	free(s);
	json_decref(d);
}

static void test_replicaset_statefulset_daemonset(void **state)
{
	(void)state;
	json_t *rs = parse("{\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"web-7d\",\"namespace\":\"n\"},"
			   "\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
			   "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":"
			   "[{\"name\":\"c\",\"image\":\"i\"}]}}},\"status\":{\"replicas\":2,"
			   "\"readyReplicas\":1,\"availableReplicas\":1}}");
	char *s = describe_object(rs, NULL, 0);
	assert_has(s, "Selector:         app=web\n"
		      "Replicas:         2 current / 3 desired\n"
		      "Pods Status:      1 Ready / 1 Available\n");
	free(s);
	json_object_set_new(rs, "kind", json_string("StatefulSet"));
	s = describe_object(rs, NULL, 0);
	assert_has(s, "Replicas:         2 current / 3 desired\n");
	free(s);
	json_object_set_new(rs, "kind", json_string("DaemonSet"));
	json_object_set_new(rs, "status", json_pack("{s:i,s:i,s:i,s:i}", "desiredNumberScheduled", 4,
						    "currentNumberScheduled", 4, "numberReady", 3,
						    "numberAvailable", 3));
	s = describe_object(rs, NULL, 0);
	assert_has(s, "Desired Number of Nodes Scheduled:  4\n"
		      "Number of Nodes:  4 desired | 4 current | 3 ready | 3 available\n");
	free(s);
	json_decref(rs);
}

static void test_service(void **state)
{
	(void)state;
	json_t *svc = load(FIX "sandbox-svc.json");
	char *s = describe_object(svc, NULL, 0);
	assert_has(s, "Selector:         app.kubernetes.io/name=auth\n"
		      "Type:             ClusterIP\n"
		      "IP:               10.96.100.233\n"
		      "Port:             http  80/TCP\n"
		      "TargetPort:       8080/TCP\n"
		      "Session Affinity:  None\n");
	free(s);
	json_decref(svc);
}

static void test_node(void **state)
{
	(void)state;
	json_t *node = load(FIX "sandbox-node.json");
	char *s = describe_object(node, NULL, 0);
	assert_has(s, "Name:             nonprod-node-2\nRoles:            worker\n");
	assert_lacks(s, "Namespace:");
	assert_has(s, "Taints:           <none>\nUnschedulable:    false\n");
	assert_has(s, "  Ready           True    KubeletReady\n");
	assert_has(s, "Addresses:\n  InternalIP:   10.11.0.11\n  Hostname:     nonprod-node-2\n");
	assert_has(s, "Capacity:\n  cpu:                8\n  ephemeral-storage:  203056560Ki\n");
	assert_has(s, "System Info:\n  Machine ID:                 947b1e44");
	assert_has(s, "  Kubelet Version:            v1.30.6\n");
	free(s);
	json_decref(node);
}

static void test_secret_values_hidden(void **state)
{
	(void)state;
	json_t *sec = parse("{\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\",\"namespace\":\"n\"},"
			    "\"type\":\"Opaque\",\"data\":{\"password\":\"aHVudGVyMg==\",\"user\":\"YWRtaW4=\"}}");
	char *s = describe_object(sec, NULL, 0);
	assert_has(s, "Type:             Opaque\n\nData\n====\npassword:  7 bytes\nuser:  5 bytes\n");
	assert_lacks(s, "aHVudGVyMg");
	free(s);
	json_decref(sec);
}

static void test_generic_custom_resource(void **state)
{
	(void)state;
	json_t *app = parse("{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Application\","
			    "\"metadata\":{\"name\":\"guestbook\",\"namespace\":\"argocd\",\"generation\":4,\"uid\":\"u-1\","
			    "\"managedFields\":[{}]},"
			    "\"spec\":{\"project\":\"default\",\"source\":{\"repoURL\":\"https://x\","
			    "\"targetRevision\":\"HEAD\"},\"syncPolicy\":{\"automated\":{\"prune\":true}}},"
			    "\"status\":{\"sync\":{\"status\":\"OutOfSync\"},\"resources\":["
			    "{\"kind\":\"Deployment\",\"name\":\"ui\"},{\"kind\":\"Service\",\"name\":\"ui\"}],"
			    "\"summary\":{\"images\":[\"a:1\",\"b:2\"]},\"podIP\":\"1.2.3.4\"}}");
	char *s = describe_object(app, NULL, 0);
	assert_has(s, "API Version:      argoproj.io/v1alpha1\nKind:             Application\n"
		      "Metadata:\n  Generation:  4\n  UID:         u-1\n");
	assert_lacks(s, "Managed Fields");
	assert_has(s, "Spec:\n  Project:  default\n  Source:\n    Repo URL:         https://x\n"
		      "    Target Revision:  HEAD\n  Sync Policy:\n    Automated:\n"
		      "      Prune:  true\n");
	assert_has(s, "Status:\n  Pod IP:  1.2.3.4\n  Resources:\n"
		      "    Kind:  Deployment\n    Name:  ui\n"
		      "    Kind:  Service\n");
	assert_has(s, "  Summary:\n    Images:\n      a:1\n      b:2\n");
	assert_has(s, "  Sync:\n    Status:  OutOfSync\n");
	free(s);
	json_decref(app);
}

static void test_generic_multiline_and_configmap(void **state)
{
	(void)state;
	json_t *cm = parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\","
			   "\"namespace\":\"n\"},\"data\":{\"script.sh\":\"echo a\\necho b\\n\",\"k\":\"v\"}}");
	char *s = describe_object(cm, NULL, 0);
	assert_has(s, "Data:\n  K:  v\n  Script.sh:\n    echo a\n    echo b\n");
	free(s);
	json_decref(cm);
}

static void test_hostile_strings_sanitised(void **state)
{
	(void)state;
	json_t *o = parse("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"evil\\u001b[2J\","
			  "\"labels\":{\"a\\u001b]52;c;x\\u0007\":\"v\\r\"},"
			  "\"annotations\":{\"note\":\"line1\\nline2\\u202e\"}},"
			  "\"spec\":{\"containers\":[{\"name\":\"c\\u009b\",\"image\":\"i\"}]}}");
	json_t *ev = parse("{\"items\":[{\"type\":\"Warning\",\"reason\":\"X\\u001b[31m\","
			   "\"message\":\"m\\u0007\\nnext\",\"lastTimestamp\":\"2026-01-01T00:00:00Z\"}]}");
	char *s = describe_object(o, ev, at_utc(2026, 1, 1, 0, 0, 1));
	assert_has(s, "Name:             evil^[[2J\n");
	assert_has(s, "a^[]52;c;x^G=v^M\n");
	assert_has(s, "note: line1^Jline2\xef\xbf\xbd\n");
	assert_has(s, "  c^[[:\n");
	assert_has(s, "X^[[31m");
	assert_has(s, "m^G^Jnext\n");
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n')
			fail_msg("control byte 0x%02x in output", (unsigned char)*p);
	free(s);
	json_decref(ev);
	json_decref(o);
}

static void test_minimal_objects(void **state)
{
	(void)state;
	json_t *o = parse("{}");
	char *s = describe_object(o, NULL, 0);
	assert_has(s, "Name:             <none>\n");
	free(s);
	json_decref(o);
	o = parse("{\"kind\":\"Pod\"}");
	s = describe_object(o, NULL, 0);
	assert_has(s, "Status:           <none>\n");
	free(s);
	json_decref(o);
	o = parse("{\"kind\":\"Node\",\"metadata\":{\"name\":\"n\"}}");
	s = describe_object(o, NULL, 0);
	assert_has(s, "Roles:            <none>\n");
	free(s);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pod_sandbox_header),
		cmocka_unit_test(test_pod_sandbox_containers),
		cmocka_unit_test(test_pod_events_table),
		cmocka_unit_test(test_pod_crashloop_last_state),
		cmocka_unit_test(test_pod_image_pull),
		cmocka_unit_test(test_pod_k9s_fixture),
		cmocka_unit_test(test_pod_terminating),
		cmocka_unit_test(test_event_ages_and_repeats),
		cmocka_unit_test(test_events_null_and_empty),
		cmocka_unit_test(test_deployment),
		cmocka_unit_test(test_replicaset_statefulset_daemonset),
		cmocka_unit_test(test_service),
		cmocka_unit_test(test_node),
		cmocka_unit_test(test_secret_values_hidden),
		cmocka_unit_test(test_generic_custom_resource),
		cmocka_unit_test(test_generic_multiline_and_configmap),
		cmocka_unit_test(test_hostile_strings_sanitised),
		cmocka_unit_test(test_minimal_objects),
	};
	return cmocka_run_group_tests_name("describe", tests, NULL, NULL);
}
