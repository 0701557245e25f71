/* Unit tests for clients/gitops: bare repositories made with the git CLI in a temp folder,
 * served by the local transport (a path) and by git daemon on 127.0.0.1 (which runs
 * hooks and refuses a push whose branch moved, as real servers do). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/credential.h>

#include "clients/gitops.h"
#include "clients/gitops_history.h"
#include "clients/gitops_internal.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "tests/support/tmpdir.h"

static char tmp[64];
static int daemon_port;
static pid_t daemon_pid;
static int repo_seq;

static const struct gitops_identity alice = {"Alice Operator", "alice@example.com"};
static const struct gitops_identity bob = {"Bob Operator", "bob@example.com"};

/* Runs a shell command; its exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct strbuf sb = STRBUF_INIT;
	char buf[2048];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	strbuf_puts(&sb, buf);
	int rc = system(strbuf_str(&sb));
	strbuf_free(&sb);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* A command's stdout without the trailing newline (caller frees). */
static char *capture(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *capture(const char *fmt, ...)
{
	va_list ap;
	char cmd[2048];
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

/* A bare repository TMP/NAME.git on main with a.yaml and b.yaml; returns NAME (static). */
static const char *make_bare(void)
{
	static char name[32];
	snprintf(name, sizeof(name), "r%d", ++repo_seq);
	assert_int_equal(sh("cd %s && " GITCLI " init -q --bare %s.git && " GITCLI " init -q seed-%s && "
			    "cd seed-%s && printf 'image: v1\\n' > a.yaml && printf 'image: v1\\n' > b.yaml && "
			    "mkdir -p envs/prod && printf 'tag: v1\\n' > envs/prod/app.yaml && "
			    GITCLI " add . && " GITCLI " commit -qm 'initial' && "
			    GITCLI " push -q ../%s.git main 2>/dev/null",
			    tmp, name, name, name, name), 0);
	return name;
}

struct remote_box {
	struct gitops_remote r;
	char url[256], cache[256];
};

/* daemon: through git daemon; otherwise the plain path (libgit2's local transport). */
static void remote_for(struct remote_box *b, const char *name, const char *cache, bool daemon)
{
	memset(b, 0, sizeof(*b));
	if (daemon)
		snprintf(b->url, sizeof(b->url), "git://127.0.0.1:%d/%s.git", daemon_port, name);
	else
		snprintf(b->url, sizeof(b->url), "%s/%s.git", tmp, name);
	snprintf(b->cache, sizeof(b->cache), "%s/cache-%s-%s", tmp, name, cache);
	b->r.url = b->url;
	b->r.branch = "main";
	b->r.cache_dir = b->cache;
}

static char *bare_head(const char *name)
{
	return capture("git --git-dir=%s/%s.git rev-parse main", tmp, name);
}

/* ---- set-up: the temp folder and git daemon ------------------------------------------ */

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return ntohs(a.sin_port);
}

static bool daemon_ready(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)daemon_port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bool ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

static int group_setup(void **state)
{
	(void)state;
	test_tmp_template(tmp, sizeof(tmp), "opsdeck-gitops-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	daemon_port = free_port();
	char port[32], base[128];
	snprintf(port, sizeof(port), "--port=%d", daemon_port);
	snprintf(base, sizeof(base), "--base-path=%s", tmp);
	daemon_pid = fork();
	if (daemon_pid == 0) {
		int null = open("/dev/null", 1);
		dup2(null, 2);
		execlp("git", "git", "daemon", "--reuseaddr", "--listen=127.0.0.1", port, base,
		       "--export-all", "--enable=receive-pack", "--informative-errors", tmp,
		       (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && !daemon_ready(); i++)
		usleep(20000);
	return daemon_ready() ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	if (daemon_pid > 0) {
		kill(daemon_pid, SIGTERM);
		waitpid(daemon_pid, NULL, 0);
	}
	sh("rm -rf %s", tmp);
	git_libgit2_shutdown();
	return 0;
}

/* ---- edits ---------------------------------------------------------------------------- */

/* Replaces "v1"... with ud's text as the whole file. */
static char *edit_set(void *ud, const char *old, char *err, size_t errlen)
{
	(void)old;
	(void)err;
	(void)errlen;
	return xstrdup(ud);
}

static char *edit_fail(void *ud, const char *old, char *err, size_t errlen)
{
	(void)ud;
	(void)old;
	snprintf(err, errlen, "image tag missing in the file");
	return NULL;
}

/* Appends a line to whatever the file holds now. */
static char *edit_append(void *ud, const char *old, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return xasprintf("%s%s\n", old ? old : "", (const char *)ud);
}

/* ---- tests ---------------------------------------------------------------------------- */

static void test_sync_and_read(void **state)
{
	(void)state;
	const char *name = make_bare();
	struct remote_box b;
	remote_for(&b, name, "x", false);
	char head[41], err[512];
	assert_int_equal(gitops_sync(&b.r, head, err, sizeof(err)), 0);
	char *want = bare_head(name);
	assert_string_equal(head, want);
	free(want);
	char *text = gitops_read(&b.r, "envs/prod/app.yaml", err, sizeof(err));
	assert_string_equal(text, "tag: v1\n");
	free(text);
	assert_null(gitops_read(&b.r, "nope.yaml", err, sizeof(err)));
	assert_non_null(strstr(err, "nope.yaml: no such file on main"));

	/* someone pushes; a stray file and edit in the cache are wiped by the next sync */
	assert_int_equal(sh("cd %s/seed-%s && printf 'image: v2\\n' > a.yaml && " GITCLI
			    " commit -qam two && " GITCLI " push -q ../%s.git main 2>/dev/null",
			    tmp, name, name), 0);
	assert_int_equal(sh("echo junk > %s/a.yaml && echo junk > %s/stray", b.cache, b.cache), 0);
	assert_int_equal(gitops_sync(&b.r, head, err, sizeof(err)), 0);
	want = bare_head(name);
	assert_string_equal(head, want);
	free(want);
	text = capture("cat %s/a.yaml; test -e %s/stray && echo STRAY", b.cache, b.cache);
	assert_string_equal(text, "image: v2");
	free(text);
}

static void test_sync_errors(void **state)
{
	(void)state;
	const char *name = make_bare();
	struct remote_box b;
	char head[41], err[512];
	remote_for(&b, name, "x", false);
	b.r.branch = "release";
	assert_int_equal(gitops_sync(&b.r, head, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "branch release not found at"));
	assert_string_equal(head, "");

	b.r.branch = "bad..name";
	assert_int_equal(gitops_sync(&b.r, head, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid branch name"));

	/* nothing listens on port 1: the message names the URL, never the token */
	remote_for(&b, name, "y", false);
	b.r.url = "https://deploy:s3cr3t-T0KEN@127.0.0.1:1/ops.git";
	b.r.token = "s3cr3t-T0KEN";
	assert_int_equal(gitops_sync(&b.r, head, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot fetch https://deploy@127.0.0.1:1/ops.git: "));
	assert_null(strstr(err, "s3cr3t"));
	assert_null(strchr(err, '\n'));

	/* read and log before any sync */
	remote_for(&b, name, "never", false);
	assert_null(gitops_read(&b.r, "a.yaml", err, sizeof(err)));
	assert_non_null(strstr(err, "sync first"));
}

static void test_change_lands_with_trailers(void **state)
{
	(void)state;
	const char *name = make_bare();
	struct remote_box b;
	remote_for(&b, name, "x", true);
	const char *trailers[] = {"Promoted-From: staging", "Promoted-To: prod",
				  "Source-Revision: 0123abcd"};
	char sha[41], err[512];
	assert_int_equal(gitops_change(&b.r, &alice, "envs/prod/app.yaml", edit_set, (void *)"tag: v2\n",
				       "Promote app v2 to prod\n", trailers, 3, 3, sha, err,
				       sizeof(err)), 0);
	char *head = bare_head(name);
	assert_string_equal(sha, head);
	free(head);
	char *body = capture("git --git-dir=%s/%s.git log -1 --format=%%B main", tmp, name);
	assert_string_equal(body, "Promote app v2 to prod\n\nPromoted-From: staging\n"
				  "Promoted-To: prod\nSource-Revision: 0123abcd");
	free(body);
	char *who = capture("git --git-dir=%s/%s.git log -1 --format='%%an <%%ae>|%%cn <%%ce>' main",
			    tmp, name);
	assert_string_equal(who, "Alice Operator <alice@example.com>|Alice Operator <alice@example.com>");
	free(who);
	/* the history reader sees the same author, subject, path and trailers */
	struct gitops_history_commit *hc = NULL;
	size_t nh = 0;
	assert_int_equal(gitops_history(&b.r, "envs", 0, &hc, &nh, err, sizeof err), 0);
	assert_int_equal(nh, 2); /* the seed commit, then ours: oldest first */
	struct gitops_history_commit *c = &hc[1];
	assert_string_equal(c->sha, sha);
	assert_string_equal(c->author, "Alice Operator <alice@example.com>");
	assert_string_equal(c->subject, "Promote app v2 to prod");
	assert_int_equal(c->npaths, 1);
	assert_string_equal(c->paths[0], "envs/prod/app.yaml");
	assert_string_equal(c->promoted_from, "staging");
	assert_string_equal(c->promoted_to, "prod");
	assert_string_equal(c->source_revision, "0123abcd");
	gitops_history_free(hc, nh);
	char *file = capture("git --git-dir=%s/%s.git show main:envs/prod/app.yaml", tmp, name);
	assert_string_equal(file, "tag: v2");
	free(file);
	char *count = capture("git --git-dir=%s/%s.git rev-list --count main", tmp, name);
	assert_string_equal(count, "2");
	free(count);
	assert_int_equal(sh("git --git-dir=%s/%s.git fsck --strict --no-dangling --no-progress", tmp, name), 0);
	/* the cache's work tree shows what was pushed */
	file = capture("cat %s/envs/prod/app.yaml", b.cache);
	assert_string_equal(file, "tag: v2");
	free(file);

	/* a new file in a new folder */
	assert_int_equal(gitops_change(&b.r, &alice, "envs/dev/new.yaml", edit_append, (void *)"x: 1",
				       "Add dev", NULL, 0, 0, sha, err, sizeof(err)), 0);
	file = capture("git --git-dir=%s/%s.git show main:envs/dev/new.yaml", tmp, name);
	assert_string_equal(file, "x: 1");
	free(file);
}

static void test_change_nothing_or_refused_input(void **state)
{
	(void)state;
	const char *name = make_bare();
	struct remote_box b;
	remote_for(&b, name, "x", false);
	char sha[41] = "junk", err[512];
	char *before = bare_head(name);
	assert_int_equal(gitops_change(&b.r, &alice, "a.yaml", edit_set, (void *)"image: v1\n", "Same",
				       NULL, 0, 3, sha, err, sizeof(err)), 0);
	assert_string_equal(sha, "");
	assert_string_equal(err, "a.yaml on main already has that content");

	assert_int_equal(gitops_change(&b.r, &alice, "a.yaml", edit_fail, NULL, "Fail", NULL, 0,
				       3, sha, err, sizeof(err)), -1);
	assert_string_equal(err, "image tag missing in the file");

	const char *bad[] = {"Promoted-To prod"};
	assert_int_equal(gitops_change(&b.r, &alice, "a.yaml", edit_set, (void *)"x\n", "Msg", bad, 1, 3,
				       sha, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid trailer"));
	const char *inject[] = {"Promoted-To: prod\nSigned-off-by: x"};
	assert_int_equal(gitops_change(&b.r, &alice, "a.yaml", edit_set, (void *)"x\n", "Msg", inject, 1,
				       3, sha, err, sizeof(err)), -1);
	assert_int_equal(gitops_change(&b.r, &alice, "../a.yaml", edit_set, (void *)"x\n", "Msg", NULL, 0,
				       3, sha, err, sizeof(err)), -1);
	assert_int_equal(gitops_change(&b.r, &alice, ".git/config", edit_set, (void *)"x\n", "Msg", NULL,
				       0, 3, sha, err, sizeof(err)), -1);
	const struct gitops_identity nobody = {"", ""};
	assert_int_equal(gitops_change(&b.r, &nobody, "a.yaml", edit_set, (void *)"x\n", "Msg", NULL, 0,
				       3, sha, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "name and email"));
	char *after = bare_head(name);
	assert_string_equal(before, after);
	free(before);
	free(after);
	char *cache_head = capture("git -C %s rev-parse HEAD; git -C %s status --porcelain",
				   b.cache, b.cache);
	after = bare_head(name);
	assert_string_equal(cache_head, after);
	free(cache_head);
	free(after);
}

/* The first run of this edit lets bob push first, from his own cache. */
struct racer {
	struct remote_box *other;
	int calls;
	int interfere;         /* how many of the first calls push from the other cache */
};

static char *edit_raced(void *ud, const char *old, char *err, size_t errlen)
{
	struct racer *r = ud;
	if (r->calls++ < r->interfere) {
		char sha[41], e[512];
		char line[32];
		snprintf(line, sizeof(line), "bob: %d", r->calls);
		assert_int_equal(gitops_change(&r->other->r, &bob, "b.yaml", edit_append, line,
					       "Bob's change", NULL, 0, 0, sha, e, sizeof(e)), 0);
	}
	return edit_append((void *)"alice: 1", old, err, errlen);
}

static void test_change_retried_after_race(void **state)
{
	(void)state;
	const char *name = make_bare();
	struct remote_box a, other;
	remote_for(&a, name, "alice", true);
	remote_for(&other, name, "bob", true);
	struct racer racer = {&other, 0, 1};
	char sha[41], err[512];
	assert_int_equal(gitops_change(&a.r, &alice, "a.yaml", edit_raced, &racer, "Alice's change",
				       NULL, 0, 3, sha, err, sizeof(err)), 0);
	assert_int_equal(racer.calls, 2);
	char *log = capture("git --git-dir=%s/%s.git log --format=%%s main", tmp, name);
	assert_string_equal(log, "Alice's change\nBob's change\ninitial");
	free(log);
	char *file = capture("git --git-dir=%s/%s.git show main:a.yaml main:b.yaml", tmp, name);
	assert_string_equal(file, "image: v1\nalice: 1\nimage: v1\nbob: 1");
	free(file);
	assert_int_equal(sh("git --git-dir=%s/%s.git fsck --strict --no-dangling --no-progress", tmp, name), 0);

	/* no retries left: a clear error, only bob's commit on the server, the cache reset */
	struct racer again = {&other, 0, 5};
	assert_int_equal(gitops_change(&a.r, &alice, "a.yaml", edit_raced, &again, "Lost", NULL, 0,
				       1, sha, err, sizeof(err)), -1);
	assert_string_equal(sha, "");
	assert_non_null(strstr(err, "main kept moving (2 attempts)"));
	log = capture("git --git-dir=%s/%s.git log --format=%%s main", tmp, name);
	assert_string_equal(log, "Bob's change\nBob's change\nAlice's change\nBob's change\ninitial");
	free(log);
	char *cache = capture("git -C %s rev-parse HEAD; git -C %s status --porcelain", a.cache,
			      a.cache);
	char *head = bare_head(name);
	assert_string_equal(cache, head);
	free(cache);
	free(head);
}

static void test_hook_rejects(void **state)
{
	(void)state;
	const char *name = make_bare();
	struct remote_box b;
	remote_for(&b, name, "x", true);
	assert_int_equal(sh("printf '#!/bin/sh\\necho \"prod is frozen until Monday\" >&2\\nexit 1\\n'"
			    " > %s/%s.git/hooks/pre-receive && chmod +x %s/%s.git/hooks/pre-receive",
			    tmp, name, tmp, name), 0);
	char *before = bare_head(name);
	char sha[41], err[512];
	assert_int_equal(gitops_change(&b.r, &alice, "a.yaml", edit_set, (void *)"image: v9\n", "Promote",
				       NULL, 0, 3, sha, err, sizeof(err)), -1);
	char *want = xasprintf("push to %s rejected by the server: prod is frozen until Monday",
			       b.url);
	assert_string_equal(err, want);
	free(want);
	assert_string_equal(sha, "");
	char *after = bare_head(name);
	assert_string_equal(before, after);
	char *cache = capture("git -C %s rev-parse HEAD main; git -C %s status --porcelain; cat %s/a.yaml",
			      b.cache, b.cache, b.cache);
	char *expect = xasprintf("%s\n%s\nimage: v1", before, before);
	assert_string_equal(cache, expect);
	free(expect);
	free(cache);
	free(before);
	free(after);
}

struct worker {
	struct remote_box box;
	const char *path;
	int rounds;
	int failures;
	char err[512];
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < w->rounds; i++) {
		char line[64], msg[64], sha[41];
		snprintf(line, sizeof(line), "round: %d", i);
		snprintf(msg, sizeof(msg), "%s round %d", w->path, i);
		if (gitops_change(&w->box.r, &alice, w->path, edit_append, line, msg, NULL, 0, 20,
				  sha, w->err, sizeof(w->err)) < 0 || strlen(sha) != 40)
			w->failures++;
	}
	return NULL;
}

static void test_concurrent_changes(void **state)
{
	(void)state;
	const char *name = make_bare();
	struct worker w[2] = {{.path = "a.yaml", .rounds = 4}, {.path = "b.yaml", .rounds = 4}};
	remote_for(&w[0].box, name, "t0", true);
	remote_for(&w[1].box, name, "t1", true);
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(w[0].failures, 0);
	assert_int_equal(w[1].failures, 0);
	char *count = capture("git --git-dir=%s/%s.git rev-list --count main", tmp, name);
	assert_string_equal(count, "9");
	free(count);
	char *dups = capture("git --git-dir=%s/%s.git log --format=%%s main | sort | uniq -d", tmp,
			     name);
	assert_string_equal(dups, "");
	free(dups);
	char *file = capture("git --git-dir=%s/%s.git show main:a.yaml main:b.yaml", tmp, name);
	assert_string_equal(file, "image: v1\nround: 0\nround: 1\nround: 2\nround: 3\n"
				  "image: v1\nround: 0\nround: 1\nround: 2\nround: 3");
	free(file);
	assert_int_equal(sh("git --git-dir=%s/%s.git fsck --strict --no-dangling --no-progress", tmp, name), 0);
}

static void test_revert(void **state)
{
	(void)state;
	const char *name = make_bare();
	struct remote_box b;
	remote_for(&b, name, "x", true);
	char sha[41], rsha[41], err[512];
	assert_int_equal(gitops_change(&b.r, &alice, "a.yaml", edit_set, (void *)"image: v2\n",
				       "Promote a v2", NULL, 0, 0, sha, err, sizeof(err)), 0);
	assert_int_equal(gitops_change(&b.r, &alice, "b.yaml", edit_set, (void *)"image: v3\n",
				       "Promote b v3", NULL, 0, 0, rsha, err, sizeof(err)), 0);
	assert_int_equal(gitops_revert(&b.r, &bob, sha, rsha, err, sizeof(err)), 0);
	char *head = bare_head(name);
	assert_string_equal(rsha, head);
	free(head);
	char *body = capture("git --git-dir=%s/%s.git log -1 --format='%%an|%%B' main", tmp, name);
	char *want = xasprintf("Bob Operator|Revert \"Promote a v2\"\n\nThis reverts commit %s.\n\n"
			       "Reverts: %s", sha, sha);
	assert_string_equal(body, want);
	free(want);
	free(body);
	char *file = capture("git --git-dir=%s/%s.git show main:a.yaml main:b.yaml", tmp, name);
	assert_string_equal(file, "image: v1\nimage: v3");
	free(file);
	assert_int_equal(sh("git --git-dir=%s/%s.git fsck --strict --no-dangling --no-progress", tmp, name), 0);

	/* again: nothing left to revert */
	assert_int_equal(gitops_revert(&b.r, &bob, sha, rsha, err, sizeof(err)), 0);
	assert_string_equal(rsha, "");
	assert_non_null(strstr(err, "already has the content from before"));
	/* an unknown commit */
	assert_int_equal(gitops_revert(&b.r, &bob, "deadbeefdeadbeef", rsha, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no commit deadbeefdeadbeef"));
}

static void test_revert_conflict(void **state)
{
	(void)state;
	const char *name = make_bare();
	struct remote_box b;
	remote_for(&b, name, "x", false);
	char sha[41], other[41], err[512];
	assert_int_equal(gitops_change(&b.r, &alice, "a.yaml", edit_set, (void *)"image: v2\n", "v2",
				       NULL, 0, 0, sha, err, sizeof(err)), 0);
	assert_int_equal(gitops_change(&b.r, &alice, "a.yaml", edit_set, (void *)"image: v3\n", "v3",
				       NULL, 0, 0, other, err, sizeof(err)), 0);
	char *before = bare_head(name);
	assert_int_equal(gitops_revert(&b.r, &bob, sha, other, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "conflicts with later changes to a.yaml"));
	char *after = bare_head(name);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_log(void **state)
{
	(void)state;
	const char *name = make_bare();
	struct remote_box b;
	remote_for(&b, name, "x", false);
	char s1[41], s2[41], s3[41], err[512], head[41];
	assert_int_equal(gitops_change(&b.r, &alice, "a.yaml", edit_set, (void *)"image: v2\n", "a to v2",
				       NULL, 0, 0, s1, err, sizeof(err)), 0);
	assert_int_equal(gitops_change(&b.r, &bob, "b.yaml", edit_set, (void *)"image: v2\n", "b to v2",
				       NULL, 0, 0, s2, err, sizeof(err)), 0);
	assert_int_equal(gitops_change(&b.r, &bob, "a.yaml", edit_set, (void *)"image: v3\n", "a to v3\n\nbody",
				       NULL, 0, 0, s3, err, sizeof(err)), 0);
	assert_int_equal(gitops_sync(&b.r, head, err, sizeof(err)), 0);
	struct gitops_commit *c = NULL;
	size_t n = 0;
	assert_int_equal(gitops_log(&b.r, "a.yaml", 0, &c, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_string_equal(c[0].sha, s3);
	assert_string_equal(c[0].subject, "a to v3");
	assert_string_equal(c[0].author, "Bob Operator");
	assert_true(c[0].time > time(NULL) - 600);
	assert_string_equal(c[1].sha, s1);
	assert_string_equal(c[1].author, "Alice Operator");
	assert_string_equal(c[2].subject, "initial");
	gitops_commits_free(c, n);

	assert_int_equal(gitops_log(&b.r, "a.yaml", 1, &c, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].sha, s3);
	gitops_commits_free(c, n);
	assert_int_equal(gitops_log(&b.r, NULL, 0, &c, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 4);
	assert_string_equal(c[1].sha, s2);
	gitops_commits_free(c, n);
	assert_int_equal(gitops_log(&b.r, "envs", 0, &c, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	gitops_commits_free(c, n);
	assert_int_equal(gitops_log(&b.r, "missing.yaml", 0, &c, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	assert_null(c);
}

static void test_credentials(void **state)
{
	(void)state;
	struct gitops_remote r = {.url = "https://git.example.com/ops.git", .branch = "main",
				  .cache_dir = "/nonexistent"};
	unsigned ssh = GIT_CREDENTIAL_SSH_KEY | GIT_CREDENTIAL_SSH_CUSTOM;
	unsigned http = GIT_CREDENTIAL_USERPASS_PLAINTEXT;
	assert_int_equal(gitops_cred_pick(&r, ssh, 0), GITOPS_CRED_NONE);
	r.ssh_key_file = "/home/op/.ssh/id_ed25519";
	r.ssh_agent = true;
	r.token = "tok-123456";
	assert_int_equal(gitops_cred_pick(&r, ssh, 0), GITOPS_CRED_SSH_KEY);
	assert_int_equal(gitops_cred_pick(&r, ssh, GITOPS_CRED_SSH_KEY), GITOPS_CRED_SSH_AGENT);
	assert_int_equal(gitops_cred_pick(&r, ssh, GITOPS_CRED_SSH_KEY | GITOPS_CRED_SSH_AGENT),
			 GITOPS_CRED_NONE);
	assert_int_equal(gitops_cred_pick(&r, http, 0), GITOPS_CRED_TOKEN);
	assert_int_equal(gitops_cred_pick(&r, http, GITOPS_CRED_TOKEN), GITOPS_CRED_NONE);
	assert_int_equal(gitops_cred_pick(&r, GIT_CREDENTIAL_USERNAME, 0), GITOPS_CRED_USERNAME);
	r.ssh_key_file = NULL;
	assert_int_equal(gitops_cred_pick(&r, ssh, 0), GITOPS_CRED_SSH_AGENT);

	/* the callback itself: the token goes as the password of a basic login */
	struct gitops_ctx c;
	memset(&c, 0, sizeof(c));
	c.r = &r;
	git_libgit2_init();
	git_credential *cred = NULL;
	assert_int_equal(gitops_cred_cb(&cred, r.url, NULL, http, &c), 0);
	assert_int_equal(cred->credtype, GIT_CREDENTIAL_USERPASS_PLAINTEXT);
	struct git_credential_userpass_plaintext *up = (void *)cred;
	assert_string_equal(up->username, "x-access-token");
	assert_string_equal(up->password, "tok-123456");
	git_credential_free(cred);
	/* refused once: nothing more to offer, an error that does not show the token */
	cred = NULL;
	assert_true(gitops_cred_cb(&cred, r.url, "deploy", http, &c) < 0);
	assert_null(cred);
	assert_null(strstr(git_error_last()->message, "tok-123456"));
	assert_non_null(strstr(git_error_last()->message, "authentication failed"));

	c.cred_tried = 0;
	assert_int_equal(gitops_cred_cb(&cred, r.url, "deploy", http, &c), 0);
	up = (void *)cred;
	assert_string_equal(up->username, "deploy");
	git_credential_free(cred);
	git_libgit2_shutdown();

	/* URLs in messages lose their password, scp-like ones keep their user */
	char *u = gitops_url_redact("https://me:pw@h.example/x.git");
	assert_string_equal(u, "https://me@h.example/x.git");
	free(u);
	u = gitops_url_redact("git@github.com:org/ops.git");
	assert_string_equal(u, "git@github.com:org/ops.git");
	free(u);
	char err[128] = "cannot fetch: token tok-123456 refused";
	gitops_scrub(&r, err, sizeof(err));
	assert_string_equal(err, "cannot fetch: token *** refused");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_and_read),
		cmocka_unit_test(test_sync_errors),
		cmocka_unit_test(test_change_lands_with_trailers),
		cmocka_unit_test(test_change_nothing_or_refused_input),
		cmocka_unit_test(test_change_retried_after_race),
		cmocka_unit_test(test_hook_rejects),
		cmocka_unit_test(test_concurrent_changes),
		cmocka_unit_test(test_revert),
		cmocka_unit_test(test_revert_conflict),
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_credentials),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
