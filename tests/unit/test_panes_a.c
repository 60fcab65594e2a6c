/* Unit tests for the Summary, Handshake and Negotiation panes: reports built by hand, the
 * documents the panes build from them, checked as plain text and by role, without a terminal. */
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
#include "ui/doc.h"
#include "ui/pane.h"
#include "util/mem.h"
#include "util/strbuf.h"

/* ---- building reports -------------------------------------------------------------------- */

/* A minimal, well-formed ClientHello: TLS_AES_128_GCM_SHA256 and supported_versions TLS 1.3. */
static const unsigned char client_hello[] = {
    0x01, 0x00, 0x00, 0x32,                         /* ClientHello, 50 bytes */
    0x03, 0x03,                                     /* legacy_version */
    0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, /* random */
    0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
    0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x00, /* session_id */
    0x00, 0x02, 0x13, 0x01,                                                 /* cipher_suites */
    0x01, 0x00, /* compression_methods */
    0x00, 0x07, /* extensions */
    0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04,
};

static void add_event(struct report *r, int64_t t_us, enum event_dir dir, int ct, int record_type,
                      int hs_type, const char *name, const unsigned char *bytes, size_t n,
                      uint32_t len, int connection)
{
    struct hs_event ev = {0};
    ev.t_us = t_us;
    ev.dir = dir;
    ev.content_type = ct;
    ev.record_type = record_type;
    ev.version = 0x0303;
    ev.hs_type = hs_type;
    ev.name = name;
    ev.length = len;
    ev.connection = connection;
    if (n) {
        ev.bytes = xmalloc(n);
        memcpy(ev.bytes, bytes, n);
        ev.n_bytes = n;
    }
    if (ct == 21 && n >= 2) {
        ev.alert_level = bytes[0];
        ev.alert_desc = bytes[1];
    }
    report_add_event(r, &ev);
}

static void add_events(struct report *r)
{
    static const unsigned char sh[] = {0x02, 0x00, 0x00, 0x00};
    static const unsigned char fatal[] = {2, 40}, warning[] = {1, 0};
    add_event(r, 0, DIR_SENT, 22, 22, 1, "ClientHello", client_hello, sizeof(client_hello),
              sizeof(client_hello), 1);
    add_event(r, 842, DIR_RECEIVED, 22, 22, 2, "ServerHello", sh, sizeof(sh), 122, 1);
    add_event(r, 856, DIR_RECEIVED, 22, 23, 11, "Certificate", sh, sizeof(sh), 2047, 1);
    add_event(r, 953, DIR_SENT, 22, 23, 20, "Finished", sh, sizeof(sh), 52, 1);
    add_event(r, 990, DIR_SENT, 21, 21, -1, "Alert", warning, sizeof(warning), 2, 1);
    add_event(r, 5000, DIR_SENT, 22, 22, 1, "ClientHello", client_hello, sizeof(client_hello),
              sizeof(client_hello), 2);
    add_event(r, 5100, DIR_RECEIVED, 21, 21, -1, "Alert", fatal, sizeof(fatal), 2, 2);
}

static void add_offer(struct report *r)
{
    struct offered *o = &r->offered;
    o->client_hello_len = 517;
    static const char *const suites[][2] = {
        {"TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"},
        {"TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256"},
        {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
        {"TLS_EMPTY_RENEGOTIATION_INFO_SCSV", ""},
    };
    for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
        strlist_push(&o->ciphers, suites[i][0]);
        strlist_push(&o->ciphers_openssl, suites[i][1]);
    }
    strlist_split(&o->groups, "x25519 secp256r1 secp384r1", " ");
    strlist_push(&o->key_shares, "x25519");
    strlist_split(&o->sigalgs, "ecdsa_secp256r1_sha256 rsa_pss_rsae_sha256 rsa_pkcs1_sha256", " ");
    strlist_split(&o->alpn, "h2 http/1.1", " ");
    strlist_split(&o->extensions,
                  "server_name supported_groups signature_algorithms alpn key_share "
                  "supported_versions status_request",
                  " ");
    strlist_split(&r->server_extensions, "supported_versions key_share alpn server_name", " ");
}

/* The shared good report with a hostile subject, OCSP asked for but not stapled, timings,
 * events and an offer. */
static struct report *good_report(void)
{
    struct report *r = fixture_good_report();
    r->ocsp_requested = true;
    r->sent = xcalloc(1, sizeof(*r->sent));
    r->n_sent = 1;
    struct cert_info *leaf = &r->sent[0];
    fixture_fill_cert(leaf, "CN=evil\x1b[31mred, O=TLS Lab",
                      "CN=TLS Lab Intermediate CA, O=TLS Lab", "AA:01", 94);
    snprintf(leaf->not_before, sizeof(leaf->not_before), "2026-01-30T00:00:00Z");
    snprintf(leaf->not_after, sizeof(leaf->not_after), "2027-03-01T00:00:00Z");
    strlist_push(&leaf->san, "DNS:localhost");
    strlist_push(&leaf->san, "IP:127.0.0.1");
    r->dns_ms = 3.1;
    r->connect_ms = 11.0;
    r->handshake_ms = 24.6;
    r->total_ms = 41.2;
    add_events(r);
    add_offer(r);
    return r;
}

static void add_verify_error(struct report *r, int depth, const char *message, bool ignored)
{
    r->verify_errors =
        xrealloc(r->verify_errors, (r->n_verify_errors + 1) * sizeof(*r->verify_errors));
    r->verify_errors[r->n_verify_errors++] = (struct verify_error){
        .depth = depth,
        .code = 10,
        .name = xstrdup("X509_V_ERR_CERT_HAS_EXPIRED"),
        .message = xstrdup(message),
        .explanation = xstrdup("The server's own certificate ended on 2021-01-01."),
        .fix = xstrdup("Renew it and reload the server."),
        .ignored = ignored,
    };
}

/* ---- looking at documents ---------------------------------------------------------------- */

static void build(const struct pane_ops *ops, const struct report *r, int width, bool utf8,
                  struct doc *out)
{
    struct pane_ctx ctx = {.r = r, .profile = "intermediate", .utf8 = utf8, .width = width};
    *out = (struct doc){0};
    ops->build(NULL, &ctx, out);
}

static void detail(const struct pane_ops *ops, const struct report *r, int id, struct doc *out)
{
    struct pane_ctx ctx = {.r = r, .utf8 = true, .width = 80};
    *out = (struct doc){0};
    ops->detail(NULL, &ctx, id, out);
}

/* Index of the first line whose plain text contains needle at or after line from, or -1. */
static long find_from(const struct doc *d, size_t from, const char *needle)
{
    for (size_t i = from; i < d->n; i++) {
        char *p = doc_line_plain(&d->lines[i]);
        bool hit = strstr(p, needle) != NULL;
        free(p);
        if (hit)
            return (long)i;
    }
    return -1;
}

static long find(const struct doc *d, const char *needle)
{
    return find_from(d, 0, needle);
}

static void dump(const struct doc *d)
{
    for (size_t i = 0; i < d->n; i++) {
        char *p = doc_line_plain(&d->lines[i]);
        print_message("%3zu %5d |%s|\n", i, d->lines[i].id, p);
        free(p);
    }
}

static long must_find(const struct doc *d, const char *needle)
{
    long i = find(d, needle);
    if (i < 0) {
        dump(d);
        fail_msg("no line contains \"%s\"", needle);
    }
    return i;
}

static char *plain(const struct doc *d, long i)
{
    return doc_line_plain(&d->lines[i]);
}

/* The role of the first segment of line i that contains needle. */
static enum theme_role role_of(const struct doc *d, long i, const char *needle)
{
    const struct doc_line *l = &d->lines[i];
    for (size_t k = 0; k < l->n; k++)
        if (strstr(l->segs[k].text, needle))
            return l->segs[k].role;
    fail_msg("line %ld has no segment with \"%s\"", i, needle);
    return TR_COUNT;
}

/* No control byte in any segment, and every line fits width columns. */
static void assert_clean(const struct doc *d, int width)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct doc_line *l = &d->lines[i];
        for (size_t k = 0; k < l->n; k++)
            for (const unsigned char *p = (const unsigned char *)l->segs[k].text; *p; p++)
                if (*p < 0x20 || *p == 0x7F)
                    fail_msg("line %zu segment %zu holds byte 0x%02X", i, k, *p);
        char *p = doc_line_plain(l);
        if (doc_width(p) > width) {
            dump(d);
            fail_msg("line %zu is %d columns wide (limit %d): %s", i, doc_width(p), width, p);
        }
        free(p);
    }
}

static void assert_ascii(const struct doc *d)
{
    for (size_t i = 0; i < d->n; i++) {
        char *p = doc_line_plain(&d->lines[i]);
        for (const unsigned char *c = (const unsigned char *)p; *c; c++)
            if (*c >= 0x80) {
                dump(d);
                fail_msg("line %zu is not ASCII: %s", i, p);
            }
        free(p);
    }
}

/* Line-drawing dashes between from and to. */
static int count_dashes(const char *from, const char *to)
{
    int n = 0;
    assert_non_null(from);
    assert_non_null(to);
    for (const char *p = strstr(from, "─"); p && p < to; p = strstr(p + 1, "─"))
        n++;
    return n;
}

/* ---- Summary ----------------------------------------------------------------------------- */

static void test_summary_good(void **state)
{
    (void)state;
    struct report *r = good_report();
    struct doc d;
    build(&pane_summary, r, 80, true, &d);
    assert_clean(&d, 80);
    static const char *const facts[] = {
        "✔ VERIFIED",
        "localhost:8443 → 127.0.0.1",
        "TLSv1.3",
        "TLS_AES_256_GCM_SHA384",
        "x25519, 253-bit",
        "rsa_pss_rsae_sha256",
        "tickets offered (2)",
        "not stapled ⚠",
        "CN=evil\\x1B[31mred, O=TLS Lab",
        "CN=TLS Lab Intermediate CA",
        "2026-01-30 → 2027-03-01",
        "DNS:localhost  IP:127.0.0.1",
        "localhost ✔ DNS:localhost",
        "TLSv1.2 (option) to highest (library)",
        "OpenSSL 3.0.19",
        "total",
    };
    for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++)
        must_find(&d, facts[i]);
    long pl = must_find(&d, "protocol");
    char *p = plain(&d, pl);
    assert_non_null(strstr(p, "SNI")); /* protocol and SNI share a line at 80 columns */
    free(p);
    long v = must_find(&d, "(94 days left)");
    assert_int_equal(role_of(&d, v, "days left"), TR_OK);
    assert_int_equal(role_of(&d, must_find(&d, "VERIFIED"), "VERIFIED"), TR_OK);
    /* the largest stage has the longest bar, in full blocks and a partial one */
    long tls = must_find(&d, "tls "), dns = must_find(&d, "dns ");
    char *tp = plain(&d, tls), *dp = plain(&d, dns);
    assert_non_null(strstr(tp, "██████████"));
    assert_true(doc_width(tp) > doc_width(dp));
    assert_non_null(strstr(dp, "█"));
    free(tp);
    free(dp);
    doc_free(&d);
    report_free(r);
}

/* Happy Eyeballs: with more than one address tried, the Connection section lists each with
 * its result; with one, nothing more than the target. */
static void test_summary_addresses(void **state)
{
    (void)state;
    struct report *r = good_report();
    report_add_address(r, "::1", 6, ADDR_ABANDONED, "abandoned (another address answered first)", 0,
                       250.4);
    report_add_address(r, "127.0.0.1", 4, ADDR_CONNECTED, NULL, 250.4, 0.3);
    struct doc d;
    build(&pane_summary, r, 80, true, &d);
    assert_clean(&d, 80);
    long a = must_find(&d, "[::1]  abandoned (another address answered first) · 250.4 ms");
    char *p = plain(&d, a);
    assert_non_null(strstr(p, "addresses"));
    free(p);
    assert_int_equal(role_of(&d, a, "[::1]"), TR_DIM);
    long b = must_find(&d, "127.0.0.1  connected · 0.3 ms");
    assert_int_equal(b, a + 1);
    assert_int_equal(role_of(&d, b, "127.0.0.1  connected"), TR_OK);
    doc_free(&d);
    report_clear_addresses(r);
    report_add_address(r, "127.0.0.1", 4, ADDR_CONNECTED, NULL, 0, 0.3);
    build(&pane_summary, r, 80, true, &d);
    for (long i = 0; i < (long)d.n; i++) {
        char *l = plain(&d, i);
        assert_null(strstr(l, "addresses"));
        free(l);
    }
    doc_free(&d);
    report_free(r);
}

static void test_summary_days_left_colour(void **state)
{
    (void)state;
    static const struct {
        long days;
        const char *text;
        enum theme_role role;
    } cases[] = {
        {-5, "(expired 5 days ago)", TR_BAD}, {0, "(0 days left)", TR_WARN},
        {29, "(29 days left)", TR_WARN},      {30, "(30 days left)", TR_OK},
        {1, "(1 day left)", TR_WARN},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct report *r = good_report();
        r->sent[0].days_left = cases[i].days;
        struct doc d;
        build(&pane_summary, r, 80, true, &d);
        long l = must_find(&d, cases[i].text);
        if (role_of(&d, l, cases[i].text) != cases[i].role)
            fail_msg("case %zu: %s has role %d", i, cases[i].text, role_of(&d, l, cases[i].text));
        doc_free(&d);
        report_free(r);
    }
}

static void test_summary_failure(void **state)
{
    (void)state;
    struct report *r = report_new();
    r->host = xstrdup("127.0.0.1");
    r->port = 1;
    r->reached = STAGE_TLS;
    report_set_error(r, STAGE_TLS, "Check that the port speaks TLS.",
                     "the server closed the connection during the handshake");
    r->connect_ms = 0.4;
    r->total_ms = 1.0;
    r->dns_ms = r->handshake_ms = r->reconnect_ms = -1;
    struct doc d;
    build(&pane_summary, r, 80, true, &d);
    assert_clean(&d, 80);
    char *first = plain(&d, 0);
    assert_non_null(strstr(first, "✖ FAILED at TLS handshake"));
    free(first);
    assert_int_equal(role_of(&d, 0, "FAILED"), TR_BAD);
    long m = must_find(&d, "the server closed the connection");
    long h = must_find(&d, "Try: Check that the port speaks TLS.");
    assert_true(m < h && h < must_find(&d, "Connection"));
    assert_int_equal(role_of(&d, m, "closed"), TR_BAD);
    assert_int_equal(role_of(&d, h, "Try"), TR_BAD);
    char *sni = plain(&d, must_find(&d, "none sent"));
    assert_non_null(strstr(sni, "SNI"));
    free(sni);
    assert_int_equal(find(&d, "dns "), -1); /* stages that did not run have no row */
    must_find(&d, "tcp ");
    doc_free(&d);
    report_free(r);
}

static void test_summary_verify_errors(void **state)
{
    (void)state;
    struct report *r = good_report();
    r->verify_ok = false;
    add_verify_error(r, 0, "certificate has expired", false);
    add_verify_error(r, 1, "unable to get local issuer certificate", true);
    struct doc d;
    build(&pane_summary, r, 80, true, &d);
    assert_clean(&d, 80);
    long v = must_find(&d, "✖ NOT VERIFIED");
    char *p = plain(&d, v);
    assert_non_null(strstr(p, "certificate has expired (depth 0)"));
    free(p);
    long e0 = must_find(&d, "depth 0  certificate has expired");
    long e1 = must_find(&d, "depth 1  unable to get local issuer certificate [ignored]");
    assert_int_equal(d.lines[e0].id, 0);
    assert_int_equal(d.lines[e1].id, 1);
    assert_int_equal(role_of(&d, e0, "expired"), TR_BAD);
    assert_int_equal(role_of(&d, e1, "ignored"), TR_WARN);
    long ex = must_find(&d, "ended on 2021-01-01");
    long fx = must_find(&d, "Fix: Renew it and reload the server.");
    assert_true(e0 < ex && ex < fx && fx < e1);
    for (size_t i = 0; i < d.n; i++) /* only the errors are selectable */
        if (d.lines[i].id >= 0)
            assert_true((long)i == e0 || (long)i == e1);
    doc_free(&d);

    detail(&pane_summary, r, 0, &d);
    assert_clean(&d, 80);
    must_find(&d, "X509_V_ERR_CERT_HAS_EXPIRED (10)");
    must_find(&d, "depth 0: CN=evil\\x1B[31mred");
    must_find(&d, "ended on 2021-01-01");
    must_find(&d, "Renew it and reload");
    doc_free(&d);
    detail(&pane_summary, r, 7, &d); /* no such error: nothing */
    assert_int_equal(d.n, 0);
    doc_free(&d);
    report_free(r);
}

/* Two errors at one depth with one cause (OpenSSL's 20 and 21 for a missing issuer): the
 * explanation and fix are printed once, the second error points up to them. */
static void test_summary_same_cause_once(void **state)
{
    (void)state;
    struct report *r = good_report();
    r->verify_ok = false;
    add_verify_error(r, 0, "unable to get local issuer certificate", false);
    add_verify_error(r, 0, "unable to verify the first certificate", false);
    add_verify_error(r, 1, "certificate has expired", false); /* same text, other depth */
    struct doc d;
    build(&pane_summary, r, 80, true, &d);
    size_t explained = 0, fixes = 0;
    for (size_t i = 0; i < d.n; i++) {
        char *p = plain(&d, (long)i);
        explained += strstr(p, "ended on 2021-01-01") != NULL;
        fixes += strstr(p, "Fix: Renew it") != NULL;
        free(p);
    }
    assert_int_equal(explained, 2); /* depth 0 once, depth 1 once */
    assert_int_equal(fixes, 2);
    long e1 = must_find(&d, "depth 0  unable to verify the first certificate");
    long same = must_find(&d, "Same cause as the error above.");
    long e2 = must_find(&d, "depth 1  certificate has expired");
    assert_true(e1 < same && same < e2);
    assert_int_equal(role_of(&d, same, "Same cause"), TR_DIM);
    doc_free(&d);
    report_free(r);
}

static void test_summary_ascii_and_wrapping(void **state)
{
    (void)state;
    struct report *r = good_report();
    free(r->sent[0].subject);
    struct strbuf sb = {0};
    for (int i = 0; i < 12; i++)
        sb_printf(&sb, "OU=unit number %d with a long name, ", i);
    sb_puts(&sb, "CN=漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字");
    r->sent[0].subject = sb_take(&sb);
    strlist_push(&r->effective.weakened, "verification off: any certificate is accepted");
    r->secure_renegotiation = TRI_NO;
    r->extended_master_secret = TRI_YES;
    r->resumed_on_reconnect = TRI_YES;
    r->reconnect_ms = 2.0;
    static const int widths[] = {60, 80, 100, 140};
    for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
        struct doc d;
        build(&pane_summary, r, widths[w], true, &d);
        assert_clean(&d, widths[w]);
        must_find(&d, "漢字");
        must_find(&d, "⚠ verification off");
        assert_int_equal(role_of(&d, must_find(&d, "insecure"), "insecure"), TR_WARN);
        must_find(&d, "resumed on reconnect");
        must_find(&d, "VERIFIED WITH WARNINGS");
        doc_free(&d);
    }
    struct doc d;
    build(&pane_summary, r, 80, false, &d);
    assert_clean(&d, 80);
    free(r->sent[0].subject);
    r->sent[0].subject = xstrdup("CN=plain");
    doc_free(&d);
    build(&pane_summary, r, 80, false, &d);
    assert_ascii(&d);
    must_find(&d, "localhost:8443 -> 127.0.0.1");
    char *tls = plain(&d, must_find(&d, "tls "));
    assert_non_null(strstr(tls, "#####"));
    free(tls);
    doc_free(&d);
    report_free(r);
}

/* ---- Handshake --------------------------------------------------------------------------- */

static void test_handshake_ladder(void **state)
{
    (void)state;
    struct report *r = good_report();
    struct doc d;
    build(&pane_handshake, r, 80, true, &d);
    assert_clean(&d, 80);
    char *head = plain(&d, 0);
    assert_non_null(strstr(head, "time"));
    assert_non_null(strstr(head, "client"));
    assert_non_null(strstr(head, "server"));
    assert_non_null(strstr(head, "bytes"));
    assert_int_equal(d.lines[0].id, -1);
    free(head);

    long ch = must_find(&d, "ClientHello");
    char *p = plain(&d, ch);
    assert_int_equal(d.lines[ch].id, 0);
    assert_non_null(strstr(p, "0.000 ms"));
    assert_non_null(strstr(p, "─ ClientHello ─"));
    assert_non_null(strstr(p, "─▶"));
    /* the name sits in the middle of the arrow */
    const char *name = strstr(p, " ClientHello ");
    int before = count_dashes(strstr(p, "─"), name);
    int after = count_dashes(name, strstr(p, "▶"));
    if (abs(before - after) > 1)
        fail_msg("name not centred (%d dashes before, %d after): %s", before, after, p);
    free(p);

    long sh = must_find(&d, "ServerHello");
    p = plain(&d, sh);
    assert_int_equal(d.lines[sh].id, 1);
    assert_non_null(strstr(p, "◀─"));
    assert_null(strstr(p, "▶"));
    free(p);

    long cert = must_find(&d, "Certificate");
    p = plain(&d, cert);
    assert_non_null(strstr(p, "[encrypted]"));
    assert_non_null(strstr(p, "2 047"));
    free(p);
    assert_int_equal(find(&d, "ServerHello [encrypted]"), -1);

    long warn = must_find(&d, "Alert warning close_notify");
    assert_int_equal(role_of(&d, warn, "Alert"), TR_WARN);
    long sep = must_find(&d, "connection 2 (reconnect)");
    assert_true(sep > warn);
    assert_int_equal(d.lines[sep].id, -1);
    long ch2 = find_from(&d, (size_t)sep, "ClientHello");
    assert_int_equal(d.lines[ch2].id, 5);
    long fatal = must_find(&d, "Alert fatal handshake_failure");
    assert_true(fatal > sep);
    assert_int_equal(role_of(&d, fatal, "Alert"), TR_BAD);
    doc_free(&d);

    build(&pane_handshake, r, 80, false, &d);
    assert_clean(&d, 80);
    assert_ascii(&d);
    p = plain(&d, must_find(&d, "ClientHello"));
    assert_non_null(strstr(p, "-->"));
    free(p);
    p = plain(&d, must_find(&d, "ServerHello"));
    assert_non_null(strstr(p, "<--"));
    free(p);
    doc_free(&d);

    for (int w = 60; w <= 200; w += 35) {
        build(&pane_handshake, r, w, true, &d);
        assert_clean(&d, w);
        doc_free(&d);
    }
    report_free(r);
}

static void test_handshake_detail(void **state)
{
    (void)state;
    struct report *r = good_report();
    struct doc d;
    detail(&pane_handshake, r, 0, &d);
    assert_clean(&d, 80);
    must_find(&d, "ClientHello (1)");
    must_find(&d, "sent by us");
    long cs = must_find(&d, "cipher_suites");
    char *p = plain(&d, cs);
    assert_non_null(strstr(p, "TLS_AES_128_GCM_SHA256"));
    free(p);
    must_find(&d, "supported_versions");
    long hex = must_find(&d, "0000  01 00 00 32 03 03 11 11");
    long hex2 = must_find(&d, "0010  ");
    assert_true(hex < hex2);
    must_find(&d, "0030  2b 00 03 02 03 04");
    doc_free(&d);

    /* a truncated record says so; an alert shows level and description */
    r->events[1].truncated = true;
    detail(&pane_handshake, r, 1, &d);
    assert_clean(&d, 80);
    must_find(&d, "122 (the first 4 recorded)");
    must_find(&d, "ServerHello (2)");
    doc_free(&d);
    detail(&pane_handshake, r, 6, &d);
    assert_clean(&d, 80);
    long a = must_find(&d, "fatal (2), handshake_failure (40)");
    assert_int_equal(role_of(&d, a, "fatal"), TR_BAD);
    must_find(&d, "0000  02 28");
    doc_free(&d);
    detail(&pane_handshake, r, 2, &d);
    must_find(&d, "inside an application_data (23) record");
    must_find(&d, "[encrypted]");
    doc_free(&d);
    detail(&pane_handshake, r, 99, &d);
    assert_int_equal(d.n, 0);
    doc_free(&d);
    report_free(r);
}

static void test_handshake_empty(void **state)
{
    (void)state;
    struct report *r = report_new();
    r->reached = STAGE_TCP;
    report_set_error(r, STAGE_TCP, NULL, "connection refused");
    struct doc d;
    build(&pane_handshake, r, 80, true, &d);
    assert_clean(&d, 80);
    must_find(&d, "No handshake messages were recorded: the connection stopped before TLS");
    for (size_t i = 0; i < d.n; i++)
        assert_int_equal(d.lines[i].id, -1);
    doc_free(&d);
    report_free(r);
}

/* ---- Negotiation ------------------------------------------------------------------------- */

static void test_negotiation_chosen(void **state)
{
    (void)state;
    struct report *r = good_report();
    struct doc d;
    build(&pane_negotiation, r, 80, true, &d);
    assert_clean(&d, 80);
    char *p = plain(&d, must_find(&d, "protocol"));
    assert_non_null(strstr(p, "offered TLSv1.3 TLSv1.2"));
    assert_non_null(strstr(p, "chosen TLSv1.3"));
    free(p);
    long pl = must_find(&d, "protocol");
    assert_int_equal(role_of(&d, pl, "TLSv1.3"), TR_HIGHLIGHT); /* the offered one */
    p = plain(&d, must_find(&d, "ALPN"));
    assert_non_null(strstr(p, "offered h2 http/1.1"));
    assert_non_null(strstr(p, "chosen h2"));
    free(p);

    must_find(&d, "Cipher suites (offered 4)");
    long chosen = must_find(&d, "◀ chosen");
    p = plain(&d, chosen);
    assert_non_null(strstr(p, "TLS_AES_256_GCM_SHA384"));
    free(p);
    assert_int_equal(role_of(&d, chosen, "TLS_AES_256_GCM_SHA384"), TR_HIGHLIGHT);
    assert_int_equal(role_of(&d, chosen, "chosen"), TR_OK);
    long other = must_find(&d, "TLS_CHACHA20_POLY1305_SHA256");
    p = plain(&d, other);
    assert_null(strstr(p, "chosen"));
    free(p);
    long ecdhe = must_find(&d, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    p = plain(&d, ecdhe);
    assert_non_null(strstr(p, "ECDHE-RSA-AES256-GCM-SHA384"));
    free(p);
    assert_int_equal(role_of(&d, ecdhe, "ECDHE-RSA"), TR_DIM);

    long x = must_find(&d, "  x25519");
    p = plain(&d, x);
    assert_non_null(strstr(p, "key share"));
    assert_non_null(strstr(p, "◀ chosen"));
    free(p);
    p = plain(&d, must_find(&d, "  secp256r1"));
    assert_null(strstr(p, "key share"));
    assert_null(strstr(p, "chosen"));
    free(p);
    p = plain(&d, must_find(&d, "  rsa_pss_rsae_sha256"));
    assert_non_null(strstr(p, "◀ chosen"));
    free(p);
    p = plain(&d, must_find(&d, "  ecdsa_secp256r1_sha256"));
    assert_null(strstr(p, "chosen"));
    free(p);

    long sent = must_find(&d, "we sent (7)");
    p = plain(&d, sent);
    assert_non_null(strstr(p, "server_name"));
    free(p);
    long ans = must_find(&d, "answered (4)");
    assert_int_equal(role_of(&d, ans, "key_share"), TR_OK);
    assert_int_equal(find(&d, "Client authentication"), -1);
    doc_free(&d);
    report_free(r);
}

/* The chosen group and scheme are matched by code point, whatever spelling OpenSSL used. */
static void test_negotiation_aliases(void **state)
{
    (void)state;
    struct report *r = good_report();
    free(r->group);
    r->group = xstrdup("P-256");
    free(r->sig_scheme);
    r->sig_scheme = NULL;
    free(r->sig_type);
    r->sig_type = xstrdup("ECDSA");
    struct doc d;
    build(&pane_negotiation, r, 80, true, &d);
    char *p = plain(&d, must_find(&d, "  secp256r1"));
    assert_non_null(strstr(p, "◀ chosen"));
    free(p);
    p = plain(&d, must_find(&d, "server used"));
    assert_non_null(strstr(p, "ECDSA+SHA256"));
    free(p);
    doc_free(&d);
    report_free(r);
}

static void test_negotiation_side_by_side(void **state)
{
    (void)state;
    struct report *r = good_report();
    struct doc d;
    build(&pane_negotiation, r, 120, true, &d);
    assert_clean(&d, 120);
    long both = must_find(&d, "Groups (offered 3)");
    char *p = plain(&d, both);
    assert_non_null(strstr(p, "│"));
    free(p);
    long x = must_find(&d, "x25519");
    p = plain(&d, x);
    assert_non_null(strstr(p, "TLS_")); /* a suite on the same row */
    free(p);
    must_find(&d, "Signature algorithms (offered 3)");
    doc_free(&d);
    build(&pane_negotiation, r, 100, false, &d);
    assert_clean(&d, 100);
    assert_ascii(&d);
    must_find(&d, " | ");
    must_find(&d, "< chosen");
    doc_free(&d);
    report_free(r);
}

static void test_negotiation_client_auth(void **state)
{
    (void)state;
    struct report *r = good_report();
    r->client_cert_requested = true;
    strlist_push(&r->client_ca_names, "CN=Lab Client CA\x1b]0;pwned\x07, O=TLS Lab");
    strlist_push(&r->client_ca_names, "CN=Other CA");
    strlist_split(&r->client_sigalgs, "rsa_pss_rsae_sha256 ecdsa_secp256r1_sha256", " ");
    struct doc d;
    build(&pane_negotiation, r, 80, true, &d);
    assert_clean(&d, 80);
    long h = must_find(&d, "Client authentication");
    assert_true(must_find(&d, "CN=Lab Client CA\\x1B]0;pwned\\x07, O=TLS Lab") > h);
    must_find(&d, "CN=Other CA");
    char *p = plain(&d, must_find(&d, "  algorithms"));
    assert_non_null(strstr(p, "rsa_pss_rsae_sha256 ecdsa_secp256r1_sha256"));
    free(p);
    long none = must_find(&d, "none sent");
    assert_int_equal(role_of(&d, none, "none sent"), TR_WARN);
    doc_free(&d);
    r->client_cert_sent = xstrdup("CN=me");
    build(&pane_negotiation, r, 80, true, &d);
    assert_int_equal(role_of(&d, must_find(&d, "CN=me"), "CN=me"), TR_OK);
    doc_free(&d);
    report_free(r);
}

static void test_negotiation_nothing_offered(void **state)
{
    (void)state;
    struct report *r = report_new();
    report_set_error(r, STAGE_DNS, NULL, "no such host");
    struct doc d;
    build(&pane_negotiation, r, 80, true, &d);
    assert_clean(&d, 80);
    must_find(&d, "No ClientHello was recorded");
    doc_free(&d);
    report_free(r);
}

/* A long ALPN offer and a hostile, very long chosen protocol wrap within the width. */
static void test_negotiation_wrapping(void **state)
{
    (void)state;
    struct report *r = good_report();
    for (int i = 0; i < 20; i++)
        strlist_take(&r->offered.alpn, xasprintf("proto-%02d", i));
    free(r->alpn);
    struct strbuf sb = {0};
    for (int i = 0; i < 30; i++)
        sb_puts(&sb, "\x1b[2J");
    r->alpn = sb_take(&sb);
    static const int widths[] = {60, 80, 100, 160};
    for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
        struct doc d;
        build(&pane_negotiation, r, widths[w], true, &d);
        assert_clean(&d, widths[w]);
        must_find(&d, "proto-19");
        must_find(&d, "\\x1B[2J");
        doc_free(&d);
    }
    report_free(r);
}

/* Every pane and every detail fits every width from 60 columns (a hex dump line needs 55; the
 * terminal minimum is 80), in UTF-8 and ASCII, with every section on. */
static void test_all_widths(void **state)
{
    (void)state;
    struct report *r = good_report();
    r->verify_ok = false;
    add_verify_error(r, 0, "certificate has expired", false);
    add_verify_error(r, -1, "TLSCOPE_PIN_MISMATCH: no pin matched\x1b[0m", true);
    r->client_cert_requested = true;
    strlist_push(&r->client_ca_names, "CN=Lab Client CA, O=TLS Lab, L=a very long locality name");
    strlist_split(&r->client_sigalgs, "rsa_pss_rsae_sha256 ecdsa_secp256r1_sha256", " ");
    r->resumed_on_reconnect = TRI_NO;
    r->extended_master_secret = r->secure_renegotiation = TRI_YES;
    r->reconnect_ms = 4.4;
    r->events[0].truncated = true;
    static const int widths[] = {60, 64, 79, 80, 81, 99, 100, 101, 150, 250};
    const struct pane_ops *panes[] = {&pane_summary, &pane_handshake, &pane_negotiation};
    for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
        for (size_t p = 0; p < 3; p++)
            for (int utf8 = 0; utf8 < 2; utf8++) {
                struct doc d;
                build(panes[p], r, widths[w], utf8, &d);
                assert_clean(&d, widths[w]);
                if (!utf8)
                    assert_ascii(&d);
                struct pane_ctx ctx = {.r = r, .utf8 = utf8, .width = widths[w]};
                for (size_t i = 0; panes[p]->detail && i < d.n; i++) {
                    if (d.lines[i].id < 0)
                        continue;
                    struct doc dd = {0};
                    panes[p]->detail(NULL, &ctx, d.lines[i].id, &dd);
                    assert_true(dd.n > 0);
                    assert_clean(&dd, widths[w]);
                    doc_free(&dd);
                }
                doc_free(&d);
            }
    report_free(r);
}

static void test_pane_table(void **state)
{
    (void)state;
    assert_string_equal(pane_summary.name, "Summary");
    assert_string_equal(pane_handshake.name, "Handshake");
    assert_string_equal(pane_negotiation.name, "Negotiation");
    assert_non_null(pane_summary.detail);
    assert_non_null(pane_handshake.detail);
    struct report *r = good_report();
    struct pane_ctx ctx = {.r = r, .utf8 = true, .width = 80};
    assert_int_equal(pane_summary.badge(&ctx), -1);
    assert_int_equal(pane_handshake.badge(&ctx), -1);
    assert_int_equal(pane_negotiation.badge(&ctx), -1);
    report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_good),
        cmocka_unit_test(test_summary_addresses),
        cmocka_unit_test(test_summary_days_left_colour),
        cmocka_unit_test(test_summary_failure),
        cmocka_unit_test(test_summary_verify_errors),
        cmocka_unit_test(test_summary_same_cause_once),
        cmocka_unit_test(test_summary_ascii_and_wrapping),
        cmocka_unit_test(test_handshake_ladder),
        cmocka_unit_test(test_handshake_detail),
        cmocka_unit_test(test_handshake_empty),
        cmocka_unit_test(test_negotiation_chosen),
        cmocka_unit_test(test_negotiation_aliases),
        cmocka_unit_test(test_negotiation_side_by_side),
        cmocka_unit_test(test_negotiation_client_auth),
        cmocka_unit_test(test_negotiation_nothing_offered),
        cmocka_unit_test(test_negotiation_wrapping),
        cmocka_unit_test(test_all_widths),
        cmocka_unit_test(test_pane_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
