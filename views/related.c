/* The related view (`x`): what the selected object points at or is pointed at by (its
 * owner, its pods, its node, its ReplicaSets ...), one row each; Enter opens one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/related.h"
#include "core/rowview.h"
#include "core/store.h"
#include "core/table.h"
#include "core/xalloc.h"
#include "tui/table_widget.h"
#include "views/console.h"
#include "views/resource_internal.h"

struct related_view {
	struct view *view;
	char *cluster;
	struct related_links links;   /* owned copies */
	struct store *store;
	struct rowview *rows;
	struct table_widget *table;
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void copy_links(struct related_links *dst, const struct related_links *src)
{
	dst->items = xcalloc(src->n ? src->n : 1, sizeof(*dst->items));
	dst->n = dst->cap = src->n;
	for (size_t i = 0; i < src->n; i++) {
		const struct related_link *s = &src->items[i];
		dst->items[i] = (struct related_link){
			dup_or_null(s->title), dup_or_null(s->resource), dup_or_null(s->namespace),
			dup_or_null(s->name), dup_or_null(s->label_selector),
			dup_or_null(s->field_selector)};
	}
}

static void fill(struct related_view *rv)
{
	struct table *t = table_new();
	static const char *const cols[] = {"Related", "Resource", "Namespace", "Selector"};
	for (size_t i = 0; i < 4; i++)
		table_add_column(t, cols[i], "string", i == 0 ? "name" : "", 0);
	for (size_t i = 0; i < rv->links.n; i++) {
		const struct related_link *l = &rv->links.items[i];
		struct table_row *r = table_add_row(t);
		const char *sel = l->label_selector ? l->label_selector
			: l->field_selector ? l->field_selector : l->name ? l->name : "";
		const char *cells[] = {l->title, l->resource, l->namespace, sel};
		for (size_t k = 0; k < 4; k++)
			table_set_cell(r, k, cells[k] ? cells[k] : "");
		char uid[32];
		snprintf(uid, sizeof uid, "%zu", i);
		table_set_identity(r, "", l->title, uid);
	}
	store_sync(rv->store, t);
}

static bool related_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	struct related_view *rv = v->priv;
	if (!a->links || !a->links->n) {
		snprintf(err, errlen, "nothing related");
		return false;
	}
	rv->view = v;
	rv->cluster = xstrdup(a->ncontexts ? a->contexts[0] : console_context(v->console));
	copy_links(&rv->links, a->links);
	rv->store = store_new(NULL);
	rv->rows = rowview_new();
	rowview_add_store(rv->rows, rv->store);
	rv->table = table_widget_new();
	fill(rv);
	return true;
}

static void related_close(struct view *v)
{
	struct related_view *rv = v->priv;
	table_widget_free(rv->table);
	rowview_free(rv->rows);
	store_free(rv->store);
	related_links_free(&rv->links);
	free(rv->cluster);
}

static const char *related_section(const struct view *v)
{
	(void)v;
	return "related";
}

static const char *related_title(const struct view *v)
{
	(void)v;
	return "related";
}

static void related_draw(struct view *v, WINDOW *win, bool full)
{
	struct related_view *rv = v->priv;
	rowview_update(rv->rows);
	table_widget_draw(rv->table, win, rv->rows, full);
}

static unsigned related_request(struct view *v, enum request req, int key)
{
	(void)key;
	struct related_view *rv = v->priv;
	rowview_update(rv->rows); /* keys typed ahead of the frame see the rows as they are */
	if (table_widget_request(rv->table, rv->rows, req, v->body_rows))
		return VIEW_BODY;
	if (req != REQ_ENTER)
		return VIEW_UNHANDLED;
	const struct store_row *row = rowview_selected_row(rv->rows);
	if (!row)
		return VIEW_SAME;
	size_t i = strtoul(row->r.uid, NULL, 10);
	if (i < rv->links.n)
		resource_open_link(v->console, rv->cluster, &rv->links.items[i]);
	return VIEW_SAME;
}

const struct view_ops related_view_ops = {
	.name = "related",
	.private_size = sizeof(struct related_view),
	.open = related_open,
	.close = related_close,
	.keymap_section = related_section,
	.title = related_title,
	.draw = related_draw,
	.request = related_request,
};
