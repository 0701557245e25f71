/* Command-line parsing (see args.h). Flags take "--flag value", "--flag=value", and for
 * one-letter flags "-nVALUE", like kubectl's pflag. */
#include "core/args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* If argv[*i] is the flag long (or short), stores its value and advances *i past it.
 * Returns 1 when matched, 0 when not this flag, -1 on a missing value. */
static int take_value(int argc, char **argv, int *i, const char *lng, const char *shrt,
		      const char **value)
{
	const char *a = argv[*i];
	size_t ll = lng ? strlen(lng) : 0;
	if (lng && strncmp(a, lng, ll) == 0 && a[ll] == '=') {
		*value = a + ll + 1;
		return 1;
	}
	if (shrt && strncmp(a, shrt, 2) == 0 && a[2] != '\0' && a[1] != '-') {
		*value = a[2] == '=' ? a + 3 : a + 2;
		return 1;
	}
	if ((lng && strcmp(a, lng) == 0) || (shrt && strcmp(a, shrt) == 0)) {
		if (*i + 1 >= argc)
			return -1;
		*value = argv[++*i];
		return 1;
	}
	return 0;
}

static char *default_platform_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && *xdg)
		return xasprintf("%s/opsdeck/platform.yaml", xdg);
	const char *home = getenv("HOME");
	return xasprintf("%s/.config/opsdeck/platform.yaml", home ? home : ".");
}

int args_parse_global(int argc, char **argv, struct global_opts *g, char **rest, int *nrest,
		      char *err, size_t errlen)
{
	memset(g, 0, sizeof(*g));
	const char *platform = NULL;
	int n = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = NULL;
		int r;
		if (strcmp(a, "--") == 0) {
			while (i < argc)
				rest[n++] = argv[i++];
			break;
		}
		if ((r = take_value(argc, argv, &i, "--kubeconfig", NULL, &v)) != 0)
			g->kubeconfig = v;
		else if ((r = take_value(argc, argv, &i, "--context", NULL, &v)) != 0)
			g->context = v;
		else if ((r = take_value(argc, argv, &i, "--platform", NULL, &v)) != 0)
			platform = v;
		else if (strcmp(a, "--readonly") == 0 || strcmp(a, "--readonly=true") == 0)
			g->readonly = true;
		else if (strcmp(a, "--audit") == 0)
			g->audit = g->readonly = true;
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			g->help = true;
		else
			rest[n++] = argv[i];
		if (r < 0) {
			snprintf(err, errlen, "flag needs an argument: %s", a);
			return -1;
		}
	}
	rest[n] = NULL;
	*nrest = n;
	if (!platform && getenv("OPSDECK_PLATFORM") && *getenv("OPSDECK_PLATFORM"))
		platform = getenv("OPSDECK_PLATFORM");
	g->platform_explicit = platform != NULL;
	g->platform = platform ? xstrdup(platform) : default_platform_path();
	return 0;
}

void args_global_free(struct global_opts *g)
{
	free(g->platform);
	g->platform = NULL;
}

int args_output_format(const char *name)
{
	static const char *const names[] = {
		[OUTPUT_TABLE] = "table",
		[OUTPUT_WIDE] = "wide",
		[OUTPUT_JSON] = "json",
		[OUTPUT_NAME] = "name",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

static int parse_get_flag(int argc, char **argv, int *i, struct get_opts *o, char *err,
			  size_t errlen)
{
	const char *a = argv[*i];
	const char *v = NULL;
	int r;
	if ((r = take_value(argc, argv, i, "--namespace", "-n", &v)) > 0) {
		o->namespace = v;
	} else if (r == 0 && (r = take_value(argc, argv, i, "--selector", "-l", &v)) > 0) {
		o->label_selector = v;
	} else if (r == 0 && (r = take_value(argc, argv, i, "--field-selector", NULL, &v)) > 0) {
		o->field_selector = v;
	} else if (r == 0 && (r = take_value(argc, argv, i, "--output", "-o", &v)) > 0) {
		int f = args_output_format(v);
		if (f < 0) {
			snprintf(err, errlen,
				 "unknown output format \"%s\" (allowed: table, wide, json, name)", v);
			return -1;
		}
		o->output = (enum output_format)f;
	} else if (r == 0 && (strcmp(a, "-A") == 0 || strcmp(a, "--all-namespaces") == 0)) {
		o->all_namespaces = true;
	} else if (r == 0) {
		snprintf(err, errlen, "unknown flag for get: %s", a);
		return -1;
	}
	if (r < 0) {
		snprintf(err, errlen, "flag needs an argument: %s", a);
		return -1;
	}
	return 0;
}

int args_parse_get(int argc, char **argv, struct get_opts *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	o->names = xcalloc((size_t)argc + 1, sizeof(char *));
	size_t nnames = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] == '-' && a[1] != '\0') {
			if (parse_get_flag(argc, argv, &i, o, err, errlen) < 0)
				return -1;
		} else if (!o->resource) {
			o->resource = a;
		} else {
			o->names[nnames++] = a;
		}
	}
	if (!o->resource) {
		snprintf(err, errlen, "get needs a resource type, e.g. \"opsdeck get pods\"");
		return -1;
	}
	if (o->all_namespaces && o->namespace) {
		/* kubectl lets -A win; say so rather than guess silently */
		o->namespace = NULL;
	}
	return 0;
}
