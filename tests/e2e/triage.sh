#!/bin/sh
# From a firing alert to the cause and a rollback without leaving the console: a real
# Prometheus scrapes the sandbox, the bad catalog release goes to pre, :triage shows
# HighErrorRate for catalog in pre; l shows the logs, c what changed (the promotion
# commit), b rolls back (confirmed) and the app is Healthy on the old version again;
# :timeline keeps the operation and the warning events.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
if [ ! -x "$PROMETHEUS" ]; then
	skip "$PROMETHEUS is not installed (apt-get install prometheus)"
	tap_done
	exit
fi
if [ ! -x "$OPSDECK" ]; then
	echo "Bail out! $OPSDECK is not built"
	exit 1
fi

E2E_COLS=160
E2E_ROWS=45
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PROM=http://127.0.0.1:$PORT
# e2e_init, with the sandbox told where Prometheus is
sandbox_start --prometheus "$PROM"
S=$SANDBOX_STATE
# Prometheus writes into the state directory: stopped before e2e_cleanup removes it
trap '"$ROOT/scripts/prometheus.sh" stop "$S" >/dev/null 2>&1; e2e_cleanup' EXIT
trap 'exit 130' INT TERM
E2E_HOME=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-e2e-home.XXXXXX")
mkdir -p "$E2E_HOME/config/opsdeck" "$E2E_HOME/state" "$E2E_HOME/cache"

if ! "$ROOT/scripts/prometheus.sh" start "$S" "$PORT" >"$S/prom.out" 2>&1; then
	echo "Bail out! Prometheus did not start"
	diag <"$S/prom.out"
	exit 1
fi
ok "Prometheus runs on $PROM"

# the bad release, promoted with the batch command as a release manager would (with pre's
# no-critical gate off: 2.6.4 carries a critical finding the gate would refuse)
sandbox_gate_off pre
if env XDG_STATE_HOME="$E2E_HOME/state" XDG_CACHE_HOME="$E2E_HOME/cache" \
	OPSDECK_PLATFORM="$S/platform.yaml" GIT_AUTHOR_NAME=Release-Manager \
	GIT_AUTHOR_EMAIL=rm@example.com \
	"$OPSDECK" promote catalog --from uat --to pre --yes >"$S/promote.out" 2>&1; then
	ok "opsdeck promote catalog --from uat --to pre --yes"
else
	not_ok "opsdeck promote catalog --from uat --to pre --yes"
	tail -n 12 "$S/promote.out" | diag
fi

E2E_ENV="OPSDECK_PLATFORM=$S/platform.yaml GIT_AUTHOR_NAME=On-Call GIT_AUTHOR_EMAIL=oncall@example.com"
# an ASan build (E2E_OPSDECK) keeps tests/run.sh's suppressions through e2e_start's env -i
[ -n "${LSAN_OPTIONS:-}" ] && E2E_ENV="$E2E_ENV LSAN_OPTIONS=$LSAN_OPTIONS"
e2e_start
e2e_ok "the console starts" e2e_ready
e2e_command triage
e2e_expect_line ":triage: the triage table" 2 'SEVERITY +STATE[^ ]* +ALERT +SERVICE +ENV +APP'
e2e_expect_line "...the crumbs say triage and count the firing alerts" 1 'triage.*[0-9]+ firing'
e2e_ok "...HighErrorRate fires for catalog in pre (up to 120 s)" \
	e2e_wait_for "HighErrorRate" 120
e2e_keys /
e2e_type HighErrorRate
e2e_keys Enter
e2e_ok "...its row: service, env, app" e2e_wait_line 3 'HighErrorRate +catalog +pre +catalog-pre'

e2e_keys l
e2e_ok "l: the logs of catalog's pods" e2e_wait_line 1 'logs'
e2e_keys Escape
e2e_ok "Esc: back on triage" e2e_wait_line 1 'triage'

e2e_keys c
e2e_expect "c: the app's last syncs" "catalog-pre changes"
e2e_expect "...with the promotion commit" "catalog: promote 2.6.4 from uat to pre" 20
e2e_keys Enter
e2e_expect "Enter: the diff of the GitOps repository" "+++ b/envs/pre/catalog" 30
e2e_keys Escape Escape
e2e_ok "Esc Esc: back on triage" e2e_wait_line 1 'triage'

e2e_keys b
e2e_expect "b asks for the history entry" "History entry to roll back to"
e2e_keys Enter
e2e_expect "...then to confirm" "Roll back application catalog-pre"
e2e_keys y
# catalog_healthy: Argo CD says catalog-pre is Healthy and runs 2.6.3 (a rollback
# leaves it OutOfSync from Git, as expected)
catalog_healthy() {
	env XDG_STATE_HOME="$E2E_HOME/state" XDG_CACHE_HOME="$E2E_HOME/cache" \
		OPSDECK_PLATFORM="$S/platform.yaml" "$OPSDECK" apps -o json | python3 -c "
import json, sys
a = [r for r in json.load(sys.stdin) if r['name'] == 'catalog-pre']
assert a and a[0]['health'] == 'Healthy' and '2.6.3' in a[0]['images'], a"
}
eventually 90 "...the app goes Healthy again" catalog_healthy
image=$(e2e_kubectl --context prod get deploy catalog -n storefront-pre \
	-o jsonpath='{.spec.template.spec.containers[0].image}')
case $image in *:2.6.3) ok "...on the old version (2.6.3)" ;;
*) not_ok "...on the old version (image $image)" ;; esac

e2e_command timeline
e2e_expect_line ":timeline: the table" 2 'TIME[^ ]* +AGE +KIND +CLUSTER +NAMESPACE +OBJECT +REASON'
e2e_expect "...the Argo CD operation" "Application/catalog-pre"
e2e_keys /
e2e_type event
e2e_keys Enter
has_warning() { e2e_screen | grep -qE 'BackOff|Unhealthy'; }
e2e_ok "...and warning events (BackOff or Unhealthy)" has_warning
e2e_keys Escape /
e2e_type "Back-off restarting failed container catalog"
e2e_keys Enter
e2e_ok "/Back-off...: catalog's BackOff events" e2e_wait_line 3 'event .*pod/catalog-.*BackOff'
e2e_keys Enter
# the pod may have been replaced since: either answer is right, nothing else is
opened() { e2e_screen | grep -qE 'is gone; from the timeline|^ *Name: +catalog-'; }
eventually 15 "Enter: the pod's description, or \"gone; from the timeline\"" opened
e2e_screen | grep -E 'gone; from|Name:' | head -n 2 | diag
e2e_stop
code=$(cat "$E2E_EXIT" 2>/dev/null)
if [ "$code" = 0 ] && ! grep -qE 'Sanitizer|runtime error' "$E2E_HOME/stderr" 2>/dev/null; then
	ok "q: opsdeck exits 0, nothing on stderr from a sanitizer"
else
	not_ok "q: opsdeck exits 0, nothing on stderr from a sanitizer (exit $code)"
	tail -n 30 "$E2E_HOME/stderr" 2>/dev/null | diag
fi
n=$(grep -c '"kind":"operation"' "$E2E_HOME/state/opsdeck/timeline.jsonl" 2>/dev/null)
if [ "${n:-0}" -ge 1 ]; then ok "timeline.jsonl holds the operations ($n)"; else
	not_ok "timeline.jsonl holds the operations"; fi
n=$(grep -c '"kind":"alert"' "$E2E_HOME/state/opsdeck/timeline.jsonl" 2>/dev/null)
if [ "${n:-0}" -ge 1 ]; then ok "...and the alerts seen ($n)"; else
	not_ok "...and the alerts seen"; fi
mode=$(stat -c %a "$E2E_HOME/state/opsdeck/timeline.jsonl" 2>/dev/null)
if [ "$mode" = 600 ]; then ok "...mode 0600"; else not_ok "...mode 0600 ($mode)"; fi

# without Prometheus: :triage still opens and says how to configure it
printf 'tenants: []\n' >"$S/no-prometheus.yaml"
E2E_ENV="OPSDECK_PLATFORM=$S/no-prometheus.yaml${LSAN_OPTIONS:+ LSAN_OPTIONS=$LSAN_OPTIONS}"
e2e_start
e2e_ok "without Prometheus: the console starts" e2e_ready
e2e_command triage
e2e_expect ":triage says how to configure Prometheus" "Prometheus is not configured: set OPSDECK_PROMETHEUS_URL"
e2e_stop
tap_done
