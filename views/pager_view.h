/* What the text views (describe, YAML, help) share: a pager with search, a title, a
 * keymap section, and the ops that only page and search. Each text view's private
 * state starts with a struct pager_view. */
#ifndef OPSDECK_VIEWS_PAGER_VIEW_H
#define OPSDECK_VIEWS_PAGER_VIEW_H

#include "clients/kube.h"
#include "tui/pager.h"
#include "views/view.h"

struct pager_view {
	struct pager *pager;
	char *title;
	const char *section;  /* keymap section: "describe", "yaml", "help" */
	char *context;        /* the cluster shown in the header; NULL: the console's */
};

static inline struct pager_view *pager_view_of(const struct view *v)
{
	return v->priv;
}

/* Sets up the shared part (title and context copied). */
void pager_view_init(struct pager_view *pv, enum pager_syntax syntax, const char *section,
		     const char *title, const char *context);
/* Frees the shared part. */
void pager_view_close(struct view *v);

/* The ops every text view shares, spread into its struct view_ops after its own. */
#define PAGER_VIEW_SHARED_OPS                 \
	.keymap_section = pager_view_section, \
	.title = pager_view_title,            \
	.status = pager_view_status,          \
	.header = pager_view_header,          \
	.draw = pager_view_draw,              \
	.request = pager_view_request,        \
	.filter = pager_view_filter

/* Ops to put in a text view's struct view_ops. */
const char *pager_view_section(const struct view *v);
const char *pager_view_title(const struct view *v);
void pager_view_status(const struct view *v, char *buf, size_t len);
void pager_view_header(const struct view *v, struct chrome_header *h);
void pager_view_draw(struct view *v, WINDOW *win, bool full);
unsigned pager_view_request(struct view *v, enum request req, int key);
unsigned pager_view_filter(struct view *v, const char *text);

/* Starts fetching the object a view of one object shows: a->name of a->resource in
 * a->namespace on a->contexts[0] (the console's context when none). NULL with err when
 * args name no object. */
struct kube_call *view_fetch_object(struct view *v, const struct view_args *a,
				    kube_json_fn done, void *ud, char *err, size_t errlen);

#endif
