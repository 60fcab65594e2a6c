/* The demo lab's certificate repository, in the server process: a small HTTP responder on
 * 127.0.0.1 for what the lab's leaf names — its issuer (caIssuers, DER), an OCSP answer ("good",
 * to GET and POST alike) and the intermediate's CRL — so `--aia`, `--revocation` and the UI's
 * `a` work offline on the lab's targets. One request per connection, each bounded in size and
 * time; everything it serves is made once at start. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "lab/lab_internal.h"
#include "lab/pki.h"
#include "util/mem.h"

#define HTTP_CONN_MS 5000 /* a request must arrive and its answer leave within this */

/* The path asked for in "METHOD /path HTTP/1.x" (the first line, complete), as a kind. */
enum lab_http_kind { LH_NONE, LH_INTER, LH_OCSP, LH_CRL };

static enum lab_http_kind lab_http_route(const char *req)
{
    const char *sp = strchr(req, ' ');
    if (!sp)
        return LH_NONE;
    const char *path = sp + 1;
    if (!strncmp(path, "/inter.crt ", 11))
        return LH_INTER;
    if (!strncmp(path, "/inter.crl ", 11))
        return LH_CRL;
    if (!strncmp(path, "/ocsp ", 6) || !strncmp(path, "/ocsp/", 6))
        return LH_OCSP;
    return LH_NONE;
}

void lab_http_init(struct lab_http *h, int lfd, uint16_t port)
{
    memset(h, 0, sizeof(*h));
    h->lfd = lfd;
    h->port = port;
}

/* The DER of certificate name. */
static unsigned char *cert_der(const struct pki *p, const char *name, size_t *len)
{
    const char *pem = pki_cert_pem(p, name);
    BIO *b = pem ? BIO_new_mem_buf(pem, -1) : NULL;
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    unsigned char *der = NULL;
    int n = x ? i2d_X509(x, &der) : -1;
    unsigned char *out = NULL;
    if (n > 0) {
        out = xmalloc((size_t)n);
        memcpy(out, der, (size_t)n);
        *len = (size_t)n;
    }
    OPENSSL_free(der);
    X509_free(x);
    BIO_free(b);
    return out;
}

int lab_http_load(struct lab_http *h, const struct pki *p, char *err, size_t errlen)
{
    h->body[LH_INTER] = cert_der(p, "inter", &h->len[LH_INTER]);
    h->body[LH_OCSP] = pki_ocsp_response(p, "leaf", 0, &h->len[LH_OCSP]);
    h->body[LH_CRL] = pki_crl(p, "inter", NULL, 0, false, &h->len[LH_CRL]);
    for (int k = LH_INTER; k <= LH_CRL; k++)
        if (!h->body[k]) {
            snprintf(err, errlen, "demo lab: cannot make what the repository serves (%s)",
                     k == LH_INTER  ? "intermediate"
                     : k == LH_OCSP ? "OCSP answer"
                                    : "CRL");
            return -1;
        }
    return 0;
}

size_t lab_http_fill(const struct lab_http *h, struct pollfd *pfd, int64_t *wake)
{
    size_t n = 0;
    if (h->lfd >= 0)
        pfd[n++] = (struct pollfd){.fd = h->lfd, .events = POLLIN};
    for (size_t i = 0; i < h->n; i++) {
        const struct lab_http_conn *c = &h->conns[i];
        pfd[n++] = (struct pollfd){.fd = c->fd, .events = c->answering ? POLLOUT : POLLIN};
        if (c->deadline < *wake)
            *wake = c->deadline;
    }
    return n;
}

/* The request is in: the answer (head, then the body it points to). */
static void lab_http_answer(struct lab_http *h, struct lab_http_conn *c)
{
    enum lab_http_kind k = lab_http_route(c->in);
    const char *type = k == LH_INTER  ? "application/pkix-cert"
                       : k == LH_OCSP ? "application/ocsp-response"
                                      : "application/pkix-crl";
    if (k == LH_NONE)
        c->n_head = (size_t)snprintf(c->head, sizeof c->head,
                                     "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                                     "Connection: close\r\n\r\n");
    else
        c->n_head = (size_t)snprintf(c->head, sizeof c->head,
                                     "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: "
                                     "%zu\r\nConnection: close\r\n\r\n",
                                     type, h->len[k]);
    c->body = k == LH_NONE ? NULL : h->body[k];
    c->n_body = k == LH_NONE ? 0 : h->len[k];
    c->answering = true;
}

/* One bounded step; false when the connection is over. */
static bool lab_http_conn_step(struct lab_http *h, struct lab_http_conn *c)
{
    if (!c->answering) {
        ssize_t r = recv(c->fd, c->in + c->n_in, sizeof c->in - 1 - c->n_in, 0);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
            return false;
        if (r > 0)
            c->n_in += (size_t)r;
        c->in[c->n_in] = '\0';
        /* The first line decides; a POST's body (the OCSP request) is not needed. */
        if (strstr(c->in, "\r\n"))
            lab_http_answer(h, c);
        else if (c->n_in == sizeof c->in - 1)
            return false; /* no request line in 4 KiB */
        return true;
    }
    const char *p = c->sent < c->n_head ? c->head + c->sent : (const char *)c->body;
    size_t left = c->sent < c->n_head ? c->n_head - c->sent : c->n_body - (c->sent - c->n_head);
    if (c->sent >= c->n_head)
        p += c->sent - c->n_head;
    if (!left)
        return false;
    ssize_t w = send(c->fd, p, left, MSG_NOSIGNAL);
    if (w < 0 && errno != EAGAIN && errno != EINTR)
        return false;
    if (w > 0)
        c->sent += (size_t)w;
    return c->sent < c->n_head + c->n_body;
}

void lab_http_step(struct lab_http *h, const struct pollfd *pfd, int64_t now)
{
    size_t k = 0;
    bool accept_ready = h->lfd >= 0 && (pfd[k++].revents & POLLIN);
    size_t n = 0;
    for (size_t i = 0; i < h->n; i++) {
        struct lab_http_conn *c = &h->conns[i];
        bool keep = now < c->deadline;
        if (keep && pfd[k].revents)
            keep = lab_http_conn_step(h, c);
        k++;
        if (keep)
            h->conns[n++] = *c;
        else
            close(c->fd);
    }
    h->n = n;
    for (int i = 0; accept_ready && i < LAB_HTTP_CONNS && h->n < LAB_HTTP_CONNS; i++) {
        int fd = accept4(h->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            break;
        h->conns[h->n++] = (struct lab_http_conn){.fd = fd, .deadline = now + HTTP_CONN_MS};
    }
}
