/* The bounded record reader (see record.h). */
#include "wire/record.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

void wire_reader_init(struct wire_reader *r, size_t msg_max)
{
    /* every field but the byte buffer, which needs no clearing */
    r->start = r->end = 0;
    r->in_record = false;
    r->rec_at = r->frag_len = r->frag_off = 0;
    r->rec_type = 0;
    r->rec_version = 0;
    r->msg = NULL;
    r->msg_len = r->msg_cap = r->msg_need = 0;
    r->msg_max = msg_max < 4 ? 4 : msg_max;
    r->msg_records = 0;
    r->msg_done = false;
    r->records = 0;
    r->failed = false;
    r->why = NULL;
}

void wire_reader_free(struct wire_reader *r)
{
    free(r->msg);
    r->msg = NULL;
    r->msg_len = r->msg_cap = 0;
}

static int fail(struct wire_reader *r, const char *why)
{
    r->failed = true;
    r->why = why;
    return -1;
}

uint8_t *wire_reader_space(struct wire_reader *r, size_t *room)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        if (r->in_record)
            r->rec_at -= r->start;
        r->end -= r->start;
        r->start = 0;
    }
    *room = sizeof(r->buf) - r->end;
    return r->buf + r->end;
}

void wire_reader_commit(struct wire_reader *r, size_t n)
{
    size_t room = sizeof(r->buf) - r->end;
    r->end += n < room ? n : room;
}

size_t wire_reader_feed(struct wire_reader *r, const uint8_t *data, size_t n)
{
    size_t room;
    uint8_t *space = wire_reader_space(r, &room);
    size_t take = n < room ? n : room;
    memcpy(space, data, take);
    wire_reader_commit(r, take);
    return take;
}

size_t wire_reader_pending(const struct wire_reader *r)
{
    size_t n = r->end - r->start;
    if (r->in_record)
        n -= WIRE_RECORD_HEADER + r->frag_off;
    return n + (r->msg_done ? 0 : r->msg_len);
}

static uint32_t be(const uint8_t *p, size_t width)
{
    uint32_t v = 0;
    for (size_t i = 0; i < width; i++)
        v = (v << 8) | p[i];
    return v;
}

/* Opens the next complete record: 1, 0 (need more) or -1. */
static int open_record(struct wire_reader *r, struct wire_item *it)
{
    size_t avail = r->end - r->start;
    const uint8_t *p = r->buf + r->start;
    if (avail == 0)
        return 0;
    if (r->records == 0 && (p[0] & 0x80)) {
        /* SSLv2: a 2-byte header with the high bit set, then the body */
        if (avail < 2)
            return 0;
        size_t len = be(p, 2) & 0x7fff;
        if (len < 3 || len > WIRE_RECORD_BODY_MAX)
            return fail(r, "SSLv2 record of impossible length");
        if (avail < 2 + len)
            return 0;
        memset(it, 0, sizeof(*it));
        it->kind = WIRE_ITEM_SSL2;
        it->record_version = 0x0002;
        it->data = p + 2;
        it->len = len;
        it->records = 1;
        r->start += 2 + len;
        r->records++;
        return 2;
    }
    if (avail < WIRE_RECORD_HEADER)
        return 0;
    uint8_t type = p[0];
    if (type < WIRE_CT_CHANGE_CIPHER_SPEC || type > WIRE_CT_HEARTBEAT)
        return fail(r, "not a TLS record: unknown content type");
    if (p[1] != 3)
        return fail(r, "not a TLS record: the version's major byte is not 3");
    size_t len = be(p + 3, 2);
    if (len > WIRE_RECORD_BODY_MAX)
        return fail(r, "record longer than 2^14 + 2048 bytes");
    if (len == 0 && type != WIRE_CT_APPLICATION_DATA)
        return fail(r, "empty record of a type that must carry data");
    if (avail < WIRE_RECORD_HEADER + len)
        return 0;
    if (r->msg_len > 0 && !r->msg_done && type != WIRE_CT_HANDSHAKE)
        return fail(r, "a record of another type came in the middle of a handshake message");
    if (type == WIRE_CT_ALERT && len % 2 != 0)
        return fail(r, "alert record of odd length");
    if (type == WIRE_CT_CHANGE_CIPHER_SPEC && (len != 1 || p[WIRE_RECORD_HEADER] != 1))
        return fail(r, "malformed ChangeCipherSpec");
    r->in_record = true;
    r->rec_at = r->start;
    r->frag_len = len;
    r->frag_off = 0;
    r->rec_type = type;
    r->rec_version = (uint16_t)be(p + 1, 2);
    r->records++;
    return 1;
}

static void close_record(struct wire_reader *r)
{
    r->start = r->rec_at + WIRE_RECORD_HEADER + r->frag_len;
    r->in_record = false;
}

static void item_from_record(const struct wire_reader *r, struct wire_item *it,
                             enum wire_item_kind kind)
{
    memset(it, 0, sizeof(*it));
    it->kind = kind;
    it->content_type = r->rec_type;
    it->record_version = r->rec_version;
    it->records = 1;
}

/* Appends up to the end of the message being reassembled; 1 when it is complete. */
static int reassemble(struct wire_reader *r, const uint8_t *frag, size_t left, size_t *used)
{
    size_t want = r->msg_len < 4 ? 4 - r->msg_len : r->msg_need - r->msg_len;
    size_t take = left < want ? left : want;
    xgrow((void **)&r->msg, &r->msg_cap, r->msg_len + take, 1);
    memcpy(r->msg + r->msg_len, frag, take);
    r->msg_len += take;
    *used = take;
    if (r->msg_len == 4 && r->msg_need == 0) {
        r->msg_need = 4 + (size_t)be(r->msg + 1, 3);
        if (r->msg_need > r->msg_max)
            return fail(r, "handshake message longer than the limit");
    }
    return r->msg_len >= 4 && r->msg_len == r->msg_need ? 1 : 0;
}

static int next_handshake(struct wire_reader *r, struct wire_item *it)
{
    const uint8_t *frag = r->buf + r->rec_at + WIRE_RECORD_HEADER + r->frag_off;
    size_t left = r->frag_len - r->frag_off;
    if (r->msg_len == 0 && left >= 4) {
        size_t total = 4 + (size_t)be(frag + 1, 3);
        if (total > r->msg_max)
            return fail(r, "handshake message longer than the limit");
        if (left >= total) { /* the common case: the message lies within this record */
            item_from_record(r, it, WIRE_ITEM_HANDSHAKE);
            it->data = frag;
            it->len = total;
            r->frag_off += total;
            return 1;
        }
    }
    if (r->msg_len == 0)
        r->msg_records = 0;
    size_t used = 0;
    int done = reassemble(r, frag, left, &used);
    if (done < 0)
        return -1;
    r->frag_off += used;
    if (r->frag_off == r->frag_len || done)
        r->msg_records++;
    if (!done)
        return 0;
    item_from_record(r, it, WIRE_ITEM_HANDSHAKE);
    it->data = r->msg;
    it->len = r->msg_len;
    it->records = r->msg_records;
    r->msg_done = true;
    return 1;
}

int wire_reader_next(struct wire_reader *r, struct wire_item *it)
{
    if (r->failed)
        return -1;
    if (r->msg_done) {
        r->msg_done = false;
        r->msg_len = r->msg_need = 0;
        r->msg_records = 0;
    }
    for (;;) {
        if (!r->in_record) {
            int rc = open_record(r, it);
            if (rc <= 0)
                return rc;
            if (rc == 2)
                return 1; /* SSLv2 */
        }
        if (r->frag_off == r->frag_len) {
            close_record(r);
            continue;
        }
        const uint8_t *frag = r->buf + r->rec_at + WIRE_RECORD_HEADER;
        switch (r->rec_type) {
        case WIRE_CT_HANDSHAKE: {
            int rc = next_handshake(r, it);
            if (rc != 0)
                return rc;
            continue; /* the record is used up: on to the next */
        }
        case WIRE_CT_ALERT:
            item_from_record(r, it, WIRE_ITEM_ALERT);
            it->data = frag + r->frag_off;
            it->len = 2;
            it->alert_level = frag[r->frag_off];
            it->alert_desc = frag[r->frag_off + 1];
            r->frag_off += 2;
            return 1;
        case WIRE_CT_CHANGE_CIPHER_SPEC:
            item_from_record(r, it, WIRE_ITEM_CCS);
            it->data = frag;
            it->len = 1;
            r->frag_off = r->frag_len;
            return 1;
        default:
            item_from_record(r, it, WIRE_ITEM_RECORD);
            it->data = frag;
            it->len = r->frag_len;
            r->frag_off = r->frag_len;
            return 1;
        }
    }
}
