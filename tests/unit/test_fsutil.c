/* util/fsutil: atomic writes (modes, replace or not, no temp left behind, the pause hook),
 * directory sync, mkdir_p modes, bounded reads and XDG directory lookup. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/mem.h"

/* Per test: a fresh temp directory, removed afterwards with everything in it. */
struct fixture {
    char dir[64];
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/tlscope-fsutil-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(p); /* best effort: a leftover in /tmp is no test failure */
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    umask(022);
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static char *path_in(const struct fixture *f, const char *rel)
{
    return xasprintf("%s/%s", f->dir, rel);
}

static void write_plain(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

/* The whole file as a string (asserts that it exists). */
static char *slurp(const char *path)
{
    char *data, err[256];
    size_t n;
    if (file_read_bounded(path, 1 << 20, &data, &n, err, sizeof(err)) < 0)
        fail_msg("%s", err);
    return data;
}

static unsigned mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (unsigned)(st.st_mode & 07777);
}

/* Entries in dir that look like our temp files (".NAME.tmp-XXXXXX"). */
static int count_temps(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] == '.' && strstr(de->d_name, ".tmp-"))
            n++;
    closedir(d);
    return n;
}

static void test_write_modes(void **state)
{
    struct fixture *f = *state;
    static const struct {
        mode_t mode, umask;
        const char *data;
    } cases[] = {
        {0600, 022, "profile: 1\n"},
        {0600, 0, "x"},
        {0644, 077, "umask cannot narrow it: fchmod sets exactly the mode"},
        {0600, 022, ""}, /* an empty file is still written */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char name[32], err[256] = "";
        snprintf(name, sizeof(name), "f%zu.yaml", i);
        char *p = path_in(f, name);
        umask(cases[i].umask);
        int rc = file_write_atomic(p, cases[i].data, strlen(cases[i].data), cases[i].mode, false,
                                   err, sizeof(err));
        umask(022);
        if (rc != 0)
            fail_msg("case %zu: %s", i, err);
        assert_int_equal(mode_of(p), cases[i].mode);
        char *got = slurp(p);
        assert_string_equal(got, cases[i].data);
        free(got);
        free(p);
    }
    assert_int_equal(count_temps(f->dir), 0);
}

static void test_write_replace_or_not(void **state)
{
    struct fixture *f = *state;
    char *p = path_in(f, "mine.yaml"), err[600] = "";
    assert_int_equal(file_write_atomic(p, "old\n", 4, 0600, false, err, sizeof(err)), 0);

    errno = 0;
    assert_int_equal(file_write_atomic(p, "new\n", 4, 0600, false, err, sizeof(err)), -1);
    assert_int_equal(errno, EEXIST);
    char *want = xasprintf("%s exists; use --force to replace it", p);
    assert_string_equal(err, want);
    char *got = slurp(p);
    assert_string_equal(got, "old\n");
    free(got);
    assert_int_equal(count_temps(f->dir), 0);

    /* replace: the new content, and the new mode (the old file's is not kept) */
    assert_int_equal(chmod(p, 0644), 0);
    assert_int_equal(file_write_atomic(p, "new\n", 4, 0600, true, err, sizeof(err)), 0);
    got = slurp(p);
    assert_string_equal(got, "new\n");
    assert_int_equal(mode_of(p), 0600);
    assert_int_equal(count_temps(f->dir), 0);
    free(got);
    free(want);
    free(p);
}

static void test_write_errors_leave_nothing(void **state)
{
    struct fixture *f = *state;
    char err[600];

    /* no such directory: the temp file cannot even be created */
    char *p = path_in(f, "missing/x.yaml");
    errno = 0;
    assert_int_equal(file_write_atomic(p, "a", 1, 0600, true, err, sizeof(err)), -1);
    assert_int_equal(errno, ENOENT);
    assert_non_null(strstr(err, "cannot create temporary file"));
    assert_non_null(strstr(err, "/missing/.x.yaml.tmp-"));
    free(p);

    /* the target is a directory: refused before any temp file is made */
    p = path_in(f, "adir");
    assert_int_equal(mkdir(p, 0700), 0);
    errno = 0;
    assert_int_equal(file_write_atomic(p, "a", 1, 0600, true, err, sizeof(err)), -1);
    assert_int_equal(errno, EISDIR);
    char *want = xasprintf("%s is a directory, not a regular file; not written", p);
    assert_string_equal(err, want);
    free(want);
    assert_int_equal(count_temps(f->dir), 0);
    free(p);

    /* a path that names a directory outright */
    p = path_in(f, "adir/");
    errno = 0;
    assert_int_equal(file_write_atomic(p, "a", 1, 0600, true, err, sizeof(err)), -1);
    assert_int_equal(errno, EISDIR);
    assert_non_null(strstr(err, "names a directory"));
    free(p);

    /* a read-only directory (skipped as root, who may write anyway) */
    if (geteuid() != 0) {
        p = path_in(f, "ro/x.yaml");
        char *ro = path_in(f, "ro");
        assert_int_equal(mkdir(ro, 0500), 0);
        assert_int_equal(file_write_atomic(p, "a", 1, 0600, true, err, sizeof(err)), -1);
        assert_int_equal(errno, EACCES);
        assert_int_equal(access(p, F_OK), -1);
        free(ro);
        free(p);
    }
}

/* The last step syncs the directory that holds the file: "." for a bare name, "/" for a file
 * in the root, else the parent. fsync_dir itself is checked directly too. */
static void test_directory_sync(void **state)
{
    struct fixture *f = *state;
    char err[600] = "", cwd[4096];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(f->dir), 0);
    int rc = file_write_atomic("bare.yaml", "b", 1, 0600, false, err, sizeof(err));
    assert_int_equal(chdir(cwd), 0);
    if (rc != 0)
        fail_msg("%s", err);
    char *p = path_in(f, "bare.yaml");
    char *got = slurp(p);
    assert_string_equal(got, "b");
    free(got);
    free(p);

    assert_int_equal(fsync_dir(f->dir, err, sizeof(err)), 0);
    assert_int_equal(fsync_dir(".", err, sizeof(err)), 0);
    p = path_in(f, "nope");
    assert_int_equal(fsync_dir(p, err, sizeof(err)), -1);
    assert_non_null(strstr(err, p));
    free(p);
    p = path_in(f, "file");
    write_plain(p, "x");
    errno = 0;
    assert_int_equal(fsync_dir(p, err, sizeof(err)), -1);
    assert_int_equal(errno, ENOTDIR);
    free(p);
}

/* TLSCOPE_TEST_HOOK=pause-before-rename stops the writer with the temp file complete and
 * the target untouched; continuing finishes the write. */
static void test_pause_hook(void **state)
{
    struct fixture *f = *state;
    char *p = path_in(f, "paused.yaml");
    write_plain(p, "old\n");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char err[600];
        setenv("TLSCOPE_TEST_HOOK", "pause-before-rename", 1);
        _exit(file_write_atomic(p, "new\n", 4, 0600, true, err, sizeof(err)) == 0 ? 0 : 1);
    }
    int st = 0;
    pid_t w = 0;
    for (int i = 0; i < 1000 && w == 0; i++) { /* at most 10 s */
        w = waitpid(pid, &st, WUNTRACED | WNOHANG);
        if (w == 0)
            nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    if (w != pid || !WIFSTOPPED(st)) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        fail_msg("the writer did not stop before the rename");
    }
    char *got = slurp(p);
    assert_string_equal(got, "old\n");
    free(got);
    assert_int_equal(count_temps(f->dir), 1);

    kill(pid, SIGCONT);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    got = slurp(p);
    assert_string_equal(got, "new\n");
    assert_int_equal(count_temps(f->dir), 0);
    free(got);
    free(p);
}

static void test_mkdir_p_modes(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *make; /* relative to the fixture dir */
        mode_t mode, umask;
        const char *created[3]; /* directories it must create, with exactly mode */
    } cases[] = {
        {"a/b/c", 0700, 022, {"a", "a/b", "a/b/c"}},
        /* umask 0277 would leave mkdir(0700) at 0500, too narrow to create the next level */
        {"u/v/w", 0700, 0277, {"u", "u/v", "u/v/w"}},
        {"x//y/", 0750, 022, {"x", "x/y", NULL}},
        {"a/b/d", 0711, 022, {"a/b/d", NULL, NULL}}, /* a and a/b exist already */
    };
    char err[600] = "";
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *p = path_in(f, cases[i].make);
        umask(cases[i].umask);
        int rc = mkdir_p(p, cases[i].mode, err, sizeof(err));
        umask(022);
        if (rc != 0)
            fail_msg("case %zu (%s): %s", i, cases[i].make, err);
        for (size_t k = 0; k < 3 && cases[i].created[k]; k++) {
            char *c = path_in(f, cases[i].created[k]);
            assert_int_equal(mode_of(c), cases[i].mode);
            free(c);
        }
        free(p);
    }
    /* existing directories keep their mode */
    char *a = path_in(f, "a"), *ab = path_in(f, "a/b");
    assert_int_equal(mode_of(a), 0700);
    assert_int_equal(chmod(ab, 0755), 0);
    assert_int_equal(mkdir_p(ab, 0700, err, sizeof(err)), 0);
    assert_int_equal(mode_of(ab), 0755);
    free(ab);
    free(a);

    /* a regular file in the way */
    char *file = path_in(f, "plain"), *under = path_in(f, "plain/sub");
    write_plain(file, "x");
    errno = 0;
    assert_int_equal(mkdir_p(under, 0700, err, sizeof(err)), -1);
    assert_int_equal(errno, ENOTDIR);
    assert_non_null(strstr(err, "not a directory"));
    assert_non_null(strstr(err, file));
    free(under);
    free(file);

    assert_int_equal(mkdir_p("", 0700, err, sizeof(err)), -1);
    assert_int_equal(mkdir_p("/", 0700, err, sizeof(err)), 0); /* nothing to create */
}

static void test_read_bounded(void **state)
{
    struct fixture *f = *state;
    char *data = NULL, err[600] = "";
    size_t n = 99;
    static const size_t max = 100;
    char big[102];
    memset(big, 'y', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';

    char *p = path_in(f, "small");
    write_plain(p, "abc");
    assert_int_equal(file_read_bounded(p, max, &data, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 3);
    assert_memory_equal(data, "abc", 4); /* NUL-terminated */
    free(data);
    free(p);

    p = path_in(f, "exact");
    big[max] = '\0';
    write_plain(p, big);
    assert_int_equal(file_read_bounded(p, max, &data, &n, err, sizeof(err)), 0);
    assert_int_equal(n, max);
    free(data);
    free(p);

    p = path_in(f, "big");
    big[max] = 'y';
    write_plain(p, big);
    errno = 0;
    assert_int_equal(file_read_bounded(p, max, &data, &n, err, sizeof(err)), -1);
    assert_int_equal(errno, EFBIG);
    assert_null(data);
    assert_int_equal(n, 0);
    char *want = xasprintf("%s is too large: 101 bytes (the limit is 100 bytes)", p);
    assert_string_equal(err, want);
    free(want);
    free(p);

    /* not regular files: a directory, a FIFO (must not block), a device; a missing file */
    static const struct {
        const char *path, *message;
    } refused[] = {
        {"DIR", "is not a regular file"},
        {"FIFO", "is not a regular file"},
        {"/dev/null", "is not a regular file"},
        {"MISSING", "cannot open"},
    };
    char *fifo = path_in(f, "fifo"), *missing = path_in(f, "missing");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        const char *path = refused[i].path;
        path = !strcmp(path, "DIR")       ? f->dir
               : !strcmp(path, "FIFO")    ? fifo
               : !strcmp(path, "MISSING") ? missing
                                          : path;
        static char sentinel[] = "sentinel";
        data = sentinel;
        assert_int_equal(file_read_bounded(path, max, &data, &n, err, sizeof(err)), -1);
        assert_null(data);
        assert_non_null(strstr(err, refused[i].message));
        assert_non_null(strstr(err, path));
    }
    free(fifo);
    free(missing);
}

static void test_xdg_dir(void **state)
{
    (void)state;
    char *saved_xdg = xstrdup(getenv("XDG_CONFIG_HOME"));
    char *saved_home = xstrdup(getenv("HOME"));
    static const struct {
        const char *xdg, *home; /* NULL: unset */
        const char *want;       /* NULL: no directory */
    } cases[] = {
        {"/x/conf", "/home/h", "/x/conf/tlscope"},
        {NULL, "/home/h", "/home/h/.config/tlscope"},
        {"", "/home/h", "/home/h/.config/tlscope"},
        {"relative/conf", "/home/h", "/home/h/.config/tlscope"}, /* XDG: ignored */
        {"/x/conf", NULL, "/x/conf/tlscope"},
        {NULL, NULL, NULL},
        {NULL, "", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (cases[i].xdg)
            setenv("XDG_CONFIG_HOME", cases[i].xdg, 1);
        else
            unsetenv("XDG_CONFIG_HOME");
        if (cases[i].home)
            setenv("HOME", cases[i].home, 1);
        else
            unsetenv("HOME");
        char *got = xdg_dir("XDG_CONFIG_HOME", ".config");
        if (cases[i].want) {
            if (!got)
                fail_msg("case %zu: got NULL, want %s", i, cases[i].want);
            assert_string_equal(got, cases[i].want);
        } else {
            assert_null(got);
        }
        free(got);
    }
    if (saved_xdg)
        setenv("XDG_CONFIG_HOME", saved_xdg, 1);
    else
        unsetenv("XDG_CONFIG_HOME");
    if (saved_home)
        setenv("HOME", saved_home, 1);
    else
        unsetenv("HOME");
    free(saved_xdg);
    free(saved_home);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_replace_or_not, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_errors_leave_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_sync, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pause_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mkdir_p_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_bounded, setup, teardown),
        cmocka_unit_test(test_xdg_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
