/* The plaintext dialogues that come before TLS on a STARTTLS service (issue 12), as pure state
 * machines: bytes in, bytes out, a transcript, and a verdict. No sockets, no clock of its own
 * (the caller passes the time), no OpenSSL — so every parser here can be fuzzed
 * (tests/fuzz/fuzz_starttls.c). The engine's preamble stage (engine/preamble.c) drives one on
 * the connection's socket.
 *
 *     struct st_dialogue *d = st_new(&params, &report->starttls);
 *     st_start(d, now_ms);
 *     loop: send what st_output gives (then st_sent); feed what arrives to st_received;
 *           st_closed on EOF; until st_status(d) is ST_READY (start TLS) or ST_FAILED.
 *
 * Everything is bounded: a line (ST_LINE_MAX), the bytes received (ST_RX_MAX), the lines
 * received (ST_RX_LINES_MAX) and the transcript (STARTTLS_LINES_MAX in model/report.h). */
#ifndef TLSCOPE_STARTTLS_STARTTLS_H
#define TLSCOPE_STARTTLS_STARTTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/report.h"

#define ST_LINE_MAX     2048  /* a longer line (or binary message) is a flood */
#define ST_RX_MAX       65536 /* bytes received before TLS */
#define ST_RX_LINES_MAX 400   /* lines received before TLS */
#define ST_OUT_MAX      1024  /* what one message we send may hold */

enum st_proto {
    ST_NONE = 0,
    ST_SMTP,
    ST_LMTP,
    ST_IMAP,
    ST_POP3,
    ST_FTP,
    ST_XMPP,
    ST_XMPP_SERVER,
    ST_LDAP,
    ST_NNTP,
    ST_SIEVE,
    ST_POSTGRES,
    ST_MYSQL,
    ST_IRC,
    ST_RDP,
    ST_PROTO_COUNT,
};

/* "smtp" ... (the --starttls value); "none" for ST_NONE. */
const char *st_proto_name(enum st_proto p);
/* By name (case-insensitive); -1 when unknown. "none" is ST_NONE. */
int st_proto_from_name(const char *name);
/* Every value --starttls takes, space-separated: "auto none smtp lmtp ...". */
const char *st_values(void);
/* True for the protocols with a command injection check (smtp lmtp imap pop3 ftp nntp
 * sieve). */
bool st_has_injection_check(enum st_proto p);

/* What --starttls (NULL or "auto": by port) means for a port. */
struct st_choice {
    enum st_proto proto;
    const char *chosen_by; /* "option", "port" or "default" */
    char reason[160];
    bool implicit_tls; /* the port is a well-known implicit-TLS port (465, 993, ...) */
};
/* Returns 0, or -1 when setting names no protocol (the choice is then ST_NONE). */
int st_choose(const char *setting, uint16_t port, struct st_choice *out);
/* The STARTTLS protocol whose plaintext greeting the first bytes look like (for "this port
 * is not TLS: try --starttls X"); ST_NONE when they look like none. */
enum st_proto st_guess_from_banner(const uint8_t *b, size_t n);

/* ---- the dialogue ---- */

struct st_params {
    enum st_proto proto;
    const char *ehlo_name; /* EHLO/LHLO name */
    const char *xmpp_host; /* the stream's `to` */
    bool inject;           /* pipeline a second command after STARTTLS (the injection check) */
};

enum st_status { ST_RUNNING, ST_READY, ST_FAILED };

enum st_failure {
    ST_FAIL_NONE,
    ST_FAIL_NOT_OFFERED, /* the capability list has no STARTTLS */
    ST_FAIL_REFUSED,     /* the server said no (502, 454, NO, -ERR, resultCode ...) */
    ST_FAIL_THROTTLED,   /* 421 and friends: come back later */
    ST_FAIL_GARBAGE,     /* not this protocol */
    ST_FAIL_CLOSED,      /* the server closed the connection */
    ST_FAIL_FLOOD,       /* a line too long, too many lines or bytes */
};
const char *st_failure_name(enum st_failure f); /* "not_offered", ... */

struct st_dialogue;

/* rep receives the transcript and the capabilities; it must outlive the dialogue. */
struct st_dialogue *st_new(const struct st_params *p, struct starttls_report *rep);
void st_free(struct st_dialogue *d);
/* Begins: protocols where the client speaks first queue their first message. */
void st_start(struct st_dialogue *d, double now_ms);
/* Bytes the server sent. */
enum st_status st_received(struct st_dialogue *d, const uint8_t *data, size_t n, double now_ms);
/* The server closed the connection. */
enum st_status st_closed(struct st_dialogue *d, double now_ms);
/* What to send now (NULL, *n 0 when nothing); st_sent after n of them went out. */
const uint8_t *st_output(const struct st_dialogue *d, size_t *n);
void st_sent(struct st_dialogue *d, size_t n);
enum st_status st_status(const struct st_dialogue *d);
/* After ST_FAILED: what kind, the sentence (with the server's own words) and a hint. */
enum st_failure st_failure(const struct st_dialogue *d);
const char *st_message(const struct st_dialogue *d);
const char *st_hint(const struct st_dialogue *d);
/* Whether nothing at all came from the server yet (silence, for the timeout's message). */
bool st_heard_nothing(const struct st_dialogue *d);
/* The last line received (for the timeout's message), or "". */
const char *st_last_line(const struct st_dialogue *d);
/* With inject: the command pipelined after STARTTLS ("NOOP"), and whether text received
 * inside TLS answers it. */
const char *st_injected(const struct st_dialogue *d);
bool st_injection_answered(const struct st_dialogue *d, const char *text, size_t n);

/* ---- reply parsers (pure; fuzzed) ---- */

/* An SMTP/LMTP/FTP reply line: "250-SIZE" (more follow) or "250 OK" (last). Returns the code
 * (100-599), or -1 when the line does not start with three digits and a space, dash or end.
 * FTP lets a multi-line reply hold lines without a code: the caller allows those. */
int st_parse_code_line(const char *line, bool *more);
/* An IMAP response line: untagged ("* ...", tag ""), continuation ("+ ...") or tagged
 * ("A1 OK ..."). Fills tag (at most 16 bytes) and status ("OK", "NO", "BAD", "BYE",
 * "PREAUTH", or "" for other untagged data); returns 0, -1 when malformed. */
int st_parse_imap_line(const char *line, char tag[17], char status[8]);
/* An LDAP message (BER): returns the bytes it takes (> 0), 0 when more are needed, -1 when
 * malformed. Fills message id, the protocolOp tag, resultCode and the diagnostic message
 * (NUL-terminated, cut to diag_n). */
struct st_ldap_result {
    long message_id;
    int op;           /* 0x78 ExtendedResponse, ... */
    long result_code; /* -1 when the op has none */
    char diag[200];
    char oid[64]; /* responseName, when present */
};
int st_parse_ldap(const uint8_t *p, size_t n, struct st_ldap_result *out);
/* A MySQL packet holding the server's greeting (protocol 10) or an error packet. Returns the
 * bytes it takes (> 0), 0 for more, -1 when malformed. */
struct st_mysql_greeting {
    bool error; /* an ERR packet: code and message */
    int error_code;
    char version[64]; /* server version, or the error message */
    uint32_t capabilities;
    uint8_t charset;
};
int st_parse_mysql_greeting(const uint8_t *p, size_t n, struct st_mysql_greeting *out);
/* An RDP X.224 Connection Confirm (TPKT). Returns the bytes it takes (> 0), 0 for more, -1
 * when malformed. kind: 0 no negotiation answer (standard RDP security only), 2 a response
 * (value: the selected protocol), 3 a failure (value: the failureCode). */
struct st_rdp_confirm {
    int kind;
    uint32_t value;
};
int st_parse_rdp_confirm(const uint8_t *p, size_t n, struct st_rdp_confirm *out);

#endif
