#!/bin/sh
# make demo: starts opsdeck-sandbox in a fresh state directory and shows how to reach it;
# stops the sandbox on exit. Usage: scripts/demo.sh BUILD_DIR
BUILD=${1:-build}
STATE=${OPSDECK_DEMO_DIR:-$(mktemp -d /tmp/opsdeck-demo.XXXXXX)}
"$BUILD/opsdeck-sandbox" --state-dir "$STATE" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null' EXIT INT TERM
i=0
while [ ! -f "$STATE/ready" ]; do
	if ! kill -0 "$pid" 2>/dev/null || [ $i -ge 100 ]; then
		echo "demo: the sandbox did not start (see above)" >&2
		exit 1
	fi
	sleep 0.1
	i=$((i + 1))
done
cat <<MSG
opsdeck-sandbox is serving at $(cat "$STATE/ready") (state in $STATE).

  export KUBECONFIG=$STATE/kubeconfig
  $BUILD/opsdeck get pods -A            # opsdeck's batch mode
  kubectl get deploy -A -o wide           # the real kubectl works too
  kubectl config get-contexts             # one context per cluster, plus *-viewer (read-only)

The console itself is not built yet. Press Ctrl-C (or close stdin) to stop the sandbox.
MSG
if [ -t 0 ]; then
	wait "$pid"
else
	cat >/dev/null   # non-interactive: stop when stdin closes
fi
