/* Driving the real binary in a real terminal: one tmux server per session (tmux -L NAME), with
 * the environment pinned (TERM, LANG, TZ, HOME, size), send-keys to type and capture-pane to
 * read the screen.
 *
 * Every server tmux_start makes is registered until tmux_stop ends it. A failed expectation
 * (cmocka's fail longjmps out of the test, past its tmux_stop) leaves it registered; then it is
 * killed at the next tmux_start, by tmux_teardown (give it to cmocka_unit_test_teardown), at
 * exit, and on SIGINT/SIGTERM/SIGHUP/SIGABRT: `tmux -L NAME kill-server`, then SIGKILL for the
 * pane's process group and the server if they outlive it. After its command the pane's shell
 * waits for its terminal to end (a shell builtin, no process), so "CMD; echo EXIT=$?" can be
 * read until then. */
#ifndef TLSCOPE_TESTS_TMUX_H
#define TLSCOPE_TESTS_TMUX_H

#include <stdbool.h>

#include <sys/types.h>

struct tmux {
    char socket[64];
    char home[512];
    pid_t server_pid; /* the tmux server */
    pid_t pane_pid;   /* the pane's shell: a session leader, its pid is its process group */
};

/* Starts `cmd` (a shell command line) in a detached session of cols x rows, with TERM=
 * tmux-256color (what tmux emulates, so keys decode right), LANG=C.UTF-8 (or `lang`), TZ=UTC, HOME
 * and XDG dirs in a fresh temp dir, NO_COLOR unset unless no_color. Returns 0 or -1. */
int tmux_start(struct tmux *t, int cols, int rows, const char *lang, bool no_color,
               const char *cmd);
/* Starts the shell command printf(fmt, ...) followed by "; echo EXIT=$?" (so the pane shows
 * how it ended) like tmux_start with the default LANG, or fails the test (cmocka). */
void tmux_start_cmd(struct tmux *t, int cols, int rows, bool no_color, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* True, after printing a TAP skip plan, when tmux is not installed: main returns 0 then. */
bool tmux_missing(void);
/* Sends keys in tmux send-keys syntax ("Enter", "Escape", "C-c", "Down", or literal text with
 * literal=true). */
int tmux_keys(struct tmux *t, const char *keys, bool literal);
/* The visible screen as text (escapes: with SGR colour sequences, capture-pane -e); caller
 * frees. */
char *tmux_capture(struct tmux *t, bool escapes);
/* Polls the screen until it contains needle (true) or timeout_s passes (false). */
bool tmux_wait_for(struct tmux *t, const char *needle, double timeout_s);
/* tmux_wait_for, or the test fails (cmocka) with the screen it saw. */
void tmux_expect(struct tmux *t, const char *needle, double timeout_s);
/* Like tmux_expect, for one line that holds a and, further right, b (a row's label and its
 * value), so that neither matches elsewhere on the screen by accident. */
void tmux_expect_line(struct tmux *t, const char *a, const char *b, double timeout_s);
/* Like tmux_expect_line for any number of parts (NULL-terminated), in this order on one line:
 * e.g. {"protocol ", "TLSv1.2", "TLSv1.3", NULL} for a change shown on the diff screen. */
void tmux_expect_seq(struct tmux *t, const char *const *parts, double timeout_s);
/* Sends one key `times` times. */
void tmux_keys_n(struct tmux *t, const char *key, int times);
/* Like tmux_wait_for, but waits until the screen no longer contains needle. */
bool tmux_wait_gone(struct tmux *t, const char *needle, double timeout_s);
int tmux_resize(struct tmux *t, int cols, int rows);
void tmux_stop(struct tmux *t);
/* Runs `bin args` (a shell-quoted string) outside the terminal but with the session's HOME and
 * XDG_CONFIG_HOME, so it sees what the UI saved; returns its stdout and stderr (at most 64 KiB;
 * caller frees). */
char *tmux_run_with_home(const struct tmux *t, const char *bin, const char *args);
/* Kills every registered server of this process (see above); returns how many there were. */
int tmux_sweep(void);
/* A cmocka teardown: tmux_sweep. UI tests run as cmocka_unit_test_teardown(test, tmux_teardown),
 * so a failed expectation leaves no server behind for the next test. */
int tmux_teardown(void **state);
/* True while a live (not zombie) process of process group pgid exists (from /proc). */
bool tmux_group_alive(pid_t pgid);

#endif
