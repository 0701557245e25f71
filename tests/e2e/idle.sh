#!/bin/sh
# Bytes on the wire: an idle console writes nothing; one pod changing writes a little,
# far less than a repaint.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

E2E_COLS=80
E2E_ROWS=24
e2e_init
e2e_start
OUT=$E2E_HOME/pane.out
: >"$OUT"
tm pipe-pane -o -t "$E2E_SESSION" "cat >>'$OUT'"
e2e_ok "the console starts" e2e_ready
e2e_wait_stable
sleep 1
size() { wc -c <"$OUT" | tr -d ' '; }
a=$(size)
sleep 5
b=$(size)
echo "# measure: idle bytes in 5 s: $((b - a))"
if [ $((b - a)) -eq 0 ]; then ok "idle for 5 s: 0 bytes written"; else
	not_ok "idle for 5 s: $((b - a)) bytes written"; tail -c 300 "$OUT" | od -c | head -n 10 | diag; fi

# one visible change: a pod on the first screen deleted (its deployment replaces it)
POD=$(e2e_table_rows | awk 'NR == 3 {print $2}')
NS=$(e2e_table_rows | awk 'NR == 3 {print $1}')
a=$(size)
e2e_kubectl delete pod "$POD" -n "$NS" --wait=false >/dev/null 2>&1
e2e_ok "kubectl delete pod $POD: the row changes" e2e_wait_gone "$POD"
e2e_wait_stable
sleep 1
b=$(size)
echo "# measure: bytes for one pod change: $((b - a))"
if [ $((b - a)) -gt 0 ] && [ $((b - a)) -lt 2000 ]; then
	ok "one change: $((b - a)) bytes (0 < n < 2000)"
else
	not_ok "one change: $((b - a)) bytes (want 0 < n < 2000)"
fi
e2e_stop
tap_done
