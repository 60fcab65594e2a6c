/* issue 13: the bounded HTTP/1.1 client (see http.h). */
#include "engine/http.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "engine/resolve.h"
#include "model/config.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

struct url {
    char host[256];
    uint16_t port;
    char path[2048];
    bool tls; /* https:// */
};

/* One exchange's connection: a socket, with TLS over it for https://. */
struct io {
    int fd;
    SSL *ssl;
};

static int url_parse(const char *url, struct url *u, char *err, size_t errlen)
{
    u->tls = !strncasecmp(url, "https://", 8);
    if (!u->tls && strncasecmp(url, "http://", 7) != 0) {
        snprintf(err, errlen, "not an http:// or https:// URL");
        return -1;
    }
    url += u->tls ? 1 : 0; /* from here on "http://" and "https://" have the same offsets */
    const char *h = url + 7, *end = h + strcspn(h, "/?#");
    u->port = u->tls ? 443 : 80;
    const char *colon = NULL;
    if (*h == '[') {
        const char *rb = memchr(h, ']', (size_t)(end - h));
        if (!rb) {
            snprintf(err, errlen, "bad IPv6 literal in the URL");
            return -1;
        }
        if (rb + 1 < end && rb[1] == ':')
            colon = rb + 1;
        h++;
        end = rb;
    } else {
        colon = memchr(h, ':', (size_t)(end - h));
        if (colon)
            end = colon;
    }
    if (colon) {
        char *e = NULL;
        long p = strtol(colon + 1, &e, 10);
        if (p < 1 || p > 65535 || e == colon + 1) {
            snprintf(err, errlen, "bad port in the URL");
            return -1;
        }
        u->port = (uint16_t)p;
    }
    size_t hl = (size_t)(end - h);
    if (hl == 0 || hl >= sizeof u->host) {
        snprintf(err, errlen, "no host in the URL");
        return -1;
    }
    memcpy(u->host, h, hl);
    u->host[hl] = '\0';
    const char *path = url + 7 + strcspn(url + 7, "/?#");
    if (!*path || *path == '#')
        path = "/";
    snprintf(u->path, sizeof u->path, "%s%s", *path == '?' ? "/" : "", path);
    char *hash = strchr(u->path, '#');
    if (hash)
        *hash = '\0';
    for (const char *c = u->path; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f) {
            snprintf(err, errlen, "the URL has a control character or a space");
            return -1;
        }
    return 0;
}

static const char *header(const char *head, size_t hlen, const char *name, size_t *vlen)
{
    size_t nl = strlen(name);
    for (const char *p = head; p && p < head + hlen;) {
        const char *eol = memchr(p, '\n', (size_t)(head + hlen - p));
        if (!eol)
            break;
        if ((size_t)(eol - p) > nl + 1 && !strncasecmp(p, name, nl) && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            const char *e = eol;
            while (e > v && (e[-1] == '\r' || e[-1] == ' '))
                e--;
            *vlen = (size_t)(e - v);
            return v;
        }
        p = eol + 1;
    }
    return NULL;
}

/* Decodes a chunked body in place; returns its length or -1. */
static long dechunk(unsigned char *b, size_t n)
{
    size_t in = 0, out = 0;
    for (size_t k = 0; k < 100000; k++) {
        char *e = NULL;
        unsigned long sz = strtoul((char *)b + in, &e, 16);
        unsigned char *eol = memchr(b + in, '\n', n - in);
        if (!eol || e == (char *)b + in)
            return -1;
        in = (size_t)(eol - b) + 1;
        if (sz == 0)
            return (long)out;
        if (sz > n - in)
            return -1;
        memmove(b + out, b + in, sz);
        out += sz;
        in += sz;
        if (in < n && b[in] == '\r')
            in++;
        if (in < n && b[in] == '\n')
            in++;
    }
    return -1;
}

/* ---- one exchange as a state machine ------------------------------------------------------ */

enum hstate { H_RESOLVE, H_CONNECT, H_TLS, H_SEND, H_RECV, H_DONE, H_FAILED };

struct http_req {
    enum hstate st;
    char *url; /* the URL being fetched (the last redirect's target) */
    char *method, *ctype;
    unsigned char *body;
    size_t body_n, max;
    int64_t deadline;
    X509_STORE *store; /* a reference (https://), or NULL: the system's */
    int hops;
    struct url u;
    struct resolver *res;
    const struct addrinfo *ai; /* the address being tried (owned by res) */
    int fd;
    SSL *ssl;
    short want;        /* POLLIN / POLLOUT for the current state */
    struct strbuf req; /* the request: head and body */
    size_t sent;       /* bytes of req gone out */
    struct strbuf ans; /* the answer so far */
    size_t body_at;    /* where the body starts in ans once the head is in; 0 before */
    struct http_response resp;
    char err[256];
};

static void close_io(struct http_req *q)
{
    SSL_free(q->ssl);
    q->ssl = NULL;
    if (q->fd >= 0)
        close(q->fd);
    q->fd = -1;
    ERR_clear_error();
}

static void release_resolver(struct http_req *q)
{
    if (q->res)
        resolver_release(q->res);
    q->res = NULL;
    q->ai = NULL;
}

static void fail(struct http_req *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct http_req *q, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q->err, sizeof q->err, fmt, ap);
    va_end(ap);
    q->st = H_FAILED;
    close_io(q);
    release_resolver(q);
}

static void build_request(struct http_req *q)
{
    const struct url *u = &q->u;
    bool v6 = strchr(u->host, ':') != NULL;
    q->req.len = 0;
    q->sent = 0;
    sb_printf(&q->req, "%s %s HTTP/1.1\r\nHost: %s%s%s", q->method, u->path, v6 ? "[" : "", u->host,
              v6 ? "]" : "");
    if (u->port != (u->tls ? 443 : 80))
        sb_printf(&q->req, ":%u", (unsigned)u->port);
    sb_puts(&q->req, "\r\nUser-Agent: tlscope\r\nAccept: */*\r\nConnection: close\r\n");
    if (q->body)
        sb_printf(&q->req, "Content-Type: %s\r\nContent-Length: %zu\r\n", q->ctype, q->body_n);
    sb_puts(&q->req, "\r\n");
    if (q->body)
        sb_add(&q->req, (const char *)q->body, q->body_n);
    q->st = H_SEND;
    q->want = POLLOUT;
}

/* https://: the client side, verified against the check's trust store and the URL's host. */
static void start_tls(struct http_req *q)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        fail(q, "cannot create a TLS context");
        return;
    }
    if (q->store && X509_STORE_up_ref(q->store))
        SSL_CTX_set_cert_store(ctx, q->store);
    else
        SSL_CTX_set_default_verify_paths(ctx);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    q->ssl = SSL_new(ctx);
    SSL_CTX_free(ctx);
    if (!q->ssl || SSL_set_fd(q->ssl, q->fd) != 1) {
        fail(q, "cannot create a TLS connection");
        return;
    }
    X509_VERIFY_PARAM *param = SSL_get0_param(q->ssl);
    if (host_is_ip_literal(q->u.host)) {
        X509_VERIFY_PARAM_set1_ip_asc(param, q->u.host);
    } else {
        SSL_set_tlsext_host_name(q->ssl, q->u.host);
        X509_VERIFY_PARAM_set1_host(param, q->u.host, 0);
    }
    q->st = H_TLS;
    q->want = POLLOUT;
}

static void connected(struct http_req *q)
{
    release_resolver(q);
    if (q->u.tls)
        start_tls(q);
    else
        build_request(q);
}

/* Tries q->ai and the addresses after it until one connects or is under way. */
static void try_connect(struct http_req *q)
{
    char why[160] = "no address";
    for (; q->ai; q->ai = q->ai->ai_next) {
        q->fd = socket(q->ai->ai_family, q->ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (q->fd < 0) {
            snprintf(why, sizeof why, "socket: %s", strerror(errno));
            continue;
        }
        if (connect(q->fd, q->ai->ai_addr, q->ai->ai_addrlen) == 0) {
            connected(q);
            return;
        }
        if (errno == EINPROGRESS) {
            q->st = H_CONNECT;
            q->want = POLLOUT;
            return;
        }
        snprintf(why, sizeof why, "%s", strerror(errno));
        close(q->fd);
        q->fd = -1;
    }
    fail(q, "%s", why);
}

static void resolved(struct http_req *q)
{
    char err[256] = "";
    q->ai = resolver_result(q->res, err, sizeof err);
    if (!q->ai) {
        fail(q, "%s", err[0] ? err : "the name does not resolve");
        return;
    }
    try_connect(q);
}

/* Starts (again, after a redirect) the exchange for q->url. */
static void begin(struct http_req *q)
{
    char err[256] = "";
    if (url_parse(q->url, &q->u, err, sizeof err) < 0) {
        fail(q, "%s", err);
        return;
    }
    if (resolver_start(q->u.host, q->u.port, 0, &q->res, err, sizeof err) < 0) {
        fail(q, "%s", err);
        return;
    }
    q->st = H_RESOLVE;
    q->want = POLLIN;
    if (resolver_done(q->res))
        resolved(q);
}

/* The answer is in (the peer closed): status, body, a redirect to follow. */
static void answered(struct http_req *q)
{
    close_io(q);
    const char *buf = q->ans.buf;
    const char *hend = buf ? strstr(buf, "\r\n\r\n") : NULL;
    if (!hend || q->ans.len < 12 || strncmp(buf, "HTTP/1.", 7) != 0) {
        fail(q, "not an HTTP answer");
        return;
    }
    size_t hlen = (size_t)(hend - buf) + 2, bstart = hlen + 2, vlen = 0;
    size_t blen = q->ans.len - bstart;
    struct http_response *out = &q->resp;
    http_response_free(out);
    out->status = atoi(buf + 9);
    out->body = xmalloc(blen + 1);
    memcpy(out->body, buf + bstart, blen);
    const char *te = header(buf, hlen, "Transfer-Encoding", &vlen);
    if (te && vlen >= 7 && !strncasecmp(te, "chunked", 7)) {
        long d = dechunk(out->body, blen);
        if (d < 0) {
            fail(q, "bad chunked encoding");
            return;
        }
        blen = (size_t)d;
    }
    const char *cl = header(buf, hlen, "Content-Length", &vlen);
    if (cl && !te && strtoul(cl, NULL, 10) < blen)
        blen = strtoul(cl, NULL, 10);
    if (blen > q->max) {
        fail(q, "HTTP body larger than %zu bytes", q->max);
        return;
    }
    out->body[blen] = '\0';
    out->n = blen;
    const char *loc = header(buf, hlen, "Location", &vlen);
    bool redirect = out->status >= 301 && out->status <= 308 && out->status != 304 && loc &&
                    !strcmp(q->method, "GET");
    if (!redirect) {
        out->final_url = xstrdup(q->url);
        q->st = H_DONE;
        return;
    }
    if (q->hops++ >= HTTP_REDIRECTS_MAX) {
        fail(q, "more than %d redirects", HTTP_REDIRECTS_MAX);
        return;
    }
    char *next;
    if (loc[0] == '/') /* relative to the server answering */
        next = xasprintf("%s://%s%s%s:%u%.*s", q->u.tls ? "https" : "http",
                         strchr(q->u.host, ':') ? "[" : "", q->u.host,
                         strchr(q->u.host, ':') ? "]" : "", (unsigned)q->u.port, (int)vlen, loc);
    else
        next = xstrndup(loc, vlen);
    http_response_free(out);
    free(q->url);
    q->url = next;
    q->ans.len = 0;
    q->body_at = 0;
    begin(q);
}

static bool too_big(struct http_req *q, size_t more)
{
    if (q->ans.len + more <= q->max + HTTP_HEADER_MAX)
        return false;
    fail(q, "HTTP answer larger than %zu bytes", q->max);
    return true;
}

/* TLS: what the last call wants; false (and failed) on a real error. */
static bool tls_wants(struct http_req *q, int rc, const char *what)
{
    int e = SSL_get_error(q->ssl, rc);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        q->want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
        return true;
    }
    long v = q->st == H_TLS ? SSL_get_verify_result(q->ssl) : X509_V_OK;
    if (v != X509_V_OK)
        fail(q, "%s: %s", what, X509_verify_cert_error_string(v));
    else
        fail(q, "%s", what);
    return false;
}

#define IO_ROUNDS 16 /* reads or writes per step: the step's work stays bounded */

static void step_send(struct http_req *q)
{
    for (int k = 0; k < IO_ROUNDS && q->sent < q->req.len; k++) {
        const char *p = q->req.buf + q->sent;
        size_t n = q->req.len - q->sent;
        if (q->ssl) {
            size_t w = 0;
            ERR_clear_error();
            int rc = SSL_write_ex(q->ssl, p, n, &w);
            if (rc != 1) {
                tls_wants(q, rc, "cannot send the request over TLS");
                return;
            }
            q->sent += w;
            continue;
        }
        ssize_t w = send(q->fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            q->sent += (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EINTR) {
            fail(q, "send: %s", strerror(errno));
            return;
        }
        q->want = POLLOUT;
        return;
    }
    if (q->sent == q->req.len) {
        q->st = H_RECV;
        q->want = POLLIN;
    }
}

/* Whether the answer so far is whole by its own framing (Content-Length, or a chunked body's
 * last chunk), so a server that keeps the connection open despite "Connection: close" does
 * not cost the deadline. A body framed by the close alone: false. */
static bool answer_complete(const struct http_req *q)
{
    const char *buf = q->ans.buf;
    size_t body = q->body_at, hlen = body - 2, vlen = 0;
    const char *te = header(buf, hlen, "Transfer-Encoding", &vlen);
    if (te)
        return vlen >= 7 && !strncasecmp(te, "chunked", 7) && q->ans.len >= body + 5 &&
               !memcmp(buf + q->ans.len - 5, "0\r\n\r\n", 5);
    const char *cl = header(buf, hlen, "Content-Length", &vlen);
    if (!cl || !isdigit((unsigned char)*cl))
        return false;
    unsigned long long n = strtoull(cl, NULL, 10);
    return n <= q->max && q->ans.len - body >= n;
}

/* n more bytes of the answer. The head's end is looked for in the new bytes only, and a head
 * longer than HTTP_HEADER_MAX fails: a peer sending megabytes without one costs no rescans.
 * False once the exchange is over (answered by its framing, or failed). */
static bool received(struct http_req *q, const char *p, size_t n)
{
    if (too_big(q, n))
        return false;
    size_t from = q->ans.len > 3 ? q->ans.len - 3 : 0;
    sb_add(&q->ans, p, n);
    if (!q->body_at) {
        const char *h = memmem(q->ans.buf + from, q->ans.len - from, "\r\n\r\n", 4);
        if (h) {
            q->body_at = (size_t)(h - q->ans.buf) + 4;
        } else if (q->ans.len > HTTP_HEADER_MAX) {
            fail(q, "HTTP header larger than %d bytes", HTTP_HEADER_MAX);
            return false;
        }
    }
    if (q->body_at && answer_complete(q)) {
        answered(q);
        return false;
    }
    return true;
}

static void step_recv(struct http_req *q)
{
    char buf[8192];
    for (int k = 0; k < IO_ROUNDS; k++) {
        if (q->ssl) {
            size_t got = 0;
            ERR_clear_error();
            int rc = SSL_read_ex(q->ssl, buf, sizeof buf, &got);
            if (rc == 1) {
                if (!received(q, buf, got))
                    return;
                continue;
            }
            int e = SSL_get_error(q->ssl, rc);
            if (e == SSL_ERROR_ZERO_RETURN || e == SSL_ERROR_SYSCALL || e == SSL_ERROR_SSL) {
                if (q->ans.len) /* closed (a server that drops TCP ends the body too) */
                    answered(q);
                else
                    fail(q, "the server closed the connection without an answer");
                return;
            }
            tls_wants(q, rc, "TLS error reading the answer");
            return;
        }
        ssize_t r = recv(q->fd, buf, sizeof buf, 0);
        if (r == 0) {
            answered(q);
            return;
        }
        if (r > 0) {
            if (!received(q, buf, (size_t)r))
                return;
            continue;
        }
        if (errno != EAGAIN && errno != EINTR)
            fail(q, "recv: %s", strerror(errno));
        else
            q->want = POLLIN;
        return;
    }
}

static const char *const timeout_words[] = {
    [H_RESOLVE] = "timeout resolving the name",  [H_CONNECT] = "timeout connecting",
    [H_TLS] = "timeout in the TLS handshake",    [H_SEND] = "timeout sending the request",
    [H_RECV] = "timeout waiting for the answer",
};

struct http_req *http_start(const char *url, const char *method, const char *content_type,
                            const unsigned char *body, size_t body_n, size_t max, double timeout_s,
                            X509_STORE *store)
{
    struct http_req *q = xcalloc(1, sizeof(*q));
    q->fd = -1;
    q->url = xstrdup(url);
    q->method = xstrdup(method);
    q->ctype = xstrdup(content_type ? content_type : "application/octet-stream");
    if (body) {
        q->body = xmalloc(body_n ? body_n : 1);
        memcpy(q->body, body, body_n);
        q->body_n = body_n;
    }
    q->max = max;
    q->deadline = mono_us() + (int64_t)(timeout_s * 1e6);
    if (store && X509_STORE_up_ref(store))
        q->store = store;
    begin(q);
    return q;
}

bool http_step(struct http_req *q, short revents)
{
    for (int k = 0; k < 4 && q->st != H_DONE && q->st != H_FAILED; k++) {
        enum hstate was = q->st;
        if (mono_us() >= q->deadline) {
            fail(q, "%s", timeout_words[q->st]);
            break;
        }
        switch (q->st) {
        case H_RESOLVE:
            if (resolver_done(q->res))
                resolved(q);
            break;
        case H_CONNECT: {
            if (!revents)
                break;
            int soerr = 0;
            socklen_t sl = sizeof soerr;
            if (getsockopt(q->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
                soerr = errno;
            struct sockaddr_storage peer;
            socklen_t pl = sizeof peer;
            if (soerr == 0 && getpeername(q->fd, (struct sockaddr *)&peer, &pl) < 0 &&
                errno == ENOTCONN)
                soerr = EINPROGRESS; /* a wake-up that was not this connect's */
            if (soerr == EINPROGRESS)
                break;
            if (soerr == 0) {
                connected(q);
                break;
            }
            close(q->fd);
            q->fd = -1;
            q->ai = q->ai->ai_next;
            if (q->ai)
                try_connect(q);
            else
                fail(q, "%s", strerror(soerr));
            break;
        }
        case H_TLS: {
            ERR_clear_error();
            int rc = SSL_connect(q->ssl);
            if (rc == 1)
                build_request(q);
            else
                tls_wants(q, rc, "TLS handshake failed");
            break;
        }
        case H_SEND: step_send(q); break;
        case H_RECV: step_recv(q); break;
        case H_DONE:
        case H_FAILED: break;
        }
        if (q->st == was)
            break; /* waiting: the next readiness (or the deadline) moves it on */
        revents = 0;
    }
    return q->st == H_DONE || q->st == H_FAILED;
}

void http_want(const struct http_req *q, struct pollfd *pfd, int64_t *deadline_us)
{
    pfd->fd = q->st == H_RESOLVE ? resolver_fd(q->res) : q->fd;
    pfd->events = q->want;
    pfd->revents = 0;
    if (q->st == H_DONE || q->st == H_FAILED)
        pfd->fd = -1;
    *deadline_us = q->deadline;
}

int http_result(struct http_req *q, struct http_response *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (q->st == H_DONE) {
        *out = q->resp;
        memset(&q->resp, 0, sizeof q->resp);
        return 0;
    }
    snprintf(err, errlen, "%s", q->st == H_FAILED ? q->err : "the fetch did not finish");
    return -1;
}

void http_free(struct http_req *q)
{
    if (!q)
        return;
    close_io(q);
    release_resolver(q);
    http_response_free(&q->resp);
    sb_free(&q->req);
    sb_free(&q->ans);
    X509_STORE_free(q->store);
    free(q->url);
    free(q->method);
    free(q->ctype);
    free(q->body);
    free(q);
}

void http_response_free(struct http_response *r)
{
    free(r->body);
    free(r->final_url);
    memset(r, 0, sizeof(*r));
}
