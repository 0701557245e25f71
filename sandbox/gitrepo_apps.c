/* From the scenario's Argo CD Applications to the GitOps repository and back: every deploy
 * their history records becomes a commit at its deployedAt, then the Applications' made-up
 * revisions are replaced by the real commits' shas. */
#include "sandbox/gitrepo.h"

#include "core/xalloc.h"
#include "sandbox/argocd_internal.h"

#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GITREPO_ANN_FROM "sandbox.opsdeck.dev/promoted-from"
#define GITREPO_ANN_COMMITTED "sandbox.opsdeck.dev/git-committed-at"
#define GITREPO_ANN_OLDER "sandbox.opsdeck.dev/older-history"   /* [{revision, deployedAt}] */
#define GITREPO_ANN_REVERTS "sandbox.opsdeck.dev/reverts"       /* {revert: reverted} */

struct gitrepo_plan {
	struct gitrepo_deploy *d;
	size_t n, cap;
	char *branch;
	char *repo_url;           /* what the scenario's Applications name */
};

static const char *gitrepo_label(const json_t *app, const char *key)
{
	return json_string_value(json_object_get(sbx_argocd_at(app, "metadata.labels"), key));
}

/* image "host/tenant/svc:tag" without its tag, into a new string. */
static char *gitrepo_image_repo(const char *image)
{
	const char *colon = strrchr(image, ':');
	return colon && !strchr(colon, '/') ? xstrndup(image, (size_t)(colon - image)) : xstrdup(image);
}

static void gitrepo_plan_add(struct gitrepo_plan *p, const json_t *app, const char *sha,
			     const char *image, time_t when)
{
	const char *tag = strrchr(image, ':');
	if (!tag || strchr(tag, '/') || when <= 0)
		return;
	for (size_t i = 0; i < p->n; i++)
		if (p->d[i].placeholder && !strcmp(p->d[i].placeholder, sha))
			return;
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 256;
		p->d = xrealloc(p->d, p->cap * sizeof *p->d);
	}
	const char *from = sbx_argocd_annotation(app, GITREPO_ANN_FROM);
	struct gitrepo_deploy *d = &p->d[p->n++];
	memset(d, 0, sizeof *d);
	d->dir = xstrdup(sbx_argocd_str(app, "spec.source.path"));
	d->image = gitrepo_image_repo(image);
	d->tag = xstrdup(tag + 1);
	d->service = xstrdup(gitrepo_label(app, "platform.opsdeck.dev/service"));
	d->env = xstrdup(gitrepo_label(app, "platform.opsdeck.dev/environment"));
	d->tenant = xstrdup(gitrepo_label(app, "platform.opsdeck.dev/tenant"));
	d->from_env = from && strcmp(from, "ci") ? xstrdup(from) : NULL;
	d->placeholder = xstrdup(sha);
	d->when = when;
	const char *text = sbx_argocd_annotation(app, GITREPO_ANN_REVERTS);
	json_t *reverts = text ? json_loads(text, 0, NULL) : NULL;
	const char *undone = json_string_value(json_object_get(reverts, sha));
	d->reverts = undone ? xstrdup(undone) : NULL;
	json_decref(reverts);
}

/* The app's recorded deploys, then Git's head for it when the cluster never got it. */
static void gitrepo_plan_app(struct gitrepo_plan *p, const json_t *app)
{
	if (!sbx_argocd_str(app, "spec.source.path") ||
	    !gitrepo_label(app, "platform.opsdeck.dev/service") ||
	    !gitrepo_label(app, "platform.opsdeck.dev/environment") ||
	    !gitrepo_label(app, "platform.opsdeck.dev/tenant"))
		return;
	if (!p->branch && sbx_argocd_str(app, "spec.source.targetRevision"))
		p->branch = xstrdup(sbx_argocd_str(app, "spec.source.targetRevision"));
	if (!p->repo_url && sbx_argocd_str(app, "spec.source.repoURL"))
		p->repo_url = xstrdup(sbx_argocd_str(app, "spec.source.repoURL"));
	size_t i;
	json_t *h;
	char image[512];
	json_array_foreach(sbx_argocd_at(app, "status.history"), i, h) {
		const char *sha = sbx_argocd_str(h, "revision");
		if (sha && sbx_argocd_revision_image(app, sha, image, sizeof image))
			gitrepo_plan_add(p, app, sha, image,
					 objstore_parse_time(sbx_argocd_str(h, "deployedAt")));
	}
	const char *older_text = sbx_argocd_annotation(app, GITREPO_ANN_OLDER);
	json_t *older = older_text ? json_loads(older_text, 0, NULL) : NULL;
	json_array_foreach(older, i, h) {
		const char *sha = sbx_argocd_str(h, "revision");
		if (sha && sbx_argocd_revision_image(app, sha, image, sizeof image))
			gitrepo_plan_add(p, app, sha, image,
					 objstore_parse_time(sbx_argocd_str(h, "deployedAt")));
	}
	json_decref(older);
	const char *head = sbx_argocd_str(app, "status.sync.revision");
	if (head && sbx_argocd_revision_image(app, head, image, sizeof image))
		gitrepo_plan_add(p, app, head, image,
				 objstore_parse_time(sbx_argocd_annotation(app, GITREPO_ANN_COMMITTED)));
}

static int gitrepo_deploy_cmp(const void *a, const void *b)
{
	const struct gitrepo_deploy *x = a, *y = b;
	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	int c = strcmp(x->dir, y->dir);
	return c ? c : strcmp(x->placeholder, y->placeholder);
}

static void gitrepo_plan_free(struct gitrepo_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct gitrepo_deploy *d = &p->d[i];
		free(d->dir);
		free(d->image);
		free(d->tag);
		free(d->service);
		free(d->env);
		free(d->tenant);
		free(d->from_env);
		free(d->placeholder);
		free(d->reverts);
	}
	free(p->d);
	free(p->branch);
	free(p->repo_url);
}

/* ---- rewriting the Applications ----------------------------------------------------- */

static void gitrepo_swap(json_t *obj, const char *key, const json_t *map)
{
	const char *old = json_string_value(json_object_get(obj, key));
	json_t *real = old ? json_object_get(map, old) : NULL;
	if (real)
		json_object_set(obj, key, real);
}

/* The revision-images annotation with real shas for keys, plus the head's image. */
static void gitrepo_swap_images(json_t *app, const json_t *map, const char *head)
{
	json_t *ann = sbx_argocd_at(app, "metadata.annotations");
	const char *text = json_string_value(json_object_get(ann, ARGOCD_REVISION_IMAGES));
	json_t *images = text ? json_loads(text, 0, NULL) : NULL;
	if (!json_is_object(images)) {
		json_decref(images);
		return;
	}
	json_t *out = json_object();
	const char *key;
	json_t *v;
	json_object_foreach(images, key, v) {
		const char *real = json_string_value(json_object_get(map, key));
		json_object_set(out, real ? real : key, v);
	}
	const char *git = json_string_value(json_object_get(ann, ARGOCD_GIT_IMAGE));
	if (git)
		json_object_set_new(out, head, json_string(git));
	char *dump = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
	json_object_set_new(ann, ARGOCD_REVISION_IMAGES, json_string(dump));
	free(dump);
	json_decref(out);
	json_decref(images);
}

/* Every string equal to from, anywhere in v, becomes to. */
static void gitrepo_swap_url(json_t *v, const char *from, const char *to)
{
	const char *key;
	json_t *x;
	size_t i;
	if (json_is_object(v)) {
		json_object_foreach(v, key, x) {
			if (json_is_string(x) && !strcmp(json_string_value(x), from))
				json_object_set_new(v, key, json_string(to));
			else
				gitrepo_swap_url(x, from, to);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (json_is_string(x) && !strcmp(json_string_value(x), from))
				json_array_set_new(v, i, json_string(to));
			else
				gitrepo_swap_url(x, from, to);
		}
	}
}

static void gitrepo_rewrite_app(json_t *app, const json_t *map, const char *head)
{
	json_t *status = json_object_get(app, "status");
	size_t i;
	json_t *h;
	json_array_foreach(json_object_get(status, "history"), i, h)
		gitrepo_swap(h, "revision", map);
	json_t *sync = json_object_get(status, "sync");
	if (json_is_object(sync))   /* Argo CD's revision: the branch head, as resolved */
		json_object_set_new(sync, "revision", json_string(head));
	json_t *opst = json_object_get(status, "operationState");
	gitrepo_swap(sbx_argocd_at(opst, "operation.sync"), "revision", map);
	gitrepo_swap(json_object_get(opst, "syncResult"), "revision", map);
	gitrepo_swap_images(app, map, head);
	json_t *ann = sbx_argocd_at(app, "metadata.annotations");
	json_object_del(ann, GITREPO_ANN_COMMITTED);
	json_object_del(ann, GITREPO_ANN_OLDER);     /* Git has them now */
	json_object_del(ann, GITREPO_ANN_REVERTS);
}

/* The AppProjects' sourceRepos: the repository's file:// URL replaces the scenario's. */
static void gitrepo_rewrite_projects(struct objstore *st, const char *from, const char *to)
{
	struct objstore_cluster *cl = sbx_argocd_plane(st);
	const struct resource *res = sbx_argocd_projects(cl);
	json_t *projects = json_array();
	const char *key;
	json_t *proj;
	if (res)
		json_object_foreach(objstore_objects(cl, res), key, proj)
			json_array_append(projects, proj);
	size_t i;
	json_array_foreach(projects, i, proj) {
		json_t *copy = json_deep_copy(proj);
		gitrepo_swap_url(json_object_get(copy, "spec"), from, to);
		json_object_del(json_object_get(copy, "metadata"), "resourceVersion");
		objstore_update(st, cl, res, copy, false, NULL);
	}
	json_decref(projects);
}

static void gitrepo_rewrite(struct objstore *st, const struct gitrepo_plan *p, const char *head,
			    const char *url)
{
	json_t *map = json_object();
	for (size_t i = 0; i < p->n; i++)
		json_object_set_new(map, p->d[i].placeholder, json_string(p->d[i].sha));
	struct objstore_cluster *cl = sbx_argocd_plane(st);
	json_t *apps = json_array();
	const char *key;
	json_t *app;
	json_object_foreach(objstore_objects(cl, sbx_argocd_apps(cl)), key, app)
		if (sbx_argocd_annotation(app, ARGOCD_GIT_IMAGE))
			json_array_append(apps, app);
	size_t i;
	json_array_foreach(apps, i, app) {
		json_t *copy = json_deep_copy(app);
		gitrepo_rewrite_app(copy, map, head);
		if (p->repo_url)
			gitrepo_swap_url(copy, p->repo_url, url);
		sbx_argocd_put(st, cl, copy);
	}
	if (p->repo_url)
		gitrepo_rewrite_projects(st, p->repo_url, url);
	json_decref(apps);
	json_decref(map);
}

/* ---- the whole step ----------------------------------------------------------------- */

/* Removes path and everything under it (our own repository from an earlier start). */
static void gitrepo_rm_tree(const char *path)
{
	struct stat sb;
	if (lstat(path, &sb))
		return;
	DIR *d = S_ISDIR(sb.st_mode) ? opendir(path) : NULL;
	for (struct dirent *e; d && (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = xasprintf("%s/%s", path, e->d_name);
		gitrepo_rm_tree(sub);
		free(sub);
	}
	if (d)
		closedir(d);
	remove(path);
}

int gitrepo_create_from_store(const char *dir, struct objstore *st, char *err, size_t errlen)
{
	struct objstore_cluster *cl = sbx_argocd_plane(st);
	const struct resource *res = cl ? sbx_argocd_apps(cl) : NULL;
	struct gitrepo_plan p = {0};
	gitrepo_serve(NULL, NULL);   /* the annotations, not an older repository, say what ran */
	const char *key;
	json_t *app;
	if (res)
		json_object_foreach(objstore_objects(cl, res), key, app)
			if (sbx_argocd_annotation(app, ARGOCD_GIT_IMAGE))
				gitrepo_plan_app(&p, app);
	if (!p.n) {
		gitrepo_plan_free(&p);
		return 0;   /* nothing Argo CD deploys from Git: no repository to serve */
	}
	qsort(p.d, p.n, sizeof *p.d, gitrepo_deploy_cmp);
	char *abs = realpath(dir, NULL);
	char *path = xasprintf("%s/%s", abs ? abs : dir, GITREPO_NAME);
	free(abs);
	/* rebuilt every start: the same scenario gives the same commits */
	gitrepo_rm_tree(path);
	int rc = gitrepo_build(path, p.branch ? p.branch : "main", p.d, p.n, err, errlen);
	if (!rc) {
		gitrepo_serve(path, p.branch ? p.branch : "main");
		char head[41];
		char *url = xasprintf("file://%s", path);
		if (gitrepo_head(head))
			gitrepo_rewrite(st, &p, head, url);
		free(url);
	}
	free(path);
	gitrepo_plan_free(&p);
	return rc;
}
