/* The profile editor screen (`e`): every settings key as a form row, checked as the person
 * leaves it; Connect with the edited settings (the screen below shows the result), saving. */
#ifndef TLSCOPE_UI_EDITOR_H
#define TLSCOPE_UI_EDITOR_H

#include "ui/connect.h"

struct ui;
struct screen;

extern const struct screen_ops editor_screen_ops;

/* The editor for profile (a trailing " (edited)" is ignored) whose Connect goes to target.
 * cfg: the settings of the result it is opened on (NULL from the home screen): a result made
 * from flags alone opens those settings ("from the command line"), one made from a profile
 * plus flags that changed something its effective settings ("profile X + flags"). kept: the
 * editor last left by the caller (taken: reused when it holds the same settings, so their
 * edits stay; else freed). NULL, with a status message, when there is nothing to edit. */
struct screen *editor_screen_open(struct ui *ui, const char *profile,
                                  const struct ui_target *target, const struct tls_config *cfg,
                                  struct screen *kept);

#endif
