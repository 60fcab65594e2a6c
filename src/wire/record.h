/* A bounded TLS record reader: bytes in as they arrive from a socket, items out — whole
 * handshake messages (reassembled across records, several per record split apart), alerts,
 * ChangeCipherSpec, application data records, and an SSLv2 record when the peer answers in
 * SSLv2. Pure C: no sockets, no OpenSSL.
 *
 * The reader owns a fixed buffer of WIRE_READER_BUF bytes (two maximal records) and a
 * reassembly buffer for one handshake message, capped at msg_max bytes. A peer can make it
 * hold no more than that: a longer record or message is an error, never a larger buffer.
 *
 *     struct wire_reader rd;
 *     wire_reader_init(&rd, 1 << 16);
 *     size_t room; uint8_t *space = wire_reader_space(&rd, &room);
 *     ssize_t n = recv(fd, space, room, 0);   // room is 0 only while an item waits unread
 *     wire_reader_commit(&rd, n);
 *     struct wire_item it;
 *     while (wire_reader_next(&rd, &it) > 0) { ... it.kind ... }
 *     wire_reader_free(&rd);
 *
 * Item data points into the reader and stays valid until the next call on it. */
#ifndef TLSCOPE_WIRE_RECORD_H
#define TLSCOPE_WIRE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_RECORD_HEADER   5
#define WIRE_RECORD_BODY_MAX (16384 + 2048) /* TLSCiphertext: 2^14 + 2048 (RFC 5246 6.2.3) */
#define WIRE_READER_BUF      (2 * (WIRE_RECORD_HEADER + WIRE_RECORD_BODY_MAX))

enum wire_content_type {
    WIRE_CT_CHANGE_CIPHER_SPEC = 20,
    WIRE_CT_ALERT = 21,
    WIRE_CT_HANDSHAKE = 22,
    WIRE_CT_APPLICATION_DATA = 23,
    WIRE_CT_HEARTBEAT = 24,
};

enum wire_item_kind {
    WIRE_ITEM_HANDSHAKE = 1, /* data: one whole message, 4-byte header included */
    WIRE_ITEM_ALERT,         /* alert_level, alert_desc (one alert; a record may hold more) */
    WIRE_ITEM_CCS,           /* ChangeCipherSpec */
    WIRE_ITEM_RECORD,        /* any other record (application data, heartbeat): data is the
                              * fragment, not interpreted */
    WIRE_ITEM_SSL2,          /* an SSLv2 record (first record only): data is its body */
};

struct wire_item {
    enum wire_item_kind kind;
    uint8_t content_type;    /* of the record it came in (the last one, when reassembled) */
    uint16_t record_version; /* legacy_record_version of that record */
    const uint8_t *data;
    size_t len;
    uint8_t alert_level, alert_desc;
    unsigned records; /* records the item spanned (handshake messages); 1 otherwise */
};

struct wire_reader {
    uint8_t buf[WIRE_READER_BUF];
    size_t start, end; /* unread bytes: buf[start, end) */
    /* the record being taken apart: header at buf[rec_at], fragment consumed up to frag_off */
    bool in_record;
    size_t rec_at, frag_len, frag_off;
    uint8_t rec_type;
    uint16_t rec_version;
    /* a handshake message spread over records */
    uint8_t *msg;
    size_t msg_len, msg_cap, msg_max, msg_need; /* msg_need: 0 until the header is complete */
    unsigned msg_records;
    bool msg_done;         /* msg holds a message handed out; cleared on the next call */
    unsigned long records; /* complete records seen */
    bool failed;           /* after an error every call fails again */
    const char *why;       /* the error, a static string */
};

/* msg_max bounds one handshake message (header included); at least 4 + 2^14 makes sense. */
void wire_reader_init(struct wire_reader *r, size_t msg_max);
void wire_reader_free(struct wire_reader *r);

/* Where the next bytes go, and how many fit (0 while the buffer holds a full item the caller
 * has not taken with wire_reader_next: call it first). */
uint8_t *wire_reader_space(struct wire_reader *r, size_t *room);
/* n bytes were written at the space. */
void wire_reader_commit(struct wire_reader *r, size_t n);
/* Copies bytes in (for tests and fuzzing); returns how many fit. */
size_t wire_reader_feed(struct wire_reader *r, const uint8_t *data, size_t n);

/* The next item: 1 with *it filled, 0 when more bytes are needed, -1 on malformed input
 * (r->why says what; the reader stays failed). */
int wire_reader_next(struct wire_reader *r, struct wire_item *it);

/* Bytes received but not yet part of a returned item (a partial record or message). */
size_t wire_reader_pending(const struct wire_reader *r);

#endif
