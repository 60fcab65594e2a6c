/* issue 13: `tlscope --diff` over two chain files or two live servers: certificates are
 * matched by SHA-256, not by name (a renewal keeps the name), which catches two load-balanced
 * nodes serving different chains. */
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
#include "util/strbuf.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static json_t *run_json(const char *const *argv, int *status)
{
    char *out = NULL, *err = NULL;
    *status = run_tlscope(argv, 60, &out, &err);
    json_error_t je;
    json_t *j = out ? json_loads(out, 0, &je) : NULL;
    if (!j)
        fail_msg("exit %d, no JSON\nstdout: %.1000s\nstderr: %s", *status, out, err);
    free(out);
    free(err);
    return j;
}

/* The changed item for fact, or NULL when it is among the unchanged. */
static json_t *changed(json_t *d, const char *fact)
{
    json_t *a = json_object_get(d, "changed");
    for (size_t i = 0; i < json_array_size(a); i++)
        if (!strcmp(json_string_value(json_object_get(json_array_get(a, i), "fact")), fact))
            return json_array_get(a, i);
    return NULL;
}

static bool list_has(json_t *a, const char *needle)
{
    for (size_t i = 0; i < json_array_size(a); i++)
        if (strstr(json_string_value(json_array_get(a, i)), needle))
            return true;
    return false;
}

/* The first 11 characters ("AA:BB:CC:DD") of a certificate file's SHA-256, from --check-chain. */
static void sha_prefix(const char *file, char out[12])
{
    int st;
    char *ca = harness_path("root.crt");
    json_t *j = run_json(ARGV("--json", "--check-chain", file, "--cafile", ca), &st);
    json_t *sent = json_object_get(json_object_get(j, "chain"), "sent");
    snprintf(out, 12, "%s", json_string_value(json_object_get(json_array_get(sent, 0), "sha256")));
    json_decref(j);
    free(ca);
}

/* Two chain files: another leaf, and a renewal of the same name, both show as a certificate
 * removed and one added; the same chain twice is no change. */
static void test_diff_files(void **state)
{
    (void)state;
    char *a = harness_path("chain.pem"), *b = harness_path("chain_ec.pem"),
         *ca = harness_path("root.crt"), *renewed = harness_path("dd_renewed.pem"),
         *copy = harness_path("dd_copy.pem");
    char *exp = harness_path("expiring.crt"), *inter = harness_path("inter.crt"), *data, *d2,
         err[256];
    size_t n;
    /* "expiring" has the leaf's subject: a renewal keeps the name */
    struct strbuf sb = {0};
    assert_int_equal(file_read_bounded(exp, 1 << 20, &data, &n, err, sizeof err), 0);
    assert_int_equal(file_read_bounded(inter, 1 << 20, &d2, &n, err, sizeof err), 0);
    sb_puts(&sb, data);
    sb_puts(&sb, d2);
    assert_int_equal(file_write_atomic(renewed, sb.buf, sb.len, 0600, true, err, sizeof err), 0);
    free(data), free(d2), sb_free(&sb);
    assert_int_equal(file_read_bounded(a, 1 << 20, &data, &n, err, sizeof err), 0);
    assert_int_equal(file_write_atomic(copy, data, n, 0600, true, err, sizeof err), 0);
    free(data);
    char pa[12], pb[12], pr[12];
    sha_prefix(a, pa);
    sha_prefix(b, pb);
    sha_prefix(renewed, pr);
    int st;
    json_t *d = run_json(ARGV("--json", "--diff", a, b, "--cafile", ca), &st);
    assert_int_equal(st, 1);
    json_t *c = changed(d, "chain_sent");
    assert_non_null(c);
    assert_true(list_has(json_object_get(c, "removed"), pa));
    assert_true(list_has(json_object_get(c, "added"), pb));
    json_decref(d);
    d = run_json(ARGV("--json", "--diff", a, renewed, "--cafile", ca), &st);
    assert_int_equal(st, 1);
    c = changed(d, "chain_sent");
    assert_non_null(c);
    assert_true(list_has(json_object_get(c, "removed"), pa));
    assert_true(list_has(json_object_get(c, "added"), pr));
    json_decref(d);
    d = run_json(ARGV("--json", "--diff", a, copy, "--cafile", ca), &st);
    assert_null(changed(d, "chain_sent"));
    json_decref(d);
    free(a), free(b), free(ca), free(renewed), free(copy), free(exp), free(inter);
}

/* Two servers on loopback, one serving another leaf: the diff says which certificate. */
static void test_diff_live(void **state)
{
    (void)state;
    struct peer p1, p2, p3;
    if (peer_s_server(
            &p1, false,
            ARGV("-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain", "@inter.crt")) != 0 ||
        peer_s_server(&p2, false,
                      ARGV("-cert", "@leaf_ec.crt", "-key", "@leaf_ec.key", "-cert_chain",
                           "@inter.crt")) != 0 ||
        peer_s_server(
            &p3, false,
            ARGV("-cert", "@leaf.crt", "-key", "@leaf.key", "-cert_chain", "@inter.crt")) != 0)
        fail_msg("s_server");
    char t1[32], t2[32], t3[32], *ca = harness_path("root.crt"), *leaf = harness_path("leaf.crt"),
                                 *leaf_ec = harness_path("leaf_ec.crt");
    snprintf(t1, sizeof t1, "127.0.0.1:%u", (unsigned)p1.port);
    snprintf(t2, sizeof t2, "127.0.0.1:%u", (unsigned)p2.port);
    snprintf(t3, sizeof t3, "127.0.0.1:%u", (unsigned)p3.port);
    char pa[12], pb[12];
    sha_prefix(leaf, pa);
    sha_prefix(leaf_ec, pb);
    int st;
    json_t *d = run_json(ARGV("--json", "--diff", t1, t2, "--cafile", ca), &st);
    assert_int_equal(st, 1);
    json_t *c = changed(d, "chain_sent");
    assert_non_null(c);
    assert_true(list_has(json_object_get(c, "removed"), pa));
    assert_true(list_has(json_object_get(c, "added"), pb));
    json_decref(d);
    d = run_json(ARGV("--json", "--diff", t1, t3, "--cafile", ca), &st);
    assert_null(changed(d, "chain_sent"));
    json_decref(d);
    peer_stop(&p1);
    peer_stop(&p2);
    peer_stop(&p3);
    free(ca), free(leaf), free(leaf_ec);
}

int main(void)
{
    harness_dir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff_files),
        cmocka_unit_test(test_diff_live),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
