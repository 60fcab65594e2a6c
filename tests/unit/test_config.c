/* Target parsing, protocol names and SNI choice. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model/config.h"
#include "util/mem.h"

static const struct {
    const char *spec;
    const char *host; /* NULL: must fail */
    uint16_t port;
    const char *err_has;
} targets[] = {
    {"example.com", "example.com", 443, NULL},
    {"example.com:8443", "example.com", 8443, NULL},
    {"127.0.0.1", "127.0.0.1", 443, NULL},
    {"127.0.0.1:1", "127.0.0.1", 1, NULL},
    {"[::1]", "::1", 443, NULL},
    {"[::1]:8443", "::1", 8443, NULL},
    {"::1", "::1", 443, NULL},
    {"[2001:db8::5]:65535", "2001:db8::5", 65535, NULL},
    {"localhost:0", NULL, 0, "port must be 1-65535"},
    {"localhost:65536", NULL, 0, "port must be 1-65535"},
    {"localhost:", NULL, 0, "port must be 1-65535"},
    {"localhost:http", NULL, 0, "port must be 1-65535"},
    {"[::1", NULL, 0, "missing ']'"},
    {"[::1]x", NULL, 0, "expected ':PORT'"},
    {"[nothex]:1", NULL, 0, "not an IPv6 address"},
    {"2001:db8::5:443x", NULL, 0, "brackets"},
    {"", NULL, 0, "empty target"},
    {":443", NULL, 0, "empty or too long host"},
    {"bad host", NULL, 0, "target 'bad host' contains a space"},
    {"evil\x1b[31m", NULL, 0, "target 'evil\\x1B[31m' contains a control character"},
    /* Numbers getaddrinfo reads as IPv4 (inet_aton) are addresses, in the usual form. */
    {"0x7f.1", "127.0.0.1", 443, NULL},
    {"6", "0.0.0.6", 443, NULL},
    {"127.1:8443", "127.0.0.1", 8443, NULL},
    {"0177.0.0.1", "127.0.0.1", 443, NULL},
    /* International names connect to their A-labels. */
    {"bücher.example", "xn--bcher-kva.example", 443, NULL},
    {"BÜCHER.example:8443", "xn--bcher-kva.example", 8443, NULL},
    {"例え.テスト", "xn--r8jz45g.xn--zckzah", 443, NULL},
    {"example.com.", "example.com", 443, NULL},
    {"b\xc3\xbc cher.example", NULL, 0, "U+0020 is not allowed"},
    {"b\xff.example", NULL, 0, "not valid UTF-8"},
    {"-bad.example", NULL, 0, "may not start or end with '-'"},
    {"a..b", NULL, 0, "empty label"},
};

static void test_target_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        struct tls_config c;
        config_init(&c);
        char err[256] = "";
        int rc = target_parse(targets[i].spec, &c, err, sizeof(err));
        if (targets[i].host) {
            if (rc != 0)
                fail_msg("'%s' should parse: %s", targets[i].spec, err);
            assert_string_equal(c.host, targets[i].host);
            assert_int_equal(c.port, targets[i].port);
        } else {
            if (rc == 0)
                fail_msg("'%s' should be rejected", targets[i].spec);
            if (!strstr(err, targets[i].err_has))
                fail_msg("'%s': message '%s' lacks '%s'", targets[i].spec, err, targets[i].err_has);
        }
        config_free(&c);
    }
}

/* The validators the command line and the profile loader share, one table each. */
static void test_validators(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *out; /* NULL: refused */
        const char *reason_has;
    } snis[] = {
        {"example.com", "example.com", NULL},
        {"a_b.internal", "a_b.internal", NULL},
        {"bücher.example", "xn--bcher-kva.example", NULL},
        {"127.0.0.1", NULL, "is an IP address"},
        {"0x7f.1", NULL, "is an IP address"},
        {"6", NULL, "is an IP address"},
        {"::1", NULL, "is an IP address"},
        {"a b", NULL, "'a b' contains a space"},
        {"a\x1b]0;X\a", NULL, "'a\\x1B]0;X\\x07' contains a control character"},
        {"a/b", NULL, "contains '/'"},
        {"", NULL, "empty server name"},
    };
    for (size_t i = 0; i < sizeof(snis) / sizeof(snis[0]); i++) {
        struct config_error ce = {{0}};
        char out[256] = "";
        int rc = config_sni_normalize(snis[i].in, out, sizeof out, &ce);
        if (snis[i].out ? (rc != 0 || strcmp(out, snis[i].out))
                        : (rc == 0 || !strstr(ce.reason, snis[i].reason_has)))
            fail_msg("sni '%s': rc %d out '%s' reason '%s'", snis[i].in, rc, out, ce.reason);
    }
    static const struct {
        const char *in;
        double v; /* < 0: refused */
        const char *reason_has;
    } timeouts[] = {
        {"10", 10, NULL},
        {"0.001", 0.001, NULL},
        {"3600", 3600, NULL},
        {"2.5e1", 25, NULL},
        {"nan", -1, "not a finite number"},
        {"inf", -1, "not a finite number"},
        {"-inf", -1, "not a finite number"},
        {"1e-300", -1, "at least 0.001 and at most 3600"},
        {"0", -1, "at least 0.001"},
        {"-1", -1, "at least 0.001"},
        {"3600.5", -1, "at most 3600"},
        {"1e999", -1, "not a finite number"},
        {"", -1, "expected a number"},
        {" 5", -1, "expected a number"},
        {"5s", -1, "expected a number"},
    };
    for (size_t i = 0; i < sizeof(timeouts) / sizeof(timeouts[0]); i++) {
        struct config_error ce = {{0}};
        double v = -1;
        int rc = config_timeout_parse(timeouts[i].in, &v, &ce);
        if (timeouts[i].v >= 0 ? (rc != 0 || v != timeouts[i].v)
                               : (rc == 0 || !strstr(ce.reason, timeouts[i].reason_has)))
            fail_msg("timeout '%s': rc %d v %g reason '%s'", timeouts[i].in, rc, v, ce.reason);
    }
    static const struct {
        bool dir;
        const char *path, *reason_has; /* reason_has NULL: accepted */
    } paths[] = {
        {true, "/", NULL},
        {true, "/nonexistent-tlscope", "No such file or directory"},
        {true, "/etc/hosts", "is not a directory"},
        {true, "", "empty"},
        {false, "/etc/hosts", NULL},
        {false, "/", "is a directory"},
        {false, "/dev/null", "not a regular file"},
        {false, "/nonexistent-tlscope.pem", "No such file or directory"},
    };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        struct config_error ce = {{0}};
        int rc = paths[i].dir ? config_ca_path_check(paths[i].path, &ce)
                              : config_ca_file_check(paths[i].path, &ce);
        if (paths[i].reason_has ? (rc == 0 || !strstr(ce.reason, paths[i].reason_has)) : rc != 0)
            fail_msg("%s '%s': rc %d reason '%s'", paths[i].dir ? "ca_path" : "ca_file",
                     paths[i].path, rc, ce.reason);
    }
}

static void test_proto_names(void **state)
{
    (void)state;
    assert_int_equal(proto_from_name("tls1.2"), PROTO_TLS1_2);
    assert_int_equal(proto_from_name("TLSv1.3"), PROTO_TLS1_3);
    assert_int_equal(proto_from_name("1.0"), PROTO_TLS1_0);
    assert_int_equal(proto_from_name("TLSv1"), PROTO_TLS1_0);
    assert_int_equal(proto_from_name("tls1.1"), PROTO_TLS1_1);
    assert_int_equal(proto_from_name("tls2"), PROTO_UNSET);
    assert_int_equal(proto_from_name(NULL), PROTO_UNSET);
    assert_string_equal(proto_name(PROTO_TLS1_0), "TLSv1");
    assert_string_equal(proto_label(PROTO_TLS1_3), "TLS 1.3");
}

static void test_sni_choice(void **state)
{
    (void)state;
    struct tls_config c;
    config_init(&c);
    target_parse("example.org", &c, NULL, 0);
    assert_string_equal(config_sni(&c), "example.org");
    c.no_sni = true;
    assert_null(config_sni(&c));
    c.no_sni = false;
    target_parse("127.0.0.1:8443", &c, NULL, 0);
    assert_null(config_sni(&c)); /* no SNI for literal addresses (RFC 6066) */
    /* Nor for what the resolver reads as IPv4, even when it reached host unnormalised. */
    free(c.host);
    c.host = strdup("0x7f.1");
    assert_null(config_sni(&c));
    c.sni = strdup("localhost");
    assert_string_equal(config_sni(&c), "localhost");
    struct tls_config d;
    config_copy(&d, &c);
    assert_string_equal(d.sni, "localhost");
    assert_ptr_not_equal(d.sni, c.sni);
    config_free(&d);
    config_free(&c);
}

static void w_no_verify(struct tls_config *c)
{
    c->verify = false;
}
static void w_no_host(struct tls_config *c)
{
    c->hostname_check = false;
}
static void w_ignore(struct tls_config *c)
{
    strlist_push(&c->ignore_errors, "X509_V_ERR_CERT_HAS_EXPIRED");
}
static void w_sec0(struct tls_config *c)
{
    c->sec_level = 0;
}
static void w_tls10(struct tls_config *c)
{
    c->min_proto = PROTO_TLS1_0;
}
static void w_tls12(struct tls_config *c)
{
    c->min_proto = PROTO_TLS1_2;
}
static void w_keylog(struct tls_config *c)
{
    c->keylog = xstrdup("/tmp/k");
}

/* config_weakenings: each thing that weakens verification gives one phrase; nothing gives none. */
static void test_weakenings(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        void (*set)(struct tls_config *c);
        const char *phrase; /* NULL: no phrase at all */
    } cases[] = {
        {"defaults", NULL, NULL},
        {"no verify", w_no_verify, "verification off"},
        {"no hostname check", w_no_host, "hostname check off"},
        {"ignored error", w_ignore, "ignoring verification error X509_V_ERR_CERT_HAS_EXPIRED"},
        {"security level 0", w_sec0, "security level 0"},
        {"min TLS 1.0", w_tls10, "TLS 1.0 allowed"},
        {"min TLS 1.2", w_tls12, NULL},
        {"key log", w_keylog, "session keys written to /tmp/k"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tls_config c;
        struct strlist out = {0};
        config_init(&c);
        if (cases[i].set)
            cases[i].set(&c);
        config_weakenings(&c, &out);
        if (!cases[i].phrase && out.len)
            fail_msg("%s: expected nothing, got %s", cases[i].what, out.items[0]);
        if (cases[i].phrase && (out.len != 1 || !strstr(out.items[0], cases[i].phrase)))
            fail_msg("%s: expected one phrase with '%s', got %zu", cases[i].what, cases[i].phrase,
                     out.len);
        strlist_free(&out);
        config_free(&c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_parse), cmocka_unit_test(test_validators),
        cmocka_unit_test(test_proto_names),  cmocka_unit_test(test_sni_choice),
        cmocka_unit_test(test_weakenings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
