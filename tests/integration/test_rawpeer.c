/* The scripted negotiation peer (tests/lib/rawpeer.h) driven by the engine's raw-hello driver
 * (conn_new_hello): each kind of answer it can give decodes in the report's hello as the
 * configured server would answer — TLS 1.3 ServerHello and HelloRetryRequest (post-quantum
 * groups by code point), TLS 1.2 suites the linked OpenSSL cannot speak in server and client
 * order, handshake_failure / protocol_version / inappropriate_fallback alerts, an SSLv3
 * ServerHello, an SSLv2 SERVER-HELLO, the echoed extensions and compression, intolerance to
 * large hellos, resets every Nth connection, refusal after N, and a Certificate after the
 * ServerHello read from a plain socket. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/engine.h"
#include "lib/harness.h"
#include "lib/rawpeer.h"
#include "util/mem.h"
#include "util/strlist.h"
#include "util/timeutil.h"
#include "wire/build.h"
#include "wire/record.h"
#include "wire/serve.h"
#include "wire/wire.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct engine *eng;

static const uint8_t client_random[32] = "rawpeer test client random.....";
static const uint8_t session_id[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                       12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                       23, 24, 25, 26, 27, 28, 29, 30, 31};
static const uint16_t sigalgs[] = {0x0403, 0x0804, 0x0401};
static const uint16_t v13[] = {WIRE_TLS1_3};
static const uint16_t suites13[] = {0x1301, 0x1302, 0x1303};
static const struct wire_key_share share_x25519[] = {{0x001d, NULL, 0}};

static struct wire_ch_spec offer13(const uint16_t *groups, size_t n_groups,
                                   const struct wire_key_share *shares, size_t n_shares)
{
    return (struct wire_ch_spec){
        .random = client_random,
        .session_id = session_id,
        .session_id_len = sizeof session_id,
        .ciphers = suites13,
        .n_ciphers = NELEM(suites13),
        .versions = v13,
        .n_versions = NELEM(v13),
        .groups = groups,
        .n_groups = n_groups,
        .shares = shares,
        .n_shares = n_shares,
        .sigalgs = sigalgs,
        .n_sigalgs = NELEM(sigalgs),
        .psk_modes = true,
    };
}

static const uint16_t g_x25519_p256[] = {0x001d, 0x0017};

static struct wire_ch_spec offer12(const uint16_t *suites, size_t n_suites)
{
    return (struct wire_ch_spec){
        .random = client_random,
        .ciphers = suites,
        .n_ciphers = n_suites,
        .groups = g_x25519_p256,
        .n_groups = NELEM(g_x25519_p256),
        .ec_point_formats = true,
        .sigalgs = sigalgs,
        .n_sigalgs = NELEM(sigalgs),
    };
}

static struct report *probe_at(const char *host, uint16_t port, const struct wire_ch_spec *spec)
{
    struct tls_config cfg;
    config_init(&cfg);
    cfg.host = xstrdup(host);
    cfg.port = port;
    cfg.timeout_s = 5;
    struct conn *c;
    char err[256];
    if (conn_new_hello(eng, &cfg, spec, &c, err, sizeof err) < 0)
        fail_msg("conn_new_hello: %s", err);
    config_free(&cfg);
    struct conn_poll p;
    int64_t end = mono_us() + 8000000;
    int steps = 0;
    for (bool first = true; conn_step(c, first ? NULL : &p); first = false) {
        if (++steps > 10000 || mono_us() > end) {
            conn_cancel(c);
            fail_msg("the probe did not end");
        }
        conn_want(c, &p);
        conn_poll_wait(&p, 100000);
    }
    struct report *r = conn_take_report(c);
    conn_free(c);
    return r;
}

static struct report *probe(uint16_t port, const struct wire_ch_spec *spec)
{
    return probe_at("127.0.0.1", port, spec);
}

static void start(struct rawpeer *rp, const struct rawpeer_config *cfg)
{
    if (rawpeer_start(rp, false, cfg) < 0)
        fail_msg("rawpeer_start failed");
}

/* ---- TLS 1.3 ----------------------------------------------------------------------------- */

static void test_tls13_server_hello(void **state)
{
    (void)state;
    static const uint16_t suites[] = {0x1302, 0x1301};
    static const uint16_t groups[] = {0x0017, 0x001d};
    struct rawpeer rp;
    start(&rp, &(struct rawpeer_config){.versions = RAWPEER_TLS1_2 | RAWPEER_TLS1_3,
                                        .suites = suites,
                                        .n_suites = NELEM(suites),
                                        .groups = groups,
                                        .n_groups = NELEM(groups)});
    struct wire_ch_spec s = offer13(g_x25519_p256, NELEM(g_x25519_p256), share_x25519, 1);
    struct report *r = probe(rp.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.version, 0x0304);
    assert_int_equal(r->hello.cipher, 0x1302); /* server order */
    assert_int_equal(r->hello.group, 0x001d);  /* P-256 is preferred but has no share */
    report_free(r);
    /* a share for the preferred group: it is chosen */
    struct wire_key_share both[] = {{0x001d, NULL, 0}, {0x0017, NULL, 0}};
    s = offer13(g_x25519_p256, NELEM(g_x25519_p256), both, 2);
    r = probe(rp.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.group, 0x0017);
    report_free(r);
    struct rawpeer_stats st = rawpeer_stats(&rp);
    assert_int_equal(st.connections, 2);
    assert_int_equal(st.server_hellos, 2);
    rawpeer_stop(&rp);
}

static void test_tls13_hrr_post_quantum(void **state)
{
    (void)state;
    static const uint16_t groups[] = {0x11EC, 0x001d};
    static const uint16_t offered[] = {0x11EC, 0x11EB, 0x0200, 0x0201, 0x0202, 0x6399, 0x001d};
    struct rawpeer rp, strict;
    start(&rp, &(struct rawpeer_config){.versions = RAWPEER_TLS1_3,
                                        .suites = suites13,
                                        .n_suites = 1,
                                        .groups = groups,
                                        .n_groups = NELEM(groups)});
    start(&strict, &(struct rawpeer_config){.versions = RAWPEER_TLS1_3,
                                            .suites = suites13,
                                            .n_suites = 1,
                                            .groups = groups,
                                            .n_groups = NELEM(groups),
                                            .group_strict = true});
    struct wire_ch_spec s = offer13(offered, NELEM(offered), share_x25519, 1);
    struct report *r = probe(strict.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_RETRY);
    assert_int_equal(r->hello.group, 0x11EC);
    assert_int_equal(r->hello.cipher, 0x1301);
    report_free(r);
    r = probe(rp.peer.port, &s); /* not strict: the x25519 share is usable */
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.group, 0x001d);
    report_free(r);
    /* no share at all: an HRR naming the best shared group */
    s = offer13(offered, NELEM(offered), NULL, 0);
    s.key_share_empty = true;
    r = probe(rp.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_RETRY);
    assert_int_equal(r->hello.group, 0x11EC);
    report_free(r);
    /* a (made-up) X25519MLKEM768 share: a ServerHello for it */
    static uint8_t pq_key[1216];
    struct wire_key_share pq[] = {{0x11EC, pq_key, sizeof pq_key}};
    s = offer13(offered, NELEM(offered), pq, 1);
    r = probe(rp.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.group, 0x11EC);
    report_free(r);
    /* no shared group: handshake_failure */
    static const uint16_t p384[] = {0x0018};
    struct wire_key_share p384_share[] = {{0x0018, NULL, 0}};
    s = offer13(p384, 1, p384_share, 1);
    r = probe(rp.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_ALERT);
    assert_int_equal(r->hello.alert_desc, 40);
    report_free(r);
    assert_int_equal(rawpeer_stats(&strict).retries, 1);
    assert_int_equal(rawpeer_stats(&rp).retries, 1);
    rawpeer_stop(&strict);
    rawpeer_stop(&rp);
}

/* ---- TLS <= 1.2 -------------------------------------------------------------------------- */

static const uint16_t legacy_suites[] = {0x0005 /* RC4-SHA */, 0x000A /* 3DES */,
                                         0x0003 /* EXP-RC4-MD5 */, 0xC011 /* ECDHE-RSA-RC4 */};

static void test_tls12_legacy_suites(void **state)
{
    (void)state;
    static const uint16_t groups[] = {0x0017};
    struct rawpeer_config cfg = {.versions = RAWPEER_TLS1_0 | RAWPEER_TLS1_1 | RAWPEER_TLS1_2,
                                 .suites = legacy_suites,
                                 .n_suites = NELEM(legacy_suites),
                                 .groups = groups,
                                 .n_groups = 1};
    struct rawpeer srv, cli;
    start(&srv, &cfg);
    cfg.client_order = true;
    start(&cli, &cfg);
    static const uint16_t offer[] = {0x000A, 0x1301, 0x0005, 0x0003};
    struct wire_ch_spec s = offer12(offer, NELEM(offer));
    struct report *r = probe(srv.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.version, 0x0303);
    assert_int_equal(r->hello.cipher, 0x0005);
    report_free(r);
    r = probe(cli.peer.port, &s);
    assert_int_equal(r->hello.cipher, 0x000A);
    report_free(r);
    /* remove the chosen ones: EXPORT is next, then nothing */
    static const uint16_t export_only[] = {0x0003};
    s = offer12(export_only, 1);
    s.legacy_version = 0x0301;
    r = probe(srv.peer.port, &s);
    assert_int_equal(r->hello.cipher, 0x0003);
    assert_int_equal(r->hello.version, 0x0301);
    report_free(r);
    /* an ECDHE suite needs a shared group */
    static const uint16_t ecdhe[] = {0xC011};
    s = offer12(ecdhe, 1);
    r = probe(srv.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.cipher, 0xC011);
    report_free(r);
    static const uint16_t x25519_only[] = {0x001d};
    s.groups = x25519_only;
    s.n_groups = 1;
    r = probe(srv.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_ALERT);
    assert_int_equal(r->hello.alert_desc, 40);
    report_free(r);
    rawpeer_stop(&srv);
    rawpeer_stop(&cli);
}

static void test_alerts(void **state)
{
    (void)state;
    static const uint16_t suites[] = {0xC02F, 0x1301};
    struct rawpeer only13, tls12, fb;
    start(&only13, &(struct rawpeer_config){.versions = RAWPEER_TLS1_3,
                                            .suites = suites,
                                            .n_suites = NELEM(suites),
                                            .groups = g_x25519_p256,
                                            .n_groups = 2});
    start(&tls12, &(struct rawpeer_config){
                      .versions = RAWPEER_TLS1_2, .suites = suites, .n_suites = NELEM(suites)});
    start(&fb, &(struct rawpeer_config){.versions = RAWPEER_TLS1_1 | RAWPEER_TLS1_2,
                                        .suites = suites,
                                        .n_suites = NELEM(suites),
                                        .honour_fallback = true});
    struct wire_ch_spec s = offer12(suites, 1);
    struct report *r = probe(only13.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_ALERT);
    assert_int_equal(r->hello.alert_desc, 70); /* protocol_version */
    report_free(r);
    static const uint16_t other[] = {0x009C};
    s = offer12(other, 1);
    r = probe(tls12.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_ALERT);
    assert_int_equal(r->hello.alert_level, 2);
    assert_int_equal(r->hello.alert_desc, 40); /* handshake_failure */
    report_free(r);
    static const uint16_t with_scsv[] = {0xC02F, 0x5600};
    s = offer12(with_scsv, 2);
    s.legacy_version = 0x0302;
    r = probe(fb.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_ALERT);
    assert_int_equal(r->hello.alert_desc, 86); /* inappropriate_fallback */
    report_free(r);
    r = probe(tls12.peer.port, &s); /* not honoured: TLS 1.1 is not accepted there */
    assert_int_equal(r->hello.alert_desc, 70);
    report_free(r);
    s.legacy_version = 0x0303; /* the top version with the SCSV: no fallback */
    r = probe(fb.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    report_free(r);
    rawpeer_stop(&only13);
    rawpeer_stop(&tls12);
    rawpeer_stop(&fb);
}

static void test_features(void **state)
{
    (void)state;
    static const uint16_t suites[] = {0xC02F};
    static const uint8_t deflate[] = {1};
    static const char *const alpn_srv[] = {"h2", "http/1.1"};
    struct rawpeer rp, plain;
    start(&rp, &(struct rawpeer_config){.versions = RAWPEER_TLS1_2,
                                        .suites = suites,
                                        .n_suites = 1,
                                        .secure_renegotiation = true,
                                        .ems = true,
                                        .session_ticket = true,
                                        .status_request = true,
                                        .compressions = deflate,
                                        .n_compressions = 1,
                                        .alpn = alpn_srv,
                                        .n_alpn = 2});
    start(&plain,
          &(struct rawpeer_config){.versions = RAWPEER_TLS1_2, .suites = suites, .n_suites = 1});
    static const uint8_t comps[] = {1, 0};
    static const char *const alpn_cli[] = {"http/1.1", "h2"};
    struct wire_ch_spec s = offer12(suites, 1);
    s.renegotiation_info = true;
    s.extended_master_secret = true;
    s.session_ticket = true;
    s.status_request = true;
    s.compressions = comps;
    s.n_compressions = 2;
    s.alpn = alpn_cli;
    s.n_alpn = 2;
    struct report *r = probe(rp.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.compression, 1);
    const char *want[] = {"renegotiation_info", "extended_master_secret", "session_ticket",
                          "status_request",     "ec_point_formats",       "alpn"};
    for (size_t i = 0; i < NELEM(want); i++)
        if (!strlist_contains(&r->server_extensions, want[i]))
            fail_msg("the ServerHello lacks %s", want[i]);
    assert_int_equal(r->server_extensions.len, NELEM(want));
    report_free(r);
    r = probe(plain.peer.port, &s);
    assert_int_equal(r->hello.compression, 0);
    assert_int_equal(r->server_extensions.len, 1); /* ec_point_formats for ECDHE only */
    report_free(r);
    rawpeer_stop(&rp);
    rawpeer_stop(&plain);
}

/* The TLS 1.3 legacy_session_id is echoed unless the peer is told not to. */
static void test_session_id_echo(void **state)
{
    (void)state;
    struct rawpeer echo, none;
    struct rawpeer_config cfg = {.versions = RAWPEER_TLS1_3,
                                 .suites = suites13,
                                 .n_suites = 1,
                                 .groups = g_x25519_p256,
                                 .n_groups = 1};
    start(&echo, &cfg);
    cfg.no_session_id_echo = true;
    start(&none, &cfg);
    struct wire_ch_spec s = offer13(g_x25519_p256, 1, share_x25519, 1);
    for (int i = 0; i < 2; i++) {
        struct report *r = probe(i ? none.peer.port : echo.peer.port, &s);
        const struct hs_event *sh = NULL;
        for (size_t k = 0; k < r->n_events && !sh; k++)
            if (r->events[k].dir == DIR_RECEIVED && r->events[k].hs_type == WIRE_HS_SERVER_HELLO)
                sh = &r->events[k];
        assert_non_null(sh);
        struct wire_hello h;
        assert_int_equal(wire_parse_server_hello(sh->bytes, sh->n_bytes, &h, NULL), 0);
        assert_int_equal(h.session_id_len, i ? 0 : 32);
        wire_hello_free(&h);
        report_free(r);
    }
    rawpeer_stop(&echo);
    rawpeer_stop(&none);
}

/* ---- SSLv3 and SSLv2 --------------------------------------------------------------------- */

static void test_sslv3(void **state)
{
    (void)state;
    static const uint16_t suites[] = {0x000A, 0x0005};
    struct rawpeer rp;
    start(&rp, &(struct rawpeer_config){
                   .versions = RAWPEER_SSL3, .suites = suites, .n_suites = NELEM(suites)});
    static const uint16_t offer[] = {0x0005, 0x000A};
    struct wire_ch_spec s = {.record_version = 0x0300,
                             .legacy_version = 0x0300,
                             .random = client_random,
                             .ciphers = offer,
                             .n_ciphers = 2,
                             .no_extensions = true};
    struct report *r = probe(rp.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.version, 0x0300);
    assert_int_equal(r->hello.cipher, 0x000A);
    assert_int_equal(r->server_extensions.len, 0);
    report_free(r);
    s.legacy_version = 0x0301; /* a TLS 1.0 hello: the SSLv3 server answers SSLv3 */
    s.record_version = 0x0301;
    r = probe(rp.peer.port, &s);
    assert_int_equal(r->hello.version, 0x0300);
    report_free(r);
    rawpeer_stop(&rp);
}

static void test_sslv2(void **state)
{
    (void)state;
    static const uint32_t accepted[] = {WIRE_SSL2_DES_192_EDE3_CBC_WITH_MD5,
                                        WIRE_SSL2_RC4_128_WITH_MD5,
                                        WIRE_SSL2_RC2_128_CBC_EXPORT40_WITH_MD5};
    static const uint8_t cert[] = {0x30, 0x03, 0x02, 0x01, 0x01}; /* a stand-in DER */
    struct rawpeer rp, no2;
    start(&rp, &(struct rawpeer_config){.versions = RAWPEER_SSL2 | RAWPEER_TLS1_0,
                                        .ssl2_specs = accepted,
                                        .n_ssl2_specs = NELEM(accepted),
                                        .cert_der = cert,
                                        .cert_der_len = sizeof cert});
    start(&no2, &(struct rawpeer_config){.versions = RAWPEER_TLS1_0,
                                         .ssl2_specs = accepted,
                                         .n_ssl2_specs = NELEM(accepted)});
    static const uint32_t offer[] = {WIRE_SSL2_RC4_128_WITH_MD5, WIRE_SSL2_DES_64_CBC_WITH_MD5,
                                     WIRE_SSL2_DES_192_EDE3_CBC_WITH_MD5};
    struct wire_ch_spec s = {.sslv2 = true,
                             .random = client_random,
                             .ssl2_ciphers = offer,
                             .n_ssl2_ciphers = NELEM(offer)};
    struct report *r = probe(rp.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_SSL2);
    const struct hs_event *ev = NULL;
    for (size_t k = 0; k < r->n_events; k++)
        if (r->events[k].dir == DIR_RECEIVED)
            ev = &r->events[k];
    assert_non_null(ev);
    struct wire_ssl2_hello *sh = xmalloc(sizeof *sh);
    const char *why = NULL;
    if (wire_parse_ssl2_server_hello(ev->bytes, ev->n_bytes, sh, &why) != 0)
        fail_msg("SERVER-HELLO: %s", why);
    assert_int_equal(sh->version, 0x0002);
    assert_int_equal(sh->n_specs, 2); /* server order, only what was offered */
    assert_int_equal(sh->specs[0], WIRE_SSL2_DES_192_EDE3_CBC_WITH_MD5);
    assert_int_equal(sh->specs[1], WIRE_SSL2_RC4_128_WITH_MD5);
    assert_int_equal(sh->cert.len, sizeof cert);
    free(sh);
    report_free(r);
    r = probe(no2.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_CLOSED);
    report_free(r);
    assert_int_equal(rawpeer_stats(&rp).ssl2_hellos, 1);
    rawpeer_stop(&rp);
    rawpeer_stop(&no2);
}

/* ---- intolerance and throttling ---------------------------------------------------------- */

static void test_large_hello_intolerance(void **state)
{
    (void)state;
    static const uint16_t suites[] = {0xC02F};
    struct rawpeer rp;
    start(&rp, &(struct rawpeer_config){
                   .versions = RAWPEER_TLS1_2, .suites = suites, .n_suites = 1, .max_hello = 512});
    struct wire_ch_spec s = offer12(suites, 1);
    struct report *r = probe(rp.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    report_free(r);
    s.pad_to = 600;
    r = probe(rp.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_CLOSED);
    report_free(r);
    assert_int_equal(rawpeer_stats(&rp).closes, 1);
    rawpeer_stop(&rp);
}

static void test_reset_and_refuse(void **state)
{
    (void)state;
    static const uint16_t suites[] = {0xC02F};
    struct rawpeer every3, after2;
    start(&every3,
          &(struct rawpeer_config){
              .versions = RAWPEER_TLS1_2, .suites = suites, .n_suites = 1, .reset_every = 3});
    start(&after2,
          &(struct rawpeer_config){
              .versions = RAWPEER_TLS1_2, .suites = suites, .n_suites = 1, .refuse_after = 2});
    struct wire_ch_spec s = offer12(suites, 1);
    for (int i = 1; i <= 6; i++) {
        struct report *r = probe(every3.peer.port, &s);
        if (i % 3 == 0) {
            assert_int_equal(r->hello.outcome, HELLO_CLOSED);
            assert_int_equal(r->hello.close_errno, ECONNRESET);
        } else {
            assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
        }
        report_free(r);
        r = probe(after2.peer.port, &s);
        assert_int_equal(r->hello.outcome, i <= 2 ? HELLO_SERVER_HELLO : HELLO_CLOSED);
        report_free(r);
    }
    struct rawpeer_stats st = rawpeer_stats(&every3);
    assert_int_equal(st.connections, 6);
    assert_int_equal(st.resets, 2);
    assert_int_equal(st.server_hellos, 4);
    st = rawpeer_stats(&after2);
    assert_int_equal(st.connections, 6);
    assert_int_equal(st.resets, 4);
    rawpeer_stop(&every3);
    rawpeer_stop(&after2);
}

/* ---- a Certificate after the ServerHello, read from a plain socket ----------------------- */

static void test_certificate_follows(void **state)
{
    (void)state;
    static const uint16_t suites[] = {0x002F};
    static uint8_t der[1500];
    for (size_t i = 0; i < sizeof der; i++)
        der[i] = (uint8_t)i;
    struct rawpeer rp;
    start(&rp, &(struct rawpeer_config){.versions = RAWPEER_TLS1_2,
                                        .suites = suites,
                                        .n_suites = 1,
                                        .cert_der = der,
                                        .cert_der_len = sizeof der});
    uint8_t hello[WIRE_CH_MAX];
    struct wire_ch_spec s = offer12(suites, 1);
    size_t n = wire_build_client_hello(&s, hello, sizeof hello, NULL);
    assert_true(n > 0);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(rp.peer.port)};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
    assert_int_equal(send(fd, hello, n, MSG_NOSIGNAL), (ssize_t)n);
    struct wire_reader *rd = xmalloc(sizeof *rd);
    wire_reader_init(rd, 1 << 16);
    int types[2] = {-1, -1}, got = 0;
    size_t cert_len = 0;
    int64_t end = mono_ms() + 5000;
    while (got < 2 && mono_ms() < end) {
        struct wire_item it;
        int rc;
        while (got < 2 && (rc = wire_reader_next(rd, &it)) > 0) {
            types[got++] = it.data[0];
            if (it.data[0] == WIRE_HS_CERTIFICATE)
                cert_len = it.len;
        }
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (got == 2 || poll(&pfd, 1, 500) <= 0)
            continue;
        size_t room;
        uint8_t *space = wire_reader_space(rd, &room);
        ssize_t k = recv(fd, space, room, 0);
        if (k <= 0)
            break;
        wire_reader_commit(rd, (size_t)k);
    }
    close(fd);
    wire_reader_free(rd);
    free(rd);
    assert_int_equal(types[0], WIRE_HS_SERVER_HELLO);
    assert_int_equal(types[1], WIRE_HS_CERTIFICATE);
    assert_int_equal(cert_len, 4 + 3 + 3 + sizeof der);
    rawpeer_stop(&rp);
}

/* On ::1 (skipped where the machine has no IPv6 loopback). */
static void test_ipv6(void **state)
{
    (void)state;
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    bool v6 = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    if (!v6) {
        print_message("# SKIP: no IPv6 loopback here\n");
        skip();
    }
    static const uint16_t suites[] = {0x0005};
    struct rawpeer rp;
    if (rawpeer_start(&rp, true,
                      &(struct rawpeer_config){
                          .versions = RAWPEER_TLS1_2, .suites = suites, .n_suites = 1}) < 0)
        fail_msg("rawpeer_start on ::1 failed");
    struct wire_ch_spec s = offer12(suites, 1);
    struct report *r = probe_at("::1", rp.peer.port, &s);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.cipher, 0x0005);
    report_free(r);
    rawpeer_stop(&rp);
}

int main(void)
{
    harness_dir();
    eng = engine_new();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tls13_server_hello),
        cmocka_unit_test(test_tls13_hrr_post_quantum),
        cmocka_unit_test(test_tls12_legacy_suites),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_session_id_echo),
        cmocka_unit_test(test_sslv3),
        cmocka_unit_test(test_sslv2),
        cmocka_unit_test(test_large_hello_intolerance),
        cmocka_unit_test(test_reset_and_refuse),
        cmocka_unit_test(test_certificate_follows),
        cmocka_unit_test(test_ipv6),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    engine_free(eng);
    return failed;
}
