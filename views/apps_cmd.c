/* opsdeck apps | sync | rollback: the Argo CD views rendered once for scripts. The list
 * prints as kubectl would print it; sync and rollback go through the same gate as the
 * console (read-only refusal, --confirm NAME on protected clusters, the audit log) and,
 * with --wait, follow the operation to its end: the exit status says how it ended. */
#include "views/apps_cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clients/argocd.h"
#include "clients/kubeconfig.h"
#include "core/actions.h"
#include "core/strbuf.h"
#include "core/table_print.h"
#include "core/xalloc.h"
#include "views/app_actions.h"
#include "views/argocd_batch.h"

enum { WAIT_POLL_MS = 1000, WAIT_DEFAULT_S = 300 };

/* ---- opsdeck apps ---------------------------------------------------------------------- */

static int cmd_apps(struct argocd_batch *b, int argc, char **argv)
{
	bool json = false;
	for (int i = 0; i < argc; i++) {
		const char *o = !strcmp(argv[i], "-o") && i + 1 < argc ? argv[++i]
				: !strncmp(argv[i], "-o", 2) ? argv[i] + 2
				: !strncmp(argv[i], "--output=", 9) ? argv[i] + 9 : NULL;
		if (!o || (strcmp(o, "table") && strcmp(o, "json"))) {
			fprintf(stderr, "opsdeck apps: unknown argument \"%s\" (use -o table|json)\n", argv[i]);
			return 2;
		}
		json = !strcmp(o, "json");
	}
	struct argocd_answer a = {0};
	argocd_list_apps(b->ac, argocd_answer_done, &a);
	if (!argocd_batch_wait(b, &a, false)) {
		argocd_answer_clear(&a);
		return 1;
	}
	struct table *t = argocd_apps_table(a.body, (long long)time(NULL));
	struct table_print_opts po = {0};
	if (json)
		table_print_json(stdout, t, &po);
	else if (t->nrows == 0)
		fprintf(stderr, "No applications found.\n");
	else
		table_print_text(stdout, t, &po);
	table_free(t);
	argocd_answer_clear(&a);
	return 0;
}

/* ---- the gate, for sync and rollback ------------------------------------------------- */

/* The kubeconfig context of an app's destination: its name, else the context whose
 * server is the destination's URL, else the URL's last path part. */
static char *destination_context(const struct argocd_batch *b, const json_t *app)
{
	const json_t *d = json_object_get(json_object_get(app, "spec"), "destination");
	const char *name = json_string_value(json_object_get(d, "name"));
	if (name && *name)
		return xstrdup(name);
	const char *server = json_string_value(json_object_get(d, "server"));
	for (size_t i = 0; server && b->kcfg && i < b->kcfg->ncontexts; i++)
		if (b->kcfg->contexts[i].server && !strcmp(b->kcfg->contexts[i].server, server))
			return xstrdup(b->kcfg->contexts[i].name);
	const char *slash = server ? strrchr(server, '/') : NULL;
	return xstrdup(slash && slash[1] ? slash + 1 : server ? server : "");
}

/* Checks a, records its intent; returns 0 to go on, 1 when refused (printed). */
static int gate_begin(struct argocd_batch *b, const struct action *a, const char *confirm)
{
	char why[512] = "";
	enum action_verdict v = action_gate_check(&b->gate, a, why, sizeof why);
	if (v == ACTION_REFUSED) {
		fprintf(stderr, "error: %s %s refused: %s\n", action_kind_verb(a->kind),
			a->target.name, why);
		return 1;
	}
	if (v == ACTION_CONFIRM_TYPED && !action_confirmation_ok(v, a, confirm ? confirm : "")) {
		char *hint = action_describe_typed_hint(a);
		fprintf(stderr, "error: %s; on the command line: --confirm %s\n", hint,
			a->target.name);
		free(hint);
		return 1;
	}
	return argocd_batch_begin(b, a);
}

/* ---- --wait ------------------------------------------------------------------------ */

static const char *operation_field(const json_t *app, const char *key)
{
	const json_t *op = json_object_get(json_object_get(app, "status"), "operationState");
	return json_string_value(json_object_get(op, key));
}

static bool phase_done(const char *phase)
{
	return phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed") ||
			 !strcmp(phase, "Error"));
}

/* Polls the app until the operation that started after before_started ends. */
static int wait_operation(struct argocd_batch *b, const char *name, const char *before_started,
			  long timeout_s)
{
	long long deadline = loop_now_ms() + timeout_s * 1000;
	while (loop_now_ms() < deadline) {
		struct argocd_answer a = {0};
		argocd_get_app(b->ac, name, argocd_answer_done, &a);
		if (!argocd_batch_wait(b, &a, false)) {
			argocd_answer_clear(&a);
			return 1;
		}
		const char *phase = operation_field(a.body, "phase");
		const char *started = operation_field(a.body, "startedAt");
		bool ours = started && (!before_started || strcmp(started, before_started) != 0);
		if (ours && phase_done(phase)) {
			const char *msg = operation_field(a.body, "message");
			printf("%s: operation %s%s%s\n", name, phase, msg ? ": " : "", msg ? msg : "");
			int rc = !strcmp(phase, "Succeeded") ? 0 : 1;
			argocd_answer_clear(&a);
			return rc;
		}
		argocd_answer_clear(&a);
		bool never = false;
		kube_run_until(b->loop, &never, WAIT_POLL_MS);
	}
	fprintf(stderr, "error: %s: the operation did not end within %ld s\n", name, timeout_s);
	return 1;
}

/* ---- opsdeck sync / rollback ------------------------------------------------------------ */

struct op_args {
	const char *name;
	const char *confirm;
	bool wait;
	long timeout_s;
	struct strbuf options;   /* sync options, as the console's dialog takes them */
	long id;                 /* rollback: the history entry, 0: the previous one */
};

static int parse_op_args(int argc, char **argv, bool sync, struct op_args *o, const char *cmd)
{
	o->timeout_s = WAIT_DEFAULT_S;
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		bool takes = !strcmp(w, "--revision") || !strcmp(w, "--resource") ||
			     !strcmp(w, "--confirm") || !strcmp(w, "--timeout");
		if (takes && i + 1 >= argc) {
			fprintf(stderr, "opsdeck %s: %s needs a value\n", cmd, w);
			return 2;
		}
		if (!strcmp(w, "--wait")) {
			o->wait = true;
		} else if (!strcmp(w, "--confirm")) {
			o->confirm = argv[++i];
		} else if (!strcmp(w, "--timeout")) {
			o->timeout_s = strtol(argv[++i], NULL, 10);
		} else if (sync && (!strcmp(w, "--prune") || !strcmp(w, "--dry-run"))) {
			strbuf_printf(&o->options, "%s%s", o->options.len ? " " : "", w);
		} else if (sync && takes) {
			strbuf_printf(&o->options, "%s%s %s", o->options.len ? " " : "", w, argv[++i]);
		} else if (!o->name && w[0] != '-') {
			o->name = w;
		} else if (!sync && o->id == 0 && w[0] != '-') {
			char *end;
			errno = 0;
			o->id = strtol(w, &end, 10);
			if (errno || *end || o->id <= 0) {
				fprintf(stderr, "opsdeck %s: \"%s\" is not a history id\n", cmd, w);
				return 2;
			}
		} else {
			fprintf(stderr, "opsdeck %s: unknown argument \"%s\"\n", cmd, w);
			return 2;
		}
	}
	if (!o->name) {
		fprintf(stderr, "opsdeck %s: which application? (opsdeck %s APP ...)\n", cmd, cmd);
		return 2;
	}
	return 0;
}

static int start_operation(struct argocd_batch *b, struct op_args *o, enum action_kind kind,
			   const json_t *app)
{
	char idtext[32] = "";
	if (kind == ACTION_ROLLBACK) {
		if (o->id == 0) {
			const json_t *h = json_object_get(json_object_get(app, "status"), "history");
			size_t n = json_array_size(h);
			o->id = n >= 2 ? (long)json_integer_value(json_object_get(
					       json_array_get(h, n - 2), "id")) : 0;
		}
		if (o->id <= 0) {
			fprintf(stderr, "error: %s has no earlier deployment to roll back to\n", o->name);
			return 1;
		}
		snprintf(idtext, sizeof idtext, "%ld", o->id);
	}
	struct argocd_sync_options so;
	char err[256];
	char *buf = app_sync_options_parse(strbuf_str(&o->options), &so, err, sizeof err);
	if (!buf) {
		fprintf(stderr, "opsdeck sync: %s\n", err);
		return 2;
	}
	char *context = destination_context(b, app);
	const char *detail = kind == ACTION_ROLLBACK ? idtext
			     : o->options.len ? strbuf_str(&o->options) : NULL;
	json_t *pj = kind == ACTION_ROLLBACK ? json_pack("{s:I}", "id", (json_int_t)o->id)
		     : detail ? json_pack("{s:s}", "options", detail) : NULL;
	char *params = pj ? json_dumps(pj, JSON_COMPACT) : NULL;
	json_decref(pj);
	struct action a = {.kind = kind, .detail = detail, .parameters = params};
	a.target = (struct action_target){.context = context, .cluster = context,
					  .kind = "Application", .name = o->name,
					  .namespace = json_string_value(json_object_get(
						  json_object_get(app, "metadata"), "namespace"))};
	int rc = gate_begin(b, &a, o->confirm);
	if (rc == 0) {
		struct argocd_answer r = {0};
		if (kind == ACTION_SYNC)
			argocd_sync(b->ac, o->name, &so, argocd_answer_done, &r);
		else
			argocd_rollback(b->ac, o->name, o->id, false, false, argocd_answer_done, &r);
		bool ok = kube_run_until(b->loop, &r.done, ARGOCD_BATCH_TIMEOUT_MS) == 0 && r.ok;
		char *msg = action_gate_finish(&b->gate, &a, ok, r.done ? r.message : "no answer");
		fprintf(ok ? stdout : stderr, "%s%s\n", ok ? "" : "error: ", msg);
		free(msg);
		rc = ok ? 0 : 1;
		argocd_answer_clear(&r);
	}
	free(params);
	free(context);
	free((void *)so.resources);
	free(buf);
	return rc;
}

static int cmd_operation(struct argocd_batch *b, int argc, char **argv, enum action_kind kind)
{
	const char *cmd = kind == ACTION_SYNC ? "sync" : "rollback";
	struct op_args o = {.options = STRBUF_INIT};
	int rc = parse_op_args(argc, argv, kind == ACTION_SYNC, &o, cmd);
	if (rc) {
		strbuf_free(&o.options);
		return rc;
	}
	struct argocd_answer a = {0};
	argocd_get_app(b->ac, o.name, argocd_answer_done, &a);
	if (!argocd_batch_wait(b, &a, false)) {
		argocd_answer_clear(&a);
		strbuf_free(&o.options);
		return 1;
	}
	const char *started = operation_field(a.body, "startedAt");
	char *before = started ? xstrdup(started) : NULL;
	rc = start_operation(b, &o, kind, a.body);
	if (rc == 0 && o.wait)
		rc = wait_operation(b, o.name, before, o.timeout_s);
	free(before);
	argocd_answer_clear(&a);
	strbuf_free(&o.options);
	return rc;
}

int apps_command(const struct global_opts *g, const char *cmd, int argc, char **argv)
{
	struct argocd_batch b;
	memset(&b, 0, sizeof b);
	int rc = argocd_batch_open(&b, g);
	if (rc == 0) {
		if (!strcmp(cmd, "apps"))
			rc = cmd_apps(&b, argc, argv);
		else if (!strcmp(cmd, "sync"))
			rc = cmd_operation(&b, argc, argv, ACTION_SYNC);
		else
			rc = cmd_operation(&b, argc, argv, ACTION_ROLLBACK);
	}
	argocd_batch_close(&b);
	return rc;
}
