/* STARTTLS and the HTTP probe (issue 12) against real local peers (tests/lib/starttls_peer.c:
 * each protocol's server side, then OpenSSL's SSL_accept with the lab PKI): every protocol
 * connects, verifies and shows its transcript; each failure (not offered, refused, 421,
 * garbage, silence, flood) ends with error stage starttls in time; auto picks by port (the
 * engine's resolver hook maps the well-known port to the peer's, so the choice sees the real
 * port number and no root is needed); the injection check flags a vulnerable peer and not a
 * correct one; the raw-hello driver and the reconnect repeat the dialogue; the HTTP probe reads
 * status and HSTS and flags what is missing; the CLI prints the transcript. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "lib/harness.h"
#include "lib/starttls_peer.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/timeutil.h"
#include "wire/wire.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const all_protos[] = {"smtp",     "lmtp",        "imap", "pop3", "ftp",
                                         "xmpp",     "xmpp-server", "ldap", "nntp", "sieve",
                                         "postgres", "mysql",       "irc",  "rdp"};

/* ---- running ---- */

static uint16_t map_to; /* the resolver hook's port: the peer behind a well-known port */

static int resolve_local(void *arg, const char *host, uint16_t port, int family,
                         struct sockaddr_storage *out, socklen_t *lens, size_t max, char *err,
                         size_t errlen)
{
    (void)arg, (void)host, (void)port, (void)family, (void)err, (void)errlen;
    if (max < 1)
        return 0;
    struct sockaddr_in *a = (struct sockaddr_in *)&out[0];
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    a->sin_port = htons(map_to);
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    lens[0] = sizeof *a;
    return 1;
}

struct opts {
    const char *starttls;
    uint16_t port;    /* the target's port; 0: the peer's */
    double timeout_s; /* 0: 5 */
    bool inject, reconnect;
    const char *http, *alpn;
};

static struct report *run(uint16_t peer_port, const struct opts *o)
{
    struct tls_config c;
    config_init(&c);
    c.host = xstrdup("127.0.0.1");
    c.port = o->port ? o->port : peer_port;
    c.timeout_s = o->timeout_s > 0 ? o->timeout_s : 5;
    c.ca_file = harness_path("root.crt");
    c.starttls = o->starttls ? xstrdup(o->starttls) : NULL;
    c.check_injection = o->inject;
    c.reconnect = o->reconnect;
    c.http = o->http ? xstrdup(o->http) : NULL;
    if (o->alpn)
        strlist_push(&c.alpn, o->alpn);
    struct engine *e = engine_new();
    map_to = peer_port;
    if (o->port)
        engine_set_resolver(e, resolve_local, NULL);
    struct conn *conn;
    char err[300];
    if (conn_new(e, &c, &conn, err, sizeof err) < 0)
        fail_msg("conn_new: %s", err);
    struct report *r = conn_run(conn);
    conn_free(conn);
    engine_free(e);
    config_free(&c);
    return r;
}

static void start(struct peer *p, const char *proto, enum stp_mode mode, const char *head)
{
    if (peer_starttls(p, proto, mode, head) != 0)
        fail_msg("could not start the %s peer", proto);
}

static bool has_finding(const struct report *r, const char *id)
{
    for (size_t i = 0; i < r->n_findings; i++)
        if (!strcmp(r->findings[i].id, id))
            return true;
    return false;
}

static bool transcript_has(const struct report *r, enum event_dir dir, const char *text)
{
    for (size_t i = 0; i < r->starttls.n_lines; i++)
        if (r->starttls.lines[i].dir == dir && strstr(r->starttls.lines[i].text, text))
            return true;
    return false;
}

static void expect_starttls_error(const struct report *r, const char *proto, const char *words)
{
    if (r->error.stage != STAGE_STARTTLS)
        fail_msg("%s: error stage %s (%s), expected starttls", proto, stage_name(r->error.stage),
                 r->error.message ? r->error.message : "no error");
    if (words && !strstr(r->error.message, words))
        fail_msg("%s: the error does not say \"%s\": %s", proto, words, r->error.message);
    assert_false(r->ok);
    assert_false(r->starttls.ok);
}

/* A raw-hello connection (the scanner's driver) with cfg's STARTTLS settings. */
static struct report *run_hello(uint16_t peer_port, uint16_t port, const char *starttls)
{
    static const uint16_t suites[] = {0x1301, 0x1302};
    static const uint16_t versions[] = {WIRE_TLS1_3};
    static const uint16_t groups[] = {0x001d};
    static const uint16_t sigalgs[] = {0x0804, 0x0403};
    static const struct wire_key_share share[] = {{0x001d, NULL, 0}};
    struct wire_ch_spec spec = {.ciphers = suites,
                                .n_ciphers = NELEM(suites),
                                .versions = versions,
                                .n_versions = NELEM(versions),
                                .groups = groups,
                                .n_groups = NELEM(groups),
                                .shares = share,
                                .n_shares = 1,
                                .sigalgs = sigalgs,
                                .n_sigalgs = NELEM(sigalgs)};
    struct tls_config c;
    config_init(&c);
    c.host = xstrdup("127.0.0.1");
    c.port = port ? port : peer_port;
    c.timeout_s = 5;
    c.starttls = starttls ? xstrdup(starttls) : NULL;
    struct engine *e = engine_new();
    map_to = peer_port;
    if (port)
        engine_set_resolver(e, resolve_local, NULL);
    struct conn *conn;
    char err[300];
    if (conn_new_hello(e, &c, &spec, &conn, err, sizeof err) < 0)
        fail_msg("conn_new_hello: %s", err);
    struct report *r = conn_run(conn);
    conn_free(conn);
    engine_free(e);
    config_free(&c);
    return r;
}

/* ---- every protocol ---- */

static void test_every_protocol_connects(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(all_protos); i++) {
        struct peer p;
        start(&p, all_protos[i], STP_OK, NULL);
        struct report *r = run(p.port, &(struct opts){.starttls = all_protos[i]});
        peer_stop(&p);
        if (!r->ok || r->error.stage != STAGE_NONE)
            fail_msg("%s: %s", all_protos[i], r->error.message ? r->error.message : "not ok");
        if (!r->verify_ok)
            fail_msg("%s: not verified: %s", all_protos[i],
                     r->n_verify_errors ? r->verify_errors[0].name : "?");
        assert_true(r->starttls.ok);
        assert_string_equal(r->starttls.protocol, all_protos[i]);
        assert_string_equal(r->starttls.chosen_by, "option");
        assert_true(r->starttls.n_lines >= 2); /* something sent, something received */
        assert_true(transcript_has(r, DIR_SENT, "") && transcript_has(r, DIR_RECEIVED, ""));
        /* one clock: the dialogue ends before the handshake's first message */
        const struct starttls_line *last = &r->starttls.lines[r->starttls.n_lines - 1];
        assert_true(r->n_events > 0);
        assert_true(last->t_ms <= (double)r->events[0].t_us / 1000.0 + 0.001);
        assert_true(r->starttls.ms >= 0);
        report_free(r);
    }
}

static void test_transcripts_say_what_was_said(void **state)
{
    (void)state;
    static const struct {
        const char *proto, *sent, *received, *cap;
    } cases[] = {
        {"smtp", "EHLO tlscope.example", "220 2.0.0 Ready to start TLS", "STARTTLS"},
        {"imap", "A2 STARTTLS", "A2 OK Begin TLS", "STARTTLS"},
        {"pop3", "STLS", "+OK Begin TLS", "STLS"},
        {"ftp", "AUTH TLS", "234 AUTH TLS OK", "AUTH TLS"},
        {"xmpp", "to='chat.tlscope.example'", "<proceed", "starttls"},
        {"ldap", "ExtendedRequest StartTLS (1.3.6.1.4.1.1466.20037)", "resultCode 0 (success)",
         NULL},
        {"postgres", "SSLRequest", "S (TLS accepted)", NULL},
        {"mysql", "SSLRequest", "server 8.0.99-tlscope", "SSL"},
        {"rdp", "X.224 Connection Request", "protocol 1 (TLS)", NULL},
        {"irc", "CAP LS", " 670 ", "tls"},
        {"sieve", "STARTTLS", "OK \"Begin TLS\"", "STARTTLS"},
        {"nntp", "CAPABILITIES", "382 Continue", "STARTTLS"},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        struct peer p;
        start(&p, cases[i].proto, STP_OK, NULL);
        struct tls_config c; /* --ehlo-name and --xmpp-host reach the wire */
        config_init(&c);
        c.host = xstrdup("127.0.0.1");
        c.port = p.port;
        c.timeout_s = 5;
        c.ca_file = harness_path("root.crt");
        c.starttls = xstrdup(cases[i].proto);
        c.ehlo_name = xstrdup("tlscope.example");
        c.xmpp_host = xstrdup("chat.tlscope.example");
        struct report *r = engine_connect(&c);
        config_free(&c);
        peer_stop(&p);
        if (!r->ok)
            fail_msg("%s: %s", cases[i].proto, r->error.message);
        if (!transcript_has(r, DIR_SENT, cases[i].sent) ||
            !transcript_has(r, DIR_RECEIVED, cases[i].received))
            fail_msg("%s: the transcript lacks \"%s\" or \"%s\"", cases[i].proto, cases[i].sent,
                     cases[i].received);
        if (cases[i].cap && !strlist_contains(&r->starttls.capabilities, cases[i].cap))
            fail_msg("%s: capability %s not listed", cases[i].proto, cases[i].cap);
        report_free(r);
    }
}

static void test_every_protocol_not_offered(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(all_protos); i++) {
        struct peer p;
        start(&p, all_protos[i], STP_NOT_OFFERED, NULL);
        int64_t t0 = mono_ms();
        struct report *r = run(p.port, &(struct opts){.starttls = all_protos[i]});
        peer_stop(&p);
        expect_starttls_error(r, all_protos[i], "offer");
        assert_string_equal(r->starttls.failure, "not_offered");
        assert_true(mono_ms() - t0 < 4000);
        report_free(r);
    }
}

static void test_every_protocol_refused(void **state)
{
    (void)state;
    static const char *const protos[] = {"smtp",     "lmtp",  "imap", "pop3", "ftp",
                                         "nntp",     "sieve", "irc",  "xmpp", "ldap",
                                         "postgres", "mysql", "rdp"};
    static const char *const words[] = {"454 4.7.0 TLS not available",
                                        "454 4.7.0",
                                        "NO TLS is not available",
                                        "-ERR TLS",
                                        "534 Policy",
                                        "580 Can not",
                                        "NO \"TLS unavailable\"",
                                        "691",
                                        "<failure",
                                        "TLS is not configured here",
                                        "too many clients",
                                        "Too many connections",
                                        "SSL_NOT_ALLOWED_BY_SERVER"};
    for (size_t i = 0; i < NELEM(protos); i++) {
        struct peer p;
        start(&p, protos[i], STP_REFUSED, NULL);
        struct report *r = run(p.port, &(struct opts){.starttls = protos[i]});
        peer_stop(&p);
        expect_starttls_error(r, protos[i], words[i]); /* the server's own words */
        assert_non_null(strstr(r->error.message, "refused"));
        report_free(r);
    }
}

/* ---- failures, in time ---- */

static void test_smtp_421_throttle(void **state)
{
    (void)state;
    struct peer p;
    start(&p, "smtp", STP_THROTTLE, NULL);
    struct report *r = run(p.port, &(struct opts){.starttls = "smtp"});
    peer_stop(&p);
    expect_starttls_error(r, "smtp", "421 4.7.0 localhost Too many connections");
    assert_string_equal(r->starttls.failure, "throttled");
    assert_non_null(strstr(r->error.message, "throttle"));
    assert_non_null(strstr(r->error.hint, "later"));
    report_free(r);
}

static void test_smtp_garbage(void **state)
{
    (void)state;
    struct peer p;
    start(&p, "smtp", STP_GARBAGE, NULL);
    struct report *r = run(p.port, &(struct opts){.starttls = "smtp"});
    peer_stop(&p);
    expect_starttls_error(r, "smtp", "HELLO THIS IS NOT SMTP");
    assert_string_equal(r->starttls.failure, "garbage");
    report_free(r);
}

static void test_silence_ends_in_time(void **state)
{
    (void)state;
    static const char *const protos[] = {"smtp", "ldap"}; /* server first; client first */
    for (size_t i = 0; i < NELEM(protos); i++) {
        struct peer p;
        start(&p, protos[i], STP_SILENCE, NULL);
        int64_t t0 = mono_ms();
        struct report *r = run(p.port, &(struct opts){.starttls = protos[i], .timeout_s = 0.5});
        int64_t took = mono_ms() - t0;
        peer_stop(&p);
        expect_starttls_error(r, protos[i], "silence");
        assert_string_equal(r->starttls.failure, "silence");
        if (took < 450 || took > 2000)
            fail_msg("%s: silence took %lld ms for a 0.5 s timeout", protos[i], (long long)took);
        report_free(r);
    }
}

static void test_flood_is_bounded(void **state)
{
    (void)state;
    struct peer p;
    start(&p, "smtp", STP_FLOOD, NULL);
    int64_t t0 = mono_ms();
    struct report *r = run(p.port, &(struct opts){.starttls = "smtp"});
    peer_stop(&p);
    expect_starttls_error(r, "smtp", "more than");
    assert_string_equal(r->starttls.failure, "flood");
    assert_true(mono_ms() - t0 < 3000);
    assert_true(r->starttls.truncated); /* the transcript kept its bound */
    assert_int_equal(r->starttls.n_lines, STARTTLS_LINES_MAX);
    assert_true(r->bytes_received < 128 * 1024);
    report_free(r);
}

/* ---- auto ---- */

static void test_auto_by_port(void **state)
{
    (void)state;
    static const struct {
        uint16_t port;
        const char *proto;
    } cases[] = {{25, "smtp"}, {587, "smtp"}, {143, "imap"}, {110, "pop3"}, {389, "ldap"}};
    for (size_t i = 0; i < NELEM(cases); i++) {
        struct peer p;
        start(&p, cases[i].proto, STP_OK, NULL);
        struct report *r = run(p.port, &(struct opts){.port = cases[i].port});
        peer_stop(&p);
        if (!r->ok)
            fail_msg("port %u: %s", cases[i].port, r->error.message);
        assert_int_equal(r->port, cases[i].port);
        assert_string_equal(r->starttls.protocol, cases[i].proto);
        assert_string_equal(r->starttls.chosen_by, "port");
        assert_non_null(strstr(r->starttls.reason, "port"));
        report_free(r);
    }
    /* --starttls none overrides the port: the SMTP greeting then is "not TLS" */
    struct peer p;
    start(&p, "smtp", STP_OK, NULL);
    struct report *r = run(p.port, &(struct opts){.port = 25, .starttls = "none"});
    assert_null(r->starttls.protocol);
    assert_string_equal(r->starttls.chosen_by, "option");
    assert_int_equal(r->error.stage, STAGE_TLS);
    report_free(r);
    /* an implicit-TLS port connects at once; a plaintext greeting there suggests --starttls */
    r = run(p.port, &(struct opts){.port = 993});
    peer_stop(&p);
    assert_null(r->starttls.protocol);
    assert_string_equal(r->starttls.chosen_by, "port");
    assert_non_null(strstr(r->starttls.reason, "implicit TLS"));
    assert_int_equal(r->error.stage, STAGE_TLS);
    if (!r->error.hint || !strstr(r->error.hint, "--starttls smtp"))
        fail_msg("no --starttls suggestion: %s", r->error.hint ? r->error.hint : "(no hint)");
    report_free(r);
    /* the raw-hello driver (the scanner's): auto by port, and the same suggestion */
    struct peer q;
    start(&q, "imap", STP_OK, NULL);
    r = run_hello(q.port, 143, NULL);
    assert_string_equal(r->starttls.protocol, "imap");
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    report_free(r);
    r = run_hello(q.port, 993, NULL);
    peer_stop(&q);
    assert_int_equal(r->error.stage, STAGE_TLS);
    assert_non_null(strstr(r->error.hint, "--starttls imap"));
    report_free(r);
}

/* ---- the injection check ---- */

static void test_injection_check(void **state)
{
    (void)state;
    static const char *const protos[] = {"smtp", "lmtp", "imap", "pop3", "ftp", "nntp", "sieve"};
    for (size_t i = 0; i < NELEM(protos); i++) {
        for (int vulnerable = 0; vulnerable <= 1; vulnerable++) {
            struct peer p;
            start(&p, protos[i], vulnerable ? STP_INJECT_VULNERABLE : STP_OK, NULL);
            struct report *r = run(p.port, &(struct opts){.starttls = protos[i], .inject = true});
            peer_stop(&p);
            if (!r->ok)
                fail_msg("%s: %s", protos[i], r->error.message);
            assert_true(r->starttls.injection_checked);
            assert_non_null(r->starttls.injected);
            if (r->starttls.injection_vulnerable != (bool)vulnerable ||
                has_finding(r, "starttls_injection") != (bool)vulnerable)
                fail_msg("%s: %s peer judged %s", protos[i], vulnerable ? "vulnerable" : "correct",
                         r->starttls.injection_vulnerable ? "vulnerable" : "correct");
            if (vulnerable) {
                assert_true(transcript_has(r, DIR_RECEIVED, "(inside TLS)"));
                assert_int_equal(r->findings[0].severity, SEV_HIGH);
            }
            report_free(r);
        }
    }
    /* without the flag, no check */
    struct peer p;
    start(&p, "smtp", STP_INJECT_VULNERABLE, NULL);
    struct report *r = run(p.port, &(struct opts){.starttls = "smtp"});
    peer_stop(&p);
    assert_false(r->starttls.injection_checked);
    assert_false(has_finding(r, "starttls_injection"));
    report_free(r);
}

/* ---- every connection repeats the dialogue ---- */

static void test_reconnect_and_raw_hello_repeat_it(void **state)
{
    (void)state;
    struct peer p;
    start(&p, "smtp", STP_OK, NULL);
    struct report *r = run(p.port, &(struct opts){.starttls = "smtp", .reconnect = true});
    if (r->error.stage != STAGE_NONE)
        fail_msg("reconnect: %s", r->error.message);
    assert_true(r->reconnect_ms >= 0);
    report_free(r);

    r = run_hello(p.port, 0, "smtp");
    peer_stop(&p);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_true(r->starttls.ok);
    assert_true(transcript_has(r, DIR_RECEIVED, "220 2.0.0 Ready"));
    report_free(r);
}

/* ---- the HTTP probe ---- */

static void test_http_probe(void **state)
{
    (void)state;
    static const struct {
        const char *head, *finding;
        long max_age;
    } cases[] = {
        {"HTTP/1.1 200 OK\r\nServer: tlscope-test/1.0\r\nStrict-Transport-Security: "
         "max-age=31536000; includeSubDomains; preload\r\nAlt-Svc: h3=\":443\"",
         NULL, 31536000},
        {"HTTP/1.1 301 Moved Permanently\r\nServer: tlscope-test/1.0\r\nLocation: "
         "https://localhost/next",
         "hsts_missing", -1},
        {"HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=86400", "hsts_short", 86400},
        {"HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=abc; preload", "hsts_malformed",
         -1},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        struct peer p;
        start(&p, "https", STP_OK, cases[i].head);
        struct report *r = run(p.port, &(struct opts){.http = "/check"});
        peer_stop(&p);
        if (!r->ok || !r->http.sent)
            fail_msg("case %zu: %s", i, r->http.skipped ? r->http.skipped : r->error.message);
        assert_true(r->http.requested);
        assert_null(r->http.error);
        assert_string_equal(r->http.request, "HEAD /check HTTP/1.1");
        assert_int_equal(r->http.hsts_max_age, cases[i].max_age);
        if (cases[i].finding && !has_finding(r, cases[i].finding))
            fail_msg("case %zu: no %s finding", i, cases[i].finding);
        if (!cases[i].finding)
            assert_false(has_finding(r, "hsts_missing") || has_finding(r, "hsts_short") ||
                         has_finding(r, "hsts_malformed"));
        if (i == 0) {
            assert_int_equal(r->http.status, 200);
            assert_string_equal(r->http.server, "tlscope-test/1.0");
            assert_true(r->http.hsts_include_subdomains && r->http.hsts_preload);
            assert_string_equal(r->http.alt_svc, "h3=\":443\"");
        }
        if (i == 1) {
            assert_int_equal(r->http.status, 301);
            assert_string_equal(r->http.location, "https://localhost/next");
        }
        report_free(r);
    }
}

/* --http=auto (the UI's default): port 443 probes, another port without ALPN http/1.1 not. */
static void test_http_auto(void **state)
{
    (void)state;
    struct peer p;
    start(&p, "https", STP_OK, "HTTP/1.1 204 No Content\r\nServer: auto");
    struct report *r = run(p.port, &(struct opts){.http = "auto", .port = 443});
    assert_true(r->http.sent);
    assert_int_equal(r->http.status, 204);
    assert_string_equal(r->http.request, "HEAD / HTTP/1.1");
    report_free(r);
    r = run(p.port, &(struct opts){.http = "auto"});
    peer_stop(&p);
    assert_true(r->ok);
    assert_false(r->http.requested);
    assert_false(r->http.sent);
    report_free(r);
}

static void test_http_not_sent_over_h2(void **state)
{
    (void)state;
    struct peer p;
    if (peer_s_server(&p, false,
                      (const char *const[]){"-cert", "@leaf.crt", "-key", "@leaf.key",
                                            "-cert_chain", "@inter.crt", "-alpn", "h2", NULL}) != 0)
        fail_msg("could not start s_server");
    struct report *r = run(p.port, &(struct opts){.http = "on", .alpn = "h2"});
    peer_stop(&p);
    assert_true(r->ok);
    assert_string_equal(r->alpn, "h2");
    assert_true(r->http.requested);
    assert_false(r->http.sent);
    assert_non_null(strstr(r->http.skipped, "h2"));
    assert_false(has_finding(r, "hsts_missing"));
    report_free(r);
}

/* ---- the command line ---- */

/* Every key under node is documented in docs/json.md as `key`, `parent.key` or `key.sub`. */
static void check_documented(json_t *j, const char *doc, const char *path)
{
    if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) check_documented(v, doc, path);
        return;
    }
    if (!json_is_object(j))
        return;
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        char a[128], b[128], c[128];
        snprintf(a, sizeof a, "`%s`", key);
        snprintf(b, sizeof b, "`%s.", key);
        snprintf(c, sizeof c, ".%s`", key);
        if (!strstr(doc, a) && !strstr(doc, b) && !strstr(doc, c))
            fail_msg("key %s.%s is not documented in docs/json.md", path, key);
        check_documented(v, doc, key);
    }
}

static json_t *cli_json(const char *const *argv)
{
    char *out = NULL, *err = NULL;
    int st = run_tlscope(argv, 20, &out, &err);
    json_error_t je;
    json_t *j = json_loads(out ? out : "", 0, &je);
    if (!j)
        fail_msg("exit %d, not JSON: %s\n%s", st, je.text, err ? err : "");
    free(out);
    free(err);
    return j;
}

static void test_json_keys_documented(void **state)
{
    (void)state;
    char *doc = NULL, ferr[256];
    size_t n;
    if (file_read_bounded("docs/json.md", 1 << 20, &doc, &n, ferr, sizeof ferr) < 0) {
        skip(); /* run from the source tree (make test) */
        return;
    }
    char *ca = harness_path("root.crt"), target[64];
    struct peer p;
    start(&p, "smtp", STP_INJECT_VULNERABLE, NULL);
    snprintf(target, sizeof target, "127.0.0.1:%u", p.port);
    json_t *j = cli_json((const char *const[]){"--json", "--starttls", "smtp", "--check-injection",
                                               "--cafile", ca, target, NULL});
    peer_stop(&p);
    json_t *st = json_object_get(j, "starttls");
    assert_true(json_is_true(json_object_get(json_object_get(st, "injection"), "vulnerable")));
    assert_true(json_array_size(json_object_get(st, "transcript")) > 4);
    check_documented(j, doc, "");
    json_decref(j);
    start(&p, "https", STP_OK,
          "HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=100\r\nAlt-Svc: clear");
    snprintf(target, sizeof target, "127.0.0.1:%u", p.port);
    j = cli_json((const char *const[]){"--json", "--http=/x", "--cafile", ca, target, NULL});
    peer_stop(&p);
    json_t *h = json_object_get(j, "http");
    assert_int_equal(json_integer_value(json_object_get(h, "status")), 200);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(h, "hsts"), "max_age")),
                     100);
    check_documented(j, doc, "");
    json_decref(j);
    /* a failed dialogue: error stage starttls, failure named */
    start(&p, "smtp", STP_THROTTLE, NULL);
    snprintf(target, sizeof target, "127.0.0.1:%u", p.port);
    j = cli_json(
        (const char *const[]){"--json", "--starttls", "smtp", "--cafile", ca, target, NULL});
    peer_stop(&p);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "stage")),
                        "starttls");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(j, "starttls"), "failure")), "throttled");
    check_documented(j, doc, "");
    json_decref(j);
    free(ca);
    free(doc);
}

static void test_cli_shows_transcript(void **state)
{
    (void)state;
    struct peer p;
    start(&p, "imap", STP_OK, NULL);
    char target[64], *out = NULL, *err = NULL;
    snprintf(target, sizeof target, "127.0.0.1:%u", p.port);
    char *ca = harness_path("root.crt");
    const char *const argv[] = {"--format", "text", "--starttls", "imap",
                                "--cafile", ca,     target,       NULL};
    int st = run_tlscope(argv, 20, &out, &err);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "STARTTLS"));
    assert_non_null(strstr(out, "A2 STARTTLS"));
    assert_non_null(strstr(out, "A2 OK Begin TLS"));
    free(out);
    free(err);
    const char *const argv2[] = {"--json", "--starttls", "imap", "--cafile", ca, target, NULL};
    st = run_tlscope(argv2, 20, &out, &err);
    peer_stop(&p);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "\"chosen_by\": \"option\""));
    assert_non_null(strstr(out, "\"transcript\""));
    free(out);
    free(err);
    const char *const bad[] = {"--starttls", "smtps", "127.0.0.1:1", NULL};
    st = run_tlscope(bad, 10, &out, &err);
    assert_int_equal(st, 64);
    assert_non_null(strstr(err, "--starttls 'smtps'"));
    free(out);
    free(err);
    free(ca);
}

/* The scanner over STARTTLS: every probe repeats the dialogue (SMTP here), and the scan finds
 * what the peer's TLS accepts: TLS 1.2 and 1.3, nothing older. */
static void test_scan_over_starttls(void **state)
{
    (void)state;
    struct peer p;
    start(&p, "smtp", STP_OK, NULL);
    char target[64], *out = NULL, *err = NULL;
    snprintf(target, sizeof target, "127.0.0.1:%u", p.port);
    const char *const argv[] = {"--scan", "--json", "--starttls", "smtp", target, NULL};
    int st = run_tlscope(argv, 60, &out, &err);
    peer_stop(&p);
    if (st != 0)
        fail_msg("exit %d\n%s", st, err);
    json_error_t je;
    json_t *doc = json_loads(out, 0, &je);
    if (!doc)
        fail_msg("not JSON: %s", je.text);
    json_t *protos = json_object_get(json_object_get(doc, "scan"), "protocols");
    const char *want[][2] = {
        {"TLSv1.3", "yes"}, {"TLSv1.2", "yes"}, {"TLSv1.1", "no"}, {"TLSv1.0", "no"}};
    for (size_t i = 0; i < 4; i++) {
        json_t *s = json_object_get(json_object_get(protos, want[i][0]), "supported");
        if (!json_is_boolean(s) || json_is_true(s) != (want[i][1][0] == 'y'))
            fail_msg("%s: supported should be %s", want[i][0], want[i][1]);
    }
    json_decref(doc);
    assert_non_null(strstr(out, "TLS_AES_256_GCM_SHA384"));
    free(out);
    free(err);
}

/* The scanner backs off from a STARTTLS server that throttles (SMTP 421): the probe is sent
 * again (parallelism halved, a delay added) rather than recorded as "not TLS", and the report
 * counts the retries. */
static void test_scan_backs_off_on_421(void **state)
{
    (void)state;
    struct peer p;
    start(&p, "smtp", STP_THROTTLE, NULL);
    char target[64], *out = NULL, *err = NULL;
    snprintf(target, sizeof target, "127.0.0.1:%u", p.port);
    const char *const argv[] = {"--scan", "--json", "--starttls", "smtp", target, NULL};
    int st = run_tlscope(argv, 60, &out, &err);
    peer_stop(&p);
    assert_int_equal(st, 2); /* nothing could be scanned */
    json_error_t je;
    json_t *doc = json_loads(out, 0, &je);
    if (!doc)
        fail_msg("not JSON: %s", je.text);
    json_t *th = json_object_get(json_object_get(doc, "scan"), "throttled");
    json_int_t retries = json_integer_value(json_object_get(th, "retries"));
    if (retries < 1)
        fail_msg("no retry after a 421:\n%s", out);
    json_decref(doc);
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_protocol_connects),
        cmocka_unit_test(test_transcripts_say_what_was_said),
        cmocka_unit_test(test_every_protocol_not_offered),
        cmocka_unit_test(test_every_protocol_refused),
        cmocka_unit_test(test_smtp_421_throttle),
        cmocka_unit_test(test_smtp_garbage),
        cmocka_unit_test(test_silence_ends_in_time),
        cmocka_unit_test(test_flood_is_bounded),
        cmocka_unit_test(test_auto_by_port),
        cmocka_unit_test(test_injection_check),
        cmocka_unit_test(test_reconnect_and_raw_hello_repeat_it),
        cmocka_unit_test(test_http_probe),
        cmocka_unit_test(test_http_auto),
        cmocka_unit_test(test_http_not_sent_over_h2),
        cmocka_unit_test(test_cli_shows_transcript),
        cmocka_unit_test(test_scan_over_starttls),
        cmocka_unit_test(test_scan_backs_off_on_421),
        cmocka_unit_test(test_json_keys_documented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
