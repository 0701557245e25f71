/* Scale for benchmarks (--pods N): compact deployments, replicasets and running pods in
 * "load-NN" namespaces spread over the workload clusters, until the scenario holds
 * exactly N pods. Objects are kept small: a few labels, one container, a short status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/scenario_model.h"

enum { PODS_PER_DEPLOY = 10, DEPLOYS_PER_NS = 50 };

struct load_ctx {
	struct sc_gen *g;
	size_t ci;
	const char *cluster;
	char ns[32];
	char *image;
	char start[21];
	json_t *ns_str, *start_str, *running, *v1, *pod_kind;
	json_t *node_names[64], *host_ips[64];
};

/* What every pod of one ReplicaSet has in common. Pods share these values (jansson
 * reference counts): consumers deep-copy what they store, and sharing keeps 50,000 pods
 * fast to build and small. */
struct load_shared {
	json_t *labels, *owner, *containers, *statuses, *conditions;
};

static json_t *load_template(const char *app, const char *image, const char *hash)
{
	json_t *labels = json_pack("{s:s}", "app.kubernetes.io/name", app);
	if (hash)
		json_object_set_new(labels, "pod-template-hash", json_string(hash));
	return json_pack("{s:{s:o}, s:{s:[{s:s, s:s}]}}", "metadata", "labels", labels, "spec",
			 "containers", "name", "app", "image", image);
}

static void add_pod(struct load_ctx *c, const struct load_shared *sh, const char *rs,
		    unsigned i, unsigned node)
{
	char name[96], ip[32], uid[37];
	snprintf(name, sizeof(name), "%s-%05u", rs, i);
	sc_uid(uid, c->cluster, "Pod", c->ns, name);
	unsigned h = (unsigned)sc_hash(name);
	snprintf(ip, sizeof(ip), "10.%zu.%u.%u", 100 + c->ci, 128 + (h >> 8) % 120, 2 + h % 250);
	json_t *md = json_object();
	json_object_set_new_nocheck(md, "name", json_string(name));
	json_object_set_nocheck(md, "namespace", c->ns_str);
	json_object_set_new_nocheck(md, "uid", json_string(uid));
	json_object_set_nocheck(md, "creationTimestamp", c->start_str);
	json_object_set_nocheck(md, "labels", sh->labels);
	json_object_set_nocheck(md, "ownerReferences", sh->owner);
	json_t *spec = json_object();
	json_object_set_nocheck(spec, "nodeName", c->node_names[node]);
	json_object_set_nocheck(spec, "containers", sh->containers);
	json_t *status = json_object();
	json_object_set_nocheck(status, "phase", c->running);
	json_object_set_nocheck(status, "hostIP", c->host_ips[node]);
	json_object_set_new_nocheck(status, "podIP", json_string(ip));
	json_object_set_nocheck(status, "startTime", c->start_str);
	json_object_set_nocheck(status, "conditions", sh->conditions);
	json_object_set_nocheck(status, "containerStatuses", sh->statuses);
	json_t *pod = json_object();
	json_object_set_nocheck(pod, "apiVersion", c->v1);
	json_object_set_nocheck(pod, "kind", c->pod_kind);
	json_object_set_new_nocheck(pod, "metadata", md);
	json_object_set_new_nocheck(pod, "spec", spec);
	json_object_set_new_nocheck(pod, "status", status);
	sc_add(c->g, c->ci, pod);
}

static void add_pods(struct load_ctx *c, const char *app, const char *hash, const char *rs,
		     const char *rs_uid, unsigned d, unsigned pods)
{
	struct load_shared sh;
	sh.labels = json_pack("{s:s, s:s}", "app.kubernetes.io/name", app, "pod-template-hash", hash);
	sh.owner = sc_owner_ref("apps/v1", "ReplicaSet", rs, rs_uid);
	sh.containers = json_pack("[{s:s, s:s}]", "name", "app", "image", c->image);
	sh.statuses = json_pack("[{s:s, s:s, s:b, s:b, s:i, s:{s:{s:O}}}]", "name", "app", "image",
				c->image, "ready", 1, "started", 1, "restartCount", 0, "state",
				"running", "startedAt", c->start_str);
	sh.conditions = json_pack("[{s:s, s:s}]", "type", "Ready", "status", "True");
	unsigned nodes = c->g->m->clusters[c->ci].nodes;
	for (unsigned i = 0; i < pods; i++)
		add_pod(c, &sh, rs, i, (d + i) % nodes);
	json_decref(sh.labels);
	json_decref(sh.owner);
	json_decref(sh.containers);
	json_decref(sh.statuses);
	json_decref(sh.conditions);
}

static void add_deployment(struct load_ctx *c, unsigned d, unsigned pods)
{
	char app[48], hash[11], rs[64], duid[37], rsuid[37];
	snprintf(app, sizeof(app), "load-%s-%03u", c->ns + 5, d);
	sc_hash_name(app, hash, 10);
	snprintf(rs, sizeof(rs), "%s-%s", app, hash);
	sc_uid(duid, c->cluster, "Deployment", c->ns, app);
	sc_uid(rsuid, c->cluster, "ReplicaSet", c->ns, rs);
	json_t *md = sc_metadata(c->g, c->cluster, "Deployment", c->ns, app, 7200);
	json_object_set_new(md, "annotations", json_pack("{s:s}", "deployment.kubernetes.io/revision", "1"));
	json_t *status = json_pack("{s:i, s:i, s:i, s:i, s:i}", "observedGeneration", 1, "replicas",
				   (int)pods, "updatedReplicas", (int)pods, "readyReplicas", (int)pods,
				   "availableReplicas", (int)pods);
	sc_add(c->g, c->ci, json_pack("{s:s, s:s, s:o, s:{s:i, s:{s:{s:s}}, s:o}, s:o}",
				      "apiVersion", "apps/v1", "kind", "Deployment", "metadata", md,
				      "spec", "replicas", (int)pods, "selector", "matchLabels",
				      "app.kubernetes.io/name", app, "template",
				      load_template(app, c->image, NULL), "status", status));
	md = sc_metadata(c->g, c->cluster, "ReplicaSet", c->ns, rs, 7200);
	json_object_set_new(md, "annotations", json_pack("{s:s}", "deployment.kubernetes.io/revision", "1"));
	json_object_set_new(md, "ownerReferences", sc_owner_ref("apps/v1", "Deployment", app, duid));
	sc_add(c->g, c->ci, json_pack("{s:s, s:s, s:o, s:{s:i, s:{s:{s:s, s:s}}, s:o},"
				      " s:{s:i, s:i, s:i}}",
				      "apiVersion", "apps/v1", "kind", "ReplicaSet", "metadata", md,
				      "spec", "replicas", (int)pods, "selector", "matchLabels",
				      "app.kubernetes.io/name", app, "pod-template-hash", hash,
				      "template", load_template(app, c->image, hash), "status",
				      "replicas", (int)pods, "readyReplicas", (int)pods,
				      "availableReplicas", (int)pods));
	add_pods(c, app, hash, rs, rsuid, d, pods);
}

static void add_namespace(struct load_ctx *c)
{
	json_t *md = sc_metadata(c->g, c->cluster, "Namespace", NULL, c->ns, 7200 + 600);
	json_object_set_new(json_object_get(md, "labels"), "kubernetes.io/metadata.name",
			    json_string(c->ns));
	json_array_append_new(c->g->namespaces[c->ci],
			      json_pack("{s:s, s:s, s:o, s:{s:s}}", "apiVersion", "v1", "kind",
					"Namespace", "metadata", md, "status", "phase", "Active"));
}

static void clear_cluster_strings(struct load_ctx *c)
{
	json_decref(c->ns_str);
	c->ns_str = NULL;
	for (size_t i = 0; i < sizeof(c->node_names) / sizeof(c->node_names[0]); i++) {
		json_decref(c->node_names[i]);
		json_decref(c->host_ips[i]);
		c->node_names[i] = c->host_ips[i] = NULL;
	}
}

/* The namespace, node name and host IP strings the pods of this namespace share. */
static void set_cluster_strings(struct load_ctx *c)
{
	clear_cluster_strings(c);
	c->ns_str = json_string(c->ns);
	unsigned nodes = c->g->m->clusters[c->ci].nodes;
	for (unsigned i = 0; i < nodes && i < 64; i++) {
		char name[64];
		sc_node_name(c->g->m, c->ci, i, name);
		c->node_names[i] = json_string(name);
		c->host_ips[i] = json_sprintf("10.%zu.0.%u", 10 + c->ci, 10 + i);
	}
}

void sc_gen_load(struct sc_gen *g, unsigned total_pods)
{
	const struct sc_model *m = g->m;
	if (total_pods <= g->base_pods)
		return;
	size_t extra = total_pods - g->base_pods;
	size_t *workers = xcalloc(m->nclusters, sizeof(*workers)), nworkers = 0;
	for (size_t i = 0; i < m->nclusters; i++)
		if (!m->clusters[i].control_plane)
			workers[nworkers++] = i;
	if (nworkers == 0)
		workers[nworkers++] = 0;
	struct load_ctx c = {.g = g};
	c.image = xasprintf("%s/load/app:1.0.0", m->registry);
	sc_time(g, 7200, c.start);
	c.start_str = json_string(c.start);
	c.running = json_string("Running");
	c.v1 = json_string("v1");
	c.pod_kind = json_string("Pod");
	const size_t per_ns = (size_t)PODS_PER_DEPLOY * DEPLOYS_PER_NS;
	for (size_t n = 0; extra > 0; n++) {
		c.ci = workers[n % nworkers];
		c.cluster = m->clusters[c.ci].name;
		snprintf(c.ns, sizeof(c.ns), "load-%02zu", n);
		add_namespace(&c);
		set_cluster_strings(&c);
		size_t in_ns = extra < per_ns ? extra : per_ns;
		extra -= in_ns;
		for (unsigned d = 0; in_ns > 0; d++) {
			unsigned pods = in_ns < PODS_PER_DEPLOY ? (unsigned)in_ns : PODS_PER_DEPLOY;
			add_deployment(&c, d, pods);
			in_ns -= pods;
		}
	}
	clear_cluster_strings(&c);
	json_decref(c.start_str);
	json_decref(c.running);
	json_decref(c.v1);
	json_decref(c.pod_kind);
	free(c.image);
	free(workers);
}
