/* The home screen's drawing: the host line, the lists and the settings beside them, the key
 * hints (state and keys: home.c). */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/home_int.h"
#include "ui/term_ext.h"
#include "util/mem.h"
#include "util/sanitize.h"

#ifndef TLSCOPE_VERSION
#define TLSCOPE_VERSION "0.1"
#endif

static void home_draw_host(struct home *h, struct ui *ui, struct rect box)
{
    struct term *t = &ui->term;
    term_box(t, box, "Connect", h->focus == HF_HOST);
    int y = box.y + 1, x = box.x + 2;
    char *label = xasprintf("host %s ", t->utf8 ? "›" : ">");
    x += term_put(t, y, x, 8, h->focus == HF_HOST ? TR_KEY : TR_DIM, label);
    free(label);
    char right[96] = "", ascii[300];
    if (h->hist_pos >= 0)
        snprintf(right, sizeof right, "history %ld/%zu", h->hist_pos + 1, h->history.len);
    else if (h->host_len == 0 && h->history.len)
        snprintf(right, sizeof right, "host[:port] · %s %zu past", t->utf8 ? "↑" : "Up",
                 h->history.len);
    else if (h->host_len == 0)
        snprintf(right, sizeof right, "host[:port]");
    else if (home_ascii_form(h->host, ascii, sizeof ascii)) /* what an IDN connects to */
        snprintf(right, sizeof right, "%s %.80s", t->utf8 ? "→" : "->", ascii);
    int rw = doc_width(right);
    int avail = box.x + box.w - 2 - x - rw - 2;
    if (avail < 1) {
        right[0] = '\0';
        rw = 0;
        avail = box.x + box.w - 2 - x - 2;
    }
    /* Show the end of a long line so the cursor stays visible: drop whole characters from
     * the left until the text before the cursor fits in the columns there are. */
    char before[sizeof h->host];
    size_t off = 0;
    for (;;) {
        snprintf(before, sizeof before, "%.*s", (int)(h->host_cur - off), h->host + off);
        if (off >= h->host_cur || doc_width(before) <= avail - 1)
            break;
        off++;
        while (off < h->host_cur && ((unsigned char)h->host[off] & 0xC0) == 0x80)
            off++;
    }
    term_put(t, y, x, avail, TR_TEXT, h->host + off);
    if (rw)
        term_put(t, y, box.x + box.w - 2 - rw, rw, TR_DIM, right);
    h->host_r = box;
    if (h->focus == HF_HOST) {
        ui->cur_y = y;
        ui->cur_x = x + doc_width(before);
    }
}

static void home_draw_list(struct ui *ui, struct docview *v, struct rect box, const char *title,
                           bool focused, struct rect *inner_out)
{
    term_box(&ui->term, box, title, focused);
    struct rect in = {box.y + 1, box.x + 1, box.h - 2, box.w - 2};
    v->focus = focused;
    docview_draw(v, &ui->term, in);
    *inner_out = in;
}

static void home_draw_settings(struct home *h, struct ui *ui, struct rect box)
{
    const struct lab_target *t = home_lab_target(h, ui);
    const struct profile_entry *e = home_entry(h);
    char *title;
    if (h->focus == HF_DEMO && t)
        title = xasprintf("%s · demo lab", t->title);
    else if (e)
        title = xasprintf("%s · %s", e->name,
                          e->origin == PROFILE_USER ? "mine" : profile_origin_name(e->origin));
    else
        title = xstrdup("command-line settings");
    char *safe = sanitize_terminal(title);
    term_box(&ui->term, box, safe, false);
    struct rect in = {box.y + 1, box.x + 2, box.h - 2, box.w - 4};
    h->settings.focus = false;
    docview_draw(&h->settings, &ui->term, in);
    free(safe);
    free(title);
}

static const char *home_hints(const struct home *h, const struct ui *ui)
{
    switch (h->focus) {
    case HF_HOST:
        return ui->term.utf8 ? "Enter connect (or check a file path)  Tab profiles  ↑↓ history"
                             : "Enter connect (or check a file path)  Tab profiles  Up/Dn history";
    case HF_PROFILES:
        return ui->term.utf8 ? "↑↓ select  Enter connect  e edit  f check a file  Tab next"
                             : "Up/Dn select  Enter connect  e edit  f check a file  Tab next";
    case HF_RECENT:
        return ui->term.utf8 ? "↑↓ select  Enter connect  S scan  Tab next  Esc host line"
                             : "Up/Dn select  Enter connect  S scan  Tab next  Esc host line";
    case HF_DEMO:
        return home_is_client_cert(home_lab_target(h, ui))
                   ? "Enter connect  c with client cert  S scan  Tab next  t theme"
                   : "Enter connect  S scan  Tab next  t theme";
    }
    return "";
}

void home_draw(struct screen *s, struct ui *ui)
{
    struct home *h = (struct home *)s;
    if (h->profiles_gen != ui->profiles_gen)
        home_reload_profiles(h, ui);
    struct term *t = &ui->term;
    ui_draw_title(ui, 0, "tlscope " TLSCOPE_VERSION " — TLS connection explorer",
                  h->last ? "Esc last result" : NULL);
    home_draw_host(h, ui, (struct rect){1, 0, 3, t->cols});
    const char *keylog = ui_keylog_file(ui); /* on the box's lower edge while K is on */
    if (keylog) {
        char *text = xasprintf(" %s session keys written to %s ", glyph(GL_WARN, t->utf8), keylog);
        char *safe = sanitize_terminal(text);
        term_put(t, 3, 2, t->cols - 4, TR_WARN, safe);
        free(safe);
        free(text);
    }
    int top = 4, body = t->rows - 2 - top;
    int lw = home_left_width(t->cols);
    int nprof = (int)h->plist.doc.n + 2;
    if (ui->lab) {
        int ph = nprof < body - 5 ? nprof : body - 5;
        home_draw_list(ui, &h->plist, (struct rect){top, 0, ph, lw}, "Profiles",
                       h->focus == HF_PROFILES, &h->plist_r);
        char *title = lab_ready(ui->lab)
                          ? xstrdup("Demo lab")
                          : xasprintf("Demo lab %s starting%s", ui->term.utf8 ? "·" : "-",
                                      glyph(GL_ELLIPSIS, ui->term.utf8));
        home_draw_list(ui, &h->demo, (struct rect){top + ph, 0, body - ph, lw}, title,
                       h->focus == HF_DEMO, &h->demo_r);
        free(title);
    } else {
        int ph = nprof < body - 3 ? nprof : body - 3;
        if (body - ph < 3 || h->history.len == 0)
            ph = body;
        home_draw_list(ui, &h->plist, (struct rect){top, 0, ph, lw}, "Profiles",
                       h->focus == HF_PROFILES, &h->plist_r);
        h->recent_r = (struct rect){0, 0, 0, 0};
        if (ph < body)
            home_draw_list(ui, &h->recent, (struct rect){top + ph, 0, body - ph, lw}, "Recent",
                           h->focus == HF_RECENT, &h->recent_r);
        else if (h->focus == HF_RECENT)
            home_focus(h, ui, HF_HOST); /* resized away */
    }
    home_draw_settings(h, ui, (struct rect){top, lw, body, t->cols - lw});
    ui_draw_bottom(ui, home_hints(h, ui));
}
