/* The ClientHello serializer and the record reader: round trips through the parser, exact
 * bytes for each extension, generator key shares, and the reader fed whole, byte by byte and
 * in random pieces, with hostile input (wrong types, lengths, interleaving, floods). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "wire/build.h"
#include "wire/record.h"
#include "wire/serve.h"
#include "wire/wire.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const uint16_t suites[] = {0x1301, 0x1302, 0xc02f};
static const uint16_t versions[] = {0x0304, 0x0303};
static const uint16_t groups[] = {0x001d, 0x0017, 0x0100};
static const uint16_t sigalgs[] = {0x0804, 0x0403};

static size_t build(const struct wire_ch_spec *s, uint8_t *out)
{
    const char *why = NULL;
    size_t n = wire_build_client_hello(s, out, WIRE_CH_MAX, &why);
    if (!n)
        fail_msg("build failed: %s", why);
    return n;
}

/* Everything set: the parser reads back each field, in the default order. */
static void test_round_trip_full(void **state)
{
    (void)state;
    uint8_t random[32], sid[32], out[WIRE_CH_MAX];
    for (int i = 0; i < 32; i++) {
        random[i] = (uint8_t)i;
        sid[i] = (uint8_t)(0xe0 + i);
    }
    const char *alpn[] = {"h2", "http/1.1"};
    struct wire_key_share shares[] = {{0x001d, NULL, 0}, {0x0017, NULL, 0}};
    struct wire_ch_spec s = {
        .random = random,
        .session_id = sid,
        .session_id_len = 32,
        .ciphers = suites,
        .n_ciphers = N_OF(suites),
        .versions = versions,
        .n_versions = N_OF(versions),
        .groups = groups,
        .n_groups = N_OF(groups),
        .shares = shares,
        .n_shares = N_OF(shares),
        .sigalgs = sigalgs,
        .n_sigalgs = N_OF(sigalgs),
        .sni = "example.test",
        .alpn = alpn,
        .n_alpn = 2,
        .status_request = true,
        .session_ticket = true,
        .extended_master_secret = true,
        .encrypt_then_mac = true,
        .renegotiation_info = true,
        .ec_point_formats = true,
        .psk_modes = true,
    };
    size_t n = build(&s, out);
    assert_int_equal(out[0], 22);
    assert_int_equal(out[1] << 8 | out[2], 0x0301);
    assert_int_equal((size_t)(out[3] << 8 | out[4]), n - 5);

    struct wire_hello h;
    const char *why = NULL;
    assert_int_equal(wire_parse_client_hello(out + 5, n - 5, &h, &why), 0);
    assert_int_equal(h.legacy_version, 0x0303);
    assert_memory_equal(h.random, random, 32);
    assert_int_equal(h.session_id_len, 32);
    assert_int_equal(h.n_ciphers, 3);
    assert_int_equal(h.ciphers[2], 0xc02f);
    assert_int_equal(h.n_versions, 2);
    assert_int_equal(h.versions[0], 0x0304);
    assert_int_equal(h.n_groups, 3);
    assert_int_equal(h.groups[2], 0x0100);
    assert_int_equal(h.n_key_shares, 2);
    assert_int_equal(h.key_shares[1], 0x0017);
    assert_int_equal(h.n_sigalgs, 2);
    assert_int_equal(h.n_alpn, 2);
    assert_int_equal(h.alpn[1].len, 8);
    assert_memory_equal(h.alpn[1].data, "http/1.1", 8);
    assert_int_equal(h.sni.len, 12);
    assert_memory_equal(h.sni.data, "example.test", 12);
    assert_int_equal(h.n_psk_modes, 1);
    assert_int_equal(h.n_ec_point_formats, 1);
    static const uint16_t order[] = {0, 11, 10, 35, 5, 16, 22, 23, 13, 43, 45, 51, 0xff01};
    assert_int_equal(h.n_exts, N_OF(order));
    for (size_t i = 0; i < N_OF(order); i++)
        assert_int_equal(h.exts[i].type, order[i]);
    /* the x25519 share is the base point u = 9; the P-256 one is 04 || G */
    const struct wire_ext *ks = wire_hello_find_ext(&h, WIRE_EXT_KEY_SHARE);
    assert_non_null(ks);
    assert_int_equal(ks->body.len, 2 + (4 + 32) + (4 + 65));
    assert_int_equal(ks->body.data[6], 9);
    assert_int_equal(ks->body.data[2 + 36 + 4], 0x04);
    wire_hello_free(&h);
}

/* Exact bytes of a minimal hello: nothing but one suite and an empty extension block. */
static void test_minimal_bytes(void **state)
{
    (void)state;
    static const uint16_t one[] = {0x002f};
    struct wire_ch_spec s = {.legacy_version = 0x0301, .ciphers = one, .n_ciphers = 1};
    uint8_t out[WIRE_CH_MAX];
    size_t n = build(&s, out);
    uint8_t want[5 + 4 + 2 + 32 + 1 + 4 + 2 + 2] = {
        0x16, 0x03, 0x01, 0x00, 0x2f,       /* record */
        0x01, 0x00, 0x00, 0x2b, 0x03, 0x01, /* ClientHello, 43 bytes, TLS 1.0 */
    };
    size_t at = 11 + 32;
    want[at++] = 0x00;                    /* session id */
    want[at++] = 0x00, want[at++] = 0x02; /* suites */
    want[at++] = 0x00, want[at++] = 0x2f;
    want[at++] = 0x01, want[at++] = 0x00; /* null compression */
    want[at++] = 0x00, want[at++] = 0x00; /* no extensions */
    assert_int_equal(n, sizeof want);
    assert_memory_equal(out, want, n);
}

/* Padding brings the handshake message to exactly pad_to bytes, and never shrinks it. */
static void test_padding(void **state)
{
    (void)state;
    uint8_t out[WIRE_CH_MAX];
    struct wire_ch_spec s = {.ciphers = suites, .n_ciphers = 3, .sni = "a.test", .pad_to = 512};
    size_t n = build(&s, out);
    assert_int_equal(n - 5, 512);
    struct wire_hello h;
    assert_int_equal(wire_parse_client_hello(out + 5, n - 5, &h, NULL), 0);
    assert_int_equal(h.exts[h.n_exts - 1].type, WIRE_EXT_PADDING);
    wire_hello_free(&h);
    s.pad_to = 20; /* already longer: no padding extension at all */
    n = build(&s, out);
    assert_int_equal(wire_parse_client_hello(out + 5, n - 5, &h, NULL), 0);
    assert_int_equal(h.exts[h.n_exts - 1].type, WIRE_EXT_SERVER_NAME);
    wire_hello_free(&h);
}

/* An empty key_share (asks for a HelloRetryRequest), ffdhe shares of the prime's size, and a
 * group without a generator refused unless key bytes are given. */
static void test_key_shares(void **state)
{
    (void)state;
    uint8_t out[WIRE_CH_MAX];
    struct wire_ch_spec s = {.ciphers = suites, .n_ciphers = 3, .key_share_empty = true};
    size_t n = build(&s, out);
    struct wire_hello h;
    assert_int_equal(wire_parse_client_hello(out + 5, n - 5, &h, NULL), 0);
    const struct wire_ext *ks = wire_hello_find_ext(&h, WIRE_EXT_KEY_SHARE);
    assert_non_null(ks);
    assert_int_equal(ks->body.len, 2);
    wire_hello_free(&h);

    struct wire_key_share ff = {0x0101, NULL, 0}; /* ffdhe3072 */
    s.key_share_empty = false;
    s.shares = &ff;
    s.n_shares = 1;
    n = build(&s, out);
    assert_int_equal(wire_parse_client_hello(out + 5, n - 5, &h, NULL), 0);
    ks = wire_hello_find_ext(&h, WIRE_EXT_KEY_SHARE);
    assert_int_equal(ks->body.len, 2 + 4 + 384);
    assert_int_equal(ks->body.data[2 + 4 + 383], 2);
    assert_int_equal(ks->body.data[2 + 4], 0);
    wire_hello_free(&h);

    struct wire_key_share mlkem = {0x11ec, NULL, 0};
    s.shares = &mlkem;
    const char *why = NULL;
    assert_int_equal(wire_build_client_hello(&s, out, sizeof out, &why), 0);
    assert_non_null(why);
    static const uint8_t key[] = {1, 2, 3};
    mlkem.key = key;
    mlkem.key_len = 3;
    assert_true(wire_build_client_hello(&s, out, sizeof out, &why) > 0);
}

/* Impossible specs fail with a reason, and a buffer too small is an error, not an overflow. */
static void test_refusals(void **state)
{
    (void)state;
    uint8_t out[WIRE_CH_MAX];
    const char *why = NULL;
    struct wire_ch_spec s = {.n_ciphers = 0};
    assert_int_equal(wire_build_client_hello(&s, out, sizeof out, &why), 0);
    s.ciphers = suites;
    s.n_ciphers = 3;
    s.session_id_len = 33;
    assert_int_equal(wire_build_client_hello(&s, out, sizeof out, &why), 0);
    s.session_id_len = 0;
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    s.sni = longname;
    assert_int_equal(wire_build_client_hello(&s, out, sizeof out, &why), 0);
    s.sni = "ok.test";
    for (size_t cap = 0; cap < 60; cap++) {
        why = NULL;
        assert_int_equal(wire_build_client_hello(&s, out, cap, &why), 0);
        assert_non_null(why);
    }
}

/* The hand-built browser-style ClientHello (ch13 of tests/lib/wiretest.h), parsed and rebuilt
 * with the same order and the same key bytes, comes out byte for byte the same. */
static void test_rebuild_exact(void **state)
{
    (void)state;
    uint8_t random[32], out[WIRE_CH_MAX];
    for (int i = 0; i < 32; i++)
        random[i] = (uint8_t)(i * 7);
    const char *alpn[] = {"h2"};
    struct wire_key_share shares[] = {{0x001d, NULL, 0}};
    static const uint16_t order[] = {43, 0, 10, 51, 13, 16, 0xff01, 23, 0x4469};
    static const uint8_t opaque[] = {0xde, 0xad};
    struct wire_ext extra = {0x4469, {opaque, 2}};
    struct wire_ch_spec s = {
        .random = random,
        .ciphers = suites,
        .n_ciphers = 3,
        .versions = versions,
        .n_versions = 2,
        .groups = groups,
        .n_groups = 2,
        .shares = shares,
        .n_shares = 1,
        .sigalgs = sigalgs,
        .n_sigalgs = 2,
        .sni = "x.test",
        .alpn = alpn,
        .n_alpn = 1,
        .renegotiation_info = true,
        .extended_master_secret = true,
        .extra = &extra,
        .n_extra = 1,
        .order = order,
        .n_order = N_OF(order),
    };
    size_t n = build(&s, out);
    struct wire_hello h;
    assert_int_equal(wire_parse_client_hello(out + 5, n - 5, &h, NULL), 0);
    assert_int_equal(h.n_exts, N_OF(order));
    /* rebuild from the parse: typed fields where the parser decodes them, raw otherwise */
    struct wire_ext *raw = xcalloc(h.n_exts, sizeof(*raw));
    uint16_t *order2 = xcalloc(h.n_exts, sizeof(*order2));
    size_t n_raw = 0;
    for (size_t i = 0; i < h.n_exts; i++) {
        order2[i] = h.exts[i].type;
        if (h.exts[i].type == 51 || h.exts[i].type == 0x4469 || h.exts[i].type == 16)
            raw[n_raw++] = h.exts[i];
    }
    char sni[64];
    memcpy(sni, h.sni.data, h.sni.len);
    sni[h.sni.len] = '\0';
    struct wire_ch_spec t = {
        .legacy_version = h.legacy_version,
        .random = h.random,
        .ciphers = h.ciphers,
        .n_ciphers = h.n_ciphers,
        .versions = h.versions,
        .n_versions = h.n_versions,
        .groups = h.groups,
        .n_groups = h.n_groups,
        .sigalgs = h.sigalgs,
        .n_sigalgs = h.n_sigalgs,
        .sni = sni,
        .renegotiation_info = true,
        .extended_master_secret = true,
        .extra = raw,
        .n_extra = n_raw,
        .order = order2,
        .n_order = h.n_exts,
    };
    uint8_t again[WIRE_CH_MAX];
    size_t m = build(&t, again);
    assert_int_equal(m, n);
    assert_memory_equal(again, out, n);
    free(raw);
    free(order2);
    wire_hello_free(&h);
}

/* ---- the record reader ------------------------------------------------------------------ */

/* A stream: ServerHello in one record with a second message (split over two records), an
 * alert record holding two alerts, a CCS, an application data record. */
static size_t make_stream(uint8_t *s)
{
    size_t n = 0;
    /* record 1: a 6-byte message type 2, then the first 3 bytes of a message type 11 */
    static const uint8_t r1[] = {0x16, 0x03, 0x03, 0x00, 0x09, 0x02, 0x00,
                                 0x00, 0x02, 0xaa, 0xbb, 0x0b, 0x00, 0x00};
    /* record 2: the rest of type 11: length byte 5, then 5 bytes */
    static const uint8_t r2[] = {0x16, 0x03, 0x03, 0x00, 0x06, 0x05, 1, 2, 3, 4, 5};
    static const uint8_t r3[] = {0x15, 0x03, 0x03, 0x00, 0x04, 0x01, 0x00, 0x02, 0x28};
    static const uint8_t r4[] = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};
    static const uint8_t r5[] = {0x17, 0x03, 0x03, 0x00, 0x03, 0x10, 0x20, 0x30};
    memcpy(s + n, r1, sizeof r1), n += sizeof r1;
    memcpy(s + n, r2, sizeof r2), n += sizeof r2;
    memcpy(s + n, r3, sizeof r3), n += sizeof r3;
    memcpy(s + n, r4, sizeof r4), n += sizeof r4;
    memcpy(s + n, r5, sizeof r5), n += sizeof r5;
    return n;
}

struct seen {
    char trace[256];
    size_t len;
};

static void note(struct seen *sn, const struct wire_item *it)
{
    char tmp[64];
    switch (it->kind) {
    case WIRE_ITEM_HANDSHAKE:
        snprintf(tmp, sizeof tmp, "H%u/%zu/%u ", it->data[0], it->len, it->records);
        break;
    case WIRE_ITEM_ALERT:
        snprintf(tmp, sizeof tmp, "A%u.%u ", it->alert_level, it->alert_desc);
        break;
    case WIRE_ITEM_CCS: snprintf(tmp, sizeof tmp, "C "); break;
    case WIRE_ITEM_RECORD: snprintf(tmp, sizeof tmp, "R%u/%zu ", it->content_type, it->len); break;
    case WIRE_ITEM_SSL2: snprintf(tmp, sizeof tmp, "S/%zu ", it->len); break;
    }
    size_t l = strlen(tmp);
    memcpy(sn->trace + sn->len, tmp, l + 1);
    sn->len += l;
}

/* Feeds the stream in pieces of the given sizes (cycled); returns the trace. */
static void run_reader(const uint8_t *data, size_t n, const size_t *pieces, size_t n_pieces,
                       struct seen *sn)
{
    struct wire_reader *r = xmalloc(sizeof(*r));
    wire_reader_init(r, 1 << 16);
    memset(sn, 0, sizeof(*sn));
    size_t off = 0, k = 0;
    while (off < n) {
        size_t piece = pieces[k++ % n_pieces];
        if (piece > n - off)
            piece = n - off;
        off += wire_reader_feed(r, data + off, piece);
        struct wire_item it;
        int rc;
        while ((rc = wire_reader_next(r, &it)) > 0)
            note(sn, &it);
        if (rc != 0)
            fail_msg("reader failed: %s (after '%s')", r->why, sn->trace);
    }
    assert_int_equal(wire_reader_pending(r), 0);
    wire_reader_free(r);
    free(r);
}

static void test_reader_pieces(void **state)
{
    (void)state;
    uint8_t s[128];
    size_t n = make_stream(s);
    const char *want = "H2/6/1 H11/9/2 A1.0 A2.40 C R23/3 ";
    struct seen sn;
    size_t whole = n;
    run_reader(s, n, &whole, 1, &sn);
    assert_string_equal(sn.trace, want);
    size_t one = 1;
    run_reader(s, n, &one, 1, &sn);
    assert_string_equal(sn.trace, want);
    srand(7);
    for (int round = 0; round < 200; round++) {
        size_t pieces[8];
        for (int i = 0; i < 8; i++)
            pieces[i] = 1 + (size_t)rand() % 9;
        run_reader(s, n, pieces, 8, &sn);
        assert_string_equal(sn.trace, want);
    }
}

/* A message spread over many one-byte records is reassembled and counts its records. */
static void test_reader_reassembly(void **state)
{
    (void)state;
    uint8_t msg[4 + 300];
    msg[0] = 11, msg[1] = 0, msg[2] = 0x01, msg[3] = 0x2c;
    for (int i = 0; i < 300; i++)
        msg[4 + i] = (uint8_t)i;
    struct wire_reader *r = xmalloc(sizeof(*r));
    wire_reader_init(r, 1 << 16);
    struct wire_item it;
    for (size_t i = 0; i < sizeof msg; i++) {
        uint8_t rec[6] = {0x16, 0x03, 0x03, 0x00, 0x01, msg[i]};
        assert_int_equal(wire_reader_feed(r, rec, 6), 6);
        int rc = wire_reader_next(r, &it);
        assert_int_equal(rc, i + 1 == sizeof msg ? 1 : 0);
    }
    assert_int_equal(it.kind, WIRE_ITEM_HANDSHAKE);
    assert_int_equal(it.len, sizeof msg);
    assert_int_equal(it.records, sizeof msg);
    assert_memory_equal(it.data, msg, sizeof msg);
    assert_int_equal(wire_reader_next(r, &it), 0);
    wire_reader_free(r);
    free(r);
}

/* Hostile input: each case fails with a reason, and stays failed. */
static void test_reader_hostile(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        uint8_t bytes[16];
        size_t n;
    } cases[] = {
        {"HTTP", {'H', 'T', 'T', 'P', '/', '1', '.', '1'}, 8},
        {"major 4", {0x16, 0x04, 0x03, 0x00, 0x01, 0x00}, 6},
        {"too long", {0x16, 0x03, 0x03, 0x48, 0x01}, 5},
        {"empty handshake", {0x16, 0x03, 0x03, 0x00, 0x00}, 5},
        {"odd alert", {0x15, 0x03, 0x03, 0x00, 0x03, 1, 2, 3}, 8},
        {"bad ccs", {0x14, 0x03, 0x03, 0x00, 0x01, 0x02}, 6},
        {"alert inside a message",
         {0x16, 0x03, 0x03, 0x00, 0x02, 0x0b, 0x00, 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28},
         14},
        {"message over the limit", {0x16, 0x03, 0x03, 0x00, 0x04, 0x0b, 0x01, 0x00, 0x01}, 9},
        {"SSLv2 of length 1", {0x80, 0x01, 0x00}, 3},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        struct wire_reader *r = xmalloc(sizeof(*r));
        wire_reader_init(r, 1 << 16);
        wire_reader_feed(r, cases[i].bytes, cases[i].n);
        struct wire_item it;
        int rc;
        while ((rc = wire_reader_next(r, &it)) > 0)
            ;
        if (rc != -1)
            fail_msg("case '%s' was not refused", cases[i].name);
        assert_non_null(r->why);
        assert_int_equal(wire_reader_next(r, &it), -1);
        wire_reader_free(r);
        free(r);
    }
}

/* An SSLv2 ServerHello as the first record; and a flood of tiny records never grows memory
 * past the buffer: space is always offered again once items are taken. */
static void test_reader_sslv2_and_flood(void **state)
{
    (void)state;
    struct wire_reader *r = xmalloc(sizeof(*r));
    wire_reader_init(r, 1 << 16);
    static const uint8_t v2[] = {0x80, 0x05, 0x04, 0x00, 0x01, 0x00, 0x02};
    wire_reader_feed(r, v2, sizeof v2);
    struct wire_item it;
    assert_int_equal(wire_reader_next(r, &it), 1);
    assert_int_equal(it.kind, WIRE_ITEM_SSL2);
    assert_int_equal(it.len, 5);
    assert_int_equal(it.data[0], 0x04);
    wire_reader_free(r);

    wire_reader_init(r, 1 << 16);
    static const uint8_t hr[] = {0x16, 0x03, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00};
    unsigned long got = 0;
    for (int round = 0; round < 20000; round++) {
        size_t room;
        uint8_t *space = wire_reader_space(r, &room);
        assert_true(room >= sizeof hr);
        memcpy(space, hr, sizeof hr);
        wire_reader_commit(r, sizeof hr);
        while (wire_reader_next(r, &it) > 0)
            got++;
    }
    assert_int_equal(got, 20000);
    assert_null(r->msg); /* never needed the reassembly buffer */
    wire_reader_free(r);
    free(r);
}

/* SSLv2 CLIENT-HELLO: exact bytes, and the parser reads it back (TLS suites as 0x00XXYY). */
static void test_sslv2_client_hello(void **state)
{
    (void)state;
    static const uint32_t specs[] = {WIRE_SSL2_RC4_128_WITH_MD5,
                                     WIRE_SSL2_DES_192_EDE3_CBC_WITH_MD5};
    static const uint16_t tls[] = {0x000A};
    uint8_t random[32], out[WIRE_CH_MAX];
    for (int i = 0; i < 32; i++)
        random[i] = (uint8_t)(0xa0 + i);
    struct wire_ch_spec s = {.sslv2 = true,
                             .random = random,
                             .ssl2_ciphers = specs,
                             .n_ssl2_ciphers = 2,
                             .ciphers = tls,
                             .n_ciphers = 1};
    size_t n = build(&s, out);
    static const uint8_t head[] = {0x80, 9 + 9 + 16, 1,    0x00, 0x02, 0,    9,    0,    0,   0, 16,
                                   0x01, 0x00,       0x80, 0x07, 0x00, 0xC0, 0x00, 0x00, 0x0A};
    assert_int_equal(n, 2 + 9 + 9 + 16);
    assert_memory_equal(out, head, sizeof head);
    assert_memory_equal(out + sizeof head, random, 16);
    struct wire_ssl2_hello *h = malloc(sizeof *h);
    assert_int_equal(wire_parse_ssl2_client_hello(out + 2, n - 2, h, NULL), 0);
    assert_int_equal(h->version, 2);
    assert_int_equal(h->n_specs, 3);
    assert_int_equal(h->specs[2], 0x00000A);
    assert_int_equal(h->challenge.len, 16);
    /* the record reader hands it out as an SSLv2 item */
    struct wire_reader *rd = malloc(sizeof *rd);
    wire_reader_init(rd, 1 << 16);
    wire_reader_feed(rd, out, n);
    struct wire_item it;
    assert_int_equal(wire_reader_next(rd, &it), 1);
    assert_int_equal(it.kind, WIRE_ITEM_SSL2);
    assert_int_equal(it.len, n - 2);
    wire_reader_free(rd);
    free(rd);
    /* refusals: no specs, a bad session id; truncated or inconsistent input */
    s.n_ssl2_ciphers = 0;
    s.n_ciphers = 0;
    const char *why = NULL;
    assert_int_equal(wire_build_client_hello(&s, out, sizeof out, &why), 0);
    assert_non_null(why);
    assert_int_equal(wire_parse_ssl2_client_hello(head + 2, 10, h, &why), -1);
    uint8_t bad[sizeof head];
    memcpy(bad, head, sizeof head);
    bad[6] = 10; /* specs length not a multiple of 3 (and lengths no longer add up) */
    assert_int_equal(wire_parse_ssl2_client_hello(bad + 2, n - 2, h, &why), -1);
    free(h);
}

/* SSLv3: record and version 0x0300, no extensions block at all. */
static void test_sslv3_hello(void **state)
{
    (void)state;
    static const uint16_t s3[] = {0x000A, 0x0005};
    uint8_t out[WIRE_CH_MAX];
    struct wire_ch_spec s = {.record_version = 0x0300,
                             .legacy_version = 0x0300,
                             .ciphers = s3,
                             .n_ciphers = 2,
                             .sigalgs = sigalgs,
                             .n_sigalgs = N_OF(sigalgs),
                             .no_extensions = true};
    size_t n = build(&s, out);
    assert_int_equal(out[1], 3);
    assert_int_equal(out[2], 0);
    assert_int_equal(n, 5 + 4 + 2 + 32 + 1 + 2 + 4 + 2);
    struct wire_hello h;
    assert_int_equal(wire_parse_client_hello(out + 5, n - 5, &h, NULL), 0);
    assert_int_equal(h.legacy_version, 0x0300);
    assert_false(h.has_extensions);
    wire_hello_free(&h);
}

/* Server-side serializers: a ServerHello, an HRR and an SSLv2 SERVER-HELLO parse back; a
 * Certificate spanning records reassembles; an alert is 7 bytes. */
static void test_server_side(void **state)
{
    (void)state;
    static const uint8_t sid[5] = {1, 2, 3, 4, 5}, sv[2] = {3, 4}, ks[2] = {0x11, 0xEC};
    struct wire_ext exts[] = {{WIRE_EXT_SUPPORTED_VERSIONS, {sv, 2}},
                              {WIRE_EXT_KEY_SHARE, {ks, 2}}};
    struct wire_sh_spec s = {.hrr = true,
                             .session_id = sid,
                             .session_id_len = 5,
                             .cipher = 0x1301,
                             .exts = exts,
                             .n_exts = 2};
    uint8_t *out = malloc(70000);
    size_t n = wire_build_server_hello(&s, out, 70000, NULL);
    assert_true(n > 5);
    struct wire_hello h;
    assert_int_equal(wire_parse_server_hello(out + 5, n - 5, &h, NULL), 0);
    assert_true(h.is_hello_retry_request);
    assert_int_equal(h.selected_version, 0x0304);
    assert_int_equal(h.key_shares[0], 0x11EC);
    assert_int_equal(h.ciphers[0], 0x1301);
    assert_int_equal(h.session_id_len, 5);
    wire_hello_free(&h);
    struct wire_sh_spec s3 = {.record_version = 0x0300,
                              .legacy_version = 0x0300,
                              .cipher = 0x000A,
                              .no_extensions = true};
    n = wire_build_server_hello(&s3, out, 70000, NULL);
    assert_int_equal(n, 5 + 4 + 2 + 32 + 1 + 2 + 1);
    assert_int_equal(wire_parse_server_hello(out + 5, n - 5, &h, NULL), 0);
    assert_int_equal(h.selected_version, 0x0300);
    assert_false(h.has_extensions);
    wire_hello_free(&h);
    const char *why = NULL;
    assert_int_equal(wire_build_server_hello(&s3, out, 20, &why), 0);
    assert_non_null(why);
    /* a 20000-byte certificate: two records, one message */
    uint8_t *der = calloc(1, 20000), *body = malloc(20010);
    const uint8_t *ders[1] = {der};
    size_t der_len[1] = {20000};
    size_t bl = wire_build_certificate_body(ders, der_len, 1, body, 20010, NULL);
    assert_int_equal(bl, 20006);
    n = wire_build_handshake_records(0x0303, WIRE_HS_CERTIFICATE, body, bl, out, 70000, NULL);
    assert_int_equal(n, 2 * 5 + 4 + bl);
    struct wire_reader *rd = malloc(sizeof *rd);
    wire_reader_init(rd, 1 << 16);
    wire_reader_feed(rd, out, n);
    struct wire_item it;
    assert_int_equal(wire_reader_next(rd, &it), 1);
    assert_int_equal(it.len, 4 + bl);
    assert_int_equal(it.records, 2);
    wire_reader_free(rd);
    free(rd);
    free(der);
    free(body);
    assert_int_equal(wire_build_alert(0x0301, 2, 86, out, 7), 7);
    static const uint8_t alert[] = {21, 3, 1, 0, 2, 2, 86};
    assert_memory_equal(out, alert, 7);
    assert_int_equal(wire_build_alert(0x0301, 2, 86, out, 6), 0);
    static const uint32_t specs[] = {WIRE_SSL2_RC4_128_WITH_MD5};
    static const uint8_t cid[16] = "connection id..";
    n = wire_build_ssl2_server_hello(specs, 1, sid, sizeof sid, cid, out, 70000, NULL);
    assert_int_equal(n, 2 + 11 + 5 + 3 + 16);
    struct wire_ssl2_hello *sh = malloc(sizeof *sh);
    assert_int_equal(wire_parse_ssl2_server_hello(out + 2, n - 2, sh, NULL), 0);
    assert_int_equal(sh->n_specs, 1);
    assert_int_equal(sh->specs[0], WIRE_SSL2_RC4_128_WITH_MD5);
    assert_int_equal(sh->cert.len, 5);
    assert_memory_equal(sh->conn_id.data, cid, 16);
    assert_int_equal(wire_parse_ssl2_server_hello(out + 2, n - 3, sh, &why), -1);
    free(sh);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_full),
        cmocka_unit_test(test_minimal_bytes),
        cmocka_unit_test(test_padding),
        cmocka_unit_test(test_key_shares),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_rebuild_exact),
        cmocka_unit_test(test_reader_pieces),
        cmocka_unit_test(test_reader_reassembly),
        cmocka_unit_test(test_reader_hostile),
        cmocka_unit_test(test_reader_sslv2_and_flood),
        cmocka_unit_test(test_sslv2_client_hello),
        cmocka_unit_test(test_sslv3_hello),
        cmocka_unit_test(test_server_side),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
