#!/bin/sh
# Bad input, table-driven (tests/bad_input/cases): every malformed file and bad argument
# gets one clear message (file:line:column where the format has them), the expected exit
# status, no crash, no sanitizer report, and nothing left half-written in the private
# config and state directories. The console cases run on a pseudo-terminal (script) and
# must be refused before curses sends a single escape sequence.
. "$(dirname "$0")/../lib/sandbox.sh"

OPSDECK="$BUILD/opsdeck"
CASES="$ROOT/tests/bad_input/cases"
FILES="$ROOT/tests/bad_input/files"
T=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-badin.XXXXXX")
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
IS_ROOT=false
[ "$(id -u)" -eq 0 ] && IS_ROOT=true

# where_for KIND: the path a file of that kind is read from in the private home
where_for() {
	case $1 in
	kubeconfig) echo "$T/home/.kube/config" ;;
	platform) echo "$T/config/opsdeck/platform.yaml" ;;
	config) echo "$T/config/opsdeck/config.yaml" ;;
	keymap) echo "$T/config/opsdeck/keymap.yaml" ;;
	theme) echo "$T/config/opsdeck/themes/dark.yaml" ;;
	dora) echo "$T/config/opsdeck/dora.yaml" ;;
	audit) echo "$T/state/opsdeck/audit.jsonl" ;;
	*) echo "" ;;
	esac
}

# fresh_home: empty XDG dirs, a valid private kubeconfig (an unreachable server), and an
# audit log and timeline with whole lines, whose bytes must survive every case
fresh_home() {
	chmod -R u+rwx "$T" 2>/dev/null
	rm -rf "${T:?}/home" "${T:?}/config" "${T:?}/state" "${T:?}/cache"
	mkdir -p "$T/home/.kube" "$T/config/opsdeck/themes" "$T/state/opsdeck" "$T/cache"
	cp "$FILES/kubeconfig-ok.yaml" "$T/home/.kube/config"
	chmod 600 "$T/home/.kube/config"
	printf '{"seed":"a whole line the case must not touch"}\n' >"$T/state/opsdeck/timeline.jsonl"
}

# place KIND CONTENT: CONTENT is a file under files/ (with @MODE to chmod it), or @dir,
# @empty, @garbage (binary bytes), @huge (a 30 MB line)
place() {
	dest=$(where_for "$1")
	[ -n "$dest" ] || return 0
	content=${2%@*}
	mode=
	case $2 in *@[0-7][0-7][0-7]*) mode=${2##*@} ;; esac
	rm -rf "$dest"
	case $content in
	"") ;;
	dir) mkdir -p "$dest" ;;
	empty) : >"$dest" ;;
	garbage) printf '\000\001\377\376\033[2J\033]52;c;aGk=\007\200\201garbage\n' >"$dest" ;;
	huge) awk 'BEGIN { printf "x: \""; for (i = 0; i < 300000; i++) printf "%0100d", i; print "\"" }' >"$dest" ;;
	*) cp "$FILES/$content" "$dest" ;;
	esac
	[ -n "$mode" ] && chmod "$mode" "$dest"
	return 0
}

# snapshot: every file under the private dirs with its checksum (modes and content)
snapshot() {
	(cd "$T" && find home config state cache -type f 2>/dev/null | sort | while read -r f; do
		if [ -r "$f" ]; then printf '%s %s\n' "$(cksum <"$f")" "$f"; else echo "unreadable $f"; fi
	done)
}

# half_written BEFORE: changed or new files that do not end in a newline, and temp files
half_written() {
	snapshot >"$T/after"
	bad=$(comm -13 "$1" "$T/after" | while read -r _ _ f; do
		[ -f "$T/$f" ] || continue
		case $f in *.tmp | *.tmp.* | *~ | */.*.[A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9]*)
			echo "temp file left: $f"; continue ;; esac
		[ -s "$T/$f" ] && [ "$(tail -c 1 "$T/$f" | od -An -c | tr -d ' ')" != '\n' ] &&
			echo "not whole lines: $f"
	done)
	[ -z "$bad" ] && return 0
	printf '%s\n' "$bad"
	return 1
}

# run_case COMMAND: runs opsdeck with the private environment; output in $T/out
run_case() {
	set -f
	# shellcheck disable=SC2086
	set -- $1
	set +f
	if [ "$1" = console ]; then
		shift
		cmd="'$OPSDECK'"
		for a in "$@"; do cmd="$cmd '$a'"; done
		# a pseudo-terminal, so a refusal is proven to come before curses starts
		(sleep 3; printf q) | env -i PATH="$PATH" TERM=xterm-256color LANG=C.UTF-8 TZ=UTC \
			HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_STATE_HOME="$T/state" \
			XDG_CACHE_HOME="$T/cache" LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
			timeout 20 script -qefc "$cmd" /dev/null >"$T/out" 2>&1
	else
		env -i PATH="$PATH" LANG=C.UTF-8 TZ=UTC HOME="$T/home" XDG_CONFIG_HOME="$T/config" \
			XDG_STATE_HOME="$T/state" XDG_CACHE_HOME="$T/cache" \
			LSAN_OPTIONS="${LSAN_OPTIONS:-}" timeout 20 "$OPSDECK" "$@" \
			</dev/null >"$T/out" 2>&1
	fi
}

# check_case NAME KIND CONTENT COMMAND EXIT REGEX
check_case() {
	name=$1 kind=$2 content=$3 command=$4 want=$5 regex=$6
	case $content in *@0[0-7][0-7]*)
		if $IS_ROOT; then skip "$name (root reads any file)"; return; fi ;;
	esac
	fresh_home
	place "$kind" "$content"
	snapshot >"$T/before"
	run_case "$command"
	rc=$?
	file=$(where_for "$kind")
	regex=$(printf '%s' "$regex" | sed "s|\\\$FILE|$file|g")
	# the console's output went through a terminal: CRLF line ends
	tr -d '\r' <"$T/out" >"$T/out.txt"
	why=
	if [ "$rc" -ge 124 ]; then why="crashed or hung (exit $rc)"
	elif grep -qE 'ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer' "$T/out.txt"; then
		why="sanitizer report"
	elif [ "$rc" -ne "$want" ]; then why="exit $rc, expected $want"
	elif ! grep -qE -- "$regex" "$T/out.txt"; then why="no message matching $regex"
	elif case $command in console*) [ "$want" -ne 0 ];; *) false;; esac &&
		LC_ALL=C grep -q "$(printf '\033')" "$T/out.txt"; then
		why="the terminal was initialised before the refusal"
	elif ! hw=$(half_written "$T/before"); then why="$hw"
	fi
	if [ -z "$why" ]; then
		ok "$name"
	else
		not_ok "$name: $why"
		LC_ALL=C tr -d '\033' <"$T/out.txt" | head -c 1500 | diag
	fi
}

if [ ! -x "$OPSDECK" ]; then
	echo "Bail out! $OPSDECK is not built"
	exit 1
fi
# the table: name | kind | content | command | exit | message regex ($FILE: the path)
while IFS= read -r line; do
	case $line in '' | '#'*) continue ;; esac
	old_ifs=$IFS
	IFS='|'
	# shellcheck disable=SC2086
	set -f; set -- $line; set +f
	IFS=$old_ifs
	trim() { printf '%s' "$1" | sed 's/^ *//; s/ *$//'; }
	check_case "$(trim "$1")" "$(trim "$2")" "$(trim "$3")" "$(trim "$4")" "$(trim "$5")" \
		"$(trim "$6")"
done <"$CASES"

# ---- TLS verification is on by default: the sandbox's server certificate checked
# against a CA that did not sign it, or the system's CAs, is refused with the reason
sandbox_start
# sandbox_start replaced the EXIT trap: stop the sandbox and remove $T both
trap 'sandbox_stop >/dev/null 2>&1; sandbox_clean; chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
tls_case() {
	what=$1 kc=$2 want=$3 regex=$4
	chmod 600 "$kc"
	out=$(env -i PATH="$PATH" HOME="$T/home" XDG_CONFIG_HOME="$T/config" \
		XDG_STATE_HOME="$T/state" KUBECONFIG="$kc" LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
		timeout 20 "$OPSDECK" get pods -n payments-dev </dev/null 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ] && printf '%s\n' "$out" | grep -qE -- "$regex"; then
		ok "$what"
	else
		not_ok "$what (exit $rc, expected $want)"
		printf '%s\n' "$out" | head -n 5 | diag
	fi
}
fresh_home
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
	-subj "/CN=not-the-sandbox-ca" -keyout "$T/other.key" -out "$T/other.crt" 2>/dev/null; then
	ca=$(base64 <"$T/other.crt" | tr -d '\n')
	sed "s|certificate-authority-data: .*|certificate-authority-data: $ca|" "$KUBECONFIG" \
		>"$T/kc-other-ca"
	tls_case "TLS: a server certificate the kubeconfig's CA did not sign is refused" \
		"$T/kc-other-ca" 1 "SSL certificate problem: unable to get local issuer certificate"
else
	skip "TLS: no openssl to make another CA"
fi
sed '/certificate-authority-data:/d' "$KUBECONFIG" >"$T/kc-no-ca"
tls_case "TLS: without a CA the system's CAs are used, and refuse the sandbox" \
	"$T/kc-no-ca" 1 "SSL certificate problem"
sed 's|certificate-authority-data: .*|insecure-skip-tls-verify: true|' "$KUBECONFIG" \
	>"$T/kc-insecure"
tls_case "TLS: insecure-skip-tls-verify connects, with a warning" "$T/kc-insecure" 0 \
	'^opsdeck: warning: context "nonprod" skips TLS verification'

tap_done
