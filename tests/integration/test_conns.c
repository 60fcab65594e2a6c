/* Many raw-hello connections through one poll loop, the scanner's shape (bench/conns.c is the
 * measuring twin): every one answered by a ServerHello, and the system calls each costs. The
 * binary is linked with -Wl,--wrap=recv,--wrap=getsockopt (see the Makefile), so the test
 * counts the engine's recv() and getsockopt() calls:
 *   - after sending the ClientHello the raw driver waits for POLLIN instead of trying a recv()
 *     that can only fail with EAGAIN (the answer is a round trip away);
 *   - a connect that succeeded (POLLOUT without POLLERR/POLLHUP) costs no getsockopt(SO_ERROR);
 *     a refused one is still told apart. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/engine.h"
#include "lib/harness.h"
#include "model/config.h"
#include "model/report.h"
#include "util/timeutil.h"
#include "wire/build.h"

/* ---- counting wrappers (-Wl,--wrap) ----------------------------------------------------- */

ssize_t __real_recv(int fd, void *buf, size_t n, int flags);
ssize_t __wrap_recv(int fd, void *buf, size_t n, int flags);
int __real_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int __wrap_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int __real_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int __wrap_setsockopt(int fd, int level, int name, const void *val, socklen_t len);

static unsigned long n_recv, n_recv_eagain, n_so_error, n_nodelay;

int __wrap_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    if (level == IPPROTO_TCP && name == TCP_NODELAY)
        n_nodelay++;
    return __real_setsockopt(fd, level, name, val, len);
}

ssize_t __wrap_recv(int fd, void *buf, size_t n, int flags)
{
    ssize_t r = __real_recv(fd, buf, n, flags);
    int saved = errno;
    n_recv++;
    if (r < 0 && (saved == EAGAIN || saved == EWOULDBLOCK))
        n_recv_eagain++;
    errno = saved;
    return r;
}

int __wrap_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
    if (level == SOL_SOCKET && name == SO_ERROR)
        n_so_error++;
    return __real_getsockopt(fd, level, name, val, len);
}

/* ---- the loop ----------------------------------------------------------------------------- */

static const uint16_t ciphers[] = {0x1301, 0x1302, 0x1303};
static const uint16_t versions[] = {0x0304};
static const uint16_t groups[] = {0x001d, 0x0017};
static const uint16_t sigalgs[] = {0x0403, 0x0804, 0x0401};
static const struct wire_key_share shares[] = {{.group = 0x001d}};
static const uint8_t random_bytes[32] = {7};

static const struct wire_ch_spec spec = {
    .random = random_bytes,
    .ciphers = ciphers,
    .n_ciphers = 3,
    .versions = versions,
    .n_versions = 1,
    .groups = groups,
    .n_groups = 2,
    .shares = shares,
    .n_shares = 1,
    .sigalgs = sigalgs,
    .n_sigalgs = 3,
    .sni = "localhost",
};

#define COUNT    24
#define INFLIGHT 8

/* Runs COUNT raw hellos to port, INFLIGHT at once, through one ppoll per turn; fills the
 * reports (caller frees). Bounded: 20 s in all. */
static void run_many(uint16_t port, struct report **reports)
{
    struct tls_config cfg;
    config_init(&cfg);
    cfg.host = strdup("127.0.0.1");
    cfg.port = port;
    cfg.timeout_s = 5;
    struct engine *e = engine_new();
    struct conn *c[INFLIGHT] = {0};
    struct conn_poll p[INFLIGHT];
    int started = 0, done = 0;
    int64_t give_up = mono_us() + 20 * 1000000LL;
    while (done < COUNT && mono_us() < give_up) {
        for (int i = 0; i < INFLIGHT && started < COUNT; i++) {
            if (c[i])
                continue;
            char err[256];
            assert_int_equal(conn_new_hello(e, &cfg, &spec, &c[i], err, sizeof err), 0);
            started++;
            assert_true(conn_step(c[i], NULL)); /* a literal: the connect is under way */
            conn_want(c[i], &p[i]);
        }
        struct pollfd fds[INFLIGHT * CONN_FDS_MAX];
        size_t n = 0, at[INFLIGHT];
        int64_t dl = INT64_MAX;
        for (int i = 0; i < INFLIGHT; i++) {
            if (!c[i])
                continue;
            at[i] = n;
            memcpy(fds + n, p[i].fds, p[i].n * sizeof fds[0]);
            n += p[i].n;
            dl = p[i].deadline_us < dl ? p[i].deadline_us : dl;
        }
        int64_t wait = dl - mono_us();
        wait = wait < 0 ? 0 : wait > 100000 ? 100000 : wait;
        struct timespec ts = {0, (long)wait * 1000};
        int ready = ppoll(fds, n, &ts, NULL);
        int64_t now = mono_us();
        for (int i = 0; i < INFLIGHT; i++) {
            if (!c[i])
                continue;
            bool news = false;
            for (size_t k = 0; k < p[i].n; k++) {
                p[i].fds[k].revents = ready > 0 ? fds[at[i] + k].revents : 0;
                news |= p[i].fds[k].revents != 0;
            }
            if (!news && now < p[i].deadline_us)
                continue;
            if (conn_step(c[i], &p[i])) {
                conn_want(c[i], &p[i]);
                continue;
            }
            reports[done++] = conn_take_report(c[i]);
            conn_free(c[i]);
            c[i] = NULL;
        }
    }
    assert_int_equal(done, COUNT);
    engine_free(e);
    config_free(&cfg);
}

static void test_many_hellos_one_loop(void **state)
{
    (void)state;
    struct peer srv;
    const char *const args[] = {"-cert",       "@leaf_ec.crt", "-key", "@leaf_ec.key",
                                "-cert_chain", "@inter.crt",   NULL};
    if (peer_s_server(&srv, false, args) != 0)
        fail_msg("could not start openssl s_server");
    struct report *r[COUNT] = {0};
    n_recv = n_recv_eagain = n_so_error = n_nodelay = 0;
    run_many(srv.port, r);
    for (int i = 0; i < COUNT; i++) {
        assert_int_equal(r[i]->hello.outcome, HELLO_SERVER_HELLO);
        assert_int_equal(r[i]->hello.version, 0x0304);
        assert_true(r[i]->hello.cipher >= 0x1301 && r[i]->hello.cipher <= 0x1303);
        assert_int_equal(r[i]->hello.group, 0x001d);
        assert_true(r[i]->bytes_received > 0);
        report_free(r[i]);
    }
    /* recv() only when woken by POLLIN: before, every connection spent one that said EAGAIN
     * right after its ClientHello. (A ServerHello split across segments may still cost one,
     * hence the slack; on loopback it comes whole.) */
    assert_true(n_recv >= COUNT);
    assert_true(n_recv_eagain <= COUNT / 4);
    /* every connect succeeded: no SO_ERROR asked */
    assert_int_equal(n_so_error, 0);
    /* a ClientHello of one segment needs no TCP_NODELAY (Nagle never holds a first segment):
     * one system call less per probe */
    assert_int_equal(n_nodelay, 0);
    peer_stop(&srv);
}

static uint16_t closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
    socklen_t len = sizeof(a);
    bind(fd, (struct sockaddr *)&a, sizeof(a));
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd); /* nothing listens there now */
    return ntohs(a.sin_port);
}

static void test_refused_still_seen(void **state)
{
    (void)state;
    struct tls_config cfg;
    config_init(&cfg);
    cfg.host = strdup("127.0.0.1");
    cfg.port = closed_port();
    cfg.timeout_s = 5;
    struct conn *c;
    char err[256];
    n_so_error = 0;
    assert_int_equal(conn_new_hello(NULL, &cfg, &spec, &c, err, sizeof err), 0);
    struct report *r = conn_run(c);
    conn_free(c);
    assert_int_equal(r->error.stage, STAGE_TCP);
    assert_non_null(strstr(r->error.message, "refused"));
    assert_int_equal(r->n_addresses, 1);
    assert_int_equal(r->addresses[0].result, ADDR_REFUSED);
    assert_true(n_so_error >= 1); /* POLLERR: the error was asked for */
    report_free(r);
    config_free(&cfg);
}

int main(void)
{
    harness_dir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_hellos_one_loop),
        cmocka_unit_test(test_refused_still_seen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
