/* The Handshake pane: the message ladder between client and server, one selectable row per
 * recorded message, and for the selected one its decoded fields and a hex dump. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"
#include "ui/pane.h"
#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strbuf.h"

#define HS_TIME_W     14 /* "%9.3f ms" and two blanks */
#define HS_BYTES_MIN  5  /* "bytes" */
#define HS_LADDER_MAX 64
#define HS_LADDER_MIN 16
#define HS_LABEL_COL  24 /* detail: values start here */

/* ---- detail lines ------------------------------------------------------------------------ */

/* A "  label        value" line with the value wrapped at width. */
static void hs_field(struct doc *d, int width, const char *label, enum theme_role role,
                     const char *value)
{
    if (!value)
        return;
    struct doc_line *l = doc_line(d, -1);
    doc_text(l, TR_DIM, "  %-*s ", HS_LABEL_COL - 3, label);
    doc_wrap_into(d, l, doc_width(l->segs[0].text), HS_LABEL_COL, width, role, value);
}

/* A paragraph at column 1. */
static void hs_para(struct doc *d, int width, enum theme_role role, const char *text)
{
    struct doc_line *l = doc_line(d, -1);
    doc_text(l, TR_TEXT, " ");
    doc_wrap_into(d, l, 1, 1, width, role, text);
}

/* ---- the ladder -------------------------------------------------------------------------- */

/* "2 047": a byte count with blanks between thousands. */
static void hs_bytes(char *buf, size_t n, unsigned long v)
{
    if (v >= 1000000)
        snprintf(buf, n, "%lu %03lu %03lu", v / 1000000, v / 1000 % 1000, v % 1000);
    else if (v >= 1000)
        snprintf(buf, n, "%lu %03lu", v / 1000, v % 1000);
    else
        snprintf(buf, n, "%lu", v);
}

/* Width of the byte-count column: the widest count, at least the heading. */
static int hs_bytes_width(const struct report *r)
{
    int w = HS_BYTES_MIN;
    char buf[32];
    for (size_t i = 0; i < r->n_events; i++) {
        hs_bytes(buf, sizeof(buf), r->events[i].length);
        w = (int)strlen(buf) > w ? (int)strlen(buf) : w;
    }
    return w;
}

static int hs_ladder_width(const struct pane_ctx *ctx, int bytes_w)
{
    int w = ctx->width - HS_TIME_W - 2 - bytes_w - 1;
    return w > HS_LADDER_MAX ? HS_LADDER_MAX : w < HS_LADDER_MIN ? HS_LADDER_MIN : w;
}

static bool hs_is_alert(const struct hs_event *ev)
{
    return ev->content_type == 21 || ev->alert_level;
}

/* The message name as the ladder shows it: "ServerHello", "Alert fatal handshake_failure". */
static char *hs_label(const struct hs_event *ev)
{
    const char *name = ev->name ? ev->name : content_type_name(ev->content_type);
    if (hs_is_alert(ev))
        return xasprintf("%s %s %s", name,
                         ev->alert_level == 2   ? "fatal"
                         : ev->alert_level == 1 ? "warning"
                                                : "level?",
                         alert_name(ev->alert_desc));
    return xstrdup(name);
}

static enum theme_role hs_role(const struct hs_event *ev)
{
    if (!hs_is_alert(ev))
        return TR_TEXT;
    return ev->alert_level == 2 ? TR_BAD : TR_WARN;
}

static void hs_dashes(struct doc_line *l, enum theme_role role, int n, bool utf8)
{
    struct strbuf sb = {0};
    for (int i = 0; i < n; i++)
        sb_puts(&sb, glyph(GL_HLINE, utf8));
    doc_text(l, role, "%s", sb.buf ? sb.buf : "");
    sb_free(&sb);
}

/* The arrow with the name (and the [encrypted] marker) centred on it, ladder columns wide. */
static void hs_arrow(struct doc_line *l, const struct pane_ctx *ctx, const struct hs_event *ev,
                     int ladder)
{
    char *label = hs_label(ev);
    const char *mark = ev->record_type == 23 && ev->content_type != 23 ? " [encrypted]" : "";
    int room = ladder - 5; /* head, two blanks, a dash each side */
    if (doc_width(label) + (int)strlen(mark) > room)
        mark = "";
    if (doc_width(label) > room) {
        label[room > 0 ? room : 0] = '\0'; /* our own ASCII names: bytes are columns */
    }
    int text_w = doc_width(label) + (int)strlen(mark) + 2;
    int left = (ladder - 1 - text_w) / 2, right = ladder - 1 - text_w - left;
    enum theme_role role = hs_role(ev), line_role = hs_is_alert(ev) ? role : TR_DIM;
    if (ev->dir == DIR_RECEIVED)
        doc_text(l, line_role, "%s", glyph(GL_ARROW_LEFT, ctx->utf8));
    hs_dashes(l, line_role, left, ctx->utf8);
    doc_text(l, role, " %s", label);
    if (*mark)
        doc_text(l, TR_DIM, "%s", mark);
    doc_text(l, role, " ");
    hs_dashes(l, line_role, right, ctx->utf8);
    if (ev->dir == DIR_SENT)
        doc_text(l, line_role, "%s", glyph(GL_ARROW_RIGHT, ctx->utf8));
    free(label);
}

static void hs_header(struct doc *d, int ladder, int bytes_w)
{
    struct doc_line *l = doc_line(d, -1);
    doc_text(l, TR_DIM, "%*s  %-*s%*s  %*s", HS_TIME_W - 2, "time ", ladder / 2, "client",
             ladder - ladder / 2, "server", bytes_w, "bytes");
}

static void hs_row(struct doc *d, const struct pane_ctx *ctx, size_t i, int ladder, int bytes_w)
{
    const struct hs_event *ev = &ctx->r->events[i];
    struct doc_line *l = doc_line(d, (int)i);
    doc_text(l, TR_DIM, "%9.3f ms  ", (double)ev->t_us / 1000.0);
    hs_arrow(l, ctx, ev, ladder);
    char n[32];
    hs_bytes(n, sizeof(n), ev->length);
    doc_text(l, TR_TEXT, "  %*s", bytes_w, n);
}

static void hs_separator(struct doc *d, const struct pane_ctx *ctx, int conn)
{
    struct doc_line *l = doc_line(d, -1);
    char *title = xasprintf(" connection %d%s ", conn, conn == 2 ? " (reconnect)" : "");
    doc_text(l, TR_TITLE, " ");
    hs_dashes(l, TR_TITLE, 2, ctx->utf8);
    doc_text(l, TR_TITLE, "%s", title);
    int rest = ctx->width - 3 - (int)strlen(title) - 1;
    hs_dashes(l, TR_TITLE, rest > 2 ? rest : 2, ctx->utf8);
    free(title);
}

static void handshake_build(void *state, const struct pane_ctx *ctx, struct doc *out)
{
    (void)state;
    const struct report *r = ctx->r;
    if (!r->n_events) {
        char *s = !r->ok && r->error.stage != STAGE_NONE && r->reached < STAGE_TLS
                      ? xasprintf("No handshake messages were recorded: the connection stopped "
                                  "before TLS began (%s).",
                                  stage_name(r->error.stage))
                      : xstrdup("No handshake messages were recorded.");
        hs_para(out, ctx->width, TR_DIM, s);
        free(s);
        return;
    }
    if (r->starttls.protocol && r->starttls.n_lines) { /* the dialogue came first (issue 12) */
        const struct starttls_report *s = &r->starttls;
        char *note =
            xasprintf("%s STARTTLS %s before the ladder: %zu line%s, %.3f to %.3f ms "
                      "(the STARTTLS pane, key 7)",
                      glyph(GL_INFO, ctx->utf8), s->protocol, s->n_lines,
                      s->n_lines == 1 ? "" : "s", s->lines[0].t_ms, s->lines[s->n_lines - 1].t_ms);
        hs_para(out, ctx->width, TR_DIM, note);
        free(note);
    }
    int bytes_w = hs_bytes_width(r), ladder = hs_ladder_width(ctx, bytes_w);
    hs_header(out, ladder, bytes_w);
    int conn = r->events[0].connection;
    for (size_t i = 0; i < r->n_events; i++) {
        if (r->events[i].connection != conn) {
            conn = r->events[i].connection;
            hs_separator(out, ctx, conn);
        }
        hs_row(out, ctx, i, ladder, bytes_w);
    }
    if (r->events_truncated) {
        struct doc_line *l = doc_line(out, -1);
        doc_text(l, TR_WARN, " %s later messages not recorded (limit %d)",
                 glyph(GL_ELLIPSIS, ctx->utf8), EVENT_MAX);
    }
    struct doc_line *l = doc_line(out, -1);
    doc_text(l, TR_DIM, " %zu message%s", r->n_events, r->n_events == 1 ? "" : "s");
    if (r->bytes_sent || r->bytes_received)
        doc_text(l, TR_DIM, ", %llu bytes sent, %llu received", (unsigned long long)r->bytes_sent,
                 (unsigned long long)r->bytes_received);
}

/* ---- the detail -------------------------------------------------------------------------- */

/* Whether event i uses the TLS 1.3 layout: the report's protocol is TLS 1.3 and the message
 * comes after a ServerHello of the same connection. */
static bool hs_tls13_at(const struct report *r, size_t i)
{
    bool tls13 =
        r->protocol_version == WIRE_TLS1_3 || (r->protocol && !strcmp(r->protocol, "TLSv1.3"));
    if (!tls13)
        return false;
    for (size_t j = 0; j < i; j++)
        if (r->events[j].connection == r->events[i].connection &&
            r->events[j].dir == DIR_RECEIVED && r->events[j].hs_type == WIRE_HS_SERVER_HELLO)
            return true;
    return false;
}

static void hs_detail_record(struct doc *d, const struct pane_ctx *ctx, const struct hs_event *ev)
{
    int w = ctx->width;
    char *s = xasprintf("%.3f ms after the TCP connect began, connection %d",
                        (double)ev->t_us / 1000.0, ev->connection);
    hs_field(d, w, "time", TR_TEXT, s);
    free(s);
    hs_field(d, w, "direction", TR_TEXT,
             ev->dir == DIR_SENT ? "sent by us (client)" : "received from the server");
    if (ev->record_type && ev->record_type != ev->content_type)
        s = xasprintf("%s (%d) inside an %s (%d) record%s", content_type_name(ev->content_type),
                      ev->content_type, content_type_name(ev->record_type), ev->record_type,
                      ev->record_type == 23 ? " [encrypted]" : "");
    else
        s = xasprintf("%s (%d)", content_type_name(ev->content_type), ev->content_type);
    hs_field(d, w, "record", TR_TEXT, s);
    free(s);
    if (ev->version) {
        char buf[WIRE_NAME_BUF];
        s = xasprintf("%s (0x%04X)", wire_version_name((uint16_t)ev->version, buf, sizeof(buf)),
                      (unsigned)ev->version);
        hs_field(d, w, "version", TR_DIM, s);
        free(s);
    }
}

static void hs_detail_decoded(struct doc *d, const struct pane_ctx *ctx, size_t i)
{
    const struct hs_event *ev = &ctx->r->events[i];
    if (hs_is_alert(ev)) {
        char *s = xasprintf("%s (%d), %s (%d)",
                            ev->alert_level == 2   ? "fatal"
                            : ev->alert_level == 1 ? "warning"
                                                   : "unknown level",
                            ev->alert_level, alert_name(ev->alert_desc), ev->alert_desc);
        hs_field(d, ctx->width, "alert", hs_role(ev), s);
        free(s);
        return;
    }
    if (ev->content_type != 22 || !ev->n_bytes)
        return;
    size_t n = 0;
    struct name_value *nv = wire_describe(ev->bytes, ev->n_bytes, hs_tls13_at(ctx->r, i), &n);
    for (size_t k = 0; k < n; k++)
        hs_field(d, ctx->width, nv[k].name, !strcmp(nv[k].name, "error") ? TR_WARN : TR_TEXT,
                 nv[k].value);
    wire_describe_free(nv, n);
}

static void hs_detail_hex(struct doc *d, const struct pane_ctx *ctx, const struct hs_event *ev)
{
    char n[32];
    hs_bytes(n, sizeof(n), ev->length);
    char *s = ev->truncated ? xasprintf("%s (the first %zu recorded)", n, ev->n_bytes) : xstrdup(n);
    hs_field(d, ctx->width, "bytes", ev->truncated ? TR_WARN : TR_TEXT, s);
    free(s);
    if (!ev->n_bytes)
        return;
    struct strbuf sb = {0};
    wire_hexdump(ev->bytes, ev->n_bytes, &sb);
    char *dump = sb_take(&sb);
    for (char *line = dump, *nl; line && *line; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *ascii = strstr(line, "  |");
        if (ascii && 2 + doc_width(line) > ctx->width) { /* narrow: the hex columns only */
            *ascii = '\0';
            while (ascii > line && ascii[-1] == ' ')
                *--ascii = '\0';
        }
        struct doc_line *l = doc_line(d, -1);
        doc_text(l, TR_TEXT, "  %s", line);
    }
    free(dump);
}

static void handshake_detail(void *state, const struct pane_ctx *ctx, int id, struct doc *out)
{
    (void)state;
    if (id < 0 || (size_t)id >= ctx->r->n_events)
        return;
    const struct hs_event *ev = &ctx->r->events[id];
    char *label = hs_label(ev);
    struct doc_line *l = doc_line(out, -1);
    doc_text(l, TR_TITLE, " %s", label);
    free(label);
    hs_detail_record(out, ctx, ev);
    hs_detail_decoded(out, ctx, (size_t)id);
    hs_detail_hex(out, ctx, ev);
}

static int handshake_badge(const struct pane_ctx *ctx)
{
    (void)ctx;
    return -1;
}

const struct pane_ops pane_handshake = {
    .name = "Handshake",
    .state_size = 0,
    .build = handshake_build,
    .detail = handshake_detail,
    .key = NULL,
    .done = NULL,
    .badge = handshake_badge,
};
