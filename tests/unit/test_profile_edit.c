/* profile_set_text / profile_get_text: every key type round-trips through text, and a bad
 * value is refused with exactly the message the YAML loader gives for the same value. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "profile/profile.h"
#include "profile/schema.h"
#include "util/mem.h"

/* text in, the text shown after (NULL: the same) */
static const struct {
    const char *key, *text, *shown;
} good[] = {
    {"host", "example.org", NULL},
    {"port", "8443", NULL},
    {"sni", "a.example", NULL},
    {"sni", "false", NULL},
    {"family", "ipv6", NULL},
    {"family", "IPv4", "ipv4"},
    {"min_protocol", "tls1.2", NULL},
    {"max_protocol", "TLSv1.3", "tls1.3"},
    {"ciphers", "ECDHE+AESGCM", NULL},
    {"ciphersuites", "TLS_AES_128_GCM_SHA256", NULL},
    {"groups", "X25519:P-256", NULL},
    {"security_level", "0", NULL},
    {"alpn", "h2, http/1.1", NULL},
    {"alpn", " h2 ,http/1.1 ", "h2, http/1.1"},
    {"verify", "false", NULL},
    {"hostname_check", "no", "false"},
    {"ca_file", "/etc/ssl/certs/ca-certificates.crt", NULL},
    {"ignore_errors", "X509_V_ERR_CERT_HAS_EXPIRED", NULL},
    {"pins", "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", NULL},
    {"key_passphrase", "env:KEYPASS", NULL},
    {"ocsp", "true", NULL},
    {"reconnect", "true", NULL},
    {"timeout", "2.5", NULL},
    {"theme", "dark", NULL},
};

static void test_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        const struct setting *k = setting_find(good[i].key);
        struct tls_config c, again;
        char err[512] = "";
        assert_non_null(k);
        config_init(&c);
        if (profile_set_text(k, good[i].text, &c, err, sizeof err) != 0)
            fail_msg("%s: %s refused: %s", good[i].key, good[i].text, err);
        char *shown = profile_get_text(k, &c);
        assert_string_equal(shown, good[i].shown ? good[i].shown : good[i].text);
        /* what is shown reads back to the same value */
        config_init(&again);
        assert_int_equal(profile_set_text(k, shown, &again, err, sizeof err), 0);
        assert_true(setting_equal(k, &c, &again));
        assert_false(setting_is_default(k, &c));
        /* empty text is the default again */
        assert_int_equal(profile_set_text(k, "", &c, err, sizeof err), 0);
        assert_true(setting_is_default(k, &c));
        free(shown);
        config_free(&again);
        config_free(&c);
    }
}

static void test_defaults_shown(void **state)
{
    (void)state;
    struct tls_config c;
    config_init(&c);
    static const char *const expect[][2] = {
        {"min_protocol", ""}, {"security_level", ""}, {"verify", "true"}, {"port", "443"},
        {"timeout", "10"},    {"alpn", ""},           {"sni", ""},        {"family", "any"},
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        char *s = profile_get_text(setting_find(expect[i][0]), &c);
        assert_string_equal(s, expect[i][1]);
        free(s);
    }
    config_free(&c);
}

/* key: value as a one-line YAML file; the loader's message for it. */
static void loader_message(const char *key, const char *value, char *out, size_t n)
{
    struct profile p;
    struct profile_error e;
    char *doc = xasprintf("%s: %s\n", key, value);
    if (profile_parse(doc, strlen(doc), "t.yaml", &p, &e) != -1)
        fail_msg("the loader accepted %s", doc);
    snprintf(out, n, "%s", e.message);
    free(doc);
}

static const struct {
    const char *key, *text, *yaml;
} bad[] = {
    {"ciphers", "NOPE-NOT-A-CIPHER", "NOPE-NOT-A-CIPHER"},
    {"groups", "P-999", "P-999"},
    {"port", "70000", "70000"},
    {"port", "eighty", "eighty"},
    {"verify", "maybe", "maybe"},
    {"min_protocol", "tls9", "tls9"},
    {"min_protocol", "ssl3", "ssl3"},
    {"family", "ipv5", "ipv5"},
    {"security_level", "7", "7"},
    {"timeout", "0", "0"},
    {"sni", "127.0.0.1", "127.0.0.1"},
    {"sni", "true", "true"},
    {"host", "bad host!", "bad host!"},
    {"key_passphrase", "hunter2", "hunter2"},
    {"ignore_errors", "X509_V_ERR_NOT_A_THING", "[X509_V_ERR_NOT_A_THING]"},
    {"pins", "md5//xyz", "[md5//xyz]"},
    {"alpn", "h2,,http/1.1", "[h2, ~, http/1.1]"},
};

static void test_same_messages_as_loader(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const struct setting *k = setting_find(bad[i].key);
        struct tls_config c;
        char err[512] = "", want[512];
        config_init(&c);
        c.port = 1234;
        if (profile_set_text(k, bad[i].text, &c, err, sizeof err) != -1)
            fail_msg("%s: %s was accepted", bad[i].key, bad[i].text);
        loader_message(bad[i].key, bad[i].yaml, want, sizeof want);
        assert_string_equal(err, want);
        assert_int_equal(c.port, 1234); /* cfg untouched */
        assert_true(setting_is_default(k, &c) || k->type == SET_PORT);
        config_free(&c);
    }
}

static void test_cipher_reason(void **state)
{
    (void)state;
    struct tls_config c;
    char err[512];
    config_init(&c);
    assert_int_equal(profile_set_text(setting_find("ciphers"), "NOPE", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "ciphers"));
    assert_null(strstr(err, "--ciphers"));
    assert_null(c.ciphers);
    config_free(&c);
}

static void test_meta_checked_not_stored(void **state)
{
    (void)state;
    struct tls_config c;
    char err[512];
    config_init(&c);
    assert_int_equal(profile_set_text(setting_find("description"), "anything", &c, err, sizeof err),
                     0);
    assert_int_equal(profile_set_text(setting_find("extends"), "../x", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "is not a profile name"));
    config_free(&c);
}

int main(void)
{
    if (engine_register_validators() != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_defaults_shown),
        cmocka_unit_test(test_same_messages_as_loader),
        cmocka_unit_test(test_cipher_reason),
        cmocka_unit_test(test_meta_checked_not_stored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
