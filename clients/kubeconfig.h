/* kubeconfig loaded exactly as kubectl loads it: the KUBECONFIG list merged (the first
 * file to define a name wins the whole entry), relative paths resolved against the file
 * that holds them, every credential form kubectl accepts. */
#ifndef OPSDECK_CLIENTS_KUBECONFIG_H
#define OPSDECK_CLIENTS_KUBECONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct kube_exec_env {
	char *name;
	char *value;
};

/* users[].user.exec: a client.authentication.k8s.io credential plugin. */
struct kube_exec_config {
	char *api_version;       /* client.authentication.k8s.io/v1 or v1beta1 */
	char *command;           /* resolved against the kubeconfig's folder when it has a '/' */
	char **args;             /* NULL-terminated */
	struct kube_exec_env *env;
	size_t nenv;
	bool provide_cluster_info;
	char *interactive_mode;  /* Never, IfAvailable, Always (plugins get no stdin here) */
};

/* One resolved context: everything needed to talk to its cluster as its user. Paths are
 * absolute; *_data fields hold decoded bytes (PEM), NUL-terminated. */
struct kube_context {
	char *name;
	char *cluster_name;
	char *user_name;
	char *namespace;              /* the context's namespace, or NULL */

	char *server;                 /* https://host:port[/path] */
	char *ca_file, *ca_data;
	bool insecure_skip_tls_verify;
	char *tls_server_name;
	char *proxy_url;

	char *token;                  /* users[].user.token */
	char *token_file;             /* users[].user.tokenFile, read at each request build */
	char *username, *password;    /* basic auth */
	char *client_cert_file, *client_cert_data;
	char *client_key_file, *client_key_data;
	struct kube_exec_config *exec;  /* NULL when no exec plugin */
};

struct kubeconfig {
	struct kube_context *contexts;
	size_t ncontexts;
	char *current_context;        /* may be NULL */
	char **files;                 /* the files that were read, in order, NULL-terminated */
	char *warning;                /* a file with inline credentials others can read
				       * (core/filemode.h); NULL when none. Shown, not fatal */
};

/* Loads the kubeconfig: explicit_path (--kubeconfig) if given, else the ':'-separated
 * $KUBECONFIG list (missing files skipped, as kubectl does), else ~/.kube/config.
 * Contexts whose cluster or user is missing are still listed; their fields stay NULL.
 * Returns 0, or -1 with err "FILE:LINE:COL: problem" (or "FILE: problem"). */
int kubeconfig_load(const char *explicit_path, struct kubeconfig **out, char *err,
		    size_t errlen);
/* The context named name, or the current context when name is NULL; NULL when absent. */
const struct kube_context *kubeconfig_context(const struct kubeconfig *kc, const char *name);
void kubeconfig_free(struct kubeconfig *kc);

/* The result of running an exec credential plugin. */
struct kube_exec_credential {
	char *token;
	char *client_cert_data, *client_key_data;
	time_t expires;               /* 0: no expirationTimestamp given */
};

/* Runs the context's exec plugin (blocking: call it from a worker thread, never from the
 * event loop), with KUBERNETES_EXEC_INFO set as kubectl sets it, and parses the
 * ExecCredential it prints. Returns 0, or -1 with err holding the plugin's stderr. */
int kube_exec_credential_run(const struct kube_context *ctx, bool interactive,
			     struct kube_exec_credential *out, char *err, size_t errlen);
void kube_exec_credential_clear(struct kube_exec_credential *cred);

#endif
