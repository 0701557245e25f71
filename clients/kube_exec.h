/* Pieces of the exec credential plugin runner (kube_exec.c) that tests and callers may
 * want apart from kube_exec_credential_run() in kubeconfig.h. */
#ifndef OPSDECK_CLIENTS_KUBE_EXEC_H
#define OPSDECK_CLIENTS_KUBE_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "clients/kubeconfig.h"

/* The ExecCredential JSON put in KUBERNETES_EXEC_INFO for ctx's plugin (a new string,
 * byte for byte what kubectl 1.32 sends, trailing newline included),
 * or NULL with err set (e.g. a certificate-authority file that can't be read). */
char *kube_exec_info_json(const struct kube_context *ctx, bool interactive, char *err,
			  size_t errlen);
/* Parses "2006-01-02T15:04:05Z" / "...05.123+02:00" into a UTC time_t; -1 if malformed. */
int kube_exec_parse_rfc3339(const char *text, time_t *out);
/* How long a plugin may run before it is killed (default 30000 ms). For tests. */
void kube_exec_set_timeout_ms(int ms);

#endif
