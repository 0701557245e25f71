/* Requests: what a keypress asks for (move-down, describe, delete, ...), one X-macro list
 * with names used in keymap files, flags and help text. Views handle requests, not keys. */
#ifndef OPSDECK_CORE_REQUEST_H
#define OPSDECK_CORE_REQUEST_H

#include <stdbool.h>

/* Flags of a request. */
enum request_flag {
	REQ_GLOBAL = 1 << 0, /* handled by the shell whatever the view (quit, help, :) */
	REQ_ACTION = 1 << 1, /* mutates the platform: hidden and refused in read-only mode */
	REQ_FOOTER = 1 << 2, /* worth a hint in the footer when bound in the view */
	REQ_MOTION = 1 << 3, /* moves the selection or scrolls; no data changes */
};

/* REQUEST(ID, "name", flags, "help text"), in help order (the `?` screen lists them in
 * this order, so related requests stay together). */
#define REQUEST_LIST(REQUEST) \
	REQUEST(QUIT, "quit", REQ_GLOBAL | REQ_FOOTER, "Quit opsdeck") \
	REQUEST(HELP, "help", REQ_GLOBAL | REQ_FOOTER, "Show the keys of this view") \
	REQUEST(BACK, "back", REQ_GLOBAL, "Go back to the previous view (clears an active filter first)") \
	REQUEST(ENTER, "enter", REQ_FOOTER, "Open the selected item / drill down") \
	REQUEST(COMMAND, "command", REQ_GLOBAL | REQ_FOOTER, "Command mode (:pods, :ctx, :ns ...)") \
	REQUEST(FILTER, "filter", REQ_FOOTER, "Filter rows: text, regex, !invert, -l selector") \
	REQUEST(CLEAR_FILTER, "clear-filter", 0, "Clear the filter") \
	REQUEST(MOVE_UP, "move-up", REQ_MOTION, "Move up one row") \
	REQUEST(MOVE_DOWN, "move-down", REQ_MOTION, "Move down one row") \
	REQUEST(PAGE_UP, "page-up", REQ_MOTION, "Move up one page") \
	REQUEST(PAGE_DOWN, "page-down", REQ_MOTION, "Move down one page") \
	REQUEST(HALF_PAGE_UP, "half-page-up", REQ_MOTION, "Move up half a page") \
	REQUEST(HALF_PAGE_DOWN, "half-page-down", REQ_MOTION, "Move down half a page") \
	REQUEST(FIRST, "first", REQ_MOTION, "Go to the first row") \
	REQUEST(LAST, "last", REQ_MOTION, "Go to the last row") \
	REQUEST(SCROLL_LEFT, "scroll-left", REQ_MOTION, "Scroll the columns left") \
	REQUEST(SCROLL_RIGHT, "scroll-right", REQ_MOTION, "Scroll the columns right") \
	REQUEST(MARK, "mark", 0, "Mark or unmark the selected row") \
	REQUEST(SORT_NEXT_COLUMN, "sort-next-column", 0, "Sort by the next column") \
	REQUEST(SORT_PREV_COLUMN, "sort-prev-column", 0, "Sort by the previous column") \
	REQUEST(SORT_REVERSE, "sort-reverse", 0, "Reverse the sort order") \
	REQUEST(SORT_NAME, "sort-name", 0, "Sort by name (again: reverse)") \
	REQUEST(SORT_NAMESPACE, "sort-namespace", 0, "Sort by namespace (again: reverse)") \
	REQUEST(SORT_AGE, "sort-age", 0, "Sort by age (again: reverse)") \
	REQUEST(SORT_STATUS, "sort-status", 0, "Sort by status (again: reverse)") \
	REQUEST(DESCRIBE, "describe", REQ_FOOTER, "Describe the selected object") \
	REQUEST(YAML, "yaml", REQ_FOOTER, "Show the selected object as YAML") \
	REQUEST(EVENTS, "events", REQ_FOOTER, "Events of the selected object") \
	REQUEST(OWNER, "owner", 0, "Jump to the owner of the selected object") \
	REQUEST(RELATED, "related", 0, "Objects related to the selected one") \
	REQUEST(LOGS, "logs", REQ_FOOTER, "Logs of the selected object") \
	REQUEST(ALL_NAMESPACES, "all-namespaces", 0, "Show all namespaces") \
	REQUEST(FAVOURITE_NAMESPACE, "favourite-namespace", 0, "Favourite namespace N (the digit pressed)") \
	REQUEST(SEARCH, "search", REQ_FOOTER, "Search the text") \
	REQUEST(SEARCH_NEXT, "search-next", 0, "Next search match") \
	REQUEST(SEARCH_PREV, "search-prev", 0, "Previous search match") \
	REQUEST(LOG_FOLLOW, "log-follow", REQ_FOOTER, "Logs: follow new lines or pause") \
	REQUEST(LOG_FILTER, "log-filter", REQ_FOOTER, "Logs: show only matching lines (!pattern: the others)") \
	REQUEST(LOG_TIMESTAMPS, "log-timestamps", 0, "Logs: show or hide timestamps") \
	REQUEST(LOG_WRAP, "log-wrap", 0, "Logs: wrap long lines or cut them") \
	REQUEST(LOG_JSON, "log-json", 0, "Logs: JSON lines rendered (message key=value) or raw") \
	REQUEST(LOG_FIELDS, "log-fields", 0, "Logs: the JSON fields to show (comma-separated)") \
	REQUEST(LOG_PREVIOUS, "log-previous", 0, "Logs: the previous container instance on/off") \
	REQUEST(LOG_CONTAINER, "log-container", 0, "Logs: next container (all, then each)") \
	REQUEST(LOG_TAIL, "log-tail", 0, "Logs: start from the last N lines") \
	REQUEST(LOG_SINCE, "log-since", 0, "Logs: since 1m/5m/15m/1h/all (the digit pressed: 1-5)") \
	REQUEST(LOG_SAVE, "log-save", REQ_FOOTER, "Logs: save the lines to a file") \
	REQUEST(REFRESH, "refresh", REQ_GLOBAL, "Clear and redraw the screen") \
	REQUEST(TOGGLE_WIDE, "toggle-wide", 0, "Toggle wide columns") \
	REQUEST(RESTART, "restart", REQ_ACTION | REQ_FOOTER, "Rollout restart the selected workload") \
	REQUEST(SCALE, "scale", REQ_ACTION | REQ_FOOTER, "Scale the selected workload") \
	REQUEST(DELETE, "delete", REQ_ACTION | REQ_FOOTER, "Delete the selected object(s)") \
	REQUEST(ROLLOUT_UNDO, "rollout-undo", REQ_ACTION, "Roll back to the previous revision") \
	REQUEST(DIFF, "diff", REQ_FOOTER, "Diff of the live and desired state (Argo CD)") \
	REQUEST(SYNC, "sync", REQ_ACTION | REQ_FOOTER, "Sync the application (asks for options)") \
	REQUEST(ROLLBACK, "rollback", REQ_ACTION | REQ_FOOTER, "Roll the application back to a history entry") \
	REQUEST(APP_REFRESH, "app-refresh", REQ_ACTION, "Refresh the application from Git") \
	REQUEST(APP_HARD_REFRESH, "app-hard-refresh", REQ_ACTION, "Hard refresh (regenerate manifests)") \
	REQUEST(TERMINATE, "terminate", REQ_ACTION, "Terminate the running operation") \
	REQUEST(PROMOTE, "promote", REQ_ACTION | REQ_FOOTER, "Promote the service (the plan first, then confirm)") \
	/* triage: from an alert to its app, pods and recent changes */ \
	REQUEST(OPEN_APP, "open-app", REQ_FOOTER, "Open the Argo CD application of the selected alert") \
	REQUEST(FAILING_PODS, "failing-pods", REQ_FOOTER, "The pods of the selected alert's service") \
	REQUEST(CHANGES, "changes", REQ_FOOTER, "What changed: the app's last syncs and their diff") \
	/* findings: security findings per workload */ \
	REQUEST(FINDINGS_FIXABLE, "findings-fixable", REQ_FOOTER, "Findings: count only those with a fix, or all") \
	REQUEST(FINDINGS_GROUP, "findings-group", REQ_FOOTER, "Findings: by workload, service, environment or cluster") \
	/* findings: one scanner's at a time */ \
	REQUEST(FINDINGS_SOURCE, "findings-source", REQ_FOOTER, "Findings: only trivy, policy, sonarqube, defectdojo or harbor, then all") \
	/* dora: the DORA scorecards */ \
	REQUEST(DORA_GROUP, "dora-group", REQ_FOOTER, "DORA: by service, tenant or environment") \
	REQUEST(DORA_WINDOW, "dora-window", REQ_FOOTER, "DORA: the window 30d, 90d or 7d") \
	REQUEST(DORA_ENV, "dora-env", REQ_FOOTER, "DORA: the next environment (then all)") \
	REQUEST(DORA_OPEN, "dora-open", 0, "DORA scorecards of the selected tenant") \
	/* findings, dora: the rows as shown, as the batch commands' -o md */ \
	REQUEST(EXPORT, "export", REQ_FOOTER, "Save the view as a Markdown report")

#define REQUEST_ENUM_(id, name, flags, help) REQ_##id,
enum request {
	REQ_NONE = 0, /* no request: an unbound key, or "none" in a keymap */
	REQUEST_LIST(REQUEST_ENUM_)
	REQ_COUNT
};
#undef REQUEST_ENUM_

/* The keymap name of req ("move-down"); "none" for REQ_NONE, NULL when out of range. */
const char *request_name(enum request req);
/* The request named name (exact, lower case), "none" -> REQ_NONE; returns false when
 * there is no such request. */
bool request_from_name(const char *name, enum request *out);
/* One line of help text; NULL when out of range or REQ_NONE. */
const char *request_help(enum request req);
/* The REQ_* flag bits of req; 0 for REQ_NONE and out of range. */
unsigned request_flags(enum request req);
/* True when read-only mode must hide and refuse req (it has REQ_ACTION). */
static inline bool request_is_action(enum request req)
{
	return (request_flags(req) & REQ_ACTION) != 0;
}

#endif
