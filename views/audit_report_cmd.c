/* opsdeck report audit (views/audit_report_cmd.h): the four sources read without a single
 * write reaching a server (HTTP is read-only here whatever the flags), merged by
 * core/audit_report and printed as a table, Markdown, JSON or CSV. */
#include "views/audit_report_cmd.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/dora_data.h"
#include "clients/http.h"
#include "core/audit.h"
#include "core/csv.h"
#include "core/platform.h"
#include "core/table.h"
#include "core/table_print.h"
#include "core/xalloc.h"
#include "views/argocd_batch.h"
#include "views/dora_gather.h"
#include "views/timeline_cmd.h"

#define DAY 86400LL

static const char report_usage[] =
	"usage: opsdeck report audit [--since 30d] [-o table|md|json|csv] [FILE]\n"
	"FILE is the audit log (default $XDG_STATE_HOME/opsdeck/audit.jsonl). Exit 1 when its\n"
	"chain is broken or it cannot be read; the report is printed all the same.\n";

static const char *const columns[] = {"Time", "Source", "Who", "What", "Context", "Target",
				      "Environment", "Detail"};
#define NCOLUMNS (sizeof columns / sizeof columns[0])

/* ---- sources --------------------------------------------------------------------------- */

void audit_report_add_commits(struct audit_report *r, const struct gitops_history_commit *c,
			      size_t n, const char *pattern)
{
	for (size_t i = 0; i < n; i++) {
		char env[128] = "", service[128] = "";
		for (size_t p = 0; p < c[i].npaths && !env[0]; p++)
			dora_path_match(pattern ? pattern : "envs/{env}/{service}", c[i].paths[p], env,
					sizeof env, service, sizeof service);
		struct audit_commit ac = {
			.sha = c[i].sha, .time = c[i].time, .subject = c[i].subject, .author = c[i].author,
			.env = env[0] ? env : NULL, .service = service[0] ? service : NULL,
			.promoted_from = c[i].promoted_from, .promoted_to = c[i].promoted_to,
			.source_revision = c[i].source_revision, .reverts = c[i].reverts,
		};
		audit_report_add_commit(r, &ac);
	}
}

/* ---- printing -------------------------------------------------------------------------- */

static void cells_of(const struct audit_row *row, char *when, size_t len, const char *out[])
{
	audit_report_time(row->time, when, len);
	const char *v[NCOLUMNS] = {when, audit_source_name(row->source), row->who, row->what,
				   row->context, row->target, row->env, row->detail};
	memcpy(out, v, sizeof v);
}

static const char *verdict_word(int verdict)
{
	return verdict == 0 ? "intact" : verdict == 1 ? "broken"
	       : verdict == -1 ? "unreadable" : "not checked";
}

void audit_report_chain_text(const struct audit_report *r, const char *path, char *buf,
			     size_t len)
{
	const struct audit_chain *ch = &r->chain;
	if (ch->verdict == 0 && ch->records == 0)
		snprintf(buf, len, "%s: intact (empty: no actions recorded)", path);
	else if (ch->verdict == 0)
		snprintf(buf, len, "%s: intact, %zu records, last hash %s", path, ch->records,
			 ch->last_hash);
	else
		snprintf(buf, len, "%s: chain %s: %s", path, ch->verdict == 1 ? "BROKEN"
			 : verdict_word(ch->verdict), ch->message);
}

static void print_table(FILE *out, const struct audit_report *r, const char *path)
{
	char chain[512];
	audit_report_chain_text(r, path, chain, sizeof chain);
	fprintf(out, "Audit log %s\n\n", chain);
	struct table *t = table_new();
	for (size_t c = 0; c < NCOLUMNS; c++)
		table_add_column(t, columns[c], "string", "", 0);
	for (size_t i = 0; i < r->n; i++) {
		char when[32], id[32];
		const char *cells[NCOLUMNS];
		cells_of(&r->rows[i], when, sizeof when, cells);
		struct table_row *row = table_add_row(t);
		for (size_t c = 0; c < NCOLUMNS; c++)
			table_set_cell(row, c, cells[c]);
		snprintf(id, sizeof id, "%zu", i);
		table_set_identity(row, "", id, id);
	}
	if (r->n) {
		struct table_print_opts o = {0};
		table_print_text(out, t, &o);
	} else {
		fputs("Nothing recorded in the period.\n", out);
	}
	table_free(t);
}

/* A Markdown cell: '|' escaped, line breaks as spaces, so a value cannot break the row. */
static void md_cell(FILE *out, const char *s)
{
	fputc(' ', out);
	for (; *s; s++) {
		if (*s == '|' || *s == '\\')
			fputc('\\', out);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, out);
	}
	fputs(" |", out);
}

static void print_md(FILE *out, const struct audit_report *r, const char *path)
{
	char since[32], now[32], chain[512];
	audit_report_time(r->since, since, sizeof since);
	audit_report_time((long long)time(NULL), now, sizeof now);
	audit_report_chain_text(r, path, chain, sizeof chain);
	fprintf(out, "## Audit report: %.10s to %.10s\n\n", r->since ? since : "the start", now);
	/* a broken chain is the first thing an auditor must see: in bold */
	const char *bold = r->chain.verdict == 0 ? "" : "**";
	fprintf(out, "%sAudit log %s%s\n\n", bold, chain, bold);
	fputc('|', out);
	for (size_t c = 0; c < NCOLUMNS; c++)
		md_cell(out, columns[c]);
	fputs("\n|", out);
	for (size_t c = 0; c < NCOLUMNS; c++)
		fputs("---|", out);
	fputc('\n', out);
	for (size_t i = 0; i < r->n; i++) {
		char when[32];
		const char *cells[NCOLUMNS];
		cells_of(&r->rows[i], when, sizeof when, cells);
		fputc('|', out);
		for (size_t c = 0; c < NCOLUMNS; c++)
			md_cell(out, cells[c]);
		fputc('\n', out);
	}
	fprintf(out, "\n%zu rows: actions from the audit log, Argo CD deployments, GitOps "
		"commits and timeline entries, newest first.\n", r->n);
}

static void print_json(FILE *out, const struct audit_report *r, const char *path)
{
	char since[32];
	audit_report_time(r->since, since, sizeof since);
	const struct audit_chain *ch = &r->chain;
	json_t *rows = json_array();
	for (size_t i = 0; i < r->n; i++) {
		char when[32], key[32];
		const char *cells[NCOLUMNS];
		cells_of(&r->rows[i], when, sizeof when, cells);
		json_t *o = json_object();
		for (size_t c = 0; c < NCOLUMNS; c++) {
			table_print_json_key(columns[c], key, sizeof key);
			json_object_set_new(o, key, json_string(cells[c]));
		}
		json_array_append_new(rows, o);
	}
	json_t *chain = json_pack("{s:s, s:s, s:I, s:s, s:s}", "file", path, "verdict",
				  verdict_word(ch->verdict), "records", (json_int_t)ch->records,
				  "last_hash", ch->last_hash, "message", ch->message);
	if (ch->verdict == 1)
		json_object_set_new(chain, "bad_line", json_integer((json_int_t)ch->bad_line));
	json_t *doc = json_pack("{s:s?, s:o, s:o}", "since", r->since ? since : NULL, "chain",
				chain, "rows", rows);
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fprintf(out, "%s\n", text ? text : "{}");
	free(text);
	json_decref(doc);
}

static void print_csv(FILE *out, const struct audit_report *r)
{
	char key[32];
	for (size_t c = 0; c < NCOLUMNS; c++) {
		table_print_json_key(columns[c], key, sizeof key);
		csv_put(out, key);
		fputs(c + 1 == NCOLUMNS ? "\r\n" : ",", out);
	}
	for (size_t i = 0; i < r->n; i++) {
		char when[32];
		const char *cells[NCOLUMNS];
		cells_of(&r->rows[i], when, sizeof when, cells);
		for (size_t c = 0; c < NCOLUMNS; c++) {
			csv_put(out, cells[c]);
			fputs(c + 1 == NCOLUMNS ? "\r\n" : ",", out);
		}
	}
}

void audit_report_print(FILE *out, const char *format, const struct audit_report *r,
			const char *path)
{
	if (!strcmp(format, "md"))
		print_md(out, r, path);
	else if (!strcmp(format, "json"))
		print_json(out, r, path);
	else if (!strcmp(format, "csv"))
		print_csv(out, r);
	else
		print_table(out, r, path);
}

/* ---- gathering ------------------------------------------------------------------------- */

struct report_args {
	const char *format, *file;
	long long since;
};

static int usage_error(const char *what)
{
	fprintf(stderr, "opsdeck report: %s\n%s", what, report_usage);
	return 2;
}

static int parse_args(int argc, char **argv, struct report_args *o)
{
	*o = (struct report_args){.format = "table", .since = (long long)time(NULL) - 30 * DAY};
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		const char *v = NULL;
		if (!strcmp(w, "-o") || !strcmp(w, "--output") || !strcmp(w, "--since")) {
			if (i + 1 >= argc)
				return usage_error("a flag needs a value");
			v = argv[++i];
		} else if (!strncmp(w, "--output=", 9) || !strncmp(w, "--since=", 8)) {
			v = strchr(w, '=') + 1;
		} else if (!strncmp(w, "-o", 2) && w[2]) {
			v = w + 2;
		} else if (w[0] == '-' && w[1]) {
			return usage_error("unknown flag");
		} else if (o->file) {
			return usage_error("at most one FILE");
		} else {
			o->file = w;
			continue;
		}
		if (!strncmp(w, "--since", 7)) {
			long long d = timeline_parse_duration(v);
			if (d <= 0)
				return usage_error("--since takes a duration like 30d, 12h or 90d");
			o->since = (long long)time(NULL) - d;
		} else {
			o->format = v;
		}
	}
	if (strcmp(o->format, "table") && strcmp(o->format, "md") && strcmp(o->format, "json") &&
	    strcmp(o->format, "csv"))
		return usage_error("-o is table, md, json or csv");
	return 0;
}

/* Argo CD's applications, listed read-only; NULL (with a note) when Argo CD cannot be
 * reached: the report goes on with the other sources. */
static json_t *read_apps(const struct global_opts *g)
{
	struct argocd_batch b;
	memset(&b, 0, sizeof b);
	json_t *apps = NULL;
	if (argocd_batch_open(&b, g) == 0) {
		http_set_read_only(b.http, true);   /* an auditor's report writes nothing */
		struct argocd_answer a = {0};
		argocd_list_apps(b.ac, argocd_answer_done, &a);
		if (argocd_batch_wait(&b, &a, false))
			apps = json_incref(a.body);
		argocd_answer_clear(&a);
	}
	argocd_batch_close(&b);
	if (!apps)
		fputs("opsdeck report: Argo CD history skipped\n", stderr);
	return apps;
}

/* The GitOps repository's commits since r->since (none when there is no repository). */
static void read_git(const struct platform *p, struct audit_report *r)
{
	char err[1024];
	struct dora_git_source src;
	struct gitops_history_commit *commits = NULL;
	size_t n = 0;
	if (dora_git_source_init(&src, p, err, sizeof err) < 0) {
		fprintf(stderr, "opsdeck report: GitOps history skipped: %s\n", err);
		return;
	}
	if (dora_git_read(&src, r->since, &commits, &n, err, sizeof err) < 0)
		fprintf(stderr, "opsdeck report: GitOps history skipped: %s\n", err);
	else
		audit_report_add_commits(r, commits, n, p->gitops.path);
	gitops_history_free(commits, n);
	dora_git_source_clear(&src);
}

static void gather(const struct global_opts *g, struct audit_report *r)
{
	char err[1024];
	json_t *apps = read_apps(g);
	if (apps)
		audit_report_add_argocd(r, apps);
	struct platform *p = NULL;
	if (g->platform && platform_load(g->platform, &p, err, sizeof err) < 0)
		fprintf(stderr, "opsdeck report: %s\n", err);
	if (!p)
		p = platform_new();
	if (apps)
		platform_derive(p, apps);
	read_git(p, r);
	platform_free(p);
	json_decref(apps);
	struct timeline_list tl;
	if (dora_timeline_read(r->since, &tl, err, sizeof err) < 0)
		fprintf(stderr, "opsdeck report: timeline skipped: %s\n", err);
	audit_report_add_timeline(r, tl.items, tl.n);
	timeline_list_free(&tl);
}

static int report_audit(const struct global_opts *g, int argc, char **argv)
{
	struct report_args o;
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	char *path = o.file ? xstrdup(o.file) : audit_default_path();
	if (!path) {
		fputs("opsdeck report: no FILE given and neither $XDG_STATE_HOME nor $HOME is set\n",
		      stderr);
		return 2;
	}
	struct audit_report r;
	audit_report_init(&r, o.since);
	char err[1024];
	if (audit_report_add_log(&r, path, err, sizeof err) < 0)
		fprintf(stderr, "opsdeck report: %s\n", err);
	gather(g, &r);
	audit_report_sort(&r);
	audit_report_print(stdout, o.format, &r, path);
	if (r.skipped)
		fprintf(stderr, "opsdeck report: %zu audit line(s) not JSON, skipped\n", r.skipped);
	if (r.chain.verdict != 0) {
		char chain[512];
		audit_report_chain_text(&r, path, chain, sizeof chain);
		fprintf(stderr, "opsdeck report: %s\n", chain);
	}
	rc = r.chain.verdict == 0 ? 0 : 1;
	audit_report_free(&r);
	free(path);
	return rc;
}

int report_command(const struct global_opts *g, int argc, char **argv)
{
	if (argc < 1) {
		fputs(report_usage, stderr);
		return 2;
	}
	if (!strcmp(argv[0], "audit"))
		return report_audit(g, argc - 1, argv + 1);
	if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help") || !strcmp(argv[0], "help")) {
		fputs(report_usage, stdout);
		return 0;
	}
	return usage_error("unknown report (only \"audit\")");
}
