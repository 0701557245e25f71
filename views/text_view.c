/* A text as a pager with search, for what has no view of its own: one security finding,
 * one audit record. The text comes in view_args.text, its crumb in view_args.title. */
#include <stdio.h>

#include "views/pager_view.h"
#include "views/view.h"

struct text_view {
	struct pager_view pv;   /* first: the pager views' ops read it */
};

static bool text_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	struct text_view *t = v->priv;
	if (!a->text) {
		snprintf(err, errlen, "nothing to show");
		return false;
	}
	pager_view_init(&t->pv, PAGER_DESCRIBE, "text", a->title ? a->title : "text", NULL);
	pager_set_text(t->pv.pager, a->text);
	return true;
}

const struct view_ops text_view_ops = {
	.name = "text",
	.private_size = sizeof(struct text_view),
	.open = text_open,
	.close = pager_view_close,
	PAGER_VIEW_SHARED_OPS,
};
