/* Data files compiled into the binary at build time (keymaps/, themes/): the defaults
 * that user files override. */
#ifndef OPSDECK_CORE_EMBEDDED_H
#define OPSDECK_CORE_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *path;   /* as in the source tree, e.g. "keymaps/default.yaml" */
	const char *data;   /* NUL-terminated */
	size_t len;
};

/* The table the build generates (scripts/embed.sh), ended by a NULL path. */
extern const struct embedded_file embedded_files[];

/* The embedded file at path, or NULL. */
const struct embedded_file *embedded_find(const char *path);

#endif
