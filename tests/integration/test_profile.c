/* Profiles end to end through the binary: load by name and path, flags over profile values,
 * extends, save then reuse, listing and shadowing, errors that point at the line, and the
 * bundled profiles against real servers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/harness.h"
#include "util/mem.h"

#define GOOD_CHAIN "-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain", "@inter.crt"
#define ARGS(...)  ((const char *const[]){__VA_ARGS__, NULL})

static struct peer good; /* TLS 1.2 and 1.3, ALPN h2 */
static char target[64];
static char *root_ca;
static char *config_home; /* XDG_CONFIG_HOME for every run */
static char *profile_dir; /* config_home/tlscope/profiles */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Writes a user profile NAME.yaml with the given body. */
static void user_profile(const char *name, const char *body)
{
    char *path = xasprintf("%s/%s.yaml", profile_dir, name);
    write_file(path, body);
    free(path);
}

static int setup(void **state)
{
    (void)state;
    if (peer_s_server(&good, false, ARGS(GOOD_CHAIN, "-alpn", "h2")) != 0)
        return -1;
    snprintf(target, sizeof(target), "127.0.0.1:%u", (unsigned)good.port);
    root_ca = harness_path("root.crt");
    config_home = harness_path("xdg-config");
    profile_dir = xasprintf("%s/tlscope/profiles", config_home);
    char *cmd = xasprintf("mkdir -p '%s'", profile_dir);
    if (system(cmd) != 0)
        return -1;
    free(cmd);
    setenv("XDG_CONFIG_HOME", config_home, 1);
    unsetenv("TLSCOPE_DATADIR");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    peer_stop(&good);
    free(root_ca);
    free(config_home);
    free(profile_dir);
    return 0;
}

static json_t *run_json(int expect, const char *const *argv)
{
    char *out, *err;
    int st = run_tlscope(argv, 20, &out, &err);
    if (st != expect)
        fail_msg("exit %d, expected %d; stderr: %s", st, expect, err);
    json_error_t je;
    json_t *j = json_loads(out, 0, &je);
    if (!j)
        fail_msg("no JSON: %s / %s", out, err);
    free(out);
    free(err);
    return j;
}

static const char *jstr(json_t *j, const char *key)
{
    return json_string_value(json_object_get(j, key));
}

static void test_profile_pins_tls12(void **state)
{
    (void)state;
    user_profile("tls12", "description: TLS 1.2 only\nmax_protocol: tls1.2\nalpn: [h2]\n");
    json_t *j = run_json(0, ARGS("--json", "--profile", "tls12", "--cafile", root_ca, target));
    assert_string_equal(jstr(j, "protocol"), "TLSv1.2");
    assert_string_equal(jstr(j, "alpn"), "h2");
    json_t *max = json_object_get(json_object_get(j, "settings"), "max_protocol");
    assert_string_equal(jstr(max, "value"), "TLSv1.2");
    assert_string_equal(jstr(max, "source"), "option");
    json_decref(j);
    /* the same file by path */
    char *path = xasprintf("%s/tls12.yaml", profile_dir);
    j = run_json(0, ARGS("--json", "--profile", path, "--cafile", root_ca, target));
    assert_string_equal(jstr(j, "protocol"), "TLSv1.2");
    json_decref(j);
    free(path);
}

static void test_flags_override_profile(void **state)
{
    (void)state;
    user_profile("tls12b", "max_protocol: tls1.2\n");
    json_t *j = run_json(0, ARGS("--json", "--profile", "tls12b", "--max-proto", "tls1.3",
                                 "--cafile", root_ca, target));
    assert_string_equal(jstr(j, "protocol"), "TLSv1.3");
    json_decref(j);
    /* order does not matter: flags always win over the profile */
    j = run_json(0, ARGS("--json", "--max-proto", "tls1.3", "--profile", "tls12b", "--cafile",
                         root_ca, target));
    assert_string_equal(jstr(j, "protocol"), "TLSv1.3");
    json_decref(j);
}

static void test_extends_merges(void **state)
{
    (void)state;
    user_profile("parent", "alpn: [h2]\nmax_protocol: tls1.3\n");
    user_profile("child", "extends: parent\nmax_protocol: tls1.2\n");
    json_t *j = run_json(0, ARGS("--json", "--profile", "child", "--cafile", root_ca, target));
    assert_string_equal(jstr(j, "protocol"), "TLSv1.2"); /* child overrides */
    assert_string_equal(jstr(j, "alpn"), "h2");          /* parent's value kept */
    json_decref(j);
    /* a user profile may extend the bundled profile of the same name */
    user_profile("modern", "extends: modern\nalpn: [http/1.1]\n");
    char *out, *err;
    assert_int_equal(run_tlscope(ARGS("--show-profile", "modern"), 10, &out, &err), 0);
    assert_non_null(strstr(out, "max_protocol: tls1.3"));
    assert_non_null(strstr(out, "http/1.1"));
    free(out);
    free(err);
    char *path = xasprintf("%s/modern.yaml", profile_dir);
    unlink(path);
    free(path);
}

static void test_extends_cycle_and_missing(void **state)
{
    (void)state;
    user_profile("cyc-a", "extends: cyc-b\n");
    user_profile("cyc-b", "extends: cyc-a\n");
    char *out, *err;
    assert_int_equal(run_tlscope(ARGS("--profile", "cyc-a", target), 10, &out, &err), 64);
    assert_non_null(strstr(err, "extends cycle"));
    assert_string_equal(out, "");
    free(out);
    free(err);
    /* each file is fine on its own; merged, no version is left */
    user_profile("cap12", "max_protocol: tls1.2\n");
    user_profile("only13", "extends: cap12\nmin_protocol: tls1.3\n");
    assert_int_equal(run_tlscope(ARGS("--profile", "only13", target), 10, &out, &err), 64);
    assert_non_null(strstr(err, "only13.yaml"));
    assert_non_null(strstr(err, "min_protocol TLS 1.3 is above max_protocol TLS 1.2 once the "
                                "extends chain is merged"));
    assert_string_equal(out, "");
    free(out);
    free(err);
    user_profile("orphan", "extends: no-such-parent\n");
    assert_int_equal(run_tlscope(ARGS("--profile", "orphan", target), 10, &out, &err), 64);
    assert_non_null(strstr(err, "no-such-parent"));
    free(out);
    free(err);
}

/* A user profile extending its own name means the bundled one it shadows; when there is
 * none, the message says the profile names itself (no "did you mean" its own name). */
static void test_extends_self(void **state)
{
    (void)state;
    user_profile("selfish", "extends: selfish\n");
    char *out, *err;
    assert_int_equal(run_tlscope(ARGS("--profile", "selfish", target), 10, &out, &err), 64);
    assert_non_null(strstr(err, "selfish.yaml: extends 'selfish' names this profile itself"));
    assert_non_null(strstr(err, "no bundled profile 'selfish'"));
    assert_null(strstr(err, "did you mean"));
    assert_string_equal(out, "");
    free(out);
    free(err);
    char *path = xasprintf("%s/selfish.yaml", profile_dir);
    unlink(path);
    free(path);
}

/* The value rules the command line uses (config.h) hold in profiles too, at file:line:col. */
static void test_profile_value_rules(void **state)
{
    (void)state;
    static const struct {
        const char *name, *body, *err_has;
    } cases[] = {
        {"v-sni-space", "sni: \"a b\"\n", "v-sni-space.yaml:1:6: sni: 'a b' contains a space"},
        {"v-sni-ip", "sni: 0x7f.1\n", "v-sni-ip.yaml:1:6: sni: '0x7f.1' is an IP address"},
        {"v-timeout", "timeout: 1e-300\n",
         "v-timeout.yaml:1:10: timeout '1e-300': out of range, expected at least 0.001"},
        {"v-capath", "ca_path: /nonexistent\n",
         "v-capath.yaml:1:10: ca_path: /nonexistent: No such file or directory"},
        {"v-cafile", "port: 1\nca_file: /tmp\n",
         "v-cafile.yaml:2:10: ca_file: /tmp is a directory"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        user_profile(cases[i].name, cases[i].body);
        char *out, *err;
        int st = run_tlscope(ARGS("--json", "--profile", cases[i].name, target), 10, &out, &err);
        if (st != 64 || !strstr(err, cases[i].err_has))
            fail_msg("%s: exit %d, stderr: %s", cases[i].name, st, err);
        assert_string_equal(out, "");
        free(out);
        free(err);
        char *path = xasprintf("%s/%s.yaml", profile_dir, cases[i].name);
        unlink(path);
        free(path);
    }
}

/* --list-profiles prints names and descriptions from files: an OSC title sequence in a
 * description or an ESC in a file name arrive escaped. */
static void test_list_profiles_escapes(void **state)
{
    (void)state;
    user_profile("osc", "description: \"title \\e]0;PWNED\\a here\"\n");
    char *odd = xasprintf("%s/ev\x1b[31mil.yaml", profile_dir);
    write_file(odd, "description: plain\n");
    char *out, *err;
    assert_int_equal(run_tlscope(ARGS("--list-profiles"), 10, &out, &err), 0);
    if (strchr(out, '\x1b') || strchr(out, '\x07') || strchr(err, '\x1b'))
        fail_msg("a control byte reached the terminal:\n%s", out);
    assert_non_null(strstr(out, "title \\x1B]0;PWNED\\x07 here"));
    assert_non_null(strstr(out, "ev\\x1B[31mil"));
    free(out);
    free(err);
    unlink(odd);
    free(odd);
    char *path = xasprintf("%s/osc.yaml", profile_dir);
    unlink(path);
    free(path);
}

static void test_save_then_reuse(void **state)
{
    (void)state;
    char *out, *err;
    int st = run_tlscope(ARGS("--save-profile", "saved", "--max-proto", "tls1.2", "--alpn", "h2",
                              "--cafile", root_ca, target),
                         20, &out, &err);
    if (st != 0)
        fail_msg("save: exit %d: %s", st, err);
    assert_non_null(strstr(err, "saved profile 'saved'"));
    char *path = xasprintf("%s/saved.yaml", profile_dir);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    free(out);
    free(err);
    /* without --force an existing profile is never replaced */
    st = run_tlscope(ARGS("--save-profile", "saved", "--max-proto", "tls1.3", target), 20, &out,
                     &err);
    assert_int_equal(st, 64);
    assert_non_null(strstr(err, "--force"));
    free(out);
    free(err);

    json_t *a = run_json(
        0, ARGS("--json", "--max-proto", "tls1.2", "--alpn", "h2", "--cafile", root_ca, target));
    json_t *b = run_json(0, ARGS("--json", "--profile", "saved")); /* target from the profile */
    static const char *const facts[] = {"protocol", "alpn", "group"};
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(jstr(a, facts[i]), jstr(b, facts[i]));
    assert_string_equal(jstr(json_object_get(a, "cipher"), "iana"),
                        jstr(json_object_get(b, "cipher"), "iana"));
    assert_true(json_equal(json_object_get(json_object_get(a, "verify"), "ok"),
                           json_object_get(json_object_get(b, "verify"), "ok")));
    /* the same target (the addresses tried carry their times, which differ run to run) */
    json_t *ta = json_object_get(a, "target"), *tb = json_object_get(b, "target");
    json_object_del(ta, "addresses");
    json_object_del(tb, "addresses");
    assert_true(json_equal(ta, tb));
    json_decref(a);
    json_decref(b);
    free(path);
}

static void test_bad_profile_points_at_line(void **state)
{
    (void)state;
    user_profile("broken", "description: typo below\nmax_protocol: tls1.2\ncipher: AES128-SHA\n");
    char *out, *err;
    assert_int_equal(run_tlscope(ARGS("--json", "--profile", "broken", target), 10, &out, &err),
                     64);
    assert_string_equal(out, ""); /* nothing half-applied, nothing printed */
    assert_non_null(strstr(err, "broken.yaml:3:1"));
    assert_non_null(strstr(err, "did you mean `ciphers`"));
    free(out);
    free(err);
    user_profile("badcipher", "ciphers: NOT-A-CIPHER\n");
    assert_int_equal(run_tlscope(ARGS("--profile", "badcipher", target), 10, &out, &err), 64);
    assert_non_null(strstr(err, "badcipher.yaml:1:10"));
    free(out);
    free(err);
    assert_int_equal(run_tlscope(ARGS("--profile", "nope-not-here", target), 10, &out, &err), 64);
    assert_non_null(strstr(err, "no profile named 'nope-not-here'"));
    free(out);
    free(err);
}

static void test_tilde_in_paths(void **state)
{
    (void)state;
    /* "~/" expands to $HOME: the CA file is found through it */
    char *home = harness_path("home");
    char *cmd = xasprintf("mkdir -p '%s' && cp '%s' '%s/lab-root.pem'", home, root_ca, home);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    const char *old = getenv("HOME");
    char *saved = old ? xstrdup(old) : NULL;
    setenv("HOME", home, 1);
    user_profile("tilde", "ca_file: ~/lab-root.pem\n");
    json_t *j = run_json(0, ARGS("--json", "--profile", "tilde", target));
    assert_true(json_is_true(json_object_get(json_object_get(j, "verify"), "ok")));
    json_decref(j);
    if (saved)
        setenv("HOME", saved, 1);
    free(saved);
    free(home);
}

static void test_list_and_shadow(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(run_tlscope(ARGS("--list-profiles"), 10, &out, &err), 0);
    static const char *const bundled[] = {"default", "modern",       "intermediate", "legacy",
                                          "strict",  "mtls-example", "no-verify"};
    for (size_t i = 0; i < sizeof(bundled) / sizeof(bundled[0]); i++) {
        char *line = xasprintf("\n%s ", bundled[i]);
        if (!strstr(out, line))
            fail_msg("--list-profiles lacks %s:\n%s", bundled[i], out);
        free(line);
    }
    assert_non_null(strstr(out, "bundled"));
    free(out);
    free(err);
    user_profile("legacy", "description: my own legacy\nmin_protocol: tls1.1\nsecurity_level: 0\n");
    assert_int_equal(run_tlscope(ARGS("--list-profiles"), 10, &out, &err), 0);
    assert_non_null(strstr(out, "my own legacy"));
    assert_non_null(strstr(out, "shadowed"));
    free(out);
    free(err);
    assert_int_equal(run_tlscope(ARGS("--show-profile", "legacy"), 10, &out, &err), 0);
    assert_non_null(strstr(out, "min_protocol: tls1.1")); /* the user's file wins */
    free(out);
    free(err);
    char *path = xasprintf("%s/legacy.yaml", profile_dir);
    unlink(path);
    free(path);
}

static void test_every_bundled_profile_loads(void **state)
{
    (void)state;
    static const char *const bundled[] = {"default", "modern",       "intermediate", "legacy",
                                          "strict",  "mtls-example", "no-verify"};
    for (size_t i = 0; i < sizeof(bundled) / sizeof(bundled[0]); i++) {
        char *out, *err;
        int st = run_tlscope(ARGS("--show-profile", bundled[i]), 10, &out, &err);
        if (st != 0)
            fail_msg("%s: exit %d: %s", bundled[i], st, err);
        free(out);
        free(err);
    }
}

static void test_bundled_against_servers(void **state)
{
    (void)state;
    /* modern: TLS 1.3 against the good server */
    json_t *j = run_json(0, ARGS("--json", "--profile", "modern", "--cafile", root_ca, target));
    assert_string_equal(jstr(j, "protocol"), "TLSv1.3");
    json_decref(j);
    /* intermediate against a TLS 1.2-only server: an ECDHE AEAD suite */
    struct peer p;
    assert_int_equal(peer_s_server(&p, false, ARGS(GOOD_CHAIN, "-no_tls1_3")), 0);
    char t[64];
    snprintf(t, sizeof(t), "127.0.0.1:%u", (unsigned)p.port);
    j = run_json(0, ARGS("--json", "--profile", "intermediate", "--cafile", root_ca, t));
    assert_string_equal(jstr(j, "protocol"), "TLSv1.2");
    assert_non_null(strstr(jstr(json_object_get(j, "cipher"), "name"), "ECDHE"));
    json_decref(j);
    /* no-verify: an untrusted chain still exits 0, and says why */
    char *other = harness_path("root2.crt");
    j = run_json(0, ARGS("--json", "--profile", "no-verify", "--cafile", other, t));
    assert_true(json_is_false(json_object_get(json_object_get(j, "verify"), "ok")));
    assert_true(json_array_size(json_object_get(json_object_get(j, "settings"), "weakened")) > 0);
    json_decref(j);
    free(other);
    peer_stop(&p);
    /* legacy reaches a TLS 1.0-only server */
    assert_int_equal(
        peer_s_server(&p, false, ARGS(GOOD_CHAIN, "-tls1", "-cipher", "DEFAULT:@SECLEVEL=0")), 0);
    snprintf(t, sizeof(t), "127.0.0.1:%u", (unsigned)p.port);
    j = run_json(0, ARGS("--json", "--profile", "legacy", "--cafile", root_ca, t));
    assert_string_equal(jstr(j, "protocol"), "TLSv1");
    json_decref(j);
    peer_stop(&p);
    /* strict: no staple → not verified; a good staple → verified */
    j = run_json(1, ARGS("--json", "--profile", "strict", "--cafile", root_ca, target));
    json_t *errs = json_object_get(json_object_get(j, "verify"), "errors");
    assert_string_equal(jstr(json_array_get(errs, 0), "name"), "TLSCOPE_OCSP_REQUIRED");
    json_decref(j);
    assert_int_equal(peer_s_server(&p, false, ARGS(GOOD_CHAIN, "-status_file", "@ocsp_good.der")),
                     0);
    snprintf(t, sizeof(t), "127.0.0.1:%u", (unsigned)p.port);
    j = run_json(0, ARGS("--json", "--profile", "strict", "--cafile", root_ca, t));
    assert_string_equal(jstr(json_object_get(j, "ocsp"), "status"), "good");
    json_decref(j);
    peer_stop(&p);
}

int main(void)
{
    harness_dir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_profile_pins_tls12),
        cmocka_unit_test(test_flags_override_profile),
        cmocka_unit_test(test_extends_merges),
        cmocka_unit_test(test_extends_cycle_and_missing),
        cmocka_unit_test(test_extends_self),
        cmocka_unit_test(test_profile_value_rules),
        cmocka_unit_test(test_list_profiles_escapes),
        cmocka_unit_test(test_save_then_reuse),
        cmocka_unit_test(test_bad_profile_points_at_line),
        cmocka_unit_test(test_tilde_in_paths),
        cmocka_unit_test(test_list_and_shadow),
        cmocka_unit_test(test_every_bundled_profile_loads),
        cmocka_unit_test(test_bundled_against_servers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
