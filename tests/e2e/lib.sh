# Shared by the end-to-end suites (sourced after tests/lib/sandbox.sh): the console in a
# detached tmux session on a private socket, with a pinned environment, driven by keys
# and read back as text.
: "${E2E_COLS:=80}"
: "${E2E_ROWS:=24}"
: "${E2E_TIMEOUT:=10}"
E2E_SOCK=opsdeck-e2e-$$
E2E_SESSION=e2e
E2E_TERM=tmux-256color
E2E_LANG=C.UTF-8
E2E_ENV=""
E2E_HOME=""
# E2E_OPSDECK=PATH runs the suites against another binary (e.g. an ASan build)
OPSDECK=${E2E_OPSDECK:-$BUILD/opsdeck}

tm() { tmux -L "$E2E_SOCK" -f /dev/null "$@"; }

# Everything a suite started goes on exit: the tmux server, the sandbox, the temp home.
e2e_cleanup() {
	tmux -L "$E2E_SOCK" -f /dev/null kill-server >/dev/null 2>&1
	sandbox_stop >/dev/null 2>&1
	[ -n "$E2E_HOME" ] && rm -rf "$E2E_HOME"
	SANDBOX_KEEP=${SANDBOX_KEEP:-${E2E_KEEP:-}} sandbox_clean
}

# e2e_init: the sandbox plus a private home with empty XDG directories; one per suite.
e2e_init() {
	if [ ! -x "$OPSDECK" ]; then
		echo "Bail out! $OPSDECK is not built"
		exit 1
	fi
	sandbox_start
	trap 'e2e_cleanup' EXIT
	trap 'exit 130' INT TERM
	E2E_HOME=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-e2e-home.XXXXXX")
	mkdir -p "$E2E_HOME/config/opsdeck" "$E2E_HOME/state" "$E2E_HOME/cache"
}

# e2e_config YAML: writes $XDG_CONFIG_HOME/opsdeck/config.yaml for the next e2e_start.
e2e_config() {
	printf '%s\n' "$1" >"$E2E_HOME/config/opsdeck/config.yaml"
}

# e2e_start [opsdeck args...]: the console in a fresh tmux server, E2E_COLS x E2E_ROWS,
# TERM=$E2E_TERM, LANG=$E2E_LANG, TZ=UTC, plus "VAR=value" words from $E2E_ENV. The pane
# runs a shell that starts opsdeck and, once it exits, prints a marker and waits, so the
# restored terminal can be read back.
e2e_start() {
	tm kill-server >/dev/null 2>&1
	E2E_EXIT="$E2E_HOME/exit"
	rm -f "$E2E_EXIT"
	{
		echo "cd '$ROOT' || exit 1"
		printf "env -i PATH='%s' TERM='%s' LANG='%s' TZ=UTC HOME='%s' " \
			"$PATH" "$E2E_TERM" "$E2E_LANG" "$E2E_HOME"
		printf "XDG_CONFIG_HOME='%s/config' XDG_STATE_HOME='%s/state' " "$E2E_HOME" "$E2E_HOME"
		printf "XDG_CACHE_HOME='%s/cache' KUBECONFIG='%s' %s '%s'" \
			"$E2E_HOME" "$KUBECONFIG" "$E2E_ENV" "$OPSDECK"
		for a in "$@"; do
			printf " '%s'" "$a"
		done
		printf " 2>'%s/stderr'\n" "$E2E_HOME"
		echo "echo \$? >'$E2E_EXIT'"
		echo "echo E2E-SHELL-PROMPT"
		echo "exec sleep 3600"
	} >"$E2E_HOME/run.sh"
	# one tmux command line: the terminal type must be set before the pane exists, and
	# no status line may take a row
	tm start-server \; set-option -g default-terminal "$E2E_TERM" \; \
		set-option -g status off \; \
		new-session -d -s "$E2E_SESSION" -x "$E2E_COLS" -y "$E2E_ROWS" \
		"sh '$E2E_HOME/run.sh'" 2>"$E2E_HOME/tmux.err" || {
		echo "Bail out! tmux did not start"
		diag <"$E2E_HOME/tmux.err"
		exit 1
	}
}

# e2e_keys KEYS...: tmux send-keys (tmux key names: Enter Escape Tab C-f Up ...).
e2e_keys() {
	tm send-keys -t "$E2E_SESSION" "$@"
}

# e2e_type TEXT: literal text.
e2e_type() {
	tm send-keys -t "$E2E_SESSION" -l -- "$1"
}

e2e_screen() {
	tm capture-pane -p -t "$E2E_SESSION" "$@" 2>/dev/null
}

# e2e_line N: row N of the screen (0 is the header).
e2e_line() {
	e2e_screen | sed -n "$(($1 + 1))p"
}

e2e_rows() { tm display-message -p -t "$E2E_SESSION" '#{pane_height}' 2>/dev/null; }

# e2e_has TEXT: the screen shows TEXT now (fixed string).
e2e_has() {
	e2e_screen | grep -qF -- "$1"
}

# e2e_wait_for TEXT [timeout]: polls every 0.1 s until the screen shows TEXT; on timeout
# prints the screen as TAP diagnostics and fails.
e2e_wait_for() {
	n=$((${2:-$E2E_TIMEOUT} * 10))
	while [ "$n" -gt 0 ]; do
		e2e_exited && n=1 # opsdeck is gone: one last look
		e2e_has "$1" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	echo "# waited for: $1"
	e2e_dump
	return 1
}

# e2e_wait_gone TEXT [timeout]: until the screen no longer shows TEXT.
e2e_wait_gone() {
	n=$((${2:-$E2E_TIMEOUT} * 10))
	while [ "$n" -gt 0 ]; do
		e2e_exited && n=1 # opsdeck is gone: one last look
		e2e_has "$1" || return 0
		sleep 0.1
		n=$((n - 1))
	done
	echo "# waited for this to go: $1"
	e2e_dump
	return 1
}

# e2e_wait_line N REGEX [timeout]: until row N matches the extended regex.
e2e_wait_line() {
	n=$((${3:-$E2E_TIMEOUT} * 10))
	while [ "$n" -gt 0 ]; do
		e2e_exited && n=1 # opsdeck is gone: one last look
		e2e_line "$1" | grep -qE -- "$2" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	echo "# waited for row $1 to match: $2"
	e2e_dump
	return 1
}

# e2e_wait_stable: until two captures 0.3 s apart are equal (the screen has settled).
e2e_wait_stable() {
	n=$((${1:-$E2E_TIMEOUT} * 10 / 3))
	prev=$(e2e_screen)
	while [ "$n" -gt 0 ]; do
		sleep 0.3
		cur=$(e2e_screen)
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
		n=$((n - 1))
	done
	return 1
}

# e2e_dump: the screen (and opsdeck's stderr, if any) as TAP diagnostics.
e2e_dump() {
	echo "# screen:"
	e2e_screen 2>/dev/null | sed 's/^/#   |/'
	if [ -s "$E2E_HOME/stderr" ]; then
		echo "# stderr:"
		tail -n 10 "$E2E_HOME/stderr" | diag
	fi
}

# e2e_ok "what" command...: ok when the command succeeds; it prints its own diagnostics.
e2e_ok() {
	what=$1
	shift
	if out=$("$@" 2>&1); then
		ok "$what"
	else
		not_ok "$what"
		printf '%s\n' "$out" | sed -n '1,40p'
	fi
}

# e2e_exited: opsdeck has exited (the pane's shell wrote its status).
e2e_exited() {
	[ -s "$E2E_EXIT" ]
}

# e2e_ready [timeout]: waits for the first table: a row count at the crumbs' right side
# ("N/M" or a bare count) and the first data row under the column header. (The header's
# connection state is asserted by the suites, not waited for here.)
e2e_ready() {
	e2e_wait_line 1 '[0-9]+(/[0-9]+)? *$' "${1:-$E2E_TIMEOUT}" &&
		e2e_wait_line 3 '[a-z0-9]' "${1:-$E2E_TIMEOUT}"
}

# e2e_stop: q, waits for opsdeck to exit, then the tmux server goes.
e2e_stop() {
	if ! e2e_exited; then
		e2e_keys Escape
		sleep 0.1
		e2e_keys q
		n=50
		while ! e2e_exited && [ $n -gt 0 ]; do
			sleep 0.1
			n=$((n - 1))
		done
	fi
	tm kill-server >/dev/null 2>&1
	e2e_exited
}

# e2e_table_rows: the table's data rows (between the column header, row 2, and the
# message line, rows-2), blank lines dropped.
e2e_table_rows() {
	r=$(e2e_rows)
	e2e_screen | sed -n "4,$((r - 2))p" | grep -v '^ *$'
}

# e2e_count: the row count at the crumbs' right side ("3/40" gives 3; "40" gives 40).
e2e_count() {
	e2e_line 1 | sed -nE 's/.*[^0-9]([0-9]+)(\/[0-9]+)? *$/\1/p'
}

# e2e_total: the M of "N/M" (or the bare count).
e2e_total() {
	e2e_line 1 | sed -nE 's/.*[^0-9/]([0-9]+\/)?([0-9]+) *$/\2/p'
}

# e2e_selected: the selected row, found by its reverse/standout attribute in an escaped
# capture (the only table row drawn with SGR 7, or with the selection theme's colours).
e2e_selected_line() {
	r=$(e2e_rows)
	e2e_screen -e | sed -n "4,$((r - 2))p" | grep -nE '\[(0?;)?([0-9;]*;)?7m|\[7;|48;5;' |
		head -n 1 | cut -d: -f1
}

# e2e_kubectl ARGS...: the real kubectl on the sandbox.
e2e_kubectl() {
	/usr/bin/kubectl --kubeconfig "$KUBECONFIG" "$@"
}

# e2e_command TEXT: ":" TEXT Enter.
e2e_command() {
	e2e_keys :
	e2e_type "$1"
	e2e_keys Enter
}

# e2e_expect "what" TEXT [timeout]: one assertion: the screen comes to show TEXT.
e2e_expect() {
	e2e_ok "$1" e2e_wait_for "$2" "${3:-$E2E_TIMEOUT}"
}

# e2e_expect_line "what" N REGEX: one assertion: row N comes to match REGEX.
e2e_expect_line() {
	e2e_ok "$1" e2e_wait_line "$2" "$3"
}

# e2e_column NAME: the cells of column NAME (by the column header's start offsets) in
# the shown table rows.
e2e_column() {
	# one byte per character (every UTF-8 sequence becomes ~), so offsets line up
	hdr=$(e2e_line 2 | LC_ALL=C sed 's/[\xc0-\xff][\x80-\xbf]*/~/g')
	e2e_table_rows | LC_ALL=C sed 's/[\xc0-\xff][\x80-\xbf]*/~/g' | awk -v hdr="$hdr" -v name="$1" '
		BEGIN {
			n = split(hdr, w, " ")
			pos = 1
			for (i = 1; i <= n; i++) {
				s = index(substr(hdr, pos), w[i]) + pos - 1
				b[i] = s
				pos = s + length(w[i])
				sub(/[~^]+$/, "", w[i]) # the sort arrow or an ellipsis
			}
			for (i = 1; i <= n; i++)
				if (w[i] == name) { start = b[i]; nxt = i < n ? b[i + 1] : 0 }
		}
		start { c = nxt ? substr($0, start, nxt - start) : substr($0, start)
			sub(/^ +/, "", c); sub(/ +$/, "", c); print c }'
}

# e2e_rows_have TEXT / e2e_lacks TEXT: assertions' predicates (with a dump on failure).
e2e_rows_have() {
	e2e_table_rows | grep -qE -- "$1" && return 0
	echo "# no table row matches: $1"
	e2e_dump
	return 1
}
e2e_lacks() {
	if e2e_exited; then
		echo "# opsdeck has exited"
		e2e_dump
		return 1
	fi
	e2e_screen | grep -qF -- "$1" || return 0
	echo "# the screen shows: $1"
	e2e_dump
	return 1
}
