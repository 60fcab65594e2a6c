/* conns — many raw-hello connections through one poll loop, the way the scanner will run them:
 * one struct engine, conn_new_hello for each (a TLS 1.3 ClientHello built by wire/, stop at
 * the ServerHello), at most INFLIGHT under way at once, every descriptor in one ppoll().
 * Prints wall time, the client's CPU time per connection (getrusage RUSAGE_SELF, user + sys,
 * from the first conn_new_hello to the last conn_free) and connections per second.
 *
 * With ROUNDS > 1 the batch runs that many times on the same engine and the median round (by
 * CPU time) is reported: getrusage's accounting is coarse, and a scanner runs warm.
 *
 * The last argument picks the wait: ppoll (the default: every descriptor in one ppoll() per
 * turn, conn_want's own shape) or epoll (each descriptor registered once; see wait_epoll).
 *
 * Usage: conns HOST PORT [COUNT [INFLIGHT [ROUNDS [ppoll|epoll]]]]
 *        (defaults: 100 connections, all in flight at once, 1 round, ppoll)
 * Exit status 0 when every connection got a ServerHello, 1 otherwise. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine.h"
#include "model/config.h"
#include "model/report.h"
#include "util/sanitize.h"
#include "util/timeutil.h"
#include "wire/build.h"

#define COUNT_MAX 100000

struct slot {
    struct conn *c;
    struct conn_poll p;
    bool news;                       /* the last wait reported events for it */
    size_t at;                       /* ppoll: where its descriptors start in the array */
    struct pollfd reg[CONN_FDS_MAX]; /* epoll: what is registered for it */
    size_t n_reg;
};

static double tv_us(struct timeval tv)
{
    return (double)tv.tv_sec * 1e6 + (double)tv.tv_usec;
}

/* A browser-like TLS 1.3 offer: three 1.3 suites and two 1.2 ones, x25519 with a share, P-256
 * without, the usual signature algorithms, SNI. */
static const uint16_t ciphers[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f};
static const uint16_t versions[] = {0x0304, 0x0303};
static const uint16_t groups[] = {0x001d, 0x0017};
static const uint16_t sigalgs[] = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};
static const struct wire_key_share shares[] = {{.group = 0x001d}};
static uint8_t random_bytes[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

static int parse_count(const char *s, const char *what, long max)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < 1 || v > max) {
        fprintf(stderr, "conns: %s must be 1..%ld, not '%s'\n", what, max, s);
        exit(2);
    }
    return (int)v;
}

/* One round's figures. */
struct batch {
    int ok;         /* connections answered by a ServerHello */
    double wall_us; /* first conn_new_hello → last conn_free */
    double user_us, sys_us;
    long minflt; /* minor page faults */
    double hello_ms_sum;
};

static void usage_now(struct batch *b, int sign)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    b->user_us += sign * tv_us(ru.ru_utime);
    b->sys_us += sign * tv_us(ru.ru_stime);
    b->minflt += sign * ru.ru_minflt;
}

static int batch_cmp_cpu(const void *a, const void *b)
{
    const struct batch *x = a, *y = b;
    double cx = x->user_us + x->sys_us, cy = y->user_us + y->sys_us;
    return cx < cy ? -1 : cx > cy;
}

/* A connection is over: count its answer, free it. */
static void collect(struct slot *s, struct batch *b)
{
    struct report *r = conn_take_report(s->c);
    if (r->hello.outcome == HELLO_SERVER_HELLO) {
        b->ok++;
        b->hello_ms_sum += r->hello.ms;
    } else { /* the message may quote the peer: through the gate */
        char *msg = sanitize_terminal(r->error.message ? r->error.message : "no error");
        fprintf(stderr, "conns: a connection ended with %s (%s)\n",
                hello_outcome_name(r->hello.outcome), msg);
        free(msg);
    }
    report_free(r);
    conn_free(s->c);
    s->c = NULL;
}

/* count connections, at most inflight at once, all through one ppoll() per turn. */
/* The loop's two ways to wait, both level-triggered: ppoll() over every descriptor (the kernel
 * looks at all of them on every call), or epoll, where each descriptor is registered once and
 * changed only when conn_want asks for other events (the kernel reports only the ready). Each
 * sets the revents in the slots' conn_poll and marks the slots with news. */
static void sync_epoll(int ep, struct slot *s, int index)
{
    for (size_t r = 0; r < s->n_reg; r++) { /* registered, no longer wanted */
        bool still = false;
        for (size_t k = 0; k < s->p.n; k++)
            still |= s->p.fds[k].fd == s->reg[r].fd;
        if (!still)
            epoll_ctl(ep, EPOLL_CTL_DEL, s->reg[r].fd, NULL);
    }
    struct pollfd old[CONN_FDS_MAX];
    size_t n_old = s->n_reg;
    memcpy(old, s->reg, n_old * sizeof old[0]);
    s->n_reg = 0;
    for (size_t k = 0; k < s->p.n; k++) {
        struct pollfd want = s->p.fds[k];
        struct epoll_event ev = {.events = (uint32_t)want.events,
                                 .data.u64 = (uint64_t)index << 32 | (uint32_t)want.fd};
        int op = EPOLL_CTL_ADD;
        for (size_t r = 0; r < n_old; r++)
            if (old[r].fd == want.fd)
                op = old[r].events == want.events ? -1 : EPOLL_CTL_MOD;
        if (op >= 0)
            epoll_ctl(ep, op, want.fd, &ev);
        s->reg[s->n_reg++] = want;
    }
}

static int64_t earliest(const struct slot *slots, int inflight)
{
    int64_t dl = INT64_MAX;
    for (int i = 0; i < inflight; i++)
        if (slots[i].c && slots[i].p.deadline_us < dl)
            dl = slots[i].p.deadline_us;
    return dl;
}

static struct timespec until(int64_t deadline)
{
    int64_t wait = deadline - mono_us();
    wait = wait < 0 ? 0 : wait > 1000000 ? 1000000 : wait;
    return (struct timespec){(time_t)(wait / 1000000), (long)(wait % 1000000) * 1000};
}

static void wait_ppoll(struct slot *slots, int inflight, struct pollfd *fds)
{
    size_t n = 0;
    for (int i = 0; i < inflight; i++) {
        struct slot *s = &slots[i];
        if (!s->c)
            continue;
        s->at = n;
        memcpy(fds + n, s->p.fds, s->p.n * sizeof *fds);
        n += s->p.n;
    }
    struct timespec ts = until(earliest(slots, inflight));
    int ready = ppoll(fds, n, &ts, NULL);
    for (int i = 0; i < inflight; i++) {
        struct slot *s = &slots[i];
        s->news = false;
        for (size_t k = 0; s->c && k < s->p.n; k++) {
            s->p.fds[k].revents = ready > 0 ? fds[s->at + k].revents : 0;
            s->news |= s->p.fds[k].revents != 0;
        }
    }
}

static void wait_epoll(int ep, struct slot *slots, int inflight)
{
    for (int i = 0; i < inflight; i++) {
        slots[i].news = false;
        for (size_t k = 0; k < slots[i].p.n; k++)
            slots[i].p.fds[k].revents = 0;
    }
    struct epoll_event evs[256];
    struct timespec ts = until(earliest(slots, inflight));
    int timeout_ms = (int)(ts.tv_sec * 1000 + (ts.tv_nsec + 999999) / 1000000);
    int ready = epoll_wait(ep, evs, 256, timeout_ms);
    for (int j = 0; j < ready; j++) {
        struct slot *s = &slots[evs[j].data.u64 >> 32];
        int fd = (int)(uint32_t)evs[j].data.u64;
        for (size_t k = 0; s->c && k < s->p.n; k++)
            if (s->p.fds[k].fd == fd) {
                s->p.fds[k].revents = (short)evs[j].events;
                s->news = true;
            }
    }
}

/* count connections, at most inflight at once, through one wait per turn (ppoll or epoll). */
static int batch_run(struct engine *e, const struct tls_config *cfg,
                     const struct wire_ch_spec *spec, int count, int inflight, bool use_epoll,
                     struct batch *b)
{
    struct slot *slots = calloc((size_t)inflight, sizeof *slots);
    struct pollfd *fds = calloc((size_t)inflight * CONN_FDS_MAX, sizeof *fds);
    int ep = use_epoll ? epoll_create1(EPOLL_CLOEXEC) : -1;
    if (!slots || !fds || (use_epoll && ep < 0))
        return -1;
    int started = 0, done = 0;
    memset(b, 0, sizeof *b);
    usage_now(b, -1);
    int64_t t0 = mono_us();
    int64_t give_up = t0 + 60 * 1000000LL; /* the loop is bounded in time as well */
    while (done < count && mono_us() < give_up) {
        /* fill free slots; a connection's first step starts its transport */
        for (int i = 0; i < inflight && started < count; i++) {
            struct slot *s = &slots[i];
            if (s->c)
                continue;
            char err[256];
            if (conn_new_hello(e, cfg, spec, &s->c, err, sizeof err) < 0) {
                fprintf(stderr, "conns: %s\n", err);
                return -1;
            }
            started++;
            s->n_reg = 0;
            if (conn_step(s->c, NULL)) {
                conn_want(s->c, &s->p);
                if (use_epoll)
                    sync_epoll(ep, s, i);
            } else {
                collect(s, b);
                done++;
            }
        }
        if (use_epoll)
            wait_epoll(ep, slots, inflight);
        else
            wait_ppoll(slots, inflight, fds);
        int64_t now = mono_us();
        /* step every connection with news or a deadline reached; collect the finished (their
         * sockets are closed, which also takes them out of the epoll set) */
        for (int i = 0; i < inflight; i++) {
            struct slot *s = &slots[i];
            if (!s->c || (!s->news && now < s->p.deadline_us))
                continue;
            if (conn_step(s->c, &s->p)) {
                conn_want(s->c, &s->p);
                if (use_epoll)
                    sync_epoll(ep, s, i);
                continue;
            }
            collect(s, b);
            done++;
        }
    }
    b->wall_us = (double)(mono_us() - t0);
    usage_now(b, +1);
    for (int i = 0; i < inflight; i++) /* out of time: what is left */
        if (slots[i].c) {
            conn_cancel(slots[i].c);
            collect(&slots[i], b);
        }
    if (ep >= 0)
        close(ep);
    free(slots);
    free(fds);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 7) {
        fprintf(stderr, "usage: %s HOST PORT [COUNT [INFLIGHT [ROUNDS [ppoll|epoll]]]]\n", argv[0]);
        return 2;
    }
    bool use_epoll = argc > 6 && !strcmp(argv[6], "epoll");
    if (argc > 6 && !use_epoll && strcmp(argv[6], "ppoll")) {
        fprintf(stderr, "conns: the wait is ppoll or epoll, not '%s'\n", argv[6]);
        return 2;
    }
    int count = argc > 3 ? parse_count(argv[3], "COUNT", COUNT_MAX) : 100;
    int inflight = argc > 4 ? parse_count(argv[4], "INFLIGHT", 4096) : count;
    int rounds = argc > 5 ? parse_count(argv[5], "ROUNDS", 1000) : 1;
    if (inflight > count)
        inflight = count;

    struct tls_config cfg;
    config_init(&cfg);
    cfg.host = strdup(argv[1]);
    cfg.port = (uint16_t)parse_count(argv[2], "PORT", 65535);
    cfg.timeout_s = 5;
    struct wire_ch_spec spec = {
        .random = random_bytes,
        .ciphers = ciphers,
        .n_ciphers = sizeof ciphers / sizeof ciphers[0],
        .versions = versions,
        .n_versions = sizeof versions / sizeof versions[0],
        .groups = groups,
        .n_groups = sizeof groups / sizeof groups[0],
        .shares = shares,
        .n_shares = 1,
        .sigalgs = sigalgs,
        .n_sigalgs = sizeof sigalgs / sizeof sigalgs[0],
        .sni = "localhost",
        .extended_master_secret = true,
        .renegotiation_info = true,
        .ec_point_formats = true,
        .psk_modes = true,
    };

    struct engine *e = engine_new(); /* one run: shared by every connection of every round */
    struct batch *b = calloc((size_t)rounds, sizeof *b);
    if (!b)
        return 1;
    int failed = 0;
    for (int i = 0; i < rounds; i++) {
        if (batch_run(e, &cfg, &spec, count, inflight, use_epoll, &b[i]) < 0)
            return 1;
        failed += b[i].ok != count;
        if (rounds > 1)
            printf("  round %2d: wall %6.1f ms, CPU %6.1f µs/conn (user %5.1f + sys %5.1f), "
                   "%4.1f page faults/conn\n",
                   i + 1, b[i].wall_us / 1000.0, (b[i].user_us + b[i].sys_us) / count,
                   b[i].user_us / count, b[i].sys_us / count, (double)b[i].minflt / count);
    }
    engine_free(e);
    config_free(&cfg);

    /* the median round, by CPU time */
    qsort(b, (size_t)rounds, sizeof *b, batch_cmp_cpu);
    const struct batch *m = &b[rounds / 2];
    double cpu = m->user_us + m->sys_us;
    printf("connections: %d per round (%d in flight at most, %s), %d round%s; median round:\n",
           count, inflight, use_epoll ? "epoll" : "one ppoll", rounds, rounds == 1 ? "" : "s");
    printf("  answers:    %d ServerHellos, %d other\n", m->ok, count - m->ok);
    printf("  wall time:  %.1f ms (%.0f connections/s)\n", m->wall_us / 1000.0,
           count / (m->wall_us / 1e6));
    printf("  client CPU: %.1f µs per connection (user %.1f + sys %.1f; goal <= 60 µs)\n",
           cpu / count, m->user_us / count, m->sys_us / count);
    printf("  page faults: %.1f per connection\n", (double)m->minflt / count);
    if (m->ok)
        printf("  hello:      %.3f ms mean from ClientHello to ServerHello\n",
               m->hello_ms_sum / m->ok);
    free(b);
    return failed ? 1 : 0;
}
