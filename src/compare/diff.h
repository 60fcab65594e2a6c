/* Comparing two connections: which facts changed between two reports (protocol, cipher,
 * group, ALPN, verification errors, chain, findings, timing, ...). Works on the JSON form of
 * a report, so the UI (two live reports) and `tlscope --json --diff A.json B.json` (two saved
 * documents) share one implementation and one list of facts. */
#ifndef TLSCOPE_COMPARE_DIFF_H
#define TLSCOPE_COMPARE_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "model/diff.h"
#include "model/report.h"

/* Timing counts as changed only when total_ms differs by more than 20% and more than 2 ms:
 * smaller differences are noise on any real network.
 * Compares two JSON report documents (as printed by --json). Returns 0, or -1 with a message
 * naming the document that is not a tlscope report (and where, for a JSON syntax error). */
int diff_json(const char *a, const char *b, struct diff *out, char *err, size_t errlen);
/* Compares two reports (renders both to JSON and calls diff_json). */
int diff_reports(const struct report *a, const struct report *b, struct diff *out);

#endif
