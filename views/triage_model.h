/* The triage view's model, without a screen: an app's history as the list of what
 * changed; the rollback target. Where an alert points (its labels mapped to the
 * platform) is clients/alert_target.h's. Pure functions, tested in tests/unit/test_triage.c. */
#ifndef OPSDECK_VIEWS_TRIAGE_MODEL_H
#define OPSDECK_VIEWS_TRIAGE_MODEL_H

#include <stddef.h>

#include <jansson.h>

#include "clients/alert_target.h"

/* One entry of an app's history, newest first. Strings owned, never NULL ("" unknown). */
struct triage_change {
	long id;
	char *revision;
	char *previous_revision;  /* the entry before it ("" for the oldest) */
	char *deployed_at;        /* RFC 3339 as Argo CD says it */
	char *author;             /* from the revision metadata, "" when not fetched */
	char *message;            /* the commit message's first line */
	char *path;               /* the source path ("envs/pre/catalog"), "" when none */
};

/* The changes of app (an Application) with metadata ({revision: {author, message}},
 * may be NULL), newest first; *out is an array freed with triage_changes_free. */
size_t triage_changes(const json_t *app, const json_t *metadata, struct triage_change **out);
void triage_changes_free(struct triage_change *c, size_t n);

/* The history id a rollback goes to: the newest entry older than the deployed one
 * whose revision differs from it (a re-sync of the same bad revision is no way back);
 * 0 when there is none. */
long triage_rollback_id(const json_t *app);

#endif
