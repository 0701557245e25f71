#!/bin/sh
# opsdeck-sandbox --faults: each fault as the wire shows it (curl), kubectl and opsdeck get
# failing cleanly through each (exit 1, a message, no crash), 429's Retry-After honoured by
# kubectl, streams cut and ended with 410, down then up, the rules replaced at run time,
# seeded draws repeatable, and an honest requests.log.
. "$(dirname "$0")/../lib/sandbox.sh"

OPSDECK="$BUILD/opsdeck"
SBX="$BUILD/opsdeck-sandbox"

# a bad rule: exit 2 and a message naming it, before anything is served
out=$("$SBX" --state-dir "$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-test.XXXXXX")" \
	--faults '503,slow:x@*/pods' 2>&1)
rc=$?
if [ $rc -eq 2 ] && printf '%s' "$out" | grep -q 'fault "slow:x@\*/pods": the argument'; then
	ok "a bad --faults rule: exit 2 and a message naming it"
else
	not_ok "a bad --faults rule: exit 2 and a message naming it (exit $rc)"
	printf '%s\n' "$out" | diag
fi

sandbox_start
T=$SANDBOX_STATE
TOKEN=$(sed -n 's/^ *token: *//p' "$KUBECONFIG" | head -n 1)
API="$SANDBOX_URL/clusters/nonprod"
# curl as the viewer (a bearer token); extra arguments follow
sbx_curl() { curl -sS --cacert "$T/ca.crt" -H "Authorization: Bearer $TOKEN" "$@"; }
now_ms() { date +%s%3N; }

# Each status fault, for opsdeck get and kubectl: exit 1 (not a signal), the server's
# words on stderr, nothing on stdout.
fails_cleanly() { # FAULT WORDS
	sandbox_faults "$1@*/api/v1/pods"
	"$OPSDECK" get pods -A >"$T/o" 2>"$T/e"
	rc=$?
	if [ $rc -eq 1 ] && grep -q "$2" "$T/e" && [ ! -s "$T/o" ]; then
		ok "$1: opsdeck get exits 1 with \"$2\""
	else
		not_ok "$1: opsdeck get exits 1 with \"$2\" (exit $rc)"
		diag <"$T/e"
	fi
	if command -v kubectl >/dev/null 2>&1; then
		kubectl get pods -A >"$T/o" 2>"$T/e"
		rc=$?
		if [ $rc -eq 1 ] && [ -s "$T/e" ]; then
			ok "$1: kubectl get exits 1 with a message"
		else
			not_ok "$1: kubectl get exits 1 with a message (exit $rc)"
			diag <"$T/e"
		fi
	fi
}
fails_cleanly 503 "the server is currently unable to handle the request"
fails_cleanly 500 "injected fault"
fails_cleanly expired "Unauthorized"
fails_cleanly garbage "expected near"
fails_cleanly truncate "end of file"

sandbox_faults '503@*/api/v1/pods'
code=$(sbx_curl -o "$T/b" -w '%{http_code}' "$API/api/v1/pods")
check "503: the status and a Status with reason ServiceUnavailable on the wire" \
	sh -c "test '$code' = 503 && grep -q '\"reason\":\"ServiceUnavailable\"' '$T/b'"
check "requests.log: the status sent and fault=KIND" \
	sh -c "grep -q ' GET /clusters/nonprod/api/v1/pods.* 503 fault=503\$' '$T/requests.log' &&
		grep -q ' 401 fault=expired\$' '$T/requests.log' &&
		grep -q ' 200 fault=garbage\$' '$T/requests.log'"
check "unfaulted lines keep the plain format" \
	sh -c "grep -Eq '^[0-9T:-]+Z [a-z-]+ GET /clusters/nonprod/version[^ ]* 200\$' '$T/requests.log'"

# 429 with Retry-After: kubectl waits as told and then gets the list
sandbox_faults '429:2@*/api/v1/pods#1'
hdr=$(sbx_curl -D - -o /dev/null "$API/api/v1/pods")
if printf '%s' "$hdr" | grep -q '^HTTP/[0-9.]* 429' && printf '%s' "$hdr" | grep -qi '^retry-after: 2'; then
	ok "429: Retry-After: 2 on the wire"
else
	not_ok "429: Retry-After: 2 on the wire"
	printf '%s\n' "$hdr" | diag
fi
if command -v kubectl >/dev/null 2>&1; then
	sandbox_faults '429:2@*/api/v1/pods#1'
	t0=$(now_ms)
	kubectl get pods -A >"$T/o" 2>"$T/e"
	rc=$?
	t=$(($(now_ms) - t0))
	echo "# measure: kubectl through one 429 with Retry-After 2: ${t} ms"
	if [ $rc -eq 0 ] && [ "$t" -ge 1900 ] && [ "$(wc -l <"$T/o")" -ge 20 ]; then
		ok "429: kubectl honours Retry-After (waited ${t} ms) and lists"
	else
		not_ok "429: kubectl honours Retry-After (exit $rc, ${t} ms)"
		diag <"$T/e"
	fi
fi

# slow: the answer comes, late
sandbox_faults 'slow:2@*/api/v1/pods'
t0=$(now_ms)
"$OPSDECK" get pods -A >"$T/o" 2>"$T/e"
rc=$?
t=$(($(now_ms) - t0))
if [ $rc -eq 0 ] && [ "$t" -ge 1900 ] && [ "$(wc -l <"$T/o")" -ge 20 ]; then
	ok "slow:2: opsdeck get answers after ${t} ms"
else
	not_ok "slow:2: opsdeck get answers after 2 s (exit $rc, ${t} ms)"
	diag <"$T/e"
fi

# drop: a watch closed after 2 lines without its end (curl: 18, partial transfer)
sandbox_faults 'drop:2@*/api/v1/pods'
sbx_curl "$API/api/v1/pods?watch=1" >"$T/w" 2>"$T/e"
rc=$?
if [ $rc -eq 18 ] && [ "$(wc -l <"$T/w")" -eq 2 ]; then
	ok "drop:2: the watch stream is cut after 2 events"
else
	not_ok "drop:2: the watch stream is cut after 2 events (curl $rc, $(wc -l <"$T/w") lines)"
	diag <"$T/e"
fi
# a log follow is a stream too
POD=$("$OPSDECK" get pods -n payments-dev | awk 'NR > 1 && $3 == "Running" {print $1; exit}')
sandbox_faults 'drop:3@*/log'
timeout 10 curl -sS --cacert "$T/ca.crt" -H "Authorization: Bearer $TOKEN" \
	"$API/api/v1/namespaces/payments-dev/pods/$POD/log?follow=true" >"$T/l" 2>"$T/e"
rc=$?
if [ $rc -eq 18 ] && [ "$(wc -l <"$T/l")" -eq 3 ]; then
	ok "drop:3: a log follow is cut after 3 lines"
else
	not_ok "drop:3: a log follow is cut after 3 lines (curl $rc, $(wc -l <"$T/l") lines, pod $POD)"
	diag <"$T/e"
fi

# gone: the watch ends with ERROR 410 Expired, cleanly; the next watch is whole again
sandbox_faults 'gone:1@*/api/v1/pods#1'
timeout 10 curl -sS --cacert "$T/ca.crt" -H "Authorization: Bearer $TOKEN" \
	"$API/api/v1/pods?watch=1" >"$T/w" 2>"$T/e"
rc=$?
if [ $rc -eq 0 ] && [ "$(wc -l <"$T/w")" -eq 2 ] &&
	tail -n 1 "$T/w" | grep -q '"type":"ERROR".*"reason":"Expired".*"code":410'; then
	ok "gone:1: one event, then ERROR 410 Expired and a clean end"
else
	not_ok "gone:1: one event, then ERROR 410 Expired and a clean end (curl $rc)"
	tail -c 300 "$T/w" | diag
fi
timeout 3 curl -sS --cacert "$T/ca.crt" -H "Authorization: Bearer $TOKEN" \
	"$API/api/v1/pods?watch=1" >"$T/w" 2>/dev/null
check "gone#1 is spent: the next watch streams every pod" \
	sh -c "test \$(wc -l <'$T/w') -ge 20 && ! grep -q ERROR '$T/w'"

# down: open streams cut, connections closed, and back after the period
sandbox_faults ''
(timeout 20 curl -sS --cacert "$T/ca.crt" -H "Authorization: Bearer $TOKEN" \
	"$API/api/v1/pods?watch=1" >"$T/dw" 2>"$T/de"; echo $? >"$T/drc") &
WATCHER=$!
sleep 0.5
sandbox_faults 'down:2'
sbx_curl "$API/version" >/dev/null 2>"$T/e"
rc=$?
if [ $rc -eq 52 ] || [ $rc -eq 56 ] || [ $rc -eq 35 ]; then
	ok "down:2: a request gets no response (curl $rc)"
else
	not_ok "down:2: a request gets no response (curl $rc)"
	diag <"$T/e"
fi
"$OPSDECK" get pods -A >/dev/null 2>"$T/e"
rc=$?
check "down:2: opsdeck get exits 1 with \"cannot reach\"" \
	sh -c "test $rc -eq 1 && grep -q 'cannot reach' '$T/e'"
wait "$WATCHER"
check "down:2: an open watch is cut (curl 18)" test "$(cat "$T/drc")" = 18
eventually 6 "down:2: the server is back without a restart" "$OPSDECK" get pods -A -o name
check "down:2: the same sandbox process still serves" kill -0 "$SANDBOX_PID"

# runtime rules: a bad file keeps the rules in force and says why
sandbox_faults '503@*/api/v1/nodes'
n=$(grep -c 'faults reloaded' "$T/sandbox.out")
printf 'slow:1\nnope@/x\n' >"$T/faults"
kill -HUP "$SANDBOX_PID"
eventually 3 "a bad DIR/faults: the sandbox names the rule" \
	grep -q 'faults: fault "nope@/x": unknown kind' "$T/sandbox.out"
check "a bad DIR/faults: the rules in force stay" \
	sh -c "test \$(grep -c 'faults reloaded' '$T/sandbox.out') -eq $n &&
		! '$OPSDECK' get nodes >/dev/null 2>&1"
sandbox_faults ''
check "an empty DIR/faults heals" "$OPSDECK" get nodes -o name

# %PERCENT draws repeat with the same seed: two sandboxes, the same statuses in order
statuses() { # SEED
	d=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-test.XXXXXX")
	"$SBX" --state-dir "$d" --faults '503%50@*/version' --faults-seed "$1" >"$d/out" 2>&1 &
	pid=$!
	i=0
	while [ ! -s "$d/ready" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	url=$(cat "$d/ready")
	tok=$(sed -n 's/^ *token: *//p' "$d/kubeconfig" | head -n 1)
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		curl -s -o /dev/null -w '%{http_code} ' --cacert "$d/ca.crt" \
			-H "Authorization: Bearer $tok" "$url/clusters/nonprod/version"
	done
	kill -TERM $pid
	wait $pid
	rm -rf "$d"
}
a=$(statuses 7)
b=$(statuses 7)
c=$(statuses 8)
echo "# seed 7: $a"
echo "# seed 8: $c"
if [ "$a" = "$b" ] && [ "$a" != "$c" ] && printf '%s' "$a" | grep -q 503 &&
	printf '%s' "$a" | grep -q 200; then
	ok "503%50: the same seed gives the same faults, another seed others"
else
	not_ok "503%50: the same seed gives the same faults ($a / $b / $c)"
fi

if sandbox_stop; then
	ok "the sandbox stops cleanly after all this"
else
	not_ok "the sandbox stops cleanly after all this"
	tail -n 5 "$T/sandbox.out" | diag
fi
tap_done
