/* The settings table, row by row: every flag round-trips flag → config → YAML → config, is
 * listed by --help and in the man page (docs/tlscope.1), matches its row's flag column; and a
 * bad value is refused with the same words from a flag (the binary), a profile (with
 * file:line:col) and the editor's entry point (profile_set_text). profile/ includes no engine
 * header: its values are checked through validators the engine registers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "lib/harness.h"
#include "profile/profile.h"
#include "settings/settings.h"
#include "util/fsutil.h"
#include "util/mem.h"

static char *ca_file;

/* A good, non-default value for the flag's key (flags with a fixed value take none). */
static const char *sample(const struct setting_flag *f)
{
    static const struct {
        const char *key, *value;
    } samples[] = {
        {"sni", "example.com"},
        {"alpn", "h2,http/1.1"},
        {"min_protocol", "tls1.0"},
        {"max_protocol", "tls1.2"},
        {"ciphers", "ECDHE+AESGCM"},
        {"ciphersuites", "TLS_AES_128_GCM_SHA256"},
        {"groups", "X25519:P-256"},
        {"sigalgs", "ed25519:rsa_pss_rsae_sha256"},
        {"security_level", "2"},
        {"ca_path", "/"},
        {"cert", "/tmp/client.pem"},
        {"key", "/tmp/client.key"},
        {"key_passphrase", "env:TLSCOPE_PASS"},
        {"ignore_errors", "X509_V_ERR_CERT_HAS_EXPIRED"},
        {"pins", "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},
        {"keylog", "/tmp/tlscope-keys.log"},
        {"timeout", "2.5"},
        {"theme", "light"},
        {"starttls", "smtp"},
        {"xmpp_host", "chat.example.org"},
        {"ehlo_name", "mx.example.org"},
        {"scan_parallel", "3"},
        {"scan_delay", "15"},
        {"ct_logs", "/tmp/ct_logs.cnf"},
    };
    if (f->fixed)
        return NULL;
    if (!strcmp(setting_flag_setting(f)->name, "ca_file"))
        return ca_file;
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
        if (!strcmp(samples[i].key, setting_flag_setting(f)->name))
            return samples[i].value;
    fail_msg("no sample value for %s (key %s): add one", setting_flag_label(f),
             setting_flag_setting(f)->name);
    return NULL;
}

static void test_every_flag_round_trips(void **state)
{
    (void)state;
    assert_true(settings_flag_count() > 20);
    for (size_t i = 0; i < settings_flag_count(); i++) {
        const struct setting_flag *f = settings_flag_at(i);
        const struct setting *k = setting_find(setting_flag_setting(f)->name);
        if (!k)
            fail_msg("%s sets unknown key %s", setting_flag_label(f),
                     setting_flag_setting(f)->name);
        /* the row's flag column names every flag that sets it */
        const char *flags = setting_flags_text(k);
        if (!flags || !strstr(flags, setting_flag_label(f)))
            fail_msg("row %s: flags text '%s' misses %s", k->name, flags ? flags : "",
                     setting_flag_label(f));
        struct tls_config c, back_cfg;
        struct setting_error se;
        char buf[700];
        config_init(&c);
        if (setting_flag_apply(f, sample(f), &c, &se) < 0)
            fail_msg("%s %s: %s", setting_flag_label(f), sample(f) ? sample(f) : "",
                     setting_error_format(&se, setting_flag_label(f), buf, sizeof buf));
        if (setting_is_default(k, &c))
            fail_msg("%s left %s at its default", setting_flag_label(f), k->name);
        struct profile_error perr;
        char *yaml = profile_emit(&c, profile_nondefault_keys(&c), NULL, NULL, &perr);
        if (!yaml)
            fail_msg("%s: not emitted: %s", setting_flag_label(f), perr.message);
        struct profile p;
        if (profile_parse(yaml, strlen(yaml), "rt.yaml", &p, &perr) < 0)
            fail_msg("%s: YAML does not load back: %s\n%s", setting_flag_label(f), perr.message,
                     yaml);
        config_init(&back_cfg);
        for (size_t j = 0; j < settings_count(); j++)
            if (!setting_equal(setting_at(j), &p.cfg, &c))
                fail_msg("%s: %s differs after flag → YAML → config:\n%s", setting_flag_label(f),
                         setting_at(j)->name, yaml);
        config_free(&back_cfg);
        profile_free(&p);
        free(yaml);
        config_free(&c);
    }
}

/* The man page spells "--no-sni" as "\-\-no\-sni". */
static char *troff(const char *label)
{
    char *out = xcalloc(1, 2 * strlen(label) + 1), *o = out;
    for (const char *p = label; *p; p++) {
        if (*p == '-')
            *o++ = '\\';
        *o++ = *p;
    }
    return out;
}

static void test_every_flag_documented(void **state)
{
    (void)state;
    char *help = NULL, *man = NULL, *err = NULL, ferr[256];
    size_t n;
    const char *const argv[] = {"--help", NULL};
    assert_int_equal(run_tlscope(argv, 10, &help, NULL), 0);
    char *man_path = xstrdup("docs/tlscope.1"); /* tests run from the source root */
    if (file_read_bounded(man_path, 1 << 20, &man, &n, ferr, sizeof ferr) < 0)
        fail_msg("%s", ferr);
    for (size_t i = 0; i < settings_flag_count(); i++) {
        const struct setting_flag *f = settings_flag_at(i);
        const char *label = setting_flag_label(f);
        char *needle = xasprintf("%s%s", label, f->name ? "" : " ");
        if (!strstr(help, needle))
            fail_msg("--help does not list %s:\n%s", label, help);
        free(needle);
        char *t = troff(label);
        if (!strstr(man, t))
            fail_msg("docs/tlscope.1 does not document %s (as %s)", label, t);
        free(t);
    }
    for (size_t i = 0; i < settings_count(); i++) /* and --help lists every profile key */
        if (!strstr(help, setting_at(i)->name))
            fail_msg("--help does not list the key %s", setting_at(i)->name);
    free(man_path);
    free(man);
    free(help);
    free(err);
}

/* One bad value, refused the same way by the editor, a profile and a flag. */
static void check_refused(const char *key, const char *bad)
{
    const struct setting *k = setting_find(key);
    assert_non_null(k);
    struct tls_config c;
    char editor[600];
    config_init(&c);
    if (profile_set_text(k, bad, &c, editor, sizeof editor) == 0)
        fail_msg("editor: %s '%s' accepted", key, bad);
    config_free(&c);
    if (strncmp(editor, key, strlen(key)) != 0)
        fail_msg("editor: the message does not start with the key: %s", editor);

    char *doc = xasprintf("# a comment\n%s: %s\n", key, bad);
    struct profile p;
    struct profile_error perr;
    if (profile_parse(doc, strlen(doc), "bad.yaml", &p, &perr) == 0)
        fail_msg("profile: %s '%s' accepted", key, bad);
    char where[1200], want[1200];
    profile_error_format(&perr, where, sizeof where);
    snprintf(want, sizeof want, "bad.yaml:2:%zu: %s", strlen(key) + 3, editor);
    if (strcmp(where, want) != 0)
        fail_msg("profile and editor differ:\n  profile %s\n  want    %s", where, want);
    free(doc);

    const struct setting_flag *f = NULL;
    for (size_t i = 0; i < settings_flag_count() && !f; i++)
        if (!strcmp(setting_flag_setting(settings_flag_at(i))->name, key) &&
            !settings_flag_at(i)->fixed)
            f = settings_flag_at(i);
    assert_non_null(f);
    const char *const argv[] = {setting_flag_label(f), bad, "127.0.0.1", NULL};
    char *err = NULL;
    int st = run_tlscope(argv, 10, NULL, &err);
    char *flag_want = xasprintf("tlscope: %s%s\n", setting_flag_label(f), editor + strlen(key));
    if (st != 64 || strncmp(err, flag_want, strlen(flag_want)) != 0)
        fail_msg("flag: exit %d\n  stderr %s  want   %s", st, err, flag_want);
    free(flag_want);
    free(err);
}

static void test_refused_the_same_way(void **state)
{
    (void)state;
    check_refused("security_level", "9");
    check_refused("security_level", "high");
    check_refused("timeout", "0");
    check_refused("timeout", "3601");
    check_refused("scan_parallel", "0");
    check_refused("scan_parallel", "65");
    check_refused("scan_delay", "-1");
    check_refused("min_protocol", "tls9");
    check_refused("max_protocol", "ssl3");
    check_refused("sni", "127.0.0.1");
    check_refused("ciphers", "NOPE-NOT-A-CIPHER");
    check_refused("groups", "P-999");
    check_refused("pins", "md5//abc");
    check_refused("ignore_errors", "X509_V_ERR_CERT_HAS_EXPIRD");
    check_refused("key_passphrase", "hunter2");
    check_refused("ca_file", "/nonexistent-tlscope.pem");
}

/* A validator row with nothing registered refuses (never lets a value through), and the
 * error is structured: key, value, reason apart. */
static void test_structured_error(void **state)
{
    (void)state;
    struct setting_error se;
    const struct setting *k = setting_find("groups");
    assert_int_equal(settings_validate(k, "P-999", &se), -1);
    assert_string_equal(se.key, "groups");
    assert_string_equal(se.value, "P-999");
    assert_non_null(strstr(se.reason, "unknown group name"));
    assert_null(strstr(se.reason, "P-999'"));
    assert_int_equal(settings_validate(k, "X25519", &se), 0);
    assert_int_equal(settings_set_validator("port", NULL), -1); /* not a validator row */
    assert_int_equal(settings_set_validator("no_such_key", NULL), -1);
    assert_true(settings_validators_ready());
}

static bool file_is_dir_for_test(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f)
        fclose(f);
    return f != NULL;
}

/* profile/ checks values through the table, never by calling the engine. */
static void test_profile_includes_no_engine(void **state)
{
    (void)state;
    assert_true(file_is_dir_for_test("src/profile"));
    FILE *p = popen("grep -rlE '#include *\"engine/' src/profile src/settings", "r");
    assert_non_null(p);
    char line[512] = "";
    bool any = fgets(line, sizeof line, p) != NULL;
    pclose(p);
    if (any)
        fail_msg("includes the engine: %s", line);
}

int main(void)
{
    if (engine_register_validators() != 0)
        return 1;
    harness_dir();
    ca_file = harness_path("root.crt");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_flag_round_trips),
        cmocka_unit_test(test_every_flag_documented),
        cmocka_unit_test(test_refused_the_same_way),
        cmocka_unit_test(test_structured_error),
        cmocka_unit_test(test_profile_includes_no_engine),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(ca_file);
    return rc;
}
