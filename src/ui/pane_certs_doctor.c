/* issue 13: the certificate doctor's sections of the Certificates pane — the chain file a
 * check is about, what --aia fetched, the revocation status (--revocation) and the Signed
 * Certificate Timestamps — and what `y` copies. Part of pane_certs.c's list document. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/pane.h"
#include "util/mem.h"
#include "util/strlist.h"

#define LW 13 /* label column */

static void chain_file(const struct pane_ctx *ctx, struct doc *out)
{
    const struct report *r = ctx->r;
    const struct chain_check *ck = r->check;
    doc_blank(out);
    doc_heading(out, " Chain file");
    doc_field_peer(out, LW, " file", TR_TEXT, ck->file);
    doc_field(out, LW, " format", TR_TEXT, "%s", ck->format ? ck->format : "?");
    if (ck->leaf_index)
        doc_field(out, LW, " leaf", TR_BAD, "%s certificate #%zu of the file, not the first",
                  glyph(GL_BAD, ctx->utf8), ck->leaf_index + 1);
    if (ck->key_checked) {
        struct doc_line *l = doc_field(out, LW, " key", ck->key_match ? TR_OK : TR_BAD, "%s ",
                                       glyph(ck->key_match ? GL_OK : GL_BAD, ctx->utf8));
        doc_text(l, ck->key_match ? TR_OK : TR_BAD, "%s",
                 ck->key_match ? "matches the leaf" : "belongs to another certificate");
        if (ck->key_matches) {
            doc_text(l, TR_DIM, " (");
            doc_peer(l, TR_DIM, ck->key_matches);
            doc_text(l, TR_DIM, ")");
        }
    }
    if (r->n_sent) {
        char *names = strlist_join(&r->sent[0].san, "  ");
        doc_field_peer(out, LW, " names", *names ? TR_TEXT : TR_BAD,
                       *names ? names : "no SAN: none a client accepts");
        free(names);
    }
    if (ck->name)
        doc_field(out, LW, " name", r->hostname_match ? TR_OK : TR_BAD, "%s %s",
                  glyph(r->hostname_match ? GL_OK : GL_BAD, ctx->utf8),
                  r->hostname_match ? "covered" : "NOT covered");
    doc_field(out, LW, " deploy", ck->ready ? TR_OK : TR_BAD, "%s %s",
              glyph(ck->ready ? GL_OK : GL_BAD, ctx->utf8),
              ck->ready ? "ready (X writes the chain to serve)"
                        : "not ready: see Findings; X writes the fixed chain");
}

static void fetched(const struct pane_ctx *ctx, struct doc *out)
{
    const struct report *r = ctx->r;
    doc_blank(out);
    doc_heading(out, " Fetched through caIssuers (--aia)");
    for (size_t i = 0; i < r->n_fetched; i++) {
        const struct fetched_cert *f = &r->fetched[i];
        bool ok = f->outcome && !strcmp(f->outcome, "ok");
        struct doc_line *l = doc_line(out, -1);
        doc_text(l, ok ? TR_OK : TR_BAD, " %s ", glyph(ok ? GL_OK : GL_BAD, ctx->utf8));
        doc_peer(l, TR_TEXT, f->url);
        doc_text(l, TR_DIM, "  ");
        doc_peer(l, ok ? TR_TEXT : TR_BAD, ok ? f->subject : f->outcome);
    }
    doc_field(out, LW, " with them", r->aia_verify_ok ? TR_OK : TR_BAD, "%s",
              r->aia_verify_ok ? "the chain verifies" : "the chain still does not verify");
}

static void revocation(const struct pane_ctx *ctx, struct doc *out)
{
    const struct report *r = ctx->r;
    doc_blank(out);
    doc_heading(out, " Revocation (--revocation)");
    if (!r->n_revocation)
        doc_text(doc_line(out, -1), TR_DIM, " no certificate names an OCSP responder or a CRL");
    for (size_t i = 0; i < r->n_revocation; i++) {
        const struct revocation *v = &r->revocation[i];
        bool good = !strcmp(v->status, "good"), bad = !strcmp(v->status, "revoked");
        enum theme_role role = good ? TR_OK : bad ? TR_BAD : TR_WARN;
        struct doc_line *l = doc_line(out, -1);
        doc_text(l, role, " %s #%d %-4s %-8s",
                 glyph(good  ? GL_OK
                       : bad ? GL_BAD
                             : GL_WARN,
                       ctx->utf8),
                 v->depth, v->method, v->status);
        if (bad)
            doc_text(l, TR_BAD, "%s %s ", v->revoked_at, v->reason ? v->reason : "");
        doc_peer(l, TR_DIM, v->url);
        if (v->problem) {
            struct doc_line *p = doc_line(out, -1);
            doc_text(p, TR_WARN, "        ");
            doc_peer(p, TR_WARN, v->problem);
        }
    }
    if (r->ocsp_stapled && r->ocsp_status)
        doc_field(out, LW, " stapled", TR_TEXT, "%s (compared with the live answer in Findings)",
                  r->ocsp_status);
}

static void scts(const struct pane_ctx *ctx, struct doc *out)
{
    const struct report *r = ctx->r;
    doc_blank(out);
    doc_heading(out, " Certificate Transparency (%zu SCT%s)", r->n_scts, r->n_scts == 1 ? "" : "s");
    for (size_t i = 0; i < r->n_scts; i++) {
        const struct sct_info *s = &r->scts[i];
        enum theme_role role = s->verified == TRI_YES  ? TR_OK
                               : s->verified == TRI_NO ? TR_BAD
                                                       : TR_DIM;
        struct doc_line *l = doc_line(out, -1);
        doc_text(l, role, " %s %-13s ",
                 glyph(s->verified == TRI_YES  ? GL_OK
                       : s->verified == TRI_NO ? GL_BAD
                                               : GL_INFO,
                       ctx->utf8),
                 s->source);
        doc_peer(l, s->log_name ? TR_TEXT : TR_WARN, s->log_name ? s->log_name : "unknown log");
        doc_text(l, TR_DIM, "  %s  %s", s->timestamp,
                 s->verified == TRI_YES  ? "signature verifies"
                 : s->verified == TRI_NO ? "signature does NOT verify"
                                         : "not checked");
    }
    if (r->ct_log_list)
        doc_field_peer(out, LW, " log list", TR_DIM, r->ct_log_list);
}

void certs_doctor_sections(const struct pane_ctx *ctx, struct doc *out)
{
    if (ctx->r->check)
        chain_file(ctx, out);
    if (ctx->r->n_fetched)
        fetched(ctx, out);
    if (ctx->r->revocation_checked)
        revocation(ctx, out);
    if (ctx->r->n_scts)
        scts(ctx, out);
}
