/* Runs client.authentication.k8s.io exec credential plugins as client-go does: the
 * ExecCredential request in KUBERNETES_EXEC_INFO, the printed ExecCredential parsed. */
#include "clients/kube_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clients/kube_base64.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

extern char **environ;

#define EXEC_V1 "client.authentication.k8s.io/v1"
#define EXEC_V1BETA1 "client.authentication.k8s.io/v1beta1"
#define EXEC_OUTPUT_MAX (4u << 20)

static int exec_timeout_ms = 30000;

void kube_exec_set_timeout_ms(int ms)
{
	exec_timeout_ms = ms > 0 ? ms : 30000;
}

static char *read_whole_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_append(&sb, chunk, n);
	fclose(f);
	*len = sb.len;
	return strbuf_detach(&sb);
}

/* spec.cluster, filled from the context as client-go's ConfigToExecCluster does. */
static json_t *exec_cluster_json(const struct kube_context *ctx, char *err, size_t errlen)
{
	json_t *c = json_object();
	json_object_set_new(c, "server", json_string(ctx->server ? ctx->server : ""));
	if (ctx->tls_server_name && *ctx->tls_server_name)
		json_object_set_new(c, "tls-server-name", json_string(ctx->tls_server_name));
	if (ctx->insecure_skip_tls_verify)
		json_object_set_new(c, "insecure-skip-tls-verify", json_true());
	size_t len = 0;
	char *ca = ctx->ca_data ? xstrdup(ctx->ca_data) : NULL;
	if (ca)
		len = strlen(ca);
	else if (ctx->ca_file && !(ca = read_whole_file(ctx->ca_file, &len))) {
		snprintf(err, errlen, "failed to load CA bundle for execProvider: %s: %s",
			 ctx->ca_file, strerror(errno));
		json_decref(c);
		return NULL;
	}
	if (ca && len > 0) {
		char *b64 = kube_base64_encode(ca, len);
		json_object_set_new(c, "certificate-authority-data", json_string(b64));
		free(b64);
	}
	free(ca);
	if (ctx->proxy_url && *ctx->proxy_url)
		json_object_set_new(c, "proxy-url", json_string(ctx->proxy_url));
	/* kubectl always sends config (the cluster's exec extension), null when absent */
	json_object_set_new(c, "config", json_null());
	return c;
}

char *kube_exec_info_json(const struct kube_context *ctx, bool interactive, char *err,
			  size_t errlen)
{
	const struct kube_exec_config *e = ctx->exec;
	json_t *spec = json_object();
	if (e && e->provide_cluster_info) {
		json_t *cluster = exec_cluster_json(ctx, err, errlen);
		if (!cluster) {
			json_decref(spec);
			return NULL;
		}
		json_object_set_new(spec, "cluster", cluster);
	}
	json_object_set_new(spec, "interactive", json_boolean(interactive));
	json_t *cred = json_object();
	json_object_set_new(cred, "kind", json_string("ExecCredential"));
	json_object_set_new(cred, "apiVersion",
			    json_string(e && e->api_version ? e->api_version : ""));
	json_object_set_new(cred, "spec", spec);
	char *text = json_dumps(cred, JSON_COMPACT);
	json_decref(cred);
	/* Go's JSON encoder ends the document with a newline, and kubectl passes it on */
	char *out = xasprintf("%s\n", text);
	free(text);
	return out;
}

/* The first field client-go's validation would call missing, or NULL. */
static const char *exec_missing_field(const struct kube_exec_config *e)
{
	if (!e->command || !*e->command)
		return "command";
	if (!e->api_version || !*e->api_version)
		return "apiVersion";
	for (size_t i = 0; i < e->nenv; i++)
		if (!e->env[i].name[0])
			return "env variable name";
	if (!e->interactive_mode || !*e->interactive_mode)
		return "interactiveMode";
	return NULL;
}

/* client-go's exec validation and interactive-mode decision, with the same messages.
 * Plugins never get a terminal here, so "interactive" only reports what the caller has. */
static int exec_check_config(const struct kube_context *ctx, bool interactive,
			     bool *spec_interactive, char *err, size_t errlen)
{
	const struct kube_exec_config *e = ctx->exec;
	const char *user = ctx->user_name ? ctx->user_name : "";
	const char *missing = exec_missing_field(e);
	const char *mode = e->interactive_mode;
	if (missing)
		snprintf(err, errlen, "%s must be specified for %s to use exec authentication plugin",
			 missing, user);
	else if (strcmp(e->api_version, EXEC_V1) != 0 && strcmp(e->api_version, EXEC_V1BETA1) != 0)
		snprintf(err, errlen, "exec plugin: invalid apiVersion \"%s\"", e->api_version);
	else if (strcmp(mode, "Never") == 0)
		*spec_interactive = false;
	else if (strcmp(mode, "IfAvailable") == 0)
		*spec_interactive = interactive;
	else if (strcmp(mode, "Always") == 0 && interactive)
		*spec_interactive = true;
	else if (strcmp(mode, "Always") == 0)
		snprintf(err, errlen, "exec plugin cannot support interactive mode: %s",
			 "standard input is not a terminal");
	else
		snprintf(err, errlen, "invalid interactiveMode for %s: \"%s\"", user, mode);
	return err[0] ? -1 : 0;
}

static bool env_overridden(const char *entry, const struct kube_exec_config *e)
{
	size_t n = strcspn(entry, "=");
	if (n == strlen("KUBERNETES_EXEC_INFO") && strncmp(entry, "KUBERNETES_EXEC_INFO", n) == 0)
		return true;
	for (size_t i = 0; i < e->nenv; i++)
		if (strlen(e->env[i].name) == n && strncmp(entry, e->env[i].name, n) == 0)
			return true;
	return false;
}

/* The inherited environment, then the config's env entries, then KUBERNETES_EXEC_INFO;
 * a name given twice keeps the later value, as Go's os/exec does. */
static char **exec_build_env(const struct kube_exec_config *e, const char *info)
{
	size_t n = 0;
	while (environ && environ[n])
		n++;
	char **envp = xcalloc(n + e->nenv + 2, sizeof(*envp));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!env_overridden(environ[i], e))
			envp[k++] = xstrdup(environ[i]);
	for (size_t i = 0; i < e->nenv; i++) {
		bool later = false;
		for (size_t j = i + 1; j < e->nenv; j++)
			later = later || strcmp(e->env[i].name, e->env[j].name) == 0;
		if (!later)
			envp[k++] = xasprintf("%s=%s", e->env[i].name, e->env[i].value);
	}
	envp[k++] = xasprintf("KUBERNETES_EXEC_INFO=%s", info);
	return envp;
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static char **exec_build_argv(const struct kube_exec_config *e)
{
	size_t n = 0;
	while (e->args && e->args[n])
		n++;
	char **argv = xcalloc(n + 2, sizeof(*argv));
	argv[0] = xstrdup(e->command);
	for (size_t i = 0; i < n; i++)
		argv[i + 1] = xstrdup(e->args[i]);
	return argv;
}

static bool is_executable_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* The program to run, found as Go's exec.LookPath finds it (the caller's PATH, or the
 * path itself when it has a '/'), so "not found" is known before anything is started. */
static char *exec_find_program(const char *command)
{
	if (strchr(command, '/'))
		return is_executable_file(command) ? xstrdup(command) : NULL;
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *s = path;; s++) {
		const char *e = strchr(s, ':');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char *cand = xasprintf("%.*s/%s", (int)n, n ? s : ".", command);
		if (is_executable_file(cand))
			return cand;
		free(cand);
		if (!e)
			return NULL;
		s = e;
	}
}

/* A running plugin: its pid and the read ends of its stdout and stderr. */
struct plugin {
	pid_t pid;
	int out_fd, err_fd;
	struct strbuf out, errout;
};

/* Starts the plugin with stdin on /dev/null; signals ignored or blocked by the calling
 * thread (SIGPIPE by libcurl users, the loop's blocked set) are reset for the child. */
static int plugin_spawn(struct plugin *p, const char *program, char **argv, char **envp)
{
	int outp[2], errp[2];
	if (pipe(outp) < 0)
		return errno;
	if (pipe(errp) < 0) {
		int e = errno;
		close(outp[0]), close(outp[1]);
		return e;
	}
	int fds[4] = {outp[0], outp[1], errp[0], errp[1]};
	for (int i = 0; i < 4; i++)
		fcntl(fds[i], F_SETFD, FD_CLOEXEC);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	posix_spawnattr_t attr;
	posix_spawnattr_init(&attr);
	sigset_t none, defaults;
	sigemptyset(&none);
	sigemptyset(&defaults);
	int reset[] = {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD};
	for (size_t i = 0; i < sizeof(reset) / sizeof(reset[0]); i++)
		sigaddset(&defaults, reset[i]);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	int rc = posix_spawn(&p->pid, program, &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(outp[1]);
	close(errp[1]);
	p->out_fd = outp[0];
	p->err_fd = errp[0];
	if (rc != 0) {
		close(outp[0]);
		close(errp[0]);
		p->out_fd = p->err_fd = -1;
	}
	return rc;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Moves what is readable on fd into sb; closes fd (sets -1) at end of file. */
static void drain_fd(int *fd, struct strbuf *sb)
{
	char chunk[4096];
	ssize_t n = read(*fd, chunk, sizeof(chunk));
	if (n > 0) {
		strbuf_append(sb, chunk, (size_t)n);
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		close(*fd);
		*fd = -1;
	}
}

/* Collects stdout and stderr until both close. Returns 0, or -1 when the time limit or
 * the size limit was hit (the child is then killed). */
static int plugin_collect(struct plugin *p, const char **why)
{
	long long deadline = now_ms() + exec_timeout_ms;
	while (p->out_fd >= 0 || p->err_fd >= 0) {
		struct pollfd pf[2] = {{p->out_fd, POLLIN, 0}, {p->err_fd, POLLIN, 0}};
		long long left = deadline - now_ms();
		if (left <= 0) {
			*why = "timed out";
			return -1;
		}
		int n = poll(pf, 2, (int)left);
		if (n < 0 && errno != EINTR)
			return *why = "could not be read", -1;
		if (n <= 0)
			continue;
		if (pf[0].revents)
			drain_fd(&p->out_fd, &p->out);
		if (pf[1].revents)
			drain_fd(&p->err_fd, &p->errout);
		if (p->out.len + p->errout.len > EXEC_OUTPUT_MAX)
			return *why = "printed more than 4 MiB", -1;
	}
	return 0;
}

static void plugin_close(struct plugin *p)
{
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	strbuf_free(&p->out);
	strbuf_free(&p->errout);
}

static int wait_child(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/* Plugin stderr without surrounding blank space, for the error message. */
static void trim_copy(const char *s, char *out, size_t outlen)
{
	while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == '\t'))
		n--;
	snprintf(out, outlen, "%.*s", (int)(n < 4096 ? n : 4096), s);
}

/* Explains a plugin that did not exit 0. */
static void plugin_failure(const char *cmd, int status, const char *stderr_text, char *err,
			   size_t errlen)
{
	char msg[4200];
	trim_copy(stderr_text, msg, sizeof(msg));
	const char *sep = msg[0] ? ": " : "";
	if (WIFEXITED(status))
		snprintf(err, errlen, "exec: executable %s failed with exit code %d%s%s", cmd,
			 WEXITSTATUS(status), sep, msg);
	else if (WIFSIGNALED(status))
		snprintf(err, errlen, "exec: executable %s was killed by signal %d%s%s", cmd,
			 WTERMSIG(status), sep, msg);
	else
		snprintf(err, errlen, "exec: executable %s failed%s%s", cmd, sep, msg);
}

int kube_exec_parse_rfc3339(const char *text, time_t *out)
{
	struct tm tm = {0};
	int used = 0;
	if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6 || used != 19)
		return -1;
	const char *s = text + used;
	if (*s == '.') {
		size_t digits = strspn(s + 1, "0123456789");
		if (digits == 0)
			return -1;
		s += 1 + digits;
	}
	long offset = 0;
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		int hh, mm, n = 0;
		if (sscanf(s + 1, "%2d:%2d%n", &hh, &mm, &n) != 2 || n != 5 || hh > 23 || mm > 59)
			return -1;
		offset = (hh * 3600L + mm * 60L) * (*s == '-' ? -1 : 1);
		s += 6;
	} else {
		return -1;
	}
	if (*s || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm) - offset;
	return 0;
}

static int status_string(json_t *status, const char *key, char **out, char *err,
			 size_t errlen)
{
	json_t *v = json_object_get(status, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		snprintf(err, errlen, "exec: decoding stdout: status.%s must be a string", key);
		return -1;
	}
	if (*json_string_value(v))
		*out = xstrdup(json_string_value(v));
	return 0;
}

/* status of the printed ExecCredential into out (token, cert/key, expiry). */
static int parse_status(json_t *status, struct kube_exec_credential *out, char *err,
			size_t errlen)
{
	char *expiry = NULL;
	if (status_string(status, "token", &out->token, err, errlen) < 0 ||
	    status_string(status, "clientCertificateData", &out->client_cert_data, err, errlen) < 0 ||
	    status_string(status, "clientKeyData", &out->client_key_data, err, errlen) < 0 ||
	    status_string(status, "expirationTimestamp", &expiry, err, errlen) < 0)
		return -1;
	if (expiry && kube_exec_parse_rfc3339(expiry, &out->expires) < 0) {
		snprintf(err, errlen, "exec: decoding stdout: expirationTimestamp \"%s\" is not %s",
			 expiry, "RFC 3339");
		free(expiry);
		return -1;
	}
	free(expiry);
	if (!out->client_cert_data != !out->client_key_data) {
		snprintf(err, errlen, "exec plugin returned only certificate or key, not both");
		return -1;
	}
	if (!out->token && !out->client_cert_data) {
		snprintf(err, errlen, "exec plugin didn't return a token or cert/key pair");
		return -1;
	}
	return 0;
}

/* Checks what the plugin printed the way client-go's decoder and checks do. */
static int parse_credential(const char *text, size_t len, const char *want_version,
			    struct kube_exec_credential *out, char *err, size_t errlen)
{
	json_error_t je;
	json_t *cred = json_loadb(text, len, 0, &je);
	if (!cred || !json_is_object(cred)) {
		snprintf(err, errlen, "exec: decoding stdout: %s", cred ? "not a JSON object" : je.text);
		json_decref(cred);
		return -1;
	}
	const char *kind = json_string_value(json_object_get(cred, "kind"));
	const char *version = json_string_value(json_object_get(cred, "apiVersion"));
	json_t *status = json_object_get(cred, "status");
	int rc = -1;
	if (!kind || strcmp(kind, "ExecCredential") != 0)
		snprintf(err, errlen, "exec: decoding stdout: kind is \"%s\", want \"ExecCredential\"",
			 kind ? kind : "");
	else if (!version || strcmp(version, want_version) != 0)
		snprintf(err, errlen, "exec plugin is configured to use API version %s, %s %s",
			 want_version, "plugin returned version", version ? version : "");
	else if (!json_is_object(status))
		snprintf(err, errlen, "exec plugin didn't return a status field");
	else
		rc = parse_status(status, out, err, errlen);
	json_decref(cred);
	if (rc < 0)
		kube_exec_credential_clear(out);
	return rc;
}

/* Spawns, collects and reaps the plugin; on success p->out holds its stdout. */
static int plugin_run(struct plugin *p, const struct kube_exec_config *e, const char *info,
		      char *err, size_t errlen)
{
	char *program = exec_find_program(e->command);
	if (!program) {
		snprintf(err, errlen, "exec: executable %s not found", e->command);
		return -1;
	}
	char **argv = exec_build_argv(e);
	char **envp = exec_build_env(e, info);
	int rc = plugin_spawn(p, program, argv, envp);
	free_strv(argv);
	free_strv(envp);
	free(program);
	if (rc != 0) {
		snprintf(err, errlen, "exec: executable %s could not be started: %s", e->command,
			 strerror(rc));
		return -1;
	}
	const char *why = NULL;
	if (plugin_collect(p, &why) < 0) {
		kill(p->pid, SIGKILL);
		wait_child(p->pid);
		snprintf(err, errlen, "exec: executable %s %s (limit %d ms)", e->command, why,
			 exec_timeout_ms);
		return -1;
	}
	int status = wait_child(p->pid);
	if (status == -1) {
		/* someone else reaped it (a SIGCHLD handler calling waitpid(-1)): no status */
		snprintf(err, errlen, "exec: executable %s: waitpid: %s", e->command, strerror(errno));
		return -1;
	}
	if (status != 0) {
		plugin_failure(e->command, status, strbuf_str(&p->errout), err, errlen);
		return -1;
	}
	return 0;
}

int kube_exec_credential_run(const struct kube_context *ctx, bool interactive,
			     struct kube_exec_credential *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	err[0] = '\0';
	if (!ctx || !ctx->exec) {
		snprintf(err, errlen, "context %s has no exec plugin", ctx && ctx->name ? ctx->name : "");
		return -1;
	}
	bool spec_interactive = false;
	if (exec_check_config(ctx, interactive, &spec_interactive, err, errlen) < 0)
		return -1;
	char *info = kube_exec_info_json(ctx, spec_interactive, err, errlen);
	if (!info)
		return -1;
	struct plugin p = {.pid = -1, .out_fd = -1, .err_fd = -1};
	int rc = plugin_run(&p, ctx->exec, info, err, errlen);
	free(info);
	if (rc == 0)
		rc = parse_credential(strbuf_str(&p.out), p.out.len, ctx->exec->api_version, out,
				      err, errlen);
	plugin_close(&p);
	return rc;
}

void kube_exec_credential_clear(struct kube_exec_credential *cred)
{
	if (!cred)
		return;
	free(cred->token);
	free(cred->client_cert_data);
	free(cred->client_key_data);
	memset(cred, 0, sizeof(*cred));
}
