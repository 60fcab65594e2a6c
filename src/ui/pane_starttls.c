/* The STARTTLS pane (issue 12): the plaintext dialogue before the handshake — what was chosen
 * and why, the server's capabilities, and the transcript on the handshake's clock (the
 * Handshake pane's ladder starts where it ends). Each line is selectable; its detail shows the
 * whole line, its time and direction. The tab shows only for a connection that ran one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/pane.h"
#include "util/mem.h"

#define ST_LABEL_W 16 /* "  capabilities  " */
#define ST_TIME_W  13 /* "%9.3f ms" and blanks */

static const char *str_or(const char *s, const char *fallback)
{
    return s && *s ? s : fallback;
}

static bool starttls_shown(const struct report *r)
{
    return r->starttls.protocol != NULL;
}

static void st_field(struct doc *d, const struct pane_ctx *ctx, const char *label,
                     enum theme_role role, const char *value, bool peer)
{
    if (!value)
        return;
    struct doc_line *l = doc_line(d, -1);
    doc_text(l, TR_DIM, "  %-*s", ST_LABEL_W - 2, label);
    if (peer)
        doc_wrap_into(d, l, ST_LABEL_W, ST_LABEL_W, ctx->width, role, value);
    else
        doc_text(l, role, "%s", value);
}

static void starttls_build(void *state, const struct pane_ctx *ctx, struct doc *out)
{
    (void)state;
    const struct starttls_report *s = &ctx->r->starttls;
    doc_heading(out, " STARTTLS %s", str_or(s->protocol, "none"));
    char *chosen = xasprintf("%s: %s", str_or(s->chosen_by, "?"), str_or(s->reason, ""));
    st_field(out, ctx, "chosen by", TR_TEXT, chosen, true);
    free(chosen);
    char *result = s->ok        ? xasprintf("%s the server agreed to start TLS (%.1f ms)",
                                            glyph(GL_OK, ctx->utf8), s->ms)
                   : s->failure ? xasprintf("%s failed: %s (the error is on the Summary)",
                                            glyph(GL_BAD, ctx->utf8), s->failure)
                                : xstrdup("not reached");
    st_field(out, ctx, "result", s->ok ? TR_OK : s->failure ? TR_BAD : TR_DIM, result, false);
    free(result);
    if (s->capabilities.len) {
        char *caps = strlist_join(&s->capabilities, "  ");
        st_field(out, ctx, "capabilities", TR_TEXT, caps, true);
        free(caps);
    }
    if (s->injection_checked) {
        char *inj = xasprintf("%s sent \"%s\" with STARTTLS: %s",
                              glyph(s->injection_vulnerable ? GL_BAD : GL_OK, ctx->utf8),
                              str_or(s->injected, "?"),
                              s->injection_vulnerable ? "answered inside TLS (CVE-2011-0411)"
                                                      : "no answer inside TLS");
        st_field(out, ctx, "injection", s->injection_vulnerable ? TR_BAD : TR_OK, inj, true);
        free(inj);
    }
    doc_blank(out);
    doc_heading(out, " Transcript (the handshake follows on the same clock)");
    for (size_t i = 0; i < s->n_lines; i++) {
        const struct starttls_line *t = &s->lines[i];
        struct doc_line *l = doc_line(out, (int)i);
        doc_text(l, TR_DIM, "%9.3f ms  ", t->t_ms);
        doc_text(l, t->dir == DIR_SENT ? TR_HIGHLIGHT : TR_TEXT, "%s ",
                 glyph(t->dir == DIR_SENT ? GL_ARROW_RIGHT : GL_ARROW_LEFT, ctx->utf8));
        doc_peer(l, t->dir == DIR_SENT ? TR_HIGHLIGHT : TR_TEXT, t->text);
    }
    if (s->truncated) {
        struct doc_line *l = doc_line(out, -1);
        doc_text(l, TR_DIM, "  ... later lines not kept (limit %d)", STARTTLS_LINES_MAX);
    }
}

static void starttls_detail(void *state, const struct pane_ctx *ctx, int id, struct doc *out)
{
    (void)state;
    const struct starttls_report *s = &ctx->r->starttls;
    if (id < 0 || (size_t)id >= s->n_lines)
        return;
    const struct starttls_line *t = &s->lines[id];
    struct doc_line *l = doc_line(out, -1);
    doc_text(l, TR_TITLE, " %s line %d of %zu", t->dir == DIR_SENT ? "sent" : "received", id + 1,
             s->n_lines);
    char *when = xasprintf("%.3f ms after the TCP connect began", t->t_ms);
    st_field(out, ctx, "time", TR_TEXT, when, false);
    free(when);
    st_field(out, ctx, "text", TR_TEXT, t->text, true);
}

static int starttls_badge(const struct pane_ctx *ctx)
{
    (void)ctx;
    return -1;
}

const struct pane_ops pane_starttls = {
    .name = "STARTTLS",
    .state_size = 0,
    .build = starttls_build,
    .detail = starttls_detail,
    .key = NULL,
    .done = NULL,
    .badge = starttls_badge,
    .shown = starttls_shown,
};
