/* The sandbox Argo CD's two accounts, admin and readonly: JWT-shaped bearer tokens made
 * once per process (a restart invalidates old ones, as a new signing key would), and
 * who a request's Authorization header or argocd.token cookie names. */
#include "sandbox/argocd.h"

#include "core/strbuf.h"
#include "core/xalloc.h"

#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static char *argocd_tokens[2];
static pthread_once_t argocd_tokens_once = PTHREAD_ONCE_INIT;

static void argocd_b64url(struct strbuf *sb, const unsigned char *data, size_t n)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)data[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)data[i + 1] << 8;
		if (i + 2 < n)
			v |= data[i + 2];
		strbuf_putc(sb, alphabet[(v >> 18) & 63]);
		strbuf_putc(sb, alphabet[(v >> 12) & 63]);
		if (i + 1 < n)
			strbuf_putc(sb, alphabet[(v >> 6) & 63]);
		if (i + 2 < n)
			strbuf_putc(sb, alphabet[v & 63]);
	}
}

/* header.claims.signature, as `argocd account generate-token` prints; the signature is
 * random bytes: nothing verifies it but this process, by comparing the whole string. */
static char *argocd_make_token(const char *account)
{
	unsigned char sig[32], jti[16];
	if (RAND_bytes(sig, sizeof sig) != 1 || RAND_bytes(jti, sizeof jti) != 1) {
		for (size_t i = 0; i < sizeof sig; i++)
			sig[i] = (unsigned char)(rand() & 0xff);
		for (size_t i = 0; i < sizeof jti; i++)
			jti[i] = (unsigned char)(rand() & 0xff);
	}
	char jti_hex[33];
	for (size_t i = 0; i < sizeof jti; i++)
		snprintf(jti_hex + 2 * i, 3, "%02x", jti[i]);
	const char *header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	char claims[256];
	snprintf(claims, sizeof claims,
		 "{\"iss\":\"argocd\",\"sub\":\"%s:apiKey\",\"nbf\":%lld,\"iat\":%lld,\"jti\":\"%s\"}",
		 account, (long long)time(NULL), (long long)time(NULL), jti_hex);
	struct strbuf sb = STRBUF_INIT;
	argocd_b64url(&sb, (const unsigned char *)header, strlen(header));
	strbuf_putc(&sb, '.');
	argocd_b64url(&sb, (const unsigned char *)claims, strlen(claims));
	strbuf_putc(&sb, '.');
	argocd_b64url(&sb, sig, sizeof sig);
	return strbuf_detach(&sb);
}

static void argocd_tokens_init(void)
{
	argocd_tokens[ARGOCD_ADMIN] = argocd_make_token("admin");
	argocd_tokens[ARGOCD_READONLY] = argocd_make_token("readonly");
}

const char *sbx_argocd_token(enum argocd_role role)
{
	pthread_once(&argocd_tokens_once, argocd_tokens_init);
	return argocd_tokens[role == ARGOCD_READONLY ? ARGOCD_READONLY : ARGOCD_ADMIN];
}

static int argocd_role_of_token(const char *token, size_t len)
{
	for (int r = ARGOCD_ADMIN; r <= ARGOCD_READONLY; r++) {
		const char *t = sbx_argocd_token((enum argocd_role)r);
		if (strlen(t) == len && !memcmp(t, token, len))
			return r;
	}
	return -1;
}

/* The value of argocd.token in a Cookie header ("a=b; argocd.token=…; c=d"). */
static int argocd_role_of_cookie(const char *cookie)
{
	const char *name = "argocd.token=";
	for (const char *p = cookie; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n > strlen(name) && !strncmp(p, name, strlen(name)))
			return argocd_role_of_token(p + strlen(name), n - strlen(name));
		p = end;
	}
	return -1;
}

int sbx_argocd_role_of(const char *authorization, const char *cookie)
{
	if (authorization && !strncmp(authorization, "Bearer ", 7)) {
		const char *t = authorization + 7;
		while (*t == ' ')
			t++;
		size_t n = strlen(t);
		while (n && t[n - 1] == ' ')
			n--;
		int role = argocd_role_of_token(t, n);
		if (role >= 0)
			return role;
	}
	return argocd_role_of_cookie(cookie);
}
