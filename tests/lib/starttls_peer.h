/* STARTTLS test peers (issue 12): small servers of our own on loopback that speak the server
 * side of one protocol's plaintext dialogue, then hand the socket to OpenSSL (SSL_accept with
 * the lab PKI: leaf.crt + inter.crt, so a client trusting root.crt verifies "localhost" and
 * 127.0.0.1). Each misbehaves in one precise way when asked. Forked by peer_fork
 * (tests/lib/harness.h), stopped with peer_stop; every loop is bounded (STP_MAX_MS).
 *
 * Protocols: smtp lmtp imap pop3 ftp xmpp xmpp-server ldap nntp sieve postgres mysql irc rdp,
 * and "https": TLS at once, then one HTTP answer to any request (the headers given). */
#ifndef TLSCOPE_TESTS_STARTTLS_PEER_H
#define TLSCOPE_TESTS_STARTTLS_PEER_H

#include "lib/harness.h"

#define STP_MAX_MS 30000

enum stp_mode {
    STP_OK,                /* the dialogue, then TLS; pipelined input before TLS is dropped */
    STP_NOT_OFFERED,       /* the capability list lacks STARTTLS (or its protocol's kin) */
    STP_REFUSED,           /* STARTTLS refused (454, NO, -ERR, resultCode 53 ...) */
    STP_THROTTLE,          /* a 421-style "come back later" greeting, then close */
    STP_GARBAGE,           /* a greeting (or answer) that is no protocol at all */
    STP_SILENCE,           /* accepts and says nothing until the client leaves */
    STP_FLOOD,             /* endless continuation lines of a greeting */
    STP_INJECT_VULNERABLE, /* keeps input pipelined after STARTTLS and answers it in TLS */
};

/* Starts a peer for proto in mode on 127.0.0.1. http_head: for "https", the answer's status
 * line and headers (CRLF-separated, without the blank line); NULL for the others. Returns 0
 * or -1 (reason on stderr). */
int peer_starttls(struct peer *p, const char *proto, enum stp_mode mode, const char *http_head);

#endif
