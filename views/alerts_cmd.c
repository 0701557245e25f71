/* opsdeck alerts (alerts_cmd.h): asks Prometheus for its alerts once, keeps the firing
 * ones (and pending with --all), worst first, and prints them as a table or JSON. */
#include "views/alerts_cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/http.h"
#include "clients/kube.h"
#include "clients/prometheus.h"
#include "clients/prometheus_config.h"
#include "core/loop.h"
#include "core/table.h"
#include "core/table_print.h"
#include "core/xalloc.h"

#define ALERTS_TIMEOUT_MS 15000

struct alerts_answer {
	bool done;
	char *err;
	struct table *table;
	bool all;
	long long now_ms;
};

static const char *const columns[] = {"Alert",     "Severity",  "State",   "Service", "Environment",
				      "Namespace", "Cluster",   "Since",   "Summary"};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* kubectl's age: 45s, 12m, 5h, 3d. */
static void format_age(long long ms, char *buf, size_t len)
{
	long long s = ms > 0 ? ms / 1000 : 0;
	if (s < 120)
		snprintf(buf, len, "%llds", s);
	else if (s < 2 * 3600)
		snprintf(buf, len, "%lldm", s / 60);
	else if (s < 2 * 86400)
		snprintf(buf, len, "%lldh", s / 3600);
	else
		snprintf(buf, len, "%lldd", s / 86400);
}

static int severity_rank(const char *s)
{
	static const char *const order[] = {"critical", "error", "page", "warning", "info"};
	for (size_t i = 0; s && i < sizeof(order) / sizeof(order[0]); i++)
		if (!strcmp(s, order[i]))
			return (int)i;
	return 10;
}

static int str_cmp(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Firing before pending, then the worst severity, then by name and where. */
static int alert_cmp(const void *pa, const void *pb)
{
	const struct prom_alert *a = *(const struct prom_alert *const *)pa;
	const struct prom_alert *b = *(const struct prom_alert *const *)pb;
	if (a->state != b->state)
		return a->state > b->state ? -1 : 1;
	int ra = severity_rank(prom_labels_get(&a->labels, "severity"));
	int rb = severity_rank(prom_labels_get(&b->labels, "severity"));
	if (ra != rb)
		return ra - rb;
	static const char *const keys[] = {"alertname", "service", "environment", "namespace",
					   "cluster", "pod"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		int c = str_cmp(prom_labels_get(&a->labels, keys[i]),
				prom_labels_get(&b->labels, keys[i]));
		if (c)
			return c;
	}
	return 0;
}

static void add_row(struct table *t, const struct prom_alert *a, long long now_ms)
{
	struct table_row *row = table_add_row(t);
	const char *ns = prom_labels_get(&a->labels, "namespace");
	const char *name = prom_labels_get(&a->labels, "alertname");
	char since[32] = "";
	if (a->active_at_ms > 0)
		format_age(now_ms - a->active_at_ms, since, sizeof(since));
	const char *cells[NCOLUMNS] = {
		name,
		prom_labels_get(&a->labels, "severity"),
		a->state == PROM_ALERT_FIRING ? "firing" : "pending",
		prom_labels_get(&a->labels, "service"),
		prom_labels_get(&a->labels, "environment"),
		ns,
		prom_labels_get(&a->labels, "cluster"),
		since,
		prom_labels_get(&a->annotations, "summary"),
	};
	for (size_t c = 0; c < NCOLUMNS; c++)
		table_set_cell(row, c, cells[c] ? cells[c] : "");
	table_set_identity(row, ns, name, NULL);
}

/* The answer is valid only during the callback: the table is built here. */
static void on_alerts(void *ud, const char *err, const struct prom_alerts *alerts)
{
	struct alerts_answer *ans = ud;
	ans->done = true;
	if (err) {
		ans->err = xstrdup(err);
		return;
	}
	const struct prom_alert **keep = xcalloc(alerts->n + 1, sizeof(*keep));
	size_t n = 0;
	for (size_t i = 0; i < alerts->n; i++) {
		enum prom_alert_state s = alerts->items[i].state;
		if (s == PROM_ALERT_FIRING || (ans->all && s == PROM_ALERT_PENDING))
			keep[n++] = &alerts->items[i];
	}
	qsort(keep, n, sizeof(*keep), alert_cmp);
	for (size_t i = 0; i < n; i++)
		add_row(ans->table, keep[i], ans->now_ms);
	free(keep);
}

/* 0: fine; 2: bad arguments (printed). */
static int parse_args(int argc, char **argv, bool *json, bool *all)
{
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--all")) {
			*all = true;
			continue;
		}
		const char *o = !strcmp(argv[i], "-o") && i + 1 < argc ? argv[++i]
				: !strncmp(argv[i], "-o", 2) ? argv[i] + 2
				: !strncmp(argv[i], "--output=", 9) ? argv[i] + 9 : NULL;
		if (!o || (strcmp(o, "table") && strcmp(o, "json"))) {
			fprintf(stderr, "opsdeck alerts: unknown argument \"%s\" "
					"(use -o table|json, --all)\n", argv[i]);
			return 2;
		}
		*json = !strcmp(o, "json");
	}
	return 0;
}

static int fetch_and_print(const struct prom_config_owned *cfg, bool json, bool all)
{
	struct loop *loop = loop_new();
	struct http *http = http_new(loop);
	struct prom_config view = prom_config_view(cfg);
	struct prom_client *pc = prom_client_new(http, &view);
	struct alerts_answer ans = {.table = table_new(), .all = all,
				    .now_ms = (long long)time(NULL) * 1000};
	for (size_t c = 0; c < NCOLUMNS; c++)
		table_add_column(ans.table, columns[c], "string", c == 0 ? "name" : "", 0);
	int rc = 0;
	if (!prom_get_alerts(pc, on_alerts, &ans)) {
		fprintf(stderr, "opsdeck alerts: cannot ask %s\n", prom_client_url(pc));
		rc = 1;
	} else if (kube_run_until(loop, &ans.done, ALERTS_TIMEOUT_MS) < 0) {
		fprintf(stderr, "opsdeck alerts: no answer from Prometheus at %s within %d s\n",
			prom_client_url(pc), ALERTS_TIMEOUT_MS / 1000);
		rc = 1;
	} else if (ans.err) {
		fprintf(stderr, "opsdeck alerts: %s\n", ans.err);
		rc = 1;
	} else {
		struct table_print_opts po = {0};
		if (json)
			table_print_json(stdout, ans.table, &po);
		else if (ans.table->nrows == 0)
			fprintf(stderr, all ? "No alerts firing or pending.\n" : "No alerts firing.\n");
		else
			table_print_text(stdout, ans.table, &po);
	}
	free(ans.err);
	table_free(ans.table);
	prom_client_free(pc);
	http_free(http);
	loop_free(loop);
	return rc;
}

int alerts_command(const struct global_opts *g, int argc, char **argv)
{
	bool json = false, all = false;
	if (parse_args(argc, argv, &json, &all))
		return 2;
	struct prom_config_owned cfg;
	char err[1024];
	int rc = prom_config_resolve(g->platform, &cfg, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "opsdeck alerts: %s\n", err);
		return 2;
	}
	if (rc == 1) {
		fprintf(stderr, "opsdeck alerts: no Prometheus is configured: set prometheus.url in "
				"platform.yaml or OPSDECK_PROMETHEUS_URL\n");
		return 2;
	}
	rc = fetch_and_print(&cfg, json, all);
	prom_config_clear(&cfg);
	return rc;
}
