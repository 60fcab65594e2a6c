/* Owned string lists. */
#include "util/strlist.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

void strlist_take(struct strlist *l, char *s)
{
    xgrow((void **)&l->items, &l->cap, l->len + 1, sizeof(*l->items));
    l->items[l->len++] = s;
}

void strlist_push(struct strlist *l, const char *s)
{
    strlist_take(l, xstrdup(s ? s : ""));
}

bool strlist_contains(const struct strlist *l, const char *s)
{
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(l->items[i], s) == 0)
            return true;
    return false;
}

void strlist_split(struct strlist *l, const char *s, const char *seps)
{
    if (!s)
        return;
    while (*s) {
        size_t n = strcspn(s, seps);
        const char *b = s, *e = s + n;
        while (b < e && (*b == ' ' || *b == '\t'))
            b++;
        while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e > b)
            strlist_take(l, xstrndup(b, (size_t)(e - b)));
        s += n;
        if (*s)
            s++;
    }
}

char *strlist_join(const struct strlist *l, const char *sep)
{
    size_t total = 1, seplen = strlen(sep);
    for (size_t i = 0; i < l->len; i++)
        total += strlen(l->items[i]) + (i ? seplen : 0);
    char *out = xmalloc(total), *p = out;
    for (size_t i = 0; i < l->len; i++) {
        if (i) {
            memcpy(p, sep, seplen);
            p += seplen;
        }
        size_t n = strlen(l->items[i]);
        memcpy(p, l->items[i], n);
        p += n;
    }
    *p = '\0';
    return out;
}

void strlist_copy(struct strlist *dst, const struct strlist *src)
{
    for (size_t i = 0; i < src->len; i++)
        strlist_push(dst, src->items[i]);
}

void strlist_clear(struct strlist *l)
{
    for (size_t i = 0; i < l->len; i++)
        free(l->items[i]);
    l->len = 0;
}

void strlist_free(struct strlist *l)
{
    strlist_clear(l);
    free(l->items);
    l->items = NULL;
    l->cap = 0;
}
