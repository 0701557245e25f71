/* Reads one kubeconfig file into typed entries (see kubeconfig_file.h): type checks,
 * base64 decoding and path resolution happen here, so errors name the file and entry. */
#include "clients/kubeconfig_file.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clients/kube_base64.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "core/yaml.h"
#include "core/yaml_mark.h"

/* Where we are in the file, so every message can say which entry is wrong. */
struct parse {
	const char *path;
	char *dir;
	const char *section;   /* "clusters", "users", "contexts" or NULL */
	size_t index;
	const char *name;
	/* where the value being read sits, for the error's line:column: section[index].
	 * body.sub.key, each part NULL when not (yet) inside it */
	const char *body, *sub, *key;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3))) static int fail(struct parse *p, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!p->section)
		snprintf(p->err, p->errlen, "kubeconfig %s: %s", p->path, what);
	else if (p->name)
		snprintf(p->err, p->errlen, "kubeconfig %s: %s[%zu] (name \"%s\"): %s", p->path,
			 p->section, p->index, p->name, what);
	else
		snprintf(p->err, p->errlen, "kubeconfig %s: %s[%zu]: %s", p->path, p->section,
			 p->index, what);
	return -1;
}

/* Pushes one path component onto sb, or pops one for "..": Go's filepath.Clean. */
static void clean_component(struct strbuf *sb, const char *c, size_t n)
{
	if (n == 0 || (n == 1 && c[0] == '.'))
		return;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		char *slash = strrchr(sb->buf, '/');
		sb->len = slash && slash != sb->buf ? (size_t)(slash - sb->buf) : 1;
		sb->buf[sb->len] = '\0';
		return;
	}
	if (sb->len > 1)
		strbuf_putc(sb, '/');
	strbuf_append(sb, c, n);
}

char *kc_path_absolute(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_putc(&sb, '/');
	char *joined = NULL;
	if (path[0] != '/') {
		char *cwd = getcwd(NULL, 0);
		joined = xasprintf("%s/%s", cwd ? cwd : "", path);
		free(cwd);
		path = joined;
	}
	for (const char *s = path; *s;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		clean_component(&sb, s, n);
		s += n;
		if (*s == '/')
			s++;
	}
	free(joined);
	return strbuf_detach(&sb);
}

/* A path from the file: relative paths hang off the file's folder. "~/" is not expanded:
 * kubectl 1.32 treats it as a relative folder named "~", and so do we. */
static char *resolve_path(const struct parse *p, const char *value)
{
	char *joined;
	if (value[0] == '/')
		joined = xstrdup(value);
	else
		joined = xasprintf("%s/%s", p->dir, value);
	char *abs = kc_path_absolute(joined);
	free(joined);
	return abs;
}

/* Scalars become their text, as sigs.k8s.io/yaml does for string fields; null is absent. */
static int get_string(struct parse *p, json_t *obj, const char *key, char **out)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	p->key = key;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v))
		*out = xstrdup(json_string_value(v));
	else if (json_is_integer(v))
		*out = xasprintf("%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		*out = xasprintf("%g", json_real_value(v));
	else if (json_is_boolean(v))
		*out = xstrdup(json_is_true(v) ? "true" : "false");
	else
		return fail(p, "%s must be a string", key);
	return 0;
}

static int get_bool(struct parse *p, json_t *obj, const char *key, bool *out)
{
	json_t *v = json_object_get(obj, key);
	*out = false;
	p->key = key;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return fail(p, "%s must be a boolean", key);
	*out = json_is_true(v);
	return 0;
}

static int get_path(struct parse *p, json_t *obj, const char *key, char **out)
{
	char *raw;
	if (get_string(p, obj, key, &raw) < 0)
		return -1;
	*out = raw && *raw ? resolve_path(p, raw) : NULL;
	free(raw);
	return 0;
}

static int get_data(struct parse *p, json_t *obj, const char *key, char **out)
{
	char *raw;
	if (get_string(p, obj, key, &raw) < 0)
		return -1;
	*out = NULL;
	if (!raw || !*raw) {
		free(raw);
		return 0;
	}
	*out = kube_base64_decode(raw, NULL);
	free(raw);
	if (!*out)
		return fail(p, "%s is not valid base64", key);
	return 0;
}

/* The entry's inner mapping (cluster:, user:, context:), or an error. */
static int entry_body(struct parse *p, json_t *entry, const char *key, json_t **body)
{
	*body = json_object_get(entry, key);
	p->key = key;
	if (!*body || json_is_null(*body)) {
		*body = NULL;
		return 0;
	}
	if (!json_is_object(*body))
		return fail(p, "%s is not a mapping", key);
	p->body = key;
	p->key = NULL;
	return 0;
}

static int parse_cluster(struct parse *p, json_t *entry, struct kc_cluster *c)
{
	json_t *b;
	if (entry_body(p, entry, "cluster", &b) < 0)
		return -1;
	if (!b)
		return 0;
	if (get_string(p, b, "server", &c->server) < 0 ||
	    get_path(p, b, "certificate-authority", &c->ca_file) < 0 ||
	    get_data(p, b, "certificate-authority-data", &c->ca_data) < 0 ||
	    get_bool(p, b, "insecure-skip-tls-verify", &c->insecure_skip_tls_verify) < 0 ||
	    get_string(p, b, "tls-server-name", &c->tls_server_name) < 0 ||
	    get_string(p, b, "proxy-url", &c->proxy_url) < 0)
		return -1;
	return 0;
}

static int parse_exec_args(struct parse *p, json_t *b, struct kube_exec_config *e)
{
	json_t *args = json_object_get(b, "args");
	p->key = "args";
	size_t n = json_is_array(args) ? json_array_size(args) : 0;
	if (args && !json_is_null(args) && !json_is_array(args))
		return fail(p, "exec: args is not a list");
	e->args = xcalloc(n + 1, sizeof(*e->args));
	for (size_t i = 0; i < n; i++) {
		json_t *a = json_array_get(args, i);
		if (!json_is_string(a))
			return fail(p, "exec: args[%zu] must be a string", i);
		e->args[i] = xstrdup(json_string_value(a));
	}
	return 0;
}

static int parse_exec_env(struct parse *p, json_t *b, struct kube_exec_config *e)
{
	json_t *env = json_object_get(b, "env");
	p->key = "env";
	if (!env || json_is_null(env))
		return 0;
	if (!json_is_array(env))
		return fail(p, "exec: env is not a list");
	e->env = xcalloc(json_array_size(env) + 1, sizeof(*e->env));
	for (size_t i = 0; i < json_array_size(env); i++) {
		json_t *v = json_array_get(env, i);
		if (!json_is_object(v))
			return fail(p, "exec: env[%zu] is not a mapping", i);
		struct kube_exec_env *kv = &e->env[e->nenv++];
		if (get_string(p, v, "name", &kv->name) < 0 ||
		    get_string(p, v, "value", &kv->value) < 0)
			return -1;
		/* a nameless entry loads; the runner refuses it, as client-go's validation does */
		if (!kv->name)
			kv->name = xstrdup("");
		if (!kv->value)
			kv->value = xstrdup("");
	}
	return 0;
}

/* client-go defaults interactiveMode to IfAvailable for the beta and alpha APIs only;
 * for v1 it stays empty and the runner refuses it, as client-go's validation does. */
static void default_interactive_mode(struct kube_exec_config *e)
{
	if (e->interactive_mode && *e->interactive_mode)
		return;
	free(e->interactive_mode);
	e->interactive_mode = NULL;
	if (e->api_version && (strcmp(e->api_version, "client.authentication.k8s.io/v1beta1") == 0 ||
			       strcmp(e->api_version, "client.authentication.k8s.io/v1alpha1") == 0))
		e->interactive_mode = xstrdup("IfAvailable");
}

static int parse_exec(struct parse *p, json_t *user, struct kube_exec_config **out)
{
	json_t *b = json_object_get(user, "exec");
	*out = NULL;
	p->key = "exec";
	if (!b || json_is_null(b))
		return 0;
	if (!json_is_object(b))
		return fail(p, "exec is not a mapping");
	p->sub = "exec";
	struct kube_exec_config *e = xcalloc(1, sizeof(*e));
	*out = e;
	char *command = NULL;
	if (get_string(p, b, "apiVersion", &e->api_version) < 0 ||
	    get_string(p, b, "command", &command) < 0 ||
	    get_bool(p, b, "provideClusterInfo", &e->provide_cluster_info) < 0 ||
	    get_string(p, b, "interactiveMode", &e->interactive_mode) < 0 ||
	    parse_exec_args(p, b, e) < 0 || parse_exec_env(p, b, e) < 0) {
		free(command);
		return -1;
	}
	p->sub = NULL;
	/* Only a command with a '/' is a path; a bare name is looked up on PATH. */
	if (command && strchr(command, '/')) {
		e->command = resolve_path(p, command);
		free(command);
	} else {
		e->command = command;
	}
	default_interactive_mode(e);
	return 0;
}

static int parse_user(struct parse *p, json_t *entry, struct kc_user *u)
{
	json_t *b;
	if (entry_body(p, entry, "user", &b) < 0)
		return -1;
	if (!b)
		return 0;
	if (get_string(p, b, "token", &u->token) < 0 ||
	    get_path(p, b, "tokenFile", &u->token_file) < 0 ||
	    get_string(p, b, "username", &u->username) < 0 ||
	    get_string(p, b, "password", &u->password) < 0 ||
	    get_path(p, b, "client-certificate", &u->client_cert_file) < 0 ||
	    get_data(p, b, "client-certificate-data", &u->client_cert_data) < 0 ||
	    get_path(p, b, "client-key", &u->client_key_file) < 0 ||
	    get_data(p, b, "client-key-data", &u->client_key_data) < 0 ||
	    parse_exec(p, b, &u->exec) < 0)
		return -1;
	json_t *ap = json_object_get(b, "auth-provider");
	u->auth_provider = ap && !json_is_null(ap);
	return 0;
}

static int parse_context(struct parse *p, json_t *entry, struct kc_context *c)
{
	json_t *b;
	if (entry_body(p, entry, "context", &b) < 0)
		return -1;
	if (!b)
		return 0;
	if (get_string(p, b, "cluster", &c->cluster) < 0 ||
	    get_string(p, b, "user", &c->user) < 0 ||
	    get_string(p, b, "namespace", &c->namespace) < 0)
		return -1;
	return 0;
}

/* Checks an entry's shape and name; a name used twice in one file is an error in
 * client-go's conversion, so it is here too. */
static int entry_name(struct parse *p, json_t *entry, char **names, size_t seen, char **name)
{
	*name = NULL;
	if (!json_is_object(entry))
		return fail(p, "is not a mapping");
	if (get_string(p, entry, "name", name) < 0)
		return -1;
	if (!*name)
		*name = xstrdup("");
	p->name = *name;
	for (size_t i = 0; i < seen; i++)
		if (strcmp(names[i], *name) == 0)
			return fail(p, "duplicate name");
	return 0;
}

/* Reads one list section; item_size and parse_one describe the entry type. The entry
 * name is the first member of each entry struct. */
static int parse_section(struct parse *p, json_t *doc, const char *key, size_t item_size,
			 void **items, size_t *n,
			 int (*parse_one)(struct parse *, json_t *, void *))
{
	json_t *list = json_object_get(doc, key);
	*items = NULL;
	*n = 0;
	if (!list || json_is_null(list))
		return 0;
	p->key = key;
	if (!json_is_array(list))
		return fail(p, "%s is not a list", key);
	size_t count = json_array_size(list);
	char **names = xcalloc(count + 1, sizeof(*names));
	*items = xcalloc(count + 1, item_size);
	p->section = key;
	int rc = 0;
	for (size_t i = 0; i < count && rc == 0; i++) {
		char *item = (char *)*items + i * item_size;
		p->index = i;
		p->name = NULL;
		p->body = p->sub = p->key = NULL;
		json_t *entry = json_array_get(list, i);
		rc = entry_name(p, entry, names, i, &names[i]);
		memcpy(item, &names[i], sizeof(char *));
		*n = i + 1;
		if (rc == 0)
			rc = parse_one(p, entry, item);
	}
	free(names);  /* the strings now belong to the entries */
	if (rc == 0)
		p->section = NULL; /* kept on failure: the error's position needs it */
	return rc;
}

static int parse_cluster_any(struct parse *p, json_t *e, void *item)
{
	return parse_cluster(p, e, item);
}

static int parse_user_any(struct parse *p, json_t *e, void *item)
{
	return parse_user(p, e, item);
}

static int parse_context_any(struct parse *p, json_t *e, void *item)
{
	return parse_context(p, e, item);
}

static int parse_doc(struct parse *p, json_t *doc, struct kc_file *f)
{
	if (!doc || json_is_null(doc))
		return 0;  /* an empty file (or only comments) is an empty config */
	if (!json_is_object(doc))
		return fail(p, "not a kubeconfig mapping");
	void *items;
	if (parse_section(p, doc, "clusters", sizeof(struct kc_cluster), &items, &f->nclusters,
			  parse_cluster_any) < 0) {
		f->clusters = items;
		return -1;
	}
	f->clusters = items;
	int rc = parse_section(p, doc, "users", sizeof(struct kc_user), &items, &f->nusers,
			       parse_user_any);
	f->users = items;
	if (rc < 0)
		return -1;
	rc = parse_section(p, doc, "contexts", sizeof(struct kc_context), &items, &f->ncontexts,
			   parse_context_any);
	f->contexts = items;
	if (rc < 0)
		return -1;
	return get_string(p, doc, "current-context", &f->current_context);
}

/* "kubeconfig PATH: what" becomes "kubeconfig PATH:LINE:COL: what" when the value
 * being read when parsing stopped can be found in the text. */
static void error_add_position(const struct parse *p, const char *text, size_t len)
{
	struct strbuf kp = STRBUF_INIT;
	if (p->section)
		strbuf_printf(&kp, "%s[%zu]", p->section, p->index);
	const char *parts[] = {p->body, p->sub, p->key};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		if (parts[i])
			strbuf_printf(&kp, "%s%s", kp.len ? "." : "", parts[i]);
	int line, col;
	size_t plen = strlen(p->path);
	if (kp.len && yaml_mark_keypath(text, len, strbuf_str(&kp), &line, &col) &&
	    strncmp(p->err, "kubeconfig ", 11) == 0 &&
	    strncmp(p->err + 11, p->path, plen) == 0 && p->err[11 + plen] == ':') {
		char *rest = xstrdup(p->err + 11 + plen);
		snprintf(p->err, p->errlen, "kubeconfig %s:%d:%d%s", p->path, line, col, rest);
		free(rest);
	}
	strbuf_free(&kp);
}

int kc_file_load(const char *path, struct kc_file *f, int *errno_out, char *err,
		 size_t errlen)
{
	memset(f, 0, sizeof(*f));
	*errno_out = 0;
	f->path = kc_path_absolute(path);
	struct stat st;
	int rc = stat(path, &st);
	if (rc < 0 || S_ISDIR(st.st_mode)) {
		*errno_out = rc < 0 ? errno : EISDIR;
		snprintf(err, errlen, "kubeconfig %s: %s", f->path, strerror(*errno_out));
		return -1;
	}
	size_t len = 0;
	char *text = yaml_mark_read_file(path, &len);
	if (!text) {
		*errno_out = errno;
		snprintf(err, errlen, "kubeconfig %s: %s", f->path, strerror(errno));
		return -1;
	}
	json_t *docs = yaml_parse_documents(f->path, text, len, err, errlen);
	if (!docs) {
		free(text);
		return -1;
	}
	char *slash = strrchr(f->path, '/');
	struct parse p = {
		.path = f->path,
		.dir = slash == f->path ? xstrdup("/") : xstrndup(f->path, (size_t)(slash - f->path)),
		.err = err,
		.errlen = errlen,
	};
	rc = parse_doc(&p, json_array_get(docs, 0), f);
	if (rc < 0)
		error_add_position(&p, text, len);
	free(text);
	free(p.dir);
	json_decref(docs);
	return rc;
}

struct kube_exec_config *kc_exec_dup(const struct kube_exec_config *e)
{
	if (!e)
		return NULL;
	struct kube_exec_config *d = xcalloc(1, sizeof(*d));
	d->api_version = e->api_version ? xstrdup(e->api_version) : NULL;
	d->command = e->command ? xstrdup(e->command) : NULL;
	size_t n = 0;
	while (e->args && e->args[n])
		n++;
	d->args = xcalloc(n + 1, sizeof(*d->args));
	for (size_t i = 0; i < n; i++)
		d->args[i] = xstrdup(e->args[i]);
	d->env = xcalloc(e->nenv + 1, sizeof(*d->env));
	for (size_t i = 0; i < e->nenv; i++) {
		d->env[i].name = xstrdup(e->env[i].name);
		d->env[i].value = xstrdup(e->env[i].value);
	}
	d->nenv = e->nenv;
	d->provide_cluster_info = e->provide_cluster_info;
	d->interactive_mode = e->interactive_mode ? xstrdup(e->interactive_mode) : NULL;
	return d;
}

void kc_exec_free(struct kube_exec_config *e)
{
	if (!e)
		return;
	free(e->api_version);
	free(e->command);
	for (size_t i = 0; e->args && e->args[i]; i++)
		free(e->args[i]);
	free(e->args);
	for (size_t i = 0; i < e->nenv; i++) {
		free(e->env[i].name);
		free(e->env[i].value);
	}
	free(e->env);
	free(e->interactive_mode);
	free(e);
}

void kc_file_clear(struct kc_file *f)
{
	for (size_t i = 0; i < f->nclusters; i++) {
		struct kc_cluster *c = &f->clusters[i];
		free(c->name), free(c->server), free(c->ca_file), free(c->ca_data);
		free(c->tls_server_name), free(c->proxy_url);
	}
	for (size_t i = 0; i < f->nusers; i++) {
		struct kc_user *u = &f->users[i];
		free(u->name), free(u->token), free(u->token_file), free(u->username);
		free(u->password), free(u->client_cert_file), free(u->client_cert_data);
		free(u->client_key_file), free(u->client_key_data);
		kc_exec_free(u->exec);
	}
	for (size_t i = 0; i < f->ncontexts; i++) {
		struct kc_context *c = &f->contexts[i];
		free(c->name), free(c->cluster), free(c->user), free(c->namespace);
	}
	free(f->clusters);
	free(f->users);
	free(f->contexts);
	free(f->current_context);
	free(f->path);
	memset(f, 0, sizeof(*f));
}
