/* The platform model: clusters, tenants, environments in promotion order, services and
 * the GitOps repository, read from platform.yaml and completed from the Argo CD
 * applications the clusters hold. Format and derivation rules: docs/platform.md. */
#ifndef OPSDECK_CORE_PLATFORM_H
#define OPSDECK_CORE_PLATFORM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A label of a cluster ("region": "eu-west-1"). */
struct platform_label {
	char *key;
	char *value;
};

struct platform_cluster {
	char *name;
	char *context;   /* kubeconfig context; the name when the file leaves it out */
	char *server;    /* API server URL, NULL when unknown */
	struct platform_label *labels;
	size_t nlabels;
	bool derived;    /* filled in by platform_derive, not read from the file */
};

struct platform_tenant {
	char *name;
	char *description;   /* NULL when none */
	char **projects;     /* Argo CD projects */
	size_t nprojects;
	char **namespaces;
	size_t nnamespaces;
	bool derived;
};

/* What changing an environment takes, weakest first. */
enum platform_protection {
	PLATFORM_PROTECT_NONE,      /* no question asked */
	PLATFORM_PROTECT_CONFIRM,   /* a yes/no confirmation */
	PLATFORM_PROTECT_TYPED,     /* the object's (or environment's) name typed */
	PLATFORM_PROTECT_READONLY,  /* nothing may change */
};

/* A five-field cron schedule, UTC: bit n of a mask set when value n matches. */
struct platform_cron {
	uint64_t minutes;   /* 0..59 */
	uint32_t hours;     /* 0..23 */
	uint32_t days;      /* day of month 1..31 */
	uint16_t months;    /* 1..12 */
	uint8_t weekdays;   /* 0 Sunday .. 6 Saturday (7 in the text is Sunday too) */
	/* cron's rule: when both day fields are restricted (neither starts with '*'),
	 * a day matches either; otherwise both must match */
	bool days_star, weekdays_star;
};

/* A freeze window: from each time the schedule matches, for duration seconds. */
struct platform_freeze {
	char *schedule;           /* the cron text as written, for messages */
	char *duration_text;      /* "62h" as written */
	long long duration;       /* seconds, > 0 */
	struct platform_cron cron;
};

/* A gate an environment turns on or off in platform.yaml (gates: {no_critical: true}). */
enum platform_gate {
	PLATFORM_GATE_DEFAULT,    /* not said: on when the environment is protected */
	PLATFORM_GATE_ON,
	PLATFORM_GATE_OFF,
};

struct platform_env {
	char *name;
	char *cluster;             /* cluster name, NULL when unknown */
	char *namespace_pattern;   /* "{tenant}-dev"; NULL: "{tenant}-{env}" */
	enum platform_protection protection;
	struct platform_freeze *freeze;
	size_t nfreeze;
	enum platform_gate gate_no_critical; /* gates.no_critical: promotions into it */
	bool derived;
};

struct platform_service {
	char *name;
	char *tenant;        /* tenant name, NULL when unknown */
	char *app_pattern;   /* Argo CD application name, "{service}-{env}" when NULL */
	char *image;         /* image repository without tag, NULL when unknown */
	bool derived;
};

enum platform_image_tag {
	PLATFORM_TAG_KUSTOMIZE,   /* images[].newTag in kustomization.yaml */
	PLATFORM_TAG_HELM,        /* image.tag in a values file */
};

enum platform_credentials {
	PLATFORM_CRED_NONE,       /* whatever git would use (public repository, helper) */
	PLATFORM_CRED_SSH_AGENT,
	PLATFORM_CRED_KEY_FILE,   /* key_file */
	PLATFORM_CRED_TOKEN_ENV,  /* token_ref names a variable */
	PLATFORM_CRED_TOKEN_FILE, /* token_ref names a file */
};

struct platform_gitops {
	char *repo;          /* URL; NULL when the file has no gitops section */
	char *path;          /* directory pattern, default "envs/{env}/{service}" */
	char *revision;      /* branch; NULL: the repository's default branch */
	enum platform_image_tag image_tag;
	char *values_file;   /* helm only: default "values-{env}.yaml" */
	enum platform_credentials credentials;
	char *key_file;      /* PLATFORM_CRED_KEY_FILE */
	char *token_ref;     /* the variable or file name of a token, never a token */
};

/* The whole model. Every string and array is owned by it (platform_free). */
struct platform {
	struct platform_cluster *clusters;
	size_t nclusters;
	struct platform_tenant *tenants;
	size_t ntenants;
	struct platform_env *envs;   /* promotion order: envs[0] is the first */
	size_t nenvs;
	struct platform_service *services;
	size_t nservices;
	struct platform_gitops gitops;
	unsigned from_file;          /* PLATFORM_SECTION_* bits the file gave */
};

/* Sections the file gave are authoritative; the others are platform_derive's. */
enum {
	PLATFORM_SECTION_CLUSTERS = 1u << 0,
	PLATFORM_SECTION_TENANTS = 1u << 1,
	PLATFORM_SECTION_ENVS = 1u << 2,
	PLATFORM_SECTION_SERVICES = 1u << 3,
};

/* Reads path into a new model in *out. An absent file gives an empty model and 0.
 * A broken file gives -1, *out NULL and err "PATH:LINE:COL: problem" (syntax) or
 * "PATH:LINE:COL: key.path: problem" (a bad value, an unknown key, a dangling name);
 * "PATH: problem" when the file cannot be read. */
int platform_load(const char *path, struct platform **out, char *err, size_t errlen);
/* Same, from text; name labels errors. */
int platform_parse(const char *name, const char *text, size_t len, struct platform **out,
		   char *err, size_t errlen);
/* An empty model (no file). */
struct platform *platform_new(void);
void platform_free(struct platform *p);

/* Lookups by name; NULL when absent (or name NULL). */
const struct platform_env *platform_env_find(const struct platform *p, const char *name);
/* Position of the environment in promotion order, -1 when absent. */
int platform_env_index(const struct platform *p, const char *name);
const struct platform_service *platform_service_find(const struct platform *p,
						     const char *name);
const struct platform_tenant *platform_tenant_find(const struct platform *p, const char *name);
const struct platform_cluster *platform_cluster_find(const struct platform *p,
						     const char *name);
/* The word for a protection level ("none", "confirm", "typed", "readonly"). */
const char *platform_protection_name(enum platform_protection prot);

/* The patterns expanded; each returns a new string (caller frees). {service}, {env}
 * and {tenant} are replaced (the service's tenant). An unknown service expands the
 * default "{service}-{env}". */
char *platform_app_name(const struct platform *p, const char *service, const char *env);
/* The namespace of tenant in env; NULL when env is unknown. */
char *platform_env_namespace(const struct platform *p, const char *env, const char *tenant);
/* The file holding service's image tag in env, relative to the repository root:
 * "envs/prd/cart/kustomization.yaml", or for helm "envs/prd/cart/values-prd.yaml".
 * NULL when the model has no gitops repository. */
char *platform_gitops_file(const struct platform *p, const char *service, const char *env);

/* True when now (Unix seconds) falls inside one of e's freeze windows; then why gets
 * "prd is frozen until Mon 08:00 UTC (window 0 18 * * 5, 62h)" (a date instead of the
 * weekday when the end is a week or more away). False leaves why untouched. */
bool platform_env_frozen(const struct platform_env *e, long long now, char *why,
			 size_t whylen);

/* Fills the sections the file left out from an Argo CD application list
 * ({"items": [...]}, as GET /api/v1/applications returns it); sections the file gave
 * are never touched. Calling it again replaces what an earlier call derived. */
void platform_derive(struct platform *p, const json_t *apps);

#endif
