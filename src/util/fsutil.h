/* Small filesystem helpers for tlscope's own files (profiles, themes): creating config
 * directories, replacing a file atomically, reading a file with a size bound, XDG paths, the
 * data directory. */
#ifndef TLSCOPE_UTIL_FSUTIL_H
#define TLSCOPE_UTIL_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Creates dir and every missing parent. Each directory this call creates gets exactly `mode`
 * (chmod after mkdir, so the umask cannot leave it unusable); existing directories are left
 * as they are. Returns 0, or -1 with a message naming the component in err (errno is kept). */
int mkdir_p(const char *dir, mode_t mode, char *err, size_t errlen);

/* Writes n bytes of data to path so that path always holds either its old content or all of
 * the new one, never a part:
 *   1. a temp file ".NAME.tmp-XXXXXX" in path's directory (mkstemp: O_CREAT|O_EXCL), chmod
 *      to exactly `mode`, write everything, fsync, close;
 *   2. replace: rename() over path. !replace: link() to path, which fails when path exists
 *      (err "PATH exists; use --force to replace it", errno EEXIST), then unlink the temp;
 *   3. fsync the directory so the new name is durable.
 * On any error before step 2 succeeds the temp file is removed and path is untouched; an
 * error from step 3 means the new file is in place but may not survive a power loss.
 * A symlink at path is replaced by the file, not followed. Returns 0, or -1 with err filled
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
