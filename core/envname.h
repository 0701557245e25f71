/* The environment a name says it is in ("payments-prd", "eks-uat-1", "nonprod"), so
 * the console can draw production in the production colour before any platform model
 * says so. */
#ifndef OPSDECK_CORE_ENVNAME_H
#define OPSDECK_CORE_ENVNAME_H

#include <stdbool.h>

enum envname_class {
	ENVNAME_OTHER,        /* development, or nothing said */
	ENVNAME_STAGING,      /* a part is uat, pre, preprod, staging, stage or stg */
	ENVNAME_PRODUCTION,   /* a part is prod, prd, production or live */
};

/* Classifies name by its parts separated by '-', '_' or '.', case-insensitively: a part
 * must match whole, so "nonprod" and "product-api" are not production. NULL: OTHER. */
enum envname_class envname_classify(const char *name);

/* True when word is one of name's '-', '_' or '.' separated parts (case-insensitive). */
bool envname_has_part(const char *name, const char *word);

#endif
