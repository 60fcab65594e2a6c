/* The scanner: everything a server accepts — protocol versions, cipher suites per version and
 * the server's order, key-exchange groups (post-quantum too), signature algorithms, every
 * certificate it serves, features — found with many raw-hello probes (engine conn_new_hello)
 * in the caller's poll loop, and a few full handshakes where only one shows the answer
 * (certificates, resumption, the DH size).
 *
 *     struct scan *s;
 *     if (scan_new(e, cfg, &opts, &s, err, sizeof err) < 0) ...   // bad options: usage error
 *     struct scan_poll p;
 *     for (bool first = true; scan_step(s, first ? NULL : &p); first = false) {
 *         scan_want(s, &p);
 *         scan_poll_wait(&p, max_us);                                 // or poll() p.fds
 *     }
 *     struct scan_report *r = scan_take_report(s); scan_free(s);
 *
 * One thread, at most opts.parallel connections at once, opts.delay_ms between connection
 * starts. A server that resets, refuses or stops answering is slowed down for: the probe is
 * sent again, parallelism halved, the delay raised; the report's throttle says so, and a probe
 * that never got an answer is an unknown with its reason — never a silent hole. */
#ifndef TLSCOPE_SCAN_SCAN_H
#define TLSCOPE_SCAN_SCAN_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "model/config.h"
#include "scan/scan_report.h"

#define SCAN_PARALLEL_DEFAULT 6 /* a browser opens six connections per host */
#define SCAN_PARALLEL_MAX     64
#define SCAN_DELAY_MAX_MS     60000

struct scan_opts {
    int parallel; /* concurrent connections, 1..SCAN_PARALLEL_MAX (0: the default) */
    int delay_ms; /* at least this long between two connection starts */
    bool no_full; /* tests: raw probes only (no certificates, resumption, DH size) */
};

struct scan;

#define SCAN_FDS_MAX (SCAN_PARALLEL_MAX * CONN_FDS_MAX)
struct scan_poll {
    struct pollfd fds[SCAN_FDS_MAX];
    size_t n;
    int64_t deadline_us; /* absolute, mono_us() clock */
};

struct scan_progress {
    unsigned done, planned; /* probes answered (or given up) / done + known to come */
    unsigned connections;   /* connections made so far */
    unsigned running;       /* connections open now */
    bool throttled;
};

/* Creates a scan of cfg's host and port (cfg is copied; its SNI, timeout, family, trust and
 * client certificate apply). e is shared (its TLS contexts); it must outlive the scan.
 * Returns -1 with a message on bad options. */
int scan_new(struct engine *e, const struct tls_config *cfg, const struct scan_opts *opts,
             struct scan **out, char *err, size_t errlen);
/* Advances every running probe (p: what scan_want filled, with revents; NULL the first
 * time), starts new ones. Returns true while the scan has work to do. Bounded work per call. */
bool scan_step(struct scan *s, const struct scan_poll *p);
void scan_want(const struct scan *s, struct scan_poll *p);
void scan_poll_wait(struct scan_poll *p, int64_t max_wait_us);
void scan_get_progress(const struct scan *s, struct scan_progress *pr);
/* The report as filled so far (live: answers appear as they arrive). Valid until the next
 * scan_step, scan_take_report or scan_free. */
const struct scan_report *scan_peek(const struct scan *s);
/* Stops at once: closes every connection; the report is marked cancelled. */
void scan_cancel(struct scan *s);
/* Hands the report over (once), with its findings; the scan must be finished or cancelled. */
struct scan_report *scan_take_report(struct scan *s);
void scan_free(struct scan *s);
/* Runs s to completion; progress (may be NULL) is called after each step with arg. */
struct scan_report *scan_run(struct scan *s, void (*progress)(const struct scan *, void *),
                             void *arg);

#endif
