/* Comparing two scan reports (tlscope --scan --json): what the server accepts now that it did
 * not before, and the reverse — protocols, cipher suites per version, groups, signature
 * algorithms, certificates — plus features that changed and findings that came or went. The
 * UI's `d` on a Scan screen and `tlscope --diff A.json B.json` share it. */
#ifndef TLSCOPE_COMPARE_SCAN_DIFF_H
#define TLSCOPE_COMPARE_SCAN_DIFF_H

#include <stdbool.h>

#include "util/strlist.h"

struct scan_diff {
    struct strlist now;     /* accepted in B, not in A: "TLSv1.2 TLS_ECDHE_...", "group x25519" */
    struct strlist before;  /* accepted in A, not in B */
    struct strlist changed; /* "compression: true -> false" */
    struct strlist findings_now; /* finding ids in B only */
    struct strlist findings_gone;
};

/* True when doc parses as a tlscope scan report (has a "scan" object). */
bool scan_diff_is_scan(const char *doc);
/* Compares two scan report documents. Returns 0, or -1 with a message starting "A: " or "B: "
 * naming the document that is not a scan report. */
int scan_diff_json(const char *a, const char *b, struct scan_diff *out, char *err, size_t errlen);
/* Number of differences. */
unsigned scan_diff_count(const struct scan_diff *d);
/* "+ ..." / "- ..." / "~ ..." lines (not sanitised: the caller's output gate does that), or
 * one JSON document {accepted_now, accepted_before, changed, findings_now, findings_gone}. */
char *scan_diff_render(const struct scan_diff *d, bool json, bool pretty);
void scan_diff_free(struct scan_diff *d);

#endif
