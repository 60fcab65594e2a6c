/* Unit tests for the plain-text renderer: sanitising, the verdict line, the key facts, section
 * order and wrapping, on reports built by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fixture.h"
#include "model/report.h"
#include "render/text.h"
#include "util/mem.h"

static void add_event(struct report *r, int64_t t_us, enum event_dir dir, int ct, const char *name,
                      uint32_t len, int level, int desc, int connection)
{
    struct hs_event ev = {0};
    ev.t_us = t_us;
    ev.dir = dir;
    ev.content_type = ct;
    ev.record_type = ct;
    ev.hs_type = -1;
    ev.name = name;
    ev.length = len;
    ev.alert_level = level;
    ev.alert_desc = desc;
    ev.connection = connection;
    report_add_event(r, &ev);
}

/* The shared good report with an evil subject and ALPN, a verify error (so not verified), two
 * events, a finding, and nothing offered. */
static struct report *full_report(void)
{
    struct report *r = fixture_good_report();
    free(r->alpn);
    r->alpn = xstrdup("h2\x1b]0;pwned\x07");
    r->verify_ok = false;
    r->verify_errors = xcalloc(1, sizeof(*r->verify_errors));
    r->n_verify_errors = 1;
    r->verify_errors[0] = (struct verify_error){
        .depth = 0,
        .code = 10,
        .name = xstrdup("X509_V_ERR_CERT_HAS_EXPIRED"),
        .message = xstrdup("certificate has expired"),
        .explanation = xstrdup("The leaf expired yesterday."),
        .fix = xstrdup("Renew the leaf certificate."),
    };
    r->sent = xcalloc(1, sizeof(*r->sent));
    r->n_sent = 1;
    fixture_fill_cert(&r->sent[0], "CN=evil\x1b[31mred", "CN=Inter", "AA:01", 36);
    strlist_push(&r->sent[0].san, "DNS:localhost");
    r->verified = xcalloc(2, sizeof(*r->verified));
    r->n_verified = 2;
    fixture_fill_cert(&r->verified[0], "CN=evil\x1b[31mred", "CN=Inter", "AA:01", 36);
    fixture_fill_cert(&r->verified[1], "CN=Lab Root", "CN=Lab Root", "BB:02", 36);
    r->verified[1].is_ca = r->verified[1].self_signed = true;
    add_event(r, 412, DIR_SENT, 22, "ClientHello", 517, 0, 0, 1);
    add_event(r, 3100, DIR_RECEIVED, 21, "Alert", 2, 2, 40, 1);
    strlist_clear(&r->offered.versions); /* no Offered section */
    r->effective.max_proto_source = "system";
    strlist_push(&r->effective.weakened, "hostname check off");
    r->total_ms = 14.3;
    report_add_finding(r, "cert_expired", SEV_CRITICAL, xstrdup("The certificate has expired"),
                       xstrdup("It expired yesterday."), xstrdup("Renew it."));
    return r;
}

static void assert_contains(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("missing \"%s\" in:\n%s", needle, text);
}

static void assert_no_controls(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if ((*p < 0x20 && *p != '\n') || *p == 0x7F)
            fail_msg("raw byte 0x%02X at offset %td", *p, (const char *)p - text);
}

static void test_sanitized_and_key_facts(void **state)
{
    (void)state;
    struct report *r = full_report();
    char *t = text_render_report(r, 80);
    assert_no_controls(t);
    assert_null(strchr(t, '\x1b'));
    assert_contains(t, "CN=evil\\x1B[31mred");
    assert_contains(t, "h2\\x1B]0;pwned\\x07");
    static const char *const facts[] = {
        "  host          localhost\n",
        "  port          8443\n",
        "  NOT VERIFIED: certificate has expired (depth 0)\n",
        "  protocol      TLSv1.3\n",
        "  cipher        TLS_AES_256_GCM_SHA384 (0x1302, 256 bits)\n",
        "  group         x25519\n",
        "  hostname      localhost matches DNS:localhost\n",
        "  depth 0       X509_V_ERR_CERT_HAS_EXPIRED (10): certificate has expired\n",
        "  meaning       The leaf expired yesterday.\n",
        "  fix           Renew the leaf certificate.\n",
        "  sent chain    1 certificate\n",
        "  key           RSA 2048 bits\n",
        "  verified path 2 certificates\n",
        "  #0            CN=evil\\x1B[31mred (sent #0)\n",
        "  #1            CN=Lab Root\n",
        "  self-signed   yes\n",
        "  from          the trust store (not sent by the server)\n",
        "→  ClientHello",
        "←  Alert fatal handshake_failure (40)",
        "  min protocol  TLSv1.2 (option)\n",
        "  max protocol  library highest (system)\n",
        "  WEAKENED      hostname check off\n",
        "  CRITICAL      The certificate has expired [cert_expired]\n",
        "                It expired yesterday.\n",
        "  total         14.3 ms\n",
    };
    for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++)
        assert_contains(t, facts[i]);
    free(t);
    report_free(r);
}

static void test_section_order(void **state)
{
    (void)state;
    struct report *r = full_report();
    char *t = text_render_report(r, 80);
    static const char *const sections[] = {
        "Target\n",         "\nResult\n",    "\nConnection\n",         "\nVerification\n",
        "\nCertificates\n", "\nHandshake\n", "\nSettings in effect\n", "\nFindings\n",
        "\nTiming\n"};
    const char *at = t;
    assert_int_equal(strncmp(t, "Target\n", 7), 0);
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
        const char *next = strstr(at, sections[i]);
        if (!next)
            fail_msg("section %s missing or out of order in:\n%s", sections[i], t);
        at = next + 1;
    }
    assert_null(strstr(t, "\nOffered\n")); /* nothing offered in this report */
    free(t);
    report_free(r);
}

/* The first line of the Result section for each outcome. */
static void test_verdicts(void **state)
{
    (void)state;
    static const struct {
        bool ok, verify_ok, verify_on, ignored;
        enum stage stage;
        const char *want;
    } cases[] = {
        {true, true, true, false, STAGE_NONE, "Result\n  VERIFIED\n"},
        {true, true, true, true, STAGE_NONE,
         "Result\n  VERIFIED WITH WARNINGS (1 error ignored)\n"},
        {true, false, true, false, STAGE_NONE, "Result\n  NOT VERIFIED\n"},
        {true, false, false, false, STAGE_NONE,
         "Result\n  NOT VERIFIED (verification off: connection kept)\n"},
        {false, false, true, false, STAGE_TCP, "Result\n  FAILED (tcp): connection refused\n"},
        {false, false, true, false, STAGE_TLS, "Result\n  FAILED (tls): connection refused\n"},
        {false, false, true, false, STAGE_TIMEOUT,
         "Result\n  FAILED (timeout in tls): connection refused\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct report *r = report_new();
        r->ok = cases[i].ok;
        r->verify_ok = cases[i].verify_ok;
        r->effective.verify = cases[i].verify_on;
        r->reached = STAGE_TLS;
        if (cases[i].ignored) {
            r->verify_errors = xcalloc(1, sizeof(*r->verify_errors));
            r->verify_errors[0].ignored = true;
            r->verify_errors[0].depth = -1;
            r->n_verify_errors = 1;
        }
        if (cases[i].stage != STAGE_NONE)
            report_set_error(r, cases[i].stage, "try again", "connection refused");
        char *t = text_render_report(r, 80);
        if (!strstr(t, cases[i].want))
            fail_msg("case %zu: want \"%s\" in:\n%s", i, cases[i].want, t);
        free(t);
        report_free(r);
    }
}

/* Error only: the verdict, the hint and timing; no session sections. */
static void test_error_only(void **state)
{
    (void)state;
    struct report *r = report_new();
    r->host = xstrdup("127.0.0.1");
    r->port = 1;
    report_set_error(r, STAGE_TCP, "Is the server running?", "connection refused");
    r->connect_ms = 0.5;
    char *t = text_render_report(r, 80);
    assert_contains(t, "  FAILED (tcp): connection refused\n");
    assert_contains(t, "  hint          Is the server running?\n");
    assert_contains(t, "  exit status   2\n");
    assert_contains(t, "  connect       0.5 ms\n");
    assert_contains(t, "  sni           (none sent)\n");
    assert_null(strstr(t, "Connection\n"));
    assert_null(strstr(t, "Certificates\n"));
    assert_null(strstr(t, "Verification\n"));
    assert_null(strstr(t, "Handshake\n"));
    free(t);
    report_free(r);
}

static size_t count_cps(const char *s, size_t n)
{
    size_t cps = 0;
    for (size_t i = 0; i < n; i++)
        cps += ((unsigned char)s[i] & 0xC0) != 0x80;
    return cps;
}

/* Every line fits the width; continuation lines sit under the value column; nothing is lost. */
static void test_wrapping(void **state)
{
    (void)state;
    static const int widths[] = {40, 60, 80, 100};
    struct report *r = full_report();
    for (int i = 0; i < 30; i++)
        strlist_take(&r->sent[0].san, xasprintf("DNS:host-%02d.example.com", i));
    free(r->sent[0].sha256);
    r->sent[0].sha256 =
        xstrdup("ÄB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:"
                "89:AB:CD:EF:01:23:45:67:89:AB:CD:EF");
    for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
        char *t = text_render_report(r, widths[w]);
        bool in_san = false;
        for (const char *line = t; *line;) {
            const char *nl = strchr(line, '\n');
            assert_non_null(nl);
            size_t cps = count_cps(line, (size_t)(nl - line));
            if (cps > (size_t)widths[w])
                fail_msg("width %d: line of %zu: %.*s", widths[w], cps, (int)(nl - line), line);
            if (!strncmp(line, "  san ", 6))
                in_san = true;
            else if (in_san && strncmp(line, "                ", 16))
                in_san = false;
            if (in_san && line[16] == ' ')
                fail_msg("width %d: continuation misaligned: %.*s", widths[w], (int)(nl - line),
                         line);
            line = nl + 1;
        }
        assert_contains(t, "DNS:host-29.example.com\n"); /* the last item, never split */
        assert_contains(t, "  sha256        ÄB:CD:");
        free(t);
    }
    char *flat = text_render_report(r, 0); /* width 0: never wrapped */
    assert_contains(flat, "DNS:host-00.example.com, DNS:host-01.example.com, DNS:host-02");
    assert_contains(flat, "67:89:AB:CD:EF\n");
    free(flat);
    report_free(r);
}

/* Reconnect events are marked, truncation is said. */
static void test_reconnect_and_truncation(void **state)
{
    (void)state;
    struct report *r = report_new();
    add_event(r, 100, DIR_SENT, 22, "ClientHello", 300, 0, 0, 1);
    add_event(r, 900000, DIR_SENT, 22, "ClientHello", 400, 0, 0, 2);
    r->events_truncated = true;
    char *t = text_render_report(r, 80);
    assert_contains(t, "     0.100 ms  →  ClientHello");
    assert_contains(t, "  -- connection 2 (reconnect) --\n     900.000 ms  →  ClientHello");
    assert_contains(t, "not recorded (limit 256)");
    assert_contains(t, "  FAILED: no TLS session\n"); /* not ok, yet no error recorded */
    free(t);
    report_free(r);
}

/* Every address tried, in order, when a name had more than one. */
static void test_addresses_tried(void **state)
{
    (void)state;
    struct report *r = report_new();
    r->host = xstrdup("dual.test");
    r->address = xstrdup("127.0.0.1");
    report_add_address(r, "::1", 6, ADDR_TIMEOUT, "timed out", 0, 5000);
    report_add_address(r, "127.0.0.1", 4, ADDR_CONNECTED, NULL, 250, 0.25);
    char *t = text_render_report(r, 80);
    assert_contains(t, "  tried");
    assert_contains(t, "[::1]  timed out · 5000.0 ms\n");
    assert_contains(t, "127.0.0.1  connected · 0.2 ms\n");
    free(t);
    report_free(r);
}

/* The role of each sent certificate, and a cut chain with its true count. */
static void test_roles_and_cut_chain(void **state)
{
    (void)state;
    struct report *r = full_report();
    r->sent[0].role = CHAIN_ROLE_LEAF;
    r->n_sent_total = 101;
    r->chain_issues = CHAIN_TOO_LONG;
    char *t = text_render_report(r, 80);
    assert_contains(t, "  sent chain    101 certificates\n");
    assert_contains(t, "  truncated     only the first 1 are kept and examined\n");
    assert_contains(t, "  role          leaf\n");
    assert_contains(t, "  chain issues  chain_too_long\n");
    free(t);
    r->sent[0].role = CHAIN_ROLE_CROSS_SIGNED;
    t = text_render_report(r, 80);
    assert_contains(t, "  role          cross-signed alternative\n");
    free(t);
    report_free(r);
}

/* The STARTTLS section (issue 12): choice, capabilities, a transcript whose peer lines are
 * sanitised, the injection verdict; and the HTTP section with its HSTS. */
static void test_starttls_and_http(void **state)
{
    (void)state;
    struct report *r = full_report();
    struct starttls_report *s = &r->starttls;
    s->protocol = xstrdup("smtp");
    s->chosen_by = xstrdup("port");
    s->reason = xstrdup("port 25 is SMTP (mail relay)'s: STARTTLS smtp");
    s->ok = true;
    strlist_push(&s->capabilities, "STARTTLS");
    const char *evil = "220 mx \x1b[31mred\x07";
    starttls_add_line(s, 1.5, DIR_RECEIVED, evil, strlen(evil));
    starttls_add_line(s, 2.0, DIR_SENT, "EHLO tlscope", 12);
    s->injection_checked = s->injection_vulnerable = true;
    s->injected = xstrdup("NOOP");
    r->http.requested = r->http.sent = true;
    r->http.request = xstrdup("HEAD / HTTP/1.1");
    r->http.status = 200;
    r->http.status_line = xstrdup("HTTP/1.1 200 OK");
    r->http.hsts = xstrdup("max-age=31536000; preload");
    r->http.hsts_max_age = 31536000;
    r->http.hsts_preload = true;
    char *text = text_render_report(r, 100);
    assert_contains(text, "STARTTLS\n  protocol      smtp");
    assert_contains(text, "port: port 25 is SMTP");
    assert_contains(text, "←  220 mx \\x1B[31mred\\x07");
    assert_contains(text, "→  EHLO tlscope");
    assert_contains(text, "VULNERABLE");
    assert_contains(text, "HTTP\n  request       HEAD / HTTP/1.1");
    assert_contains(text, "max-age 31536000 s (365 days), preload");
    assert_no_controls(text);
    assert_true(strstr(text, "STARTTLS\n") < strstr(text, "Handshake\n")); /* the ladder after */
    free(text);
    report_free(r);
}

/* OpenSSL's 20 and 21 for one missing issuer: explained once, the second says so. */
static void test_same_cause_explained_once(void **state)
{
    (void)state;
    struct report *r = fixture_good_report();
    r->verify_ok = false;
    r->verify_errors = xcalloc(3, sizeof(*r->verify_errors));
    r->n_verify_errors = 3;
    static const int codes[] = {20, 21, 10};
    for (size_t i = 0; i < 3; i++)
        r->verify_errors[i] = (struct verify_error){
            .depth = 0,
            .code = codes[i],
            .name = xasprintf("E%d", codes[i]),
            .message = xstrdup("m"),
            .explanation = xstrdup(i < 2 ? "The intermediate is missing." : "It expired."),
            .fix = xstrdup(i < 2 ? "Serve the full chain." : "Renew it."),
        };
    char *t = text_render_report(r, 100);
    const char *first = strstr(t, "The intermediate is missing.");
    assert_non_null(first);
    assert_null(strstr(first + 1, "The intermediate is missing.")); /* once */
    assert_contains(t, "E21 (21): m\n  meaning       the same cause as the error above\n");
    assert_contains(t, "It expired."); /* another cause at the same depth keeps its words */
    assert_false(report_error_same_cause(r, 0));
    assert_true(report_error_same_cause(r, 1));
    assert_false(report_error_same_cause(r, 2));
    free(t);
    report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitized_and_key_facts),
        cmocka_unit_test(test_section_order),
        cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_error_only),
        cmocka_unit_test(test_wrapping),
        cmocka_unit_test(test_reconnect_and_truncation),
        cmocka_unit_test(test_roles_and_cut_chain),
        cmocka_unit_test(test_addresses_tried),
        cmocka_unit_test(test_starttls_and_http),
        cmocka_unit_test(test_same_cause_explained_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
