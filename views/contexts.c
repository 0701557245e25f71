/* The contexts view (`:ctx`): every kubeconfig context with its cluster, server, user,
 * whether it answers, its version and the identity it sees (probed in the background).
 * Enter switches to the selected context. */
#include <stdlib.h>
#include <string.h>

#include "core/rowview.h"
#include "core/store.h"
#include "core/table.h"
#include "core/xalloc.h"
#include "tui/table_widget.h"
#include "views/console.h"
#include "views/session.h"

struct contexts_view {
	struct view *view;
	struct store *store;
	struct rowview *rows;
	struct table_widget *table;
};

static const char *reach_text(const struct session_cluster *cl)
{
	if (!cl->kc)
		return "";
	switch (cl->reach) {
	case SESSION_REACHABLE: return "yes";
	case SESSION_UNREACHABLE: return "no";
	case SESSION_UNKNOWN: break;
	}
	return "probing";
}

/* Rebuilds the rows from the session (a few contexts: a full sync is cheap). */
static void contexts_fill(struct contexts_view *cv)
{
	struct console *c = cv->view->console;
	struct session *s = console_session(c);
	struct table *t = table_new();
	/* what only opsdeck can tell (does it answer, as whom) before what the
	 * kubeconfig says; the server URL and the error are wide: ctrl-w shows them */
	static const char *const cols[] = {"Current", "Name", "Reachable", "Version", "Identity",
					   "Cluster", "User", "Server", "Error"};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		table_add_column(t, cols[i], "string", i == 1 ? "name" : "", i >= 7 ? 1 : 0);
	for (size_t i = 0; i < session_count(s); i++) {
		const struct session_cluster *cl = session_at(s, i);
		struct table_row *r = table_add_row(t);
		const char *cells[] = {strcmp(cl->ctx->name, console_context(c)) == 0 ? "*" : "",
				       cl->ctx->name, reach_text(cl), cl->version, cl->identity,
				       cl->ctx->cluster_name, cl->ctx->user_name, cl->ctx->server,
				       cl->error};
		for (size_t k = 0; k < sizeof cells / sizeof cells[0]; k++)
			table_set_cell(r, k, cells[k] ? cells[k] : "");
		table_set_identity(r, "", cl->ctx->name, cl->ctx->name);
	}
	store_sync(cv->store, t);
}

static void on_cluster(void *ud, struct session_cluster *cl)
{
	(void)cl;
	struct contexts_view *cv = ud;
	contexts_fill(cv);
	console_changed(cv->view->console, cv->view, VIEW_BODY);
}

static bool contexts_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	(void)a;
	(void)err;
	(void)errlen;
	struct contexts_view *cv = v->priv;
	struct session *s = console_session(v->console);
	cv->view = v;
	cv->store = store_new(NULL);
	cv->rows = rowview_new();
	rowview_add_store(cv->rows, cv->store);
	cv->table = table_widget_new();
	session_listen(s, on_cluster, cv);
	/* every context is probed so the table can say which answer */
	for (size_t i = 0; i < session_count(s); i++)
		session_cluster_open(s, session_at(s, i));
	contexts_fill(cv);
	rowview_update(cv->rows);
	rowview_select_identity(cv->rows, NULL, console_context(v->console), NULL, NULL);
	return true;
}

static void contexts_close(struct view *v)
{
	struct contexts_view *cv = v->priv;
	session_unlisten(console_session(v->console), on_cluster, cv);
	table_widget_free(cv->table);
	rowview_free(cv->rows);
	store_free(cv->store);
}

static const char *contexts_section(const struct view *v)
{
	(void)v;
	return "contexts";
}

static const char *contexts_title(const struct view *v)
{
	(void)v;
	return "contexts";
}

static void contexts_draw(struct view *v, WINDOW *win, bool full)
{
	struct contexts_view *cv = v->priv;
	rowview_update(cv->rows);
	table_widget_draw(cv->table, win, cv->rows, full);
}

static unsigned contexts_request(struct view *v, enum request req, int key)
{
	(void)key;
	struct contexts_view *cv = v->priv;
	rowview_update(cv->rows); /* keys typed ahead of the frame see the rows as they are */
	if (table_widget_request(cv->table, cv->rows, req, v->body_rows))
		return VIEW_BODY;
	if (req == REQ_BACK && *rowview_filter(cv->rows)) {
		rowview_set_filter(cv->rows, "", NULL, 0);
		return VIEW_FULL | VIEW_CHROME;
	}
	if (req == REQ_TOGGLE_WIDE) {
		table_widget_set_wide(cv->table, !table_widget_wide(cv->table));
		return VIEW_FULL;
	}
	if (req != REQ_ENTER)
		return VIEW_UNHANDLED;
	const struct store_row *row = rowview_selected_row(cv->rows);
	if (row) {
		char *name = xstrdup(row->r.name);
		/* replaces every view, this one included: touch nothing of v afterwards */
		console_set_context(v->console, name);
		free(name);
	}
	return VIEW_SAME;
}

static unsigned contexts_filter(struct view *v, const char *text)
{
	struct contexts_view *cv = v->priv;
	rowview_set_filter(cv->rows, text, NULL, 0);
	return VIEW_FULL | VIEW_CHROME;
}

const struct view_ops contexts_view_ops = {
	.name = "contexts",
	.private_size = sizeof(struct contexts_view),
	.open = contexts_open,
	.close = contexts_close,
	.keymap_section = contexts_section,
	.title = contexts_title,
	.draw = contexts_draw,
	.request = contexts_request,
	.filter = contexts_filter,
};
