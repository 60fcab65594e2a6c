/* "Did you mean": the nearest word by edit distance, for unknown keys, flags and names. */
#ifndef TLSCOPE_UTIL_SUGGEST_H
#define TLSCOPE_UTIL_SUGGEST_H

#include <stddef.h>

/* Optimal string alignment distance (a swap of two neighbours counts as one edit),
 * case-insensitive. Strings longer than 128 bytes count as very far. */
size_t suggest_distance(const char *a, const char *b);
/* The candidate nearest to word, or NULL when none is within max(2, len/3) edits. */
const char *suggest_nearest(const char *word, const char *const *candidates, size_t n);

#endif
