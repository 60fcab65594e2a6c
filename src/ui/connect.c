/* Connecting from the UI: building a connection's config from a target and a profile (the
 * command-line flags still win), starting it, asking for an encrypted key's passphrase first,
 * finishing (the report joins the session) and cancelling. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "profile/profile.h"
#include "profile/schema.h"
#include "ui/screens.h"
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
        return 0;
    }
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

void ui_conn_drop(struct ui *ui)
{
    conn_free(ui->conn);
    ui->conn = NULL;
    config_free(&ui->conn_cfg);
}

void ui_conn_finish(struct ui *ui)
{
    struct report *r = conn_take_report(ui->conn);
    conn_free(ui->conn);
    ui->conn = NULL;
    if (!r) {
        config_free(&ui->conn_cfg);
        ui_status(ui, TR_BAD, "the connection ended without a report");
        return;
    }
    if (ui->conn_target.spec[0] && ui->conn_target.lab_index < 0)
        home_remember(ui, ui->conn_target.spec);
    else if (ui->conn_target.from_cli && ui->conn_cfg.host) {
        char spec[300];
        home_target_text(ui->conn_cfg.host, ui->conn_cfg.port, spec, sizeof spec);
        home_remember(ui, spec);
    }
    ui->help = false;
    session_keep(ui, r);
    diff_screen_close(ui);
    result_set(ui, r, &ui->conn_cfg, &ui->conn_target, ui->conn_profile);
}

/* Drops a connection that waited for a passphrase (Esc on the prompt, or quitting). */
void ui_pending_clear(struct ui *ui)
{
    if (!ui->pending.active)
        return;
    config_free(&ui->pending.cfg);
    ui->pending.active = false;
}

/* The passphrase for the pending connection arrived: start it. */
void ui_pending_start(struct ui *ui, const char *pass)
{
    if (!ui->pending.active)
        return;
    struct tls_config cfg = ui->pending.cfg;
    struct ui_target target = ui->pending.target;
    char profile[UI_NAME_MAX];
    snprintf(profile, sizeof profile, "%s", ui->pending.profile);
    ui->pending.active = false;
    memset(&ui->pending.cfg, 0, sizeof ui->pending.cfg);
    cfg.key_pass_value = xstrdup(pass);
    ui_start(ui, &cfg, &target, profile);
}

bool ui_start(struct ui *ui, struct tls_config *cfg, const struct ui_target *target,
              const char *profile)
{
    char err[512];
    if (ui->conn)
        ui_conn_drop(ui);
    session_apply(&ui->session, cfg);
    if (cfg->key_file && !cfg->key_pass && !cfg->key_pass_value &&
        session_key_file_encrypted(cfg->key_file)) {
        /* Ask with echo off; the passphrase lives only in this connection's config. */
        ui_pending_clear(ui);
        ui->pending.active = true;
        ui->pending.cfg = *cfg;
        memset(cfg, 0, sizeof *cfg);
        ui->pending.target = *target;
        snprintf(ui->pending.profile, sizeof ui->pending.profile, "%s", profile ? profile : "");
        char *safe = sanitize_terminal(ui->pending.cfg.key_file);
        char *base = strrchr(safe, '/');
        char *label = xasprintf("Passphrase for %s (not saved): ", base ? base + 1 : safe);
        ui_prompt_open(ui, PROMPT_START_PASS, label, "");
        free(label);
        free(safe);
        return true;
    }
    struct conn *c;
    if (conn_new(ui->engine, cfg, &c, err, sizeof err) < 0) {
        ui_status(ui, TR_BAD, "%s", err);
        config_free(cfg);
        return false;
    }
    ui->conn = c;
    ui->conn_cfg = *cfg;
    memset(cfg, 0, sizeof *cfg);
    ui->conn_target = *target;
    snprintf(ui->conn_profile, sizeof ui->conn_profile, "%s", profile ? profile : "");
    ui->status[0] = '\0';
    if (!conn_step(ui->conn, NULL))
        ui_conn_finish(ui);
    return true;
}

bool ui_connect(struct ui *ui, const struct ui_target *target, const char *profile)
{
    struct tls_config cfg;
    char err[1400];
    if (ui_build_config(ui, target, profile, &cfg, err, sizeof err) < 0) {
        ui_status(ui, TR_BAD, "%s", err);
        return false;
    }
    return ui_start(ui, &cfg, target, profile);
}

const char *ui_stage_words(enum stage s)
{
    return stage_info(s)->doing;
}

void ui_cancel(struct ui *ui)
{
    enum stage st = conn_stage(ui->conn);
    conn_cancel(ui->conn);
    report_free(conn_take_report(ui->conn));
    ui_conn_drop(ui);
    ui_status(ui, TR_WARN, "cancelled while %s", ui_stage_words(st));
}
