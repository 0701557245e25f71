/* Actions on the selected object of a resource table (restart, scale, delete, rollout
 * undo): worded and confirmed by the console's gate, performed by clients/kube_workload,
 * the result flashed and audited. */
#include "views/resource_internal.h"

#include <stdlib.h>
#include <string.h>

#include "clients/kube_workload.h"
#include "core/xalloc.h"

/* What a performer needs; also lives while the request is in flight. */
struct resource_action {
	struct console *console;
	struct kube_client *kc;
	const struct kube_resource *res; /* owned by the first cluster's discovery */
	struct action a;                 /* strings below are owned */
	char *context, *namespace, *kind, *name, *detail, *parameters;
};

static struct resource_action *action_new(struct resource_view *rv, const struct store_row *row,
					  enum action_kind kind)
{
	struct resource_action *ra = xcalloc(1, sizeof(*ra));
	ra->console = rv->view->console;
	ra->kc = resource_row_client(rv, row);
	ra->res = rv->res;
	ra->context = xstrdup(store_cluster(row->store));
	ra->namespace = xstrdup(row->r.namespace ? row->r.namespace : "");
	ra->kind = xstrdup(resource_kind(rv));
	ra->name = xstrdup(row->r.name);
	ra->a.kind = kind;
	ra->a.target = (struct action_target){.context = ra->context, .namespace = ra->namespace,
					      .kind = ra->kind, .name = ra->name};
	return ra;
}

static void action_free(void *ud)
{
	struct resource_action *ra = ud;
	free(ra->context);
	free(ra->namespace);
	free(ra->kind);
	free(ra->name);
	free(ra->detail);
	free(ra->parameters);
	free(ra);
}

static void on_done(void *ud, const struct kube_result *res)
{
	struct resource_action *ra = ud;
	console_action_done(ra->console, &ra->a, res->ok, res->message);
	action_free(ra);
}

/* Runs once confirmed: a copy outlives the dialog while the request is in flight. */
static void perform(void *ud, struct console *c, const struct action *a)
{
	(void)c;
	struct resource_action *ra = ud;
	struct resource_action *run = xcalloc(1, sizeof(*run));
	*run = *ra;
	run->context = xstrdup(ra->context);
	run->namespace = xstrdup(ra->namespace);
	run->kind = xstrdup(ra->kind);
	run->name = xstrdup(ra->name);
	run->a = *a;
	run->a.target = (struct action_target){.context = run->context,
					       .namespace = run->namespace, .kind = run->kind,
					       .name = run->name};
	/* the dialog's strings die with it: the result's audit record needs its own */
	run->detail = a->detail ? xstrdup(a->detail) : NULL;
	run->parameters = a->parameters ? xstrdup(a->parameters) : NULL;
	run->a.detail = run->detail;
	run->a.parameters = run->parameters;
	const char *ns = *run->namespace ? run->namespace : NULL;
	switch (a->kind) {
	case ACTION_RESTART:
		kube_rollout_restart(run->kc, run->res, ns, run->name, on_done, run);
		break;
	case ACTION_SCALE:
		kube_scale(run->kc, run->res, ns, run->name, a->replicas, on_done, run);
		break;
	case ACTION_DELETE:
		kube_delete(run->kc, run->res, ns, run->name, on_done, run);
		break;
	case ACTION_ROLLOUT_UNDO:
		kube_rollout_undo(run->kc, run->res, ns, run->name, on_done, run);
		break;
	default:
		action_free(run);
		break;
	}
}

/* The replica count a scale dialog starts from: "2/3" in READY, or DESIRED. */
static long current_replicas(const struct resource_view *rv)
{
	size_t row = rowview_selected(rv->rows);
	int col = rowview_column_index(rv->rows, "Desired");
	if (col >= 0)
		return strtol(rowview_cell(rv->rows, row, (size_t)col), NULL, 10);
	col = rowview_column_index(rv->rows, "Ready");
	if (col >= 0) {
		const char *slash = strchr(rowview_cell(rv->rows, row, (size_t)col), '/');
		if (slash)
			return strtol(slash + 1, NULL, 10);
	}
	return 1;
}

unsigned resource_action_request(struct resource_view *rv, enum request req)
{
	static const struct {
		enum request req;
		enum action_kind kind;
	} map[] = {
		{REQ_RESTART, ACTION_RESTART},
		{REQ_SCALE, ACTION_SCALE},
		{REQ_DELETE, ACTION_DELETE},
		{REQ_ROLLOUT_UNDO, ACTION_ROLLOUT_UNDO},
	};
	const struct store_row *row = rowview_selected_row(rv->rows);
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (map[i].req != req)
			continue;
		if (!row || !rv->res) {
			console_flash(rv->view->console, CHROME_FLASH_INFO, "nothing selected");
			return VIEW_SAME;
		}
		struct resource_action *ra = action_new(rv, row, map[i].kind);
		if (map[i].kind == ACTION_SCALE)
			ra->a.replicas = current_replicas(rv);
		struct console_performer p = {.perform = perform, .release = action_free, .ud = ra};
		console_confirm(rv->view->console, &ra->a, &p);
		return VIEW_CHROME;
	}
	return VIEW_UNHANDLED;
}
