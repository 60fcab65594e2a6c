/* The connection engine: turns a tls_config (what to offer) into a report (what happened).
 *
 * One connection is a pipeline of stages — transport (resolve → connect, Happy Eyeballs over
 * every address) → preamble → handshake driver → probe → close → fetch (--aia, --revocation) —
 * driven by the caller's poll loop. Every step does a bounded amount of work, whatever the peer
 * sends:
 *
 *     struct engine *e = engine_new();                       // TLS contexts shared by the run
 *     struct conn *c;
 *     if (conn_new(e, cfg, &c, err, sizeof err) < 0) ...     // bad option values: usage error
 *     struct conn_poll p;
 *     for (bool first = true; conn_step(c, first ? NULL : &p); first = false) {
 *         conn_want(c, &p);                                  // descriptors, absolute deadline
 *         poll(p.fds, p.n, ...until p.deadline_us...);       // or conn_poll_wait(&p, max)
 *     }
 *     struct report *r = conn_take_report(c); conn_free(c); engine_free(e);
 *
 * Nothing in this header exposes OpenSSL; the report is plain data the caller owns. */
#ifndef TLSCOPE_ENGINE_ENGINE_H
#define TLSCOPE_ENGINE_ENGINE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "model/config.h"
#include "model/report.h"
#include "wire/build.h"

struct conn;
struct engine;

/* A run: the TLS contexts its connections share (one per distinct configuration, built on
 * first use, the trust store loaded once). A connection may outlive nothing it shares: free
 * the engine after its connections. Not thread-safe. */
struct engine *engine_new(void);
void engine_free(struct engine *e);

/* Tests only: resolve names with fn instead of the system resolver. fn fills at most max
 * addresses (and their lengths) and returns how many, or -1 with a message in err. */
typedef int (*engine_resolve_fn)(void *arg, const char *host, uint16_t port, int family,
                                 struct sockaddr_storage *out, socklen_t *lens, size_t max,
                                 char *err, size_t errlen);
void engine_set_resolver(struct engine *e, engine_resolve_fn fn, void *arg);
/* How many TLS contexts the run has built so far (each distinct configuration builds one). */
unsigned long engine_contexts_built(const struct engine *e);

/* Checks every option value the engine can check without a network (protocol range, cipher
 * strings, groups, sigalgs, files, key passphrase source). Returns 0, or -1 with a message
 * naming the option and the problem. */
int engine_check_config(const struct tls_config *cfg, char *err, size_t errlen);

/* Registers into the settings table (settings/settings.h) the checks that need OpenSSL:
 * cipher strings, TLS 1.3 suites, groups, sigalgs, verification error names and pins. Call
 * once at start-up, before any profile is loaded or flag parsed. Returns 0, or -1 when the
 * table has a row this does not cover. */
int engine_register_validators(void);

/* What a file named in a profile holds, in a short phrase for the editor: "certificate CN=x,
 * expires 2027-11-27", "2 certificates (CN=a, CN=b)", "private key (EC P-256)", "encrypted
 * private key", "directory", "not a PEM file", "cannot read: No such file or directory".
 * Returns 0 when the file is readable (out describes it), -1 otherwise (out says why). */
int engine_describe_file(const char *path, char *out, size_t n);

/* What a connection waits for: descriptors (events set, revents filled by the caller's poll)
 * and an absolute deadline on the mono_us() clock. */
#define CONN_FDS_MAX 6
struct conn_poll {
    struct pollfd fds[CONN_FDS_MAX];
    size_t n;
    int64_t deadline_us;
};

/* Creates a connection for cfg (copied) with the OpenSSL handshake driver. e may be NULL (the
 * connection then has a run of its own). Returns -1 with a message on bad configuration. */
int conn_new(struct engine *e, const struct tls_config *cfg, struct conn **out, char *err,
             size_t errlen);
/* Creates a connection that sends the ClientHello spec describes (raw-hello driver) and stops
 * at the server's answer: a ServerHello, a HelloRetryRequest, an alert, a close. Only host,
 * port, family, timeout_s and the STARTTLS settings (starttls, ehlo_name, xmpp_host: each
 * connection repeats the dialogue first) of cfg are used. The outcome is in the report's hello. */
int conn_new_hello(struct engine *e, const struct tls_config *cfg, const struct wire_ch_spec *spec,
                   struct conn **out, char *err, size_t errlen);
/* Advances the pipeline; p is what conn_want filled, with revents (NULL on the first call).
 * Returns true while the connection still has work to do. */
bool conn_step(struct conn *c, const struct conn_poll *p);
/* What to wait for next. */
void conn_want(const struct conn *c, struct conn_poll *p);
/* poll()s p until its deadline (at most max_wait_us), with microsecond precision. */
void conn_poll_wait(struct conn_poll *p, int64_t max_wait_us);
/* The stage in progress, for a status line. */
enum stage conn_stage(const struct conn *c);
/* Milliseconds since conn_new. */
int64_t conn_elapsed_ms(const struct conn *c);
/* Stops at once: closes sockets, abandons the resolver; the report gets stage "cancelled". A
 * handshake that had completed keeps its facts and findings (a cancel during the probe, the
 * fetches of --aia/--revocation or the reconnect): conn_has_result says so. */
void conn_cancel(struct conn *c);
bool conn_has_result(const struct conn *c);
/* Hands the report over (once); the connection must be finished or cancelled. */
struct report *conn_take_report(struct conn *c);
void conn_free(struct conn *c);
/* Runs c to completion (blocking, poll) and hands its report over. */
struct report *conn_run(struct conn *c);

/* Blocking convenience: runs one connection to completion with poll(). */
struct report *engine_connect(const struct tls_config *cfg);

/* "OpenSSL 3.0.19 27 Jan 2026" — the library actually linked. */
const char *engine_openssl_version(void);

#endif
