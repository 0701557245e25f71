/* The findings view's rows and texts (findings_model.h): workloads or groups counted by
 * severity, worst first; a workload's findings; CSV. */
#include "views/findings_model.h"

#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

static const char *const group_names[FINDINGS_GROUP_COUNT] = {
	"workload", "service", "environment", "cluster"};

const char *findings_group_name(enum findings_group g)
{
	return (unsigned)g < FINDINGS_GROUP_COUNT ? group_names[g] : "?";
}

static const char *str(const char *s)
{
	return s ? s : "";
}

static bool field_match(const char *want, const char *have)
{
	return !want || !*want || !strcmp(want, str(have));
}

static const char *const scanner_names[FINDINGS_SCANNER_COUNT] = {
	"trivy", "policy", "sonarqube", "defectdojo", "harbor"};

const char *findings_scanner_name(enum findings_scanner s)
{
	return (unsigned)s < FINDINGS_SCANNER_COUNT ? scanner_names[s] : "?";
}

enum findings_scanner findings_scanner_of(enum finding_source s)
{
	switch (s) {
	case FINDING_SRC_POLICY:
	case FINDING_SRC_GATEKEEPER: return FINDINGS_SCANNER_POLICY;
	case FINDING_SRC_SONARQUBE: return FINDINGS_SCANNER_SONARQUBE;
	case FINDING_SRC_DEFECTDOJO: return FINDINGS_SCANNER_DEFECTDOJO;
	case FINDING_SRC_HARBOR: return FINDINGS_SCANNER_HARBOR;
	default: return FINDINGS_SCANNER_TRIVY;
	}
}

int findings_scanners_parse(const char *list, unsigned *mask)
{
	unsigned add = 0;
	const char *p = list;
	do {
		size_t n = strcspn(p, ",");
		int found = -1;
		for (int i = 0; i < FINDINGS_SCANNER_COUNT && found < 0; i++)
			if (n == strlen(scanner_names[i]) && !strncmp(p, scanner_names[i], n))
				found = i;
		if (found < 0)
			return -1;
		add |= 1u << found;
		p += n;
	} while (*p++ == ',');
	*mask |= add;
	return 0;
}

char *findings_scanners_text(unsigned mask)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < FINDINGS_SCANNER_COUNT; i++)
		if (mask & (1u << i))
			strbuf_printf(&sb, "%s%s", sb.len ? "," : "", scanner_names[i]);
	return sb.len ? strbuf_detach(&sb) : (strbuf_free(&sb), xstrdup("all"));
}

/* Whom counts without a list belong to: the kind of workload each scanner makes. */
static enum findings_scanner workload_scanner(const struct finding_workload *w)
{
	const char *k = str(w->kind);
	if (!strcmp(k, "Image"))
		return FINDINGS_SCANNER_HARBOR;
	if (!strcmp(k, "SonarProject"))
		return FINDINGS_SCANNER_SONARQUBE;
	if (!strcmp(k, "DefectDojoProduct"))
		return FINDINGS_SCANNER_DEFECTDOJO;
	return FINDINGS_SCANNER_TRIVY;
}

static bool scanner_in(unsigned mask, enum findings_scanner s)
{
	return !mask || (mask & (1u << s));
}

/* w's counts from the scanners of mask (0: all), fixable only when asked. */
static void counts_from(const struct finding_workload *w, bool fixable, unsigned mask,
			unsigned out[FINDING_SEVERITY_COUNT])
{
	unsigned listed[FINDING_SEVERITY_COUNT] = {0};
	memset(out, 0, sizeof(unsigned) * FINDING_SEVERITY_COUNT);
	for (size_t i = 0; i < w->n; i++) {
		const struct finding *f = &w->items[i];
		if ((unsigned)f->severity >= FINDING_SEVERITY_COUNT)
			continue;
		listed[f->severity]++;
		if (scanner_in(mask, findings_scanner_of(f->source)) &&
		    (!fixable || finding_fixable(f)))
			out[f->severity]++;
	}
	/* summary-only counts carry no fixed versions: only listed findings can be fixable */
	if (fixable || !scanner_in(mask, workload_scanner(w)))
		return;
	for (int s = 0; s < FINDING_SEVERITY_COUNT; s++)
		if (w->counts[s] > listed[s])
			out[s] += w->counts[s] - listed[s];
}

/* Whether w holds anything (a finding or a count) from the scanners of mask. */
static bool has_scanner(const struct finding_workload *w, unsigned mask)
{
	unsigned total = 0;
	for (int s = 0; s < FINDING_SEVERITY_COUNT; s++)
		total += w->counts[s];
	if (total > w->n && scanner_in(mask, workload_scanner(w)))
		return true;
	for (size_t i = 0; i < w->n; i++)
		if (scanner_in(mask, findings_scanner_of(w->items[i].source)))
			return true;
	return false;
}

bool findings_filter_match(const struct findings_filter *f, const struct finding_workload *w)
{
	return !f || (field_match(f->service, w->service) && field_match(f->env, w->environment) &&
		      field_match(f->cluster, w->cluster) && field_match(f->tenant, w->tenant) &&
		      (!f->scanners || has_scanner(w, f->scanners)));
}

void findings_workload_counts(const struct finding_workload *w, bool fixable,
			      unsigned out[FINDING_SEVERITY_COUNT])
{
	if (!fixable)
		memcpy(out, w->counts, sizeof(w->counts));
	else
		counts_from(w, true, 0, out);
}

int findings_counts_cmp(const unsigned a[FINDING_SEVERITY_COUNT],
			const unsigned b[FINDING_SEVERITY_COUNT])
{
	for (int s = FINDING_CRITICAL; s >= FINDING_UNKNOWN; s--)
		if (a[s] != b[s])
			return a[s] > b[s] ? -1 : 1;
	return 0;
}

static const char *group_key(const struct finding_workload *w, enum findings_group g)
{
	switch (g) {
	case FINDINGS_GROUP_SERVICE: return str(w->service);
	case FINDINGS_GROUP_ENV: return str(w->environment);
	case FINDINGS_GROUP_CLUSTER: return str(w->cluster);
	default: return "";
	}
}

static int workload_cmp(const struct finding_workload *a, const struct finding_workload *b)
{
	const char *ka[] = {a->service, a->environment, a->cluster, a->namespace, a->kind, a->name};
	const char *kb[] = {b->service, b->environment, b->cluster, b->namespace, b->kind, b->name};
	for (size_t i = 0; i < sizeof ka / sizeof ka[0]; i++) {
		int c = strcmp(str(ka[i]), str(kb[i]));
		if (c)
			return c;
	}
	return 0;
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct findings_row *a = pa, *b = pb;
	int c = findings_counts_cmp(a->counts, b->counts);
	if (c)
		return c;
	if (a->w && b->w)
		return workload_cmp(a->w, b->w);
	return strcmp(str(a->key), str(b->key));
}

static struct findings_row *group_row(struct findings_rows *out, size_t *cap, const char *key)
{
	for (size_t i = 0; i < out->n; i++)
		if (!strcmp(out->v[i].key, key))
			return &out->v[i];
	out->v = xgrow(out->v, cap, out->n + 1, sizeof(*out->v));
	struct findings_row *r = &out->v[out->n++];
	memset(r, 0, sizeof(*r));
	r->key = xstrdup(key);
	return r;
}

void findings_rows_build(const struct findings *set, const struct findings_filter *f,
			 enum findings_group g, struct findings_rows *out)
{
	memset(out, 0, sizeof(*out));
	out->group = g;
	size_t cap = 0;
	for (size_t i = 0; set && i < set->n; i++) {
		const struct finding_workload *w = &set->w[i];
		if (!findings_filter_match(f, w))
			continue;
		unsigned counts[FINDING_SEVERITY_COUNT];
		counts_from(w, f && f->fixable, f ? f->scanners : 0, counts);
		struct findings_row *r;
		if (g == FINDINGS_GROUP_NONE) {
			out->v = xgrow(out->v, &cap, out->n + 1, sizeof(*out->v));
			r = &out->v[out->n++];
			memset(r, 0, sizeof(*r));
			r->w = w;
		} else {
			r = group_row(out, &cap, group_key(w, g));
		}
		r->nworkloads++;
		for (int s = 0; s < FINDING_SEVERITY_COUNT; s++)
			r->counts[s] += counts[s];
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), row_cmp);
}

void findings_rows_free(struct findings_rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].key);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* ---- tables ------------------------------------------------------------------------ */

char *findings_workload_uid(const struct finding_workload *w)
{
	return xasprintf("%s/%s/%s/%s", str(w->cluster), str(w->namespace), str(w->kind),
			 str(w->name));
}

const struct finding_workload *findings_workload_by_uid(const struct findings *set,
							 const char *uid)
{
	for (size_t i = 0; set && uid && i < set->n; i++) {
		char *u = findings_workload_uid(&set->w[i]);
		bool same = !strcmp(u, uid);
		free(u);
		if (same)
			return &set->w[i];
	}
	return NULL;
}

static const char *const count_cols[] = {"Critical", "High", "Medium", "Low", "Unknown"};
#define NCOUNTS (sizeof count_cols / sizeof count_cols[0])

static void set_counts(struct table_row *r, size_t col, const unsigned counts[])
{
	for (size_t k = 0; k < NCOUNTS; k++) {
		char n[16];
		snprintf(n, sizeof n, "%u", counts[FINDING_CRITICAL - k]);
		table_set_cell(r, col + k, n);
	}
}

/* Column positions of a workload row: the report's order (who, then counts), or the
 * screen's (service, environment, the counts, then where), so that at 80 columns the
 * counts are what shows beside the service. */
struct row_layout {
	size_t service, environment, cluster, namespace, workload, counts;
};

static const struct row_layout report_layout = {0, 1, 2, 3, 4, 5};
static const struct row_layout screen_layout = {0, 1, 7, 8, 9, 2};

static void add_workload_row(struct table *t, const struct findings_row *fr,
			     const struct row_layout *l)
{
	const struct finding_workload *w = fr->w;
	struct table_row *r = table_add_row(t);
	char *workload = xasprintf("%s/%s", str(w->kind), str(w->name));
	table_set_cell(r, l->service, str(w->service));
	table_set_cell(r, l->environment, str(w->environment));
	table_set_cell(r, l->cluster, str(w->cluster));
	table_set_cell(r, l->namespace, str(w->namespace));
	table_set_cell(r, l->workload, workload);
	set_counts(r, l->counts, fr->counts);
	char *uid = findings_workload_uid(w);
	table_set_identity(r, str(w->namespace), workload, uid);
	free(uid);
	free(workload);
}

static void add_workload_columns(struct table *t, const struct row_layout *l)
{
	const char *names[10] = {0};
	names[l->service] = "Service";
	names[l->environment] = "Environment";
	names[l->cluster] = "Cluster";
	names[l->namespace] = "Namespace";
	names[l->workload] = "Workload";
	for (size_t k = 0; k < NCOUNTS; k++)
		names[l->counts + k] = count_cols[k];
	for (size_t c = 0; c < 10; c++) {
		bool count = c >= l->counts && c < l->counts + NCOUNTS;
		table_add_column(t, names[c], count ? "integer" : "string",
				 c == l->workload ? "name" : "", c == l->counts + NCOUNTS - 1);
	}
}

static struct table *rows_table(const struct findings_rows *rows, const struct row_layout *l)
{
	static const char *const gnames[FINDINGS_GROUP_COUNT] = {"", "Service", "Environment",
								 "Cluster"};
	struct table *t = table_new();
	bool grouped = rows->group != FINDINGS_GROUP_NONE;
	if (grouped) {
		table_add_column(t, gnames[rows->group], "string", "name", 0);
		table_add_column(t, "Workloads", "integer", "", 0);
		for (size_t k = 0; k < NCOUNTS; k++)
			table_add_column(t, count_cols[k], "integer", "", k == NCOUNTS - 1);
	} else {
		add_workload_columns(t, l);
	}
	for (size_t i = 0; i < rows->n; i++) {
		const struct findings_row *fr = &rows->v[i];
		if (!grouped) {
			add_workload_row(t, fr, l);
			continue;
		}
		struct table_row *r = table_add_row(t);
		char n[24];
		snprintf(n, sizeof n, "%zu", fr->nworkloads);
		table_set_cell(r, 0, fr->key);
		table_set_cell(r, 1, n);
		set_counts(r, 2, fr->counts);
		char *uid = xasprintf("g:%s", fr->key);
		table_set_identity(r, "", fr->key, uid);
		free(uid);
	}
	return t;
}

struct table *findings_rows_table(const struct findings_rows *rows)
{
	return rows_table(rows, &report_layout);
}

struct table *findings_rows_table_screen(const struct findings_rows *rows)
{
	return rows_table(rows, &screen_layout);
}

static int item_cmp(const void *pa, const void *pb)
{
	const struct finding *a = *(const struct finding *const *)pa;
	const struct finding *b = *(const struct finding *const *)pb;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	int c = strcmp(str(a->id), str(b->id));
	return c ? c : strcmp(str(a->package), str(b->package));
}

struct table *findings_items_table(const struct finding_workload *w, bool fixable)
{
	struct findings_filter f = {.fixable = fixable};
	return findings_items_table_filtered(w, &f);
}

struct table *findings_items_table_filtered(const struct finding_workload *w,
					    const struct findings_filter *flt)
{
	bool fixable = flt && flt->fixable;
	unsigned mask = flt ? flt->scanners : 0;
	/* Source before Title: the title takes what is left of the width and is cut */
	static const char *const cols[] = {"ID", "Severity", "Package", "Installed", "Fixed",
					   "Source", "Title"};
	struct table *t = table_new();
	for (size_t c = 0; c < 7; c++)
		table_add_column(t, cols[c], "string", c == 0 ? "name" : "", 0);
	const struct finding **v = xcalloc(w->n + 1, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < w->n; i++)
		if ((!fixable || finding_fixable(&w->items[i])) &&
		    scanner_in(mask, findings_scanner_of(w->items[i].source)))
			v[n++] = &w->items[i];
	qsort(v, n, sizeof(*v), item_cmp);
	for (size_t i = 0; i < n; i++) {
		const struct finding *f = v[i];
		struct table_row *r = table_add_row(t);
		const char *cells[] = {f->id, finding_severity_name(f->severity), f->package,
				       f->installed, f->fixed, finding_source_name(f->source), f->title};
		for (size_t c = 0; c < 7; c++)
			table_set_cell(r, c, str(cells[c]));
		char uid[32];
		snprintf(uid, sizeof uid, "%zu", (size_t)(f - w->items));
		table_set_identity(r, str(w->namespace), str(f->id), uid);
	}
	free(v);
	return t;
}

char *findings_item_text(const struct finding_workload *w, const struct finding *f)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_printf(&sb, "ID:         %s\n", str(f->id));
	strbuf_printf(&sb, "Severity:   %s", finding_severity_name(f->severity));
	if (f->score > 0)
		strbuf_printf(&sb, " (score %.1f)", f->score);
	strbuf_printf(&sb, "\nSource:     %s\n", finding_source_name(f->source));
	strbuf_printf(&sb, "Title:      %s\n", str(f->title));
	strbuf_printf(&sb, "Package:    %s\n", str(f->package));
	strbuf_printf(&sb, "Installed:  %s\n", str(f->installed));
	strbuf_printf(&sb, "Fixed:      %s\n", finding_fixable(f) ? f->fixed : "(no fix yet)");
	strbuf_printf(&sb, "Link:       %s\n\n", f->link && *f->link ? f->link : "(none)");
	strbuf_printf(&sb, "Workload:   %s/%s\n", str(w->kind), str(w->name));
	strbuf_printf(&sb, "Namespace:  %s\n", str(w->namespace));
	strbuf_printf(&sb, "Cluster:    %s\n", str(w->cluster));
	if (w->image)
		strbuf_printf(&sb, "Image:      %s\n", w->image);
	strbuf_printf(&sb, "Service:    %s\n", *str(w->service) ? w->service : "(none)");
	strbuf_printf(&sb, "Environment: %s\n", *str(w->environment) ? w->environment : "(none)");
	return strbuf_detach(&sb);
}

/* ---- CSV ---------------------------------------------------------------------------- */

/* The header in upper case, as the table prints it. */
static void csv_header(FILE *out, const char *name)
{
	char buf[128];
	size_t n = 0;
	for (; name[n] && n + 1 < sizeof buf; n++)
		buf[n] = (char)(name[n] >= 'a' && name[n] <= 'z' ? name[n] - 'a' + 'A' : name[n]);
	buf[n] = '\0';
	csv_put(out, buf);
}

void findings_print_csv(FILE *out, const struct table *t)
{
	for (size_t c = 0; c < t->ncols; c++) {
		if (c)
			fputc(',', out);
		csv_header(out, t->cols[c].name);
	}
	fputs("\r\n", out);
	for (size_t i = 0; i < t->nrows; i++) {
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				fputc(',', out);
			csv_put(out, t->rows[i].cells[c]);
		}
		fputs("\r\n", out);
	}
}

/* ---- Markdown ------------------------------------------------------------------------ */

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

static bool column_is_integer(const struct table *t, size_t c)
{
	return t->cols[c].type && !strcmp(t->cols[c].type, "integer");
}

void findings_print_md(FILE *out, const struct table *t, const char *title)
{
	fprintf(out, "## %s\n\n", title);
	if (t->nrows == 0) {
		fputs("No findings.\n", out);
		return;
	}
	fputc('|', out);
	for (size_t c = 0; c < t->ncols; c++)
		md_cell(out, t->cols[c].name);
	fputs("\n|", out);
	for (size_t c = 0; c < t->ncols; c++)
		fputs(column_is_integer(t, c) ? "---:|" : "---|", out);
	fputc('\n', out);
	unsigned long long *sum = xcalloc(t->ncols, sizeof(*sum));
	for (size_t i = 0; i < t->nrows; i++) {
		fputc('|', out);
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = t->rows[i].cells[c] ? t->rows[i].cells[c] : "";
			md_cell(out, cell);
			if (column_is_integer(t, c))
				sum[c] += strtoull(cell, NULL, 10);
		}
		fputc('\n', out);
	}
	fputc('|', out);
	for (size_t c = 0; c < t->ncols; c++) {
		if (column_is_integer(t, c))
			fprintf(out, " %llu |", sum[c]);
		else
			fputs(c == 0 ? " **Total** |" : "  |", out);
	}
	fputc('\n', out);
	free(sum);
}

void findings_service_counts(const struct findings *set, const char *service, const char *env,
			     unsigned out[FINDING_SEVERITY_COUNT])
{
	memset(out, 0, sizeof(unsigned) * FINDING_SEVERITY_COUNT);
	if (!service || !*service)
		return;
	for (size_t i = 0; set && i < set->n; i++) {
		const struct finding_workload *w = &set->w[i];
		if (strcmp(str(w->service), service) || strcmp(str(w->environment), str(env)))
			continue;
		for (int s = 0; s < FINDING_SEVERITY_COUNT; s++)
			out[s] += w->counts[s];
	}
}
