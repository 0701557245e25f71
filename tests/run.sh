#!/bin/sh
# Runs every test suite (unit, integration, kubectl, e2e; the fuzz corpora; unit and
# integration again under ASan+UBSan; unit under valgrind) and ends with "N passed, N failed".
# Usage: tests/run.sh BUILD_DIR   (ASAN_BUILD, default build/asan, holds the sanitizer build;
# a pass whose binaries are missing is reported as skipped)
BUILD=${1:-build}
ASAN_BUILD=${ASAN_BUILD:-build/asan}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
LOGDIR="$BUILD/test-logs"
# an ASan build's leak check skips libgit2's own leak (tests/lsan.supp says which)
LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
# UBSan: report with a stack and fail the process (the ASan build also sets -fno-sanitize-recover)
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export UBSAN_OPTIONS
mkdir -p "$LOGDIR"
passed=0
failed=0
failures=""
# names a failure after its pass ("asan:test_x"); empty for the plain pass
PASS=""

# The seconds since the epoch, to report what each pass costs.
now() { date +%s; }
pass_time() { echo "     ($(($(now) - $1)) s)"; }

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), listed below:".
# count_unit NAME LOG RC: adds up the log of one unit binary.
count_unit() {
	name=$1
	log=$2
	rc=$3
	# a binary may run several groups: add them up
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{n+=$1} END {print n+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{n+=$1} END {print n+0}')
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1   # crashed, exited early, or a sanitizer/valgrind error: count it
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		failures="$failures $PASS$name"
		echo "FAIL $name ($f failed; see $log)"
		grep -E '^\[  (FAILED|  ERROR)|^\[  ERROR|error:|Assertion|failure|^==[0-9]+== .*(ERROR|Invalid|uninitialised|definitely lost)|runtime error' "$log" | head -n 20
	else
		echo "ok   $name ($p)"
	fi
}

run_unit() {
	bin=$1
	name=$(basename "$bin")
	log="$LOGDIR/$name.log"
	"$bin" >"$log" 2>&1
	count_unit "$name" "$log" $?
}

# Shell suites print TAP lines: "ok N - what" / "not ok N - what" / "ok N # SKIP why".
run_script() {
	script=$1
	name=$(basename "$script" .sh)
	log="$LOGDIR/$name.log"
	BUILD="$BUILD" sh "$script" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	s=$(grep -c '^ok .*# SKIP' "$log")
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited $rc" >>"$log"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		failures="$failures $PASS$name"
		echo "FAIL $name ($f failed; see $log)"
		grep -E '^not ok|^#' "$log" | head -n 30
	else
		if [ "$s" -gt 0 ]; then echo "ok   $name ($p, $s skipped)"; else echo "ok   $name ($p)"; fi
		grep '# SKIP' "$log" | head -n 5
	fi
	# measurements a suite reports ("# measure: idle bytes: 0") are shown either way
	sed -n 's/^# measure: /     /p' "$log"
}

# run_replay BIN: one fuzz target's replay binary over its corpus and crash inputs
# (tests/fuzz/README.md); one ok/FAIL per target.
run_replay() {
	bin=$1
	t=${bin##*/replay_}
	log="$LOGDIR/fuzz-$t.log"
	set --
	for d in tests/fuzz/corpus/$t tests/fuzz/regress/$t; do
		[ -d "$d" ] && set -- "$@" "$d"
	done
	# a hang or a runaway allocation is a finding too, not a stalled make test
	ASAN_OPTIONS="hard_rss_limit_mb=2048${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
		timeout 300 "$bin" "$@" >"$log" 2>&1
	rc=$?
	n=$(sed -n 's/^replayed \([0-9]*\) inputs$/\1/p' "$log")
	if [ "$rc" -eq 0 ] && [ -n "$n" ]; then
		passed=$((passed + 1))
		echo "ok   $t ($n inputs)"
	else
		failed=$((failed + 1))
		failures="$failures fuzz:$t"
		echo "FAIL $t (see $log)"
		grep -E 'ERROR|SUMMARY|runtime error|replay:' "$log" | head -n 10
	fi
}

# run_valgrind_all BUILD: every unit binary under memcheck, two at a time (they are
# 20-50 times slower there); an error or a definite leak fails the binary.
run_valgrind_all() {
	vlog="$LOGDIR/valgrind"
	mkdir -p "$vlog"
	# the sandbox-backed binaries are the slow ones (threads, git, timeouts): first
	{ ls "$1"/tests/test_*sandbox* "$1"/tests/test_* 2>/dev/null | awk '!seen[$0]++'; } |
		xargs -r -P2 -I{} sh -c '
		bin=$1; log=$2/$(basename "$bin").log
		valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
			--show-leak-kinds=definite --error-exitcode=99 \
			--suppressions="$3" "$bin" >"$log" 2>&1
		echo $? >"$log.rc"' _ {} "$vlog" "$ROOT/tests/valgrind.supp"
	for t in "$1"/tests/test_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		count_unit "$name" "$vlog/$name.log" "$(cat "$vlog/$name.log.rc" 2>/dev/null || echo 1)"
	done
}

start=$(now)
echo "== unit tests"
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] && run_unit "$t"
done
pass_time "$start"
# With an ASan build the integration suites run once, against it (below): they take
# most of make test's time, and the ASan binaries fail on what the plain ones would,
# plus memory errors. INTEGRATION_PLAIN=1 runs them against the plain build as well.
have_asan=""
[ -d "$ASAN_BUILD/tests" ] && [ "$(cd "$ASAN_BUILD" && pwd)" != "$(cd "$BUILD" && pwd)" ] &&
	have_asan=1
if [ -z "$have_asan" ] || [ -n "${INTEGRATION_PLAIN:-}" ]; then
	start=$(now)
	echo "== integration tests"
	for t in tests/integration/*.sh; do
		[ -f "$t" ] && run_script "$t"
	done
	pass_time "$start"
fi
start=$(now)
echo "== e2e tests"
for t in tests/e2e/*.sh; do
	[ "$(basename "$t")" = lib.sh ] && continue
	[ -f "$t" ] && run_script "$t"
done
pass_time "$start"

# The corpora and crash inputs, under ASan when that build is there.
start=$(now)
echo "== fuzz replay"
RB=$BUILD
ls "$ASAN_BUILD"/fuzz/replay_* >/dev/null 2>&1 && RB=$ASAN_BUILD
for t in "$RB"/fuzz/replay_*; do
	[ -x "$t" ] && run_replay "$t"
done
pass_time "$start"

# The same unit and integration suites against the ASan+UBSan build (make asan).
if [ -n "$have_asan" ]; then
	PLAIN_BUILD=$BUILD
	BUILD=$ASAN_BUILD
	LOGDIR="$PLAIN_BUILD/test-logs/asan"
	mkdir -p "$LOGDIR"
	PASS="asan:"
	start=$(now)
	echo "== unit tests (ASan+UBSan)"
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] && run_unit "$t"
	done
	pass_time "$start"
	start=$(now)
	echo "== integration tests (ASan+UBSan)"
	for t in tests/integration/*.sh; do
		[ -f "$t" ] && run_script "$t"
	done
	pass_time "$start"
	BUILD=$PLAIN_BUILD
	LOGDIR="$BUILD/test-logs"
	PASS=""
else
	echo "== unit tests (ASan+UBSan)"
	echo "ok   # SKIP no ASan build in $ASAN_BUILD (make asan)"
fi

# memcheck over the normal build's unit binaries
echo "== unit tests (valgrind)"
if [ "$(cd "$ASAN_BUILD" 2>/dev/null && pwd)" = "$(cd "$BUILD" && pwd)" ]; then
	echo "ok   # SKIP $BUILD is the ASan build (valgrind runs the plain one)"
elif command -v valgrind >/dev/null 2>&1; then
	PASS="valgrind:"
	start=$(now)
	run_valgrind_all "$BUILD"
	pass_time "$start"
	PASS=""
else
	echo "ok   # SKIP valgrind is not installed (scripts/deps.sh)"
fi

echo
[ -n "$failures" ] && echo "failed suites:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
