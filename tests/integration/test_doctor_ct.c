/* issue 13: Certificate Transparency. Certificates with an SCT embedded by a test CT log (one
 * with a broken signature), a log list naming that log (and one that does not), and a server
 * that sends an SCT in the TLS extension (s_server -serverinfo): every SCT is listed with its
 * source, log and whether its signature verifies. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lab/pki.h"
#include "lib/harness.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/strbuf.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static struct pki *pki;
static char *ca, *logs, *other_logs;
static char today[16];

static char *put_file(const char *name, const char *data, size_t n)
{
    char *path = harness_path(name), err[512];
    if (file_write_atomic(path, data, n, 0600, true, err, sizeof err) < 0)
        fail_msg("%s", err);
    return path;
}

static char *put_cert(const char *name)
{
    char file[64];
    snprintf(file, sizeof file, "ct_%s.pem", name);
    const char *pem = pki_cert_pem(pki, name);
    return put_file(file, pem, strlen(pem));
}

static int setup(void **state)
{
    (void)state;
    const struct pki_spec specs[] = {
        {.name = "ctlog",
         .subject = "CN=Test CT Log",
         .key = PKI_EC_P256,
         .not_before_days = -1,
         .not_after_days = 365,
         .path_len = -1},
        {.name = "root",
         .subject = "CN=CT Test Root",
         .key = PKI_EC_P256,
         .not_before_days = -1,
         .not_after_days = 3650,
         .is_ca = true,
         .path_len = -1},
        {.name = "sct",
         .subject = "CN=localhost",
         .issuer = "root",
         .key = PKI_EC_P256,
         .not_before_days = -1,
         .not_after_days = 90,
         .path_len = -1,
         .san = "DNS:localhost",
         .sct_log = "ctlog"},
        {.name = "badsct",
         .subject = "CN=localhost",
         .issuer = "root",
         .key = PKI_EC_P256,
         .not_before_days = -1,
         .not_after_days = 90,
         .path_len = -1,
         .san = "DNS:localhost",
         .sct_log = "ctlog",
         .sct_bad = true},
        {.name = "plain",
         .subject = "CN=localhost",
         .issuer = "root",
         .key = PKI_EC_P256,
         .not_before_days = -1,
         .not_after_days = 90,
         .path_len = -1,
         .san = "DNS:localhost"},
    };
    char err[512];
    if (pki_generate(specs, sizeof specs / sizeof specs[0], &pki, err, sizeof err) < 0)
        fail_msg("%s", err);
    char *key = pki_pubkey_b64(pki, "ctlog");
    time_t now = time(NULL);
    strftime(today, sizeof today, "%Y-%m-%d", gmtime(&now));
    char *list = xasprintf("list_date = %s\nenabled_logs = testlog\n\n[testlog]\n"
                           "description = Test Log A\noperator = Test Operator\nstate = usable\n"
                           "key = %s\n",
                           today, key);
    logs = put_file("ct_logs_test.cnf", list, strlen(list));
    const char *other = "list_date = 2020-01-01\nenabled_logs = \n";
    other_logs = put_file("ct_logs_other.cnf", other, strlen(other));
    ca = put_cert("root");
    free(key);
    free(list);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pki_free(pki);
    free(ca), free(logs), free(other_logs);
    return 0;
}

static json_t *check(const char *const *argv, int *st)
{
    char *out = NULL, *err = NULL;
    *st = run_tlscope(argv, 60, &out, &err);
    json_error_t je;
    json_t *j = out ? json_loads(out, 0, &je) : NULL;
    if (!j)
        fail_msg("exit %d\nstdout: %.1000s\nstderr: %s", *st, out, err);
    free(out);
    free(err);
    return j;
}

static json_t *sct(json_t *j, size_t i)
{
    return json_array_get(json_object_get(j, "scts"), i);
}

static const char *sval(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "(null)";
}

/* An embedded SCT from a known log verifies; one with a broken signature does not and makes
 * the file not ready; a log not on the list is "unknown log", not checked. */
static void test_embedded(void **state)
{
    (void)state;
    char *good = put_cert("sct"), *bad = put_cert("badsct"), *plain = put_cert("plain");
    int st;
    json_t *j =
        check(ARGV("--json", "--check-chain", good, "--cafile", ca, "--ct-logs", logs), &st);
    assert_int_equal(st, 0);
    assert_int_equal(json_array_size(json_object_get(j, "scts")), 1);
    assert_string_equal(sval(sct(j, 0), "source"), "certificate");
    assert_string_equal(sval(sct(j, 0), "log_name"), "Test Log A");
    assert_string_equal(sval(sct(j, 0), "log_operator"), "Test Operator");
    assert_string_equal(sval(sct(j, 0), "signature_algorithm"), "ecdsa-with-SHA256");
    assert_true(json_is_true(json_object_get(sct(j, 0), "verified")));
    char want[64];
    snprintf(want, sizeof want, "list of %s, 1 logs)", today); /* a fresh list: no age note */
    assert_non_null(strstr(sval(j, "ct_log_list"), want));
    json_decref(j);
    j = check(ARGV("--json", "--check-chain", bad, "--cafile", ca, "--ct-logs", logs), &st);
    assert_int_equal(st, 1);
    assert_true(json_is_false(json_object_get(sct(j, 0), "verified")));
    json_t *f = json_object_get(j, "findings");
    bool found = false;
    for (size_t i = 0; i < json_array_size(f); i++)
        found |= !strcmp(sval(json_array_get(f, i), "id"), "sct_invalid");
    assert_true(found);
    json_decref(j);
    j = check(ARGV("--json", "--check-chain", good, "--cafile", ca, "--ct-logs", other_logs), &st);
    assert_true(json_is_null(json_object_get(sct(j, 0), "log_name")));
    assert_true(json_is_null(json_object_get(sct(j, 0), "verified")));
    /* a list from 2020 says how old it is */
    assert_non_null(strstr(sval(j, "ct_log_list"),
                           "days old: the logs' states may have changed, update the file"));
    json_decref(j);
    /* the shipped list (data/ct_logs.cnf) is read when none is given */
    j = check(ARGV("--json", "--check-chain", good, "--cafile", ca), &st);
    assert_non_null(strstr(sval(j, "ct_log_list"), "data/ct_logs.cnf (list of "));
    assert_true(json_is_null(json_object_get(sct(j, 0), "log_name")));
    json_decref(j);
    j = check(ARGV("--json", "--check-chain", plain, "--cafile", ca, "--ct-logs", logs), &st);
    assert_int_equal(json_array_size(json_object_get(j, "scts")), 0);
    json_decref(j);
    /* text: the unknown log says so */
    char *out = NULL, *err = NULL;
    st = run_tlscope(ARGV("--check-chain", good, "--cafile", ca, "--ct-logs", other_logs), 30, &out,
                     &err);
    assert_non_null(strstr(out, "unknown log"));
    free(out), free(err), free(good), free(bad), free(plain);
}

/* A server sending an SCT in the TLS extension: listed (and verified) only with --ct. TLS 1.2:
 * s_server's -serverinfo (v1) puts the extension in the ServerHello only. */
static void test_tls_extension(void **state)
{
    (void)state;
    size_t n;
    unsigned char *list = pki_sct_list(pki, "plain", "ctlog", &n);
    assert_non_null(list);
    struct strbuf sb = {0};
    sb_putc(&sb, 0), sb_putc(&sb, 18); /* signed_certificate_timestamp */
    sb_putc(&sb, (char)(n >> 8)), sb_putc(&sb, (char)(n & 0xff));
    sb_add(&sb, (const char *)list, n);
    free(list);
    char *bin = put_file("ct_serverinfo.bin", sb.buf, sb.len), *b64 = NULL, *err = NULL;
    sb_free(&sb);
    if (harness_run(ARGV("base64", bin), NULL, 10, &b64, &err) != 0)
        fail_msg("base64: %s", err);
    char *pem =
        xasprintf("-----BEGIN SERVERINFO FOR SCT-----\n%s-----END SERVERINFO FOR SCT-----\n", b64);
    char *pemf = put_file("ct_serverinfo.pem", pem, strlen(pem));
    const char *key = pki_key_pem(pki, "plain");
    char *keyf = put_file("ct_plain.key", key, strlen(key)), *crt = put_cert("plain");
    free(pem), free(b64), free(err);
    struct peer p;
    if (peer_s_server(&p, false,
                      ARGV("-cert", "@ct_plain.pem", "-key", "@ct_plain.key", "-serverinfo",
                           "@ct_serverinfo.pem")) != 0)
        fail_msg("s_server");
    char target[32];
    snprintf(target, sizeof target, "127.0.0.1:%u", (unsigned)p.port);
    int st;
    json_t *j = check(ARGV("--json", "--max-proto", "tls1.2", "--cafile", ca, "--sni", "localhost",
                           "--ct-logs", logs, target),
                      &st);
    assert_int_equal(st, 0);
    assert_int_equal(json_array_size(json_object_get(j, "scts")), 0);
    json_decref(j);
    j = check(ARGV("--json", "--ct", "--max-proto", "tls1.2", "--cafile", ca, "--sni", "localhost",
                   "--ct-logs", logs, target),
              &st);
    assert_int_equal(st, 0);
    assert_int_equal(json_array_size(json_object_get(j, "scts")), 1);
    assert_string_equal(sval(sct(j, 0), "source"), "tls_extension");
    assert_string_equal(sval(sct(j, 0), "log_name"), "Test Log A");
    assert_true(json_is_true(json_object_get(sct(j, 0), "verified")));
    json_decref(j);
    peer_stop(&p);
    free(bin), free(pemf), free(keyf), free(crt);
}

/* An SCT in the stapled OCSP response (the third source), with --ocsp. */
static void test_ocsp_staple(void **state)
{
    (void)state;
    size_t n;
    unsigned char *der = pki_ocsp_response_sct(pki, "plain", "ctlog", &n);
    assert_non_null(der);
    char *staple = put_file("ct_staple.der", (const char *)der, n);
    free(der);
    const char *key = pki_key_pem(pki, "plain");
    char *keyf = put_file("ct_plain.key", key, strlen(key)), *crt = put_cert("plain");
    struct peer p;
    if (peer_s_server(&p, false,
                      ARGV("-cert", "@ct_plain.pem", "-key", "@ct_plain.key", "-status_file",
                           "@ct_staple.der")) != 0)
        fail_msg("s_server");
    char target[32];
    snprintf(target, sizeof target, "127.0.0.1:%u", (unsigned)p.port);
    int st;
    json_t *j = check(
        ARGV("--json", "--ocsp", "--cafile", ca, "--sni", "localhost", "--ct-logs", logs, target),
        &st);
    assert_int_equal(st, 0);
    assert_int_equal(json_array_size(json_object_get(j, "scts")), 1);
    assert_string_equal(sval(sct(j, 0), "source"), "ocsp");
    assert_string_equal(sval(sct(j, 0), "log_name"), "Test Log A");
    assert_true(json_is_true(json_object_get(sct(j, 0), "verified")));
    json_decref(j);
    peer_stop(&p);
    free(staple), free(keyf), free(crt);
}

int main(void)
{
    harness_dir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_embedded),
        cmocka_unit_test(test_tls_extension),
        cmocka_unit_test(test_ocsp_staple),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
