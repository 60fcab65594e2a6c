/* issue 13: a Kubernetes TLS secret (kind: Secret, type: kubernetes.io/tls) as YAML or JSON
 * (JSON is read as YAML flow style): the base64 values of data["tls.crt"], data["tls.key"]
 * and data["ca.crt"] (or the plain text of stringData's), for the certificate doctor's
 * chain-file reader. Bounded like every document the YAML room reads. */
#ifndef TLSCOPE_YAML_YSECRET_H
#define TLSCOPE_YAML_YSECRET_H

#include <stdbool.h>
#include <stddef.h>

#define YSECRET_MAX_BYTES (1u << 20) /* a secret is at most 1 MiB */

struct ysecret {
    char *crt, *key, *ca; /* the values as written (base64 unless from stringData), or NULL */
    bool plain;           /* the values came from stringData (not base64) */
};

/* Whether data looks like a Kubernetes secret at all (a cheap test on the text: "tls.crt"
 * appears, as a key). The reader proper decides. */
bool ysecret_sniff(const char *data, size_t n);

/* Reads the secret in data (n bytes). Returns 0 with out filled (tls.crt at least), or -1 with
 * "line:col: message" (or a message) in err. out is the caller's to free with
 * ysecret_free, also on error. */
int ysecret_read(const char *data, size_t n, struct ysecret *out, char *err, size_t errlen);
void ysecret_free(struct ysecret *s);

#endif
