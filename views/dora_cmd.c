/* opsdeck dora (views/dora_cmd.h): the data gathered from Argo CD, the GitOps repository,
 * the timeline and Prometheus's alerts, scored by core/dora, printed as a table, JSON, CSV or Markdown. */
#include "views/dora_cmd.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/dora_alerts.h"
#include "clients/dora_data.h"
#include "clients/gitops_history.h"
#include "core/csv.h"
#include "core/dora_thresholds.h"
#include "core/platform.h"
#include "core/strbuf.h"
#include "core/timeline.h"
#include "views/argocd_batch.h"
#include "views/dora_gather.h"
#include "views/timeline_cmd.h"

struct dora_args {
	const char *service, *tenant, *env, *format, *by;
	long long window, until;
};

static int usage_error(const char *what)
{
	fprintf(stderr, "opsdeck dora: %s\nusage: opsdeck dora [--service S | --tenant T] "
		"[--env E|all] [--window 30d] [--by service|tenant|env] [--until TIME] "
		"[-o table|json|csv|md]\n", what);
	return 2;
}

static int parse_args(int argc, char **argv, struct dora_args *o)
{
	*o = (struct dora_args){.env = "prd", .format = "table", .by = NULL,
				.window = 30 * 86400LL, .until = (long long)time(NULL)};
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		if (w[0] != '-' || i + 1 >= argc)
			return usage_error(w[0] == '-' ? "a flag needs a value" : "unexpected argument");
		const char *v = argv[++i];
		if (!strcmp(w, "--service"))
			o->service = v;
		else if (!strcmp(w, "--tenant"))
			o->tenant = v;
		else if (!strcmp(w, "--env"))
			o->env = v;
		else if (!strcmp(w, "--by"))
			o->by = v;
		else if (!strcmp(w, "-o") || !strcmp(w, "--output"))
			o->format = v;
		else if (!strcmp(w, "--window")) {
			o->window = timeline_parse_duration(v);
			if (o->window <= 0)
				return usage_error("--window takes a duration like 30d, 12h or 90d");
		} else if (!strcmp(w, "--until")) {
			o->until = timeline_parse_time(v);
			if (o->until < 0)
				return usage_error("--until takes a time like 2026-11-20T16:00:00Z");
		} else
			return usage_error("unknown flag");
	}
	if (o->service && o->tenant)
		return usage_error("--service and --tenant exclude each other");
	static const char *const formats[] = {"table", "json", "csv", "md"};
	bool known = false;
	for (size_t k = 0; k < 4; k++)
		known |= !strcmp(o->format, formats[k]);
	if (!known)
		return usage_error("-o is table, json, csv or md");
	if (o->by && strcmp(o->by, "service") && strcmp(o->by, "tenant") && strcmp(o->by, "env"))
		return usage_error("--by is service, tenant or env");
	return 0;
}

/* ---- printing ---------------------------------------------------------------------------- */

static const char *group_word(enum dora_group_by by)
{
	return by == DORA_BY_SERVICE ? "service" : by == DORA_BY_TENANT ? "tenant" : "environment";
}

static void time_text(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "1.2/week high", or "n/a". */
static void cell(const struct dora_card *c, int m, char *buf, size_t len)
{
	char v[48];
	dora_format_value((enum dora_metric)m, &c->metric[m], v, sizeof v);
	if (c->metric[m].known && c->metric[m].level != DORA_LEVEL_NONE)
		snprintf(buf, len, "%s %s", v, dora_level_name(c->metric[m].level));
	else
		snprintf(buf, len, "%s", v);
}

static void print_table(FILE *out, const struct dora_report *r, const struct dora_query *q)
{
	bool svc = q->by == DORA_BY_SERVICE;
	char head[32];
	snprintf(head, sizeof head, "%s", group_word(q->by));
	for (char *p = head; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	fprintf(out, "%-16s %s%-8s %-18s %-14s %-18s %-14s %-11s\n", head, svc ? "TENANT       " : "",
		"DEPLOYS", "DEPLOY FREQUENCY", "LEAD TIME", "CHANGE FAIL RATE", "RECOVERY TIME",
		"REWORK RATE");
	for (size_t k = 0; k < r->ncards; k++) {
		const struct dora_card *c = &r->cards[k];
		char cells[DORA_METRIC_COUNT][64];
		for (int m = 0; m < DORA_METRIC_COUNT; m++)
			cell(c, m, cells[m], sizeof cells[m]);
		fprintf(out, "%-16s ", c->group);
		if (svc)
			fprintf(out, "%-12s ", c->tenant);
		fprintf(out, "%-8zu %-18s %-14s %-18s %-14s %-11s\n", c->ndeploys, cells[0], cells[1],
			cells[2], cells[3], cells[4]);
	}
}

static json_t *value_json(const struct dora_value *v)
{
	return v->known ? json_real(v->value) : json_null();
}

static json_t *card_json(const struct dora_report *r, const struct dora_card *c,
			 const struct dora_query *q)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I}", group_word(q->by),
			      c->group, "tenant", c->tenant, "environment", q->env ? q->env : "all",
			      "deployments", (json_int_t)c->ndeploys, "failed", (json_int_t)c->nfailed,
			      "rework", (json_int_t)c->nrework, "incidents",
			      (json_int_t)c->nincidents, "open_incidents", (json_int_t)c->nopen);
	json_t *metrics = json_object();
	for (int m = 0; m < DORA_METRIC_COUNT; m++) {
		char text[48];
		dora_format_value((enum dora_metric)m, &c->metric[m], text, sizeof text);
		json_t *weekly = json_array();
		for (size_t w = 0; w < r->nweeks; w++)
			json_array_append_new(weekly, value_json(&c->weekly[m][w]));
		json_object_set_new(metrics, dora_metric_key((enum dora_metric)m),
				    json_pack("{s:o, s:s, s:s, s:o}", "value",
					      value_json(&c->metric[m]), "display", text, "level",
					      dora_level_name(c->metric[m].level), "weekly", weekly));
	}
	json_object_set_new(o, "metrics", metrics);
	return o;
}

static void print_json(FILE *out, const struct dora_report *r, const struct dora_query *q,
		       const struct dora_thresholds *t)
{
	char from[32], to[32];
	time_text(r->from, from, sizeof from);
	time_text(r->to, to, sizeof to);
	json_t *rows = json_array();
	for (size_t k = 0; k < r->ncards; k++)
		json_array_append_new(rows, card_json(r, &r->cards[k], q));
	json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s?, s:o}", "from", from, "to", to,
				"by", group_word(q->by), "environment", q->env ? q->env : "all",
				"weeks", (json_int_t)r->nweeks, "thresholds_source",
				t ? t->source : NULL, "rows", rows);
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	fprintf(out, "%s\n", text);
	free(text);
	json_decref(doc);
}

static void print_csv(FILE *out, const struct dora_report *r, const struct dora_query *q)
{
	static const char *const units[] = {"per_day", "seconds", "percent", "seconds", "percent"};
	fprintf(out, "%s,tenant,environment,deployments,failed,rework,incidents", group_word(q->by));
	for (int m = 0; m < DORA_METRIC_COUNT; m++)
		fprintf(out, ",%s_%s,%s_level", dora_metric_key((enum dora_metric)m), units[m],
			dora_metric_key((enum dora_metric)m));
	fputc('\n', out);
	for (size_t k = 0; k < r->ncards; k++) {
		const struct dora_card *c = &r->cards[k];
		char num[64];
		csv_put(out, c->group);
		fputc(',', out);
		csv_put(out, c->tenant);
		fputc(',', out);
		csv_put(out, q->env ? q->env : "all");
		fputc(',', out);
		fprintf(out, "%zu,%zu,%zu,%zu", c->ndeploys, c->nfailed, c->nrework, c->nincidents);
		for (int m = 0; m < DORA_METRIC_COUNT; m++) {
			snprintf(num, sizeof num, "%.6g", c->metric[m].value);
			fprintf(out, ",%s,%s", c->metric[m].known ? num : "",
				dora_level_name(c->metric[m].level));
		}
		fputc('\n', out);
	}
}

static void print_md(FILE *out, const struct dora_report *r, const struct dora_query *q,
		     const struct dora_thresholds *t)
{
	char from[32], to[32];
	time_text(r->from, from, sizeof from);
	time_text(r->to, to, sizeof to);
	fprintf(out, "## DORA scorecard: %s, %.10s to %.10s\n\n", q->env ? q->env : "all environments",
		from, to);
	const char *g = group_word(q->by);
	fprintf(out, "| %c%s |%s Deployments | Deploy frequency | Lead time | Change fail rate | "
		"Recovery time | Rework rate |\n", g[0] - 32, g + 1,
		q->by == DORA_BY_SERVICE ? " Tenant |" : "");
	fprintf(out, "|---|%s---:|---|---|---|---|---|\n", q->by == DORA_BY_SERVICE ? "---|" : "");
	for (size_t k = 0; k < r->ncards; k++) {
		const struct dora_card *c = &r->cards[k];
		fprintf(out, "| %s |", c->group);
		if (q->by == DORA_BY_SERVICE)
			fprintf(out, " %s |", c->tenant);
		fprintf(out, " %zu |", c->ndeploys);
		for (int m = 0; m < DORA_METRIC_COUNT; m++) {
			char v[48];
			dora_format_value((enum dora_metric)m, &c->metric[m], v, sizeof v);
			if (c->metric[m].level != DORA_LEVEL_NONE)
				fprintf(out, " %s (%s) |", v, dora_level_name(c->metric[m].level));
			else
				fprintf(out, " %s |", v);
		}
		fputc('\n', out);
	}
	fprintf(out, "\nLevels: %s. Lead time and recovery time are medians.\n",
		t && t->source ? t->source : "none");
}

void dora_print(FILE *out, const char *format, const struct dora_report *r,
		const struct dora_query *q, const struct dora_thresholds *t)
{
	if (!strcmp(format, "json"))
		print_json(out, r, q, t);
	else if (!strcmp(format, "csv"))
		print_csv(out, r, q);
	else if (!strcmp(format, "md"))
		print_md(out, r, q, t);
	else
		print_table(out, r, q);
}

/* ---- gathering ------------------------------------------------------------------------- */

/* The GitOps repository's history (nothing when platform.yaml names none). */
static int read_git(const struct platform *p, long long since,
		    struct gitops_history_commit **commits, size_t *n)
{
	char err[1024];
	struct dora_git_source src;
	if (dora_git_source_init(&src, p, err, sizeof err) < 0) {
		fprintf(stderr, "opsdeck dora: %s\n", err);
		return 2;
	}
	int rc = dora_git_read(&src, since, commits, n, err, sizeof err);
	dora_git_source_clear(&src);
	if (rc < 0) {
		fprintf(stderr, "opsdeck dora: %s\n", err);
		return 1;
	}
	return 0;
}

static void read_timeline(long long since, struct timeline_list *l)
{
	char err[512];
	if (dora_timeline_read(since, l, err, sizeof err) < 0)
		fprintf(stderr, "opsdeck dora: timeline skipped: %s\n", err);
}

/* Prometheus's alerts as incidents: none when it is not configured; unreachable, a note
 * and DORA goes on without them. */
static void read_alerts(const struct global_opts *g, const struct platform *p, long long from,
			long long to, struct dora_alerts *al)
{
	char err[1024];
	if (dora_prom_read(g->platform, p, from, to, al, err, sizeof err) < 0)
		fprintf(stderr, "opsdeck dora: Prometheus alerts skipped: %s\n", err);
}

/* Argo CD's apps, the platform model and the repository's history. */
static int gather(const struct global_opts *g, long long since, json_t **apps,
		  struct platform **p, struct gitops_history_commit **commits, size_t *ncommits)
{
	char err[1024];
	struct argocd_batch b;
	memset(&b, 0, sizeof b);
	int rc = argocd_batch_open(&b, g);
	if (!rc) {
		struct argocd_answer a = {0};
		argocd_list_apps(b.ac, argocd_answer_done, &a);
		if (argocd_batch_wait(&b, &a, false))
			*apps = json_incref(a.body);
		else
			rc = 1;
		argocd_answer_clear(&a);
	}
	argocd_batch_close(&b);
	if (rc)
		return rc;
	if (g->platform && platform_load(g->platform, p, err, sizeof err) < 0) {
		fprintf(stderr, "opsdeck dora: %s\n", err);
		return 2;
	}
	if (!*p)
		*p = platform_new();
	platform_derive(*p, *apps);
	return read_git(*p, since, commits, ncommits);
}

static enum dora_group_by group_by(const struct dora_args *o)
{
	if (o->by)
		return !strcmp(o->by, "tenant") ? DORA_BY_TENANT
		       : !strcmp(o->by, "env") ? DORA_BY_ENV : DORA_BY_SERVICE;
	return DORA_BY_SERVICE;
}

int dora_command(const struct global_opts *g, int argc, char **argv)
{
	struct dora_args o;
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	char err[1024];
	struct dora_thresholds t;
	memset(&t, 0, sizeof t);
	if (dora_thresholds_load(NULL, &t, err, sizeof err) < 0) {
		fprintf(stderr, "opsdeck dora: %s\n", err);
		dora_thresholds_clear(&t);
		return 2;
	}
	struct dora_query q = {.from = o.until - o.window, .to = o.until, .by = group_by(&o),
			       .env = strcmp(o.env, "all") ? o.env : NULL, .service = o.service,
			       .tenant = o.tenant};
	json_t *apps = NULL;
	struct platform *p = NULL;
	struct gitops_history_commit *commits = NULL;
	size_t ncommits = 0;
	rc = gather(g, q.from - DORA_GIT_LOOKBACK, &apps, &p, &commits, &ncommits);
	if (!rc) {
		struct timeline_list tl;
		read_timeline(q.from - DORA_TIMELINE_LOOKBACK, &tl);
		struct dora_alerts al;
		read_alerts(g, p, q.from - DORA_TIMELINE_LOOKBACK, q.to, &al);
		size_t nkept;
		struct timeline_entry *kept = dora_alerts_filter_timeline(
			&al, tl.items, tl.n, DORA_ALERTS_STEP_MS / 1000, &nkept);
		struct dora_sources src = {apps, commits, ncommits, p->gitops.path, kept, nkept};
		struct dora_data d;
		dora_data_build(&d, &src);
		dora_alerts_add(&d, &al);
		dora_alerts_free(&al);
		free(kept);
		struct dora_report r;
		dora_compute(d.deploys, d.ndeploys, d.incidents, d.nincidents, &q, &t, &r);
		dora_print(stdout, o.format, &r, &q, &t);
		dora_report_free(&r);
		dora_data_free(&d);
		timeline_list_free(&tl);
	}
	gitops_history_free(commits, ncommits);
	platform_free(p);
	json_decref(apps);
	dora_thresholds_clear(&t);
	return rc;
}
