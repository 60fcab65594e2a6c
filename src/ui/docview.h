/* The one generic view: draws a doc in a window area with scrolling, a selected line,
 * search highlighting, and maps keys and mouse clicks to movement. Every pane, the home
 * screen's lists and the help overlay use it. */
#ifndef TLSCOPE_UI_DOCVIEW_H
#define TLSCOPE_UI_DOCVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/actions.h"
#include "ui/doc.h"
#include "ui/term.h"

struct docview {
    struct doc doc;   /* owned */
    size_t top;       /* first line shown */
    size_t sel;       /* selected line index (always a selectable line when any exists) */
    bool focus;       /* draw the selection bar */
    char search[128]; /* current search text ("" none) */
    int page;         /* rows shown by the last docview_draw (0 before the first) */
    size_t found;     /* 1 + the line the last docview_find matched; 0 for none */
};

/* Replaces the document (takes ownership of d's contents; d is left empty). Keeps the
 * selection on the same id when it still exists. */
void docview_set(struct docview *v, struct doc *d);
/* Draws into rect; lines wider than the rect are cut with an ellipsis. */
void docview_draw(struct docview *v, struct term *t, struct rect r);
/* Movement actions (UP, DOWN, PAGE_*, HOME, END); returns true when handled. */
bool docview_action(struct docview *v, enum ui_action a, int page_rows);
/* Selects the next/previous line containing needle (case-insensitive); wraps around.
 * Returns false when nothing matches. */
bool docview_find(struct docview *v, const char *needle, bool forward);
/* A click at row y inside rect r: selects that line; returns true when it hit one. */
bool docview_click(struct docview *v, struct rect r, int y);
void docview_scroll(struct docview *v, int lines, int page_rows); /* mouse wheel */
/* The id of the selected line, or -1. */
int docview_selected_id(const struct docview *v);
void docview_free(struct docview *v);

#endif
