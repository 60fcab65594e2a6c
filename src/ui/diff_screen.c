/* The compare screen (d on a result): what changed between an earlier connection of the
 * run and the current one, fact by fact (compare/diff.c), old → new; unchanged facts on
 * request (a); Enter or l picks which earlier connection to compare against. */
#include "ui/diff_screen.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare/diff.h"
#include "ui/core.h"
#include "ui/term_ext.h"
#include "util/mem.h"
#include "util/sanitize.h"

struct diff_screen {
    struct screen base;
    unsigned old_seq, new_seq; /* the visits compared (#N) */
    bool all;                  /* show the unchanged facts too */
    bool picking;              /* the list of connections to compare against is open */
    struct diff diff;          /* owned (diff_free) */
    int built_width;           /* the width view was built for; 0: build again */
    struct docview view, pick; /* owned */
    struct rect view_r, pick_r;
};

/* ---- the document ---- */

static int diff_label_width(const struct diff *df)
{
    int w = 10;
    for (size_t i = 0; i < df->n; i++) {
        int lw = doc_width(df->items[i].label);
        if (lw > w)
            w = lw;
    }
    return w + 2;
}

/* The column the arrow goes to: the widest old value shown, within reason. */
static int diff_value_width(const struct diff *df, bool all, int room)
{
    int w = 8;
    for (size_t i = 0; i < df->n; i++) {
        const struct diff_item *it = &df->items[i];
        int vw = doc_width(it->old_value ? it->old_value : "");
        if ((it->changed || all) && vw > w)
            w = vw;
    }
    return w < room ? w : room;
}

static void diff_set_lines(struct doc *d, int indent, const struct strlist *l, bool added)
{
    for (size_t k = 0; k < l->len; k++) {
        struct doc_line *line = doc_line(d, -1);
        doc_text(line, TR_TEXT, "%*s", indent, "");
        doc_text(line, added ? TR_OK : TR_BAD, "%s ", added ? "+" : "-");
        doc_peer(line, added ? TR_OK : TR_BAD, l->items[k]);
    }
}

/* A value for the old column: "none" when absent, cut to max columns with an ellipsis so the
 * arrow stays in its column. Sanitised; caller frees. */
static char *diff_cell(const char *value, int max, bool utf8)
{
    char *safe = sanitize_terminal(value && *value ? value : "none");
    if (doc_width(safe) <= max)
        return safe;
    const char *ell = glyph(GL_ELLIPSIS, utf8);
    int room = max - doc_width(ell);
    size_t end = 0;
    for (size_t i = 0; safe[i];) {
        size_t n = 1;
        while (safe[i + n] && ((unsigned char)safe[i + n] & 0xC0) == 0x80)
            n++;
        char cp[8] = {0};
        memcpy(cp, safe + i, n < sizeof cp ? n : sizeof cp - 1);
        room -= doc_width(cp);
        if (room < 0)
            break;
        i += n;
        end = i;
    }
    char *out = xasprintf("%.*s%s", (int)end, safe, ell);
    free(safe);
    return out;
}

static void diff_item_lines(struct doc *d, const struct diff_item *it, int lw, int vw, bool utf8)
{
    struct doc_line *l = doc_line(d, -1);
    doc_text(l, TR_DIM, "  %s", it->label);
    l->segs[l->n - 1].min_width = lw + 2;
    char *old = diff_cell(it->old_value, vw, utf8);
    bool absent = !it->old_value || !*it->old_value;
    doc_text(l, it->changed && !absent ? TR_TEXT : TR_DIM, "%s", old);
    l->segs[l->n - 1].min_width = vw;
    free(old);
    if (it->changed) {
        bool gone = !it->new_value || !*it->new_value;
        doc_text(l, TR_WARN, "  %s  ", utf8 ? "→" : "->");
        doc_peer(l, gone ? TR_DIM : TR_TEXT, gone ? "none" : it->new_value);
    } else {
        doc_text(l, TR_DIM, "  (same)");
    }
    diff_set_lines(d, lw + 4, &it->added, true);
    diff_set_lines(d, lw + 4, &it->removed, false);
}

static void diff_build(struct ui *ui, struct diff_screen *ds)
{
    struct doc d = {0};
    const struct diff *df = &ds->diff;
    int width = ui->term.cols;
    int lw = diff_label_width(df);
    int vw = diff_value_width(df, ds->all, (width - lw - 10) / 2);
    for (size_t i = 0; i < df->n; i++)
        if (df->items[i].changed || ds->all)
            diff_item_lines(&d, &df->items[i], lw, vw, ui->term.utf8);
    if (df->n_changed == 0 && !ds->all) {
        struct doc_line *l = doc_line(&d, -1);
        doc_text(l, TR_OK, "  %s no fact changed", glyph(GL_OK, ui->term.utf8));
        doc_text(l, TR_DIM, "  (a shows all %zu facts)", df->n);
    }
    size_t top = ds->view.top;
    docview_set(&ds->view, &d);
    ds->view.top = top < ds->view.doc.n ? top : 0;
    ds->built_width = width;
}

/* Compares the two connections numbered old_seq and new_seq; false (with a status message)
 * when either is no longer kept or they cannot be compared. */
static bool diff_compute(struct ui *ui, struct diff_screen *ds)
{
    const struct visit *a = visits_find(&ui->visits, ds->old_seq);
    const struct visit *b = visits_find(&ui->visits, ds->new_seq);
    if (!a || !b) {
        ui_status(ui, TR_WARN, "that connection is no longer kept (the last %d are)", VISITS_MAX);
        return false;
    }
    struct diff df;
    if (diff_reports(a->report, b->report, &df) < 0) {
        ui_status(ui, TR_BAD, "these two reports cannot be compared");
        return false;
    }
    diff_free(&ds->diff);
    ds->diff = df;
    ds->built_width = 0;
    ds->view.top = 0;
    return true;
}

/* ---- the picker: which earlier connection ---- */

static void diff_pick_open(struct ui *ui, struct diff_screen *ds)
{
    struct doc d = {0};
    const struct visits *s = &ui->visits;
    size_t want = 0, line = 0;
    char *labels[VISITS_MAX];
    int lw = 0;
    for (size_t i = 0; i < s->n; i++) {
        labels[i] = visits_label(&s->conns[i], true);
        int w = doc_width(labels[i]);
        lw = w > lw ? w : lw;
    }
    for (size_t i = s->n; i-- > 0;) {
        const struct visit *c = &s->conns[i];
        if (c->seq == ds->new_seq)
            continue;
        if (c->seq == ds->old_seq)
            want = line;
        struct doc_line *l = doc_line(&d, (int)c->seq);
        doc_text(l, TR_TEXT, "%s", labels[i]);
        l->segs[l->n - 1].min_width = lw;
        enum verdict v = report_verdict(c->report);
        doc_text(l,
                 v == VERDICT_VERIFIED   ? TR_OK
                 : v == VERDICT_WARNINGS ? TR_WARN
                                         : TR_BAD,
                 "  %s", verdict_label(v));
        if (c->report->protocol) {
            doc_text(l, TR_DIM, "  ");
            doc_peer(l, TR_DIM, c->report->protocol);
        }
        line++;
    }
    for (size_t i = 0; i < s->n; i++)
        free(labels[i]);
    if (line == 0) {
        doc_free(&d);
        ui_status(ui, TR_DIM, "no other connection in this session");
        return;
    }
    docview_free(&ds->pick);
    docview_set(&ds->pick, &d);
    ds->pick.sel = want;
    ds->picking = true;
}

static void diff_pick_choose(struct ui *ui, struct diff_screen *ds)
{
    int id = docview_selected_id(&ds->pick);
    ds->picking = false;
    if (id < 0)
        return;
    unsigned keep = ds->old_seq;
    ds->old_seq = (unsigned)id;
    if (!diff_compute(ui, ds)) {
        ds->old_seq = keep;
        diff_compute(ui, ds);
    }
}

/* ---- drawing ---- */

static void diff_draw_header(struct ui *ui, struct diff_screen *ds)
{
    const struct visit *a = visits_find(&ui->visits, ds->old_seq);
    const struct visit *b = visits_find(&ui->visits, ds->new_seq);
    bool hosts =
        a && b && a->report->host && b->report->host &&
        (strcmp(a->report->host, b->report->host) != 0 || a->report->port != b->report->port);
    char *la = a ? visits_label(a, hosts) : xstrdup("?");
    char *lb = b ? visits_label(b, hosts) : xstrdup("?");
    char *title = xasprintf("Compare  %s  %s  %s", la, ui->term.utf8 ? "→" : "->", lb);
    ui_draw_title(ui, 0, title, "? help  q quit");
    free(title);
    free(la);
    free(lb);
    struct term *t = &ui->term;
    const struct diff *df = &ds->diff;
    char *count = df->n_changed ? xasprintf(" %zu of %zu facts changed", df->n_changed, df->n)
                                : xasprintf(" no fact changed (of %zu)", df->n);
    int x = 1 + term_put(t, 1, 1, t->cols - 2, df->n_changed ? TR_WARN : TR_OK, count);
    term_put(t, 1, x + 2, t->cols - x - 3, TR_DIM,
             ds->all ? "showing every fact · a hides the unchanged"
                     : "unchanged facts hidden · a shows all");
    free(count);
    term_hline(t, 2, 0, t->cols, NULL);
}

static void diff_draw_pick(struct ui *ui, struct diff_screen *ds, struct rect area)
{
    struct term *t = &ui->term;
    int w = area.w - 4 < 86 ? area.w - 4 : 86;
    int h = (int)ds->pick.doc.n + 2;
    if (h > area.h)
        h = area.h;
    struct rect box = {area.y + (area.h - h) / 2, (t->cols - w) / 2, h, w};
    for (int y = box.y; y < box.y + box.h; y++)
        term_fill(t, y, box.x, box.w, TR_TEXT);
    term_box(t, box, "Compare with · Enter picks · Esc closes", true);
    ds->pick_r = (struct rect){box.y + 1, box.x + 2, box.h - 2, box.w - 4};
    ds->pick.focus = true;
    docview_draw(&ds->pick, t, ds->pick_r);
}

static void diff_screen_draw(struct screen *s, struct ui *ui)
{
    struct diff_screen *ds = (struct diff_screen *)s;
    struct term *t = &ui->term;
    if (ds->built_width != t->cols)
        diff_build(ui, ds);
    diff_draw_header(ui, ds);
    ds->view_r = (struct rect){3, 0, t->rows - 5, t->cols};
    ds->view.focus = false;
    docview_draw(&ds->view, t, ds->view_r);
    ds->pick_r = (struct rect){0, 0, 0, 0};
    if (ds->picking)
        diff_draw_pick(ui, ds, ds->view_r);
    const char *hints = ds->picking ? (t->utf8 ? "↑↓ select  Enter compare  Esc close"
                                               : "Up/Dn select  Enter compare  Esc close")
                                    : (t->utf8 ? "↑↓ scroll  a show all  Enter compare with…  "
                                                 "Esc back"
                                               : "Up/Dn scroll  a show all  Enter compare with  "
                                                 "Esc back");
    ui_draw_bottom(ui, hints);
}

/* ---- keys and mouse ---- */

static bool diff_pick_key(struct ui *ui, struct diff_screen *ds, enum ui_action a)
{
    if (a == ACT_BACK)
        ds->picking = false;
    else if (a == ACT_ENTER)
        diff_pick_choose(ui, ds);
    else if (a == ACT_QUIT || a == ACT_HELP)
        return false;
    else
        docview_action(&ds->pick, a, ds->pick_r.h > 0 ? ds->pick_r.h : 1);
    return true;
}

static bool diff_screen_key(struct screen *s, struct ui *ui, int key, enum ui_action a)
{
    struct diff_screen *ds = (struct diff_screen *)s;
    if (ds->picking)
        return diff_pick_key(ui, ds, a);
    if (docview_action(&ds->view, a, ds->view_r.h > 0 ? ds->view_r.h : 1))
        return true;
    if (key == 'a') {
        ds->all = !ds->all;
        ds->built_width = 0;
    } else if (a == ACT_ENTER || key == 'l') {
        diff_pick_open(ui, ds);
    } else if (a == ACT_BACK || a == ACT_DIFF) {
        ui_pop(ui, &(struct outcome){.kind = OUT_BACK});
    } else if (a == ACT_GO_HOME) {
        ui_pop(ui, &(struct outcome){.kind = OUT_HOME});
    } else {
        return false;
    }
    return true;
}

static bool diff_inside(struct rect r, int y)
{
    return r.h > 0 && y >= r.y && y < r.y + r.h;
}

static void diff_screen_click(struct screen *s, struct ui *ui, int y, int x, int button)
{
    (void)x;
    struct diff_screen *ds = (struct diff_screen *)s;
    struct docview *v = ds->picking ? &ds->pick : &ds->view;
    struct rect r = ds->picking ? ds->pick_r : ds->view_r;
    if (button == 4 || button == 5) {
        docview_scroll(v, button == 4 ? -3 : 3, r.h);
        return;
    }
    if (ds->picking && diff_inside(r, y)) {
        int before = docview_selected_id(v);
        if (docview_click(v, r, y) && docview_selected_id(v) == before)
            diff_pick_choose(ui, ds); /* a click on the chosen line picks it */
    }
}

void diff_screen_help(struct doc *d)
{
    static const char *const keys[][2] = {
        {"d", "on a result: compare with the previous connection"},
        {"a", "show or hide the facts that did not change"},
        {"Enter, l", "pick which earlier connection to compare with"},
        {"Esc", "back to the result"},
    };
    doc_heading(d, "Compare screen");
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        doc_key_line(d, keys[i][0], keys[i][1]);
}

static void diff_screen_resize(struct screen *s, struct ui *ui)
{
    (void)ui;
    ((struct diff_screen *)s)->built_width = 0;
}

static void diff_screen_free(struct screen *s)
{
    struct diff_screen *ds = (struct diff_screen *)s;
    diff_free(&ds->diff);
    docview_free(&ds->view);
    docview_free(&ds->pick);
    free(ds);
}

static const struct screen_ops diff_screen_ops = {
    .name = "compare",
    .draw = diff_screen_draw,
    .key = diff_screen_key,
    .mouse = diff_screen_click,
    .resize = diff_screen_resize,
    .free = diff_screen_free,
};

struct screen *diff_screen_new(struct ui *ui, unsigned old_seq, unsigned new_seq)
{
    struct diff_screen *ds = xcalloc(1, sizeof *ds);
    ds->base.ops = &diff_screen_ops;
    ds->old_seq = old_seq;
    ds->new_seq = new_seq;
    if (!diff_compute(ui, ds)) {
        diff_screen_free(&ds->base);
        return NULL;
    }
    return &ds->base;
}
