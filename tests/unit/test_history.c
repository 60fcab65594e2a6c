/* Unit tests for the host-line history (ui/history.c): order, duplicates, the bound, bad lines
 * in the file, and where it lives. */
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

#include "ui/history.h"
#include "util/fsutil.h"
#include "util/mem.h"

static char *tmpdir_new(void)
{
    char tmpl[] = "/tmp/tlscope-hist-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return xstrdup(d);
}

static void test_add_orders_dedupes_bounds(void **state)
{
    (void)state;
    char *dir = tmpdir_new();
    char *path = xasprintf("%s/sub/history", dir);
    struct strlist h = {0};
    char err[256];
    assert_int_equal(history_add(path, &h, "a:1", err, sizeof err), 0);
    assert_int_equal(history_add(path, &h, "b:2", err, sizeof err), 0);
    assert_int_equal(history_add(path, &h, "a:1", err, sizeof err), 0);
    assert_int_equal(h.len, 2);
    assert_string_equal(h.items[0], "a:1");
    assert_string_equal(h.items[1], "b:2");
    for (int i = 0; i < HISTORY_MAX + 20; i++) {
        char e[32];
        snprintf(e, sizeof e, "host%d", i);
        assert_int_equal(history_add(path, &h, e, err, sizeof err), 0);
    }
    assert_int_equal(h.len, HISTORY_MAX);
    assert_string_equal(h.items[0], "host119");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    struct strlist back = {0};
    assert_int_equal(history_load(path, &back, err, sizeof err), 0);
    assert_int_equal(back.len, HISTORY_MAX);
    assert_string_equal(back.items[0], "host119");
    assert_string_equal(back.items[HISTORY_MAX - 1], h.items[HISTORY_MAX - 1]);
    assert_int_equal(history_add(path, &h, "", err, sizeof err), -1);
    assert_int_equal(history_add(path, &h, "bad\x1b", err, sizeof err), -1);
    strlist_free(&h);
    strlist_free(&back);
    free(path);
    free(dir);
}

static void test_load_skips_bad_lines(void **state)
{
    (void)state;
    char *dir = tmpdir_new();
    char *path = xasprintf("%s/history", dir);
    char long_line[400];
    memset(long_line, 'x', sizeof long_line - 1);
    long_line[sizeof long_line - 1] = '\0';
    char *data = xasprintf("one\n\ntwo\x1b\none\n%s\nthree", long_line);
    char err[256];
    assert_int_equal(file_write_atomic(path, data, strlen(data), 0600, true, err, sizeof err), 0);
    struct strlist h = {0};
    assert_int_equal(history_load(path, &h, err, sizeof err), 0);
    assert_int_equal(h.len, 2);
    assert_string_equal(h.items[0], "one");
    assert_string_equal(h.items[1], "three");
    char *missing = xasprintf("%s/none", dir);
    assert_int_equal(history_load(missing, &h, err, sizeof err), 0);
    assert_int_equal(h.len, 0);
    assert_int_equal(history_load(dir, &h, err, sizeof err), -1);
    strlist_free(&h);
    free(missing), free(data), free(path), free(dir);
}

static void test_path(void **state)
{
    (void)state;
    setenv("XDG_STATE_HOME", "/x/state", 1);
    char *p = history_path();
    assert_string_equal(p, "/x/state/tlscope/history");
    free(p);
    setenv("XDG_STATE_HOME", "relative", 1);
    setenv("HOME", "/home/u", 1);
    p = history_path();
    assert_string_equal(p, "/home/u/.local/state/tlscope/history");
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_orders_dedupes_bounds),
        cmocka_unit_test(test_load_skips_bad_lines),
        cmocka_unit_test(test_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
