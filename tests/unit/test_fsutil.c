/* util/fsutil: atomic writes (modes, replace or not, no temp left behind, the pause hook),
 * the safe writer's refusals (FIFO, device, socket, directory, symlink) and its error
 * reports (ENOSPC on /dev/full, EFBIG under RLIMIT_FSIZE), file_open_safe's modes, directory
 * sync, mkdir_p modes, bounded reads and XDG directory lookup. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
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

/* The file type bits of path without following a symlink. */
static mode_t type_of(const char *path)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    return st.st_mode & S_IFMT;
}

/* Every kind of non-regular file, made in the fixture dir: the atomic writer (replace or not)
 * and file_open_safe refuse each with "PATH is <kind>...", leave it as it was (a FIFO is
 * still a FIFO, a device still a device, a symlink's target untouched) and leave no temp
 * file. A FIFO is refused even while a reader holds it open (when opening would succeed). */
static void test_refuses_non_regular(void **state)
{
    struct fixture *f = *state;
    char *fifo = path_in(f, "fifo"), *dir = path_in(f, "dir"), *link = path_in(f, "link");
    char *dangling = path_in(f, "dangling"), *target = path_in(f, "target");
    char *sock = path_in(f, "sock"), *dev = path_in(f, "full");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(mkdir(dir, 0700), 0);
    write_plain(target, "the target\n");
    assert_int_equal(symlink(target, link), 0);
    assert_int_equal(symlink("nowhere-at-all", dangling), 0);
    int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock);
    assert_int_equal(bind(sfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
    /* A character device like /dev/full (1,7), made here rather than touching /dev; only
     * root may mknod (and some containers forbid it): then the case is skipped. */
    bool have_dev = mknod(dev, S_IFCHR | 0600, makedev(1, 7)) == 0;
    if (!have_dev)
        print_message("mknod not permitted here: the device case is skipped\n");
    int reader = open(fifo, O_RDONLY | O_NONBLOCK);
    assert_true(reader >= 0);

    const struct {
        const char *path, *says;
        mode_t type;
        int err;
    } cases[] = {
        {fifo, "is a FIFO, not a regular file; not written", S_IFIFO, EINVAL},
        {dir, "is a directory, not a regular file; not written", S_IFDIR, EISDIR},
        {link, "is a symbolic link; not followed, not written", S_IFLNK, ELOOP},
        {dangling, "is a symbolic link; not followed, not written", S_IFLNK, ELOOP},
        {sock, "is a socket, not a regular file; not written", S_IFSOCK, EINVAL},
        {dev, "is a device, not a regular file; not written", S_IFCHR, EINVAL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (cases[i].path == dev && !have_dev)
            continue;
        char *want = xasprintf("%s %s", cases[i].path, cases[i].says);
        char err[600];
        assert_int_equal(file_check_writable(cases[i].path, err, sizeof(err)), -1);
        assert_string_equal(err, want);
        for (int replace = 0; replace <= 1; replace++) {
            err[0] = '\0';
            errno = 0;
            assert_int_equal(
                file_write_atomic(cases[i].path, "x\n", 2, 0600, replace, err, sizeof(err)), -1);
            assert_int_equal(errno, cases[i].err);
            assert_string_equal(err, want);
        }
        err[0] = '\0';
        errno = 0;
        assert_int_equal(file_open_safe(cases[i].path, 0600, FILE_OPEN_APPEND | FILE_OPEN_PRIVATE,
                                        err, sizeof(err)),
                         -1);
        assert_int_equal(errno, cases[i].err);
        assert_string_equal(err, want);
        assert_int_equal(type_of(cases[i].path), cases[i].type);
        free(want);
    }
    char *got = slurp(target);
    assert_string_equal(got, "the target\n");
    free(got);
    char *nowhere = path_in(f, "nowhere-at-all");
    assert_int_equal(access(nowhere, F_OK), -1); /* the dangling link was not followed */
    free(nowhere);
    assert_int_equal(count_temps(f->dir), 0);
    close(reader);
    close(sfd);
    char *paths[] = {fifo, dir, link, dangling, target, sock, dev};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        free(paths[i]);
}

/* file_open_safe: a new file gets exactly the mode whatever the umask; an existing 0644 file
 * of ours is narrowed to 0600 and appended to (FILE_OPEN_PRIVATE); one of another user that
 * others can read is refused and left alone (root only: chown); without FILE_OPEN_PRIVATE
 * an existing mode is kept; without FILE_OPEN_APPEND the file is truncated. */
static void test_open_safe_modes(void **state)
{
    struct fixture *f = *state;
    const unsigned priv = FILE_OPEN_APPEND | FILE_OPEN_PRIVATE;
    char err[600] = "";
    char *p = path_in(f, "keys.log");
    umask(0);
    int fd = file_open_safe(p, 0600, priv, err, sizeof(err));
    umask(022);
    if (fd < 0)
        fail_msg("%s", err);
    assert_int_equal(file_write_fd(fd, p, "one\n", 4, err, sizeof(err)), 0);
    assert_int_equal(close(fd), 0);
    assert_int_equal(mode_of(p), 0600);

    assert_int_equal(chmod(p, 0644), 0);
    fd = file_open_safe(p, 0600, priv, err, sizeof(err));
    if (fd < 0)
        fail_msg("%s", err);
    assert_int_equal(mode_of(p), 0600);
    assert_int_equal(file_write_fd(fd, p, "two\n", 4, err, sizeof(err)), 0);
    assert_int_equal(close(fd), 0);
    char *got = slurp(p);
    assert_string_equal(got, "one\ntwo\n");
    free(got);

    if (geteuid() == 0) {
        assert_int_equal(chmod(p, 0640), 0);
        assert_int_equal(chown(p, 12345, 12345), 0);
        errno = 0;
        assert_int_equal(file_open_safe(p, 0600, priv, err, sizeof(err)), -1);
        assert_int_equal(errno, EPERM);
        char *want = xasprintf("%s belongs to uid 12345 and others can read it (mode 0640); not "
                               "written: secrets go only to a file no one else can read",
                               p);
        assert_string_equal(err, want);
        free(want);
        assert_int_equal(mode_of(p), 0640);
        assert_int_equal(chown(p, 0, 0), 0);
    }

    char *q = path_in(f, "plain.txt");
    write_plain(q, "old content\n");
    assert_int_equal(chmod(q, 0644), 0);
    fd = file_open_safe(q, 0600, 0, err, sizeof(err));
    if (fd < 0)
        fail_msg("%s", err);
    assert_int_equal(file_write_fd(fd, q, "new\n", 4, err, sizeof(err)), 0);
    assert_int_equal(close(fd), 0);
    assert_int_equal(mode_of(q), 0644);
    got = slurp(q);
    assert_string_equal(got, "new\n");
    free(got);
    free(q);
    free(p);
}

/* Write errors are reported with the path and the cause: ENOSPC from /dev/full (opened
 * directly: the safe opener itself refuses it as a device, which the test also shows, and
 * /dev/full stays a device), and EFBIG for an atomic write under RLIMIT_FSIZE (in a child),
 * which keeps the old file and leaves no temp file. */
static void test_write_errors_reported(void **state)
{
    struct fixture *f = *state;
    char err[600] = "";
    int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        errno = 0;
        assert_int_equal(file_write_fd(fd, "/dev/full", "key\n", 4, err, sizeof(err)), -1);
        assert_int_equal(errno, ENOSPC);
        assert_string_equal(err, "cannot write /dev/full: No space left on device");
        close(fd);
        assert_int_equal(file_open_safe("/dev/full", 0600, FILE_OPEN_APPEND, err, sizeof(err)), -1);
        assert_string_equal(err, "/dev/full is a device, not a regular file; not written");
        assert_int_equal(type_of("/dev/full"), S_IFCHR);
    }

    char *p = path_in(f, "big.pem");
    write_plain(p, "old\n");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {1024, 1024};
        setrlimit(RLIMIT_FSIZE, &rl);
        static char big[8192];
        memset(big, 'A', sizeof(big));
        int rc = file_write_atomic(p, big, sizeof(big), 0644, true, err, sizeof(err));
        if (rc == -1 && errno == EFBIG && strstr(err, "cannot write temporary file") &&
            strstr(err, "File too large") && strstr(err, "/.big.pem.tmp-"))
            _exit(0);
        fprintf(stderr, "rc %d errno %d: %s\n", rc, errno, err);
        _exit(1);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    char *got = slurp(p);
    assert_string_equal(got, "old\n");
    free(got);
    assert_int_equal(count_temps(f->dir), 0);
    free(p);
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
        cmocka_unit_test_setup_teardown(test_refuses_non_regular, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_safe_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_errors_reported, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
