/* Past connection targets for the home screen's host line: newest first, at most
 * HISTORY_MAX entries, kept in $XDG_STATE_HOME/tlscope/history (fallback
 * ~/.local/state/tlscope/history), one target a line, replaced atomically on every change. */
#ifndef TLSCOPE_UI_HISTORY_H
#define TLSCOPE_UI_HISTORY_H

#include <stddef.h>

#include "util/strlist.h"

#define HISTORY_MAX       100
#define HISTORY_ENTRY_MAX 255 /* longer lines in the file are skipped */

/* The history file's path (caller frees), or NULL when neither XDG_STATE_HOME nor HOME is
 * usable. */
char *history_path(void);
/* Reads path into out (cleared first): newest first, duplicates and lines that are empty,
 * too long or hold control characters dropped. A missing file is an empty history (0).
 * Returns 0, or -1 with err when the file exists but cannot be read. */
int history_load(const char *path, struct strlist *out, char *err, size_t errlen);
/* Moves entry to the front of h (adding it when new), drops the oldest past HISTORY_MAX, and
 * writes the list to path (its directory created 0700, the file 0600, atomically). h is
 * updated even when the write fails. Returns 0, or -1 with err. */
int history_add(const char *path, struct strlist *h, const char *entry, char *err, size_t errlen);

#endif
