/* The Certificates pane: the chain as the server sent it and as it was verified, as trees with
 * marks and days left, chain issues with what to do, and every field of one certificate in the
 * detail. Pure: builds docs from the report, no curses. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/pane.h"
#include "util/mem.h"
#include "util/strlist.h"

#define CERTS_VERIFIED_ID 1000 /* line ids: sent index i → i, verified index j → 1000 + j */
#define CERTS_SIDE_MIN    100  /* from this width, sent and verified stand side by side */
#define CERTS_LABEL_W     15   /* one blank of margin + the label column of the detail */
#define CERTS_TREE_MAX    4    /* the tree indentation stops growing past this depth */
#define CERTS_ROOM_MIN    20   /* wrapped text always gets at least this many columns */
#define CERTS_NO_PATH     "no path to a trusted root was built"

/* Columns for wrapped text: what is left of the width, but at least CERTS_ROOM_MIN. */
static int certs_room(int room)
{
    return room < CERTS_ROOM_MIN ? CERTS_ROOM_MIN : room;
}

/* " label         value" lines: value (peer-controlled or ours) as one line (doc_one_line: a
 * line feed in a name shows as \x0A, it never starts a line), wrapped under itself. A NULL
 * value writes nothing. */
static void certs_field(struct doc *d, int width, const char *label, enum theme_role role,
                        const char *value)
{
    if (!value)
        return;
    char *safe_label = xasprintf(" %s", label);
    struct strlist pieces = {0};
    char *safe = doc_one_line(value);
    doc_wrap(safe, certs_room(width - CERTS_LABEL_W), DOC_BREAK_SOFT, &pieces);
    free(safe);
    for (size_t i = 0; i < pieces.len; i++)
        doc_field(d, CERTS_LABEL_W, i ? "" : safe_label, role, "%s", pieces.items[i]);
    strlist_free(&pieces);
    free(safe_label);
}

static void certs_fieldf(struct doc *d, int width, const char *label, enum theme_role role,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void certs_fieldf(struct doc *d, int width, const char *label, enum theme_role role,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    size_t len = n > 0 ? (size_t)n + 1 : 1;
    char *value = xmalloc(len);
    va_start(ap, fmt);
    vsnprintf(value, len, fmt, ap);
    va_end(ap);
    value[len - 1] = '\0';
    certs_field(d, width, label, role, value);
    free(value);
}

/* The items of a list joined with sep; an empty list leaves the field out. */
static void certs_list(struct doc *d, int width, const char *label, const struct strlist *l,
                       const char *sep)
{
    if (!l->len)
        return;
    char *joined = strlist_join(l, sep);
    certs_field(d, width, label, TR_TEXT, joined);
    free(joined);
}

/* ---- facts about one certificate -------------------------------------------------------- */

enum certs_state { CS_OK, CS_IGNORED, CS_ERROR };

/* The verification depth of sent certificate i: the verified position holding the same
 * certificate, or -1. Without a verified path, errors count by sent position. */
static int certs_sent_vdepth(const struct report *r, size_t i)
{
    if (!r->n_verified)
        return (int)i;
    for (size_t j = 0; r->sent[i].sha256 && j < r->n_verified; j++)
        if (r->verified[j].sha256 && !strcmp(r->verified[j].sha256, r->sent[i].sha256))
            return (int)j;
    return -1;
}

static enum certs_state certs_state_at(const struct report *r, int vdepth)
{
    enum certs_state s = CS_OK;
    for (size_t i = 0; vdepth >= 0 && i < r->n_verify_errors; i++) {
        if (r->verify_errors[i].depth != vdepth)
            continue;
        if (!r->verify_errors[i].ignored)
            return CS_ERROR;
        s = CS_IGNORED;
    }
    return s;
}

/* The position of c in the sent chain, or -1 when the server did not send it. */
static int certs_sent_index(const struct report *r, const struct cert_info *c)
{
    for (size_t i = 0; c->sha256 && i < r->n_sent; i++)
        if (r->sent[i].sha256 && !strcmp(r->sent[i].sha256, c->sha256))
            return (int)i;
    return -1;
}

static enum theme_role certs_days_role(long days)
{
    return days < 0 ? TR_BAD : days < 30 ? TR_WARN : TR_OK;
}

/* "CN=name", else the subject, sanitised; caller frees. */
static char *certs_name(const struct cert_info *c)
{
    char *raw = c->subject_cn ? xasprintf("CN=%s", c->subject_cn)
                              : xstrdup(c->subject && *c->subject ? c->subject : "(empty subject)");
    char *safe = doc_one_line(raw);
    free(raw);
    return safe;
}

/* ---- the list ---------------------------------------------------------------------------- */

/* One certificate line, laid out once the widths of all lines of its list are known. */
struct certs_row {
    char *lead; /* tree prefix and depth (dim) */
    char *name; /* sanitised */
    const char *tags;
    const char *mark;
    enum theme_role mark_role;
    char *days;
    enum theme_role days_role;
};

/* tree: indent under the previous row (each row issued by the next); else a flat list. */
static void certs_row_fill(struct certs_row *row, const struct pane_ctx *ctx,
                           const struct cert_info *c, size_t depth, enum certs_state st,
                           const char *tags, bool tree)
{
    bool u = ctx->utf8;
    size_t lvl = depth < CERTS_TREE_MAX ? depth : CERTS_TREE_MAX;
    row->lead = depth && tree
                    ? xasprintf("%*s%s%zu  ", (int)(lvl - 1) * 3, "", u ? "└─ " : "`- ", depth)
                    : xasprintf("%zu  ", depth);
    row->name = certs_name(c);
    row->tags = tags;
    row->days_role = certs_days_role(c->days_left);
    row->mark = glyph(st == CS_ERROR ? GL_BAD : st == CS_IGNORED ? GL_WARN : GL_OK, u);
    row->mark_role = st == CS_ERROR ? TR_BAD : st == CS_IGNORED ? TR_WARN : row->days_role;
    row->days = c->days_left < 0 ? xasprintf("expired %ld d ago", cert_days_expired(c, time(NULL)))
                                 : xasprintf("%ld d", c->days_left);
}

static void certs_row_free(struct certs_row *row)
{
    free(row->lead);
    free(row->name);
    free(row->days);
}

static int certs_tags_width(const struct certs_row *row)
{
    return row->tags ? doc_width(row->tags) + 4 : 0; /* "  (tags)" */
}

static int certs_row_left(const struct certs_row *row)
{
    return doc_width(row->lead) + doc_width(row->name) + certs_tags_width(row);
}

static int certs_row_right(const struct certs_row *row)
{
    return doc_width(row->mark) + 1 + doc_width(row->days);
}

/* The column where the marks of rows[0..n) line up: two blanks after the longest name and its
 * tags; when that leaves no room for the marks, after the longest name alone (rows then drop
 * their tags). A row whose mark and days would not fit moves its mark left (certs_row_emit). */
static int certs_mark_col(const struct certs_row *rows, size_t n, int col_w)
{
    int with_tags = 0, without = 0, right = 0;
    for (size_t i = 0; i < n; i++) {
        int l = certs_row_left(&rows[i]), r = certs_row_right(&rows[i]);
        with_tags = l > with_tags ? l : with_tags;
        l -= certs_tags_width(&rows[i]);
        without = l > without ? l : without;
        right = r > right ? r : right;
    }
    return with_tags + 2 <= col_w - right ? with_tags + 2 : without + 2;
}

/* Appends the row: lead, name (cut to fit), tags (dropped when they would cut the name), the
 * mark at mark_col and the days; padded with blanks to col_w when pad is set. */
static void certs_row_emit(struct doc_line *l, const struct certs_row *row, int mark_col, int col_w,
                           bool utf8, bool pad)
{
    int lead_w = doc_width(row->lead), tag_w = certs_tags_width(row);
    if (mark_col > col_w - certs_row_right(row))
        mark_col = col_w - certs_row_right(row);
    int room = mark_col - 2 - lead_w - tag_w;
    if (tag_w && doc_width(row->name) > room) {
        tag_w = 0;
        room = mark_col - 2 - lead_w;
    }
    char *shown = doc_fit(row->name, room, glyph(GL_ELLIPSIS, utf8));
    doc_text(l, TR_DIM, "%s", row->lead);
    doc_text(l, TR_TEXT, "%s", shown);
    if (tag_w)
        doc_text(l, TR_DIM, "  (%s)", row->tags);
    int left = lead_w + doc_width(shown) + tag_w;
    int gap = mark_col - left > 1 ? mark_col - left : 1;
    doc_text(l, row->mark_role, "%*s%s", gap, "", row->mark);
    doc_text(l, row->days_role, " %s", row->days);
    int used = left + gap + certs_row_right(row);
    if (pad && used < col_w)
        doc_text(l, TR_TEXT, "%*s", col_w - used, "");
    free(shown);
}

/* Rows for the sent chain and the verified path (caller frees with certs_rows_free). A sent
 * chain out of order or with strays is a list, not a tree: a tree would claim who issued whom. */
/* The role of a sent certificate as the list tags it. */
static const char *certs_role_tag(enum chain_role role)
{
    switch (role) {
    case CHAIN_ROLE_LEAF: return "leaf";
    case CHAIN_ROLE_INTERMEDIATE: return "intermediate";
    case CHAIN_ROLE_ROOT: return "root, sent";
    case CHAIN_ROLE_UNRELATED: return "unrelated";
    case CHAIN_ROLE_DUPLICATE: return "duplicate";
    case CHAIN_ROLE_CROSS_SIGNED: return "cross-signed";
    }
    return "unrelated";
}

/* The sent chain is a tree only when each certificate sits at its own depth of the path (and
 * no issue says otherwise): else a tree would claim who issued whom. */
static bool certs_sent_is_path(const struct report *r)
{
    if (r->chain_issues & (CHAIN_WRONG_ORDER | CHAIN_EXTRA_CERTIFICATE | CHAIN_DUPLICATE))
        return false;
    for (size_t i = 0; i < r->n_sent; i++)
        if (r->sent[i].path_depth != (int)i || r->sent[i].role == CHAIN_ROLE_DUPLICATE)
            return false;
    return true;
}

static struct certs_row *certs_sent_rows(const struct pane_ctx *ctx)
{
    const struct report *r = ctx->r;
    bool tree = certs_sent_is_path(r);
    struct certs_row *rows = xcalloc(r->n_sent, sizeof(*rows));
    for (size_t i = 0; i < r->n_sent; i++)
        certs_row_fill(&rows[i], ctx, &r->sent[i], i, certs_state_at(r, certs_sent_vdepth(r, i)),
                       certs_role_tag(r->sent[i].role), tree);
    return rows;
}

static struct certs_row *certs_verified_rows(const struct pane_ctx *ctx)
{
    const struct report *r = ctx->r;
    struct certs_row *rows = xcalloc(r->n_verified, sizeof(*rows));
    for (size_t j = 0; j < r->n_verified; j++) {
        const struct cert_info *c = &r->verified[j];
        bool anchor = j + 1 == r->n_verified && c->self_signed;
        bool sent = certs_sent_index(r, c) >= 0;
        const char *tags = anchor && !sent ? "trust anchor, not sent"
                           : anchor        ? "trust anchor"
                           : !sent         ? "not sent"
                                           : NULL;
        certs_row_fill(&rows[j], ctx, c, j, certs_state_at(r, (int)j), tags, true);
    }
    return rows;
}

static void certs_rows_free(struct certs_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        certs_row_free(&rows[i]);
    free(rows);
}

static char *certs_sent_title(const struct report *r)
{
    size_t total = report_sent_total(r);
    return total > r->n_sent
               ? xasprintf("Sent by the server (%zu, first %zu kept)", total, r->n_sent)
               : xasprintf("Sent by the server (%zu)", r->n_sent);
}

static char *certs_verified_title(const struct report *r)
{
    return r->n_verified ? xasprintf("Verified path (%zu)", r->n_verified)
                         : xstrdup("Verified path (none)");
}

/* At narrow widths: the sent tree, then the verified tree, marks in one column. */
static void certs_stacked(const struct pane_ctx *ctx, struct doc *out)
{
    const struct report *r = ctx->r;
    int col_w = ctx->width - 1;
    struct certs_row *sent = certs_sent_rows(ctx), *ver = certs_verified_rows(ctx);
    int a = certs_mark_col(sent, r->n_sent, col_w), b = certs_mark_col(ver, r->n_verified, col_w);
    int mark_col = a > b ? a : b;
    char *title = certs_sent_title(r);
    doc_heading(out, " %s", title);
    free(title);
    for (size_t i = 0; i < r->n_sent; i++) {
        struct doc_line *l = doc_line(out, (int)i);
        doc_text(l, TR_TEXT, " ");
        certs_row_emit(l, &sent[i], mark_col, col_w, ctx->utf8, false);
    }
    doc_blank(out);
    title = certs_verified_title(r);
    doc_heading(out, " %s", title);
    free(title);
    if (!r->n_verified)
        doc_text(doc_line(out, -1), TR_DIM, " %s", CERTS_NO_PATH);
    for (size_t j = 0; j < r->n_verified; j++) {
        struct doc_line *l = doc_line(out, CERTS_VERIFIED_ID + (int)j);
        doc_text(l, TR_TEXT, " ");
        certs_row_emit(l, &ver[j], mark_col, col_w, ctx->utf8, false);
    }
    certs_rows_free(sent, r->n_sent);
    certs_rows_free(ver, r->n_verified);
}

/* At wide widths: row k holds sent k on the left and verified k on the right. The line's id is
 * the sent certificate's when there is one; the detail then adds the verified one when it is a
 * different certificate. */
static void certs_side_by_side(const struct pane_ctx *ctx, struct doc *out)
{
    const struct report *r = ctx->r;
    const char *sep = ctx->utf8 ? " │ " : " | ";
    int left_w = (ctx->width - 1 - 3) / 2, right_w = ctx->width - 1 - 3 - left_w;
    struct certs_row *sent = certs_sent_rows(ctx), *ver = certs_verified_rows(ctx);
    int left_col = certs_mark_col(sent, r->n_sent, left_w);
    int right_col = certs_mark_col(ver, r->n_verified, right_w);
    char *left = certs_sent_title(r), *right = certs_verified_title(r);
    struct doc_line *l = doc_line(out, -1);
    doc_text(l, TR_TITLE, " %-*s", left_w, left);
    doc_text(l, TR_BORDER, "%s", sep);
    doc_text(l, TR_TITLE, "%s", right);
    free(left);
    free(right);
    size_t rows = r->n_sent > r->n_verified ? r->n_sent : r->n_verified;
    for (size_t k = 0; k < (rows ? rows : 1); k++) {
        int id = k < r->n_sent ? (int)k : k < r->n_verified ? CERTS_VERIFIED_ID + (int)k : -1;
        l = doc_line(out, id);
        doc_text(l, TR_TEXT, " ");
        if (k < r->n_sent)
            certs_row_emit(l, &sent[k], left_col, left_w, ctx->utf8, true);
        else
            doc_text(l, TR_TEXT, "%*s", left_w, "");
        doc_text(l, TR_BORDER, "%s", sep);
        if (k < r->n_verified)
            certs_row_emit(l, &ver[k], right_col, right_w, ctx->utf8, false);
        else if (k == 0)
            doc_text(l, TR_DIM, "%s", CERTS_NO_PATH);
    }
    certs_rows_free(sent, r->n_sent);
    certs_rows_free(ver, r->n_verified);
}

static const struct {
    enum chain_issue bit;
    const char *what, *fix;
} certs_issues[] = {
    {CHAIN_TOO_LONG,
     "Chain too long: more certificates than any real chain holds; only the first ones are "
     "kept and examined.",
     "Serve only the leaf and its intermediates: X exports the chain the server should send."},
    {CHAIN_MISSING_INTERMEDIATE,
     "Missing intermediate: the server does not send the CA certificate that issued its own.",
     "Serve the full chain: the leaf first, then every intermediate (nginx: ssl_certificate "
     "fullchain.pem; Apache: SSLCertificateFile with the chain appended). a fetches the "
     "missing one from its caIssuers URL."},
    {CHAIN_WRONG_ORDER,
     "Wrong order: the certificates are not sent leaf first, each followed by its issuer.",
     "Order the chain file leaf first, then its issuer, and so on upward."},
    {CHAIN_EXTRA_CERTIFICATE,
     "Extra certificate: the server sends certificates that are not on the path.",
     "Remove the unrelated certificates from the chain file."},
    {CHAIN_DUPLICATE, "Duplicate: the server sends a certificate more than once.",
     "Keep one copy of each certificate in the chain file."},
    {CHAIN_ROOT_INCLUDED,
     "Root included: the server sends the root CA, which clients already have.",
     "Drop the root from the chain file; keep the leaf and the intermediates."},
};

/* A warning: glyph and text wrapped, then "fix" wrapped under it. */
static void certs_warning(struct doc *out, const struct pane_ctx *ctx, enum glyph g,
                          enum theme_role role, const char *what, const char *fix)
{
    struct strlist pieces = {0};
    char *safe = doc_one_line(what);
    const char *gl = glyph(g, ctx->utf8);
    int indent = 2 + doc_width(gl);
    doc_wrap(safe, certs_room(ctx->width - indent), DOC_BREAK_SOFT, &pieces);
    for (size_t i = 0; i < pieces.len; i++) {
        struct doc_line *l = doc_line(out, -1);
        if (i)
            doc_text(l, role, "%*s%s", indent, "", pieces.items[i]);
        else
            doc_text(l, role, " %s %s", gl, pieces.items[i]);
    }
    strlist_free(&pieces);
    free(safe);
    if (!fix)
        return;
    safe = doc_one_line(fix);
    doc_wrap(safe, certs_room(ctx->width - indent - 5), DOC_BREAK_SOFT, &pieces);
    for (size_t i = 0; i < pieces.len; i++) {
        struct doc_line *l = doc_line(out, -1);
        doc_text(l, TR_DIM, "%*s%s", indent, "", i ? "     " : "fix  ");
        doc_text(l, TR_TEXT, "%s", pieces.items[i]);
    }
    strlist_free(&pieces);
    free(safe);
}

/* Chain issues, and verification errors tied to no certificate (e.g. a pin mismatch). */
static void certs_problems(const struct pane_ctx *ctx, struct doc *out)
{
    const struct report *r = ctx->r;
    bool any = false;
    for (size_t i = 0; i < sizeof(certs_issues) / sizeof(certs_issues[0]); i++) {
        if (!(r->chain_issues & (unsigned)certs_issues[i].bit))
            continue;
        if (!any)
            doc_blank(out);
        any = true;
        certs_warning(out, ctx, GL_WARN, TR_WARN, certs_issues[i].what, certs_issues[i].fix);
    }
    size_t n_certs = r->n_verified ? r->n_verified : r->n_sent;
    for (size_t i = 0; i < r->n_verify_errors; i++) {
        const struct verify_error *e = &r->verify_errors[i];
        if (e->ignored || (e->depth >= 0 && (size_t)e->depth < n_certs))
            continue;
        if (!any)
            doc_blank(out);
        any = true;
        char *what = xasprintf("%s: %s", e->name ? e->name : "?", e->message ? e->message : "");
        certs_warning(out, ctx, GL_BAD, TR_BAD, what, e->fix);
        free(what);
    }
}

static void certs_build(void *state, const struct pane_ctx *ctx, struct doc *out)
{
    (void)state;
    const struct report *r = ctx->r;
    if (!r->n_sent && !r->n_verified) {
        doc_text(doc_line(out, -1), TR_DIM, " %s",
                 r->ok ? "The server sent no certificates."
                       : "No certificates: the connection ended before the server sent any.");
        certs_problems(ctx, out);
        return;
    }
    if (ctx->width >= CERTS_SIDE_MIN)
        certs_side_by_side(ctx, out);
    else
        certs_stacked(ctx, out);
    certs_problems(ctx, out);
    certs_doctor_sections(ctx, out);
}

/* ---- the detail -------------------------------------------------------------------------- */

static void certs_validity(struct doc *d, int w, const struct cert_info *c, bool utf8)
{
    char *left = c->days_left < 0
                     ? xasprintf("expired %ld days ago", cert_days_expired(c, time(NULL)))
                     : xasprintf("%ld days left", c->days_left);
    certs_fieldf(d, w, "validity", certs_days_role(c->days_left), "%s %s %s (%s)",
                 c->not_before[0] ? c->not_before : "?", utf8 ? "→" : "->",
                 c->not_after[0] ? c->not_after : "?", left);
    free(left);
}

static void certs_key_fields(struct doc *d, int w, const struct cert_info *c)
{
    char *curve = c->key_curve ? xasprintf(", curve %s", c->key_curve) : xstrdup("");
    certs_fieldf(d, w, "key", TR_TEXT, "%s, %d bits%s", c->key_type ? c->key_type : "?",
                 c->key_bits, curve);
    free(curve);
    certs_field(d, w, "signature", TR_TEXT, c->signature_algorithm);
}

static void certs_usage_fields(struct doc *d, int w, const struct cert_info *c)
{
    certs_list(d, w, "SAN", &c->san, "  ");
    certs_list(d, w, "key usage", &c->key_usage, ", ");
    certs_list(d, w, "EKU", &c->ext_key_usage, ", ");
    if (c->is_ca && c->path_len >= 0)
        certs_fieldf(d, w, "CA", TR_TEXT, "yes, path length %d", c->path_len);
    else
        certs_field(d, w, "CA", TR_TEXT, c->is_ca ? "yes, no path length limit" : "no");
    certs_field(d, w, "self-signed", TR_TEXT, c->self_signed ? "yes" : "no");
}

static void certs_fingerprints(struct doc *d, int w, const struct cert_info *c)
{
    certs_field(d, w, "SHA-256", TR_TEXT, c->sha256);
    certs_field(d, w, "SHA-1", TR_TEXT, c->sha1);
    if (c->spki_sha256)
        certs_fieldf(d, w, "SPKI pin", TR_TEXT, "sha256//%s", c->spki_sha256);
    certs_field(d, w, "OCSP", TR_TEXT, c->ocsp_url);
    certs_field(d, w, "CA issuers", TR_TEXT, c->ca_issuers_url);
}

static void certs_extensions(struct doc *d, int w, const struct cert_info *c)
{
    if (!c->n_extensions)
        return;
    doc_blank(d);
    doc_heading(d, " Extensions (%zu)", c->n_extensions);
    for (size_t i = 0; i < c->n_extensions; i++) {
        const struct name_value *e = &c->extensions[i];
        char *name = doc_one_line(e->name ? e->name : "?");
        struct doc_line *l = doc_line(d, -1);
        doc_text(l, TR_TEXT, "   %s", name);
        if (e->critical)
            doc_text(l, TR_WARN, "  critical");
        free(name);
        if (!e->value)
            continue;
        /* Values are shown under the name, indented as a block. */
        struct strlist pieces = {0};
        const char *p = e->value;
        while (*p) {
            const char *nl = strchr(p, '\n');
            char *one = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
            char *safe = doc_one_line(one);
            doc_wrap(safe, certs_room(w - 7), DOC_BREAK_SOFT, &pieces);
            free(safe);
            free(one);
            p = nl ? nl + 1 : p + strlen(p);
        }
        for (size_t k = 0; k < pieces.len; k++)
            doc_text(doc_line(d, -1), TR_DIM, "       %s", pieces.items[k]);
        strlist_free(&pieces);
    }
}

static void certs_errors(struct doc *d, const struct pane_ctx *ctx, int vdepth)
{
    const struct report *r = ctx->r;
    doc_blank(d);
    doc_heading(d, " Verification");
    bool any = false;
    for (size_t i = 0; vdepth >= 0 && i < r->n_verify_errors; i++) {
        const struct verify_error *e = &r->verify_errors[i];
        if (e->depth != vdepth)
            continue;
        any = true;
        char *what = xasprintf("%s (%d): %s%s", e->name ? e->name : "?", e->code,
                               e->message ? e->message : "", e->ignored ? " [ignored]" : "");
        certs_warning(d, ctx, e->ignored ? GL_WARN : GL_BAD, e->ignored ? TR_WARN : TR_BAD, what,
                      NULL);
        free(what);
        certs_field(d, ctx->width, "meaning", TR_TEXT, e->explanation);
        certs_field(d, ctx->width, "fix", TR_TEXT, e->fix);
    }
    if (!any)
        doc_text(doc_line(d, -1), TR_OK, " %s no verification error at this depth",
                 glyph(GL_OK, ctx->utf8));
}

static void certs_pem(struct doc *d, const struct cert_info *c)
{
    if (!c->pem)
        return;
    doc_blank(d);
    doc_heading(d, " PEM");
    for (const char *p = c->pem; *p;) {
        const char *nl = strchr(p, '\n');
        char *one = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
        char *safe = doc_one_line(one);
        doc_text(doc_line(d, -1), TR_DIM, " %s", safe);
        free(safe);
        free(one);
        p = nl ? nl + 1 : p + strlen(p);
    }
}

/* "sent as #0 · verified path #0", "verified path #2 · trust anchor · not sent" ... */
static void certs_place(struct doc *d, const struct pane_ctx *ctx, const struct cert_info *c,
                        int vdepth)
{
    const struct report *r = ctx->r;
    int sent = certs_sent_index(r, c);
    bool on_path = r->n_verified && vdepth >= 0;
    bool anchor = on_path && (size_t)vdepth + 1 == r->n_verified && c->self_signed;
    char *s_part = sent >= 0 ? xasprintf("sent by the server as #%d", sent)
                             : xstrdup("not sent by the server");
    char *v_part = on_path         ? xasprintf("verified path #%d", vdepth)
                   : r->n_verified ? xstrdup("not on the verified path")
                                   : xstrdup("no verified path");
    const char *dot = ctx->utf8 ? " · " : ", ";
    certs_fieldf(d, ctx->width, "chain", TR_TEXT, "%s%s%s%s%s", s_part, dot, v_part,
                 anchor ? dot : "", anchor ? "trust anchor" : "");
    free(s_part);
    free(v_part);
    if (sent >= 0)
        certs_field(d, ctx->width, "role", TR_TEXT, chain_role_label(r->sent[sent].role));
}

/* Every field of one certificate; where says which list it is from. */
static void certs_one(struct doc *d, const struct pane_ctx *ctx, const struct cert_info *c,
                      const char *where, size_t index, int vdepth)
{
    int w = ctx->width;
    char *name = certs_name(c);
    char *title = doc_fit(name, w - 30, glyph(GL_ELLIPSIS, ctx->utf8));
    doc_heading(d, " %s #%zu  %s", where, index, title);
    free(title);
    free(name);
    certs_place(d, ctx, c, vdepth);
    certs_field(d, w, "subject", TR_TEXT, c->subject && *c->subject ? c->subject : "(empty)");
    certs_field(d, w, "issuer", TR_TEXT, c->issuer && *c->issuer ? c->issuer : "(empty)");
    certs_field(d, w, "serial", TR_TEXT, c->serial);
    certs_validity(d, w, c, ctx->utf8);
    certs_key_fields(d, w, c);
    certs_usage_fields(d, w, c);
    certs_fingerprints(d, w, c);
    certs_extensions(d, w, c);
    certs_errors(d, ctx, vdepth);
    certs_pem(d, c);
}

static void certs_detail(void *state, const struct pane_ctx *ctx, int id, struct doc *out)
{
    (void)state;
    const struct report *r = ctx->r;
    if (id < 0)
        return;
    if (id >= CERTS_VERIFIED_ID) {
        size_t j = (size_t)(id - CERTS_VERIFIED_ID);
        if (j < r->n_verified)
            certs_one(out, ctx, &r->verified[j], "Verified path", j, (int)j);
        return;
    }
    size_t i = (size_t)id;
    if (i >= r->n_sent)
        return;
    certs_one(out, ctx, &r->sent[i], "Sent", i, certs_sent_vdepth(r, i));
    /* Side by side, this row also shows verified i: add it when it is another certificate. */
    if (ctx->width >= CERTS_SIDE_MIN && i < r->n_verified && certs_sent_vdepth(r, i) != (int)i) {
        doc_blank(out);
        certs_one(out, ctx, &r->verified[i], "Verified path", i, (int)i);
    }
}

static int certs_badge(const struct pane_ctx *ctx)
{
    (void)ctx;
    return -1;
}

static enum pane_request certs_key(void *state, const struct pane_ctx *ctx, int key,
                                   enum ui_action action, int selected_id)
{
    (void)state;
    (void)ctx;
    (void)key;
    (void)selected_id;
    return action == ACT_EXPORT_PEM     ? PANE_EXPORT
           : action == ACT_EXPORT_SERVE ? PANE_EXPORT_SERVE
           : action == ACT_COPY_PEM     ? PANE_COPY
           : action == ACT_CHECK_FILE   ? PANE_CHECK_SERVE
           : action == ACT_FETCH_AIA    ? PANE_FETCH_AIA
                                        : PANE_IGNORED;
}

/* issue 13: y copies the selected certificate's PEM. */
static const char *certs_copy(void *state, const struct pane_ctx *ctx, int id)
{
    (void)state;
    const struct report *r = ctx->r;
    if (id >= CERTS_VERIFIED_ID && (size_t)(id - CERTS_VERIFIED_ID) < r->n_verified)
        return r->verified[id - CERTS_VERIFIED_ID].pem;
    if (id >= 0 && (size_t)id < r->n_sent)
        return r->sent[id].pem;
    return NULL;
}

const struct pane_ops pane_certificates = {
    .name = "Certificates",
    .state_size = 0,
    .build = certs_build,
    .detail = certs_detail,
    .key = certs_key,
    .copy = certs_copy,
    .done = NULL,
    .badge = certs_badge,
};
