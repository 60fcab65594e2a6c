/* Rendering a comparison of two connections (model/diff.h, made by compare/diff.h). */
#ifndef TLSCOPE_RENDER_DIFF_H
#define TLSCOPE_RENDER_DIFF_H

#include <stdbool.h>

#include "model/diff.h"

/* The diff as JSON ({"changed": [...], "unchanged": [...]}) or as text lines
 * ("  protocol     TLSv1.3  →  TLSv1.2"); all_facts adds the unchanged ones. Caller frees. */
char *diff_render_json(const struct diff *d, bool pretty);
char *diff_render_text(const struct diff *d, bool all_facts, int width);

#endif
