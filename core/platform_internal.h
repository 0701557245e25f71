/* Shared between the platform model's files (platform.c, platform_parse.c,
 * platform_freeze.c, platform_derive.c); not for other modules. */
#ifndef OPSDECK_CORE_PLATFORM_INTERNAL_H
#define OPSDECK_CORE_PLATFORM_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/platform.h"

/* Reads one document (already YAML-parsed) into p. On a problem returns false with
 * msg set and path (a key path like "environments[2].protection", "" for the top
 * level) naming where; the caller adds the file position. */
bool platform_read_document(struct platform *p, const json_t *doc, char *path,
			    size_t pathlen, char *msg, size_t msglen);

/* Parses a five-field cron text into *out; false with msg ("minute 61 is out of
 * range 0-59") when it is not one. */
bool platform_cron_parse(const char *text, struct platform_cron *out, char *msg,
			 size_t msglen);
/* Parses "62h", "90m", "1d12h" (units d, h, m; at least one) into seconds; false
 * when malformed, zero or longer than 366 days. */
bool platform_duration_parse(const char *text, long long *seconds);

/* Names end up in application names, namespaces and repository paths: letters,
 * digits, '-', '_' and '.', not starting with '.', so "../x" can never be one. */
bool platform_name_is_safe(const char *s);

/* Frees the members of one entry (not the entry itself). */
void platform_cluster_clear(struct platform_cluster *c);
void platform_tenant_clear(struct platform_tenant *t);
void platform_env_clear(struct platform_env *e);
void platform_service_clear(struct platform_service *s);

/* Expands {service}, {env} and {tenant} in pattern (NULL values expand to ""). */
char *platform_expand(const char *pattern, const char *service, const char *env,
		      const char *tenant);

#endif
