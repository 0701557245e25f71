#!/bin/sh
# opsdeck dora against the sandbox (Argo CD history, the GitOps repository): every output
# format parsed (JSON and CSV with python3), the figures checked against the repository's
# commits, the tenants differ, the window changes the counts, thresholds overridden and a
# broken thresholds file named at its line and column.
. "$(dirname "$0")/../lib/sandbox.sh"

if ! command -v git >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	skip "git or python3 is not installed"
	tap_done
	exit
fi

sandbox_start
S=$SANDBOX_STATE
OPSDECK="$BUILD/opsdeck"
R=$S/gitops.git
export XDG_STATE_HOME="$S/state" XDG_CONFIG_HOME="$S/config" XDG_CACHE_HOME="$S/cache"
export OPSDECK_PLATFORM="$S/platform.yaml"
mkdir -p "$XDG_CONFIG_HOME/opsdeck"
# the scenario's recorded history ends here (demo.yaml gitops.history_until)
UNTIL=2026-11-20T16:00:00Z
UNTIL_S=$(python3 -c 'import calendar; print(calendar.timegm((2026, 11, 20, 16, 0, 0)))')

expect_rc() {
	want=$1
	what=$2
	shift 2
	"$@" >"$S/out" 2>"$S/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$what"; else
		not_ok "$what (exit $rc, want $want)"
		tail -n 12 "$S/out" "$S/err" | diag
	fi
}

dora() { "$OPSDECK" dora --until "$UNTIL" "$@"; }

# JSON
expect_rc 0 "dora -o json (prd, 90 days)" dora --window 90d -o json
cp "$S/out" "$S/prd90.json"
check "...parses, a row per service with five metrics, each with a level word" python3 -c "
import json; d=json.load(open('$S/prd90.json'))
assert d['environment']=='prd' and d['by']=='service', d
rows=d['rows']; assert len(rows)>=10, len(rows)
keys={'deployment_frequency','lead_time','change_fail_rate','recovery_time','rework_rate'}
for r in rows:
    assert set(r['metrics'])==keys, r
    for k,m in r['metrics'].items():
        assert m['level'] in ('elite','high','medium','low','n/a'), m
        assert m['value'] is None or isinstance(m['value'],(int,float)), m
        assert len(m['weekly'])==d['weeks'], m
assert d['weeks']==13, d['weeks']
assert 'dora.dev' in d['thresholds_source']"
check "...prd deployments = the repository's commits to envs/prd/ in the window" python3 -c "
import json,subprocess
d=json.load(open('$S/prd90.json'))
out=subprocess.run(['git','--git-dir=$R','log','--format=%ct','main','--','envs/prd/'],capture_output=True,text=True,check=True).stdout.split()
to=$UNTIL_S; frm=to-90*86400
n=sum(1 for t in out if frm<=int(t)<to)
got=sum(r['deployments'] for r in d['rows'])
assert n==got and n>0, (n,got)"
check "...lead times in prd are days (dev to prd), not zero" python3 -c "
import json; d=json.load(open('$S/prd90.json'))
v=[r['metrics']['lead_time']['value'] for r in d['rows'] if r['metrics']['lead_time']['value']]
assert v and min(v)>86400, v"

# the sandbox's history behind the figures
check "every app's commits reach back 90 days before the history's end" python3 -c "
import subprocess
log=subprocess.run(['git','--git-dir=$R','log','--format=%ct %s','main'],capture_output=True,text=True,check=True).stdout.splitlines()
oldest={}
for line in log:
    t,subj=line.split(' ',1)
    if ': promote ' in subj and not subj.startswith('Revert'):
        svc,rest=subj.split(': promote ',1); env=rest.rsplit(' to ',1)[1]
        oldest[(svc,env)]=min(int(t),oldest.get((svc,env),1<<62))
assert len(oldest)==60, len(oldest)
late=[k for k,t in oldest.items() if t>$UNTIL_S-90*86400]
assert not late, late"
check "storefront's failed releases were reverted in Git (prd), nobody else's" python3 -c "
import subprocess
subj=subprocess.run(['git','--git-dir=$R','log','--format=%s','--grep=^Revert','main'],capture_output=True,text=True,check=True).stdout.splitlines()
svcs={s.split('\"')[1].split(':')[0] for s in subj}
assert len(subj)>=5 and svcs<= {'checkout-web','cart','catalog','search','gateway'}, subj
assert all(s.endswith(' to prd\"') for s in subj), subj"
check "...and the scorecards show it: rework and failures in storefront only" python3 -c "
import json; rows=json.load(open('$S/prd90.json'))['rows']
for r in rows:
    sf=r['tenant']=='storefront'
    rw=r['metrics']['rework_rate']['value'] or 0
    assert (rw>0)==sf or (sf and r['deployments']<8), r
st=[r for r in rows if r['tenant']=='storefront' and r['metrics']['recovery_time']['value']]
assert st and all(0<r['metrics']['recovery_time']['value']<6*3600 for r in st), st"
check "the tenants' cadences differ in prd: payments often, identity seldom" python3 -c "
import json; rows=json.load(open('$S/prd90.json'))['rows']
f={}
for r in rows: f.setdefault(r['tenant'],[]).append(r['metrics']['deployment_frequency']['value'])
avg={t:sum(v)/len(v) for t,v in f.items()}
assert avg['payments']>avg['storefront']>avg['identity'], avg"

# table
expect_rc 0 "dora (table)" dora --window 90d
check "...has the header" grep -qE '^SERVICE +TENANT +DEPLOYS +DEPLOY FREQUENCY +LEAD TIME' "$S/out"
check "...a line per service" sh -c "[ \$(wc -l <'$S/out') -eq \$(python3 -c \"import json; print(len(json.load(open('$S/prd90.json'))['rows'])+1)\") ]"

# CSV
expect_rc 0 "dora -o csv" dora --window 90d -o csv
check "...parses with the csv module and matches the JSON rows" python3 -c "
import csv,json
rows=list(csv.DictReader(open('$S/out')))
d=json.load(open('$S/prd90.json'))['rows']
assert [r['service'] for r in rows]==[r['service'] for r in d]
for c,j in zip(rows,d):
    assert int(c['deployments'])==j['deployments']
    assert c['lead_time_level']==j['metrics']['lead_time']['level']
    v=j['metrics']['change_fail_rate']['value']
    assert (c['change_fail_rate_percent']=='' and v is None) or abs(float(c['change_fail_rate_percent'])-v)<1e-3"

# Markdown
expect_rc 0 "dora -o md" dora --window 90d -o md
check "...a heading, a table header and its rule" sh -c "
head -n 1 '$S/out' | grep -q '^## DORA scorecard: prd' &&
grep -q '^| Service | Tenant | Deployments | Deploy frequency | Lead time' '$S/out' &&
grep -q '^|---|---|---:|' '$S/out' && grep -q '^Levels: .*dora.dev' '$S/out'"

# tenants
expect_rc 0 "dora --by tenant --env all -o json" dora --window 90d --by tenant --env all -o json
check "...three tenants whose figures differ" python3 -c "
import json; rows=json.load(open('$S/out'))['rows']
assert [r['tenant'] for r in rows]==['identity','payments','storefront'], rows
f=[round(r['metrics']['deployment_frequency']['value'],6) for r in rows]
assert len(set(f))==3, f"
expect_rc 0 "dora --tenant payments -o json" dora --window 90d --tenant payments -o json
check "...only payments' services" python3 -c "
import json; rows=json.load(open('$S/out'))['rows']
assert rows and all(r['tenant']=='payments' for r in rows), rows"

# the window
expect_rc 0 "dora --window 30d -o json" dora --window 30d -o json
check "...fewer deployments than 90 days" python3 -c "
import json
a=sum(r['deployments'] for r in json.load(open('$S/out'))['rows'])
b=sum(r['deployments'] for r in json.load(open('$S/prd90.json'))['rows'])
assert 0<a<b, (a,b)"

# thresholds: an override, a broken file
printf 'levels:\n  rework_rate: {elite: 1%%, high: 5%%, medium: 10%%}\n' >"$XDG_CONFIG_HOME/opsdeck/dora.yaml"
expect_rc 0 "a user thresholds file gives rework rate levels" dora --window 90d -o json
check "...every known rework rate now has a level" python3 -c "
import json; rows=json.load(open('$S/out'))['rows']
assert all(r['metrics']['rework_rate']['level']!='n/a' for r in rows if r['metrics']['rework_rate']['value'] is not None)"
printf 'levels:\n  lead_time:\n    elite: soon\n' >"$XDG_CONFIG_HOME/opsdeck/dora.yaml"
expect_rc 2 "a broken thresholds file is a configuration error" dora
check "...named at its line and column" grep -q "opsdeck/dora.yaml:3:5: elite: expected a duration" "$S/err"
rm -f "$XDG_CONFIG_HOME/opsdeck/dora.yaml"

# usage
expect_rc 2 "--service with --tenant is a usage error" dora --service cart --tenant storefront
expect_rc 2 "-o yaml is a usage error" dora -o yaml
expect_rc 2 "--window soon is a usage error" dora --window soon

sandbox_stop
tap_done
