/* Checking TERM before curses starts. setupterm with an error pointer reports instead of
 * exiting (initscr would print "Error opening terminal" and exit 1), so tlscope can say that
 * TERM is the problem. Apart from term.c because <term.h> declares its own struct term. */
#include <curses.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <term.h>
#include <unistd.h>

#include "ui/termtype.h"
#include "util/sanitize.h"

#define TT_INSTEAD "or use --format text or --json"

bool term_type_usable(char *err, size_t errlen)
{
    const char *term = getenv("TERM");
    if (!term || !*term) {
        snprintf(err, errlen,
                 "TERM is not set: the terminal UI needs it to know your terminal; set it "
                 "(e.g. TERM=xterm-256color) " TT_INSTEAD);
        return false;
    }
    char *name = sanitize_terminal(term);
    int st = 0;
    bool ok = setupterm(NULL, STDOUT_FILENO, &st) == OK;
    if (!ok && st == -1)
        snprintf(err, errlen,
                 "TERM '%s': no terminfo database found; install one (ncurses-base) " TT_INSTEAD,
                 name);
    else if (!ok)
        snprintf(err, errlen,
                 "TERM '%s' is unknown to terminfo; set TERM=xterm-256color (or your "
                 "terminal's type) " TT_INSTEAD,
                 name);
    if (ok) {
        const char *cup = tigetstr("cup");
        if (!cup || cup == (char *)-1) {
            ok = false;
            snprintf(err, errlen,
                     "TERM '%s' cannot move the cursor, which the terminal UI needs; set "
                     "TERM=xterm-256color (or your terminal's type) " TT_INSTEAD,
                     name);
        }
        del_curterm(cur_term);
    }
    free(name);
    return ok;
}
