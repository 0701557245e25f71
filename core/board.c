/* The environment board (core/board.h): apps pivoted to services x environments. */
#include "core/board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rowview.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

static const char *const default_order[] = {"dev", "sit", "uat", "pre", "prd"};

/* The columns of the apps table the board reads. */
struct app_cols {
	int name, project, cluster, env, sync, health, operation, images, deployed;
};

static bool app_cols_find(const struct table *t, struct app_cols *c)
{
	c->name = table_column_index(t, "Name");
	c->project = table_column_index(t, "Project");
	c->cluster = table_column_index(t, "Cluster");
	c->env = table_column_index(t, "Environment");
	c->sync = table_column_index(t, "Sync");
	c->health = table_column_index(t, "Health");
	c->operation = table_column_index(t, "Operation");
	c->images = table_column_index(t, "Images");
	c->deployed = table_column_index(t, "Deployed");
	return c->name >= 0 && c->env >= 0;
}

static const char *cell(const struct table_row *r, int col)
{
	return col >= 0 ? r->cells[col] : "";
}

static size_t order_rank(const char *env, const char *const *order, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(order[i], env))
			return i;
	return n;
}

/* Environments present in the apps, in promotion order. */
static void collect_envs(struct board *b, const struct table *apps, const struct app_cols *c,
			 const char *const *order, size_t norder)
{
	size_t cap = 0;
	for (size_t i = 0; i < apps->nrows; i++) {
		const char *env = cell(&apps->rows[i], c->env);
		bool seen = !*env;
		for (size_t k = 0; k < b->nenvs && !seen; k++)
			seen = !strcmp(b->envs[k], env);
		if (seen)
			continue;
		b->envs = xgrow(b->envs, &cap, b->nenvs + 1, sizeof(*b->envs));
		/* insertion keeps promotion order, then alphabetical for the unknown */
		size_t at = b->nenvs, r = order_rank(env, order, norder);
		while (at > 0) {
			size_t rp = order_rank(b->envs[at - 1], order, norder);
			if (rp < r || (rp == r && r == norder && strcmp(b->envs[at - 1], env) < 0))
				break;
			b->envs[at] = b->envs[at - 1];
			at--;
		}
		b->envs[at] = xstrdup(env);
		b->nenvs++;
	}
}

/* "reg/team/cart:4.0.1, reg/x/sidecar:3" -> "4.0.1" for the image named after the
 * service, else the first image's tag. */
static char *version_of(const char *images, const char *service)
{
	char *copy = xstrdup(images), *save = NULL, *found = NULL, *first = NULL;
	for (char *img = strtok_r(copy, ", ", &save); img; img = strtok_r(NULL, ", ", &save)) {
		char *slash = strrchr(img, '/');
		char *colon = strrchr(slash ? slash : img, ':');
		char *repo_end = colon ? colon : img + strlen(img);
		const char *base = slash ? slash + 1 : img;
		if (!first)
			first = colon ? colon + 1 : NULL;
		if (!found && colon && (size_t)(repo_end - base) == strlen(service) &&
		    !strncmp(base, service, strlen(service)))
			found = colon + 1;
	}
	char *v = xstrdup(found ? found : first ? first : "");
	free(copy);
	return v;
}

static enum board_state state_of(const struct table_row *r, const struct app_cols *c)
{
	const char *sync = cell(r, c->sync), *health = cell(r, c->health),
		   *op = cell(r, c->operation);
	if (!strcmp(health, "Degraded") || !strcmp(health, "Missing") || !strcmp(op, "Failed") ||
	    !strcmp(op, "Error"))
		return BOARD_DEGRADED;
	if (!strcmp(op, "Running") || !strcmp(op, "Terminating") || !strcmp(health, "Progressing"))
		return BOARD_PROGRESSING;
	if (!strcmp(sync, "OutOfSync"))
		return BOARD_OUT_OF_SYNC;
	if (!strcmp(sync, "Synced") && !strcmp(health, "Healthy"))
		return BOARD_OK;
	return BOARD_UNKNOWN;
}

/* The service an app deploys: its name without "-ENV". */
static char *service_of(const char *app, const char *env)
{
	size_t n = strlen(app), e = strlen(env);
	if (e && n > e + 1 && app[n - e - 1] == '-' && !strcmp(app + n - e, env))
		return xstrndup(app, n - e - 1);
	return xstrdup(app);
}

static struct board_row *row_get(struct board *b, size_t *cap, const char *service,
				 const char *tenant)
{
	for (size_t i = 0; i < b->nrows; i++)
		if (!strcmp(b->rows[i].service, service))
			return &b->rows[i];
	b->rows = xgrow(b->rows, cap, b->nrows + 1, sizeof(*b->rows));
	struct board_row *r = &b->rows[b->nrows++];
	r->service = xstrdup(service);
	r->tenant = xstrdup(tenant);
	r->cells = xcalloc(b->nenvs ? b->nenvs : 1, sizeof(*r->cells));
	return r;
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct board_row *a = pa, *b = pb;
	int c = strcmp(a->tenant, b->tenant);
	return c ? c : strcmp(a->service, b->service);
}

/* Drift: a version later environments run that no earlier one runs, newer than theirs. */
static void mark_drift(struct board *b)
{
	for (size_t i = 0; i < b->nrows; i++) {
		struct board_cell *cells = b->rows[i].cells;
		for (size_t e = 1; e < b->nenvs; e++) {
			if (!cells[e].version || !*cells[e].version)
				continue;
			bool earlier_has = false, newer = true, any = false;
			for (size_t k = 0; k < e; k++) {
				if (!cells[k].version || !*cells[k].version)
					continue;
				any = true;
				earlier_has |= !strcmp(cells[k].version, cells[e].version);
				newer &= rowview_compare_cells(cells[e].version, cells[k].version) > 0;
			}
			cells[e].drift = any && !earlier_has && newer;
		}
	}
}

struct board *board_build(const struct table *apps, const char *const *env_order,
			  size_t norder)
{
	struct board *b = xcalloc(1, sizeof(*b));
	struct app_cols c;
	if (!apps || !app_cols_find(apps, &c))
		return b;
	if (!env_order) {
		env_order = default_order;
		norder = sizeof default_order / sizeof default_order[0];
	}
	collect_envs(b, apps, &c, env_order, norder);
	size_t cap = 0;
	for (size_t i = 0; i < apps->nrows; i++) {
		const struct table_row *r = &apps->rows[i];
		const char *env = cell(r, c.env);
		if (!*env)
			continue;
		size_t e = order_rank(env, (const char *const *)b->envs, b->nenvs);
		char *service = service_of(cell(r, c.name), env);
		struct board_row *row = row_get(b, &cap, service, cell(r, c.project));
		struct board_cell *bc = &row->cells[e];
		free(bc->version);
		free(bc->app);
		free(bc->cluster);
		free(bc->deployed);
		bc->version = version_of(cell(r, c.images), service);
		bc->app = xstrdup(cell(r, c.name));
		bc->cluster = xstrdup(cell(r, c.cluster));
		bc->deployed = xstrdup(cell(r, c.deployed));
		bc->state = state_of(r, &c);
		free(service);
	}
	qsort(b->rows, b->nrows, sizeof(*b->rows), row_cmp);
	mark_drift(b);
	return b;
}

void board_free(struct board *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->nrows; i++) {
		for (size_t e = 0; e < b->nenvs; e++) {
			free(b->rows[i].cells[e].version);
			free(b->rows[i].cells[e].app);
			free(b->rows[i].cells[e].cluster);
			free(b->rows[i].cells[e].deployed);
		}
		free(b->rows[i].cells);
		free(b->rows[i].service);
		free(b->rows[i].tenant);
	}
	free(b->rows);
	for (size_t e = 0; e < b->nenvs; e++)
		free(b->envs[e]);
	free(b->envs);
	free(b);
}

static const char *mark_of(const struct board_cell *c, const struct board_marks *m)
{
	switch (c->state) {
	case BOARD_OK: return m->ok;
	case BOARD_PROGRESSING: return m->progressing;
	case BOARD_OUT_OF_SYNC: return m->out_of_sync;
	case BOARD_DEGRADED: return m->degraded;
	default: return "?";
	}
}

struct table *board_table(const struct board *b, const struct board_marks *marks)
{
	return board_table_findings(b, marks, NULL, NULL);
}

struct table *board_table_findings(const struct board *b, const struct board_marks *marks,
				   const char *critical, const char *high)
{
	struct table *t = table_new();
	table_add_column(t, "Service", "string", "name", 0);
	table_add_column(t, "Tenant", "string", "", 0);
	for (size_t e = 0; e < b->nenvs; e++)
		table_add_column(t, b->envs[e], "string", "", 0);
	for (size_t i = 0; i < b->nrows; i++) {
		const struct board_row *r = &b->rows[i];
		struct table_row *tr = table_add_row(t);
		table_set_cell(tr, 0, r->service);
		table_set_cell(tr, 1, r->tenant);
		for (size_t e = 0; e < b->nenvs; e++) {
			const struct board_cell *c = &r->cells[e];
			if (!c->app)
				continue;
			struct strbuf sb = STRBUF_INIT;
			strbuf_printf(&sb, "%s %s", *c->version ? c->version : "?", mark_of(c, marks));
			if (c->drift)
				strbuf_puts(&sb, marks->drift);
			if (*c->deployed)
				strbuf_printf(&sb, " %s", c->deployed);
			const char *sev = c->critical ? critical : c->high ? high : NULL;
			if (sev)
				strbuf_printf(&sb, " %s", sev);
			table_set_cell(tr, 2 + e, strbuf_str(&sb));
			strbuf_free(&sb);
		}
		table_set_identity(tr, "", r->service, r->service);
	}
	return t;
}

void board_set_findings(struct board *b, const char *service, const char *env,
			unsigned critical, unsigned high)
{
	struct board_row *r = (struct board_row *)board_find(b, service);
	for (size_t e = 0; r && env && e < b->nenvs; e++) {
		if (!strcmp(b->envs[e], env)) {
			r->cells[e].critical = critical;
			r->cells[e].high = high;
		}
	}
}

const struct board_row *board_find(const struct board *b, const char *service)
{
	for (size_t i = 0; b && service && i < b->nrows; i++)
		if (!strcmp(b->rows[i].service, service))
			return &b->rows[i];
	return NULL;
}
