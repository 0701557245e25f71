#!/bin/sh
# opsdeck-sandbox over plain HTTPS (curl): Table and JSON lists, pagination, selectors,
# watches (bookmarks, 410 Expired), logs, auth, the state directory, --load and --pods,
# and its argument errors.
. "$(dirname "$0")/../lib/sandbox.sh"

SBX="$BUILD/opsdeck-sandbox"
T=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-sbx.XXXXXX")

# Argument and scenario errors: one message, exit 2, no state written.
"$SBX" --state-dir "$T/x" --frobnicate >"$T/err" 2>&1
[ $? -eq 2 ] && grep -q 'unknown argument "--frobnicate"' "$T/err" &&
	ok "an unknown flag: one message, exit 2" || { not_ok "an unknown flag: exit 2"; diag <"$T/err"; }
"$SBX" >"$T/err" 2>&1
[ $? -eq 2 ] && ok "no --state-dir: exit 2" || not_ok "no --state-dir: exit 2"
"$SBX" --state-dir "$T/x" --pods lots >"$T/err" 2>&1
[ $? -eq 2 ] && ok "a bad number: exit 2" || not_ok "a bad number: exit 2"
mkdir -p "$T/bad/scenarios" "$T/bad/crds"
printf 'clusters:\n  - name: a\n    nodes: [\n' >"$T/bad/scenarios/s.yaml"
"$SBX" --state-dir "$T/x" --scenario "$T/bad/scenarios/s.yaml" >"$T/err" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q 's.yaml:[0-9]*:[0-9]*:' "$T/err" && [ ! -e "$T/x/ready" ]; then
	ok "a malformed scenario names file:line:col, exit 2, no ready file"
else
	not_ok "a malformed scenario names file:line:col (exit $rc)"
	diag <"$T/err"
fi

sandbox_start --watch-history 50
S=$SANDBOX_STATE
check "state dir: kubeconfig, platform.yaml, requests.log, ready" \
	test -s "$S/kubeconfig" -a -s "$S/platform.yaml" -a -f "$S/requests.log" -a -s "$S/ready"
check "ready holds the base URL" sh -c "grep -qx 'https://127.0.0.1:[0-9]*' '$S/ready'"

# curl as the admin (client certificate) and as the viewer (bearer token).
field() { sed -n "s/^ *$1: *//p" "$S/kubeconfig" | head -n 1; }
field certificate-authority-data | base64 -d >"$T/ca.pem"
field client-certificate-data | base64 -d >"$T/admin.crt"
field client-key-data | base64 -d >"$T/admin.key"
TOKEN=$(field token)
C="$SANDBOX_URL/clusters/nonprod"
# Small commands rather than functions, so that `check sh -c ...` can run them too.
mkdir -p "$T/bin"
printf '#!/bin/sh\nexec curl -sS --cacert "%s/ca.pem" --cert "%s/admin.crt" --key "%s/admin.key" "$@"\n' "$T" "$T" "$T" >"$T/bin/admin"
printf '#!/bin/sh\nexec curl -sS --cacert "%s/ca.pem" -H "Authorization: Bearer $(cat %s/token)" "$@"\n' "$T" "$T" >"$T/bin/viewer"
printf '#!/bin/sh\nexec python3 -c "import json,sys; d=json.load(sys.stdin); $1"\n' >"$T/bin/py"
chmod +x "$T/bin/admin" "$T/bin/viewer" "$T/bin/py"
printf '%s' "$TOKEN" >"$T/token"
PATH="$T/bin:$PATH"
export PATH

check "TLS verifies against the generated CA; /version answers" \
	sh -c "admin '$C/version' | grep -q gitVersion"
check "no credentials: 401" sh -c "curl -sS --cacert '$T/ca.pem' -o /dev/null -w '%{http_code}' '$C/api/v1/pods' | grep -qx 401"
check "a wrong token: 401" sh -c "curl -sS --cacert '$T/ca.pem' -H 'Authorization: Bearer nope' -o /dev/null -w '%{http_code}' '$C/api/v1/pods' | grep -qx 401"
check "an unknown cluster: 404" sh -c "curl -sS --cacert '$T/ca.pem' -H 'Authorization: Bearer $TOKEN' -o /dev/null -w '%{http_code}' '$SANDBOX_URL/clusters/nope/api' | grep -qx 404"

TABLE='Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json'
admin -H "$TABLE" "$C/api/v1/pods" >"$T/table.json"
check "a Table list: columns, rows with PartialObjectMetadata, a resourceVersion" \
	sh -c "py 'assert d[\"kind\"]==\"Table\" and d[\"columnDefinitions\"][0][\"name\"]==\"Name\" and d[\"rows\"][0][\"object\"][\"kind\"]==\"PartialObjectMetadata\" and d[\"metadata\"][\"resourceVersion\"]' <'$T/table.json'"
admin "$C/api/v1/pods" >"$T/list.json"
check "a JSON list: PodList with a resourceVersion" \
	sh -c "py 'assert d[\"kind\"]==\"PodList\" and d[\"metadata\"][\"resourceVersion\"] and d[\"items\"]' <'$T/list.json'"
total=$(py 'print(len(d["items"]))' <"$T/list.json")
pages=0
n=0
cont=""
while :; do
	admin "$C/api/v1/pods?limit=7${cont:+&continue=$cont}" >"$T/page.json"
	n=$((n + $(py 'print(len(d["items"]))' <"$T/page.json")))
	pages=$((pages + 1))
	cont=$(py 'print(d["metadata"].get("continue",""))' <"$T/page.json")
	[ -n "$cont" ] && [ $pages -lt 100 ] || break
done
if [ "$n" -eq "$total" ] && [ "$pages" -gt 1 ]; then
	ok "limit/continue pages through every pod ($total in $pages pages)"
else
	not_ok "limit/continue pages through every pod ($n of $total in $pages pages)"
fi
check "a garbled continue token is refused" \
	sh -c "curl -sS --cacert '$T/ca.pem' -H 'Authorization: Bearer $TOKEN' -o /dev/null -w '%{http_code}' '$C/api/v1/pods?limit=2&continue=garbage' | grep -Eqx '400|410'"
check "fieldSelector status.phase=Running" \
	sh -c "viewer '$C/api/v1/pods?fieldSelector=status.phase%3DRunning' | py 'assert d[\"items\"] and all(p[\"status\"][\"phase\"]==\"Running\" for p in d[\"items\"])'"
check "labelSelector with set notation" \
	sh -c "viewer '$C/api/v1/pods?labelSelector=platform.opsdeck.dev/environment%20in%20(dev,sit)' | py 'assert d[\"items\"] and all(p[\"metadata\"][\"labels\"][\"platform.opsdeck.dev/environment\"] in (\"dev\",\"sit\") for p in d[\"items\"])'"
check "a bad label selector: 400 with the parser's message" \
	sh -c "viewer '$C/api/v1/pods?labelSelector=a%20in%20' | grep -q 'unable to parse requirement\|expected'"

# Watches: from a recent resourceVersion with bookmarks; from one past the history: 410.
RV=$(py 'print(d["metadata"]["resourceVersion"])' <"$T/list.json")
viewer -N "$C/api/v1/pods?watch=1&resourceVersion=$RV&allowWatchBookmarks=true&timeoutSeconds=7" >"$T/watch" 2>&1 &
W=$!
sleep 1
NS=$(py 'print(d["items"][0]["metadata"]["namespace"])' <"$T/list.json")
POD=$(py 'print(d["items"][0]["metadata"]["name"])' <"$T/list.json")
admin -X DELETE "$C/api/v1/namespaces/$NS/pods/$POD" >/dev/null
wait $W
check "watch: the deletion arrives as DELETED" grep -q '"type":"DELETED"' "$T/watch"
check "watch: BOOKMARK events when allowed" grep -q '"type":"BOOKMARK"' "$T/watch"
check "watch: one JSON object per line" sh -c "python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1]) if l.strip()]' '$T/watch'"
viewer -N "$C/api/v1/pods?watch=1&resourceVersion=$RV&timeoutSeconds=3" >"$T/plain" 2>&1
check "watch: no BOOKMARK unless asked" sh -c "! grep -q BOOKMARK '$T/plain'"
# The deletion and its replacement made more than 50 events by now? Make sure.
admin -X PATCH -H 'Content-Type: application/merge-patch+json' \
	-d '{"spec":{"replicas":6}}' "$C/apis/apps/v1/namespaces/$NS/deployments?limit=1" >/dev/null 2>&1
DEP=$(viewer "$C/apis/apps/v1/namespaces/$NS/deployments" | py 'print(d["items"][0]["metadata"]["name"])')
for r in 3 1 3 1; do
	admin -X PATCH -H 'Content-Type: application/merge-patch+json' \
		-d "{\"spec\":{\"replicas\":$r}}" "$C/apis/apps/v1/namespaces/$NS/deployments/$DEP/scale" >/dev/null
	sleep 1
done
viewer -N "$C/api/v1/pods?watch=1&resourceVersion=1&timeoutSeconds=3" >"$T/old" 2>&1
check "watch from a resourceVersion past the history: ERROR 410 Expired" \
	sh -c "grep -q '\"type\":\"ERROR\"' '$T/old' && grep -q '\"code\":410' '$T/old' && grep -q Expired '$T/old'"

# Logs.
CT=$(viewer "$C/api/v1/namespaces/$NS/pods" | py 'p=[x for x in d["items"] if len(x["spec"]["containers"])==1][0]; print(p["metadata"]["name"])')
check "logs: tailLines=3 gives 3 lines" \
	sh -c "[ \$(viewer '$C/api/v1/namespaces/$NS/pods/$CT/log?tailLines=3' | wc -l) -eq 3 ]"
check "logs: timestamps prefix RFC 3339 with nanoseconds" \
	sh -c "viewer '$C/api/v1/namespaces/$NS/pods/$CT/log?tailLines=2&timestamps=true' | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z '"
check "logs: limitBytes cuts the body" \
	sh -c "[ \$(viewer '$C/api/v1/namespaces/$NS/pods/$CT/log?limitBytes=100' | wc -c) -le 100 ]"
check "logs: previous on a pod that never restarted is a 400" \
	sh -c "viewer '$C/api/v1/namespaces/$NS/pods/$CT/log?previous=true' | grep -q 'previous terminated container'"

# Reviews and the viewer's limits.
check "SelfSubjectReview names the viewer" \
	sh -c "viewer -X POST -H 'Content-Type: application/json' -d '{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}' '$C/apis/authentication.k8s.io/v1/selfsubjectreviews' | grep -q sandbox-viewer"
check "the viewer cannot read secrets (403)" \
	sh -c "viewer -o /dev/null -w '%{http_code}' '$C/api/v1/secrets' | grep -qx 403"
check "every request is logged: time, identity, method, path, status" \
	sh -c "grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z sandbox-viewer GET /clusters/nonprod/api/v1/secrets 403\$' '$S/requests.log'"

if sandbox_stop; then ok "SIGTERM: exit 0"; else not_ok "SIGTERM: exit 0"; fi

# --load and --pods.
sandbox_start --load tests/fixtures/scenario-load --pods 3000
cp "$SANDBOX_STATE/kubeconfig" "$T/kc2"
field2() { sed -n "s/^ *$1: *//p" "$T/kc2" | head -n 1; }
field2 token >"$T/token"
field2 certificate-authority-data | base64 -d >"$T/ca.pem"
n=0
for c in ops nonprod prod; do
	k=$(viewer "$SANDBOX_URL/clusters/$c/api/v1/pods" | py 'print(len(d["items"]))')
	n=$((n + k))
done
[ "$n" -eq 3000 ] && ok "--pods 3000 gives 3000 pods in all" || not_ok "--pods 3000 gives 3000 pods in all (got $n)"
check "--load serves the real Trivy reports" \
	sh -c "viewer '$SANDBOX_URL/clusters/ops/apis/aquasecurity.github.io/v1alpha1/vulnerabilityreports' | grep -q pod-ubuntu-ubuntu"
if sandbox_stop; then ok "SIGTERM after --load: exit 0"; else not_ok "SIGTERM after --load: exit 0"; fi
rm -rf "$T"
tap_done
