/* The connection service: where a connection goes (struct ui_target), the config a profile
 * and a target give (the command-line flags still win), and the one running connection,
 * owned by ui.c, which tells the screen that started it through a completion callback. An
 * encrypted client key's passphrase is asked first (echo off). */
#ifndef TLSCOPE_UI_CONNECT_H
#define TLSCOPE_UI_CONNECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "model/config.h"
#include "model/report.h"

#define UI_NAME_MAX 128

struct ui;

/* Where a connection goes, apart from the profile (what it offers). */
struct ui_target {
    char spec[256];   /* "host[:port]" as typed; "" with lab_index >= 0 or from_cli */
    int lab_index;    /* >= 0: a demo lab target (localhost, the lab's CA) */
    bool client_cert; /* lab target: present the lab's client certificate */
    bool from_cli;    /* the target given on the command line (opt->cfg) */
};

/* A finished connection, as its completion callback gets it. */
struct dial_result {
    struct report *report; /* borrowed: owned by ui->visits */
    unsigned seq;          /* its number among the visits */
    struct tls_config cfg; /* owned: what it used (take it, or it is freed after the call) */
    struct ui_target target;
    char label[UI_NAME_MAX]; /* the profile as the result names it; "" none */
};

/* Called when the connection finished with a report (never on cancel or failure to start). */
typedef void (*dial_done_fn)(struct ui *ui, void *ctx, struct dial_result *res);

/* The running connection (ui->dial), or the one waiting for its key's passphrase. */
struct dial {
    struct conn *conn;
    struct tls_config cfg; /* owned while conn is set */
    struct ui_target target;
    char label[UI_NAME_MAX];
    dial_done_fn done;
    void *ctx;
    bool pending; /* waiting for the passphrase: cfg, target, label, done, ctx kept */
};

/* The config a profile gives (NULL, "" or the --profile one: the command line's own config;
 * else the profile over the defaults with the command-line flags re-applied). *port_set says
 * whether the profile chose a port. Returns 0 (config_free *out), or -1 with err. */
int ui_profile_config(struct ui *ui, const char *profile, struct tls_config *out, bool *port_set,
                      char *err, size_t errlen);
/* Builds a config for profile and target into *out (config_free it). 0, or -1 with err. */
int ui_build_config(struct ui *ui, const struct ui_target *target, const char *profile,
                    struct tls_config *out, char *err, size_t errlen);
/* Points cfg at target (port_from_profile: keep cfg's port when the target names none).
 * Returns 0, or -1 with err. */
int ui_target_config(struct ui *ui, const struct ui_target *target, struct tls_config *cfg,
                     bool port_from_profile, char *err, size_t errlen);

/* Starts connecting with cfg (takes its contents); done(ui, ctx, ...) runs when it finished.
 * Problems go to the status line; returns false when nothing started. */
bool ui_dial(struct ui *ui, struct tls_config *cfg, const struct ui_target *target,
             const char *label, dial_done_fn done, void *ctx);
/* Builds the config for profile and target, then ui_dial. */
bool ui_dial_profile(struct ui *ui, const struct ui_target *target, const char *profile,
                     dial_done_fn done, void *ctx);

/* For ui.c's loop. */
bool dial_running(const struct ui *ui);
/* The connection's sockets and deadline (false when none is running). */
bool dial_want(struct ui *ui, struct conn_poll *cp);
/* After poll: steps the connection; a finished one joins the visits and is handed over. */
void dial_step(struct ui *ui, struct conn_poll *cp, bool due);
void dial_cancel(struct ui *ui); /* Esc while connecting */
void dial_free(struct ui *ui);   /* quitting: drops it without a word */
/* "handshaking localhost:4433 · 0.4 s" (sanitised; caller frees) and the elapsed time. */
char *dial_describe(const struct ui *ui, int64_t *ms);

/* K: the key log for the next connections off, or asked for with a prompt. */
void dial_keylog_toggle(struct ui *ui);

#endif
