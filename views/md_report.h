/* Markdown reports saved from the console (ctrl-s in :findings and :dora): the default
 * file name, and an atomic write of what a printer puts on a FILE*. */
#ifndef OPSDECK_VIEWS_MD_REPORT_H
#define OPSDECK_VIEWS_MD_REPORT_H

#include <stddef.h>
#include <stdio.h>

/* Prints the report on out; ud is the caller's. */
typedef void md_report_print_fn(FILE *out, void *ud);

/* "./KIND-SCOPE-YYYY-MM-DD.md" for the UTC day of now; SCOPE is "all" when scope is NULL
 * or empty, its '/', spaces and other characters unsafe in a file name become '-'.
 * Caller frees. */
char *md_report_default_path(const char *kind, const char *scope, long long now);

/* Writes what print puts out to path atomically: a temp file in path's directory,
 * flushed and fsync'd, then renamed over path, so a reader never sees half a report.
 * 0, or -1 with "PATH: reason" in err (nothing left behind). */
int md_report_save(const char *path, md_report_print_fn *print, void *ud, char *err,
		   size_t errlen);

#endif
