/* Integration-test harness: makes the lab PKI, starts and stops loopback peers (openssl
 * s_server, a tarpit, a plaintext talker) and runs programs with bounded output and time. */
#include "lib/harness.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/mem.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/timeutil.h"

#define HARNESS_MAX_CHILDREN 64
#define HARNESS_START_MS     5000       /* how long a peer may take to accept TCP */
#define HARNESS_STOP_MS      2000       /* SIGTERM grace before SIGKILL */
#define HARNESS_PORT_TRIES   10         /* s_server restarts when its port was taken */
#define HARNESS_OUTPUT_MAX   (4u << 20) /* per captured stream */
#define PEER_MAX_CONNS       100
#define PEER_MAX_MS          60000
#define PLAINTEXT_DRAIN_MS   500 /* waits for the client's FIN so it sees the banner */
#define HARNESS_MAX_CLEANUPS 4

/* ---- process-wide state ------------------------------------------------------------------ */

struct harness_child {
    pid_t pid;    /* 0: free slot */
    int stdin_fd; /* our end of the child's stdin, or -1 */
};

static struct {
    pid_t owner; /* the test process; forked children must never clean up */
    bool hooked;
    struct harness_child children[HARNESS_MAX_CHILDREN];
    char *dir;
    struct pki *pki;
    harness_cleanup_fn cleanup[HARNESS_MAX_CLEANUPS];
} harness;

static void harness_run_cleanups(bool from_signal)
{
    for (size_t i = HARNESS_MAX_CLEANUPS; i-- > 0;)
        if (harness.cleanup[i])
            harness.cleanup[i](from_signal);
}

static void harness_kill_all(int sig)
{
    for (size_t i = 0; i < HARNESS_MAX_CHILDREN; i++)
        if (harness.children[i].pid > 0)
            kill(harness.children[i].pid, sig);
}

/* Async-signal-safe: kills the children and dies of the same signal. */
static void harness_on_signal(int sig)
{
    if (getpid() == harness.owner) {
        harness_run_cleanups(true);
        harness_kill_all(SIGKILL);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void harness_remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL)
            if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                unlinkat(dirfd(d), de->d_name, 0);
        closedir(d);
    }
    rmdir(dir);
}

static void harness_at_exit(void)
{
    if (getpid() != harness.owner)
        return;
    harness_run_cleanups(false);
    harness_kill_all(SIGKILL);
    for (size_t i = 0; i < HARNESS_MAX_CHILDREN; i++) {
        struct harness_child *c = &harness.children[i];
        if (c->pid > 0)
            waitpid(c->pid, NULL, 0);
        if (c->stdin_fd >= 0)
            close(c->stdin_fd);
        c->pid = 0;
        c->stdin_fd = -1;
    }
    if (harness.dir)
        harness_remove_dir(harness.dir);
    free(harness.dir);
    harness.dir = NULL;
    pki_free(harness.pki);
    harness.pki = NULL;
}

/* Installs the exit and signal hooks once. */
static void harness_hook(void)
{
    if (harness.hooked)
        return;
    harness.hooked = true;
    harness.owner = getpid();
    for (size_t i = 0; i < HARNESS_MAX_CHILDREN; i++)
        harness.children[i] = (struct harness_child){0, -1};
    atexit(harness_at_exit);
    struct sigaction sa = {.sa_handler = harness_on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL); /* abort(): a failed assert() or a sanitizer's halt */
}

void harness_on_cleanup(harness_cleanup_fn fn)
{
    harness_hook();
    for (size_t i = 0; i < HARNESS_MAX_CLEANUPS; i++) {
        if (harness.cleanup[i] == fn)
            return;
        if (!harness.cleanup[i]) {
            harness.cleanup[i] = fn;
            return;
        }
    }
    fprintf(stderr, "harness: more than %d cleanup hooks\n", HARNESS_MAX_CLEANUPS);
    abort();
}

/* Records a child (and our end of its stdin, which the table then owns). */
static int harness_track(pid_t pid, int stdin_fd)
{
    harness_hook();
    for (size_t i = 0; i < HARNESS_MAX_CHILDREN; i++) {
        if (harness.children[i].pid == 0) {
            harness.children[i] = (struct harness_child){pid, stdin_fd};
            return 0;
        }
    }
    fprintf(stderr, "harness: more than %d children\n", HARNESS_MAX_CHILDREN);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    if (stdin_fd >= 0)
        close(stdin_fd);
    return -1;
}

static void harness_untrack(pid_t pid)
{
    for (size_t i = 0; i < HARNESS_MAX_CHILDREN; i++) {
        struct harness_child *c = &harness.children[i];
        if (c->pid == pid) {
            if (c->stdin_fd >= 0)
                close(c->stdin_fd);
            *c = (struct harness_child){0, -1};
        }
    }
}

/* Waits up to ms for pid to end, then SIGKILLs and reaps it. Returns true when it ended by
 * itself (its wait status in *status when not NULL), false when it had to be killed. */
static bool harness_reap(pid_t pid, int64_t ms, int *status)
{
    int st = 0;
    int64_t deadline = mono_ms() + ms;
    pid_t r;
    while ((r = waitpid(pid, &st, WNOHANG)) == 0 && mono_ms() < deadline)
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    if (r == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return false;
    }
    if (status)
        *status = st;
    return true;
}

/* ---- children ---------------------------------------------------------------------------- */

/* In a fresh child: die with the parent, even if it crashes. */
static void harness_child_init(pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
}

/* Makes fd (or /dev/null when fd < 0) the child's descriptor target. */
static void harness_child_fd(int fd, int target, int devnull)
{
    if (dup2(fd >= 0 ? fd : devnull, target) < 0)
        _exit(127);
}

/* Forks and execs argv (PATH lookup) with stdin/stdout/stderr from the given descriptors
 * (-1: /dev/null). The descriptors stay open in the parent. Returns the pid or -1. */
static pid_t harness_spawn(const char *const *argv, int in_fd, int out_fd, int err_fd)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) {
        if (pid < 0)
            fprintf(stderr, "harness: fork: %s\n", strerror(errno));
        return pid;
    }
    harness_child_init(parent);
    int devnull = open("/dev/null", O_RDWR);
    if (devnull < 0)
        _exit(127);
    harness_child_fd(in_fd, 0, devnull);
    harness_child_fd(out_fd, 1, devnull);
    harness_child_fd(err_fd, 2, devnull);
    execvp(argv[0], (char *const *)argv);
    _exit(127);
}

/* ---- sockets ----------------------------------------------------------------------------- */

static socklen_t harness_addr(bool v6, uint16_t port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(port);
        a->sin6_addr = in6addr_loopback;
        return sizeof *a;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return sizeof *a;
}

/* A socket bound to loopback on a kernel-chosen port; listening when backlog > 0.
 * Returns the fd (close-on-exec) and sets *port, or -1. */
static int harness_bind(bool v6, int backlog, uint16_t *port)
{
    struct sockaddr_storage ss;
    socklen_t len = harness_addr(v6, 0, &ss);
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        goto fail;
    if (bind(fd, (struct sockaddr *)&ss, len) < 0 || (backlog > 0 && listen(fd, backlog) < 0))
        goto fail;
    len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        goto fail;
    *port =
        ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
fail:
    fprintf(stderr, "harness: loopback socket: %s\n", strerror(errno));
    if (fd >= 0)
        close(fd);
    return -1;
}

static bool harness_can_connect(bool v6, uint16_t port)
{
    struct sockaddr_storage ss;
    socklen_t len = harness_addr(v6, port, &ss);
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    bool ok = connect(fd, (struct sockaddr *)&ss, len) == 0;
    close(fd);
    return ok;
}

/* ---- peers ------------------------------------------------------------------------------- */

static void peer_reset(struct peer *p)
{
    p->pid = 0;
    p->port = 0;
    p->listen_fd = -1;
}

void peer_stop(struct peer *p)
{
    if (p->pid > 0) {
        kill(p->pid, SIGTERM);
        harness_reap(p->pid, HARNESS_STOP_MS, NULL);
        harness_untrack(p->pid);
    }
    if (p->listen_fd >= 0)
        close(p->listen_fd);
    peer_reset(p);
}

/* "openssl s_server -accept HOST:PORT -quiet -ign_eof args..." with "@file" expanded. */
static void s_server_argv(struct strlist *av, bool v6, uint16_t port, const char *const *args)
{
    strlist_push(av, "openssl");
    strlist_push(av, "s_server");
    strlist_push(av, "-accept");
    strlist_take(av, xasprintf(v6 ? "[::1]:%u" : "127.0.0.1:%u", (unsigned)port));
    strlist_push(av, "-quiet");
    strlist_push(av, "-ign_eof");
    for (size_t i = 0; args && args[i]; i++)
        strlist_take(av, args[i][0] == '@' ? harness_path(args[i] + 1) : xstrdup(args[i]));
    xgrow((void **)&av->items, &av->cap, av->len + 1, sizeof *av->items);
    av->items[av->len] = NULL; /* execvp's terminator, not an item */
}

/* Starts one s_server on port. Returns 0 when it accepts TCP, 1 when it exited (port taken,
 * bad arguments), -1 on other failures; *pid is the running child on 0. */
static int s_server_try(bool v6, uint16_t port, const char *const *args, pid_t *pid)
{
    struct strlist av = {0};
    int in[2];
    int ret = -1;

    s_server_argv(&av, v6, port, args);
    if (pipe2(in, O_CLOEXEC) < 0)
        goto out;
    int err_fd = getenv("HARNESS_VERBOSE") ? 2 : -1;
    *pid = harness_spawn((const char *const *)av.items, in[0], -1, err_fd);
    close(in[0]);
    if (*pid < 0) {
        close(in[1]);
        goto out;
    }
    if (harness_track(*pid, in[1]) < 0) /* the table owns in[1] now */
        goto out;
    int64_t deadline = mono_ms() + HARNESS_START_MS;
    int st;
    while (mono_ms() < deadline) {
        if (waitpid(*pid, &st, WNOHANG) == *pid) {
            harness_untrack(*pid);
            ret = 1;
            goto out;
        }
        if (harness_can_connect(v6, port)) {
            ret = 0;
            goto out;
        }
        nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
    }
    fprintf(stderr, "harness: s_server did not accept on port %u within %d ms\n", (unsigned)port,
            HARNESS_START_MS);
    kill(*pid, SIGKILL);
    harness_reap(*pid, HARNESS_STOP_MS, NULL);
    harness_untrack(*pid);
out:
    strlist_free(&av);
    return ret;
}

int peer_s_server(struct peer *p, bool v6, const char *const *args)
{
    peer_reset(p);
    harness_dir(); /* "@file" arguments need the lab */
    for (int i = 0; i < HARNESS_PORT_TRIES; i++) {
        uint16_t port;
        int fd = harness_bind(v6, 0, &port);
        if (fd < 0)
            return -1;
        close(fd); /* s_server binds it next; if someone else is faster, we retry */
        pid_t pid = 0;
        int rc = s_server_try(v6, port, args, &pid);
        if (rc == 0) {
            p->pid = pid;
            p->port = port;
            return 0;
        }
        if (rc < 0)
            return -1;
    }
    fprintf(stderr, "harness: s_server kept exiting at start (bad arguments? "
                    "set HARNESS_VERBOSE=1 to see its errors)\n");
    return -1;
}

int peer_tarpit(struct peer *p)
{
    peer_reset(p);
    /* A big backlog: the kernel completes the TCP handshakes, nobody ever reads. */
    p->listen_fd = harness_bind(false, 128, &p->port);
    return p->listen_fd < 0 ? -1 : 0;
}

/* Sends the banner, then waits (bounded) for the client to close so it reads the banner
 * before our close could reset the connection. */
static void plaintext_serve(int fd, const char *banner)
{
    size_t n = strlen(banner);
    for (size_t done = 0; done < n;) {
        ssize_t w = send(fd, banner + done, n - done, MSG_NOSIGNAL);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    shutdown(fd, SHUT_WR);
    int64_t deadline = mono_ms() + PLAINTEXT_DRAIN_MS;
    char buf[4096];
    while (mono_ms() < deadline) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, (int)(deadline - mono_ms())) <= 0 || recv(fd, buf, sizeof buf, 0) <= 0)
            break;
    }
    close(fd);
}

/* The accept loop of a forked peer: bounded in connections and time. */
static void peer_fork_loop(int lfd, peer_serve_fn serve, const void *arg, int max_conns,
                           int64_t max_ms)
{
    int64_t deadline = mono_ms() + max_ms;
    for (int conns = 0; conns < max_conns;) {
        int64_t left = deadline - mono_ms();
        if (left <= 0)
            break;
        struct pollfd pfd = {.fd = lfd, .events = POLLIN};
        if (poll(&pfd, 1, (int)left) <= 0)
            continue;
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        serve(fd, arg);
        conns++;
    }
}

int peer_fork(struct peer *p, bool v6, peer_serve_fn serve, const void *arg)
{
    return peer_fork_limits(p, v6, serve, arg, PEER_MAX_CONNS, PEER_MAX_MS);
}

int peer_fork_limits(struct peer *p, bool v6, peer_serve_fn serve, const void *arg, int max_conns,
                     int64_t max_ms)
{
    peer_reset(p);
    uint16_t port;
    int lfd = harness_bind(v6, 128, &port);
    if (lfd < 0)
        return -1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        harness_child_init(parent);
        signal(SIGPIPE, SIG_IGN); /* a client that goes away ends one connection, not us */
        /* keep no other peer's socket or pipe alive */
        if (lfd > 3)
            close_range(3, (unsigned)lfd - 1, 0);
        close_range((unsigned)lfd + 1, ~0u, 0);
        peer_fork_loop(lfd, serve, arg, max_conns, max_ms);
        _exit(0);
    }
    close(lfd); /* the child owns the listening socket */
    if (pid < 0) {
        fprintf(stderr, "harness: fork: %s\n", strerror(errno));
        return -1;
    }
    if (harness_track(pid, -1) < 0)
        return -1;
    p->pid = pid;
    p->port = port;
    return 0;
}

static void plaintext_serve_arg(int fd, const void *arg)
{
    plaintext_serve(fd, arg ? arg : "");
}

int peer_plaintext(struct peer *p, const char *banner)
{
    return peer_fork(p, false, plaintext_serve_arg, banner);
}

/* ---- running programs -------------------------------------------------------------------- */

/* Appends what fd has to sb (up to the bound; the rest is dropped). Returns false at EOF. */
static bool harness_drain(int fd, struct strbuf *sb)
{
    char buf[65536];
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0)
        return errno == EINTR || errno == EAGAIN;
    if (r == 0)
        return false;
    if (sb->len < HARNESS_OUTPUT_MAX) {
        size_t room = HARNESS_OUTPUT_MAX - sb->len;
        sb_add(sb, buf, (size_t)r < room ? (size_t)r : room);
    }
    return true;
}

/* Feeds stdin, collects stdout/stderr until both close or the deadline passes.
 * Returns false on timeout. Closes in_fd (when done feeding), out_fd and err_fd. */
static bool harness_pump(int in_fd, const char *in_data, int out_fd, int err_fd, struct strbuf *out,
                         struct strbuf *err, int64_t deadline)
{
    size_t in_left = in_data ? strlen(in_data) : 0;
    struct pollfd pfd[3] = {{.fd = out_fd, .events = POLLIN},
                            {.fd = err_fd, .events = POLLIN},
                            {.fd = in_fd, .events = POLLOUT}};
    if (in_left == 0 && in_fd >= 0) {
        close(in_fd);
        pfd[2].fd = -1;
    }
    bool ok = true;
    while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
        int64_t left = deadline - mono_ms();
        if (left <= 0) {
            ok = false;
            break;
        }
        if (poll(pfd, 3, (int)left) < 0) {
            if (errno == EINTR)
                continue;
            ok = false;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (pfd[i].fd >= 0 && pfd[i].revents && !harness_drain(pfd[i].fd, i == 0 ? out : err)) {
                close(pfd[i].fd);
                pfd[i].fd = -1;
            }
        }
        if (pfd[2].fd >= 0 && pfd[2].revents) {
            ssize_t w = send(pfd[2].fd, in_data, in_left, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w > 0) {
                in_data += w;
                in_left -= (size_t)w;
            }
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || in_left == 0) {
                close(pfd[2].fd);
                pfd[2].fd = -1;
            }
        }
    }
    for (int i = 0; i < 3; i++)
        if (pfd[i].fd >= 0)
            close(pfd[i].fd);
    return ok;
}

int harness_run(const char *const *argv, const char *stdin_data, double timeout_s, char **out,
                char **errout)
{
    struct strbuf ob = {0}, eb = {0};
    int po[2] = {-1, -1}, pe[2] = {-1, -1}, pi[2] = {-1, -1};
    int ret = -1;

    /* stdin is a socket so that feeding a child that already exited gives EPIPE, not SIGPIPE */
    if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0 ||
        (stdin_data && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pi) < 0)) {
        fprintf(stderr, "harness: pipe: %s\n", strerror(errno));
        goto out;
    }
    int64_t deadline = mono_ms() + (int64_t)(timeout_s * 1000);
    pid_t pid = harness_spawn(argv, pi[1], po[1], pe[1]);
    close(po[1]);
    close(pe[1]);
    if (pi[1] >= 0)
        close(pi[1]);
    po[1] = pe[1] = pi[1] = -1;
    if (pid < 0 || harness_track(pid, -1) < 0)
        goto out;
    bool in_time = harness_pump(pi[0], stdin_data, po[0], pe[0], &ob, &eb, deadline);
    po[0] = pe[0] = pi[0] = -1; /* closed by harness_pump */
    int st = 0;
    int64_t left = deadline - mono_ms();
    bool ended = harness_reap(pid, in_time && left > 0 ? left : 0, &st);
    harness_untrack(pid);
    if (in_time && ended && WIFEXITED(st))
        ret = WEXITSTATUS(st);
out:
    for (int i = 0; i < 2; i++) {
        if (po[i] >= 0)
            close(po[i]);
        if (pe[i] >= 0)
            close(pe[i]);
        if (pi[i] >= 0)
            close(pi[i]);
    }
    if (out)
        *out = sb_take(&ob);
    if (errout)
        *errout = sb_take(&eb);
    sb_free(&ob);
    sb_free(&eb);
    return ret;
}

char *harness_tlscope_path(void)
{
    const char *env = getenv("TLSCOPE_BIN");
    if (env && *env)
        return xstrdup(env);
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return xstrdup("build/tlscope");
    self[n] = '\0';
    /* BUILD/tests/<kind>/<binary> → BUILD */
    for (int i = 0; i < 3; i++) {
        char *slash = strrchr(self, '/');
        if (slash && slash != self)
            *slash = '\0';
    }
    return xasprintf("%s/tlscope", self);
}

int run_tlscope(const char *const *argv, double timeout_s, char **out, char **errout)
{
    size_t n = 0;
    while (argv && argv[n])
        n++;
    const char **full = xcalloc(n + 2, sizeof *full);
    char *bin = harness_tlscope_path();
    full[0] = bin;
    for (size_t i = 0; i < n; i++)
        full[i + 1] = argv[i];
    int rc = harness_run(full, NULL, timeout_s, out, errout);
    free(bin);
    free(full);
    return rc;
}

/* ---- the lab ----------------------------------------------------------------------------- */

#define LOCALHOST_SAN "DNS:localhost,IP:127.0.0.1,IP:::1"
#define CA(n, subj, iss, pathlen)                                                                  \
    {                                                                                              \
        .name = n, .subject = subj, .issuer = iss, .key = PKI_RSA2048, .not_before_days = -1,      \
        .not_after_days = 3650, .is_ca = true, .path_len = pathlen                                 \
    }
#define LEAF(n, subj, iss, keytype, from, to, sans)                                                \
    {                                                                                              \
        .name = n, .subject = subj, .issuer = iss, .key = keytype, .not_before_days = from,        \
        .not_after_days = to, .path_len = -1, .san = sans                                          \
    }

static const struct pki_spec lab_specs[] = {
    CA("root", "CN=TLS Lab Root CA,O=TLS Lab", NULL, -1),
    CA("inter", "CN=TLS Lab Intermediate CA,O=TLS Lab", "root", 0),
    {.name = "leaf",
     .subject = "CN=localhost,O=TLS Lab",
     .issuer = "inter",
     .key = PKI_RSA2048,
     .not_before_days = -1,
     .not_after_days = 365,
     .path_len = -1,
     .san = LOCALHOST_SAN,
     .ca_issuers_url = "http://127.0.0.1:9/inter.crt"},
    LEAF("leaf_ec", "CN=localhost,O=TLS Lab", "inter", PKI_EC_P256, -1, 365, LOCALHOST_SAN),
    LEAF("expired", "CN=localhost,O=TLS Lab", "inter", PKI_RSA2048, -400, -30, LOCALHOST_SAN),
    LEAF("notyet", "CN=localhost,O=TLS Lab", "inter", PKI_RSA2048, 30, 400, LOCALHOST_SAN),
    LEAF("expiring", "CN=localhost,O=TLS Lab", "inter", PKI_RSA2048, -80, 10, LOCALHOST_SAN),
    LEAF("wronghost", "CN=wrong.example,O=TLS Lab", "inter", PKI_RSA2048, -1, 365,
         "DNS:wrong.example"),
    LEAF("selfsigned", "CN=localhost,O=TLS Lab", NULL, PKI_RSA2048, -1, 365, LOCALHOST_SAN),
    CA("root2", "CN=TLS Lab Untrusted Root CA,O=Elsewhere", NULL, -1),
    CA("inter2", "CN=TLS Lab Untrusted Intermediate CA,O=Elsewhere", "root2", 0),
    LEAF("leaf2", "CN=localhost,O=Elsewhere", "inter2", PKI_RSA2048, -1, 365, LOCALHOST_SAN),
    {.name = "sha1",
     .subject = "CN=localhost,O=TLS Lab",
     .issuer = "inter",
     .key = PKI_RSA2048,
     .not_before_days = -1,
     .not_after_days = 365,
     .path_len = -1,
     .san = LOCALHOST_SAN,
     .digest = "sha1"},
    LEAF("weak", "CN=localhost,O=TLS Lab", "inter", PKI_RSA1024, -1, 365, LOCALHOST_SAN),
    LEAF("evil", "CN=evil\x1b[31mRED\x1b[0m\x07name,O=TLS Lab", "inter", PKI_RSA2048, -1, 365,
         LOCALHOST_SAN),
    CA("client_ca", "CN=TLS Lab Client CA,O=TLS Lab", NULL, 0),
    LEAF("leaf_root2", "CN=localhost,O=Elsewhere Direct", "root2", PKI_RSA2048, -1, 365,
         LOCALHOST_SAN),
    {.name = "root_cross",
     .subject = "CN=TLS Lab Root CA,O=TLS Lab",
     .issuer = "root2",
     .key_from = "root",
     .not_before_days = -1,
     .not_after_days = 3650,
     .is_ca = true,
     .path_len = -1},
    LEAF("evil_lf", "CN=localhost\nissuer  CN=Forged Root (trusted)\r,O=TLS Lab", "inter",
         PKI_RSA2048, -1, 365, LOCALHOST_SAN),
    {.name = "client",
     .subject = "CN=tlscope client,O=TLS Lab",
     .issuer = "client_ca",
     .key = PKI_RSA2048,
     .not_before_days = -1,
     .not_after_days = 365,
     .path_len = -1,
     .client_auth = true},
};

const struct pki_spec *harness_lab_specs(size_t *n)
{
    *n = sizeof lab_specs / sizeof lab_specs[0];
    return lab_specs;
}

/* Writes the concatenated certificates names[] (NULL-terminated) as dir/file. */
static int lab_bundle(const struct pki *p, const char *dir, const char *file,
                      const char *const *names, char *err, size_t errlen)
{
    struct strbuf sb = {0};
    for (size_t i = 0; names[i]; i++)
        sb_puts(&sb, pki_cert_pem(p, names[i]));
    int rc = pki_write_file(dir, file, sb.buf, sb.len, 0644, err, errlen);
    sb_free(&sb);
    return rc;
}

static int lab_ocsp(const struct pki *p, const char *dir, const char *file, const char *name,
                    int status, char *err, size_t errlen)
{
    size_t len = 0;
    unsigned char *der = pki_ocsp_response(p, name, status, &len);
    if (!der) {
        snprintf(err, errlen, "%s: cannot make the OCSP response for %s", file, name);
        return -1;
    }
    int rc = pki_write_file(dir, file, der, len, 0644, err, errlen);
    free(der);
    return rc;
}

/* The files derived from the certificates: bundles, OCSP responses, the encrypted key. */
static int lab_extras(const struct pki *p, const char *dir, char *err, size_t errlen)
{
    static const char *const chain[] = {"leaf", "inter", NULL};
    static const char *const chain_ec[] = {"leaf_ec", "inter", NULL};
    static const char *const wrong[] = {"leaf", "inter2", "inter", NULL};
    static const char *const wrong_extra[] = {"inter2", "inter", NULL};
    static const char *const unrelated_ca[] = {"inter", "root2", NULL};
    static const char *const dup[] = {"inter", "inter", NULL};
    static const char *const cross[] = {"inter", "root_cross", NULL};
    static const char *const with_root[] = {"inter", "root", NULL};

    if (lab_bundle(p, dir, "chain.pem", chain, err, errlen) < 0 ||
        lab_bundle(p, dir, "chain_ec.pem", chain_ec, err, errlen) < 0 ||
        lab_bundle(p, dir, "chain_wrongorder.pem", wrong, err, errlen) < 0 ||
        lab_bundle(p, dir, "wrongorder_extra.pem", wrong_extra, err, errlen) < 0 ||
        lab_bundle(p, dir, "extra_unrelated_ca.pem", unrelated_ca, err, errlen) < 0 ||
        lab_bundle(p, dir, "extra_duplicate.pem", dup, err, errlen) < 0 ||
        lab_bundle(p, dir, "extra_cross.pem", cross, err, errlen) < 0 ||
        lab_bundle(p, dir, "extra_root.pem", with_root, err, errlen) < 0 ||
        lab_ocsp(p, dir, "ocsp_good.der", "leaf", 0, err, errlen) < 0 ||
        lab_ocsp(p, dir, "ocsp_revoked.der", "leaf", 1, err, errlen) < 0)
        return -1;
    /* client.key.enc: passphrase "secret" (HARNESS_CLIENT_KEY_PASS) */
    char *enc = pki_key_pem_encrypted(p, "client", HARNESS_CLIENT_KEY_PASS);
    if (!enc) {
        snprintf(err, errlen, "client.key.enc: cannot encrypt the client key");
        return -1;
    }
    int rc = pki_write_file(dir, "client.key.enc", enc, strlen(enc), 0600, err, errlen);
    free(enc);
    return rc;
}

int harness_make_lab(const char *dir, struct pki **pki_out, char *err, size_t errlen)
{
    size_t n;
    const struct pki_spec *specs = harness_lab_specs(&n);
    struct pki *p = NULL;

    if (pki_out)
        *pki_out = NULL;
    if (pki_generate(specs, n, &p, err, errlen) < 0)
        return -1;
    if (pki_write_dir(p, dir, err, errlen) < 0 || lab_extras(p, dir, err, errlen) < 0) {
        pki_free(p);
        return -1;
    }
    if (pki_out)
        *pki_out = p;
    else
        pki_free(p);
    return 0;
}

const char *harness_dir(void)
{
    if (harness.dir)
        return harness.dir;
    harness_hook();
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/tlscope-lab-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "harness: mkdtemp %s: %s\n", dir, strerror(errno));
        exit(2);
    }
    harness.dir = dir; /* removed by harness_at_exit, also when the lab fails below */
    char err[512];
    if (harness_make_lab(dir, &harness.pki, err, sizeof err) < 0) {
        fprintf(stderr, "harness: lab PKI: %s\n", err);
        exit(2);
    }
    return harness.dir;
}

const struct pki *harness_pki(void)
{
    harness_dir();
    return harness.pki;
}

char *harness_path(const char *file)
{
    return xasprintf("%s/%s", harness_dir(), file);
}
