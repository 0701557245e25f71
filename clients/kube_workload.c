/* Workload actions (see kube_workload.h): each is a kube_call whose steps send one request
 * after another, so cancelling the call cancels whichever request is in flight. */
#include "clients/kube_workload.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/kube_internal.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#define REVISION_KEY "deployment.kubernetes.io/revision"
#define TEMPLATE_HASH_KEY "pod-template-hash"

/* The next step: a 2xx answer's status and parsed body (NULL when not JSON). */
typedef void (*action_step_fn)(struct kube_call *call, long status, json_t *obj);

struct action_op {
	kube_action_fn done;
	void *ud;
	char *path;            /* the object's path, no query */
	char *ns;              /* the namespace used (NULL for cluster-scoped) */
	char *name;
	char *fail;            /* a failure found before sending, reported from the loop */
	action_step_fn next;
	json_t *deploy;        /* rollout undo: the deployment as fetched */
};

static void action_op_free(void *p)
{
	struct action_op *op = p;
	free(op->path);
	free(op->ns);
	free(op->name);
	free(op->fail);
	json_decref(op->deploy);
	free(op);
}

/* ---- the call and its steps ---------------------------------------------------------- */

/* Percent-encodes everything but RFC 3986's unreserved characters. */
static void path_escape_into(struct strbuf *sb, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || strchr("-._~", *p))
			strbuf_putc(sb, (char)*p);
		else
			strbuf_printf(sb, "%%%02X", *p);
	}
}

static struct kube_call *action_new(struct kube_client *kc, const struct kube_resource *r,
				    const char *ns, const char *name, kube_action_fn done,
				    void *ud)
{
	struct action_op *op = xcalloc(1, sizeof(*op));
	op->done = done;
	op->ud = ud;
	op->name = xstrdup(name);
	if (r->namespaced)
		op->ns = xstrdup(ns && *ns ? ns : kube_client_default_namespace(kc));
	struct strbuf sb = STRBUF_INIT;
	char *base = kube_resource_path(r, op->ns);
	strbuf_printf(&sb, "%s/", base);
	free(base);
	path_escape_into(&sb, name);
	op->path = strbuf_detach(&sb);
	return kube_call_new(kc, op, action_op_free);
}

static void action_finish(struct kube_call *call, long status, const char *err)
{
	struct action_op *op = call->op;
	struct kube_result res = {err == NULL, status, err};
	op->done(op->ud, &res);
	kube_call_end(call);
}

static void action_fail_fired(struct kube_call *call)
{
	struct action_op *op = call->op;
	action_finish(call, 0, op->fail);
}

/* Fails from the loop's next turn: callers never see their callback inside the call. */
static struct kube_call *action_fail_later(struct kube_call *call, char *msg)
{
	struct action_op *op = call->op;
	op->fail = msg;
	kube_call_defer(call, action_fail_fired);
	return call;
}

static void action_on_response(void *ud, const struct http_response *resp, const char *send_err)
{
	struct kube_call *call = ud;
	struct action_op *op = call->op;
	if (!resp) {
		action_finish(call, 0, send_err);
		return;
	}
	char *err = kube_response_error(call->kc, resp);
	if (err) {
		action_finish(call, resp->status, err);
		free(err);
		return;
	}
	json_t *obj = json_loadb(resp->body, resp->body_len, 0, NULL);
	op->next(call, resp->status, obj);
	json_decref(obj);
}

static void action_send(struct kube_call *call, const char *method, const char *path,
			const char *body, const char *content_type, action_step_fn next)
{
	struct action_op *op = call->op;
	struct kube_send s;
	memset(&s, 0, sizeof(s));
	s.method = method;
	s.path = path;
	s.body = body;
	s.content_type = content_type;
	op->next = next;
	kube_call_send(call, &s, action_on_response, call);
}

static void action_step_done(struct kube_call *call, long status, json_t *obj)
{
	(void)obj;
	action_finish(call, status, NULL);
}

/* "deployments.apps", or "pods" for the core group, as the API server names types. */
static char *resource_qualified(const struct kube_resource *r)
{
	return *r->group ? xasprintf("%s.%s", r->resource, r->group) : xstrdup(r->resource);
}

/* ---- restart, scale, delete ----------------------------------------------------------- */

static bool restartable(const struct kube_resource *r)
{
	return !strcmp(r->group, "apps") && (!strcmp(r->kind, "Deployment") ||
					     !strcmp(r->kind, "StatefulSet") ||
					     !strcmp(r->kind, "DaemonSet"));
}

struct kube_call *kube_rollout_restart(struct kube_client *kc, const struct kube_resource *r,
				       const char *ns, const char *name, kube_action_fn done,
				       void *ud)
{
	struct kube_call *call = action_new(kc, r, ns, name, done, ud);
	if (!restartable(r)) {
		char *q = resource_qualified(r);
		char *msg = xasprintf("%s/%s restarting is not supported", q, name);
		free(q);
		return action_fail_later(call, msg);
	}
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *patch = json_pack("{s:{s:{s:{s:{s:s}}}}}", "spec", "template", "metadata",
				  "annotations", "kubectl.kubernetes.io/restartedAt", now);
	char *body = json_dumps(patch, JSON_COMPACT);
	struct action_op *op = call->op;
	action_send(call, "PATCH", op->path, body, "application/strategic-merge-patch+json",
		    action_step_done);
	free(body);
	json_decref(patch);
	return call;
}

struct kube_call *kube_scale(struct kube_client *kc, const struct kube_resource *r,
			     const char *ns, const char *name, long replicas, kube_action_fn done,
			     void *ud)
{
	struct kube_call *call = action_new(kc, r, ns, name, done, ud);
	if (replicas < 0)
		return action_fail_later(call, xasprintf("replicas must be greater than or equal "
							 "to 0, not %ld", replicas));
	struct action_op *op = call->op;
	char *path = xasprintf("%s/scale", op->path);
	char *body = xasprintf("{\"spec\":{\"replicas\":%ld}}", replicas);
	action_send(call, "PATCH", path, body, "application/merge-patch+json", action_step_done);
	free(body);
	free(path);
	return call;
}

struct kube_call *kube_delete(struct kube_client *kc, const struct kube_resource *r,
			      const char *ns, const char *name, kube_action_fn done, void *ud)
{
	struct kube_call *call = action_new(kc, r, ns, name, done, ud);
	struct action_op *op = call->op;
	action_send(call, "DELETE", op->path,
		    "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
		    "\"propagationPolicy\":\"Background\"}",
		    NULL, action_step_done);
	return call;
}

/* ---- rollout undo --------------------------------------------------------------------- */

static json_t *obj_get(const json_t *obj, const char *a, const char *b)
{
	return json_object_get(json_object_get(obj, a), b);
}

static void selector_values(struct strbuf *sb, const json_t *values)
{
	size_t i;
	json_t *v;
	strbuf_puts(sb, " (");
	json_array_foreach(values, i, v)
		strbuf_printf(sb, "%s%s", i ? "," : "", json_string_value(v) ? json_string_value(v) : "");
	strbuf_putc(sb, ')');
}

/* A LabelSelector as the labelSelector query parameter: "a=b,tier in (x,y),!gone". */
static char *selector_string(const json_t *sel)
{
	struct strbuf sb = STRBUF_INIT;
	const char *key;
	json_t *v;
	json_object_foreach(json_object_get(sel, "matchLabels"), key, v)
		strbuf_printf(&sb, "%s%s=%s", sb.len ? "," : "", key,
			      json_string_value(v) ? json_string_value(v) : "");
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(sel, "matchExpressions"), i, e) {
		const char *k = json_string_value(json_object_get(e, "key"));
		const char *o = json_string_value(json_object_get(e, "operator"));
		if (!k || !o)
			continue;
		if (sb.len)
			strbuf_putc(&sb, ',');
		if (!strcmp(o, "DoesNotExist"))
			strbuf_printf(&sb, "!%s", k);
		else
			strbuf_puts(&sb, k);
		if (!strcmp(o, "In") || !strcmp(o, "NotIn")) {
			strbuf_puts(&sb, !strcmp(o, "In") ? " in" : " notin");
			selector_values(&sb, json_object_get(e, "values"));
		}
	}
	return strbuf_detach(&sb);
}

static long revision_of(const json_t *obj)
{
	const char *s = json_string_value(obj_get(json_object_get(obj, "metadata"), "annotations",
						  REVISION_KEY));
	char *end;
	long v = s ? strtol(s, &end, 10) : -1;
	return s && *s && !*end ? v : -1;
}

/* Whether rs is controlled by the object with this uid (kubectl's IsControlledBy). */
static bool controlled_by(const json_t *rs, const char *uid)
{
	size_t i;
	json_t *ref;
	json_array_foreach(obj_get(rs, "metadata", "ownerReferences"), i, ref) {
		const char *u = json_string_value(json_object_get(ref, "uid"));
		if (json_is_true(json_object_get(ref, "controller")) && u && !strcmp(u, uid))
			return true;
	}
	return false;
}

/* The template a ReplicaSet ran, as the deployment should hold it again. */
static json_t *template_without_hash(const json_t *tmpl)
{
	json_t *t = json_deep_copy(tmpl);
	if (!json_is_object(t)) {
		json_decref(t);
		t = json_object();
	}
	json_object_del(obj_get(t, "metadata", "labels"), TEMPLATE_HASH_KEY);
	return t;
}

static bool annotation_skipped(const char *key)
{
	/* What kubectl keeps from the deployment instead of taking from the ReplicaSet: the
	 * controller's bookkeeping and the last applied configuration. */
	static const char *const skip[] = {
		"kubectl.kubernetes.io/last-applied-configuration",
		REVISION_KEY,
		"deployment.kubernetes.io/revision-history",
		"deployment.kubernetes.io/desired-replicas",
		"deployment.kubernetes.io/max-replicas",
		"deprecated.deployment.rollback.to",
	};
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (!strcmp(key, skip[i]))
			return true;
	return false;
}

static json_t *undo_annotations(const json_t *deploy, const json_t *rs)
{
	json_t *out = json_object();
	const char *key;
	json_t *v;
	json_object_foreach(obj_get(deploy, "metadata", "annotations"), key, v)
		if (annotation_skipped(key))
			json_object_set(out, key, v);
	json_object_foreach(obj_get(rs, "metadata", "annotations"), key, v)
		if (!annotation_skipped(key))
			json_object_set(out, key, v);
	return out;
}

/* The controlled ReplicaSet with the highest revision below the newest, or NULL with *msg
 * set (caller frees) to kubectl's explanation. */
static const json_t *undo_pick(const json_t *list, const json_t *deploy, char **msg)
{
	const char *uid = json_string_value(obj_get(deploy, "metadata", "uid"));
	const char *name = json_string_value(obj_get(deploy, "metadata", "name"));
	long newest = -1;
	size_t nrev = 0, i;
	json_t *rs;
	json_array_foreach(json_object_get(list, "items"), i, rs) {
		long rev = revision_of(rs);
		if (uid && rev >= 0 && controlled_by(rs, uid)) {
			nrev++;
			newest = rev > newest ? rev : newest;
		}
	}
	const json_t *best = NULL;
	long best_rev = -1;
	json_array_foreach(json_object_get(list, "items"), i, rs) {
		long rev = revision_of(rs);
		if (uid && rev >= 0 && rev < newest && rev > best_rev && controlled_by(rs, uid)) {
			best = rs;
			best_rev = rev;
		}
	}
	if (nrev < 2)
		*msg = xasprintf("no rollout history found for deployment \"%s\"", name ? name : "");
	else if (!best)
		*msg = xasprintf("no previous revision found for deployment \"%s\"",
				 name ? name : "");
	return *msg ? NULL : best;
}

static void undo_on_replicasets(struct kube_call *call, long status, json_t *list)
{
	struct action_op *op = call->op;
	char *msg = NULL;
	const json_t *rs = undo_pick(list, op->deploy, &msg);
	if (!rs) {
		action_finish(call, status, msg);
		free(msg);
		return;
	}
	json_t *tmpl = template_without_hash(obj_get(rs, "spec", "template"));
	json_t *current = template_without_hash(obj_get(op->deploy, "spec", "template"));
	bool same = json_equal(tmpl, current);
	json_decref(current);
	if (same) {
		/* kubectl: "skipped rollback (current template already matches revision N)" */
		json_decref(tmpl);
		action_finish(call, status, NULL);
		return;
	}
	/* "add" replaces a member that exists and creates one that does not, so a deployment
	 * without annotations takes the patch too. */
	json_t *patch = json_pack("[{s:s,s:s,s:o},{s:s,s:s,s:o}]", "op", "replace", "path",
				  "/spec/template", "value", tmpl, "op", "add", "path",
				  "/metadata/annotations", "value", undo_annotations(op->deploy, rs));
	char *body = json_dumps(patch, JSON_COMPACT);
	action_send(call, "PATCH", op->path, body, "application/json-patch+json",
		    action_step_done);
	free(body);
	json_decref(patch);
}

static void undo_on_deployment(struct kube_call *call, long status, json_t *deploy)
{
	struct action_op *op = call->op;
	if (!json_is_object(deploy)) {
		action_finish(call, status, "the server answered with something that is not "
					    "a deployment");
		return;
	}
	if (json_is_true(obj_get(deploy, "spec", "paused"))) {
		action_finish(call, status, "you cannot rollback a paused deployment; resume it "
					    "first with 'kubectl rollout resume' and try again");
		return;
	}
	op->deploy = json_incref(deploy);
	const char *ns = json_string_value(obj_get(deploy, "metadata", "namespace"));
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "/apis/apps/v1/namespaces/");
	path_escape_into(&sb, ns ? ns : op->ns);
	strbuf_puts(&sb, "/replicasets");
	char *path = strbuf_detach(&sb);
	char *sel = selector_string(obj_get(deploy, "spec", "selector"));
	if (*sel)
		path = kube_path_add_query(path, "labelSelector", sel);
	action_send(call, "GET", path, NULL, NULL, undo_on_replicasets);
	free(sel);
	free(path);
}

struct kube_call *kube_rollout_undo(struct kube_client *kc, const struct kube_resource *r,
				    const char *ns, const char *name, kube_action_fn done,
				    void *ud)
{
	struct kube_call *call = action_new(kc, r, ns, name, done, ud);
	if (strcmp(r->group, "apps") || strcmp(r->kind, "Deployment"))
		return action_fail_later(call,
					 xstrdup("rollout undo is supported for deployments only"));
	struct action_op *op = call->op;
	if (http_read_only(kube_client_http(kc))) {
		/* the chain ends in a PATCH: refuse it before its reads, word it as http
		 * would refuse that PATCH */
		const char *server = kube_client_server(kc);
		const char *host = server ? strstr(server, "://") : NULL;
		const char *prefix = host ? strchr(host + 3, '/') : NULL;
		return action_fail_later(call, xasprintf("read-only mode: refusing PATCH %s%s",
							 prefix ? prefix : "", op->path));
	}
	action_send(call, "GET", op->path, NULL, NULL, undo_on_deployment);
	return call;
}
