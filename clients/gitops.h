/* The GitOps repository client on libgit2: a private clone per remote, file reads, changes
 * committed with the operator's identity and trailers and pushed with bounded retries,
 * reverts, and per-file history. Every function BLOCKS: call it from a core/jobs worker. */
#ifndef OPSDECK_CLIENTS_GITOPS_H
#define OPSDECK_CLIENTS_GITOPS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Threads: the functions are safe to run at the same time from different threads as long
 * as each remote has its own cache_dir (one cache_dir is used by one call at a time).
 * libgit2 is initialised once on first use and never shut down here.
 *
 * Errors: every function returns 0 or -1 with one line in err (errlen > 0), e.g.
 * "cannot fetch URL: ...", "push to URL rejected by the server: HOOK MESSAGE". A token, or
 * a password in the URL, never appears in a message (URLs are shown without userinfo).
 */

/* Where the repository is and how to log in. Borrowed strings; NULL or false for unused. */
struct gitops_remote {
	const char *url;        /* ssh://, git@host:path, https://, git://, file:// or a path */
	const char *branch;     /* "main" */
	const char *cache_dir;  /* our clone of url; one per remote, never shared by two calls */
	const char *ssh_key_file; /* private key for ssh (public key derived by libssh2) */
	bool ssh_agent;         /* offer ssh-agent's keys for ssh */
	const char *token;      /* https: basic auth with the token as password */
};

/* Author and committer of changes: the operator, not the tool. */
struct gitops_identity {
	const char *name;
	const char *email;
};

/* Clones (first time) or fetches into cache_dir and moves the local branch to the
 * remote's head (hard reset of the work tree: the cache is ours alone). head_sha gets
 * the 40-hex head commit (may be NULL). */
int gitops_sync(const struct gitops_remote *r, char *head_sha /*41*/, char *err, size_t errlen);

/* The file at path (relative, '/'-separated) in the synced work tree, as of the last
 * sync (read from the head commit, so a stray edit in the cache never leaks in). The
 * caller frees. NULL if absent (err "PATH: no such file on BRANCH") or on error. */
char *gitops_read(const struct gitops_remote *r, const char *path, char *err, size_t errlen);

/* The edit step of a change: given the file's current text (NULL when the file does not
 * exist yet: the edit may create it), return the new text (malloc'd; the client frees it)
 * or NULL with err. It is re-run on every retry after a rejected push, on that retry's
 * text, so it must be a function of old_text (and ud), not a saved result. */
typedef char *(*gitops_edit_fn)(void *ud, const char *old_text, char *err, size_t errlen);

/* Fetch, edit path with edit, commit with message + trailers ("Key: value" lines after a
 * blank line; a trailer holding a newline or lacking ": " is refused), push to branch;
 * when the push is rejected because someone else pushed in between, fetch, reset, re-run
 * edit on the new text, commit again, push again, at most retries times (retries 0: one
 * attempt). When edit returns the text unchanged: no commit, 0 returned, *commit_sha ""
 * and err "PATH on BRANCH already has that content". A push whose reply was lost but that
 * landed counts as landed (never committed twice). On any failure the remote has no
 * half-done state and the cache is reset to the remote head. commit_sha gets the pushed
 * commit. */
int gitops_change(const struct gitops_remote *r, const struct gitops_identity *who,
		  const char *path, gitops_edit_fn edit, void *ud, const char *message,
		  const char *const *trailers, size_t ntrailers, int retries,
		  char *commit_sha /*41*/, char *err, size_t errlen);

/* How many times gitops_revert retries a push rejected because the branch moved. */
#define GITOPS_REVERT_RETRIES 5

/* git revert of commit (full or abbreviated sha, which must be on branch): a new commit
 * by who with message "Revert \"SUBJECT\"", a body "This reverts commit SHA." and a
 * trailer "Reverts: SHA", pushed with the same retry rule (GITOPS_REVERT_RETRIES). A
 * revert that conflicts with later changes fails naming the files. When the branch
 * already has the reverted content: 0, *new_sha "" and a message in err. */
int gitops_revert(const struct gitops_remote *r, const struct gitops_identity *who,
		  const char *commit, char *new_sha /*41*/, char *err, size_t errlen);

/* One commit of gitops_log. author is the author's name; time is the author time
 * (seconds since the epoch); subject is the first line of the message. */
struct gitops_commit {
	char sha[41];
	char *author;
	long long time;
	char *subject;
};

/* Commits on branch (as of the last sync) that touched path (a file or a folder; NULL:
 * every commit), newest first, at most max (0: no limit). A merge counts only when path
 * differs from every parent, as git log PATH shows it. *out is an array the caller frees
 * with gitops_commits_free (NULL when *n is 0). */
int gitops_log(const struct gitops_remote *r, const char *path, size_t max,
	       struct gitops_commit **out, size_t *n, char *err, size_t errlen);
void gitops_commits_free(struct gitops_commit *c, size_t n);
/* The unified diff (git diff FROM TO -- PATH) between two revisions of the clone as of
 * the last sync; from NULL or "": TO's first parent. path NULL: the whole tree. *out is
 * the text (the caller frees; "" when nothing differs). clients/gitops_diff.c. */
int gitops_diff(const struct gitops_remote *r, const char *from, const char *to, const char *path, char **out, char *err, size_t errlen);

#endif
