/* Renderers of a scan report (scan/scan_report.h): one JSON document (schema: docs/json.md,
 * "Scan reports") and plain text for people. */
#ifndef TLSCOPE_RENDER_SCAN_H
#define TLSCOPE_RENDER_SCAN_H

#include <stdbool.h>

#include "scan/scan_report.h"

/* The scan as one JSON document, like json_render_report (pretty or one line, safe to print,
 * every documented key present). Never NULL; caller frees. */
char *scan_render_json(const struct scan_report *r, bool pretty);
/* The scan as text: Target, Protocols, Cipher suites per version (server order marked),
 * Groups, Signature algorithms, Certificates, Features, Findings (with their evidence probe
 * and fix), Scan (probes, connections, time, throttling). Every peer string passes
 * sanitize_terminal. Never NULL; caller frees. */
char *scan_render_text(const struct scan_report *r);
/* One probe's evidence for a person: what was sent and answered, decoded and in hex. */
char *scan_render_probe(const struct scan_report *r, int probe);

#endif
