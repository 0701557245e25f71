/* Glyphs: box lines, sort arrows, marks and ellipsis from a UTF-8 table or an ASCII
 * table, chosen by the locale's codeset so non-UTF-8 terminals never see mojibake. */
#ifndef OPSDECK_TUI_GLYPHS_H
#define OPSDECK_TUI_GLYPHS_H

#include <stdbool.h>

/* GLYPH(ID, utf8, ascii). No spinners: opsdeck never animates. SPARK_0..7 are the
 * sparkline ramp lowest to highest (tui/sparkline.h), SPARK_NONE a week without a value. */
#define GLYPH_LIST(GLYPH) \
	GLYPH(HLINE, "\u2500", "-") \
	GLYPH(VLINE, "\u2502", "|") \
	GLYPH(TOP_LEFT, "\u250c", "+") \
	GLYPH(TOP_RIGHT, "\u2510", "+") \
	GLYPH(BOTTOM_LEFT, "\u2514", "+") \
	GLYPH(BOTTOM_RIGHT, "\u2518", "+") \
	GLYPH(TEE_LEFT, "\u251c", "+") \
	GLYPH(TEE_RIGHT, "\u2524", "+") \
	GLYPH(TEE_TOP, "\u252c", "+") \
	GLYPH(TEE_BOTTOM, "\u2534", "+") \
	GLYPH(CROSS, "\u253c", "+") \
	GLYPH(SORT_ASC, "\u25b2", "^") \
	GLYPH(SORT_DESC, "\u25bc", "v") \
	GLYPH(ELLIPSIS, "\u2026", "~") \
	GLYPH(BULLET, "\u2022", "*") \
	GLYPH(CHECK, "\u2713", "+") \
	GLYPH(CROSS_MARK, "\u2717", "x") \
	GLYPH(ARROW_RIGHT, "\u2192", ">") \
	GLYPH(CRUMB_SEP, "\u203a", ">") \
	GLYPH(TREE_BRANCH, "\u251c\u2500", "|-") \
	GLYPH(TREE_LAST, "\u2514\u2500", "`-") \
	GLYPH(REPLACEMENT, "\ufffd", "?") \
	GLYPH(SPARK_0, "\u2581", " ") \
	GLYPH(SPARK_1, "\u2582", ".") \
	GLYPH(SPARK_2, "\u2583", ":") \
	GLYPH(SPARK_3, "\u2584", "-") \
	GLYPH(SPARK_4, "\u2585", "=") \
	GLYPH(SPARK_5, "\u2586", "+") \
	GLYPH(SPARK_6, "\u2587", "*") \
	GLYPH(SPARK_7, "\u2588", "#") \
	GLYPH(SPARK_NONE, "\u00b7", " ")

#define GLYPH_ENUM_(id, utf8, ascii) GLYPH_##id,
enum glyph {
	GLYPH_LIST(GLYPH_ENUM_)
	GLYPH_COUNT
};
#undef GLYPH_ENUM_

/* True when codeset (as nl_langinfo(CODESET) returns it) is UTF-8 ("UTF-8", "utf8",
 * any case). NULL is false. */
bool glyphs_codeset_is_utf8(const char *codeset);

/* Chooses the table from the current locale: call after setlocale(LC_ALL, ""). Returns
 * whether the UTF-8 table was chosen. Until called, the ASCII table is in use. */
bool glyphs_init_from_locale(void);

/* Chooses the UTF-8 table (true) or the ASCII one (false) explicitly. */
void glyphs_use_utf8(bool utf8);

/* True while the UTF-8 table is in use. */
bool glyphs_utf8(void);

/* The glyph's text in the current table (never NULL; "" out of range). Each is one
 * terminal column wide except the TREE_* pair, which are two. */
const char *glyph(enum glyph id);

#endif
