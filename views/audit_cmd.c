/* opsdeck audit verify|log: the chain checked line by line, and the records printed as
 * a kubectl-like table or a JSON array. Reading only: nothing here writes the log. */
#include "views/audit_cmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <jansson.h>

#include "core/audit.h"
#include "core/table.h"
#include "core/table_print.h"
#include "core/xalloc.h"

static const char audit_usage[] =
	"usage: opsdeck audit verify [FILE]\n"
	"       opsdeck audit log [-o table|json] [FILE]\n"
	"FILE defaults to $XDG_STATE_HOME/opsdeck/audit.jsonl.\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("opsdeck audit: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(audit_usage, stderr);
	return 2;
}

/* FILE as given, else the default; NULL (with a message) when there is no default. */
static char *log_path(const char *given)
{
	if (given)
		return xstrdup(given);
	char *p = audit_default_path();
	if (!p)
		fputs("opsdeck audit: no FILE given and neither $XDG_STATE_HOME nor $HOME is set\n",
		      stderr);
	return p;
}

static int cmd_verify(int argc, char **argv)
{
	if (argc > 1)
		return usage_error("verify takes at most one FILE, got \"%s\"", argv[1]);
	if (argc == 1 && argv[0][0] == '-')
		return usage_error("unknown flag \"%s\"", argv[0]);
	char *path = log_path(argc == 1 ? argv[0] : NULL);
	if (!path)
		return 2;
	size_t nlines = 0, bad = 0;
	char hash[65];
	char err[512];
	int rc = audit_verify(path, &nlines, hash, &bad, err, sizeof(err));
	if (rc == 0 && nlines == 0)
		printf("%s: intact (empty: no actions recorded)\n", path);
	else if (rc == 0)
		printf("%s: intact, %zu records, last hash %s\n", path, nlines, hash);
	else
		fprintf(stderr, "%s: %s\n", path, err);
	free(path);
	return rc == 0 ? 0 : 1;
}

static const char *member(json_t *rec, const char *key)
{
	const char *s = json_string_value(json_object_get(rec, key));
	return s ? s : "";
}

/* "ns/Kind/name", or "Kind/name" for cluster-scoped objects. */
static char *target_cell(json_t *rec)
{
	const char *ns = member(rec, "namespace");
	return *ns ? xasprintf("%s/%s/%s", ns, member(rec, "kind"), member(rec, "name"))
		   : xasprintf("%s/%s", member(rec, "kind"), member(rec, "name"));
}

static char *result_cell(json_t *rec)
{
	const char *result = member(rec, "result");
	if (!*result)
		return xstrdup("-");
	const char *error = member(rec, "error");
	return *error ? xasprintf("%s: %s", result, error) : xstrdup(result);
}

static void add_table_row(struct table *t, json_t *rec)
{
	struct table_row *row = table_add_row(t);
	const char *user = member(rec, "os_user");
	char *target = target_cell(rec);
	char *result = result_cell(rec);
	table_set_cell(row, 0, member(rec, "time"));
	table_set_cell(row, 1, member(rec, "stage"));
	table_set_cell(row, 2, *user ? user : member(rec, "kube_user"));
	table_set_cell(row, 3, member(rec, "context"));
	table_set_cell(row, 4, member(rec, "action"));
	table_set_cell(row, 5, target);
	table_set_cell(row, 6, result);
	table_set_identity(row, "", member(rec, "name"), "");
	free(target);
	free(result);
}

static void print_table(json_t *records, const char *path)
{
	if (json_array_size(records) == 0) {
		fprintf(stderr, "No audit records in %s.\n", path);
		return;
	}
	static const char *const cols[] = { "Time", "Stage", "User", "Context", "Action",
					    "Target", "Result" };
	struct table *t = table_new();
	for (size_t c = 0; c < sizeof(cols) / sizeof(*cols); c++)
		table_add_column(t, cols[c], "string", "", 0);
	size_t i;
	json_t *rec;
	json_array_foreach(records, i, rec)
		add_table_row(t, rec);
	struct table_print_opts o = { 0 };
	table_print_text(stdout, t, &o);
	table_free(t);
}

/* Every record that parses; a line that does not is reported and skipped (verify is
 * the command that judges the file). Returns NULL when the file cannot be read. */
static json_t *read_records(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f && errno == ENOENT)
		return json_array();
	if (!f) {
		fprintf(stderr, "opsdeck audit: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	json_t *records = json_array();
	char *line = NULL;
	size_t cap = 0, n = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) > 0) {
		n++;
		json_t *rec = json_loadb(line, (size_t)len, 0, NULL);
		if (json_is_object(rec))
			json_array_append_new(records, rec);
		else {
			json_decref(rec);
			fprintf(stderr, "warning: %s: line %zu: not JSON (skipped)\n", path, n);
		}
	}
	free(line);
	/* a directory opens but cannot be read: say so rather than "no records" */
	if (ferror(f)) {
		fprintf(stderr, "opsdeck audit: %s: %s\n", path, strerror(errno));
		json_decref(records);
		records = NULL;
	}
	fclose(f);
	return records;
}

/* -o FMT, -oFMT, --output FMT, --output=FMT. Returns 1 when argv[*i] was the flag. */
static int parse_output(int argc, char **argv, int *i, const char **fmt)
{
	const char *a = argv[*i];
	if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
		if (*i + 1 >= argc)
			return -1;
		*fmt = argv[++*i];
		return 1;
	}
	if (strncmp(a, "--output=", 9) == 0) {
		*fmt = a + 9;
		return 1;
	}
	if (strncmp(a, "-o", 2) == 0) {
		*fmt = a + 2 + (a[2] == '=');
		return 1;
	}
	return 0;
}

static int cmd_log(int argc, char **argv)
{
	const char *fmt = "table", *file = NULL;
	for (int i = 0; i < argc; i++) {
		int r = parse_output(argc, argv, &i, &fmt);
		if (r < 0)
			return usage_error("%s needs a format (table or json)", argv[i]);
		if (r > 0)
			continue;
		if (argv[i][0] == '-' && argv[i][1])
			return usage_error("unknown flag \"%s\"", argv[i]);
		if (file)
			return usage_error("log takes at most one FILE, got \"%s\"", argv[i]);
		file = argv[i];
	}
	bool json = strcmp(fmt, "json") == 0;
	if (!json && strcmp(fmt, "table") != 0)
		return usage_error("unknown output format \"%s\" (table or json)", fmt);
	char *path = log_path(file);
	if (!path)
		return 2;
	json_t *records = read_records(path);
	if (records && json) {
		json_dumpf(records, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else if (records) {
		print_table(records, path);
	}
	int rc = records ? 0 : 1;
	json_decref(records);
	free(path);
	return rc;
}

int audit_command(const struct global_opts *g, int argc, char **argv)
{
	(void)g; /* the log is local: no context or kubeconfig applies */
	if (argc < 1) {
		fputs(audit_usage, stderr);
		return 2;
	}
	if (strcmp(argv[0], "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (strcmp(argv[0], "log") == 0)
		return cmd_log(argc - 1, argv + 1);
	if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "help") == 0) {
		fputs(audit_usage, stdout);
		return 0;
	}
	return usage_error("unknown subcommand \"%s\"", argv[0]);
}
