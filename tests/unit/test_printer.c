/* Unit tests for sandbox/printer: Table shape, every built-in printer's columns and cells,
 * CRD printer columns, HumanDuration ages and the JSONPath subset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/yaml.h"
#include "sandbox/printer.h"

#define FIX "tests/fixtures/printer/"
/* 2026-11-23T09:00:00Z */
#define NOW ((time_t)1795424400)

static json_t *obj_parse(const char *text)
{
	json_error_t e;
	json_t *o = json_loads(text, 0, &e);
	if (!o)
		fail_msg("bad test JSON: %s at %d: %s", e.text, e.column, text);
	return o;
}

/* Table for one object; returns the table, *cells its first row's cells. */
static json_t *table_one(const char *group, const char *resource, const json_t *cols,
			 json_t *obj, const json_t **cells)
{
	json_t *items = json_array();
	json_array_append_new(items, obj);
	json_t *t = printer_table(group, resource, cols, items, "None", "1", NULL, NOW);
	json_decref(items);
	assert_non_null(t);
	*cells = json_object_get(json_array_get(json_object_get(t, "rows"), 0), "cells");
	assert_non_null(*cells);
	return t;
}

static const char *cell_str(const json_t *cells, size_t i)
{
	const char *s = json_string_value(json_array_get(cells, i));
	if (!s)
		fail_msg("cell %zu is not a string", i);
	return s;
}

static long long cell_int(const json_t *cells, size_t i)
{
	const json_t *v = json_array_get(cells, i);
	if (!json_is_integer(v))
		fail_msg("cell %zu is not an integer", i);
	return json_integer_value(v);
}

/* Asserts the column names (a "|"-separated list) and returns nothing. */
static void assert_columns(const json_t *table, const char *names)
{
	const json_t *cols = json_object_get(table, "columnDefinitions");
	char buf[512] = "";
	size_t i;
	const json_t *c;
	json_array_foreach(cols, i, c) {
		if (i)
			strcat(buf, "|");
		strcat(buf, json_string_value(json_object_get(c, "name")));
		assert_non_null(json_object_get(c, "type"));
		assert_non_null(json_object_get(c, "format"));
		assert_true(json_is_string(json_object_get(c, "description")));
		assert_true(json_is_integer(json_object_get(c, "priority")));
	}
	assert_string_equal(buf, names);
}

static long long col_priority(const json_t *table, size_t i)
{
	return json_integer_value(json_object_get(
		json_array_get(json_object_get(table, "columnDefinitions"), i), "priority"));
}

static const char *col_type(const json_t *table, size_t i)
{
	return json_string_value(json_object_get(
		json_array_get(json_object_get(table, "columnDefinitions"), i), "type"));
}

/* --- age and jsonpath --- */

static void age_is(long secs, const char *want)
{
	char buf[32];
	printer_age(secs, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void test_age_matches_human_duration(void **state)
{
	(void)state;
	age_is(-5, "<invalid>");
	age_is(-2, "<invalid>");
	age_is(-1, "0s");
	age_is(0, "0s");
	age_is(59, "59s");
	age_is(119, "119s");
	age_is(120, "2m");
	age_is(125, "2m5s");
	age_is(599, "9m59s");
	age_is(600, "10m");
	age_is(3 * 3600 - 1, "179m");
	age_is(3 * 3600, "3h");
	age_is(3 * 3600 + 30 * 60 + 59, "3h30m");
	age_is(8 * 3600 - 1, "7h59m");
	age_is(8 * 3600, "8h");
	age_is(48 * 3600 - 1, "47h");
	age_is(48 * 3600, "2d");
	age_is(53 * 3600, "2d5h");
	age_is(8 * 86400 - 1, "7d23h");
	age_is(8 * 86400, "8d");
	age_is(729L * 86400, "729d");
	age_is(730L * 86400, "2y");
	age_is(740L * 86400, "2y10d");
	age_is(8L * 365 * 86400 - 1, "7y364d");
	age_is(8L * 365 * 86400, "8y");
	age_is(20L * 365 * 86400, "20y");
}

static void test_jsonpath_subset(void **state)
{
	(void)state;
	json_t *o = obj_parse("{\"a\":{\"b\":\"x\",\"list\":[{\"c\":1},{\"c\":2}],"
			      "\"x.y\":\"dotted\"},\"labels\":{\"app.kubernetes.io/name\":\"web\"}}");
	assert_string_equal(json_string_value(printer_jsonpath(o, ".a.b")), "x");
	assert_int_equal(json_integer_value(printer_jsonpath(o, ".a.list[1].c")), 2);
	assert_int_equal(json_integer_value(printer_jsonpath(o, "{.a.list[0].c}")), 1);
	assert_string_equal(json_string_value(printer_jsonpath(o, ".a['x.y']")), "dotted");
	assert_string_equal(json_string_value(printer_jsonpath(o, ".a[\"x.y\"]")), "dotted");
	assert_string_equal(json_string_value(printer_jsonpath(o, ".a.x\\.y")), "dotted");
	assert_string_equal(json_string_value(printer_jsonpath(o, ".labels.app\\.kubernetes\\.io/name")),
			    "web");
	assert_ptr_equal(printer_jsonpath(o, ".a"), json_object_get(o, "a"));
	assert_null(printer_jsonpath(o, ".a.list[5].c"));
	assert_null(printer_jsonpath(o, ".a.missing.deeper"));
	assert_null(printer_jsonpath(o, ".a.b.c"));
	assert_null(printer_jsonpath(o, ".a[0]"));
	assert_null(printer_jsonpath(o, ".a.list[x]"));
	json_decref(o);
}

/* --- table shape --- */

static void test_table_shape_and_include_object(void **state)
{
	(void)state;
	json_t *items = obj_parse("[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":"
				  "{\"name\":\"a\",\"namespace\":\"ns\",\"uid\":\"u1\",\"labels\":{\"k\":\"v\"},"
				  "\"creationTimestamp\":\"2026-11-23T08:00:00Z\"},\"data\":{\"x\":\"1\"}}]");
	json_t *t = printer_table("", "configmaps", NULL, items, NULL, "42", "tok", NOW);
	assert_string_equal(json_string_value(json_object_get(t, "kind")), "Table");
	assert_string_equal(json_string_value(json_object_get(t, "apiVersion")), "meta.k8s.io/v1");
	const json_t *md = json_object_get(t, "metadata");
	assert_string_equal(json_string_value(json_object_get(md, "resourceVersion")), "42");
	assert_string_equal(json_string_value(json_object_get(md, "continue")), "tok");
	const json_t *obj = json_object_get(json_array_get(json_object_get(t, "rows"), 0), "object");
	assert_string_equal(json_string_value(json_object_get(obj, "kind")), "PartialObjectMetadata");
	assert_string_equal(json_string_value(json_object_get(obj, "apiVersion")), "meta.k8s.io/v1");
	assert_true(json_equal(json_object_get(obj, "metadata"),
			       json_object_get(json_array_get(items, 0), "metadata")));
	assert_null(json_object_get(obj, "data"));
	json_decref(t);

	t = printer_table("", "configmaps", NULL, items, "Object", "", NULL, NOW);
	assert_null(json_object_get(json_object_get(t, "metadata"), "continue"));
	assert_null(json_object_get(json_object_get(t, "metadata"), "resourceVersion"));
	obj = json_object_get(json_array_get(json_object_get(t, "rows"), 0), "object");
	assert_true(json_equal(obj, json_array_get(items, 0)));
	json_decref(t);

	t = printer_table("", "configmaps", NULL, items, "None", "1", NULL, NOW);
	obj = json_object_get(json_array_get(json_object_get(t, "rows"), 0), "object");
	assert_true(json_is_null(obj));
	json_decref(t);

	json_t *empty = json_array();
	t = printer_table("", "configmaps", NULL, empty, "None", "1", NULL, NOW);
	assert_true(json_is_array(json_object_get(t, "rows")));
	assert_int_equal(json_array_size(json_object_get(t, "rows")), 0);
	assert_int_equal(json_array_size(json_object_get(t, "columnDefinitions")), 3);
	json_decref(t);
	json_decref(empty);
	json_decref(items);
}

/* --- pods --- */

/* A pod created an hour before NOW with the given spec and status JSON fragments. */
static json_t *pod(const char *extra_meta, const char *spec, const char *status)
{
	char buf[4096];
	snprintf(buf, sizeof buf,
		 "{\"metadata\":{\"name\":\"p\",\"namespace\":\"d\",\"creationTimestamp\":"
		 "\"2026-11-23T08:00:00Z\"%s},\"spec\":%s,\"status\":%s}",
		 extra_meta, spec, status);
	return obj_parse(buf);
}

static const char two_containers[] = "{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}";

/* Runs the pod printer; fills reason, ready and restarts with the cells. */
static void pod_cells(json_t *p, char *ready, char *reason, char *restarts)
{
	const json_t *cells;
	json_t *t = table_one("", "pods", NULL, p, &cells);
	assert_int_equal(json_array_size(cells), 9);
	strcpy(ready, cell_str(cells, 1));
	strcpy(reason, cell_str(cells, 2));
	strcpy(restarts, cell_str(cells, 3));
	assert_string_equal(cell_str(cells, 4), "60m");
	json_decref(t);
}

static void test_pod_columns(void **state)
{
	(void)state;
	const json_t *cells;
	json_t *t = table_one("", "pods", NULL, pod("", two_containers, "{\"phase\":\"Pending\"}"),
			      &cells);
	assert_columns(t, "Name|Ready|Status|Restarts|Age|IP|Node|Nominated Node|Readiness Gates");
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(col_priority(t, i), 0);
	for (size_t i = 5; i < 9; i++)
		assert_int_equal(col_priority(t, i), 1);
	assert_string_equal(col_type(t, 3), "string");
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json_object_get(t, "columnDefinitions"), 0), "format")), "name");
	assert_string_equal(cell_str(cells, 0), "p");
	assert_string_equal(cell_str(cells, 1), "0/2");
	assert_string_equal(cell_str(cells, 2), "Pending");
	assert_string_equal(cell_str(cells, 3), "0");
	assert_string_equal(cell_str(cells, 5), "<none>");
	assert_string_equal(cell_str(cells, 6), "<none>");
	assert_string_equal(cell_str(cells, 7), "<none>");
	assert_string_equal(cell_str(cells, 8), "<none>");
	json_decref(t);
}

static void test_pod_running_with_restarts_and_wide(void **state)
{
	(void)state;
	/* Container b restarted 3 times, the last one ended 5 minutes before NOW. */
	json_t *p = pod("", "{\"nodeName\":\"node-1\",\"readinessGates\":[{\"conditionType\":\"g1\"},"
			"{\"conditionType\":\"g2\"}],\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}",
			"{\"phase\":\"Running\",\"podIPs\":[{\"ip\":\"10.0.0.7\"},{\"ip\":\"fd00::7\"}],"
			"\"nominatedNodeName\":\"node-2\",\"conditions\":[{\"type\":\"g1\",\"status\":\"True\"},"
			"{\"type\":\"g2\",\"status\":\"False\"}],\"containerStatuses\":["
			"{\"name\":\"a\",\"ready\":true,\"restartCount\":0,\"state\":{\"running\":{}}},"
			"{\"name\":\"b\",\"ready\":true,\"restartCount\":3,\"state\":{\"running\":{}},"
			"\"lastState\":{\"terminated\":{\"exitCode\":1,\"finishedAt\":\"2026-11-23T08:55:00Z\"}}}]}");
	const json_t *cells;
	json_t *t = table_one("", "pods", NULL, p, &cells);
	assert_string_equal(cell_str(cells, 1), "2/2");
	assert_string_equal(cell_str(cells, 2), "Running");
	assert_string_equal(cell_str(cells, 3), "3 (5m ago)");
	assert_string_equal(cell_str(cells, 5), "10.0.0.7");
	assert_string_equal(cell_str(cells, 6), "node-1");
	assert_string_equal(cell_str(cells, 7), "node-2");
	assert_string_equal(cell_str(cells, 8), "1/2");
	assert_null(json_object_get(json_array_get(json_object_get(t, "rows"), 0), "conditions"));
	json_decref(t);
}

static void test_pod_reasons(void **state)
{
	(void)state;
	char ready[32], reason[64], restarts[64];
	const char *init2 = "{\"initContainers\":[{\"name\":\"i1\"},{\"name\":\"i2\"}],"
			    "\"containers\":[{\"name\":\"a\"}]}";

	pod_cells(pod("", init2, "{\"phase\":\"Pending\",\"initContainerStatuses\":["
		      "{\"name\":\"i1\",\"state\":{\"running\":{}}},{\"name\":\"i2\",\"state\":{\"waiting\":{\"reason\":\"PodInitializing\"}}}]}"),
		  ready, reason, restarts);
	assert_string_equal(reason, "Init:0/2");

	pod_cells(pod("", init2, "{\"phase\":\"Pending\",\"initContainerStatuses\":["
		      "{\"name\":\"i1\",\"state\":{\"terminated\":{\"exitCode\":0}}},"
		      "{\"name\":\"i2\",\"state\":{\"waiting\":{\"reason\":\"PodInitializing\"}}}]}"),
		  ready, reason, restarts);
	assert_string_equal(reason, "Init:1/2");

	pod_cells(pod("", init2, "{\"phase\":\"Pending\",\"initContainerStatuses\":["
		      "{\"name\":\"i1\",\"restartCount\":4,\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}}]}"),
		  ready, reason, restarts);
	assert_string_equal(reason, "Init:CrashLoopBackOff");
	assert_string_equal(restarts, "4");

	pod_cells(pod("", init2, "{\"phase\":\"Pending\",\"initContainerStatuses\":["
		      "{\"name\":\"i1\",\"state\":{\"terminated\":{\"exitCode\":3}}}]}"),
		  ready, reason, restarts);
	assert_string_equal(reason, "Init:ExitCode:3");

	pod_cells(pod("", init2, "{\"phase\":\"Pending\",\"initContainerStatuses\":["
		      "{\"name\":\"i1\",\"state\":{\"terminated\":{\"exitCode\":137,\"signal\":9}}}]}"),
		  ready, reason, restarts);
	assert_string_equal(reason, "Init:Signal:9");

	pod_cells(pod("", two_containers, "{\"phase\":\"Running\",\"containerStatuses\":["
		      "{\"name\":\"a\",\"ready\":true,\"state\":{\"running\":{}}},"
		      "{\"name\":\"b\",\"restartCount\":7,\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}},"
		      "\"lastState\":{\"terminated\":{\"exitCode\":1,\"finishedAt\":\"2026-11-23T06:00:00Z\"}}}]}"),
		  ready, reason, restarts);
	assert_string_equal(reason, "CrashLoopBackOff");
	assert_string_equal(ready, "1/2");
	assert_string_equal(restarts, "7 (3h ago)");

	pod_cells(pod("", two_containers, "{\"phase\":\"Running\",\"containerStatuses\":["
		      "{\"name\":\"a\",\"state\":{\"terminated\":{\"exitCode\":137}}},"
		      "{\"name\":\"b\",\"state\":{\"terminated\":{\"exitCode\":0,\"signal\":15}}}]}"),
		  ready, reason, restarts);
	assert_string_equal(reason, "ExitCode:137"); /* the first container's state wins */

	pod_cells(pod("", two_containers, "{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}],"
		      "\"containerStatuses\":[{\"name\":\"a\",\"state\":{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}},"
		      "{\"name\":\"b\",\"ready\":true,\"state\":{\"running\":{}}}]}"),
		  ready, reason, restarts);
	assert_string_equal(reason, "NotReady");

	pod_cells(pod("", two_containers, "{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
		      "\"containerStatuses\":[{\"name\":\"a\",\"state\":{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}},"
		      "{\"name\":\"b\",\"ready\":true,\"state\":{\"running\":{}}}]}"),
		  ready, reason, restarts);
	assert_string_equal(reason, "Running");

	pod_cells(pod(",\"deletionTimestamp\":\"2026-11-23T08:59:00Z\"", two_containers,
		      "{\"phase\":\"Running\"}"), ready, reason, restarts);
	assert_string_equal(reason, "Terminating");

	pod_cells(pod(",\"deletionTimestamp\":\"2026-11-23T08:59:00Z\"", two_containers,
		      "{\"phase\":\"Running\",\"reason\":\"NodeLost\"}"), ready, reason, restarts);
	assert_string_equal(reason, "Unknown");

	pod_cells(pod(",\"deletionTimestamp\":\"2026-11-23T08:59:00Z\"", two_containers,
		      "{\"phase\":\"Succeeded\"}"), ready, reason, restarts);
	assert_string_equal(reason, "Succeeded"); /* terminal pods are not "Terminating" */

	pod_cells(pod("", two_containers, "{\"phase\":\"Failed\",\"reason\":\"Evicted\"}"),
		  ready, reason, restarts);
	assert_string_equal(reason, "Evicted");

	pod_cells(pod("", two_containers, "{\"phase\":\"Pending\",\"conditions\":[{\"type\":\"PodScheduled\","
		      "\"status\":\"False\",\"reason\":\"SchedulingGated\"}]}"), ready, reason, restarts);
	assert_string_equal(reason, "SchedulingGated");
}

static void test_pod_sidecar_and_completed_row_condition(void **state)
{
	(void)state;
	char ready[32], reason[64], restarts[64];
	/* A restartable init container (sidecar) counts towards Ready and Restarts. */
	pod_cells(pod("", "{\"initContainers\":[{\"name\":\"proxy\",\"restartPolicy\":\"Always\"}],"
		      "\"containers\":[{\"name\":\"a\"}]}",
		      "{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Initialized\",\"status\":\"True\"}],"
		      "\"initContainerStatuses\":[{\"name\":\"proxy\",\"started\":true,\"ready\":true,\"restartCount\":2,"
		      "\"state\":{\"running\":{}}}],\"containerStatuses\":[{\"name\":\"a\",\"ready\":true,"
		      "\"state\":{\"running\":{}}}]}"),
		  ready, reason, restarts);
	assert_string_equal(ready, "2/2");
	assert_string_equal(reason, "Running");
	assert_string_equal(restarts, "2");

	const json_t *cells;
	json_t *t = table_one("", "pods", NULL,
			      pod("", "{\"containers\":[{\"name\":\"a\"}]}",
				  "{\"phase\":\"Succeeded\",\"containerStatuses\":[{\"name\":\"a\",\"state\":"
				  "{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}}]}"),
			      &cells);
	assert_string_equal(cell_str(cells, 2), "Completed");
	const json_t *cond = json_array_get(json_object_get(json_array_get(json_object_get(t, "rows"), 0),
							    "conditions"), 0);
	assert_string_equal(json_string_value(json_object_get(cond, "type")), "Completed");
	assert_string_equal(json_string_value(json_object_get(cond, "reason")), "Succeeded");
	json_decref(t);
}

static json_t *load_json(const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);
	if (!j)
		fail_msg("%s: %s", path, e.text);
	return j;
}

/* The pulumi recordings: a pod's successive states as a watch saw them. */
static void test_pod_fixture_sequences(void **state)
{
	(void)state;
	json_t *seq = load_json(FIX "imagePullError.json");
	time_t now = 1561492738 + 600; /* creationTimestamp 2019-06-25T19:58:58Z + 10m */
	json_t *t = printer_table("", "pods", NULL, seq, "Metadata", "9", NULL, now);
	const json_t *rows = json_object_get(t, "rows");
	assert_int_equal(json_array_size(rows), json_array_size(seq));
	const char *want[] = {"Pending", "Pending", "ContainerCreating", "ErrImagePull", "ImagePullBackOff"};
	for (size_t i = 0; i < json_array_size(rows); i++) {
		const json_t *cells = json_object_get(json_array_get(rows, i), "cells");
		assert_string_equal(cell_str(cells, 0), "foo");
		assert_string_equal(cell_str(cells, 1), "0/1");
		assert_string_equal(cell_str(cells, 2), want[i < 5 ? i : 4]);
		assert_string_equal(cell_str(cells, 4), "10m");
		const json_t *obj = json_object_get(json_array_get(rows, i), "object");
		assert_string_equal(json_string_value(json_object_get(json_object_get(obj, "metadata"), "name")),
				    "foo");
	}
	const json_t *last = json_object_get(json_array_get(rows, json_array_size(rows) - 1), "cells");
	assert_string_equal(cell_str(last, 5), "10.1.3.227");
	assert_string_equal(cell_str(last, 6), "docker-desktop");
	json_decref(t);
	json_decref(seq);

	seq = load_json(FIX "containerTerminatedSuccess.json");
	now = 1561496154 + 90; /* last finishedAt 2019-06-25T20:55:54Z + 90s */
	t = printer_table("", "pods", NULL, seq, "None", "9", NULL, now);
	rows = json_object_get(t, "rows");
	const json_t *end = json_object_get(json_array_get(rows, json_array_size(rows) - 1), "cells");
	assert_string_equal(cell_str(end, 2), "CrashLoopBackOff");
	assert_string_equal(cell_str(end, 3), "1 (90s ago)");
	assert_string_equal(cell_str(end, 4), "93s");
	json_decref(t);
	json_decref(seq);
}

static void test_pod_fixture_k9s(void **state)
{
	(void)state;
	json_t *p = load_json(FIX "po.json");
	const char *name = json_string_value(json_object_get(json_object_get(p, "metadata"), "name"));
	char want_name[128];
	snprintf(want_name, sizeof want_name, "%s", name);
	const json_t *cells;
	json_t *t = table_one("", "pods", NULL, p, &cells);
	assert_string_equal(cell_str(cells, 0), want_name);
	assert_string_equal(cell_str(cells, 1), "1/1");
	assert_string_equal(cell_str(cells, 2), "Running");
	assert_string_equal(cell_str(cells, 3), "0");
	assert_string_equal(cell_str(cells, 4), "7y108d"); /* 2019-08-09T05:12:19Z to NOW */
	assert_string_equal(cell_str(cells, 5), "172.17.0.6");
	json_decref(t);
}

/* --- other built-in resources --- */

static void test_nodes(void **state)
{
	(void)state;
	const json_t *cells;
	json_t *t = table_one("", "nodes", NULL, obj_parse(
		"{\"metadata\":{\"name\":\"n1\",\"creationTimestamp\":\"2026-11-20T09:00:00Z\",\"labels\":"
		"{\"node-role.kubernetes.io/master\":\"\",\"node-role.kubernetes.io/control-plane\":\"\","
		"\"kubernetes.io/role\":\"master\",\"zone\":\"a\"}},\"spec\":{\"unschedulable\":true},"
		"\"status\":{\"conditions\":[{\"type\":\"MemoryPressure\",\"status\":\"False\"},"
		"{\"type\":\"Ready\",\"status\":\"True\"}],\"addresses\":[{\"type\":\"Hostname\",\"address\":\"n1\"},"
		"{\"type\":\"InternalIP\",\"address\":\"192.168.1.10\"}],\"nodeInfo\":{\"kubeletVersion\":"
		"\"v1.32.1\",\"osImage\":\"Ubuntu 24.04 LTS\",\"containerRuntimeVersion\":\"containerd://1.7.2\"}}}"),
		&cells);
	assert_columns(t, "Name|Status|Roles|Age|Version|Internal-IP|External-IP|OS-Image|Kernel-Version|"
			  "Container-Runtime");
	assert_int_equal(col_priority(t, 4), 0);
	assert_int_equal(col_priority(t, 5), 1);
	assert_string_equal(cell_str(cells, 1), "Ready,SchedulingDisabled");
	assert_string_equal(cell_str(cells, 2), "control-plane,master");
	assert_string_equal(cell_str(cells, 3), "3d");
	assert_string_equal(cell_str(cells, 4), "v1.32.1");
	assert_string_equal(cell_str(cells, 5), "192.168.1.10");
	assert_string_equal(cell_str(cells, 6), "<none>");
	assert_string_equal(cell_str(cells, 7), "Ubuntu 24.04 LTS");
	assert_string_equal(cell_str(cells, 8), "<unknown>");
	assert_string_equal(cell_str(cells, 9), "containerd://1.7.2");
	json_decref(t);

	t = table_one("", "nodes", NULL, obj_parse("{\"metadata\":{\"name\":\"n2\"},\"status\":{\"conditions\":"
						  "[{\"type\":\"Ready\",\"status\":\"Unknown\"}]}}"), &cells);
	assert_string_equal(cell_str(cells, 1), "NotReady");
	assert_string_equal(cell_str(cells, 2), "<none>");
	assert_string_equal(cell_str(cells, 3), "<unknown>");
	json_decref(t);
	t = table_one("", "nodes", NULL, obj_parse("{\"metadata\":{\"name\":\"n3\"}}"), &cells);
	assert_string_equal(cell_str(cells, 1), "Unknown");
	json_decref(t);
}

static void test_namespaces_configmaps_secrets(void **state)
{
	(void)state;
	const json_t *cells;
	json_t *t = table_one("", "namespaces", NULL, obj_parse(
		"{\"metadata\":{\"name\":\"team-a\",\"creationTimestamp\":\"2026-11-23T08:59:30Z\"},"
		"\"status\":{\"phase\":\"Terminating\"}}"), &cells);
	assert_columns(t, "Name|Status|Age");
	assert_string_equal(cell_str(cells, 1), "Terminating");
	assert_string_equal(cell_str(cells, 2), "30s");
	json_decref(t);

	t = table_one("", "configmaps", NULL, obj_parse(
		"{\"metadata\":{\"name\":\"cm\",\"creationTimestamp\":\"2026-11-23T08:00:00Z\"},"
		"\"data\":{\"a\":\"1\",\"b\":\"2\"},\"binaryData\":{\"c\":\"AA==\"}}"), &cells);
	assert_columns(t, "Name|Data|Age");
	assert_int_equal(cell_int(cells, 1), 3);
	json_decref(t);

	t = table_one("", "secrets", NULL, obj_parse(
		"{\"metadata\":{\"name\":\"s\",\"creationTimestamp\":\"2026-11-23T08:00:00Z\"},"
		"\"type\":\"kubernetes.io/tls\",\"data\":{\"tls.crt\":\"\",\"tls.key\":\"\"}}"), &cells);
	assert_columns(t, "Name|Type|Data|Age");
	assert_string_equal(cell_str(cells, 1), "kubernetes.io/tls");
	assert_int_equal(cell_int(cells, 2), 2);
	assert_string_equal(cell_str(cells, 3), "60m");
	json_decref(t);

	/* stringData not yet folded into data still counts, once per key. */
	t = table_one("", "secrets", NULL, obj_parse(
		"{\"metadata\":{\"name\":\"s2\"},\"type\":\"Opaque\",\"data\":{\"a\":\"\"},"
		"\"stringData\":{\"a\":\"x\",\"b\":\"y\"}}"), &cells);
	assert_int_equal(cell_int(cells, 2), 2);
	assert_string_equal(cell_str(cells, 3), "<unknown>");
	json_decref(t);
}

static const char workload_template[] =
	"\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.27\"},"
	"{\"name\":\"sidecar\",\"image\":\"envoy:1.30\"}]}}";

static void test_deployments_replicasets_statefulsets(void **state)
{
	(void)state;
	char buf[2048];
	const json_t *cells;
	snprintf(buf, sizeof buf,
		 "{\"metadata\":{\"name\":\"web\",\"creationTimestamp\":\"2026-11-21T09:00:00Z\"},"
		 "\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"tier\":\"fe\",\"app\":\"web\"},"
		 "\"matchExpressions\":[{\"key\":\"env\",\"operator\":\"In\",\"values\":[\"prd\",\"dev\"]},"
		 "{\"key\":\"canary\",\"operator\":\"DoesNotExist\"}]},%s},"
		 "\"status\":{\"readyReplicas\":2,\"updatedReplicas\":3,\"availableReplicas\":1}}",
		 workload_template);
	json_t *t = table_one("apps", "deployments", NULL, obj_parse(buf), &cells);
	assert_columns(t, "Name|Ready|Up-to-date|Available|Age|Containers|Images|Selector");
	assert_string_equal(cell_str(cells, 1), "2/3");
	assert_int_equal(cell_int(cells, 2), 3);
	assert_int_equal(cell_int(cells, 3), 1);
	assert_string_equal(cell_str(cells, 4), "2d");
	assert_string_equal(cell_str(cells, 5), "web,sidecar");
	assert_string_equal(cell_str(cells, 6), "nginx:1.27,envoy:1.30");
	assert_string_equal(cell_str(cells, 7), "app=web,!canary,env in (dev,prd),tier=fe");
	assert_int_equal(col_priority(t, 5), 1);
	json_decref(t);

	snprintf(buf, sizeof buf,
		 "{\"metadata\":{\"name\":\"web-7d9\",\"creationTimestamp\":\"2026-11-23T08:58:00Z\"},"
		 "\"spec\":{\"replicas\":4,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},%s},"
		 "\"status\":{\"replicas\":4,\"readyReplicas\":1}}", workload_template);
	t = table_one("apps", "replicasets", NULL, obj_parse(buf), &cells);
	assert_columns(t, "Name|Desired|Current|Ready|Age|Containers|Images|Selector");
	assert_string_equal(col_type(t, 1), "integer");
	assert_int_equal(cell_int(cells, 1), 4);
	assert_int_equal(cell_int(cells, 2), 4);
	assert_int_equal(cell_int(cells, 3), 1);
	assert_string_equal(cell_str(cells, 4), "2m");
	assert_string_equal(cell_str(cells, 7), "app=web");
	json_decref(t);

	/* No selector, no replicas: the server's defaults (1 desired) and "<none>". */
	t = table_one("apps", "replicasets", NULL, obj_parse("{\"metadata\":{\"name\":\"bare\"}}"), &cells);
	assert_int_equal(cell_int(cells, 1), 1);
	assert_int_equal(cell_int(cells, 2), 0);
	assert_string_equal(cell_str(cells, 5), "");
	assert_string_equal(cell_str(cells, 7), "<none>");
	json_decref(t);

	snprintf(buf, sizeof buf,
		 "{\"metadata\":{\"name\":\"db\",\"creationTimestamp\":\"2026-11-23T05:30:00Z\"},"
		 "\"spec\":{\"replicas\":3,%s},\"status\":{\"readyReplicas\":3}}", workload_template);
	t = table_one("apps", "statefulsets", NULL, obj_parse(buf), &cells);
	assert_columns(t, "Name|Ready|Age|Containers|Images");
	assert_string_equal(cell_str(cells, 1), "3/3");
	assert_string_equal(cell_str(cells, 2), "3h30m");
	assert_string_equal(cell_str(cells, 4), "nginx:1.27,envoy:1.30");
	json_decref(t);
}

static void service_cells(const char *spec, const char *status, char *type, char *cip,
			  char *ext, char *ports, char *sel)
{
	char buf[2048];
	const json_t *cells;
	snprintf(buf, sizeof buf, "{\"metadata\":{\"name\":\"svc\"},\"spec\":%s,\"status\":%s}", spec,
		 status);
	json_t *t = table_one("", "services", NULL, obj_parse(buf), &cells);
	assert_columns(t, "Name|Type|Cluster-IP|External-IP|Port(s)|Age|Selector");
	strcpy(type, cell_str(cells, 1));
	strcpy(cip, cell_str(cells, 2));
	strcpy(ext, cell_str(cells, 3));
	strcpy(ports, cell_str(cells, 4));
	strcpy(sel, cell_str(cells, 6));
	json_decref(t);
}

static void test_services(void **state)
{
	(void)state;
	char type[64], cip[64], ext[128], ports[128], sel[128];
	service_cells("{\"type\":\"ClusterIP\",\"clusterIP\":\"10.96.0.10\",\"clusterIPs\":[\"10.96.0.10\"],"
		      "\"ports\":[{\"port\":53,\"protocol\":\"UDP\"},{\"port\":53,\"protocol\":\"TCP\"}],"
		      "\"selector\":{\"k8s-app\":\"kube-dns\",\"a\":\"b\"}}", "{}",
		      type, cip, ext, ports, sel);
	assert_string_equal(type, "ClusterIP");
	assert_string_equal(cip, "10.96.0.10");
	assert_string_equal(ext, "<none>");
	assert_string_equal(ports, "53/UDP,53/TCP");
	assert_string_equal(sel, "a=b,k8s-app=kube-dns");

	service_cells("{\"type\":\"NodePort\",\"clusterIPs\":[\"10.96.1.1\"],\"externalIPs\":[\"1.2.3.4\"],"
		      "\"ports\":[{\"port\":80,\"nodePort\":30080}]}", "{}", type, cip, ext, ports, sel);
	assert_string_equal(ext, "1.2.3.4");
	assert_string_equal(ports, "80:30080/TCP");
	assert_string_equal(sel, "<none>");

	service_cells("{\"type\":\"LoadBalancer\",\"clusterIPs\":[\"10.96.1.2\"],\"ports\":[{\"port\":443,"
		      "\"protocol\":\"TCP\",\"nodePort\":31443}]}", "{}", type, cip, ext, ports, sel);
	assert_string_equal(ext, "<pending>");
	service_cells("{\"type\":\"LoadBalancer\",\"clusterIPs\":[\"10.96.1.2\"]}",
		      "{\"loadBalancer\":{\"ingress\":[{\"hostname\":\"lb.example\"},{\"ip\":\"203.0.113.5\"},"
		      "{\"ip\":\"203.0.113.5\"}]}}",
		      type, cip, ext, ports, sel);
	assert_string_equal(ext, "203.0.113.5,lb.example"); /* a sorted set */
	assert_string_equal(ports, "<none>");

	service_cells("{\"type\":\"ExternalName\",\"externalName\":\"db.example.com\"}", "{}",
		      type, cip, ext, ports, sel);
	assert_string_equal(cip, "<none>");
	assert_string_equal(ext, "db.example.com");

	service_cells("{\"clusterIP\":\"None\",\"clusterIPs\":[\"None\"]}", "{}", type, cip, ext, ports, sel);
	assert_string_equal(type, "ClusterIP");
	assert_string_equal(cip, "None");
}

static void test_ingresses(void **state)
{
	(void)state;
	const json_t *cells;
	json_t *t = table_one("networking.k8s.io", "ingresses", NULL, obj_parse(
		"{\"metadata\":{\"name\":\"ing\"},\"spec\":{\"ingressClassName\":\"nginx\",\"tls\":[{}],"
		"\"rules\":[{\"host\":\"a.example\"},{\"host\":\"b.example\"},{},{\"host\":\"c.example\"},"
		"{\"host\":\"d.example\"},{\"host\":\"e.example\"}]},\"status\":{\"loadBalancer\":"
		"{\"ingress\":[{\"ip\":\"10.0.0.1\"}]}}}"), &cells);
	assert_columns(t, "Name|Class|Hosts|Address|Ports|Age");
	assert_string_equal(cell_str(cells, 1), "nginx");
	assert_string_equal(cell_str(cells, 2), "a.example,b.example,c.example + 3 more...");
	assert_string_equal(cell_str(cells, 3), "10.0.0.1");
	assert_string_equal(cell_str(cells, 4), "80, 443");
	json_decref(t);

	t = table_one("networking.k8s.io", "ingresses", NULL,
		      obj_parse("{\"metadata\":{\"name\":\"i2\"},\"spec\":{\"rules\":[{}]}}"), &cells);
	assert_string_equal(cell_str(cells, 1), "<none>");
	assert_string_equal(cell_str(cells, 2), "*");
	assert_string_equal(cell_str(cells, 3), "");
	assert_string_equal(cell_str(cells, 4), "80");
	json_decref(t);
}

static void test_events(void **state)
{
	(void)state;
	const json_t *cells;
	json_t *t = table_one("", "events", NULL, obj_parse(
		"{\"metadata\":{\"name\":\"web.17a\"},\"type\":\"Warning\",\"reason\":\"BackOff\","
		"\"message\":\"  Back-off restarting failed container\\n\",\"count\":12,"
		"\"firstTimestamp\":\"2026-11-23T07:00:00Z\",\"lastTimestamp\":\"2026-11-23T08:58:00Z\","
		"\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"web-1\",\"fieldPath\":\"spec.containers{web}\"},"
		"\"source\":{\"component\":\"kubelet\",\"host\":\"node-1\"}}"), &cells);
	assert_columns(t, "Last Seen|Type|Reason|Object|Subobject|Source|Message|First Seen|Count|Name");
	assert_int_equal(col_priority(t, 3), 0);
	assert_int_equal(col_priority(t, 4), 1);
	assert_int_equal(col_priority(t, 6), 0);
	assert_int_equal(col_priority(t, 9), 1);
	assert_string_equal(cell_str(cells, 0), "2m");
	assert_string_equal(cell_str(cells, 1), "Warning");
	assert_string_equal(cell_str(cells, 2), "BackOff");
	assert_string_equal(cell_str(cells, 3), "pod/web-1");
	assert_string_equal(cell_str(cells, 4), "spec.containers{web}");
	assert_string_equal(cell_str(cells, 5), "kubelet, node-1");
	assert_string_equal(cell_str(cells, 6), "Back-off restarting failed container");
	assert_string_equal(cell_str(cells, 7), "120m"); /* minutes up to 3h */
	assert_int_equal(cell_int(cells, 8), 12);
	assert_string_equal(cell_str(cells, 9), "web.17a");
	json_decref(t);

	/* A new-style event: eventTime, series, reportingController, no count. */
	t = table_one("", "events", NULL, obj_parse(
		"{\"metadata\":{\"name\":\"e2\"},\"type\":\"Normal\",\"reason\":\"Scheduled\",\"message\":\"ok\","
		"\"eventTime\":\"2026-11-23T08:30:00.123456Z\",\"reportingController\":\"default-scheduler\","
		"\"involvedObject\":{\"kind\":\"Namespace\"}}"), &cells);
	assert_string_equal(cell_str(cells, 0), "30m");
	assert_string_equal(cell_str(cells, 3), "namespace");
	assert_string_equal(cell_str(cells, 5), "default-scheduler");
	assert_string_equal(cell_str(cells, 7), "30m");
	assert_int_equal(cell_int(cells, 8), 1);
	json_decref(t);

	t = table_one("", "events", NULL, obj_parse(
		"{\"metadata\":{\"name\":\"e3\"},\"eventTime\":\"2026-11-23T08:00:00.000000Z\","
		"\"series\":{\"count\":5,\"lastObservedTime\":\"2026-11-23T08:59:00.000000Z\"},"
		"\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"x\"}}"), &cells);
	assert_string_equal(cell_str(cells, 0), "60s");
	assert_int_equal(cell_int(cells, 8), 5);
	assert_string_equal(cell_str(cells, 7), "60m");
	json_decref(t);

	/* events.k8s.io/v1 names: regarding, note, deprecated* fields. */
	t = table_one("events.k8s.io", "events", NULL, obj_parse(
		"{\"metadata\":{\"name\":\"e4\"},\"type\":\"Normal\",\"reason\":\"Pulled\",\"note\":\"pulled\","
		"\"regarding\":{\"kind\":\"Pod\",\"name\":\"web-2\",\"fieldPath\":\"spec.containers{app}\"},"
		"\"deprecatedSource\":{\"component\":\"kubelet\"},\"deprecatedCount\":4,"
		"\"deprecatedFirstTimestamp\":\"2026-11-23T08:00:00Z\",\"deprecatedLastTimestamp\":\"2026-11-23T08:50:00Z\"}"),
		&cells);
	assert_string_equal(cell_str(cells, 0), "10m");
	assert_string_equal(cell_str(cells, 3), "pod/web-2");
	assert_string_equal(cell_str(cells, 4), "spec.containers{app}");
	assert_string_equal(cell_str(cells, 5), "kubelet");
	assert_string_equal(cell_str(cells, 6), "pulled");
	assert_int_equal(cell_int(cells, 8), 4);
	json_decref(t);
}

/* --- CRDs and custom resources --- */

static void test_crds_and_generic(void **state)
{
	(void)state;
	const json_t *cells;
	json_t *t = table_one("apiextensions.k8s.io", "customresourcedefinitions", NULL, obj_parse(
		"{\"metadata\":{\"name\":\"applications.argoproj.io\",\"creationTimestamp\":"
		"\"2026-01-02T03:04:05Z\"}}"), &cells);
	assert_columns(t, "Name|Created At");
	assert_string_equal(col_type(t, 1), "date");
	assert_string_equal(cell_str(cells, 1), "2026-01-02T03:04:05Z");
	json_decref(t);

	t = table_one("rbac.authorization.k8s.io", "roles", NULL, obj_parse(
		"{\"metadata\":{\"name\":\"r\",\"creationTimestamp\":\"2026-11-23T08:59:58Z\"}}"), &cells);
	assert_columns(t, "Name|Age");
	assert_string_equal(col_type(t, 1), "string");
	assert_string_equal(cell_str(cells, 1), "2s");
	json_decref(t);

	/* A custom resource whose CRD has no printer columns: Name and an Age of type date. */
	t = table_one("example.com", "widgets", NULL, obj_parse(
		"{\"metadata\":{\"name\":\"w\",\"creationTimestamp\":\"2026-11-23T08:00:00Z\"}}"), &cells);
	assert_columns(t, "Name|Age");
	assert_string_equal(col_type(t, 1), "date");
	assert_string_equal(cell_str(cells, 1), "60m");
	json_decref(t);
}

static void test_crd_printer_columns_typed(void **state)
{
	(void)state;
	json_t *cols = obj_parse(
		"[{\"name\":\"Replicas\",\"type\":\"integer\",\"jsonPath\":\".spec.replicas\"},"
		"{\"name\":\"Ratio\",\"type\":\"number\",\"jsonPath\":\".spec.ratio\"},"
		"{\"name\":\"On\",\"type\":\"boolean\",\"jsonPath\":\".spec.on\"},"
		"{\"name\":\"Since\",\"type\":\"date\",\"jsonPath\":\".status.since\",\"description\":\"when\"},"
		"{\"name\":\"Ports\",\"type\":\"string\",\"jsonPath\":\".spec.ports\",\"priority\":1},"
		"{\"name\":\"Count\",\"type\":\"string\",\"jsonPath\":\".spec.replicas\"},"
		"{\"name\":\"Missing\",\"type\":\"string\",\"jsonPath\":\".status.nothing\"}]");
	const json_t *cells;
	json_t *t = table_one("example.com", "widgets", cols, obj_parse(
		"{\"metadata\":{\"name\":\"w\"},\"spec\":{\"replicas\":3.0,\"ratio\":0.5,\"on\":true,"
		"\"ports\":[80,443]},\"status\":{\"since\":\"2026-11-23T06:00:00Z\"}}"), &cells);
	assert_columns(t, "Name|Replicas|Ratio|On|Since|Ports|Count|Missing");
	assert_int_equal(col_priority(t, 5), 1);
	const json_t *since = json_array_get(json_object_get(t, "columnDefinitions"), 4);
	assert_string_equal(json_string_value(json_object_get(since, "description")), "when");
	const json_t *repl = json_array_get(json_object_get(t, "columnDefinitions"), 1);
	assert_string_equal(json_string_value(json_object_get(repl, "description")),
			    "Custom resource definition column (in JSONPath format): .spec.replicas");
	assert_string_equal(cell_str(cells, 0), "w");
	assert_int_equal(cell_int(cells, 1), 3);
	assert_true(json_is_real(json_array_get(cells, 2)));
	assert_true(json_is_true(json_array_get(cells, 3)));
	assert_string_equal(cell_str(cells, 4), "3h");
	assert_string_equal(cell_str(cells, 5), "[80,443]");
	assert_string_equal(cell_str(cells, 6), "3");
	assert_true(json_is_null(json_array_get(cells, 7)));
	json_decref(t);
	json_decref(cols);
}

/* Argo CD's Application CRD columns on a real Application. */
static void test_crd_printer_columns_argocd(void **state)
{
	(void)state;
	char err[256];
	json_t *crd = yaml_load_file(FIX "application-crd.yaml", err, sizeof err);
	json_t *app = yaml_load_file(FIX "diff-cache.yaml", err, sizeof err);
	assert_non_null(crd);
	assert_non_null(app);
	const json_t *cols = json_object_get(json_array_get(json_object_get(json_object_get(
		json_array_get(crd, 0), "spec"), "versions"), 0), "additionalPrinterColumns");
	assert_int_equal(json_array_size(cols), 4);
	json_t *items = json_array();
	json_array_append(items, json_array_get(app, 0));
	json_t *t = printer_table("argoproj.io", "applications", cols, items, "Metadata", "7", NULL, NOW);
	assert_columns(t, "Name|Sync Status|Health Status|Revision|Project");
	assert_int_equal(col_priority(t, 3), 10);
	const json_t *row = json_array_get(json_object_get(t, "rows"), 0);
	const json_t *cells = json_object_get(row, "cells");
	assert_string_equal(cell_str(cells, 0), "velero-test");
	assert_string_equal(cell_str(cells, 1), "Synced");
	assert_string_equal(cell_str(cells, 2), "Healthy");
	assert_string_equal(cell_str(cells, 3), "rev1");
	assert_string_equal(cell_str(cells, 4), "sre");
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(row, "object"),
		"metadata"), "creationTimestamp")), "2024-03-04T21:30:33Z");
	json_decref(t);
	json_decref(items);
	json_decref(crd);
	json_decref(app);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_age_matches_human_duration),
		cmocka_unit_test(test_jsonpath_subset),
		cmocka_unit_test(test_table_shape_and_include_object),
		cmocka_unit_test(test_pod_columns),
		cmocka_unit_test(test_pod_running_with_restarts_and_wide),
		cmocka_unit_test(test_pod_reasons),
		cmocka_unit_test(test_pod_sidecar_and_completed_row_condition),
		cmocka_unit_test(test_pod_fixture_sequences),
		cmocka_unit_test(test_pod_fixture_k9s),
		cmocka_unit_test(test_nodes),
		cmocka_unit_test(test_namespaces_configmaps_secrets),
		cmocka_unit_test(test_deployments_replicasets_statefulsets),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_ingresses),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_crds_and_generic),
		cmocka_unit_test(test_crd_printer_columns_typed),
		cmocka_unit_test(test_crd_printer_columns_argocd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
