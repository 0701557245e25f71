/* The branch's history with changed paths and trailers (clients/gitops_history.h): one
 * revision walk, one tree diff per commit against its first parent. */
#include "clients/gitops_history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "clients/gitops_internal.h"
#include "core/xalloc.h"

struct paths_ud {
	struct gitops_history_commit *c;
	size_t cap;
	const char *under;
};

static int add_path(const git_diff_delta *delta, float progress, void *payload)
{
	(void)progress;
	struct paths_ud *ud = payload;
	const char *p = delta->new_file.path ? delta->new_file.path : delta->old_file.path;
	size_t ul = ud->under ? strlen(ud->under) : 0;
	if (!p || (ul && strncmp(p, ud->under, ul)))
		return 0;
	ud->c->paths = xgrow(ud->c->paths, &ud->cap, ud->c->npaths + 1, sizeof *ud->c->paths);
	ud->c->paths[ud->c->npaths++] = xstrdup(p);
	return 0;
}

static int changed_paths(git_repository *repo, git_commit *commit, struct gitops_history_commit *out,
			 const char *under)
{
	git_commit *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	git_diff *diff = NULL;
	git_diff_options opts;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	char *spec = under ? xstrdup(under) : NULL;
	if (spec) {
		opts.pathspec.strings = &spec;
		opts.pathspec.count = 1;
	}
	int rc = git_commit_tree(&tree, commit);
	if (!rc && git_commit_parentcount(commit) > 0 && !(rc = git_commit_parent(&parent, commit, 0)))
		rc = git_commit_tree(&ptree, parent);
	if (!rc)
		rc = git_diff_tree_to_tree(&diff, repo, ptree, tree, &opts);
	struct paths_ud ud = {out, 0, under};
	if (!rc)
		rc = git_diff_foreach(diff, add_path, NULL, NULL, NULL, &ud);
	git_diff_free(diff);
	git_tree_free(ptree);
	git_tree_free(tree);
	git_commit_free(parent);
	free(spec);
	return rc;
}

static void read_trailers(const char *message, struct gitops_history_commit *out)
{
	git_message_trailer_array arr;
	memset(&arr, 0, sizeof arr);
	if (git_message_trailers(&arr, message) != 0)
		return;
	for (size_t i = 0; i < arr.count; i++) {
		const char *k = arr.trailers[i].key;
		char **slot = !strcmp(k, "Promoted-From") ? &out->promoted_from
			      : !strcmp(k, "Promoted-To") ? &out->promoted_to
			      : !strcmp(k, "Source-Revision") ? &out->source_revision
			      : !strcmp(k, "Reverts") ? &out->reverts : NULL;
		if (slot && !*slot)
			*slot = xstrdup(arr.trailers[i].value);
	}
	git_message_trailer_array_free(&arr);
}

static int record(git_repository *repo, git_commit *commit, const char *under,
		  struct gitops_history_commit *out)
{
	memset(out, 0, sizeof *out);
	git_oid_tostr(out->sha, sizeof out->sha, git_commit_id(commit));
	out->time = (long long)git_commit_time(commit);
	const char *summary = git_commit_summary(commit);
	out->subject = xstrdup(summary ? summary : "");
	out->revert = !strncmp(out->subject, "Revert ", 7);
	const git_signature *who = git_commit_author(commit);
	out->author = who ? xasprintf("%s <%s>", who->name ? who->name : "",
				      who->email ? who->email : "")
			  : xstrdup("");
	const char *msg = git_commit_message(commit);
	if (msg)
		read_trailers(msg, out);
	return changed_paths(repo, commit, out, under);
}

/* Frees one commit's strings (the item itself stays: it may sit inside an array). */
static void history_clear(struct gitops_history_commit *c)
{
	for (size_t k = 0; k < c->npaths; k++)
		free(c->paths[k]);
	free(c->paths);
	free(c->subject);
	free(c->author);
	free(c->promoted_from);
	free(c->promoted_to);
	free(c->source_revision);
	free(c->reverts);
	memset(c, 0, sizeof *c);
}

static int walk(struct gitops_ctx *c, const char *under, long long since,
		struct gitops_history_commit **out, size_t *n, char *err, size_t errlen)
{
	git_revwalk *w = NULL;
	git_oid oid;
	size_t cap = 0;
	if (git_reference_name_to_id(&oid, c->repo, c->branch_ref) < 0) {
		snprintf(err, errlen, "no %s in the clone of %s: sync first", c->r->branch,
			 c->url_shown);
		return -1;
	}
	if (git_revwalk_new(&w, c->repo) < 0 ||
	    git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE) < 0 ||
	    git_revwalk_push(w, &oid) < 0) {
		gitops_error(err, errlen, "cannot walk the history");
		git_revwalk_free(w);
		return -1;
	}
	int rc = 0;
	while (!rc && git_revwalk_next(&oid, w) == 0) {
		git_commit *commit = NULL;
		if (git_commit_lookup(&commit, c->repo, &oid) < 0) {
			gitops_error(err, errlen, "cannot read a commit");
			rc = -1;
			break;
		}
		if ((long long)git_commit_time(commit) >= since) {
			*out = xgrow(*out, &cap, *n + 1, sizeof **out);
			struct gitops_history_commit *h = &(*out)[*n];
			(*n)++;
			if (record(c->repo, commit, under, h) < 0) {
				gitops_error(err, errlen, "cannot diff a commit");
				rc = -1;
			} else if (under && !h->npaths) {
				history_clear(h);
				(*n)--;
			}
		}
		git_commit_free(commit);
	}
	git_revwalk_free(w);
	return rc;
}

int gitops_history(const struct gitops_remote *r, const char *under, long long since,
		   struct gitops_history_commit **out, size_t *n, char *err, size_t errlen)
{
	struct gitops_ctx c;
	*out = NULL;
	*n = 0;
	int rc = gitops_ctx_open(&c, r, false, err, errlen);
	if (rc == 0)
		rc = walk(&c, under && *under ? under : NULL, since, out, n, err, errlen);
	gitops_ctx_close(&c);
	if (rc < 0) {
		gitops_history_free(*out, *n);
		*out = NULL;
		*n = 0;
		gitops_scrub(r, err, errlen);
	}
	return rc;
}

void gitops_history_free(struct gitops_history_commit *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++)
		history_clear(&c[i]);
	free(c);
}
