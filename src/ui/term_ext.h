/* Private additions to term.h for the UI framework: drawing a role on the selection's
 * background, reversed or bold. (A signal that asks the UI to quit reaches the event loop as
 * Ctrl-C from term_getkey.) */
#ifndef TLSCOPE_UI_TERM_EXT_H
#define TLSCOPE_UI_TERM_EXT_H

#include <stdbool.h>

#include "ui/term.h"

enum term_flag {
    TF_SEL = 1 << 0,     /* the role's foreground on the selected row's background */
    TF_REVERSE = 1 << 1, /* reverse video (bars) */
    TF_BOLD = 1 << 2,
};

/* term_put / term_fill with term_flag bits. */
int term_put_ex(struct term *t, int y, int x, int maxw, enum theme_role role, unsigned flags,
                const char *text);
void term_fill_ex(struct term *t, int y, int x, int w, enum theme_role role, unsigned flags);

#endif
