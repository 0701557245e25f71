/* The describe view: one object as `kubectl describe` shows it, with its events,
 * searchable with / n N. The object is fetched whole, then its events. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/kube.h"
#include "core/audit_report.h"
#include "core/describe.h"
#include "core/related.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "views/console.h"
#include "views/pager_view.h"
#include "views/session.h"

struct describe_view {
	struct pager_view pv;  /* first: the pager views' ops read it */
	struct view *view;
	struct kube_client *kc;
	struct kube_call *fetch;
	json_t *obj;           /* the object, while its events are fetched */
};

static void show(struct describe_view *dv, const json_t *events)
{
	char *text = describe_object(dv->obj, events, (long long)time(NULL));
	pager_set_text(dv->pv.pager, text);
	free(text);
	console_changed(dv->view->console, dv->view, VIEW_FULL | VIEW_CHROME);
}

static void on_events(void *ud, const struct kube_result *res, json_t *list)
{
	struct describe_view *dv = ud;
	dv->fetch = NULL;
	show(dv, res->ok ? list : NULL);
	json_decref(list);
}

/* Query-string encoding of a field selector (its '=' and ',' included). */
static char *url_encode(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~')
			strbuf_putc(&sb, (char)ch);
		else
			strbuf_printf(&sb, "%%%02X", ch);
	}
	return strbuf_detach(&sb);
}

static void fetch_events(struct describe_view *dv)
{
	const json_t *md = json_object_get(dv->obj, "metadata");
	const char *ns = json_string_value(json_object_get(md, "namespace"));
	char *sel = related_events_selector(json_string_value(json_object_get(dv->obj, "kind")),
					    ns, json_string_value(json_object_get(md, "name")),
					    json_string_value(json_object_get(md, "uid")));
	char *enc = url_encode(sel);
	char *path = ns ? xasprintf("/api/v1/namespaces/%s/events?fieldSelector=%s", ns, enc)
			: xasprintf("/api/v1/events?fieldSelector=%s", enc);
	dv->fetch = kube_request(dv->kc, "GET", path, NULL, NULL, on_events, dv);
	free(path);
	free(enc);
	free(sel);
}

static void on_object(void *ud, const struct kube_result *res, json_t *obj)
{
	struct describe_view *dv = ud;
	dv->fetch = NULL;
	if (!res->ok || !obj) {
		char *text = xasprintf("Error from server: %s\n",
				       res->message ? res->message : "no answer");
		pager_set_text(dv->pv.pager, text);
		free(text);
		json_decref(obj);
		console_changed(dv->view->console, dv->view, VIEW_FULL | VIEW_CHROME);
		return;
	}
	dv->obj = obj;
	audit_mask_secret(dv->obj);   /* the last-applied annotation holds the values */
	show(dv, NULL);
	fetch_events(dv);
}

static bool describe_open(struct view *v, const struct view_args *a, char *err, size_t errlen)
{
	struct describe_view *dv = v->priv;
	dv->view = v;
	char *title = xasprintf("%s describe", a->name ? a->name : "");
	const char *context = a->ncontexts ? a->contexts[0] : console_context(v->console);
	pager_view_init(&dv->pv, PAGER_DESCRIBE, "describe", title, context);
	free(title);
	pager_set_text(dv->pv.pager, "Loading...\n");
	struct session *s = console_session(v->console);
	struct session_cluster *cl = session_find(s, context);
	dv->kc = cl ? session_cluster_open(s, cl) : NULL;
	dv->fetch = view_fetch_object(v, a, on_object, dv, err, errlen);
	return dv->fetch != NULL;
}

static void describe_close(struct view *v)
{
	struct describe_view *dv = v->priv;
	if (dv->fetch)
		kube_call_cancel(dv->fetch);
	json_decref(dv->obj);
	pager_view_close(v);
}

const struct view_ops describe_view_ops = {
	.name = "describe",
	.private_size = sizeof(struct describe_view),
	.open = describe_open,
	.close = describe_close,
	PAGER_VIEW_SHARED_OPS,
};
