/* issue 13: a small bounded HTTP/1.1 client for the certificate doctor (caIssuers, OCSP, CRL):
 * http:// and https:// URLs (TLS verified against the check's trust store and the URL's host),
 * one request per connection (Connection: close), a hard deadline for the whole exchange
 * (resolve, connect, send, receive, redirects), a bound on the body, at most
 * HTTP_REDIRECTS_MAX redirects (GET only).
 *
 * Non-blocking: an exchange is a state machine the caller's poll loop drives, like a
 * connection's stages — http_want says what to wait for, http_step does a bounded amount of
 * work — so several fetches run side by side and a cancel (http_free) wins at any moment. */
#ifndef TLSCOPE_ENGINE_HTTP_H
#define TLSCOPE_ENGINE_HTTP_H

#include <openssl/x509.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_REDIRECTS_MAX 3
#define HTTP_HEADER_MAX    (16 * 1024)

struct http_response {
    int status;          /* 200, 404 ... */
    unsigned char *body; /* the body (caller frees), NUL-terminated (not counted) */
    size_t n;
    char *final_url; /* the URL answered after redirects (caller frees) */
};

struct http_req;

/* Starts fetching url. method "GET" or "POST" (with body/body_n, copied, and content_type). At
 * most max body bytes are accepted (a longer body is an error), within timeout_s seconds in
 * all. store: the trust store for https:// (a reference is kept; NULL: the system's). Never
 * fails here: a bad URL is an error http_result reports. */
struct http_req *http_start(const char *url, const char *method, const char *content_type,
                            const unsigned char *body, size_t body_n, size_t max, double timeout_s,
                            X509_STORE *store);
/* What to wait for: one descriptor (fd -1: none, only the deadline) and the deadline (µs). */
void http_want(const struct http_req *q, struct pollfd *pfd, int64_t *deadline_us);
/* One bounded step with the descriptor's revents (0: none, or only the deadline passed).
 * True once the exchange is over, answered or failed. */
bool http_step(struct http_req *q, short revents);
/* After http_step said over: 0 with *out filled (any status; the caller frees it), or -1 with
 * err: "timeout waiting for the answer", "Connection refused", "HTTP body larger than N
 * bytes", "TLS handshake failed: ...", ... */
int http_result(struct http_req *q, struct http_response *out, char *err, size_t errlen);
/* Ends the exchange wherever it is (closes its socket) and frees it. NULL is fine. */
void http_free(struct http_req *q);
void http_response_free(struct http_response *r);

#endif
