/* A YAML configuration file read once for both its values and the positions of its
 * keys, so that a bad value is reported as "PATH:LINE:COL: message". Used by the readers
 * of platform.yaml's sections (argocd, prometheus, scanners). */
#ifndef OPSDECK_CORE_YAML_FILE_H
#define OPSDECK_CORE_YAML_FILE_H

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>

struct yaml_file {
	const char *path;   /* borrowed */
	char *text;
	size_t len;
	json_t *doc;        /* the first document */
};

/* 1: loaded; 0: absent (ENOENT); -1: unreadable or not YAML (err set, with the
 * position for a syntax error). */
int yaml_file_load(struct yaml_file *y, const char *path, char *err, size_t errlen);
void yaml_file_free(struct yaml_file *y);

/* Writes "PATH:LINE:COL: message" at the key path keys[0..n) (yaml_mark_find), or
 * "PATH: message" when the path is not in the text. Returns -1, for `return
 * yaml_file_error(...)`. */
int yaml_file_verror(const struct yaml_file *y, const char *const *keys, size_t n,
		     char *err, size_t errlen, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));

#endif
