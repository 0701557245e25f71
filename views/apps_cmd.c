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
#include "core/audit.h"
#include "core/config.h"
#include "core/strbuf.h"
#include "core/jobs.h"
#include "core/table_print.h"
#include "core/xalloc.h"
#include "views/app_actions.h"

enum { CMD_TIMEOUT_MS = 60000, WAIT_POLL_MS = 1000, WAIT_DEFAULT_S = 300 };

/* Everything a command needs, made once. */
struct batch {
	struct loop *loop;
	struct http *http;
	struct jobs *jobs;
	struct kubeconfig *kcfg;
	struct kube_client *core;
	struct argocd_config cfg;
	struct argocd_client *ac;
	struct config *config;
	struct action_gate gate;
	struct audit_sink sink;
	bool sink_ready;
	char *argocd_user;
};

/* One call's answer, waited for with kube_run_until. */
struct answer {
	bool done, ok;
	long status;
	char *message;
	json_t *body;
};

static void on_answer(void *ud, const struct argocd_result *res, json_t *body)
{
	struct answer *a = ud;
	a->done = true;
	a->ok = res->ok;
	a->status = res->http_status;
	a->message = res->message ? xstrdup(res->message) : NULL;
	a->body = body;
}

static bool wait_answer(struct batch *b, struct answer *a)
{
	if (kube_run_until(b->loop, &a->done, CMD_TIMEOUT_MS) < 0) {
		fprintf(stderr, "error: no answer from %s within %d s\n",
			argocd_client_describe(b->ac), CMD_TIMEOUT_MS / 1000);
		return false;
	}
	if (!a->ok)
		fprintf(stderr, "error: %s\n", a->message ? a->message : "the request failed");
	return a->ok;
}

static void answer_clear(struct answer *a)
{
	free(a->message);
	json_decref(a->body);
	memset(a, 0, sizeof(*a));
}

/* ---- set-up ------------------------------------------------------------------------- */

static int batch_open(struct batch *b, const struct global_opts *g)
{
	char err[1024];
	if (argocd_config_resolve(g->platform, &b->cfg, err, sizeof err) < 0) {
		fprintf(stderr, "opsdeck: %s\n", err);
		return 2;
	}
	/* the kubeconfig is needed for core mode and to name clusters; optional otherwise */
	if (kubeconfig_load(g->kubeconfig, &b->kcfg, err, sizeof err) < 0 && !b->cfg.server) {
		fprintf(stderr, "opsdeck: %s\n", err);
		return 2;
	}
	char *path = config_default_path();
	b->config = path ? config_load(path, err, sizeof err) : config_new();
	free(path);
	if (!b->config) {
		fprintf(stderr, "opsdeck: %s\n", err);
		return 2;
	}
	b->loop = loop_new();
	b->http = http_new(b->loop);
	http_set_read_only(b->http, g->readonly);
	b->jobs = jobs_new(b->loop, 1);
	if (!b->cfg.server) {
		const char *name = b->cfg.core_context ? b->cfg.core_context : g->context;
		const struct kube_context *ctx = b->kcfg ? kubeconfig_context(b->kcfg, name) : NULL;
		if (!ctx) {
			fprintf(stderr, "opsdeck: Argo CD core mode needs a kubeconfig context%s%s\n",
				name ? ": no context " : "", name ? name : "");
			return 2;
		}
		b->core = kube_client_new(b->loop, b->http, b->jobs, ctx);
	}
	b->ac = argocd_client_new(b->loop, b->http, &b->cfg, b->core);
	action_gate_init(&b->gate, b->config, g->readonly);
	return 0;
}

static void batch_close(struct batch *b)
{
	argocd_client_free(b->ac);
	kube_client_free(b->core);
	jobs_free(b->jobs);
	http_free(b->http);
	loop_free(b->loop);
	config_free(b->config);
	kubeconfig_free(b->kcfg);
	argocd_config_clear(&b->cfg);
	if (b->sink_ready)
		audit_sink_free(&b->sink);
	free(b->argocd_user);
}

/* ---- opsdeck apps ---------------------------------------------------------------------- */

static int cmd_apps(struct batch *b, int argc, char **argv)
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
	struct answer a = {0};
	argocd_list_apps(b->ac, on_answer, &a);
	if (!wait_answer(b, &a)) {
		answer_clear(&a);
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
	answer_clear(&a);
	return 0;
}

/* ---- the gate, for sync and rollback ------------------------------------------------- */

/* The kubeconfig context of an app's destination: its name, else the context whose
 * server is the destination's URL, else the URL's last path part. */
static char *destination_context(const struct batch *b, const json_t *app)
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

static void learn_argocd_user(struct batch *b)
{
	if (argocd_client_core_mode(b->ac))
		return;
	struct answer a = {0};
	argocd_whoami(b->ac, on_answer, &a);
	if (kube_run_until(b->loop, &a.done, CMD_TIMEOUT_MS) == 0 && a.ok) {
		const char *u = json_string_value(json_object_get(a.body, "username"));
		b->argocd_user = u ? xstrdup(u) : NULL;
	}
	answer_clear(&a);
}

/* Checks a, records its intent; returns 0 to go on, 1 when refused (printed). */
static int gate_begin(struct batch *b, const struct action *a, const char *confirm)
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
	learn_argocd_user(b);
	struct audit_identity who = {audit_os_user(), NULL, b->argocd_user};
	if (audit_sink_init(&b->sink, NULL, &who) < 0) {
		fprintf(stderr, "error: no place for the audit log (set XDG_STATE_HOME or HOME)\n");
		return 1;
	}
	b->sink_ready = true;
	b->gate.audit = audit_gate_hook;
	b->gate.audit_ud = &b->sink;
	if (!action_gate_begin(&b->gate, a, why, sizeof why) || b->sink.failures) {
		fprintf(stderr, "error: refused: %s\n", b->sink.failures ? b->sink.last_error : why);
		return 1;
	}
	return 0;
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
static int wait_operation(struct batch *b, const char *name, const char *before_started,
			  long timeout_s)
{
	long long deadline = loop_now_ms() + timeout_s * 1000;
	while (loop_now_ms() < deadline) {
		struct answer a = {0};
		argocd_get_app(b->ac, name, on_answer, &a);
		if (!wait_answer(b, &a)) {
			answer_clear(&a);
			return 1;
		}
		const char *phase = operation_field(a.body, "phase");
		const char *started = operation_field(a.body, "startedAt");
		bool ours = started && (!before_started || strcmp(started, before_started) != 0);
		if (ours && phase_done(phase)) {
			const char *msg = operation_field(a.body, "message");
			printf("%s: operation %s%s%s\n", name, phase, msg ? ": " : "", msg ? msg : "");
			int rc = !strcmp(phase, "Succeeded") ? 0 : 1;
			answer_clear(&a);
			return rc;
		}
		answer_clear(&a);
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

static int start_operation(struct batch *b, struct op_args *o, enum action_kind kind,
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
		struct answer r = {0};
		if (kind == ACTION_SYNC)
			argocd_sync(b->ac, o->name, &so, on_answer, &r);
		else
			argocd_rollback(b->ac, o->name, o->id, false, false, on_answer, &r);
		bool ok = kube_run_until(b->loop, &r.done, CMD_TIMEOUT_MS) == 0 && r.ok;
		char *msg = action_gate_finish(&b->gate, &a, ok, r.done ? r.message : "no answer");
		fprintf(ok ? stdout : stderr, "%s%s\n", ok ? "" : "error: ", msg);
		free(msg);
		rc = ok ? 0 : 1;
		answer_clear(&r);
	}
	free(params);
	free(context);
	free((void *)so.resources);
	free(buf);
	return rc;
}

static int cmd_operation(struct batch *b, int argc, char **argv, enum action_kind kind)
{
	const char *cmd = kind == ACTION_SYNC ? "sync" : "rollback";
	struct op_args o = {.options = STRBUF_INIT};
	int rc = parse_op_args(argc, argv, kind == ACTION_SYNC, &o, cmd);
	if (rc) {
		strbuf_free(&o.options);
		return rc;
	}
	struct answer a = {0};
	argocd_get_app(b->ac, o.name, on_answer, &a);
	if (!wait_answer(b, &a)) {
		answer_clear(&a);
		strbuf_free(&o.options);
		return 1;
	}
	const char *started = operation_field(a.body, "startedAt");
	char *before = started ? xstrdup(started) : NULL;
	rc = start_operation(b, &o, kind, a.body);
	if (rc == 0 && o.wait)
		rc = wait_operation(b, o.name, before, o.timeout_s);
	free(before);
	answer_clear(&a);
	strbuf_free(&o.options);
	return rc;
}

int apps_command(const struct global_opts *g, const char *cmd, int argc, char **argv)
{
	struct batch b;
	memset(&b, 0, sizeof b);
	int rc = batch_open(&b, g);
	if (rc == 0) {
		if (!strcmp(cmd, "apps"))
			rc = cmd_apps(&b, argc, argv);
		else if (!strcmp(cmd, "sync"))
			rc = cmd_operation(&b, argc, argv, ACTION_SYNC);
		else
			rc = cmd_operation(&b, argc, argv, ACTION_ROLLBACK);
	}
	batch_close(&b);
	return rc;
}
