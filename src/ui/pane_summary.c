/* The Summary pane: the verdict with the reasons and fixes, the negotiated facts, the leaf
 * certificate, the settings in effect and per-stage timing bars, all fitted to the pane width. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/text.h"
#include "ui/pane.h"
#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strbuf.h"

#define SUM_INDENT   3  /* fields start here, under headings at column 1 */
#define SUM_COL      18 /* values start here: indent + a label of up to 13 columns + blanks */
#define SUM_RCOL_MAX 48 /* where the right half of a paired line starts, at most */
#define SUM_RLABEL   14 /* label column of the right half of a paired line */
#define SUM_MIN_ROOM DOC_WRAP_MIN_ROOM /* narrower, a value moves to a continuation line */
#define SUM_EXPANDED 3  /* verification errors shown with explanation and fix in the list */
#define SUM_SAN_MAX  24 /* SANs listed here; the Certificates pane has them all */
#define SUM_BAR_MAX  40
#define SUM_TIME_COL 13 /* "   reconnect " */

static const char *str_or(const char *s, const char *fallback)
{
    return s && *s ? s : fallback;
}

/* ---- lines ------------------------------------------------------------------------------ */

/* Columns the line covers so far. */
static int sum_line_width(const struct doc_line *l)
{
    int w = 0;
    for (size_t i = 0; i < l->n; i++)
        w += doc_width(l->segs[i].text);
    return w;
}

/* A blank line between sections, then the heading. */
static void sum_section(struct doc *d, const char *title)
{
    if (d->n)
        doc_blank(d);
    doc_heading(d, " %s", title);
}

/* A "  label        value" line, the value wrapped; nothing when value is NULL. */
static void sum_field(struct doc *d, const struct pane_ctx *ctx, const char *label,
                      enum theme_role role, const char *value)
{
    if (!value)
        return;
    struct doc_line *l = doc_line(d, -1);
    doc_text(l, TR_DIM, "%*s%-*s", SUM_INDENT, "", SUM_COL - SUM_INDENT, label);
    doc_wrap_into(d, l, SUM_COL, SUM_COL, ctx->width, role, value);
}

/* A text paragraph starting at column indent (also for its continuation lines). */
static void sum_para(struct doc *d, const struct pane_ctx *ctx, int id, int indent,
                     enum theme_role role, const char *text)
{
    struct doc_line *l = doc_line(d, id);
    doc_text(l, TR_TEXT, "%*s", indent, "");
    doc_wrap_into(d, l, indent, indent, ctx->width, role, text);
}

/* ---- paired facts ------------------------------------------------------------------------ */

struct sum_fact {
    const char *label;
    char *value; /* owned; NULL when the fact is absent */
    enum theme_role role;
};

static void sum_set(struct sum_fact *f, const char *label, enum theme_role role, char *value)
{
    f->label = label;
    f->role = role;
    f->value = value;
}

/* Two facts on one line when both fit their halves, else one line each. */
static void sum_pair(struct doc *d, const struct pane_ctx *ctx, const struct sum_fact *a,
                     const struct sum_fact *b)
{
    if (!a->value || !b->value) {
        const struct sum_fact *one = a->value ? a : b;
        sum_field(d, ctx, one->label, one->role, one->value);
        return;
    }
    int rcol = ctx->width / 2 < SUM_RCOL_MAX ? ctx->width / 2 : SUM_RCOL_MAX;
    rcol = rcol > SUM_COL + SUM_MIN_ROOM ? rcol : SUM_COL + SUM_MIN_ROOM;
    char *sa = sanitize_terminal(a->value), *sb = sanitize_terminal(b->value);
    int wa = doc_width(sa), wb = doc_width(sb);
    if (SUM_COL + wa + 2 <= rcol && rcol + SUM_RLABEL + wb <= ctx->width) {
        struct doc_line *l = doc_line(d, -1);
        doc_text(l, TR_DIM, "%*s%-*s", SUM_INDENT, "", SUM_COL - SUM_INDENT, a->label);
        doc_peer(l, a->role, sa);
        doc_text(l, TR_TEXT, "%*s", rcol - SUM_COL - wa, "");
        doc_text(l, TR_DIM, "%-*s", SUM_RLABEL, b->label);
        doc_peer(l, b->role, sb);
    } else {
        sum_field(d, ctx, a->label, a->role, a->value);
        sum_field(d, ctx, b->label, b->role, b->value);
    }
    free(sa);
    free(sb);
}

/* ---- verdict and verification errors ----------------------------------------------------- */

static const char *sum_stage_phrase(enum stage s)
{
    return stage_info(s)->title;
}

/* Connection failed: the stage, the message and the hint, in the bad colour. */
static void sum_failure(struct doc *d, const struct pane_ctx *ctx)
{
    const struct report_error *e = &ctx->r->error;
    bool cancelled = e->stage == STAGE_CANCELLED;
    enum theme_role role = cancelled ? TR_WARN : TR_BAD;
    char *head;
    if (cancelled)
        head = xasprintf("%s CANCELLED", glyph(GL_WARN, ctx->utf8));
    else if (e->stage == STAGE_TIMEOUT)
        head = xasprintf("%s TIMED OUT during %s", glyph(GL_BAD, ctx->utf8),
                         sum_stage_phrase(e->during));
    else if (e->stage == STAGE_NONE)
        head = xasprintf("%s FAILED: no TLS session", glyph(GL_BAD, ctx->utf8));
    else
        head = xasprintf("%s FAILED at %s", glyph(GL_BAD, ctx->utf8), sum_stage_phrase(e->stage));
    sum_para(d, ctx, -1, 1, role, head);
    free(head);
    if (e->message)
        sum_para(d, ctx, -1, 3, role, e->message);
    if (e->hint) {
        char *hint = xasprintf("Try: %s", e->hint);
        sum_para(d, ctx, -1, 3, role, hint);
        free(hint);
    }
}

static const struct verify_error *sum_first_error(const struct report *r, size_t *ignored)
{
    const struct verify_error *first = NULL;
    *ignored = 0;
    for (size_t i = 0; i < r->n_verify_errors; i++) {
        if (r->verify_errors[i].ignored)
            (*ignored)++;
        else if (!first)
            first = &r->verify_errors[i];
    }
    return first;
}

/* The verdict of a finished handshake: verified, verified with warnings, or not verified. */
static void sum_verdict(struct doc *d, const struct pane_ctx *ctx)
{
    const struct report *r = ctx->r;
    size_t ignored;
    const struct verify_error *first = sum_first_error(r, &ignored);
    struct doc_line *l = doc_line(d, -1);
    doc_text(l, TR_TEXT, " ");
    if (!r->verify_ok) {
        doc_text(l, TR_BAD, "%s NOT VERIFIED", glyph(GL_BAD, ctx->utf8));
        if (first) {
            char *why =
                first->depth >= 0
                    ? xasprintf("%s (depth %d)", str_or(first->message, first->name), first->depth)
                    : xstrdup(str_or(first->message, first->name));
            doc_text(l, TR_TEXT, "  ");
            doc_wrap_into(d, l, sum_line_width(l), 3, ctx->width, TR_BAD, why);
            free(why);
        }
    } else if (report_verdict(r) == VERDICT_WARNINGS) {
        doc_text(l, TR_WARN, "%s VERIFIED WITH WARNINGS", glyph(GL_WARN, ctx->utf8));
        if (ignored)
            doc_text(l, TR_WARN, "  %zu error%s ignored", ignored, ignored == 1 ? "" : "s");
    } else {
        doc_text(l, TR_OK, "%s VERIFIED", glyph(GL_OK, ctx->utf8));
        doc_text(l, TR_DIM, "  chain trusted%s",
                 r->hostname_checked && r->hostname_match ? ", hostname matches" : "");
    }
    if (!r->verify_ok && !r->effective.verify)
        sum_para(d, ctx, -1, 3, TR_WARN, "Verification is off, so the connection was kept anyway.");
}

/* One verification error as a selectable line; the first few also get explanation and fix,
 * unless an error above already gave the same ones. */
static void sum_error(struct doc *d, const struct pane_ctx *ctx, size_t i)
{
    const struct verify_error *e = &ctx->r->verify_errors[i];
    enum theme_role role = e->ignored ? TR_WARN : TR_BAD;
    struct doc_line *l = doc_line(d, (int)i);
    doc_text(l, role, "   %s ", glyph(e->ignored ? GL_WARN : GL_BAD, ctx->utf8));
    char *where = e->depth >= 0 ? xasprintf("depth %d  ", e->depth) : xstrdup("");
    char *text = xasprintf("%s%s%s", where, str_or(e->message, str_or(e->name, "error")),
                           e->ignored ? " [ignored]" : "");
    doc_wrap_into(d, l, sum_line_width(l), 6, ctx->width, role, text);
    free(text);
    free(where);
    if (i >= SUM_EXPANDED)
        return;
    if ((e->explanation || e->fix) && report_error_same_cause(ctx->r, i)) {
        sum_para(d, ctx, -1, 6, TR_DIM, "Same cause as the error above.");
        return;
    }
    if (e->explanation)
        sum_para(d, ctx, -1, 6, TR_WARN, e->explanation);
    if (e->fix) {
        char *fix = xasprintf("Fix: %s", e->fix);
        sum_para(d, ctx, -1, 6, TR_WARN, fix);
        free(fix);
    }
}

static void sum_result(struct doc *d, const struct pane_ctx *ctx)
{
    const struct report *r = ctx->r;
    if (!r->ok)
        sum_failure(d, ctx);
    else
        sum_verdict(d, ctx);
    for (size_t i = 0; i < r->n_verify_errors; i++)
        sum_error(d, ctx, i);
    if (r->n_verify_errors > SUM_EXPANDED)
        sum_para(d, ctx, -1, 6, TR_DIM, "Select an error to read its explanation and fix.");
    if (r->ok && r->error.stage != STAGE_NONE && r->error.message) {
        char *p = xasprintf("%s (%s)", r->error.message, sum_stage_phrase(r->error.stage));
        sum_field(d, ctx, "problem", TR_WARN, p);
        free(p);
        sum_field(d, ctx, "try", TR_WARN, r->error.hint);
    }
}

/* ---- connection facts -------------------------------------------------------------------- */

enum { F_PROTO, F_SNI, F_CIPHER, F_OSSL, F_KX, F_SIG, F_ALPN, F_RESUME, F_EMS, F_RENEG, F_COUNT };

static void sum_fact_kx(struct sum_fact *f, const struct report *r)
{
    if (r->group && r->peer_key_bits > 0)
        sum_set(f, "key exchange", TR_TEXT, xasprintf("%s, %d-bit", r->group, r->peer_key_bits));
    else if (r->group)
        sum_set(f, "key exchange", TR_TEXT, xstrdup(r->group));
    else if (r->peer_key_type)
        sum_set(f, "key exchange", TR_TEXT,
                xasprintf("%s, %d-bit", r->peer_key_type, r->peer_key_bits));
    else if (r->cipher_kx && !strcmp(r->cipher_kx, "RSA"))
        sum_set(f, "key exchange", TR_WARN, xstrdup("RSA (no forward secrecy)"));
    else if (r->cipher_kx)
        sum_set(f, "key exchange", TR_TEXT, xstrdup(r->cipher_kx));
}

static void sum_fact_resume(struct sum_fact *f, const struct report *r, bool utf8)
{
    char *s;
    enum theme_role role = TR_TEXT;
    if (r->session_reused)
        s = xstrdup("reused");
    else if (r->tickets > 0)
        s = xasprintf("tickets offered (%d)", r->tickets);
    else
        s = xstrdup("no tickets");
    if (r->resumed_on_reconnect != TRI_NA) {
        char *t = xasprintf("%s %s %s", s, utf8 ? "·" : "-",
                            r->resumed_on_reconnect == TRI_YES ? "resumed on reconnect"
                                                               : "not resumed on reconnect");
        free(s);
        s = t;
        role = r->resumed_on_reconnect == TRI_YES ? TR_OK : TR_WARN;
    }
    sum_set(f, "resumption", role, s);
}

static void sum_facts_fill(struct sum_fact *f, const struct pane_ctx *ctx)
{
    const struct report *r = ctx->r;
    const char *warn = glyph(GL_WARN, ctx->utf8);
    if (r->protocol)
        sum_set(&f[F_PROTO], "protocol", TR_TEXT, xstrdup(r->protocol));
    if (r->sni)
        sum_set(&f[F_SNI], "SNI", TR_TEXT, xstrdup(r->sni));
    else if (r->reached >= STAGE_TLS || r->protocol)
        sum_set(&f[F_SNI], "SNI", TR_DIM, xstrdup("none sent"));
    const char *iana = str_or(r->cipher_iana, r->cipher_name);
    if (iana)
        sum_set(&f[F_CIPHER], "cipher", TR_TEXT, xstrdup(iana));
    if (iana && r->cipher_name && strcmp(r->cipher_name, iana))
        sum_set(&f[F_OSSL], "OpenSSL", TR_DIM, xstrdup(r->cipher_name));
    sum_fact_kx(&f[F_KX], r);
    if (r->sig_scheme)
        sum_set(&f[F_SIG], "signature", TR_TEXT, xstrdup(r->sig_scheme));
    else if (r->sig_type)
        sum_set(
            &f[F_SIG], "signature", TR_TEXT,
            xasprintf("%s%s%s", r->sig_type, r->sig_digest ? "+" : "", str_or(r->sig_digest, "")));
    if (r->alpn)
        sum_set(&f[F_ALPN], "ALPN", TR_TEXT, xstrdup(r->alpn));
    else if (r->protocol)
        sum_set(&f[F_ALPN], "ALPN", TR_DIM,
                xstrdup(r->offered.alpn.len ? "none chosen" : "not offered"));
    if (r->protocol)
        sum_fact_resume(&f[F_RESUME], r, ctx->utf8);
    if (r->extended_master_secret != TRI_NA)
        sum_set(&f[F_EMS], "master secret", r->extended_master_secret == TRI_YES ? TR_OK : TR_WARN,
                r->extended_master_secret == TRI_YES ? xstrdup("extended")
                                                     : xasprintf("not extended %s", warn));
    if (r->secure_renegotiation != TRI_NA)
        sum_set(&f[F_RENEG], "renegotiation", r->secure_renegotiation == TRI_YES ? TR_OK : TR_WARN,
                r->secure_renegotiation == TRI_YES ? xstrdup("secure")
                                                   : xasprintf("insecure %s", warn));
}

static void sum_ocsp(struct doc *d, const struct pane_ctx *ctx)
{
    const struct report *r = ctx->r;
    if (!r->protocol)
        return;
    if (!r->ocsp_requested) {
        sum_field(d, ctx, "OCSP", TR_DIM, "not requested");
    } else if (!r->ocsp_stapled) {
        char *s = xasprintf("not stapled %s", glyph(GL_WARN, ctx->utf8));
        sum_field(d, ctx, "OCSP", TR_WARN, s);
        free(s);
    } else {
        const char *st = str_or(r->ocsp_status, "unreadable");
        enum theme_role role = !strcmp(st, "good")      ? TR_OK
                               : !strcmp(st, "revoked") ? TR_BAD
                                                        : TR_WARN;
        char *s = !strcmp(st, "revoked")
                      ? xasprintf("stapled: revoked at %s", str_or(r->ocsp_revoked_at, "?"))
                  : r->ocsp_next_update[0]
                      ? xasprintf("stapled: %s (next update %s)", st, r->ocsp_next_update)
                      : xasprintf("stapled: %s", st);
        sum_field(d, ctx, "OCSP", role, s);
        free(s);
    }
    sum_field(d, ctx, "OCSP problem", TR_WARN, r->ocsp_problem);
}

static void sum_connection(struct doc *d, const struct pane_ctx *ctx)
{
    const struct report *r = ctx->r;
    sum_section(d, "Connection");
    bool v6 = r->host && strchr(r->host, ':');
    char *target = xasprintf("%s%s%s:%u", v6 ? "[" : "", str_or(r->host, "?"), v6 ? "]" : "",
                             (unsigned)r->port);
    if (r->address && (!r->host || strcmp(r->address, r->host))) {
        char *t = xasprintf("%s %s %s", target, ctx->utf8 ? "→" : "->", r->address);
        free(target);
        target = t;
    }
    sum_field(d, ctx, "target", TR_TEXT, target);
    free(target);
    for (size_t i = 0; r->n_addresses > 1 && i < r->n_addresses; i++) {
        const struct addr_attempt *a = &r->addresses[i];
        enum theme_role role = a->result == ADDR_CONNECTED   ? TR_OK
                               : a->result == ADDR_ABANDONED ? TR_DIM
                               : a->result == ADDR_NOT_TRIED ? TR_DIM
                                                             : TR_WARN;
        char *line = text_addr_attempt(a);
        sum_field(d, ctx, i == 0 ? "addresses" : "", role, line);
        free(line);
    }
    struct sum_fact f[F_COUNT] = {{0}};
    sum_facts_fill(f, ctx);
    sum_pair(d, ctx, &f[F_PROTO], &f[F_SNI]);
    sum_pair(d, ctx, &f[F_CIPHER], &f[F_OSSL]);
    sum_pair(d, ctx, &f[F_KX], &f[F_SIG]);
    sum_pair(d, ctx, &f[F_ALPN], &f[F_RESUME]);
    sum_ocsp(d, ctx);
    sum_pair(d, ctx, &f[F_EMS], &f[F_RENEG]); /* TLS 1.2 and older only */
    for (size_t i = 0; i < F_COUNT; i++)
        free(f[i].value);
}

/* ---- leaf certificate -------------------------------------------------------------------- */

static void sum_validity(struct doc *d, const struct pane_ctx *ctx, const struct cert_info *c)
{
    struct doc_line *l = doc_line(d, -1);
    doc_text(l, TR_DIM, "%*s%-*s", SUM_INDENT, "", SUM_COL - SUM_INDENT, "valid");
    doc_text(l, TR_TEXT, "%.10s %s %.10s  ", str_or(c->not_before, "?"), ctx->utf8 ? "→" : "->",
             str_or(c->not_after, "?"));
    enum theme_role role = c->days_left < 0 ? TR_BAD : c->days_left < 30 ? TR_WARN : TR_OK;
    char *left = c->days_left < 0
                     ? xasprintf("(expired %ld days ago)", cert_days_expired(c, time(NULL)))
                     : xasprintf("(%ld day%s left)", c->days_left, c->days_left == 1 ? "" : "s");
    doc_wrap_into(d, l, sum_line_width(l), SUM_COL, ctx->width, role, left);
    free(left);
}

static void sum_sans(struct doc *d, const struct pane_ctx *ctx, const struct cert_info *c)
{
    if (!c->san.len)
        return;
    struct strlist shown = {0};
    for (size_t i = 0; i < c->san.len && i < SUM_SAN_MAX; i++)
        strlist_push(&shown, c->san.items[i]);
    if (c->san.len > SUM_SAN_MAX)
        strlist_take(&shown, xasprintf("(+%zu more in Certificates)", c->san.len - SUM_SAN_MAX));
    char *joined = strlist_join(&shown, "  ");
    sum_field(d, ctx, "SAN", TR_TEXT, joined);
    free(joined);
    strlist_free(&shown);
}

static void sum_name_check(struct doc *d, const struct pane_ctx *ctx)
{
    const struct report *r = ctx->r;
    char *s;
    enum theme_role role;
    if (!r->hostname_checked) {
        s = xstrdup("not checked");
        role = TR_DIM;
    } else if (r->hostname_match) {
        s = xasprintf("%s %s %s", str_or(r->hostname, "?"), glyph(GL_OK, ctx->utf8),
                      str_or(r->hostname_matched, "matches"));
        role = TR_OK;
    } else {
        s = xasprintf("%s %s not in the certificate", str_or(r->hostname, "?"),
                      glyph(GL_BAD, ctx->utf8));
        role = TR_BAD;
    }
    sum_field(d, ctx, "name check", role, s);
    free(s);
    if (r->pins_checked && r->pin_match) {
        char *p = xasprintf("match at depth %d", r->pin_depth);
        sum_field(d, ctx, "pins", TR_OK, p);
        free(p);
    } else if (r->pins_checked) {
        sum_field(d, ctx, "pins", TR_BAD, "no certificate in the chain matches a pin");
    }
}

static void sum_leaf(struct doc *d, const struct pane_ctx *ctx)
{
    const struct report *r = ctx->r;
    const struct cert_info *c = r->n_sent ? &r->sent[0] : r->n_verified ? &r->verified[0] : NULL;
    if (!c)
        return;
    sum_section(d, "Leaf certificate");
    sum_field(d, ctx, "subject", TR_TEXT, str_or(c->subject, "(empty subject)"));
    sum_field(d, ctx, "issuer", TR_TEXT, str_or(c->issuer, "(empty issuer)"));
    sum_validity(d, ctx, c);
    sum_sans(d, ctx, c);
    sum_name_check(d, ctx);
}

/* ---- the plaintext around TLS (issue 12) ------------------------------------------------- */

/* One line for the STARTTLS dialogue (the STARTTLS pane, key 7, has the transcript). */
static void sum_starttls(struct doc *d, const struct pane_ctx *ctx)
{
    const struct starttls_report *s = &ctx->r->starttls;
    if (!s->protocol)
        return;
    char *v =
        xasprintf("%s, chosen by %s%s (transcript: key 7)", s->protocol, str_or(s->chosen_by, "?"),
                  s->ok        ? ""
                  : s->failure ? ", failed"
                               : ", not reached");
    sum_field(d, ctx, "STARTTLS", s->ok ? TR_TEXT : TR_BAD, v);
    free(v);
}

/* The HTTP probe's answer: status, Server, HSTS, Alt-Svc, Location. */
static void sum_http(struct doc *d, const struct pane_ctx *ctx)
{
    const struct http_report *h = &ctx->r->http;
    if (!h->requested)
        return;
    sum_section(d, "HTTP");
    if (!h->sent) {
        sum_field(d, ctx, "not sent", TR_DIM, str_or(h->skipped, "the connection failed"));
        return;
    }
    sum_field(d, ctx, "request", TR_DIM, h->request);
    sum_field(d, ctx, "error", TR_BAD, h->error);
    sum_field(d, ctx, "status", h->status >= 400 ? TR_WARN : TR_TEXT, h->status_line);
    sum_field(d, ctx, "server", TR_TEXT, h->server);
    if (h->hsts && !h->hsts_problem) {
        bool shortage = h->hsts_max_age < 180L * 86400;
        char *v = xasprintf("%s max-age %ld days%s%s", glyph(shortage ? GL_WARN : GL_OK, ctx->utf8),
                            h->hsts_max_age / 86400,
                            h->hsts_include_subdomains ? ", includeSubDomains" : "",
                            h->hsts_preload ? ", preload" : "");
        sum_field(d, ctx, "HSTS", shortage ? TR_WARN : TR_OK, v);
        free(v);
    } else if (h->hsts) {
        char *v = xasprintf("%s malformed: %s", glyph(GL_BAD, ctx->utf8), h->hsts_problem);
        sum_field(d, ctx, "HSTS", TR_BAD, v);
        free(v);
    } else if (h->status) {
        char *v = xasprintf("%s none", glyph(GL_WARN, ctx->utf8));
        sum_field(d, ctx, "HSTS", TR_WARN, v);
        free(v);
    }
    sum_field(d, ctx, "Alt-Svc", TR_TEXT, h->alt_svc);
    sum_field(d, ctx, "Location", TR_TEXT, h->location);
}

/* ---- settings and timing ----------------------------------------------------------------- */

static void sum_settings(struct doc *d, const struct pane_ctx *ctx)
{
    const struct effective *e = &ctx->r->effective;
    if (!e->openssl_version && !e->min_proto && !e->trust && !e->weakened.len)
        return;
    sum_section(d, "Settings in effect");
    char *s = xasprintf("%s (%s) to %s (%s)", str_or(e->min_proto, "lowest"),
                        str_or(e->min_proto_source, "?"), str_or(e->max_proto, "highest"),
                        str_or(e->max_proto_source, "?"));
    sum_field(d, ctx, "protocols", TR_TEXT, s);
    free(s);
    if (e->sec_level >= 0) {
        s = xasprintf("%d (%s)", e->sec_level, str_or(e->sec_level_source, "?"));
        sum_field(d, ctx, "sec level", e->sec_level == 0 ? TR_WARN : TR_TEXT, s);
        free(s);
    }
    s = xasprintf("chain %s, hostname %s", e->verify ? "on" : "OFF",
                  e->hostname_check ? "on" : "OFF");
    sum_field(d, ctx, "verify", e->verify && e->hostname_check ? TR_TEXT : TR_WARN, s);
    free(s);
    sum_field(d, ctx, "trust", TR_TEXT, e->trust);
    sum_field(d, ctx, "openssl", TR_DIM, e->openssl_version);
    for (size_t i = 0; i < e->weakened.len; i++) {
        char *w = xasprintf("%s %s", glyph(GL_WARN, ctx->utf8), e->weakened.items[i]);
        sum_field(d, ctx, i ? "" : "weakened", TR_WARN, w);
        free(w);
    }
}

/* A bar of ms/max of width columns: full blocks and an eighth-step partial block in UTF-8,
 * '#' otherwise; any non-zero time shows at least a sliver. */
static char *sum_bar(double ms, double max, int width, bool utf8)
{
    static const char *const part[8] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    struct strbuf sb = {0};
    if (ms <= 0 || max <= 0)
        return sb_take(&sb);
    if (!utf8) {
        int n = (int)(ms / max * width + 0.5);
        for (int i = 0; i < (n ? n : 1); i++)
            sb_putc(&sb, '#');
        return sb_take(&sb);
    }
    int eighths = (int)(ms / max * width * 8 + 0.5);
    if (eighths == 0)
        eighths = 1;
    for (int i = 0; i < eighths / 8; i++)
        sb_puts(&sb, glyph(GL_BAR_FULL, true));
    sb_puts(&sb, part[eighths % 8]);
    return sb_take(&sb);
}

static void sum_timing(struct doc *d, const struct pane_ctx *ctx)
{
    const struct report *r = ctx->r;
    const struct {
        const char *label;
        double ms;
    } rows[] = {{stage_name(STAGE_DNS), r->dns_ms},
                {stage_name(STAGE_TCP), r->connect_ms},
                {stage_name(STAGE_TLS), r->handshake_ms},
                {stage_name(STAGE_RECONNECT), r->reconnect_ms}};
    double max = 0;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        max = rows[i].ms > max ? rows[i].ms : max;
    sum_section(d, "Timing");
    int barw = ctx->width - SUM_TIME_COL - 12 - 1; /* "%8.1f ms " and a spare column */
    barw = barw > SUM_BAR_MAX ? SUM_BAR_MAX : barw < 1 ? 1 : barw;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        if (rows[i].ms < 0)
            continue;
        struct doc_line *l = doc_line(d, -1);
        doc_text(l, TR_DIM, "%*s%-*s", SUM_INDENT, "", SUM_TIME_COL - SUM_INDENT, rows[i].label);
        doc_text(l, TR_TEXT, "%8.1f ms ", rows[i].ms);
        char *bar = sum_bar(rows[i].ms, max, barw, ctx->utf8);
        doc_text(l, TR_HIGHLIGHT, "%s", bar);
        free(bar);
    }
    if (r->total_ms >= 0) {
        struct doc_line *l = doc_line(d, -1);
        doc_text(l, TR_DIM, "%*s%-*s", SUM_INDENT, "", SUM_TIME_COL - SUM_INDENT, "total");
        doc_text(l, TR_TEXT, "%8.1f ms", r->total_ms);
    }
    if (r->bytes_sent || r->bytes_received) {
        struct doc_line *l = doc_line(d, -1);
        doc_text(l, TR_DIM, "%*s%-*s", SUM_INDENT, "", SUM_TIME_COL - SUM_INDENT, "bytes");
        doc_text(l, TR_TEXT, "%llu sent, %llu received", (unsigned long long)r->bytes_sent,
                 (unsigned long long)r->bytes_received);
    }
}

/* ---- the pane ---------------------------------------------------------------------------- */

static void summary_build(void *state, const struct pane_ctx *ctx, struct doc *out)
{
    (void)state;
    sum_result(out, ctx);
    if (ctx->r->check) { /* issue 13: a chain file: no connection, no timing */
        certs_doctor_sections(ctx, out);
        sum_leaf(out, ctx);
        return;
    }
    sum_connection(out, ctx);
    sum_starttls(out, ctx);
    sum_leaf(out, ctx);
    sum_http(out, ctx);
    sum_settings(out, ctx);
    sum_timing(out, ctx);
}

/* The detail of verification error `id`: everything the report says about it. */
static void summary_detail(void *state, const struct pane_ctx *ctx, int id, struct doc *out)
{
    (void)state;
    const struct report *r = ctx->r;
    if (id < 0 || (size_t)id >= r->n_verify_errors)
        return;
    const struct verify_error *e = &r->verify_errors[id];
    char *head = xasprintf("%s %s (%d)", glyph(e->ignored ? GL_WARN : GL_BAD, ctx->utf8),
                           str_or(e->name, "error"), e->code);
    sum_para(out, ctx, -1, 1, e->ignored ? TR_WARN : TR_BAD, head);
    free(head);
    const struct cert_info *c = e->depth < 0                       ? NULL
                                : (size_t)e->depth < r->n_verified ? &r->verified[e->depth]
                                : (size_t)e->depth < r->n_sent     ? &r->sent[e->depth]
                                                                   : NULL;
    char *where = e->depth < 0 ? xstrdup("the chain as a whole")
                  : c          ? xasprintf("depth %d: %s", e->depth, str_or(c->subject, "?"))
                               : xasprintf("depth %d", e->depth);
    sum_field(out, ctx, "certificate", TR_TEXT, where);
    free(where);
    sum_field(out, ctx, "message", TR_TEXT, e->message);
    sum_field(out, ctx, "meaning", TR_TEXT, e->explanation);
    sum_field(out, ctx, "fix", TR_TEXT, e->fix);
    if (e->ignored)
        sum_field(out, ctx, "status", TR_WARN,
                  "ignored (--ignore-error): the chain counts as verified despite it");
}

static int summary_badge(const struct pane_ctx *ctx)
{
    (void)ctx;
    return -1;
}

const struct pane_ops pane_summary = {
    .name = "Summary",
    .state_size = 0,
    .build = summary_build,
    .detail = summary_detail,
    .key = NULL,
    .done = NULL,
    .badge = summary_badge,
};
