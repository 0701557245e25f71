#!/bin/sh
# Runs every test suite (unit, integration, kubectl, e2e) and ends with "N passed, N failed".
# Usage: tests/run.sh BUILD_DIR
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
LOGDIR="$BUILD/test-logs"
# an ASan build's leak check skips libgit2's own leak (tests/lsan.supp says which)
LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
mkdir -p "$LOGDIR"
passed=0
failed=0
failures=""

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), listed below:".
run_unit() {
	bin=$1
	name=$(basename "$bin")
	log="$LOGDIR/$name.log"
	"$bin" >"$log" 2>&1
	rc=$?
	# a binary may run several groups: add them up
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{n+=$1} END {print n+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{n+=$1} END {print n+0}')
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1   # crashed or exited early: count it
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		failures="$failures $name"
		echo "FAIL $name ($f failed; see $log)"
		grep -E '^\[  (FAILED|  ERROR)|^\[  ERROR|error:|Assertion|failure' "$log" | head -n 20
	else
		echo "ok   $name ($p)"
	fi
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
		failures="$failures $name"
		echo "FAIL $name ($f failed; see $log)"
		grep -E '^not ok|^#' "$log" | head -n 30
	else
		if [ "$s" -gt 0 ]; then echo "ok   $name ($p, $s skipped)"; else echo "ok   $name ($p)"; fi
		grep '# SKIP' "$log" | head -n 5
	fi
	# measurements a suite reports ("# measure: idle bytes: 0") are shown either way
	sed -n 's/^# measure: /     /p' "$log"
}

echo "== unit tests"
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] && run_unit "$t"
done
echo "== integration tests"
for t in tests/integration/*.sh; do
	[ -f "$t" ] && run_script "$t"
done
echo "== e2e tests"
for t in tests/e2e/*.sh; do
	[ "$(basename "$t")" = lib.sh ] && continue
	[ -f "$t" ] && run_script "$t"
done

echo
[ -n "$failures" ] && echo "failed suites:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
