/* Lists as server-side Tables across every page, single objects, and generic requests
 * (see kube.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/kube.h"
#include "clients/kube_internal.h"
#include "clients/kube_table.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

/* Percent-encodes everything but RFC 3986's unreserved characters. */
static void url_escape_into(struct strbuf *sb, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || strchr("-._~", *p))
			strbuf_putc(sb, (char)*p);
		else
			strbuf_printf(sb, "%%%02X", *p);
	}
}

char *kube_resource_path(const struct kube_resource *res, const char *ns)
{
	struct strbuf sb = STRBUF_INIT;
	if (*res->group)
		strbuf_printf(&sb, "/apis/%s/%s", res->group, res->version);
	else
		strbuf_printf(&sb, "/api/%s", res->version);
	if (res->namespaced && ns && *ns) {
		strbuf_puts(&sb, "/namespaces/");
		url_escape_into(&sb, ns);
	}
	strbuf_printf(&sb, "/%s", res->resource);
	return strbuf_detach(&sb);
}

char *kube_path_add_query(char *path, const char *key, const char *value)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, path);
	free(path);
	strbuf_putc(&sb, strchr(strbuf_str(&sb), '?') ? '&' : '?');
	strbuf_printf(&sb, "%s=", key);
	url_escape_into(&sb, value);
	return strbuf_detach(&sb);
}

/* ---- lists ---------------------------------------------------------------------------- */

struct list_op {
	struct kube_list_options opts;   /* strings owned */
	kube_list_fn done;               /* one of done and done_cond is set */
	kube_list_cond_fn done_cond;
	void *ud;
	struct kube_table_cond cond;     /* used when opts.conditions */
	const struct kube_resource *res;
	struct table *t;
	char *base_path;                 /* resource path with the fixed query */
};

static void list_op_free(void *p)
{
	struct list_op *op = p;
	free((char *)op->opts.resource);
	free((char *)op->opts.namespace);
	free((char *)op->opts.label_selector);
	free((char *)op->opts.field_selector);
	table_free(op->t);
	free(op->base_path);
	free(op);
}

static void list_finish(struct kube_call *call, long status, const char *err)
{
	struct list_op *op = call->op;
	struct kube_result res = {err == NULL, status, err};
	struct table *t = err ? NULL : op->t;
	if (t)
		op->t = NULL;
	unsigned cols = 0;
	if (t && op->opts.conditions) {
		/* The first list decides: kinds whose objects carry no Ready/Synced condition
		 * keep the server's columns. */
		if (!op->cond.fixed && !op->cond.seen) {
			kube_table_drop_cond(t, op->cond.cols);
			op->cond.cols = 0;
		}
		cols = op->cond.cols;
	}
	if (op->done_cond)
		op->done_cond(op->ud, &res, op->res, t, cols);
	else
		op->done(op->ud, &res, op->res, t);
	kube_call_end(call);
}

static void list_next_page(struct kube_call *call);

static void list_on_page(void *ud, const struct http_response *resp, const char *send_err)
{
	struct kube_call *call = ud;
	struct list_op *op = call->op;
	if (!resp) {
		list_finish(call, 0, send_err);
		return;
	}
	char *err = kube_response_error(call->kc, resp);
	if (err) {
		list_finish(call, resp->status, err);
		free(err);
		return;
	}
	json_error_t jerr;
	json_t *doc = json_loadb(resp->body, resp->body_len, 0, &jerr);
	char perr[256];
	struct kube_table_cond *cond = op->opts.conditions ? &op->cond : NULL;
	if (!doc || kube_table_append_cond(op->t, doc, cond, perr, sizeof(perr)) != 0) {
		/* the reason only: the header shows it beside the context, and a URL would
		 * push it off an 80-column line */
		char *msg = xasprintf(doc ? "bad list: %s" : "bad JSON: %s", doc ? perr : jerr.text);
		list_finish(call, resp->status, msg);
		free(msg);
		json_decref(doc);
		return;
	}
	json_decref(doc);
	if (op->t->continue_token)
		list_next_page(call);
	else
		list_finish(call, resp->status, NULL);
}

static void list_next_page(struct kube_call *call)
{
	struct list_op *op = call->op;
	char *path = xstrdup(op->base_path);
	if (op->t->continue_token)
		path = kube_path_add_query(path, "continue", op->t->continue_token);
	struct kube_send s;
	memset(&s, 0, sizeof(s));
	s.path = path;
	s.accept = KUBE_TABLE_ACCEPT;
	kube_call_send(call, &s, list_on_page, call);
	free(path);
}

/* The list path for opts: resource path, namespace, and the fixed query. Also used by
 * watches (kube_watch.c) through kube_list_path. */
char *kube_list_path(const struct kube_client *kc, const struct kube_resource *res,
		     const struct kube_list_options *opts)
{
	const char *ns = NULL;
	if (res->namespaced && !opts->all_namespaces)
		ns = opts->namespace && *opts->namespace ? opts->namespace
							  : kube_client_default_namespace(kc);
	char *path = kube_resource_path(res, ns);
	if (opts->label_selector && *opts->label_selector)
		path = kube_path_add_query(path, "labelSelector", opts->label_selector);
	if (opts->field_selector && *opts->field_selector)
		path = kube_path_add_query(path, "fieldSelector", opts->field_selector);
	/* Conditions live in the object's status: only then is the whole object worth its
	 * bytes (it is summarised and dropped as each page is parsed). */
	return kube_path_add_query(path, "includeObject",
				   opts->conditions ? "Object" : "Metadata");
}

static void list_on_discovery(struct kube_call *call, const char *err)
{
	struct list_op *op = call->op;
	if (err) {
		list_finish(call, 0, err);
		return;
	}
	char rerr[256];
	op->res = kube_discovery_resolve(kube_client_discovery(call->kc), op->opts.resource,
					 rerr, sizeof(rerr));
	if (!op->res) {
		list_finish(call, 0, rerr);
		return;
	}
	op->t = table_new();
	op->t->kind = xstrdup(op->res->kind);
	op->base_path = kube_list_path(call->kc, op->res, &op->opts);
	char limit[32];
	snprintf(limit, sizeof(limit), "%u", op->opts.limit ? op->opts.limit : 500);
	op->base_path = kube_path_add_query(op->base_path, "limit", limit);
	list_next_page(call);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static struct list_op *list_op_new(const struct kube_list_options *opts, void *ud)
{
	struct list_op *op = xcalloc(1, sizeof(*op));
	op->opts = *opts;
	op->opts.resource = xstrdup(opts->resource ? opts->resource : "");
	op->opts.namespace = dup_or_null(opts->namespace);
	op->opts.label_selector = dup_or_null(opts->label_selector);
	op->opts.field_selector = dup_or_null(opts->field_selector);
	op->ud = ud;
	return op;
}

struct kube_call *kube_list(struct kube_client *kc, const struct kube_list_options *opts,
			    kube_list_fn done, void *ud)
{
	struct list_op *op = list_op_new(opts, ud);
	op->done = done;
	struct kube_call *call = kube_call_new(kc, op, list_op_free);
	kube_discovery_fetch(call, list_on_discovery);
	return call;
}

struct kube_call *kube_list_cond(struct kube_client *kc, const struct kube_list_options *opts,
				 int cond_cols, kube_list_cond_fn done, void *ud)
{
	struct list_op *op = list_op_new(opts, ud);
	op->done_cond = done;
	if (cond_cols >= 0) {
		op->cond.fixed = true;
		op->cond.cols = (unsigned)cond_cols & KUBE_COND_ALL;
		/* Decided without columns: the objects would be fetched for nothing. */
		op->opts.conditions = op->cond.cols != 0;
	}
	struct kube_call *call = kube_call_new(kc, op, list_op_free);
	kube_discovery_fetch(call, list_on_discovery);
	return call;
}

/* ---- single objects and generic requests ---------------------------------------------- */

struct json_op {
	kube_json_fn done;
	void *ud;
	char *resource, *namespace, *name;   /* kube_get only */
};

static void json_op_free(void *p)
{
	struct json_op *op = p;
	free(op->resource);
	free(op->namespace);
	free(op->name);
	free(op);
}

static void json_finish(struct kube_call *call, long status, const char *err, json_t *obj)
{
	struct json_op *op = call->op;
	struct kube_result res = {err == NULL, status, err};
	op->done(op->ud, &res, obj);
	kube_call_end(call);
}

static void json_on_response(void *ud, const struct http_response *resp, const char *send_err)
{
	struct kube_call *call = ud;
	if (!resp) {
		json_finish(call, 0, send_err, NULL);
		return;
	}
	char *err = kube_response_error(call->kc, resp);
	json_t *obj = err ? NULL : json_loadb(resp->body, resp->body_len, 0, NULL);
	json_finish(call, resp->status, err, obj);
	free(err);
}

struct kube_call *kube_request(struct kube_client *kc, const char *method, const char *path,
			       const char *body, const char *content_type, kube_json_fn done,
			       void *ud)
{
	struct json_op *op = xcalloc(1, sizeof(*op));
	op->done = done;
	op->ud = ud;
	struct kube_call *call = kube_call_new(kc, op, json_op_free);
	struct kube_send s;
	memset(&s, 0, sizeof(s));
	s.method = method;
	s.path = path;
	s.body = body;
	s.content_type = content_type;
	kube_call_send(call, &s, json_on_response, call);
	return call;
}

static void get_on_discovery(struct kube_call *call, const char *err)
{
	struct json_op *op = call->op;
	if (err) {
		json_finish(call, 0, err, NULL);
		return;
	}
	char rerr[256];
	const struct kube_resource *res = kube_discovery_resolve(kube_client_discovery(call->kc),
								 op->resource, rerr, sizeof(rerr));
	if (!res) {
		json_finish(call, 0, rerr, NULL);
		return;
	}
	const char *ns = op->namespace ? op->namespace : kube_client_default_namespace(call->kc);
	struct strbuf full = STRBUF_INIT;
	char *path = kube_resource_path(res, ns);
	strbuf_printf(&full, "%s/", path);
	url_escape_into(&full, op->name);
	struct kube_send s;
	memset(&s, 0, sizeof(s));
	s.path = strbuf_str(&full);
	kube_call_send(call, &s, json_on_response, call);
	free(path);
	strbuf_free(&full);
}

struct kube_call *kube_get(struct kube_client *kc, const char *resource, const char *namespace,
			   const char *name, kube_json_fn done, void *ud)
{
	struct json_op *op = xcalloc(1, sizeof(*op));
	op->done = done;
	op->ud = ud;
	op->resource = xstrdup(resource);
	op->namespace = dup_or_null(namespace);
	op->name = xstrdup(name);
	struct kube_call *call = kube_call_new(kc, op, json_op_free);
	kube_discovery_fetch(call, get_on_discovery);
	return call;
}
