/* The :dora view's pure parts: its arguments, the columns that fit a width, level words
 * and colours, the twelve-week series and the drill-down's lines. No curses drawing. */
#ifndef OPSDECK_VIEWS_SCORECARD_MODEL_H
#define OPSDECK_VIEWS_SCORECARD_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "clients/dora_data.h"
#include "core/dora.h"
#include "tui/theme.h"

/* Weeks in a row's sparkline. */
#define SCORECARD_SPARK_WEEKS 12

/* `:dora [--until RFC3339] [NAME]`: *name is a new string or NULL, *until stays as it
 * was when not given. 0, or -1 with err. */
int scorecard_parse_args(const char *text, char **name, long long *until, char *err,
			 size_t errlen);

/* The window after w: 30d -> 90d -> 7d -> 30d (anything else -> 30d). */
long long scorecard_next_window(long long w);

/* "elite", "high", "medium", "low" (letters "E", "H", "M", "L" when short); "" for
 * DORA_LEVEL_NONE. */
const char *scorecard_level_word(enum dora_level l, bool short_form);
enum theme_element scorecard_level_element(enum dora_level l);

/* The column header of a metric ("DEPLOY FREQ") and its definition in one line. */
const char *scorecard_metric_header(enum dora_metric m);
const char *scorecard_metric_definition(enum dora_metric m);

/* Where each column of the rows goes at a width: x positions in cells, 0 width when a
 * column is left out. Dropped, in this order, while the row does not fit: sparklines,
 * the deployments count, the tenant, then level words become letters; the group column
 * is cut last. */
struct scorecard_layout {
	int group_x, group_w;
	int tenant_x, tenant_w;
	int deploys_x, deploys_w;
	int value_x[DORA_METRIC_COUNT], value_w[DORA_METRIC_COUNT];
	int level_x[DORA_METRIC_COUNT], level_w;
	int spark_x[DORA_METRIC_COUNT], spark_w;
	bool short_levels;
	int width;                    /* the cells a row takes */
};

void scorecard_layout_compute(const struct dora_report *r, enum dora_group_by by, int cols,
			      struct scorecard_layout *l);

/* The header text of a layout ("SERVICE  TENANT ..."), padded to l->width. */
void scorecard_header_text(const struct scorecard_layout *l, enum dora_group_by by,
			   char *buf, size_t len);

/* True when name is a tenant of some deployment or incident of d (:dora NAME filters by
 * tenant then, else by service). */
bool scorecard_name_is_tenant(const struct dora_data *d, const char *name);

/* The weekly values of group's metric m in r (the last SCORECARD_SPARK_WEEKS weeks,
 * oldest first) into out; NaN where unknown or when r has no such group. */
void scorecard_weekly(const struct dora_report *r, const char *group, enum dora_metric m,
		      double out[SCORECARD_SPARK_WEEKS]);

/* The card of group in r, or NULL. */
const struct dora_card *scorecard_find_card(const struct dora_report *r, const char *group);

/* One deployment behind a card: "2026-11-20 14:02  prd  a1b2c3d4  FAILED REWORK  note";
 * one incident: "2026-11-20 14:10  2026-11-20 15:00  prd  what" ("open" when not
 * restored). */
void scorecard_deploy_line(const struct dora_report *r, const struct dora_data *d, size_t i,
			   char *buf, size_t len);
void scorecard_incident_line(const struct dora_data *d, size_t i, char *buf, size_t len);

#endif
