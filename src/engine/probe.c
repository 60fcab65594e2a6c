/* The probe stage: what runs over the TLS session once the handshake is done, for the first
 * connection only.
 *   - the STARTTLS injection check (CVE-2011-0411): the preamble sent a second command in the
 *     same packet as STARTTLS; a server that answers it inside TLS kept plaintext that an
 *     attacker could have injected. We wait a short, bounded while for any answer.
 *   - the HTTP probe (--http): one HEAD request with the right Host header; the answer's head
 *     is parsed (starttls/http.h). With ALPN h2 nothing is sent: we never guess that the
 *     server would accept HTTP/1.1 on a connection where it chose HTTP/2.
 * The results go into the report, then their findings (findings_probe). */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/conn_internal.h"
#include "engine/sockbio.h"
#include "model/findings.h"
#include "starttls/http.h"
#include "starttls/starttls.h"
#include "util/mem.h"
#include "util/sanitize.h"
#include "util/timeutil.h"

#define INJECTION_WAIT_US 1500000 /* a vulnerable server answers at once */
#define PROBE_READS       16

enum probe_kind { PROBE_NONE, PROBE_INJECTION, PROBE_HTTP };

void conn_app_data(struct conn *c, const unsigned char *p, size_t n)
{
    size_t room = sizeof c->app_in - c->n_app_in, k = n < room ? n : room;
    memcpy(c->app_in + c->n_app_in, p, k);
    c->n_app_in += k;
}

/* The path --http asks for: NULL when the probe is off. "auto" (the UI's default) probes "/"
 * on port 443, or where ALPN chose http/1.1. */
static const char *http_path(const struct tls_config *cfg, const struct report *r)
{
    const char *h = cfg->http;
    if (!h || !strcasecmp(h, "off") || !strcasecmp(h, "false") || !strcasecmp(h, "no"))
        return NULL;
    if (!strcasecmp(h, "auto"))
        return cfg->port == 443 || (r->alpn && !strcmp(r->alpn, "http/1.1")) ? "/" : NULL;
    if (!*h || !strcasecmp(h, "on") || !strcasecmp(h, "true") || !strcasecmp(h, "yes"))
        return "/";
    return h;
}

static int64_t stage_until(const struct conn *c, int64_t cap_us)
{
    int64_t t = conn_stage_timeout_us(c);
    return mono_us() + (cap_us && cap_us < t ? cap_us : t);
}

static bool start_http(struct conn *c, const char *path)
{
    struct http_report *h = &c->r->http;
    h->requested = true;
    if (c->st_proto != ST_NONE) {
        h->skipped =
            xasprintf("the connection speaks %s after STARTTLS, not HTTP", c->r->starttls.protocol);
        return false;
    }
    if (c->r->alpn && strcmp(c->r->alpn, "http/1.1")) {
        h->skipped = xasprintf(
            "ALPN chose %s: the server speaks %s on this connection, and tlscope sends "
            "HTTP/1.1 only where the server said it accepts it (--alpn http/1.1 to probe)",
            c->r->alpn, !strcmp(c->r->alpn, "h2") ? "HTTP/2" : c->r->alpn);
        return false;
    }
    const char *host = config_sni(&c->cfg);
    c->probe_out_len = http_build_request(c->probe_out, sizeof c->probe_out, path,
                                          host ? host : c->cfg.host, c->cfg.port);
    if (!c->probe_out_len) {
        h->skipped = xstrdup("the request does not fit (the path is too long)");
        return false;
    }
    h->request = xasprintf("HEAD %s HTTP/1.1", path);
    c->probe = PROBE_HTTP;
    c->probe_sent = false;
    c->probe_until_us = stage_until(c, 0);
    return true;
}

bool probe_start(struct conn *c)
{
    c->probe = PROBE_NONE;
    if (c->run != 1 || c->drv != &hs_openssl_driver || !c->ssl || !c->r->ok)
        return false;
    if (c->r->starttls.injected && c->r->starttls.ok) {
        c->r->starttls.injection_checked = true;
        c->probe = PROBE_INJECTION;
        c->probe_until_us = stage_until(c, INJECTION_WAIT_US);
        return true;
    }
    const char *path = http_path(&c->cfg, c->r);
    return path && start_http(c, path);
}

/* The injection check's verdict from what came inside TLS; true when decided. */
static bool judge_injection(struct conn *c, bool over)
{
    struct starttls_report *s = &c->r->starttls;
    if (c->n_app_in && st_injection_answered(c->st, (const char *)c->app_in, c->n_app_in)) {
        s->injection_vulnerable = true;
        /* the evidence: each line the server sent inside TLS, in the transcript too */
        double t = (double)(mono_us() - c->t_tcp_us) / 1000.0;
        const char *p = (const char *)c->app_in, *end = p + c->n_app_in;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = (size_t)((nl ? nl : end) - p);
            size_t shown = len && p[len - 1] == '\r' ? len - 1 : len;
            char *text = xasprintf("(inside TLS) %.*s", (int)shown, p);
            starttls_add_line(s, t, DIR_RECEIVED, text, strlen(text));
            free(text);
            p = nl ? nl + 1 : end;
        }
        size_t k = c->n_app_in < 300 ? c->n_app_in : 300;
        s->injection_answer = utf8_repair((const char *)c->app_in, k);
        return true;
    }
    return over;
}

static void http_done(struct conn *c, const char *error)
{
    struct http_report *h = &c->r->http;
    if (error && !h->error)
        h->error = xstrdup(error);
    h->ms = c->probe_sent_us ? (double)(mono_us() - c->probe_sent_us) / 1000.0 : -1;
}

/* Reads what the session has; *eof once the server closed. */
static void read_app(struct conn *c, bool *eof)
{
    unsigned char buf[4096];
    for (int i = 0; i < PROBE_READS; i++) {
        ERR_clear_error();
        int n = SSL_read(c->ssl, buf, sizeof buf);
        if (n > 0) {
            conn_app_data(c, buf, (size_t)n);
            continue;
        }
        int e = SSL_get_error(c->ssl, n);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
            *eof = true;
        ERR_clear_error();
        return;
    }
}

bool probe_step(struct conn *c, short revents)
{
    sockbio_step(c->bio);
    bool eof = false, over = mono_us() >= c->probe_until_us;
    if (c->probe == PROBE_HTTP && !c->probe_sent) {
        ERR_clear_error();
        int n = SSL_write(c->ssl, c->probe_out, (int)c->probe_out_len);
        if (n <= 0) {
            int e = SSL_get_error(c->ssl, n);
            ERR_clear_error();
            if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
                if (over)
                    http_done(c, "the request could not be sent in time");
                return over;
            }
            http_done(c, "the server closed the connection before our request");
            return true;
        }
        c->probe_sent = true;
        c->r->http.sent = true;
        c->probe_sent_us = mono_us();
        return false; /* the answer cannot be there yet */
    }
    if ((revents & (POLLIN | POLLHUP | POLLERR)) || SSL_has_pending(c->ssl) || c->n_app_in)
        read_app(c, &eof);
    if (c->probe == PROBE_INJECTION)
        return judge_injection(c, over || eof || c->n_app_in == sizeof c->app_in);
    int rc = http_parse_head((const char *)c->app_in, c->n_app_in, &c->r->http);
    if (rc != 0) {
        http_done(c, NULL);
        return true;
    }
    if (eof) {
        http_done(c, c->n_app_in ? "the server closed the connection in the middle of the headers"
                                 : "the server closed the connection without an answer");
        return true;
    }
    if (over) {
        char why[120];
        snprintf(why, sizeof why, "no complete answer in %g s", c->cfg.timeout_s);
        http_done(c, why);
        return true;
    }
    return false;
}

void probe_want(const struct conn *c, short *events, int64_t *deadline_us)
{
    *events = c->probe == PROBE_HTTP && !c->probe_sent ? POLLOUT : POLLIN;
    *deadline_us = c->probe_until_us;
}

int probe_check_http(const char *v, char *reason, size_t n)
{
    static const char *const words[] = {"on", "off", "auto", "true", "false", "yes", "no"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strcasecmp(v, words[i]))
            return 0;
    if (v[0] != '/') {
        snprintf(reason, n, "expected on, off, auto or a path starting with /");
        return -1;
    }
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7f) {
            snprintf(reason, n,
                     "a path of printable ASCII without spaces (percent-encode the rest)");
            return -1;
        }
    }
    if (strlen(v) > 400) {
        snprintf(reason, n, "a path of at most 400 characters");
        return -1;
    }
    return 0;
}
