#!/bin/sh
# A Prometheus for a running sandbox: `start STATE_DIR PORT` writes
# STATE_DIR/prometheus/prometheus.yml (scrape the sandbox's /metrics every 2 s, the
# repository's alert rules), starts /usr/bin/prometheus on 127.0.0.1:PORT with its data in
# STATE_DIR/prometheus and waits until it is ready; `stop STATE_DIR` stops it.
# Never reads stdin; the Debian package's own service is not used or touched.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
RULES=$ROOT/sandbox/prometheus/alerts.yml

usage() {
	echo "usage: scripts/prometheus.sh start STATE_DIR PORT | stop STATE_DIR" >&2
	exit 2
}

# The sandbox's base URL ("https://127.0.0.1:PORT") as host:port.
sandbox_target() {
	url=$(cat "$1/ready")
	echo "${url#https://}"
}

write_config() {
	state=$1
	cat >"$state/prometheus/prometheus.yml" <<EOC
# Written by scripts/prometheus.sh for the sandbox in $state.
global:
  scrape_interval: 2s
  evaluation_interval: 2s
rule_files:
  - $RULES
scrape_configs:
  - job_name: opsdeck-sandbox
    scheme: https
    metrics_path: /metrics
    tls_config:
      ca_file: $state/ca.crt
    static_configs:
      - targets: ['$(sandbox_target "$state")']
EOC
}

start() {
	state=$(cd "$1" && pwd)
	port=$2
	[ -s "$state/ready" ] || { echo "prometheus.sh: $state/ready missing: is the sandbox up?" >&2; exit 1; }
	[ -x "$PROMETHEUS" ] || { echo "prometheus.sh: $PROMETHEUS not found (apt-get install prometheus)" >&2; exit 1; }
	mkdir -p "$state/prometheus/data"
	write_config "$state"
	"$PROMETHEUS" --config.file="$state/prometheus/prometheus.yml" \
		--storage.tsdb.path="$state/prometheus/data" \
		--web.listen-address="127.0.0.1:$port" \
		--web.enable-lifecycle \
		</dev/null >"$state/prometheus/prometheus.log" 2>&1 &
	echo $! >"$state/prometheus/pid"
	i=0
	while ! curl -fsS "http://127.0.0.1:$port/-/ready" </dev/null >/dev/null 2>&1; do
		if ! kill -0 "$(cat "$state/prometheus/pid")" 2>/dev/null || [ $i -ge 150 ]; then
			echo "prometheus.sh: Prometheus did not become ready on 127.0.0.1:$port" >&2
			tail -n 20 "$state/prometheus/prometheus.log" >&2
			stop "$state"
			exit 1
		fi
		sleep 0.2
		i=$((i + 1))
	done
	echo "http://127.0.0.1:$port"
}

stop() {
	pidfile=$1/prometheus/pid
	[ -s "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	kill -TERM "$pid" 2>/dev/null || true
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$pid" 2>/dev/null || true
	rm -f "$pidfile"
}

case "${1:-}" in
start) [ $# -eq 3 ] || usage; start "$2" "$3" ;;
stop) [ $# -eq 2 ] || usage; stop "$2" ;;
*) usage ;;
esac
