/* Private to the UI: struct ui (the terminal, the status line and its prompt, the connection
 * service, the visits, the demo lab) and the screen stack. A screen is an ops table with
 * private state behind it; ui.c owns the stack and the event loop and calls screens only
 * through their ops. A screen opens another with ui_push and learns how it ended when it
 * resumes (struct outcome). Adding a screen is one file (with its header) and one ui_push. */
#ifndef TLSCOPE_UI_CORE_H
#define TLSCOPE_UI_CORE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lab/lab.h"
#include "ui/actions.h"
#include "ui/connect.h"
#include "ui/doc.h"
#include "ui/docview.h"
#include "ui/pane.h"
#include "ui/term.h"
#include "ui/ui.h"
#include "ui/visits.h"

#define UI_MIN_COLS  80
#define UI_MIN_ROWS  24
#define UI_STACK_MAX 8

struct ui;
struct screen;

/* A task the event loop drives besides the connection (the Scan screen's scan): want fills
 * at most max descriptors and an absolute deadline (mono_us clock) and returns true while it
 * runs; step gets the descriptors back with their revents. Zeroed: none. */
#define UI_BG_FDS 400
struct ui_bg {
    bool (*want)(void *arg, struct pollfd *fds, size_t *n, size_t max, int64_t *deadline_us);
    void (*step)(void *arg, struct ui *ui, const struct pollfd *fds, size_t n);
    void *arg;
};

/* How the screen above ended, for the one below as it resumes. */
enum outcome_kind {
    OUT_BACK,      /* Esc: nothing to do */
    OUT_HOME,      /* h: back to the home screen (a screen that is not home passes it on) */
    OUT_DISCARD,   /* the screen's state is worth nothing any more: do not keep it */
    OUT_CONNECTED, /* it connected: conn holds the finished connection */
};

struct outcome {
    enum outcome_kind kind;
    struct screen *from;     /* the screen popped: resume may keep it (returns true) */
    struct dial_result conn; /* OUT_CONNECTED; its cfg is freed after resume unless taken */
};

struct screen_ops {
    const char *name;
    void (*draw)(struct screen *s, struct ui *ui);
    /* Returns true when the key was used (else ui.c's global keys get it). */
    bool (*key)(struct screen *s, struct ui *ui, int key, enum ui_action a);
    void (*mouse)(struct screen *s, struct ui *ui, int y, int x, int button); /* or NULL */
    void (*resize)(struct screen *s, struct ui *ui);                          /* or NULL */
    /* Back on top after the screen above was popped (o NULL: the bottom screen entering).
     * Returns true when it keeps o->from (it then owns it: ui_push it again, or ops->free
     * it). NULL: never keeps. */
    bool (*resume)(struct screen *s, struct ui *ui, struct outcome *o);
    void (*leave)(struct screen *s, struct ui *ui); /* another is pushed over it; or NULL */
    void (*help)(struct screen *s, struct ui *ui, struct doc *d); /* its part of ?; or NULL */
    /* The settings it shows (their keylog is what K toggles), or NULL: ask the one below. */
    const struct tls_config *(*config)(const struct screen *s);
    bool (*typing)(const struct screen *s); /* letters are text (q does not quit); or NULL */
    /* The demo lab became ready (or failed: ui->lab is NULL then); or NULL. */
    void (*lab)(struct screen *s, struct ui *ui);
    void (*free)(struct screen *s);
};

/* The first member of every screen's private state. */
struct screen {
    const struct screen_ops *ops;
};

/* A one-line text entry on the status line; done gets the text (a y/n question: "y" or ""). */
typedef void (*prompt_fn)(struct ui *ui, void *ctx, const char *text);
enum prompt_flags { PROMPT_SECRET = 1, PROMPT_YESNO = 2 };

struct ui_prompt {
    bool open;
    int flags;
    char label[96];
    char buf[512];
    size_t len, cur;
    prompt_fn done;
    prompt_fn cancel; /* Esc (gets ""); or NULL */
    void *ctx;
};

struct ui {
    const struct ui_options *opt;
    struct term term;
    char theme_name[64];
    struct screen *stack[UI_STACK_MAX];
    size_t depth;
    bool help;
    struct docview help_view;
    struct rect overlay_r; /* inner rect of the help overlay, for the mouse */
    struct ui_prompt prompt;
    char status[512];
    enum theme_role status_role;
    struct engine *engine; /* TLS contexts shared by every connect of this run */
    struct dial dial;      /* the connection service (connect.c) */
    struct visits visits;  /* every finished connection (owns the reports), key log */
    struct lab *lab;       /* demo lab, or NULL */
    struct ui_bg bg;       /* a scan running in the loop (scan_screen.c), or zeroed */
    unsigned profiles_gen; /* bumped when a profile file was written */
    char *last_scan;       /* JSON of the run's last finished scan, for d (owned), or NULL */
    int cur_y, cur_x;      /* where the visible cursor goes after a frame; cur_y < 0 hides it */
    bool quit;
};

/* ---- the stack ---- */
/* Puts s on top (the one below gets leave); takes s. A full stack frees s and says so. */
void ui_push(struct ui *ui, struct screen *s);
/* Pops the top screen and resumes the one below with o (o->from is set here). The bottom
 * screen is never popped. */
void ui_pop(struct ui *ui, struct outcome *o);
bool ui_is_top(const struct ui *ui, const struct screen *s);
/* Nothing over the screens: no connection, prompt or help overlay. */
bool ui_idle(const struct ui *ui);

/* ---- shared services ---- */
void ui_status(struct ui *ui, enum theme_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Opens the status-line prompt; done(ui, ctx, text) gets the answer. */
void ui_prompt_open(struct ui *ui, const char *label, const char *text, int flags, prompt_fn done,
                    prompt_fn cancel, void *ctx);
/* Line editing shared by the host line, the prompt and the editor: inserts printable bytes,
 * moves and deletes (UTF-8 aware). Returns true when the key was an editing key. */
bool ui_edit_key(char *buf, size_t cap, size_t *len, size_t *cur, int key);
/* The bottom two rows: the status line (prompt, connecting, message) and key hints given as
 * "key label" pairs separated by two spaces, e.g. "Enter connect  Tab focus". */
void ui_draw_bottom(struct ui *ui, const char *hints);
/* The title bar: left text and right text on a TR_TITLE row. */
void ui_draw_title(struct ui *ui, int y, const char *left, const char *right);
/* A centred box for an overlay, cleared; returns the inner rect. */
struct rect ui_overlay_box(struct ui *ui, int want_w, int want_h, const char *title);
/* The key log the next connection writes, for the settings on screen (NULL: none). */
const char *ui_keylog_file(const struct ui *ui);
/* A profile file was written: lists of profiles read them again. */
void ui_profiles_changed(struct ui *ui);

/* ui_run (run.c): opens the terminal, puts root(ui) at the bottom of the stack (resumed with
 * NULL) and runs the
 * loop until the person quits. Returns the exit status. */
int ui_main(const struct ui_options *opt, struct screen *(*root)(struct ui *ui));

#endif
