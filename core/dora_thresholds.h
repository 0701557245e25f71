/* The DORA level thresholds (core/dora.h's struct dora_thresholds) read from YAML: the
 * table shipped in thresholds/dora.yaml (embedded at build time), then the user's
 * $XDG_CONFIG_HOME/opsdeck/dora.yaml over it. The format: docs/dora.md. */
#ifndef OPSDECK_CORE_DORA_THRESHOLDS_H
#define OPSDECK_CORE_DORA_THRESHOLDS_H

#include <stddef.h>

#include "core/dora.h"

/* Reads a thresholds document (name labels errors) over t: every level it names replaces
 * t's; metrics it does not name keep theirs. 0, or -1 with err "NAME:LINE:COL: problem"
 * (t may then be partly updated). */
int dora_thresholds_parse(const char *name, const char *text, size_t len,
			  struct dora_thresholds *t, char *err, size_t errlen);
/* The same from the file at path. */
int dora_thresholds_load_file(const char *path, struct dora_thresholds *t, char *err,
			      size_t errlen);
/* The shipped table (embedded "thresholds/dora.yaml"), then user_path over it when that
 * file exists (user_path NULL: dora_thresholds_user_path()). 0 or -1 with err. */
int dora_thresholds_load(const char *user_path, struct dora_thresholds *t, char *err,
			 size_t errlen);
/* $XDG_CONFIG_HOME/opsdeck/dora.yaml ($HOME/.config when unset); NULL without a home.
 * The caller frees. */
char *dora_thresholds_user_path(void);
void dora_thresholds_clear(struct dora_thresholds *t);

/* "1/day", "3/week", "2/month" (30 days) or a plain number: deployments per day;
 * "90s", "45m", "1h", "1d", "1w" or a plain number of seconds; "5%" or a plain number:
 * percent. -1 when malformed. */
double dora_parse_rate(const char *s);
double dora_parse_duration(const char *s);
double dora_parse_percent(const char *s);

#endif
