#!/bin/sh
# A promotion in the console, as a release manager does it: the board, p on a service,
# the plan (versions, gates, commits, diff), p and y to land it, followed until the app
# runs the new version Healthy; b and y revert it. The GitOps repository and the audit
# log tell the same story.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

E2E_COLS=120
E2E_ROWS=45
e2e_init
# the bad catalog 2.6.4 carries a critical finding, which pre's no-critical gate refuses
# (tests/e2e/findings.sh); this story needs it to land and fail, so pre's gate is off
sandbox_gate_off pre
E2E_ENV="OPSDECK_PLATFORM=$SANDBOX_STATE/platform.yaml GIT_AUTHOR_NAME=Release-Manager GIT_AUTHOR_EMAIL=rm@example.com"
e2e_start
e2e_ok "the console starts" e2e_ready
# the platform model: tenants, environments in promotion order, a tenant's board
e2e_command tenants
e2e_expect_line ":tenants" 2 'NAME +SERVICES +PROJECTS'
e2e_ok "...the three tenants" e2e_wait_line 5 '^ storefront +5 '
e2e_command environments
e2e_expect_line ":environments: in promotion order" 3 '^ 1 +dev +nonprod'
e2e_ok "...prd last, with its freeze windows" e2e_wait_line 7 '^ 5 +prd +prod .*(has windows|frozen)'
e2e_keys Escape
e2e_keys j j
e2e_keys Enter
e2e_ok "Enter on storefront: its services on the board" e2e_wait_line 1 'board +/storefront'
e2e_keys Escape Escape Escape
e2e_command board
e2e_expect_line ":board" 2 'SERVICE +TENANT +DEV'
e2e_keys /
e2e_type gateway
e2e_keys Enter
e2e_ok "/gateway: its row" e2e_wait_line 3 '^ gateway '
e2e_keys p
e2e_expect "p: the plan from uat to pre" "Promote gateway from uat to pre"
e2e_expect "...its gates" "[ok] source Synced and Healthy"
e2e_expect "...the commits to uat" "Commits to uat"
e2e_expect "...the diff of the target file" "+++ b/envs/pre/gateway/kustomization.yaml"
e2e_expect "...and how to go on" "Press p (or Enter) to promote"
before=$(git --git-dir="$SANDBOX_STATE/gitops.git" rev-list --count main)
e2e_keys p
e2e_expect "p asks to confirm" "Promote application gateway-pre"
e2e_keys y
e2e_ok "...it lands: the app runs the new version, Healthy" e2e_wait_for "Landed: gateway-pre runs 0.9.14, Synced and Healthy" 60
after=$(git --git-dir="$SANDBOX_STATE/gitops.git" rev-list --count main)
if [ "$after" -eq $((before + 1)) ]; then ok "...one new commit in the GitOps repository"; else
	not_ok "...one new commit in the GitOps repository ($before -> $after)"; fi
msg=$(git --git-dir="$SANDBOX_STATE/gitops.git" log -1 --format='%an|%B' main)
case $msg in
*"Release-Manager|gateway: promote 0.9.14 from uat to pre"*"Promoted-From: uat"*"Promoted-To: pre"*)
	ok "...by the operator, with the trailers" ;;
*) not_ok "...by the operator, with the trailers"; printf '%s\n' "$msg" | diag ;;
esac
check "...git fsck is clean" git --git-dir="$SANDBOX_STATE/gitops.git" fsck --strict
image=$(e2e_kubectl --context prod get deploy gateway -n storefront-pre -o jsonpath='{.spec.template.spec.containers[0].image}')
case $image in *:0.9.14) ok "...the deployment runs 0.9.14" ;; *) not_ok "...the deployment runs 0.9.14 ($image)" ;; esac

e2e_keys b
e2e_expect "b asks to confirm the revert" "Revert application gateway-pre"
e2e_keys y
e2e_ok "...it reverts: back on 0.9.12, Healthy" e2e_wait_for "Landed: gateway-pre runs 0.9.12, Synced and Healthy" 60

# the bad release: catalog 2.6.4 is healthy in uat and breaks in pre; b takes it back
e2e_keys Escape
e2e_ok "Esc: back on the board" e2e_wait_line 1 'board +/gateway'
e2e_keys /
e2e_type catalog
e2e_keys Enter
e2e_ok "/catalog: its row" e2e_wait_line 3 '^ catalog '
e2e_keys p
e2e_expect "p: catalog's plan from uat to pre" "Promote catalog from uat to pre"
e2e_expect "...its gates pass" "Press p (or Enter) to promote"
e2e_keys p
e2e_expect "p asks to confirm" "Promote application catalog-pre"
e2e_keys y
e2e_ok "...it lands and degrades: the way back is offered" e2e_wait_for "Degraded: catalog-pre runs 2.6.4" 60
e2e_keys b
e2e_expect "b asks to confirm the revert" "Revert application catalog-pre"
e2e_keys y
e2e_ok "...two keys later catalog-pre is back on 2.6.3, Healthy" e2e_wait_for "Landed: catalog-pre runs 2.6.3, Synced and Healthy" 90
subjects=$(git --git-dir="$SANDBOX_STATE/gitops.git" log -4 --format=%s main)
case $subjects in
"Revert \"catalog: promote 2.6.4 from uat to pre\""*"catalog: promote 2.6.4 from uat to pre"*"Revert \"gateway: promote"*"gateway: promote 0.9.14 from uat to pre"*)
	ok "git log tells the story: two promotions, two reverts" ;;
*) not_ok "git log tells the story: two promotions, two reverts"; printf '%s\n' "$subjects" | diag ;;
esac
e2e_stop
audit() {
	env XDG_STATE_HOME="$E2E_HOME/state" "$OPSDECK" audit verify
}
e2e_ok "opsdeck audit verify holds" audit
n=$(grep -c '"action":"promote"' "$E2E_HOME/state/opsdeck/audit.jsonl" 2>/dev/null)
if [ "${n:-0}" -eq 4 ]; then ok "...both promotions' intents and results are recorded"; else
	not_ok "...both promotions' intents and results are recorded (${n:-0})"; fi
n=$(grep -c '"action":"revert"' "$E2E_HOME/state/opsdeck/audit.jsonl" 2>/dev/null)
if [ "${n:-0}" -eq 4 ]; then ok "...and both reverts'"; else not_ok "...and both reverts' (${n:-0})"; fi
tap_done
