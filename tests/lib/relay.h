/* A TCP relay on 127.0.0.1 in front of a backend port, for the scanner's tests and benchmark:
 * it counts the connections it accepts and can reset every Nth one (a throttling server).
 * Up to 64 connections are relayed at once, in one poll loop, each direction bounded. */
#ifndef TLSCOPE_TESTS_RELAY_H
#define TLSCOPE_TESTS_RELAY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct relay {
    pid_t pid;
    uint16_t port;
    int count_fd; /* read end: the child writes its accept count here when it stops */
};

/* Starts the relay child (PR_SET_PDEATHSIG: it dies with the test). reset_every > 0: every
 * reset_every-th connection is closed at once with a TCP reset. Returns 0 or -1. */
int relay_start(struct relay *r, uint16_t backend_port, int reset_every);
/* Stops it (SIGTERM, waitpid) and returns how many connections it accepted (-1 unknown). */
long relay_stop(struct relay *r);
/* Blocks SIGTERM in the caller, so one sent before relay_serve waits for it (a tool calls this
 * before it says its port). */
void relay_block_term(void);
/* The loop itself, for a tool: serves lfd until SIGTERM; returns the accept count. */
long relay_serve(int lfd, uint16_t backend_port, int reset_every);

#endif
