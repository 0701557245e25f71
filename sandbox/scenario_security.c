/* Security reports in the workload clusters as Trivy Operator and a policy engine write
 * them: vulnerabilities per running container, config audits, Roles with RBAC
 * assessments, policy reports, one exposed secret, a k8s-nsa compliance report. */
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

enum image_health { IMAGE_CLEAN, IMAGE_SOME, IMAGE_BAD };

/* True when repo ("host/tenant/service") belongs to a service with a bad version. */
static bool repo_has_bad_version(const struct sc_model *m, const char *repo)
{
	for (size_t i = 0; i < m->nbad_versions; i++) {
		const struct sc_service *s = &m->services[m->bad_versions[i].service_idx];
		char *r = xasprintf("%s/%s/%s", m->registry, m->tenants[s->tenant_idx].name, s->name);
		bool hit = !strcmp(r, repo);
		free(r);
		if (hit)
			return true;
	}
	return false;
}

/* Which images carry findings. A bad version (bad_versions[]) always has the critical
 * CVE-2024-45337 whatever environment it runs in, so a promotion gate reading the source
 * environment's report blocks it. The platform team's own images (REGISTRY/platform/...,
 * the log shipper) are kept patched, and some services' repositories are clean in every
 * version, so the findings view has clean rows too; the rest get a deterministic draw
 * of the advisories below. */
static enum image_health image_health(const struct sc_model *m, const char *image)
{
	const char *colon = strrchr(image, ':');
	for (size_t i = 0; i < m->nbad_versions; i++) {
		const struct sc_bad_version *b = &m->bad_versions[i];
		const char *svc = m->services[b->service_idx].name;
		const char *tenant = m->tenants[m->services[b->service_idx].tenant_idx].name;
		char *bad = xasprintf("%s/%s/%s:%s", m->registry, tenant, svc, b->version);
		bool hit = !strcmp(bad, image);
		free(bad);
		if (hit)
			return IMAGE_BAD;
	}
	char *platform = xasprintf("%s/platform/", m->registry);
	bool ours = !strncmp(image, platform, strlen(platform));
	free(platform);
	if (ours)
		return IMAGE_CLEAN;
	char *repo = xstrndup(image, colon ? (size_t)(colon - image) : strlen(image));
	bool clean = sc_hash2(repo, "clean") % 4 == 0 && !repo_has_bad_version(m, repo);
	free(repo);
	return clean ? IMAGE_CLEAN : IMAGE_SOME;
}

/* True when image is a release still on its way to production: the version some
 * environment before the last two (pre and prd in the demo) runs. Those releases carry
 * the fixes for the critical advisories, while production's older releases still have
 * them: the findings view shows prd vulnerable, and promoting the newer release, which a
 * no-critical gate lets through, is the way out. */
static bool image_is_recent(const struct sc_model *m, const char *image)
{
	bool recent = false;
	for (size_t s = 0; s < m->nservices && !recent; s++) {
		const struct sc_service *svc = &m->services[s];
		const char *tenant = m->tenants[svc->tenant_idx].name;
		for (size_t e = 0; e + 2 < m->nenvs && !recent; e++) {
			char *img = xasprintf("%s/%s/%s:%s", m->registry, tenant, svc->name,
					      svc->versions[e]);
			recent = !strcmp(img, image);
			free(img);
		}
	}
	return recent;
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
	enum image_health health = image_health(g->m, image);
	bool recent = health == IMAGE_SOME && image_is_recent(g->m, image);
	for (size_t i = 0; i < sizeof(vulns) / sizeof(vulns[0]); i++) {
		bool forced = health == IMAGE_BAD && i == 0;
		if (health == IMAGE_CLEAN || (!forced && sc_hash2(image, vulns[i].id) % 3 != 0))
			continue;
		if (recent && !strcmp(vulns[i].severity, "CRITICAL"))
			continue;   /* fixed in the releases still moving towards production */
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

static void gen_secret_report(struct sc_gen *g, size_t ci, json_t *rs, const char *container);

static void gen_vuln_reports(struct sc_gen *g, size_t ci, json_t *rs)
{
	const char *rs_name = json_string_value(json_object_get(json_object_get(rs, "metadata"), "name"));
	json_t *containers = json_object_get(
		json_object_get(json_object_get(json_object_get(rs, "spec"), "template"), "spec"),
		"containers");
	const char *svc = json_string_value(json_object_get(json_object_get(json_object_get(rs,
		"metadata"), "labels"), "platform.opsdeck.dev/service"));
	const char *secret_service = g->m->services[g->m->nservices - 1].name;
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
		if (!strcmp(cname, secret_service) && !strcmp(svc ? svc : "", secret_service))
			gen_secret_report(g, ci, rs, cname);
	}
}

/* The image of one service (the scenario's last) has an access key baked into it: an
 * ExposedSecretReport for its main container wherever it runs. The match is masked the
 * way Trivy masks it. */
static void gen_secret_report(struct sc_gen *g, size_t ci, json_t *rs, const char *container)
{
	const char *rs_name = json_string_value(json_object_get(json_object_get(rs, "metadata"), "name"));
	char *name = xasprintf("replicaset-%s-%s", rs_name, container);
	json_t *md = report_metadata(g, ci, "ExposedSecretReport", name, rs, container);
	const char *image = json_string_value(json_object_get(json_array_get(json_object_get(
		json_object_get(json_object_get(json_object_get(rs, "spec"), "template"), "spec"),
		"containers"), 0), "image"));
	const char *slash = strchr(image, '/'), *colon = strrchr(image, ':');
	char *repo = xstrndup(slash + 1, (size_t)(colon - slash - 1));
	char ts[21];
	sc_time(g, 4000, ts);
	json_t *report = json_pack(
		"{s:s, s:{s:s, s:s, s:s}, s:{s:s}, s:{s:s, s:s}, s:{s:i, s:i, s:i, s:i},"
		" s:[{s:s, s:s, s:s, s:s, s:s, s:s}]}",
		"updateTimestamp", ts, "scanner", "name", "Trivy", "vendor", "Aqua Security",
		"version", "0.56.2", "registry", "server", g->m->registry, "artifact", "repository",
		repo, "tag", colon + 1, "summary", "criticalCount", 1, "highCount", 0,
		"mediumCount", 0, "lowCount", 0, "secrets", "ruleID", "aws-access-key-id",
		"category", "AWS", "severity", "CRITICAL", "title", "AWS Access Key ID", "target",
		"/app/config/.env", "match", "AWS_ACCESS_KEY_ID=********************");
	sc_add(g, ci, json_pack("{s:s, s:s, s:o, s:o}", "apiVersion",
				"aquasecurity.github.io/v1alpha1", "kind", "ExposedSecretReport",
				"metadata", md, "report", report));
	free(repo);
	free(name);
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

/* A Role "deployer" in a tenant namespace (the CI's deploy rights, secrets included)
 * and Trivy's assessment of it. */
static void gen_rbac(struct sc_gen *g, size_t ci, const char *ns)
{
	const char *cluster = g->m->clusters[ci].name;
	json_t *md = sc_metadata(g, cluster, "Role", ns, "deployer", 86400 * 40);
	const char *uid = json_string_value(json_object_get(md, "uid"));
	json_t *ref = sc_owner_ref("rbac.authorization.k8s.io/v1", "Role", "deployer", uid);
	sc_add(g, ci, json_pack("{s:s, s:s, s:o, s:[{s:[s], s:[s], s:[s, s, s, s, s]},"
				" {s:[s], s:[s], s:[s, s, s]}]}",
				"apiVersion", "rbac.authorization.k8s.io/v1", "kind", "Role",
				"metadata", md, "rules", "apiGroups", "", "resources", "secrets",
				"verbs", "get", "list", "create", "update", "delete", "apiGroups",
				"apps", "resources", "deployments", "verbs", "get", "list", "patch"));
	json_t *rmd = sc_metadata(g, cluster, "RbacAssessmentReport", ns, "role-deployer", 5400);
	json_t *labels = json_object_get(rmd, "labels");
	json_object_set_new(labels, "trivy-operator.resource.kind", json_string("Role"));
	json_object_set_new(labels, "trivy-operator.resource.name", json_string("deployer"));
	json_object_set_new(labels, "trivy-operator.resource.namespace", json_string(ns));
	json_object_set_new(rmd, "ownerReferences", ref);
	char ts[21];
	sc_time(g, 5400, ts);
	char *msg = xasprintf("Role 'deployer' shouldn't have access to manage secrets in "
			      "namespace '%s'", ns);
	json_t *report = json_pack(
		"{s:s, s:{s:s, s:s, s:s}, s:{s:i, s:i, s:i, s:i}, s:[{s:s, s:s, s:s, s:s, s:s,"
		" s:[s], s:s, s:b}]}",
		"updateTimestamp", ts, "scanner", "name", "Trivy", "vendor", "Aqua Security",
		"version", "0.56.2", "summary", "criticalCount", 0, "highCount", 0, "mediumCount",
		1, "lowCount", 0, "checks", "checkID", "KSV113", "title", "Manage namespace secrets",
		"severity", "MEDIUM", "category", "Kubernetes Security Check", "description",
		"Viewing secrets at the namespace scope can lead to escalation if another service "
		"account in that namespace has a higher privileged rolebinding or "
		"clusterrolebinding bound.", "messages", msg, "remediation",
		"Manage namespace secrets are not allowed. Remove resource 'secrets' from role",
		"success", 0);
	free(msg);
	sc_add(g, ci, json_pack("{s:s, s:s, s:o, s:o}", "apiVersion",
				"aquasecurity.github.io/v1alpha1", "kind", "RbacAssessmentReport",
				"metadata", rmd, "report", report));
}

/* Controls of Trivy's k8s-nsa specification (a subset) and how many resources fail
 * each: every deployment runs as root with a writable root file system (the config
 * audits say so too), every tenant namespace lacks a quota; nothing is privileged. */
static json_t *nsa_controls(size_t deploys, size_t namespaces, json_t **checks)
{
	static const struct {
		const char *id, *name, *severity, *check;
		int per;   /* 1: per deployment, 2: per namespace, 0: passes */
	} ctl[] = {
		{"1.0", "Non-root containers", "MEDIUM", "AVD-KSV-0012", 1},
		{"1.1", "Immutable container file systems", "LOW", "AVD-KSV-0014", 1},
		{"1.2", "Preventing privileged containers", "HIGH", "AVD-KSV-0017", 0},
		{"1.5", "Use the host network", "HIGH", "AVD-KSV-0009", 0},
		{"1.7", "Restricts escalation to root privileges", "MEDIUM", "AVD-KSV-0001", 1},
		{"4.0", "Use ResourceQuota policies to limit resources", "MEDIUM", "AVD-KSV-0040", 2},
	};
	json_t *controls = json_array();
	*checks = json_array();
	for (size_t i = 0; i < sizeof(ctl) / sizeof(ctl[0]); i++) {
		size_t fail = ctl[i].per == 1 ? deploys : ctl[i].per == 2 ? namespaces : 0;
		json_array_append_new(controls, json_pack("{s:s, s:s, s:s, s:[{s:s}]}", "id",
							  ctl[i].id, "name", ctl[i].name,
							  "severity", ctl[i].severity, "checks",
							  "id", ctl[i].check));
		json_array_append_new(*checks, json_pack("{s:s, s:s, s:s, s:i}", "id", ctl[i].id,
							 "name", ctl[i].name, "severity",
							 ctl[i].severity, "totalFail", (int)fail));
	}
	return controls;
}

static void gen_compliance(struct sc_gen *g, size_t ci, size_t deploys, size_t namespaces)
{
	json_t *checks;
	json_t *controls = nsa_controls(deploys, namespaces, &checks);
	int fail = 0, pass = 0;
	size_t i;
	json_t *c;
	json_array_foreach(checks, i, c)
		json_integer_value(json_object_get(c, "totalFail")) > 0 ? fail++ : pass++;
	json_t *md = sc_metadata(g, g->m->clusters[ci].name, "ClusterComplianceReport", NULL,
				 "k8s-nsa", 86400 * 30);
	char ts[21];
	sc_time(g, 6 * 3600 - 600, ts);
	const char *title = "National Security Agency - Kubernetes Hardening Guidance v1.0";
	sc_add(g, ci, json_pack(
		"{s:s, s:s, s:o, s:{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:o}},"
		" s:{s:s, s:{s:i, s:i}, s:{s:s, s:s, s:o}}}",
		"apiVersion", "aquasecurity.github.io/v1alpha1", "kind", "ClusterComplianceReport",
		"metadata", md, "spec", "cron", "0 */6 * * *", "reportType", "summary",
		"compliance", "id", "k8s-nsa", "title", title, "version", "1.0", "description",
		"National Security Agency - Kubernetes Hardening Guidance", "platform", "k8s",
		"controls", controls, "status", "updateTimestamp", ts, "summary", "failCount",
		fail, "passCount", pass, "summaryReport", "id", "k8s-nsa", "title", title,
		"controlCheck", checks));
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
	size_t ndeploys = 0;
	json_object_foreach(by_ns, ns, deploys) {
		gen_policy_report(g, ci, ns, deploys);
		gen_rbac(g, ci, ns);
		ndeploys += json_array_size(deploys);
	}
	if (json_object_size(by_ns))   /* a workload cluster */
		gen_compliance(g, ci, ndeploys, json_object_size(by_ns));
	json_decref(by_ns);
}

void sc_gen_security(struct sc_gen *g)
{
	for (size_t ci = 0; ci < g->m->nclusters; ci++)
		gen_cluster(g, ci);
}
