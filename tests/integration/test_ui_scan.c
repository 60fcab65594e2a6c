/* The Scan screen in a real terminal (tmux): S on a result scans the server, filling in live;
 * Enter on an answer shows its evidence (the hello sent and the reply, decoded and in hex); d
 * compares with the previous scan of the run; Esc cancels a running scan; S on the home
 * screen's recent list scans that target. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/harness.h"
#include "lib/tmux.h"
#include "util/mem.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static char *bin, *root_ca;

static void start_ui(struct tmux *t, const char *args)
{
    char *cmd = xasprintf("%s %s; echo EXIT=$?", bin, args);
    if (tmux_start(t, 120, 40, NULL, false, cmd) != 0)
        fail_msg("tmux did not start");
    free(cmd);
}

static void test_ui_scan_result(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_s_server(&p, false,
                                   ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain",
                                        "@inter.crt", "-cipher", "ALL:@SECLEVEL=0")),
                     0);
    char *args = xasprintf("--cafile '%s' localhost:%u", root_ca, (unsigned)p.port);
    struct tmux t;
    start_ui(&t, args);
    free(args);
    tmux_expect(&t, "✔ VERIFIED", 5);
    tmux_keys(&t, "S", true);
    tmux_expect(&t, "Scan  localhost:", 3);
    tmux_expect(&t, " done: ", 30);
    tmux_expect_line(&t, "TLSv1.2", "yes", 2);
    tmux_expect_line(&t, "TLS_RSA_WITH_AES_128_CBC_SHA ", "CBC, no FS", 2);
    /* Enter: the evidence of the selected answer (the first: TLS 1.3's first probe) */
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "Probe 0: TLSv1.3 suites", 3);
    tmux_expect(&t, "ClientHello", 2);
    tmux_expect(&t, "0000  16 03 01", 2);
    tmux_keys(&t, "Escape", false);
    tmux_expect(&t, "Cipher suites (a number", 3);
    tmux_keys(&t, "d", true);
    tmux_expect(&t, "no earlier scan", 3);
    tmux_keys(&t, "Escape", false);
    tmux_expect(&t, "✔ VERIFIED", 3);
    /* a second scan of the same server: d finds nothing new */
    tmux_keys(&t, "S", true);
    tmux_expect(&t, " done: ", 30);
    tmux_keys(&t, "d", true);
    tmux_expect(&t, "The two scans found the same.", 3);
    tmux_keys(&t, "Escape", false);
    tmux_keys(&t, "Escape", false);
    tmux_expect(&t, "✔ VERIFIED", 3);
    tmux_keys(&t, "q", true);
    tmux_expect(&t, "EXIT=", 3);
    tmux_stop(&t);
    peer_stop(&p);
}

/* With --delay 300 the scan is slow enough to catch: Esc cancels it, the answers so far stay. */
static void test_ui_scan_cancel(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_s_server(&p, false, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key")), 0);
    char *args = xasprintf("--no-verify --delay 300 127.0.0.1:%u", (unsigned)p.port);
    struct tmux t;
    start_ui(&t, args);
    free(args);
    tmux_expect(&t, "NOT VERIFIED", 5);
    tmux_keys(&t, "S", true);
    tmux_expect(&t, "scanning: ", 3);
    tmux_keys(&t, "Escape", false);
    tmux_expect(&t, " cancelled: ", 3);
    tmux_expect(&t, "scan cancelled", 2);
    tmux_keys(&t, "Escape", false);
    tmux_expect(&t, "NOT VERIFIED", 3);
    tmux_keys(&t, "q", true);
    tmux_expect(&t, "EXIT=", 3);
    tmux_stop(&t);
    peer_stop(&p);
}

/* S on the home screen's demo list scans that lab server; at 80x24 the matrix falls back to
 * OpenSSL's shorter names, its columns only the versions that accept suites. */
static void test_ui_scan_from_home(void **state)
{
    (void)state;
    struct tmux t;
    char *cmd = xasprintf("%s --demo; echo EXIT=$?", bin);
    if (tmux_start(&t, 80, 24, NULL, false, cmd) != 0)
        fail_msg("tmux did not start");
    free(cmd);
    tmux_expect(&t, "Demo lab", 10);
    tmux_keys(&t, "Tab", false);
    tmux_keys(&t, "Tab", false);
    tmux_expect(&t, "S scan", 5); /* the hint names the key once a demo target has focus */
    tmux_keys(&t, "S", true);
    tmux_expect(&t, "Scan  localhost:", 10);
    tmux_expect(&t, " done: ", 30);
    tmux_expect(&t, "suite (OpenSSL name)", 2);
    tmux_expect_line(&t, "TLSv1.2 TLSv1.3", "bits", 2);
    tmux_expect_line(&t, "TLS_AES_128_GCM_SHA256", "✔", 2);
    tmux_keys(&t, "Escape", false);
    tmux_expect(&t, "Demo lab", 3);
    tmux_keys(&t, "C-c", false);
    tmux_expect(&t, "EXIT=", 5);
}

int main(void)
{
    harness_dir();
    if (tmux_missing())
        return 0;
    bin = harness_tlscope_path();
    root_ca = harness_path("root.crt");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_ui_scan_result, tmux_teardown),
        cmocka_unit_test_teardown(test_ui_scan_cancel, tmux_teardown),
        cmocka_unit_test_teardown(test_ui_scan_from_home, tmux_teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    free(bin);
    free(root_ca);
    return failed;
}
