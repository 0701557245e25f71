/* Sparklines: a series of values drawn one cell each with the eight block glyphs
 * (UTF-8) or an ASCII ramp (" .:-=+*#"), from tui/glyphs.h. */
#ifndef OPSDECK_TUI_SPARKLINE_H
#define OPSDECK_TUI_SPARKLINE_H

#include "tui/theme.h" /* curses.h with the wide-character API */

#include <stddef.h>

/* Scale: 0..max, where max is the largest value of the series shown. Bars start at zero
 * so a week with half the deployments of the best week is half as tall (a min..max
 * scale would turn small differences into cliffs). A missing value is NaN: drawn as
 * GLYPH_SPARK_NONE ("·" in UTF-8, a space in ASCII). */

/* The ramp step (0..7) of v on the 0..max scale: 0 and below (and every value when max
 * <= 0) is step 0; any positive value is at least step 1, so "something" never looks
 * like "nothing"; the rest rounds up on seven equal steps (k/7 of max is step k). -1 for NaN. */
int sparkline_level(double v, double max);

/* The largest value of v[0..n) that is not NaN; 0 when there is none. */
double sparkline_max(const double *v, size_t n);

/* The glyphs of v[0..n) (the last width of them when n > width; width < 0: all) written
 * to buf as text, NUL-terminated and cut at a whole glyph when len is short. Returns the
 * cells written. */
size_t sparkline_format(const double *v, size_t n, int width, char *buf, size_t len);

/* Draws the series at (y, x) of win with attr: the newest width values, right-aligned
 * (spaces before them when there are fewer). */
void sparkline_draw(WINDOW *win, int y, int x, const double *v, size_t n, int width,
		    attr_t attr);

#endif
