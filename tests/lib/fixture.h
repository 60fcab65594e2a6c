/* Shared test fixtures: the "good TLS 1.3 report" the unit tests start from, one filler for
 * hand-built certificates, and small helpers for building reports and looking up findings.
 * Tests change only the facts their case is about. */
#ifndef TLSCOPE_TESTS_FIXTURE_H
#define TLSCOPE_TESTS_FIXTURE_H

#include "model/report.h"

/* A freshly allocated report (free it with report_free) of a finished, verified TLS 1.3
 * connection to localhost:8443 (address 127.0.0.1, SNI localhost): TLS_AES_256_GCM_SHA384
 * (0x1302, 256 bits, kx/auth "any"), x25519 with an X25519 253-bit peer key,
 * rsa_pss_rsae_sha256 (RSASSA-PSS + SHA256), ALPN h2, 2 tickets, hostname localhost matched
 * by DNS:localhost; offered TLSv1.3 and TLSv1.2; settings min TLSv1.2 (option), max highest
 * (library), security level 2, verification and hostname check on, OpenSSL 3.0.19.
 * Everything else is as report_new leaves it: no certificates, events, findings, OCSP,
 * timings, weakened settings or verification errors. */
struct report *fixture_good_report(void);

/* Fills c, which must be zeroed (as from xcalloc), with a copy of subject, issuer and sha256
 * and days_left, plus fixed values: serial 1F2E3D, valid 2026-01-01T00:00:00Z to
 * 2027-01-01T00:00:00Z (the time_t fields stay 0), RSA 2048, sha256WithRSAEncryption, no path
 * length (-1), SHA-1 01:02:03:04, SPKI pin q4xyzPIN+/=. No SAN, usage, extensions or PEM; not
 * a CA, not self-signed. The owner (the report) frees it with cert_info_free. */
void fixture_fill_cert(struct cert_info *c, const char *subject, const char *issuer,
                       const char *sha256, long days_left);

/* Appends a verification error at depth named name, with message, explanation and fix
 * "message for NAME" (and so on); an error not ignored clears r->verify_ok. */
void fixture_push_verify_error(struct report *r, const char *name, int depth, bool ignored);
/* Frees *field and sets it to a copy of value. */
void fixture_set_str(char **field, const char *value);
/* The first finding of r with that id, or NULL. */
const struct finding *fixture_finding(const struct report *r, const char *id);

/* The PEM texts fixture_chain_report gives the leaf and the intermediate it sends. */
#define FIXTURE_LEAF_PEM  "-----BEGIN CERTIFICATE-----\nMIIBleaf\nAAAA\n-----END CERTIFICATE-----\n"
#define FIXTURE_INTER_PEM "-----BEGIN CERTIFICATE-----\nMIIBinter\n-----END CERTIFICATE-----"

/* fixture_fill_cert of c (zeroed) for "CN=cn, O=TLS Lab, C=XX" issued by issuer_cn likewise,
 * with its CN and an EC P-256 key (prime256v1) signed with ecdsa-with-SHA256. */
void fixture_fill_lab_cert(struct cert_info *c, const char *cn, const char *issuer_cn, long days,
                           const char *sha256);
/* A freshly allocated report (report_free) of localhost:8443, TLSv1.3, ok. Sent: leaf (CN
 * leaf_cn, SANs DNS:localhost and IP:127.0.0.1, digitalSignature, serverAuth, an OCSP URL,
 * Basic Constraints and AIA extensions, FIXTURE_LEAF_PEM) and "TLS Lab Intermediate CA"
 * (path length 0, FIXTURE_INTER_PEM). Verified: leaf, intermediate, "TLS Lab Root CA"
 * (self-signed, not sent). One verification error at depth 1 (code 20, not ignored); days left
 * 364, 20 and -5; verification on; chain_roles applied; no chain issue. */
struct report *fixture_chain_report(const char *leaf_cn);

#endif
