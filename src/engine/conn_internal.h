/* Private to the engine: the connection object shared by conn.c (the pipeline), transport.c
 * (resolve and connect), the handshake drivers (hs_openssl.c, hs_raw.c), tlsctx.c (OpenSSL
 * setup and callbacks), facts.c (copying facts into the report) and failure.c (explaining a
 * failed handshake). */
#ifndef TLSCOPE_ENGINE_CONN_INTERNAL_H
#define TLSCOPE_ENGINE_CONN_INTERNAL_H

#include <openssl/ssl.h>
#include <stdio.h>
#include <time.h>

#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "engine/transport.h"

/* The pipeline: transport (resolve → connect) → preamble (STARTTLS) → handshake driver →
 * application probe → close → fetch (--aia, --revocation: other servers, after the
 * connection is closed) → findings. A reconnect runs the first stages again. */
enum conn_phase {
    PH_TRANSPORT,
    PH_PREAMBLE,
    PH_HANDSHAKE,
    PH_PROBE,
    PH_FETCH,
    PH_DONE,
};

enum hs_status { HS_RUNNING, HS_DONE, HS_FAILED };

/* A handshake driver. start runs once the socket (c->fd) is connected; step does a bounded
 * amount of work and says whether the handshake is done, failed (the report's error is set)
 * or still running; want says what to wait for on c->fd and any deadline of its own (µs, or
 * INT64_MAX); stop ends one run's state (graceful: say goodbye to the peer); release frees
 * what the driver keeps across runs (the saved session, the built hello). */
struct hs_driver {
    const char *name;
    int (*start)(struct conn *c, char *err, size_t errlen);
    enum hs_status (*step)(struct conn *c, short revents);
    void (*want)(const struct conn *c, short *events, int64_t *deadline_us);
    void (*stop)(struct conn *c, bool graceful);
    void (*release)(struct conn *c); /* conn_free: everything the driver keeps across runs */
};
extern const struct hs_driver hs_openssl_driver; /* hs_openssl.c */
extern const struct hs_driver hs_raw_driver;     /* hs_raw.c */

#define FIRST_BYTES_MAX    64
#define VERIFY_RECORDS_MAX 64

struct verify_record {
    int depth;
    int code;
};

struct hs_raw;      /* hs_raw.c */
struct doctor_job;  /* doctor_net.h */
struct st_dialogue; /* starttls/starttls.h */

#define APP_IN_MAX 16384 /* application data kept after the handshake (the probe reads it) */

struct conn {
    struct tls_config cfg;
    struct report *r;
    struct engine *engine;
    bool own_engine; /* conn_new made it (caller passed NULL) */
    enum conn_phase phase;
    const struct hs_driver *drv;
    int run;            /* which run of the pipeline: 1 the connection, 2 the reconnect */
    int64_t t_start_us; /* conn_new */
    int64_t t_stage_us; /* start of the current phase (for its timeout) */
    int64_t t_tcp_us;   /* start of the winning TCP attempt: event times count from here */

    struct transport tr;
    int fd;
    struct sockaddr_storage addr; /* address in use */
    socklen_t addr_len;

    /* the OpenSSL driver */
    SSL_CTX *ctx; /* a reference to the engine's context for this configuration */
    SSL *ssl;
    BIO *bio;
    int want_events; /* POLLIN / POLLOUT for the handshake */
    bool lingering;  /* TLS 1.3: collecting NewSessionTickets after the handshake */
    int64_t linger_until_us;
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

    /* the raw-hello driver */
    struct hs_raw *raw;
    bool one_segment; /* the first flight fits in one TCP segment: no TCP_NODELAY needed */

    /* the preamble (preamble.c): the STARTTLS dialogue chosen for this connection */
    int st_proto; /* enum st_proto; 0: none, TLS at once */
    struct st_dialogue *st;
    struct starttls_report st_scratch; /* the reconnect's dialogue: checked, not reported */
    /* the probe (probe.c): the injection check and the HTTP request, after the handshake */
    int probe;       /* enum probe_kind */
    bool probe_sent; /* the HTTP request is out */
    int64_t probe_until_us;
    int64_t probe_sent_us;
    /* the fetch stage (facts.c starts it, doctor_net.c runs it) */
    struct doctor_job *doc;
    time_t facts_now;  /* the reference time of the facts (certificate dates) */
    bool findings_due; /* the first connection's facts are in: findings once every stage ran */
    unsigned char app_in[APP_IN_MAX]; /* application data received so far (bounded) */
    size_t n_app_in;
    size_t probe_out_len;
    char probe_out[600];
};

/* conn.c — a connection for cfg (copied) with driver drv, not started; conn_begin starts its
 * pipeline. e NULL: the connection gets a run of its own. */
struct conn *conn_create(struct engine *e, const struct tls_config *cfg,
                         const struct hs_driver *drv);
void conn_begin(struct conn *c);
/* conn.c — one message of the handshake trace (sent or received), timed from the TCP
 * connect; content_type 0 is an SSLv2 record. Past EVENT_MAX the trace is marked truncated.
 * Received handshake messages are counted here (rx_messages, rx_hello_requests) for both
 * drivers. */
void conn_record_message(struct conn *c, enum event_dir dir, int content_type, int record_type,
                         int version, const uint8_t *p, size_t len);
/* conn.c — µs the current phase may last. */
int64_t conn_stage_timeout_us(const struct conn *c);
/* conn.c — the reconnect failed: the first connection stands; the error says why. */
void conn_reconnect_failed(struct conn *c, const char *why);

/* preamble.c — the STARTTLS choice for c's configuration, written into the report (protocol,
 * chosen_by, reason). Returns 0, or -1 with a message when --starttls names no protocol. */
int preamble_choose(struct conn *c, char *err, size_t errlen);
/* preamble.c — starts the dialogue on c->fd; false when none runs (TLS at once). */
bool preamble_start(struct conn *c);
/* preamble.c — one bounded step: HS_DONE when the server is ready for TLS, HS_FAILED with
 * the report's error (stage starttls) set, else HS_RUNNING. */
enum hs_status preamble_step(struct conn *c, short revents);
void preamble_want(const struct conn *c, short *events);
/* preamble.c — the stage's time ran out: the error (stage starttls) says what was heard. */
void preamble_timed_out(struct conn *c);
/* preamble.c — frees the dialogue. */
void preamble_free(struct conn *c);

/* Validators of the settings table (engine_register_validators): --starttls's value (auto,
 * none or a protocol) and --http's (on, off or a path). */
int preamble_check_starttls(const char *v, char *reason, size_t n);
int probe_check_http(const char *v, char *reason, size_t n);

/* probe.c — after a completed handshake of the first connection: starts the injection check
 * or the HTTP probe when asked for; false when neither runs. */
bool probe_start(struct conn *c);
/* probe.c — one bounded step; true once the probe is over (the report has its result). */
bool probe_step(struct conn *c, short revents);
void probe_want(const struct conn *c, short *events, int64_t *deadline_us);
/* probe.c — application data that arrived while the handshake driver read (TLS 1.3's
 * ticket linger); kept for the probe, bounded by APP_IN_MAX. */
void conn_app_data(struct conn *c, const unsigned char *p, size_t n);

/* tlsctx.c — builds the SSL_CTX for cfg (callbacks included); fills eff. Returns NULL and a
 * message naming the option on a bad value. */
SSL_CTX *tlsctx_build(const struct tls_config *cfg, struct effective *eff, char *err,
                      size_t errlen);
/* tlsctx.c — the engine's context for cfg (built on first use, then shared), with a reference
 * the caller frees; eff gets a copy of its settings in effect. */
SSL_CTX *tlsctx_get(struct engine *e, const struct tls_config *cfg, struct effective *eff,
                    char *err, size_t errlen);
/* tlsctx.c — drops every context the engine holds. */
void tlsctx_cache_free(struct engine *e);
/* Creates the SSL for one connection on c->fd (SNI, hostname check, OCSP, session). */
int tlsctx_new_ssl(struct conn *c, char *err, size_t errlen);
/* Drains OpenSSL's error queue into buf as "reason; reason"; returns buf. */
const char *ossl_errors(char *buf, size_t n);
/* Clears the error queue and returns the first (oldest) packed error code. */
unsigned long ossl_first_error(void);

/* facts.c — after a completed handshake on c->ssl, copies every fact into c->r. */
void facts_collect(struct conn *c);
/* facts.c — after the probe, before the socket closes: the fetch stage's job (c->doc) when
 * --aia or --revocation asks for one; false when none. */
bool facts_fetch_start(struct conn *c);
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
