/* Unit tests for sandbox/certs: what is generated verifies, GnuTLS loads it, and client
 * certificates map to the right Kubernetes identities while anything else is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sandbox/certs.h"

static X509 *pem_to_x509(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	assert_non_null(cert);
	return cert;
}

/* DER bytes of a PEM certificate; caller frees with OPENSSL_free. */
static unsigned char *pem_to_der(const char *pem, size_t *len)
{
	X509 *cert = pem_to_x509(pem);
	unsigned char *der = NULL;
	int n = i2d_X509(cert, &der);
	X509_free(cert);
	assert_true(n > 0);
	*len = (size_t)n;
	return der;
}

static int setup(void **state)
{
	struct certs *c = calloc(1, sizeof *c);
	char err[256] = "";
	if (!c || certs_generate(c, err, sizeof err) != 0) {
		free(c);
		return -1;
	}
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	certs_free(*state);
	free(*state);
	return 0;
}

static void test_generate_fills_every_pem(void **state)
{
	const struct certs *c = *state;
	const char *certs_pem[] = {c->ca_pem, c->server_cert_pem, c->admin_cert_pem,
				   c->viewer_cert_pem};
	const char *keys_pem[] = {c->server_key_pem, c->admin_key_pem, c->viewer_key_pem};
	for (size_t i = 0; i < 4; i++) {
		assert_non_null(certs_pem[i]);
		assert_non_null(strstr(certs_pem[i], "-----BEGIN CERTIFICATE-----"));
	}
	/* PKCS#8, the form GnuTLS reads for EC keys. */
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(strncmp(keys_pem[i], "-----BEGIN PRIVATE KEY-----", 27), 0);
}

static void test_keys_are_ec_p256(void **state)
{
	const struct certs *c = *state;
	X509 *cert = pem_to_x509(c->server_cert_pem);
	EVP_PKEY *key = X509_get0_pubkey(cert);
	assert_true(EVP_PKEY_is_a(key, "EC"));
	char group[64] = "";
	assert_true(EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, NULL));
	assert_string_equal(group, "prime256v1");
	X509_free(cert);
}

static void test_gnutls_loads_server_and_client_keys(void **state)
{
	const struct certs *c = *state;
	const char *pairs[3][2] = {{c->server_cert_pem, c->server_key_pem},
				   {c->admin_cert_pem, c->admin_key_pem},
				   {c->viewer_cert_pem, c->viewer_key_pem}};
	for (size_t i = 0; i < 3; i++) {
		gnutls_certificate_credentials_t cred;
		assert_int_equal(gnutls_certificate_allocate_credentials(&cred), 0);
		gnutls_datum_t cert = {(unsigned char *)pairs[i][0], (unsigned)strlen(pairs[i][0])};
		gnutls_datum_t key = {(unsigned char *)pairs[i][1], (unsigned)strlen(pairs[i][1])};
		int rc = gnutls_certificate_set_x509_key_mem2(cred, &cert, &key,
							      GNUTLS_X509_FMT_PEM, NULL, 0);
		assert_true(rc >= 0);
		gnutls_certificate_free_credentials(cred);
	}
	/* A key that does not belong to the certificate is refused, so the check above
	 * did test the pairing. */
	gnutls_certificate_credentials_t cred;
	assert_int_equal(gnutls_certificate_allocate_credentials(&cred), 0);
	gnutls_datum_t cert = {(unsigned char *)c->server_cert_pem,
			       (unsigned)strlen(c->server_cert_pem)};
	gnutls_datum_t key = {(unsigned char *)c->admin_key_pem, (unsigned)strlen(c->admin_key_pem)};
	assert_true(gnutls_certificate_set_x509_key_mem2(cred, &cert, &key, GNUTLS_X509_FMT_PEM,
							 NULL, 0) < 0);
	gnutls_certificate_free_credentials(cred);
}

static int verify_with_purpose(const char *ca_pem, const char *pem, int purpose)
{
	X509 *ca = pem_to_x509(ca_pem), *cert = pem_to_x509(pem);
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509_STORE_add_cert(store, ca);
	X509_STORE_CTX_init(ctx, store, cert, NULL);
	X509_STORE_CTX_set_purpose(ctx, purpose);
	int ok = X509_verify_cert(ctx);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	X509_free(ca);
	X509_free(cert);
	return ok;
}

static void test_server_cert_names_and_purpose(void **state)
{
	const struct certs *c = *state;
	X509 *cert = pem_to_x509(c->server_cert_pem);
	assert_int_equal(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
	assert_int_equal(X509_check_host(cert, "localhost", 0, 0, NULL), 1);
	assert_int_equal(X509_check_host(cert, "example.com", 0, 0, NULL), 0);
	assert_int_equal(X509_check_ip_asc(cert, "10.0.0.1", 0), 0);
	X509_free(cert);
	assert_int_equal(verify_with_purpose(c->ca_pem, c->server_cert_pem, X509_PURPOSE_SSL_SERVER), 1);
	assert_int_equal(verify_with_purpose(c->ca_pem, c->admin_cert_pem, X509_PURPOSE_SSL_SERVER), 0);
	assert_int_equal(verify_with_purpose(c->ca_pem, c->admin_cert_pem, X509_PURPOSE_SSL_CLIENT), 1);
}

static void test_ca_is_a_ca(void **state)
{
	const struct certs *c = *state;
	X509 *ca = pem_to_x509(c->ca_pem);
	assert_int_equal(X509_check_ca(ca), 1);
	X509_free(ca);
	X509 *server = pem_to_x509(c->server_cert_pem);
	assert_int_equal(X509_check_ca(server), 0);
	X509_free(server);
}

static void test_identity_admin_and_viewer(void **state)
{
	const struct certs *c = *state;
	char user[64], groups[64];
	size_t len;
	unsigned char *der = pem_to_der(c->admin_cert_pem, &len);
	assert_int_equal(certs_client_identity(c, der, len, user, sizeof user, groups, sizeof groups), 0);
	assert_string_equal(user, "sandbox-admin");
	assert_string_equal(groups, "system:masters");
	OPENSSL_free(der);

	der = pem_to_der(c->viewer_cert_pem, &len);
	assert_int_equal(certs_client_identity(c, der, len, user, sizeof user, groups, sizeof groups), 0);
	assert_string_equal(user, "sandbox-viewer");
	assert_string_equal(groups, "sandbox:viewers");
	OPENSSL_free(der);
}

static void test_identity_refuses_server_cert(void **state)
{
	const struct certs *c = *state;
	char user[64], groups[64];
	size_t len;
	unsigned char *der = pem_to_der(c->server_cert_pem, &len);
	/* Signed by the CA but only for serverAuth. */
	assert_int_equal(certs_client_identity(c, der, len, user, sizeof user, groups, sizeof groups), -1);
	OPENSSL_free(der);
}

static void test_identity_refuses_other_ca(void **state)
{
	const struct certs *c = *state;
	struct certs other;
	char err[256] = "";
	assert_int_equal(certs_generate(&other, err, sizeof err), 0);
	assert_string_not_equal(other.ca_pem, c->ca_pem);
	char user[64], groups[64];
	size_t len;
	unsigned char *der = pem_to_der(other.admin_cert_pem, &len);
	assert_int_equal(certs_client_identity(c, der, len, user, sizeof user, groups, sizeof groups), -1);
	assert_int_equal(certs_client_identity(&other, der, len, user, sizeof user, groups,
					       sizeof groups), 0);
	OPENSSL_free(der);
	certs_free(&other);
	assert_null(other.ca_pem);
	certs_free(&other);   /* a second free is harmless */
}

static void test_identity_refuses_bad_input(void **state)
{
	const struct certs *c = *state;
	char user[64], groups[64];
	size_t len;
	unsigned char *der = pem_to_der(c->admin_cert_pem, &len);
	const unsigned char junk[] = "not a certificate";
	assert_int_equal(certs_client_identity(c, junk, sizeof junk, user, sizeof user, groups,
					       sizeof groups), -1);
	assert_int_equal(certs_client_identity(c, der, 0, user, sizeof user, groups, sizeof groups), -1);
	assert_int_equal(certs_client_identity(c, der, len - 1, user, sizeof user, groups,
					       sizeof groups), -1);
	/* Trailing bytes after the certificate. */
	unsigned char *longer = malloc(len + 4);
	memcpy(longer, der, len);
	memset(longer + len, 0, 4);
	assert_int_equal(certs_client_identity(c, longer, len + 4, user, sizeof user, groups,
					       sizeof groups), -1);
	free(longer);
	/* A flipped byte in the signature breaks it. */
	der[len - 3] ^= 0x55;
	assert_int_equal(certs_client_identity(c, der, len, user, sizeof user, groups, sizeof groups), -1);
	der[len - 3] ^= 0x55;
	assert_int_equal(certs_client_identity(c, der, len, user, sizeof user, groups, sizeof groups), 0);
	OPENSSL_free(der);
}

static void test_identity_refuses_to_truncate(void **state)
{
	const struct certs *c = *state;
	char user[64], groups[64];
	size_t len;
	unsigned char *der = pem_to_der(c->admin_cert_pem, &len);
	/* "system:masters" is 14 bytes: 14 do not hold it with its NUL, 15 do. */
	assert_int_equal(certs_client_identity(c, der, len, user, sizeof user, groups, 14), -1);
	assert_int_equal(certs_client_identity(c, der, len, user, sizeof user, groups, 15), 0);
	assert_string_equal(groups, "system:masters");
	assert_int_equal(certs_client_identity(c, der, len, user, 13, groups, sizeof groups), -1);
	assert_int_equal(certs_client_identity(c, der, len, user, 14, groups, sizeof groups), 0);
	assert_string_equal(user, "sandbox-admin");
	OPENSSL_free(der);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate_fills_every_pem),
		cmocka_unit_test(test_keys_are_ec_p256),
		cmocka_unit_test(test_gnutls_loads_server_and_client_keys),
		cmocka_unit_test(test_server_cert_names_and_purpose),
		cmocka_unit_test(test_ca_is_a_ca),
		cmocka_unit_test(test_identity_admin_and_viewer),
		cmocka_unit_test(test_identity_refuses_server_cert),
		cmocka_unit_test(test_identity_refuses_other_ca),
		cmocka_unit_test(test_identity_refuses_bad_input),
		cmocka_unit_test(test_identity_refuses_to_truncate),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
