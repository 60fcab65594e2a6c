/* The ClientHello serializer (see build.h). */
#include "wire/build.h"

#include <string.h>

/* ---- a bounded writer over the caller's buffer ------------------------------------------ */

struct ww {
    uint8_t *p;
    size_t cap, len;
    const char *why; /* first error; once set, nothing more is written */
};

static void ww_fail(struct ww *w, const char *why)
{
    if (!w->why)
        w->why = why;
}

static void ww_bytes(struct ww *w, const void *data, size_t n)
{
    if (w->why)
        return;
    if (n > w->cap - w->len) {
        ww_fail(w, "the ClientHello does not fit in the buffer");
        return;
    }
    if (n)
        memcpy(w->p + w->len, data, n);
    w->len += n;
}

static void ww_uint(struct ww *w, uint32_t v, size_t width)
{
    uint8_t b[4];
    for (size_t i = 0; i < width; i++)
        b[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
    ww_bytes(w, b, width);
}

/* A length-prefixed vector: open returns where its length goes; close patches it. */
static size_t ww_open(struct ww *w, size_t width)
{
    size_t at = w->len;
    ww_uint(w, 0, width);
    return at;
}

static void ww_close(struct ww *w, size_t at, size_t width, size_t max)
{
    if (w->why)
        return;
    size_t n = w->len - at - width;
    if (n > max) {
        ww_fail(w, "a list in the ClientHello is longer than its length field allows");
        return;
    }
    for (size_t i = 0; i < width; i++)
        w->p[at + i] = (uint8_t)(n >> (8 * (width - 1 - i)));
}

static void ww_u16_list(struct ww *w, const uint16_t *v, size_t n, size_t width, size_t max)
{
    size_t at = ww_open(w, width);
    for (size_t i = 0; i < n; i++)
        ww_uint(w, v[i], 2);
    ww_close(w, at, width, max);
}

/* ---- generator key shares --------------------------------------------------------------- */

static const uint8_t gen_x25519[32] = {9};
static const uint8_t gen_x448[56] = {5};
static const uint8_t gen_p256[65] = {
    0x04, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5,
    0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4,
    0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96, 0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a,
    0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce, 0x33,
    0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5,
};
static const uint8_t gen_p384[97] = {
    0x04, 0xaa, 0x87, 0xca, 0x22, 0xbe, 0x8b, 0x05, 0x37, 0x8e, 0xb1, 0xc7, 0x1e, 0xf3,
    0x20, 0xad, 0x74, 0x6e, 0x1d, 0x3b, 0x62, 0x8b, 0xa7, 0x9b, 0x98, 0x59, 0xf7, 0x41,
    0xe0, 0x82, 0x54, 0x2a, 0x38, 0x55, 0x02, 0xf2, 0x5d, 0xbf, 0x55, 0x29, 0x6c, 0x3a,
    0x54, 0x5e, 0x38, 0x72, 0x76, 0x0a, 0xb7, 0x36, 0x17, 0xde, 0x4a, 0x96, 0x26, 0x2c,
    0x6f, 0x5d, 0x9e, 0x98, 0xbf, 0x92, 0x92, 0xdc, 0x29, 0xf8, 0xf4, 0x1d, 0xbd, 0x28,
    0x9a, 0x14, 0x7c, 0xe9, 0xda, 0x31, 0x13, 0xb5, 0xf0, 0xb8, 0xc0, 0x0a, 0x60, 0xb1,
    0xce, 0x1d, 0x7e, 0x81, 0x9d, 0x7a, 0x43, 0x1d, 0x7c, 0x90, 0xea, 0x0e, 0x5f,
};
static const uint8_t gen_p521[133] = {
    0x04, 0x00, 0xc6, 0x85, 0x8e, 0x06, 0xb7, 0x04, 0x04, 0xe9, 0xcd, 0x9e, 0x3e, 0xcb, 0x66,
    0x23, 0x95, 0xb4, 0x42, 0x9c, 0x64, 0x81, 0x39, 0x05, 0x3f, 0xb5, 0x21, 0xf8, 0x28, 0xaf,
    0x60, 0x6b, 0x4d, 0x3d, 0xba, 0xa1, 0x4b, 0x5e, 0x77, 0xef, 0xe7, 0x59, 0x28, 0xfe, 0x1d,
    0xc1, 0x27, 0xa2, 0xff, 0xa8, 0xde, 0x33, 0x48, 0xb3, 0xc1, 0x85, 0x6a, 0x42, 0x9b, 0xf9,
    0x7e, 0x7e, 0x31, 0xc2, 0xe5, 0xbd, 0x66, 0x01, 0x18, 0x39, 0x29, 0x6a, 0x78, 0x9a, 0x3b,
    0xc0, 0x04, 0x5c, 0x8a, 0x5f, 0xb4, 0x2c, 0x7d, 0x1b, 0xd9, 0x98, 0xf5, 0x44, 0x49, 0x57,
    0x9b, 0x44, 0x68, 0x17, 0xaf, 0xbd, 0x17, 0x27, 0x3e, 0x66, 0x2c, 0x97, 0xee, 0x72, 0x99,
    0x5e, 0xf4, 0x26, 0x40, 0xc5, 0x50, 0xb9, 0x01, 0x3f, 0xad, 0x07, 0x61, 0x35, 0x3c, 0x70,
    0x86, 0xa2, 0x72, 0xc2, 0x40, 0x88, 0xbe, 0x94, 0x76, 0x9f, 0xd1, 0x66, 0x50,
};

size_t wire_default_share(uint16_t group, uint8_t *buf, size_t cap, const uint8_t **key)
{
    size_t ff = 0;
    switch (group) {
    case 0x001d: *key = gen_x25519; return sizeof gen_x25519;
    case 0x001e: *key = gen_x448; return sizeof gen_x448;
    case 0x0017: *key = gen_p256; return sizeof gen_p256;
    case 0x0018: *key = gen_p384; return sizeof gen_p384;
    case 0x0019: *key = gen_p521; return sizeof gen_p521;
    case 0x0100: ff = 256; break;
    case 0x0101: ff = 384; break;
    case 0x0102: ff = 512; break;
    case 0x0103: ff = 768; break;
    case 0x0104: ff = 1024; break;
    default: return 0;
    }
    if (!buf || cap < ff)
        return 0;
    memset(buf, 0, ff);
    buf[ff - 1] = 2; /* y = g = 2: 1 < y < p - 1, as RFC 7919 asks a peer to check */
    *key = buf;
    return ff;
}

/* ---- extensions ------------------------------------------------------------------------- */

static size_t ext_open(struct ww *w, uint16_t type)
{
    ww_uint(w, type, 2);
    return ww_open(w, 2);
}

static void ext_close(struct ww *w, size_t at)
{
    ww_close(w, at, 2, 0xffff);
}

static void ext_sni(struct ww *w, const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > 255) {
        ww_fail(w, "the server name must be 1-255 bytes");
        return;
    }
    size_t e = ext_open(w, WIRE_EXT_SERVER_NAME);
    size_t list = ww_open(w, 2);
    ww_uint(w, 0, 1); /* host_name */
    ww_uint(w, (uint32_t)len, 2);
    ww_bytes(w, name, len);
    ww_close(w, list, 2, 0xffff);
    ext_close(w, e);
}

static void ext_alpn(struct ww *w, const char *const *alpn, size_t n)
{
    size_t e = ext_open(w, WIRE_EXT_ALPN);
    size_t list = ww_open(w, 2);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(alpn[i]);
        if (len == 0 || len > 255) {
            ww_fail(w, "an ALPN protocol name must be 1-255 bytes");
            return;
        }
        ww_uint(w, (uint32_t)len, 1);
        ww_bytes(w, alpn[i], len);
    }
    ww_close(w, list, 2, 0xffff);
    ext_close(w, e);
}

static void ext_key_share(struct ww *w, const struct wire_ch_spec *s)
{
    uint8_t ffbuf[1024];
    size_t e = ext_open(w, WIRE_EXT_KEY_SHARE);
    size_t list = ww_open(w, 2);
    for (size_t i = 0; i < s->n_shares; i++) {
        const struct wire_key_share *ks = &s->shares[i];
        const uint8_t *key = ks->key;
        size_t len = ks->key_len;
        if (!key && (len = wire_default_share(ks->group, ffbuf, sizeof ffbuf, &key)) == 0) {
            ww_fail(w, "no key bytes for a key share of a group without a known generator");
            return;
        }
        ww_uint(w, ks->group, 2);
        size_t k = ww_open(w, 2);
        ww_bytes(w, key, len);
        ww_close(w, k, 2, 0xffff);
    }
    ww_close(w, list, 2, 0xffff);
    ext_close(w, e);
}

static void ext_empty(struct ww *w, uint16_t type)
{
    ww_uint(w, type, 2);
    ww_uint(w, 0, 2);
}

static void ext_raw(struct ww *w, uint16_t type, const uint8_t *body, size_t n)
{
    size_t e = ext_open(w, type);
    ww_bytes(w, body, n);
    ext_close(w, e);
}

/* Writes the extension of that type when the spec sets it; false when it does not. */
static bool ext_write(struct ww *w, const struct wire_ch_spec *s, uint16_t type)
{
    for (size_t i = 0; i < s->n_extra; i++)
        if (s->extra[i].type == type) {
            ext_raw(w, type, s->extra[i].body.data, s->extra[i].body.len);
            return true;
        }
    static const uint8_t ocsp[] = {1, 0, 0, 0, 0}, uncompressed[] = {1, 0}, dhe_ke[] = {1, 1},
                         reneg[] = {0};
    switch (type) {
    case WIRE_EXT_SERVER_NAME:
        if (!s->sni)
            return false;
        ext_sni(w, s->sni);
        return true;
    case WIRE_EXT_EC_POINT_FORMATS:
        if (!s->ec_point_formats)
            return false;
        ext_raw(w, type, uncompressed, sizeof uncompressed);
        return true;
    case WIRE_EXT_SUPPORTED_GROUPS:
        if (!s->n_groups)
            return false;
        ww_uint(w, type, 2);
        {
            size_t e = ww_open(w, 2);
            ww_u16_list(w, s->groups, s->n_groups, 2, 0xfffe);
            ext_close(w, e);
        }
        return true;
    case WIRE_EXT_SESSION_TICKET:
        if (!s->session_ticket)
            return false;
        ext_empty(w, type);
        return true;
    case WIRE_EXT_STATUS_REQUEST:
        if (!s->status_request)
            return false;
        ext_raw(w, type, ocsp, sizeof ocsp);
        return true;
    case WIRE_EXT_ALPN:
        if (!s->n_alpn)
            return false;
        ext_alpn(w, s->alpn, s->n_alpn);
        return true;
    case WIRE_EXT_ENCRYPT_THEN_MAC:
        if (!s->encrypt_then_mac)
            return false;
        ext_empty(w, type);
        return true;
    case WIRE_EXT_EXTENDED_MASTER_SECRET:
        if (!s->extended_master_secret)
            return false;
        ext_empty(w, type);
        return true;
    case WIRE_EXT_SIGNATURE_ALGORITHMS:
        if (!s->n_sigalgs)
            return false;
        ww_uint(w, type, 2);
        {
            size_t e = ww_open(w, 2);
            ww_u16_list(w, s->sigalgs, s->n_sigalgs, 2, 0xfffe);
            ext_close(w, e);
        }
        return true;
    case WIRE_EXT_SUPPORTED_VERSIONS:
        if (!s->n_versions)
            return false;
        ww_uint(w, type, 2);
        {
            size_t e = ww_open(w, 2);
            ww_u16_list(w, s->versions, s->n_versions, 1, 254);
            ext_close(w, e);
        }
        return true;
    case WIRE_EXT_PSK_KEY_EXCHANGE_MODES:
        if (!s->psk_modes)
            return false;
        ext_raw(w, type, dhe_ke, sizeof dhe_ke);
        return true;
    case WIRE_EXT_KEY_SHARE:
        if (!s->n_shares && !s->key_share_empty)
            return false;
        ext_key_share(w, s);
        return true;
    case WIRE_EXT_RENEGOTIATION_INFO:
        if (!s->renegotiation_info)
            return false;
        ext_raw(w, type, reneg, sizeof reneg);
        return true;
    default: return false;
    }
}

static const uint16_t default_order[] = {
    WIRE_EXT_SERVER_NAME,        WIRE_EXT_EC_POINT_FORMATS,       WIRE_EXT_SUPPORTED_GROUPS,
    WIRE_EXT_SESSION_TICKET,     WIRE_EXT_STATUS_REQUEST,         WIRE_EXT_ALPN,
    WIRE_EXT_ENCRYPT_THEN_MAC,   WIRE_EXT_EXTENDED_MASTER_SECRET, WIRE_EXT_SIGNATURE_ALGORITHMS,
    WIRE_EXT_SUPPORTED_VERSIONS, WIRE_EXT_PSK_KEY_EXCHANGE_MODES, WIRE_EXT_KEY_SHARE,
    WIRE_EXT_RENEGOTIATION_INFO,
};

static bool in_default_order(uint16_t type)
{
    for (size_t i = 0; i < sizeof default_order / sizeof default_order[0]; i++)
        if (default_order[i] == type)
            return true;
    return false;
}

static void extensions(struct ww *w, const struct wire_ch_spec *s, size_t msg_start)
{
    size_t block = ww_open(w, 2);
    if (s->n_order) {
        for (size_t i = 0; i < s->n_order; i++)
            ext_write(w, s, s->order[i]);
    } else {
        for (size_t i = 0; i < sizeof default_order / sizeof default_order[0]; i++)
            ext_write(w, s, default_order[i]);
        for (size_t i = 0; i < s->n_extra; i++)
            if (!in_default_order(s->extra[i].type))
                ext_raw(w, s->extra[i].type, s->extra[i].body.data, s->extra[i].body.len);
    }
    size_t cur = w->len - msg_start; /* the message so far, its header included */
    if (s->pad_to && !w->why && cur < s->pad_to) {
        size_t pad = cur + 4 < s->pad_to ? s->pad_to - cur - 4 : 0;
        size_t e = ext_open(w, WIRE_EXT_PADDING);
        if (pad > w->cap - w->len)
            ww_fail(w, "the ClientHello does not fit in the buffer");
        if (!w->why) {
            memset(w->p + w->len, 0, pad);
            w->len += pad;
        }
        ext_close(w, e);
    }
    ww_close(w, block, 2, 0xffff);
}

static const uint8_t zero_random[32];

/* The SSLv2 CLIENT-HELLO (draft-hickman-netscape-ssl-00, RFC 6101 E.1): a 2-byte header with
 * the high bit set, msg type 1, version, three lengths, cipher specs, session id, challenge. */
static size_t build_ssl2(const struct wire_ch_spec *s, struct ww *w)
{
    size_t n_specs = s->n_ssl2_ciphers + s->n_ciphers;
    if (n_specs == 0)
        ww_fail(w, "an SSLv2 CLIENT-HELLO needs at least one cipher spec");
    if (s->session_id_len != 0 && s->session_id_len != 16)
        ww_fail(w, "an SSLv2 session id is 0 or 16 bytes");
    size_t body = 9 + 3 * n_specs + s->session_id_len + 16;
    if (body > 0x7fff)
        ww_fail(w, "the SSLv2 CLIENT-HELLO is longer than its 15-bit length allows");
    ww_uint(w, 0x8000 | (uint32_t)(body & 0x7fff), 2);
    ww_uint(w, 1 /* CLIENT-HELLO */, 1);
    ww_uint(w, s->legacy_version ? s->legacy_version : 0x0002, 2);
    ww_uint(w, (uint32_t)(3 * n_specs), 2);
    ww_uint(w, (uint32_t)s->session_id_len, 2);
    ww_uint(w, 16, 2);
    for (size_t i = 0; i < s->n_ssl2_ciphers; i++)
        ww_uint(w, s->ssl2_ciphers[i] & 0xffffff, 3);
    for (size_t i = 0; i < s->n_ciphers; i++)
        ww_uint(w, s->ciphers[i], 3);
    ww_bytes(w, s->session_id, s->session_id_len);
    ww_bytes(w, s->random ? s->random : zero_random, 16);
    return w->len;
}

size_t wire_build_client_hello(const struct wire_ch_spec *s, uint8_t *out, size_t cap,
                               const char **why)
{
    static const uint8_t null_compression[] = {0};
    struct ww w = {out, cap, 0, NULL};
    if (s->sslv2) {
        build_ssl2(s, &w);
        if (w.why) {
            if (why)
                *why = w.why;
            return 0;
        }
        return w.len;
    }
    if (s->session_id_len > 32)
        ww_fail(&w, "a session id is at most 32 bytes");
    if (s->n_ciphers == 0)
        ww_fail(&w, "a ClientHello needs at least one cipher suite");
    ww_uint(&w, 22 /* handshake */, 1);
    ww_uint(&w, s->record_version ? s->record_version : 0x0301, 2);
    size_t rec = ww_open(&w, 2);
    size_t msg_start = w.len;
    ww_uint(&w, WIRE_HS_CLIENT_HELLO, 1);
    size_t msg = ww_open(&w, 3);
    ww_uint(&w, s->legacy_version ? s->legacy_version : 0x0303, 2);
    ww_bytes(&w, s->random ? s->random : zero_random, 32);
    ww_uint(&w, (uint32_t)s->session_id_len, 1);
    ww_bytes(&w, s->session_id, s->session_id_len);
    ww_u16_list(&w, s->ciphers, s->n_ciphers, 2, 0xfffe);
    size_t comp = ww_open(&w, 1);
    if (s->compressions)
        ww_bytes(&w, s->compressions, s->n_compressions);
    else
        ww_bytes(&w, null_compression, 1);
    ww_close(&w, comp, 1, 255);
    if (!s->no_extensions)
        extensions(&w, s, msg_start);
    ww_close(&w, msg, 3, 0xffffff);
    ww_close(&w, rec, 2, WIRE_CH_MAX);
    if (w.why) {
        if (why)
            *why = w.why;
        return 0;
    }
    return w.len;
}
