/* Unit tests for the Certificates, Findings and Raw panes, on reports built by hand: what the
 * docs say, in which order and colour, escaping, and widths. No terminal. The PEM export:
 * test_export.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/chain.h"
#include "lib/check.h"
#include "lib/fixture.h"
#include "model/report.h"
#include "ui/doc.h"
#include "ui/pane.h"
#include "util/mem.h"

static void add_finding(struct report *r, const char *id, enum severity sev, const char *title)
{
    report_add_finding(r, id, sev, xstrdup(title),
                       xasprintf("Evidence for %s: notAfter 2021-01-01 00:00:00 UTC on depth 0, "
                                 "a sentence long enough to need wrapping at eighty columns.",
                                 id),
                       xstrdup("Renew the certificate and reload the server."));
}

/* ---- helpers ---------------------------------------------------------------------------- */

static struct pane_ctx ctx_for(const struct report *r, int width, bool utf8)
{
    return (struct pane_ctx){.r = r, .profile = "default", .utf8 = utf8, .width = width};
}

static void build(const struct pane_ops *ops, const struct pane_ctx *ctx, struct doc *d)
{
    memset(d, 0, sizeof(*d));
    ops->build(NULL, ctx, d);
}

static void detail(const struct pane_ops *ops, const struct pane_ctx *ctx, int id, struct doc *d)
{
    memset(d, 0, sizeof(*d));
    ops->detail(NULL, ctx, id, d);
}

/* Index of the line with this id, or -1. */
static long line_with_id(const struct doc *d, int id)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->lines[i].id == id)
            return (long)i;
    return -1;
}

static char *plain_of_id(const struct doc *d, int id)
{
    long i = line_with_id(d, id);
    if (i < 0)
        fail_msg("no line with id %d", id);
    return doc_line_plain(&d->lines[i]);
}

/* The whole doc as text, one line per doc line (caller frees). */
static char *doc_text_all(const struct doc *d)
{
    char *all = xstrdup("");
    for (size_t i = 0; i < d->n; i++) {
        char *p = doc_line_plain(&d->lines[i]);
        char *next = xasprintf("%s%s\n", all, p);
        free(all);
        free(p);
        all = next;
    }
    return all;
}

/* The role of the first segment whose text contains needle on line i (fails when none). */
static enum theme_role role_of(const struct doc *d, long i, const char *needle)
{
    assert_true(i >= 0);
    const struct doc_line *l = &d->lines[i];
    for (size_t k = 0; k < l->n; k++)
        if (strstr(l->segs[k].text, needle))
            return l->segs[k].role;
    fail_msg("no segment with \"%s\" on line %ld", needle, i);
    return TR_COUNT;
}

/* The display column where needle starts in s (fails when absent). */
static int column_of(const char *s, const char *needle)
{
    const char *at = strstr(s, needle);
    assert_non_null(at);
    char *prefix = xstrndup(s, (size_t)(at - s));
    int col = doc_width(prefix);
    free(prefix);
    return col;
}

/* No control byte in any segment, and no line wider than width. */
static void assert_clean_and_fits(const struct doc *d, int width)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct doc_line *l = &d->lines[i];
        for (size_t k = 0; k < l->n; k++)
            for (const unsigned char *p = (const unsigned char *)l->segs[k].text; *p; p++)
                if (*p < 0x20 || *p == 0x7F)
                    fail_msg("control byte 0x%02X in line %zu: \"%s\"", *p, i, l->segs[k].text);
        char *p = doc_line_plain(l);
        if (doc_width(p) > width)
            fail_msg("line %zu is %d columns wide (max %d): \"%s\"", i, doc_width(p), width, p);
        free(p);
    }
}

/* Every line of the list and of every detail is clean and fits. */
static void assert_pane_fits(const struct pane_ops *ops, const struct pane_ctx *ctx)
{
    struct doc d, det;
    build(ops, ctx, &d);
    assert_clean_and_fits(&d, ctx->width);
    for (size_t i = 0; ops->detail && i < d.n; i++) {
        if (d.lines[i].id < 0)
            continue;
        detail(ops, ctx, d.lines[i].id, &det);
        assert_true(det.n > 0);
        assert_clean_and_fits(&det, ctx->width);
        doc_free(&det);
    }
    doc_free(&d);
}

/* ---- Certificates ----------------------------------------------------------------------- */

static void test_cert_tree(void **state)
{
    (void)state;
    struct report *r = fixture_chain_report("localhost");
    struct pane_ctx ctx = ctx_for(r, 80, true);
    struct doc d;
    build(&pane_certificates, &ctx, &d);
    char *all = doc_text_all(&d);
    check_contains(all, " Sent by the server (2)\n");
    check_contains(all, " Verified path (3)\n");
    static const struct {
        int id;
        const char *name, *prefix, *mark, *days;
    } rows[] = {
        {0, "CN=localhost", " 0  CN=localhost", "✔", "364 d"},
        {1, "CN=TLS Lab Intermediate CA", " └─ 1  CN=TLS Lab Intermediate CA", "✖", "20 d"},
        {1000, "CN=localhost", " 0  CN=localhost", "✔", "364 d"},
        {1001, "CN=TLS Lab Intermediate CA", " └─ 1  CN=", "✖", "20 d"},
        {1002, "CN=TLS Lab Root CA", "    └─ 2  CN=TLS Lab Root CA  (trust anchor, not sent)", "✔",
         "expired 5 d ago"},
    };
    long prev = -1;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        long at = line_with_id(&d, rows[i].id);
        assert_true(at > prev); /* in order: sent then verified, leaf to root */
        prev = at;
        char *p = plain_of_id(&d, rows[i].id);
        if (strncmp(p, rows[i].prefix, strlen(rows[i].prefix)))
            fail_msg("row %d is \"%s\", want prefix \"%s\"", rows[i].id, p, rows[i].prefix);
        check_contains(p, rows[i].mark);
        check_contains(p, rows[i].days);
        free(p);
    }
    /* The verified section lists exactly three certificates. */
    size_t n_verified = 0;
    for (size_t i = 0; i < d.n; i++)
        n_verified += d.lines[i].id >= 1000;
    assert_int_equal(n_verified, 3);
    /* Colours: the days left by how many; the mark bad where an error is. */
    assert_int_equal(role_of(&d, line_with_id(&d, 0), "364 d"), TR_OK);
    assert_int_equal(role_of(&d, line_with_id(&d, 1), "20 d"), TR_WARN);
    assert_int_equal(role_of(&d, line_with_id(&d, 1), "✖"), TR_BAD);
    assert_int_equal(role_of(&d, line_with_id(&d, 1002), "expired 5 d ago"), TR_BAD);
    assert_int_equal(role_of(&d, line_with_id(&d, 1002), "trust anchor"), TR_DIM);
    free(all);
    doc_free(&d);
    report_free(r);
}

static void test_cert_ascii_and_ignored(void **state)
{
    (void)state;
    struct report *r = fixture_chain_report("localhost");
    r->verify_errors[0].ignored = true;
    struct pane_ctx ctx = ctx_for(r, 80, false);
    struct doc d;
    build(&pane_certificates, &ctx, &d);
    char *p = plain_of_id(&d, 1001);
    check_contains(p, " `- 1  CN=TLS Lab Intermediate CA");
    check_contains(p, "! 20 d"); /* an ignored error warns, it does not fail */
    assert_null(strstr(p, "└"));
    assert_int_equal(role_of(&d, line_with_id(&d, 1001), "!"), TR_WARN);
    free(p);
    p = plain_of_id(&d, 0);
    check_contains(p, "OK 364 d");
    free(p);
    char *all = doc_text_all(&d);
    for (const unsigned char *q = (const unsigned char *)all; *q; q++)
        assert_true(*q < 0x80); /* nothing but ASCII without UTF-8 */
    free(all);
    doc_free(&d);
    for (int id = 0; id < 2; id++) {
        detail(&pane_certificates, &ctx, id, &d);
        all = doc_text_all(&d);
        for (const unsigned char *q = (const unsigned char *)all; *q; q++)
            if (*q >= 0x80)
                fail_msg("non-ASCII byte in the detail:\n%s", all);
        free(all);
        doc_free(&d);
    }
    report_free(r);
}

static void test_cert_chain_issues(void **state)
{
    (void)state;
    struct report *r = fixture_chain_report("localhost");
    r->chain_issues = CHAIN_MISSING_INTERMEDIATE | CHAIN_WRONG_ORDER | CHAIN_EXTRA_CERTIFICATE |
                      CHAIN_ROOT_INCLUDED;
    struct pane_ctx ctx = ctx_for(r, 80, true);
    struct doc d;
    build(&pane_certificates, &ctx, &d);
    char *all = doc_text_all(&d);
    static const char *const issues[] = {
        "⚠ Missing intermediate:", "⚠ Wrong order:", "⚠ Extra certificate:", "⚠ Root included:"};
    const char *at = all;
    for (size_t i = 0; i < sizeof(issues) / sizeof(issues[0]); i++) {
        const char *next = strstr(at, issues[i]);
        if (!next)
            fail_msg("missing or out of order: \"%s\" in:\n%s", issues[i], all);
        at = next;
        const char *nl = strchr(next, '\n');
        assert_non_null(nl);
        /* Each warning says what to do on the lines that follow. */
        const char *fix = strstr(next, "fix  ");
        assert_non_null(fix);
        assert_true(i + 1 == sizeof(issues) / sizeof(issues[0]) ||
                    fix < strstr(next, issues[i + 1]));
    }
    check_contains(all, "fix  Drop the root from the chain file");
    /* Out of order, the sent chain is a plain list (a tree would claim who issued whom). */
    char *row = plain_of_id(&d, 1);
    check_contains(row, " 1  CN=TLS Lab Intermediate CA");
    assert_null(strstr(row, "└"));
    free(row);
    row = plain_of_id(&d, 1001);
    check_contains(row, " └─ 1  CN=TLS Lab Intermediate CA");
    free(row);
    for (size_t i = 0; i < d.n; i++) {
        char *p = doc_line_plain(&d.lines[i]);
        if (strstr(p, "Wrong order:"))
            assert_int_equal(role_of(&d, (long)i, "Wrong order:"), TR_WARN);
        free(p);
    }
    free(all);
    doc_free(&d);
    /* No issues: no warning lines at all. */
    r->chain_issues = 0;
    build(&pane_certificates, &ctx, &d);
    all = doc_text_all(&d);
    assert_null(strstr(all, "⚠"));
    free(all);
    doc_free(&d);
    report_free(r);
}

static void test_cert_detail(void **state)
{
    (void)state;
    struct report *r = fixture_chain_report("localhost");
    struct pane_ctx ctx = ctx_for(r, 80, true);
    struct doc d;
    detail(&pane_certificates, &ctx, 0, &d);
    char *all = doc_text_all(&d);
    static const char *const fields[] = {
        " Sent #0  CN=localhost\n",
        " chain         sent by the server as #0 · verified path #0\n",
        " subject       CN=localhost, O=TLS Lab, C=XX\n",
        " issuer        CN=TLS Lab Intermediate CA, O=TLS Lab, C=XX\n",
        " serial        1F2E3D\n",
        " validity      2026-01-01T00:00:00Z → 2027-01-01T00:00:00Z (364 days left)\n",
        " key           EC, 256 bits, curve prime256v1\n",
        " signature     ecdsa-with-SHA256\n",
        " SAN           DNS:localhost  IP:127.0.0.1\n",
        " key usage     digitalSignature\n",
        " EKU           serverAuth\n",
        " CA            no\n",
        " self-signed   no\n",
        " SHA-256       AA:01\n",
        " SHA-1         01:02:03:04\n",
        " SPKI pin      sha256//q4xyzPIN+/=\n",
        " OCSP          http://ocsp.example/\n",
        " Extensions (2)\n",
        "   X509v3 Basic Constraints  critical\n       CA:FALSE\n",
        "   Authority Information Access\n       OCSP - URI:http://ocsp.example/\n"
        "       CA Issuers - URI:http://ca.example/i.crt\n",
        "✔ no verification error at this depth\n",
        " PEM\n -----BEGIN CERTIFICATE-----\n MIIBleaf\n AAAA\n -----END CERTIFICATE-----\n",
    };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        check_contains(all, fields[i]);
    free(all);
    doc_free(&d);

    /* The intermediate: CA with path length, and its verification error explained. */
    detail(&pane_certificates, &ctx, 1, &d);
    all = doc_text_all(&d);
    check_contains(all, " CA            yes, path length 0\n");
    check_contains(all, "✖ X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY (20): unable to get");
    check_contains(all, " meaning       The intermediate's issuer is not in the trust store.\n");
    check_contains(all, " fix           Install the root on the clients.\n");
    free(all);
    doc_free(&d);

    /* The root, from the verified path: expired in the bad colour, self-signed. */
    detail(&pane_certificates, &ctx, 1002, &d);
    all = doc_text_all(&d);
    check_contains(all, "(expired 5 days ago)");
    check_contains(all,
                   " chain         not sent by the server · verified path #2 · trust anchor\n");
    check_contains(all, " self-signed   yes\n");
    for (size_t i = 0; i < d.n; i++) {
        char *p = doc_line_plain(&d.lines[i]);
        if (strstr(p, "validity"))
            assert_int_equal(role_of(&d, (long)i, "expired"), TR_BAD);
        free(p);
    }
    free(all);
    doc_free(&d);
    report_free(r);
}

static void test_cert_escapes(void **state)
{
    (void)state;
    struct report *r = fixture_chain_report("evil\x1b[31mred\x07");
    free(r->sent[0].extensions[1].value);
    r->sent[0].extensions[1].value = xstrdup("URI:http://x/\x1b]0;title\x07");
    struct pane_ctx ctx = ctx_for(r, 80, true);
    struct doc d;
    build(&pane_certificates, &ctx, &d);
    char *p = plain_of_id(&d, 0);
    check_contains(p, "CN=evil\\x1B[31mred\\x07");
    free(p);
    doc_free(&d);
    detail(&pane_certificates, &ctx, 0, &d);
    char *all = doc_text_all(&d);
    check_contains(all, " subject       CN=evil\\x1B[31mred\\x07, O=TLS Lab, C=XX\n");
    check_contains(all, "URI:http://x/\\x1B]0;title\\x07");
    free(all);
    doc_free(&d);
    /* No raw ESC or other control byte anywhere, at either layout. */
    assert_pane_fits(&pane_certificates, &ctx);
    ctx.width = 120;
    assert_pane_fits(&pane_certificates, &ctx);
    report_free(r);
}

/* A line feed (or CR, TAB) in a name stays on its line as \x0A: a subject cannot print a line
 * of its own, such as a forged "issuer … (trusted)" line. */
static void test_cert_line_feed_in_name(void **state)
{
    (void)state;
    struct report *r =
        fixture_chain_report("localhost\n issuer        CN=Forged Root (trusted)\r\tx");
    struct pane_ctx ctx = ctx_for(r, 80, true);
    struct doc d;
    detail(&pane_certificates, &ctx, 0, &d);
    size_t issuer_lines = 0;
    bool subject_seen = false;
    for (size_t i = 0; i < d.n; i++) {
        char *p = doc_line_plain(&d.lines[i]);
        if (!strncmp(p, " issuer ", 8))
            issuer_lines++;
        if (!strncmp(p, " subject ", 9)) {
            subject_seen = true;
            check_contains(p, "CN=localhost\\x0A issuer        CN=Forged Root");
        }
        if (strstr(p, "Forged Root") && strncmp(p, " subject ", 9) && strncmp(p, "  ", 2) &&
            !strstr(p, "Sent #0"))
            fail_msg("the forged name starts a line of its own: \"%s\"", p);
        free(p);
    }
    assert_true(subject_seen);
    assert_int_equal(issuer_lines, 1); /* only the real issuer field */
    char *all = doc_text_all(&d);
    check_contains(all, "(trusted)\\x0D\\x09x");
    free(all);
    doc_free(&d);
    assert_pane_fits(&pane_certificates, &ctx);
    report_free(r);
}

/* Every sent certificate shows its role: in the list as a tag, in the detail as a field. */
static void test_cert_roles(void **state)
{
    (void)state;
    struct report *r = fixture_chain_report("localhost");
    struct pane_ctx ctx = ctx_for(r, 80, true);
    struct doc d;
    build(&pane_certificates, &ctx, &d);
    char *p = plain_of_id(&d, 0);
    check_contains(p, "CN=localhost  (leaf)");
    free(p);
    p = plain_of_id(&d, 1);
    check_contains(p, "CN=TLS Lab Intermediate CA  (intermediate)");
    free(p);
    doc_free(&d);
    detail(&pane_certificates, &ctx, 1, &d);
    char *all = doc_text_all(&d);
    check_contains(all, " role          path intermediate\n");
    free(all);
    doc_free(&d);
    /* an unrelated copy appended; a 101-certificate chain says it was cut */
    r->sent[1].role = CHAIN_ROLE_UNRELATED;
    r->sent[1].path_depth = -1;
    r->chain_issues = CHAIN_EXTRA_CERTIFICATE;
    r->n_sent_total = 101;
    build(&pane_certificates, &ctx, &d);
    all = doc_text_all(&d);
    check_contains(all, " Sent by the server (101, first 2 kept)\n");
    check_contains(all, "(unrelated)");
    free(all);
    doc_free(&d);
    report_free(r);
}

static void test_cert_side_by_side(void **state)
{
    (void)state;
    struct report *r = fixture_chain_report("localhost");
    struct pane_ctx ctx = ctx_for(r, 100, true);
    struct doc d;
    build(&pane_certificates, &ctx, &d);
    char *head = doc_line_plain(&d.lines[0]);
    check_contains(head, " Sent by the server (2)");
    check_contains(head, "│ Verified path (3)");
    /* The separator stands in the same column on every row. */
    int sep_col = column_of(head, "│");
    static const struct {
        int id;
        const char *left, *right;
    } rows[] = {
        {0, "0  CN=localhost", "│ 0  CN=localhost"},
        {1, "└─ 1  CN=TLS Lab Intermediate CA", "│ └─ 1  CN=TLS Lab Intermediate CA"},
        {1002, NULL, "│    └─ 2  CN=TLS Lab Root CA"}, /* no room for its tags at 100 */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *p = plain_of_id(&d, rows[i].id);
        if (rows[i].left)
            check_contains(p, rows[i].left);
        check_contains(p, rows[i].right);
        assert_int_equal(column_of(p, "│"), sep_col);
        free(p);
    }
    assert_int_equal(line_with_id(&d, 1000), -1); /* shown on the sent rows instead */
    free(head);
    doc_free(&d);
    /* The detail of a row whose verified certificate differs shows both. */
    r->sent[1].sha256[0] = 'Z';
    detail(&pane_certificates, &ctx, 1, &d);
    char *all = doc_text_all(&d);
    check_contains(all, " Sent #1  CN=TLS Lab Intermediate CA");
    check_contains(all, " Verified path #1  CN=TLS Lab Intermediate CA");
    free(all);
    doc_free(&d);
    assert_pane_fits(&pane_certificates, &ctx);
    report_free(r);
}

static void test_cert_empty_and_key(void **state)
{
    (void)state;
    struct report *r = report_new();
    r->host = xstrdup("localhost");
    struct pane_ctx ctx = ctx_for(r, 80, true);
    struct doc d;
    build(&pane_certificates, &ctx, &d);
    char *all = doc_text_all(&d);
    check_contains(all, "No certificates: the connection ended before the server sent any.");
    free(all);
    doc_free(&d);
    assert_int_equal(pane_certificates.key(NULL, &ctx, 'x', ACT_EXPORT_PEM, 0), PANE_EXPORT);
    assert_int_equal(pane_certificates.key(NULL, &ctx, 'j', ACT_DOWN, 0), PANE_IGNORED);
    assert_int_equal(pane_certificates.badge(&ctx), -1);
    report_free(r);
}

/* ---- Findings ---------------------------------------------------------------------------- */

static struct report *findings_report(void)
{
    struct report *r = fixture_chain_report("localhost");
    add_finding(r, "cert_expired", SEV_CRITICAL, "Certificate expired on 2021-01-01");
    add_finding(r, "hostname_mismatch", SEV_HIGH, "Certificate not valid for \x1b[2Jevil");
    add_finding(r, "old_protocol", SEV_MEDIUM, "TLS 1.0 accepted");
    add_finding(r, "chain_order", SEV_LOW, "Chain sent in the wrong order");
    add_finding(r, "no_ocsp_staple", SEV_INFO, "No OCSP staple");
    return r;
}

static void test_findings_list(void **state)
{
    (void)state;
    struct report *r = findings_report();
    static const struct {
        const char *utf8, *ascii;
        enum theme_role role;
    } want[] = {
        {" ✖ critical Certificate expired on 2021-01-01", " X critical Certificate expired",
         TR_BAD},
        {" ✖ high     Certificate not valid for \\x1B[2Jevil", " X high     Certificate not",
         TR_BAD},
        {" ⚠ medium   TLS 1.0 accepted", " ! medium   TLS 1.0 accepted", TR_WARN},
        {" ⚠ low      Chain sent in the wrong order", " ! low      Chain", TR_WARN},
        {" ℹ info     No OCSP staple", " i info     No OCSP staple", TR_DIM},
    };
    for (int utf8 = 0; utf8 <= 1; utf8++) {
        struct pane_ctx ctx = ctx_for(r, 80, utf8);
        struct doc d;
        build(&pane_findings, &ctx, &d);
        assert_int_equal(d.n, 5);
        for (size_t i = 0; i < 5; i++) {
            assert_int_equal(d.lines[i].id, (int)i);
            char *p = doc_line_plain(&d.lines[i]);
            const char *w = utf8 ? want[i].utf8 : want[i].ascii;
            if (strncmp(p, w, strlen(w)))
                fail_msg("line %zu is \"%s\", want \"%s\"", i, p, w);
            assert_int_equal(d.lines[i].segs[0].role, want[i].role);
            free(p);
        }
        doc_free(&d);
        assert_pane_fits(&pane_findings, &ctx);
        assert_int_equal(pane_findings.badge(&ctx), 5);
    }
    report_free(r);
}

static void test_findings_detail(void **state)
{
    (void)state;
    struct report *r = findings_report();
    struct pane_ctx ctx = ctx_for(r, 80, true);
    struct doc d;
    detail(&pane_findings, &ctx, 0, &d);
    char *all = doc_text_all(&d);
    check_contains(all, " Certificate expired on 2021-01-01\n");
    check_contains(all, " severity   ✖ critical\n");
    check_contains(all, " evidence   Evidence for cert_expired: notAfter 2021-01-01 00:00:00 UTC");
    check_contains(all, "\n            "); /* wrapped, aligned under the value */
    check_contains(all, " what       Clients refuse the connection");
    check_contains(all, " fix        Renew the certificate and reload the server.\n");
    free(all);
    doc_free(&d);
    detail(&pane_findings, &ctx, 1, &d);
    all = doc_text_all(&d);
    check_contains(all, "Certificate not valid for \\x1B[2Jevil");
    free(all);
    doc_free(&d);
    /* Out of range ids give nothing. */
    detail(&pane_findings, &ctx, 99, &d);
    assert_int_equal(d.n, 0);
    doc_free(&d);
    report_free(r);
}

static void test_findings_none(void **state)
{
    (void)state;
    struct report *r = fixture_chain_report("localhost");
    struct pane_ctx ctx = ctx_for(r, 80, true);
    struct doc d;
    build(&pane_findings, &ctx, &d);
    assert_int_equal(d.n, 1);
    char *p = doc_line_plain(&d.lines[0]);
    assert_string_equal(p, " No findings: nothing this connection shows is wrong.");
    assert_int_equal(d.lines[0].id, -1);
    free(p);
    doc_free(&d);
    assert_int_equal(pane_findings.badge(&ctx), 0);
    report_free(r);
}

/* ---- Raw --------------------------------------------------------------------------------- */

static void test_raw(void **state)
{
    (void)state;
    struct report *r = findings_report();
    struct pane_ctx ctx = ctx_for(r, 80, true);
    struct doc d;
    build(&pane_raw, &ctx, &d);
    assert_true(d.n > 20);
    char *all = doc_text_all(&d);
    check_contains(all,
                   "Result\n  NOT VERIFIED: unable to get local issuer certificate (depth 1)\n");
    check_contains(all, "Certificate not valid for \\x1B[2Jevil");
    for (size_t i = 0; i < d.n; i++)
        assert_int_equal(d.lines[i].id, (int)i);         /* every line selectable, in order */
    assert_int_equal(d.lines[0].segs[0].role, TR_TITLE); /* "Target" */
    free(all);
    doc_free(&d);
    assert_pane_fits(&pane_raw, &ctx);
    assert_null(pane_raw.detail);
    report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cert_tree),
        cmocka_unit_test(test_cert_ascii_and_ignored),
        cmocka_unit_test(test_cert_chain_issues),
        cmocka_unit_test(test_cert_detail),
        cmocka_unit_test(test_cert_escapes),
        cmocka_unit_test(test_cert_line_feed_in_name),
        cmocka_unit_test(test_cert_roles),
        cmocka_unit_test(test_cert_side_by_side),
        cmocka_unit_test(test_cert_empty_and_key),
        cmocka_unit_test(test_findings_list),
        cmocka_unit_test(test_findings_detail),
        cmocka_unit_test(test_findings_none),
        cmocka_unit_test(test_raw),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
