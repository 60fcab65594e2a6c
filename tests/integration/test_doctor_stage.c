/* issue 13: --aia and --revocation as a stage of the connection pipeline. Against responders
 * that accept TCP and never answer (tarpits): every conn_step stays short while the fetches
 * wait, a cancel ends the run at once with what the handshake learned, the fetches run side by
 * side (two tarpitted fetches cost one timeout, not two), a fetch that times out is a result
 * of the report (the URL and "timeout ..."), not a failed connection, and an answer whose body
 * is in ends the fetch even when the server keeps the connection open. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "lib/harness.h"
#include "lib/pkitest.h"
#include "model/findings.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/timeutil.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static struct peer tarpit, lingerer, headless;

/* An HTTP peer that answers with 256 KiB and never ends a head ("\r\n\r\n"). */
static void headless_serve(int fd, const void *arg)
{
    (void)arg;
    char buf[4096];
    (void)!read(fd, buf, sizeof buf);
    memset(buf, 'a', sizeof buf);
    for (int i = 0; i < 64; i++)
        if (write(fd, buf, sizeof buf) <= 0)
            break;
    close(fd);
}
static struct pki *pk;

/* An HTTP peer that answers every request with the intermediate (stage_inter.crt, read at
 * request time: the PKI is made after the fork) with a Content-Length, then keeps the
 * connection open for 1.5 s, ignoring "Connection: close". */
static void linger_serve(int fd, const void *arg)
{
    (void)arg;
    char buf[4096], *pem = NULL, err[256], *path = harness_path("stage_inter.crt");
    size_t n = 0;
    (void)!read(fd, buf, sizeof buf);
    if (file_read_bounded(path, 1 << 16, &pem, &n, err, sizeof err) == 0) {
        dprintf(fd, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", n);
        (void)!write(fd, pem, n);
        usleep(1500000);
    }
    free(pem);
    free(path);
    close(fd);
}

/* root → inter → two leaves: "aia" (its issuer behind a tarpitted caIssuers URL, served
 * alone) and "rev" (OCSP and CRL both tarpitted, served with its intermediate). */
static int setup(void **state)
{
    (void)state;
    if (peer_tarpit(&tarpit) != 0 || peer_fork(&lingerer, false, linger_serve, NULL) != 0 ||
        peer_fork(&headless, false, headless_serve, NULL) != 0)
        return -1;
    char *u_headless = xasprintf("http://127.0.0.1:%u/inter.der", (unsigned)headless.port);
    char *u_linger = xasprintf("http://127.0.0.1:%u/inter.pem", (unsigned)lingerer.port);
    /* an LDAP location first, as Active Directory's CAs write them, then the HTTP one */
    char *u_ldap_aia =
        xasprintf("ldap://ldap.invalid/cn=Stage%%20Intermediate,caIssuers;URI:%s", u_linger);
    char *u_ldap_crl = xasprintf("ldap://ldap.invalid/cn=Stage%%20CRL,URI:http://127.0.0.1:%u/crl",
                                 (unsigned)tarpit.port);
    char *u_aia = xasprintf("http://127.0.0.1:%u/inter.der", (unsigned)tarpit.port);
    char *u_ocsp = xasprintf("http://127.0.0.1:%u/ocsp", (unsigned)tarpit.port);
    char *u_crl = xasprintf("http://127.0.0.1:%u/crl", (unsigned)tarpit.port);
    const struct pki_spec specs[] = {
        PKITEST_ROOT("root", "CN=Stage Root"),
        PKITEST_INTER("inter", "CN=Stage Intermediate", "root"),
        PKITEST_LEAF("aia", "inter", .san = "DNS:localhost", .ca_issuers_url = u_aia),
        PKITEST_LEAF("rev", "inter", .san = "DNS:localhost", .ocsp_url = u_ocsp, .crl_url = u_crl),
        PKITEST_LEAF("linger", "inter", .san = "DNS:localhost", .ca_issuers_url = u_linger),
        PKITEST_LEAF("headless", "inter", .san = "DNS:localhost", .ca_issuers_url = u_headless),
        PKITEST_LEAF("ldapfirst", "inter", .san = "DNS:localhost", .ca_issuers_url = u_ldap_aia,
                     .crl_url = u_ldap_crl),
    };
    pk = pkitest_make(specs, sizeof specs / sizeof specs[0]);
    free(u_aia), free(u_ocsp), free(u_crl), free(u_linger), free(u_ldap_aia), free(u_ldap_crl);
    free(u_headless);
    pkitest_write(pk, "stage_", (const char *const[]){"root", "inter", NULL}, false);
    pkitest_write(pk, "stage_",
                  (const char *const[]){"aia", "rev", "linger", "ldapfirst", "headless", NULL},
                  true);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    peer_stop(&tarpit);
    peer_stop(&lingerer);
    peer_stop(&headless);
    pki_free(pk);
    return 0;
}

static void config_for(struct tls_config *c, uint16_t port, double timeout_s)
{
    config_init(c);
    c->host = xstrdup("127.0.0.1");
    c->port = port;
    c->sni = xstrdup("localhost");
    c->timeout_s = timeout_s;
    c->ca_file = harness_path("stage_root.crt");
}

static bool has_finding(const struct report *r, const char *id)
{
    for (size_t i = 0; i < r->n_findings; i++)
        if (!strcmp(r->findings[i].id, id))
            return true;
    return false;
}

/* The leaf alone, its issuer behind a tarpit, --timeout 10: the run reaches the fetch stage,
 * no step takes long while the fetch waits, and a cancel 300 ms into the stage ends it at once.
 * The report keeps the handshake's facts and findings; the fetch says it was cancelled. */
static void test_cancel_wins_during_fetch(void **state)
{
    (void)state;
    struct peer p;
    if (peer_s_server(&p, false, ARGV("-cert", "@stage_aia.crt", "-key", "@stage_aia.key")) != 0)
        fail_msg("s_server");
    struct tls_config cfg;
    config_for(&cfg, p.port, 10);
    cfg.aia = true;
    struct engine *e = engine_new();
    struct conn *c = NULL;
    char err[512];
    if (conn_new(e, &cfg, &c, err, sizeof err) < 0)
        fail_msg("%s", err);
    struct conn_poll cp;
    int64_t t0 = mono_us(), fetch_since = 0, longest = 0, cancelled_at = 0;
    bool first = true;
    for (int k = 0; k < 100000 && mono_us() - t0 < 15000000; k++) {
        int64_t s0 = mono_us();
        bool more = conn_step(c, first ? NULL : &cp);
        int64_t took = mono_us() - s0;
        longest = took > longest ? took : longest;
        first = false;
        if (!more)
            break;
        if (conn_stage(c) == STAGE_FETCH && !fetch_since)
            fetch_since = mono_us();
        if (fetch_since && !cancelled_at && mono_us() - fetch_since >= 300000) {
            cancelled_at = mono_us();
            conn_cancel(c);
            continue;
        }
        conn_want(c, &cp);
        conn_poll_wait(&cp, 50000); /* a UI's loop: it wakes for keys at least this often */
    }
    int64_t end = mono_us();
    struct report *r = conn_take_report(c);
    conn_free(c);
    engine_free(e);
    config_free(&cfg);
    peer_stop(&p);
    assert_true(fetch_since > 0);  /* the stage was reached and shown */
    assert_true(cancelled_at > 0); /* and it was still running 300 ms later */
    assert_true(end - cancelled_at < 100000);
    if (longest > 250000)
        fail_msg("one conn_step took %lld ms while a fetch waited", (long long)longest / 1000);
    assert_int_equal(r->error.stage, STAGE_CANCELLED);
    assert_int_equal(r->error.during, STAGE_FETCH);
    assert_non_null(strstr(r->error.message, "cancelled during fetch"));
    assert_true(r->ok); /* the handshake's facts stand */
    assert_int_equal(r->n_sent, 1);
    assert_int_equal(r->n_fetched, 1);
    assert_non_null(strstr(r->fetched[0].url, "/inter.der"));
    assert_string_equal(r->fetched[0].outcome, "cancelled before an answer");
    assert_true(has_finding(r, "incomplete_chain")); /* findings computed on cancel */
    report_free(r);
}

/* A leaf whose OCSP responder and CRL server both tarpit, --timeout 1.5: both fetches run side
 * by side (the run lasts about one timeout, not two), each ends as a revocation entry with
 * "timeout ...", and the connection itself is a success (reached done, no error). */
static void test_fetches_time_out_side_by_side(void **state)
{
    (void)state;
    struct peer p;
    if (peer_s_server(&p, false,
                      ARGV("-cert", "@stage_rev.crt", "-key", "@stage_rev.key", "-cert_chain",
                           "@stage_inter.crt")) != 0)
        fail_msg("s_server");
    struct tls_config cfg;
    config_for(&cfg, p.port, 1.5);
    cfg.revocation = true;
    int64_t t0 = mono_us();
    struct report *r = engine_connect(&cfg);
    int64_t took = mono_us() - t0;
    config_free(&cfg);
    peer_stop(&p);
    assert_true(r->ok);
    assert_int_equal(r->error.stage, STAGE_NONE);
    assert_int_equal(r->reached, STAGE_DONE);
    assert_true(r->verify_ok); /* unanswered is not revoked */
    assert_true(r->revocation_checked);
    assert_int_equal(r->n_revocation, 2);
    assert_string_equal(r->revocation[0].method, "ocsp");
    assert_string_equal(r->revocation[1].method, "crl");
    for (size_t i = 0; i < 2; i++) {
        assert_string_equal(r->revocation[i].status, "error");
        assert_non_null(r->revocation[i].problem);
        if (strncmp(r->revocation[i].problem, "timeout", 7) != 0)
            fail_msg("revocation %zu: '%s'", i, r->revocation[i].problem);
    }
    assert_true(has_finding(r, "revocation_error"));
    if (took < 1400000 || took > 2700000)
        fail_msg("the run took %lld ms: the two fetches did not run side by side within one "
                 "1.5 s timeout",
                 (long long)took / 1000);
    report_free(r);
}

/* A caIssuers server that sends its whole answer (Content-Length) and keeps the connection
 * open: the fetch ends when the body is in, not at the deadline. */
static void test_answer_complete_before_close(void **state)
{
    (void)state;
    struct peer p;
    if (peer_s_server(&p, false, ARGV("-cert", "@stage_linger.crt", "-key", "@stage_linger.key")) !=
        0)
        fail_msg("s_server");
    struct tls_config cfg;
    config_for(&cfg, p.port, 5);
    cfg.aia = true;
    int64_t t0 = mono_us();
    struct report *r = engine_connect(&cfg);
    int64_t took = mono_us() - t0;
    config_free(&cfg);
    peer_stop(&p);
    assert_int_equal(r->n_fetched, 1);
    assert_string_equal(r->fetched[0].outcome, "ok");
    assert_true(r->aia_verify_ok);
    if (took > 1000000)
        fail_msg("the run took %lld ms: the fetch waited for the close, not the body",
                 (long long)took / 1000);
    report_free(r);
}

/* A leaf whose caIssuers and CRL locations list ldap:// first (as Active Directory's CAs do):
 * the report and the fetches use the http:// ones. */
static void test_http_location_preferred(void **state)
{
    (void)state;
    struct peer p;
    if (peer_s_server(&p, false,
                      ARGV("-cert", "@stage_ldapfirst.crt", "-key", "@stage_ldapfirst.key")) != 0)
        fail_msg("s_server");
    struct tls_config cfg;
    config_for(&cfg, p.port, 3); /* the lingering peer may still hold the last test's answer */
    cfg.aia = true;
    struct report *r = engine_connect(&cfg);
    peer_stop(&p);
    assert_non_null(strstr(r->sent[0].ca_issuers_url, "http://127.0.0.1:"));
    assert_int_equal(r->n_fetched, 1);
    assert_non_null(strstr(r->fetched[0].url, "http://127.0.0.1:"));
    assert_string_equal(r->fetched[0].outcome, "ok");
    report_free(r);
    /* served with its intermediate: the CRL of the verified path, by its http:// location */
    if (peer_s_server(&p, false,
                      ARGV("-cert", "@stage_ldapfirst.crt", "-key", "@stage_ldapfirst.key",
                           "-cert_chain", "@stage_inter.crt")) != 0)
        fail_msg("s_server");
    cfg.port = p.port;
    cfg.aia = false;
    cfg.revocation = true;
    cfg.timeout_s = 1;
    r = engine_connect(&cfg);
    config_free(&cfg);
    peer_stop(&p);
    if (r->n_revocation != 1)
        fail_msg("%zu revocation entries; ok %d verify_ok %d verified %zu error %s",
                 r->n_revocation, r->ok, r->verify_ok, r->n_verified,
                 r->error.message ? r->error.message : "-");
    assert_string_equal(r->revocation[0].method, "crl");
    assert_non_null(strstr(r->revocation[0].url, "http://127.0.0.1:"));
    report_free(r);
}

/* A caIssuers server whose answer never ends its head: the fetch fails once the head passes
 * HTTP_HEADER_MAX (16 KiB), not after reading all it sends. */
static void test_endless_head_refused(void **state)
{
    (void)state;
    struct peer p;
    if (peer_s_server(&p, false,
                      ARGV("-cert", "@stage_headless.crt", "-key", "@stage_headless.key")) != 0)
        fail_msg("s_server");
    struct tls_config cfg;
    config_for(&cfg, p.port, 5);
    cfg.aia = true;
    struct report *r = engine_connect(&cfg);
    config_free(&cfg);
    peer_stop(&p);
    assert_int_equal(r->n_fetched, 1);
    assert_string_equal(r->fetched[0].outcome, "HTTP header larger than 16384 bytes");
    report_free(r);
}

int main(void)
{
    harness_dir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cancel_wins_during_fetch),
        cmocka_unit_test(test_fetches_time_out_side_by_side),
        cmocka_unit_test(test_answer_complete_before_close),
        cmocka_unit_test(test_http_location_preferred),
        cmocka_unit_test(test_endless_head_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
