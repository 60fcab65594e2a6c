/* The connection engine: turns a tls_config (what to offer) into a report (what happened).
 *
 * One connection is a non-blocking state machine: resolve → TCP connect → TLS handshake →
 * verify → (optional reconnect for resumption) → close. The caller drives it with poll():
 *
 *     struct conn *c;
 *     if (conn_new(cfg, &c, err, sizeof err) < 0) ...        // bad option values: usage error
 *     while (conn_step(c, revents)) {
 *         struct pollfd pfd; int64_t deadline_ms;
 *         conn_want(c, &pfd, &deadline_ms);                  // fd to wait on, absolute deadline
 *         revents = poll(...) > 0 ? pfd.revents : 0;
 *     }
 *     struct report *r = conn_take_report(c); conn_free(c);
 *
 * Nothing in this header exposes OpenSSL; the report is plain data the caller owns. */
#ifndef TLSCOPE_ENGINE_ENGINE_H
#define TLSCOPE_ENGINE_ENGINE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/config.h"
#include "model/report.h"

struct conn;

/* Checks every option value the engine can check without a network (protocol range, cipher
 * strings, groups, sigalgs, files, key passphrase source). Returns 0, or -1 with a message
 * naming the option and the problem. */
int engine_check_config(const struct tls_config *cfg, char *err, size_t errlen);

/* What a file named in a profile holds, in a short phrase for the editor: "certificate CN=x,
 * expires 2027-11-27", "2 certificates (CN=a, CN=b)", "private key (EC P-256)", "encrypted
 * private key", "directory", "not a PEM file", "cannot read: No such file or directory".
 * Returns 0 when the file is readable (out describes it), -1 otherwise (out says why). */
int engine_describe_file(const char *path, char *out, size_t n);

/* Creates a connection for cfg (copied). Returns -1 with a message on bad configuration. */
int conn_new(const struct tls_config *cfg, struct conn **out, char *err, size_t errlen);
/* Advances the machine; revents are those poll() returned for conn_want()'s fd (0 on
 * timeout or first call). Returns true while the connection still has work to do. */
bool conn_step(struct conn *c, short revents);
/* What to wait for: pfd->fd may be -1 (then only the deadline matters); deadline_ms is on the
 * mono_ms() clock. */
void conn_want(const struct conn *c, struct pollfd *pfd, int64_t *deadline_ms);
/* The stage in progress, for a status line. */
enum stage conn_stage(const struct conn *c);
/* Milliseconds since conn_new. */
int64_t conn_elapsed_ms(const struct conn *c);
/* Stops at once: closes sockets, abandons the resolver; the report gets stage "cancelled". */
void conn_cancel(struct conn *c);
/* Hands the report over (once); the connection must be finished or cancelled. */
struct report *conn_take_report(struct conn *c);
void conn_free(struct conn *c);

/* Blocking convenience: runs one connection to completion with poll(). */
struct report *engine_connect(const struct tls_config *cfg);

/* "OpenSSL 3.0.19 27 Jan 2026" — the library actually linked. */
const char *engine_openssl_version(void);

#endif
