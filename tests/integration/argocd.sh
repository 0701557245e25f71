#!/bin/sh
# The sandbox's Argo CD API at /argocd over plain HTTPS (curl): tokens and errors, the
# list with fields, the stream, sync, dry run, rollback, terminate, the read-only token,
# the sync window, and the controller running an .operation set through kubectl.
. "$(dirname "$0")/../lib/sandbox.sh"

sandbox_start
S=$SANDBOX_STATE
A="$SANDBOX_URL/argocd/api/v1"
T=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-argocd.XXXXXX")
mkdir -p "$T/bin"
# admin/ro/anon: curl with that token; py: a Python expression over JSON on stdin.
printf '#!/bin/sh\nexec curl -sS --cacert "%s/ca.crt" -H "Authorization: Bearer $(cat %s/argocd-admin.token)" "$@"\n' "$S" "$S" >"$T/bin/admin"
printf '#!/bin/sh\nexec curl -sS --cacert "%s/ca.crt" -H "Authorization: Bearer $(cat %s/argocd-readonly.token)" "$@"\n' "$S" "$S" >"$T/bin/ro"
printf '#!/bin/sh\nexec curl -sS --cacert "%s/ca.crt" "$@"\n' "$S" >"$T/bin/anon"
printf '#!/bin/sh\nexec python3 -c "import json,sys; d=json.load(sys.stdin); $1"\n' >"$T/bin/py"
chmod +x "$T/bin/admin" "$T/bin/ro" "$T/bin/anon" "$T/bin/py"
PATH="$T/bin:$PATH"
export PATH A T
J='Content-Type: application/json'
# post APP/VERB BODY, app APP, phase APP: small commands so that `check sh -c` runs them.
printf '#!/bin/sh\nexec admin -X POST -H "%s" -d "$2" "%s/applications/$1"\n' "$J" "$A" >"$T/bin/post"
printf '#!/bin/sh\nexec admin "%s/applications/$1"\n' "$A" >"$T/bin/app"
cat >"$T/bin/phase" <<'END'
#!/bin/sh
app "$1" | py "print(d['status']['operationState']['phase'])"
END
chmod +x "$T/bin/post" "$T/bin/app" "$T/bin/phase"

check "tokens, CA and platform.yaml's argocd section are written" sh -c "
	test -s '$S/argocd-admin.token' -a -s '$S/argocd-readonly.token' -a -s '$S/ca.crt' &&
	grep -q '^argocd:' '$S/platform.yaml' &&
	grep -qx '  server: $SANDBOX_URL/argocd' '$S/platform.yaml' &&
	grep -qx '  token: {file: $S/argocd-admin.token}' '$S/platform.yaml' &&
	grep -qx '  ca_file: $S/ca.crt' '$S/platform.yaml' &&
	test \"\$(cut -d. -f1 '$S/argocd-admin.token')\" = eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
check "no token: 401 no session information, code 16" sh -c "
	anon -o '$T/body' -w '%{http_code}' '$A/applications' | grep -qx 401 &&
	py 'assert d[\"code\"] == 16 and d[\"error\"] == \"no session information\"' <'$T/body'"
check "a wrong token: 401" sh -c "anon -H 'Authorization: Bearer eyJ.x.y' -o /dev/null -w '%{http_code}' '$A/applications' | grep -qx 401"
check "the argocd.token cookie authenticates too" sh -c "
	anon -b \"argocd.token=\$(cat '$S/argocd-readonly.token')\" '$A/session/userinfo' |
	py 'assert d == {\"loggedIn\": True, \"username\": \"readonly\", \"iss\": \"argocd\"}, d'"
check "userinfo names the admin" sh -c "admin '$A/session/userinfo' | py 'assert d[\"username\"] == \"admin\" and d[\"loggedIn\"]'"
check "version answers" sh -c "admin '$SANDBOX_URL/argocd/api/version' | py 'assert d[\"Version\"].startswith(\"v2.\")'"

check "list with fields keeps only those fields, and the list's resourceVersion" sh -c "
	admin '$A/applications?fields=items.metadata.name,items.status.sync.status' | py '
items = d[\"items\"]
assert len(items) >= 60 and int(d[\"metadata\"][\"resourceVersion\"]) > 0
assert all(set(i) == {\"metadata\", \"status\"} and set(i[\"metadata\"]) == {\"name\"} and set(i[\"status\"]) == {\"sync\"} for i in items), items[0]
assert any(i[\"status\"][\"sync\"][\"status\"] == \"OutOfSync\" for i in items)'"
check "list filtered by projects and selector" sh -c "
	admin '$A/applications?projects=payments&selector=app.kubernetes.io/name%3Dledger' |
	py 'n = [i[\"metadata\"][\"name\"] for i in d[\"items\"]]; assert n and all(x.startswith(\"ledger-\") for x in n), n'"
check "destinations name their cluster, never a \${SANDBOX_URL} placeholder" sh -c "
	admin '$A/applications' | py '
assert \"SANDBOX_URL\" not in json.dumps(d)
assert all(i[\"spec\"][\"destination\"][\"name\"] in (\"nonprod\", \"prod\") for i in d[\"items\"] if i[\"metadata\"][\"name\"] != \"x\")'"
check "clusters carry the real base URL" sh -c "admin '$A/clusters' | py 'assert \"$SANDBOX_URL/clusters/prod\" in [c[\"server\"] for c in d[\"items\"]]'"
check "projects: the first tenant's production has an active deny window" sh -c "
	admin '$A/projects/payments' | py 'assert any(w[\"schedule\"] == \"* * * * *\" for w in d[\"spec\"][\"syncWindows\"])'"
check "non-GET without a JSON content type: 415" sh -c "
	admin -X POST -d '{}' -o /dev/null -w '%{http_code}' '$A/applications/cart-uat/sync' | grep -qx 415"
check "an unknown app: 404, code 5" sh -c "
	admin -o '$T/body' -w '%{http_code}' '$A/applications/nope' | grep -qx 404 &&
	py 'assert d[\"code\"] == 5 and \"not found\" in d[\"message\"]' <'$T/body'"

# Sync a manual app while a stream follows it.
admin -N "$A/stream/applications?name=cart-uat" >"$T/stream" 2>/dev/null &
STREAM=$!
H0=$(app cart-uat | py "print(len(d['status']['history']))")
LAST=$(app cart-uat | py "print(d['status']['history'][-1]['id'])")
check "sync answers with the Application and its operation" sh -c "
	post cart-uat/sync '{\"prune\":true,\"syncOptions\":{\"items\":[\"ApplyOutOfSyncOnly=true\"]}}' |
	py 'o = d[\"operation\"][\"sync\"]; assert o[\"prune\"] is True and o[\"syncOptions\"] == [\"ApplyOutOfSyncOnly=true\"] and d[\"operation\"][\"initiatedBy\"][\"username\"] == \"admin\"'"
check "a second sync while one runs: another operation is already in progress (code 9)" sh -c "
	post cart-uat/sync '{}' | py 'assert d[\"code\"] == 9 and d[\"message\"] == \"another operation is already in progress\"'"
eventually 5 "the operation is Running" sh -c "phase cart-uat | grep -qx Running" 
eventually 8 "then Succeeded, with syncResult.resources" sh -c "
	app cart-uat | py 's = d[\"status\"][\"operationState\"]; assert s[\"phase\"] == \"Succeeded\" and s[\"syncResult\"][\"resources\"] and \"operation\" not in d'"
check "history appended: one entry, id last + 1" sh -c "
	app cart-uat | py 'h = d[\"status\"][\"history\"]; assert len(h) == min($H0 + 1, 10) and h[-1][\"id\"] == $LAST + 1, h'"
eventually 5 "the stream carried MODIFIED events with Running and Succeeded" sh -c "
	py_lines() { python3 -c \"import json,sys
ph = [json.loads(l)['result']['application']['status'].get('operationState', {}).get('phase') for l in open('$T/stream') if l.strip() and json.loads(l)['result']['type'] == 'MODIFIED']
assert 'Running' in ph and 'Succeeded' in ph, ph\"; }; py_lines"
check "the stream began with the app as ADDED" sh -c "head -n 1 '$T/stream' | py 'assert d[\"result\"][\"type\"] == \"ADDED\" and d[\"result\"][\"application\"][\"metadata\"][\"name\"] == \"cart-uat\"'"
kill "$STREAM" 2>/dev/null

H1=$(app cart-uat | py "print(len(d['status']['history']))")
post cart-uat/sync '{"dryRun":true}' >/dev/null
eventually 8 "a dry-run sync succeeds" sh -c "app cart-uat | py 'assert d[\"status\"][\"operationState\"][\"phase\"] == \"Succeeded\" and d[\"status\"][\"operationState\"][\"operation\"][\"sync\"][\"dryRun\"]'"
check "a dry run appends no history" sh -c "app cart-uat | py 'assert len(d[\"status\"][\"history\"]) == $H1'"

post cart-uat/sync '{"resources":[{"group":"apps","kind":"Deployment","name":"cart","namespace":"storefront-uat"}]}' >/dev/null
eventually 8 "a sync of selected resources succeeds with only them" sh -c "app cart-uat | py 's = d[\"status\"][\"operationState\"]; assert s[\"phase\"] == \"Succeeded\" and [r[\"kind\"] for r in s[\"syncResult\"][\"resources\"]] == [\"Deployment\"]'"
check "a selective sync appends no history" sh -c "app cart-uat | py 'assert len(d[\"status\"][\"history\"]) == $H1'"

check "rollback refused on an auto-sync app (code 9)" sh -c "
	post cart-dev/rollback '{\"id\":1}' | py 'assert d[\"code\"] == 9 and d[\"message\"] == \"rollback cannot be initiated when auto-sync is enabled\"'"
check "rollback to an absent id: does not have deployment with id" sh -c "
	post cart-uat/rollback '{\"id\":99999}' | py 'assert d[\"message\"] == \"application cart-uat does not have deployment with id 99999\"'"
FIRST=$(app cart-uat | py "print(d['status']['history'][0]['id'])")
REV=$(app cart-uat | py "print(d['status']['history'][0]['revision'])")
check "rollback to an earlier id starts a sync to its revision" sh -c "
	post cart-uat/rollback '{\"id\":$FIRST}' | py 'assert d[\"operation\"][\"sync\"][\"revision\"] == \"$REV\"'"
eventually 8 "the rollback succeeds; history's newest entry is that revision" sh -c "
	app cart-uat | py 's = d[\"status\"]; assert s[\"operationState\"][\"phase\"] == \"Succeeded\" and s[\"history\"][-1][\"revision\"] == \"$REV\"'"
check "the rolled-back app is OutOfSync with Git" sh -c "app cart-uat | py 'assert d[\"status\"][\"sync\"][\"status\"] == \"OutOfSync\", d[\"status\"][\"sync\"]'"
check "the Deployment runs the image of that revision, not Git's" sh -c "
	IMG=\$(app cart-uat | py 'print(json.loads(d[\"metadata\"][\"annotations\"][\"sandbox.opsdeck.dev/revision-images\"])[\"$REV\"])')
	admin '$A/applications/cart-uat/managed-resources' | py '
live = [json.loads(i[\"liveState\"]) for i in d[\"items\"] if i[\"kind\"] == \"Deployment\"][0]
target = [json.loads(i[\"targetState\"]) for i in d[\"items\"] if i[\"kind\"] == \"Deployment\"][0]
li = live[\"spec\"][\"template\"][\"spec\"][\"containers\"][0][\"image\"]; ti = target[\"spec\"][\"template\"][\"spec\"][\"containers\"][0][\"image\"]
assert li != ti and li == \"'\$IMG'\", (li, ti)'"
eventually 10 "health follows the rollout back to Healthy" sh -c "app cart-uat | py 'assert d[\"status\"][\"health\"][\"status\"] == \"Healthy\"'"
check "resource tree: pods under ReplicaSets under the Deployment, with health" sh -c "
	admin '$A/applications/cart-uat/resource-tree' | py '
n = d[\"nodes\"]; pods = [x for x in n if x[\"kind\"] == \"Pod\"]
assert pods and all(p[\"parentRefs\"][0][\"kind\"] == \"ReplicaSet\" and p[\"health\"][\"status\"] for p in pods)
assert any(x[\"kind\"] == \"ReplicaSet\" and x[\"parentRefs\"][0][\"kind\"] == \"Deployment\" for x in n)'"
check "revision metadata: a deterministic message" sh -c "
	admin '$A/applications/cart-uat/revisions/$REV/metadata' | py 'assert d[\"message\"].startswith(\"cart: bump to \") and d[\"author\"]'"
check "events of the app record its operations" sh -c "
	admin '$A/applications/cart-uat/events' | py 'assert \"OperationCompleted\" in [e[\"reason\"] for e in d[\"items\"]]'"

post audit-trail-pre/sync '{}' >/dev/null
eventually 5 "terminate: an operation runs" sh -c "phase audit-trail-pre | grep -qx Running"
check "terminate answers {}" sh -c "admin -X DELETE -H '$J' '$A/applications/audit-trail-pre/operation' | py 'assert d == {}'"
eventually 5 "terminated: Failed, Operation terminated" sh -c "
	app audit-trail-pre | py 's = d[\"status\"][\"operationState\"]; assert s[\"phase\"] == \"Failed\" and s[\"message\"] == \"Operation terminated\" and \"operation\" not in d'"
post audit-trail-pre/sync '{"revision":"bad"}' >/dev/null
eventually 8 "a sync to revision bad fails" sh -c "app audit-trail-pre | py 'assert d[\"status\"][\"operationState\"][\"phase\"] == \"Failed\"'"

check "the read-only token: 403 permission denied on sync" sh -c "
	ro -X POST -H '$J' -d '{}' -o '$T/body' -w '%{http_code}' '$A/applications/cart-uat/sync' | grep -qx 403 &&
	py 'assert d[\"code\"] == 7 and d[\"message\"].startswith(\"permission denied\")' <'$T/body'"
check "the read-only token: 403 on rollback and terminate" sh -c "
	ro -X POST -H '$J' -d '{\"id\":1}' -o /dev/null -w '%{http_code}' '$A/applications/cart-uat/rollback' | grep -qx 403 &&
	ro -X DELETE -H '$J' -o /dev/null -w '%{http_code}' '$A/applications/cart-uat/operation' | grep -qx 403"
check "the read-only token reads" sh -c "ro '$A/applications/cart-uat' | py 'assert d[\"metadata\"][\"name\"] == \"cart-uat\"'"
check "the sync window blocks the production project: 403 Cannot sync: Blocked by sync window" sh -c "
	post payments-api-prd/sync '{}' | py 'assert d[\"code\"] == 7 and d[\"message\"] == \"Cannot sync: Blocked by sync window\"'"
check "other tenants' production is not blocked now (or only by their weekend freeze)" sh -c "
	post cart-pre/sync '{\"dryRun\":true}' | py 'assert \"operation\" in d or \"sync window\" in d.get(\"message\", \"\"), d'"

if command -v kubectl >/dev/null 2>&1; then
	K="kubectl --request-timeout=20s --context ops -n argocd"
	H2=$(app ledger-uat | py "print(d['status']['history'][-1]['id'])")
	check "core mode: kubectl patch --type merge sets .operation" \
		$K patch application ledger-uat --type merge \
		-p '{"operation":{"sync":{"revision":"main"},"initiatedBy":{"username":"opsdeck"}}}'
	eventually 10 "the controller runs it to Succeeded and appends history" sh -c "
		app ledger-uat | py 's = d[\"status\"]; assert s[\"operationState\"][\"phase\"] == \"Succeeded\" and s[\"history\"][-1][\"id\"] == $H2 + 1 and \"operation\" not in d'"
	check "core mode: the refresh annotation is set" \
		$K annotate application ledger-uat argocd.argoproj.io/refresh=normal --overwrite
	eventually 5 "the controller clears the refresh annotation" sh -c "
		! $K get application ledger-uat -o jsonpath='{.metadata.annotations}' | grep -q argocd.argoproj.io/refresh"
else
	skip "kubectl is not installed: core mode not checked"
fi

if sandbox_stop; then ok "the sandbox stops cleanly"; else not_ok "the sandbox stops cleanly"; fi
rm -rf "$T"
tap_done
