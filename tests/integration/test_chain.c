/* The chain as sent, against real s_server peers with the lab PKI: the role of every sent
 * certificate and the findings that follow from them, a chain far longer than the report
 * keeps, and a session the server refuses after the handshake (no findings). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "lab/pki.h"
#include "lib/harness.h"
#include "lib/tmux.h"
#include "util/mem.h"
#include "util/strbuf.h"

#define SERVER(...) ((const char *const[]){__VA_ARGS__, NULL})
#define LEAF_ARGS   "-cert", "@leaf.crt", "-key", "@leaf.key"
#define LONG_CAS    100 /* intermediates in the long chain: 101 certificates sent */

/* One connection to 127.0.0.1:port trusting ca (a harness file). */
static struct report *connect_ca(uint16_t port, const char *ca)
{
    struct tls_config c;
    config_init(&c);
    c.host = xstrdup("127.0.0.1");
    c.port = port;
    c.timeout_s = 10;
    c.ca_file = harness_path(ca);
    struct report *r = engine_connect(&c);
    config_free(&c);
    return r;
}

static struct report *run_server(const char *const *args, const char *ca)
{
    struct peer p;
    if (peer_s_server(&p, false, args) != 0)
        fail_msg("could not start openssl s_server");
    struct report *r = connect_ca(p.port, ca);
    peer_stop(&p);
    return r;
}

static const struct finding *finding(const struct report *r, const char *id)
{
    for (size_t i = 0; i < r->n_findings; i++)
        if (!strcmp(r->findings[i].id, id))
            return &r->findings[i];
    return NULL;
}

static size_t count_findings(const struct report *r, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_findings; i++)
        n += !strcmp(r->findings[i].id, id);
    return n;
}

static void assert_roles(const struct report *r, size_t n, const enum chain_role *want)
{
    assert_int_equal(r->n_sent, n);
    for (size_t i = 0; i < n; i++)
        if (r->sent[i].role != want[i])
            fail_msg("sent #%zu is %s, want %s", i, chain_role_name(r->sent[i].role),
                     chain_role_name(want[i]));
}

/* A good chain with an unrelated self-signed CA appended: unrelated, not "root sent". */
static void test_unrelated_ca(void **state)
{
    (void)state;
    struct report *r =
        run_server(SERVER(LEAF_ARGS, "-cert_chain", "@extra_unrelated_ca.pem"), "root.crt");
    assert_true(r->ok);
    assert_true(r->verify_ok);
    assert_roles(
        r, 3,
        (const enum chain_role[]){CHAIN_ROLE_LEAF, CHAIN_ROLE_INTERMEDIATE, CHAIN_ROLE_UNRELATED});
    assert_int_equal(r->chain_issues, CHAIN_EXTRA_CERTIFICATE);
    assert_null(finding(r, "chain_root_included"));
    assert_non_null(finding(r, "chain_extra"));
    assert_non_null(strstr(finding(r, "chain_extra")->detail, "TLS Lab Untrusted Root CA"));
    report_free(r);
}

/* The path's own root sent along. */
static void test_root_sent(void **state)
{
    (void)state;
    struct report *r = run_server(SERVER(LEAF_ARGS, "-cert_chain", "@extra_root.pem"), "root.crt");
    assert_true(r->verify_ok);
    assert_roles(
        r, 3, (const enum chain_role[]){CHAIN_ROLE_LEAF, CHAIN_ROLE_INTERMEDIATE, CHAIN_ROLE_ROOT});
    assert_int_equal(r->sent[2].path_depth, 2);
    assert_int_equal(r->chain_issues, CHAIN_ROOT_INCLUDED);
    assert_non_null(finding(r, "chain_root_included"));
    /* the chain to serve: leaf and intermediate, no root */
    const struct cert_info *out[8];
    assert_int_equal(report_chain_to_serve(r, out, 8), 2);
    assert_string_equal(out[1]->subject_cn, "TLS Lab Intermediate CA");
    report_free(r);
}

static void test_duplicate(void **state)
{
    (void)state;
    struct report *r =
        run_server(SERVER(LEAF_ARGS, "-cert_chain", "@extra_duplicate.pem"), "root.crt");
    assert_true(r->verify_ok);
    assert_roles(
        r, 3,
        (const enum chain_role[]){CHAIN_ROLE_LEAF, CHAIN_ROLE_INTERMEDIATE, CHAIN_ROLE_DUPLICATE});
    assert_int_equal(r->chain_issues, CHAIN_DUPLICATE);
    assert_non_null(finding(r, "chain_duplicate"));
    assert_null(finding(r, "chain_extra"));
    report_free(r);
}

/* root_cross: the lab root's subject and key, signed by root2. */
static void test_cross_signed(void **state)
{
    (void)state;
    struct report *r = run_server(SERVER(LEAF_ARGS, "-cert_chain", "@extra_cross.pem"), "root.crt");
    assert_true(r->verify_ok);
    assert_int_equal(r->n_verified, 3);
    assert_roles(r, 3,
                 (const enum chain_role[]){CHAIN_ROLE_LEAF, CHAIN_ROLE_INTERMEDIATE,
                                           CHAIN_ROLE_CROSS_SIGNED});
    assert_int_equal(r->chain_issues, 0);
    assert_null(finding(r, "chain_extra"));
    assert_null(finding(r, "chain_root_included"));
    report_free(r);
}

/* A leaf straight from a private root nobody trusts: the server rightly sends only the leaf.
 * Not "missing intermediate, serve fullchain", but "unknown root, --cafile". */
static void test_leaf_from_untrusted_root(void **state)
{
    (void)state;
    struct report *r =
        run_server(SERVER("-cert", "@leaf_root2.crt", "-key", "@leaf_root2.key"), "root.crt");
    assert_true(r->ok);
    assert_false(r->verify_ok);
    assert_roles(r, 1, (const enum chain_role[]){CHAIN_ROLE_LEAF});
    assert_false(r->chain_issues & CHAIN_MISSING_INTERMEDIATE);
    assert_null(finding(r, "incomplete_chain"));
    assert_null(finding(r, "verify_error"));
    const struct finding *f = finding(r, "untrusted_root");
    assert_non_null(f);
    assert_non_null(strstr(f->detail, "TLS Lab Untrusted Root CA"));
    assert_non_null(strstr(f->fix, "--cafile TLS_Lab_Untrusted_Root_CA.pem"));
    assert_null(strstr(f->fix, "fullchain"));
    /* the explanations of the errors (Summary, JSON) do not claim a missing intermediate */
    assert_true(r->n_verify_errors >= 1);
    for (size_t i = 0; i < r->n_verify_errors; i++) {
        const struct verify_error *e = &r->verify_errors[i];
        if (e->explanation && strstr(e->explanation, "does not send its intermediate"))
            fail_msg("%s: %s", e->name, e->explanation);
        if (e->depth == 0 && (!e->fix || !strstr(e->fix, "--cafile")))
            fail_msg("%s: fix without --cafile: %s", e->name, e->fix ? e->fix : "(none)");
    }
    report_free(r);
}

/* The leaf alone, with its issuer published (caIssuers): still a missing intermediate; the
 * chain to serve takes the intermediate from the trust store when it holds one. */
static void test_missing_intermediate(void **state)
{
    (void)state;
    struct report *r = run_server(SERVER(LEAF_ARGS), "root.crt");
    assert_true(r->chain_issues & CHAIN_MISSING_INTERMEDIATE);
    assert_non_null(finding(r, "incomplete_chain"));
    assert_null(finding(r, "untrusted_root"));
    report_free(r);
    r = run_server(SERVER(LEAF_ARGS), "extra_root.pem"); /* inter and root trusted */
    assert_true(r->verify_ok);
    const struct cert_info *out[8];
    assert_int_equal(report_chain_to_serve(r, out, 8), 2);
    assert_string_equal(out[1]->subject_cn, "TLS Lab Intermediate CA");
    report_free(r);
}

/* ---- a chain of 101 certificates ---------------------------------------------------------- */

/* long_ca1 (issued by the lab root) … long_ca100, and long_leaf issued by long_ca100, EC keys,
 * the CAs expiring in 10 days; writes long_leaf.crt/.key and long_chain.pem (long_ca100 down
 * to long_ca1: the -cert_chain file) into the lab directory. */
static void make_long_chain(void)
{
    struct pki_spec specs[LONG_CAS + 3];
    char names[LONG_CAS + 3][24], subjects[LONG_CAS + 3][48];
    size_t n = 0;
    specs[n++] = (struct pki_spec){.name = "root",
                                   .subject = "CN=Long Root,O=TLS Lab",
                                   .key = PKI_EC_P256,
                                   .not_before_days = -1,
                                   .not_after_days = 3650,
                                   .is_ca = true,
                                   .path_len = -1};
    for (int i = 1; i <= LONG_CAS; i++, n++) {
        snprintf(names[n], sizeof names[n], "long_ca%d", i);
        snprintf(subjects[n], sizeof subjects[n], "CN=Long CA %d,O=TLS Lab", i);
        specs[n] = (struct pki_spec){.name = names[n],
                                     .subject = subjects[n],
                                     .issuer = i == 1 ? "root" : names[n - 1],
                                     .key = PKI_EC_P256,
                                     .not_before_days = -80, /* 90 days: the 30-day rule */
                                     .not_after_days = 10,
                                     .is_ca = true,
                                     .path_len = -1};
    }
    specs[n] = (struct pki_spec){.name = "long_leaf",
                                 .subject = "CN=localhost,O=TLS Lab",
                                 .issuer = names[n - 1],
                                 .key = PKI_EC_P256,
                                 .not_before_days = -1,
                                 .not_after_days = 365,
                                 .path_len = -1,
                                 .san = "DNS:localhost,IP:127.0.0.1"};
    n++;
    struct pki *p = NULL;
    char err[512];
    if (pki_generate(specs, n, &p, err, sizeof err) < 0)
        fail_msg("long chain: %s", err);
    struct strbuf sb = {0};
    for (int i = LONG_CAS; i >= 1; i--) {
        char name[24];
        snprintf(name, sizeof name, "long_ca%d", i);
        sb_puts(&sb, pki_cert_pem(p, name));
    }
    const char *dir = harness_dir();
    const char *crt = pki_cert_pem(p, "long_leaf"), *key = pki_key_pem(p, "long_leaf"),
               *root = pki_cert_pem(p, "root");
    if (pki_write_file(dir, "long_chain.pem", sb.buf, sb.len, 0644, err, sizeof err) < 0 ||
        pki_write_file(dir, "long_leaf.crt", crt, strlen(crt), 0644, err, sizeof err) < 0 ||
        pki_write_file(dir, "long_leaf.key", key, strlen(key), 0600, err, sizeof err) < 0 ||
        pki_write_file(dir, "long_root.crt", root, strlen(root), 0644, err, sizeof err) < 0)
        fail_msg("long chain: %s", err);
    sb_free(&sb);
    pki_free(p);
}

/* The true count is kept, the truncation and its cause are said, and the 63 expiring CAs that
 * were kept make one finding. */
static void test_long_chain(void **state)
{
    (void)state;
    make_long_chain();
    struct report *r = run_server(SERVER("-cert", "@long_leaf.crt", "-key", "@long_leaf.key",
                                         "-cert_chain", "@long_chain.pem"),
                                  "long_root.crt");
    assert_true(r->ok);
    assert_int_equal(r->n_sent, REPORT_CHAIN_MAX);
    assert_int_equal(r->n_sent_total, LONG_CAS + 1);
    assert_true(r->chain_issues & CHAIN_TOO_LONG);
    assert_int_equal(r->n_verified_total, LONG_CAS + 2); /* OpenSSL's depth limit allows it */
    const struct finding *f = finding(r, "chain_too_long");
    assert_non_null(f);
    assert_string_equal(f->title, "Chain too long: 101 certificates");
    assert_non_null(strstr(f->detail, "first 64"));
    assert_int_equal(count_findings(r, "cert_expiring"), 1);
    f = finding(r, "cert_expiring");
    assert_string_equal(f->title, "63 certificates expire within 30 days");
    for (size_t i = 0; i < r->n_findings; i++)
        if (strstr(r->findings[i].detail, "(unknown certificate)"))
            fail_msg("%s: %s", r->findings[i].id, r->findings[i].detail);
    assert_true(r->n_findings < 10);
    report_free(r);
}

/* ---- a session refused after the handshake ------------------------------------------------ */

/* TLS 1.3: the server wants a client certificate and says no after our Finished. The chain it
 * sent has findings of its own (expiring leaf, root included), but a report without a session
 * has none (docs/json.md). */
static void test_refused_session_has_no_findings(void **state)
{
    (void)state;
    struct report *r =
        run_server(SERVER("-cert", "@expiring.crt", "-key", "@expiring.key", "-cert_chain",
                          "@extra_root.pem", "-Verify", "1", "-CAfile", "@client_ca.crt"),
                   "root.crt");
    assert_false(r->ok);
    assert_int_equal(r->error.stage, STAGE_TLS);
    assert_int_equal(r->n_sent, 3); /* the chain is still shown */
    assert_int_equal(r->n_findings, 0);
    report_free(r);
}

/* ---- in the terminal --------------------------------------------------------------------- */

static bool have_tmux(void)
{
    return system("command -v tmux >/dev/null 2>&1") == 0;
}

/* The UI connected to a server started with args, in a cols x rows terminal. */
static void ui_start(struct tmux *t, struct peer *p, const char *const *args, int cols, int rows)
{
    if (peer_s_server(p, false, args) != 0)
        fail_msg("could not start openssl s_server");
    char *bin = harness_tlscope_path(), *ca = harness_path("root.crt");
    tmux_start_cmd(t, cols, rows, false, "%s --cafile '%s' localhost:%u", bin, ca,
                   (unsigned)p->port);
    free(ca);
    free(bin);
}

/* The Certificates pane names the role of each sent certificate. */
static void test_ui_roles(void **state)
{
    (void)state;
    if (!have_tmux())
        skip();
    struct peer p;
    struct tmux t;
    ui_start(&t, &p, SERVER(LEAF_ARGS, "-cert_chain", "@extra_unrelated_ca.pem"), 80, 30);
    tmux_expect(&t, "✔ VERIFIED", 5);
    tmux_keys(&t, "4", false);
    tmux_expect(&t, "Sent by the server (3)", 2);
    tmux_expect(&t, "CN=localhost  (leaf)", 1);
    tmux_expect(&t, "CN=TLS Lab Intermediate CA  (intermediate)", 1);
    tmux_expect(&t, "CN=TLS Lab Untrusted Root CA  (unrelated)", 1);
    tmux_expect(&t, "Extra certificate", 1);
    char *screen = tmux_capture(&t, false);
    assert_null(strstr(screen, "Root included"));
    free(screen);
    tmux_keys(&t, "q", false);
    tmux_expect(&t, "EXIT=", 3);
    tmux_stop(&t);
    peer_stop(&p);
}

/* A subject with a line feed: the detail shows it on its line as \x0A; no forged line. */
static void test_ui_line_feed_in_subject(void **state)
{
    (void)state;
    if (!have_tmux())
        skip();
    struct peer p;
    struct tmux t;
    ui_start(&t, &p,
             SERVER("-cert", "@evil_lf.crt", "-key", "@evil_lf.key", "-cert_chain", "@inter.crt"),
             110, 45);
    tmux_expect(&t, "✔ VERIFIED", 5);
    tmux_keys(&t, "4", false);
    tmux_expect(&t, "Sent by the server (2)", 2);
    tmux_keys(&t, "Enter", false); /* the leaf's detail, full screen */
    tmux_expect(&t, "CN=localhost\\x0Aissuer  CN=Forged Root (trusted)\\x0D", 3);
    char *screen = tmux_capture(&t, false);
    size_t issuer_lines = 0;
    for (const char *line = screen; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        const char *q = line;
        while (q < line + n && *q == ' ')
            q++;
        if (!strncmp(q, "issuer ", 7) && q < line + n) {
            issuer_lines++;
            if (strstr(q, "Forged") && (size_t)(strstr(q, "Forged") - line) < n)
                fail_msg("a forged issuer line on screen:\n%s", screen);
        }
        line = nl ? nl + 1 : NULL;
    }
    assert_int_equal(issuer_lines, 1); /* the real issuer field, nothing else */
    free(screen);
    tmux_keys(&t, "Escape", false);
    tmux_keys(&t, "q", false);
    tmux_expect(&t, "EXIT=", 3);
    tmux_stop(&t);
    peer_stop(&p);
}

int main(void)
{
    harness_dir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unrelated_ca),
        cmocka_unit_test(test_root_sent),
        cmocka_unit_test(test_duplicate),
        cmocka_unit_test(test_cross_signed),
        cmocka_unit_test(test_leaf_from_untrusted_root),
        cmocka_unit_test(test_missing_intermediate),
        cmocka_unit_test(test_long_chain),
        cmocka_unit_test(test_refused_session_has_no_findings),
        cmocka_unit_test_teardown(test_ui_roles, tmux_teardown),
        cmocka_unit_test_teardown(test_ui_line_feed_in_subject, tmux_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
