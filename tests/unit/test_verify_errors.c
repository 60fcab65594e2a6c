/* Unit tests for the verification-error catalogue: table completeness, name and code lookups,
 * typo suggestions, and the context-aware explanations. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/verify_errors.h"
#include "util/mem.h"

#define DAY 86400L
/* 2021-01-01T00:00:00Z */
#define T_2021 ((time_t)1609459200)

/* Codes 1 .. 94 are every X509_V_ERR_* value OpenSSL 3.0 defines. */
#define OPENSSL30_LAST_CODE 94

static void assert_contains(const char *haystack, const char *needle)
{
    if (!haystack || !strstr(haystack, needle))
        fail_msg("expected \"%s\" in: %s", needle, haystack ? haystack : "(null)");
}

static void assert_not_contains(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle))
        fail_msg("did not expect \"%s\" in: %s", needle, haystack);
}

/* A certificate record as the engine would fill it; release with cert_info_free. */
static void make_cert(struct cert_info *c, const char *cn, const char *issuer, bool self_signed)
{
    memset(c, 0, sizeof(*c));
    c->subject_cn = xstrdup(cn);
    c->subject = xasprintf("CN=%s,O=Example", cn);
    c->issuer = xstrdup(issuer);
    c->self_signed = self_signed;
    c->is_ca = self_signed;
    c->path_len = -1;
    strcpy(c->not_before, "2020-01-01T00:00:00Z");
    c->not_before_t = T_2021 - 366 * DAY;
    strcpy(c->not_after, "2021-01-01T00:00:00Z");
    c->not_after_t = T_2021;
}

static void test_table_complete(void **state)
{
    (void)state;
    size_t n = verify_error_count();
    assert_true(n >= OPENSSL30_LAST_CODE);
    assert_null(verify_error_at(n));
    for (size_t i = 0; i < n; i++) {
        const struct verify_error_info *e = verify_error_at(i);
        assert_non_null(e);
        assert_int_equal(strncmp(e->name, "X509_V_ERR_", 11), 0);
        assert_true(strlen(e->name) > 11);
        assert_non_null(e->message_hint);
        assert_true(strlen(e->message_hint) > 3 && strlen(e->message_hint) <= 60);
        assert_true(strlen(e->explanation) > 20);
        assert_true(strlen(e->fix) > 10);
        assert_ptr_equal(verify_error_by_code(e->code), e); /* codes are unique */
        if (i > 0)
            assert_true(verify_error_at(i - 1)->code < e->code);
    }
    for (int code = 1; code <= OPENSSL30_LAST_CODE; code++)
        if (!verify_error_by_code(code))
            fail_msg("code %d missing from the table", code);
}

static void test_by_code(void **state)
{
    (void)state;
    const struct verify_error_info *e = verify_error_by_code(10);
    assert_non_null(e);
    assert_string_equal(e->name, "X509_V_ERR_CERT_HAS_EXPIRED");
    assert_string_equal(verify_error_by_code(62)->name, "X509_V_ERR_HOSTNAME_MISMATCH");
    assert_string_equal(verify_error_by_code(20)->name,
                        "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY");
    assert_null(verify_error_by_code(0));
    assert_null(verify_error_by_code(-1));
    assert_null(verify_error_by_code(100000));
}

static void test_code_from_name(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int code;
    } cases[] = {
        {"X509_V_ERR_CERT_HAS_EXPIRED", 10},
        {"CERT_HAS_EXPIRED", 10},
        {"cert_has_expired", 10},
        {"cert-has-expired", 10},
        {"x509-v-err-cert-has-expired", 10},
        {"Cert_Has_Expired", 10},
        {"10", 10},
        {" 10 ", 10},
        {"  hostname_mismatch\t", 62},
        {"62", 62},
        {"self-signed-cert-in-chain", 19},
        {"DEPTH_ZERO_SELF_SIGNED_CERT", 18},
        {"X509_V_ERR_IP_ADDRESS_MISMATCH", 64},
        {"unable-to-get-issuer-cert-locally", 20},
        {"unable_to_get_issuer_cert", 2},
        {"0", -1},
        {"999", -1},
        {"-1", -1},
        {"10x", -1},
        {"1 0", -1},
        {"99999999999999999999", -1},
        {"", -1},
        {"   ", -1},
        {"X509_V_ERR_", -1},
        {"X509_V_OK", -1},
        {"CERT_HAS_EXPRIED", -1},
        {"HAS_EXPIRED", -1},
        {"X509_V_ERR_CERT_HAS_EXPIRED_", -1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = verify_error_code_from_name(cases[i].name);
        if (got != cases[i].code)
            fail_msg("'%s': expected %d, got %d", cases[i].name, cases[i].code, got);
    }
    assert_int_equal(verify_error_code_from_name(NULL), -1);

    char long_name[300];
    memset(long_name, 'A', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    assert_int_equal(verify_error_code_from_name(long_name), -1);
}

/* Every entry round-trips through every accepted spelling of its name. */
static void test_name_roundtrip(void **state)
{
    (void)state;
    for (size_t i = 0; i < verify_error_count(); i++) {
        const struct verify_error_info *e = verify_error_at(i);
        char buf[64];
        assert_string_equal(verify_error_name(e->code, buf, sizeof buf), e->name);
        assert_int_equal(verify_error_code_from_name(e->name), e->code);
        char *s = xstrdup(e->name + 11);
        assert_int_equal(verify_error_code_from_name(s), e->code);
        for (char *p = s; *p; p++)
            *p = *p == '_' ? '-' : (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        assert_int_equal(verify_error_code_from_name(s), e->code);
        free(s);
        char num[16];
        snprintf(num, sizeof num, "%d", e->code);
        assert_int_equal(verify_error_code_from_name(num), e->code);
    }
}

static void test_name_fallback(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(verify_error_name(10, buf, sizeof buf), "X509_V_ERR_CERT_HAS_EXPIRED");
    assert_string_equal(verify_error_name(0, buf, sizeof buf), "X509_V_OK");
    const char *s = verify_error_name(4242, buf, sizeof buf);
    assert_ptr_equal(s, buf);
    assert_string_equal(s, "X509_V_ERR_UNKNOWN_4242");
    assert_string_equal(verify_error_name(-3, buf, sizeof buf), "X509_V_ERR_UNKNOWN_-3");
    char tiny[8];
    assert_string_equal(verify_error_name(4242, tiny, sizeof tiny), "X509_V_");
    assert_string_equal(verify_error_name(4242, NULL, 0), "X509_V_ERR_UNKNOWN");
}

static void test_suggest(void **state)
{
    (void)state;
    static const struct {
        const char *typo;
        const char *want; /* NULL: no suggestion */
    } cases[] = {
        {"CERT_HAS_EXPRIED", "X509_V_ERR_CERT_HAS_EXPIRED"},
        {"X509_V_ERR_CERT_HAS_EXPRIED", "X509_V_ERR_CERT_HAS_EXPIRED"},
        {"cert-has-expird", "X509_V_ERR_CERT_HAS_EXPIRED"},
        {"HOSTNAME_MISMATC", "X509_V_ERR_HOSTNAME_MISMATCH"},
        {"hostname-mismatsh", "X509_V_ERR_HOSTNAME_MISMATCH"},
        {"self_signed_cert_in_chian", "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN"},
        {"DEPTH_ZERO_SELF_SIGNED", "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT"},
        {"UNABLE_TO_GET_ISSUER_CERT_LOCALY", "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY"},
        {"expired", "X509_V_ERR_CERT_HAS_EXPIRED"},
        {"CERT_REVOKED", "X509_V_ERR_CERT_REVOKED"},
        {"zzzzzzzzzzzzzz", NULL},
        {"COMPLETELY_UNRELATED_WORDS", NULL},
        {"", NULL},
        {"12345", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = verify_error_suggest(cases[i].typo);
        if (cases[i].want == NULL ? got != NULL : (!got || strcmp(got, cases[i].want) != 0))
            fail_msg("suggest('%s'): expected %s, got %s", cases[i].typo,
                     cases[i].want ? cases[i].want : "NULL", got ? got : "NULL");
    }
    assert_null(verify_error_suggest(NULL));
}

static void test_describe_expired_leaf(void **state)
{
    (void)state;
    struct cert_info c;
    make_cert(&c, "www.example.com", "CN=Example CA", false);
    char *ex = NULL, *fx = NULL;
    time_t now = T_2021 + 2156 * DAY + 3600;
    verify_error_describe(10, 0, &c, 2, "www.example.com", now, &ex, &fx);
    assert_contains(ex, "The server's own certificate (CN=www.example.com)");
    assert_contains(ex, "expired on 2021-01-01");
    assert_contains(ex, "(2,156 days ago)");
    assert_contains(ex, "every client rejects it");
    assert_contains(fx, "Renew the certificate");
    assert_contains(fx, "certbot renew");
    free(ex);
    free(fx);

    /* One day exactly, and less than a day. */
    verify_error_describe(10, 0, &c, 2, NULL, T_2021 + DAY + 5, &ex, &fx);
    assert_contains(ex, "(1 day ago)");
    free(ex);
    free(fx);
    verify_error_describe(10, 0, &c, 2, NULL, T_2021 + 60, &ex, &fx);
    assert_contains(ex, "less than a day ago");
    free(ex);
    free(fx);
    cert_info_free(&c);
}

static void test_describe_expired_intermediate_and_root(void **state)
{
    (void)state;
    struct cert_info inter, root;
    make_cert(&inter, "Example Intermediate R3", "CN=Example Root", false);
    inter.is_ca = true;
    make_cert(&root, "Example Root", "CN=Example Root", true);
    char *ex = NULL, *fx = NULL;
    time_t now = T_2021 + 30 * DAY;

    verify_error_describe(10, 1, &inter, 3, "www.example.com", now, &ex, &fx);
    assert_contains(ex, "The intermediate CA at depth 1 (CN=Example Intermediate R3)");
    assert_contains(ex, "(30 days ago)");
    assert_not_contains(ex, "server's own certificate (");
    assert_contains(fx, "intermediate");
    free(ex);
    free(fx);

    /* Depth 1 of a two-certificate chain whose top is not self-signed: still an intermediate. */
    verify_error_describe(10, 1, &inter, 2, NULL, now, &ex, &fx);
    assert_contains(ex, "The intermediate CA at depth 1");
    free(ex);
    free(fx);

    verify_error_describe(10, 2, &root, 3, NULL, now, &ex, &fx);
    assert_contains(ex, "The root CA (CN=Example Root)");
    free(ex);
    free(fx);

    /* A self-signed certificate in the chain is its root, whatever the record says. */
    verify_error_describe(19, 2, &inter, 3, NULL, now, &ex, &fx);
    assert_contains(ex, "The root CA (CN=Example Intermediate R3) is self-signed");
    assert_contains(fx, "update-ca-certificates");
    free(ex);
    free(fx);

    /* Without a certificate record, the top of the chain is taken to be the root. */
    verify_error_describe(10, 2, NULL, 3, NULL, now, &ex, &fx);
    assert_contains(ex, "The root CA has expired");
    free(ex);
    free(fx);
    verify_error_describe(10, 1, NULL, 3, NULL, now, &ex, &fx);
    assert_contains(ex, "The intermediate CA at depth 1 has expired");
    free(ex);
    free(fx);
    cert_info_free(&inter);
    cert_info_free(&root);
}

static void test_describe_not_yet_valid(void **state)
{
    (void)state;
    struct cert_info c;
    make_cert(&c, "future.example", "CN=Example CA", false);
    strcpy(c.not_before, "2030-06-15T00:00:00Z");
    c.not_before_t = 1907712000; /* 2030-06-15 */
    char *ex = NULL, *fx = NULL;
    verify_error_describe(9, 0, &c, 1, NULL, c.not_before_t - 12 * DAY - 10, &ex, &fx);
    assert_contains(ex, "is not valid before 2030-06-15");
    assert_contains(ex, "(in 12 days)");
    assert_contains(fx, "clock");
    free(ex);
    free(fx);
    cert_info_free(&c);
}

static void test_describe_hostname(void **state)
{
    (void)state;
    struct cert_info c;
    make_cert(&c, "www.example.com", "CN=Example CA", false);
    strlist_push(&c.san, "DNS:www.example.com");
    strlist_push(&c.san, "DNS:*.example.com");
    char *ex = NULL, *fx = NULL;
    verify_error_describe(62, 0, &c, 2, "shop.example.org", T_2021, &ex, &fx);
    assert_contains(ex, "\"shop.example.org\"");
    assert_contains(ex, "DNS:www.example.com, DNS:*.example.com");
    assert_contains(fx, "\"shop.example.org\" in its subjectAltName");
    assert_contains(fx, "-d shop.example.org");
    assert_not_contains(ex, "wildcard");
    free(ex);
    free(fx);

    /* A wildcard one label short. */
    verify_error_describe(62, 0, &c, 2, "a.b.example.com", T_2021, &ex, &fx);
    assert_contains(ex, "wildcard");
    assert_contains(ex, "*.example.com");
    free(ex);
    free(fx);
    verify_error_describe(62, 0, &c, 2, "example.com", T_2021, &ex, &fx);
    assert_contains(ex, "wildcard");
    free(ex);
    free(fx);

    /* The name only in the CN. */
    verify_error_describe(62, 0, &c, 2, "WWW.EXAMPLE.COM.invalid", T_2021, &ex, &fx);
    assert_not_contains(ex, "Common Name");
    free(ex);
    free(fx);
    strlist_clear(&c.san);
    strlist_push(&c.san, "DNS:other.example.net");
    verify_error_describe(62, 0, &c, 2, "www.example.com", T_2021, &ex, &fx);
    assert_contains(ex, "only in the Common Name");
    free(ex);
    free(fx);

    /* No SAN at all. */
    strlist_clear(&c.san);
    verify_error_describe(62, 0, &c, 2, "mail.example.com", T_2021, &ex, &fx);
    assert_contains(ex, "no subjectAltName");
    assert_contains(ex, "\"mail.example.com\"");
    free(ex);
    free(fx);

    /* Many names are cut short. */
    for (int i = 0; i < 20; i++) {
        char name[64];
        snprintf(name, sizeof name, "DNS:host%d.example.com", i);
        strlist_push(&c.san, name);
    }
    verify_error_describe(62, 0, &c, 2, "x.example.org", T_2021, &ex, &fx);
    assert_contains(ex, "and 12 more");
    assert_not_contains(ex, "host8.example.com");
    free(ex);
    free(fx);
    cert_info_free(&c);
}

static void test_describe_ip_mismatch(void **state)
{
    (void)state;
    struct cert_info c;
    make_cert(&c, "www.example.com", "CN=Example CA", false);
    strlist_push(&c.san, "DNS:www.example.com");
    char *ex = NULL, *fx = NULL;
    verify_error_describe(64, 0, &c, 2, "127.0.0.1", T_2021, &ex, &fx);
    assert_contains(ex, "IP address 127.0.0.1");
    assert_contains(ex, "no IP address");
    assert_contains(fx, "subjectAltName=IP:127.0.0.1");
    free(ex);
    free(fx);
    strlist_push(&c.san, "IP:10.0.0.1");
    verify_error_describe(64, 0, &c, 2, "127.0.0.1", T_2021, &ex, &fx);
    assert_contains(ex, "it lists only IP:10.0.0.1");
    free(ex);
    free(fx);
    cert_info_free(&c);
}

static void test_describe_missing_intermediate(void **state)
{
    (void)state;
    struct cert_info c;
    make_cert(&c, "www.example.com", "CN=R3,O=Let's Encrypt,C=US", false);
    c.ca_issuers_url = xstrdup("http://r3.i.lencr.org/");
    char *ex = NULL, *fx = NULL;
    verify_error_describe(20, 0, &c, 1, "www.example.com", T_2021, &ex, &fx);
    assert_contains(ex, "does not send its intermediate");
    assert_contains(ex, "CN=R3,O=Let's Encrypt,C=US");
    assert_contains(fx, "fullchain.pem");
    assert_contains(fx, "SSLCertificateChainFile");
    assert_contains(fx, "http://r3.i.lencr.org/");
    free(ex);
    free(fx);

    verify_error_describe(21, 0, &c, 1, NULL, T_2021, &ex, &fx);
    assert_contains(ex, "does not send its intermediate");
    assert_contains(fx, "fullchain.pem");
    free(ex);
    free(fx);

    /* The same code higher up: an untrusted or unknown CA, not a missing leaf intermediate. */
    struct cert_info inter;
    make_cert(&inter, "Private Issuing CA", "CN=Private Root", false);
    verify_error_describe(20, 1, &inter, 2, NULL, T_2021, &ex, &fx);
    assert_contains(ex, "The intermediate CA at depth 1 (CN=Private Issuing CA)");
    assert_contains(ex, "CN=Private Root");
    assert_contains(ex, "trust store");
    assert_not_contains(ex, "does not send its intermediate");
    free(ex);
    free(fx);

    /* A self-signed leaf is explained as such. */
    struct cert_info self;
    make_cert(&self, "localhost", "CN=localhost,O=Example", true);
    verify_error_describe(18, 0, &self, 1, "localhost", T_2021, &ex, &fx);
    assert_contains(ex, "is self-signed");
    assert_contains(fx, "certbot --nginx -d localhost");
    free(ex);
    free(fx);
    cert_info_free(&c);
    cert_info_free(&inter);
    cert_info_free(&self);
}

static void test_describe_specific_details(void **state)
{
    (void)state;
    struct cert_info c;
    make_cert(&c, "weak.example", "CN=Example CA", false);
    c.key_type = xstrdup("RSA");
    c.key_bits = 1024;
    c.signature_algorithm = xstrdup("sha1WithRSAEncryption");
    c.serial = xstrdup("0A1B2C");
    strlist_push(&c.ext_key_usage, "clientAuth");
    char *ex = NULL, *fx = NULL;

    verify_error_describe(66, 0, &c, 2, NULL, T_2021, &ex, &fx);
    assert_contains(ex, "1024-bit RSA key");
    assert_contains(fx, "new key");
    free(ex);
    free(fx);
    verify_error_describe(68, 0, &c, 2, NULL, T_2021, &ex, &fx);
    assert_contains(ex, "sha1WithRSAEncryption");
    assert_contains(fx, "SHA-256");
    free(ex);
    free(fx);
    verify_error_describe(23, 0, &c, 2, NULL, T_2021, &ex, &fx);
    assert_contains(ex, "revoked");
    assert_contains(ex, "0A1B2C");
    free(ex);
    free(fx);
    verify_error_describe(26, 0, &c, 2, NULL, T_2021, &ex, &fx);
    assert_contains(ex, "clientAuth");
    assert_contains(fx, "serverAuth");
    free(ex);
    free(fx);

    struct cert_info ca;
    make_cert(&ca, "Constrained CA", "CN=Root", false);
    ca.is_ca = true;
    ca.path_len = 0;
    verify_error_describe(25, 2, &ca, 4, NULL, T_2021, &ex, &fx);
    assert_contains(ex, "at most 0 intermediate CAs");
    assert_contains(ex, "the chain has 1");
    free(ex);
    free(fx);
    ca.is_ca = false;
    verify_error_describe(79, 1, &ca, 3, NULL, T_2021, &ex, &fx);
    assert_contains(ex, "CA:TRUE");
    assert_contains(fx, "order");
    free(ex);
    free(fx);
    cert_info_free(&c);
    cert_info_free(&ca);
}

/* Generic entries name the certificate; unknown codes still give usable text. */
static void test_describe_generic_and_unknown(void **state)
{
    (void)state;
    struct cert_info c;
    make_cert(&c, "Issuing CA", "CN=Root", false);
    char *ex = NULL, *fx = NULL;
    verify_error_describe(12, 1, &c, 3, NULL, T_2021, &ex, &fx); /* CRL expired */
    assert_contains(ex, verify_error_by_code(12)->explanation);
    assert_contains(ex, "the intermediate CA at depth 1 (CN=Issuing CA)");
    assert_string_equal(fx, verify_error_by_code(12)->fix);
    free(ex);
    free(fx);
    verify_error_describe(4242, 0, NULL, 0, NULL, T_2021, &ex, &fx);
    assert_contains(ex, "4242");
    assert_true(strlen(fx) > 10);
    free(ex);
    free(fx);
    cert_info_free(&c);
}

/* Every code, with and without context, gives non-empty text and never crashes. */
static void test_describe_every_code(void **state)
{
    (void)state;
    struct cert_info c;
    make_cert(&c, "every.example", "CN=Example CA", false);
    strlist_push(&c.san, "DNS:every.example");
    const int depths[] = {-1, 0, 1, 2};
    for (size_t i = 0; i < verify_error_count(); i++) {
        int code = verify_error_at(i)->code;
        for (size_t k = 0; k < sizeof(depths) / sizeof(depths[0]); k++) {
            for (int with_cert = 0; with_cert < 2; with_cert++) {
                char *ex = NULL, *fx = NULL;
                verify_error_describe(code, depths[k], with_cert ? &c : NULL, with_cert ? 3 : 0,
                                      with_cert ? "every.example" : NULL, T_2021, &ex, &fx);
                assert_non_null(ex);
                assert_non_null(fx);
                if (strlen(ex) < 20 || strlen(fx) < 10)
                    fail_msg("code %d depth %d: thin text '%s' / '%s'", code, depths[k], ex, fx);
                /* Errors about one certificate say which; chain length is about them all. */
                if (with_cert && depths[k] == 0 && code != 22)
                    assert_contains(ex, "server's own certificate");
                free(ex);
                free(fx);
            }
        }
    }
    cert_info_free(&c);
}

/* Peer-controlled names are bounded in the prose. */
static void test_describe_long_names_clipped(void **state)
{
    (void)state;
    struct cert_info c;
    char *huge = xmalloc(10001);
    memset(huge, 'a', 10000);
    huge[10000] = '\0';
    make_cert(&c, huge, huge, false);
    for (int i = 0; i < 3; i++)
        strlist_push(&c.san, huge);
    char *ex = NULL, *fx = NULL;
    verify_error_describe(62, 0, &c, 1, "x.example", T_2021, &ex, &fx);
    assert_true(strlen(ex) < 2000);
    assert_contains(ex, "…");
    free(ex);
    free(fx);
    verify_error_describe(20, 0, &c, 1, NULL, T_2021, &ex, &fx);
    assert_true(strlen(ex) < 2000);
    free(ex);
    free(fx);
    free(huge);
    cert_info_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_complete),
        cmocka_unit_test(test_by_code),
        cmocka_unit_test(test_code_from_name),
        cmocka_unit_test(test_name_roundtrip),
        cmocka_unit_test(test_name_fallback),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_describe_expired_leaf),
        cmocka_unit_test(test_describe_expired_intermediate_and_root),
        cmocka_unit_test(test_describe_not_yet_valid),
        cmocka_unit_test(test_describe_hostname),
        cmocka_unit_test(test_describe_ip_mismatch),
        cmocka_unit_test(test_describe_missing_intermediate),
        cmocka_unit_test(test_describe_specific_details),
        cmocka_unit_test(test_describe_generic_and_unknown),
        cmocka_unit_test(test_describe_every_code),
        cmocka_unit_test(test_describe_long_names_clipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
