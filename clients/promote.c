/* The promotion engine (see promote.h): plans built from the platform model, the Argo CD
 * apps list and the GitOps repository; changes and reverts landed through clients/gitops
 * under a lock on the shared clone. */
#include "clients/promote.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "core/gitops_edit.h"
#include "core/strbuf.h"
#include "core/textdiff.h"
#include "core/xalloc.h"

static const char *const gate_names[PROMOTE_GATE_COUNT] = {
#define PROMOTE_GATE_NAME_(id, name) name,
	PROMOTE_GATES(PROMOTE_GATE_NAME_)
#undef PROMOTE_GATE_NAME_
};

static char *dup_or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

/* ---- the remote -------------------------------------------------------------------- */

/* FNV-1a: a stable folder name per URL, not a security property. */
static uint64_t url_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

/* mkdir -p with mode 0700 for every folder it makes. */
static int mkdir_p(const char *path)
{
	char *copy = xstrdup(path);
	int rc = 0;
	for (char *p = copy + 1; rc == 0; p++) {
		bool end = *p == '\0';
		if (*p != '/' && !end)
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) < 0 && errno != EEXIST)
			rc = -1;
		if (end)
			break;
		*p = '/';
	}
	free(copy);
	return rc;
}

static char *cache_root(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/opsdeck/git", xdg);
	const char *home = getenv("HOME");
	return home && *home ? xasprintf("%s/.cache/opsdeck/git", home) : NULL;
}

/* The token named by the platform: a variable's value or a file's first line. */
static char *read_token(const struct platform_gitops *g, char *err, size_t errlen)
{
	if (g->credentials == PLATFORM_CRED_TOKEN_ENV) {
		const char *v = getenv(g->token_ref);
		if (!v || !*v) {
			snprintf(err, errlen, "gitops token: variable %s is not set", g->token_ref);
			return NULL;
		}
		return xstrdup(v);
	}
	FILE *f = fopen(g->token_ref, "r");
	char line[4096];
	if (!f || !fgets(line, sizeof line, f)) {
		snprintf(err, errlen, "gitops token: cannot read %s: %s", g->token_ref,
			 f ? "empty file" : strerror(errno));
		if (f)
			fclose(f);
		return NULL;
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	char *t = xstrdup(line);
	memset(line, 0, sizeof line);
	return t;
}

static char *expand_home(const char *path)
{
	const char *home = getenv("HOME");
	if (path[0] == '~' && path[1] == '/' && home)
		return xasprintf("%s%s", home, path + 1);
	return xstrdup(path);
}

int promote_remote_init(struct promote_remote *pr, const struct platform *p, char *err,
			size_t errlen)
{
	memset(pr, 0, sizeof(*pr));
	const struct platform_gitops *g = &p->gitops;
	if (!g->repo || !*g->repo) {
		snprintf(err, errlen, "the platform model has no gitops repository (platform.yaml gitops.repo)");
		return -1;
	}
	char *root = cache_root();
	if (!root || mkdir_p(root) < 0) {
		snprintf(err, errlen, "no cache folder for the GitOps clone%s%s",
			 root ? ": cannot create " : " (set XDG_CACHE_HOME or HOME)", root ? root : "");
		free(root);
		return -1;
	}
	pr->url = xstrdup(g->repo);
	pr->branch = xstrdup(g->revision && *g->revision ? g->revision : "main");
	pr->cache_dir = xasprintf("%s/%016llx", root, (unsigned long long)url_hash(g->repo));
	free(root);
	if (g->credentials == PLATFORM_CRED_KEY_FILE && g->key_file)
		pr->key_file = expand_home(g->key_file);
	if (g->credentials == PLATFORM_CRED_TOKEN_ENV || g->credentials == PLATFORM_CRED_TOKEN_FILE) {
		pr->token = read_token(g, err, errlen);
		if (!pr->token) {
			promote_remote_clear(pr);
			return -1;
		}
	}
	pr->r = (struct gitops_remote){.url = pr->url, .branch = pr->branch,
				       .cache_dir = pr->cache_dir, .ssh_key_file = pr->key_file,
				       .ssh_agent = g->credentials == PLATFORM_CRED_SSH_AGENT,
				       .token = pr->token};
	return 0;
}

void promote_remote_clear(struct promote_remote *pr)
{
	if (pr->token)
		memset(pr->token, 0, strlen(pr->token));
	free(pr->token);
	free(pr->url);
	free(pr->branch);
	free(pr->cache_dir);
	free(pr->key_file);
	memset(pr, 0, sizeof(*pr));
}

/* The clone's lock: an flock on CACHE_DIR.lock, so that threads (separate open file
 * descriptions) and processes alike take turns. Returns the fd, -1 with err. */
static int clone_lock(const struct gitops_remote *r, char *err, size_t errlen)
{
	if (!r || !r->cache_dir || !*r->cache_dir) {
		snprintf(err, errlen, "gitops remote needs a cache folder");
		return -1;
	}
	char *path = xasprintf("%s.lock", r->cache_dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	int rc = fd < 0 ? -1 : flock(fd, LOCK_EX);
	if (rc < 0) {
		snprintf(err, errlen, "cannot lock %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

static void clone_unlock(int fd)
{
	if (fd >= 0)
		close(fd);   /* releases the flock */
}

/* ---- apps ---------------------------------------------------------------------------- */

const json_t *promote_find_app(const json_t *apps, const char *name)
{
	const json_t *items = json_object_get(apps, "items");
	size_t i;
	const json_t *app;
	json_array_foreach(items, i, app) {
		const char *n = json_string_value(json_object_get(json_object_get(app, "metadata"),
								  "name"));
		if (n && name && !strcmp(n, name))
			return app;
	}
	return NULL;
}

/* "reg/team/cart:4.0.1": the repository part's length, and the tag (NULL when none). */
static const char *image_split(const char *img, size_t *repo_len)
{
	const char *slash = strrchr(img, '/');
	const char *colon = strrchr(slash ? slash : img, ':');
	*repo_len = colon ? (size_t)(colon - img) : strlen(img);
	return colon ? colon + 1 : NULL;
}

static bool repo_is_service(const char *img, size_t len, const char *service)
{
	size_t n = service ? strlen(service) : 0;
	return n && len >= n && !strncmp(img + len - n, service, n) &&
	       (len == n || img[len - n - 1] == '/');
}

char *promote_app_version(const json_t *app, const char *image, const char *service)
{
	const json_t *images = json_object_get(json_object_get(json_object_get(app, "status"),
							       "summary"), "images");
	const char *by_image = NULL, *by_service = NULL, *first = NULL;
	size_t i;
	const json_t *v;
	json_array_foreach(images, i, v) {
		const char *img = json_string_value(v);
		size_t len;
		const char *tag = img ? image_split(img, &len) : NULL;
		if (!tag)
			continue;
		if (!first)
			first = tag;
		if (!by_image && image && strlen(image) == len && !strncmp(img, image, len))
			by_image = tag;
		if (!by_service && repo_is_service(img, len, service))
			by_service = tag;
	}
	return xstrdup(by_image ? by_image : by_service ? by_service : first ? first : "");
}

static const char *app_status(const json_t *app, const char *section, const char *key)
{
	const json_t *st = json_object_get(json_object_get(app, "status"), section);
	const char *s = json_string_value(json_object_get(st, key));
	return s ? s : "";
}

/* ---- the plan -------------------------------------------------------------------------- */

static void gate_set(struct promote_plan *plan, enum promote_gate_id id, bool ok,
		     char *detail /* owned */)
{
	plan->gates[id].ok = ok;
	plan->gates[id].detail = detail;
	if (!ok)
		plan->blocked = true;
}

/* Names, versions and the first gate: everything the apps list tells. */
static void plan_from_apps(struct promote_plan *plan, const struct platform *p,
			   const json_t *apps)
{
	const json_t *src = promote_find_app(apps, plan->from_app);
	const json_t *dst = promote_find_app(apps, plan->to_app);
	plan->from_version = src ? promote_app_version(src, plan->image, plan->service)
				 : xstrdup("");
	plan->to_version = dst ? promote_app_version(dst, plan->image, plan->service)
			       : xstrdup("");
	plan->source_revision = dup_or_empty(src ? app_status(src, "sync", "revision") : NULL);
	plan->to_namespace = dup_or_empty(json_string_value(json_object_get(
		json_object_get(dst, "metadata"), "namespace")));
	const struct platform_env *te = platform_env_find(p, plan->to_env);
	const char *cluster = te && te->cluster ? te->cluster : json_string_value(
		json_object_get(json_object_get(json_object_get(dst, "spec"), "destination"),
				"name"));
	plan->to_cluster = dup_or_empty(cluster);
	if (!src) {
		gate_set(plan, PROMOTE_GATE_SOURCE_HEALTHY, false,
			 xasprintf("no application %s", plan->from_app));
		return;
	}
	const char *sync = app_status(src, "sync", "status");
	const char *health = app_status(src, "health", "status");
	bool ok = !strcmp(sync, "Synced") && !strcmp(health, "Healthy");
	gate_set(plan, PROMOTE_GATE_SOURCE_HEALTHY, ok,
		 xasprintf("%s is %s and %s", plan->from_app, *sync ? sync : "Unknown",
			   *health ? health : "Unknown"));
}

/* The gates that need no repository: frozen and promotion order. */
static void plan_platform_gates(struct promote_plan *plan, const struct platform *p,
				int from_idx, int to_idx, long long now)
{
	char why[256] = "";
	const struct platform_env *te = platform_env_find(p, plan->to_env);
	bool frozen = platform_env_frozen(te, now, why, sizeof why);
	gate_set(plan, PROMOTE_GATE_NOT_FROZEN, !frozen,
		 frozen ? xstrdup(why) : xasprintf("%s has no freeze window now", plan->to_env));
	bool after = to_idx > from_idx;
	gate_set(plan, PROMOTE_GATE_ORDER, after,
		 xasprintf("%s is %s %s", plan->to_env,
			   after ? "after" : to_idx == from_idx ? "the same as" : "before",
			   plan->from_env));
}

char *promote_edit_text(const struct promote_plan *plan, const char *old_text, char *err,
			size_t errlen)
{
	char why[512] = "";
	if (!old_text) {
		snprintf(err, errlen, "%s: no such file", plan->file);
		return NULL;
	}
	char *text = plan->tag_kind == PLATFORM_TAG_HELM
			     ? gitops_helm_set_value(old_text, "image.tag", plan->tag, why, sizeof why)
			     : gitops_kustomize_set_tag(old_text, plan->image, plan->tag, why,
							sizeof why);
	if (!text)
		snprintf(err, errlen, "%s: %s", plan->file, why);
	return text;
}

/* The tag a file holds (NULL with err "FILE: problem"). */
static char *file_tag(const struct promote_plan *plan, const char *file, const char *text,
		      char *err, size_t errlen)
{
	char why[512] = "";
	char *tag = plan->tag_kind == PLATFORM_TAG_HELM
			    ? gitops_helm_get_value(text, "image.tag", why, sizeof why)
			    : gitops_kustomize_get_tag(text, plan->image, why, sizeof why);
	if (!tag)
		snprintf(err, errlen, "%s: %s", file, why);
	return tag;
}

/* Reads both files, the tags, the diff and the commits: the repository's part. */
static int plan_from_repo(struct promote_plan *plan, const struct platform *p,
			  const struct gitops_remote *r, char *err, size_t errlen)
{
	char *from_file = platform_gitops_file(p, plan->service, plan->from_env);
	char *from_text = NULL, *to_text = NULL, *new_text = NULL;
	int rc = -1;
	if (gitops_sync(r, NULL, err, errlen) < 0)
		goto out;
	if (!(from_text = gitops_read(r, from_file, err, errlen)) ||
	    !(to_text = gitops_read(r, plan->file, err, errlen)))
		goto out;
	if (!(plan->git_from_tag = file_tag(plan, from_file, from_text, err, errlen)) ||
	    !(plan->git_to_tag = file_tag(plan, plan->file, to_text, err, errlen)))
		goto out;
	if (!*plan->git_from_tag) {
		snprintf(err, errlen, "%s: no tag set for %s", from_file, plan->image);
		goto out;
	}
	plan->tag = xstrdup(plan->git_from_tag);
	if (!(new_text = promote_edit_text(plan, to_text, err, errlen)))
		goto out;
	char *a = xasprintf("a/%s", plan->file), *b = xasprintf("b/%s", plan->file);
	plan->diff = textdiff_unified(to_text, new_text, a, b, 3);
	free(a);
	free(b);
	rc = gitops_log(r, from_file, PROMOTE_PLAN_COMMITS, &plan->commits, &plan->ncommits,
			err, errlen);
out:
	free(from_file);
	free(from_text);
	free(to_text);
	free(new_text);
	return rc;
}

/* Checks the names and fills the plan's identity fields; -1 with err. */
static int plan_names(struct promote_plan *plan, const struct platform *p, const char *service,
		      const char *from, const char *to, char *err, size_t errlen)
{
	const struct platform_service *s = platform_service_find(p, service);
	if (!s) {
		snprintf(err, errlen, "no service %s in the platform model", service);
		return -1;
	}
	const char *missing = platform_env_index(p, from) < 0 ? from
			      : platform_env_index(p, to) < 0 ? to : NULL;
	if (missing) {
		snprintf(err, errlen, "no environment %s in the platform model", missing);
		return -1;
	}
	plan->tag_kind = p->gitops.image_tag;
	if (!s->image && plan->tag_kind == PLATFORM_TAG_KUSTOMIZE) {
		snprintf(err, errlen, "the platform model gives no image for %s (services[].image)",
			 service);
		return -1;
	}
	plan->file = platform_gitops_file(p, service, to);
	if (!plan->file) {
		snprintf(err, errlen, "the platform model has no gitops repository");
		return -1;
	}
	plan->service = xstrdup(service);
	plan->from_env = xstrdup(from);
	plan->to_env = xstrdup(to);
	plan->image = dup_or_empty(s->image);
	plan->from_app = platform_app_name(p, service, from);
	plan->to_app = platform_app_name(p, service, to);
	plan->protection = platform_env_find(p, to)->protection;
	return 0;
}

/* "pre already asks for 4.0.1", and when the target runs something else (it is
 * OutOfSync: Git is ahead of it) how to catch up without a promotion. */
static char *already_detail(const struct promote_plan *pl)
{
	if (*pl->to_version && strcmp(pl->to_version, pl->tag) != 0)
		return xasprintf("%s already asks for %s but runs %s: sync %s instead", pl->to_env,
				 pl->tag, pl->to_version, pl->to_app);
	return xasprintf("%s already asks for %s", pl->to_env, pl->tag);
}

int promote_plan_build(const struct platform *p, const json_t *apps,
		       const struct gitops_remote *r, const char *service, const char *from,
		       const char *to, long long now, struct promote_plan *out, char *err,
		       size_t errlen)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < PROMOTE_GATE_COUNT; i++)
		out->gates[i].name = gate_names[i];
	if (plan_names(out, p, service, from, to, err, errlen) < 0) {
		promote_plan_clear(out);
		return -1;
	}
	plan_from_apps(out, p, apps);
	plan_platform_gates(out, p, platform_env_index(p, from), platform_env_index(p, to), now);
	int fd = clone_lock(r, err, errlen);
	int rc = fd < 0 ? -1 : plan_from_repo(out, p, r, err, errlen);
	clone_unlock(fd);
	if (rc < 0) {
		promote_plan_clear(out);
		return -1;
	}
	bool differ = strcmp(out->tag, out->git_to_tag) != 0;
	gate_set(out, PROMOTE_GATE_VERSIONS_DIFFER, differ,
		 differ ? xasprintf("%s asks for %s, %s for %s", out->to_env,
				    *out->git_to_tag ? out->git_to_tag : "nothing", out->from_env,
				    out->tag)
			: already_detail(out));
	/* the findings come from the loop: promote_plan_gate_findings closes it if need be */
	gate_set(out, PROMOTE_GATE_NO_CRITICAL, true, xstrdup("findings not checked"));
	return 0;
}

bool promote_gate_no_critical_required(const struct platform_env *env)
{
	if (!env)
		return false;
	if (env->gate_no_critical != PLATFORM_GATE_DEFAULT)
		return env->gate_no_critical == PLATFORM_GATE_ON;
	return env->protection != PLATFORM_PROTECT_NONE;
}

void promote_plan_gate_findings(struct promote_plan *plan, const struct platform *p,
				long critical, const char *why)
{
	bool required = promote_gate_no_critical_required(platform_env_find(p, plan->to_env));
	const char *version = plan->tag && *plan->tag ? plan->tag : plan->from_version;
	struct promote_gate *g = &plan->gates[PROMOTE_GATE_NO_CRITICAL];
	g->name = gate_names[PROMOTE_GATE_NO_CRITICAL];
	free(g->detail);
	if (critical < 0)
		g->detail = xasprintf("the findings of %s in %s could not be read: %s%s",
				      plan->service, plan->from_env, why ? why : "unknown error",
				      required ? "" : " (gate off for this environment)");
	else if (critical > 0)
		g->detail = xasprintf("%s %s in %s has %ld critical finding%s (opsdeck findings "
				      "--service %s --env %s)%s", plan->service, version ? version : "",
				      plan->from_env, critical, critical == 1 ? "" : "s",
				      plan->service, plan->from_env,
				      required ? "" : "; the gate is off for this environment");
	else
		g->detail = xasprintf("%s %s in %s has no critical finding", plan->service,
				      version ? version : "", plan->from_env);
	g->ok = critical == 0 || !required;
	plan->blocked = false;
	for (int i = 0; i < PROMOTE_GATE_COUNT; i++)
		if (!plan->gates[i].ok)
			plan->blocked = true;
}

void promote_plan_clear(struct promote_plan *plan)
{
	char **strings[] = {&plan->service, &plan->from_env, &plan->to_env, &plan->from_app,
			    &plan->to_app, &plan->from_version, &plan->to_version,
			    &plan->source_revision, &plan->to_cluster, &plan->to_namespace,
			    &plan->file, &plan->image, &plan->git_from_tag, &plan->git_to_tag,
			    &plan->tag, &plan->diff};
	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
		free(*strings[i]);
	for (int i = 0; i < PROMOTE_GATE_COUNT; i++)
		free(plan->gates[i].detail);
	gitops_commits_free(plan->commits, plan->ncommits);
	memset(plan, 0, sizeof(*plan));
}

/* ---- apply and revert ------------------------------------------------------------------ */

static char *apply_edit(void *ud, const char *old_text, char *err, size_t errlen)
{
	return promote_edit_text(ud, old_text, err, errlen);
}

static const struct promote_gate *first_failed_gate(const struct promote_plan *plan)
{
	for (int i = 0; i < PROMOTE_GATE_COUNT; i++)
		if (!plan->gates[i].ok)
			return &plan->gates[i];
	return NULL;
}

int promote_apply(const struct promote_plan *plan, const struct gitops_remote *r,
		  const struct gitops_identity *who, char *commit_sha, char *err,
		  size_t errlen)
{
	commit_sha[0] = '\0';
	const struct promote_gate *g = first_failed_gate(plan);
	if (plan->blocked || !plan->tag) {
		snprintf(err, errlen, "the promotion is blocked: %s: %s", g ? g->name : "no plan",
			 g && g->detail ? g->detail : "");
		return -1;
	}
	char *message = xasprintf("%s: promote %s from %s to %s", plan->service, plan->tag,
				  plan->from_env, plan->to_env);
	char *trailers[3];
	size_t n = 0;
	trailers[n++] = xasprintf("Promoted-From: %s", plan->from_env);
	trailers[n++] = xasprintf("Promoted-To: %s", plan->to_env);
	if (plan->source_revision && *plan->source_revision)
		trailers[n++] = xasprintf("Source-Revision: %s", plan->source_revision);
	int fd = clone_lock(r, err, errlen);
	int rc = fd < 0 ? -1
		 : gitops_change(r, who, plan->file, apply_edit, (void *)plan, message,
				 (const char *const *)trailers, n, PROMOTE_RETRIES, commit_sha,
				 err, errlen);
	clone_unlock(fd);
	for (size_t i = 0; i < n; i++)
		free(trailers[i]);
	free(message);
	return rc;
}

int promote_revert(const struct gitops_remote *r, const struct gitops_identity *who,
		   const char *commit, char *new_sha, char *err, size_t errlen)
{
	new_sha[0] = '\0';
	int fd = clone_lock(r, err, errlen);
	int rc = fd < 0 ? -1 : gitops_revert(r, who, commit, new_sha, err, errlen);
	clone_unlock(fd);
	return rc;
}

/* ---- reading a promotion commit --------------------------------------------------------- */

static void info_from_message(struct promote_commit_info *ci, const char *message)
{
	git_message_trailer_array arr = {0};
	if (git_message_trailers(&arr, message) == 0) {
		for (size_t i = 0; i < arr.count; i++) {
			char **slot = !strcmp(arr.trailers[i].key, "Promoted-From") ? &ci->promoted_from
				      : !strcmp(arr.trailers[i].key, "Promoted-To") ? &ci->promoted_to
				      : !strcmp(arr.trailers[i].key, "Source-Revision")
					      ? &ci->source_revision : NULL;
			if (slot && !*slot)
				*slot = xstrdup(arr.trailers[i].value);
		}
		git_message_trailer_array_free(&arr);
	}
	const char *sep = strstr(ci->subject, ": promote ");
	ci->service = sep ? xstrndup(ci->subject, (size_t)(sep - ci->subject)) : NULL;
}

static int read_commit(const struct gitops_remote *r, const char *commit,
		       struct promote_commit_info *ci, char *err, size_t errlen)
{
	git_repository *repo = NULL;
	git_object *obj = NULL;
	int rc = git_repository_open_ext(&repo, r->cache_dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (rc == 0)
		rc = git_revparse_single(&obj, repo, commit);
	if (rc == 0 && git_object_type(obj) != GIT_OBJECT_COMMIT)
		rc = -1;
	if (rc < 0 || strspn(commit, "0123456789abcdefABCDEF") != strlen(commit)) {
		snprintf(err, errlen, "no commit %s in the GitOps repository", commit);
		rc = -1;
	} else {
		const git_commit *c = (const git_commit *)obj;
		git_oid_tostr(ci->sha, sizeof ci->sha, git_commit_id(c));
		const char *summary = git_commit_summary((git_commit *)c);
		ci->subject = xstrdup(summary ? summary : "");
		info_from_message(ci, git_commit_message(c));
	}
	git_object_free(obj);
	git_repository_free(repo);
	return rc;
}

int promote_commit_info(const struct gitops_remote *r, const char *commit,
			struct promote_commit_info *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!commit || !*commit) {
		snprintf(err, errlen, "which commit?");
		return -1;
	}
	int fd = clone_lock(r, err, errlen);
	int rc = fd < 0 ? -1 : gitops_sync(r, NULL, err, errlen);
	if (rc == 0) {
		git_libgit2_init();   /* counted; gitops keeps it initialised too */
		rc = read_commit(r, commit, out, err, errlen);
		git_libgit2_shutdown();
	}
	clone_unlock(fd);
	char **fields[] = {&out->subject, &out->service, &out->promoted_from, &out->promoted_to,
			   &out->source_revision};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (!*fields[i])
			*fields[i] = xstrdup("");
	if (rc < 0)
		promote_commit_info_clear(out);
	return rc;
}

void promote_commit_info_clear(struct promote_commit_info *ci)
{
	free(ci->subject);
	free(ci->service);
	free(ci->promoted_from);
	free(ci->promoted_to);
	free(ci->source_revision);
	memset(ci, 0, sizeof(*ci));
}

/* ---- the operator and the current tag ---------------------------------------------------- */

static char *git_config_value(git_config *cfg, const char *key)
{
	git_buf buf = {0};
	char *v = NULL;
	if (cfg && git_config_get_string_buf(&buf, cfg, key) == 0 && buf.ptr && *buf.ptr)
		v = xstrdup(buf.ptr);
	git_buf_dispose(&buf);
	return v;
}

void promote_who_init(struct promote_who *w)
{
	memset(w, 0, sizeof(*w));
	const char *n = getenv("GIT_AUTHOR_NAME"), *e = getenv("GIT_AUTHOR_EMAIL");
	w->name = n && *n ? xstrdup(n) : NULL;
	w->email = e && *e ? xstrdup(e) : NULL;
	if (!w->name || !w->email) {
		git_config *cfg = NULL;
		git_libgit2_init();
		if (git_config_open_default(&cfg) == 0) {
			if (!w->name)
				w->name = git_config_value(cfg, "user.name");
			if (!w->email)
				w->email = git_config_value(cfg, "user.email");
		}
		git_config_free(cfg);
		git_libgit2_shutdown();
	}
	const char *login = getenv("USER");
	char host[256] = "localhost";
	gethostname(host, sizeof host - 1);
	if (!w->name)
		w->name = xstrdup(login && *login ? login : "opsdeck");
	if (!w->email)
		w->email = xasprintf("%s@%s", login && *login ? login : "opsdeck", host);
	w->id = (struct gitops_identity){w->name, w->email};
}

void promote_who_clear(struct promote_who *w)
{
	free(w->name);
	free(w->email);
	memset(w, 0, sizeof(*w));
}

char *promote_current_tag(const struct platform *p, const struct gitops_remote *r,
			  const char *service, const char *env, char *err, size_t errlen)
{
	struct promote_plan plan = {0};
	if (plan_names(&plan, p, service, env, env, err, errlen) < 0)
		return NULL;
	char *tag = NULL;
	int fd = clone_lock(r, err, errlen);
	if (fd >= 0 && gitops_sync(r, NULL, err, errlen) == 0) {
		char *text = gitops_read(r, plan.file, err, errlen);
		tag = text ? file_tag(&plan, plan.file, text, err, errlen) : NULL;
		free(text);
	}
	clone_unlock(fd);
	promote_plan_clear(&plan);
	return tag;
}
