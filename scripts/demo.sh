#!/bin/sh
# make demo: starts opsdeck-sandbox in a fresh state directory and the console on it; stops
# the sandbox when the console exits. Without a terminal (CI, a pipe) it only prints how to
# reach the sandbox and waits for stdin to close. Usage: scripts/demo.sh BUILD_DIR
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
  kubectl get deploy -A -o wide           # the real kubectl works too

No terminal here, so the console was not started. Close stdin to stop the sandbox.
MSG
cat >/dev/null   # non-interactive: stop when stdin closes
