/* What a file named in a profile holds (certificates, a key, an encrypted key, not PEM), in a
 * short phrase for the profile editor: read with OpenSSL's PEM reader, never decrypted. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "engine/engine.h"
#include "util/strbuf.h"

#define DESCRIBE_MAX_BYTES (4 * 1024 * 1024)
#define DESCRIBE_MAX_NAMES 3

/* What the PEM blocks of one file add up to. */
struct pem_summary {
    int certs, keys, encrypted, other;
    struct strbuf names; /* "CN=a, CN=b" for the first few certificates */
    char expires[16];    /* the first certificate's notAfter, YYYY-MM-DD */
    char key_kind[64];   /* "EC P-256", "RSA 2048" */
};

static void describe_cert(struct pem_summary *s, const unsigned char *der, long len)
{
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, len);
    char cn[256] = "";
    struct tm tm;
    if (!x)
        goto out;
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof cn) < 0)
        snprintf(cn, sizeof cn, "(no CN)");
    if (s->certs < DESCRIBE_MAX_NAMES)
        sb_printf(&s->names, "%sCN=%s", s->certs ? ", " : "", cn);
    else if (s->certs == DESCRIBE_MAX_NAMES)
        sb_printf(&s->names, ", …");
    if (s->certs == 0 && ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm))
        strftime(s->expires, sizeof s->expires, "%Y-%m-%d", &tm);
out:
    X509_free(x);
}

static void describe_key(struct pem_summary *s, const unsigned char *der, long len)
{
    const unsigned char *p = der;
    EVP_PKEY *k = d2i_AutoPrivateKey(NULL, &p, len);
    char group[48] = "";
    if (!k)
        goto out;
    int id = EVP_PKEY_get_base_id(k);
    if (id == EVP_PKEY_EC && EVP_PKEY_get_group_name(k, group, sizeof group, NULL)) {
        const char *nist = EC_curve_nid2nist(OBJ_txt2nid(group));
        snprintf(s->key_kind, sizeof s->key_kind, "EC %s", nist ? nist : group);
    } else if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS || id == EVP_PKEY_DSA) {
        snprintf(s->key_kind, sizeof s->key_kind, "%s %d", OBJ_nid2sn(id), EVP_PKEY_get_bits(k));
    } else {
        snprintf(s->key_kind, sizeof s->key_kind, "%s", OBJ_nid2sn(id));
    }
out:
    EVP_PKEY_free(k);
}

/* Walks every PEM block of bio. Returns the number of blocks read. */
static int describe_blocks(BIO *bio, struct pem_summary *s)
{
    int blocks = 0;
    char *name = NULL, *header = NULL;
    unsigned char *data = NULL;
    long len = 0;
    while (PEM_read_bio(bio, &name, &header, &data, &len) == 1) {
        blocks++;
        if (strstr(name, "CERTIFICATE") && !strstr(name, "REQUEST")) {
            describe_cert(s, data, len);
            s->certs++;
        } else if (!strcmp(name, "ENCRYPTED PRIVATE KEY") || strstr(header, "ENCRYPTED")) {
            s->encrypted++;
        } else if (strstr(name, "PRIVATE KEY")) {
            describe_key(s, data, len);
            s->keys++;
        } else {
            s->other++;
        }
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(data);
        name = header = NULL;
        data = NULL;
    }
    return blocks;
}

static void describe_phrase(const struct pem_summary *s, char *out, size_t n)
{
    struct strbuf sb = {0};
    if (s->certs == 1)
        sb_printf(&sb, "certificate %s%s%s", s->names.buf, s->expires[0] ? ", expires " : "",
                  s->expires);
    else if (s->certs > 1)
        sb_printf(&sb, "%d certificates (%s)", s->certs, s->names.buf);
    if (s->keys)
        sb_printf(&sb, "%sprivate key%s%s%s", sb.len ? " and " : "", s->key_kind[0] ? " (" : "",
                  s->key_kind, s->key_kind[0] ? ")" : "");
    if (s->encrypted)
        sb_printf(&sb, "%sencrypted private key", sb.len ? " and " : "");
    if (!sb.len)
        sb_printf(&sb, "PEM file with no certificate or key");
    snprintf(out, n, "%s", sb.buf);
    sb_free(&sb);
}

int engine_describe_file(const char *path, char *out, size_t n)
{
    struct pem_summary s;
    struct stat st;
    BIO *bio = NULL;
    int rc = -1;
    memset(&s, 0, sizeof s);
    if (stat(path, &st) < 0) {
        snprintf(out, n, "cannot read: %s", strerror(errno));
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(out, n, "directory");
        rc = 0;
        goto out;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > DESCRIBE_MAX_BYTES) {
        snprintf(out, n, S_ISREG(st.st_mode) ? "not a PEM file (too large)" : "not a regular file");
        goto out;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(out, n, "cannot read: %s", strerror(errno));
        goto out;
    }
    bio = BIO_new_fp(f, BIO_CLOSE);
    if (!bio) {
        fclose(f);
        snprintf(out, n, "cannot read: out of memory");
        goto out;
    }
    rc = 0;
    if (describe_blocks(bio, &s) == 0)
        snprintf(out, n, "not a PEM file");
    else
        describe_phrase(&s, out, n);
out:
    ERR_clear_error();
    BIO_free(bio);
    sb_free(&s.names);
    return rc;
}
