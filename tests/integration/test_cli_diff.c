/* `tlscope --diff` on reports saved from real connections: the same s_server reached once with
 * TLS 1.3 allowed and once capped at TLS 1.2; exactly the facts that truly changed are listed,
 * identical reports give exit 0, unreadable or foreign files give exit 64. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/harness.h"
#include "util/fsutil.h"
#include "util/mem.h"

#define GOOD_CHAIN "-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain", "@inter.crt"
#define ARGV(...)  ((const char *const[]){__VA_ARGS__, NULL})

static struct peer server;
static char *report13, *report12, *not_report, *missing;

static int run(char **out, char **err, const char *const *argv)
{
    int st = run_tlscope(argv, 20, out, err);
    if (st < 0)
        fail_msg("could not run tlscope");
    return st;
}

/* Connects with --max-proto max and saves the --json report to path. */
static int save_report(const char *target, const char *root, const char *max, const char *path)
{
    char *out, *err, msg[256];
    int st = run(&out, &err, ARGV("--json", "--cafile", root, "--max-proto", max, target));
    int rc = st == 0 ? file_write_atomic(path, out, strlen(out), 0600, true, msg, sizeof(msg)) : -1;
    if (rc < 0)
        fprintf(stderr, "report with --max-proto %s: exit %d, %s\n", max, st, err);
    free(out);
    free(err);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    if (peer_s_server(&server, false, ARGV(GOOD_CHAIN)) != 0)
        return -1;
    char target[64], msg[256];
    snprintf(target, sizeof(target), "127.0.0.1:%u", (unsigned)server.port);
    char *root = harness_path("root.crt");
    report13 = harness_path("diff_tls13.json");
    report12 = harness_path("diff_tls12.json");
    not_report = harness_path("diff_not_report.json");
    missing = harness_path("diff_missing.json");
    int rc = save_report(target, root, "tls1.3", report13);
    if (rc == 0)
        rc = save_report(target, root, "tls1.2", report12);
    if (rc == 0)
        rc = file_write_atomic(not_report, "{\"changed\": []}\n", 16, 0600, true, msg, sizeof(msg));
    free(root);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    peer_stop(&server);
    free(report13);
    free(report12);
    free(not_report);
    free(missing);
    return 0;
}

static json_t *parse(const char *doc)
{
    json_error_t je;
    json_t *j = json_loads(doc, 0, &je);
    if (!j)
        fail_msg("invalid JSON at line %d: %s\n%s", je.line, je.text, doc);
    return j;
}

static json_t *changed_fact(json_t *changed, const char *fact)
{
    size_t i;
    json_t *c;
    json_array_foreach(changed, i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "fact")), fact))
            return c;
    }
    fail_msg("fact %s is not listed as changed", fact);
    return NULL;
}

/* TLS 1.3 → 1.2 against one server changes the protocol and suite, the tickets (two in TLS
 * 1.3, one in 1.2), what the ClientHello offered and the max_protocol setting; total time may
 * or may not move past the noise threshold. Nothing else. */
static void test_diff_tls13_tls12(void **state)
{
    (void)state;
    static const char *const expected[] = {
        "protocol",       "cipher",  "session", "offered_versions", "offered_cipher_count",
        "offered_groups", "settings"};
    size_t n_expected = sizeof(expected) / sizeof(expected[0]);
    char *out, *err;
    assert_int_equal(run(&out, &err, ARGV("--json", "--diff", report13, report12)), 1);
    json_t *j = parse(out);
    json_t *changed = json_object_get(j, "changed");
    size_t i, n = 0;
    json_t *c;
    json_array_foreach(changed, i, c)
    {
        const char *fact = json_string_value(json_object_get(c, "fact"));
        bool known = !strcmp(fact, "timing");
        for (size_t k = 0; k < n_expected && !known; k++)
            known = !strcmp(fact, expected[k]);
        if (!known)
            fail_msg("unexpected change in %s: %s", fact, out);
        n += strcmp(fact, "timing") != 0;
    }
    assert_int_equal(n, n_expected);
    for (size_t k = 0; k < n_expected; k++)
        changed_fact(changed, expected[k]);

    json_t *proto = changed_fact(changed, "protocol");
    assert_string_equal(json_string_value(json_object_get(proto, "old")), "TLSv1.3");
    assert_string_equal(json_string_value(json_object_get(proto, "new")), "TLSv1.2");
    json_t *cipher = changed_fact(changed, "cipher");
    assert_non_null(strstr(json_string_value(json_object_get(cipher, "old")), "TLS_AES_"));
    assert_non_null(strstr(json_string_value(json_object_get(cipher, "new")), "TLS_ECDHE_"));
    json_t *settings = changed_fact(changed, "settings");
    assert_non_null(strstr(json_string_value(json_object_get(settings, "old")), "max TLSv1.3"));
    assert_non_null(strstr(json_string_value(json_object_get(settings, "new")), "max TLSv1.2"));
    json_t *unchanged = json_object_get(j, "unchanged");
    assert_int_equal(json_array_size(unchanged) + json_array_size(changed), 25);
    json_decref(j);
    free(out);
    free(err);
}

static void test_diff_text(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(run(&out, &err, ARGV("--format", "text", "--diff", report13, report12)), 1);
    assert_non_null(strstr(out, "  protocol "));
    assert_non_null(strstr(out, "TLSv1.3 "));
    assert_non_null(strstr(out, "→  TLSv1.2\n"));
    assert_null(strstr(out, "  target "));
    assert_string_equal(err, "");
    free(out);
    free(err);
}

static void test_diff_same(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(run(&out, &err, ARGV("--json", "--compact", "--diff", report12, report12)), 0);
    json_t *j = parse(out);
    assert_int_equal(json_array_size(json_object_get(j, "changed")), 0);
    assert_int_equal(json_array_size(json_object_get(j, "unchanged")), 25);
    json_decref(j);
    free(out);
    free(err);
    assert_int_equal(run(&out, &err, ARGV("--format", "text", "--diff", report13, report13)), 0);
    assert_non_null(strstr(out, "no differences"));
    free(out);
    free(err);
}

/* Usage errors: nothing on stdout, exit 64, the message names the file. */
static void test_diff_errors(void **state)
{
    (void)state;
    const struct {
        const char *const *argv;
        const char *needle;
    } cases[] = {
        {ARGV("--json", "--diff", report13, missing), missing},
        {ARGV("--json", "--diff", missing, report13), missing},
        {ARGV("--json", "--diff", not_report, report13), "not a tlscope report"},
        {ARGV("--json", "--diff", report13, not_report), not_report},
        {ARGV("--json", "--diff", report13), "two report files"},
        {ARGV("--json", "--diff", report13, report12, report12), "two report files"},
        {ARGV("--json", "--sni", "x", "--diff", report13, report12), "do not apply"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out, *err;
        int st = run(&out, &err, cases[i].argv);
        if (st != 64 || *out || !strstr(err, cases[i].needle))
            fail_msg("case %zu: exit %d, stdout '%s', stderr '%s' (expected 64 and '%s')", i, st,
                     out, err, cases[i].needle);
        free(out);
        free(err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff_tls13_tls12),
        cmocka_unit_test(test_diff_text),
        cmocka_unit_test(test_diff_same),
        cmocka_unit_test(test_diff_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
