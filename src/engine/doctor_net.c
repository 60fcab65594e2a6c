/* issue 13: --aia and --revocation for the certificate doctor (see doctor_net.h). */
#include "engine/doctor_net.h"

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/certinfo.h"
#include "engine/chainfile.h"
#include "engine/http.h"
#include "util/mem.h"
#include "util/pollwait.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

/* ---- the job: every fetch of one check, side by side -------------------------------------- */

enum task_kind { T_AIA, T_OCSP, T_CRL };

/* One task: the AIA walk (fetches one after another), or one certificate's OCSP or CRL. */
struct task {
    enum task_kind kind;
    bool started, over;
    struct http_req *q; /* the fetch under way, or NULL */
    size_t entry;       /* AIA: r->fetched of the fetch under way; else r->revocation */
    int depth;          /* OCSP, CRL: the certificate's depth in the path */
    char *url;          /* OCSP, CRL: the responder's or the CRL's URL */
    OCSP_REQUEST *req;  /* OCSP: the request, its certificate id and its DER */
    OCSP_CERTID *id;
    unsigned char *der;
    int n_der;
    bool by_get; /* OCSP: the fetch under way is the GET (a POST follows a refused GET) */
};

struct doctor_job {
    struct report *r;
    struct doctor_net net; /* net.st: a reference */
    char *name;
    X509 *leaf;
    STACK_OF(X509) * extra; /* the other certificates, then what AIA fetched (references) */
    STACK_OF(X509) * path;  /* the verified path, for revocation (references) */
    /* the AIA walk */
    X509 *cur; /* the certificate whose issuer is sought */
    int depth;
    size_t fetches;
    struct verify_rec rec;
    STACK_OF(X509) * aia_path;
    struct task *tasks;
    size_t n_tasks;
    bool ended;
};

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

/* The walk is over: the verification with what was fetched, when anything was. */
static void aia_end(struct doctor_job *j, struct task *t)
{
    struct report *r = j->r;
    t->over = true;
    if (!r->n_fetched)
        return;
    r->aia_verify_ok = j->rec.n == 0;
    int k = j->aia_path ? sk_X509_num(j->aia_path) : 0;
    r->aia_path = xcalloc((size_t)k + 1, sizeof(*r->aia_path));
    for (int i = 0; i < k && i < REPORT_CHAIN_MAX; i++)
        if (certinfo_from_x509(sk_X509_value(j->aia_path, i), j->net.now,
                               &r->aia_path[r->n_aia_path]) == 0)
            r->n_aia_path++;
}

static void reverify(struct doctor_job *j)
{
    sk_X509_pop_free(j->aia_path, X509_free);
    j->aia_path = doctor_verify(j->net.st, j->leaf, j->extra, j->name, j->net.now, &j->rec);
}

/* Climbs while the missing issuer is at hand, then starts the next caIssuers fetch, or ends
 * the walk (complete, no URL, or AIA_FETCH_MAX fetched). */
static void aia_next(struct doctor_job *j, struct task *t)
{
    while (issuer_error(&j->rec) && j->fetches < AIA_FETCH_MAX) {
        X509 *up = issuer_in(j->extra, j->cur);
        if (up) { /* already have it: climb */
            j->cur = up;
            if (++j->depth > REPORT_CHAIN_MAX)
                break;
            continue;
        }
        char *url = certinfo_uri(j->cur, NID_ad_ca_issuers);
        if (!url)
            break;
        add_fetched(j->r, url, j->depth);
        t->entry = j->r->n_fetched - 1;
        j->fetches++;
        t->q = http_start(url, "GET", NULL, NULL, 0, AIA_BODY_MAX, j->net.timeout_s, j->net.st);
        free(url);
        return;
    }
    aia_end(j, t);
}

/* The fetch under way is over: 0 with its answer, or -1 with why none; the fetch is freed. */
static int take_answer(struct task *t, struct http_response *hr, char *err, size_t n)
{
    int rc = http_result(t->q, hr, err, n);
    http_free(t->q);
    t->q = NULL;
    return rc;
}

static void aia_answer(struct doctor_job *j, struct task *t)
{
    struct fetched_cert *f = &j->r->fetched[t->entry];
    struct http_response resp;
    char err[256];
    if (take_answer(t, &resp, err, sizeof err) < 0) {
        f->outcome = xstrdup(err);
    } else if (resp.status != 200) {
        f->outcome = xasprintf("HTTP %d", resp.status);
    } else {
        struct chainfile cf;
        if (chainfile_read(resp.body, resp.n, NULL, &cf, err, sizeof err) != CHAINFILE_OK) {
            f->outcome = xasprintf("not a certificate: %s", err);
        } else {
            X509 *found = issuer_in(cf.certs, j->cur);
            X509 *first = found ? found : sk_X509_value(cf.certs, 0);
            f->subject = certinfo_name(X509_get_subject_name(first));
            f->outcome = xstrdup(found ? "ok" : "not the issuer of the certificate");
            for (int i = 0; i < sk_X509_num(cf.certs); i++) {
                X509 *x = sk_X509_value(cf.certs, i);
                X509_up_ref(x);
                sk_X509_push(j->extra, x);
            }
            if (found) {
                j->cur = found; /* alive: extra holds a reference */
                j->depth++;
            }
        }
        chainfile_free(&cf);
    }
    http_response_free(&resp);
    ERR_clear_error();
    reverify(j);
    if (f->subject)
        aia_next(j, t);
    else
        aia_end(j, t);
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

static void ocsp_post(struct doctor_job *j, struct task *t)
{
    t->by_get = false;
    t->q = http_start(t->url, "POST", "application/ocsp-request", t->der, (size_t)t->n_der,
                      OCSP_BODY_MAX, j->net.timeout_s, j->net.st);
}

/* Builds the request (a nonce offered) and sends it: GET when the encoded request is small
 * (RFC 5019), POST otherwise. */
static void ocsp_begin(struct doctor_job *j, struct task *t)
{
    struct revocation *v = &j->r->revocation[t->entry];
    X509 *x = sk_X509_value(j->path, t->depth), *issuer = sk_X509_value(j->path, t->depth + 1);
    t->req = OCSP_REQUEST_new();
    t->id = OCSP_cert_to_id(NULL, x, issuer);
    OCSP_CERTID *id2 = t->id ? OCSP_CERTID_dup(t->id) : NULL;
    if (!t->req || !id2 || !OCSP_request_add0_id(t->req, id2)) {
        OCSP_CERTID_free(id2);
        id2 = NULL;
    }
    if (!id2 || !OCSP_request_add1_nonce(t->req, NULL, -1)) {
        rev_problem(v, "cannot build the OCSP request");
        t->over = true;
        return;
    }
    t->n_der = i2d_OCSP_REQUEST(t->req, &t->der);
    if (t->n_der <= 0) {
        rev_problem(v, "cannot encode the OCSP request");
        t->over = true;
        return;
    }
    char *get = ocsp_get_url(t->url, t->der, t->n_der);
    if (strlen(get) - strlen(t->url) <= OCSP_GET_MAX) {
        t->by_get = true;
        t->q = http_start(get, "GET", NULL, NULL, 0, OCSP_BODY_MAX, j->net.timeout_s, j->net.st);
    } else {
        ocsp_post(j, t);
    }
    free(get);
}

/* The answer: its status, nonce, signature and the responder's authority, then the
 * certificate's status and the response's validity period. */
static void ocsp_verdict(struct doctor_job *j, struct task *t, struct revocation *v,
                         const struct http_response *hr)
{
    OCSP_RESPONSE *resp = NULL;
    OCSP_BASICRESP *bs = NULL;
    if (hr->status != 200) {
        rev_problem(v, "the responder answered HTTP %d", hr->status);
        goto out;
    }
    const unsigned char *p = hr->body;
    resp = d2i_OCSP_RESPONSE(NULL, &p, (long)hr->n);
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
    if (OCSP_check_nonce(t->req, bs) == 0) {
        rev_problem(v, "the response's nonce is not the one sent (a replayed answer?)");
        goto out;
    }
    if (OCSP_basic_verify(bs, j->path, j->net.st, 0) != 1) {
        char e[160];
        ERR_error_string_n(ERR_peek_last_error(), e, sizeof e);
        rev_problem(v, "the response's signature or its signer's authority does not verify (%s)",
                    e);
        goto out;
    }
    int status = -1, reason = -1;
    ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
    if (!OCSP_resp_find_status(bs, t->id, &status, &reason, &rev, &thisupd, &nextupd)) {
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
    OCSP_RESPONSE_free(resp);
    OCSP_BASICRESP_free(bs);
    ERR_clear_error();
}

/* The CRL: signed by the certificate's issuer, fresh, and the serial looked up. */
static void crl_verdict(struct doctor_job *j, struct task *t, struct revocation *v,
                        const struct http_response *hr)
{
    X509 *x = sk_X509_value(j->path, t->depth), *issuer = sk_X509_value(j->path, t->depth + 1);
    X509_CRL *crl = NULL;
    if (hr->status != 200) {
        rev_problem(v, "the server answered HTTP %d", hr->status);
        goto out;
    }
    const unsigned char *p = hr->body;
    crl = d2i_X509_CRL(NULL, &p, (long)hr->n);
    if (!crl) {
        BIO *b = BIO_new_mem_buf(hr->body, (int)hr->n);
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
    time_t later = j->net.now + REVOCATION_SKEW, earlier = j->net.now - REVOCATION_SKEW;
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
    ERR_clear_error();
}

/* An OCSP or CRL fetch is over: its verdict, or (OCSP) the POST after a refused GET. */
static void rev_answer(struct doctor_job *j, struct task *t)
{
    struct revocation *v = &j->r->revocation[t->entry];
    struct http_response hr;
    char err[256];
    int rc = take_answer(t, &hr, err, sizeof err);
    if (t->kind == T_OCSP && rc == 0 && t->by_get && hr.status != 200) {
        http_response_free(&hr); /* a responder that refuses GET */
        ocsp_post(j, t);
        return;
    }
    t->over = true;
    if (rc < 0)
        rev_problem(v, "%s", err);
    else if (t->kind == T_OCSP)
        ocsp_verdict(j, t, v, &hr);
    else
        crl_verdict(j, t, v, &hr);
    http_response_free(&hr);
}

/* ---- the job ------------------------------------------------------------------------------ */

static void add_task(struct doctor_job *j, enum task_kind kind, int depth, char *url)
{
    j->tasks = xrealloc(j->tasks, (j->n_tasks + 1) * sizeof(*j->tasks));
    struct task *t = &j->tasks[j->n_tasks++];
    memset(t, 0, sizeof(*t));
    t->kind = kind;
    t->depth = depth;
    t->url = url;
    if (kind != T_AIA) {
        add_rev(j->r, depth, sk_X509_value(j->path, depth), kind == T_OCSP ? "ocsp" : "crl", url);
        t->entry = j->r->n_revocation - 1;
    }
}

struct doctor_job *doctor_job_new(struct report *r, const struct doctor_net *net, X509 *leaf,
                                  STACK_OF(X509) * untrusted, STACK_OF(X509) * path,
                                  const char *name, bool aia, bool revocation)
{
    struct doctor_job *j = xcalloc(1, sizeof(*j));
    j->r = r;
    j->net = *net;
    if (j->net.st && !X509_STORE_up_ref(j->net.st))
        j->net.st = NULL;
    j->name = name ? xstrdup(name) : NULL;
    if (leaf && X509_up_ref(leaf))
        j->leaf = leaf;
    j->extra = untrusted ? X509_chain_up_ref(untrusted) : sk_X509_new_null();
    j->path = path ? X509_chain_up_ref(path) : sk_X509_new_null();
    if (aia && j->leaf && j->extra)
        add_task(j, T_AIA, 0, NULL);
    if (revocation && j->path) {
        r->revocation_checked = true;
        int n = sk_X509_num(j->path);
        for (int d = 0; d + 1 < n && d < REPORT_CHAIN_MAX; d++) {
            X509 *x = sk_X509_value(j->path, d);
            char *ocsp = certinfo_uri(x, NID_ad_OCSP),
                 *crl = certinfo_uri(x, NID_crl_distribution_points);
            if (ocsp)
                add_task(j, T_OCSP, d, ocsp);
            if (crl)
                add_task(j, T_CRL, d, crl);
        }
    }
    return j;
}

static void task_start(struct doctor_job *j, struct task *t)
{
    t->started = true;
    switch (t->kind) {
    case T_AIA:
        j->cur = j->leaf;
        reverify(j);
        aia_next(j, t);
        break;
    case T_OCSP: ocsp_begin(j, t); break;
    case T_CRL:
        t->q = http_start(t->url, "GET", NULL, NULL, 0, CRL_BODY_MAX, j->net.timeout_s, j->net.st);
        break;
    }
}

static void task_answer(struct doctor_job *j, struct task *t)
{
    if (t->kind == T_AIA)
        aia_answer(j, t);
    else
        rev_answer(j, t);
}

/* Everything answered: a revoked certificate fails verification. */
static void job_end(struct doctor_job *j)
{
    struct report *r = j->r;
    j->ended = true;
    for (size_t i = 0; i < r->n_revocation; i++) {
        const struct revocation *v = &r->revocation[i];
        if (!strcmp(v->status, "revoked")) {
            doctor_add_verify_error(r, X509_V_ERR_CERT_REVOKED, v->depth, r->hostname, j->net.now);
            r->verify_ok = false;
            break;
        }
    }
}

static short revents_of(const struct pollfd *fds, size_t n, int fd)
{
    for (size_t i = 0; fd >= 0 && fds && i < n; i++)
        if (fds[i].fd == fd)
            return fds[i].revents;
    return 0;
}

bool doctor_job_step(struct doctor_job *j, const struct pollfd *fds, size_t n)
{
    if (j->ended)
        return true;
    size_t running = 0;
    for (size_t i = 0; i < j->n_tasks; i++) {
        struct task *t = &j->tasks[i];
        if (!t->started || t->over)
            continue;
        if (!t->q) { /* not reached: a task that is not over has a fetch under way */
            t->over = true;
            continue;
        }
        struct pollfd w;
        int64_t dl;
        http_want(t->q, &w, &dl);
        if (http_step(t->q, revents_of(fds, n, w.fd)))
            task_answer(j, t);
        running += !t->over;
    }
    for (size_t i = 0; i < j->n_tasks && running < DOCTOR_PARALLEL; i++) {
        struct task *t = &j->tasks[i];
        if (t->started)
            continue;
        task_start(j, t);
        running += !t->over;
    }
    if (running)
        return false;
    job_end(j);
    return true;
}

size_t doctor_job_want(const struct doctor_job *j, struct pollfd *fds, size_t max,
                       int64_t *deadline_us)
{
    size_t k = 0;
    bool any = false;
    *deadline_us = INT64_MAX;
    for (size_t i = 0; i < j->n_tasks; i++) {
        const struct task *t = &j->tasks[i];
        if (!t->started || t->over || !t->q)
            continue;
        struct pollfd w;
        int64_t dl;
        http_want(t->q, &w, &dl);
        any = true;
        *deadline_us = dl < *deadline_us ? dl : *deadline_us;
        if (w.fd >= 0 && k < max)
            fds[k++] = w;
    }
    if (!any) /* nothing under way: the next step starts or ends something at once */
        *deadline_us = 0;
    return k;
}

void doctor_job_cancel(struct doctor_job *j)
{
    for (size_t i = 0; i < j->n_tasks; i++) {
        struct task *t = &j->tasks[i];
        if (t->over)
            continue;
        if (t->kind == T_AIA && t->q && !j->r->fetched[t->entry].outcome)
            j->r->fetched[t->entry].outcome = xstrdup("cancelled before an answer");
        else if (t->kind != T_AIA)
            rev_problem(&j->r->revocation[t->entry], "cancelled before an answer");
        http_free(t->q);
        t->q = NULL;
        t->over = true;
    }
    j->ended = true;
}

void doctor_job_free(struct doctor_job *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n_tasks; i++) {
        struct task *t = &j->tasks[i];
        http_free(t->q);
        free(t->url);
        OCSP_REQUEST_free(t->req);
        OCSP_CERTID_free(t->id);
        OPENSSL_free(t->der);
    }
    free(j->tasks);
    X509_free(j->leaf);
    sk_X509_pop_free(j->extra, X509_free);
    sk_X509_pop_free(j->path, X509_free);
    sk_X509_pop_free(j->aia_path, X509_free);
    X509_STORE_free(j->net.st);
    free(j->name);
    free(j);
    ERR_clear_error();
}

void doctor_job_run(struct doctor_job *j)
{
    struct pollfd fds[DOCTOR_PARALLEL];
    size_t n = 0;
    while (!doctor_job_step(j, fds, n)) {
        int64_t dl;
        n = doctor_job_want(j, fds, DOCTOR_PARALLEL, &dl);
        poll_until(fds, n, dl, 60000000);
    }
}
