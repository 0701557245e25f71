/* The text of one Argo CD application as the app view shows it: a summary (source,
 * destination, sync, health, the operation in progress), the live resource tree with
 * health per node, the deployment history with commit messages, and the events. Pure
 * functions of the parsed JSON, so they are tested without a screen. */
#ifndef OPSDECK_VIEWS_APP_TEXT_H
#define OPSDECK_VIEWS_APP_TEXT_H

#include <jansson.h>

#include "core/strbuf.h"

/* Appends the summary of app (an Application) to out; now: seconds since the epoch. */
void app_text_summary(struct strbuf *out, const json_t *app, long long now);
/* Appends the resource tree ({"nodes": [...]} from resource-tree; NULL: "loading"),
 * children under their parents with tree glyphs, "Kind/name  Health  message". */
void app_text_tree(struct strbuf *out, const json_t *tree);
/* Appends the history, newest first: ID, revision (7), deployed at (UTC), and, when
 * metadata holds {revision: {author, message, ...}}, the author and the commit
 * message's first line. */
void app_text_history(struct strbuf *out, const json_t *app, const json_t *metadata);
/* Appends the events (an EventList; NULL: "loading"), newest first. */
void app_text_events(struct strbuf *out, const json_t *events, long long now);

/* The id of the history entry a rollback should propose: the one before the deployed
 * (newest) entry; 0 when there is none. */
long app_text_previous_history_id(const json_t *app);

#endif
