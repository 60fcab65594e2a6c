/* issue 13: a small bounded HTTP/1.1 client for the certificate doctor (caIssuers, OCSP, CRL):
 * http:// and https:// URLs (TLS verified against the check's trust store and the URL's host),
 * one request per connection (Connection: close), a hard deadline for
 * the whole exchange (resolve, connect, send, receive, redirects), a bound on the body, at most
 * HTTP_REDIRECTS_MAX redirects (GET only). Blocking: it polls its own socket until done. */
#ifndef TLSCOPE_ENGINE_HTTP_H
#define TLSCOPE_ENGINE_HTTP_H

#include <openssl/x509.h>
#include <stddef.h>

#define HTTP_REDIRECTS_MAX 3
#define HTTP_HEADER_MAX    (16 * 1024)

struct http_response {
    int status;          /* 200, 404 ... */
    unsigned char *body; /* the body (caller frees), NUL-terminated (not counted) */
    size_t n;
    char *final_url; /* the URL answered after redirects (caller frees) */
};

/* Fetches url. method "GET" or "POST" (with body/body_n and content_type). At most max body
 * bytes are accepted (a longer body is an error), within timeout_s seconds in all. store: the
 * trust store for https:// (NULL: the system's). Returns 0 with *out filled (any status), or
 * -1 with err: "timeout ...", "Connection refused", "HTTP body larger than N bytes", "TLS
 * handshake failed: ...", ... */
int http_fetch(const char *url, const char *method, const char *content_type,
               const unsigned char *body, size_t body_n, size_t max, double timeout_s,
               X509_STORE *store, struct http_response *out, char *err, size_t errlen);
void http_response_free(struct http_response *r);

#endif
