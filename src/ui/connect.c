/* The connection service: building a connection's config from a target and a profile (the
 * command-line flags still win), starting it, asking for an encrypted key's passphrase first,
 * finishing (the report joins the visits, then the completion callback gets it), cancelling;
 * and the key log K chooses for the next connections. */
#include "ui/connect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "profile/profile.h"
#include "profile/schema.h"
#include <time.h>
#include <unistd.h>

#include "ui/core.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/sanitize.h"

static void ui_set_str(char **dst, const char *src)
{
    free(*dst);
    *dst = xstrdup(src);
}

/* Points cfg at the target: a lab server, the typed spec, or the command line's target. */
static int ui_apply_target(struct ui *ui, const struct ui_target *tg, struct tls_config *cfg,
                           bool port_from_profile, char *err, size_t errlen)
{
    if (tg->lab_index >= 0) {
        const struct lab_target *lt =
            ui->lab ? lab_target_at(ui->lab, (size_t)tg->lab_index) : NULL;
        if (!lt) {
            snprintf(err, errlen, "the demo lab is not running");
            return -1;
        }
        if (!lab_ready(ui->lab)) {
            snprintf(err, errlen, "the demo lab is still starting");
            return -1;
        }
        ui_set_str(&cfg->host, "localhost");
        cfg->port = lt->port;
        ui_set_str(&cfg->ca_file, lab_ca_file(ui->lab));
        ui_set_str(&cfg->ca_path, NULL);
        ui_set_str(&cfg->cert_file, tg->client_cert ? lab_client_cert_file(ui->lab) : NULL);
        ui_set_str(&cfg->key_file, tg->client_cert ? lab_client_key_file(ui->lab) : NULL);
        ui_set_str(&cfg->key_pass, NULL);
        if (lt->starttls) /* the lab's STARTTLS servers need their dialogue (issue 12) */
            ui_set_str(&cfg->starttls, lt->starttls);
        return 0;
    }
    if (!cfg->http) /* the UI asks HTTPS servers for their headers (issue 12) */
        ui_set_str(&cfg->http, "auto");
    if (tg->from_cli) {
        ui_set_str(&cfg->host, ui->opt->cfg ? ui->opt->cfg->host : NULL);
        if (ui->opt->cfg)
            cfg->port = ui->opt->cfg->port;
    } else if (tg->spec[0]) {
        uint16_t keep = cfg->port;
        if (target_parse(tg->spec, cfg, err, errlen) < 0)
            return -1;
        if (!target_has_port(tg->spec))
            cfg->port = port_from_profile ? keep : 443;
    }
    if (!cfg->host || !*cfg->host) {
        snprintf(err, errlen, "type a host to connect to (host or host:port)");
        return -1;
    }
    return 0;
}

int ui_target_config(struct ui *ui, const struct ui_target *target, struct tls_config *cfg,
                     bool port_from_profile, char *err, size_t errlen)
{
    return ui_apply_target(ui, target, cfg, port_from_profile, err, errlen);
}

int ui_profile_config(struct ui *ui, const char *profile, struct tls_config *out, bool *port_set,
                      char *err, size_t errlen)
{
    const struct ui_options *o = ui->opt;
    bool cli = !profile || !*profile || (o->profile && strcmp(profile, o->profile) == 0);
    if (port_set)
        *port_set = false;
    if (cli && o->cfg) {
        config_copy(out, o->cfg);
        return 0;
    }
    config_init(out);
    if (!cli) {
        uint64_t set = 0;
        struct profile_error perr;
        if (profile_apply(profile, out, &set, &perr) < 0) {
            char buf[1200];
            snprintf(err, errlen, "%s", profile_error_format(&perr, buf, sizeof buf));
            config_free(out);
            return -1;
        }
        const struct setting *k = setting_find("port");
        if (port_set)
            *port_set = k && (set & (UINT64_C(1) << setting_index(k)));
    }
    if (o->apply_flags)
        o->apply_flags(out, o->apply_flags_arg);
    return 0;
}

int ui_build_config(struct ui *ui, const struct ui_target *target, const char *profile,
                    struct tls_config *out, char *err, size_t errlen)
{
    bool port_set;
    if (ui_profile_config(ui, profile, out, &port_set, err, errlen) < 0)
        return -1;
    if (ui_apply_target(ui, target, out, port_set, err, errlen) < 0) {
        config_free(out);
        return -1;
    }
    return 0;
}

bool dial_running(const struct ui *ui)
{
    return ui->dial.conn != NULL;
}

bool dial_want(struct ui *ui, struct conn_poll *cp)
{
    if (!ui->dial.conn)
        return false;
    conn_want(ui->dial.conn, cp);
    return true;
}

static void dial_drop(struct ui *ui)
{
    conn_free(ui->dial.conn);
    ui->dial.conn = NULL;
    config_free(&ui->dial.cfg);
    ui->dial.pending = false;
}

void dial_free(struct ui *ui)
{
    if (ui->dial.conn) {
        conn_cancel(ui->dial.conn);
        report_free(conn_take_report(ui->dial.conn));
    }
    dial_drop(ui);
}

/* Keeps the finished connection's report among the visits with its label, noting whether the
 * config differs from what the label's profile gives ("edited"). */
static const struct visit *dial_keep(struct ui *ui, struct report *r)
{
    static const char mark[] = " (edited)"; /* the editor's connections say so themselves */
    struct dial *d = &ui->dial;
    char profile[UI_NAME_MAX];
    snprintf(profile, sizeof profile, "%s", d->label);
    size_t n = strlen(profile), m = sizeof mark - 1;
    bool edited = n > m && strcmp(profile + n - m, mark) == 0;
    if (edited) {
        profile[n - m] = '\0';
    } else {
        struct tls_config want;
        char err[1400];
        if (ui_build_config(ui, &d->target, profile, &want, err, sizeof err) == 0) {
            edited = visits_config_differs(&want, &d->cfg);
            config_free(&want);
        }
    }
    const struct visit *v = visits_add(&ui->visits, r, profile, edited, time(NULL));
    if (r->client_cert_requested && !r->client_cert_sent)
        ui_status(ui, TR_WARN,
                  "the server asks for a client certificate: c picks one and "
                  "reconnects");
    return v;
}

static void dial_finish(struct ui *ui)
{
    struct dial *d = &ui->dial;
    struct report *r = conn_take_report(d->conn);
    conn_free(d->conn);
    d->conn = NULL;
    if (!r) {
        config_free(&d->cfg);
        ui_status(ui, TR_BAD, "the connection ended without a report");
        return;
    }
    ui->help = false;
    const struct visit *v = dial_keep(ui, r);
    struct dial_result res = {.report = r, .seq = v->seq, .cfg = d->cfg, .target = d->target};
    snprintf(res.label, sizeof res.label, "%s", d->label);
    memset(&d->cfg, 0, sizeof d->cfg);
    dial_done_fn done = d->done;
    void *ctx = d->ctx;
    d->done = NULL;
    d->ctx = NULL;
    done(ui, ctx, &res);
    config_free(&res.cfg);
}

void dial_step(struct ui *ui, struct conn_poll *cp, bool due)
{
    if (ui->dial.conn && due && !conn_step(ui->dial.conn, cp))
        dial_finish(ui);
}

/* Esc on the passphrase prompt: the connection waiting for it is dropped. */
static void dial_pass_cancel(struct ui *ui, void *ctx, const char *text)
{
    (void)ctx;
    (void)text;
    dial_drop(ui);
    ui_status(ui, TR_WARN, "not connected: the key's passphrase is needed");
}

/* The passphrase for the waiting connection arrived: start it. */
static void dial_pass_done(struct ui *ui, void *ctx, const char *pass)
{
    (void)ctx;
    struct dial *d = &ui->dial;
    if (!d->pending)
        return;
    struct tls_config cfg = d->cfg;
    memset(&d->cfg, 0, sizeof d->cfg);
    d->pending = false;
    cfg.key_pass_value = xstrdup(pass);
    struct ui_target target = d->target;
    char label[UI_NAME_MAX];
    snprintf(label, sizeof label, "%s", d->label);
    ui_dial(ui, &cfg, &target, label, d->done, d->ctx);
}

bool ui_dial(struct ui *ui, struct tls_config *cfg, const struct ui_target *target,
             const char *label, dial_done_fn done, void *ctx)
{
    struct dial *d = &ui->dial;
    char err[512];
    dial_free(ui);
    visits_apply(&ui->visits, cfg);
    d->target = *target;
    snprintf(d->label, sizeof d->label, "%s", label ? label : "");
    d->done = done;
    d->ctx = ctx;
    if (cfg->key_file && !cfg->key_pass && !cfg->key_pass_value &&
        visits_key_file_encrypted(cfg->key_file)) {
        /* Ask with echo off; the passphrase lives only in this connection's config. */
        d->pending = true;
        d->cfg = *cfg;
        memset(cfg, 0, sizeof *cfg);
        char *safe = sanitize_terminal(d->cfg.key_file);
        char *base = strrchr(safe, '/');
        char *text = xasprintf("Passphrase for %s (not saved): ", base ? base + 1 : safe);
        ui_prompt_open(ui, text, "", PROMPT_SECRET, dial_pass_done, dial_pass_cancel, NULL);
        free(text);
        free(safe);
        return true;
    }
    struct conn *c;
    if (conn_new(ui->engine, cfg, &c, err, sizeof err) < 0) {
        ui_status(ui, TR_BAD, "%s", err);
        config_free(cfg);
        return false;
    }
    d->conn = c;
    d->cfg = *cfg;
    memset(cfg, 0, sizeof *cfg);
    ui->status[0] = '\0';
    if (!conn_step(d->conn, NULL))
        dial_finish(ui);
    return true;
}

bool ui_dial_profile(struct ui *ui, const struct ui_target *target, const char *profile,
                     dial_done_fn done, void *ctx)
{
    struct tls_config cfg;
    char err[1400];
    if (ui_build_config(ui, target, profile, &cfg, err, sizeof err) < 0) {
        ui_status(ui, TR_BAD, "%s", err);
        return false;
    }
    return ui_dial(ui, &cfg, target, profile, done, ctx);
}

char *dial_describe(const struct ui *ui, int64_t *ms)
{
    const struct dial *d = &ui->dial;
    *ms = conn_elapsed_ms(d->conn);
    char *what =
        xasprintf("%s %s:%u · %.1f s", stage_info(conn_stage(d->conn))->doing,
                  d->cfg.host ? d->cfg.host : "?", (unsigned)d->cfg.port, (double)*ms / 1000.0);
    char *safe = sanitize_terminal(what);
    free(what);
    return safe;
}

/* Esc while connecting: a handshake that completed is shown without what was still running
 * (the probe, the fetches, the reconnect); anything earlier goes back where it came from. */
void dial_cancel(struct ui *ui)
{
    enum stage st = conn_stage(ui->dial.conn);
    conn_cancel(ui->dial.conn);
    if (conn_has_result(ui->dial.conn)) {
        dial_finish(ui);
        ui_status(ui, TR_WARN, "%s: the connection's result without %s",
                  st == STAGE_FETCH ? "fetches cancelled" : "cancelled after the handshake",
                  st == STAGE_FETCH ? "them" : "what was still running");
        return;
    }
    dial_free(ui);
    ui_status(ui, TR_WARN, "cancelled while %s", stage_info(st)->doing);
}

/* ---- the key log (K) ---- */

static void dial_keylog_set(struct ui *ui, void *ctx, const char *text)
{
    (void)ctx;
    struct visits *s = &ui->visits;
    char path[VISITS_PATH_MAX];
    if (!text[0]) {
        ui_status(ui, TR_DIM, "key log stays off");
        return;
    }
    visits_expand_home(text, path, sizeof path);
    char *safe = sanitize_terminal(path);
    /* Open it now as the engine will (the safe writer: a regular file, no symlink, appending,
     * 0600) so a bad path is said at once. */
    char err[1200];
    int fd = file_open_safe(path, 0600, FILE_OPEN_APPEND | FILE_OPEN_PRIVATE, err, sizeof err);
    if (fd < 0) {
        char *serr = sanitize_terminal(err);
        ui_status(ui, TR_BAD, "key log: %s", serr);
        free(serr);
        free(safe);
        return;
    }
    close(fd);
    free(s->keylog);
    s->keylog = xstrdup(path);
    s->keylog_off = false;
    ui_status(ui, TR_WARN, "key log on: the next connections write session keys to %s%s", safe,
              s->n ? " (r reconnects)" : "");
    free(safe);
}

void dial_keylog_toggle(struct ui *ui)
{
    struct visits *s = &ui->visits;
    const char *on = ui_keylog_file(ui);
    if (on) {
        char *safe = sanitize_terminal(on);
        ui_status(ui, TR_OK, "key log off: the next connections write no session keys (was %s)",
                  safe);
        free(safe);
        free(s->keylog);
        s->keylog = NULL;
        s->keylog_off = true;
        return;
    }
    const char *env = getenv("SSLKEYLOGFILE");
    ui_prompt_open(ui, "Key log file: ", env && *env ? env : "~/tlscope-keys.log", 0,
                   dial_keylog_set, NULL, NULL);
}
