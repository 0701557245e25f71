/* The promotion engine: a service's version moved from one environment to a later one by
 * changing the GitOps repository. First a plan (versions, gates, the file diff, the
 * commits), then the change (one commit with trailers, pushed with retries), or a revert. */
#ifndef OPSDECK_CLIENTS_PROMOTE_H
#define OPSDECK_CLIENTS_PROMOTE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "clients/gitops.h"
#include "core/platform.h"

/*
 * Blocking: promote_plan_build, promote_apply, promote_revert and promote_commit_info
 * talk to the repository through clients/gitops (libgit2): run them in a core/jobs
 * worker, or directly in a batch command. Each holds an exclusive flock on
 * "CACHE_DIR.lock" while it uses the clone, so two threads or two opsdeck processes
 * promoting at the same time take turns on the shared cache instead of corrupting it.
 * Errors: 0 or -1 with one line in err; no token ever appears in one.
 */

/* The GitOps remote of a platform, with the strings it borrows owned here. */
struct promote_remote {
	struct gitops_remote r;   /* what the gitops_* and promote_* calls take */
	char *url, *branch, *cache_dir, *key_file, *token;
};

/* Fills pr from p->gitops: url; branch (gitops.revision, "main" when the file names
 * none); cache_dir $XDG_CACHE_HOME/opsdeck/git/<16 hex of a hash of the url> (else
 * ~/.cache/...; the folder above it is created 0700); credentials: ssh_agent, key_file
 * (a leading ~/ expanded) or the token read from the variable or file token_ref names
 * (trailing newline dropped). -1 with err when the platform has no gitops repository or
 * the token cannot be read (err names the variable or file, never the token). */
int promote_remote_init(struct promote_remote *pr, const struct platform *p, char *err,
			size_t errlen);
/* Frees the owned strings (the token is wiped first) and zeroes pr. */
void promote_remote_clear(struct promote_remote *pr);

/* The gates a promotion must pass, in the order the plan shows them. */
#define PROMOTE_GATES(X)                                                   \
	X(SOURCE_HEALTHY, "source Synced and Healthy")                     \
	X(NOT_FROZEN, "target not frozen")                                 \
	X(ORDER, "target after source in promotion order")                 \
	X(VERSIONS_DIFFER, "versions differ")                             \
	X(NO_CRITICAL, "no critical finding in the version")

enum promote_gate_id {
#define PROMOTE_GATE_ENUM_(id, name) PROMOTE_GATE_##id,
	PROMOTE_GATES(PROMOTE_GATE_ENUM_)
#undef PROMOTE_GATE_ENUM_
	PROMOTE_GATE_COUNT
};

struct promote_gate {
	const char *name;   /* static: "source Synced and Healthy", ... */
	bool ok;
	char *detail;       /* why, one line: "uat: Synced, Healthy", the freeze message */
};

/* Everything shown before a promotion and everything promote_apply needs. Every string
 * is owned (promote_plan_clear); "" rather than NULL where a value is unknown. */
struct promote_plan {
	char *service, *from_env, *to_env;
	char *from_app, *to_app;             /* Argo CD application names */
	char *from_version, *to_version;     /* image tags running now (apps list), "" */
	char *source_revision;               /* the source app's status.sync.revision, "" */
	char *to_cluster;                    /* target env's cluster (the gate's context) */
	char *to_namespace;                  /* target app's metadata.namespace, "" */
	char *file;                          /* repo path of the target env's file */
	char *image;                         /* the service's image repository */
	char *git_from_tag, *git_to_tag;     /* what the source and target files say */
	char *tag;                           /* what the target gets: git_from_tag */
	char *diff;                          /* unified diff of the target file, "" if none */
	struct gitops_commit *commits;       /* source file's history, newest first, <= 10 */
	size_t ncommits;
	struct promote_gate gates[PROMOTE_GATE_COUNT];
	bool blocked;                        /* any gate failed */
	enum platform_protection protection; /* of the target env */
	enum platform_image_tag tag_kind;    /* how the file holds the tag */
};

/* How many source commits a plan lists. */
#define PROMOTE_PLAN_COMMITS 10
/* How many times promote_apply retries a push rejected because the branch moved. */
#define PROMOTE_RETRIES 5

/* Builds the plan for promoting service from env `from` to env `to`: syncs the clone,
 * reads both files and their tags, diffs the target file before/after, lists the
 * source file's commits, and evaluates the gates against apps (Argo CD's
 * {"items": [...]}) and now (Unix seconds, for freeze windows). Gates failing is not an
 * error (plan->blocked says so); -1 is for what makes a plan impossible: an unknown
 * service or environment, no image for the service, a file or tag that cannot be read,
 * the repository unreachable. out is cleared first; on -1 it is left cleared. */
int promote_plan_build(const struct platform *p, const json_t *apps,
		       const struct gitops_remote *r, const char *service, const char *from,
		       const char *to, long long now, struct promote_plan *out, char *err,
		       size_t errlen);

/* Whether the NO_CRITICAL gate holds promotions into env: platform.yaml's
 * environments[].gates.no_critical when given, else on for a protected environment
 * (protection other than none). */
bool promote_gate_no_critical_required(const struct platform_env *env);

/* The NO_CRITICAL gate, after promote_plan_build (which leaves it open, "not checked"):
 * critical is the number of critical findings of the service's workload in the SOURCE
 * environment, which runs the version being promoted; -1 when they could not be read
 * (why says so). When the gate is required for the target, a critical finding or
 * unread findings close it; otherwise the count is only noted. plan->blocked follows. */
void promote_plan_gate_findings(struct promote_plan *plan, const struct platform *p,
				long critical, const char *why);

/* Frees what the plan owns and zeroes it. */
void promote_plan_clear(struct promote_plan *plan);

/* The text of the target file with plan->tag written in (caller frees), changing only
 * the tag's bytes; NULL with err ("FILE: problem"). Used by promote_apply on every retry
 * and by the plan's diff. */
char *promote_edit_text(const struct promote_plan *plan, const char *old_text, char *err,
			size_t errlen);

/* Lands the plan: gitops_change on plan->file with the tag written by promote_edit_text
 * (re-run on the fresh text after a rejected push), message "SERVICE: promote TAG from
 * FROM to TO", trailers Promoted-From: FROM, Promoted-To: TO and, when known,
 * Source-Revision: the source app's revision; PROMOTE_RETRIES retries. Refuses a blocked
 * plan. commit_sha (41 bytes) gets the pushed commit; when the branch already held the
 * tag, 0 with commit_sha "" and err saying so. */
int promote_apply(const struct promote_plan *plan, const struct gitops_remote *r,
		  const struct gitops_identity *who, char *commit_sha, char *err,
		  size_t errlen);

/* What a promotion commit says about itself. Owned strings ("" when absent). */
struct promote_commit_info {
	char sha[41];
	char *subject;
	char *service;         /* the subject's text before ": promote " ("" otherwise) */
	char *promoted_from, *promoted_to, *source_revision;   /* the trailers */
};

/* Syncs the clone and reads commit (full or abbreviated sha) on the branch. -1 with err
 * when it is unknown. */
int promote_commit_info(const struct gitops_remote *r, const char *commit,
			struct promote_commit_info *out, char *err, size_t errlen);
void promote_commit_info_clear(struct promote_commit_info *ci);

/* Reverts commit (gitops_revert: a new commit by who, pushed with retries). new_sha
 * (41 bytes) gets it; "" with a message in err when the branch already had the
 * reverted content. */
int promote_revert(const struct gitops_remote *r, const struct gitops_identity *who,
		   const char *commit, char *new_sha, char *err, size_t errlen);

/* The operator, as commits name them: $GIT_AUTHOR_NAME and $GIT_AUTHOR_EMAIL, else git's
 * user.name and user.email (global and system config, as `git config` finds them), else
 * the login name and LOGIN@HOSTNAME. id points at the owned strings. */
struct promote_who {
	char *name, *email;
	struct gitops_identity id;
};
void promote_who_init(struct promote_who *w);
void promote_who_clear(struct promote_who *w);

/* The tag service's file in env holds on the branch now (syncs the clone first; caller
 * frees). NULL with err when the file or tag cannot be read. */
char *promote_current_tag(const struct platform *p, const struct gitops_remote *r,
			  const char *service, const char *env, char *err, size_t errlen);

/* The image tag an app runs: of status.summary.images, the one whose repository is
 * image (or, image NULL or not found, whose last path part is service), else the first;
 * a new string, "" when none. */
char *promote_app_version(const json_t *app, const char *image, const char *service);

/* The application named name in apps ({"items": [...]}), NULL when absent. Borrowed. */
const json_t *promote_find_app(const json_t *apps, const char *name);

#endif
