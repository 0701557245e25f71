/* The kubeconfig loader: which files kubectl reads, how they merge (the first file to
 * define a name wins the whole entry), and the resolved contexts (see kubeconfig.h). */
#include "clients/kubeconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/kubeconfig_file.h"
#include "core/filemode.h"
#include "core/xalloc.h"

/* The files to read, in order, as client-go's loading rules pick them. */
struct file_list {
	char **paths;
	size_t n, cap;
	bool must_exist;   /* --kubeconfig: a missing file is an error */
};

static void list_add_unique(struct file_list *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->paths[i], path) == 0)
			return;
	l->paths = xgrow(l->paths, &l->cap, l->n + 1, sizeof(*l->paths));
	l->paths[l->n++] = xstrdup(path);
}

static void list_free(struct file_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->paths[i]);
	free(l->paths);
}

static void list_pick_files(const char *explicit_path, struct file_list *l)
{
	const char *env = getenv("KUBECONFIG");
	if (explicit_path && *explicit_path) {
		list_add_unique(l, explicit_path);
		l->must_exist = true;
	} else if (env && *env) {
		/* Empty entries are skipped and a file named twice is read once. */
		for (const char *s = env; *s;) {
			const char *e = strchr(s, ':');
			size_t n = e ? (size_t)(e - s) : strlen(s);
			if (n > 0) {
				char *one = xstrndup(s, n);
				list_add_unique(l, one);
				free(one);
			}
			s += n;
			if (*s == ':')
				s++;
		}
	} else {
		const char *home = getenv("HOME");
		char *def = xasprintf("%s/.kube/config", home && *home ? home : ".");
		list_add_unique(l, def);
		free(def);
	}
}

static const struct kc_cluster *find_cluster(const struct kc_file *files, size_t n,
					     const char *name)
{
	for (size_t f = 0; name && f < n; f++)
		for (size_t i = 0; i < files[f].nclusters; i++)
			if (strcmp(files[f].clusters[i].name, name) == 0)
				return &files[f].clusters[i];
	return NULL;
}

static const struct kc_user *find_user(const struct kc_file *files, size_t n, const char *name)
{
	for (size_t f = 0; name && f < n; f++)
		for (size_t i = 0; i < files[f].nusers; i++)
			if (strcmp(files[f].users[i].name, name) == 0)
				return &files[f].users[i];
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void context_fill_cluster(struct kube_context *k, const struct kc_cluster *c)
{
	if (!c)
		return;
	k->server = dup_or_null(c->server);
	k->ca_file = dup_or_null(c->ca_file);
	k->ca_data = dup_or_null(c->ca_data);
	k->insecure_skip_tls_verify = c->insecure_skip_tls_verify;
	k->tls_server_name = dup_or_null(c->tls_server_name);
	k->proxy_url = dup_or_null(c->proxy_url);
}

/* A legacy auth-provider user keeps its other fields; the provider itself is dropped
 * (exec plugins replaced it), so such a context simply has no credentials from it. */
static void context_fill_user(struct kube_context *k, const struct kc_user *u)
{
	if (!u)
		return;
	k->token = dup_or_null(u->token);
	k->token_file = dup_or_null(u->token_file);
	k->username = dup_or_null(u->username);
	k->password = dup_or_null(u->password);
	k->client_cert_file = dup_or_null(u->client_cert_file);
	k->client_cert_data = dup_or_null(u->client_cert_data);
	k->client_key_file = dup_or_null(u->client_key_file);
	k->client_key_data = dup_or_null(u->client_key_data);
	k->exec = kc_exec_dup(u->exec);
}

static bool has_context(const struct kubeconfig *kc, const char *name)
{
	for (size_t i = 0; i < kc->ncontexts; i++)
		if (strcmp(kc->contexts[i].name, name) == 0)
			return true;
	return false;
}

/* Contexts in the order they are first defined; a later file's same-named context is
 * ignored whole, and clusters and users are looked up the same way. */
static void merge_files(struct kubeconfig *kc, const struct kc_file *files, size_t n)
{
	size_t cap = 0;
	for (size_t f = 0; f < n; f++) {
		if (!kc->current_context && files[f].current_context && *files[f].current_context)
			kc->current_context = xstrdup(files[f].current_context);
		for (size_t i = 0; i < files[f].ncontexts; i++) {
			const struct kc_context *c = &files[f].contexts[i];
			if (has_context(kc, c->name))
				continue;
			kc->contexts = xgrow(kc->contexts, &cap, kc->ncontexts + 1,
					     sizeof(*kc->contexts));
			struct kube_context *k = &kc->contexts[kc->ncontexts++];
			memset(k, 0, sizeof(*k));
			k->name = xstrdup(c->name);
			k->cluster_name = dup_or_null(c->cluster);
			k->user_name = dup_or_null(c->user);
			k->namespace = dup_or_null(c->namespace);
			context_fill_cluster(k, find_cluster(files, n, c->cluster));
			context_fill_user(k, find_user(files, n, c->user));
		}
	}
}

/* Inline secrets make a readable file worth a warning; an exec plugin makes a writable
 * one a way to run someone else's command, so both refuse when others can write. */
static int check_file_mode(const struct kc_file *f, struct kubeconfig *kc, char *err,
			   size_t errlen)
{
	bool secrets = false, exec = false;
	for (size_t i = 0; i < f->nusers; i++) {
		const struct kc_user *u = &f->users[i];
		secrets = secrets || u->token || u->password || u->client_key_data;
		exec = exec || u->exec;
	}
	if (!secrets && !exec)
		return 0;
	char msg[1024];
	enum filemode_exposure e = filemode_check(f->path, exec ? "run its exec plugin"
							    : "read its credentials",
						  msg, sizeof msg);
	if (e == FILEMODE_WRITABLE) {
		snprintf(err, errlen, "kubeconfig %s", msg);
		return -1;
	}
	if (e == FILEMODE_READABLE && secrets && !kc->warning)
		kc->warning = xasprintf("kubeconfig %s", msg);
	return 0;
}

/* Reads every listed file; missing ones are skipped unless the path was explicit. */
static int read_files(const struct file_list *l, struct kc_file *files, size_t *nread,
		      struct kubeconfig *kc, char *err, size_t errlen)
{
	size_t nfiles = 0;
	for (size_t i = 0; i < l->n; i++) {
		int e;
		if (kc_file_load(l->paths[i], &files[*nread], &e, err, errlen) < 0) {
			bool skip = e == ENOENT && !l->must_exist;
			kc_file_clear(&files[*nread]);
			if (skip)
				continue;
			return -1;
		}
		if (check_file_mode(&files[*nread], kc, err, errlen) < 0) {
			kc_file_clear(&files[*nread]);
			return -1;
		}
		kc->files[nfiles++] = xstrdup(files[*nread].path);
		(*nread)++;
	}
	return 0;
}

int kubeconfig_load(const char *explicit_path, struct kubeconfig **out, char *err,
		    size_t errlen)
{
	struct file_list l = {0};
	list_pick_files(explicit_path, &l);
	struct kc_file *files = xcalloc(l.n + 1, sizeof(*files));
	struct kubeconfig *kc = xcalloc(1, sizeof(*kc));
	kc->files = xcalloc(l.n + 1, sizeof(*kc->files));
	size_t nread = 0;
	int rc = read_files(&l, files, &nread, kc, err, errlen);
	if (rc == 0)
		merge_files(kc, files, nread);
	for (size_t i = 0; i < nread; i++)
		kc_file_clear(&files[i]);
	free(files);
	list_free(&l);
	if (rc < 0) {
		kubeconfig_free(kc);
		*out = NULL;
		return -1;
	}
	*out = kc;
	return 0;
}

const struct kube_context *kubeconfig_context(const struct kubeconfig *kc, const char *name)
{
	if (!kc)
		return NULL;
	if (!name)
		name = kc->current_context;
	for (size_t i = 0; name && i < kc->ncontexts; i++)
		if (strcmp(kc->contexts[i].name, name) == 0)
			return &kc->contexts[i];
	return NULL;
}

static void context_clear(struct kube_context *k)
{
	free(k->name), free(k->cluster_name), free(k->user_name), free(k->namespace);
	free(k->server), free(k->ca_file), free(k->ca_data), free(k->tls_server_name);
	free(k->proxy_url), free(k->token), free(k->token_file), free(k->username);
	free(k->password), free(k->client_cert_file), free(k->client_cert_data);
	free(k->client_key_file), free(k->client_key_data);
	kc_exec_free(k->exec);
}

void kubeconfig_free(struct kubeconfig *kc)
{
	if (!kc)
		return;
	for (size_t i = 0; i < kc->ncontexts; i++)
		context_clear(&kc->contexts[i]);
	free(kc->contexts);
	for (size_t i = 0; kc->files && kc->files[i]; i++)
		free(kc->files[i]);
	free(kc->files);
	free(kc->current_context);
	free(kc->warning);
	free(kc);
}
