/* What a scan found: plain data a renderer, the UI and the tests read (scan/scan.h fills it).
 *
 * Every answer points at the probe that proves it (an index into probes): the ClientHello we
 * sent and the bytes the server answered, both bounded. Strings that came from the peer are
 * valid UTF-8 but may hold control characters: terminals get them through sanitize_terminal.
 * Includes only model/ and util/, so renderers (render/) may read it. */
#ifndef TLSCOPE_SCAN_SCAN_REPORT_H
#define TLSCOPE_SCAN_SCAN_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/report.h"
#include "util/strlist.h"

/* Protocol versions a scan tries, oldest first. */
enum scan_version { SCAN_SSL2, SCAN_SSL3, SCAN_TLS10, SCAN_TLS11, SCAN_TLS12, SCAN_TLS13 };
#define SCAN_VERSIONS 6
const char *scan_version_name(enum scan_version v); /* "SSLv2" ... "TLSv1.3" */
uint16_t scan_version_code(enum scan_version v);    /* 0x0002, 0x0300 ... 0x0304 */

#define SCAN_EVIDENCE_MAX 4096 /* bytes kept of one probe's hello, and of its answer */

/* One probe: a raw ClientHello and what came back, or a full handshake (kind "handshake"). */
struct scan_probe {
    int index;  /* position in scan_report.probes */
    char *what; /* "TLSv1.2 suites #3", "group x25519 (TLS 1.3)", ... */
    bool full;  /* an OpenSSL handshake (certificates, resumption, DH), not a raw hello */
    enum hello_outcome outcome;
    uint16_t version, cipher, group; /* from the ServerHello / HRR */
    uint8_t compression;
    uint8_t alert; /* HELLO_ALERT: the description */
    int close_errno;
    char *error;  /* why there was no answer (unknown), or NULL */
    int attempts; /* connections it took (> 1: retried after a reset or refusal) */
    double ms;
    double start_ms, end_ms; /* since the scan started: its (last) launch, its answer */
    uint8_t *sent;           /* the ClientHello record(s) sent, at most SCAN_EVIDENCE_MAX bytes */
    size_t n_sent;
    uint8_t *received; /* the handshake messages / alert received, as records, bounded */
    size_t n_received;
    int dh_bits; /* a DHE suite's ServerKeyExchange came with the answer: its group's size */
};

struct scan_suite {
    uint16_t code;      /* 0 for an SSLv2 cipher spec */
    uint32_t ssl2_spec; /* SSLv2 only: the 3-byte spec (0x010080 ...) */
    int order; /* 1-based position in the server's order; 0 when the server follows the client */
    int probe; /* the probe whose ServerHello chose it */
};

struct scan_proto {
    enum tristate supported; /* TRI_NA: unknown (see error) */
    int probe;               /* the probe that decided it, -1 none */
    char *error;             /* why unknown */
    struct scan_suite *suites;
    size_t n_suites;
    enum tristate server_order; /* TRI_NA: fewer than two suites, or not tested */
    int order_probe;
};

struct scan_group {
    uint16_t code;
    bool tls13, tls12; /* accepted for TLS 1.3 key exchange / for ECDHE in TLS 1.2 */
    int order;         /* TLS 1.3: 1-based order the server picked it in (0: not TLS 1.3) */
    int probe;
};

struct scan_sigalg {
    uint16_t code;
    bool tls12, tls13; /* accepted with TLS 1.2 / TLS 1.3 */
    int probe;
};

/* One certificate the server serves (an RSA and an ECDSA one on the same port are two). */
struct scan_cert {
    char *kind;          /* "RSA", "ECDSA", "Ed25519" ... as asked for */
    struct report *full; /* the full handshake that fetched it: chain, verification */
    int probe;
};

/* Each feature: TRI_YES / TRI_NO, TRI_NA when it does not apply or could not be tested. */
struct scan_features {
    enum tristate secure_renegotiation, compression, fallback_scsv, session_tickets,
        session_resumption, ocsp_stapling, extended_master_secret, tls13_middlebox_compat,
        large_hello_tolerant, pq_preferred;
    int probe_renegotiation, probe_compression, probe_fallback, probe_tickets, probe_resumption,
        probe_ocsp, probe_ems, probe_middlebox, probe_large_hello, probe_pq;
    struct strlist alpn; /* protocols the server accepted, in the order we tried them */
    int dh_bits;         /* finite-field DH group size of DHE suites, 0 when none */
    int probe_dh;
};

struct scan_finding {
    const char *id; /* static, stable: "tls10_enabled" */
    enum severity severity;
    char *title, *detail, *fix; /* fix: nginx / Apache / HAProxy lines */
    int probe;                  /* the evidence, -1 none */
};

struct scan_throttle {
    bool detected;     /* the server reset, refused or timed out probes that a retry answered */
    int retries;       /* probes sent again */
    int parallel_from; /* --parallel at the start and at the end */
    int parallel_to;
    int delay_from_ms, delay_to_ms;
    int unknown; /* probes that never got an answer (their error says why) */
};

struct scan_report {
    char *host;
    uint16_t port;
    char *sni;
    char started_at[24];
    bool cancelled;
    char *error; /* the scan could not run at all (no TCP connection), or NULL */
    struct scan_proto protos[SCAN_VERSIONS];
    struct scan_group *groups;
    size_t n_groups;
    enum tristate groups_server_order; /* TLS 1.3: the server picks by its own preference */
    int groups_order_probe;
    struct scan_sigalg *sigalgs;
    size_t n_sigalgs;
    struct scan_cert *certs;
    size_t n_certs;
    struct scan_features features;
    struct scan_finding *findings;
    size_t n_findings;
    struct scan_probe *probes;
    size_t n_probes, cap_probes;
    unsigned connections;
    double elapsed_ms;
    struct scan_throttle throttle;
};

struct scan_report *scan_report_new(void);
void scan_report_free(struct scan_report *r);
/* Appends a probe slot (index set, the rest empty); returns it. */
struct scan_probe *scan_report_add_probe(struct scan_report *r, const char *what);
/* The accepted suites of one version in the server's order when it has one, else as found. */
void scan_report_add_suite(struct scan_proto *p, uint16_t code, int probe);
/* The group entry for code (added when absent). */
struct scan_group *scan_report_group(struct scan_report *r, uint16_t code);
/* The signature algorithm entry for code (added when absent). */
struct scan_sigalg *scan_report_sigalg(struct scan_report *r, uint16_t code);
/* Builds the findings from everything else (replacing any before). */
void scan_report_findings(struct scan_report *r);
/* scan_report.c — drops r's findings (scan_report_findings starts from none). */
void scan_report_findings_clear(struct scan_report *r);

#endif
