/* Unit tests for clients/promote: plans, promotions and reverts against bare repositories
 * the tests make with the git CLI in a temp folder (libgit2's local transport), with a
 * hand-written Argo CD apps list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clients/promote.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "tests/support/tmpdir.h"

static char tmp[64];
static int repo_seq;
static const struct gitops_identity alice = {"Alice Operator", "alice@example.com"};

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* A command's stdout without trailing newlines (caller frees). */
static char *capture(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *capture(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	struct strbuf sb = STRBUF_INIT;
	char chunk[1024];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		strbuf_append(&sb, chunk, n);
	pclose(p);
	while (sb.len && sb.buf[sb.len - 1] == '\n')
		sb.buf[--sb.len] = '\0';
	return strbuf_detach(&sb);
}

#define GITCLI "git -c user.name=Seed -c user.email=seed@example.com -c init.defaultBranch=main"

/* The kustomization a file starts as: comments, odd spacing, a quoted tag. */
static char *kustomization(const char *image, const char *tag)
{
	return xasprintf("# cart, managed by promotions\r\n"
			 "apiVersion: kustomize.config.k8s.io/v1beta1\r\n"
			 "kind: Kustomization\r\n"
			 "resources: [../../../base/cart]   # shared\r\n"
			 "images:\r\n"
			 "  - name: %s\r\n"
			 "    newTag: \"%s\"    # set by promotions\r\n"
			 "  - name: busybox\r\n"
			 "    newTag: 1.36\r\n",
			 image, tag);
}

static void write_file(const char *dir, const char *rel, const char *text)
{
	assert_int_equal(sh("mkdir -p %s/$(dirname %s)", dir, rel), 0);
	char *path = xasprintf("%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

static void put_tag(const char *seed, const char *service, const char *env, const char *tag)
{
	char *rel = xasprintf("envs/%s/%s/kustomization.yaml", env, service);
	char *image = xasprintf("reg.example.com/shop/%s", service);
	char *text = kustomization(image, tag);
	write_file(seed, rel, text);
	free(text);
	free(image);
	free(rel);
}

/* A bare repository TMP/rN.git: cart and web in dev, uat, pre; uat's cart file has
 * three commits of its own. Returns the repository's path (static). */
static const char *make_repo(void)
{
	static char bare[128];
	char seed[128];
	int n = ++repo_seq;
	snprintf(bare, sizeof bare, "%s/r%d.git", tmp, n);
	snprintf(seed, sizeof seed, "%s/seed%d", tmp, n);
	assert_int_equal(sh(GITCLI " init -q --bare %s && " GITCLI " init -q %s", bare, seed), 0);
	const char *envs[] = {"dev", "uat", "pre"};
	for (int e = 0; e < 3; e++) {
		put_tag(seed, "cart", envs[e], "1.1.0");
		put_tag(seed, "web", envs[e], "2.0.0");
	}
	assert_int_equal(sh("cd %s && " GITCLI " add . && " GITCLI " commit -qm initial", seed), 0);
	const char *tags[] = {"1.1.1", "1.1.2", "1.2.0"};
	for (int i = 0; i < 3; i++) {
		put_tag(seed, "cart", "dev", tags[i]);
		put_tag(seed, "cart", "uat", tags[i]);
		assert_int_equal(sh("cd %s && " GITCLI " commit -qam 'cart: promote %s from dev to uat'",
				    seed, tags[i]), 0);
	}
	put_tag(seed, "web", "uat", "2.1.0");
	assert_int_equal(sh("cd %s && " GITCLI " commit -qam 'web: 2.1.0 to uat' && "
			    GITCLI " push -q %s main 2>/dev/null", seed, bare), 0);
	return bare;
}

/* The platform: dev, uat, pre (pre frozen when frozen_pre), services cart and web. */
static struct platform *make_platform(const char *repo, bool frozen_pre)
{
	char *text = xasprintf(
		"environments:\n"
		"  - {name: dev, cluster: nonprod}\n"
		"  - {name: uat, cluster: nonprod, protection: confirm}\n"
		"  - name: pre\n    cluster: prod\n    protection: typed\n%s"
		"services:\n"
		"  - {name: cart, image: reg.example.com/shop/cart}\n"
		"  - {name: web, image: reg.example.com/shop/web}\n"
		"gitops:\n  repo: %s\n  revision: main\n",
		frozen_pre ? "    freeze:\n      - {schedule: \"0 0 * * *\", duration: 1d}\n" : "",
		repo);
	struct platform *p = NULL;
	char err[512] = "";
	int rc = platform_parse("platform.yaml", text, strlen(text), &p, err, sizeof err);
	if (rc < 0)
		fail_msg("%s", err);
	free(text);
	return p;
}

static json_t *app_json(const char *name, const char *sync, const char *health, const char *image)
{
	return json_pack("{s:{s:s, s:s}, s:{s:{s:s}, s:{s:s, s:s}, s:{s:[s]}}}", "metadata",
			 "name", name, "namespace", "argocd", "status", "health", "status", health,
			 "sync", "status", sync, "revision", "0123456789abcdef0123456789abcdef01234567",
			 "summary", "images", image);
}

/* cart-uat runs 1.2.0 (sync/health as given), cart-pre 1.1.0, web-* Healthy. */
static json_t *make_apps(const char *uat_sync, const char *uat_health)
{
	json_t *items = json_array();
	json_array_append_new(items, app_json("cart-uat", uat_sync, uat_health,
					      "reg.example.com/shop/cart:1.2.0"));
	json_array_append_new(items, app_json("cart-pre", "Synced", "Healthy",
					      "reg.example.com/shop/cart:1.1.0"));
	json_array_append_new(items, app_json("web-uat", "Synced", "Healthy",
					      "reg.example.com/shop/web:2.1.0"));
	return json_pack("{s:o}", "items", items);
}

struct fixture {
	const char *repo;
	struct platform *p;
	struct promote_remote pr;
	json_t *apps;
	struct promote_plan plan;
	char err[512];
};

static void fixture_open(struct fixture *f, bool frozen_pre, const char *uat_sync)
{
	memset(f, 0, sizeof(*f));
	f->repo = make_repo();
	f->p = make_platform(f->repo, frozen_pre);
	assert_int_equal(promote_remote_init(&f->pr, f->p, f->err, sizeof f->err), 0);
	f->apps = make_apps(uat_sync, "Healthy");
}

static void fixture_close(struct fixture *f)
{
	promote_plan_clear(&f->plan);
	json_decref(f->apps);
	promote_remote_clear(&f->pr);
	platform_free(f->p);
}

static int build(struct fixture *f, const char *service, const char *from, const char *to)
{
	/* 2026-11-23 12:00 UTC, a Monday: the daily freeze covers it */
	return promote_plan_build(f->p, f->apps, &f->pr.r, service, from, to, 1795435200LL,
				  &f->plan, f->err, sizeof f->err);
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_remote_init(void **state)
{
	(void)state;
	struct fixture f;
	fixture_open(&f, false, "Synced");
	char *prefix = xasprintf("%s/cache/opsdeck/git/", tmp);
	assert_true(!strncmp(f.pr.cache_dir, prefix, strlen(prefix)));
	assert_int_equal(strlen(f.pr.cache_dir + strlen(prefix)), 16);
	assert_string_equal(f.pr.r.url, f.repo);
	assert_string_equal(f.pr.r.branch, "main");
	assert_null(f.pr.r.token);
	free(prefix);
	fixture_close(&f);

	/* a token from a variable; a missing variable is named, never a value */
	const char *text = "gitops:\n  repo: https://git.example.com/x.git\n"
			   "  credentials: {token: {env: PROMOTE_TEST_TOKEN}}\n";
	struct platform *p = NULL;
	char err[256];
	assert_int_equal(platform_parse("p.yaml", text, strlen(text), &p, err, sizeof err), 0);
	struct promote_remote pr;
	unsetenv("PROMOTE_TEST_TOKEN");
	assert_int_equal(promote_remote_init(&pr, p, err, sizeof err), -1);
	assert_non_null(strstr(err, "PROMOTE_TEST_TOKEN"));
	setenv("PROMOTE_TEST_TOKEN", "s3cr3t", 1);
	assert_int_equal(promote_remote_init(&pr, p, err, sizeof err), 0);
	assert_string_equal(pr.r.token, "s3cr3t");
	assert_string_equal(pr.r.branch, "main");
	promote_remote_clear(&pr);
	unsetenv("PROMOTE_TEST_TOKEN");
	platform_free(p);

	struct platform *empty = platform_new();
	assert_int_equal(promote_remote_init(&pr, empty, err, sizeof err), -1);
	assert_non_null(strstr(err, "gitops"));
	platform_free(empty);
}

static void test_plan_ok(void **state)
{
	(void)state;
	struct fixture f;
	fixture_open(&f, false, "Synced");
	if (build(&f, "cart", "uat", "pre") < 0)
		fail_msg("%s", f.err);
	struct promote_plan *pl = &f.plan;
	assert_false(pl->blocked);
	for (int i = 0; i < PROMOTE_GATE_COUNT; i++) {
		assert_true(pl->gates[i].ok);
		assert_non_null(pl->gates[i].detail);
	}
	assert_string_equal(pl->gates[PROMOTE_GATE_SOURCE_HEALTHY].name, "source Synced and Healthy");
	assert_string_equal(pl->from_app, "cart-uat");
	assert_string_equal(pl->to_app, "cart-pre");
	assert_string_equal(pl->from_version, "1.2.0");
	assert_string_equal(pl->to_version, "1.1.0");
	assert_string_equal(pl->git_from_tag, "1.2.0");
	assert_string_equal(pl->git_to_tag, "1.1.0");
	assert_string_equal(pl->tag, "1.2.0");
	assert_string_equal(pl->file, "envs/pre/cart/kustomization.yaml");
	assert_string_equal(pl->to_cluster, "prod");
	assert_string_equal(pl->to_namespace, "argocd");
	assert_string_equal(pl->source_revision, "0123456789abcdef0123456789abcdef01234567");
	assert_int_equal(pl->protection, PLATFORM_PROTECT_TYPED);
	/* the diff: exactly the tag line changes, its comment and CRLF kept */
	assert_non_null(strstr(pl->diff, "--- a/envs/pre/cart/kustomization.yaml\n"
					 "+++ b/envs/pre/cart/kustomization.yaml\n"));
	assert_non_null(strstr(pl->diff, "\n-    newTag: \"1.1.0\"    # set by promotions\r\n"
					 "+    newTag: \"1.2.0\"    # set by promotions\r\n"));
	assert_null(strstr(pl->diff, "busybox\r\n-"));
	/* the source file's commits, newest first, web's commit not among them */
	assert_int_equal(pl->ncommits, 4);
	assert_string_equal(pl->commits[0].subject, "cart: promote 1.2.0 from dev to uat");
	assert_string_equal(pl->commits[2].subject, "cart: promote 1.1.1 from dev to uat");
	assert_string_equal(pl->commits[3].subject, "initial");
	fixture_close(&f);
}

static void test_gate_unsynced_source(void **state)
{
	(void)state;
	struct fixture f;
	fixture_open(&f, false, "OutOfSync");
	assert_int_equal(build(&f, "cart", "uat", "pre"), 0);
	assert_true(f.plan.blocked);
	assert_false(f.plan.gates[PROMOTE_GATE_SOURCE_HEALTHY].ok);
	assert_non_null(strstr(f.plan.gates[PROMOTE_GATE_SOURCE_HEALTHY].detail, "OutOfSync"));
	assert_true(f.plan.gates[PROMOTE_GATE_NOT_FROZEN].ok);
	char sha[41];
	assert_int_equal(promote_apply(&f.plan, &f.pr.r, &alice, sha, f.err, sizeof f.err), -1);
	assert_non_null(strstr(f.err, "blocked"));
	char *count = capture("git --git-dir=%s rev-list --count main", f.repo);
	assert_string_equal(count, "5");
	free(count);
	promote_plan_clear(&f.plan);
	/* no source app at all */
	json_array_remove(json_object_get(f.apps, "items"), 0);
	assert_int_equal(build(&f, "cart", "uat", "pre"), 0);
	assert_false(f.plan.gates[PROMOTE_GATE_SOURCE_HEALTHY].ok);
	assert_non_null(strstr(f.plan.gates[PROMOTE_GATE_SOURCE_HEALTHY].detail, "no application cart-uat"));
	fixture_close(&f);
}

static void test_gate_frozen_target(void **state)
{
	(void)state;
	struct fixture f;
	fixture_open(&f, true, "Synced");
	assert_int_equal(build(&f, "cart", "uat", "pre"), 0);
	assert_true(f.plan.blocked);
	assert_false(f.plan.gates[PROMOTE_GATE_NOT_FROZEN].ok);
	assert_non_null(strstr(f.plan.gates[PROMOTE_GATE_NOT_FROZEN].detail, "pre is frozen until"));
	assert_true(f.plan.gates[PROMOTE_GATE_SOURCE_HEALTHY].ok);
	assert_true(f.plan.gates[PROMOTE_GATE_VERSIONS_DIFFER].ok);
	fixture_close(&f);
}

static void test_gate_same_version_and_order(void **state)
{
	(void)state;
	struct fixture f;
	fixture_open(&f, false, "Synced");
	/* dev and uat both ask for 1.2.0 */
	assert_int_equal(build(&f, "cart", "dev", "uat"), 0);
	assert_true(f.plan.blocked);
	assert_false(f.plan.gates[PROMOTE_GATE_VERSIONS_DIFFER].ok);
	assert_string_equal(f.plan.gates[PROMOTE_GATE_VERSIONS_DIFFER].detail, "uat already asks for 1.2.0");
	assert_string_equal(f.plan.diff, "");
	assert_true(f.plan.gates[PROMOTE_GATE_ORDER].ok);
	promote_plan_clear(&f.plan);
	/* Git already asks for it but the target runs something older: say how to catch up */
	json_t *uat = json_array_get(json_object_get(f.apps, "items"), 0);
	json_t *images = json_object_get(json_object_get(json_object_get(uat, "status"), "summary"),
					 "images");
	json_array_set_new(images, 0, json_string("reg.example.com/shop/cart:1.1.9"));
	assert_int_equal(build(&f, "cart", "dev", "uat"), 0);
	assert_string_equal(f.plan.gates[PROMOTE_GATE_VERSIONS_DIFFER].detail,
			    "uat already asks for 1.2.0 but runs 1.1.9: sync cart-uat instead");
	promote_plan_clear(&f.plan);
	/* backwards: pre to uat */
	assert_int_equal(build(&f, "cart", "pre", "uat"), 0);
	assert_true(f.plan.blocked);
	assert_false(f.plan.gates[PROMOTE_GATE_ORDER].ok);
	assert_string_equal(f.plan.gates[PROMOTE_GATE_ORDER].detail, "uat is before pre");
	promote_plan_clear(&f.plan);
	assert_int_equal(build(&f, "cart", "uat", "uat"), 0);
	assert_false(f.plan.gates[PROMOTE_GATE_ORDER].ok);
	promote_plan_clear(&f.plan);
	/* what makes a plan impossible */
	assert_int_equal(build(&f, "nope", "uat", "pre"), -1);
	assert_string_equal(f.err, "no service nope in the platform model");
	assert_null(f.plan.service);
	assert_int_equal(build(&f, "cart", "uat", "prd"), -1);
	assert_string_equal(f.err, "no environment prd in the platform model");
	fixture_close(&f);
}

static void test_apply_and_revert(void **state)
{
	(void)state;
	struct fixture f;
	fixture_open(&f, false, "Synced");
	char *before = capture("git --git-dir=%s show main:envs/pre/cart/kustomization.yaml | od -c",
			       f.repo);
	assert_int_equal(build(&f, "cart", "uat", "pre"), 0);
	char sha[41] = "x";
	if (promote_apply(&f.plan, &f.pr.r, &alice, sha, f.err, sizeof f.err) < 0)
		fail_msg("%s", f.err);
	assert_int_equal(strlen(sha), 40);
	char *head = capture("git --git-dir=%s rev-parse main", f.repo);
	assert_string_equal(head, sha);
	char *count = capture("git --git-dir=%s rev-list --count main", f.repo);
	assert_string_equal(count, "6");
	char *body = capture("git --git-dir=%s log -1 --format=%%B main", f.repo);
	assert_string_equal(body, "cart: promote 1.2.0 from uat to pre\n\n"
				  "Promoted-From: uat\nPromoted-To: pre\n"
				  "Source-Revision: 0123456789abcdef0123456789abcdef01234567");
	char *author = capture("git --git-dir=%s log -1 --format='%%an <%%ae>' main", f.repo);
	assert_string_equal(author, "Alice Operator <alice@example.com>");
	char *files = capture("git --git-dir=%s show --format= --name-only main", f.repo);
	assert_string_equal(files, "envs/pre/cart/kustomization.yaml");
	/* byte for byte: the file is the original with only the tag's bytes changed */
	char *want = kustomization("reg.example.com/shop/cart", "1.2.0");
	char *got = capture("git --git-dir=%s show main:envs/pre/cart/kustomization.yaml", f.repo);
	want[strlen(want) - 1] = '\0';   /* capture drops the final "\n"; the "\r" stays */
	assert_string_equal(got, want);
	assert_int_equal(sh("git --git-dir=%s fsck --no-progress 2>/dev/null", f.repo), 0);

	/* the commit read back, then reverted */
	struct promote_commit_info ci;
	char abbrev[8];
	snprintf(abbrev, sizeof abbrev, "%.7s", sha);
	if (promote_commit_info(&f.pr.r, abbrev, &ci, f.err, sizeof f.err) < 0)
		fail_msg("%s", f.err);
	assert_string_equal(ci.sha, sha);
	assert_string_equal(ci.service, "cart");
	assert_string_equal(ci.promoted_from, "uat");
	assert_string_equal(ci.promoted_to, "pre");
	assert_string_equal(ci.source_revision, "0123456789abcdef0123456789abcdef01234567");
	promote_commit_info_clear(&ci);
	assert_int_equal(promote_commit_info(&f.pr.r, "deadbee", &ci, f.err, sizeof f.err), -1);
	assert_string_equal(f.err, "no commit deadbee in the GitOps repository");
	assert_int_equal(promote_commit_info(&f.pr.r, "main~1", &ci, f.err, sizeof f.err), -1);

	char rsha[41];
	if (promote_revert(&f.pr.r, &alice, sha, rsha, f.err, sizeof f.err) < 0)
		fail_msg("%s", f.err);
	assert_int_equal(strlen(rsha), 40);
	char *after = capture("git --git-dir=%s show main:envs/pre/cart/kustomization.yaml | od -c",
			      f.repo);
	assert_string_equal(after, before);
	char *rbody = capture("git --git-dir=%s log -1 --format=%%s main", f.repo);
	assert_string_equal(rbody, "Revert \"cart: promote 1.2.0 from uat to pre\"");
	char *count2 = capture("git --git-dir=%s rev-list --count main", f.repo);
	assert_string_equal(count2, "7");

	free(before); free(head); free(count); free(body); free(author); free(files);
	free(want); free(got); free(after); free(rbody); free(count2);
	fixture_close(&f);
}

/* Two promotions of different services from two threads at once: both land. */
struct racer {
	struct fixture *f;
	const char *service;
	struct promote_plan plan;
	char sha[41];
	char err[512];
	int rc;
};

static void *race(void *ud)
{
	struct racer *r = ud;
	r->rc = promote_plan_build(r->f->p, r->f->apps, &r->f->pr.r, r->service, "uat", "pre",
				   1795435200LL, &r->plan, r->err, sizeof r->err);
	if (r->rc == 0)
		r->rc = promote_apply(&r->plan, &r->f->pr.r, &alice, r->sha, r->err, sizeof r->err);
	promote_plan_clear(&r->plan);
	return NULL;
}

static void test_concurrent_promotions(void **state)
{
	(void)state;
	struct fixture f;
	fixture_open(&f, false, "Synced");
	struct racer a = {.f = &f, .service = "cart"}, b = {.f = &f, .service = "web"};
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, race, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, race, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	if (a.rc || b.rc)
		fail_msg("%s / %s", a.err, b.err);
	char *count = capture("git --git-dir=%s rev-list --count main", f.repo);
	assert_string_equal(count, "7");
	char *tags = capture("git --git-dir=%s show main:envs/pre/cart/kustomization.yaml "
			     "main:envs/pre/web/kustomization.yaml | grep -c 'newTag: \"\\(1.2.0\\|2.1.0\\)\"'",
			     f.repo);
	assert_string_equal(tags, "2");
	free(count);
	free(tags);
	fixture_close(&f);
}

static void test_app_version(void **state)
{
	(void)state;
	json_t *app = json_pack("{s:{s:{s:[s,s,s]}}}", "status", "summary", "images",
				"docker.io/library/busybox:1.36", "reg:5000/shop/cart:4.0.1",
				"reg:5000/other/cart-sidecar:9");
	char *v = promote_app_version(app, "reg:5000/shop/cart", "cart");
	assert_string_equal(v, "4.0.1");
	free(v);
	v = promote_app_version(app, NULL, "cart");
	assert_string_equal(v, "4.0.1");
	free(v);
	v = promote_app_version(app, NULL, "web");
	assert_string_equal(v, "1.36");
	free(v);
	v = promote_app_version(NULL, NULL, "web");
	assert_string_equal(v, "");
	free(v);
	json_decref(app);
}

static int setup(void **state)
{
	(void)state;
	test_tmp_template(tmp, sizeof tmp, "test_promote.XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	char *cache = xasprintf("%s/cache", tmp);
	setenv("XDG_CACHE_HOME", cache, 1);
	free(cache);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return sh("rm -rf %s", tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remote_init),
		cmocka_unit_test(test_plan_ok),
		cmocka_unit_test(test_gate_unsynced_source),
		cmocka_unit_test(test_gate_frozen_target),
		cmocka_unit_test(test_gate_same_version_and_order),
		cmocka_unit_test(test_apply_and_revert),
		cmocka_unit_test(test_concurrent_promotions),
		cmocka_unit_test(test_app_version),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
