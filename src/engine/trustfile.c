/* The lazy PEM bundle lookup (see trustfile.h). The bundle is read once into memory: each
 * CERTIFICATE block base64-decoded, its subject found by walking the DER (no certificate
 * object built) and hashed as OpenSSL hashes names for its hashed directories. A lookup by
 * subject decodes only the certificates with that hash, adds the matching ones to the store
 * (from then on the store's cache answers) and hands one back borrowed, as OpenSSL's
 * directory lookup does. */
#include "engine/trustfile.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"
#include "util/mem.h"

#define BUNDLE_MAX ((size_t)16 << 20)

struct entry {
    unsigned long hash; /* of the subject name, X509_NAME_hash_ex */
    size_t off, len;    /* the certificate's DER in der */
    bool tried;         /* decoded once already: the store has it (or it did not decode) */
};

struct bundle {
    unsigned char *der;
    size_t n_der;
    struct entry *e;
    size_t n, cap;
};

static unsigned long decoded;

unsigned long trustfile_decoded(void)
{
    return decoded;
}

static void bundle_free(struct bundle *b)
{
    if (!b)
        return;
    free(b->der);
    free(b->e);
    free(b);
}

/* One DER element at p (n bytes left): its tag, header and content lengths; -1 malformed. */
static int tlv(const unsigned char *p, size_t n, unsigned char *tag, size_t *hdr, size_t *len)
{
    if (n < 2)
        return -1;
    size_t l = p[1], h = 2;
    if (l & 0x80) {
        size_t k = l & 0x7f;
        if (k == 0 || k > 4 || n < 2 + k)
            return -1;
        l = 0;
        for (size_t i = 0; i < k; i++)
            l = l << 8 | p[2 + i];
        h += k;
    }
    if (l > n - h)
        return -1;
    *tag = p[0], *hdr = h, *len = l;
    return 0;
}

/* The subject Name's DER in a certificate: Certificate ::= SEQUENCE { tbsCertificate SEQUENCE
 * { [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject, ... }, ... }. */
static int subject_of(const unsigned char *p, size_t n, const unsigned char **subj, size_t *len)
{
    unsigned char tag;
    size_t h, l;
    for (int level = 0; level < 2; level++) { /* into the Certificate, then the TBS */
        if (tlv(p, n, &tag, &h, &l) < 0 || tag != 0x30)
            return -1;
        p += h, n = l;
    }
    if (tlv(p, n, &tag, &h, &l) < 0)
        return -1;
    if (tag == 0xa0) /* the version */
        p += h + l, n -= h + l;
    for (int field = 0; field < 4; field++) { /* serial, signature, issuer, validity */
        if (tlv(p, n, &tag, &h, &l) < 0)
            return -1;
        p += h + l, n -= h + l;
    }
    if (tlv(p, n, &tag, &h, &l) < 0 || tag != 0x30)
        return -1;
    *subj = p, *len = h + l;
    return 0;
}

/* Decodes one block's base64 (body, up to end) to the end of b->der and indexes it. */
static int add_block(struct bundle *b, const char *body, const char *end)
{
    unsigned char *out = b->der + b->n_der;
    int outl = 0, fin = 0, rc = -1;
    EVP_ENCODE_CTX *ec = EVP_ENCODE_CTX_new();
    if (!ec)
        return -1;
    EVP_DecodeInit(ec);
    if (EVP_DecodeUpdate(ec, out, &outl, (const unsigned char *)body, (int)(end - body)) < 0 ||
        EVP_DecodeFinal(ec, out + outl, &fin) < 0)
        goto out;
    size_t len = (size_t)outl + (size_t)fin, slen;
    const unsigned char *subj;
    if (subject_of(out, len, &subj, &slen) < 0)
        goto out;
    X509_NAME *nm = d2i_X509_NAME(NULL, &subj, (long)slen);
    int ok = 0;
    unsigned long hash = nm ? X509_NAME_hash_ex(nm, NULL, NULL, &ok) : 0;
    X509_NAME_free(nm);
    if (!ok)
        goto out;
    xgrow((void **)&b->e, &b->cap, b->n + 1, sizeof *b->e);
    b->e[b->n++] = (struct entry){hash, b->n_der, len, false};
    b->n_der += len;
    rc = 0;
out:
    EVP_ENCODE_CTX_free(ec);
    return rc;
}

/* The bundle indexed, or NULL when it is not a file of plain PEM certificates. */
static struct bundle *bundle_read(const char *path)
{
    char *text = NULL, err[256];
    size_t n = 0;
    if (file_read_bounded(path, BUNDLE_MAX, &text, &n, err, sizeof err) < 0)
        return NULL;
    struct bundle *b = xcalloc(1, sizeof *b);
    b->der = xmalloc(n ? n : 1); /* base64 is longer than what it encodes */
    static const char begin[] = "-----BEGIN ", cbegin[] = "-----BEGIN CERTIFICATE-----",
                      cend[] = "-----END CERTIFICATE-----";
    bool bad = memchr(text, '\0', n) != NULL; /* a binary (DER) file: OpenSSL's way */
    for (const char *p = text; !bad && (p = strstr(p, begin));) {
        const char *body = p + sizeof cbegin - 1, *end;
        if (strncmp(p, cbegin, sizeof cbegin - 1) || !(end = strstr(body, cend)) ||
            add_block(b, body, end) < 0)
            bad = true; /* a CRL, a TRUSTED CERTIFICATE, a broken block: OpenSSL's way */
        else
            p = end + sizeof cend - 1;
    }
    free(text);
    if (bad || b->n == 0) {
        bundle_free(b);
        ERR_clear_error();
        return NULL;
    }
    return b;
}

static int by_subject(X509_LOOKUP *lu, X509_LOOKUP_TYPE type, const X509_NAME *name,
                      X509_OBJECT *ret)
{
    struct bundle *b = X509_LOOKUP_get_method_data(lu);
    X509_STORE *store = X509_LOOKUP_get_store(lu);
    int ok = 0;
    unsigned long hash = name ? X509_NAME_hash_ex(name, NULL, NULL, &ok) : 0;
    if (!b || !store || type != X509_LU_X509 || !ok)
        return 0;
    bool added = false;
    for (size_t i = 0; i < b->n; i++) {
        if (b->e[i].hash != hash || b->e[i].tried)
            continue;
        b->e[i].tried = true;
        const unsigned char *q = b->der + b->e[i].off;
        X509 *x = d2i_X509(NULL, &q, (long)b->e[i].len);
        decoded++;
        if (x && !X509_NAME_cmp(X509_get_subject_name(x), name) && X509_STORE_add_cert(store, x))
            added = true; /* every certificate of that name: cross-signed CAs share one */
        X509_free(x);
    }
    ERR_clear_error();
    if (!added)
        return 0;
    int rc = 0;
    if (!X509_STORE_lock(store))
        return 0;
    X509_OBJECT *o =
        X509_OBJECT_retrieve_by_subject(X509_STORE_get0_objects(store), X509_LU_X509, name);
    X509 *sx = o ? X509_OBJECT_get0_X509(o) : NULL;
    if (sx && X509_OBJECT_set1_X509(ret, sx)) {
        X509_free(sx); /* borrowed, like OpenSSL's lookups: the store keeps it, the caller refs */
        rc = 1;
    }
    X509_STORE_unlock(store);
    return rc;
}

static void lookup_free(X509_LOOKUP *lu)
{
    bundle_free(X509_LOOKUP_get_method_data(lu));
    X509_LOOKUP_set_method_data(lu, NULL);
}

int trustfile_add(X509_STORE *s, const char *path)
{
    static X509_LOOKUP_METHOD *meth; /* made once; lives as long as the process */
    if (!meth) {
        meth = X509_LOOKUP_meth_new("tlscope lazy PEM bundle");
        if (!meth || !X509_LOOKUP_meth_set_get_by_subject(meth, by_subject) ||
            !X509_LOOKUP_meth_set_free(meth, lookup_free)) {
            X509_LOOKUP_meth_free(meth);
            meth = NULL;
            return -1;
        }
    }
    struct bundle *b = path ? bundle_read(path) : NULL;
    if (!b)
        return -1;
    X509_LOOKUP *lu = X509_STORE_add_lookup(s, meth);
    if (!lu || X509_LOOKUP_get_method_data(lu)) { /* one bundle per store */
        bundle_free(b);
        return -1;
    }
    X509_LOOKUP_set_method_data(lu, b);
    return 0;
}
