/* What keeps the scanner fast (issue 11's performance point), each against a real server this
 * test starts on loopback: a DHE group's size read from a raw probe's ServerKeyExchange, not
 * a full handshake; TLS 1.2's suites found by six chains side by side; probes to an address
 * literal starting before the first answer; a trust bundle
 * (SSL_CERT_FILE) looked up certificate by certificate, not decoded whole; a configuration
 * check that reads no trust store. And the counting relay of the tests and bench/scan.sh,
 * which must stop on SIGTERM however early it comes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/engine.h"
#include "engine/trustfile.h"
#include "lib/harness.h"
#include "lib/relay.h"
#include "scan/scan.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/timeutil.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static struct scan_report *scan_with(struct engine *e, uint16_t port, bool full)
{
    struct tls_config c;
    config_init(&c);
    c.host = xstrdup("127.0.0.1");
    c.port = port;
    c.timeout_s = 5;
    struct scan_opts o = {.parallel = 6, .no_full = !full};
    struct scan *s;
    char err[256];
    assert_int_equal(scan_new(e, &c, &o, &s, err, sizeof err), 0);
    struct scan_report *r = scan_run(s, NULL, NULL);
    scan_free(s);
    config_free(&c);
    assert_false(r->cancelled);
    return r;
}

/* The wide legacy server (DHE with a 2048-bit group): its DH size comes from a raw probe, and
 * no full handshake is made for it; TLS 1.2's suites are found by six chains, each ending in
 * one refused probe (TLS 1.0 and 1.1, a quarter as many suites: three). */
static void test_dh_from_probe_and_six_chains(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_s_server(&p, false,
                                   ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-cipher",
                                        "ALL:@SECLEVEL=0", "-min_protocol", "TLSv1")),
                     0);
    struct engine *e = engine_new();
    struct scan_report *r = scan_with(e, p.port, true);
    assert_int_equal(r->features.dh_bits, 2048);
    assert_true(r->features.probe_dh >= 0 && (size_t)r->features.probe_dh < r->n_probes);
    const struct scan_probe *dh = &r->probes[r->features.probe_dh];
    assert_false(dh->full);
    assert_int_equal(dh->dh_bits, 2048);
    int refused12 = 0, refused11 = 0, fulls = 0;
    for (size_t i = 0; i < r->n_probes; i++) {
        const struct scan_probe *pr = &r->probes[i];
        if (strstr(pr->what, "DHE parameters"))
            fail_msg("probe %zu: a full handshake for the DH size: %s", i, pr->what);
        fulls += pr->full;
        bool refused = pr->outcome == HELLO_ALERT || pr->outcome == HELLO_CLOSED;
        refused12 += refused && !strncmp(pr->what, "TLSv1.2 suites", 14);
        refused11 += refused && !strncmp(pr->what, "TLSv1.1 suites", 14);
    }
    assert_int_equal(refused12, 6);
    assert_int_equal(refused11, 3);
    assert_true(fulls >= 1); /* the certificate's handshakes still run */
    scan_report_free(r);
    engine_free(e);
    peer_stop(&p);
}

/* An address literal as the target: the second probe starts before the first is answered (as
 * soon as the first is connected), and a port nobody listens on still ends the scan after
 * the first probe's attempts alone. */
static void test_literal_target_starts_at_once(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_s_server(&p, false, ARGS("-cert", "@leaf.crt", "-key", "@leaf.key")), 0);
    struct engine *e = engine_new();
    struct scan_report *r = scan_with(e, p.port, false);
    assert_true(r->n_probes > 2);
    assert_true(r->protos[SCAN_TLS13].supported == TRI_YES);
    if (!(r->probes[1].start_ms < r->probes[0].end_ms))
        fail_msg("probe 1 started at %.2f ms, after probe 0's answer at %.2f ms",
                 r->probes[1].start_ms, r->probes[0].end_ms);
    scan_report_free(r);
    uint16_t port = p.port;
    peer_stop(&p);
    r = scan_with(e, port, false);
    assert_int_equal(r->n_probes, 1); /* the first probe, sent again, and nothing else */
    assert_true(r->connections >= 1 && r->connections <= 4);
    assert_int_equal(r->protos[SCAN_TLS13].supported, TRI_NA);
    scan_report_free(r);
    engine_free(e);
}

/* A bundle of many CAs with the lab's root among them: the chain verifies, and only the
 * certificates of the names asked for were decoded — not the whole bundle; without the lab
 * root in it, the chain does not verify. */
static void test_bundle_looked_up_lazily(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(
        peer_s_server(&p, false,
                      ARGS("-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain", "@inter.crt")),
        0);
    char *root = harness_path("root.crt"), *bundle = harness_path("perf-bundle.pem"),
         *other = harness_path("perf-other.pem");
    const char *extra[] = {"root2.crt", "client_ca.crt", "ec_root.crt"};
    char cmd[4096];
    int k = snprintf(cmd, sizeof cmd, "cat");
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        char *f = harness_path(extra[i]);
        if (access(f, R_OK) == 0)
            k += snprintf(cmd + k, sizeof cmd - (size_t)k, " '%s'", f);
        free(f);
    }
    if (access("/etc/ssl/certs/ca-certificates.crt", R_OK) == 0)
        k += snprintf(cmd + k, sizeof cmd - (size_t)k, " /etc/ssl/certs/ca-certificates.crt");
    snprintf(cmd + k, sizeof cmd - (size_t)k, " > '%s' && cat '%s' '%s' > '%s'", other, other, root,
             bundle);
    assert_int_equal(system(cmd), 0);
    char *old = getenv("SSL_CERT_FILE") ? xstrdup(getenv("SSL_CERT_FILE")) : NULL;

    setenv("SSL_CERT_FILE", bundle, 1);
    struct engine *e = engine_new();
    unsigned long before = trustfile_decoded();
    struct scan_report *r = scan_with(e, p.port, true);
    unsigned long decoded = trustfile_decoded() - before;
    assert_true(r->n_certs >= 1);
    if (!r->certs[0].full->verify_ok)
        fail_msg("the chain did not verify against %s", bundle);
    assert_true(decoded >= 1 && decoded <= 3); /* the root (and a namesake), of 2+ in the file */
    scan_report_free(r);
    engine_free(e);

    setenv("SSL_CERT_FILE", other, 1);
    e = engine_new();
    r = scan_with(e, p.port, true);
    assert_true(r->n_certs >= 1);
    assert_false(r->certs[0].full->verify_ok);
    scan_report_free(r);
    engine_free(e);

    if (old)
        setenv("SSL_CERT_FILE", old, 1);
    else
        unsetenv("SSL_CERT_FILE");
    free(old), free(root), free(bundle), free(other);
    peer_stop(&p);
}

/* engine_check_config reads no system trust store: SSL_CERT_FILE naming a FIFO nobody writes
 * to (opening it would block) does not hold it up. */
static void test_check_reads_no_trust_store(void **state)
{
    (void)state;
    char *fifo = harness_path("perf-fifo");
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        alarm(5);
        setenv("SSL_CERT_FILE", fifo, 1);
        struct tls_config c;
        config_init(&c);
        c.host = xstrdup("127.0.0.1");
        char err[256];
        _exit(engine_check_config(&c, err, sizeof err) == 0 ? 0 : 1);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("the check did not return at once (status 0x%x: SIGALRM is 0x%x)", st, SIGALRM);
    unlink(fifo);
    free(fifo);
}

/* relay_stop right after relay_start: the count (0), never a relay killed before it could
 * say it (-1), twenty times in a row. */
static void test_relay_stops_at_once(void **state)
{
    (void)state;
    for (int i = 0; i < 20; i++) {
        struct relay rl;
        assert_int_equal(relay_start(&rl, 9, 0), 0);
        int64_t t0 = mono_us();
        assert_int_equal(relay_stop(&rl), 0);
        assert_true(mono_us() - t0 < 2000000);
    }
}

/* The relay tool (bench/scan.sh): SIGTERM as soon as it has said its port ends it at once with
 * its count, every time. */
static void test_relay_tool_sigterm(void **state)
{
    (void)state;
    char *bin = harness_tlscope_path();
    char *dir = xstrdup(bin);
    *strrchr(dir, '/') = '\0';
    char *tool = xasprintf("%s/tests/tools/relay", dir);
    if (access(tool, X_OK) != 0)
        fail_msg("%s: not built (make test-build builds it)", tool);
    for (int i = 0; i < 10; i++) {
        int out[2], err[2];
        assert_int_equal(pipe(out), 0);
        assert_int_equal(pipe(err), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            dup2(out[1], 1), dup2(err[1], 2);
            close(out[0]), close(out[1]), close(err[0]), close(err[1]);
            alarm(10);
            execl(tool, tool, "9", (char *)NULL);
            _exit(127);
        }
        close(out[1]), close(err[1]);
        char port[32] = "";
        ssize_t n = read(out[0], port, sizeof port - 1);
        assert_true(n > 0 && atoi(port) > 0);
        int64_t t0 = mono_us();
        kill(pid, SIGTERM);
        int st = 0;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        assert_true(mono_us() - t0 < 1000000); /* not one poll timeout later, not never */
        char msg[64] = "";
        n = read(err[0], msg, sizeof msg - 1);
        assert_true(n > 0);
        assert_string_equal(msg, "accepted 0\n");
        close(out[0]), close(err[0]);
    }
    free(tool), free(dir), free(bin);
}

int main(void)
{
    harness_dir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dh_from_probe_and_six_chains),
        cmocka_unit_test(test_literal_target_starts_at_once),
        cmocka_unit_test(test_bundle_looked_up_lazily),
        cmocka_unit_test(test_check_reads_no_trust_store),
        cmocka_unit_test(test_relay_stops_at_once),
        cmocka_unit_test(test_relay_tool_sigterm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
