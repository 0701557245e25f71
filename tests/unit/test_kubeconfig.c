/* Unit tests for clients/kubeconfig (loading rules, merge, paths, every credential form,
 * bad input) and clients/kube_exec (exec credential plugins run as shell scripts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clients/kube_base64.h"
#include "clients/kubeconfig.h"
#include "core/xalloc.h"
#include "tests/support/tmpdir.h"

#define FIXTURE "tests/fixtures/kubernetes/kubeconfig.yaml"

static char tmp[64];   /* per-test scratch folder, made by setup() */

/* Writes text to tmp/rel (making parent folders) and returns the full path (caller frees). */
static char *write_file(const char *rel, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", tmp, rel);
	for (char *s = path + strlen(tmp) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

static char *tmp_path(const char *rel)
{
	return xasprintf("%s/%s", tmp, rel);
}

static void remove_tree(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* Every test gets a fresh folder as HOME and no KUBECONFIG: the developer's own
 * kubeconfig is never read. */
static int setup(void **state)
{
	(void)state;
	test_tmp_template(tmp, sizeof(tmp), "opsdeck-kubeconfig-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	char *home = tmp_path("home");
	mkdir(home, 0755);
	setenv("HOME", home, 1);
	free(home);
	unsetenv("KUBECONFIG");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	remove_tree(tmp);
	return 0;
}

/* Loads with KUBECONFIG set to list (NULL: unset) and no explicit path; asserts success. */
static struct kubeconfig *load_list(const char *list)
{
	if (list)
		setenv("KUBECONFIG", list, 1);
	else
		unsetenv("KUBECONFIG");
	char err[512] = "";
	struct kubeconfig *kc = NULL;
	int rc = kubeconfig_load(NULL, &kc, err, sizeof(err));
	if (rc != 0)
		fail_msg("load failed: %s", err);
	assert_non_null(kc);
	return kc;
}

static struct kubeconfig *load_text(const char *text)
{
	char *path = write_file("config.yaml", text, 0644);
	char err[512] = "";
	struct kubeconfig *kc = NULL;
	if (kubeconfig_load(path, &kc, err, sizeof(err)) != 0)
		fail_msg("load failed: %s", err);
	free(path);
	return kc;
}

static const struct kube_context *ctx_named(const struct kubeconfig *kc, const char *name)
{
	const struct kube_context *c = kubeconfig_context(kc, name);
	if (!c)
		fail_msg("no context %s", name);
	return c;
}

/* ---- loading rules and the real fixture ---- */

static void test_fixture_from_kubernetes_client(void **state)
{
	(void)state;
	setenv("KUBECONFIG", "/nonexistent/ignored-when-explicit", 1);
	char err[512] = "";
	struct kubeconfig *kc = NULL;
	assert_int_equal(kubeconfig_load(FIXTURE, &kc, err, sizeof(err)), 0);
	assert_int_equal(kc->ncontexts, 3);
	assert_string_equal(kc->current_context, "context2");
	assert_non_null(kc->files[0]);
	assert_null(kc->files[1]);
	assert_true(kc->files[0][0] == '/');
	assert_non_null(strstr(kc->files[0], FIXTURE));

	const struct kube_context *cur = kubeconfig_context(kc, NULL);
	assert_non_null(cur);
	assert_string_equal(cur->name, "context2");
	assert_string_equal(cur->namespace, "namespace2");
	assert_string_equal(cur->cluster_name, "cluster2");
	assert_string_equal(cur->server, "http://example2.com");
	assert_string_equal(cur->ca_data, "CADATA2");
	assert_true(cur->insecure_skip_tls_verify);
	assert_null(cur->proxy_url);
	assert_string_equal(cur->client_cert_data, "USER2_CADATA");
	assert_string_equal(cur->client_key_data, "USER2_CKDATA");

	const struct kube_context *c1 = ctx_named(kc, "context1");
	assert_string_equal(c1->server, "http://example.com");
	assert_string_equal(c1->ca_data, "CADATA");
	assert_string_equal(c1->proxy_url, "socks5://localhost:1181");
	assert_false(c1->insecure_skip_tls_verify);
	assert_null(c1->namespace);
	assert_string_equal(c1->client_cert_data, "USER_CADATA");
	assert_string_equal(c1->client_key_data, "USER_CKDATA");
	assert_null(c1->exec);

	const struct kube_context *pw = ctx_named(kc, "passwd");
	assert_string_equal(pw->user_name, "user3");
	assert_string_equal(pw->username, "foo");
	assert_string_equal(pw->password, "bar");
	assert_null(pw->token);
	assert_null(kubeconfig_context(kc, "nope"));
	kubeconfig_free(kc);
}

static void test_default_path_absent_is_empty(void **state)
{
	(void)state;
	struct kubeconfig *kc = load_list(NULL);
	assert_int_equal(kc->ncontexts, 0);
	assert_null(kc->current_context);
	assert_null(kc->files[0]);
	assert_null(kubeconfig_context(kc, NULL));
	kubeconfig_free(kc);
}

static void test_default_path_home_kube_config(void **state)
{
	(void)state;
	char *p = write_file("home/.kube/config",
			     "apiVersion: v1\nkind: Config\ncurrent-context: dev\n"
			     "contexts:\n- name: dev\n  context: {cluster: c, user: u}\n"
			     "clusters:\n- name: c\n  cluster: {server: 'https://dev:6443'}\n",
			     0600);
	struct kubeconfig *kc = load_list("");  /* empty KUBECONFIG means the default */
	assert_string_equal(kc->files[0], p);
	assert_string_equal(kubeconfig_context(kc, NULL)->server, "https://dev:6443");
	kubeconfig_free(kc);
	free(p);
}

static void test_explicit_path_must_exist(void **state)
{
	(void)state;
	char *missing = tmp_path("missing.yaml");
	char *want = xasprintf("kubeconfig %s: No such file or directory", missing);
	char err[512] = "";
	struct kubeconfig *kc = (struct kubeconfig *)1;
	assert_int_equal(kubeconfig_load(missing, &kc, err, sizeof(err)), -1);
	assert_null(kc);
	assert_string_equal(err, want);
	free(want);
	free(missing);
}

static void test_json_and_empty_files(void **state)
{
	(void)state;
	char *a = write_file("a.json",
			     "{\"apiVersion\":\"v1\",\"kind\":\"Config\",\"contexts\":[{\"name\":\"j\","
			     "\"context\":{\"cluster\":\"jc\",\"user\":\"ju\",\"namespace\":\"ns\"}}],"
			     "\"clusters\":[{\"name\":\"jc\",\"cluster\":{\"server\":\"https://j\"}}],"
			     "\"users\":[{\"name\":\"ju\",\"user\":{\"token\":\"jt\"}}]}",
			     0644);
	char *e = write_file("empty.yaml", "", 0644);
	char *list = xasprintf("%s:%s", e, a);
	struct kubeconfig *kc = load_list(list);
	assert_string_equal(kc->files[0], e);
	assert_string_equal(kc->files[1], a);
	const struct kube_context *c = ctx_named(kc, "j");
	assert_string_equal(c->server, "https://j");
	assert_string_equal(c->token, "jt");
	assert_string_equal(c->namespace, "ns");
	kubeconfig_free(kc);
	free(list), free(a), free(e);
}

/* ---- KUBECONFIG merge ---- */

static const char merge_a[] =
	"clusters:\n"
	"- name: shared\n"
	"  cluster:\n"
	"    server: https://a.example:6443\n"
	"    certificate-authority-data: QUFB\n"
	"contexts:\n"
	"- name: both\n"
	"  context: {cluster: shared, user: ua, namespace: from-a}\n"
	"users:\n"
	"- name: ua\n"
	"  user: {token: token-a}\n";

static const char merge_b[] =
	"current-context: only-b\n"
	"clusters:\n"
	"- name: shared\n"
	"  cluster:\n"
	"    server: https://b.example:6443\n"
	"    insecure-skip-tls-verify: true\n"
	"    tls-server-name: b.internal\n"
	"- name: bonly\n"
	"  cluster: {server: 'https://bonly:6443'}\n"
	"contexts:\n"
	"- name: both\n"
	"  context: {cluster: bonly, user: ub, namespace: from-b}\n"
	"- name: only-b\n"
	"  context: {cluster: shared, user: ua}\n"
	"users:\n"
	"- name: ua\n"
	"  user: {token: token-b-ignored, username: not-merged}\n"
	"- name: ub\n"
	"  user: {token: token-b}\n";

static const char merge_c[] =
	"current-context: both\n"
	"contexts:\n"
	"- name: only-c\n"
	"  context: {cluster: bonly, user: ub}\n";

static void test_kubeconfig_list_first_definition_wins(void **state)
{
	(void)state;
	char *a = write_file("a.yaml", merge_a, 0644);
	char *b = write_file("sub/b.yaml", merge_b, 0644);
	char *c = write_file("c.yaml", merge_c, 0644);
	char *missing = tmp_path("missing.yaml");
	/* empty entries, a missing file and a repeated file, as kubectl tolerates them */
	char *list = xasprintf(":%s:%s::%s:%s:%s:", missing, a, b, a, c);
	struct kubeconfig *kc = load_list(list);
	assert_string_equal(kc->files[0], a);
	assert_string_equal(kc->files[1], b);
	assert_string_equal(kc->files[2], c);
	assert_null(kc->files[3]);
	assert_int_equal(kc->ncontexts, 3);
	assert_string_equal(kc->current_context, "only-b");

	const struct kube_context *both = ctx_named(kc, "both");
	assert_string_equal(both->namespace, "from-a");
	assert_string_equal(both->server, "https://a.example:6443");
	assert_string_equal(both->token, "token-a");

	/* b's context uses the cluster and user a defined: whole entries, no field merge */
	const struct kube_context *ob = kubeconfig_context(kc, NULL);
	assert_string_equal(ob->name, "only-b");
	assert_string_equal(ob->server, "https://a.example:6443");
	assert_string_equal(ob->ca_data, "AAA");
	assert_false(ob->insecure_skip_tls_verify);
	assert_null(ob->tls_server_name);
	assert_string_equal(ob->token, "token-a");
	assert_null(ob->username);

	const struct kube_context *oc = ctx_named(kc, "only-c");
	assert_string_equal(oc->server, "https://bonly:6443");
	assert_string_equal(oc->token, "token-b");
	kubeconfig_free(kc);
	free(list), free(missing), free(a), free(b), free(c);
}

static void test_current_context_from_first_file_setting_it(void **state)
{
	(void)state;
	char *a = write_file("a.yaml", merge_a, 0644);
	char *b = write_file("b.yaml", merge_b, 0644);
	char *c = write_file("c.yaml", merge_c, 0644);
	char *list = xasprintf("%s:%s:%s", a, c, b);
	struct kubeconfig *kc = load_list(list);
	assert_string_equal(kc->current_context, "both");
	assert_string_equal(kubeconfig_context(kc, NULL)->namespace, "from-a");
	kubeconfig_free(kc);
	free(list);
	list = xasprintf("%s:%s", b, c);
	kc = load_list(list);
	assert_string_equal(kc->current_context, "only-b");
	/* b now defines "both" first */
	assert_string_equal(ctx_named(kc, "both")->namespace, "from-b");
	kubeconfig_free(kc);
	free(list), free(a), free(b), free(c);
}

static void test_context_with_missing_cluster_and_user(void **state)
{
	(void)state;
	struct kubeconfig *kc =
		load_text("contexts:\n- name: dangling\n  context: {cluster: gone, user: gone}\n");
	const struct kube_context *c = ctx_named(kc, "dangling");
	assert_string_equal(c->cluster_name, "gone");
	assert_null(c->server);
	assert_null(c->token);
	assert_null(c->exec);
	kubeconfig_free(kc);
}

/* ---- paths ---- */

static void test_relative_paths_against_defining_file(void **state)
{
	(void)state;
	char *first = write_file("first.yaml",
				 "users:\n- name: u\n  user: {tokenFile: tok}\n", 0644);
	char *cfg = write_file(
		"deep/dir/config",
		"clusters:\n- name: c\n  cluster:\n    server: https://x\n"
		"    certificate-authority: ./ca.pem\n"
		"contexts:\n- name: x\n  context: {cluster: c, user: u}\n"
		"- name: y\n  context: {cluster: c, user: v}\n"
		"- name: z\n  context: {cluster: c, user: w}\n"
		"users:\n- name: u\n  user: {tokenFile: not-used}\n"
		"- name: v\n  user:\n    client-certificate: ../certs/../certs/client.crt\n"
		"    client-key: /etc/keys/client.key\n"
		"    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ./bin/plugin}\n"
		"- name: w\n  user:\n    client-certificate: ~/certs/w.crt\n"
		"    client-key: ~/certs/w.key\n"
		"    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: gke-auth}\n",
		0644);
	char *list = xasprintf("%s:%s", first, cfg);
	struct kubeconfig *kc = load_list(list);
	const struct kube_context *x = ctx_named(kc, "x");
	char *want = tmp_path("deep/dir/ca.pem");
	assert_string_equal(x->ca_file, want);
	free(want);
	want = tmp_path("tok");  /* user u came from first.yaml: its folder */
	assert_string_equal(x->token_file, want);
	free(want);
	const struct kube_context *y = ctx_named(kc, "y");
	want = tmp_path("deep/certs/client.crt");
	assert_string_equal(y->client_cert_file, want);
	free(want);
	assert_string_equal(y->client_key_file, "/etc/keys/client.key");
	want = tmp_path("deep/dir/bin/plugin");
	assert_string_equal(y->exec->command, want);
	free(want);
	const struct kube_context *z = ctx_named(kc, "z");
	want = tmp_path("deep/dir/~/certs/w.crt");  /* as kubectl: no ~ expansion */
	assert_string_equal(z->client_cert_file, want);
	free(want);
	want = tmp_path("deep/dir/~/certs/w.key");
	assert_string_equal(z->client_key_file, want);
	free(want);
	assert_string_equal(z->exec->command, "gke-auth");  /* on PATH: left alone */
	kubeconfig_free(kc);
	free(list), free(first), free(cfg);
}

static void test_relative_kubeconfig_path_made_absolute(void **state)
{
	(void)state;
	char *cfg = write_file("rel/config.yaml",
			       "clusters:\n- name: c\n  cluster: {server: s, certificate-authority: ca}\n"
			       "contexts:\n- name: x\n  context: {cluster: c}\n",
			       0644);
	char *old = getcwd(NULL, 0);
	assert_int_equal(chdir(tmp), 0);
	char err[512] = "";
	struct kubeconfig *kc = NULL;
	int rc = kubeconfig_load("./rel/../rel/config.yaml", &kc, err, sizeof(err));
	assert_int_equal(chdir(old), 0);
	free(old);
	assert_int_equal(rc, 0);
	assert_string_equal(kc->files[0], cfg);
	char *want = tmp_path("rel/ca");
	assert_string_equal(ctx_named(kc, "x")->ca_file, want);
	free(want);
	kubeconfig_free(kc);
	free(cfg);
}

/* ---- every credential form ---- */

static const char auth_forms[] =
	"clusters:\n"
	"- name: secure\n"
	"  cluster:\n"
	"    server: https://secure:6443\n"
	"    certificate-authority: /pki/ca.crt\n"
	"    tls-server-name: api.internal\n"
	"    proxy-url: http://proxy.corp:3128\n"
	"- name: data\n"
	"  cluster:\n"
	"    server: https://data:6443/prefix\n"
	"    certificate-authority-data: |\n"
	"      LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1F\n"
	"      TkQgQ0VSVElGSUNBVEUtLS0tLQo=\n"
	"- name: loose\n"
	"  cluster: {server: 'https://loose:6443', insecure-skip-tls-verify: true}\n"
	"contexts:\n"
	"- {name: token, context: {cluster: secure, user: token}}\n"
	"- {name: token-file, context: {cluster: data, user: token-file}}\n"
	"- {name: basic, context: {cluster: loose, user: basic}}\n"
	"- {name: cert-files, context: {cluster: secure, user: cert-files}}\n"
	"- {name: cert-data, context: {cluster: data, user: cert-data}}\n"
	"- {name: legacy, context: {cluster: secure, user: legacy}}\n"
	"users:\n"
	"- {name: token, user: {token: abc.def}}\n"
	"- {name: token-file, user: {tokenFile: /var/run/token}}\n"
	"- {name: basic, user: {username: admin, password: 's3cret'}}\n"
	"- {name: cert-files, user: {client-certificate: /pki/c.crt, client-key: /pki/c.key}}\n"
	"- name: cert-data\n"
	"  user: {client-certificate-data: Q0VSVA==, client-key-data: S0VZ}\n"
	"- name: legacy\n"
	"  user:\n"
	"    auth-provider:\n"
	"      name: gcp\n"
	"      config: {access-token: ya29.x}\n";

static void test_every_auth_form(void **state)
{
	(void)state;
	struct kubeconfig *kc = load_text(auth_forms);
	assert_int_equal(kc->ncontexts, 6);
	const struct kube_context *t = ctx_named(kc, "token");
	assert_string_equal(t->token, "abc.def");
	assert_string_equal(t->ca_file, "/pki/ca.crt");
	assert_null(t->ca_data);
	assert_string_equal(t->tls_server_name, "api.internal");
	assert_string_equal(t->proxy_url, "http://proxy.corp:3128");
	assert_false(t->insecure_skip_tls_verify);

	const struct kube_context *tf = ctx_named(kc, "token-file");
	assert_string_equal(tf->token_file, "/var/run/token");
	assert_null(tf->token);
	assert_string_equal(tf->server, "https://data:6443/prefix");
	assert_string_equal(tf->ca_data,
			    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
	assert_null(tf->ca_file);

	const struct kube_context *b = ctx_named(kc, "basic");
	assert_string_equal(b->username, "admin");
	assert_string_equal(b->password, "s3cret");
	assert_true(b->insecure_skip_tls_verify);

	const struct kube_context *cf = ctx_named(kc, "cert-files");
	assert_string_equal(cf->client_cert_file, "/pki/c.crt");
	assert_string_equal(cf->client_key_file, "/pki/c.key");
	assert_null(cf->client_cert_data);

	const struct kube_context *cd = ctx_named(kc, "cert-data");
	assert_string_equal(cd->client_cert_data, "CERT");
	assert_string_equal(cd->client_key_data, "KEY");
	assert_null(cd->client_cert_file);

	/* auth-provider is not supported: the context stays, with no credentials */
	const struct kube_context *lg = ctx_named(kc, "legacy");
	assert_null(lg->exec);
	assert_null(lg->token);
	assert_null(lg->client_cert_data);
	assert_string_equal(lg->server, "https://secure:6443");
	kubeconfig_free(kc);
}

static void test_user_exec_fields(void **state)
{
	(void)state;
	struct kubeconfig *kc = load_text(
		"contexts:\n- {name: e, context: {user: e}}\n- {name: b, context: {user: b}}\n"
		"users:\n- name: e\n  user:\n    exec:\n"
		"      apiVersion: client.authentication.k8s.io/v1\n"
		"      command: aws\n      args: [eks, get-token, --cluster-name, prod]\n"
		"      env:\n      - {name: AWS_PROFILE, value: prod}\n      - {name: EMPTY}\n"
		"      provideClusterInfo: true\n      interactiveMode: Never\n"
		"      installHint: install aws\n"
		"- name: b\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: x}\n");
	const struct kube_exec_config *e = ctx_named(kc, "e")->exec;
	assert_non_null(e);
	assert_string_equal(e->api_version, "client.authentication.k8s.io/v1");
	assert_string_equal(e->command, "aws");
	assert_string_equal(e->args[0], "eks");
	assert_string_equal(e->args[3], "prod");
	assert_null(e->args[4]);
	assert_int_equal(e->nenv, 2);
	assert_string_equal(e->env[0].name, "AWS_PROFILE");
	assert_string_equal(e->env[0].value, "prod");
	assert_string_equal(e->env[1].value, "");
	assert_true(e->provide_cluster_info);
	assert_string_equal(e->interactive_mode, "Never");
	/* client-go defaults interactiveMode to IfAvailable for v1beta1 only */
	const struct kube_exec_config *eb = ctx_named(kc, "b")->exec;
	assert_string_equal(eb->interactive_mode, "IfAvailable");
	assert_null(eb->args[0]);
	assert_int_equal(eb->nenv, 0);
	assert_false(eb->provide_cluster_info);
	kubeconfig_free(kc);
}

/* ---- bad input ---- */

struct bad_case {
	const char *text;
	const char *problem;   /* expected message after "kubeconfig PATH: " */
};

static const struct bad_case bad_cases[] = {
	{"clusters: {a: 1}\n", "clusters is not a list"},
	{"users: hello\n", "users is not a list"},
	{"contexts: 3\n", "contexts is not a list"},
	{"- a\n- b\n", "not a kubeconfig mapping"},
	{"clusters:\n- name: ok\n  cluster: {certificate-authority-data: QUFB}\n"
	 "- name: x\n  cluster: {certificate-authority-data: 'not base64!'}\n",
	 "clusters[1] (name \"x\"): certificate-authority-data is not valid base64"},
	{"clusters:\n- name: x\n  cluster: {certificate-authority-data: QUF}\n",
	 "clusters[0] (name \"x\"): certificate-authority-data is not valid base64"},
	{"users:\n- name: u\n  user: {client-certificate-data: 'Q0VS=VA=='}\n",
	 "users[0] (name \"u\"): client-certificate-data is not valid base64"},
	{"users:\n- name: u\n  user: {client-key-data: '@@@@'}\n",
	 "users[0] (name \"u\"): client-key-data is not valid base64"},
	{"clusters:\n- just-a-string\n", "clusters[0]: is not a mapping"},
	{"clusters:\n- name: c\n  cluster: [1, 2]\n", "clusters[0] (name \"c\"): cluster is not a mapping"},
	{"users:\n- name: u\n  user: token\n", "users[0] (name \"u\"): user is not a mapping"},
	{"contexts:\n- name: k\n  context: 7\n", "contexts[0] (name \"k\"): context is not a mapping"},
	{"clusters:\n- name: c\n  cluster: {server: [a]}\n",
	 "clusters[0] (name \"c\"): server must be a string"},
	{"clusters:\n- name: c\n  cluster: {insecure-skip-tls-verify: 'true'}\n",
	 "clusters[0] (name \"c\"): insecure-skip-tls-verify must be a boolean"},
	{"contexts:\n- name: a\n  context: {}\n- name: a\n  context: {}\n",
	 "contexts[1] (name \"a\"): duplicate name"},
	{"users:\n- name: u\n  user: {exec: run-me}\n", "users[0] (name \"u\"): exec is not a mapping"},
	{"users:\n- name: u\n  user: {exec: {command: x, args: a}}\n",
	 "users[0] (name \"u\"): exec: args is not a list"},
	{"users:\n- name: u\n  user: {exec: {command: x, args: [a, {b: 1}]}}\n",
	 "users[0] (name \"u\"): exec: args[1] must be a string"},
	{"users:\n- name: u\n  user: {exec: {command: x, env: {A: b}}}\n",
	 "users[0] (name \"u\"): exec: env is not a list"},
	{"users:\n- name: u\n  user: {exec: {command: x, provideClusterInfo: 'yes'}}\n",
	 "users[0] (name \"u\"): provideClusterInfo must be a boolean"},
	{"current-context: {a: b}\n", "current-context must be a string"},
};

static void test_bad_input_messages(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		char *path = write_file("bad.yaml", bad_cases[i].text, 0644);
		char *want = xasprintf("kubeconfig %s: %s", path, bad_cases[i].problem);
		char err[512] = "";
		struct kubeconfig *kc = (struct kubeconfig *)1;
		int rc = kubeconfig_load(path, &kc, err, sizeof(err));
		/* "kubeconfig PATH:LINE:COL: problem": the position is checked exactly in
		 * test_filemode; here it must be there except for the top level's shape */
		size_t head = strlen("kubeconfig ") + strlen(path);
		int line = 0, col = 0, used = 0;
		if (rc == -1 && strncmp(err, want, head) == 0 &&
		    sscanf(err + head, ":%d:%d%n", &line, &col, &used) == 2 && used > 0)
			memmove(err + head, err + head + used, strlen(err + head + used) + 1);
		else if (strcmp(bad_cases[i].problem, "not a kubeconfig mapping") != 0)
			fail_msg("case %zu: no line:column in \"%s\"", i, err);
		if (rc != -1 || strcmp(err, want) != 0)
			fail_msg("case %zu: rc %d, err \"%s\", want \"%s\"", i, rc, err, want);
		assert_null(kc);
		free(want);
		free(path);
	}
}

static void test_bad_file_in_list_is_not_skipped(void **state)
{
	(void)state;
	char *good = write_file("good.yaml", merge_a, 0644);
	char *bad = write_file("bad.yaml", "clusters:\n  - name: x\n   bad indent\n", 0644);
	char *list = xasprintf("%s:%s", good, bad);
	setenv("KUBECONFIG", list, 1);
	char err[512] = "";
	struct kubeconfig *kc = (struct kubeconfig *)1;
	assert_int_equal(kubeconfig_load(NULL, &kc, err, sizeof(err)), -1);
	assert_null(kc);
	/* a YAML syntax error names file:line:col */
	char *prefix = xasprintf("%s:", bad);
	assert_memory_equal(err, prefix, strlen(prefix));
	assert_true(err[strlen(prefix)] >= '1' && err[strlen(prefix)] <= '9');
	free(prefix), free(list), free(good), free(bad);
}

static void test_base64_round_trip(void **state)
{
	(void)state;
	const char *samples[] = {"", "a", "ab", "abc", "abcd", "\xff\x00z"};
	size_t lens[] = {0, 1, 2, 3, 4, 3};
	for (size_t i = 0; i < 6; i++) {
		char *enc = kube_base64_encode(samples[i], lens[i]);
		size_t n = 99;
		char *dec = kube_base64_decode(enc, &n);
		assert_non_null(dec);
		assert_int_equal(n, lens[i]);
		assert_memory_equal(dec, samples[i], lens[i]);
		free(enc), free(dec);
	}
	char *enc = kube_base64_encode("abcd", 4);
	assert_string_equal(enc, "YWJjZA==");
	free(enc);
	char *dec = kube_base64_decode("YW\r\nJj", NULL);
	assert_string_equal(dec, "abc");
	free(dec);
	assert_null(kube_base64_decode("YWJjZA=", NULL));
	assert_null(kube_base64_decode("YW=jZA==", NULL));
	assert_null(kube_base64_decode("YWJj====", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fixture_from_kubernetes_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_path_absent_is_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_path_home_kube_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explicit_path_must_exist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_and_empty_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kubeconfig_list_first_definition_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_current_context_from_first_file_setting_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_context_with_missing_cluster_and_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative_paths_against_defining_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative_kubeconfig_path_made_absolute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_auth_form, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_exec_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_file_in_list_is_not_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_base64_round_trip, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
