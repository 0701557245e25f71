/* The sandbox's HTTPS server: state shared by every request, the libmicrohttpd daemon
 * with TLS and client certificates, and the request log. */
#ifndef OPSDECK_SANDBOX_SERVER_H
#define OPSDECK_SANDBOX_SERVER_H

#include "sandbox/auth.h"
#include "sandbox/certs.h"
#include "sandbox/objstore.h"

#include <pthread.h>
#include <stdio.h>

struct MHD_Daemon;
struct faults;

struct server {
	struct objstore store;
	struct auth auth;
	struct certs certs;
	FILE *log;                /* DIR/requests.log, or NULL */
	pthread_mutex_t log_lock;
	struct MHD_Daemon *mhd;
	unsigned port;
	char base_url[64];
	struct faults *faults;    /* --faults and DIR/faults rules, or NULL (sandbox/faults.h) */
};

/* Starts serving on 127.0.0.1:port (0: ephemeral; srv->port gets the bound port).
 * srv->store, auth and certs must be ready. Returns 0 or -1 with err. */
int server_start(struct server *srv, unsigned port, char *err, size_t errlen);
/* Wakes blocked streams and stops the daemon (joins connection threads). */
void server_stop(struct server *srv);

#endif
