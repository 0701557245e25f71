/* The environment board's model: the Argo CD apps table pivoted into one row per service
 * and one column per environment (in promotion order), each cell the version running
 * there with its sync/health state and the age of the last deploy, and drift marked: a
 * later environment running a version no earlier one runs and newer than all of them.
 * Pure data (no screen), so it is tested alone. */
#ifndef OPSDECK_CORE_BOARD_H
#define OPSDECK_CORE_BOARD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/table.h"

enum board_state {
	BOARD_EMPTY,        /* no app of the service in that environment */
	BOARD_OK,           /* Synced and Healthy */
	BOARD_PROGRESSING,  /* an operation running, or health Progressing */
	BOARD_OUT_OF_SYNC,  /* OutOfSync (Git asks for something else) */
	BOARD_DEGRADED,     /* Degraded, Missing, or the last operation failed */
	BOARD_UNKNOWN,
};

struct board_cell {
	char *version;      /* the image tag ("4.0.1"), "" when unknown */
	char *app;          /* the Argo CD application */
	char *cluster;      /* its destination cluster (the gate's context) */
	char *deployed;     /* age of the last deploy ("3d"), "" */
	enum board_state state;
	bool drift;
	unsigned critical, high;    /* security findings there (board_set_findings), 0 */
};

struct board_row {
	char *service;
	char *tenant;       /* the app's project */
	struct board_cell *cells;   /* nenvs */
};

struct board {
	char **envs;        /* in promotion order */
	size_t nenvs;
	struct board_row *rows;     /* sorted by tenant, then service */
	size_t nrows;
};

/* Builds the board from apps (the Argo CD apps table: columns found by name: Name,
 * Project, Cluster, Environment, Sync, Health, Operation, Images, Deployed).
 * env_order lists environments in promotion order (NULL: dev, sit, uat, pre, prd); an
 * environment not listed there comes after them, alphabetically. The service of an app
 * is its name minus "-ENV". Free with board_free. */
struct board *board_build(const struct table *apps, const char *const *env_order,
			  size_t norder);
void board_free(struct board *b);

/* The board as a table for the table widget: SERVICE, TENANT, then one column per
 * environment with "VERSION MARK AGE" cells (marks from tui glyphs: the caller passes
 * them, so this stays free of tui): row identity uid = service. */
struct board_marks {
	const char *ok, *progressing, *out_of_sync, *degraded, *drift;
};
struct table *board_table(const struct board *b, const struct board_marks *marks);
/* The same with a mark after the age for cells with critical findings, or else high
 * ones (board_set_findings); NULL: no mark. */
struct table *board_table_findings(const struct board *b, const struct board_marks *marks,
				   const char *critical, const char *high);

/* Records the critical and high findings of service's workload in env (no-op when the
 * board has no such cell), shown by board_table with the critical/high marks. */
void board_set_findings(struct board *b, const char *service, const char *env,
			unsigned critical, unsigned high);

/* The row of service (NULL when absent). */
const struct board_row *board_find(const struct board *b, const char *service);

#endif
