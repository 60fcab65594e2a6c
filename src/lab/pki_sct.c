/* issue 13: SCTs signed by a test CT log (see pki_sct.h). */
#include "lab/pki_sct.h"

#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/mem.h"
#include "util/strbuf.h"

static void put_n(struct strbuf *sb, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--)
        sb_putc(sb, (char)(unsigned char)(v >> (8 * i)));
}

static bool sha256_of_pubkey(EVP_PKEY *k, unsigned char out[32])
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(k, &der);
    unsigned int len = 0;
    bool ok = n > 0 && EVP_Digest(der, (size_t)n, out, &len, EVP_sha256(), NULL) && len == 32;
    OPENSSL_free(der);
    return ok;
}

/* One SCT from log_key over the entry: type 0 (x509: body = the certificate) or 1 (precert:
 * issuer key hash + body = the TBSCertificate). */
static SCT *make_sct(EVP_PKEY *log_key, int entry_type, const unsigned char *issuer_hash,
                     const unsigned char *body, size_t body_len, bool bad)
{
    uint64_t ts = (uint64_t)(time(NULL) - 3600) * 1000;
    struct strbuf sb = {0};
    put_n(&sb, 0, 1); /* v1 */
    put_n(&sb, 0, 1); /* certificate_timestamp */
    put_n(&sb, ts, 8);
    put_n(&sb, (uint64_t)entry_type, 2);
    if (entry_type == 1)
        sb_add(&sb, (const char *)issuer_hash, 32);
    put_n(&sb, body_len, 3);
    sb_add(&sb, (const char *)body, body_len);
    put_n(&sb, 0, 2); /* no extensions */
    unsigned char id[32], *sig = NULL;
    size_t siglen = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    SCT *sct = NULL;
    if (!md || !sha256_of_pubkey(log_key, id) ||
        EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, log_key) != 1 ||
        EVP_DigestSign(md, NULL, &siglen, (const unsigned char *)sb.buf, sb.len) != 1)
        goto out;
    sig = xmalloc(siglen);
    if (EVP_DigestSign(md, sig, &siglen, (const unsigned char *)sb.buf, sb.len) != 1)
        goto out;
    if (bad)
        sig[siglen / 2] ^= 0x01;
    sct = SCT_new();
    if (!sct || !SCT_set_version(sct, SCT_VERSION_V1) || !SCT_set1_log_id(sct, id, 32) ||
        !SCT_set_signature_nid(sct, NID_ecdsa_with_SHA256) ||
        !SCT_set1_signature(sct, sig, siglen)) {
        SCT_free(sct);
        sct = NULL;
        goto out;
    }
    SCT_set_timestamp(sct, ts);
out:
    free(sig);
    EVP_MD_CTX_free(md);
    sb_free(&sb);
    return sct;
}

int pki_sct_embed(X509 *x, X509 *issuer, EVP_PKEY *issuer_key, EVP_PKEY *log_key, const EVP_MD *md,
                  bool bad)
{
    unsigned char hash[32], *tbs = NULL;
    int n = i2d_re_X509_tbs(x, &tbs);
    STACK_OF(SCT) *list = sk_SCT_new_null();
    int ok = 0;
    SCT *sct = NULL;
    if (n <= 0 || !list || !sha256_of_pubkey(X509_get0_pubkey(issuer), hash))
        goto out;
    sct = make_sct(log_key, 1, hash, tbs, (size_t)n, bad);
    if (!sct || !sk_SCT_push(list, sct))
        goto out;
    sct = NULL;
    ok = X509_add1_ext_i2d(x, NID_ct_precert_scts, list, 0, 0) == 1 &&
         X509_sign(x, issuer_key, md) > 0;
out:
    SCT_free(sct);
    SCT_LIST_free(list);
    OPENSSL_free(tbs);
    ERR_clear_error();
    return ok;
}

unsigned char *pki_sct_tls(X509 *x, EVP_PKEY *log_key, size_t *len)
{
    unsigned char *der = NULL, *out = NULL, *ret = NULL;
    int n = i2d_X509(x, &der);
    STACK_OF(SCT) *list = sk_SCT_new_null();
    SCT *sct = n > 0 ? make_sct(log_key, 0, NULL, der, (size_t)n, false) : NULL;
    if (!list || !sct || !sk_SCT_push(list, sct)) {
        SCT_free(sct);
        goto out;
    }
    int m = i2o_SCT_LIST(list, &out);
    if (m > 0) {
        ret = xmalloc((size_t)m);
        memcpy(ret, out, (size_t)m);
        *len = (size_t)m;
    }
out:
    SCT_LIST_free(list);
    OPENSSL_free(der);
    OPENSSL_free(out);
    ERR_clear_error();
    return ret;
}

int pki_sct_ocsp_ext(OCSP_SINGLERESP *single, X509 *x, EVP_PKEY *log_key)
{
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der), ok = 0;
    STACK_OF(SCT) *list = sk_SCT_new_null();
    SCT *sct = n > 0 ? make_sct(log_key, 0, NULL, der, (size_t)n, false) : NULL;
    if (list && sct && sk_SCT_push(list, sct)) {
        sct = NULL;
        ok = OCSP_SINGLERESP_add1_ext_i2d(single, NID_ct_cert_scts, list, 0, 0) == 1;
    }
    SCT_free(sct);
    SCT_LIST_free(list);
    OPENSSL_free(der);
    ERR_clear_error();
    return ok;
}
