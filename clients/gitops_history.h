/* The GitOps repository's history for DORA: every commit on the branch with the paths it
 * changed and its promotion trailers, so that a commit to envs/ENV/SERVICE can be read as
 * a deployment to ENV and followed back to the change that started it. BLOCKS (libgit2):
 * run it in a core/jobs worker or a batch command, after gitops_sync. */
#ifndef OPSDECK_CLIENTS_GITOPS_HISTORY_H
#define OPSDECK_CLIENTS_GITOPS_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "clients/gitops.h"

/* One commit. Strings owned (gitops_history_free); trailers NULL when absent. */
struct gitops_history_commit {
	char sha[41];
	long long time;           /* committer time (Unix seconds) */
	char *subject;
	char *author;             /* "Name <email>" of the commit's author */
	char **paths;             /* paths changed against the first parent (all files of a
				   * root commit), '/'-separated */
	size_t npaths;
	char *promoted_from, *promoted_to;  /* Promoted-From / Promoted-To trailers */
	char *source_revision;    /* Source-Revision: the commit that brought the release to
				   * the environment before */
	char *reverts;            /* Reverts: SHA (gitops_revert), or NULL */
	bool revert;              /* the subject starts with "Revert " */
};

/* Commits on r's branch (as of the last sync) committed at or after since (0: all),
 * OLDEST first; only paths under `under` are kept (NULL: all), and commits that change
 * nothing there are left out. *out is freed with gitops_history_free. 0 or -1 with err. */
int gitops_history(const struct gitops_remote *r, const char *under, long long since,
		   struct gitops_history_commit **out, size_t *n, char *err, size_t errlen);
void gitops_history_free(struct gitops_history_commit *c, size_t n);

#endif
