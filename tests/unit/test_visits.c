/* The visits (this run of the UI): the bounded list of connections, labels, what counts as an
 * edited config, encrypted-key detection, the JSON file name; and the in-memory passphrase
 * field of tls_config (copied, wiped on free). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model/config.h"
#include "model/report.h"
#include "ui/visits.h"
#include "util/mem.h"

static struct report *report_for(const char *host)
{
    struct report *r = report_new();
    r->host = xstrdup(host);
    r->port = 4433;
    return r;
}

static void test_add_is_bounded(void **state)
{
    (void)state;
    struct visits s = {0};
    struct report *first = report_for("a.example");
    visits_add(&s, first, "modern", false, 0);
    assert_ptr_equal(visits_find_report(&s, first), &s.conns[0]);
    for (int i = 0; i < VISITS_MAX + 4; i++)
        visits_add(&s, report_for("b.example"), NULL, i % 2, 0);
    assert_int_equal(s.n, VISITS_MAX);
    /* the oldest five went (the first and four more); numbers are never reused */
    assert_null(visits_find(&s, 1));
    assert_null(visits_find(&s, 5));
    assert_non_null(visits_find(&s, 6));
    assert_int_equal(s.conns[VISITS_MAX - 1].seq, VISITS_MAX + 5);
    assert_string_equal(s.conns[VISITS_MAX - 1].profile, "");
    const struct visit *prev = visits_previous(&s, VISITS_MAX + 5);
    assert_non_null(prev);
    assert_int_equal(prev->seq, VISITS_MAX + 4);
    assert_null(visits_previous(&s, 6));
    visits_free(&s);
    assert_int_equal(s.n, 0);
}

static void test_label(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1);
    struct visits s = {0};
    visits_add(&s, report_for("localhost"), "intermediate", false, 12 * 3600 + 67);
    visits_add(&s, report_for("::1"), "intermediate", true, 12 * 3600 + 160);
    visits_add(&s, report_for("evil\x1b[31m"), NULL, false, 0);
    char *a = visits_label(&s.conns[0], false);
    char *b = visits_label(&s.conns[1], true);
    char *c = visits_label(&s.conns[2], true);
    assert_string_equal(a, "#1 intermediate 12:01:07");
    assert_string_equal(b, "#2 [::1]:4433 intermediate (edited) 12:02:40");
    assert_null(strchr(c, '\x1b')); /* sanitised */
    assert_non_null(strstr(c, "command line"));
    free(a);
    free(b);
    free(c);
    visits_free(&s);
}

static void test_config_differs(void **state)
{
    (void)state;
    struct tls_config a, b;
    config_init(&a);
    config_copy(&b, &a);
    assert_false(visits_config_differs(&a, &b));
    /* what does not count: the key log, a typed passphrase, the theme */
    b.keylog = xstrdup("/tmp/keys");
    b.key_pass_value = xstrdup("secret");
    b.theme = xstrdup("dark");
    assert_false(visits_config_differs(&a, &b));
    b.max_proto = PROTO_TLS1_2;
    assert_true(visits_config_differs(&a, &b));
    b.max_proto = a.max_proto;
    strlist_push(&b.alpn, "h2");
    assert_true(visits_config_differs(&a, &b));
    strlist_clear(&b.alpn);
    b.cert_file = xstrdup("client.crt");
    assert_true(visits_config_differs(&a, &b));
    config_free(&a);
    config_free(&b);
}

static void test_pass_value_copied_and_freed(void **state)
{
    (void)state;
    struct tls_config a, b;
    config_init(&a);
    a.key_pass_value = xstrdup("secret");
    config_copy(&b, &a);
    assert_non_null(b.key_pass_value);
    assert_ptr_not_equal(a.key_pass_value, b.key_pass_value);
    assert_string_equal(b.key_pass_value, "secret");
    config_free(&a);
    assert_null(a.key_pass_value);
    config_free(&b);
    assert_null(b.key_pass_value);
}

static void test_pem_encrypted(void **state)
{
    (void)state;
    static const struct {
        const char *pem;
        bool encrypted;
    } cases[] = {
        {"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF\n-----END ENCRYPTED PRIVATE KEY-----\n",
         true},
        {"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n",
         true},
        {"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n", false},
        {"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
         "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF\n",
         true},
        /* ENCRYPTED in the body is not a header */
        {"-----BEGIN PRIVATE KEY-----\nENCRYPTED\n-----END PRIVATE KEY-----\n", false},
        {"", false},
        {NULL, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (visits_pem_encrypted(cases[i].pem) != cases[i].encrypted)
            fail_msg("case %zu: expected %s", i, cases[i].encrypted ? "encrypted" : "plain");
}

static void test_json_name_and_home(void **state)
{
    (void)state;
    static const struct {
        const char *host, *name;
    } cases[] = {
        {"example.com", "example.com.json"},
        {"::1", "__1.json"},
        {".hidden", "_hidden.json"},
        {"a/b", "a_b.json"},
        {NULL, "report.json"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct report *r = report_new();
        r->host = xstrdup(cases[i].host);
        char *name = visits_json_name(r);
        assert_string_equal(name, cases[i].name);
        free(name);
        report_free(r);
    }
    setenv("HOME", "/home/someone", 1);
    char out[128];
    visits_expand_home("~/keys.log", out, sizeof out);
    assert_string_equal(out, "/home/someone/keys.log");
    visits_expand_home("/abs/~/x", out, sizeof out);
    assert_string_equal(out, "/abs/~/x");
}

static void test_apply_keylog(void **state)
{
    (void)state;
    struct visits s = {0};
    struct tls_config c;
    config_init(&c);
    c.keylog = xstrdup("/from/profile");
    visits_apply(&s, &c); /* K not used: the settings' own */
    assert_string_equal(c.keylog, "/from/profile");
    s.keylog = xstrdup("/from/k");
    visits_apply(&s, &c);
    assert_string_equal(c.keylog, "/from/k");
    free(s.keylog);
    s.keylog = NULL;
    s.keylog_off = true;
    visits_apply(&s, &c);
    assert_null(c.keylog);
    config_free(&c);
    visits_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_is_bounded), cmocka_unit_test(test_label),
        cmocka_unit_test(test_config_differs), cmocka_unit_test(test_pass_value_copied_and_freed),
        cmocka_unit_test(test_pem_encrypted),  cmocka_unit_test(test_json_name_and_home),
        cmocka_unit_test(test_apply_keylog),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
