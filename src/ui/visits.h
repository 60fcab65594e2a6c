/* The visits: the connections made during one run of the UI (the last VISITS_MAX, newest
 * last, each with its report) and the key log toggled with K, which carries from one
 * connection to the next. Plain data, no curses and no screen: tested on their own. */
#ifndef TLSCOPE_UI_VISITS_H
#define TLSCOPE_UI_VISITS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "model/config.h"
#include "model/report.h"
#include "util/strlist.h"

#define VISITS_MAX      32
#define VISITS_PATH_MAX 512

/* One finished connection. */
struct visit {
    unsigned seq;          /* #N: 1 for the run's first connection, never reused */
    struct report *report; /* owned by the visits; the result screen borrows it */
    char *profile;         /* owned; "" when the command line's own settings were used */
    bool edited;           /* the settings differed from what the profile gives */
    time_t when;           /* when it finished */
};

struct visits {
    struct visit conns[VISITS_MAX]; /* oldest first */
    size_t n;
    unsigned next_seq; /* 0 before the first: the first connection is #1 */
    /* The key log for the next connections: keylog (owned) when K turned it on; keylog_off
     * when K turned it off (also over a profile's or the command line's --keylog); neither:
     * whatever the settings say. */
    char *keylog;
    bool keylog_off;
};

/* Keeps a finished connection (takes ownership of r; profile is copied, NULL means "").
 * Past VISITS_MAX the oldest is freed. Returns the new entry (valid until the next add). */
const struct visit *visits_add(struct visits *s, struct report *r, const char *profile, bool edited,
                               time_t when);
/* The entry with sequence number seq, or NULL when there is none (never kept or dropped). */
const struct visit *visits_find(const struct visits *s, unsigned seq);
/* The entry holding report r, or NULL. */
const struct visit *visits_find_report(const struct visits *s, const struct report *r);
/* The newest entry before the one numbered seq, or NULL when seq is the oldest kept. */
const struct visit *visits_previous(const struct visits *s, unsigned seq);
/* Frees every entry and the key log path; s is left empty (as zeroed). */
void visits_free(struct visits *s);

/* Applies the key log toggled with K (on with its file, or off) to a config about to
 * connect; leaves cfg->keylog as it is when K was not used. */
void visits_apply(const struct visits *s, struct tls_config *cfg);

/* The key log the next connection writes: K's choice, else fallback (the keylog setting of
 * the settings on screen; NULL: none). */
const char *visits_keylog_file(const struct visits *s, const char *fallback);
/* The phrases of a result's "in effect" line: weakened (the report's), with the key log as K
 * left it for the next connections (keylog: visits_keylog_file's answer), into out. */
void visits_in_effect(const struct strlist *weakened, const char *keylog, struct strlist *out);

/* "#4 intermediate (edited) 12:02:40" (local time; "command line" without a profile; with
 * the target "localhost:4433" after the number when with_target). Caller frees; the target
 * comes from the peer side only as the name we connected to, and is sanitised. */
char *visits_label(const struct visit *c, bool with_target);

/* True when the two configs offer or check something differently: the target, protocols,
 * ciphers, groups, sigalgs, ALPN, verification, client certificate and extras. The key log,
 * a typed passphrase and the theme do not count. */
bool visits_config_differs(const struct tls_config *a, const struct tls_config *b);

/* True when the PEM text holds an encrypted private key: a BEGIN line that says ENCRYPTED
 * ("-----BEGIN ENCRYPTED PRIVATE KEY-----") or a legacy "Proc-Type: 4,ENCRYPTED" header. */
bool visits_pem_encrypted(const char *pem);

/* path with a leading "~/" replaced by $HOME/ (when HOME is set) into out. */
void visits_expand_home(const char *path, char *out, size_t n);

/* The file name offered for w: "HOST.json" with every byte outside [A-Za-z0-9._-] (and a
 * leading '.') replaced by '_'; "report.json" without a host. Caller frees. */
char *visits_json_name(const struct report *r);

/* True when the PEM file at path holds an encrypted private key (read bounded, wiped after;
 * false when it cannot be read: the engine then says what is wrong with it). */
bool visits_key_file_encrypted(const char *path);

#endif
