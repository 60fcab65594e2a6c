/* Certificates for the certificate doctor's tests: the usual shapes as pki_spec initialisers
 * (EC P-256, valid from yesterday) and a generated PKI written into the harness directory. */
#ifndef TLSCOPE_TESTS_PKITEST_H
#define TLSCOPE_TESTS_PKITEST_H

#include <stdbool.h>
#include <stddef.h>

#include "lab/pki.h"

/* A self-signed root CA, valid 300 days. */
#define PKITEST_ROOT(name_, subject_)                                                              \
    {                                                                                              \
        .name = name_, .subject = subject_, .key = PKI_EC_P256, .not_before_days = -1,             \
        .not_after_days = 300, .is_ca = true, .path_len = -1                                       \
    }
/* An intermediate CA (path length 0) under issuer_, valid 300 days. */
#define PKITEST_INTER(name_, subject_, issuer_)                                                    \
    {                                                                                              \
        .name = name_, .subject = subject_, .issuer = issuer_, .key = PKI_EC_P256,                 \
        .not_before_days = -1, .not_after_days = 300, .is_ca = true, .path_len = 0                 \
    }
/* A CN=localhost leaf under issuer_, valid 90 days; the rest as designated initialisers, at
 * least its SAN: PKITEST_LEAF("aia", "inter", .san = "DNS:localhost", .ca_issuers_url = u). */
#define PKITEST_LEAF(name_, issuer_, ...)                                                          \
    {                                                                                              \
        .name = name_, .subject = "CN=localhost", .issuer = issuer_, .key = PKI_EC_P256,           \
        .not_before_days = -1, .not_after_days = 90, .path_len = -1, __VA_ARGS__                   \
    }

/* pki_generate, or the test fails with the reason. */
struct pki *pkitest_make(const struct pki_spec *specs, size_t n);
/* Writes the certificate of each name (a NULL-terminated list) as harness_dir()/PREFIXNAME.crt
 * and, when keys, its private key as PREFIXNAME.key (0600); the test fails when one cannot be
 * written. */
void pkitest_write(const struct pki *pk, const char *prefix, const char *const *names, bool keys);

#endif
