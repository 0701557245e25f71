/* The sandbox's GitOps repository: a bare Git repository in the state directory whose
 * commits replay the deploys the scenario's Argo CD history records (gitrepo.c builds it,
 * gitrepo_apps.c gathers those deploys), and the reads the Argo CD simulation makes of it:
 * the branch head, a revision's commit, the image tag a file holds at a commit. */
#ifndef OPSDECK_SANDBOX_GITREPO_H
#define OPSDECK_SANDBOX_GITREPO_H

#include "sandbox/objstore.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define GITREPO_NAME "gitops.git"

/* One deploy to replay: the kustomization.yaml in dir gets newTag tag. */
struct gitrepo_deploy {
	char *dir;                /* envs/uat/cart */
	char *image;              /* registry.example.com/storefront/cart (no tag) */
	char *tag;                /* 4.0.1 */
	char *service, *env, *from_env;   /* message and trailers */
	char *tenant;             /* the namespace suffix's owner, for the file's namespace */
	time_t when;              /* commit and author time */
	char *placeholder;        /* the sha the scenario wrote for this deploy, or NULL */
	char *reverts;            /* the placeholder of the deploy this one reverts (a
				   * "Revert" commit with a Reverts: trailer), or NULL */
	char sha[41];             /* out: the commit made */
};

/* Creates the bare repository path (which must not exist) on branch: an initial commit
 * with base/<service>/ for every service named, then one commit per deploy in the order
 * given (callers sort by time), each with the whole tree. Authors come from a fixed team
 * list by hash, so the same deploys give the same shas. 0, or -1 and err. */
int gitrepo_build(const char *path, const char *branch, struct gitrepo_deploy *deploys,
		  size_t n, char *err, size_t errlen);

/* Builds DIR/gitops.git from the Applications in st (lock held) that the scenario made,
 * rewrites their revisions (history, sync, operation, revision-images) to the real shas,
 * and serves the repository to the Argo CD simulation. 0, or -1 and err. */
int gitrepo_create_from_store(const char *dir, struct objstore *st, char *err, size_t errlen);

/* The repository the Argo CD simulation reads from now on (NULL: none; then it keeps to
 * the Applications' annotations). Process-wide: one sandbox serves one repository. */
void gitrepo_serve(const char *path, const char *branch);
bool gitrepo_serving(void);
/* The branch head's sha into out; false when nothing is served or it is unreadable. */
bool gitrepo_head(char out[41]);
/* A revision ("", "HEAD", the branch, a full sha or a prefix of 7+ hex characters) to
 * its commit's sha; false when it names no commit. */
bool gitrepo_resolve(const char *revision, char out[41]);
/* The first images[].newTag of DIR/kustomization.yaml at commit sha into tag. */
bool gitrepo_tag_at(const char *sha, const char *dir, char *tag, size_t len);

/* The newTag value in a kustomization.yaml text (quotes and comments dropped). */
bool gitrepo_parse_tag(const char *text, char *tag, size_t len);
/* The kustomization.yaml text for a deploy, as the repository holds it. Caller frees. */
char *gitrepo_kustomization(const struct gitrepo_deploy *d);

#endif
