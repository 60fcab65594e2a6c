/* The stages of a connection, declared once. Everything that names a stage — the enum, JSON's
 * `reached` and `error.stage`, the status line while connecting, the panes' titles, the
 * timeout messages and their hints — reads this table.
 *
 * Columns: id, JSON name, what we are doing (status line), title (panes, text report), what
 * ran out of time ("… timed out after 5 s"), the hint for that timeout (NULL: none), and
 * whether --timeout bounds the stage (a timed stage fails with error stage "timeout" and
 * `during` set to it). The first rows are the pipeline in order; the last three are error
 * kinds only. */
#ifndef TLSCOPE_MODEL_STAGE_H
#define TLSCOPE_MODEL_STAGE_H

#include <stdbool.h>

#define STAGE_TABLE(X)                                                                             \
    X(NONE, "none", "starting", "start", "starting", NULL, false)                                  \
    X(DNS, "dns", "resolving", "resolving the name", "resolving the name", NULL, true)             \
    X(TCP, "tcp", "connecting", "TCP connect", "the TCP connect",                                  \
      "no answer at all: a firewall may drop the packets", true)                                   \
    X(STARTTLS, "starttls", "starttls", "STARTTLS", "the STARTTLS dialogue",                       \
      "the server did not finish the plaintext dialogue", true)                                    \
    X(TLS, "tls", "handshaking", "TLS handshake", "the TLS handshake",                             \
      "the server accepted TCP but did not complete the handshake: is this port TLS? (a "          \
      "STARTTLS service or a proxy waits for the client to speak first)",                          \
      true)                                                                                        \
    X(VERIFY, "verify", "verifying", "verification", "verification", NULL, false)                  \
    X(FETCH, "fetch", "fetching", "fetching (AIA, revocation)",                                    \
      "the fetches of --aia and --revocation", NULL, false)                                        \
    X(RECONNECT, "reconnect", "reconnecting", "reconnect", "the second connection (--reconnect)",  \
      NULL, true)                                                                                  \
    X(DONE, "done", "finishing", "done", "finishing", NULL, false)                                 \
    X(TIMEOUT, "timeout", "waiting", "timeout", "waiting", NULL, false)                            \
    X(CANCELLED, "cancelled", "cancelling", "cancelled", "cancelling", NULL, false)                \
    X(INTERNAL, "internal", "preparing", "local problem", "preparing", NULL, false)

/* Where a connection stopped; also the progress shown while it runs. */
enum stage {
#define STAGE_ENUM(id, name, doing, title, what, hint, timed) STAGE_##id,
    STAGE_TABLE(STAGE_ENUM)
#undef STAGE_ENUM
};

struct stage_info {
    const char *name;         /* "tls" (JSON) */
    const char *doing;        /* "handshaking" (status line) */
    const char *title;        /* "TLS handshake" (panes, text) */
    const char *timeout_what; /* "the TLS handshake" */
    const char *timeout_hint; /* or NULL */
    bool timed;               /* bounded by --timeout */
};

/* The row for s (never NULL; an out-of-range value gets the "none" row). */
const struct stage_info *stage_info(enum stage s);
const char *stage_name(enum stage s); /* stage_info(s)->name */

#endif
