/* The demo lab in the real terminal UI (tmux): `--demo` draws the home screen at once, with
 * the lab's entries "starting", and then shows them ready; a lab that cannot start says why on
 * the status line and the UI carries on without it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/harness.h"
#include "lib/tmux.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/timeutil.h"

static char *bin;

/* The first offset of needle in hay[0..n), or -1. */
static long find(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; k <= n && i <= n - k; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return (long)i;
    return -1;
}

/* The whole terminal output of the program, as script(1) recorded it (NUL bytes and all). */
static char *read_log(const char *path, size_t *len)
{
    char *data = NULL, err[256];
    if (file_read_bounded(path, 1 << 22, &data, len, err, sizeof err) < 0)
        fail_msg("%s", err);
    return data;
}

/* The home screen is the first frame: it is drawn while the lab is still starting (the
 * program's own output, recorded by script(1), shows "Demo lab · starting…" before any ready
 * entry); the entries then show their expectations, and the lab serves. */
static void test_demo_home_first_then_ready(void **state)
{
    (void)state;
    struct tmux t;
    char *log = harness_path("ui-lab-demo.log");
    unlink(log);
    tmux_start_cmd(&t, 100, 40, false, "script -q -f -e -c '%s --demo' '%s'", bin, log);
    tmux_expect(&t, "TLS connection explorer", 5);
    tmux_expect(&t, "Demo lab", 5);
    if (!tmux_wait_gone(&t, "starting", 15))
        fail_msg("the demo lab did not become ready:\n%s", tmux_capture(&t, false));
    tmux_expect(&t, "good", 1);
    tmux_expect(&t, "✔ verified", 1);
    tmux_expect(&t, "✖ handshake fa", 1);

    size_t n = 0;
    char *out = read_log(log, &n);
    long home = find(out, n, "TLS connection explorer");
    long starting = find(out, n, "Demo lab · starting");
    long ready = find(out, n, "verified");
    print_message("output offsets: home %ld, starting %ld, ready entries %ld\n", home, starting,
                  ready);
    assert_true(home >= 0);
    assert_true(starting > home); /* the first frame has the lab starting */
    assert_true(ready > starting);
    free(out);

    /* and it serves: the good target verifies */
    tmux_keys(&t, "Tab", false);
    tmux_keys(&t, "Tab", false);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "✔ VERIFIED", 10);
    tmux_keys(&t, "C-c", false);
    tmux_expect(&t, "EXIT=", 5);
    tmux_stop(&t);
    unlink(log);
    free(log);
}

/* The lab's missing-intermediate target, then a on its chain: the intermediate is fetched
 * from the lab's own repository (the leaf's caIssuers URL) and the chain verifies with it. */
static void test_demo_aia(void **state)
{
    (void)state;
    struct tmux t;
    tmux_start_cmd(&t, 100, 30, false, "%s --demo", bin);
    tmux_expect(&t, "✔ verified", 15);
    tmux_keys(&t, "Tab", false);
    tmux_keys(&t, "Tab", false);
    for (int i = 0; i < 4; i++)
        tmux_keys(&t, "Down", false);
    tmux_expect_line(&t, "▸ missing-intermediate", "⚠", 3);
    tmux_keys(&t, "Enter", false);
    tmux_expect(&t, "NOT VERIFIED", 10);
    tmux_keys(&t, "4", false);
    tmux_expect(&t, "Missing intermediate", 3);
    tmux_keys(&t, "a", false);
    tmux_expect(&t, "Fetched through caIssuers", 10);
    tmux_expect_line(&t, "with them", "the chain verifies", 2);
    tmux_keys(&t, "C-c", false);
    tmux_expect(&t, "EXIT=", 5);
    tmux_stop(&t);
}

/* The lab's server process cannot listen (too few descriptors): the error names the target
 * and the cause on the status line, the demo list goes away, and the UI keeps working. */
static void test_demo_lab_fails_on_status_line(void **state)
{
    (void)state;
    struct tmux t;
    tmux_start_cmd(&t, 100, 30, false, "sh -c 'ulimit -n 12; exec %s --demo'", bin);
    tmux_expect(&t, "TLS connection explorer", 5);
    tmux_expect(&t, "cannot listen on loopback: Too many open files", 15);
    tmux_expect(&t, "demo lab, target ", 1);
    assert_true(tmux_wait_gone(&t, "Demo lab", 2));
    tmux_keys(&t, "Tab", false); /* host line → profiles: the UI still answers */
    tmux_expect(&t, "e edit", 3);
    tmux_keys(&t, "C-c", false);
    tmux_expect(&t, "EXIT=", 5);
    tmux_stop(&t);
}

int main(void)
{
    harness_dir();
    if (tmux_missing())
        return 0;
    bin = harness_tlscope_path();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_demo_home_first_then_ready, tmux_teardown),
        cmocka_unit_test_teardown(test_demo_lab_fails_on_status_line, tmux_teardown),
        cmocka_unit_test_teardown(test_demo_aia, tmux_teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(bin);
    return rc;
}
