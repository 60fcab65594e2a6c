/* The compare screen (d on a result): what changed between an earlier connection of this run
 * and the current one, fact by fact. */
#ifndef TLSCOPE_UI_DIFF_SCREEN_H
#define TLSCOPE_UI_DIFF_SCREEN_H

struct ui;
struct screen;
struct doc;

/* Compares the visits numbered old_seq and new_seq; NULL (with a status message) when they
 * cannot be compared. */
struct screen *diff_screen_new(struct ui *ui, unsigned old_seq, unsigned new_seq);
/* The compare screen's keys, for the help overlay. */
void diff_screen_help(struct doc *d);

#endif
