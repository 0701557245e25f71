/* Tests for clients/argocd: the apps table from a real Application (every column),
 * error bodies, where the settings come from, and the REST client and its stream against
 * a scripted Argo CD on 127.0.0.1 (plain HTTP, a thread) that splits the stream at
 * random points and byte by byte, drops it, and fails once to force a backoff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clients/argocd.h"
#include "clients/argocd_internal.h"
#include "clients/http.h"
#include "clients/kube.h"
#include "clients/kubeconfig.h"
#include "core/loop.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "core/yaml.h"
#include "tests/support/script_server.h"
#include "tests/support/tmpdir.h"

#define TOKEN "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.sig"
#define RO_TOKEN "eyJhbGciOiJIUzI1NiJ9.cmVhZC1vbmx5.sig"

static char token_buf[] = TOKEN;
static char unreachable_url[] = "http://127.0.0.1:1";

static const char *cell(const struct table *t, size_t row, enum argocd_app_column c)
{
	assert_true(row < t->nrows);
	return t->rows[row].cells[c];
}

/* ---- the apps table ---------------------------------------------------------------- */

static long long utc(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	assert_int_equal(sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
				&tm.tm_hour, &tm.tm_min, &tm.tm_sec),
			 6);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

static void test_apps_table_real_application(void **state)
{
	(void)state;
	char err[512] = "";
	json_t *docs = yaml_load_file("tests/fixtures/argocd/diff-cache.yaml", err, sizeof(err));
	if (!docs)
		fail_msg("%s", err);
	json_t *list = json_pack("{s:[O]}", "items", json_array_get(docs, 0));
	/* The last history entry (id 23) was deployed at 2024-03-05T07:33:04Z. */
	struct table *t = argocd_apps_table(list, utc("2024-03-08T09:00:00Z"));
	assert_int_equal(t->ncols, ARGOCD_COL_COUNT);
	static const char *const names[] = {"Name",     "Project", "Cluster",  "Environment",
					    "Sync",     "Health",  "Operation", "Revision",
					    "Images",   "Deployed"};
	for (size_t c = 0; c < ARGOCD_COL_COUNT; c++)
		assert_string_equal(t->cols[c].name, names[c]);
	assert_int_equal(t->nrows, 1);
	assert_string_equal(cell(t, 0, ARGOCD_COL_NAME), "velero-test");
	assert_string_equal(cell(t, 0, ARGOCD_COL_PROJECT), "sre");
	assert_string_equal(cell(t, 0, ARGOCD_COL_CLUSTER), "gke-alpha-01-europe-west1");
	assert_string_equal(cell(t, 0, ARGOCD_COL_ENVIRONMENT), "");
	assert_string_equal(cell(t, 0, ARGOCD_COL_SYNC), "Synced");
	assert_string_equal(cell(t, 0, ARGOCD_COL_HEALTH), "Healthy");
	assert_string_equal(cell(t, 0, ARGOCD_COL_OPERATION), "Succeeded");
	assert_string_equal(cell(t, 0, ARGOCD_COL_REVISION), "rev1");
	assert_string_equal(cell(t, 0, ARGOCD_COL_IMAGES), "nginx:latest");
	assert_string_equal(cell(t, 0, ARGOCD_COL_DEPLOYED), "3d");
	assert_string_equal(t->rows[0].namespace, "argo-cd");
	assert_string_equal(t->rows[0].name, "velero-test");
	assert_string_equal(t->rows[0].uid, "94978696-4fd4-40b3-a1de-38d9df9e9316");
	assert_string_equal(t->rows[0].resource_version, "722811357");
	assert_string_equal(t->kind, "Application");
	table_free(t);
	/* An hour after the deploy the age is in hours. */
	t = argocd_apps_table(list, utc("2024-03-05T08:40:00Z"));
	assert_string_equal(cell(t, 0, ARGOCD_COL_DEPLOYED), "1h");
	table_free(t);
	json_decref(list);
	json_decref(docs);
}

static void test_apps_table_derived_and_sanitised(void **state)
{
	(void)state;
	json_t *list = json_loads(
		"{\"metadata\":{\"resourceVersion\":\"77\"},\"items\":[{"
		"\"metadata\":{\"name\":\"pay\\u001b[2Jments\",\"namespace\":\"argocd\","
		"\"uid\":\"u1\",\"labels\":{\"platform.opsdeck.dev/environment\":\"prod\"}},"
		"\"spec\":{\"project\":\"team-a\",\"destination\":{\"server\":"
		"\"https://127.0.0.1:6443/clusters/prod-eu/\"}},"
		"\"status\":{\"sync\":{\"status\":\"OutOfSync\",\"revision\":"
		"\"0123456789abcdef0123456789abcdef01234567\"},\"health\":{\"status\":\"Degraded\"},"
		"\"summary\":{\"images\":[\"a:1\",\"b:2\\u0007\"]},\"history\":["
		"{\"id\":5,\"deployedAt\":\"2026-01-01T00:00:30Z\"},"
		"{\"id\":3,\"deployedAt\":\"2025-01-01T00:00:00Z\"}]}},"
		"{\"metadata\":{\"name\":\"bare\",\"namespace\":\"argocd\",\"uid\":\"u2\"}}]}",
		0, NULL);
	assert_non_null(list);
	struct table *t = argocd_apps_table(list, utc("2026-01-01T00:01:15Z"));
	assert_int_equal(t->nrows, 2);
	assert_string_equal(cell(t, 0, ARGOCD_COL_NAME), "pay^[[2Jments");
	assert_string_equal(t->rows[0].name, "pay^[[2Jments");
	assert_string_equal(cell(t, 0, ARGOCD_COL_CLUSTER), "prod-eu");
	assert_string_equal(cell(t, 0, ARGOCD_COL_ENVIRONMENT), "prod");
	assert_string_equal(cell(t, 0, ARGOCD_COL_SYNC), "OutOfSync");
	assert_string_equal(cell(t, 0, ARGOCD_COL_HEALTH), "Degraded");
	assert_string_equal(cell(t, 0, ARGOCD_COL_OPERATION), "");
	assert_string_equal(cell(t, 0, ARGOCD_COL_REVISION), "0123456");
	assert_string_equal(cell(t, 0, ARGOCD_COL_IMAGES), "a:1,b:2^G");
	assert_string_equal(cell(t, 0, ARGOCD_COL_DEPLOYED), "45s");   /* id 5, not the last */
	assert_string_equal(t->resource_version, "77");
	for (size_t c = 1; c < ARGOCD_COL_COUNT; c++)
		assert_string_equal(cell(t, 1, c), "");
	table_free(t);
	json_decref(list);
}

static void test_fields_param(void **state)
{
	(void)state;
	char *f = argocd_fields_param("items.");
	assert_non_null(strstr(f, "metadata.resourceVersion,items.metadata.name,"));
	static const char *const want[] = {
		"items.metadata.namespace", "items.metadata.uid", "items.metadata.resourceVersion",
		"items.metadata.labels", "items.spec.project", "items.spec.destination",
		"items.spec.syncPolicy.automated", "items.status.sync", "items.status.health",
		"items.status.operationState.phase", "items.status.operationState.message",
		"items.status.summary.images", "items.status.history"};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_non_null(strstr(f, want[i]));
	assert_null(strstr(f, "spec.source"));
	free(f);
	f = argocd_fields_param("result.application.");
	assert_non_null(strstr(f, "result.type,result.application.metadata.name"));
	free(f);
}

static void test_error_bodies(void **state)
{
	(void)state;
	const char *b = "{\"error\":\"permission denied\",\"code\":7,"
			"\"message\":\"permission denied\"}";
	char *m = argocd_error_message(b, strlen(b), 403);
	assert_string_equal(m, "permission denied");
	free(m);
	b = "{\"error\":{\"grpc_code\":9,\"http_code\":400,\"message\":\"stream: \\u001b]0;x\","
	    "\"http_status\":\"Bad Request\"}}";
	m = argocd_error_message(b, strlen(b), 0);
	assert_string_equal(m, "stream: ^[]0;x");
	free(m);
	m = argocd_error_message("<html>bad gateway</html>", 24, 502);
	assert_string_equal(m, "the server responded with status 502");
	free(m);
	m = argocd_error_message("", 0, 403);
	assert_string_equal(m, "permission denied");
	free(m);
	m = argocd_escape("a b/c?d");
	assert_string_equal(m, "a%20b%2Fc%3Fd");
	free(m);
}

static void test_sync_request_body(void **state)
{
	(void)state;
	const char *res[] = {"apps:Deployment:web", ":Service:shop/front", "bad"};
	const char *so[] = {"Validate=false"};
	struct argocd_sync_options o = {.revision = "abc1234", .prune = true,
					.resources = res, .nresources = 3,
					.sync_options = so, .nsync_options = 1};
	json_t *b = argocd_sync_request_body(&o);
	char *s = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(
		s, "{\"dryRun\":false,\"prune\":true,\"resources\":[{\"group\":\"apps\",\"kind\":"
		   "\"Deployment\",\"name\":\"web\"},{\"group\":\"\",\"kind\":\"Service\",\"name\":"
		   "\"front\",\"namespace\":\"shop\"}],\"revision\":\"abc1234\",\"syncOptions\":"
		   "{\"items\":[\"Validate=false\"]}}");
	free(s);
	json_decref(b);
}

/* ---- configuration ---------------------------------------------------------------------- */

struct cfgdir {
	char dir[64];
	char *platform, *cli;
};

static void clear_env(void)
{
	unsetenv("ARGOCD_SERVER");
	unsetenv("ARGOCD_AUTH_TOKEN");
	unsetenv("ARGOCD_OPTS");
	unsetenv("ARGOCD_TEST_TOKEN");
}

static void cfgdir_init(struct cfgdir *d)
{
	clear_env();
	test_tmp_template(d->dir, sizeof(d->dir), "opsdeck-argocd-XXXXXX");
	assert_non_null(mkdtemp(d->dir));
	d->platform = xasprintf("%s/platform.yaml", d->dir);
	d->cli = xasprintf("%s/config", d->dir);
	setenv("ARGOCD_CONFIG_DIR", d->dir, 1);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void cfgdir_free(struct cfgdir *d)
{
	unlink(d->platform);
	unlink(d->cli);
	char *tok = xasprintf("%s/token", d->dir);
	unlink(tok);
	free(tok);
	rmdir(d->dir);
	free(d->platform);
	free(d->cli);
	unsetenv("ARGOCD_CONFIG_DIR");
	clear_env();
}

static void test_config_platform(void **state)
{
	(void)state;
	struct cfgdir d;
	cfgdir_init(&d);
	struct argocd_config c;
	char err[512] = "";
	/* env token */
	write_file(d.platform, "clusters: []\nargocd:\n  server: https://argo.example:8443/argocd\n"
			       "  token: {env: ARGOCD_TEST_TOKEN}\n  ca_file: /x/ca.crt\n");
	setenv("ARGOCD_TEST_TOKEN", TOKEN, 1);
	setenv("ARGOCD_SERVER", "elsewhere:443", 1);   /* platform.yaml wins */
	setenv("ARGOCD_AUTH_TOKEN", "other", 1);
	assert_int_equal(argocd_config_resolve(d.platform, &c, err, sizeof(err)), 0);
	assert_string_equal(c.server, "https://argo.example:8443/argocd");
	assert_string_equal(c.token, TOKEN);
	assert_string_equal(c.ca_file, "/x/ca.crt");
	assert_string_equal(c.source, "platform.yaml");
	assert_false(c.insecure);
	argocd_config_clear(&c);
	/* the variable named is missing: an error at the token key, not a fall-through */
	unsetenv("ARGOCD_TEST_TOKEN");
	assert_int_equal(argocd_config_resolve(d.platform, &c, err, sizeof(err)), -1);
	char *want = xasprintf("%s:4:3: the variable ARGOCD_TEST_TOKEN is not set", d.platform);
	assert_string_equal(err, want);
	free(want);
	/* file token */
	char *tokpath = xasprintf("%s/token", d.dir);
	write_file(tokpath, "  " RO_TOKEN "\n");
	char *text = xasprintf("argocd:\n  server: https://a\n  insecure: true\n"
			       "  token: {file: %s}\n", tokpath);
	write_file(d.platform, text);
	assert_int_equal(argocd_config_resolve(d.platform, &c, err, sizeof(err)), 0);
	assert_string_equal(c.token, RO_TOKEN);
	assert_true(c.insecure);
	argocd_config_clear(&c);
	free(text);
	free(tokpath);
	/* an inline token is refused, and the message does not repeat it */
	write_file(d.platform, "argocd:\n  server: https://a\n  token: \"" TOKEN "\"\n");
	assert_int_equal(argocd_config_resolve(d.platform, &c, err, sizeof(err)), -1);
	want = xasprintf("%s:3:3: an inline token is refused", d.platform);
	assert_true(!strncmp(err, want, strlen(want)));
	assert_null(strstr(err, TOKEN));
	free(want);
	/* core mode explicitly */
	write_file(d.platform, "argocd:\n  core: {context: ops, namespace: gitops}\n");
	assert_int_equal(argocd_config_resolve(d.platform, &c, err, sizeof(err)), 0);
	assert_null(c.server);
	assert_string_equal(c.core_context, "ops");
	assert_string_equal(c.core_namespace, "gitops");
	argocd_config_clear(&c);
	/* broken YAML names its place */
	write_file(d.platform, "argocd:\n  server: [unclosed\n");
	assert_int_equal(argocd_config_resolve(d.platform, &c, err, sizeof(err)), -1);
	assert_true(!strncmp(err, d.platform, strlen(d.platform)));
	assert_non_null(strchr(err + strlen(d.platform), ':'));
	cfgdir_free(&d);
}

static void test_config_env_cli_core(void **state)
{
	(void)state;
	struct cfgdir d;
	cfgdir_init(&d);
	struct argocd_config c;
	char err[512] = "";
	/* a platform.yaml without an argocd section, and the environment */
	write_file(d.platform, "clusters: []\n");
	setenv("ARGOCD_SERVER", "argocd.example.com:443", 1);
	setenv("ARGOCD_AUTH_TOKEN", TOKEN, 1);
	setenv("ARGOCD_OPTS", "--grpc-web --insecure", 1);
	assert_int_equal(argocd_config_resolve(d.platform, &c, err, sizeof(err)), 0);
	assert_string_equal(c.server, "https://argocd.example.com:443");
	assert_string_equal(c.token, TOKEN);
	assert_true(c.insecure);
	assert_string_equal(c.source, "ARGOCD_SERVER/ARGOCD_AUTH_TOKEN");
	argocd_config_clear(&c);
	unsetenv("ARGOCD_AUTH_TOKEN");
	assert_int_equal(argocd_config_resolve(d.platform, &c, err, sizeof(err)), -1);
	assert_string_equal(err, "ARGOCD_SERVER is set but ARGOCD_AUTH_TOKEN is not: set both "
				 "or neither");
	clear_env();
	/* the CLI's config */
	write_file(d.cli, "contexts:\n- name: prod\n  server: argo.prod:443\n  user: argo.prod:443\n"
			  "current-context: prod\nservers:\n- server: argo.prod:443\n"
			  "  insecure: true\n  grpc-web-root-path: argocd\n"
			  "users:\n- name: argo.prod:443\n  auth-token: " TOKEN "\n");
	assert_int_equal(argocd_config_resolve(NULL, &c, err, sizeof(err)), 0);
	assert_string_equal(c.server, "https://argo.prod:443/argocd");
	assert_string_equal(c.token, TOKEN);
	assert_true(c.insecure);
	assert_non_null(c.source);
	argocd_config_clear(&c);
	/* a CLI config whose user has no token is an error naming the file */
	write_file(d.cli, "contexts:\n- name: prod\n  server: s\n  user: u\n"
			  "current-context: prod\nusers:\n- name: u\n");
	assert_int_equal(argocd_config_resolve(NULL, &c, err, sizeof(err)), -1);
	char *want = xasprintf("%s:6:1: user \"u\" has no auth-token", d.cli);
	assert_true(!strncmp(err, want, strlen(want)));
	free(want);
	/* nothing anywhere: core mode */
	unlink(d.cli);
	assert_int_equal(argocd_config_resolve(d.platform, &c, err, sizeof(err)), 0);
	assert_null(c.server);
	assert_null(c.token);
	assert_string_equal(c.core_namespace, "argocd");
	assert_string_equal(c.source, "core mode");
	argocd_config_clear(&c);
	cfgdir_free(&d);
}

/* ---- the scripted Argo CD ----------------------------------------------------------------- */

/* The script's state, kept by serve under the server's lock. */
struct script {
	int streams, lists, puts, core_gets;
};

static void reply(int fd, int code, const char *body)
{
	script_reply(fd, code, "application/json", NULL, body);
}

static char *app_json(const char *name, const char *uid, const char *sync, const char *phase)
{
	return xasprintf("{\"metadata\":{\"name\":\"%s\",\"namespace\":\"argocd\",\"uid\":\"%s\","
			 "\"resourceVersion\":\"1\"},\"spec\":{\"project\":\"default\","
			 "\"destination\":{\"name\":\"ops\"}},\"status\":{\"sync\":{\"status\":"
			 "\"%s\",\"revision\":\"abcdef0123\"},\"health\":{\"status\":\"Healthy\"},"
			 "\"operationState\":{\"phase\":\"%s\"}}}",
			 name, uid, sync, phase);
}

static char *stream_line(const char *type, const char *name, const char *uid, const char *sync,
			 const char *phase)
{
	char *app = app_json(name, uid, sync, phase);
	char *line = xasprintf("{\"result\":{\"type\":\"%s\",\"application\":%s}}\n", type, app);
	free(app);
	return line;
}

/* Sends text cut at random points (pieces of 1..40 bytes), each piece its own segment. */
static void send_split(int fd, const char *text, unsigned seed, int max_piece)
{
	size_t n = strlen(text), off = 0;
	while (off < n) {
		seed = seed * 1103515245u + 12345u;
		size_t piece = 1 + (seed >> 16) % (unsigned)max_piece;
		if (piece > n - off)
			piece = n - off;
		script_send(fd, text + off, piece);
		off += piece;
		usleep(200);
	}
}

/* Stream 1: three events cut at random, then a clean close (relist at once). Stream 2:
 * 503 (a backoff). Stream 3: one event byte by byte, then held open. */
static bool serve_stream(struct script *s, int fd)
{
	int n = ++s->streams;
	if (n == 2) {
		reply(fd, 503, "{\"error\":\"overloaded\",\"code\":14,\"message\":\"overloaded\"}");
		return false;
	}
	script_stream_head(fd);
	struct strbuf sb = STRBUF_INIT;
	char *l;
	if (n == 1) {
		l = stream_line("ADDED", "web", "u-web", "OutOfSync", "Running");
		strbuf_puts(&sb, l);
		free(l);
		strbuf_puts(&sb, "{\"result\":{\"type\":\"MODIFIED\",\"application\":");
		strbuf_puts(&sb, "{\"metadata\":{\"name\":\"web\",\"namespace\":\"argocd\","
				 "\"uid\":\"u-web\"},\"status\":{\"sync\":{\"status\":\"Synced\"},"
				 "\"operationState\":{\"phase\":\"Succeeded\"}}}}}\r\n");
		l = stream_line("DELETED", "db", "u-db", "Synced", "Succeeded");
		strbuf_puts(&sb, l);
		free(l);
		send_split(fd, strbuf_str(&sb), 42, 40);
		strbuf_free(&sb);
		return false;
	}
	l = stream_line("MODIFIED", "db", "u-db2", "Synced", "Running");
	send_split(fd, l, 7, 1);
	free(l);
	return true;
}

/* Core mode's Application: the first PUT meets 409 Conflict, as when the controller wrote
 * in between; the second goes through. */
static bool serve_core(struct script *s, int fd, const char *method, const char *body)
{
	if (!strcmp(method, "GET")) {
		char *a = app_json("web", "u-web", "OutOfSync", "Succeeded");
		json_t *app = json_loads(a, 0, NULL);
		json_object_set_new(json_object_get(app, "metadata"), "resourceVersion",
				    json_sprintf("%d", ++s->core_gets));
		json_object_set_new(json_object_get(app, "status"), "history",
				    json_pack("[{s:i, s:s, s:{s:s}}]", "id", 4, "revision", "feed42",
					      "source", "repoURL", "https://git/x"));
		char *text = json_dumps(app, JSON_COMPACT);
		reply(fd, 200, text);
		free(text);
		json_decref(app);
		free(a);
	} else if (++s->puts == 1) {
		reply(fd, 409, "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":"
			       "\"Operation cannot be fulfilled: the object has been modified\","
			       "\"reason\":\"Conflict\",\"code\":409}");
	} else {
		reply(fd, 200, body);
	}
	return false;
}

/* Logs "METHOD PATH|AUTH|BODY\n" per request. */
static bool serve(struct script_server *srv, int fd, const struct script_request *req, void *ud)
{
	struct script *s = ud;
	const char *method = req->method, *path = req->path, *auth = req->auth, *body = req->body;
	script_server_logf(srv, "%s %s|%s|%s\n", method, path, auth, body);
	bool readonly = strstr(auth, RO_TOKEN) != NULL;
	if (!strncmp(path, "/argocd/api/v1/stream/applications?", 35))
		return serve_stream(s, fd);
	if (!strcmp(path, "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/web"))
		return serve_core(s, fd, method, body);
	if (readonly && strcmp(method, "GET")) {
		reply(fd, 403, "{\"error\":\"permission denied\",\"code\":7,"
			       "\"message\":\"permission denied\"}");
	} else if (!strcmp(path, "/argocd/api/v1/session/userinfo")) {
		reply(fd, 200, "{\"loggedIn\":true,\"username\":\"admin\"}");
	} else if (!strncmp(path, "/argocd/api/v1/applications?", 28)) {
		char *a = app_json("web", "u-web", "OutOfSync", "");
		char *b = app_json("db", "u-db", "Synced", "Succeeded");
		char *list = xasprintf("{\"metadata\":{\"resourceVersion\":\"%d\"},\"items\":[%s,%s]}",
				       ++s->lists, a, b);
		reply(fd, 200, list);
		free(list);
		free(a);
		free(b);
	} else if (!strcmp(path, "/argocd/api/v1/applications/web/managed-resources")) {
		reply(fd, 200, "{\"items\":[{\"kind\":\"Deployment\",\"name\":\"web\",\"liveState\":"
			       "\"{\\\"kind\\\":\\\"Deployment\\\",\\\"spec\\\":{\\\"replicas\\\":2}}\","
			       "\"targetState\":\"null\",\"normalizedLiveState\":\"\","
			       "\"predictedLiveState\":\"not json\"}]}");
	} else if (!strcmp(path, "/argocd/api/v1/applications/auto/rollback")) {
		reply(fd, 400, "{\"error\":\"rollback cannot be initiated when auto-sync is "
			       "enabled\",\"code\":9,\"message\":\"rollback cannot be initiated when "
			       "auto-sync is enabled\"}");
	} else if (!strcmp(path, "/argocd/api/v1/applications/web/sync")) {
		char *a = app_json("web", "u-web", "OutOfSync", "Running");
		reply(fd, 200, a);
		free(a);
	} else if (!strncmp(path, "/argocd/api/v1/applications/echo?", 33)) {
		/* A server that quotes the caller's credentials back: must not reach a message. */
		char *m = xasprintf("{\"error\":\"x\",\"code\":2,\"message\":\"bad token %s\"}",
				    TOKEN);
		reply(fd, 500, m);
		free(m);
	} else {
		reply(fd, 404, "{\"error\":\"not found\",\"code\":5,\"message\":\"not found\"}");
	}
	return false;
}

struct fixture {
	struct script_server *srv;
	struct script script;
	struct loop *loop;
	struct http *http;
	struct argocd_client *ac;
};

static struct argocd_client *client_for(struct fixture *f, const char *token)
{
	char *url = script_server_url(f->srv, "/argocd/");
	struct argocd_config cfg = {.server = url, .token = (char *)token};
	struct argocd_client *ac = argocd_client_new(f->loop, f->http, &cfg, NULL);
	free(url);
	return ac;
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	signal(SIGPIPE, SIG_IGN);
	f->srv = script_server_start(serve, &f->script);
	f->loop = loop_new();
	f->http = http_new(f->loop);
	f->ac = client_for(f, TOKEN);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	argocd_client_free(f->ac);
	http_free(f->http);
	loop_free(f->loop);
	script_server_stop(f->srv);
	free(f);
	return 0;
}

static void run_until(struct fixture *f, const bool *done, long long ms)
{
	long long end = loop_now_ms() + ms;
	while (!*done && loop_now_ms() < end)
		loop_run_once(f->loop, 20);
	assert_true(*done);
}

struct outcome {
	bool done, ok, in_call;
	long status;
	char *message;
	json_t *body;
};

static void on_json(void *ud, const struct argocd_result *res, json_t *body)
{
	struct outcome *o = ud;
	assert_false(o->in_call);   /* never from inside the starting call */
	o->done = true;
	o->ok = res->ok;
	o->status = res->http_status;
	o->message = res->message ? xstrdup(res->message) : NULL;
	o->body = body;
}

static void outcome_clear(struct outcome *o)
{
	free(o->message);
	json_decref(o->body);
	memset(o, 0, sizeof(*o));
}

#define RUN(f, o, expr)                      \
	do {                                 \
		(o)->in_call = true;         \
		(void)(expr);                \
		(o)->in_call = false;        \
		run_until((f), &(o)->done, 5000); \
	} while (0)

static void test_rest_list_whoami_and_token(void **state)
{
	struct fixture *f = *state;
	struct outcome o = {0};
	RUN(f, &o, argocd_list_apps(f->ac, on_json, &o));
	assert_true(o.ok);
	assert_int_equal(json_array_size(json_object_get(o.body, "items")), 2);
	outcome_clear(&o);
	RUN(f, &o, argocd_whoami(f->ac, on_json, &o));
	assert_true(o.ok);
	assert_string_equal(json_string_value(json_object_get(o.body, "username")), "admin");
	outcome_clear(&o);
	char *log = script_server_log(f->srv);
	/* the list asks only for the table's fields, with the token as a bearer */
	assert_non_null(strstr(log, "GET /argocd/api/v1/applications?fields=metadata.resourceVersion"
				    ",items.metadata.name,items.metadata.namespace,"));
	assert_non_null(strstr(log, "|Bearer " TOKEN "|"));
	assert_null(strstr(log, "//api"));
	free(log);
	/* a server echoing the token back: the message shows *** instead */
	RUN(f, &o, argocd_get_app(f->ac, "echo", on_json, &o));
	assert_false(o.ok);
	assert_int_equal(o.status, 500);
	assert_string_equal(o.message, "bad token ***");
	outcome_clear(&o);
	assert_string_equal(argocd_client_describe(f->ac),
			    strstr(argocd_client_describe(f->ac), "http://127.0.0.1:"));
	assert_false(argocd_client_core_mode(f->ac));
}

static void test_rest_operations_and_errors(void **state)
{
	struct fixture *f = *state;
	struct outcome o = {0};
	RUN(f, &o, argocd_managed_resources(f->ac, "web", on_json, &o));
	assert_true(o.ok);
	json_t *item = json_array_get(json_object_get(o.body, "items"), 0);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_object_get(item, "liveState"), "spec"),
				 "replicas")),
			 2);
	assert_true(json_is_null(json_object_get(item, "targetState")));
	assert_true(json_is_null(json_object_get(item, "normalizedLiveState")));
	assert_true(json_is_null(json_object_get(item, "predictedLiveState")));
	outcome_clear(&o);

	RUN(f, &o, argocd_rollback(f->ac, "auto", 3, false, false, on_json, &o));
	assert_false(o.ok);
	assert_int_equal(o.status, 400);
	assert_string_equal(o.message, "rollback cannot be initiated when auto-sync is enabled");
	outcome_clear(&o);

	const char *so[] = {"Prune=false"};
	struct argocd_sync_options opts = {.prune = true, .sync_options = so, .nsync_options = 1};
	RUN(f, &o, argocd_sync(f->ac, "web", &opts, on_json, &o));
	assert_true(o.ok);
	outcome_clear(&o);
	char *log = script_server_log(f->srv);
	assert_non_null(strstr(log, "POST /argocd/api/v1/applications/web/sync|"));
	assert_non_null(strstr(log, "\"syncOptions\":{\"items\":[\"Prune=false\"]}"));
	assert_non_null(strstr(log, "POST /argocd/api/v1/applications/auto/rollback|"));
	assert_non_null(strstr(log, "\"id\":3"));
	free(log);

	/* the read-only token: Argo CD's own words */
	struct argocd_client *ro = client_for(f, RO_TOKEN);
	RUN(f, &o, argocd_sync(ro, "web", NULL, on_json, &o));
	assert_false(o.ok);
	assert_int_equal(o.status, 403);
	assert_string_equal(o.message, "permission denied");
	outcome_clear(&o);
	/* cancelled: no callback */
	o.in_call = true;
	argocd_call_cancel(argocd_whoami(ro, on_json, &o));
	for (int i = 0; i < 10; i++)
		loop_run_once(f->loop, 10);
	assert_false(o.done);
	o.in_call = false;
	/* freeing a client with a call in flight cancels it */
	argocd_whoami(ro, on_json, &o);
	argocd_client_free(ro);

	/* nobody listening */
	struct argocd_config cfg = {.server = unreachable_url, .token = token_buf};
	struct argocd_client *gone = argocd_client_new(f->loop, f->http, &cfg, NULL);
	RUN(f, &o, argocd_list_apps(gone, on_json, &o));
	assert_false(o.ok);
	assert_int_equal(o.status, 0);
	assert_true(!strncmp(o.message, "cannot reach http://127.0.0.1:1: ", 33));
	outcome_clear(&o);
	argocd_client_free(gone);
}

static struct kube_client *core_kube(struct fixture *f)
{
	struct kube_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.name = xstrdup("ops");
	ctx.server = script_server_url(f->srv, "");
	struct kube_client *kc = kube_client_new(f->loop, f->http, NULL, &ctx);
	free(ctx.name);
	free(ctx.server);
	return kc;
}

static void test_core_put_retried_on_conflict(void **state)
{
	struct fixture *f = *state;
	struct kube_client *kc = core_kube(f);
	struct argocd_config cfg = {0};
	struct argocd_client *core = argocd_client_new(f->loop, f->http, &cfg, kc);
	assert_true(argocd_client_core_mode(core));
	assert_string_equal(argocd_client_describe(core), "core mode (context ops, namespace argocd)");
	struct outcome o = {0};
	const char *so[] = {"Validate=false"};
	struct argocd_sync_options opts = {.revision = "feed42", .sync_options = so,
					   .nsync_options = 1};
	RUN(f, &o, argocd_sync(core, "web", &opts, on_json, &o));
	if (!o.ok)
		fail_msg("%s", o.message);
	/* the second PUT carried the second GET's resourceVersion */
	assert_string_equal(json_string_value(json_object_get(json_object_get(o.body, "metadata"),
							      "resourceVersion")),
			    "2");
	json_t *sync = json_object_get(json_object_get(o.body, "operation"), "sync");
	assert_string_equal(json_string_value(json_object_get(sync, "revision")), "feed42");
	assert_string_equal(json_string_value(json_array_get(json_object_get(sync, "syncOptions"), 0)),
			    "Validate=false");
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(
				    o.body, "operation"), "initiatedBy"), "username")),
			    "opsdeck");
	outcome_clear(&o);
	assert_int_equal(script_server_read_int(f->srv, &f->script.puts), 2);
	/* rollback to an id that is not in the history: Argo CD's words, nothing written */
	RUN(f, &o, argocd_rollback(core, "web", 9, false, false, on_json, &o));
	assert_false(o.ok);
	assert_string_equal(o.message, "application web does not have deployment with id 9");
	outcome_clear(&o);
	RUN(f, &o, argocd_rollback(core, "web", 4, true, false, on_json, &o));
	assert_true(o.ok);
	sync = json_object_get(json_object_get(o.body, "operation"), "sync");
	assert_string_equal(json_string_value(json_object_get(sync, "revision")), "feed42");
	assert_true(json_is_true(json_object_get(sync, "prune")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(sync, "source"),
							      "repoURL")),
			    "https://git/x");
	outcome_clear(&o);
	/* nothing runs: terminate is refused as Argo CD refuses it */
	RUN(f, &o, argocd_terminate(core, "web", on_json, &o));
	assert_false(o.ok);
	assert_string_equal(o.message, "Unable to terminate operation. No operation is in progress");
	outcome_clear(&o);
	assert_int_equal(script_server_read_int(f->srv, &f->script.puts), 3);
	argocd_client_free(core);
	kube_client_free(kc);
}

/* ---- the stream ------------------------------------------------------------------------- */

struct watch_log {
	int synced;
	size_t last_rows;
	struct strbuf events;    /* "TYPE name sync/op|" per event */
	struct strbuf states;    /* one letter per state change */
	unsigned failures_seen;
	long long retry_in_ms;
};

static void wl_synced(void *ud, struct table *t)
{
	struct watch_log *wl = ud;
	wl->synced++;
	wl->last_rows = t->nrows;
	table_free(t);
}

static void wl_event(void *ud, enum kube_event_type type, const struct table *row,
		     const json_t *app)
{
	struct watch_log *wl = ud;
	static const char *const names[] = {"ADDED", "MODIFIED", "DELETED"};
	assert_int_equal(row->nrows, 1);
	assert_non_null(json_object_get(app, "metadata"));
	strbuf_printf(&wl->events, "%s %s %s/%s/%s|", names[type], row->rows[0].name,
		      row->rows[0].uid, row->rows[0].cells[ARGOCD_COL_SYNC],
		      row->rows[0].cells[ARGOCD_COL_OPERATION]);
}

static void wl_state(void *ud, const struct kube_watch_status *st)
{
	struct watch_log *wl = ud;
	strbuf_putc(&wl->states, "LCRF"[st->state]);
	if (st->state == KUBE_WATCH_RETRYING && st->failures > wl->failures_seen) {
		wl->failures_seen = st->failures;
		wl->retry_in_ms = st->next_attempt_ms - loop_now_ms();
	}
}

static bool events_have(struct watch_log *wl, const char *needle)
{
	return strstr(strbuf_str(&wl->events), needle) != NULL;
}

static void test_stream_splits_reconnects_relists(void **state)
{
	struct fixture *f = *state;
	struct watch_log wl = {0};
	wl.events = (struct strbuf)STRBUF_INIT;
	wl.states = (struct strbuf)STRBUF_INIT;
	struct argocd_watch_callbacks cbs = {wl_synced, wl_event, wl_state};
	struct argocd_watch *w = argocd_watch_apps(f->ac, &cbs, &wl);
	assert_int_equal(wl.synced, 0);   /* never inside the call */
	long long end = loop_now_ms() + 8000;
	while (!events_have(&wl, "MODIFIED db u-db2") && loop_now_ms() < end)
		loop_run_once(f->loop, 20);
	/* Stream 1 (random cuts, a CRLF line), the 503 and its backoff, stream 3 (byte by
	 * byte): every event whole, in order, and a relist before each stream. */
	assert_string_equal(strbuf_str(&wl.events),
			    "ADDED web u-web/OutOfSync/Running|"
			    "MODIFIED web u-web/Synced/Succeeded|"
			    "DELETED db u-db/Synced/Succeeded|"
			    "MODIFIED db u-db2/Synced/Running|");
	assert_int_equal(wl.synced, 3);
	assert_int_equal(wl.last_rows, 2);
	assert_int_equal(wl.failures_seen, 1);
	assert_true(wl.retry_in_ms >= 300 && wl.retry_in_ms <= 700);
	/* connected, (clean close) retrying at once, listing, (503) retrying with backoff,
	 * listing, connected */
	assert_string_equal(strbuf_str(&wl.states), "CRLRLC");
	char *log = script_server_log(f->srv);
	int lists = 0;
	for (const char *p = log; (p = strstr(p, "GET /argocd/api/v1/applications?")); p++)
		lists++;
	assert_int_equal(lists, 3);
	assert_non_null(strstr(log, "GET /argocd/api/v1/stream/applications?fields=result.type,"
				    "result.application.metadata.name,"));
	free(log);
	argocd_watch_stop(w);
	strbuf_free(&wl.events);
	strbuf_free(&wl.states);
}

/* Stops the watch from inside its first event. */
struct stopper {
	struct argocd_watch *w;
	int events;
};

static void st_synced(void *ud, struct table *t)
{
	(void)ud;
	table_free(t);
}

static void st_event(void *ud, enum kube_event_type type, const struct table *row,
		     const json_t *app)
{
	struct stopper *s = ud;
	(void)type;
	(void)row;
	(void)app;
	s->events++;
	argocd_watch_stop(s->w);
}

static void test_stream_stop_inside_callback(void **state)
{
	struct fixture *f = *state;
	struct stopper s = {0};
	struct argocd_watch_callbacks cbs = {st_synced, st_event, NULL};
	s.w = argocd_watch_apps(f->ac, &cbs, &s);
	for (int i = 0; i < 100 && !s.events; i++)
		loop_run_once(f->loop, 20);
	for (int i = 0; i < 20; i++)
		loop_run_once(f->loop, 10);
	assert_int_equal(s.events, 1);
}

static void test_stream_unknown_endpoint_fails(void **state)
{
	struct fixture *f = *state;
	/* A 404 on the list will not heal: FAILED at once, no retries. */
	char *url = script_server_url(f->srv, "/nothing-here");
	struct argocd_config c2 = {.server = url, .token = token_buf};
	struct argocd_client *ac = argocd_client_new(f->loop, f->http, &c2, NULL);
	struct watch_log wl = {0};
	wl.events = (struct strbuf)STRBUF_INIT;
	wl.states = (struct strbuf)STRBUF_INIT;
	struct argocd_watch_callbacks cbs = {wl_synced, wl_event, wl_state};
	struct argocd_watch *w = argocd_watch_apps(ac, &cbs, &wl);
	long long end = loop_now_ms() + 3000;
	while (!strchr(strbuf_str(&wl.states), 'F') && loop_now_ms() < end)
		loop_run_once(f->loop, 20);
	assert_string_equal(strbuf_str(&wl.states), "F");
	assert_int_equal(wl.synced, 0);
	argocd_watch_stop(w);
	argocd_client_free(ac);
	free(url);
	strbuf_free(&wl.events);
	strbuf_free(&wl.states);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apps_table_real_application),
		cmocka_unit_test(test_apps_table_derived_and_sanitised),
		cmocka_unit_test(test_fields_param),
		cmocka_unit_test(test_error_bodies),
		cmocka_unit_test(test_sync_request_body),
		cmocka_unit_test(test_config_platform),
		cmocka_unit_test(test_config_env_cli_core),
		cmocka_unit_test_setup_teardown(test_rest_list_whoami_and_token, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rest_operations_and_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_core_put_retried_on_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_splits_reconnects_relists, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stream_stop_inside_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_unknown_endpoint_fails, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
