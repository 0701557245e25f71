/* Unit tests for the sandbox's GitOps repository: the tag parser, building a repository
 * (shas the same every time, messages with trailers, commit times), the demo's repository
 * against its Argo CD history, and the simulation reading it (a pushed tag synced moves
 * the Deployment, a push reaches an automated app by itself, the bad release crash-loops
 * with climbing restarts, a short-lived instance logs its startup errors). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "sandbox/argocd.h"
#include "sandbox/argocd_internal.h"
#include "sandbox/controller.h"
#include "sandbox/gitrepo.h"
#include "sandbox/loggen.h"
#include "sandbox/scenario.h"
#include "sandbox/server.h"
#include "tests/support/tmpdir.h"

#define DEMO "sandbox/scenarios/demo.yaml"

static struct server srv;
static struct scenario sc;
static struct objstore *st;
static struct objstore_cluster *plane;
static char tmpdir[64];
static time_t fake_now = 1795428000; /* 2026-11-23T10:00:00Z */

static time_t fake_clock(void)
{
	return fake_now;
}

static void rm_tree(const char *path)
{
	struct stat sb;
	if (lstat(path, &sb))
		return;
	DIR *d = S_ISDIR(sb.st_mode) ? opendir(path) : NULL;
	for (struct dirent *e; d && (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = xasprintf("%s/%s", path, e->d_name);
		rm_tree(sub);
		free(sub);
	}
	if (d)
		closedir(d);
	remove(path);
}

static int setup_dir(void **state)
{
	(void)state;
	test_tmp_template(tmpdir, sizeof tmpdir, "opsdeck-gitops-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int teardown_dir(void **state)
{
	(void)state;
	gitrepo_serve(NULL, NULL);
	rm_tree(tmpdir);
	return 0;
}

/* The demo scenario in a store, and its repository in tmpdir, served. */
static int setup_demo(void **state)
{
	char err[512];
	setup_dir(state);
	memset(&srv, 0, sizeof srv);
	memset(&sc, 0, sizeof sc);
	assert_int_equal(scenario_load(DEMO, NULL, &sc, err, sizeof err), 0);
	objstore_init(&srv.store, 100000);
	st = &srv.store;
	st->clock = fake_clock;
	for (size_t i = 0; i < sc.nclusters; i++) {
		struct objstore_cluster *cl = objstore_add_cluster(st, sc.clusters[i].name,
								   sc.clusters[i].control_plane);
		objstore_load_objects(st, cl, sc.clusters[i].objects);
	}
	plane = sbx_argocd_plane(st);
	if (gitrepo_create_from_store(tmpdir, st, err, sizeof err))
		fail_msg("gitrepo_create_from_store: %s", err);
	return 0;
}

static int teardown_demo(void **state)
{
	objstore_free(st);
	scenario_free(&sc);
	return teardown_dir(state);
}

static const json_t *app(const char *name)
{
	const json_t *a = objstore_get(plane, sbx_argocd_apps(plane), ARGOCD_NS, name);
	assert_non_null(a);
	return a;
}

static void ticks(int n)
{
	for (int i = 0; i < n; i++) {
		controller_tick(st);
		fake_now += 1;
	}
}

static char *repo_path(void)
{
	return xasprintf("%s/%s", tmpdir, GITREPO_NAME);
}

/* A push: one commit on main setting dir's newTag (the file otherwise unchanged). */
static void push_tag(const char *dir, const char *tag)
{
	char *path = repo_path(), *file = xasprintf("%s/kustomization.yaml", dir);
	git_repository *repo;
	git_oid head, blob_id, tree_id, commit_id;
	git_commit *parent;
	git_tree *tree, *new_tree;
	git_tree_entry *entry;
	git_blob *blob;
	git_signature *sig;
	assert_int_equal(git_repository_open_bare(&repo, path), 0);
	assert_int_equal(git_reference_name_to_id(&head, repo, "refs/heads/main"), 0);
	assert_int_equal(git_commit_lookup(&parent, repo, &head), 0);
	assert_int_equal(git_commit_tree(&tree, parent), 0);
	assert_int_equal(git_tree_entry_bypath(&entry, tree, file), 0);
	assert_int_equal(git_blob_lookup(&blob, repo, git_tree_entry_id(entry)), 0);
	char *text = xstrndup(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	char *at = strstr(text, "newTag: \""), *end = at ? strchr(at + 9, '"') : NULL;
	assert_non_null(end);
	char *changed = xasprintf("%.*s%s%s", (int)(at + 9 - text), text, tag, end);
	assert_int_equal(git_blob_create_from_buffer(&blob_id, repo, changed, strlen(changed)), 0);
	git_tree_update upd = {GIT_TREE_UPDATE_UPSERT, blob_id, GIT_FILEMODE_BLOB, file};
	assert_int_equal(git_tree_create_updated(&tree_id, repo, tree, 1, &upd), 0);
	assert_int_equal(git_tree_lookup(&new_tree, repo, &tree_id), 0);
	assert_int_equal(git_signature_new(&sig, "Test", "test@example.com", fake_now, 0), 0);
	const git_commit *parents[] = {parent};
	assert_int_equal(git_commit_create(&commit_id, repo, "refs/heads/main", sig, sig, NULL,
					   "test: bump\n", new_tree, 1, parents), 0);
	git_signature_free(sig);
	git_tree_free(new_tree);
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(parent);
	git_repository_free(repo);
	free(changed);
	free(text);
	free(file);
	free(path);
}

static void test_parse_tag(void **state)
{
	(void)state;
	char tag[32];
	assert_true(gitrepo_parse_tag("images:\n  - name: x\n    newTag: \"1.4.2\"  # c\n", tag, sizeof tag));
	assert_string_equal(tag, "1.4.2");
	assert_true(gitrepo_parse_tag("images:\n- name: x\n  newTag: '2.0.0'\n", tag, sizeof tag));
	assert_string_equal(tag, "2.0.0");
	assert_true(gitrepo_parse_tag("images:\n  - newTag: 3.1.0 # unquoted\n    name: x\n", tag, sizeof tag));
	assert_string_equal(tag, "3.1.0");
	assert_false(gitrepo_parse_tag("images:\n  - name: x\n    newName: y\n", tag, sizeof tag));
	assert_false(gitrepo_parse_tag("    newTag: \"a-very-long-tag-that-does-not-fit-here\"\n", tag, 8));
}

static struct gitrepo_deploy deploy(const char *env, const char *from, const char *tag, time_t when)
{
	struct gitrepo_deploy d = {.dir = xasprintf("envs/%s/cart", env),
				   .image = xstrdup("registry.example.com/storefront/cart"),
				   .tag = xstrdup(tag), .service = xstrdup("cart"),
				   .env = xstrdup(env), .from_env = from ? xstrdup(from) : NULL,
				   .tenant = xstrdup("storefront"), .when = when};
	return d;
}

static void deploy_free(struct gitrepo_deploy *d)
{
	free(d->dir);
	free(d->image);
	free(d->tag);
	free(d->service);
	free(d->env);
	free(d->from_env);
	free(d->tenant);
}

static void test_build_and_read(void **state)
{
	(void)state;
	char err[256], path2[128], sha[41], tag[32];
	struct gitrepo_deploy d[3] = {deploy("dev", NULL, "1.0.0", 1780000000),
				      deploy("sit", "dev", "1.0.0", 1780090000),
				      deploy("dev", NULL, "1.1.0", 1780200000)};
	char *path = repo_path();
	assert_int_equal(gitrepo_build(path, "main", d, 3, err, sizeof err), 0);
	char first[3][41];
	for (int i = 0; i < 3; i++)
		memcpy(first[i], d[i].sha, 41);
	/* the same deploys elsewhere: the same commits */
	snprintf(path2, sizeof path2, "%s/again.git", tmpdir);
	assert_int_equal(gitrepo_build(path2, "main", d, 3, err, sizeof err), 0);
	for (int i = 0; i < 3; i++)
		assert_string_equal(first[i], d[i].sha);
	/* an existing repository is not built over */
	assert_int_equal(gitrepo_build(path2, "main", d, 3, err, sizeof err), -1);
	assert_non_null(strstr(err, "gitops repository"));

	gitrepo_serve(path, "main");
	assert_true(gitrepo_serving());
	assert_true(gitrepo_head(sha));
	assert_string_equal(sha, d[2].sha);
	assert_true(gitrepo_tag_at(d[0].sha, "envs/dev/cart", tag, sizeof tag));
	assert_string_equal(tag, "1.0.0");
	assert_true(gitrepo_tag_at("main", "envs/dev/cart", tag, sizeof tag));
	assert_string_equal(tag, "1.1.0");
	assert_true(gitrepo_tag_at(d[2].sha, "envs/sit/cart", tag, sizeof tag));
	assert_string_equal(tag, "1.0.0");
	assert_false(gitrepo_tag_at(d[0].sha, "envs/sit/cart", tag, sizeof tag));
	char prefix[8];
	snprintf(prefix, sizeof prefix, "%.7s", d[1].sha);
	assert_true(gitrepo_resolve(prefix, sha));
	assert_string_equal(sha, d[1].sha);
	assert_true(gitrepo_resolve("HEAD", sha));
	assert_string_equal(sha, d[2].sha);
	assert_false(gitrepo_resolve("bad", sha));
	assert_false(gitrepo_resolve("0123456789abcdef", sha));

	/* message, trailers (Source-Revision: the commit that brought 1.0.0 to dev), time */
	git_repository *repo;
	git_commit *c;
	git_oid id;
	assert_int_equal(git_repository_open_bare(&repo, path), 0);
	assert_int_equal(git_oid_fromstr(&id, d[1].sha), 0);
	assert_int_equal(git_commit_lookup(&c, repo, &id), 0);
	char *want = xasprintf("cart: promote 1.0.0 to sit\n\nPromoted-From: dev\nPromoted-To: sit\n"
			       "Source-Revision: %s\n", d[0].sha);
	assert_string_equal(git_commit_message(c), want);
	assert_int_equal(git_commit_time(c), 1780090000);
	assert_int_equal(git_commit_parentcount(c), 1);
	free(want);
	git_commit_free(c);
	git_repository_free(repo);
	gitrepo_serve(NULL, NULL);
	assert_false(gitrepo_serving());
	assert_false(gitrepo_head(sha));
	for (int i = 0; i < 3; i++)
		deploy_free(&d[i]);
	free(path);
}

/* Every recorded deploy is a commit at its deployedAt, holding that deploy's tag. */
static void check_app_history(git_repository *repo, const json_t *a, const char *head)
{
	const char *dir = sbx_argocd_str(a, "spec.source.path");
	assert_string_equal(sbx_argocd_str(a, "status.sync.revision"), head);
	assert_int_equal(strncmp(sbx_argocd_str(a, "spec.source.repoURL"), "file:///", 8), 0);
	size_t i;
	json_t *h;
	json_array_foreach(sbx_argocd_at(a, "status.history"), i, h) {
		const char *rev = sbx_argocd_str(h, "revision");
		char sha[41], tag[32], image[512];
		assert_true(gitrepo_resolve(rev, sha));
		assert_string_equal(sha, rev);
		git_oid id;
		git_commit *c;
		assert_int_equal(git_oid_fromstr(&id, rev), 0);
		assert_int_equal(git_commit_lookup(&c, repo, &id), 0);
		assert_int_equal(git_commit_time(c), objstore_parse_time(sbx_argocd_str(h, "deployedAt")));
		git_commit_free(c);
		assert_true(gitrepo_tag_at(rev, dir, tag, sizeof tag));
		assert_true(sbx_argocd_revision_image(a, rev, image, sizeof image));
		assert_string_equal(strrchr(image, ':') + 1, tag);
	}
}

static void test_demo_repository_matches_argocd(void **state)
{
	(void)state;
	char head[41], tag[32];
	assert_true(gitrepo_head(head));
	char *path = repo_path();
	git_repository *repo;
	assert_int_equal(git_repository_open_bare(&repo, path), 0);
	size_t napps = 0;
	const char *key;
	json_t *a;
	json_object_foreach(objstore_objects(plane, sbx_argocd_apps(plane)), key, a) {
		const char *git = sbx_argocd_annotation(a, ARGOCD_GIT_IMAGE);
		if (!git)
			continue;
		check_app_history(repo, a, head);
		assert_true(gitrepo_tag_at(head, sbx_argocd_str(a, "spec.source.path"), tag, sizeof tag));
		assert_string_equal(strrchr(git, ':') + 1, tag);
		napps++;
	}
	assert_int_equal(napps, 60);
	/* cart in pre: Git asks for 4.0.1 while 3.9.8 runs */
	assert_true(gitrepo_tag_at(head, "envs/pre/cart", tag, sizeof tag));
	assert_string_equal(tag, "4.0.1");
	assert_string_equal(sbx_argocd_str(app("cart-pre"), "status.sync.status"), "OutOfSync");
	/* months of history: hundreds of commits, oldest over 90 days before the newest */
	git_revwalk *walk;
	git_oid id, newest;
	assert_int_equal(git_revwalk_new(&walk, repo), 0);
	assert_int_equal(git_revwalk_push_ref(walk, "refs/heads/main"), 0);
	size_t n = 0;
	git_time_t oldest_t = 0, newest_t = 0;
	while (!git_revwalk_next(&id, walk)) {
		git_commit *c;
		assert_int_equal(git_commit_lookup(&c, repo, &id), 0);
		if (!n++) {
			newest = id;
			newest_t = git_commit_time(c);
		}
		oldest_t = git_commit_time(c);
		git_commit_free(c);
	}
	(void)newest;
	assert_true(n >= 300);
	assert_true(newest_t - oldest_t >= 90 * 86400);
	git_revwalk_free(walk);
	git_repository_free(repo);
	free(path);
}

static const json_t *deployment(const char *cluster, const char *ns, const char *name)
{
	struct objstore_cluster *cl = objstore_cluster_find(st, cluster);
	const json_t *d = objstore_get(cl, resource_find(&cl->resources, "apps", "v1", "deployments"),
				       ns, name);
	assert_non_null(d);
	return d;
}

static const char *deployment_image(const char *cluster, const char *ns, const char *name)
{
	const json_t *d = deployment(cluster, ns, name);
	return sbx_argocd_str(json_array_get(sbx_argocd_at(d, "spec.template.spec.containers"), 0),
			      "image");
}

/* Pods in ns running image that have started; the main container status of the last
 * one into *cs. */
static size_t pods_with(const char *cluster, const char *ns, const char *image, const json_t **cs)
{
	struct objstore_cluster *cl = objstore_cluster_find(st, cluster);
	const json_t **objs = NULL;
	size_t n = objstore_list(cl, resource_find(&cl->resources, "", "v1", "pods"), ns, NULL, &objs,
				 NULL), hits = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(sbx_argocd_at(objs[i], "status.containerStatuses"), 0);
		const char *img = sbx_argocd_str(json_array_get(sbx_argocd_at(objs[i], "spec.containers"), 0),
						 "image");
		if (s && img && !strcmp(img, image)) {
			hits++;
			if (cs)
				*cs = s;
		}
	}
	free(objs);
	return hits;
}

static size_t ready_pods(const char *cluster, const char *ns, const char *image)
{
	struct objstore_cluster *cl = objstore_cluster_find(st, cluster);
	const json_t **objs = NULL;
	size_t n = objstore_list(cl, resource_find(&cl->resources, "", "v1", "pods"), ns, NULL, &objs,
				 NULL), hits = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(sbx_argocd_at(objs[i], "status.containerStatuses"), 0);
		const char *img = sbx_argocd_str(s, "image");
		hits += img && !strcmp(img, image) && json_is_true(json_object_get(s, "ready"));
	}
	free(objs);
	return hits;
}

static void sync_app(const char *name)
{
	json_t *copy = json_deep_copy(app(name));
	json_object_set_new(copy, "operation", json_pack("{s:{s:s},s:{s:s}}", "sync", "revision", "main",
							 "initiatedBy", "username", "admin"));
	sbx_argocd_put(st, plane, copy);
}

static void test_push_then_sync_moves_the_deployment(void **state)
{
	(void)state;
	char head[41];
	ticks(2);
	assert_string_equal(deployment_image("nonprod", "storefront-uat", "cart"),
			    "registry.example.com/storefront/cart:4.0.1");
	push_tag("envs/uat/cart", "4.0.2");
	assert_true(gitrepo_head(head));
	ticks(1);
	/* the push is seen at once (Argo CD's webhook): OutOfSync, the new head */
	assert_string_equal(sbx_argocd_str(app("cart-uat"), "status.sync.status"), "OutOfSync");
	assert_string_equal(sbx_argocd_str(app("cart-uat"), "status.sync.revision"), head);
	sync_app("cart-uat");
	ticks(4);
	const json_t *a = app("cart-uat");
	assert_string_equal(sbx_argocd_str(a, "status.operationState.phase"), "Succeeded");
	assert_string_equal(sbx_argocd_str(a, "status.operationState.syncResult.revision"), head);
	json_t *h = sbx_argocd_at(a, "status.history");
	assert_string_equal(sbx_argocd_str(json_array_get(h, json_array_size(h) - 1), "revision"), head);
	assert_string_equal(deployment_image("nonprod", "storefront-uat", "cart"),
			    "registry.example.com/storefront/cart:4.0.2");
	ticks(6);
	assert_string_equal(sbx_argocd_str(app("cart-uat"), "status.sync.status"), "Synced");
	/* the rollout: the new ReplicaSet's pods start and turn ready one after another */
	const char *img = "registry.example.com/storefront/cart:4.0.2";
	for (int i = 0; i < 30 && ready_pods("nonprod", "storefront-uat", img) < 2; i++)
		ticks(1);
	assert_int_equal(ready_pods("nonprod", "storefront-uat", img), 2);
	assert_int_equal(pods_with("nonprod", "storefront-uat", img, NULL), 2);
	/* another app of the repository only got the new head */
	assert_string_equal(sbx_argocd_str(app("cart-pre"), "status.sync.revision"), head);
	assert_string_equal(deployment_image("prod", "storefront-pre", "cart"),
			    "registry.example.com/storefront/cart:3.9.8");
}

static void test_push_reaches_an_automated_app(void **state)
{
	(void)state;
	ticks(2);
	push_tag("envs/dev/auth", "6.1.1");
	ticks(6);
	assert_string_equal(deployment_image("nonprod", "identity-dev", "auth"),
			    "registry.example.com/identity/auth:6.1.1");
	assert_true(json_is_true(sbx_argocd_at(app("auth-dev"),
					       "status.operationState.operation.initiatedBy.automated")));
}

/* The pod template's bad-images annotation of catalog in namespace ns ("" when absent). */
static const char *catalog_bad_images(const char *cluster, const char *ns)
{
	json_t *ann = sbx_argocd_at(deployment(cluster, ns, "catalog"),
				    "spec.template.metadata.annotations");
	const char *v = json_string_value(json_object_get(ann, "sandbox.opsdeck.dev/bad-images"));
	return v ? v : "";
}

static void test_bad_release_crash_loops(void **state)
{
	(void)state;
	const char *bad = "registry.example.com/storefront/catalog:2.6.4";
	const char *broken = "registry.example.com/storefront/catalog:2.4.0";
	ticks(2);
	/* the scenario marks the releases that crash in each environment on the pod
	 * template, for the kubelet to read: 2.6.4 only in pre and prd, 2.4.0 everywhere */
	assert_string_equal(catalog_bad_images("nonprod", "storefront-uat"), broken);
	assert_string_equal(catalog_bad_images("prod", "storefront-pre"),
			    "registry.example.com/storefront/catalog:2.6.4,"
			    "registry.example.com/storefront/catalog:2.4.0");
	assert_non_null(strstr(catalog_bad_images("prod", "storefront-prd"), bad));
	/* where it does not crash, the bad release runs and serves */
	assert_string_equal(deployment_image("nonprod", "storefront-uat", "catalog"), bad);
	assert_int_equal(ready_pods("nonprod", "storefront-uat", bad), 2);
	push_tag("envs/pre/catalog", "2.6.4");
	sync_app("catalog-pre");
	const json_t *cs = NULL;
	for (int i = 0; i < 20 && !(cs && sbx_argocd_str(cs, "state.waiting.reason")); i++) {
		ticks(1);
		pods_with("prod", "storefront-pre", bad, &cs);
	}
	assert_non_null(cs);
	assert_string_equal(sbx_argocd_str(cs, "state.waiting.reason"), "CrashLoopBackOff");
	assert_string_equal(sbx_argocd_str(cs, "lastState.terminated.reason"), "Error");
	assert_false(json_is_true(json_object_get(cs, "ready")));
	json_int_t before = json_integer_value(json_object_get(cs, "restartCount"));
	ticks(45);
	pods_with("prod", "storefront-pre", bad, &cs);
	assert_true(json_integer_value(json_object_get(cs, "restartCount")) > before);
	assert_string_not_equal(sbx_argocd_str(app("catalog-pre"), "status.health.status"), "Healthy");
	/* the old release keeps serving: the rollout does not finish */
	assert_true(pods_with("prod", "storefront-pre",
			      "registry.example.com/storefront/catalog:2.6.3", NULL) >= 1);
	/* and uat, running the same release, is untouched */
	assert_int_equal(ready_pods("nonprod", "storefront-uat", bad), 2);
	assert_string_equal(sbx_argocd_str(app("catalog-uat"), "status.health.status"), "Healthy");
}

static void test_short_instance_logs_startup_errors(void **state)
{
	(void)state;
	struct loggen_stream s = {.pod = "catalog-6d9f-abcde", .container = "catalog",
				  .style = LOGGEN_JSON, .previous = true, .start = 1780000000,
				  .interval_ms = 1000, .max_lines = 3};
	char line[1024];
	loggen_format(&s, 0, false, line, sizeof line);
	assert_int_equal(strncmp(line, "ERROR ", 6), 0);
	loggen_format(&s, 2, false, line, sizeof line);
	assert_null(strstr(line, "ERROR"));
	assert_null(strstr(line, "\"level\""));
	/* a long-lived instance still ends in its crash, without startup errors */
	s.max_lines = 40;
	for (uint64_t i = 0; i < 40; i++) {
		loggen_format(&s, i, false, line, sizeof line);
		assert_null(strstr(line, "migration 0042"));
	}
}

int main(void)
{
	git_libgit2_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_tag),
		cmocka_unit_test_setup_teardown(test_build_and_read, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_demo_repository_matches_argocd, setup_demo,
						teardown_demo),
		cmocka_unit_test_setup_teardown(test_push_then_sync_moves_the_deployment, setup_demo,
						teardown_demo),
		cmocka_unit_test_setup_teardown(test_push_reaches_an_automated_app, setup_demo,
						teardown_demo),
		cmocka_unit_test_setup_teardown(test_bad_release_crash_loops, setup_demo, teardown_demo),
		cmocka_unit_test(test_short_instance_logs_startup_errors),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return rc;
}
