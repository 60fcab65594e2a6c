/* The transport stage: resolve, then Happy Eyeballs over every address (see transport.h). */
#include "engine/transport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine_internal.h"
#include "util/mem.h"
#include "util/timeutil.h"

/* "127.0.0.1": inet_ntop's result for IPv4 without its sprintf (this runs several times per
 * connection, and a scanner makes many). a holds at least INET_ADDRSTRLEN bytes. */
static void ipv4_text(const struct in_addr *in, char *a)
{
    const uint8_t *b = (const uint8_t *)&in->s_addr;
    char *p = a;
    for (int i = 0; i < 4; i++) {
        unsigned v = b[i];
        if (v >= 100)
            *p++ = (char)('0' + v / 100);
        if (v >= 10)
            *p++ = (char)('0' + v / 10 % 10);
        *p++ = (char)('0' + v % 10);
        *p++ = i < 3 ? '.' : '\0';
    }
}

void transport_addr_text(const struct sockaddr *sa, uint16_t port, char *buf, size_t n)
{
    char a[INET6_ADDRSTRLEN];
    if (sa->sa_family == AF_INET) {
        ipv4_text(&((const struct sockaddr_in *)sa)->sin_addr, a);
        size_t len = strlen(a);
        if (!port && len < n)
            memcpy(buf, a, len + 1);
        else if (port)
            snprintf(buf, n, "%s:%u", a, (unsigned)port);
        else
            snprintf(buf, n, "%s", a);
        return;
    }
    bool v6 = sa->sa_family == AF_INET6;
    const void *bin = v6 ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
                         : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
    if (!inet_ntop(sa->sa_family, bin, a, sizeof a))
        snprintf(a, sizeof a, "?");
    if (port)
        snprintf(buf, n, "%s%s%s:%u", v6 ? "[" : "", a, v6 ? "]" : "", (unsigned)port);
    else
        snprintf(buf, n, "%s", a);
}

static void add_address(struct transport *t, const struct sockaddr *sa, socklen_t len)
{
    if (t->n >= TRANSPORT_ADDRS_MAX || len > sizeof(t->a[0].addr))
        return;
    for (size_t i = 0; i < t->n; i++) /* getaddrinfo may list an address twice */
        if (t->a[i].len == len && !memcmp(&t->a[i].addr, sa, len))
            return;
    struct transport_attempt *a = &t->a[t->n++];
    memset(a, 0, sizeof(*a));
    memcpy(&a->addr, sa, len);
    a->len = len;
    a->fd = -1;
    a->result = ADDR_NOT_TRIED;
}

/* The addresses are known: the TCP part begins. */
static void addresses_known(struct transport *t, struct report *r)
{
    r->dns_ms = (double)(mono_us() - t->resolve_start_us) / 1000.0;
    t->resolving = false;
    t->next = 0;
    t->next_start_us = 0; /* the first attempt starts at once */
    t->tcp_start_us = mono_us();
    r->reached = STAGE_TCP;
}

static void set_dns_error(struct report *r, const char *msg)
{
    report_set_error(r, STAGE_DNS,
                     "check the spelling of the host name, or connect to an IP address directly",
                     "%s", msg);
}

void transport_start(struct transport *t, const struct tls_config *cfg, struct engine *e,
                     struct report *r, int64_t timeout_us)
{
    memset(t, 0, sizeof(*t));
    t->cfg = cfg;
    t->timeout_us = timeout_us;
    t->winner = -1;
    t->nodelay = true;
    t->resolve_start_us = mono_us();
    t->resolving = true;
    r->reached = STAGE_DNS;
    char err[512];
    if (e && e->resolve_fn) {
        struct sockaddr_storage ss[TRANSPORT_ADDRS_MAX];
        socklen_t lens[TRANSPORT_ADDRS_MAX];
        int n = e->resolve_fn(e->resolve_arg, cfg->host, cfg->port, (int)cfg->family, ss, lens,
                              TRANSPORT_ADDRS_MAX, err, sizeof err);
        if (n <= 0) {
            set_dns_error(r, n < 0 ? err : "no address found");
            t->resolving = false;
            return;
        }
        for (int i = 0; i < n; i++)
            add_address(t, (struct sockaddr *)&ss[i], lens[i]);
        addresses_known(t, r);
        return;
    }
    if (resolver_start(cfg->host, cfg->port, (int)cfg->family, &t->resolver, err, sizeof err) < 0) {
        set_dns_error(r, err);
        t->resolving = false;
    }
}

void transport_restart(struct transport *t)
{
    int w = t->winner;
    for (size_t i = 0; i < t->n; i++) {
        if (t->a[i].fd >= 0)
            close(t->a[i].fd);
        t->a[i].fd = -1;
        t->a[i].result = ADDR_NOT_TRIED;
    }
    if (w > 0) { /* the winner first, then the rest in their order */
        struct transport_attempt win = t->a[w];
        memmove(&t->a[1], &t->a[0], (size_t)w * sizeof(t->a[0]));
        t->a[0] = win;
    }
    t->winner = -1;
    t->next = 0;
    t->next_start_us = 0;
    t->tcp_start_us = mono_us();
    t->resolving = false;
}

enum stage transport_stage(const struct transport *t)
{
    return t->resolving ? STAGE_DNS : STAGE_TCP;
}

static bool attempts_left(const struct transport *t)
{
    if (t->next < t->n)
        return true;
    for (size_t i = 0; i < t->n; i++)
        if (t->a[i].fd >= 0)
            return true;
    return false;
}

static int64_t attempt_deadline(const struct transport *t, const struct transport_attempt *a)
{
    return a->start_us + t->timeout_us;
}

size_t transport_want(const struct transport *t, struct pollfd *fds, size_t max,
                      int64_t *deadline_us)
{
    size_t n = 0;
    int64_t dl = INT64_MAX;
    if (t->resolving) {
        int fd = t->resolver ? resolver_fd(t->resolver) : -1;
        if (fd >= 0 && n < max)
            fds[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
        else
            dl = 0; /* done at once: step again now */
        int64_t rdl = t->resolve_start_us + t->timeout_us;
        *deadline_us = dl < rdl ? dl : rdl;
        return n;
    }
    for (size_t i = 0; i < t->n; i++) {
        const struct transport_attempt *a = &t->a[i];
        if (a->fd < 0)
            continue;
        if (n < max)
            fds[n++] = (struct pollfd){.fd = a->fd, .events = POLLOUT};
        int64_t adl = attempt_deadline(t, a);
        dl = adl < dl ? adl : dl;
    }
    if (t->next < t->n && t->next_start_us < dl)
        dl = t->next_start_us;
    *deadline_us = dl;
    return n;
}

static void attempt_end(struct transport_attempt *a, enum addr_result res, int err)
{
    if (a->fd >= 0)
        close(a->fd);
    a->fd = -1;
    a->result = res;
    a->err = err;
    a->end_us = mono_us();
}

static enum addr_result result_of(int e)
{
    switch (e) {
    case ECONNREFUSED: return ADDR_REFUSED;
    case ETIMEDOUT: return ADDR_TIMEOUT;
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EADDRNOTAVAIL:
    case EAFNOSUPPORT: return ADDR_UNREACHABLE;
    default: return ADDR_FAILED;
    }
}

/* Starts the next address; returns true when an attempt is under way (or failed at once,
 * which the caller sees as a reason to start another). */
static void attempt_start(struct transport *t)
{
    struct transport_attempt *a = &t->a[t->next++];
    a->start_us = mono_us();
    a->end_us = 0;
    int fd = socket(a->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        attempt_end(a, result_of(errno), errno);
        return;
    }
    int one = 1;
    if (t->nodelay)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (struct sockaddr *)&a->addr, a->len) != 0 && errno != EINPROGRESS) {
        int e = errno;
        close(fd);
        attempt_end(a, result_of(e), e);
        return;
    }
    a->fd = fd;
    a->result = ADDR_TRYING;
}

static size_t in_flight(const struct transport *t)
{
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++)
        k += t->a[i].fd >= 0;
    return k;
}

/* The resolver finished: take its addresses, in its order. */
static enum transport_status resolved(struct transport *t, struct report *r)
{
    char err[512];
    const struct addrinfo *res = resolver_result(t->resolver, err, sizeof err);
    if (!res) {
        r->dns_ms = (double)(mono_us() - t->resolve_start_us) / 1000.0;
        set_dns_error(r, err);
        t->resolving = false;
        return TRANSPORT_FAILED;
    }
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next)
        add_address(t, ai->ai_addr, ai->ai_addrlen);
    resolver_release(t->resolver);
    t->resolver = NULL;
    addresses_known(t, r);
    return TRANSPORT_RUNNING;
}

enum transport_status transport_step(struct transport *t, const struct pollfd *fds, size_t n,
                                     struct report *r)
{
    int64_t now = mono_us();
    if (t->resolving) {
        if (!t->resolver)
            return TRANSPORT_FAILED; /* failed at start */
        if (!resolver_done(t->resolver))
            return TRANSPORT_RUNNING;
        if (resolved(t, r) == TRANSPORT_FAILED)
            return TRANSPORT_FAILED;
        now = mono_us();
    }
    /* attempts that answered */
    for (size_t k = 0; k < n; k++) {
        if (!(fds[k].revents & (POLLOUT | POLLERR | POLLHUP)))
            continue;
        for (size_t i = 0; i < t->n; i++) {
            struct transport_attempt *a = &t->a[i];
            if (a->fd != fds[k].fd || a->fd < 0)
                continue;
            /* A failed connect always raises POLLERR (Linux sets it with the socket's error);
             * only then is SO_ERROR worth a system call. */
            int soerr = 0;
            if (fds[k].revents & (POLLERR | POLLHUP)) {
                socklen_t len = sizeof(soerr);
                if (getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
                    soerr = errno;
            }
            /* A peer that accepted and then reset at once did connect: the handshake stage
             * reports what it did (a refused connect is ECONNREFUSED, never a reset). */
            bool made = soerr == 0 || soerr == ECONNRESET || soerr == EPIPE;
            if (made && t->winner < 0) {
                a->result = ADDR_CONNECTED;
                a->end_us = mono_us();
                t->winner = (int)i;
            } else if (!made) {
                attempt_end(a, result_of(soerr), soerr);
                t->next_start_us = 0; /* a failure starts the next attempt at once */
            }
        }
    }
    if (t->winner >= 0) { /* the others lose */
        for (size_t i = 0; i < t->n; i++)
            if ((int)i != t->winner && t->a[i].fd >= 0)
                attempt_end(&t->a[i], ADDR_ABANDONED, 0);
        return TRANSPORT_CONNECTED;
    }
    /* attempts out of time */
    for (size_t i = 0; i < t->n; i++) {
        struct transport_attempt *a = &t->a[i];
        if (a->fd >= 0 && now >= attempt_deadline(t, a)) {
            attempt_end(a, ADDR_TIMEOUT, ETIMEDOUT);
            t->next_start_us = 0;
        }
    }
    /* start the next attempt when it is due (and at once after each immediate failure) */
    while (t->next < t->n && now >= t->next_start_us && in_flight(t) < TRANSPORT_INFLIGHT_MAX) {
        attempt_start(t);
        if (t->a[t->next - 1].fd >= 0)
            t->next_start_us = now + TRANSPORT_ATTEMPT_DELAY_US;
    }
    return attempts_left(t) ? TRANSPORT_RUNNING : TRANSPORT_FAILED;
}

int transport_take_fd(struct transport *t, struct sockaddr_storage *addr, socklen_t *len)
{
    if (t->winner < 0)
        return -1;
    struct transport_attempt *a = &t->a[t->winner];
    int fd = a->fd;
    a->fd = -1;
    memcpy(addr, &a->addr, a->len);
    *len = a->len;
    return fd;
}

static const char *result_words(const struct transport_attempt *a)
{
    switch (a->result) {
    case ADDR_REFUSED: return "refused (nothing listens on that port, or a firewall rejects it)";
    case ADDR_TIMEOUT: return "timed out";
    case ADDR_UNREACHABLE:
        return a->err == ENETUNREACH     ? "failed: network unreachable"
               : a->err == EADDRNOTAVAIL ? "failed: address not available on this machine"
                                         : "failed: host unreachable (no route to it)";
    case ADDR_FAILED: return strerror(a->err);
    case ADDR_ABANDONED: return "abandoned (another address answered first)";
    case ADDR_NOT_TRIED: return "not tried";
    case ADDR_TRYING: return "still trying";
    case ADDR_CONNECTED: return "connected";
    }
    return "?";
}

void transport_error(const struct transport *t, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < t->n && used < n; i++) {
        const struct transport_attempt *a = &t->a[i];
        if (a->result == ADDR_NOT_TRIED)
            continue;
        char addr[INET6_ADDRSTRLEN + 16];
        transport_addr_text((const struct sockaddr *)&a->addr, t->cfg->port, addr, sizeof addr);
        if (used == 0)
            used += (size_t)snprintf(buf + used, n - used, "TCP connect to %s %s", addr,
                                     result_words(a));
        else
            used += (size_t)snprintf(buf + used, n - used, "; %s %s", addr, result_words(a));
    }
    if (used == 0)
        snprintf(buf, n, "no address to connect to");
}

void transport_record(const struct transport *t, struct report *r)
{
    report_clear_addresses(r);
    for (size_t i = 0; i < t->n; i++) {
        const struct transport_attempt *a = &t->a[i];
        char addr[INET6_ADDRSTRLEN + 2];
        transport_addr_text((const struct sockaddr *)&a->addr, 0, addr, sizeof addr);
        double ms = -1, start_ms = -1;
        if (a->result != ADDR_NOT_TRIED) {
            ms = (double)((a->end_us ? a->end_us : mono_us()) - a->start_us) / 1000.0;
            start_ms = (double)(a->start_us - t->tcp_start_us) / 1000.0;
        }
        const char *err =
            a->result == ADDR_CONNECTED || a->result == ADDR_NOT_TRIED || a->result == ADDR_TRYING
                ? NULL
                : result_words(a);
        report_add_address(r, addr, a->addr.ss_family == AF_INET6 ? 6 : 4, a->result, err, start_ms,
                           ms);
    }
}

void transport_close(struct transport *t)
{
    for (size_t i = 0; i < t->n; i++) {
        if (t->a[i].fd >= 0) {
            close(t->a[i].fd);
            t->a[i].fd = -1;
            if (t->a[i].result == ADDR_TRYING)
                t->a[i].result = ADDR_ABANDONED, t->a[i].end_us = mono_us();
        }
    }
    if (t->resolver) {
        resolver_release(t->resolver);
        t->resolver = NULL;
    }
}
