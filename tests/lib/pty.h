/* Running a program in a pseudo-terminal the test owns: forkpty, the output read from the
 * master side, and the master closed on demand, so a test can make the terminal go away
 * (EOF / I/O error) without any SIGHUP reaching the program: the child starts with SIGHUP
 * blocked (the mask survives exec and sigaction). Every wait is bounded; pty_stop kills the
 * child by its PID whatever happened. Not thread-safe (test code). */
#ifndef TLSCOPE_TESTS_PTY_H
#define TLSCOPE_TESTS_PTY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct pty_child {
    pid_t pid;  /* 0 once reaped */
    int master; /* -1 once closed */
    char home[512];
    char *out; /* everything read from the master so far (NUL-terminated) */
    size_t out_len;
    int status;     /* wait status once reaped */
    double cpu_s;   /* user + system CPU seconds of the reaped child */
    bool timed_out; /* pty_wait_exit gave up and killed it */
};

/* Starts argv[0] (a path) with argv in a new cols x rows pty, SIGHUP blocked, a fresh HOME and
 * XDG dirs in a temp dir, LANG=C.UTF-8, TZ=UTC and TERM=term (NULL: TERM unset). Returns 0 or
 * -1. */
int pty_start(struct pty_child *c, const char *const *argv, const char *term, int cols, int rows);
/* Reads output until it contains needle (true) or timeout_s passes / the master reports EOF
 * (false). */
bool pty_wait_for(struct pty_child *c, const char *needle, double timeout_s);
/* Writes bytes to the terminal (keys). Returns 0 or -1. */
int pty_send(struct pty_child *c, const char *bytes);
/* Closes the master: the program's terminal is gone. */
void pty_close_master(struct pty_child *c);
/* Waits up to timeout_s for the child to exit (reading and dropping output meanwhile, while
 * the master is open); kills it (SIGKILL) when it does not. Fills status, cpu_s, timed_out.
 * Returns true when it exited by itself in time. */
bool pty_wait_exit(struct pty_child *c, double timeout_s);
/* Kills the child if it still runs, reaps it, closes the master, removes HOME. Safe twice. */
void pty_stop(struct pty_child *c);

#endif
