/* Hostile TLS peers for the hardening tests: small servers of our own on loopback that
 * misbehave in one precise way each. They speak raw bytes (no OpenSSL), are forked by
 * peer_fork (tests/lib/harness.h) and stop like any other peer (peer_stop). Every loop in
 * them is bounded in time (HOSTILE_MAX_MS per connection). */
#ifndef TLSCOPE_TESTS_HOSTILE_H
#define TLSCOPE_TESTS_HOSTILE_H

#include "lib/harness.h"

#define HOSTILE_MAX_MS 30000 /* no connection to a hostile peer lasts longer */

enum hostile_kind {
    HOSTILE_FIN,   /* accepts and closes at once (FIN): our ClientHello meets a closed socket */
    HOSTILE_RESET, /* accepts and resets (RST, SO_LINGER 0) */
    HOSTILE_FLOOD, /* reads the ClientHello, sends a TLS 1.2 ServerHello, then HelloRequest
                    * records (9 bytes each) as fast as the socket takes them */
    HOSTILE_DRIP,  /* as FLOOD, but one HelloRequest record per millisecond */
};

/* Starts a peer of that kind on 127.0.0.1. Returns 0 or -1 (reason on stderr). */
int peer_hostile(struct peer *p, enum hostile_kind kind);

#endif
