/* The connections of one UI session (the last SESSION_MAX, newest last) and the settings that
 * carry from one connection to the next (the key log toggled with K, the client certificate
 * being chosen with c). Plain data, no curses: the list functions are tested on their own. */
#ifndef TLSCOPE_UI_SESSION_H
#define TLSCOPE_UI_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "model/config.h"
#include "model/report.h"

#define SESSION_MAX      32
#define SESSION_PATH_MAX 512

/* One finished connection. */
struct session_conn {
    unsigned seq;          /* #N: 1 for the session's first connection, never reused */
    struct report *report; /* owned by the session; the result screen borrows it */
    char *profile;         /* owned; "" when the command line's own settings were used */
    bool edited;           /* the settings differed from what the profile gives */
    time_t when;           /* when it finished */
};

struct session {
    struct session_conn conns[SESSION_MAX]; /* oldest first */
    size_t n;
    unsigned next_seq; /* 0 before the first: the first connection is #1 */
    /* The key log for the next connections: keylog (owned) when K turned it on; keylog_off
     * when K turned it off (also over a profile's or the command line's --keylog); neither:
     * whatever the settings say. */
    char *keylog;
    bool keylog_off;
    /* Pending answers of the status-line prompts. */
    char json_path[SESSION_PATH_MAX]; /* w: the file an overwrite question is about */
    char cert_path[SESSION_PATH_MAX]; /* c: the certificate chosen, while the key is asked */
    char key_path[SESSION_PATH_MAX];  /* c: the key chosen, while its passphrase is asked */
};

/* Keeps a finished connection (takes ownership of r; profile is copied, NULL means "").
 * Past SESSION_MAX the oldest is freed. Returns the new entry (valid until the next add). */
const struct session_conn *session_add(struct session *s, struct report *r, const char *profile,
                                       bool edited, time_t when);
/* The entry with sequence number seq, or NULL when there is none (never kept or dropped). */
const struct session_conn *session_find(const struct session *s, unsigned seq);
/* The entry holding report r, or NULL. */
const struct session_conn *session_find_report(const struct session *s, const struct report *r);
/* The newest entry before the one numbered seq, or NULL when seq is the oldest kept. */
const struct session_conn *session_previous(const struct session *s, unsigned seq);
/* Frees every entry and the key log path; s is left empty (as zeroed). */
void session_free(struct session *s);

/* Applies the key log toggled with K (on with its file, or off) to a config about to
 * connect; leaves cfg->keylog as it is when K was not used. */
void session_apply(const struct session *s, struct tls_config *cfg);

/* "#4 intermediate (edited) 12:02:40" (local time; "command line" without a profile; with
 * the target "localhost:4433" after the number when with_target). Caller frees; the target
 * comes from the peer side only as the name we connected to, and is sanitised. */
char *session_label(const struct session_conn *c, bool with_target);

/* True when the two configs offer or check something differently: the target, protocols,
 * ciphers, groups, sigalgs, ALPN, verification, client certificate and extras. The key log,
 * a typed passphrase and the theme do not count. */
bool session_config_differs(const struct tls_config *a, const struct tls_config *b);

/* True when the PEM text holds an encrypted private key: a BEGIN line that says ENCRYPTED
 * ("-----BEGIN ENCRYPTED PRIVATE KEY-----") or a legacy "Proc-Type: 4,ENCRYPTED" header. */
bool session_pem_encrypted(const char *pem);

/* path with a leading "~/" replaced by $HOME/ (when HOME is set) into out. */
void session_expand_home(const char *path, char *out, size_t n);

/* The file name offered for w: "HOST.json" with every byte outside [A-Za-z0-9._-] (and a
 * leading '.') replaced by '_'; "report.json" without a host. Caller frees. */
char *session_json_name(const struct report *r);

/* True when the PEM file at path holds an encrypted private key (read bounded, wiped after;
 * false when it cannot be read: the engine then says what is wrong with it). */
bool session_key_file_encrypted(const char *path);

#endif
