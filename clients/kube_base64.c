/* Standard padded base64 for kubeconfig data fields (see kube_base64.h). */
#include "clients/kube_base64.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int sextet(unsigned char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

/* Copies text without CR/LF: Go's StdEncoding skips them, so PEM-wrapped data decodes. */
static char *strip_newlines(const char *text, size_t *len)
{
	size_t n = strlen(text), j = 0;
	char *s = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		if (text[i] != '\r' && text[i] != '\n')
			s[j++] = text[i];
	s[j] = '\0';
	*len = j;
	return s;
}

/* Decodes one 4-character group; returns the bytes produced (1-3) or -1. */
static int decode_quad(const char *q, bool last, unsigned char *o)
{
	int v[4];
	int pad = 0;
	for (int i = 0; i < 4; i++) {
		if (q[i] == '=' && last && i >= 2) {
			pad++;
			v[i] = 0;
			continue;
		}
		if (pad)
			return -1;  /* data after padding */
		v[i] = sextet((unsigned char)q[i]);
		if (v[i] < 0)
			return -1;
	}
	unsigned long bits = ((unsigned long)v[0] << 18) | ((unsigned long)v[1] << 12) |
			     ((unsigned long)v[2] << 6) | (unsigned long)v[3];
	o[0] = (unsigned char)(bits >> 16);
	o[1] = (unsigned char)(bits >> 8);
	o[2] = (unsigned char)bits;
	return 3 - pad;
}

char *kube_base64_decode(const char *text, size_t *outlen)
{
	size_t n;
	char *s = strip_newlines(text, &n);
	if (n % 4 != 0) {
		free(s);
		return NULL;
	}
	char *out = xmalloc(n / 4 * 3 + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i += 4) {
		int got = decode_quad(s + i, i + 4 == n, (unsigned char *)out + o);
		if (got < 0) {
			free(s);
			free(out);
			return NULL;
		}
		o += (size_t)got;
	}
	free(s);
	out[o] = '\0';
	if (outlen)
		*outlen = o;
	return out;
}

char *kube_base64_encode(const char *data, size_t len)
{
	const unsigned char *d = (const unsigned char *)data;
	char *out = xmalloc((len + 2) / 3 * 4 + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		unsigned long bits = (unsigned long)d[i] << 16;
		if (i + 1 < len)
			bits |= (unsigned long)d[i + 1] << 8;
		if (i + 2 < len)
			bits |= d[i + 2];
		out[o++] = alphabet[(bits >> 18) & 63];
		out[o++] = alphabet[(bits >> 12) & 63];
		out[o++] = i + 1 < len ? alphabet[(bits >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? alphabet[bits & 63] : '=';
	}
	out[o] = '\0';
	return out;
}
