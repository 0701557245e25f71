#!/bin/sh
# opsdeck dora with a real Prometheus (Debian's package): after the bad catalog release
# reaches pre and HighErrorRate fires, the alert counts as an incident of catalog in pre
# straight from Prometheus's ALERTS series; with Prometheus unreachable a note on stderr
# and the rest still computed. The console's :dora counts the same incidents (and with
# Prometheus unreachable flashes it and computes the rest).
. "$(dirname "$0")/../lib/sandbox.sh"

PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
if [ ! -x "$PROMETHEUS" ] || ! command -v git >/dev/null 2>&1 ||
	! command -v python3 >/dev/null 2>&1; then
	skip "$PROMETHEUS, git or python3 is not installed"
	tap_done
	exit
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DEAD=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PROM=http://127.0.0.1:$PORT
sandbox_start --prometheus "$PROM"
S=$SANDBOX_STATE
OPSDECK="$BUILD/opsdeck"
trap '"$ROOT/scripts/prometheus.sh" stop "$S" >/dev/null 2>&1; sandbox_stop >/dev/null 2>&1; sandbox_clean' EXIT
export XDG_STATE_HOME="$S/state" XDG_CONFIG_HOME="$S/config" XDG_CACHE_HOME="$S/cache"
export OPSDECK_PLATFORM="$S/platform.yaml"
export GIT_AUTHOR_NAME="On Call" GIT_AUTHOR_EMAIL=oncall@example.com
unset OPSDECK_PROMETHEUS_URL
mkdir -p "$XDG_CONFIG_HOME/opsdeck"

# the console's checks need tmux (tests/e2e/lib.sh), in the batch's config and state
HAVE_TMUX=
if command -v tmux >/dev/null 2>&1; then
	HAVE_TMUX=1
	E2E_COLS=200
	E2E_ROWS=40
	E2E_TIMEOUT=60
	. "$ROOT/tests/e2e/lib.sh"
	E2E_HOME=$S
	E2E_ENV="OPSDECK_PLATFORM=$S/platform.yaml"
	[ -n "${LSAN_OPTIONS:-}" ] && E2E_ENV="$E2E_ENV LSAN_OPTIONS=$LSAN_OPTIONS"
	trap 'tm kill-server >/dev/null 2>&1; "$ROOT/scripts/prometheus.sh" stop "$S" >/dev/null 2>&1; sandbox_stop >/dev/null 2>&1; sandbox_clean' EXIT
fi
no_sanitizer() {
	! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$S/stderr"
}

# incidents FILE: the catalog row's incident count in a `dora -o json` output.
incidents() {
	python3 -c "
import json, sys
rows = [r for r in json.load(open('$1'))['rows'] if r['service'] == 'catalog']
print(rows[0]['incidents'] if rows else 0)"
}

dora_pre() { "$OPSDECK" dora --env pre --service catalog --window 7d -o json "$@"; }

if dora_pre >"$S/dead.json" 2>"$S/dead.err"; then
	ok "Prometheus not running yet: dora still answers"
else
	not_ok "Prometheus not running yet: dora still answers"
	diag <"$S/dead.err"
fi
check "...with a note on stderr" grep -q "Prometheus alerts skipped" "$S/dead.err"
if [ -n "$HAVE_TMUX" ]; then
	e2e_start
	e2e_ok "Prometheus not running yet: the console starts" e2e_ready
	e2e_command "dora catalog"
	e2e_expect ":dora flashes that Prometheus did not answer" "dora: Prometheus: "
	e2e_ok "...and still computes the rows" e2e_wait_line 1 ' 30d +[0-9]+/[0-9]+ *$'
	e2e_stop >/dev/null
	check "...no sanitizer report" no_sanitizer
else
	skip "tmux is not installed: the console's :dora is not checked"
fi

if ! "$ROOT/scripts/prometheus.sh" start "$S" "$PORT" >"$S/prom.out" 2>&1; then
	echo "Bail out! Prometheus did not start"
	diag <"$S/prom.out"
	exit 1
fi
ok "scripts/prometheus.sh start"

sandbox_gate_off pre   # 2.6.4's critical finding would stop it at the gate
if "$OPSDECK" promote catalog --from uat --to pre --yes >"$S/promote.out" 2>&1; then
	ok "promote catalog uat -> pre --yes"
else
	not_ok "promote catalog uat -> pre --yes"
	tail -n 12 "$S/promote.out" | diag
fi

# HighErrorRate fires for catalog in pre, and the next minute's evaluation sees it.
fired() {
	curl -fsS "$PROM/api/v1/query?query=ALERTS%7Balertname%3D%22HighErrorRate%22%2Cservice%3D%22catalog%22%2Calertstate%3D%22firing%22%7D" |
		python3 -c "import json, sys; assert json.load(sys.stdin)['data']['result']"
}
eventually 120 "HighErrorRate fires for catalog in pre" fired

# with Prometheus: more incidents than the same moment without it (Argo CD's own are in
# both); the alert is still firing, so one of them is open.
counted() {
	dora_pre >"$S/live.json" 2>"$S/live.err" || return 1
	env OPSDECK_PROMETHEUS_URL="http://127.0.0.1:$DEAD" "$OPSDECK" dora --env pre \
		--service catalog --window 7d -o json >"$S/dead.json" 2>/dev/null || return 1
	[ "$(incidents "$S/live.json")" -gt "$(incidents "$S/dead.json")" ]
}
eventually 120 "dora --env pre --service catalog counts the alert as an incident" counted
check "...no note when Prometheus answers" sh -c "! grep -q 'Prometheus alerts skipped' '$S/live.err'"
check "...and it is open (more open incidents than without Prometheus)" python3 -c "
import json
def row(f):
    return [r for r in json.load(open(f))['rows'] if r['service'] == 'catalog'][0]
live, dead = row('$S/live.json'), row('$S/dead.json')
assert live['open_incidents'] > dead['open_incidents'], (live, dead)"

# The console's :dora agrees with the batch: catalog's card in pre over 30 days counts
# the incidents `opsdeck dora` counts (the alert among them, as checked above). Both end
# at a moment Prometheus has evaluated already: PodCrashLooping may fire any second.
if [ -n "$HAVE_TMUX" ]; then
	UNTIL=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	sleep 5
	E2E_ENV="$E2E_ENV OPSDECK_DORA_UNTIL=$UNTIL"
	e2e_start
	e2e_ok "the console starts" e2e_ready
	e2e_command "dora catalog"
	to_pre() {
		for i in 1 2 3 4 5 6; do
			e2e_wait_line 1 'pre +30d' 1 >/dev/null && return 0
			e2e_keys e
		done
		e2e_dump
		return 1
	}
	e2e_ok ":dora catalog, e: pre" to_pre
	e2e_ok "...catalog's row gathered" e2e_wait_line 3 '^ catalog '
	e2e_keys Enter
	e2e_ok "...its card" e2e_wait_for " incidents, "
	dora_pre --window 30d --until "$UNTIL" >"$S/view.json" 2>/dev/null
	want=$(python3 -c "
import json
r = [r for r in json.load(open('$S/view.json'))['rows'] if r['service'] == 'catalog'][0]
print('; %d incidents, %d open' % (r['incidents'], r['open_incidents']))")
	e2e_expect "...the batch's incidents and open ones ($want)" "$want" 5
	e2e_ok "...the alert among its incidents" e2e_wait_for "  catalog          HighErrorRate" 5
	e2e_ok "...no Prometheus error flashed" sh -c "! tmux -L '$E2E_SOCK' -f /dev/null capture-pane -p -t '$E2E_SESSION' | grep -q 'dora: Prometheus'"
	e2e_stop >/dev/null
	check "...no sanitizer report" no_sanitizer
else
	skip "tmux is not installed: the console's :dora is not compared"
fi

check "scripts/prometheus.sh stop" "$ROOT/scripts/prometheus.sh" stop "$S"
tap_done
