/* The raw-hello driver (conn_new_hello) against `openssl s_server` on loopback: TLS 1.3 and
 * TLS 1.2 ServerHellos, a HelloRetryRequest, handshake_failure and protocol_version alerts,
 * every key share the builder can make, TLS 1.0 and a full offer. For each case the same offer
 * is made with `openssl s_client` and its outcome (negotiated version and cipher, the HRR, the
 * alert it received, or nothing) must be the driver's. Peers that do not answer with TLS, and
 * the pipeline around the driver: test_raw_hello.c; shared helpers: tests/lib/rawhello.h.
 *
 * With TLSCOPE_RAW_CORPUS=DIR set, each answer received is also written to DIR as the records
 * the server sent, after the control byte of tests/fuzz/fuzz_record.c (the seeds of
 * tests/fuzz/corpus/record/). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/rawhello.h"
#include "render/json.h"
#include "wire/record.h"

static struct engine *eng;

/* ---- s_server cases ---------------------------------------------------------------------- */

static void test_tls13_server_hello(void **state)
{
    (void)state;
    struct peer p;
    rawhello_s_server(&p, NULL);
    struct wire_ch_spec spec =
        rawhello_offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    struct report *r = rawhello_probe(eng, p.port, &spec);
    const struct hello_result *h = &r->hello;
    rawhello_expect_no_error(r);
    assert_int_equal(h->outcome, HELLO_SERVER_HELLO);
    assert_int_equal(h->version, WIRE_TLS1_3);
    assert_true(rawhello_in_list(h->cipher, suites13, NELEM(suites13)));
    assert_int_equal(h->group, 0x001d);
    assert_int_equal(h->compression, 0);
    assert_true(h->ms >= 0 && h->ms < 5000);
    assert_string_equal(r->protocol, "TLSv1.3");
    assert_string_equal(r->group, "x25519");

    /* the events: our ClientHello with its bytes, then the ServerHello with its bytes */
    uint8_t built[WIRE_CH_MAX];
    size_t n = wire_build_client_hello(&spec, built, sizeof built, NULL);
    const struct hs_event *ch = rawhello_find_event(r, DIR_SENT, WIRE_HS_CLIENT_HELLO);
    assert_non_null(ch);
    assert_int_equal(ch->n_bytes, n - WIRE_RECORD_HEADER);
    assert_memory_equal(ch->bytes, built + WIRE_RECORD_HEADER, ch->n_bytes);
    assert_int_equal(r->bytes_sent, n);
    const struct hs_event *sh = rawhello_find_event(r, DIR_RECEIVED, WIRE_HS_SERVER_HELLO);
    assert_non_null(sh);
    assert_string_equal(sh->name, "ServerHello");
    assert_int_equal(sh->length, sh->n_bytes);
    assert_true(sh->t_us >= ch->t_us);
    struct wire_hello parsed;
    assert_int_equal(wire_parse_server_hello(sh->bytes, sh->n_bytes, &parsed, NULL), 0);
    assert_int_equal(parsed.ciphers[0], h->cipher);
    assert_int_equal(parsed.session_id_len, 32); /* echoed, as TLS 1.3 asks */
    assert_memory_equal(parsed.session_id, session_id, 32);
    wire_hello_free(&parsed);
    assert_true(r->bytes_received >= 5 + sh->n_bytes);
    rawhello_corpus_save("tls13-server-hello", r);

    /* what we offered, as for any connection; no server name was sent */
    assert_int_equal(r->offered.client_hello_len, n - WIRE_RECORD_HEADER);
    assert_int_equal(r->offered.ciphers.len, NELEM(suites13));
    assert_string_equal(r->offered.ciphers.items[0], "TLS_AES_256_GCM_SHA384");
    assert_int_equal(r->offered.versions.len, 1);
    assert_string_equal(r->offered.versions.items[0], "TLSv1.3");
    assert_int_equal(r->offered.key_shares.len, 1);
    assert_string_equal(r->offered.key_shares.items[0], "x25519");
    assert_null(r->sni);

    rawhello_same_as_sclient(
        r, p.port,
        ARGS("-tls1_3", "-ciphersuites",
             "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256",
             "-groups", "X25519"));
    report_free(r);
    peer_stop(&p);
}

static void test_tls12_server_hello(void **state)
{
    (void)state;
    struct peer p;
    rawhello_s_server(&p, NULL);
    struct wire_ch_spec spec = rawhello_offer12(suites12, NELEM(suites12));
    struct report *r = rawhello_probe(eng, p.port, &spec);
    rawhello_expect_no_error(r);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.version, WIRE_TLS1_2);
    assert_true(rawhello_in_list(r->hello.cipher, suites12, NELEM(suites12)));
    assert_int_equal(r->hello.group, 0); /* TLS 1.2: in the ServerKeyExchange, not read */
    assert_string_equal(r->protocol, "TLSv1.2");
    rawhello_corpus_save("tls12-server-hello", r);

    rawhello_same_as_sclient(r, p.port,
                             ARGS("-tls1_2", "-cipher", SUITES12_OSSL, "-groups", "X25519:P-256"));
    report_free(r);
    peer_stop(&p);
}

/* Offering 1.3 and 1.2 to a server without 1.3: a TLS 1.2 ServerHello (legacy_version, no
 * supported_versions in the answer). */
static void test_tls12_when_server_lacks_tls13(void **state)
{
    (void)state;
    struct peer p;
    rawhello_s_server(&p, ARGS("-no_tls1_3"));
    uint16_t suites[NELEM(suites13) + NELEM(suites12)];
    memcpy(suites, suites13, sizeof suites13);
    memcpy(suites + NELEM(suites13), suites12, sizeof suites12);
    struct wire_ch_spec spec = rawhello_offer12(suites, NELEM(suites));
    spec.versions = v13_12, spec.n_versions = NELEM(v13_12);
    spec.shares = share_x25519, spec.n_shares = 1;
    spec.psk_modes = true;
    struct report *r = rawhello_probe(eng, p.port, &spec);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.version, WIRE_TLS1_2);
    assert_true(rawhello_in_list(r->hello.cipher, suites12, NELEM(suites12)));

    rawhello_same_as_sclient(
        r, p.port,
        ARGS("-ciphersuites", SUITES13_OSSL, "-cipher", SUITES12_OSSL, "-groups", "X25519:P-256"));
    report_free(r);
    peer_stop(&p);
}

/* The server supports x25519 and P-256; we share only P-384 (listed first, x25519 second):
 * it must ask again for x25519. (OpenSSL 3.0 takes the first share of a group it supports
 * whatever its own order, so a P-256 share would get a ServerHello, not an HRR.) */
static void test_hello_retry_request(void **state)
{
    (void)state;
    struct peer p;
    rawhello_s_server(&p, ARGS("-groups", "X25519:P-256"));
    struct wire_ch_spec spec = rawhello_offer13(suites13, NELEM(suites13), g_p384_x25519,
                                                NELEM(g_p384_x25519), share_p384);
    struct report *r = rawhello_probe(eng, p.port, &spec);
    rawhello_expect_no_error(r);
    assert_int_equal(r->hello.outcome, HELLO_RETRY);
    assert_int_equal(r->hello.group, 0x001d);
    assert_int_equal(r->hello.version, WIRE_TLS1_3);
    assert_true(rawhello_in_list(r->hello.cipher, suites13, NELEM(suites13)));
    const struct hs_event *sh = rawhello_find_event(r, DIR_RECEIVED, WIRE_HS_SERVER_HELLO);
    assert_non_null(sh);
    assert_memory_equal(sh->bytes + 6, wire_hrr_random, 32);
    rawhello_corpus_save("tls13-hello-retry-request", r);
    char *text = json_render_report(r, false);
    json_t *doc = json_loads(text, 0, NULL);
    assert_non_null(doc);
    json_t *jh = json_object_get(doc, "hello");
    assert_string_equal(json_string_value(json_object_get(jh, "outcome")), "hello_retry_request");
    assert_string_equal(json_string_value(json_object_get(jh, "group")), "0x001D");
    assert_string_equal(json_string_value(json_object_get(jh, "version")), "0x0304");
    assert_true(json_is_null(json_object_get(json_object_get(doc, "target"), "sni")));
    json_decref(doc);
    free(text);

    rawhello_same_as_sclient(
        r, p.port, ARGS("-tls1_3", "-ciphersuites", SUITES13_OSSL, "-groups", "P-384:X25519"));
    report_free(r);

    /* an empty key_share list asks for an HRR too (s_client cannot make this offer) */
    spec = rawhello_offer13(suites13, NELEM(suites13), g_x25519_p256, NELEM(g_x25519_p256), NULL);
    spec.key_share_empty = true;
    r = rawhello_probe(eng, p.port, &spec);
    assert_int_equal(r->hello.outcome, HELLO_RETRY);
    assert_int_equal(r->hello.group, 0x001d);
    report_free(r);
    peer_stop(&p);
}

static void expect_alert(const struct report *r, int desc)
{
    rawhello_expect_no_error(r);
    assert_int_equal(r->hello.outcome, HELLO_ALERT);
    assert_int_equal(r->hello.alert_level, 2);
    assert_int_equal(r->hello.alert_desc, desc);
    const struct hs_event *a = rawhello_find_event(r, DIR_RECEIVED, -1);
    assert_non_null(a);
    assert_int_equal(a->alert_desc, desc);
    assert_int_equal(a->n_bytes, 2);
}

static void test_handshake_failure(void **state)
{
    (void)state;
    struct peer p;
    rawhello_s_server(&p, ARGS("-cipher", "ECDHE-RSA-AES256-GCM-SHA384"));

    /* TLS 1.3 with only TLS_AES_128_CCM_8_SHA256, which OpenSSL does not enable by default */
    static const uint16_t ccm8[] = {0x1305};
    struct wire_ch_spec spec = rawhello_offer13(ccm8, 1, g_x25519, 1, share_x25519);
    struct report *r = rawhello_probe(eng, p.port, &spec);
    expect_alert(r, 40);
    rawhello_corpus_save("alert-handshake-failure", r);
    rawhello_same_as_sclient(
        r, p.port,
        ARGS("-tls1_3", "-ciphersuites", "TLS_AES_128_CCM_8_SHA256", "-groups", "X25519"));
    report_free(r);

    /* TLS 1.2 with only a suite the server's -cipher left out */
    static const uint16_t aes128[] = {0xC02F};
    spec = rawhello_offer12(aes128, 1);
    r = rawhello_probe(eng, p.port, &spec);
    expect_alert(r, 40);
    rawhello_same_as_sclient(r, p.port, ARGS("-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"));
    report_free(r);
    peer_stop(&p);
}

static void test_protocol_version(void **state)
{
    (void)state;
    /* a TLS 1.3-only server, a TLS 1.2 offer */
    struct peer p;
    rawhello_s_server(&p, ARGS("-tls1_3"));
    struct wire_ch_spec spec = rawhello_offer12(suites12, NELEM(suites12));
    struct report *r = rawhello_probe(eng, p.port, &spec);
    expect_alert(r, 70);
    rawhello_corpus_save("alert-protocol-version", r);
    rawhello_same_as_sclient(r, p.port, ARGS("-tls1_2", "-cipher", SUITES12_OSSL));
    report_free(r);
    peer_stop(&p);

    /* a TLS 1.2-only server, a TLS 1.3 offer */
    rawhello_s_server(&p, ARGS("-tls1_2"));
    spec = rawhello_offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    r = rawhello_probe(eng, p.port, &spec);
    expect_alert(r, 70);
    rawhello_same_as_sclient(r, p.port,
                             ARGS("-tls1_3", "-ciphersuites", SUITES13_OSSL, "-groups", "X25519"));
    report_free(r);
    peer_stop(&p);
}

/* A key share for each group the builder has a generator value for: the server takes it (a
 * bad value would get illegal_parameter) and answers with that group, as it does for s_client
 * offering that group alone. */
static void test_generator_key_shares(void **state)
{
    (void)state;
    static const struct {
        uint16_t group;
        const char *name; /* for s_client -groups */
    } groups[] = {{0x0017, "P-256"},     {0x0018, "P-384"},     {0x0019, "P-521"},
                  {0x001e, "X448"},      {0x001d, "X25519"},    {0x0100, "ffdhe2048"},
                  {0x0101, "ffdhe3072"}, {0x0102, "ffdhe4096"}, {0x0104, "ffdhe8192"}};
    struct peer p;
    rawhello_s_server(&p, ARGS("-groups", "X25519:P-256:P-384:P-521:X448:ffdhe2048:ffdhe3072:"
                                          "ffdhe4096:ffdhe8192"));
    for (size_t i = 0; i < NELEM(groups); i++) {
        const struct wire_key_share share = {groups[i].group, NULL, 0};
        struct wire_ch_spec spec =
            rawhello_offer13(suites13, NELEM(suites13), &groups[i].group, 1, &share);
        struct report *r = rawhello_probe(eng, p.port, &spec);
        if (r->hello.outcome != HELLO_SERVER_HELLO || r->hello.group != groups[i].group)
            fail_msg("%s: %s, group 0x%04x", groups[i].name, hello_outcome_name(r->hello.outcome),
                     r->hello.group);
        rawhello_same_as_sclient(
            r, p.port, ARGS("-tls1_3", "-ciphersuites", SUITES13_OSSL, "-groups", groups[i].name));
        report_free(r);
    }
    peer_stop(&p);
}

/* TLS 1.0, as the scanner will probe it: a server that still speaks it answers with a TLS 1.0
 * ServerHello; one at OpenSSL's default security level refuses it like s_client is refused. */
static void test_tls10(void **state)
{
    (void)state;
    static const uint16_t suites[] = {0xC014, 0xC013, 0x0035, 0x002F};
    struct wire_ch_spec spec = rawhello_offer12(suites, NELEM(suites));
    spec.legacy_version = 0x0301;
    spec.sigalgs = NULL, spec.n_sigalgs = 0; /* TLS 1.0 has none */
    const char *const *sc_args =
        ARGS("-tls1", "-cipher",
             "ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA:@SECLEVEL=0");
    struct peer p;
    rawhello_s_server(&p, ARGS("-tls1", "-cipher", "ALL:@SECLEVEL=0"));
    struct report *r = rawhello_probe(eng, p.port, &spec);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.version, 0x0301);
    assert_true(rawhello_in_list(r->hello.cipher, suites, NELEM(suites)));
    rawhello_same_as_sclient(r, p.port, sc_args);
    report_free(r);
    peer_stop(&p);

    rawhello_s_server(&p, NULL);
    r = rawhello_probe(eng, p.port, &spec);
    assert_int_equal(r->hello.outcome, HELLO_ALERT);
    rawhello_same_as_sclient(r, p.port, sc_args);
    report_free(r);
    peer_stop(&p);
}

/* Every extension the builder models, with padding to 512 bytes (the F5 workaround): the
 * server takes the offer and acknowledges what a TLS 1.2 server acknowledges in its
 * ServerHello (ALPN among them); s_client offering the same gets the same suite. */
static void test_full_offer(void **state)
{
    (void)state;
    static const char *const alpn[] = {"h2", "http/1.1"};
    struct wire_ch_spec spec = rawhello_offer12(suites12, NELEM(suites12));
    spec.sni = "localhost";
    spec.alpn = alpn, spec.n_alpn = NELEM(alpn);
    spec.status_request = true;
    spec.encrypt_then_mac = true;
    spec.pad_to = 512;
    struct peer p;
    rawhello_s_server(&p, ARGS("-alpn", "h2"));
    struct report *r = rawhello_probe(eng, p.port, &spec);
    rawhello_expect_no_error(r);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.version, WIRE_TLS1_2);
    assert_int_equal(r->bytes_sent, 5 + 512);
    assert_int_equal(r->offered.client_hello_len, 512);
    assert_string_equal(r->sni, "localhost");
    assert_true(r->ocsp_requested);
    static const char *const acked[] = {"renegotiation_info", "ec_point_formats", "session_ticket",
                                        "alpn", "extended_master_secret"};
    for (size_t k = 0; k < NELEM(acked); k++) {
        bool seen = false;
        for (size_t i = 0; i < r->server_extensions.len; i++)
            seen |= !strcmp(r->server_extensions.items[i], acked[k]);
        if (!seen)
            fail_msg("the ServerHello does not acknowledge %s", acked[k]);
    }
    rawhello_same_as_sclient(r, p.port,
                             ARGS("-tls1_2", "-cipher", SUITES12_OSSL, "-groups", "X25519:P-256",
                                  "-servername", "localhost", "-alpn", "h2,http/1.1", "-status"));
    report_free(r);
    peer_stop(&p);
}

int main(void)
{
    harness_dir();
    eng = engine_new();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tls13_server_hello),
        cmocka_unit_test(test_tls12_server_hello),
        cmocka_unit_test(test_tls12_when_server_lacks_tls13),
        cmocka_unit_test(test_hello_retry_request),
        cmocka_unit_test(test_handshake_failure),
        cmocka_unit_test(test_protocol_version),
        cmocka_unit_test(test_generator_key_shares),
        cmocka_unit_test(test_tls10),
        cmocka_unit_test(test_full_offer),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    engine_free(eng);
    return failed;
}
