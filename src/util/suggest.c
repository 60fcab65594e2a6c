/* Edit distance and nearest-candidate suggestions. */
#include "util/suggest.h"

#include <ctype.h>
#include <string.h>

#define SUGGEST_MAX_LEN 128

size_t suggest_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > SUGGEST_MAX_LEN || m > SUGGEST_MAX_LEN)
        return (size_t)-1;
    static const size_t W = SUGGEST_MAX_LEN + 1;
    size_t d[(SUGGEST_MAX_LEN + 1) * (SUGGEST_MAX_LEN + 1)];
    for (size_t i = 0; i <= n; i++)
        d[i * W] = i;
    for (size_t j = 0; j <= m; j++)
        d[j] = j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            size_t cost = ca != cb;
            size_t best = d[(i - 1) * W + j] + 1;
            if (d[i * W + j - 1] + 1 < best)
                best = d[i * W + j - 1] + 1;
            if (d[(i - 1) * W + j - 1] + cost < best)
                best = d[(i - 1) * W + j - 1] + cost;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && d[(i - 2) * W + j - 2] + 1 < best)
                best = d[(i - 2) * W + j - 2] + 1;
            d[i * W + j] = best;
        }
    }
    return d[n * W + m];
}

const char *suggest_nearest(const char *word, const char *const *candidates, size_t n)
{
    size_t len = strlen(word);
    size_t limit = len / 3 > 2 ? len / 3 : 2;
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t d = suggest_distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best_d <= limit ? best : NULL;
}
