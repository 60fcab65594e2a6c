/* Files tlscope writes on the command line go through the one safe writer: --keylog against a
 * real s_server peer — an existing 0644 key log ends 0600 and is appended to, a symlink, a
 * FIFO and a device (/dev/full) are refused before connecting (exit 64, the path and what it
 * is on stderr, nothing on stdout, the thing left as it was), and a key log that cannot be
 * written during the handshake (RLIMIT_FSIZE: EFBIG) fails the run the same way instead of
 * exiting 0 with no keys saved. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/harness.h"
#include "util/fsutil.h"
#include "util/mem.h"

#define GOOD_CHAIN  "-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain", "@inter.crt"
#define SERVER(...) ((const char *const[]){__VA_ARGS__, NULL})

static struct peer good;
static char target[64];
static char *root_ca;

static int setup(void **state)
{
    (void)state;
    if (peer_s_server(&good, false, SERVER(GOOD_CHAIN)) != 0)
        return -1;
    snprintf(target, sizeof(target), "127.0.0.1:%u", (unsigned)good.port);
    root_ca = harness_path("root.crt");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    peer_stop(&good);
    free(root_ca);
    return 0;
}

/* Runs tlscope --json --cafile ROOT --keylog keylog TARGET; returns the exit status. */
static int run_keylog(const char *keylog, char **out, char **err)
{
    const char *const argv[] = {"--json", "--cafile", root_ca, "--keylog", keylog, target, NULL};
    int st = run_tlscope(argv, 20, out, err);
    if (st < 0)
        fail_msg("could not run tlscope");
    return st;
}

static char *slurp(const char *path)
{
    char *data, err[600];
    size_t n;
    if (file_read_bounded(path, 1 << 20, &data, &n, err, sizeof(err)) < 0)
        fail_msg("%s", err);
    return data;
}

static int count_lines(const char *text, const char *prefix)
{
    int n = 0;
    size_t len = strlen(prefix);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        n += strncmp(p, prefix, len) == 0;
    return n;
}

static mode_t type_of(const char *path)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    return st.st_mode & S_IFMT;
}

/* The run was refused before anything was written: exit 64, stderr says the path and what it
 * is, stdout is empty. */
static void assert_refused(int st, const char *out, const char *err, const char *path,
                           const char *says)
{
    char *want = xasprintf("tlscope: --keylog %s %s", path, says);
    if (st != 64 || !strstr(err, want))
        fail_msg("exit %d, stderr:\n%s\nwanted exit 64 and: %s", st, err, want);
    assert_string_equal(out, "");
    free(want);
}

/* An existing key log readable by everyone (0644) is narrowed to 0600 and appended to. */
static void test_keylog_existing_made_private(void **state)
{
    (void)state;
    char *path = harness_path("files-keys.log");
    unlink(path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("# earlier keys\n", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, 0644), 0);
    char *out, *err;
    int st = run_keylog(path, &out, &err);
    if (st != 0)
        fail_msg("exit %d: %s", st, err);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0600);
    char *text = slurp(path);
    assert_true(strncmp(text, "# earlier keys\n", 15) == 0);
    assert_int_equal(count_lines(text, "CLIENT_TRAFFIC_SECRET_0 "), 1);
    free(text);
    free(out);
    free(err);
    unlink(path);
    free(path);
}

/* A symlink at the key log's path is not followed: its target stays empty, the link stays a
 * link, and no connection is made. A dangling link creates nothing. */
static void test_keylog_symlink_refused(void **state)
{
    (void)state;
    char *victim = harness_path("files-victim"), *link = harness_path("files-link.log");
    char *dangling = harness_path("files-dangling.log"), *nowhere = harness_path("files-nowhere");
    unlink(victim), unlink(link), unlink(dangling), unlink(nowhere);
    FILE *f = fopen(victim, "w");
    assert_non_null(f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(symlink(victim, link), 0);
    assert_int_equal(symlink(nowhere, dangling), 0);
    char *out, *err;
    int st = run_keylog(link, &out, &err);
    assert_refused(st, out, err, link, "is a symbolic link; not followed, not written");
    free(out);
    free(err);
    struct stat sb;
    assert_int_equal(stat(victim, &sb), 0);
    assert_int_equal(sb.st_size, 0);
    assert_int_equal(type_of(link), S_IFLNK);

    st = run_keylog(dangling, &out, &err);
    assert_refused(st, out, err, dangling, "is a symbolic link; not followed, not written");
    assert_int_equal(access(nowhere, F_OK), -1);
    free(out);
    free(err);
    unlink(victim), unlink(link), unlink(dangling);
    free(victim), free(link), free(dangling), free(nowhere);
}

/* A FIFO nobody reads (opening it for writing would block) and /dev/full are refused at once
 * and stay what they were. */
static void test_keylog_fifo_and_device_refused(void **state)
{
    (void)state;
    char *fifo = harness_path("files-keys.fifo");
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    char *out, *err;
    int st = run_keylog(fifo, &out, &err);
    assert_refused(st, out, err, fifo, "is a FIFO, not a regular file; not written");
    assert_int_equal(type_of(fifo), S_IFIFO);
    free(out);
    free(err);
    unlink(fifo);
    free(fifo);

    st = run_keylog("/dev/full", &out, &err);
    assert_refused(st, out, err, "/dev/full", "is a device, not a regular file; not written");
    assert_int_equal(type_of("/dev/full"), S_IFCHR);
    free(out);
    free(err);
}

/* Keys that cannot be written during the handshake fail the run: a shell ignores SIGXFSZ and
 * sets the file size limit to 0, so every write to the (regular, empty) key log fails with
 * EFBIG. Before the fix this exited 0 with an empty key log. */
static void test_keylog_write_error_fails_run(void **state)
{
    (void)state;
    char *path = harness_path("files-full.log");
    unlink(path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fclose(f), 0);
    char *bin = harness_tlscope_path();
    const char *const argv[] = {"sh",       "-c",    "trap '' XFSZ; ulimit -f 0; exec \"$@\"",
                                "sh",       bin,     "--json",
                                "--cafile", root_ca, "--keylog",
                                path,       target,  NULL};
    char *out, *err;
    int st = harness_run(argv, NULL, 20, &out, &err);
    char *want =
        xasprintf("tlscope: --keylog %s: cannot write the session keys: File too large", path);
    if (st != 64 || !strstr(err, want))
        fail_msg("exit %d, stderr:\n%s\nwanted exit 64 and: %s", st, err, want);
    assert_string_equal(out, "");
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, 0);
    free(want);
    free(out);
    free(err);
    free(bin);
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keylog_existing_made_private),
        cmocka_unit_test(test_keylog_symlink_refused),
        cmocka_unit_test(test_keylog_fifo_and_device_refused),
        cmocka_unit_test(test_keylog_write_error_fails_run),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
