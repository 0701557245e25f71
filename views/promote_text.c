/* The promotion plan as text (views/promote_text.h). */
#include "views/promote_text.h"

#include <time.h>

static const char *or_unknown(const char *s)
{
	return s && *s ? s : "?";
}

void promote_text_plan(struct strbuf *out, const struct promote_plan *pl)
{
	strbuf_printf(out, "Promote %s from %s to %s\n", pl->service, pl->from_env, pl->to_env);
	strbuf_printf(out, "  %-8s %-24s running %-12s git %s\n", pl->from_env, pl->from_app,
		      or_unknown(pl->from_version), or_unknown(pl->git_from_tag));
	strbuf_printf(out, "  %-8s %-24s running %-12s git %s -> %s\n", pl->to_env, pl->to_app,
		      or_unknown(pl->to_version), or_unknown(pl->git_to_tag), pl->tag);
	strbuf_printf(out, "  file     %s\n", pl->file);
	strbuf_printf(out, "  target   %s, protection %s\n", or_unknown(pl->to_cluster),
		      platform_protection_name(pl->protection));
	strbuf_puts(out, "\nGates:\n");
	for (int i = 0; i < PROMOTE_GATE_COUNT; i++)
		strbuf_printf(out, "  [%s] %s: %s\n", pl->gates[i].ok ? "ok" : "!!",
			      pl->gates[i].name, pl->gates[i].detail);
	strbuf_printf(out, "\nCommits to %s (newest first):\n", pl->from_env);
	for (size_t i = 0; i < pl->ncommits; i++) {
		char when[32];
		time_t t = (time_t)pl->commits[i].time;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		strbuf_printf(out, "  %.7s %s %s (%s)\n", pl->commits[i].sha, when,
			      pl->commits[i].subject, pl->commits[i].author);
	}
	strbuf_printf(out, "\nDiff:\n%s",
		      *pl->diff ? pl->diff : "  (none: the file already has that tag)\n");
}
