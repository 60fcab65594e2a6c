/* The demo lab: local TLS servers on loopback, each showing one situation (a good chain, an
 * expired certificate, ...), with a PKI generated in memory at start. The servers run in a
 * child process that dies with its parent; lab_stop ends it.
 *
 * The lab is a sibling of the engine (src/lab/, allowed OpenSSL like src/engine/, see
 * scripts/check-layers.sh): it includes neither the engine nor anything above it.
 *
 * Starting never blocks the caller: lab_start forks the server process and returns at once;
 * the process generates the PKI, writes the trust files, listens, and reports through a pipe.
 * An event loop polls lab_fd() for POLLIN (with lab_timeout_ms() as a bound) and calls
 * lab_step() until the state is LAB_READY or LAB_FAILED:
 *
 *     lab_start(&l, err, n);                  // LAB_STARTING: targets listed, ports 0
 *     ... poll(lab_fd(l), POLLIN, lab_timeout_ms(l)) ...
 *     if (lab_step(l) == LAB_READY) ...       // ports, CA and client files usable
 *
 * lab_wait() does the same loop, blocking, for tests and tools. */
#ifndef TLSCOPE_LAB_LAB_H
#define TLSCOPE_LAB_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lab_target {
    const char *name;        /* "good", "expired", ... (stable, lower case) */
    const char *title;       /* "Good chain" */
    const char *description; /* one line: what it shows and what to look for */
    const char *expect;      /* "verified", "not verified", "handshake fails" */
    uint16_t port; /* on 127.0.0.1 (and ::1 when available), host name localhost; 0 until ready */
    const char *starttls; /* the --starttls value the target needs ("smtp", "imap"), or NULL */
};

enum lab_state {
    LAB_STARTING, /* the server process is building the PKI and the servers */
    LAB_READY,    /* every server listens; the files exist */
    LAB_FAILED,   /* lab_error says why; only lab_stop is left to call */
};

struct lab;

/* Makes the lab's private directory and forks the server process, without waiting for it.
 * Returns 0 and a new *out in LAB_STARTING, or -1 with err (*out is then NULL). */
int lab_start(struct lab **out, char *err, size_t errlen);

/* While LAB_STARTING: the descriptor that becomes readable when the server process reports
 * (ready or failed) or ends; -1 in any other state. Owned by the lab: do not close it. */
int lab_fd(const struct lab *l);
/* While LAB_STARTING: milliseconds until the start deadline (0 when past), a bound for poll;
 * -1 in any other state. */
int lab_timeout_ms(const struct lab *l);
/* Takes what the server process reported, without blocking, and fails the start once its
 * deadline (LAB_START_MS in lab.c) has passed. Returns the state; calling it in a settled
 * state changes nothing. */
enum lab_state lab_step(struct lab *l);
/* Blocks (poll on lab_fd, bounded by the start deadline) until the lab is ready or failed.
 * Returns 0 when ready, or -1 with lab_error's text in err. */
int lab_wait(struct lab *l, char *err, size_t errlen);

enum lab_state lab_state(const struct lab *l);
bool lab_ready(const struct lab *l); /* false for NULL */
/* Why the start failed ("" unless LAB_FAILED); lives as long as l. */
const char *lab_error(const struct lab *l);

/* The targets, in a fixed order, in every state (ports are 0 until ready); 0 / NULL for a
 * NULL lab or i out of range. */
size_t lab_count(const struct lab *l);
const struct lab_target *lab_target_at(const struct lab *l, size_t i);
/* PEM file of the lab's root CA (in a private temp dir): pass as ca_file to trust the lab.
 * NULL until the lab is ready (the server process writes the file). */
const char *lab_ca_file(const struct lab *l);
/* Client certificate and key files for the client-certificate target; NULL until ready. */
const char *lab_client_cert_file(const struct lab *l);
const char *lab_client_key_file(const struct lab *l);
/* Stops the server process (by PID, in any state: SIGTERM, a bounded grace, SIGKILL), reaps
 * it and removes the temp files. NULL is fine. */
void lab_stop(struct lab *l);

#endif
