/* issue 13: the bounded HTTP/1.1 client (see http.h). */
#include "engine/http.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
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

static int remaining_ms(int64_t deadline)
{
    int64_t left = (deadline - mono_us()) / 1000;
    return left < 0 ? 0 : left > 60000 ? 60000 : (int)left;
}

/* Resolves and connects within the deadline; returns a connected non-blocking fd or -1. */
static int connect_to(const struct url *u, int64_t deadline, char *err, size_t errlen)
{
    struct resolver *res = NULL;
    if (resolver_start(u->host, u->port, 0, &res, err, errlen) < 0)
        return -1;
    while (!resolver_done(res)) {
        struct pollfd p = {resolver_fd(res), POLLIN, 0};
        int ms = remaining_ms(deadline);
        if (ms == 0) {
            resolver_release(res);
            snprintf(err, errlen, "timeout resolving %s", u->host);
            return -1;
        }
        if (p.fd >= 0)
            poll(&p, 1, ms);
    }
    const struct addrinfo *ai = resolver_result(res, err, errlen);
    int fd = -1;
    for (; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        if (errno == EINPROGRESS) {
            struct pollfd p = {fd, POLLOUT, 0};
            int soerr = 0;
            socklen_t sl = sizeof soerr;
            if (poll(&p, 1, remaining_ms(deadline)) == 1 &&
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0)
                break;
            snprintf(err, errlen, "%s", soerr ? strerror(soerr) : "timeout connecting");
        } else {
            snprintf(err, errlen, "%s", strerror(errno));
        }
        close(fd);
        fd = -1;
    }
    resolver_release(res);
    return fd;
}

/* Waits for what a TLS call that returned rc asked for; -1 on a real error. */
static int tls_wait(const struct io *io, int rc, int64_t deadline)
{
    int e = SSL_get_error(io->ssl, rc);
    short ev = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
    if (!ev)
        return -1;
    struct pollfd pf = {io->fd, ev, 0};
    return poll(&pf, 1, remaining_ms(deadline)) > 0 ? 0 : -2;
}

/* https://: the handshake, verified against store (the check's trust store) and the name. */
static int tls_start(struct io *io, const struct url *u, X509_STORE *store, int64_t deadline,
                     char *err, size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx)
        return -1;
    if (store && X509_STORE_up_ref(store))
        SSL_CTX_set_cert_store(ctx, store);
    else
        SSL_CTX_set_default_verify_paths(ctx);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    io->ssl = SSL_new(ctx);
    SSL_CTX_free(ctx);
    if (!io->ssl || SSL_set_fd(io->ssl, io->fd) != 1)
        return -1;
    X509_VERIFY_PARAM *param = SSL_get0_param(io->ssl);
    if (host_is_ip_literal(u->host)) {
        X509_VERIFY_PARAM_set1_ip_asc(param, u->host);
    } else {
        SSL_set_tlsext_host_name(io->ssl, u->host);
        X509_VERIFY_PARAM_set1_host(param, u->host, 0);
    }
    for (int k = 0; k < 10000; k++) {
        int rc = SSL_connect(io->ssl);
        if (rc == 1)
            return 0;
        int w = tls_wait(io, rc, deadline);
        if (w == -2) {
            snprintf(err, errlen, "timeout in the TLS handshake");
            return -1;
        }
        if (w < 0) {
            long v = SSL_get_verify_result(io->ssl);
            snprintf(err, errlen, "TLS handshake failed%s%s", v != X509_V_OK ? ": " : "",
                     v != X509_V_OK ? X509_verify_cert_error_string(v) : "");
            return -1;
        }
    }
    return -1;
}

static int send_all(const struct io *io, const unsigned char *p, size_t n, int64_t deadline,
                    char *err, size_t errlen)
{
    int fd = io->fd;
    while (n) {
        if (io->ssl) {
            size_t w = 0;
            int rc = SSL_write_ex(io->ssl, p, n, &w);
            if (rc == 1) {
                p += w;
                n -= w;
            } else if (tls_wait(io, rc, deadline) < 0) {
                snprintf(err, errlen, "cannot send the request over TLS");
                return -1;
            }
            continue;
        }
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EINTR) {
            snprintf(err, errlen, "send: %s", strerror(errno));
            return -1;
        }
        struct pollfd pf = {fd, POLLOUT, 0};
        if (poll(&pf, 1, remaining_ms(deadline)) <= 0) {
            snprintf(err, errlen, "timeout sending the request");
            return -1;
        }
    }
    return 0;
}

/* Reads until the peer closes, or the bound is passed. */
static int recv_all(const struct io *io, struct strbuf *sb, size_t max, int64_t deadline, char *err,
                    size_t errlen)
{
    int fd = io->fd;
    char buf[8192];
    for (;;) {
        if (io->ssl) {
            size_t got = 0;
            int rc = SSL_read_ex(io->ssl, buf, sizeof buf, &got);
            if (rc == 1) {
                if (sb->len + got > max + HTTP_HEADER_MAX) {
                    snprintf(err, errlen, "HTTP answer larger than %zu bytes", max);
                    return -1;
                }
                sb_add(sb, buf, got);
                continue;
            }
            int e = SSL_get_error(io->ssl, rc);
            if (e == SSL_ERROR_ZERO_RETURN || e == SSL_ERROR_SYSCALL || e == SSL_ERROR_SSL)
                return sb->len ? 0 : -1; /* closed (a server that drops TCP ends the body too) */
            int w = tls_wait(io, rc, deadline);
            if (w < 0) {
                snprintf(err, errlen, "%s",
                         w == -2 ? "timeout waiting for the answer"
                                 : "TLS error reading the answer");
                return -1;
            }
            continue;
        }
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r == 0)
            return 0;
        if (r > 0) {
            if (sb->len + (size_t)r > max + HTTP_HEADER_MAX) {
                snprintf(err, errlen, "HTTP answer larger than %zu bytes", max);
                return -1;
            }
            sb_add(sb, buf, (size_t)r);
            continue;
        }
        if (errno != EAGAIN && errno != EINTR) {
            snprintf(err, errlen, "recv: %s", strerror(errno));
            return -1;
        }
        struct pollfd pf = {fd, POLLIN, 0};
        if (poll(&pf, 1, remaining_ms(deadline)) <= 0) {
            snprintf(err, errlen, "timeout waiting for the answer");
            return -1;
        }
    }
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

static int one_request(const char *url, const char *method, const char *ctype,
                       const unsigned char *body, size_t body_n, size_t max, int64_t deadline,
                       X509_STORE *store, struct http_response *out, char **location, char *err,
                       size_t errlen)
{
    struct url u;
    if (url_parse(url, &u, err, errlen) < 0)
        return -1;
    struct io io = {connect_to(&u, deadline, err, errlen), NULL};
    if (io.fd < 0)
        return -1;
    if (u.tls && tls_start(&io, &u, store, deadline, err, errlen) < 0) {
        if (!err[0])
            snprintf(err, errlen, "TLS handshake failed");
        SSL_free(io.ssl);
        close(io.fd);
        ERR_clear_error();
        return -1;
    }
    struct strbuf req = {0};
    bool v6 = strchr(u.host, ':') != NULL;
    sb_printf(&req, "%s %s HTTP/1.1\r\nHost: %s%s%s", method, u.path, v6 ? "[" : "", u.host,
              v6 ? "]" : "");
    if (u.port != (u.tls ? 443 : 80))
        sb_printf(&req, ":%u", (unsigned)u.port);
    sb_printf(&req, "\r\nUser-Agent: tlscope\r\nAccept: */*\r\nConnection: close\r\n");
    if (body)
        sb_printf(&req, "Content-Type: %s\r\nContent-Length: %zu\r\n", ctype, body_n);
    sb_puts(&req, "\r\n");
    int rc = send_all(&io, (const unsigned char *)req.buf, req.len, deadline, err, errlen);
    if (rc == 0 && body)
        rc = send_all(&io, body, body_n, deadline, err, errlen);
    sb_free(&req);
    struct strbuf ans = {0};
    if (rc == 0)
        rc = recv_all(&io, &ans, max, deadline, err, errlen);
    SSL_free(io.ssl);
    close(io.fd);
    ERR_clear_error();
    const char *hend = rc == 0 && ans.buf ? strstr(ans.buf, "\r\n\r\n") : NULL;
    if (rc == 0 && (!hend || strncmp(ans.buf, "HTTP/1.", 7) != 0 || ans.len < 12)) {
        snprintf(err, errlen, "not an HTTP answer");
        rc = -1;
    }
    if (rc < 0) {
        sb_free(&ans);
        return -1;
    }
    size_t hlen = (size_t)(hend - ans.buf) + 2;
    out->status = atoi(ans.buf + 9);
    size_t bstart = hlen + 2, vlen = 0;
    size_t blen = ans.len - bstart;
    const char *te = header(ans.buf, hlen, "Transfer-Encoding", &vlen);
    out->body = xmalloc(blen + 1);
    memcpy(out->body, ans.buf + bstart, blen);
    if (te && vlen >= 7 && !strncasecmp(te, "chunked", 7)) {
        long d = dechunk(out->body, blen);
        if (d < 0) {
            snprintf(err, errlen, "bad chunked encoding");
            sb_free(&ans);
            return -1;
        }
        blen = (size_t)d;
    }
    const char *cl = header(ans.buf, hlen, "Content-Length", &vlen);
    if (cl && !te && strtoul(cl, NULL, 10) < blen)
        blen = strtoul(cl, NULL, 10);
    if (blen > max) {
        snprintf(err, errlen, "HTTP body larger than %zu bytes", max);
        sb_free(&ans);
        return -1;
    }
    out->body[blen] = '\0';
    out->n = blen;
    const char *loc = header(ans.buf, hlen, "Location", &vlen);
    if (loc && location)
        *location = xstrndup(loc, vlen);
    sb_free(&ans);
    return 0;
}

int http_fetch(const char *url, const char *method, const char *content_type,
               const unsigned char *body, size_t body_n, size_t max, double timeout_s,
               X509_STORE *store, struct http_response *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    int64_t deadline = mono_us() + (int64_t)(timeout_s * 1e6);
    char *cur = xstrdup(url);
    for (int hop = 0;; hop++) {
        char *loc = NULL;
        http_response_free(out);
        err[0] = '\0';
        if (one_request(cur, method, content_type, body, body_n, max, deadline, store, out, &loc,
                        err, errlen) < 0) {
            free(loc);
            free(cur);
            return -1;
        }
        bool redirect = out->status >= 301 && out->status <= 308 && out->status != 304 && loc &&
                        !strcmp(method, "GET");
        if (!redirect) {
            free(loc);
            out->final_url = cur;
            return 0;
        }
        if (hop >= HTTP_REDIRECTS_MAX) {
            snprintf(err, errlen, "more than %d redirects", HTTP_REDIRECTS_MAX);
            free(loc);
            free(cur);
            http_response_free(out);
            return -1;
        }
        if (loc[0] == '/') { /* relative to the server answering */
            struct url u;
            char *abs = NULL;
            if (url_parse(cur, &u, err, errlen) == 0)
                abs = xasprintf("%s://%s%s%s:%u%s", u.tls ? "https" : "http",
                                strchr(u.host, ':') ? "[" : "", u.host,
                                strchr(u.host, ':') ? "]" : "", (unsigned)u.port, loc);
            free(loc);
            loc = abs ? abs : xstrdup("");
        }
        free(cur);
        cur = loc;
    }
}

void http_response_free(struct http_response *r)
{
    free(r->body);
    free(r->final_url);
    memset(r, 0, sizeof(*r));
}
