/* The tlscope binary as a person or a script runs it: exit codes, the JSON document, the
 * text report, usage errors that name the bad flag, and output safety. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/harness.h"
#include "util/mem.h"

#define GOOD_CHAIN  "-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain", "@inter.crt"
#define SERVER(...) ((const char *const[]){__VA_ARGS__, NULL})

static struct peer good;
static char target[64];
static char *root_ca;

static int setup(void **state)
{
    (void)state;
    if (peer_s_server(&good, false, SERVER(GOOD_CHAIN)) != 0)
        return -1;
    snprintf(target, sizeof(target), "127.0.0.1:%u", (unsigned)good.port);
    root_ca = harness_path("root.crt");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    peer_stop(&good);
    free(root_ca);
    return 0;
}

/* Runs tlscope with argv (NULL-terminated); returns the exit status, fills out/err. */
static int run(char **out, char **err, const char *const *argv)
{
    int st = run_tlscope(argv, 20, out, err);
    if (st < 0)
        fail_msg("could not run tlscope");
    return st;
}

static json_t *parse(const char *doc)
{
    json_error_t je;
    json_t *j = json_loads(doc, 0, &je);
    if (!j)
        fail_msg("invalid JSON at line %d: %s\n%s", je.line, je.text, doc);
    return j;
}

static void test_json_good(void **state)
{
    (void)state;
    char *out, *err;
    int st = run(&out, &err, SERVER("--json", "--cafile", root_ca, target));
    assert_int_equal(st, 0);
    json_t *j = parse(out);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "target"), "host")),
                        "127.0.0.1");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "target"), "port")),
                     good.port);
    assert_true(json_is_true(json_object_get(j, "ok")));
    assert_true(json_is_null(json_object_get(j, "error")));
    assert_string_equal(json_string_value(json_object_get(j, "protocol")), "TLSv1.3");
    json_t *cipher = json_object_get(j, "cipher");
    assert_non_null(json_string_value(json_object_get(cipher, "iana")));
    assert_true(json_integer_value(json_object_get(cipher, "bits")) >= 128);
    assert_non_null(json_string_value(json_object_get(j, "group")));
    json_t *verify = json_object_get(j, "verify");
    assert_true(json_is_true(json_object_get(verify, "ok")));
    assert_int_equal(json_array_size(json_object_get(verify, "errors")), 0);
    json_t *chain = json_object_get(j, "chain");
    assert_int_equal(json_array_size(json_object_get(chain, "sent")), 2);
    assert_int_equal(json_array_size(json_object_get(chain, "verified")), 3);
    json_t *leaf = json_array_get(json_object_get(chain, "sent"), 0);
    assert_non_null(strstr(json_string_value(json_object_get(leaf, "subject")), "CN=localhost"));
    assert_non_null(strstr(json_string_value(json_object_get(leaf, "pem")), "BEGIN CERTIFICATE"));
    json_t *hs = json_object_get(j, "handshake");
    assert_true(json_array_size(hs) >= 6);
    assert_string_equal(json_string_value(json_object_get(json_array_get(hs, 0), "type")),
                        "ClientHello");
    assert_string_equal(json_string_value(json_object_get(json_array_get(hs, 0), "dir")), "sent");
    json_t *timing = json_object_get(j, "timing");
    assert_true(json_number_value(json_object_get(timing, "total_ms")) > 0);
    assert_true(json_is_array(json_object_get(j, "findings")));
    json_t *session = json_object_get(j, "session");
    assert_true(json_is_null(json_object_get(session, "resumed_on_reconnect")));
    json_decref(j);
    free(out);
    free(err);
}

/* Every key the program prints is documented in docs/json.md (as `key`). */
static void check_documented(json_t *j, const char *doc, const char *path)
{
    if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) check_documented(v, doc, path);
        return;
    }
    if (!json_is_object(j))
        return;
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        /* documented as `key`, as `key.sub` or as `parent.key` */
        char a[128], b[128], c[128];
        snprintf(a, sizeof(a), "`%s`", key);
        snprintf(b, sizeof(b), "`%s.", key);
        snprintf(c, sizeof(c), ".%s`", key);
        if (!strstr(doc, a) && !strstr(doc, b) && !strstr(doc, c))
            fail_msg("key %s.%s is not documented in docs/json.md", path, key);
        check_documented(v, doc, key);
    }
}

static char *read_doc(void)
{
    FILE *f = fopen("docs/json.md", "r");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_json_documented(void **state)
{
    (void)state;
    char *doc = read_doc();
    if (!doc) {
        skip(); /* run from the source tree (make test) */
        return;
    }
    char *out, *err;
    run(&out, &err,
        SERVER("--json", "--cafile", root_ca, "--ocsp", "--reconnect", "--alpn", "h2", target));
    json_t *j = parse(out);
    check_documented(j, doc, "");
    json_decref(j);
    free(out);
    free(err);
    run(&out, &err, SERVER("--json", "127.0.0.1:1"));
    j = parse(out);
    check_documented(j, doc, "");
    json_decref(j);
    free(out);
    free(err);
    free(doc);
}

static void test_exit_codes(void **state)
{
    (void)state;
    char *out, *err;
    /* verification fails when trusting another root: handshake done, exit 1 */
    char *other_root = harness_path("root2.crt");
    int st = run(&out, &err, SERVER("--json", "--cafile", other_root, target));
    if (st != 1)
        fail_msg("expected 1, got %d; %s", st, err);
    json_t *j = parse(out);
    assert_true(json_is_true(json_object_get(j, "ok")));
    assert_true(json_is_false(json_object_get(json_object_get(j, "verify"), "ok")));
    json_decref(j);
    free(out);
    free(err);
    /* --no-verify: exit 0, errors still reported, and the weakening named */
    st = run(&out, &err, SERVER("--json", "--no-verify", "--cafile", other_root, target));
    free(other_root);
    assert_int_equal(st, 0);
    j = parse(out);
    json_t *w = json_object_get(json_object_get(j, "settings"), "weakened");
    assert_true(json_array_size(w) >= 1);
    assert_true(json_array_size(json_object_get(json_object_get(j, "verify"), "errors")) >= 1);
    json_decref(j);
    free(out);
    free(err);
    /* refused port: exit 2, error.stage tcp */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    bind(fd, (struct sockaddr *)&a, sizeof(a));
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    char refused[64];
    snprintf(refused, sizeof(refused), "127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
    st = run(&out, &err, SERVER("--json", refused));
    assert_int_equal(st, 2);
    j = parse(out);
    json_t *e = json_object_get(j, "error");
    assert_string_equal(json_string_value(json_object_get(e, "stage")), "tcp");
    assert_non_null(strstr(json_string_value(json_object_get(e, "message")), "refused"));
    json_decref(j);
    free(out);
    free(err);
}

static void test_usage_errors(void **state)
{
    (void)state;
    static const struct {
        const char *args[6];
        const char *stderr_has;
    } cases[] = {
        {{"--bogus", "x"}, "'--bogus'"},
        {{"--min-proto", "tls9", "x"}, "--min-proto 'tls9'"},
        {{"--sec-level", "7", "x"}, "--sec-level '7'"},
        {{"--timeout", "-1", "x"}, "--timeout '-1'"},
        {{"--pass", "hunter2", "x"}, "literal passphrase"},
        {{"--ciphers", "NOPE", "127.0.0.1"}, "--ciphers 'NOPE'"},
        {{"--ignore-error", "CERT_HAS_EXPRIED", "127.0.0.1"}, "did you mean"},
        {{"--pin", "md5//abc", "127.0.0.1"}, "--pin 'md5//abc'"},
        {{"--cafile", "/nonexistent/ca.pem", "127.0.0.1"}, "/nonexistent/ca.pem"},
        {{"--cert", "/nonexistent/c.pem", "--key", "/nonexistent/k.pem", "127.0.0.1"}, "--cert"},
        {{"[::1"}, "missing ']'"},
        {{"localhost:99999"}, "port must be 1-65535"},
        {{"a", "b"}, "one target only"},
        {{"--sni"}, "needs a value"},
        {{"--keylog", "/nonexistent/dir/keys.log", "127.0.0.1"}, "--keylog /nonexistent/dir"},
        {{"--cafile", "/dev/null", "127.0.0.1"}, "--cafile: /dev/null is not a regular file"},
        /* one validator for flags and profiles (config.h) */
        {{"--timeout", "nan", "x"}, "--timeout 'nan': not a finite number"},
        {{"--timeout", "1e-300", "x"}, "--timeout '1e-300': out of range, expected at least 0.001"},
        {{"--timeout", "inf", "x"}, "--timeout 'inf': not a finite number"},
        {{"--capath", "/nonexistent", "127.0.0.1"}, "--capath: /nonexistent: No such file"},
        {{"--capath", "/etc/hosts", "127.0.0.1"}, "--capath: /etc/hosts is not a directory"},
        {{"--cafile", "/", "127.0.0.1"}, "--cafile: / is a directory"},
        {{"--sni", "a b", "x"}, "--sni: 'a b' contains a space"},
        {{"--sni", "127.0.0.1", "x"}, "--sni: '127.0.0.1' is an IP address"},
        {{"--sni", "0x7f.1", "x"}, "--sni: '0x7f.1' is an IP address"},
        {{"--sni", "", "x"}, "--sni: empty server name"},
        {{"b\xc3\xbc cher.example"}, "U+0020 is not allowed in a host name"},
        {{"--format", "xml", "x"}, "--format 'xml'"},
        {{NULL}, "Usage"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *argv[8] = {0};
        size_t n = 0;
        for (size_t k = 0; k < 6 && cases[i].args[k]; k++)
            argv[n++] = cases[i].args[k];
        char *out, *err;
        int st = run(&out, &err, argv);
        if (st != 64 || !strstr(err, cases[i].stderr_has))
            fail_msg("case %zu (%s): exit %d, stderr: %s", i,
                     cases[i].args[0] ? cases[i].args[0] : "", st, err);
        assert_string_equal(out, ""); /* nothing on stdout: scripts never parse half a report */
        free(out);
        free(err);
    }
}

static void test_help_and_version(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(run(&out, &err, SERVER("--help")), 0);
    static const char *const every[] = {
        "--json",    "--sni",          "--no-sni",    "--alpn",    "--min-proto", "--max-proto",
        "--ciphers", "--ciphersuites", "--groups",    "--sigalgs", "--sec-level", "--cafile",
        "--capath",  "--cert",         "--key",       "--pass",    "--no-verify", "--ignore-error",
        "--pin",     "--ocsp",         "--reconnect", "--keylog",  "--timeout",   "-4",
        "-6",        "--version",      "--help"};
    for (size_t i = 0; i < sizeof(every) / sizeof(every[0]); i++)
        if (!strstr(out, every[i]))
            fail_msg("--help lacks %s", every[i]);
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, SERVER("--version")), 0);
    assert_non_null(strstr(out, "tlscope "));
    assert_non_null(strstr(out, "OpenSSL"));
    free(out);
    free(err);
}

static void test_text_output(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(run(&out, &err, SERVER("--cafile", root_ca, target)), 0);
    assert_non_null(strstr(out, "VERIFIED"));
    assert_non_null(strstr(out, "TLSv1.3"));
    assert_non_null(strstr(out, "CN=localhost"));
    assert_non_null(strstr(out, "ClientHello"));
    free(out);
    free(err);
}

static void test_escapes_never_reach_output(void **state)
{
    (void)state;
    struct peer p;
    assert_int_equal(peer_s_server(&p, false,
                                   SERVER("-cert", "@evil.crt", "-key", "@evil.key", "-cert_chain",
                                          "@inter.crt")),
                     0);
    char t[64];
    snprintf(t, sizeof(t), "127.0.0.1:%u", (unsigned)p.port);
    char *out, *err;
    assert_int_equal(run(&out, &err, SERVER("--json", "--cafile", root_ca, t)), 0);
    assert_null(strchr(out, '\x1b'));
    assert_null(strchr(out, '\x07'));
    json_t *j = parse(out);
    json_t *leaf = json_array_get(json_object_get(json_object_get(j, "chain"), "sent"), 0);
    /* JSON keeps the real bytes, escaped: parsing gives the ESC back */
    assert_non_null(strchr(json_string_value(json_object_get(leaf, "subject")), '\x1b'));
    json_decref(j);
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, SERVER("--cafile", root_ca, t)), 0);
    peer_stop(&p);
    assert_null(strchr(out, '\x1b'));
    assert_null(strchr(out, '\x07'));
    assert_non_null(strstr(out, "\\x1B[31m"));
    free(out);
    free(err);
}

/* signature.type names the algorithm as docs/json.md does (RSA, RSASSA-PSS, ECDSA …), not
 * OpenSSL's key OIDs ("rsaEncryption", "id-ecPublicKey"); the text report says the same. */
static void test_signature_type_names(void **state)
{
    (void)state;
    struct peer ec;
    assert_int_equal(peer_s_server(&ec, false,
                                   SERVER("-cert", "@leaf_ec.crt", "-key", "@leaf_ec.key",
                                          "-cert_chain", "@inter.crt")),
                     0);
    char ec_target[64];
    snprintf(ec_target, sizeof(ec_target), "127.0.0.1:%u", (unsigned)ec.port);
    static const struct {
        bool ec;
        const char *extra[4];
        const char *type, *scheme;
    } cases[] = {
        {false, {"--max-proto", "tls1.2", "--sigalgs", "RSA+SHA256"}, "RSA", "rsa_pkcs1_sha256"},
        {false, {"--sigalgs", "rsa_pss_rsae_sha256"}, "RSASSA-PSS", "rsa_pss_rsae_sha256"},
        {true, {"--max-proto", "tls1.2"}, "ECDSA", NULL},
        {true, {"--min-proto", "tls1.3"}, "ECDSA", "ecdsa_secp256r1_sha256"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *argv[12] = {"--json", "--cafile", root_ca};
        size_t n = 3;
        for (size_t k = 0; k < 4 && cases[i].extra[k]; k++)
            argv[n++] = cases[i].extra[k];
        argv[n++] = cases[i].ec ? ec_target : target;
        char *out, *err;
        if (run(&out, &err, argv) != 0)
            fail_msg("case %zu: %s", i, err);
        json_t *j = parse(out);
        json_t *sig = json_object_get(j, "signature");
        if (strcmp(json_string_value(json_object_get(sig, "type")), cases[i].type))
            fail_msg("case %zu: signature.type %s, want %s", i,
                     json_string_value(json_object_get(sig, "type")), cases[i].type);
        if (cases[i].scheme)
            assert_string_equal(json_string_value(json_object_get(sig, "scheme")), cases[i].scheme);
        json_decref(j);
        free(out);
        free(err);
        argv[0] = "--format=text";
        assert_int_equal(run(&out, &err, argv), 0);
        /* the "signature" field's line names the same type */
        const char *line = strstr(out, "signature");
        const char *eol = line ? strchr(line, '\n') : NULL;
        const char *at = line ? strstr(line, cases[i].type) : NULL;
        if (!at || (eol && at > eol) || strstr(out, "id-ecPublicKey") ||
            strstr(out, "rsaEncryption"))
            fail_msg("case %zu: text report:\n%s", i, out);
        free(out);
        free(err);
    }
    peer_stop(&ec);
}

/* True when name resolves to an address of family (AF_INET/AF_INET6) here. */
static bool resolves_to(const char *name, int family)
{
    struct addrinfo hints = {.ai_family = family, .ai_socktype = SOCK_STREAM}, *res = NULL;
    if (getaddrinfo(name, "443", &hints, &res) != 0)
        return false;
    freeaddrinfo(res);
    return true;
}

/* Messages that say what is really wrong (issue 8 item 16). */
static void test_messages_name_the_cause(void **state)
{
    (void)state;
    char *out, *err;
    /* A name with an address of the other family only is not "missing from DNS". */
    if (resolves_to("localhost", AF_INET) && !resolves_to("localhost", AF_INET6)) {
        char t[64];
        snprintf(t, sizeof t, "localhost:%u", (unsigned)good.port);
        assert_int_equal(run(&out, &err, SERVER("--json", "-6", t)), 2);
        json_t *j = parse(out);
        const char *msg =
            json_string_value(json_object_get(json_object_get(j, "error"), "message"));
        if (!strstr(msg, "'localhost' has no IPv6 address") || strstr(msg, "does not exist"))
            fail_msg("-6 localhost: %s", msg);
        json_decref(j);
        free(out);
        free(err);
    }
    assert_int_equal(run(&out, &err, SERVER("--json", "-6", target)), 2);
    assert_non_null(strstr(out, "'127.0.0.1' is an IPv4 address, but -6 asks for IPv6"));
    free(out);
    free(err);

    /* --pass file:DIR names the directory instead of calling the passphrase wrong. */
    char *cert = harness_path("client.crt"), *key = harness_path("client.key.enc");
    char *dir = harness_dir() ? xasprintf("file:%s", harness_dir()) : NULL;
    assert_non_null(dir);
    assert_int_equal(run(&out, &err, SERVER("--cert", cert, "--key", key, "--pass", dir, target)),
                     64);
    if (!strstr(err, "is a directory, not a passphrase file") || strstr(err, "wrong passphrase"))
        fail_msg("--pass file:DIR: %s", err);
    free(out);
    free(err);
    /* the right passphrase from a file still works; a wrong one is still called wrong */
    char *pass = harness_path("cli-pass.txt"), *src = xasprintf("file:%s", pass);
    FILE *f = fopen(pass, "w");
    assert_non_null(f);
    fputs("secret\n", f);
    fclose(f);
    assert_int_equal(run(&out, &err,
                         SERVER("--json", "--cafile", root_ca, "--cert", cert, "--key", key,
                                "--pass", src, target)),
                     0);
    free(out);
    free(err);
    f = fopen(pass, "w");
    assert_non_null(f);
    fputs("not-it\n", f);
    fclose(f);
    assert_int_equal(run(&out, &err, SERVER("--cert", cert, "--key", key, "--pass", src, target)),
                     64);
    assert_non_null(strstr(err, "wrong passphrase"));
    free(out);
    free(err);
    unlink(pass);
    free(pass);
    free(src);
    free(dir);
    free(cert);
    free(key);
}

/* Hosts the resolver reads as IPv4 ("0x7f.1", "127.1", "2130706433") are addresses: shown as
 * a dotted quad, no SNI sent, checked as an IP against the certificate. */
static void test_numeric_hosts_are_addresses(void **state)
{
    (void)state;
    static const char *const forms[] = {"0x7f.1", "127.1", "2130706433", "0177.0.0.1"};
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        char t[64];
        snprintf(t, sizeof t, "%s:%u", forms[i], (unsigned)good.port);
        char *out, *err;
        int st = run(&out, &err, SERVER("--json", "--cafile", root_ca, t));
        json_t *j = parse(out);
        json_t *tg = json_object_get(j, "target");
        if (st != 0 || strcmp(json_string_value(json_object_get(tg, "host")), "127.0.0.1") ||
            !json_is_null(json_object_get(tg, "sni")))
            fail_msg("%s: exit %d, target %s; %s", forms[i], st, json_dumps(tg, JSON_COMPACT), err);
        json_decref(j);
        free(out);
        free(err);
    }
}

/* Arguments and file contents echoed in errors pass the output gate: no ESC or BEL from them
 * reaches the terminal, wherever the message is built. */
static void test_escapes_in_errors(void **state)
{
    (void)state;
    char *dir = harness_path("cli-escapes");
    char *cmd = xasprintf("mkdir -p '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    /* a file that is no certificate, with controls in its name and its first bytes */
    char *bad = xasprintf("%s/not\x1b]0;PWNED\x07-a-cert.pem", dir);
    FILE *f = fopen(bad, "w");
    assert_non_null(f);
    fputs("\x1b]0;PWNED\x07\x1b[2J{garbage\n", f);
    fclose(f);
    static const char osc[] = "x\x1b]0;PWNED\x07y";
    const char *const cases[][6] = {
        {"--bogus\x1b]0;PWNED\x07", "x"},
        {"--format", osc, "x"},
        {"--min-proto", osc, "x"},
        {"--timeout", osc, "x"},
        {"--sni", osc, "x"},
        {"--ciphers", osc, "127.0.0.1"},
        {"--ignore-error", osc, "127.0.0.1"},
        {"--pin", osc, "127.0.0.1"},
        {"--capath", osc, "127.0.0.1"},
        {"--cafile", bad, "127.0.0.1"},
        {"--cert", bad, "--key", bad, "127.0.0.1"},
        {"--diff", bad, bad},
        {"ev\x1b[2Jil:1"},
        {"a", osc},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out, *err;
        int st = run(&out, &err, cases[i]);
        if (st != 64 || strchr(err, '\x1b') || strchr(err, '\x07') || !strstr(err, "\\x1B"))
            fail_msg("case %zu (%s): exit %d, stderr: %s", i, cases[i][0], st, err);
        assert_string_equal(out, "");
        free(out);
        free(err);
    }
    unlink(bad);
    rmdir(dir);
    free(bad);
    free(dir);
}

/* An international name on the command line connects to its A-labels: JSON shows the form
 * sent (host and SNI), the DNS message both forms. Offline (unshare -n). */
static void test_idn_target_offline(void **state)
{
    (void)state;
    if (system("unshare -n true >/dev/null 2>&1") != 0) {
        skip();
        return;
    }
    char *bin = harness_tlscope_path();
    const char *const argv[] = {
        "unshare", "-n", bin, "--json", "--timeout", "5", "bücher.example:8443", NULL};
    char *out, *err;
    int st = harness_run(argv, NULL, 20, &out, &err);
    free(bin);
    assert_int_equal(st, 2);
    json_t *j = parse(out);
    json_t *tg = json_object_get(j, "target");
    assert_string_equal(json_string_value(json_object_get(tg, "host")), "xn--bcher-kva.example");
    assert_string_equal(json_string_value(json_object_get(tg, "sni")), "xn--bcher-kva.example");
    assert_int_equal(json_integer_value(json_object_get(tg, "port")), 8443);
    const char *msg = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
    if (!strstr(msg, "'xn--bcher-kva.example' (bücher.example)"))
        fail_msg("DNS message: %s", msg);
    json_decref(j);
    free(out);
    free(err);
}

static void test_keylog(void **state)
{
    (void)state;
    char *path = harness_path("keys.log");
    unlink(path);
    char *out, *err;
    assert_int_equal(
        run(&out, &err, SERVER("--json", "--cafile", root_ca, "--keylog", path, target)), 0);
    free(out);
    free(err);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    int traffic = 0;
    while (fgets(line, sizeof(line), f))
        if (!strncmp(line, "CLIENT_TRAFFIC_SECRET_0 ", 24))
            traffic++;
    fclose(f);
    assert_int_equal(traffic, 1);
    free(path);
}

static void test_dns_failure_offline(void **state)
{
    (void)state;
    /* No packet may leave the machine: resolve a name only inside an empty network namespace. */
    if (system("unshare -n true >/dev/null 2>&1") != 0) {
        skip();
        return;
    }
    char *bin = harness_tlscope_path();
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "unshare -n %s --json --timeout 5 no-such-host.invalid 2>/dev/null",
             bin);
    free(bin);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    struct strbuf_local {
        char buf[65536];
        size_t len;
    } *sb = calloc(1, sizeof(*sb));
    size_t n;
    while ((n = fread(sb->buf + sb->len, 1, sizeof(sb->buf) - 1 - sb->len, f)) > 0)
        sb->len += n;
    int st = pclose(f);
    assert_int_equal(WEXITSTATUS(st), 2);
    json_t *j = parse(sb->buf);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "stage")),
                        "dns");
    json_decref(j);
    free(sb);
}

/* The system store without a --cafile: a hashed directory (SSL_CERT_DIR, no SSL_CERT_FILE) is
 * looked up certificate by certificate while verifying — the lab's root there verifies the
 * good chain; a directory without it does not. */
static void test_system_store_hashed_dir(void **state)
{
    (void)state;
    char *dir = harness_path("sysstore"), *empty = harness_path("sysstore-empty");
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "rm -rf '%s' '%s' && mkdir -p '%s' '%s' && cp '%s' '%s/lab-root.pem' && "
             "openssl rehash '%s' && touch '%s/not-a-hash'",
             dir, empty, dir, empty, root_ca, dir, dir, empty);
    assert_int_equal(system(cmd), 0);
    char *bin = harness_tlscope_path(), *env_dir = xasprintf("SSL_CERT_DIR=%s", dir),
         *env_empty = xasprintf("SSL_CERT_DIR=%s", empty);
    const char *const good_argv[] = {"env", "-u",     "SSL_CERT_FILE", env_dir,
                                     bin,   "--json", target,          NULL};
    char *out = NULL, *err = NULL;
    int st = harness_run(good_argv, NULL, 20, &out, &err);
    if (st != 0)
        fail_msg("hashed store with the lab root: exit %d\n%s", st, out ? out : "");
    assert_non_null(strstr(out, dir)); /* "settings in effect" names the directory read */
    free(out);
    free(err);
    const char *const bad_argv[] = {"env", "-u",     "SSL_CERT_FILE", env_empty,
                                    bin,   "--json", target,          NULL};
    st = harness_run(bad_argv, NULL, 20, &out, &err);
    assert_int_equal(st, 1); /* handshake done, not verified: the lab root is not there */
    free(out);
    free(err);
    free(env_dir);
    free(env_empty);
    free(bin);
    free(dir);
    free(empty);
}

int main(void)
{
    harness_dir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_good),
        cmocka_unit_test(test_json_documented),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_help_and_version),
        cmocka_unit_test(test_text_output),
        cmocka_unit_test(test_escapes_never_reach_output),
        cmocka_unit_test(test_escapes_in_errors),
        cmocka_unit_test(test_idn_target_offline),
        cmocka_unit_test(test_signature_type_names),
        cmocka_unit_test(test_messages_name_the_cause),
        cmocka_unit_test(test_numeric_hosts_are_addresses),
        cmocka_unit_test(test_keylog),
        cmocka_unit_test(test_dns_failure_offline),
        cmocka_unit_test(test_system_store_hashed_dir),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
