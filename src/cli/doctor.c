/* issue 13: `tlscope --check-chain` (see doctor.h). */
#include "cli/doctor.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "engine/doctor.h"
#include "render/json.h"
#include "render/text.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/outgate.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "yaml/ysecret.h"

#define DOCTOR_INPUT_MAX (4u << 20) /* the engine's chain-file bound */
#define PASS_MAX         1024

static int secret_read(const char *data, size_t n, char **crt, char **key, char **ca, bool *plain,
                       char *err, size_t errlen)
{
    struct ysecret s;
    int rc = ysecret_read(data, n, &s, err, errlen);
    if (rc == 0) {
        *crt = s.crt;
        *key = s.key;
        *ca = s.ca;
        *plain = s.plain;
        s.crt = s.key = s.ca = NULL;
    }
    ysecret_free(&s);
    return rc;
}

void doctor_cli_init(void)
{
    static const struct doctor_secret_reader sr = {ysecret_sniff, secret_read};
    doctor_set_secret_reader(&sr);
}

static int fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Arguments may hold what a user, a file or a peer wrote: out_vprintf sanitises them. */
static int fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("tlscope: ", stderr);
    out_vprintf(stderr, fmt, ap);
    fputs("\n", stderr);
    va_end(ap);
    return status;
}

/* Standard input, bounded. */
static int read_stdin(char **data, size_t *n)
{
    struct strbuf sb = {0};
    char buf[65536];
    for (;;) {
        ssize_t r = read(STDIN_FILENO, buf, sizeof buf);
        if (r == 0)
            break;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 || sb.len + (size_t)r > DOCTOR_INPUT_MAX) {
            sb_free(&sb);
            return -1;
        }
        sb_add(&sb, buf, (size_t)r);
    }
    *n = sb.len;
    *data = sb.buf ? sb_take(&sb) : xstrdup("");
    return 0;
}

/* A password typed on the terminal (/dev/tty, echo off); -1 when there is no terminal. */
static int prompt_pass(const char *what, char *out, size_t outlen)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -1;
    struct termios old, quiet;
    if (!isatty(fd) || tcgetattr(fd, &old) != 0) {
        close(fd);
        return -1;
    }
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    /* Echo off before the question: whatever is typed after it never shows. */
    tcsetattr(fd, TCSANOW, &quiet);
    char *safe = sanitize_terminal(what), *msg = xasprintf("Password for %s: ", safe);
    (void)!write(fd, msg, strlen(msg));
    free(msg);
    free(safe);
    size_t k = 0;
    char c;
    while (k + 1 < outlen && read(fd, &c, 1) == 1 && c != '\n' && c != '\r')
        out[k++] = c;
    out[k] = '\0';
    tcsetattr(fd, TCSAFLUSH, &old);
    (void)!write(fd, "\n", 1);
    close(fd);
    return 0;
}

/* What --fix-chain changed, one line each, to stderr. */
static void say_changes(const struct report *r, const struct cert_info **keep, size_t n,
                        const char *out)
{
    out_printf(stderr,
               "tlscope: wrote %s: %zu certificate%s (leaf first, then the path "
               "intermediates)\n",
               out, n, n == 1 ? "" : "s");
    bool changed = false;
    if (r->check && r->check->leaf_index)
        changed = true, out_printf(stderr,
                                   "  moved the leaf to the front (it was certificate "
                                   "#%zu)\n",
                                   r->check->leaf_index + 1);
    for (size_t i = 1; i < r->n_sent; i++) {
        bool kept = false;
        for (size_t k = 0; k < n; k++)
            kept = kept || keep[k] == &r->sent[i] ||
                   (keep[k]->sha256 && r->sent[i].sha256 &&
                    !strcmp(keep[k]->sha256, r->sent[i].sha256));
        if (!kept) {
            changed = true;
            out_printf(stderr, "  removed %s (%s)\n", r->sent[i].subject ? r->sent[i].subject : "?",
                       chain_role_label(r->sent[i].role));
        }
    }
    for (size_t k = 1; k < n; k++) {
        bool sent = false;
        for (size_t i = 0; i < r->n_sent; i++)
            sent = sent || (keep[k]->sha256 && r->sent[i].sha256 &&
                            !strcmp(keep[k]->sha256, r->sent[i].sha256));
        if (!sent) {
            changed = true;
            out_printf(stderr, "  added %s (%s)\n", keep[k]->subject ? keep[k]->subject : "?",
                       r->n_fetched ? "fetched through caIssuers" : "from the trust store");
        }
    }
    if ((r->chain_issues & CHAIN_WRONG_ORDER) && !(r->check && r->check->leaf_index)) {
        changed = true;
        out_printf(stderr, "  put the intermediates in path order\n");
    }
    if (!changed)
        out_printf(stderr, "  nothing changed: the file already was the chain to serve\n");
}

static int fix_chain(const struct doctor_cli *o, const struct report *r)
{
    const struct cert_info *keep[REPORT_CHAIN_MAX];
    size_t n = doctor_chain_to_serve(r, keep, REPORT_CHAIN_MAX);
    if (!n)
        return fail(1, "--fix-chain %s: no leaf certificate to write", o->fix_out);
    struct strbuf sb = {0};
    for (size_t i = 0; i < n; i++)
        if (keep[i]->pem)
            sb_puts(&sb, keep[i]->pem);
    char err[700];
    int rc = file_write_atomic(o->fix_out, sb.buf, sb.len, 0644, o->force, err, sizeof err);
    sb_free(&sb);
    if (rc < 0)
        return fail(DOCTOR_EXIT_USAGE, "--fix-chain: %s", err);
    say_changes(r, keep, n, o->fix_out);
    return 0;
}

int doctor_cli_run(const struct doctor_cli *o)
{
    char err[1200], pass[PASS_MAX] = "", *data = NULL;
    size_t n = 0;
    bool have_pass = false;
    const struct tls_config *cfg = o->cfg;
    if (!strcmp(o->file, "-")) {
        if (read_stdin(&data, &n) < 0)
            return fail(DOCTOR_EXIT_USAGE, "--check-chain -: standard input is unreadable or "
                                           "larger than 4 MiB");
    } else if (file_read_bounded(o->file, DOCTOR_INPUT_MAX, &data, &n, err, sizeof err) < 0) {
        return fail(DOCTOR_EXIT_USAGE, "--check-chain: %s", err);
    }
    if (cfg->key_pass) {
        if (doctor_pass_source("--pass", cfg->key_pass, pass, sizeof pass, err, sizeof err) < 0) {
            free(data);
            return fail(DOCTOR_EXIT_USAGE, "%s", err);
        }
        have_pass = true;
    }
    struct doctor_opts d = {
        .file = o->file,
        .data = (const unsigned char *)data,
        .n = n,
        .key_file = cfg->key_file,
        .name = o->name,
        .ca_file = cfg->ca_file,
        .ca_path = cfg->ca_path,
        .aia = cfg->aia,
        .revocation = cfg->revocation,
        .ct_logs = cfg->ct_logs,
        .timeout_s = cfg->timeout_s,
    };
    struct report *r = NULL;
    int rc = DOCTOR_ERROR;
    for (int attempt = 0; attempt < 3; attempt++) {
        d.pass = d.key_pass = have_pass ? pass : NULL;
        rc = doctor_check(&d, &r, err, sizeof err);
        /* No passphrase source: ask on the terminal (never with --pass given). */
        if (rc != DOCTOR_NEED_PASS || cfg->key_pass || !isatty(STDERR_FILENO) ||
            prompt_pass(o->file, pass, sizeof pass) < 0)
            break;
        have_pass = true;
    }
    explicit_bzero(pass, sizeof pass);
    free(data);
    if (rc != DOCTOR_OK)
        return fail(1, "%s", err);
    char *doc = o->json ? json_render_report(r, !o->compact) : text_render_report(r, 80);
    o->json ? fputs(doc, stdout) : out_fputs_text(doc, stdout);
    free(doc);
    fflush(stdout);
    int status = report_exit_status(r);
    if (o->fix_out) {
        int st = fix_chain(o, r);
        if (st)
            status = st;
    }
    report_free(r);
    return status;
}
