/* Sanitising peer text and the string containers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/suggest.h"

static void test_utf8_repair(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t n;
        const char *out;
    } cases[] = {
        {"plain", 5, "plain"},
        {"caf\xc3\xa9", 5, "caf\xc3\xa9"},         /* valid 2-byte */
        {"\xe2\x9c\x94 ok", 6, "\xe2\x9c\x94 ok"}, /* valid 3-byte */
        {"a\xff"
         "b",
         3, "a\\xFFb"},                         /* invalid byte */
        {"\xc0\xaf", 2, "\\xC0\\xAF"},          /* overlong '/' */
        {"\xed\xa0\x80", 3, "\\xED\\xA0\\x80"}, /* surrogate */
        {"\xe2\x9c", 2, "\\xE2\\x9C"},          /* truncated */
        {"a\0b", 3, "a\\x00b"},                 /* NUL */
        {"\x1b[31m", 5, "\x1b[31m"},            /* controls survive in the model */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *s = utf8_repair(cases[i].in, cases[i].n);
        assert_string_equal(s, cases[i].out);
        free(s);
    }
}

static void test_sanitize_terminal(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"CN=localhost", "CN=localhost"},
        {"evil\x1b[31mRED\x1b[0m\x07", "evil\\x1B[31mRED\\x1B[0m\\x07"},
        {"tab\there\r\n", "tab\\x09here\\x0D\\x0A"},
        {"del\x7f", "del\\x7F"},
        {"c1 \xc2\x9b"
         "31m",
         "c1 \\u009B31m"}, /* 8-bit CSI */
        {"rtl \xe2\x80\xae"
         "gnp.exe",
         "rtl \\u202Egnp.exe"}, /* RIGHT-TO-LEFT OVERRIDE */
        {"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *s = sanitize_terminal(cases[i].in);
        assert_string_equal(s, cases[i].out);
        for (const char *p = s; *p; p++)
            assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
        free(s);
    }
}

static void test_sanitize_preview(void **state)
{
    (void)state;
    const unsigned char http[] = "HTTP/1.1 400 Bad Request\r\n";
    char *s = sanitize_preview(http, sizeof(http) - 1, 100);
    assert_string_equal(s, "HTTP/1.1 400 Bad Request\\r\\n");
    free(s);
    const unsigned char bin[] = {0x00, 0xff, 'A', 0x1b};
    s = sanitize_preview(bin, sizeof(bin), 100);
    assert_string_equal(s, "\\x00\\xFFA\\x1B");
    free(s);
    s = sanitize_preview(http, sizeof(http) - 1, 4);
    assert_string_equal(s, "HTTP…");
    free(s);
}

static void test_strlist(void **state)
{
    (void)state;
    struct strlist l = {0};
    strlist_split(&l, " h2, http/1.1 ,,x ", ",");
    assert_int_equal(l.len, 3);
    assert_string_equal(l.items[0], "h2");
    assert_string_equal(l.items[1], "http/1.1");
    assert_string_equal(l.items[2], "x");
    assert_true(strlist_contains(&l, "x"));
    assert_false(strlist_contains(&l, "h3"));
    char *j = strlist_join(&l, ":");
    assert_string_equal(j, "h2:http/1.1:x");
    free(j);
    struct strlist m = {0};
    strlist_copy(&m, &l);
    strlist_free(&l);
    assert_int_equal(m.len, 3);
    j = strlist_join(&m, "");
    assert_string_equal(j, "h2http/1.1x");
    free(j);
    strlist_free(&m);
    j = strlist_join(&m, ",");
    assert_string_equal(j, "");
    free(j);
}

static void test_strbuf(void **state)
{
    (void)state;
    struct strbuf sb = {0};
    for (int i = 0; i < 1000; i++)
        sb_printf(&sb, "%d,", i % 10);
    assert_int_equal(sb.len, 2000);
    char *s = sb_take(&sb);
    assert_int_equal(strlen(s), 2000);
    assert_null(sb.buf);
    free(s);
    s = sb_take(&sb);
    assert_string_equal(s, "");
    free(s);
}

static void test_suggest(void **state)
{
    (void)state;
    assert_int_equal(suggest_distance("cipher", "ciphers"), 1);
    assert_int_equal(suggest_distance("ciphres", "ciphers"), 1); /* a swap is one edit */
    assert_int_equal(suggest_distance("VERIFY", "verify"), 0);
    assert_int_equal(suggest_distance("", "abc"), 3);
    static const char *const keys[] = {"ciphers", "ciphersuites", "groups", "verify", "alpn"};
    assert_string_equal(suggest_nearest("cipher", keys, 5), "ciphers");
    assert_string_equal(suggest_nearest("grops", keys, 5), "groups");
    assert_string_equal(suggest_nearest("alpns", keys, 5), "alpn");
    assert_null(suggest_nearest("timeout", keys, 5));
    char longw[300];
    memset(longw, 'a', sizeof(longw) - 1);
    longw[sizeof(longw) - 1] = '\0';
    assert_null(suggest_nearest(longw, keys, 5));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_repair),      cmocka_unit_test(test_sanitize_terminal),
        cmocka_unit_test(test_sanitize_preview), cmocka_unit_test(test_strlist),
        cmocka_unit_test(test_strbuf),           cmocka_unit_test(test_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
