/* The server side of a first flight, as bytes: ServerHello / HelloRetryRequest records, any
 * handshake message in a record, alerts, and SSLv2's SERVER-HELLO; and bounded parsers for
 * the two SSLv2 hello messages. Pure C like build.h: no OpenSSL, no sockets, no randomness
 * of its own. Test peers and fuzzing use them; a probe reads the answers with record.h. */
#ifndef TLSCOPE_WIRE_SERVE_H
#define TLSCOPE_WIRE_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/wire.h"

/* A ServerHello (or HelloRetryRequest when hrr: the random is then RFC 8446's constant). */
struct wire_sh_spec {
    uint16_t record_version; /* 0: 0x0303 */
    uint16_t legacy_version; /* 0: 0x0303 */
    const uint8_t *random;   /* 32 bytes; NULL: 32 zero bytes (ignored for an HRR) */
    bool hrr;
    const uint8_t *session_id; /* echoed legacy_session_id */
    size_t session_id_len;     /* 0..32 */
    uint16_t cipher;
    uint8_t compression;
    const struct wire_ext *exts; /* in this order, bodies as given */
    size_t n_exts;
    bool no_extensions; /* no extensions block (an SSLv3 / TLS 1.0 server without any) */
};

/* Each writes whole records into out (cap bytes) and returns their length, or 0 with *why
 * when it does not fit or a field is out of range. */
size_t wire_build_server_hello(const struct wire_sh_spec *s, uint8_t *out, size_t cap,
                               const char **why);
/* One handshake message of type with body (n bytes) in as many records as it needs. */
size_t wire_build_handshake_records(uint16_t record_version, uint8_t type, const uint8_t *body,
                                    size_t n, uint8_t *out, size_t cap, const char **why);
/* A TLS Certificate message body (TLS <= 1.2 layout) holding the DER certificates. */
size_t wire_build_certificate_body(const uint8_t *const *der, const size_t *der_len, size_t n,
                                   uint8_t *out, size_t cap, const char **why);
/* An alert record: 7 bytes. */
size_t wire_build_alert(uint16_t record_version, uint8_t level, uint8_t desc, uint8_t *out,
                        size_t cap);

/* ---- SSLv2 -------------------------------------------------------------------------------- */

#define WIRE_SSL2_SPECS_MAX 1024 /* cipher specs a parsed SSLv2 hello may hold */

/* A parsed SSLv2 CLIENT-HELLO or SERVER-HELLO. Spans point into the caller's bytes. */
struct wire_ssl2_hello {
    uint8_t msg_type; /* 1 CLIENT-HELLO, 4 SERVER-HELLO */
    uint16_t version;
    uint32_t specs[WIRE_SSL2_SPECS_MAX]; /* 3-byte cipher specs (TLS suites as 0x00XXYY) */
    size_t n_specs;
    struct wire_span session_id; /* CLIENT-HELLO */
    struct wire_span challenge;  /* CLIENT-HELLO */
    bool session_id_hit;         /* SERVER-HELLO */
    uint8_t cert_type;           /* SERVER-HELLO: 1 X.509 */
    struct wire_span cert;       /* SERVER-HELLO */
    struct wire_span conn_id;    /* SERVER-HELLO */
};

/* body is an SSLv2 record's body (what record.h hands out as WIRE_ITEM_SSL2, without the
 * 2-byte header). 0, or -1 with *why on malformed input. */
int wire_parse_ssl2_client_hello(const uint8_t *body, size_t n, struct wire_ssl2_hello *out,
                                 const char **why);
int wire_parse_ssl2_server_hello(const uint8_t *body, size_t n, struct wire_ssl2_hello *out,
                                 const char **why);

/* An SSLv2 SERVER-HELLO record (header included): version 0x0002, the specs, the certificate
 * (DER, may be empty), a 16-byte connection id. */
size_t wire_build_ssl2_server_hello(const uint32_t *specs, size_t n_specs, const uint8_t *cert,
                                    size_t cert_len, const uint8_t conn_id[16], uint8_t *out,
                                    size_t cap, const char **why);

#endif
