#!/bin/sh
# opsdeck apps / sync / rollback against the sandbox's Argo CD, through its API and in
# core mode (only a kubeconfig): the list, an operation followed with --wait, the exit
# statuses, the gate (read-only, protected clusters), the audit log.
. "$(dirname "$0")/../lib/sandbox.sh"

sandbox_start
OPSDECK="$BUILD/opsdeck"
T=$SANDBOX_STATE
export XDG_STATE_HOME="$T/state" XDG_CONFIG_HOME="$T/config" OPSDECK_PLATFORM="$T/platform.yaml"
mkdir -p "$XDG_CONFIG_HOME/opsdeck"

# expect_rc RC "what" command...: the command exits RC; its output is kept in $T/out.
expect_rc() {
	want=$1
	what=$2
	shift 2
	"$@" >"$T/out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$what"; else
		not_ok "$what (exit $rc, want $want)"
		tail -n 8 "$T/out" | diag
	fi
}

expect_rc 0 "opsdeck apps lists the applications" "$OPSDECK" apps
check "...with kubectl-like columns" grep -qE '^NAME +PROJECT +CLUSTER +ENVIRONMENT +SYNC +HEALTH' "$T/out"
check "...60 of them" sh -c "[ \$(tail -n +2 '$T/out' | wc -l) -eq 60 ]"
expect_rc 0 "opsdeck apps -o json" "$OPSDECK" apps -o json
check "...an array keyed by column" python3 -c "
import json,sys; a=json.load(open('$T/out')); assert len(a)==60 and 'sync' in a[0] and 'health' in a[0]"

expect_rc 0 "sync cart-uat --wait: exit 0 when it succeeds" "$OPSDECK" sync cart-uat --wait
check "...says the operation Succeeded" grep -q 'operation Succeeded' "$T/out"
expect_rc 1 "sync notifications-uat --wait: exit 1 when it fails" "$OPSDECK" sync notifications-uat --wait
check "...says the operation Failed" grep -qE 'operation (Failed|Error)' "$T/out"
expect_rc 0 "sync --dry-run --prune starts" "$OPSDECK" sync cart-sit --dry-run --prune
expect_rc 2 "sync with an unknown option is a usage error" "$OPSDECK" sync cart-uat --force
expect_rc 2 "sync without an app is a usage error" "$OPSDECK" sync
expect_rc 1 "rollback on an auto-sync app is refused (exit 1)" "$OPSDECK" rollback cart-dev
check "...in Argo CD's words" grep -q 'auto-sync is enabled' "$T/out"
expect_rc 0 "rollback cart-uat to the previous entry --wait" "$OPSDECK" rollback cart-uat --wait
expect_rc 1 "sync of an unknown app fails (exit 1)" "$OPSDECK" sync no-such-app

# the gate: read-only refuses before anything is sent; a protected cluster wants the name
before=$(grep -c ' POST /argocd' "$T/requests.log")
expect_rc 1 "--readonly refuses a sync" "$OPSDECK" --readonly sync cart-uat
after=$(grep -c ' POST /argocd' "$T/requests.log")
if [ "$before" -eq "$after" ]; then ok "...and no POST reached Argo CD"; else not_ok "...and no POST reached Argo CD"; fi
printf 'contexts:\n  - name: prod\n    protected: true\n' >"$XDG_CONFIG_HOME/opsdeck/config.yaml"
expect_rc 1 "a protected cluster's app needs --confirm" "$OPSDECK" sync cart-pre
check "...which the message names" grep -q -- '--confirm cart-pre' "$T/out"
expect_rc 0 "...and goes with --confirm cart-pre" "$OPSDECK" sync cart-pre --confirm cart-pre --wait
rm "$XDG_CONFIG_HOME/opsdeck/config.yaml"

# core mode: no Argo CD server, only the kubeconfig's ops context
expect_rc 0 "core mode: apps from the ops cluster" env -u OPSDECK_PLATFORM \
	XDG_CONFIG_HOME="$T/none" "$OPSDECK" --context ops apps
check "...the same 60" sh -c "[ \$(tail -n +2 '$T/out' | wc -l) -eq 60 ]"
expect_rc 0 "core mode: sync cart-uat --wait succeeds" env -u OPSDECK_PLATFORM \
	XDG_CONFIG_HOME="$T/none" "$OPSDECK" --context ops sync cart-uat --wait

expect_rc 0 "the audit log holds after it all" "$OPSDECK" audit verify
n=$(grep -c '"stage":"intent"' "$XDG_STATE_HOME/opsdeck/audit.jsonl")
if [ "$n" -ge 6 ]; then ok "...with every attempt's intent ($n)"; else not_ok "...with every attempt's intent ($n)"; fi
check "...and no token in it" sh -c "! grep -qF \"\$(cat '$T/argocd-admin.token')\" '$XDG_STATE_HOME/opsdeck/audit.jsonl'"
tap_done
