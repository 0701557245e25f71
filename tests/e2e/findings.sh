#!/bin/sh
# Security findings in the console: :findings lists every workload of both clusters
# worst first (the same first row as `opsdeck findings -o json`), / filters, Enter drills
# down to a workload's findings sorted by severity and opens one with its link, f counts
# only fixable findings, t groups by service, :findings SERVICE filters, s shows one
# scanner's findings (checkout-web's SonarQube quality gate, down to the finding's text),
# :findings TENANT, and the board marks cells with critical findings.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

E2E_COLS=140
E2E_ROWS=40
e2e_init
E2E_ENV="OPSDECK_PLATFORM=$SANDBOX_STATE/platform.yaml"
S=$SANDBOX_STATE

# what the batch command says comes first, for the console to agree with
OPSDECK_PLATFORM=$S/platform.yaml "$OPSDECK" findings -o json >"$S/findings.json" 2>&1
# (the scanners' rows have no environment, cluster or namespace: blank cells)
want_first=$(python3 -c '
import json, re, sys
r = json.load(open(sys.argv[1]))[0]
cells = [str(r[k]) for k in ("service", "environment", "critical", "high", "medium", "low",
                             "unknown", "cluster", "namespace", "workload")]
print("^ " + " +".join(re.escape(c) for c in cells if c) + "( |$)")' "$S/findings.json")

e2e_start
e2e_ok "the console starts" e2e_ready
e2e_command findings
e2e_expect_line ":findings: the columns, the counts beside the service" 2 'SERVICE +ENVIRONMENT +CRITICAL +HIGH +MEDIUM +LOW +UNKNOWN +CLUSTER +NAMESPACE +WORKLOAD'
e2e_expect_line "...worst first, as opsdeck findings says" 3 "$want_first"
e2e_expect_line "...the crumb" 1 'findings'

e2e_keys /
e2e_type catalog
e2e_keys Enter
e2e_expect_line "/catalog: only catalog's rows" 3 '^ catalog +'
only_catalog() { ! e2e_table_rows | grep -v '^ catalog ' | grep -q '[a-z]'; }
e2e_ok "...and no other service" only_catalog
e2e_keys Enter
e2e_expect_line "Enter: the workload's findings" 2 'ID +SEVERITY +PACKAGE +INSTALLED +FIXED +SOURCE +TITLE'
e2e_expect_line "...worst first" 3 '^ CVE-[0-9-]+ +CRITICAL '
e2e_expect_line "...the crumb names the workload" 1 'findings Deployment/catalog'
e2e_keys Enter
e2e_expect "Enter: the finding as text" "Severity:   CRITICAL"
e2e_expect "...with its link" "Link:       https://avd.aquasec.com/nvd/cve-"
e2e_keys Escape
e2e_expect_line "Esc: back to the findings" 2 'ID +SEVERITY +PACKAGE'
e2e_keys Escape
e2e_expect_line "Esc: back to the workloads" 2 'SERVICE +ENVIRONMENT +CRITICAL'
e2e_keys Escape
e2e_expect_line "Esc: the filter goes" 3 "$want_first"

e2e_keys f
e2e_expect_line "f: fixable only (the crumbs say so)" 1 'fixable'
e2e_keys f
e2e_expect_line "f again: every finding" 1 'findings +[0-9]+/[0-9]+ *$'
e2e_keys t
e2e_expect_line "t: by service" 2 'SERVICE +WORKLOADS +CRITICAL +HIGH'
e2e_expect_line "...the crumb" 1 'findings by service'
e2e_keys t t t
e2e_expect_line "t three times more: per workload again" 2 'SERVICE +ENVIRONMENT +CRITICAL'

e2e_command "findings gateway"
e2e_expect_line ":findings gateway: filtered" 1 'findings gateway'
e2e_expect_line "...gateway's rows" 3 '^ gateway +'

# screen_re REGEX: until some row of the screen matches the extended regex.
screen_re() {
	n=$((E2E_TIMEOUT * 10))
	while [ "$n" -gt 0 ]; do
		e2e_screen | grep -qE -- "$1" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	echo "# waited for a row to match: $1"
	e2e_dump
	return 1
}

# the scanners: s cycles trivy, policy, sonarqube; checkout-web's failing quality gate
e2e_command "findings checkout-web"
e2e_keys s s s
e2e_expect_line "s three times: SonarQube's only (the crumb says so)" 1 'findings checkout-web from sonarqube'
e2e_expect_line "...checkout-web's project, no environment" 3 '^ checkout-web +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +SonarProject/checkout-web'
e2e_keys Enter
e2e_expect_line "Enter: its findings, with their source" 2 'ID +SEVERITY +PACKAGE +INSTALLED +FIXED +SOURCE +TITLE'
e2e_ok "...the failing gate's condition, from sonarqube" screen_re '^ quality-gate/[a-z_]+ +HIGH .* sonarqube +Quality gate ERROR'
gate_row() { e2e_table_rows | grep -nE 'quality-gate/' | head -n 1 | cut -d: -f1; }
n=$(gate_row)
while [ "${n:-1}" -gt 1 ]; do e2e_keys Down; n=$((n - 1)); done
e2e_keys Enter
e2e_expect "Enter: the SonarQube finding as text" "Source:     sonarqube"
e2e_ok "...the quality gate's link" screen_re 'Link: +https://.*/sonarqube/dashboard\?id=checkout-web'
e2e_keys Escape Escape
e2e_keys s s s
e2e_expect_line "s past harbor: every scanner again" 1 'findings checkout-web +[0-9]+/[0-9]+ *$'
e2e_ok "...and the Harbor images of checkout-web show" screen_re ' Image/checkout-web:[0-9.]+( |$)'

e2e_command "findings storefront"
e2e_expect_line ":findings TENANT: the tenant's services" 1 'findings storefront'
only_storefront() { ! e2e_table_rows | grep -qE '^ (payments-api|ledger|auth|user-profile) '; }
e2e_ok "...and no other tenant's" only_storefront

e2e_command board
e2e_expect_line ":board" 2 'SERVICE +TENANT +DEV'
e2e_expect "...cells with a critical finding are marked" "▲▲"

e2e_stop
tap_done
