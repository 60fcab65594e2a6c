/* The raw-hello driver (conn_new_hello) against real peers on loopback: `openssl s_server`
 * answering TLS 1.3 and TLS 1.2 ServerHellos, a HelloRetryRequest, handshake_failure and
 * protocol_version alerts; peers of our own that close, reset, speak no TLS, answer in SSLv2,
 * or cut their answer into tiny records and segments. For each s_server case the same offer is
 * made with `openssl s_client` and its outcome (negotiated version and cipher, the HRR, the
 * alert it received, or nothing) must be the driver's. Also: a probe goes through Happy
 * Eyeballs like any connection, an OpenSSL-driver connection has no hello outcome, every run is
 * bounded in time, and the probe rate is printed as a TAP comment (no timing assert).
 *
 * With TLSCOPE_RAW_CORPUS=DIR set, each answer received is also written to DIR as the records
 * the server sent, after the control byte of tests/fuzz/fuzz_record.c (the seeds of
 * tests/fuzz/corpus/record/). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine.h"
#include "lib/harness.h"
#include "lib/hostile.h"
#include "render/json.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/timeutil.h"
#include "wire/build.h"
#include "wire/record.h"
#include "wire/wire.h"

#define ARGS(...)   ((const char *const[]){__VA_ARGS__, NULL})
#define NELEM(a)    (sizeof(a) / sizeof((a)[0]))
#define PROBE_LIMIT 8.0 /* s: no probe in this file may take longer (the engine's timeout is 5) */

static struct engine *eng;

/* ---- offers ------------------------------------------------------------------------------ */

static const uint8_t client_random[32] = {
    0x74, 0x6c, 0x73, 0x63, 0x6f, 0x70, 0x65, 0x20, 0x72, 0x61, 0x77, 0x20, 0x68, 0x65, 0x6c, 0x6c,
    0x6f, 0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x72, 0x61, 0x6e, 0x64, 0x6f, 0x6d, 0x21, 0x21, 0x21,
};
static const uint8_t session_id[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                       12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                       23, 24, 25, 26, 27, 28, 29, 30, 31};
static const uint16_t sigalgs[] = {0x0403, 0x0503, 0x0603, 0x0807, 0x0804, 0x0805,
                                   0x0806, 0x0401, 0x0501, 0x0601, 0x0201};
static const uint16_t v13[] = {WIRE_TLS1_3};
static const uint16_t v13_12[] = {WIRE_TLS1_3, WIRE_TLS1_2};
static const uint16_t suites13[] = {0x1302, 0x1301, 0x1303};
static const uint16_t suites12[] = {0xC02F, 0xC030, 0xC02B, 0xC02C, 0x009E};
#define SUITES12_OSSL                                                                              \
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:"       \
    "ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256"
#define SUITES13_OSSL "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"
static const uint16_t g_x25519[] = {0x001d};
static const uint16_t g_x25519_p256[] = {0x001d, 0x0017};
static const uint16_t g_p384_x25519[] = {0x0018, 0x001d};
static const struct wire_key_share share_x25519[] = {{0x001d, NULL, 0}};
static const struct wire_key_share share_p384[] = {{0x0018, NULL, 0}};

/* A TLS 1.3-only offer like s_client -tls1_3 makes: suites, groups and one share as given. */
static struct wire_ch_spec offer13(const uint16_t *suites, size_t n_suites, const uint16_t *groups,
                                   size_t n_groups, const struct wire_key_share *share)
{
    return (struct wire_ch_spec){
        .random = client_random,
        .session_id = session_id,
        .session_id_len = sizeof session_id,
        .ciphers = suites,
        .n_ciphers = n_suites,
        .versions = v13,
        .n_versions = NELEM(v13),
        .groups = groups,
        .n_groups = n_groups,
        .shares = share,
        .n_shares = share ? 1 : 0,
        .sigalgs = sigalgs,
        .n_sigalgs = NELEM(sigalgs),
        .psk_modes = true,
        .extended_master_secret = true,
    };
}

/* A TLS 1.2 offer without supported_versions, the extensions a TLS 1.2 client sends. */
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
        .renegotiation_info = true,
        .extended_master_secret = true,
        .session_ticket = true,
    };
}

/* ---- running probes ---------------------------------------------------------------------- */

/* Runs c to its end, failing the test when it takes more than limit_s or an absurd number of
 * steps (a step must wait for something). */
static struct report *run_bounded(struct conn *c, double limit_s, int *steps_out)
{
    struct conn_poll p;
    int64_t end = mono_us() + (int64_t)(limit_s * 1e6);
    int steps = 0;
    for (bool first = true; conn_step(c, first ? NULL : &p); first = false) {
        if (++steps > 10000 || mono_us() > end) {
            conn_cancel(c);
            fail_msg("the probe did not end: %d steps, %.1f s", steps, limit_s);
        }
        conn_want(c, &p);
        conn_poll_wait(&p, 100000);
    }
    if (steps_out)
        *steps_out = steps;
    return conn_take_report(c);
}

static struct report *probe_host(const char *host, uint16_t port, enum addr_family family,
                                 double timeout_s, const struct wire_ch_spec *spec)
{
    struct tls_config cfg;
    config_init(&cfg);
    cfg.host = xstrdup(host);
    cfg.port = port;
    cfg.family = family;
    cfg.timeout_s = timeout_s;
    struct conn *c;
    char err[256];
    if (conn_new_hello(eng, &cfg, spec, &c, err, sizeof err) < 0)
        fail_msg("conn_new_hello: %s", err);
    config_free(&cfg);
    struct report *r = run_bounded(c, timeout_s + 3, NULL);
    conn_free(c);
    return r;
}

static struct report *probe(uint16_t port, const struct wire_ch_spec *spec)
{
    return probe_host("127.0.0.1", port, FAMILY_ANY, 5, spec);
}

/* Writes bytes to $TLSCOPE_RAW_CORPUS/name after a control byte for fuzz_record (limit 2^16,
 * pieces of 1 to 29 bytes). */
static void corpus_write(const char *name, const uint8_t *bytes, size_t n)
{
    const char *dir = getenv("TLSCOPE_RAW_CORPUS");
    if (!dir || !*dir || n == 0)
        return;
    uint8_t *buf = xmalloc(n + 1);
    buf[0] = 7 << 2 | 3;
    memcpy(buf + 1, bytes, n);
    char path[512], err[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (file_write_atomic(path, buf, n + 1, 0644, true, err, sizeof err) < 0)
        print_message("# corpus: %s\n", err);
    free(buf);
}

/* corpus_write of the messages r received, each in a record of its own. */
static void corpus_save(const char *name, const struct report *r)
{
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < r->n_events; i++) {
        const struct hs_event *ev = &r->events[i];
        if (ev->dir != DIR_RECEIVED || ev->truncated || ev->content_type == 0)
            continue;
        xgrow((void **)&buf, &cap, n + 5 + ev->n_bytes, 1);
        uint8_t hdr[5] = {(uint8_t)ev->content_type, (uint8_t)(ev->version >> 8),
                          (uint8_t)ev->version, (uint8_t)(ev->n_bytes >> 8), (uint8_t)ev->n_bytes};
        memcpy(buf + n, hdr, 5);
        memcpy(buf + n + 5, ev->bytes, ev->n_bytes);
        n += 5 + ev->n_bytes;
    }
    corpus_write(name, buf, n);
    free(buf);
}

static void expect_no_error(const struct report *r)
{
    if (r->error.stage != STAGE_NONE)
        fail_msg("error (%s): %s", stage_name(r->error.stage),
                 r->error.message ? r->error.message : "");
}

/* The first event in direction dir of that handshake type (-1: an alert), or NULL. */
static const struct hs_event *find_event(const struct report *r, enum event_dir dir, int hs_type)
{
    for (size_t i = 0; i < r->n_events; i++) {
        const struct hs_event *ev = &r->events[i];
        if (ev->dir != dir)
            continue;
        if (hs_type >= 0 ? ev->hs_type == hs_type : ev->content_type == WIRE_CT_ALERT)
            return ev;
    }
    return NULL;
}

/* ---- openssl s_client, for the same offer ------------------------------------------------ */

struct sclient {
    enum hello_outcome outcome; /* of its first answer: SH, HRR, alert, or closed */
    char version[32];           /* negotiated in the end: "TLSv1.2" (Protocol), or "" */
    char cipher[80];            /* OpenSSL's name, or "" */
    uint16_t temp_group;        /* "Server Temp Key", 0 when none */
    int alert;                  /* the alert it received, -1 none */
    char *text;                 /* stdout and stderr, for messages */
};

/* The bytes of the hex dump line that follows a -msg header line (line_end: its '\n'). */
static size_t msg_hex(const char *line_end, uint8_t *out, size_t max)
{
    if (!line_end || !*line_end)
        return 0;
    const char *p = line_end + 1;
    size_t n = 0;
    while (n < max) {
        while (*p == ' ')
            p++;
        char *end;
        unsigned long v = strtoul(p, &end, 16);
        if (end != p + 2 || v > 0xff)
            break;
        out[n++] = (uint8_t)v;
        p = end;
    }
    return n;
}

static void sclient_parse(struct sclient *s)
{
    s->outcome = HELLO_CLOSED;
    s->alert = -1;
    bool answered = false;
    char protocol[32] = "";
    for (const char *line = s->text; line && *line;) {
        const char *eol = strchr(line, '\n');
        char buf[256];
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        if (len >= sizeof buf)
            len = sizeof buf - 1;
        memcpy(buf, line, len);
        buf[len] = 0;
        uint8_t b[16];
        if (!strncmp(buf, "<<< ", 4) && strstr(buf, "], ServerHello") && !answered) {
            size_t n = msg_hex(eol, b, sizeof b);
            answered = true;
            s->outcome =
                n >= 16 && !memcmp(b + 6, wire_hrr_random, 10) ? HELLO_RETRY : HELLO_SERVER_HELLO;
        } else if (!strncmp(buf, "<<< ", 4) && strstr(buf, ", Alert [")) {
            if (msg_hex(eol, b, 2) == 2 && s->alert < 0) {
                s->alert = b[1];
                if (!answered)
                    s->outcome = HELLO_ALERT;
                answered = true;
            }
        } else if (!strncmp(buf, "New, ", 5)) {
            /* "New, <the version that defined the suite>, Cipher is <suite>" */
            char v[32], c[80];
            if (sscanf(buf, "New, %31[^,], Cipher is %79s", v, c) == 2 && strcmp(v, "(NONE)")) {
                snprintf(s->version, sizeof s->version, "%s", v);
                snprintf(s->cipher, sizeof s->cipher, "%s", c);
            }
        } else if (!strncmp(buf, "    Protocol  : ", 16)) {
            snprintf(protocol, sizeof protocol, "%.31s", buf + 16); /* the session's version */
        } else if (!strncmp(buf, "Server Temp Key: ", 17)) {
            /* "X25519, 253 bits", "ECDH, secp521r1, 521 bits", "DH, 2048 bits" */
            char a[32], b2[32];
            int k = sscanf(buf + 17, "%31[^,], %31[^,]", a, b2);
            const char *name = k == 2 && !strcmp(a, "ECDH") ? b2 : a;
            if (k == 2 && !strcmp(a, "DH"))
                snprintf(a, sizeof a, "ffdhe%d", atoi(b2)), name = a;
            if (wire_group_from_name(name, &s->temp_group) != 0)
                s->temp_group = 0xffff;
        } else if (s->alert < 0 && strstr(buf, "SSL alert number ")) {
            s->alert = atoi(strstr(buf, "SSL alert number ") + 17);
            if (!answered)
                s->outcome = HELLO_ALERT;
        }
        line = eol ? eol + 1 : NULL;
    }
    if (s->cipher[0] && protocol[0]) /* TLS 1.3 prints no session block */
        snprintf(s->version, sizeof s->version, "%s", protocol);
}

/* "TLSv1" / "TLSv1.0" ... "TLSv1.3" → 0x0301 ... 0x0304; 0 otherwise. */
static uint16_t version_code(const char *v)
{
    if (!strcmp(v, "TLSv1") || !strcmp(v, "TLSv1.0"))
        return 0x0301;
    if (!strncmp(v, "TLSv1.", 6) && v[6] >= '1' && v[6] <= '3' && !v[7])
        return (uint16_t)(0x0301 + (v[6] - '0'));
    return 0;
}

/* Runs `openssl s_client -connect 127.0.0.1:port -msg <extra>` (and -noservername unless extra
 * names one) with an empty stdin (it ends after the handshake), bounded to 10 s. */
static void sclient_run(uint16_t port, const char *const *extra, struct sclient *s)
{
    memset(s, 0, sizeof(*s));
    char target[32];
    snprintf(target, sizeof target, "127.0.0.1:%u", (unsigned)port);
    const char *argv[24] = {"openssl", "s_client", "-connect", target, "-msg"};
    size_t n = 5;
    bool sni = false;
    for (size_t i = 0; extra && extra[i] && n < NELEM(argv) - 2; i++) {
        argv[n++] = extra[i];
        sni |= !strcmp(extra[i], "-servername");
    }
    if (!sni)
        argv[n++] = "-noservername";
    argv[n] = NULL;
    char *out = NULL, *err = NULL;
    int st = harness_run(argv, "", 10, &out, &err);
    size_t lo = out ? strlen(out) : 0, le = err ? strlen(err) : 0;
    s->text = xmalloc(lo + le + 2);
    snprintf(s->text, lo + le + 2, "%s\n%s", out ? out : "", err ? err : "");
    free(out);
    free(err);
    if (st == -1)
        fail_msg("s_client did not end in 10 s:\n%s", s->text);
    sclient_parse(s);
}

/* The driver's answer equals s_client's for the same offer. */
static void same_as_sclient(const struct report *r, const struct sclient *s)
{
    const struct hello_result *h = &r->hello;
    if (getenv("HARNESS_VERBOSE"))
        print_message(
            "# raw: %s 0x%04x 0x%04x 0x%04x alert %d | s_client: %s %s %s 0x%04x alert %d\n",
            hello_outcome_name(h->outcome), h->version, h->cipher, h->group,
            h->outcome == HELLO_ALERT ? h->alert_desc : -1, hello_outcome_name(s->outcome),
            s->version, s->cipher, s->temp_group, s->alert);
    if (h->outcome != s->outcome)
        fail_msg("raw hello: %s, s_client: %s\n%s", hello_outcome_name(h->outcome),
                 hello_outcome_name(s->outcome), s->text);
    char buf[WIRE_NAME_BUF];
    switch (h->outcome) {
    case HELLO_SERVER_HELLO:
        assert_int_equal(h->version, version_code(s->version));
        assert_string_equal(OPENSSL_cipher_name(wire_cipher_name(h->cipher, buf, sizeof buf)),
                            s->cipher);
        if (h->version == WIRE_TLS1_3)
            assert_int_equal(h->group, s->temp_group);
        break;
    case HELLO_RETRY: /* s_client went on with the group the HRR asked for */
        assert_int_equal(h->group, s->temp_group);
        assert_string_equal(s->version, "TLSv1.3");
        assert_string_equal(OPENSSL_cipher_name(wire_cipher_name(h->cipher, buf, sizeof buf)),
                            s->cipher);
        break;
    case HELLO_ALERT: assert_int_equal(h->alert_desc, s->alert); break;
    default: break;
    }
}

static void sclient_free(struct sclient *s)
{
    free(s->text);
    s->text = NULL;
}

static void start_s_server(struct peer *p, const char *const *extra)
{
    const char *args[16] = {"-cert", "@leaf.crt", "-key", "@leaf.key"};
    size_t n = 4;
    for (size_t i = 0; extra && extra[i] && n < NELEM(args) - 1; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    assert_int_equal(peer_s_server(p, false, args), 0);
}

static bool in_list(uint16_t v, const uint16_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == v)
            return true;
    return false;
}

/* ---- s_server cases ---------------------------------------------------------------------- */

static void test_tls13_server_hello(void **state)
{
    (void)state;
    struct peer p;
    start_s_server(&p, NULL);
    struct wire_ch_spec spec = offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    struct report *r = probe(p.port, &spec);
    const struct hello_result *h = &r->hello;
    expect_no_error(r);
    assert_int_equal(h->outcome, HELLO_SERVER_HELLO);
    assert_int_equal(h->version, WIRE_TLS1_3);
    assert_true(in_list(h->cipher, suites13, NELEM(suites13)));
    assert_int_equal(h->group, 0x001d);
    assert_int_equal(h->compression, 0);
    assert_true(h->ms >= 0 && h->ms < 5000);
    assert_string_equal(r->protocol, "TLSv1.3");
    assert_string_equal(r->group, "x25519");

    /* the events: our ClientHello with its bytes, then the ServerHello with its bytes */
    uint8_t built[WIRE_CH_MAX];
    size_t n = wire_build_client_hello(&spec, built, sizeof built, NULL);
    const struct hs_event *ch = find_event(r, DIR_SENT, WIRE_HS_CLIENT_HELLO);
    assert_non_null(ch);
    assert_int_equal(ch->n_bytes, n - WIRE_RECORD_HEADER);
    assert_memory_equal(ch->bytes, built + WIRE_RECORD_HEADER, ch->n_bytes);
    assert_int_equal(r->bytes_sent, n);
    const struct hs_event *sh = find_event(r, DIR_RECEIVED, WIRE_HS_SERVER_HELLO);
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
    corpus_save("tls13-server-hello", r);

    /* what we offered, as for any connection; no server name was sent */
    assert_int_equal(r->offered.client_hello_len, n - WIRE_RECORD_HEADER);
    assert_int_equal(r->offered.ciphers.len, NELEM(suites13));
    assert_string_equal(r->offered.ciphers.items[0], "TLS_AES_256_GCM_SHA384");
    assert_int_equal(r->offered.versions.len, 1);
    assert_string_equal(r->offered.versions.items[0], "TLSv1.3");
    assert_int_equal(r->offered.key_shares.len, 1);
    assert_string_equal(r->offered.key_shares.items[0], "x25519");
    assert_null(r->sni);

    struct sclient s;
    sclient_run(p.port,
                ARGS("-tls1_3", "-ciphersuites",
                     "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256",
                     "-groups", "X25519"),
                &s);
    same_as_sclient(r, &s);
    sclient_free(&s);
    report_free(r);
    peer_stop(&p);
}

static void test_tls12_server_hello(void **state)
{
    (void)state;
    struct peer p;
    start_s_server(&p, NULL);
    struct wire_ch_spec spec = offer12(suites12, NELEM(suites12));
    struct report *r = probe(p.port, &spec);
    expect_no_error(r);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.version, WIRE_TLS1_2);
    assert_true(in_list(r->hello.cipher, suites12, NELEM(suites12)));
    assert_int_equal(r->hello.group, 0); /* TLS 1.2: in the ServerKeyExchange, not read */
    assert_string_equal(r->protocol, "TLSv1.2");
    corpus_save("tls12-server-hello", r);

    struct sclient s;
    sclient_run(p.port, ARGS("-tls1_2", "-cipher", SUITES12_OSSL, "-groups", "X25519:P-256"), &s);
    same_as_sclient(r, &s);
    sclient_free(&s);
    report_free(r);
    peer_stop(&p);
}

/* Offering 1.3 and 1.2 to a server without 1.3: a TLS 1.2 ServerHello (legacy_version, no
 * supported_versions in the answer). */
static void test_tls12_when_server_lacks_tls13(void **state)
{
    (void)state;
    struct peer p;
    start_s_server(&p, ARGS("-no_tls1_3"));
    uint16_t suites[NELEM(suites13) + NELEM(suites12)];
    memcpy(suites, suites13, sizeof suites13);
    memcpy(suites + NELEM(suites13), suites12, sizeof suites12);
    struct wire_ch_spec spec = offer12(suites, NELEM(suites));
    spec.versions = v13_12, spec.n_versions = NELEM(v13_12);
    spec.shares = share_x25519, spec.n_shares = 1;
    spec.psk_modes = true;
    struct report *r = probe(p.port, &spec);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.version, WIRE_TLS1_2);
    assert_true(in_list(r->hello.cipher, suites12, NELEM(suites12)));

    struct sclient s;
    sclient_run(
        p.port,
        ARGS("-ciphersuites", SUITES13_OSSL, "-cipher", SUITES12_OSSL, "-groups", "X25519:P-256"),
        &s);
    same_as_sclient(r, &s);
    sclient_free(&s);
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
    start_s_server(&p, ARGS("-groups", "X25519:P-256"));
    struct wire_ch_spec spec =
        offer13(suites13, NELEM(suites13), g_p384_x25519, NELEM(g_p384_x25519), share_p384);
    struct report *r = probe(p.port, &spec);
    expect_no_error(r);
    assert_int_equal(r->hello.outcome, HELLO_RETRY);
    assert_int_equal(r->hello.group, 0x001d);
    assert_int_equal(r->hello.version, WIRE_TLS1_3);
    assert_true(in_list(r->hello.cipher, suites13, NELEM(suites13)));
    const struct hs_event *sh = find_event(r, DIR_RECEIVED, WIRE_HS_SERVER_HELLO);
    assert_non_null(sh);
    assert_memory_equal(sh->bytes + 6, wire_hrr_random, 32);
    corpus_save("tls13-hello-retry-request", r);
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

    struct sclient s;
    sclient_run(p.port, ARGS("-tls1_3", "-ciphersuites", SUITES13_OSSL, "-groups", "P-384:X25519"),
                &s);
    same_as_sclient(r, &s);
    sclient_free(&s);
    report_free(r);

    /* an empty key_share list asks for an HRR too (s_client cannot make this offer) */
    spec = offer13(suites13, NELEM(suites13), g_x25519_p256, NELEM(g_x25519_p256), NULL);
    spec.key_share_empty = true;
    r = probe(p.port, &spec);
    assert_int_equal(r->hello.outcome, HELLO_RETRY);
    assert_int_equal(r->hello.group, 0x001d);
    report_free(r);
    peer_stop(&p);
}

static void expect_alert(const struct report *r, int desc)
{
    expect_no_error(r);
    assert_int_equal(r->hello.outcome, HELLO_ALERT);
    assert_int_equal(r->hello.alert_level, 2);
    assert_int_equal(r->hello.alert_desc, desc);
    const struct hs_event *a = find_event(r, DIR_RECEIVED, -1);
    assert_non_null(a);
    assert_int_equal(a->alert_desc, desc);
    assert_int_equal(a->n_bytes, 2);
}

static void test_handshake_failure(void **state)
{
    (void)state;
    struct peer p;
    start_s_server(&p, ARGS("-cipher", "ECDHE-RSA-AES256-GCM-SHA384"));

    /* TLS 1.3 with only TLS_AES_128_CCM_8_SHA256, which OpenSSL does not enable by default */
    static const uint16_t ccm8[] = {0x1305};
    struct wire_ch_spec spec = offer13(ccm8, 1, g_x25519, 1, share_x25519);
    struct report *r = probe(p.port, &spec);
    expect_alert(r, 40);
    corpus_save("alert-handshake-failure", r);
    struct sclient s;
    sclient_run(p.port,
                ARGS("-tls1_3", "-ciphersuites", "TLS_AES_128_CCM_8_SHA256", "-groups", "X25519"),
                &s);
    same_as_sclient(r, &s);
    sclient_free(&s);
    report_free(r);

    /* TLS 1.2 with only a suite the server's -cipher left out */
    static const uint16_t aes128[] = {0xC02F};
    spec = offer12(aes128, 1);
    r = probe(p.port, &spec);
    expect_alert(r, 40);
    sclient_run(p.port, ARGS("-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"), &s);
    same_as_sclient(r, &s);
    sclient_free(&s);
    report_free(r);
    peer_stop(&p);
}

static void test_protocol_version(void **state)
{
    (void)state;
    /* a TLS 1.3-only server, a TLS 1.2 offer */
    struct peer p;
    start_s_server(&p, ARGS("-tls1_3"));
    struct wire_ch_spec spec = offer12(suites12, NELEM(suites12));
    struct report *r = probe(p.port, &spec);
    expect_alert(r, 70);
    corpus_save("alert-protocol-version", r);
    struct sclient s;
    sclient_run(p.port, ARGS("-tls1_2", "-cipher", SUITES12_OSSL), &s);
    same_as_sclient(r, &s);
    sclient_free(&s);
    report_free(r);
    peer_stop(&p);

    /* a TLS 1.2-only server, a TLS 1.3 offer */
    start_s_server(&p, ARGS("-tls1_2"));
    spec = offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    r = probe(p.port, &spec);
    expect_alert(r, 70);
    sclient_run(p.port, ARGS("-tls1_3", "-ciphersuites", SUITES13_OSSL, "-groups", "X25519"), &s);
    same_as_sclient(r, &s);
    sclient_free(&s);
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
    start_s_server(&p, ARGS("-groups", "X25519:P-256:P-384:P-521:X448:ffdhe2048:ffdhe3072:"
                                       "ffdhe4096:ffdhe8192"));
    for (size_t i = 0; i < NELEM(groups); i++) {
        const struct wire_key_share share = {groups[i].group, NULL, 0};
        struct wire_ch_spec spec = offer13(suites13, NELEM(suites13), &groups[i].group, 1, &share);
        struct report *r = probe(p.port, &spec);
        if (r->hello.outcome != HELLO_SERVER_HELLO || r->hello.group != groups[i].group)
            fail_msg("%s: %s, group 0x%04x", groups[i].name, hello_outcome_name(r->hello.outcome),
                     r->hello.group);
        struct sclient s;
        sclient_run(p.port,
                    ARGS("-tls1_3", "-ciphersuites", SUITES13_OSSL, "-groups", groups[i].name), &s);
        same_as_sclient(r, &s);
        sclient_free(&s);
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
    struct wire_ch_spec spec = offer12(suites, NELEM(suites));
    spec.legacy_version = 0x0301;
    spec.sigalgs = NULL, spec.n_sigalgs = 0; /* TLS 1.0 has none */
    const char *const *sc_args =
        ARGS("-tls1", "-cipher",
             "ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA:@SECLEVEL=0");
    struct peer p;
    start_s_server(&p, ARGS("-tls1", "-cipher", "ALL:@SECLEVEL=0"));
    struct report *r = probe(p.port, &spec);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.version, 0x0301);
    assert_true(in_list(r->hello.cipher, suites, NELEM(suites)));
    struct sclient s;
    sclient_run(p.port, sc_args, &s);
    same_as_sclient(r, &s);
    sclient_free(&s);
    report_free(r);
    peer_stop(&p);

    start_s_server(&p, NULL);
    r = probe(p.port, &spec);
    assert_int_equal(r->hello.outcome, HELLO_ALERT);
    sclient_run(p.port, sc_args, &s);
    same_as_sclient(r, &s);
    sclient_free(&s);
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
    struct wire_ch_spec spec = offer12(suites12, NELEM(suites12));
    spec.sni = "localhost";
    spec.alpn = alpn, spec.n_alpn = NELEM(alpn);
    spec.status_request = true;
    spec.encrypt_then_mac = true;
    spec.pad_to = 512;
    struct peer p;
    start_s_server(&p, ARGS("-alpn", "h2"));
    struct report *r = probe(p.port, &spec);
    expect_no_error(r);
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
    struct sclient s;
    sclient_run(p.port,
                ARGS("-tls1_2", "-cipher", SUITES12_OSSL, "-groups", "X25519:P-256", "-servername",
                     "localhost", "-alpn", "h2,http/1.1", "-status"),
                &s);
    same_as_sclient(r, &s);
    sclient_free(&s);
    report_free(r);
    peer_stop(&p);
}

/* ---- peers that do not answer with TLS --------------------------------------------------- */

static void test_peer_closes(void **state)
{
    (void)state;
    struct wire_ch_spec spec = offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    struct peer p;
    assert_int_equal(peer_hostile(&p, HOSTILE_FIN), 0);
    for (int i = 0; i < 3; i++) {
        struct report *r = probe(p.port, &spec);
        expect_no_error(r);
        assert_int_equal(r->hello.outcome, HELLO_CLOSED);
        assert_true(r->hello.close_errno == 0 || r->hello.close_errno == ECONNRESET ||
                    r->hello.close_errno == EPIPE);
        report_free(r);
    }
    struct report *r = probe(p.port, &spec);
    struct sclient s;
    sclient_run(p.port, ARGS("-tls1_3", "-ciphersuites", SUITES13_OSSL, "-groups", "X25519"), &s);
    same_as_sclient(r, &s);
    sclient_free(&s);
    report_free(r);
    peer_stop(&p);

    /* A reset right after the accept: closed, every time — also when the reset is in before
     * the transport looks at the new socket (SO_ERROR then says ECONNRESET: the connection
     * was made, and the transport counts it as made). */
    assert_int_equal(peer_hostile(&p, HOSTILE_RESET), 0);
    for (int i = 0; i < 5; i++) {
        r = probe(p.port, &spec);
        if (r->hello.outcome != HELLO_CLOSED || r->error.stage != STAGE_NONE)
            fail_msg("reset peer: %s, error %s: %s", hello_outcome_name(r->hello.outcome),
                     stage_name(r->error.stage), r->error.message ? r->error.message : "");
        assert_true(r->hello.close_errno == 0 || r->hello.close_errno == ECONNRESET ||
                    r->hello.close_errno == EPIPE);
        if (i == 0) {
            sclient_run(p.port,
                        ARGS("-tls1_3", "-ciphersuites", SUITES13_OSSL, "-groups", "X25519"), &s);
            same_as_sclient(r, &s);
            sclient_free(&s);
        }
        report_free(r);
    }
    peer_stop(&p);
}

static void test_not_tls(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_plaintext(&p, "SSH-2.0-OpenSSH_9.6\r\n"), 0);
    struct wire_ch_spec spec = offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    struct report *r = probe(p.port, &spec);
    assert_int_equal(r->hello.outcome, HELLO_NONE);
    assert_int_equal(r->error.stage, STAGE_TLS);
    assert_non_null(strstr(r->error.message, "no TLS"));
    assert_non_null(strstr(r->error.message, "SSH-2.0-OpenSSH_9.6"));
    report_free(r);
    peer_stop(&p);
}

/* A peer of our own that reads the ClientHello and sends a script of chunks, one send() each
 * with a millisecond between them (so they arrive as separate reads), then waits for the
 * client to go. */
struct script {
    const uint8_t *const *chunks;
    const size_t *lens;
    size_t n;
};

static void serve_script(int fd, const void *arg)
{
    const struct script *s = arg;
    uint8_t buf[4096];
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    if (poll(&pfd, 1, 5000) > 0 && recv(fd, buf, sizeof buf, 0) > 0) {
        const struct timespec ms = {0, 1000000};
        for (size_t i = 0; i < s->n; i++) {
            if (send(fd, s->chunks[i], s->lens[i], MSG_NOSIGNAL) < 0)
                break;
            nanosleep(&ms, NULL);
        }
        for (int i = 0; i < 50 && poll(&pfd, 1, 100) >= 0; i++)
            if ((pfd.revents & (POLLIN | POLLHUP)) && recv(fd, buf, sizeof buf, 0) <= 0)
                break;
    }
    close(fd);
}

/* A TLS 1.3 ServerHello message (TLS_AES_128_GCM_SHA256, x25519), 122 bytes with header. */
static size_t make_server_hello13(uint8_t *m)
{
    size_t n = 0;
    static const uint8_t head[] = {0x02, 0x00, 0x00, 0x76, 0x03, 0x03};
    memcpy(m, head, sizeof head), n += sizeof head;
    memset(m + n, 0x5a, 32), n += 32; /* random */
    m[n++] = 32;
    memcpy(m + n, session_id, 32), n += 32;
    static const uint8_t tail[] = {0x13, 0x01, 0x00, 0x00, 0x2e,             /* suite, comp, exts */
                                   0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,       /* versions */
                                   0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, /* key_share */
                                   0x20};
    memcpy(m + n, tail, sizeof tail), n += sizeof tail;
    memset(m + n, 0x09, 32), n += 32;
    return n;
}

/* A warning alert (unrecognized_name) and a HelloRequest come first; the ServerHello is cut
 * into records of 1 to 7 bytes, each record sent in two pieces (header, then fragment). */
static void test_fragmented_answer(void **state)
{
    (void)state;
    static uint8_t bufs[256][16];
    static const uint8_t *chunks[256];
    static size_t lens[256];
    static struct script sc = {chunks, lens, 0};
    static const uint8_t warning[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x70};
    static const uint8_t hello_request[] = {0x16, 0x03, 0x03, 0x00, 0x04, 0, 0, 0, 0};
    uint8_t sh[128];
    size_t shn = make_server_hello13(sh);
    assert_int_equal(shn, 122);
    size_t k = 0;
    chunks[k] = warning, lens[k++] = sizeof warning;
    chunks[k] = hello_request, lens[k++] = sizeof hello_request;
    for (size_t off = 0, step = 1; off < shn; off += step, step = step % 7 + 1) {
        size_t len = shn - off < step ? shn - off : step;
        uint8_t *b = bufs[k];
        b[0] = 0x16, b[1] = 0x03, b[2] = 0x03, b[3] = 0, b[4] = (uint8_t)len;
        memcpy(b + 5, sh + off, len);
        chunks[k] = b, lens[k++] = 3; /* half a header ... */
        chunks[k] = b + 3, lens[k++] = 2 + len;
    }
    sc.n = k;
    assert_true(k < NELEM(chunks));
    uint8_t all[2048];
    size_t n_all = 0;
    for (size_t i = 0; i < k; i++)
        memcpy(all + n_all, chunks[i], lens[i]), n_all += lens[i];
    corpus_write("fragmented-server-hello", all, n_all);
    struct peer p;
    assert_int_equal(peer_fork(&p, false, serve_script, &sc), 0);
    struct wire_ch_spec spec = offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    struct report *r = probe(p.port, &spec);
    expect_no_error(r);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.version, WIRE_TLS1_3);
    assert_int_equal(r->hello.cipher, 0x1301);
    assert_int_equal(r->hello.group, 0x001d);
    const struct hs_event *a = find_event(r, DIR_RECEIVED, -1);
    assert_non_null(a);
    assert_int_equal(a->alert_level, 1);
    assert_int_equal(a->alert_desc, 112);
    assert_non_null(find_event(r, DIR_RECEIVED, WIRE_HS_HELLO_REQUEST));
    const struct hs_event *ev = find_event(r, DIR_RECEIVED, WIRE_HS_SERVER_HELLO);
    assert_non_null(ev);
    assert_int_equal(ev->n_bytes, shn);
    assert_memory_equal(ev->bytes, sh, shn);
    report_free(r);
    peer_stop(&p);
}

/* Broken answers: a ServerHello that does not parse; TLS records and then garbage; a peer
 * that sends HelloRequests and never a ServerHello (the timeout says so). */
static void test_broken_answers(void **state)
{
    (void)state;
    struct wire_ch_spec spec = offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    /* a ServerHello whose extension block claims more than there is */
    static uint8_t bad_sh[5 + 122];
    size_t n = make_server_hello13(bad_sh + 5);
    bad_sh[0] = 0x16, bad_sh[1] = 3, bad_sh[2] = 3, bad_sh[3] = 0, bad_sh[4] = (uint8_t)n;
    bad_sh[5 + 4 + 2 + 32 + 1 + 32 + 3 + 1] = 0x30; /* extensions length 0x2e → 0x30 */
    static const uint8_t *c1[] = {bad_sh};
    static const size_t l1[] = {sizeof bad_sh};
    static const struct script s1 = {c1, l1, 1};
    struct peer p;
    assert_int_equal(peer_fork(&p, false, serve_script, &s1), 0);
    struct report *r = probe(p.port, &spec);
    assert_int_equal(r->hello.outcome, HELLO_NONE);
    assert_int_equal(r->error.stage, STAGE_TLS);
    assert_non_null(strstr(r->error.message, "ServerHello is malformed"));
    assert_non_null(find_event(r, DIR_RECEIVED, WIRE_HS_SERVER_HELLO)); /* bytes kept */
    report_free(r);
    peer_stop(&p);

    /* a warning alert, then an HTTP answer: malformed TLS, not "no TLS" */
    static const uint8_t warn[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x70};
    static const uint8_t http[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
    static const uint8_t *c2[] = {warn, http};
    static const size_t l2[] = {sizeof warn, sizeof http - 1};
    static const struct script s2 = {c2, l2, 2};
    assert_int_equal(peer_fork(&p, false, serve_script, &s2), 0);
    r = probe(p.port, &spec);
    assert_int_equal(r->hello.outcome, HELLO_NONE);
    assert_int_equal(r->error.stage, STAGE_TLS);
    assert_non_null(strstr(r->error.message, "then sent a malformed one"));
    report_free(r);
    peer_stop(&p);

    /* HelloRequests only (60 of them, a millisecond apart), then silence */
    static const uint8_t hello_request[] = {0x16, 0x03, 0x03, 0x00, 0x04, 0, 0, 0, 0};
    static const uint8_t *c3[60];
    static size_t l3[60];
    for (size_t i = 0; i < 60; i++)
        c3[i] = hello_request, l3[i] = sizeof hello_request;
    static const struct script s3 = {c3, l3, 60};
    assert_int_equal(peer_fork(&p, false, serve_script, &s3), 0);
    r = probe_host("127.0.0.1", p.port, FAMILY_ANY, 0.5, &spec);
    assert_int_equal(r->error.stage, STAGE_TIMEOUT);
    assert_non_null(r->error.hint);
    assert_non_null(strstr(r->error.hint, "HelloRequest"));
    report_free(r);
    peer_stop(&p);
}

/* A peer answering in SSLv2 (a 2-byte header with the high bit set): outcome sslv2. */
static void test_sslv2_answer(void **state)
{
    (void)state;
    /* SERVER-HELLO: type 4, session id hit 0, certificate type 1, version 0x0002, ... */
    static const uint8_t v2[] = {0x80, 0x0b, 0x04, 0x00, 0x01, 0x00, 0x02,
                                 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    static const uint8_t *chunks[] = {v2};
    static const size_t lens[] = {sizeof v2};
    static const struct script sc = {chunks, lens, 1};
    corpus_write("sslv2-server-hello", v2, sizeof v2);
    struct peer p;
    assert_int_equal(peer_fork(&p, false, serve_script, &sc), 0);
    struct wire_ch_spec spec = offer12(suites12, NELEM(suites12));
    struct report *r = probe(p.port, &spec);
    expect_no_error(r);
    assert_int_equal(r->hello.outcome, HELLO_SSL2);
    report_free(r);
    peer_stop(&p);
}

/* ---- the pipeline around the driver ------------------------------------------------------ */

/* A socket on 127.0.0.1 that drops SYNs like a dead route: it listens with a backlog of 0 and
 * its accept queue is filled by a connection nobody accepts. */
struct blackhole {
    int listen_fd, filler_fd;
    uint16_t port;
};

static int blackhole_open(struct blackhole *b)
{
    b->filler_fd = -1;
    b->port = 0;
    b->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    if (b->listen_fd < 0 || bind(b->listen_fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        listen(b->listen_fd, 0) < 0 || getsockname(b->listen_fd, (struct sockaddr *)&a, &al) < 0)
        return -1;
    b->port = ntohs(a.sin_port);
    b->filler_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (b->filler_fd < 0 || connect(b->filler_fd, (struct sockaddr *)&a, sizeof a) < 0)
        return -1;
    /* the handshake completes in the kernel: the listener turns readable once the connection
     * sits in its accept queue, and the queue (backlog 0) is full */
    struct pollfd pf = {.fd = b->listen_fd, .events = POLLIN};
    return poll(&pf, 1, 5000) == 1 ? 0 : -1;
}

static void blackhole_close(struct blackhole *b)
{
    close(b->filler_fd);
    close(b->listen_fd);
}

struct two_addrs {
    uint16_t first, second; /* ports on 127.0.0.1, in this order */
};

static int resolve_two(void *arg, const char *host, uint16_t port, int family,
                       struct sockaddr_storage *out, socklen_t *lens, size_t max, char *err,
                       size_t errlen)
{
    (void)port, (void)family;
    const struct two_addrs *t = arg;
    if (strcmp(host, "raw-hello.test") != 0 || max < 2) {
        snprintf(err, errlen, "unexpected lookup of %s", host);
        return -1;
    }
    uint16_t ports[2] = {t->first, t->second};
    for (int i = 0; i < 2; i++) {
        struct sockaddr_in *a = (struct sockaddr_in *)&out[i];
        memset(&out[i], 0, sizeof out[i]);
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a->sin_port = htons(ports[i]);
        lens[i] = sizeof *a;
    }
    return 2;
}

/* A name whose first address drops SYNs and whose second serves: the probe starts the second
 * attempt after 250 ms and gets its ServerHello; the report lists both attempts. */
static void test_happy_eyeballs(void **state)
{
    (void)state;
    struct peer p;
    start_s_server(&p, NULL);
    struct blackhole bh;
    assert_int_equal(blackhole_open(&bh), 0);
    struct two_addrs t = {bh.port, p.port};
    struct engine *e = engine_new();
    engine_set_resolver(e, resolve_two, &t);
    struct engine *saved = eng;
    eng = e;
    struct wire_ch_spec spec = offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    int64_t t0 = mono_us();
    struct report *r = probe_host("raw-hello.test", p.port, FAMILY_ANY, 5, &spec);
    double ms = (double)(mono_us() - t0) / 1000.0;
    eng = saved;
    print_message("# happy eyeballs: ServerHello by the second address after %.0f ms\n", ms);
    expect_no_error(r);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_true(ms < 3000);
    assert_int_equal(r->n_addresses, 2);
    assert_int_equal(r->addresses[0].result, ADDR_ABANDONED);
    assert_int_equal(r->addresses[1].result, ADDR_CONNECTED);
    assert_string_equal(r->address, "127.0.0.1");
    report_free(r);
    engine_free(e);
    blackhole_close(&bh);

    /* by the system resolver: localhost (::1 refused first, when listed). The report names
     * the server name the hello carried, not the host's. */
    r = probe_host("localhost", p.port, FAMILY_ANY, 5, &spec);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_true(r->n_addresses >= 1);
    assert_string_equal(r->address, "127.0.0.1");
    assert_null(r->sni);
    report_free(r);
    spec.sni = "raw.example.test";
    r = probe_host("localhost", p.port, FAMILY_ANY, 5, &spec);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_string_equal(r->sni, "raw.example.test");
    report_free(r);
    spec.sni = NULL;
    /* -6: only ::1, where nothing listens */
    r = probe_host("localhost", p.port, FAMILY_V6, 5, &spec);
    assert_int_equal(r->hello.outcome, HELLO_NONE);
    assert_int_not_equal(r->error.stage, STAGE_NONE);
    report_free(r);
    peer_stop(&p);
}

/* An ordinary connection (OpenSSL driver) has no hello outcome. (TLS 1.2: its messages make
 * a corpus seed of a whole server flight.) */
static void test_openssl_driver_has_no_hello(void **state)
{
    (void)state;
    struct peer p;
    start_s_server(&p, NULL);
    struct tls_config cfg;
    config_init(&cfg);
    cfg.host = xstrdup("127.0.0.1");
    cfg.port = p.port;
    cfg.timeout_s = 5;
    cfg.verify = false;
    cfg.max_proto = PROTO_TLS1_2;
    struct conn *c;
    char err[256];
    assert_int_equal(conn_new(eng, &cfg, &c, err, sizeof err), 0);
    struct report *r = run_bounded(c, PROBE_LIMIT, NULL);
    conn_free(c);
    assert_true(r->ok);
    assert_int_equal(r->hello.outcome, HELLO_NONE);
    corpus_save("tls12-openssl-flight", r);
    report_free(r);
    config_free(&cfg);
    peer_stop(&p);
}

/* Once the hello is out, the driver reads only when poll says the socket is readable: a loop
 * of many probes makes no recv() for the ones that have nothing to read. */
static void test_reads_only_when_readable(void **state)
{
    (void)state;
    struct peer p;
    start_s_server(&p, NULL);
    struct wire_ch_spec spec = offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    struct tls_config cfg;
    config_init(&cfg);
    cfg.host = xstrdup("127.0.0.1");
    cfg.port = p.port;
    cfg.timeout_s = 5;
    struct conn *c;
    char err[256];
    assert_int_equal(conn_new_hello(eng, &cfg, &spec, &c, err, sizeof err), 0);
    struct conn_poll cp;
    bool running = conn_step(c, NULL);
    for (int i = 0; running && i < 100; i++) {
        conn_want(c, &cp);
        if (cp.n == 1 && cp.fds[0].events == POLLIN && conn_stage(c) == STAGE_TLS)
            break; /* the hello is out */
        conn_poll_wait(&cp, 100000);
        running = conn_step(c, &cp);
    }
    assert_true(running);
    assert_int_equal(cp.fds[0].events, POLLIN);
    /* until the ServerHello has arrived (poll on the socket itself; the connection's own poll
     * set is not used, so the step below still sees no readiness) */
    struct pollfd pf = {.fd = cp.fds[0].fd, .events = POLLIN};
    assert_int_equal(poll(&pf, 1, 5000), 1);
    cp.fds[0].revents = 0;
    assert_true(conn_step(c, &cp)); /* poll did not say readable: nothing read */
    conn_want(c, &cp);
    conn_poll_wait(&cp, 1000000);
    assert_true(cp.fds[0].revents & POLLIN);
    assert_false(conn_step(c, &cp));
    struct report *r = conn_take_report(c);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    report_free(r);
    conn_free(c);
    config_free(&cfg);
    peer_stop(&p);
}

/* A peer that never answers: the probe ends at its deadline, in few steps. */
static void test_bounded_in_time(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_tarpit(&p), 0);
    struct wire_ch_spec spec = offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    struct tls_config cfg;
    config_init(&cfg);
    cfg.host = xstrdup("127.0.0.1");
    cfg.port = p.port;
    cfg.timeout_s = 0.5;
    struct conn *c;
    char err[256];
    assert_int_equal(conn_new_hello(eng, &cfg, &spec, &c, err, sizeof err), 0);
    int64_t t0 = mono_us();
    int steps = 0;
    struct report *r = run_bounded(c, 3, &steps);
    double s = (double)(mono_us() - t0) / 1e6;
    conn_free(c);
    assert_int_equal(r->error.stage, STAGE_TIMEOUT);
    assert_int_equal(r->hello.outcome, HELLO_NONE);
    assert_true(s >= 0.45 && s < 2.0);
    assert_true(steps < 50); /* it waited in poll, it did not spin */
    report_free(r);
    config_free(&cfg);
    peer_stop(&p);
}

/* User + system CPU time of this process, in seconds. */
static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Probes per second against one s_server: one at a time, then 16 at once in one poll loop. No
 * assertion on the figures (a loaded machine is slower); every probe must get its answer. */
static void test_probe_rate(void **state)
{
    (void)state;
    struct peer p;
    start_s_server(&p, NULL);
    struct wire_ch_spec spec = offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    enum { N = 100, PAR = 16 };
    int64_t t0 = mono_us();
    for (int i = 0; i < N; i++) {
        struct report *r = probe(p.port, &spec);
        assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
        report_free(r);
    }
    double seq = (double)(mono_us() - t0) / 1e6;

    struct tls_config cfg;
    config_init(&cfg);
    cfg.host = xstrdup("127.0.0.1");
    cfg.port = p.port;
    cfg.timeout_s = 5;
    struct conn *c[PAR] = {0};
    struct conn_poll cp[PAR];
    int started = 0, done = 0;
    double cpu0 = cpu_seconds();
    int64_t t1 = mono_us(), end = t1 + 30 * 1000000LL;
    while (done < N) {
        assert_true(mono_us() < end);
        struct pollfd fds[PAR * CONN_FDS_MAX];
        size_t nf = 0;
        int64_t dl = INT64_MAX;
        for (int i = 0; i < PAR; i++) {
            if (!c[i] && started < N) {
                char err[256];
                assert_int_equal(conn_new_hello(eng, &cfg, &spec, &c[i], err, sizeof err), 0);
                started++;
                if (!conn_step(c[i], NULL))
                    fail_msg("a probe ended before it began");
            }
            if (!c[i])
                continue;
            conn_want(c[i], &cp[i]);
            memcpy(fds + nf, cp[i].fds, cp[i].n * sizeof fds[0]);
            nf += cp[i].n;
            dl = cp[i].deadline_us < dl ? cp[i].deadline_us : dl;
        }
        int64_t wait = dl - mono_us();
        wait = wait < 0 ? 0 : wait > 100000 ? 100000 : wait;
        struct timespec ts = {0, (long)wait * 1000};
        if (ppoll(fds, nf, &ts, NULL) < 0)
            fail_msg("ppoll: %s", strerror(errno));
        nf = 0;
        for (int i = 0; i < PAR; i++) {
            if (!c[i])
                continue;
            memcpy(cp[i].fds, fds + nf, cp[i].n * sizeof fds[0]);
            nf += cp[i].n;
            if (conn_step(c[i], &cp[i]))
                continue;
            struct report *r = conn_take_report(c[i]);
            if (r->hello.outcome != HELLO_SERVER_HELLO)
                fail_msg("probe %d: %s (%s)", done, hello_outcome_name(r->hello.outcome),
                         r->error.message ? r->error.message : "");
            report_free(r);
            conn_free(c[i]);
            c[i] = NULL;
            done++;
        }
    }
    double par = (double)(mono_us() - t1) / 1e6;
    double cpu = cpu_seconds() - cpu0;
    config_free(&cfg);
    print_message("# raw hello: %d probes one at a time in %.2f s (%.0f/s); %d with %d at once "
                  "in one poll loop in %.2f s (%.0f/s, client CPU %.0f us each); s_server "
                  "answers one at a time\n",
                  N, seq, N / seq, N, PAR, par, N / par, cpu * 1e6 / N);
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
        cmocka_unit_test(test_peer_closes),
        cmocka_unit_test(test_not_tls),
        cmocka_unit_test(test_fragmented_answer),
        cmocka_unit_test(test_sslv2_answer),
        cmocka_unit_test(test_broken_answers),
        cmocka_unit_test(test_happy_eyeballs),
        cmocka_unit_test(test_openssl_driver_has_no_hello),
        cmocka_unit_test(test_reads_only_when_readable),
        cmocka_unit_test(test_bounded_in_time),
        cmocka_unit_test(test_probe_rate),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    engine_free(eng);
    return failed;
}
