#!/bin/sh
# The console through the sandbox's faults, without a restart: a 503 period (rows kept and
# marked stale, the retry counting down, then connected with changes showing again), a
# watch ended by 410 and dropped mid-stream, lists slowed to 5 s while keys still answer,
# malformed and truncated JSON, the server away for 10 s, Argo CD's stream refused (the
# apps marked stale); its memory stays bounded.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

# wide enough that the header keeps the retry's whole reason (how the header fits 80
# columns is tests/unit/test_chrome's)
E2E_COLS=240
E2E_ROWS=24
e2e_init
E2E_ENV="OPSDECK_PLATFORM=$SANDBOX_STATE/platform.yaml"
e2e_start
e2e_ok "the console starts on the pods" e2e_ready
e2e_expect "connected" "connected"
T=$SANDBOX_STATE

PANE=$(tm display-message -p -t "$E2E_SESSION" '#{pane_pid}')
OPSDECK_PID=$(ps -o pid= --ppid "$PANE" | tr -d ' ' | head -n 1)
rss() { ps -o rss= -p "$OPSDECK_PID" | tr -d ' '; }
RSS0=$(rss)
RSS_MAX=$RSS0
rss_sample() {
	r=$(rss)
	[ -n "$r" ] && [ "$r" -gt "$RSS_MAX" ] && RSS_MAX=$r
}
now_ms() { date +%s%3N; }
still_running() { e2e_exited && { echo "# opsdeck exited"; e2e_dump; return 1; }; kill -0 "$OPSDECK_PID"; }
# the watch is away and the rows stay, marked stale
stale_header() { e2e_wait_line 0 "stale [0-9]+s . (retrying in [0-9]+s|.*loading|.*[a-z])" "${1:-10}"; }
rows_shown() { test "$(e2e_table_rows | wc -l)" -ge 5 || { e2e_dump; return 1; }; }
# a pod on the screen deleted with kubectl: its row goes (the watch is live again)
change_shows() {
	pod=$(e2e_table_rows | awk 'NR == 2 {print $2}')
	ns=$(e2e_table_rows | awk 'NR == 2 {print $1}')
	e2e_kubectl delete pod "$pod" -n "$ns" --wait=false >/dev/null 2>&1 &&
		e2e_wait_gone "$pod" 10
}
connected_fresh() {
	e2e_wait_line 0 "connected *$" "${1:-15}" && ! e2e_line 0 | grep -q stale ||
		{ e2e_dump; return 1; }
}

# -- a 503 period: every pods request refused (the open watch cut by a 1 s outage first)
sandbox_faults "$(printf 'down:1\n503@*/pods')"
e2e_ok "503: the header marks the rows stale and counts down to the next try" stale_header
e2e_expect "503: the reason is shown" "unable to handle the request" 10
e2e_wait_line 0 "retrying in [0-9]+s" 5
# samples of the header every 0.25 s: the countdown must step down by one somewhere (a
# retry in between restarts it), and the stale age must grow
samples=""
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do
	samples="$samples $(e2e_line 0 | sed -nE 's/.*stale ([0-9]+)s.*retrying in ([0-9]+)s.*/\1:\2/p')"
	sleep 0.25
done
echo "# header samples (stale age:countdown):$samples"
ticks=$(printf '%s\n' $samples | awk -F: 'NR > 1 && $2 == prev - 1 {c = 1}
	NR > 1 && $1 > age0 {a = 1} NR == 1 {age0 = $1} {prev = $2} END {print c + 0, a + 0}')
if [ "$ticks" = "1 1" ]; then
	ok "503: the countdown steps down and the stale age grows"
else
	not_ok "503: the countdown steps down and the stale age grows (countdown, age: $ticks)"
	e2e_dump
fi
e2e_ok "503: the rows are still shown" rows_shown
check "503: the sandbox refused the console's requests with 503" \
	grep -q 'pods.* 503 fault=503$' "$T/requests.log"
rss_sample
sandbox_faults ''
e2e_ok "503 over: connected again, nothing stale, no restart" connected_fresh 20
e2e_ok "503 over: a pod deleted with kubectl goes from the table" change_shows
check "503 over: the same console process" still_running

# -- a watch that ends with 410 Expired, then one dropped mid-stream
lists=$(grep -c 'GET /clusters/[a-z]*/api/v1/pods?[^ ]*limit=' "$T/requests.log")
sandbox_faults "$(printf 'down:1\ngone@*/pods#1\ndrop:0@*/pods#1')"
e2e_ok "410 and drop: connected again" connected_fresh 20
relisted() { test "$(grep -c 'GET /clusters/[a-z]*/api/v1/pods?[^ ]*limit=' "$T/requests.log")" -gt "$lists"; }
eventually 5 "410: the console listed the pods again" relisted
e2e_ok "410 and drop: the rows are fresh (a deletion shows)" change_shows
rss_sample

# -- lists slowed to 5 s: a key is answered at once meanwhile
sandbox_faults "$(printf 'down:1\nslow:5@*/pods')"
e2e_ok "slow: the rows go stale while the list is slow" stale_header
sleep 1.5
t0=$(now_ms)
e2e_keys '?'
# the help view's crumb (the header's stale age ticks too, so not just any change)
while ! e2e_line 1 | grep -q 'help *line' && [ $(($(now_ms) - t0)) -lt 3000 ]; do :; done
t=$(($(now_ms) - t0))
echo "# measure: key to screen change while the server is slow: ${t} ms (tmux round trips included)"
if [ "$t" -lt 500 ]; then
	ok "slow: ? changes the screen in ${t} ms (< 500 ms) while a list takes 5 s"
else
	not_ok "slow: ? changes the screen in ${t} ms (want < 500 ms)"
	e2e_dump
fi
e2e_keys Escape
sandbox_faults ''
e2e_ok "slow over: connected" connected_fresh 20
rss_sample

# -- malformed, then truncated JSON: an error shown, no crash, then back
# (a 410 first: a reconnecting console resumes its watch, only a relist reads a list)
sandbox_faults "$(printf 'down:1\ngone@*/pods#1\ngarbage@*/pods#2\ntruncate@*/pods#2')"
e2e_expect "garbage: the parse error is shown" "expected near" 10
# jansson says "premature end of input" or "... near end of file", by where the cut fell
e2e_ok "truncate: the parse error is shown" \
	e2e_wait_line 0 "bad JSON: .*(premature end of input|end of file)" 15
e2e_ok "malformed JSON: the rows are still shown" rows_shown
e2e_ok "malformed JSON over: connected again by itself" connected_fresh 20
check "malformed JSON: the same console process" still_running
# (a stream that delivered an event is healthy: the outage below starts a fresh backoff)
e2e_ok "malformed JSON over: a deletion shows" change_shows
rss_sample

# -- the server away for 10 s
t0=$(now_ms)
sandbox_faults 'down:10'
e2e_ok "down:10: retrying, rows stale" stale_header
e2e_ok "down:10: the rows are still shown" rows_shown
sleep 5
rss_sample
e2e_ok "down:10: the header still counts" stale_header 1
e2e_ok "down:10: reconnected after the outage" connected_fresh 35
echo "# measure: down:10 to connected: $(($(now_ms) - t0)) ms"
e2e_ok "down:10: changes show again" change_shows
rss_sample

# -- Argo CD's application stream refused for a while: the apps stay, marked stale
e2e_command apps
e2e_ok ":apps lists the applications" e2e_wait_for "catalog-dev"
e2e_ok ":apps: connected" connected_fresh 20
sandbox_faults "$(printf 'down:1\n503@/argocd/*')"
e2e_ok "Argo CD 503: the apps are marked stale, retrying" stale_header 20
e2e_ok "Argo CD 503: the apps are still shown" e2e_rows_have "catalog-dev"
# the console's next try comes after its backoff: wait for it
argocd_refused() {
	for _ in $(seq 1 60); do
		grep -q 'argocd/api/v1/.* 503 fault=503$' "$T/requests.log" && return 0
		sleep 0.25
	done
	return 1
}
check "Argo CD 503: the sandbox refused the console's next try with 503" argocd_refused
e2e_ok "Argo CD 503: still stale, retrying" stale_header 5
sandbox_faults ''
e2e_ok "Argo CD back: connected, the mark gone" connected_fresh 35
rss_sample

grow=$((RSS_MAX - RSS0))
echo "# measure: console RSS ${RSS0} kB at the start, ${RSS_MAX} kB at most (+${grow} kB)"
if grep -qa __asan_init "$OPSDECK"; then
	# ASan's quarantine holds freed memory on purpose: RSS says nothing there
	skip "memory bounded through the faults: an ASan build (+${grow} kB)"
elif [ "$grow" -lt 8192 ]; then
	ok "memory bounded through the faults (+${grow} kB < 8 MB)"
else
	not_ok "memory bounded through the faults (+${grow} kB)"
fi
check "no crash: the console quits normally" e2e_stop
check "opsdeck exit status 0" test "$(cat "$E2E_EXIT")" = 0
tap_done
