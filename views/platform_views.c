/* The platform model's views (`:tenants`, `:environments`): the tenants and the
 * environments in promotion order, from platform.yaml or, where it says nothing, derived
 * from the Argo CD applications. Enter goes on: a tenant to its services on the board
 * (D: to its DORA scorecards), an environment to its applications. Clusters are the contexts view. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/argocd.h"
#include "core/platform.h"
#include "core/rowview.h"
#include "core/store.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "tui/table_widget.h"
#include "views/console.h"
#include "views/view.h"

enum platform_view_kind { PV_TENANTS, PV_ENVIRONMENTS };

struct platform_view {
	struct view *view;
	enum platform_view_kind kind;
	struct store *store;
	struct rowview *rows;
	struct table_widget *table;
	struct argocd_call *call;
};

static char *joined(char *const *v, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		strbuf_printf(&sb, "%s%s", i ? "," : "", v[i]);
	return strbuf_detach(&sb);
}

static void add_row(struct table *t, const char *const *cells, size_t n, const char *name)
{
	struct table_row *r = table_add_row(t);
	for (size_t i = 0; i < n; i++)
		table_set_cell(r, i, cells[i] ? cells[i] : "");
	table_set_identity(r, "", name, name);
}

static struct table *tenants_table(const struct platform *p)
{
	struct table *t = table_new();
	static const char *const cols[] = {"Name", "Services", "Projects", "Namespaces",
					   "Description"};
	for (size_t i = 0; i < 5; i++)
		table_add_column(t, cols[i], "string", i ? "" : "name", i >= 3 ? 1 : 0);
	for (size_t i = 0; i < p->ntenants; i++) {
		const struct platform_tenant *tn = &p->tenants[i];
		size_t nsvc = 0;
		for (size_t s = 0; s < p->nservices; s++)
			nsvc += p->services[s].tenant && !strcmp(p->services[s].tenant, tn->name);
		char count[32];
		snprintf(count, sizeof count, "%zu", nsvc);
		char *projects = joined(tn->projects, tn->nprojects);
		char *namespaces = joined(tn->namespaces, tn->nnamespaces);
		const char *cells[] = {tn->name, count, projects, namespaces, tn->description};
		add_row(t, cells, 5, tn->name);
		free(projects);
		free(namespaces);
	}
	return t;
}

static struct table *environments_table(const struct platform *p)
{
	struct table *t = table_new();
	static const char *const cols[] = {"Order", "Name", "Cluster", "Namespace",
					   "Protection", "Frozen"};
	for (size_t i = 0; i < 6; i++)
		table_add_column(t, cols[i], "string", i == 1 ? "name" : "", 0);
	long long now = (long long)time(NULL);
	for (size_t i = 0; i < p->nenvs; i++) {
		const struct platform_env *e = &p->envs[i];
		char order[24], why[256] = "";
		snprintf(order, sizeof order, "%zu", i + 1);
		bool frozen = platform_env_frozen(e, now, why, sizeof why);
		const char *cells[] = {order, e->name, e->cluster ? e->cluster : "",
				       e->namespace_pattern ? e->namespace_pattern : "{tenant}-{env}",
				       platform_protection_name(e->protection),
				       frozen ? why : e->nfreeze ? "no (has windows)" : "no"};
		add_row(t, cells, 6, e->name);
	}
	return t;
}

static void fill(struct platform_view *pv)
{
	const struct platform *p = console_platform(pv->view->console);
	store_sync(pv->store, pv->kind == PV_TENANTS ? tenants_table(p) : environments_table(p));
	console_changed(pv->view->console, pv->view, VIEW_FULL | VIEW_CHROME);
}

static void on_apps(void *ud, const struct argocd_result *res, json_t *body)
{
	struct platform_view *pv = ud;
	pv->call = NULL;
	if (res->ok && body)
		console_platform_derive(pv->view->console, body);
	json_decref(body);
	fill(pv);
}

static bool pv_open(struct view *v, enum platform_view_kind kind)
{
	struct platform_view *pv = v->priv;
	pv->view = v;
	pv->kind = kind;
	pv->store = store_new(NULL);
	pv->rows = rowview_new();
	rowview_add_store(pv->rows, pv->store);
	pv->table = table_widget_new();
	table_widget_set_empty_text(pv->table, "Reading the applications...");
	if (kind == PV_ENVIRONMENTS)
		rowview_set_sort(pv->rows, 0, false); /* promotion order, not names */
	fill(pv);
	/* what platform.yaml leaves out comes from the applications */
	char err[256];
	struct argocd_client *ac = console_argocd(v->console, err, sizeof err);
	if (ac)
		pv->call = argocd_list_apps(ac, on_apps, pv);
	else
		table_widget_set_empty_text(pv->table, err);
	return true;
}

static bool tenants_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	(void)a;
	(void)err;
	(void)errlen;
	return pv_open(v, PV_TENANTS);
}

static bool environments_open(struct view *v, const struct view_args *a, char *err,
			      size_t errlen)
{
	(void)a;
	(void)err;
	(void)errlen;
	return pv_open(v, PV_ENVIRONMENTS);
}

static void pv_close(struct view *v)
{
	struct platform_view *pv = v->priv;
	if (pv->call)
		argocd_call_cancel(pv->call);
	table_widget_free(pv->table);
	rowview_free(pv->rows);
	store_free(pv->store);
}

static const char *pv_title(const struct view *v)
{
	const struct platform_view *pv = v->priv;
	return pv->kind == PV_TENANTS ? "tenants" : "environments";
}

static void pv_draw(struct view *v, WINDOW *win, bool full)
{
	struct platform_view *pv = v->priv;
	rowview_update(pv->rows);
	table_widget_draw(pv->table, win, pv->rows, full);
}

static unsigned pv_request(struct view *v, enum request req, int key)
{
	(void)key;
	struct platform_view *pv = v->priv;
	rowview_update(pv->rows);
	if (table_widget_request(pv->table, pv->rows, req, v->body_rows))
		return VIEW_BODY;
	if (req != REQ_ENTER && !(req == REQ_DORA_OPEN && pv->kind == PV_TENANTS))
		return VIEW_UNHANDLED;
	const struct store_row *row = rowview_selected_row(pv->rows);
	if (!row)
		return VIEW_SAME;
	if (req == REQ_DORA_OPEN) {
		/* D: the tenant's DORA scorecards */
		struct view_args a = {.text = row->r.name};
		console_push(v->console, &dora_view_ops, &a);
		return VIEW_SAME;
	}
	/* a tenant: its services on the board; an environment: its applications */
	struct view_args a = {.text = row->r.name};
	console_push(v->console, pv->kind == PV_TENANTS ? &board_view_ops : &apps_view_ops, &a);
	return VIEW_SAME;
}

static unsigned pv_filter(struct view *v, const char *text)
{
	struct platform_view *pv = v->priv;
	rowview_set_filter(pv->rows, text, NULL, 0);
	return VIEW_FULL | VIEW_CHROME;
}

static const char *pv_section(const struct view *v)
{
	(void)v;
	return "platform";
}

#define PLATFORM_VIEW_OPS                 \
	.private_size = sizeof(struct platform_view), \
	.close = pv_close,                \
	.keymap_section = pv_section,     \
	.title = pv_title,                \
	.draw = pv_draw,                  \
	.request = pv_request,            \
	.filter = pv_filter

const struct view_ops tenants_view_ops = {
	.name = "tenants",
	.open = tenants_open,
	PLATFORM_VIEW_OPS,
};

const struct view_ops environments_view_ops = {
	.name = "environments",
	.open = environments_open,
	PLATFORM_VIEW_OPS,
};
