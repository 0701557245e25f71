/* Fuzzes the report parsers: one JSON document given to every parser (Trivy, Kyverno
 * PolicyReport, Gatekeeper, SonarQube gate and issues, DefectDojo, Harbor), each into
 * the same findings set, as a mixed fetch would build it. */
#include "tests/fuzz/fuzz.h"

#include "clients/defectdojo.h"
#include "clients/findings_kube.h"
#include "clients/harbor.h"
#include "clients/sonarqube.h"

/* Resolves some ReplicaSets to an owner and not others, so both paths run. */
static bool owner_of(void *ud, const char *namespace, const char *rs_name, const char **kind,
		     const char **name)
{
	(void)ud;
	(void)namespace;
	if (rs_name[0] == '\0' || rs_name[0] % 2)
		return false;
	*kind = "Deployment";
	*name = rs_name;
	return true;
}

static void parse_scanners(struct findings *set, const json_t *doc, char *err, size_t errlen)
{
	struct sonar_gate gate = {0};
	struct finding_workload *w = sonar_workload(set, "proj", NULL);
	if (sonar_parse_gate(doc, &gate, err, errlen))
		sonar_add_gate(w, &gate, "https://sonar.example");
	sonar_gate_free(&gate);
	size_t total = 0, count = 0;
	sonar_parse_issues(w, doc, "https://sonar.example", &total, &count, err, errlen);

	char *next = NULL;
	dojo_parse_findings(set, doc, "https://dojo.example", &next, &count, err, errlen);
	free(next);

	struct harbor_overview ov = {0};
	harbor_parse_overview(doc, &ov, err, errlen);
	harbor_overview_free(&ov);
	w = harbor_workload(set, "lib/web", "1.0", NULL, NULL);
	harbor_parse_vulnerabilities(w, doc, &count, err, errlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = fuzz_json(data, size);
	if (!doc)
		return 0;
	char err[256];
	struct findings set = {0};
	findings_parse_trivy(&set, "c1", doc, owner_of, NULL, err, sizeof(err));
	findings_parse_trivy(&set, "c1", doc, NULL, NULL, err, sizeof(err));
	findings_parse_policy_report(&set, "c1", doc, owner_of, NULL, err, sizeof(err));
	findings_parse_gatekeeper(&set, "c1", doc, err, sizeof(err));
	parse_scanners(&set, doc, err, sizeof(err));
	findings_sort(&set);
	findings_free(&set);
	json_decref(doc);
	return 0;
}
