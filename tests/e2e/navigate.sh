#!/bin/sh
# The console at 80x24: the first screen, moving, switching resources, namespaces and
# contexts, all clusters at once, help, and quitting back to a clean terminal.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

E2E_COLS=80
E2E_ROWS=24
e2e_init
e2e_start

e2e_ok "the console lands on pods with rows" e2e_ready
e2e_expect_line "the crumbs say pods" 1 'pods'
e2e_expect_line "the header shows ctx nonprod" 0 'ctx: nonprod'
e2e_expect_line "the header shows user sandbox-admin" 0 'sandbox-admin'
e2e_expect_line "the header shows ns: all" 0 'ns: all'
e2e_expect_line "the header says connected" 0 'connected *$'
e2e_expect_line "all namespaces: NAMESPACE is the first column" 2 '^ *NAMESPACE +NAME +READY +STATUS'
rows=$(e2e_table_rows | wc -l)
if [ "$rows" -ge 15 ]; then ok "the table fills the screen ($rows rows)"; else
	not_ok "the table fills the screen ($rows rows)"; e2e_dump; fi

# the selection: the one table row drawn with the selection's attributes
e2e_wait_stable
s0=$(e2e_selected_line)
e2e_keys j
sleep 0.3
e2e_wait_stable
s1=$(e2e_selected_line)
e2e_keys j
e2e_keys k
sleep 0.3
e2e_wait_stable
s2=$(e2e_selected_line)
if [ -n "$s0" ] && [ "$s1" = "$((s0 + 1))" ] && [ "$s2" = "$s1" ]; then
	ok "j moves the selection down a row, j k comes back (rows $s0, $s1, $s2)"
else
	not_ok "j moves the selection down a row, j k comes back (rows '$s0', '$s1', '$s2')"
	e2e_screen -e | sed -n '3,8p' | cat -v | diag
fi

e2e_command deploy
e2e_expect_line ":deploy shows deployments (crumbs)" 1 'deployments'
e2e_expect_line ":deploy shows deployment columns" 2 'UP-TO-DATE +AVAILABLE'
e2e_keys Escape
e2e_expect_line "Esc goes back to pods" 2 'NAME +READY +STATUS +REST'

e2e_command ns
e2e_expect ":ns shows the namespaces" payments-dev
e2e_keys /
e2e_type '^payments-dev$'
e2e_keys Enter
e2e_wait_line 1 ' 1(/[0-9]+)? *$' >/dev/null
e2e_keys Enter
e2e_expect_line "Enter on a namespace: the header's ns changes" 0 'ns: payments-dev'
e2e_expect "...and its pods are listed" fraud-check
e2e_ok "...without the NAMESPACE column" sh -c "! tmux -L '$E2E_SOCK' capture-pane -p -t '$E2E_SESSION' | sed -n 3p | grep -q NAMESPACE"

e2e_command ctx
e2e_expect ":ctx shows the contexts" prod-viewer
# at 80 columns the SERVER column may push the rest off: scroll right (l) to reach them
n=0
while ! e2e_line 2 | grep -q REACHABLE && [ $n -lt 8 ]; do
	e2e_keys l
	sleep 0.2
	n=$((n + 1))
done
e2e_ok ":ctx: reachable contexts say yes" e2e_rows_have '(^| )yes( |$)'
e2e_ok ":ctx: with the server version (v1.x in the rows)" e2e_rows_have 'v1\.[0-9]'
[ $n -gt 0 ] && e2e_keys h h h h h h h h
# select the row named prod: its place in the table
idx=$(e2e_table_rows | awk '{ for (i = 1; i <= 2 && i <= NF; i++) if ($i == "prod") { print NR; exit } }')
if [ -n "$idx" ]; then
	e2e_keys g
	i=1
	while [ "$i" -lt "$idx" ]; do
		e2e_keys j
		i=$((i + 1))
	done
	e2e_keys Enter
	e2e_expect_line "Enter on prod switches the context (header ctx: prod)" 0 'ctx: prod'
	e2e_expect_line "...back on pods" 2 'NAME +READY +STATUS'
else
	not_ok "Enter on prod switches the context: no row named prod"
	e2e_dump
	skip "...back on pods"
fi

e2e_command 'pods @all'
e2e_expect_line ":pods @all: CLUSTER is the first column" 2 '^ *CLUSTER +NAMESPACE +NAME'
e2e_wait_stable
top=$(e2e_table_rows | awk '{print $1}')
e2e_keys G
sleep 0.3
e2e_wait_stable
bottom=$(e2e_table_rows | awk '{print $1}')
clusters=$(printf '%s\n%s\n' "$top" "$bottom" | grep -xE '(ops|nonprod|prod)(-viewer)?' | sort -u | tr '\n' ' ')
if [ "$(echo "$clusters" | wc -w)" -ge 2 ]; then
	ok ":pods @all: rows from several clusters ($clusters)"
else
	not_ok ":pods @all: rows from several clusters (saw: $clusters)"
	e2e_dump
fi

e2e_keys '?'
e2e_expect "? shows help" 'Keys in'
e2e_ok "...listing the view's keys (describe, filter, quit)" sh -c \
	"tmux -L '$E2E_SOCK' capture-pane -p -t '$E2E_SESSION' | grep -q describe &&
	 tmux -L '$E2E_SOCK' capture-pane -p -t '$E2E_SESSION' | grep -q filter"
e2e_keys Escape
e2e_ok "Esc closes help" e2e_wait_gone 'Keys in'
e2e_expect_line "...back on the table" 2 'CLUSTER +NAMESPACE +NAME'

e2e_keys q
e2e_expect "q quits: the shell runs again" E2E-SHELL-PROMPT
code=$(cat "$E2E_EXIT" 2>/dev/null)
if [ "$code" = 0 ]; then ok "opsdeck exits 0"; else not_ok "opsdeck exits 0 (exit '$code')"; e2e_dump; fi
e2e_ok "the terminal is restored: no table, no header left on the screen" sh -c \
	"! tmux -L '$E2E_SOCK' capture-pane -p -t '$E2E_SESSION' | grep -qE 'NAMESPACE|ctx:|<\\?>'"
e2e_stop
tap_done
