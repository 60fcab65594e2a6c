/* Checking TERM before curses starts (termtype.c). A header of its own, without ui/term.h:
 * the implementation needs curses' <term.h>, which declares a struct term of its own. */
#ifndef TLSCOPE_UI_TERMTYPE_H
#define TLSCOPE_UI_TERMTYPE_H

#include <stdbool.h>
#include <stddef.h>

/* Whether TERM names a terminal curses can drive: set, known to terminfo, able to move the
 * cursor. When not, err says which and what to do instead (TERM's value sanitised). */
bool term_type_usable(char *err, size_t errlen);

#endif
