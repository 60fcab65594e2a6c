/* Tests of the test harness itself: the lab PKI is what it claims to be (checked with the
 * openssl CLI), peers start, answer and really stop, and the program runner keeps its bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/pki.h"
#include "lib/harness.h"
#include "util/mem.h"
#include "util/timeutil.h"

#define RUN_TIMEOUT_S 20.0

/* ---- helpers ----------------------------------------------------------------------------- */

/* Runs argv; returns its exit status and leaves stdout+stderr in *text (caller frees). */
static int run_both(const char *const *argv, char **text)
{
    char *out = NULL, *err = NULL;
    int rc = harness_run(argv, NULL, RUN_TIMEOUT_S, &out, &err);
    *text = xasprintf("%s%s", out, err);
    free(out);
    free(err);
    return rc;
}

static int connect_loopback(uint16_t port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool process_gone(pid_t pid)
{
    return kill(pid, 0) < 0 && errno == ESRCH;
}

/* s_client against 127.0.0.1:port ([::1] when v6) trusting ca; returns its exit status. */
static int s_client(bool v6, uint16_t port, const char *ca, char **text)
{
    char *connect = xasprintf(v6 ? "[::1]:%u" : "127.0.0.1:%u", (unsigned)port);
    char *cafile = harness_path(ca);
    const char *argv[] = {"openssl",
                          "s_client",
                          "-connect",
                          connect,
                          "-servername",
                          "localhost",
                          "-verify_hostname",
                          "localhost",
                          "-verify_return_error",
                          "-CAfile",
                          cafile,
                          NULL};
    int rc = run_both(argv, text);
    free(connect);
    free(cafile);
    return rc;
}

/* ---- the lab PKI ------------------------------------------------------------------------- */

static void test_lab_files(void **state)
{
    (void)state;
    static const char *const files[] = {
        "root.crt",
        "inter.crt",
        "leaf.crt",
        "leaf_ec.crt",
        "expired.crt",
        "notyet.crt",
        "expiring.crt",
        "wronghost.crt",
        "selfsigned.crt",
        "root2.crt",
        "inter2.crt",
        "leaf2.crt",
        "sha1.crt",
        "weak.crt",
        "evil.crt",
        "client_ca.crt",
        "client.crt",
        "chain.pem",
        "chain_ec.pem",
        "chain_wrongorder.pem",
        "wrongorder_extra.pem",
        "ocsp_good.der",
        "ocsp_revoked.der",
        "client.key.enc",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *path = harness_path(files[i]);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_true(st.st_size > 0);
        free(path);
    }
    size_t n;
    const struct pki_spec *specs = harness_lab_specs(&n);
    for (size_t i = 0; i < n; i++) {
        char *key = xasprintf("%s/%s.key", harness_dir(), specs[i].name);
        struct stat st;
        assert_int_equal(stat(key, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        free(key);
    }
}

/* `openssl verify` of each lab leaf against the trusted root, as a TLS client would see it. */
static void test_lab_verify(void **state)
{
    (void)state;
    static const struct {
        const char *cert, *ca, *untrusted;
        int ok;
        const char *expect; /* substring of the output */
    } cases[] = {
        {"leaf.crt", "root.crt", "inter.crt", 1, ": OK"},
        {"leaf_ec.crt", "root.crt", "inter.crt", 1, ": OK"},
        {"expiring.crt", "root.crt", "inter.crt", 1, ": OK"},
        {"evil.crt", "root.crt", "inter.crt", 1, ": OK"},
        {"expired.crt", "root.crt", "inter.crt", 0, "certificate has expired"},
        {"notyet.crt", "root.crt", "inter.crt", 0, "certificate is not yet valid"},
        {"wronghost.crt", "root.crt", "inter.crt", 0, "hostname mismatch"},
        {"selfsigned.crt", "root.crt", "inter.crt", 0, "self-signed certificate"},
        {"leaf2.crt", "root.crt", "inter2.crt", 0, "unable to get local issuer"},
        {"leaf2.crt", "root2.crt", "inter2.crt", 1, ": OK"},
        {"client.crt", "client_ca.crt", "client_ca.crt", 1, ": OK"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *cert = harness_path(cases[i].cert);
        char *ca = harness_path(cases[i].ca);
        char *untrusted = harness_path(cases[i].untrusted);
        bool client = strcmp(cases[i].cert, "client.crt") == 0;
        const char *argv[] = {"openssl",
                              "verify",
                              "-CAfile",
                              ca,
                              "-untrusted",
                              untrusted,
                              client ? "-purpose" : "-verify_hostname",
                              client ? "sslclient" : "localhost",
                              cert,
                              NULL};
        char *text;
        int rc = run_both(argv, &text);
        if ((rc == 0) != cases[i].ok || !strstr(text, cases[i].expect))
            print_error("%s: rc %d, output: %s\n", cases[i].cert, rc, text);
        assert_int_equal(rc == 0, cases[i].ok);
        assert_non_null(strstr(text, cases[i].expect));
        free(text);
        free(cert);
        free(ca);
        free(untrusted);
    }
}

/* Properties of individual certificates: names, signature digest, key size, EKU. */
static void test_lab_cert_fields(void **state)
{
    (void)state;
    static const struct {
        const char *cert, *expect;
    } cases[] = {
        {"evil.crt", "Subject: CN=evil\\1B[31mRED\\1B[0m\\07name,O=TLS Lab"}, /* raw ESC and BEL */
        {"sha1.crt", "Signature Algorithm: sha1WithRSAEncryption"},
        {"weak.crt", "Public-Key: (1024 bit)"},
        {"leaf_ec.crt", "ASN1 OID: prime256v1"},
        {"leaf.crt", "IP Address:0:0:0:0:0:0:0:1"},
        {"client.crt", "TLS Web Client Authentication"},
        {"inter.crt", "CA:TRUE, pathlen:0"},
        {"root.crt", "Issuer: CN=TLS Lab Root CA,O=TLS Lab"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *cert = harness_path(cases[i].cert);
        const char *argv[] = {"openssl", "x509", "-noout", "-text", "-nameopt",
                              "RFC2253", "-in",  cert,     NULL};
        char *text;
        assert_int_equal(run_both(argv, &text), 0);
        if (!strstr(text, cases[i].expect))
            print_error("%s lacks \"%s\":\n%s\n", cases[i].cert, cases[i].expect, text);
        assert_non_null(strstr(text, cases[i].expect));
        free(text);
        free(cert);
    }
}

static void test_lab_ocsp_and_encrypted_key(void **state)
{
    (void)state;
    static const struct {
        const char *file, *expect;
    } ocsp[] = {{"ocsp_good.der", "leaf.crt: good"}, {"ocsp_revoked.der", "leaf.crt: revoked"}};
    char *issuer = harness_path("inter.crt");
    char *leaf = harness_path("leaf.crt");
    char *root = harness_path("root.crt");
    for (size_t i = 0; i < 2; i++) {
        char *resp = harness_path(ocsp[i].file);
        const char *argv[] = {"openssl", "ocsp", "-respin", resp, "-issuer", issuer,
                              "-cert",   leaf,   "-CAfile", root, NULL};
        char *text;
        assert_int_equal(run_both(argv, &text), 0);
        assert_non_null(strstr(text, ocsp[i].expect));
        assert_non_null(strstr(text, "Response verify OK"));
        free(text);
        free(resp);
    }
    char *key = harness_path("client.key.enc");
    const char *good[] = {"openssl", "pkey", "-noout", "-in", key, "-passin", "pass:secret", NULL};
    const char *bad[] = {"openssl", "pkey", "-noout", "-in", key, "-passin", "pass:wrong", NULL};
    char *text;
    assert_int_equal(run_both(good, &text), 0);
    free(text);
    assert_int_not_equal(run_both(bad, &text), 0);
    free(text);
    free(key);
    free(issuer);
    free(leaf);
    free(root);
}

static void test_pki_rejects_bad_specs(void **state)
{
    (void)state;
    static const struct pki_spec ok = {.name = "ca",
                                       .subject = "CN=ok",
                                       .key = PKI_EC_P256,
                                       .not_after_days = 1,
                                       .is_ca = true,
                                       .path_len = -1};
    static const struct {
        struct pki_spec spec;
        const char *expect;
    } cases[] = {
        {{.name = "x", .subject = "CN=x", .issuer = "nope", .key = PKI_EC_P256}, "nope"},
        {{.name = "ca", .subject = "CN=x", .key = PKI_EC_P256}, "twice"},
        {{.name = "../x", .subject = "CN=x", .key = PKI_EC_P256}, "bad certificate name"},
        {{.name = "x", .subject = "CN", .key = PKI_EC_P256}, "KEY=VALUE"},
        {{.name = "x", .subject = "CN=", .key = PKI_EC_P256}, "bad attribute"},
        {{.name = "x", .subject = "XX=y", .key = PKI_EC_P256}, "bad attribute XX"},
        {{.name = "x", .subject = "CN=x", .key = PKI_EC_P256, .digest = "nodigest"}, "nodigest"},
        {{.name = "x", .subject = "CN=x", .key = PKI_EC_P256, .san = "BOGUS:x"}, "extensions"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct pki_spec specs[2] = {ok, cases[i].spec};
        struct pki *p = (struct pki *)specs; /* any non-NULL value: must become NULL */
        char err[512] = "";
        assert_int_equal(pki_generate(specs, 2, &p, err, sizeof err), -1);
        assert_null(p);
        if (!strstr(err, cases[i].expect))
            print_error("case %zu: \"%s\" lacks \"%s\"\n", i, err, cases[i].expect);
        assert_non_null(strstr(err, cases[i].expect));
    }
    /* escaped comma in a value, lookups of unknown names */
    struct pki_spec one = {.name = "c",
                           .subject = "CN=a\\,b,O=z",
                           .key = PKI_EC_P256,
                           .not_after_days = 1,
                           .path_len = -1};
    struct pki *p = NULL;
    char err[512];
    assert_int_equal(pki_generate(&one, 1, &p, err, sizeof err), 0);
    assert_int_equal(pki_count(p), 1);
    assert_string_equal(pki_name(p, 0), "c");
    assert_null(pki_name(p, 1));
    assert_null(pki_cert_pem(p, "d"));
    assert_null(pki_key_pem(p, "d"));
    assert_null(pki_key_pem_encrypted(p, "d", "x"));
    size_t len = 0;
    assert_null(pki_ocsp_response(p, "c", 3, &len));
    unsigned char *der = pki_ocsp_response(p, "c", 2, &len); /* self-signed: signs itself */
    assert_non_null(der);
    assert_true(len > 100);
    free(der);
    pki_free(p);
}

/* ---- peers ------------------------------------------------------------------------------- */

static const char *const leaf_server[] = {"-cert",       "@leaf.crt",  "-key", "@leaf.key",
                                          "-cert_chain", "@inter.crt", NULL};

static void test_s_server_handshake_and_stop(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_s_server(&p, false, leaf_server), 0);
    assert_true(p.pid > 0);
    assert_true(p.port > 0);
    char *text;
    int rc = s_client(false, p.port, "root.crt", &text);
    if (rc != 0 || !strstr(text, "Verify return code: 0 (ok)"))
        print_error("s_client rc %d:\n%s\n", rc, text);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(text, "Verify return code: 0 (ok)"));
    assert_non_null(strstr(text, "CN = TLS Lab Intermediate CA")); /* the chain was sent */
    free(text);
    /* the server survives a client and takes the next one; an untrusted CA fails */
    rc = s_client(false, p.port, "root2.crt", &text);
    assert_int_not_equal(rc, 0);
    free(text);
    pid_t pid = p.pid;
    peer_stop(&p);
    assert_true(process_gone(pid));
    assert_int_equal(p.pid, 0);
    assert_int_equal(connect_loopback(p.port), -1);
    peer_stop(&p); /* idempotent */
}

static void test_s_server_v6(void **state)
{
    (void)state;
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = in6addr_loopback};
    bool have_v6 = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    if (!have_v6)
        skip();
    struct peer p;
    assert_int_equal(peer_s_server(&p, true, leaf_server), 0);
    char *text;
    assert_int_equal(s_client(true, p.port, "root.crt", &text), 0);
    free(text);
    pid_t pid = p.pid;
    peer_stop(&p);
    assert_true(process_gone(pid));
}

static void test_s_server_bad_args_fail_fast(void **state)
{
    (void)state;
    static const char *const args[] = {"-cert", "@no-such-file.crt", NULL};
    struct peer p;
    int64_t t0 = mono_ms();
    assert_int_equal(peer_s_server(&p, false, args), -1);
    assert_int_equal(p.pid, 0);
    assert_true(mono_ms() - t0 < 5000);
}

static void test_plaintext_peer(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_plaintext(&p, "220 not TLS\r\n"), 0);
    for (int round = 0; round < 2; round++) {
        int fd = connect_loopback(p.port);
        assert_true(fd >= 0);
        char buf[64] = "";
        size_t got = 0;
        ssize_t r;
        while (got < sizeof buf - 1 && (r = read(fd, buf + got, sizeof buf - 1 - got)) > 0)
            got += (size_t)r;
        close(fd);
        assert_string_equal(buf, "220 not TLS\r\n");
    }
    pid_t pid = p.pid;
    peer_stop(&p);
    assert_true(process_gone(pid));
}

static void test_tarpit(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_tarpit(&p), 0);
    assert_int_equal(p.pid, 0);
    int fd = connect_loopback(p.port);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "\x16\x03\x01", 3), 3);
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    assert_int_equal(poll(&pfd, 1, 300), 0); /* nothing ever comes back */
    close(fd);
    uint16_t port = p.port;
    peer_stop(&p);
    assert_int_equal(p.listen_fd, -1);
    assert_int_equal(connect_loopback(port), -1);
}

/* ---- the runner -------------------------------------------------------------------------- */

static void test_run_status_output_stdin(void **state)
{
    (void)state;
    const char *sh[] = {"sh", "-c", "echo out; echo err >&2; exit 3", NULL};
    char *out, *err;
    assert_int_equal(harness_run(sh, NULL, 5, &out, &err), 3);
    assert_string_equal(out, "out\n");
    assert_string_equal(err, "err\n");
    free(out);
    free(err);

    const char *cat[] = {"cat", NULL};
    assert_int_equal(harness_run(cat, "hello\n", 5, &out, NULL), 0);
    assert_string_equal(out, "hello\n");
    free(out);

    const char *missing[] = {"/nonexistent/program", NULL};
    assert_int_equal(harness_run(missing, NULL, 5, NULL, NULL), 127);
}

static void test_run_bounds(void **state)
{
    (void)state;
    const char *big[] = {"sh", "-c", "head -c 6000000 /dev/zero | tr '\\0' a", NULL};
    char *out;
    assert_int_equal(harness_run(big, NULL, 10, &out, NULL), 0);
    assert_int_equal(strlen(out), 4u << 20);
    free(out);

    const char *slow[] = {"sh", "-c", "echo started; exec sleep 30", NULL};
    int64_t t0 = mono_ms();
    assert_int_equal(harness_run(slow, NULL, 0.3, &out, NULL), -1);
    assert_true(mono_ms() - t0 < 3000);
    assert_string_equal(out, "started\n");
    free(out);
}

static void test_tlscope_path(void **state)
{
    (void)state;
    char *old = getenv("TLSCOPE_BIN") ? xstrdup(getenv("TLSCOPE_BIN")) : NULL;
    unsetenv("TLSCOPE_BIN");
    char *path = harness_tlscope_path();
    size_t n = strlen(path);
    assert_true(n > 8);
    assert_string_equal(path + n - 8, "/tlscope");
    assert_null(strstr(path, "/tests/")); /* BUILD/tests/integration/x → BUILD/tlscope */
    free(path);
    setenv("TLSCOPE_BIN", "/x/y", 1);
    path = harness_tlscope_path();
    assert_string_equal(path, "/x/y");
    free(path);
    if (old)
        setenv("TLSCOPE_BIN", old, 1);
    else
        unsetenv("TLSCOPE_BIN");
    free(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lab_files),
        cmocka_unit_test(test_lab_verify),
        cmocka_unit_test(test_lab_cert_fields),
        cmocka_unit_test(test_lab_ocsp_and_encrypted_key),
        cmocka_unit_test(test_pki_rejects_bad_specs),
        cmocka_unit_test(test_s_server_handshake_and_stop),
        cmocka_unit_test(test_s_server_v6),
        cmocka_unit_test(test_s_server_bad_args_fail_fast),
        cmocka_unit_test(test_plaintext_peer),
        cmocka_unit_test(test_tarpit),
        cmocka_unit_test(test_run_status_output_stdin),
        cmocka_unit_test(test_run_bounds),
        cmocka_unit_test(test_tlscope_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
