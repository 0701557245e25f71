/* Sparklines (tui/sparkline.h): values to ramp steps to glyphs, one cell each. */
#include "tui/sparkline.h"

#include <math.h> /* isnan */
#include <string.h>

#include "tui/glyphs.h"

int sparkline_level(double v, double max)
{
	if (isnan(v))
		return -1;
	if (v <= 0 || max <= 0)
		return 0;
	if (v >= max)
		return 7;
	/* steps 1..7 split (0, max] evenly, rounding up: a sliver above zero still shows;
	 * the epsilon keeps k/7 of max on step k despite rounding */
	double x = v / max * 7.0 - 1e-9;
	int step = (int)x;
	if (step < x)
		step++;
	return step < 1 ? 1 : step > 7 ? 7 : step;
}

double sparkline_max(const double *v, size_t n)
{
	double max = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]) && v[i] > max)
			max = v[i];
	return max;
}

static const char *step_glyph(int step)
{
	return step < 0 ? glyph(GLYPH_SPARK_NONE) : glyph((enum glyph)(GLYPH_SPARK_0 + step));
}

size_t sparkline_format(const double *v, size_t n, int width, char *buf, size_t len)
{
	size_t first = width >= 0 && n > (size_t)width ? n - (size_t)width : 0, used = 0, cells = 0;
	double max = sparkline_max(v + first, n - first);
	if (len == 0)
		return 0;
	buf[0] = '\0';
	for (size_t i = first; i < n; i++) {
		const char *g = step_glyph(sparkline_level(v[i], max));
		size_t gl = strlen(g);
		if (used + gl + 1 > len)
			break;
		memcpy(buf + used, g, gl + 1);
		used += gl;
		cells++;
	}
	return cells;
}

void sparkline_draw(WINDOW *win, int y, int x, const double *v, size_t n, int width,
		    attr_t attr)
{
	if (width <= 0)
		return;
	char buf[4 * 64 + 1];
	if (width > 64)
		width = 64;
	size_t cells = sparkline_format(v, n, width, buf, sizeof buf);
	wattrset(win, A_NORMAL);
	mvwprintw(win, y, x, "%*s", width - (int)cells, "");
	wattrset(win, (int)attr);
	mvwaddstr(win, y, x + width - (int)cells, buf);
	wattrset(win, A_NORMAL);
}
