/* The findings model (core/findings.h): workloads and their findings, deduplicated,
 * counted by severity, sorted and totalled; and every scanner's severity words. */
#include "core/findings.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sanitize.h"
#include "core/xalloc.h"

/* Words each source uses, mapped onto our five levels. Trivy and policy reports use
 * critical/high/medium/low; policy results and SARIF-like tools say error/warning/note;
 * SonarQube's legacy scale is BLOCKER > CRITICAL > MAJOR > MINOR > INFO (BLOCKER and
 * CRITICAL both become critical: the word must mean the same whoever says it);
 * DefectDojo adds Info. Informational findings count as low so they are not lost, and
 * "none"/"unknown" stay unknown. */
static const struct {
	const char *word;
	enum finding_severity sev;
} severity_words[] = {
	{"critical", FINDING_CRITICAL}, {"blocker", FINDING_CRITICAL},
	{"high", FINDING_HIGH},         {"error", FINDING_HIGH},
	{"major", FINDING_MEDIUM},      {"medium", FINDING_MEDIUM},
	{"moderate", FINDING_MEDIUM},   {"warning", FINDING_MEDIUM},
	{"warn", FINDING_MEDIUM},       {"low", FINDING_LOW},
	{"minor", FINDING_LOW},         {"info", FINDING_LOW},
	{"informational", FINDING_LOW}, {"note", FINDING_LOW},
	{"negligible", FINDING_LOW},    {"unknown", FINDING_UNKNOWN},
	{"none", FINDING_UNKNOWN},
};

enum finding_severity finding_severity_parse(const char *s)
{
	if (!s)
		return FINDING_UNKNOWN;
	for (size_t i = 0; i < sizeof(severity_words) / sizeof(severity_words[0]); i++)
		if (!strcasecmp(s, severity_words[i].word))
			return severity_words[i].sev;
	return FINDING_UNKNOWN;
}

const char *finding_severity_name(enum finding_severity s)
{
	static const char *const names[FINDING_SEVERITY_COUNT] = {
		"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL",
	};
	return (unsigned)s < FINDING_SEVERITY_COUNT ? names[s] : "UNKNOWN";
}

const char *finding_source_name(enum finding_source s)
{
#define FINDING_SOURCE_NAME_(id, name) name,
	static const char *const names[] = {FINDING_SOURCE_LIST(FINDING_SOURCE_NAME_)};
#undef FINDING_SOURCE_NAME_
	return (unsigned)s < FINDING_SOURCE_COUNT ? names[s] : "unknown";
}

static char *clean(const char *s)
{
	return sanitize_cstr(s, 0);
}

static char *clean_or_empty(const char *s)
{
	return sanitize_cstr(s ? s : "", 0);
}

static bool same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

struct finding_workload *findings_workload(struct findings *set, const char *cluster,
					   const char *namespace, const char *kind,
					   const char *name)
{
	char *c = clean_or_empty(cluster), *ns = clean_or_empty(namespace);
	char *k = clean_or_empty(kind), *n = clean_or_empty(name);
	/* newest first: a report's findings usually arrive together */
	for (size_t i = set->n; i-- > 0;) {
		struct finding_workload *w = &set->w[i];
		if (same(w->name, n) && same(w->namespace, ns) && same(w->kind, k) &&
		    same(w->cluster, c)) {
			free(c);
			free(ns);
			free(k);
			free(n);
			return w;
		}
	}
	set->w = xgrow(set->w, &set->cap, set->n + 1, sizeof(*set->w));
	struct finding_workload *w = &set->w[set->n++];
	memset(w, 0, sizeof(*w));
	w->cluster = c;
	w->namespace = ns;
	w->kind = k;
	w->name = n;
	w->service = xstrdup("");
	w->environment = xstrdup("");
	w->tenant = xstrdup("");
	return w;
}

void findings_add(struct finding_workload *w, const struct finding *f)
{
	char *id = clean(f->id), *package = clean(f->package);
	for (size_t i = 0; i < w->n; i++) {
		const struct finding *g = &w->items[i];
		if (g->source == f->source && same(g->id, id) && same(g->package, package)) {
			free(id);
			free(package);
			return;
		}
	}
	w->items = xgrow(w->items, &w->cap, w->n + 1, sizeof(*w->items));
	struct finding *g = &w->items[w->n++];
	g->source = f->source;
	g->severity = (unsigned)f->severity < FINDING_SEVERITY_COUNT ? f->severity
								    : FINDING_UNKNOWN;
	g->id = id;
	g->package = package;
	g->installed = clean(f->installed);
	g->fixed = clean(f->fixed);
	g->title = clean(f->title);
	g->link = clean(f->link);
	g->score = f->score;
	w->counts[g->severity]++;
}

void findings_add_counts(struct finding_workload *w,
			 const unsigned counts[FINDING_SEVERITY_COUNT])
{
	for (int s = 0; s < FINDING_SEVERITY_COUNT; s++)
		w->counts[s] += counts[s];
}

static void finding_free(struct finding *f)
{
	free(f->id);
	free(f->package);
	free(f->installed);
	free(f->fixed);
	free(f->title);
	free(f->link);
}

void findings_free(struct findings *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++) {
		struct finding_workload *w = &set->w[i];
		for (size_t k = 0; k < w->n; k++)
			finding_free(&w->items[k]);
		free(w->items);
		free(w->cluster);
		free(w->namespace);
		free(w->kind);
		free(w->name);
		free(w->image);
		free(w->service);
		free(w->environment);
		free(w->tenant);
	}
	free(set->w);
	set->w = NULL;
	set->n = set->cap = 0;
}

static int strcmp_null(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int finding_cmp(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	int c = strcmp_null(a->id, b->id);
	if (c)
		return c;
	c = strcmp_null(a->package, b->package);
	return c ? c : (int)a->source - (int)b->source;
}

static int workload_cmp(const void *pa, const void *pb)
{
	const struct finding_workload *a = pa, *b = pb;
	int c;
	if ((c = strcmp_null(a->service, b->service)) ||
	    (c = strcmp_null(a->environment, b->environment)) ||
	    (c = strcmp_null(a->cluster, b->cluster)) ||
	    (c = strcmp_null(a->namespace, b->namespace)) ||
	    (c = strcmp_null(a->name, b->name)))
		return c;
	return strcmp_null(a->kind, b->kind);
}

void findings_sort(struct findings *set)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->w[i].n > 1)
			qsort(set->w[i].items, set->w[i].n, sizeof(struct finding), finding_cmp);
	if (set->n > 1)
		qsort(set->w, set->n, sizeof(*set->w), workload_cmp);
}

void findings_total(const struct findings *set,
		    bool (*match)(const struct finding_workload *w, void *ud), void *ud,
		    unsigned out[FINDING_SEVERITY_COUNT])
{
	memset(out, 0, FINDING_SEVERITY_COUNT * sizeof(out[0]));
	for (size_t i = 0; i < set->n; i++) {
		if (match && !match(&set->w[i], ud))
			continue;
		for (int s = 0; s < FINDING_SEVERITY_COUNT; s++)
			out[s] += set->w[i].counts[s];
	}
}
