/* The home screen: the host line with its history, the profile list with the selected
 * profile's effective settings beside it, and the demo lab's targets when --demo is on. */
#include "ui/home.h"
#include "ui/home_int.h"
#include "ui/chaincheck.h"

#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/profile.h"
#include "ui/core.h"
#include "ui/diff_screen.h"
#include "ui/scan_screen.h"
#include "ui/editor.h"
#include "ui/history.h"
#include "ui/result.h"
#include "ui/settings_doc.h"
#include "ui/term_ext.h"
#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strbuf.h"

#ifndef TLSCOPE_VERSION
#define TLSCOPE_VERSION "0.1"
#endif

static void home_dialed(struct ui *ui, void *ctx, struct dial_result *res);

/* Width of the left column (profiles, demo lab, recent) for a terminal this wide. */
int home_left_width(int cols)
{
    return cols >= 100 ? 40 : 34;
}

/* ---- documents ---- */

static bool home_profile_weakens(struct ui *ui, const char *profile)
{
    struct tls_config c;
    char err[1400];
    if (ui_profile_config(ui, profile, &c, NULL, err, sizeof err) < 0)
        return false;
    struct strlist weak = {0};
    config_weakenings(&c, &weak);
    bool any = weak.len > 0;
    strlist_free(&weak);
    config_free(&c);
    return any;
}

/* The effective settings of profile, with a warning when they weaken verification. */
static void home_settings_of(struct ui *ui, struct doc *d, const char *profile, int width)
{
    struct tls_config c;
    char err[1400];
    if (ui_profile_config(ui, profile, &c, NULL, err, sizeof err) < 0) {
        settings_doc_wrap(d, TR_BAD, err, width);
        return;
    }
    settings_doc_fields(d, &c);
    struct strlist weak = {0};
    config_weakenings(&c, &weak);
    if (weak.len) {
        char *j = strlist_join(&weak, "; ");
        char *line = xasprintf("%s weakens verification: %s", glyph(GL_WARN, ui->term.utf8), j);
        settings_doc_wrap(d, TR_WARN, line, width);
        free(line);
        free(j);
    }
    strlist_free(&weak);
    config_free(&c);
}

const struct profile_entry *home_entry(const struct home *h)
{
    int id = docview_selected_id(&h->plist);
    if (id < 0 || (size_t)id >= h->n_profiles)
        return NULL;
    return &h->profiles[id];
}

static const char *home_profile(const struct home *h)
{
    const struct profile_entry *e = home_entry(h);
    return e ? e->name : "";
}

const struct lab_target *home_lab_target(const struct home *h, const struct ui *ui)
{
    int id = docview_selected_id(&h->demo);
    if (!ui->lab || id < 0 || (size_t)id >= lab_count(ui->lab))
        return NULL;
    return lab_target_at(ui->lab, (size_t)id);
}

bool home_is_client_cert(const struct lab_target *t)
{
    return t && strcmp(t->name, "client-cert") == 0;
}

static void home_build_settings(struct home *h, struct ui *ui, int width)
{
    struct doc d = {0};
    const struct lab_target *t = home_lab_target(h, ui);
    if (h->focus == HF_DEMO && t) {
        settings_doc_wrap(&d, TR_TEXT, t->description, width);
        doc_blank(&d);
        if (lab_ready(ui->lab))
            doc_field(&d, HOME_LABEL_W, "server", TR_TEXT, "localhost:%u (demo lab)",
                      (unsigned)t->port);
        else
            doc_field(&d, HOME_LABEL_W, "server", TR_DIM, "localhost (demo lab, starting%s)",
                      glyph(GL_ELLIPSIS, ui->term.utf8));
        doc_field(&d, HOME_LABEL_W, "expect", TR_TEXT, "%s", t->expect);
        if (home_is_client_cert(t))
            settings_doc_wrap(&d, TR_DIM,
                              "Enter connects without a client certificate (see the "
                              "CertificateRequest); c connects with the lab's one.",
                              width);
        doc_blank(&d);
        doc_heading(&d, "with profile %s", *home_profile(h) ? home_profile(h) : "(none)");
    } else {
        const struct profile_entry *e = home_entry(h);
        if (e && e->description)
            settings_doc_wrap(&d, TR_TEXT, e->description, width);
        doc_blank(&d);
    }
    home_settings_of(ui, &d, home_profile(h), width);
    docview_set(&h->settings, &d);
    h->settings.top = 0;
}

static void home_build_plist(struct home *h, struct ui *ui)
{
    struct doc d = {0};
    int sel = docview_selected_id(&h->plist);
    for (size_t i = 0; i < h->n_profiles; i++) {
        const struct profile_entry *e = &h->profiles[i];
        if (e->shadowed)
            continue;
        struct doc_line *l = doc_line(&d, (int)i);
        bool on = sel == (int)i;
        doc_text(l, TR_KEY, "%s ", on ? glyph(GL_POINTER, ui->term.utf8) : " ");
        doc_peer(l, TR_TEXT, e->name);
        l->segs[l->n - 1].min_width = 18;
        bool bad = e->description && strncmp(e->description, "(invalid", 8) == 0;
        bool weak = h->weak && h->weak[i];
        doc_text(l, TR_WARN, "%s",
                 bad    ? glyph(GL_BAD, ui->term.utf8)
                 : weak ? glyph(GL_WARN, ui->term.utf8)
                        : " ");
        l->segs[l->n - 1].min_width = 2;
        doc_text(l, TR_DIM, "%s",
                 e->origin == PROFILE_USER ? "mine" : profile_origin_name(e->origin));
    }
    docview_set(&h->plist, &d);
}

static void home_build_demo(struct home *h, struct ui *ui)
{
    if (!ui->lab)
        return;
    struct doc d = {0};
    int sel = docview_selected_id(&h->demo);
    bool ready = lab_ready(ui->lab);
    for (size_t i = 0; i < lab_count(ui->lab); i++) {
        const struct lab_target *t = lab_target_at(ui->lab, i);
        struct doc_line *l = doc_line(&d, (int)i);
        doc_text(l, TR_KEY, "%s ", sel == (int)i ? glyph(GL_POINTER, ui->term.utf8) : " ");
        doc_text(l, ready ? TR_TEXT : TR_DIM, "%s", t->name);
        l->segs[l->n - 1].min_width = 21;
        if (!ready) { /* the servers are not up yet: the box title says "starting" */
            doc_text(l, TR_DIM, "%s", glyph(GL_ELLIPSIS, ui->term.utf8));
            continue;
        }
        bool good = strcmp(t->expect, "verified") == 0;
        enum glyph g = good ? GL_OK : strstr(t->expect, "fail") ? GL_BAD : GL_WARN;
        if (ui->term.cols >= 100)
            doc_text(l, good ? TR_OK : TR_WARN, "%s %s", glyph(g, ui->term.utf8), t->expect);
        else
            doc_text(l, good ? TR_OK : TR_WARN, "%s", glyph(g, ui->term.utf8));
    }
    docview_set(&h->demo, &d);
}

/* The ASCII form a typed target connects to, when it differs from what was typed: an
 * international name's A-labels ("bücher.example" → "xn--bcher-kva.example"). False for
 * ASCII text and for text that is no valid target (connecting says why). */
bool home_ascii_form(const char *spec, char *out, size_t n)
{
    bool ascii = true;
    for (const unsigned char *p = (const unsigned char *)spec; *p; p++)
        ascii = ascii && *p < 0x80;
    if (ascii)
        return false;
    struct tls_config c;
    char err[300];
    config_init(&c);
    bool ok = target_parse(spec, &c, err, sizeof err) == 0;
    if (ok)
        snprintf(out, n, "%s", c.host);
    config_free(&c);
    return ok;
}

/* Past targets, newest first (without the demo lab, which takes this place). */
static void home_build_recent(struct home *h, struct ui *ui)
{
    struct doc d = {0};
    int sel = docview_selected_id(&h->recent);
    for (size_t i = 0; i < h->history.len && !ui->lab; i++) {
        struct doc_line *l = doc_line(&d, (int)i);
        bool on = h->focus == HF_RECENT && sel == (int)i;
        doc_text(l, TR_KEY, "%s ", on ? glyph(GL_POINTER, ui->term.utf8) : " ");
        doc_peer(l, on ? TR_TEXT : TR_DIM, h->history.items[i]);
        char ascii[300];
        if (home_ascii_form(h->history.items[i], ascii, sizeof ascii)) {
            doc_text(l, TR_DIM, "  %s ", ui->term.utf8 ? "→" : "->");
            doc_peer(l, TR_DIM, ascii);
        }
    }
    docview_set(&h->recent, &d);
}

/* Rebuilds the lists (so the pointer follows the selection) and the settings beside them. */
static void home_rebuild(struct home *h, struct ui *ui)
{
    home_build_plist(h, ui);
    home_build_demo(h, ui);
    home_build_recent(h, ui);
    int w = ui->term.cols - home_left_width(ui->term.cols) - 4;
    home_build_settings(h, ui, w > 20 ? w : 20);
}

static void home_relayout(struct screen *s, struct ui *ui)
{
    home_rebuild((struct home *)s, ui);
}

/* ---- set-up ---- */

static void home_target_text(const char *host, uint16_t port, char *out, size_t n)
{
    bool v6 = strchr(host, ':') != NULL;
    if (port == 443)
        snprintf(out, n, v6 ? "[%s]" : "%s", host);
    else
        snprintf(out, n, v6 ? "[%s]:%u" : "%s:%u", host, (unsigned)port);
}

static void home_host_from_cli(struct home *h, struct ui *ui)
{
    const struct tls_config *c = ui->opt->cfg;
    if (!c || !c->host)
        return;
    home_target_text(c->host, c->port, h->host, sizeof h->host);
    h->host_len = h->host_cur = strlen(h->host);
}

/* The profile used when none is chosen: --profile, else "default" when it exists, else "". */
static const char *home_default_profile(const struct home *h, const struct ui *ui)
{
    if (ui->opt->profile)
        return ui->opt->profile;
    for (size_t i = 0; i < h->n_profiles; i++)
        if (strcmp(h->profiles[i].name, "default") == 0)
            return "default";
    return "";
}

static void home_init(struct home *h, struct ui *ui)
{
    char err[600];
    h->hist_pos = -1;
    h->lab_pending = -1;
    h->focus = HF_HOST;
    h->history_path = history_path();
    if (h->history_path && history_load(h->history_path, &h->history, err, sizeof err) < 0)
        ui_status(ui, TR_WARN, "history: %s", err);
    home_host_from_cli(h, ui);
    if (profile_list(&h->profiles, &h->n_profiles) < 0) {
        h->profiles = NULL;
        h->n_profiles = 0;
    }
    h->weak = xcalloc(h->n_profiles ? h->n_profiles : 1, sizeof *h->weak);
    for (size_t i = 0; i < h->n_profiles; i++)
        h->weak[i] = home_profile_weakens(ui, h->profiles[i].name);
    home_rebuild(h, ui); /* selects the first profile; then move to the default one */
    h->profiles_gen = ui->profiles_gen;
    const char *want = home_default_profile(h, ui);
    for (size_t i = 0; i < h->plist.doc.n; i++)
        if (strcmp(h->profiles[h->plist.doc.lines[i].id].name, want) == 0)
            h->plist.sel = i;
    home_rebuild(h, ui);
}

void home_reload_profiles(struct home *h, struct ui *ui)
{
    h->profiles_gen = ui->profiles_gen;
    char keep[UI_NAME_MAX];
    snprintf(keep, sizeof keep, "%s", home_profile(h));
    profile_entries_free(h->profiles, h->n_profiles);
    free(h->weak);
    if (profile_list(&h->profiles, &h->n_profiles) < 0) {
        h->profiles = NULL;
        h->n_profiles = 0;
    }
    h->weak = xcalloc(h->n_profiles ? h->n_profiles : 1, sizeof *h->weak);
    for (size_t i = 0; i < h->n_profiles; i++)
        h->weak[i] = home_profile_weakens(ui, h->profiles[i].name);
    home_rebuild(h, ui);
    for (size_t i = 0; i < h->plist.doc.n; i++)
        if (strcmp(h->profiles[h->plist.doc.lines[i].id].name, keep) == 0)
            h->plist.sel = i;
    home_rebuild(h, ui);
}

static void home_free(struct screen *s)
{
    struct home *h = (struct home *)s;
    if (h->last)
        h->last->ops->free(h->last);
    if (h->editor)
        h->editor->ops->free(h->editor);
    profile_entries_free(h->profiles, h->n_profiles);
    free(h->weak);
    docview_free(&h->plist);
    docview_free(&h->settings);
    docview_free(&h->demo);
    docview_free(&h->recent);
    strlist_free(&h->history);
    free(h->history_path);
    free(h);
}

static void home_remember(struct home *h, struct ui *ui, const char *spec)
{
    char err[600];
    if (!spec || !*spec)
        return;
    if (history_add(h->history_path, &h->history, spec, err, sizeof err) < 0 && h->history_path)
        ui_status(ui, TR_WARN, "history: %s", err);
    h->hist_pos = -1;
    h->recent.sel = 0; /* the target just used leads the list */
    home_rebuild(h, ui);
}

/* ---- keys ---- */

static void home_set_host(struct home *h, const char *text)
{
    snprintf(h->host, sizeof h->host, "%s", text);
    h->host_len = h->host_cur = strlen(h->host);
}

static void home_history(struct home *h, int dir)
{
    if (h->history.len == 0)
        return;
    if (dir < 0) { /* older */
        if (h->hist_pos == -1)
            snprintf(h->hist_saved, sizeof h->hist_saved, "%s", h->host);
        if ((size_t)(h->hist_pos + 1) < h->history.len)
            h->hist_pos++;
        home_set_host(h, h->history.items[h->hist_pos]);
    } else if (h->hist_pos >= 0) {
        h->hist_pos--;
        home_set_host(h, h->hist_pos >= 0 ? h->history.items[h->hist_pos] : h->hist_saved);
    }
}

static void home_connect_host(struct home *h, struct ui *ui)
{
    struct ui_target t = {.lab_index = -1};
    const char *p = h->host;
    while (*p == ' ')
        p++;
    snprintf(t.spec, sizeof t.spec, "%s", p);
    size_t n = strlen(t.spec);
    while (n > 0 && t.spec[n - 1] == ' ')
        t.spec[--n] = '\0';
    if (ui_check_is_file(t.spec)) { /* issue 13: a chain file to check, not a host */
        ui_check_file(ui, t.spec, NULL);
        return;
    }
    ui_dial_profile(ui, &t, home_profile(h), home_dialed, h);
}

/* Enter on a recent target: it goes into the host line and connects with the profile. */
static void home_connect_recent(struct home *h, struct ui *ui)
{
    int id = docview_selected_id(&h->recent);
    if (id < 0 || (size_t)id >= h->history.len)
        return;
    home_set_host(h, h->history.items[id]);
    home_connect_host(h, ui);
}

/* S on a recent target or a demo lab target: the Scan screen for it, with the profile in use. */
static void home_scan(struct home *h, struct ui *ui)
{
    struct ui_target t = {.lab_index = -1};
    if (h->focus == HF_DEMO) {
        int id = docview_selected_id(&h->demo);
        if (id < 0)
            return;
        if (!lab_ready(ui->lab)) { /* like Enter: scans once the lab is ready (home_lab) */
            const struct lab_target *lt = lab_target_at(ui->lab, (size_t)id);
            h->lab_pending = id;
            h->lab_pending_scan = true;
            ui_status(ui, TR_DIM, "the demo lab is starting: scans %s when it is ready",
                      lt ? lt->name : "the target");
            return;
        }
        t.lab_index = id;
    } else {
        int id = docview_selected_id(&h->recent);
        if (id < 0 || (size_t)id >= h->history.len)
            return;
        snprintf(t.spec, sizeof t.spec, "%s", h->history.items[id]);
    }
    struct tls_config cfg;
    char err[512];
    if (ui_build_config(ui, &t, home_profile(h), &cfg, err, sizeof err) < 0) {
        ui_status(ui, TR_BAD, "%s", err);
        return;
    }
    struct screen *sc = scan_screen_new(ui, &cfg);
    config_free(&cfg);
    if (sc)
        ui_push(ui, sc);
}

/* Connects to the selected lab target; while the lab starts, it connects once the lab is
 * ready, if the same target is still selected on the home screen then (home_lab_step). */
static void home_connect_lab(struct home *h, struct ui *ui, bool client_cert)
{
    int id = docview_selected_id(&h->demo);
    if (id < 0)
        return;
    if (!lab_ready(ui->lab)) {
        const struct lab_target *lt = lab_target_at(ui->lab, (size_t)id);
        h->lab_pending = id;
        h->lab_pending_cert = client_cert;
        h->lab_pending_scan = false;
        ui_status(ui, TR_DIM, "the demo lab is starting: connects to %s when it is ready",
                  lt ? lt->name : "the target");
        return;
    }
    struct ui_target t = {.lab_index = id, .client_cert = client_cert};
    ui_dial_profile(ui, &t, home_profile(h), home_dialed, h);
}

/* The recent list is on screen (it shares its place with the demo lab and needs room). */
static bool home_has_recent(const struct home *h, const struct ui *ui)
{
    return !ui->lab && h->history.len > 0 && h->recent_r.h > 0;
}

void home_focus(struct home *h, struct ui *ui, enum home_focus f)
{
    if ((f == HF_DEMO && !ui->lab) || (f == HF_RECENT && !home_has_recent(h, ui)))
        f = HF_HOST;
    h->focus = f;
    h->plist.focus = f == HF_PROFILES;
    h->demo.focus = f == HF_DEMO;
    h->recent.focus = f == HF_RECENT;
    home_rebuild(h, ui);
}

/* The demo lab is ready, or failed (ui->lab NULL: ui.c said why). */
static void home_lab(struct screen *s, struct ui *ui)
{
    struct home *h = (struct home *)s;
    int pending = h->lab_pending;
    h->lab_pending = -1;
    if (!ui->lab) {
        home_focus(h, ui, h->focus); /* off the demo list, which is gone */
        return;
    }
    home_rebuild(h, ui);
    if (pending < 0)
        return;
    bool still = ui_is_top(ui, &h->base) && ui_idle(ui) && h->focus == HF_DEMO;
    if (still && docview_selected_id(&h->demo) == pending && h->lab_pending_scan)
        home_scan(h, ui);
    else if (still && docview_selected_id(&h->demo) == pending)
        home_connect_lab(h, ui, h->lab_pending_cert);
    else
        ui_status(ui, TR_DIM, "the demo lab is ready");
}

/* Tab order: the host line, the profiles, then the demo lab or the recent targets. */
static void home_cycle(struct home *h, struct ui *ui, int dir)
{
    enum home_focus order[3] = {HF_HOST, HF_PROFILES, HF_HOST};
    int n = 2;
    if (ui->lab)
        order[n++] = HF_DEMO;
    else if (home_has_recent(h, ui))
        order[n++] = HF_RECENT;
    int i = 0;
    while (i < n && order[i] != h->focus)
        i++;
    home_focus(h, ui, order[((i == n ? 0 : i) + dir + n) % n]);
}

/* Esc: the last result again, as it was left. */
static void home_back_to_result(struct home *h, struct ui *ui)
{
    struct screen *r = h->last;
    h->last = NULL;
    ui_push(ui, r);
}

static bool home_key_host(struct home *h, struct ui *ui, int key, enum ui_action a)
{
    if (a == ACT_ENTER) {
        home_connect_host(h, ui);
    } else if (key == KEY_UP || key == KEY_DOWN) {
        home_history(h, key == KEY_UP ? -1 : 1);
    } else if (key == 27) {
        if (h->host_len)
            home_set_host(h, "");
        else if (h->last)
            home_back_to_result(h, ui);
    } else if (key == '?') {
        return false; /* help */
    } else if (ui_edit_key(h->host, sizeof h->host, &h->host_len, &h->host_cur, key)) {
        h->hist_pos = -1;
    } else {
        return false;
    }
    return true;
}

/* `e`: the selected profile in the editor; its Connect goes where Enter here would. */
static void home_edit(struct home *h, struct ui *ui)
{
    struct ui_target t = {.lab_index = -1};
    const char *p = h->host;
    while (*p == ' ')
        p++;
    snprintf(t.spec, sizeof t.spec, "%s", p);
    size_t n = strlen(t.spec);
    while (n > 0 && t.spec[n - 1] == ' ')
        t.spec[--n] = '\0';
    if (!t.spec[0] && ui->opt->cfg && ui->opt->cfg->host)
        t.from_cli = true;
    struct screen *e = editor_screen_open(ui, home_profile(h), &t, NULL, h->editor);
    h->editor = NULL; /* taken: reused, or freed */
    ui_push(ui, e);
}

/* The list a focus names, and where it was last drawn; NULL for the host line. */
static struct docview *home_list(struct home *h, enum home_focus f, struct rect *r)
{
    switch (f) {
    case HF_PROFILES: *r = h->plist_r; return &h->plist;
    case HF_DEMO: *r = h->demo_r; return &h->demo;
    case HF_RECENT: *r = h->recent_r; return &h->recent;
    case HF_HOST: break;
    }
    *r = (struct rect){0, 0, 0, 0};
    return NULL;
}

static bool home_key_list(struct home *h, struct ui *ui, int key, enum ui_action a)
{
    struct rect r;
    struct docview *v = home_list(h, h->focus, &r);
    if (!v)
        return false;
    if (docview_action(v, a, r.h > 0 ? r.h : 5)) {
        home_rebuild(h, ui);
    } else if (a == ACT_ENTER) {
        if (h->focus == HF_DEMO)
            home_connect_lab(h, ui, false);
        else if (h->focus == HF_RECENT)
            home_connect_recent(h, ui);
        else
            home_connect_host(h, ui);
    } else if (key == 'S' && (h->focus == HF_DEMO || h->focus == HF_RECENT)) {
        home_scan(h, ui);
    } else if (key == 'c' && h->focus == HF_DEMO) {
        if (home_is_client_cert(home_lab_target(h, ui)))
            home_connect_lab(h, ui, true);
        else
            ui_status(ui, TR_DIM, "c connects the client-cert target with the lab's certificate");
    } else if (a == ACT_EDIT_PROFILE && h->focus == HF_PROFILES) {
        home_edit(h, ui);
    } else if (a == ACT_CHECK_FILE) { /* issue 13 */
        ui_check_file_prompt(ui);
    } else if (a == ACT_BACK) {
        if (h->last && key == 27)
            home_back_to_result(h, ui);
        else
            home_focus(h, ui, HF_HOST);
    } else {
        return false;
    }
    return true;
}

static bool home_key(struct screen *s, struct ui *ui, int key, enum ui_action a)
{
    struct home *h = (struct home *)s;
    if (a == ACT_NEXT_PANE || a == ACT_PREV_PANE) {
        home_cycle(h, ui, a == ACT_NEXT_PANE ? 1 : -1);
        return true;
    }
    if (h->focus == HF_HOST)
        return home_key_host(h, ui, key, a);
    return home_key_list(h, ui, key, a);
}

static bool home_inside(struct rect r, int y, int x)
{
    return y >= r.y && y < r.y + r.h && x >= r.x && x < r.x + r.w;
}

static void home_click(struct screen *s, struct ui *ui, int y, int x, int button)
{
    struct home *h = (struct home *)s;
    enum home_focus under = HF_HOST; /* the list under the pointer, if any */
    if (home_inside(h->plist_r, y, x))
        under = HF_PROFILES;
    else if (ui->lab && home_inside(h->demo_r, y, x))
        under = HF_DEMO;
    else if (home_has_recent(h, ui) && home_inside(h->recent_r, y, x))
        under = HF_RECENT;
    struct rect r;
    struct docview *v = home_list(h, under, &r);
    if (button == 4 || button == 5) {
        if (v) {
            docview_scroll(v, button == 4 ? -1 : 1, r.h);
            home_rebuild(h, ui);
        }
        return;
    }
    if (home_inside(h->host_r, y, x)) {
        home_focus(h, ui, HF_HOST);
    } else if (v) {
        docview_click(v, r, y);
        home_focus(h, ui, under);
    }
}

/* ---- the screen ---- */

/* A connection started here finished: its result goes on top (the editor kept here goes with
 * it, so `e` there finds its edits); the typed target joins the history. */
static void home_show(struct home *h, struct ui *ui, struct dial_result *res)
{
    if (res->target.spec[0] && res->target.lab_index < 0) {
        home_remember(h, ui, res->target.spec);
    } else if (res->target.from_cli && res->cfg.host) {
        char spec[300];
        home_target_text(res->cfg.host, res->cfg.port, spec, sizeof spec);
        home_remember(h, ui, spec);
    }
    if (h->last)
        h->last->ops->free(h->last);
    h->last = NULL;
    struct screen *r = result_screen_new(ui, res, h->editor);
    h->editor = NULL;
    ui_push(ui, r);
}

static void home_dialed(struct ui *ui, void *ctx, struct dial_result *res)
{
    home_show(ctx, ui, res);
}

static bool home_resume(struct screen *s, struct ui *ui, struct outcome *o)
{
    struct home *h = (struct home *)s;
    if (!o) { /* entering, at the bottom of the stack: a target given connects at once */
        const struct ui_options *opt = ui->opt;
        if (opt->connect_now && opt->cfg && opt->cfg->host) {
            struct ui_target tg = {.lab_index = -1, .from_cli = true};
            ui_dial_profile(ui, &tg, opt->profile, home_dialed, h);
        }
        return false;
    }
    bool editor = o->from->ops == &editor_screen_ops;
    if (o->kind == OUT_DISCARD)
        return false;
    if (editor) {
        if (h->editor)
            h->editor->ops->free(h->editor);
        h->editor = o->from; /* the same profile keeps its edits */
        if (o->kind == OUT_CONNECTED)
            home_show(h, ui, &o->conn);
        return true;
    }
    if (o->from->ops != &result_screen_ops)
        return false;
    if (h->last)
        h->last->ops->free(h->last);
    h->last = o->from; /* Esc shows it again */
    return true;
}

static bool home_typing(const struct screen *s)
{
    return ((const struct home *)s)->focus == HF_HOST;
}

static void home_help(struct screen *s, struct ui *ui, struct doc *d)
{
    (void)s;
    doc_heading(d, "Home screen");
    static const char *const home[][2] = {
        {"typing", "edits the host line: host or host:port"},
        {"Up, Down", "past targets, while the host line has focus"},
        {"Tab", "host line → profiles → demo targets"},
        {"Enter", "connect with the selected profile"},
        {"c", "demo client-cert target: connect with the lab's client certificate"},
    };
    for (size_t i = 0; i < sizeof home / sizeof home[0]; i++) {
        if (i == 4 && !ui->lab)
            continue;
        doc_key_line(d, home[i][0], home[i][1]);
    }
    doc_blank(d);
    diff_screen_help(d);
    doc_blank(d);
    scan_screen_help(d);
}

static const struct screen_ops home_ops = {
    .name = "home",
    .draw = home_draw,
    .key = home_key,
    .mouse = home_click,
    .resize = home_relayout,
    .resume = home_resume,
    .help = home_help,
    .typing = home_typing,
    .lab = home_lab,
    .free = home_free,
};

struct screen *home_screen_new(struct ui *ui)
{
    struct home *h = xcalloc(1, sizeof *h);
    h->base.ops = &home_ops;
    home_init(h, ui);
    return &h->base;
}
