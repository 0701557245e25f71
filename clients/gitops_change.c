/* Changes to the GitOps repository: build a commit on the remote head (an edit of one
 * file, or a revert), push it, and when someone else pushed first, rebuild it on their
 * head and push again; whatever happens the clone ends at the remote head. */
#include "clients/gitops_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sanitize.h"
#include "core/xalloc.h"

/* Builds a commit on base (the remote head, checked out) and points the local branch at
 * it. Returns 0 (made, *out), 1 (nothing to change, err says why) or -1 (err). */
typedef int (*build_fn)(struct gitops_ctx *c, const git_oid *base, git_oid *out, void *ud,
			char *err, size_t errlen);

/* ---- pushing -------------------------------------------------------------------------- */

/* Progress meters ("Resolving deltas: 50% (1/2)") are not part of a hook's message. */
static bool is_progress(const char *line)
{
	return strstr(line, "% (") != NULL;
}

/* The server's own words (hook output) as one line: "a; b", or NULL. */
static char *remote_message(struct gitops_ctx *c)
{
	char *text = xstrdup(strbuf_str(&c->remote_text));
	struct strbuf out = STRBUF_INIT;
	char *save = NULL;
	for (char *line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		if (strncmp(line, "remote: ", 8) == 0)
			line += 8;
		while (*line == ' ' || *line == '\t')
			line++;
		size_t len = strlen(line);
		while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		if (!len || is_progress(line))
			continue;
		if (out.len)
			strbuf_puts(&out, "; ");
		sanitize_append(&out, line, len, 0);
	}
	free(text);
	return out.len ? strbuf_detach(&out) : NULL;
}

/* Pushes the local branch. 0: the server took it; -1: err says why. */
static int push_branch(struct gitops_ctx *c, char *err, size_t errlen)
{
	git_remote *remote = NULL;
	if (gitops_remote_get(c, &remote, err, errlen) < 0)
		return -1;
	char *spec = xasprintf("%s:%s", c->branch_ref, c->branch_ref);
	git_strarray specs = {&spec, 1};
	git_push_options po;
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	gitops_callbacks_init(c, &po.callbacks);
	strbuf_reset(&c->remote_text);
	free(c->push_status);
	c->push_status = NULL;
	c->cred_tried = 0;
	int rc = git_remote_push(remote, &specs, &po);
	free(spec);
	git_remote_free(remote);
	if (rc < 0) {
		char *what = xasprintf("cannot push to %s", c->url_shown);
		gitops_error(err, errlen, what);
		free(what);
		return -1;
	}
	if (c->push_status) {
		char *said = remote_message(c);
		char *status = sanitize_cstr(c->push_status, 0);
		snprintf(err, errlen, "push to %s rejected by the server: %s", c->url_shown,
			 said ? said : status);
		free(said);
		free(status);
		return -1;
	}
	return 0;
}

/* After a failed push: did our commit land anyway (the reply was lost), did someone else
 * move the branch (retry), or is the refusal about us (give up)? */
enum after_push { PUSH_LANDED, PUSH_RACED, PUSH_REFUSED };

static enum after_push push_outcome(struct gitops_ctx *c, const git_oid *base,
				    const git_oid *mine, const git_oid *now)
{
	if (git_oid_equal(now, mine) || git_graph_descendant_of(c->repo, now, mine) == 1)
		return PUSH_LANDED;
	if (git_oid_equal(now, base))
		return PUSH_REFUSED;
	return PUSH_RACED;
}

static int attempt_fail(struct gitops_ctx *c, const git_oid *head, char *err, size_t errlen)
{
	char spare[256];
	/* keep the first error: the reset's own failure would only hide it */
	gitops_reset_to(c, head, spare, sizeof(spare));
	(void)err;
	(void)errlen;
	return -1;
}

/* The retry loop shared by changes and reverts. */
static int change_run(struct gitops_ctx *c, build_fn build, void *ud, int retries,
		      char *sha, char *err, size_t errlen)
{
	git_oid base, mine, now;
	sha[0] = '\0';
	if (gitops_fetch(c, &base, err, errlen) < 0)
		return -1;
	for (int attempt = 0;; attempt++) {
		if (gitops_reset_to(c, &base, err, errlen) < 0)
			return -1;
		int rc = build(c, &base, &mine, ud, err, errlen);
		if (rc != 0)
			return rc < 0 ? attempt_fail(c, &base, err, errlen) : 0;
		char push_err[1024];
		if (push_branch(c, push_err, sizeof(push_err)) == 0) {
			git_oid_tostr(sha, GIT_OID_HEXSZ + 1, &mine);
			/* the work tree still shows base: bring it to what was pushed */
			return gitops_reset_to(c, &mine, err, errlen);
		}
		if (gitops_fetch(c, &now, err, errlen) < 0) {
			/* cannot tell what happened: say both, leave the clone as fetched */
			char fetch_err[512];
			snprintf(fetch_err, sizeof(fetch_err), "%s", err);
			snprintf(err, errlen, "%s (and then %s)", push_err, fetch_err);
			return attempt_fail(c, &base, err, errlen);
		}
		switch (push_outcome(c, &base, &mine, &now)) {
		case PUSH_LANDED:
			git_oid_tostr(sha, GIT_OID_HEXSZ + 1, &mine);
			return gitops_reset_to(c, &now, err, errlen);
		case PUSH_REFUSED:
			snprintf(err, errlen, "%s", push_err);
			return attempt_fail(c, &now, err, errlen);
		case PUSH_RACED:
			break;
		}
		if (attempt >= retries) {
			snprintf(err, errlen, "%s: %s kept moving (%d attempts)", push_err,
				 c->r->branch, attempt + 1);
			return attempt_fail(c, &now, err, errlen);
		}
		base = now;
	}
}

/* ---- commits -------------------------------------------------------------------------- */

static int make_signature(const struct gitops_identity *who, git_signature **sig, char *err,
			  size_t errlen)
{
	if (!who || !who->name || !*who->name || !who->email || !*who->email) {
		snprintf(err, errlen, "a change needs the operator's name and email");
		return -1;
	}
	if (git_signature_now(sig, who->name, who->email) < 0) {
		gitops_error(err, errlen, "invalid identity");
		return -1;
	}
	return 0;
}

/* Commits tree on base as who, moves the local branch there. */
static int commit_tree(struct gitops_ctx *c, const struct gitops_identity *who,
		       const git_oid *base, const git_oid *tree_id, const char *message,
		       git_oid *out, char *err, size_t errlen)
{
	git_signature *sig = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	git_reference *ref = NULL;
	int rc = make_signature(who, &sig, err, errlen);
	if (rc == 0 && (git_commit_lookup(&parent, c->repo, base) < 0 ||
			git_tree_lookup(&tree, c->repo, tree_id) < 0 ||
			git_commit_create(out, c->repo, NULL, sig, sig, NULL, message, tree, 1,
					  (const git_commit **)&parent) < 0 ||
			git_reference_create(&ref, c->repo, c->branch_ref, out, 1, "gitops: commit") < 0)) {
		gitops_error(err, errlen, "cannot commit");
		rc = -1;
	}
	git_reference_free(ref);
	git_tree_free(tree);
	git_commit_free(parent);
	git_signature_free(sig);
	return rc;
}

/* ---- gitops_change -------------------------------------------------------------------- */

struct edit_job {
	const struct gitops_identity *who;
	const char *path;
	gitops_edit_fn edit;
	void *ud;
	char *message;          /* message and trailers, ready to commit */
};

static bool path_is_safe(const char *path)
{
	if (!path || !*path || path[0] == '/')
		return false;
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2)) ||
		    (n == 4 && !strncasecmp(p, ".git", 4)))
			return false;
		p += n;
		if (*p == '/')
			p++;
	}
	return path[strlen(path) - 1] != '/';
}

/* "message\n\nKey: value\n..." or NULL with err. */
static char *message_build(const char *message, const char *const *trailers, size_t n,
			   char *err, size_t errlen)
{
	size_t len = message ? strlen(message) : 0;
	while (len && strchr(" \t\r\n", message[len - 1]))
		len--;
	if (len == 0) {
		snprintf(err, errlen, "a change needs a commit message");
		return NULL;
	}
	struct strbuf sb = STRBUF_INIT;
	strbuf_append(&sb, message, len);
	strbuf_puts(&sb, n ? "\n\n" : "\n");
	for (size_t i = 0; i < n; i++) {
		const char *t = trailers[i];
		const char *colon = t ? strstr(t, ": ") : NULL;
		if (!colon || colon == t || strpbrk(t, "\r\n") || strchr(t, ' ') < colon) {
			snprintf(err, errlen, "invalid trailer \"%s\": one \"Key: value\" line",
				 t ? t : "(null)");
			strbuf_free(&sb);
			return NULL;
		}
		strbuf_puts(&sb, t);
		strbuf_putc(&sb, '\n');
	}
	return strbuf_detach(&sb);
}

/* The text of path at base (NULL: absent) and its entry mode. */
static int edit_old_text(struct gitops_ctx *c, git_tree *tree, const char *path, char **text,
			 git_filemode_t *mode, char *err, size_t errlen)
{
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	*text = NULL;
	*mode = GIT_FILEMODE_BLOB;
	if (git_tree_entry_bypath(&entry, tree, path) < 0)
		return 0;
	int rc = 0;
	*mode = git_tree_entry_filemode(entry);
	if (*mode != GIT_FILEMODE_BLOB && *mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
		snprintf(err, errlen, "%s is not a regular file", path);
		rc = -1;
	} else if (git_blob_lookup(&blob, c->repo, git_tree_entry_id(entry)) < 0) {
		gitops_error(err, errlen, path);
		rc = -1;
	} else if (git_blob_is_binary(blob)) {
		snprintf(err, errlen, "%s is not a text file", path);
		rc = -1;
	} else {
		*text = xstrndup(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	}
	git_blob_free(blob);
	git_tree_entry_free(entry);
	return rc;
}

/* The tree of base with path holding text. */
static int edit_tree(struct gitops_ctx *c, git_tree *base_tree, const char *path,
		     const char *text, git_filemode_t mode, git_oid *tree_id, char *err,
		     size_t errlen)
{
	git_index *index = NULL;
	git_index_entry e;
	memset(&e, 0, sizeof(e));
	e.mode = mode;
	e.path = path;
	int rc = git_index_new(&index);
	if (rc == 0)
		rc = git_index_read_tree(index, base_tree);
	if (rc == 0)
		rc = git_blob_create_from_buffer(&e.id, c->repo, text, strlen(text));
	if (rc == 0)
		rc = git_index_add(index, &e);
	if (rc == 0)
		rc = git_index_write_tree_to(tree_id, index, c->repo);
	git_index_free(index);
	if (rc < 0)
		gitops_error(err, errlen, path);
	return rc < 0 ? -1 : 0;
}

static int edit_build(struct gitops_ctx *c, const git_oid *base, git_oid *out, void *ud,
		      char *err, size_t errlen)
{
	struct edit_job *job = ud;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	char *old = NULL, *new = NULL;
	git_filemode_t mode;
	git_oid tree_id;
	int rc = -1;
	if (git_commit_lookup(&commit, c->repo, base) < 0 || git_commit_tree(&tree, commit) < 0) {
		gitops_error(err, errlen, "cannot read the head commit");
		goto out;
	}
	if (edit_old_text(c, tree, job->path, &old, &mode, err, errlen) < 0)
		goto out;
	err[0] = '\0';
	new = job->edit(job->ud, old, err, errlen);
	if (!new) {
		if (!err[0])
			snprintf(err, errlen, "the edit of %s failed", job->path);
		goto out;
	}
	if (old && strcmp(old, new) == 0) {
		snprintf(err, errlen, "%s on %s already has that content", job->path,
			 c->r->branch);
		rc = 1;
		goto out;
	}
	if (edit_tree(c, tree, job->path, new, mode, &tree_id, err, errlen) == 0)
		rc = commit_tree(c, job->who, base, &tree_id, job->message, out, err, errlen);
out:
	free(old);
	free(new);
	git_tree_free(tree);
	git_commit_free(commit);
	return rc;
}

int gitops_change(const struct gitops_remote *r, const struct gitops_identity *who,
		  const char *path, gitops_edit_fn edit, void *ud, const char *message,
		  const char *const *trailers, size_t ntrailers, int retries,
		  char *commit_sha, char *err, size_t errlen)
{
	struct gitops_ctx c;
	commit_sha[0] = '\0';
	if (!path_is_safe(path) || !edit) {
		snprintf(err, errlen, "invalid file path \"%s\"", path ? path : "(null)");
		return -1;
	}
	struct edit_job job = {who, path, edit, ud, NULL};
	job.message = message_build(message, trailers, ntrailers, err, errlen);
	if (!job.message)
		return -1;
	int rc = gitops_ctx_open(&c, r, true, err, errlen);
	if (rc == 0)
		rc = change_run(&c, edit_build, &job, retries < 0 ? 0 : retries, commit_sha, err,
				errlen);
	gitops_ctx_close(&c);
	free(job.message);
	if (rc < 0)
		gitops_scrub(r, err, errlen);
	return rc;
}

/* ---- gitops_revert -------------------------------------------------------------------- */

struct revert_job {
	const struct gitops_identity *who;
	const char *commit;
};

static int revert_target(struct gitops_ctx *c, const git_oid *base, const char *spec,
			 git_commit **out, char *err, size_t errlen)
{
	git_object *obj = NULL;
	if (!spec || strspn(spec, "0123456789abcdefABCDEF") != strlen(spec) || strlen(spec) < 4 ||
	    git_revparse_single(&obj, c->repo, spec) < 0 ||
	    git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT) < 0) {
		git_object_free(obj);
		snprintf(err, errlen, "no commit %s in %s", spec ? spec : "(null)", c->url_shown);
		return -1;
	}
	git_object_free(obj);
	const git_oid *id = git_commit_id(*out);
	if (!git_oid_equal(id, base) && git_graph_descendant_of(c->repo, base, id) != 1) {
		snprintf(err, errlen, "commit %s is not on %s", spec, c->r->branch);
		git_commit_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static void conflict_paths(git_index *index, char *err, size_t errlen, const char *sha)
{
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *anc, *ours, *theirs;
	struct strbuf sb = STRBUF_INIT;
	if (git_index_conflict_iterator_new(&it, index) == 0)
		while (git_index_conflict_next(&anc, &ours, &theirs, it) == 0) {
			const git_index_entry *e = ours ? ours : theirs ? theirs : anc;
			strbuf_printf(&sb, "%s%s", sb.len ? ", " : "", e->path);
		}
	git_index_conflict_iterator_free(it);
	snprintf(err, errlen, "cannot revert %.12s: it conflicts with later changes to %s", sha,
		 strbuf_str(&sb));
	strbuf_free(&sb);
}

static char *revert_message(git_commit *target)
{
	char sha[GIT_OID_HEXSZ + 1];
	git_oid_tostr(sha, sizeof(sha), git_commit_id(target));
	const char *summary = git_commit_summary(target);
	return xasprintf("Revert \"%s\"\n\nThis reverts commit %s.\n\nReverts: %s\n",
			 summary ? summary : "", sha, sha);
}

static int revert_build(struct gitops_ctx *c, const git_oid *base, git_oid *out, void *ud,
			char *err, size_t errlen)
{
	struct revert_job *job = ud;
	git_commit *target = NULL, *head = NULL;
	git_index *index = NULL;
	git_oid tree_id;
	int rc = -1;
	if (revert_target(c, base, job->commit, &target, err, errlen) < 0)
		return -1;
	char sha[GIT_OID_HEXSZ + 1];
	git_oid_tostr(sha, sizeof(sha), git_commit_id(target));
	unsigned mainline = git_commit_parentcount(target) > 1 ? 1 : 0;
	if (git_commit_lookup(&head, c->repo, base) < 0 ||
	    git_revert_commit(&index, c->repo, target, head, mainline, NULL) < 0) {
		gitops_error(err, errlen, "cannot revert");
		goto out;
	}
	if (git_index_has_conflicts(index)) {
		conflict_paths(index, err, errlen, sha);
		goto out;
	}
	if (git_index_write_tree_to(&tree_id, index, c->repo) < 0) {
		gitops_error(err, errlen, "cannot revert");
		goto out;
	}
	if (git_oid_equal(&tree_id, git_commit_tree_id(head))) {
		snprintf(err, errlen, "%s already has the content from before %.12s", c->r->branch,
			 sha);
		rc = 1;
		goto out;
	}
	char *message = revert_message(target);
	rc = commit_tree(c, job->who, base, &tree_id, message, out, err, errlen);
	free(message);
out:
	git_index_free(index);
	git_commit_free(head);
	git_commit_free(target);
	return rc;
}

int gitops_revert(const struct gitops_remote *r, const struct gitops_identity *who,
		  const char *commit, char *new_sha, char *err, size_t errlen)
{
	struct gitops_ctx c;
	struct revert_job job = {who, commit};
	new_sha[0] = '\0';
	int rc = gitops_ctx_open(&c, r, true, err, errlen);
	if (rc == 0)
		rc = change_run(&c, revert_build, &job, GITOPS_REVERT_RETRIES, new_sha, err,
				errlen);
	gitops_ctx_close(&c);
	if (rc < 0)
		gitops_scrub(r, err, errlen);
	return rc;
}
