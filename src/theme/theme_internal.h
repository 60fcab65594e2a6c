/* Private to the theme module: what the loader (theme.c) uses from the built-in tables and
 * the colour fallback (theme_builtin.c). */
#ifndef TLSCOPE_THEME_THEME_INTERNAL_H
#define TLSCOPE_THEME_THEME_INTERNAL_H

#include "theme/theme.h"

/* The role names used in theme files ("text", "dim", ...), indexed by enum theme_role. */
extern const char *const theme_role_names[TR_COUNT];

/* Sets t->name with the rest of the buffer zeroed, so equal themes compare equal bytewise. */
void theme_set_name(struct theme *t, const char *name);

/* The nearest of the 8 basic colours (0-7) to a colour 0-255; THEME_COLOR_DEFAULT for a
 * negative one. */
int theme_color_to_8(int c);

#endif
