#!/bin/sh
# opsdeck promote / board against the sandbox and its GitOps repository: the plan and
# --dry-run, the confirmation rules, a real promotion followed to Healthy (git log, git
# fsck, kubectl), two promotions at once, a revert, the source gate, the audit log.
. "$(dirname "$0")/../lib/sandbox.sh"

if ! command -v git >/dev/null 2>&1 || ! command -v kubectl >/dev/null 2>&1; then
	skip "git or kubectl is not installed"
	tap_done
	exit
fi

sandbox_start
OPSDECK="$BUILD/opsdeck"
S=$SANDBOX_STATE
R=$S/gitops.git
if [ ! -d "$R" ]; then
	skip "the sandbox has no GitOps repository (STATE/gitops.git) yet"
	tap_done
	exit
fi
export XDG_STATE_HOME="$S/state" XDG_CONFIG_HOME="$S/config" XDG_CACHE_HOME="$S/cache"
export OPSDECK_PLATFORM="$S/platform.yaml"
export GIT_AUTHOR_NAME="Rel Manager" GIT_AUTHOR_EMAIL=rel@example.com
mkdir -p "$XDG_CONFIG_HOME/opsdeck"

# expect_rc RC "what" command...: the command exits RC; its output is kept in $S/out.
expect_rc() {
	want=$1
	what=$2
	shift 2
	"$@" >"$S/out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$what"; else
		not_ok "$what (exit $rc, want $want)"
		tail -n 12 "$S/out" | diag
	fi
}
count() { git --git-dir="$R" rev-list --count main; }
image() {
	kubectl --request-timeout=20s --context "$1" -n "$2" get deploy "$3" \
		-o 'jsonpath={.spec.template.spec.containers[0].image}'
}
same_count() { [ "$(count)" -eq "$1" ]; }

# the board
expect_rc 0 "opsdeck board" "$OPSDECK" board
check "...services by environment in promotion order" \
	grep -qE '^SERVICE +TENANT +DEV +SIT +UAT +PRE +PRD' "$S/out"
expect_rc 0 "opsdeck board -o json" "$OPSDECK" board -o json
check "...gateway's uat version and state" python3 -c "
import json; b=json.load(open('$S/out')); g=[r for r in b if r['service']=='gateway'][0]
assert g['environments']['uat']['version']=='0.9.14' and g['environments']['uat']['state']=='ok', g"
expect_rc 2 "board -o yaml is a usage error" "$OPSDECK" board -o yaml

# the plan
n0=$(count)
expect_rc 0 "promote gateway --from uat --to pre --dry-run" \
	"$OPSDECK" promote gateway --from uat --to pre --dry-run
check "...shows versions from and to" grep -q 'git 0.9.12 -> 0.9.14' "$S/out"
check "...the gates, all five passed (no critical finding in 0.9.14 among them)" sh -c "[ \$(grep -c '^  \[ok\]' '$S/out') -eq 5 ] && grep -q '^  \[ok\] no critical finding' '$S/out'"
check "...the commits of the source" grep -q 'gateway: promote 0.9.14 to uat' "$S/out"
check "...the diff of the target file" grep -q '^+    newTag: "0.9.14"' "$S/out"
check "...and changes nothing" same_count "$n0"
expect_rc 1 "promote cart --from uat --to pre --dry-run: blocked (Git already asks for 4.0.1)" \
	"$OPSDECK" promote cart --from uat --to pre --dry-run
check "...which says how to catch up" grep -q 'but runs 3.9.8: sync cart-pre instead' "$S/out"
expect_rc 1 "promote backwards (pre to uat) is blocked" \
	"$OPSDECK" promote gateway --from pre --to uat --dry-run
expect_rc 2 "promote without --to is a usage error" "$OPSDECK" promote gateway --from uat
expect_rc 1 "promote of an unknown service fails" "$OPSDECK" promote nope --from uat --to pre

# confirmation: pre is "confirm" in the sandbox; config.yaml's protected prod makes it typed
expect_rc 1 "a confirm-protected target without --yes changes nothing" \
	"$OPSDECK" promote gateway --from uat --to pre
check "...says what to add" grep -q -- '--yes' "$S/out"
printf 'contexts:\n  - name: prod\n    protected: true\n' >"$XDG_CONFIG_HOME/opsdeck/config.yaml"
expect_rc 1 "a typed-protected target with only --yes changes nothing" \
	"$OPSDECK" promote gateway --from uat --to pre --yes
check "...and names what to type" grep -q -- '--confirm gateway-pre' "$S/out"
expect_rc 1 "...nor with the wrong name" "$OPSDECK" promote gateway --from uat --to pre --confirm pre
check "...git log unchanged" same_count "$n0"
expect_rc 1 "--readonly refuses" "$OPSDECK" --readonly promote gateway --from uat --to pre --confirm gateway-pre
check "...git log unchanged" same_count "$n0"

# the real promotion
expect_rc 0 "promote gateway uat -> pre --confirm gateway-pre --wait: Healthy" \
	"$OPSDECK" promote gateway --from uat --to pre --confirm gateway-pre --wait
check "...ends Synced and Healthy on 0.9.14" grep -q 'gateway-pre: Synced, Healthy, running 0.9.14' "$S/out"
rm "$XDG_CONFIG_HOME/opsdeck/config.yaml"
check "...exactly one new commit" same_count $((n0 + 1))
check "...with the trailers" sh -c "
	git --git-dir='$R' log -1 --format=%B main >'$S/msg' &&
	grep -qx 'gateway: promote 0.9.14 from uat to pre' '$S/msg' &&
	grep -qx 'Promoted-From: uat' '$S/msg' && grep -qx 'Promoted-To: pre' '$S/msg' &&
	grep -qE '^Source-Revision: [0-9a-f]{40}\$' '$S/msg'"
check "...by the operator" sh -c "[ \"\$(git --git-dir='$R' log -1 --format='%an <%ae>' main)\" = 'Rel Manager <rel@example.com>' ]"
check "...touching only the tag" sh -c "
	git --git-dir='$R' show --format= main >'$S/diff' &&
	[ \$(grep -c '^[-+] ' '$S/diff') -eq 2 ] && grep -q '^+    newTag: \"0.9.14\"  # set by promotions' '$S/diff'"
check "...git fsck is clean" git --git-dir="$R" fsck --no-progress
check "...kubectl shows the new image" test "$(image prod storefront-pre gateway)" = registry.example.com/storefront/gateway:0.9.14
GW=$(git --git-dir="$R" rev-parse main)

# two promotions at once, different services
n1=$(count)
"$OPSDECK" promote audit-trail --from uat --to pre --yes >"$S/p1" 2>&1 &
P1=$!
"$OPSDECK" promote ledger --from uat --to pre --yes >"$S/p2" 2>&1 &
P2=$!
wait $P1
r1=$?
wait $P2
r2=$?
if [ $r1 -eq 0 ] && [ $r2 -eq 0 ]; then ok "two promotions at the same time both succeed"; else
	not_ok "two promotions at the same time both succeed ($r1, $r2)"
	cat "$S/p1" "$S/p2" | tail -n 12 | diag
fi
check "...two new commits" same_count $((n1 + 2))
check "...both tags landed" sh -c "
	git --git-dir='$R' show main:envs/pre/audit-trail/kustomization.yaml | grep -q 'newTag: \"3.2.1\"' &&
	git --git-dir='$R' show main:envs/pre/ledger/kustomization.yaml | grep -q 'newTag: \"1.9.1\"'"
check "...git fsck is clean" git --git-dir="$R" fsck --no-progress

# the way back
n2=$(count)
expect_rc 0 "promote --revert the gateway promotion --yes --wait: Healthy again" \
	"$OPSDECK" promote --revert "$GW" --yes --wait
check "...one revert commit" sh -c "[ \$(git --git-dir='$R' rev-list --count main) -eq $((n2 + 1)) ] &&
	git --git-dir='$R' log -1 --format=%s main | grep -qx 'Revert \"gateway: promote 0.9.14 from uat to pre\"'"
check "...kubectl shows the old image" test "$(image prod storefront-pre gateway)" = registry.example.com/storefront/gateway:0.9.12
expect_rc 1 "--revert of a commit that is not a promotion is refused" \
	"$OPSDECK" promote --revert "$(git --git-dir="$R" rev-parse main)" --yes

# the bad release: a source running it is never Healthy, so the source gate stops it
git clone -q "$R" "$S/clone" 2>/dev/null
check "a developer pushes the bad catalog 2.4.0 to dev" sh -c "
	cd '$S/clone' && sed -i 's/newTag: \"[^\"]*\"/newTag: \"2.4.0\"/' envs/dev/catalog/kustomization.yaml &&
	git -c user.name=Dev -c user.email=dev@example.com commit -qam 'catalog: 2.4.0 to dev' &&
	git push -q origin main"
eventually 30 "...catalog-dev degrades" sh -c "
	'$OPSDECK' board -o json | python3 -c \"
import json,sys; b=json.load(sys.stdin); c=[r for r in b if r['service']=='catalog'][0]['environments']['dev']
assert c['version']=='2.4.0' and c['state']=='degraded', c\""
n3=$(count)
expect_rc 1 "promote catalog dev -> sit is blocked by the source gate" \
	"$OPSDECK" promote catalog --from dev --to sit --yes
check "...which the plan shows" grep -q '\[!!\] source Synced and Healthy' "$S/out"
check "...git log unchanged" same_count "$n3"
# the release that breaks on production config: catalog 2.6.4 is Synced and Healthy in uat
# (so the gates pass) and crash-loops once it reaches pre
check "catalog 2.6.4 runs Synced and Healthy in uat" sh -c "
	'$OPSDECK' board -o json | python3 -c \"
import json,sys; b=json.load(sys.stdin); c=[r for r in b if r['service']=='catalog'][0]['environments']['uat']
assert c['version']=='2.6.4' and c['state']=='ok', c\""
n4=$(count)
expect_rc 1 "promote the bad release uat -> pre --yes: blocked, 2.6.4 has a critical finding" \
	"$OPSDECK" promote catalog --from uat --to pre --yes
check "...the gate says so" grep -q 'blocked: no critical finding in the version' "$S/out"
check "...git log unchanged" same_count "$n4"
sandbox_gate_off pre
expect_rc 1 "with pre's gate off: promote the bad release --yes --wait: Degraded (exit 1)" \
	"$OPSDECK" promote catalog --from uat --to pre --yes --wait --timeout 60
check "...and prints the way back" grep -q 'opsdeck promote --revert' "$S/out"
check "...one new commit" same_count $((n4 + 1))
check "...pre runs the bad release" test "$(image prod storefront-pre catalog)" = registry.example.com/storefront/catalog:2.6.4
BAD=$(git --git-dir="$R" rev-parse main)
expect_rc 0 "...--revert brings it back Healthy" "$OPSDECK" promote --revert "$BAD" --yes --wait
check "...on the old image" test "$(image prod storefront-pre catalog)" = registry.example.com/storefront/catalog:2.6.3

# the audit log tells the same story as git log
expect_rc 0 "opsdeck audit verify holds" "$OPSDECK" audit verify
check "...and the log names the promotion's commit" grep -q "\"commit\":\"$GW\"" "$XDG_STATE_HOME/opsdeck/audit.jsonl"
check "...and the revert" grep -q "\"revert\":\"$GW\"" "$XDG_STATE_HOME/opsdeck/audit.jsonl"

tap_done
