/* The scanner's raw path end to end, against the scripted peer (tests/lib/rawpeer.h) that
 * answers what Debian's OpenSSL cannot: RC4, 3DES, EXPORT, NULL, anonymous, CCM, ARIA suites,
 * SSLv3 and SSLv2, a HelloRetryRequest for X25519MLKEM768, compression, no secure
 * renegotiation, an ignored fallback signal, intolerance to long hellos, a reset every third
 * connection. Each configuration's accepted sets and features must come back exactly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/harness.h"
#include "lib/rawpeer.h"
#include "render/scan.h"
#include "scan/scan.h"
#include "util/mem.h"
#include "wire/build.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct engine *eng;

static struct scan_report *scan_peer(const struct rawpeer *rp)
{
    struct tls_config c;
    config_init(&c);
    c.host = xstrdup("127.0.0.1");
    c.port = rp->peer.port;
    c.timeout_s = 5;
    struct scan *s;
    char err[256];
    assert_int_equal(scan_new(eng, &c, &(struct scan_opts){.no_full = true}, &s, err, sizeof err),
                     0);
    struct scan_report *r = scan_run(s, NULL, NULL);
    scan_free(s);
    config_free(&c);
    return r;
}

static void start(struct rawpeer *rp, const struct rawpeer_config *cfg)
{
    if (rawpeer_start(rp, false, cfg) < 0)
        fail_msg("rawpeer_start failed");
}

/* The accepted suites of v, in the report's order, equal want exactly (same order). */
static void expect_in_order(const struct scan_report *r, enum scan_version v, const uint16_t *want,
                            size_t n)
{
    const struct scan_proto *p = &r->protos[v];
    if (p->n_suites != n)
        fail_msg("%s: %zu suites found, %zu configured", scan_version_name(v), p->n_suites, n);
    for (size_t i = 0; i < n; i++)
        if (p->suites[i].code != want[i])
            fail_msg("%s #%zu: 0x%04X, configured 0x%04X", scan_version_name(v), i,
                     p->suites[i].code, want[i]);
}

static bool has_finding(const struct scan_report *r, const char *id)
{
    for (size_t i = 0; i < r->n_findings; i++)
        if (!strcmp(r->findings[i].id, id))
            return r->findings[i].probe >= 0; /* and it has its evidence */
    return false;
}

/* RC4, 3DES, EXPORT, NULL, anonymous, CCM, ARIA: what OpenSSL lacks, in the server's order. */
static const uint16_t legacy[] = {0x0005, 0x000A, 0x0003, 0x0008, 0x0002,
                                  0x0018, 0xC09C, 0xC050, 0x002F};

static void test_raw_legacy_suites(void **state)
{
    (void)state;
    struct rawpeer rp;
    start(&rp, &(struct rawpeer_config){.versions = RAWPEER_SSL3 | RAWPEER_TLS1_0 | RAWPEER_TLS1_2,
                                        .suites = legacy,
                                        .n_suites = NELEM(legacy),
                                        .secure_renegotiation = true,
                                        .honour_fallback = true});
    struct scan_report *r = scan_peer(&rp);
    for (int v = SCAN_SSL3; v <= SCAN_TLS12; v++) {
        if (v == SCAN_TLS11) {
            assert_int_equal(r->protos[v].supported, TRI_NO);
            continue;
        }
        expect_in_order(r, (enum scan_version)v, legacy, NELEM(legacy));
        assert_int_equal(r->protos[v].server_order, TRI_YES);
        for (size_t i = 0; i < NELEM(legacy); i++)
            assert_int_equal(r->protos[v].suites[i].order, (int)i + 1);
    }
    assert_int_equal(r->protos[SCAN_TLS13].supported, TRI_NO);
    assert_int_equal(r->protos[SCAN_SSL2].supported, TRI_NO);
    static const char *const ids[] = {"sslv3_enabled",     "tls10_enabled",  "rc4_ciphers",
                                      "3des_ciphers",      "export_ciphers", "null_ciphers",
                                      "anonymous_ciphers", "cbc_tls10",      "no_tls13"};
    for (size_t i = 0; i < NELEM(ids); i++)
        if (!has_finding(r, ids[i]))
            fail_msg("finding %s missing", ids[i]);
    assert_false(has_finding(r, "weak_without_server_order")); /* the server orders */
    assert_int_equal(r->features.fallback_scsv, TRI_YES);
    assert_int_equal(r->features.secure_renegotiation, TRI_YES);
    char *text = scan_render_text(r);
    assert_non_null(strstr(text, "TLS_RSA_EXPORT_WITH_RC4_40_MD5"));
    assert_non_null(strstr(text, "EXP-RC4-MD5"));
    free(text);
    scan_report_free(r);
    rawpeer_stop(&rp);
}

static void test_raw_sslv2(void **state)
{
    (void)state;
    static const uint32_t specs[] = {WIRE_SSL2_DES_192_EDE3_CBC_WITH_MD5,
                                     WIRE_SSL2_RC4_128_EXPORT40_WITH_MD5};
    static const uint16_t suites[] = {0xC02F};
    struct rawpeer rp;
    start(&rp, &(struct rawpeer_config){.versions = RAWPEER_SSL2 | RAWPEER_TLS1_2,
                                        .suites = suites,
                                        .n_suites = 1,
                                        .ssl2_specs = specs,
                                        .n_ssl2_specs = NELEM(specs)});
    struct scan_report *r = scan_peer(&rp);
    const struct scan_proto *p = &r->protos[SCAN_SSL2];
    assert_int_equal(p->supported, TRI_YES);
    assert_int_equal(p->n_suites, 2);
    assert_int_equal(p->suites[0].ssl2_spec, specs[0]);
    assert_int_equal(p->suites[1].ssl2_spec, specs[1]);
    assert_true(has_finding(r, "sslv2_enabled"));
    /* the evidence: an SSLv2 CLIENT-HELLO sent, a SERVER-HELLO received, both decodable */
    const struct scan_probe *pr = &r->probes[p->probe];
    assert_true(pr->n_sent > 2 && (pr->sent[0] & 0x80) && pr->sent[2] == 1);
    assert_true(pr->n_received > 2 && (pr->received[0] & 0x80) && pr->received[2] == 4);
    char *ev = scan_render_probe(r, p->probe);
    assert_non_null(strstr(ev, "SSLv2 record"));
    free(ev);
    char *json = scan_render_json(r, false);
    assert_non_null(strstr(json, "\"SSL_CK_DES_192_EDE3_CBC_WITH_MD5\""));
    assert_non_null(strstr(json, "\"0x0700C0\""));
    free(json);
    expect_in_order(r, SCAN_TLS12, suites, 1);
    scan_report_free(r);
    rawpeer_stop(&rp);
}

/* A server preferring X25519MLKEM768 answers a hello with an x25519 share with an HRR naming
 * it; the group enumeration finds its whole list in its order. */
static void test_raw_post_quantum(void **state)
{
    (void)state;
    static const uint16_t suites[] = {0x1301, 0x1302};
    static const uint16_t groups[] = {0x11EC, 0x001D, 0x0201, 0x0017};
    struct rawpeer rp;
    start(&rp, &(struct rawpeer_config){.versions = RAWPEER_TLS1_3,
                                        .suites = suites,
                                        .n_suites = NELEM(suites),
                                        .groups = groups,
                                        .n_groups = NELEM(groups),
                                        .group_strict = true});
    struct scan_report *r = scan_peer(&rp);
    expect_in_order(r, SCAN_TLS13, suites, NELEM(suites));
    assert_int_equal(r->features.pq_preferred, TRI_YES);
    assert_int_equal(r->n_groups, NELEM(groups));
    assert_int_equal(r->groups_server_order, TRI_YES);
    for (size_t i = 0; i < NELEM(groups); i++) {
        assert_int_equal(r->groups[i].code, groups[i]);
        assert_true(r->groups[i].tls13);
        assert_int_equal(r->groups[i].order, (int)i + 1);
    }
    assert_false(has_finding(r, "no_pq_group"));
    /* the PQ probe's answer is a HelloRetryRequest naming 0x11EC */
    const struct scan_probe *pq = &r->probes[r->features.probe_pq];
    assert_int_equal(pq->outcome, HELLO_RETRY);
    assert_int_equal(pq->group, 0x11EC);
    scan_report_free(r);
    rawpeer_stop(&rp);

    /* the same server without post-quantum groups: an info finding */
    static const uint16_t classic[] = {0x001D, 0x0017};
    start(&rp, &(struct rawpeer_config){.versions = RAWPEER_TLS1_3,
                                        .suites = suites,
                                        .n_suites = NELEM(suites),
                                        .groups = classic,
                                        .n_groups = NELEM(classic)});
    r = scan_peer(&rp);
    assert_int_equal(r->features.pq_preferred, TRI_NO);
    assert_true(has_finding(r, "no_pq_group"));
    scan_report_free(r);
    rawpeer_stop(&rp);
}

static void test_raw_features(void **state)
{
    (void)state;
    static const uint16_t suites[] = {0xC02F, 0x009C, 0x1301};
    static const uint8_t deflate[] = {1};
    static const char *const alpn[] = {"http/1.1", "h2"};
    struct rawpeer rp;
    start(&rp,
          &(struct rawpeer_config){.versions = RAWPEER_TLS1_1 | RAWPEER_TLS1_2 | RAWPEER_TLS1_3,
                                   .suites = suites,
                                   .n_suites = NELEM(suites),
                                   .groups = (const uint16_t[]){0x001D},
                                   .n_groups = 1,
                                   .compressions = deflate,
                                   .n_compressions = 1,
                                   .alpn = alpn,
                                   .n_alpn = NELEM(alpn),
                                   .ems = true,
                                   .session_ticket = true,
                                   .status_request = true,
                                   .no_session_id_echo = true,
                                   .max_hello = 512});
    struct scan_report *r = scan_peer(&rp);
    /* long hellos are refused: the suite lists were split until they fit */
    expect_in_order(r, SCAN_TLS12, suites, 2);
    expect_in_order(r, SCAN_TLS13, suites + 2, 1);
    const struct scan_features *f = &r->features;
    assert_int_equal(f->large_hello_tolerant, TRI_NO);
    assert_true(has_finding(r, "large_hello_intolerant"));
    assert_int_equal(f->compression, TRI_YES);
    assert_true(has_finding(r, "compression"));
    assert_int_equal(f->secure_renegotiation, TRI_NO);
    assert_true(has_finding(r, "insecure_renegotiation"));
    assert_int_equal(f->fallback_scsv, TRI_NO);
    assert_true(has_finding(r, "no_fallback_scsv"));
    assert_int_equal(f->extended_master_secret, TRI_YES);
    assert_int_equal(f->session_tickets, TRI_YES);
    assert_int_equal(f->ocsp_stapling, TRI_YES);
    assert_int_equal(f->tls13_middlebox_compat, TRI_NO);
    assert_int_equal(f->alpn.len, 2);
    assert_true(strlist_contains(&f->alpn, "h2") && strlist_contains(&f->alpn, "http/1.1"));
    scan_report_free(r);
    rawpeer_stop(&rp);
}

/* A server that resets every third connection (after reading the hello): the scan slows,
 * finishes, says so, and finds exactly what the server accepts. */
static void test_raw_throttling(void **state)
{
    (void)state;
    struct rawpeer rp;
    start(&rp, &(struct rawpeer_config){.versions = RAWPEER_TLS1_0 | RAWPEER_TLS1_2,
                                        .suites = legacy,
                                        .n_suites = NELEM(legacy),
                                        .reset_every = 3});
    struct scan_report *r = scan_peer(&rp);
    struct rawpeer_stats st = rawpeer_stats(&rp);
    if (getenv("SCAN_DEBUG")) {
        char *t = scan_render_text(r);
        fputs(t, stderr);
        free(t);
    }
    expect_in_order(r, SCAN_TLS12, legacy, NELEM(legacy));
    expect_in_order(r, SCAN_TLS10, legacy, NELEM(legacy));
    assert_true(r->throttle.detected);
    assert_true(r->throttle.retries > 0);
    assert_int_equal(r->throttle.unknown, 0);
    assert_int_equal(r->throttle.parallel_to, 1);
    assert_true(st.resets > 0);
    assert_int_equal(st.connections, r->connections);
    char *json = scan_render_json(r, false);
    assert_non_null(strstr(json, "\"detected\":true"));
    free(json);
    scan_report_free(r);
    rawpeer_stop(&rp);
}

int main(void)
{
    harness_dir();
    eng = engine_new();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raw_legacy_suites), cmocka_unit_test(test_raw_sslv2),
        cmocka_unit_test(test_raw_post_quantum),  cmocka_unit_test(test_raw_features),
        cmocka_unit_test(test_raw_throttling),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    engine_free(eng);
    return failed;
}
