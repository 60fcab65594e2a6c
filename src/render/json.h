/* The machine-readable renderer: one report as one JSON document (schema: docs/json.md). */
#ifndef TLSCOPE_RENDER_JSON_H
#define TLSCOPE_RENDER_JSON_H

#include <stdbool.h>

#include "model/report.h"

/* "tlscope JSON format version": bumped on any incompatible change to docs/json.md. */
#define JSON_FORMAT_VERSION 1

/* Returns the report as one JSON document (malloc'ed, caller frees), pretty-printed with
 * 2-space indent when pretty, on one line otherwise; both end with one '\n'. Keys come in the
 * documented order and every documented key is always present (null when it does not apply).
 * Every string is valid UTF-8 (strings the model got wrong are repaired with utf8_repair);
 * control characters, DEL, C1 controls, U+2028/U+2029 and bidi controls are written as \uXXXX
 * escapes, so the document is safe to print to a terminal and parses back to the exact model
 * strings. Never returns NULL (out of memory aborts, as in util/mem.h). */
char *json_render_report(const struct report *r, bool pretty);

#endif
