/* Private to src/starttls: the dialogue object the protocol files share, and the helpers
 * dialogue.c gives them (queue a message, record a line, fail, finish). */
#ifndef TLSCOPE_STARTTLS_ST_INTERNAL_H
#define TLSCOPE_STARTTLS_ST_INTERNAL_H

#include "starttls/starttls.h"

#define ST_IN_MAX   8192 /* a partial line, or one binary message / XML reply being assembled */
#define ST_CAPS_MAX 48   /* capabilities kept */

struct st_dialogue;

/* One protocol: start queues what the client says first (may be NULL); line handles one
 * complete received line (line protocols); bytes handles the buffered input of a binary or
 * XML protocol (consume with st_consume; leave what is incomplete). */
struct st_ops {
    void (*start)(struct st_dialogue *d);
    void (*line)(struct st_dialogue *d, const char *line);
    void (*bytes)(struct st_dialogue *d);
    const char *inject; /* the command pipelined after STARTTLS, NULL: no check */
};

struct st_dialogue {
    struct st_params p;
    char ehlo[256], xmpp[256];
    const struct st_ops *ops;
    struct starttls_report *rep;
    double now;
    int state;
    enum st_status status;
    enum st_failure fail;
    char msg[700], hint[300];
    uint8_t out[ST_OUT_MAX];
    size_t n_out;
    uint8_t in[ST_IN_MAX];
    size_t n_in;
    size_t rx_total, rx_lines;
    char last[256];
    /* scratch the protocols share */
    int code;       /* the reply being assembled (SMTP, FTP, NNTP) */
    bool multi;     /* inside a multi-line reply */
    bool caps_seen; /* a capability list came */
    int tag;        /* IMAP: the next tag number */
};

/* Queues bytes to send and records text in the transcript. */
void st_send(struct st_dialogue *d, const void *bytes, size_t n, const char *text);
/* Queues one line (CRLF added); the transcript shows it without the CRLF. */
void st_sendline(struct st_dialogue *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records a received message (binary or XML: a decoded description). */
void st_heard(struct st_dialogue *d, const char *text, size_t n);
/* Ends the dialogue: the server is ready for TLS. */
void st_ready(struct st_dialogue *d);
/* Ends the dialogue with a failure (the first call wins). */
void st_fail(struct st_dialogue *d, enum st_failure kind, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The server refused: 421-style throttles become ST_FAIL_THROTTLED. */
void st_refused(struct st_dialogue *d, int code, const char *what, const char *line);
/* Adds a capability (trimmed, bounded). */
void st_cap(struct st_dialogue *d, const char *s, size_t n);
/* True when a capability equals word (case-insensitive), or starts with word and a space. */
bool st_has_cap(const struct st_dialogue *d, const char *word);
/* Drops n bytes from the front of the input buffer. */
void st_consume(struct st_dialogue *d, size_t n);
/* Queues the STARTTLS command and, with inject, the pipelined one in the same packet. */
void st_send_starttls(struct st_dialogue *d, const char *command);

extern const struct st_ops st_ops_smtp, st_ops_lmtp, st_ops_imap, st_ops_pop3, st_ops_ftp,
    st_ops_nntp, st_ops_sieve, st_ops_irc; /* st_lines.c */
extern const struct st_ops st_ops_xmpp, st_ops_xmpp_server, st_ops_ldap, st_ops_postgres,
    st_ops_mysql, st_ops_rdp; /* st_binary.c */

#endif
