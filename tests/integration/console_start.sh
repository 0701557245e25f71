#!/bin/sh
# The console's start-up refusals: each bad input gets one clear message (file:line where
# there is a file) and exit status 2, before any terminal is touched.
. "$(dirname "$0")/../lib/sandbox.sh"

OPSDECK="$BUILD/opsdeck"
T=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-start.XXXXXX")
trap 'rm -rf "$T"' EXIT
export HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_STATE_HOME="$T/state"
mkdir -p "$HOME" "$XDG_CONFIG_HOME/opsdeck"

# expect_refusal "what" "message pattern" [env assignments...] -- [opsdeck args...]
expect_refusal() {
	what=$1
	pattern=$2
	shift 2
	out=$("$@" </dev/null 2>&1)
	rc=$?
	if [ $rc -eq 2 ] && printf '%s\n' "$out" | grep -q -- "$pattern"; then
		ok "$what"
	else
		not_ok "$what (exit $rc)"
		printf '%s\n' "$out" | diag
	fi
}

expect_refusal "no kubeconfig: says where it looked and suggests the sandbox" \
	"no kubeconfig found.*make demo" env KUBECONFIG="$T/none" "$OPSDECK"

printf 'apiVersion: v1\nkind: Config\ncontexts: [\n' >"$T/broken"
expect_refusal "a broken kubeconfig is named with its line" \
	"$T/broken:4:1:" env KUBECONFIG="$T/broken" "$OPSDECK"

sandbox_start
# sandbox_start set its own EXIT trap: remove this suite's directory too
trap 'sandbox_stop >/dev/null 2>&1; sandbox_clean; rm -rf "$T"' EXIT
expect_refusal "an unknown --context is refused" \
	'context "nosuch" does not exist' "$OPSDECK" --context nosuch

printf 'contexts:\n  - name: prod\n    readonly: maybe\n' >"$XDG_CONFIG_HOME/opsdeck/config.yaml"
expect_refusal "a bad config.yaml stops the console at file:line:col" \
	"config.yaml:3:5: contexts\[0\].readonly" "$OPSDECK"
rm "$XDG_CONFIG_HOME/opsdeck/config.yaml"

printf 'environments:\n  - name: dev\n    protection: maybe\n' >"$T/platform.yaml"
expect_refusal "a bad platform.yaml stops the console at file:line:col" \
	"platform.yaml:3:5: environments\[0\].protection" "$OPSDECK" --platform "$T/platform.yaml"
expect_refusal "a --platform file that does not exist is refused" \
	"$T/nope.yaml: No such file" "$OPSDECK" --platform "$T/nope.yaml"

# no terminal at all (setsid: no controlling tty either): refused, not hung
if command -v setsid >/dev/null 2>&1; then
	expect_refusal "no terminal: refused with a message" "no terminal" \
		setsid "$OPSDECK"
else
	skip "setsid not available"
fi

tap_done
