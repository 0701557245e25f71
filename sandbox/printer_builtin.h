/* Internal to the sandbox printer: the built-in resources' column sets and row printers,
 * and the small helpers they share (times, ages, selectors). */
#ifndef OPSDECK_SANDBOX_PRINTER_BUILTIN_H
#define OPSDECK_SANDBOX_PRINTER_BUILTIN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct printer_column {
	const char *name;
	const char *type;
	const char *format;
	const char *description;
	int priority;
};

/* Appends one row's cells to cells (a JSON array); may set *conditions (a new array). */
typedef void (*printer_row_fn)(const json_t *obj, json_t *cells, json_t **conditions,
			       time_t now);

struct printer_kind {
	const char *group;
	const char *resource;
	const struct printer_column *cols;
	size_t ncols;
	printer_row_fn row;
};

/* Descriptions shared by most resources (ObjectMeta's swagger docs). */
extern const char printer_desc_name[];
extern const char printer_desc_created[];

/* The printer for group/resource, or NULL (generic Name + Age). */
const struct printer_kind *printer_builtin_find(const char *group, const char *resource);
const struct printer_kind *printer_pods_kind(void);

/* RFC 3339 (with optional fraction and offset) to Unix seconds; false if malformed. */
bool printer_parse_time(const char *s, time_t *out);
/* Age since the RFC 3339 timestamp ts as a new JSON string: "<unknown>" when absent,
 * "<invalid>" when unparsable. */
json_t *printer_since(const json_t *ts, time_t now);
/* obj[key] as a string, or "" when missing or not a string. */
const char *printer_str(const json_t *obj, const char *key);
/* obj[key] as an integer (reals truncated), or dflt. */
long long printer_int(const json_t *obj, const char *key, long long dflt);
/* A LabelSelector as metav1.FormatLabelSelector prints it: sorted requirements, or
 * "<none>" when empty. */
char *printer_selector_string(const json_t *selector);
/* A string map as labels.FormatLabels prints it: "a=b,c=d" sorted, or "<none>". */
char *printer_format_labels(const json_t *map);
/* Container names and images of a pod spec, comma-separated. */
void printer_containers(const json_t *podspec, char **names, char **images);

#endif
