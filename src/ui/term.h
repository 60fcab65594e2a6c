/* The terminal: curses set-up and tear-down, the theme as colour pairs, line drawing and
 * symbols with ASCII fallbacks, and width-aware text output. The only file that knows which
 * curses calls exist; everything else in ui/ draws through these functions (and may use the
 * WINDOW for nothing else). Restores the terminal on every exit path, including signals —
 * except when the terminal itself is gone (term_abandon). */
#ifndef TLSCOPE_UI_TERM_H
#define TLSCOPE_UI_TERM_H

#include <stdbool.h>
#include <stddef.h>

#include "theme/theme.h"

struct rect {
    int y, x, h, w;
};

struct term {
    int rows, cols;
    bool utf8;  /* locale is UTF-8: line drawing and ✔ ⚠ ✖ ▸ */
    bool color; /* the terminal has colours and NO_COLOR is not set */
    int colors; /* 8, 16, 256 */
    bool gone;  /* the terminal hung up, hit EOF or an I/O error: nothing more to read or draw */
    struct theme theme;
};

enum term_open_status {
    TERM_OPEN_OK = 0,
    TERM_OPEN_NO_TTY = -1,   /* stdin or stdout is not a terminal */
    TERM_OPEN_BAD_TERM = -2, /* TERM is unset, unknown to terminfo or cannot address the cursor:
                                err says which */
};
/* Starts curses (raw keys, no echo, keypad, mouse, hidden cursor). Checks TERM first (without
 * exiting, unlike initscr) and explains a bad one in err (sanitised, one line). */
enum term_open_status term_open(struct term *t, const struct theme *theme, char *err,
                                size_t errlen);
/* Restores the terminal; safe to call twice and from a signal path. */
void term_close(struct term *t);
/* The terminal is gone (t->gone): drops curses without restoring or writing anything, since a
 * dead terminal can only fail or block a write. Safe to call twice; term_close after it is a
 * no-op. */
void term_abandon(struct term *t);
/* Switches theme (re-creates colour pairs). */
void term_set_theme(struct term *t, const struct theme *theme);
/* Re-reads the size after KEY_RESIZE. */
void term_resize(struct term *t);

/* Reads one key without blocking: a curses key code, a character (UTF-8 bytes are returned
 * one at a time), KEY_MOUSE, KEY_RESIZE, or -1 when none is waiting (or the read failed with
 * an I/O error: then t->gone is set). */
int term_getkey(struct term *t);
/* After KEY_MOUSE: the event. button: 1 left click, 4 wheel up, 5 wheel down; 0 if none. */
bool term_mouse(struct term *t, int *y, int *x, int *button);

void term_erase(struct term *t);
void term_refresh(struct term *t);
/* Writes UTF-8 text (no control characters: callers pass sanitised text) at y,x in role,
 * at most maxw columns; returns the columns used. Adds "…" when cut. */
int term_put(struct term *t, int y, int x, int maxw, enum theme_role role, const char *text);
/* Fills a row span with spaces in role (for bars and the selection highlight). */
void term_fill(struct term *t, int y, int x, int w, enum theme_role role);
/* A box with a title on its top border, using line drawing or +-| when not UTF-8. */
void term_box(struct term *t, struct rect r, const char *title, bool focused);
/* A horizontal rule with an optional title. */
void term_hline(struct term *t, int y, int x, int w, const char *title);
/* issue 13: puts n bytes of text on the terminal's clipboard with OSC 52 (works over SSH;
 * tmux needs `set -g set-clipboard on`; some terminals refuse it silently — nothing tells us).
 * Returns false when the terminal is gone, text is longer than TERM_OSC52_MAX or the write
 * failed. */
#define TERM_OSC52_MAX (64 * 1024)
bool term_osc52(struct term *t, const char *text, size_t n);
/* Places the visible cursor (for text entry) or hides it (y < 0). */
void term_cursor(struct term *t, int y, int x);

#endif
