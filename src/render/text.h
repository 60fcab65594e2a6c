/* The plain-text renderer: a report as readable text for a person without the UI (and the
 * UI's "Raw" pane). */
#ifndef TLSCOPE_RENDER_TEXT_H
#define TLSCOPE_RENDER_TEXT_H

#include "model/report.h"

/* The whole report as plain text (malloc'ed, caller frees; never NULL), in sections: Target,
 * Result, Connection, Verification, Certificates, Handshake, Offered, Settings in effect,
 * Findings, Timing. Sections with nothing to show are left out (Target, Result and Timing
 * are always there).
 * Every value passes through sanitize_terminal (util/sanitize.h), so the text holds no control
 * character but '\n'. Lines are "  label         value"; values longer than the line are
 * word-wrapped at width columns (counted in code points) with the continuation aligned under
 * the value. width <= 0 disables wrapping; smaller widths are raised to 40. */
char *text_render_report(const struct report *r, int width);

/* One address tried, as a line for people (the text report's "tried", the Summary pane's
 * "addresses"): "[::1]  abandoned (another address answered first) · 251.0 ms". Not sanitised
 * (callers do that where they print). Returns a new string. */
char *text_addr_attempt(const struct addr_attempt *a);

#endif
