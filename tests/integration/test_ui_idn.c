/* International host names in the UI's host line (issue 8 item 13): typed in UTF-8, shown
 * with the ASCII form they connect to (A-labels, RFC 3492), looked up as that form, kept in
 * the history as typed; names that cannot be host names are refused with the reason. The
 * UI runs inside `unshare -n`, so no lookup of a made-up name leaves the machine. */
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
#include "util/fsutil.h"
#include "util/mem.h"

static char *bin;

/* True when this machine can run a command without a network (unshare -n). */
static bool offline_works(void)
{
    return system("unshare -n true >/dev/null 2>&1") == 0;
}

static void start_offline(struct tmux *t)
{
    tmux_start_cmd(t, 100, 24, false, "unshare -n %s", bin);
    tmux_expect(t, "TLS connection explorer", 5);
}

static void test_idn_host_line(void **state)
{
    (void)state;
    if (!offline_works())
        skip();
    struct tmux t;
    start_offline(&t);
    tmux_keys(&t, "bücher.example", true);
    /* the typed name, whole, and beside it what it connects to */
    tmux_expect(&t, "host › bücher.example", 2);
    tmux_expect(&t, "→ xn--bcher-kva.example", 2);
    tmux_keys(&t, "Enter", false);
    /* looked up as the A-label; the message names both forms (never "bcher.example") */
    tmux_expect(&t, "'xn--bcher-kva.example' (bücher.example)", 10);
    char *s = tmux_capture(&t, false);
    if (strstr(s, " bcher.example"))
        fail_msg("the non-ASCII letter was dropped:\n%s", s);
    free(s);
    tmux_keys(&t, "h", true);
    tmux_expect(&t, "Recent", 2);
    tmux_expect(&t, "bücher.example  → xn--bcher-kva", 2);
    /* editing moves over whole characters: Left twice from the end, then Backspace on 'ü' */
    tmux_keys(&t, "C-u", false);
    tmux_keys(&t, "bü", true);
    tmux_keys(&t, "BSpace", false);
    tmux_keys(&t, "x.example", true);
    tmux_expect(&t, "host › bx.example", 2);
    /* a space is no part of a host name: refused before any lookup, with the reason */
    tmux_keys(&t, "C-u", false);
    tmux_keys(&t, "bü cher.example", true);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "U+0020 is not allowed in a host name", 3);
    tmux_keys(&t, "C-c", false);
    tmux_expect(&t, "EXIT=", 3);
    /* the history keeps the name as typed, UTF-8 intact */
    char *path = xasprintf("%s/.local/state/tlscope/history", t.home), *data = NULL, err[256];
    size_t n = 0;
    assert_int_equal(file_read_bounded(path, 1 << 20, &data, &n, err, sizeof err), 0);
    assert_string_equal(data, "bücher.example\n");
    free(data);
    free(path);
    tmux_stop(&t);
}

/* Connected to an international name, the result screen's title shows both forms. The name
 * resolves through a hosts file bind-mounted over /etc/hosts in a mount namespace of its own
 * (files come before DNS in nsswitch), so no query leaves the machine. */
static void test_idn_result_title(void **state)
{
    (void)state;
    if (system("unshare -m true >/dev/null 2>&1") != 0)
        skip();
    struct peer p;
    static const char *const args[] = {"-cert", "@leaf.crt", "-key", "@leaf.key", NULL};
    assert_int_equal(peer_s_server(&p, false, args), 0);
    char *hosts = harness_path("idn.hosts"), err[256];
    static const char text[] = "127.0.0.1 localhost\n127.0.0.1 xn--bcher-kva.example\n";
    assert_int_equal(file_write_atomic(hosts, text, sizeof text - 1, 0644, true, err, sizeof err),
                     0);
    struct tmux t;
    tmux_start_cmd(&t, 100, 24, false,
                   "unshare -m sh -c 'mount --bind %s /etc/hosts && exec %s --no-verify "
                   "bücher.example:%u'",
                   hosts, bin, (unsigned)p.port);
    char *want = xasprintf("tlscope — xn--bcher-kva.example:%u (bücher.example) → 127.0.0.1",
                           (unsigned)p.port);
    tmux_expect(&t, want, 8);
    tmux_keys(&t, "q", true);
    tmux_expect(&t, "EXIT=", 3);
    tmux_stop(&t);
    free(want);
    free(hosts);
    peer_stop(&p);
}

int main(void)
{
    harness_dir();
    if (tmux_missing())
        return 0;
    bin = harness_tlscope_path();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_idn_host_line, tmux_teardown),
        cmocka_unit_test_teardown(test_idn_result_title, tmux_teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(bin);
    return rc;
}
