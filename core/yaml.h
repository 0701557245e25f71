/* YAML documents read into JSON values (jansson), with errors naming file:line:column. */
#ifndef OPSDECK_CORE_YAML_H
#define OPSDECK_CORE_YAML_H

#include <jansson.h>
#include <stddef.h>

/* Parses every document of text (YAML 1.1 as libyaml reads it; JSON is YAML too) and
 * returns them as a new JSON array, or NULL with err set to "NAME:LINE:COL: problem".
 * name labels errors (a file path). Plain scalars become null, booleans, integers or
 * reals where YAML says so; quoted scalars stay strings. Anchors and aliases are
 * resolved, and a plain `<<` key merges mappings (a quoted one is an ordinary key); a
 * leading UTF-8 byte order mark is skipped. */
json_t *yaml_parse_documents(const char *name, const char *text, size_t len, char *err,
			     size_t errlen);
/* Same, reading the file at path. */
json_t *yaml_load_file(const char *path, char *err, size_t errlen);

#endif
