/* The auditor's report: who did what, where and when, merged from the local audit log
 * (its chain verified), Argo CD's deployment history, the GitOps repository's promotion
 * commits and the timeline, since a time, newest first. Pure: callers fetch the sources. */
#ifndef OPSDECK_CORE_AUDIT_REPORT_H
#define OPSDECK_CORE_AUDIT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/timeline.h"

enum audit_source {
	AUDIT_SRC_AUDIT = 0,   /* the local audit log: an action opsdeck performed */
	AUDIT_SRC_ARGOCD,      /* an Application's status.history entry: a deployment */
	AUDIT_SRC_GIT,         /* a commit of the GitOps repository (promotion, revert) */
	AUDIT_SRC_TIMELINE,    /* an entry of the local timeline */
	AUDIT_SRC_COUNT,
	AUDIT_SRC_ANY = -1,    /* filters only */
};

/* One row. Every string is owned and non-NULL ("" when unknown). */
struct audit_row {
	long long time;        /* Unix seconds */
	enum audit_source source;
	char *who;             /* os user (kube user), Argo CD user or "automated", author */
	char *what;            /* "sync", "deploy 4.0.1", "promote", "BackOff" */
	char *context;         /* the context or cluster */
	char *target;          /* "ns/Kind/name", the app, or the object */
	char *env;             /* the environment, when known */
	char *detail;          /* the result, revision, trailers or message */
};

/* What audit_verify said of the audit file. */
struct audit_chain {
	int verdict;           /* 0 intact, 1 broken, -1 unreadable, 2 not checked */
	size_t records;        /* lines checked (intact) */
	size_t bad_line;       /* the first failing line (broken) */
	char last_hash[65];
	char message[256];     /* "line 3: hash does not match", or the read error */
};

struct audit_report {
	long long since;       /* rows at or after (Unix seconds); 0: all */
	struct audit_row *rows;
	size_t n, cap;
	struct audit_chain chain;
	size_t skipped;        /* audit lines that were not JSON */
};

/* A GitOps commit as the report needs it (core cannot see clients/gitops_history.h).
 * Strings borrowed; NULL when absent. */
struct audit_commit {
	const char *sha;
	long long time;
	const char *author;    /* "Name <email>"; may be NULL */
	const char *subject;
	const char *env, *service;   /* from the changed path, NULL when none matched */
	const char *promoted_from, *promoted_to, *source_revision, *reverts;
};

const char *audit_source_name(enum audit_source s);
/* "audit", "argocd", "git", "timeline"; false when unknown. */
bool audit_source_parse(const char *word, enum audit_source *out);

void audit_report_init(struct audit_report *r, long long since);
void audit_report_free(struct audit_report *r);

/* Verifies path's chain into r->chain and adds its actions since r->since: a result is
 * merged with its intent into one row (what the intent asked, what the result said); an
 * intent without a result is a row of its own ("no result recorded"). An absent file is
 * an empty intact log. 0, or -1 with err when the file cannot be read. */
int audit_report_add_log(struct audit_report *r, const char *path, char *err, size_t errlen);

/* Adds every status.history entry of apps ({"items": [Application...]}) deployed since
 * r->since: who is initiatedBy.username (or "automated"), where the app's destination. */
void audit_report_add_argocd(struct audit_report *r, const json_t *apps);

/* Adds one commit when it is since r->since. */
void audit_report_add_commit(struct audit_report *r, const struct audit_commit *c);

/* Adds the timeline entries since r->since (any order). */
void audit_report_add_timeline(struct audit_report *r, const struct timeline_entry *e,
			       size_t n);

/* Sorts newest first; equal times keep their source order (audit, argocd, git, timeline)
 * and then the order they were added. */
void audit_report_sort(struct audit_report *r);

/* Hides a Secret's values in obj (a whole Kubernetes object) before it is shown: every
 * data value becomes "[hidden: N bytes]" (N decoded), every stringData value
 * "[hidden: N bytes]", and the kubectl.kubernetes.io/last-applied-configuration
 * annotation (which holds the values as applied) "[hidden]". Other kinds are left as
 * they are. Returns true when obj is a Secret. */
bool audit_mask_secret(json_t *obj);

/* "2026-11-23T12:00:00Z" for t (UTC) into buf (at least 21 bytes). */
void audit_report_time(long long t, char *buf, size_t len);

#endif
