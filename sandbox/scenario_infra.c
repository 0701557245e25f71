/* The clusters' own furniture: namespaces (system, control-plane and one per tenant and
 * environment) and Ready nodes with kubelet versions, roles, addresses and capacity. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/scenario_model.h"

static void add_namespace(struct sc_gen *g, size_t ci, const char *name, long age,
			  const char *tenant, const char *env)
{
	json_t *md = sc_metadata(g, g->m->clusters[ci].name, "Namespace", NULL, name, age);
	json_t *labels = json_object_get(md, "labels");
	json_object_set_new(labels, "kubernetes.io/metadata.name", json_string(name));
	if (tenant) {
		json_object_set_new(labels, "app.kubernetes.io/part-of", json_string(tenant));
		json_object_set_new(labels, "platform.opsdeck.dev/tenant", json_string(tenant));
		json_object_set_new(labels, "platform.opsdeck.dev/environment", json_string(env));
	}
	json_t *ns = json_pack("{s:s, s:s, s:o, s:{s:[s]}, s:{s:s}}", "apiVersion", "v1", "kind",
			       "Namespace", "metadata", md, "spec", "finalizers", "kubernetes",
			       "status", "phase", "Active");
	json_array_append_new(g->namespaces[ci], ns);
}

void sc_gen_namespaces(struct sc_gen *g)
{
	const struct sc_model *m = g->m;
	const long day = 86400;
	for (size_t ci = 0; ci < m->nclusters; ci++) {
		add_namespace(g, ci, "default", 30 * day, NULL, NULL);
		add_namespace(g, ci, "kube-system", 30 * day, NULL, NULL);
		for (size_t k = 0; k < m->clusters[ci].nnamespaces; k++)
			add_namespace(g, ci, m->clusters[ci].namespaces[k], 29 * day, NULL, NULL);
	}
	for (size_t e = 0; e < m->nenvs; e++)
		for (size_t t = 0; t < m->ntenants; t++) {
			char *name = xasprintf("%s-%s", m->tenants[t].name, m->envs[e].name);
			add_namespace(g, m->envs[e].cluster_idx, name, 28 * day, m->tenants[t].name,
				      m->envs[e].name);
			free(name);
		}
}

static json_t *node_conditions(const char *ts)
{
	json_t *c = json_array();
	static const char *const pressure[][3] = {
		{"MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"},
		{"DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
		{"PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
		{"Ready", "KubeletReady", "kubelet is posting ready status"},
	};
	for (size_t i = 0; i < 4; i++)
		json_array_append_new(
			c, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "type", pressure[i][0], "status",
				     i == 3 ? "True" : "False", "lastHeartbeatTime", ts,
				     "lastTransitionTime", ts, "reason", pressure[i][1], "message",
				     pressure[i][2]));
	return c;
}

static json_t *node_status(const struct sc_cluster_def *c, const char *name, const char *ip,
			   const char *ts)
{
	char machine[33];
	snprintf(machine, sizeof(machine), "%016llx%016llx",
		 (unsigned long long)sc_hash(name), (unsigned long long)sc_hash2(name, "machine"));
	return json_pack(
		"{s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s}, s:o,"
		" s:[{s:s, s:s}, {s:s, s:s}], s:{s:{s:i}},"
		" s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}}",
		"capacity", "cpu", "8", "ephemeral-storage", "203056560Ki", "memory", "32863364Ki",
		"pods", "110",
		"allocatable", "cpu", "7910m", "ephemeral-storage", "187136925387", "memory",
		"29251204Ki", "pods", "110",
		"conditions", node_conditions(ts),
		"addresses", "type", "InternalIP", "address", ip, "type", "Hostname", "address", name,
		"daemonEndpoints", "kubeletEndpoint", "Port", 10250,
		"nodeInfo", "machineID", machine, "systemUUID", machine, "bootID", machine,
		"kernelVersion", "6.8.0-1017-aws", "osImage", "Ubuntu 22.04.5 LTS",
		"containerRuntimeVersion", "containerd://1.7.22", "kubeletVersion",
		c->kubelet_version, "kubeProxyVersion", c->kubelet_version, "operatingSystem",
		"linux", "architecture", "amd64");
}

static void add_node(struct sc_gen *g, size_t ci, unsigned i)
{
	const struct sc_cluster_def *c = &g->m->clusters[ci];
	char name[64], ip[32], cidr[32], zone[64], ts[21];
	sc_node_name(g->m, ci, i, name);
	snprintf(ip, sizeof(ip), "10.%zu.0.%u", 10 + ci, 10 + i);
	snprintf(cidr, sizeof(cidr), "10.%zu.%u.0/24", 100 + ci, i + 1);
	snprintf(zone, sizeof(zone), "%s%c", c->region, 'a' + (int)(i % 3));
	sc_time(g, 60, ts);
	json_t *md = sc_metadata(g, c->name, "Node", NULL, name, 30 * 86400 - 600 * (long)i);
	json_t *labels = json_object_get(md, "labels");
	json_object_set_new(labels, "kubernetes.io/arch", json_string("amd64"));
	json_object_set_new(labels, "kubernetes.io/hostname", json_string(name));
	json_object_set_new(labels, "kubernetes.io/os", json_string("linux"));
	json_object_set_new(labels, "node.kubernetes.io/instance-type", json_string("m6i.2xlarge"));
	json_object_set_new(labels, "topology.kubernetes.io/region", json_string(c->region));
	json_object_set_new(labels, "topology.kubernetes.io/zone", json_string(zone));
	json_object_set_new(labels, i == 0 ? "node-role.kubernetes.io/control-plane"
					   : "node-role.kubernetes.io/worker",
			    json_string(""));
	json_t *node = json_pack("{s:s, s:s, s:o, s:{s:s, s:[s]}, s:o}", "apiVersion", "v1",
				 "kind", "Node", "metadata", md, "spec", "podCIDR", cidr,
				 "podCIDRs", cidr, "status", node_status(c, name, ip, ts));
	sc_add(g, ci, node);
}

void sc_gen_nodes(struct sc_gen *g)
{
	for (size_t ci = 0; ci < g->m->nclusters; ci++)
		for (unsigned i = 0; i < g->m->clusters[ci].nodes; i++)
			add_node(g, ci, i);
}
