/* The transport stage against real sockets on loopback: Happy Eyeballs over every address of a
 * name (the engine's resolver hook makes a name resolve to chosen addresses, so no DNS query
 * is ever made), per-attempt deadlines, the report's address list, the errors when every
 * address fails; and one TLS context shared by the connections of a run. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/engine.h"
#include "lib/harness.h"
#include "util/mem.h"
#include "util/timeutil.h"

#define GOOD           "-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain", "@inter.crt"
#define ARGS(...)      ((const char *const[]){__VA_ARGS__, NULL})
#define BLACKHOLE_FILL 8

/* ---- a blackhole: [::1]:port (or 127.0.0.1) listening with a full accept queue --------------
 * The kernel then drops further SYNs, so a connect() hangs as on a dead route. */
struct blackhole {
    int listen_fd;
    int fill[BLACKHOLE_FILL];
    size_t n_fill;
};

static int blackhole_open(struct blackhole *b, bool v6, uint16_t port, uint16_t *port_out)
{
    memset(b, 0, sizeof(*b));
    struct sockaddr_storage ss = {0};
    socklen_t len;
    if (v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(port);
        a->sin6_addr = in6addr_loopback;
        len = sizeof(*a);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons(port);
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof(*a);
    }
    b->listen_fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (v6)
        setsockopt(b->listen_fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (b->listen_fd < 0 || bind(b->listen_fd, (struct sockaddr *)&ss, len) < 0 ||
        listen(b->listen_fd, 0) < 0)
        return -1;
    socklen_t sl = sizeof ss;
    getsockname(b->listen_fd, (struct sockaddr *)&ss, &sl);
    if (port_out)
        *port_out = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                             : ((struct sockaddr_in *)&ss)->sin_port);
    /* fill the queue until a connect stays pending (bounded) */
    for (b->n_fill = 0; b->n_fill < BLACKHOLE_FILL; b->n_fill++) {
        int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        b->fill[b->n_fill] = fd;
        connect(fd, (struct sockaddr *)&ss, sl);
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        if (poll(&pfd, 1, 200) == 0) {
            b->n_fill++;
            return 0; /* this one hangs: the queue is full */
        }
    }
    return -1;
}

static void blackhole_close(struct blackhole *b)
{
    for (size_t i = 0; i < b->n_fill; i++)
        close(b->fill[i]);
    if (b->listen_fd >= 0)
        close(b->listen_fd);
}

/* ---- the resolver hook: a name with chosen addresses ------------------------------------- */

struct fake_dns {
    const char *addrs[4]; /* literals, in the order the "resolver" returns them */
    size_t n;
    int calls;
};

static int fake_resolve(void *arg, const char *host, uint16_t port, int family,
                        struct sockaddr_storage *out, socklen_t *lens, size_t max, char *err,
                        size_t errlen)
{
    struct fake_dns *d = arg;
    d->calls++;
    if (strcmp(host, "dual.test") != 0) {
        snprintf(err, errlen, "the name '%s' does not exist (test resolver)", host);
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < d->n && n < max; i++) {
        memset(&out[n], 0, sizeof out[n]);
        if (strchr(d->addrs[i], ':')) {
            if (family == 4)
                continue;
            struct sockaddr_in6 *a = (struct sockaddr_in6 *)&out[n];
            a->sin6_family = AF_INET6;
            a->sin6_port = htons(port);
            inet_pton(AF_INET6, d->addrs[i], &a->sin6_addr);
            lens[n++] = sizeof(*a);
        } else {
            if (family == 6)
                continue;
            struct sockaddr_in *a = (struct sockaddr_in *)&out[n];
            a->sin_family = AF_INET;
            a->sin_port = htons(port);
            inet_pton(AF_INET, d->addrs[i], &a->sin_addr);
            lens[n++] = sizeof(*a);
        }
    }
    return (int)n;
}

static struct report *run_with(struct engine *e, const char *host, uint16_t port, double timeout,
                               int family)
{
    struct tls_config c;
    config_init(&c);
    c.host = xstrdup(host);
    c.port = port;
    c.timeout_s = timeout;
    c.family = (enum addr_family)family;
    c.ca_file = harness_path("root.crt");
    c.sni = xstrdup("localhost");
    struct conn *conn;
    char err[512];
    if (conn_new(e, &c, &conn, err, sizeof err) < 0)
        fail_msg("conn_new: %s", err);
    struct report *r = conn_run(conn);
    conn_free(conn);
    config_free(&c);
    return r;
}

/* ::1 drops our SYNs, 127.0.0.1 serves: connected within a second (not after the 5 s timeout),
 * and the report lists both attempts. */
static void test_blackholed_first_address(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_s_server(&p, false, ARGS(GOOD)), 0);
    struct blackhole bh;
    if (blackhole_open(&bh, true, p.port, NULL) < 0)
        fail_msg("could not make [::1]:%u drop SYNs", (unsigned)p.port);
    struct fake_dns dns = {{"::1", "127.0.0.1"}, 2, 0};
    struct engine *e = engine_new();
    engine_set_resolver(e, fake_resolve, &dns);
    int64_t t0 = mono_ms();
    struct report *r = run_with(e, "dual.test", p.port, 5, 0);
    int64_t took = mono_ms() - t0;
    print_message("# blackholed ::1, then 127.0.0.1: connected in %lld ms\n", (long long)took);
    if (!r->ok)
        fail_msg("not connected: %s", r->error.message);
    assert_true(took < 1500);
    assert_string_equal(r->address, "127.0.0.1");
    assert_int_equal(r->n_addresses, 2);
    assert_string_equal(r->addresses[0].address, "::1");
    assert_int_equal(r->addresses[0].family, 6);
    assert_int_equal(r->addresses[0].result, ADDR_ABANDONED);
    assert_int_equal(r->addresses[1].result, ADDR_CONNECTED);
    /* the second attempt started after the attempt delay (250 ms), not after a timeout */
    assert_true(r->addresses[1].start_ms >= 240);
    assert_true(r->addresses[1].start_ms < 1000);
    assert_int_equal(dns.calls, 1);
    report_free(r);
    engine_free(e);
    blackhole_close(&bh);
    peer_stop(&p);
}

/* A refused first address: the next starts at once, not 250 ms later. */
static void test_refused_then_good(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_s_server(&p, false, ARGS(GOOD)), 0);
    struct fake_dns dns = {{"::1", "127.0.0.1"}, 2, 0}; /* nothing listens on [::1]:port */
    struct engine *e = engine_new();
    engine_set_resolver(e, fake_resolve, &dns);
    struct report *r = run_with(e, "dual.test", p.port, 5, 0);
    assert_true(r->ok);
    assert_int_equal(r->n_addresses, 2);
    assert_int_equal(r->addresses[0].result, ADDR_REFUSED);
    assert_int_equal(r->addresses[1].result, ADDR_CONNECTED);
    assert_true(r->addresses[1].start_ms < 200);
    report_free(r);
    engine_free(e);
    peer_stop(&p);
}

/* Every address refused: one error naming each. */
static void test_every_address_refused(void **state)
{
    (void)state;
    struct blackhole probe; /* a port free on both families: bind, note, close */
    uint16_t port;
    assert_int_equal(blackhole_open(&probe, false, 0, &port), 0);
    blackhole_close(&probe);
    struct fake_dns dns = {{"::1", "127.0.0.1"}, 2, 0};
    struct engine *e = engine_new();
    engine_set_resolver(e, fake_resolve, &dns);
    struct report *r = run_with(e, "dual.test", port, 5, 0);
    assert_false(r->ok);
    assert_int_equal(r->error.stage, STAGE_TCP);
    char want1[64], want2[64];
    snprintf(want1, sizeof want1, "[::1]:%u refused", (unsigned)port);
    snprintf(want2, sizeof want2, "127.0.0.1:%u refused", (unsigned)port);
    if (!strstr(r->error.message, want1) || !strstr(r->error.message, want2))
        fail_msg("the error does not name each address: %s", r->error.message);
    assert_non_null(r->error.hint);
    assert_int_equal(r->n_addresses, 2);
    report_free(r);
    engine_free(e);
}

/* Both addresses drop SYNs: each attempt has its own deadline, and the error is a timeout of
 * the TCP stage that says every address timed out. */
static void test_every_address_times_out(void **state)
{
    (void)state;
    struct blackhole b4, b6;
    uint16_t port;
    assert_int_equal(blackhole_open(&b4, false, 0, &port), 0);
    if (blackhole_open(&b6, true, port, NULL) < 0)
        fail_msg("could not make [::1]:%u drop SYNs", (unsigned)port);
    struct fake_dns dns = {{"::1", "127.0.0.1"}, 2, 0};
    struct engine *e = engine_new();
    engine_set_resolver(e, fake_resolve, &dns);
    int64_t t0 = mono_ms();
    struct report *r = run_with(e, "dual.test", port, 1, 0);
    int64_t took = mono_ms() - t0;
    assert_false(r->ok);
    assert_int_equal(r->error.stage, STAGE_TIMEOUT);
    assert_int_equal(r->error.during, STAGE_TCP);
    assert_non_null(strstr(r->error.message, "every address (2)"));
    assert_int_equal(r->addresses[0].result, ADDR_TIMEOUT);
    assert_int_equal(r->addresses[1].result, ADDR_TIMEOUT);
    /* the second attempt's own deadline: it ends about 1 s after it started, 250 ms later */
    assert_true(took >= 1200);
    assert_true(took < 4000);
    report_free(r);
    engine_free(e);
    blackhole_close(&b4);
    blackhole_close(&b6);
}

/* -6 (or -4) with a name that has no address of that family: a DNS-stage error that says so. */
static void test_family_filter(void **state)
{
    (void)state;
    struct fake_dns dns = {{"127.0.0.1"}, 1, 0};
    struct engine *e = engine_new();
    engine_set_resolver(e, fake_resolve, &dns);
    struct report *r = run_with(e, "dual.test", 443, 5, 6);
    assert_false(r->ok);
    assert_int_equal(r->error.stage, STAGE_DNS);
    assert_int_equal(r->n_addresses, 0);
    report_free(r);
    engine_free(e);
    /* the real resolver, an IPv4 literal with -6 */
    char *out = NULL;
    int st = run_tlscope(ARGS("--json", "-6", "127.0.0.1:1"), 10, &out, NULL);
    assert_int_equal(st, 2);
    assert_non_null(strstr(out, "\"stage\": \"dns\""));
    assert_non_null(strstr(out, "IPv6"));
    free(out);
}

/* One TLS context per run: a second connection of the same configuration reuses it; the report
 * still says which settings were in effect. */
static void test_context_shared(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_s_server(&p, false, ARGS(GOOD)), 0);
    struct engine *e = engine_new();
    struct report *a = run_with(e, "127.0.0.1", p.port, 5, 0);
    struct report *b = run_with(e, "127.0.0.1", p.port, 5, 0);
    assert_int_equal(engine_contexts_built(e), 1);
    struct report *c = run_with(e, "127.0.0.1", p.port, 4, 0); /* another configuration */
    assert_int_equal(engine_contexts_built(e), 2);
    assert_true(c->ok);
    report_free(c);
    assert_true(a->ok);
    assert_true(b->ok);
    assert_true(a->verify_ok);
    assert_true(b->verify_ok);
    assert_string_equal(a->effective.trust, b->effective.trust);
    assert_string_equal(a->effective.openssl_version, b->effective.openssl_version);
    report_free(a);
    report_free(b);
    engine_free(e);
    peer_stop(&p);
}

int main(void)
{
    harness_dir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blackholed_first_address),
        cmocka_unit_test(test_refused_then_good),
        cmocka_unit_test(test_every_address_refused),
        cmocka_unit_test(test_every_address_times_out),
        cmocka_unit_test(test_family_filter),
        cmocka_unit_test(test_context_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
