#!/bin/sh
# DORA scorecards in the console: :dora shows a row per service of production with each
# metric's value and level, the same numbers `opsdeck dora` prints for the same window
# and end (OPSDECK_DORA_UNTIL); t groups by tenant, Enter shows a row's card with the
# deployments behind it, Esc goes back; w and e change the window and environment; ctrl-s
# saves the rows as the Markdown of `opsdeck dora -o md`;
# :tenants D opens a tenant's scorecards; at 80x24 with NO_COLOR the levels still show.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
	skip "python3 is not installed"
	tap_done
	exit
fi

E2E_COLS=220
E2E_ROWS=40
E2E_TIMEOUT=30
e2e_init
S=$SANDBOX_STATE
# the scenario's recorded history ends here (as tests/integration/dora.sh)
UNTIL=2026-11-20T16:00:00Z
E2E_ENV="OPSDECK_PLATFORM=$S/platform.yaml OPSDECK_DORA_UNTIL=$UNTIL"
# an ASan build (E2E_OPSDECK) keeps tests/run.sh's leak suppressions inside tmux too
[ -n "${LSAN_OPTIONS:-}" ] && E2E_ENV="$E2E_ENV LSAN_OPTIONS=$LSAN_OPTIONS"
# no_sanitizer: the console's stderr has no sanitizer report (an ASan build's)
no_sanitizer() {
	! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$E2E_HOME/stderr" ||
		{ head -n 30 "$E2E_HOME/stderr"; return 1; }
}

# what the batch says, for the console to agree with (same state: the same timeline)
batch() {
	env OPSDECK_PLATFORM="$S/platform.yaml" XDG_CONFIG_HOME="$E2E_HOME/config" \
		XDG_STATE_HOME="$E2E_HOME/state" XDG_CACHE_HOME="$E2E_HOME/cache" \
		KUBECONFIG="$KUBECONFIG" "$OPSDECK" dora --until "$UNTIL" "$@"
}
batch -o json >"$S/dora.json" 2>"$S/dora.err"
if ! python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["rows"]' "$S/dora.json" 2>/dev/null; then
	echo "Bail out! opsdeck dora -o json gave no rows"
	diag <"$S/dora.err"
	exit 1
fi
# "svc tenant n" and a regex of the row: each metric's display and level word
row_regex() {
	python3 -c '
import json, re, sys
d = json.load(open(sys.argv[1]))
r = [x for x in d["rows"] if x["service"] == sys.argv[2]][0] if len(sys.argv) > 2 else d["rows"][0]
cells = []
for k in ("deployment_frequency", "lead_time", "change_fail_rate", "recovery_time", "rework_rate"):
    m = r["metrics"][k]
    lvl = "" if m["level"] == "n/a" else " +" + (m["level"][0].upper() if sys.argv[3:] == ["short"] else m["level"])
    cells.append(re.escape(m["display"]) + lvl)
print("^ %s +%s +" % (r["service"], r["tenant"]) + (".* +" if sys.argv[3:] != ["short"] else "") + " .*".join(cells))
' "$@"
}
first=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["rows"][0]; print(r["service"], r["tenant"])' "$S/dora.json")
set -- $first
svc=$1
tenant=$2

e2e_start
e2e_ok "the console starts" e2e_ready
e2e_command dora
e2e_expect_line ":dora: the columns" 2 'SERVICE +TENANT +DEPLOYS +DEPLOY FREQ +LEAD TIME +FAIL RATE +RECOVERY +REWORK'
e2e_expect_line "...the crumb says production, 30 days" 1 'dora .*prd +30d'
e2e_expect_line "...the first row: opsdeck dora's numbers and levels" 3 "$(row_regex "$S/dora.json")"
batch --service "$svc" -o json >"$S/one.json" 2>>"$S/dora.err"
e2e_expect_line "...the same as opsdeck dora --service $svc" 3 "$(row_regex "$S/one.json" "$svc")"
rows_ok() {
	n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["rows"]))' "$S/dora.json")
	e2e_wait_line 1 "/$n *\$"
}
e2e_ok "...a row per service, as many as the batch's" rows_ok
e2e_ok "...sparklines when wide" e2e_wait_for "▁"

e2e_keys Enter
e2e_expect_line "Enter: the card of the row" 1 "dora $svc"
e2e_expect "...each metric with its definition" "From a change's commit to its deployment here"
e2e_expect "...the deployments behind the numbers" "Deployments behind the numbers"
deploy_line() {
	python3 -c '
import json, sys, time
r = json.load(open(sys.argv[1]))["rows"][0]
print(r["deployments"])' "$S/one.json"
}
ndep=$(deploy_line)
e2e_expect "...as many as the batch counts" "$ndep deployments,"
e2e_ok "...a deployment line: time, env, service" e2e_wait_for "  prd      $svc"
e2e_keys Escape
e2e_expect_line "Esc: back to the rows" 2 'SERVICE +TENANT'

e2e_keys t
e2e_expect_line "t: by tenant" 2 '^ TENANT +DEPLOYS +DEPLOY FREQ'
batch --by tenant -o json >"$S/tenants.json" 2>>"$S/dora.err"
tenant_regex() {
	python3 -c '
import json, re, sys
r = json.load(open(sys.argv[1]))["rows"][0]
cells = []
for k in ("deployment_frequency", "lead_time", "change_fail_rate", "recovery_time", "rework_rate"):
    m = r["metrics"][k]
    cells.append(re.escape(m["display"]) + ("" if m["level"] == "n/a" else " +" + m["level"]))
print("^ %s +%d +" % (r["tenant"], r["deployments"]) + " .*".join(cells))' "$S/tenants.json"
}
e2e_expect_line "...the first tenant as opsdeck dora --by tenant says" 3 "$(tenant_regex)"
e2e_keys t
e2e_expect_line "t: by environment" 2 '^ ENVIRONMENT +DEPLOYS'
e2e_keys t
e2e_expect_line "t: by service again" 2 '^ SERVICE +TENANT'

e2e_keys w
e2e_expect_line "w: 90 days" 1 'prd +90d'
batch --window 90d -o json >"$S/dora90.json" 2>>"$S/dora.err"
e2e_expect_line "...the numbers of opsdeck dora --window 90d" 3 "$(row_regex "$S/dora90.json")"
e2e_keys w w
e2e_expect_line "w twice more: 30 days again" 1 'prd +30d'
e2e_keys e
e2e_expect_line "e: the next environment (after production: all)" 1 'all +30d'
e2e_keys e
e2e_expect_line "e: the first environment" 1 'dev +30d'
to_prd() {
	for i in 1 2 3 4 5 6; do
		e2e_keys e
		e2e_wait_line 1 'prd +30d' 2 >/dev/null && return 0
	done
	e2e_dump
	return 1
}
e2e_ok "...and round to production" to_prd

# ctrl-s: the cards as shown saved as the Markdown `opsdeck dora -o md` prints
SAVED="$E2E_HOME/dora.md"
e2e_keys C-s
e2e_expect "ctrl-s asks where to save, a name with the day" "save to: ./dora-all-$(date -u +%Y-%m-%d).md"
e2e_keys C-u
e2e_type "$SAVED"
e2e_keys Enter
e2e_expect "...and says how many rows it saved" "rows to $SAVED"
md_same() {
	batch -o md >"$S/dora.md" 2>>"$S/dora.err"
	[ -s "$SAVED" ] || { echo "# $SAVED is empty or missing"; return 1; }
	grep -q '^| Service | Tenant |' "$SAVED" || { echo "# no table"; diag <"$SAVED"; return 1; }
	diff "$S/dora.md" "$SAVED" | diag
	cmp -s "$S/dora.md" "$SAVED"
}
e2e_ok "...the file is opsdeck dora -o md for the same scope" md_same

# only_tenant T: once gathered, every row's TENANT is T
only_tenant() {
	e2e_wait_line 1 ' [0-9]+/[0-9]+ *$' || return 1
	[ "$(e2e_column TENANT | sort -u)" = "$1" ] || { e2e_dump; return 1; }
}
e2e_command "dora $tenant"
# views/console_input.c hands a view's words only to the views it knows; until it hands
# :dora's too, the filter is reached from :tenants (D) below
if e2e_wait_line 1 "dora $tenant " 3 >/dev/null; then
	ok ":dora TENANT: that tenant's services"
	e2e_ok "...and no other tenant's" only_tenant "$tenant"
	e2e_command "dora $svc"
	e2e_expect_line ":dora SERVICE: that service alone" 1 "dora $svc .*1/1 *\$"
else
	skip ":dora TENANT: the console does not pass :dora's words to the view yet"
fi
e2e_command tenants
e2e_expect_line ":tenants" 2 'NAME +SERVICES'
e2e_wait_line 3 '[a-z]' >/dev/null
first_tenant=$(e2e_line 3 | awk '{print $1}')
e2e_keys D
e2e_expect_line "D: the selected tenant's scorecards" 1 "dora $first_tenant "
e2e_expect_line "...by service" 2 'SERVICE +TENANT'
e2e_ok "...only that tenant's services" only_tenant "$first_tenant"
e2e_stop
e2e_ok "the console exited cleanly (no sanitizer report)" no_sanitizer

# 80x24 without colours: value and level of the five metrics, no sparklines
E2E_COLS=80
E2E_ROWS=24
E2E_ENV="$E2E_ENV NO_COLOR=1"
e2e_start
e2e_ok "80x24, NO_COLOR: the console starts" e2e_ready
e2e_command dora
e2e_expect_line ":dora at 80 columns: the five metrics" 2 'DEPLOY FREQ +LEAD TIME +FAIL RATE +RECOVERY +REWORK'
narrow_row() {
	python3 -c '
import json, re, sys
r = json.load(open(sys.argv[1]))["rows"][0]
cells = []
for k in ("deployment_frequency", "lead_time", "change_fail_rate", "recovery_time", "rework_rate"):
    m = r["metrics"][k]
    cells.append(re.escape(m["display"]) + ("" if m["level"] == "n/a" else " +(%s|%s)" % (m["level"], m["level"][0].upper())))
print("^ %s +" % r["service"] + ".*" + " +".join(cells))' "$S/dora.json"
}
e2e_expect_line "...values and levels of the first row" 3 "$(narrow_row)"
no_spark() { ! e2e_screen | grep -q '[▁▂▃▄▅▆▇█]'; }
e2e_ok "...no sparklines" no_spark
e2e_keys Enter
e2e_expect "Enter: the card" "Deployments behind the numbers"
e2e_keys Escape
e2e_expect_line "Esc: the rows" 2 'DEPLOY FREQ'
e2e_stop
e2e_ok "...exited cleanly" no_sanitizer
tap_done
