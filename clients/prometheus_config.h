/* Where Prometheus is: platform.yaml's `prometheus:` section, with OPSDECK_PROMETHEUS_URL
 * overriding its url. Resolved once into owned strings, then lent to prom_client_new. */
#ifndef OPSDECK_CLIENTS_PROMETHEUS_CONFIG_H
#define OPSDECK_CLIENTS_PROMETHEUS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "clients/prometheus.h"

/* Every string is owned (prom_config_clear). */
struct prom_config_owned {
	char *url;      /* "http://127.0.0.1:9090" (no trailing slash) */
	char *token;    /* bearer token or NULL; never printed, never logged */
	char *ca_file;  /* PEM CA bundle, or NULL (system CAs) */
	bool insecure;  /* skip TLS verification */
	char *source;   /* "platform.yaml" or "OPSDECK_PROMETHEUS_URL", for messages */
};

/* Reads platform_path's section (NULL or an absent file: no section):
 *   prometheus:
 *     url: http://prometheus.example:9090
 *     token: {env: PROM_TOKEN}     # or {file: /path/token}; an inline token is refused
 *     ca_file: /path/ca.crt        # optional
 *     insecure: false              # optional
 * OPSDECK_PROMETHEUS_URL, when set and not empty, replaces the url (and is enough on its
 * own). Returns 0 configured, 1 not configured (out zeroed), -1 with err
 * ("FILE:LINE:COL: problem") when the section is present but broken. */
int prom_config_resolve(const char *platform_path, struct prom_config_owned *out, char *err,
			size_t errlen);
void prom_config_clear(struct prom_config_owned *cfg);

/* A view of owned as the client's prom_config (borrows its strings). */
struct prom_config prom_config_view(const struct prom_config_owned *owned);

#endif
