/* The session's connections (bounded, newest last) and what a person does with them across
 * connections: write the current report as JSON (w), toggle the key log (K), and reconnect
 * with a client certificate (c), asking for an encrypted key's passphrase with echo off. */
#include "ui/session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "render/json.h"
#include "ui/screens.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strbuf.h"

#define SESSION_KEY_MAX (1u << 20) /* a PEM key file larger than this is not a key */

/* ---- the list ---- */

static void session_conn_free(struct session_conn *c)
{
    report_free(c->report);
    free(c->profile);
    memset(c, 0, sizeof *c);
}

const struct session_conn *session_add(struct session *s, struct report *r, const char *profile,
                                       bool edited, time_t when)
{
    if (s->n == SESSION_MAX) {
        session_conn_free(&s->conns[0]);
        memmove(s->conns, s->conns + 1, (SESSION_MAX - 1) * sizeof *s->conns);
        s->n--;
    }
    struct session_conn *c = &s->conns[s->n++];
    c->seq = ++s->next_seq;
    c->report = r;
    c->profile = xstrdup(profile ? profile : "");
    c->edited = edited;
    c->when = when;
    return c;
}

const struct session_conn *session_find(const struct session *s, unsigned seq)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->conns[i].seq == seq)
            return &s->conns[i];
    return NULL;
}

const struct session_conn *session_find_report(const struct session *s, const struct report *r)
{
    for (size_t i = 0; r && i < s->n; i++)
        if (s->conns[i].report == r)
            return &s->conns[i];
    return NULL;
}

const struct session_conn *session_previous(const struct session *s, unsigned seq)
{
    const struct session_conn *best = NULL;
    for (size_t i = 0; i < s->n; i++)
        if (s->conns[i].seq < seq)
            best = &s->conns[i];
    return best;
}

void session_free(struct session *s)
{
    for (size_t i = 0; i < s->n; i++)
        session_conn_free(&s->conns[i]);
    free(s->keylog);
    memset(s, 0, sizeof *s);
}

char *session_label(const struct session_conn *c, bool with_target)
{
    char when[16] = "";
    struct tm tm;
    if (localtime_r(&c->when, &tm))
        strftime(when, sizeof when, "%H:%M:%S", &tm);
    struct strbuf sb = {0};
    sb_printf(&sb, "#%u", c->seq);
    const struct report *r = c->report;
    if (with_target && r && r->host) {
        bool v6 = strchr(r->host, ':') != NULL;
        sb_printf(&sb, " %s%s%s:%u", v6 ? "[" : "", r->host, v6 ? "]" : "", (unsigned)r->port);
    }
    sb_printf(&sb, " %s%s %s", c->profile && c->profile[0] ? c->profile : "command line",
              c->edited ? " (edited)" : "", when);
    char *safe = sanitize_terminal(sb.buf);
    sb_free(&sb);
    return safe;
}

/* ---- pure helpers ---- */

static bool session_str_differs(const char *a, const char *b)
{
    if (!a || !b)
        return a != b;
    return strcmp(a, b) != 0;
}

static bool session_list_differs(const struct strlist *a, const struct strlist *b)
{
    if (a->len != b->len)
        return true;
    for (size_t i = 0; i < a->len; i++)
        if (strcmp(a->items[i], b->items[i]) != 0)
            return true;
    return false;
}

bool session_config_differs(const struct tls_config *a, const struct tls_config *b)
{
    const char *sa[] = {a->host,      a->sni,      a->ciphers, a->ciphersuites,
                        a->groups,    a->sigalgs,  a->ca_file, a->ca_path,
                        a->cert_file, a->key_file, a->key_pass};
    const char *sb[] = {b->host,      b->sni,      b->ciphers, b->ciphersuites,
                        b->groups,    b->sigalgs,  b->ca_file, b->ca_path,
                        b->cert_file, b->key_file, b->key_pass};
    for (size_t i = 0; i < sizeof sa / sizeof sa[0]; i++)
        if (session_str_differs(sa[i], sb[i]))
            return true;
    return a->port != b->port || a->no_sni != b->no_sni || a->family != b->family ||
           a->min_proto != b->min_proto || a->max_proto != b->max_proto ||
           a->sec_level != b->sec_level || a->verify != b->verify ||
           a->hostname_check != b->hostname_check || a->ocsp != b->ocsp ||
           a->ocsp_required != b->ocsp_required || a->reconnect != b->reconnect ||
           a->timeout_s != b->timeout_s || session_list_differs(&a->alpn, &b->alpn) ||
           session_list_differs(&a->ignore_errors, &b->ignore_errors) ||
           session_list_differs(&a->pins, &b->pins);
}

bool session_pem_encrypted(const char *pem)
{
    if (!pem)
        return false;
    for (const char *p = strstr(pem, "-----BEGIN "); p; p = strstr(p + 1, "-----BEGIN ")) {
        const char *eol = p + strcspn(p, "\r\n");
        const char *enc = strstr(p, "ENCRYPTED");
        if (enc && enc < eol)
            return true;
    }
    return strstr(pem, "Proc-Type: 4,ENCRYPTED") != NULL;
}

void session_expand_home(const char *path, char *out, size_t n)
{
    const char *home = getenv("HOME");
    if (strncmp(path, "~/", 2) == 0 && home && *home)
        snprintf(out, n, "%s/%s", home, path + 2);
    else
        snprintf(out, n, "%s", path);
}

char *session_json_name(const struct report *r)
{
    if (!r || !r->host || !*r->host)
        return xstrdup("report.json");
    char *name = xasprintf("%s.json", r->host);
    size_t n = strlen(name) - 5;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || (ch == '.' && i > 0);
        if (!ok)
            name[i] = '_';
    }
    return name;
}

void session_apply(const struct session *s, struct tls_config *cfg)
{
    if (s->keylog) {
        free(cfg->keylog);
        cfg->keylog = xstrdup(s->keylog);
    } else if (s->keylog_off) {
        free(cfg->keylog);
        cfg->keylog = NULL;
    }
}

/* ---- keeping connections ---- */

void session_keep(struct ui *ui, struct report *r)
{
    static const char mark[] = " (edited)"; /* the editor's connections say so themselves */
    char profile[UI_NAME_MAX];
    snprintf(profile, sizeof profile, "%s", ui->conn_profile);
    size_t n = strlen(profile), m = sizeof mark - 1;
    bool edited = n > m && strcmp(profile + n - m, mark) == 0;
    if (edited) {
        profile[n - m] = '\0';
    } else {
        struct tls_config want;
        char err[1400];
        if (ui_build_config(ui, &ui->conn_target, profile, &want, err, sizeof err) == 0) {
            edited = session_config_differs(&want, &ui->conn_cfg);
            config_free(&want);
        }
    }
    session_add(&ui->session, r, profile, edited, time(NULL));
    if (r->client_cert_requested && !r->client_cert_sent)
        ui_status(ui, TR_WARN,
                  "the server asks for a client certificate: c picks one and "
                  "reconnects");
}

/* ---- the key log (K) ---- */

const char *session_keylog_file(const struct ui *ui)
{
    const struct session *s = &ui->session;
    if (s->keylog)
        return s->keylog;
    if (s->keylog_off)
        return NULL;
    if (ui->screen != SCR_HOME && ui->result.report)
        return ui->result.cfg.keylog;
    return ui->opt->cfg ? ui->opt->cfg->keylog : NULL;
}

char *session_keylog_warning(const struct ui *ui)
{
    const char *f = session_keylog_file(ui);
    if (!f)
        return NULL;
    char *line = xasprintf("%s session keys written to %s", glyph(GL_WARN, ui->term.utf8), f);
    char *safe = sanitize_terminal(line);
    free(line);
    return safe;
}

static bool session_is_keylog_phrase(const char *phrase)
{
    return strncmp(phrase, "session keys written to ", 24) == 0;
}

void session_in_effect(const struct ui *ui, struct strlist *out)
{
    const struct strlist *w = &ui->result.report->effective.weakened;
    const char *f = session_keylog_file(ui);
    bool have = false;
    for (size_t i = 0; i < w->len; i++) {
        if (session_is_keylog_phrase(w->items[i])) {
            if (!f || strcmp(w->items[i] + 24, f) != 0)
                continue; /* K changed it for the next connections */
            have = true;
        }
        strlist_push(out, w->items[i]);
    }
    if (f && !have)
        strlist_take(out, xasprintf("session keys written to %s", f));
}

void session_keylog_toggle(struct ui *ui)
{
    struct session *s = &ui->session;
    const char *on = session_keylog_file(ui);
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
    ui_prompt_open(ui, PROMPT_KEYLOG, "Key log file: ", env && *env ? env : "~/tlscope-keys.log");
}

static void session_keylog_set(struct ui *ui, const char *text)
{
    struct session *s = &ui->session;
    char path[SESSION_PATH_MAX];
    if (!text[0]) {
        ui_status(ui, TR_DIM, "key log stays off");
        return;
    }
    session_expand_home(text, path, sizeof path);
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
              ui->result.report ? " (r reconnects)" : "");
    free(safe);
}

/* ---- writing the report as JSON (w) ---- */

void session_json_start(struct ui *ui)
{
    char *name = session_json_name(ui->result.report);
    ui_prompt_open(ui, PROMPT_JSON, "Write report to: ", name);
    free(name);
}

static void session_json_write(struct ui *ui, bool replace)
{
    struct session *s = &ui->session;
    char err[1200];
    char *doc = json_render_report(ui->result.report, true);
    char *safe = sanitize_terminal(s->json_path);
    if (file_write_atomic(s->json_path, doc, strlen(doc), 0644, replace, err, sizeof err) < 0) {
        char *serr = sanitize_terminal(err);
        ui_status(ui, TR_BAD, "not written: %s", serr);
        free(serr);
    } else {
        ui_status(ui, TR_OK, "wrote report to %s", safe);
    }
    free(safe);
    free(doc);
}

static void session_json_answer(struct ui *ui, const char *text)
{
    struct session *s = &ui->session;
    if (!text[0]) {
        ui_status(ui, TR_DIM, "not written");
        return;
    }
    if (session_write_target(ui, text, s->json_path, sizeof s->json_path, PROMPT_JSON_OVERWRITE) ==
        0)
        session_json_write(ui, false);
}

int session_write_target(struct ui *ui, const char *typed, char *out, size_t n,
                         enum prompt_kind ask)
{
    session_expand_home(typed, out, n);
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
        ui_prompt_open(ui, ask, label, "");
        free(label);
        free(safe);
        return 1;
    }
    return 0;
}

void session_json_overwrite(struct ui *ui, bool yes)
{
    if (!yes) {
        ui_status(ui, TR_DIM, "not written");
        return;
    }
    session_json_write(ui, true);
}

/* ---- a client certificate (c) ---- */

void session_cert_start(struct ui *ui)
{
    const struct result *res = &ui->result;
    if (!res->report->client_cert_requested) {
        ui_status(ui, TR_DIM, "the server did not ask for a client certificate");
        return;
    }
    ui_prompt_open(ui, PROMPT_CERT,
                   "Client certificate (PEM): ", res->cfg.cert_file ? res->cfg.cert_file : "");
}

/* Expands text into out and checks it names a readable regular file; says what is wrong on
 * the status line (what: "client certificate", "private key"). */
static bool session_file_ok(struct ui *ui, const char *what, const char *text, char *out, size_t n)
{
    if (!text[0]) {
        ui_status(ui, TR_DIM, "no %s given: nothing changed", what);
        return false;
    }
    session_expand_home(text, out, n);
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

/* Reconnects the current result's target with the chosen certificate and key (and the typed
 * passphrase, or NULL). */
static void session_cert_connect(struct ui *ui, const char *pass)
{
    struct session *s = &ui->session;
    struct result *res = &ui->result;
    struct tls_config cfg;
    config_copy(&cfg, &res->cfg);
    free(cfg.cert_file);
    free(cfg.key_file);
    cfg.cert_file = xstrdup(s->cert_path);
    cfg.key_file = xstrdup(s->key_path);
    if (cfg.key_pass_value) {
        explicit_bzero(cfg.key_pass_value, strlen(cfg.key_pass_value));
        free(cfg.key_pass_value);
    }
    cfg.key_pass_value = xstrdup(pass);
    struct ui_target t = res->target;
    char profile[UI_NAME_MAX];
    snprintf(profile, sizeof profile, "%s", res->profile);
    ui_start(ui, &cfg, &t, profile);
}

bool session_key_file_encrypted(const char *path)
{
    char *data = NULL, err[512];
    size_t n = 0;
    if (file_read_bounded(path, SESSION_KEY_MAX, &data, &n, err, sizeof err) < 0)
        return false; /* the engine will say what is wrong with it */
    bool enc = session_pem_encrypted(data);
    explicit_bzero(data, n);
    free(data);
    return enc;
}

static void session_key_answer(struct ui *ui, const char *text)
{
    struct session *s = &ui->session;
    if (!session_file_ok(ui, "private key", text, s->key_path, sizeof s->key_path))
        return;
    if (session_key_file_encrypted(s->key_path) && !ui->result.cfg.key_pass) {
        char *safe = sanitize_terminal(s->key_path);
        char *base = strrchr(safe, '/');
        char *label = xasprintf("Passphrase for %s (not saved): ", base ? base + 1 : safe);
        ui_prompt_open(ui, PROMPT_PASS, label, "");
        free(label);
        free(safe);
        return;
    }
    session_cert_connect(ui, NULL);
}

void session_prompt_answer(struct ui *ui, enum prompt_kind kind, const char *text)
{
    struct session *s = &ui->session;
    switch (kind) {
    case PROMPT_JSON: session_json_answer(ui, text); break;
    case PROMPT_KEYLOG: session_keylog_set(ui, text); break;
    case PROMPT_CERT:
        if (session_file_ok(ui, "client certificate", text, s->cert_path, sizeof s->cert_path))
            ui_prompt_open(ui, PROMPT_KEY, "Private key (PEM): ",
                           ui->result.cfg.key_file ? ui->result.cfg.key_file : "");
        break;
    case PROMPT_KEY: session_key_answer(ui, text); break;
    case PROMPT_PASS: session_cert_connect(ui, text); break;
    default: break;
    }
}
