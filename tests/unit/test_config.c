/* Target parsing, protocol names and SNI choice. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "model/config.h"

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
    {"bad host", NULL, 0, "not a valid host name"},
    {"evil\x1b[31m", NULL, 0, "not a valid host name"},
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
    c.sni = strdup("localhost");
    assert_string_equal(config_sni(&c), "localhost");
    struct tls_config d;
    config_copy(&d, &c);
    assert_string_equal(d.sni, "localhost");
    assert_ptr_not_equal(d.sni, c.sni);
    config_free(&d);
    config_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_parse),
        cmocka_unit_test(test_proto_names),
        cmocka_unit_test(test_sni_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
