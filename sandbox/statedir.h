/* The files opsdeck-sandbox leaves in its state directory once serving: kubeconfig,
 * platform.yaml and, last, ready (the base URL). */
#ifndef OPSDECK_SANDBOX_STATEDIR_H
#define OPSDECK_SANDBOX_STATEDIR_H

#include "sandbox/scenario.h"
#include "sandbox/server.h"

#include <stddef.h>

/* The kubeconfig text: per cluster a context named as the cluster (admin, client
 * certificate) and "<cluster>-viewer" (viewer, token). Caller frees. */
char *statedir_kubeconfig(const struct server *srv, const struct scenario *sc);
/* platform.yaml gets `prometheus: {url: URL}` (sandbox --prometheus); url is borrowed
 * and must outlive statedir_write. NULL: none. */
void statedir_set_prometheus(const char *url);
/* Writes DIR/kubeconfig, DIR/platform.yaml, then DIR/ready atomically. 0 or -1 + err. */
int statedir_write(const char *dir, const struct server *srv, const struct scenario *sc,
		   char *err, size_t errlen);

#endif
