/* Themes (tui/theme.h): element names, colour names, theme files (YAML) with inheritance
 * by element parent and by "base:", the mono decision, and colour pairs on the screen. */
#include "tui/theme.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"
#include "core/xalloc.h"
#include "core/yaml.h"
#include "core/yaml_mark.h"

/* How deep "base:" chains may go before we call it a loop. */
#define THEME_BASE_MAX_DEPTH 8

#define THEME_NAME_(id, name, parent) [THEME_##id] = name,
static const char *const element_names[THEME_ELEMENT_COUNT] = {THEME_ELEMENT_LIST(THEME_NAME_)};
#undef THEME_NAME_

#define THEME_PARENT_(id, name, parent) [THEME_##id] = THEME_##parent,
static const enum theme_element element_parents[THEME_ELEMENT_COUNT] = {
	THEME_ELEMENT_LIST(THEME_PARENT_)};
#undef THEME_PARENT_

static const char *const color_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const struct {
	const char *name;
	attr_t attr;
} attr_names[] = {
	{"bold", A_BOLD}, {"reverse", A_REVERSE}, {"underline", A_UNDERLINE},
	{"dim", A_DIM}, {"standout", A_STANDOUT}, {"normal", A_NORMAL},
};

/* The applied theme's attributes per element (theme_attr); one screen per process. */
static attr_t applied_attrs[THEME_ELEMENT_COUNT];

const char *theme_element_name(enum theme_element el)
{
	return (int)el >= 0 && el < THEME_ELEMENT_COUNT ? element_names[el] : NULL;
}

bool theme_element_from_name(const char *name, enum theme_element *out)
{
	for (int i = 0; name && i < THEME_ELEMENT_COUNT; i++) {
		if (strcmp(element_names[i], name) == 0) {
			*out = (enum theme_element)i;
			return true;
		}
	}
	return false;
}

bool theme_color_from_name(const char *name, short *out)
{
	if (!name || !*name)
		return false;
	if (strcmp(name, "default") == 0) {
		*out = THEME_COLOR_DEFAULT;
		return true;
	}
	if (strcmp(name, "grey") == 0 || strcmp(name, "gray") == 0) {
		*out = 8;
		return true;
	}
	bool bright = strncmp(name, "bright-", 7) == 0;
	const char *base = bright ? name + 7 : name;
	for (short i = 0; i < 8; i++) {
		if (strcmp(base, color_names[i]) == 0) {
			*out = (short)(bright ? i + 8 : i);
			return true;
		}
	}
	if (strlen(name) > 3)
		return false;
	for (const char *p = name; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	int n = atoi(name);
	if (n > 255)
		return false;
	*out = (short)n;
	return true;
}

static bool theme_name_valid(const char *name)
{
	if (!name || !*name || strlen(name) > 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-' &&
		    *p != '_')
			return false;
	return true;
}

/* user_dir/NAME.yaml, user_dir defaulting to $XDG_CONFIG_HOME/opsdeck/themes (or
 * $HOME/.config/...); NULL when no directory can be named. */
static char *theme_user_path(const char *name, const char *user_dir)
{
	if (user_dir)
		return xasprintf("%s/%s.yaml", user_dir, name);
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && *xdg == '/')
		return xasprintf("%s/opsdeck/themes/%s.yaml", xdg, name);
	const char *home = getenv("HOME");
	if (home && *home)
		return xasprintf("%s/.config/opsdeck/themes/%s.yaml", home, name);
	return NULL;
}

static const struct embedded_file *theme_embedded(const char *name)
{
	char *path = xasprintf("themes/%s.yaml", name);
	const struct embedded_file *f = embedded_find(path);
	free(path);
	return f;
}

bool theme_exists(const char *name, const char *user_dir)
{
	if (!theme_name_valid(name))
		return false;
	if (theme_embedded(name))
		return true;
	char *path = theme_user_path(name, user_dir);
	FILE *f = path ? fopen(path, "r") : NULL;
	free(path);
	if (f)
		fclose(f);
	return f != NULL;
}

const char *theme_pick(const char *const *chain, size_t n, const char *no_color,
		       bool has_colors, int colors, const char *user_dir)
{
	if ((no_color && *no_color) || !has_colors || colors < 8)
		return "mono";
	for (size_t i = 0; chain && i < n; i++)
		if (chain[i] && theme_exists(chain[i], user_dir))
			return chain[i];
	return "dark";
}

void theme_free(struct theme *theme)
{
	if (!theme)
		return;
	free(theme->name);
	free(theme);
}

/* Fills what elements did not set from their parents (parents come first in the list). */
static void theme_resolve(struct theme *theme)
{
	for (int i = 0; i < THEME_ELEMENT_COUNT; i++) {
		struct theme_style *s = &theme->styles[i];
		const struct theme_style *p = &theme->styles[element_parents[i]];
		if (i == THEME_DEFAULT)
			continue;
		if (!s->has_fg)
			s->fg = p->fg;
		if (!s->has_bg)
			s->bg = p->bg;
		if (!s->has_attrs)
			s->attrs = p->attrs;
	}
}

static struct theme *theme_new_blank(const char *name)
{
	struct theme *t = xcalloc(1, sizeof *t);
	t->name = xstrdup(name);
	for (int i = 0; i < THEME_ELEMENT_COUNT; i++)
		t->styles[i] = (struct theme_style){THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT,
						   A_NORMAL, false, false, false};
	return t;
}

/* Where errors point: the parse context of one theme file. */
struct theme_src {
	const char *file, *text;
	size_t len;
	char *err;
	size_t errlen;
};

static int theme_fail(const struct theme_src *src, const char *const *path, size_t depth,
		      const char *problem)
{
	int line = 0, col = 0;
	if (yaml_mark_find(src->text, src->len, path, depth, &line, &col))
		snprintf(src->err, src->errlen, "%s:%d:%d: %s", src->file, line, col, problem);
	else
		snprintf(src->err, src->errlen, "%s: %s", src->file, problem);
	return -1;
}

static bool attr_from_name(const char *name, attr_t *out)
{
	for (size_t i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++) {
		if (strcmp(attr_names[i].name, name) == 0) {
			*out |= attr_names[i].attr;
			return true;
		}
	}
	return false;
}

/* attrs: a list of names or one string of names separated by spaces or commas. */
static bool attrs_parse(json_t *v, attr_t *out)
{
	*out = A_NORMAL;
	if (json_is_array(v)) {
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item) {
			if (!json_is_string(item) || !attr_from_name(json_string_value(item), out))
				return false;
		}
		return true;
	}
	if (!json_is_string(v))
		return false;
	char *copy = xstrdup(json_string_value(v)), *save = NULL;
	bool ok = true;
	for (char *tok = strtok_r(copy, " ,", &save); tok && ok; tok = strtok_r(NULL, " ,", &save))
		ok = attr_from_name(tok, out);
	free(copy);
	return ok;
}

static int style_color(const struct theme_src *src, const char *elname, const char *field,
		       json_t *v, short *out, bool *has)
{
	char buf[64];
	const char *name = json_is_string(v) ? json_string_value(v) : NULL;
	if (json_is_integer(v)) {
		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
		name = buf;
	}
	if (!name || !theme_color_from_name(name, out)) {
		char problem[200];
		snprintf(problem, sizeof problem,
			 "%s of '%s': not a colour (a name, bright-NAME, 0-255 or default)",
			 field, elname);
		return theme_fail(src, (const char *[]){"elements", elname, field}, 3, problem);
	}
	*has = true;
	return 0;
}

/* One element's {fg, bg, attrs} mapping onto style. */
static int style_parse(const struct theme_src *src, const char *elname, json_t *spec,
		       struct theme_style *style)
{
	char problem[200];
	if (!json_is_object(spec)) {
		snprintf(problem, sizeof problem, "'%s' must be a mapping of fg, bg, attrs", elname);
		return theme_fail(src, (const char *[]){"elements", elname}, 2, problem);
	}
	const char *field;
	json_t *v;
	json_object_foreach(spec, field, v) {
		int rc = 0;
		if (strcmp(field, "fg") == 0)
			rc = style_color(src, elname, field, v, &style->fg, &style->has_fg);
		else if (strcmp(field, "bg") == 0)
			rc = style_color(src, elname, field, v, &style->bg, &style->has_bg);
		else if (strcmp(field, "attrs") == 0 && attrs_parse(v, &style->attrs))
			style->has_attrs = true;
		else {
			snprintf(problem, sizeof problem, strcmp(field, "attrs") == 0
				 ? "attrs of '%s': use bold, reverse, underline, dim, standout"
				 : "'%s': unknown field (fg, bg, attrs)", elname);
			rc = theme_fail(src, (const char *[]){"elements", elname, field}, 3, problem);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int theme_parse_elements(const struct theme_src *src, json_t *elements,
				struct theme *theme)
{
	if (!json_is_object(elements))
		return theme_fail(src, (const char *[]){"elements"}, 1,
				  "'elements' must map element names to styles");
	const char *elname;
	json_t *spec;
	json_object_foreach(elements, elname, spec) {
		enum theme_element el;
		if (!theme_element_from_name(elname, &el)) {
			char problem[200];
			snprintf(problem, sizeof problem, "unknown element '%s'", elname);
			return theme_fail(src, (const char *[]){"elements", elname}, 2, problem);
		}
		struct theme_style parsed = {0};
		if (style_parse(src, elname, spec, &parsed))
			return -1;
		struct theme_style *s = &theme->styles[el];
		if (parsed.has_fg)
			s->fg = parsed.fg, s->has_fg = true;
		if (parsed.has_bg)
			s->bg = parsed.bg, s->has_bg = true;
		if (parsed.has_attrs)
			s->attrs = parsed.attrs, s->has_attrs = true;
	}
	return 0;
}

static struct theme *theme_load_depth(const char *name, const char *user_dir, int depth,
				      bool embedded_only, char *err, size_t errlen);

/* The starting point of a theme: blank, or its base theme's unresolved styles. */
static struct theme *theme_start(const struct theme_src *src, const char *theme_name,
				 json_t *base, const char *user_dir, int depth)
{
	if (!base)
		return theme_new_blank(theme_name);
	if (!json_is_string(base)) {
		theme_fail(src, (const char *[]){"base"}, 1, "'base' must name a theme");
		return NULL;
	}
	char inner[512];
	/* A user's dark.yaml saying "base: dark" means the embedded dark, not itself. */
	const char *base_name = json_string_value(base);
	bool embedded_only = strcmp(base_name, theme_name) == 0;
	struct theme *t = theme_load_depth(base_name, user_dir, depth + 1, embedded_only, inner,
					   sizeof inner);
	if (!t) {
		/* Only the outermost file adds its place: a chain of prefixes would bury the
		 * innermost problem, which is the one to fix. */
		char problem[600];
		snprintf(problem, sizeof problem, "base theme: %s", inner);
		if (depth > 0)
			snprintf(src->err, src->errlen, "%s", inner);
		else
			theme_fail(src, (const char *[]){"base"}, 1, problem);
		return NULL;
	}
	free(t->name);
	t->name = xstrdup(theme_name);
	return t;
}

static struct theme *theme_parse_depth(const char *theme_name, const struct theme_src *src,
				       const char *user_dir, int depth)
{
	json_t *docs = yaml_parse_documents(src->file, src->text, src->len, src->err,
					    src->errlen);
	if (!docs)
		return NULL;
	json_t *root = json_array_get(docs, 0);
	struct theme *theme = NULL;
	if (!json_is_object(root)) {
		snprintf(src->err, src->errlen,
			 "%s:1:1: a theme is a mapping with 'elements' (and optional 'base')",
			 src->file);
	} else {
		theme = theme_start(src, theme_name, json_object_get(root, "base"), user_dir, depth);
		json_t *elements = json_object_get(root, "elements");
		if (theme && elements && theme_parse_elements(src, elements, theme)) {
			theme_free(theme);
			theme = NULL;
		}
	}
	json_decref(docs);
	return theme;
}

static struct theme *theme_load_depth(const char *name, const char *user_dir, int depth,
				      bool embedded_only, char *err, size_t errlen)
{
	if (!theme_name_valid(name)) {
		snprintf(err, errlen, "'%s': not a theme name (lower case, digits, - and _)",
			 name ? name : "");
		return NULL;
	}
	if (depth > THEME_BASE_MAX_DEPTH) {
		snprintf(err, errlen, "theme '%s': 'base' chain too deep (a loop?)", name);
		return NULL;
	}
	char *path = embedded_only ? NULL : theme_user_path(name, user_dir);
	size_t len = 0;
	char *text = path ? yaml_mark_read_file(path, &len) : NULL;
	struct theme *theme = NULL;
	if (text) {
		struct theme_src src = {path, text, len, err, errlen};
		theme = theme_parse_depth(name, &src, user_dir, depth);
	} else if (path && errno != ENOENT) {
		/* a theme file we may not read is an error, not a silent fallback */
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	} else {
		const struct embedded_file *f = theme_embedded(name);
		struct theme_src src = {f ? f->path : NULL, f ? f->data : NULL, f ? f->len : 0,
					err, errlen};
		if (f)
			theme = theme_parse_depth(name, &src, user_dir, depth);
		else
			snprintf(err, errlen, "theme '%s': no such theme", name);
	}
	free(text);
	free(path);
	return theme;
}

struct theme *theme_parse_text(const char *theme_name, const char *file, const char *text,
			       size_t len, const char *user_dir, char *err, size_t errlen)
{
	struct theme_src src = {file, text, len, err, errlen};
	struct theme *t = theme_parse_depth(theme_name, &src, user_dir, 0);
	if (t)
		theme_resolve(t);
	return t;
}

struct theme *theme_load(const char *name, const char *user_dir, char *err, size_t errlen)
{
	struct theme *t = theme_load_depth(name, user_dir, 0, false, err, errlen);
	if (t)
		theme_resolve(t);
	return t;
}

/* ANSI index of a 6x6x6 cube colour's nearest basic hue: a component counts when it is
 * at least half the strongest one, so orange (5,2,0) is red and teal (0,3,3) is cyan;
 * dim greys of the cube become black. */
static short cube_to_basic(int c)
{
	int r = (c - 16) / 36, g = (c - 16) / 6 % 6, b = (c - 16) % 6;
	int max = r > g ? (r > b ? r : b) : (g > b ? g : b);
	if (max == 0)
		return COLOR_BLACK;
	int bits = (r && 2 * r >= max ? 1 : 0) | (g && 2 * g >= max ? 2 : 0) |
		   (b && 2 * b >= max ? 4 : 0);
	if (bits == 7 && max <= 2)
		return COLOR_BLACK;
	return (short)bits;
}

short theme_color_reduce(short color, int colors)
{
	if (color < 0 || colors >= 256 || color < colors)
		return color;
	if (colors < 8)
		return THEME_COLOR_DEFAULT;
	if (color < 16)
		return (short)(color - 8);
	if (color < 232)
		return cube_to_basic(color);
	return color < 244 ? COLOR_BLACK : COLOR_WHITE;
}

/* Finds or assigns the pair for fg/bg; 0 when none is left. */
static short plan_pair(struct theme_plan_entry *plan, int planned, short fg, short bg,
		       short *next, int max_pairs)
{
	for (int i = 0; i < planned; i++)
		if (plan[i].pair && plan[i].fg == fg && plan[i].bg == bg)
			return plan[i].pair;
	if (*next >= max_pairs)
		return 0;
	return (*next)++;
}

void theme_plan(const struct theme *theme, int colors, int max_pairs, bool default_colors,
		struct theme_plan_entry plan[THEME_ELEMENT_COUNT])
{
	short next = 1; /* pair 0 is the terminal's own and cannot be changed portably */
	for (int i = 0; i < THEME_ELEMENT_COUNT; i++) {
		const struct theme_style *s = &theme->styles[i];
		struct theme_plan_entry *e = &plan[i];
		*e = (struct theme_plan_entry){0, THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, s->attrs};
		if (colors < 8 || (s->fg == THEME_COLOR_DEFAULT && s->bg == THEME_COLOR_DEFAULT))
			continue;
		short fg = theme_color_reduce(s->fg, colors);
		short bg = theme_color_reduce(s->bg, colors);
		if (!default_colors) {
			fg = fg == THEME_COLOR_DEFAULT ? COLOR_WHITE : fg;
			bg = bg == THEME_COLOR_DEFAULT ? COLOR_BLACK : bg;
		}
		if (fg == bg && s->fg != s->bg && fg != THEME_COLOR_DEFAULT)
			fg = bg == COLOR_BLACK ? COLOR_WHITE : COLOR_BLACK;
		e->fg = fg;
		e->bg = bg;
		e->pair = plan_pair(plan, i, fg, bg, &next, max_pairs);
	}
}

void theme_apply(const struct theme *theme, bool default_colors)
{
	struct theme_plan_entry plan[THEME_ELEMENT_COUNT];
	int colors = has_colors() ? COLORS : 0;
	theme_plan(theme, colors, colors ? COLOR_PAIRS : 0, default_colors, plan);
	for (int i = 0; i < THEME_ELEMENT_COUNT; i++) {
		bool first_use = plan[i].pair != 0;
		for (int j = 0; first_use && j < i; j++)
			first_use = plan[j].pair != plan[i].pair;
		if (first_use)
			init_pair(plan[i].pair, plan[i].fg, plan[i].bg);
		applied_attrs[i] = plan[i].attrs | (attr_t)COLOR_PAIR(plan[i].pair);
	}
}

attr_t theme_attr(enum theme_element el)
{
	return (int)el >= 0 && el < THEME_ELEMENT_COUNT ? applied_attrs[el] : A_NORMAL;
}

int theme_check_user_dir(const char *user_dir, char *err, size_t errlen)
{
	/* the directory is where theme_user_path looks: take it from a name's path */
	char *probe = theme_user_path("x", user_dir);
	if (!probe)
		return 0;
	probe[strlen(probe) - strlen("/x.yaml")] = '\0';
	DIR *d = opendir(probe);
	int rc = 0;
	for (struct dirent *e; d && rc == 0 && (e = readdir(d));) {
		size_t n = strlen(e->d_name);
		if (n <= 5 || strcmp(e->d_name + n - 5, ".yaml") != 0)
			continue;
		char *name = xstrndup(e->d_name, n - 5);
		if (theme_name_valid(name)) {
			struct theme *t = theme_load(name, probe, err, errlen);
			rc = t ? 0 : -1;
			theme_free(t);
		}
		free(name);
	}
	if (d)
		closedir(d);
	free(probe);
	return rc;
}
