/* The demo lab, the parent side: what the lab serves, starting the server process (forked,
 * see lab_server.c) and reading its start report through a pipe it polls (lab_fd / lab_step),
 * so starting never blocks its event loop; the accessors; stopping and removing the files.
 * A sibling of the engine: OpenSSL is allowed here (check-layers names src/lab/), the engine's
 * internals are not. */
#include "lab/lab.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "lab/lab_internal.h"
#include "lab/pki.h"
#include "util/mem.h"
#include "util/timeutil.h"

/* The start fails past this. The child makes the PKI (an RSA-2048 key among it: ~0.3 s here,
 * tens of seconds under valgrind on a busy machine), so only a child that is truly stuck hits it.
 */
#define LAB_START_MS 120000
#define LAB_STOP_MS  2000 /* SIGTERM grace before SIGKILL */

#define LAB_SAN "DNS:localhost,IP:127.0.0.1,IP:::1"

/* ---- what the lab serves ------------------------------------------------------------------ */

/* EC P-256 everywhere but one: RSA key generation costs 80-200 ms at start, paid once for
 * the wide legacy server (DHE-RSA and RSA key exchange need an RSA certificate). */
#define LAB_CA(n, subj, iss, pathlen)                                                              \
    {                                                                                              \
        .name = n, .subject = subj, .issuer = iss, .key = PKI_EC_P256, .not_before_days = -1,      \
        .not_after_days = 3650, .is_ca = true, .path_len = pathlen                                 \
    }
#define LAB_LEAF(n, subj, iss, from, to, sans)                                                     \
    {                                                                                              \
        .name = n, .subject = subj, .issuer = iss, .key = PKI_EC_P256, .not_before_days = from,    \
        .not_after_days = to, .path_len = -1, .san = sans                                          \
    }

const struct pki_spec lab_specs[] = {
    LAB_CA("root", "CN=TLS Lab Root CA,O=TLS Lab", NULL, -1),
    LAB_CA("inter", "CN=TLS Lab Intermediate CA,O=TLS Lab", "root", 0),
    {.name = "leaf", /* names its issuer (caIssuers), OCSP responder and CRL as a CA's leaves
                        do: the server process points them at its repository (lab_http.c) */
     .subject = "CN=localhost,O=TLS Lab",
     .issuer = "inter",
     .key = PKI_EC_P256,
     .not_before_days = -1,
     .not_after_days = 365,
     .path_len = -1,
     .san = LAB_SAN,
     .ca_issuers_url = "http://127.0.0.1:9/inter.crt"},
    {.name = "leaf_rsa", /* the wide legacy server's second certificate: DHE-RSA, RSA kx */
     .subject = "CN=localhost,O=TLS Lab",
     .issuer = "inter",
     .key = PKI_RSA2048,
     .not_before_days = -1,
     .not_after_days = 365,
     .path_len = -1,
     .san = LAB_SAN},
    LAB_LEAF("expired", "CN=localhost,O=TLS Lab", "inter", -400, -30, LAB_SAN),
    LAB_LEAF("selfsigned", "CN=localhost,O=TLS Lab", NULL, -1, 365, LAB_SAN),
    LAB_LEAF("wronghost", "CN=wrong.example,O=TLS Lab", "inter", -1, 365, "DNS:wrong.example"),
    LAB_CA("client_ca", "CN=TLS Lab Client CA,O=TLS Lab", NULL, 0),
    {.name = "client",
     .subject = "CN=tlscope client,O=TLS Lab",
     .issuer = "client_ca",
     .key = PKI_EC_P256,
     .not_before_days = -1,
     .not_after_days = 365,
     .path_len = -1,
     .client_auth = true},
};

const size_t lab_spec_count = sizeof lab_specs / sizeof lab_specs[0];

#define LAB_MODERN .min_version = TLS1_2_VERSION, .max_version = TLS1_3_VERSION

const struct lab_def lab_defs[] = {
    {.name = "good",
     .title = "Good chain",
     .description = "A healthy server: leaf + intermediate, TLS 1.2-1.3, ALPN h2, stapled OCSP",
     .expect = "verified",
     .leaf = "leaf",
     .chain = "inter",
     LAB_MODERN,
     .alpn = true,
     .ocsp = true},
    {.name = "expired",
     .title = "Expired certificate",
     .description = "The leaf expired 30 days ago: see the verify error, its depth and the fix",
     .expect = "not verified",
     .leaf = "expired",
     .chain = "inter",
     LAB_MODERN},
    {.name = "self-signed",
     .title = "Self-signed certificate",
     .description = "A lone self-signed certificate: nothing links it to a trusted root",
     .expect = "not verified",
     .leaf = "selfsigned",
     LAB_MODERN},
    {.name = "wrong-host",
     .title = "Wrong host name",
     .description = "A valid chain issued to wrong.example: the hostname check fails for localhost",
     .expect = "not verified",
     .leaf = "wronghost",
     .chain = "inter",
     LAB_MODERN},
    {.name = "missing-intermediate",
     .title = "Missing intermediate",
     .description = "Only the leaf is sent: no path to the root; a on Certificates fetches it",
     .expect = "not verified",
     .leaf = "leaf",
     LAB_MODERN},
    {.name = "legacy",
     .title = "Legacy TLS 1.0 only",
     .description = "TLS 1.0 only: defaults fail; --min-proto tls1.0 --sec-level 0 gets through",
     .expect = "handshake fails",
     .leaf = "leaf",
     .chain = "inter",
     .min_version = TLS1_VERSION,
     .max_version = TLS1_VERSION,
     .legacy = true},
    {.name = "client-cert",
     .title = "Client certificate required",
     .description =
         "Wants a client certificate from TLS Lab Client CA; the lab's client files pass",
     .expect = "handshake fails",
     .leaf = "leaf",
     .chain = "inter",
     LAB_MODERN,
     .client_auth = true},
    {.name = "wide-legacy",
     .title = "Wide legacy server",
     .description = "TLS 1.0-1.3, CBC, 3DES, DHE-1024, RSA + ECDSA: scan it to see what is weak",
     .expect = "verified",
     .leaf = "leaf",
     .leaf2 = "leaf_rsa",
     .chain = "inter",
     .min_version = TLS1_VERSION,
     .max_version = TLS1_3_VERSION,
     .wide = true},
    /* issue 12: STARTTLS */
    {.name = "smtp-starttls",
     .title = "SMTP with STARTTLS",
     .description =
         "Mail server: EHLO, STARTTLS, then TLS; try --starttls smtp (the STARTTLS pane)",
     .expect = "verified",
     .leaf = "leaf",
     .chain = "inter",
     LAB_MODERN,
     .starttls = "smtp"},
    {.name = "imap-starttls",
     .title = "IMAP with STARTTLS",
     .description = "IMAP server: CAPABILITY, STARTTLS, then TLS; try --starttls imap",
     .expect = "verified",
     .leaf = "leaf",
     .chain = "inter",
     LAB_MODERN,
     .starttls = "imap"},
};

_Static_assert(sizeof lab_defs / sizeof lab_defs[0] == LAB_N, "LAB_N counts lab_defs");

/* ---- the parent --------------------------------------------------------------------------- */

/* Removes the directory of lab_make_dir and what is in it: the lab's files, and a temporary
 * file of the safe writer left by a server process killed while it wrote. The directory is
 * private (0700, ours), and holds no subdirectories. */
void lab_remove_files(const struct lab *l)
{
    if (!l->dir)
        return;
    DIR *d = opendir(l->dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    rmdir(l->dir);
}

/* The private directory (0700) and the paths of the files the server process writes there. */
static int lab_make_dir(struct lab *l, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/tlscope-demo-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "demo lab: cannot create %s: %s", dir, strerror(errno));
        free(dir);
        return -1;
    }
    l->dir = dir;
    l->ca_file = xasprintf("%s/%s", dir, LAB_CA_FILE);
    l->client_cert = xasprintf("%s/%s", dir, LAB_CLIENT_CERT);
    l->client_key = xasprintf("%s/%s", dir, LAB_CLIENT_KEY);
    return 0;
}

/* Forks the server process; keeps the read end of its report pipe (non-blocking) in l. */
static int lab_spawn(struct lab *l, char *err, size_t errlen)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "demo lab: pipe: %s", strerror(errno));
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        lab_child(l, fds[1], parent);
    }
    close(fds[1]);
    if (pid < 0) {
        snprintf(err, errlen, "demo lab: fork: %s", strerror(errno));
        close(fds[0]);
        return -1;
    }
    fcntl(fds[0], F_SETFL, O_NONBLOCK); /* cannot fail on a pipe we own */
    l->pid = pid;
    l->rfd = fds[0];
    return 0;
}

/* SIGTERM, a bounded wait, then SIGKILL (at once when !grace); always reaps. */
static void lab_end_process(pid_t pid, bool grace)
{
    kill(pid, grace ? SIGTERM : SIGKILL);
    int64_t deadline = mono_ms() + LAB_STOP_MS;
    for (;;) {
        pid_t r = waitpid(pid, NULL, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return; /* reaped, or already reaped by someone ignoring SIGCHLD */
        if (mono_ms() >= deadline)
            break;
        nanosleep(&(struct timespec){0, 2 * 1000 * 1000}, NULL);
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

/* The start failed: says why, stops listening to the pipe. The process is left to lab_stop. */
__attribute__((format(printf, 2, 3))) static void lab_fail(struct lab *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->err, sizeof l->err, fmt, ap);
    va_end(ap);
    l->state = LAB_FAILED;
    if (l->rfd >= 0)
        close(l->rfd);
    l->rfd = -1;
}

/* The server process ended before it was ready: how, when it can be told without waiting. */
static void lab_fail_exited(struct lab *l)
{
    int status;
    pid_t r = l->pid > 0 ? waitpid(l->pid, &status, WNOHANG) : 0;
    if (r == l->pid) {
        l->pid = 0; /* reaped: lab_stop must not signal a PID that may be reused */
        if (WIFSIGNALED(status)) {
            lab_fail(l, "demo lab: the server process was killed by signal %d before it was ready",
                     WTERMSIG(status));
            return;
        }
        if (WIFEXITED(status)) {
            lab_fail(l, "demo lab: the server process exited with status %d before it was ready",
                     WEXITSTATUS(status));
            return;
        }
    }
    lab_fail(l, "demo lab: the server process ended before it was ready");
}

/* One complete line from the server process: "ok PORT..." or "error MESSAGE". */
static void lab_take_report(struct lab *l)
{
    char *line = l->report;
    line[strcspn(line, "\n")] = '\0';
    if (!strncmp(line, "error ", 6)) {
        lab_fail(l, "%s", line + 6);
        return;
    }
    uint16_t ports[LAB_N];
    char *s = line + 2;
    bool ok = !strncmp(line, "ok", 2);
    for (size_t i = 0; ok && i < LAB_N; i++) {
        char *end;
        unsigned long port = strtoul(s, &end, 10);
        ok = end != s && port > 0 && port <= 65535;
        ports[i] = (uint16_t)port;
        s = end;
    }
    if (!ok) {
        lab_fail(l, "demo lab: bad start report from the server process");
        return;
    }
    for (size_t i = 0; i < LAB_N; i++)
        l->targets[i].port = ports[i];
    l->state = LAB_READY;
    close(l->rfd);
    l->rfd = -1;
}

enum lab_state lab_step(struct lab *l)
{
    if (!l)
        return LAB_FAILED;
    /* Each pass reads at least one byte into a bounded buffer, or leaves. */
    while (l->state == LAB_STARTING) {
        if (memchr(l->report, '\n', l->report_len)) {
            lab_take_report(l);
            break;
        }
        if (l->report_len == LAB_MSG_MAX) {
            lab_fail(l, "demo lab: the server process's start report is too long");
            break;
        }
        ssize_t r = read(l->rfd, l->report + l->report_len, LAB_MSG_MAX - l->report_len);
        if (r > 0) {
            l->report_len += (size_t)r;
            l->report[l->report_len] = '\0';
        } else if (r == 0) {
            lab_fail_exited(l);
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (mono_ms() >= l->deadline_ms)
                lab_fail(l, "demo lab: the servers did not start within %d ms", LAB_START_MS);
            break;
        } else if (errno != EINTR) {
            lab_fail(l, "demo lab: reading the start report: %s", strerror(errno));
        }
    }
    return l->state;
}

int lab_start(struct lab **out, char *err, size_t errlen)
{
    struct lab *l = xcalloc(1, sizeof *l);
    *out = NULL;
    l->rfd = -1;
    l->state = LAB_STARTING;
    for (size_t i = 0; i < LAB_N; i++) {
        const struct lab_def *d = &lab_defs[i];
        l->targets[i] =
            (struct lab_target){d->name, d->title, d->description, d->expect, 0, d->starttls};
    }
    if (lab_make_dir(l, err, errlen) < 0 || lab_spawn(l, err, errlen) < 0) {
        lab_stop(l);
        return -1;
    }
    l->deadline_ms = mono_ms() + LAB_START_MS;
    *out = l;
    return 0;
}

int lab_fd(const struct lab *l)
{
    return l && l->state == LAB_STARTING ? l->rfd : -1;
}

int lab_timeout_ms(const struct lab *l)
{
    if (!l || l->state != LAB_STARTING)
        return -1;
    int64_t left = l->deadline_ms - mono_ms();
    return left < 0 ? 0 : left > LAB_START_MS ? LAB_START_MS : (int)left;
}

int lab_wait(struct lab *l, char *err, size_t errlen)
{
    /* Bounded: every pass either settles the state or waits for the fd, at most until the
     * deadline, after which lab_step fails the start. */
    while (lab_step(l) == LAB_STARTING) {
        struct pollfd pfd = {.fd = lab_fd(l), .events = POLLIN};
        if (poll(&pfd, 1, lab_timeout_ms(l)) < 0 && errno != EINTR)
            lab_fail(l, "demo lab: poll: %s", strerror(errno));
    }
    if (lab_ready(l))
        return 0;
    snprintf(err, errlen, "%s", l ? l->err : "demo lab: not started");
    return -1;
}

enum lab_state lab_state(const struct lab *l)
{
    return l ? l->state : LAB_FAILED;
}

bool lab_ready(const struct lab *l)
{
    return l && l->state == LAB_READY;
}

const char *lab_error(const struct lab *l)
{
    return l && l->state == LAB_FAILED ? l->err : "";
}

size_t lab_count(const struct lab *l)
{
    return l ? LAB_N : 0;
}

const struct lab_target *lab_target_at(const struct lab *l, size_t i)
{
    return l && i < LAB_N ? &l->targets[i] : NULL;
}

const char *lab_ca_file(const struct lab *l)
{
    return lab_ready(l) ? l->ca_file : NULL;
}

const char *lab_client_cert_file(const struct lab *l)
{
    return lab_ready(l) ? l->client_cert : NULL;
}

const char *lab_client_key_file(const struct lab *l)
{
    return lab_ready(l) ? l->client_key : NULL;
}

void lab_stop(struct lab *l)
{
    if (!l)
        return;
    if (l->rfd >= 0)
        close(l->rfd);
    /* A ready server process ends on SIGTERM and removes the files itself; one that is not
     * ready has nothing worth a grace period (it may be stuck: that is why the start failed),
     * and the files are removed here once it is reaped. */
    if (l->pid > 0)
        lab_end_process(l->pid, l->state == LAB_READY);
    lab_remove_files(l);
    free(l->ca_file);
    free(l->client_cert);
    free(l->client_key);
    free(l->dir);
    free(l);
}
