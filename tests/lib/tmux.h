/* Driving the real binary in a real terminal: one tmux server per session (tmux -L NAME), with
 * the environment pinned (TERM, LANG, TZ, HOME, size), send-keys to type and capture-pane to
 * read the screen. Every server is killed by tmux_stop (and at exit). */
#ifndef TLSCOPE_TESTS_TMUX_H
#define TLSCOPE_TESTS_TMUX_H

#include <stdbool.h>

struct tmux {
    char socket[64];
    char home[512];
};

/* Starts `cmd` (a shell command line) in a detached session of cols x rows, with TERM=
 * tmux-256color (what tmux emulates, so keys decode right), LANG=C.UTF-8 (or `lang`), TZ=UTC, HOME
 * and XDG dirs in a fresh temp dir, NO_COLOR unset unless no_color. Returns 0 or -1. */
int tmux_start(struct tmux *t, int cols, int rows, const char *lang, bool no_color,
               const char *cmd);
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
/* Sends one key `times` times. */
void tmux_keys_n(struct tmux *t, const char *key, int times);
/* Like tmux_wait_for, but waits until the screen no longer contains needle. */
bool tmux_wait_gone(struct tmux *t, const char *needle, double timeout_s);
int tmux_resize(struct tmux *t, int cols, int rows);
void tmux_stop(struct tmux *t);

#endif
