/* The console's timeline feed: while the console runs, Warning events of the current
 * context and of the platform's clusters, and Argo CD operation and health changes, are
 * appended to the local timeline (core/timeline.h). Nothing here draws: views that show
 * the timeline listen and redraw only when they are on top. */
#ifndef OPSDECK_VIEWS_CONSOLE_TIMELINE_H
#define OPSDECK_VIEWS_CONSOLE_TIMELINE_H

#include "core/timeline.h"
#include "views/console.h"

/* Opens the timeline file and starts the watches. Failures are quiet (no timeline:
 * nothing recorded; the timeline view says why). */
void console_timeline_start(struct console *c);
/* Stops the watches and closes the file. */
void console_timeline_stop(struct console *c);

/* The timeline's file, or NULL when none could be opened (why in err). */
const char *console_timeline_path(char *err, size_t errlen);
/* Appends an entry (alerts seen by the triage view) and tells the listener. Returns
 * timeline_append's result; -1 when there is no timeline. */
int console_timeline_append(const struct timeline_entry *e);

/* One listener (the timeline view) told after each new entry; fn NULL removes it. */
typedef void (*console_timeline_fn)(void *ud);
void console_timeline_listen(console_timeline_fn fn, void *ud);

#endif
