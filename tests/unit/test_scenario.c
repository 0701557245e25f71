/* Unit tests for sandbox/scenario: the demo platform's contents, their consistency
 * (owners, selectors, templates), determinism, scaling, --load folders and error messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/yaml.h"
#include "sandbox/scenario.h"
#include "tests/support/tmpdir.h"

#define DEMO "sandbox/scenarios/demo.yaml"
#define NOW "1790000000"

struct fixture {
	struct scenario sc;
};

static int setup(void **state)
{
	setenv("SANDBOX_NOW", NOW, 1);
	struct fixture *f = calloc(1, sizeof(*f));
	char err[512] = "";
	if (scenario_load(DEMO, NULL, &f->sc, err, sizeof(err)) != 0) {
		fprintf(stderr, "scenario_load: %s\n", err);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	scenario_free(&f->sc);
	free(f);
	return 0;
}

static const char *str_at(json_t *obj, const char *a, const char *b)
{
	json_t *v = json_object_get(obj, a);
	return json_string_value(b ? json_object_get(v, b) : v);
}

static const char *kind_of(json_t *o)
{
	return json_string_value(json_object_get(o, "kind"));
}

static const char *label(json_t *o, const char *key)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(o, "metadata"), "labels"), key));
}

static const struct scenario_cluster *cluster(const struct scenario *sc, const char *name)
{
	for (size_t i = 0; i < sc->nclusters; i++)
		if (strcmp(sc->clusters[i].name, name) == 0)
			return &sc->clusters[i];
	return NULL;
}

static size_t count_kind(const struct scenario *sc, const char *kind)
{
	size_t n = 0;
	for (size_t c = 0; c < sc->nclusters; c++) {
		size_t i;
		json_t *o;
		json_array_foreach(sc->clusters[c].objects, i, o)
			n += strcmp(kind_of(o), kind) == 0;
	}
	return n;
}

static json_t *find(const struct scenario_cluster *c, const char *kind, const char *ns,
		    const char *name)
{
	size_t i;
	json_t *o;
	json_array_foreach(c->objects, i, o) {
		const char *ons = str_at(o, "metadata", "namespace");
		if (strcmp(kind_of(o), kind) == 0 && strcmp(str_at(o, "metadata", "name"), name) == 0 &&
		    ((!ns && !ons) || (ns && ons && strcmp(ns, ons) == 0)))
			return o;
	}
	return NULL;
}

static void test_clusters_and_order(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(f->sc.nclusters, 3);
	const char *names[] = {"ops", "nonprod", "prod"};
	for (size_t i = 0; i < 3; i++) {
		const struct scenario_cluster *c = &f->sc.clusters[i];
		assert_string_equal(c->name, names[i]);
		assert_int_equal(c->control_plane, i == 0);
		/* CRDs first, namespaces next, then everything else */
		int phase = 0;
		size_t k, crds = 0, nodes = 0;
		json_t *o;
		json_array_foreach(c->objects, k, o) {
			int p = !strcmp(kind_of(o), "CustomResourceDefinition") ? 0
				: !strcmp(kind_of(o), "Namespace")               ? 1 : 2;
			assert_true(p >= phase);
			phase = p;
			crds += p == 0;
			nodes += !strcmp(kind_of(o), "Node");
			assert_non_null(str_at(o, "apiVersion", NULL));
			assert_non_null(str_at(o, "metadata", "name"));
			assert_non_null(str_at(o, "metadata", "uid"));
			assert_non_null(str_at(o, "metadata", "creationTimestamp"));
		}
		assert_int_equal(nodes, 3);
		assert_int_equal(crds, i == 0 ? 9 : 7);   /* Argo CD's two only on ops */
		assert_non_null(find(c, "Namespace", NULL, "default"));
		assert_non_null(find(c, "Namespace", NULL, "kube-system"));
	}
	const struct scenario_cluster *ops = cluster(&f->sc, "ops");
	const char *cp_ns[] = {"argocd", "monitoring", "trivy-system", "platform"};
	for (size_t i = 0; i < 4; i++)
		assert_non_null(find(ops, "Namespace", NULL, cp_ns[i]));
	assert_non_null(find(ops, "CustomResourceDefinition", NULL, "applications.argoproj.io"));
	assert_non_null(find(cluster(&f->sc, "prod"), "CustomResourceDefinition", NULL,
			     "vulnerabilityreports.aquasecurity.github.io"));
}

static void test_nodes_ready(void **state)
{
	struct fixture *f = *state;
	size_t i;
	json_t *o;
	json_array_foreach(f->sc.clusters[1].objects, i, o) {
		if (strcmp(kind_of(o), "Node") != 0)
			continue;
		json_t *st = json_object_get(o, "status");
		assert_memory_equal(str_at(st, "nodeInfo", "kubeletVersion"), "v1.30.", 6);
		json_t *conds = json_object_get(st, "conditions");
		json_t *ready = json_array_get(conds, json_array_size(conds) - 1);
		assert_string_equal(str_at(ready, "type", NULL), "Ready");
		assert_string_equal(str_at(ready, "status", NULL), "True");
		assert_non_null(str_at(st, "capacity", "cpu"));
		assert_non_null(str_at(st, "allocatable", "memory"));
		assert_true(json_array_size(json_object_get(st, "addresses")) >= 1);
	}
}

/* Distinct values of a label over objects of kind. */
static size_t distinct_labels(const struct scenario *sc, const char *kind, const char *key)
{
	json_t *seen = json_object();
	for (size_t c = 0; c < sc->nclusters; c++) {
		size_t i;
		json_t *o;
		json_array_foreach(sc->clusters[c].objects, i, o)
			if (!strcmp(kind_of(o), kind) && label(o, key))
				json_object_set_new(seen, label(o, key), json_true());
	}
	size_t n = json_object_size(seen);
	json_decref(seen);
	return n;
}

static void test_platform_counts(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(distinct_labels(&f->sc, "Namespace", "platform.opsdeck.dev/tenant"), 3);
	assert_int_equal(distinct_labels(&f->sc, "Namespace", "platform.opsdeck.dev/environment"), 5);
	size_t services = distinct_labels(&f->sc, "Deployment", "platform.opsdeck.dev/service");
	assert_true(services >= 12);
	assert_int_equal(count_kind(&f->sc, "Deployment"), services * 5);
	/* dev/sit/uat live in nonprod, pre/prd in prod */
	assert_non_null(find(cluster(&f->sc, "nonprod"), "Namespace", NULL, "payments-uat"));
	assert_non_null(find(cluster(&f->sc, "prod"), "Namespace", NULL, "identity-prd"));
	assert_null(find(cluster(&f->sc, "prod"), "Namespace", NULL, "identity-dev"));
	assert_true(count_kind(&f->sc, "StatefulSet") >= 1);
	assert_int_equal(count_kind(&f->sc, "Service"), services * 5 + count_kind(&f->sc, "StatefulSet"));
	assert_int_equal(count_kind(&f->sc, "ConfigMap"), services * 5);
	assert_int_equal(count_kind(&f->sc, "Secret"), services * 5);
	assert_true(count_kind(&f->sc, "Ingress") > 0);
	assert_true(count_kind(&f->sc, "Ingress") < services * 5);
}

/* Every ownerReference names an object of that kind and uid in the same cluster. */
static void test_owner_references_resolve(void **state)
{
	struct fixture *f = *state;
	for (size_t c = 0; c < f->sc.nclusters; c++) {
		json_t *uids = json_object();
		size_t i, checked = 0;
		json_t *o;
		json_array_foreach(f->sc.clusters[c].objects, i, o) {
			const char *uid = str_at(o, "metadata", "uid");
			assert_null(json_object_get(uids, uid));   /* unique */
			json_object_set_new(uids, uid, json_string(kind_of(o)));
		}
		json_array_foreach(f->sc.clusters[c].objects, i, o) {
			json_t *refs = json_object_get(json_object_get(o, "metadata"), "ownerReferences");
			size_t k;
			json_t *r;
			json_array_foreach(refs, k, r) {
				json_t *owner_kind = json_object_get(uids, str_at(r, "uid", NULL));
				assert_non_null(owner_kind);
				assert_string_equal(json_string_value(owner_kind), str_at(r, "kind", NULL));
				checked++;
			}
		}
		if (c > 0)
			assert_true(checked > 100);
		json_decref(uids);
	}
}

/* The current ReplicaSet carries the deployment's template plus pod-template-hash, its
 * selector matches its pods, and an older revision scaled to 0 has another image. */
static void test_replicasets_match_deployments(void **state)
{
	struct fixture *f = *state;
	const struct scenario_cluster *c = cluster(&f->sc, "nonprod");
	json_t *d = find(c, "Deployment", "payments-dev", "payments-api");
	assert_non_null(d);
	const char *duid = str_at(d, "metadata", "uid");
	const char *rev = json_string_value(json_object_get(
		json_object_get(json_object_get(d, "metadata"), "annotations"),
		"deployment.kubernetes.io/revision"));
	size_t i, current = 0, old = 0;
	json_t *o;
	json_array_foreach(c->objects, i, o) {
		json_t *refs = json_object_get(json_object_get(o, "metadata"), "ownerReferences");
		if (strcmp(kind_of(o), "ReplicaSet") || strcmp(str_at(json_array_get(refs, 0), "uid", NULL), duid))
			continue;
		json_t *tpl = json_deep_copy(json_object_get(json_object_get(o, "spec"), "template"));
		const char *hash = label(o, "pod-template-hash");
		assert_non_null(hash);
		assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(
					    tpl, "metadata"), "labels"), "pod-template-hash")), hash);
		json_object_del(json_object_get(json_object_get(tpl, "metadata"), "labels"), "pod-template-hash");
		const char *rs_rev = json_string_value(json_object_get(
			json_object_get(json_object_get(o, "metadata"), "annotations"),
			"deployment.kubernetes.io/revision"));
		bool same = json_equal(tpl, json_object_get(json_object_get(d, "spec"), "template"));
		if (json_integer_value(json_object_get(json_object_get(o, "spec"), "replicas")) > 0) {
			assert_true(same);
			assert_string_equal(rs_rev, rev);
			current++;
		} else {
			assert_false(same);
			assert_int_equal(atoi(rs_rev), atoi(rev) - 1);
			old++;
		}
		assert_true(json_is_true(json_object_get(json_array_get(refs, 0), "controller")));
		json_decref(tpl);
	}
	assert_int_equal(current, 1);
	assert_int_equal(old, 1);
}

static json_t *container_status(json_t *pod)
{
	return json_array_get(json_object_get(json_object_get(pod, "status"), "containerStatuses"), 0);
}

static const char *waiting_reason(json_t *pod)
{
	return str_at(json_object_get(container_status(pod), "state"), "waiting", "reason");
}

static bool has_event(const struct scenario *sc, const char *reason, const char *type,
		      const char *involved_name)
{
	for (size_t c = 0; c < sc->nclusters; c++) {
		size_t i;
		json_t *o;
		json_array_foreach(sc->clusters[c].objects, i, o)
			if (!strcmp(kind_of(o), "Event") && !strcmp(str_at(o, "reason", NULL), reason) &&
			    !strcmp(str_at(o, "type", NULL), type) &&
			    (!involved_name || !strcmp(str_at(o, "involvedObject", "name"), involved_name)))
				return true;
	}
	return false;
}

static void test_incidents(void **state)
{
	struct fixture *f = *state;
	size_t crash = 0, pull = 0, pending = 0, running = 0;
	for (size_t c = 0; c < f->sc.nclusters; c++) {
		size_t i;
		json_t *o;
		json_array_foreach(f->sc.clusters[c].objects, i, o) {
			if (strcmp(kind_of(o), "Pod"))
				continue;
			const char *reason = waiting_reason(o);
			const char *phase = str_at(o, "status", "phase");
			json_t *cs = container_status(o);
			if (reason && !strcmp(reason, "CrashLoopBackOff")) {
				crash++;
				assert_true(json_integer_value(json_object_get(cs, "restartCount")) > 0);
				json_t *term = json_object_get(json_object_get(cs, "lastState"), "terminated");
				json_int_t code = json_integer_value(json_object_get(term, "exitCode"));
				assert_true(code == 1 || code == 137);
				assert_true(has_event(&f->sc, "BackOff", "Warning", str_at(o, "metadata", "name")));
			} else if (reason && !strcmp(reason, "ImagePullBackOff")) {
				pull++;
			} else if (!strcmp(phase, "Pending")) {
				pending++;
				json_t *cond = json_array_get(json_object_get(json_object_get(o, "status"), "conditions"), 0);
				assert_string_equal(str_at(cond, "reason", NULL), "Unschedulable");
				assert_null(str_at(o, "spec", "nodeName"));
				assert_true(has_event(&f->sc, "FailedScheduling", "Warning",
						      str_at(o, "metadata", "name")));
			} else {
				assert_string_equal(phase, "Running");
				assert_true(json_is_true(json_object_get(cs, "ready")));
				assert_non_null(str_at(o, "status", "podIP"));
				assert_non_null(str_at(o, "status", "qosClass"));
				running++;
			}
		}
	}
	assert_int_equal(crash, 1);
	assert_int_equal(pull, 1);
	assert_int_equal(pending, 1);
	assert_true(running > 100);
	assert_true(has_event(&f->sc, "Unhealthy", "Warning", NULL));
	const char *normal[] = {"Scheduled", "Pulled", "Created", "Started", "ScalingReplicaSet"};
	for (size_t i = 0; i < 5; i++)
		assert_true(has_event(&f->sc, normal[i], "Normal", NULL));
}

static void test_log_annotations(void **state)
{
	struct fixture *f = *state;
	size_t hostile = 0, pods = 0;
	for (size_t c = 0; c < f->sc.nclusters; c++) {
		size_t i;
		json_t *o;
		json_array_foreach(f->sc.clusters[c].objects, i, o) {
			if (strcmp(kind_of(o), "Pod"))
				continue;
			json_t *ann = json_object_get(json_object_get(o, "metadata"), "annotations");
			const char *style = json_string_value(json_object_get(ann, "sandbox.opsdeck.dev/log-style"));
			const char *ms = json_string_value(json_object_get(ann, "sandbox.opsdeck.dev/log-interval-ms"));
			assert_non_null(style);
			assert_non_null(ms);
			assert_true(atoi(ms) >= 100);
			if (!strcmp(style, "hostile")) {
				hostile++;
				const char *ns = str_at(o, "metadata", "namespace");
				assert_string_equal(ns + strlen(ns) - 4, "-dev");
			}
			pods++;
		}
	}
	assert_int_equal(hostile, 1);
	assert_true(pods > 100);
}

/* catalog's pod template in namespace ns of cluster cl: its bad-images annotation. */
static const char *bad_images(const struct scenario *sc, const char *cl, const char *ns)
{
	json_t *d = find(cluster(sc, cl), "Deployment", ns, "catalog");
	assert_non_null(d);
	json_t *tpl = json_object_get(json_object_get(d, "spec"), "template");
	json_t *ann = json_object_get(json_object_get(tpl, "metadata"), "annotations");
	return json_string_value(json_object_get(ann, "sandbox.opsdeck.dev/bad-images"));
}

/* catalog 2.6.4 runs in sit and uat and crashes only in pre and prd; 2.4.0 everywhere. */
static void test_bad_versions(void **state)
{
	struct fixture *f = *state;
	const char *r = "registry.example.com/storefront/catalog:";
	char both[160], broken[96];
	snprintf(both, sizeof(both), "%s2.6.4,%s2.4.0", r, r);
	snprintf(broken, sizeof(broken), "%s2.4.0", r);
	assert_string_equal(bad_images(&f->sc, "nonprod", "storefront-dev"), broken);
	assert_string_equal(bad_images(&f->sc, "nonprod", "storefront-sit"), broken);
	assert_string_equal(bad_images(&f->sc, "nonprod", "storefront-uat"), broken);
	assert_string_equal(bad_images(&f->sc, "prod", "storefront-pre"), both);
	assert_string_equal(bad_images(&f->sc, "prod", "storefront-prd"), both);
	json_t *d = find(cluster(&f->sc, "nonprod"), "Deployment", "storefront-uat", "catalog");
	json_t *c0 = json_array_get(json_object_get(json_object_get(json_object_get(
		json_object_get(d, "spec"), "template"), "spec"), "containers"), 0);
	assert_string_equal(str_at(c0, "image", NULL), "registry.example.com/storefront/catalog:2.6.4");
	/* other services carry no annotation */
	json_t *cart = find(cluster(&f->sc, "prod"), "Deployment", "storefront-pre", "cart");
	json_t *tpl = json_object_get(json_object_get(cart, "spec"), "template");
	assert_null(json_object_get(json_object_get(json_object_get(tpl, "metadata"), "annotations"),
				    "sandbox.opsdeck.dev/bad-images"));
}

static void test_applications(void **state)
{
	struct fixture *f = *state;
	const struct scenario_cluster *ops = cluster(&f->sc, "ops");
	assert_int_equal(count_kind(&f->sc, "Application"), count_kind(&f->sc, "Deployment"));
	assert_true(count_kind(&f->sc, "AppProject") >= 3);
	size_t degraded = 0, out_of_sync = 0;
	for (size_t c = 1; c < f->sc.nclusters; c++) {
		size_t i;
		json_t *d;
		json_array_foreach(f->sc.clusters[c].objects, i, d) {
			if (strcmp(kind_of(d), "Deployment"))
				continue;
			char name[128];
			snprintf(name, sizeof(name), "%s-%s", label(d, "platform.opsdeck.dev/service"),
				 label(d, "platform.opsdeck.dev/environment"));
			json_t *app = find(ops, "Application", "argocd", name);
			assert_non_null(app);
			json_t *st = json_object_get(app, "status");
			/* the destination by cluster name: the sandbox's URL is known only once it serves */
			assert_string_equal(str_at(json_object_get(app, "spec"), "destination", "name"),
					    f->sc.clusters[c].name);
			assert_string_equal(str_at(json_object_get(app, "spec"), "destination", "namespace"),
					    str_at(d, "metadata", "namespace"));
			bool broken = json_integer_value(json_object_get(json_object_get(d, "status"), "readyReplicas")) <
				      json_integer_value(json_object_get(json_object_get(d, "spec"), "replicas"));
			assert_string_equal(str_at(st, "health", "status"), broken ? "Degraded" : "Healthy");
			degraded += broken;
			out_of_sync += !strcmp(str_at(st, "sync", "status"), "OutOfSync");
			assert_true(json_array_size(json_object_get(st, "history")) >= 2);
			assert_string_equal(str_at(st, "operationState", "phase"), "Succeeded");
			assert_true(json_array_size(json_object_get(json_object_get(st, "summary"), "images")) >= 1);
			assert_true(json_array_size(json_object_get(st, "resources")) >= 4);
		}
	}
	assert_int_equal(degraded, 3);
	assert_int_equal(out_of_sync, 1);
}

static void test_vulnerability_reports(void **state)
{
	struct fixture *f = *state;
	const struct scenario_cluster *c = cluster(&f->sc, "prod");
	size_t i, reports = 0;
	json_t *o;
	json_array_foreach(c->objects, i, o) {
		if (strcmp(kind_of(o), "VulnerabilityReport"))
			continue;
		reports++;
		assert_string_equal(label(o, "trivy-operator.resource.kind"), "ReplicaSet");
		const char *ns = label(o, "trivy-operator.resource.namespace");
		assert_string_equal(ns, str_at(o, "metadata", "namespace"));
		json_t *rs = find(c, "ReplicaSet", ns, label(o, "trivy-operator.resource.name"));
		assert_non_null(rs);
		assert_true(json_integer_value(json_object_get(json_object_get(rs, "spec"), "replicas")) > 0);
		json_t *rep = json_object_get(o, "report");
		json_t *sum = json_object_get(rep, "summary");
		json_int_t total = 0;
		const char *keys[] = {"criticalCount", "highCount", "mediumCount", "lowCount", "unknownCount"};
		for (size_t k = 0; k < 5; k++)
			total += json_integer_value(json_object_get(sum, keys[k]));
		assert_int_equal(total, json_array_size(json_object_get(rep, "vulnerabilities")));
	}
	assert_true(reports >= 20);
	assert_true(count_kind(&f->sc, "ConfigAuditReport") >= 3);
	assert_int_equal(count_kind(&f->sc, "PolicyReport"), 15);   /* a tenant namespace each */
}

static void test_platform_yaml(void **state)
{
	struct fixture *f = *state;
	assert_non_null(f->sc.platform_yaml);
	char err[256];
	json_t *docs = yaml_parse_documents("platform.yaml", f->sc.platform_yaml,
					    strlen(f->sc.platform_yaml), err, sizeof(err));
	assert_non_null(docs);
	json_t *p = json_array_get(docs, 0);
	assert_int_equal(json_array_size(json_object_get(p, "clusters")), 3);
	assert_int_equal(json_array_size(json_object_get(p, "tenants")), 3);
	json_t *envs = json_object_get(p, "environments");
	assert_int_equal(json_array_size(envs), 5);
	assert_string_equal(str_at(json_array_get(envs, 0), "name", NULL), "dev");
	assert_string_equal(str_at(json_array_get(envs, 4), "name", NULL), "prd");
	assert_string_equal(str_at(json_array_get(envs, 0), "protection", NULL), "none");
	assert_non_null(json_object_get(json_array_get(envs, 4), "freeze"));
	assert_string_equal(str_at(json_array_get(json_object_get(p, "clusters"), 1), "server", NULL),
			    "${SANDBOX_URL}/clusters/nonprod");
	assert_true(json_array_size(json_object_get(p, "services")) >= 12);
	json_decref(docs);
}

static void test_deterministic(void **state)
{
	struct fixture *f = *state;
	struct scenario again;
	char err[512];
	assert_int_equal(scenario_load(DEMO, NULL, &again, err, sizeof(err)), 0);
	assert_int_equal(again.nclusters, f->sc.nclusters);
	for (size_t i = 0; i < again.nclusters; i++) {
		assert_true(json_equal(again.clusters[i].objects, f->sc.clusters[i].objects));
		/* byte-identical too: same keys in the same order */
		char *a = json_dumps(again.clusters[i].objects, JSON_COMPACT);
		char *b = json_dumps(f->sc.clusters[i].objects, JSON_COMPACT);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	assert_string_equal(again.platform_yaml, f->sc.platform_yaml);
	scenario_free(&again);
	/* another clock moves the timestamps and nothing else */
	setenv("SANDBOX_NOW", "1790003600", 1);
	assert_int_equal(scenario_load(DEMO, NULL, &again, err, sizeof(err)), 0);
	setenv("SANDBOX_NOW", NOW, 1);
	json_t *a = json_array_get(again.clusters[1].objects, 0);
	json_t *b = json_array_get(f->sc.clusters[1].objects, 0);
	assert_false(json_equal(again.clusters[1].objects, f->sc.clusters[1].objects));
	assert_string_equal(str_at(a, "metadata", "uid"), str_at(b, "metadata", "uid"));
	scenario_free(&again);
}

static size_t total_pods(const struct scenario *sc, size_t *in_control_plane)
{
	size_t n = 0;
	*in_control_plane = 0;
	for (size_t c = 0; c < sc->nclusters; c++) {
		size_t i;
		json_t *o;
		json_array_foreach(sc->clusters[c].objects, i, o)
			if (!strcmp(kind_of(o), "Pod")) {
				n++;
				*in_control_plane += sc->clusters[c].control_plane;
			}
	}
	return n;
}

static void test_scaling(void **state)
{
	(void)state;
	struct scenario sc;
	struct scenario_opts opts = {.pods = 5000, .apps = 300};
	char err[512];
	assert_int_equal(scenario_load(DEMO, &opts, &sc, err, sizeof(err)), 0);
	size_t cp;
	assert_int_equal(total_pods(&sc, &cp), 5000);
	assert_int_equal(cp, 0);
	assert_int_equal(count_kind(&sc, "Application"), 300);
	/* load pods belong to replicasets whose replicas add up */
	json_int_t replicas = 0, load_pods = 0;
	for (size_t c = 0; c < sc.nclusters; c++) {
		size_t i;
		json_t *o;
		json_array_foreach(sc.clusters[c].objects, i, o) {
			const char *ns = str_at(o, "metadata", "namespace");
			if (!ns || strncmp(ns, "load-", 5))
				continue;
			if (!strcmp(kind_of(o), "ReplicaSet"))
				replicas += json_integer_value(json_object_get(json_object_get(o, "spec"), "replicas"));
			load_pods += !strcmp(kind_of(o), "Pod");
		}
	}
	assert_true(load_pods > 4000);
	assert_int_equal(replicas, load_pods);
	scenario_free(&sc);
}

static void test_load_dir_fixtures(void **state)
{
	struct fixture *f = *state;
	size_t before = json_array_size(f->sc.clusters[0].objects);
	size_t before_prod = json_array_size(cluster(&f->sc, "prod")->objects);
	char err[512] = "";
	int rc = scenario_load_dir(&f->sc, "tests/fixtures/scenario-load", err, sizeof(err));
	if (rc)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(rc, 0);
	/* 1 + 1 + 1 (an array) + 3 (a map of lists) + 1 (a v1 List) + 2 (two documents) */
	assert_int_equal(json_array_size(f->sc.clusters[0].objects), before + 9);
	assert_int_equal(json_array_size(cluster(&f->sc, "prod")->objects), before_prod);
	assert_non_null(find(&f->sc.clusters[0], "ClusterPolicyReport", NULL, "falco-alerts-policy"));
	assert_non_null(find(&f->sc.clusters[0], "PolicyReport", "multiubuntu", "kubearmor-policy-report"));
}

static char tmpdir[64];

static void write_file(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int make_tmpdir(void **state)
{
	(void)state;
	test_tmp_template(tmpdir, sizeof(tmpdir), "test_scenario.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	char path[128];
	snprintf(path, sizeof(path), "%s/crds", tmpdir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/scenarios", tmpdir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/load", tmpdir);
	return mkdir(path, 0700);
}

static int remove_tmpdir(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char small[] =
	"clusters:\n"
	"  - {name: cp, control_plane: true, nodes: 1, kubelet_version: v1.30.1, region: r1,\n"
	"     crd_groups: [argoproj.io]}\n"
	"  - {name: work, nodes: 2, kubelet_version: v1.30.1, region: r1}\n"
	"environments:\n"
	"  - {name: dev, cluster: work, protection: none, automated: true}\n"
	"gitops: {repo: https://git.example.com/g.git, path: \"{env}/{service}\", revision: main}\n"
	"registry: reg.example.com\n"
	"tenants:\n"
	"  - name: t1\n"
	"    description: 'the \"first\" \\\\ tenant'\n"
	"    services:\n"
	"      - {name: s1, replicas: 2, port: 80, log_style: text, log_interval_ms: 500,\n"
	"         versions: [1.0.0]}\n";

static int load_text(const char *text, char *err, size_t errlen, struct scenario *sc)
{
	write_file("scenarios/s.yaml", text);
	char path[128];
	snprintf(path, sizeof(path), "%s/scenarios/s.yaml", tmpdir);
	return scenario_load(path, NULL, sc, err, errlen);
}

static void expect_error(const char *text, const char *want)
{
	struct scenario sc;
	char err[512] = "";
	assert_int_equal(load_text(text, err, sizeof(err), &sc), -1);
	if (!strstr(err, want))
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	assert_int_equal(sc.nclusters, 0);
}

static void test_small_scenario(void **state)
{
	(void)state;
	struct scenario sc;
	char err[512] = "";
	int rc = load_text(small, err, sizeof(err), &sc);
	if (rc)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(rc, 0);
	assert_int_equal(sc.nclusters, 2);
	size_t cp;
	assert_int_equal(total_pods(&sc, &cp), 2);
	assert_int_equal(count_kind(&sc, "Application"), 1);
	assert_int_equal(count_kind(&sc, "CustomResourceDefinition"), 0);   /* empty crds/ */
	json_t *docs = yaml_parse_documents("p", sc.platform_yaml, strlen(sc.platform_yaml), err,
					    sizeof(err));
	assert_non_null(docs);
	json_t *t = json_array_get(json_object_get(json_array_get(docs, 0), "tenants"), 0);
	assert_string_equal(str_at(t, "description", NULL), "the \"first\" \\\\ tenant");
	json_decref(docs);
	scenario_free(&sc);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("clusters: [\n  - name: x\n", "s.yaml:2:3: did not find expected node content");
	expect_error("clusters:\n\tbad: tab\n", "s.yaml:2:");
	char buf[2048];
	snprintf(buf, sizeof(buf), "%s  - name: t2\n    services:\n      - {replicas: 1}\n", small);
	expect_error(buf, "s.yaml: tenants[1].services[0]: missing name");
	snprintf(buf, sizeof(buf), "%s", small);
	char *at = strstr(buf, "cluster: work");
	memcpy(at, "cluster: wrk ", 13);
	expect_error(buf, "environments[0].cluster: no cluster named \"wrk\"");
	snprintf(buf, sizeof(buf), "%s", small);
	at = strstr(buf, "[1.0.0]");
	memcpy(at, "[1.0.0, 2]", 10);
	at[10] = '}';
	at[11] = '\n';
	at[12] = '\0';
	expect_error(buf, "tenants[0].services[0].versions: expected 1 versions");
	snprintf(buf, sizeof(buf), "%sincidents:\n  - {kind: Exploded, service: s1, environment: dev}\n", small);
	expect_error(buf, "incidents[0].kind");
	snprintf(buf, sizeof(buf), "%sdrift:\n  - {service: nope, environment: dev, git_version: 1}\n", small);
	expect_error(buf, "drift[0].service: no service named \"nope\"");
	expect_error("- just\n- a list\n", "expected one YAML document holding a mapping");
	snprintf(buf, sizeof(buf), "%sbad_versions:\n  - {service: s1, version: 2.0.0, environments: [prd]}\n",
		 small);
	expect_error(buf, "bad_versions[0].environments[0]: no environment named \"prd\"");
	snprintf(buf, sizeof(buf), "%sbad_versions:\n  - {service: s1, version: 1.0.0, environments: [dev]}\n",
		 small);
	expect_error(buf, "bad_versions[0].version: 1.0.0 already runs in dev, where it crashes");
	snprintf(buf, sizeof(buf), "%sbad_versions:\n  - {service: s1, version: 1.0.0}\n", small);
	expect_error(buf, "bad_versions[0].version: 1.0.0 already runs in dev");
	snprintf(buf, sizeof(buf), "%sbad_versions:\n  - {service: s1, version: 2.0.0, environments: []}\n",
		 small);
	expect_error(buf, "bad_versions[0].environments: expected at least one environment");
}

static void test_load_dir_errors(void **state)
{
	(void)state;
	struct scenario sc;
	char err[512] = "";
	assert_int_equal(load_text(small, err, sizeof(err), &sc), 0);
	char dir[128];
	snprintf(dir, sizeof(dir), "%s/load", tmpdir);
	write_file("load/a.yaml",
		   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: routed\n  namespace: default\n"
		   "  annotations: {sandbox.opsdeck.dev/cluster: work}\n"
		   "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
		   "metadata: {name: things.example.com}\nspec: {group: example.com}\n");
	assert_int_equal(scenario_load_dir(&sc, dir, err, sizeof(err)), 0);
	json_t *last = json_array_get(sc.clusters[1].objects, json_array_size(sc.clusters[1].objects) - 1);
	assert_string_equal(str_at(last, "metadata", "name"), "routed");
	/* the CRD goes ahead of everything in the control-plane cluster */
	assert_string_equal(kind_of(json_array_get(sc.clusters[0].objects, 0)), "CustomResourceDefinition");
	write_file("load/b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\nfoo: bar\n");
	assert_int_equal(scenario_load_dir(&sc, dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "b.yaml: document 2: not a Kubernetes object"));
	write_file("load/b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, annotations:\n"
				  "  {sandbox.opsdeck.dev/cluster: mars}}\n");
	assert_int_equal(scenario_load_dir(&sc, dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "names an unknown cluster"));
	write_file("load/b.yaml", "apiVersion: v1\nkind: [\n");
	assert_int_equal(scenario_load_dir(&sc, dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "b.yaml:"));
	scenario_free(&sc);
}

int main(void)
{
	const struct CMUnitTest demo[] = {
		cmocka_unit_test(test_clusters_and_order),
		cmocka_unit_test(test_nodes_ready),
		cmocka_unit_test(test_platform_counts),
		cmocka_unit_test(test_owner_references_resolve),
		cmocka_unit_test(test_replicasets_match_deployments),
		cmocka_unit_test(test_incidents),
		cmocka_unit_test(test_log_annotations),
		cmocka_unit_test(test_bad_versions),
		cmocka_unit_test(test_applications),
		cmocka_unit_test(test_vulnerability_reports),
		cmocka_unit_test(test_platform_yaml),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_scaling),
		cmocka_unit_test(test_load_dir_fixtures),
	};
	const struct CMUnitTest files[] = {
		cmocka_unit_test(test_small_scenario),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_load_dir_errors),
	};
	int failed = cmocka_run_group_tests_name("scenario demo", demo, setup, teardown);
	failed += cmocka_run_group_tests_name("scenario files", files, make_tmpdir, remove_tmpdir);
	return failed;
}
