/* Findings about the chain: the role of each certificate sent (unrelated CA, duplicate,
 * cross-signed or sent root, wrong order), a lone leaf of an unknown issuer, the chain to serve
 * and long chains grouped. The other findings, one hand-built report per situation:
 * test_findings.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/chain.h"
#include "lib/fixture.h"
#include "model/findings.h"
#include "model/report.h"
#include "util/mem.h"
#include "util/timeutil.h"

#define NOW ((time_t)1795737600) /* 2026-11-27T00:00:00Z */
#define DAY 86400L

/* Appends a certificate to a list: CN=cn issued by CN=issuer_cn, fingerprint fp, key pin key;
 * self-signed when cn == issuer_cn; a CA unless it is the first of the list. */
static struct cert_info *push_to(struct cert_info **list, size_t *n, const char *cn,
                                 const char *issuer_cn, const char *fp, const char *key)
{
    *list = xrealloc(*list, (*n + 1) * sizeof(**list));
    struct cert_info *c = &(*list)[*n];
    memset(c, 0, sizeof(*c));
    char *subject = xasprintf("CN=%s", cn), *issuer = xasprintf("CN=%s", issuer_cn);
    fixture_fill_cert(c, subject, issuer, fp, 300);
    free(subject);
    free(issuer);
    c->subject_cn = xstrdup(cn);
    fixture_set_str(&c->spki_sha256, key);
    c->not_before_t = NOW - 10 * DAY;
    c->not_after_t = NOW + 300 * DAY;
    c->self_signed = !strcmp(cn, issuer_cn);
    c->is_ca = *n > 0;
    (*n)++;
    return c;
}

/* A report whose verified path is leaf, "Inter", "Root" (the last from the trust store). */
static struct report *path_report(void)
{
    struct report *r = fixture_good_report();
    push_to(&r->verified, &r->n_verified, "localhost", "Inter", "L", "kL");
    push_to(&r->verified, &r->n_verified, "Inter", "Root", "I", "kI");
    push_to(&r->verified, &r->n_verified, "Root", "Root", "R", "kR");
    push_to(&r->sent, &r->n_sent, "localhost", "Inter", "L", "kL");
    return r;
}

static void push_code(struct report *r, const char *name, int code, int depth)
{
    fixture_push_verify_error(r, name, depth, false);
    r->verify_errors[r->n_verify_errors - 1].code = code;
}

static void roles_and_findings(struct report *r)
{
    chain_roles(r);
    r->chain_issues = chain_analyse(r);
    findings_compute(r, NOW);
}

/* An unrelated self-signed CA after a good chain is unrelated, not "the root sent". */
static void test_roles_unrelated_ca(void **state)
{
    (void)state;
    struct report *r = path_report();
    push_to(&r->sent, &r->n_sent, "Inter", "Root", "I", "kI");
    push_to(&r->sent, &r->n_sent, "Someone Else CA", "Someone Else CA", "X", "kX");
    roles_and_findings(r);
    assert_int_equal(r->sent[0].role, CHAIN_ROLE_LEAF);
    assert_int_equal(r->sent[1].role, CHAIN_ROLE_INTERMEDIATE);
    assert_int_equal(r->sent[1].path_depth, 1);
    assert_int_equal(r->sent[2].role, CHAIN_ROLE_UNRELATED);
    assert_int_equal(r->sent[2].path_depth, -1);
    assert_int_equal(r->chain_issues, CHAIN_EXTRA_CERTIFICATE);
    assert_null(fixture_finding(r, "chain_root_included"));
    assert_non_null(fixture_finding(r, "chain_extra"));
    assert_non_null(
        strstr(fixture_finding(r, "chain_extra")->detail, "CN=Someone Else CA (depth 2)"));
    report_free(r);
}

static void test_roles_root_duplicate_cross(void **state)
{
    (void)state;
    struct report *r = path_report();
    push_to(&r->sent, &r->n_sent, "Inter", "Root", "I", "kI");
    push_to(&r->sent, &r->n_sent, "Inter", "Root", "I", "kI");     /* the same again */
    push_to(&r->sent, &r->n_sent, "Root", "Old Root", "RX", "kR"); /* cross-signed Root */
    push_to(&r->sent, &r->n_sent, "Root", "Root", "R", "kR");      /* the path's root */
    roles_and_findings(r);
    assert_int_equal(r->sent[1].role, CHAIN_ROLE_INTERMEDIATE);
    assert_int_equal(r->sent[2].role, CHAIN_ROLE_DUPLICATE);
    assert_int_equal(r->sent[3].role, CHAIN_ROLE_CROSS_SIGNED);
    assert_int_equal(r->sent[4].role, CHAIN_ROLE_ROOT);
    assert_int_equal(r->sent[4].path_depth, 2);
    /* the cross-signed copy sits between the path certificates: out of order, but not extra */
    assert_int_equal(r->chain_issues, CHAIN_DUPLICATE | CHAIN_ROOT_INCLUDED | CHAIN_WRONG_ORDER);
    assert_non_null(strstr(fixture_finding(r, "chain_root_included")->detail, "CN=Root (depth 4)"));
    assert_non_null(strstr(fixture_finding(r, "chain_duplicate")->detail, "CN=Inter (depth 2)"));
    assert_null(fixture_finding(r, "chain_extra"));
    assert_string_equal(chain_role_name(r->sent[3].role), "cross_signed");
    report_free(r);
}

/* Wrong order: an unrelated certificate between the leaf and its issuer. */
static void test_roles_wrong_order(void **state)
{
    (void)state;
    struct report *r = path_report();
    push_to(&r->sent, &r->n_sent, "Stray", "Other", "S", "kS");
    push_to(&r->sent, &r->n_sent, "Inter", "Root", "I", "kI");
    roles_and_findings(r);
    assert_int_equal(r->sent[1].role, CHAIN_ROLE_UNRELATED);
    assert_int_equal(r->sent[2].role, CHAIN_ROLE_INTERMEDIATE);
    assert_int_equal(r->chain_issues, CHAIN_WRONG_ORDER | CHAIN_EXTRA_CERTIFICATE);
    report_free(r);
}

/* A lone leaf from a private root nobody sent or trusts: not a "missing intermediate" with
 * fullchain advice, but an unknown root with --cafile; with caIssuers it is the intermediate. */
static void test_lone_leaf_unknown_issuer(void **state)
{
    (void)state;
    struct report *r = fixture_good_report();
    r->verify_ok = false;
    push_to(&r->sent, &r->n_sent, "localhost", "My Private Root", "L", "kL");
    push_to(&r->verified, &r->n_verified, "localhost", "My Private Root", "L", "kL");
    push_code(r, "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY", 20, 0);
    push_code(r, "X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE", 21, 0);
    roles_and_findings(r);
    assert_int_equal(r->chain_issues, 0);
    assert_null(fixture_finding(r, "incomplete_chain"));
    assert_null(fixture_finding(r, "verify_error"));
    const struct finding *f = fixture_finding(r, "untrusted_root");
    assert_non_null(f);
    assert_non_null(strstr(f->detail, "CN=My Private Root"));
    assert_non_null(strstr(f->fix, "--cafile My_Private_Root.pem"));
    assert_null(strstr(f->fix, "fullchain"));
    report_free(r);

    r = fixture_good_report();
    push_to(&r->sent, &r->n_sent, "localhost", "Public CA R3", "L", "kL");
    r->sent[0].ca_issuers_url = xstrdup("http://r3.example/r3.der");
    push_code(r, "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY", 20, 0);
    roles_and_findings(r);
    assert_int_equal(r->chain_issues, CHAIN_MISSING_INTERMEDIATE);
    assert_non_null(fixture_finding(r, "incomplete_chain"));
    assert_null(fixture_finding(r, "untrusted_root"));
    report_free(r);
}

/* The chain to serve: leaf, then the path's intermediates (from the trust store when the
 * server did not send them), never the root. */
static void test_chain_to_serve(void **state)
{
    (void)state;
    struct report *r = path_report();
    push_to(&r->sent, &r->n_sent, "Root", "Root", "R", "kR");
    chain_roles(r);
    const struct cert_info *out[8];
    size_t n = report_chain_to_serve(r, out, 8);
    assert_int_equal(n, 2);
    assert_string_equal(out[0]->sha256, "L");
    assert_string_equal(out[1]->sha256, "I");
    report_free(r);
    /* no verified path: the sent path by issuer names */
    r = fixture_good_report();
    push_to(&r->sent, &r->n_sent, "localhost", "Inter", "L", "kL");
    push_to(&r->sent, &r->n_sent, "Stray", "Other", "S", "kS");
    push_to(&r->sent, &r->n_sent, "Inter2", "Root", "J", "kJ");
    push_to(&r->sent, &r->n_sent, "Inter", "Inter2", "I", "kI");
    chain_roles(r);
    n = report_chain_to_serve(r, out, 8);
    assert_int_equal(n, 3);
    assert_string_equal(out[1]->sha256, "I");
    assert_string_equal(out[2]->sha256, "J");
    assert_int_equal(r->sent[1].role, CHAIN_ROLE_UNRELATED);
    report_free(r);
}

/* 101 certificates sent, 64 kept: the count stays true, the cause is named once, and the 63
 * expiring CA certificates make one finding, not 63. */
static void test_long_chain_grouped(void **state)
{
    (void)state;
    struct report *r = fixture_good_report();
    r->verify_ok = false;
    char cn[32], issuer[32], fp[16];
    for (int i = 0; i < REPORT_CHAIN_MAX; i++) {
        snprintf(cn, sizeof cn, i ? "CA %d" : "localhost", i);
        snprintf(issuer, sizeof issuer, "CA %d", i + 1);
        snprintf(fp, sizeof fp, "F%d", i);
        struct cert_info *c = push_to(&r->sent, &r->n_sent, cn, issuer, fp, fp);
        c->not_after_t = NOW + (i ? 5 + i % 3 : 200) * DAY;
        c->not_before_t = NOW - 365 * DAY; /* long-lived: the 30-day rule applies */
        iso8601_utc(c->not_after_t, c->not_after, sizeof(c->not_after));
    }
    r->n_sent_total = 101;
    push_code(r, "X509_V_ERR_CERT_CHAIN_TOO_LONG", 22, 101);
    roles_and_findings(r);
    assert_true(r->chain_issues & CHAIN_TOO_LONG);
    size_t expiring = 0;
    for (size_t i = 0; i < r->n_findings; i++)
        expiring += !strcmp(r->findings[i].id, "cert_expiring");
    assert_int_equal(expiring, 1);
    const struct finding *f = fixture_finding(r, "cert_expiring");
    assert_string_equal(f->title, "63 certificates expire within 30 days");
    assert_non_null(strstr(f->detail, "CN=CA 1 (depth 1)"));
    assert_non_null(strstr(f->detail, "and 43 more"));
    f = fixture_finding(r, "chain_too_long");
    assert_non_null(f);
    assert_int_equal(f->severity, SEV_HIGH);
    assert_string_equal(f->title, "Chain too long: 101 certificates");
    assert_non_null(strstr(f->detail, "first 64"));
    assert_non_null(strstr(f->detail, "depth 101"));
    assert_null(fixture_finding(r, "verify_error")); /* the cause is said once, by chain_too_long */
    for (size_t i = 0; i < r->n_findings; i++)
        if (strstr(r->findings[i].detail, "(unknown certificate)"))
            fail_msg("%s names an unknown certificate", r->findings[i].id);
    report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles_unrelated_ca),
        cmocka_unit_test(test_roles_root_duplicate_cross),
        cmocka_unit_test(test_roles_wrong_order),
        cmocka_unit_test(test_lone_leaf_unknown_issuer),
        cmocka_unit_test(test_chain_to_serve),
        cmocka_unit_test(test_long_chain_grouped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
