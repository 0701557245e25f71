/* The resource types a sandbox cluster serves: built-in Kubernetes kinds and those that
 * CustomResourceDefinitions add, with what discovery needs to describe them. */
#ifndef OPSDECK_SANDBOX_RESOURCE_H
#define OPSDECK_SANDBOX_RESOURCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum {
	RES_SUB_STATUS = 1 << 0,
	RES_SUB_SCALE = 1 << 1,
	RES_SUB_LOG = 1 << 2,
};

struct resource {
	char *group;          /* "" for the core group */
	char *version;
	char *plural, *singular, *kind;
	bool namespaced;
	bool create_only;     /* review resources: verbs ["create"], nothing stored */
	unsigned subresources;
	json_t *short_names;  /* array of strings */
	json_t *categories;   /* array of strings */
	json_t *printer_columns; /* CRD additionalPrinterColumns, or NULL */
	char *crd_name;       /* the CRD that registered it, or NULL for built-ins */
	char *storage_key;    /* "group/plural": objects of every version share it */
};

struct resource_set {
	struct resource **items;
	size_t n, cap;
};

/* Fills set with the built-in resources. */
void resource_set_init_builtin(struct resource_set *set);
void resource_set_free(struct resource_set *set);

struct resource *resource_find(const struct resource_set *set, const char *group,
			       const char *version, const char *plural);
/* By apiVersion ("v1", "apps/v1") and kind, as objects name their type. */
struct resource *resource_find_kind(const struct resource_set *set, const char *api_version,
				    const char *kind);
/* Any served version of group/plural (the first registered). */
struct resource *resource_find_any(const struct resource_set *set, const char *group,
				   const char *plural);

/* Registers the served versions of a CRD object; replaces an earlier registration of the
 * same CRD. Returns the number of versions registered. */
size_t resource_register_crd(struct resource_set *set, const json_t *crd);
/* Removes the resources a CRD registered; returns how many. */
size_t resource_unregister_crd(struct resource_set *set, const char *crd_name);

/* "apps/v1" or "v1". Caller frees. */
char *resource_api_version(const struct resource *res);
/* Group/version strings of every served group, in registration order (group "" first). */
json_t *resource_groups(const struct resource_set *set);

static inline bool resource_is_core(const struct resource *res)
{
	return res->group[0] == '\0';
}

#endif
