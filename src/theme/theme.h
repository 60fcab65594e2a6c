/* Themes: YAML files in themes/ that map UI roles to colours and attributes, with fallbacks
 * for 8-colour and monochrome terminals. Plain data: the UI turns a theme into curses colour
 * pairs; nothing here includes curses. */
#ifndef TLSCOPE_THEME_THEME_H
#define TLSCOPE_THEME_THEME_H

#include <stdbool.h>
#include <stddef.h>

/* The roles the UI draws with. Names in theme files: the lower-case words in the comments. */
enum theme_role {
    TR_TEXT,      /* text */
    TR_DIM,       /* dim: labels, secondary facts */
    TR_TITLE,     /* title: the top line, pane titles */
    TR_BORDER,    /* border */
    TR_SELECTED,  /* selected: the row under the cursor */
    TR_OK,        /* ok: verified, good */
    TR_WARN,      /* warn: worth a look */
    TR_BAD,       /* bad: failed, broken */
    TR_KEY,       /* key: key hints on the bottom line */
    TR_HIGHLIGHT, /* highlight: search matches, the chosen entry */
    TR_COUNT
};
const char *theme_role_name(enum theme_role r);

#define THEME_COLOR_DEFAULT (-1) /* the terminal's own foreground/background */

enum theme_attr {
    THEME_BOLD = 1 << 0,
    THEME_UNDERLINE = 1 << 1,
    THEME_REVERSE = 1 << 2,
    THEME_DIM = 1 << 3,
    THEME_ITALIC = 1 << 4,
};

struct theme_style {
    int fg, bg;     /* 0-255 or THEME_COLOR_DEFAULT, for 256-colour terminals */
    int fg8, bg8;   /* 0-7 or THEME_COLOR_DEFAULT, for 8/16-colour terminals */
    unsigned attrs; /* enum theme_attr bits, with colour */
    unsigned mono;  /* enum theme_attr bits used when there is no colour at all */
};

struct theme {
    char name[64];
    struct theme_style roles[TR_COUNT];
};

struct theme_error {
    char file[512];
    int line, col; /* 1-based; 0 when not tied to a place */
    char message[512];
};
const char *theme_error_format(const struct theme_error *e, char *buf, size_t n);

/* The built-in dark default: used when no theme file can be read. */
void theme_builtin(struct theme *t);
/* A monochrome theme (attributes only): what NO_COLOR selects. */
void theme_builtin_mono(struct theme *t);

/* Parses a theme document; roles not in the file keep the built-in default's style.
 * Returns 0, or -1 with err (file:line:col) and *t set to the built-in default. */
int theme_parse(const char *data, size_t n, const char *filename, struct theme *t,
                struct theme_error *err);
int theme_load_file(const char *path, struct theme *t, struct theme_error *err);
/* NAME (themes dir) or PATH. */
int theme_load(const char *name_or_path, struct theme *t, struct theme_error *err);

/* The themes directory ($TLSCOPE_DATADIR/themes, next to the binary, or PREFIX); caller frees. */
char *theme_dir(void);
/* Theme names found in theme_dir(), sorted; caller frees each and the array. */
char **theme_list(size_t *n);

#endif
