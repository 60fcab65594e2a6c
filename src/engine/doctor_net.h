/* issue 13: what the certificate doctor asks the network, only when asked: missing
 * intermediates from caIssuers URLs (--aia) and the revocation status of every certificate of
 * the verified path from its OCSP responder and its CRL (--revocation). Engine-private. */
#ifndef TLSCOPE_ENGINE_DOCTOR_NET_H
#define TLSCOPE_ENGINE_DOCTOR_NET_H

#include <openssl/x509.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
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

#define DOCTOR_PARALLEL 6 /* fetches under way at once (at most CONN_FDS_MAX) */

/* The network side of one check as a job the caller's poll loop drives, like a connection's
 * stages: every step does a bounded amount of work, every fetch has its own deadline
 * (timeout_s), and the job may be cancelled at any moment.
 *
 * aia: follows caIssuers URLs from the leaf up while an issuer is missing (one fetch after
 * another, at most AIA_FETCH_MAX); fills r->fetched, r->aia_verify_ok and r->aia_path (the
 * verification with what was fetched). Fetches nothing when the chain is complete.
 * revocation: OCSP and CRL for every certificate of path below its root, side by side (at
 * most DOCTOR_PARALLEL fetches at once); r->revocation gets one entry per question, in path
 * order, at once (status "error" until answered). When every answer is in, a revoked
 * certificate adds X509_V_ERR_CERT_REVOKED at its depth and clears r->verify_ok.
 *
 * The job keeps references to the certificates and the store, so the caller may free its
 * own (and close the connection) after doctor_job_new; r must outlive the job. */
struct doctor_job;
struct doctor_job *doctor_job_new(struct report *r, const struct doctor_net *net, X509 *leaf,
                                  STACK_OF(X509) * untrusted, STACK_OF(X509) * path,
                                  const char *name, bool aia, bool revocation);
/* One bounded step with the revents of the last poll (fds from doctor_job_want; NULL, 0 for
 * none). True once every fetch is answered or failed. */
bool doctor_job_step(struct doctor_job *j, const struct pollfd *fds, size_t n);
/* The descriptors to poll (at most max) and the nearest deadline (0: step again at once). */
size_t doctor_job_want(const struct doctor_job *j, struct pollfd *fds, size_t max,
                       int64_t *deadline_us);
/* Stops every fetch under way; the report says "cancelled before an answer" for each. */
void doctor_job_cancel(struct doctor_job *j);
void doctor_job_free(struct doctor_job *j);
/* Blocking: steps and polls until the job is done (the offline --check-chain). */
void doctor_job_run(struct doctor_job *j);

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
