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

/* The JSON of the previous finished scan of this run, for d. */
static char *previous_scan;

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
        free(previous_scan);
        previous_scan = scan_render_json(ss->done, false);
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

static void build_versions(struct doc *d, const struct scan_report *r)
{
    doc_heading(d, "Protocols and cipher suites");
    for (int v = SCAN_VERSIONS - 1; v >= 0; v--) {
        const struct scan_proto *p = &r->protos[v];
        struct doc_line *l = doc_line(d, p->probe);
        doc_text(l, TR_TEXT, "%-9s ", scan_version_name((enum scan_version)v));
        doc_text(l, p->supported == TRI_YES ? (v <= SCAN_TLS11 ? TR_WARN : TR_OK) : TR_DIM, "%s",
                 p->supported == TRI_YES  ? "yes"
                 : p->supported == TRI_NO ? "no"
                                          : "...");
        if (p->n_suites)
            doc_text(l, TR_DIM, "  %zu suites, %s", p->n_suites,
                     tri(p->server_order, "server order", "client order"));
        if (p->error)
            doc_peer(l, TR_BAD, p->error);
        for (size_t i = 0; i < p->n_suites; i++) {
            const struct scan_suite *s = &p->suites[i];
            struct doc_line *sl = doc_line(d, s->probe);
            if (s->ssl2_spec) {
                const char *name, *ossl;
                int bits;
                wire_ssl2_spec_info(s->ssl2_spec, &name, &ossl, &bits);
                doc_text(sl, TR_WARN, "    %s", name);
                continue;
            }
            struct wire_suite_info in;
            wire_suite_info(s->code, &in);
            doc_text(sl, TR_DIM, "  %3s ", s->order ? "" : "");
            if (s->order)
                doc_text(sl, TR_DIM, "%2d ", s->order);
            doc_text(sl, in.aead && in.forward_secret ? TR_TEXT : TR_WARN, "%s", in.iana);
            doc_text(sl, TR_DIM, "  %s  %d bits", in.openssl ? in.openssl : "-", in.bits);
        }
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
    const struct scan_features *f = &r->features;
    doc_blank(d);
    doc_heading(d, "Features");
    doc_text(doc_line(d, f->probe_renegotiation), TR_TEXT, "  secure renegotiation  %s",
             tri(f->secure_renegotiation, "yes", "NO"));
    doc_text(doc_line(d, f->probe_compression), TR_TEXT, "  compression           %s",
             tri(f->compression, "ENABLED", "off"));
    doc_text(doc_line(d, f->probe_fallback), TR_TEXT, "  fallback SCSV         %s",
             tri(f->fallback_scsv, "honoured", "ignored"));
    doc_text(doc_line(d, f->probe_ems), TR_TEXT, "  extended master secret %s",
             tri(f->extended_master_secret, "yes", "no"));
    doc_text(doc_line(d, f->probe_pq), TR_TEXT, "  prefers post-quantum  %s",
             tri(f->pq_preferred, "yes", "no"));
    doc_blank(d);
    doc_heading(d, "Findings (%zu)", r->n_findings);
    for (size_t i = 0; i < r->n_findings; i++) {
        const struct scan_finding *fd = &r->findings[i];
        struct doc_line *l = doc_line(d, fd->probe);
        doc_text(l,
                 fd->severity >= SEV_HIGH     ? TR_BAD
                 : fd->severity >= SEV_MEDIUM ? TR_WARN
                                              : TR_DIM,
                 "  %-8s ", severity_name(fd->severity));
        doc_text(l, TR_TEXT, "%s", fd->title);
    }
}

static void build(struct scan_screen *ss)
{
    struct doc d = {0};
    const struct scan_report *r = report_of(ss);
    build_versions(&d, r);
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
        build(ss);
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
        {"S", "on a result: scan the server (the home screen: s on a target)"},
        {"Enter", "the evidence of an answer: the hello sent and the reply, decoded and in hex"},
        {"d", "compare with the previous scan of this run"},
        {"Esc", "cancel a running scan; back"},
    };
    doc_heading(d, "Scan screen");
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        struct doc_line *l = doc_line(d, -1);
        doc_text(l, TR_KEY, "%s", keys[i][0]);
        l->segs[l->n - 1].min_width = 18;
        doc_text(l, TR_TEXT, "%s", keys[i][1]);
    }
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

static void scan_screen_leave(struct screen *s, struct ui *ui)
{
    (void)s;
    (void)ui;
}

static const struct screen_ops scan_screen_ops = {
    .name = "scan",
    .draw = scan_screen_draw,
    .key = scan_screen_key,
    .leave = scan_screen_leave,
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
    ss->before = previous_scan ? xstrdup(previous_scan) : NULL;
    ss->poll = xcalloc(1, sizeof *ss->poll);
    struct scan_opts o = {.parallel = cfg->scan_parallel, .delay_ms = cfg->scan_delay_ms};
    char err[512];
    if (scan_new(ui->engine, cfg, &o, &ss->scan, err, sizeof err) < 0) {
        ui_status(ui, TR_BAD, "%s", err);
        scan_screen_free(&ss->base);
        return NULL;
    }
    snprintf(ss->target, sizeof ss->target, "%s:%u", cfg->host, cfg->port);
    ui->bg = (struct ui_bg){scan_bg_want, scan_bg_step, ss};
    scan_step(ss->scan, NULL);
    return &ss->base;
}
