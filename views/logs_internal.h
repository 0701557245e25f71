/* The logs view's state, shared by its files: logs.c (the ops, keys, prompts and status
 * line), logs_stream.c (what to follow, the kube_logset and its callbacks) and
 * logs_draw.c (the visible window of lines). */
#ifndef OPSDECK_VIEWS_LOGS_INTERNAL_H
#define OPSDECK_VIEWS_LOGS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clients/argocd.h"
#include "clients/kube_logs.h"
#include "core/strbuf.h"
#include "views/logs_model.h"
#include "views/view.h"

#define LOGS_DEFAULT_TAIL 200

/* What a prompt the view opened is asking (the console's `/` is a search). */
enum logs_prompt { LOGS_PROMPT_SEARCH, LOGS_PROMPT_FILTER, LOGS_PROMPT_TAIL,
		   LOGS_PROMPT_FIELDS, LOGS_PROMPT_SAVE };

struct logs_view {
	struct view *view;
	struct logs_model *model;

	/* what is followed */
	char *context, *namespace, *title, *name; /* name: for the saved file's name */
	char *pod, *workload, *label_selector, *app;
	char **pods;
	size_t npods;
	char *container;              /* NULL: all */
	char **containers;            /* every container seen, for `c` */
	size_t ncontainers;
	bool previous;
	long long tail, since;        /* tail < 0: all; since <= 0: no limit */
	struct kube_logset *set;
	struct argocd_call *tree_call;
	enum kube_log_state state;
	unsigned streaming;
	char *error;

	/* where the window is */
	bool follow, wrap;
	uint64_t top_seq;             /* first line shown while paused */
	size_t left;                  /* horizontal scroll (no wrap) */
	size_t new_lines;             /* shown lines arrived while paused */
	uint64_t current;             /* the current search match's line (0: none) */
	enum logs_prompt prompt;

	/* drawing */
	bool dirty;
	int drawn_rows, drawn_cols;
	struct strbuf line;
	unsigned char *el;
	size_t elcap;
};

static inline struct logs_view *logs_of(const struct view *v)
{
	return v->priv;
}

/* logs_stream.c: reads the target from args (false with err when it names nothing that
 * has logs), starts following (or fetches the app's tree first). */
bool logs_target_open(struct logs_view *lv, const struct view_args *a, char *err,
		      size_t errlen);
/* Stops, forgets the lines, starts again with the current options. */
void logs_restart(struct logs_view *lv);
void logs_stop(struct logs_view *lv);
/* Frees the target's strings. */
void logs_target_free(struct logs_view *lv);

/* logs_draw.c */
void logs_draw(struct view *v, WINDOW *win, bool full);
/* Index of the first shown line in the window (follow: so the last line ends it). */
size_t logs_top_index(struct logs_view *lv, int rows, int cols);
/* The shown index of the last line with rows wrapped to the bottom, for page motions. */
size_t logs_bottom_top(struct logs_view *lv, int rows, int cols);
/* Rows the shown line i takes at cols (1 without wrap). */
int logs_line_rows(struct logs_view *lv, size_t i, int cols);

#endif
