/* Reading and changing one image tag in a GitOps file (a kustomization.yaml or a Helm
 * values file) so that the edit touches only that value's bytes: comments, blank lines,
 * key order, quoting, indentation and line endings elsewhere stay exactly as they were. */
#ifndef OPSDECK_CORE_GITOPS_EDIT_H
#define OPSDECK_CORE_GITOPS_EDIT_H

#include <stddef.h>

/*
 * Rules shared by all four functions (text is NUL-terminated UTF-8, CRLF or LF, with or
 * without a byte order mark or a final newline; the whole stream must parse or nothing
 * is returned):
 *
 * - Documents separated by "---" are searched in order and the first match wins; so do
 *   several images[] entries with the same name (the first one is read and edited, the
 *   later ones are left alone).
 * - Errors go to err (when errlen > 0) without a file name: callers prefix it, as in
 *   "envs/prd/kustomization.yaml: no images entry for web". YAML errors read
 *   "LINE:COL: problem".
 * - A value that is an alias (*name) is read through its anchor but never written: the
 *   edit is refused, as it is for an anchored scalar (&name) that an alias elsewhere
 *   shares, because changing it would silently change the other place too. Values
 *   reached only through a "<<" merge are not found.
 * - Only a one-line scalar is edited; a block (| or >) or multi-line value is refused.
 *
 * Quoting of the written value (set functions):
 * - a 'single' or "double" quoted value stays in that style (escaped as needed), so a
 *   quoted "1.10" or "3.6" stays a string;
 * - a plain value stays plain unless the new text would not read back as that same
 *   string in a plain scalar: empty; null, ~, a YAML 1.1 or 1.2 boolean (true, no, on,
 *   y, ...); anything integer-, float- or date-looking (1, 010, 0x1f, 1.10, .5, 1e3,
 *   .inf, 1:20, 2024-01-31); or text with YAML syntax in it (leading indicator such as
 *   - ? : , [ ] { } # & * ! | > ' " % @ `, ": ", " #", a trailing ':' or any of ,[]{}).
 *   Those are written "double-quoted". So 1.2.3, v1.10, 6.9.1 and 1.2@sha256:... stay
 *   plain; 1.10 and 42 become "1.10" and "42".
 * - values with control characters (newline, tab, ...) are refused.
 */

/* The newTag of the first images[] entry whose name equals image, as a new string
 * (caller frees); "" when that entry has no newTag (or an empty one). NULL with err when
 * there is no such entry, the text is not YAML, or newTag is not a scalar. */
char *gitops_kustomize_get_tag(const char *text, const char *image, char *err, size_t errlen);

/* The text with that entry's newTag set to tag (caller frees): only the scalar's bytes
 * change, its quoting style kept (see above). An entry without newTag gets a
 * "newTag: TAG" line right after its name line, indented like its name key and ended
 * like that line (CRLF or LF); in a flow entry ({name: x}) ", newTag: TAG" is added after
 * the name value. NULL with err ("no images entry for X", an alias, a bad tag, bad
 * YAML) otherwise; tag must be non-empty. */
char *gitops_kustomize_set_tag(const char *text, const char *image, const char *tag,
			       char *err, size_t errlen);

/* The scalar at a dotted key path of a Helm values file ("image.tag"; a component of
 * digits indexes a sequence: "sidecars.0.tag"), as a new string ("" for an empty or null
 * value). NULL with err when the path does not exist or is not a scalar. */
char *gitops_helm_get_value(const char *text, const char *path, char *err, size_t errlen);

/* The text with the scalar at path set to value (caller frees), byte for byte like
 * gitops_kustomize_set_tag; an empty value is written "". A missing key is not added:
 * NULL with err ("no value at image.tag"). */
char *gitops_helm_set_value(const char *text, const char *path, const char *value,
			    char *err, size_t errlen);

#endif
