/* Security reports in the workload clusters, as Trivy Operator and a policy engine write
 * them: a VulnerabilityReport per container of every current ReplicaSet (the same image
 * always gets the same findings), a ConfigAuditReport per tenant namespace, and a
 * wgpolicyk8s.io PolicyReport per tenant namespace. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/scenario_model.h"

struct vuln {
	const char *id, *resource, *installed, *fixed, *severity, *title, *published;
	double score;
};

/* Real advisories, so links and titles mean something when someone follows them. */
static const struct vuln vulns[] = {
	{"CVE-2024-45337", "golang.org/x/crypto", "v0.21.0", "0.31.0", "CRITICAL",
	 "golang.org/x/crypto/ssh: Misuse of ServerConfig.PublicKeyCallback may cause "
	 "authorization bypass in golang.org/x/crypto", "2024-12-12T02:02:07Z", 9.1},
	{"CVE-2023-45853", "zlib1g", "1:1.2.13.dfsg-1", "", "CRITICAL",
	 "zlib: integer overflow and resultant heap-based buffer overflow in "
	 "zipOpenNewFileInZip4_6", "2023-10-14T02:15:09Z", 9.8},
	{"CVE-2023-44487", "golang.org/x/net", "v0.7.0", "0.17.0", "HIGH",
	 "HTTP/2: Multiple HTTP/2 enabled web servers are vulnerable to a DDoS attack (Rapid "
	 "Reset Attack)", "2023-10-10T14:15:10Z", 7.5},
	{"CVE-2024-2961", "libc6", "2.36-9+deb12u4", "2.36-9+deb12u7", "HIGH",
	 "glibc: Out of bounds write in iconv may lead to remote code execution",
	 "2024-04-17T18:15:15Z", 8.8},
	{"CVE-2023-5363", "libssl3", "3.0.11-1~deb12u1", "3.0.11-1~deb12u2", "HIGH",
	 "openssl: Incorrect cipher key and IV length processing", "2023-10-25T18:17:43Z", 7.5},
	{"CVE-2024-0553", "libgnutls30", "3.7.9-2+deb12u1", "3.7.9-2+deb12u2", "MEDIUM",
	 "gnutls: incomplete fix for CVE-2023-5981", "2024-01-16T12:15:45Z", 5.9},
	{"CVE-2024-6119", "libssl3", "3.0.11-1~deb12u1", "3.0.14-1~deb12u2", "MEDIUM",
	 "openssl: Possible denial of service in X.509 name checks", "2024-09-03T16:15:07Z", 7.5},
	{"CVE-2022-3715", "bash", "5.2.15-2+b2", "", "LOW",
	 "bash: a heap-buffer-overflow in valid_parameter_transform", "2023-01-05T15:15:10Z", 7.8},
	{"CVE-2016-2781", "coreutils", "9.1-1", "", "LOW",
	 "coreutils: Non-privileged session can escape to the parent session in chroot",
	 "2017-02-07T15:59:00Z", 6.5},
};

static json_t *vuln_json(const struct vuln *v, const char *target)
{
	char *link = xasprintf("https://avd.aquasec.com/nvd/%s", v->id);
	for (char *p = link + strlen("https://avd.aquasec.com/nvd/"); *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[], s:f, s:s}",
			      "vulnerabilityID", v->id, "resource", v->resource, "installedVersion",
			      v->installed, "fixedVersion", v->fixed, "publishedDate", v->published,
			      "lastModifiedDate", v->published, "severity", v->severity, "title",
			      v->title, "primaryLink", link, "links", "score", v->score, "target",
			      target);
	free(link);
	return j;
}

static void count(json_t *summary, const char *severity)
{
	char key[32];
	snprintf(key, sizeof(key), "%cCount", severity[0] + ('a' - 'A'));
	const char *names[] = {"criticalCount", "highCount", "mediumCount", "lowCount"};
	for (int i = 0; i < 4; i++)
		if (names[i][0] == key[0]) {
			json_t *v = json_object_get(summary, names[i]);
			json_object_set_new(summary, names[i], json_integer(json_integer_value(v) + 1));
		}
}

/* image "host/repo/name:tag" -> report.artifact and the findings for that image. */
static json_t *vuln_report_body(const struct sc_gen *g, const char *image)
{
	const char *slash = strchr(image, '/'), *colon = strrchr(image, ':');
	char *repo = xstrndup(slash + 1, (size_t)(colon - slash - 1));
	char ts[21], digest[80];
	sc_time(g, 3600 + (long)(sc_hash(image) % 7200), ts);
	snprintf(digest, sizeof(digest), "sha256:%016llx%016llx%016llx%016llx",
		 (unsigned long long)sc_hash(image), (unsigned long long)sc_hash2(image, "1"),
		 (unsigned long long)sc_hash2(image, "2"), (unsigned long long)sc_hash2(image, "3"));
	json_t *summary = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}", "criticalCount", 0,
				    "highCount", 0, "mediumCount", 0, "lowCount", 0, "unknownCount",
				    0, "noneCount", 0);
	json_t *list = json_array();
	char *target = xasprintf("%s (debian 12.7)", image);
	for (size_t i = 0; i < sizeof(vulns) / sizeof(vulns[0]); i++) {
		if (sc_hash2(image, vulns[i].id) % 3 != 0)
			continue;
		json_array_append_new(list, vuln_json(&vulns[i], target));
		count(summary, vulns[i].severity);
	}
	free(target);
	json_t *body = json_pack("{s:s, s:{s:s, s:s, s:s}, s:{s:s}, s:{s:s, s:s, s:s}, s:{s:s, s:s},"
				 " s:o, s:o}",
				 "updateTimestamp", ts, "scanner", "name", "Trivy", "vendor",
				 "Aqua Security", "version", "0.56.2", "registry", "server",
				 g->m->registry, "artifact", "repository", repo, "tag", colon + 1,
				 "digest", digest, "os", "family", "debian", "name", "12.7",
				 "summary", summary, "vulnerabilities", list);
	free(repo);
	return body;
}

static json_t *report_metadata(struct sc_gen *g, size_t ci, const char *kind, const char *name,
			       json_t *rs, const char *container)
{
	json_t *rmd = json_object_get(rs, "metadata");
	const char *ns = json_string_value(json_object_get(rmd, "namespace"));
	const char *rs_name = json_string_value(json_object_get(rmd, "name"));
	json_t *md = sc_metadata(g, g->m->clusters[ci].name, kind, ns, name,
				 3600 + (long)(sc_hash(name) % 7200));
	json_t *labels = json_object_get(md, "labels");
	json_object_set_new(labels, "trivy-operator.resource.kind", json_string("ReplicaSet"));
	json_object_set_new(labels, "trivy-operator.resource.name", json_string(rs_name));
	json_object_set_new(labels, "trivy-operator.resource.namespace", json_string(ns));
	if (container)
		json_object_set_new(labels, "trivy-operator.container.name", json_string(container));
	json_object_set(labels, "resource-spec-hash",
			json_object_get(json_object_get(rmd, "labels"), "pod-template-hash"));
	json_object_set_new(md, "annotations", json_pack("{s:s}", "trivy-operator.aquasecurity.github.io/report-ttl", "24h0m0s"));
	json_object_set_new(md, "ownerReferences",
			    json_pack("[{s:s, s:s, s:s, s:O, s:b, s:b}]", "apiVersion", "apps/v1",
				      "kind", "ReplicaSet", "name", rs_name, "uid",
				      json_object_get(rmd, "uid"), "controller", 1,
				      "blockOwnerDeletion", 0));
	return md;
}

static void gen_vuln_reports(struct sc_gen *g, size_t ci, json_t *rs)
{
	const char *rs_name = json_string_value(json_object_get(json_object_get(rs, "metadata"), "name"));
	json_t *containers = json_object_get(
		json_object_get(json_object_get(json_object_get(rs, "spec"), "template"), "spec"),
		"containers");
	size_t i;
	json_t *c;
	json_array_foreach(containers, i, c) {
		const char *cname = json_string_value(json_object_get(c, "name"));
		char *name = xasprintf("replicaset-%s-%s", rs_name, cname);
		json_t *md = report_metadata(g, ci, "VulnerabilityReport", name, rs, cname);
		sc_add(g, ci, json_pack("{s:s, s:s, s:o, s:o}", "apiVersion",
					"aquasecurity.github.io/v1alpha1", "kind",
					"VulnerabilityReport", "metadata", md, "report",
					vuln_report_body(g, json_string_value(json_object_get(c, "image")))));
		free(name);
	}
}

static json_t *audit_check(const char *id, const char *title, const char *severity,
			   const char *container, const char *remediation)
{
	char *msg = xasprintf("Container '%s' of ReplicaSet should set %s", container, remediation);
	json_t *c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:[s], s:s}", "checkID", id, "title",
			      title, "severity", severity, "category", "Kubernetes Security Check",
			      "description", title, "success", 0, "messages", msg, "remediation",
			      remediation);
	free(msg);
	return c;
}

static void gen_config_audit(struct sc_gen *g, size_t ci, json_t *rs, const char *container)
{
	const char *rs_name = json_string_value(json_object_get(json_object_get(rs, "metadata"), "name"));
	char *name = xasprintf("replicaset-%s", rs_name);
	json_t *md = report_metadata(g, ci, "ConfigAuditReport", name, rs, NULL);
	char ts[21];
	sc_time(g, 5400, ts);
	json_t *checks = json_pack(
		"[o, o, o, o]",
		audit_check("KSV014", "Root file system is not read-only", "HIGH", container,
			    "'securityContext.readOnlyRootFilesystem' to true"),
		audit_check("KSV012", "Runs as root user", "MEDIUM", container,
			    "'securityContext.runAsNonRoot' to true"),
		audit_check("KSV001", "Can elevate its own privileges", "MEDIUM", container,
			    "'securityContext.allowPrivilegeEscalation' to false"),
		audit_check("KSV011", "CPU not limited", "LOW", container,
			    "'resources.limits.cpu'"));
	json_t *report = json_pack("{s:s, s:{s:s, s:s, s:s}, s:{s:i, s:i, s:i, s:i}, s:o}",
				   "updateTimestamp", ts, "scanner", "name", "Trivy", "vendor",
				   "Aqua Security", "version", "0.56.2", "summary", "criticalCount",
				   0, "highCount", 1, "mediumCount", 2, "lowCount", 1, "checks",
				   checks);
	sc_add(g, ci, json_pack("{s:s, s:s, s:o, s:o}", "apiVersion",
				"aquasecurity.github.io/v1alpha1", "kind", "ConfigAuditReport",
				"metadata", md, "report", report));
	free(name);
}

static json_t *policy_result(const struct sc_gen *g, const char *policy, const char *rule,
			     const char *result, const char *severity, const char *msg,
			     json_t *deploy)
{
	json_t *md = json_object_get(deploy, "metadata");
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:[{s:s, s:s, s:O, s:O, s:O}],"
			 " s:{s:I, s:i}}",
			 "policy", policy, "rule", rule, "result", result, "severity", severity,
			 "category", "Pod Security Standards (Baseline)", "source", "kyverno",
			 "scored", 1, "message", msg, "resources", "apiVersion", "apps/v1", "kind",
			 "Deployment", "name", json_object_get(md, "name"), "namespace",
			 json_object_get(md, "namespace"), "uid", json_object_get(md, "uid"),
			 "timestamp", "seconds", (json_int_t)(g->now - 1800), "nanos", 0);
}

static void gen_policy_report(struct sc_gen *g, size_t ci, const char *ns, json_t *deploys)
{
	json_t *results = json_array();
	int pass = 0, fail = 0, warn = 0;
	size_t i;
	json_t *d;
	json_array_foreach(deploys, i, d) {
		json_array_append_new(results, policy_result(g, "require-labels", "check-team",
							     "pass", "medium", "validation rule 'check-team' passed.", d));
		pass++;
		bool latest = sc_hash2(ns, json_string_value(json_object_get(json_object_get(d, "metadata"), "name"))) % 4 == 0;
		json_array_append_new(results, policy_result(g, "require-run-as-nonroot", "run-as-non-root",
							     latest ? "fail" : "warn", "medium",
							     "validation error: Running as root is not allowed. Either the "
							     "field spec.securityContext.runAsNonRoot or all of "
							     "spec.containers[*].securityContext.runAsNonRoot must be set to "
							     "true.", d));
		latest ? fail++ : warn++;
	}
	json_t *md = sc_metadata(g, g->m->clusters[ci].name, "PolicyReport", ns, "platform-baseline",
				 1800);
	json_object_set_new(json_object_get(md, "labels"), "app.kubernetes.io/managed-by",
			    json_string("kyverno"));
	sc_add(g, ci, json_pack("{s:s, s:s, s:o, s:{s:i, s:i, s:i, s:i, s:i}, s:o}", "apiVersion",
				"wgpolicyk8s.io/v1alpha2", "kind", "PolicyReport", "metadata", md,
				"summary", "pass", pass, "fail", fail, "warn", warn, "error", 0,
				"skip", 0, "results", results));
}

static bool is_tenant_namespace(json_t *obj)
{
	return json_object_get(json_object_get(json_object_get(obj, "metadata"), "labels"),
			       "platform.opsdeck.dev/tenant") != NULL;
}

/* Reports for one cluster, from the objects already generated there. */
static void gen_cluster(struct sc_gen *g, size_t ci)
{
	json_t *rest = g->rest[ci];
	size_t n = json_array_size(rest);   /* reports are appended: stop at the old end */
	json_t *by_ns = json_object();      /* namespace -> its deployments */
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(rest, i);
		const char *kind = json_string_value(json_object_get(o, "kind"));
		if (!is_tenant_namespace(o))
			continue;
		const char *ns = json_string_value(json_object_get(json_object_get(o, "metadata"), "namespace"));
		if (strcmp(kind, "Deployment") == 0) {
			json_t *list = json_object_get(by_ns, ns);
			if (!list)
				json_object_set_new(by_ns, ns, list = json_array());
			json_array_append(list, o);
		}
		if (strcmp(kind, "ReplicaSet") != 0 ||
		    json_integer_value(json_object_get(json_object_get(o, "spec"), "replicas")) == 0)
			continue;
		gen_vuln_reports(g, ci, o);
		json_t *first = json_object_get(by_ns, ns);
		if (first && json_array_size(first) == 1) {   /* the namespace's first service */
			json_t *c = json_array_get(json_object_get(json_object_get(json_object_get(
				json_object_get(o, "spec"), "template"), "spec"), "containers"), 0);
			gen_config_audit(g, ci, o, json_string_value(json_object_get(c, "name")));
		}
	}
	const char *ns;
	json_t *deploys;
	json_object_foreach(by_ns, ns, deploys)
		gen_policy_report(g, ci, ns, deploys);
	json_decref(by_ns);
}

void sc_gen_security(struct sc_gen *g)
{
	for (size_t ci = 0; ci < g->m->nclusters; ci++)
		gen_cluster(g, ci);
}
