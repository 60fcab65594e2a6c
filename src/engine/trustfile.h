/* A PEM bundle of trusted certificates (SSL_CERT_FILE, the system's ca-certificates.crt) looked
 * up lazily: the file is read and indexed by subject-name hash once (no certificate decoded),
 * and a certificate is decoded only when a verification asks for its subject — the way
 * OpenSSL's hashed directory works. OpenSSL's own file lookup decodes every certificate of the
 * bundle at once, public key included: ~140 CAs, ~235 M instructions (~30 ms) per load.
 * Engine-internal: tlsctx.c's system store uses it. */
#ifndef TLSCOPE_ENGINE_TRUSTFILE_H
#define TLSCOPE_ENGINE_TRUSTFILE_H

#include <openssl/x509_vfy.h>

/* Adds a lookup for the bundle at path to s. Returns 0, or -1 (s unchanged) when the file
 * cannot be used this way — unreadable, over 16 MiB, no PEM certificate in it, or holding
 * anything but plain CERTIFICATE blocks (CRLs, TRUSTED CERTIFICATE): the caller then loads it
 * the usual way, so the result is what OpenSSL would trust. */
int trustfile_add(X509_STORE *s, const char *path);
/* Certificates decoded by every lazy lookup of this process so far (for tests). */
unsigned long trustfile_decoded(void);

#endif
