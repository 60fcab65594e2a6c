/* A growable list of owned C strings. The list owns every item: strlist_push copies,
 * strlist_take hands an already-allocated string over, strlist_free frees them all. */
#ifndef TLSCOPE_UTIL_STRLIST_H
#define TLSCOPE_UTIL_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

struct strlist {
    char **items;
    size_t len;
    size_t cap;
};

void strlist_push(struct strlist *l, const char *s);
void strlist_take(struct strlist *l, char *s);
bool strlist_contains(const struct strlist *l, const char *s);
/* Splits s on any of the separator characters, trimming blanks, skipping empty items. */
void strlist_split(struct strlist *l, const char *s, const char *seps);
/* Joins the items with sep into a new string (caller frees); "" for an empty list. */
char *strlist_join(const struct strlist *l, const char *sep);
void strlist_copy(struct strlist *dst, const struct strlist *src);
void strlist_clear(struct strlist *l);
void strlist_free(struct strlist *l);

#endif
