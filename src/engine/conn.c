/* The connection state machine: resolve → TCP → TLS → verify → (reconnect) → close, driven
 * by the caller's poll loop. Every stage has its own deadline and error kind. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "engine/conn_internal.h"
#include "util/mem.h"
#include "util/timeutil.h"

/* After a TLS 1.3 handshake the server's NewSessionTickets follow in the next flight. We wait
 * for them at most this long, and stop early once one arrived and nothing more is queued. */
#define LINGER_MIN_US          20000
#define LINGER_MAX_US          300000
#define LINGER_AFTER_TICKET_US 500

const char *engine_openssl_version(void)
{
    return OpenSSL_version(OPENSSL_VERSION);
}

int engine_check_config(const struct tls_config *cfg, char *err, size_t errlen)
{
    int *codes = NULL;
    size_t n = 0;
    if (tlsctx_ignore_codes(cfg, &codes, &n, err, errlen) < 0)
        return -1;
    free(codes);
    SSL_CTX *ctx = tlsctx_build(cfg, NULL, err, errlen);
    if (!ctx)
        return -1;
    SSL_CTX_free(ctx);
    return 0;
}

static int64_t stage_timeout_us(const struct conn *c)
{
    return (int64_t)(c->cfg.timeout_s * 1e6);
}

static void enter(struct conn *c, enum conn_state s, enum stage st)
{
    c->state = s;
    c->t_stage_us = mono_us();
    if (st != STAGE_NONE)
        c->r->reached = st;
}

static void close_socket(struct conn *c)
{
    if (c->ssl) {
        SSL_free(c->ssl); /* frees the BIO too */
        c->ssl = NULL;
        c->bio = NULL;
    }
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
}

static void finish(struct conn *c)
{
    close_socket(c);
    if (c->resolver) {
        resolver_release(c->resolver);
        c->resolver = NULL;
    }
    c->r->total_ms = (double)(mono_us() - c->t_start_us) / 1000.0;
    if (c->r->error.stage == STAGE_NONE && c->r->ok)
        c->r->reached = STAGE_DONE;
    c->state = CS_DONE;
}

int conn_new(const struct tls_config *cfg, struct conn **out, char *err, size_t errlen)
{
    struct conn *c = xcalloc(1, sizeof(*c));
    config_copy(&c->cfg, cfg);
    c->fd = -1;
    c->connection = 1;
    c->r = report_new();
    c->t_start_us = mono_us();
    iso8601_utc(time(NULL), c->r->started_at, sizeof(c->r->started_at));
    c->r->host = xstrdup(cfg->host);
    c->r->port = cfg->port;
    c->r->sni = xstrdup(config_sni(cfg));
    c->r->ocsp_requested = cfg->ocsp || cfg->ocsp_required;

    if (!cfg->host || !*cfg->host) {
        snprintf(err, errlen, "no target host given");
        goto fail;
    }
    if (tlsctx_ignore_codes(cfg, &c->ignore_codes, &c->n_ignore, err, errlen) < 0)
        goto fail;
    c->ctx = tlsctx_build(cfg, &c->r->effective, err, errlen);
    if (!c->ctx)
        goto fail;
    if (cfg->keylog) {
        int kfd = open(cfg->keylog, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (kfd < 0 || !(c->keylog = fdopen(kfd, "a"))) {
            snprintf(err, errlen, "--keylog %s: cannot open for writing: %s", cfg->keylog,
                     strerror(errno));
            if (kfd >= 0)
                close(kfd);
            goto fail;
        }
    }
    char rerr[256];
    enter(c, CS_RESOLVE, STAGE_DNS);
    if (resolver_start(cfg->host, cfg->port, (int)cfg->family, &c->resolver, rerr, sizeof(rerr)) <
        0) {
        report_set_error(c->r, STAGE_DNS, NULL, "%s", rerr);
        finish(c);
    }
    *out = c;
    return 0;
fail:
    conn_free(c);
    return -1;
}

/* ---- TCP ------------------------------------------------------------------------------ */

static void addr_text(const struct sockaddr *sa, char *buf, size_t n)
{
    const void *a = sa->sa_family == AF_INET6
                        ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
                        : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
    if (!inet_ntop(sa->sa_family, a, buf, (socklen_t)n))
        snprintf(buf, n, "?");
}

static const char *tcp_error_words(int e)
{
    switch (e) {
    case ECONNREFUSED: return "refused (nothing listens on that port, or a firewall rejects it)";
    case ETIMEDOUT: return "timed out";
    case EHOSTUNREACH: return "failed: host unreachable (no route to it)";
    case ENETUNREACH: return "failed: network unreachable";
    case ECONNRESET: return "reset by the peer";
    case EADDRNOTAVAIL: return "failed: address not available on this machine";
    default: return NULL;
    }
}

static void tcp_failed(struct conn *c, int e)
{
    char a[INET6_ADDRSTRLEN];
    addr_text((struct sockaddr *)&c->addr, a, sizeof(a));
    const char *words = tcp_error_words(e);
    bool v6 = c->addr.ss_family == AF_INET6;
    if (words)
        snprintf(c->last_tcp_error, sizeof(c->last_tcp_error), "TCP connect to %s%s%s:%u %s",
                 v6 ? "[" : "", a, v6 ? "]" : "", (unsigned)c->cfg.port, words);
    else
        snprintf(c->last_tcp_error, sizeof(c->last_tcp_error),
                 "TCP connect to %s%s%s:%u failed: %s", v6 ? "[" : "", a, v6 ? "]" : "",
                 (unsigned)c->cfg.port, strerror(e));
}

/* Starts a non-blocking connect to the next address; returns 0 when one is under way. */
static int tcp_start_next(struct conn *c)
{
    while (c->addr_next) {
        const struct addrinfo *ai = c->addr_next;
        c->addr_next = ai->ai_next;
        memcpy(&c->addr, ai->ai_addr, ai->ai_addrlen);
        c->addr_len = (socklen_t)ai->ai_addrlen;
        int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            tcp_failed(c, errno);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        c->t_tcp_us = mono_us();
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) {
            c->fd = fd;
            return 0;
        }
        tcp_failed(c, errno);
        close(fd);
    }
    return -1;
}

static void record_address(struct conn *c)
{
    char a[INET6_ADDRSTRLEN];
    addr_text((struct sockaddr *)&c->addr, a, sizeof(a));
    free(c->r->address);
    c->r->address = xstrdup(a);
}

/* ---- stages ---------------------------------------------------------------------------- */

static void start_tls(struct conn *c)
{
    char err[512];
    if (tlsctx_new_ssl(c, err, sizeof(err)) < 0) {
        report_set_error(c->r, STAGE_INTERNAL, NULL, "%s", err);
        finish(c);
        return;
    }
    c->want_events = POLLOUT;
    enter(c, c->connection == 1 ? CS_HANDSHAKE : CS_REHANDSHAKE,
          c->connection == 1 ? STAGE_TLS : STAGE_RECONNECT);
}

static void step_resolve(struct conn *c)
{
    if (!resolver_done(c->resolver))
        return;
    char err[512];
    const struct addrinfo *res = resolver_result(c->resolver, err, sizeof(err));
    c->r->dns_ms = (double)(mono_us() - c->t_start_us) / 1000.0;
    if (!res) {
        report_set_error(c->r, STAGE_DNS,
                         "check the spelling of the host name, or connect to an "
                         "IP address directly",
                         "%s", err);
        finish(c);
        return;
    }
    c->addr_next = res;
    enter(c, CS_CONNECT, STAGE_TCP);
    if (tcp_start_next(c) < 0) {
        report_set_error(c->r, STAGE_TCP, NULL, "%s", c->last_tcp_error);
        finish(c);
    }
}

static void step_connect(struct conn *c, short revents)
{
    if (!(revents & (POLLOUT | POLLERR | POLLHUP)))
        return;
    int soerr = 0;
    socklen_t len = sizeof(soerr);
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
    if (soerr == 0) {
        double ms = (double)(mono_us() - c->t_tcp_us) / 1000.0;
        if (c->connection == 1) {
            c->r->connect_ms = ms;
            record_address(c);
        }
        start_tls(c);
        return;
    }
    tcp_failed(c, soerr);
    close(c->fd);
    c->fd = -1;
    if (c->connection == 1 && tcp_start_next(c) == 0)
        return;
    if (c->connection == 1) {
        report_set_error(c->r, STAGE_TCP,
                         soerr == ECONNREFUSED ? "check the port number and that the server runs"
                                               : NULL,
                         "%s", c->last_tcp_error);
    } else {
        c->r->resumed_on_reconnect = TRI_NO;
    }
    finish(c);
}

/* The server's first TLS 1.3 ticket usually arrives right after our Finished. */
static void start_linger(struct conn *c)
{
    int64_t wait = (int64_t)(c->r->connect_ms * 1000.0 * 3);
    if (wait < LINGER_MIN_US)
        wait = LINGER_MIN_US;
    if (wait > LINGER_MAX_US || c->cert_requested)
        wait = LINGER_MAX_US; /* the verdict on our client certificate comes in this flight */
    c->linger_until_us = mono_us() + wait;
    c->want_events = POLLIN;
    enter(c, CS_LINGER, STAGE_NONE);
}

static void start_reconnect(struct conn *c)
{
    if (c->ssl)
        SSL_shutdown(c->ssl);
    close_socket(c);
    c->connection = 2;
    c->r->resumed_on_reconnect = TRI_NO;
    c->hdr_record_type[0] = c->hdr_record_type[1] = 0;
    int fd = socket(c->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        finish(c);
        return;
    }
    c->t_tcp_us = mono_us();
    if (connect(fd, (struct sockaddr *)&c->addr, c->addr_len) != 0 && errno != EINPROGRESS) {
        close(fd);
        finish(c);
        return;
    }
    c->fd = fd;
    enter(c, CS_RECONNECT, STAGE_RECONNECT);
}

static void after_first_session(struct conn *c)
{
    if (c->cfg.reconnect) {
        start_reconnect(c);
        return;
    }
    SSL_shutdown(c->ssl);
    finish(c);
}

static void step_handshake(struct conn *c)
{
    ERR_clear_error();
    errno = 0;
    int rc = SSL_connect(c->ssl);
    if (rc == 1) {
        double ms = (double)(mono_us() - c->t_stage_us) / 1000.0;
        if (c->connection == 2) {
            c->r->reconnect_ms = ms;
            facts_collect_reconnect(c);
            SSL_shutdown(c->ssl);
            finish(c);
            return;
        }
        c->r->handshake_ms = ms;
        c->r->ok = true;
        if (SSL_version(c->ssl) == TLS1_3_VERSION) {
            start_linger(c);
            return;
        }
        facts_collect(c);
        after_first_session(c);
        return;
    }
    int e = SSL_get_error(c->ssl, rc);
    if (e == SSL_ERROR_WANT_READ) {
        c->want_events = POLLIN;
        return;
    }
    if (e == SSL_ERROR_WANT_WRITE) {
        c->want_events = POLLOUT;
        return;
    }
    int sys = errno;
    unsigned long lib = ossl_first_error();
    if (c->connection == 2) {
        c->r->resumed_on_reconnect = TRI_NO;
        finish(c);
        return;
    }
    c->r->handshake_ms = (double)(mono_us() - c->t_stage_us) / 1000.0;
    facts_offered(c);
    failure_explain(c, e, lib, sys);
    finish(c);
}

/* A fatal alert the server sent after the handshake, if any. */
static bool post_handshake_alert(const struct conn *c)
{
    for (size_t i = 0; i < c->r->n_events; i++) {
        const struct hs_event *ev = &c->r->events[i];
        if (ev->connection == 1 && ev->dir == DIR_RECEIVED && ev->content_type == 21 &&
            ev->alert_level == 2)
            return true;
    }
    return false;
}

static void step_linger(struct conn *c, short revents)
{
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        unsigned char buf[4096];
        for (int i = 0; i < 64; i++) { /* bounded: a chatty server cannot keep us here */
            ERR_clear_error();
            int n = SSL_read(c->ssl, buf, sizeof(buf));
            if (n > 0)
                continue;
            int e = SSL_get_error(c->ssl, n);
            if (e != SSL_ERROR_WANT_READ) {
                c->linger_until_us = 0; /* closed or failed: stop waiting */
                c->post_ssl_err = e;
                c->post_sys_errno = errno;
                c->post_lib_err = ossl_first_error();
                c->post_failed = e != SSL_ERROR_ZERO_RETURN;
            }
            break;
        }
    }
    int64_t now = mono_us();
    /* Once a ticket has arrived, wait only for what is already in flight (the rest of the
     * server's ticket flight follows within microseconds). */
    if (c->tickets_seen > 0 && c->linger_until_us > now + LINGER_AFTER_TICKET_US)
        c->linger_until_us = now + LINGER_AFTER_TICKET_US;
    if (now < c->linger_until_us)
        return;
    /* TLS 1.3: the server judges our certificate after our Finished and says no with an
     * alert; the handshake looked complete to us, but there is no session. Said before the
     * facts are collected, so a report without a session gets no findings. */
    bool refused = c->post_failed && post_handshake_alert(c);
    if (refused)
        c->r->ok = false;
    facts_collect(c);
    if (refused) {
        failure_explain(c, c->post_ssl_err, c->post_lib_err, c->post_sys_errno);
        finish(c);
        return;
    }
    after_first_session(c);
}

bool conn_step(struct conn *c, short revents)
{
    if (c->state == CS_DONE)
        return false;
    int64_t now = mono_us();
    if (c->state != CS_LINGER && now - c->t_stage_us >= stage_timeout_us(c)) {
        if (c->connection == 2) {
            c->r->resumed_on_reconnect = TRI_NO;
            finish(c);
            return false;
        }
        enum stage during = c->r->reached;
        char a[64] = "";
        if (c->r->address)
            snprintf(a, sizeof(a), " (%s)", c->r->address);
        const char *what = during == STAGE_DNS   ? "resolving the name"
                           : during == STAGE_TCP ? "the TCP connect"
                                                 : "the TLS handshake";
        const char *hint =
            during == STAGE_TLS
                ? "the server accepted TCP but did not complete the handshake: is this port TLS? "
                  "(a STARTTLS service or a proxy waits for the client to speak first)"
            : during == STAGE_TCP ? "no answer at all: a firewall may drop the packets"
                                  : NULL;
        report_set_error(c->r, STAGE_TIMEOUT, hint, "%s of %s:%u%s timed out after %g s", what,
                         c->cfg.host, (unsigned)c->cfg.port, a, c->cfg.timeout_s);
        if (during == STAGE_TLS)
            facts_offered(c);
        finish(c);
        return false;
    }
    switch (c->state) {
    case CS_RESOLVE: step_resolve(c); break;
    case CS_CONNECT:
    case CS_RECONNECT: step_connect(c, revents); break;
    case CS_HANDSHAKE:
    case CS_REHANDSHAKE: step_handshake(c); break;
    case CS_LINGER: step_linger(c, revents); break;
    case CS_DONE: break;
    }
    return c->state != CS_DONE;
}

void conn_want(const struct conn *c, struct pollfd *pfd, int64_t *deadline_ms)
{
    pfd->fd = -1;
    pfd->events = 0;
    pfd->revents = 0;
    int64_t deadline_us = c->t_stage_us + stage_timeout_us(c);
    switch (c->state) {
    case CS_RESOLVE:
        pfd->fd = resolver_fd(c->resolver);
        pfd->events = POLLIN;
        if (pfd->fd < 0) /* finished at once: step again immediately */
            deadline_us = 0;
        break;
    case CS_CONNECT:
    case CS_RECONNECT:
        pfd->fd = c->fd;
        pfd->events = POLLOUT;
        break;
    case CS_HANDSHAKE:
    case CS_REHANDSHAKE:
        pfd->fd = c->fd;
        pfd->events = (short)c->want_events;
        break;
    case CS_LINGER:
        pfd->fd = c->fd;
        pfd->events = POLLIN;
        deadline_us = c->linger_until_us;
        break;
    case CS_DONE: deadline_us = 0; break;
    }
    *deadline_ms = (deadline_us + 999) / 1000;
}

enum stage conn_stage(const struct conn *c)
{
    return c->state == CS_DONE ? STAGE_DONE : c->r->reached;
}

int64_t conn_elapsed_ms(const struct conn *c)
{
    return (mono_us() - c->t_start_us) / 1000;
}

void conn_cancel(struct conn *c)
{
    if (c->state == CS_DONE)
        return;
    report_set_error(c->r, STAGE_CANCELLED, NULL, "cancelled during %s", stage_name(c->r->reached));
    finish(c);
}

struct report *conn_take_report(struct conn *c)
{
    struct report *r = c->r;
    c->r = NULL;
    return r;
}

void conn_free(struct conn *c)
{
    if (!c)
        return;
    close_socket(c);
    if (c->resolver)
        resolver_release(c->resolver);
    if (c->session)
        SSL_SESSION_free(c->session);
    if (c->ctx)
        SSL_CTX_free(c->ctx);
    if (c->keylog)
        fclose(c->keylog);
    free(c->ignore_codes);
    report_free(c->r);
    config_free(&c->cfg);
    free(c);
}

struct report *engine_connect(const struct tls_config *cfg)
{
    char err[512];
    struct conn *c;
    if (conn_new(cfg, &c, err, sizeof(err)) < 0) {
        struct report *r = report_new();
        r->host = xstrdup(cfg->host);
        r->port = cfg->port;
        report_set_error(r, STAGE_INTERNAL, NULL, "%s", err);
        return r;
    }
    short revents = 0;
    while (conn_step(c, revents)) {
        struct pollfd pfd;
        int64_t deadline;
        conn_want(c, &pfd, &deadline);
        int64_t wait = deadline - mono_ms();
        if (wait < 0)
            wait = 0;
        int n = poll(&pfd, pfd.fd >= 0 ? 1 : 0, (int)(wait > 60000 ? 60000 : wait));
        revents = n > 0 ? pfd.revents : 0;
    }
    struct report *r = conn_take_report(c);
    conn_free(c);
    return r;
}
