/* The UI's STARTTLS pane and the Summary's HTTP section (issue 12), driven through tmux against
 * local peers (tests/lib/starttls_peer.c): the pane (key 7) shows the choice and the
 * transcript; its tab shows only for a connection that ran a dialogue; the Summary shows the
 * HTTP probe's status and HSTS; a lab STARTTLS server connects from the home screen. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/harness.h"
#include "lib/starttls_peer.h"
#include "lib/tmux.h"
#include "util/mem.h"

static char *bin, *root_ca;

static void start_ui(struct tmux *t, int cols, int rows, const char *args)
{
    tmux_start_cmd(t, cols, rows, false, "%s %s", bin, args);
}

static void test_starttls_pane(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_starttls(&p, "smtp", STP_OK, NULL), 0);
    char *args = xasprintf("--cafile '%s' --starttls smtp --ehlo-name ui.example 127.0.0.1:%u",
                           root_ca, (unsigned)p.port);
    struct tmux t;
    start_ui(&t, 80, 24, args);
    tmux_expect(&t, "✔ VERIFIED", 8);
    tmux_expect_line(&t, "STARTTLS", "smtp, chosen by option", 2); /* the Summary's line */
    tmux_expect(&t, "7 STAR", 2); /* seven tabs at 80 columns: names cut, all there */
    tmux_keys(&t, "2", false);    /* the ladder says what came before it */
    tmux_expect(&t, "STARTTLS smtp before the ladder: 8 lines", 3);
    tmux_keys(&t, "7", false);
    tmux_expect(&t, "STARTTLS smtp", 3);
    tmux_expect_line(&t, "chosen by", "option: --starttls smtp", 2);
    tmux_expect_line(&t, "▶", "EHLO ui.example", 2);
    tmux_expect_line(&t, "capabilities", "PIPELINING", 2);
    tmux_keys(&t, "G", false); /* the last line: the go-ahead, and its detail below */
    tmux_expect_line(&t, "◀", "220 2.0.0 Ready to start TLS", 2);
    tmux_expect(&t, "received line 8 of 8", 2);
    tmux_keys(&t, "q", false);
    tmux_expect(&t, "EXIT=", 3);
    tmux_stop(&t);
    peer_stop(&p);
    free(args);
}

static void test_http_section_and_no_tab(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_starttls(&p, "https", STP_OK,
                                   "HTTP/1.1 200 OK\r\nServer: ui-test\r\n"
                                   "Strict-Transport-Security: max-age=600"),
                     0);
    char *args = xasprintf("--cafile '%s' --http=/ui 127.0.0.1:%u", root_ca, (unsigned)p.port);
    struct tmux t;
    start_ui(&t, 100, 40, args);
    tmux_expect(&t, "VERIFIED", 8);
    tmux_expect_line(&t, "status", "HTTP/1.1 200 OK", 3);
    tmux_expect_line(&t, "server", "ui-test", 2);
    tmux_expect_line(&t, "HSTS", "max-age 0 days", 2);
    char *s = tmux_capture(&t, false);
    assert_null(strstr(s, "STARTTLS")); /* no dialogue: no tab, no line */
    free(s);
    tmux_keys(&t, "7", false); /* a hidden pane's key does nothing */
    tmux_expect_line(&t, "status", "HTTP/1.1 200 OK", 2);
    tmux_keys(&t, "q", false);
    tmux_expect(&t, "EXIT=", 3);
    tmux_stop(&t);
    peer_stop(&p);
    free(args);
}

static void test_lab_smtp(void **state)
{
    (void)state;
    struct tmux t;
    start_ui(&t, 100, 40, "--demo");
    tmux_expect(&t, "smtp-starttls", 10);
    tmux_keys(&t, "Tab", false); /* the profiles, then the lab */
    tmux_keys(&t, "Tab", false);
    tmux_expect(&t, "▸ good", 2);
    for (int i = 0; i < 12 && !tmux_wait_for(&t, "▸ smtp-starttls", 0.3); i++)
        tmux_keys(&t, "Down", false);
    tmux_expect(&t, "▸ smtp-starttls", 1);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "VERIFIED", 8);
    tmux_keys(&t, "7", false);
    tmux_expect_line(&t, "◀", "220 2.0.0 Ready to start TLS", 3);
    tmux_keys(&t, "q", false);
    tmux_stop(&t);
}

int main(void)
{
    if (tmux_missing())
        return 0;
    bin = harness_tlscope_path();
    root_ca = harness_path("root.crt");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_starttls_pane, tmux_teardown),
        cmocka_unit_test_teardown(test_http_section_and_no_tab, tmux_teardown),
        cmocka_unit_test_teardown(test_lab_smtp, tmux_teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(bin);
    free(root_ca);
    return rc;
}
