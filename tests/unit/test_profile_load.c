/* The profile loader: every error with its line:column and message, every key type in a valid
 * file, file reading, and that a failed parse leaves nothing behind. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine.h"
#include "profile/profile.h"
#include "profile/schema.h"
#include "util/mem.h"
#include "util/strbuf.h"

#define PIN_EMPTY "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

struct bad_case {
    const char *what;
    const char *yaml;
    int line, col;
    const char *message;
    bool prefix; /* message is a prefix: OpenSSL's own reason follows */
};

static const struct bad_case bad_cases[] = {
    /* keys */
    {"unknown key with suggestion", "verify: true\ncipher: ALL\n", 2, 1,
     "unknown key `cipher`, did you mean `ciphers`?", false},
    {"unknown key without suggestion", "zzzzzzzz: 1\n", 1, 1, "unknown key `zzzzzzzz`", false},
    {"unknown key is escaped", "\"\\e[31m\": 1\n", 1, 1, "unknown key `\\x1B[31m`", false},
    {"duplicate key", "verify: true\nciphers: ALL\n\nciphers: HIGH\n", 4, 1,
     "duplicate key `ciphers` (first at line 2)", false},
    {"key that is not a name", "? [a, b]\n: 1\n", 1, 3, "keys must be names, found a sequence",
     false},
    {"key without a value", "port: 443\nciphers:\n", 2, 1,
     "`ciphers` has no value; remove the key for the default (the system's)", false},
    {"null value", "verify: ~\n", 1, 1,
     "`verify` has no value; remove the key for the default (true)", false},
    /* types */
    {"quoted bool", "verify: \"true\"\n", 1, 9,
     "`verify` expects true or false, found the string \"true\"", false},
    {"word for a bool", "ocsp: maybe\n", 1, 7, "ocsp 'maybe': expected true or false", false},
    {"mapping for a string", "ciphers:\n  a: 1\n", 2, 3,
     "`ciphers` expects a string, found a mapping", false},
    {"sequence for a string", "ca_file: [a, b]\n", 1, 10,
     "`ca_file` expects a string, found a sequence", false},
    {"quoted number", "port: \"443\"\n", 1, 7,
     "`port` expects a port number 1-65535, found the string \"443\"", false},
    {"word for a number", "security_level: high\n", 1, 17,
     "security_level 'high': expected a whole number 0-5", false},
    {"hex for a number", "port: 0x1bb\n", 1, 7, "port '0x1bb': expected a whole number 1-65535",
     false},
    {"word for seconds", "timeout: soon\n", 1, 10, "timeout 'soon': expected a number of seconds",
     false},
    {"nan for seconds", "timeout: .nan\n", 1, 10, "timeout '.nan': expected a number of seconds",
     false},
    {"mapping for a list", "alpn: {h2: 1}\n", 1, 7,
     "`alpn` expects a list of strings, found a mapping", false},
    {"mapping in a list", "alpn:\n  - h2\n  - {b: 1}\n", 3, 5,
     "`alpn` items must be strings, found a mapping", false},
    {"empty list item", "alpn: [h2, ~]\n", 1, 12, "`alpn` has an empty item", false},
    {"NUL in a string", "description: \"a\\0b\"\n", 1, 14, "`description` contains a NUL character",
     false},
    {"tag", "ciphers: !!str ALL\n", 1, 10, "tags are not supported in profiles", false},
    /* ranges */
    {"security level out of range", "security_level: 7\n", 1, 17,
     "security_level '7': out of range, expected 0-5", false},
    {"negative security level", "security_level: -1\n", 1, 17,
     "security_level '-1': out of range, expected 0-5", false},
    {"port out of range", "port: 70000\n", 1, 7, "port '70000': out of range, expected 1-65535",
     false},
    {"port zero", "port: 0\n", 1, 7, "port '0': out of range, expected 1-65535", false},
    {"huge number", "port: 99999999999999999999999\n", 1, 7,
     "port '99999999999999999999999': out of range, expected 1-65535", false},
    {"timeout zero", "timeout: 0\n", 1, 10,
     "timeout '0': out of range, expected at least 0.001 and at most 3600 seconds", false},
    {"timeout too long", "timeout: 3600.5\n", 1, 10,
     "timeout '3600.5': out of range, expected at least 0.001 and at most 3600 seconds", false},
    {"timeout too short", "timeout: 1e-300\n", 1, 10,
     "timeout '1e-300': out of range, expected at least 0.001 and at most 3600 seconds", false},
    {"timeout infinite", "timeout: 1e999\n", 1, 10,
     "timeout '1e999': not a finite number of seconds", false},
    /* protocols, families, names */
    {"unknown protocol", "min_protocol: tls1.4\n", 1, 15,
     "min_protocol 'tls1.4': unknown protocol; expected one of tls1.0 tls1.1 tls1.2 tls1.3", false},
    {"min above max", "min_protocol: tls1.3\nmax_protocol: tls1.2\n", 2, 15,
     "min_protocol TLS 1.3 is above max_protocol TLS 1.2 (line 1); no version is left to offer",
     false},
    {"max below min, max first", "max_protocol: tls1.0\nport: 1\nmin_protocol: tls1.2\n", 3, 15,
     "min_protocol TLS 1.2 is above max_protocol TLS 1.0 (line 1); no version is left to offer",
     false},
    {"SSLv3", "max_protocol: SSLv3\n", 1, 15,
     "max_protocol 'SSLv3': SSL 3.0 is not supported; expected one of tls1.0 tls1.1 tls1.2 tls1.3",
     false},
    {"unknown family", "family: ipv5\n", 1, 9,
     "family 'ipv5': unknown address family; expected one of any ipv4 ipv6", false},
    {"bad host", "host: \"bad host\"\n", 1, 7,
     "host: not a host name or an IP address: 'bad host' contains a space", false},
    {"host with a bidi override", "host: \"b\\u00fc\\u202ex\"\n", 1, 7,
     "host: not a host name or an IP address: 'b\xc3\xbc\\u202Ex': U+202E is not allowed in a "
     "host name",
     false},
    {"sni true", "sni: true\n", 1, 6, "sni 'true': expected a server name, or false to send none",
     false},
    {"sni address", "sni: 127.0.0.1\n", 1, 6,
     "sni: '127.0.0.1' is an IP address; a server name must be a host name (RFC 6066 forbids "
     "addresses in SNI)",
     false},
    {"sni short address", "sni: 0x7f.1\n", 1, 6,
     "sni: '0x7f.1' is an IP address; a server name must be a host name (RFC 6066 forbids "
     "addresses in SNI)",
     false},
    {"sni bad name", "sni: \"a b\"\n", 1, 6, "sni: 'a b' contains a space", false},
    {"sni escape", "sni: \"a\\eb\"\n", 1, 6, "sni: 'a\\x1Bb' contains a control character", false},
    {"sni empty", "sni: \"\"\n", 1, 6,
     "sni: empty server name (to send none, use --no-sni or sni: false)", false},
    {"ca_path missing", "ca_path: /nonexistent-tlscope\n", 1, 10,
     "ca_path: /nonexistent-tlscope: No such file or directory", false},
    {"ca_path a file", "ca_path: /etc/hosts\n", 1, 10,
     "ca_path: /etc/hosts is not a directory (a single PEM file goes in --cafile)", false},
    {"ca_file a directory", "ca_file: /\n", 1, 10,
     "ca_file: / is a directory (a hashed CA directory goes in --capath)", false},
    {"ca_file missing", "ca_file: /nonexistent-tlscope.pem\n", 1, 10,
     "ca_file: /nonexistent-tlscope.pem: No such file or directory", false},
    {"bad extends name", "extends: ../secrets\n", 1, 10,
     "`extends`: `../secrets` is not a profile name (letters, digits, - _ .)", false},
    {"extends a mapping", "extends: {a: b}\n", 1, 10,
     "`extends` expects a profile name, found a mapping", false},
    {"literal passphrase", "key: client.key\nkey_passphrase: hunter2\n", 2, 17,
     "key_passphrase: expected env:VAR or file:PATH; a literal passphrase is readable by others "
     "(in a file, or on the command line through ps and the shell history)",
     false},
    {"empty env source", "key_passphrase: \"env:\"\n", 1, 17,
     "key_passphrase: expected env:VAR or file:PATH; a literal passphrase is readable by others "
     "(in a file, or on the command line through ps and the shell history)",
     false},
    /* checked by the engine (OpenSSL) */
    {"cipher string OpenSSL rejects", "ciphers: NOPE-NOTHING\n", 1, 10,
     "ciphers 'NOPE-NOTHING': OpenSSL matched no cipher suite (", true},
    {"bad TLS 1.3 suite", "ciphersuites: TLS_FAKE_SUITE\n", 1, 15,
     "ciphersuites 'TLS_FAKE_SUITE': not a valid TLS 1.3 suite list (", true},
    {"bad group", "groups: X25519:P-999\n", 1, 9, "groups 'X25519:P-999': unknown group name (",
     true},
    {"bad sigalgs", "sigalgs: ECDSA+NOTAHASH\n", 1, 10,
     "sigalgs 'ECDSA+NOTAHASH': unknown signature algorithm (", true},
    {"unknown ignore_errors name",
     "ignore_errors:\n  - X509_V_ERR_CERT_HAS_EXPIRED\n  - X509_V_ERR_CERT_HAS_EXPIRD\n", 3, 5,
     "ignore_errors 'X509_V_ERR_CERT_HAS_EXPIRD': unknown verification error; did you mean "
     "X509_V_ERR_CERT_HAS_EXPIRED?",
     false},
    {"bad pin", "pins: [" PIN_EMPTY ", \"sha256//abc\"]\n", 1, 62,
     "pins 'sha256//abc': expected sha256//BASE64, the base64 SHA-256 of a certificate's public "
     "key (44 characters)",
     false},
    /* the document */
    {"tab indentation", "alpn:\n\t- h2\n", 2, 1, "tab character: YAML indentation must use spaces",
     false},
    {"tab before a key", "verify: true\n\tocsp: true\n", 2, 1,
     "tab character: YAML indentation must use spaces", false},
    {"a scalar", "just words\n", 1, 1, "expected a mapping of profile keys, found `just words`",
     false},
    {"a quoted scalar", "\"x\"\n", 1, 1,
     "expected a mapping of profile keys, found the string \"x\"", false},
    {"a sequence", "- ciphers\n- verify\n", 1, 1,
     "expected a mapping of profile keys, found a sequence", false},
    {"empty", "", 1, 1, "expected a mapping of profile keys, found an empty file", false},
    {"only comments", "# nothing here\n\n", 1, 1,
     "expected a mapping of profile keys, found an empty file", false},
    {"empty document", "---\n", 2, 1, "expected a mapping of profile keys, found nothing", false},
    {"alias", "alpn: *protos\n", 1, 7, "aliases are not supported in profiles", false},
    {"anchor", "alpn: &protos [h2]\n", 1, 7, "anchors and aliases are not supported in profiles",
     false},
    {"billion laughs", "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", 1, 4,
     "anchors and aliases are not supported in profiles", false},
    {"too deep", "alpn: [[[[[[[[[x]]]]]]]]]\n", 1, 14, "nesting deeper than 8 levels", false},
    {"multiple documents", "verify: true\n---\nocsp: true\n", 2, 1,
     "a profile is one YAML document; a second one starts here", false},
    {"invalid UTF-8 trailing byte", "verify: true\ndescription: caf\xc3\n", 2, 18,
     "invalid trailing UTF-8 octet (0x0A)", false},
    {"truncated UTF-8", "verify: true\ndescription: caf\xc3", 2, 17,
     "incomplete UTF-8 octet sequence", false},
    {"invalid UTF-8 lead byte", "description: ok\xff\n", 1, 16,
     "invalid leading UTF-8 octet (0xFF)", false},
    {"control character", "description: a\x07\n", 1, 15,
     "control characters are not allowed (0x07)", false},
    {"syntax error", "alpn: [h2, http/1.1\nverify: true\n", 2, 7,
     "did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 7)", false},
};

static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

static void check_bad(const struct bad_case *c)
{
    struct profile p;
    struct profile_error err;
    memset(&p, 0x5a, sizeof(p));
    int rc = profile_parse(c->yaml, strlen(c->yaml), "dir/bad.yaml", &p, &err);
    if (rc == 0) {
        profile_free(&p);
        fail_msg("%s: accepted", c->what);
    }
    if (err.line != c->line || err.col != c->col)
        fail_msg("%s: at %d:%d, expected %d:%d (%s)", c->what, err.line, err.col, c->line, c->col,
                 err.message);
    bool same = c->prefix ? !strncmp(err.message, c->message, strlen(c->message))
                          : !strcmp(err.message, c->message);
    if (!same)
        fail_msg("%s:\n  got      '%s'\n  expected '%s'%s", c->what, err.message, c->message,
                 c->prefix ? "..." : "");
    assert_string_equal(err.file, "dir/bad.yaml");
    if (!all_zero(&p, sizeof(p)))
        fail_msg("%s: the profile is not zeroed after an error", c->what);
}

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
        check_bad(&bad_cases[i]);
}

static void test_too_large(void **state)
{
    (void)state;
    size_t n = PROFILE_MAX_BYTES + 1;
    char *big = xmalloc(n);
    memset(big, '#', n);
    struct profile p;
    struct profile_error err;
    assert_int_equal(profile_parse(big, n, "big.yaml", &p, &err), -1);
    assert_int_equal(err.line, 0);
    assert_int_equal(err.col, 0);
    assert_string_equal(err.message, "file is 262145 bytes; profiles are at most 256 KiB");
    /* Exactly the limit is parsed (and found empty). */
    assert_int_equal(profile_parse(big, n - 1, "big.yaml", &p, &err), -1);
    assert_string_equal(err.message, "expected a mapping of profile keys, found an empty file");
    free(big);
}

static void test_long_list(void **state)
{
    (void)state;
    struct strbuf sb = {0};
    sb_puts(&sb, "alpn:\n");
    for (int i = 0; i < PROFILE_MAX_LIST + 1; i++)
        sb_puts(&sb, "  - h2\n");
    struct profile p;
    struct profile_error err;
    assert_int_equal(profile_parse(sb.buf, sb.len, "long.yaml", &p, &err), -1);
    assert_int_equal(err.line, PROFILE_MAX_LIST + 2);
    assert_int_equal(err.col, 5);
    assert_string_equal(err.message, "a list holds at most 256 items");
    /* 256 items are fine. */
    assert_int_equal(profile_parse(sb.buf, sb.len - strlen("  - h2\n"), "long.yaml", &p, &err), 0);
    assert_int_equal(p.cfg.alpn.len, PROFILE_MAX_LIST);
    profile_free(&p);
    sb_free(&sb);
}

static const char every_key[] = "# every key, one of each type\n"
                                "description: \"Lab: every key\"\n"
                                "extends: base-1.2_x\n"
                                "host: example.com\n"
                                "port: 8443\n"
                                "sni: www.example.com\n"
                                "family: ipv6\n"
                                "min_protocol: TLSv1.2\n"
                                "max_protocol: 1.3\n"
                                "ciphers: ECDHE+AESGCM:!aNULL\n"
                                "ciphersuites: 'TLS_AES_128_GCM_SHA256'\n"
                                "groups: X25519:P-256\n"
                                "sigalgs: ECDSA+SHA256:RSA-PSS+SHA256\n"
                                "security_level: 0\n"
                                "alpn: [h2, \"http/1.1\"]\n"
                                "verify: off\n"
                                "hostname_check: No\n"
                                "ca_file: /etc/hosts\n"
                                "ca_path: \"/etc\"\n"
                                "ignore_errors:\n"
                                "  - X509_V_ERR_CERT_HAS_EXPIRED\n"
                                "  - X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT\n"
                                "pins: " PIN_EMPTY "\n"
                                "cert: client.pem\n"
                                "key: client.key\n"
                                "key_passphrase: file:/run/secrets/pass\n"
                                "ocsp: YES\n"
                                "reconnect: true\n"
                                "keylog: /tmp/keys.log\n"
                                "timeout: 2.5\n";

static void test_every_type(void **state)
{
    (void)state;
    struct profile p;
    struct profile_error err;
    if (profile_parse(every_key, strlen(every_key), "/x/y/lab.yaml", &p, &err) < 0)
        fail_msg("%d:%d: %s", err.line, err.col, err.message);
    const struct tls_config *c = &p.cfg;
    assert_string_equal(p.name, "lab");
    assert_string_equal(p.path, "/x/y/lab.yaml");
    assert_string_equal(p.description, "Lab: every key");
    assert_string_equal(p.extends, "base-1.2_x");
    assert_string_equal(c->host, "example.com");
    assert_int_equal(c->port, 8443);
    assert_string_equal(c->sni, "www.example.com");
    assert_false(c->no_sni);
    assert_int_equal(c->family, FAMILY_V6);
    assert_int_equal(c->min_proto, PROTO_TLS1_2);
    assert_int_equal(c->max_proto, PROTO_TLS1_3);
    assert_string_equal(c->ciphers, "ECDHE+AESGCM:!aNULL");
    assert_string_equal(c->ciphersuites, "TLS_AES_128_GCM_SHA256");
    assert_string_equal(c->groups, "X25519:P-256");
    assert_string_equal(c->sigalgs, "ECDSA+SHA256:RSA-PSS+SHA256");
    assert_int_equal(c->sec_level, 0);
    assert_int_equal(c->alpn.len, 2);
    assert_string_equal(c->alpn.items[0], "h2");
    assert_string_equal(c->alpn.items[1], "http/1.1");
    assert_false(c->verify);
    assert_false(c->hostname_check);
    assert_string_equal(c->ca_file, "/etc/hosts");
    assert_string_equal(c->ca_path, "/etc");
    assert_int_equal(c->ignore_errors.len, 2);
    assert_string_equal(c->ignore_errors.items[1], "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT");
    assert_int_equal(c->pins.len, 1); /* one scalar is a one-item list */
    assert_string_equal(c->pins.items[0], PIN_EMPTY);
    assert_string_equal(c->cert_file, "client.pem");
    assert_string_equal(c->key_file, "client.key");
    assert_string_equal(c->key_pass, "file:/run/secrets/pass");
    assert_true(c->ocsp);
    assert_true(c->reconnect);
    assert_string_equal(c->keylog, "/tmp/keys.log");
    assert_true(c->timeout_s == 2.5);
    /* Every key in the file is in the set mask; description and extends are not. */
    for (size_t i = 0; i < settings_count(); i++) {
        const struct setting *k = setting_at(i);
        char *line = xasprintf("\n%s:", k->name);
        bool in_file = strstr(every_key, line) != NULL;
        free(line);
        bool expect = k->type != SET_META && in_file;
        if (((p.set >> i) & 1) != expect)
            fail_msg("key %s: set bit %d", k->name, (int)((p.set >> i) & 1));
    }
    profile_free(&p);
    assert_null(p.name);
}

/* Hosts and server names are stored in the form the connection uses: the same rules as the
 * command line (config_host_normalize, config_sni_normalize). */
static void test_normalised_names(void **state)
{
    (void)state;
    static const struct {
        const char *doc, *host, *sni;
    } cases[] = {
        {"host: 0x7f.1\n", "127.0.0.1", NULL},
        {"host: \"6\"\n", "0.0.0.6", NULL},
        {"host: BÜCHER.example\n", "xn--bcher-kva.example", NULL},
        {"host: example.com.\n", "example.com", NULL},
        {"sni: bücher.example\n", NULL, "xn--bcher-kva.example"},
        {"timeout: 0.001\n", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct profile p;
        struct profile_error err;
        if (profile_parse(cases[i].doc, strlen(cases[i].doc), "n.yaml", &p, &err) < 0)
            fail_msg("case %zu: %d:%d: %s", i, err.line, err.col, err.message);
        if (cases[i].host)
            assert_string_equal(p.cfg.host, cases[i].host);
        if (cases[i].sni)
            assert_string_equal(p.cfg.sni, cases[i].sni);
        profile_free(&p);
    }
}

/* Small variants: the other spellings each type accepts. */
static void test_variants(void **state)
{
    (void)state;
    static const char doc[] = "sni: false\n"
                              "family: IPv4\n"
                              "host: \"::1\"\n"
                              "min_protocol: \"tls1.0\"\n"
                              "max_protocol: tls1.1\n"
                              "alpn: h2\n"
                              "verify: On\n"
                              "ocsp: no\n"
                              "key_passphrase: env:KEY_PASS\n"
                              "security_level: +5\n"
                              "timeout: 1e1\n"
                              "port: 1\n";
    struct profile p;
    struct profile_error err;
    if (profile_parse(doc, sizeof(doc) - 1, "v.yml", &p, &err) < 0)
        fail_msg("%d:%d: %s", err.line, err.col, err.message);
    assert_string_equal(p.name, "v");
    assert_int_equal(p.origin, PROFILE_FILE);
    assert_null(p.cfg.sni);
    assert_true(p.cfg.no_sni);
    assert_int_equal(p.cfg.family, FAMILY_V4);
    assert_string_equal(p.cfg.host, "::1");
    assert_int_equal(p.cfg.min_proto, PROTO_TLS1_0);
    assert_int_equal(p.cfg.max_proto, PROTO_TLS1_1);
    assert_int_equal(p.cfg.alpn.len, 1);
    assert_true(p.cfg.verify);
    assert_false(p.cfg.ocsp);
    assert_string_equal(p.cfg.key_pass, "env:KEY_PASS");
    assert_int_equal(p.cfg.sec_level, 5);
    assert_true(p.cfg.timeout_s == 10.0);
    assert_int_equal(p.cfg.port, 1);
    assert_null(p.description);
    profile_free(&p);

    /* A quoted "false" is a server name; an empty mapping is an empty profile. */
    static const char quoted[] = "sni: \"false\"\n";
    assert_int_equal(profile_parse(quoted, sizeof(quoted) - 1, "q", &p, &err), 0);
    assert_string_equal(p.cfg.sni, "false");
    assert_false(p.cfg.no_sni);
    profile_free(&p);
    assert_int_equal(profile_parse("{}\n", 3, "e.yaml", &p, &err), 0);
    assert_int_equal(p.set, 0);
    assert_int_equal(p.cfg.port, 443);
    profile_free(&p);
}

static char *write_temp(const char *dir, const char *name, const char *data, size_t n)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void test_load_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/tlscope-profile-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct profile p;
    struct profile_error err;
    char buf[1200];

    char *good = write_temp(dir, "mine.yaml", "ocsp: true\n", 11);
    assert_int_equal(profile_load_file(good, PROFILE_USER, &p, &err), 0);
    assert_string_equal(p.name, "mine");
    assert_string_equal(p.path, good);
    assert_int_equal(p.origin, PROFILE_USER);
    assert_true(p.cfg.ocsp);
    profile_free(&p);

    char *missing = xasprintf("%s/absent.yaml", dir);
    assert_int_equal(profile_load_file(missing, PROFILE_FILE, &p, &err), -1);
    assert_string_equal(err.file, missing);
    assert_int_equal(err.line, 0);
    assert_string_equal(err.message, "cannot read profile: No such file or directory");
    char *want = xasprintf("%s: cannot read profile: No such file or directory", missing);
    assert_string_equal(profile_error_format(&err, buf, sizeof(buf)), want);
    assert_true(all_zero(&p, sizeof(p)));

    assert_int_equal(profile_load_file(dir, PROFILE_FILE, &p, &err), -1);
    assert_string_equal(err.message, "cannot read profile: not a regular file");

    char *big_data = xmalloc(PROFILE_MAX_BYTES + 10);
    memset(big_data, '#', PROFILE_MAX_BYTES + 10);
    char *big = write_temp(dir, "big.yaml", big_data, PROFILE_MAX_BYTES + 10);
    assert_int_equal(profile_load_file(big, PROFILE_FILE, &p, &err), -1);
    assert_string_equal(err.message, "file is 262154 bytes; profiles are at most 256 KiB");

    char *bad = write_temp(dir, "bad.yaml", "verify: true\ncipher: x\n", 23);
    assert_int_equal(profile_load_file(bad, PROFILE_FILE, &p, &err), -1);
    free(want);
    want = xasprintf("%s:2:1: unknown key `cipher`, did you mean `ciphers`?", bad);
    assert_string_equal(profile_error_format(&err, buf, sizeof(buf)), want);

    const char *files[] = {good, big, bad};
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(unlink(files[i]), 0);
    assert_int_equal(rmdir(dir), 0);
    free(want);
    free(big_data);
    free(good);
    free(missing);
    free(big);
    free(bad);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(profile_origin_name(PROFILE_BUNDLED), "bundled");
    assert_string_equal(profile_origin_name(PROFILE_USER), "user");
    assert_string_equal(profile_origin_name(PROFILE_FILE), "file");
    struct profile_error e = {.file = "", .line = 0, .col = 0, .message = "plain"};
    char buf[64];
    assert_string_equal(profile_error_format(&e, buf, sizeof(buf)), "plain");
    snprintf(e.file, sizeof(e.file), "a.yaml");
    e.line = 3;
    e.col = 7;
    assert_string_equal(profile_error_format(&e, buf, sizeof(buf)), "a.yaml:3:7: plain");
    assert_string_equal(profile_error_format(&e, buf, 5), "a.ya");
}

int main(void)
{
    if (engine_register_validators() != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors),    cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_long_list), cmocka_unit_test(test_every_type),
        cmocka_unit_test(test_variants),  cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_names),     cmocka_unit_test(test_normalised_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
