/* opsdeck promote | board: a GitOps promotion planned, confirmed, landed, synced and
 * followed to Healthy (or Degraded, with the way back), a revert of one, and the
 * environment board, for scripts. Same gate and audit log as the console. */
#include "views/promote_cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/argocd.h"
#include "clients/promote.h"
#include "core/actions.h"
#include "core/board.h"
#include "core/platform.h"
#include "core/table_print.h"
#include "core/xalloc.h"
#include "views/argocd_batch.h"
#include "views/findings_cmd.h"
#include "views/findings_model.h"
#include "views/promote_text.h"

enum { WAIT_POLL_MS = 1000, WAIT_DEFAULT_S = 300, DEGRADED_FOR_MS = 10000 };

/* Everything a command needs, made once: the Argo CD batch set-up, and the platform
 * model completed from the apps list (which is kept). */
struct batch {
	struct argocd_batch base;
	struct platform *platform;
	json_t *apps;             /* the Argo CD list, {"items": [...]} */
	struct promote_remote remote;
	bool remote_ready;
};

/* ---- set-up ------------------------------------------------------------------------- */

/* Argo CD, config.yaml, platform.yaml (completed from the apps list, which is kept). */
static int batch_open(struct batch *b, const struct global_opts *g)
{
	char err[1024];
	int rc = argocd_batch_open(&b->base, g);
	if (rc)
		return rc;
	if (g->platform && platform_load(g->platform, &b->platform, err, sizeof err) < 0) {
		fprintf(stderr, "opsdeck: %s\n", err);
		return 2;
	}
	if (!b->platform)
		b->platform = platform_new();
	struct argocd_answer a = {0};
	argocd_list_apps(b->base.ac, argocd_answer_done, &a);
	if (!argocd_batch_wait(&b->base, &a, false)) {
		argocd_answer_clear(&a);
		return 1;
	}
	b->apps = json_incref(a.body);
	argocd_answer_clear(&a);
	platform_derive(b->platform, b->apps);
	return 0;
}

static void batch_close(struct batch *b)
{
	argocd_batch_close(&b->base);
	platform_free(b->platform);
	json_decref(b->apps);
	if (b->remote_ready)
		promote_remote_clear(&b->remote);
}

static int batch_remote(struct batch *b)
{
	char err[512];
	if (promote_remote_init(&b->remote, b->platform, err, sizeof err) < 0) {
		fprintf(stderr, "opsdeck: %s\n", err);
		return 2;
	}
	b->remote_ready = true;
	return 0;
}

/* ---- arguments ------------------------------------------------------------------------ */

struct promote_args {
	const char *service, *from, *to, *revert, *confirm;
	bool dry_run, yes, wait;
	long timeout_s;
};

static int parse_args(int argc, char **argv, struct promote_args *o)
{
	o->timeout_s = WAIT_DEFAULT_S;
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		bool takes = !strcmp(w, "--from") || !strcmp(w, "--to") || !strcmp(w, "--confirm") ||
			     !strcmp(w, "--timeout") || !strcmp(w, "--revert");
		if (takes && i + 1 >= argc) {
			fprintf(stderr, "opsdeck promote: %s needs a value\n", w);
			return 2;
		}
		if (!strcmp(w, "--from"))
			o->from = argv[++i];
		else if (!strcmp(w, "--to"))
			o->to = argv[++i];
		else if (!strcmp(w, "--confirm"))
			o->confirm = argv[++i];
		else if (!strcmp(w, "--revert"))
			o->revert = argv[++i];
		else if (!strcmp(w, "--timeout")) {
			char *end;
			errno = 0;
			o->timeout_s = strtol(argv[++i], &end, 10);
			if (errno || *end || o->timeout_s <= 0) {
				fprintf(stderr, "opsdeck promote: --timeout wants seconds\n");
				return 2;
			}
		} else if (!strcmp(w, "--dry-run"))
			o->dry_run = true;
		else if (!strcmp(w, "--yes") || !strcmp(w, "-y"))
			o->yes = true;
		else if (!strcmp(w, "--wait"))
			o->wait = true;
		else if (!o->service && w[0] != '-')
			o->service = w;
		else {
			fprintf(stderr, "opsdeck promote: unknown argument \"%s\"\n", w);
			return 2;
		}
	}
	if (o->revert ? (o->service || o->from || o->to)
		      : (!o->service || !o->from || !o->to)) {
		fprintf(stderr, "usage: opsdeck promote SERVICE --from ENV --to ENV [--dry-run] "
				"[--yes] [--confirm APP] [--wait] [--timeout S]\n"
				"       opsdeck promote --revert SHA [--yes] [--confirm APP] [--wait]\n");
		return 2;
	}
	return 0;
}

/* ---- the plan, printed ---------------------------------------------------------------- */

static void print_plan(const struct promote_plan *pl)
{
	struct strbuf sb = STRBUF_INIT;
	promote_text_plan(&sb, pl);
	fputs(strbuf_str(&sb), stdout);
	strbuf_free(&sb);
	fflush(stdout);
}

/* ---- the gate ---------------------------------------------------------------------------- */

/* The platform's protection of the target on top of config.yaml's: readonly refuses,
 * typed wants --confirm APP, confirm wants --yes (or --confirm APP). 0 to go on. */
static int gate_confirmed(struct batch *b, const struct action *a, const char *env,
			  enum platform_protection prot, const struct promote_args *o)
{
	char why[512] = "";
	enum action_verdict v = action_gate_check(&b->base.gate, a, why, sizeof why);
	if (v == ACTION_REFUSED || prot == PLATFORM_PROTECT_READONLY) {
		fprintf(stderr, "error: %s %s refused: %s\n", action_kind_verb(a->kind),
			a->target.name, v == ACTION_REFUSED ? why
			: "the environment is read-only (platform.yaml protection: readonly)");
		return 1;
	}
	bool typed = v == ACTION_CONFIRM_TYPED || prot == PLATFORM_PROTECT_TYPED;
	bool named = o->confirm && action_confirmation_ok(ACTION_CONFIRM_TYPED, a, o->confirm);
	if (o->confirm && !named) {
		fprintf(stderr, "error: --confirm %s does not name %s\n", o->confirm, a->target.name);
		return 1;
	}
	if (typed && !named) {
		char *hint = action_describe_typed_hint(a);
		fprintf(stderr, "error: %s; on the command line: --confirm %s\n", hint, a->target.name);
		free(hint);
		return 1;
	}
	if (prot == PLATFORM_PROTECT_CONFIRM && !named && !o->yes) {
		fprintf(stderr, "error: %s asks for confirmation: add --yes (or --confirm %s)\n",
			env, a->target.name);
		return 1;
	}
	return 0;
}

/* Confirmation, then the intent in the audit log. 0 to go on, 1 refused (printed). */
static int gate_begin(struct batch *b, const struct action *a, const char *env,
		      enum platform_protection prot, const struct promote_args *o)
{
	int rc = gate_confirmed(b, a, env, prot, o);
	return rc ? rc : argocd_batch_begin(&b->base, a);
}

static char *params_json(json_t *obj /* stolen */)
{
	char *s = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(obj);
	return s;
}

/* ---- after the push: refresh, sync, follow --------------------------------------------- */

static const char *app_field(const json_t *app, const char *section, const char *key)
{
	const json_t *s = json_object_get(json_object_get(app, "status"), section);
	const char *v = json_string_value(json_object_get(s, key));
	return v ? v : "";
}

/* Refresh so Argo CD sees the new commit, then sync. A sync refused because one is
 * already running (auto-sync got there first) is fine: --wait follows that one. */
static int refresh_and_sync(struct batch *b, const char *app)
{
	struct argocd_answer a = {0};
	argocd_refresh(b->base.ac, app, false, argocd_answer_done, &a);
	bool ok = argocd_batch_wait(&b->base, &a, false);
	argocd_answer_clear(&a);
	if (!ok)
		return 1;
	struct argocd_sync_options so = {0};
	argocd_sync(b->base.ac, app, &so, argocd_answer_done, &a);
	ok = argocd_batch_wait(&b->base, &a, true);
	if (!ok && a.message && strstr(a.message, "already in progress"))
		ok = true;
	else if (!ok)
		fprintf(stderr, "error: sync %s: %s\n", app, a.message ? a.message : "failed");
	else
		printf("Syncing %s\n", app);
	argocd_answer_clear(&a);
	return ok ? 0 : 1;
}

/* Polls app until it runs tag Synced and Healthy (0) or goes Degraded or its operation
 * fails (1); image and service pick the tag out of the app's images. */
static int wait_healthy(struct batch *b, const char *app, const char *image,
			const char *service, const char *tag, long timeout_s)
{
	long long deadline = loop_now_ms() + timeout_s * 1000;
	long long degraded_since = 0;
	while (loop_now_ms() < deadline) {
		struct argocd_answer a = {0};
		argocd_get_app(b->base.ac, app, argocd_answer_done, &a);
		if (!argocd_batch_wait(&b->base, &a, false)) {
			argocd_answer_clear(&a);
			return 1;
		}
		char *version = promote_app_version(a.body, image, service);
		const char *sync = app_field(a.body, "sync", "status");
		const char *health = app_field(a.body, "health", "status");
		const char *phase = json_string_value(json_object_get(json_object_get(
			json_object_get(a.body, "status"), "operationState"), "phase"));
		bool ours = !strcmp(version, tag);
		int rc = -1;
		if (ours && !strcmp(sync, "Synced") && !strcmp(health, "Healthy"))
			rc = 0;
		else if (ours && phase && (!strcmp(phase, "Failed") || !strcmp(phase, "Error")))
			rc = 1;
		else if (ours && !strcmp(health, "Degraded")) {
			/* a rollout passes through Degraded while the pods it replaces
			 * crash on their way out: only a lasting Degraded is a verdict */
			if (!degraded_since)
				degraded_since = loop_now_ms();
			else if (loop_now_ms() - degraded_since >= DEGRADED_FOR_MS)
				rc = 1;
		} else {
			degraded_since = 0;
		}
		if (rc >= 0)
			printf("%s: %s, %s, running %s\n", app, sync, health, version);
		free(version);
		argocd_answer_clear(&a);
		if (rc >= 0)
			return rc;
		bool never = false;
		kube_run_until(b->base.loop, &never, WAIT_POLL_MS);
	}
	fprintf(stderr, "error: %s did not reach %s Synced and Healthy within %ld s\n", app, tag,
		timeout_s);
	return 1;
}

/* ---- opsdeck promote SERVICE --from --to ------------------------------------------------ */

/* The gate's action for the plan; parameters set by the caller. */
static struct action plan_action(const struct promote_plan *pl, const char *detail)
{
	struct action a = {.kind = ACTION_PROMOTE, .detail = detail};
	a.target = (struct action_target){.context = pl->to_cluster, .cluster = pl->to_cluster,
					  .namespace = pl->to_namespace, .kind = "Application",
					  .name = pl->to_app};
	return a;
}

static json_t *plan_params(const struct promote_plan *pl, const char *commit)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s?}", "service", pl->service, "from",
			 pl->from_env, "to", pl->to_env, "tag", pl->tag, "commit", commit);
}

/* Gate, apply, audit; 0 with sha set when the commit landed. */
static int land(struct batch *b, const struct promote_plan *pl, const struct promote_args *o,
		char *sha)
{
	char *detail = xasprintf("to %s", pl->to_env);
	char *params = params_json(plan_params(pl, NULL));
	struct action a = plan_action(pl, detail);
	a.parameters = params;
	int rc = gate_begin(b, &a, pl->to_env, pl->protection, o);
	if (rc == 0) {
		struct promote_who who;
		char err[1024] = "";
		promote_who_init(&who);
		bool ok = promote_apply(pl, &b->remote.r, &who.id, sha, err, sizeof err) == 0 && *sha;
		promote_who_clear(&who);
		char *done = params_json(plan_params(pl, ok ? sha : NULL));
		a.parameters = done;
		char *msg = action_gate_finish(&b->base.gate, &a, ok, *err ? err : "nothing to commit");
		fprintf(ok ? stdout : stderr, "%s%s%s%s\n", ok ? "" : "error: ", msg,
			ok ? ": commit " : "", ok ? sha : "");
		free(msg);
		free(done);
		rc = ok ? 0 : 1;
	}
	free(params);
	free(detail);
	return rc;
}

/* The NO_CRITICAL gate: the findings of the source environment's cluster, read now. */
static void gate_findings(struct batch *b, struct promote_plan *pl)
{
	const struct platform_env *from = platform_env_find(b->platform, pl->from_env);
	char err[1024] = "no kubeconfig to read the findings with";
	struct findings *set = NULL;
	if (b->base.kcfg) {
		struct findings_batch_env env = {b->base.loop, b->base.http, b->base.jobs,
						 b->base.kcfg, NULL};
		set = findings_batch_read(&env, b->platform, from ? from->cluster : NULL,
					  ARGOCD_BATCH_TIMEOUT_MS, err, sizeof err);
	}
	unsigned counts[FINDING_SEVERITY_COUNT];
	findings_service_counts(set, pl->service, pl->from_env, counts);
	promote_plan_gate_findings(pl, b->platform, set ? (long)counts[FINDING_CRITICAL] : -1,
				   err);
	if (set) {
		findings_free(set);
		free(set);
	}
}

static int cmd_promote(struct batch *b, const struct promote_args *o)
{
	struct promote_plan pl;
	char err[1024];
	if (promote_plan_build(b->platform, b->apps, &b->remote.r, o->service, o->from, o->to,
			       (long long)time(NULL), &pl, err, sizeof err) < 0) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	gate_findings(b, &pl);
	print_plan(&pl);
	int rc = pl.blocked ? 1 : 0;
	for (int i = 0; pl.blocked && i < PROMOTE_GATE_COUNT; i++)
		if (!pl.gates[i].ok)
			fprintf(stderr, "\nerror: blocked: %s: %s", pl.gates[i].name,
				pl.gates[i].detail ? pl.gates[i].detail : "");
	if (pl.blocked)
		fprintf(stderr, "\nerror: the promotion is blocked by its gates; nothing changed\n");
	if (rc || o->dry_run) {
		promote_plan_clear(&pl);
		return rc;
	}
	char sha[41] = "";
	printf("\n");
	rc = land(b, &pl, o, sha);
	if (rc == 0)
		rc = refresh_and_sync(b, pl.to_app);
	if (rc == 0 && o->wait) {
		rc = wait_healthy(b, pl.to_app, pl.image, pl.service, pl.tag, o->timeout_s);
		if (rc)
			fprintf(stderr, "%s did not come up healthy on %s. To go back:\n"
					"  opsdeck promote --revert %.12s --wait\n",
				pl.to_app, pl.tag, sha);
	}
	promote_plan_clear(&pl);
	return rc;
}

/* ---- opsdeck promote --revert SHA ------------------------------------------------------- */

static int revert_landed(struct batch *b, const struct promote_commit_info *ci,
			 const char *app, const struct promote_args *o, char *new_sha)
{
	const struct platform_env *env = platform_env_find(b->platform, ci->promoted_to);
	const json_t *live = promote_find_app(b->apps, app);
	const char *ns = json_string_value(json_object_get(json_object_get(live, "metadata"),
							   "namespace"));
	const char *cluster = env && env->cluster ? env->cluster : "";
	char *params = params_json(json_pack("{s:s, s:s, s:s}", "service", ci->service, "to",
					     ci->promoted_to, "revert", ci->sha));
	struct action a = {.kind = ACTION_ROLLBACK, .parameters = params};
	a.target = (struct action_target){.context = cluster, .cluster = cluster, .namespace = ns,
					  .kind = "Application", .name = app};
	int rc = gate_begin(b, &a, ci->promoted_to, env ? env->protection : PLATFORM_PROTECT_NONE,
			    o);
	if (rc == 0) {
		struct promote_who who;
		char err[1024] = "";
		promote_who_init(&who);
		bool ok = promote_revert(&b->remote.r, &who.id, ci->sha, new_sha, err, sizeof err) == 0 &&
			  *new_sha;
		promote_who_clear(&who);
		char *done = params_json(json_pack("{s:s, s:s, s:s, s:s?}", "service", ci->service,
						   "to", ci->promoted_to, "revert", ci->sha,
						   "commit", ok ? new_sha : NULL));
		a.parameters = done;
		char *msg = action_gate_finish(&b->base.gate, &a, ok, *err ? err : "nothing to revert");
		fprintf(ok ? stdout : stderr, "%s%s: reverted %.12s%s%s\n", ok ? "" : "error: ", msg,
			ci->sha, ok ? " with commit " : "", ok ? new_sha : "");
		free(msg);
		free(done);
		rc = ok ? 0 : 1;
	}
	free(params);
	return rc;
}

static int cmd_revert(struct batch *b, const struct promote_args *o)
{
	struct promote_commit_info ci;
	char err[1024];
	if (promote_commit_info(&b->remote.r, o->revert, &ci, err, sizeof err) < 0) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	if (!*ci.promoted_to || !*ci.service) {
		fprintf(stderr, "error: commit %.12s is not a promotion (no Promoted-To trailer)\n",
			ci.sha);
		promote_commit_info_clear(&ci);
		return 1;
	}
	char *app = platform_app_name(b->platform, ci.service, ci.promoted_to);
	printf("Revert %.12s \"%s\" (%s in %s, application %s)\n", ci.sha, ci.subject, ci.service,
	       ci.promoted_to, app);
	char new_sha[41] = "";
	int rc = revert_landed(b, &ci, app, o, new_sha);
	if (rc == 0)
		rc = refresh_and_sync(b, app);
	char *tag = NULL;
	if (rc == 0 && o->wait) {
		tag = promote_current_tag(b->platform, &b->remote.r, ci.service, ci.promoted_to, err,
					  sizeof err);
		if (!tag)
			fprintf(stderr, "error: %s\n", err);
		const struct platform_service *s = platform_service_find(b->platform, ci.service);
		rc = tag ? wait_healthy(b, app, s ? s->image : NULL, ci.service, tag, o->timeout_s) : 1;
	}
	free(tag);
	free(app);
	promote_commit_info_clear(&ci);
	return rc;
}

/* ---- opsdeck board ----------------------------------------------------------------------- */

static const char *const state_names[] = {
	[BOARD_EMPTY] = "", [BOARD_OK] = "ok", [BOARD_PROGRESSING] = "progressing",
	[BOARD_OUT_OF_SYNC] = "out-of-sync", [BOARD_DEGRADED] = "degraded",
	[BOARD_UNKNOWN] = "unknown",
};

static void board_print_json(const struct board *bd)
{
	json_t *rows = json_array();
	for (size_t r = 0; r < bd->nrows; r++) {
		const struct board_row *row = &bd->rows[r];
		json_t *envs = json_object();
		for (size_t e = 0; e < bd->nenvs; e++) {
			const struct board_cell *c = &row->cells[e];
			if (c->state == BOARD_EMPTY && !c->app)
				continue;
			json_object_set_new(envs, bd->envs[e], json_pack(
				"{s:s, s:s?, s:s?, s:s, s:s?, s:b}", "version", c->version ? c->version : "",
				"app", c->app, "cluster", c->cluster, "state", state_names[c->state],
				"deployed", c->deployed, "drift", c->drift));
		}
		json_array_append_new(rows, json_pack("{s:s, s:s?, s:o}", "service", row->service,
						      "tenant", row->tenant, "environments", envs));
	}
	json_dumpf(rows, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(rows);
}

static int cmd_board(struct batch *b, int argc, char **argv)
{
	bool json = false;
	for (int i = 0; i < argc; i++) {
		const char *o = !strcmp(argv[i], "-o") && i + 1 < argc ? argv[++i]
				: !strncmp(argv[i], "-o", 2) ? argv[i] + 2
				: !strncmp(argv[i], "--output=", 9) ? argv[i] + 9 : NULL;
		if (!o || (strcmp(o, "table") && strcmp(o, "json"))) {
			fprintf(stderr, "opsdeck board: unknown argument \"%s\" (use -o table|json)\n", argv[i]);
			return 2;
		}
		json = !strcmp(o, "json");
	}
	struct table *t = argocd_apps_table(b->apps, (long long)time(NULL));
	size_t n = b->platform->nenvs;
	const char **order = xcalloc(n ? n : 1, sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = b->platform->envs[i].name;
	struct board *bd = board_build(t, n ? order : NULL, n);
	if (json) {
		board_print_json(bd);
	} else if (bd->nrows == 0) {
		fprintf(stderr, "No applications found.\n");
	} else {
		/* ASCII marks: batch output goes to logs and pipes */
		struct board_marks marks = {"+", "~", "*", "!", "^"};
		struct table *bt = board_table(bd, &marks);
		struct table_print_opts po = {0};
		table_print_text(stdout, bt, &po);
		table_free(bt);
	}
	board_free(bd);
	free(order);
	table_free(t);
	return 0;
}

int promote_command(const struct global_opts *g, const char *cmd, int argc, char **argv)
{
	struct batch b;
	memset(&b, 0, sizeof b);
	struct promote_args o = {0};
	bool board = !strcmp(cmd, "board");
	int rc = board ? 0 : parse_args(argc, argv, &o);
	if (rc == 0)
		rc = batch_open(&b, g);
	if (rc == 0 && board)
		rc = cmd_board(&b, argc, argv);
	else if (rc == 0 && (rc = batch_remote(&b)) == 0)
		rc = o.revert ? cmd_revert(&b, &o) : cmd_promote(&b, &o);
	batch_close(&b);
	return rc;
}
