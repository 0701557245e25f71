/* Trivy Operator's reports (aquasecurity.github.io/v1alpha1) read into a findings set:
 * vulnerabilities, config audits, exposed secrets, RBAC assessments and the cluster
 * compliance report, each attached to the workload the report names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/findings_internal.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

enum trivy_kind {
	TRIVY_VULN,
	TRIVY_CONFIG,
	TRIVY_SECRET,
	TRIVY_RBAC,
	TRIVY_COMPLIANCE,
};

static const struct {
	const char *kind;
	enum trivy_kind type;
} trivy_kinds[] = {
	{"VulnerabilityReport", TRIVY_VULN},
	{"ConfigAuditReport", TRIVY_CONFIG},
	{"ClusterConfigAuditReport", TRIVY_CONFIG},
	{"ExposedSecretReport", TRIVY_SECRET},
	{"RbacAssessmentReport", TRIVY_RBAC},
	{"ClusterRbacAssessmentReport", TRIVY_RBAC},
	{"ClusterComplianceReport", TRIVY_COMPLIANCE},
};

/* The report's summary counts ({critical,high,medium,low,unknown}Count). */
static void summary_counts(const json_t *summary, unsigned out[FINDING_SEVERITY_COUNT])
{
	static const struct {
		const char *key;
		enum finding_severity sev;
	} keys[] = {
		{"criticalCount", FINDING_CRITICAL}, {"highCount", FINDING_HIGH},
		{"mediumCount", FINDING_MEDIUM},     {"lowCount", FINDING_LOW},
		{"unknownCount", FINDING_UNKNOWN},
	};
	memset(out, 0, FINDING_SEVERITY_COUNT * sizeof(out[0]));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_int_t v = json_integer_value(json_object_get(summary, keys[i].key));
		if (v > 0)
			out[keys[i].sev] += (unsigned)v;
	}
}

/* A list the report holds came back empty while its summary counts something (a
 * report whose list was cut): keep the numbers at least. */
static void add_summary_if_empty(struct finding_workload *w, const json_t *report,
				 const json_t *list)
{
	if (json_array_size(list) > 0)
		return;
	unsigned counts[FINDING_SEVERITY_COUNT];
	summary_counts(json_object_get(report, "summary"), counts);
	findings_add_counts(w, counts);
}

/* "registry/repository:tag" from report.registry and report.artifact; NULL if none. */
static char *report_image(const json_t *report)
{
	const json_t *art = json_object_get(report, "artifact");
	const char *repo = findings_str(art, "repository");
	if (!repo || !*repo)
		return NULL;
	const char *server = findings_str(json_object_get(report, "registry"), "server");
	const char *tag = findings_str(art, "tag"), *digest = findings_str(art, "digest");
	struct strbuf sb = STRBUF_INIT;
	if (server && *server)
		strbuf_printf(&sb, "%s/", server);
	strbuf_puts(&sb, repo);
	if (tag && *tag)
		strbuf_printf(&sb, ":%s", tag);
	else if (digest && *digest)
		strbuf_printf(&sb, "@%s", digest);
	return strbuf_detach(&sb);
}

/* The workload keeps one image: the first seen, replaced by the main container's (the
 * one named like the workload) so a sidecar's image does not stand for the service. */
static void set_image(struct finding_workload *w, const json_t *labels, const json_t *report)
{
	const char *container = findings_str(labels, "trivy-operator.container.name");
	bool main_container = container && !strcmp(container, w->name);
	if (w->image && !main_container)
		return;
	char *image = report_image(report);
	if (!image)
		return;
	free(w->image);
	w->image = image;
}

static void parse_vulns(struct finding_workload *w, const json_t *report)
{
	const json_t *list = json_object_get(report, "vulnerabilities"), *v;
	size_t i;
	json_array_foreach(list, i, v) {
		struct finding f = {
			.source = FINDING_SRC_VULNERABILITY,
			.severity = finding_severity_parse(findings_str(v, "severity")),
			.id = (char *)findings_str(v, "vulnerabilityID"),
			.package = (char *)findings_str(v, "resource"),
			.installed = (char *)findings_str(v, "installedVersion"),
			.fixed = (char *)findings_str(v, "fixedVersion"),
			.title = (char *)findings_str(v, "title"),
			.link = (char *)findings_str(v, "primaryLink"),
			.score = json_number_value(json_object_get(v, "score")),
		};
		findings_add(w, &f);
	}
	add_summary_if_empty(w, report, list);
}

/* Config audit and RBAC assessment checks: a check is a finding unless it passed
 * (success true); reports written without passing checks leave success out. */
static void parse_checks(struct finding_workload *w, const json_t *report,
			 enum finding_source source)
{
	const json_t *list = json_object_get(report, "checks"), *c;
	size_t i;
	json_array_foreach(list, i, c) {
		if (json_is_true(json_object_get(c, "success")))
			continue;
		struct finding f = {
			.source = source,
			.severity = finding_severity_parse(findings_str(c, "severity")),
			.id = (char *)findings_str(c, "checkID"),
			.title = (char *)findings_str(c, "title"),
		};
		findings_add(w, &f);
	}
	add_summary_if_empty(w, report, list);
}

/* Exposed secrets: the rule, the file it is in and the title. The "match" field holds
 * the secret itself (partly masked at best) and is never read. */
static void parse_secrets(struct finding_workload *w, const json_t *report)
{
	const json_t *list = json_object_get(report, "secrets"), *s;
	size_t i;
	json_array_foreach(list, i, s) {
		struct finding f = {
			.source = FINDING_SRC_EXPOSED_SECRET,
			.severity = finding_severity_parse(findings_str(s, "severity")),
			.id = (char *)findings_str(s, "ruleID"),
			.package = (char *)findings_str(s, "target"),
			.title = (char *)findings_str(s, "title"),
		};
		findings_add(w, &f);
	}
	add_summary_if_empty(w, report, list);
}

static void add_control(struct finding_workload *w, const json_t *ctl)
{
	struct finding f = {
		.source = FINDING_SRC_COMPLIANCE,
		.severity = finding_severity_parse(findings_str(ctl, "severity")),
		.id = (char *)findings_str(ctl, "id"),
		.title = (char *)findings_str(ctl, "name"),
	};
	findings_add(w, &f);
}

/* A failed control is a finding: totalFail > 0 in the summary report, or a failed check
 * in the detail report. */
static void parse_compliance(struct finding_workload *w, const json_t *status)
{
	const json_t *ctl;
	size_t i, k;
	json_array_foreach(json_object_get(json_object_get(status, "summaryReport"), "controlCheck"),
			   i, ctl)
		if (json_integer_value(json_object_get(ctl, "totalFail")) > 0)
			add_control(w, ctl);
	json_array_foreach(json_object_get(json_object_get(status, "detailReport"), "results"), i,
			   ctl) {
		const json_t *chk;
		bool failed = false;
		json_array_foreach(json_object_get(ctl, "checks"), k, chk)
			failed |= json_is_false(json_object_get(chk, "success"));
		if (failed)
			add_control(w, ctl);
	}
}

/* The controller owner reference (or the first one). */
static const json_t *owner_ref(const json_t *md)
{
	const json_t *refs = json_object_get(md, "ownerReferences"), *r;
	size_t i;
	json_array_foreach(refs, i, r)
		if (json_is_true(json_object_get(r, "controller")))
			return r;
	return json_array_get(refs, 0);
}

/* The workload a report is about: Trivy's trivy-operator.resource.* labels, else its
 * controller owner, else the report itself (cluster compliance, hand-made reports). */
static struct finding_workload *report_workload(struct findings *set, const char *cluster,
						const json_t *obj, const char *kind,
						findings_owner_fn owner_of, void *ud)
{
	const json_t *md = json_object_get(obj, "metadata");
	const json_t *labels = json_object_get(md, "labels");
	const char *ns = findings_str(md, "namespace");
	const char *rkind = findings_str(labels, "trivy-operator.resource.kind");
	const char *rname = findings_str(labels, "trivy-operator.resource.name");
	const char *rns = findings_str(labels, "trivy-operator.resource.namespace");
	if (strcmp(kind, "ClusterComplianceReport") && (!rkind || !rname)) {
		const json_t *ref = owner_ref(md);
		rkind = findings_str(ref, "kind");
		rname = findings_str(ref, "name");
	}
	if (!rkind || !rname) {
		rkind = kind;
		rname = findings_str(md, "name");
	}
	return findings_target(set, cluster, rns ? rns : ns, rkind, rname, labels, owner_of,
			       ud);
}

bool findings_parse_trivy(struct findings *set, const char *cluster, const json_t *obj,
			  findings_owner_fn owner_of, void *ud, char *err, size_t errlen)
{
	const char *api = findings_str(obj, "apiVersion"), *kind = findings_str(obj, "kind");
	size_t t = sizeof(trivy_kinds) / sizeof(trivy_kinds[0]);
	if (api && kind && !strncmp(api, "aquasecurity.github.io/", 23))
		for (t = 0; t < sizeof(trivy_kinds) / sizeof(trivy_kinds[0]); t++)
			if (!strcmp(kind, trivy_kinds[t].kind))
				break;
	if (t == sizeof(trivy_kinds) / sizeof(trivy_kinds[0])) {
		snprintf(err, errlen, "not a Trivy Operator report: %s %s", api ? api : "?",
			 kind ? kind : "?");
		return false;
	}
	struct finding_workload *w = report_workload(set, cluster, obj, kind, owner_of, ud);
	const json_t *report = json_object_get(obj, "report");
	const json_t *labels = json_object_get(json_object_get(obj, "metadata"), "labels");
	switch (trivy_kinds[t].type) {
	case TRIVY_VULN:
		set_image(w, labels, report);
		parse_vulns(w, report);
		break;
	case TRIVY_CONFIG:
		parse_checks(w, report, FINDING_SRC_CONFIG_AUDIT);
		break;
	case TRIVY_SECRET:
		set_image(w, labels, report);
		parse_secrets(w, report);
		break;
	case TRIVY_RBAC:
		parse_checks(w, report, FINDING_SRC_RBAC);
		break;
	case TRIVY_COMPLIANCE:
		parse_compliance(w, json_object_get(obj, "status"));
		break;
	}
	return true;
}
