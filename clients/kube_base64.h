/* Standard base64 (RFC 4648, padded) as kubeconfig *-data fields and ExecCredential
 * certificate-authority-data use it. */
#ifndef OPSDECK_CLIENTS_KUBE_BASE64_H
#define OPSDECK_CLIENTS_KUBE_BASE64_H

#include <stdbool.h>
#include <stddef.h>

/* Decodes text (CR and LF ignored, as Go's decoder does) into a new NUL-terminated buffer;
 * *outlen gets the byte count. Returns NULL when text is not valid padded base64. */
char *kube_base64_decode(const char *text, size_t *outlen);
/* Encodes len bytes into a new NUL-terminated string. */
char *kube_base64_encode(const char *data, size_t len);

#endif
