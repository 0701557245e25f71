#!/bin/sh
# Security findings in the console: :findings lists every workload of both clusters
# worst first (the same first row as `opsdeck findings -o json`), / filters, Enter drills
# down to a workload's findings sorted by severity and opens one with its link, f counts
# only fixable findings, t groups by service, :findings SERVICE filters, and the board
# marks cells with critical findings.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

E2E_COLS=140
E2E_ROWS=40
e2e_init
E2E_ENV="OPSDECK_PLATFORM=$SANDBOX_STATE/platform.yaml"
S=$SANDBOX_STATE

# what the batch command says comes first, for the console to agree with
OPSDECK_PLATFORM=$S/platform.yaml "$OPSDECK" findings -o json >"$S/findings.json" 2>&1
first=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))[0]
print(r["service"], r["environment"], r["cluster"], r["namespace"], r["workload"], r["critical"], r["high"])' \
	"$S/findings.json")
set -- $first
want_first="^ $1 +$2 +$3 +$4 +$5 +$6 +$7 "

e2e_start
e2e_ok "the console starts" e2e_ready
e2e_command findings
e2e_expect_line ":findings: the columns" 2 'SERVICE +ENVIRONMENT +CLUSTER +NAMESPACE +WORKLOAD +CRITICAL +HIGH +MEDIUM +LOW'
e2e_expect_line "...worst first, as opsdeck findings says" 3 "$want_first"
e2e_expect_line "...the crumb" 1 'findings'

e2e_keys /
e2e_type catalog
e2e_keys Enter
e2e_expect_line "/catalog: only catalog's rows" 3 '^ catalog +'
only_catalog() { ! e2e_table_rows | grep -v '^ catalog ' | grep -q '[a-z]'; }
e2e_ok "...and no other service" only_catalog
e2e_keys Enter
e2e_expect_line "Enter: the workload's findings" 2 'ID +SEVERITY +PACKAGE +INSTALLED +FIXED +TITLE'
e2e_expect_line "...worst first" 3 '^ CVE-[0-9-]+ +CRITICAL '
e2e_expect_line "...the crumb names the workload" 1 'findings Deployment/catalog'
e2e_keys Enter
e2e_expect "Enter: the finding as text" "Severity:   CRITICAL"
e2e_expect "...with its link" "Link:       https://avd.aquasec.com/nvd/cve-"
e2e_keys Escape
e2e_expect_line "Esc: back to the findings" 2 'ID +SEVERITY +PACKAGE'
e2e_keys Escape
e2e_expect_line "Esc: back to the workloads" 2 'SERVICE +ENVIRONMENT +CLUSTER'
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
e2e_expect_line "t three times more: per workload again" 2 'SERVICE +ENVIRONMENT +CLUSTER'

e2e_command "findings gateway"
e2e_expect_line ":findings gateway: filtered" 1 'findings gateway'
e2e_expect_line "...gateway's rows" 3 '^ gateway +'

e2e_command board
e2e_expect_line ":board" 2 'SERVICE +TENANT +DEV'
e2e_expect "...cells with a critical finding are marked" "▲▲"

e2e_stop
tap_done
