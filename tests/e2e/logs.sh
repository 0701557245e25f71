#!/bin/sh
# The logs view: l on a pod streams its lines with the source prefix; / search with n;
# & filter and its ! inverse; s pauses while lines keep counting; t timestamps; p the
# previous instance of a crash-looping pod; ctrl-s saves; the hostile pod's escape
# sequences never reach the terminal (every byte tmux received is checked); 80x24 and
# NO_COLOR.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

E2E_COLS=140
E2E_ROWS=30
e2e_init
NS=identity-dev
POD=$(e2e_kubectl get pods -n "$NS" --no-headers | awk '/^user-profile-/ {print $1; exit}')
CRASH_NS=payments-dev
CRASH=$(e2e_kubectl get pods -n "$CRASH_NS" --no-headers |
	awk '$3 == "CrashLoopBackOff" {print $1; exit}')
BYTES="$E2E_HOME/pane.bytes"

# body_rows: the lines of the logs view (between the crumbs and the message line)
body_rows() {
	r=$(e2e_rows)
	e2e_screen | sed -n "3,$((r - 2))p" | grep -v '^ *$'
}

# open_logs NS POD: the pods of NS filtered to POD, then l
open_logs() {
	e2e_command "pods $1"
	e2e_wait_line 0 "ns: $1" || return 1
	e2e_keys /
	e2e_type "$2"
	e2e_keys Enter
	e2e_wait_line 1 '[^0-9]1/[0-9]+ *$' || return 1
	e2e_keys l
	e2e_wait_for "$2" && e2e_wait_line 2 "^$2 "
}

# all_rows_match REGEX / no_row_matches REGEX: over the body rows
all_rows_match() {
	bad=$(body_rows | grep -vE -- "$1" | head -n 3)
	[ -z "$bad" ] && [ -n "$(body_rows)" ] && return 0
	echo "# rows not matching $1:"; printf '%s\n' "$bad" | diag; e2e_dump; return 1
}
no_row_matches() {
	body_rows | grep -qE -- "$1" || return 0
	echo "# a row matches $1"; e2e_dump; return 1
}

e2e_start
e2e_ok "the console starts" e2e_ready
# every byte the terminal receives from here on
tm pipe-pane -t "$E2E_SESSION" -o "cat >>'$BYTES'"
e2e_ok "l on pod $POD opens its logs" open_logs "$NS" "$POD"
e2e_ok "...its lines come, prefixed with the pod's name" e2e_wait_line 3 "^$POD "
e2e_ok "...the crumb names it" e2e_wait_for "$POD logs"
e2e_ok "...the status says following, 1 streaming" e2e_wait_for "following  1 streaming"
e2e_ok "...and the tail" e2e_wait_for "tail 200"
e2e_ok "...the header says connected" e2e_wait_line 0 'connected *$' 

# the hostile lines are shown inert, and their bytes never reached the terminal
e2e_expect "the clipboard attack is shown as text (^[]52)" '^[]52;c;'
e2e_expect "...the title attack too (^[]0;)" '^[]0;root@prod-db-01'
e2e_expect "...and the clear-screen one (^[[2J^[[H)" '^[[2J^[[Hscreen cleared'
sleep 0.5
no_bytes() {
	if LC_ALL=C grep -qaF -- "$(printf "$1")" "$BYTES"; then
		echo "# the terminal received $2"
		return 1
	fi
	return 0
}
e2e_ok "...the terminal got no OSC 52 (clipboard) from the log" no_bytes '\033]52' "OSC 52"
e2e_ok "...no OSC 0 (window title)" no_bytes '\033]0;' "OSC 0"
e2e_ok "...no clear screen + home from the log" no_bytes '\033[2J\033[H' "ESC[2J ESC[H"
e2e_ok "...no bell" no_bytes '\007' "BEL"
e2e_ok "...the terminal got bytes at all (the capture works)" test -s "$BYTES"
tm pipe-pane -t "$E2E_SESSION"

# / search: every match highlighted, n steps, the status counts
e2e_keys /
e2e_type INFO
e2e_keys Enter
e2e_expect "/INFO: the status says match N/M" "/INFO match "
has_current() {
	# the current match (search-match: black on 220) is on a row that says INFO
	e2e_screen -e | sed -n "3,\$p" | grep -E '48;5;220m' | grep -q INFO && return 0
	echo "# no row with the current match's colours"; e2e_dump; return 1
}
e2e_ok "...the current match is highlighted" has_current
s1=$(e2e_line 1 | grep -oE 'match [0-9]+/[0-9]+')
e2e_keys n
n=30
while [ "$(e2e_line 1 | grep -oE 'match [0-9]+/[0-9]+')" = "$s1" ] && [ $n -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
s2=$(e2e_line 1 | grep -oE 'match [0-9]+/[0-9]+')
if [ -n "$s2" ] && [ "$s1" != "$s2" ]; then ok "n moves to another match ($s1 -> $s2)"; else
	not_ok "n moves to another match ($s1 -> $s2)"; e2e_dump; fi
e2e_keys Escape
e2e_ok "Esc clears the search" e2e_wait_gone "/INFO"
e2e_keys G
e2e_expect "G resumes following" "following"

# & filter, then its inverse
e2e_keys '&'
e2e_type WARN
e2e_keys Enter
e2e_expect "&WARN filters: the status says so" "&WARN "
e2e_ok "...every row says WARN" all_rows_match 'WARN|──'
e2e_keys '&' C-u
e2e_type '!WARN'
e2e_keys Enter
e2e_expect "&!WARN inverts" "&!WARN "
e2e_ok "...no row says WARN" no_row_matches ' WARN '
e2e_keys '&' C-u Enter
e2e_ok "an empty & clears the filter" e2e_wait_gone "&!WARN"

# t: timestamps
e2e_keys t
e2e_ok "t shows the kubelet's timestamps" e2e_wait_line 3 \
	"^$POD [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z "
e2e_keys t
e2e_ok "t again hides them" e2e_wait_line 3 "^$POD [^0-9]|^$POD [0-9]{4}-[0-9]{2}-[0-9]{2} "

# s: pause; lines keep arriving and are counted, the window does not move
e2e_keys s
e2e_ok "s pauses" e2e_wait_line 1 'paused, [0-9]+ new' 
before=$(body_rows)
e2e_ok "...new lines are counted while paused" e2e_wait_line 1 'paused, [1-9][0-9]* new' 8
after=$(body_rows)
if [ "$before" = "$after" ]; then ok "...and the window stays where it was"; else
	not_ok "...and the window stays where it was"; e2e_dump; fi
e2e_keys s
e2e_expect "s again follows" "following"

# ctrl-s: save
SAVED="$E2E_HOME/saved.log"
# ctrl-s is XOFF to a tty with IXON set; the screen clears IXON so it reaches opsdeck
e2e_ok "the console turned XON/XOFF off on its tty" sh -c "stty -a <\"\$(tmux -L '$E2E_SOCK' display-message -p -t '$E2E_SESSION' '#{pane_tty}')\" | grep -q -- '-ixon'"
e2e_keys C-s
e2e_expect "ctrl-s asks where to save" "save to: ./logs-$POD-"
e2e_keys C-u
e2e_type "$SAVED"
e2e_keys Enter
e2e_expect "...and says how many lines it saved" "lines to $SAVED"
saved_ok() {
	[ -s "$SAVED" ] || { echo "# $SAVED is empty or missing"; return 1; }
	grep -q "^[0-9T:.-]*Z $POD " "$SAVED" || { echo "# no 'TIME POD text' line"; head -3 "$SAVED" | diag; return 1; }
	! LC_ALL=C grep -qa "$(printf '\033')" "$SAVED" || { echo "# an ESC byte in the file"; return 1; }
}
e2e_ok "...the file has the lines with time and prefix, no escape bytes" saved_ok
e2e_keys Escape
e2e_expect_line "Esc goes back to the pods" 2 'NAME +READY +STATUS'

# p: the previous instance of a crash-looping pod
e2e_keys Escape
e2e_ok "l on the crash-looping pod $CRASH" open_logs "$CRASH_NS" "$CRASH"
e2e_keys p
e2e_expect "p switches to the previous instance" "(previous)"
crash_lines() {
	n=$((E2E_TIMEOUT * 10))
	while [ $n -gt 0 ]; do
		body_rows | grep -qE 'OutOfMemoryError|panic:|startup aborted' && return 0
		sleep 0.1
		n=$((n - 1))
	done
	echo "# no crash line"; e2e_dump; return 1
}
e2e_ok "...its crash lines are shown" crash_lines
e2e_stop

# 80x24 without colours
E2E_COLS=80
E2E_ROWS=24
E2E_ENV="NO_COLOR=1"
e2e_start
e2e_ok "80x24 NO_COLOR: the console starts" e2e_ready
e2e_ok "...l opens the logs" open_logs "$NS" "$POD"
e2e_ok "...lines with the prefix" e2e_wait_line 3 "^$POD "
e2e_ok "...the status fits beside the crumb" e2e_wait_line 1 "$POD logs +following  1 streaming  [0-9,]+ lines *$"
e2e_keys /
e2e_type INFO
e2e_keys Enter
mono_match() {
	# mono: search-match is reverse + underline, no colour at all
	scr=$(e2e_screen -e)
	printf '%s' "$scr" | grep -qE '38;5;|48;5;' && { echo "# colours on a NO_COLOR screen"; return 1; }
	printf '%s' "$scr" | grep -qE '\[(0?;)?([0-9;]*;)?7m|\[7;' && return 0
	echo "# no reverse cell for the match"; e2e_dump; return 1
}
e2e_ok "...the match is reverse video, and nothing is coloured" mono_match
e2e_stop
tap_done
