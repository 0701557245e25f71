/* What clients/gitops.c (clone, fetch, credentials, reads, log) shares with
 * clients/gitops_change.c (commits, pushes, retries); also seen by the unit tests. */
#ifndef OPSDECK_CLIENTS_GITOPS_INTERNAL_H
#define OPSDECK_CLIENTS_GITOPS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <git2.h>

#include "clients/gitops.h"
#include "core/strbuf.h"

/* The credential kinds offered, in the order they are tried. */
enum gitops_cred_kind {
	GITOPS_CRED_NONE = 0,        /* nothing (left) to offer: authentication fails */
	GITOPS_CRED_SSH_KEY = 1u << 0,
	GITOPS_CRED_SSH_AGENT = 1u << 1,
	GITOPS_CRED_TOKEN = 1u << 2,
	GITOPS_CRED_USERNAME = 1u << 3, /* ssh asks for the user name alone first */
};

/* One call's state: the open clone and what the transport callbacks gathered. */
struct gitops_ctx {
	const struct gitops_remote *r;
	git_repository *repo;
	char *url_shown;        /* r->url without userinfo, for messages */
	char *branch_ref;       /* "refs/heads/BRANCH" */
	char *tracking_ref;     /* "refs/remotes/origin/BRANCH" */
	unsigned cred_tried;    /* enum gitops_cred_kind bits offered so far this connection */
	struct strbuf remote_text; /* what the server printed (hooks' stderr), capped */
	char *push_status;      /* the server's reason for refusing our ref, or NULL */
};

/* Opens cache_dir (create: initialises it when it is not a clone yet). Fills c. */
int gitops_ctx_open(struct gitops_ctx *c, const struct gitops_remote *r, bool create,
		    char *err, size_t errlen);
void gitops_ctx_close(struct gitops_ctx *c);

/* Fetches the branch into the tracking ref; *remote_head gets its commit. */
int gitops_fetch(struct gitops_ctx *c, git_oid *remote_head, char *err, size_t errlen);
/* Points the local branch and HEAD at commit and hard-resets the work tree to it. */
int gitops_reset_to(struct gitops_ctx *c, const git_oid *commit, char *err, size_t errlen);
/* Transport callbacks (credentials, server messages, push statuses) bound to c. */
void gitops_callbacks_init(struct gitops_ctx *c, git_remote_callbacks *cb);
/* The "origin" remote of c's clone, set to r->url. */
int gitops_remote_get(struct gitops_ctx *c, git_remote **out, char *err, size_t errlen);

/* "WHAT: libgit2's last error" into err. */
void gitops_error(char *err, size_t errlen, const char *what);
/* Removes the token and any URL password from err, in place. */
void gitops_scrub(const struct gitops_remote *r, char *err, size_t errlen);
/* url without "user:password@" (caller frees). */
char *gitops_url_redact(const char *url);

/* Which credential to offer for a libgit2 request allowing allowed_types, given the kinds
 * already offered (tried); the caller records the answer in tried. */
enum gitops_cred_kind gitops_cred_pick(const struct gitops_remote *r, unsigned allowed_types,
				       unsigned tried);
/* The git_credential_acquire_cb; payload is a struct gitops_ctx. */
int gitops_cred_cb(git_credential **out, const char *url, const char *username_from_url,
		   unsigned int allowed_types, void *payload);

#endif
