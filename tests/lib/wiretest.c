/* The helpers of wiretest.h: the tiny writer and the name/value lookups. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/wiretest.h"

void wbuf_u8(struct wbuf *w, unsigned v)
{
    assert_true(w->n < sizeof(w->b));
    w->b[w->n++] = (uint8_t)v;
}

void wbuf_u16(struct wbuf *w, unsigned v)
{
    wbuf_u8(w, v >> 8);
    wbuf_u8(w, v & 0xff);
}

void wbuf_bytes(struct wbuf *w, const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        wbuf_u8(w, ((const uint8_t *)p)[i]);
}

/* Opens a length-prefixed block of width bytes; wbuf_close patches the length in. */
void wbuf_open(struct wbuf *w, size_t width)
{
    w->marks[w->depth++] = w->n | (width << 24);
    for (size_t i = 0; i < width; i++)
        wbuf_u8(w, 0);
}

void wbuf_close(struct wbuf *w)
{
    size_t m = w->marks[--w->depth], width = m >> 24, at = m & 0xffffff;
    size_t len = w->n - at - width;
    for (size_t i = 0; i < width; i++)
        w->b[at + i] = (uint8_t)(len >> (8 * (width - 1 - i)));
}

/* A ClientHello header up to (not including) the extensions block. */
void wbuf_ch_start(struct wbuf *w)
{
    static const uint8_t random[32] = {0};
    memset(w, 0, sizeof(*w));
    wbuf_u8(w, 1);
    wbuf_open(w, 3);
    wbuf_u16(w, 0x0303);
    wbuf_bytes(w, random, 32);
    wbuf_u8(w, 0);
    wbuf_u16(w, 2);
    wbuf_u16(w, 0x1301);
    wbuf_u8(w, 1);
    wbuf_u8(w, 0);
}

const struct name_value *wiretest_nv_find(const struct name_value *nv, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(nv[i].name, name) == 0)
            return &nv[i];
    return NULL;
}

void wiretest_assert_nv(const struct name_value *nv, size_t n, const char *name, const char *value)
{
    const struct name_value *e = wiretest_nv_find(nv, n, name);
    if (!e)
        fail_msg("no field \"%s\"", name);
    assert_string_equal(e->value, value);
}
