/* Sanitising peer text and the string containers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/outgate.h"
#include "util/punycode.h"
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

/* ---- the output gate ------------------------------------------------------------------- */

static void test_out_format(void **state)
{
    (void)state;
    char *s;
    /* The format's own newlines stay; the arguments' controls do not. */
    s = out_format("a: %s\nnext\n", "x\x1b]0;PWNED\ay\nz");
    assert_string_equal(s, "a: x\\x1B]0;PWNED\\x07y\\x0Az\nnext\n");
    free(s);
    s = out_format("[%-6s|%6s|%.3s|%-*s|%.*s]", "ab", "cd", "abcdef", 4, "x", 2, "\x1b[31m");
    assert_string_equal(s, "[ab    |    cd|abc|x   |\\x1B[]");
    free(s);
    /* Width counts characters; precision never cuts a character in two. */
    s = out_format("[%-4s][%.2s]", "b\xc3\xbc", "b\xc3\xbc");
    assert_string_equal(s, "[b\xc3\xbc  ][b]");
    free(s);
    s = out_format("%d %u %ld %zu %x %05.1f %c%c %%", -3, 7u, 123456789L, (size_t)42, 255u, 2.25,
                   'k', 0x1b);
    assert_string_equal(s, "-3 7 123456789 42 ff 002.2 k\\x1B %");
    free(s);
    /* Invalid UTF-8 and bidi overrides in arguments are written out. */
    s = out_format("<%s>", "a\xff\xe2\x80\xae"
                           "b");
    assert_string_equal(s, "<a\\xFF\\u202Eb>");
    free(s);
}

static void test_out_fputs_text(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(out_fputs_text("line one\x1b[2J\nline\ttwo\r\n\nend", f), 0);
    fclose(f);
    assert_string_equal(buf, "line one\\x1B[2J\nline\\x09two\\x0D\n\nend");
    free(buf);
}

/* ---- Punycode and IDNA ------------------------------------------------------------------- */

/* RFC 3492 section 7.1 (the samples with their case annotations dropped: the encoder writes
 * lowercase digits and keeps basic code points as given), plus the name everyone knows. */
static const struct {
    const char *unicode, *puny;
} puny_cases[] = {
    {"\xd9\x84\xd9\x8a\xd9\x87\xd9\x85\xd8\xa7\xd8\xa8\xd8\xaa\xd9\x83\xd9\x84\xd9\x85\xd9\x88"
     "\xd8\xb4\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\x9f",
     "egbpdaj6bu4bxfgehfvwxn"},                                   /* (A) Arabic */
    {"他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"},           /* (B) */
    {"他們爲什麽不說中文", "ihqwctvzc91f659drss3x8bo0yb"},        /* (C) */
    {"Pročprostěnemluvíčesky", "Proprostnemluvesky-uyb24dma41a"}, /* (D) Czech */
    {"\xd7\x9c\xd7\x9e\xd7\x94\xd7\x94\xd7\x9d\xd7\xa4\xd7\xa9\xd7\x95\xd7\x98\xd7\x9c\xd7\x90"
     "\xd7\x9e\xd7\x93\xd7\x91\xd7\xa8\xd7\x99\xd7\x9d\xd7\xa2\xd7\x91\xd7\xa8\xd7\x99\xd7\xaa",
     "4dbcagdahymbxekheh6e0a7fei0b"}, /* (E) Hebrew */
    {"なぜみんな日本語を話してくれないのか", "n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa"}, /* (G) */
    {"почемужеонинеговорятпорусски", "b1abfaaepdrnnbgefbadotcwatmq2g4l"}, /* (I) Russian */
    {"PorquénopuedensimplementehablarenEspañol", "PorqunopuedensimplementehablarenEspaol-fmd56a"},
    {"TạisaohọkhôngthểchỉnóitiếngViệt", "TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g"},
    {"3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"}, /* (L) */
    {"安室奈美恵-with-SUPER-MONKEYS", "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n"},
    {"Hello-Another-Way-それぞれの場所", "Hello-Another-Way--fc4qua05auwb3674vfr0b"},
    {"ひとつ屋根の下2", "2-u9tlzr9756bt3uc0v"},           /* (O) */
    {"MajiでKoiする5秒前", "MajiKoi5-783gue6qz075azm5e"}, /* (P) */
    {"パフィーdeルンバ", "de-jg4avhby1noc0d"},            /* (Q) */
    {"そのスピードで", "d9juau41awczczp"},                /* (R) */
    {"-> $1.00 <-", "-> $1.00 <--"},                      /* (S) */
    {"bücher", "bcher-kva"},
    {"ü", "tda"},
};

/* UTF-8 → code points (the test's own small decoder, for valid input only). */
static size_t test_cps(const char *s, uint32_t *cps, size_t cap)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n < cap; n++) {
        int len = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        uint32_t v = len == 1 ? *p : *p & (0x7F >> len);
        for (int i = 1; i < len; i++)
            v = (v << 6) | (p[i] & 0x3F);
        cps[n] = v;
        p += len;
    }
    return n;
}

static void test_punycode(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(puny_cases) / sizeof(puny_cases[0]); i++) {
        uint32_t cps[128], back[128];
        char out[256];
        size_t n = test_cps(puny_cases[i].unicode, cps, 128);
        int len = punycode_encode(cps, n, out, sizeof out);
        if (len < 0 || strcmp(out, puny_cases[i].puny))
            fail_msg("encode case %zu: got '%s', want '%s'", i, len < 0 ? "(error)" : out,
                     puny_cases[i].puny);
        int m = punycode_decode(puny_cases[i].puny, strlen(puny_cases[i].puny), back, 128);
        assert_int_equal(m, (int)n);
        assert_memory_equal(back, cps, n * sizeof(*cps));
    }
    uint32_t cps[4] = {0xFC, 0xFC, 0xFC, 0xFC}, back[2];
    char small[4];
    assert_int_equal(punycode_encode(cps, 4, small, sizeof small), -1); /* no room */
    assert_int_equal(punycode_decode("bcher-kva", 9, back, 2), -1);     /* no room */
    assert_int_equal(punycode_decode("bcher-kv!", 9, cps, 4), -1);      /* not a digit */
    assert_int_equal(punycode_decode("99999999999", 11, cps, 4), -1);   /* overflow */
    assert_int_equal(punycode_decode("bcher-k", 7, cps, 4), -1);        /* truncated */
}

static void test_idna(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int rc;
        const char *out; /* the A-label form, or a part of the error */
    } cases[] = {
        {"bücher.example", 1, "xn--bcher-kva.example"},
        {"BÜCHER.Example", 1, "xn--bcher-kva.example"},
        {"www.bücher.example.", 1, "www.xn--bcher-kva.example"},
        {"例え.テスト", 1, "xn--r8jz45g.xn--zckzah"},
        {"bücher。example", 1, "xn--bcher-kva.example"}, /* ideographic full stop */
        {"ПЛОХОЙ.рф", 1, "xn--i1adjac2b.xn--p1ai"},
        {"example.com", 0, "example.com"},
        {"Example.COM", 0, "Example.COM"}, /* all ASCII: untouched */
        {"b\xc3\xbc cher.example", -1, "U+0020 is not allowed"},
        {"b\xc3\xbc\x1b"
         "cher",
         -1, "U+001B is not allowed"},
        {"b\xc3\xbc\xe2\x80\xae"
         "cher",
         -1, "U+202E is not allowed"},
        {"b\xc3\xbc\xc2\xa0x", -1, "U+00A0 is not allowed"},
        {"b\xc3\xbc..example", -1, "empty label"},
        {"b\xff\xc3\xbc", -1, "not valid UTF-8"},
        {"xn--b\xc3\xbc", -1, "xn-- must be ASCII"},
        {"ü.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", -1,
         "longer than 63"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[300] = "", err[300] = "";
        int rc = idna_to_ascii(cases[i].in, out, sizeof out, err, sizeof err);
        if (rc != cases[i].rc || (rc >= 0 && strcmp(out, cases[i].out)) ||
            (rc < 0 && !strstr(err, cases[i].out)))
            fail_msg("case %zu '%s': rc %d out '%s' err '%s'", i, cases[i].in, rc, out, err);
    }
    static const struct {
        const char *in, *out;
        int rc;
    } back[] = {
        {"xn--bcher-kva.example", "bücher.example", 1},
        {"www.XN--BCHER-KVA.example", "www.bücher.example", 1},
        {"xn--r8jz45g.xn--zckzah", "例え.テスト", 1},
        {"example.com", "example.com", 0},
        {"xn--.example", "xn--.example", 0},
        {"xn--zz-!!.example", "xn--zz-!!.example", 0},
        {"xn--ls8h", "\xf0\x9f\x92\xa9", 1}, /* U+1F4A9 */
        {"xn--tda-", "xn--tda-", 0},         /* decodes to ASCII: not an A-label */
        {"xn--07-0a", "xn--07-0a", 0},       /* decodes to U+0088, which is refused */
    };
    for (size_t i = 0; i < sizeof(back) / sizeof(back[0]); i++) {
        char out[300];
        int rc = idna_to_unicode(back[i].in, out, sizeof out);
        if (rc != back[i].rc || strcmp(out, back[i].out))
            fail_msg("back case %zu '%s': rc %d out '%s'", i, back[i].in, rc, out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_repair),
        cmocka_unit_test(test_out_format),
        cmocka_unit_test(test_out_fputs_text),
        cmocka_unit_test(test_punycode),
        cmocka_unit_test(test_idna),
        cmocka_unit_test(test_sanitize_terminal),
        cmocka_unit_test(test_sanitize_preview),
        cmocka_unit_test(test_strlist),
        cmocka_unit_test(test_strbuf),
        cmocka_unit_test(test_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
