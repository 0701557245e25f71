#!/bin/sh
# opsdeck logs against the sandbox: the same lines as kubectl logs (tail, since, previous,
# -c), a deployment's fan-in with prefixes, an Argo CD app's pods, -f until SIGTERM,
# hostile output arriving inert, and the exit statuses. kubectl finds the pods and is
# the reference, so the suite is skipped where it is not installed.
. "$(dirname "$0")/../lib/sandbox.sh"

if ! command -v kubectl >/dev/null 2>&1; then
	skip "kubectl is not installed: the logs suite did not run"
	tap_done
	exit 0
fi

sandbox_start
OPSDECK="$BUILD/opsdeck"
T=$SANDBOX_STATE
export XDG_STATE_HOME="$T/state" XDG_CONFIG_HOME="$T/config" OPSDECK_PLATFORM="$T/platform.yaml"
mkdir -p "$XDG_CONFIG_HOME/opsdeck"
K="kubectl --request-timeout=20s"

# "NS NAME PHASE-OR-WAITING-REASON CONTAINERS(comma) LABEL-APP" per pod
$K get pods -A -o jsonpath='{range .items[*]}{.metadata.namespace}{" "}{.metadata.name}{" "}{.status.phase}{"/"}{.status.containerStatuses[0].state.waiting.reason}{" "}{.spec.containers[*].name}{"\n"}{end}' \
	>"$T/pods" 2>&1
first() { awk "$1 {print; exit}" "$T/pods"; }
read -r NS POD _ CTR <<EOT
$(first '$3 == "Running/" && NF == 4')
EOT
read -r CNS CPOD _ CCTR <<EOT
$(first '$3 ~ /CrashLoopBackOff/')
EOT
read -r MNS MPOD _ MCTR1 MCTR2 <<EOT
$(first '$3 == "Running/" && NF == 5')
EOT
if [ -z "$POD" ] || [ -z "$CPOD" ] || [ -z "$MCTR2" ]; then
	echo "Bail out! no running, crash-looping and two-container pods in the sandbox"
	diag <"$T/pods"
	exit 1
fi

# same "what" ARGS...: opsdeck logs and kubectl logs print the same lines, both exit 0.
# The logs grow while the two run, so a pair that straddles a new line is run again; a
# whole log (no --tail, no --since) may instead end a few lines earlier than kubectl's,
# which ran after it: its lines must then be the start of kubectl's, all of them.
grown_by_a_few() {
	n=$(wc -l <"$T/o")
	extra=$(($(wc -l <"$T/k") - n))
	[ "$extra" -gt 0 ] && [ "$extra" -le 5 ] && head -n "$n" "$T/k" | cmp -s - "$T/o"
}
same() {
	what=$1
	shift
	whole=yes
	case " $* " in *" --tail "*|*" --since "*|*" --previous "*) whole=no ;; esac
	for try in 1 2 3; do
		"$OPSDECK" logs "$@" >"$T/o" 2>"$T/o.err"
		orc=$?
		$K logs "$@" >"$T/k" 2>&1
		cmp -s "$T/o" "$T/k" && break
	done
	if [ $orc -eq 0 ] && [ -s "$T/o" ] && { cmp -s "$T/o" "$T/k" ||
		{ [ $whole = yes ] && grown_by_a_few; }; }; then
		ok "$what ($(wc -l <"$T/o") lines)"
	else
		not_ok "$what (exit $orc)"
		{ diff "$T/o" "$T/k" | head -n 10; cat "$T/o.err"; } | diag
	fi
}

same "logs --tail 20 is kubectl's" "$POD" -n "$NS" --tail 20
same "logs pod/NAME is kubectl's" "pod/$POD" -n "$NS" -c "$CTR"
same "logs -c (second container) --tail 5 is kubectl's" "$MPOD" -n "$MNS" -c "$MCTR2" --tail 5
same "logs --previous of a crash-looping pod is kubectl's" "$CPOD" -n "$CNS" -c "$CCTR" --previous
# --since: the window moves with the clock, so compare at a second boundary
sleep_to_second() { python3 -c 'import time; time.sleep(1.05 - time.time() % 1)'; }
sleep_to_second
same "logs --since 5s is kubectl's" "$POD" -n "$NS" --since 5s

# a deployment: every pod, each line prefixed with its source
DEPLOY=$($K get pod -n "$NS" "$POD" -o jsonpath='{.metadata.ownerReferences[0].name}' 2>/dev/null)
DEPLOY=${DEPLOY%-*}
NPODS=$($K get deploy -n "$NS" "$DEPLOY" -o jsonpath='{.status.replicas}' 2>/dev/null)
"$OPSDECK" logs "deploy/$DEPLOY" -n "$NS" --tail 3 >"$T/d" 2>"$T/d.err"
rc=$?
SOURCES=$(sed -n 's/^\[\([^]]*\)\] .*/\1/p' "$T/d" | sort -u | wc -l)
if [ $rc -eq 0 ] && [ "$SOURCES" -eq "$NPODS" ] && [ "$(wc -l <"$T/d")" -eq $((NPODS * 3)) ] &&
	! grep -qv '^\[' "$T/d"; then
	ok "logs deploy/NAME reads its $NPODS pods, every line prefixed"
else
	not_ok "logs deploy/NAME reads its pods (exit $rc, $SOURCES sources, want $NPODS)"
	{ head -n 6 "$T/d"; cat "$T/d.err"; } | diag
fi
check "--prefix on one pod prefixes [POD]" \
	sh -c "'$OPSDECK' logs '$POD' -n '$NS' --tail 2 --prefix | grep -c '^\[$POD\] ' | grep -qx 2"
check "--timestamps puts an RFC 3339 time first" \
	sh -c "'$OPSDECK' logs '$POD' -n '$NS' --tail 2 --timestamps | grep -Ec '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z ' | grep -qx 2"

# an Argo CD application: the pods of its resource tree
APP=$($K --context ops get applications.argoproj.io -A -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | head -n 1)
"$OPSDECK" logs "app/$APP" --tail 1 >"$T/a" 2>"$T/a.err"
rc=$?
if [ $rc -eq 0 ] && [ -s "$T/a" ]; then
	ok "logs app/$APP prints its pods' lines ($(wc -l <"$T/a"))"
else
	not_ok "logs app/$APP (exit $rc)"
	diag <"$T/a.err"
fi

# -f: new lines arrive; SIGTERM ends it with exit 0
: >"$T/f"
"$OPSDECK" logs -f "$POD" -n "$NS" --tail 1 >"$T/f" 2>"$T/f.err" &
FPID=$!
n=0
while [ "$(wc -l <"$T/f")" -lt 3 ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
kill -TERM $FPID
wait $FPID
rc=$?
if [ $rc -eq 0 ] && [ "$(wc -l <"$T/f")" -ge 3 ]; then
	ok "logs -f gets new lines and exits 0 on SIGTERM ($(wc -l <"$T/f") lines)"
else
	not_ok "logs -f gets new lines and exits 0 on SIGTERM (exit $rc, $(wc -l <"$T/f") lines)"
	diag <"$T/f.err"
fi

# the hostile pod: escape sequences shown, never sent
HOSTILE=$($K get pods -A -o jsonpath='{range .items[*]}{.metadata.namespace}{" "}{.metadata.name}{" "}{.metadata.annotations.sandbox\.opsdeck\.dev/log-style}{"\n"}{end}' |
	awk '$3 == "hostile" {print $1, $2; exit}')
read -r HNS HPOD <<EOT
$HOSTILE
EOT
"$OPSDECK" logs "$HPOD" -n "$HNS" >"$T/h" 2>&1
rc=$?
$K logs "$HPOD" -n "$HNS" >"$T/hk" 2>&1
if [ $rc -eq 0 ] && [ -s "$T/h" ] && ! grep -qP '[\x00-\x08\x0b-\x1f\x7f]' "$T/h" &&
	! grep -qP '\xc2[\x80-\x9f]' "$T/h" && grep -qP '\x1b' "$T/hk"; then
	ok "the hostile pod's lines arrive with no ESC, BEL or C1 (kubectl passes them raw)"
else
	not_ok "the hostile pod's lines arrive inert (exit $rc)"
	od -c "$T/h" | head -n 8 | diag
fi

# exit statuses
"$OPSDECK" logs no-such-pod -n "$NS" >"$T/e" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'pods "no-such-pod" not found' "$T/e"; then
	ok "an unknown pod exits 1 with the server's message"
else
	not_ok "an unknown pod exits 1 with the server's message (exit $rc)"
	diag <"$T/e"
fi
"$OPSDECK" logs "$POD" -n "$NS" --bogus >"$T/e" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q '^usage: opsdeck logs' "$T/e"; then
	ok "a bad flag exits 2 with the usage line"
else
	not_ok "a bad flag exits 2 with the usage line (exit $rc)"
	diag <"$T/e"
fi
"$OPSDECK" logs "$POD" -n "$NS" --since 5 >"$T/e" 2>&1
check "--since without a unit exits 2" test $? -eq 2
"$OPSDECK" logs "$POD" -n "$NS" -c no-such-container >"$T/e" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'container no-such-container is not valid' "$T/e"; then
	ok "a wrong container exits 1 with the server's message"
else
	not_ok "a wrong container exits 1 with the server's message (exit $rc)"
	diag <"$T/e"
fi

if sandbox_stop; then ok "the sandbox stops cleanly"; else not_ok "the sandbox stops cleanly"; fi
tap_done
