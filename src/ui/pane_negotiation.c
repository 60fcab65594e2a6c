/* The Negotiation pane: what our ClientHello offered (versions, suites, groups, signature
 * algorithms, ALPN, extensions) beside what the server chose, the chosen entry highlighted in
 * each list; and what the server asked for when it wanted a client certificate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wire/wire.h"
#include "ui/pane.h"
#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strlist.h"

#define NEG_LABEL_W   14  /* labels of labelled lines, and a blank after them */
#define NEG_INDENT    3   /* list entries and labelled lines under a heading start here */
#define NEG_SIDE_MIN  100 /* from this width suites and groups stand side by side */
#define NEG_RIGHT_W   40  /* the right column when side by side */
#define NEG_MARK_W    8   /* "◀ chosen" */
#define NEG_MIN_ROOM  8
#define NEG_ID_SUITE  1000
#define NEG_ID_GROUP  2000
#define NEG_ID_SIGALG 3000

static const char *str_or(const char *s, const char *fallback)
{
    return s && *s ? s : fallback;
}

/* ---- width-aware helpers ----------------------------------------------------------------- */

/* s (sanitised) cut to at most w columns, with an ellipsis when cut; caller frees. */
static char *neg_fit(const char *s, int w, bool utf8)
{
    char *safe = sanitize_terminal(s);
    if (doc_width(safe) <= w)
        return safe;
    const char *ell = glyph(GL_ELLIPSIS, utf8);
    size_t n = doc_cut(safe, w - doc_width(ell), DOC_BREAK_HARD);
    char *out = xasprintf("%.*s%s", (int)n, safe, ell);
    free(safe);
    return out;
}

static int neg_line_width(const struct doc_line *l)
{
    int w = 0;
    for (size_t i = 0; i < l->n; i++) {
        int sw = doc_width(l->segs[i].text);
        w += sw > l->segs[i].min_width ? sw : l->segs[i].min_width;
    }
    return w;
}

/* A token of a wrapped list: text (sanitised when shown), its role, blanks before it. */
struct neg_tok {
    const char *text;
    enum theme_role role;
    int gap; /* 0: one blank */
};

static struct doc_line *neg_label_line(struct doc *d, int indent, const char *label)
{
    struct doc_line *l = doc_line(d, -1);
    doc_text(l, TR_DIM, "%*s%-*s ", indent, "", NEG_LABEL_W, label);
    return l;
}

/* Drops trailing blanks (padding that nothing follows). */
static void neg_trim(struct doc_line *l)
{
    while (l->n > 1) {
        struct doc_seg *s = &l->segs[l->n - 1];
        size_t len = strlen(s->text);
        while (len && s->text[len - 1] == ' ')
            s->text[--len] = '\0';
        if (len || s->min_width)
            break;
        free(s->text);
        l->n--;
    }
}

static struct doc_line *neg_continue(struct doc *d, int cont)
{
    struct doc_line *l = doc_line(d, -1);
    doc_text(l, TR_TEXT, "%*s", cont, "");
    return l;
}

/* Lays the tokens out from l (which reaches column col), wrapped at width with continuation
 * lines at column cont; a token wider than a line is split. */
static void neg_flow(struct doc *d, struct doc_line *l, int col, int cont, int width,
                     const struct neg_tok *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *s = sanitize_terminal(t[i].text);
        int gap = i == 0 ? 0 : t[i].gap ? t[i].gap : 1, w = doc_width(s);
        if (col > cont && col + gap + w > width &&
            (w <= width - cont || width - col - gap < NEG_MIN_ROOM)) {
            l = neg_continue(d, cont);
            col = cont;
            gap = 0;
        }
        if (gap)
            doc_text(l, TR_TEXT, "%*s", gap, "");
        col += gap;
        for (const char *p = s; *p;) {
            size_t k = doc_cut(p, width - col, DOC_BREAK_HARD);
            char *piece = xstrndup(p, k);
            doc_peer(l, t[i].role, piece);
            col += doc_width(piece);
            free(piece);
            p += k;
            if (*p) {
                l = neg_continue(d, cont);
                col = cont;
            }
        }
        free(s);
    }
}

/* "label         tok tok tok" from column indent, continuation lines under the first token. */
static void neg_tokens_at(struct doc *d, int width, int indent, const char *label,
                          const struct neg_tok *t, size_t n)
{
    struct doc_line *l = neg_label_line(d, indent, label);
    neg_flow(d, l, neg_line_width(l), indent + NEG_LABEL_W + 1, width, t, n);
}

static void neg_tokens(struct doc *d, int width, const char *label, const struct neg_tok *t,
                       size_t n)
{
    neg_tokens_at(d, width, NEG_INDENT, label, t, n);
}

/* A paragraph of our own words at column 1. */
static void neg_para(struct doc *d, int width, enum theme_role role, const char *text)
{
    struct strlist words = {0};
    strlist_split(&words, text, " ");
    struct neg_tok *t = xcalloc(words.len + 1, sizeof(*t));
    for (size_t i = 0; i < words.len; i++)
        t[i] = (struct neg_tok){words.items[i], role, 0};
    struct doc_line *l = doc_line(d, -1);
    doc_text(l, TR_TEXT, " ");
    neg_flow(d, l, 1, 1, width, t, words.len);
    free(t);
    strlist_free(&words);
}

/* ---- matching what was chosen against what was offered ----------------------------------- */

static bool neg_is_suite(const struct report *r, size_t i)
{
    const char *name = r->offered.ciphers.items[i];
    uint16_t id;
    if (r->cipher_id && wire_cipher_from_name(name, &id) == 0)
        return id == r->cipher_id;
    if (r->cipher_iana && !strcmp(name, r->cipher_iana))
        return true;
    return r->cipher_name && i < r->offered.ciphers_openssl.len &&
           !strcmp(r->offered.ciphers_openssl.items[i], r->cipher_name);
}

static bool neg_same(const char *a, const char *b, int (*code)(const char *, uint16_t *))
{
    uint16_t x, y;
    if (!a || !b)
        return false;
    if (code(a, &x) == 0 && code(b, &y) == 0)
        return x == y;
    return !strcasecmp(a, b);
}

static bool neg_has_key_share(const struct offered *o, const char *group)
{
    for (size_t i = 0; i < o->key_shares.len; i++)
        if (neg_same(o->key_shares.items[i], group, wire_group_from_name))
            return true;
    return false;
}

/* ---- lists ------------------------------------------------------------------------------- */

/* "◀ chosen" in TR_OK, or blanks of the same width. */
static void neg_mark(struct doc_line *l, bool chosen, bool utf8)
{
    if (chosen)
        doc_text(l, TR_OK, "%s chosen", glyph(GL_ARROW_LEFT, utf8));
    else
        doc_text(l, TR_TEXT, "%*s", NEG_MARK_W, "");
}

static int neg_max_width(const struct strlist *l, const struct strlist *skip_same)
{
    int w = 0;
    for (size_t i = 0; i < l->len; i++) {
        if (skip_same && i < skip_same->len && !strcmp(l->items[i], skip_same->items[i]))
            continue;
        int iw = doc_width(l->items[i]);
        w = iw > w ? iw : w;
    }
    return w;
}

/* One suite: IANA name, the chosen mark, and the OpenSSL name (dim) where it differs and fits.
 * With room for all three columns the OpenSSL names come before the mark. */
static void neg_suite(struct doc *d, const struct pane_ctx *ctx, int width, size_t i, int name_w,
                      int ossl_w)
{
    const struct offered *o = &ctx->r->offered;
    const char *name = o->ciphers.items[i];
    const char *ossl = i < o->ciphers_openssl.len ? o->ciphers_openssl.items[i] : "";
    if (!strcmp(ossl, name))
        ossl = "";
    bool chosen = neg_is_suite(ctx->r, i);
    uint16_t code;
    bool scsv = wire_cipher_from_name(name, &code) == 0 && wire_cipher_is_scsv(code);
    struct doc_line *l = doc_line(d, NEG_ID_SUITE + (int)i);
    char *shown = neg_fit(name, name_w, ctx->utf8);
    doc_text(l, TR_TEXT, "%*s", NEG_INDENT, "");
    doc_peer(l, chosen ? TR_HIGHLIGHT : scsv ? TR_DIM : TR_TEXT, shown);
    doc_text(l, TR_TEXT, "%*s", name_w - doc_width(shown) + 2, "");
    free(shown);
    if (ossl_w) {
        doc_text(l, TR_DIM, "%-*s  ", ossl_w, ossl);
        neg_mark(l, chosen, ctx->utf8);
    } else {
        neg_mark(l, chosen, ctx->utf8);
        if (*ossl && neg_line_width(l) + 2 + doc_width(ossl) <= width)
            doc_text(l, TR_DIM, "  %s", ossl);
    }
    neg_trim(l);
}

static void neg_suites(struct doc *d, const struct pane_ctx *ctx, int width)
{
    const struct report *r = ctx->r;
    const struct offered *o = &r->offered;
    doc_heading(d, " Cipher suites (offered %zu)", o->ciphers.len);
    int name_w = neg_max_width(&o->ciphers, NULL);
    if (NEG_INDENT + name_w + 2 + NEG_MARK_W > width)
        name_w = width - NEG_INDENT - 2 - NEG_MARK_W;
    int ossl_w = neg_max_width(&o->ciphers_openssl, &o->ciphers);
    if (NEG_INDENT + name_w + 2 + ossl_w + 2 + NEG_MARK_W > width)
        ossl_w = 0;
    bool found = false;
    for (size_t i = 0; i < o->ciphers.len; i++) {
        neg_suite(d, ctx, width, i, name_w, ossl_w);
        found = found || neg_is_suite(r, i);
    }
    const char *chosen = str_or(r->cipher_iana, r->cipher_name);
    if (!found && chosen) {
        struct neg_tok t[] = {{chosen, TR_HIGHLIGHT, 0}, {"(not in our list)", TR_WARN, 0}};
        neg_tokens(d, width, "chosen", t, 2);
    }
}

static void neg_groups(struct doc *d, const struct pane_ctx *ctx, int width)
{
    const struct report *r = ctx->r;
    const struct offered *o = &r->offered;
    doc_heading(d, " Groups (offered %zu)", o->groups.len);
    int name_w = neg_max_width(&o->groups, NULL);
    const int share_w = 9; /* "key share" */
    if (NEG_INDENT + name_w + 2 + share_w + 2 + NEG_MARK_W > width)
        name_w = width - NEG_INDENT - 4 - share_w - NEG_MARK_W;
    bool found = false;
    for (size_t i = 0; i < o->groups.len; i++) {
        const char *g = o->groups.items[i];
        bool chosen = neg_same(g, r->group, wire_group_from_name);
        found = found || chosen;
        struct doc_line *l = doc_line(d, NEG_ID_GROUP + (int)i);
        char *shown = neg_fit(g, name_w, ctx->utf8);
        doc_text(l, TR_TEXT, "%*s", NEG_INDENT, "");
        doc_peer(l, chosen ? TR_HIGHLIGHT : TR_TEXT, shown);
        doc_text(l, TR_TEXT, "%*s", name_w - doc_width(shown) + 2, "");
        free(shown);
        doc_text(l, TR_DIM, "%-*s  ", share_w, neg_has_key_share(o, g) ? "key share" : "");
        neg_mark(l, chosen, ctx->utf8);
        neg_trim(l);
    }
    if (!found && r->group) {
        struct neg_tok t[] = {{r->group, TR_HIGHLIGHT, 0}, {"(not in our list)", TR_WARN, 0}};
        neg_tokens(d, width, "chosen", t, 2);
    }
}

static void neg_sigalgs(struct doc *d, const struct pane_ctx *ctx, int width)
{
    const struct report *r = ctx->r;
    const struct offered *o = &r->offered;
    doc_heading(d, " Signature algorithms (offered %zu)", o->sigalgs.len);
    int name_w = neg_max_width(&o->sigalgs, NULL);
    if (NEG_INDENT + name_w + 2 + NEG_MARK_W > width)
        name_w = width - NEG_INDENT - 2 - NEG_MARK_W;
    bool found = false;
    for (size_t i = 0; i < o->sigalgs.len; i++) {
        const char *s = o->sigalgs.items[i];
        bool chosen = neg_same(s, r->sig_scheme, wire_sigalg_from_name);
        found = found || chosen;
        struct doc_line *l = doc_line(d, NEG_ID_SIGALG + (int)i);
        char *shown = neg_fit(s, name_w, ctx->utf8);
        doc_text(l, TR_TEXT, "%*s", NEG_INDENT, "");
        doc_peer(l, chosen ? TR_HIGHLIGHT : TR_TEXT, shown);
        doc_text(l, TR_TEXT, "%*s", name_w - doc_width(shown) + 2, "");
        free(shown);
        neg_mark(l, chosen, ctx->utf8);
        neg_trim(l);
    }
    if (found)
        return;
    char *used = r->sig_scheme ? xstrdup(r->sig_scheme)
                 : r->sig_type ? xasprintf("%s%s%s", r->sig_type, r->sig_digest ? "+" : "",
                                           str_or(r->sig_digest, ""))
                               : NULL;
    if (used) {
        struct neg_tok t[] = {{used, TR_HIGHLIGHT, 0}};
        neg_tokens(d, width, "server used", t, 1);
    }
    free(used);
}

/* ---- side by side ------------------------------------------------------------------------ */

static void neg_copy_segs(struct doc_line *dst, const struct doc_line *src)
{
    for (size_t i = 0; i < src->n; i++) {
        doc_text(dst, src->segs[i].role, "%s", src->segs[i].text);
        dst->segs[dst->n - 1].min_width = src->segs[i].min_width;
    }
}

/* Lines of left and right joined row by row, the left padded to left_w, a rule between. */
static void neg_merge(struct doc *out, const struct doc *left, const struct doc *right, int left_w,
                      bool utf8)
{
    size_t rows = left->n > right->n ? left->n : right->n;
    for (size_t i = 0; i < rows; i++) {
        const struct doc_line *a = i < left->n ? &left->lines[i] : NULL;
        const struct doc_line *b = i < right->n ? &right->lines[i] : NULL;
        int id = a && a->id >= 0 ? a->id : b ? b->id : -1;
        struct doc_line *l = doc_line(out, id);
        if (a)
            neg_copy_segs(l, a);
        int pad = left_w - neg_line_width(l);
        doc_text(l, TR_TEXT, "%*s", pad > 0 ? pad : 0, "");
        doc_text(l, TR_BORDER, " %s ", utf8 ? "│" : "|");
        if (b)
            neg_copy_segs(l, b);
    }
}

static void neg_lists(struct doc *out, const struct pane_ctx *ctx)
{
    if (ctx->width < NEG_SIDE_MIN) {
        neg_suites(out, ctx, ctx->width);
        neg_groups(out, ctx, ctx->width);
        neg_sigalgs(out, ctx, ctx->width);
        return;
    }
    struct doc left = {0}, right = {0};
    neg_groups(&right, ctx, NEG_RIGHT_W);
    neg_sigalgs(&right, ctx, NEG_RIGHT_W);
    int right_w = 0;
    for (size_t i = 0; i < right.n; i++) {
        int w = neg_line_width(&right.lines[i]);
        right_w = w > right_w ? w : right_w;
    }
    int left_w = ctx->width - 3 - right_w;
    neg_suites(&left, ctx, left_w);
    neg_merge(out, &left, &right, left_w, ctx->utf8);
    doc_free(&left);
    doc_free(&right);
}

/* ---- single lines ------------------------------------------------------------------------ */

/* "  label   offered a b c   chosen x": the offered entry equal to chosen highlighted. */
static void neg_offer_line(struct doc *d, const struct pane_ctx *ctx, const char *label,
                           const struct strlist *offered, const char *chosen,
                           const char *none_chosen)
{
    size_t n = offered->len + 4;
    struct neg_tok *t = xcalloc(n, sizeof(*t));
    size_t k = 0;
    t[k++] = (struct neg_tok){"offered", TR_DIM, 0};
    if (!offered->len)
        t[k++] = (struct neg_tok){"nothing", TR_DIM, 0};
    for (size_t i = 0; i < offered->len; i++)
        t[k++] = (struct neg_tok){
            offered->items[i],
            chosen && !strcmp(offered->items[i], chosen) ? TR_HIGHLIGHT : TR_TEXT, 0};
    t[k++] = (struct neg_tok){"chosen", TR_DIM, 3};
    t[k++] = (struct neg_tok){chosen ? chosen : none_chosen, chosen ? TR_OK : TR_DIM, 0};
    neg_tokens_at(d, ctx->width, 1, label, t, k);
    free(t);
}

static void neg_extensions(struct doc *d, const struct pane_ctx *ctx)
{
    const struct report *r = ctx->r;
    doc_heading(d, " Extensions");
    const struct strlist *sent = &r->offered.extensions, *got = &r->server_extensions;
    struct neg_tok *t = xcalloc(sent->len + got->len + 1, sizeof(*t));
    for (size_t i = 0; i < sent->len; i++)
        t[i] = (struct neg_tok){sent->items[i], TR_TEXT, 0};
    char *label = xasprintf("we sent (%zu)", sent->len);
    if (sent->len)
        neg_tokens(d, ctx->width, label, t, sent->len);
    else
        neg_tokens(d, ctx->width, label, &(struct neg_tok){"none recorded", TR_DIM, 0}, 1);
    free(label);
    for (size_t i = 0; i < got->len; i++) /* answers to what we did not ask for stand out */
        t[i] = (struct neg_tok){got->items[i],
                                strlist_contains(sent, got->items[i]) ? TR_OK : TR_WARN, 0};
    label = xasprintf("answered (%zu)", got->len);
    if (got->len)
        neg_tokens(d, ctx->width, label, t, got->len);
    else
        neg_tokens(d, ctx->width, label, &(struct neg_tok){"none", TR_DIM, 0}, 1);
    free(label);
    free(t);
}

static void neg_client_auth(struct doc *d, const struct pane_ctx *ctx)
{
    const struct report *r = ctx->r;
    if (!r->client_cert_requested)
        return;
    doc_blank(d);
    doc_heading(d, " Client authentication");
    struct neg_tok intro = {"the server asked for a client certificate", TR_WARN, 0};
    neg_tokens(d, ctx->width, "request", &intro, 1);
    if (!r->client_ca_names.len) {
        struct neg_tok any = {"any (the server named none)", TR_DIM, 0};
        neg_tokens(d, ctx->width, "accepted CAs", &any, 1);
    }
    for (size_t i = 0; i < r->client_ca_names.len; i++) {
        struct neg_tok ca = {r->client_ca_names.items[i], TR_TEXT, 0};
        neg_tokens(d, ctx->width, i ? "" : "accepted CAs", &ca, 1);
    }
    if (r->client_sigalgs.len) {
        struct neg_tok *t = xcalloc(r->client_sigalgs.len, sizeof(*t));
        for (size_t i = 0; i < r->client_sigalgs.len; i++)
            t[i] = (struct neg_tok){r->client_sigalgs.items[i], TR_TEXT, 0};
        neg_tokens(d, ctx->width, "algorithms", t, r->client_sigalgs.len);
        free(t);
    }
    struct neg_tok sent = {r->client_cert_sent ? r->client_cert_sent : "none sent",
                           r->client_cert_sent ? TR_OK : TR_WARN, 0};
    neg_tokens(d, ctx->width, "we sent", &sent, 1);
}

/* ---- the pane ---------------------------------------------------------------------------- */

static void negotiation_build(void *state, const struct pane_ctx *ctx, struct doc *out)
{
    (void)state;
    const struct report *r = ctx->r;
    const struct offered *o = &r->offered;
    if (!o->client_hello_len && !o->versions.len && !o->ciphers.len) {
        neg_para(out, ctx->width, TR_DIM,
                 r->ok ? "No ClientHello was recorded, so there is no offer to compare."
                       : "No ClientHello was recorded, so there is no offer to compare: the "
                         "connection stopped before TLS began.");
        return;
    }
    neg_offer_line(out, ctx, "protocol", &o->versions, r->protocol, "none");
    neg_offer_line(out, ctx, "ALPN", &o->alpn, r->alpn, "none");
    doc_blank(out);
    neg_lists(out, ctx);
    doc_blank(out);
    neg_extensions(out, ctx);
    neg_client_auth(out, ctx);
}

static int negotiation_badge(const struct pane_ctx *ctx)
{
    (void)ctx;
    return -1;
}

const struct pane_ops pane_negotiation = {
    .name = "Negotiation",
    .state_size = 0,
    .build = negotiation_build,
    .detail = NULL,
    .key = NULL,
    .done = NULL,
    .badge = negotiation_badge,
};
