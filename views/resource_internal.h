/* The resource table's state, shared by its files: resource.c (sources, drawing,
 * requests), resource_nav.c (Enter, owner, related, events, describe, yaml) and
 * resource_actions.c (restart, scale, delete, rollout undo through the gate). */
#ifndef OPSDECK_VIEWS_RESOURCE_INTERNAL_H
#define OPSDECK_VIEWS_RESOURCE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "clients/kube.h"
#include "core/rowview.h"
#include "core/store.h"
#include "tui/table_widget.h"
#include "views/console.h"
#include "views/session.h"
#include "views/view.h"

struct resource_view;

/* One list+watch: one cluster, one namespace (or all). */
struct resource_source {
	struct resource_view *owner;
	struct session_cluster *cluster;
	char *namespace;               /* "" = all namespaces */
	struct store *store;
	struct kube_watch *watch;
	long long stale_since_ms;      /* loop_now_ms() when listed rows stopped being
					* current (the watch left CONNECTED); 0: current */
};

struct resource_view {
	struct view *view;
	char *resource;                /* as typed */
	char *section;                 /* keymap section: the resolved plural ("pods") */
	char *qualified;               /* what requests name: "deployments.apps" */
	char *title;
	const struct kube_resource *res; /* resolved on the first cluster; NULL until known */
	char **contexts;
	size_t ncontexts;
	char **namespaces;             /* NULL: follow the console's namespace */
	size_t nnamespaces;
	bool follow_namespace;
	char *label_selector, *field_selector;
	char *filter_selector;         /* from a `-l` filter */
	struct resource_source *sources;
	size_t nsources;
	struct rowview *rows;
	struct table_widget *table;
	char *select_name, *select_namespace; /* a row to select once it arrives */
	struct kube_call *fetch;       /* an object fetch for owner/related in flight */
	enum request fetch_for;
};

static inline struct resource_view *resource_of(struct view *v)
{
	return v->priv;
}

/* The client of the selected row's cluster (opened if needed), or NULL. */
struct kube_client *resource_row_client(struct resource_view *rv, const struct store_row *row);
/* The kind of the rows ("Pod"), from discovery when known, else "". */
const char *resource_kind(const struct resource_view *rv);

/* resource_nav.c: Enter, describe, yaml, events, owner, related. */
struct related_link;
/* Opens a resource table on link (core/related.h) in cluster; false when it failed. */
bool resource_open_link(struct console *c, const char *cluster, const struct related_link *l);
unsigned resource_nav_request(struct resource_view *rv, enum request req);
void resource_nav_cancel(struct resource_view *rv);

/* resource_actions.c: restart, scale, delete, rollout undo. */
unsigned resource_action_request(struct resource_view *rv, enum request req);

#endif
