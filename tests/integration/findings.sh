#!/bin/sh
# opsdeck findings against the sandbox's Trivy reports: the table, JSON parsed and
# checked against the reports kubectl returns, CSV parsed with Python's csv module,
# --service/--env/--cluster/--fixable filters, a workload no service owns (its row is
# there with the service empty), usage errors; the scanners (SonarQube's failing gate for
# checkout-web, Harbor's critical in catalog 2.6.4, DefectDojo's payments-api), --source,
# --tenant, -o md, an unreachable scanner (a note, exit 0); and the promotion gate on critical
# findings: the bad catalog version (2.6.4 in uat) is not promoted to pre, unless
# platform.yaml turns the gate off for pre.
. "$(dirname "$0")/../lib/sandbox.sh"

if ! command -v python3 >/dev/null 2>&1 || ! command -v kubectl >/dev/null 2>&1; then
	skip "python3 or kubectl is not installed"
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

# A report for a workload that maps to no service (kube-system's coredns), with a title
# that needs quoting wherever it is written.
kubectl --request-timeout=20s --context nonprod apply -f - >/dev/null <<'EOF'
apiVersion: aquasecurity.github.io/v1alpha1
kind: VulnerabilityReport
metadata:
  name: replicaset-coredns-5d78c9869d-coredns
  namespace: kube-system
  labels:
    trivy-operator.resource.kind: ReplicaSet
    trivy-operator.resource.name: coredns-5d78c9869d
    trivy-operator.resource.namespace: kube-system
    trivy-operator.container.name: coredns
report:
  artifact: {repository: coredns/coredns, tag: "1.11.1"}
  registry: {server: registry.k8s.io}
  scanner: {name: Trivy, vendor: Aqua Security, version: 0.56.2}
  summary: {criticalCount: 0, highCount: 1, mediumCount: 0, lowCount: 0, unknownCount: 0, noneCount: 0}
  vulnerabilities:
  - vulnerabilityID: CVE-2023-44487
    resource: golang.org/x/net
    installedVersion: v0.7.0
    fixedVersion: "0.17.0"
    severity: HIGH
    title: "HTTP/2: Rapid Reset, \"quoted\""
    primaryLink: https://avd.aquasec.com/nvd/cve-2023-44487
    score: 7.5
EOF
[ $? -eq 0 ] && ok "kubectl apply: a report for coredns (no service)" ||
	not_ok "kubectl apply: a report for coredns (no service)"

# ---- the table ------------------------------------------------------------------------
expect_rc 0 "opsdeck findings" "$OPSDECK" findings
check "...the header" grep -qE '^SERVICE +ENVIRONMENT +CLUSTER +NAMESPACE +WORKLOAD +CRITICAL +HIGH +MEDIUM +LOW' "$S/out"
check "...catalog in uat has its row" grep -qE '^catalog +uat +nonprod +storefront-uat +Deployment/catalog ' "$S/out"
check "...coredns has a row with the service empty" \
	grep -qE '^ +nonprod +kube-system +ReplicaSet/coredns-5d78c9869d +0 +1 ' "$S/out"

# ---- JSON -----------------------------------------------------------------------------
expect_rc 0 "opsdeck findings -o json" "$OPSDECK" findings -o json
cp "$S/out" "$S/all.json"
check "...keys lower case, counts numbers, worst first, every cluster" python3 - "$S/all.json" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))
keys = {"service", "environment", "cluster", "namespace", "workload", "critical", "high",
        "medium", "low", "unknown"}
assert rows and all(set(r) == keys for r in rows), rows[:1]
assert all(isinstance(r[k], int) for r in rows for k in ("critical", "high", "medium", "low"))
rank = [(-r["critical"], -r["high"], -r["medium"], -r["low"], -r["unknown"]) for r in rows]
assert rank == sorted(rank), "not sorted by severity"
assert {"nonprod", "prod"} <= {r["cluster"] for r in rows}
blank = [r for r in rows if r["namespace"] == "kube-system"]
assert len(blank) == 1 and blank[0]["service"] == "" and blank[0]["high"] == 1, blank
EOF

# catalog in uat: its counts are the distinct findings of its reports, as kubectl sees them
kubectl --request-timeout=20s --context nonprod -n storefront-uat get vulnerabilityreports \
	-o json >"$S/reports.json"
check "...catalog uat counts at least its reports' CVEs (kubectl)" python3 - "$S/all.json" "$S/reports.json" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))
items = json.load(open(sys.argv[2]))["items"]
seen = {}
for it in items:
    rs = it["metadata"]["labels"].get("trivy-operator.resource.name", "")
    if not rs.startswith("catalog-"):
        continue
    for v in it["report"].get("vulnerabilities", []):
        seen[(v["vulnerabilityID"], v["resource"])] = v["severity"].lower()
row = [r for r in rows if r["service"] == "catalog" and r["environment"] == "uat"
       and r["workload"].startswith("Deployment/")]
assert len(row) == 1, row
# policy and config-audit results add to them: the vulnerabilities are a lower bound
for sev in ("critical", "high", "medium", "low"):
    want = sum(1 for s in seen.values() if s == sev)
    assert row[0][sev] >= want, (sev, row[0][sev], want)
assert any(s == "critical" for s in seen.values()), "2.6.4 should carry a critical CVE"
EOF

# ---- CSV ------------------------------------------------------------------------------
expect_rc 0 "opsdeck findings -o csv" "$OPSDECK" findings -o csv
check "...parses with Python's csv module, same rows as JSON" python3 - "$S/out" "$S/all.json" <<'EOF'
import csv, json, sys
with open(sys.argv[1], newline="") as f:
    rows = list(csv.reader(f))
assert rows[0] == ["SERVICE", "ENVIRONMENT", "CLUSTER", "NAMESPACE", "WORKLOAD", "CRITICAL",
                   "HIGH", "MEDIUM", "LOW", "UNKNOWN"], rows[0]
js = json.load(open(sys.argv[2]))
assert len(rows) - 1 == len(js)
for r, j in zip(rows[1:], js):
    assert r[0] == j["service"] and r[4] == j["workload"] and int(r[5]) == j["critical"], (r, j)
assert open(sys.argv[1], "rb").read().endswith(b"\r\n")
EOF

# ---- filters --------------------------------------------------------------------------
expect_rc 0 "--service catalog -o json" "$OPSDECK" findings --service catalog -o json
check "...only catalog, every environment" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
assert rows and all(r["service"] == "catalog" for r in rows)
assert {"dev", "sit", "uat", "pre", "prd"} <= {r["environment"] for r in rows}, rows' "$S/out"
expect_rc 0 "--service catalog --env uat --source trivy,policy -o csv" \
	"$OPSDECK" findings --service catalog --env uat --source trivy,policy -o csv
check "...one row" sh -c '[ "$(wc -l <"$1")" -eq 2 ] && grep -q "^catalog,uat,nonprod,storefront-uat,Deployment/catalog," "$1"' sh "$S/out"
expect_rc 0 "--cluster prod -o json" "$OPSDECK" findings --cluster prod -o json
check "...only prod" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
assert rows and all(r["cluster"] == "prod" for r in rows)' "$S/out"
expect_rc 0 "--fixable -o json" "$OPSDECK" findings --fixable -o json
check "...never more than all, and fewer somewhere" python3 - "$S/out" "$S/all.json" <<'EOF'
import json, sys
fix = json.load(open(sys.argv[1]))
full = {(r["cluster"], r["namespace"], r["workload"]): r for r in json.load(open(sys.argv[2]))}
assert len(fix) == len(full)
less = False
for r in fix:
    a = full[(r["cluster"], r["namespace"], r["workload"])]
    for k in ("critical", "high", "medium", "low"):
        assert r[k] <= a[k], (r, a)
        less |= r[k] < a[k]
assert less
EOF
expect_rc 0 "--group service --source trivy --source policy -o json" \
	"$OPSDECK" findings --group service --source trivy --source policy -o json
check "...one row per service with its workloads" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
cat = [r for r in rows if r["service"] == "catalog"]
assert len(cat) == 1 and cat[0]["workloads"] == 5, cat' "$S/out"
expect_rc 2 "-o yaml is a usage error" "$OPSDECK" findings -o yaml
expect_rc 2 "an unknown flag is a usage error" "$OPSDECK" findings --severity high
expect_rc 1 "an unknown cluster fails" "$OPSDECK" findings --cluster nowhere

# ---- SonarQube, DefectDojo and Harbor (platform.yaml scanners:) ------------------------
expect_rc 0 "--source sonarqube -o json" "$OPSDECK" findings --source sonarqube -o json
check "...checkout-web's failing quality gate: a project row, no environment" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
assert rows and all(r["workload"].startswith("SonarProject/") for r in rows), rows[:2]
assert all(r["environment"] == "" and r["cluster"] == "" for r in rows), rows[:2]
cw = [r for r in rows if r["workload"] == "SonarProject/checkout-web"]
assert len(cw) == 1 and cw[0]["service"] == "checkout-web" and cw[0]["high"] >= 1, cw
assert rows[0] == cw[0], "checkout-web should be the worst project"' "$S/out"
expect_rc 0 "--source harbor -o json" "$OPSDECK" findings --source harbor -o json
check "...catalog 2.6.4's critical, in each environment running it" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
assert rows and all(r["workload"].startswith("Image/") for r in rows), rows[:2]
bad = [r for r in rows if r["workload"] == "Image/catalog:2.6.4"]
assert bad and all(r["critical"] >= 1 and r["service"] == "catalog" for r in bad), bad
assert "uat" in {r["environment"] for r in bad}, bad
assert all(r["namespace"] == "storefront-" + r["environment"] for r in bad), bad
assert all(r["critical"] == 0 for r in rows if r["workload"] == "Image/catalog:2.6.3")' "$S/out"
expect_rc 0 "--source defectdojo -o json" "$OPSDECK" findings --source defectdojo -o json
check "...payments-api's active findings (a critical and a medium)" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
assert rows and all(r["workload"].startswith("DefectDojoProduct/") for r in rows), rows[:2]
p = [r for r in rows if r["service"] == "payments-api"]
assert len(p) == 1 and p[0]["critical"] == 1 and p[0]["medium"] == 1, p' "$S/out"
expect_rc 0 "--source sonarqube,harbor" "$OPSDECK" findings --source sonarqube,harbor -o csv
cp "$S/out" "$S/two.csv"
expect_rc 0 "...the same as --source harbor --source sonarqube" \
	"$OPSDECK" findings --source harbor --source sonarqube -o csv
check "...same rows, only those scanners'" sh -c 'cmp -s "$1" "$2" &&
	! grep -vqE "^SERVICE,|,(SonarProject|Image)/" "$1" && grep -q ",SonarProject/" "$1" &&
	grep -q ",Image/" "$1"' sh "$S/out" "$S/two.csv"
expect_rc 2 "--source bogus is a usage error" "$OPSDECK" findings --source trivy,bogus

# ---- --tenant and the Markdown report -----------------------------------------------------
expect_rc 0 "--tenant payments --group service -o json" \
	"$OPSDECK" findings --tenant payments --group service -o json
check "...only the tenant's services, the scanners' included" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
got = {r["service"] for r in rows} - {""}   # "": reports on namespaces of the tenant
assert got == {"payments-api", "ledger", "fraud-check", "audit-trail"}, got' "$S/out"
expect_rc 2 "--tenant nobody is a usage error" "$OPSDECK" findings --tenant nobody
expect_rc 0 "--tenant storefront --group service -o md" \
	"$OPSDECK" findings --tenant storefront --group service -o md
cp "$S/out" "$S/report.md"
expect_rc 0 "...and -o json of the same" \
	"$OPSDECK" findings --tenant storefront --group service -o json
check "...a title with the scope and the day, a table, totals that add up" \
	python3 - "$S/report.md" "$S/out" "$(date -u +%Y-%m-%d)" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[0] == "## Security findings: tenant storefront, by service (%s)" % sys.argv[3], lines[0]
assert lines[1] == "" and lines[-1] == ""
rows = [l for l in lines[2:] if l]
cells = lambda l: [c.strip() for c in l.strip("|").split("|")]
head = cells(rows[0])
assert head == ["Service", "Workloads", "Critical", "High", "Medium", "Low", "Unknown"], head
assert cells(rows[1]) == ["---"] + ["---:"] * 6, rows[1]
body, total = [cells(r) for r in rows[2:-1]], cells(rows[-1])
assert all(len(r) == len(head) for r in body + [total])
js = json.load(open(sys.argv[2]))
assert [r[0] for r in body] == [j["service"] for j in js]
assert "catalog" in [r[0] for r in body] and "checkout-web" in [r[0] for r in body]
assert total[0] == "**Total**"
for i, k in enumerate(["workloads", "critical", "high", "medium", "low", "unknown"], 1):
    assert int(total[i]) == sum(j[k] for j in js) == sum(int(r[i]) for r in body), k
EOF
expect_rc 0 "-o md with nothing to show" "$OPSDECK" findings --service nothing-here -o md
check "...says so under its title" sh -c '
	[ "$(sed -n 3p "$1")" = "No findings." ] &&
	grep -q "^## Security findings: service nothing-here (" "$1"' sh "$S/out"

# A scanner that cannot be reached: the clusters' findings and the other scanners' still
# show, the failure is a note on stderr, and the exit stays 0 (a cluster not read is 1).
sed "s#^    url: $SANDBOX_URL/sonarqube\$#    url: https://127.0.0.1:1/sonarqube#" \
	"$S/platform.yaml" >"$S/platform-nosonar.yaml"
expect_rc 0 "SonarQube unreachable: exit 0" \
	"$OPSDECK" --platform "$S/platform-nosonar.yaml" findings -o csv
check "...a note on stderr names SonarQube" grep -q '^opsdeck findings: note: sonarqube: ' "$S/err"
check "...the clusters', Harbor's and DefectDojo's findings still show, not SonarQube's" sh -c '
	grep -q "^catalog,uat,nonprod,storefront-uat,Deployment/catalog," "$1" &&
	grep -q "^catalog,uat,nonprod,storefront-uat,Image/catalog:2.6.4,1," "$1" &&
	grep -q ",DefectDojoProduct/payments-api," "$1" && ! grep -q ",SonarProject/" "$1"' sh "$S/out"

# ---- the promotion gate -------------------------------------------------------------------
if [ -d "$S/gitops.git" ]; then
	expect_rc 1 "promote catalog uat -> pre: blocked by the critical finding of 2.6.4" \
		"$OPSDECK" promote catalog --from uat --to pre --dry-run
	check "...the plan shows the gate failed" \
		grep -q '\[!!\] no critical finding in the version: catalog 2.6.4 in uat has' "$S/out"
	check "...and the error says why" grep -q 'blocked: no critical finding in the version' "$S/err"
	expect_rc 1 "...with --yes too: nothing is committed" \
		"$OPSDECK" promote catalog --from uat --to pre --yes
	check "...pre still asks for 2.6.3" sh -c \
		'git --git-dir="$1" show main:envs/pre/catalog/kustomization.yaml | grep -q "newTag: \"2.6.3\""' \
		sh "$S/gitops.git"
	python3 - "$S/platform.yaml" "$S/platform-off.yaml" <<'EOF'
import sys
text = open(sys.argv[1]).read()
text = text.replace('  - name: pre\n', '  - name: pre\n    gates: {no_critical: false}\n', 1)
open(sys.argv[2], "w").write(text)
EOF
	expect_rc 0 "with gates: {no_critical: false} on pre the plan passes" \
		"$OPSDECK" --platform "$S/platform-off.yaml" promote catalog --from uat --to pre --dry-run
	check "...and notes the finding" grep -q '\[ok\] no critical finding in the version: .*1 critical finding' "$S/out"
else
	skip "the sandbox has no GitOps repository: no promotion gate test"
fi

sandbox_stop
tap_done
