/* Result panes: a function table each (one file per pane), with state the framework
 * allocates. A pane turns the current report into a document (the list part) and, for the
 * selected line, a detail document shown below it (Enter shows the detail full screen). The
 * framework (ui/result.c) owns scrolling, selection, search, mouse and drawing. */
#ifndef TLSCOPE_UI_PANE_H
#define TLSCOPE_UI_PANE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/report.h"
#include "ui/actions.h"
#include "ui/doc.h"

/* What panes may know about their surroundings. */
struct pane_ctx {
    const struct report *r; /* never NULL while a pane is open */
    const char *profile;    /* profile name used, or NULL */
    bool utf8;              /* the terminal can show ✔ ⚠ ✖ ▸ and line drawing */
    int width;              /* columns available to the pane */
};

/* Symbols with ASCII fallbacks. */
enum glyph {
    GL_OK,
    GL_WARN,
    GL_BAD,
    GL_INFO,
    GL_POINTER,
    GL_ARROW_RIGHT,
    GL_ARROW_LEFT,
    GL_HLINE,
    GL_BAR_FULL,
    GL_ELLIPSIS,
    GL_COUNT
};
const char *glyph(enum glyph g, bool utf8);

/* A request from a pane back to the framework (returned from key()). */
enum pane_request {
    PANE_IGNORED,      /* not handled: the framework may use the key */
    PANE_HANDLED,      /* handled, redraw */
    PANE_REBUILD,      /* handled, rebuild the list document */
    PANE_EXPORT,       /* ask for a file name and export the sent chain as PEM */
    PANE_EXPORT_SERVE, /* the same for the chain the server should send */
    PANE_COPY,         /* copy what copy() gives to the clipboard (OSC 52) */
    PANE_CHECK_SERVE,  /* check the chain file this server should have (certificate doctor) */
    PANE_FETCH_AIA,    /* reconnect with --aia: fetch the missing intermediate */
};

struct pane_ops {
    const char *name;  /* "Summary" */
    size_t state_size; /* zeroed by the framework before open */
    /* Builds the list document for ctx->r into out (empty on entry). */
    void (*build)(void *state, const struct pane_ctx *ctx, struct doc *out);
    /* Builds the detail of selectable line `id` into out; NULL when the pane has none. */
    void (*detail)(void *state, const struct pane_ctx *ctx, int id, struct doc *out);
    /* Pane-specific keys (raw key code and the action it maps to); may be NULL. */
    enum pane_request (*key)(void *state, const struct pane_ctx *ctx, int key,
                             enum ui_action action, int selected_id);
    /* Frees what the state owns (not the state itself); may be NULL. */
    void (*done)(void *state);
    /* The text `y` copies for selectable line `id` (borrowed from the report), or NULL; may be
     * NULL. */
    const char *(*copy)(void *state, const struct pane_ctx *ctx, int id);
    /* The title count shown in the tab bar ("Findings (3)"), or -1 for none. */
    int (*badge)(const struct pane_ctx *ctx);
    /* Whether the pane has anything for r (its tab shows); NULL: always. */
    bool (*shown)(const struct report *r);
};

extern const struct pane_ops pane_summary, pane_handshake, pane_negotiation, pane_certificates,
    pane_findings, pane_raw, pane_starttls;

/* issue 13 (pane_certs_doctor.c): the Certificates pane's chain-file, fetched, revocation and
 * Certificate Transparency sections, appended to its list document. */
void certs_doctor_sections(const struct pane_ctx *ctx, struct doc *out);

/* In tab order (key 1 to 7). */
#define PANE_COUNT 7

#endif
