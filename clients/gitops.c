/* The GitOps client's plumbing: libgit2 set-up, the private clone (init, fetch, hard
 * reset), credentials, safe error messages, file reads and per-path history. */
#include "clients/gitops_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/xalloc.h"

#define REMOTE_NAME "origin"
#define REMOTE_TEXT_MAX 4096

static pthread_once_t libgit2_once = PTHREAD_ONCE_INIT;

/* Never shut down: workers may run at any time, and the test teardown ends it. */
static void libgit2_start(void)
{
	git_libgit2_init();
}

void gitops_error(char *err, size_t errlen, const char *what)
{
	const git_error *e = git_error_last();
	const char *msg = e && e->message ? e->message : "unknown error";
	char *clean = sanitize_cstr(msg, 0);
	size_t len = strlen(clean);
	while (len && (clean[len - 1] == ' ' || clean[len - 1] == '.'))
		clean[--len] = '\0';
	snprintf(err, errlen, "%s: %s", what, clean);
	free(clean);
}

char *gitops_url_redact(const char *url)
{
	if (!url)
		return xstrdup("");
	const char *scheme = strstr(url, "://");
	const char *host = scheme ? scheme + 3 : url;
	const char *end = host + strcspn(host, "/?#");
	const char *at = NULL;
	for (const char *p = host; p < end; p++)
		if (*p == '@')
			at = p;
	/* scp-like git@host:path has a user but never a password: keep it */
	if (!scheme || !at)
		return xstrdup(url);
	const char *colon = memchr(host, ':', (size_t)(at - host));
	if (!colon)
		return xstrdup(url);
	return xasprintf("%.*s%.*s%s", (int)(host - url), url, (int)(colon - host), host, at);
}

static void replace_all(char *err, size_t errlen, const char *secret, const char *with)
{
	size_t slen = strlen(secret);
	if (slen == 0 || !strstr(err, secret))
		return;
	struct strbuf sb = STRBUF_INIT;
	const char *p = err, *hit;
	while ((hit = strstr(p, secret))) {
		strbuf_append(&sb, p, (size_t)(hit - p));
		strbuf_puts(&sb, with);
		p = hit + slen;
	}
	strbuf_puts(&sb, p);
	snprintf(err, errlen, "%s", strbuf_str(&sb));
	strbuf_free(&sb);
}

void gitops_scrub(const struct gitops_remote *r, char *err, size_t errlen)
{
	if (!r || !err || errlen == 0)
		return;
	if (r->url) {
		char *shown = gitops_url_redact(r->url);
		if (strcmp(shown, r->url) != 0)
			replace_all(err, errlen, r->url, shown);
		free(shown);
	}
	if (r->token && strlen(r->token) >= 4)
		replace_all(err, errlen, r->token, "***");
}

/* ---- credentials ---------------------------------------------------------------------- */

enum gitops_cred_kind gitops_cred_pick(const struct gitops_remote *r, unsigned allowed_types,
				       unsigned tried)
{
	if (allowed_types & GIT_CREDENTIAL_SSH_KEY) {
		if (r->ssh_key_file && *r->ssh_key_file && !(tried & GITOPS_CRED_SSH_KEY))
			return GITOPS_CRED_SSH_KEY;
		if (r->ssh_agent && !(tried & GITOPS_CRED_SSH_AGENT))
			return GITOPS_CRED_SSH_AGENT;
	}
	if ((allowed_types & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && r->token && *r->token &&
	    !(tried & GITOPS_CRED_TOKEN))
		return GITOPS_CRED_TOKEN;
	if ((allowed_types & GIT_CREDENTIAL_USERNAME) && !(tried & GITOPS_CRED_USERNAME))
		return GITOPS_CRED_USERNAME;
	return GITOPS_CRED_NONE;
}

static const char *cred_user(const char *username_from_url, const char *fallback)
{
	return username_from_url && *username_from_url ? username_from_url : fallback;
}

int gitops_cred_cb(git_credential **out, const char *url, const char *username_from_url,
		   unsigned int allowed_types, void *payload)
{
	struct gitops_ctx *c = payload;
	const struct gitops_remote *r = c->r;
	enum gitops_cred_kind kind = gitops_cred_pick(r, allowed_types, c->cred_tried);
	(void)url;
	c->cred_tried |= kind;
	switch (kind) {
	case GITOPS_CRED_SSH_KEY:
		return git_credential_ssh_key_new(out, cred_user(username_from_url, "git"), NULL,
						  r->ssh_key_file, NULL);
	case GITOPS_CRED_SSH_AGENT:
		return git_credential_ssh_key_from_agent(out, cred_user(username_from_url, "git"));
	case GITOPS_CRED_TOKEN:
		/* forges ignore the user name of a token login; GitHub documents this one */
		return git_credential_userpass_plaintext_new(
			out, cred_user(username_from_url, "x-access-token"), r->token);
	case GITOPS_CRED_USERNAME:
		return git_credential_username_new(out, cred_user(username_from_url, "git"));
	case GITOPS_CRED_NONE:
		break;
	}
	git_error_set_str(GIT_ERROR_NET,
			  c->cred_tried ? "authentication failed (every configured credential was refused)"
					: "authentication required but no ssh key, ssh-agent or token is configured");
	return GIT_EAUTH;
}

/* Server text (hook output) arrives in pieces; keep the last REMOTE_TEXT_MAX bytes. */
static int on_sideband(const char *str, int len, void *payload)
{
	struct gitops_ctx *c = payload;
	if (len > 0)
		strbuf_append(&c->remote_text, str, (size_t)len);
	if (c->remote_text.len > REMOTE_TEXT_MAX)
		strbuf_consume(&c->remote_text, c->remote_text.len - REMOTE_TEXT_MAX);
	return 0;
}

static int on_push_ref(const char *refname, const char *status, void *payload)
{
	struct gitops_ctx *c = payload;
	if (status && strcmp(refname, c->branch_ref) == 0 && !c->push_status)
		c->push_status = xstrdup(status);
	return 0;
}

void gitops_callbacks_init(struct gitops_ctx *c, git_remote_callbacks *cb)
{
	git_remote_init_callbacks(cb, GIT_REMOTE_CALLBACKS_VERSION);
	cb->credentials = gitops_cred_cb;
	cb->sideband_progress = on_sideband;
	cb->push_update_reference = on_push_ref;
	cb->payload = c;
}

/* ---- the clone ------------------------------------------------------------------------ */

static int remote_check(const struct gitops_remote *r, char *err, size_t errlen)
{
	if (!r || !r->url || !*r->url || !r->branch || !*r->branch || !r->cache_dir ||
	    !*r->cache_dir) {
		snprintf(err, errlen, "gitops remote needs a url, a branch and a cache folder");
		return -1;
	}
	char *ref = xasprintf("refs/heads/%s", r->branch);
	int valid = 0;
	if (git_reference_name_is_valid(&valid, ref) < 0 || !valid) {
		snprintf(err, errlen, "invalid branch name \"%s\"", r->branch);
		free(ref);
		return -1;
	}
	free(ref);
	return 0;
}

int gitops_ctx_open(struct gitops_ctx *c, const struct gitops_remote *r, bool create,
		    char *err, size_t errlen)
{
	pthread_once(&libgit2_once, libgit2_start);
	memset(c, 0, sizeof(*c));
	c->r = r;
	if (remote_check(r, err, errlen) < 0)
		return -1;
	c->url_shown = gitops_url_redact(r->url);
	c->branch_ref = xasprintf("refs/heads/%s", r->branch);
	c->tracking_ref = xasprintf("refs/remotes/" REMOTE_NAME "/%s", r->branch);
	int rc = git_repository_open_ext(&c->repo, r->cache_dir, GIT_REPOSITORY_OPEN_NO_SEARCH,
					 NULL);
	if (rc == GIT_ENOTFOUND && create) {
		git_repository_init_options o;
		git_repository_init_options_init(&o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
		o.flags = GIT_REPOSITORY_INIT_MKPATH;
		o.initial_head = r->branch;
		rc = git_repository_init_ext(&c->repo, r->cache_dir, &o);
	} else if (rc == GIT_ENOTFOUND) {
		snprintf(err, errlen, "no clone of %s in %s yet: sync first", c->url_shown,
			 r->cache_dir);
		return -1;
	}
	if (rc < 0) {
		char *what = xasprintf("cannot open the clone in %s", r->cache_dir);
		gitops_error(err, errlen, what);
		free(what);
		return -1;
	}
	return 0;
}

void gitops_ctx_close(struct gitops_ctx *c)
{
	git_repository_free(c->repo);
	free(c->url_shown);
	free(c->branch_ref);
	free(c->tracking_ref);
	strbuf_free(&c->remote_text);
	free(c->push_status);
	memset(c, 0, sizeof(*c));
}

int gitops_remote_get(struct gitops_ctx *c, git_remote **out, char *err, size_t errlen)
{
	int rc = git_remote_lookup(out, c->repo, REMOTE_NAME);
	if (rc == 0 && strcmp(git_remote_url(*out), c->r->url) != 0) {
		/* the configured URL changed: follow it */
		git_remote_free(*out);
		*out = NULL;
		rc = git_remote_set_url(c->repo, REMOTE_NAME, c->r->url);
		if (rc == 0)
			rc = git_remote_lookup(out, c->repo, REMOTE_NAME);
	} else if (rc == GIT_ENOTFOUND) {
		rc = git_remote_create(out, c->repo, REMOTE_NAME, c->r->url);
	}
	if (rc < 0) {
		*out = NULL;
		char *what = xasprintf("cannot set up the remote %s", c->url_shown);
		gitops_error(err, errlen, what);
		free(what);
		return -1;
	}
	return 0;
}

int gitops_fetch(struct gitops_ctx *c, git_oid *remote_head, char *err, size_t errlen)
{
	git_remote *remote = NULL;
	if (gitops_remote_get(c, &remote, err, errlen) < 0)
		return -1;
	char *spec = xasprintf("+%s:%s", c->branch_ref, c->tracking_ref);
	git_strarray specs = {&spec, 1};
	git_fetch_options fo;
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	gitops_callbacks_init(c, &fo.callbacks);
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	/* a branch deleted upstream must not leave us on its stale tracking ref */
	fo.prune = GIT_FETCH_PRUNE;
	c->cred_tried = 0;
	int rc = git_remote_fetch(remote, &specs, &fo, NULL);
	free(spec);
	if (rc < 0) {
		char *what = xasprintf("cannot fetch %s", c->url_shown);
		gitops_error(err, errlen, what);
		free(what);
		git_remote_free(remote);
		return -1;
	}
	git_remote_free(remote);
	if (git_reference_name_to_id(remote_head, c->repo, c->tracking_ref) < 0) {
		snprintf(err, errlen, "branch %s not found at %s", c->r->branch, c->url_shown);
		return -1;
	}
	return 0;
}

int gitops_reset_to(struct gitops_ctx *c, const git_oid *commit, char *err, size_t errlen)
{
	git_object *obj = NULL;
	git_reference *ref = NULL;
	int rc = git_object_lookup(&obj, c->repo, commit, GIT_OBJECT_COMMIT);
	if (rc == 0)
		rc = git_reference_create(&ref, c->repo, c->branch_ref, commit, 1, "gitops: reset");
	if (rc == 0)
		rc = git_repository_set_head(c->repo, c->branch_ref);
	if (rc == 0) {
		git_checkout_options co;
		git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
		co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED;
		rc = git_reset(c->repo, obj, GIT_RESET_HARD, &co);
		/* git_reset leaves untracked files; a clean checkout removes them too */
		if (rc == 0)
			rc = git_checkout_head(c->repo, &co);
	}
	git_reference_free(ref);
	git_object_free(obj);
	if (rc < 0) {
		char *what = xasprintf("cannot reset the clone in %s", c->r->cache_dir);
		gitops_error(err, errlen, what);
		free(what);
		return -1;
	}
	return 0;
}

int gitops_sync(const struct gitops_remote *r, char *head_sha, char *err, size_t errlen)
{
	struct gitops_ctx c;
	git_oid head;
	int rc = gitops_ctx_open(&c, r, true, err, errlen);
	if (rc == 0)
		rc = gitops_fetch(&c, &head, err, errlen);
	if (rc == 0)
		rc = gitops_reset_to(&c, &head, err, errlen);
	if (rc == 0 && head_sha)
		git_oid_tostr(head_sha, GIT_OID_HEXSZ + 1, &head);
	else if (rc < 0 && head_sha)
		head_sha[0] = '\0';
	gitops_ctx_close(&c);
	if (rc < 0)
		gitops_scrub(r, err, errlen);
	return rc;
}

/* ---- reads ---------------------------------------------------------------------------- */

static int branch_commit(struct gitops_ctx *c, git_commit **out, char *err, size_t errlen)
{
	git_oid oid;
	if (git_reference_name_to_id(&oid, c->repo, c->branch_ref) < 0 ||
	    git_commit_lookup(out, c->repo, &oid) < 0) {
		snprintf(err, errlen, "no %s in the clone of %s: sync first", c->r->branch,
			 c->url_shown);
		return -1;
	}
	return 0;
}

char *gitops_read(const struct gitops_remote *r, const char *path, char *err, size_t errlen)
{
	struct gitops_ctx c;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	char *text = NULL;
	if (gitops_ctx_open(&c, r, false, err, errlen) < 0)
		goto out;
	if (!path || !*path) {
		snprintf(err, errlen, "no file path given");
		goto out;
	}
	if (branch_commit(&c, &commit, err, errlen) < 0)
		goto out;
	if (git_commit_tree(&tree, commit) < 0) {
		gitops_error(err, errlen, "cannot read the head commit");
		goto out;
	}
	if (git_tree_entry_bypath(&entry, tree, path) < 0 ||
	    git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
		snprintf(err, errlen, "%s: no such file on %s", path, r->branch);
		goto out;
	}
	if (git_blob_lookup(&blob, c.repo, git_tree_entry_id(entry)) < 0) {
		gitops_error(err, errlen, path);
		goto out;
	}
	size_t len = (size_t)git_blob_rawsize(blob);
	text = xstrndup(git_blob_rawcontent(blob), len);
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	gitops_ctx_close(&c);
	if (!text)
		gitops_scrub(r, err, errlen);
	return text;
}

/* ---- history -------------------------------------------------------------------------- */

/* The id of path in commit's tree; false when absent. */
static bool path_id(git_commit *commit, const char *path, git_oid *out)
{
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	bool found = git_commit_tree(&tree, commit) == 0 &&
		     git_tree_entry_bypath(&entry, tree, path) == 0;
	if (found)
		git_oid_cpy(out, git_tree_entry_id(entry));
	git_tree_entry_free(entry);
	git_tree_free(tree);
	return found;
}

/* As git log PATH: a commit touched path when it differs from every parent. */
static bool commit_touches(git_commit *commit, const char *path)
{
	git_oid mine, theirs;
	bool have = path_id(commit, path, &mine);
	unsigned n = git_commit_parentcount(commit);
	if (n == 0)
		return have;
	for (unsigned i = 0; i < n; i++) {
		git_commit *parent = NULL;
		if (git_commit_parent(&parent, commit, i) < 0)
			return true;
		bool had = path_id(parent, path, &theirs);
		git_commit_free(parent);
		if (have == had && (!have || git_oid_equal(&mine, &theirs)))
			return false;
	}
	return true;
}

static void commit_record(git_commit *commit, struct gitops_commit *out)
{
	const git_signature *a = git_commit_author(commit);
	const char *summary = git_commit_summary(commit);
	git_oid_tostr(out->sha, sizeof(out->sha), git_commit_id(commit));
	out->author = sanitize_cstr(a && a->name ? a->name : "", 0);
	out->time = a ? (long long)a->when.time : 0;
	out->subject = sanitize_cstr(summary ? summary : "", 0);
}

static int log_walk(struct gitops_ctx *c, const char *path, size_t max,
		    struct gitops_commit **out, size_t *n, char *err, size_t errlen)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	size_t cap = 0;
	if (git_reference_name_to_id(&oid, c->repo, c->branch_ref) < 0) {
		snprintf(err, errlen, "no %s in the clone of %s: sync first", c->r->branch,
			 c->url_shown);
		return -1;
	}
	if (git_revwalk_new(&walk, c->repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0 ||
	    git_revwalk_push(walk, &oid) < 0) {
		gitops_error(err, errlen, "cannot walk the history");
		git_revwalk_free(walk);
		return -1;
	}
	int rc;
	while ((max == 0 || *n < max) && (rc = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *commit = NULL;
		if (git_commit_lookup(&commit, c->repo, &oid) < 0)
			break;
		if (!path || commit_touches(commit, path)) {
			*out = xgrow(*out, &cap, *n + 1, sizeof(**out));
			commit_record(commit, &(*out)[(*n)++]);
		}
		git_commit_free(commit);
	}
	git_revwalk_free(walk);
	return 0;
}

int gitops_log(const struct gitops_remote *r, const char *path, size_t max,
	       struct gitops_commit **out, size_t *n, char *err, size_t errlen)
{
	struct gitops_ctx c;
	*out = NULL;
	*n = 0;
	int rc = gitops_ctx_open(&c, r, false, err, errlen);
	if (rc == 0)
		rc = log_walk(&c, path && *path ? path : NULL, max, out, n, err, errlen);
	gitops_ctx_close(&c);
	if (rc < 0) {
		gitops_commits_free(*out, *n);
		*out = NULL;
		*n = 0;
		gitops_scrub(r, err, errlen);
	}
	return rc;
}

void gitops_commits_free(struct gitops_commit *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++) {
		free(c[i].author);
		free(c[i].subject);
	}
	free(c);
}
