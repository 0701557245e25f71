/* The prompt: a one-line editor for `:` commands, `/` filters and searches, and dialog
 * input, with readline-like keys, history, and tab completion whose candidates show on
 * the line above it (as vim's wildmenu). */
#ifndef OPSDECK_TUI_PROMPT_H
#define OPSDECK_TUI_PROMPT_H

#include "tui/theme.h" /* curses.h with the wide-character API */

#include <stdbool.h>
#include <stddef.h>

struct prompt;

/* Fills the completion candidates for text (the whole line as typed so far): call
 * add(list, candidate) for each, in the order to show them; each candidate is the
 * whole line it would complete to ("pods", "pods @all", "ns kube-system"). */
struct prompt_candidates;
void prompt_candidates_add(struct prompt_candidates *list, const char *candidate);
typedef void (*prompt_complete_fn)(void *ud, const char *text, struct prompt_candidates *out);

enum prompt_status {
	PROMPT_EDITING,  /* keep going */
	PROMPT_ACCEPT,   /* Enter: prompt_text() is the answer */
	PROMPT_CANCEL,   /* Esc (or Ctrl-C, or Backspace on an empty line): abandoned */
};

/* A prompt labelled label (":", "/", "Replicas: "; copied). history is shared between
 * prompts of the same kind and may be NULL: see prompt_history_new. */
struct prompt_history;
struct prompt_history *prompt_history_new(size_t max_entries);
void prompt_history_free(struct prompt_history *h);
/* Adds a line (not empty, not equal to the newest entry); oldest dropped past max. */
void prompt_history_add(struct prompt_history *h, const char *line);

struct prompt *prompt_new(const char *label, struct prompt_history *history);
void prompt_free(struct prompt *p);
void prompt_set_completer(struct prompt *p, prompt_complete_fn fn, void *ud);
/* Starts with text (copied), cursor at its end. */
void prompt_set_text(struct prompt *p, const char *text);

/* Feeds one key (as struct screen_ops.key delivers it). Editing keys: printable
 * characters (any Unicode code point) insert; left/right, home/end, ctrl-a/ctrl-e move;
 * backspace, delete, ctrl-w (word), ctrl-u (to start), ctrl-k (to end) delete; up/down
 * walk the history; tab completes: with one candidate the line becomes it, with several
 * the line becomes their longest common prefix and, pressed again, cycles through them
 * (shift-tab backwards); typing after a cycle keeps the chosen candidate. Candidates
 * are recomputed after every edit (shown as you type). Enter accepts (the chosen
 * candidate when cycling), Esc cancels. */
enum prompt_status prompt_key(struct prompt *p, int key, bool function_key);

/* The line as edited (UTF-8). */
const char *prompt_text(const struct prompt *p);
/* The current candidates (after the last edit) and the one selected by cycling (-1
 * when none). */
size_t prompt_candidate_count(const struct prompt *p);
const char *prompt_candidate(const struct prompt *p, size_t i);
int prompt_candidate_selected(const struct prompt *p);

/* Draws the prompt into line (a one-line window: label in THEME_PROMPT, then the text,
 * scrolled so the cursor is visible, the cursor shown as a reverse-video cell: the
 * terminal cursor stays hidden) and, when wild is not NULL, the candidates into wild
 * (a one-line window: candidates separated by two spaces in THEME_COMPLETION, the
 * selected one in THEME_COMPLETION_SELECTED, scrolled to keep it visible, "…" at a
 * cut; blank when none). Calls wnoutrefresh on what it wrote. */
void prompt_draw(struct prompt *p, WINDOW *line, WINDOW *wild);

#endif
