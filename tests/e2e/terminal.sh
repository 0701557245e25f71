#!/bin/sh
# The console in different terminals: a big one shows more columns, a live resize
# redraws, NO_COLOR has attributes only, LANG=C has ASCII only, and older TERMs work.
. "$(dirname "$0")/../lib/sandbox.sh"
. "$(dirname "$0")/lib.sh"

e2e_init

E2E_COLS=200 E2E_ROWS=50
e2e_start
e2e_ok "200x50: the console starts" e2e_ready
e2e_ok "...the footer is on row 49" e2e_wait_line 49 '<\?>|help'
e2e_wait_stable
hdr=$(e2e_line 2)
if echo "$hdr" | grep -qE 'RESTARTS +AGE +IP +NODE'; then
	ok "...the wide columns are shown (IP, NODE)"
else
	not_ok "...the wide columns are shown (IP, NODE)"
	echo "$hdr" | diag
fi
e2e_keys C-w
e2e_ok "...ctrl-w (wide on) keeps IP and NODE" e2e_wait_line 2 ' IP +NODE'
e2e_keys C-w
rows=$(e2e_table_rows | wc -l)
if [ "$rows" -ge 45 ]; then ok "...45 rows of pods ($rows)"; else not_ok "...45 rows of pods ($rows)"; fi
e2e_stop

E2E_COLS=80 E2E_ROWS=24
e2e_start
e2e_ready >/dev/null
e2e_ok "80x24: no NODE column (the wide columns do not fit)" sh -c "! tmux -L '$E2E_SOCK' capture-pane -p -t '$E2E_SESSION' | sed -n 3p | grep -q NODE"
# ctrl-w turns them on; scrolling right brings them into view
e2e_keys C-w Right Right Right Right Right
e2e_ok "...ctrl-w then right: NODE scrolls into view" e2e_wait_line 2 ' NODE'
e2e_keys C-w h h h h h
e2e_ok "...ctrl-w again and h: back to NAME, no NODE" sh -c "n=50; while [ \$n -gt 0 ]; do
	l=\$(tmux -L '$E2E_SOCK' capture-pane -p -t '$E2E_SESSION' | sed -n 3p)
	case \$l in *NAME*) echo \"\$l\" | grep -q NODE || exit 0;; esac
	sleep 0.1; n=\$((n - 1)); done; exit 1"
tm resize-window -t "$E2E_SESSION" -x 120 -y 40
e2e_ok "resized to 120x40: the footer moves to row 39" e2e_wait_line 39 '<\?>|help'
e2e_ok "...the table fills down to row 37" e2e_wait_line 37 '[a-z]'
e2e_ok "...the header reaches column 120 (connection state at the right)" e2e_wait_line 0 '^.{100,}connected *$'
e2e_ok "...nothing left of the old footer on row 23" sh -c "! tmux -L '$E2E_SOCK' capture-pane -p -t '$E2E_SESSION' | sed -n 24p | grep -q '<?>'"
e2e_stop

E2E_ENV="NO_COLOR=1"
e2e_start
e2e_ok "NO_COLOR=1: the console starts" e2e_ready
e2e_wait_stable
no_colour() {
	e2e_screen -e >"$E2E_HOME/escaped"
	if grep -qE '\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|10[0-7]|38;[25]|48;[25])(;[0-9;]*)?m' "$E2E_HOME/escaped"; then
		grep -oE '\[[0-9;]*m' "$E2E_HOME/escaped" | sort | uniq -c | head | diag
		return 1
	fi
}
e2e_ok "...no colour escapes in the capture" no_colour
attrs() {
	grep -qE '\[([0-9;]*;)?(1|4|7)(;[0-9;]*)?m' "$E2E_HOME/escaped" && return 0
	echo "# no bold/underline/reverse in the capture"
	return 1
}
e2e_ok "...but attributes (bold/underline/reverse)" attrs
e2e_stop
E2E_ENV=""

E2E_LANG=C
e2e_start
e2e_ok "LANG=C: the console starts" e2e_ready
e2e_wait_stable
ascii_only() {
	if e2e_screen | LC_ALL=C grep -q '[^ -~]'; then
		e2e_screen | LC_ALL=C grep -n '[^ -~]' | head -n 5 | diag
		return 1
	fi
}
e2e_ok "...ASCII glyphs only" ascii_only
e2e_command deploy
e2e_wait_line 1 'deployments' >/dev/null
e2e_ok "...crumbs too (after :deploy)" ascii_only
e2e_stop
E2E_LANG=C.UTF-8

for t in vt100 screen xterm xterm-256color; do
	E2E_TERM=$t
	e2e_start
	e2e_ok "TERM=$t: the pods table shows" e2e_ready
	e2e_ok "TERM=$t: and q quits" e2e_stop
done
tap_done
