# Shared by the integration suites (sourced): a sandbox in a fresh state directory, and
# TAP output ("ok N - what", "not ok N - what", "# detail").
: "${BUILD:=build}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$ROOT" && cd "$BUILD" && pwd)
TAP_N=0
TAP_FAILED=0

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }
not_ok() { TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1)); echo "not ok $TAP_N - $*"; }
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N # SKIP $*"; }
diag() { sed 's/^/#   /'; }

# check "what" command...: runs the command; passes when it exits 0; on failure its
# output is shown as diagnostics.
check() {
	what=$1
	shift
	if out=$("$@" 2>&1); then
		ok "$what"
	else
		not_ok "$what"
		printf '%s\n' "$out" | tail -n 15 | diag
	fi
}

# eventually SECONDS "what" command...: retries the command every 0.2 s until it passes.
eventually() {
	limit=$1
	what=$2
	shift 2
	end=$(($(date +%s) + limit))
	while :; do
		if out=$("$@" 2>&1); then
			ok "$what"
			return 0
		fi
		if [ "$(date +%s)" -ge "$end" ]; then
			not_ok "$what (not within ${limit}s)"
			printf '%s\n' "$out" | tail -n 15 | diag
			return 1
		fi
		sleep 0.2
	done
}

# sandbox_start [flags...]: starts opsdeck-sandbox, waits for DIR/ready, exports
# SANDBOX_STATE, SANDBOX_URL and KUBECONFIG. Stopped by sandbox_stop (and on exit).
# $SANDBOX_ARGS (split on blanks) adds flags to every start, e.g.
# SANDBOX_ARGS="--faults 503%10 --faults-seed 7" to run a suite against a flaky server.
sandbox_start() {
	SANDBOX_STATE=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-test.XXXXXX")
	SANDBOX_DIRS="${SANDBOX_DIRS:-} $SANDBOX_STATE"
	# shellcheck disable=SC2086 # SANDBOX_ARGS is a list of flags
	"$BUILD/opsdeck-sandbox" --state-dir "$SANDBOX_STATE" ${SANDBOX_ARGS:-} "$@" \
		>"$SANDBOX_STATE/sandbox.out" 2>&1 &
	SANDBOX_PID=$!
	trap 'sandbox_stop >/dev/null 2>&1; sandbox_clean' EXIT
	i=0
	while [ ! -s "$SANDBOX_STATE/ready" ]; do
		if ! kill -0 "$SANDBOX_PID" 2>/dev/null || [ $i -ge 300 ]; then
			echo "Bail out! the sandbox did not start"
			diag <"$SANDBOX_STATE/sandbox.out"
			exit 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
	SANDBOX_URL=$(cat "$SANDBOX_STATE/ready")
	KUBECONFIG=$SANDBOX_STATE/kubeconfig
	export SANDBOX_STATE SANDBOX_URL KUBECONFIG
}

# sandbox_gate_off ENV: the operator's override in $SANDBOX_STATE/platform.yaml that lets a
# release with a critical finding into ENV (gates: {no_critical: false}), for the tests
# that promote the bad release on purpose to watch it fail.
sandbox_gate_off() {
	python3 - "$SANDBOX_STATE/platform.yaml" "$1" <<'EOF_PY'
import sys
path, env = sys.argv[1], sys.argv[2]
text = open(path).read()
entry = '  - name: %s\n' % env
assert entry in text, 'no environment %s in %s' % (env, path)
text = text.replace(entry, entry + '    gates: {no_critical: false}\n', 1)
open(path, 'w').write(text)
EOF_PY
}

# sandbox_clean: removes the state directories this suite's sandboxes used, unless a
# check failed or SANDBOX_KEEP is set (then it says where they are, for the post-mortem).
sandbox_clean() {
	[ -n "${SANDBOX_DIRS:-}" ] || return 0
	if [ "$TAP_FAILED" -eq 0 ] && [ -z "${SANDBOX_KEEP:-}" ]; then
		# shellcheck disable=SC2086 # a list of mktemp paths, no blanks in them
		rm -rf $SANDBOX_DIRS
	else
		echo "# sandbox state kept in$SANDBOX_DIRS"
	fi
	SANDBOX_DIRS=
}

# sandbox_stop: SIGTERM, and the sandbox must exit 0 within 5 s.
sandbox_stop() {
	[ -n "${SANDBOX_PID:-}" ] || return 0
	kill -TERM "$SANDBOX_PID" 2>/dev/null
	i=0
	while kill -0 "$SANDBOX_PID" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$SANDBOX_PID" 2>/dev/null; then
		kill -KILL "$SANDBOX_PID" 2>/dev/null
		wait "$SANDBOX_PID" 2>/dev/null
		SANDBOX_PID=
		return 1
	fi
	wait "$SANDBOX_PID"
	rc=$?
	SANDBOX_PID=
	return $rc
}

# sandbox_faults SPEC: replaces the running sandbox's faults with SPEC (one rule a line
# or commas; "" heals) through DIR/faults and SIGHUP, and waits until it took them.
sandbox_faults() {
	n=$(grep -c 'faults reloaded' "$SANDBOX_STATE/sandbox.out")
	printf '%s\n' "$1" >"$SANDBOX_STATE/faults"
	kill -HUP "$SANDBOX_PID"
	i=0
	while [ "$(grep -c 'faults reloaded' "$SANDBOX_STATE/sandbox.out")" -le "$n" ]; do
		[ $i -ge 50 ] && return 1
		sleep 0.05
		i=$((i + 1))
	done
}

# tap_done: the plan line, and the exit status of the suite.
tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
