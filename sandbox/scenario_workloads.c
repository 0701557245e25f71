/* Each service in each environment: a Deployment, its current ReplicaSet and one older
 * one scaled to 0 (so `kubectl rollout undo` has somewhere to go), the Service, an
 * Ingress for web services, a ConfigMap and a Secret. Pods come from scenario_pods.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/scenario_model.h"

static json_t *container(const struct sc_model *m, size_t svc, const char *image,
			 const struct sc_incident *inc)
{
	const struct sc_service *s = &m->services[svc];
	/* the Pending incident asks for more memory than any node has */
	const char *mem_req = inc && inc->kind == SC_PENDING ? "48Gi" : "256Mi";
	const char *mem_lim = inc && inc->kind == SC_PENDING ? "48Gi" : "512Mi";
	return json_pack("{s:s, s:s, s:[{s:s, s:i, s:s}], s:[{s:{s:s}}, {s:{s:s}}],"
			 " s:{s:{s:s, s:s}, s:{s:s}}, s:{s:{s:s, s:i, s:s}, s:i, s:i, s:i, s:i, s:i},"
			 " s:s, s:s, s:s}",
			 "name", s->name, "image", image, "ports", "name", "http", "containerPort",
			 (int)s->port, "protocol", "TCP", "envFrom", "configMapRef", "name",
			 s->name, "secretRef", "name", s->name, "resources", "requests", "cpu", "100m", "memory",
			 mem_req, "limits", "memory", mem_lim, "readinessProbe", "httpGet", "path",
			 "/healthz", "port", (int)s->port, "scheme", "HTTP", "initialDelaySeconds", 5,
			 "timeoutSeconds", 1, "periodSeconds", 10, "successThreshold", 1,
			 "failureThreshold", 3,
			 "imagePullPolicy", "IfNotPresent", "terminationMessagePath",
			 "/dev/termination-log", "terminationMessagePolicy", "File");
}

static json_t *sidecar(const struct sc_model *m)
{
	char *image = xasprintf("%s/platform/fluent-bit:3.1.9", m->registry);
	json_t *c = json_pack("{s:s, s:s, s:{s:{s:s, s:s}, s:{s:s}}, s:s, s:s, s:s}", "name",
			      "log-shipper", "image", image, "resources", "requests", "cpu", "20m",
			      "memory", "32Mi", "limits", "memory", "64Mi", "imagePullPolicy",
			      "IfNotPresent", "terminationMessagePath", "/dev/termination-log",
			      "terminationMessagePolicy", "File");
	free(image);
	return c;
}

static bool is_hostile(const struct sc_model *m, size_t svc, size_t env)
{
	return m->hostile_service == (long)svc && m->hostile_env == (long)env;
}

/* The pod template of a service in an environment, with image; hash (or NULL) becomes
 * the pod-template-hash label. */
static json_t *pod_template(const struct sc_model *m, size_t svc, size_t env, const char *image,
			    const char *hash)
{
	const struct sc_service *s = &m->services[svc];
	const struct sc_incident *inc = sc_incident_for(m, svc, env);
	json_t *labels = sc_labels(m, svc, env);
	if (hash)
		json_object_set_new(labels, "pod-template-hash", json_string(hash));
	char interval[16];
	snprintf(interval, sizeof(interval), "%u", s->log_interval_ms);
	json_t *ann = json_pack("{s:s, s:s}", "sandbox.opsdeck.dev/log-style",
				is_hostile(m, svc, env) ? "hostile" : s->log_style,
				"sandbox.opsdeck.dev/log-interval-ms", interval);
	/* the releases that crash in this environment: the sandbox's kubelet reads this off
	 * the pod, so a promotion of one here really crash-loops (and the same release
	 * runs fine where the scenario does not list the environment) */
	char *bad = sc_bad_images(m, svc, env);
	if (bad)
		json_object_set_new(ann, "sandbox.opsdeck.dev/bad-images", json_string(bad));
	free(bad);
	json_t *containers = json_pack("[o]", container(m, svc, image, inc));
	if (s->sidecar)
		json_array_append_new(containers, sidecar(m));
	return json_pack("{s:{s:o, s:o}, s:{s:o, s:s, s:i, s:s, s:s, s:s, s:{}}}", "metadata",
			 "labels", labels, "annotations", ann, "spec", "containers", containers,
			 "restartPolicy", "Always", "terminationGracePeriodSeconds", 30,
			 "dnsPolicy", "ClusterFirst", "serviceAccountName", "default",
			 "schedulerName", "default-scheduler", "securityContext");
}

static json_t *selector(const struct sc_model *m, size_t svc)
{
	return json_pack("{s:{s:s}}", "matchLabels", "app.kubernetes.io/name",
			 m->services[svc].name);
}

static json_t *rs_object(struct sc_gen *g, const struct sc_workload *w, const char *name,
			 const char *hash, const char *image, int revision, unsigned replicas,
			 unsigned ready, long age, const char *deploy_uid)
{
	const struct sc_model *m = g->m;
	json_t *md = sc_metadata(g, w->cluster, "ReplicaSet", w->ns, name, age);
	json_t *labels = sc_labels(m, w->svc, w->env);
	json_object_set_new(labels, "pod-template-hash", json_string(hash));
	json_object_set_new(md, "labels", labels);
	char rev[16], desired[16];
	snprintf(rev, sizeof(rev), "%d", revision);
	snprintf(desired, sizeof(desired), "%u", w->replicas);
	json_object_set_new(md, "annotations",
			    json_pack("{s:s, s:s, s:s}", "deployment.kubernetes.io/desired-replicas",
				      desired, "deployment.kubernetes.io/max-replicas", desired,
				      "deployment.kubernetes.io/revision", rev));
	json_object_set_new(md, "ownerReferences",
			    sc_owner_ref("apps/v1", "Deployment", m->services[w->svc].name, deploy_uid));
	json_t *sel = selector(m, w->svc);
	json_object_set_new(json_object_get(sel, "matchLabels"), "pod-template-hash",
			    json_string(hash));
	json_t *status = json_pack("{s:i, s:i, s:i}", "replicas", (int)replicas,
				   "fullyLabeledReplicas", (int)replicas, "observedGeneration", 1);
	if (ready) {
		json_object_set_new(status, "readyReplicas", json_integer(ready));
		json_object_set_new(status, "availableReplicas", json_integer(ready));
	}
	return json_pack("{s:s, s:s, s:o, s:{s:i, s:o, s:o}, s:o}", "apiVersion", "apps/v1",
			 "kind", "ReplicaSet", "metadata", md, "spec", "replicas", (int)replicas,
			 "selector", sel, "template",
			 pod_template(m, w->svc, w->env, image, hash), "status", status);
}

static json_t *deploy_conditions(const struct sc_gen *g, const struct sc_workload *w,
				 unsigned ready)
{
	char ts[21], msg[256];
	sc_time(g, w->rs_age - 5, ts);
	bool available = ready >= w->replicas;
	snprintf(msg, sizeof(msg), "ReplicaSet \"%s\" has successfully progressed.", w->rs_name);
	json_t *progressing = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "type", "Progressing",
					"status", "True", "lastUpdateTime", ts, "lastTransitionTime",
					ts, "reason", "NewReplicaSetAvailable", "message", msg);
	if (!available) {
		snprintf(msg, sizeof(msg), "ReplicaSet \"%s\" is progressing.", w->rs_name);
		json_object_set_new(progressing, "reason", json_string("ReplicaSetUpdated"));
		json_object_set_new(progressing, "message", json_string(msg));
	}
	return json_pack("[{s:s, s:s, s:s, s:s, s:s, s:s}, o]", "type", "Available", "status",
			 available ? "True" : "False", "lastUpdateTime", ts, "lastTransitionTime",
			 ts, "reason", available ? "MinimumReplicasAvailable"
						 : "MinimumReplicasUnavailable",
			 "message", available ? "Deployment has minimum availability."
					      : "Deployment does not have minimum availability.",
			 progressing);
}

static void add_deployment(struct sc_gen *g, const struct sc_workload *w, long age,
			   int revision, unsigned ready, const char *uid)
{
	const struct sc_model *m = g->m;
	const char *name = m->services[w->svc].name;
	json_t *md = sc_metadata(g, w->cluster, "Deployment", w->ns, name, age);
	json_object_set_new(md, "labels", sc_labels(m, w->svc, w->env));
	json_object_set_new(md, "uid", json_string(uid));
	json_object_set_new(md, "generation", json_integer(revision));
	char rev[16];
	snprintf(rev, sizeof(rev), "%d", revision);
	json_object_set_new(md, "annotations",
			    json_pack("{s:s}", "deployment.kubernetes.io/revision", rev));
	json_t *status = json_pack("{s:i, s:i, s:i, s:i, s:i, s:o}", "observedGeneration",
				   revision, "replicas", (int)w->replicas, "updatedReplicas",
				   (int)w->replicas, "readyReplicas", (int)ready, "availableReplicas",
				   (int)ready, "conditions", deploy_conditions(g, w, ready));
	if (ready < w->replicas)
		json_object_set_new(status, "unavailableReplicas", json_integer(w->replicas - ready));
	json_t *d = json_pack("{s:s, s:s, s:o, s:{s:i, s:o, s:o, s:{s:s, s:{s:s, s:s}},"
			      " s:i, s:i}, s:o}",
			      "apiVersion", "apps/v1", "kind", "Deployment", "metadata", md, "spec",
			      "replicas", (int)w->replicas, "selector", selector(m, w->svc),
			      "template", pod_template(m, w->svc, w->env, w->image, NULL), "strategy",
			      "type", "RollingUpdate", "rollingUpdate", "maxUnavailable", "25%",
			      "maxSurge", "25%", "revisionHistoryLimit", 10,
			      "progressDeadlineSeconds", 600, "status", status);
	sc_add(g, w->ci, d);
}

static void add_service(struct sc_gen *g, const struct sc_workload *w)
{
	const struct sc_model *m = g->m;
	const struct sc_service *s = &m->services[w->svc];
	json_t *md = sc_metadata(g, w->cluster, "Service", w->ns, s->name, w->deploy_age);
	json_object_set_new(md, "labels", sc_labels(m, w->svc, w->env));
	uint64_t h = sc_hash2(w->ns, s->name);
	char ip[32];
	snprintf(ip, sizeof(ip), "10.96.%u.%u", (unsigned)(h % 250) + 1,
		 (unsigned)((h >> 8) % 250) + 2);
	json_t *svc = json_pack(
		"{s:s, s:s, s:o, s:{s:s, s:s, s:[s], s:s, s:[s], s:s, s:s, s:[{s:s, s:i, s:s,"
		" s:i}], s:{s:s}}, s:{s:{}}}",
		"apiVersion", "v1", "kind", "Service", "metadata", md, "spec", "type", "ClusterIP",
		"clusterIP", ip, "clusterIPs", ip, "ipFamilyPolicy", "SingleStack", "ipFamilies",
		"IPv4", "internalTrafficPolicy", "Cluster", "sessionAffinity", "None", "ports",
		"name", "http", "port", 80, "protocol", "TCP", "targetPort", (int)s->port,
		"selector", "app.kubernetes.io/name", s->name, "status", "loadBalancer");
	sc_add(g, w->ci, svc);
}

static void add_ingress(struct sc_gen *g, const struct sc_workload *w)
{
	const struct sc_model *m = g->m;
	const struct sc_service *s = &m->services[w->svc];
	json_t *md = sc_metadata(g, w->cluster, "Ingress", w->ns, s->name, w->deploy_age);
	json_object_set_new(md, "labels", sc_labels(m, w->svc, w->env));
	char *host = xasprintf("%s.%s.example.com", s->name, m->envs[w->env].name);
	char lb[32];
	snprintf(lb, sizeof(lb), "10.%zu.250.%zu", 10 + w->ci, 10 + w->env);
	json_t *ing = json_pack(
		"{s:s, s:s, s:o, s:{s:s, s:[{s:[s], s:s}], s:[{s:s, s:{s:[{s:s, s:s,"
		" s:{s:{s:s, s:{s:i}}}}]}}]}, s:{s:{s:[{s:s}]}}}",
		"apiVersion", "networking.k8s.io/v1", "kind", "Ingress", "metadata", md, "spec",
		"ingressClassName", "nginx", "tls", "hosts", host, "secretName", "wildcard-tls",
		"rules", "host", host, "http", "paths", "path", "/", "pathType", "Prefix", "backend",
		"service", "name", s->name, "port", "number", 80, "status", "loadBalancer", "ingress",
		"ip", lb);
	free(host);
	sc_add(g, w->ci, ing);
}

static void add_config(struct sc_gen *g, const struct sc_workload *w)
{
	const struct sc_model *m = g->m;
	const struct sc_service *s = &m->services[w->svc];
	const char *tenant = m->tenants[s->tenant_idx].name, *env = m->envs[w->env].name;
	json_t *md = sc_metadata(g, w->cluster, "ConfigMap", w->ns, s->name, w->deploy_age);
	json_object_set_new(md, "labels", sc_labels(m, w->svc, w->env));
	char port[16];
	snprintf(port, sizeof(port), "%u", s->port);
	json_t *cm = json_pack("{s:s, s:s, s:o, s:{s:s, s:s, s:s, s:s, s:s}}", "apiVersion", "v1",
			       "kind", "ConfigMap", "metadata", md, "data", "ENVIRONMENT", env,
			       "TENANT", tenant, "LOG_LEVEL",
			       strcmp(env, "dev") == 0 ? "debug" : "info", "HTTP_PORT", port,
			       "OTEL_EXPORTER_OTLP_ENDPOINT",
			       "http://otel-collector.monitoring.svc:4317");
	sc_add(g, w->ci, cm);
	md = sc_metadata(g, w->cluster, "Secret", w->ns, s->name, w->deploy_age);
	json_object_set_new(md, "labels", sc_labels(m, w->svc, w->env));
	char *dsn = xasprintf("postgres://%s:demo-only@db.%s.svc:5432/%s", s->name, w->ns, s->name);
	char key[40];
	snprintf(key, sizeof(key), "sk_demo_%016llx", (unsigned long long)sc_hash(w->ns));
	json_t *secret = json_pack("{s:s, s:s, s:o, s:s, s:{s:o, s:o}}", "apiVersion", "v1",
				   "kind", "Secret", "metadata", md, "type", "Opaque", "data",
				   "DATABASE_URL", sc_base64(dsn), "API_KEY", sc_base64(key));
	free(dsn);
	sc_add(g, w->ci, secret);
}

static void add_scaling_events(struct sc_gen *g, const struct sc_workload *w,
			       const char *deploy_uid, const char *old_rs)
{
	const char *name = g->m->services[w->svc].name;
	char msg[256];
	snprintf(msg, sizeof(msg), "Scaled up replica set %s from 0 to %u", w->rs_name, w->replicas);
	struct sc_event e = {w->ns, "apps/v1", "Deployment", name, deploy_uid, NULL, "Normal",
			     "ScalingReplicaSet", msg, "deployment-controller", NULL, 1,
			     w->rs_age, w->rs_age};
	sc_gen_event(g, w->ci, &e);
	char msg2[256];
	snprintf(msg2, sizeof(msg2), "Scaled down replica set %s from %u to 0", old_rs, w->replicas);
	e.message = msg2;
	e.first_ago = e.last_ago = w->rs_age > 90 ? w->rs_age - 60 : w->rs_age;
	sc_gen_event(g, w->ci, &e);
}

static void gen_one(struct sc_gen *g, size_t svc, size_t env)
{
	const struct sc_model *m = g->m;
	const struct sc_service *s = &m->services[svc];
	struct sc_workload w = {.svc = svc, .env = env, .ci = m->envs[env].cluster_idx};
	w.cluster = m->clusters[w.ci].name;
	w.ns = sc_namespace_name(m, svc, env);
	w.incident = sc_incident_for(m, svc, env);
	/* one broken pod per incident, and one hostile pod: keep those to one replica */
	w.replicas = w.incident || (m->hostile_service == (long)svc && m->hostile_env == (long)env)
			     ? 1 : s->replicas;
	const char *tenant = m->tenants[s->tenant_idx].name;
	char *prev = sc_prev_version(s->versions[env]);
	w.image = xasprintf("%s/%s/%s:%s", m->registry, tenant, s->name, s->versions[env]);
	w.prev_image = xasprintf("%s/%s/%s:%s", m->registry, tenant, s->name, prev);
	free(prev);
	char key[512], old_hash[11], deploy_uid[37];
	snprintf(key, sizeof(key), "%s/%s", w.ns, w.image);
	sc_hash_name(key, w.hash, 10);
	snprintf(key, sizeof(key), "%s/%s", w.ns, w.prev_image);
	sc_hash_name(key, old_hash, 10);
	w.rs_name = xasprintf("%s-%s", s->name, w.hash);
	char *old_rs = xasprintf("%s-%s", s->name, old_hash);
	sc_uid(deploy_uid, w.cluster, "Deployment", w.ns, s->name);
	sc_uid(w.rs_uid, w.cluster, "ReplicaSet", w.ns, w.rs_name);
	long deploy_age = sc_age(w.ns, 20 * 86400, 30 * 86400) - (long)svc * 600;
	w.deploy_age = deploy_age;
	w.rs_age = w.incident ? sc_age(w.rs_name, 25 * 60, 3 * 3600)
			      : sc_age(w.rs_name, 3600, 12 * 86400);
	int revision = 2 + (int)(sc_hash(w.rs_name) % 7);
	json_t *rs = rs_object(g, &w, w.rs_name, w.hash, w.image, revision, w.replicas, 0,
			       w.rs_age, deploy_uid);
	w.template = json_object_get(json_object_get(rs, "spec"), "template");
	unsigned ready = sc_gen_pods(g, &w);
	if (ready) {
		json_t *st = json_object_get(rs, "status");
		json_object_set_new(st, "readyReplicas", json_integer(ready));
		json_object_set_new(st, "availableReplicas", json_integer(ready));
	}
	add_deployment(g, &w, deploy_age, revision, ready, deploy_uid);
	sc_add(g, w.ci, rs);
	sc_add(g, w.ci, rs_object(g, &w, old_rs, old_hash, w.prev_image, revision - 1, 0, 0,
				  deploy_age, deploy_uid));
	add_scaling_events(g, &w, deploy_uid, old_rs);
	add_service(g, &w);
	if (s->web)
		add_ingress(g, &w);
	add_config(g, &w);
	free(old_rs);
	free(w.rs_name);
	free(w.image);
	free(w.prev_image);
	free(w.ns);
}

void sc_gen_workloads(struct sc_gen *g)
{
	for (size_t e = 0; e < g->m->nenvs; e++)
		for (size_t s = 0; s < g->m->nservices; s++)
			gen_one(g, s, e);
}
