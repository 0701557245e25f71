/* The findings view's rows and texts (findings_model.h): workloads or groups counted by
 * severity, worst first; a workload's findings; CSV. */
#include "views/findings_model.h"

#include <stdlib.h>
#include <string.h>

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

bool findings_filter_match(const struct findings_filter *f, const struct finding_workload *w)
{
	return !f || (field_match(f->service, w->service) && field_match(f->env, w->environment) &&
		      field_match(f->cluster, w->cluster));
}

void findings_workload_counts(const struct finding_workload *w, bool fixable,
			      unsigned out[FINDING_SEVERITY_COUNT])
{
	if (!fixable) {
		memcpy(out, w->counts, sizeof(w->counts));
		return;
	}
	/* summary-only counts carry no fixed versions: only listed findings can count */
	memset(out, 0, sizeof(unsigned) * FINDING_SEVERITY_COUNT);
	for (size_t i = 0; i < w->n; i++)
		if (finding_fixable(&w->items[i]) && (unsigned)w->items[i].severity < FINDING_SEVERITY_COUNT)
			out[w->items[i].severity]++;
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
		findings_workload_counts(w, f && f->fixable, counts);
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

static void add_workload_row(struct table *t, const struct findings_row *fr)
{
	const struct finding_workload *w = fr->w;
	struct table_row *r = table_add_row(t);
	char *workload = xasprintf("%s/%s", str(w->kind), str(w->name));
	const char *cells[] = {w->service, w->environment, w->cluster, w->namespace, workload};
	for (size_t c = 0; c < 5; c++)
		table_set_cell(r, c, str(cells[c]));
	set_counts(r, 5, fr->counts);
	char *uid = findings_workload_uid(w);
	table_set_identity(r, str(w->namespace), workload, uid);
	free(uid);
	free(workload);
}

struct table *findings_rows_table(const struct findings_rows *rows)
{
	static const char *const wcols[] = {"Service", "Environment", "Cluster", "Namespace",
					    "Workload"};
	static const char *const gnames[FINDINGS_GROUP_COUNT] = {"", "Service", "Environment",
								 "Cluster"};
	struct table *t = table_new();
	bool grouped = rows->group != FINDINGS_GROUP_NONE;
	if (grouped) {
		table_add_column(t, gnames[rows->group], "string", "name", 0);
		table_add_column(t, "Workloads", "integer", "", 0);
	} else {
		for (size_t c = 0; c < 5; c++)
			table_add_column(t, wcols[c], "string", c == 4 ? "name" : "", 0);
	}
	for (size_t k = 0; k < NCOUNTS; k++)
		table_add_column(t, count_cols[k], "integer", "", k == NCOUNTS - 1);
	for (size_t i = 0; i < rows->n; i++) {
		const struct findings_row *fr = &rows->v[i];
		if (!grouped) {
			add_workload_row(t, fr);
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
	static const char *const cols[] = {"ID", "Severity", "Package", "Installed", "Fixed",
					   "Title", "Source"};
	struct table *t = table_new();
	for (size_t c = 0; c < 7; c++)
		table_add_column(t, cols[c], "string", c == 0 ? "name" : "", c == 6);
	const struct finding **v = xcalloc(w->n + 1, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < w->n; i++)
		if (!fixable || finding_fixable(&w->items[i]))
			v[n++] = &w->items[i];
	qsort(v, n, sizeof(*v), item_cmp);
	for (size_t i = 0; i < n; i++) {
		const struct finding *f = v[i];
		struct table_row *r = table_add_row(t);
		const char *cells[] = {f->id, finding_severity_name(f->severity), f->package,
				       f->installed, f->fixed, f->title, finding_source_name(f->source)};
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

static void csv_field(FILE *out, const char *s, bool upper)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		char ch = *s;
		if (upper && ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		fputc(ch, out);
	}
	if (quote)
		fputc('"', out);
}

void findings_print_csv(FILE *out, const struct table *t)
{
	for (size_t c = 0; c < t->ncols; c++) {
		if (c)
			fputc(',', out);
		csv_field(out, t->cols[c].name, true);
	}
	fputs("\r\n", out);
	for (size_t i = 0; i < t->nrows; i++) {
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				fputc(',', out);
			csv_field(out, t->rows[i].cells[c], false);
		}
		fputs("\r\n", out);
	}
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
