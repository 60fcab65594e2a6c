/* issue 13: the certificate doctor's check of a chain file (see doctor.h). */
#include "engine/doctor.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/certinfo.h"
#include "engine/chain.h"
#include "engine/chainfile.h"
#include "engine/ct.h"
#include "engine/doctor_net.h"
#include "engine/verify_errors.h"
#include "model/findings.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/sanitize.h"
#include "util/timeutil.h"

static struct doctor_secret_reader secret_reader;
static bool secret_reader_set;

void doctor_set_secret_reader(const struct doctor_secret_reader *r)
{
    secret_reader_set = r != NULL;
    if (r)
        secret_reader = *r;
}

const struct doctor_secret_reader *doctor_secret_reader(void)
{
    return secret_reader_set ? &secret_reader : NULL;
}

int doctor_pass_source(const char *flag, const char *src, char *out, size_t outlen, char *err,
                       size_t errlen)
{
    if (!strncmp(src, "env:", 4)) {
        const char *v = getenv(src + 4);
        if (!v) {
            snprintf(err, errlen, "%s %s: environment variable %s is not set", flag, src, src + 4);
            return -1;
        }
        snprintf(out, outlen, "%s", v);
        return 0;
    }
    if (!strncmp(src, "file:", 5)) {
        /* Its first line; a directory, FIFO or device is refused by name, never read as an
         * empty (and so "wrong") passphrase. */
        char *data = NULL, e[600];
        size_t n = 0;
        if (file_read_bounded(src + 5, 64 * 1024, &data, &n, e, sizeof(e)) < 0) {
            if (errno == EISDIR)
                snprintf(err, errlen, "%s %s: %s is a directory, not a passphrase file", flag, src,
                         src + 5);
            else
                snprintf(err, errlen, "%s %s: %s", flag, src, e);
            return -1;
        }
        size_t len = strcspn(data, "\r\n");
        if (len >= outlen)
            len = outlen - 1;
        memcpy(out, data, len);
        out[len] = '\0';
        OPENSSL_cleanse(data, n);
        free(data);
        return 0;
    }
    snprintf(err, errlen,
             "%s must be env:VAR or file:PATH; a literal passphrase on the command line is "
             "visible to every user of this machine (ps, shell history)",
             flag);
    return -1;
}

/* ---- verification ------------------------------------------------------------------------ */

static int verify_cb(int ok, X509_STORE_CTX *ctx)
{
    struct verify_rec *v = X509_STORE_CTX_get_app_data(ctx);
    if (ok || !v)
        return 1;
    int code = X509_STORE_CTX_get_error(ctx), depth = X509_STORE_CTX_get_error_depth(ctx);
    for (size_t i = 0; i < v->n; i++)
        if (v->code[i] == code && v->depth[i] == depth)
            return 1;
    if (v->n < VERIFY_ERRORS_MAX) {
        v->code[v->n] = code;
        v->depth[v->n++] = depth;
    }
    return 1; /* record and go on: every error is reported */
}

static X509_STORE *trust_store(const struct doctor_opts *o, char *err, size_t errlen)
{
    X509_STORE *st = X509_STORE_new();
    if (!st)
        return NULL;
    int ok = o->ca_file || o->ca_path ? X509_STORE_load_locations(st, o->ca_file, o->ca_path)
                                      : X509_STORE_set_default_paths(st);
    if (ok != 1) {
        snprintf(err, errlen, "cannot load the trust store %s", o->ca_file ? o->ca_file : "");
        X509_STORE_free(st);
        ERR_clear_error();
        return NULL;
    }
    return st;
}

static void copy_certs(STACK_OF(X509) * sk, struct cert_info **out, size_t *n, time_t now)
{
    int k = sk ? sk_X509_num(sk) : 0;
    if (k > REPORT_CHAIN_MAX)
        k = REPORT_CHAIN_MAX;
    *out = xcalloc((size_t)k + 1, sizeof(**out));
    *n = 0;
    for (int i = 0; i < k; i++)
        if (certinfo_from_x509(sk_X509_value(sk, i), now, &(*out)[*n]) == 0)
            (*n)++;
}

void doctor_add_verify_error(struct report *r, int code, int depth, const char *name, time_t now)
{
    const struct cert_info *ci = depth >= 0 && (size_t)depth < r->n_verified ? &r->verified[depth]
                                 : depth >= 0 && (size_t)depth < r->n_sent   ? &r->sent[depth]
                                                                             : NULL;
    char *expl = NULL, *fix = NULL, buf[64];
    verify_error_describe(code, depth, ci, r->n_verified ? r->n_verified : r->n_sent, name, now,
                          &expl, &fix);
    r->verify_errors =
        xrealloc(r->verify_errors, (r->n_verify_errors + 1) * sizeof(*r->verify_errors));
    struct verify_error *e = &r->verify_errors[r->n_verify_errors++];
    memset(e, 0, sizeof(*e));
    e->depth = depth;
    e->code = code;
    e->name = xstrdup(verify_error_name(code, buf, sizeof buf));
    e->message = xstrdup(X509_verify_cert_error_string(code));
    e->explanation = expl;
    e->fix = fix;
}

STACK_OF(X509) * doctor_verify(X509_STORE *st, X509 *leaf, STACK_OF(X509) * untrusted,
                               const char *name, time_t now, struct verify_rec *rec)
{
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    STACK_OF(X509) *path = NULL;
    memset(rec, 0, sizeof(*rec));
    if (!ctx || X509_STORE_CTX_init(ctx, st, leaf, untrusted) != 1)
        goto out;
    X509_STORE_CTX_set_app_data(ctx, rec);
    X509_STORE_CTX_set_verify_cb(ctx, verify_cb);
    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_time(param, now);
    if (name && host_is_ip_literal(name)) {
        X509_VERIFY_PARAM_set1_ip_asc(param, name);
    } else if (name) {
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        X509_VERIFY_PARAM_set1_host(param, name, 0);
    }
    X509_verify_cert(ctx);
    path = X509_STORE_CTX_get1_chain(ctx);
out:
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
    return path;
}

/* ---- the leaf and the key ------------------------------------------------------------------ */

/* The leaf: the certificate the key belongs to, else the first that is not a CA, else the
 * first. */
static int pick_leaf(STACK_OF(X509) * certs, EVP_PKEY *key)
{
    int n = sk_X509_num(certs);
    for (int i = 0; key && i < n; i++)
        if (EVP_PKEY_eq(X509_get0_pubkey(sk_X509_value(certs, i)), key) == 1)
            return i;
    for (int i = 0; i < n; i++)
        if (X509_check_ca(sk_X509_value(certs, i)) == 0)
            return i;
    ERR_clear_error();
    return 0;
}

static int load_key(const struct doctor_opts *o, EVP_PKEY **key, char *err, size_t errlen)
{
    char *data = NULL, e[600];
    size_t n = 0;
    if (file_read_bounded(o->key_file, 1 << 20, &data, &n, e, sizeof e) < 0) {
        snprintf(err, errlen, "--key %s", e);
        return DOCTOR_ERROR;
    }
    BIO *b = BIO_new_mem_buf(data, (int)n);
    *key = b ? PEM_read_bio_PrivateKey(b, NULL, chainfile_pass_cb, (void *)o->key_pass) : NULL;
    if (!*key && b) { /* DER, unencrypted */
        const unsigned char *p = (const unsigned char *)data;
        *key = d2i_AutoPrivateKey(NULL, &p, (long)n);
    }
    BIO_free(b);
    bool encrypted = strstr(data, "ENCRYPTED") != NULL;
    OPENSSL_cleanse(data, n);
    free(data);
    ERR_clear_error();
    if (*key)
        return DOCTOR_OK;
    if (encrypted && !o->key_pass) {
        snprintf(err, errlen,
                 "--key %s is encrypted: give its passphrase with --pass env:VAR or --pass "
                 "file:PATH",
                 o->key_file);
        return DOCTOR_NEED_PASS;
    }
    snprintf(err, errlen, "--key %s: %s", o->key_file,
             encrypted ? "wrong passphrase" : "not a private key (PEM or DER)");
    return encrypted ? DOCTOR_NEED_PASS : DOCTOR_ERROR;
}

static void check_key(struct report *r, STACK_OF(X509) * certs, int leaf, EVP_PKEY *key)
{
    struct chain_check *ck = r->check;
    ck->key_checked = true;
    ck->key_match = EVP_PKEY_eq(X509_get0_pubkey(sk_X509_value(certs, leaf)), key) == 1;
    for (int i = 0; !ck->key_match && i < sk_X509_num(certs); i++)
        if (EVP_PKEY_eq(X509_get0_pubkey(sk_X509_value(certs, i)), key) == 1) {
            char *s = certinfo_name(X509_get_subject_name(sk_X509_value(certs, i)));
            ck->key_matches = xasprintf("certificate #%d in the file (%s)", i + 1, s);
            free(s);
        }
    ERR_clear_error();
}

static void check_name(struct report *r, X509 *leaf, const char *name)
{
    r->hostname_checked = true;
    r->hostname = xstrdup(name);
    if (host_is_ip_literal(name)) {
        r->hostname_match = X509_check_ip_asc(leaf, name, 0) == 1;
        if (r->hostname_match)
            r->hostname_matched = xasprintf("IP:%s", name);
        return;
    }
    char *peer = NULL;
    r->hostname_match =
        X509_check_host(leaf, name, 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, &peer) == 1;
    if (peer) {
        r->hostname_matched = utf8_repair(peer, strlen(peer));
        OPENSSL_free(peer);
    }
}

/* Ready to deploy: nothing high or critical, the chain in shape, the key the leaf's. */
static bool ready(const struct report *r)
{
    for (size_t i = 0; i < r->n_findings; i++)
        if (r->findings[i].severity >= SEV_HIGH)
            return false;
    if (r->chain_issues & (CHAIN_WRONG_ORDER | CHAIN_EXTRA_CERTIFICATE | CHAIN_DUPLICATE |
                           CHAIN_MISSING_INTERMEDIATE | CHAIN_TOO_LONG))
        return false;
    if (r->check->leaf_index || (r->check->key_checked && !r->check->key_match))
        return false;
    return r->verify_ok && (!r->hostname_checked || r->hostname_match);
}

static void fill_effective(struct report *r, const struct doctor_opts *o)
{
    r->effective.verify = true;
    r->effective.hostname_check = o->name != NULL;
    r->effective.trust = o->ca_file   ? xasprintf("file %s", o->ca_file)
                         : o->ca_path ? xasprintf("directory %s", o->ca_path)
                                      : xstrdup("system store");
    r->effective.openssl_version = xstrdup(OpenSSL_version(OPENSSL_VERSION));
    r->effective.sec_level = -1;
}

int doctor_check(const struct doctor_opts *o, struct report **out, char *err, size_t errlen)
{
    struct chainfile cf;
    char e[600];
    time_t now = o->now ? o->now : time(NULL);
    *out = NULL;
    int rc = chainfile_read(o->data, o->n, o->pass, &cf, e, sizeof e);
    if (rc != CHAINFILE_OK) {
        snprintf(err, errlen, "%s: %s", o->file, e);
        chainfile_free(&cf);
        return rc;
    }
    EVP_PKEY *key = NULL;
    if (o->key_file && (rc = load_key(o, &key, err, errlen)) != DOCTOR_OK) {
        chainfile_free(&cf);
        return rc;
    }
    X509_STORE *st = trust_store(o, err, errlen);
    if (!st) {
        EVP_PKEY_free(key);
        chainfile_free(&cf);
        return DOCTOR_ERROR;
    }
    struct report *r = report_new();
    struct chain_check *ck = r->check = xcalloc(1, sizeof(*ck));
    ck->file = xstrdup(o->file);
    ck->format = cf.format;
    ck->name = o->name ? xstrdup(o->name) : NULL;
    ck->n_ca_crt = cf.n_ca;
    ck->key_in_file = cf.key != NULL || cf.key_encrypted;
    iso8601_utc(now, r->started_at, sizeof r->started_at);
    fill_effective(r, o);
    /* The sent list: the leaf first, then the rest in file order. */
    int leaf = pick_leaf(cf.certs, key ? key : cf.key);
    ck->leaf_index = (size_t)leaf;
    STACK_OF(X509) *sent = sk_X509_new_null(), *untrusted = sk_X509_new_null();
    X509 *lx = sk_X509_value(cf.certs, leaf);
    sk_X509_push(sent, lx);
    for (int i = 0; i < sk_X509_num(cf.certs); i++)
        if (i != leaf) {
            sk_X509_push(sent, sk_X509_value(cf.certs, i));
            sk_X509_push(untrusted, sk_X509_value(cf.certs, i));
        }
    struct verify_rec rec;
    STACK_OF(X509) *path = doctor_verify(st, lx, untrusted, o->name, now, &rec);
    copy_certs(sent, &r->sent, &r->n_sent, now);
    r->n_sent_total = cf.n_total;
    copy_certs(path, &r->verified, &r->n_verified, now);
    r->n_verified_total = path ? (size_t)sk_X509_num(path) : 0;
    for (size_t i = 0; i < rec.n; i++)
        doctor_add_verify_error(r, rec.code[i], rec.depth[i], o->name, now);
    r->verify_ok = rec.n == 0 && r->n_sent > 0;
    if (o->name)
        check_name(r, lx, o->name);
    chain_roles(r);
    r->chain_issues = chain_analyse(r);
    if (key)
        check_key(r, cf.certs, leaf, key);
    else if (cf.key)
        check_key(r, cf.certs, leaf, cf.key);
    if (ck->key_checked)
        ck->key_source = xstrdup(key ? o->key_file : "the file's own key");
    struct doctor_net net = {
        .st = st, .now = now, .timeout_s = o->timeout_s > 0 ? o->timeout_s : 10};
    if (o->aia || o->revocation) {
        struct doctor_job *job =
            doctor_job_new(r, &net, lx, untrusted, path, o->name, o->aia, o->revocation);
        doctor_job_run(job);
        doctor_job_free(job);
    }
    X509 *issuer = path && sk_X509_num(path) > 1 ? sk_X509_value(path, 1) : NULL;
    ct_collect(r, o->ct_logs, lx, issuer, NULL, NULL, 0, now);
    r->ok = true;
    r->reached = STAGE_DONE;
    findings_compute(r, now);
    ck->ready = ready(r);
    sk_X509_pop_free(path, X509_free);
    sk_X509_free(sent);
    sk_X509_free(untrusted);
    X509_STORE_free(st);
    EVP_PKEY_free(key);
    chainfile_free(&cf);
    ERR_clear_error();
    *out = r;
    return DOCTOR_OK;
}

size_t doctor_chain_to_serve(const struct report *r, const struct cert_info **out, size_t max)
{
    if (!r->n_aia_path || !r->aia_verify_ok || r->verify_ok)
        return report_chain_to_serve(r, out, max);
    size_t k = 0;
    for (size_t i = 0; i < r->n_aia_path && k < max; i++) {
        const struct cert_info *c = &r->aia_path[i];
        if (i > 0 && c->self_signed)
            break;
        out[k++] = i == 0 && r->n_sent ? &r->sent[0] : c;
    }
    return k;
}
