/* The result screen: title, verdict, weakened-verification warning, the pane tabs, the pane
 * (a list with the selected line's detail below it, or the detail full screen), search,
 * reconnecting and exporting the sent chain. */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ui/export.h"
#include "ui/screens.h"
#include "ui/term_ext.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/punycode.h"
#include "util/sanitize.h"
#include "util/strbuf.h"

static const struct pane_ops *const result_panes[PANE_COUNT] = {
    &pane_summary,      &pane_handshake, &pane_negotiation,
    &pane_certificates, &pane_findings,  &pane_raw,
};

static struct pane_ctx result_ctx(const struct ui *ui)
{
    const struct result *res = &ui->result;
    return (struct pane_ctx){
        .r = res->report,
        .profile = res->profile[0] ? res->profile : NULL,
        .utf8 = ui->term.utf8,
        .width = ui->term.cols,
    };
}

void result_invalidate(struct result *res)
{
    for (int i = 0; i < PANE_COUNT; i++)
        res->built[i] = false;
    res->detail_id = -1;
}

void result_free(struct result *res)
{
    for (int i = 0; i < PANE_COUNT; i++) {
        if (res->state[i] && result_panes[i]->done)
            result_panes[i]->done(res->state[i]);
        free(res->state[i]);
        docview_free(&res->list[i]);
    }
    docview_free(&res->detail);
    config_free(&res->cfg); /* the report belongs to ui->session */
    memset(res, 0, sizeof *res);
    res->detail_id = -1;
}

void result_set(struct ui *ui, struct report *r, struct tls_config *cfg,
                const struct ui_target *target, const char *profile)
{
    struct result *res = &ui->result;
    bool again = ui->screen == SCR_RESULT && res->report;
    int pane = again ? res->pane : 0;
    result_free(res);
    res->report = r;
    res->cfg = *cfg;
    memset(cfg, 0, sizeof *cfg);
    res->target = *target;
    snprintf(res->profile, sizeof res->profile, "%s", profile ? profile : "");
    res->pane = pane;
    for (int i = 0; i < PANE_COUNT; i++) {
        size_t sz = result_panes[i]->state_size;
        res->state[i] = xcalloc(1, sz ? sz : 1);
    }
    ui->screen = SCR_RESULT;
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
static void result_build(struct ui *ui)
{
    struct result *res = &ui->result;
    if (res->built_width != ui->term.cols) {
        result_invalidate(res);
        res->built_width = ui->term.cols;
    }
    const struct pane_ops *ops = result_panes[res->pane];
    struct pane_ctx ctx = result_ctx(ui);
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

static void result_switch(struct ui *ui, int pane)
{
    struct result *res = &ui->result;
    res->pane = (pane % PANE_COUNT + PANE_COUNT) % PANE_COUNT;
    res->detail_full = false;
    res->detail_id = -1;
}

/* ---- drawing ---- */

static void result_draw_title(struct ui *ui)
{
    const struct report *r = ui->result.report;
    struct strbuf sb = {0};
    bool v6 = r->host && strchr(r->host, ':');
    sb_printf(&sb, "tlscope — %s%s%s:%u", v6 ? "[" : "", r->host ? r->host : "?", v6 ? "]" : "",
              (unsigned)r->port);
    char uni[512];
    if (r->host && ui->term.utf8 && idna_to_unicode(r->host, uni, sizeof uni) == 1)
        sb_printf(&sb, " (%s)", uni); /* an international name: both forms */
    if (r->address && (!r->host || strcmp(r->address, r->host) != 0))
        sb_printf(&sb, " %s %s", ui->term.utf8 ? "→" : "->", r->address);
    if (ui->result.profile[0])
        sb_printf(&sb, " · profile %s", ui->result.profile);
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

static void result_draw_verdict(struct ui *ui, int y)
{
    const struct report *r = ui->result.report;
    struct term *t = &ui->term;
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

static void result_draw_tabs(struct ui *ui, int y)
{
    struct result *res = &ui->result;
    struct term *t = &ui->term;
    struct pane_ctx ctx = result_ctx(ui);
    char *labels[PANE_COUNT];
    int total = 0;
    for (int pass = 0; pass < 2; pass++) {
        total = 0;
        for (int i = 0; i < PANE_COUNT; i++) {
            const struct pane_ops *ops = result_panes[i];
            int badge = ops->badge ? ops->badge(&ctx) : -1;
            bool show = badge >= 0 && (pass == 0 || i == res->pane || ops == &pane_findings);
            labels[i] = show ? xasprintf("%d %s (%d)", i + 1, ops->name, badge)
                             : xasprintf("%d %s", i + 1, ops->name);
            total += doc_width(labels[i]) + 2;
        }
        if (total <= t->cols - 1 || pass == 1)
            break;
        for (int i = 0; i < PANE_COUNT; i++)
            free(labels[i]);
    }
    int x = 1;
    for (int i = 0; i < PANE_COUNT; i++) {
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

static void result_draw_pane(struct ui *ui, int top, int h)
{
    struct result *res = &ui->result;
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

static const char *result_hints(const struct ui *ui)
{
    const struct result *res = &ui->result;
    bool u = ui->term.utf8;
    if (res->detail_full)
        return u ? "↑↓ scroll  Esc back  / search  n next"
                 : "Up/Dn scroll  Esc back  / search  n next";
    if (res->pane == 3)
        return u ? "↑↓ select  Enter open  x export  X fullchain  Tab pane  r reconnect  h home"
                 : "Up/Dn select  Enter open  x export  X fullchain  Tab pane  r reconnect  h home";
    if (result_has_detail(res))
        return u ? "↑↓ select  Enter open  Tab pane  r reconnect  p profile  h home  / search"
                 : "Up/Dn select  Enter open  Tab pane  r reconnect  p profile  h home  / search";
    return u ? "↑↓ scroll  Tab pane  r reconnect  d diff  p profile  h home  / search"
             : "Up/Dn scroll  Tab pane  r reconnect  d diff  p profile  h home  / search";
}

void result_draw(struct ui *ui)
{
    struct term *t = &ui->term;
    result_build(ui);
    result_draw_title(ui);
    result_draw_verdict(ui, 1);
    int y = 2;
    struct strlist weak = {0};
    session_in_effect(ui, &weak);
    if (weak.len)
        result_draw_weakened(ui, y++, &weak);
    strlist_free(&weak);
    result_draw_tabs(ui, y++);
    result_draw_pane(ui, y, t->rows - 2 - y);
    ui_draw_bottom(ui, result_hints(ui));
}

/* ---- keys and mouse ---- */

static struct docview *result_view(struct result *res)
{
    return res->detail_full ? &res->detail : &res->list[res->pane];
}

static int result_page(const struct result *res)
{
    struct rect r = res->detail_full ? res->detail_r : res->list_r;
    return r.h > 0 ? r.h : 1;
}

static void result_export_start(struct ui *ui, enum export_chain which)
{
    const struct report *r = ui->result.report;
    if (r->n_sent == 0) {
        ui_status(ui, TR_WARN, "the server sent no certificates: nothing to export");
        return;
    }
    ui->result.export_which = (int)which;
    char *name = export_default_name_for(r, which);
    ui_prompt_open(ui, PROMPT_EXPORT,
                   which == EXPORT_TO_SERVE ? "Export the chain the server should send to: "
                                            : "Export sent chain to: ",
                   name);
    free(name);
}

static void result_reconnect(struct ui *ui)
{
    struct result *res = &ui->result;
    struct tls_config cfg;
    config_copy(&cfg, &res->cfg);
    struct ui_target t = res->target;
    char profile[UI_NAME_MAX];
    snprintf(profile, sizeof profile, "%s", res->profile);
    ui_start(ui, &cfg, &t, profile);
}

static bool result_pane_key(struct ui *ui, int key, enum ui_action a)
{
    struct result *res = &ui->result;
    const struct pane_ops *ops = result_panes[res->pane];
    if (!ops->key || res->detail_full)
        return false;
    struct pane_ctx ctx = result_ctx(ui);
    int id = docview_selected_id(&res->list[res->pane]);
    switch (ops->key(res->state[res->pane], &ctx, key, a, id)) {
    case PANE_IGNORED: return false;
    case PANE_HANDLED: return true;
    case PANE_REBUILD: res->built[res->pane] = false; return true;
    case PANE_EXPORT: result_export_start(ui, EXPORT_SENT); return true;
    case PANE_EXPORT_SERVE: result_export_start(ui, EXPORT_TO_SERVE); return true;
    }
    return false;
}

static bool result_move(struct ui *ui, enum ui_action a)
{
    struct result *res = &ui->result;
    return docview_action(result_view(res), a, result_page(res));
}

static bool result_nav(struct ui *ui, int key, enum ui_action a)
{
    struct result *res = &ui->result;
    if (a >= ACT_PANE_1 && a <= ACT_PANE_6)
        result_switch(ui, (int)(a - ACT_PANE_1));
    else if (a == ACT_NEXT_PANE || key == KEY_RIGHT)
        result_switch(ui, res->pane + 1);
    else if (a == ACT_PREV_PANE || key == KEY_LEFT)
        result_switch(ui, res->pane - 1);
    else if (a == ACT_ENTER && !res->detail_full && result_has_detail(res))
        res->detail_full = true;
    else if (a == ACT_BACK && res->detail_full)
        res->detail_full = false;
    else if (a == ACT_BACK || a == ACT_GO_HOME)
        ui->screen = SCR_HOME;
    else
        return false;
    return true;
}

bool result_key(struct ui *ui, int key, enum ui_action a)
{
    struct result *res = &ui->result;
    result_build(ui); /* keys may arrive before the frame that builds a new pane */
    if (result_pane_key(ui, key, a) || result_move(ui, a) || result_nav(ui, key, a))
        return true;
    struct docview *v = result_view(res);
    switch (a) {
    case ACT_SEARCH: ui_prompt_open(ui, PROMPT_SEARCH, "/", ""); return true;
    case ACT_SEARCH_NEXT:
    case ACT_SEARCH_PREV:
        if (!v->search[0])
            ui_status(ui, TR_DIM, "no search yet: / searches");
        else if (!docview_find(v, v->search, a == ACT_SEARCH_NEXT))
            ui_status(ui, TR_WARN, "not found: %s", v->search);
        return true;
    case ACT_RECONNECT: result_reconnect(ui); return true;
    case ACT_PICK_PROFILE: result_picker_open(ui); return true;
    case ACT_EXPORT_PEM: result_export_start(ui, EXPORT_SENT); return true;
    case ACT_EXPORT_SERVE: result_export_start(ui, EXPORT_TO_SERVE); return true;
    case ACT_DIFF: diff_screen_open(ui); return true;
    case ACT_WRITE_JSON: session_json_start(ui); return true;
    case ACT_CLIENT_CERT: session_cert_start(ui); return true;
    case ACT_EDIT_PROFILE: editor_open(ui, res->profile, &res->target, true); return true;
    default: return false;
    }
}

static bool result_inside(struct rect r, int y)
{
    return r.h > 0 && y >= r.y && y < r.y + r.h;
}

void result_click(struct ui *ui, int y, int x, int button)
{
    struct result *res = &ui->result;
    result_build(ui);
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
                result_switch(ui, i);
        return;
    }
    if (result_inside(res->list_r, y))
        docview_click(&res->list[res->pane], res->list_r, y);
}

/* ---- the profile picker ---- */

void result_picker_close(struct ui *ui)
{
    ui->picker = false;
    docview_free(&ui->picker_view);
    profile_entries_free(ui->picker_entries, ui->n_picker);
    ui->picker_entries = NULL;
    ui->n_picker = 0;
}

void result_picker_open(struct ui *ui)
{
    result_picker_close(ui);
    if (profile_list(&ui->picker_entries, &ui->n_picker) < 0 || ui->n_picker == 0) {
        ui_status(ui, TR_WARN, "no profiles found");
        result_picker_close(ui);
        return;
    }
    struct doc d = {0};
    size_t want = 0, line = 0;
    for (size_t i = 0; i < ui->n_picker; i++) {
        const struct profile_entry *e = &ui->picker_entries[i];
        if (e->shadowed)
            continue;
        if (strcmp(e->name, ui->result.profile) == 0)
            want = line;
        struct doc_line *l = doc_line(&d, (int)i);
        doc_peer(l, TR_TEXT, e->name);
        l->segs[l->n - 1].min_width = 20;
        doc_text(l, TR_DIM, "%s", profile_origin_name(e->origin));
        l->segs[l->n - 1].min_width = 9;
        doc_peer(l, TR_DIM, e->description ? e->description : "");
        line++;
    }
    docview_set(&ui->picker_view, &d);
    ui->picker_view.sel = want;
    ui->picker = true;
}

void result_picker_pick(struct ui *ui)
{
    int id = docview_selected_id(&ui->picker_view);
    if (id < 0 || (size_t)id >= ui->n_picker)
        return;
    char name[UI_NAME_MAX];
    snprintf(name, sizeof name, "%s", ui->picker_entries[id].name);
    result_picker_close(ui);
    struct ui_target tg = ui->result.target;
    ui_connect(ui, &tg, name);
}

void result_picker_key(struct ui *ui, enum ui_action a)
{
    if (a == ACT_QUIT)
        ui->quit = true;
    else if (a == ACT_BACK || a == ACT_PICK_PROFILE)
        result_picker_close(ui);
    else if (a == ACT_ENTER)
        result_picker_pick(ui);
    else
        docview_action(&ui->picker_view, a, ui->picker_view.page);
}

/* ---- prompt answers ---- */

void result_search(struct ui *ui, const char *text)
{
    result_build(ui);
    struct docview *v = result_view(&ui->result);
    snprintf(v->search, sizeof v->search, "%s", text);
    v->found = 0;
    if (!text[0])
        return;
    if (!docview_find(v, text, true))
        ui_status(ui, TR_WARN, "not found: %s", text);
}

static void result_write(struct ui *ui, const char *path, bool overwrite)
{
    char err[1024];
    const struct report *r = ui->result.report;
    char *safe = sanitize_terminal(path);
    enum export_chain which = (enum export_chain)ui->result.export_which;
    if (export_chain_pem_of(r, which, path, overwrite, err, sizeof err) < 0) {
        char *serr = sanitize_terminal(err);
        ui_status(ui, TR_BAD, "not written: %s", serr);
        free(serr);
    } else {
        const struct cert_info *picked[2 * REPORT_CHAIN_MAX];
        size_t n = export_pick(r, which, picked, sizeof picked / sizeof picked[0]);
        ui_status(ui, TR_OK, "wrote %zu certificate%s to %s", n, n == 1 ? "" : "s", safe);
    }
    free(safe);
}

void result_export(struct ui *ui, const char *path)
{
    struct result *res = &ui->result;
    if (!path[0]) {
        ui_status(ui, TR_DIM, "export cancelled");
        return;
    }
    if (session_write_target(ui, path, res->export_path, sizeof res->export_path,
                             PROMPT_OVERWRITE) != 0)
        return;
    result_write(ui, res->export_path, false);
}

void result_overwrite(struct ui *ui, bool yes)
{
    if (!yes) {
        ui_status(ui, TR_DIM, "not written");
        return;
    }
    result_write(ui, ui->result.export_path, true);
}
