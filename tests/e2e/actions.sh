#!/bin/sh
# Actions from the console, checked with kubectl: restart (confirmed, declined,
# cancelled), scale, a protected context that wants the name typed, and --readonly that
# hides the keys, refuses, and sends no write to any server.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

E2E_COLS=120
E2E_ROWS=30
e2e_init
NS=payments-dev
RA='{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}'
restarted_at() { # CONTEXT NAME
	e2e_kubectl --context "$1" get deploy "$2" -n "$NS" -o jsonpath="$RA" 2>&1
}
# select DEPLOYMENT: filters the deployments view down to one row
select_deploy() {
	e2e_keys /
	e2e_type "^$1\$"
	e2e_keys Enter
	e2e_wait_line 1 '[^0-9]1/[0-9]+ *$'
}
annotated() { # CONTEXT NAME: restartedAt set, within 10 s
	n=100
	while [ $n -gt 0 ]; do
		[ -n "$(restarted_at "$1" "$2")" ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	echo "# no restartedAt annotation on $2"
	return 1
}
unannotated() { # CONTEXT NAME
	v=$(restarted_at "$1" "$2")
	[ -z "$v" ] && return 0
	echo "# restartedAt: $v"
	return 1
}

e2e_start
e2e_ok "the console starts" e2e_ready
e2e_command "deploy $NS"
e2e_expect_line ":deploy $NS" 2 'NAME +READY +UP-TO-DATE'

select_deploy audit-trail >/dev/null
e2e_keys r
e2e_expect "r asks: Restart deployment audit-trail in $NS on nonprod?" \
	"Restart deployment audit-trail in $NS on nonprod?"
e2e_keys y
e2e_expect "y restarts: flash Restarted deployment audit-trail" "Restarted deployment audit-trail"
e2e_ok "...kubectl shows the restartedAt annotation" annotated nonprod audit-trail
e2e_keys Escape

select_deploy ledger >/dev/null
e2e_keys r
e2e_wait_for "Restart deployment ledger" >/dev/null
e2e_keys n
e2e_expect "n declines: Cancelled" "Cancelled"
e2e_ok "...kubectl shows ledger unchanged" unannotated nonprod ledger
e2e_keys r
e2e_wait_for "Restart deployment ledger" >/dev/null
e2e_keys Escape
e2e_ok "Esc closes the dialog" e2e_wait_gone "Restart deployment ledger"
e2e_ok "...kubectl shows ledger unchanged" unannotated nonprod ledger
e2e_keys Escape

select_deploy payments-api >/dev/null
e2e_keys s
e2e_expect "s asks: Scale deployment payments-api ... how many replicas?" "Scale deployment payments-api in $NS on nonprod"
e2e_keys BSpace BSpace BSpace BSpace
e2e_type 5
e2e_keys Enter
replicas_are() { # N
	n=100
	while [ $n -gt 0 ]; do
		r=$(e2e_kubectl get deploy payments-api -n "$NS" -o jsonpath='{.spec.replicas}')
		[ "$r" = "$1" ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	echo "# spec.replicas: $r"
	return 1
}
e2e_ok "s 5 Enter: kubectl shows 5 replicas" replicas_are 5
e2e_expect "...flash Scaled deployment payments-api" "Scaled deployment payments-api"
scale_audited() {
	grep '"action":"scale"' "$E2E_HOME/state/opsdeck/audit.jsonl" | grep '"stage":"result"' |
		grep -q '"parameters":{"replicas":5}'
}
e2e_ok "...the audit log's result records the count" scale_audited
e2e_stop

# prod protected: the name must be typed
e2e_config 'contexts:
  - name: prod
    protected: true'
e2e_start --context prod
e2e_ok "on prod (protected by config.yaml)" e2e_ready
NS=payments-prd
e2e_command "deploy $NS"
e2e_expect_line ":deploy $NS" 2 'NAME +READY +UP-TO-DATE'
select_deploy ledger >/dev/null
e2e_keys r
e2e_expect "r on a protected context asks to type the name" "type ledger to confirm"
e2e_type wrong-name
e2e_keys Enter
e2e_expect "a wrong name refuses: Not confirmed" "Not confirmed"
e2e_ok "...kubectl shows ledger unchanged on prod" unannotated prod ledger
e2e_keys r
e2e_wait_for "type ledger to confirm" >/dev/null
e2e_type ledger
e2e_keys Enter
e2e_expect "the right name restarts it" "Restarted deployment ledger"
e2e_ok "...kubectl shows the annotation on prod" annotated prod ledger
e2e_stop

# --readonly: no action keys shown, refused, and no write leaves opsdeck
rm -f "$E2E_HOME/config/opsdeck/config.yaml"
log_start=$(wc -l <"$SANDBOX_STATE/requests.log")
e2e_start --readonly
e2e_ok "--readonly: the console starts" e2e_ready
e2e_expect_line "...the header says READ-ONLY" 0 'READ-ONLY'
NS=payments-dev
e2e_command "deploy $NS"
e2e_expect_line ":deploy $NS" 2 'NAME +READY +UP-TO-DATE'
select_deploy fraud-check >/dev/null
footer_clean() {
	e2e_exited && { echo "# opsdeck has exited"; return 1; }
	f=$(e2e_line "$(($(e2e_rows) - 1))")
	echo "$f" | grep -qE '<r>|<s>|<ctrl-d>|<u>' || return 0
	echo "# footer: $f"
	return 1
}
e2e_ok "...no r/s/u/ctrl-d hints in the footer" footer_clean
e2e_keys '?'
e2e_wait_for 'Keys in' >/dev/null
help_clean() {
	e2e_exited && { echo "# opsdeck has exited"; return 1; }
	e2e_screen | grep -qiE 'restart|scale|delete|rollout' || return 0
	e2e_dump
	return 1
}
e2e_ok "...nor restart/scale/delete in help" help_clean
e2e_keys Escape
e2e_wait_gone 'Keys in' >/dev/null
e2e_keys r
e2e_expect "...r flashes a refusal" "read-only"
e2e_keys s
e2e_ok "...s opens no dialog" e2e_lacks "how many replicas"
e2e_keys C-d
e2e_ok "...ctrl-d opens no dialog" e2e_lacks "Delete deployment"
e2e_stop
e2e_ok "...kubectl shows fraud-check unchanged" unannotated nonprod fraud-check
writes() {
	w=$(tail -n +"$((log_start + 1))" "$SANDBOX_STATE/requests.log" |
		grep -E ' (POST|PUT|PATCH|DELETE) ' | grep -v selfsubject)
	[ -z "$w" ] && return 0
	echo "$w" | head -n 5 | diag
	return 1
}
e2e_ok "...requests.log: no POST/PUT/PATCH/DELETE but self-subject reviews" writes
tap_done
