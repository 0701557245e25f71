/* The sandbox's TLS material: an EC P-256 CA, a server certificate and client
 * certificates, made fresh at each start with OpenSSL 3 EVP APIs and handed out as PEM;
 * and the check that turns a presented client certificate into a Kubernetes identity. */
#include "sandbox/certs.h"

#include "core/xalloc.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

/* What one certificate says about its subject and what it may be used for. */
struct cert_spec {
	const char *cn;
	const char *orgs[2];     /* subject O values, NULL-terminated early if fewer */
	int is_ca;
	const char *ext_usage;   /* "serverAuth" or "clientAuth"; NULL for the CA */
	const char *san;         /* subjectAltName, or NULL */
};

static void certs_set_error(char *err, size_t errlen, const char *what)
{
	unsigned long code = ERR_get_error();
	char detail[256] = "";
	if (code)
		ERR_error_string_n(code, detail, sizeof detail);
	ERR_clear_error();
	snprintf(err, errlen, "certs: %s%s%s", what, code ? ": " : "", detail);
}

static char *certs_bio_take(BIO *bio)
{
	char *data = NULL;
	long n = BIO_get_mem_data(bio, &data);
	char *out = xstrndup(n > 0 ? data : "", n > 0 ? (size_t)n : 0);
	BIO_free(bio);
	return out;
}

/* PEM of a private key as PKCS#8 ("BEGIN PRIVATE KEY"): GnuTLS, behind libmicrohttpd,
 * reads that form for EC keys, and so do curl and kubectl. */
static char *certs_key_pem(EVP_PKEY *key)
{
	BIO *bio = BIO_new(BIO_s_mem());
	if (!bio || !PEM_write_bio_PKCS8PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)) {
		BIO_free(bio);
		return NULL;
	}
	return certs_bio_take(bio);
}

static char *certs_cert_pem(X509 *cert)
{
	BIO *bio = BIO_new(BIO_s_mem());
	if (!bio || !PEM_write_bio_X509(bio, cert)) {
		BIO_free(bio);
		return NULL;
	}
	return certs_bio_take(bio);
}

static int certs_add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return -1;
	int ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

static int certs_set_subject(X509 *cert, const struct cert_spec *spec)
{
	X509_NAME *name = X509_get_subject_name(cert);
	for (size_t i = 0; i < 2 && spec->orgs[i]; i++)
		if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
						(const unsigned char *)spec->orgs[i], -1, -1, 0))
			return -1;
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
					(const unsigned char *)spec->cn, -1, -1, 0))
		return -1;
	return 0;
}

/* A random positive 63-bit serial: clients reject two certificates from one issuer
 * with the same serial, and every start makes a new CA anyway. */
static int certs_set_serial(X509 *cert)
{
	unsigned char bytes[8];
	if (RAND_bytes(bytes, sizeof bytes) != 1)
		return -1;
	bytes[0] &= 0x7f;
	BIGNUM *bn = BN_bin2bn(bytes, sizeof bytes, NULL);
	if (!bn)
		return -1;
	int ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != NULL;
	BN_free(bn);
	return ok ? 0 : -1;
}

static int certs_add_extensions(X509 *cert, X509 *issuer, const struct cert_spec *spec)
{
	X509 *signer = issuer ? issuer : cert;
	if (spec->is_ca) {
		return certs_add_ext(cert, signer, NID_basic_constraints, "critical,CA:TRUE") ||
		       certs_add_ext(cert, signer, NID_key_usage,
				     "critical,digitalSignature,keyCertSign,cRLSign") ||
		       certs_add_ext(cert, signer, NID_subject_key_identifier, "hash") ? -1 : 0;
	}
	if (certs_add_ext(cert, signer, NID_basic_constraints, "critical,CA:FALSE") ||
	    certs_add_ext(cert, signer, NID_key_usage, "critical,digitalSignature") ||
	    certs_add_ext(cert, signer, NID_ext_key_usage, spec->ext_usage) ||
	    certs_add_ext(cert, signer, NID_authority_key_identifier, "keyid:always"))
		return -1;
	if (spec->san && certs_add_ext(cert, signer, NID_subject_alt_name, spec->san))
		return -1;
	return 0;
}

/* Makes a certificate for key as spec says, signed by issuer_key (self-signed when
 * issuer is NULL). Valid from an hour ago, to tolerate clock skew, for a year. */
static X509 *certs_make(EVP_PKEY *key, const struct cert_spec *spec, X509 *issuer,
			EVP_PKEY *issuer_key)
{
	X509 *cert = X509_new();
	if (!cert)
		return NULL;
	int ok = X509_set_version(cert, 2) && certs_set_serial(cert) == 0 &&
		 X509_gmtime_adj(X509_getm_notBefore(cert), -3600) &&
		 X509_gmtime_adj(X509_getm_notAfter(cert), 365L * 24 * 3600) &&
		 X509_set_pubkey(cert, key) && certs_set_subject(cert, spec) == 0 &&
		 X509_set_issuer_name(cert, X509_get_subject_name(issuer ? issuer : cert)) &&
		 certs_add_extensions(cert, issuer, spec) == 0 &&
		 X509_sign(cert, issuer_key ? issuer_key : key, EVP_sha256()) > 0;
	if (!ok) {
		X509_free(cert);
		return NULL;
	}
	return cert;
}

/* Makes a fresh key and a certificate signed by the CA; fills the two PEM strings. */
static int certs_issue(const struct cert_spec *spec, X509 *ca, EVP_PKEY *ca_key,
		       char **cert_pem, char **key_pem)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	if (!key)
		return -1;
	X509 *cert = certs_make(key, spec, ca, ca_key);
	if (cert) {
		*cert_pem = certs_cert_pem(cert);
		*key_pem = certs_key_pem(key);
	}
	X509_free(cert);
	EVP_PKEY_free(key);
	return *cert_pem && *key_pem ? 0 : -1;
}

static const struct cert_spec certs_ca_spec = {
	"opsdeck-sandbox-ca", {"opsdeck", NULL}, 1, NULL, NULL};
static const struct cert_spec certs_server_spec = {
	"opsdeck-sandbox", {NULL, NULL}, 0, "serverAuth", "IP:127.0.0.1,DNS:localhost"};
static const struct cert_spec certs_admin_spec = {
	"sandbox-admin", {"system:masters", NULL}, 0, "clientAuth", NULL};
static const struct cert_spec certs_viewer_spec = {
	"sandbox-viewer", {"sandbox:viewers", NULL}, 0, "clientAuth", NULL};

int certs_generate(struct certs *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	EVP_PKEY *ca_key = EVP_EC_gen("P-256");
	X509 *ca = ca_key ? certs_make(ca_key, &certs_ca_spec, NULL, NULL) : NULL;
	const char *failed = NULL;
	if (!ca)
		failed = "cannot make the CA";
	else if (!(out->ca_pem = certs_cert_pem(ca)))
		failed = "cannot encode the CA";
	else if (certs_issue(&certs_server_spec, ca, ca_key, &out->server_cert_pem,
			     &out->server_key_pem))
		failed = "cannot make the server certificate";
	else if (certs_issue(&certs_admin_spec, ca, ca_key, &out->admin_cert_pem,
			     &out->admin_key_pem))
		failed = "cannot make the admin client certificate";
	else if (certs_issue(&certs_viewer_spec, ca, ca_key, &out->viewer_cert_pem,
			     &out->viewer_key_pem))
		failed = "cannot make the viewer client certificate";
	X509_free(ca);
	EVP_PKEY_free(ca_key);
	if (failed) {
		certs_set_error(err, errlen, failed);
		certs_free(out);
		return -1;
	}
	return 0;
}

void certs_free(struct certs *c)
{
	if (!c)
		return;
	free(c->ca_pem);
	free(c->server_cert_pem);
	free(c->server_key_pem);
	free(c->admin_cert_pem);
	free(c->admin_key_pem);
	free(c->viewer_cert_pem);
	free(c->viewer_key_pem);
	memset(c, 0, sizeof *c);
}

static X509 *certs_parse_pem(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *cert = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	return cert;
}

/* True when cert chains to ca and may be used as a TLS client certificate. */
static int certs_verify_client(X509 *ca, X509 *cert)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ok = store && ctx && X509_STORE_add_cert(store, ca) &&
		 X509_STORE_CTX_init(ctx, store, cert, NULL) &&
		 X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT) &&
		 X509_verify_cert(ctx) == 1;
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return ok;
}

/* Appends the name's entries of type nid to out, joined by ','. Fails rather than
 * truncate: a cut group name could read as another group. */
static int certs_join_entries(X509_NAME *name, int nid, char *out, size_t outlen)
{
	size_t used = 0;
	if (outlen == 0)
		return -1;
	out[0] = '\0';
	for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
	     i = X509_NAME_get_index_by_NID(name, nid, i)) {
		ASN1_STRING *data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
		unsigned char *utf8 = NULL;
		int n = ASN1_STRING_to_UTF8(&utf8, data);
		if (n < 0)
			return -1;
		size_t need = (size_t)n + (used ? 1 : 0);
		int fits = used + need < outlen && memchr(utf8, '\0', (size_t)n) == NULL;
		if (fits) {
			if (used)
				out[used++] = ',';
			memcpy(out + used, utf8, (size_t)n);
			used += (size_t)n;
			out[used] = '\0';
		}
		OPENSSL_free(utf8);
		if (!fits)
			return -1;
	}
	return 0;
}

int certs_client_identity(const struct certs *c, const unsigned char *der, size_t len,
			  char *user, size_t user_len, char *groups, size_t groups_len)
{
	if (!c || !c->ca_pem || !der || len == 0 || len > 65536)
		return -1;
	const unsigned char *p = der;
	X509 *cert = d2i_X509(NULL, &p, (long)len);
	X509 *ca = certs_parse_pem(c->ca_pem);
	int rc = -1;
	if (cert && ca && p == der + len && certs_verify_client(ca, cert)) {
		X509_NAME *subject = X509_get_subject_name(cert);
		if (certs_join_entries(subject, NID_commonName, user, user_len) == 0 &&
		    certs_join_entries(subject, NID_organizationName, groups, groups_len) == 0)
			rc = 0;
	}
	X509_free(cert);
	X509_free(ca);
	ERR_clear_error();
	return rc;
}
