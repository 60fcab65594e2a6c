/* Certificate facts: copies everything a person needs to know about one X509 certificate into
 * the plain struct cert_info (model/report.h), so nothing above the engine sees an X509. */
#ifndef TLSCOPE_ENGINE_CERTINFO_H
#define TLSCOPE_ENGINE_CERTINFO_H

#include <openssl/x509.h>
#include <time.h>

#include "model/report.h"

/* Peer data is bounded: at most this many SAN entries are copied, and each extension value
 * (and each name string) is cut to this many bytes with "…" appended. */
#define CERTINFO_SAN_MAX   1000
#define CERTINFO_VALUE_MAX (64 * 1024)

/* Fills *out (zeroed by the caller) from x; copies everything, keeps no reference to x.
 * `now` is used for days_left. Returns 0, or -1 if x is unusable (NULL or not encodable);
 * on -1 *out is left zeroed. The caller releases a filled *out with cert_info_free().
 * Fields that cannot be read from an odd certificate are left empty rather than failing the
 * whole certificate. The thread's OpenSSL error queue is left as it was found. */
int certinfo_from_x509(X509 *x, time_t now, struct cert_info *out);

/* SHA-256 of the DER SubjectPublicKeyInfo, base64 — the HPKP/curl "sha256//" pin value.
 * Returns a new string (caller frees), or NULL if the key cannot be encoded. */
char *certinfo_spki_sha256(X509 *x);

/* The subject or issuer as one UTF-8 string, RFC 2253 order ("CN=localhost,O=TLS Lab,C=XX"),
 * *without* escaping control characters or non-ASCII (the model keeps the real text; the
 * renderers sanitise), repaired with utf8_repair so it is valid UTF-8. RFC 2253 specials
 * (",+\"\\<>;") are backslash-escaped. Returns a new string (caller frees); "" for an empty
 * or NULL name. */
char *certinfo_name(const X509_NAME *name);
/* The URI to fetch among x's authorityInfoAccess locations of one method (kind NID_ad_OCSP or
 * NID_ad_ca_issuers) or its CRL distribution points (kind NID_crl_distribution_points): the
 * first http:// or https:// one, else the first of any scheme (ldap://, file://: so the fetch
 * can say why it cannot), or NULL. Caller frees. */
char *certinfo_uri(const X509 *x, int kind);

#endif
