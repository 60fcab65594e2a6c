/* issue 13: the certificate doctor in the UI, in a real terminal (tmux): a chain file typed as
 * the target or picked with `f` on the home screen (a PKCS#12 password asked with echo off),
 * its report with the Chain file section, `f` in a connection's Certificates pane (check the
 * file this server should have), `y` copying a certificate's PEM through OSC 52 into tmux's
 * buffer, and the Revocation and Certificate Transparency sections. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/pki.h"
#include "lib/harness.h"
#include "lib/pkitest.h"
#include "lib/tmux.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/timeutil.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static char *bin, *root_ca, *chain;

static void start(struct tmux *t, const char *args)
{
    tmux_start_cmd(t, 120, 40, false, "%s --cafile '%s' %s", bin, root_ca, args);
}

/* The lab's chain.pem typed on the home screen: its report, READY. */
static void check_chain_typed(struct tmux *t)
{
    start(t, "");
    tmux_expect(t, "Connect", 5);
    tmux_keys(t, chain, true);
    tmux_keys(t, "Enter", false);
    tmux_expect(t, "READY", 5);
}

/* A path typed as the target is checked, not dialled: the report says READY and shows the
 * file in the Certificates pane. */
static void test_home_path(void **state)
{
    (void)state;
    struct tmux t;
    check_chain_typed(&t);
    tmux_expect(&t, "tlscope — check", 2);
    tmux_keys(&t, "4", false);
    tmux_expect(&t, "Chain file", 3);
    tmux_expect_line(&t, "format", "PEM", 2);
    tmux_expect_line(&t, "deploy", "ready", 2);
    tmux_stop(&t);
}

/* f on the home screen asks for a file; a password-protected PKCS#12 file asks for its
 * password with echo off. */
static void test_home_f_password(void **state)
{
    (void)state;
    char *p12 = harness_path("ui_doctor.p12"), *key = harness_path("leaf.key"), *err = NULL;
    if (harness_run(ARGS("openssl", "pkcs12", "-export", "-in", chain, "-inkey", key, "-passout",
                         "pass:typed-pw", "-out", p12),
                    NULL, 30, NULL, &err) != 0)
        fail_msg("openssl pkcs12: %s", err);
    free(err);
    struct tmux t;
    start(&t, "");
    tmux_expect(&t, "Connect", 5);
    tmux_keys(&t, "Tab", false); /* the profile list: letters are keys there */
    tmux_keys(&t, "f", true);
    tmux_expect(&t, "chain file to check", 3);
    tmux_keys(&t, p12, true);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "password for the file", 3);
    tmux_keys(&t, "typed-pw", true);
    char *screen = tmux_capture(&t, false);
    if (strstr(screen, "typed-pw"))
        fail_msg("the password is echoed:\n%s", screen);
    free(screen);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "READY", 5);
    tmux_expect(&t, "PKCS#12", 2);
    tmux_stop(&t);
    free(p12), free(key);
}

/* y copies the selected certificate's PEM: tmux (set-clipboard on) keeps it as a buffer. */
static void test_copy_pem(void **state)
{
    (void)state;
    struct tmux t;
    start(&t, "");
    char *out = NULL;
    harness_run(ARGS("tmux", "-L", t.socket, "set-option", "-g", "set-clipboard", "on"), NULL, 10,
                NULL, NULL);
    tmux_expect(&t, "Connect", 5);
    tmux_keys(&t, chain, true);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "READY", 5);
    tmux_keys(&t, "4", false);
    tmux_expect(&t, "Chain file", 3);
    tmux_keys(&t, "y", true);
    tmux_expect(&t, "PEM copied", 3);
    bool found = false;
    for (int i = 0; i < 50 && !found; i++) {
        free(out);
        out = NULL;
        harness_run(ARGS("tmux", "-L", t.socket, "show-buffer"), NULL, 10, &out, NULL);
        found = out && strstr(out, "-----BEGIN CERTIFICATE-----");
        if (!found)
            tmux_wait_for(&t, "never-on-screen", 0.1);
    }
    if (!found)
        fail_msg("tmux's buffer holds no PEM: %s", out ? out : "(none)");
    free(out);
    tmux_stop(&t);
}

/* A connection's Certificates pane: f checks the chain the server should serve; the
 * Revocation section appears with --revocation. */
static void test_check_serve_and_revocation(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_s_server(&p, false,
                                   ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain",
                                        "@wrongorder_extra.pem")),
                     0);
    char *args = xasprintf("--revocation 127.0.0.1:%u", (unsigned)p.port);
    struct tmux t;
    start(&t, args);
    free(args);
    tmux_expect(&t, "VERIFIED", 8);
    tmux_keys(&t, "4", false);
    tmux_expect(&t, "Revocation (--revocation)", 3);
    tmux_expect(&t, "no certificate names an OCSP responder", 2);
    tmux_keys(&t, "f", true);
    tmux_expect(&t, "check the chain 127.0.0.1 should serve", 5);
    tmux_expect(&t, "READY", 2);
    tmux_stop(&t);
    peer_stop(&p);
}

/* A certificate with an SCT from a log the shipped list does not know. */
static void test_sct_section(void **state)
{
    (void)state;
    const struct pki_spec specs[] = {
        {.name = "log",
         .subject = "CN=UI Test Log",
         .key = PKI_EC_P256,
         .not_before_days = -1,
         .not_after_days = 30,
         .path_len = -1},
        {.name = "ca",
         .subject = "CN=UI Test CA",
         .key = PKI_EC_P256,
         .not_before_days = -1,
         .not_after_days = 300,
         .is_ca = true,
         .path_len = -1},
        {.name = "leaf",
         .subject = "CN=localhost",
         .issuer = "ca",
         .key = PKI_EC_P256,
         .not_before_days = -1,
         .not_after_days = 90,
         .path_len = -1,
         .san = "DNS:localhost",
         .sct_log = "log"},
    };
    struct pki *pk = NULL;
    char err[512];
    if (pki_generate(specs, 3, &pk, err, sizeof err) < 0)
        fail_msg("%s", err);
    char *path = harness_path("ui_sct.pem");
    const char *pem = pki_cert_pem(pk, "leaf");
    assert_int_equal(file_write_atomic(path, pem, strlen(pem), 0600, true, err, sizeof err), 0);
    struct tmux t;
    start(&t, "");
    tmux_expect(&t, "Connect", 5);
    tmux_keys(&t, path, true);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "NOT READY", 5);
    tmux_keys(&t, "4", false);
    tmux_expect(&t, "Certificate Transparency (1 SCT)", 3);
    tmux_expect_line(&t, "certificate", "unknown log", 2);
    tmux_stop(&t);
    pki_free(pk);
    free(path);
}

/* An HTTP peer serving one file (http_file, read at request time) for any path. */
static char http_file[512];

static void http_serve(int fd, const void *arg)
{
    (void)arg;
    char buf[4096], *data = NULL, err[256];
    size_t n = 0;
    (void)!read(fd, buf, sizeof buf);
    if (file_read_bounded(http_file, 1 << 20, &data, &n, err, sizeof err) == 0) {
        dprintf(fd, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", n);
        (void)!write(fd, data, n);
    }
    free(data);
    close(fd);
}

/* a on a chain with a missing intermediate reconnects with --aia: the Certificates pane then
 * lists what was fetched and that the chain verifies with it. */
static void test_fetch_aia(void **state)
{
    (void)state;
    struct peer web, tls;
    snprintf(http_file, sizeof http_file, "%s/ui_aia_inter.crt", harness_dir());
    assert_int_equal(peer_fork(&web, false, http_serve, NULL), 0);
    char *url = xasprintf("http://127.0.0.1:%u/inter.pem", (unsigned)web.port);
    const struct pki_spec specs[] = {
        PKITEST_ROOT("root", "CN=UI AIA Root"),
        PKITEST_INTER("inter", "CN=UI AIA Intermediate", "root"),
        PKITEST_LEAF("leaf", "inter", .san = "DNS:localhost,IP:127.0.0.1", .ca_issuers_url = url),
    };
    struct pki *pk = pkitest_make(specs, 3);
    pkitest_write(pk, "ui_aia_", (const char *const[]){"root", "inter", "leaf", NULL}, true);
    assert_int_equal(
        peer_s_server(&tls, false, ARGS("-cert", "@ui_aia_leaf.crt", "-key", "@ui_aia_leaf.key")),
        0);
    char *ca = harness_path("ui_aia_root.crt");
    struct tmux t;
    tmux_start_cmd(&t, 120, 40, false, "%s --cafile '%s' 127.0.0.1:%u", bin, ca,
                   (unsigned)tls.port);
    tmux_expect(&t, "NOT VERIFIED", 8);
    tmux_keys(&t, "4", false);
    tmux_expect(&t, "Missing intermediate", 3);
    tmux_keys(&t, "a", true);
    tmux_expect(&t, "Fetched through caIssuers", 8);
    tmux_expect(&t, "CN=UI AIA Intermediate", 2);
    tmux_expect_line(&t, "with them", "the chain verifies", 2);
    tmux_stop(&t);
    peer_stop(&tls);
    peer_stop(&web);
    pki_free(pk);
    free(url), free(ca);
}

/* --revocation against a responder and a CRL server that never answer (--timeout 20): the
 * status line says "fetching", Esc stops the fetches within a second and shows the connection
 * (it completed) with each unanswered question saying it was cancelled. */
static void test_esc_stops_fetches(void **state)
{
    (void)state;
    struct peer pit, tls;
    assert_int_equal(peer_tarpit(&pit), 0);
    char *u_ocsp = xasprintf("http://127.0.0.1:%u/ocsp", (unsigned)pit.port);
    char *u_crl = xasprintf("http://127.0.0.1:%u/crl", (unsigned)pit.port);
    const struct pki_spec specs[] = {
        PKITEST_ROOT("root", "CN=UI Fetch Root"),
        PKITEST_LEAF("leaf", "root", .san = "DNS:localhost,IP:127.0.0.1", .ocsp_url = u_ocsp,
                     .crl_url = u_crl),
    };
    struct pki *pk = pkitest_make(specs, 2);
    pkitest_write(pk, "ui_fetch_", (const char *const[]){"root", "leaf", NULL}, true);
    assert_int_equal(
        peer_s_server(&tls, false,
                      ARGS("-cert", "@ui_fetch_leaf.crt", "-key", "@ui_fetch_leaf.key")),
        0);
    char *ca = harness_path("ui_fetch_root.crt");
    struct tmux t;
    tmux_start_cmd(&t, 120, 40, false, "%s --cafile '%s' --revocation --timeout 20 127.0.0.1:%u",
                   bin, ca, (unsigned)tls.port);
    tmux_expect(&t, "fetching 127.0.0.1", 8);
    int64_t t0 = mono_ms();
    tmux_keys(&t, "Escape", false);
    if (!tmux_wait_for(&t, "fetches cancelled", 1.0))
        fail_msg("Esc did not stop the fetches within a second");
    assert_true(mono_ms() - t0 < 1000);
    tmux_expect(&t, "✔ VERIFIED", 2);
    tmux_keys(&t, "4", false);
    tmux_expect(&t, "Revocation (--revocation)", 3);
    tmux_expect_line(&t, "ocsp error", "/ocsp", 2);
    tmux_expect(&t, "cancelled before an answer", 2);
    tmux_stop(&t);
    peer_stop(&tls);
    peer_stop(&pit);
    pki_free(pk);
    free(u_ocsp), free(u_crl), free(ca);
}

/* m on a checked file's report asks for a private key and checks the file again
 * with it: the leaf's own key matches (READY); another certificate's key does not. */
static void test_match_key(void **state)
{
    (void)state;
    char *good = harness_path("leaf.key"), *other = harness_path("leaf_ec.key");
    struct tmux t;
    check_chain_typed(&t);
    tmux_expect(&t, "m match a key", 3);
    tmux_keys(&t, "m", false);
    tmux_expect(&t, "private key file to match with the leaf", 3);
    tmux_keys(&t, good, true);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "the key matches the leaf; ready to deploy", 5);
    tmux_expect_line(&t, "key", "matches the leaf", 2);
    tmux_keys(&t, "m", false);
    tmux_expect(&t, "private key file to match with the leaf", 3);
    tmux_keys(&t, other, true);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "the key belongs to another certificate; not ready", 5);
    tmux_expect(&t, "NOT READY", 2);
    tmux_stop(&t);
    free(good), free(other);
}

int main(void)
{
    harness_dir();
    if (tmux_missing())
        return 0;
    bin = harness_tlscope_path();
    root_ca = harness_path("root.crt");
    chain = harness_path("chain.pem");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_home_path, tmux_teardown),
        cmocka_unit_test_teardown(test_home_f_password, tmux_teardown),
        cmocka_unit_test_teardown(test_copy_pem, tmux_teardown),
        cmocka_unit_test_teardown(test_check_serve_and_revocation, tmux_teardown),
        cmocka_unit_test_teardown(test_sct_section, tmux_teardown),
        cmocka_unit_test_teardown(test_fetch_aia, tmux_teardown),
        cmocka_unit_test_teardown(test_esc_stops_fetches, tmux_teardown),
        cmocka_unit_test_teardown(test_match_key, tmux_teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(bin), free(root_ca), free(chain);
    return rc;
}
