#!/bin/sh
# The command prompt: Tab completion, candidates, the server's wording for an unknown
# resource type, namespaces and clusters as arguments, :q.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

e2e_init
e2e_start
e2e_ok "the console starts on pods" e2e_ready

# the prompt is drawn on the last two rows (message line and footer)
prompt_shows() {
	r=$(e2e_rows)
	e2e_screen | sed -n "$((r - 1)),${r}p" | grep -qE -- "$1" && return 0
	echo "# the prompt rows do not match: $1"
	e2e_dump
	return 1
}
wait_prompt() {
	n=100
	while [ $n -gt 0 ]; do
		prompt_shows "$1" >/dev/null && return 0
		sleep 0.1
		n=$((n - 1))
	done
	prompt_shows "$1"
}

e2e_keys :
e2e_type dep
e2e_keys Tab
e2e_ok ":dep Tab completes to deployments on the prompt line" wait_prompt ':deployments'
# deploy and deployment are aliases of deployments, not other candidates: one Tab should
# reach the resource's name; a second one certainly must
e2e_keys Tab
e2e_ok "...a second Tab reaches :deployments" wait_prompt ':deployments'
e2e_keys Enter
e2e_expect_line "...and Enter runs it" 1 'deployments'

e2e_keys :
e2e_type po
e2e_keys Tab
e2e_ok ":po Tab shows the candidates (pods, poddisruptionbudgets)" wait_prompt 'pods .*poddisruptionbudgets|poddisruptionbudgets .*pods'
e2e_keys Escape
e2e_ok "Esc leaves the prompt: still on deployments" e2e_wait_line 1 'deployments'

e2e_command nosuch
e2e_expect ":nosuch flashes the server's wording" "the server doesn't have a resource type"
e2e_expect "...naming the type" '"nosuch"'

e2e_command 'pods payments-dev'
e2e_expect_line ":pods payments-dev: header ns payments-dev" 0 'ns: payments-dev'
e2e_ok "...only that namespace's pods" e2e_rows_have '^ *fraud-check-'
e2e_command 'pods payments-dev,payments-sit'
e2e_expect_line ":pods payments-dev,payments-sit: NAMESPACE first (one cluster: no CLUSTER column)" 2 '^ *NAMESPACE +NAME'
e2e_ok "...rows from payments-sit" e2e_rows_have ' payments-sit '
e2e_expect_line "...the header still names the user (one cluster)" 0 'user: sandbox-admin'
e2e_command 'pods -A'
e2e_expect_line ":pods -A: ns all" 0 'ns: all'
e2e_command 'pods @nonprod,prod'
e2e_expect_line ":pods @nonprod,prod: a CLUSTER column" 2 '^ *CLUSTER +NAMESPACE +NAME'
e2e_command 'q'
e2e_expect ":q quits" E2E-SHELL-PROMPT
e2e_stop
tap_done
