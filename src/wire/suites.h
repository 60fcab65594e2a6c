/* What each cipher suite is made of: key exchange, authentication, bulk cipher and its key
 * bits, MAC, and OpenSSL's name — for the scanner, which offers the whole IANA registry
 * (also what the linked OpenSSL lacks: RC4, 3DES, EXPORT, NULL, anonymous, ARIA, CAMELLIA,
 * CCM, GOST ...) and names and judges what a server accepts. Pure tables, no OpenSSL. */
#ifndef TLSCOPE_WIRE_SUITES_H
#define TLSCOPE_WIRE_SUITES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wire_suite_info {
    uint16_t code;
    const char *iana;    /* "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", or "0x1234" (in buf) */
    const char *openssl; /* "ECDHE-RSA-AES128-GCM-SHA256", or NULL when OpenSSL has none */
    const char *kx;      /* "ECDHE", "DHE", "RSA", "DH", "ECDH", "PSK", ... "any" (TLS 1.3) */
    const char *auth;    /* "RSA", "ECDSA", "DSS", "anon", "PSK", ... "any" (TLS 1.3) */
    const char *enc;     /* "AESGCM", "AES", "ChaCha20", "3DES", "RC4", "None", ... */
    int bits;            /* symmetric key bits (40 for EXPORT, 0 for NULL) */
    const char *mac;     /* "AEAD", "SHA1", "SHA256", "MD5", ... */
    bool tls13;          /* a TLS 1.3 suite (0x13xx) */
    bool exportable;     /* an EXPORT suite */
    bool aead, forward_secret, anonymous, null_cipher;
    char buf[24];
};

/* Fills info for code. Returns true when the suite is in the IANA table (wire_cipher_known);
 * an unknown suite still gets its hex name and "unknown" parts. */
bool wire_suite_info(uint16_t code, struct wire_suite_info *info);
/* An SSLv2 cipher spec (3 bytes, WIRE_SSL2_*): its name ("SSL_CK_RC4_128_WITH_MD5"), OpenSSL's
 * ("RC4-MD5") and key bits (40 for the EXPORT40 ones). False (and "unknown") for others. */
bool wire_ssl2_spec_info(uint32_t spec, const char **name, const char **openssl, int *bits);
/* The seven SSLv2 specs, for a probe that offers them all. */
extern const uint32_t wire_ssl2_specs[7];

/* OpenSSL's name for the suite, or NULL. */
const char *wire_suite_openssl_name(uint16_t code);
/* Every suite the IANA table names (no SCSV, no GREASE), in code order: count and i-th. */
size_t wire_suite_count(void);
uint16_t wire_suite_at(size_t i);

#endif
