/* The Scan screen (see scan_screen.h). The scan runs in the UI's own poll loop (ui->bg): its
 * descriptors are polled with the keyboard, and each step's answers show at the next frame. */
#include "ui/scan_screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare/scan_diff.h"
#include "render/scan.h"
#include "scan/scan.h"
#include "ui/core.h"
#include "util/mem.h"
#include "wire/suites.h"
#include "wire/wire.h"

struct scan_screen {
    struct screen base;
    struct ui *ui;
    struct scan *scan;        /* while running */
    struct scan_report *done; /* once finished or cancelled */
    struct scan_poll *poll;
    char *before; /* the previous scan of this run when this one started (JSON), or NULL */
    char target[300];
    enum { V_RESULTS, V_EVIDENCE, V_DIFF } mode;
    struct docview view, other; /* the results; the evidence or the comparison */
    struct rect view_r;
};

static const struct scan_report *report_of(const struct scan_screen *ss)
{
    return ss->done ? ss->done : scan_peek(ss->scan);
}

/* ---- the background task: the scan's descriptors in the UI's poll ---- */

static bool scan_bg_want(void *arg, struct pollfd *fds, size_t *n, size_t max, int64_t *dl)
{
    struct scan_screen *ss = arg;
    if (!ss->scan)
        return false;
    scan_want(ss->scan, ss->poll);
    size_t k = ss->poll->n < max ? ss->poll->n : max;
    memcpy(fds, ss->poll->fds, k * sizeof *fds);
    *n = k;
    *dl = ss->poll->deadline_us;
    return true;
}

static void scan_finish(struct ui *ui, struct scan_screen *ss)
{
    ss->done = scan_take_report(ss->scan);
    scan_free(ss->scan);
    ss->scan = NULL;
    ui->bg = (struct ui_bg){0};
    if (!ss->done->cancelled) {
        free(ui->last_scan);
        ui->last_scan = scan_render_json(ss->done, false);
    }
    ui_status(ui, ss->done->cancelled ? TR_WARN : TR_OK, "scan %s: %zu probes, %u connections",
              ss->done->cancelled ? "cancelled" : "done", ss->done->n_probes,
              ss->done->connections);
}

static void scan_bg_step(void *arg, struct ui *ui, const struct pollfd *fds, size_t n)
{
    struct scan_screen *ss = arg;
    if (!ss->scan)
        return;
    for (size_t i = 0; i < n && i < ss->poll->n; i++)
        ss->poll->fds[i].revents = fds[i].revents;
    if (!scan_step(ss->scan, ss->poll))
        scan_finish(ui, ss);
}

/* ---- the document ---- */

static const char *tri(enum tristate t, const char *yes, const char *no)
{
    return t == TRI_YES ? yes : t == TRI_NO ? no : "-";
}

/* What is wrong with a suite, for its row: "" when nothing (AEAD with forward secrecy). */
static const char *suite_flaw(const struct wire_suite_info *in, enum theme_role *role)
{
    *role = TR_BAD;
    if (in->null_cipher)
        return "no encryption";
    if (in->anonymous)
        return "anonymous";
    if (in->exportable)
        return "EXPORT";
    if (!strcmp(in->enc, "RC4"))
        return "RC4";
    if (!strcmp(in->enc, "DES"))
        return "DES";
    *role = TR_WARN;
    if (!strcmp(in->enc, "3DES"))
        return "3DES";
    if (!in->aead && !in->forward_secret)
        return "CBC, no FS";
    if (!in->aead)
        return "CBC";
    if (!in->forward_secret)
        return "no FS";
    *role = TR_TEXT;
    return "";
}

/* The versions a suite matrix shows (SSLv3 to TLS 1.3; SSLv2's specs are listed apart). */
#define MATRIX_FIRST SCAN_SSL3

/* The suites of every version, once each: TLS 1.3's, then the newest version's in its order,
 * then what only older versions accept. */
static size_t matrix_rows(const struct scan_report *r, uint16_t *rows, size_t max)
{
    size_t n = 0;
    for (int v = SCAN_VERSIONS - 1; v >= MATRIX_FIRST; v--)
        for (size_t i = 0; i < r->protos[v].n_suites; i++) {
            uint16_t code = r->protos[v].suites[i].code;
            bool seen = false;
            for (size_t k = 0; k < n && !seen; k++)
                seen = rows[k] == code;
            if (!seen && n < max)
                rows[n++] = code;
        }
    return n;
}

static const struct scan_suite *suite_in(const struct scan_proto *p, uint16_t code)
{
    for (size_t i = 0; i < p->n_suites; i++)
        if (p->suites[i].code == code)
            return &p->suites[i];
    return NULL;
}

static void build_versions(struct doc *d, const struct scan_report *r, int width)
{
    doc_heading(d, "Protocols");
    for (int v = SCAN_VERSIONS - 1; v >= 0; v--) {
        const struct scan_proto *p = &r->protos[v];
        struct doc_line *l = doc_line(d, p->probe);
        bool old = v <= SCAN_TLS11;
        doc_text(l, TR_TEXT, "  %-9s ", scan_version_name((enum scan_version)v));
        doc_text(l,
                 p->supported == TRI_YES ? (old ? (v <= SCAN_SSL3 ? TR_BAD : TR_WARN) : TR_OK)
                                         : TR_DIM,
                 "%-4s",
                 p->supported == TRI_YES  ? "yes"
                 : p->supported == TRI_NO ? "no"
                                          : "...");
        if (p->n_suites)
            doc_text(l, TR_DIM, " %3zu %s, %s", p->n_suites,
                     v == SCAN_SSL2 ? "cipher specs" : "suites",
                     tri(p->server_order, "server's order", "client's order"));
        if (p->error)
            doc_peer(l, TR_BAD, p->error);
    }
    /* the matrix: a row per suite, a column per version; the cell is the server's order
     * (when it has one) or a tick */
    uint16_t rows[512];
    size_t n = matrix_rows(r, rows, sizeof rows / sizeof rows[0]);
    int cols[SCAN_VERSIONS], ncols = 0; /* only the versions that accept suites */
    for (int v = MATRIX_FIRST; v < SCAN_VERSIONS; v++)
        if (r->protos[v].n_suites)
            cols[ncols++] = v;
    if (n) {
        /* IANA names when every one fits, else OpenSSL's (shorter) for all that have one */
        int iana_w = 0, ossl_w = 0, room = width - 2 - ncols * 8 - 6 - 12;
        for (size_t i = 0; i < n; i++) {
            struct wire_suite_info in;
            wire_suite_info(rows[i], &in);
            int w = doc_width(in.iana), o = in.openssl ? doc_width(in.openssl) : w;
            iana_w = w > iana_w ? w : iana_w;
            ossl_w = o > ossl_w ? o : ossl_w;
        }
        bool iana = iana_w <= room;
        int name_w = iana ? iana_w : ossl_w < room ? ossl_w : room < 20 ? 20 : room;
        doc_blank(d);
        doc_heading(d, "Cipher suites (a number: the server's order)");
        struct doc_line *h = doc_line(d, -1);
        doc_text(h, TR_DIM, "  %-*s", name_w, iana ? "suite (IANA name)" : "suite (OpenSSL name)");
        for (int k = 0; k < ncols; k++)
            doc_text(h, TR_DIM, " %7s", scan_version_name((enum scan_version)cols[k]));
        doc_text(h, TR_DIM, "  bits");
        for (size_t i = 0; i < n; i++) {
            struct wire_suite_info in;
            wire_suite_info(rows[i], &in);
            enum theme_role role;
            const char *flaw = suite_flaw(&in, &role);
            char *fit = doc_fit(!iana && in.openssl ? in.openssl : in.iana, name_w, "…");
            int probe = -1;
            for (int k = ncols - 1; k >= 0 && probe < 0; k--) {
                const struct scan_suite *s = suite_in(&r->protos[cols[k]], rows[i]);
                probe = s ? s->probe : -1;
            }
            struct doc_line *l = doc_line(d, probe);
            doc_text(l, role, "  %-*s", name_w, fit);
            free(fit);
            for (int k = 0; k < ncols; k++) {
                const struct scan_suite *s = suite_in(&r->protos[cols[k]], rows[i]);
                /* printf pads bytes: the marks are multi-byte, so pad them by hand */
                if (!s)
                    doc_text(l, TR_DIM, "       ·");
                else if (s->order)
                    doc_text(l, TR_TEXT, " %7d", s->order);
                else
                    doc_text(l, TR_OK, "       ✔");
            }
            doc_text(l, TR_DIM, "  %4d", in.bits);
            if (*flaw)
                doc_text(l, role, "  %s", flaw);
        }
    }
    const struct scan_proto *p2 = &r->protos[SCAN_SSL2];
    for (size_t i = 0; i < p2->n_suites; i++) {
        const char *name, *ossl;
        int bits;
        wire_ssl2_spec_info(p2->suites[i].ssl2_spec, &name, &ossl, &bits);
        doc_text(doc_line(d, p2->suites[i].probe), TR_BAD, "  SSLv2 %s  %d bits", name, bits);
    }
}

/* One feature row: the label, then the answer in good_role when it is the good one. */
static void feature(struct doc *d, int probe, const char *label, enum tristate t, bool yes_good,
                    const char *yes, const char *no)
{
    struct doc_line *l = doc_line(d, probe);
    doc_text(l, TR_DIM, "  %-26s", label);
    bool good = (t == TRI_YES) == yes_good;
    doc_text(l, t == TRI_NA ? TR_DIM : good ? TR_OK : TR_WARN, "%s", tri(t, yes, no));
}

static void build_features(struct doc *d, const struct scan_features *f)
{
    doc_blank(d);
    doc_heading(d, "Features");
    feature(d, f->probe_renegotiation, "secure renegotiation", f->secure_renegotiation, true, "yes",
            "no (insecure)");
    feature(d, f->probe_compression, "TLS compression", f->compression, false, "enabled (CRIME)",
            "off");
    feature(d, f->probe_fallback, "fallback SCSV", f->fallback_scsv, true, "honoured", "ignored");
    feature(d, f->probe_tickets, "session tickets", f->session_tickets, true, "issued", "none");
    feature(d, f->probe_resumption, "session resumption", f->session_resumption, true, "yes", "no");
    feature(d, f->probe_ocsp, "OCSP stapling", f->ocsp_stapling, true, "stapled", "no staple");
    feature(d, f->probe_ems, "extended master secret", f->extended_master_secret, true, "yes",
            "no");
    feature(d, f->probe_middlebox, "TLS 1.3 middlebox compat", f->tls13_middlebox_compat, true,
            "yes", "no");
    feature(d, f->probe_large_hello, "hellos over 512 bytes", f->large_hello_tolerant, true,
            "accepted", "refused (intolerant)");
    feature(d, f->probe_pq, "prefers post-quantum", f->pq_preferred, true, "yes", "no");
    struct doc_line *l = doc_line(d, -1);
    doc_text(l, TR_DIM, "  %-26s", "ALPN");
    if (f->alpn.len) {
        char *j = strlist_join(&f->alpn, ", ");
        doc_peer(l, TR_TEXT, j);
        free(j);
    } else {
        doc_text(l, TR_DIM, "none accepted");
    }
    if (f->dh_bits) {
        l = doc_line(d, f->probe_dh);
        doc_text(l, TR_DIM, "  %-26s", "DHE parameters");
        doc_text(l, f->dh_bits < 2048 ? TR_WARN : TR_OK, "%d bits%s", f->dh_bits,
                 f->dh_bits < 2048 ? " (Logjam: use 2048 or more)" : "");
    }
}

static void build_rest(struct doc *d, const struct scan_report *r)
{
    char buf[WIRE_NAME_BUF];
    doc_blank(d);
    doc_heading(d, "Groups (%s)", tri(r->groups_server_order, "server preference", "client"));
    for (size_t i = 0; i < r->n_groups; i++) {
        struct doc_line *l = doc_line(d, r->groups[i].probe);
        doc_text(l, TR_TEXT, "  %-24s %s%s", wire_group_name(r->groups[i].code, buf, sizeof buf),
                 r->groups[i].tls13 ? "TLS 1.3 " : "", r->groups[i].tls12 ? "TLS 1.2" : "");
    }
    doc_blank(d);
    doc_heading(d, "Signature algorithms");
    for (size_t i = 0; i < r->n_sigalgs; i++)
        doc_text(doc_line(d, r->sigalgs[i].probe), TR_TEXT, "  %s",
                 wire_sigalg_name(r->sigalgs[i].code, buf, sizeof buf));
    doc_blank(d);
    doc_heading(d, "Certificates");
    for (size_t i = 0; i < r->n_certs; i++) {
        struct doc_line *l = doc_line(d, r->certs[i].probe);
        const struct report *f = r->certs[i].full;
        doc_peer(l, TR_TEXT, r->certs[i].kind);
        doc_text(l, TR_DIM, "  ");
        doc_peer(l, TR_TEXT, f->n_sent ? f->sent[0].subject : "");
        doc_text(l, f->verify_ok ? TR_OK : TR_WARN, "  %s",
                 f->verify_ok ? "verified" : "not verified");
    }
    build_features(d, &r->features);
    doc_blank(d);
    doc_heading(d, "Findings (%zu)", r->n_findings);
    for (int sev = SEV_CRITICAL; sev >= SEV_INFO; sev--) /* the worst first */
        for (size_t i = 0; i < r->n_findings; i++) {
            const struct scan_finding *fd = &r->findings[i];
            if ((int)fd->severity != sev)
                continue;
            struct doc_line *l = doc_line(d, fd->probe);
            doc_text(l,
                     fd->severity >= SEV_HIGH     ? TR_BAD
                     : fd->severity >= SEV_MEDIUM ? TR_WARN
                                                  : TR_DIM,
                     "  %-8s ", severity_name(fd->severity));
            doc_text(l, TR_TEXT, "%s", fd->title);
        }
}

static void build(struct scan_screen *ss, int width)
{
    struct doc d = {0};
    const struct scan_report *r = report_of(ss);
    build_versions(&d, r, width);
    build_rest(&d, r);
    docview_set(&ss->view, &d);
}

static void show_text(struct scan_screen *ss, const char *text)
{
    struct doc d = {0};
    doc_lines(&d, TR_TEXT, text, true);
    docview_set(&ss->other, &d);
    ss->other.top = ss->other.sel = 0;
}

/* ---- drawing and keys ---- */

static void scan_screen_draw(struct screen *s, struct ui *ui)
{
    struct scan_screen *ss = (struct scan_screen *)s;
    struct term *t = &ui->term;
    char title[400];
    snprintf(title, sizeof title, "Scan  %s", ss->target);
    ui_draw_title(ui, 0, title, "? help  q quit");
    char line[200];
    if (ss->scan) {
        struct scan_progress pr;
        scan_get_progress(ss->scan, &pr);
        snprintf(line, sizeof line, " scanning: %u of %u probes, %u connections%s", pr.done,
                 pr.planned, pr.connections, pr.throttled ? ", throttled" : "");
    } else {
        snprintf(line, sizeof line, " %s: %zu probes, %u connections, %.0f ms%s",
                 ss->done->cancelled ? "cancelled" : "done", ss->done->n_probes,
                 ss->done->connections, ss->done->elapsed_ms,
                 ss->done->throttle.retries ? ", throttled" : "");
    }
    term_put(t, 1, 1, t->cols - 2, ss->scan ? TR_WARN : TR_OK, line);
    term_hline(t, 2, 0, t->cols, NULL);
    if (ss->mode == V_RESULTS)
        build(ss, t->cols);
    ss->view_r = (struct rect){3, 0, t->rows - 5, t->cols};
    struct docview *v = ss->mode == V_RESULTS ? &ss->view : &ss->other;
    v->focus = ss->mode == V_RESULTS;
    docview_draw(v, t, ss->view_r);
    ui_draw_bottom(ui, ss->mode != V_RESULTS ? "Up/Dn scroll  Esc back"
                       : ss->scan            ? "Enter evidence  Esc cancel"
                                             : "Enter evidence  d compare  Esc back");
}

static bool scan_screen_key(struct screen *s, struct ui *ui, int key, enum ui_action a)
{
    struct scan_screen *ss = (struct scan_screen *)s;
    int page = ss->view_r.h > 0 ? ss->view_r.h : 1;
    if (ss->mode != V_RESULTS) {
        if (a == ACT_BACK)
            ss->mode = V_RESULTS;
        else if (a == ACT_QUIT || a == ACT_HELP)
            return false;
        else
            docview_action(&ss->other, a, page);
        return true;
    }
    if (docview_action(&ss->view, a, page))
        return true;
    if (a == ACT_BACK && ss->scan) {
        scan_cancel(ss->scan);
        scan_finish(ui, ss);
    } else if (a == ACT_BACK) {
        ui_pop(ui, &(struct outcome){.kind = OUT_BACK});
    } else if (a == ACT_ENTER) {
        int id = docview_selected_id(&ss->view);
        if (id < 0)
            return true;
        char *text = scan_render_probe(report_of(ss), id);
        show_text(ss, text);
        free(text);
        ss->mode = V_EVIDENCE;
    } else if (key == 'd' && !ss->scan) {
        struct scan_diff df;
        char err[256], *mine = scan_render_json(ss->done, false);
        if (!ss->before) {
            ui_status(ui, TR_DIM, "no earlier scan in this run to compare with");
        } else if (scan_diff_json(ss->before, mine, &df, err, sizeof err) == 0) {
            char *text = scan_diff_render(&df, false, false);
            show_text(ss, text);
            free(text);
            scan_diff_free(&df);
            ss->mode = V_DIFF;
        }
        free(mine);
    } else {
        return false;
    }
    return true;
}

void scan_screen_help(struct doc *d)
{
    static const char *const keys[][2] = {
        {"S", "on a result: scan the server (the home screen: S on a demo or recent target)"},
        {"Enter", "the evidence of an answer: the hello sent and the reply, decoded and in hex"},
        {"d", "compare with the previous scan of this run"},
        {"Esc", "cancel a running scan; back"},
    };
    doc_heading(d, "Scan screen");
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        doc_key_line(d, keys[i][0], keys[i][1]);
}

static void scan_screen_free(struct screen *s)
{
    struct scan_screen *ss = (struct scan_screen *)s;
    if (ss->ui && ss->ui->bg.arg == ss)
        ss->ui->bg = (struct ui_bg){0}; /* the poll loop stops driving it */
    if (ss->scan) {
        scan_cancel(ss->scan);
        scan_report_free(scan_take_report(ss->scan));
        scan_free(ss->scan);
    }
    scan_report_free(ss->done);
    docview_free(&ss->view);
    docview_free(&ss->other);
    free(ss->poll);
    free(ss->before);
    free(ss);
}

static const struct screen_ops scan_screen_ops = {
    .name = "scan",
    .draw = scan_screen_draw,
    .key = scan_screen_key,
    .free = scan_screen_free,
};

struct screen *scan_screen_new(struct ui *ui, const struct tls_config *cfg)
{
    if (ui->bg.step) {
        ui_status(ui, TR_WARN, "a scan is already running");
        return NULL;
    }
    struct scan_screen *ss = xcalloc(1, sizeof *ss);
    ss->base.ops = &scan_screen_ops;
    ss->ui = ui;
    ss->before = ui->last_scan ? xstrdup(ui->last_scan) : NULL;
    ss->poll = xcalloc(1, sizeof *ss->poll);
    struct scan_opts o = {.parallel = cfg->scan_parallel, .delay_ms = cfg->scan_delay_ms};
    char err[512];
    if (scan_new(ui->engine, cfg, &o, &ss->scan, err, sizeof err) < 0) {
        ui_status(ui, TR_BAD, "%s", err);
        scan_screen_free(&ss->base);
        return NULL;
    }
    bool dialogue = cfg->starttls && strcmp(cfg->starttls, "none") && strcmp(cfg->starttls, "auto");
    snprintf(ss->target, sizeof ss->target, "%s:%u%s%s", cfg->host, cfg->port,
             dialogue ? " · STARTTLS " : "", dialogue ? cfg->starttls : "");
    ui->bg = (struct ui_bg){scan_bg_want, scan_bg_step, ss};
    scan_step(ss->scan, NULL);
    return &ss->base;
}
