/* gitops_diff (clients/gitops.h): the unified diff of the GitOps repository between two
 * revisions, for "what changed" in triage. Blocks: runs on a core/jobs worker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/gitops_internal.h"
#include "core/strbuf.h"

/* The tree of revision rev (a sha, a short sha or a ref); *commit_out keeps the commit
 * for its parent when asked. */
static int tree_of(git_repository *repo, const char *rev, git_tree **tree,
		   git_commit **commit_out, char *err, size_t errlen)
{
	git_object *obj = NULL;
	if (git_revparse_single(&obj, repo, rev) < 0) {
		char what[128];
		snprintf(what, sizeof what, "revision %.40s", rev);
		gitops_error(err, errlen, what);
		return -1;
	}
	git_commit *commit = NULL;
	int rc = git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (rc == 0)
		rc = git_commit_tree(tree, commit);
	if (rc < 0) {
		gitops_error(err, errlen, "reading the commit");
		git_commit_free(commit);
		return -1;
	}
	if (commit_out)
		*commit_out = commit;
	else
		git_commit_free(commit);
	return 0;
}

static int print_line(const git_diff_delta *delta, const git_diff_hunk *hunk,
		      const git_diff_line *line, void *payload)
{
	(void)delta;
	(void)hunk;
	struct strbuf *sb = payload;
	if (line->origin == GIT_DIFF_LINE_CONTEXT || line->origin == GIT_DIFF_LINE_ADDITION ||
	    line->origin == GIT_DIFF_LINE_DELETION)
		strbuf_putc(sb, line->origin);
	strbuf_append(sb, line->content, line->content_len);
	return 0;
}

static int diff_trees(struct gitops_ctx *c, const char *from, const char *to,
		      const char *path, struct strbuf *sb, char *err, size_t errlen)
{
	git_tree *new_tree = NULL, *old_tree = NULL;
	git_commit *to_commit = NULL, *parent = NULL;
	git_diff *diff = NULL;
	int rc = tree_of(c->repo, to, &new_tree, &to_commit, err, errlen);
	if (rc == 0 && from && *from) {
		rc = tree_of(c->repo, from, &old_tree, NULL, err, errlen);
	} else if (rc == 0 && git_commit_parentcount(to_commit) > 0) {
		rc = git_commit_parent(&parent, to_commit, 0);
		if (rc == 0)
			rc = git_commit_tree(&old_tree, parent);
		if (rc < 0)
			gitops_error(err, errlen, "reading the parent commit");
	}
	git_diff_options opts;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	char *paths[1] = {(char *)path};
	if (path && *path) {
		opts.pathspec.strings = paths;
		opts.pathspec.count = 1;
	}
	if (rc == 0 && git_diff_tree_to_tree(&diff, c->repo, old_tree, new_tree, &opts) < 0) {
		gitops_error(err, errlen, "diff");
		rc = -1;
	}
	if (rc == 0 && git_diff_print(diff, GIT_DIFF_FORMAT_PATCH, print_line, sb) < 0) {
		gitops_error(err, errlen, "printing the diff");
		rc = -1;
	}
	git_diff_free(diff);
	git_tree_free(old_tree);
	git_tree_free(new_tree);
	git_commit_free(parent);
	git_commit_free(to_commit);
	return rc;
}

int gitops_diff(const struct gitops_remote *r, const char *from, const char *to, const char *path, char **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!to || !*to) {
		snprintf(err, errlen, "no revision to diff");
		return -1;
	}
	struct gitops_ctx c;
	struct strbuf sb = STRBUF_INIT;
	int rc = gitops_ctx_open(&c, r, false, err, errlen);
	if (rc == 0)
		rc = diff_trees(&c, from, to, path, &sb, err, errlen);
	gitops_ctx_close(&c);
	if (rc < 0) {
		strbuf_free(&sb);
		gitops_scrub(r, err, errlen);
		return -1;
	}
	*out = strbuf_detach(&sb);
	return 0;
}
