#!/bin/sh
# The filter (live, kept, inverted, label selector, cancelled, cleared) and the sort keys
# (N name, A age, again to reverse), checked against what kubectl lists.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

E2E_COLS=100
E2E_ROWS=40
e2e_init
e2e_start
e2e_ok "the console starts on pods" e2e_ready
e2e_wait_stable
total=$(e2e_total)
kube_total=$(e2e_kubectl get pods -A --no-headers | wc -l)
if [ "$total" = "$kube_total" ]; then ok "the row count is kubectl's ($total)"; else
	not_ok "the row count is kubectl's (crumbs '$total', kubectl $kube_total)"; e2e_dump; fi

auth=$(e2e_kubectl get pods -A --no-headers | grep -c auth)
e2e_keys /
e2e_type auth
# live: before Enter
e2e_ok "/auth filters live: the count shrinks to $auth" e2e_wait_line 1 "[^0-9]$auth/$total *\$"
every_row() { # REGEX: every shown table row matches
	if e2e_table_rows | grep -qvE -- "$1"; then e2e_dump; return 1; fi
}
no_row() { # REGEX: no shown table row matches
	if e2e_table_rows | grep -qE -- "$1"; then e2e_dump; return 1; fi
}
e2e_ok "...every shown row contains auth" every_row auth
e2e_keys Enter
sleep 0.3
e2e_ok "Enter keeps the filter (crumbs show /auth and the count)" e2e_wait_line 1 "/auth.*$auth/$total *\$"
e2e_keys Escape
e2e_ok "Esc in the table clears the filter" e2e_wait_line 1 "[^0-9/]$total *\$"
e2e_ok "...and the crumbs no longer show it" e2e_lacks '/auth'

e2e_keys /
e2e_type '!auth'
e2e_keys Enter
e2e_ok "/!auth inverts: $((total - auth)) rows" e2e_wait_line 1 "[^0-9]$((total - auth))/$total *\$"
e2e_ok "...none of them auth" no_row auth
e2e_keys Escape
e2e_wait_line 1 "[^0-9/]$total *\$" >/dev/null

sel=app.kubernetes.io/name=ledger
ledger=$(e2e_kubectl get pods -A --no-headers -l "$sel" | wc -l)
e2e_keys /
e2e_type "-l $sel"
e2e_keys Enter
# the server selects: the count may be N/M or just N
e2e_ok "/-l $sel: kubectl's $ledger rows" e2e_wait_line 1 "[^0-9/]$ledger(/$total)? *\$"
e2e_ok "...all ledger pods" every_row ' ledger-'
e2e_keys Escape
e2e_wait_line 1 "[^0-9/]$total *\$" >/dev/null

e2e_keys /
e2e_type zzzz
e2e_keys Escape
e2e_ok "Esc in the prompt cancels: every row again" e2e_wait_line 1 "[^0-9/]$total *\$"

first=$(e2e_kubectl get pods -A --no-headers | awk '{print $2}' | LC_ALL=C sort | head -n 1)
last=$(e2e_kubectl get pods -A --no-headers | awk '{print $2}' | LC_ALL=C sort | tail -n 1)
first_is() { # NAME: the first row's NAME comes to be NAME
	n=100
	while [ $n -gt 0 ]; do
		[ "$(e2e_column NAME | head -n 1)" = "$1" ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	echo "# first NAME: $(e2e_column NAME | head -n 1)"
	e2e_dump
	return 1
}
# the selection stays on its object when the order changes: g goes to the first row
e2e_keys N
sleep 0.2
e2e_keys g
e2e_ok "N sorts by name: $first first" first_is "$first"
e2e_expect_line "...the NAME header marks the sort" 2 'NAME(▲|▼|\^|v)'
e2e_keys N
sleep 0.2
e2e_keys g
e2e_ok "N again reverses: $last first" first_is "$last"

# A: the AGE column in order (one direction, then the other)
age_seconds() {
	awk '{ s = 0; t = $1; while (match(t, /^[0-9]+[smhdy]/)) {
		v = substr(t, 1, RLENGTH - 1); u = substr(t, RLENGTH, 1)
		s += v * (u == "s" ? 1 : u == "m" ? 60 : u == "h" ? 3600 : u == "d" ? 86400 : 31536000)
		t = substr(t, RLENGTH + 1) } print s }'
}
ordered() { # asc|desc
	e2e_column AGE | age_seconds >"$E2E_HOME/ages"
	if [ "$1" = asc ]; then sort -n -c "$E2E_HOME/ages" 2>/dev/null; else sort -n -r -c "$E2E_HOME/ages" 2>/dev/null; fi
}
e2e_keys A
sleep 0.5
e2e_wait_stable
if ordered asc; then d1=asc; d2=desc; elif ordered desc; then d1=desc; d2=asc; else d1=; fi
if [ -n "$d1" ]; then ok "A sorts by age ($d1)"; else
	not_ok "A sorts by age: the AGE column is in no order"; e2e_column AGE | tr '\n' ' ' | diag; e2e_dump; fi
e2e_keys A
sleep 0.5
e2e_wait_stable
if [ -n "$d1" ] && ordered "$d2"; then ok "A again reverses ($d2)"; else
	not_ok "A again reverses"; e2e_column AGE | tr '\n' ' ' | diag; fi
e2e_stop
tap_done
