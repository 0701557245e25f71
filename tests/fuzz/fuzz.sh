#!/bin/sh
# make fuzz: runs each libFuzzer target for a bounded time, one after the other, in one
# process (no -jobs: the machine is shared). Usage: tests/fuzz/fuzz.sh FUZZ_BUILD SECONDS TARGET...
# New inputs go to FUZZ_BUILD/corpus/TARGET (the repo's seeds are only read), crashes to
# FUZZ_BUILD/crashes/TARGET/; see tests/fuzz/README.md for keeping one as a regression.
FB=$1
SECS=$2
shift 2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
export LSAN_OPTIONS
status=0
for t in "$@"; do
	mkdir -p "$FB/corpus/$t" "$FB/crashes/$t"
	seeds=""
	for d in tests/fuzz/corpus/$t tests/fuzz/regress/$t; do
		[ -d "$d" ] && seeds="$seeds $d"
	done
	dict=""
	[ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
	echo "== fuzz $t (${SECS}s)"
	# the first directory receives new inputs; the seed directories are only read
	if ! "$FB/fuzz/fuzz_$t" -max_total_time="$SECS" -max_len=65536 \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 $dict \
		-artifact_prefix="$FB/crashes/$t/" "$FB/corpus/$t" $seeds \
		>"$FB/fuzz-$t.log" 2>&1; then
		status=1
		echo "CRASH $t: see $FB/fuzz-$t.log and $FB/crashes/$t/"
	fi
	grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units|stat::average_exec_per_sec' \
		"$FB/fuzz-$t.log" | tail -n 3
done
exit $status
