/* The state directory: a kubeconfig for kubectl and opsdeck, the platform model with the
 * sandbox URL filled in, and the ready file, each written whole (temp file + rename). */
#include "sandbox/statedir.h"

#include "core/strbuf.h"
#include "core/xalloc.h"
#include "sandbox/argocd.h"
#include "sandbox/gitrepo.h"
#include "sandbox/scanners_api.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pthread.h>
#include <unistd.h>

static char *statedir_b64(const char *text)
{
	size_t n = strlen(text);
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)text, (int)n);
	return out;
}

static const char *statedir_current(const struct scenario *sc)
{
	for (size_t i = 0; i < sc->nclusters; i++)
		if (!sc->clusters[i].control_plane)
			return sc->clusters[i].name;
	return sc->nclusters ? sc->clusters[0].name : "";
}

char *statedir_kubeconfig(const struct server *srv, const struct scenario *sc)
{
	struct strbuf sb = STRBUF_INIT;
	char *ca = statedir_b64(srv->certs.ca_pem);
	char *cert = statedir_b64(srv->certs.admin_cert_pem);
	char *key = statedir_b64(srv->certs.admin_key_pem);
	strbuf_puts(&sb, "apiVersion: v1\nkind: Config\nclusters:\n");
	for (size_t i = 0; i < sc->nclusters; i++)
		strbuf_printf(&sb, "- name: %s\n  cluster:\n    server: %s/clusters/%s\n"
			      "    certificate-authority-data: %s\n",
			      sc->clusters[i].name, srv->base_url, sc->clusters[i].name, ca);
	strbuf_printf(&sb, "users:\n- name: sandbox-admin\n  user:\n"
		      "    client-certificate-data: %s\n    client-key-data: %s\n"
		      "- name: sandbox-viewer\n  user:\n    token: %s\ncontexts:\n",
		      cert, key, srv->auth.viewer_token);
	for (size_t i = 0; i < sc->nclusters; i++) {
		const char *name = sc->clusters[i].name;
		strbuf_printf(&sb, "- name: %s\n  context:\n    cluster: %s\n    user: sandbox-admin\n"
			      "- name: %s-viewer\n  context:\n    cluster: %s\n    user: sandbox-viewer\n",
			      name, name, name, name);
	}
	strbuf_printf(&sb, "current-context: %s\npreferences: {}\n", statedir_current(sc));
	free(ca);
	free(cert);
	free(key);
	return strbuf_detach(&sb);
}

static int statedir_put(const char *dir, const char *name, const char *text, char *err,
			size_t errlen)
{
	char *tmp = xasprintf("%s/.%s.tmp", dir, name);
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(tmp, "w");
	int rc = -1;
	if (f) {
		fchmod(fileno(f), 0600); /* the kubeconfig holds keys and tokens */
		bool ok = fputs(text, f) >= 0;
		ok = fclose(f) == 0 && ok;
		if (ok && rename(tmp, path) == 0)
			rc = 0;
	}
	if (rc)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	free(tmp);
	free(path);
	return rc;
}

/* The gitops section's repo line now names the sandbox's own repository (when made). */
static void statedir_gitops_repo(struct strbuf *sb, const char *dir)
{
	char *abs = realpath(dir, NULL);
	char *repo = xasprintf("%s/%s", abs ? abs : dir, GITREPO_NAME);
	free(abs);
	const char *text = strbuf_str(sb);
	const char *line = !strncmp(text, "gitops:\n", 8) ? text : strstr(text, "\ngitops:\n");
	if (line && *line == '\n')
		line++;
	/* the section's own indented lines only: another section's repo is not ours */
	while (line && access(repo, F_OK) == 0) {
		line = strchr(line, '\n');
		if (!line || strncmp(++line, "  ", 2))
			break;
		if (strncmp(line, "  repo:", 7))
			continue;
		size_t len = strcspn(line, "\n");
		char *out = xasprintf("%.*s  repo: file://%s%s", (int)(line - text), text, repo,
				      line + len);
		strbuf_reset(sb);
		strbuf_puts(sb, out);
		free(out);
		break;
	}
	free(repo);
}

/* The SonarQube, DefectDojo and Harbor this sandbox serves (sandbox/scanners_api.c),
 * unless the scenario names its own. */
static void statedir_scanners(struct strbuf *sb, const char *dir, const struct server *srv)
{
	if (strstr(strbuf_str(sb), "\nscanners:") || !strncmp(strbuf_str(sb), "scanners:", 9))
		return;
	if (sb->len && sb->buf[sb->len - 1] != '\n')
		strbuf_putc(sb, '\n');
	/* images are named by the scenario's registry, not by this server's address */
	const char *img = strstr(strbuf_str(sb), "\n    image: ");
	/* copied: the appends below may move sb's bytes */
	char *registry = img ? xstrndup(img + 12, strcspn(img + 12, "/\n")) : NULL;
	char *abs = realpath(dir, NULL);
	const char *d = abs ? abs : dir;
	const char *u = srv->base_url;
	strbuf_printf(sb, "scanners:\n"
		      "  sonarqube:\n    url: %s/sonarqube\n    token: {file: %s/sonarqube.token}\n"
		      "    ca_file: %s/ca.crt\n"
		      "  defectdojo:\n    url: %s/defectdojo\n    token: {file: %s/defectdojo.token}\n"
		      "    ca_file: %s/ca.crt\n"
		      "  harbor:\n    url: %s/harbor\n    username: %s\n"
		      "    password: {file: %s/harbor.password}\n    ca_file: %s/ca.crt\n",
		      u, d, d, u, d, d, u, SBX_HARBOR_ROBOT, d, d);
	if (registry && *registry)
		strbuf_printf(sb, "    registry: %s\n", registry);
	free(registry);
	free(abs);
}

static const char *statedir_prometheus_url;

void statedir_set_prometheus(const char *url)
{
	statedir_prometheus_url = url;
}

static char *statedir_platform(const char *dir, const struct server *srv,
			       const struct scenario *sc)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = sc->platform_yaml ? sc->platform_yaml : "";
	const char *var = "${SANDBOX_URL}";
	for (const char *hit; (hit = strstr(p, var)); p = hit + strlen(var)) {
		strbuf_append(&sb, p, (size_t)(hit - p));
		strbuf_puts(&sb, srv->base_url);
	}
	strbuf_puts(&sb, p);
	statedir_gitops_repo(&sb, dir);
	/* the Argo CD API this sandbox serves, unless the scenario names another */
	if (!strstr(strbuf_str(&sb), "\nargocd:") && strncmp(strbuf_str(&sb), "argocd:", 7)) {
		if (sb.len && sb.buf[sb.len - 1] != '\n')
			strbuf_putc(&sb, '\n');
		/* absolute: the console may run from another directory */
		char *abs = realpath(dir, NULL);
		const char *d = abs ? abs : dir;
		strbuf_printf(&sb, "argocd:\n  server: %s/argocd\n  token: {file: %s/argocd-admin.token}\n"
			      "  ca_file: %s/ca.crt\n", srv->base_url, d, d);
		free(abs);
	}
	statedir_scanners(&sb, dir, srv);
	/* the Prometheus that scrapes this sandbox (started by the tests or the demo) */
	if (statedir_prometheus_url && !strstr(strbuf_str(&sb), "\nprometheus:") &&
	    strncmp(strbuf_str(&sb), "prometheus:", 11)) {
		if (sb.len && sb.buf[sb.len - 1] != '\n')
			strbuf_putc(&sb, '\n');
		strbuf_printf(&sb, "prometheus:\n  url: %s\n", statedir_prometheus_url);
	}
	return strbuf_detach(&sb);
}

int statedir_write(const char *dir, const struct server *srv, const struct scenario *sc,
		   char *err, size_t errlen)
{
	/* the GitOps repository first: platform.yaml names it, and the Applications'
	 * revisions become its commits (the controller runs meanwhile, hence the lock) */
	struct objstore *st = (struct objstore *)&srv->store;
	pthread_mutex_lock(&st->lock);
	int grc = gitrepo_create_from_store(dir, st, err, errlen);
	pthread_cond_broadcast(&st->changed);
	pthread_mutex_unlock(&st->lock);
	if (grc)
		return -1;
	char *kubeconfig = statedir_kubeconfig(srv, sc);
	char *platform = statedir_platform(dir, srv, sc);
	char *ready = xstrdup(srv->base_url);
	int rc = statedir_put(dir, "kubeconfig", kubeconfig, err, errlen);
	if (!rc)
		rc = statedir_put(dir, "ca.crt", srv->certs.ca_pem, err, errlen);
	if (!rc)
		rc = statedir_put(dir, "argocd-admin.token", sbx_argocd_token(ARGOCD_ADMIN), err, errlen);
	if (!rc)
		rc = statedir_put(dir, "argocd-readonly.token", sbx_argocd_token(ARGOCD_READONLY), err,
				  errlen);
	if (!rc)
		rc = statedir_put(dir, "sonarqube.token", sbx_sonarqube_token(), err, errlen);
	if (!rc)
		rc = statedir_put(dir, "defectdojo.token", sbx_defectdojo_token(), err, errlen);
	if (!rc)
		rc = statedir_put(dir, "harbor.password", sbx_harbor_password(), err, errlen);
	if (!rc)
		rc = statedir_put(dir, "platform.yaml", platform, err, errlen);
	if (!rc)
		rc = statedir_put(dir, "ready", ready, err, errlen);
	free(kubeconfig);
	free(platform);
	free(ready);
	return rc;
}
