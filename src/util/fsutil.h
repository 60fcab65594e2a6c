/* Small filesystem helpers for tlscope's own files: creating config directories, the one safe
 * writer every file we write goes through (profiles, history, exports, reports, key logs, the
 * lab's PKI), reading a file with a size bound, XDG paths, the data directory.
 *
 * The safe writer's promises: only regular files are written (a FIFO, a device, a socket or a
 * directory at the path is refused with a message saying what it is, and nothing blocks on
 * it); a symbolic link at the path is never followed (an atomic replace refuses it; an append
 * opens with O_NOFOLLOW); every write, sync and close error is reported with the path. */
#ifndef TLSCOPE_UTIL_FSUTIL_H
#define TLSCOPE_UTIL_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Creates dir and every missing parent. Each directory this call creates gets exactly `mode`
 * (chmod after mkdir, so the umask cannot leave it unusable); existing directories are left
 * as they are. Returns 0, or -1 with a message naming the component in err (errno is kept). */
int mkdir_p(const char *dir, mode_t mode, char *err, size_t errlen);

/* Whether path may be written by the safe writer, judged by lstat: returns 0 when nothing is
 * there, 1 when it is a regular file, and -1 otherwise with err "PATH is a FIFO (not a
 * regular file); not written" (or "a device", "a directory", "a socket", "a symbolic link";
 * errno EEXIST for those, EISDIR for a directory) or why lstat failed (errno kept). Front ends
 * call it before asking "overwrite?", so they never ask about a file they would refuse. */
int file_check_writable(const char *path, char *err, size_t errlen);

/* Writes all n bytes of data to fd (retrying short writes and EINTR). On an error (ENOSPC,
 * EFBIG, EIO ...) fills err (may be NULL) with "cannot write PATH: REASON" and returns -1,
 * errno kept. */
int file_write_fd(int fd, const char *path, const void *data, size_t n, char *err, size_t errlen);

/* Flags for file_open_safe. FILE_OPEN_APPEND: append to an existing file (without it, an
 * existing file is truncated). FILE_OPEN_PRIVATE: the file holds secrets, so it may have no
 * permission bits beyond `mode`. */
#define FILE_OPEN_APPEND  0x1
#define FILE_OPEN_PRIVATE 0x2

/* Opens path for writing with the safe writer's rules, for files written piece by piece (the
 * key log): O_NOFOLLOW (a symlink is refused: "PATH is a symbolic link; not followed"),
 * O_NONBLOCK while opening (a FIFO never blocks us; cleared once the file is known to be
 * regular), and anything but a regular file refused as file_check_writable says. A new file
 * gets exactly `mode`. With FILE_OPEN_PRIVATE an existing file whose mode allows more than
 * `mode` is fchmod'ed to `mode` when it belongs to us (geteuid), and refused when it does not
 * ("PATH belongs to uid N and others can read it (mode 0644); not written"), so secrets never
 * land in a file others can read. Returns an O_CLOEXEC fd, or -1 with err filled and errno
 * set. */
int file_open_safe(const char *path, mode_t mode, unsigned flags, char *err, size_t errlen);

/* Writes n bytes of data to path so that path always holds either its old content or all of
 * the new one, never a part:
 *   1. a temp file ".NAME.tmp-XXXXXX" in path's directory (mkstemp: O_CREAT|O_EXCL), chmod
 *      to exactly `mode`, write everything, fsync, close;
 *   2. replace: rename() over path. !replace: link() to path, which fails when path exists
 *      (err "PATH exists; use --force to replace it", errno EEXIST), then unlink the temp;
 *   3. fsync the directory so the new name is durable.
 * On any error before step 2 succeeds the temp file is removed and path is untouched; an
 * error from step 3 means the new file is in place but may not survive a power loss.
 * Before step 1, file_check_writable(path): anything at path but a regular file (a FIFO, a
 * device, a directory, a socket, a symlink) is refused, never replaced or followed. Errors
 * name the path and the cause (ENOSPC and EFBIG included). Returns 0, or -1 with err filled
 * and errno set to the cause.
 *
 * Test-only hook: when the environment variable TLSCOPE_TEST_HOOK is "pause-before-rename",
 * the process stops itself (raise(SIGSTOP)) after the fsync of step 1 and before step 2, so
 * a test can kill it there and show that the old file survives. Never set it otherwise. */
int file_write_atomic(const char *path, const void *data, size_t n, mode_t mode, bool replace,
                      char *err, size_t errlen);

/* fsyncs a directory (to make renames and new names in it durable). Filesystems that cannot
 * sync directories (EINVAL, EROFS, ENOTSUP) count as success. Returns 0 or -1 with err. */
int fsync_dir(const char *dir, char *err, size_t errlen);

/* "$env/tlscope" when the environment variable env holds an absolute path (the XDG spec says
 * relative values are ignored), else "$HOME/<fallback_rel>/tlscope", e.g.
 * xdg_dir("XDG_CONFIG_HOME", ".config"). Returns a new string (caller frees), or NULL when
 * neither is usable. */
char *xdg_dir(const char *env, const char *fallback_rel);

/* The directory of tlscope's bundled data `sub` ("profiles", "themes"): $TLSCOPE_DATADIR/sub
 * when that variable is set and not empty; else the first of ../sub, ../../sub and
 * ../share/tlscope/sub next to the running binary that is a directory (realpath'd); else the
 * build-time TLSCOPE_DATADIR + "/" + sub. The directory need not exist. Returns a new string
 * (caller frees). */
char *datadir_find(const char *sub);

/* Reads a regular file of at most max bytes. On success *data is a new NUL-terminated buffer
 * (caller frees; the NUL is not counted in *n). Refuses non-regular files (directories,
 * FIFOs, devices — without blocking on them) and larger files, with a message that states the
 * size and the limit. Returns 0, or -1 with err filled and *data NULL, *n 0. */
int file_read_bounded(const char *path, size_t max, char **data, size_t *n, char *err,
                      size_t errlen);

#endif
