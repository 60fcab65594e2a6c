/* The STARTTLS dialogues and the HTTP parser as pure code (src/starttls): reply parsers, the
 * choice by port, the banner guess, dialogues fed one byte at a time, and every bound. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "starttls/http.h"
#include "starttls/starttls.h"
#include "util/mem.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void test_code_lines(void **state)
{
    (void)state;
    bool more;
    assert_int_equal(st_parse_code_line("250-STARTTLS", &more), 250);
    assert_true(more);
    assert_int_equal(st_parse_code_line("250 OK", &more), 250);
    assert_false(more);
    assert_int_equal(st_parse_code_line("220", &more), 220);
    assert_int_equal(st_parse_code_line("25 OK", &more), -1);
    assert_int_equal(st_parse_code_line("250xOK", &more), -1);
    assert_int_equal(st_parse_code_line("099 x", &more), -1);
    assert_int_equal(st_parse_code_line("", &more), -1);
}

static void test_imap_lines(void **state)
{
    (void)state;
    char tag[17], status[8];
    assert_int_equal(st_parse_imap_line("* OK ready", tag, status), 0);
    assert_string_equal(tag, "");
    assert_string_equal(status, "OK");
    assert_int_equal(st_parse_imap_line("A2 NO go away", tag, status), 0);
    assert_string_equal(tag, "A2");
    assert_string_equal(status, "NO");
    assert_int_equal(st_parse_imap_line("* CAPABILITY IMAP4rev1", tag, status), 0);
    assert_string_equal(status, "");
    assert_int_equal(st_parse_imap_line("A1 HELLO", tag, status), -1); /* tagged, no status */
    assert_int_equal(st_parse_imap_line("AVERYLONGTAGOFMORETHAN16 OK", tag, status), -1);
    assert_int_equal(st_parse_imap_line("+ go on", tag, status), 0);
    assert_string_equal(status, "+");
}

static void test_ldap(void **state)
{
    (void)state;
    struct st_ldap_result r;
    static const uint8_t ok[] = {0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07,
                                 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00};
    assert_int_equal(st_parse_ldap(ok, sizeof ok, &r), (int)sizeof ok);
    assert_int_equal(r.message_id, 1);
    assert_int_equal(r.op, 0x78);
    assert_int_equal(r.result_code, 0);
    for (size_t n = 0; n < sizeof ok; n++) /* every prefix asks for more */
        assert_int_equal(st_parse_ldap(ok, n, &r), 0);
    static const uint8_t diag[] = {0x30, 0x0f, 0x02, 0x01, 0x01, 0x78, 0x0a, 0x0a, 0x01,
                                   0x35, 0x04, 0x00, 0x04, 0x03, 'n',  'o',  '!'};
    assert_int_equal(st_parse_ldap(diag, sizeof diag, &r), (int)sizeof diag);
    assert_int_equal(r.result_code, 53);
    assert_string_equal(r.diag, "no!");
    static const uint8_t bad_inner[] = {0x30, 0x05, 0x02, 0x09, 0x01, 0x78, 0x00};
    assert_int_equal(st_parse_ldap(bad_inner, sizeof bad_inner, &r), -1);
    static const uint8_t huge[] = {0x30, 0x84, 0x7f, 0xff, 0xff, 0xff};
    assert_int_equal(st_parse_ldap(huge, sizeof huge, &r), -1);
    static const uint8_t not_seq[] = {0x31, 0x00};
    assert_int_equal(st_parse_ldap(not_seq, sizeof not_seq, &r), -1);
}

static void test_mysql_greeting(void **state)
{
    (void)state;
    uint8_t g[64] = {0, 0, 0, 0, 10};
    size_t n = 5;
    memcpy(g + n, "8.0.1\0", 6);
    n += 6 + 4 + 8 + 1;
    g[n++] = 0x00, g[n++] = 0x08; /* capabilities: SSL */
    g[n++] = 0x21, g[n++] = 0, g[n++] = 0, g[n++] = 0x01, g[n++] = 0x00;
    g[0] = (uint8_t)(n - 4);
    struct st_mysql_greeting m;
    assert_int_equal(st_parse_mysql_greeting(g, n, &m), (int)n);
    assert_false(m.error);
    assert_string_equal(m.version, "8.0.1");
    assert_int_equal(m.capabilities, 0x00010800);
    assert_int_equal(m.charset, 0x21);
    assert_int_equal(st_parse_mysql_greeting(g, n - 1, &m), 0);
    static const uint8_t err[] = "\x17\0\0\0\xff\x10\x04Too many connections";
    assert_int_equal(st_parse_mysql_greeting(err, sizeof err - 1, &m), 27);
    assert_true(m.error);
    assert_int_equal(m.error_code, 1040);
    assert_string_equal(m.version, "Too many connections");
    static const uint8_t v9[] = {2, 0, 0, 0, 9, 0};
    assert_int_equal(st_parse_mysql_greeting(v9, sizeof v9, &m), -1);
    static const uint8_t no_nul[] = {3, 0, 0, 0, 10, 'a', 'b'};
    assert_int_equal(st_parse_mysql_greeting(no_nul, sizeof no_nul, &m), -1);
}

static void test_rdp_confirm(void **state)
{
    (void)state;
    struct st_rdp_confirm cc;
    static const uint8_t rsp[] = {3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34,
                                  0, 2, 0, 8,  0,  2,    0, 0, 0};
    assert_int_equal(st_parse_rdp_confirm(rsp, sizeof rsp, &cc), 19);
    assert_int_equal(cc.kind, 2);
    assert_int_equal(cc.value, 2);
    static const uint8_t plain[] = {3, 0, 0, 11, 6, 0xd0, 0, 0, 0x12, 0x34, 0};
    assert_int_equal(st_parse_rdp_confirm(plain, sizeof plain, &cc), 11);
    assert_int_equal(cc.kind, 0);
    assert_int_equal(st_parse_rdp_confirm(rsp, 10, &cc), 0);
    static const uint8_t bad[] = {3, 0, 0, 11, 6, 0xe0, 0, 0, 0, 0, 0};
    assert_int_equal(st_parse_rdp_confirm(bad, sizeof bad, &cc), -1);
    static const uint8_t li[] = {3, 0, 0, 11, 200, 0xd0, 0, 0, 0, 0, 0};
    assert_int_equal(st_parse_rdp_confirm(li, sizeof li, &cc), -1);
}

static void test_choice_by_port(void **state)
{
    (void)state;
    struct st_choice ch;
    assert_int_equal(st_choose(NULL, 25, &ch), 0);
    assert_int_equal(ch.proto, ST_SMTP);
    assert_string_equal(ch.chosen_by, "port");
    assert_int_equal(st_choose("auto", 5269, &ch), 0);
    assert_int_equal(ch.proto, ST_XMPP_SERVER);
    assert_int_equal(st_choose(NULL, 993, &ch), 0);
    assert_int_equal(ch.proto, ST_NONE);
    assert_true(ch.implicit_tls);
    assert_int_equal(st_choose(NULL, 8444, &ch), 0);
    assert_string_equal(ch.chosen_by, "default");
    assert_int_equal(st_choose("IMAP", 25, &ch), 0);
    assert_int_equal(ch.proto, ST_IMAP);
    assert_string_equal(ch.chosen_by, "option");
    assert_int_equal(st_choose("none", 25, &ch), 0);
    assert_int_equal(ch.proto, ST_NONE);
    assert_int_equal(st_choose("smtps", 25, &ch), -1);
    static const uint16_t well_known[] = {25,  587, 24,   143,  110,  21,   5222, 5269,
                                          389, 119, 4190, 5432, 3306, 6667, 3389};
    for (size_t i = 0; i < NELEM(well_known); i++) {
        assert_int_equal(st_choose(NULL, well_known[i], &ch), 0);
        assert_int_not_equal(ch.proto, ST_NONE);
    }
}

static void test_banner_guess(void **state)
{
    (void)state;
#define G(s) st_guess_from_banner((const uint8_t *)(s), strlen(s))
    assert_int_equal(G("220 mx ESMTP Postfix"), ST_SMTP);
    assert_int_equal(G("220 ProFTPD Server"), ST_FTP);
    assert_int_equal(G("* OK [CAPABILITY IMAP4rev1] Dovecot"), ST_IMAP);
    assert_int_equal(G("+OK POP3 ready"), ST_POP3);
    assert_int_equal(G("200 news ready"), ST_NNTP);
    assert_int_equal(G("\"IMPLEMENTATION\" \"Dovecot\""), ST_SIEVE);
    assert_int_equal(G("SSH-2.0-OpenSSH"), ST_NONE);
#undef G
}

/* Feeds a server's whole side one byte at a time; returns the final status. */
static enum st_status feed(enum st_proto proto, const char *server, bool inject,
                           struct starttls_report *rep, struct st_dialogue **out)
{
    struct st_params p = {.proto = proto, .ehlo_name = "me.example", .inject = inject};
    struct st_dialogue *d = st_new(&p, rep);
    st_start(d, 0);
    for (size_t i = 0; server[i] && st_status(d) == ST_RUNNING; i++) {
        size_t n;
        if (st_output(d, &n))
            st_sent(d, n);
        st_received(d, (const uint8_t *)server + i, 1, (double)i);
    }
    enum st_status st = st_status(d);
    if (out)
        *out = d;
    else
        st_free(d);
    return st;
}

static void test_smtp_dialogue(void **state)
{
    (void)state;
    struct starttls_report rep = {0};
    struct st_dialogue *d;
    const char *server = "220-first\r\n220 second\r\n250-mx\r\n250-PIPELINING\r\n250 STARTTLS\r\n"
                         "220 go\r\n";
    assert_int_equal(feed(ST_SMTP, server, true, &rep, &d), ST_READY);
    assert_true(strlist_contains(&rep.capabilities, "STARTTLS")); /* on the last line */
    assert_true(strlist_contains(&rep.capabilities, "PIPELINING"));
    assert_string_equal(rep.lines[2].text, "EHLO me.example");
    st_free(d);
    starttls_report_free(&rep);
    /* the default name, and an address as a literal */
    static const struct {
        const char *given, *sent;
    } names[] = {{NULL, "EHLO tlscope.invalid"},
                 {"192.0.2.1", "EHLO [192.0.2.1]"},
                 {"2001:db8::1", "EHLO [IPv6:2001:db8::1]"}};
    for (size_t i = 0; i < NELEM(names); i++) {
        struct st_params p = {.proto = ST_SMTP, .ehlo_name = names[i].given};
        d = st_new(&p, &rep);
        st_start(d, 0);
        st_received(d, (const uint8_t *)"220 x\r\n", 7, 1);
        assert_string_equal(rep.lines[1].text, names[i].sent);
        st_free(d);
        starttls_report_free(&rep);
    }
    assert_int_equal(feed(ST_SMTP, server, true, &rep, &d), ST_READY);
    assert_string_equal(st_injected(d), "NOOP");
    assert_true(st_injection_answered(d, "250 ok\r\n", 8));
    st_free(d);
    starttls_report_free(&rep);
    /* a reply that breaks the code in the middle of a multi-line reply is garbage */
    assert_int_equal(feed(ST_SMTP, "220-a\r\nhello\r\n", false, &rep, &d), ST_FAILED);
    assert_int_equal(st_failure(d), ST_FAIL_GARBAGE);
    st_free(d);
    starttls_report_free(&rep);
    assert_int_equal(feed(ST_SMTP, "220 x\r\n250 mx\r\n", false, &rep, &d), ST_FAILED);
    assert_int_equal(st_failure(d), ST_FAIL_NOT_OFFERED);
    st_free(d);
    starttls_report_free(&rep);
    assert_int_equal(
        feed(ST_SMTP, "220 x\r\n250-mx\r\n250 STARTTLS\r\n502 5.5.1 no\r\n", false, &rep, &d),
        ST_FAILED);
    assert_int_equal(st_failure(d), ST_FAIL_REFUSED);
    assert_non_null(strstr(st_message(d), "502 5.5.1 no"));
    st_free(d);
    starttls_report_free(&rep);
}

static void test_bounds(void **state)
{
    (void)state;
    struct starttls_report rep = {0};
    struct st_dialogue *d;
    /* a line without end */
    char *long_line = xcalloc(1, ST_LINE_MAX + 10);
    memset(long_line, 'a', ST_LINE_MAX + 5);
    assert_int_equal(feed(ST_SMTP, long_line, false, &rep, &d), ST_FAILED);
    assert_int_equal(st_failure(d), ST_FAIL_FLOOD);
    st_free(d);
    starttls_report_free(&rep);
    /* the same line with its newline, in one piece (found by fuzz_starttls: it overflowed) */
    long_line[ST_LINE_MAX + 5] = '\n';
    struct st_params p = {.proto = ST_SMTP};
    d = st_new(&p, &rep);
    st_start(d, 0);
    assert_int_equal(st_received(d, (const uint8_t *)long_line, ST_LINE_MAX + 6, 1), ST_FAILED);
    assert_int_equal(st_failure(d), ST_FAIL_FLOOD);
    st_free(d);
    starttls_report_free(&rep);
    free(long_line);
    /* many short lines: the transcript keeps STARTTLS_LINES_MAX, the dialogue stops */
    size_t n = (ST_RX_LINES_MAX + 5) * 8;
    char *lines = xcalloc(1, n + 1);
    for (size_t i = 0; i + 8 <= n; i += 8)
        memcpy(lines + i, "220-ab\r\n", 8);
    assert_int_equal(feed(ST_SMTP, lines, false, &rep, &d), ST_FAILED);
    assert_int_equal(st_failure(d), ST_FAIL_FLOOD);
    assert_int_equal(rep.n_lines, STARTTLS_LINES_MAX);
    assert_true(rep.truncated);
    st_free(d);
    starttls_report_free(&rep);
    free(lines);
    /* a long line is cut in the transcript */
    char big[1000];
    memset(big, 'x', sizeof big);
    starttls_add_line(&rep, 1, DIR_RECEIVED, big, sizeof big);
    assert_true(strlen(rep.lines[0].text) < STARTTLS_TEXT_MAX + 40);
    assert_non_null(strstr(rep.lines[0].text, "(1000 bytes)"));
    starttls_report_free(&rep);
}

static void test_xmpp_split_and_failure(void **state)
{
    (void)state;
    struct starttls_report rep = {0};
    struct st_dialogue *d;
    const char *ok = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' version='1.0'>"
                     "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>"
                     "<required/></starttls><mechanisms><mechanism>PLAIN</mechanism></mechanisms>"
                     "</stream:features><proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
    assert_int_equal(feed(ST_XMPP, ok, false, &rep, &d), ST_READY);
    assert_true(strlist_contains(&rep.capabilities, "starttls"));
    assert_true(strlist_contains(&rep.capabilities, "mechanisms"));
    assert_false(strlist_contains(&rep.capabilities, "required")); /* not a direct child */
    st_free(d);
    starttls_report_free(&rep);
    const char *err = "<stream:stream version='1.0'><stream:error><host-unknown "
                      "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>";
    assert_int_equal(feed(ST_XMPP, err, false, &rep, &d), ST_FAILED);
    assert_int_equal(st_failure(d), ST_FAIL_REFUSED);
    assert_non_null(strstr(st_message(d), "host-unknown"));
    st_free(d);
    starttls_report_free(&rep);
    assert_int_equal(feed(ST_XMPP, "HTTP/1.1 400 Bad\r\n", false, &rep, &d), ST_FAILED);
    assert_int_equal(st_failure(d), ST_FAIL_GARBAGE);
    st_free(d);
    starttls_report_free(&rep);
}

static void test_http_head(void **state)
{
    (void)state;
    struct http_report h = {.hsts_max_age = -1};
    const char *head = "HTTP/1.1 200 OK\r\nserver: x\r\nStrict-Transport-Security: "
                       "max-age=\"63072000\"; includeSubDomains\r\nStrict-Transport-Security: "
                       "max-age=1\r\nAlt-Svc: h3=\":443\"\r\n\r\nbody";
    assert_int_equal(http_parse_head(head, 20, &h), 0);
    assert_int_equal(http_parse_head(head, strlen(head), &h), 1);
    assert_int_equal(h.status, 200);
    assert_string_equal(h.server, "x");
    assert_int_equal(h.hsts_max_age, 63072000); /* the first header only */
    assert_true(h.hsts_include_subdomains);
    assert_false(h.hsts_preload);
    assert_null(h.hsts_problem);
    struct report *r = xcalloc(1, sizeof *r);
    r->http = h;
    report_app_free(r);
    free(r);
    static const char *const bad[] = {"includeSubDomains", "max-age=1; max-age=2", "max-age=-5",
                                      "max-age="};
    for (size_t i = 0; i < NELEM(bad); i++) {
        struct http_report b = {0};
        http_parse_hsts(bad[i], &b);
        if (!b.hsts_problem)
            fail_msg("\"%s\" passed as valid HSTS", bad[i]);
        free(b.hsts_problem);
    }
    struct http_report x = {0};
    assert_int_equal(http_parse_head("SSH-2.0-x\r\n\r\n", 13, &x), -1);
    assert_non_null(x.error);
    free(x.error);
    char req[600];
    size_t n = http_build_request(req, sizeof req, "/a", "::1", 8443);
    assert_true(n > 0);
    assert_non_null(strstr(req, "HEAD /a HTTP/1.1\r\nHost: [::1]:8443\r\n"));
    n = http_build_request(req, sizeof req, "/", "example.com", 443);
    assert_non_null(strstr(req, "Host: example.com\r\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_lines),   cmocka_unit_test(test_imap_lines),
        cmocka_unit_test(test_ldap),         cmocka_unit_test(test_mysql_greeting),
        cmocka_unit_test(test_rdp_confirm),  cmocka_unit_test(test_choice_by_port),
        cmocka_unit_test(test_banner_guess), cmocka_unit_test(test_smtp_dialogue),
        cmocka_unit_test(test_bounds),       cmocka_unit_test(test_xmpp_split_and_failure),
        cmocka_unit_test(test_http_head),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
