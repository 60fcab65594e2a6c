/* Files the UI writes go through the one safe writer, as a person meets it in a real terminal
 * (tmux) against a real s_server: `x` (export the chain) and `w` (write the report) onto a
 * FIFO, a device or a symlink are refused with a message naming the path and what it is —
 * before any "overwrite?" question — and the thing stays what it was; a regular file is still
 * written, and replaced after "overwrite? y". `K` refuses a symlink as the key log. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/harness.h"
#include "lib/tmux.h"
#include "util/fsutil.h"
#include "util/mem.h"

#define GOOD_CHAIN "-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain", "@inter.crt"
#define ARGS(...)  ((const char *const[]){__VA_ARGS__, NULL})

static char *bin, *root_ca;

/* A good-chain server and the UI connected to it in a 160x30 terminal, its verdict on screen. */
static void start_good(struct peer *p, struct tmux *t)
{
    assert_int_equal(peer_s_server(p, false, ARGS(GOOD_CHAIN)), 0);
    tmux_start_cmd(t, 160, 30, false, "%s --cafile '%s' localhost:%u", bin, root_ca,
                   (unsigned)p->port);
    tmux_expect(t, "✔ VERIFIED", 5);
}

static mode_t type_of(const char *path)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    return st.st_mode & S_IFMT;
}

/* Answers the open prompt (whose label is `prompt`) with path. */
static void answer(struct tmux *t, const char *prompt, const char *path)
{
    tmux_expect(t, prompt, 2);
    tmux_keys(t, "C-u", false);
    tmux_keys(t, path, true);
    tmux_keys(t, "Enter", false);
}

/* Presses key, answers its prompt with path and expects the refusal "PATH says" on screen,
 * never the overwrite question. */
static void expect_refused(struct tmux *t, const char *key, const char *prompt, const char *path,
                           const char *says)
{
    tmux_keys(t, key, false);
    answer(t, prompt, path);
    char *want = xasprintf("%s %s", path, says);
    tmux_expect(t, want, 2);
    char *screen = tmux_capture(t, false);
    if (strstr(screen, "overwrite?"))
        fail_msg("asked to overwrite %s:\n%s", path, screen);
    free(screen);
    free(want);
}

static void test_export_refuses_fifo_and_symlink(void **state)
{
    (void)state;
    struct peer p;
    struct tmux t;
    start_good(&p, &t);
    tmux_keys(&t, "4", false);
    tmux_expect(&t, "Sent by the server (2)", 2);
    char *fifo = xasprintf("%s/chain.fifo", t.home), *target = xasprintf("%s/target", t.home);
    char *link = xasprintf("%s/chain-link.pem", t.home), *pem = xasprintf("%s/chain.pem", t.home);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(file_write_atomic(target, "keep\n", 5, 0644, false, NULL, 0), 0);
    assert_int_equal(symlink(target, link), 0);

    expect_refused(&t, "x", "Export sent chain to:", fifo,
                   "is a FIFO, not a regular file; not written");
    assert_int_equal(type_of(fifo), S_IFIFO);
    expect_refused(&t, "x", "Export sent chain to:", link,
                   "is a symbolic link; not followed, not written");
    assert_int_equal(type_of(link), S_IFLNK);
    char *data = NULL;
    size_t n = 0;
    assert_int_equal(file_read_bounded(target, 1024, &data, &n, NULL, 0), 0);
    assert_string_equal(data, "keep\n");
    free(data);

    /* a regular file: written, then replaced after "overwrite? y" */
    tmux_keys(&t, "x", false);
    answer(&t, "Export sent chain to:", pem);
    tmux_expect(&t, "wrote 2 certificates to", 2);
    tmux_keys(&t, "x", false);
    answer(&t, "Export sent chain to:", pem);
    tmux_expect(&t, "exists; overwrite? y/n", 2);
    tmux_keys(&t, "y", false);
    tmux_expect(&t, "wrote 2 certificates to", 2);
    assert_int_equal(type_of(pem), S_IFREG);

    tmux_keys(&t, "q", false);
    tmux_expect(&t, "EXIT=0", 3);
    free(fifo), free(target), free(link), free(pem);
    tmux_stop(&t);
    peer_stop(&p);
}

/* The report (w) onto a FIFO and onto /dev/full — the case that, as root, replaced /dev/full
 * with a regular file — and a symlink as the key log (K). */
static void test_report_and_keylog_refused(void **state)
{
    (void)state;
    struct peer p;
    struct tmux t;
    start_good(&p, &t);
    char *fifo = xasprintf("%s/report.fifo", t.home);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    expect_refused(&t, "w", "Write report to:", fifo, "is a FIFO, not a regular file; not written");
    assert_int_equal(type_of(fifo), S_IFIFO);
    expect_refused(&t, "w", "Write report to:", "/dev/full",
                   "is a device, not a regular file; not written");
    assert_int_equal(type_of("/dev/full"), S_IFCHR);

    char *target = xasprintf("%s/keys-target", t.home), *link = xasprintf("%s/keys.log", t.home);
    assert_int_equal(file_write_atomic(target, "", 0, 0600, false, NULL, 0), 0);
    assert_int_equal(symlink(target, link), 0);
    expect_refused(&t, "K", "Key log file:", link, "is a symbolic link; not followed, not written");
    tmux_expect(&t, "key log:", 1);
    assert_int_equal(type_of(link), S_IFLNK);

    tmux_keys(&t, "q", false);
    tmux_expect(&t, "EXIT=0", 3);
    free(fifo), free(target), free(link);
    tmux_stop(&t);
    peer_stop(&p);
}

int main(void)
{
    harness_dir();
    if (tmux_missing())
        return 0;
    bin = harness_tlscope_path();
    root_ca = harness_path("root.crt");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_export_refuses_fifo_and_symlink, tmux_teardown),
        cmocka_unit_test_teardown(test_report_and_keylog_refused, tmux_teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(bin);
    free(root_ca);
    return rc;
}
