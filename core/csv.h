/* One CSV field as RFC 4180 writes it, for the batch commands' -o csv: quoted when it
 * holds a comma, a quote or a line break (quotes doubled), and guarded against formula
 * injection, since a report's cells come from servers and scanners. */
#ifndef OPSDECK_CORE_CSV_H
#define OPSDECK_CORE_CSV_H

#include <stdio.h>

/* Writes s as one field (no separator, no line end: the caller writes those). A cell a
 * spreadsheet would run as a formula (starting with =, +, -, @, tab or CR, unless it is
 * a plain number or a lone "-") is quoted with a leading ' so that it is shown instead. */
void csv_put(FILE *out, const char *s);

#endif
