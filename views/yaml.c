/* The YAML view: one object as `kubectl get -o yaml` prints it, fetched whole (the
 * tables hold only metadata), searchable with / n N. */
#include <stdlib.h>
#include <string.h>

#include "clients/kube.h"
#include "core/audit_report.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "core/yaml_emit.h"
#include "views/console.h"
#include "views/pager_view.h"
#include "views/session.h"

struct yaml_view {
	struct pager_view pv;  /* first: the pager views' ops read it */
	struct view *view;
	struct kube_call *fetch;
};

static void on_object(void *ud, const struct kube_result *res, json_t *obj)
{
	struct yaml_view *yv = ud;
	yv->fetch = NULL;
	char *text;
	if (res->ok && obj) {
		/* a Secret's values never reach the screen (in audit mode or not): a
		 * terminal is shared, recorded, screenshotted */
		audit_mask_secret(obj);
		char *raw = yaml_emit(obj, NULL);
		/* newlines are the pager's; anything else a server sent is made visible */
		text = sanitize_cstr(raw, SANITIZE_KEEP_NEWLINE);
		free(raw);
	} else {
		text = xasprintf("Error from server: %s\n", res->message ? res->message : "no answer");
	}
	pager_set_text(yv->pv.pager, text);
	free(text);
	json_decref(obj);
	console_changed(yv->view->console, yv->view, VIEW_FULL | VIEW_CHROME);
}

static bool yaml_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	struct yaml_view *yv = v->priv;
	yv->view = v;
	char *title = xasprintf("%s yaml", a->name ? a->name : "");
	pager_view_init(&yv->pv, PAGER_YAML, "yaml", title,
			a->ncontexts ? a->contexts[0] : NULL);
	free(title);
	pager_set_text(yv->pv.pager, "Loading...\n");
	yv->fetch = view_fetch_object(v, a, on_object, yv, err, errlen);
	return yv->fetch != NULL;
}

static void yaml_close(struct view *v)
{
	struct yaml_view *yv = v->priv;
	if (yv->fetch)
		kube_call_cancel(yv->fetch);
	pager_view_close(v);
}

const struct view_ops yaml_view_ops = {
	.name = "yaml",
	.private_size = sizeof(struct yaml_view),
	.open = yaml_open,
	.close = yaml_close,
	PAGER_VIEW_SHARED_OPS,
};
