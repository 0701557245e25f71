/* Tests for clients/kube_workload against the in-process sandbox (HTTPS, client
 * certificate, its controllers ticking): restart, scale, delete and rollout undo change
 * what kube-apiserver would, failures read as kubectl's, read-only mode sends nothing,
 * and cancelling a chained call mid-way stops it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clients/http.h"
#include "clients/kube.h"
#include "clients/kube_workload.h"
#include "core/loop.h"
#include "core/xalloc.h"
#include "sandbox/auth.h"
#include "sandbox/certs.h"
#include "sandbox/controller.h"
#include "sandbox/objstore.h"
#include "sandbox/server.h"
#include "tests/support/tmpdir.h"

/* ---- the sandbox and a client for it ---- */

static struct certs certs;   /* made once: key generation is the slow part */

struct fixture {
	char dir[64];
	char *log_path;
	struct server srv;
	struct controller ctl;
	struct objstore_cluster *cl;
	struct loop *loop;
	struct http *http;
	struct kube_client *kc;
	const struct kube_resource *deploy, *sts, *pods;
};

static json_t *pod_template(const char *app, const char *image)
{
	return json_pack("{s:{s:{s:s}},s:{s:[{s:s,s:s}]}}", "metadata", "labels", "app", app,
			 "spec", "containers", "name", "main", "image", image);
}

static json_t *sandbox_objects(void)
{
	return json_pack("[{s:s,s:s,s:{s:s}},{s:s,s:s,s:{s:s}},"
			 "{s:s,s:s,s:{s:s,s:s},s:{s:i,s:{s:{s:s}},s:o}},"
			 "{s:s,s:s,s:{s:s,s:s},s:{s:i,s:s,s:{s:{s:s}},s:o}}]",
			 "apiVersion", "v1", "kind", "Namespace", "metadata", "name", "shop",
			 "apiVersion", "v1", "kind", "Node", "metadata", "name", "node-1",
			 "apiVersion", "apps/v1", "kind", "Deployment", "metadata", "name", "web",
			 "namespace", "shop", "spec", "replicas", 2, "selector", "matchLabels", "app",
			 "web", "template", pod_template("web", "nginx:1.0"),
			 "apiVersion", "apps/v1", "kind", "StatefulSet", "metadata", "name", "db",
			 "namespace", "shop", "spec", "replicas", 1, "serviceName", "db", "selector",
			 "matchLabels", "app", "db", "template", pod_template("db", "postgres:16"));
}

static void on_discovered(void *ud, const struct kube_discovery *disc, const char *err)
{
	assert_null(err);
	assert_non_null(disc);
	*(bool *)ud = true;
}

static const struct kube_resource *resolve(struct fixture *f, const char *name)
{
	char err[256];
	const struct kube_resource *r =
		kube_discovery_resolve(kube_client_discovery(f->kc), name, err, sizeof(err));
	assert_non_null(r);
	return r;
}

static void client_start(struct fixture *f)
{
	f->loop = loop_new();
	f->http = http_new(f->loop);
	struct kube_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.name = xstrdup("test");
	ctx.namespace = xstrdup("shop");
	ctx.server = xasprintf("%s/clusters/test", f->srv.base_url);
	ctx.ca_data = certs.ca_pem;
	ctx.client_cert_data = certs.admin_cert_pem;
	ctx.client_key_data = certs.admin_key_pem;
	f->kc = kube_client_new(f->loop, f->http, NULL, &ctx);
	free(ctx.server);
	free(ctx.name);
	free(ctx.namespace);
	bool done = false;
	kube_discover(f->kc, on_discovered, &done);
	assert_int_equal(kube_run_until(f->loop, &done, 10000), 0);
	f->deploy = resolve(f, "deployments");
	f->sts = resolve(f, "statefulsets");
	f->pods = resolve(f, "pods");
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	test_tmp_template(f->dir, sizeof(f->dir), "test_kube_workload.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->log_path = xasprintf("%s/requests.log", f->dir);
	objstore_init(&f->srv.store, 10000);
	f->srv.certs = certs;
	char err[256];
	assert_int_equal(auth_init(&f->srv.auth, &f->srv.certs, err, sizeof(err)), 0);
	f->srv.log = fopen(f->log_path, "w");
	assert_non_null(f->srv.log);
	f->cl = objstore_add_cluster(&f->srv.store, "test", false);
	json_t *objs = sandbox_objects();
	assert_int_equal(objstore_load_objects(&f->srv.store, f->cl, objs), 0);
	json_decref(objs);
	assert_int_equal(server_start(&f->srv, 0, err, sizeof(err)), 0);
	assert_int_equal(controller_start(&f->ctl, &f->srv.store, 20), 0);
	client_start(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	kube_client_free(f->kc);
	http_free(f->http);
	loop_free(f->loop);
	controller_stop(&f->ctl);
	server_stop(&f->srv);
	objstore_free(&f->srv.store);
	fclose(f->srv.log);
	unlink(f->log_path);
	rmdir(f->dir);
	free(f->log_path);
	free(f);
	return 0;
}

/* ---- looking into the store (under its lock) ---- */

static const struct resource *store_res(struct fixture *f, const char *group, const char *plural)
{
	const struct resource *r = resource_find(&f->cl->resources, group, "v1", plural);
	assert_non_null(r);
	return r;
}

/* A copy of shop/name of group/plural, or NULL. */
static json_t *store_get(struct fixture *f, const char *group, const char *plural,
			 const char *name)
{
	pthread_mutex_lock(&f->srv.store.lock);
	const json_t *o = objstore_get(f->cl, store_res(f, group, plural), "shop", name);
	json_t *copy = o ? json_deep_copy(o) : NULL;
	pthread_mutex_unlock(&f->srv.store.lock);
	return copy;
}

/* Copies of the objects in shop of group/plural whose labels have app=app. */
static json_t *store_list(struct fixture *f, const char *group, const char *plural,
			  const char *app)
{
	json_t *out = json_array();
	pthread_mutex_lock(&f->srv.store.lock);
	const json_t **objs;
	size_t n = objstore_list(f->cl, store_res(f, group, plural), "shop", NULL, &objs, NULL);
	for (size_t i = 0; i < n; i++) {
		const char *a = json_string_value(json_object_get(
			json_object_get(json_object_get(objs[i], "metadata"), "labels"), "app"));
		if (a && !strcmp(a, app))
			json_array_append_new(out, json_deep_copy(objs[i]));
	}
	free(objs);
	pthread_mutex_unlock(&f->srv.store.lock);
	return out;
}

static const char *jstr(const json_t *o, const char *path)
{
	char *copy = xstrdup(path), *save = NULL;
	const json_t *cur = o;
	for (char *k = strtok_r(copy, ".", &save); k && cur; k = strtok_r(NULL, ".", &save))
		cur = json_is_array(cur) ? json_array_get(cur, (size_t)atoi(k))
					 : json_object_get(cur, k);
	free(copy);
	return json_string_value(cur);
}

/* An annotation (keys hold dots, so not through jstr). */
static const char *annotation(const json_t *meta, const char *key)
{
	return json_string_value(json_object_get(json_object_get(meta, "annotations"), key));
}

static const json_t *template_meta(const json_t *o)
{
	return json_object_get(json_object_get(json_object_get(o, "spec"), "template"),
			       "metadata");
}

static size_t requests_logged(struct fixture *f)
{
	FILE *in = fopen(f->log_path, "r");
	assert_non_null(in);
	size_t n = 0;
	int c;
	while ((c = fgetc(in)) != EOF)
		n += c == '\n';
	fclose(in);
	return n;
}

static bool log_has(struct fixture *f, const char *needle)
{
	FILE *in = fopen(f->log_path, "r");
	assert_non_null(in);
	char line[1024];
	bool found = false;
	while (!found && fgets(line, sizeof(line), in))
		found = strstr(line, needle) != NULL;
	fclose(in);
	return found;
}

/* Runs the loop until pred holds (polled every 10 ms) or 5 s pass. */
static bool wait_for(struct fixture *f, bool (*pred)(struct fixture *f, const void *arg),
		     const void *arg)
{
	long long end = loop_now_ms() + 5000;
	while (loop_now_ms() < end) {
		if (pred(f, arg))
			return true;
		loop_run_once(f->loop, 10);
	}
	return pred(f, arg);
}

static bool rs_count_is(struct fixture *f, const void *arg)
{
	json_t *rss = store_list(f, "apps", "replicasets", "web");
	bool ok = json_array_size(rss) == (size_t)(intptr_t)arg;
	json_decref(rss);
	return ok;
}

static bool pod_count_is(struct fixture *f, const void *arg)
{
	json_t *pods = store_list(f, "", "pods", "web");
	bool ok = json_array_size(pods) == (size_t)(intptr_t)arg;
	json_decref(pods);
	return ok;
}

static bool web_revision_is(struct fixture *f, const void *arg)
{
	json_t *d = store_get(f, "apps", "deployments", "web");
	const char *rev = annotation(json_object_get(d, "metadata"),
				     "deployment.kubernetes.io/revision");
	bool ok = rev && !strcmp(rev, arg);
	json_decref(d);
	return ok;
}

/* ---- running an action ---- */

static bool in_call;   /* set while an action function runs: callbacks must not come then */

struct outcome {
	bool done, ok;
	long status;
	char *message;
};

static void on_action(void *ud, const struct kube_result *res)
{
	struct outcome *o = ud;
	assert_false(in_call);
	assert_false(o->done);
	o->done = true;
	o->ok = res->ok;
	o->status = res->http_status;
	o->message = res->message ? xstrdup(res->message) : NULL;
}

enum action { RESTART, SCALE, DELETE, UNDO };

static struct kube_call *start(struct fixture *f, enum action a, const struct kube_resource *r,
			       const char *name, long n, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	in_call = true;
	struct kube_call *call = NULL;
	switch (a) {
	case RESTART: call = kube_rollout_restart(f->kc, r, NULL, name, on_action, o); break;
	case SCALE: call = kube_scale(f->kc, r, "shop", name, n, on_action, o); break;
	case DELETE: call = kube_delete(f->kc, r, "shop", name, on_action, o); break;
	case UNDO: call = kube_rollout_undo(f->kc, r, NULL, name, on_action, o); break;
	}
	in_call = false;
	assert_non_null(call);
	assert_false(o->done);
	return call;
}

static void run(struct fixture *f, enum action a, const struct kube_resource *r,
		const char *name, long n, struct outcome *o)
{
	start(f, a, r, name, n, o);
	assert_int_equal(kube_run_until(f->loop, &o->done, 10000), 0);
}

static void expect_failure(struct outcome *o, long status, const char *message)
{
	assert_false(o->ok);
	assert_int_equal(o->status, status);
	assert_non_null(o->message);
	assert_string_equal(o->message, message);
	free(o->message);
}

static void expect_success(struct outcome *o)
{
	if (!o->ok)
		fail_msg("unexpected failure: %s", o->message ? o->message : "(none)");
	assert_int_equal(o->status, 200);
	assert_null(o->message);
}

static void on_request(void *ud, const struct kube_result *res, json_t *obj)
{
	if (!res->ok)
		fail_msg("request failed: %s", res->message);
	json_decref(obj);
	*(bool *)ud = true;
}

/* A write outside the actions under test; waits for it to succeed. */
static void request(struct fixture *f, const char *path, const char *body, const char *ctype)
{
	bool done = false;
	kube_request(f->kc, "PATCH", path, body, ctype, on_request, &done);
	assert_int_equal(kube_run_until(f->loop, &done, 10000), 0);
}

/* Changes web's image the way kubectl set image would. */
static void set_image(struct fixture *f, const char *image)
{
	char *body = xasprintf("[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/"
			       "image\",\"value\":\"%s\"}]", image);
	request(f, "/apis/apps/v1/namespaces/shop/deployments/web", body,
		"application/json-patch+json");
	free(body);
}

/* ---- tests ---- */

static void test_restart_rolls_a_new_replicaset(void **state)
{
	struct fixture *f = *state;
	assert_true(wait_for(f, rs_count_is, (void *)1));
	time_t before = time(NULL);
	struct outcome o;
	run(f, RESTART, f->deploy, "web", 0, &o);
	expect_success(&o);
	json_t *d = store_get(f, "apps", "deployments", "web");
	const char *at = annotation(template_meta(d), "kubectl.kubernetes.io/restartedAt");
	assert_non_null(at);
	assert_int_equal(strlen(at), 20);
	assert_true(at[19] == 'Z');
	time_t t = objstore_parse_time(at);
	assert_true(t >= before - 1 && t <= time(NULL) + 1);
	assert_string_equal(jstr(d, "spec.template.spec.containers.0.image"), "nginx:1.0");
	json_decref(d);
	/* the controller rolls the changed template out through a second ReplicaSet */
	assert_true(wait_for(f, rs_count_is, (void *)2));

	/* a StatefulSet takes the same patch; a pod cannot be restarted */
	run(f, RESTART, f->sts, "db", 0, &o);
	expect_success(&o);
	json_t *sts = store_get(f, "apps", "statefulsets", "db");
	assert_non_null(annotation(template_meta(sts), "kubectl.kubernetes.io/restartedAt"));
	json_decref(sts);
	size_t logged = requests_logged(f);
	run(f, RESTART, f->pods, "web-1", 0, &o);
	expect_failure(&o, 0, "pods/web-1 restarting is not supported");
	assert_int_equal(requests_logged(f), logged);
	run(f, RESTART, f->deploy, "nope", 0, &o);
	expect_failure(&o, 404, "deployments.apps \"nope\" not found");
}

static void test_scale_changes_replicas_and_pods_follow(void **state)
{
	struct fixture *f = *state;
	assert_true(wait_for(f, pod_count_is, (void *)2));
	struct outcome o;
	run(f, SCALE, f->deploy, "web", 4, &o);
	expect_success(&o);
	json_t *d = store_get(f, "apps", "deployments", "web");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "spec"),
							    "replicas")), 4);
	json_decref(d);
	assert_true(wait_for(f, pod_count_is, (void *)4));
	run(f, SCALE, f->deploy, "web", 1, &o);
	expect_success(&o);
	assert_true(wait_for(f, pod_count_is, (void *)1));

	size_t logged = requests_logged(f);
	run(f, SCALE, f->deploy, "web", -1, &o);
	expect_failure(&o, 0, "replicas must be greater than or equal to 0, not -1");
	assert_int_equal(requests_logged(f), logged);
	run(f, SCALE, f->deploy, "nope", 3, &o);
	expect_failure(&o, 404, "deployments.apps \"nope\" not found");
}

static void test_delete_removes_with_dependents(void **state)
{
	struct fixture *f = *state;
	assert_true(wait_for(f, rs_count_is, (void *)1));
	struct outcome o;
	run(f, DELETE, f->deploy, "web", 0, &o);
	expect_success(&o);
	assert_null(store_get(f, "apps", "deployments", "web"));
	/* Background propagation: what the deployment owned goes too */
	assert_true(wait_for(f, rs_count_is, (void *)0));
	assert_true(log_has(f, "DELETE /clusters/test/apis/apps/v1/namespaces/shop/deployments/web "));
	run(f, DELETE, f->deploy, "web", 0, &o);
	expect_failure(&o, 404, "deployments.apps \"web\" not found");
}

static bool old_rs_is_newest(struct fixture *f, const void *arg)
{
	(void)arg;
	json_t *rss = store_list(f, "apps", "replicasets", "web");
	bool ok = false;
	size_t i;
	json_t *rs;
	json_array_foreach(rss, i, rs) {
		const char *image = jstr(rs, "spec.template.spec.containers.0.image");
		const char *rev = annotation(json_object_get(rs, "metadata"),
					     "deployment.kubernetes.io/revision");
		if (image && !strcmp(image, "nginx:1.0") && rev && !strcmp(rev, "3"))
			ok = true;
	}
	json_decref(rss);
	return ok;
}

static void test_undo_brings_the_old_template_back(void **state)
{
	struct fixture *f = *state;
	assert_true(wait_for(f, web_revision_is, "1"));
	set_image(f, "nginx:2.0");
	assert_true(wait_for(f, rs_count_is, (void *)2));
	assert_true(wait_for(f, web_revision_is, "2"));
	struct outcome o;
	run(f, UNDO, f->deploy, "web", 0, &o);
	expect_success(&o);
	json_t *d = store_get(f, "apps", "deployments", "web");
	assert_string_equal(jstr(d, "spec.template.spec.containers.0.image"), "nginx:1.0");
	assert_string_equal(jstr(d, "spec.template.metadata.labels.app"), "web");
	assert_null(jstr(d, "spec.template.metadata.labels.pod-template-hash"));
	json_decref(d);
	/* the old ReplicaSet is reused (no third one) and becomes revision 3 */
	assert_true(wait_for(f, old_rs_is_newest, NULL));
	assert_true(wait_for(f, web_revision_is, "3"));
	assert_true(rs_count_is(f, (void *)2));
	/* the deployment was read, then patched */
	assert_true(log_has(f, "GET /clusters/test/apis/apps/v1/namespaces/shop/deployments/"
			       "web 200"));
	/* undo again goes back to 2.0, as kubectl's toggling undo does */
	run(f, UNDO, f->deploy, "web", 0, &o);
	expect_success(&o);
	d = store_get(f, "apps", "deployments", "web");
	assert_string_equal(jstr(d, "spec.template.spec.containers.0.image"), "nginx:2.0");
	json_decref(d);
}

static void test_undo_failures_read_like_kubectl(void **state)
{
	struct fixture *f = *state;
	assert_true(wait_for(f, web_revision_is, "1"));
	struct outcome o;
	run(f, UNDO, f->deploy, "web", 0, &o);
	expect_failure(&o, 200, "no rollout history found for deployment \"web\"");
	json_t *d = store_get(f, "apps", "deployments", "web");
	assert_string_equal(jstr(d, "spec.template.spec.containers.0.image"), "nginx:1.0");
	json_decref(d);

	size_t logged = requests_logged(f);
	run(f, UNDO, f->sts, "db", 0, &o);
	expect_failure(&o, 0, "rollout undo is supported for deployments only");
	assert_int_equal(requests_logged(f), logged);

	run(f, UNDO, f->deploy, "nope", 0, &o);
	expect_failure(&o, 404, "deployments.apps \"nope\" not found");

	request(f, "/apis/apps/v1/namespaces/shop/deployments/web", "{\"spec\":{\"paused\":true}}",
		"application/merge-patch+json");
	run(f, UNDO, f->deploy, "web", 0, &o);
	expect_failure(&o, 200, "you cannot rollback a paused deployment; resume it first with "
				"'kubectl rollout resume' and try again");
}

static void test_read_only_refuses_everything(void **state)
{
	struct fixture *f = *state;
	http_set_read_only(f->http, true);
	size_t logged = requests_logged(f);
	struct outcome o;
	run(f, RESTART, f->deploy, "web", 0, &o);
	expect_failure(&o, 0, "read-only mode: refusing PATCH /clusters/test/apis/apps/v1/"
			      "namespaces/shop/deployments/web");
	run(f, SCALE, f->deploy, "web", 5, &o);
	expect_failure(&o, 0, "read-only mode: refusing PATCH /clusters/test/apis/apps/v1/"
			      "namespaces/shop/deployments/web/scale");
	run(f, DELETE, f->deploy, "web", 0, &o);
	expect_failure(&o, 0, "read-only mode: refusing DELETE /clusters/test/apis/apps/v1/"
			      "namespaces/shop/deployments/web");
	run(f, UNDO, f->deploy, "web", 0, &o);
	expect_failure(&o, 0, "read-only mode: refusing PATCH /clusters/test/apis/apps/v1/"
			      "namespaces/shop/deployments/web");
	assert_int_equal(requests_logged(f), logged);
	json_t *d = store_get(f, "apps", "deployments", "web");
	assert_non_null(d);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "spec"),
							    "replicas")), 2);
	json_decref(d);
}

static void test_cancel_stops_a_chain(void **state)
{
	struct fixture *f = *state;
	assert_true(wait_for(f, web_revision_is, "1"));
	set_image(f, "nginx:2.0");
	assert_true(wait_for(f, web_revision_is, "2"));
	struct outcome o;

	/* before anything was answered */
	kube_call_cancel(start(f, UNDO, f->deploy, "web", 0, &o));
	assert_int_equal(http_active(f->http), 0);

	/* mid-chain: the probe has been answered and the ReplicaSet list is on its way */
	struct kube_call *call = start(f, UNDO, f->deploy, "web", 0, &o);
	long long end = loop_now_ms() + 5000;
	while (!log_has(f, "/replicasets?labelSelector=app%3Dweb") && loop_now_ms() < end)
		loop_run_once(f->loop, 2);
	assert_true(log_has(f, "/replicasets?labelSelector=app%3Dweb"));
	assert_false(o.done);
	kube_call_cancel(call);
	assert_int_equal(http_active(f->http), 0);

	/* a failure waiting for the loop is cancelled too */
	kube_call_cancel(start(f, UNDO, f->sts, "db", 0, &o));
	kube_call_cancel(start(f, SCALE, f->deploy, "web", -3, &o));
	end = loop_now_ms() + 300;
	while (loop_now_ms() < end)
		loop_run_once(f->loop, 10);
	assert_false(o.done);
}

static int group_setup(void **state)
{
	(void)state;
	char err[256];
	return certs_generate(&certs, err, sizeof(err));
}

static int group_teardown(void **state)
{
	(void)state;
	certs_free(&certs);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_restart_rolls_a_new_replicaset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scale_changes_replicas_and_pods_follow, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_delete_removes_with_dependents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undo_brings_the_old_template_back, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_undo_failures_read_like_kubectl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_refuses_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_stops_a_chain, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
