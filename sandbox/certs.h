/* The sandbox's TLS material, made with OpenSSL at each start: a CA, a server
 * certificate for 127.0.0.1/localhost, and client certificates for its identities. */
#ifndef OPSDECK_SANDBOX_CERTS_H
#define OPSDECK_SANDBOX_CERTS_H

#include <stddef.h>

struct certs {
	char *ca_pem;
	char *server_cert_pem, *server_key_pem;
	char *admin_cert_pem, *admin_key_pem;     /* CN=sandbox-admin, O=system:masters */
	char *viewer_cert_pem, *viewer_key_pem;   /* CN=sandbox-viewer, O=sandbox:viewers */
};

/* Returns 0, or -1 with err set. */
int certs_generate(struct certs *out, char *err, size_t errlen);
void certs_free(struct certs *c);

/* Verifies a client certificate (DER) against the CA; on success returns 0 and fills the
 * Kubernetes identity it carries: user = subject CN, groups = subject O values joined by
 * ','. Returns -1 when it does not verify. */
int certs_client_identity(const struct certs *c, const unsigned char *der, size_t len,
			  char *user, size_t user_len, char *groups, size_t groups_len);

#endif
