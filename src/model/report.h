/* What happened: the report the engine fills for one connection.
 *
 * Every fact the handshake showed is copied here as plain data; no renderer ever sees an
 * OpenSSL object. The report owns everything it points to (report_free releases it all).
 * Strings that came from the peer are valid UTF-8 but may hold control characters:
 * renderers for terminals must pass them through sanitize_terminal(), JSON escapes them.
 *
 * Renderers: render/json.c (machines), render/text.c (people, no UI), ui/ (panes). */
#ifndef TLSCOPE_MODEL_REPORT_H
#define TLSCOPE_MODEL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "model/config.h"
#include "model/stage.h"
#include "util/strlist.h"

enum tristate { TRI_NA = -1, TRI_NO = 0, TRI_YES = 1 };

struct report_error {
    enum stage stage;  /* STAGE_NONE when there is no error */
    enum stage during; /* for STAGE_TIMEOUT: the stage that ran out of time */
    char *message;     /* one sentence a person can act on */
    char *hint;        /* what to try next, or NULL */
};

struct name_value {
    char *name;
    char *value;
    bool critical;
};

/* What a certificate the server sent is for, judged from the verified path and the sent list
 * (engine/chain.c). Every sent certificate has exactly one role. */
enum chain_role {
    CHAIN_ROLE_LEAF = 0,     /* the server's own certificate (sent #0) */
    CHAIN_ROLE_INTERMEDIATE, /* a CA on the path between the leaf and its root */
    CHAIN_ROLE_ROOT,         /* the path's own root (self-signed), sent along */
    CHAIN_ROLE_UNRELATED,    /* on no path from the leaf */
    CHAIN_ROLE_DUPLICATE,    /* the same certificate as one sent before it */
    CHAIN_ROLE_CROSS_SIGNED, /* same subject and key as a path certificate, another issuer */
};
#define CHAIN_ROLE_COUNT 6
#define REPORT_CHAIN_MAX 64 /* certificates kept per chain (sent, verified) */
const char *chain_role_name(enum chain_role role);  /* "leaf", "intermediate", "root", ... */
const char *chain_role_label(enum chain_role role); /* for people: "path intermediate", ... */

/* issue 13: a Signed Certificate Timestamp (RFC 6962), from one of three sources. */
struct sct_info {
    const char *source;     /* static: "certificate", "tls_extension", "ocsp" */
    char *log_id;           /* base64 of the 32-byte log id */
    char *log_name;         /* from the CT log list, or NULL: "unknown log" */
    char *log_operator;     /* or NULL */
    char timestamp[24];     /* ISO 8601 UTC */
    char *sig_alg;          /* "ecdsa-with-SHA256", ... */
    enum tristate verified; /* TRI_NA when the log's key is unknown or the check impossible */
    int cert_depth;         /* the certificate it is for (0 = leaf) */
};
void sct_info_free(struct sct_info *s);

struct cert_info {
    char *subject, *issuer;             /* RFC 2253 order, UTF-8 */
    char *subject_cn;                   /* first CN, or NULL */
    char *serial;                       /* hex, colon-free */
    char not_before[24], not_after[24]; /* ISO 8601 UTC */
    time_t not_before_t, not_after_t;
    long days_left; /* negative once expired */
    char *key_type; /* "RSA", "EC", "ED25519", ... */
    int key_bits;
    char *key_curve;           /* "prime256v1" for EC keys, else NULL */
    char *signature_algorithm; /* "sha256WithRSAEncryption" */
    struct strlist san;        /* "DNS:localhost", "IP:127.0.0.1", ... */
    bool is_ca;
    int path_len;     /* -1 when absent */
    bool self_signed; /* issuer == subject and the signature verifies with its own key */
    struct strlist key_usage, ext_key_usage;
    char *sha256, *sha1;             /* colon-separated upper-case hex */
    char *spki_sha256;               /* base64 */
    char *ocsp_url, *ca_issuers_url; /* from AIA, or NULL */
    struct name_value *extensions;
    size_t n_extensions;
    char *pem;
    /* issue 13: facts the certificate doctor checks (live chains too) */
    bool ct_poison;                  /* a CT precertificate (poison extension): never served */
    struct strlist unknown_critical; /* critical extensions OpenSSL does not know (OIDs) */
    /* Sent certificates only (verified ones: by position, leaf / intermediate / root). */
    enum chain_role role;
    int path_depth; /* depth on the path (0 = leaf) for leaf, intermediate, root; else -1 */
};

struct verify_error {
    int depth;         /* -1 when not tied to one certificate (e.g. a pin mismatch) */
    int code;          /* OpenSSL X509_V_ERR_* value; 0 for tlscope's own checks */
    char *name;        /* "X509_V_ERR_CERT_HAS_EXPIRED", or "TLSCOPE_PIN_MISMATCH" */
    char *message;     /* OpenSSL's one-line text */
    char *explanation; /* what it means for this server */
    char *fix;         /* what to change */
    bool ignored;      /* accepted through --ignore-error */
};

enum chain_issue {
    CHAIN_MISSING_INTERMEDIATE = 1 << 0,
    CHAIN_WRONG_ORDER = 1 << 1,
    CHAIN_EXTRA_CERTIFICATE = 1 << 2,
    CHAIN_ROOT_INCLUDED = 1 << 3,
    CHAIN_DUPLICATE = 1 << 4, /* a certificate was sent twice */
    CHAIN_TOO_LONG = 1 << 5,  /* more certificates than REPORT_CHAIN_MAX, or a path too deep */
};
#define CHAIN_ISSUE_COUNT 6
const char *chain_issue_name(enum chain_issue i); /* "missing_intermediate", ... */

enum event_dir { DIR_SENT, DIR_RECEIVED };

/* One record-layer message seen by the message callback. */
struct hs_event {
    int64_t t_us; /* since the TCP connect started */
    enum event_dir dir;
    int content_type;     /* 20 ccs, 21 alert, 22 handshake, 23 application data */
    int record_type;      /* outer record type (23 for encrypted TLS 1.3 handshake records) */
    int version;          /* record or protocol version as 0x0303 */
    int hs_type;          /* handshake message type, -1 for others */
    const char *name;     /* static: "ClientHello", "Alert", "ChangeCipherSpec", ... */
    uint32_t length;      /* full message length */
    int alert_level;      /* 1 warning, 2 fatal; 0 for non-alerts */
    int alert_desc;       /* TLS AlertDescription */
    unsigned char *bytes; /* the message as seen (bounded, see EVENT_BYTES_MAX) */
    size_t n_bytes;
    bool truncated; /* bytes holds a prefix only */
    int connection; /* 1 for the first connection, 2 for the reconnect */
};
#define EVENT_BYTES_MAX 16384
#define EVENT_MAX       256
const char *alert_name(int desc);        /* 40 → "handshake_failure" */
const char *content_type_name(int type); /* 22 → "handshake" */

enum severity { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };
const char *severity_name(enum severity s);

struct finding {
    const char *id; /* static, stable: "cert_expired" */
    enum severity severity;
    char *title, *detail, *fix;
};

/* What we put in our ClientHello, decoded from the bytes actually sent. */
struct offered {
    struct strlist versions;        /* "TLSv1.3", ... highest first */
    struct strlist ciphers;         /* IANA names, in order */
    struct strlist ciphers_openssl; /* OpenSSL names, parallel to ciphers ("" if none) */
    struct strlist groups;          /* "x25519", ... */
    struct strlist key_shares;      /* groups with a key share */
    struct strlist sigalgs;         /* "rsa_pss_rsae_sha256", ... */
    struct strlist alpn;
    struct strlist extensions; /* extension names in order */
    size_t client_hello_len;
};

/* The settings in effect for the connection and where each came from. */
struct effective {
    char *min_proto, *max_proto;                     /* "TLSv1.2"; "" = library lowest / highest */
    const char *min_proto_source, *max_proto_source; /* "option", "openssl.cnf", "library" */
    int sec_level;
    const char *sec_level_source;
    bool verify, hostname_check;
    char *trust;             /* "system store (/usr/lib/ssl/certs)" or a file */
    char *openssl_version;   /* "OpenSSL 3.0.19 27 Jan 2026" */
    char *openssl_conf;      /* path of the config file OpenSSL read */
    struct strlist weakened; /* human phrases: "verification off", ... */
};

/* One address the transport tried (Happy Eyeballs), in the order tried. */
enum addr_result {
    ADDR_NOT_TRIED,
    ADDR_TRYING,
    ADDR_CONNECTED,
    ADDR_REFUSED,
    ADDR_TIMEOUT,
    ADDR_UNREACHABLE,
    ADDR_FAILED,
    ADDR_ABANDONED, /* closed because another address connected first */
};
const char *addr_result_name(enum addr_result r); /* "connected", "refused", ... (JSON) */

struct addr_attempt {
    char *address; /* literal, no port */
    int family;    /* 4 or 6 */
    enum addr_result result;
    char *error;     /* why it failed, or NULL */
    double start_ms; /* when it started, from the start of the TCP stage; -1 when not tried */
    double ms;       /* from its start to its end; -1 when not tried */
};

/* What a server answered to a ClientHello of our own (the raw-hello driver). */
enum hello_outcome {
    HELLO_NONE,         /* no answer yet (or not a raw-hello connection) */
    HELLO_SERVER_HELLO, /* a ServerHello */
    HELLO_RETRY,        /* a HelloRetryRequest */
    HELLO_ALERT,        /* a fatal alert (warnings before the ServerHello are skipped) */
    HELLO_CLOSED,       /* the server closed or reset the connection without answering */
    HELLO_SSL2,         /* an SSLv2 record */
};
const char *hello_outcome_name(enum hello_outcome o); /* "server_hello", ... (JSON) */

struct hello_result {
    enum hello_outcome outcome;
    uint16_t version;    /* selected: supported_versions, else legacy_version */
    uint16_t cipher;     /* selected suite */
    uint16_t group;      /* ServerHello: key_share group; HRR: the group asked for; 0 none */
    uint8_t compression; /* selected compression method */
    uint8_t alert_level, alert_desc;
    int close_errno; /* HELLO_CLOSED: 0 for a FIN, else ECONNRESET ... */
    double ms;       /* from the ClientHello sent to the answer */
};

/* The plaintext dialogue before TLS (STARTTLS, issue 12): what was chosen and why, and every
 * line (or decoded binary message) both ways, timed on the connection's clock (from the start
 * of the TCP connect, as the handshake's events). Texts are valid UTF-8 (utf8_repair), cut at
 * STARTTLS_TEXT_MAX bytes; at most STARTTLS_LINES_MAX lines are kept. */
#define STARTTLS_LINES_MAX 64
#define STARTTLS_TEXT_MAX  300
struct starttls_line {
    double t_ms;
    enum event_dir dir;
    char *text;
};
struct starttls_report {
    char *protocol;  /* "smtp", ...; NULL: none ran (TLS at once) */
    char *chosen_by; /* "option" (--starttls), "port" (auto), "default" (no rule for the port) */
    char *reason;    /* one sentence: why this protocol, or why none */
    struct strlist capabilities; /* as the server listed them (EHLO keywords, CAPABILITY ...) */
    struct starttls_line *lines;
    size_t n_lines;
    bool truncated; /* lines were dropped (STARTTLS_LINES_MAX) */
    bool ok;        /* the dialogue ended with the server ready for TLS */
    /* why it failed, one word: "not_offered", "refused", "throttled" (421: the scanner backs
     * off), "garbage", "closed", "flood", "silence"; NULL when it did not fail */
    const char *failure;
    double ms; /* the dialogue's duration; -1 when none ran */
    /* the injection check (CVE-2011-0411): a command pipelined after STARTTLS */
    bool injection_checked;
    bool injection_vulnerable; /* the server answered it inside TLS */
    char *injected;            /* the command sent in the same packet as STARTTLS */
    char *injection_answer;    /* what came back inside TLS (bounded), or NULL */
};

/* The HTTP probe (--http, issue 12): one HEAD request over the TLS session. */
struct http_report {
    bool requested; /* --http was given */
    bool sent;      /* a request went out */
    char *skipped;  /* why none was sent (ALPN chose h2 ...), or NULL */
    char *request;  /* "HEAD / HTTP/1.1" */
    char *error;    /* no usable answer: why, or NULL */
    int status;     /* 0 when no status line */
    char *status_line, *server, *alt_svc, *location;
    char *hsts;        /* the Strict-Transport-Security value as sent, or NULL */
    long hsts_max_age; /* -1 when absent or unreadable */
    bool hsts_include_subdomains, hsts_preload;
    char *hsts_problem; /* why the header is malformed, or NULL */
    double ms;          /* from the request sent to the end of the headers; -1 */
};

struct report {
    /* target */
    char *host;
    uint16_t port;
    char *address;                  /* literal IP actually connected, or NULL */
    struct addr_attempt *addresses; /* every address of the name, as tried */
    size_t n_addresses;
    char *sni; /* sent server name or NULL */

    bool ok; /* a TLS session was established */
    struct report_error error;
    enum stage reached; /* the last stage entered */

    /* negotiated */
    char *protocol;       /* "TLSv1.3" */
    int protocol_version; /* 0x0304 */
    char *cipher_name, *cipher_iana;
    uint16_t cipher_id; /* IANA code point */
    int cipher_bits;
    char *cipher_kx, *cipher_auth; /* "ECDHE", "RSA", "any" ... */
    char *group;                   /* "x25519" */
    char *peer_key_type;           /* temporary key: "X25519", "ECDH", "DH" */
    int peer_key_bits;
    char *sig_type, *sig_digest;      /* "RSA-PSS", "SHA256" */
    char *sig_scheme;                 /* "rsa_pss_rsae_sha256" when known */
    char *alpn;                       /* selected, or NULL */
    struct strlist server_extensions; /* extensions in ServerHello/EncryptedExtensions */

    /* session */
    bool session_reused;
    int tickets;                          /* NewSessionTickets received on the first connection */
    long ticket_lifetime_hint;            /* seconds, -1 when none */
    enum tristate resumed_on_reconnect;   /* TRI_NA without --reconnect */
    enum tristate extended_master_secret; /* TRI_NA for TLS 1.3 */
    enum tristate secure_renegotiation;   /* TRI_NA for TLS 1.3 */

    /* OCSP */
    bool ocsp_requested, ocsp_stapled;
    char *ocsp_status; /* "good" | "revoked" | "unknown" */
    char ocsp_this_update[24], ocsp_next_update[24], ocsp_revoked_at[24];
    char *ocsp_responder;
    char *ocsp_problem; /* why the staple could not be read or checked, or NULL */

    /* client authentication (CertificateRequest) */
    bool client_cert_requested;
    struct strlist client_ca_names; /* acceptable CA names sent by the server */
    struct strlist client_sigalgs;  /* signature algorithms it accepts */
    char *client_cert_sent;         /* subject of the certificate we sent, or NULL */

    /* verification */
    bool verify_ok; /* the chain verified (all errors ignored counts as verified); computed
                     * even with verification off, which only changes the exit status */
    struct verify_error *verify_errors;
    size_t n_verify_errors;
    bool hostname_checked, hostname_match;
    char *hostname;         /* the name checked */
    char *hostname_matched; /* the SAN/CN that matched, or NULL */
    bool pins_checked, pin_match;
    int pin_depth; /* depth of the certificate whose SPKI matched, -1 */

    /* certificates; each list keeps at most REPORT_CHAIN_MAX, the totals say how many there
     * were (a longer chain is an attack or a mistake, never a configuration) */
    struct cert_info *sent;
    size_t n_sent, n_sent_total;
    struct cert_info *verified;
    size_t n_verified, n_verified_total;
    unsigned chain_issues; /* enum chain_issue bits */

    /* the raw-hello driver's result (outcome HELLO_NONE otherwise) */
    struct hello_result hello;

    /* what we offered */
    struct offered offered;
    struct effective effective;

    /* trace */
    struct hs_event *events;
    size_t n_events, cap_events;
    bool events_truncated;

    /* timing, milliseconds; -1 when the stage did not run */
    double dns_ms, connect_ms, handshake_ms, reconnect_ms, total_ms;
    uint64_t bytes_sent, bytes_received;

    /* the plaintext dialogue before TLS and the HTTP probe after it (issue 12) */
    struct starttls_report starttls;
    struct http_report http;

    struct finding *findings;
    size_t n_findings, cap_findings;

    char started_at[24]; /* wall clock, ISO 8601 UTC */

    /* issue 13: the certificate doctor */
    struct chain_check *check;    /* --check-chain: the file's facts; NULL for a connection */
    struct fetched_cert *fetched; /* --aia: what was fetched, in order */
    size_t n_fetched;
    struct revocation *revocation; /* --revocation: one per verified certificate checked */
    size_t n_revocation;
    bool revocation_checked;
    struct sct_info *scts; /* from the certificate, the TLS extension and the stapled OCSP */
    size_t n_scts;
    char *ct_log_list; /* the CT log list read: "FILE (DATE, N logs)", or why none */
    /* The verification again with the fetched certificates (--aia): meaningful when
     * n_fetched > 0. aia_path holds the leaf, then intermediates, as found with them. */
    bool aia_verify_ok;
    struct cert_info *aia_path;
    size_t n_aia_path;
};

/* issue 13: one caIssuers URL followed (--aia). */
struct fetched_cert {
    char *url;
    char *subject; /* of the certificate found there, or NULL */
    char *outcome; /* "ok", or why not: "HTTP 404", "timeout", "not a certificate" ... */
    int for_depth; /* the certificate whose caIssuers URL it was */
};

/* issue 13: the revocation status of one certificate of the verified path (--revocation). */
struct revocation {
    int depth;
    char *subject;
    const char *method; /* static: "ocsp" or "crl" */
    char *url;
    const char *status; /* static: "good", "revoked", "unknown", "error" */
    char revoked_at[24];
    char *reason;  /* revocation reason, or NULL */
    char *problem; /* why the answer is an error, or NULL */
    char this_update[24], next_update[24];
};

/* issue 13: a chain read from a file (--check-chain) instead of a connection. The report's
 * sent list is the file's certificates with the leaf first; what else the file showed is here. */
struct chain_check {
    char *file;         /* as given ("-" for stdin) */
    const char *format; /* static: "PEM", "DER", "PKCS#7", "PKCS#12", "Kubernetes secret" */
    size_t leaf_index;  /* where the leaf was in the file (0 when first) */
    bool key_in_file;   /* the file held a private key (PKCS#12, secret, combined PEM) */
    bool key_checked, key_match;
    char *key_source;  /* the --key file, or "the file's own key" */
    char *key_matches; /* the certificate the key belongs to when not the leaf, or NULL */
    char *name;        /* --name, or NULL */
    size_t n_ca_crt;   /* certificates in a Kubernetes secret's ca.crt */
    bool ready;        /* ready to deploy for the name (exit 0) */
};
void chain_check_free(struct chain_check *c);

/* Frees what e owns and zeroes its pointers; copy replaces dst with a deep copy of src. */
void effective_free(struct effective *e);
void effective_copy(struct effective *dst, const struct effective *src);
struct report *report_new(void);
void report_add_address(struct report *r, const char *address, int family, enum addr_result res,
                        const char *error, double start_ms, double ms);
void report_clear_addresses(struct report *r);
void report_free(struct report *r);
/* report_app.c — frees the STARTTLS and HTTP parts (report_free calls it); add_line appends
 * one transcript line (cut, repaired; dropped past STARTTLS_LINES_MAX). */
void report_app_free(struct report *r);
void starttls_report_free(struct starttls_report *s); /* and zeroes it */
void starttls_add_line(struct starttls_report *s, double t_ms, enum event_dir dir, const char *text,
                       size_t len);
void cert_info_free(struct cert_info *c);
/* Whole days since the certificate expired (0 when it has not, or less than a day ago): the
 * same count the explanations and findings print. */
long cert_days_expired(const struct cert_info *c, time_t now);

/* The role of verified[j] by its place on the path: leaf (0), root (the self-signed top) or
 * intermediate. */
enum chain_role report_verified_role(const struct report *r, size_t j);
/* How many certificates the server sent / the verified path held (the lists keep at most
 * REPORT_CHAIN_MAX): the larger of the kept count and the recorded total. */
size_t report_sent_total(const struct report *r);
size_t report_verified_total(const struct report *r);

/* The chain the server should send: the leaf (sent[0]), then the intermediates of the path in
 * order (from the verified path, so an intermediate the server failed to send is included
 * when the trust store supplied it; else the sent path), never the root. Stores at most max
 * pointers into r->sent / r->verified in out and returns how many; 0 without a leaf. */
size_t report_chain_to_serve(const struct report *r, const struct cert_info **out, size_t max);

/* Sets the error once: later calls do not replace the first (root-cause) error. */
/* True when an earlier verification error at the same depth has the same explanation and
 * fix as r->verify_errors[i]: one cause reported twice (OpenSSL's 20 and 21 for one missing
 * issuer), which renderers explain once. */
bool report_error_same_cause(const struct report *r, size_t i);
void report_set_error(struct report *r, enum stage stage, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Appends an event; the report takes ownership of bytes. Past EVENT_MAX events the event is
 * dropped (bytes freed) and events_truncated is set. */
void report_add_event(struct report *r, const struct hs_event *ev);

/* Appends a finding; the report takes ownership of title/detail/fix. */
void report_add_finding(struct report *r, const char *id, enum severity sev, char *title,
                        char *detail, char *fix);

/* The one-word outcome every front end shows. Warnings: verified, but with ignored errors,
 * weakened settings in effect, or a finding of medium severity or worse. */
enum verdict { VERDICT_VERIFIED, VERDICT_WARNINGS, VERDICT_NOT_VERIFIED, VERDICT_FAILED };
enum verdict report_verdict(const struct report *r);
const char *verdict_label(enum verdict v); /* "VERIFIED", "VERIFIED WITH WARNINGS", ... */

/* Exit status for the command line: 0 verified (or verification off), 1 handshake done but
 * not verified, 2 no TLS session. A chain file (r->check): 0 ready to deploy, 1 not. */
int report_exit_status(const struct report *r);

#endif
