/* issue 13: the chain-file reader (see chainfile.h). */
#include "engine/chainfile.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

static void keep(struct chainfile *cf, X509 *x)
{
    cf->n_total++;
    if (sk_X509_num(cf->certs) < REPORT_CHAIN_MAX)
        sk_X509_push(cf->certs, x);
    else
        X509_free(x);
}

int chainfile_pass_cb(char *buf, int size, int rwflag, void *userdata)
{
    (void)rwflag;
    const char *pass = userdata;
    if (!pass || size <= 0)
        return -1;
    size_t n = strlen(pass);
    if (n > (size_t)size)
        n = (size_t)size;
    memcpy(buf, pass, n);
    return (int)n;
}

static const char *ossl_err(char *buf, size_t n)
{
    unsigned long e = ERR_peek_last_error();
    if (!e)
        snprintf(buf, n, "malformed");
    else
        ERR_error_string_n(e, buf, n);
    ERR_clear_error();
    return buf;
}

static bool has(const unsigned char *d, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(d + i, s, k))
            return true;
    return false;
}

static bool is_key_block(const char *name)
{
    size_t n = strlen(name);
    return n >= 11 && !strcmp(name + n - 11, "PRIVATE KEY");
}

static void pkcs7_certs(struct chainfile *cf, PKCS7 *p7)
{
    STACK_OF(X509) *certs = NULL;
    int nid = OBJ_obj2nid(p7->type);
    if (nid == NID_pkcs7_signed && p7->d.sign)
        certs = p7->d.sign->cert;
    else if (nid == NID_pkcs7_signedAndEnveloped && p7->d.signed_and_enveloped)
        certs = p7->d.signed_and_enveloped->cert;
    for (int i = 0; certs && i < sk_X509_num(certs); i++) {
        X509 *x = sk_X509_value(certs, i);
        X509_up_ref(x);
        keep(cf, x);
    }
}

/* The private key of a PEM text (PEM_read_bio_PrivateKey skips other blocks). */
static void pem_key(struct chainfile *cf, const unsigned char *data, size_t n, const char *pass)
{
    BIO *b = BIO_new_mem_buf(data, (int)n);
    EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, chainfile_pass_cb, (void *)pass) : NULL;
    BIO_free(b);
    ERR_clear_error();
    if (k) {
        EVP_PKEY_free(cf->key);
        cf->key = k;
        cf->key_encrypted = false;
    } else {
        cf->key_encrypted = true; /* a key block that did not open: encrypted (or broken) */
    }
}

static int read_pem(struct chainfile *cf, const unsigned char *data, size_t n, const char *pass,
                    char *err, size_t errlen)
{
    BIO *b = BIO_new_mem_buf(data, (int)n);
    bool key = false;
    int rc = CHAINFILE_OK;
    for (size_t block = 1; b && block <= CHAINFILE_BLOCKS_MAX; block++) {
        char *name = NULL, *header = NULL;
        unsigned char *der = NULL;
        long len = 0;
        if (PEM_read_bio(b, &name, &header, &der, &len) != 1) {
            unsigned long e = ERR_peek_last_error();
            ERR_clear_error();
            if (ERR_GET_REASON(e) != PEM_R_NO_START_LINE) {
                snprintf(err, errlen,
                         "PEM block %zu: cannot be decoded (bad base64 or no END line)", block);
                rc = CHAINFILE_ERROR;
            }
            break;
        }
        const unsigned char *p = der;
        if (!strcmp(name, "CERTIFICATE") || !strcmp(name, "X509 CERTIFICATE") ||
            !strcmp(name, "TRUSTED CERTIFICATE")) {
            X509 *x = !strcmp(name, "TRUSTED CERTIFICATE") ? d2i_X509_AUX(NULL, &p, len)
                                                           : d2i_X509(NULL, &p, len);
            if (!x) {
                char e[160];
                snprintf(err, errlen, "PEM block %zu (%s): not a valid certificate: %s", block,
                         name, ossl_err(e, sizeof e));
                rc = CHAINFILE_ERROR;
            } else {
                keep(cf, x);
            }
        } else if (!strcmp(name, "PKCS7")) {
            PKCS7 *p7 = d2i_PKCS7(NULL, &p, len);
            if (!p7) {
                snprintf(err, errlen, "PEM block %zu (PKCS7): not a valid PKCS#7 bundle", block);
                rc = CHAINFILE_ERROR;
            } else {
                pkcs7_certs(cf, p7);
                PKCS7_free(p7);
            }
        } else if (is_key_block(name)) {
            key = true;
        }
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(der);
        if (rc != CHAINFILE_OK)
            break;
    }
    BIO_free(b);
    ERR_clear_error();
    if (rc == CHAINFILE_OK && key)
        pem_key(cf, data, n, pass);
    return rc;
}

static int read_der(struct chainfile *cf, const unsigned char *data, size_t n, char *err,
                    size_t errlen)
{
    const unsigned char *p = data, *end = data + n;
    for (size_t k = 0; p < end && k < CHAINFILE_BLOCKS_MAX; k++) {
        const unsigned char *start = p;
        X509 *x = d2i_X509(NULL, &p, end - p);
        if (!x) {
            ERR_clear_error();
            if (k == 0)
                return 1; /* not DER certificates: try the next format */
            snprintf(err, errlen, "DER: bytes at offset %zu are not a certificate",
                     (size_t)(start - data));
            return CHAINFILE_ERROR;
        }
        keep(cf, x);
    }
    cf->format = "DER";
    return CHAINFILE_OK;
}

static int read_p12(struct chainfile *cf, const unsigned char *data, size_t n, const char *pass,
                    char *err, size_t errlen)
{
    const unsigned char *p = data;
    PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)n);
    if (!p12) {
        ERR_clear_error();
        return 1;
    }
    cf->format = "PKCS#12";
    const char *pw = pass;
    if (PKCS12_mac_present(p12)) {
        const char *why = NULL;
        if (pass && !PKCS12_verify_mac(p12, pass, -1))
            why = "the PKCS#12 password does not open the file (MAC check failed)";
        else if (!pass && PKCS12_verify_mac(p12, "", 0))
            pw = "";
        else if (!pass && !PKCS12_verify_mac(p12, NULL, 0))
            why = "the PKCS#12 file is protected by a password: give it with --pass env:VAR or "
                  "--pass file:PATH";
        if (why) {
            snprintf(err, errlen, "%s", why);
            PKCS12_free(p12);
            ERR_clear_error();
            return CHAINFILE_NEED_PASS;
        }
    }
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    STACK_OF(X509) *ca = NULL;
    int ok = PKCS12_parse(p12, pw, &key, &cert, &ca);
    PKCS12_free(p12);
    if (!ok) {
        char e[160];
        snprintf(err, errlen, "the PKCS#12 file cannot be read: %s", ossl_err(e, sizeof e));
        return CHAINFILE_ERROR;
    }
    if (cert)
        keep(cf, cert);
    for (int i = 0; ca && i < sk_X509_num(ca); i++) {
        X509 *x = sk_X509_value(ca, i);
        X509_up_ref(x);
        keep(cf, x);
    }
    sk_X509_pop_free(ca, X509_free);
    cf->key = key;
    ERR_clear_error();
    return CHAINFILE_OK;
}

/* base64 (whitespace allowed) to bytes; NULL when it is not base64. */
static unsigned char *unbase64(const char *s, size_t *outlen)
{
    size_t n = strlen(s), k = 0;
    char *clean = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
            clean[k++] = s[i];
    clean[k] = '\0';
    unsigned char *out = NULL;
    if (k % 4 == 0 && k > 0) {
        out = xmalloc(k / 4 * 3 + 1);
        int m = EVP_DecodeBlock(out, (const unsigned char *)clean, (int)k);
        if (m < 0) {
            free(out);
            out = NULL;
        } else {
            size_t pad = (clean[k - 1] == '=') + (k > 1 && clean[k - 2] == '=');
            *outlen = (size_t)m - pad;
        }
    }
    free(clean);
    return out;
}

static unsigned char *secret_value(const char *v, bool plain, size_t *n)
{
    if (plain) {
        *n = strlen(v);
        return (unsigned char *)xstrdup(v);
    }
    return unbase64(v, n);
}

static int read_secret(struct chainfile *cf, const unsigned char *data, size_t n, const char *pass,
                       char *err, size_t errlen)
{
    const struct doctor_secret_reader *sr = doctor_secret_reader();
    char *crt = NULL, *key = NULL, *ca = NULL, e[400];
    bool plain = false;
    int rc = CHAINFILE_ERROR;
    cf->format = "Kubernetes secret";
    if (sr->read((const char *)data, n, &crt, &key, &ca, &plain, e, sizeof e) < 0) {
        snprintf(err, errlen, "Kubernetes secret: %s", e);
        goto out;
    }
    size_t len = 0;
    unsigned char *pem = secret_value(crt, plain, &len);
    if (!pem) {
        snprintf(err, errlen, "Kubernetes secret: tls.crt is not base64");
        goto out;
    }
    rc = read_pem(cf, pem, len, pass, e, sizeof e);
    free(pem);
    if (rc != CHAINFILE_OK) {
        snprintf(err, errlen, "Kubernetes secret: tls.crt: %s", e);
        goto out;
    }
    if (key && (pem = secret_value(key, plain, &len)) != NULL) {
        pem_key(cf, pem, len, pass);
        OPENSSL_cleanse(pem, len);
        free(pem);
    }
    if (ca && (pem = secret_value(ca, plain, &len)) != NULL) {
        struct chainfile tmp = {.certs = sk_X509_new_null()};
        if (read_pem(&tmp, pem, len, NULL, e, sizeof e) == CHAINFILE_OK)
            cf->n_ca = tmp.n_total;
        chainfile_free(&tmp);
        free(pem);
    }
    rc = CHAINFILE_OK;
out:
    free(crt);
    if (key)
        OPENSSL_cleanse(key, strlen(key));
    free(key);
    free(ca);
    return rc;
}

int chainfile_read(const unsigned char *data, size_t n, const char *pass, struct chainfile *out,
                   char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    out->certs = sk_X509_new_null();
    if (!out->certs)
        return CHAINFILE_ERROR;
    if (n > CHAINFILE_MAX) {
        snprintf(err, errlen, "%zu bytes; a chain file is at most %u MiB", n, CHAINFILE_MAX >> 20);
        return CHAINFILE_ERROR;
    }
    size_t skip = 0;
    if (n >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        skip = 3;
    while (skip < n &&
           (data[skip] == ' ' || data[skip] == '\n' || data[skip] == '\r' || data[skip] == '\t'))
        skip++;
    if (skip == n) {
        snprintf(err, errlen, "the file is empty");
        return CHAINFILE_ERROR;
    }
    const struct doctor_secret_reader *sr = doctor_secret_reader();
    bool pem_first = n - skip >= 11 && !memcmp(data + skip, "-----BEGIN ", 11);
    int rc = 1;
    if (!pem_first && sr && data[skip] != 0x30 && sr->sniff((const char *)data, n))
        rc = read_secret(out, data, n, pass, err, errlen);
    else if (has(data, n, "-----BEGIN ")) {
        out->format = "PEM";
        rc = read_pem(out, data, n, pass, err, errlen);
    } else if (data[skip] == 0x30) {
        rc = read_der(out, data, n, err, errlen);
        if (rc == 1) {
            const unsigned char *p = data;
            PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)n);
            ERR_clear_error();
            if (p7) {
                out->format = "PKCS#7";
                pkcs7_certs(out, p7);
                PKCS7_free(p7);
                rc = CHAINFILE_OK;
            }
        }
        if (rc == 1)
            rc = read_p12(out, data, n, pass, err, errlen);
    }
    if (rc == 1) {
        snprintf(err, errlen,
                 "not a certificate file: neither PEM, DER, PKCS#7, PKCS#12 nor a "
                 "Kubernetes TLS secret");
        rc = CHAINFILE_ERROR;
    }
    if (rc == CHAINFILE_OK && out->n_total == 0) {
        snprintf(err, errlen, "no certificate in the %s data", out->format);
        rc = CHAINFILE_ERROR;
    }
    ERR_clear_error();
    return rc;
}

void chainfile_free(struct chainfile *cf)
{
    sk_X509_pop_free(cf->certs, X509_free);
    EVP_PKEY_free(cf->key);
    memset(cf, 0, sizeof(*cf));
}
