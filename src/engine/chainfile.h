/* issue 13: the chain-file reader. Reads a certificate chain the way a server would be
 * configured with it, whatever the container: PEM (certificates, PKCS#7 blocks and private keys
 * in any order), DER (one or several certificates), PKCS#7 (DER), PKCS#12 (with or without a
 * password) or a Kubernetes TLS secret (YAML or JSON, read through a registered reader since
 * the engine includes no YAML). The format is detected by content, never by the file name.
 * Everything is bounded: the input (CHAINFILE_MAX), the certificates kept
 * (REPORT_CHAIN_MAX, the rest counted), the PEM blocks looked at. Engine-private (OpenSSL
 * types); the fuzz target calls it directly. */
#ifndef TLSCOPE_ENGINE_CHAINFILE_H
#define TLSCOPE_ENGINE_CHAINFILE_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>

#include "engine/doctor.h"

#define CHAINFILE_MAX        (4u << 20) /* bytes read from a file or stdin */
#define CHAINFILE_BLOCKS_MAX 1000       /* PEM blocks looked at */

struct chainfile {
    STACK_OF(X509) * certs; /* in file order; at most REPORT_CHAIN_MAX */
    size_t n_total;         /* certificates in the file (more than kept when too many) */
    EVP_PKEY *key;          /* a private key found in the file, or NULL */
    bool key_encrypted;     /* the file's key is encrypted and no passphrase opened it */
    size_t n_ca;            /* Kubernetes secret: certificates in ca.crt (not in certs) */
    const char *format;     /* static: "PEM", "DER", "PKCS#7", "PKCS#12", "Kubernetes secret" */
};

enum { CHAINFILE_OK = 0, CHAINFILE_ERROR = -1, CHAINFILE_NEED_PASS = -2 };

/* Reads data (n bytes). pass is the password for a PKCS#12 file or an encrypted key in the
 * file (NULL: none given). Returns CHAINFILE_OK with *out filled (release with
 * chainfile_free), CHAINFILE_NEED_PASS when a PKCS#12 file needs a password that was not given
 * or did not open it (err says which), or CHAINFILE_ERROR with err saying what is wrong and
 * where ("PEM block 3 (line 40): ..."). */
int chainfile_read(const unsigned char *data, size_t n, const char *pass, struct chainfile *out,
                   char *err, size_t errlen);
void chainfile_free(struct chainfile *cf);
/* OpenSSL's pem_password_cb for a passphrase given as userdata (a C string, or NULL: none);
 * never OpenSSL's own terminal prompt. */
int chainfile_pass_cb(char *buf, int size, int rwflag, void *userdata);

#endif
