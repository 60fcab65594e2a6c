/* The profile emitter: quoting, order and refusals, and the round trip emit → parse → equal
 * configuration over every bundled profile and ~200 generated ones. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "profile/profile.h"
#include "profile/schema.h"
#include "util/mem.h"

#define ROUND_TRIPS 200

/* ---- a seeded generator of configurations ---------------------------------------------- */

struct rng {
    uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * UINT64_C(2685821657736338717);
}

static size_t pick(struct rng *r, size_t n)
{
    return (size_t)(rng_next(r) % n);
}

#define PICK(r, a) ((a)[pick((r), sizeof(a) / sizeof((a)[0]))])

/* Strings YAML would misread unless quoted, and some it would not. */
static const char *const tricky[] = {
    "true",
    "False",
    "yes",
    "NO",
    "on",
    "off",
    "y",
    "n",
    "null",
    "~",
    "123",
    "-7",
    "0x1F",
    "0o17",
    "1e3",
    "1:20",
    ".inf",
    ".NaN",
    "3.14",
    "",
    " leading",
    "trailing ",
    "  ",
    "a: b",
    "a:b",
    "# not a comment",
    "x #y",
    "quote\"d",
    "it's",
    "'single'",
    "\"double\"",
    "back\\slash",
    "tab\there",
    "new\nline",
    "cr\rlf",
    "\x01\x02"
    "ctl",
    "del\x7f",
    "café",
    "日本語のパス",
    "emoji 😀",
    "Ünïcødé ✓",
    "-",
    "- item",
    "? key",
    "[x]",
    "{y: 1}",
    "@at",
    "`tick`",
    "%percent",
    "*star",
    "&amp",
    "!bang",
    "|pipe",
    ">gt",
    ",comma",
    "---",
    "...",
    "/etc/ssl/certs/ca.pem",
    "relative/path.pem",
    "./dot.pem",
    "../up.pem",
    "C:\\win\\path",
    "h2",
    "http/1.1",
    "spdy/3.1",
    "a b c",
    "\xef\xbb\xbf"
    "bom",
    "\u2028sep",
    "plain_word",
    "x@y.z",
    "a+b-c.d_e/f",
};

/* Values the engine and the host check accept (config.h's rules: "123" or "404" are IPv4
 * addresses to the resolver, so never a server name and stored as a dotted quad). */
static const char *const ciphers[] = {
    "ALL", "HIGH:!aNULL", "ECDHE+AESGCM", "DEFAULT:@SECLEVEL=0", "AES128-SHA", "ALL:@SECLEVEL=0"};
static const char *const suites[] = {"TLS_AES_128_GCM_SHA256",
                                     "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"};
static const char *const groups[] = {"X25519", "P-256:P-384", "X25519:P-256:P-521"};
static const char *const sigalgs[] = {"ECDSA+SHA256", "RSA-PSS+SHA256:ECDSA+SHA384",
                                      "rsa_pss_rsae_sha256"};
static const char *const hosts[] = {"example.com", "127.0.0.1", "::1",     "a-b.example",
                                    "localhost",   "true",      "1_2",     "1e3",
                                    "null",        "_srv.x",    "1.2.3.4", "2001:db8::1"};
static const char *const server_names[] = {"example.com", "false",           "true",    "yes",
                                           "1e3",         "www.example.org", "x_y.test"};
static const char *const errors[] = {
    "X509_V_ERR_CERT_HAS_EXPIRED", "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT",
    "X509_V_ERR_HOSTNAME_MISMATCH", "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN",
    "X509_V_ERR_CERT_NOT_YET_VALID"};
static const char *const pins[] = {"sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
                                   "sha256//AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                                   "sha256////////////////////////////////////////////8=",
                                   "sha256//ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM="};
static const char *const profile_names[] = {"base",   "1.2",  "true", "my_profile-2",
                                            "legacy", "null", "a.b"};

static char *random_text(struct rng *r)
{
    if (pick(r, 3) == 0)
        return xasprintf("%s%s", PICK(r, tricky), PICK(r, tricky));
    return xstrdup(PICK(r, tricky));
}

/* A value for a string key, or NULL when this test knows no valid one (a future key with a
 * check it does not know stays at its default). */
static char *string_for(struct rng *r, const struct setting *k)
{
    if (k->check == CHECK_HOST)
        return xstrdup(PICK(r, hosts));
    if (k->check == CHECK_NONE)
        return random_text(r);
    if (k->check != CHECK_VALIDATOR)
        return NULL;
    if (!strcmp(k->name, "ciphers"))
        return xstrdup(PICK(r, ciphers));
    if (!strcmp(k->name, "ciphersuites"))
        return xstrdup(PICK(r, suites));
    if (!strcmp(k->name, "groups"))
        return xstrdup(PICK(r, groups));
    if (!strcmp(k->name, "sigalgs"))
        return xstrdup(PICK(r, sigalgs));
    return NULL;
}

static char *item_for(struct rng *r, const struct setting *k)
{
    switch (k->check) {
    case CHECK_NONE: { /* a list item is never empty */
        char *t = random_text(r);
        if (!*t) {
            free(t);
            t = xstrdup("h2");
        }
        return t;
    }
    case CHECK_VALIDATOR:
        if (!strcmp(k->name, "ignore_errors"))
            return xstrdup(PICK(r, errors));
        if (!strcmp(k->name, "pins"))
            return xstrdup(PICK(r, pins));
        return NULL;
    default: return NULL;
    }
}

static double random_seconds(struct rng *r, int max)
{
    if (pick(r, 2))
        return (double)(pick(r, (size_t)max * 10) + 1) / 10.0;
    double d = (double)(rng_next(r) >> 11) * 0x1p-53 * max;
    return d > 0 ? d : 1.0;
}

static void fill_key(struct rng *r, const struct setting *k, struct tls_config *c)
{
    void *f = (char *)c + k->offset;
    switch (k->type) {
    case SET_STRING:
    case SET_PATH:
        free(*(char **)f);
        *(char **)f = string_for(r, k);
        break;
    case SET_PASS_SOURCE:
        free(*(char **)f);
        *(char **)f = xasprintf("%s%s", pick(r, 2) ? "env:" : "file:", PICK(r, tricky));
        if (!strcmp(*(char **)f, "env:") || !strcmp(*(char **)f, "file:")) {
            free(*(char **)f);
            *(char **)f = xstrdup("env:X");
        }
        break;
    case SET_BOOL: *(bool *)f = pick(r, 2); break;
    case SET_INT: *(int *)f = k->min + (int)pick(r, (size_t)(k->max - k->min + 1)); break;
    case SET_PORT: *(uint16_t *)f = (uint16_t)(1 + pick(r, 65535)); break;
    case SET_SECONDS: *(double *)f = random_seconds(r, k->max); break;
    case SET_PROTO: *(enum proto_version *)f = PROTO_TLS1_0 + (int)pick(r, 4); break;
    case SET_FAMILY: {
        static const enum addr_family fams[] = {FAMILY_ANY, FAMILY_V4, FAMILY_V6};
        *(enum addr_family *)f = PICK(r, fams);
        break;
    }
    case SET_LIST: {
        size_t n = pick(r, 4);
        for (size_t i = 0; i < n; i++) {
            char *item = item_for(r, k);
            if (item)
                strlist_take(f, item);
        }
        break;
    }
    case SET_SNI:
        free(c->sni);
        c->sni = NULL;
        c->no_sni = pick(r, 3) == 0;
        if (!c->no_sni)
            c->sni = xstrdup(PICK(r, server_names));
        break;
    case SET_META: break;
    }
}

/* ---- checks ---------------------------------------------------------------------------- */

static bool str_same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* emit → parse gives the same configuration, set mask, description and extends; emitting
 * the parsed profile again gives the same text. */
static void check_round_trip(const struct tls_config *cfg, uint64_t which, const char *desc,
                             const char *ext, const char *what)
{
    struct profile_error err;
    struct profile p;
    char *yaml = profile_emit(cfg, which, desc, ext, &err);
    if (!yaml)
        fail_msg("%s: emit failed: %s", what, err.message);
    if (profile_parse(yaml, strlen(yaml), "round-trip.yaml", &p, &err) < 0)
        fail_msg("%s: %d:%d: %s in\n%s", what, err.line, err.col, err.message, yaml);
    for (size_t i = 0; i < settings_count(); i++)
        if (!setting_equal(setting_at(i), &p.cfg, cfg))
            fail_msg("%s: key %s differs after the round trip:\n%s", what, setting_at(i)->name,
                     yaml);
    assert_true(config_equal(&p.cfg, cfg));
    if (p.set != which)
        fail_msg("%s: set %#llx, wrote %#llx:\n%s", what, (unsigned long long)p.set,
                 (unsigned long long)which, yaml);
    if (!str_same(p.description, desc) || !str_same(p.extends, ext))
        fail_msg("%s: description/extends differ:\n%s", what, yaml);
    char *again = profile_emit(&p.cfg, p.set, p.description, p.extends, &err);
    assert_non_null(again);
    assert_string_equal(again, yaml);
    free(again);
    free(yaml);
    profile_free(&p);
}

static void test_round_trip_generated(void **state)
{
    (void)state;
    struct rng r = {UINT64_C(0x9e3779b97f4a7c15)};
    for (int i = 0; i < ROUND_TRIPS; i++) {
        struct tls_config cfg;
        char what[32];
        config_init(&cfg);
        for (size_t k = 0; k < settings_count(); k++)
            if (pick(&r, 3) != 0)
                fill_key(&r, setting_at(k), &cfg);
        if (cfg.min_proto && cfg.max_proto && cfg.min_proto > cfg.max_proto) {
            enum proto_version lo = cfg.max_proto; /* a profile the loader accepts */
            cfg.max_proto = cfg.min_proto;
            cfg.min_proto = lo;
        }
        char *desc = pick(&r, 2) ? random_text(&r) : NULL;
        const char *ext = pick(&r, 2) ? PICK(&r, profile_names) : NULL;
        snprintf(what, sizeof(what), "config #%d", i);
        check_round_trip(&cfg, profile_nondefault_keys(&cfg), desc, ext, what);
        free(desc);
        config_free(&cfg);
    }
}

/* Bundled profiles, relative to the repository root (the cwd under `make test`). */
static void test_round_trip_bundled(void **state)
{
    (void)state;
    glob_t g;
    if (glob("profiles/*.yaml", 0, NULL, &g) != 0) {
        print_message("no profiles/*.yaml here; nothing to round-trip\n");
        skip();
    }
    for (size_t i = 0; i < g.gl_pathc; i++) {
        struct profile p;
        struct profile_error err;
        if (profile_load_file(g.gl_pathv[i], PROFILE_BUNDLED, &p, &err) < 0)
            fail_msg("%s:%d:%d: %s", err.file, err.line, err.col, err.message);
        check_round_trip(&p.cfg, p.set, p.description, p.extends, g.gl_pathv[i]);
        profile_free(&p);
    }
    globfree(&g);
}

/* The emitted line for key ca_file holding value. */
static const struct {
    const char *value, *line;
} quoting[] = {
    {"/etc/ssl/ca.pem", "ca_file: /etc/ssl/ca.pem\n"},
    {"ca_bundle+x@y-z.pem", "ca_file: ca_bundle+x@y-z.pem\n"},
    {"true", "ca_file: \"true\"\n"},
    {"Off", "ca_file: \"Off\"\n"},
    {"null", "ca_file: \"null\"\n"},
    {"123", "ca_file: \"123\"\n"},
    {"1.5", "ca_file: \"1.5\"\n"},
    {"", "ca_file: \"\"\n"},
    {" lead", "ca_file: \" lead\"\n"},
    {"trail ", "ca_file: \"trail \"\n"},
    {"a: b", "ca_file: \"a: b\"\n"},
    {"#x", "ca_file: \"#x\"\n"},
    {"say \"hi\"", "ca_file: \"say \\\"hi\\\"\"\n"},
    {"tab\there", "ca_file: \"tab\\there\"\n"},
    {"esc\x1b", "ca_file: \"esc\\e\"\n"},
    {"café", "ca_file: \"café\"\n"},
    {"./rel.pem", "ca_file: \"./rel.pem\"\n"},
};

static char *emit_one(const struct tls_config *c, const char *key)
{
    struct profile_error err;
    char *yaml = profile_emit(c, UINT64_C(1) << setting_index(setting_find(key)), NULL, NULL, &err);
    if (!yaml)
        fail_msg("emit %s: %s", key, err.message);
    return yaml;
}

static void test_quoting(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(quoting) / sizeof(quoting[0]); i++) {
        struct tls_config c;
        config_init(&c);
        c.ca_file = xstrdup(quoting[i].value);
        char *yaml = emit_one(&c, "ca_file");
        char *want = xasprintf("# tlscope profile\n%s", quoting[i].line);
        if (strcmp(yaml, want))
            fail_msg("'%s':\n  got      %s  expected %s", quoting[i].value, yaml, want);
        free(want);
        free(yaml);
        config_free(&c);
    }
}

static void test_values(void **state)
{
    (void)state;
    static const struct {
        const char *key, *line;
        void (*set)(struct tls_config *);
    } cases[] = {
        {"sni", "sni: false\n", NULL},
        {"family", "family: ipv6\n", NULL},
        {"min_protocol", "min_protocol: tls1.2\n", NULL},
        {"timeout", "timeout: 2.5\n", NULL},
        {"port", "port: 8443\n", NULL},
        {"security_level", "security_level: 0\n", NULL},
        {"alpn", "alpn:\n- h2\n- http/1.1\n", NULL},
        {"verify", "verify: false\n", NULL},
    };
    struct tls_config c;
    config_init(&c);
    c.no_sni = true;
    c.family = FAMILY_V6;
    c.min_proto = PROTO_TLS1_2;
    c.timeout_s = 2.5;
    c.port = 8443;
    c.sec_level = 0;
    c.verify = false;
    strlist_push(&c.alpn, "h2");
    strlist_push(&c.alpn, "http/1.1");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *yaml = emit_one(&c, cases[i].key);
        assert_string_equal(yaml + strlen("# tlscope profile\n"), cases[i].line);
        free(yaml);
    }
    /* A third of a second needs every digit to read back the same. */
    c.timeout_s = 1.0 / 3.0;
    char *yaml = emit_one(&c, "timeout");
    assert_string_equal(yaml, "# tlscope profile\ntimeout: 0.33333333333333331\n");
    free(yaml);
    /* Absent values write nothing; an empty selection is an empty mapping that loads. */
    yaml =
        profile_emit(&c, UINT64_C(1) << setting_index(setting_find("ciphers")), NULL, NULL, NULL);
    assert_string_equal(yaml, "# tlscope profile\n{}\n");
    struct profile p;
    struct profile_error err;
    assert_int_equal(profile_parse(yaml, strlen(yaml), "empty.yaml", &p, &err), 0);
    assert_int_equal(p.set, 0);
    profile_free(&p);
    free(yaml);
    config_free(&c);
}

static void test_order(void **state)
{
    (void)state;
    struct tls_config c;
    config_init(&c);
    c.verify = false;
    c.ciphers = xstrdup("HIGH");
    c.host = xstrdup("example.com");
    char *yaml = profile_emit(&c, profile_nondefault_keys(&c), "Mine: a test", "base", NULL);
    assert_non_null(yaml);
    assert_string_equal(yaml, "# tlscope profile\n"
                              "description: \"Mine: a test\"\n"
                              "extends: base\n"
                              "host: example.com\n"
                              "ciphers: HIGH\n"
                              "verify: false\n");
    free(yaml);
    config_free(&c);
}

static void test_refusals(void **state)
{
    (void)state;
    struct tls_config c;
    struct profile_error err;
    config_init(&c);
    c.min_proto = PROTO_SSL3;
    assert_null(profile_emit(&c, profile_nondefault_keys(&c), NULL, NULL, &err));
    assert_string_equal(err.message, "`min_protocol`: SSL 3.0 cannot be written to a profile; "
                                     "expected one of tls1.0 tls1.1 tls1.2 tls1.3");
    c.min_proto = PROTO_UNSET;
    c.sec_level = 9;
    assert_null(profile_emit(&c, profile_nondefault_keys(&c), NULL, NULL, &err));
    assert_string_equal(err.message, "security_level: 9 is out of range 0-5");
    c.sec_level = -1;
    c.timeout_s = 0;
    assert_null(profile_emit(&c, profile_nondefault_keys(&c), NULL, NULL, &err));
    assert_string_equal(err.message,
                        "`timeout` 0 is out of range (more than 0, at most 3600 seconds)");
    c.timeout_s = 10;
    c.keylog = xstrdup("bad\xff utf8");
    assert_null(profile_emit(&c, profile_nondefault_keys(&c), NULL, NULL, &err));
    assert_string_equal(err.message, "cannot write `keylog`: the value is not valid UTF-8");
    config_free(&c);
}

static void test_nondefault_keys(void **state)
{
    (void)state;
    struct tls_config c;
    config_init(&c);
    assert_int_equal(profile_nondefault_keys(&c), 0);
    c.verify = false;
    c.no_sni = true;
    strlist_push(&c.pins, "sha256//x");
    uint64_t want = (UINT64_C(1) << setting_index(setting_find("verify"))) |
                    (UINT64_C(1) << setting_index(setting_find("sni"))) |
                    (UINT64_C(1) << setting_index(setting_find("pins")));
    assert_int_equal(profile_nondefault_keys(&c), want);
    config_free(&c);
}

int main(void)
{
    if (engine_register_validators() != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_nondefault_keys),
        cmocka_unit_test(test_round_trip_bundled),
        cmocka_unit_test(test_round_trip_generated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
