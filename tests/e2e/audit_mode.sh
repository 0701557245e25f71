#!/bin/sh
# opsdeck --audit at 80x24: the AUDIT badge, actions refused, the auditor's views
# (:activity, :auditlog, :history, :promotions) with real rows, a Secret's YAML without its
# values, and no write reaching the sandbox while the console ran.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

e2e_init
E2E_ENV="OPSDECK_PLATFORM=$SANDBOX_STATE/platform.yaml"
# an action in the normal mode first, so the audit log has a record to show
env XDG_CONFIG_HOME="$E2E_HOME/config" XDG_STATE_HOME="$E2E_HOME/state" \
	XDG_CACHE_HOME="$E2E_HOME/cache" OPSDECK_PLATFORM="$SANDBOX_STATE/platform.yaml" \
	"$OPSDECK" sync cart-dev >"$E2E_HOME/sync.out" 2>&1
check "a sync in the normal mode (for the audit log)" grep -q 'Synced application cart-dev' \
	"$E2E_HOME/sync.out"
MARK=$(wc -l <"$SANDBOX_STATE/requests.log")

SCREENS="$SANDBOX_STATE/screens.txt"
e2e_start --audit
e2e_ok "the console starts in --audit" e2e_ready
e2e_expect_line "the header shows the AUDIT badge" 0 '\[AUDIT\]'
e2e_ok "...not READ-ONLY" e2e_lacks "[READ-ONLY]"

e2e_command apps
e2e_ok ":apps lists the applications" e2e_wait_for "cart-dev"
e2e_keys /
e2e_type "cart-dev"
e2e_keys Enter
e2e_ok "...filtered to cart-dev" e2e_wait_line 3 "^ cart-dev "
e2e_keys s
e2e_expect "s (sync) is refused in audit mode" "refused"

e2e_command auditlog
e2e_expect_line ":auditlog: its crumb" 1 'audit log'
e2e_expect "...the chain verified" "chain intact"
e2e_ok "...the sync done before, with its result" e2e_rows_have 'sync +argocd/Application/'
e2e_screen >>"$SCREENS"
e2e_command history
e2e_expect_line ":history: Argo CD deployments" 1 'history'
e2e_ok "...rows from Argo CD's history" e2e_wait_for "/Application/"
e2e_ok "...deploy rows" e2e_rows_have 'deploy +[a-z-]+/Application/'
e2e_screen >>"$SCREENS"
e2e_command promotions
e2e_expect_line ":promotions: the GitOps commits" 1 'promotions'
e2e_ok "...promotion commits" e2e_wait_for "promote"
e2e_ok "...as git rows" e2e_rows_have 'promote +.* git'
e2e_screen >>"$SCREENS"
e2e_keys Enter
e2e_expect "Enter: the commit whole, its author's address" '@example.com>'
e2e_expect_line "...and its Promoted-To trailer on a line of its own" 11 '^ +Promoted-To: [a-z]+ *$'
e2e_keys Escape
e2e_command activity
e2e_expect_line ":activity: everything" 1 'activity'
e2e_ok "...audit rows" e2e_wait_for " audit "
e2e_ok "...and Argo CD rows" e2e_rows_have 'argocd'
e2e_screen >>"$SCREENS"
e2e_command contexts
e2e_expect_line ":contexts lists the kubeconfig's contexts" 1 "contexts"
e2e_ok "...nonprod among them" e2e_rows_have "nonprod"
e2e_screen >>"$SCREENS"

# a Secret's YAML: its keys, never its values
e2e_command "secrets identity-dev"
e2e_ok ":secrets identity-dev lists auth" e2e_wait_for "auth"
e2e_keys /
e2e_type "^auth"
e2e_keys Enter
e2e_ok "...filtered to auth" e2e_wait_line 3 "^ auth "
e2e_keys y
e2e_expect "y shows the Secret's YAML with its keys" "API_KEY"
e2e_ok "...the value hidden" e2e_wait_for "hidden:"
e2e_ok "...never the base64 value" e2e_lacks "c2tfZGVtb18z"
e2e_screen >>"$SCREENS"
e2e_keys Escape
e2e_keys q
e2e_ok "the console quits" e2e_wait_for "E2E-SHELL-PROMPT"

# every request the console made in audit mode was a read
writes() {
	tail -n "+$((MARK + 1))" "$SANDBOX_STATE/requests.log" | awk '{print $3, $4}' |
		grep -vE '^(GET|HEAD) ' |
		grep -vE 'selfsubjectaccessreviews|selfsubjectrulesreviews|selfsubjectreviews|/argocd/api/v1/session( |$)'
}
no_writes() {
	w=$(writes)
	[ -z "$w" ] && return 0
	echo "# writes: $w"
	return 1
}
e2e_ok "no write reached the sandbox in audit mode" no_writes
# tokens never reach the screen or a file opsdeck wrote
tokens() {
	grep -hoE '(token|client-key-data): *[^ ]+' "$KUBECONFIG" | awk '{print $2}' | sort -u
	for f in "$SANDBOX_STATE"/*.token; do cat "$f"; echo; done 2>/dev/null
}
no_tokens() {
	for t in $(tokens); do
		[ ${#t} -ge 12 ] || continue
		if grep -rqF -- "$t" "$E2E_HOME/state" "$E2E_HOME/cache" "$E2E_HOME/config" \
			"$E2E_HOME/stderr" "$SCREENS" 2>/dev/null; then
			echo "# a token is on a screen or in a file opsdeck wrote"
			return 1
		fi
	done
	return 0
}
have_tokens() { [ "$(tokens | wc -w)" -ge 3 ]; }
e2e_ok "the sandbox's tokens are known (kubeconfig, Argo CD)" have_tokens
e2e_ok "no token on the captured screens or in the files opsdeck wrote" no_tokens
tap_done
