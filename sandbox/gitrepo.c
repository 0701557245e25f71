/* The sandbox's GitOps repository with libgit2: building it, deploy by deploy, as a bare
 * repository with kustomize-style files, and reading it back for the Argo CD simulation
 * (branch head, revisions, the image tag a file holds at a commit). */
#include "sandbox/gitrepo.h"

#include "core/strbuf.h"
#include "core/xalloc.h"

#include <git2.h>
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The team whose names the history carries; picked by hash, so fixed per deploy. */
static const char *const gitrepo_team[][2] = {
	{"Ana Ruiz", "ana.ruiz@example.com"},
	{"Tom Becker", "tom.becker@example.com"},
	{"Priya Nair", "priya.nair@example.com"},
	{"Jonas Berg", "jonas.berg@example.com"},
	{"release-bot", "release-bot@example.com"},
};

static uint64_t gitrepo_fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void gitrepo_error(char *err, size_t errlen, const char *what)
{
	const git_error *e = git_error_last();
	snprintf(err, errlen, "gitops repository: %s: %s", what, e && e->message ? e->message : "failed");
}

char *gitrepo_kustomization(const struct gitrepo_deploy *d)
{
	return xasprintf("# %s in %s. Promotions change newTag below and nothing else;\n"
			 "# everything else here goes through review.\n"
			 "apiVersion: kustomize.config.k8s.io/v1beta1\n"
			 "kind: Kustomization\n"
			 "namespace: %s-%s\n"
			 "resources:\n"
			 "  - ../../../base/%s\n"
			 "images:\n"
			 "  - name: %s\n"
			 "    newTag: \"%s\"  # set by promotions\n"
			 "labels:\n"
			 "  - pairs:\n"
			 "      platform.opsdeck.dev/environment: %s\n",
			 d->service, d->env, d->tenant, d->env, d->service, d->image, d->tag, d->env);
}

static char *gitrepo_base_deployment(const struct gitrepo_deploy *d)
{
	return xasprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n"
			 "spec:\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: %s\n"
			 "  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: %s\n"
			 "    spec:\n      containers:\n        - name: %s\n          image: %s\n",
			 d->service, d->service, d->service, d->service, d->image);
}

/* Adds text as the blob at path of the in-memory index. */
static int gitrepo_put(git_repository *repo, git_index *idx, const char *path, const char *text)
{
	git_index_entry e;
	memset(&e, 0, sizeof e);
	e.mode = GIT_FILEMODE_BLOB;
	e.path = path;
	if (git_blob_create_from_buffer(&e.id, repo, text, strlen(text)))
		return -1;
	return git_index_add(idx, &e);
}

static const char *const gitrepo_readme =
	"# GitOps\n\n"
	"What runs where: envs/<environment>/<service>/kustomization.yaml pins each\n"
	"service's image tag per environment; base/<service>/ holds the manifests they share.\n"
	"Promote a release by copying the tag from one environment to the next, one commit per\n"
	"promotion with Promoted-From and Promoted-To trailers.\n";

/* base/<service>/ for each service the deploys name, and the README. */
static int gitrepo_put_bases(git_repository *repo, git_index *idx, const struct gitrepo_deploy *d,
			     size_t n)
{
	int rc = gitrepo_put(repo, idx, "README.md", gitrepo_readme);
	for (size_t i = 0; !rc && i < n; i++) {
		char *path = xasprintf("base/%s/kustomization.yaml", d[i].service);
		if (git_index_get_bypath(idx, path, 0)) {
			free(path);
			continue;
		}
		rc = gitrepo_put(repo, idx, path, "apiVersion: kustomize.config.k8s.io/v1beta1\n"
			       "kind: Kustomization\nresources:\n  - deployment.yaml\n");
		free(path);
		char *text = gitrepo_base_deployment(&d[i]);
		path = xasprintf("base/%s/deployment.yaml", d[i].service);
		if (!rc)
			rc = gitrepo_put(repo, idx, path, text);
		free(path);
		free(text);
	}
	return rc;
}

/* Commits the index's tree on top of parent (NULL: the first commit). */
static int gitrepo_commit(git_repository *repo, git_index *idx, const char *ref, git_oid *parent,
			  const char *who, time_t when, const char *message, git_oid *out)
{
	const char *const *person = gitrepo_team[gitrepo_fnv(who) % 5];
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_commit *prev = NULL;
	git_oid tree_id;
	int rc = git_signature_new(&sig, person[0], person[1], (git_time_t)when, 0);
	if (!rc)
		rc = git_index_write_tree_to(&tree_id, idx, repo);
	if (!rc)
		rc = git_tree_lookup(&tree, repo, &tree_id);
	if (!rc && parent)
		rc = git_commit_lookup(&prev, repo, parent);
	const git_commit *parents[1] = {prev};
	if (!rc)
		rc = git_commit_create(out, repo, ref, sig, sig, NULL, message, tree, prev ? 1 : 0,
				       parents);
	git_commit_free(prev);
	git_tree_free(tree);
	git_signature_free(sig);
	return rc;
}

/* A revert's message, as gitops_revert writes one: the subject of the commit undone
 * (seen maps each placeholder to {sha, subject} of its commit). NULL when unknown. */
static char *gitrepo_revert_message(const struct gitrepo_deploy *d, json_t *seen)
{
	json_t *undone = d->reverts ? json_object_get(seen, d->reverts) : NULL;
	const char *sha = json_string_value(json_object_get(undone, "sha"));
	const char *subject = json_string_value(json_object_get(undone, "subject"));
	if (!sha || !subject)
		return NULL;
	return xasprintf("Revert \"%s\"\n\nThis reverts commit %s.\n\nReverts: %s\n"
			 "Promoted-To: %s\n", subject, sha, sha, d->env);
}

/* The message of a deploy's commit; Source-Revision names the commit that brought the
 * same release to the environment it came from, when the history holds one. */
static char *gitrepo_message(const struct gitrepo_deploy *d, json_t *seen)
{
	char *revert = gitrepo_revert_message(d, seen);
	if (revert)
		return revert;
	struct strbuf sb = STRBUF_INIT;
	char key[256];
	strbuf_printf(&sb, "%s: promote %s to %s\n\n", d->service, d->tag, d->env);
	snprintf(key, sizeof key, "%s@%s@%s", d->service, d->from_env ? d->from_env : "", d->tag);
	const char *source = json_string_value(json_object_get(seen, key));
	strbuf_printf(&sb, "Promoted-From: %s\nPromoted-To: %s\n", d->from_env ? d->from_env : "ci",
		      d->env);
	if (source)
		strbuf_printf(&sb, "Source-Revision: %s\n", source);
	return strbuf_detach(&sb);
}

static int gitrepo_replay(git_repository *repo, git_index *idx, const char *ref, git_oid *head,
			  struct gitrepo_deploy *d, size_t n)
{
	json_t *seen = json_object();
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		char *path = xasprintf("%s/kustomization.yaml", d[i].dir);
		char *text = gitrepo_kustomization(&d[i]);
		char *msg = gitrepo_message(&d[i], seen);
		char *who = xasprintf("%s/%s/%s", d[i].service, d[i].env, d[i].tag);
		rc = gitrepo_put(repo, idx, path, text);
		if (!rc)
			rc = gitrepo_commit(repo, idx, ref, head, who, d[i].when, msg, head);
		if (!rc) {
			git_oid_tostr(d[i].sha, sizeof d[i].sha, head);
			char key[256];
			snprintf(key, sizeof key, "%s@%s@%s", d[i].service, d[i].env, d[i].tag);
			json_object_set_new(seen, key, json_string(d[i].sha));
			if (d[i].placeholder) {
				char *nl = strchr(msg, '\n');
				char *subject = xstrndup(msg, nl ? (size_t)(nl - msg) : strlen(msg));
				json_object_set_new(seen, d[i].placeholder,
						    json_pack("{s:s, s:s}", "sha", d[i].sha,
							      "subject", subject));
				free(subject);
			}
		}
		free(who);
		free(msg);
		free(text);
		free(path);
	}
	json_decref(seen);
	return rc;
}

int gitrepo_build(const char *path, const char *branch, struct gitrepo_deploy *deploys,
		  size_t n, char *err, size_t errlen)
{
	git_libgit2_init();
	git_repository *repo = NULL;
	git_index *idx = NULL;
	git_repository_init_options opts;
	git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_NO_REINIT |
		     GIT_REPOSITORY_INIT_MKPATH;
	opts.initial_head = branch;
	opts.description = "The platform's GitOps repository (opsdeck-sandbox)";
	char *ref = xasprintf("refs/heads/%s", branch);
	git_oid head;
	int rc = git_repository_init_ext(&repo, path, &opts);
	if (rc)
		gitrepo_error(err, errlen, "init");
	if (!rc && (rc = git_index_new(&idx)))
		gitrepo_error(err, errlen, "index");
	if (!rc && (rc = gitrepo_put_bases(repo, idx, deploys, n)))
		gitrepo_error(err, errlen, "base manifests");
	/* the layout a day before the first recorded deploy */
	time_t first = n ? deploys[0].when - 86400 : 0;
	if (!rc && (rc = gitrepo_commit(repo, idx, ref, NULL, "layout", first,
					"Lay out the repository: base manifests per service\n",
					&head)))
		gitrepo_error(err, errlen, "first commit");
	if (!rc && (rc = gitrepo_replay(repo, idx, ref, &head, deploys, n)))
		gitrepo_error(err, errlen, "commit");
	git_index_free(idx);
	git_repository_free(repo);
	free(ref);
	return rc ? -1 : 0;
}

/* ---- reading, for the Argo CD simulation ------------------------------------------- */

/* One repository served; the Argo CD simulation calls in with the store lock held, but
 * tests may serve and read from several threads, hence a lock of its own. */
static struct {
	pthread_mutex_t lock;
	char *path, *branch;
	git_repository *repo;
} gitrepo_served = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, NULL};

void gitrepo_serve(const char *path, const char *branch)
{
	git_libgit2_init();
	pthread_mutex_lock(&gitrepo_served.lock);
	git_repository_free(gitrepo_served.repo);
	gitrepo_served.repo = NULL;
	free(gitrepo_served.path);
	free(gitrepo_served.branch);
	gitrepo_served.path = path ? xstrdup(path) : NULL;
	gitrepo_served.branch = path ? xstrdup(branch && *branch ? branch : "main") : NULL;
	pthread_mutex_unlock(&gitrepo_served.lock);
}

bool gitrepo_serving(void)
{
	pthread_mutex_lock(&gitrepo_served.lock);
	bool on = gitrepo_served.path != NULL;
	pthread_mutex_unlock(&gitrepo_served.lock);
	return on;
}

/* The open repository (lock held); NULL when none or it cannot be opened. */
static git_repository *gitrepo_open(void)
{
	if (!gitrepo_served.repo && gitrepo_served.path &&
	    git_repository_open_bare(&gitrepo_served.repo, gitrepo_served.path))
		gitrepo_served.repo = NULL;
	return gitrepo_served.repo;
}

static bool gitrepo_head_locked(git_repository *repo, git_oid *out)
{
	char ref[300];
	snprintf(ref, sizeof ref, "refs/heads/%s", gitrepo_served.branch);
	return repo && !git_reference_name_to_id(out, repo, ref);
}

bool gitrepo_head(char out[41])
{
	pthread_mutex_lock(&gitrepo_served.lock);
	git_oid id;
	bool ok = gitrepo_head_locked(gitrepo_open(), &id);
	if (ok)
		git_oid_tostr(out, 41, &id);
	pthread_mutex_unlock(&gitrepo_served.lock);
	return ok;
}

/* revision as a commit id (lock held). */
static bool gitrepo_resolve_locked(git_repository *repo, const char *rev, git_oid *out)
{
	size_t n = rev ? strlen(rev) : 0;
	if (!repo)
		return false;
	if (!n || !strcmp(rev, "HEAD") || !strcmp(rev, gitrepo_served.branch))
		return gitrepo_head_locked(repo, out);
	git_object *obj = NULL;
	bool ok = false;
	if (n >= 7 && n <= 40 && strspn(rev, "0123456789abcdef") == n) {
		git_oid prefix;
		ok = !git_oid_fromstrn(&prefix, rev, n) &&
		     !git_object_lookup_prefix(&obj, repo, &prefix, n, GIT_OBJECT_COMMIT);
	} else {
		git_reference *ref = NULL;
		ok = !git_reference_dwim(&ref, repo, rev) &&
		     !git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT);
		git_reference_free(ref);
	}
	if (ok)
		git_oid_cpy(out, git_object_id(obj));
	git_object_free(obj);
	return ok;
}

bool gitrepo_resolve(const char *revision, char out[41])
{
	pthread_mutex_lock(&gitrepo_served.lock);
	git_oid id;
	bool ok = gitrepo_resolve_locked(gitrepo_open(), revision, &id);
	if (ok)
		git_oid_tostr(out, 41, &id);
	pthread_mutex_unlock(&gitrepo_served.lock);
	return ok;
}

bool gitrepo_parse_tag(const char *text, char *tag, size_t len)
{
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		const char *q = p + strspn(p, " \t-");
		if (strncmp(q, "newTag:", 7))
			continue;
		q += 7;
		q += strspn(q, " \t");
		char quote = *q == '"' || *q == '\'' ? *q++ : 0;
		size_t n = quote ? strcspn(q, quote == '"' ? "\"\n" : "'\n") : strcspn(q, " \t#\r\n");
		if (!n || n >= len)
			return false;
		memcpy(tag, q, n);
		tag[n] = '\0';
		return true;
	}
	return false;
}

bool gitrepo_tag_at(const char *sha, const char *dir, char *tag, size_t len)
{
	pthread_mutex_lock(&gitrepo_served.lock);
	git_repository *repo = gitrepo_open();
	git_oid id;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	char *path = xasprintf("%s/kustomization.yaml", dir);
	bool ok = gitrepo_resolve_locked(repo, sha, &id) && !git_commit_lookup(&commit, repo, &id) &&
		  !git_commit_tree(&tree, commit) && !git_tree_entry_bypath(&entry, tree, path) &&
		  !git_blob_lookup(&blob, repo, git_tree_entry_id(entry));
	if (ok) {
		char *text = xstrndup(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
		ok = gitrepo_parse_tag(text, tag, len);
		free(text);
	}
	free(path);
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	pthread_mutex_unlock(&gitrepo_served.lock);
	return ok;
}
