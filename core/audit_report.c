/* The auditor's report model (core/audit_report.h): four sources turned into one list of
 * "who did what where when" rows. Every string is sanitised on the way in: an audit
 * file or a server may hold escape sequences, and these rows reach the screen. */
#include "core/audit_report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "core/audit.h"
#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

static const char *const source_names[AUDIT_SRC_COUNT] = {
	[AUDIT_SRC_AUDIT] = "audit",
	[AUDIT_SRC_ARGOCD] = "argocd",
	[AUDIT_SRC_GIT] = "git",
	[AUDIT_SRC_TIMELINE] = "timeline",
};

const char *audit_source_name(enum audit_source s)
{
	return s >= 0 && s < AUDIT_SRC_COUNT ? source_names[s] : "any";
}

bool audit_source_parse(const char *word, enum audit_source *out)
{
	for (int i = 0; word && i < AUDIT_SRC_COUNT; i++)
		if (!strcmp(word, source_names[i])) {
			*out = (enum audit_source)i;
			return true;
		}
	return false;
}

void audit_report_init(struct audit_report *r, long long since)
{
	memset(r, 0, sizeof *r);
	r->since = since;
	r->chain.verdict = 2;
	snprintf(r->chain.message, sizeof r->chain.message, "not checked");
}

static void row_free(struct audit_row *row)
{
	free(row->who);
	free(row->what);
	free(row->context);
	free(row->target);
	free(row->env);
	free(row->detail);
}

void audit_report_free(struct audit_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		row_free(&r->rows[i]);
	free(r->rows);
	r->rows = NULL;
	r->n = r->cap = 0;
}

static char *clean(const char *s)
{
	return sanitize_cstr(s ? s : "", 0);
}

/* Appends a row; the strings are sanitised copies (NULL becomes ""). */
static void add_row(struct audit_report *r, long long t, enum audit_source src, const char *who,
		    const char *what, const char *context, const char *target, const char *env,
		    const char *detail)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->rows = xrealloc(r->rows, r->cap * sizeof *r->rows);
	}
	struct audit_row *row = &r->rows[r->n++];
	row->time = t;
	row->source = src;
	row->who = clean(who);
	row->what = clean(what);
	row->context = clean(context);
	row->target = clean(target);
	row->env = clean(env);
	row->detail = clean(detail);
}

void audit_report_time(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- the audit log ------------------------------------------------------------------ */

static const char *member(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static bool same_member(const json_t *a, const json_t *b, const char *key)
{
	return !strcmp(member(a, key), member(b, key));
}

/* A result answers the latest open intent of the same action on the same target. */
static bool answers(const json_t *intent, const json_t *result)
{
	static const char *const keys[] = {"action", "context", "cluster", "namespace", "kind",
					   "name", "os_user"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!same_member(intent, result, keys[i]))
			return false;
	return true;
}

static char *record_who(const json_t *rec)
{
	const char *os = member(rec, "os_user"), *kube = member(rec, "kube_user");
	const char *argo = member(rec, "argocd_user");
	const char *other = *argo ? argo : kube;
	if (*os && *other)
		return xasprintf("%s (%s)", os, other);
	return xstrdup(*os ? os : other);
}

static char *record_target(const json_t *rec)
{
	const char *ns = member(rec, "namespace"), *kind = member(rec, "kind");
	const char *name = member(rec, "name");
	struct strbuf sb = STRBUF_INIT;
	if (*ns)
		strbuf_printf(&sb, "%s/", ns);
	if (*kind)
		strbuf_printf(&sb, "%s/", kind);
	strbuf_puts(&sb, name);
	return strbuf_detach(&sb);
}

/* The detail column: the parameters the intent carried, then the outcome. */
static char *record_detail(const json_t *intent, const json_t *result)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *params = json_object_get(intent ? intent : result, "parameters");
	if (params && !json_is_null(params)) {
		char *p = json_is_string(params) ? xstrdup(json_string_value(params))
						 : json_dumps(params, JSON_COMPACT | JSON_PRESERVE_ORDER);
		strbuf_printf(&sb, "%s ", p ? p : "");
		free(p);
	}
	if (!result) {
		strbuf_puts(&sb, "no result recorded");
	} else {
		const char *res = member(result, "result"), *error = member(result, "error");
		strbuf_puts(&sb, *res ? res : "?");
		if (*error)
			strbuf_printf(&sb, ": %s", error);
	}
	return strbuf_detach(&sb);
}

static void add_action(struct audit_report *r, const json_t *intent, const json_t *result)
{
	const json_t *first = intent ? intent : result;
	long long t = timeline_parse_time(member(first, "time"));
	if (t < 0 || (r->since && t < r->since))
		return;
	const char *ctx = member(first, "context");
	char *who = record_who(first), *target = record_target(first);
	char *detail = record_detail(intent, result);
	add_row(r, t, AUDIT_SRC_AUDIT, who, member(first, "action"),
		*ctx ? ctx : member(first, "cluster"), target, "", detail);
	free(who);
	free(target);
	free(detail);
}

/* Every parsed record, in file order; lines that are not JSON are counted. */
static json_t *read_records(struct audit_report *r, FILE *f)
{
	json_t *records = json_array();
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) > 0) {
		json_t *rec = json_loadb(line, (size_t)len, 0, NULL);
		if (json_is_object(rec))
			json_array_append_new(records, rec);
		else {
			json_decref(rec);
			r->skipped++;
		}
	}
	free(line);
	return records;
}

/* Pairs each result with its intent: one row per action. */
static void add_records(struct audit_report *r, json_t *records)
{
	size_t n = json_array_size(records);
	bool *used = xcalloc(n ? n : 1, sizeof *used);
	for (size_t i = 0; i < n; i++) {
		json_t *rec = json_array_get(records, i);
		if (strcmp(member(rec, "stage"), "result"))
			continue;
		json_t *intent = NULL;
		for (size_t k = i; k-- > 0 && !intent;) {
			json_t *cand = json_array_get(records, k);
			if (!used[k] && !strcmp(member(cand, "stage"), "intent") && answers(cand, rec)) {
				intent = cand;
				used[k] = true;
			}
		}
		used[i] = true;
		add_action(r, intent, rec);
	}
	for (size_t i = 0; i < n; i++)
		if (!used[i] && !strcmp(member(json_array_get(records, i), "stage"), "intent"))
			add_action(r, json_array_get(records, i), NULL);
	free(used);
}

int audit_report_add_log(struct audit_report *r, const char *path, char *err, size_t errlen)
{
	struct audit_chain *ch = &r->chain;
	ch->records = ch->bad_line = 0;
	ch->last_hash[0] = '\0';
	ch->verdict = audit_verify(path, &ch->records, ch->last_hash, &ch->bad_line, ch->message,
				   sizeof ch->message);
	if (ch->verdict == 0)
		snprintf(ch->message, sizeof ch->message, "intact");
	FILE *f = fopen(path, "re");
	if (!f && errno == ENOENT)
		return 0;
	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	json_t *records = read_records(r, f);
	fclose(f);
	add_records(r, records);
	json_decref(records);
	return 0;
}

/* ---- Argo CD --------------------------------------------------------------------------- */

static const char *at(const json_t *o, const char *a, const char *b)
{
	const json_t *v = json_object_get(json_object_get(o, a), b);
	return json_string_value(v);
}

static char *history_who(const json_t *h)
{
	const json_t *by = json_object_get(h, "initiatedBy");
	const char *user = json_string_value(json_object_get(by, "username"));
	if (user && *user)
		return xstrdup(user);
	return xstrdup(json_is_true(json_object_get(by, "automated")) ? "automated" : "");
}

static void add_history_entry(struct audit_report *r, const json_t *app, const json_t *h)
{
	const char *when = json_string_value(json_object_get(h, "deployedAt"));
	long long t = timeline_parse_time(when);
	if (t < 0 || (r->since && t < r->since))
		return;
	const json_t *meta = json_object_get(app, "metadata");
	const json_t *dest = json_object_get(json_object_get(app, "spec"), "destination");
	const char *cluster = json_string_value(json_object_get(dest, "name"));
	if (!cluster)
		cluster = json_string_value(json_object_get(dest, "server"));
	const char *ns = json_string_value(json_object_get(dest, "namespace"));
	const char *name = json_string_value(json_object_get(meta, "name"));
	const char *env = at(meta, "labels", "platform.opsdeck.dev/environment");
	const char *rev = json_string_value(json_object_get(h, "revision"));
	const char *started = json_string_value(json_object_get(h, "deployStartedAt"));
	char *who = history_who(h);
	char *target = xasprintf("%s%sApplication/%s", ns ? ns : "", ns ? "/" : "",
				 name ? name : "");
	char *detail = xasprintf("id %lld, revision %s%s%s",
				 (long long)json_integer_value(json_object_get(h, "id")),
				 rev ? rev : "?", started ? ", started " : "", started ? started : "");
	add_row(r, t, AUDIT_SRC_ARGOCD, who, "deploy", cluster, target, env, detail);
	free(who);
	free(target);
	free(detail);
}

void audit_report_add_argocd(struct audit_report *r, const json_t *apps)
{
	size_t i, k;
	const json_t *app, *h;
	json_array_foreach(json_object_get(apps, "items"), i, app) {
		const json_t *hist = json_object_get(json_object_get(app, "status"), "history");
		json_array_foreach(hist, k, h)
			add_history_entry(r, app, h);
	}
}

/* ---- Git and the timeline -------------------------------------------------------------- */

static const char *commit_what(const struct audit_commit *c)
{
	if (c->reverts)
		return "revert";
	if (c->promoted_to || c->promoted_from)
		return "promote";
	return "commit";
}

void audit_report_add_commit(struct audit_report *r, const struct audit_commit *c)
{
	if (r->since && c->time < r->since)
		return;
	struct strbuf d = STRBUF_INIT;
	strbuf_printf(&d, "%.12s %s", c->sha ? c->sha : "", c->subject ? c->subject : "");
	if (c->promoted_from)
		strbuf_printf(&d, "; Promoted-From: %s", c->promoted_from);
	if (c->promoted_to)
		strbuf_printf(&d, "; Promoted-To: %s", c->promoted_to);
	if (c->source_revision)
		strbuf_printf(&d, "; Source-Revision: %.12s", c->source_revision);
	if (c->reverts)
		strbuf_printf(&d, "; Reverts: %.12s", c->reverts);
	const char *env = c->env ? c->env : c->promoted_to;
	add_row(r, c->time, AUDIT_SRC_GIT, c->author, commit_what(c), "gitops",
		c->service ? c->service : "", env, strbuf_str(&d));
	strbuf_free(&d);
}

void audit_report_add_timeline(struct audit_report *r, const struct timeline_entry *e,
			       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (r->since && e[i].time < r->since)
			continue;
		char *target = xasprintf("%s%s%s", e[i].namespace && *e[i].namespace
						   ? e[i].namespace : "",
					 e[i].namespace && *e[i].namespace ? "/" : "",
					 e[i].object ? e[i].object : "");
		char *detail = e[i].count > 1 ? xasprintf("%s (x%ld)", e[i].message ? e[i].message
								       : "", e[i].count)
					      : xstrdup(e[i].message ? e[i].message : "");
		char *what = xasprintf("%s %s", timeline_kind_name(e[i].kind),
				       e[i].reason ? e[i].reason : "");
		add_row(r, e[i].time, AUDIT_SRC_TIMELINE, "", what, e[i].cluster, target, "",
			detail);
		free(target);
		free(detail);
		free(what);
	}
}

/* ---- order ------------------------------------------------------------------------------ */

struct keyed {
	struct audit_row row;
	size_t order;
};

static int cmp_keyed(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	if (a->row.time != b->row.time)
		return a->row.time > b->row.time ? -1 : 1;
	if (a->row.source != b->row.source)
		return a->row.source < b->row.source ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

void audit_report_sort(struct audit_report *r)
{
	if (r->n < 2)
		return;
	struct keyed *k = xmalloc(r->n * sizeof *k);
	for (size_t i = 0; i < r->n; i++)
		k[i] = (struct keyed){r->rows[i], i};
	qsort(k, r->n, sizeof *k, cmp_keyed);
	for (size_t i = 0; i < r->n; i++)
		r->rows[i] = k[i].row;
	free(k);
}

/* ---- Secrets ------------------------------------------------------------------------------ */

/* The bytes base64 text decodes to (padding and line breaks not counted). */
static size_t base64_decoded_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (*s != '=' && *s != '\n' && *s != '\r' && *s != ' ')
			n++;
	return n * 3 / 4;
}

static void mask_values(json_t *map, bool base64)
{
	const char *key;
	json_t *v;
	json_object_foreach(map, key, v) {
		const char *text = json_string_value(v);
		size_t len = text ? (base64 ? base64_decoded_len(text) : strlen(text)) : 0;
		char *hidden = xasprintf("[hidden: %zu bytes]", len);
		json_object_set_new(map, key, json_string(hidden));
		free(hidden);
	}
}

bool audit_mask_secret(json_t *obj)
{
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	if (!kind || strcmp(kind, "Secret"))
		return false;
	mask_values(json_object_get(obj, "data"), true);
	mask_values(json_object_get(obj, "stringData"), false);
	json_t *ann = json_object_get(json_object_get(obj, "metadata"), "annotations");
	static const char last_applied[] = "kubectl.kubernetes.io/last-applied-configuration";
	if (json_object_get(ann, last_applied))
		json_object_set_new(ann, last_applied, json_string("[hidden]"));
	return true;
}
