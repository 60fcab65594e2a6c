/* The visits: this run's connections (bounded, newest last) and the key log K chose for the
 * next ones. Plain data: the screens and the connection service use it. */
#include "ui/visits.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strbuf.h"

#define VISITS_KEY_MAX (1u << 20) /* a PEM key file larger than this is not a key */

/* ---- the list ---- */

static void visit_free(struct visit *c)
{
    report_free(c->report);
    free(c->profile);
    memset(c, 0, sizeof *c);
}

const struct visit *visits_add(struct visits *s, struct report *r, const char *profile, bool edited,
                               time_t when)
{
    if (s->n == VISITS_MAX) {
        visit_free(&s->conns[0]);
        memmove(s->conns, s->conns + 1, (VISITS_MAX - 1) * sizeof *s->conns);
        s->n--;
    }
    struct visit *c = &s->conns[s->n++];
    c->seq = ++s->next_seq;
    c->report = r;
    c->profile = xstrdup(profile ? profile : "");
    c->edited = edited;
    c->when = when;
    return c;
}

const struct visit *visits_find(const struct visits *s, unsigned seq)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->conns[i].seq == seq)
            return &s->conns[i];
    return NULL;
}

const struct visit *visits_find_report(const struct visits *s, const struct report *r)
{
    for (size_t i = 0; r && i < s->n; i++)
        if (s->conns[i].report == r)
            return &s->conns[i];
    return NULL;
}

const struct visit *visits_previous(const struct visits *s, unsigned seq)
{
    const struct visit *best = NULL;
    for (size_t i = 0; i < s->n; i++)
        if (s->conns[i].seq < seq)
            best = &s->conns[i];
    return best;
}

void visits_free(struct visits *s)
{
    for (size_t i = 0; i < s->n; i++)
        visit_free(&s->conns[i]);
    free(s->keylog);
    memset(s, 0, sizeof *s);
}

char *visits_label(const struct visit *c, bool with_target)
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

static bool visits_str_differs(const char *a, const char *b)
{
    if (!a || !b)
        return a != b;
    return strcmp(a, b) != 0;
}

static bool visits_list_differs(const struct strlist *a, const struct strlist *b)
{
    if (a->len != b->len)
        return true;
    for (size_t i = 0; i < a->len; i++)
        if (strcmp(a->items[i], b->items[i]) != 0)
            return true;
    return false;
}

bool visits_config_differs(const struct tls_config *a, const struct tls_config *b)
{
    const char *sa[] = {a->host,      a->sni,      a->ciphers, a->ciphersuites,
                        a->groups,    a->sigalgs,  a->ca_file, a->ca_path,
                        a->cert_file, a->key_file, a->key_pass};
    const char *sb[] = {b->host,      b->sni,      b->ciphers, b->ciphersuites,
                        b->groups,    b->sigalgs,  b->ca_file, b->ca_path,
                        b->cert_file, b->key_file, b->key_pass};
    for (size_t i = 0; i < sizeof sa / sizeof sa[0]; i++)
        if (visits_str_differs(sa[i], sb[i]))
            return true;
    return a->port != b->port || a->no_sni != b->no_sni || a->family != b->family ||
           a->min_proto != b->min_proto || a->max_proto != b->max_proto ||
           a->sec_level != b->sec_level || a->verify != b->verify ||
           a->hostname_check != b->hostname_check || a->ocsp != b->ocsp ||
           a->ocsp_required != b->ocsp_required || a->reconnect != b->reconnect ||
           a->timeout_s != b->timeout_s || visits_list_differs(&a->alpn, &b->alpn) ||
           visits_list_differs(&a->ignore_errors, &b->ignore_errors) ||
           visits_list_differs(&a->pins, &b->pins);
}

bool visits_pem_encrypted(const char *pem)
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

void visits_expand_home(const char *path, char *out, size_t n)
{
    const char *home = getenv("HOME");
    if (strncmp(path, "~/", 2) == 0 && home && *home)
        snprintf(out, n, "%s/%s", home, path + 2);
    else
        snprintf(out, n, "%s", path);
}

char *visits_json_name(const struct report *r)
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

void visits_apply(const struct visits *s, struct tls_config *cfg)
{
    if (s->keylog) {
        free(cfg->keylog);
        cfg->keylog = xstrdup(s->keylog);
    } else if (s->keylog_off) {
        free(cfg->keylog);
        cfg->keylog = NULL;
    }
}

const char *visits_keylog_file(const struct visits *s, const char *fallback)
{
    if (s->keylog)
        return s->keylog;
    if (s->keylog_off)
        return NULL;
    return fallback;
}

static bool visits_is_keylog_phrase(const char *phrase)
{
    return strncmp(phrase, "session keys written to ", 24) == 0;
}

void visits_in_effect(const struct strlist *w, const char *f, struct strlist *out)
{
    bool have = false;
    for (size_t i = 0; i < w->len; i++) {
        if (visits_is_keylog_phrase(w->items[i])) {
            if (!f || strcmp(w->items[i] + 24, f) != 0)
                continue; /* K changed it for the next connections */
            have = true;
        }
        strlist_push(out, w->items[i]);
    }
    if (f && !have)
        strlist_take(out, xasprintf("session keys written to %s", f));
}

bool visits_key_file_encrypted(const char *path)
{
    char *data = NULL, err[512];
    size_t n = 0;
    if (file_read_bounded(path, VISITS_KEY_MAX, &data, &n, err, sizeof err) < 0)
        return false; /* the engine will say what is wrong with it */
    bool enc = visits_pem_encrypted(data);
    explicit_bzero(data, n);
    free(data);
    return enc;
}
