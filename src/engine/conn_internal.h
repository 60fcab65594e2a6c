/* Private to the engine: the connection object shared by conn.c (the state machine),
 * tlsctx.c (OpenSSL setup), facts.c (copying facts into the report) and failure.c
 * (explaining a failed handshake). */
#ifndef TLSCOPE_ENGINE_CONN_INTERNAL_H
#define TLSCOPE_ENGINE_CONN_INTERNAL_H

#include <openssl/ssl.h>
#include <stdio.h>

#include "engine/engine.h"
#include "engine/resolve.h"

enum conn_state {
    CS_RESOLVE,
    CS_CONNECT,
    CS_HANDSHAKE,
    CS_LINGER,      /* TLS 1.3: collect NewSessionTickets that follow the handshake */
    CS_RECONNECT,   /* TCP connect of the resumption attempt */
    CS_REHANDSHAKE, /* handshake of the resumption attempt */
    CS_DONE,
};

#define FIRST_BYTES_MAX    64
#define VERIFY_RECORDS_MAX 64

struct verify_record {
    int depth;
    int code;
};

struct conn {
    struct tls_config cfg;
    struct report *r;
    enum conn_state state;
    int64_t t_start_us; /* conn_new */
    int64_t t_stage_us; /* start of the current stage (for its timeout) */
    int64_t t_tcp_us;   /* start of the current TCP connect: event times count from here */
    int64_t linger_until_us;

    struct resolver *resolver;
    const struct addrinfo *addr_next; /* next address to try */
    struct sockaddr_storage addr;     /* address in use */
    socklen_t addr_len;
    char last_tcp_error[256];

    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
    BIO *bio;
    int want_events; /* POLLIN / POLLOUT for the handshake */
    int connection;  /* 1 first, 2 reconnect */

    /* captured by callbacks */
    unsigned char first_bytes[FIRST_BYTES_MAX];
    size_t n_first_bytes;
    struct verify_record verify[VERIFY_RECORDS_MAX];
    size_t n_verify;
    int hdr_record_type[2]; /* outer record type of the last header seen, per direction */
    SSL_SESSION *session;   /* latest resumable session (new-session callback) */
    int tickets_seen;
    unsigned long rx_messages;       /* handshake messages received (all, not only recorded) */
    unsigned long rx_hello_requests; /* of which HelloRequest */
    bool cert_requested;
    bool post_failed; /* the connection failed while collecting tickets */
    int post_ssl_err, post_sys_errno;
    unsigned long post_lib_err;
    FILE *keylog;

    int *ignore_codes;
    size_t n_ignore;
};

/* tlsctx.c — builds the SSL_CTX for cfg; fills r->effective. Returns NULL and a message
 * naming the option on a bad value. */
SSL_CTX *tlsctx_build(const struct tls_config *cfg, struct effective *eff, char *err,
                      size_t errlen);
/* Creates the SSL for one connection on c->fd (SNI, hostname check, OCSP, callbacks). */
int tlsctx_new_ssl(struct conn *c, char *err, size_t errlen);
/* Drains OpenSSL's error queue into buf as "reason; reason"; returns buf. */
const char *ossl_errors(char *buf, size_t n);
/* Clears the error queue and returns the first (oldest) packed error code. */
unsigned long ossl_first_error(void);

/* facts.c — after a completed handshake on c->ssl, copies every fact into c->r. */
void facts_collect(struct conn *c);
/* After the reconnect handshake: resumed or not. */
void facts_collect_reconnect(struct conn *c);
/* Fills c->r->offered from the ClientHello event and the SSL (OpenSSL cipher names). */
void facts_offered(struct conn *c);

/* failure.c — explains why the handshake failed; sets c->r->error. ssl_err is the
 * SSL_get_error() result, lib_err the first OpenSSL error code (0 if none). */
void failure_explain(struct conn *c, int ssl_err, unsigned long lib_err, int sys_errno);

/* tlsctx.c — resolves --ignore-error names to codes (caller frees *codes). */
int tlsctx_ignore_codes(const struct tls_config *cfg, int **codes, size_t *n, char *err,
                        size_t errlen);
/* tlsctx.c — OpenSSL protocol version constant for a model version (0 for PROTO_UNSET). */
int tlsctx_proto_version(enum proto_version v);
enum proto_version tlsctx_proto_from_ossl(int version);
#endif
