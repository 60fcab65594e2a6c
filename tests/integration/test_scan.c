/* The scanner (issue 11) against servers this test starts on loopback: `openssl s_server`
 * configured modern (TLS 1.2 + 1.3 AEAD), wide legacy (TLS 1.0-1.3, CBC, DHE, anonymous,
 * @SECLEVEL=0), with and without server order over a known list, TLS 1.3 only, restricted
 * groups, and an RSA and an ECDSA certificate on one port; a relay in front of a server that
 * resets every third connection (throttling). Accepted sets must equal what each server was
 * configured with, and for the wide one what sslscan reports; every answer has its evidence.
 * Also the CLI: --scan text and JSON (every documented key), --parallel/--delay checks, and
 * --diff over two scan reports. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/engine.h"
#include "lib/harness.h"
#include "lib/peertools.h"
#include "lib/pty.h"
#include "lib/relay.h"
#include "render/scan.h"
#include "scan/scan.h"
#include "scan/scan_internal.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/timeutil.h"
#include "wire/suites.h"
#include "wire/wire.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NELEM(a)  (sizeof(a) / sizeof((a)[0]))
#define LIMIT_S   60.0 /* no scan in this file may take longer */

static struct engine *eng;

static struct scan_report *scan_port(uint16_t port, bool full, int parallel)
{
    struct tls_config c;
    config_init(&c);
    c.host = xstrdup("127.0.0.1");
    c.port = port;
    c.timeout_s = 5;
    struct scan_opts o = {.parallel = parallel, .no_full = !full};
    struct scan *s;
    char err[256];
    assert_int_equal(scan_new(eng, &c, &o, &s, err, sizeof err), 0);
    int64_t t0 = mono_us();
    struct scan_report *r = scan_run(s, NULL, NULL);
    assert_true((double)(mono_us() - t0) / 1e6 < LIMIT_S);
    scan_free(s);
    config_free(&c);
    assert_false(r->cancelled);
    return r;
}

static void start(struct peer *p, const char *const *args)
{
    assert_int_equal(peer_s_server(p, false, args), 0);
}

/* The accepted suites of version v, as a sorted list of codes. */
static size_t codes_of(const struct scan_report *r, enum scan_version v, uint16_t *out)
{
    const struct scan_proto *p = &r->protos[v];
    for (size_t i = 0; i < p->n_suites; i++)
        out[i] = p->suites[i].code;
    for (size_t i = 1; i < p->n_suites; i++)
        for (size_t k = i; k > 0 && out[k] < out[k - 1]; k--) {
            uint16_t t = out[k];
            out[k] = out[k - 1], out[k - 1] = t;
        }
    return p->n_suites;
}

static void expect_suites(const struct scan_report *r, enum scan_version v, const uint16_t *want,
                          size_t n)
{
    uint16_t got[512], w[64];
    size_t k = codes_of(r, v, got);
    if (n)
        memcpy(w, want, n * sizeof *w);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && w[j] < w[j - 1]; j--) {
            uint16_t t = w[j];
            w[j] = w[j - 1], w[j - 1] = t;
        }
    if (k != n || memcmp(got, w, n * sizeof *w) != 0) {
        for (size_t i = 0; i < k; i++)
            print_message("# got %s 0x%04X\n", scan_version_name(v), got[i]);
        fail_msg("%s: %zu suites accepted, %zu configured", scan_version_name(v), k, n);
    }
    assert_int_equal(r->protos[v].supported, n ? TRI_YES : TRI_NO);
}

static bool has_finding(const struct scan_report *r, const char *id)
{
    for (size_t i = 0; i < r->n_findings; i++)
        if (!strcmp(r->findings[i].id, id))
            return true;
    return false;
}

static const struct scan_group *group(const struct scan_report *r, uint16_t code)
{
    for (size_t i = 0; i < r->n_groups; i++)
        if (r->groups[i].code == code)
            return &r->groups[i];
    return NULL;
}

/* Every accepted suite's probe holds the ServerHello that chose it. */
static void check_evidence(const struct scan_report *r)
{
    for (int v = 0; v < SCAN_VERSIONS; v++)
        for (size_t i = 0; i < r->protos[v].n_suites; i++) {
            const struct scan_suite *s = &r->protos[v].suites[i];
            assert_true(s->probe >= 0 && (size_t)s->probe < r->n_probes);
            const struct scan_probe *p = &r->probes[s->probe];
            struct scan_reply rp;
            assert_int_equal(scan_read_reply(p->received, p->n_received, &rp), 0);
            assert_int_equal(rp.cipher, s->code);
            assert_true(p->n_sent > 5 && p->sent[0] == 22);
        }
}

/* ---- servers ---- */

static void test_scan_modern(void **state)
{
    (void)state;
    struct peer p;
    start(&p, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain", "@inter.crt",
                   "-min_protocol", "TLSv1.2", "-cipher",
                   "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"
                   "ECDHE-RSA-CHACHA20-POLY1305",
                   "-ciphersuites", "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384"));
    struct scan_report *r = scan_port(p.port, true, 6);
    expect_suites(r, SCAN_TLS13, (const uint16_t[]){0x1301, 0x1302}, 2);
    expect_suites(r, SCAN_TLS12, (const uint16_t[]){0xC02F, 0xC030, 0xCCA8}, 3);
    expect_suites(r, SCAN_TLS11, NULL, 0);
    expect_suites(r, SCAN_TLS10, NULL, 0);
    expect_suites(r, SCAN_SSL3, NULL, 0);
    check_evidence(r);
    assert_false(has_finding(r, "tls10_enabled"));
    assert_false(has_finding(r, "no_forward_secrecy"));
    assert_true(has_finding(r, "no_pq_group"));
    const struct scan_features *f = &r->features;
    assert_int_equal(f->secure_renegotiation, TRI_YES);
    assert_int_equal(f->extended_master_secret, TRI_YES);
    assert_int_equal(f->compression, TRI_NO);
    assert_int_equal(f->fallback_scsv, TRI_YES); /* TLS 1.2 + SCSV to a TLS 1.3 server */
    assert_int_equal(f->tls13_middlebox_compat, TRI_YES);
    assert_int_equal(f->large_hello_tolerant, TRI_YES);
    assert_int_equal(f->session_resumption, TRI_YES);
    assert_int_equal(f->session_tickets, TRI_YES);
    assert_int_equal(f->pq_preferred, TRI_NO);
    /* one certificate (RSA), its chain as sent: leaf and intermediate */
    assert_int_equal(r->n_certs, 1);
    assert_string_equal(r->certs[0].full->sent[0].key_type, "RSA");
    assert_int_equal(r->certs[0].full->n_sent, 2);
    assert_int_equal(r->throttle.retries, 0);
    assert_int_equal(r->throttle.unknown, 0);
    scan_report_free(r);
    peer_stop(&p);
}

static int cmp_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted "VERSION 0xCODE" lines. */
static char *sorted(char *text)
{
    char *lines[1024];
    size_t n = 0;
    for (char *l = strtok(text, "\n"); l && n < NELEM(lines); l = strtok(NULL, "\n"))
        lines[n++] = l;
    qsort(lines, n, sizeof *lines, cmp_lines);
    struct strbuf sb = {0};
    for (size_t i = 0; i < n; i++)
        sb_printf(&sb, "%s\n", lines[i]);
    free(text);
    return sb_take(&sb);
}

static void test_scan_wide_legacy_equals_sslscan(void **state)
{
    (void)state;
    struct peer p;
    start(&p, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-cipher", "ALL:@SECLEVEL=0",
                   "-min_protocol", "TLSv1"));
    struct scan_report *r = scan_port(p.port, true, 6);
    for (int v = SCAN_TLS10; v <= SCAN_TLS13; v++)
        assert_int_equal(r->protos[v].supported, TRI_YES);
    assert_int_equal(r->protos[SCAN_SSL3].supported, TRI_NO);
    check_evidence(r);
    assert_true(has_finding(r, "tls10_enabled"));
    assert_true(has_finding(r, "tls11_enabled"));
    assert_true(has_finding(r, "anonymous_ciphers"));
    assert_true(has_finding(r, "cbc_tls10"));
    assert_true(has_finding(r, "weak_without_server_order"));
    assert_int_equal(r->features.dh_bits, 2048);
    /* no phase barrier: TLS 1.3's groups are asked for while TLS 1.0's suites are still */
    double groups13 = -1, last10 = 0;
    for (size_t i = 0; i < r->n_probes; i++) {
        const struct scan_probe *pr = &r->probes[i];
        if (groups13 < 0 && strstr(pr->what, "TLSv1.3 groups"))
            groups13 = pr->start_ms;
        if (strstr(pr->what, "TLSv1.0 suites") && pr->end_ms > last10)
            last10 = pr->end_ms;
    }
    assert_true(groups13 >= 0 && groups13 < last10);
    struct strbuf mine = {0};
    static const char *const vname[] = {"SSLv2",   "SSLv3",   "TLSv1.0",
                                        "TLSv1.1", "TLSv1.2", "TLSv1.3"};
    for (int v = 0; v < SCAN_VERSIONS; v++)
        for (size_t i = 0; i < r->protos[v].n_suites; i++)
            sb_printf(&mine, "%s 0x%04X\n", vname[v], r->protos[v].suites[i].code);
    struct peertool_result ss;
    char err[512];
    if (!peertools_sslscan())
        skip(); /* sslscan is installed by .ci/run; without it there is nothing to compare */
    if (peertools_run_sslscan(p.port, true, 120, &ss, err, sizeof err) < 0)
        fail_msg("sslscan: %s", err);
    struct strbuf theirs = {0};
    for (size_t i = 0; i < ss.n_ciphers; i++)
        sb_printf(&theirs, "%s 0x%04X\n", ss.ciphers[i].version, ss.ciphers[i].code);
    char *a = sorted(sb_take(&mine)), *b = sorted(sb_take(&theirs));
    if (strcmp(a, b) != 0)
        fail_msg("tlscope and sslscan disagree:\n--- tlscope\n%s--- sslscan\n%s", a, b);
    assert_true(strlen(a) > 1000); /* about a hundred pairs */
    /* and the groups sslscan names by code point, for TLS 1.3 and TLS 1.2 */
    for (size_t i = 0; i < ss.n_groups; i++) {
        const struct scan_group *g = ss.groups[i].code ? group(r, ss.groups[i].code) : NULL;
        if (ss.groups[i].code && !g)
            fail_msg("sslscan found group %s (0x%04X), tlscope did not", ss.groups[i].name,
                     ss.groups[i].code);
        if (g && !strcmp(ss.groups[i].version, "TLSv1.3"))
            assert_true(g->tls13);
    }
    free(a);
    free(b);
    peertool_result_free(&ss);
    scan_report_free(r);
    peer_stop(&p);
}

#define ORDER_LIST "AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384:AES256-SHA:ECDHE-RSA-AES128-GCM-SHA256"
static const uint16_t order_codes[] = {0x002F, 0xC030, 0x0035, 0xC02F};

static void test_scan_server_order(void **state)
{
    (void)state;
    struct peer p;
    start(&p, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-max_protocol", "TLSv1.2",
                   "-serverpref", "-cipher", ORDER_LIST));
    struct scan_report *r = scan_port(p.port, false, 6);
    const struct scan_proto *v12 = &r->protos[SCAN_TLS12];
    expect_suites(r, SCAN_TLS12, order_codes, NELEM(order_codes));
    assert_int_equal(v12->server_order, TRI_YES);
    for (size_t i = 0; i < NELEM(order_codes); i++) { /* listed in the server's order */
        assert_int_equal(v12->suites[i].code, order_codes[i]);
        assert_int_equal(v12->suites[i].order, (int)i + 1);
    }
    assert_int_equal(r->protos[SCAN_TLS13].supported, TRI_NO);
    assert_true(has_finding(r, "no_tls13"));
    assert_true(v12->order_probe >= 0);
    scan_report_free(r);
    peer_stop(&p);

    start(&p, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-max_protocol", "TLSv1.2", "-cipher",
                   ORDER_LIST));
    r = scan_port(p.port, false, 6);
    expect_suites(r, SCAN_TLS12, order_codes, NELEM(order_codes));
    assert_int_equal(r->protos[SCAN_TLS12].server_order, TRI_NO);
    for (size_t i = 0; i < NELEM(order_codes); i++)
        assert_int_equal(r->protos[SCAN_TLS12].suites[i].order, 0);
    scan_report_free(r);
    peer_stop(&p);
}

static void test_scan_tls13_only(void **state)
{
    (void)state;
    struct peer p;
    start(&p, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-tls1_3", "-ciphersuites",
                   "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"));
    struct scan_report *r = scan_port(p.port, false, 6);
    expect_suites(r, SCAN_TLS13, (const uint16_t[]){0x1302, 0x1303}, 2);
    for (int v = SCAN_SSL3; v <= SCAN_TLS12; v++)
        assert_int_equal(r->protos[v].supported, TRI_NO);
    assert_false(has_finding(r, "no_tls13"));
    assert_int_equal(r->features.tls13_middlebox_compat, TRI_YES);
    assert_int_equal(r->features.compression, TRI_NA); /* no TLS <= 1.2 to ask */
    /* TLS 1.3 signature algorithms for an RSA key: the PSS ones, never PKCS#1 */
    bool pss = false;
    for (size_t i = 0; i < r->n_sigalgs; i++) {
        assert_true(r->sigalgs[i].tls13);
        assert_true(r->sigalgs[i].code != 0x0401 && r->sigalgs[i].code != 0x0403);
        pss |= r->sigalgs[i].code == 0x0804;
    }
    assert_true(pss);
    scan_report_free(r);
    peer_stop(&p);
}

static void test_scan_restricted_groups(void **state)
{
    (void)state;
    struct peer p;
    start(&p, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-groups", "P-384:X25519"));
    struct scan_report *r = scan_port(p.port, false, 6);
    assert_int_equal(r->n_groups, 2);
    const struct scan_group *x = group(r, 29), *p384 = group(r, 24);
    assert_non_null(x);
    assert_non_null(p384);
    assert_true(x->tls13 && x->tls12 && p384->tls13 && p384->tls12);
    assert_null(group(r, 23)); /* P-256 refused */
    /* each group's probe is the HelloRetryRequest or ServerHello that named it */
    const struct scan_probe *pr = &r->probes[p384->probe];
    struct scan_reply rp;
    assert_int_equal(scan_read_reply(pr->received, pr->n_received, &rp), 0);
    assert_true(rp.group == 24 || rp.outcome == HELLO_SERVER_HELLO);
    scan_report_free(r);
    peer_stop(&p);
}

static void test_scan_rsa_and_ecdsa(void **state)
{
    (void)state;
    struct peer p;
    start(&p, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-dcert", "@leaf_ec.crt", "-dkey",
                   "@leaf_ec.key", "-cipher", "ECDHE+AESGCM", "-ciphersuites",
                   "TLS_AES_128_GCM_SHA256"));
    struct scan_report *r = scan_port(p.port, true, 6);
    expect_suites(r, SCAN_TLS12, (const uint16_t[]){0xC02B, 0xC02C, 0xC02F, 0xC030}, 4);
    assert_int_equal(r->n_certs, 2);
    bool rsa = false, ec = false;
    for (size_t i = 0; i < r->n_certs; i++) {
        const struct report *f = r->certs[i].full;
        rsa |= !strcmp(f->sent[0].key_type, "RSA");
        ec |= !strcmp(f->sent[0].key_type, "EC");
        assert_string_equal(f->sent[0].subject_cn, "localhost");
    }
    assert_true(rsa && ec);
    bool ecdsa_sig = false;
    for (size_t i = 0; i < r->n_sigalgs; i++)
        ecdsa_sig |= r->sigalgs[i].code == 0x0403;
    assert_true(ecdsa_sig);
    scan_report_free(r);
    peer_stop(&p);
}

/* Signature algorithms are found by families (set testing), not one probe each: on a server
 * with an RSA and an ECDSA certificate the scan still finds exactly what a full handshake
 * offering each algorithm alone gets accepted, in TLS 1.2 and 1.3, with fewer probes than
 * one per algorithm and version (46). */
static bool accepts_sigalg(uint16_t port, enum proto_version v, const char *name)
{
    struct tls_config c;
    config_init(&c);
    c.host = xstrdup("127.0.0.1");
    c.port = port;
    c.timeout_s = 5;
    c.verify = false;
    c.sec_level = 0;
    c.min_proto = c.max_proto = v;
    c.sigalgs = xstrdup(name);
    struct conn *conn;
    char err[256];
    bool ok = false;
    if (conn_new(eng, &c, &conn, err, sizeof err) == 0) {
        struct report *r = conn_run(conn);
        ok = r->ok;
        report_free(r);
        conn_free(conn);
    }
    config_free(&c);
    return ok;
}

static void test_scan_sigalgs_narrowed(void **state)
{
    (void)state;
    static const struct {
        uint16_t code;
        const char *name;
    } algs[] = {
        {0x0403, "ecdsa_secp256r1_sha256"},
        {0x0503, "ecdsa_secp384r1_sha384"},
        {0x0603, "ecdsa_secp521r1_sha512"},
        {0x0303, "ECDSA+SHA224"},
        {0x0203, "ECDSA+SHA1"},
        {0x0804, "rsa_pss_rsae_sha256"},
        {0x0805, "rsa_pss_rsae_sha384"},
        {0x0806, "rsa_pss_rsae_sha512"},
        {0x0401, "rsa_pkcs1_sha256"},
        {0x0501, "rsa_pkcs1_sha384"},
        {0x0601, "rsa_pkcs1_sha512"},
        {0x0301, "RSA+SHA224"},
        {0x0201, "RSA+SHA1"},
        {0x0807, "ed25519"},
        {0x0809, "rsa_pss_pss_sha256"},
    };
    struct peer p;
    start(&p, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-dcert", "@leaf_ec.crt", "-dkey",
                   "@leaf_ec.key", "-cipher", "ECDHE+AESGCM:@SECLEVEL=0", "-ciphersuites",
                   "TLS_AES_128_GCM_SHA256"));
    struct scan_report *r = scan_port(p.port, false, 6);
    int found = 0;
    for (size_t i = 0; i < NELEM(algs); i++) {
        const struct scan_sigalg *sa = NULL;
        for (size_t k = 0; k < r->n_sigalgs; k++)
            if (r->sigalgs[k].code == algs[i].code)
                sa = &r->sigalgs[k];
        bool want12 = accepts_sigalg(p.port, PROTO_TLS1_2, algs[i].name),
             want13 = accepts_sigalg(p.port, PROTO_TLS1_3, algs[i].name);
        if ((sa && sa->tls12) != want12 || (sa && sa->tls13) != want13)
            fail_msg("0x%04X (%s): scan says TLS 1.2 %d, TLS 1.3 %d; a handshake says %d, %d",
                     algs[i].code, algs[i].name, sa && sa->tls12, sa && sa->tls13, want12, want13);
        found += want12 + want13;
        if (sa) /* its evidence offers that algorithm alone */
            assert_non_null(strstr(r->probes[sa->probe].what, "signature algorithm "));
    }
    assert_true(found >= 8); /* both keys' algorithms, in both versions */
    size_t probes = 0;
    for (size_t i = 0; i < r->n_probes; i++)
        probes += strstr(r->probes[i].what, "signature algorithm") != NULL;
    assert_true(probes < 34);
    scan_report_free(r);
    peer_stop(&p);
}

/* Server order over a list long enough to be found in parallel chains: the forward and the
 * reversed offers go out together, and the order is rebuilt — a permutation whose first is
 * what a handshake offering everything gets, and which the client's order does not change. */
static void test_scan_server_order_long(void **state)
{
    (void)state;
    struct peer p;
    start(&p, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-serverpref", "-cipher",
                   "ALL:@SECLEVEL=0", "-max_protocol", "TLSv1.2"));
    struct scan_report *r = scan_port(p.port, false, 6);
    const struct scan_proto *v = &r->protos[SCAN_TLS12];
    assert_true(v->n_suites >= 24);
    assert_int_equal(v->server_order, TRI_YES);
    bool seen[512] = {false};
    for (size_t i = 0; i < v->n_suites; i++) {
        int o = v->suites[i].order;
        assert_true(o >= 1 && (size_t)o <= v->n_suites && !seen[o]);
        seen[o] = true;
        assert_int_equal(o, (int)i + 1); /* listed in the server's order */
    }
    struct tls_config c;
    config_init(&c);
    c.host = xstrdup("127.0.0.1");
    c.port = p.port;
    c.timeout_s = 5;
    c.verify = false;
    c.sec_level = 0;
    c.max_proto = PROTO_TLS1_2;
    c.ciphers = xstrdup("ALL:@SECLEVEL=0");
    struct conn *conn;
    char err[256];
    assert_int_equal(conn_new(eng, &c, &conn, err, sizeof err), 0);
    struct report *rep = conn_run(conn);
    assert_true(rep->ok);
    assert_int_equal(rep->cipher_id, v->suites[0].code);
    report_free(rep);
    conn_free(conn);
    config_free(&c);
    scan_report_free(r);
    peer_stop(&p);
}

/* A server that resets every third connection: the scan slows down, finishes, says so, and
 * finds what it finds without the relay. */
static void test_scan_throttled(void **state)
{
    (void)state;
    struct peer p;
    start(&p, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-cipher",
                   "ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA:AES256-SHA", "-ciphersuites",
                   "TLS_AES_128_GCM_SHA256"));
    struct relay rl;
    assert_int_equal(relay_start(&rl, p.port, 3), 0);
    struct scan_report *direct = scan_port(p.port, false, 6);
    struct scan_report *r = scan_port(rl.port, false, 6);
    long accepted = relay_stop(&rl);
    assert_true(r->throttle.detected);
    assert_true(r->throttle.retries > 0);
    assert_true(r->throttle.parallel_to < r->throttle.parallel_from);
    assert_true(r->throttle.delay_to_ms > 0);
    assert_int_equal(r->throttle.unknown, 0);
    assert_int_equal(accepted, (long)r->connections);
    for (int v = 0; v < SCAN_VERSIONS; v++) {
        uint16_t a[512], b[512];
        size_t na = codes_of(direct, (enum scan_version)v, a),
               nb = codes_of(r, (enum scan_version)v, b);
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, na * sizeof *a);
        assert_int_equal(direct->protos[v].supported, r->protos[v].supported);
    }
    char *text = scan_render_text(r);
    assert_non_null(strstr(text, "throttled: "));
    free(text);
    scan_report_free(direct);
    scan_report_free(r);
    peer_stop(&p);
}

static void test_scan_cancel(void **state)
{
    (void)state;
    struct peer p;
    start(&p, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-cipher", "ALL:@SECLEVEL=0"));
    struct tls_config c;
    config_init(&c);
    c.host = xstrdup("127.0.0.1");
    c.port = p.port;
    struct scan *s;
    char err[256];
    assert_int_equal(scan_new(eng, &c, &(struct scan_opts){0}, &s, err, sizeof err), 0);
    struct scan_poll *pp = xmalloc(sizeof *pp);
    unsigned last_done = 0;
    int steps = 0;
    for (bool first = true; scan_step(s, first ? NULL : pp) && steps < 100000; first = false) {
        struct scan_progress pr;
        scan_get_progress(s, &pr);
        assert_true(pr.done >= last_done && pr.done <= pr.planned && pr.running <= 6);
        last_done = pr.done;
        if (pr.done >= 10)
            break;
        scan_want(s, pp);
        scan_poll_wait(pp, 1000000);
        steps++;
    }
    const struct scan_report *live = scan_peek(s);
    assert_true(live->protos[SCAN_TLS13].n_suites + live->protos[SCAN_TLS12].n_suites > 0);
    scan_cancel(s);
    assert_false(scan_step(s, pp));
    struct scan_report *r = scan_take_report(s);
    assert_true(r->cancelled);
    scan_free(s);
    free(pp);
    config_free(&c);
    scan_report_free(r);
    peer_stop(&p);
}

static void test_scan_bad_options(void **state)
{
    (void)state;
    struct tls_config c;
    config_init(&c);
    c.host = xstrdup("127.0.0.1");
    struct scan *s;
    char err[256];
    assert_int_equal(scan_new(eng, &c, &(struct scan_opts){.parallel = 65}, &s, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "--parallel"));
    assert_int_equal(scan_new(eng, &c, &(struct scan_opts){.delay_ms = -1}, &s, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "--delay"));
    config_free(&c);
    char *out = NULL, *errout = NULL;
    assert_int_equal(
        run_tlscope(ARGS("--scan", "--parallel", "0", "127.0.0.1:1"), 10, &out, &errout), 64);
    assert_non_null(strstr(errout, "--parallel"));
    free(out), free(errout);
}

/* Nothing listens: every version is unknown with its reason, never "not supported". */
static void test_scan_no_server(void **state)
{
    (void)state;
    struct peer p;
    start(&p, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key"));
    uint16_t port = p.port;
    peer_stop(&p);
    struct scan_report *r = scan_port(port, false, 2);
    for (int v = SCAN_SSL3; v <= SCAN_TLS13; v++) {
        assert_int_equal(r->protos[v].supported, TRI_NA);
        assert_non_null(r->protos[v].error);
    }
    assert_true(r->throttle.unknown > 0);
    scan_report_free(r);
}

/* ---- the command line ---- */

static const char *const scan_keys[] = {"protocols", "ciphers",      "server_order", "groups",
                                        "sigalgs",   "certificates", "features",     "findings",
                                        "probes",    "connections",  "elapsed_ms",   "throttled"};

/* Every key printed is documented as `key` in docs/json.md's scan section (verify and chain
 * are the connection report's objects, documented there). */
static void check_documented(json_t *j, const char *section, const char *path)
{
    if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) check_documented(v, section, path);
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        char want[96];
        snprintf(want, sizeof want, "`%s`", key);
        if (!strstr(section, want))
            fail_msg("%s.%s is not documented in docs/json.md's scan section", path, key);
        if (strcmp(key, "verify") && strcmp(key, "chain") && strcmp(key, "tool"))
            check_documented(v, section, key);
    }
}

static char *scan_doc_section(void)
{
    char *doc = NULL, err[256];
    size_t n;
    if (file_read_bounded("docs/json.md", 1 << 20, &doc, &n, err, sizeof err) < 0)
        return NULL; /* run from the source tree (make test) */
    char *a = strstr(doc, "## Scan reports"),
         *b = a ? strstr(a, "\n## Comparing two reports") : NULL;
    char *sec = a && b ? xstrndup(a, (size_t)(b - a)) : NULL;
    free(doc);
    return sec;
}

static void test_scan_cli_json(void **state)
{
    (void)state;
    struct peer p;
    start(&p, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-cipher", "ALL:@SECLEVEL=0",
                   "-min_protocol", "TLSv1"));
    char target[32], *out = NULL, *err = NULL;
    snprintf(target, sizeof target, "127.0.0.1:%u", p.port);
    assert_int_equal(
        run_tlscope(ARGS("--scan", "--json", "--parallel", "4", target), 60, &out, &err), 0);
    assert_string_equal(err, ""); /* no progress bar: stderr is not a terminal */
    json_error_t je;
    json_t *doc = json_loads(out, 0, &je);
    assert_non_null(doc);
    json_t *scan = json_object_get(doc, "scan");
    assert_true(json_is_object(scan));
    assert_int_equal(json_object_size(scan), NELEM(scan_keys));
    for (size_t i = 0; i < NELEM(scan_keys); i++)
        if (!json_object_get(scan, scan_keys[i]))
            fail_msg("scan.%s missing", scan_keys[i]);
    json_t *c12 = json_object_get(json_object_get(scan, "ciphers"), "TLSv1.2");
    assert_true(json_array_size(c12) > 20);
    static const char *const suite_keys[] = {"iana", "openssl", "code", "bits", "kx", "order"};
    json_t *first = json_array_get(c12, 0);
    assert_int_equal(json_object_size(first), NELEM(suite_keys));
    for (size_t i = 0; i < NELEM(suite_keys); i++)
        assert_non_null(json_object_get(first, suite_keys[i]));
    assert_true(json_is_string(json_object_get(first, "iana")));
    assert_true(json_is_integer(json_object_get(first, "bits")));
    assert_true(json_is_boolean(
        json_object_get(json_object_get(scan, "protocols"), "TLSv1.0")
            ? json_object_get(json_object_get(json_object_get(scan, "protocols"), "TLSv1.0"),
                              "supported")
            : NULL));
    assert_true(json_is_null(json_object_get(json_object_get(scan, "server_order"), "SSLv2")));
    assert_true(json_is_false(json_object_get(json_object_get(scan, "server_order"), "TLSv1.2")));
    json_t *groups = json_object_get(scan, "groups");
    assert_true(json_is_array(json_object_get(groups, "accepted")));
    assert_non_null(json_object_get(groups, "server_order"));
    static const char *const group_keys[] = {"name",  "code",  "tls13",
                                             "tls12", "order", "post_quantum"};
    json_t *g0 = json_array_get(json_object_get(groups, "accepted"), 0);
    for (size_t i = 0; i < NELEM(group_keys); i++)
        assert_non_null(json_object_get(g0, group_keys[i]));
    json_t *sa0 = json_array_get(json_object_get(scan, "sigalgs"), 0);
    static const char *const sigalg_keys[] = {"name", "code", "tls12", "tls13"};
    for (size_t i = 0; i < NELEM(sigalg_keys); i++)
        assert_non_null(json_object_get(sa0, sigalg_keys[i]));
    json_t *cert = json_array_get(json_object_get(scan, "certificates"), 0);
    static const char *const cert_keys[] = {"kind",   "probe",  "protocol",
                                            "cipher", "verify", "chain"};
    for (size_t i = 0; i < NELEM(cert_keys); i++)
        assert_non_null(json_object_get(cert, cert_keys[i]));
    static const char *const feature_keys[] = {
        "secure_renegotiation",   "compression",          "fallback_scsv", "session_tickets",
        "session_resumption",     "ocsp_stapling",        "alpn",          "extended_master_secret",
        "tls13_middlebox_compat", "large_hello_tolerant", "pq_preferred",  "dh_bits"};
    json_t *feat = json_object_get(scan, "features");
    assert_int_equal(json_object_size(feat), NELEM(feature_keys));
    for (size_t i = 0; i < NELEM(feature_keys); i++)
        assert_non_null(json_object_get(feat, feature_keys[i]));
    assert_int_equal(json_integer_value(json_object_get(feat, "dh_bits")), 2048);
    json_t *fd = json_array_get(json_object_get(scan, "findings"), 0);
    static const char *const finding_keys[] = {"id",     "severity", "title",
                                               "detail", "fix",      "evidence"};
    for (size_t i = 0; i < NELEM(finding_keys); i++)
        assert_non_null(json_object_get(fd, finding_keys[i]));
    json_t *ev = json_object_get(fd, "evidence");
    static const char *const ev_keys[] = {"probe", "what", "outcome", "sent", "received"};
    for (size_t i = 0; i < NELEM(ev_keys); i++)
        assert_non_null(json_object_get(ev, ev_keys[i]));
    assert_true(strncmp(json_string_value(json_object_get(ev, "sent")), "16", 2) == 0);
    json_t *th = json_object_get(scan, "throttled");
    static const char *const th_keys[] = {"detected",    "retries",       "parallel_from",
                                          "parallel_to", "delay_from_ms", "delay_to_ms",
                                          "unknown"};
    for (size_t i = 0; i < NELEM(th_keys); i++)
        assert_non_null(json_object_get(th, th_keys[i]));
    assert_int_equal(json_integer_value(json_object_get(th, "parallel_from")), 4);
    assert_true(json_integer_value(json_object_get(scan, "probes")) > 50);
    assert_true(json_integer_value(json_object_get(scan, "connections")) >=
                json_integer_value(json_object_get(scan, "probes")));
    assert_true(json_is_real(json_object_get(scan, "elapsed_ms")));
    char *section = scan_doc_section();
    if (section)
        check_documented(doc, section, "");
    free(section);
    json_decref(doc);
    free(out), free(err);
    /* text */
    assert_int_equal(run_tlscope(ARGS("--scan", target), 60, &out, &err), 0);
    assert_non_null(strstr(out, "Cipher suites, TLSv1.2"));
    assert_non_null(strstr(out, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
    assert_non_null(strstr(out, "ECDHE-RSA-AES128-GCM-SHA256"));
    assert_non_null(strstr(out, "TLS 1.0 is enabled"));
    free(out), free(err);
    peer_stop(&p);
}

/* On a terminal the scan draws a progress bar on stderr, then clears it and prints the text
 * report (never the UI); piped, stderr stays empty (test_scan_cli_json). */
static void test_scan_progress_bar_on_tty(void **state)
{
    (void)state;
    struct peer p;
    start(&p, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-cipher", "ALL:@SECLEVEL=0"));
    char target[32];
    snprintf(target, sizeof target, "127.0.0.1:%u", p.port);
    char *bin = harness_tlscope_path();
    struct pty_child c;
    assert_int_equal(pty_start(&c, ARGS(bin, "--scan", target), "xterm", 120, 40), 0);
    assert_true(pty_wait_for(&c, "scanning [", 30));
    assert_true(pty_wait_for(&c, "Findings (", 60));
    assert_true(pty_wait_exit(&c, 30));
    assert_true(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0);
    assert_non_null(strstr(c.out, " probes, "));
    pty_stop(&c);
    free(bin);
    peer_stop(&p);
}

static char *write_tmp(const char *name, const char *text)
{
    char *path = harness_path(name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_scan_diff(void **state)
{
    (void)state;
    struct peer p;
    start(&p, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-max_protocol", "TLSv1.2", "-cipher",
                   "ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA"));
    char target[32], *a = NULL, *b = NULL, *out = NULL, *err = NULL;
    snprintf(target, sizeof target, "127.0.0.1:%u", p.port);
    assert_int_equal(run_tlscope(ARGS("--scan", "--json", target), 60, &a, NULL), 0);
    peer_stop(&p);
    start(&p, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-max_protocol", "TLSv1.2", "-cipher",
                   "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"));
    snprintf(target, sizeof target, "127.0.0.1:%u", p.port);
    assert_int_equal(run_tlscope(ARGS("--scan", "--json", target), 60, &b, NULL), 0);
    peer_stop(&p);
    char *pa = write_tmp("scan_a.json", a), *pb = write_tmp("scan_b.json", b);
    assert_int_equal(run_tlscope(ARGS("--diff", pa, pb), 10, &out, &err), 1);
    /* "drop CBC": AES128-SHA accepted before, not now; the GCM-SHA384 one is new */
    assert_non_null(strstr(out, "- TLSv1.2 TLS_RSA_WITH_AES_128_CBC_SHA"));
    assert_non_null(strstr(out, "+ TLSv1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
    assert_null(strstr(out, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
    free(out), free(err);
    assert_int_equal(run_tlscope(ARGS("--json", "--diff", pa, pb), 10, &out, &err), 1);
    json_t *doc = json_loads(out, 0, NULL);
    assert_non_null(doc);
    char *section = scan_doc_section();
    if (section)
        check_documented(doc, section, "diff");
    free(section);
    json_t *added = json_object_get(doc, "accepted_now");
    json_t *removed = json_object_get(doc, "accepted_before");
    assert_int_equal(json_array_size(added), 1);
    assert_int_equal(json_array_size(removed), 1);
    json_decref(doc);
    free(out), free(err);
    assert_int_equal(run_tlscope(ARGS("--diff", pa, pa), 10, &out, &err), 0);
    free(out), free(err);
    free(pa), free(pb), free(a), free(b);
}

int main(void)
{
    harness_dir();
    eng = engine_new();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_modern),
        cmocka_unit_test(test_scan_wide_legacy_equals_sslscan),
        cmocka_unit_test(test_scan_server_order),
        cmocka_unit_test(test_scan_server_order_long),
        cmocka_unit_test(test_scan_tls13_only),
        cmocka_unit_test(test_scan_restricted_groups),
        cmocka_unit_test(test_scan_rsa_and_ecdsa),
        cmocka_unit_test(test_scan_sigalgs_narrowed),
        cmocka_unit_test(test_scan_throttled),
        cmocka_unit_test(test_scan_cancel),
        cmocka_unit_test(test_scan_bad_options),
        cmocka_unit_test(test_scan_no_server),
        cmocka_unit_test(test_scan_cli_json),
        cmocka_unit_test(test_scan_diff),
        cmocka_unit_test(test_scan_progress_bar_on_tty),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    engine_free(eng);
    return failed;
}
