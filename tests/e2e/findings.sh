#!/bin/sh
# Security findings in the console: :findings lists every workload of both clusters
# worst first (the same first row as `opsdeck findings -o json`), / filters, Enter drills
# down to a workload's findings sorted by severity and opens one with its link, f counts
# only fixable findings, t groups by service, :findings SERVICE filters, s shows one
# scanner's findings (checkout-web's SonarQube quality gate, down to the finding's text),
# :findings TENANT, ctrl-s saves the rows as the Markdown of `opsdeck findings -o md`, and
# the board marks cells with critical findings.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

E2E_COLS=140
E2E_ROWS=40
e2e_init
E2E_ENV="OPSDECK_PLATFORM=$SANDBOX_STATE/platform.yaml"
# an ASan build (E2E_OPSDECK) keeps tests/run.sh's leak suppressions inside tmux too
[ -n "${LSAN_OPTIONS:-}" ] && E2E_ENV="$E2E_ENV LSAN_OPTIONS=$LSAN_OPTIONS"
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

# ctrl-s: the rows as shown saved as the Markdown `opsdeck findings --tenant storefront
# -o md` prints (the title's day aside)
SAVED="$E2E_HOME/findings-storefront.md"
e2e_expect_line "...once read (a count in the crumbs)" 1 'findings storefront +[1-9][0-9]*/[0-9]+ *$'
e2e_keys C-s
e2e_expect "ctrl-s asks where to save, a name for the tenant and the day" "save to: ./findings-storefront-$(date -u +%Y-%m-%d).md"
e2e_keys C-u
e2e_type "$SAVED"
e2e_keys Enter
e2e_expect "...and says how many rows it saved" "rows to $SAVED"
md_same() {
	OPSDECK_PLATFORM=$S/platform.yaml "$OPSDECK" findings --tenant storefront -o md \
		>"$S/findings.md" 2>/dev/null
	[ -s "$SAVED" ] || { echo "# $SAVED is empty or missing"; return 1; }
	grep -q '^| storefront\|^| [a-z]' "$SAVED" || { echo "# no table row"; diag <"$SAVED"; return 1; }
	undated() { sed 's/ ([0-9-]*)$//' "$1"; }
	undated "$S/findings.md" >"$S/want.md"
	undated "$SAVED" >"$S/got.md"
	diff "$S/want.md" "$S/got.md" | diag
	cmp -s "$S/want.md" "$S/got.md"
}
e2e_ok "...the file is opsdeck findings -o md for the same scope" md_same
# with a / filter: only the rows it shows, the batch's lines, the filter in the title
e2e_keys /
e2e_type cart
e2e_keys Enter
e2e_expect_line "/cart: only cart's rows" 3 '^ cart +'
CUT="$E2E_HOME/findings-cart.md"
e2e_keys C-s
e2e_expect "ctrl-s again" "save to: ./findings-storefront-"
e2e_keys C-u
e2e_type "$CUT"
e2e_keys Enter
e2e_expect "...saved" "rows to $CUT"
md_cut() {
	shown=$(e2e_line 1 | sed -E 's#.* ([0-9]+)/[0-9]+ *$#\1#')
	rows=$(awk '/^\| / && !/^\| Service / && !/\*\*Total\*\*/' "$CUT")
	[ "$(printf '%s\n' "$rows" | grep -c '^| cart |')" = "$shown" ] ||
		{ echo "# not the $shown rows shown"; diag <"$CUT"; return 1; }
	! printf '%s\n' "$rows" | grep -qv '^| cart |' || { echo "# another service"; return 1; }
	printf '%s\n' "$rows" | while IFS= read -r l; do
		grep -qxF -- "$l" "$S/findings.md" || { echo "# not the batch's: $l"; return 1; }
	done || return 1
	grep -q '^## Security findings: tenant storefront, rows matching /cart (' "$CUT" ||
		{ head -n 1 "$CUT" | diag; return 1; }
}
e2e_ok "...the file has only the rows shown, as the batch prints them" md_cut
e2e_keys Escape

e2e_command board
e2e_expect_line ":board" 2 'SERVICE +TENANT +DEV'
e2e_expect "...cells with a critical finding are marked" "▲▲"

e2e_stop
# an ASan build (E2E_OPSDECK): no sanitizer report on the console's stderr
no_sanitizer() {
	! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$E2E_HOME/stderr" ||
		{ head -n 30 "$E2E_HOME/stderr" | diag; return 1; }
}
e2e_ok "the console exited cleanly (no sanitizer report)" no_sanitizer
tap_done
