/* Peer tools for comparison (tests/lib/peertools.h): sslscan and testssl.sh run against an
 * `openssl s_server` configured with a known list (TLS 1.2 only, three suites, server order)
 * and what they report parses to exactly that list; the parsers also read fixed documents in
 * each tool's format and refuse broken ones. A tool that is not installed skips its live test
 * with a message (`make deps-test` installs both on Debian/Ubuntu). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/harness.h"
#include "lib/peertools.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* The known list: server order ECDHE-RSA-AES128-GCM-SHA256, AES256-SHA, ECDHE-RSA-CHACHA20. */
static const uint16_t known[] = {0xC02F, 0x0035, 0xCCA8};

static int start_known(struct peer *p)
{
    return peer_s_server(
        p, false,
        ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-tls1_2", "-serverpref", "-cipher",
             "ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA:ECDHE-RSA-CHACHA20-POLY1305"));
}

static void expect_known(const struct peertool_result *r)
{
    assert_int_equal(r->n_protocols, 1);
    assert_string_equal(r->protocols[0], "TLSv1.2");
    assert_int_equal(r->n_ciphers, 3);
    for (size_t i = 0; i < 3; i++)
        if (!peertool_find(r, "TLSv1.2", known[i]))
            fail_msg("suite 0x%04X is missing from the tool's list", known[i]);
}

static void test_sslscan_against_s_server(void **state)
{
    (void)state;
    if (!peertools_sslscan()) {
        print_message("# SKIP: sslscan is not installed and could not be (make deps-test)\n");
        skip();
    }
    struct peer p;
    assert_int_equal(start_known(&p), 0);
    struct peertool_result r;
    char err[512];
    if (peertools_run_sslscan(p.port, true, 60, &r, err, sizeof err) < 0)
        fail_msg("%s", err);
    peer_stop(&p);
    expect_known(&r);
    const struct peertool_cipher *c = peertool_find(&r, "TLSv1.2", 0xC02F);
    assert_true(c->preferred);
    assert_string_equal(c->name, "ECDHE-RSA-AES128-GCM-SHA256");
    assert_int_equal(c->bits, 128);
    assert_int_equal(peertool_find(&r, "TLSv1.2", 0x0035)->bits, 256);
    assert_false(peertool_find(&r, "TLSv1.2", 0x0035)->preferred);
    /* TLS 1.2 only: groups are enumerated for ECDHE; x25519 is one of them */
    bool x25519 = false;
    for (size_t i = 0; i < r.n_groups; i++)
        x25519 |= r.groups[i].code == 0x001d;
    assert_true(x25519);
    print_message("# sslscan: %.0f ms, %zu suites, %zu groups\n", r.elapsed_ms, r.n_ciphers,
                  r.n_groups);
    peertool_result_free(&r);
}

static void test_testssl_against_s_server(void **state)
{
    (void)state;
#ifdef __SANITIZE_ADDRESS__
    /* a minute of testssl.sh that runs none of tlscope's code: the plain build runs it */
    print_message("# SKIP: testssl.sh -E runs in the plain build only (no tlscope code)\n");
    skip();
#endif
    if (!peertools_testssl()) {
        print_message("# SKIP: testssl.sh is not installed and could not be (make deps-test)\n");
        skip();
    }
    struct peer p;
    assert_int_equal(start_known(&p), 0);
    struct peertool_result r;
    char err[512];
    if (peertools_run_testssl(p.port, 240, &r, err, sizeof err) < 0)
        fail_msg("%s", err);
    peer_stop(&p);
    expect_known(&r);
    const struct peertool_cipher *c = peertool_find(&r, "TLSv1.2", 0xCCA8);
    assert_string_equal(c->name, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    assert_int_equal(c->bits, 256);
    print_message("# testssl.sh -E: %.0f ms, %zu suites\n", r.elapsed_ms, r.n_ciphers);
    peertool_result_free(&r);
}

static void test_sslscan_parser(void **state)
{
    (void)state;
    static const char xml[] =
        "<?xml version=\"1.0\"?>\n<document title=\"SSLScan Results\" version=\"2.0.7\">\n"
        " <ssltest host=\"127.0.0.1\" port=\"1\">\n"
        "  <protocol type=\"ssl\" version=\"3\" enabled=\"1\" />\n"
        "  <protocol type=\"tls\" version=\"1.0\" enabled=\"0\" />\n"
        "  <protocol type=\"tls\" version=\"1.3\" enabled=\"1\" />\n"
        "  <cipher status=\"preferred\" sslversion=\"TLSv1.3\" bits=\"128\" "
        "cipher=\"TLS_AES_128_GCM_SHA256\" id=\"0x1301\" strength=\"strong\" curve=\"25519\" />\n"
        "  <cipher status=\"accepted\" sslversion=\"SSLv3\" bits=\"112\" cipher=\"DES-CBC3-SHA\" "
        "id=\"0x000A\" strength=\"medium\" />\n"
        "  <group sslversion=\"TLSv1.3\" bits=\"128\" name=\"x25519\" id=\"0x001d\" />\n"
        " </ssltest>\n</document>\n";
    struct peertool_result r;
    char err[256];
    assert_int_equal(peertools_parse_sslscan(xml, &r, err, sizeof err), 0);
    assert_int_equal(r.n_protocols, 2);
    assert_string_equal(r.protocols[0], "SSLv3");
    assert_string_equal(r.protocols[1], "TLSv1.3");
    assert_int_equal(r.n_ciphers, 2);
    assert_true(r.ciphers[0].preferred);
    assert_int_equal(peertool_find(&r, "SSLv3", 0x000A)->bits, 112);
    assert_null(peertool_find(&r, "TLSv1.2", 0x000A));
    assert_int_equal(r.n_groups, 1);
    assert_int_equal(r.groups[0].code, 0x001d);
    assert_string_equal(r.groups[0].name, "x25519");
    peertool_result_free(&r);
    assert_int_equal(peertools_parse_sslscan("Unable to connect", &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "ssltest"));
    assert_int_equal(
        peertools_parse_sslscan("<ssltest><cipher sslversion=\"TLSv1.2\" />", &r, err, sizeof err),
        -1);
    assert_int_equal(peertools_parse_sslscan("<ssltest><cipher ", &r, err, sizeof err), -1);
}

static void test_testssl_parser(void **state)
{
    (void)state;
    static const char json[] =
        "[{\"id\":\"engine_problem\",\"finding\":\"No engine\"},"
        "{\"id\":\"cipher-tls1_2_xc02f\",\"finding\":\"TLS 1.2   xc02f   "
        "ECDHE-RSA-AES128-GCM-SHA256       ECDH 253   AESGCM      128      "
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"},"
        "{\"id\":\"cipher-tls1_x35\",\"finding\":\"TLS 1   x35     AES256-SHA    RSA   AES   256   "
        "TLS_RSA_WITH_AES_256_CBC_SHA\"},"
        "{\"id\":\"cipher-ssl3_x0a\",\"finding\":\"SSLv3  x0a  DES-CBC3-SHA  RSA  3DES  168  "
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA\"},"
        "{\"id\":\"cipher-tls1_3_x1301\",\"finding\":\"TLS 1.3  x1301  TLS_AES_128_GCM_SHA256  "
        "ECDH 253  AESGCM  128  TLS_AES_128_GCM_SHA256\"},"
        "{\"id\":\"cipher-bogus_x1\",\"finding\":\"x\"},"
        "{\"id\":\"scanTime\",\"finding\":\"24\"}]";
    struct peertool_result r;
    char err[256];
    assert_int_equal(peertools_parse_testssl(json, &r, err, sizeof err), 0);
    assert_int_equal(r.n_ciphers, 4);
    assert_int_equal(peertool_find(&r, "TLSv1.2", 0xC02F)->bits, 128);
    assert_string_equal(peertool_find(&r, "TLSv1.0", 0x0035)->name, "TLS_RSA_WITH_AES_256_CBC_SHA");
    assert_int_equal(peertool_find(&r, "SSLv3", 0x000A)->bits, 168);
    assert_non_null(peertool_find(&r, "TLSv1.3", 0x1301));
    assert_int_equal(r.n_protocols, 4);
    peertool_result_free(&r);
    assert_int_equal(peertools_parse_testssl("{\"id\":1}", &r, err, sizeof err), -1);
    assert_int_equal(peertools_parse_testssl("[{", &r, err, sizeof err), -1);
}

int main(void)
{
    harness_dir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sslscan_parser),
        cmocka_unit_test(test_testssl_parser),
        cmocka_unit_test(test_sslscan_against_s_server),
        cmocka_unit_test(test_testssl_against_s_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
