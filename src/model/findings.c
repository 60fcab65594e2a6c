/* Findings: turns the facts in a report into problems and advice a server admin can act on.
 * This file: the shared helpers, the settings and verify-error checks, and findings_compute. */
#include "model/findings_internal.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/timeutil.h"

void f_add(struct fctx *x, const char *id, enum severity sev, char *title, char *detail, char *fix)
{
    report_add_finding(x->r, id, sev, title, detail, fix);
}

void f_cover(struct fctx *x, const char *error_name)
{
    if (!strlist_contains(&x->covered, error_name))
        strlist_push(&x->covered, error_name);
}

const struct verify_error *f_find_error(const struct report *r, const char *name)
{
    for (size_t i = 0; i < r->n_verify_errors; i++)
        if (r->verify_errors[i].name && !strcmp(r->verify_errors[i].name, name))
            return &r->verify_errors[i];
    return NULL;
}

/* ---- formatting helpers ------------------------------------------------------------------ */

/* "2,156 days", "1 day", "less than a day" (caller frees). */
char *f_days_text(long days)
{
    if (days <= 0)
        return xstrdup("less than a day");
    char digits[32], grouped[48];
    snprintf(digits, sizeof(digits), "%ld", days);
    size_t n = strlen(digits), o = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            grouped[o++] = ',';
        grouped[o++] = digits[i];
    }
    grouped[o] = '\0';
    return xasprintf("%s day%s", grouped, days == 1 ? "" : "s");
}

/* "CN=localhost", else the full subject (caller frees). */
char *f_cert_name(const struct cert_info *c)
{
    if (c->subject_cn)
        return xasprintf("CN=%s", c->subject_cn);
    return xstrdup(c->subject && *c->subject ? c->subject : "(empty subject)");
}

/* The ISO 8601 date the report holds, or one formatted from the time_t. */
void f_cert_time(const char *iso, time_t t, char out[24])
{
    if (iso[0])
        snprintf(out, 24, "%s", iso);
    else
        iso8601_utc(t, out, 24);
}

bool f_dates_known(const struct cert_info *c)
{
    return c->not_after[0] || c->not_after_t != 0;
}

/* A root the server sent along: self-signed and not the leaf. Clients use their own copy. */
bool f_is_anchor(const struct report *r, size_t i)
{
    return i > 0 && (r->sent[i].self_signed || r->sent[i].role == CHAIN_ROLE_ROOT);
}

/* A second copy of a certificate sent before: its facts were judged on the first one. */
bool f_is_duplicate(const struct report *r, size_t i)
{
    return i > 0 && r->sent[i].role == CHAIN_ROLE_DUPLICATE;
}

/* "Certificate" / "Intermediate CA certificate" ... for titles, after the sent role. */
const char *f_cert_role(const struct report *r, size_t i)
{
    if (i == 0)
        return "Certificate";
    switch (r->sent[i].role) {
    case CHAIN_ROLE_ROOT: return "Root CA certificate in the chain";
    case CHAIN_ROLE_UNRELATED: return "Unrelated certificate in the chain";
    case CHAIN_ROLE_CROSS_SIGNED: return "Cross-signed CA certificate";
    default: break;
    }
    return f_is_anchor(r, i) ? "Root CA certificate in the chain" : "Intermediate CA certificate";
}

void f_hit(struct hits *h, size_t i)
{
    if (h->n < REPORT_CHAIN_MAX)
        h->idx[h->n++] = i;
}

/* Appends "NAME (depth i), ..." for the hits (bounded). */
void f_list_hits(struct strbuf *sb, const struct report *r, const struct hits *h)
{
    for (size_t k = 0; k < h->n && k < LIST_MAX; k++) {
        char *name = f_cert_name(&r->sent[h->idx[k]]);
        sb_printf(sb, "%s%s (depth %zu)", k ? ", " : "", name, h->idx[k]);
        free(name);
    }
    if (h->n > LIST_MAX)
        sb_printf(sb, " and %zu more", h->n - LIST_MAX);
}

/* The server's name for example commands in fixes. */
const char *f_site_name(const struct report *r)
{
    if (r->hostname && *r->hostname)
        return r->hostname;
    if (r->sni && *r->sni)
        return r->sni;
    return r->host && *r->host ? r->host : "example.com";
}

/* "the trust store (system store (/usr/lib/ssl/certs))", or without the parenthesis. */
char *f_trust_store(const struct report *r)
{
    if (r->effective.trust && *r->effective.trust)
        return xasprintf("the trust store (%s)", r->effective.trust);
    return xstrdup("the trust store");
}

/* Follows issuer links from the leaf through the sent certificates; returns the index of the
 * highest certificate reached (bounded by n_sent hops, so a loop cannot hang us). */
size_t f_path_top(const struct report *r)
{
    size_t top = 0;
    for (size_t hops = 0; hops < r->n_sent && !r->sent[top].self_signed; hops++) {
        size_t next = r->n_sent;
        for (size_t j = 0; j < r->n_sent; j++)
            if (j != top && r->sent[top].issuer && r->sent[j].subject &&
                !strcmp(r->sent[top].issuer, r->sent[j].subject))
                next = j;
        if (next == r->n_sent)
            break;
        top = next;
    }
    return top;
}

/* The certificate a verify error's depth names: the verified chain first, else the sent one. */
const struct cert_info *f_chain_cert(const struct report *r, int depth)
{
    if (depth >= 0 && (size_t)depth < r->n_verified)
        return &r->verified[depth];
    if (depth >= 0 && (size_t)depth < r->n_sent)
        return &r->sent[depth];
    return NULL;
}

/* The name of the certificate at a verify error's depth; for a depth past what the report
 * kept, says so instead of "unknown". Caller frees. */
char *f_depth_name(const struct report *r, int depth)
{
    const struct cert_info *c = f_chain_cert(r, depth);
    if (c)
        return f_cert_name(c);
    size_t total = r->n_verified_total > r->n_sent_total ? r->n_verified_total : r->n_sent_total;
    if (depth >= 0 && total > REPORT_CHAIN_MAX)
        return xasprintf("a certificate past the first %d of %zu (not kept)", REPORT_CHAIN_MAX,
                         total);
    return xstrdup("(unknown certificate)");
}

/* ---- how this connection checked ---------------------------------------------------------- */

static void check_settings(struct fctx *x)
{
    const struct report *r = x->r;
    if (!r->effective.verify)
        f_add(x, "verification_off", SEV_MEDIUM,
              xstrdup("Connection trusted without checking the certificate"),
              r->verify_ok ? xstrdup("Verification was turned off; the chain would have passed.")
                           : xasprintf("Verification was turned off; the chain would have failed "
                                       "with %zu error%s.",
                                       r->n_verify_errors, r->n_verify_errors == 1 ? "" : "s"),
              xstrdup("Turn verification back on; for a private CA, pass its root as the CA file "
                      "instead of disabling the check."));
    if (r->effective.weakened.len) {
        char *list = strlist_join(&r->effective.weakened, "; ");
        f_add(x, "weakened_settings", SEV_INFO, xstrdup("Client settings weakened"),
              xasprintf("In effect for this connection: %s.", list),
              xstrdup("These are settings of this tlscope run, not of the server: remove the "
                      "options or profile keys that set them to see what a normal client sees."));
        free(list);
    }
}

static void add_verify_error(struct fctx *x, const struct verify_error *e)
{
    const char *name = e->name ? e->name : "unknown error";
    char *who = e->depth >= 0 ? f_depth_name(x->r, e->depth) : NULL;
    struct strbuf sb = {0};
    sb_puts(&sb, name);
    if (e->depth >= 0)
        sb_printf(&sb, " at depth %d%s%s%s", e->depth, who ? " (" : "", who ? who : "",
                  who ? ")" : "");
    sb_printf(&sb, ": %s", e->explanation ? e->explanation : e->message ? e->message : name);
    f_add(x, "verify_error", SEV_HIGH,
          xasprintf("Verification error: %s", e->message ? e->message : name), sb_take(&sb),
          xstrdup(e->fix ? e->fix
                         : "See the explanation; fix the certificate or chain the server "
                           "sends."));
    free(who);
}

/* Runs last: the generic finding for every error no specific finding covered. */
static void check_verify_errors(struct fctx *x)
{
    const struct report *r = x->r;
    struct strbuf ignored = {0};
    size_t n_ignored = 0;
    for (size_t i = 0; i < r->n_verify_errors; i++) {
        const struct verify_error *e = &r->verify_errors[i];
        if (e->ignored) {
            if (n_ignored++ < LIST_MAX)
                sb_printf(&ignored, "%s%s (depth %d)", ignored.len ? ", " : "",
                          e->name ? e->name : "?", e->depth);
        } else if (!e->name || !strlist_contains(&x->covered, e->name)) {
            add_verify_error(x, e);
        }
    }
    if (n_ignored > LIST_MAX)
        sb_printf(&ignored, " and %zu more", n_ignored - LIST_MAX);
    if (n_ignored) {
        char *list = sb_take(&ignored);
        f_add(x, "ignored_errors", SEV_INFO,
              xasprintf("%zu verification error%s ignored", n_ignored, n_ignored == 1 ? "" : "s"),
              xasprintf("Accepted through --ignore-error: %s.", list),
              xstrdup("Fix the underlying problems and drop --ignore-error: clients that do not "
                      "ignore them will refuse the connection."));
        free(list);
    }
    sb_free(&ignored);
}

/* ---- driver ------------------------------------------------------------------------------ */

/* Stable insertion sort, highest severity first (lists are short). */
void f_sort(struct report *r)
{
    for (size_t i = 1; i < r->n_findings; i++) {
        struct finding f = r->findings[i];
        size_t j = i;
        while (j > 0 && r->findings[j - 1].severity < f.severity) {
            r->findings[j] = r->findings[j - 1];
            j--;
        }
        r->findings[j] = f;
    }
}

void findings_compute(struct report *r, time_t now)
{
    /* Order matters within a severity (the sort keeps it), and check_verify_errors must run
     * after every check that covers an error. */
    static void (*const checks[])(struct fctx *) = {
        f_check_cert_dates,       f_check_hostname,
        f_check_self_signed,      f_check_untrusted_root,
        f_check_incomplete_chain, f_check_keys,
        f_check_signatures,       f_check_ocsp,
        f_check_protocol,         f_check_cipher,
        f_check_forward_secrecy,  f_check_renegotiation,
        f_check_chain_shape,      f_check_chain_length,
        f_check_doctor_certs,     f_check_doctor_file,
        check_settings,           check_verify_errors,
    };
    if (!r || !r->ok)
        return;
    struct fctx x = {.r = r, .now = now};
    for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
        checks[i](&x);
    strlist_free(&x.covered);
    f_sort(r);
}
