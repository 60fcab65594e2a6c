/* Comparing two connections: which facts changed between two reports (protocol, cipher,
 * group, ALPN, verification errors, chain, findings, timing, ...). Works on the JSON form of
 * a report, so the UI (two live reports) and `tlscope --json --diff A.json B.json` (two saved
 * documents) share one implementation and one list of facts. */
#ifndef TLSCOPE_OUT_DIFF_H
#define TLSCOPE_OUT_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "model/report.h"

struct diff_item {
    const char *fact;  /* stable id: "protocol", "cipher", "verify_errors", "findings", ... */
    const char *label; /* for people: "protocol", "cipher", "verification errors" */
    char *old_value;   /* text of the fact in A ("" when absent); sanitised by renderers */
    char *new_value;   /* text in B */
    bool changed;
    /* For set-like facts (verification errors, findings, chain, extensions): what B added and
     * what it dropped, one entry each without a +/- mark ("medium  TLS 1.2 chosen"; the
     * renderers add the mark); empty otherwise. old/new then hold counts ("2 certificates"). */
    struct strlist added, removed;
    /* A set fact with more members on a side than were compared (the first 512 per side, or
     * the 64 certificates a report keeps); old/new then say so: "600 errors (first 512
     * compared)". */
    bool truncated;
};

struct diff {
    struct diff_item *items; /* every compared fact, in a fixed order; changed or not */
    size_t n;
    size_t n_changed;
};

/* Timing counts as changed only when total_ms differs by more than 20% and more than 2 ms:
 * smaller differences are noise on any real network.
 * Compares two JSON report documents (as printed by --json). Returns 0, or -1 with a message
 * naming the document that is not a tlscope report (and where, for a JSON syntax error). */
int diff_json(const char *a, const char *b, struct diff *out, char *err, size_t errlen);
/* Compares two reports (renders both to JSON and calls diff_json). */
int diff_reports(const struct report *a, const struct report *b, struct diff *out);
void diff_free(struct diff *d);

/* The diff as JSON ({"changed": [...], "unchanged": [...]}) or as text lines
 * ("  protocol     TLSv1.3  →  TLSv1.2"); all_facts adds the unchanged ones. Caller frees. */
char *diff_render_json(const struct diff *d, bool pretty);
char *diff_render_text(const struct diff *d, bool all_facts, int width);

#endif
