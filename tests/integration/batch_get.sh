#!/bin/sh
# opsdeck get against the sandbox: the same rows as kubectl, kubectl's layout and
# messages, every output format, exit codes per DESIGN.md, a viewer that changes nothing.
. "$(dirname "$0")/../lib/sandbox.sh"

sandbox_start
OPSDECK="$BUILD/opsdeck"
T=$SANDBOX_STATE
CTX=$(sed -n 's/^current-context: *//p' "$KUBECONFIG" | tr -d '"')

"$OPSDECK" get pods -A -o name >"$T/ours" 2>"$T/ours.err"
rc=$?
if [ $rc -eq 0 ] && [ "$(wc -l <"$T/ours")" -ge 20 ]; then
	ok "get pods -A -o name lists the pods ($(wc -l <"$T/ours"))"
else
	not_ok "get pods -A -o name lists the pods (exit $rc)"
	diag <"$T/ours.err"
fi
check "every name is pod/NAME" sh -c "! grep -qv '^pod/[a-z0-9.-]*\$' '$T/ours'"

if command -v kubectl >/dev/null 2>&1; then
	kubectl get pods -A -o name >"$T/theirs" 2>&1
	if cmp -s "$T/ours" "$T/theirs"; then
		ok "get pods -A -o name lists exactly what kubectl lists"
	else
		not_ok "get pods -A -o name lists exactly what kubectl lists"
		diff "$T/ours" "$T/theirs" | head -n 20 | diag
	fi
	for args in "get pods -A" "get deploy -A -o wide" "get nodes" "get ns" \
		"--context ops get applications.argoproj.io -A" "get svc -A" "get crd"; do
		# the AGE column may tick between the two runs: compare all but AGE-like cells
		# shellcheck disable=SC2086
		"$OPSDECK" $args 2>&1 | sed -E 's/[0-9]+[smhdy]([0-9]+[smhd])?( ago)?/AGE/g' >"$T/o"
		# shellcheck disable=SC2086
		kubectl $args 2>&1 | sed -E 's/[0-9]+[smhdy]([0-9]+[smhd])?( ago)?/AGE/g' >"$T/k"
		if cmp -s "$T/o" "$T/k"; then
			ok "opsdeck $args prints what kubectl prints"
		else
			not_ok "opsdeck $args prints what kubectl prints"
			diff "$T/o" "$T/k" | head -n 10 | diag
		fi
	done
else
	skip "kubectl is not installed: no side-by-side comparison"
fi

NS=$("$OPSDECK" get deploy -A -o json | sed -n 's/.*"namespace": "\(.*\)".*/\1/p' | head -n 1)
check "get -o json prints an array of objects keyed by column" \
	sh -c "'$OPSDECK' get deploy -n '$NS' -o json | python3 -c 'import json,sys; a=json.load(sys.stdin); assert a and all(\"name\" in r and \"ready\" in r and \"up-to-date\" not in r and \"up_to_date\" in r for r in a)'"
check "get -l selects by label" \
	sh -c "'$OPSDECK' get pods -A -l 'platform.opsdeck.dev/environment=dev' -o name | grep -q . && [ \$('$OPSDECK' get pods -A -l 'platform.opsdeck.dev/environment=dev' -o name | wc -l) -lt \$(wc -l <'$T/ours') ]"
check "get --field-selector status.phase=Pending" \
	sh -c "'$OPSDECK' get pods -A --field-selector=status.phase=Pending | grep -q Pending && ! '$OPSDECK' get pods -A --field-selector=status.phase=Pending | grep -q Running"
POD=$("$OPSDECK" get pods -n "$NS" -o name | head -n 1 | cut -d/ -f2)
check "get pod NAME prints one row" \
	sh -c "[ \$('$OPSDECK' get pod '$POD' -n '$NS' | wc -l) -eq 2 ]"
check "global flags after the subcommand: get pods --context CTX-viewer --readonly" \
	sh -c "'$OPSDECK' get pods -n '$NS' --context '$CTX-viewer' --readonly | grep -q '$POD'"

expect_exit() {
	want=$1
	what=$2
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq "$want" ]; then
		ok "$what (exit $rc: $(printf '%s' "$out" | head -n 1))"
	else
		not_ok "$what (exit $rc, want $want)"
		printf '%s\n' "$out" | diag
	fi
}
expect_exit 1 "an unknown resource type fails" "$OPSDECK" get frobnicators
expect_exit 1 "a missing object fails with NotFound" "$OPSDECK" get pod no-such-pod -n "$NS"
expect_exit 0 "an empty namespace is not a failure" "$OPSDECK" get pods -n default
expect_exit 2 "an unknown flag is a usage error" "$OPSDECK" get pods --frobnicate
expect_exit 2 "an unknown context is a configuration error" "$OPSDECK" get pods --context nope
expect_exit 2 "a missing kubeconfig is a configuration error" \
	"$OPSDECK" get pods --kubeconfig "$T/none.yaml"
printf 'apiVersion: v1\nclusters: [\n' >"$T/bad.yaml"
expect_exit 2 "a malformed kubeconfig is a configuration error" \
	"$OPSDECK" get pods --kubeconfig "$T/bad.yaml"
check "the malformed kubeconfig's message names file:line:col" \
	sh -c "'$OPSDECK' get pods --kubeconfig '$T/bad.yaml' 2>&1 | grep -q 'bad.yaml:[0-9]*:[0-9]*:'"
check "No resources found, as kubectl says it" \
	sh -c "'$OPSDECK' get pods -n default 2>&1 | grep -qx 'No resources found in default namespace.'"
check "a viewer's reads show in requests.log as the viewer" \
	sh -c "grep -q 'sandbox-viewer GET .*/pods' '$T/requests.log'"

# Other credential forms against the real server: an exec plugin and a tokenFile, each
# handing out the viewer's token (made from the sandbox's own kubeconfig).
TOKEN=$(sed -n 's/^ *token: *//p' "$KUBECONFIG" | head -n 1)
CA=$(sed -n 's/^ *certificate-authority-data: *//p' "$KUBECONFIG" | head -n 1)
printf '%s' "$TOKEN" >"$T/token"
cat >"$T/plugin.sh" <<PLUGIN
#!/bin/sh
echo "\$KUBERNETES_EXEC_INFO" | grep -q '"apiVersion":"client.authentication.k8s.io/v1"' || exit 3
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$TOKEN"
PLUGIN
chmod +x "$T/plugin.sh"
cat >"$T/creds.yaml" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "$SANDBOX_URL/clusters/nonprod", certificate-authority-data: "$CA"}
users:
- name: by-exec
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./plugin.sh, interactiveMode: Never}
- name: by-file
  user: {tokenFile: token}
contexts:
- {name: exec, context: {cluster: c, user: by-exec}}
- {name: file, context: {cluster: c, user: by-file}}
current-context: exec
YAML
check "an exec credential plugin (v1) authenticates" \
	sh -c "'$OPSDECK' get ns --kubeconfig '$T/creds.yaml' -o name | grep -qx 'namespace/default'"
check "a tokenFile (relative to the kubeconfig) authenticates" \
	sh -c "'$OPSDECK' get ns --kubeconfig '$T/creds.yaml' --context file -o name | grep -qx 'namespace/default'"

if sandbox_stop; then ok "the sandbox stops cleanly"; else not_ok "the sandbox stops cleanly"; fi
tap_done
