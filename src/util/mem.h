/* Allocation helpers: every allocation in tlscope goes through these, so an out-of-memory
 * condition ends the process with a message instead of a NULL dereference later. */
#ifndef TLSCOPE_UTIL_MEM_H
#define TLSCOPE_UTIL_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows *items (element size elem) so that it holds at least need elements; *cap is updated. */
void xgrow(void **items, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);            /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n); /* copies at most n bytes, always terminates */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
