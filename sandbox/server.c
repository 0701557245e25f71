/* The HTTPS server: libmicrohttpd with one thread per connection (watch and log streams
 * block), TLS from the sandbox certificates with client certificates requested, the
 * caller's identity from token or certificate, and one request-log line per request. */
#include "sandbox/server.h"

#include "core/xalloc.h"
#include "sandbox/api.h"
#include "sandbox/apireq.h"
#include "sandbox/argocd.h"
#include "sandbox/faults.h"
#include "sandbox/metrics.h"
#include "sandbox/scanners_api.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void *server_uri_log(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct apireq *req = xcalloc(1, sizeof *req);
	req->srv = cls;
	req->conn = conn;
	req->raw_uri = xstrdup(uri ? uri : "");
	return req;
}

/* As kube-apiserver's union authenticator: a verified client certificate wins, then a
 * bearer token; neither is anonymous (NULL), which every API path refuses with 401. */
static const struct identity *server_identify(struct server *srv, struct apireq *req)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci && ci->tls_session) {
		unsigned int n = 0;
		const gnutls_datum_t *peers =
			gnutls_certificate_get_peers((gnutls_session_t)ci->tls_session, &n);
		const struct identity *who =
			peers && n ? auth_from_cert(&srv->auth, peers[0].data, peers[0].size) : NULL;
		if (who)
			return who;
	}
	const char *authz = apireq_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
	return authz ? auth_from_header(&srv->auth, authz) : NULL;
}

/* fault: the injected fault's kind, logged as " fault=KIND" after the status sent (0: the
 * connection was closed without a response), or NULL. */
static void server_log_request(struct server *srv, const struct apireq *req, const char *fault)
{
	if (!srv->log)
		return;
	char when[32];
	objstore_format_time(time(NULL), when, sizeof when);
	pthread_mutex_lock(&srv->log_lock);
	fprintf(srv->log, "%s %s %s %s %u%s%s\n", when, req->who ? req->who->user : "-",
		req->method ? req->method : "-", req->raw_uri, req->status,
		fault ? " fault=" : "", fault ? fault : "");
	fflush(srv->log);
	pthread_mutex_unlock(&srv->log_lock);
}

/* slow: waits seconds, in steps so that a stopping sandbox is not held up */
static void server_fault_sleep(struct server *srv, long seconds)
{
	for (long i = 0; i < seconds * 10; i++) {
		pthread_mutex_lock(&srv->store.lock);
		bool stopping = srv->store.stopping;
		pthread_mutex_unlock(&srv->store.lock);
		if (stopping)
			return;
		nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
	}
}

/* The faults answered instead of the handler, as kube-apiserver words them. */
static bool server_fault_reply(struct apireq *req, struct fault_hit hit)
{
	switch (hit.kind) {
	case FAULT_429:
		apireq_reply_status(req, 429, "TooManyRequests",
				    "the server has received too many requests and has asked us "
				    "to try again later",
				    json_pack("{s:I}", "retryAfterSeconds", (json_int_t)hit.arg));
		return true;
	case FAULT_500:
		apireq_reply_status(req, 500, "InternalError",
				    "an error on the server (\"injected fault\") has prevented "
				    "the request from succeeding", NULL);
		return true;
	case FAULT_503:
		apireq_reply_status(req, 503, "ServiceUnavailable",
				    "the server is currently unable to handle the request", NULL);
		return true;
	case FAULT_EXPIRED:
		apireq_reply_status(req, 401, "Unauthorized", "Unauthorized", NULL);
		return true;
	default:
		return false;
	}
}

/* truncate and garbage spoil a JSON reply (not a stream): decided only once the handler
 * made one, so a rule is not spent on a watch. Returns the fault's name, or NULL. */
static const char *server_fault_body(struct server *srv, struct apireq *req)
{
	if (!req->deferred)
		return NULL;
	struct fault_hit hit = faults_decide(srv->faults, FAULT_PHASE_BODY, req->raw_uri,
					     faults_now_ms());
	if (!hit.fired)
		return NULL;
	char *text = json_dumps(req->deferred, JSON_COMPACT);
	size_t len = text ? strlen(text) : 0;
	if (hit.kind == FAULT_TRUNCATE) {
		apireq_reply_bytes(req, req->status, "application/json", text ? text : "", len / 2);
	} else {
		static const char garbage[] = "{\"kind\":\"Status\",\"items\":[{]}\x01 not json";
		apireq_reply_bytes(req, req->status, "application/json", garbage,
				   sizeof garbage - 1);
	}
	free(text);
	return fault_kind_name(hit.kind);
}

static void server_dispatch(struct server *srv, struct apireq *req, const char *url)
{
	/* /argocd is the Argo CD API, with its own tokens */
	bool argocd = !strncmp(url, "/argocd", 7) && (url[7] == '/' || url[7] == '\0');
	/* /metrics needs no credentials, like a service's own metrics port */
	bool metrics = !strcmp(url, "/metrics");
	/* /sonarqube, /defectdojo, /harbor check their own credentials */
	bool scanners = sbx_scanners_owns(url);
	if (!argocd && !metrics && !scanners)
		req->who = server_identify(srv, req);
	pthread_mutex_lock(&srv->store.lock);
	if (argocd)
		sbx_argocd_handle(req);
	else if (metrics)
		sbx_metrics_handle(req);
	else if (scanners)
		sbx_scanners_handle(req);
	else
		api_handle(req);
	pthread_mutex_unlock(&srv->store.lock);
}

static enum MHD_Result server_access(void *cls, struct MHD_Connection *conn, const char *url,
				     const char *method, const char *version,
				     const char *upload_data, size_t *upload_data_size,
				     void **con_cls)
{
	struct server *srv = cls;
	struct apireq *req = *con_cls;
	(void)version;
	if (!req) /* no URI-log callback ran: cannot happen, but never crash on it */
		*con_cls = req = server_uri_log(srv, url, conn);
	if (!req->started) {
		/* the first call only announces the headers; the body (if any) follows */
		req->started = true;
		return MHD_YES;
	}
	if (*upload_data_size) {
		strbuf_append(&req->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->resp) /* already answered: MHD calls again after queueing */
		return MHD_YES;
	req->method = method;
	req->path = url;
	struct fault_hit hit = faults_decide(srv->faults, FAULT_PHASE_REQUEST, req->raw_uri,
					     faults_now_ms());
	const char *fault = hit.fired ? fault_kind_name(hit.kind) : NULL;
	if (hit.fired && hit.kind == FAULT_DOWN) {
		/* the server is away: no response, the connection just closes */
		server_log_request(srv, req, fault);
		return MHD_NO;
	}
	if (hit.fired && hit.kind == FAULT_SLOW)
		server_fault_sleep(srv, hit.arg);
	if (!hit.fired || !server_fault_reply(req, hit)) {
		server_dispatch(srv, req, url);
		const char *body = server_fault_body(srv, req);
		fault = body ? body : fault;
	}
	apireq_finish(req);
	if (!req->resp) {
		apireq_reply_status(req, 500, "InternalError", "no response", NULL);
		apireq_finish(req);
	}
	if (hit.fired && hit.kind == FAULT_429) {
		char secs[24];
		snprintf(secs, sizeof secs, "%ld", hit.arg);
		MHD_add_response_header(req->resp, "Retry-After", secs);
	}
	server_log_request(srv, req, fault);
	return MHD_queue_response(conn, req->status, req->resp);
}

static void server_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			     enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	struct apireq *req = *con_cls;
	if (!req)
		return;
	if (req->resp)
		MHD_destroy_response(req->resp);
	json_decref(req->deferred);
	strbuf_free(&req->body);
	free(req->raw_uri);
	free(req);
	*con_cls = NULL;
}

static void server_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	(void)fmt;
	(void)ap;
	/* TLS handshakes that clients abandon are routine; stay quiet */
}

int server_start(struct server *srv, unsigned port, char *err, size_t errlen)
{
	struct sockaddr_in addr;
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	pthread_mutex_init(&srv->log_lock, NULL);
	srv->mhd = MHD_start_daemon(
		/* poll(), not select(): a console with many watches may pass fd 1024 */
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
			MHD_USE_TLS | MHD_USE_ERROR_LOG,
		(uint16_t)port, NULL, NULL, server_access, srv,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_HTTPS_MEM_KEY, srv->certs.server_key_pem,
		MHD_OPTION_HTTPS_MEM_CERT, srv->certs.server_cert_pem,
		MHD_OPTION_HTTPS_MEM_TRUST, srv->certs.ca_pem,
		MHD_OPTION_URI_LOG_CALLBACK, server_uri_log, srv,
		MHD_OPTION_NOTIFY_COMPLETED, server_completed, srv,
		MHD_OPTION_EXTERNAL_LOGGER, server_mhd_log, srv,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)0,
		MHD_OPTION_END);
	if (!srv->mhd) {
		snprintf(err, errlen, "cannot listen on 127.0.0.1:%u", port);
		return -1;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : port;
	snprintf(srv->base_url, sizeof srv->base_url, "https://127.0.0.1:%u", srv->port);
	return 0;
}

void server_stop(struct server *srv)
{
	pthread_mutex_lock(&srv->store.lock);
	srv->store.stopping = true;
	pthread_cond_broadcast(&srv->store.changed);
	pthread_mutex_unlock(&srv->store.lock);
	if (srv->mhd)
		MHD_stop_daemon(srv->mhd);
	srv->mhd = NULL;
	pthread_mutex_destroy(&srv->log_lock);
}
