/* `make check-layers` (scripts/check-layers.sh) fails on a bad edge: each case plants one
 * #include in a scratch copy of src/ (a new file in a folder, so renames elsewhere do not
 * matter) and expects exit 1 and a line naming the file, the line and the header; the copy
 * as it is passes. The table's own rules (rows point down only, no stale exception) are
 * proved on a copy of the script. The README's copy of the table must match the script's.
 * Runs from the top of the source tree, as `make test` does. */
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
#include "util/fsutil.h"
#include "util/mem.h"

#define SCRIPT    "scripts/check-layers.sh"
#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static char *scratch; /* a private temp dir: copies of src/ and of the script */

static int setup(void **state)
{
    (void)state;
    if (access(SCRIPT, R_OK) != 0 || access("src/main.c", R_OK) != 0) {
        fprintf(stderr, "test_layers: run from the top of the source tree (no %s here)\n", SCRIPT);
        return -1;
    }
    const char *tmp = getenv("TMPDIR");
    scratch = xasprintf("%s/tlscope-layers-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch)) {
        perror(scratch);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (scratch)
        harness_run(ARGV("rm", "-rf", scratch), NULL, 20, NULL, NULL);
    free(scratch);
    return 0;
}

/* A fresh copy of src/ at scratch/src; returns its path (caller frees). */
static char *fresh_copy(void)
{
    char *dst = xasprintf("%s/src", scratch);
    assert_int_equal(harness_run(ARGV("rm", "-rf", dst), NULL, 20, NULL, NULL), 0);
    assert_int_equal(harness_run(ARGV("cp", "-R", "src", dst), NULL, 20, NULL, NULL), 0);
    return dst;
}

static void write_text(const char *path, const char *text)
{
    char err[256];
    if (file_write_atomic(path, text, strlen(text), 0644, true, err, sizeof(err)) != 0)
        fail_msg("%s", err);
}

/* Runs script on dir; returns the exit status, *out and *err the output (caller frees). */
static int check(const char *script, const char *dir, char **out, char **err)
{
    int st = harness_run(ARGV("sh", script, dir), NULL, 30, out, err);
    if (st < 0)
        fail_msg("could not run %s", script);
    return st;
}

static void expect_failure(const char *script, const char *dir, const char *needle)
{
    char *out, *err;
    int st = check(script, dir, &out, &err);
    if (st != 1 || !strstr(err, needle))
        fail_msg("expected exit 1 and \"%s\"; got exit %d\nstdout: %s\nstderr: %s", needle, st, out,
                 err);
    assert_non_null(strstr(err, "check-layers: "));
    assert_null(strstr(out, "check-layers: ok"));
    free(out);
    free(err);
}

static void clean_tree_passes(void **state)
{
    (void)state;
    char *dir = fresh_copy(), *out, *err;
    int st = check(SCRIPT, dir, &out, &err);
    if (st != 0)
        fail_msg("the unchanged copy fails: exit %d\n%s", st, err);
    assert_non_null(strstr(out, "check-layers: ok"));
    free(out);
    free(err);
    st = check(SCRIPT, "src", &out, &err);
    if (st != 0)
        fail_msg("src/ fails: exit %d\n%s", st, err);
    free(out);
    free(err);
    free(dir);
}

/* One planted include: folder gets planted.c (or main.c an extra line) holding `line`; the
 * check must fail with `needle` (after "SRC/"). */
struct plant {
    const char *folder; /* a folder of src/, or "main.c" */
    const char *line;
    const char *needle;
};

static const struct plant plants[] = {
    /* siblings */
    {"theme", "#include \"profile/profile.h\"",
     "theme/planted.c:2: includes \"profile/profile.h\": theme may not include profile"},
    {"profile", "#include \"theme/theme.h\"",
     "profile/planted.c:2: includes \"theme/theme.h\": profile may not include theme"},
    {"engine", "#include \"lab/lab.h\"",
     "engine/planted.c:2: includes \"lab/lab.h\": engine may not include lab"},
    {"lab", "#include \"engine/engine.h\"",
     "lab/planted.c:2: includes \"engine/engine.h\": lab may not include engine"},
    {"render", "#include \"compare/diff.h\"",
     "render/planted.c:2: includes \"compare/diff.h\": render may not include compare"},
    /* front ends never include the engine (the one known exception is one file, not its
     * folder) */
    {"profile", "#include \"engine/engine.h\"",
     "profile/planted.c:2: includes \"engine/engine.h\": profile may not include engine"},
    {"theme", "#include \"engine/engine.h\"",
     "theme/planted.c:2: includes \"engine/engine.h\": theme may not include engine"},
    /* upwards */
    {"util", "#include \"model/report.h\"",
     "util/planted.c:2: includes \"model/report.h\": util may not include model"},
    {"model", "#include \"engine/engine.h\"",
     "model/planted.c:2: includes \"engine/engine.h\": model may not include engine"},
    {"yaml", "#include \"profile/profile.h\"",
     "yaml/planted.c:2: includes \"profile/profile.h\": yaml may not include profile"},
    {"wire", "#include \"engine/engine.h\"",
     "wire/planted.c:2: includes \"engine/engine.h\": wire may not include engine"},
    {"engine", "#include \"ui/ui.h\"",
     "engine/planted.c:2: includes \"ui/ui.h\": engine may not include ui"},
    {"render", "#include \"ui/ui.h\"",
     "render/planted.c:2: includes \"ui/ui.h\": render may not include ui"},
    {"main.c", "#include \"lab/lab.h\"", "main.c:"},
    /* spelled around the table */
    {"theme", "#include <engine/engine.h>",
     "theme/planted.c:2: includes <engine/engine.h>: theme may not include engine"},
    {"wire", "#include \"../engine/engine.h\"",
     "wire/planted.c:2: includes \"../engine/engine.h\": a path with .."},
    /* libraries */
    {"ui", "#include <openssl/ssl.h>",
     "ui/planted.c:2: includes <openssl/ssl.h>: only engine lab may include <openssl/...>"},
    {"profile", "#include <yaml.h>",
     "profile/planted.c:2: includes <yaml.h>: only yaml may include <yaml.h>"},
    {"theme", "#include <yaml.h>",
     "theme/planted.c:2: includes <yaml.h>: only yaml may include <yaml.h>"},
    {"ui", "#include <jansson.h>",
     "ui/planted.c:2: includes <jansson.h>: only render compare may include <jansson.h>"},
    {"engine", "#include <curses.h>",
     "engine/planted.c:2: includes <curses.h>: only ui may include <curses.h>"},
    {"wire", "#include <sys/socket.h>",
     "wire/planted.c:2: includes <sys/socket.h>: wire/ uses no sockets, poll or threads"},
    /* a folder the table does not know */
    {"planted", "#include \"util/mem.h\"", "planted/ has no row in the table"},
};

static void planted_edge_fails(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(plants) / sizeof(plants[0]); i++) {
        const struct plant *p = &plants[i];
        char *dir = fresh_copy();
        if (!strcmp(p->folder, "main.c")) {
            char *path = xasprintf("%s/main.c", dir), *text = NULL, err[256];
            size_t n;
            if (file_read_bounded(path, 1 << 22, &text, &n, err, sizeof(err)) != 0)
                fail_msg("%s", err);
            char *more = xasprintf("%s%s\n", text, p->line);
            write_text(path, more);
            free(more);
            free(text);
            free(path);
        } else {
            char *folder = xasprintf("%s/%s", dir, p->folder);
            assert_int_equal(harness_run(ARGV("mkdir", "-p", folder), NULL, 20, NULL, NULL), 0);
            char *path = xasprintf("%s/planted.c", folder);
            char *text = xasprintf("/* planted by test_layers */\n%s\n", p->line);
            write_text(path, text);
            free(text);
            free(path);
            free(folder);
        }
        char *needle = !strcmp(p->folder, "main.c") ? xasprintf("%s/main.c:", dir)
                                                    : xasprintf("%s/%s", dir, p->needle);
        expect_failure(SCRIPT, dir, needle);
        if (!strcmp(p->folder, "main.c"))
            expect_failure(SCRIPT, dir, "main.c may not include lab");
        free(needle);
        free(dir);
    }
}

/* A copy of the script with sed_expr applied to it; returns its path (caller frees). */
static char *script_copy(const char *sed_expr)
{
    char *path = xasprintf("%s/check-layers.sh", scratch), *out = NULL;
    int st = harness_run(ARGV("sed", "-e", sed_expr, SCRIPT), NULL, 20, &out, NULL);
    assert_int_equal(st, 0);
    assert_true(strlen(out) > 1000);
    write_text(path, out);
    free(out);
    return path;
}

static void table_rules_hold(void **state)
{
    (void)state;
    char *dir = fresh_copy();
    /* an arrow up: util may include ui */
    char *script = script_copy("s/^util:.*$/util: ui/");
    expect_failure(script, dir,
                   "the table: util names ui, which is not a row above it (arrows point down "
                   "only)");
    free(script);
    /* an exception for an edge nobody uses */
    script = script_copy("s|^theme: .*$|&\\ntheme/theme.c: model # planted|");
    expect_failure(script, dir, "the exception for");
    expect_failure(script, dir, "/theme/theme.c (model) is not needed any more");
    free(script);
    free(dir);
}

/* The README's Development section shows the table: the fenced block whose first row is
 * "util:" equals `check-layers.sh --table`, row for row (the README indents it by two). */
static void readme_shows_the_table(void **state)
{
    (void)state;
    char *table = NULL, *readme = NULL, err[256];
    size_t n;
    assert_int_equal(harness_run(ARGV("sh", SCRIPT, "--table"), NULL, 20, &table, NULL), 0);
    if (file_read_bounded("README.md", 1 << 22, &readme, &n, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    const char *start = strstr(readme, "  ```\n  util:");
    if (!start)
        fail_msg("README.md: no fenced block starting with the row \"util:\"");
    start += strlen("  ```\n");
    const char *end = strstr(start, "  ```\n");
    assert_non_null(end);
    char *shown = xstrndup(start, (size_t)(end - start));
    /* drop the two-space indent of every line */
    char *flat = xcalloc(strlen(shown) + 1, 1), *w = flat;
    for (const char *line = shown; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line + 1) : strlen(line);
        if (strncmp(line, "  ", 2) == 0) {
            memcpy(w, line + 2, len - 2);
            w += len - 2;
        } else {
            memcpy(w, line, len);
            w += len;
        }
        line += len;
    }
    if (strcmp(flat, table) != 0)
        fail_msg("README.md's table differs from %s --table:\n--- README\n%s--- script\n%s", SCRIPT,
                 flat, table);
    free(flat);
    free(shown);
    free(readme);
    free(table);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clean_tree_passes),
        cmocka_unit_test(planted_edge_fails),
        cmocka_unit_test(table_rules_hold),
        cmocka_unit_test(readme_shows_the_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
