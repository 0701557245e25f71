/* One kubeconfig file read into typed entries, paths already resolved against its folder.
 * Internal to the kubeconfig loader (kubeconfig.c merges several of these). */
#ifndef OPSDECK_CLIENTS_KUBECONFIG_FILE_H
#define OPSDECK_CLIENTS_KUBECONFIG_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "clients/kubeconfig.h"

struct kc_cluster {
	char *name;
	char *server, *ca_file, *ca_data;
	bool insecure_skip_tls_verify;
	char *tls_server_name, *proxy_url;
};

struct kc_user {
	char *name;
	char *token, *token_file, *username, *password;
	char *client_cert_file, *client_cert_data, *client_key_file, *client_key_data;
	struct kube_exec_config *exec;   /* NULL when absent */
	bool auth_provider;              /* legacy auth-provider given: ignored */
};

struct kc_context {
	char *name;
	char *cluster, *user, *namespace;
};

struct kc_file {
	char *path;                       /* absolute */
	struct kc_cluster *clusters;
	size_t nclusters;
	struct kc_user *users;
	size_t nusers;
	struct kc_context *contexts;
	size_t ncontexts;
	char *current_context;            /* NULL or "" when unset */
};

/* Reads path (YAML or JSON) into f. A missing file is reported with errno_out = ENOENT
 * so the caller can skip it; an empty file is an empty config. Returns 0 or -1 with err
 * naming the file and the entry. */
int kc_file_load(const char *path, struct kc_file *f, int *errno_out, char *err,
		 size_t errlen);
void kc_file_clear(struct kc_file *f);

/* Deep copy and free of an exec plugin config. */
struct kube_exec_config *kc_exec_dup(const struct kube_exec_config *e);
void kc_exec_free(struct kube_exec_config *e);

/* Makes path absolute against the current directory and cleans "." and ".." as Go's
 * filepath.Abs does (without resolving symlinks). Returns a new string. */
char *kc_path_absolute(const char *path);

#endif
