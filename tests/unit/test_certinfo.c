/* Unit tests for engine/certinfo: certificates are generated here with libcrypto and every
 * copied fact is compared with what went in, or with the openssl command line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "engine/certinfo.h"
#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strbuf.h"

#define NOT_BEFORE  ((time_t)1700000000) /* 2023-11-14T22:13:20Z */
#define NOT_AFTER   ((time_t)1900000000) /* 2030-03-17T17:46:40Z */
#define NOW         ((time_t)1800000000)
#define PRIVATE_OID "1.3.6.1.4.1.99999.2"

struct keys {
    EVP_PKEY *rsa, *ec, *ec_other, *ed;
    char dir[64];
};

/* ---- building certificates -------------------------------------------------------------- */

static X509 *cert_start(EVP_PKEY *key, long serial, time_t not_after)
{
    X509 *x = X509_new();
    assert_non_null(x);
    assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
    assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), serial), 1);
    assert_non_null(ASN1_TIME_set(X509_getm_notBefore(x), NOT_BEFORE));
    assert_non_null(ASN1_TIME_set(X509_getm_notAfter(x), not_after));
    assert_int_equal(X509_set_pubkey(x, key), 1);
    return x;
}

/* type: MBSTRING_UTF8 for ordinary text, or a V_ASN1_* type to store the bytes as they are. */
static void name_add(X509_NAME *n, const char *field, int type, const char *bytes, int len, int set)
{
    assert_int_equal(
        X509_NAME_add_entry_by_txt(n, field, type, (const unsigned char *)bytes, len, -1, set), 1);
}

static void name_std(X509_NAME *n)
{
    name_add(n, "C", MBSTRING_UTF8, "XX", -1, 0);
    name_add(n, "O", MBSTRING_UTF8, "TLS Lab", -1, 0);
    name_add(n, "CN", MBSTRING_UTF8, "localhost", -1, 0);
}

static void self_issued(X509 *x)
{
    assert_int_equal(X509_set_issuer_name(x, X509_get_subject_name(x)), 1);
}

static void ext_add(X509 *x, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    assert_non_null(e);
    assert_int_equal(X509_add_ext(x, e, -1), 1);
    X509_EXTENSION_free(e);
}

static void raw_ext_add(X509 *x, const char *oid, const unsigned char *data, size_t n, int crit)
{
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
    assert_non_null(obj);
    assert_non_null(os);
    assert_int_equal(ASN1_OCTET_STRING_set(os, data, (int)n), 1);
    X509_EXTENSION *e = X509_EXTENSION_create_by_OBJ(NULL, obj, crit, os);
    assert_non_null(e);
    assert_int_equal(X509_add_ext(x, e, -1), 1);
    X509_EXTENSION_free(e);
    ASN1_OCTET_STRING_free(os);
    ASN1_OBJECT_free(obj);
}

static void cert_sign(X509 *x, EVP_PKEY *signer)
{
    bool no_md = EVP_PKEY_get_base_id(signer) == EVP_PKEY_ED25519;
    assert_true(X509_sign(x, signer, no_md ? NULL : EVP_sha256()) > 0);
}

/* Encodes and parses x again, as a peer's certificate arrives; frees x. */
static X509 *from_wire(X509 *x)
{
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    assert_true(n > 0);
    const unsigned char *p = der;
    X509 *y = d2i_X509(NULL, &p, n);
    assert_non_null(y);
    OPENSSL_free(der);
    X509_free(x);
    return y;
}

/* The RSA leaf most tests look at: self-signed, with every extension the model names. */
static X509 *rsa_leaf(const struct keys *k)
{
    static const unsigned char raw[] = {0x04, 0x02, 0xAB, 0xCD};
    X509 *x = cert_start(k->rsa, 0x1234ABCD, NOT_AFTER);
    name_std(X509_get_subject_name(x));
    self_issued(x);
    ext_add(x, NID_subject_alt_name,
            "DNS:localhost,DNS:*.example.test,IP:127.0.0.1,IP:::1,IP:2001:db8:0:0:0:0:0:5,"
            "email:ops@example.test,URI:https://example.test/");
    ext_add(x, NID_basic_constraints, "critical,CA:FALSE");
    ext_add(x, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    ext_add(x, NID_ext_key_usage, "serverAuth,clientAuth,1.3.6.1.4.1.99999.1");
    ext_add(x, NID_info_access,
            "OCSP;URI:http://ocsp.example.test/,caIssuers;URI:http://ca.example.test/ca.crt");
    raw_ext_add(x, PRIVATE_OID, raw, sizeof(raw), 0);
    cert_sign(x, k->rsa);
    return x;
}

static X509 *ec_ca(const struct keys *k)
{
    X509 *x = cert_start(k->ec, 7, NOT_AFTER);
    name_add(X509_get_subject_name(x), "CN", MBSTRING_UTF8, "TLS Lab Root", -1, 0);
    self_issued(x);
    ext_add(x, NID_basic_constraints, "critical,CA:TRUE,pathlen:2");
    ext_add(x, NID_key_usage, "critical,keyCertSign,cRLSign");
    cert_sign(x, k->ec);
    return x;
}

static void fill(X509 *x, time_t now, struct cert_info *ci)
{
    memset(ci, 0, sizeof(*ci));
    assert_int_equal(certinfo_from_x509(x, now, ci), 0);
}

static void assert_valid_utf8(const char *s)
{
    char *fixed = utf8_repair(s, strlen(s));
    assert_string_equal(fixed, s);
    free(fixed);
}

static void assert_list(const struct strlist *l, const char *const *want, size_t n)
{
    assert_int_equal(l->len, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(l->items[i], want[i]);
}

static const struct name_value *ext_named(const struct cert_info *ci, const char *name)
{
    for (size_t i = 0; i < ci->n_extensions; i++)
        if (strcmp(ci->extensions[i].name, name) == 0)
            return &ci->extensions[i];
    fail_msg("no extension %s", name);
    return NULL;
}

/* ---- fixtures ------------------------------------------------------------------------------ */

static int group_setup(void **state)
{
    struct keys *k = xcalloc(1, sizeof(*k));
    k->rsa = EVP_RSA_gen(2048);
    k->ec = EVP_EC_gen("P-256");
    k->ec_other = EVP_EC_gen("P-256");
    k->ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    snprintf(k->dir, sizeof(k->dir), "/tmp/tlscope-certinfo-XXXXXX");
    if (!k->rsa || !k->ec || !k->ec_other || !k->ed || !mkdtemp(k->dir))
        return -1;
    *state = k;
    return 0;
}

static int group_teardown(void **state)
{
    struct keys *k = *state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", k->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", k->dir);
    EVP_PKEY_free(k->rsa);
    EVP_PKEY_free(k->ec);
    EVP_PKEY_free(k->ec_other);
    EVP_PKEY_free(k->ed);
    free(k);
    return 0;
}

/* ---- tests ----------------------------------------------------------------------------------- */

static void test_rsa_leaf_fields(void **state)
{
    X509 *x = from_wire(rsa_leaf(*state));
    struct cert_info ci;
    fill(x, NOW, &ci);

    assert_string_equal(ci.subject, "CN=localhost,O=TLS Lab,C=XX");
    assert_string_equal(ci.issuer, "CN=localhost,O=TLS Lab,C=XX");
    assert_string_equal(ci.subject_cn, "localhost");
    assert_string_equal(ci.serial, "1234ABCD");
    assert_string_equal(ci.not_before, "2023-11-14T22:13:20Z");
    assert_string_equal(ci.not_after, "2030-03-17T17:46:40Z");
    assert_int_equal(ci.not_before_t, NOT_BEFORE);
    assert_int_equal(ci.not_after_t, NOT_AFTER);
    assert_int_equal(ci.days_left, (NOT_AFTER - NOW) / 86400);
    assert_string_equal(ci.key_type, "RSA");
    assert_int_equal(ci.key_bits, 2048);
    assert_null(ci.key_curve);
    assert_string_equal(ci.signature_algorithm, "sha256WithRSAEncryption");
    const char *san[] = {"DNS:localhost",
                         "DNS:*.example.test",
                         "IP:127.0.0.1",
                         "IP:::1",
                         "IP:2001:db8::5",
                         "email:ops@example.test",
                         "URI:https://example.test/"};
    assert_list(&ci.san, san, 7);
    assert_false(ci.is_ca);
    assert_int_equal(ci.path_len, -1);
    assert_true(ci.self_signed);
    const char *ku[] = {"digitalSignature", "keyEncipherment"};
    assert_list(&ci.key_usage, ku, 2);
    const char *eku[] = {"serverAuth", "clientAuth", "1.3.6.1.4.1.99999.1"};
    assert_list(&ci.ext_key_usage, eku, 3);
    assert_string_equal(ci.ocsp_url, "http://ocsp.example.test/");
    assert_string_equal(ci.ca_issuers_url, "http://ca.example.test/ca.crt");

    assert_int_equal(ci.n_extensions, 6);
    const struct name_value *e = ext_named(&ci, "X509v3 Subject Alternative Name");
    assert_false(e->critical);
    assert_non_null(strstr(e->value, "DNS:localhost"));
    assert_non_null(strstr(e->value, "IP Address:127.0.0.1"));
    assert_true(ext_named(&ci, "X509v3 Basic Constraints")->critical);
    assert_string_equal(ext_named(&ci, "X509v3 Basic Constraints")->value, "CA:FALSE");
    assert_true(ext_named(&ci, "X509v3 Key Usage")->critical);
    assert_false(ext_named(&ci, "X509v3 Extended Key Usage")->critical);
    assert_non_null(strstr(ext_named(&ci, "Authority Information Access")->value,
                           "OCSP - URI:http://ocsp.example.test/"));
    /* unknown to OpenSSL: dotted OID, hex of the raw value */
    assert_string_equal(ext_named(&ci, PRIVATE_OID)->value, "04:02:AB:CD");
    for (size_t i = 0; i < ci.n_extensions; i++)
        assert_valid_utf8(ci.extensions[i].value);

    /* the PEM decodes to the same certificate */
    assert_non_null(strstr(ci.pem, "-----BEGIN CERTIFICATE-----\n"));
    BIO *b = BIO_new_mem_buf(ci.pem, -1);
    X509 *back = PEM_read_bio_X509(b, NULL, NULL, NULL);
    assert_non_null(back);
    assert_int_equal(X509_cmp(x, back), 0);
    X509_free(back);
    BIO_free(b);

    cert_info_free(&ci);
    X509_free(x);
}

static void test_ec_ca_fields(void **state)
{
    X509 *x = ec_ca(*state);
    struct cert_info ci;
    fill(x, NOW, &ci);
    assert_string_equal(ci.subject, "CN=TLS Lab Root");
    assert_string_equal(ci.serial, "07");
    assert_string_equal(ci.key_type, "EC");
    assert_int_equal(ci.key_bits, 256);
    assert_string_equal(ci.key_curve, "prime256v1");
    assert_string_equal(ci.signature_algorithm, "ecdsa-with-SHA256");
    assert_true(ci.is_ca);
    assert_int_equal(ci.path_len, 2);
    assert_true(ci.self_signed);
    const char *ku[] = {"keyCertSign", "cRLSign"};
    assert_list(&ci.key_usage, ku, 2);
    assert_int_equal(ci.san.len, 0);
    assert_int_equal(ci.ext_key_usage.len, 0);
    assert_null(ci.ocsp_url);
    assert_null(ci.ca_issuers_url);
    assert_string_equal(ci.subject_cn, "TLS Lab Root");
    cert_info_free(&ci);
    X509_free(x);
}

static void test_ed25519_key(void **state)
{
    const struct keys *k = *state;
    X509 *x = cert_start(k->ed, 1, NOT_AFTER);
    name_std(X509_get_subject_name(x));
    self_issued(x);
    cert_sign(x, k->ed);
    struct cert_info ci;
    fill(x, NOW, &ci);
    assert_string_equal(ci.key_type, "ED25519");
    assert_null(ci.key_curve);
    assert_string_equal(ci.signature_algorithm, "ED25519");
    assert_true(ci.self_signed);
    cert_info_free(&ci);
    X509_free(x);
}

/* Self-signed needs both: the same name and a signature by the certificate's own key. */
static void test_self_signed(void **state)
{
    const struct keys *k = *state;
    X509 *ca = ec_ca(k);
    struct {
        const char *what;
        bool same_name;
        EVP_PKEY *signer;
        bool want;
    } cases[] = {
        {"issued by the CA", false, k->ec, false},
        {"own name, signed by another key", true, k->ec, false},
        {"own name, own key", true, k->ec_other, true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        X509 *x = cert_start(k->ec_other, 100 + (long)i, NOT_AFTER);
        name_std(X509_get_subject_name(x));
        if (cases[i].same_name)
            self_issued(x);
        else
            assert_int_equal(X509_set_issuer_name(x, X509_get_subject_name(ca)), 1);
        cert_sign(x, cases[i].signer);
        struct cert_info ci;
        fill(x, NOW, &ci);
        if (ci.self_signed != cases[i].want)
            fail_msg("%s: self_signed %d", cases[i].what, ci.self_signed);
        if (!cases[i].same_name)
            assert_string_equal(ci.issuer, "CN=TLS Lab Root");
        cert_info_free(&ci);
        X509_free(x);
    }
    X509_free(ca);
}

static void test_days_left(void **state)
{
    const struct keys *k = *state;
    X509 *x = cert_start(k->ec, 1, NOT_AFTER);
    self_issued(x);
    cert_sign(x, k->ec);
    struct {
        time_t now;
        long want;
    } cases[] = {
        {NOT_AFTER - 10 * 86400, 10}, {NOT_AFTER - 10 * 86400 + 1, 9},
        {NOT_AFTER - 1, 0},           {NOT_AFTER, 0},
        {NOT_AFTER + 1, -1},          {NOT_AFTER + 86400, -1},
        {NOT_AFTER + 86401, -2},      {NOT_BEFORE, 2314},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cert_info ci;
        fill(x, cases[i].now, &ci);
        if (ci.days_left != cases[i].want)
            fail_msg("now=%lld: days_left %ld, want %ld", (long long)cases[i].now, ci.days_left,
                     cases[i].want);
        cert_info_free(&ci);
    }
    X509_free(x);
}

/* Runs a shell command and returns its first output line without the newline. */
static char *run_line(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[512] = "";
    char *got = fgets(line, sizeof(line), p);
    assert_int_equal(pclose(p), 0);
    assert_non_null(got);
    line[strcspn(line, "\r\n")] = '\0';
    return xstrdup(line);
}

/* "sha256 Fingerprint=AB:CD..." → "AB:CD..." */
static char *cli_fingerprint(const char *file, const char *md)
{
    char *cmd = xasprintf("openssl x509 -in '%s' -noout -fingerprint -%s", file, md);
    char *line = run_line(cmd);
    const char *eq = strchr(line, '=');
    assert_non_null(eq);
    char *res = xstrdup(eq + 1);
    free(line);
    free(cmd);
    return res;
}

static void test_digests_match_openssl_cli(void **state)
{
    const struct keys *k = *state;
    X509 *certs[] = {rsa_leaf(k), ec_ca(k)};
    for (size_t i = 0; i < 2; i++) {
        struct cert_info ci;
        fill(certs[i], NOW, &ci);
        char *file = xasprintf("%s/cert%zu.pem", k->dir, i);
        FILE *f = fopen(file, "w");
        assert_non_null(f);
        assert_int_equal(fputs(ci.pem, f) >= 0, 1);
        assert_int_equal(fclose(f), 0);

        char *sha256 = cli_fingerprint(file, "sha256");
        char *sha1 = cli_fingerprint(file, "sha1");
        assert_string_equal(ci.sha256, sha256);
        assert_string_equal(ci.sha1, sha1);
        assert_int_equal(strlen(ci.sha256), 32 * 3 - 1);

        char *cmd = xasprintf("openssl x509 -in '%s' -pubkey -noout | openssl pkey -pubin "
                              "-outform der | openssl dgst -sha256 -binary | base64",
                              file);
        char *pin = run_line(cmd);
        assert_string_equal(ci.spki_sha256, pin);
        char *again = certinfo_spki_sha256(certs[i]);
        assert_string_equal(again, pin);

        free(again);
        free(pin);
        free(cmd);
        free(sha1);
        free(sha256);
        free(file);
        cert_info_free(&ci);
        X509_free(certs[i]);
    }
}

struct name_case {
    const char *what;
    struct {
        const char *field;
        int type; /* MBSTRING_UTF8, or a V_ASN1_* type for raw bytes */
        const char *bytes;
        int len;
        int set; /* 0 new RDN, -1 joins the previous one */
    } e[4];
    const char *want;
};

static const struct name_case name_cases[] = {
    {"plain",
     {{"C", MBSTRING_UTF8, "XX", -1, 0},
      {"O", MBSTRING_UTF8, "TLS Lab", -1, 0},
      {"CN", MBSTRING_UTF8, "localhost", -1, 0}},
     "CN=localhost,O=TLS Lab,C=XX"},
    {"RFC 2253 specials",
     {{"O", MBSTRING_UTF8, "Acme, Inc.; \"x\" <y>+z\\", -1, 0}},
     "O=Acme\\, Inc.\\; \\\"x\\\" \\<y\\>\\+z\\\\"},
    {"leading # and blanks at the ends",
     {{"CN", MBSTRING_UTF8, "#lead", -1, 0}, {"OU", MBSTRING_UTF8, " both ", -1, 0}},
     "OU=\\ both\\ ,CN=\\#lead"},
    {"non-ASCII kept",
     {{"CN", MBSTRING_UTF8,
       "Gr\xC3\xBC\xC3\x9F"
       "e \xE6\x97\xA5",
       -1, 0}},
     "CN=Gr\xC3\xBC\xC3\x9F"
     "e \xE6\x97\xA5"},
    {"BMPString converted", {{"CN", V_ASN1_BMPSTRING, "\0G\0\xFC", 4, 0}}, "CN=G\xC3\xBC"},
    {"multi-valued RDN",
     {{"O", MBSTRING_UTF8, "Lab", -1, 0},
      {"CN", MBSTRING_UTF8, "a", -1, 0},
      {"OU", MBSTRING_UTF8, "b", -1, -1}},
     "OU=b+CN=a,O=Lab"},
    {"unknown attribute",
     {{"1.3.6.1.4.1.99999.7", MBSTRING_UTF8, "x", -1, 0}},
     "1.3.6.1.4.1.99999.7=x"},
    {"control bytes kept",
     {{"CN", MBSTRING_UTF8, "evil\x1B[31mred\x07", -1, 0}},
     "CN=evil\x1B[31mred\x07"},
    {"NUL repaired", {{"CN", V_ASN1_UTF8STRING, "a\0b", 3, 0}}, "CN=a\\x00b"},
    {"empty", {{NULL, 0, NULL, 0, 0}}, ""},
};

static X509_NAME *name_build(const struct name_case *c)
{
    X509_NAME *n = X509_NAME_new();
    assert_non_null(n);
    for (size_t i = 0; i < 4 && c->e[i].field; i++)
        name_add(n, c->e[i].field, c->e[i].type, c->e[i].bytes, c->e[i].len, c->e[i].set);
    return n;
}

/* Appends (as the last RDN printed) a BMPString of odd length, which X509_NAME_print_ex refuses;
 * OpenSSL will not build or parse one, so the string is broken after the entry is added. */
static void name_add_broken_bmp(X509_NAME *n)
{
    assert_int_equal(X509_NAME_add_entry_by_txt(n, "CN", V_ASN1_BMPSTRING,
                                                (const unsigned char *)"\0A", 2, 0, 0),
                     1);
    ASN1_STRING *v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, 0));
    assert_int_equal(ASN1_STRING_set(v, "\0A\xFF", 3), 1);
}

/* Each name prints as expected; with a value OpenSSL's printer refuses added (so the
 * hand-built fallback runs) everything else prints the same. */
static void test_name_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
        const struct name_case *c = &name_cases[i];
        X509_NAME *n = name_build(c);
        char *got = certinfo_name(n);
        if (strcmp(got, c->want) != 0)
            fail_msg("%s: got \"%s\", want \"%s\"", c->what, got, c->want);
        assert_valid_utf8(got);

        name_add_broken_bmp(n);
        ERR_clear_error();
        char *fallback = certinfo_name(n);
        char *want = xasprintf("%s%sCN=\\x00A\\xFF", c->want, *c->want ? "," : "");
        if (strcmp(fallback, want) != 0)
            fail_msg("%s (fallback): got \"%s\", want \"%s\"", c->what, fallback, want);
        assert_int_equal(ERR_peek_error(), 0); /* the refused print left no error behind */

        free(want);
        free(fallback);
        free(got);
        X509_NAME_free(n);
    }
    char *none = certinfo_name(NULL);
    assert_string_equal(none, "");
    free(none);
}

static X509 *cert_with_name(const struct keys *k, const char *cn, int cn_type, int cn_len)
{
    X509 *x = cert_start(k->ec, 1, NOT_AFTER);
    X509_NAME *n = X509_get_subject_name(x);
    name_add(n, "O", MBSTRING_UTF8, "Acme, Inc.", -1, 0);
    name_add(n, "CN", cn_type, cn, cn_len, 0);
    assert_int_equal(X509_set_issuer_name(x, n), 1);
    cert_sign(x, k->ec);
    return x;
}

static void test_cert_control_bytes_kept(void **state)
{
    X509 *x = cert_with_name(*state, "evil\x1B]0;owned\x07", MBSTRING_UTF8, -1);
    struct cert_info ci;
    fill(x, NOW, &ci);
    assert_string_equal(ci.subject, "CN=evil\x1B]0\\;owned\x07,O=Acme\\, Inc.");
    assert_string_equal(ci.issuer, ci.subject);
    assert_string_equal(ci.subject_cn, "evil\x1B]0;owned\x07");
    assert_non_null(strchr(ci.subject, 0x1B));
    assert_valid_utf8(ci.subject);
    cert_info_free(&ci);
    X509_free(x);
}

/* Invalid UTF-8 in a UTF8String reaches the printer as raw bytes and comes out repaired. */
static void test_name_invalid_utf8_repaired(void **state)
{
    (void)state;
    X509_NAME *n = X509_NAME_new();
    assert_non_null(n);
    name_add(n, "O", MBSTRING_UTF8, "Acme, Inc.", -1, 0);
    name_add(n, "CN", V_ASN1_UTF8STRING, "bad\xFF\xFE\xC3", 6, 0);
    char *s = certinfo_name(n);
    assert_string_equal(s, "CN=bad\\xFF\\xFE\\xC3,O=Acme\\, Inc.");
    assert_valid_utf8(s);
    assert_int_equal(ERR_peek_error(), 0);
    free(s);
    X509_NAME_free(n);
}

/* OpenSSL cannot encode (nor parse) a certificate with such a name: it is unusable, and the
 * caller's error queue stays clean. */
static void test_unencodable_certificate(void **state)
{
    const struct keys *k = *state;
    X509 *x = cert_start(k->ec, 1, NOT_AFTER);
    name_add(X509_get_subject_name(x), "CN", V_ASN1_UTF8STRING, "bad\xFF", 4, 0);
    ERR_clear_error();
    struct cert_info ci;
    memset(&ci, 0, sizeof(ci));
    assert_int_equal(certinfo_from_x509(x, NOW, &ci), -1);
    assert_null(ci.subject);
    assert_null(ci.sha256);
    assert_int_equal(ERR_peek_error(), 0);
    X509_free(x);
}

/* What does get through the parser: raw high bytes in IA5String SANs (kept, repaired) and
 * Latin-1 T61String names (converted to UTF-8). */
static void test_cert_odd_strings_from_wire(void **state)
{
    const struct keys *k = *state;
    X509 *x = cert_start(k->ec, 1, NOT_AFTER);
    name_add(X509_get_subject_name(x), "CN", V_ASN1_T61STRING, "caf\xE9", 4, 0);
    self_issued(x);
    ext_add(x, NID_subject_alt_name, "DNS:bad\xFF\xFE.example,DNS:ok.example");
    cert_sign(x, k->ec);
    x = from_wire(x);
    struct cert_info ci;
    fill(x, NOW, &ci);
    assert_string_equal(ci.subject, "CN=caf\xC3\xA9");
    assert_string_equal(ci.subject_cn, "caf\xC3\xA9");
    const char *san[] = {"DNS:bad\\xFF\\xFE.example", "DNS:ok.example"};
    assert_list(&ci.san, san, 2);
    const char *v = ext_named(&ci, "X509v3 Subject Alternative Name")->value;
    assert_non_null(strstr(v, "DNS:bad\\xFF\\xFE.example"));
    assert_valid_utf8(v);
    cert_info_free(&ci);
    X509_free(x);
}

static void test_hostile_sizes_bounded(void **state)
{
    const struct keys *k = *state;
    X509 *x = cert_start(k->ec, 1, NOT_AFTER);
    name_std(X509_get_subject_name(x));
    self_issued(x);
    struct strbuf sb = {0};
    for (int i = 0; i < 4000; i++)
        sb_printf(&sb, "%sDNS:h%04d.example.test", i ? "," : "", i);
    ext_add(x, NID_subject_alt_name, sb.buf);
    sb_free(&sb);
    size_t big = 200 * 1024;
    unsigned char *blob = xmalloc(big);
    memset(blob, 0xA5, big);
    raw_ext_add(x, PRIVATE_OID, blob, big, 0);
    free(blob);
    cert_sign(x, k->ec);

    struct cert_info ci;
    fill(x, NOW, &ci);
    assert_int_equal(ci.san.len, CERTINFO_SAN_MAX);
    assert_string_equal(ci.san.items[CERTINFO_SAN_MAX - 1], "DNS:h0999.example.test");
    assert_int_equal(ci.n_extensions, 2);
    for (size_t i = 0; i < ci.n_extensions; i++) {
        const char *v = ci.extensions[i].value;
        size_t n = strlen(v);
        assert_true(n <= CERTINFO_VALUE_MAX + strlen("\xE2\x80\xA6"));
        assert_true(n > CERTINFO_VALUE_MAX / 2);
        assert_string_equal(v + n - 3, "\xE2\x80\xA6");
        assert_valid_utf8(v);
    }
    assert_int_equal(strncmp(ext_named(&ci, PRIVATE_OID)->value, "A5:A5:", 6), 0);
    cert_info_free(&ci);
    X509_free(x);
}

static void test_v1_without_extensions(void **state)
{
    const struct keys *k = *state;
    X509 *x = cert_start(k->ec, 0, NOT_AFTER);
    assert_int_equal(X509_set_version(x, X509_VERSION_1), 1);
    name_add(X509_get_subject_name(x), "O", MBSTRING_UTF8, "No CN", -1, 0);
    self_issued(x);
    cert_sign(x, k->ec);
    struct cert_info ci;
    fill(x, NOW, &ci);
    assert_string_equal(ci.subject, "O=No CN");
    assert_null(ci.subject_cn);
    assert_string_equal(ci.serial, "0");
    assert_false(ci.is_ca);
    assert_int_equal(ci.path_len, -1);
    assert_int_equal(ci.n_extensions, 0);
    assert_null(ci.extensions);
    assert_int_equal(ci.san.len + ci.key_usage.len + ci.ext_key_usage.len, 0);
    assert_true(ci.self_signed);
    cert_info_free(&ci);
    X509_free(x);
}

static void test_null_certificate(void **state)
{
    (void)state;
    struct cert_info ci;
    memset(&ci, 0, sizeof(ci));
    assert_int_equal(certinfo_from_x509(NULL, NOW, &ci), -1);
    assert_null(ci.subject);
    assert_null(certinfo_spki_sha256(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rsa_leaf_fields),
        cmocka_unit_test(test_ec_ca_fields),
        cmocka_unit_test(test_ed25519_key),
        cmocka_unit_test(test_self_signed),
        cmocka_unit_test(test_days_left),
        cmocka_unit_test(test_digests_match_openssl_cli),
        cmocka_unit_test(test_name_table),
        cmocka_unit_test(test_cert_control_bytes_kept),
        cmocka_unit_test(test_name_invalid_utf8_repaired),
        cmocka_unit_test(test_unencodable_certificate),
        cmocka_unit_test(test_cert_odd_strings_from_wire),
        cmocka_unit_test(test_hostile_sizes_bounded),
        cmocka_unit_test(test_v1_without_extensions),
        cmocka_unit_test(test_null_certificate),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
