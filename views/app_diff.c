/* The diff view: what Argo CD would change, per managed resource, as a unified diff of
 * the live state (normalised) against the desired state (predicted, else the Git
 * target), coloured, searchable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/argocd.h"
#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/textdiff.h"
#include "core/xalloc.h"
#include "core/yaml_emit.h"
#include "views/console.h"
#include "views/pager_view.h"

struct app_diff_view {
	struct pager_view pv;  /* first: the pager views' ops read it */
	struct view *view;
	struct argocd_call *call;
};

static const json_t *first_state(const json_t *item, const char *a, const char *b)
{
	const json_t *v = json_object_get(item, a);
	return v && !json_is_null(v) ? v : json_object_get(item, b);
}

static char *state_yaml(const json_t *state)
{
	return state && !json_is_null(state) ? yaml_emit(state, NULL) : xstrdup("");
}

/* Appends the diff of one managed resource; returns whether it differs. */
static bool put_item_diff(struct strbuf *out, const json_t *item)
{
	const json_t *live = first_state(item, "normalizedLiveState", "liveState");
	const json_t *want = first_state(item, "predictedLiveState", "targetState");
	char *a = state_yaml(live), *b = state_yaml(want);
	const char *kind = json_string_value(json_object_get(item, "kind"));
	const char *name = json_string_value(json_object_get(item, "name"));
	char *la = xasprintf("live/%s/%s", kind ? kind : "?", name ? name : "?");
	char *lb = xasprintf("desired/%s/%s", kind ? kind : "?", name ? name : "?");
	char *d = textdiff_unified(a, b, la, lb, 3);
	bool differs = d && *d;
	if (differs) {
		sanitize_append(out, d, strlen(d), SANITIZE_KEEP_NEWLINE);
		strbuf_putc(out, '\n');
	}
	free(d);
	free(la);
	free(lb);
	free(a);
	free(b);
	return differs;
}

static void on_managed(void *ud, const struct argocd_result *res, json_t *body)
{
	struct app_diff_view *dv = ud;
	dv->call = NULL;
	struct strbuf sb = STRBUF_INIT;
	if (!res->ok || !body) {
		strbuf_printf(&sb, "No diff: %s\n", res->message ? res->message : "no answer");
	} else {
		size_t i, n = 0;
		const json_t *item;
		json_array_foreach(json_object_get(body, "items"), i, item)
			n += put_item_diff(&sb, item);
		if (n == 0)
			strbuf_puts(&sb, "No differences: the live state is what Git asks for.\n");
	}
	json_decref(body);
	pager_set_text(dv->pv.pager, strbuf_str(&sb));
	strbuf_free(&sb);
	console_changed(dv->view->console, dv->view, VIEW_FULL | VIEW_CHROME);
}

static bool app_diff_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	struct app_diff_view *dv = v->priv;
	dv->view = v;
	if (!a->name) {
		snprintf(err, errlen, "no application named");
		return false;
	}
	struct argocd_client *ac = console_argocd(v->console, err, errlen);
	if (!ac)
		return false;
	char *title = xasprintf("%s diff", a->name);
	pager_view_init(&dv->pv, PAGER_DIFF, "app-diff", title, NULL);
	free(title);
	pager_set_text(dv->pv.pager, "Loading...\n");
	dv->call = argocd_managed_resources(ac, a->name, on_managed, dv);
	return true;
}

static void app_diff_close(struct view *v)
{
	struct app_diff_view *dv = v->priv;
	if (dv->call)
		argocd_call_cancel(dv->call);
	pager_view_close(v);
}

const struct view_ops app_diff_view_ops = {
	.name = "app-diff",
	.private_size = sizeof(struct app_diff_view),
	.open = app_diff_open,
	.close = app_diff_close,
	PAGER_VIEW_SHARED_OPS,
};
