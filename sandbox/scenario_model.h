/* The scenario file read into plain structs (scenario_parse.c), and the helpers every
 * generator file shares (scenario_meta.c): deterministic uids, ages, labels. Private to
 * sandbox/scenario*.c. */
#ifndef OPSDECK_SANDBOX_SCENARIO_MODEL_H
#define OPSDECK_SANDBOX_SCENARIO_MODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sandbox/scenario.h"

struct sc_cluster_def {
	char *name;
	bool control_plane;
	char **namespaces;        /* extra namespaces besides default/kube-system */
	size_t nnamespaces;
	char **crd_groups;        /* which CRD groups from ../crds this cluster serves */
	size_t ncrd_groups;
	unsigned nodes;
	char *kubelet_version;
	char *region;
};

struct sc_env {
	char *name;
	char *cluster;
	size_t cluster_idx;
	char *protection;         /* none | confirm */
	char *freeze;             /* freeze window (cron-ish text) or NULL */
	bool automated;           /* Argo CD automated sync */
};

struct sc_tenant {
	char *name;
	char *description;
	unsigned release_days;    /* release_every_days: days between releases (default 8) */
	unsigned fail_one_in;     /* failed_one_in: about one release in N failed in the last
				   * environment and was reverted hours later (0: none) */
};

struct sc_statefulset {
	char *name;
	char *image;
	unsigned replicas;
	unsigned port;
};

struct sc_service {
	char *name;
	size_t tenant_idx;
	bool web;                 /* gets an Ingress */
	bool sidecar;             /* a log-shipper sidecar container */
	unsigned replicas;
	unsigned port;
	char *log_style;          /* text | json */
	unsigned log_interval_ms;
	char **versions;          /* one per environment, in environment order */
	struct sc_statefulset *sts;
};

enum sc_incident_kind { SC_CRASHLOOP, SC_IMAGEPULL, SC_PENDING };

struct sc_incident {
	enum sc_incident_kind kind;
	size_t service_idx;
	size_t env_idx;
	bool oomkilled;           /* crashloop: exit 137 OOMKilled, else exit 1 Error */
};

struct sc_drift {
	size_t service_idx;
	size_t env_idx;
	char *git_version;        /* what Git says; the cluster runs the versions[] one */
};

/* A release of a service whose pods crash-loop in some environments (for failed
 * promotions): one that passes the early ones and breaks on production config. */
struct sc_bad_version {
	size_t service_idx;
	char *version;
	bool *in_env;             /* per environment (nenvs): the release crashes there */
};

struct sc_model {
	struct sc_cluster_def *clusters;
	size_t nclusters;
	struct sc_env *envs;
	size_t nenvs;
	struct sc_tenant *tenants;
	size_t ntenants;
	struct sc_service *services;
	size_t nservices;
	struct sc_incident *incidents;
	size_t nincidents;
	struct sc_drift *drifts;
	size_t ndrifts;
	long hostile_service;     /* index, or -1 */
	long hostile_env;
	char *gitops_repo;
	char *gitops_path;        /* pattern with {env} and {service} */
	char *gitops_revision;
	time_t gitops_until;      /* gitops.history_until: when the recorded deploys end
				   * (fixed, so the repository's shas are the same every
				   * start); 0: the scenario clock */
	struct sc_bad_version *bad_versions;
	size_t nbad_versions;
	char *registry;
};

/* scenario_parse.c: reads the file into m; 0, or -1 with err naming file:line:col or the
 * key path. */
int sc_model_parse(const char *path, struct sc_model *m, char *err, size_t errlen);
void sc_model_free(struct sc_model *m);

/* The generator's state: the model, the clock, and per cluster the objects so far. */
struct sc_gen {
	const struct sc_model *m;
	time_t now;
	json_t **crds;            /* per cluster */
	json_t **namespaces;      /* per cluster */
	json_t **rest;            /* per cluster */
	size_t base_pods;         /* pods the scenario itself made */
};

/* scenario_meta.c */
uint64_t sc_hash(const char *s);
uint64_t sc_hash2(const char *a, const char *b);
/* "8-4-4-4-12" hex from cluster/kind/namespace/name; out holds 37 bytes. */
void sc_uid(char out[37], const char *cluster, const char *kind, const char *ns,
	    const char *name);
/* RFC 3339 UTC for now - seconds_ago; out holds 21 bytes. */
void sc_time(const struct sc_gen *g, long seconds_ago, char out[21]);
/* A deterministic age in [min, max] seconds for key. */
long sc_age(const char *key, long min, long max);
/* The pod-template-hash alphabet, n chars from the hash of key. */
void sc_hash_name(const char *key, char *out, size_t n);
/* New metadata {name, namespace?, uid, creationTimestamp, labels{}}. */
json_t *sc_metadata(const struct sc_gen *g, const char *cluster, const char *kind,
		    const char *ns, const char *name, long age);
/* The platform labels for a service in an environment (a new object). */
json_t *sc_labels(const struct sc_model *m, size_t svc, size_t env);
json_t *sc_owner_ref(const char *api_version, const char *kind, const char *name,
		     const char *uid);
/* Appends obj (stolen) to cluster ci's main list. */
void sc_add(struct sc_gen *g, size_t ci, json_t *obj);
json_t *sc_base64(const char *s);
/* The previous release of version "a.b.c" (a.b.c-1, or a.(b-1).9, ...); caller frees. */
char *sc_prev_version(const char *v);

/* scenario_events.c: one core/v1 Event about an object. */
struct sc_event {
	const char *ns;
	const char *api_version, *kind, *name, *uid;   /* the involved object */
	const char *field_path;   /* or NULL */
	const char *type;         /* Normal | Warning */
	const char *reason, *message;
	const char *component;    /* kubelet, default-scheduler, deployment-controller */
	const char *host;         /* node name for kubelet events, or NULL */
	int count;
	long first_ago, last_ago; /* seconds before now */
};
void sc_gen_event(struct sc_gen *g, size_t ci, const struct sc_event *e);

/* One service in one environment, as scenario_workloads.c and scenario_pods.c see it. */
struct sc_workload {
	size_t ci, svc, env;
	const char *cluster;
	char *ns;
	char *image, *prev_image;
	char *rs_name;            /* current ReplicaSet */
	char rs_uid[37];
	char hash[11];            /* its pod-template-hash */
	json_t *template;         /* the current pod template (borrowed) */
	unsigned replicas;
	long rs_age;
	long deploy_age;
	const struct sc_incident *incident;
};
/* scenario_pods.c: the pods of w's current ReplicaSet and their events; returns how many
 * are ready. */
unsigned sc_gen_pods(struct sc_gen *g, const struct sc_workload *w);
/* Container statuses, conditions etc. for a healthy running pod, shared by the
 * statefulset generator. */
json_t *sc_running_status(const struct sc_gen *g, json_t *containers, const char *pod,
			  const char *node_ip, const char *pod_ip, long age);

/* Generators, one file per concept. */
void sc_gen_namespaces(struct sc_gen *g);
void sc_gen_nodes(struct sc_gen *g);
void sc_gen_workloads(struct sc_gen *g);
void sc_gen_statefulsets(struct sc_gen *g);
void sc_gen_argocd(struct sc_gen *g, unsigned total_apps);
void sc_gen_security(struct sc_gen *g);
void sc_gen_load(struct sc_gen *g, unsigned total_pods);
char *sc_platform_yaml(const struct sc_model *m);
/* Loads sandbox/crds (dir) into g->crds per cluster by group. */
int sc_load_crds(struct sc_gen *g, const char *dir, char *err, size_t errlen);

/* Shared facts about a service in an environment, used by several generators. */
const struct sc_incident *sc_incident_for(const struct sc_model *m, size_t svc, size_t env);
const struct sc_drift *sc_drift_for(const struct sc_model *m, size_t svc, size_t env);
/* The images of service svc that crash-loop in environment env, comma-separated (a new
 * string), or NULL. */
char *sc_bad_images(const struct sc_model *m, size_t svc, size_t env);
/* "<tenant>-<env>" into a new string. */
char *sc_namespace_name(const struct sc_model *m, size_t svc, size_t env);
/* Node name i (0-based) of cluster ci; out holds 64 bytes. */
void sc_node_name(const struct sc_model *m, size_t ci, unsigned i, char out[64]);

#endif
