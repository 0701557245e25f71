/* Who the server thinks we are (SelfSubjectReview) and which Kubernetes it runs
 * (/version), for the console's header. */
#include <stdlib.h>
#include <string.h>

#include "clients/kube.h"
#include "clients/kube_internal.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

#define REVIEW_PATH_V1 "/apis/authentication.k8s.io/v1/selfsubjectreviews"
#define REVIEW_PATH_V1BETA1 "/apis/authentication.k8s.io/v1beta1/selfsubjectreviews"

struct identity_op {
	kube_identity_fn whoami_done;   /* one of the two is set */
	kube_version_fn version_done;
	void *ud;
	bool beta;                      /* the v1 review was not found: tried v1beta1 */
};

static void identity_finish(struct kube_call *call, long status, const char *err,
			    const char *value)
{
	struct identity_op *op = call->op;
	struct kube_result res = {err == NULL, status, err};
	/* Everything a server says is sanitised before it may reach the terminal. */
	char *clean = err ? NULL : sanitize_cstr(value, 0);
	if (op->whoami_done)
		op->whoami_done(op->ud, &res, clean);
	else
		op->version_done(op->ud, &res, clean);
	free(clean);
	kube_call_end(call);
}

/* The JSON body of a 2xx answer, or NULL after finishing the call with the error. */
static json_t *identity_body(struct kube_call *call, const struct http_response *resp,
			     const char *send_err)
{
	if (!resp) {
		identity_finish(call, 0, send_err, NULL);
		return NULL;
	}
	char *err = kube_response_error(call->kc, resp);
	if (err) {
		identity_finish(call, resp->status, err, NULL);
		free(err);
		return NULL;
	}
	json_t *doc = json_loadb(resp->body, resp->body_len, 0, NULL);
	if (!json_is_object(doc)) {
		char *msg = xasprintf("%s: the answer is not a JSON object", resp->url);
		identity_finish(call, resp->status, msg, NULL);
		free(msg);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static void review_send(struct kube_call *call);

static void review_on_response(void *ud, const struct http_response *resp, const char *send_err)
{
	struct kube_call *call = ud;
	struct identity_op *op = call->op;
	/* Kubernetes before 1.28 serves the review only as v1beta1 (1.27) or not at all. */
	if (resp && resp->status == 404 && !op->beta) {
		op->beta = true;
		review_send(call);
		return;
	}
	json_t *doc = identity_body(call, resp, send_err);
	if (!doc)
		return;
	const char *user = json_string_value(json_object_get(
		json_object_get(json_object_get(doc, "status"), "userInfo"), "username"));
	if (user)
		identity_finish(call, resp->status, NULL, user);
	else
		identity_finish(call, resp->status, "the SelfSubjectReview names no user", NULL);
	json_decref(doc);
}

static void review_send(struct kube_call *call)
{
	struct identity_op *op = call->op;
	struct kube_send s;
	memset(&s, 0, sizeof(s));
	s.method = "POST";
	s.path = op->beta ? REVIEW_PATH_V1BETA1 : REVIEW_PATH_V1;
	s.body = op->beta ? "{\"apiVersion\":\"authentication.k8s.io/v1beta1\","
			    "\"kind\":\"SelfSubjectReview\"}"
			  : "{\"apiVersion\":\"authentication.k8s.io/v1\","
			    "\"kind\":\"SelfSubjectReview\"}";
	s.content_type = "application/json";
	kube_call_send(call, &s, review_on_response, call);
}

struct kube_call *kube_whoami(struct kube_client *kc, kube_identity_fn done, void *ud)
{
	struct identity_op *op = xcalloc(1, sizeof(*op));
	op->whoami_done = done;
	op->ud = ud;
	struct kube_call *call = kube_call_new(kc, op, free);
	review_send(call);
	return call;
}

static void version_on_response(void *ud, const struct http_response *resp,
				const char *send_err)
{
	struct kube_call *call = ud;
	json_t *doc = identity_body(call, resp, send_err);
	if (!doc)
		return;
	const char *v = json_string_value(json_object_get(doc, "gitVersion"));
	if (v && *v)
		identity_finish(call, resp->status, NULL, v);
	else
		identity_finish(call, resp->status, "/version has no gitVersion", NULL);
	json_decref(doc);
}

struct kube_call *kube_version(struct kube_client *kc, kube_version_fn done, void *ud)
{
	struct identity_op *op = xcalloc(1, sizeof(*op));
	op->version_done = done;
	op->ud = ud;
	struct kube_call *call = kube_call_new(kc, op, free);
	struct kube_send s;
	memset(&s, 0, sizeof(s));
	s.path = "/version";
	kube_call_send(call, &s, version_on_response, call);
	return call;
}
