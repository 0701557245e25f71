#!/bin/sh
# The sandbox's GitOps repository with the real git CLI: its history (months of dated
# promotions with trailers), files that say what runs where, the same shas every start;
# a pushed tag synced through the Argo CD API changes the Deployment and brings new pods;
# the scenario's bad release runs in uat but crash-loops in pre, and a revert brings the
# old one back; a push to
# an automated environment is picked up without a sync; git fsck stays clean.
. "$(dirname "$0")/../lib/sandbox.sh"

if ! command -v git >/dev/null 2>&1 || ! command -v kubectl >/dev/null 2>&1; then
	skip "git or kubectl is not installed"
	tap_done
	exit
fi

sandbox_start
S=$SANDBOX_STATE
R=$S/gitops.git
A="$SANDBOX_URL/argocd/api/v1"
T=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-gitops.XXXXXX")
mkdir -p "$T/bin"
printf '#!/bin/sh\nexec curl -sS --cacert "%s/ca.crt" -H "Authorization: Bearer $(cat %s/argocd-admin.token)" "$@"\n' "$S" "$S" >"$T/bin/admin"
printf '#!/bin/sh\nexec python3 -c "import json,sys; d=json.load(sys.stdin); $1"\n' >"$T/bin/py"
printf '#!/bin/sh\nexec admin "%s/applications/$1"\n' "$A" >"$T/bin/app"
printf '#!/bin/sh\nexec admin -X POST -H "Content-Type: application/json" -d "{}" "%s/applications/$1/sync"\n' "$A" >"$T/bin/sync"
# image CONTEXT NAMESPACE DEPLOYMENT: the Deployment's first container image
printf '#!/bin/sh\nexec kubectl --request-timeout=20s --context "$1" -n "$2" get deploy "$3" -o "jsonpath={.spec.template.spec.containers[0].image}"\n' >"$T/bin/image"
chmod +x "$T/bin/"*
PATH="$T/bin:$PATH"
export PATH A T S R
export GIT_AUTHOR_NAME="Test Operator" GIT_AUTHOR_EMAIL=ops@example.com
export GIT_COMMITTER_NAME="Test Operator" GIT_COMMITTER_EMAIL=ops@example.com
export GIT_CONFIG_NOSYSTEM=1 HOME=$T

# bump FILE-DIR TAG MESSAGE: in the clone, set newTag, commit and push.
cat >"$T/bin/bump" <<'END'
#!/bin/sh
set -e
cd "$T/clone"
git pull -q --ff-only origin main
sed -i "s/newTag: \"[^\"]*\"/newTag: \"$2\"/" "$1/kustomization.yaml"
git commit -q -am "$3"
git push -q origin HEAD:main
END
chmod +x "$T/bin/bump"

check "platform.yaml's gitops repo is the sandbox's file:// repository" sh -c "
	grep -qx '  repo: file://$R' '$S/platform.yaml' &&
	grep -qx '  path: \"envs/{env}/{service}\"' '$S/platform.yaml' &&
	grep -qx '  revision: main' '$S/platform.yaml' && grep -q '^  image_tag: kustomize' '$S/platform.yaml'"
check "git clone of the bare repository works" git clone -q "file://$R" "$T/clone"
check "git log: hundreds of promotions over months, with dated authors" sh -c "
	n=\$(git -C '$T/clone' rev-list --count main) && test \"\$n\" -ge 300 &&
	first=\$(git -C '$T/clone' log --reverse --format=%at | head -n 1) &&
	last=\$(git -C '$T/clone' log -1 --format=%at) &&
	test \$((last - first)) -ge \$((90 * 86400)) &&
	test \$(git -C '$T/clone' log --format=%an | sort -u | wc -l) -ge 3"
check "commit messages and trailers" sh -c "
	git -C '$T/clone' log -1 --format=%B --grep='^cart: promote 4.0.1 to pre\$' >'$T/msg' &&
	grep -qx 'Promoted-From: uat' '$T/msg' && grep -qx 'Promoted-To: pre' '$T/msg' &&
	git -C '$T/clone' log --format=%s | grep -Eq '^[a-z-]+: promote [0-9.]+ to (dev|sit|uat|pre|prd)\$'"
check "kustomize layout: base and env files" sh -c "
	test -f '$T/clone/base/cart/kustomization.yaml' &&
	grep -q '^  - ../../../base/cart\$' '$T/clone/envs/uat/cart/kustomization.yaml' &&
	grep -q '^  - name: registry.example.com/storefront/cart\$' '$T/clone/envs/uat/cart/kustomization.yaml'"
check "each file holds the version the scenario runs there (cart pre: Git's drift)" sh -c "
	grep -q 'newTag: \"2.13.1\"' '$T/clone/envs/prd/payments-api/kustomization.yaml' &&
	grep -q 'newTag: \"2.14.0\"' '$T/clone/envs/dev/payments-api/kustomization.yaml' &&
	grep -q 'newTag: \"4.0.1\"' '$T/clone/envs/pre/cart/kustomization.yaml' &&
	test \"\$(image prod storefront-pre cart)\" = registry.example.com/storefront/cart:3.9.8 &&
	grep -q 'newTag: \"2.6.4\"' '$T/clone/envs/uat/catalog/kustomization.yaml' &&
	grep -q 'newTag: \"2.6.3\"' '$T/clone/envs/pre/catalog/kustomization.yaml'"
check "every app's file tag is its Git image; Synced apps run it" sh -c "
	admin '$A/applications' | py '
import subprocess
n = 0
for a in d[\"items\"]:
    ann = a[\"metadata\"].get(\"annotations\", {})
    git = ann.get(\"sandbox.opsdeck.dev/git-image\")
    if not git: continue
    text = open(\"$T/clone/\" + a[\"spec\"][\"source\"][\"path\"] + \"/kustomization.yaml\").read()
    tag = text.split(\"newTag: \")[1].split()[0].strip(chr(34))
    assert git.endswith(\":\" + tag), (a[\"metadata\"][\"name\"], git, tag)
    if a[\"status\"][\"sync\"][\"status\"] == \"Synced\":
        assert git in a[\"status\"][\"summary\"][\"images\"], a[\"metadata\"][\"name\"]
    n += 1
assert n == 60, n'"
HEAD=$(git -C "$R" rev-parse main)
check "Argo CD's revisions are the repository's commits" sh -c "
	app cart-uat | py '
s = d[\"status\"]
assert s[\"sync\"][\"revision\"] == \"$HEAD\", s[\"sync\"]
assert d[\"spec\"][\"source\"][\"repoURL\"] == \"file://$R\"
print(\"\\n\".join(h[\"revision\"] for h in s[\"history\"]))' >'$T/revs' &&
	test \$(wc -l <'$T/revs') -ge 5 &&
	while read -r r; do git -C '$R' cat-file -e \"\$r^{commit}\" || exit 1; done <'$T/revs'"

# the same scenario, another state directory: the same commits
S2=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-gitops2.XXXXXX")
"$BUILD/opsdeck-sandbox" --state-dir "$S2" >"$S2/out" 2>&1 &
PID2=$!
i=0
while [ ! -s "$S2/ready" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
check "deterministic: a second sandbox has the same head sha" sh -c "
	test \"\$(git -C '$S2/gitops.git' rev-parse main)\" = '$HEAD'"
kill -TERM $PID2 2>/dev/null
wait $PID2 2>/dev/null
rm -rf "$S2"

# a promotion by hand: push, then sync through the API
check "push a new cart tag to uat" bump envs/uat/cart 4.0.2 "cart: promote 4.0.2 to uat"
NEW=$(git -C "$R" rev-parse main)
check "sync cart-uat" sh -c "sync cart-uat | py 'assert d[\"operation\"][\"sync\"][\"revision\"] == \"main\"'"
eventually 10 "the sync lands the pushed commit: Succeeded, Synced, history" sh -c "
	app cart-uat | py '
s = d[\"status\"]
assert s[\"operationState\"][\"phase\"] == \"Succeeded\", s[\"operationState\"]
assert s[\"operationState\"][\"syncResult\"][\"revision\"] == \"$NEW\"
assert s[\"history\"][-1][\"revision\"] == \"$NEW\" and s[\"sync\"][\"revision\"] == \"$NEW\"
assert s[\"sync\"][\"status\"] == \"Synced\", s[\"sync\"]'"
check "the Deployment runs the new tag" sh -c "
	test \"\$(image nonprod storefront-uat cart)\" = registry.example.com/storefront/cart:4.0.2"
eventually 15 "a new ReplicaSet with ready pods of the new version" sh -c "
	kubectl --context nonprod -n storefront-uat get pods -l app.kubernetes.io/name=cart \
		-o 'jsonpath={range .items[*]}{.spec.containers[0].image} {.status.phase} {.status.containerStatuses[0].ready}{\"\\n\"}{end}' >'$T/pods' &&
	grep -c 'cart:4.0.2 Running true' '$T/pods' | grep -qx 2 &&
	kubectl --context nonprod -n storefront-uat get rs -o 'jsonpath={range .items[*]}{.spec.template.spec.containers[0].image}{\"\\n\"}{end}' | grep -q 'cart:4.0.2'"
check "logs from a pod of the new version" sh -c "
	p=\$(kubectl --context nonprod -n storefront-uat get pods -l app.kubernetes.io/name=cart -o 'jsonpath={range .items[?(@.spec.containers[0].image==\"registry.example.com/storefront/cart:4.0.2\")]}{.metadata.name}{\"\\n\"}{end}' | head -n 1) &&
	test -n \"\$p\" && sleep 2 && kubectl --context nonprod -n storefront-uat logs \"\$p\" --tail=3 | grep -q ."

# the bad release: catalog 2.6.4 runs in uat but crash-loops on pre's production config;
# reverting brings the old one back
eventually 15 "catalog 2.6.4 runs ready in uat" sh -c "
	kubectl --context nonprod -n storefront-uat get pods -l app.kubernetes.io/name=catalog \
		-o 'jsonpath={range .items[*]}{.spec.containers[0].image} {.status.containerStatuses[0].ready}{\"\\n\"}{end}' |
	grep -c 'catalog:2.6.4 true' | grep -qx 2"
check "push the bad catalog release to pre and sync" sh -c "
	bump envs/pre/catalog 2.6.4 'catalog: promote 2.6.4 to pre' && sync catalog-pre >/dev/null"
BAD=$(git -C "$R" rev-parse main)
eventually 15 "catalog 2.6.4 pods in pre are in CrashLoopBackOff" sh -c "
	kubectl --context prod -n storefront-pre get pods -l app.kubernetes.io/name=catalog \
		-o 'jsonpath={range .items[*]}{.spec.containers[0].image} {.status.containerStatuses[0].state.waiting.reason}{\"\\n\"}{end}' |
	grep -q 'catalog:2.6.4 CrashLoopBackOff'"
eventually 30 "their restarts climb" sh -c "
	kubectl --context prod -n storefront-pre get pods -l app.kubernetes.io/name=catalog \
		-o 'jsonpath={range .items[*]}{.spec.containers[0].image} {.status.containerStatuses[0].restartCount}{\"\\n\"}{end}' |
	grep -Eq 'catalog:2.6.4 [1-9]'"
check "the crashed instance logged errors" sh -c "
	p=\$(kubectl --context prod -n storefront-pre get pods -l app.kubernetes.io/name=catalog -o 'jsonpath={range .items[?(@.spec.containers[0].image==\"registry.example.com/storefront/catalog:2.6.4\")]}{.metadata.name}{\"\\n\"}{end}' | head -n 1) &&
	kubectl --context prod -n storefront-pre logs \"\$p\" --previous | grep -q '^ERROR'"
eventually 10 "Argo CD sees catalog-pre unhealthy at the bad commit" sh -c "
	app catalog-pre | py '
s = d[\"status\"]
assert s[\"history\"][-1][\"revision\"] == \"$BAD\" and s[\"health\"][\"status\"] != \"Healthy\", s[\"health\"]'"
check "...while catalog-uat, on the same release, stays Healthy" sh -c "
	app catalog-uat | py 'assert d[\"status\"][\"health\"][\"status\"] == \"Healthy\", d[\"status\"][\"health\"]'"
check "revert, push and sync" sh -c "
	cd '$T/clone' && git pull -q --ff-only origin main && git revert --no-edit HEAD >/dev/null &&
	git push -q origin HEAD:main && sync catalog-pre >/dev/null"
eventually 10 "catalog-pre back on 2.6.3, Synced" sh -c "
	test \"\$(image prod storefront-pre catalog)\" = registry.example.com/storefront/catalog:2.6.3 &&
	app catalog-pre | py 'assert d[\"status\"][\"sync\"][\"status\"] == \"Synced\"'"

# an automated environment follows a push without being asked
check "push auth 6.1.1 to dev (automated)" bump envs/dev/auth 6.1.1 "auth: promote 6.1.1 to dev"
eventually 15 "auto-sync rolls auth-dev to it" sh -c "
	test \"\$(image nonprod identity-dev auth)\" = registry.example.com/identity/auth:6.1.1"

check "git fsck on the bare repository is clean" git -C "$R" fsck --strict
check "the log tells the story: 3 pushed commits and the revert" sh -c "
	git -C '$R' log --format=%s -4 | grep -qx 'auth: promote 6.1.1 to dev' &&
	git -C '$R' log --format=%s -4 | grep -q '^Revert \"catalog: promote 2.6.4 to pre\"\$'"

rm -rf "$T"
sandbox_stop
tap_done
