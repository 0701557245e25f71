/* opsdeck timeline (views/timeline_cmd.h): the local timeline as a table or JSON, for
 * a post-mortem after the cluster has forgotten its events. */
#include "views/timeline_cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/table.h"
#include "core/table_print.h"
#include "core/timeline.h"
#include "core/xalloc.h"

long long timeline_parse_duration(const char *s)
{
	char *end = NULL;
	long long n = s ? strtoll(s, &end, 10) : -1;
	if (!s || end == s || n < 0 || !end[0] || end[1])
		return -1;
	switch (*end) {
	case 's': return n;
	case 'm': return n * 60;
	case 'h': return n * 3600;
	case 'd': return n * 86400;
	default: return -1;
	}
}

static struct table *list_table(const struct timeline_list *l)
{
	static const char *const cols[] = {"Time", "Kind", "Cluster", "Namespace", "Object",
					   "Reason", "Message", "Revision", "Count"};
	struct table *t = table_new();
	for (size_t i = 0; i < 9; i++)
		table_add_column(t, cols[i], i == 8 ? "integer" : "string", "", 0);
	for (size_t i = 0; i < l->n; i++) {
		const struct timeline_entry *e = &l->items[i];
		char when[32], count[24];
		time_t tt = (time_t)e->time;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(count, sizeof count, "%ld", e->count);
		const char *cells[] = {when, timeline_kind_name(e->kind), e->cluster, e->namespace,
				       e->object, e->reason, e->message, e->revision, count};
		struct table_row *r = table_add_row(t);
		for (size_t c = 0; c < 9; c++)
			table_set_cell(r, c, cells[c]);
	}
	return t;
}

static int usage_error(const char *what)
{
	fprintf(stderr, "opsdeck timeline: %s\nusage: opsdeck timeline [--since DURATION] "
		"[--kind event|operation|alert] [-o table|json] [FILE]\n", what);
	return 2;
}

int timeline_command(const struct global_opts *g, int argc, char **argv)
{
	(void)g;
	struct timeline_filter f = {.kind = TIMELINE_ANY};
	const char *output = "table", *file = NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;
		if (!strcmp(a, "--since") && has_value) {
			long long d = timeline_parse_duration(argv[++i]);
			if (d < 0)
				return usage_error("--since takes 90s, 15m, 1h or 2d");
			f.since = (long long)time(NULL) - d;
		} else if (!strcmp(a, "--kind") && has_value) {
			if (!timeline_kind_parse(argv[++i], &f.kind))
				return usage_error("--kind is event, operation or alert");
		} else if (!strcmp(a, "-o") && has_value) {
			output = argv[++i];
			if (strcmp(output, "table") && strcmp(output, "json"))
				return usage_error("-o is table or json");
		} else if (a[0] == '-' || file) {
			return usage_error("unexpected argument");
		} else {
			file = a;
		}
	}
	char *path = file ? xstrdup(file) : timeline_default_path();
	if (!path) {
		fprintf(stderr, "opsdeck timeline: no timeline path (set XDG_STATE_HOME or HOME)\n");
		return 1;
	}
	struct timeline_list l;
	char err[512];
	int rc = timeline_read(path, &f, &l, err, sizeof err);
	free(path);
	if (rc < 0) {
		fprintf(stderr, "opsdeck timeline: %s\n", err);
		return 1;
	}
	if (l.corrupt)
		fprintf(stderr, "opsdeck timeline: %zu corrupt line(s) skipped, the first at %s\n",
			l.corrupt, l.corrupt_first);
	struct table *t = list_table(&l);
	struct table_print_opts o = {0};
	if (!strcmp(output, "json"))
		table_print_json(stdout, t, &o);
	else
		table_print_text(stdout, t, &o);
	table_free(t);
	timeline_list_free(&l);
	return 0;
}
