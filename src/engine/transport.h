/* Private to the engine: the transport stage — resolve the name, then connect the way a
 * modern client does (Happy Eyeballs v2, RFC 8305): every address in the resolver's order,
 * the next attempt started after TRANSPORT_ATTEMPT_DELAY_US without an answer (at once when
 * an attempt fails), the first to connect wins and the others are closed. Each attempt has
 * its own deadline. Non-blocking: the caller polls the descriptors transport_want gives.
 *
 * Every address tried is recorded with its result and time (struct addr_attempt in the
 * report). */
#ifndef TLSCOPE_ENGINE_TRANSPORT_H
#define TLSCOPE_ENGINE_TRANSPORT_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "engine/engine.h"
#include "engine/resolve.h"
#include "model/report.h"

#define TRANSPORT_ADDRS_MAX        16     /* addresses tried (a name may have more) */
#define TRANSPORT_INFLIGHT_MAX     4      /* attempts under way at once */
#define TRANSPORT_ATTEMPT_DELAY_US 250000 /* RFC 8305's Connection Attempt Delay */

enum transport_status {
    TRANSPORT_RUNNING,
    TRANSPORT_CONNECTED, /* transport_take_fd gives the socket */
    TRANSPORT_FAILED,    /* the error is in the report */
};

struct transport_attempt {
    struct sockaddr_storage addr;
    socklen_t len;
    int fd; /* -1 when not under way */
    int64_t start_us, end_us;
    enum addr_result result;
    int err; /* errno of a failed attempt */
};

struct transport {
    const struct tls_config *cfg; /* not owned */
    int64_t timeout_us;
    bool resolving;
    int64_t resolve_start_us;
    int64_t tcp_start_us; /* the addresses were known: attempts' start times count from here */
    struct resolver *resolver;
    struct transport_attempt a[TRANSPORT_ADDRS_MAX];
    size_t n, next; /* addresses known; the next one to start */
    int64_t next_start_us;
    int winner; /* index of the connected attempt, -1 */
    /* Set TCP_NODELAY on each socket (the default). A caller whose whole first flight fits in
     * one segment clears it: Nagle never holds a first segment, and the raw prober saves a
     * system call per connection. */
    bool nodelay;
};

/* Starts resolving cfg->host (or uses addrs when the engine has a resolve hook). Fills the
 * report's DNS facts as it goes. */
void transport_start(struct transport *t, const struct tls_config *cfg, struct engine *e,
                     struct report *r, int64_t timeout_us);
/* Starts again for the reconnect: the address that won first, then the others. */
void transport_restart(struct transport *t);
/* Descriptors to wait on (at most max) and the earliest deadline (µs, mono clock). */
size_t transport_want(const struct transport *t, struct pollfd *fds, size_t max,
                      int64_t *deadline_us);
/* Advances; fds/n are what transport_want gave, with revents (n may be 0). A DNS failure is
 * recorded in r as the error; a TCP failure is left to the caller (transport_error words it),
 * since the reconnect reports it differently. */
enum transport_status transport_step(struct transport *t, const struct pollfd *fds, size_t n,
                                     struct report *r);
/* Copies every address with its result and time into r->addresses (replacing the list). */
void transport_record(const struct transport *t, struct report *r);
/* The stage in progress: STAGE_DNS or STAGE_TCP. */
enum stage transport_stage(const struct transport *t);
/* After TRANSPORT_CONNECTED: hands over the winning socket and its address. */
int transport_take_fd(struct transport *t, struct sockaddr_storage *addr, socklen_t *len);
/* Why the last run failed, one line ("TCP connect to [::1]:443 refused; 127.0.0.1 timed out"). */
void transport_error(const struct transport *t, char *buf, size_t n);
/* Closes every socket and abandons the lookup. Safe to call twice. */
void transport_close(struct transport *t);

/* "[::1]:443" / "127.0.0.1:443" */
void transport_addr_text(const struct sockaddr *sa, uint16_t port, char *buf, size_t n);

#endif
