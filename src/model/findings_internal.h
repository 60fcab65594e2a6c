/* Private to the findings files (findings*.c): the state the checks share, the helpers
 * they have in common, and the checks findings_compute runs. Not for other modules. */
#ifndef TLSCOPE_MODEL_FINDINGS_INTERNAL_H
#define TLSCOPE_MODEL_FINDINGS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "model/findings.h"
#include "util/strbuf.h"
#include "util/strlist.h"

/* Bounds on how much of a (peer-controlled) list a detail quotes. */
#define LIST_MAX      20
#define SECS_PER_DAY  86400L
#define EXPIRING_DAYS 30
#define CA_KEY_FIX                                                                                 \
    "Ask your CA for its current chain; CA keys this small are no longer issued or trusted."
#define WEAK_SIG_FIX                                                                               \
    "Have the certificate reissued with a SHA-256 signature; current CAs do so by default (for "   \
    "your own CA: `openssl x509 -req -sha256 ...`)."

/* Verification error symbols as the engine names them (verify_error.name). */
#define E_EXPIRED                "X509_V_ERR_CERT_HAS_EXPIRED"
#define E_NOT_YET_VALID          "X509_V_ERR_CERT_NOT_YET_VALID"
#define E_DEPTH_ZERO_SELF_SIGNED "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT"
#define E_SELF_SIGNED_IN_CHAIN   "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN"
#define E_ISSUER_LOCALLY         "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY"
#define E_ISSUER                 "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT"
#define E_LEAF_SIGNATURE         "X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE"
#define E_HOSTNAME               "X509_V_ERR_HOSTNAME_MISMATCH"
#define E_IP                     "X509_V_ERR_IP_ADDRESS_MISMATCH"
#define E_REVOKED                "X509_V_ERR_CERT_REVOKED"
#define E_EE_KEY                 "X509_V_ERR_EE_KEY_TOO_SMALL"
#define E_CA_KEY                 "X509_V_ERR_CA_KEY_TOO_SMALL"
#define E_CA_MD                  "X509_V_ERR_CA_MD_TOO_WEAK"
#define E_CHAIN_TOO_LONG         "X509_V_ERR_CERT_CHAIN_TOO_LONG"

/* State shared by the checks of one findings_compute call. `covered` collects the verify
 * error symbols some specific finding already explains, so check_verify_errors (run last)
 * does not repeat them as generic verify_error findings. */
struct fctx {
    struct report *r;
    time_t now;
    struct strlist covered;
};

/* The sent certificates a check found, for one finding per check however many there are. */
struct hits {
    size_t idx[REPORT_CHAIN_MAX];
    size_t n;
};

/* ---- shared helpers (findings.c) -------------------------------------------------------- */
void f_sort(struct report *r); /* by severity, highest first, stable */
void f_add(struct fctx *x, const char *id, enum severity sev, char *title, char *detail, char *fix);
void f_cover(struct fctx *x, const char *error_name);
const struct verify_error *f_find_error(const struct report *r, const char *name);
char *f_days_text(long days);
char *f_cert_name(const struct cert_info *c);
void f_cert_time(const char *iso, time_t t, char out[24]);
bool f_dates_known(const struct cert_info *c);
bool f_is_anchor(const struct report *r, size_t i);
bool f_is_duplicate(const struct report *r, size_t i);
const char *f_cert_role(const struct report *r, size_t i);
void f_hit(struct hits *h, size_t i);
void f_list_hits(struct strbuf *sb, const struct report *r, const struct hits *h);
const char *f_site_name(const struct report *r);
char *f_trust_store(const struct report *r);
size_t f_path_top(const struct report *r);
const struct cert_info *f_chain_cert(const struct report *r, int depth);
char *f_depth_name(const struct report *r, int depth);

/* ---- the checks findings_compute runs --------------------------------------------------- */

/* findings_certs.c: certificate dates, names and trust */
void f_check_cert_dates(struct fctx *x);
void f_check_hostname(struct fctx *x);
void f_check_self_signed(struct fctx *x);
void f_check_untrusted_root(struct fctx *x);
/* findings_chain.c: the chain as sent, keys and signatures */
void f_check_incomplete_chain(struct fctx *x);
void f_check_chain_shape(struct fctx *x);
void f_check_chain_length(struct fctx *x);
void f_check_keys(struct fctx *x);
void f_check_signatures(struct fctx *x);
/* findings_session.c: the session */
void f_check_protocol(struct fctx *x);
void f_check_forward_secrecy(struct fctx *x);
void f_check_cipher(struct fctx *x);
void f_check_ocsp(struct fctx *x);
void f_check_renegotiation(struct fctx *x);
/* findings_doctor.c (issue 13): names in the CN only, CT precertificates, unknown critical
 * extensions; the chain file's key and order, --aia and --revocation */
void f_check_doctor_certs(struct fctx *x);
void f_check_doctor_file(struct fctx *x);
/* Whether c counts as expiring soon at now: within EXPIRING_DAYS, or within a third of its
 * lifetime when that is shorter (a 6-day certificate warns at 2 days). */
bool f_expiring_soon(const struct cert_info *c, time_t now);

#endif
