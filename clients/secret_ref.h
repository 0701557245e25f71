/* A secret named, never written, in platform.yaml: `token: {env: NAME}` or
 * `token: {file: PATH}` (the Argo CD token, Prometheus's, the scanners' keys). One
 * reader for all of them, so that each refuses and explains the same way. */
#ifndef OPSDECK_CLIENTS_SECRET_REF_H
#define OPSDECK_CLIENTS_SECRET_REF_H

#include <jansson.h>
#include <stddef.h>

/* The secret v names: the variable's value, or the file's first line without the
 * whitespace around it. A file others can write is refused (whoever can edit it chooses
 * the identity opsdeck acts as). what names the secret in messages ("token", "key").
 * Returns the text (the caller frees), or NULL with why: "token must be {env: NAME} or
 * {file: PATH}", "the variable X is not set", "cannot read the token file P: ...", "the
 * token file P is empty", "the token file P is writable by others (mode 0666): refusing
 * to use it". An inline string is the caller's to refuse, with its own advice. */
char *secret_ref_resolve(const json_t *v, const char *what, char *why, size_t whylen);

#endif
