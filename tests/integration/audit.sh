#!/bin/sh
# opsdeck audit verify/log on logs this suite writes by docs/audit.md's rules (an
# independent writer in Python) and then tampers with: each change named at its line.
. "$(dirname "$0")/../lib/sandbox.sh"

OPSDECK="$BUILD/opsdeck"
T=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-audit.XXXXXX")
trap 'rm -rf "$T"' EXIT

if ! command -v python3 >/dev/null 2>&1; then
	skip "python3 is not installed: cannot write the test logs"
	tap_done
	exit
fi
"$OPSDECK" audit verify "$T/none.jsonl" >"$T/probe" 2>&1
if grep -q 'unknown command' "$T/probe"; then
	skip "main.c does not dispatch \"audit\" yet"
	tap_done
	exit
fi

# write.py OUT N [forge]: N records chained as docs/audit.md defines; forge inserts a
# record after line 2 whose hash is right but whose prev is line 1's.
cat >"$T/write.py" <<'EOF'
import hashlib, json, sys
out, n = sys.argv[1], int(sys.argv[2])
forge = len(sys.argv) > 3
def sha(b): return hashlib.sha256(b).hexdigest()
def record(seq, prev, i):
    stage = "intent" if i % 2 == 0 else "result"
    r = {"time": "2026-11-23T12:00:%02d.000Z" % i, "seq": seq, "stage": stage,
         "os_user": "alice", "kube_user": "kube-alice", "argocd_user": None,
         "context": "prod", "cluster": None, "namespace": "payments-prd",
         "kind": "Deployment", "name": "api-%d" % (i // 2), "action": "scale",
         "parameters": {"replicas": i}, "result": None if stage == "intent" else "ok",
         "error": None, "prev": prev}
    body = json.dumps(r, separators=(",", ":"), ensure_ascii=False).encode()
    return body[:-1] + b',"hash":"' + sha(prev.encode() + body).encode() + b'"}'
lines, prev = [], "0" * 64
for i in range(n):
    line = record(len(lines) + 1, prev, i)
    lines.append(line)
    prev = sha(line)
    if forge and len(lines) == 2:
        lines.append(record(3, sha(lines[0]), 99))
open(out, "wb").write(b"".join(l + b"\n" for l in lines))
print(prev)
EOF

LAST=$(python3 "$T/write.py" "$T/good.jsonl" 6)

# expect_verify "what" FILE RC PATTERN: exit code and the message on stdout or stderr
expect_verify() {
	what=$1 file=$2 want=$3 pattern=$4
	"$OPSDECK" audit verify "$file" >"$T/out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -q -- "$pattern" "$T/out"; then
		ok "$what"
	else
		not_ok "$what (exit $rc, want $want and /$pattern/)"
		diag <"$T/out"
	fi
}

expect_verify "verify: an intact chain exits 0 and prints the last hash" \
	"$T/good.jsonl" 0 "intact, 6 records, last hash $LAST"
expect_verify "verify: an absent file is intact" "$T/absent.jsonl" 0 "intact (empty"
: >"$T/empty.jsonl"
expect_verify "verify: an empty file is intact" "$T/empty.jsonl" 0 "intact (empty"

sed '3s/"api-1"/"api-7"/' "$T/good.jsonl" >"$T/changed.jsonl"
expect_verify "verify: one changed field is named at its line" \
	"$T/changed.jsonl" 1 "line 3: hash does not match"
sed '2d' "$T/good.jsonl" >"$T/removed.jsonl"
expect_verify "verify: a removed line breaks the next line's link" \
	"$T/removed.jsonl" 1 "line 2: prev does not match line 1"
for n in 1 2 3 5 4 6; do sed -n "${n}p" "$T/good.jsonl"; done >"$T/swapped.jsonl"
expect_verify "verify: two swapped lines are detected at the first" \
	"$T/swapped.jsonl" 1 "line 4: prev does not match line 3"
head -c -40 "$T/good.jsonl" >"$T/cut.jsonl"
expect_verify "verify: a truncated last line is not JSON" "$T/cut.jsonl" 1 "line 6: not JSON"
python3 "$T/write.py" "$T/forged.jsonl" 6 forge >/dev/null
expect_verify "verify: a forged line with a recomputed hash but the wrong prev" \
	"$T/forged.jsonl" 1 "line 3: prev does not match line 2"
expect_verify "verify: a directory is not a log" "$T" 1 "$T"

check "log -o json prints every record as stored, keys in order" \
	sh -c "'$OPSDECK' audit log -o json '$T/good.jsonl' | python3 -c '
import json, sys
recs = json.load(sys.stdin)
lines = [json.loads(l) for l in open(\"$T/good.jsonl\")]
assert recs == lines, \"records differ\"
assert list(recs[0]) == list(lines[0]), \"key order\"
assert recs[0][\"prev\"] == \"0\" * 64 and len(recs) == 6
'"
"$OPSDECK" audit log "$T/good.jsonl" >"$T/table" 2>"$T/table.err"
if head -n 1 "$T/table" | grep -Eq '^TIME +STAGE +USER +CONTEXT +ACTION +TARGET +RESULT$' &&
	[ "$(wc -l <"$T/table")" -eq 7 ] &&
	sed -n 2p "$T/table" | grep -Eq '^2026-11-23T12:00:00.000Z +intent +alice +prod +scale +payments-prd/Deployment/api-0 +-$' &&
	sed -n 3p "$T/table" | grep -Eq ' result .* ok$'; then
	ok "log prints a kubectl-like table: header, one row per record"
else
	not_ok "log prints a kubectl-like table: header, one row per record"
	diag <"$T/table"
	diag <"$T/table.err"
fi
"$OPSDECK" audit log -o json "$T/absent.jsonl" >"$T/out" 2>&1
check "log of an absent file is an empty array" grep -qx '\[\]' "$T/out"

mkdir -p "$T/state/opsdeck"
cp "$T/good.jsonl" "$T/state/opsdeck/audit.jsonl"
XDG_STATE_HOME=$T/state "$OPSDECK" audit verify >"$T/out" 2>&1
check "verify without FILE reads \$XDG_STATE_HOME/opsdeck/audit.jsonl" \
	grep -q "^$T/state/opsdeck/audit.jsonl: intact, 6 records" "$T/out"

for args in "audit" "audit frobnicate" "audit log -o yaml" "audit verify a b" \
	"audit log --nope"; do
	# shellcheck disable=SC2086
	"$OPSDECK" $args >/dev/null 2>&1
	rc=$?
	if [ $rc -eq 2 ]; then ok "opsdeck $args is a usage error (exit 2)"; else
		not_ok "opsdeck $args is a usage error (exit $rc, want 2)"; fi
done

tap_done
