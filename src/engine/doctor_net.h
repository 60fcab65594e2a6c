/* issue 13: what the certificate doctor asks the network, only when asked: missing
 * intermediates from caIssuers URLs (--aia) and the revocation status of every certificate of
 * the verified path from its OCSP responder and its CRL (--revocation). Engine-private. */
#ifndef TLSCOPE_ENGINE_DOCTOR_NET_H
#define TLSCOPE_ENGINE_DOCTOR_NET_H

#include <openssl/x509.h>
#include <time.h>

#include "model/report.h"

#define AIA_FETCH_MAX   4           /* caIssuers URLs followed per check */
#define AIA_BODY_MAX    (256 << 10) /* bytes of one fetched certificate or bundle */
#define OCSP_BODY_MAX   (64 << 10)
#define CRL_BODY_MAX    (8u << 20)
#define OCSP_GET_MAX    255 /* a request this small (base64, URL-encoded) goes by GET first */
#define REVOCATION_SKEW 300 /* seconds of clock skew allowed on thisUpdate/nextUpdate */

struct doctor_net {
    X509_STORE *st; /* the trust store of the check */
    time_t now;
    double timeout_s; /* per fetch */
};

/* Follows caIssuers URLs from the top of the chain (leaf + untrusted) while an issuer is
 * missing; fills r->fetched, r->aia_verify_ok and r->aia_path (verification with what was
 * fetched). Fetches nothing when the chain is complete. */
void doctor_aia(struct report *r, const struct doctor_net *net, X509 *leaf,
                STACK_OF(X509) * untrusted, const char *name);

/* OCSP and CRL for every certificate of path below its root; fills r->revocation. A revoked
 * certificate adds X509_V_ERR_CERT_REVOKED at its depth and clears r->verify_ok. */
void doctor_revocation(struct report *r, const struct doctor_net *net, STACK_OF(X509) * path);

/* doctor.c: the shared verification helpers. */
#define VERIFY_ERRORS_MAX 64
struct verify_rec {
    int code[VERIFY_ERRORS_MAX], depth[VERIFY_ERRORS_MAX];
    size_t n;
};
/* Verifies leaf with untrusted as the other certificates a server would send (server purpose,
 * the name when given, at time now); every error recorded in rec. Returns the path built
 * (caller frees with sk_X509_pop_free), or NULL. */
STACK_OF(X509) * doctor_verify(X509_STORE *st, X509 *leaf, STACK_OF(X509) * untrusted,
                               const char *name, time_t now, struct verify_rec *rec);
void doctor_add_verify_error(struct report *r, int code, int depth, const char *name, time_t now);

#endif
