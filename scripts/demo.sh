#!/bin/sh
# make demo: starts opsdeck-sandbox in a fresh state directory, a Prometheus scraping it
# (when /usr/bin/prometheus is installed) and the console on both; stops them when the
# console exits. Without a terminal (CI, a pipe) it only prints how to
# reach the sandbox and waits for stdin to close. Usage: scripts/demo.sh BUILD_DIR
BUILD=${1:-build}
STATE=${OPSDECK_DEMO_DIR:-$(mktemp -d /tmp/opsdeck-demo.XXXXXX)}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROM_FLAG=""
if [ -x "${PROMETHEUS:-/usr/bin/prometheus}" ]; then
	# a free loopback port for Prometheus, known before the sandbox writes platform.yaml
	PROM_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	PROM_FLAG="--prometheus http://127.0.0.1:$PROM_PORT"
fi
# shellcheck disable=SC2086 # PROM_FLAG is two words or none
"$BUILD/opsdeck-sandbox" --state-dir "$STATE" $PROM_FLAG &
pid=$!
stop_all() {
	[ -n "$PROM_FLAG" ] && "$ROOT/scripts/prometheus.sh" stop "$STATE" >/dev/null 2>&1
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}
trap stop_all EXIT INT TERM
i=0
while [ ! -f "$STATE/ready" ]; do
	if ! kill -0 "$pid" 2>/dev/null || [ $i -ge 100 ]; then
		echo "demo: the sandbox did not start (see above)" >&2
		exit 1
	fi
	sleep 0.1
	i=$((i + 1))
done
if [ -n "$PROM_FLAG" ] && ! "$ROOT/scripts/prometheus.sh" start "$STATE" "$PROM_PORT" >"$STATE/prometheus.log" 2>&1; then
	echo "demo: Prometheus did not start (see $STATE/prometheus.log); :triage will say so" >&2
fi
export KUBECONFIG="$STATE/kubeconfig"
# the sandbox's platform model names its Argo CD (server, token file, CA): :apps uses it
export OPSDECK_PLATFORM="$STATE/platform.yaml"
if [ -t 0 ] && [ -t 1 ]; then
	# the console on the sandbox; q quits it and the sandbox with it
	"$BUILD/opsdeck"
	rc=$?
	echo "opsdeck exited ($rc); the sandbox stops now. State was in $STATE."
	exit "$rc"
fi
cat <<MSG
opsdeck-sandbox is serving at $(cat "$STATE/ready") (state in $STATE).

  export KUBECONFIG=$STATE/kubeconfig OPSDECK_PLATFORM=$STATE/platform.yaml
  $BUILD/opsdeck                          # the console (press ? in it for help)
  $BUILD/opsdeck get pods -A              # opsdeck's batch mode
  $BUILD/opsdeck apps                     # the Argo CD applications
  $BUILD/opsdeck alerts                   # firing alerts (when Prometheus runs)
  $BUILD/opsdeck logs deploy/catalog -n storefront-dev   # logs, fanned in
  kubectl get deploy -A -o wide           # the real kubectl works too

No terminal here, so the console was not started. Close stdin to stop the sandbox.
MSG
cat >/dev/null   # non-interactive: stop when stdin closes
