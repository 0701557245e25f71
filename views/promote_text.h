/* The promotion plan as text: versions, gates, the source's recent commits and the file
 * diff, shown by `opsdeck promote` and by the console's promotion view alike. */
#ifndef OPSDECK_VIEWS_PROMOTE_TEXT_H
#define OPSDECK_VIEWS_PROMOTE_TEXT_H

#include "clients/promote.h"
#include "core/strbuf.h"

/* Appends the plan to out (strings as the plan holds them: sanitise before drawing). */
void promote_text_plan(struct strbuf *out, const struct promote_plan *pl);

#endif
