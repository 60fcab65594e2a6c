/* Unit tests for the diff core: hand-built reports changed one fact at a time report exactly
 * that fact; set facts list what was added and removed; timing has a noise threshold; broken
 * and foreign documents are refused naming which one; both renderers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare/diff.h"
#include "lib/fixture.h"
#include "model/report.h"
#include "render/diff.h"
#include "render/json.h"
#include "util/mem.h"

static void set(char **dst, const char *v)
{
    free(*dst);
    *dst = xstrdup(v);
}

/* The shared good report with two certificates sent, one verified, one finding and one
 * weakened setting. */
static struct report *base_report(void)
{
    struct report *r = fixture_good_report();
    r->sent = xcalloc(2, sizeof(*r->sent));
    r->n_sent = 2;
    fixture_fill_cert(&r->sent[0], "CN=localhost", "CN=Lab Inter", "AA:BB:CC:DD:EE:FF", 0);
    fixture_fill_cert(&r->sent[1], "CN=Lab Inter", "CN=Lab Inter", "11:22:33:44:55:66", 0);
    r->verified = xcalloc(1, sizeof(*r->verified));
    r->n_verified = 1;
    fixture_fill_cert(&r->verified[0], "CN=localhost", "CN=Lab Inter", "AA:BB:CC:DD:EE:FF", 0);
    strlist_push(&r->offered.ciphers, "TLS_AES_256_GCM_SHA384");
    strlist_push(&r->offered.ciphers_openssl, "TLS_AES_256_GCM_SHA384");
    strlist_push(&r->offered.ciphers, "TLS_AES_128_GCM_SHA256");
    strlist_push(&r->offered.ciphers_openssl, "TLS_AES_128_GCM_SHA256");
    strlist_push(&r->offered.groups, "x25519");
    strlist_push(&r->offered.groups, "secp256r1");
    strlist_push(&r->effective.weakened, "session keys written to /tmp/k");
    r->total_ms = 10.0;
    report_add_finding(r, "cert_expiring", SEV_MEDIUM, xstrdup("Certificate expires soon"),
                       xstrdup("29 days left."), xstrdup("Renew it."));
    return r;
}

/* ---- one fact at a time ---------------------------------------------------------------- */

static void m_address(struct report *r)
{
    set(&r->address, "::1");
}
static void m_sni(struct report *r)
{
    set(&r->sni, "example.test");
}
static void m_protocol(struct report *r)
{
    set(&r->protocol, "TLSv1.2");
}
static void m_cipher(struct report *r)
{
    set(&r->cipher_iana, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    set(&r->cipher_name, "ECDHE-RSA-AES256-GCM-SHA384");
}
static void m_group(struct report *r)
{
    set(&r->group, "secp384r1");
}
static void m_peer_key(struct report *r)
{
    r->peer_key_bits = 384;
}
static void m_signature(struct report *r)
{
    set(&r->sig_scheme, "ecdsa_secp256r1_sha256");
}
static void m_alpn(struct report *r)
{
    set(&r->alpn, "http/1.1");
}
static void m_tickets(struct report *r)
{
    r->tickets = 1;
}
static void m_resumed(struct report *r)
{
    r->resumed_on_reconnect = TRI_YES;
}
static void m_ocsp(struct report *r)
{
    r->ocsp_requested = r->ocsp_stapled = true;
    r->ocsp_status = xstrdup("revoked");
}
static void m_verify_ok(struct report *r)
{
    r->verify_ok = false;
}
static void m_verify_error(struct report *r)
{
    r->verify_errors = xcalloc(1, sizeof(*r->verify_errors));
    r->n_verify_errors = 1;
    r->verify_errors[0].depth = 0;
    r->verify_errors[0].code = 10;
    r->verify_errors[0].name = xstrdup("X509_V_ERR_CERT_HAS_EXPIRED");
}
static void m_hostname(struct report *r)
{
    r->hostname_match = false;
    free(r->hostname_matched);
    r->hostname_matched = NULL;
}
static void m_chain_sent(struct report *r)
{
    set(&r->sent[0].sha256, "99:88:77:66:55");
}
static void m_chain_verified(struct report *r)
{
    set(&r->verified[0].subject, "CN=other");
}
static void m_chain_issues(struct report *r)
{
    r->chain_issues = CHAIN_MISSING_INTERMEDIATE;
}
static void m_finding_added(struct report *r)
{
    report_add_finding(r, "tls12_chosen", SEV_MEDIUM, xstrdup("TLS 1.2 chosen"), NULL, NULL);
}
static void m_finding_gone(struct report *r)
{
    r->n_findings = 0; /* report_free frees up to n_findings: free the one we drop */
    free(r->findings[0].title);
    free(r->findings[0].detail);
    free(r->findings[0].fix);
}
static void m_finding_severity(struct report *r)
{
    r->findings[0].severity = SEV_HIGH;
}
static void m_offered_versions(struct report *r)
{
    strlist_clear(&r->offered.versions);
    strlist_push(&r->offered.versions, "TLSv1.2");
}
static void m_offered_ciphers(struct report *r)
{
    strlist_push(&r->offered.ciphers, "TLS_CHACHA20_POLY1305_SHA256");
    strlist_push(&r->offered.ciphers_openssl, "TLS_CHACHA20_POLY1305_SHA256");
}
static void m_offered_groups(struct report *r)
{
    strlist_push(&r->offered.groups, "x448");
}
static void m_max_proto(struct report *r)
{
    set(&r->effective.max_proto, "TLSv1.2");
}
static void m_weakened(struct report *r)
{
    strlist_push(&r->effective.weakened, "security level 0");
}
static void m_timing(struct report *r)
{
    r->total_ms = 13.0;
}
static void m_error(struct report *r)
{
    r->error.stage = STAGE_RECONNECT;
    r->error.message = xstrdup("reconnect refused");
}

static void m_starttls(struct report *r)
{
    r->starttls.protocol = xstrdup("smtp");
    r->starttls.failure = "refused";
}

static void m_http(struct report *r)
{
    r->http.requested = r->http.sent = true;
    r->http.status = 200;
    r->http.hsts = xstrdup("max-age=600");
    r->http.hsts_max_age = 600;
}

struct one_change {
    const char *name;
    void (*mutate)(struct report *r);
    const char *fact;
    const char *old_value, *new_value; /* NULL: not checked */
    const char *added, *removed;       /* the single member expected, or NULL for none */
};

static const struct one_change one_changes[] = {
    {"address", m_address, "target", "localhost:8443 (127.0.0.1)", "localhost:8443 (::1)", NULL,
     NULL},
    {"sni", m_sni, "sni", "localhost", "example.test", NULL, NULL},
    {"protocol", m_protocol, "protocol", "TLSv1.3", "TLSv1.2", NULL, NULL},
    {"cipher", m_cipher, "cipher", "TLS_AES_256_GCM_SHA384",
     "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (ECDHE-RSA-AES256-GCM-SHA384)", NULL, NULL},
    {"group", m_group, "group", "x25519", "secp384r1", NULL, NULL},
    {"peer key", m_peer_key, "peer_temp_key", "X25519, 253 bits", "X25519, 384 bits", NULL, NULL},
    {"signature", m_signature, "signature", "rsa_pss_rsae_sha256", "ecdsa_secp256r1_sha256", NULL,
     NULL},
    {"alpn", m_alpn, "alpn", "h2", "http/1.1", NULL, NULL},
    {"tickets", m_tickets, "session", "2 tickets", "1 ticket", NULL, NULL},
    {"resumed", m_resumed, "session", "2 tickets", "resumed on reconnect, 2 tickets", NULL, NULL},
    {"ocsp", m_ocsp, "ocsp", "", "revoked", NULL, NULL},
    {"verify ok", m_verify_ok, "verify_ok", "yes", "no", NULL, NULL},
    {"verify error", m_verify_error, "verify_errors", "none", "1 error",
     "depth 0 X509_V_ERR_CERT_HAS_EXPIRED", NULL},
    {"hostname", m_hostname, "hostname", "matched DNS:localhost", "no match", NULL, NULL},
    {"chain sent", m_chain_sent, "chain_sent", "2 certificates", "2 certificates",
     "CN=localhost [99:88:77:66]", "CN=localhost [AA:BB:CC:DD]"},
    {"chain verified", m_chain_verified, "chain_verified", NULL, NULL, "CN=other [AA:BB:CC:DD]",
     "CN=localhost [AA:BB:CC:DD]"},
    {"chain issues", m_chain_issues, "chain_issues", "none", "1 issue", "missing_intermediate",
     NULL},
    {"finding added", m_finding_added, "findings", "1 finding", "2 findings",
     "medium  TLS 1.2 chosen", NULL},
    {"finding gone", m_finding_gone, "findings", "1 finding", "none", NULL,
     "medium  Certificate expires soon"},
    {"finding severity", m_finding_severity, "findings", NULL, NULL,
     "high  Certificate expires soon", "medium  Certificate expires soon"},
    {"offered versions", m_offered_versions, "offered_versions", "TLSv1.3, TLSv1.2", "TLSv1.2",
     NULL, NULL},
    {"offered ciphers", m_offered_ciphers, "offered_cipher_count", "2 suites", "3 suites", NULL,
     NULL},
    {"offered groups", m_offered_groups, "offered_groups", "x25519, secp256r1",
     "x25519, secp256r1, x448", NULL, NULL},
    {"max proto", m_max_proto, "settings", "min TLSv1.2, max default, level 2, verify on",
     "min TLSv1.2, max TLSv1.2, level 2, verify on", NULL, NULL},
    {"weakened", m_weakened, "settings", NULL, NULL, "security level 0", NULL},
    {"timing", m_timing, "timing", "10.0 ms", "13.0 ms", NULL, NULL},
    {"error", m_error, "error", "", "reconnect: reconnect refused", NULL, NULL},
    {"starttls", m_starttls, "starttls", "none", "smtp, failed: refused", NULL, NULL},
    {"http", m_http, "http", "", "200, HSTS max-age 600", NULL, NULL},
};

static void check_members(const char *name, const char *what, const struct strlist *l,
                          const char *expected)
{
    if (!expected) {
        if (l->len)
            fail_msg("%s: unexpected %s '%s'", name, what, l->items[0]);
        return;
    }
    if (l->len != 1 || strcmp(l->items[0], expected))
        fail_msg("%s: %s is %zu item(s) ('%s'), expected '%s'", name, what, l->len,
                 l->len ? l->items[0] : "", expected);
}

static void test_one_fact_at_a_time(void **state)
{
    (void)state;
    for (size_t t = 0; t < sizeof(one_changes) / sizeof(one_changes[0]); t++) {
        const struct one_change *c = &one_changes[t];
        struct report *a = base_report(), *b = base_report();
        c->mutate(b);
        struct diff d;
        assert_int_equal(diff_reports(a, b, &d), 0);
        for (size_t i = 0; i < d.n; i++) {
            const struct diff_item *it = &d.items[i];
            bool expect = !strcmp(it->fact, c->fact);
            if (it->changed != expect)
                fail_msg("%s: fact '%s' %s ('%s' → '%s')", c->name, it->fact,
                         it->changed ? "changed unexpectedly" : "did not change", it->old_value,
                         it->new_value);
            if (!expect)
                continue;
            if (c->old_value && strcmp(it->old_value, c->old_value))
                fail_msg("%s: old '%s', expected '%s'", c->name, it->old_value, c->old_value);
            if (c->new_value && strcmp(it->new_value, c->new_value))
                fail_msg("%s: new '%s', expected '%s'", c->name, it->new_value, c->new_value);
            check_members(c->name, "added", &it->added, c->added);
            check_members(c->name, "removed", &it->removed, c->removed);
        }
        assert_int_equal(d.n_changed, 1);
        diff_free(&d);
        report_free(a);
        report_free(b);
    }
}

static void test_identical_reports(void **state)
{
    (void)state;
    struct report *a = base_report();
    struct diff d;
    assert_int_equal(diff_reports(a, a, &d), 0);
    assert_int_equal(d.n_changed, 0);
    assert_true(d.n >= 20);
    assert_string_equal(d.items[0].fact, "target");
    assert_string_equal(d.items[d.n - 1].fact, "error");
    char *text = diff_render_text(&d, false, 80);
    assert_non_null(strstr(text, "no differences"));
    free(text);
    diff_free(&d);
    report_free(a);
}

/* ---- timing threshold ------------------------------------------------------------------- */

static void test_timing_threshold(void **state)
{
    (void)state;
    static const struct {
        double a, b;
        bool changed;
    } cases[] = {
        {10.0, 13.0, true},                     /* +30 %, +3 ms */
        {10.0, 11.9, false},                    /* +19 % */
        {10.0, 12.0, false},                    /* exactly 20 % and 2 ms: not more than */
        {100.0, 115.0, false},                  /* +15 ms but 15 % */
        {100.0, 125.0, true},                   /* +25 % */
        {100.0, 75.0, true},                    /* faster counts too */
        {1.0, 2.9, false},                      /* +190 % but < 2 ms */
        {1.0, 3.5, true},      {-1, 5.0, true}, /* not measured → measured */
        {-1, -1, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct report *a = base_report(), *b = base_report();
        a->total_ms = cases[i].a;
        b->total_ms = cases[i].b;
        struct diff d;
        assert_int_equal(diff_reports(a, b, &d), 0);
        bool changed = false;
        for (size_t k = 0; k < d.n; k++)
            if (!strcmp(d.items[k].fact, "timing"))
                changed = d.items[k].changed;
        if (changed != cases[i].changed)
            fail_msg("%.1f → %.1f ms: changed=%d, expected %d", cases[i].a, cases[i].b, changed,
                     cases[i].changed);
        assert_int_equal(d.n_changed, cases[i].changed ? 1 : 0);
        diff_free(&d);
        report_free(a);
        report_free(b);
    }
}

/* ---- documents that are not reports -------------------------------------------------------- */

static void test_bad_documents(void **state)
{
    (void)state;
    struct report *r = base_report();
    char *good = json_render_report(r, true);
    static const struct {
        const char *doc;
        bool second;
        const char *expect;
    } cases[] = {
        {"{\"version\": 1, ", false, "A: not JSON"},
        {"", true, "B: not JSON"},
        {"{\"hello\": 1}", true, "B: not a tlscope report"},
        {"[1, 2]", false, "A: not a tlscope report"},
        {"{\"version\": 1}", false, "A: not a tlscope report"},
        {"{\"version\": 2, \"tool\": {}}", true, "B: tlscope JSON format version 2"},
        {"{\"version\": \"1\", \"tool\": {}}", false, "A: tlscope JSON format version that"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct diff d;
        char err[256] = "";
        const char *a = cases[i].second ? good : cases[i].doc;
        const char *b = cases[i].second ? cases[i].doc : good;
        assert_int_equal(diff_json(a, b, &d, err, sizeof(err)), -1);
        if (strncmp(err, cases[i].expect, strlen(cases[i].expect)))
            fail_msg("case %zu: '%s', expected it to start with '%s'", i, err, cases[i].expect);
        assert_null(d.items);
        diff_free(&d); /* safe on a failed diff */
    }
    /* A minimal hand-written report: every missing key counts as absent, nothing crashes. */
    struct diff d;
    char err[256];
    assert_int_equal(diff_json("{\"version\":1,\"tool\":{}}", good, &d, err, sizeof(err)), 0);
    assert_true(d.n_changed > 5);
    diff_free(&d);
    free(good);
    report_free(r);
}

/* ---- renderers --------------------------------------------------------------------------------
 */

static struct diff changed_diff(void)
{
    struct report *a = base_report(), *b = base_report();
    m_protocol(b);
    m_finding_added(b);
    set(&b->sent[0].subject, "CN=evil\x1b[31mred");
    struct diff d;
    assert_int_equal(diff_reports(a, b, &d), 0);
    assert_int_equal(d.n_changed, 3);
    report_free(a);
    report_free(b);
    return d;
}

static void test_render_text(void **state)
{
    (void)state;
    struct diff d = changed_diff();
    char *text = diff_render_text(&d, false, 100);
    assert_string_equal(text, "  protocol             TLSv1.3         →  TLSv1.2\n"
                              "  chain sent           2 certificates  →  2 certificates\n"
                              "                       + CN=evil\\x1B[31mred [AA:BB:CC:DD]\n"
                              "                       - CN=localhost [AA:BB:CC:DD]\n"
                              "  findings             1 finding       →  2 findings\n"
                              "                       + medium  TLS 1.2 chosen\n");
    assert_null(strchr(text, '\x1b'));
    assert_null(strstr(text, "signature"));
    assert_null(strstr(text, "(same)"));
    free(text);

    text = diff_render_text(&d, true, 100);
    assert_non_null(strstr(text, "→  rsa_pss_rsae_sha256   (same)\n"));
    assert_non_null(strstr(text, "→  TLSv1.2\n")); /* the change has no "(same)" */
    assert_non_null(strstr(text, "  verification errors  "));
    free(text);

    /* Too narrow for old and new on one line: the new value moves to the next. */
    text = diff_render_text(&d, false, 30);
    assert_non_null(strstr(text, "TLSv1.3\n"));
    assert_non_null(strstr(text, "→  TLSv1.2\n"));
    free(text);
    diff_free(&d);
}

static void test_render_json(void **state)
{
    (void)state;
    struct diff d = changed_diff();
    char *doc = diff_render_json(&d, true);
    assert_null(strchr(doc, '\x1b'));
    assert_int_equal(doc[strlen(doc) - 1], '\n');
    json_error_t je;
    json_t *j = json_loads(doc, 0, &je);
    if (!j)
        fail_msg("not JSON: %s\n%s", je.text, doc);
    json_t *changed = json_object_get(j, "changed"), *unchanged = json_object_get(j, "unchanged");
    assert_int_equal(json_array_size(changed), 3);
    assert_int_equal(json_array_size(unchanged), d.n - 3);
    json_t *p = json_array_get(changed, 0);
    assert_string_equal(json_string_value(json_object_get(p, "fact")), "protocol");
    assert_string_equal(json_string_value(json_object_get(p, "label")), "protocol");
    assert_string_equal(json_string_value(json_object_get(p, "old")), "TLSv1.3");
    assert_string_equal(json_string_value(json_object_get(p, "new")), "TLSv1.2");
    assert_int_equal(json_array_size(json_object_get(p, "added")), 0);
    json_t *chain = json_array_get(changed, 1);
    assert_string_equal(json_string_value(json_object_get(chain, "fact")), "chain_sent");
    assert_string_equal(json_string_value(json_array_get(json_object_get(chain, "added"), 0)),
                        "CN=evil\x1b[31mred [AA:BB:CC:DD]");
    json_t *f = json_array_get(changed, 2);
    assert_string_equal(json_string_value(json_object_get(f, "fact")), "findings");
    assert_string_equal(json_string_value(json_array_get(json_object_get(f, "added"), 0)),
                        "medium  TLS 1.2 chosen");
    assert_string_equal(json_string_value(json_array_get(unchanged, 0)), "target");
    json_decref(j);
    free(doc);

    doc = diff_render_json(&d, false);
    assert_ptr_equal(strchr(doc, '\n'), doc + strlen(doc) - 1); /* one line */
    free(doc);
    diff_free(&d);
}

/* Sets larger than the bound: the true count is reported and the truncation flagged, not 512
 * (or 64 for a cut certificate chain) as if that were the count. */
static void test_large_sets(void **state)
{
    (void)state;
    struct report *a = base_report(), *b = base_report();
    /* A: 600 verification errors, B: 700; the first 512 are the same */
    struct report *both[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        size_t n = k ? 700 : 600;
        both[k]->verify_errors = xcalloc(n, sizeof(*both[k]->verify_errors));
        for (size_t i = 0; i < n; i++) {
            both[k]->verify_errors[i].depth = (int)(i % 64);
            both[k]->verify_errors[i].code = 10;
            both[k]->verify_errors[i].name = xstrdup("X509_V_ERR_CERT_HAS_EXPIRED");
        }
        both[k]->n_verify_errors = n;
    }
    b->n_sent_total = 101;
    struct diff d;
    assert_int_equal(diff_reports(a, b, &d), 0);
    const struct diff_item *errors = NULL, *sent = NULL;
    for (size_t i = 0; i < d.n; i++) {
        if (!strcmp(d.items[i].fact, "verify_errors"))
            errors = &d.items[i];
        if (!strcmp(d.items[i].fact, "chain_sent"))
            sent = &d.items[i];
    }
    assert_non_null(errors);
    assert_string_equal(errors->old_value, "600 errors (first 512 compared)");
    assert_string_equal(errors->new_value, "700 errors (first 512 compared)");
    assert_true(errors->truncated);
    assert_true(errors->changed);
    assert_non_null(sent);
    assert_string_equal(sent->old_value, "2 certificates");
    assert_string_equal(sent->new_value, "101 certificates (first 2 compared)");
    assert_true(sent->truncated);
    assert_true(sent->changed);
    char *doc = diff_render_json(&d, false);
    json_error_t je;
    json_t *j = json_loads(doc, 0, &je);
    assert_non_null(j);
    json_t *changed = json_object_get(j, "changed"), *it;
    size_t i, flagged = 0;
    json_array_foreach(changed, i, it)
    {
        assert_true(json_is_boolean(json_object_get(it, "truncated")));
        flagged += json_is_true(json_object_get(it, "truncated"));
    }
    assert_int_equal(flagged, 2);
    json_decref(j);
    free(doc);
    diff_free(&d);
    report_free(a);
    report_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_fact_at_a_time), cmocka_unit_test(test_identical_reports),
        cmocka_unit_test(test_timing_threshold),   cmocka_unit_test(test_bad_documents),
        cmocka_unit_test(test_render_text),        cmocka_unit_test(test_render_json),
        cmocka_unit_test(test_large_sets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
