/* The raw-hello driver (conn_new_hello) against peers that do not answer with TLS: peers of
 * our own that close, reset, speak no TLS, answer in SSLv2, send broken answers, or cut their
 * answer into tiny records and segments (the close is compared with `openssl s_client`). And
 * the pipeline around the driver: a probe goes through Happy Eyeballs like any connection, an
 * OpenSSL-driver connection has no hello outcome, the driver reads only when poll says so,
 * every run is bounded in time, and the probe rate is printed as a TAP comment (no timing
 * assert). The s_server cases: test_raw_hello_openssl.c; shared helpers: tests/lib/rawhello.h.
 *
 * With TLSCOPE_RAW_CORPUS=DIR set, each answer received is also written to DIR as the records
 * the server sent, after the control byte of tests/fuzz/fuzz_record.c (the seeds of
 * tests/fuzz/corpus/record/). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/hostile.h"
#include "lib/rawhello.h"
#include "util/mem.h"
#include "util/timeutil.h"
#include "wire/record.h"

#define PROBE_LIMIT 8.0 /* s: no probe in this file may take longer (the engine's timeout is 5) */

static struct engine *eng;

/* ---- peers that do not answer with TLS --------------------------------------------------- */

static void test_peer_closes(void **state)
{
    (void)state;
    struct wire_ch_spec spec =
        rawhello_offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    struct peer p;
    assert_int_equal(peer_hostile(&p, HOSTILE_FIN), 0);
    for (int i = 0; i < 3; i++) {
        struct report *r = rawhello_probe(eng, p.port, &spec);
        rawhello_expect_no_error(r);
        assert_int_equal(r->hello.outcome, HELLO_CLOSED);
        assert_true(r->hello.close_errno == 0 || r->hello.close_errno == ECONNRESET ||
                    r->hello.close_errno == EPIPE);
        report_free(r);
    }
    struct report *r = rawhello_probe(eng, p.port, &spec);
    rawhello_same_as_sclient(r, p.port,
                             ARGS("-tls1_3", "-ciphersuites", SUITES13_OSSL, "-groups", "X25519"));
    report_free(r);
    peer_stop(&p);

    /* A reset right after the accept: closed, every time — also when the reset is in before
     * the transport looks at the new socket (SO_ERROR then says ECONNRESET: the connection
     * was made, and the transport counts it as made). */
    assert_int_equal(peer_hostile(&p, HOSTILE_RESET), 0);
    for (int i = 0; i < 5; i++) {
        r = rawhello_probe(eng, p.port, &spec);
        if (r->hello.outcome != HELLO_CLOSED || r->error.stage != STAGE_NONE)
            fail_msg("reset peer: %s, error %s: %s", hello_outcome_name(r->hello.outcome),
                     stage_name(r->error.stage), r->error.message ? r->error.message : "");
        assert_true(r->hello.close_errno == 0 || r->hello.close_errno == ECONNRESET ||
                    r->hello.close_errno == EPIPE);
        if (i == 0) {
            rawhello_same_as_sclient(
                r, p.port, ARGS("-tls1_3", "-ciphersuites", SUITES13_OSSL, "-groups", "X25519"));
        }
        report_free(r);
    }
    peer_stop(&p);
}

static void test_not_tls(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_plaintext(&p, "SSH-2.0-OpenSSH_9.6\r\n"), 0);
    struct wire_ch_spec spec =
        rawhello_offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    struct report *r = rawhello_probe(eng, p.port, &spec);
    assert_int_equal(r->hello.outcome, HELLO_NONE);
    assert_int_equal(r->error.stage, STAGE_TLS);
    assert_non_null(strstr(r->error.message, "no TLS"));
    assert_non_null(strstr(r->error.message, "SSH-2.0-OpenSSH_9.6"));
    report_free(r);
    peer_stop(&p);
}

/* A peer of our own that reads the ClientHello and sends a script of chunks, one send() each
 * with a millisecond between them (so they arrive as separate reads), then waits for the
 * client to go. */
struct script {
    const uint8_t *const *chunks;
    const size_t *lens;
    size_t n;
};

static void serve_script(int fd, const void *arg)
{
    const struct script *s = arg;
    uint8_t buf[4096];
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    if (poll(&pfd, 1, 5000) > 0 && recv(fd, buf, sizeof buf, 0) > 0) {
        const struct timespec ms = {0, 1000000};
        for (size_t i = 0; i < s->n; i++) {
            if (send(fd, s->chunks[i], s->lens[i], MSG_NOSIGNAL) < 0)
                break;
            nanosleep(&ms, NULL);
        }
        for (int i = 0; i < 50 && poll(&pfd, 1, 100) >= 0; i++)
            if ((pfd.revents & (POLLIN | POLLHUP)) && recv(fd, buf, sizeof buf, 0) <= 0)
                break;
    }
    close(fd);
}

/* A TLS 1.3 ServerHello message (TLS_AES_128_GCM_SHA256, x25519), 122 bytes with header. */
static size_t make_server_hello13(uint8_t *m)
{
    size_t n = 0;
    static const uint8_t head[] = {0x02, 0x00, 0x00, 0x76, 0x03, 0x03};
    memcpy(m, head, sizeof head), n += sizeof head;
    memset(m + n, 0x5a, 32), n += 32; /* random */
    m[n++] = 32;
    memcpy(m + n, session_id, 32), n += 32;
    static const uint8_t tail[] = {0x13, 0x01, 0x00, 0x00, 0x2e,             /* suite, comp, exts */
                                   0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,       /* versions */
                                   0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, /* key_share */
                                   0x20};
    memcpy(m + n, tail, sizeof tail), n += sizeof tail;
    memset(m + n, 0x09, 32), n += 32;
    return n;
}

/* A warning alert (unrecognized_name) and a HelloRequest come first; the ServerHello is cut
 * into records of 1 to 7 bytes, each record sent in two pieces (header, then fragment). */
static void test_fragmented_answer(void **state)
{
    (void)state;
    static uint8_t bufs[256][16];
    static const uint8_t *chunks[256];
    static size_t lens[256];
    static struct script sc = {chunks, lens, 0};
    static const uint8_t warning[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x70};
    static const uint8_t hello_request[] = {0x16, 0x03, 0x03, 0x00, 0x04, 0, 0, 0, 0};
    uint8_t sh[128];
    size_t shn = make_server_hello13(sh);
    assert_int_equal(shn, 122);
    size_t k = 0;
    chunks[k] = warning, lens[k++] = sizeof warning;
    chunks[k] = hello_request, lens[k++] = sizeof hello_request;
    for (size_t off = 0, step = 1; off < shn; off += step, step = step % 7 + 1) {
        size_t len = shn - off < step ? shn - off : step;
        uint8_t *b = bufs[k];
        b[0] = 0x16, b[1] = 0x03, b[2] = 0x03, b[3] = 0, b[4] = (uint8_t)len;
        memcpy(b + 5, sh + off, len);
        chunks[k] = b, lens[k++] = 3; /* half a header ... */
        chunks[k] = b + 3, lens[k++] = 2 + len;
    }
    sc.n = k;
    assert_true(k < NELEM(chunks));
    uint8_t all[2048];
    size_t n_all = 0;
    for (size_t i = 0; i < k; i++)
        memcpy(all + n_all, chunks[i], lens[i]), n_all += lens[i];
    rawhello_corpus_write("fragmented-server-hello", all, n_all);
    struct peer p;
    assert_int_equal(peer_fork(&p, false, serve_script, &sc), 0);
    struct wire_ch_spec spec =
        rawhello_offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    struct report *r = rawhello_probe(eng, p.port, &spec);
    rawhello_expect_no_error(r);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_int_equal(r->hello.version, WIRE_TLS1_3);
    assert_int_equal(r->hello.cipher, 0x1301);
    assert_int_equal(r->hello.group, 0x001d);
    const struct hs_event *a = rawhello_find_event(r, DIR_RECEIVED, -1);
    assert_non_null(a);
    assert_int_equal(a->alert_level, 1);
    assert_int_equal(a->alert_desc, 112);
    assert_non_null(rawhello_find_event(r, DIR_RECEIVED, WIRE_HS_HELLO_REQUEST));
    const struct hs_event *ev = rawhello_find_event(r, DIR_RECEIVED, WIRE_HS_SERVER_HELLO);
    assert_non_null(ev);
    assert_int_equal(ev->n_bytes, shn);
    assert_memory_equal(ev->bytes, sh, shn);
    report_free(r);
    peer_stop(&p);
}

/* Broken answers: a ServerHello that does not parse; TLS records and then garbage; a peer
 * that sends HelloRequests and never a ServerHello (the timeout says so). */
static void test_broken_answers(void **state)
{
    (void)state;
    struct wire_ch_spec spec =
        rawhello_offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    /* a ServerHello whose extension block claims more than there is */
    static uint8_t bad_sh[5 + 122];
    size_t n = make_server_hello13(bad_sh + 5);
    bad_sh[0] = 0x16, bad_sh[1] = 3, bad_sh[2] = 3, bad_sh[3] = 0, bad_sh[4] = (uint8_t)n;
    bad_sh[5 + 4 + 2 + 32 + 1 + 32 + 3 + 1] = 0x30; /* extensions length 0x2e → 0x30 */
    static const uint8_t *c1[] = {bad_sh};
    static const size_t l1[] = {sizeof bad_sh};
    static const struct script s1 = {c1, l1, 1};
    struct peer p;
    assert_int_equal(peer_fork(&p, false, serve_script, &s1), 0);
    struct report *r = rawhello_probe(eng, p.port, &spec);
    assert_int_equal(r->hello.outcome, HELLO_NONE);
    assert_int_equal(r->error.stage, STAGE_TLS);
    assert_non_null(strstr(r->error.message, "ServerHello is malformed"));
    assert_non_null(rawhello_find_event(r, DIR_RECEIVED, WIRE_HS_SERVER_HELLO)); /* bytes kept */
    report_free(r);
    peer_stop(&p);

    /* a warning alert, then an HTTP answer: malformed TLS, not "no TLS" */
    static const uint8_t warn[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x70};
    static const uint8_t http[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
    static const uint8_t *c2[] = {warn, http};
    static const size_t l2[] = {sizeof warn, sizeof http - 1};
    static const struct script s2 = {c2, l2, 2};
    assert_int_equal(peer_fork(&p, false, serve_script, &s2), 0);
    r = rawhello_probe(eng, p.port, &spec);
    assert_int_equal(r->hello.outcome, HELLO_NONE);
    assert_int_equal(r->error.stage, STAGE_TLS);
    assert_non_null(strstr(r->error.message, "then sent a malformed one"));
    report_free(r);
    peer_stop(&p);

    /* HelloRequests only (60 of them, a millisecond apart), then silence */
    static const uint8_t hello_request[] = {0x16, 0x03, 0x03, 0x00, 0x04, 0, 0, 0, 0};
    static const uint8_t *c3[60];
    static size_t l3[60];
    for (size_t i = 0; i < 60; i++)
        c3[i] = hello_request, l3[i] = sizeof hello_request;
    static const struct script s3 = {c3, l3, 60};
    assert_int_equal(peer_fork(&p, false, serve_script, &s3), 0);
    r = rawhello_probe_host(eng, "127.0.0.1", p.port, FAMILY_ANY, 0.5, &spec);
    assert_int_equal(r->error.stage, STAGE_TIMEOUT);
    assert_non_null(r->error.hint);
    assert_non_null(strstr(r->error.hint, "HelloRequest"));
    report_free(r);
    peer_stop(&p);
}

/* A peer answering in SSLv2 (a 2-byte header with the high bit set): outcome sslv2. */
static void test_sslv2_answer(void **state)
{
    (void)state;
    /* SERVER-HELLO: type 4, session id hit 0, certificate type 1, version 0x0002, ... */
    static const uint8_t v2[] = {0x80, 0x0b, 0x04, 0x00, 0x01, 0x00, 0x02,
                                 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    static const uint8_t *chunks[] = {v2};
    static const size_t lens[] = {sizeof v2};
    static const struct script sc = {chunks, lens, 1};
    rawhello_corpus_write("sslv2-server-hello", v2, sizeof v2);
    struct peer p;
    assert_int_equal(peer_fork(&p, false, serve_script, &sc), 0);
    struct wire_ch_spec spec = rawhello_offer12(suites12, NELEM(suites12));
    struct report *r = rawhello_probe(eng, p.port, &spec);
    rawhello_expect_no_error(r);
    assert_int_equal(r->hello.outcome, HELLO_SSL2);
    report_free(r);
    peer_stop(&p);
}

/* ---- the pipeline around the driver ------------------------------------------------------ */

/* A socket on 127.0.0.1 that drops SYNs like a dead route: it listens with a backlog of 0 and
 * its accept queue is filled by a connection nobody accepts. */
struct blackhole {
    int listen_fd, filler_fd;
    uint16_t port;
};

static int blackhole_open(struct blackhole *b)
{
    b->filler_fd = -1;
    b->port = 0;
    b->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    if (b->listen_fd < 0 || bind(b->listen_fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        listen(b->listen_fd, 0) < 0 || getsockname(b->listen_fd, (struct sockaddr *)&a, &al) < 0)
        return -1;
    b->port = ntohs(a.sin_port);
    b->filler_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (b->filler_fd < 0 || connect(b->filler_fd, (struct sockaddr *)&a, sizeof a) < 0)
        return -1;
    /* the handshake completes in the kernel: the listener turns readable once the connection
     * sits in its accept queue, and the queue (backlog 0) is full */
    struct pollfd pf = {.fd = b->listen_fd, .events = POLLIN};
    return poll(&pf, 1, 5000) == 1 ? 0 : -1;
}

static void blackhole_close(struct blackhole *b)
{
    close(b->filler_fd);
    close(b->listen_fd);
}

struct two_addrs {
    uint16_t first, second; /* ports on 127.0.0.1, in this order */
};

static int resolve_two(void *arg, const char *host, uint16_t port, int family,
                       struct sockaddr_storage *out, socklen_t *lens, size_t max, char *err,
                       size_t errlen)
{
    (void)port, (void)family;
    const struct two_addrs *t = arg;
    if (strcmp(host, "raw-hello.test") != 0 || max < 2) {
        snprintf(err, errlen, "unexpected lookup of %s", host);
        return -1;
    }
    uint16_t ports[2] = {t->first, t->second};
    for (int i = 0; i < 2; i++) {
        struct sockaddr_in *a = (struct sockaddr_in *)&out[i];
        memset(&out[i], 0, sizeof out[i]);
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a->sin_port = htons(ports[i]);
        lens[i] = sizeof *a;
    }
    return 2;
}

/* A name whose first address drops SYNs and whose second serves: the probe starts the second
 * attempt after 250 ms and gets its ServerHello; the report lists both attempts. */
static void test_happy_eyeballs(void **state)
{
    (void)state;
    struct peer p;
    rawhello_s_server(&p, NULL);
    struct blackhole bh;
    assert_int_equal(blackhole_open(&bh), 0);
    struct two_addrs t = {bh.port, p.port};
    struct engine *e = engine_new();
    engine_set_resolver(e, resolve_two, &t);
    struct wire_ch_spec spec =
        rawhello_offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    int64_t t0 = mono_us();
    struct report *r = rawhello_probe_host(e, "raw-hello.test", p.port, FAMILY_ANY, 5, &spec);
    double ms = (double)(mono_us() - t0) / 1000.0;
    print_message("# happy eyeballs: ServerHello by the second address after %.0f ms\n", ms);
    rawhello_expect_no_error(r);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_true(ms < 3000);
    assert_int_equal(r->n_addresses, 2);
    assert_int_equal(r->addresses[0].result, ADDR_ABANDONED);
    assert_int_equal(r->addresses[1].result, ADDR_CONNECTED);
    assert_string_equal(r->address, "127.0.0.1");
    report_free(r);
    engine_free(e);
    blackhole_close(&bh);

    /* by the system resolver: localhost (::1 refused first, when listed). The report names
     * the server name the hello carried, not the host's. */
    r = rawhello_probe_host(eng, "localhost", p.port, FAMILY_ANY, 5, &spec);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_true(r->n_addresses >= 1);
    assert_string_equal(r->address, "127.0.0.1");
    assert_null(r->sni);
    report_free(r);
    spec.sni = "raw.example.test";
    r = rawhello_probe_host(eng, "localhost", p.port, FAMILY_ANY, 5, &spec);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    assert_string_equal(r->sni, "raw.example.test");
    report_free(r);
    spec.sni = NULL;
    /* -6: only ::1, where nothing listens */
    r = rawhello_probe_host(eng, "localhost", p.port, FAMILY_V6, 5, &spec);
    assert_int_equal(r->hello.outcome, HELLO_NONE);
    assert_int_not_equal(r->error.stage, STAGE_NONE);
    report_free(r);
    peer_stop(&p);
}

/* An ordinary connection (OpenSSL driver) has no hello outcome. (TLS 1.2: its messages make
 * a corpus seed of a whole server flight.) */
static void test_openssl_driver_has_no_hello(void **state)
{
    (void)state;
    struct peer p;
    rawhello_s_server(&p, NULL);
    struct tls_config cfg;
    config_init(&cfg);
    cfg.host = xstrdup("127.0.0.1");
    cfg.port = p.port;
    cfg.timeout_s = 5;
    cfg.verify = false;
    cfg.max_proto = PROTO_TLS1_2;
    struct conn *c;
    char err[256];
    assert_int_equal(conn_new(eng, &cfg, &c, err, sizeof err), 0);
    struct report *r = rawhello_run(c, PROBE_LIMIT, NULL);
    conn_free(c);
    assert_true(r->ok);
    assert_int_equal(r->hello.outcome, HELLO_NONE);
    rawhello_corpus_save("tls12-openssl-flight", r);
    report_free(r);
    config_free(&cfg);
    peer_stop(&p);
}

/* Once the hello is out, the driver reads only when poll says the socket is readable: a loop
 * of many probes makes no recv() for the ones that have nothing to read. */
static void test_reads_only_when_readable(void **state)
{
    (void)state;
    struct peer p;
    rawhello_s_server(&p, NULL);
    struct wire_ch_spec spec =
        rawhello_offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    struct tls_config cfg;
    config_init(&cfg);
    cfg.host = xstrdup("127.0.0.1");
    cfg.port = p.port;
    cfg.timeout_s = 5;
    struct conn *c;
    char err[256];
    assert_int_equal(conn_new_hello(eng, &cfg, &spec, &c, err, sizeof err), 0);
    struct conn_poll cp;
    bool running = conn_step(c, NULL);
    for (int i = 0; running && i < 100; i++) {
        conn_want(c, &cp);
        if (cp.n == 1 && cp.fds[0].events == POLLIN && conn_stage(c) == STAGE_TLS)
            break; /* the hello is out */
        conn_poll_wait(&cp, 100000);
        running = conn_step(c, &cp);
    }
    assert_true(running);
    assert_int_equal(cp.fds[0].events, POLLIN);
    /* until the ServerHello has arrived (poll on the socket itself; the connection's own poll
     * set is not used, so the step below still sees no readiness) */
    struct pollfd pf = {.fd = cp.fds[0].fd, .events = POLLIN};
    assert_int_equal(poll(&pf, 1, 5000), 1);
    cp.fds[0].revents = 0;
    assert_true(conn_step(c, &cp)); /* poll did not say readable: nothing read */
    conn_want(c, &cp);
    conn_poll_wait(&cp, 1000000);
    assert_true(cp.fds[0].revents & POLLIN);
    assert_false(conn_step(c, &cp));
    struct report *r = conn_take_report(c);
    assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
    report_free(r);
    conn_free(c);
    config_free(&cfg);
    peer_stop(&p);
}

/* A peer that never answers: the probe ends at its deadline, in few steps. */
static void test_bounded_in_time(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_tarpit(&p), 0);
    struct wire_ch_spec spec =
        rawhello_offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    struct tls_config cfg;
    config_init(&cfg);
    cfg.host = xstrdup("127.0.0.1");
    cfg.port = p.port;
    cfg.timeout_s = 0.5;
    struct conn *c;
    char err[256];
    assert_int_equal(conn_new_hello(eng, &cfg, &spec, &c, err, sizeof err), 0);
    int64_t t0 = mono_us();
    int steps = 0;
    struct report *r = rawhello_run(c, 3, &steps);
    double s = (double)(mono_us() - t0) / 1e6;
    conn_free(c);
    assert_int_equal(r->error.stage, STAGE_TIMEOUT);
    assert_int_equal(r->hello.outcome, HELLO_NONE);
    assert_true(s >= 0.45 && s < 2.0);
    assert_true(steps < 50); /* it waited in poll, it did not spin */
    report_free(r);
    config_free(&cfg);
    peer_stop(&p);
}

/* User + system CPU time of this process, in seconds. */
static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Probes per second against one s_server: one at a time, then 16 at once in one poll loop. No
 * assertion on the figures (a loaded machine is slower); every probe must get its answer. */
static void test_probe_rate(void **state)
{
    (void)state;
    struct peer p;
    rawhello_s_server(&p, NULL);
    struct wire_ch_spec spec =
        rawhello_offer13(suites13, NELEM(suites13), g_x25519, 1, share_x25519);
    enum { N = 100, PAR = 16 };
    int64_t t0 = mono_us();
    for (int i = 0; i < N; i++) {
        struct report *r = rawhello_probe(eng, p.port, &spec);
        assert_int_equal(r->hello.outcome, HELLO_SERVER_HELLO);
        report_free(r);
    }
    double seq = (double)(mono_us() - t0) / 1e6;

    struct tls_config cfg;
    config_init(&cfg);
    cfg.host = xstrdup("127.0.0.1");
    cfg.port = p.port;
    cfg.timeout_s = 5;
    struct conn *c[PAR] = {0};
    struct conn_poll cp[PAR];
    int started = 0, done = 0;
    double cpu0 = cpu_seconds();
    int64_t t1 = mono_us(), end = t1 + 30 * 1000000LL;
    while (done < N) {
        assert_true(mono_us() < end);
        struct pollfd fds[PAR * CONN_FDS_MAX];
        size_t nf = 0;
        int64_t dl = INT64_MAX;
        for (int i = 0; i < PAR; i++) {
            if (!c[i] && started < N) {
                char err[256];
                assert_int_equal(conn_new_hello(eng, &cfg, &spec, &c[i], err, sizeof err), 0);
                started++;
                if (!conn_step(c[i], NULL))
                    fail_msg("a probe ended before it began");
            }
            if (!c[i])
                continue;
            conn_want(c[i], &cp[i]);
            memcpy(fds + nf, cp[i].fds, cp[i].n * sizeof fds[0]);
            nf += cp[i].n;
            dl = cp[i].deadline_us < dl ? cp[i].deadline_us : dl;
        }
        int64_t wait = dl - mono_us();
        wait = wait < 0 ? 0 : wait > 100000 ? 100000 : wait;
        struct timespec ts = {0, (long)wait * 1000};
        if (ppoll(fds, nf, &ts, NULL) < 0)
            fail_msg("ppoll: %s", strerror(errno));
        nf = 0;
        for (int i = 0; i < PAR; i++) {
            if (!c[i])
                continue;
            memcpy(cp[i].fds, fds + nf, cp[i].n * sizeof fds[0]);
            nf += cp[i].n;
            if (conn_step(c[i], &cp[i]))
                continue;
            struct report *r = conn_take_report(c[i]);
            if (r->hello.outcome != HELLO_SERVER_HELLO)
                fail_msg("probe %d: %s (%s)", done, hello_outcome_name(r->hello.outcome),
                         r->error.message ? r->error.message : "");
            report_free(r);
            conn_free(c[i]);
            c[i] = NULL;
            done++;
        }
    }
    double par = (double)(mono_us() - t1) / 1e6;
    double cpu = cpu_seconds() - cpu0;
    config_free(&cfg);
    print_message("# raw hello: %d probes one at a time in %.2f s (%.0f/s); %d with %d at once "
                  "in one poll loop in %.2f s (%.0f/s, client CPU %.0f us each); s_server "
                  "answers one at a time\n",
                  N, seq, N / seq, N, PAR, par, N / par, cpu * 1e6 / N);
    peer_stop(&p);
}

int main(void)
{
    harness_dir();
    eng = engine_new();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_peer_closes),
        cmocka_unit_test(test_not_tls),
        cmocka_unit_test(test_fragmented_answer),
        cmocka_unit_test(test_sslv2_answer),
        cmocka_unit_test(test_broken_answers),
        cmocka_unit_test(test_happy_eyeballs),
        cmocka_unit_test(test_openssl_driver_has_no_hello),
        cmocka_unit_test(test_reads_only_when_readable),
        cmocka_unit_test(test_bounded_in_time),
        cmocka_unit_test(test_probe_rate),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    engine_free(eng);
    return failed;
}
