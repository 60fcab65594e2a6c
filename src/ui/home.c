/* The home screen: the host line with its history, the profile list with the selected
 * profile's effective settings beside it, and the demo lab's targets when --demo is on. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/history.h"
#include "ui/screens.h"
#include "ui/term_ext.h"
#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strbuf.h"

#ifndef TLSCOPE_VERSION
#define TLSCOPE_VERSION "0.1"
#endif

#define HOME_LABEL_W 11 /* "protocols  " */

/* Width of the left column (profiles, demo lab, recent) for a terminal this wide. */
static int home_left_width(int cols)
{
    return cols >= 100 ? 40 : 34;
}

/* ---- documents ---- */

/* Length in bytes of the UTF-8 character at p (1 for a stray byte). */
static size_t home_cp_len(const char *p)
{
    unsigned char c = (unsigned char)*p;
    size_t n = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 1;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80)
            return 1;
    return n;
}

/* Appends text (sanitised) as lines of at most width columns, broken at blanks. */
static void home_wrap(struct doc *d, enum theme_role role, const char *text, int width)
{
    char *safe = sanitize_terminal(text);
    const char *p = safe;
    while (*p) {
        const char *end = p, *brk = NULL;
        int w = 0;
        while (*end) {
            size_t n = home_cp_len(end);
            char cp[5] = {0};
            memcpy(cp, end, n);
            int cw = doc_width(cp);
            if (w + cw > width)
                break;
            if (*end == ' ')
                brk = end;
            w += cw;
            end += n;
        }
        if (*end && brk && brk > p)
            end = brk;
        if (end == p)
            end = p + home_cp_len(p);
        char *line = xstrndup(p, (size_t)(end - p));
        doc_text(doc_line(d, -1), role, "%s", line);
        free(line);
        p = end;
        while (*p == ' ')
            p++;
    }
    free(safe);
}

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

static char *home_protocols(const struct tls_config *c)
{
    const char *lo = c->min_proto ? proto_label(c->min_proto) : "library lowest";
    const char *hi = c->max_proto ? proto_label(c->max_proto) : "library highest";
    if (c->min_proto && c->min_proto == c->max_proto)
        return xstrdup(lo);
    return xasprintf("%s – %s", lo, hi);
}

static char *home_spaced(const char *list)
{
    char *s = xstrdup(list);
    for (char *p = s; *p; p++)
        if (*p == ':')
            *p = ' ';
    return s;
}

static void home_settings_fields(struct doc *d, const struct tls_config *c)
{
    char *protos = home_protocols(c);
    doc_field(d, HOME_LABEL_W, "protocols", TR_TEXT, "%s", protos);
    free(protos);
    doc_field_peer(d, HOME_LABEL_W, "ciphers", TR_TEXT,
                   c->ciphers ? c->ciphers : "OpenSSL default");
    if (c->ciphersuites)
        doc_field_peer(d, HOME_LABEL_W, "suites", TR_TEXT, c->ciphersuites);
    char *groups = home_spaced(c->groups ? c->groups : "OpenSSL default");
    doc_field_peer(d, HOME_LABEL_W, "groups", TR_TEXT, groups);
    free(groups);
    if (c->sigalgs)
        doc_field_peer(d, HOME_LABEL_W, "sigalgs", TR_TEXT, c->sigalgs);
    const char *trust = c->ca_file ? c->ca_file : c->ca_path ? c->ca_path : "system CAs";
    char *verify =
        c->verify ? xasprintf("on · %s · %s", c->hostname_check ? "hostname" : "no hostname", trust)
                  : xstrdup("off");
    doc_field_peer(d, HOME_LABEL_W, "verify", c->verify ? TR_TEXT : TR_WARN, verify);
    free(verify);
    char *alpn = c->alpn.len ? strlist_join(&c->alpn, " ") : xstrdup("none");
    doc_field_peer(d, HOME_LABEL_W, "alpn", TR_TEXT, alpn);
    free(alpn);
    doc_field_peer(d, HOME_LABEL_W, "client", TR_TEXT, c->cert_file ? c->cert_file : "none");
    if (c->ocsp || c->ocsp_required)
        doc_field(d, HOME_LABEL_W, "ocsp", TR_TEXT, "%s",
                  c->ocsp_required ? "required" : "requested");
    if (c->sec_level >= 0)
        doc_field(d, HOME_LABEL_W, "sec level", c->sec_level == 0 ? TR_WARN : TR_TEXT, "%d",
                  c->sec_level);
    if (c->host)
        doc_field(d, HOME_LABEL_W, "target", TR_TEXT, "%s:%u", c->host, (unsigned)c->port);
}

/* The effective settings of profile, with a warning when they weaken verification. */
static void home_settings_of(struct ui *ui, struct doc *d, const char *profile, int width)
{
    struct tls_config c;
    char err[1400];
    if (ui_profile_config(ui, profile, &c, NULL, err, sizeof err) < 0) {
        home_wrap(d, TR_BAD, err, width);
        return;
    }
    home_settings_fields(d, &c);
    struct strlist weak = {0};
    config_weakenings(&c, &weak);
    if (weak.len) {
        char *j = strlist_join(&weak, "; ");
        char *line = xasprintf("%s weakens verification: %s", glyph(GL_WARN, ui->term.utf8), j);
        home_wrap(d, TR_WARN, line, width);
        free(line);
        free(j);
    }
    strlist_free(&weak);
    config_free(&c);
}

static const struct profile_entry *home_entry(const struct ui *ui)
{
    int id = docview_selected_id(&ui->home.plist);
    if (id < 0 || (size_t)id >= ui->home.n_profiles)
        return NULL;
    return &ui->home.profiles[id];
}

const char *home_profile(const struct ui *ui)
{
    const struct profile_entry *e = home_entry(ui);
    return e ? e->name : "";
}

static const struct lab_target *home_lab_target(const struct ui *ui)
{
    int id = docview_selected_id(&ui->home.demo);
    if (!ui->lab || id < 0 || (size_t)id >= lab_count(ui->lab))
        return NULL;
    return lab_target_at(ui->lab, (size_t)id);
}

static bool home_is_client_cert(const struct lab_target *t)
{
    return t && strcmp(t->name, "client-cert") == 0;
}

static void home_build_settings(struct ui *ui, int width)
{
    struct doc d = {0};
    const struct lab_target *t = home_lab_target(ui);
    if (ui->home.focus == HF_DEMO && t) {
        home_wrap(&d, TR_TEXT, t->description, width);
        doc_blank(&d);
        if (lab_ready(ui->lab))
            doc_field(&d, HOME_LABEL_W, "server", TR_TEXT, "localhost:%u (demo lab)",
                      (unsigned)t->port);
        else
            doc_field(&d, HOME_LABEL_W, "server", TR_DIM, "localhost (demo lab, starting%s)",
                      glyph(GL_ELLIPSIS, ui->term.utf8));
        doc_field(&d, HOME_LABEL_W, "expect", TR_TEXT, "%s", t->expect);
        if (home_is_client_cert(t))
            home_wrap(&d, TR_DIM,
                      "Enter connects without a client certificate (see the "
                      "CertificateRequest); c connects with the lab's one.",
                      width);
        doc_blank(&d);
        doc_heading(&d, "with profile %s", *home_profile(ui) ? home_profile(ui) : "(none)");
    } else {
        const struct profile_entry *e = home_entry(ui);
        if (e && e->description)
            home_wrap(&d, TR_TEXT, e->description, width);
        doc_blank(&d);
    }
    home_settings_of(ui, &d, home_profile(ui), width);
    docview_set(&ui->home.settings, &d);
    ui->home.settings.top = 0;
}

static void home_build_plist(struct ui *ui)
{
    struct home *h = &ui->home;
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

static void home_build_demo(struct ui *ui)
{
    struct home *h = &ui->home;
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
static bool home_ascii_form(const char *spec, char *out, size_t n)
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
static void home_build_recent(struct ui *ui)
{
    struct home *h = &ui->home;
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
static void home_rebuild(struct ui *ui)
{
    home_build_plist(ui);
    home_build_demo(ui);
    home_build_recent(ui);
    int w = ui->term.cols - home_left_width(ui->term.cols) - 4;
    home_build_settings(ui, w > 20 ? w : 20);
}

void home_relayout(struct ui *ui)
{
    home_rebuild(ui);
}

/* ---- set-up ---- */

void home_target_text(const char *host, uint16_t port, char *out, size_t n)
{
    bool v6 = strchr(host, ':') != NULL;
    if (port == 443)
        snprintf(out, n, v6 ? "[%s]" : "%s", host);
    else
        snprintf(out, n, v6 ? "[%s]:%u" : "%s:%u", host, (unsigned)port);
}

static void home_host_from_cli(struct ui *ui)
{
    struct home *h = &ui->home;
    const struct tls_config *c = ui->opt->cfg;
    if (!c || !c->host)
        return;
    home_target_text(c->host, c->port, h->host, sizeof h->host);
    h->host_len = h->host_cur = strlen(h->host);
}

void home_init(struct ui *ui)
{
    struct home *h = &ui->home;
    char err[600];
    h->hist_pos = -1;
    h->lab_pending = -1;
    h->focus = HF_HOST;
    h->history_path = history_path();
    if (h->history_path && history_load(h->history_path, &h->history, err, sizeof err) < 0)
        ui_status(ui, TR_WARN, "history: %s", err);
    home_host_from_cli(ui);
    if (profile_list(&h->profiles, &h->n_profiles) < 0) {
        h->profiles = NULL;
        h->n_profiles = 0;
    }
    h->weak = xcalloc(h->n_profiles ? h->n_profiles : 1, sizeof *h->weak);
    for (size_t i = 0; i < h->n_profiles; i++)
        h->weak[i] = home_profile_weakens(ui, h->profiles[i].name);
    home_rebuild(ui); /* selects the first profile; then move to the default one */
    const char *want = ui_default_profile(ui);
    for (size_t i = 0; i < h->plist.doc.n; i++)
        if (strcmp(h->profiles[h->plist.doc.lines[i].id].name, want) == 0)
            h->plist.sel = i;
    home_rebuild(ui);
}

void home_reload_profiles(struct ui *ui)
{
    struct home *h = &ui->home;
    char keep[UI_NAME_MAX];
    snprintf(keep, sizeof keep, "%s", home_profile(ui));
    profile_entries_free(h->profiles, h->n_profiles);
    free(h->weak);
    if (profile_list(&h->profiles, &h->n_profiles) < 0) {
        h->profiles = NULL;
        h->n_profiles = 0;
    }
    h->weak = xcalloc(h->n_profiles ? h->n_profiles : 1, sizeof *h->weak);
    for (size_t i = 0; i < h->n_profiles; i++)
        h->weak[i] = home_profile_weakens(ui, h->profiles[i].name);
    home_rebuild(ui);
    for (size_t i = 0; i < h->plist.doc.n; i++)
        if (strcmp(h->profiles[h->plist.doc.lines[i].id].name, keep) == 0)
            h->plist.sel = i;
    home_rebuild(ui);
}

void home_free(struct home *h)
{
    profile_entries_free(h->profiles, h->n_profiles);
    free(h->weak);
    docview_free(&h->plist);
    docview_free(&h->settings);
    docview_free(&h->demo);
    docview_free(&h->recent);
    strlist_free(&h->history);
    free(h->history_path);
    memset(h, 0, sizeof *h);
}

void home_remember(struct ui *ui, const char *spec)
{
    struct home *h = &ui->home;
    char err[600];
    if (!spec || !*spec)
        return;
    if (history_add(h->history_path, &h->history, spec, err, sizeof err) < 0 && h->history_path)
        ui_status(ui, TR_WARN, "history: %s", err);
    h->hist_pos = -1;
    h->recent.sel = 0; /* the target just used leads the list */
    home_rebuild(ui);
}

/* ---- keys ---- */

static void home_set_host(struct home *h, const char *text)
{
    snprintf(h->host, sizeof h->host, "%s", text);
    h->host_len = h->host_cur = strlen(h->host);
}

static void home_history(struct ui *ui, int dir)
{
    struct home *h = &ui->home;
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

static void home_connect_host(struct ui *ui)
{
    struct home *h = &ui->home;
    struct ui_target t = {.lab_index = -1};
    const char *p = h->host;
    while (*p == ' ')
        p++;
    snprintf(t.spec, sizeof t.spec, "%s", p);
    size_t n = strlen(t.spec);
    while (n > 0 && t.spec[n - 1] == ' ')
        t.spec[--n] = '\0';
    ui_connect(ui, &t, home_profile(ui));
}

/* Enter on a recent target: it goes into the host line and connects with the profile. */
static void home_connect_recent(struct ui *ui)
{
    struct home *h = &ui->home;
    int id = docview_selected_id(&h->recent);
    if (id < 0 || (size_t)id >= h->history.len)
        return;
    home_set_host(h, h->history.items[id]);
    home_connect_host(ui);
}

/* Connects to the selected lab target; while the lab starts, it connects once the lab is
 * ready, if the same target is still selected on the home screen then (home_lab_step). */
static void home_connect_lab(struct ui *ui, bool client_cert)
{
    struct home *h = &ui->home;
    int id = docview_selected_id(&h->demo);
    if (id < 0)
        return;
    if (!lab_ready(ui->lab)) {
        const struct lab_target *lt = lab_target_at(ui->lab, (size_t)id);
        h->lab_pending = id;
        h->lab_pending_cert = client_cert;
        ui_status(ui, TR_DIM, "the demo lab is starting: connects to %s when it is ready",
                  lt ? lt->name : "the target");
        return;
    }
    struct ui_target t = {.lab_index = id, .client_cert = client_cert};
    ui_connect(ui, &t, home_profile(ui));
}

/* The recent list is on screen (it shares its place with the demo lab and needs room). */
static bool home_has_recent(const struct ui *ui)
{
    return !ui->lab && ui->home.history.len > 0 && ui->home.recent_r.h > 0;
}

static void home_focus(struct ui *ui, enum home_focus f)
{
    struct home *h = &ui->home;
    if ((f == HF_DEMO && !ui->lab) || (f == HF_RECENT && !home_has_recent(ui)))
        f = HF_HOST;
    h->focus = f;
    h->plist.focus = f == HF_PROFILES;
    h->demo.focus = f == HF_DEMO;
    h->recent.focus = f == HF_RECENT;
    home_rebuild(ui);
}

void home_lab_step(struct ui *ui)
{
    struct home *h = &ui->home;
    enum lab_state st = lab_step(ui->lab);
    if (st == LAB_STARTING)
        return;
    int pending = h->lab_pending;
    h->lab_pending = -1;
    if (st == LAB_FAILED) {
        ui_status(ui, TR_BAD, "%s", lab_error(ui->lab));
        lab_stop(ui->lab);
        ui->lab = NULL;
        home_focus(ui, h->focus); /* off the demo list, which is gone */
        return;
    }
    home_rebuild(ui);
    if (pending < 0)
        return;
    bool still = ui->screen == SCR_HOME && !ui->conn && !ui->help && !ui->picker &&
                 ui->prompt.kind == PROMPT_NONE && h->focus == HF_DEMO;
    if (still && docview_selected_id(&h->demo) == pending)
        home_connect_lab(ui, h->lab_pending_cert);
    else
        ui_status(ui, TR_DIM, "the demo lab is ready");
}

/* Tab order: the host line, the profiles, then the demo lab or the recent targets. */
static void home_cycle(struct ui *ui, int dir)
{
    enum home_focus order[3] = {HF_HOST, HF_PROFILES, HF_HOST};
    int n = 2;
    if (ui->lab)
        order[n++] = HF_DEMO;
    else if (home_has_recent(ui))
        order[n++] = HF_RECENT;
    int i = 0;
    while (i < n && order[i] != ui->home.focus)
        i++;
    home_focus(ui, order[((i == n ? 0 : i) + dir + n) % n]);
}

static bool home_key_host(struct ui *ui, int key, enum ui_action a)
{
    struct home *h = &ui->home;
    if (a == ACT_ENTER) {
        home_connect_host(ui);
    } else if (key == KEY_UP || key == KEY_DOWN) {
        home_history(ui, key == KEY_UP ? -1 : 1);
    } else if (key == 27) {
        if (h->host_len)
            home_set_host(h, "");
        else if (ui->result.report)
            ui->screen = SCR_RESULT;
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
static void home_edit(struct ui *ui)
{
    struct ui_target t = {.lab_index = -1};
    const char *p = ui->home.host;
    while (*p == ' ')
        p++;
    snprintf(t.spec, sizeof t.spec, "%s", p);
    size_t n = strlen(t.spec);
    while (n > 0 && t.spec[n - 1] == ' ')
        t.spec[--n] = '\0';
    if (!t.spec[0] && ui->opt->cfg && ui->opt->cfg->host)
        t.from_cli = true;
    editor_open(ui, home_profile(ui), &t, false);
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

static bool home_key_list(struct ui *ui, int key, enum ui_action a)
{
    struct home *h = &ui->home;
    struct rect r;
    struct docview *v = home_list(h, h->focus, &r);
    if (!v)
        return false;
    if (docview_action(v, a, r.h > 0 ? r.h : 5)) {
        home_rebuild(ui);
    } else if (a == ACT_ENTER) {
        if (h->focus == HF_DEMO)
            home_connect_lab(ui, false);
        else if (h->focus == HF_RECENT)
            home_connect_recent(ui);
        else
            home_connect_host(ui);
    } else if (key == 'c' && h->focus == HF_DEMO) {
        if (home_is_client_cert(home_lab_target(ui)))
            home_connect_lab(ui, true);
        else
            ui_status(ui, TR_DIM, "c connects the client-cert target with the lab's certificate");
    } else if (a == ACT_EDIT_PROFILE && h->focus == HF_PROFILES) {
        home_edit(ui);
    } else if (a == ACT_BACK) {
        if (ui->result.report && key == 27)
            ui->screen = SCR_RESULT;
        else
            home_focus(ui, HF_HOST);
    } else {
        return false;
    }
    return true;
}

bool home_key(struct ui *ui, int key, enum ui_action a)
{
    if (a == ACT_NEXT_PANE || a == ACT_PREV_PANE) {
        home_cycle(ui, a == ACT_NEXT_PANE ? 1 : -1);
        return true;
    }
    if (ui->home.focus == HF_HOST)
        return home_key_host(ui, key, a);
    return home_key_list(ui, key, a);
}

static bool home_inside(struct rect r, int y, int x)
{
    return y >= r.y && y < r.y + r.h && x >= r.x && x < r.x + r.w;
}

void home_click(struct ui *ui, int y, int x, int button)
{
    struct home *h = &ui->home;
    enum home_focus under = HF_HOST; /* the list under the pointer, if any */
    if (home_inside(h->plist_r, y, x))
        under = HF_PROFILES;
    else if (ui->lab && home_inside(h->demo_r, y, x))
        under = HF_DEMO;
    else if (home_has_recent(ui) && home_inside(h->recent_r, y, x))
        under = HF_RECENT;
    struct rect r;
    struct docview *v = home_list(h, under, &r);
    if (button == 4 || button == 5) {
        if (v) {
            docview_scroll(v, button == 4 ? -1 : 1, r.h);
            home_rebuild(ui);
        }
        return;
    }
    if (home_inside(h->host_r, y, x)) {
        home_focus(ui, HF_HOST);
    } else if (v) {
        docview_click(v, r, y);
        home_focus(ui, under);
    }
}

/* ---- drawing ---- */

static void home_draw_host(struct ui *ui, struct rect box)
{
    struct home *h = &ui->home;
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

static void home_draw_settings(struct ui *ui, struct rect box)
{
    struct home *h = &ui->home;
    const struct lab_target *t = home_lab_target(ui);
    const struct profile_entry *e = home_entry(ui);
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

static const char *home_hints(const struct ui *ui)
{
    switch (ui->home.focus) {
    case HF_HOST:
        return ui->term.utf8 ? "Enter connect  Tab profiles  ↑↓ history  Esc clear"
                             : "Enter connect  Tab profiles  Up/Dn history  Esc clear";
    case HF_PROFILES:
        return ui->term.utf8 ? "↑↓ select  Enter connect  e edit  Tab next  t theme"
                             : "Up/Dn select  Enter connect  e edit  Tab next  t theme";
    case HF_RECENT:
        return ui->term.utf8 ? "↑↓ select  Enter connect  Tab next  Esc host line"
                             : "Up/Dn select  Enter connect  Tab next  Esc host line";
    case HF_DEMO:
        return home_is_client_cert(home_lab_target(ui))
                   ? "Enter connect  c with client cert  Tab next  t theme"
                   : "Enter connect  Tab next  t theme";
    }
    return "";
}

void home_draw(struct ui *ui)
{
    struct home *h = &ui->home;
    struct term *t = &ui->term;
    ui_draw_title(ui, 0, "tlscope " TLSCOPE_VERSION " — TLS connection explorer",
                  ui->result.report ? "Esc last result" : NULL);
    home_draw_host(ui, (struct rect){1, 0, 3, t->cols});
    char *keylog = session_keylog_warning(ui); /* on the box's lower edge while K is on */
    if (keylog) {
        char *text = xasprintf(" %s ", keylog);
        term_put(t, 3, 2, t->cols - 4, TR_WARN, text);
        free(text);
        free(keylog);
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
            home_focus(ui, HF_HOST); /* resized away */
    }
    home_draw_settings(ui, (struct rect){top, lw, body, t->cols - lw});
    ui_draw_bottom(ui, home_hints(ui));
}
