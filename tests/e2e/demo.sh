#!/bin/sh
# make demo as a newcomer meets it: scripts/demo.sh starts the sandbox and lands in the
# console on it; q leaves the console and the sandbox stops with it.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

E2E_HOME=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-e2e-home.XXXXXX")
DEMO=$E2E_HOME/demo
E2E_EXIT=$E2E_HOME/exit
trap 'tm kill-server >/dev/null 2>&1; pkill -f "state-dir $DEMO" 2>/dev/null; rm -rf "$E2E_HOME"' EXIT
mkdir -p "$E2E_HOME/config" "$E2E_HOME/state"
{
	echo "cd '$ROOT' || exit 1"
	printf "env -i PATH='%s' TERM=tmux-256color LANG=C.UTF-8 TZ=UTC HOME='%s' " "$PATH" "$E2E_HOME"
	printf "XDG_CONFIG_HOME='%s/config' XDG_STATE_HOME='%s/state' OPSDECK_DEMO_DIR='%s' " \
		"$E2E_HOME" "$E2E_HOME" "$DEMO"
	printf "sh scripts/demo.sh '%s'\n" "$BUILD"
	echo "echo \$? >'$E2E_EXIT'"
	echo "exec sleep 3600"
} >"$E2E_HOME/run.sh"
tm start-server \; set-option -g default-terminal tmux-256color \; set-option -g status off \; \
	new-session -d -s "$E2E_SESSION" -x 80 -y 24 "sh '$E2E_HOME/run.sh'"

e2e_ok "make demo lands in the console with the sandbox's pods" e2e_ready 30
e2e_ok "...on the sandbox's current context, as its admin" e2e_wait_line 0 'ctx: nonprod +user: sandbox-admin'
e2e_ok "...and the footer points at help" e2e_wait_line 23 '<\?> help'
if pgrep -f "state-dir $DEMO" >/dev/null; then ok "...the sandbox is running"; else not_ok "...the sandbox is running"; fi
e2e_keys q
e2e_ok "q: the console exits and says the sandbox stops" e2e_wait_for "opsdeck exited (0)"
gone() {
	n=50
	while [ $n -gt 0 ]; do
		pgrep -f "state-dir $DEMO" >/dev/null || return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
e2e_ok "...and the sandbox has stopped" gone
e2e_ok "...make demo exits 0" sh -c "n=50; while [ ! -s '$E2E_EXIT' ] && [ \$n -gt 0 ]; do sleep 0.1; n=\$((n-1)); done; [ \"\$(cat '$E2E_EXIT')\" = 0 ]"
tap_done
