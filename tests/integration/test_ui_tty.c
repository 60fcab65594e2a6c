/* The UI and its terminal, in a pseudo-terminal the test owns (tests/lib/pty.h): the terminal
 * going away without a SIGHUP (the master closed, SIGHUP blocked in the child) must end the UI
 * at once, without spinning; an unset or unknown TERM is named as the problem (exit 64). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/harness.h"
#include "lib/pty.h"
#include "util/timeutil.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static char *bin;

/* CPU seconds (user + system) the process has used so far, from /proc/PID/stat; -1 if unknown. */
static double proc_cpu_s(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    unsigned long long ut, st;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Fails the test with what the terminal showed (stopping the child first; fail() does not
 * return, so nothing is left to free). */
static void fail_with_output(struct pty_child *c, const char *what)
{
    print_error("%s; the terminal showed:\n%s\n", what, c->out ? c->out : "");
    pty_stop(c);
    fail();
}

/* The terminal disappears under the UI (connected to nothing, or in the middle of a
 * connection): it must exit within seconds, with status 2, having used next to no CPU since. */
static void terminal_goes_away(const char *const *argv, const char *drawn)
{
    struct pty_child c;
    assert_int_equal(pty_start(&c, argv, "xterm-256color", 80, 24), 0);
    if (!pty_wait_for(&c, drawn, 10))
        fail_with_output(&c, "the UI did not draw");
    /* until it has settled into its idle wait: no CPU used over 100 ms (bounded: 3 s) */
    double before = proc_cpu_s(c.pid);
    assert_true(before >= 0);
    for (int64_t until = mono_ms() + 3000; mono_ms() < until;) {
        usleep(100 * 1000);
        double now = proc_cpu_s(c.pid);
        bool idle = now == before;
        before = now;
        if (idle)
            break;
    }
    pty_close_master(&c);
    bool exited = pty_wait_exit(&c, 5);
    double after = c.cpu_s - before;
    pty_stop(&c);
    if (!exited)
        fail_msg("the UI was still running 5 s after its terminal went away (%.2f s of CPU "
                 "since; killed)",
                 after);
    assert_true(WIFEXITED(c.status));
    assert_int_equal(WEXITSTATUS(c.status), 2);
    if (after > 0.3)
        fail_msg("the UI used %.2f s of CPU after its terminal went away", after);
}

static void test_eof_on_home_screen_ends_ui(void **state)
{
    (void)state;
    terminal_goes_away(ARGS(bin), "explorer");
}

/* The same while a connection is in progress (a peer that never answers). */
static void test_eof_while_connecting_ends_ui(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_tarpit(&p), 0);
    char target[64];
    snprintf(target, sizeof target, "127.0.0.1:%u", (unsigned)p.port);
    terminal_goes_away(ARGS(bin, "--timeout", "30", target), "cancel");
    peer_stop(&p);
}

/* The harness itself: keys reach the UI through the pty, and q quits with status 0. */
static void test_keys_reach_ui(void **state)
{
    (void)state;
    struct pty_child c;
    assert_int_equal(pty_start(&c, ARGS(bin), "xterm-256color", 80, 24), 0);
    if (!pty_wait_for(&c, "explorer", 10))
        fail_with_output(&c, "the UI did not draw");
    if (!pty_wait_for(&c, "quit", 10)) /* the key hints: the last line of the first frame */
        fail_with_output(&c, "the UI did not draw its key hints");
    /* the first frame is complete once the UI has been quiet for 100 ms (bounded: 3 s) */
    size_t drawn;
    int64_t quiet_until = mono_ms() + 3000;
    do {
        drawn = c.out_len;
        pty_wait_for(&c, "\x01 (never sent)", 0.1);
    } while (c.out_len != drawn && mono_ms() < quiet_until);
    assert_int_equal(pty_send(&c, "\t"), 0); /* off the host line, where q is text */
    /* the UI redraws once it has read Tab (focus on the profile list) */
    for (int64_t until = mono_ms() + 5000; c.out_len == drawn && mono_ms() < until;)
        pty_wait_for(&c, "\x01 (never sent)", 0.05);
    if (c.out_len == drawn)
        fail_with_output(&c, "the UI drew nothing after Tab");
    assert_int_equal(pty_send(&c, "q"), 0);
    bool exited = pty_wait_exit(&c, 5);
    pty_stop(&c);
    assert_true(exited);
    assert_true(WIFEXITED(c.status));
    assert_int_equal(WEXITSTATUS(c.status), 0);
}

/* tlscope with this TERM on a terminal: it says that TERM is the problem and exits 64. */
static void bad_term(const char *term, const char *message)
{
    struct pty_child c;
    assert_int_equal(pty_start(&c, ARGS(bin), term, 80, 24), 0);
    bool said = pty_wait_for(&c, message, 10);
    bool exited = pty_wait_exit(&c, 5);
    if (!said) {
        print_error("expected \"%s\"\n", message);
        fail_with_output(&c, "TERM was not named");
    }
    bool old_message = strstr(c.out, "needs a terminal") != NULL;
    bool says_instead = strstr(c.out, "--format text") != NULL; /* what to do instead */
    pty_stop(&c);
    assert_true(exited);
    assert_true(WIFEXITED(c.status));
    assert_int_equal(WEXITSTATUS(c.status), 64);
    assert_false(old_message);
    assert_true(says_instead);
}

static void test_term_unset(void **state)
{
    (void)state;
    bad_term(NULL, "TERM is not set");
}

static void test_term_unknown(void **state)
{
    (void)state;
    bad_term("no-such-term-tlscope", "TERM 'no-such-term-tlscope' is unknown to terminfo");
}

/* TERM=dumb is in terminfo but cannot address the cursor: curses would draw garbage. */
static void test_term_dumb(void **state)
{
    (void)state;
    bad_term("dumb", "TERM 'dumb' cannot move the cursor");
}

/* An escape sequence in TERM is not echoed raw. */
static void test_term_unknown_sanitised(void **state)
{
    (void)state;
    struct pty_child c;
    assert_int_equal(pty_start(&c, ARGS(bin), "x\033]0;owned\007y", 80, 24), 0);
    bool said = pty_wait_for(&c, "unknown to terminfo", 10);
    pty_wait_exit(&c, 5);
    if (!said)
        fail_with_output(&c, "expected \"unknown to terminfo\"");
    bool raw = strstr(c.out, "\033]0;") != NULL;
    pty_stop(&c);
    assert_false(raw);
}

int main(void)
{
    harness_dir();
    bin = harness_tlscope_path();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_reach_ui),
        cmocka_unit_test(test_eof_on_home_screen_ends_ui),
        cmocka_unit_test(test_eof_while_connecting_ends_ui),
        cmocka_unit_test(test_term_unset),
        cmocka_unit_test(test_term_unknown),
        cmocka_unit_test(test_term_dumb),
        cmocka_unit_test(test_term_unknown_sanitised),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(bin);
    return rc;
}
