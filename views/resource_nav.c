/* Moving on from a resource table's selected row: Enter drills down (a namespace to its
 * pods, a workload or service to its pods, a node to its pods), describe, YAML, the
 * object's events, its owner, and the objects related to it. */
#include "views/resource_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/related.h"
#include "core/xalloc.h"

void resource_nav_cancel(struct resource_view *rv)
{
	if (rv->fetch) {
		kube_call_cancel(rv->fetch);
		rv->fetch = NULL;
	}
}

bool resource_open_link(struct console *c, const char *cluster, const struct related_link *l)
{
	const char *contexts[] = {cluster};
	const char *namespaces[] = {l->namespace ? l->namespace : ""};
	struct view_args a = {
		.resource = l->resource,
		.contexts = contexts,
		.ncontexts = 1,
		.namespaces = namespaces,
		.nnamespaces = 1,
		.name = l->name,
		.namespace = l->namespace,
		.label_selector = l->label_selector,
		.field_selector = l->field_selector,
	};
	return console_push(c, &resource_view_ops, &a);
}

static const struct store_row *selected(struct resource_view *rv)
{
	const struct store_row *row = rowview_selected_row(rv->rows);
	if (!row)
		console_flash(rv->view->console, CHROME_FLASH_INFO, "nothing selected");
	return row;
}

/* Describe or YAML of the selected row. */
static unsigned open_object(struct resource_view *rv, const struct view_ops *ops)
{
	const struct store_row *row = selected(rv);
	if (!row)
		return VIEW_SAME;
	const char *contexts[] = {store_cluster(row->store)};
	struct view_args a = {
		.resource = rv->qualified,
		.contexts = contexts,
		.ncontexts = 1,
		.namespace = row->r.namespace,
		.name = row->r.name,
		.kind = resource_kind(rv),
	};
	console_push(rv->view->console, ops, &a);
	return VIEW_SAME;
}

static unsigned open_events(struct resource_view *rv)
{
	const struct store_row *row = selected(rv);
	if (!row)
		return VIEW_SAME;
	char *sel = related_events_selector(resource_kind(rv), row->r.namespace, row->r.name,
					    row->r.uid);
	const char *contexts[] = {store_cluster(row->store)};
	const char *namespaces[] = {row->r.namespace ? row->r.namespace : ""};
	char *title = xasprintf("events %s", row->r.name);
	struct view_args a = {
		.resource = "events",
		.contexts = contexts,
		.ncontexts = 1,
		.namespaces = namespaces,
		.nnamespaces = 1,
		.field_selector = sel,
		.title = title,
	};
	console_push(rv->view->console, &resource_view_ops, &a);
	free(sel);
	free(title);
	return VIEW_SAME;
}

/* Enter on a namespace: the pods there; on a node: its pods. */
static unsigned enter_by_name(struct resource_view *rv, const struct store_row *row)
{
	struct console *c = rv->view->console;
	if (strcmp(rv->qualified, "namespaces") == 0) {
		console_set_namespace(c, row->r.name);
		struct view_args a = {.resource = "pods"};
		console_push(c, &resource_view_ops, &a);
		return VIEW_SAME;
	}
	if (strcmp(rv->qualified, "nodes") == 0) {
		char *sel = xasprintf("spec.nodeName=%s", row->r.name);
		char *title = xasprintf("pods on %s", row->r.name);
		char pods[] = "pods", all[] = "";
		struct related_link l = {.title = title, .resource = pods, .namespace = all,
					 .field_selector = sel};
		resource_open_link(c, store_cluster(row->store), &l);
		free(sel);
		free(title);
		return VIEW_SAME;
	}
	return VIEW_UNHANDLED;
}

/* What Enter does once the object is here: its pods when it selects some. */
static void enter_with_object(struct resource_view *rv, const char *cluster, const json_t *obj)
{
	struct related_links links = {0};
	related_links_for(obj, &links);
	for (size_t i = 0; i < links.n; i++) {
		if (strcmp(links.items[i].resource, "pods") == 0 && !links.items[i].name) {
			resource_open_link(rv->view->console, cluster, &links.items[i]);
			related_links_free(&links);
			return;
		}
	}
	related_links_free(&links);
	open_object(rv, &describe_view_ops);
}

static void related_with_object(struct resource_view *rv, const char *cluster, const json_t *obj)
{
	struct console *c = rv->view->console;
	struct related_links links = {0};
	related_links_for(obj, &links);
	if (links.n == 0) {
		console_flash(c, CHROME_FLASH_INFO, "nothing related to %s",
			      json_string_value(json_object_get(json_object_get(obj, "metadata"),
								"name")));
	} else if (links.n == 1) {
		resource_open_link(c, cluster, &links.items[0]);
	} else {
		const char *contexts[] = {cluster};
		struct view_args a = {.contexts = contexts, .ncontexts = 1, .links = &links,
				      .title = "related"};
		console_push(c, &related_view_ops, &a);
	}
	related_links_free(&links);
}

static void owner_with_object(struct resource_view *rv, const char *cluster, const json_t *obj)
{
	struct related_link l = {0};
	if (!related_owner(obj, &l)) {
		console_flash(rv->view->console, CHROME_FLASH_INFO, "%s has no owner",
			      json_string_value(json_object_get(json_object_get(obj, "metadata"),
								"name")));
		return;
	}
	resource_open_link(rv->view->console, cluster, &l);
	/* related_links_free frees the array too: hand it one on the heap */
	struct related_links one = {.items = xmalloc(sizeof(l)), .n = 1, .cap = 1};
	one.items[0] = l;
	related_links_free(&one);
}

static void on_object(void *ud, const struct kube_result *res, json_t *obj)
{
	struct resource_view *rv = ud;
	rv->fetch = NULL;
	const struct store_row *row = rowview_selected_row(rv->rows);
	if (!res->ok || !obj || !row) {
		console_flash(rv->view->console, CHROME_FLASH_ERROR, "%s",
			      res->message ? res->message : "the object is gone");
		json_decref(obj);
		return;
	}
	char *cluster = xstrdup(store_cluster(row->store));
	if (rv->fetch_for == REQ_OWNER)
		owner_with_object(rv, cluster, obj);
	else if (rv->fetch_for == REQ_RELATED)
		related_with_object(rv, cluster, obj);
	else
		enter_with_object(rv, cluster, obj);
	free(cluster);
	json_decref(obj);
}

/* Owner, related and Enter need the whole object: fetch it, then act. */
static unsigned fetch_then(struct resource_view *rv, enum request req)
{
	const struct store_row *row = selected(rv);
	if (!row)
		return VIEW_SAME;
	struct kube_client *kc = resource_row_client(rv, row);
	if (!kc)
		return VIEW_SAME;
	resource_nav_cancel(rv);
	rv->fetch_for = req;
	rv->fetch = kube_get(kc, rv->qualified, *row->r.namespace ? row->r.namespace : NULL,
			     row->r.name, on_object, rv);
	return VIEW_SAME;
}

unsigned resource_nav_request(struct resource_view *rv, enum request req)
{
	switch (req) {
	case REQ_DESCRIBE:
		return open_object(rv, &describe_view_ops);
	case REQ_YAML:
		return open_object(rv, &yaml_view_ops);
	case REQ_EVENTS:
		return open_events(rv);
	case REQ_LOGS:
		/* the logs view says when the resource has no logs */
		return open_object(rv, &logs_view_ops);
	case REQ_OWNER:
	case REQ_RELATED:
		return fetch_then(rv, req);
	case REQ_ENTER: {
		const struct store_row *row = selected(rv);
		if (!row)
			return VIEW_SAME;
		unsigned change = enter_by_name(rv, row);
		if (!(change & VIEW_UNHANDLED))
			return change;
		if (strcmp(rv->qualified, "pods") == 0 || strcmp(rv->qualified, "events") == 0)
			return open_object(rv, &describe_view_ops);
		return fetch_then(rv, req);
	}
	default:
		return VIEW_UNHANDLED;
	}
}
