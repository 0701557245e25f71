#!/bin/sh
# A real Prometheus (Debian's package) scraping the sandbox with the repository's alert
# rules: the target is up, `opsdeck alerts` lists the scenario's crash-looping pods, and
# promoting the bad catalog release to pre makes HighErrorRate fire for it.
. "$(dirname "$0")/../lib/sandbox.sh"

PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
if [ ! -x "$PROMETHEUS" ]; then
	skip "$PROMETHEUS is not installed (apt-get install prometheus)"
	tap_done
	exit
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
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

# expect_rc RC "what" command...: the command exits RC; its output is kept in $S/out.
expect_rc() {
	want=$1
	what=$2
	shift 2
	"$@" >"$S/out" 2>"$S/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$what"; else
		not_ok "$what (exit $rc, want $want)"
		tail -n 12 "$S/out" "$S/err" | diag
	fi
}

# alert_json NAME [SERVICE ENV]: `opsdeck alerts -o json` lists a firing NAME (for
# SERVICE in ENV when given).
alert_json() {
	"$OPSDECK" alerts -o json | python3 -c "
import json, sys
rows = json.load(sys.stdin)
hit = [r for r in rows if r['alert'] == '$1' and r['state'] == 'firing'
       and ('$2' == '' or (r['service'] == '$2' and r['environment'] == '$3'))]
assert hit, rows
"
}

if command -v promtool >/dev/null 2>&1; then
	check "promtool check rules sandbox/prometheus/alerts.yml" \
		promtool check rules "$ROOT/sandbox/prometheus/alerts.yml"
else
	skip "promtool is not installed"
fi
check "platform.yaml names the Prometheus (--prometheus)" grep -q "url: $PROM" "$S/platform.yaml"
check "/metrics answers without credentials" sh -c \
	"curl -fsS --cacert '$S/ca.crt' '$SANDBOX_URL/metrics' | grep -q '^# TYPE http_requests_total counter'"
expect_rc 1 "opsdeck alerts before Prometheus runs: cannot reach it (exit 1)" "$OPSDECK" alerts
check "...and says so" grep -q "cannot reach Prometheus at $PROM" "$S/err"

if ! "$ROOT/scripts/prometheus.sh" start "$S" "$PORT" >"$S/prom.out" 2>&1; then
	echo "Bail out! Prometheus did not start"
	diag <"$S/prom.out"
	exit 1
fi
ok "scripts/prometheus.sh start: ready on $PROM"
check "...its pid file names a running process" kill -0 "$(cat "$S/prometheus/pid")"
eventually 30 "the sandbox target is up (/api/v1/targets)" sh -c "
	curl -fsS '$PROM/api/v1/targets' | python3 -c \"
import json, sys
t = json.load(sys.stdin)['data']['activeTargets']
assert t and all(x['health'] == 'up' for x in t), t\""
eventually 40 "opsdeck alerts -o json lists PodCrashLooping for the incident pods" \
	alert_json PodCrashLooping
expect_rc 0 "opsdeck alerts (table)" "$OPSDECK" alerts
check "...has the columns" grep -qE '^ALERT +SEVERITY +STATE +SERVICE +ENVIRONMENT +NAMESPACE +CLUSTER +SINCE +SUMMARY' "$S/out"
check "...and the crash-looping pod's summary" grep -q 'PodCrashLooping.*is crash-looping' "$S/out"
expect_rc 0 "opsdeck alerts --all -o json" "$OPSDECK" alerts --all -o json
expect_rc 2 "opsdeck alerts -o yaml is a usage error" "$OPSDECK" alerts -o yaml
printf 'tenants: []\n' >"$S/empty-platform.yaml"
expect_rc 2 "no Prometheus configured: exit 2" env OPSDECK_PLATFORM="$S/empty-platform.yaml" "$OPSDECK" alerts
check "...saying how to configure one" grep -q 'OPSDECK_PROMETHEUS_URL' "$S/err"
expect_rc 0 "OPSDECK_PROMETHEUS_URL overrides the url" \
	env OPSDECK_PLATFORM="$S/empty-platform.yaml" OPSDECK_PROMETHEUS_URL="$PROM" "$OPSDECK" alerts -o json

# the bad release: catalog 2.6.4 crash-loops in pre, its errors climb, the alert fires
if ! command -v git >/dev/null 2>&1 || [ ! -d "$S/gitops.git" ]; then
	skip "no git or no GitOps repository: cannot promote"
else
	sandbox_gate_off pre   # 2.6.4's critical finding would stop it at the gate
	"$OPSDECK" promote catalog --from uat --to pre --yes >"$S/promote.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then ok "promote catalog uat -> pre --yes"; else
		not_ok "promote catalog uat -> pre --yes (exit $rc)"
		tail -n 12 "$S/promote.out" | diag
	fi
	eventually 90 "HighErrorRate fires for catalog in pre" alert_json HighErrorRate catalog pre
	check "...as critical with a runbook" sh -c "
		curl -fsS '$PROM/api/v1/alerts' | python3 -c \"
import json, sys
a = [x for x in json.load(sys.stdin)['data']['alerts'] if x['labels']['alertname'] == 'HighErrorRate'
     and x['labels'].get('service') == 'catalog']
assert a and a[0]['labels']['severity'] == 'critical' and a[0]['annotations']['runbook_url'], a\""
fi

check "scripts/prometheus.sh stop" "$ROOT/scripts/prometheus.sh" stop "$S"
check "...Prometheus is gone" sh -c "! curl -fsS '$PROM/-/ready' >/dev/null 2>&1"
tap_done
