/* Policy engines' findings: wgpolicyk8s.io PolicyReport and ClusterPolicyReport results
 * (Kyverno, Falco, KubeArmor, ...) and Gatekeeper constraints' status.violations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/findings_internal.h"
#include "core/xalloc.h"

/* fail, warn and error are findings; pass and skip are not. A result without a
 * severity takes one from its outcome: fail medium, warn medium, error high (a policy
 * that could not be evaluated hides whatever it checks). */
static bool result_severity(const json_t *r, enum finding_severity *sev)
{
	const char *result = findings_str(r, "result");
	if (!result || (strcmp(result, "fail") && strcmp(result, "warn") && strcmp(result, "error")))
		return false;
	*sev = finding_severity_parse(findings_str(r, "severity"));
	if (*sev == FINDING_UNKNOWN)
		*sev = !strcmp(result, "fail") ? FINDING_MEDIUM : finding_severity_parse(result);
	return true;
}

static void add_result(struct finding_workload *w, const json_t *r, enum finding_severity sev)
{
	const char *policy = findings_str(r, "policy"), *rule = findings_str(r, "rule");
	char *id = rule && *rule ? xasprintf("%s/%s", policy ? policy : "", rule)
				 : xstrdup(policy ? policy : "");
	struct finding f = {
		.source = FINDING_SRC_POLICY,
		.severity = sev,
		.id = id,
		.title = (char *)findings_str(r, "message"),
	};
	findings_add(w, &f);
	free(id);
}

/* The workloads a result is about: the report's scope when it has one, else each of
 * the result's resources, else the report itself. */
static void parse_result(struct findings *set, const char *cluster, const json_t *report,
			 const json_t *r, findings_owner_fn owner_of, void *ud)
{
	enum finding_severity sev;
	if (!result_severity(r, &sev))
		return;
	const json_t *md = json_object_get(report, "metadata");
	const char *report_ns = findings_str(md, "namespace");
	const json_t *scope = json_object_get(report, "scope");
	const json_t *resources = json_object_get(r, "resources"), *res;
	size_t i;
	if (findings_str(scope, "kind") && findings_str(scope, "name")) {
		const char *ns = findings_str(scope, "namespace");
		add_result(findings_target(set, cluster, ns ? ns : report_ns,
					   findings_str(scope, "kind"), findings_str(scope, "name"),
					   NULL, owner_of, ud), r, sev);
		return;
	}
	if (json_array_size(resources) == 0) {
		add_result(findings_target(set, cluster, report_ns, findings_str(report, "kind"),
					   findings_str(md, "name"), NULL, NULL, NULL), r, sev);
		return;
	}
	json_array_foreach(resources, i, res) {
		const char *ns = findings_str(res, "namespace");
		add_result(findings_target(set, cluster, ns ? ns : report_ns,
					   findings_str(res, "kind"), findings_str(res, "name"), NULL,
					   owner_of, ud), r, sev);
	}
}

bool findings_parse_policy_report(struct findings *set, const char *cluster, const json_t *obj,
				  findings_owner_fn owner_of, void *ud, char *err,
				  size_t errlen)
{
	const char *api = findings_str(obj, "apiVersion"), *kind = findings_str(obj, "kind");
	if (!api || !kind || strncmp(api, "wgpolicyk8s.io/", 15) ||
	    (strcmp(kind, "PolicyReport") && strcmp(kind, "ClusterPolicyReport"))) {
		snprintf(err, errlen, "not a policy report: %s %s", api ? api : "?",
			 kind ? kind : "?");
		return false;
	}
	const json_t *r;
	size_t i;
	json_array_foreach(json_object_get(obj, "results"), i, r)
		parse_result(set, cluster, obj, r, owner_of, ud);
	return true;
}

/* deny blocks admission: high; warn and dryrun only report: medium. A violation without
 * its own action takes the constraint's (spec.enforcementAction, default deny). */
static enum finding_severity action_severity(const char *action)
{
	return !action || !strcmp(action, "deny") ? FINDING_HIGH : FINDING_MEDIUM;
}

bool findings_parse_gatekeeper(struct findings *set, const char *cluster, const json_t *obj,
			       char *err, size_t errlen)
{
	const char *api = findings_str(obj, "apiVersion"), *kind = findings_str(obj, "kind");
	const json_t *md = json_object_get(obj, "metadata");
	const char *name = findings_str(md, "name");
	if (!api || !kind || !name || strncmp(api, "constraints.gatekeeper.sh/", 26)) {
		snprintf(err, errlen, "not a Gatekeeper constraint: %s %s", api ? api : "?",
			 kind ? kind : "?");
		return false;
	}
	const char *spec_action = findings_str(json_object_get(obj, "spec"), "enforcementAction");
	char *id = xasprintf("%s/%s", kind, name);
	const json_t *v;
	size_t i;
	json_array_foreach(json_object_get(json_object_get(obj, "status"), "violations"), i, v) {
		const char *action = findings_str(v, "enforcementAction");
		struct finding_workload *w =
			findings_target(set, cluster, findings_str(v, "namespace"),
					findings_str(v, "kind"), findings_str(v, "name"), NULL,
					NULL, NULL);
		struct finding f = {
			.source = FINDING_SRC_GATEKEEPER,
			.severity = action_severity(action ? action : spec_action),
			.id = id,
			.title = (char *)findings_str(v, "message"),
		};
		findings_add(w, &f);
	}
	free(id);
	return true;
}
