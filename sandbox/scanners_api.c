/* The SonarQube, DefectDojo and Harbor stand-ins: the services come from the Deployments
 * in the store (their platform labels), the findings from small fixed tables, so the
 * story is the scenario's: checkout-web fails its quality gate, catalog 2.6.4 (the bad
 * version) carries a critical vulnerability, DefectDojo tracks a few services. */
#include "sandbox/scanners_api.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "sandbox/objstore.h"
#include "sandbox/server.h"

#define LBL_TENANT "platform.opsdeck.dev/tenant"
#define LBL_SERVICE "platform.opsdeck.dev/service"
#define HARBOR_MIME "application/vnd.security.vulnerability.report; version=1.1"
#define SONAR_GATE_FAILS "checkout-web"
#define HARBOR_BAD_SERVICE "catalog"
#define HARBOR_BAD_TAG "2.6.4"

/* ---- credentials ---------------------------------------------------------------------- */

static char *sonar_token, *dojo_token, *harbor_password;
static pthread_once_t tokens_once = PTHREAD_ONCE_INIT;

static char *random_hex(const char *prefix, size_t bytes)
{
	unsigned char buf[32];
	if (bytes > sizeof(buf))
		bytes = sizeof(buf);
	if (RAND_bytes(buf, (int)bytes) != 1)
		for (size_t i = 0; i < bytes; i++)
			buf[i] = (unsigned char)(rand() & 0xff);
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, prefix);
	for (size_t i = 0; i < bytes; i++)
		strbuf_printf(&sb, "%02x", buf[i]);
	return strbuf_detach(&sb);
}

static void tokens_init(void)
{
	sonar_token = random_hex("squ_", 20);   /* SonarQube user tokens: squ_ + 40 hex */
	dojo_token = random_hex("", 20);        /* DefectDojo API v2 keys: 40 hex */
	harbor_password = random_hex("", 16);
}

const char *sbx_sonarqube_token(void)
{
	pthread_once(&tokens_once, tokens_init);
	return sonar_token;
}

const char *sbx_defectdojo_token(void)
{
	pthread_once(&tokens_once, tokens_init);
	return dojo_token;
}

const char *sbx_harbor_password(void)
{
	pthread_once(&tokens_once, tokens_init);
	return harbor_password;
}

static bool basic_is(const char *auth, const char *user, const char *password)
{
	if (!auth || strncmp(auth, "Basic ", 6))
		return false;
	char *plain = xasprintf("%s:%s", user, password);
	size_t n = strlen(plain);
	char *enc = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)enc, (const unsigned char *)plain, (int)n);
	bool ok = !strcmp(auth + 6, enc);
	free(plain);
	free(enc);
	return ok;
}

/* SonarQube takes its token as a bearer or as the basic-auth user (empty password). */
static bool sonar_authorized(const char *auth)
{
	const char *t = sbx_sonarqube_token();
	if (auth && !strncmp(auth, "Bearer ", 7))
		return !strcmp(auth + 7, t);
	return basic_is(auth, t, "");
}

/* ---- the services the scenario deploys ----------------------------------------------- */

struct svc {
	const char *tenant, *name;    /* borrowed from the store (lock held) */
};

static int svc_cmp(const void *a, const void *b)
{
	return strcmp(((const struct svc *)a)->name, ((const struct svc *)b)->name);
}

static const char *label(const json_t *obj, const char *key)
{
	const json_t *md = json_object_get(obj, "metadata");
	return json_string_value(json_object_get(json_object_get(md, "labels"), key));
}

/* Every (tenant, service) with a Deployment in some cluster, sorted by service. */
static size_t services_list(struct objstore *st, struct svc **out)
{
	struct svc *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t c = 0; c < st->nclusters; c++) {
		struct objstore_cluster *cl = &st->clusters[c];
		const struct resource *res = resource_find(&cl->resources, "apps", "v1",
							   "deployments");
		if (!res)
			continue;
		const json_t **objs;
		const char **keys;
		size_t m = objstore_list(cl, res, NULL, NULL, &objs, &keys);
		for (size_t i = 0; i < m; i++) {
			const char *t = label(objs[i], LBL_TENANT), *s = label(objs[i], LBL_SERVICE);
			bool seen = !t || !s;
			for (size_t k = 0; k < n && !seen; k++)
				seen = !strcmp(v[k].name, s);
			if (seen)
				continue;
			v = xgrow(v, &cap, n + 1, sizeof(*v));
			v[n++] = (struct svc){t, s};
		}
		free(objs);
		free(keys);
	}
	if (n)
		qsort(v, n, sizeof(*v), svc_cmp);
	*out = v;
	return n;
}

static const struct svc *service_find(const struct svc *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

/* A stable small number per name, for "some services have more findings". */
static unsigned name_hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* ---- SonarQube ------------------------------------------------------------------------ */

struct sonar_issue_tpl {
	const char *rule, *severity, *impact, *quality, *type, *file, *message;
	int line;
};

static const struct sonar_issue_tpl sonar_tpls[] = {
	{"java:S2068", "BLOCKER", "BLOCKER", "SECURITY", "VULNERABILITY",
	 "src/main/java/shop/Config.java", "\"password\" detected here, make sure this is not a hard-coded credential.", 42},
	{"java:S2095", "CRITICAL", "HIGH", "RELIABILITY", "BUG",
	 "src/main/java/shop/Store.java", "Use try-with-resources or close this \"Connection\" in a \"finally\" clause.", 118},
	{"java:S1192", "MINOR", "LOW", "MAINTAINABILITY", "CODE_SMELL",
	 "src/main/java/shop/Handler.java", "Define a constant instead of duplicating this literal \"application/json\" 4 times.", 27},
	{"java:S3776", "CRITICAL", "HIGH", "MAINTAINABILITY", "CODE_SMELL",
	 "src/main/java/shop/Pricing.java", "Refactor this method to reduce its Cognitive Complexity from 31 to the 15 allowed.", 73},
	{"java:S1144", "MAJOR", "MEDIUM", "MAINTAINABILITY", "CODE_SMELL",
	 "src/main/java/shop/Cache.java", "Remove this unused private \"evictAll\" method.", 96},
	{"java:S5332", "CRITICAL", "HIGH", "SECURITY", "VULNERABILITY",
	 "src/main/java/shop/Client.java", "Using http protocol is insecure. Use https instead.", 55},
};
#define SONAR_NTPL (sizeof(sonar_tpls) / sizeof(sonar_tpls[0]))

/* Which templates a project has: the failing one all of them, others 0 to 3. */
static size_t sonar_issue_count(const char *service)
{
	if (!strcmp(service, SONAR_GATE_FAILS))
		return SONAR_NTPL;
	return name_hash(service) % 4;
}

static json_t *sonar_issue(const char *key, size_t i)
{
	const struct sonar_issue_tpl *t = &sonar_tpls[(name_hash(key) + i) % SONAR_NTPL];
	char *ikey = xasprintf("AZ%08x-%04zx-%s", name_hash(key), i, key);
	char *comp = xasprintf("%s:%s", key, t->file);
	json_t *issue = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s}], s:s, s:i, s:{s:i, s:i, "
		"s:i, s:i}, s:[], s:s, s:s, s:s, s:s, s:[], s:s}",
		"key", ikey, "rule", t->rule, "severity", t->severity, "component", comp,
		"project", key, "status", "OPEN", "cleanCodeAttribute", "CONVENTIONAL",
		"cleanCodeAttributeCategory", "CONSISTENT", "impacts", "softwareQuality",
		t->quality, "severity", t->impact, "message", t->message, "line", t->line,
		"textRange", "startLine", t->line, "endLine", t->line, "startOffset", 4,
		"endOffset", 30, "flows", "effort", "10min", "author", "dev@example.com",
		"creationDate", "2026-11-02T10:15:00+0000", "updateDate", "2026-11-02T10:15:00+0000",
		"tags", "type", t->type);
	free(ikey);
	free(comp);
	return issue;
}

static void sonar_reply_error(struct apireq *req, unsigned code, const char *msg)
{
	apireq_reply_json(req, code, json_pack("{s:[{s:s}]}", "errors", "msg", msg));
}

static void sonar_gate(struct apireq *req, const char *key)
{
	bool fails = !strcmp(key, SONAR_GATE_FAILS);
	json_t *conds = json_pack(
		"[{s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s}]",
		"status", fails ? "ERROR" : "OK", "metricKey", "new_coverage", "comparator", "LT",
		"errorThreshold", "80", "actualValue", fails ? "61.3" : "86.2",
		"status", fails ? "ERROR" : "OK", "metricKey", "new_security_rating",
		"comparator", "GT", "errorThreshold", "1", "actualValue", fails ? "5" : "1",
		"status", "OK", "metricKey", "new_duplicated_lines_density", "comparator", "GT",
		"errorThreshold", "3", "actualValue", "0.8");
	apireq_reply_json(req, 200, json_pack(
		"{s:{s:s, s:b, s:s, s:o, s:{s:s, s:s}}}", "projectStatus",
		"status", fails ? "ERROR" : "OK", "ignoredConditions", 0,
		"caycStatus", fails ? "non-compliant" : "compliant", "conditions", conds,
		"period", "mode", "PREVIOUS_VERSION", "date", "2026-11-01T09:00:00+0000"));
}

static long query_long(const struct apireq *req, const char *key, long dflt, long max)
{
	const char *v = apireq_query(req, key);
	char *end;
	long n = v ? strtol(v, &end, 10) : dflt;
	if (!v || *end || n < 1)
		n = dflt;
	return n > max ? max : n;
}

static void sonar_issues(struct apireq *req, const char *key)
{
	long ps = query_long(req, "ps", 100, 500), p = query_long(req, "p", 1, 1000000);
	size_t total = sonar_issue_count(key);
	json_t *issues = json_array();
	for (size_t i = (size_t)((p - 1) * ps); i < total && i < (size_t)(p * ps); i++)
		json_array_append_new(issues, sonar_issue(key, i));
	/* the keys of SonarQube 10's answer (its deprecated top-level total/p/ps left out) */
	apireq_reply_json(req, 200, json_pack(
		"{s:{s:i, s:i, s:i}, s:o, s:[{s:s, s:b, s:s, s:s, s:s}]}",
		"paging", "pageIndex", (int)p, "pageSize", (int)ps, "total", (int)total,
		"issues", issues, "components", "key", key, "enabled", 1, "qualifier", "TRK",
		"name", key, "longName", key));
}

static void sonar_handle(struct apireq *req, const char *path, const struct svc *v, size_t n)
{
	if (!sonar_authorized(apireq_header(req, "Authorization"))) {
		sonar_reply_error(req, 401, "Authentication required");
		return;
	}
	bool gate = !strcmp(path, "/api/qualitygates/project_status");
	bool issues = !strcmp(path, "/api/issues/search");
	if (!gate && !issues) {
		sonar_reply_error(req, 404, "Unknown url");
		return;
	}
	const char *key = apireq_query(req, gate ? "projectKey" : "componentKeys");
	if (!key || !*key) {
		sonar_reply_error(req, 400, gate ? "The 'projectKey' parameter is missing"
					     : "The 'componentKeys' parameter is missing");
		return;
	}
	if (!service_find(v, n, key)) {
		char *msg = xasprintf("Project '%s' not found", key);
		sonar_reply_error(req, 404, msg);
		free(msg);
		return;
	}
	if (gate)
		sonar_gate(req, key);
	else
		sonar_issues(req, key);
}

/* ---- DefectDojo ----------------------------------------------------------------------- */

struct dojo_tpl {
	const char *service, *title, *severity, *cve, *component, *version, *mitigation;
	double cvss;
	bool active;
};

static const struct dojo_tpl dojo_tpls[] = {
	{"payments-api", "golang.org/x/crypto: misuse of ServerConfig.PublicKeyCallback",
	 "Critical", "CVE-2024-45337", "golang.org/x/crypto", "0.30.0",
	 "Upgrade golang.org/x/crypto to 0.31.0", 9.1, true},
	{"payments-api", "Open Port: 8081/TCP (debug listener)", "Medium", NULL, NULL, NULL,
	 "Disable the debug listener in production builds", 0, true},
	{"cart", "golang.org/x/net: HTTP/2 rapid reset can cause excessive work",
	 "High", "CVE-2023-44487", "golang.org/x/net", "0.15.0",
	 "Upgrade golang.org/x/net to 0.17.0", 7.5, true},
	{"auth", "jsonwebtoken: unrestricted key type could lead to legacy keys usage",
	 "High", "CVE-2022-23539", "jsonwebtoken", "8.5.1", "Upgrade jsonwebtoken to 9.0.0",
	 8.1, true},
	{"auth", "Missing Content-Security-Policy header", "Low", NULL, NULL, NULL,
	 "Send a Content-Security-Policy header", 0, true},
	{"cart", "golang.org/x/text: denial of service in language tag parsing", "High",
	 "CVE-2022-32149", "golang.org/x/text", "0.3.7", "Upgrade golang.org/x/text to 0.3.8",
	 7.5, false},   /* mitigated: active=true leaves it out */
	{"notifications", "Information disclosure in error pages", "Info", NULL, NULL, NULL,
	 "Return generic error pages", 0, true},
};
#define DOJO_NTPL (sizeof(dojo_tpls) / sizeof(dojo_tpls[0]))

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *dojo_related(const struct dojo_tpl *t, int product_id)
{
	return json_pack("{s:{s:i, s:s, s:{s:i, s:s}, s:{s:i, s:s, s:{s:i, s:s, s:i}}}}",
			 "test", "id", 100 + product_id, "title", "Trivy image scan",
			 "test_type", "id", 84, "name", "Trivy Scan", "engagement",
			 "id", 50 + product_id, "name", "CI/CD main",
			 "product", "id", product_id, "name", t->service, "prod_type", 1);
}

static json_t *dojo_finding(const struct dojo_tpl *t, int id, int product_id, bool related)
{
	json_t *vids = json_array();
	if (t->cve)
		json_array_append_new(vids, json_pack("{s:s}", "vulnerability_id", t->cve));
	json_t *f = json_pack(
		"{s:i, s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:o, s:s, s:b, s:b, s:b, s:b, s:i, s:o, "
		"s:s, s:s, s:[], s:[i]}",
		"id", id, "title", t->title, "severity", t->severity, "cve", str_or_null(t->cve),
		"vulnerability_ids", vids, "component_name", str_or_null(t->component),
		"component_version", str_or_null(t->version), "mitigation", t->mitigation,
		"url", json_null(), "description", t->title, "active", t->active, "verified", 1,
		"false_p", 0, "duplicate", 0, "test", 100 + product_id,
		"cvssv3_score", t->cvss > 0 ? json_real(t->cvss) : json_null(),
		"date", "2026-11-03", "numerical_severity",
		!strcmp(t->severity, "Critical") ? "S0" : !strcmp(t->severity, "High") ? "S1" :
		!strcmp(t->severity, "Medium") ? "S2" : !strcmp(t->severity, "Low") ? "S3" : "S4",
		"tags", "found_by", 84);
	json_object_set_new(f, "related_fields", related ? dojo_related(t, product_id) : json_null());
	return f;
}

static char *dojo_page_url(const struct apireq *req, bool active, long limit, long offset)
{
	return xasprintf("%s/defectdojo/api/v2/findings/?%slimit=%ld&offset=%ld%s",
			 req->srv->base_url, active ? "active=true&" : "", limit, offset,
			 apireq_query_bool(req, "related_fields") ? "&related_fields=true" : "");
}

static void dojo_findings(struct apireq *req, const struct svc *v, size_t n)
{
	bool active = apireq_query_bool(req, "active");
	bool related = apireq_query_bool(req, "related_fields");
	long limit = query_long(req, "limit", 25, 1000);
	const char *o = apireq_query(req, "offset");
	long offset = o ? atol(o) : 0;
	if (offset < 0)
		offset = 0;
	json_t *all = json_array();
	for (size_t i = 0; i < DOJO_NTPL; i++) {
		const struct svc *s = service_find(v, n, dojo_tpls[i].service);
		if (!s || (active && !dojo_tpls[i].active))
			continue;
		json_array_append_new(all, dojo_finding(&dojo_tpls[i], 1000 + (int)i,
							(int)(s - v) + 1, related));
	}
	long count = (long)json_array_size(all);
	json_t *page = json_array();
	for (long i = offset; i < count && i < offset + limit; i++)
		json_array_append(page, json_array_get(all, (size_t)i));
	json_decref(all);
	char *next = offset + limit < count ? dojo_page_url(req, active, limit, offset + limit)
					    : NULL;
	char *prev = offset > 0 ? dojo_page_url(req, active, limit,
						offset > limit ? offset - limit : 0) : NULL;
	apireq_reply_json(req, 200, json_pack("{s:i, s:o, s:o, s:o, s:{}}", "count", (int)count,
					      "next", str_or_null(next), "previous",
					      str_or_null(prev), "results", page, "prefetch"));
	free(next);
	free(prev);
}

static void dojo_handle(struct apireq *req, const char *path, const struct svc *v, size_t n)
{
	const char *auth = apireq_header(req, "Authorization");
	if (!auth || strncmp(auth, "Token ", 6) || strcmp(auth + 6, sbx_defectdojo_token())) {
		apireq_reply_json(req, 401, json_pack("{s:s}", "detail", auth ? "Invalid token." :
					"Authentication credentials were not provided."));
		return;
	}
	if (strcmp(path, "/api/v2/findings/") && strcmp(path, "/api/v2/findings")) {
		apireq_reply_json(req, 404, json_pack("{s:s}", "detail", "Not found."));
		return;
	}
	dojo_findings(req, v, n);
}

/* ---- Harbor --------------------------------------------------------------------------- */

struct harbor_tpl {
	const char *id, *package, *version, *fix, *severity, *description, *cwe;
	double cvss;
};

static const struct harbor_tpl harbor_critical = {
	"CVE-2024-45337", "golang.org/x/crypto", "v0.30.0", "0.31.0", "Critical",
	"Applications and libraries which misuse ServerConfig.PublicKeyCallback may be "
	"susceptible to an authorization bypass.", "CWE-285", 9.1};

static const struct harbor_tpl harbor_tpls[] = {
	{"CVE-2019-1010022", "libc6", "2.36-9+deb12u8", "", "Low",
	 "GNU Libc current is affected by: Mitigation bypass. The impact is: Attacker may bypass "
	 "stack guard protection.", "CWE-119", 9.8},
	{"CVE-2023-45853", "zlib1g", "1:1.2.13.dfsg-1", "", "Medium",
	 "MiniZip in zlib through 1.3 has an integer overflow and resultant heap-based buffer "
	 "overflow in zipOpenNewFileInZip4_64.", "CWE-190", 9.8},
	{"CVE-2024-2511", "libssl3", "3.0.13-1~deb12u1", "3.0.14-1~deb12u1", "Low",
	 "Issue summary: Some non-default TLS server configurations can cause unbounded memory "
	 "growth when processing TLSv1.3 sessions.", "CWE-1325", 5.9},
	{"CVE-2023-44487", "golang.org/x/net", "v0.15.0", "0.17.0", "High",
	 "The HTTP/2 protocol allows a denial of service (server resource consumption) because "
	 "request cancellation can reset many streams quickly.", "CWE-400", 7.5},
};
#define HARBOR_NTPL (sizeof(harbor_tpls) / sizeof(harbor_tpls[0]))

/* The vulnerabilities of repo:tag: a base-image pair for everyone, one more for some, the
 * critical for the bad version. Returns how many went into out (up to 4). */
static size_t harbor_vulns(const char *repo, const char *tag, const struct harbor_tpl **out)
{
	size_t n = 0;
	out[n++] = &harbor_tpls[0];
	out[n++] = &harbor_tpls[2];
	unsigned h = name_hash(repo);
	if (h % 3 == 0)
		out[n++] = &harbor_tpls[1];
	if (h % 3 == 1)
		out[n++] = &harbor_tpls[3];
	if (!strcmp(repo, HARBOR_BAD_SERVICE) && !strcmp(tag, HARBOR_BAD_TAG))
		out[n++] = &harbor_critical;
	return n;
}

static const char *const harbor_sev_names[] = {"Critical", "High", "Medium", "Low"};

/* The worst severity among vs, as Harbor names it ("None" for none). */
static const char *harbor_worst(const struct harbor_tpl **vs, size_t n)
{
	for (int s = 0; s < 4; s++)
		for (size_t i = 0; i < n; i++)
			if (!strcmp(vs[i]->severity, harbor_sev_names[s]))
				return harbor_sev_names[s];
	return "None";
}

static json_t *harbor_overview(const struct harbor_tpl **vs, size_t n)
{
	json_t *sum = json_object();
	int fixable = 0;
	for (size_t i = 0; i < n; i++) {
		json_int_t c = json_integer_value(json_object_get(sum, vs[i]->severity));
		json_object_set_new(sum, vs[i]->severity, json_integer(c + 1));
		fixable += *vs[i]->fix != '\0';
	}
	return json_pack("{s:{s:s, s:s, s:s, s:i, s:{s:i, s:i, s:o}, s:s, s:s, s:i, "
			 "s:{s:s, s:s, s:s}}}", HARBOR_MIME,
			 "report_id", "5f0e4c2a-3b1d-4f7e-9a61-2c8d7e4b9a10", "scan_status", "Success",
			 "severity", harbor_worst(vs, n), "duration", 7,
			 "summary", "total", (int)n, "fixable", fixable, "summary", sum,
			 "start_time", "2026-11-03T08:00:00Z", "end_time", "2026-11-03T08:00:07Z",
			 "complete_percent", 100, "scanner", "name", "Trivy", "vendor",
			 "Aqua Security", "version", "v0.56.2");
}

static json_t *harbor_vuln_list(const struct harbor_tpl **vs, size_t n, const char *digest)
{
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct harbor_tpl *t = vs[i];
		char *link = xasprintf("https://avd.aquasec.com/nvd/%s", t->id);
		for (char *p = link; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		json_array_append_new(list, json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:[s], s:{s:f, s:n, s:s, s:s}, s:[s]}",
			"id", t->id, "package", t->package, "version", t->version,
			"fix_version", t->fix, "severity", t->severity, "description",
			t->description, "links", link, "artifact_digests", digest, "preferred_cvss",
			"score_v3", t->cvss, "score_v2", "vector_v3", "", "vector_v2", "",
			"cwe_ids", t->cwe));
		free(link);
	}
	return list;
}

static void harbor_error(struct apireq *req, unsigned code, const char *kind, const char *msg)
{
	apireq_reply_json(req, code, json_pack("{s:[{s:s, s:s}]}", "errors", "code", kind,
					       "message", msg));
}

/* A tag as Harbor would hold: a version built by the scenario's CI. */
static bool plausible_tag(const char *tag)
{
	if (!*tag || strlen(tag) > 64)
		return false;
	return strspn(tag, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._-") ==
	       strlen(tag);
}

static void harbor_artifact(struct apireq *req, const char *project, const char *repo,
			    const char *tag, bool vulns_only)
{
	const struct harbor_tpl *vs[8];
	size_t n = harbor_vulns(repo, tag, vs);
	char *digest = xasprintf("sha256:%08x%08x%048d", name_hash(repo), name_hash(tag), 0);
	if (vulns_only) {
		apireq_reply_json(req, 200, json_pack(
			"{s:{s:s, s:{s:s, s:s, s:s}, s:s, s:o}}", HARBOR_MIME,
			"generated_at", "2026-11-03T08:00:07Z", "scanner", "name", "Trivy",
			"vendor", "Aqua Security", "version", "v0.56.2", "severity",
			harbor_worst(vs, n), "vulnerabilities",
			harbor_vuln_list(vs, n, digest)));
	} else {
		char *name = xasprintf("%s/%s", project, repo);
		json_t *a = json_pack(
			"{s:i, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:[{s:i, s:s, s:s, s:b}]}",
			"id", (int)(name_hash(name) % 100000), "digest", digest, "type", "IMAGE",
			"media_type", "application/vnd.oci.image.config.v1+json",
			"manifest_media_type", "application/vnd.oci.image.manifest.v1+json",
			"project_id", (int)(name_hash(project) % 1000), "repository_id",
			(int)(name_hash(name) % 10000), "size", 48213504, "push_time",
			"2026-11-03T07:58:12.000Z", "tags", "id", (int)(name_hash(tag) % 100000),
			"name", tag, "push_time", "2026-11-03T07:58:12.000Z", "immutable", 0);
		if (apireq_query_bool(req, "with_scan_overview"))
			json_object_set_new(a, "scan_overview", harbor_overview(vs, n));
		apireq_reply_json(req, 200, a);
		free(name);
	}
	free(digest);
}

/* /api/v2.0/projects/P/repositories/R/artifacts/T[/additions/vulnerabilities]; MHD has
 * decoded the path once, so a repository "a/b" sent as "a%252Fb" arrives as "a%2Fb". */
static void harbor_handle(struct apireq *req, const char *path, const struct svc *v, size_t n)
{
	if (!basic_is(apireq_header(req, "Authorization"), SBX_HARBOR_ROBOT,
		      sbx_harbor_password())) {
		harbor_error(req, 401, "UNAUTHORIZED", "unauthorized");
		return;
	}
	char project[128], repo[128], tag[128], rest[128] = "";
	if (sscanf(path, "/api/v2.0/projects/%127[^/]/repositories/%127[^/]/artifacts/%127[^/]%127s",
		   project, repo, tag, rest) < 3) {
		harbor_error(req, 404, "NOT_FOUND", "not found");
		return;
	}
	bool vulns = !strcmp(rest, "/additions/vulnerabilities");
	const struct svc *s = service_find(v, n, repo);
	if ((*rest && !vulns) || !s || strcmp(s->tenant, project) || !plausible_tag(tag)) {
		char *msg = xasprintf("artifact %s/%s:%s not found", project, repo, tag);
		harbor_error(req, 404, "NOT_FOUND", msg);
		free(msg);
		return;
	}
	harbor_artifact(req, project, repo, tag, vulns);
}

/* ---- routing -------------------------------------------------------------------------- */

static const char *under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(path, prefix, n) || (path[n] != '/' && path[n] != '\0'))
		return NULL;
	return path + n;
}

bool sbx_scanners_owns(const char *path)
{
	return under(path, "/sonarqube") || under(path, "/defectdojo") || under(path, "/harbor");
}

void sbx_scanners_handle(struct apireq *req)
{
	if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")) {
		apireq_reply_json(req, 405, json_pack("{s:s}", "detail", "method not allowed"));
		return;
	}
	struct svc *v;
	size_t n = services_list(&req->srv->store, &v);
	const char *rest;
	if ((rest = under(req->path, "/sonarqube")))
		sonar_handle(req, rest, v, n);
	else if ((rest = under(req->path, "/defectdojo")))
		dojo_handle(req, rest, v, n);
	else if ((rest = under(req->path, "/harbor")))
		harbor_handle(req, rest, v, n);
	free(v);
}
