/* The tmux helper leaves nothing behind on any exit path. Each test runs this binary again as a
 * child ("--child MODE") whose UI test goes wrong in one way — a failed tmux_expect (cmocka's
 * fail longjmps past tmux_stop) with or without a teardown, a SIGTERM, an abort() — and then
 * checks that no tmux server answers on the child's socket and that neither the server nor any
 * process of the pane (a shell that ignores SIGHUP, so kill-server alone would not end it)
 * remains. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/harness.h"
#include "lib/tmux.h"
#include "util/mem.h"
#include "util/timeutil.h"

/* The pane: ignores SIGHUP (inherited by sleep through exec), says it is ready, waits. */
#define PANE_CMD "sh -c \"trap '' HUP; echo tmuxlib-ready; exec sleep 120\""
#define GONE_MS  3000

/* ---- the child ---------------------------------------------------------------------------- */

static void child_start(struct tmux *t)
{
    if (tmux_start(t, 80, 24, NULL, false, PANE_CMD) != 0)
        fail_msg("tmux did not start");
    tmux_expect(t, "tmuxlib-ready", 5);
    fprintf(stderr, "TMUXLIB %s %d %d\n", t->socket, (int)t->server_pid, (int)t->pane_pid);
    fflush(stderr);
}

static void child_fails(void **state)
{
    (void)state;
    struct tmux t;
    child_start(&t);
    tmux_expect(&t, "this text is never on the screen", 0.3); /* fails: longjmp */
    tmux_stop(&t);                                            /* never reached */
}

static void child_signal(void **state)
{
    (void)state;
    struct tmux t;
    child_start(&t);
    kill(getpid(), SIGTERM);
    pause();
}

static void child_abort(void **state)
{
    (void)state;
    struct tmux t;
    child_start(&t);
    abort();
}

static struct tmux first;

static void child_first_fails(void **state)
{
    (void)state;
    child_start(&first);
    tmux_expect(&first, "this text is never on the screen", 0.3);
}

/* The next tmux_start has swept the server the failed test left. */
static void child_next_start_sweeps(void **state)
{
    (void)state;
    struct tmux t;
    if (tmux_start(&t, 80, 24, NULL, false, "echo second; sleep 120") != 0)
        fail_msg("tmux did not start");
    const char *argv[] = {"tmux", "-L", first.socket, "has-session", NULL};
    bool gone = harness_run(argv, NULL, 5, NULL, NULL) != 0 && !tmux_group_alive(first.pane_pid);
    if (gone)
        fprintf(stderr, "NEXT-SWEPT\n");
    tmux_stop(&t);
    assert_true(gone);
}

static int child_main(const char *mode)
{
    if (strcmp(mode, "teardown") == 0) {
        const struct CMUnitTest tests[] = {cmocka_unit_test_teardown(child_fails, tmux_teardown)};
        return cmocka_run_group_tests(tests, NULL, NULL);
    }
    if (strcmp(mode, "exit") == 0) {
        const struct CMUnitTest tests[] = {cmocka_unit_test(child_fails)};
        return cmocka_run_group_tests(tests, NULL, NULL);
    }
    if (strcmp(mode, "signal") == 0) {
        const struct CMUnitTest tests[] = {cmocka_unit_test(child_signal)};
        return cmocka_run_group_tests(tests, NULL, NULL);
    }
    if (strcmp(mode, "abort") == 0) {
        const struct CMUnitTest tests[] = {cmocka_unit_test(child_abort)};
        return cmocka_run_group_tests(tests, NULL, NULL);
    }
    if (strcmp(mode, "next") == 0) {
        const struct CMUnitTest tests[] = {cmocka_unit_test(child_first_fails),
                                           cmocka_unit_test(child_next_start_sweeps)};
        return cmocka_run_group_tests(tests, NULL, NULL);
    }
    fprintf(stderr, "unknown child mode %s\n", mode);
    return 2;
}

/* ---- the parent --------------------------------------------------------------------------- */

/* Alive and not a zombie (a reparented server may wait for a reaper). */
static bool pid_alive(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *rp = strrchr(buf, ')');
    char state = 'X';
    if (rp)
        sscanf(rp + 1, " %c", &state);
    return state != 'Z' && state != 'X';
}

/* Runs the child in mode; asserts that it did not succeed, and that what it started is gone. */
static void run_child_and_check(const char *mode, const char *must_say)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(n > 0);
    self[n] = '\0';
    const char *argv[] = {self, "--child", mode, NULL};
    char *out = NULL, *err = NULL;
    int st = harness_run(argv, NULL, 60, &out, &err);
    print_message("child %s: status %d\n", mode, st);
    assert_int_not_equal(st, 0); /* its test failed, or it died of the signal */

    const char *line = strstr(err, "TMUXLIB ");
    if (!line)
        fail_msg("the child never started its server:\n%s\n%s", out, err);
    char socket[64];
    int server = 0, pane = 0;
    assert_int_equal(sscanf(line, "TMUXLIB %63s %d %d", socket, &server, &pane), 3);
    assert_true(server > 0 && pane > 0);
    if (must_say && !strstr(err, must_say))
        fail_msg("the child did not say %s:\n%s", must_say, err);

    const char *has[] = {"tmux", "-L", socket, "has-session", NULL};
    assert_int_not_equal(harness_run(has, NULL, 5, NULL, NULL), 0);
    int64_t until = mono_ms() + GONE_MS;
    while ((pid_alive(server) || tmux_group_alive(pane)) && mono_ms() < until)
        usleep(20 * 1000);
    if (pid_alive(server))
        fail_msg("tmux server %d of %s still runs", server, socket);
    if (tmux_group_alive(pane))
        fail_msg("a process of the pane (group %d) of %s still runs", pane, socket);
    free(out);
    free(err);
}

static void test_failed_expect_with_teardown(void **state)
{
    (void)state;
    run_child_and_check("teardown", NULL);
}

static void test_failed_expect_swept_at_exit(void **state)
{
    (void)state;
    run_child_and_check("exit", NULL);
}

static void test_sigterm(void **state)
{
    (void)state;
    run_child_and_check("signal", NULL);
}

static void test_abort(void **state)
{
    (void)state;
    run_child_and_check("abort", NULL);
}

static void test_next_start_sweeps(void **state)
{
    (void)state;
    run_child_and_check("next", "NEXT-SWEPT");
}

/* The normal path: tmux_stop ends the server and the pane's processes, and unregisters. */
static void test_stop(void **state)
{
    (void)state;
    struct tmux t;
    assert_int_equal(tmux_start(&t, 80, 24, NULL, false, PANE_CMD), 0);
    tmux_expect(&t, "tmuxlib-ready", 5);
    char socket[64];
    snprintf(socket, sizeof socket, "%s", t.socket);
    pid_t server = t.server_pid, pane = t.pane_pid;
    tmux_stop(&t);
    const char *has[] = {"tmux", "-L", socket, "has-session", NULL};
    assert_int_not_equal(harness_run(has, NULL, 5, NULL, NULL), 0);
    assert_false(tmux_group_alive(pane));
    int64_t until = mono_ms() + GONE_MS;
    while (pid_alive(server) && mono_ms() < until)
        usleep(20 * 1000);
    assert_false(pid_alive(server));
    assert_int_equal(tmux_sweep(), 0); /* nothing left registered */
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--child") == 0)
        return child_main(argv[2]);
    harness_dir();
    if (tmux_missing())
        return 0;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_stop, tmux_teardown),
        cmocka_unit_test(test_failed_expect_with_teardown),
        cmocka_unit_test(test_failed_expect_swept_at_exit),
        cmocka_unit_test(test_sigterm),
        cmocka_unit_test(test_abort),
        cmocka_unit_test(test_next_start_sweeps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
