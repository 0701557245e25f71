#!/bin/sh
# Hostile server strings (tests/fixtures/hostile: escape sequences, OSC 52 and OSC 0, C1
# controls, bidi overrides, BEL, backspaces, 3000-character values) through every view:
# every byte tmux receives is captured, and none of the hostile sequences may be in it;
# the screen shows them as inert placeholders (^[ for ESC, ^G for BEL, U+FFFD for the
# bidi override). Also: the INSECURE badge for a context that skips TLS verification.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

E2E_COLS=160
E2E_ROWS=40
NS=payments-dev
POD=hostile-pod

if [ ! -x "$OPSDECK" ]; then
	echo "Bail out! $OPSDECK is not built"
	exit 1
fi
sandbox_start --load "$ROOT/tests/fixtures/hostile"
trap 'e2e_cleanup' EXIT
trap 'exit 130' INT TERM
E2E_HOME=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-e2e-home.XXXXXX")
mkdir -p "$E2E_HOME/config/opsdeck" "$E2E_HOME/state" "$E2E_HOME/cache"
BYTES="$E2E_HOME/pane.bytes"

# no_bytes PRINTF-PATTERN WHAT: the capture lacks those bytes
no_bytes() {
	if LC_ALL=C grep -qaF -- "$(printf "$1")" "$BYTES"; then
		echo "# the terminal received $2:"
		LC_ALL=C grep -aoF -- "$(printf "$1")" "$BYTES" | head -n 1 | od -c | head -n 3 | diag
		return 1
	fi
	return 0
}

# visit WHAT COMMAND [TEXT]: a : command, then waits for TEXT (default: the command)
visit() {
	e2e_keys Escape Escape
	e2e_command "$2"
	e2e_ok "$1 opens" e2e_wait_for "${3:-$2}"
	sleep 0.5
}

# the platform model: Argo CD, tenants, environments and the board have content
E2E_ENV="OPSDECK_PLATFORM=$SANDBOX_STATE/platform.yaml"
e2e_start
e2e_ok "the console starts" e2e_ready
tm pipe-pane -t "$E2E_SESSION" -o "cat >>'$BYTES'"

# the pod table, filtered to the hostile pod: its name, and the wide columns (node, image)
e2e_command "pods $NS"
e2e_ok "pods in $NS" e2e_wait_line 0 "ns: $NS"
e2e_keys /
e2e_type "$POD"
e2e_keys Enter
e2e_ok "the hostile pod is listed" e2e_wait_line 1 '[^0-9]1/[0-9]+ *$'
e2e_keys d
e2e_expect "describe shows its annotations with ESC as ^[" '^[]52;c;aGFja2Vk^G'
e2e_ok "...the clear screen shown as text" e2e_wait_for '^[[2J^[[Hcleared'
e2e_ok "...the C1 CSI shown as its 7-bit form" e2e_wait_for '^[[31mc1csi'
e2e_ok "...the bidi override as U+FFFD" e2e_wait_for "$(printf '\357\277\275')evil"
e2e_ok "...the backspaces as ^H" e2e_wait_for 'bs^H^H'
e2e_keys G
e2e_ok "...its event's message is inert too" e2e_wait_for 'Hostile'
e2e_keys Escape
e2e_keys y
# YAML shows a control character as its double-quoted escape: inert as well
e2e_ok "yaml shows the hostile annotation escaped" e2e_wait_for 'owned-title\x07 \e[5A'
e2e_ok "...and the C1 and bidi characters as \\u escapes" e2e_wait_for '\u009B31mc1csi \u009D0'
e2e_keys G
sleep 0.5
e2e_keys Escape
e2e_keys l
e2e_ok "logs of the hostile pod open" e2e_wait_for "$POD"
sleep 1
e2e_keys Escape

visit "events" "events $NS" "Hostile"
e2e_ok "...the event's message is shown inert" e2e_wait_for 'pwn^[[2J^[[H'
visit "configmaps" "configmaps $NS" "hostile-config"
e2e_keys /
e2e_type hostile-config
e2e_keys Enter
sleep 0.5
e2e_keys y
e2e_ok "the configmap's yaml shows its value escaped" e2e_wait_for '\e]0;owned-title\x07'
e2e_keys Escape
visit "contexts" "contexts" "nonprod"
visit "namespaces" "namespaces" "$NS"
visit "apps" "apps" "NAME"
e2e_keys /
e2e_type hostile-app
e2e_keys Enter
e2e_ok "...lists the hostile Argo CD app" e2e_wait_for "hostile-app"
e2e_keys Enter
e2e_ok "its detail shows the condition and operation messages inert" \
	e2e_wait_for 'pwn^[[2J^[[H'
# revisions are shown cut to 7 characters, so the hostile rest never shows
e2e_ok "...and its history row with the revision cut short" e2e_wait_for '1   rev-pwn   '
e2e_keys d
sleep 2
e2e_keys Escape Escape
visit "tenants" "tenants"
visit "environments" "environments"
visit "board" "board"
visit "promote" "promote"
visit "triage" "triage"
visit "timeline" "timeline"
visit "findings" "findings"
e2e_keys /
e2e_type hostile
e2e_keys Enter
e2e_ok "...lists the hostile pod's finding" e2e_wait_for "hostile-pod"
e2e_keys Enter
e2e_ok "...whose title is shown inert" e2e_wait_for 'pwn^[[2J^[[H'
e2e_keys Escape Escape
visit "dora" "dora"
visit "history" "history"
visit "help" "help" "keys"
sleep 0.5
tm pipe-pane -t "$E2E_SESSION"

e2e_ok "the terminal got bytes at all (the capture works)" test -s "$BYTES"
e2e_ok "no OSC 52 (clipboard) reached the terminal" no_bytes '\033]52' "OSC 52"
e2e_ok "no OSC 0 (window title)" no_bytes '\033]0;' "OSC 0"
e2e_ok "no clear screen + home in the hostile order" no_bytes '\033[2J\033[H' "ESC[2J ESC[H"
e2e_ok "no 8-bit CSI (U+009B)" no_bytes '\302\233' "U+009B"
e2e_ok "no 8-bit OSC (U+009D)" no_bytes '\302\235' "U+009D"
e2e_ok "no bidi override (U+202E)" no_bytes '\342\200\256' "U+202E"
e2e_ok "no bell" no_bytes '\007' "BEL"
e2e_stop

# ---- a context that skips TLS verification: the INSECURE badge in the header
sed 's|certificate-authority-data: .*|insecure-skip-tls-verify: true|' "$KUBECONFIG" \
	>"$E2E_HOME/kubeconfig-insecure"
chmod 600 "$E2E_HOME/kubeconfig-insecure"
KUBECONFIG="$E2E_HOME/kubeconfig-insecure"
e2e_start
e2e_ok "an insecure context: the console starts" e2e_ready
e2e_expect_line "...and the header says INSECURE" 0 '\[INSECURE\]'
e2e_stop

tap_done
