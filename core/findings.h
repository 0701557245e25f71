/* Security findings from every scanner, in one model: findings belong to a workload
 * (cluster, namespace, kind, name), a workload maps to a service and an environment of
 * the platform model, and counts by severity roll up per workload, service, environment
 * and cluster. Parsers in clients/ fill it; views and batch commands read it. */
#ifndef OPSDECK_CORE_FINDINGS_H
#define OPSDECK_CORE_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

/* In increasing order, so sorting by severity is sorting by this value. */
enum finding_severity {
	FINDING_UNKNOWN = 0,
	FINDING_LOW,
	FINDING_MEDIUM,
	FINDING_HIGH,
	FINDING_CRITICAL,
	FINDING_SEVERITY_COUNT
};

/* FINDING_SOURCE(ID, "name"): where a finding came from. */
#define FINDING_SOURCE_LIST(S) \
	S(VULNERABILITY, "vulnerability")       /* Trivy Operator VulnerabilityReport */ \
	S(CONFIG_AUDIT, "config-audit")         /* Trivy Operator ConfigAuditReport */ \
	S(EXPOSED_SECRET, "exposed-secret")     /* Trivy Operator ExposedSecretReport */ \
	S(RBAC, "rbac")                         /* Trivy Operator RbacAssessmentReport */ \
	S(COMPLIANCE, "compliance")             /* Trivy Operator ClusterComplianceReport */ \
	S(POLICY, "policy")                     /* wgpolicyk8s.io PolicyReport, ClusterPolicyReport */ \
	S(GATEKEEPER, "gatekeeper")             /* Gatekeeper constraint violations */ \
	S(SONARQUBE, "sonarqube")               /* SonarQube issues and quality gate */ \
	S(DEFECTDOJO, "defectdojo")             /* DefectDojo v2 active findings */ \
	S(HARBOR, "harbor")                     /* Harbor scan overview of an image */

#define FINDING_SOURCE_ENUM_(id, name) FINDING_SRC_##id,
enum finding_source { FINDING_SOURCE_LIST(FINDING_SOURCE_ENUM_) FINDING_SOURCE_COUNT };
#undef FINDING_SOURCE_ENUM_

/* One finding. Every string is sanitised and owned by the set; NULL when absent. */
struct finding {
	enum finding_source source;
	enum finding_severity severity;
	char *id;          /* "CVE-2024-45337", "KSV001", "require-labels/check-team", rule key */
	char *package;     /* the vulnerable package or the checked resource */
	char *installed;   /* installed version */
	char *fixed;       /* fixed version; NULL or "" when there is no fix */
	char *title;
	char *link;        /* primaryLink, the advisory or the URL */
	double score;      /* CVSS or 0 */
};

/* Whether a fix exists (a non-empty fixed version). */
static inline bool finding_fixable(const struct finding *f)
{
	return f->fixed && *f->fixed;
}

/* The findings of one workload (or of a project/image for SonarQube/Harbor). */
struct finding_workload {
	char *cluster;     /* kubeconfig context or platform cluster name; "" for none */
	char *namespace;   /* "" for cluster-scoped reports */
	char *kind;        /* "Deployment" (a ReplicaSet's report resolved to it), ... */
	char *name;
	char *image;       /* the scanned image "registry/repo:tag", NULL when unknown */
	char *service;     /* the platform service; "" when it maps to none */
	char *environment; /* "" when none */
	char *tenant;      /* "" when none */
	struct finding *items;
	size_t n, cap;
	unsigned counts[FINDING_SEVERITY_COUNT]; /* kept by findings_add */
};

struct findings {
	struct finding_workload *w;
	size_t n, cap;
};

/* "CRITICAL", "High", "error" (policy results), "BLOCKER"/"MAJOR"/"MINOR"/"INFO"
 * (SonarQube), "Critical"/"Info" (DefectDojo) -> a severity; unknown words give
 * FINDING_UNKNOWN. */
enum finding_severity finding_severity_parse(const char *s);
const char *finding_severity_name(enum finding_severity s);   /* "CRITICAL" ... "UNKNOWN" */
const char *finding_source_name(enum finding_source s);

/* The workload with this identity, created empty (counts 0) if it is not there yet.
 * Strings are copied; service/environment/tenant start "" (findings_map sets them). */
struct finding_workload *findings_workload(struct findings *set, const char *cluster,
					   const char *namespace, const char *kind,
					   const char *name);
/* Adds a finding to w (strings copied and sanitised; f itself is not kept) and counts
 * it. A finding with the same source, id and package already there is not added
 * again (reports per container repeat the same image's findings). */
void findings_add(struct finding_workload *w, const struct finding *f);
/* Adds counts without items (a summary-only source, e.g. a report's summary when its
 * list was cut). */
void findings_add_counts(struct finding_workload *w,
			 const unsigned counts[FINDING_SEVERITY_COUNT]);
void findings_free(struct findings *set);

/* Sorts each workload's findings by severity (critical first), then score, then id;
 * and the workloads by service, environment, cluster, namespace, name. */
void findings_sort(struct findings *set);

/* Sums the counts of every workload for which match returns true (NULL: all). */
void findings_total(const struct findings *set,
		    bool (*match)(const struct finding_workload *w, void *ud), void *ud,
		    unsigned out[FINDING_SEVERITY_COUNT]);

#endif
