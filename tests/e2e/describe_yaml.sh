#!/bin/sh
# The text views on a pod: describe (d), YAML (y) with search (/, n, N), back with Esc;
# and an incident's pod showing CrashLoopBackOff in the table.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

E2E_COLS=100
E2E_ROWS=40
e2e_init
NS=payments-dev
CRASH=$(e2e_kubectl get pods -n "$NS" --no-headers | awk '$3 == "CrashLoopBackOff" {print $1; exit}')
e2e_start
e2e_ok "the console starts" e2e_ready
e2e_command "pods $NS"
e2e_expect_line "...header ns $NS" 0 "ns: $NS"

# the crash-looping pod of the scenario's incident
e2e_keys /
e2e_type "$CRASH"
e2e_keys Enter
e2e_ok "filtered down to the crash-looping pod $CRASH" e2e_wait_line 1 '[^0-9]1/[0-9]+ *$'
crash_status() {
	e2e_column STATUS | head -n 1 | grep -qx CrashLoopBackOff && return 0
	echo "# STATUS cell: $(e2e_column STATUS | head -n 1)"
	e2e_dump
	return 1
}
e2e_ok "its STATUS cell says CrashLoopBackOff" crash_status

e2e_keys d
e2e_expect "d describes the pod: Name:" "Name:"
e2e_ok "...Namespace: $NS" e2e_wait_for "Namespace:"
e2e_ok "...the pod's name" e2e_wait_for "$CRASH"
e2e_keys G
e2e_expect "...and (at the end, G) its Events:" "Events:"
e2e_ok "...with the back-off event" e2e_wait_for "BackOff"
e2e_keys Escape
e2e_expect_line "Esc goes back to the table" 2 'NAME +READY +STATUS'
e2e_ok "...with the filter still on" e2e_wait_line 1 '[^0-9]1/[0-9]+ *$'

e2e_keys y
e2e_expect "y shows the YAML: apiVersion: v1" "apiVersion: v1"
e2e_ok "...kind: Pod" e2e_wait_for "kind: Pod"
e2e_keys /
e2e_type image
e2e_keys Enter
e2e_expect "/image searches: the status shows the match" "match"
e2e_ok "...the search moved to a line with image" sh -c \
	"tmux -L '$E2E_SOCK' capture-pane -p -t '$E2E_SESSION' | sed -n '4,\$p' | grep -q image"
m1=$(e2e_line 1)
e2e_keys n
n=50
while [ "$(e2e_line 1)" = "$m1" ] && [ $n -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
m2=$(e2e_line 1)
if [ "$m1" != "$m2" ]; then ok "n moves to the next match ($(echo "$m2" | grep -o 'match.*'))"; else
	not_ok "n moves to the next match (status stays '$m1')"; e2e_dump; fi
e2e_keys N
e2e_ok "N moves back" e2e_wait_line 1 "$(echo "$m1" | grep -o 'match [0-9]*' | head -n 1)"
e2e_keys /
e2e_type nosuchwordanywhere
e2e_keys Enter
e2e_expect "a search for a missing word says Pattern not found" "Pattern not found"
e2e_keys Escape
e2e_ok "Esc clears the search (as it clears a filter)" e2e_wait_gone "/nosuchwordanywhere"
e2e_ok "...still on the YAML" e2e_wait_for "kind: Pod"
e2e_keys Escape
e2e_expect_line "Esc again goes back to the table" 2 'NAME +READY +STATUS'
e2e_stop
tap_done
