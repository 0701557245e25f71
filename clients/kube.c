/* The Kubernetes client's core (see kube.h): the client, its credentials (token, token
 * file, basic, client certificate, exec plugin run on a worker), authenticated requests,
 * calls, and error messages. */
#include "clients/kube.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "clients/kube_discovery.h"
#include "clients/kube_internal.h"
#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#ifndef OPSDECK_VERSION
#define OPSDECK_VERSION "dev"
#endif

struct kube_req {
	struct kube_client *kc;
	char *method, *path, *accept, *body, *content_type;
	long timeout_ms;
	http_data_fn on_data;
	http_head_fn on_head;
	void *stream_ud;
	kube_sent_fn done;
	void *ud;
	struct http_request *http_req;
	long long timer;            /* deferred failure */
	char *err;
	bool retried;               /* already re-sent once after a 401 */
	bool waiting_cred;
	struct kube_req *next;      /* in kc->reqs */
};

/* An exec plugin run on a worker; survives the client (kc NULL once it is freed). */
struct kube_cred_job {
	struct kube_client *kc;
	struct kube_context *ctx;
	struct kube_exec_credential cred;
	int rc;
	char err[1024];
};

struct kube_client {
	struct loop *loop;
	struct http *http;
	struct jobs *jobs;
	struct kube_context *ctx;   /* our own deep copy */
	char *server;               /* without trailing '/' */
	bool https;

	char *token_file_data;      /* tokenFile contents, re-read when the file changes */
	struct timespec token_file_mtime;
	off_t token_file_size;

	struct kube_exec_credential cred;
	bool cred_valid;
	struct kube_cred_job *cred_job;   /* running, or NULL */

	struct kube_discovery *disc;
	struct kube_req *reqs;
	struct kube_call *calls;
};

/* ---- the context copy ------------------------------------------------------------ */

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static struct kube_exec_config *exec_copy(const struct kube_exec_config *e)
{
	struct kube_exec_config *c = xcalloc(1, sizeof(*c));
	c->api_version = dup_or_null(e->api_version);
	c->command = dup_or_null(e->command);
	size_t n = 0;
	while (e->args && e->args[n])
		n++;
	c->args = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		c->args[i] = xstrdup(e->args[i]);
	c->nenv = e->nenv;
	c->env = xcalloc(e->nenv ? e->nenv : 1, sizeof(*c->env));
	for (size_t i = 0; i < e->nenv; i++) {
		c->env[i].name = dup_or_null(e->env[i].name);
		c->env[i].value = dup_or_null(e->env[i].value);
	}
	c->provide_cluster_info = e->provide_cluster_info;
	c->interactive_mode = dup_or_null(e->interactive_mode);
	return c;
}

static void exec_free(struct kube_exec_config *c)
{
	if (!c)
		return;
	free(c->api_version);
	free(c->command);
	for (size_t i = 0; c->args && c->args[i]; i++)
		free(c->args[i]);
	free(c->args);
	for (size_t i = 0; i < c->nenv; i++) {
		free(c->env[i].name);
		free(c->env[i].value);
	}
	free(c->env);
	free(c->interactive_mode);
	free(c);
}

static struct kube_context *context_copy(const struct kube_context *s)
{
	struct kube_context *c = xcalloc(1, sizeof(*c));
	c->name = dup_or_null(s->name);
	c->cluster_name = dup_or_null(s->cluster_name);
	c->user_name = dup_or_null(s->user_name);
	c->namespace = dup_or_null(s->namespace);
	c->server = dup_or_null(s->server);
	c->ca_file = dup_or_null(s->ca_file);
	c->ca_data = dup_or_null(s->ca_data);
	c->insecure_skip_tls_verify = s->insecure_skip_tls_verify;
	c->tls_server_name = dup_or_null(s->tls_server_name);
	c->proxy_url = dup_or_null(s->proxy_url);
	c->token = dup_or_null(s->token);
	c->token_file = dup_or_null(s->token_file);
	c->username = dup_or_null(s->username);
	c->password = dup_or_null(s->password);
	c->client_cert_file = dup_or_null(s->client_cert_file);
	c->client_cert_data = dup_or_null(s->client_cert_data);
	c->client_key_file = dup_or_null(s->client_key_file);
	c->client_key_data = dup_or_null(s->client_key_data);
	c->exec = s->exec ? exec_copy(s->exec) : NULL;
	return c;
}

static void context_free(struct kube_context *c)
{
	if (!c)
		return;
	char *fields[] = {c->name, c->cluster_name, c->user_name, c->namespace, c->server,
			  c->ca_file, c->ca_data, c->tls_server_name, c->proxy_url,
			  c->token_file, c->username, c->client_cert_file,
			  c->client_cert_data, c->client_key_file};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		free(fields[i]);
	/* Secrets: wipe before freeing. */
	char *secrets[] = {c->token, c->password, c->client_key_data};
	for (size_t i = 0; i < 3; i++) {
		if (secrets[i])
			memset(secrets[i], 0, strlen(secrets[i]));
		free(secrets[i]);
	}
	exec_free(c->exec);
	free(c);
}

/* ---- the client ------------------------------------------------------------------ */

struct kube_client *kube_client_new(struct loop *loop, struct http *http, struct jobs *jobs,
				    const struct kube_context *ctx)
{
	struct kube_client *kc = xcalloc(1, sizeof(*kc));
	kc->loop = loop;
	kc->http = http;
	kc->jobs = jobs;
	kc->ctx = context_copy(ctx);
	kc->server = xstrdup(ctx->server ? ctx->server : "");
	size_t n = strlen(kc->server);
	while (n > 0 && kc->server[n - 1] == '/')
		kc->server[--n] = '\0';
	kc->https = strncmp(kc->server, "https://", 8) == 0;
	return kc;
}

const char *kube_client_context_name(const struct kube_client *kc)
{
	return kc->ctx->name ? kc->ctx->name : "";
}

const char *kube_client_server(const struct kube_client *kc)
{
	return kc->server;
}

const char *kube_client_default_namespace(const struct kube_client *kc)
{
	return kc->ctx->namespace && *kc->ctx->namespace ? kc->ctx->namespace : "default";
}

const struct kube_discovery *kube_client_discovery(const struct kube_client *kc)
{
	return kc->disc;
}

struct loop *kube_client_loop(const struct kube_client *kc)
{
	return kc->loop;
}

struct http *kube_client_http(const struct kube_client *kc)
{
	return kc->http;
}

void kube_client_set_discovery(struct kube_client *kc, struct kube_discovery *disc)
{
	if (kc->disc != disc)
		kube_discovery_free(kc->disc);
	kc->disc = disc;
}

void kube_client_free(struct kube_client *kc)
{
	if (!kc)
		return;
	while (kc->calls)
		kube_call_end(kc->calls);
	while (kc->reqs)
		kube_req_cancel(kc->reqs);
	if (kc->cred_job)
		kc->cred_job->kc = NULL;   /* its completion frees it */
	kube_exec_credential_clear(&kc->cred);
	kube_client_set_discovery(kc, NULL);
	context_free(kc->ctx);
	if (kc->token_file_data)
		memset(kc->token_file_data, 0, strlen(kc->token_file_data));
	free(kc->token_file_data);
	free(kc->server);
	free(kc);
}

/* ---- credentials ----------------------------------------------------------------- */

/* tokenFile is re-read whenever its size or modification time changes, so a rotated
 * projected token is picked up without re-reading on every request. */
static const char *token_file_current(struct kube_client *kc)
{
	struct stat st;
	if (stat(kc->ctx->token_file, &st) != 0)
		return kc->token_file_data;
	if (kc->token_file_data && st.st_mtim.tv_sec == kc->token_file_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == kc->token_file_mtime.tv_nsec && st.st_size == kc->token_file_size)
		return kc->token_file_data;
	FILE *f = fopen(kc->ctx->token_file, "r");
	if (!f)
		return kc->token_file_data;
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_append(&sb, buf, n);
	fclose(f);
	while (sb.len > 0 && (sb.buf[sb.len - 1] == '\n' || sb.buf[sb.len - 1] == '\r' ||
			      sb.buf[sb.len - 1] == ' '))
		sb.buf[--sb.len] = '\0';
	free(kc->token_file_data);
	kc->token_file_data = strbuf_detach(&sb);
	kc->token_file_mtime = st.st_mtim;
	kc->token_file_size = st.st_size;
	return kc->token_file_data;
}

static bool cred_fresh(const struct kube_client *kc)
{
	/* A few seconds early, so a request does not arrive with a token about to die. */
	return kc->cred_valid && (kc->cred.expires == 0 || time(NULL) + 5 < kc->cred.expires);
}

static void req_dispatch(struct kube_req *r);
static void req_fail_later(struct kube_req *r, const char *err);

static void cred_job_work(void *ud)
{
	struct kube_cred_job *job = ud;
	job->rc = kube_exec_credential_run(job->ctx, false, &job->cred, job->err,
					   sizeof(job->err));
}

static void cred_job_done(void *ud)
{
	struct kube_cred_job *job = ud;
	struct kube_client *kc = job->kc;
	if (kc) {
		kc->cred_job = NULL;
		if (job->rc == 0) {
			kube_exec_credential_clear(&kc->cred);
			kc->cred = job->cred;
			memset(&job->cred, 0, sizeof(job->cred));
			kc->cred_valid = true;
		}
		char *msg = job->rc == 0 ? NULL
				: xasprintf("getting credentials: exec plugin %s: %s",
					    job->ctx->exec->command ? job->ctx->exec->command : "",
					    job->err[0] ? job->err : "failed");
		/* Wake every request that waited for these credentials. */
		for (struct kube_req *r = kc->reqs; r; r = r->next) {
			if (!r->waiting_cred)
				continue;
			r->waiting_cred = false;
			if (msg)
				req_fail_later(r, msg);
			else
				req_dispatch(r);
		}
		free(msg);
	}
	kube_exec_credential_clear(&job->cred);
	context_free(job->ctx);
	free(job);
}

static void cred_refresh(struct kube_client *kc)
{
	if (kc->cred_job)
		return;
	struct kube_cred_job *job = xcalloc(1, sizeof(*job));
	job->kc = kc;
	job->ctx = context_copy(kc->ctx);
	kc->cred_job = job;
	jobs_submit(kc->jobs, cred_job_work, cred_job_done, job);
}

/* ---- requests -------------------------------------------------------------------- */

static void req_unlink(struct kube_req *r)
{
	struct kube_req **pp = &r->kc->reqs;
	while (*pp && *pp != r)
		pp = &(*pp)->next;
	if (*pp)
		*pp = r->next;
}

static void req_free(struct kube_req *r)
{
	free(r->method);
	free(r->path);
	free(r->accept);
	free(r->body);
	free(r->content_type);
	free(r->err);
	free(r);
}

void kube_req_cancel(struct kube_req *r)
{
	if (r->http_req)
		http_cancel(r->http_req);
	if (r->timer)
		loop_timer_cancel(r->kc->loop, r->timer);
	req_unlink(r);
	req_free(r);
}

static void req_fail_fired(struct loop *loop, long long id, void *ud)
{
	struct kube_req *r = ud;
	(void)loop;
	(void)id;
	r->timer = 0;
	req_unlink(r);
	r->done(r->ud, NULL, r->err);
	req_free(r);
}

static void req_fail_later(struct kube_req *r, const char *err)
{
	free(r->err);
	r->err = xstrdup(err);
	r->timer = loop_timer_add(r->kc->loop, 0, false, req_fail_fired, r);
}

static void req_http_done(void *ud, const struct http_response *resp)
{
	struct kube_req *r = ud;
	struct kube_client *kc = r->kc;
	r->http_req = NULL;
	/* Exec credentials may have been revoked or rotated early: one fresh try. */
	if (resp->status == 401 && kc->ctx->exec && kc->jobs && !r->retried) {
		r->retried = true;
		kc->cred_valid = false;
		r->waiting_cred = true;
		cred_refresh(kc);
		return;
	}
	req_unlink(r);
	r->done(r->ud, resp, NULL);
	req_free(r);
}

/* http has one ud per request (ours); the stream's callbacks want theirs. */
static void req_on_data(void *ud, const char *data, size_t len)
{
	struct kube_req *r = ud;
	r->on_data(r->stream_ud, data, len);
}

static void req_on_head(void *ud, long status)
{
	struct kube_req *r = ud;
	r->on_head(r->stream_ud, status);
}

static void req_set_auth(struct kube_req *r, struct http_request_opts *o)
{
	struct kube_client *kc = r->kc;
	const struct kube_context *c = kc->ctx;
	o->tls.cert_file = c->client_cert_file;
	o->tls.cert_data = c->client_cert_data;
	o->tls.key_file = c->client_key_file;
	o->tls.key_data = c->client_key_data;
	if (!kc->https)
		return;   /* credentials travel over TLS only */
	if (kc->cred_valid && c->exec) {
		o->bearer_token = kc->cred.token;
		if (kc->cred.client_cert_data && kc->cred.client_key_data) {
			o->tls.cert_data = kc->cred.client_cert_data;
			o->tls.key_data = kc->cred.client_key_data;
		}
	} else if (c->token && *c->token) {
		o->bearer_token = c->token;
	} else if (c->token_file) {
		o->bearer_token = token_file_current(kc);
	} else if (c->username) {
		o->username = c->username;
		o->password = c->password;
	}
}

static void req_dispatch(struct kube_req *r)
{
	struct kube_client *kc = r->kc;
	char *url = xasprintf("%s%s", kc->server, r->path);
	char *accept = xasprintf("Accept: %s", r->accept ? r->accept : "application/json");
	char *ctype = r->body ? xasprintf("Content-Type: %s", r->content_type ? r->content_type
								     : "application/json")
			      : NULL;
	const char *headers[] = {accept, "User-Agent: opsdeck/" OPSDECK_VERSION, ctype, NULL};
	struct http_request_opts o;
	memset(&o, 0, sizeof(o));
	o.method = r->method;
	o.url = url;
	o.headers = headers;
	o.body = r->body;
	o.body_len = r->body ? strlen(r->body) : 0;
	o.tls.ca_file = kc->ctx->ca_file;
	o.tls.ca_data = kc->ctx->ca_data;
	o.tls.insecure = kc->ctx->insecure_skip_tls_verify;
	o.tls.server_name = kc->ctx->tls_server_name;
	o.proxy_url = kc->ctx->proxy_url;
	o.timeout_ms = r->timeout_ms;
	o.on_data = r->on_data ? req_on_data : NULL;
	o.on_head = r->on_head ? req_on_head : NULL;
	o.on_done = req_http_done;
	o.ud = r;
	req_set_auth(r, &o);
	char err[512];
	r->http_req = http_start(kc->http, &o, err, sizeof(err));
	if (!r->http_req)
		req_fail_later(r, err);
	free(url);
	free(accept);
	free(ctype);
}

static void req_start(struct kube_req *r)
{
	struct kube_client *kc = r->kc;
	if (!*kc->server) {
		char *msg = xasprintf("context \"%s\" has no server", kube_client_context_name(kc));
		req_fail_later(r, msg);
		free(msg);
		return;
	}
	if (kc->ctx->exec && kc->https && !cred_fresh(kc)) {
		if (!kc->jobs) {
			req_fail_later(r, "getting credentials: no worker threads for exec plugin");
			return;
		}
		r->waiting_cred = true;
		cred_refresh(kc);
		return;
	}
	req_dispatch(r);
}

struct kube_req *kube_send(struct kube_client *kc, const struct kube_send *s, kube_sent_fn done,
			   void *ud)
{
	struct kube_req *r = xcalloc(1, sizeof(*r));
	r->kc = kc;
	r->method = dup_or_null(s->method);
	r->path = xstrdup(s->path);
	r->accept = dup_or_null(s->accept);
	r->body = dup_or_null(s->body);
	r->content_type = dup_or_null(s->content_type);
	r->timeout_ms = s->timeout_ms == 0 ? 60000 : s->timeout_ms < 0 ? 0 : s->timeout_ms;
	r->on_data = s->on_data;
	r->on_head = s->on_head;
	r->stream_ud = s->stream_ud;
	r->done = done;
	r->ud = ud;
	r->next = kc->reqs;
	kc->reqs = r;
	req_start(r);
	return r;
}

/* ---- errors ---------------------------------------------------------------------- */

/* What kubectl says when a failed response carries no Status message. */
static const char *status_default_message(long code)
{
	switch (code) {
	case 400: return "the server rejected our request for an unknown reason";
	case 401: return "the server has asked for the client to provide credentials";
	case 403: return "the server does not allow access to the requested resource";
	case 404: return "the server could not find the requested resource";
	case 405: return "the server does not allow this method on the requested resource";
	case 409: return "the server reported a conflict";
	case 410: return "the server has asked for the client to restart the list";
	case 429: return "the server has received too many requests and has asked us to try "
			 "again later";
	case 500: return "an error on the server has prevented the request from succeeding";
	case 503: return "the server is currently unable to handle the request";
	case 504: return "the server was unable to return a response in the time allotted";
	default: return NULL;
	}
}

char *kube_response_error(const struct kube_client *kc, const struct http_response *resp)
{
	if (resp->status == 0 || resp->error) {
		if (resp->status >= 200 && resp->status < 300 && resp->error)
			return xasprintf("stream from %s broke: %s", kc->server, resp->error);
		/* os_errno gives "Connection refused" where curl says "Couldn't connect". */
		if (resp->status == 0)
			return xasprintf("cannot reach %s: %s", kc->server,
					 resp->os_errno ? strerror(resp->os_errno)
							: resp->error ? resp->error : "no response");
	}
	if (resp->status >= 200 && resp->status < 300)
		return NULL;
	json_t *doc = json_loadb(resp->body, resp->body_len, 0, NULL);
	const char *kind = json_string_value(json_object_get(doc, "kind"));
	const char *msg = json_string_value(json_object_get(doc, "message"));
	char *out;
	if (kind && !strcmp(kind, "Status") && msg && *msg)
		out = sanitize_cstr(msg, 0);
	else if (status_default_message(resp->status))
		out = xstrdup(status_default_message(resp->status));
	else
		out = xasprintf("the server responded with status %ld", resp->status);
	json_decref(doc);
	return out;
}

/* ---- calls ----------------------------------------------------------------------- */

struct kube_call *kube_call_new(struct kube_client *kc, void *op, void (*op_free)(void *))
{
	struct kube_call *call = xcalloc(1, sizeof(*call));
	call->kc = kc;
	call->op = op;
	call->op_free = op_free;
	call->next = kc->calls;
	kc->calls = call;
	return call;
}

void kube_call_forget(struct kube_call *call, const struct kube_req *req)
{
	for (size_t i = 0; i < call->nreqs; i++)
		if (call->reqs[i] == req) {
			call->reqs[i] = call->reqs[--call->nreqs];
			return;
		}
}

struct call_send {
	struct kube_call *call;
	struct kube_req *req;
	kube_sent_fn done;
	void *ud;
};

static void call_sent(void *ud, const struct http_response *resp, const char *err)
{
	struct call_send *cs = ud;
	kube_call_forget(cs->call, cs->req);
	cs->done(cs->ud, resp, err);
	free(cs);
}

void kube_call_send(struct kube_call *call, const struct kube_send *s, kube_sent_fn done,
		    void *ud)
{
	struct call_send *cs = xcalloc(1, sizeof(*cs));
	cs->call = call;
	cs->done = done;
	cs->ud = ud;
	call->reqs = xgrow(call->reqs, &call->reqs_cap, call->nreqs + 1, sizeof(*call->reqs));
	/* kube_send never calls back synchronously, so cs->req is set before call_sent. */
	cs->req = kube_send(call->kc, s, call_sent, cs);
	call->reqs[call->nreqs++] = cs->req;
}

static void call_defer_fired(struct loop *loop, long long id, void *ud)
{
	struct kube_call *call = ud;
	(void)loop;
	(void)id;
	call->timer = 0;
	call->deferred(call);
}

void kube_call_defer(struct kube_call *call, void (*fn)(struct kube_call *call))
{
	if (call->timer)
		loop_timer_cancel(call->kc->loop, call->timer);
	call->deferred = fn;
	call->timer = loop_timer_add(call->kc->loop, 0, false, call_defer_fired, call);
}

void kube_call_end(struct kube_call *call)
{
	struct kube_client *kc = call->kc;
	while (call->nreqs > 0) {
		struct kube_req *r = call->reqs[--call->nreqs];
		free(r->ud);   /* its struct call_send, whose callback will never run */
		kube_req_cancel(r);
	}
	if (call->timer)
		loop_timer_cancel(kc->loop, call->timer);
	struct kube_call **pp = &kc->calls;
	while (*pp && *pp != call)
		pp = &(*pp)->next;
	if (*pp)
		*pp = call->next;
	if (call->step_free)
		call->step_free(call->step);
	if (call->op_free)
		call->op_free(call->op);
	free(call->reqs);
	free(call);
}

void kube_call_cancel(struct kube_call *call)
{
	kube_call_end(call);
}

/* ---- batch helper ---------------------------------------------------------------- */

int kube_run_until(struct loop *loop, const bool *done, long long timeout_ms)
{
	long long end = timeout_ms >= 0 ? loop_now_ms() + timeout_ms : 0;
	while (!*done) {
		long long left = -1;
		if (timeout_ms >= 0) {
			left = end - loop_now_ms();
			if (left <= 0)
				return -1;
		}
		loop_run_once(loop, left > 1000000 ? 1000000 : (int)left);
	}
	return 0;
}
