/* StatefulSets of services that declare one (e.g. ledger's postgres) in every
 * environment: the StatefulSet, its headless Service, and running pods NAME-0..n-1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/scenario_model.h"

static json_t *sts_labels(const struct sc_model *m, size_t svc, size_t env)
{
	json_t *l = sc_labels(m, svc, env);
	json_object_set_new(l, "app.kubernetes.io/name", json_string(m->services[svc].sts->name));
	json_object_set_new(l, "app.kubernetes.io/component", json_string("database"));
	return l;
}

static json_t *sts_template(const struct sc_model *m, size_t svc, size_t env)
{
	const struct sc_statefulset *st = m->services[svc].sts;
	return json_pack("{s:{s:o, s:{s:s, s:s}}, s:{s:[{s:s, s:s, s:[{s:s, s:i, s:s}],"
			 " s:{s:{s:s, s:s}, s:{s:s}}, s:[{s:s, s:s}]}], s:i}}",
			 "metadata", "labels", sts_labels(m, svc, env), "annotations",
			 "sandbox.opsdeck.dev/log-style", "text",
			 "sandbox.opsdeck.dev/log-interval-ms", "4000", "spec", "containers",
			 "name", "postgres", "image", st->image, "ports", "name", "postgres",
			 "containerPort", (int)st->port, "protocol", "TCP", "resources", "requests",
			 "cpu", "250m", "memory", "1Gi", "limits", "memory", "2Gi", "volumeMounts",
			 "name", "data", "mountPath", "/var/lib/postgresql/data",
			 "terminationGracePeriodSeconds", 30);
}

static void add_pod(struct sc_gen *g, size_t ci, const char *ns, size_t svc, size_t env,
		    unsigned i, const char *sts_uid, const char *revision, long age)
{
	const struct sc_model *m = g->m;
	const struct sc_statefulset *st = m->services[svc].sts;
	char name[160], idx[16], node[64], node_ip[32], pod_ip[32];
	snprintf(name, sizeof(name), "%s-%u", st->name, i);
	snprintf(idx, sizeof(idx), "%u", i);
	unsigned ni = (i + 1) % m->clusters[ci].nodes;
	sc_node_name(m, ci, ni, node);
	snprintf(node_ip, sizeof(node_ip), "10.%zu.0.%u", 10 + ci, 10 + ni);
	snprintf(pod_ip, sizeof(pod_ip), "10.%zu.%u.%u", 100 + ci, ni + 1, 200 + i + 10 * (unsigned)env);
	json_t *tpl = sts_template(m, svc, env);
	json_t *md = sc_metadata(g, m->clusters[ci].name, "Pod", ns, name, age - 20 * (long)i);
	json_t *labels = json_deep_copy(json_object_get(json_object_get(tpl, "metadata"), "labels"));
	json_object_set_new(labels, "controller-revision-hash", json_string(revision));
	json_object_set_new(labels, "statefulset.kubernetes.io/pod-name", json_string(name));
	json_object_set_new(labels, "apps.kubernetes.io/pod-index", json_string(idx));
	json_object_set_new(md, "labels", labels);
	json_object_set(md, "annotations", json_object_get(json_object_get(tpl, "metadata"), "annotations"));
	json_object_set_new(md, "ownerReferences", sc_owner_ref("apps/v1", "StatefulSet", st->name, sts_uid));
	json_t *spec = json_deep_copy(json_object_get(tpl, "spec"));
	json_object_set_new(spec, "nodeName", json_string(node));
	json_object_set_new(spec, "hostname", json_string(name));
	json_object_set_new(spec, "subdomain", json_string(st->name));
	char *claim = xasprintf("data-%s", name);
	json_object_set_new(spec, "volumes", json_pack("[{s:s, s:{s:s}}]", "name", "data",
						       "persistentVolumeClaim", "claimName", claim));
	free(claim);
	json_t *status = sc_running_status(g, json_object_get(spec, "containers"), name, node_ip,
					   pod_ip, age - 20 * (long)i);
	sc_add(g, ci, json_pack("{s:s, s:s, s:o, s:o, s:o}", "apiVersion", "v1", "kind", "Pod",
				"metadata", md, "spec", spec, "status", status));
	json_decref(tpl);
	g->base_pods++;
}

static void gen_one(struct sc_gen *g, size_t svc, size_t env)
{
	const struct sc_model *m = g->m;
	const struct sc_statefulset *st = m->services[svc].sts;
	size_t ci = m->envs[env].cluster_idx;
	const char *cluster = m->clusters[ci].name;
	char *ns = sc_namespace_name(m, svc, env);
	char uid[37], hash[11], key[256];
	sc_uid(uid, cluster, "StatefulSet", ns, st->name);
	snprintf(key, sizeof(key), "%s/%s", ns, st->image);
	sc_hash_name(key, hash, 10);
	char *revision = xasprintf("%s-%s", st->name, hash);
	long age = sc_age(key, 15 * 86400, 28 * 86400);
	json_t *md = sc_metadata(g, cluster, "StatefulSet", ns, st->name, age);
	json_object_set_new(md, "labels", sts_labels(m, svc, env));
	json_object_set_new(md, "generation", json_integer(1));
	json_t *sts = json_pack(
		"{s:s, s:s, s:o, s:{s:i, s:s, s:{s:{s:s}}, s:o, s:s, s:{s:s, s:{s:i}},"
		" s:[{s:{s:s}, s:{s:[s], s:{s:{s:s}}}}]},"
		" s:{s:i, s:i, s:i, s:i, s:i, s:i, s:s, s:s, s:i}}",
		"apiVersion", "apps/v1", "kind", "StatefulSet", "metadata", md, "spec", "replicas",
		(int)st->replicas, "serviceName", st->name, "selector", "matchLabels",
		"app.kubernetes.io/name", st->name, "template", sts_template(m, svc, env),
		"podManagementPolicy", "OrderedReady", "updateStrategy", "type", "RollingUpdate",
		"rollingUpdate", "partition", 0, "volumeClaimTemplates", "metadata", "name", "data",
		"spec", "accessModes", "ReadWriteOnce", "resources", "requests", "storage", "20Gi",
		"status", "observedGeneration", 1, "replicas", (int)st->replicas, "readyReplicas",
		(int)st->replicas, "currentReplicas", (int)st->replicas, "updatedReplicas",
		(int)st->replicas, "availableReplicas", (int)st->replicas, "currentRevision",
		revision, "updateRevision", revision, "collisionCount", 0);
	sc_add(g, ci, sts);
	json_t *smd = sc_metadata(g, cluster, "Service", ns, st->name, age);
	json_object_set_new(smd, "labels", sts_labels(m, svc, env));
	sc_add(g, ci, json_pack("{s:s, s:s, s:o, s:{s:s, s:s, s:[{s:s, s:i, s:s, s:i}],"
				" s:{s:s}}, s:{s:{}}}",
				"apiVersion", "v1", "kind", "Service", "metadata", smd, "spec",
				"type", "ClusterIP", "clusterIP", "None", "ports", "name", "postgres",
				"port", (int)st->port, "protocol", "TCP", "targetPort", (int)st->port,
				"selector", "app.kubernetes.io/name", st->name, "status",
				"loadBalancer"));
	for (unsigned i = 0; i < st->replicas; i++)
		add_pod(g, ci, ns, svc, env, i, uid, revision, age - 60);
	free(revision);
	free(ns);
}

void sc_gen_statefulsets(struct sc_gen *g)
{
	for (size_t e = 0; e < g->m->nenvs; e++)
		for (size_t s = 0; s < g->m->nservices; s++)
			if (g->m->services[s].sts)
				gen_one(g, s, e);
}
