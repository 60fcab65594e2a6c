/* In-memory PKI generator: keys, X509v3 certificates and OCSP responses made with libcrypto,
 * handed out as PEM/DER so that tests and the demo lab need neither files nor the openssl CLI. */
#include "lab/pki.h"
#include "lab/pki_sct.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "util/fsutil.h"
#include "util/mem.h"
#include "util/strbuf.h"

#define PKI_NAME_MAX        64
#define PKI_SERIAL_BYTES    16
#define PKI_OCSP_VALID_DAYS 7

struct pki_entry {
    char *name;
    X509 *cert;
    EVP_PKEY *key;
    char *cert_pem;
    char *key_pem;
    long issuer; /* index of the issuing entry, -1 when self-signed */
};

struct pki {
    struct pki_entry *items;
    size_t len;
    size_t cap;
};

/* ---- errors ------------------------------------------------------------------------------ */

/* Writes "message: <last OpenSSL error>" into err, empties the error queue, returns -1. */
__attribute__((format(printf, 3, 4))) static int pki_fail(char *err, size_t errlen, const char *fmt,
                                                          ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    unsigned long e = ERR_peek_last_error();
    if (err && errlen > 0) {
        if (e != 0) {
            char ossl[256];
            ERR_error_string_n(e, ossl, sizeof ossl);
            snprintf(err, errlen, "%s: %s", msg, ossl);
        } else {
            snprintf(err, errlen, "%s", msg);
        }
    }
    ERR_clear_error();
    return -1;
}

/* ---- lookup ------------------------------------------------------------------------------ */

static long pki_index(const struct pki *p, const char *name)
{
    if (!p || !name)
        return -1;
    for (size_t i = 0; i < p->len; i++)
        if (strcmp(p->items[i].name, name) == 0)
            return (long)i;
    return -1;
}

static const struct pki_entry *pki_find(const struct pki *p, const char *name)
{
    long i = pki_index(p, name);
    return i < 0 ? NULL : &p->items[i];
}

size_t pki_count(const struct pki *p)
{
    return p ? p->len : 0;
}

const char *pki_name(const struct pki *p, size_t i)
{
    return p && i < p->len ? p->items[i].name : NULL;
}

const char *pki_cert_pem(const struct pki *p, const char *name)
{
    const struct pki_entry *e = pki_find(p, name);
    return e ? e->cert_pem : NULL;
}

const char *pki_key_pem(const struct pki *p, const char *name)
{
    const struct pki_entry *e = pki_find(p, name);
    return e ? e->key_pem : NULL;
}

/* ---- building blocks --------------------------------------------------------------------- */

/* A name is used as a file stem, so it must not be able to leave the target directory. */
static bool pki_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > PKI_NAME_MAX || name[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '.';
        if (!ok)
            return false;
    }
    return true;
}

static EVP_PKEY *pki_keygen(enum pki_key_type type)
{
    switch (type) {
    case PKI_RSA2048: return EVP_RSA_gen(2048);
    case PKI_RSA1024: return EVP_RSA_gen(1024);
    case PKI_EC_P256: return EVP_EC_gen("P-256");
    case PKI_EC_P384: return EVP_EC_gen("P-384");
    }
    return NULL;
}

/* Tests only: with TLSCOPE_PKI_KEY_POOL=DIR, RSA keys (the slow ones: ~0.25 s each) come from
 * a pool of PEM files DIR/rsaBITS-N.pem, N counting this process's requests of that size, made
 * on first use and kept (0600, written atomically), so a test suite that builds the same PKI in
 * each of its fifty processes pays the key generation once. Keys stay distinct within a
 * process; certificates are always made fresh. Unset (the demo lab, tlscope): new keys. */
static EVP_PKEY *pki_pool_key(enum pki_key_type type)
{
    static unsigned taken[2]; /* RSA-2048, RSA-1024 keys this process took from the pool */
    const char *dir = getenv("TLSCOPE_PKI_KEY_POOL");
    if (!dir || dir[0] != '/' || (type != PKI_RSA2048 && type != PKI_RSA1024))
        return pki_keygen(type);
    bool big = type == PKI_RSA2048;
    char file[64];
    snprintf(file, sizeof file, "rsa%d-%u.pem", big ? 2048 : 1024, taken[big ? 0 : 1]++);
    char *path = xasprintf("%s/%s", dir, file);
    BIO *in = BIO_new_file(path, "r");
    EVP_PKEY *key = in ? PEM_read_bio_PrivateKey(in, NULL, NULL, NULL) : NULL;
    BIO_free(in);
    free(path);
    if (key && EVP_PKEY_get_bits(key) == (big ? 2048 : 1024)) {
        ERR_clear_error();
        return key;
    }
    EVP_PKEY_free(key);
    key = pki_keygen(type);
    BIO *out = key ? BIO_new(BIO_s_mem()) : NULL;
    char *pem = NULL, err[256];
    long n = out && PEM_write_bio_PrivateKey(out, key, NULL, NULL, 0, NULL, NULL) == 1
                 ? BIO_get_mem_data(out, &pem)
                 : 0;
    if (n > 0) /* a pool that cannot be written costs time, not correctness */
        (void)pki_write_file(dir, file, pem, (size_t)n, 0600, err, sizeof err);
    BIO_free(out);
    ERR_clear_error();
    return key;
}

/* Reads one RDN value up to an unescaped ',' into sb; returns the position after it. */
static const char *pki_parse_value(const char *s, struct strbuf *sb)
{
    while (*s && *s != ',') {
        if (s[0] == '\\' && (s[1] == ',' || s[1] == '\\'))
            s++;
        sb_putc(sb, *s++);
    }
    return *s == ',' ? s + 1 : s;
}

/* Parses "CN=x,O=y" (see struct pki_spec) into name, each RDN inserted in front of the ones
 * before it (RFC 4514 order is the reverse of DER order). Returns 0 or -1 with err. */
static int pki_parse_name(const char *subject, X509_NAME *name, char *err, size_t errlen)
{
    const char *s = subject;
    while (*s) {
        while (*s == ' ')
            s++;
        const char *eq = strchr(s, '=');
        const char *comma = strchr(s, ',');
        if (!eq || (comma && comma < eq))
            return pki_fail(err, errlen, "subject \"%s\": expected KEY=VALUE", subject);
        size_t klen = (size_t)(eq - s);
        while (klen > 0 && s[klen - 1] == ' ')
            klen--;
        char *key = xstrndup(s, klen);
        struct strbuf val = {0};
        s = pki_parse_value(eq + 1, &val);
        int ok = val.len > 0 &&
                 X509_NAME_add_entry_by_txt(name, key, MBSTRING_UTF8,
                                            (const unsigned char *)val.buf, (int)val.len, 0, 0);
        int rc = ok ? 0 : pki_fail(err, errlen, "subject \"%s\": bad attribute %s", subject, key);
        free(key);
        sb_free(&val);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* A random positive 16-byte serial (top byte 0x40..0x7f, so always 16 bytes and non-zero). */
static int pki_set_serial(X509 *x)
{
    unsigned char buf[PKI_SERIAL_BYTES];
    BIGNUM *bn = NULL;
    int ok = 0;

    if (RAND_bytes(buf, sizeof buf) != 1)
        goto out;
    buf[0] = (unsigned char)((buf[0] & 0x3f) | 0x40);
    bn = BN_bin2bn(buf, sizeof buf, NULL);
    if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)))
        goto out;
    ok = 1;
out:
    BN_free(bn);
    return ok;
}

static int pki_add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    if (!ext)
        return 0;
    int ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    return ok;
}

/* Adds the v3 extensions for spec s to x, whose issuer certificate is iss (x when self-signed).
 * The public key must already be set: the SKI is its hash. Returns 1 or 0. */
static int pki_add_extensions(X509 *x, X509 *iss, const struct pki_spec *s)
{
    X509V3_CTX ctx;
    char *bc = NULL;
    char *aia = NULL;
    int ok = 0;
    bool ec = s->key == PKI_EC_P256 || s->key == PKI_EC_P384;

    X509V3_set_ctx(&ctx, iss, x, NULL, NULL, 0);
    if (s->is_ca)
        bc = s->path_len >= 0 ? xasprintf("critical,CA:TRUE,pathlen:%d", s->path_len)
                              : xstrdup("critical,CA:TRUE");
    else
        bc = xstrdup("CA:FALSE");
    if (!pki_add_ext(x, &ctx, NID_basic_constraints, bc) ||
        !pki_add_ext(x, &ctx, NID_subject_key_identifier, "hash") ||
        !pki_add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always"))
        goto out;
    if (s->is_ca) {
        if (!pki_add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign"))
            goto out;
    } else {
        const char *ku =
            ec ? "critical,digitalSignature" : "critical,digitalSignature,keyEncipherment";
        const char *eku = s->client_auth ? "clientAuth" : "serverAuth";
        if (!pki_add_ext(x, &ctx, NID_key_usage, ku) ||
            !pki_add_ext(x, &ctx, NID_ext_key_usage, eku))
            goto out;
    }
    if (s->san && !pki_add_ext(x, &ctx, NID_subject_alt_name, s->san))
        goto out;
    if (s->ocsp_url || s->ca_issuers_url) {
        aia = xasprintf("%s%s%s%s%s", s->ocsp_url ? "OCSP;URI:" : "",
                        s->ocsp_url ? s->ocsp_url : "", s->ocsp_url && s->ca_issuers_url ? "," : "",
                        s->ca_issuers_url ? "caIssuers;URI:" : "",
                        s->ca_issuers_url ? s->ca_issuers_url : "");
        if (!pki_add_ext(x, &ctx, NID_info_access, aia))
            goto out;
    }
    if (s->crl_url) { /* issue 13 */
        char *cdp = xasprintf("URI:%s", s->crl_url);
        int added = pki_add_ext(x, &ctx, NID_crl_distribution_points, cdp);
        free(cdp);
        if (!added)
            goto out;
    }
    ok = 1;
out:
    free(bc);
    free(aia);
    return ok;
}

/* The contents of a memory BIO as a new string. */
static char *pki_bio_string(BIO *b)
{
    char *data = NULL;
    long n = BIO_get_mem_data(b, &data);
    return xstrndup(data ? data : "", n > 0 ? (size_t)n : 0);
}

/* Fills e->cert_pem and e->key_pem. Returns 1 or 0. */
static int pki_make_pem(struct pki_entry *e)
{
    BIO *cb = BIO_new(BIO_s_mem());
    BIO *kb = BIO_new(BIO_s_mem());
    int ok = 0;

    if (!cb || !kb || !PEM_write_bio_X509(cb, e->cert) ||
        !PEM_write_bio_PrivateKey(kb, e->key, NULL, NULL, 0, NULL, NULL))
        goto out;
    e->cert_pem = pki_bio_string(cb);
    e->key_pem = pki_bio_string(kb);
    ok = 1;
out:
    BIO_free(cb);
    BIO_free(kb);
    return ok;
}

/* Sets subject, issuer, validity and key of x from spec s. Returns 0 or -1 with err. */
static int pki_fill_cert(X509 *x, const struct pki_spec *s, X509 *iss, EVP_PKEY *key, char *err,
                         size_t errlen)
{
    X509_NAME *name = X509_NAME_new();
    int ret = -1;

    if (!name) {
        pki_fail(err, errlen, "%s: out of memory", s->name);
        goto out;
    }
    if (pki_parse_name(s->subject, name, err, errlen) < 0)
        goto out;
    if (!X509_set_version(x, X509_VERSION_3) || !pki_set_serial(x) ||
        !X509_set_subject_name(x, name) ||
        !X509_set_issuer_name(x, iss ? X509_get_subject_name(iss) : name) ||
        !X509_time_adj_ex(X509_getm_notBefore(x), (int)s->not_before_days, 0, NULL) ||
        !X509_time_adj_ex(X509_getm_notAfter(x), (int)s->not_after_days, 0, NULL) ||
        !X509_set_pubkey(x, key)) {
        pki_fail(err, errlen, "%s: setting certificate fields", s->name);
        goto out;
    }
    if (!pki_add_extensions(x, iss ? iss : x, s)) {
        pki_fail(err, errlen, "%s: adding extensions", s->name);
        goto out;
    }
    ret = 0;
out:
    X509_NAME_free(name);
    return ret;
}

/* Generates spec s and appends it to p. Returns 0 or -1 with err (p unchanged). */
static int pki_make_one(struct pki *p, const struct pki_spec *s, char *err, size_t errlen)
{
    struct pki_entry e = {.issuer = -1};
    EVP_MD *md = NULL;
    int ret = -1;

    if (!pki_name_ok(s->name))
        return pki_fail(err, errlen, "bad certificate name \"%s\"", s->name ? s->name : "");
    if (pki_index(p, s->name) >= 0)
        return pki_fail(err, errlen, "%s: name used twice", s->name);
    if (!s->subject)
        return pki_fail(err, errlen, "%s: no subject", s->name);
    if (s->issuer && (e.issuer = pki_index(p, s->issuer)) < 0)
        return pki_fail(err, errlen, "%s: issuer \"%s\" is not an earlier certificate", s->name,
                        s->issuer);
    const struct pki_entry *iss = e.issuer >= 0 ? &p->items[e.issuer] : NULL;

    const char *digest = s->digest ? s->digest : "sha256";
    md = EVP_MD_fetch(NULL, digest, NULL);
    if (!md) {
        pki_fail(err, errlen, "%s: unknown digest %s", s->name, digest);
        goto out;
    }
    if (s->key_from) {
        long k = pki_index(p, s->key_from);
        if (k < 0) {
            pki_fail(err, errlen, "%s: key_from \"%s\" is not an earlier certificate", s->name,
                     s->key_from);
            goto out;
        }
        e.key = p->items[k].key;
        if (!EVP_PKEY_up_ref(e.key))
            e.key = NULL;
    } else {
        e.key = pki_pool_key(s->key);
    }
    e.cert = X509_new();
    if (!e.key || !e.cert) {
        pki_fail(err, errlen, "%s: generating key", s->name);
        goto out;
    }
    if (pki_fill_cert(e.cert, s, iss ? iss->cert : NULL, e.key, err, errlen) < 0)
        goto out;
    if (X509_sign(e.cert, iss ? iss->key : e.key, md) <= 0) {
        pki_fail(err, errlen, "%s: signing with %s", s->name, digest);
        goto out;
    }
    if (s->sct_log) { /* issue 13: an SCT from a test log, embedded */
        long k = pki_index(p, s->sct_log);
        if (k < 0 || !iss ||
            !pki_sct_embed(e.cert, iss->cert, iss->key, p->items[k].key, md, s->sct_bad)) {
            pki_fail(err, errlen, "%s: embedding an SCT from \"%s\"", s->name, s->sct_log);
            goto out;
        }
    }
    if (!pki_make_pem(&e)) {
        pki_fail(err, errlen, "%s: encoding PEM", s->name);
        goto out;
    }
    e.name = xstrdup(s->name);
    xgrow((void **)&p->items, &p->cap, p->len + 1, sizeof *p->items);
    p->items[p->len++] = e;
    e = (struct pki_entry){.issuer = -1}; /* now owned by p */
    ret = 0;
out:
    EVP_MD_free(md);
    X509_free(e.cert);
    EVP_PKEY_free(e.key);
    free(e.cert_pem);
    free(e.key_pem);
    return ret;
}

int pki_generate(const struct pki_spec *specs, size_t n, struct pki **out, char *err, size_t errlen)
{
    struct pki *p = xcalloc(1, sizeof *p);

    *out = NULL;
    for (size_t i = 0; i < n; i++) {
        if (pki_make_one(p, &specs[i], err, errlen) < 0) {
            pki_free(p);
            return -1;
        }
    }
    *out = p;
    return 0;
}

/* ---- derived outputs --------------------------------------------------------------------- */

char *pki_key_pem_encrypted(const struct pki *p, const char *name, const char *pass)
{
    const struct pki_entry *e = pki_find(p, name);
    BIO *b = NULL;
    char *ret = NULL;

    if (!e || !pass)
        return NULL;
    b = BIO_new(BIO_s_mem());
    if (!b || !PEM_write_bio_PKCS8PrivateKey(b, e->key, EVP_aes_256_cbc(), pass, (int)strlen(pass),
                                             NULL, NULL))
        goto out;
    ret = pki_bio_string(b);
out:
    BIO_free(b);
    ERR_clear_error();
    return ret;
}

unsigned char *pki_ocsp_response(const struct pki *p, const char *name, int status, size_t *len)
{
    return pki_ocsp_response_ex(p, name, status, 0, len);
}

static unsigned char *pki_ocsp_build(const struct pki *p, const char *name, int status,
                                     unsigned flags, EVP_PKEY *sct_log, size_t *len);

unsigned char *pki_ocsp_response_ex(const struct pki *p, const char *name, int status,
                                    unsigned flags, size_t *len)
{
    return pki_ocsp_build(p, name, status, flags, NULL, len);
}

unsigned char *pki_ocsp_response_sct(const struct pki *p, const char *name, const char *log,
                                     size_t *len)
{
    const struct pki_entry *l = pki_find(p, log);
    return l ? pki_ocsp_build(p, name, V_OCSP_CERTSTATUS_GOOD, 0, l->key, len) : NULL;
}

/* A response for `name`; with sct_log, its single response carries an SCT list (RFC 6962
 * 3.3) from that log over the certificate. */
static unsigned char *pki_ocsp_build(const struct pki *p, const char *name, int status,
                                     unsigned flags, EVP_PKEY *sct_log, size_t *len)
{
    const struct pki_entry *e = pki_find(p, name);
    OCSP_CERTID *id = NULL;
    OCSP_BASICRESP *bs = NULL;
    OCSP_RESPONSE *resp = NULL;
    ASN1_TIME *this_upd = NULL, *next_upd = NULL, *rev = NULL;
    unsigned char *der = NULL, *ret = NULL;

    if (!e || status < V_OCSP_CERTSTATUS_GOOD || status > V_OCSP_CERTSTATUS_UNKNOWN)
        return NULL;
    const struct pki_entry *signer = e->issuer >= 0 ? &p->items[e->issuer] : e;
    id = OCSP_cert_to_id(EVP_sha1(), e->cert, signer->cert);
    bs = OCSP_BASICRESP_new();
    bool stale = flags & PKI_OCSP_STALE;
    this_upd = X509_time_adj_ex(NULL, stale ? -10 : 0, 0, NULL);
    next_upd = X509_time_adj_ex(NULL, stale ? -3 : PKI_OCSP_VALID_DAYS, 0, NULL);
    if (status == V_OCSP_CERTSTATUS_REVOKED)
        rev = X509_time_adj_ex(NULL, -1, 0, NULL);
    if (!id || !bs || !this_upd || !next_upd || (status == V_OCSP_CERTSTATUS_REVOKED && !rev))
        goto out;
    int reason = status == V_OCSP_CERTSTATUS_REVOKED ? OCSP_REVOKED_STATUS_KEYCOMPROMISE : -1;
    OCSP_SINGLERESP *single =
        OCSP_basic_add1_status(bs, id, status, reason, rev, this_upd, next_upd);
    if (!single || (sct_log && !pki_sct_ocsp_ext(single, e->cert, sct_log)) ||
        !OCSP_basic_sign(bs, signer->cert, signer->key, EVP_sha256(), NULL, 0))
        goto out;
    if (flags & PKI_OCSP_BAD_SIGNATURE) { /* one bit of the signature flipped */
        const ASN1_OCTET_STRING *sig = OCSP_resp_get0_signature(bs);
        if (sig && ASN1_STRING_length(sig) > 8)
            ((unsigned char *)ASN1_STRING_get0_data(sig))[4] ^= 0x01;
    }
    resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
    int n = resp ? i2d_OCSP_RESPONSE(resp, &der) : -1;
    if (n <= 0)
        goto out;
    ret = xmalloc((size_t)n);
    memcpy(ret, der, (size_t)n);
    *len = (size_t)n;
out:
    OPENSSL_free(der);
    OCSP_RESPONSE_free(resp);
    OCSP_BASICRESP_free(bs);
    OCSP_CERTID_free(id);
    ASN1_TIME_free(this_upd);
    ASN1_TIME_free(next_upd);
    ASN1_TIME_free(rev);
    ERR_clear_error();
    return ret;
}

/* issue 13 */
unsigned char *pki_crl(const struct pki *p, const char *issuer, const char *const *revoked,
                       size_t n_revoked, bool stale, size_t *len)
{
    const struct pki_entry *ca = pki_find(p, issuer);
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *last = X509_time_adj_ex(NULL, stale ? -10 : 0, 0, NULL);
    ASN1_TIME *next = X509_time_adj_ex(NULL, stale ? -3 : PKI_OCSP_VALID_DAYS, 0, NULL);
    unsigned char *der = NULL, *ret = NULL;
    if (!ca || !crl || !last || !next || !X509_CRL_set_version(crl, 1) ||
        !X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca->cert)) ||
        !X509_CRL_set1_lastUpdate(crl, last) || !X509_CRL_set1_nextUpdate(crl, next))
        goto out;
    for (size_t i = 0; i < n_revoked; i++) {
        const struct pki_entry *e = pki_find(p, revoked[i]);
        X509_REVOKED *rv = e ? X509_REVOKED_new() : NULL;
        ASN1_ENUMERATED *reason = ASN1_ENUMERATED_new();
        if (!rv || !reason || !X509_REVOKED_set_serialNumber(rv, X509_get_serialNumber(e->cert)) ||
            !X509_REVOKED_set_revocationDate(rv, last) ||
            !ASN1_ENUMERATED_set(reason, OCSP_REVOKED_STATUS_KEYCOMPROMISE) ||
            !X509_REVOKED_add1_ext_i2d(rv, NID_crl_reason, reason, 0, 0) ||
            !X509_CRL_add0_revoked(crl, rv)) {
            X509_REVOKED_free(rv);
            ASN1_ENUMERATED_free(reason);
            goto out;
        }
        ASN1_ENUMERATED_free(reason);
    }
    if (!X509_CRL_sort(crl) || !X509_CRL_sign(crl, ca->key, EVP_sha256()))
        goto out;
    int n = i2d_X509_CRL(crl, &der);
    if (n <= 0)
        goto out;
    ret = xmalloc((size_t)n);
    memcpy(ret, der, (size_t)n);
    *len = (size_t)n;
out:
    OPENSSL_free(der);
    X509_CRL_free(crl);
    ASN1_TIME_free(last);
    ASN1_TIME_free(next);
    ERR_clear_error();
    return ret;
}

unsigned char *pki_sct_list(const struct pki *p, const char *name, const char *log, size_t *len)
{
    const struct pki_entry *e = pki_find(p, name), *l = pki_find(p, log);
    return e && l ? pki_sct_tls(e->cert, l->key, len) : NULL;
}

char *pki_pubkey_b64(const struct pki *p, const char *name)
{
    const struct pki_entry *e = pki_find(p, name);
    unsigned char *der = NULL;
    int n = e ? i2d_PUBKEY(e->key, &der) : -1;
    char *b64 = NULL;
    if (n > 0) {
        b64 = xmalloc(4 * (((size_t)n + 2) / 3) + 1);
        EVP_EncodeBlock((unsigned char *)b64, der, n);
    }
    OPENSSL_free(der);
    return b64;
}

/* ---- files ------------------------------------------------------------------------------- */

int pki_write_file(const char *dir, const char *file, const void *data, size_t n, int mode,
                   char *err, size_t errlen)
{
    char *path = xasprintf("%s/%s", dir, file);
    int ret = file_write_atomic(path, data, n, (mode_t)mode, true, err, errlen);
    free(path);
    return ret;
}

int pki_write_dir(const struct pki *p, const char *dir, char *err, size_t errlen)
{
    for (size_t i = 0; i < p->len; i++) {
        const struct pki_entry *e = &p->items[i];
        char *crt = xasprintf("%s.crt", e->name);
        char *key = xasprintf("%s.key", e->name);
        int rc = pki_write_file(dir, crt, e->cert_pem, strlen(e->cert_pem), 0644, err, errlen);
        if (rc == 0)
            rc = pki_write_file(dir, key, e->key_pem, strlen(e->key_pem), 0600, err, errlen);
        free(crt);
        free(key);
        if (rc < 0)
            return -1;
    }
    return 0;
}

void pki_free(struct pki *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->len; i++) {
        struct pki_entry *e = &p->items[i];
        free(e->name);
        X509_free(e->cert);
        EVP_PKEY_free(e->key);
        free(e->cert_pem);
        free(e->key_pem);
    }
    free(p->items);
    free(p);
}
