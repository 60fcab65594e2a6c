/* The result screen: title, verdict, weakened-verification warning, the pane tabs, the pane
 * (a list with the selected line's detail below it, or the detail full screen), reconnecting;
 * `e` pushes the editor and `d` the compare screen, and learn how they ended on resume. */
#include "ui/result.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ui/chaincheck.h"
#include "ui/diff_screen.h"
#include "ui/scan_screen.h"
#include "ui/editor.h"
#include "ui/result_int.h"
#include "ui/term_ext.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/punycode.h"
#include "util/sanitize.h"
#include "util/strbuf.h"

static const struct pane_ops *const result_panes[PANE_COUNT] = {
    &pane_summary,  &pane_handshake, &pane_negotiation, &pane_certificates,
    &pane_findings, &pane_raw,       &pane_starttls,
};

static struct pane_ctx result_ctx(const struct result *res, const struct ui *ui)
{
    return (struct pane_ctx){
        .r = res->report,
        .profile = res->profile[0] ? res->profile : NULL,
        .utf8 = ui->term.utf8,
        .width = ui->term.cols,
    };
}

static void result_invalidate(struct result *res)
{
    for (int i = 0; i < PANE_COUNT; i++)
        res->built[i] = false;
    res->detail_id = -1;
}

static void result_clear(struct result *res)
{
    for (int i = 0; i < PANE_COUNT; i++) {
        if (res->state[i] && result_panes[i]->done)
            result_panes[i]->done(res->state[i]);
        free(res->state[i]);
        docview_free(&res->list[i]);
    }
    docview_free(&res->detail);
    config_free(&res->cfg); /* the report belongs to ui->visits */
    res->report = NULL;
    memset(res->state, 0, sizeof res->state);
    memset(res->list, 0, sizeof res->list);
    memset(&res->detail, 0, sizeof res->detail);
    memset(res->built, 0, sizeof res->built);
    res->built_width = 0;
    res->detail_title[0] = '\0';
    res->detail_full = false;
    res->detail_id = -1;
}

/* Whether pane i has anything for the report shown (a hidden pane has no tab). */
static bool result_pane_shown(const struct result *res, int i)
{
    const struct pane_ops *ops = result_panes[i];
    return !ops->shown || (res->report && ops->shown(res->report));
}

/* Shows a finished connection (takes dr->cfg's contents); keep_pane: on the pane shown. */
static void result_show(struct result *res, struct dial_result *dr, bool keep_pane)
{
    int pane = keep_pane && res->report ? res->pane : 0;
    result_clear(res);
    res->report = dr->report;
    res->seq = dr->seq;
    res->cfg = dr->cfg;
    memset(&dr->cfg, 0, sizeof dr->cfg);
    res->target = dr->target;
    snprintf(res->profile, sizeof res->profile, "%s", dr->label);
    res->pane = result_pane_shown(res, pane) ? pane : 0;
    for (int i = 0; i < PANE_COUNT; i++) {
        size_t sz = result_panes[i]->state_size;
        res->state[i] = xcalloc(1, sz ? sz : 1);
    }
}

void result_dialed(struct ui *ui, void *ctx, struct dial_result *dr)
{
    (void)ui;
    result_show(ctx, dr, true);
}

/* Moves a detail's leading heading (its first non-blank line, all in TR_TITLE) onto the rule
 * above it: the rule then names what is shown without repeating it. */
static void result_take_heading(struct result *res, struct doc *d)
{
    size_t i = 0;
    while (i < d->n && d->lines[i].n == 0)
        i++;
    res->detail_title[0] = '\0';
    if (i >= d->n || d->lines[i].n == 0)
        return;
    for (size_t s = 0; s < d->lines[i].n; s++)
        if (d->lines[i].segs[s].role != TR_TITLE)
            return;
    char *plain = doc_line_plain(&d->lines[i]);
    const char *p = plain + strspn(plain, " ");
    snprintf(res->detail_title, sizeof res->detail_title, "%s", p);
    free(plain);
    /* Free the heading and the blank lines before it; keep the rest in order. */
    for (size_t k = 0; k <= i; k++) {
        for (size_t s = 0; s < d->lines[k].n; s++)
            free(d->lines[k].segs[s].text);
        free(d->lines[k].segs);
    }
    memmove(d->lines, d->lines + i + 1, (d->n - i - 1) * sizeof *d->lines);
    d->n -= i + 1;
}

/* Builds the current pane's list for the current width, and the detail of its selection. */
void result_build(struct result *res, struct ui *ui)
{
    if (res->built_width != ui->term.cols) {
        result_invalidate(res);
        res->built_width = ui->term.cols;
    }
    const struct pane_ops *ops = result_panes[res->pane];
    struct pane_ctx ctx = result_ctx(res, ui);
    if (!res->built[res->pane]) {
        struct doc d = {0};
        ops->build(res->state[res->pane], &ctx, &d);
        docview_set(&res->list[res->pane], &d);
        res->built[res->pane] = true;
        res->detail_id = -1;
    }
    int id = docview_selected_id(&res->list[res->pane]);
    if (ops->detail && id >= 0 && id != res->detail_id) {
        struct doc d = {0};
        ops->detail(res->state[res->pane], &ctx, id, &d);
        result_take_heading(res, &d);
        docview_free(&res->detail);
        docview_set(&res->detail, &d);
        res->detail_id = id;
    }
    if (!ops->detail || id < 0)
        res->detail_full = false;
}

static bool result_has_detail(const struct result *res)
{
    return result_panes[res->pane]->detail && docview_selected_id(&res->list[res->pane]) >= 0;
}

/* Lists whose lines are the point (the ladder, the chain, the findings) show the selected
 * line's detail below them; the Summary already explains its lines inline, so its detail
 * opens full screen with Enter only. */
static bool result_split(const struct result *res)
{
    return result_has_detail(res) && result_panes[res->pane] != &pane_summary;
}

/* To pane; step 0: that pane or none (a hidden one), ±1: the next shown one that way. */
static void result_switch(struct result *res, int pane, int step)
{
    pane = (pane % PANE_COUNT + PANE_COUNT) % PANE_COUNT;
    for (int n = 0; !result_pane_shown(res, pane); n++) {
        if (step == 0 || n == PANE_COUNT)
            return;
        pane = ((pane + step) % PANE_COUNT + PANE_COUNT) % PANE_COUNT;
    }
    res->pane = pane;
    res->detail_full = false;
    res->detail_id = -1;
}

/* ---- drawing ---- */

static void result_draw_title(struct result *res, struct ui *ui)
{
    const struct report *r = res->report;
    struct strbuf sb = {0};
    if (r->check) { /* issue 13: a chain file */
        sb_printf(&sb, "tlscope — check %s", r->check->file ? r->check->file : "?");
        if (r->check->name)
            sb_printf(&sb, " for %s", r->check->name);
        if (r->check->key_source)
            sb_printf(&sb, " · key %s", r->check->key_source);
        char *safe = sanitize_terminal(sb.buf);
        ui_draw_title(ui, 0, safe, "? help  q quit");
        free(safe);
        sb_free(&sb);
        return;
    }
    bool v6 = r->host && strchr(r->host, ':');
    sb_printf(&sb, "tlscope — %s%s%s:%u", v6 ? "[" : "", r->host ? r->host : "?", v6 ? "]" : "",
              (unsigned)r->port);
    char uni[512];
    if (r->host && ui->term.utf8 && idna_to_unicode(r->host, uni, sizeof uni) == 1)
        sb_printf(&sb, " (%s)", uni); /* an international name: both forms */
    if (r->address && (!r->host || strcmp(r->address, r->host) != 0))
        sb_printf(&sb, " %s %s", ui->term.utf8 ? "→" : "->", r->address);
    if (res->profile[0])
        sb_printf(&sb, " · profile %s", res->profile);
    char *safe = sanitize_terminal(sb.buf);
    ui_draw_title(ui, 0, safe, "? help  q quit");
    free(safe);
    sb_free(&sb);
}

static char *result_facts(const struct report *r)
{
    struct strbuf sb = {0};
    if (!r->ok) {
        sb_printf(&sb, "%s: %s", stage_name(r->error.stage),
                  r->error.message ? r->error.message : "no TLS session");
    } else {
        sb_printf(&sb, "%s", r->protocol ? r->protocol : "?");
        const char *cipher = r->cipher_iana ? r->cipher_iana : r->cipher_name;
        if (cipher)
            sb_printf(&sb, " · %s", cipher);
        if (r->group)
            sb_printf(&sb, " · %s", r->group);
        if (r->alpn)
            sb_printf(&sb, " · %s", r->alpn);
    }
    if (r->total_ms >= 0)
        sb_printf(&sb, " · %.1f ms", r->total_ms);
    char *safe = sanitize_terminal(sb.buf ? sb.buf : "");
    sb_free(&sb);
    return safe;
}

static void result_draw_verdict(struct result *res, struct ui *ui, int y)
{
    const struct report *r = res->report;
    struct term *t = &ui->term;
    if (r->check) { /* issue 13: ready to deploy, or not */
        size_t problems = 0;
        for (size_t i = 0; i < r->n_findings; i++)
            problems += r->findings[i].severity >= SEV_MEDIUM;
        bool ok = r->check->ready;
        char *badge =
            xasprintf(" %s %s ", glyph(ok ? GL_OK : GL_BAD, t->utf8), ok ? "READY" : "NOT READY");
        int x =
            1 + term_put_ex(t, y, 1, t->cols - 2, ok ? TR_OK : TR_BAD, TF_REVERSE | TF_BOLD, badge);
        char *facts =
            xasprintf("%s · %zu certificate%s · %zu problem%s", r->check->format, r->n_sent,
                      r->n_sent == 1 ? "" : "s", problems, problems == 1 ? "" : "s");
        term_put(t, y, x + 2, t->cols - x - 3, TR_TEXT, facts);
        free(facts);
        free(badge);
        return;
    }
    enum verdict v = report_verdict(r);
    enum theme_role role = v == VERDICT_VERIFIED ? TR_OK : v == VERDICT_WARNINGS ? TR_WARN : TR_BAD;
    enum glyph g = v == VERDICT_VERIFIED ? GL_OK : v == VERDICT_WARNINGS ? GL_WARN : GL_BAD;
    const char *word = verdict_label(v);
    char *badge = xasprintf(" %s %s ", glyph(g, t->utf8), word);
    int x = 1 + term_put_ex(t, y, 1, t->cols - 2, role, TF_REVERSE | TF_BOLD, badge);
    char *facts = result_facts(r);
    term_put(t, y, x + 2, t->cols - x - 3, TR_TEXT, facts);
    free(facts);
    free(badge);
}

/* "⚠ in effect: verification off · hostname check off" (each phrase up to its ':'; the key
 * log's phrase whole, as K left it: "session keys written to FILE"). */
static void result_draw_weakened(struct ui *ui, int y, const struct strlist *w)
{
    struct strbuf sb = {0};
    sb_printf(&sb, "%s in effect: ", glyph(GL_WARN, ui->term.utf8));
    for (size_t i = 0; i < w->len; i++) {
        const char *colon = strchr(w->items[i], ':');
        bool keylog = strncmp(w->items[i], "session keys ", 13) == 0;
        size_t n = colon && !keylog ? (size_t)(colon - w->items[i]) : strlen(w->items[i]);
        if (i)
            sb_puts(&sb, " · ");
        sb_add(&sb, w->items[i], n);
    }
    char *safe = sanitize_terminal(sb.buf);
    term_put(&ui->term, y, 1, ui->term.cols - 2, TR_WARN, safe);
    free(safe);
    sb_free(&sb);
}

static void result_draw_tabs(struct result *res, struct ui *ui, int y)
{
    struct term *t = &ui->term;
    struct pane_ctx ctx = result_ctx(res, ui);
    char *labels[PANE_COUNT];
    int total = 0;
    /* pass 0: every badge; 1: the current pane's and the findings'; 2: the other panes' names
     * cut to 4 columns too (seven tabs at 80 columns, with the STARTTLS one) */
    for (int pass = 0; pass < 3; pass++) {
        total = 0;
        for (int i = 0; i < PANE_COUNT; i++) {
            const struct pane_ops *ops = result_panes[i];
            if (!result_pane_shown(res, i)) {
                labels[i] = NULL;
                continue;
            }
            int badge = ops->badge ? ops->badge(&ctx) : -1;
            bool show = badge >= 0 && (pass == 0 || i == res->pane || ops == &pane_findings);
            int cut = pass == 2 && i != res->pane ? 4 : 64;
            labels[i] = show ? xasprintf("%d %.*s (%d)", i + 1, cut, ops->name, badge)
                             : xasprintf("%d %.*s", i + 1, cut, ops->name);
            total += doc_width(labels[i]) + 2;
        }
        if (total <= t->cols - 1 || pass == 2)
            break;
        for (int i = 0; i < PANE_COUNT; i++)
            free(labels[i]);
    }
    int x = 1;
    for (int i = 0; i < PANE_COUNT; i++) {
        res->tab_x[i] = res->tab_w[i] = 0;
        if (!labels[i])
            continue; /* a hidden pane: no tab, no click */
        bool on = i == res->pane;
        char *text = xasprintf(on ? "[%s]" : " %s ", labels[i]);
        res->tab_x[i] = x;
        res->tab_w[i] =
            term_put_ex(t, y, x, t->cols - x, on ? TR_TITLE : TR_TEXT, on ? TF_BOLD : 0, text);
        x += res->tab_w[i];
        free(text);
        free(labels[i]);
    }
    res->tab_y = y;
}

/* The rule's title: the detail's heading, else the selected line's text, trimmed. */
static char *result_detail_title(const struct result *res)
{
    if (res->detail_title[0])
        return xstrdup(res->detail_title);
    const struct docview *v = &res->list[res->pane];
    char *plain = v->sel < v->doc.n ? doc_line_plain(&v->doc.lines[v->sel]) : xstrdup("");
    char *p = plain + strspn(plain, " ");
    size_t n = strlen(p);
    while (n > 0 && p[n - 1] == ' ')
        p[--n] = '\0';
    char *out = xstrdup(p);
    free(plain);
    return out;
}

static void result_draw_pane(struct result *res, struct ui *ui, int top, int h)
{
    struct term *t = &ui->term;
    struct docview *list = &res->list[res->pane];
    if (res->detail_full) {
        char *title = result_detail_title(res);
        term_hline(t, top, 0, t->cols, title);
        free(title);
        res->detail_r = (struct rect){top + 1, 0, h - 1, t->cols};
        res->list_r = (struct rect){0, 0, 0, 0};
        res->detail.focus = false;
        docview_draw(&res->detail, t, res->detail_r);
        return;
    }
    if (!result_split(res)) {
        res->list_r = (struct rect){top, 0, h, t->cols};
        res->detail_r = (struct rect){0, 0, 0, 0};
        list->focus = true;
        docview_draw(list, t, res->list_r);
        return;
    }
    int dh = h * 2 / 5;
    int lh = h - dh - 1;
    res->list_r = (struct rect){top, 0, lh, t->cols};
    list->focus = true;
    docview_draw(list, t, res->list_r);
    char *title = result_detail_title(res);
    term_hline(t, top + lh, 0, t->cols, title);
    free(title);
    res->detail_r = (struct rect){top + lh + 1, 0, dh, t->cols};
    res->detail.focus = false;
    docview_draw(&res->detail, t, res->detail_r);
}

static const char *result_hints(const struct result *res, const struct ui *ui)
{
    bool u = ui->term.utf8;
    if (res->detail_full)
        return u ? "↑↓ scroll  Esc back  / search  n next"
                 : "Up/Dn scroll  Esc back  / search  n next";
    if (res->pane == 3 && res->report->check)
        return u ? "↑↓ select  Enter open  y copy  m match a key  x export  X fullchain  h home"
                 : "Up/Dn select  Enter open  y copy  m match a key  x export  X fullchain  h home";
    if (res->pane == 3)
        return u ? "↑↓ select  Enter open  y copy  f check fullchain  x export  X fullchain  h home"
                 : "Up/Dn select  Enter open  y copy  f check fullchain  x export  X fullchain  "
                   "h home";
    if (res->report->check) /* a chain file: r reads it again, m with a key */
        return u ? "↑↓ move  Tab pane  r check again  m match a key  h home  / search"
                 : "Up/Dn move  Tab pane  r check again  m match a key  h home  / search";
    if (result_has_detail(res))
        return u ? "↑↓ select  Enter open  Tab pane  r reconnect  p profile  h home  / search"
                 : "Up/Dn select  Enter open  Tab pane  r reconnect  p profile  h home  / search";
    return u ? "↑↓ scroll  Tab pane  r reconnect  d diff  p profile  h home  / search"
             : "Up/Dn scroll  Tab pane  r reconnect  d diff  p profile  h home  / search";
}

static void result_draw(struct screen *s, struct ui *ui)
{
    struct result *res = (struct result *)s;
    struct term *t = &ui->term;
    result_build(res, ui);
    result_draw_title(res, ui);
    result_draw_verdict(res, ui, 1);
    int y = 2;
    struct strlist weak = {0};
    visits_in_effect(&res->report->effective.weakened, ui_keylog_file(ui), &weak);
    if (weak.len)
        result_draw_weakened(ui, y++, &weak);
    strlist_free(&weak);
    result_draw_tabs(res, ui, y++);
    result_draw_pane(res, ui, y, t->rows - 2 - y);
    ui_draw_bottom(ui, result_hints(res, ui));
    if (res->picker)
        result_picker_draw(res, ui);
}

/* ---- keys and mouse ---- */

struct docview *result_view(struct result *res)
{
    return res->detail_full ? &res->detail : &res->list[res->pane];
}

static int result_page(const struct result *res)
{
    struct rect r = res->detail_full ? res->detail_r : res->list_r;
    return r.h > 0 ? r.h : 1;
}

static void result_reconnect(struct result *res, struct ui *ui)
{
    if (res->report->check) { /* issue 13: a chain file is checked again */
        if (res->target.spec[0] == '/')
            ui_check_file(ui, res->target.spec, NULL);
        else
            ui_status(ui, TR_DIM, "r: this check has no file to read again");
        return;
    }
    struct tls_config cfg;
    config_copy(&cfg, &res->cfg);
    struct ui_target t = res->target;
    char profile[UI_NAME_MAX];
    snprintf(profile, sizeof profile, "%s", res->profile);
    ui_dial(ui, &cfg, &t, profile, result_dialed, res);
}

/* issue 13: a — reconnect with --aia, so a missing intermediate is fetched from caIssuers
 * (the fetch stage runs after the handshake; Esc stops it and keeps the connection). */
static void result_fetch_aia(struct result *res, struct ui *ui)
{
    if (res->report->check) {
        ui_status(ui, TR_DIM, "a: run tlscope --check-chain FILE --aia to fetch for a file");
        return;
    }
    if (!(res->report->chain_issues & CHAIN_MISSING_INTERMEDIATE) && !res->cfg.aia) {
        ui_status(ui, TR_DIM, "a: no intermediate is missing from this chain");
        return;
    }
    res->cfg.aia = true;
    result_reconnect(res, ui);
}

/* issue 13: m — a checked chain file again, with a private key file to match with its leaf. */
static void result_match_key(struct result *res, struct ui *ui)
{
    if (!res->report->check)
        ui_status(ui, TR_DIM, "m: matches a key with a checked chain file (f on the home screen)");
    else if (res->target.spec[0] != '/')
        ui_status(ui, TR_DIM, "m: this check has no file to read again");
    else
        ui_check_key_prompt(ui, res->target.spec);
}

/* issue 13: y — the selected certificate's PEM to the terminal's clipboard (OSC 52). */
static void result_copy(struct result *res, struct ui *ui, const struct pane_ctx *ctx, int id)
{
    const struct pane_ops *ops = result_panes[res->pane];
    const char *text = ops->copy ? ops->copy(res->state[res->pane], ctx, id) : NULL;
    if (!text) {
        ui_status(ui, TR_DIM, "y: select a certificate first");
        return;
    }
    if (!term_osc52(&ui->term, text, strlen(text)))
        ui_status(ui, TR_BAD, "y: the PEM could not be sent to the terminal");
    else
        ui_status(ui, TR_OK,
                  "PEM copied through the terminal (OSC 52, %zu bytes); if nothing arrives, "
                  "the terminal refuses it (tmux: set -g set-clipboard on)",
                  strlen(text));
}

static bool result_pane_key(struct result *res, struct ui *ui, int key, enum ui_action a)
{
    const struct pane_ops *ops = result_panes[res->pane];
    if (!ops->key || res->detail_full)
        return false;
    struct pane_ctx ctx = result_ctx(res, ui);
    int id = docview_selected_id(&res->list[res->pane]);
    switch (ops->key(res->state[res->pane], &ctx, key, a, id)) {
    case PANE_IGNORED: return false;
    case PANE_HANDLED: return true;
    case PANE_REBUILD: res->built[res->pane] = false; return true;
    case PANE_EXPORT: result_export_start(res, ui, EXPORT_SENT); return true;
    case PANE_EXPORT_SERVE: result_export_start(res, ui, EXPORT_TO_SERVE); return true;
    case PANE_COPY: result_copy(res, ui, &ctx, id); return true;
    case PANE_CHECK_SERVE: ui_check_serve(ui, res->report); return true;
    case PANE_FETCH_AIA: result_fetch_aia(res, ui); return true;
    }
    return false;
}

static bool result_move(struct result *res, enum ui_action a)
{
    return docview_action(result_view(res), a, result_page(res));
}

static bool result_nav(struct result *res, struct ui *ui, int key, enum ui_action a)
{
    if (a >= ACT_PANE_1 && a <= ACT_PANE_7)
        result_switch(res, (int)(a - ACT_PANE_1), 0);
    else if (a == ACT_NEXT_PANE || key == KEY_RIGHT)
        result_switch(res, res->pane + 1, 1);
    else if (a == ACT_PREV_PANE || key == KEY_LEFT)
        result_switch(res, res->pane - 1, -1);
    else if (a == ACT_ENTER && !res->detail_full && result_has_detail(res))
        res->detail_full = true;
    else if (a == ACT_BACK && res->detail_full)
        res->detail_full = false;
    else if (a == ACT_BACK || a == ACT_GO_HOME)
        ui_pop(ui, &(struct outcome){.kind = OUT_BACK}); /* home keeps this screen for Esc */
    else
        return false;
    return true;
}

/* d: the compare screen, against the previous connection. */
static void result_diff(struct result *res, struct ui *ui)
{
    const struct visit *cur = visits_find(&ui->visits, res->seq);
    const struct visit *prev = cur ? visits_previous(&ui->visits, cur->seq) : NULL;
    if (!prev) {
        ui_status(ui, TR_DIM, "nothing to compare yet: reconnect (r) after changing a setting");
        return;
    }
    ui_push(ui, diff_screen_new(ui, prev->seq, cur->seq));
}

/* e: the settings of this result in the editor; its Connect comes back here (resume). */
static void result_edit(struct result *res, struct ui *ui)
{
    struct screen *e = editor_screen_open(ui, res->profile, &res->target, &res->cfg, res->editor);
    res->editor = NULL; /* taken: reused, or freed */
    ui_push(ui, e);
}

static bool result_key(struct screen *s, struct ui *ui, int key, enum ui_action a)
{
    struct result *res = (struct result *)s;
    if (res->picker)
        return result_picker_key(res, ui, a);
    result_build(res, ui); /* keys may arrive before the frame that builds a new pane */
    if (result_pane_key(res, ui, key, a) || result_move(res, a) || result_nav(res, ui, key, a))
        return true;
    struct docview *v = result_view(res);
    if (key == 'S') { /* scan the server this result came from */
        struct screen *sc = scan_screen_new(ui, &res->cfg);
        if (sc)
            ui_push(ui, sc);
        return true;
    }
    switch (a) {
    case ACT_SEARCH: result_search_start(res, ui); return true;
    case ACT_SEARCH_NEXT:
    case ACT_SEARCH_PREV:
        if (!v->search[0])
            ui_status(ui, TR_DIM, "no search yet: / searches");
        else if (!docview_find(v, v->search, a == ACT_SEARCH_NEXT))
            ui_status(ui, TR_WARN, "not found: %s", v->search);
        return true;
    case ACT_RECONNECT: result_reconnect(res, ui); return true;
    case ACT_MATCH_KEY: result_match_key(res, ui); return true;
    case ACT_PICK_PROFILE: result_picker_open(res, ui); return true;
    case ACT_EXPORT_PEM: result_export_start(res, ui, EXPORT_SENT); return true;
    case ACT_EXPORT_SERVE: result_export_start(res, ui, EXPORT_TO_SERVE); return true;
    case ACT_DIFF: result_diff(res, ui); return true;
    case ACT_WRITE_JSON: result_json_start(res, ui); return true;
    case ACT_CLIENT_CERT: result_cert_start(res, ui); return true;
    case ACT_EDIT_PROFILE: result_edit(res, ui); return true;
    default: return false;
    }
}

static bool result_inside(struct rect r, int y)
{
    return r.h > 0 && y >= r.y && y < r.y + r.h;
}

static void result_click(struct screen *s, struct ui *ui, int y, int x, int button)
{
    struct result *res = (struct result *)s;
    if (res->picker) {
        result_picker_click(res, ui, y, button);
        return;
    }
    result_build(res, ui);
    if (button == 4 || button == 5) {
        int lines = button == 4 ? -3 : 3;
        if (result_inside(res->detail_r, y))
            docview_scroll(&res->detail, lines, res->detail_r.h);
        else if (result_inside(res->list_r, y))
            docview_scroll(&res->list[res->pane], lines, res->list_r.h);
        return;
    }
    if (y == res->tab_y) {
        for (int i = 0; i < PANE_COUNT; i++)
            if (x >= res->tab_x[i] && x < res->tab_x[i] + res->tab_w[i])
                result_switch(res, i, 0);
        return;
    }
    if (result_inside(res->list_r, y))
        docview_click(&res->list[res->pane], res->list_r, y);
}

/* ---- the screen ---- */

static void result_resize(struct screen *s, struct ui *ui)
{
    (void)ui;
    result_invalidate((struct result *)s);
}

static bool result_resume(struct screen *s, struct ui *ui, struct outcome *o)
{
    struct result *res = (struct result *)s;
    if (!o || o->kind == OUT_DISCARD)
        return false;
    if (o->kind == OUT_HOME) { /* h on a screen above: this one goes too, kept by home */
        ui_pop(ui, &(struct outcome){.kind = OUT_BACK});
        return false;
    }
    if (o->from->ops != &editor_screen_ops)
        return false;
    if (res->editor)
        res->editor->ops->free(res->editor);
    res->editor = o->from; /* the same settings keep their edits for the next `e` */
    if (o->kind == OUT_CONNECTED)
        result_show(res, &o->conn, false);
    return true;
}

static const struct tls_config *result_config(const struct screen *s)
{
    return &((const struct result *)s)->cfg;
}

static void result_free(struct screen *s)
{
    struct result *res = (struct result *)s;
    result_picker_close(res);
    result_clear(res);
    if (res->editor)
        res->editor->ops->free(res->editor);
    free(res);
}

const struct screen_ops result_screen_ops = {
    .name = "result",
    .draw = result_draw,
    .key = result_key,
    .mouse = result_click,
    .resize = result_resize,
    .resume = result_resume,
    .config = result_config,
    .free = result_free,
};

struct screen *result_screen_new(struct ui *ui, struct dial_result *dr, struct screen *editor)
{
    (void)ui;
    struct result *res = xcalloc(1, sizeof *res);
    res->base.ops = &result_screen_ops;
    res->detail_id = -1;
    res->editor = editor;
    result_show(res, dr, false);
    return &res->base;
}
