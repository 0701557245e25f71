/* Argo CD actions from the apps table and an app's view: sync (with options), rollback
 * to a history entry, refresh, hard refresh and terminate, each asked through the
 * console's gate (read-only refusal, confirmation, typed name on a protected cluster,
 * audit) and performed by clients/argocd. */
#ifndef OPSDECK_VIEWS_APP_ACTIONS_H
#define OPSDECK_VIEWS_APP_ACTIONS_H

#include "clients/argocd.h"
#include "core/request.h"
#include "views/console.h"

/* The application acted on. Strings are borrowed for the call. */
struct app_target {
	const char *name;
	const char *namespace;   /* the Application's namespace ("argocd"), or NULL */
	const char *cluster;     /* its destination cluster: decides protection ("prod") */
	long rollback_id;        /* the history entry a rollback proposes (0: none known) */
};

/* Handles req (REQ_SYNC, REQ_ROLLBACK, REQ_APP_REFRESH, REQ_APP_HARD_REFRESH,
 * REQ_TERMINATE) on t: returns VIEW_CHROME when it opened a dialog or flashed,
 * VIEW_UNHANDLED for other requests. */
unsigned app_action_request(struct console *c, struct argocd_client *ac,
			    const struct app_target *t, enum request req);

/* Parses sync options as typed ("--prune --dry-run --revision abc --resource apps:Deployment:web");
 * fills opts, whose strings point into the returned buffer (free it, and opts->resources,
 * after the call). NULL with err on an unknown or incomplete option. */
char *app_sync_options_parse(const char *text, struct argocd_sync_options *opts, char *err,
			     size_t errlen);

#endif
