/* The console's state, shared by its files (console.c: setup, stack and frames;
 * console_input.c: `:` commands, completion and filters; console_confirm.c: action
 * dialogs). Views use views/console.h only. */
#ifndef OPSDECK_VIEWS_CONSOLE_INTERNAL_H
#define OPSDECK_VIEWS_CONSOLE_INTERNAL_H

#include "views/console.h"

#include "clients/argocd.h"
#include "clients/http.h"
#include "clients/kubeconfig.h"
#include "core/config.h"
#include "core/platform.h"
#include "core/jobs.h"
#include "tui/dialog.h"
#include "tui/prompt.h"
#include "tui/screen.h"
#include "tui/theme.h"
#include "views/session.h"

/* Views beyond this depth push the oldest (above the first) out. */
#define CONSOLE_MAX_VIEWS 24

enum console_prompt_mode { CONSOLE_PROMPT_NONE, CONSOLE_PROMPT_COMMAND, CONSOLE_PROMPT_FILTER };

/* An action waiting in a dialog. */
struct console_pending {
	struct action a;                /* strings below are owned copies */
	char *context, *cluster, *namespace, *kind, *name, *detail;
	enum action_verdict verdict;
	struct console_performer performer;
	bool asked_replicas;            /* ACTION_SCALE: the count is known */
	bool asked_options;             /* performer.ask answered (into detail) */
	char *ask, *ask_initial;        /* copies of the performer's */
	char *parameters;               /* JSON text for the audit log, or NULL */
};

struct console {
	const struct global_opts *opts;
	struct loop *loop;
	struct http *http;
	struct jobs *jobs;
	struct kubeconfig *kcfg;
	struct config *config;
	struct platform *platform;      /* platform.yaml (empty when there is none) */
	char *favourites_path;
	struct session *session;
	struct keymap *keymap;
	struct theme *theme;
	struct action_gate gate;
	struct screen *screen;

	WINDOW *header, *crumbs, *body, *flash, *footer;
	int rows, cols;

	struct view *stack[CONSOLE_MAX_VIEWS];
	size_t depth;

	char *context;
	char *namespace;                /* "" = all namespaces */

	char *flash_text;
	enum chrome_flash flash_level;

	struct prompt *prompt;
	enum console_prompt_mode prompt_mode;
	struct prompt_history *command_history, *filter_history;

	struct dialog *dialog;
	struct console_pending *pending;

	unsigned dirty;                 /* enum view_change bits for the next frame */
	long long countdown_timer;      /* header retry countdown; 0 when none */
	long countdown_ms;              /* its period: 1 s, or 1 min for a stale age past 10 min */
	struct argocd_client *argocd;   /* made by console_argocd on first use */
	struct argocd_config argocd_cfg;
	char *argocd_user;              /* the Argo CD account, for the audit log */
	struct argocd_call *argocd_user_call;
	char *audit_path;               /* the audit log, or NULL when there is no home */
	bool audit_failed;              /* the last intent could not be written */
	char **namespace_names;         /* completion: the current cluster's namespaces */
	size_t nnamespace_names;
	struct kube_call *namespace_call;
};

/* Schedules a frame with these enum view_change bits. */
void console_dirty(struct console *c, unsigned change);

/* console_input.c */
void console_prompt_open_command(struct console *c);
/* Feeds a key to the open prompt. */
void console_prompt_key(struct console *c, int key, bool fkey);
void console_prompt_close(struct console *c);
/* Runs a `:` command line; false (flashed) when it named nothing. */
bool console_run_command(struct console *c, const char *line);
/* Refreshes the namespace names used by completion (one list, in the background). */
void console_fetch_namespaces(struct console *c);
void console_namespace_names_free(struct console *c);

/* console_audit.c */
void console_audit_init(struct console *c);
/* Asks the Argo CD account once the client exists (the audit log records it). */
void console_audit_learn_argocd_user(struct console *c);
/* True (with why) when the action just begun must not run: its intent is not recorded. */
bool console_audit_refuses(struct console *c, char *why, size_t whylen);
void console_audit_free(struct console *c);

/* console_confirm.c */
void console_dialog_key(struct console *c, int key, bool fkey);
void console_pending_free(struct console *c);

#endif
