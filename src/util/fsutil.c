/* Filesystem helpers: mkdir -p, the safe writer (regular files only, no symlink followed,
 * atomic replace by temp file + fsync + rename, or a checked open for appending), bounded
 * reads, XDG and data directory lookup. Errors name the file and say what failed. */
#include "util/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/mem.h"

#ifndef TLSCOPE_DATADIR
#define TLSCOPE_DATADIR "/usr/local/share/tlscope"
#endif

static void fs_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fs_error(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Creates one directory with exactly mode; an existing directory is fine. */
static int mkdir_one(const char *p, mode_t mode, char *err, size_t errlen)
{
    if (mkdir(p, mode) == 0) {
        if (chmod(p, mode) == 0)
            return 0;
        int e = errno;
        fs_error(err, errlen, "cannot set the mode of %s: %s", p, strerror(e));
        errno = e;
        return -1;
    }
    int e = errno;
    if (is_dir(p))
        return 0; /* EEXIST, or EACCES/EROFS on a directory that is already there */
    if (e == EEXIST) {
        fs_error(err, errlen, "cannot create directory %s: it exists and is not a directory", p);
        errno = ENOTDIR;
        return -1;
    }
    fs_error(err, errlen, "cannot create directory %s: %s", p, strerror(e));
    errno = e;
    return -1;
}

int mkdir_p(const char *dir, mode_t mode, char *err, size_t errlen)
{
    if (!dir || !*dir) {
        fs_error(err, errlen, "cannot create a directory with an empty name");
        errno = EINVAL;
        return -1;
    }
    char *buf = xstrdup(dir);
    size_t len = strlen(buf);
    int rc = 0;
    /* Each prefix that ends a component ("a", "a/b", "a/b/c"); repeated and trailing
     * slashes add nothing, and a leading "/" is never created. */
    for (size_t i = 1; i <= len && rc == 0; i++) {
        if ((buf[i] != '/' && buf[i] != '\0') || buf[i - 1] == '/')
            continue;
        char saved = buf[i];
        buf[i] = '\0';
        rc = mkdir_one(buf, mode, err, errlen);
        buf[i] = saved;
    }
    int e = errno;
    free(buf);
    errno = e;
    return rc;
}

int fsync_dir(const char *dir, char *err, size_t errlen)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        fs_error(err, errlen, "cannot open directory %s to sync it: %s", dir, strerror(e));
        errno = e;
        return -1;
    }
    int rc = fsync(fd), e = errno;
    close(fd);
    if (rc < 0 && e != EINVAL && e != EROFS && e != ENOTSUP) {
        fs_error(err, errlen, "cannot sync directory %s: %s", dir, strerror(e));
        errno = e;
        return -1;
    }
    return 0;
}

/* What a non-regular file is, for messages ("a FIFO"). */
static const char *file_kind(mode_t m)
{
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISSOCK(m))
        return "a socket";
    if (S_ISLNK(m))
        return "a symbolic link";
    return "not a regular file";
}

/* Fills err for a path that holds something other than a regular file; sets errno. */
static int refuse_kind(const char *path, mode_t m, char *err, size_t errlen)
{
    if (S_ISLNK(m))
        fs_error(err, errlen, "%s is a symbolic link; not followed, not written", path);
    else
        fs_error(err, errlen, "%s is %s, not a regular file; not written", path, file_kind(m));
    errno = S_ISDIR(m) ? EISDIR : S_ISLNK(m) ? ELOOP : EINVAL;
    return -1;
}

int file_check_writable(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        if (errno == ENOENT)
            return 0;
        int e = errno;
        fs_error(err, errlen, "cannot check %s: %s", path, strerror(e));
        errno = e;
        return -1;
    }
    return S_ISREG(st.st_mode) ? 1 : refuse_kind(path, st.st_mode, err, errlen);
}

static int write_all(int fd, const void *data, size_t n)
{
    const char *p = data;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int file_write_fd(int fd, const char *path, const void *data, size_t n, char *err, size_t errlen)
{
    if (write_all(fd, data, n) == 0)
        return 0;
    int e = errno;
    fs_error(err, errlen, "cannot write %s: %s", path, strerror(e));
    errno = e;
    return -1;
}

/* The checks file_open_safe makes on the open fd: a regular file, the mode, then blocking
 * mode and truncation. existed: something was at path before the open. */
static int open_safe_checks(int fd, const char *path, mode_t mode, unsigned flags, bool existed,
                            char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        fs_error(err, errlen, "cannot stat %s: %s", path, strerror(e));
        errno = e;
        return -1;
    }
    if (!S_ISREG(st.st_mode))
        return refuse_kind(path, st.st_mode, err, errlen);
    mode_t perm = st.st_mode & 07777;
    bool too_open = (flags & FILE_OPEN_PRIVATE) && (perm & ~mode);
    if (too_open && st.st_uid != geteuid()) {
        fs_error(err, errlen,
                 "%s belongs to uid %ju and others can read it (mode %04o); not written: "
                 "secrets go only to a file no one else can read",
                 path, (uintmax_t)st.st_uid, (unsigned)perm);
        errno = EPERM;
        return -1;
    }
    if ((too_open || !existed) && perm != mode && fchmod(fd, mode) < 0) {
        int e = errno;
        fs_error(err, errlen, "cannot set the mode of %s to %04o: %s", path, (unsigned)mode,
                 strerror(e));
        errno = e;
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ||
        (!(flags & FILE_OPEN_APPEND) && ftruncate(fd, 0) < 0)) {
        int e = errno;
        fs_error(err, errlen, "cannot prepare %s for writing: %s", path, strerror(e));
        errno = e;
        return -1;
    }
    return 0;
}

int file_open_safe(const char *path, mode_t mode, unsigned flags, char *err, size_t errlen)
{
    /* Looked at before opening, so a device or FIFO is never even opened; the checks on the
     * open fd below catch anything swapped in between. */
    int there = file_check_writable(path, err, errlen);
    if (there < 0)
        return -1;
    int oflags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
    if (flags & FILE_OPEN_APPEND)
        oflags |= O_APPEND;
    int fd = open(path, oflags, mode);
    if (fd < 0) {
        int e = errno;
        /* ELOOP: a symlink appeared; ENXIO: a FIFO without a reader; EISDIR: a directory. */
        if ((e == ELOOP || e == ENXIO || e == EISDIR) && file_check_writable(path, err, errlen) < 0)
            return -1;
        fs_error(err, errlen, "cannot open %s for writing: %s", path, strerror(e));
        errno = e;
        return -1;
    }
    if (open_safe_checks(fd, path, mode, flags, there > 0, err, errlen) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* Creates the temp file from the template tmp (rewritten in place), fills it with exactly
 * mode, data and fsync, and closes it. On failure nothing is left behind. */
static int write_temp(char *tmp, const void *data, size_t n, mode_t mode, char *err, size_t errlen)
{
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        fs_error(err, errlen, "cannot create temporary file %s: %s", tmp, strerror(e));
        errno = e;
        return -1;
    }
    const char *what = "set the mode of";
    if (fchmod(fd, mode) == 0) {
        what = "write";
        if (write_all(fd, data, n) == 0) {
            what = "sync";
            if (fsync(fd) == 0) {
                what = "close";
                int rc = close(fd);
                fd = -1;
                if (rc == 0)
                    return 0;
            }
        }
    }
    int e = errno;
    fs_error(err, errlen, "cannot %s temporary file %s: %s", what, tmp, strerror(e));
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    errno = e;
    return -1;
}

/* Test-only: lets a test kill the writer between the fsync and the rename (see fsutil.h). */
static void test_hook_pause_before_rename(void)
{
    const char *hook = getenv("TLSCOPE_TEST_HOOK");
    if (hook && strcmp(hook, "pause-before-rename") == 0)
        raise(SIGSTOP);
}

/* Gives the finished temp file its final name; on failure removes it. */
static int publish(const char *tmp, const char *path, bool replace, char *err, size_t errlen)
{
    if (replace) {
        if (rename(tmp, path) == 0)
            return 0;
    } else if (link(tmp, path) == 0) {
        unlink(tmp); /* the file lives on under path; a leftover temp would be harmless */
        return 0;
    }
    int e = errno;
    if (e == EEXIST && !replace)
        fs_error(err, errlen, "%s exists; use --force to replace it", path);
    else
        fs_error(err, errlen, "cannot %s %s: %s", replace ? "replace" : "create", path,
                 strerror(e));
    unlink(tmp);
    errno = e;
    return -1;
}

int file_write_atomic(const char *path, const void *data, size_t n, mode_t mode, bool replace,
                      char *err, size_t errlen)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
        fs_error(err, errlen, "cannot write %s: that names a directory, not a file", path);
        errno = EISDIR;
        return -1;
    }
    if (file_check_writable(path, err, errlen) < 0)
        return -1;
    char *dir = !slash          ? xstrdup(".")
                : slash == path ? xstrdup("/")
                                : xstrndup(path, (size_t)(slash - path));
    char *tmp = xasprintf("%.*s.%s.tmp-XXXXXX", (int)(base - path), path, base);
    int rc = write_temp(tmp, data, n, mode, err, errlen);
    if (rc == 0) {
        test_hook_pause_before_rename();
        rc = publish(tmp, path, replace, err, errlen);
    }
    if (rc == 0)
        rc = fsync_dir(dir, err, errlen);
    int e = errno;
    free(tmp);
    free(dir);
    errno = e;
    return rc;
}

char *xdg_dir(const char *env, const char *fallback_rel)
{
    const char *v = env ? getenv(env) : NULL;
    if (v && v[0] == '/')
        return xasprintf("%s/tlscope", v);
    const char *home = getenv("HOME");
    if (!home || !*home)
        return NULL;
    if (!fallback_rel || !*fallback_rel)
        return xasprintf("%s/tlscope", home);
    return xasprintf("%s/%s/tlscope", home, fallback_rel);
}

char *datadir_find(const char *sub)
{
    const char *env = getenv("TLSCOPE_DATADIR");
    if (env && *env)
        return xasprintf("%s/%s", env, sub);
    /* Next to the binary: build/tlscope and build/asan/tlscope run from the source tree;
     * PREFIX/bin/tlscope finds PREFIX/share/tlscope. */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        static const char *const rel[] = {"..", "../..", "../share/tlscope"};
        for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
            char *p = xasprintf("%s/%s/%s", exe, rel[i], sub);
            char real[PATH_MAX];
            if (is_dir(p) && realpath(p, real)) {
                free(p);
                return xstrdup(real);
            }
            free(p);
        }
    }
    return xasprintf("%s/%s", TLSCOPE_DATADIR, sub);
}

/* Reads fd to its end into a new buffer, but never more than max + 1 bytes (so a file that
 * grows while read is still caught). hint is the size fstat reported (<= max). */
static ssize_t read_upto(int fd, size_t max, size_t hint, char **out)
{
    size_t cap = hint + 2, len = 0;
    char *buf = xmalloc(cap);
    while (len <= max) {
        if (len + 1 == cap) {
            cap = cap > max / 2 ? max + 2 : cap * 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + len, cap - 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            errno = e;
            return -1;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    buf[len] = '\0';
    *out = buf;
    return (ssize_t)len;
}

int file_read_bounded(const char *path, size_t max, char **data, size_t *n, char *err,
                      size_t errlen)
{
    *data = NULL;
    *n = 0;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; regular files ignore it. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        fs_error(err, errlen, "cannot open %s: %s", path, strerror(e));
        errno = e;
        return -1;
    }
    struct stat st;
    char *buf = NULL;
    ssize_t got = -1;
    int e = 0;
    if (fstat(fd, &st) < 0) {
        e = errno;
        fs_error(err, errlen, "cannot stat %s: %s", path, strerror(e));
    } else if (!S_ISREG(st.st_mode)) {
        e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        fs_error(err, errlen, "%s is not a regular file", path);
    } else if ((uintmax_t)st.st_size > max) {
        e = EFBIG;
        fs_error(err, errlen, "%s is too large: %jd bytes (the limit is %zu bytes)", path,
                 (intmax_t)st.st_size, max);
    } else if ((got = read_upto(fd, max, (size_t)st.st_size, &buf)) < 0) {
        e = errno;
        fs_error(err, errlen, "cannot read %s: %s", path, strerror(e));
    } else if ((size_t)got > max) {
        e = EFBIG;
        fs_error(err, errlen, "%s is too large: it grew past %zu bytes while being read", path,
                 max);
        free(buf);
        got = -1;
    }
    close(fd);
    if (got < 0) {
        errno = e;
        return -1;
    }
    *data = buf;
    *n = (size_t)got;
    return 0;
}
