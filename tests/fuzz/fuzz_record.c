/* libFuzzer target for the record reader (wire/record.h) and the ServerHello/HRR parser.
 *
 * Input: one control byte, then the bytes a server sends. The control byte picks the reader's
 * message limit (low 2 bits) and how the bytes arrive (the other 6): 63 means as much as fits
 * at once, anything else pieces of 1 to 4k+1 bytes in a pattern seeded by the byte. Every item
 * taken is checked (a handshake item is one whole message within the limit, an alert two
 * bytes ...); each handshake message of type 2 goes through wire_parse_server_hello (and of
 * type 1 through wire_parse_client_hello). The same bytes are then read again in one piece:
 * the items and the end state must not depend on how the bytes were cut. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/record.h"
#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ITEMS_MAX 512 /* items compared between the two reads (more are read, not compared) */

struct digest {
    enum wire_item_kind kind;
    uint8_t content_type;
    uint16_t record_version;
    size_t len;
    uint32_t hash; /* FNV-1a of the item's data */
    uint8_t alert_level, alert_desc;
};

struct outcome {
    struct digest items[ITEMS_MAX];
    size_t n;        /* items seen (may exceed ITEMS_MAX) */
    bool failed;     /* the reader refused the input */
    size_t pending;  /* bytes left over at the end */
    const char *why; /* its reason */
};

static uint32_t fnv(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void check_item(const struct wire_reader *r, const struct wire_item *it)
{
    switch (it->kind) {
    case WIRE_ITEM_HANDSHAKE: {
        if (it->len < 4 || it->len > r->msg_max || it->records < 1)
            abort();
        size_t body = (size_t)it->data[1] << 16 | (size_t)it->data[2] << 8 | it->data[3];
        if (it->len != 4 + body || it->content_type != WIRE_CT_HANDSHAKE)
            abort();
        struct wire_hello h;
        const char *why = NULL;
        if (it->data[0] == WIRE_HS_SERVER_HELLO) {
            if (wire_parse_server_hello(it->data, it->len, &h, &why) == 0) {
                if (h.n_ciphers != 1 || h.n_compressions != 1 || h.raw_len != it->len)
                    abort();
                if (h.is_hello_retry_request && memcmp(h.random, wire_hrr_random, 32) != 0)
                    abort();
                wire_hello_free(&h);
            } else if (!why || h.raw || h.exts) {
                abort(); /* a failure says why and owns nothing */
            }
        } else if (it->data[0] == WIRE_HS_CLIENT_HELLO) {
            if (wire_parse_client_hello(it->data, it->len, &h, &why) == 0)
                wire_hello_free(&h);
            else if (!why)
                abort();
        }
        break;
    }
    case WIRE_ITEM_ALERT:
        if (it->len != 2 || it->content_type != WIRE_CT_ALERT || it->data[0] != it->alert_level ||
            it->data[1] != it->alert_desc)
            abort();
        break;
    case WIRE_ITEM_CCS:
        if (it->len != 1 || it->data[0] != 1)
            abort();
        break;
    case WIRE_ITEM_RECORD:
        if (it->len > WIRE_RECORD_BODY_MAX || it->content_type < WIRE_CT_APPLICATION_DATA)
            abort();
        break;
    case WIRE_ITEM_SSL2:
        if (it->len < 3 || it->len > WIRE_RECORD_BODY_MAX)
            abort();
        break;
    default: abort();
    }
}

/* Takes every item the reader can give; false once it failed. */
static bool take(struct wire_reader *r, struct outcome *o)
{
    struct wire_item it;
    int rc;
    while ((rc = wire_reader_next(r, &it)) > 0) {
        check_item(r, &it);
        if (o->n < ITEMS_MAX)
            o->items[o->n] = (struct digest){it.kind,      it.content_type,      it.record_version,
                                             it.len,       fnv(it.data, it.len), it.alert_level,
                                             it.alert_desc};
        o->n++;
    }
    if (rc < 0) {
        if (!r->failed || !r->why || wire_reader_next(r, &it) != -1)
            abort(); /* a failed reader stays failed, with its reason */
        o->failed = true;
        o->why = r->why;
        return false;
    }
    return true;
}

/* Reads data in pieces (piece_max 0: as much as fits at once). */
static void read_all(const uint8_t *data, size_t size, size_t msg_max, uint32_t seed,
                     size_t piece_max, struct outcome *o)
{
    static struct wire_reader r; /* ~36 KB: not on the stack */
    memset(o, 0, sizeof(*o));
    wire_reader_init(&r, msg_max);
    size_t off = 0;
    uint32_t x = seed | 1;
    int stalls = 0;
    while (off < size) {
        size_t want = size - off;
        if (piece_max) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5; /* xorshift32 */
            size_t piece = 1 + x % piece_max;
            want = want < piece ? want : piece;
        }
        size_t got = wire_reader_feed(&r, data + off, want);
        off += got;
        if (!take(&r, o))
            break;
        if (got == 0 && ++stalls > 2)
            abort(); /* the reader took every item and still has no room */
        if (got)
            stalls = 0;
    }
    if (!o->failed && wire_reader_pending(&r) > size)
        abort();
    o->pending = o->failed ? 0 : wire_reader_pending(&r);
    wire_reader_free(&r);
}

static bool same(const struct digest *a, const struct digest *b)
{
    return a->kind == b->kind && a->content_type == b->content_type &&
           a->record_version == b->record_version && a->len == b->len && a->hash == b->hash &&
           a->alert_level == b->alert_level && a->alert_desc == b->alert_desc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const size_t limits[] = {4, 64, 4 + 16384, 65536};
    size_t msg_max = limits[data[0] & 3];
    size_t mode = data[0] >> 2;
    static struct outcome cut, whole;
    read_all(data + 1, size - 1, msg_max, 0x9e3779b9u * (data[0] + 1u),
             mode == 63 ? 0 : 4 * mode + 1, &cut);
    read_all(data + 1, size - 1, msg_max, 0, 0, &whole);
    if (cut.n != whole.n || cut.failed != whole.failed || cut.pending != whole.pending ||
        cut.why != whole.why)
        abort(); /* the cut changed what was read */
    for (size_t i = 0; i < cut.n && i < ITEMS_MAX; i++)
        if (!same(&cut.items[i], &whole.items[i]))
            abort();
    return 0;
}
