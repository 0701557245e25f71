#!/bin/sh
# Benchmark: logs at a high rate, side by side in one run on one sandbox. Reports figures
# and ratios (never pass/fail):
#   batch:   `opsdeck logs POD --since 30m` vs `kubectl logs POD --since=30m` vs one curl
#            of the same log (wall time, peak RSS, lines per second; median of N runs)
#   console: the logs view following two containers that write 1,000 lines a second each,
#            after a backfill of the last hour (7.2 million lines through a 100,000-line
#            ring): lines per second ingested and shown, and resident memory sampled while
#            it keeps following, which must stay flat.
# Usage: bench/logs.sh BUILD_DIR [FOLLOW_SECONDS] [RUNS]
BUILD=${1:-build}
FOLLOW=${2:-60}
RUNS=${3:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
for tool in kubectl curl tmux /usr/bin/time; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is needed" >&2; exit 2; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-bench-logs.XXXXXX")
SOCK=opsdeck-bench-logs-$$
cleanup() {
	tmux -L "$SOCK" kill-server >/dev/null 2>&1
	[ -n "${SPID:-}" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

"$BUILD/opsdeck-sandbox" --state-dir "$T/sbx" >"$T/sbx.out" 2>&1 &
SPID=$!
i=0
while [ ! -s "$T/sbx/ready" ]; do
	sleep 0.1
	i=$((i + 1))
	[ $i -lt 600 ] || { echo "bench: the sandbox did not start" >&2; cat "$T/sbx.out" >&2; exit 1; }
done
export KUBECONFIG="$T/sbx/kubeconfig"
CTX=$(sed -n 's/^current-context: *//p' "$KUBECONFIG" | tr -d '"')
NS=payments-dev
# payments-api runs a log-shipper beside it: two containers, JSON lines of ~250 bytes;
# one line a millisecond each from now on (the sandbox generates the log from the pod's
# annotation, so the last hour holds 3.6 million lines per container)
POD=$(kubectl get pods -n "$NS" -l app.kubernetes.io/name=payments-api -o name | head -n 1)
POD=${POD#pod/}
kubectl annotate pod "$POD" -n "$NS" sandbox.opsdeck.dev/log-interval-ms=1 --overwrite >/dev/null
URL=$(cat "$T/sbx/ready")/clusters/$CTX
USER=$(kubectl config view -o jsonpath='{.contexts[?(@.name=="'"$CTX"'")].context.user}')
kubectl config view --raw -o jsonpath='{.users[?(@.name=="'"$USER"'")].user.client-certificate-data}' \
	| base64 -d >"$T/cert.pem" 2>/dev/null
kubectl config view --raw -o jsonpath='{.users[?(@.name=="'"$USER"'")].user.client-key-data}' \
	| base64 -d >"$T/key.pem" 2>/dev/null
kubectl config view --raw -o jsonpath='{.clusters[?(@.name=="'"$CTX"'")].cluster.certificate-authority-data}' \
	| base64 -d >"$T/ca.pem" 2>/dev/null
echo "sandbox: pod $POD in $NS ($CTX), 1,000 lines/s per container; $RUNS runs each"

# measure NAME command...: appends "seconds kilobytes lines" to $T/NAME
measure() {
	name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$T/one" "$@" >"$T/out" 2>/dev/null
	echo "$(cat "$T/one") $(wc -l <"$T/out")" >>"$T/$name"
}
for r in $(seq "$RUNS"); do
	measure opsdeck "$BUILD/opsdeck" logs "$POD" -n "$NS" -c payments-api --since 30m
	measure kubectl kubectl logs "$POD" -n "$NS" -c payments-api --since=30m
	measure raw curl -sS --cacert "$T/ca.pem" --cert "$T/cert.pem" --key "$T/key.pem" \
		"$URL/api/v1/namespaces/$NS/pods/$POD/log?container=payments-api&sinceSeconds=1800"
done
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
col() { awk -v c="$2" '{print $c}' "$T/$1" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "n/a" }'; }
o_t=$(col opsdeck 1) k_t=$(col kubectl 1) r_t=$(col raw 1)
o_m=$(col opsdeck 2) k_m=$(col kubectl 2) r_m=$(col raw 2)
lines=$(col opsdeck 3)
echo
echo "batch, the last 30 minutes of one container ($lines lines, median):"
echo "                              time      peak RSS     lines/s"
printf '  opsdeck logs             %6ss  %8s KiB  %10s\n' "$o_t" "$o_m" "$(rate "$lines" "$o_t")"
printf '  kubectl logs             %6ss  %8s KiB  %10s\n' "$k_t" "$k_m" "$(rate "$(col kubectl 3)" "$k_t")"
printf '  curl (the raw fetch)     %6ss  %8s KiB  %10s\n' "$r_t" "$r_m" "$(rate "$(col raw 3)" "$r_t")"
echo "  ratio opsdeck/kubectl: time $(ratio "$o_t" "$k_t"), memory $(ratio "$o_m" "$k_m")"
echo "  ratio opsdeck/raw fetch: time $(ratio "$o_t" "$r_t"), memory $(ratio "$o_m" "$r_m")"

# the console: pods of the namespace, the pod, l, since 1h (4), tail everything in it (T)
tmux -L "$SOCK" -f /dev/null new-session -d -x 120 -y 40 \
	"env TERM=tmux-256color LANG=C.UTF-8 HOME='$T' XDG_CONFIG_HOME='$T/c' XDG_STATE_HOME='$T/s' KUBECONFIG='$KUBECONFIG' '$BUILD/opsdeck'"
screen_line() { tmux -L "$SOCK" capture-pane -p | sed -n "${1}p"; }
wait_for() {
	i=0
	until tmux -L "$SOCK" capture-pane -p | grep -q -- "$1"; do
		sleep 0.2
		i=$((i + 1))
		[ $i -lt 150 ] || { echo "bench: the console never showed \"$1\"" >&2; tmux -L "$SOCK" capture-pane -p >&2; exit 1; }
	done
}
wait_for connected
tmux -L "$SOCK" send-keys ":pods $NS" Enter
wait_for "$POD"
tmux -L "$SOCK" send-keys "/$POD" Enter
sleep 0.5
tmux -L "$SOCK" send-keys l
wait_for "streaming"
CPID=$(tmux -L "$SOCK" list-panes -F '#{pane_pid}')
CPID=$(pgrep -P "$CPID" opsdeck || echo "$CPID")
tmux -L "$SOCK" send-keys 4
sleep 0.5
tmux -L "$SOCK" send-keys T
sleep 0.3
tmux -L "$SOCK" send-keys C-u 3600000 Enter
start=$(date +%s.%N)
# "100,000 lines (1,234,567 dropped)": kept + dropped is every line ingested
ingested() { screen_line 2 | sed -n 's/.* \([0-9,]*\) lines\( (\([0-9,]*\) dropped)\)\{0,1\}.*/\1 \3/p' | tr -d , | awk '{print $1 + $2}'; }
backfill=7200000
i=0
while [ "$(ingested)" -lt "$backfill" ] 2>/dev/null && [ $i -lt 600 ]; do sleep 0.5; i=$((i + 1)); done
end=$(date +%s.%N)
got=$(ingested)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
rss0=$(awk '/VmRSS/ {print $2}' "/proc/$CPID/status")
echo
echo "console logs view, two containers, the last hour then following:"
echo "  backfill: $got lines ingested and shown in ${secs}s: $(rate "$got" "$secs") lines/s (ring of 100,000 lines)"
echo "  resident memory while following ($FOLLOW s, 2,000 new lines/s):"
printf '    %5ss  %8s KiB  %s lines\n' 0 "$rss0" "$got"
step=$((FOLLOW / 6))
[ "$step" -ge 1 ] || step=1
t=0
while [ "$t" -lt "$FOLLOW" ]; do
	sleep "$step"
	t=$((t + step))
	printf '    %5ss  %8s KiB  %s lines\n' "$t" "$(awk '/VmRSS/ {print $2}' "/proc/$CPID/status")" "$(ingested)"
done
rss1=$(awk '/VmRSS/ {print $2}' "/proc/$CPID/status")
echo "  ratio resident memory end/start: $(ratio "$rss1" "$rss0")"
