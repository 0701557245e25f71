#!/bin/sh
# The sandbox's SonarQube, DefectDojo and Harbor APIs over HTTPS (curl): the credentials
# in the state directory and platform.yaml's scanners: section, refusals without them,
# the scenario's story (checkout-web fails its gate, catalog 2.6.4 has a critical), paging,
# and every answer shaped like the real payloads in tests/fixtures (no key they lack).
. "$(dirname "$0")/../lib/sandbox.sh"

sandbox_start
S=$SANDBOX_STATE
FIX=$ROOT/tests/fixtures
T=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-scanners.XXXXXX")
mkdir -p "$T/bin"
printf '#!/bin/sh\nexec curl -sS --cacert "%s/ca.crt" "$@"\n' "$S" >"$T/bin/anon"
printf '#!/bin/sh\nexec curl -sS --cacert "%s/ca.crt" -H "Authorization: Bearer $(cat %s/sonarqube.token)" "$@"\n' "$S" "$S" >"$T/bin/sonar"
printf '#!/bin/sh\nexec curl -sS --cacert "%s/ca.crt" -H "Authorization: Token $(cat %s/defectdojo.token)" "$@"\n' "$S" "$S" >"$T/bin/dojo"
printf '#!/bin/sh\nexec curl -sS --cacert "%s/ca.crt" -u "robot\\$opsdeck:$(cat %s/harbor.password)" "$@"\n' "$S" "$S" >"$T/bin/harbor"
printf '#!/bin/sh\nexec python3 -c "import json,sys; d=json.load(sys.stdin); $1"\n' >"$T/bin/py"
# shape SANDBOX_JSON FIXTURE_JSON EXTRA_OK PATH|NEEDS...: at each path (keys joined by
# "::", [0] for the first item) the sandbox's object has no key the real one lacks but
# EXTRA_OK, and every key of NEEDS.
cat >"$T/bin/shape" <<'END'
#!/usr/bin/env python3
import json, sys
mine, real = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
extra_ok = set(sys.argv[3].split(",")) if sys.argv[3] else set()
def at(d, path):
    for p in [x for x in path.split("::") if x]:
        d = d[0] if p == "[0]" else d[p]
    return d
for spec in sys.argv[4:]:
    path, _, needs = spec.partition("|")
    m, r = at(mine, path), at(real, path)
    extra = set(m) - set(r) - extra_ok
    missing = set(needs.split(",")) - set(m) if needs else set()
    assert not extra, "%s: keys the real payload lacks: %s" % (path, sorted(extra))
    assert not missing, "%s: missing %s" % (path, sorted(missing))
END
chmod +x "$T/bin/anon" "$T/bin/sonar" "$T/bin/dojo" "$T/bin/harbor" "$T/bin/py" "$T/bin/shape"
PATH="$T/bin:$PATH"
export PATH T
SQ=$SANDBOX_URL/sonarqube/api
DD=$SANDBOX_URL/defectdojo/api/v2
HB=$SANDBOX_URL/harbor/api/v2.0

check "credentials and platform.yaml's scanners section are written" sh -c "
	test -s '$S/sonarqube.token' -a -s '$S/defectdojo.token' -a -s '$S/harbor.password' &&
	grep -q '^scanners:' '$S/platform.yaml' &&
	grep -qx '    url: $SANDBOX_URL/sonarqube' '$S/platform.yaml' &&
	grep -qx '    token: {file: $S/sonarqube.token}' '$S/platform.yaml' &&
	grep -qx '    token: {file: $S/defectdojo.token}' '$S/platform.yaml' &&
	grep -qx '    password: {file: $S/harbor.password}' '$S/platform.yaml' &&
	grep -qx '    username: robot\$opsdeck' '$S/platform.yaml' &&
	grep -qx '    registry: registry.example.com' '$S/platform.yaml'"

# ---- SonarQube
check "SonarQube: no token is 401 with errors[].msg" sh -c "
	anon -o '$T/b' -w '%{http_code}' '$SQ/qualitygates/project_status?projectKey=cart' | grep -qx 401 &&
	py 'assert d[\"errors\"][0][\"msg\"]' <'$T/b'"
check "SonarQube: the token as basic-auth user works too" sh -c "
	anon -u \"\$(cat '$S/sonarqube.token'):\" '$SQ/qualitygates/project_status?projectKey=cart' |
	py 'assert d[\"projectStatus\"][\"status\"] == \"OK\"'"
check "SonarQube: checkout-web fails its quality gate, shaped like project_status-example" sh -c "
	sonar '$SQ/qualitygates/project_status?projectKey=checkout-web' >'$T/gate' &&
	py 'p = d[\"projectStatus\"]; assert p[\"status\"] == \"ERROR\" and [c for c in p[\"conditions\"] if c[\"status\"] == \"ERROR\"]' <'$T/gate' &&
	shape '$T/gate' '$FIX/sonarqube/project_status-example.json' '' \
		'projectStatus|status,conditions' 'projectStatus::conditions::[0]|status,metricKey,comparator,actualValue'"
check "SonarQube: an unknown project is 404" sh -c "
	sonar -o /dev/null -w '%{http_code}' '$SQ/qualitygates/project_status?projectKey=nope' | grep -qx 404"
check "SonarQube: issues page like search-example, paged by ps/p" sh -c "
	sonar '$SQ/issues/search?componentKeys=checkout-web&resolved=false&ps=4&p=1' >'$T/i1' &&
	sonar '$SQ/issues/search?componentKeys=checkout-web&resolved=false&ps=4&p=2' >'$T/i2' &&
	py 'assert d[\"paging\"][\"total\"] == 6 and len(d[\"issues\"]) == 4' <'$T/i1' &&
	py 'assert len(d[\"issues\"]) == 2 and d[\"paging\"][\"pageIndex\"] == 2' <'$T/i2' &&
	shape '$T/i1' '$FIX/sonarqube/search-example.json' '' \
		'|paging,issues' 'paging|total' 'issues::[0]|key,rule,severity,component,message,impacts' \
		'components::[0]|key'"

# ---- DefectDojo
check "DefectDojo: no token is 401 with detail" sh -c "
	anon -o '$T/b' -w '%{http_code}' '$DD/findings/?active=true' | grep -qx 401 &&
	py 'assert d[\"detail\"]' <'$T/b'"
check "DefectDojo: active findings for a few services, shaped like the real list" sh -c "
	dojo '$DD/findings/?active=true&related_fields=true&limit=100&offset=0' >'$T/dd' &&
	py '
r = d[\"results\"]
assert d[\"count\"] == len(r) >= 3 and d[\"next\"] is None
assert all(f[\"active\"] for f in r)
prods = {f[\"related_fields\"][\"test\"][\"engagement\"][\"product\"][\"name\"] for f in r}
assert 2 <= len(prods) <= 5, prods' <'$T/dd' &&
	shape '$T/dd' '$FIX/defectdojo/FindingService_response_list_fixture.json' vulnerability_ids \
		'|count,next,previous,results' 'results::[0]|id,title,severity,active,component_name,test'"
check "DefectDojo: next pages through with absolute URLs" sh -c "
	dojo '$DD/findings/?active=true&limit=2&offset=0' | py '
assert len(d[\"results\"]) == 2 and d[\"next\"].startswith(\"$SANDBOX_URL/defectdojo/api/v2/findings/?\")
print(d[\"next\"])' >'$T/next' &&
	dojo \"\$(cat '$T/next')\" | py 'assert d[\"previous\"] and d[\"results\"]'"
check "DefectDojo: without active=true the mitigated finding shows too" sh -c "
	dojo '$DD/findings/?limit=100' | py 'assert any(not f[\"active\"] for f in d[\"results\"])'"

# ---- Harbor
A=$HB/projects/storefront/repositories/catalog/artifacts
check "Harbor: a wrong password is 401 with errors[]" sh -c "
	anon -u 'robot\$opsdeck:wrong' -o '$T/b' -w '%{http_code}' '$A/2.6.4' | grep -qx 401 &&
	py 'assert d[\"errors\"][0][\"code\"] == \"UNAUTHORIZED\"' <'$T/b'"
check "Harbor: catalog 2.6.4's scan overview is Critical" sh -c "
	harbor '$A/2.6.4?with_scan_overview=true' | py '
o = d[\"scan_overview\"][\"application/vnd.security.vulnerability.report; version=1.1\"]
assert o[\"scan_status\"] == \"Success\" and o[\"severity\"] == \"Critical\", o
assert o[\"summary\"][\"summary\"][\"Critical\"] == 1 and o[\"summary\"][\"total\"] >= 3'"
check "Harbor: catalog 2.6.3 has no critical" sh -c "
	harbor '$A/2.6.3?with_scan_overview=true' | py '
o = d[\"scan_overview\"][\"application/vnd.security.vulnerability.report; version=1.1\"]
assert o[\"severity\"] != \"Critical\" and \"Critical\" not in o[\"summary\"][\"summary\"]'"
check "Harbor: the vulnerability list is shaped like harbor-trivy-vuln.json" sh -c "
	harbor '$A/2.6.4/additions/vulnerabilities' >'$T/hv' &&
	py '
r = d[\"application/vnd.security.vulnerability.report; version=1.1\"]
assert [v for v in r[\"vulnerabilities\"] if v[\"severity\"] == \"Critical\" and v[\"fix_version\"]]' <'$T/hv' &&
	shape '$T/hv' '$FIX/harbor/harbor-trivy-vuln.json' '' \
		'application/vnd.security.vulnerability.report; version=1.1|severity,vulnerabilities' \
		'application/vnd.security.vulnerability.report; version=1.1::vulnerabilities::[0]|id,package,version,fix_version,severity,links,preferred_cvss'"
check "Harbor: a service under another project is 404" sh -c "
	harbor -o /dev/null -w '%{http_code}' '$HB/projects/payments/repositories/catalog/artifacts/2.6.4' | grep -qx 404"

if sandbox_stop; then ok "the sandbox stops cleanly"; else not_ok "the sandbox stops cleanly"; fi
rm -rf "$T"
tap_done
