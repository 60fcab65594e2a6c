/* A document: what a pane shows, as lines of styled segments. Pane builders turn a report
 * into documents; one generic view (ui/docview.c) scrolls, selects, searches and draws any of
 * them, so every pane gets the same keys, mouse and search. No curses here: builders are plain
 * functions and can be tested without a terminal.
 *
 * Ownership: the doc owns its lines and their segment texts. Text added with doc_peer() comes
 * from the network and is sanitised (sanitize_terminal) on the way in; doc_text() is for our
 * own strings. */
#ifndef TLSCOPE_UI_DOC_H
#define TLSCOPE_UI_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "theme/theme.h"

struct doc_seg {
    enum theme_role role;
    char *text;    /* UTF-8, no control characters */
    int min_width; /* pad to this many columns (0: none) — for aligned label columns */
};

struct doc_line {
    struct doc_seg *segs;
    size_t n, cap;
    int id;             /* >= 0: selectable, passed to the pane's detail builder; -1: not */
    enum theme_role bg; /* TR_TEXT normally; e.g. TR_BAD for a verdict bar */
};

struct doc {
    struct doc_line *lines;
    size_t n, cap;
};

/* Starts a new line (id -1 for a non-selectable line); returns it for doc_text/doc_peer. */
struct doc_line *doc_line(struct doc *d, int id);
/* Appends our own text (printf-style) to line l. */
void doc_text(struct doc_line *l, enum theme_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends peer-controlled text, sanitised. NULL appends nothing. */
void doc_peer(struct doc_line *l, enum theme_role role, const char *text);
/* A "label  value" line: the label dim and padded to label_width columns. */
struct doc_line *doc_field(struct doc *d, int label_width, const char *label, enum theme_role role,
                           const char *value_fmt, ...) __attribute__((format(printf, 5, 6)));
/* Same with a peer-controlled value. */
struct doc_line *doc_field_peer(struct doc *d, int label_width, const char *label,
                                enum theme_role role, const char *value);
/* A blank line / a section heading (TR_TITLE). */
void doc_blank(struct doc *d);
void doc_heading(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends every line of a multi-line string (our own text, or sanitised when peer). */
void doc_lines(struct doc *d, enum theme_role role, const char *text, bool peer);

/* The line's text without styling (for search and tests); caller frees. */
char *doc_line_plain(const struct doc_line *l);
/* Display width of a UTF-8 string in terminal columns (wide characters count 2). */
int doc_width(const char *s);
void doc_clear(struct doc *d);
void doc_free(struct doc *d);

#endif
