/* issue 13: chain files checked from the UI (see chaincheck.h). */
#include "ui/chaincheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "engine/doctor.h"
#include "ui/core.h"
#include "ui/result.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/strbuf.h"

#define CHECK_FILE_MAX (4u << 20) /* the engine's chain-file bound */

/* A check waiting for an answer on the status line (a password, a key file's path): the
 * prompt's context, freed by whichever callback ends the prompt. */
struct pending {
    char path[VISITS_PATH_MAX];
    char key[VISITS_PATH_MAX]; /* "" : none */
};

static struct pending *pending_new(const char *path, const char *key)
{
    struct pending *p = xcalloc(1, sizeof(*p));
    snprintf(p->path, sizeof p->path, "%s", path);
    snprintf(p->key, sizeof p->key, "%s", key ? key : "");
    return p;
}

static void pending_drop(struct ui *ui, void *ctx, const char *text)
{
    (void)ui;
    (void)text;
    free(ctx);
}

bool ui_check_is_file(const char *spec)
{
    struct stat st;
    if (!spec || !*spec)
        return false;
    if (spec[0] == '/' || !strncmp(spec, "./", 2) || !strncmp(spec, "../", 3) ||
        !strncmp(spec, "~/", 2))
        return true;
    return stat(spec, &st) == 0 && S_ISREG(st.st_mode);
}

static void show(struct ui *ui, struct report *r, const char *spec)
{
    const struct visit *v = visits_add(&ui->visits, r, "", false, time(NULL));
    struct dial_result dr = {.report = r, .seq = v->seq, .target = {.lab_index = -1}};
    if (ui->opt->cfg)
        config_copy(&dr.cfg, ui->opt->cfg);
    else
        config_init(&dr.cfg);
    snprintf(dr.target.spec, sizeof dr.target.spec, "%s", spec);
    struct screen *s = result_screen_new(ui, &dr, NULL);
    config_free(&dr.cfg);
    ui_push(ui, s);
}

static int run(struct ui *ui, const char *file, const char *data, size_t n, const char *pass,
               const char *key, const char *name, struct report **out, char *err, size_t errlen)
{
    const struct tls_config *c = ui->opt->cfg;
    struct doctor_opts o = {
        .file = file,
        .data = (const unsigned char *)data,
        .n = n,
        .pass = pass,
        .key_file = key,
        .key_pass = pass,
        .name = name,
        .ca_file = c ? c->ca_file : NULL,
        .ca_path = c ? c->ca_path : NULL,
        .ct_logs = c ? c->ct_logs : NULL,
        .timeout_s = c ? c->timeout_s : 10,
    };
    return doctor_check(&o, out, err, errlen);
}

static void check(struct ui *ui, const char *path, const char *key, const char *pass);

static void pass_done(struct ui *ui, void *ctx, const char *text)
{
    struct pending *p = ctx;
    check(ui, p->path, p->key[0] ? p->key : NULL, text);
    free(p);
}

/* Checks path (with key when given; pass for a PKCS#12 file or an encrypted key) and opens
 * its report; a file or key that needs a password asks for it with echo off. */
static void check(struct ui *ui, const char *path, const char *key, const char *pass)
{
    char full[VISITS_PATH_MAX], keyfull[VISITS_PATH_MAX], err[1200], *data = NULL;
    size_t n = 0;
    visits_expand_home(path, full, sizeof full);
    if (key)
        visits_expand_home(key, keyfull, sizeof keyfull);
    if (file_read_bounded(full, CHECK_FILE_MAX, &data, &n, err, sizeof err) < 0) {
        ui_status(ui, TR_BAD, "check: %s", err);
        return;
    }
    struct report *r = NULL;
    int rc = run(ui, full, data, n, pass, key ? keyfull : NULL, NULL, &r, err, sizeof err);
    free(data);
    if (rc == DOCTOR_NEED_PASS && !pass) {
        ui_prompt_open(ui,
                       key ? "password for the file or the key (echo off): "
                           : "password for the file (echo off): ",
                       "", PROMPT_SECRET, pass_done, pending_drop,
                       pending_new(full, key ? keyfull : NULL));
        return;
    }
    if (rc != DOCTOR_OK) {
        ui_status(ui, TR_BAD, "check: %s", err);
        return;
    }
    show(ui, r, full);
    const struct chain_check *ck = r->check;
    if (ck->key_checked)
        ui_status(ui, ck->ready ? TR_OK : TR_WARN, "%s: the key %s; %s", full,
                  ck->key_match ? "matches the leaf" : "belongs to another certificate",
                  ck->ready ? "ready to deploy" : "not ready to deploy (see Findings)");
    else
        ui_status(ui, ck->ready ? TR_OK : TR_WARN, "%s: %s", full,
                  ck->ready ? "ready to deploy" : "not ready to deploy (see Findings)");
}

void ui_check_file(struct ui *ui, const char *path, const char *pass)
{
    check(ui, path, NULL, pass);
}

static void key_done(struct ui *ui, void *ctx, const char *text)
{
    struct pending *p = ctx;
    if (text && *text)
        check(ui, p->path, text, NULL);
    free(p);
}

void ui_check_key_prompt(struct ui *ui, const char *path)
{
    ui_prompt_open(ui, "private key file to match with the leaf: ", "", 0, key_done, pending_drop,
                   pending_new(path, NULL));
}

static void path_done(struct ui *ui, void *ctx, const char *text)
{
    (void)ctx;
    if (text && *text)
        ui_check_file(ui, text, NULL);
}

void ui_check_file_prompt(struct ui *ui)
{
    ui_prompt_open(ui, "chain file to check: ", "", 0, path_done, NULL, NULL);
}

void ui_check_serve(struct ui *ui, const struct report *r)
{
    const struct cert_info *keep[REPORT_CHAIN_MAX];
    size_t n = report_chain_to_serve(r, keep, REPORT_CHAIN_MAX);
    if (!n) {
        ui_status(ui, TR_WARN, "no certificate to check: the server sent none");
        return;
    }
    struct strbuf sb = {0};
    for (size_t i = 0; i < n; i++)
        if (keep[i]->pem)
            sb_puts(&sb, keep[i]->pem);
    const char *name = r->hostname ? r->hostname : r->sni ? r->sni : r->host;
    char *label = xasprintf("the chain %s should serve", r->host ? r->host : "the server");
    struct report *out = NULL;
    char err[1200];
    int rc = run(ui, label, sb.buf ? sb.buf : "", sb.len, NULL, NULL, name, &out, err, sizeof err);
    sb_free(&sb);
    if (rc != DOCTOR_OK)
        ui_status(ui, TR_BAD, "check: %s", err);
    else
        show(ui, out, label);
    free(label);
}
