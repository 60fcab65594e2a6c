/* A comparison of two connections, fact by fact: what compare/diff.c finds and
 * render/diff.c shows. Plain data; every string is owned by the diff. */
#ifndef TLSCOPE_MODEL_DIFF_H
#define TLSCOPE_MODEL_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strlist.h"

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

void diff_free(struct diff *d);

#endif
