/* Command-line parsing shared by every subcommand and the console: global flags are
 * accepted before or after the subcommand, as kubectl accepts them. */
#ifndef OPSDECK_CORE_ARGS_H
#define OPSDECK_CORE_ARGS_H

#include <stdbool.h>
#include <stddef.h>

struct global_opts {
	const char *kubeconfig;   /* --kubeconfig FILE */
	const char *context;      /* --context CTX */
	char *platform;           /* --platform FILE, $OPSDECK_PLATFORM, or the XDG default */
	bool platform_explicit;   /* named by flag or environment: must then exist */
	bool readonly;            /* --readonly (also set by --audit) */
	bool audit;               /* --audit: read-only, the auditor's views, no secrets */
	bool help;                /* -h / --help */
};

/* Output formats of batch commands (DESIGN.md: batch output). */
enum output_format { OUTPUT_TABLE, OUTPUT_WIDE, OUTPUT_JSON, OUTPUT_NAME };

struct get_opts {
	const char *resource;       /* KIND as typed: pods, po, deploy, applications.argoproj.io */
	const char **names;         /* NAME... (NULL-terminated, may be empty) */
	const char *namespace;      /* -n NS, or NULL for the context's namespace */
	bool all_namespaces;        /* -A */
	const char *label_selector; /* -l */
	const char *field_selector; /* --field-selector */
	enum output_format output;  /* -o */
};

/* Splits argv (without argv[0]) into global flags and the rest, which keeps its order.
 * rest must hold argc+1 pointers; *nrest is set and rest[*nrest] is NULL. Returns 0, or
 * -1 with err set (a usage error: exit 2). */
int args_parse_global(int argc, char **argv, struct global_opts *g, char **rest, int *nrest,
		      char *err, size_t errlen);
void args_global_free(struct global_opts *g);
/* Parses the arguments after "get". names points into a new array the caller frees. */
int args_parse_get(int argc, char **argv, struct get_opts *o, char *err, size_t errlen);
/* "table", "wide", "json", "name" -> format; -1 when unknown. */
int args_output_format(const char *name);

#endif
