/* The profile editor screen (`e`): every schema key as a form row with its help, enumerations
 * that cycle, text checked by the loader's own parsing as the person leaves the field, file
 * fields described, changed rows marked, Connect with the edited settings, and saving. */
#include "ui/editor.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/profile.h"
#include "profile/schema.h"
#include "ui/core.h"
#include "util/mem.h"
#include "util/sanitize.h"

#define ED_TEXT_MAX 512
#define ED_NAME_COL 19
/* The editor of a result made from flags alone; its connections are "command-line flags
 * (edited)". */
#define ED_CLI_NAME "command-line flags"

/* One row of the form: the text shown and edited, and what the last check said. */
struct ed_field {
    char buf[ED_TEXT_MAX];
    size_t len, cur;
    bool bad;       /* the text was refused: note holds the reason */
    char note[400]; /* the reason, or what a file holds */
};

/* What a question on the status line is about. */
enum ed_ask { ASK_NONE, ASK_NAME, ASK_REPLACE, ASK_UNSAVED };
/* What happens once the unsaved changes are dealt with. */
enum ed_then { THEN_STAY, THEN_LEAVE, THEN_QUIT };

struct editor {
    struct screen base;
    /* The profile's name; for settings from a result made with flags alone, ED_CLI_NAME (no
     * file; see ed_from_result). */
    char name[UI_NAME_MAX];
    char source[UI_NAME_MAX + 32]; /* the title's "from the command line", or "" */
    bool plus_flags; /* a result's effective settings: profile name + flags ("X + flags") */
    bool flags_in;   /* the command-line flags are in cfg already: Connect does
                      * not apply them again (they would undo an edit) */
    enum profile_origin origin;
    struct tls_config orig, cfg; /* as loaded (with its extends chain), as edited */
    char *desc_orig;             /* description as loaded, or NULL */
    char *extends;               /* as loaded, or NULL: shown, not edited */
    struct ed_field f[PROFILE_KEYS_MAX];
    size_t n;    /* schema keys; row n is Connect */
    size_t sel;  /* the focused row */
    bool typing; /* the focused text field takes keys */
    char undo[ED_TEXT_MAX];
    int top; /* first display line shown */
    struct ui_target target;
    enum ed_ask ask;
    enum ed_then then;
    char answer[UI_NAME_MAX];
    size_t alen, acur;
    char save_name[UI_NAME_MAX];
};

/* ---- values ---- */

static const struct setting *ed_key(const struct editor *e, size_t i)
{
    return i < e->n ? setting_at(i) : NULL;
}

static bool ed_is_file(const struct setting *k)
{
    return k->type == SET_PATH && strcmp(k->name, "keylog") != 0;
}

/* The options an enumeration cycles through (NULL-terminated), or NULL for text. */
static const char *const *ed_choices(const struct setting *k)
{
    static const char *const protos[] = {"", "tls1.0", "tls1.1", "tls1.2", "tls1.3", NULL};
    static const char *const bools[] = {"true", "false", NULL};
    static const char *const fams[] = {"any", "ipv4", "ipv6", NULL};
    static const char *const levels[] = {"", "0", "1", "2", "3", "4", "5", NULL};
    switch (k->type) {
    case SET_PROTO: return protos;
    case SET_BOOL: return bools;
    case SET_FAMILY: return fams;
    case SET_INT: return levels;
    default: return NULL;
    }
}

static void ed_set_buf(struct ed_field *f, const char *text)
{
    snprintf(f->buf, sizeof f->buf, "%s", text);
    f->len = f->cur = strlen(f->buf);
}

/* The file a file row names, "~/" expanded as the loader does; caller frees. */
static char *ed_file_path(const struct setting *k, const char *text)
{
    const char *home = getenv("HOME");
    if (text[0] == '~' && text[1] == '/' && home && *home)
        return xasprintf("%s%s", home, text + 1);
    if (strcmp(k->name, "keylog") == 0) { /* keylog: its directory must exist */
        const char *slash = strrchr(text, '/');
        return slash ? xstrndup(text, slash == text ? 1 : (size_t)(slash - text)) : xstrdup(".");
    }
    return xstrdup(text);
}

/* The note under a good value: what a file holds. */
static void ed_describe(struct editor *e, size_t i)
{
    const struct setting *k = ed_key(e, i);
    struct ed_field *f = &e->f[i];
    f->note[0] = '\0';
    if (k->type != SET_PATH || f->len == 0)
        return;
    char *path = ed_file_path(k, f->buf), desc[300];
    int rc = engine_describe_file(path, desc, sizeof desc);
    if (strcmp(k->name, "keylog") == 0)
        snprintf(f->note, sizeof f->note, "%s", rc < 0 ? desc : "");
    else if (ed_is_file(k) || rc < 0)
        snprintf(f->note, sizeof f->note, "%s", desc);
    f->bad = rc < 0;
    free(path);
}

/* min_protocol above max_protocol leaves nothing to offer: the row just changed (i) says so,
 * and the other protocol row is cleared, since only this rule can refuse a cycled value. */
static void ed_check_proto_range(struct editor *e, size_t i)
{
    const struct setting *kmin = setting_find("min_protocol"), *kmax = setting_find("max_protocol");
    size_t lo = setting_index(kmin), hi = setting_index(kmax);
    if (i != lo && i != hi)
        return;
    e->f[lo].bad = e->f[hi].bad = false;
    e->f[lo].note[0] = e->f[hi].note[0] = '\0';
    if (!e->cfg.min_proto || !e->cfg.max_proto || e->cfg.min_proto <= e->cfg.max_proto)
        return;
    e->f[i].bad = true;
    if (i == lo)
        snprintf(e->f[i].note, sizeof e->f[i].note,
                 "above max_protocol %s: no version is left to offer",
                 proto_label(e->cfg.max_proto));
    else
        snprintf(e->f[i].note, sizeof e->f[i].note,
                 "below min_protocol %s: no version is left to offer",
                 proto_label(e->cfg.min_proto));
}

/* Checks row i's text with the loader's rules; a good value goes into the edited config. */
static void ed_check(struct editor *e, size_t i)
{
    const struct setting *k = ed_key(e, i);
    struct ed_field *f = &e->f[i];
    char err[400];
    if (!k)
        return;
    f->bad = false;
    f->note[0] = '\0';
    if (profile_set_text(k, f->buf, &e->cfg, err, sizeof err) < 0) {
        char *safe = sanitize_terminal(err);
        snprintf(f->note, sizeof f->note, "%s", safe);
        free(safe);
        f->bad = true;
        return;
    }
    ed_describe(e, i);
    if (k->type == SET_PROTO)
        ed_check_proto_range(e, i);
}

static bool ed_changed(const struct editor *e, size_t i)
{
    const struct setting *k = ed_key(e, i);
    if (!k)
        return false;
    if (strcmp(k->name, "description") == 0)
        return strcmp(e->f[i].buf, e->desc_orig ? e->desc_orig : "") != 0;
    if (k->type == SET_META)
        return false;
    return e->f[i].bad || !setting_equal(k, &e->orig, &e->cfg);
}

static bool ed_dirty(const struct editor *e)
{
    for (size_t i = 0; i < e->n; i++)
        if (ed_changed(e, i))
            return true;
    return false;
}

static int ed_first_bad(const struct editor *e)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->f[i].bad && ed_key(e, i)->type != SET_PATH)
            return (int)i;
    return -1;
}

/* ---- opening and closing ---- */

static void ed_destroy(struct editor *e)
{
    if (!e)
        return;
    config_free(&e->orig);
    config_free(&e->cfg);
    free(e->desc_orig);
    free(e->extends);
    free(e);
}

static void editor_free(struct screen *s)
{
    ed_destroy((struct editor *)s);
}

/* Fills the form's rows from e->orig (the edited copy starts equal). */
static void ed_fill(struct editor *e)
{
    config_copy(&e->cfg, &e->orig);
    e->n = settings_count();
    for (size_t i = 0; i < e->n; i++) {
        const struct setting *k = setting_at(i);
        char *text = profile_get_text(k, &e->cfg);
        if (strcmp(k->name, "description") == 0)
            ed_set_buf(&e->f[i], e->desc_orig ? e->desc_orig : "");
        else if (strcmp(k->name, "extends") == 0)
            ed_set_buf(&e->f[i], e->extends ? e->extends : "");
        else
            ed_set_buf(&e->f[i], text);
        free(text);
        ed_describe(e, i);
    }
}

/* Loads NAME with its chain, and the file itself for its description and extends. */
static struct editor *ed_load(const char *name, char *err, size_t errlen)
{
    struct profile_error perr;
    char buf[1200];
    enum profile_origin origin;
    char *path = profile_locate(name, &origin, &perr);
    struct profile p;
    if (!path || profile_load_file(path, origin, &p, &perr) < 0) {
        snprintf(err, errlen, "%s", profile_error_format(&perr, buf, sizeof buf));
        free(path);
        return NULL;
    }
    free(path);
    struct editor *e = xcalloc(1, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", p.name);
    e->origin = origin;
    e->desc_orig = p.description ? xstrdup(p.description) : NULL;
    e->extends = p.extends ? xstrdup(p.extends) : NULL;
    profile_free(&p);
    config_init(&e->orig);
    if (profile_apply(name, &e->orig, NULL, &perr) < 0) {
        snprintf(err, errlen, "%s", profile_error_format(&perr, buf, sizeof buf));
        ed_destroy(e);
        return NULL;
    }
    ed_fill(e);
    return e;
}

/* The settings a result was made with (the command-line flags) as a form of their own. */
static struct editor *ed_from_config(const struct tls_config *cfg, const char *name,
                                     const char *source)
{
    struct editor *e = xcalloc(1, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", name);
    snprintf(e->source, sizeof e->source, "%s", source);
    e->origin = PROFILE_FILE;
    e->flags_in = true;
    config_copy(&e->orig, cfg);
    ed_fill(e);
    return e;
}

/* True when the result's settings are not what its profile alone gives (apart from the
 * target): command-line flags changed something. */
static bool ed_flags_changed(const char *profile, const struct tls_config *used)
{
    struct tls_config p;
    struct profile_error perr;
    config_init(&p);
    bool differs = profile_apply(profile, &p, NULL, &perr) == 0;
    for (size_t i = 0; differs && i < settings_count(); i++) {
        const struct setting *k = setting_at(i);
        if (k->type == SET_META || !strcmp(k->name, "host") || !strcmp(k->name, "port"))
            continue;
        if (!setting_equal(k, &p, used)) {
            config_free(&p);
            return true;
        }
    }
    config_free(&p);
    return false;
}

/* The kind of editor `e` on a result opens: the settings of a result made from flags alone
 * ("from the command line"), or from a profile plus flags that changed something ("profile X
 * + flags"); NULL for a profile as it is (then the file is loaded). */
static struct editor *ed_from_result(const char *name, const struct ui_target *target,
                                     const struct tls_config *cfg, bool edited)
{
    if (!cfg || target->lab_index >= 0 || edited)
        return NULL;
    if (!name[0])
        return ed_from_config(cfg, ED_CLI_NAME, "from the command line");
    if (!ed_flags_changed(name, cfg))
        return NULL;
    char source[UI_NAME_MAX + 32];
    snprintf(source, sizeof source, "profile %s + flags", name);
    struct editor *e = ed_from_config(cfg, name, source);
    e->plus_flags = true;
    return e;
}

struct screen *editor_screen_open(struct ui *ui, const char *profile,
                                  const struct ui_target *target, const struct tls_config *cfg,
                                  struct screen *kept)
{
    char name[UI_NAME_MAX], err[1400];
    snprintf(name, sizeof name, "%s", profile ? profile : "");
    char *edited = strstr(name, " (edited)");
    if (edited)
        *edited = '\0';
    const char *want = name[0] || !cfg ? name : ED_CLI_NAME;
    struct editor *e = (struct editor *)kept;
    if (e && (strcmp(e->name, want) != 0 || (e->source[0] && !cfg))) {
        ed_destroy(e); /* the same settings keep their edits; other ones start afresh */
        e = NULL;
    }
    if (!e)
        e = ed_from_result(name, target, cfg, edited != NULL);
    if (!e) {
        if (!name[0]) {
            ui_status(ui, TR_WARN, "no profile to edit: select one on the home screen");
            return NULL;
        }
        e = ed_load(name, err, sizeof err);
        if (!e) {
            ui_status(ui, TR_BAD, "%s", err);
            return NULL;
        }
    }
    e->base.ops = &editor_screen_ops;
    e->target = *target;
    e->typing = false;
    e->ask = ASK_NONE;
    return &e->base;
}

/* ---- connecting and saving ---- */

/* The connection made with these settings finished: the screen below shows it. */
static void ed_dialed(struct ui *ui, void *ctx, struct dial_result *res)
{
    if (!ui_is_top(ui, ctx))
        return; /* cannot happen: keys wait while connecting, so the editor stays on top */
    struct outcome o = {.kind = OUT_CONNECTED, .conn = *res};
    memset(&res->cfg, 0, sizeof res->cfg);
    ui_pop(ui, &o);
}

static void ed_connect(struct editor *e, struct ui *ui)
{
    int bad = ed_first_bad(e);
    char err[512], title[UI_NAME_MAX + 16];
    if (bad >= 0) {
        e->sel = (size_t)bad;
        ui_status(ui, TR_BAD, "fix %s first: %s", setting_at((size_t)bad)->name, e->f[bad].note);
        return;
    }
    struct tls_config c;
    config_copy(&c, &e->cfg);
    if (ui->opt->apply_flags && !e->flags_in)
        ui->opt->apply_flags(&c, ui->opt->apply_flags_arg);
    /* Settings from flags hold their target (the host row); any other goes where asked. */
    bool own_target = e->flags_in && e->target.from_cli && c.host;
    if (!own_target && ui_target_config(ui, &e->target, &c, c.port != 443, err, sizeof err) < 0) {
        ui_status(ui, TR_BAD, "%s", err);
        config_free(&c);
        return;
    }
    if (e->source[0] && !ed_dirty(e)) /* as it was: the result's own label */
        snprintf(title, sizeof title, "%s", strcmp(e->name, ED_CLI_NAME) ? e->name : "");
    else
        snprintf(title, sizeof title, "%s%s", e->name, ed_dirty(e) ? " (edited)" : "");
    ui_dial(ui, &c, &e->target, title, ed_dialed, e);
}

/* Leaves the editor for the screen it was opened from (which keeps it, with its edits, unless
 * they were discarded), or quits. */
static void ed_go(struct ui *ui, enum ed_then then, bool discard)
{
    if (then == THEN_QUIT)
        ui->quit = true;
    else if (then == THEN_LEAVE)
        ui_pop(ui, &(struct outcome){.kind = discard ? OUT_DISCARD : OUT_BACK});
}

/* What to do once the changes are saved or dropped. */
static void ed_then(struct editor *e, struct ui *ui)
{
    enum ed_then then = e->then;
    e->then = THEN_STAY;
    ed_go(ui, then, false);
}

static void ed_ask(struct editor *e, enum ed_ask ask, const char *text)
{
    e->ask = ask;
    size_t n = strlen(text) < sizeof e->answer ? strlen(text) : sizeof e->answer - 1;
    memcpy(e->answer, text, n);
    e->answer[n] = '\0';
    e->alen = e->acur = strlen(e->answer);
}

/* Writes the edited settings as the user profile `name`; force replaces a file. */
static bool ed_write(struct editor *e, struct ui *ui, const char *name, bool force)
{
    struct profile_error perr;
    char buf[1200];
    const char *desc = e->f[setting_index(setting_find("description"))].buf;
    char *path = profile_save(name, &e->cfg, *desc ? desc : NULL, e->extends, force, &perr);
    if (!path) {
        ui_status(ui, TR_BAD, "%s", profile_error_format(&perr, buf, sizeof buf));
        return false;
    }
    char *safe = sanitize_terminal(path);
    ui_status(ui, TR_OK, "saved %s", safe);
    free(safe);
    free(path);
    /* The saved file is what this editor now shows: a user profile with no changes. */
    snprintf(e->name, sizeof e->name, "%s", name);
    e->source[0] = '\0'; /* a profile now; flags_in stays: they are in it */
    e->plus_flags = false;
    e->origin = PROFILE_USER;
    config_free(&e->orig);
    config_copy(&e->orig, &e->cfg);
    free(e->desc_orig);
    e->desc_orig = *desc ? xstrdup(desc) : NULL;
    ui_profiles_changed(ui);
    return true;
}

/* Saves to `name`, asking before replacing an existing user file. */
static void ed_save_as(struct editor *e, struct ui *ui, const char *name)
{
    struct profile_error perr;
    enum profile_origin origin;
    snprintf(e->save_name, sizeof e->save_name, "%s", name);
    char *path = strchr(name, '/') ? NULL : profile_locate(name, &origin, &perr);
    bool exists = path && origin == PROFILE_USER;
    free(path);
    if (exists) {
        ed_ask(e, ASK_REPLACE, "");
        return;
    }
    if (ed_write(e, ui, name, false))
        ed_then(e, ui);
}

static void ed_save(struct editor *e, struct ui *ui)
{
    int bad = ed_first_bad(e);
    if (bad >= 0) {
        e->sel = (size_t)bad;
        ui_status(ui, TR_BAD, "not saved: %s is refused (%s)", setting_at((size_t)bad)->name,
                  e->f[bad].note);
        e->then = THEN_STAY;
        return;
    }
    if (e->origin == PROFILE_USER) {
        ed_save_as(e, ui, e->name);
        return;
    }
    char suggestion[UI_NAME_MAX + 8];
    if (e->source[0]) /* settings from flags: no file name to start from */
        suggestion[0] = '\0';
    else
        snprintf(suggestion, sizeof suggestion, "my-%s", e->name);
    ed_ask(e, ASK_NAME, suggestion);
}

/* Esc or q with changes: ask; without: leave (or quit). */
static void ed_leave(struct editor *e, struct ui *ui, enum ed_then then)
{
    e->then = then;
    if (ed_dirty(e)) {
        ed_ask(e, ASK_UNSAVED, "");
        return;
    }
    ed_then(e, ui);
}

/* ---- keys ---- */

static void ed_answer_key(struct editor *e, struct ui *ui, int key)
{
    enum ed_ask ask = e->ask;
    if (ask == ASK_NAME) {
        if (key == 27) {
            e->ask = ASK_NONE;
            e->then = THEN_STAY;
        } else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
            char name[UI_NAME_MAX];
            snprintf(name, sizeof name, "%s", e->answer);
            e->ask = ASK_NONE;
            ed_save_as(e, ui, name);
        } else {
            ui_edit_key(e->answer, sizeof e->answer, &e->alen, &e->acur, key);
        }
        return;
    }
    e->ask = ASK_NONE;
    ui->status[0] = '\0';
    if (ask == ASK_REPLACE && (key == 'y' || key == 'Y')) {
        if (ed_write(e, ui, e->save_name, true))
            ed_then(e, ui);
    } else if (ask == ASK_REPLACE) {
        ui_status(ui, TR_DIM, "not saved");
        e->then = THEN_STAY;
    } else if (key == 's' || key == 'S') {
        ed_save(e, ui);
    } else if (key == 'd' || key == 'D') {
        enum ed_then then = e->then;
        ed_go(ui, then == THEN_STAY ? THEN_LEAVE : then, true); /* the next `e` loads afresh */
    } else {
        e->then = THEN_STAY;
    }
}

/* Moves the focus to another row; leaving a text field checks it. */
static void ed_move(struct editor *e, int by)
{
    if (e->typing) {
        e->typing = false;
        ed_check(e, e->sel);
    }
    long to = (long)e->sel + by;
    e->sel = to < 0 ? 0 : to > (long)e->n ? e->n : (size_t)to;
}

/* Left/Right or Space on an enumeration: the next or previous value. */
static void ed_cycle(struct editor *e, int dir)
{
    const struct setting *k = ed_key(e, e->sel);
    const char *const *c = k ? ed_choices(k) : NULL;
    if (!c)
        return;
    size_t n = 0, at = 0;
    while (c[n]) {
        if (strcmp(c[n], e->f[e->sel].buf) == 0)
            at = n;
        n++;
    }
    ed_set_buf(&e->f[e->sel], c[(at + (dir > 0 ? 1 : n - 1)) % n]);
    ed_check(e, e->sel);
}

static bool ed_key_typing(struct editor *e, int key, enum ui_action a)
{
    struct ed_field *f = &e->f[e->sel];
    if (key == 27) { /* Esc: back to the text before editing */
        ed_set_buf(f, e->undo);
        e->typing = false;
        return true;
    }
    if (a == ACT_ENTER) {
        e->typing = false;
        ed_check(e, e->sel);
        return true;
    }
    if (key == KEY_UP || key == KEY_DOWN || a == ACT_NEXT_PANE || a == ACT_PREV_PANE) {
        ed_move(e, key == KEY_UP || a == ACT_PREV_PANE ? -1 : 1);
        return true;
    }
    if (key >= 0x80 && key <= 0xFF && strcmp(setting_at(e->sel)->name, "description") != 0)
        return true; /* values are ASCII; a description may be any text */
    ui_edit_key(f->buf, sizeof f->buf, &f->len, &f->cur, key);
    return true;
}

static void ed_enter(struct editor *e, struct ui *ui)
{
    const struct setting *k = ed_key(e, e->sel);
    if (!k) {
        ed_connect(e, ui);
    } else if (ed_choices(k)) {
        ed_cycle(e, 1);
    } else if (strcmp(k->name, "extends") == 0) {
        ui_status(ui, TR_DIM,
                  "the rows show what extends gives; saving keeps extends and "
                  "writes only what differs");
    } else {
        snprintf(e->undo, sizeof e->undo, "%s", e->f[e->sel].buf);
        e->f[e->sel].cur = e->f[e->sel].len;
        e->typing = true;
    }
}

static bool editor_key(struct screen *s, struct ui *ui, int key, enum ui_action a)
{
    struct editor *e = (struct editor *)s;
    if (e->ask != ASK_NONE) {
        ed_answer_key(e, ui, key);
        return true;
    }
    if (e->typing)
        return ed_key_typing(e, key, a);
    if (key == KEY_LEFT || key == KEY_RIGHT || key == ' ') {
        ed_cycle(e, key == KEY_LEFT ? -1 : 1);
        return true;
    }
    switch (a) {
    case ACT_UP:
    case ACT_PREV_PANE: ed_move(e, -1); return true;
    case ACT_DOWN:
    case ACT_NEXT_PANE: ed_move(e, 1); return true;
    case ACT_PAGE_UP: ed_move(e, -10); return true;
    case ACT_PAGE_DOWN: ed_move(e, 10); return true;
    case ACT_HOME: ed_move(e, -(int)e->n); return true;
    case ACT_END: ed_move(e, (int)e->n); return true;
    case ACT_ENTER: ed_enter(e, ui); return true;
    case ACT_BACK: ed_leave(e, ui, THEN_LEAVE); return true;
    case ACT_QUIT: ed_leave(e, ui, THEN_QUIT); return true;
    case ACT_SAVE: ed_save(e, ui); return true;
    default: return false;
    }
}

/* ---- drawing ---- */

/* The text a row shows for its value (sanitised; caller frees). */
static char *ed_value_text(const struct editor *e, size_t i)
{
    const struct setting *k = ed_key(e, i);
    const struct ed_field *f = &e->f[i];
    if (f->len == 0 && !(e->typing && e->sel == i))
        return xasprintf("(%s)", k->default_text);
    return sanitize_terminal(f->buf);
}

/* One row: marker, name, value; then the note on a line of its own. Returns lines used. */
static int ed_draw_row(struct editor *e, struct ui *ui, size_t i, int y, int y_end)
{
    struct term *t = &ui->term;
    const struct setting *k = ed_key(e, i);
    const struct ed_field *f = &e->f[i];
    bool sel = e->sel == i, empty = f->len == 0;
    int w = t->cols - 2;
    if (sel)
        term_fill(t, y, 0, t->cols, TR_SELECTED);
    if (ed_changed(e, i))
        term_put(t, y, 1, 2, TR_WARN, t->utf8 ? "•" : "*");
    term_put(t, y, 3, ED_NAME_COL - 3, sel ? TR_SELECTED : TR_DIM, k->name);
    enum theme_role role = sel ? TR_SELECTED : f->bad ? TR_BAD : empty ? TR_DIM : TR_TEXT;
    char *v = ed_value_text(e, i);
    int vx = ED_NAME_COL;
    if (ed_choices(k) && !(sel && e->typing)) {
        char *shown = xasprintf("%s %s %s", t->utf8 ? "◂" : "<", v, t->utf8 ? "▸" : ">");
        term_put(t, y, vx, w - vx, role, shown);
        free(shown);
    } else if (sel && e->typing) {
        size_t off = f->cur > (size_t)(w - vx - 2) ? f->cur - (size_t)(w - vx - 2) : 0;
        char *safe = sanitize_terminal(f->buf + off);
        term_put(t, y, vx, w - vx, TR_TEXT, safe);
        char *head = xstrndup(f->buf + off, f->cur - off);
        char *shead = sanitize_terminal(head);
        ui->cur_y = y;
        ui->cur_x = vx + doc_width(shead);
        free(shead);
        free(head);
        free(safe);
    } else {
        term_put(t, y, vx, w - vx, role, v);
    }
    free(v);
    if (!f->note[0] || y + 1 >= y_end)
        return 1;
    term_put(t, y + 1, vx, w - vx, f->bad ? TR_BAD : TR_DIM, f->note);
    return 2;
}

static int ed_row_lines(const struct editor *e, size_t i)
{
    return i < e->n && e->f[i].note[0] ? 2 : 1;
}

/* Scrolls so the focused row and its note are in view. */
static void ed_scroll(struct editor *e, int height)
{
    int at = 0;
    for (size_t i = 0; i < e->sel; i++)
        at += ed_row_lines(e, i);
    int need = ed_row_lines(e, e->sel);
    if (at < e->top)
        e->top = at;
    if (at + need > e->top + height)
        e->top = at + need - height;
}

static void ed_draw_ask(struct editor *e, struct ui *ui)
{
    struct term *t = &ui->term;
    int y = t->rows - 2;
    term_fill(t, y, 0, t->cols, TR_TEXT);
    char q[UI_NAME_MAX + 64];
    if (e->ask == ASK_NAME) {
        int lw = term_put(t, y, 1, 40, TR_KEY, "save as (a profile name, Esc cancels): ");
        char *safe = sanitize_terminal(e->answer);
        term_put(t, y, 1 + lw, t->cols - lw - 2, TR_TEXT, safe);
        free(safe);
        ui->cur_y = y;
        ui->cur_x = 1 + lw + (int)e->acur;
        return;
    }
    if (e->ask == ASK_REPLACE)
        snprintf(q, sizeof q, "replace %s.yaml? y/n", e->save_name);
    else
        snprintf(q, sizeof q, "unsaved changes to %s: save, discard, cancel? s/d/c", e->name);
    term_put(t, y, 1, t->cols - 2, TR_WARN, q);
}

static void ed_draw_help(struct editor *e, struct ui *ui, int y)
{
    struct term *t = &ui->term;
    const struct setting *k = ed_key(e, e->sel);
    char *line;
    if (!k) {
        struct strlist weak = {0};
        config_weakenings(&e->cfg, &weak); /* the words the result screen will use */
        char *j = strlist_join(&weak, "; ");
        line = weak.len ? xasprintf("Connect with these settings, which weaken verification: %s", j)
                        : xasprintf("Connect with these settings (not saved); command-line "
                                    "flags still apply");
        free(j);
        strlist_free(&weak);
    } else {
        const char *flags = setting_flags_text(k);
        line = xasprintf("%s  %s%s%s · default %s", k->help, flags ? "(" : "", flags ? flags : "",
                         flags ? ")" : "", k->default_text);
    }
    term_hline(t, y, 0, t->cols, NULL);
    term_put(t, y + 1, 1, t->cols - 2, TR_TEXT, line);
    free(line);
}

static const char *ed_hints(const struct editor *e, bool utf8)
{
    const struct setting *k = ed_key(e, e->sel);
    if (e->typing)
        return "Enter done  Tab next  Esc undo";
    if (!k)
        return "Enter connect  s save  Esc back";
    if (ed_choices(k))
        return utf8 ? "←→ change  ↑↓ move  Enter connect-row  s save  Esc back"
                    : "Left/Right change  Up/Dn move  s save  Esc back";
    return utf8 ? "Enter edit  ↑↓ move  s save  Esc back"
                : "Enter edit  Up/Dn move  s save  Esc back";
}

static void editor_draw(struct screen *s, struct ui *ui)
{
    struct editor *e = (struct editor *)s;
    struct term *t = &ui->term;
    char title[UI_NAME_MAX + 160];
    struct strlist weak = {0};
    config_weakenings(&e->cfg, &weak);
    if (e->plus_flags) /* the profile's name first, as for the profile itself */
        snprintf(title, sizeof title,
                 "tlscope — edit profile %s + flags · effective settings%s%s%s", e->name,
                 ed_dirty(e) ? " · changed" : "", weak.len ? " · " : "",
                 weak.len ? (t->utf8 ? "⚠ weakens verification" : "! weakens verification") : "");
    else if (e->source[0])
        snprintf(title, sizeof title, "tlscope — edit settings %s%s%s%s", e->source,
                 ed_dirty(e) ? " · changed" : "", weak.len ? " · " : "",
                 weak.len ? (t->utf8 ? "⚠ weakens verification" : "! weakens verification") : "");
    else
        snprintf(title, sizeof title, "tlscope — edit profile %s · %s%s%s%s", e->name,
                 e->origin == PROFILE_USER ? "mine" : profile_origin_name(e->origin),
                 ed_dirty(e) ? " · changed" : "", weak.len ? " · " : "",
                 weak.len ? (t->utf8 ? "⚠ weakens verification" : "! weakens verification") : "");
    strlist_free(&weak);
    char *safe = sanitize_terminal(title);
    ui_draw_title(ui, 0, safe, NULL);
    free(safe);
    int y0 = 1, y_end = t->rows - 4; /* rows: form, rule + help, status, hints */
    ed_scroll(e, y_end - y0);
    int line = 0, y = y0;
    for (size_t i = 0; i <= e->n && y < y_end; i++) {
        int lines = ed_row_lines(e, i);
        if (line + lines <= e->top) {
            line += lines;
            continue;
        }
        line += lines;
        if (i < e->n) {
            y += ed_draw_row(e, ui, i, y, y_end);
            continue;
        }
        if (e->sel == i)
            term_fill(t, y, 0, t->cols, TR_SELECTED);
        term_put(t, y, 3, 30, e->sel == i ? TR_SELECTED : TR_KEY,
                 t->utf8 ? "▶ Connect" : "> Connect");
        y++;
    }
    ed_draw_help(e, ui, y_end);
    ui_draw_bottom(ui, ed_hints(e, t->utf8));
    if (e->ask != ASK_NONE)
        ed_draw_ask(e, ui);
}

static bool editor_typing(const struct screen *s)
{
    (void)s;
    return true; /* letters are keys of the form: q does not quit */
}

const struct screen_ops editor_screen_ops = {
    .name = "editor",
    .draw = editor_draw,
    .key = editor_key,
    .typing = editor_typing,
    .free = editor_free,
};
