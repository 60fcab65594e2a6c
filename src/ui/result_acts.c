/* The result screen's questions on the status line — search (/), export the chain (x, X),
 * write the report as JSON (w), reconnect with a client certificate (c, asking for an
 * encrypted key's passphrase with echo off) — and the profile picker overlay (p). Each prompt
 * carries its own completion callback with the result screen as its context. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "render/json.h"
#include "ui/result_int.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/sanitize.h"

/* ---- search (/) ---- */

static void result_search(struct ui *ui, void *ctx, const char *text)
{
    struct result *res = ctx;
    result_build(res, ui);
    struct docview *v = result_view(res);
    snprintf(v->search, sizeof v->search, "%s", text);
    v->found = 0;
    if (!text[0])
        return;
    if (!docview_find(v, text, true))
        ui_status(ui, TR_WARN, "not found: %s", text);
}

void result_search_start(struct result *res, struct ui *ui)
{
    ui_prompt_open(ui, "/", "", 0, result_search, NULL, res);
}

/* ---- files ---- */

/* Where a file the person named will be written: typed with "~/" expanded, into out. A path
 * that is not a regular file (FIFO, device, directory, symlink) is refused on the status line;
 * an existing file is asked about (its y/n answer goes to ask). Returns 0 to write at once, 1
 * when asked, -1 when refused. */
static int result_write_target(struct result *res, struct ui *ui, const char *typed, char *out,
                               size_t n, prompt_fn ask)
{
    visits_expand_home(typed, out, n);
    char err[1200];
    int there = file_check_writable(out, err, sizeof err);
    if (there < 0) { /* a FIFO, device, directory or symlink: refused before any question */
        char *serr = sanitize_terminal(err);
        ui_status(ui, TR_BAD, "%s", serr);
        free(serr);
        return -1;
    }
    if (there > 0) {
        char *safe = sanitize_terminal(out);
        char *label = xasprintf("%s exists; overwrite? y/n ", safe);
        ui_prompt_open(ui, label, "", PROMPT_YESNO, ask, NULL, res);
        free(label);
        free(safe);
        return 1;
    }
    return 0;
}

/* ---- export the chain (x, X) ---- */

static void result_write(struct result *res, struct ui *ui, const char *path, bool overwrite)
{
    char err[1024];
    const struct report *r = res->report;
    char *safe = sanitize_terminal(path);
    enum export_chain which = (enum export_chain)res->export_which;
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

static void result_overwrite(struct ui *ui, void *ctx, const char *yes)
{
    struct result *res = ctx;
    if (!yes[0]) {
        ui_status(ui, TR_DIM, "not written");
        return;
    }
    result_write(res, ui, res->export_path, true);
}

static void result_export(struct ui *ui, void *ctx, const char *path)
{
    struct result *res = ctx;
    if (!path[0]) {
        ui_status(ui, TR_DIM, "export cancelled");
        return;
    }
    if (result_write_target(res, ui, path, res->export_path, sizeof res->export_path,
                            result_overwrite) != 0)
        return;
    result_write(res, ui, res->export_path, false);
}

void result_export_start(struct result *res, struct ui *ui, enum export_chain which)
{
    const struct report *r = res->report;
    if (r->n_sent == 0) {
        ui_status(ui, TR_WARN, "the server sent no certificates: nothing to export");
        return;
    }
    res->export_which = (int)which;
    char *name = export_default_name_for(r, which);
    ui_prompt_open(ui,
                   which == EXPORT_TO_SERVE ? "Export the chain the server should send to: "
                                            : "Export sent chain to: ",
                   name, 0, result_export, NULL, res);
    free(name);
}

/* ---- the report as JSON (w) ---- */

static void result_json_write(struct result *res, struct ui *ui, bool replace)
{
    char err[1200];
    char *doc = json_render_report(res->report, true);
    char *safe = sanitize_terminal(res->json_path);
    if (file_write_atomic(res->json_path, doc, strlen(doc), 0644, replace, err, sizeof err) < 0) {
        char *serr = sanitize_terminal(err);
        ui_status(ui, TR_BAD, "not written: %s", serr);
        free(serr);
    } else {
        ui_status(ui, TR_OK, "wrote report to %s", safe);
    }
    free(safe);
    free(doc);
}

static void result_json_overwrite(struct ui *ui, void *ctx, const char *yes)
{
    if (!yes[0]) {
        ui_status(ui, TR_DIM, "not written");
        return;
    }
    result_json_write(ctx, ui, true);
}

static void result_json_answer(struct ui *ui, void *ctx, const char *text)
{
    struct result *res = ctx;
    if (!text[0]) {
        ui_status(ui, TR_DIM, "not written");
        return;
    }
    if (result_write_target(res, ui, text, res->json_path, sizeof res->json_path,
                            result_json_overwrite) == 0)
        result_json_write(res, ui, false);
}

void result_json_start(struct result *res, struct ui *ui)
{
    char *name = visits_json_name(res->report);
    ui_prompt_open(ui, "Write report to: ", name, 0, result_json_answer, NULL, res);
    free(name);
}

/* ---- a client certificate (c) ---- */

/* Expands text into out and checks it names a readable regular file; says what is wrong on
 * the status line (what: "client certificate", "private key"). */
static bool result_file_ok(struct ui *ui, const char *what, const char *text, char *out, size_t n)
{
    if (!text[0]) {
        ui_status(ui, TR_DIM, "no %s given: nothing changed", what);
        return false;
    }
    visits_expand_home(text, out, n);
    char *safe = sanitize_terminal(out);
    struct stat st;
    bool ok = false;
    if (stat(out, &st) < 0)
        ui_status(ui, TR_BAD, "%s %s: %s", what, safe, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        ui_status(ui, TR_BAD, "%s %s: not a regular file", what, safe);
    else if (access(out, R_OK) < 0)
        ui_status(ui, TR_BAD, "%s %s is not readable: %s", what, safe, strerror(errno));
    else
        ok = true;
    free(safe);
    return ok;
}

/* Reconnects this result's target with the chosen certificate and key, and the typed
 * passphrase ("" when none was asked). */
static void result_cert_connect(struct ui *ui, void *ctx, const char *pass)
{
    struct result *res = ctx;
    struct tls_config cfg;
    config_copy(&cfg, &res->cfg);
    free(cfg.cert_file);
    free(cfg.key_file);
    cfg.cert_file = xstrdup(res->cert_path);
    cfg.key_file = xstrdup(res->key_path);
    if (cfg.key_pass_value) {
        explicit_bzero(cfg.key_pass_value, strlen(cfg.key_pass_value));
        free(cfg.key_pass_value);
    }
    cfg.key_pass_value = pass ? xstrdup(pass) : NULL;
    struct ui_target t = res->target;
    char profile[UI_NAME_MAX];
    snprintf(profile, sizeof profile, "%s", res->profile);
    ui_dial(ui, &cfg, &t, profile, result_dialed, res);
}

static void result_key_answer(struct ui *ui, void *ctx, const char *text)
{
    struct result *res = ctx;
    if (!result_file_ok(ui, "private key", text, res->key_path, sizeof res->key_path))
        return;
    if (visits_key_file_encrypted(res->key_path) && !res->cfg.key_pass) {
        char *safe = sanitize_terminal(res->key_path);
        char *base = strrchr(safe, '/');
        char *label = xasprintf("Passphrase for %s (not saved): ", base ? base + 1 : safe);
        ui_prompt_open(ui, label, "", PROMPT_SECRET, result_cert_connect, NULL, res);
        free(label);
        free(safe);
        return;
    }
    result_cert_connect(ui, res, NULL);
}

static void result_cert_answer(struct ui *ui, void *ctx, const char *text)
{
    struct result *res = ctx;
    if (result_file_ok(ui, "client certificate", text, res->cert_path, sizeof res->cert_path))
        ui_prompt_open(ui, "Private key (PEM): ", res->cfg.key_file ? res->cfg.key_file : "", 0,
                       result_key_answer, NULL, res);
}

void result_cert_start(struct result *res, struct ui *ui)
{
    if (!res->report->client_cert_requested) {
        ui_status(ui, TR_DIM, "the server did not ask for a client certificate");
        return;
    }
    ui_prompt_open(ui, "Client certificate (PEM): ", res->cfg.cert_file ? res->cfg.cert_file : "",
                   0, result_cert_answer, NULL, res);
}

/* ---- the profile picker (p) ---- */

void result_picker_close(struct result *res)
{
    res->picker = false;
    docview_free(&res->picker_view);
    profile_entries_free(res->picker_entries, res->n_picker);
    res->picker_entries = NULL;
    res->n_picker = 0;
}

void result_picker_open(struct result *res, struct ui *ui)
{
    result_picker_close(res);
    if (profile_list(&res->picker_entries, &res->n_picker) < 0 || res->n_picker == 0) {
        ui_status(ui, TR_WARN, "no profiles found");
        result_picker_close(res);
        return;
    }
    struct doc d = {0};
    size_t want = 0, line = 0;
    for (size_t i = 0; i < res->n_picker; i++) {
        const struct profile_entry *e = &res->picker_entries[i];
        if (e->shadowed)
            continue;
        if (strcmp(e->name, res->profile) == 0)
            want = line;
        struct doc_line *l = doc_line(&d, (int)i);
        doc_peer(l, TR_TEXT, e->name);
        l->segs[l->n - 1].min_width = 20;
        doc_text(l, TR_DIM, "%s", profile_origin_name(e->origin));
        l->segs[l->n - 1].min_width = 9;
        doc_peer(l, TR_DIM, e->description ? e->description : "");
        line++;
    }
    docview_set(&res->picker_view, &d);
    res->picker_view.sel = want;
    res->picker = true;
}

/* Enter on the picker: reconnects this result's target with the chosen profile. */
static void result_picker_pick(struct result *res, struct ui *ui)
{
    int id = docview_selected_id(&res->picker_view);
    if (id < 0 || (size_t)id >= res->n_picker)
        return;
    char name[UI_NAME_MAX];
    snprintf(name, sizeof name, "%s", res->picker_entries[id].name);
    result_picker_close(res);
    struct ui_target tg = res->target;
    ui_dial_profile(ui, &tg, name, result_dialed, res);
}

bool result_picker_key(struct result *res, struct ui *ui, enum ui_action a)
{
    if (a == ACT_QUIT)
        ui->quit = true;
    else if (a == ACT_BACK || a == ACT_PICK_PROFILE)
        result_picker_close(res);
    else if (a == ACT_ENTER)
        result_picker_pick(res, ui);
    else
        docview_action(&res->picker_view, a, res->picker_view.page);
    return true;
}

void result_picker_click(struct result *res, struct ui *ui, int y, int button)
{
    struct docview *v = &res->picker_view;
    if (button == 4 || button == 5) {
        docview_scroll(v, button == 4 ? -3 : 3, v->page);
        return;
    }
    int before = docview_selected_id(v);
    if (docview_click(v, res->picker_r, y) && docview_selected_id(v) == before)
        result_picker_pick(res, ui); /* a click on the chosen line picks it */
}

void result_picker_draw(struct result *res, struct ui *ui)
{
    struct rect in = ui_overlay_box(ui, 76, (int)res->picker_view.doc.n + 2,
                                    "Reconnect with profile · Enter picks · Esc closes");
    res->picker_view.focus = true;
    res->picker_r = in;
    docview_draw(&res->picker_view, &ui->term, in);
    if (!ui->prompt.open)
        ui->cur_y = -1;
}
