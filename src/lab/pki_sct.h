/* issue 13: Signed Certificate Timestamps for the pki factory (pki.c): a test CT log signs
 * SCTs (RFC 6962 v1) over a precertificate entry (embedded in the certificate) or an X.509
 * entry (for the TLS extension). Lab-private. */
#ifndef TLSCOPE_LAB_PKI_SCT_H
#define TLSCOPE_LAB_PKI_SCT_H

#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>

/* x is signed by issuer_key already: adds an SCT list extension with one SCT from log_key
 * over x's precertificate entry (its signature broken when bad) and signs x again.
 * Returns 1 or 0. */
int pki_sct_embed(X509 *x, X509 *issuer, EVP_PKEY *issuer_key, EVP_PKEY *log_key, const EVP_MD *md,
                  bool bad);

/* The TLS-encoded SignedCertificateTimestampList with one SCT from log_key over x's X.509
 * entry. Returns malloc'ed bytes and *len, or NULL. */
unsigned char *pki_sct_tls(X509 *x, EVP_PKEY *log_key, size_t *len);

/* Adds to an OCSP single response the SCT list extension (NID_ct_cert_scts) with one SCT from
 * log_key over x's X.509 entry. Returns 1 or 0. */
int pki_sct_ocsp_ext(OCSP_SINGLERESP *single, X509 *x, EVP_PKEY *log_key);

#endif
