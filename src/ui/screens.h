/* Private to the UI framework: the state ui.c (event loop, overlays, connecting), home.c (the
 * home screen) and result.c (the result panes) share. Everything here is owned by struct ui
 * and freed by ui_run before it returns. */
#ifndef TLSCOPE_UI_SCREENS_H
#define TLSCOPE_UI_SCREENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "lab/lab.h"
#include "profile/profile.h"
#include "ui/docview.h"
#include "ui/pane.h"
#include "ui/session.h"
#include "ui/term.h"
#include "ui/ui.h"
#include "util/strlist.h"

#define UI_MIN_COLS 80
#define UI_MIN_ROWS 24
#define UI_NAME_MAX 128

enum ui_screen { SCR_HOME, SCR_RESULT, SCR_EDITOR, SCR_DIFF };

/* Where a connection goes, apart from the profile (what it offers). */
struct ui_target {
    char spec[256];   /* "host[:port]" as typed; "" with lab_index >= 0 or from_cli */
    int lab_index;    /* >= 0: a demo lab target (localhost, the lab's CA) */
    bool client_cert; /* lab target: present the lab's client certificate */
    bool from_cli;    /* the target given on the command line (opt->cfg) */
};

enum prompt_kind {
    PROMPT_NONE,
    PROMPT_SEARCH,
    PROMPT_EXPORT,
    PROMPT_OVERWRITE,
    /* session.c: w, K and c */
    PROMPT_JSON,
    PROMPT_JSON_OVERWRITE, /* y/n */
    PROMPT_KEYLOG,
    PROMPT_CERT,
    PROMPT_KEY,
    PROMPT_PASS,       /* echo off: drawn as '*', wiped once answered */
    PROMPT_START_PASS, /* ui.c: the passphrase of a configured encrypted key, echo off */
};

/* One-line text entry on the status line (ASCII/UTF-8 bytes; the cursor is a byte offset). */
struct ui_prompt {
    enum prompt_kind kind;
    char label[96];
    char buf[512];
    size_t len, cur;
};

enum home_focus { HF_HOST, HF_PROFILES, HF_DEMO, HF_RECENT };

struct home {
    char host[256];
    size_t host_len, host_cur;
    enum home_focus focus;
    struct profile_entry *profiles; /* owned (profile_entries_free) */
    size_t n_profiles;
    bool *weak; /* owned: per profile, it weakens verification */
    struct docview plist, settings, demo, recent;
    struct strlist history; /* newest first */
    char *history_path;     /* owned, NULL when there is nowhere to keep it */
    long hist_pos;          /* -1: the person's own text; else an index into history */
    char hist_saved[256];   /* the person's own text while browsing */
    struct rect host_r, plist_r, demo_r, recent_r; /* last drawn, for the mouse */
    int lab_pending;       /* demo target to connect to once the lab is ready; -1 none */
    bool lab_pending_cert; /* ... with the lab's client certificate */
};

struct result {
    struct report *report; /* borrowed from ui->session; NULL before the first result */
    struct tls_config cfg; /* owned copy of what was used: `r` reconnects with it */
    struct ui_target target;
    char profile[UI_NAME_MAX]; /* "" when no profile */
    int pane;
    void *state[PANE_COUNT]; /* owned (pane done() then free) */
    struct docview list[PANE_COUNT];
    bool built[PANE_COUNT];
    int built_width;
    struct docview detail;
    int detail_id;          /* the id the detail was built for; -1 none */
    char detail_title[160]; /* the detail's heading, shown on the rule above it */
    bool detail_full;
    int tab_x[PANE_COUNT], tab_w[PANE_COUNT], tab_y;
    struct rect list_r, detail_r;
    char export_path[512];
    int export_which; /* enum export_chain of the export being asked for */
};

struct ui {
    const struct ui_options *opt;
    struct term term;
    bool term_open;
    char theme_name[64];
    enum ui_screen screen;
    bool help;
    struct docview help_view;
    bool picker;
    struct docview picker_view;
    struct profile_entry *picker_entries; /* owned while the picker is open */
    size_t n_picker;
    struct ui_prompt prompt;
    char status[512];
    enum theme_role status_role;
    /* the connection in progress, if any */
    struct engine *engine; /* the run: TLS contexts shared by every connect of this session */
    struct conn *conn;
    struct tls_config conn_cfg; /* owned while conn is set */
    struct ui_target conn_target;
    char conn_profile[UI_NAME_MAX];
    short conn_revents;
    struct home home;
    struct result result;
    struct lab *lab;          /* demo lab, or NULL */
    struct session session;   /* every finished connection (owns the reports), key log */
    struct diff_screen *diff; /* the compare screen's state (diff_screen.c), or NULL */
    struct editor *editor;    /* the profile editor's state (editor.c), or NULL */
    /* A connection waiting for the passphrase of its encrypted key (owned while active). */
    struct {
        bool active;
        struct tls_config cfg;
        struct ui_target target;
        char profile[UI_NAME_MAX];
    } pending;
    struct rect overlay_r; /* inner rect of the open overlay, for the mouse */
    int cur_y, cur_x;      /* where the visible cursor goes after a frame; cur_y < 0 hides it */
    bool quit;
};

/* ui.c */
void ui_status(struct ui *ui, enum theme_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Builds the config for profile (NULL or "": the command line's own) and target, then starts
 * connecting. Problems go to the status line; returns false when nothing started. */
bool ui_connect(struct ui *ui, const struct ui_target *target, const char *profile);
/* The config a profile gives (NULL, "" or the --profile one: the command line's own config;
 * else the profile over the defaults with the command-line flags re-applied). *port_set says
 * whether the profile chose a port. Returns 0 (config_free *out), or -1 with err. */
int ui_profile_config(struct ui *ui, const char *profile, struct tls_config *out, bool *port_set,
                      char *err, size_t errlen);
/* Builds a config as ui_connect would, into *out (config_free it). Returns 0, or -1 with err. */
int ui_build_config(struct ui *ui, const struct ui_target *target, const char *profile,
                    struct tls_config *out, char *err, size_t errlen);
/* Starts connecting with cfg (takes its contents; cfg is left empty). */
bool ui_start(struct ui *ui, struct tls_config *cfg, const struct ui_target *target,
              const char *profile);
/* Points cfg at target as ui_connect does (port_from_profile: keep cfg's port when the target
 * names none). Returns 0, or -1 with err. */
int ui_target_config(struct ui *ui, const struct ui_target *target, struct tls_config *cfg,
                     bool port_from_profile, char *err, size_t errlen);
/* Line editing shared by the host line and the prompt: inserts printable bytes, moves and
 * deletes (UTF-8 aware). Returns true when the key was an editing key. */
bool ui_edit_key(char *buf, size_t cap, size_t *len, size_t *cur, int key);
void ui_prompt_open(struct ui *ui, enum prompt_kind kind, const char *label, const char *text);

/* connect.c: the running connection's life (ui_start/ui_connect are declared above). */
void ui_conn_drop(struct ui *ui);         /* stops and frees the running connection */
void ui_conn_finish(struct ui *ui);       /* its report joins the session and is shown */
void ui_cancel(struct ui *ui);            /* Esc while connecting */
const char *ui_stage_words(enum stage s); /* "resolving", "handshaking", ... */
void ui_pending_clear(struct ui *ui);     /* drops a connection waiting for a passphrase */
void ui_pending_start(struct ui *ui, const char *pass); /* starts it with the passphrase */
/* The bottom two rows: the status line (prompt, connecting, message) and key hints given as
 * "key label" pairs separated by two spaces, e.g. "Enter connect  Tab focus". */
void ui_draw_bottom(struct ui *ui, const char *hints);
/* The title bar: left text and right text on a TR_TITLE row. */
void ui_draw_title(struct ui *ui, int y, const char *left, const char *right);
/* The profile used when none is chosen: --profile, else "default" when it exists, else "". */
const char *ui_default_profile(const struct ui *ui);

/* home.c */
void home_init(struct ui *ui);
void home_free(struct home *h);
void home_draw(struct ui *ui);
/* Returns true when the key was used. */
bool home_key(struct ui *ui, int key, enum ui_action a);
void home_click(struct ui *ui, int y, int x, int button);
/* The terminal changed size: rebuilds what depends on the width. */
void home_relayout(struct ui *ui);
/* While the demo lab starts (lab_fd(ui->lab) >= 0): takes its news without blocking. Ready:
 * the list shows the targets, and a connection asked for meanwhile starts. Failed: the error
 * goes to the status line and the lab away (ui->lab = NULL). */
void home_lab_step(struct ui *ui);
/* The profile the home screen has selected, or "" for none. */
const char *home_profile(const struct ui *ui);
/* "host", "host:port" or "[v6]:port" (the port only when it is not 443) into out. */
void home_target_text(const char *host, uint16_t port, char *out, size_t n);
/* Remembers a typed target in the history (errors go to the status line). */
void home_remember(struct ui *ui, const char *spec);
/* Lists the profiles again (after one was saved), keeping the selection by name. */
void home_reload_profiles(struct ui *ui);

/* result.c */
/* Shows a new report: r stays owned by ui->session (session_keep first); takes cfg's
 * contents. */
void result_set(struct ui *ui, struct report *r, struct tls_config *cfg,
                const struct ui_target *target, const char *profile);
void result_free(struct result *res);
void result_draw(struct ui *ui);
bool result_key(struct ui *ui, int key, enum ui_action a);
void result_click(struct ui *ui, int y, int x, int button);
/* Layout changed (resize, theme): panes are rebuilt for the new width on the next draw. */
void result_invalidate(struct result *res);
/* Answers from the status-line prompt. */
void result_search(struct ui *ui, const char *text);
void result_export(struct ui *ui, const char *path);
void result_overwrite(struct ui *ui, bool yes);
/* The profile picker overlay (state in struct ui): Enter reconnects the current result's
 * target with the chosen profile. */
void result_picker_open(struct ui *ui);
void result_picker_close(struct ui *ui);
void result_picker_pick(struct ui *ui);
void result_picker_key(struct ui *ui, enum ui_action a);

/* session.c */
/* Keeps the finished connection's report (takes r) with ui->conn_profile, noting whether
 * ui->conn_cfg differs from what the profile gives ("edited"). */
void session_keep(struct ui *ui, struct report *r);
/* The key log file the next connection writes (NULL: none). */
const char *session_keylog_file(const struct ui *ui);
/* "⚠ session keys written to FILE" (sanitised; caller frees), or NULL when the key log is
 * off. */
char *session_keylog_warning(const struct ui *ui);
/* The phrases of the result's "in effect" line: the report's, with the key log as K left it
 * for the next connections (appended into out). */
void session_in_effect(const struct ui *ui, struct strlist *out);
void session_keylog_toggle(struct ui *ui);
/* w on a result: asks for the file and writes the report as JSON (0644, atomically). */
void session_json_start(struct ui *ui);
void session_json_overwrite(struct ui *ui, bool yes);
/* c on a result whose server asked for a client certificate: asks for the certificate, the
 * key and, for an encrypted key without a passphrase source, the passphrase; reconnects. */
void session_cert_start(struct ui *ui);
/* An answer from the status-line prompt of one of session.c's kinds. */
void session_prompt_answer(struct ui *ui, enum prompt_kind kind, const char *text);
/* Where a file the person named will be written: typed with "~/" expanded, into out. A path
 * that is not a regular file (FIFO, device, directory, symlink) is refused on the status line;
 * an existing file is asked about with the prompt `ask` (its answer writes or not). Returns 0
 * to write at once, 1 when asked, -1 when refused. */
int session_write_target(struct ui *ui, const char *typed, char *out, size_t n,
                         enum prompt_kind ask);

/* diff_screen.c */
/* d on a result: compares it with the previous connection of the session (a status message
 * when there is none) and shows the compare screen. */
void diff_screen_open(struct ui *ui);
/* Frees the compare screen's state (safe when none). */
void diff_screen_close(struct ui *ui);
void diff_screen_draw(struct ui *ui);
bool diff_screen_key(struct ui *ui, int key, enum ui_action a);
void diff_screen_click(struct ui *ui, int y, int x, int button);
/* The compare screen's keys, for the help overlay. */
void diff_screen_help(struct doc *d);

/* editor.c: the profile editor screen (state in ui->editor, freed by editor_free). */
/* Opens profile (a trailing " (edited)" is ignored) in the editor; target is where Connect
 * goes; from_result: Esc returns to the result. The same profile keeps its unsaved edits. */
void editor_open(struct ui *ui, const char *profile, const struct ui_target *target,
                 bool from_result);
void editor_free(struct ui *ui);
void editor_draw(struct ui *ui);
bool editor_key(struct ui *ui, int key, enum ui_action a);

#endif
