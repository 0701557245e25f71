#!/bin/sh
# Benchmark: opsdeck against kubectl and against the raw fetch, side by side in one run on
# one sandbox with many pods. Reports ratios (never absolute pass/fail thresholds):
#   list:    `opsdeck get pods -A` vs `kubectl get pods -A` vs one curl of the whole Table
#            (wall time and peak RSS, median of N interleaved runs)
#   console: the console's resident memory holding every pod live (list + watch) vs
#            `kubectl get pods -A --watch` holding the same
# Usage: bench/pods.sh BUILD_DIR [PODS] [RUNS]
BUILD=${1:-build}
PODS=${2:-5000}
RUNS=${3:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
for tool in kubectl curl tmux /usr/bin/time; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is needed" >&2; exit 2; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-bench.XXXXXX")
SOCK=opsdeck-bench-$$
cleanup() {
	tmux -L "$SOCK" kill-server >/dev/null 2>&1
	[ -n "${KPID:-}" ] && kill "$KPID" 2>/dev/null
	[ -n "${SPID:-}" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

"$BUILD/opsdeck-sandbox" --state-dir "$T/sbx" --pods "$PODS" >"$T/sbx.out" 2>&1 &
SPID=$!
i=0
while [ ! -s "$T/sbx/ready" ]; do
	sleep 0.1
	i=$((i + 1))
	[ $i -lt 600 ] || { echo "bench: the sandbox did not start" >&2; cat "$T/sbx.out" >&2; exit 1; }
done
export KUBECONFIG="$T/sbx/kubeconfig"
CTX=$(sed -n 's/^current-context: *//p' "$KUBECONFIG" | tr -d '"')
URL=$(cat "$T/sbx/ready")/clusters/$CTX
# the raw fetch: the same Table pages opsdeck asks for, with the admin's client certificate
USER=$(kubectl config view -o jsonpath='{.contexts[?(@.name=="'"$CTX"'")].context.user}')
kubectl config view --raw -o jsonpath='{.users[?(@.name=="'"$USER"'")].user.client-certificate-data}' \
	| base64 -d >"$T/cert.pem" 2>/dev/null
kubectl config view --raw -o jsonpath='{.users[?(@.name=="'"$USER"'")].user.client-key-data}' \
	| base64 -d >"$T/key.pem" 2>/dev/null
kubectl config view --raw -o jsonpath='{.clusters[?(@.name=="'"$CTX"'")].cluster.certificate-authority-data}' \
	| base64 -d >"$T/ca.pem" 2>/dev/null
[ -s "$T/cert.pem" ] && [ -s "$T/key.pem" ] || { echo "bench: no client certificate for $USER; skipping the raw fetch" >&2; RAW=no; }
n=$("$BUILD/opsdeck" get pods -A -o name | wc -l)
echo "sandbox: $n pods in context $CTX; $RUNS interleaved runs each"

# measure NAME command...: appends "seconds kilobytes" to $T/NAME
measure() {
	name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$T/one" "$@" >/dev/null 2>&1
	cat "$T/one" >>"$T/$name"
}
for r in $(seq "$RUNS"); do
	measure opsdeck "$BUILD/opsdeck" get pods -A
	measure kubectl kubectl get pods -A
done
# the raw fetch: one curl for the whole Table in a single response (no paging), the
# least any client could do to get these rows
if [ "${RAW:-}" != no ]; then
	: >"$T/raw"
	for r in $(seq "$RUNS"); do
		measure raw curl -sS --cacert "$T/ca.pem" --cert "$T/cert.pem" --key "$T/key.pem" \
			-H 'Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json' \
			-o /dev/null "$URL/api/v1/pods"
	done
fi
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
col() { awk -v c="$2" '{print $c}' "$T/$1" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
o_t=$(col opsdeck 1) k_t=$(col kubectl 1) o_m=$(col opsdeck 2) k_m=$(col kubectl 2)
echo
echo "list all pods (median):      time      peak RSS"
printf '  opsdeck get pods -A     %6ss  %8s KiB\n' "$o_t" "$o_m"
printf '  kubectl get pods -A     %6ss  %8s KiB\n' "$k_t" "$k_m"
if [ "${RAW:-}" != no ]; then
	r_t=$(col raw 1)
	r_m=$(col raw 2)
	printf '  curl, the whole Table   %6ss  %8s KiB  (the raw fetch)\n' "$r_t" "$r_m"
	echo "  ratio opsdeck/raw fetch: time $(ratio "$o_t" "$r_t"), memory $(ratio "$o_m" "$r_m")"
fi
echo "  ratio opsdeck/kubectl: time $(ratio "$o_t" "$k_t"), memory $(ratio "$o_m" "$k_m")"

# the console holding every pod live, against kubectl watching every pod
tmux -L "$SOCK" -f /dev/null new-session -d -x 200 -y 50 \
	"env TERM=tmux-256color LANG=C.UTF-8 HOME='$T' XDG_CONFIG_HOME='$T/c' XDG_STATE_HOME='$T/s' KUBECONFIG='$KUBECONFIG' '$BUILD/opsdeck'"
i=0
until tmux -L "$SOCK" capture-pane -p | sed -n 2p | grep -q " $n *\$"; do
	sleep 0.2
	i=$((i + 1))
	[ $i -lt 300 ] || { echo "bench: the console did not show $n pods" >&2; tmux -L "$SOCK" capture-pane -p | head -3 >&2; exit 1; }
done
sleep 1
CPID=$(tmux -L "$SOCK" list-panes -F '#{pane_pid}')
CPID=$(pgrep -P "$CPID" opsdeck || echo "$CPID")
c_m=$(awk '/VmRSS/ {print $2}' "/proc/$CPID/status")
: >"$T/watch.out"
kubectl get pods -A --watch >"$T/watch.out" 2>&1 &
KPID=$!
i=0
while [ "$(wc -l <"$T/watch.out")" -le "$n" ] && [ $i -lt 300 ]; do sleep 0.2; i=$((i + 1)); done
sleep 1
w_m=$(awk '/VmRSS/ {print $2}' "/proc/$KPID/status")
echo
echo "holding every pod live (list + watch), resident memory:"
printf '  opsdeck console          %8s KiB\n' "$c_m"
printf '  kubectl get -A --watch   %8s KiB\n' "$w_m"
echo "  ratio console/kubectl watch: $(ratio "$c_m" "$w_m")"
