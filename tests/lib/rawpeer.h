/* A scripted negotiation peer for tests: a forked child on 127.0.0.1 (or ::1) that reads each
 * connection's ClientHello (a TLS record, or an SSLv2-format CLIENT-HELLO) with src/wire and
 * answers the first flight as a server configured by struct rawpeer_config WOULD — a
 * ServerHello (optionally followed by a Certificate for TLS <= 1.2), a HelloRetryRequest, an
 * alert, an SSLv2 SERVER-HELLO, a close or a reset — and nothing more: no key exchange, no
 * cryptography, so it can "accept" any code point (RC4, EXPORT, GOST, ML-KEM ...).
 *
 * Negotiation, in order:
 *   1. refuse_after: connection number > N is reset at once, unread;
 *   2. the hello is read (bounded: RAWPEER_READ_MS); max_hello > 0 and a ClientHello message
 *      (header included) longer than max_hello: closed without an answer (intolerance);
 *   3. reset_every: every Nth connection is reset after its hello is read;
 *   4. SSLv2 CLIENT-HELLO: with RAWPEER_SSL2 accepted, a SERVER-HELLO listing the accepted
 *      SSLv2 specs the client offered (server order); none in common, or SSLv2 not accepted:
 *      closed;
 *   5. version: the client's supported_versions when sent (highest accepted), else the
 *      highest accepted <= legacy_version (TLS 1.3 only through supported_versions); none:
 *      protocol_version alert;
 *   6. fallback SCSV offered, honour_fallback, and a higher version accepted than the client's
 *      highest: inappropriate_fallback alert;
 *   7. signature algorithms: when both the config and the client list some and none is
 *      shared: handshake_failure;
 *   8. suite: TLS 1.3 takes only 0x13xx suites, earlier versions every other one; server
 *      order (or the client's when client_order); an ECDHE suite needs a shared group when
 *      the client sent supported_groups; none: handshake_failure;
 *   9. TLS 1.3 group: the best shared group (server order, or client order) for which the
 *      client sent a share → ServerHello with a share of the right size (zeros for
 *      post-quantum groups); no shared group with a share → HelloRetryRequest naming the best
 *      shared group; with group_strict, an HRR whenever the best shared group has no share;
 *      no shared group: handshake_failure.
 * Every loop is bounded; after answering it waits up to RAWPEER_LINGER_MS for the client's
 * close. Stop with rawpeer_stop (by PID, via peer_stop). */
#ifndef TLSCOPE_TESTS_RAWPEER_H
#define TLSCOPE_TESTS_RAWPEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/harness.h"

#define RAWPEER_READ_MS   3000
#define RAWPEER_LINGER_MS 300
#define RAWPEER_MAX_CONNS 5000
#define RAWPEER_MAX_MS    120000

/* Accepted versions, a bit each. */
enum {
    RAWPEER_SSL2 = 1 << 0,
    RAWPEER_SSL3 = 1 << 1,
    RAWPEER_TLS1_0 = 1 << 2,
    RAWPEER_TLS1_1 = 1 << 3,
    RAWPEER_TLS1_2 = 1 << 4,
    RAWPEER_TLS1_3 = 1 << 5,
};

struct rawpeer_config {
    unsigned versions;      /* RAWPEER_* bits */
    const uint16_t *suites; /* accepted suites, server order (TLS 1.3 ones included) */
    size_t n_suites;
    bool client_order;      /* choose by the client's order (suites and groups) */
    const uint16_t *groups; /* accepted groups, preference order (n 0: TLS 1.2 ECDHE takes
                               any group, TLS 1.3 fails) */
    size_t n_groups;
    bool group_strict;       /* TLS 1.3: HRR for the preferred group even when another
                                shared group has a share */
    const uint16_t *sigalgs; /* accepted signature algorithms; n 0: any */
    size_t n_sigalgs;
    const uint32_t *ssl2_specs; /* accepted SSLv2 cipher specs, server order */
    size_t n_ssl2_specs;
    bool secure_renegotiation;   /* renegotiation_info when the client signals it */
    const uint8_t *compressions; /* accepted methods besides null (1 DEFLATE ...), order */
    size_t n_compressions;
    bool honour_fallback;    /* TLS_FALLBACK_SCSV → inappropriate_fallback */
    bool session_ticket;     /* echo an empty SessionTicket extension (TLS <= 1.2) */
    bool status_request;     /* echo an empty status_request (TLS <= 1.2) */
    const char *const *alpn; /* protocols, server order; the first the client offered wins */
    size_t n_alpn;
    bool ems;                /* extended_master_secret (TLS <= 1.2) */
    bool no_session_id_echo; /* TLS 1.3: empty legacy_session_id (breaks middlebox compat) */
    size_t max_hello;        /* > 0: close on ClientHello messages longer than this */
    unsigned reset_every;    /* > 0: reset every Nth connection (after reading its hello) */
    unsigned refuse_after;   /* > 0: reset every connection after the first N, unread */
    const uint8_t *cert_der; /* TLS <= 1.2: a Certificate message after the ServerHello;
                                SSLv2: the SERVER-HELLO's certificate */
    size_t cert_der_len;
};

/* What the peer did, counted in memory shared with the child (read any time). */
struct rawpeer_stats {
    unsigned connections, server_hellos, retries, alerts, ssl2_hellos, closes, resets;
};

struct rawpeer {
    struct peer peer; /* .port to connect to */
    struct rawpeer_config cfg;
    struct rawpeer_stats *stats; /* shared mapping */
};

/* Starts the peer on 127.0.0.1 (::1 when v6). cfg is copied; the arrays it points to must
 * stay valid until the call returns (the child has its own copy after fork). 0 or -1. */
int rawpeer_start(struct rawpeer *rp, bool v6, const struct rawpeer_config *cfg);
/* A snapshot of the counters. */
struct rawpeer_stats rawpeer_stats(const struct rawpeer *rp);
/* Stops the child (peer_stop) and unmaps the counters. Safe to call twice. */
void rawpeer_stop(struct rawpeer *rp);

#endif
