/* The result screen: title, verdict, weakened-verification warning, the pane tabs and the
 * pane; from it `e` opens the editor, `d` the compare screen, `p` the profile picker. */
#ifndef TLSCOPE_UI_RESULT_H
#define TLSCOPE_UI_RESULT_H

#include "ui/connect.h"

struct ui;
struct screen;

extern const struct screen_ops result_screen_ops;

/* A result screen for a finished connection (takes res->cfg's contents). editor: an editor
 * kept for `e` (taken), or NULL. */
struct screen *result_screen_new(struct ui *ui, struct dial_result *res, struct screen *editor);

#endif
