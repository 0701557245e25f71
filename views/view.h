/* Views: every screen of the console (contexts, a resource table, describe, YAML, help)
 * is a vtable plus private state, and every view is listed once, in VIEW_LIST, which
 * generates the registry, the `:` command names and their help. */
#ifndef OPSDECK_VIEWS_VIEW_H
#define OPSDECK_VIEWS_VIEW_H

#include "tui/theme.h" /* curses.h with the wide-character API */

#include <stdbool.h>
#include <stddef.h>

#include "core/request.h"
#include "tui/chrome.h"

struct console;
struct related_links;
struct view;

/* What a handler changed, as bits: the shell decides what to redraw. */
enum view_change {
	VIEW_SAME = 0,          /* nothing to redraw */
	VIEW_BODY = 1 << 0,     /* the body changed: draw it (the view redraws what moved) */
	VIEW_FULL = 1 << 1,     /* the body must be rewritten whole */
	VIEW_CHROME = 1 << 2,   /* header, crumbs or footer changed */
	VIEW_UNHANDLED = 1 << 3, /* the view does not handle this request */
};

/* What a view is opened on. Every string is borrowed for the call: a view copies what
 * it keeps. NULL fields take the console's current value. */
struct view_args {
	const char *resource;          /* as typed: "po", "deployments.apps", "Application" */
	const char *const *contexts;   /* the clusters: NULL means the current context */
	size_t ncontexts;
	const char *const *namespaces; /* NULL: the current namespace; {""}: all namespaces */
	size_t nnamespaces;
	const char *name;              /* one object (describe, yaml) or the row to select */
	const char *namespace;         /* the object's namespace (describe, yaml) */
	const char *label_selector;    /* NULL when none */
	const char *field_selector;    /* NULL when none */
	const char *kind;              /* the object's kind, for sentences (may be NULL) */
	const char *title;             /* the crumb, when the caller knows better */
	const char *text;              /* a text to page (help) */
	const struct related_links *links; /* the related view's choices */
	/* Logs: which pods. resource+name give one pod ("pods", NAME) or a workload
	 * ("deployments", NAME); pods lists several (an app's); label_selector selects. */
	const char *const *pods;
	size_t npods;
	const char *container;         /* logs: one container (NULL: all) */
	bool previous;                 /* logs: start on the previous instance */
};

struct view_ops {
	/* What the view is, for messages ("resource", "yaml"). */
	const char *name;
	/* Bytes of private state, zeroed, at view->priv. */
	size_t private_size;
	/* Fills the view from args; false with err keeps it from opening (flashed). */
	bool (*open)(struct view *v, const struct view_args *args, char *err, size_t errlen);
	/* Releases what open and later calls took (watches, stores, widgets). */
	void (*close)(struct view *v);
	/* The keymap section ("pods", "yaml", "contexts"); NULL: global only. */
	const char *(*keymap_section)(const struct view *v);
	/* The crumb of this view ("pods", "web-7d4b9 yaml"). */
	const char *(*title)(const struct view *v);
	/* Right side of the crumbs ("/web  12/310"), written into buf; may be NULL. */
	void (*status)(const struct view *v, char *buf, size_t len);
	/* The header's context, namespace and connection state (identity, read-only and the
	 * environment are the shell's). May be NULL: the console's current context. */
	void (*header)(const struct view *v, struct chrome_header *h);
	/* Draws the body into win (the view's window): everything when full, otherwise
	 * what changed since the last draw. */
	void (*draw)(struct view *v, WINDOW *win, bool full);
	/* Handles a request; returns enum view_change bits. key is the key pressed (for
	 * favourite-namespace digits). Motions arrive here too. */
	unsigned (*request)(struct view *v, enum request req, int key);
	/* The text typed after `/` was accepted (NULL: the view does not filter/search).
	 * search tells search-next style views (text) from filters (tables). */
	unsigned (*filter)(struct view *v, const char *text);
	/* The view is on top again (after the one above it closed): refresh what may have
	 * moved (the current namespace...). May be NULL. */
	unsigned (*resume)(struct view *v);
};

/* A view: its ops, the console it lives in, and its private state. */
struct view {
	const struct view_ops *ops;
	struct console *console;
	void *priv;
	int body_rows, body_cols;   /* the body's size at the last draw (page motions) */
};

/* VIEW(ID, ops, "command", "aliases separated by spaces", "help"): views a `:` command
 * opens by name. Resource tables are opened by resource name instead (any discovered
 * resource: `:pods`, `:deploy`, `:applications.argoproj.io`). */
#define VIEW_LIST(VIEW) \
	VIEW(CONTEXTS, contexts_view_ops, "contexts", "ctx context", \
	     "The kubeconfig's contexts: reachability, version, identity") \
	VIEW(NAMESPACES, namespaces_view_ops, "namespaces", "ns namespace", \
	     "The namespaces of the current cluster; Enter switches to one") \
	VIEW(APPS, apps_view_ops, "apps", "argocd argo", \
	     "Argo CD applications: sync, health, operations, live") \
	VIEW(TENANTS, tenants_view_ops, "tenants", "tenant teams", \
	     "The tenants: their services, projects and namespaces; Enter: their board") \
	VIEW(ENVIRONMENTS, environments_view_ops, "environments", "env envs", \
	     "The environments in promotion order: cluster, protection, freeze") \
	VIEW(BOARD, board_view_ops, "board", "", \
	     "Services x environments: the version running in each, drift marked") \
	VIEW(PROMOTE, promote_view_ops, "promote", "", \
	     "Plan and land a promotion: :promote SERVICE FROM TO") \
	VIEW(TRIAGE, triage_view_ops, "triage", "alerts incidents", \
	     "Firing alerts mapped to services, apps and environments; the way to a rollback") \
	VIEW(TIMELINE, timeline_view_ops, "timeline", "", \
	     "Warning events, Argo CD operations and alerts seen, kept after the cluster forgets") \
	VIEW(FINDINGS, findings_view_ops, "findings", "vulns security", \
	     "Security findings per workload: counts by severity, fixable, drill down") \
	VIEW(DORA, dora_view_ops, "dora", "scorecard scorecards", \
	     "DORA scorecards per service, tenant or environment: levels, weekly sparklines") \
	VIEW(ACTIVITY, activity_view_ops, "activity", "audit who", \
	     "Who did what, where, when (30 days): actions, deployments, promotions, timeline") \
	VIEW(AUDITLOG, auditlog_view_ops, "auditlog", "actions", \
	     "opsdeck's audit log of actions (30 days), its hash chain verified") \
	VIEW(HISTORY, history_view_ops, "history", "argohistory", \
	     "Argo CD deployment history of every app (30 days): who, revision, when") \
	VIEW(PROMOTIONS, promotions_view_ops, "promotions", "commits", \
	     "GitOps repository commits (30 days): promotions, reverts, their trailers") \
	VIEW(HELP, help_view_ops, "help", "?", "The keys of the current view and the commands")

#define VIEW_OPS_DECLARE_(id, ops, cmd, aliases, help) extern const struct view_ops ops;
VIEW_LIST(VIEW_OPS_DECLARE_)
#undef VIEW_OPS_DECLARE_

/* Views opened by other views, not by name. */
extern const struct view_ops resource_view_ops;  /* a live table of any resource */
extern const struct view_ops describe_view_ops;  /* kubectl describe of one object */
extern const struct view_ops yaml_view_ops;      /* one object as YAML, searchable */
extern const struct view_ops related_view_ops;   /* a pick list of related objects */
extern const struct view_ops app_view_ops;       /* one Argo CD app: tree, history, events */
extern const struct view_ops app_diff_view_ops;  /* one app's live/desired diff */
extern const struct view_ops changes_view_ops;   /* an app's last syncs and their diff */
extern const struct view_ops logs_view_ops;      /* container logs, followed */
extern const struct view_ops text_view_ops;      /* a text as a pager: a finding, an audit record */

/* One entry of the registry. */
struct view_entry {
	const struct view_ops *ops;
	const char *command;
	const char *aliases;
	const char *help;
};

/* The registry, in VIEW_LIST order, and its size. */
const struct view_entry *view_registry(size_t *n);
/* The entry whose command or one of whose aliases is name (exact), or NULL. */
const struct view_entry *view_registry_find(const char *name);

#endif
