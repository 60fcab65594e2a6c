/* Private to the wire codec: the bounds-checked reader and the message-level parsing steps
 * shared by the parsers (wire.c) and the detail view (wire_describe.c). */
#ifndef TLSCOPE_WIRE_WIRE_INTERNAL_H
#define TLSCOPE_WIRE_WIRE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/wire.h"
#include "util/mem.h"

/* ---- reader: a window [p, p+n) and a cursor; every read checks what is left ------------- */

struct rd {
    const uint8_t *p;
    size_t n;
    size_t off;
};

static inline size_t rd_left(const struct rd *r)
{
    return r->n - r->off;
}

static inline bool rd_bytes(struct rd *r, size_t len, const uint8_t **out)
{
    if (len > rd_left(r))
        return false;
    if (out)
        *out = r->p + r->off;
    r->off += len;
    return true;
}

static inline bool rd_uint(struct rd *r, size_t width, uint32_t *v)
{
    const uint8_t *b;
    if (!rd_bytes(r, width, &b))
        return false;
    uint32_t x = 0;
    for (size_t i = 0; i < width; i++)
        x = (x << 8) | b[i];
    *v = x;
    return true;
}

static inline bool rd_u8(struct rd *r, uint8_t *v)
{
    uint32_t x;
    if (!rd_uint(r, 1, &x))
        return false;
    *v = (uint8_t)x;
    return true;
}

static inline bool rd_u16(struct rd *r, uint16_t *v)
{
    uint32_t x;
    if (!rd_uint(r, 2, &x))
        return false;
    *v = (uint16_t)x;
    return true;
}

/* Reads a vector with a width-byte length prefix; sub covers exactly its contents. */
static inline bool rd_vec(struct rd *r, size_t width, struct rd *sub)
{
    uint32_t len;
    const uint8_t *b;
    if (!rd_uint(r, width, &len) || !rd_bytes(r, len, &b))
        return false;
    sub->p = b;
    sub->n = len;
    sub->off = 0;
    return true;
}

/* A vector of 16-bit values: length prefix of width bytes, even, at least min entries. */
static inline bool rd_u16_list(struct rd *r, size_t width, size_t min, uint16_t **items,
                               size_t *count)
{
    struct rd v;
    if (!rd_vec(r, width, &v) || v.n % 2 != 0 || v.n / 2 < min || v.n / 2 > WIRE_LIST_MAX)
        return false;
    *count = v.n / 2;
    *items = xmalloc(*count * sizeof(**items) + 1);
    for (size_t i = 0; i < *count; i++)
        rd_u16(&v, &(*items)[i]);
    return true;
}

/* DistinguishedName authorities<3..2^16-1>, each opaque DistinguishedName<1..2^16-1>. */
static inline bool rd_dn_list(struct rd *r, struct wire_span **names, size_t *n)
{
    struct rd list;
    size_t cap = 0;
    if (!rd_vec(r, 2, &list))
        return false;
    while (rd_left(&list) > 0) {
        struct rd dn;
        if (!rd_vec(&list, 2, &dn) || dn.n == 0 || *n >= WIRE_LIST_MAX)
            return false;
        xgrow((void **)names, &cap, *n + 1, sizeof(**names));
        (*names)[*n].data = dn.p;
        (*names)[(*n)++].len = dn.n;
    }
    return true;
}

static inline struct rd ext_reader(const struct wire_ext *e)
{
    struct rd r = {e->body.data, e->body.len, 0};
    return r;
}

/* ---- message-level steps (wire.c) ----------------------------------------------------- */

/* Each returns 0, or -1 with *why (when why is not NULL) set to a static reason. */
/* The body of one handshake message of type want (-1: any). n must be exactly the message. */
int wire_open_message(const uint8_t *msg, size_t n, int want, struct rd *body, const char **why);

/* Reads an extensions block (u16 length, then type/length/body entries) that must end the
 * message body. Spans point into r's bytes. */
int wire_parse_ext_block(struct rd *r, struct wire_ext **exts, size_t *n_exts, const char **why);

/* Parses a ClientHello or ServerHello (type) into h, owned and freed exactly as described for
 * wire_parse_client_hello. */
int wire_parse_hello(const uint8_t *msg, size_t n, uint8_t type, struct wire_hello *h,
                     const char **why);

#endif
