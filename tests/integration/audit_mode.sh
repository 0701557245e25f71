#!/bin/sh
# opsdeck --audit report audit against the sandbox: actions done in the normal mode first
# (a sync, a promotion), then the report for the last 30 days in every format with the
# audit log's chain, Argo CD history and the promotion commits, and the sandbox's
# requests.log proving that no write reached a server; a tampered log makes it exit 1;
# no token in anything opsdeck printed or wrote.
. "$(dirname "$0")/../lib/sandbox.sh"

if ! command -v python3 >/dev/null 2>&1; then
	skip "python3 is not installed"
	tap_done
	exit
fi
sandbox_start
OPSDECK="$BUILD/opsdeck"
S=$SANDBOX_STATE
export XDG_STATE_HOME="$S/state" XDG_CONFIG_HOME="$S/config" XDG_CACHE_HOME="$S/cache"
export OPSDECK_PLATFORM="$S/platform.yaml"
export GIT_AUTHOR_NAME="Rel Manager" GIT_AUTHOR_EMAIL=rel@example.com
mkdir -p "$XDG_CONFIG_HOME/opsdeck"
AUDIT="$XDG_STATE_HOME/opsdeck/audit.jsonl"

# expect_rc RC "what" OUT command...: the command exits RC; stdout in OUT, stderr in OUT.err
expect_rc() {
	want=$1 what=$2 out=$3
	shift 3
	"$@" >"$out" 2>"$out.err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$what"; else
		not_ok "$what (exit $rc, want $want)"
		tail -n 12 "$out" "$out.err" | diag
	fi
}

# the normal mode: actions that land in the audit log, Argo CD's history and Git
expect_rc 0 "opsdeck sync catalog-dev (normal mode)" "$S/sync" "$OPSDECK" sync catalog-dev --wait
if [ -d "$S/gitops.git" ]; then
	expect_rc 0 "opsdeck promote gateway --from uat --to pre --yes (normal mode)" "$S/promote" \
		"$OPSDECK" promote gateway --from uat --to pre --yes --wait
else
	skip "the sandbox has no GitOps repository"
fi
MARK=$(wc -l <"$S/requests.log")

expect_rc 0 "--audit report audit --since 30d -o md" "$S/md" \
	"$OPSDECK" --audit report audit --since 30d -o md
check "...the chain is intact" grep -q "^Audit log $AUDIT: intact, [0-9]* records" "$S/md"
check "...a Markdown table" grep -q '^| Time | Source | Who | What | Context | Target | Environment | Detail |$' "$S/md"
check "...the sync, with its result" grep -qE '^\| [^|]+ \| audit \| [^|]+ \| sync \| [^|]* \| [^|]*catalog-dev \|.*\| ok \|$' "$S/md"
check "...the promotion, from the audit log" grep -qE '\| audit \| [^|]+ \| promote \|' "$S/md"
check "...its commit with the trailers" grep -qE '\| git \| [^|]* \| promote \| gitops \| gateway \| pre \| .*Promoted-From: uat; Promoted-To: pre' "$S/md"
check "...Argo CD's history of every app" sh -c "[ \$(grep -c '| argocd |' '$S/md') -ge 20 ]"

expect_rc 0 "--audit report audit -o json" "$S/json" "$OPSDECK" --audit report audit -o json
check "...a document with the chain and rows from every source" python3 -c "
import json, time
d = json.load(open('$S/json'))
assert d['chain']['verdict'] == 'intact' and d['chain']['records'] >= 4, d['chain']
assert len(d['chain']['last_hash']) == 64
rows = d['rows']
srcs = {r['source'] for r in rows}
assert {'audit', 'argocd'} <= srcs, srcs
keys = ['time', 'source', 'who', 'what', 'context', 'target', 'environment', 'detail']
assert all(list(r) == keys for r in rows)
times = [r['time'] for r in rows]
assert times == sorted(times, reverse=True), 'newest first'
since = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() - 30 * 86400 - 60))
assert min(times) >= since, (min(times), since)
sync = [r for r in rows if r['source'] == 'audit' and r['what'] == 'sync']
assert sync and sync[0]['detail'].endswith('ok') and 'catalog-dev' in sync[0]['target'], sync
"
expect_rc 0 "--audit report audit -o csv" "$S/csv" "$OPSDECK" --audit report audit -o csv
check "...RFC 4180 CSV, the same rows as JSON" python3 -c "
import csv, json
rows = list(csv.reader(open('$S/csv', newline='')))
assert rows[0] == ['time', 'source', 'who', 'what', 'context', 'target', 'environment', 'detail'], rows[0]
assert len(rows) - 1 == len(json.load(open('$S/json'))['rows']), len(rows)
"
expect_rc 0 "--audit report audit (table)" "$S/table" "$OPSDECK" --audit report audit
check "...kubectl's layout" grep -qE '^TIME +SOURCE +WHO +WHAT +CONTEXT +TARGET +ENVIRONMENT +DETAIL$' "$S/table"
expect_rc 0 "--since 1h keeps only the last hour" "$S/recent" \
	"$OPSDECK" --audit report audit --since 1h -o json
check "...today's actions, not last week's deployments" python3 -c "
import json, time
rows = json.load(open('$S/recent'))['rows']
cut = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() - 3660))
assert rows and all(r['time'] >= cut for r in rows), rows[-1:]
assert any(r['what'] == 'sync' for r in rows)
"

# the proof: nothing but reads reached the sandbox while the report ran
writes() {
	tail -n "+$((MARK + 1))" "$S/requests.log" | awk '{print $3, $4}' |
		grep -vE '^(GET|HEAD) ' |
		grep -vE 'selfsubjectaccessreviews|selfsubjectrulesreviews|selfsubjectreviews|/argocd/api/v1/session( |$)'
}
reads() { tail -n "+$((MARK + 1))" "$S/requests.log" | grep -c ' GET '; }
check "the report read from the servers (GETs in requests.log)" sh -c "[ $(reads) -ge 5 ]"
no_writes() { [ -z "$(writes)" ]; }
check "...and no write reached them" no_writes
saw_sync() { MARK=0 writes | grep -q '^POST /argocd/api/v1/applications/catalog-dev/sync'; }
check "...(the same check sees the normal mode's sync POST before the mark)" saw_sync

# a tampered copy: the report still prints, says so, and exits 1
cp "$AUDIT" "$S/tampered.jsonl"
sed -i '2s/"stage":"result"/"stage":"RESULT"/' "$S/tampered.jsonl"
expect_rc 1 "a tampered audit file: exit 1" "$S/bad" \
	"$OPSDECK" --audit report audit -o md "$S/tampered.jsonl"
check "...the report names the broken line, in bold" grep -q "^\*\*Audit log $S/tampered.jsonl: chain BROKEN: line 2" "$S/bad"
check "...and so does stderr" grep -q 'chain BROKEN: line 2' "$S/bad.err"
expect_rc 0 "an absent audit file is an empty intact log" "$S/none" \
	"$OPSDECK" --audit report audit -o json "$S/none.jsonl"
check "...verdict intact, 0 records" python3 -c "
import json; c = json.load(open('$S/none'))['chain']; assert c['verdict'] == 'intact' and c['records'] == 0, c"

expect_rc 2 "-o yaml is a usage error" "$S/usage" "$OPSDECK" report audit -o yaml
expect_rc 2 "--since soon is a usage error" "$S/usage" "$OPSDECK" report audit --since soon
expect_rc 2 "report nothing is a usage error" "$S/usage" "$OPSDECK" report nothing

# --audit refuses actions like --readonly, and writes nothing
MARK=$(wc -l <"$S/requests.log")
expect_rc 1 "--audit sync is refused" "$S/refused" "$OPSDECK" --audit sync catalog-dev
check "...nothing written" no_writes

# tokens (kubeconfig and Argo CD) never in what opsdeck printed or wrote
tokens() {
	grep -hoE '(token|client-key-data): *[^ ]+' "$KUBECONFIG" | awk '{print $2}'
	for f in "$S"/*.token; do cat "$f"; echo; done
}
no_tokens() {
	n=0
	for t in $(tokens | sort -u); do
		[ ${#t} -ge 12 ] || continue
		n=$((n + 1))
		if grep -rlF -- "$t" "$XDG_STATE_HOME" "$XDG_CACHE_HOME" "$XDG_CONFIG_HOME" \
			"$S/md" "$S/json" "$S/csv" "$S/table" "$S/sync" "$S/sync.err" \
			"$S/promote" "$S/promote.err" 2>/dev/null; then
			echo "a token appears in the files above"
			return 1
		fi
	done
	[ "$n" -ge 3 ] || { echo "only $n tokens found to look for"; return 1; }
}
check "no token in the audit log, caches, or anything printed" no_tokens
tap_done
