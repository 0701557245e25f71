#!/bin/sh
# Argo CD in the console against the sandbox: the apps table live, an app's history and
# diff, a sync followed to Succeeded, a rollback refused on an auto-sync app, and the
# audit log intact afterwards.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

E2E_COLS=160
E2E_ROWS=40
e2e_init
E2E_ENV="OPSDECK_PLATFORM=$SANDBOX_STATE/platform.yaml"
e2e_start
e2e_ok "the console starts" e2e_ready

e2e_command apps
e2e_expect_line ":apps: the apps table's columns" 2 'NAME +PROJECT +CLUSTER +ENVIRONMENT +SYNC +HEALTH +OPERATION'
e2e_ok "...60 applications" e2e_wait_line 1 ' 60 *$'
e2e_ok "...Synced and Healthy among them" e2e_rows_have 'Synced +Healthy'

# a manual app (uat has no auto-sync in the demo platform)
APP=cart-uat
e2e_keys /
e2e_type "$APP"
e2e_keys Enter
e2e_ok "/$APP filters to it" e2e_wait_line 3 "^ $APP "
e2e_keys Enter
e2e_expect "Enter opens it: the summary" "Application:      $APP"
e2e_expect "...its history with commit messages" "AUTHOR"
e2e_expect "...the resource tree" "Deployment/cart"
hist_before=$(e2e_screen | sed -n '/^History:/,/^$/p' | grep -cE '^  [0-9]+ ')

e2e_keys s
e2e_expect "s asks for sync options" "Options (Enter for none)"
e2e_keys Enter
e2e_expect "...then to confirm" "Sync application $APP"
e2e_keys y
e2e_expect "...the sync starts" "Synced application $APP"
e2e_ok "...and is followed to Succeeded" e2e_wait_for "Operation:        Succeeded, sync to" 30
e2e_ok "...a fresh operation (seconds ago)" e2e_wait_line 10 'started [0-9]+s ago'
history_grew() {
	n=100
	while [ $n -gt 0 ]; do
		hist_after=$(e2e_screen | sed -n '/^History:/,/^$/p' | grep -cE '^  [0-9]+ ')
		[ "$hist_after" -gt "$hist_before" ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
if history_grew || [ "$hist_after" -ge 10 ]; then
	ok "...history grew ($hist_before -> $hist_after)"
else
	not_ok "...history grew ($hist_before -> $hist_after)"
	e2e_dump
fi

e2e_keys d
e2e_expect_line "d: the diff view" 1 "$APP diff"
e2e_ok "...what differs, or that nothing does" e2e_wait_line 2 '^(--- live/|No differences)'
e2e_keys Escape
e2e_expect_line "Esc: back to the app" 1 "apps › $APP +line"
e2e_keys Escape
e2e_expect_line "Esc: back to the filtered apps" 1 "/$APP +1/60"
e2e_keys Escape
e2e_expect_line "Esc: the filter goes" 1 "apps +60 *\$"

# an auto-sync app refuses a rollback, as Argo CD words it
e2e_keys /
e2e_type "cart-dev"
e2e_keys Enter Enter
e2e_expect "cart-dev opens" "Application:      cart-dev"
e2e_keys b
e2e_expect "b asks for a history entry" "History entry to roll back to"
e2e_keys Enter
e2e_expect "...then to confirm" "Roll back application cart-dev"
e2e_keys y
e2e_expect "...refused: auto-sync is on" "auto-sync is enabled"

e2e_keys Escape Escape
e2e_command board
e2e_expect_line ":board: services x environments in promotion order" 2 'SERVICE +TENANT +DEV +SIT +UAT +PRE +PRD'
e2e_ok "...one row per service (12)" sh -c "[ \$(tmux -L '$E2E_SOCK' capture-pane -p -t '$E2E_SESSION' | sed -n '4,20p' | grep -cE '^ [a-z-]+ +(payments|storefront|identity) ') -eq 12 ]"
e2e_ok "...the version cart runs in uat after the sync" e2e_wait_line 5 '^ cart +storefront +[0-9.]+ . [0-9a-z]+( [^ ]+)? +[0-9.]+ . [0-9a-z]+( [^ ]+)? +[0-9.]+'

e2e_stop
audit() {
	env XDG_STATE_HOME="$E2E_HOME/state" "$OPSDECK" audit verify
}
e2e_ok "opsdeck audit verify holds after it all" audit
n=$(grep -c '"stage":"intent"' "$E2E_HOME/state/opsdeck/audit.jsonl" 2>/dev/null)
if [ "${n:-0}" -ge 2 ]; then ok "...the sync and the rollback were recorded ($n intents)"; else
	not_ok "...the sync and the rollback were recorded (${n:-0} intents)"; fi
tap_done
