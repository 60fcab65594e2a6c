/* A comparison of two connections (diff.h). */
#include "model/diff.h"

#include <stdlib.h>
#include <string.h>

void diff_free(struct diff *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].old_value);
        free(d->items[i].new_value);
        strlist_free(&d->items[i].added);
        strlist_free(&d->items[i].removed);
    }
    free(d->items);
    memset(d, 0, sizeof(*d));
}
