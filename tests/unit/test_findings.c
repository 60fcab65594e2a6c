/* Findings: hand-built reports, one per situation, and the findings each must (not) yield. */
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

/* ---- building reports -------------------------------------------------------------------- */

/* Appends a certificate CN=cn issued by CN=issuer_cn, valid from nb to na, RSA 2048 with a
 * SHA-256 signature; self-signed when cn == issuer_cn, a CA when not the first one. */
static struct cert_info *push_cert(struct report *r, const char *cn, const char *issuer_cn,
                                   time_t nb, time_t na)
{
    r->sent = xrealloc(r->sent, (r->n_sent + 1) * sizeof(*r->sent));
    struct cert_info *c = &r->sent[r->n_sent];
    memset(c, 0, sizeof(*c));
    c->subject = xasprintf("CN=%s", cn);
    c->issuer = xasprintf("CN=%s", issuer_cn);
    c->subject_cn = xstrdup(cn);
    c->not_before_t = nb;
    c->not_after_t = na;
    iso8601_utc(nb, c->not_before, sizeof(c->not_before));
    iso8601_utc(na, c->not_after, sizeof(c->not_after));
    c->days_left = (long)((na - NOW) / DAY);
    c->key_type = xstrdup("RSA");
    c->key_bits = 2048;
    c->signature_algorithm = xstrdup("sha256WithRSAEncryption");
    c->self_signed = !strcmp(cn, issuer_cn);
    c->is_ca = r->n_sent > 0;
    c->path_len = -1;
    r->n_sent++;
    return c;
}

/* The shared good report through one intermediate, trusting the system store (which the
 * untrusted-root detail names). */
static struct report *good_report(void)
{
    struct report *r = fixture_good_report();
    r->effective.trust = xstrdup("system store (/usr/lib/ssl/certs)");
    struct cert_info *leaf =
        push_cert(r, "localhost", "Test Intermediate", NOW - 10 * DAY, NOW + 300 * DAY);
    strlist_push(&leaf->san, "DNS:localhost");
    strlist_push(&leaf->san, "IP:127.0.0.1");
    push_cert(r, "Test Intermediate", "Test Root", NOW - 100 * DAY, NOW + 1000 * DAY);
    return r;
}

static void set_tls12(struct report *r, const char *cipher, const char *iana, const char *kx,
                      int bits)
{
    fixture_set_str(&r->protocol, "TLSv1.2");
    r->protocol_version = 0x0303;
    fixture_set_str(&r->cipher_name, cipher);
    fixture_set_str(&r->cipher_iana, iana);
    fixture_set_str(&r->cipher_kx, kx);
    fixture_set_str(&r->cipher_auth, "RSA");
    r->cipher_bits = bits;
    r->extended_master_secret = TRI_YES;
    r->secure_renegotiation = TRI_YES;
}

/* ---- the situations ---------------------------------------------------------------------- */

static void s_good(struct report *r)
{
    (void)r;
}

static void s_expired_leaf(struct report *r)
{
    struct cert_info *c = &r->sent[0];
    c->not_before_t = 1577836800; /* 2020-01-01 */
    c->not_after_t = 1609459200;  /* 2021-01-01 */
    iso8601_utc(c->not_before_t, c->not_before, sizeof(c->not_before));
    iso8601_utc(c->not_after_t, c->not_after, sizeof(c->not_after));
    fixture_push_verify_error(r, "X509_V_ERR_CERT_HAS_EXPIRED", 0, false);
}

static void s_expired_intermediate(struct report *r)
{
    struct cert_info *c = &r->sent[1];
    c->not_after_t = NOW - 3 * DAY;
    iso8601_utc(c->not_after_t, c->not_after, sizeof(c->not_after));
    fixture_push_verify_error(r, "X509_V_ERR_CERT_HAS_EXPIRED", 1, false);
}

static void s_not_yet_valid(struct report *r)
{
    struct cert_info *c = &r->sent[0];
    c->not_before_t = NOW + 10 * DAY;
    iso8601_utc(c->not_before_t, c->not_before, sizeof(c->not_before));
    fixture_push_verify_error(r, "X509_V_ERR_CERT_NOT_YET_VALID", 0, false);
}

static void s_expiring(struct report *r)
{
    r->sent[0].not_before_t = NOW - 80 * DAY; /* a 92-day certificate: the 30-day rule */
    r->sent[0].not_after_t = NOW + 12 * DAY + 3600;
    iso8601_utc(r->sent[0].not_after_t, r->sent[0].not_after, sizeof(r->sent[0].not_after));
}

/* issue 13: a third of the lifetime when that is shorter than 30 days: a 6-day certificate
 * 3 days from expiry is fine, 1 day from expiry warns; a 22-day one warns under 7.3 days. */
static void s_short_lived_fine(struct report *r)
{
    r->sent[0].not_before_t = NOW - 3 * DAY;
    r->sent[0].not_after_t = NOW + 3 * DAY;
    iso8601_utc(r->sent[0].not_after_t, r->sent[0].not_after, sizeof(r->sent[0].not_after));
}

static void s_short_lived_warns(struct report *r)
{
    r->sent[0].not_before_t = NOW - 5 * DAY;
    r->sent[0].not_after_t = NOW + 1 * DAY + 3600;
    iso8601_utc(r->sent[0].not_after_t, r->sent[0].not_after, sizeof(r->sent[0].not_after));
}

static void s_expiring_later(struct report *r)
{
    r->sent[0].not_after_t = NOW + 45 * DAY;
    iso8601_utc(r->sent[0].not_after_t, r->sent[0].not_after, sizeof(r->sent[0].not_after));
}

static void s_hostname(struct report *r)
{
    fixture_set_str(&r->hostname, "www.example.org");
    r->hostname_match = false;
    free(r->hostname_matched);
    r->hostname_matched = NULL;
    fixture_push_verify_error(r, "X509_V_ERR_HOSTNAME_MISMATCH", 0, false);
}

static void s_self_signed(struct report *r)
{
    cert_info_free(&r->sent[1]);
    r->n_sent = 1;
    fixture_set_str(&r->sent[0].issuer, "CN=localhost");
    r->sent[0].self_signed = true;
    fixture_push_verify_error(r, "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT", 0, false);
}

static void s_self_signed_trusted(struct report *r)
{
    cert_info_free(&r->sent[1]);
    r->n_sent = 1;
    fixture_set_str(&r->sent[0].issuer, "CN=localhost");
    r->sent[0].self_signed = true;
}

static void s_untrusted_root(struct report *r)
{
    push_cert(r, "Test Root", "Test Root", NOW - 1000 * DAY, NOW + 3000 * DAY);
    r->chain_issues = CHAIN_ROOT_INCLUDED;
    fixture_push_verify_error(r, "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN", 2, false);
}

static void s_missing_intermediate(struct report *r)
{
    cert_info_free(&r->sent[1]);
    r->n_sent = 1;
    r->sent[0].ca_issuers_url = xstrdup("http://ca.example/int.crt");
    r->chain_issues = CHAIN_MISSING_INTERMEDIATE;
    fixture_push_verify_error(r, "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY", 0, false);
    fixture_push_verify_error(r, "X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE", 0, false);
}

static void s_chain_order_extra(struct report *r)
{
    push_cert(r, "Stray CA", "Other Root", NOW - DAY, NOW + 900 * DAY);
    r->chain_issues = CHAIN_WRONG_ORDER | CHAIN_EXTRA_CERTIFICATE;
}

static void s_small_leaf_key(struct report *r)
{
    r->sent[0].key_bits = 1024;
    fixture_push_verify_error(r, "X509_V_ERR_EE_KEY_TOO_SMALL", 0, false);
}

static void s_small_self_signed_leaf_key(struct report *r)
{
    s_self_signed(r);
    r->sent[0].key_bits = 1024;
}

static void s_small_ec_intermediate(struct report *r)
{
    fixture_set_str(&r->sent[1].key_type, "EC");
    r->sent[1].key_bits = 192;
}

static void s_small_root_key(struct report *r)
{
    struct cert_info *root = push_cert(r, "Test Root", "Test Root", NOW - DAY, NOW + 900 * DAY);
    root->key_bits = 1024;
    fixture_set_str(&root->signature_algorithm, "sha1WithRSAEncryption");
    r->chain_issues = CHAIN_ROOT_INCLUDED;
}

static void s_sha1_intermediate(struct report *r)
{
    fixture_set_str(&r->sent[1].signature_algorithm, "sha1WithRSAEncryption");
}

static void s_md5_leaf(struct report *r)
{
    fixture_set_str(&r->sent[0].signature_algorithm, "md5WithRSAEncryption");
}

static void s_tls10(struct report *r)
{
    set_tls12(r, "ECDHE-RSA-AES256-SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE", 256);
    fixture_set_str(&r->protocol, "TLSv1");
    r->protocol_version = 0x0301;
}

static void s_ssl3(struct report *r)
{
    set_tls12(r, "ECDHE-RSA-AES256-SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE", 256);
    fixture_set_str(&r->protocol, "SSLv3");
    r->protocol_version = 0x0300;
}

static void s_tls12_ecdhe(struct report *r)
{
    set_tls12(r, "ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE",
              256);
}

static void s_static_rsa(struct report *r)
{
    set_tls12(r, "AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384", "RSA", 256);
}

static void s_rc4(struct report *r)
{
    set_tls12(r, "ECDHE-RSA-RC4-SHA", "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE", 128);
}

static void s_3des(struct report *r)
{
    set_tls12(r, "ECDHE-RSA-DES-CBC3-SHA", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE", 112);
}

static void s_export(struct report *r)
{
    set_tls12(r, "EXP-EDH-RSA-DES-CBC-SHA", "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", "DHE", 40);
}

static void s_null(struct report *r)
{
    set_tls12(r, "ECDHE-RSA-NULL-SHA", "TLS_ECDHE_RSA_WITH_NULL_SHA", "ECDHE", 0);
}

static void s_no_staple(struct report *r)
{
    r->ocsp_requested = true;
}

static void s_revoked(struct report *r)
{
    r->ocsp_requested = r->ocsp_stapled = true;
    r->ocsp_status = xstrdup("revoked");
    r->ocsp_responder = xstrdup("http://ocsp.example");
    snprintf(r->ocsp_revoked_at, sizeof(r->ocsp_revoked_at), "2026-11-01T00:00:00Z");
    fixture_push_verify_error(r, "X509_V_ERR_CERT_REVOKED", 0, false);
}

static void s_other_error(struct report *r)
{
    fixture_push_verify_error(r, "X509_V_ERR_CERT_CHAIN_TOO_LONG", 1, false);
}

static void s_pin_mismatch(struct report *r)
{
    fixture_push_verify_error(r, "TLSCOPE_PIN_MISMATCH", -1, false);
}

static void s_ignored(struct report *r)
{
    s_expired_leaf(r);
    r->verify_errors[0].ignored = true;
    r->verify_ok = true;
    strlist_push(&r->effective.weakened, "ignoring verification error CERT_HAS_EXPIRED");
}

static void s_verify_off(struct report *r)
{
    r->effective.verify = false;
    strlist_push(&r->effective.weakened, "verification off: any certificate is accepted");
    strlist_push(&r->effective.weakened, "security level 0: weak keys allowed");
}

static void s_renegotiation(struct report *r)
{
    s_tls12_ecdhe(r);
    r->secure_renegotiation = TRI_NO;
    r->extended_master_secret = TRI_NO;
}

static void s_renegotiation_tls13(struct report *r)
{
    r->secure_renegotiation = TRI_NO; /* nonsense on TLS 1.3: must be ignored */
    r->extended_master_secret = TRI_NO;
}

static void s_handshake_failed(struct report *r)
{
    s_expired_leaf(r);
    s_ssl3(r);
    r->ok = false;
    report_set_error(r, STAGE_TLS, NULL, "handshake failed");
}

/* ---- the table --------------------------------------------------------------------------- */

struct want {
    const char *id;
    enum severity sev;
    const char *detail_has[3]; /* each must occur in the finding's detail */
};

/* One situation per entry reads better than one field per line. */
/* clang-format off */
static const struct fcase {
    const char *name;
    void (*setup)(struct report *r);
    struct want want[4];
    const char *absent[6]; /* ids that must not appear */
    bool only_info;        /* besides want: nothing above info */
} cases[] = {
    {"good", s_good, {{0}}, {0}, true},
    {"expired leaf", s_expired_leaf,
     {{"cert_expired", SEV_CRITICAL,
       {"2021-01-01T00:00:00Z", "depth 0, CN=localhost", "2,156 days ago"}}},
     {"cert_expiring", "cert_chain_expired", "verify_error"}, true},
    {"expired intermediate", s_expired_intermediate,
     {{"cert_chain_expired", SEV_HIGH, {"depth 1", "CN=Test Intermediate", "3 days ago"}}},
     {"cert_expired", "verify_error"}, true},
    {"not yet valid", s_not_yet_valid,
     {{"cert_not_yet_valid", SEV_HIGH, {"2026-12-07", "valid in 10 days"}}},
     {"cert_expired", "verify_error"}, true},
    {"expiring in 12 days", s_expiring,
     {{"cert_expiring", SEV_MEDIUM, {"2026-12-09", "12 days left"}}}, {"cert_expired"}, true},
    {"expiring in 45 days", s_expiring_later, {{0}}, {"cert_expiring"}, true},
    {"6-day certificate, 3 days left", s_short_lived_fine, {{0}}, {"cert_expiring"}, true},
    {"6-day certificate, 1 day left", s_short_lived_warns,
     {{"cert_expiring", SEV_MEDIUM, {"1 day left"}}}, {"cert_expired"}, true},
    {"hostname mismatch", s_hostname,
     {{"hostname_mismatch", SEV_HIGH, {"www.example.org", "DNS:localhost", "IP:127.0.0.1"}}},
     {"verify_error"}, true},
    {"self-signed leaf", s_self_signed,
     {{"self_signed", SEV_HIGH, {"CN=localhost"}}},
     {"verify_error", "untrusted_root", "incomplete_chain", "sha1_signature"}, true},
    {"self-signed leaf trusted", s_self_signed_trusted,
     {{"self_signed", SEV_INFO, {"CN=localhost"}}}, {"verify_error"}, true},
    {"untrusted root", s_untrusted_root,
     {{"untrusted_root", SEV_HIGH, {"CN=Test Root", "system store"}},
      {"chain_root_included", SEV_INFO, {"CN=Test Root (depth 2)"}}},
     {"incomplete_chain", "verify_error", "key_too_small"}, true},
    {"missing intermediate", s_missing_intermediate,
     {{"incomplete_chain", SEV_HIGH, {"CN=Test Intermediate", "http://ca.example/int.crt"}}},
     {"untrusted_root", "verify_error"}, true},
    {"chain order and extra", s_chain_order_extra,
     {{"chain_order", SEV_LOW, {"2 CN=Stray CA"}}, {"chain_extra", SEV_INFO, {"CN=Stray CA"}}},
     {"incomplete_chain"}, true},
    {"small leaf key", s_small_leaf_key,
     {{"key_too_small", SEV_HIGH, {"1024 bits", "2048", "CN=localhost"}}}, {"verify_error"},
     true},
    {"small self-signed leaf key", s_small_self_signed_leaf_key,
     {{"key_too_small", SEV_HIGH, {"1024 bits on depth 0"}}, {"self_signed", SEV_HIGH, {0}}},
     {0}, true},
    {"small EC intermediate key", s_small_ec_intermediate,
     {{"key_too_small", SEV_HIGH, {"EC key of 192 bits", "224", "depth 1"}}}, {0}, true},
    {"small sent root key", s_small_root_key, {{0}},
     {"key_too_small", "sha1_signature"}, true},
    {"sha1 intermediate", s_sha1_intermediate,
     {{"sha1_signature", SEV_MEDIUM, {"sha1WithRSAEncryption", "depth 1"}}},
     {"md5_signature"}, true},
    {"md5 leaf", s_md5_leaf, {{"md5_signature", SEV_HIGH, {"md5WithRSAEncryption"}}},
     {"sha1_signature"}, true},
    {"TLS 1.0", s_tls10, {{"old_protocol", SEV_MEDIUM, {"TLSv1 ", "offered", "RFC 8996"}}},
     {"no_forward_secrecy"}, true},
    {"SSL 3.0", s_ssl3, {{"old_protocol", SEV_HIGH, {"SSLv3", "POODLE"}}}, {0}, true},
    {"TLS 1.2 ECDHE", s_tls12_ecdhe, {{0}},
     {"old_protocol", "no_forward_secrecy", "weak_cipher", "insecure_renegotiation"}, true},
    {"static RSA", s_static_rsa,
     {{"no_forward_secrecy", SEV_MEDIUM, {"AES256-GCM-SHA384", "RSA key exchange"}}},
     {"weak_cipher"}, true},
    {"RC4", s_rc4, {{"weak_cipher", SEV_HIGH, {"ECDHE-RSA-RC4-SHA", "RC4"}}},
     {"sweet32", "no_forward_secrecy"}, true},
    {"3DES", s_3des, {{"sweet32", SEV_MEDIUM, {"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "112"}}},
     {"weak_cipher"}, true},
    {"export", s_export, {{"weak_cipher", SEV_HIGH, {"export grade", "single DES", "40-bit"}}},
     {"sweet32", "no_forward_secrecy"}, true},
    {"NULL cipher", s_null, {{"weak_cipher", SEV_HIGH, {"NULL encryption"}}}, {0}, true},
    {"no OCSP staple", s_no_staple, {{"no_ocsp_staple", SEV_INFO, {"status_request"}}},
     {"ocsp_revoked"}, true},
    {"OCSP revoked", s_revoked,
     {{"ocsp_revoked", SEV_CRITICAL, {"http://ocsp.example", "2026-11-01T00:00:00Z"}}},
     {"no_ocsp_staple", "verify_error"}, true},
    {"uncovered verify error", s_other_error,
     {{"verify_error", SEV_HIGH,
       {"X509_V_ERR_CERT_CHAIN_TOO_LONG at depth 1 (CN=Test Intermediate)",
        "explanation for X509_V_ERR_CERT_CHAIN_TOO_LONG"}}},
     {0}, true},
    {"pin mismatch", s_pin_mismatch, {{"verify_error", SEV_HIGH, {"TLSCOPE_PIN_MISMATCH: "}}},
     {0}, true},
    {"ignored expiry", s_ignored,
     {{"cert_expired", SEV_CRITICAL, {"2,156 days ago"}},
      {"ignored_errors", SEV_INFO, {"X509_V_ERR_CERT_HAS_EXPIRED (depth 0)"}},
      {"weakened_settings", SEV_INFO, {"ignoring verification error"}}},
     {"verify_error", "verification_off"}, true},
    {"verification off", s_verify_off,
     {{"verification_off", SEV_MEDIUM, {"would have passed"}},
      {"weakened_settings", SEV_INFO, {"verification off", "security level 0"}}},
     {0}, true},
    {"renegotiation and EMS", s_renegotiation,
     {{"insecure_renegotiation", SEV_MEDIUM, {"RFC 5746", "TLSv1.2"}},
      {"no_extended_master_secret", SEV_LOW, {"RFC 7627"}}},
     {0}, true},
    {"renegotiation on TLS 1.3", s_renegotiation_tls13, {{0}},
     {"insecure_renegotiation", "no_extended_master_secret"}, true},
    {"handshake failed", s_handshake_failed, {{0}},
     {"cert_expired", "old_protocol", "verify_error"}, true},
};
/* clang-format on */

static bool wanted(const struct fcase *c, const char *id)
{
    for (size_t i = 0; i < 4 && c->want[i].id; i++)
        if (!strcmp(c->want[i].id, id))
            return true;
    return false;
}

static void check_case(const struct fcase *c, const struct report *r)
{
    for (size_t i = 0; i < 4 && c->want[i].id; i++) {
        const struct want *w = &c->want[i];
        const struct finding *f = fixture_finding(r, w->id);
        if (!f)
            fail_msg("%s: no finding %s", c->name, w->id);
        if (f->severity != w->sev)
            fail_msg("%s: %s is %s, want %s", c->name, w->id, severity_name(f->severity),
                     severity_name(w->sev));
        if (!f->title || !*f->title || !f->fix || !*f->fix)
            fail_msg("%s: %s lacks a title or fix", c->name, w->id);
        for (size_t k = 0; k < 3 && w->detail_has[k]; k++)
            if (!strstr(f->detail, w->detail_has[k]))
                fail_msg("%s: %s detail \"%s\" lacks \"%s\"", c->name, w->id, f->detail,
                         w->detail_has[k]);
    }
    for (size_t i = 0; i < 6 && c->absent[i]; i++)
        if (fixture_finding(r, c->absent[i]))
            fail_msg("%s: unexpected finding %s", c->name, c->absent[i]);
    for (size_t i = 0; c->only_info && i < r->n_findings; i++)
        if (r->findings[i].severity > SEV_INFO && !wanted(c, r->findings[i].id))
            fail_msg("%s: unexpected %s finding %s: %s", c->name,
                     severity_name(r->findings[i].severity), r->findings[i].id,
                     r->findings[i].title);
}

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct report *r = good_report();
        cases[i].setup(r);
        chain_roles(r);
        findings_compute(r, NOW);
        check_case(&cases[i], r);
        report_free(r);
    }
}

/* A healthy report yields nothing at all, and a failed handshake nothing either. */
static void test_good_and_failed_are_empty(void **state)
{
    (void)state;
    struct report *r = good_report();
    findings_compute(r, NOW);
    assert_int_equal(r->n_findings, 0);
    report_free(r);
    r = good_report();
    s_handshake_failed(r);
    findings_compute(r, NOW);
    assert_int_equal(r->n_findings, 0);
    report_free(r);
}

static void test_titles(void **state)
{
    (void)state;
    struct report *r = good_report();
    s_expired_leaf(r);
    findings_compute(r, NOW);
    const struct finding *f = fixture_finding(r, "cert_expired");
    assert_non_null(f);
    assert_string_equal(f->title, "Certificate expired on 2021-01-01");
    report_free(r);
    r = good_report();
    s_tls10(r);
    findings_compute(r, NOW);
    f = fixture_finding(r, "old_protocol");
    assert_non_null(f);
    assert_string_equal(f->title, "TLS 1.0 accepted");
    report_free(r);
}

/* Many problems at once: sorted by severity, highest first, check order kept within one. */
static void test_order(void **state)
{
    (void)state;
    struct report *r = good_report();
    s_no_staple(r);                   /* info */
    s_tls10(r);                       /* medium old_protocol */
    s_small_leaf_key(r);              /* high key_too_small */
    s_hostname(r);                    /* high hostname_mismatch, checked before keys */
    s_expired_leaf(r);                /* critical */
    s_sha1_intermediate(r);           /* medium */
    r->secure_renegotiation = TRI_NO; /* medium, after old_protocol */
    findings_compute(r, NOW);
    assert_true(r->n_findings >= 7);
    for (size_t i = 1; i < r->n_findings; i++)
        if (r->findings[i - 1].severity < r->findings[i].severity)
            fail_msg("%s (%s) before %s (%s)", r->findings[i - 1].id,
                     severity_name(r->findings[i - 1].severity), r->findings[i].id,
                     severity_name(r->findings[i].severity));
    assert_string_equal(r->findings[0].id, "cert_expired");
    assert_string_equal(r->findings[1].id, "hostname_mismatch");
    assert_string_equal(r->findings[2].id, "key_too_small");
    assert_string_equal(r->findings[r->n_findings - 1].id, "no_ocsp_staple");
    size_t sha1 = r->n_findings, proto = r->n_findings, reneg = r->n_findings;
    for (size_t i = 0; i < r->n_findings; i++) {
        if (!strcmp(r->findings[i].id, "sha1_signature"))
            sha1 = i;
        if (!strcmp(r->findings[i].id, "old_protocol"))
            proto = i;
        if (!strcmp(r->findings[i].id, "insecure_renegotiation"))
            reneg = i;
    }
    assert_true(sha1 < proto);
    assert_true(proto < reneg);
    assert_true(reneg < r->n_findings);
    report_free(r);
}

/* Peer lists are quoted with a bound: a certificate with 500 names does not make a 500-name
 * detail, and strings from the peer are kept as they are (renderers sanitise). */
static void test_bounded_and_verbatim(void **state)
{
    (void)state;
    struct report *r = good_report();
    s_hostname(r);
    for (int i = 0; i < 500; i++) {
        char name[64];
        snprintf(name, sizeof(name), "DNS:host%d.example", i);
        strlist_push(&r->sent[0].san, name);
    }
    fixture_set_str(&r->sent[0].subject_cn, "evil\x1b[31m");
    findings_compute(r, NOW);
    const struct finding *f = fixture_finding(r, "hostname_mismatch");
    assert_non_null(f);
    assert_non_null(strstr(f->detail, "and 482 more"));
    assert_null(strstr(f->detail, "host100.example"));
    assert_non_null(strstr(f->detail, "CN=evil\x1b[31m"));
    assert_true(strlen(f->detail) < 2000);
    report_free(r);
}

static bool has_id(const struct report *r, const char *id)
{
    for (size_t i = 0; i < r->n_findings; i++)
        if (!strcmp(r->findings[i].id, id))
            return true;
    return false;
}

/* findings_probe (issue 12): the injection check and HSTS, sorted in with the rest. */
static void test_probe_findings(void **state)
{
    (void)state;
    static const struct {
        const char *hsts;
        long max_age;
        const char *problem, *id;
    } probe_cases[] = {
        {NULL, -1, NULL, "hsts_missing"},
        {"max-age=600", 600, NULL, "hsts_short"},
        {"max-age=x", -1, "max-age is not a number of seconds", "hsts_malformed"},
        {"max-age=31536000", 31536000, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof probe_cases / sizeof probe_cases[0]; i++) {
        struct report *r = good_report();
        findings_compute(r, NOW);
        r->http.requested = r->http.sent = true;
        r->http.status = 200;
        r->http.status_line = xstrdup("HTTP/1.1 200 OK");
        r->http.hsts = xstrdup(probe_cases[i].hsts);
        r->http.hsts_max_age = probe_cases[i].max_age;
        r->http.hsts_problem = xstrdup(probe_cases[i].problem);
        findings_probe(r);
        size_t hsts =
            has_id(r, "hsts_missing") + has_id(r, "hsts_short") + has_id(r, "hsts_malformed");
        assert_int_equal(hsts, probe_cases[i].id ? 1 : 0);
        if (probe_cases[i].id)
            assert_true(has_id(r, probe_cases[i].id));
        report_free(r);
    }
    /* no answer, or not asked: nothing */
    struct report *r = good_report();
    r->http.requested = true;
    findings_probe(r);
    assert_int_equal(r->n_findings, 0);
    report_free(r);
    /* the injection: high, first */
    r = good_report();
    r->starttls.protocol = xstrdup("smtp");
    r->starttls.injection_checked = true;
    r->starttls.injected = xstrdup("NOOP");
    findings_probe(r);
    assert_false(has_id(r, "starttls_injection")); /* checked, not vulnerable */
    r->starttls.injection_vulnerable = true;
    r->starttls.injection_answer = xstrdup("250 2.0.0 Ok");
    report_add_finding(r, "x_low", SEV_LOW, xstrdup("x"), xstrdup("x"), xstrdup("x"));
    findings_probe(r);
    assert_string_equal(r->findings[0].id, "starttls_injection");
    assert_int_equal(r->findings[0].severity, SEV_HIGH);
    assert_non_null(strstr(r->findings[0].detail, "250 2.0.0 Ok"));
    report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_probe_findings),
        cmocka_unit_test(test_good_and_failed_are_empty),
        cmocka_unit_test(test_titles),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_bounded_and_verbatim),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
