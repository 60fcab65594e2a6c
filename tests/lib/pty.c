/* A program in a pseudo-terminal the test owns; see pty.h. The child gets PR_SET_PDEATHSIG and
 * an atexit handler kills every child still running, so none outlives the test binary. */
#include "lib/pty.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "util/mem.h"
#include "util/timeutil.h"

#define PTY_OUT_MAX      (4u << 20) /* output kept; the rest is read and dropped */
#define PTY_MAX_CHILDREN 8

static pid_t pty_children[PTY_MAX_CHILDREN];

static void pty_kill_all(void)
{
    for (size_t i = 0; i < PTY_MAX_CHILDREN; i++)
        if (pty_children[i] > 0) {
            kill(pty_children[i], SIGKILL);
            waitpid(pty_children[i], NULL, 0);
            pty_children[i] = 0;
        }
}

static void pty_track(pid_t pid, bool add)
{
    static bool hooked;
    if (!hooked && atexit(pty_kill_all) == 0)
        hooked = true;
    for (size_t i = 0; i < PTY_MAX_CHILDREN; i++)
        if (add ? pty_children[i] == 0 : pty_children[i] == pid) {
            pty_children[i] = add ? pid : 0;
            return;
        }
}

static void pty_child(const char *const *argv, const char *term, const char *home)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* Only EOF or an I/O error on the terminal may end the program: a SIGHUP stays pending. */
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    sigprocmask(SIG_BLOCK, &hup, NULL);
    signal(SIGPIPE, SIG_DFL);
    clearenv();
    setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1);
    setenv("LANG", "C.UTF-8", 1);
    setenv("TZ", "UTC", 1);
    setenv("HOME", home, 1);
    char *dir = xasprintf("%s/.config", home);
    setenv("XDG_CONFIG_HOME", dir, 1);
    free(dir);
    dir = xasprintf("%s/.local/state", home);
    setenv("XDG_STATE_HOME", dir, 1);
    free(dir);
    if (term)
        setenv("TERM", term, 1);
    execv(argv[0], (char *const *)argv);
    dprintf(STDERR_FILENO, "pty: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

int pty_start(struct pty_child *c, const char *const *argv, const char *term, int cols, int rows)
{
    memset(c, 0, sizeof *c);
    c->master = -1;
    snprintf(c->home, sizeof c->home, "/tmp/tlscope-pty-XXXXXX");
    if (!mkdtemp(c->home)) {
        perror("pty: mkdtemp");
        c->home[0] = '\0';
        return -1;
    }
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    int master;
    pid_t pid = forkpty(&master, NULL, NULL, &ws);
    if (pid < 0) {
        perror("pty: forkpty");
        return -1;
    }
    if (pid == 0)
        pty_child(argv, term, c->home);
    pty_track(pid, true);
    c->pid = pid;
    c->master = master;
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    fcntl(master, F_SETFD, FD_CLOEXEC);
    c->out = xcalloc(1, 1);
    return 0;
}

/* Reads what is there (waiting at most ms); false at EOF or an error on the master. */
static bool pty_read(struct pty_child *c, int ms)
{
    if (c->master < 0)
        return false;
    struct pollfd p = {.fd = c->master, .events = POLLIN};
    if (poll(&p, 1, ms) <= 0)
        return true;
    char buf[4096];
    ssize_t n = read(c->master, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return true;
    if (n <= 0)
        return false; /* EIO once the child side is closed everywhere */
    if (c->out_len + (size_t)n <= PTY_OUT_MAX) {
        c->out = xrealloc(c->out, c->out_len + (size_t)n + 1);
        memcpy(c->out + c->out_len, buf, (size_t)n);
        c->out_len += (size_t)n;
        c->out[c->out_len] = '\0';
    }
    return true;
}

bool pty_wait_for(struct pty_child *c, const char *needle, double timeout_s)
{
    int64_t end = mono_ms() + (int64_t)(timeout_s * 1000);
    while (!memmem(c->out, c->out_len, needle, strlen(needle))) {
        int64_t left = end - mono_ms();
        if (left <= 0 || !pty_read(c, left < 50 ? (int)left : 50))
            return memmem(c->out, c->out_len, needle, strlen(needle)) != NULL;
    }
    return true;
}

int pty_send(struct pty_child *c, const char *bytes)
{
    size_t n = strlen(bytes);
    return c->master >= 0 && write(c->master, bytes, n) == (ssize_t)n ? 0 : -1;
}

void pty_close_master(struct pty_child *c)
{
    if (c->master >= 0)
        close(c->master);
    c->master = -1;
}

static bool pty_reap(struct pty_child *c, int options)
{
    struct rusage ru;
    int st;
    pid_t r = wait4(c->pid, &st, options, &ru);
    if (r != c->pid)
        return false;
    c->status = st;
    c->cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
               (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    pty_track(c->pid, false);
    c->pid = 0;
    return true;
}

bool pty_wait_exit(struct pty_child *c, double timeout_s)
{
    if (c->pid <= 0)
        return true;
    int64_t end = mono_ms() + (int64_t)(timeout_s * 1000);
    while (mono_ms() < end) {
        if (pty_reap(c, WNOHANG))
            return true;
        if (c->master < 0 || !pty_read(c, 20))
            usleep(20 * 1000);
    }
    c->timed_out = true;
    kill(c->pid, SIGKILL);
    pty_reap(c, 0);
    return false;
}

static int pty_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void pty_stop(struct pty_child *c)
{
    if (c->pid > 0) {
        kill(c->pid, SIGKILL);
        pty_reap(c, 0);
    }
    pty_close_master(c);
    free(c->out);
    c->out = NULL;
    c->out_len = 0;
    if (c->home[0])
        nftw(c->home, pty_rm, 16, FTW_DEPTH | FTW_PHYS);
    c->home[0] = '\0';
}
