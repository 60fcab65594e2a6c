/* issue 13: --aia and --revocation for the certificate doctor (see doctor_net.h). */
#include "engine/doctor_net.h"

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/certinfo.h"
#include "engine/chainfile.h"
#include "engine/http.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

/* The first URI of an AIA access method (NID_ad_ca_issuers, NID_ad_OCSP), or NULL. */
static char *aia_uri(X509 *x, int method)
{
    AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
    char *res = NULL;
    for (int i = 0; aia && !res && i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
        ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);
        if (OBJ_obj2nid(ad->method) == method && ad->location->type == GEN_URI)
            res = xstrndup(
                (const char *)ASN1_STRING_get0_data(ad->location->d.uniformResourceIdentifier),
                (size_t)ASN1_STRING_length(ad->location->d.uniformResourceIdentifier));
    }
    AUTHORITY_INFO_ACCESS_free(aia);
    ERR_clear_error();
    return res;
}

static char *crl_uri(X509 *x)
{
    STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(x, NID_crl_distribution_points, NULL, NULL);
    char *res = NULL;
    for (int i = 0; dps && !res && i < sk_DIST_POINT_num(dps); i++) {
        DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
        if (!dp->distpoint || dp->distpoint->type != 0)
            continue;
        GENERAL_NAMES *names = dp->distpoint->name.fullname;
        for (int k = 0; !res && k < sk_GENERAL_NAME_num(names); k++) {
            GENERAL_NAME *g = sk_GENERAL_NAME_value(names, k);
            if (g->type == GEN_URI)
                res = xstrndup((const char *)ASN1_STRING_get0_data(g->d.uniformResourceIdentifier),
                               (size_t)ASN1_STRING_length(g->d.uniformResourceIdentifier));
        }
    }
    sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
    ERR_clear_error();
    return res;
}

/* ---- AIA ---------------------------------------------------------------------------------- */

static struct fetched_cert *add_fetched(struct report *r, const char *url, int depth)
{
    r->fetched = xrealloc(r->fetched, (r->n_fetched + 1) * sizeof(*r->fetched));
    struct fetched_cert *f = &r->fetched[r->n_fetched++];
    memset(f, 0, sizeof(*f));
    f->url = xstrdup(url);
    f->for_depth = depth;
    return f;
}

/* The issuer of x among certs, or NULL. */
static X509 *issuer_in(STACK_OF(X509) * certs, X509 *x)
{
    for (int i = 0; i < sk_X509_num(certs); i++) {
        X509 *c = sk_X509_value(certs, i);
        if (c != x && X509_check_issued(c, x) == X509_V_OK)
            return c;
    }
    return NULL;
}

static bool issuer_error(const struct verify_rec *rec)
{
    for (size_t i = 0; i < rec->n; i++)
        if (rec->code[i] == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
            rec->code[i] == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
            rec->code[i] == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE)
            return true;
    return false;
}

void doctor_aia(struct report *r, const struct doctor_net *net, X509 *leaf,
                STACK_OF(X509) * untrusted, const char *name)
{
    struct verify_rec rec;
    STACK_OF(X509) *extra = sk_X509_dup(untrusted), *got = sk_X509_new_null();
    STACK_OF(X509) *path = doctor_verify(net->st, leaf, extra, name, net->now, &rec);
    X509 *cur = leaf;
    int depth = 0;
    for (size_t fetches = 0; issuer_error(&rec) && fetches < AIA_FETCH_MAX;) {
        X509 *up = issuer_in(extra, cur);
        if (up) { /* already have it: climb */
            cur = up;
            depth++;
            if (depth > REPORT_CHAIN_MAX)
                break;
            continue;
        }
        char *url = aia_uri(cur, NID_ad_ca_issuers);
        if (!url)
            break;
        struct fetched_cert *f = add_fetched(r, url, depth);
        fetches++;
        struct http_response resp;
        char err[256];
        if (http_fetch(url, "GET", NULL, NULL, 0, AIA_BODY_MAX, net->timeout_s, net->st, &resp, err,
                       sizeof err) < 0) {
            f->outcome = xstrdup(err);
        } else if (resp.status != 200) {
            f->outcome = xasprintf("HTTP %d", resp.status);
        } else {
            struct chainfile cf;
            if (chainfile_read(resp.body, resp.n, NULL, &cf, err, sizeof err) != CHAINFILE_OK) {
                f->outcome = xasprintf("not a certificate: %s", err);
            } else {
                X509 *found = issuer_in(cf.certs, cur);
                X509 *first = found ? found : sk_X509_value(cf.certs, 0);
                f->subject = certinfo_name(X509_get_subject_name(first));
                f->outcome = xstrdup(found ? "ok" : "not the issuer of the certificate");
                for (int i = 0; i < sk_X509_num(cf.certs); i++) {
                    X509 *x = sk_X509_value(cf.certs, i);
                    X509_up_ref(x);
                    sk_X509_push(got, x);
                    sk_X509_push(extra, x);
                }
                if (found) {
                    cur = found;
                    depth++;
                }
            }
            chainfile_free(&cf);
        }
        http_response_free(&resp);
        free(url);
        sk_X509_pop_free(path, X509_free);
        path = doctor_verify(net->st, leaf, extra, name, net->now, &rec);
        if (!f->subject)
            break;
    }
    if (r->n_fetched) {
        r->aia_verify_ok = rec.n == 0;
        int k = path ? sk_X509_num(path) : 0;
        r->aia_path = xcalloc((size_t)k + 1, sizeof(*r->aia_path));
        for (int i = 0; i < k && i < REPORT_CHAIN_MAX; i++)
            if (certinfo_from_x509(sk_X509_value(path, i), net->now, &r->aia_path[r->n_aia_path]) ==
                0)
                r->n_aia_path++;
    }
    sk_X509_pop_free(path, X509_free);
    sk_X509_pop_free(got, X509_free);
    sk_X509_free(extra);
    ERR_clear_error();
}

/* ---- revocation --------------------------------------------------------------------------- */

static void iso(const ASN1_TIME *t, char out[24])
{
    struct tm tm;
    out[0] = '\0';
    if (t && ASN1_TIME_to_tm(t, &tm) == 1)
        strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static struct revocation *add_rev(struct report *r, int depth, X509 *x, const char *method,
                                  const char *url)
{
    r->revocation = xrealloc(r->revocation, (r->n_revocation + 1) * sizeof(*r->revocation));
    struct revocation *v = &r->revocation[r->n_revocation++];
    memset(v, 0, sizeof(*v));
    v->depth = depth;
    v->subject = certinfo_name(X509_get_subject_name(x));
    v->method = method;
    v->url = xstrdup(url);
    v->status = "error";
    return v;
}

static void rev_problem(struct revocation *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void rev_problem(struct revocation *v, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    v->status = "error";
    free(v->problem);
    v->problem = xstrdup(buf);
}

static const char *reason_name(int reason)
{
    return reason >= 0 ? OCSP_crl_reason_str(reason) : NULL;
}

/* "/" + base64 URL-encoded request appended to the responder URL (RFC 6960 A.1). */
static char *ocsp_get_url(const char *url, const unsigned char *der, int n)
{
    char *b64 = xmalloc(4 * (((size_t)n + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)b64, der, n);
    struct strbuf sb = {0};
    sb_puts(&sb, url);
    if (!url[0] || url[strlen(url) - 1] != '/')
        sb_putc(&sb, '/');
    for (const char *p = b64; *p; p++) {
        if (*p == '+')
            sb_puts(&sb, "%2B");
        else if (*p == '/')
            sb_puts(&sb, "%2F");
        else if (*p == '=')
            sb_puts(&sb, "%3D");
        else
            sb_putc(&sb, *p);
    }
    free(b64);
    return sb_take(&sb);
}

static void ocsp_check(struct report *r, const struct doctor_net *net, STACK_OF(X509) * path,
                       int depth, const char *url)
{
    X509 *x = sk_X509_value(path, depth), *issuer = sk_X509_value(path, depth + 1);
    struct revocation *v = add_rev(r, depth, x, "ocsp", url);
    OCSP_REQUEST *req = OCSP_REQUEST_new();
    OCSP_CERTID *id = OCSP_cert_to_id(NULL, x, issuer);
    OCSP_CERTID *id2 = id ? OCSP_CERTID_dup(id) : NULL;
    unsigned char *der = NULL;
    OCSP_RESPONSE *resp = NULL;
    OCSP_BASICRESP *bs = NULL;
    struct http_response hr = {0};
    char err[256];
    if (!req || !id2 || !OCSP_request_add0_id(req, id2) ||
        !OCSP_request_add1_nonce(req, NULL, -1)) {
        rev_problem(v, "cannot build the OCSP request");
        goto out;
    }
    id2 = NULL;
    int n = i2d_OCSP_REQUEST(req, &der);
    if (n <= 0) {
        rev_problem(v, "cannot encode the OCSP request");
        goto out;
    }
    /* GET when the encoded request is small (RFC 5019), POST otherwise, and POST again when
     * a responder does not answer the GET. */
    int rc = -1;
    char *get = ocsp_get_url(url, der, n);
    bool by_get = strlen(get) - strlen(url) <= OCSP_GET_MAX;
    if (by_get) {
        rc = http_fetch(get, "GET", NULL, NULL, 0, OCSP_BODY_MAX, net->timeout_s, net->st, &hr, err,
                        sizeof err);
        if (rc == 0 && hr.status != 200) {
            http_response_free(&hr);
            by_get = false;
        }
    }
    free(get);
    if (!by_get)
        rc = http_fetch(url, "POST", "application/ocsp-request", der, (size_t)n, OCSP_BODY_MAX,
                        net->timeout_s, net->st, &hr, err, sizeof err);
    if (rc < 0) {
        rev_problem(v, "%s", err);
        goto out;
    }
    if (hr.status != 200) {
        char s[16];
        snprintf(s, sizeof s, "%d", hr.status);
        rev_problem(v, "the responder answered HTTP %s", s);
        goto out;
    }
    const unsigned char *p = hr.body;
    resp = d2i_OCSP_RESPONSE(NULL, &p, (long)hr.n);
    if (!resp) {
        rev_problem(v, "the answer is not an OCSP response");
        goto out;
    }
    int st = OCSP_response_status(resp);
    if (st != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        rev_problem(v, "the responder answered '%s'", OCSP_response_status_str(st));
        goto out;
    }
    bs = OCSP_response_get1_basic(resp);
    if (!bs) {
        rev_problem(v, "the response holds no basic response");
        goto out;
    }
    if (OCSP_check_nonce(req, bs) == 0) {
        rev_problem(v, "the response's nonce is not the one sent (a replayed answer?)");
        goto out;
    }
    if (OCSP_basic_verify(bs, path, net->st, 0) != 1) {
        char e[160];
        ERR_error_string_n(ERR_peek_last_error(), e, sizeof e);
        rev_problem(v, "the response's signature or its signer's authority does not verify (%s)",
                    e);
        goto out;
    }
    int status = -1, reason = -1;
    ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
    if (!OCSP_resp_find_status(bs, id, &status, &reason, &rev, &thisupd, &nextupd)) {
        rev_problem(v, "the response does not cover this certificate");
        goto out;
    }
    iso(thisupd, v->this_update);
    iso(nextupd, v->next_update);
    if (OCSP_check_validity(thisupd, nextupd, REVOCATION_SKEW, -1) != 1) {
        rev_problem(v, "the response is outside its validity period (stale: thisUpdate %s)",
                    v->this_update);
        goto out;
    }
    v->status = status == V_OCSP_CERTSTATUS_GOOD      ? "good"
                : status == V_OCSP_CERTSTATUS_REVOKED ? "revoked"
                                                      : "unknown";
    if (status == V_OCSP_CERTSTATUS_REVOKED) {
        iso(rev, v->revoked_at);
        if (reason_name(reason))
            v->reason = xstrdup(reason_name(reason));
    }
out:
    OCSP_CERTID_free(id);
    OCSP_CERTID_free(id2);
    OCSP_REQUEST_free(req);
    OCSP_RESPONSE_free(resp);
    OCSP_BASICRESP_free(bs);
    OPENSSL_free(der);
    http_response_free(&hr);
    ERR_clear_error();
}

static void crl_check(struct report *r, const struct doctor_net *net, STACK_OF(X509) * path,
                      int depth, const char *url)
{
    X509 *x = sk_X509_value(path, depth), *issuer = sk_X509_value(path, depth + 1);
    struct revocation *v = add_rev(r, depth, x, "crl", url);
    struct http_response hr = {0};
    X509_CRL *crl = NULL;
    char err[256];
    if (http_fetch(url, "GET", NULL, NULL, 0, CRL_BODY_MAX, net->timeout_s, net->st, &hr, err,
                   sizeof err) < 0) {
        rev_problem(v, "%s", err);
        goto out;
    }
    if (hr.status != 200) {
        char s[16];
        snprintf(s, sizeof s, "%d", hr.status);
        rev_problem(v, "the server answered HTTP %s", s);
        goto out;
    }
    const unsigned char *p = hr.body;
    crl = d2i_X509_CRL(NULL, &p, (long)hr.n);
    if (!crl) {
        BIO *b = BIO_new_mem_buf(hr.body, (int)hr.n);
        crl = b ? PEM_read_bio_X509_CRL(b, NULL, NULL, NULL) : NULL;
        BIO_free(b);
    }
    if (!crl) {
        rev_problem(v, "the answer is not a CRL");
        goto out;
    }
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0 ||
        X509_CRL_verify(crl, X509_get0_pubkey(issuer)) != 1) {
        rev_problem(v, "the CRL is not signed by the certificate's issuer");
        goto out;
    }
    iso(X509_CRL_get0_lastUpdate(crl), v->this_update);
    iso(X509_CRL_get0_nextUpdate(crl), v->next_update);
    time_t later = net->now + REVOCATION_SKEW, earlier = net->now - REVOCATION_SKEW;
    if (X509_cmp_time(X509_CRL_get0_lastUpdate(crl), &later) > 0 ||
        (X509_CRL_get0_nextUpdate(crl) &&
         X509_cmp_time(X509_CRL_get0_nextUpdate(crl), &earlier) < 0)) {
        rev_problem(v, "the CRL is outside its validity period (stale: nextUpdate %s)",
                    v->next_update);
        goto out;
    }
    X509_REVOKED *rv = NULL;
    if (X509_CRL_get0_by_serial(crl, &rv, X509_get0_serialNumber(x)) == 1 && rv) {
        v->status = "revoked";
        iso(X509_REVOKED_get0_revocationDate(rv), v->revoked_at);
        ASN1_ENUMERATED *re = X509_REVOKED_get_ext_d2i(rv, NID_crl_reason, NULL, NULL);
        if (re && reason_name((int)ASN1_ENUMERATED_get(re)))
            v->reason = xstrdup(reason_name((int)ASN1_ENUMERATED_get(re)));
        ASN1_ENUMERATED_free(re);
    } else {
        v->status = "good";
    }
out:
    X509_CRL_free(crl);
    http_response_free(&hr);
    ERR_clear_error();
}

void doctor_revocation(struct report *r, const struct doctor_net *net, STACK_OF(X509) * path)
{
    r->revocation_checked = true;
    int n = path ? sk_X509_num(path) : 0;
    for (int d = 0; d + 1 < n && d < REPORT_CHAIN_MAX; d++) {
        X509 *x = sk_X509_value(path, d);
        char *ocsp = aia_uri(x, NID_ad_OCSP), *crl = crl_uri(x);
        if (ocsp)
            ocsp_check(r, net, path, d, ocsp);
        if (crl)
            crl_check(r, net, path, d, crl);
        free(ocsp);
        free(crl);
    }
    bool revoked = false;
    for (size_t i = 0; i < r->n_revocation; i++) {
        const struct revocation *v = &r->revocation[i];
        if (!strcmp(v->status, "revoked") && !revoked) {
            doctor_add_verify_error(r, X509_V_ERR_CERT_REVOKED, v->depth, r->hostname, net->now);
            revoked = true;
        }
    }
    if (revoked)
        r->verify_ok = false;
}
