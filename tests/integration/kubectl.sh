#!/bin/sh
# The real kubectl against opsdeck-sandbox: the sandbox must be a faithful stand-in.
# Skipped, with a message, where no kubectl is installed.
. "$(dirname "$0")/../lib/sandbox.sh"

if ! command -v kubectl >/dev/null 2>&1; then
	skip "kubectl is not installed: the kubectl suite did not run"
	tap_done
	exit 0
fi

sandbox_start
K="kubectl --request-timeout=20s"
CTX=$($K config current-context)
VIEWER="$CTX-viewer"
T=$SANDBOX_STATE

# A running deployment of the current context to act on.
$K get deploy -A -o jsonpath='{range .items[*]}{.metadata.namespace}{" "}{.metadata.name}{"\n"}{end}' \
	>"$T/deploys" 2>&1
# uat's Argo CD apps do not sync by themselves: in dev and sit, automated sync would
# put back what `set image` changes before `rollout undo` runs when the machine is slow,
# and undo would then return to the image set here (seen on a loaded CI machine).
{ grep -- '-uat ' "$T/deploys"; cat "$T/deploys"; } | head -n 1 >"$T/deploy"
read -r NS DEPLOY <"$T/deploy"
SEL=$($K get deploy -n "$NS" "$DEPLOY" -o jsonpath='{.spec.selector.matchLabels}' 2>/dev/null |
	sed 's/[{}"]//g; s/:/=/g')
pods_of() { $K get pods -n "$NS" -l "$SEL" -o name; }

check "get pods -A lists pods in several namespaces" \
	sh -c "$K get pods -A --no-headers | awk '{print \$1}' | sort -u | wc -l | grep -qv '^[01]\$'"
check "get pods -A has kubectl's columns" \
	sh -c "$K get pods -A | head -n 1 | grep -q 'NAMESPACE *NAME *READY *STATUS *RESTARTS *AGE'"
check "get deploy -o wide shows containers, images and selector" \
	sh -c "$K get deploy -n $NS -o wide | head -n 1 | grep -q 'CONTAINERS *IMAGES *SELECTOR'"
check "get nodes" sh -c "$K get nodes --no-headers | grep -q Ready"
check "get applications.argoproj.io -A" \
	sh -c "$K --context ops get applications.argoproj.io -A --no-headers | grep -q ."

POD=$(pods_of | head -n 1 | cut -d/ -f2)
check "describe pod shows the pod and its events section" \
	sh -c "$K describe pod -n $NS $POD | grep -q '^Name: *$POD' && $K describe pod -n $NS $POD | grep -q '^Events:'"
CONTAINER=$($K get pod -n "$NS" "$POD" -o jsonpath='{.spec.containers[0].name}')
check "logs prints the container's lines" \
	sh -c "$K logs -n $NS $POD -c $CONTAINER --tail=5 | wc -l | grep -qx 5"
timeout 5 $K logs -f -n "$NS" "$POD" -c "$CONTAINER" --tail=1 >"$T/follow" 2>&1
rc=$?
if [ "$rc" -eq 124 ] && [ "$(wc -l <"$T/follow")" -ge 2 ]; then
	ok "logs -f keeps streaming new lines"
else
	not_ok "logs -f keeps streaming new lines (exit $rc, $(wc -l <"$T/follow") lines)"
	diag <"$T/follow"
fi

# get -w sees a change made meanwhile: scale up and watch the new pod appear.
$K get pods -n "$NS" -w --output-watch-events >"$T/watch" 2>&1 &
WATCH=$!
sleep 1
$K scale deploy -n "$NS" "$DEPLOY" --replicas=4 >/dev/null 2>&1
eventually 20 "get pods -w sees the pods a scale-up adds" \
	sh -c "grep -c ADDED '$T/watch' | awk -v n=\$(pods_of | wc -l) '{exit !(\$1 >= n)}' && grep -q MODIFIED '$T/watch'"
kill "$WATCH" 2>/dev/null
eventually 30 "scale to 4 gives 4 running pods" \
	sh -c "$K get pods -n $NS -l $SEL --no-headers | grep -c Running | grep -qx 4"

REV0=$($K get deploy -n "$NS" "$DEPLOY" -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')
check "rollout restart" $K rollout restart deploy -n "$NS" "$DEPLOY"
check "rollout status waits for the restart to finish" \
	$K rollout status deploy -n "$NS" "$DEPLOY" --timeout=60s
REV1=$($K get deploy -n "$NS" "$DEPLOY" -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')
if [ -n "$REV0" ] && [ "$REV1" -gt "$REV0" ] 2>/dev/null; then
	ok "restart rolled a new revision ($REV0 -> $REV1)"
else
	not_ok "restart rolled a new revision (before '$REV0', after '$REV1')"
fi
IMG0=$($K get deploy -n "$NS" "$DEPLOY" -o jsonpath='{.spec.template.spec.containers[0].image}')
check "set image" $K set image deploy -n "$NS" "$DEPLOY" "$CONTAINER=registry.example.com/test/next:9.9.9"
check "rollout status after set image" $K rollout status deploy -n "$NS" "$DEPLOY" --timeout=60s
check "rollout undo" $K rollout undo deploy -n "$NS" "$DEPLOY"
check "rollout status after undo" $K rollout status deploy -n "$NS" "$DEPLOY" --timeout=60s
IMG2=$($K get deploy -n "$NS" "$DEPLOY" -o jsonpath='{.spec.template.spec.containers[0].image}')
if [ "$IMG2" = "$IMG0" ]; then
	ok "undo brought the previous image back ($IMG0)"
else
	not_ok "undo brought the previous image back (want $IMG0, have $IMG2)"
fi

VICTIM=$(pods_of | head -n 1 | cut -d/ -f2)
check "delete pod" $K delete pod -n "$NS" "$VICTIM" --wait=true --timeout=30s
eventually 30 "the replica set replaces a deleted pod" \
	sh -c "! $K get pods -n $NS --no-headers | grep -q '^$VICTIM ' && $K get pods -n $NS -l $SEL --no-headers | grep -c Running | grep -qx 4"

check "auth can-i: the admin may delete pods" sh -c "$K auth can-i delete pods -n $NS | grep -qx yes"
if out=$($K --context "$VIEWER" auth can-i delete pods -n "$NS" 2>&1); then
	not_ok "auth can-i: the viewer may not delete pods (said: $out)"
else
	printf '%s\n' "$out" | grep -qx no && ok "auth can-i: the viewer may not delete pods" ||
		not_ok "auth can-i: the viewer may not delete pods (said: $out)"
fi
check "auth can-i: the viewer may list pods" \
	sh -c "$K --context $VIEWER auth can-i list pods -n $NS | grep -qx yes"
check "auth whoami names the viewer" \
	sh -c "$K --context $VIEWER auth whoami | grep -q sandbox-viewer"

VPOD=$(pods_of | head -n 1 | cut -d/ -f2)
if out=$($K --context "$VIEWER" delete pod -n "$NS" "$VPOD" 2>&1); then
	not_ok "a viewer cannot delete a pod (it could)"
else
	printf '%s\n' "$out" | grep -q 'forbidden: User "sandbox-viewer" cannot delete resource "pods"' &&
		ok "a viewer cannot delete a pod: Forbidden, worded as Kubernetes words it" ||
		{ not_ok "a viewer cannot delete a pod (unexpected error)"; printf '%s\n' "$out" | diag; }
fi
check "the pod the viewer tried to delete is still there" $K get pod -n "$NS" "$VPOD"
if out=$($K --context "$VIEWER" scale deploy -n "$NS" "$DEPLOY" --replicas=1 2>&1); then
	not_ok "a viewer cannot scale"
else
	ok "a viewer cannot scale"
fi
check "requests.log records the viewer's refused writes with 403" \
	sh -c "grep 'sandbox-viewer' '$T/requests.log' | grep ' DELETE ' | grep -q ' 403\$' && grep 'sandbox-viewer' '$T/requests.log' | grep -q 'PATCH .*/scale.* 403\$'"
check "requests.log shows no write by the viewer that succeeded" \
	sh -c "! grep 'sandbox-viewer' '$T/requests.log' | grep -E ' (DELETE|PATCH|PUT) ' | grep -qv ' 403\$'"

cat >"$T/cm.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: suite-config
  namespace: $NS
data:
  greeting: hello
YAML
check "create -f" $K create -f "$T/cm.yaml"
sed 's/hello/bonjour/' "$T/cm.yaml" >"$T/cm2.yaml"
check "apply -f updates it" $K apply -f "$T/cm2.yaml"
check "the applied change is stored" \
	sh -c "$K get cm -n $NS suite-config -o jsonpath='{.data.greeting}' | grep -qx bonjour"
check "edit (EDITOR a sed script)" \
	env EDITOR="sed -i s/bonjour/hallo/" $K edit cm -n "$NS" suite-config
check "the edit is stored" \
	sh -c "$K get cm -n $NS suite-config -o jsonpath='{.data.greeting}' | grep -qx hallo"

if sandbox_stop; then ok "the sandbox stops cleanly on SIGTERM"; else not_ok "the sandbox stops cleanly on SIGTERM"; fi
tap_done
