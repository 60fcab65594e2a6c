/* The Findings pane: what this connection shows to be wrong, one severity-coloured line each,
 * and for the selected one the evidence, what it means and how to fix it. Pure: builds docs
 * from the report, no curses. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/pane.h"
#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strlist.h"

#define FIND_SEV_W    9  /* "critical" and a blank */
#define FIND_LABEL_W  12 /* one blank of margin + "evidence" + blanks */
#define FIND_ROOM_MIN 20

/* What each finding means for the people using the server, by finding id (model/findings.h).
 * The report carries the evidence (detail) and the fix; this is the sentence in between. */
static const struct {
    const char *id, *meaning;
} find_meanings[] = {
    {"cert_expired", "Clients refuse the connection: the certificate is no longer valid."},
    {"cert_chain_expired",
     "A CA certificate on the path has expired, so clients cannot build a valid chain."},
    {"cert_not_yet_valid",
     "Clients refuse the certificate until its start date; often a clock is wrong."},
    {"cert_expiring", "The certificate still works, but clients refuse it once it expires."},
    {"hostname_mismatch",
     "Clients that connect with this name refuse the certificate: it was issued for other "
     "names."},
    {"self_signed",
     "No CA vouches for this certificate; only clients told to trust it explicitly accept it."},
    {"untrusted_root",
     "The chain ends in a CA that clients do not trust, so they refuse the connection."},
    {"incomplete_chain",
     "Clients that do not already hold the missing intermediate cannot verify the certificate; "
     "some browsers fetch it, most other clients fail."},
    {"chain_order", "Most clients reorder the chain, but strict ones fail to build the path."},
    {"chain_extra", "Unneeded certificates make every handshake larger and can confuse strict "
                    "clients."},
    {"chain_root_included",
     "Harmless but wasteful: clients use their own copy of the root, never the one sent."},
    {"key_too_small", "A key this small can be broken, and current clients refuse it."},
    {"sha1_signature", "SHA-1 signatures can be forged; current clients refuse them."},
    {"md5_signature", "MD5 signatures are forgeable: the certificate proves nothing."},
    {"old_protocol",
     "Old protocol versions have known attacks and are disabled in current clients."},
    {"no_forward_secrecy",
     "Recorded traffic can be decrypted later by anyone who obtains the server's key."},
    {"weak_cipher", "The negotiated cipher does not protect the traffic adequately."},
    {"sweet32", "Long connections with a 64-bit block cipher leak plaintext (Sweet32)."},
    {"no_ocsp_staple",
     "Clients must ask the CA about revocation themselves (slower, less private) or skip the "
     "check."},
    {"ocsp_revoked",
     "The CA has withdrawn this certificate; clients that check revocation refuse it."},
    {"ocsp_staple_problem",
     "Clients cannot use the stapled response: they check revocation themselves, or fail when "
     "stapling is required."},
    {"verify_error", "Clients that verify certificates refuse this connection."},
    {"ignored_errors",
     "This connection was accepted only because errors were ignored; a normal client would "
     "refuse it."},
    {"verification_off", "Nothing was verified: an interceptor would have gone unnoticed."},
    {"weakened_settings",
     "The settings used were weaker than the defaults, so a normal client may see something "
     "else."},
    {"insecure_renegotiation",
     "Without RFC 5746, an attacker can inject data at the start of a session "
     "(CVE-2009-3555)."},
    {"no_extended_master_secret",
     "Without RFC 7627, resumed sessions are open to the triple handshake attack."},
    /* issue 13: the certificate doctor */
    {"name_cn_only", "Clients ignore the CN: no name matches, so every client refuses it."},
    {"ct_precertificate", "A precertificate is never valid for TLS: every client refuses it."},
    {"unknown_critical_extension",
     "A client must refuse a certificate with a critical extension it does not know."},
    {"key_mismatch", "The server cannot use this key with this certificate: it fails to start."},
    {"leaf_not_first",
     "The server would present the wrong certificate as its own; every handshake fails."},
    {"aia_fetched", "Browsers may paper over this, curl / Java / Python / most APIs fail."},
    {"cert_revoked", "The CA has withdrawn this certificate; clients that check refuse it."},
    {"revocation_error", "Clients that insist on a revocation answer fail the same way."},
    {"ocsp_staple_differs", "Clients trust the staple: they may accept a revoked certificate."},
    {"sct_invalid", "Browsers that enforce Certificate Transparency refuse the certificate."},
};

static const char *find_meaning(const char *id)
{
    for (size_t i = 0; id && i < sizeof(find_meanings) / sizeof(find_meanings[0]); i++)
        if (!strcmp(find_meanings[i].id, id))
            return find_meanings[i].meaning;
    return NULL;
}

static enum glyph find_glyph(enum severity s)
{
    return s >= SEV_HIGH ? GL_BAD : s >= SEV_LOW ? GL_WARN : GL_INFO;
}

static enum theme_role find_role(enum severity s)
{
    return s >= SEV_HIGH ? TR_BAD : s >= SEV_LOW ? TR_WARN : TR_DIM;
}

/* ---- wrapping ---------------------------------------------------------------------------- */

/* Columns for wrapped text: what is left of the width, but at least FIND_ROOM_MIN. */
static int find_room(int room)
{
    return room < FIND_ROOM_MIN ? FIND_ROOM_MIN : room;
}

/* " label      text" wrapped under itself; text is sanitised here. NULL writes nothing. */
static void find_field(struct doc *d, int width, const char *label, enum theme_role role,
                       const char *text)
{
    if (!text || !*text)
        return;
    char *safe = sanitize_terminal(text);
    char *lbl = xasprintf(" %s", label);
    struct strlist pieces = {0};
    doc_wrap(safe, find_room(width - FIND_LABEL_W), DOC_BREAK_BLANK, &pieces);
    for (size_t i = 0; i < pieces.len; i++)
        doc_field(d, FIND_LABEL_W, i ? "" : lbl, role, "%s", pieces.items[i]);
    strlist_free(&pieces);
    free(lbl);
    free(safe);
}

/* ---- the pane ---------------------------------------------------------------------------- */

static void find_build(void *state, const struct pane_ctx *ctx, struct doc *out)
{
    (void)state;
    const struct report *r = ctx->r;
    if (!r->n_findings) {
        doc_text(doc_line(out, -1), r->ok ? TR_OK : TR_DIM, " %s",
                 r->ok ? "No findings: nothing this connection shows is wrong."
                       : "No findings: the connection failed before there was anything to "
                         "judge; the Summary says why.");
        return;
    }
    for (size_t i = 0; i < r->n_findings; i++) {
        const struct finding *f = &r->findings[i];
        enum theme_role role = find_role(f->severity);
        const char *gl = glyph(find_glyph(f->severity), ctx->utf8);
        struct doc_line *l = doc_line(out, (int)i);
        doc_text(l, role, " %s ", gl);
        doc_text(l, role, "%-*s", FIND_SEV_W, severity_name(f->severity));
        char *safe = sanitize_terminal(f->title ? f->title : "?");
        char *shown = doc_fit(safe, ctx->width - 2 - doc_width(gl) - FIND_SEV_W,
                              glyph(GL_ELLIPSIS, ctx->utf8));
        doc_text(l, TR_TEXT, "%s", shown);
        free(shown);
        free(safe);
    }
}

static void find_detail(void *state, const struct pane_ctx *ctx, int id, struct doc *out)
{
    (void)state;
    const struct report *r = ctx->r;
    if (id < 0 || (size_t)id >= r->n_findings)
        return;
    const struct finding *f = &r->findings[id];
    enum theme_role role = find_role(f->severity);
    char *head =
        xasprintf("%s %s", glyph(find_glyph(f->severity), ctx->utf8), severity_name(f->severity));
    char *title = sanitize_terminal(f->title ? f->title : "?");
    struct strlist pieces = {0};
    if (*title) /* an empty title gets no heading line */
        doc_wrap(title, find_room(ctx->width - 1), DOC_BREAK_BLANK, &pieces);
    for (size_t i = 0; i < pieces.len; i++)
        doc_heading(out, " %s", pieces.items[i]);
    strlist_free(&pieces);
    free(title);
    find_field(out, ctx->width, "severity", role, head);
    free(head);
    find_field(out, ctx->width, "evidence", TR_TEXT, f->detail);
    find_field(out, ctx->width, "what", TR_TEXT, find_meaning(f->id));
    find_field(out, ctx->width, "fix", TR_TEXT, f->fix);
    find_field(out, ctx->width, "id", TR_DIM, f->id);
}

static int find_badge(const struct pane_ctx *ctx)
{
    return (int)ctx->r->n_findings;
}

const struct pane_ops pane_findings = {
    .name = "Findings",
    .state_size = 0,
    .build = find_build,
    .detail = find_detail,
    .key = NULL,
    .done = NULL,
    .badge = find_badge,
};
