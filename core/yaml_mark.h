/* Where a mapping key sits in a YAML text: a second libyaml pass so that errors found
 * after parsing (an unknown name, a bad value) can still say file:line:column. */
#ifndef OPSDECK_CORE_YAML_MARK_H
#define OPSDECK_CORE_YAML_MARK_H

#include <stdbool.h>
#include <stddef.h>

/* Finds the mapping key reached by path (path[0] a key of the top-level mapping of the
 * first document, path[1] a key of its value, ...; depth entries). On success fills
 * *line and *col (1-based) with the key's position and returns true; false when the text
 * does not parse or no such key exists. Sequences along the way are not part of the
 * path: a key inside a sequence item counts at the depth of the sequence. */
bool yaml_mark_find(const char *text, size_t len, const char *const *path, size_t depth,
		    int *line, int *col);

/* Like yaml_mark_find for a key path as loaders write it in messages: "clusters[1].
 * cluster.server" (dots between keys, [N] for the Nth item of a sequence). Gives the
 * position of the last key (or item) reached; false when the text does not parse or
 * the path leads nowhere. */
bool yaml_mark_keypath(const char *text, size_t len, const char *keypath, int *line,
		       int *col);

/* Reads the whole file at path into a new NUL-terminated buffer (caller frees) and sets
 * *len; NULL with errno set when it cannot be read. Callers pass the text to both
 * yaml_parse_documents and yaml_mark_find. */
char *yaml_mark_read_file(const char *path, size_t *len);

#endif
