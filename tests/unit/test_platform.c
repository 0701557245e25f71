/* Unit tests for core/platform: the sandbox's platform.yaml field by field, every error
 * with its file:line:col, the name patterns, freeze windows across a week boundary and
 * the derivation from Argo CD application lists (hand-written and real). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/platform.h"
#include "core/xalloc.h"
#include "core/yaml.h"
#include "tests/support/tmpdir.h"

#define FIXTURES "tests/fixtures/platform/"

static struct platform *load_ok(const char *path)
{
	char err[512] = "";
	struct platform *p = NULL;
	if (platform_load(path, &p, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_non_null(p);
	return p;
}

/* Parses text, expects failure and returns the message (static buffer). */
static const char *parse_err(const char *text)
{
	static char err[512];
	struct platform *p = (struct platform *)1;
	err[0] = '\0';
	assert_int_equal(platform_parse("platform.yaml", text, strlen(text), &p, err,
					sizeof(err)), -1);
	assert_null(p);
	return err;
}

static struct platform *parse_ok(const char *text)
{
	char err[512] = "";
	struct platform *p = NULL;
	if (platform_parse("platform.yaml", text, strlen(text), &p, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	return p;
}

/* Unix time of a UTC calendar moment. */
static long long utc(int y, int mon, int d, int h, int mi, int s)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mon - 1, .tm_mday = d, .tm_hour = h,
			.tm_min = mi, .tm_sec = s};
	return (long long)timegm(&tm);
}

static json_t *load_yaml(const char *path)
{
	char err[512];
	json_t *docs = yaml_load_file(path, err, sizeof(err));
	if (!docs)
		fail_msg("%s", err);
	json_t *doc = json_incref(json_array_get(docs, 0));
	json_decref(docs);
	return doc;
}

/* ---- the sandbox's file --------------------------------------------------------------- */

static void test_sandbox_clusters_and_tenants(void **state)
{
	(void)state;
	struct platform *p = load_ok(FIXTURES "sandbox.yaml");
	assert_int_equal(p->from_file, PLATFORM_SECTION_CLUSTERS | PLATFORM_SECTION_TENANTS |
					       PLATFORM_SECTION_ENVS | PLATFORM_SECTION_SERVICES);
	assert_int_equal(p->nclusters, 3);
	const struct platform_cluster *c = platform_cluster_find(p, "prod");
	assert_ptr_equal(c, &p->clusters[2]);
	assert_string_equal(c->context, "prod");
	assert_string_equal(c->server, "https://127.0.0.1:8443/clusters/prod");
	assert_int_equal(c->nlabels, 2);
	assert_string_equal(c->labels[0].key, "region");
	assert_string_equal(c->labels[0].value, "eu-central-1");
	assert_string_equal(c->labels[1].key, "tier");
	assert_string_equal(c->labels[1].value, "workload");
	assert_false(c->derived);
	assert_string_equal(p->clusters[0].labels[1].value, "control-plane");
	assert_null(platform_cluster_find(p, "staging"));

	assert_int_equal(p->ntenants, 3);
	const struct platform_tenant *t = platform_tenant_find(p, "storefront");
	assert_ptr_equal(t, &p->tenants[1]);
	assert_string_equal(t->description, "The shop customers see");
	assert_int_equal(t->nprojects, 1);
	assert_string_equal(t->projects[0], "storefront");
	assert_int_equal(t->nnamespaces, 5);
	assert_string_equal(t->namespaces[0], "storefront-dev");
	assert_string_equal(t->namespaces[4], "storefront-prd");
	assert_null(platform_tenant_find(p, NULL));
	platform_free(p);
}

static void test_sandbox_envs_services_gitops(void **state)
{
	(void)state;
	static const char *const order[] = {"dev", "sit", "uat", "pre", "prd"};
	static const enum platform_protection prot[] = {
		PLATFORM_PROTECT_NONE, PLATFORM_PROTECT_NONE, PLATFORM_PROTECT_CONFIRM,
		PLATFORM_PROTECT_CONFIRM, PLATFORM_PROTECT_CONFIRM,
	};
	struct platform *p = load_ok(FIXTURES "sandbox.yaml");
	assert_int_equal(p->nenvs, 5);
	for (int i = 0; i < 5; i++) {
		assert_string_equal(p->envs[i].name, order[i]);
		assert_int_equal(platform_env_index(p, order[i]), i);
		assert_int_equal(p->envs[i].protection, prot[i]);
		assert_int_equal(p->envs[i].nfreeze, i == 4 ? 1 : 0);
	}
	assert_int_equal(platform_env_index(p, "qa"), -1);
	const struct platform_env *prd = platform_env_find(p, "prd");
	assert_string_equal(prd->cluster, "prod");
	assert_string_equal(prd->namespace_pattern, "{tenant}-prd");
	assert_string_equal(prd->freeze[0].schedule, "0 18 * * 5");
	assert_string_equal(prd->freeze[0].duration_text, "62h");
	assert_int_equal(prd->freeze[0].duration, 62 * 3600);
	assert_int_equal(prd->freeze[0].cron.minutes, 1);
	assert_int_equal(prd->freeze[0].cron.hours, 1u << 18);
	assert_int_equal(prd->freeze[0].cron.weekdays, 1u << 5);
	assert_string_equal(platform_env_find(p, "sit")->cluster, "nonprod");

	assert_int_equal(p->nservices, 12);
	const struct platform_service *s = platform_service_find(p, "fraud-check");
	assert_ptr_equal(s, &p->services[2]);
	assert_string_equal(s->tenant, "payments");
	assert_string_equal(s->app_pattern, "{service}-{env}");
	assert_string_equal(s->image, "registry.example.com/payments/fraud-check");
	assert_string_equal(p->services[11].name, "notifications");

	assert_string_equal(p->gitops.repo, "https://git.example.com/platform/gitops.git");
	assert_string_equal(p->gitops.path, "envs/{env}/{service}");
	assert_string_equal(p->gitops.revision, "main");
	assert_int_equal(p->gitops.image_tag, PLATFORM_TAG_KUSTOMIZE);
	assert_null(p->gitops.values_file);
	assert_int_equal(p->gitops.credentials, PLATFORM_CRED_NONE);
	platform_free(p);
}

static void test_helm_fixture(void **state)
{
	(void)state;
	struct platform *p = load_ok(FIXTURES "helm.yaml");
	assert_int_equal(p->from_file, PLATFORM_SECTION_ENVS);
	assert_int_equal(p->nenvs, 2);
	assert_int_equal(p->envs[0].protection, PLATFORM_PROTECT_TYPED);
	assert_null(p->envs[0].namespace_pattern);
	assert_int_equal(p->envs[1].protection, PLATFORM_PROTECT_READONLY);
	assert_null(p->envs[1].cluster);
	assert_int_equal(p->envs[1].nfreeze, 2);
	assert_int_equal(p->envs[1].freeze[0].duration, 9 * 3600 + 30 * 60);
	assert_int_equal(p->envs[1].freeze[0].cron.weekdays, 0x3e);   /* mon-fri */
	assert_int_equal(p->envs[1].freeze[1].duration, 2 * 86400);
	assert_int_equal(p->gitops.image_tag, PLATFORM_TAG_HELM);
	assert_string_equal(p->gitops.values_file, "values/{env}.yaml");
	assert_null(p->gitops.revision);
	assert_int_equal(p->gitops.credentials, PLATFORM_CRED_KEY_FILE);
	assert_string_equal(p->gitops.key_file, "/home/deployer/.ssh/id_ed25519");
	assert_string_equal(platform_protection_name(p->envs[1].protection), "readonly");
	platform_free(p);
}

static void test_credentials_and_defaults(void **state)
{
	(void)state;
	struct platform *p = parse_ok("gitops:\n  repo: r\n  image_tag: helm\n"
				      "  credentials: {token: {env: GITOPS_TOKEN}}\n");
	assert_string_equal(p->gitops.path, "envs/{env}/{service}");
	assert_string_equal(p->gitops.values_file, "values-{env}.yaml");
	assert_int_equal(p->gitops.credentials, PLATFORM_CRED_TOKEN_ENV);
	assert_string_equal(p->gitops.token_ref, "GITOPS_TOKEN");
	assert_int_equal(p->from_file, 0);
	platform_free(p);
	p = parse_ok("gitops: {repo: r, credentials: {token: {file: /run/token}}}\n");
	assert_int_equal(p->gitops.credentials, PLATFORM_CRED_TOKEN_FILE);
	assert_string_equal(p->gitops.token_ref, "/run/token");
	platform_free(p);
	p = parse_ok("gitops: {repo: r, credentials: {ssh_agent: true}}\n");
	assert_int_equal(p->gitops.credentials, PLATFORM_CRED_SSH_AGENT);
	platform_free(p);
	/* empty and comment-only files are an empty model */
	p = parse_ok("# nothing yet\n");
	assert_int_equal(p->nenvs + p->nclusters + p->ntenants + p->nservices, 0);
	assert_null(p->gitops.repo);
	platform_free(p);
}

/* ---- errors ---------------------------------------------------------------------------- */

static void test_errors_name_position(void **state)
{
	(void)state;
	assert_string_equal(parse_err("environments:\n  - name: dev\n  - name: sit\n"
				      "  - name: prd\n    protection: strict\n"),
			    "platform.yaml:5:5: environments[2].protection: expected none, "
			    "confirm, typed or readonly");
	assert_string_equal(parse_err("argocd: {server: x}\ncolour: red\n"),
			    "platform.yaml:2:1: colour: unknown key");
	assert_string_equal(parse_err("services:\n  - name: cart\n    images: x\n"),
			    "platform.yaml:3:5: services[0].images: unknown key");
	assert_string_equal(parse_err("tenants:\n  - name: a\n  - description: x\n"),
			    "platform.yaml:3:5: tenants[1]: missing name");
	assert_string_equal(parse_err("environments:\n  - name: prd\n    freeze:\n"
				      "      - {schedule: \"61 18 * * 5\", duration: 62h}\n"),
			    "platform.yaml:4:10: environments[0].freeze[0].schedule: minute 61 "
			    "is out of range 0-59");
	assert_string_equal(parse_err("environments:\n  - name: prd\n    freeze:\n"
				      "      - schedule: \"0 18 * *\"\n        duration: 62h\n"),
			    "platform.yaml:4:9: environments[0].freeze[0].schedule: expected 5 "
			    "cron fields (minute hour day-of-month month day-of-week), as in "
			    "\"0 18 * * 5\"");
	assert_string_equal(parse_err("environments:\n  - name: prd\n    freeze:\n"
				      "      - {schedule: \"0 18 * * 5\", duration: 62}\n"),
			    "platform.yaml:4:34: environments[0].freeze[0].duration: expected a "
			    "duration like 62h, 90m or 1d12h (at most 366d)");
	assert_string_equal(parse_err("environments:\n  - name: prd\n    freeze:\n"
				      "      - {duration: 2h}\n"),
			    "platform.yaml:4:9: environments[0].freeze[0]: missing schedule "
			    "(cron: minute hour day month weekday)");
	assert_string_equal(parse_err("environments:\n  - name: dev\n  - name: dev\n"),
			    "platform.yaml:3:5: environments[1].name: an environment named dev "
			    "comes earlier");
	assert_string_equal(parse_err("- a\n"),
			    "platform.yaml:1:1: (top level): expected a mapping");
	assert_string_equal(parse_err("a: 1\n---\nb: 2\n"),
			    "platform.yaml:1:1: (top level): expected one YAML document");
}

static void test_errors_references_and_safety(void **state)
{
	(void)state;
	assert_string_equal(parse_err("environments:\n  - {name: prd, cluster: prod}\n"
				      "clusters:\n  - name: nonprod\n"),
			    "platform.yaml:2:17: environments[0].cluster: no cluster named prod "
			    "in clusters");
	assert_string_equal(parse_err("tenants: [{name: shop}]\nservices:\n"
				      "  - {name: cart, tenant: payments}\n"),
			    "platform.yaml:3:18: services[0].tenant: no tenant named payments in "
			    "tenants");
	assert_string_equal(parse_err("services:\n  - name: ../etc\n"),
			    "platform.yaml:2:5: services[0].name: expected a name of letters, "
			    "digits, '-', '_' or '.'");
	assert_string_equal(parse_err("environments:\n  - name: dev\n    namespace: \"{team}-dev\"\n"),
			    "platform.yaml:3:5: environments[0].namespace: unknown placeholder "
			    "{team} (use {env}, {tenant})");
	assert_string_equal(parse_err("gitops:\n  repo: r\n  values_file: v.yaml\n"),
			    "platform.yaml:3:3: gitops.values_file: only with image_tag: helm "
			    "(kustomize edits kustomization.yaml)");
	assert_string_equal(parse_err("gitops:\n  repo: r\n  path: envs/../../x\n"),
			    "platform.yaml:3:3: gitops.path: expected a path without '..'");
	assert_string_equal(parse_err("gitops:\n  repo: r\n  path: /srv/envs\n"),
			    "platform.yaml:3:3: gitops.path: expected a path relative to the "
			    "repository root");
	assert_string_equal(parse_err("gitops:\n  path: envs\n"),
			    "platform.yaml:1:1: gitops: missing repo");
	assert_string_equal(parse_err("gitops:\n  repo: r\n  image_tag: jsonnet\n"),
			    "platform.yaml:3:3: gitops.image_tag: expected kustomize or helm");
	const char *e = parse_err("gitops:\n  repo: r\n  credentials:\n    token: s3cret\n");
	assert_non_null(strstr(e, "platform.yaml:4:5: gitops.credentials.token: an inline "
				  "token is refused"));
	assert_string_equal(parse_err("gitops:\n  repo: r\n  credentials: {ssh_agent: true, "
				      "key_file: k}\n"),
			    "platform.yaml:3:3: gitops.credentials: expected one of "
			    "{ssh_agent: true}, {key_file: PATH} or {token: {env: NAME} | "
			    "{file: PATH}}");
	assert_string_equal(parse_err("clusters:\n  - name: a\n    labels:\n"
				      "      topology.kubernetes.io/zone: 3\n"),
			    "platform.yaml:4:7: clusters[0].labels.topology.kubernetes.io/zone: "
			    "expected a string (quote numbers and booleans)");
	assert_string_equal(parse_err("tenants:\n  - name: a\n    projects: [a, \"\"]\n"),
			    "platform.yaml:3:19: tenants[0].projects[1]: expected a non-empty "
			    "string");
}

static void test_load_files(void **state)
{
	(void)state;
	char dir[256], err[512];
	test_tmp_template(dir, sizeof(dir), "opsdeck-test-platform-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/platform.yaml", dir);
	struct platform *p = NULL;
	/* absent: an empty model, no error */
	assert_int_equal(platform_load(path, &p, err, sizeof(err)), 0);
	assert_non_null(p);
	assert_int_equal(p->nenvs, 0);
	platform_free(p);
	/* a syntax error names the file, line and column */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("environments:\n  - name: [dev\n", f);
	fclose(f);
	assert_int_equal(platform_load(path, &p, err, sizeof(err)), -1);
	assert_null(p);
	char *want = xasprintf("%s:3:1: ", path);
	assert_memory_equal(err, want, strlen(want));
	free(want);
	/* a directory cannot be read */
	assert_int_equal(platform_load(dir, &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, dir));
	unlink(path);
	rmdir(dir);
	free(path);
}

/* ---- patterns -------------------------------------------------------------------------- */

static void test_expanders(void **state)
{
	(void)state;
	struct platform *p = load_ok(FIXTURES "sandbox.yaml");
	char *s = platform_app_name(p, "cart", "prd");
	assert_string_equal(s, "cart-prd");
	free(s);
	s = platform_app_name(p, "not-listed", "uat");
	assert_string_equal(s, "not-listed-uat");
	free(s);
	s = platform_env_namespace(p, "pre", "payments");
	assert_string_equal(s, "payments-pre");
	free(s);
	assert_null(platform_env_namespace(p, "qa", "payments"));
	s = platform_gitops_file(p, "cart", "prd");
	assert_string_equal(s, "envs/prd/cart/kustomization.yaml");
	free(s);
	platform_free(p);

	p = parse_ok("services:\n  - {name: cart, tenant: shop, app: \"{tenant}.{service}.{env}\"}\n"
		     "environments:\n  - {name: live}\n"
		     "gitops: {repo: r, path: \"{tenant}/{env}/\", image_tag: helm}\n");
	s = platform_app_name(p, "cart", "live");
	assert_string_equal(s, "shop.cart.live");
	free(s);
	s = platform_env_namespace(p, "live", "shop");
	assert_string_equal(s, "shop-live");   /* no pattern: {tenant}-{env} */
	free(s);
	s = platform_gitops_file(p, "cart", "live");
	assert_string_equal(s, "shop/live/values-live.yaml");
	free(s);
	platform_free(p);

	p = parse_ok("");
	assert_null(platform_gitops_file(p, "cart", "prd"));
	platform_free(p);
}

/* ---- freeze windows -------------------------------------------------------------------- */

static void test_freeze_across_weekend(void **state)
{
	(void)state;
	struct platform *p = load_ok(FIXTURES "sandbox.yaml");
	const struct platform_env *prd = platform_env_find(p, "prd");
	char why[200] = "untouched";
	/* 2026-11-20 is a Friday */
	assert_false(platform_env_frozen(prd, utc(2026, 11, 20, 17, 59, 59), why, sizeof(why)));
	assert_string_equal(why, "untouched");
	assert_true(platform_env_frozen(prd, utc(2026, 11, 20, 18, 0, 0), why, sizeof(why)));
	assert_string_equal(why, "prd is frozen until Mon 08:00 UTC (window 0 18 * * 5, 62h)");
	assert_true(platform_env_frozen(prd, utc(2026, 11, 22, 12, 0, 0), why, sizeof(why)));
	assert_true(platform_env_frozen(prd, utc(2026, 11, 23, 7, 59, 0), why, sizeof(why)));
	assert_string_equal(why, "prd is frozen until Mon 08:00 UTC (window 0 18 * * 5, 62h)");
	assert_true(platform_env_frozen(prd, utc(2026, 11, 23, 7, 59, 59), NULL, 0));
	assert_false(platform_env_frozen(prd, utc(2026, 11, 23, 8, 0, 0), NULL, 0));
	assert_false(platform_env_frozen(prd, utc(2026, 11, 25, 12, 0, 0), NULL, 0));
	/* the next Friday again; the other environments never freeze */
	assert_true(platform_env_frozen(prd, utc(2026, 11, 27, 23, 0, 0), NULL, 0));
	assert_false(platform_env_frozen(platform_env_find(p, "pre"), utc(2026, 11, 21, 0, 0, 0),
					 NULL, 0));
	platform_free(p);
}

static void test_freeze_several_windows(void **state)
{
	(void)state;
	struct platform *p = load_ok(FIXTURES "helm.yaml");
	const struct platform_env *live = platform_env_find(p, "live");
	char why[200];
	/* 22:30 on weekdays for 9h30m: Friday night runs into Saturday 08:00 */
	assert_true(platform_env_frozen(live, utc(2026, 11, 21, 7, 0, 0), why, sizeof(why)));
	assert_string_equal(why, "live is frozen until Sat 08:00 UTC (window 30 22 * * mon-fri, "
			    "9h30m)");
	assert_false(platform_env_frozen(live, utc(2026, 11, 21, 23, 0, 0), NULL, 0));
	assert_false(platform_env_frozen(live, utc(2026, 11, 23, 1, 0, 0), NULL, 0));
	assert_true(platform_env_frozen(live, utc(2026, 11, 24, 1, 0, 0), NULL, 0));
	/* Christmas Eve (a Thursday) night: both windows; the longer one is named */
	assert_true(platform_env_frozen(live, utc(2026, 12, 24, 23, 0, 0), why, sizeof(why)));
	assert_string_equal(why, "live is frozen until Sat 00:00 UTC (window 0 0 24 12 *, 2d)");
	platform_free(p);

	/* a window ending more than a week away gives the date; across the new year */
	p = parse_ok("environments:\n  - name: prd\n    freeze:\n"
		     "      - {schedule: \"0 0 20 12 *\", duration: 20d}\n");
	assert_true(platform_env_frozen(&p->envs[0], utc(2026, 12, 20, 0, 0, 0), why,
					sizeof(why)));
	assert_string_equal(why, "prd is frozen until 2027-01-09 00:00 UTC (window 0 0 20 12 *, "
			    "20d)");
	assert_true(platform_env_frozen(&p->envs[0], utc(2027, 1, 8, 23, 59, 0), why,
					sizeof(why)));
	assert_string_equal(why, "prd is frozen until Sat 00:00 UTC (window 0 0 20 12 *, 20d)");
	assert_false(platform_env_frozen(&p->envs[0], utc(2027, 1, 9, 0, 0, 0), NULL, 0));
	platform_free(p);
}

static void test_cron_day_rule_and_steps(void **state)
{
	(void)state;
	/* both day fields restricted: the 1st of the month OR any Monday (cron's rule) */
	struct platform *p = parse_ok("environments:\n  - name: prd\n    freeze:\n"
				      "      - {schedule: \"*/20 12 1 * 1\", duration: 10m}\n"
				      "      - {schedule: \"0 9-17/4 * jan,jul *\", duration: 1m}\n");
	const struct platform_env *e = &p->envs[0];
	assert_int_equal(e->freeze[0].cron.minutes, (1ULL << 0) | (1ULL << 20) | (1ULL << 40));
	assert_int_equal(e->freeze[1].cron.hours, (1u << 9) | (1u << 13) | (1u << 17));
	assert_int_equal(e->freeze[1].cron.months, (1u << 1) | (1u << 7));
	assert_true(platform_env_frozen(e, utc(2026, 12, 1, 12, 45, 0), NULL, 0));   /* Tue 1st */
	assert_true(platform_env_frozen(e, utc(2026, 11, 23, 12, 5, 0), NULL, 0));   /* Mon */
	assert_false(platform_env_frozen(e, utc(2026, 11, 24, 12, 5, 0), NULL, 0));  /* Tue */
	assert_false(platform_env_frozen(e, utc(2026, 11, 23, 12, 10, 0), NULL, 0));
	assert_true(platform_env_frozen(e, utc(2027, 7, 14, 13, 0, 30), NULL, 0));
	assert_false(platform_env_frozen(e, utc(2027, 7, 14, 11, 0, 30), NULL, 0));
	platform_free(p);
	assert_non_null(strstr(parse_err("environments:\n  - name: p\n    freeze:\n"
					 "      - {schedule: \"0 18 * * 8\", duration: 1h}\n"),
			       "day of week 8 is out of range 0-7"));
	assert_non_null(strstr(parse_err("environments:\n  - name: p\n    freeze:\n"
					 "      - {schedule: \"0 18 * foo *\", duration: 1h}\n"),
			       "bad month \"foo\""));
	assert_non_null(strstr(parse_err("environments:\n  - name: p\n    freeze:\n"
					 "      - {schedule: \"0 18 * * 5\", duration: 367d}\n"),
			       "expected a duration"));
}

/* ---- derivation ------------------------------------------------------------------------- */

static void test_derive_from_apps(void **state)
{
	(void)state;
	static const char *const envs[] = {"dev", "sit", "uat", "pre", "prd", "qa"};
	struct platform *p = platform_new();
	json_t *apps = load_yaml(FIXTURES "apps.yaml");
	platform_derive(p, apps);

	assert_int_equal(p->nenvs, 6);
	for (int i = 0; i < 6; i++) {
		assert_string_equal(p->envs[i].name, envs[i]);
		assert_true(p->envs[i].derived);
	}
	assert_string_equal(p->envs[0].cluster, "nonprod");
	assert_null(p->envs[0].namespace_pattern);
	assert_int_equal(p->envs[0].protection, PLATFORM_PROTECT_NONE);
	assert_string_equal(p->envs[2].namespace_pattern, "ledger");
	assert_int_equal(p->envs[2].protection, PLATFORM_PROTECT_CONFIRM);
	assert_int_equal(p->envs[3].protection, PLATFORM_PROTECT_CONFIRM);
	assert_string_equal(p->envs[4].cluster, "prod-eu");
	assert_int_equal(p->envs[4].protection, PLATFORM_PROTECT_TYPED);
	assert_string_equal(p->envs[5].cluster, "in-cluster");
	assert_string_equal(p->envs[5].namespace_pattern, "team-payments-qa");

	assert_int_equal(p->nclusters, 3);
	assert_string_equal(p->clusters[0].name, "in-cluster");
	assert_string_equal(p->clusters[0].server, "https://kubernetes.default.svc");
	assert_string_equal(p->clusters[1].name, "nonprod");
	assert_string_equal(p->clusters[1].context, "nonprod");
	assert_null(p->clusters[1].server);
	assert_string_equal(p->clusters[2].name, "prod-eu");

	assert_int_equal(p->ntenants, 3);
	assert_string_equal(p->tenants[0].name, "default");
	const struct platform_tenant *t = platform_tenant_find(p, "payments");
	assert_int_equal(t->nprojects, 1);
	assert_string_equal(t->projects[0], "payments");
	assert_int_equal(t->nnamespaces, 3);
	assert_string_equal(t->namespaces[0], "team-payments-qa");
	assert_string_equal(t->namespaces[2], "billing");
	t = platform_tenant_find(p, "storefront");
	assert_string_equal(t->projects[0], "shop");
	assert_int_equal(t->nnamespaces, 4);

	static const char *const svcs[][3] = {
		{"batch-reports", "default", "batch-reports"},
		{"ledger", "payments", NULL},
		{"legacy-billing-staging", "payments", "legacy-billing-staging"},
		{"cart", "storefront", NULL},
		{"edge-gateway", "storefront", "gateway-{env}"},
		{"search-indexer", "storefront", NULL},
	};
	assert_int_equal(p->nservices, 6);
	for (int i = 0; i < 6; i++) {
		assert_string_equal(p->services[i].name, svcs[i][0]);
		assert_string_equal(p->services[i].tenant, svcs[i][1]);
		if (svcs[i][2])
			assert_string_equal(p->services[i].app_pattern, svcs[i][2]);
		else
			assert_null(p->services[i].app_pattern);
	}
	char *s = platform_app_name(p, "edge-gateway", "prd");
	assert_string_equal(s, "gateway-prd");
	free(s);
	s = platform_env_namespace(p, "sit", "storefront");
	assert_string_equal(s, "storefront-sit");
	free(s);
	json_decref(apps);
	platform_free(p);
}

static void test_derive_keeps_file_sections(void **state)
{
	(void)state;
	struct platform *p = load_ok(FIXTURES "helm.yaml");
	json_t *apps = load_yaml(FIXTURES "apps.yaml");
	platform_derive(p, apps);
	/* the file's environments stay as written, in its order */
	assert_int_equal(p->nenvs, 2);
	assert_string_equal(p->envs[0].name, "test");
	assert_false(p->envs[1].derived);
	assert_int_equal(p->ntenants, 3);
	assert_true(p->tenants[0].derived);
	char *s = platform_gitops_file(p, "cart", "live");
	assert_string_equal(s, "charts/storefront/cart/values/live.yaml");
	free(s);

	/* a second list replaces what the first derived: the real Argo CD application */
	json_t *app = load_yaml("tests/fixtures/argocd/diff-cache.yaml");
	json_t *list = json_pack("{s:[o]}", "items", app);
	platform_derive(p, list);
	assert_int_equal(p->nenvs, 2);
	assert_int_equal(p->ntenants, 1);
	assert_string_equal(p->tenants[0].name, "sre");
	assert_string_equal(p->tenants[0].projects[0], "sre");
	assert_string_equal(p->tenants[0].namespaces[0], "test-lla");
	assert_int_equal(p->nclusters, 1);
	assert_string_equal(p->clusters[0].name, "gke-alpha-01-europe-west1");
	/* the file's environment "test" ends the app's name: the service is "velero" */
	assert_int_equal(p->nservices, 1);
	assert_string_equal(p->services[0].name, "velero");
	assert_string_equal(p->services[0].tenant, "sre");
	assert_null(p->services[0].app_pattern);
	s = platform_app_name(p, "velero", "live");
	assert_string_equal(s, "velero-live");
	free(s);
	json_decref(list);
	json_decref(apps);
	platform_free(p);
}

static void test_derive_real_app_alone_and_full_file(void **state)
{
	(void)state;
	json_t *app = load_yaml("tests/fixtures/argocd/diff-cache.yaml");
	json_t *list = json_pack("{s:[O]}", "items", app);
	struct platform *p = platform_new();
	platform_derive(p, list);
	assert_int_equal(p->nenvs, 0);   /* no environment label */
	assert_int_equal(p->ntenants, 1);
	assert_int_equal(p->nservices, 1);
	assert_string_equal(p->services[0].name, "velero-test");   /* no environment to strip */
	assert_string_equal(p->services[0].app_pattern, "velero-test");
	assert_string_equal(p->clusters[0].name, "gke-alpha-01-europe-west1");
	platform_derive(p, NULL);        /* nothing listed: nothing derived */
	assert_int_equal(p->ntenants + p->nservices + p->nclusters, 0);
	platform_free(p);

	/* every section given: derivation changes nothing */
	p = load_ok(FIXTURES "sandbox.yaml");
	platform_derive(p, list);
	assert_int_equal(p->nclusters, 3);
	assert_int_equal(p->ntenants, 3);
	assert_int_equal(p->nenvs, 5);
	assert_int_equal(p->nservices, 12);
	assert_null(platform_tenant_find(p, "sre"));
	platform_free(p);
	json_decref(list);
	json_decref(app);
}

int main(void)
{
	setenv("TZ", "America/New_York", 1);   /* everything must be UTC regardless */
	tzset();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sandbox_clusters_and_tenants),
		cmocka_unit_test(test_sandbox_envs_services_gitops),
		cmocka_unit_test(test_helm_fixture),
		cmocka_unit_test(test_credentials_and_defaults),
		cmocka_unit_test(test_errors_name_position),
		cmocka_unit_test(test_errors_references_and_safety),
		cmocka_unit_test(test_load_files),
		cmocka_unit_test(test_expanders),
		cmocka_unit_test(test_freeze_across_weekend),
		cmocka_unit_test(test_freeze_several_windows),
		cmocka_unit_test(test_cron_day_rule_and_steps),
		cmocka_unit_test(test_derive_from_apps),
		cmocka_unit_test(test_derive_keeps_file_sections),
		cmocka_unit_test(test_derive_real_app_alone_and_full_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
