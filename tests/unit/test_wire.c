/* The TLS wire codec: hand-built handshake messages decoded field by field, hostile input
 * (truncation at every length, overflowing lengths, mutations), names and reverse lookups. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"
#include "model/report.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/strlist.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

#define RANDOM_00_1F                                                                               \
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,      \
        0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,  \
        0x1e, 0x1f
#define SID_E0_FF                                                                                  \
    0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee,      \
        0xef, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd,  \
        0xfe, 0xff
#define KEY32_77                                                                                   \
    0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77,      \
        0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77, 0x77,  \
        0x77, 0x77

/* A TLS 1.3 ClientHello the way a browser sends it: GREASE in suites, extensions, groups,
 * versions and key shares. */
// clang-format off
static const uint8_t ch13[] = {
    0x01, 0x00, 0x00, 0xe3,                                             /* ClientHello, 227 */
    0x03, 0x03, RANDOM_00_1F, 0x20, SID_E0_FF,
    0x00, 0x0a, 0x5a, 0x5a, 0x13, 0x01, 0x13, 0x02, 0x13, 0x03, 0xc0, 0x2f, /* 5 suites */
    0x01, 0x00,                                                         /* null compression */
    0x00, 0x90,                                                         /* 144 bytes of exts */
    0x0a, 0x0a, 0x00, 0x00,                                             /* GREASE */
    0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00, 0x00, 0x0b,               /* server_name */
    'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm',
    0x00, 0x0a, 0x00, 0x0a, 0x00, 0x08, 0x2a, 0x2a, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18,
    0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,                                 /* ec_point_formats */
    0x00, 0x0d, 0x00, 0x0a, 0x00, 0x08, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x08, 0x07,
    0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c,                                 /* alpn */
    0x02, 'h', '2', 0x08, 'h', 't', 't', 'p', '/', '1', '.', '1',
    0x00, 0x2b, 0x00, 0x07, 0x06, 0x3a, 0x3a, 0x03, 0x04, 0x03, 0x03,   /* supported_versions */
    0x00, 0x2d, 0x00, 0x02, 0x01, 0x01,                                 /* psk_dhe_ke */
    0x00, 0x33, 0x00, 0x2b, 0x00, 0x29,                                 /* key_share */
    0x2a, 0x2a, 0x00, 0x01, 0x00,                                       /* GREASE share */
    0x00, 0x1d, 0x00, 0x20, KEY32_77,                                   /* x25519 share */
    0x00, 0x17, 0x00, 0x00,                                             /* EMS */
};

static const uint8_t sh13[] = {
    0x02, 0x00, 0x00, 0x76, 0x03, 0x03, RANDOM_00_1F, 0x20, SID_E0_FF,
    0x13, 0x01, 0x00,
    0x00, 0x2e,
    0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
    0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20, KEY32_77,
};

static const uint8_t hrr[] = {
    0x02, 0x00, 0x00, 0x5e, 0x03, 0x03,
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
    0x20, SID_E0_FF, 0x13, 0x02, 0x00,
    0x00, 0x16,
    0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
    0x00, 0x33, 0x00, 0x02, 0x00, 0x18,                         /* requests secp384r1 */
    0x00, 0x2c, 0x00, 0x06, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef, /* cookie */
};

static const uint8_t sh12[] = {
    0x02, 0x00, 0x00, 0x44, 0x03, 0x03, RANDOM_00_1F, 0x00,     /* no session id */
    0xc0, 0x2f, 0x00,
    0x00, 0x1c,
    0xff, 0x01, 0x00, 0x01, 0x00,                               /* renegotiation_info, empty */
    0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,                         /* ec_point_formats */
    0x00, 0x17, 0x00, 0x00,                                     /* EMS */
    0x00, 0x10, 0x00, 0x05, 0x00, 0x03, 0x02, 'h', '2',         /* alpn h2 */
    0x00, 0x23, 0x00, 0x00,                                     /* session_ticket */
};

/* SSLv3-style ServerHello: no extensions block at all. */
static const uint8_t sh_ssl3[] = {
    0x02, 0x00, 0x00, 0x26, 0x03, 0x00, RANDOM_00_1F, 0x00, 0x00, 0x2f, 0x00,
};

static const uint8_t ee13[] = {
    0x08, 0x00, 0x00, 0x0f, 0x00, 0x0d,
    0x00, 0x10, 0x00, 0x05, 0x00, 0x03, 0x02, 'h', '2',
    0x00, 0x00, 0x00, 0x00,
};

static const uint8_t cr13[] = {
    0x0d, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x19,
    0x00, 0x0d, 0x00, 0x06, 0x00, 0x04, 0x08, 0x04, 0x04, 0x03,
    0x00, 0x2f, 0x00, 0x0b, 0x00, 0x09, 0x00, 0x03, 0x30, 0x01, 0x02, 0x00, 0x02, 0x30, 0x00,
};

static const uint8_t cr12[] = {
    0x0d, 0x00, 0x00, 0x10, 0x02, 0x01, 0x40, 0x00, 0x04, 0x04, 0x01, 0x04, 0x03,
    0x00, 0x05, 0x00, 0x03, 0x30, 0x01, 0x02,
};

static const uint8_t cr10[] = {
    0x0d, 0x00, 0x00, 0x09, 0x01, 0x01, 0x00, 0x05, 0x00, 0x03, 0x30, 0x01, 0x02,
};
// clang-format on

/* ---- a tiny writer for the malformed variants ------------------------------------------ */

struct wbuf {
    uint8_t b[16384];
    size_t n;
    size_t marks[8];
    size_t depth;
};

static void w8(struct wbuf *w, unsigned v)
{
    assert_true(w->n < sizeof(w->b));
    w->b[w->n++] = (uint8_t)v;
}

static void w16(struct wbuf *w, unsigned v)
{
    w8(w, v >> 8);
    w8(w, v & 0xff);
}

static void wbytes(struct wbuf *w, const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        w8(w, ((const uint8_t *)p)[i]);
}

/* Opens a length-prefixed block of width bytes; wclose patches the length in. */
static void wopen(struct wbuf *w, size_t width)
{
    w->marks[w->depth++] = w->n | (width << 24);
    for (size_t i = 0; i < width; i++)
        w8(w, 0);
}

static void wclose(struct wbuf *w)
{
    size_t m = w->marks[--w->depth], width = m >> 24, at = m & 0xffffff;
    size_t len = w->n - at - width;
    for (size_t i = 0; i < width; i++)
        w->b[at + i] = (uint8_t)(len >> (8 * (width - 1 - i)));
}

/* A ClientHello header up to (not including) the extensions block. */
static void w_ch_start(struct wbuf *w)
{
    static const uint8_t random[32] = {0};
    memset(w, 0, sizeof(*w));
    w8(w, 1);
    wopen(w, 3);
    w16(w, 0x0303);
    wbytes(w, random, 32);
    w8(w, 0);
    w16(w, 2);
    w16(w, 0x1301);
    w8(w, 1);
    w8(w, 0);
}

/* A heap copy of exactly n bytes, so ASan sees any read past the end. */
static uint8_t *exact_copy(const uint8_t *p, size_t n)
{
    uint8_t *c = xmalloc(n ? n : 1);
    if (n)
        memcpy(c, p, n);
    return c;
}

static const struct name_value *nv_find(const struct name_value *nv, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(nv[i].name, name) == 0)
            return &nv[i];
    return NULL;
}

static void assert_nv(const struct name_value *nv, size_t n, const char *name, const char *value)
{
    const struct name_value *e = nv_find(nv, n, name);
    if (!e)
        fail_msg("no field \"%s\"", name);
    assert_string_equal(e->value, value);
}

/* ---- well-formed messages --------------------------------------------------------------- */

static void test_client_hello_13(void **state)
{
    (void)state;
    struct wire_hello h;
    const char *why = "unset";
    assert_int_equal(sizeof(ch13), 4 + 227);
    assert_int_equal(wire_parse_client_hello(ch13, sizeof(ch13), &h, &why), 0);
    assert_int_equal(h.msg_type, 1);
    assert_int_equal(h.legacy_version, 0x0303);
    for (int i = 0; i < 32; i++)
        assert_int_equal(h.random[i], i);
    assert_int_equal(h.session_id_len, 32);
    assert_int_equal(h.session_id[0], 0xe0);
    assert_int_equal(h.session_id[31], 0xff);
    static const uint16_t ciphers[] = {0x5a5a, 0x1301, 0x1302, 0x1303, 0xc02f};
    assert_int_equal(h.n_ciphers, N_OF(ciphers));
    assert_memory_equal(h.ciphers, ciphers, sizeof(ciphers));
    assert_int_equal(h.n_compressions, 1);
    assert_int_equal(h.compressions[0], 0);
    assert_true(h.has_extensions);
    static const uint16_t ext_types[] = {0x0a0a, 0, 10, 11, 13, 16, 43, 45, 51, 23};
    assert_int_equal(h.n_exts, N_OF(ext_types));
    for (size_t i = 0; i < N_OF(ext_types); i++)
        assert_int_equal(h.exts[i].type, ext_types[i]);
    assert_int_equal(h.exts[0].body.len, 0);
    /* spans point into the struct's own copy, not into the caller's buffer */
    assert_true(h.exts[1].body.data >= h.raw && h.exts[1].body.data < h.raw + h.raw_len);
    assert_int_equal(h.raw_len, sizeof(ch13));

    assert_int_equal(h.sni.len, 11);
    assert_memory_equal(h.sni.data, "example.com", 11);
    static const uint16_t groups[] = {0x2a2a, 29, 23, 24};
    assert_int_equal(h.n_groups, N_OF(groups));
    assert_memory_equal(h.groups, groups, sizeof(groups));
    static const uint16_t sigalgs[] = {0x0403, 0x0804, 0x0401, 0x0807};
    assert_int_equal(h.n_sigalgs, N_OF(sigalgs));
    assert_memory_equal(h.sigalgs, sigalgs, sizeof(sigalgs));
    static const uint16_t versions[] = {0x3a3a, 0x0304, 0x0303};
    assert_int_equal(h.n_versions, N_OF(versions));
    assert_memory_equal(h.versions, versions, sizeof(versions));
    static const uint16_t shares[] = {0x2a2a, 29};
    assert_int_equal(h.n_key_shares, N_OF(shares));
    assert_memory_equal(h.key_shares, shares, sizeof(shares));
    assert_int_equal(h.n_alpn, 2);
    assert_int_equal(h.alpn[0].len, 2);
    assert_memory_equal(h.alpn[0].data, "h2", 2);
    assert_int_equal(h.alpn[1].len, 8);
    assert_memory_equal(h.alpn[1].data, "http/1.1", 8);
    assert_int_equal(h.n_psk_modes, 1);
    assert_int_equal(h.psk_modes[0], 1);
    assert_int_equal(h.n_ec_point_formats, 1);
    assert_false(h.is_hello_retry_request);
    const struct wire_ext *ems = wire_hello_find_ext(&h, WIRE_EXT_EXTENDED_MASTER_SECRET);
    assert_non_null(ems);
    assert_int_equal(ems->body.len, 0);
    assert_null(wire_hello_find_ext(&h, WIRE_EXT_COOKIE));
    wire_hello_free(&h);
    assert_null(h.ciphers);
    assert_null(h.raw);
    wire_hello_free(&h); /* a freed hello may be freed again */
}

static void test_server_hello_13(void **state)
{
    (void)state;
    struct wire_hello h;
    assert_int_equal(wire_parse_server_hello(sh13, sizeof(sh13), &h, NULL), 0);
    assert_int_equal(h.msg_type, 2);
    assert_int_equal(h.legacy_version, 0x0303);
    assert_int_equal(h.selected_version, 0x0304);
    assert_int_equal(h.n_ciphers, 1);
    assert_int_equal(h.ciphers[0], 0x1301);
    assert_int_equal(h.compressions[0], 0);
    assert_int_equal(h.session_id_len, 32);
    assert_false(h.is_hello_retry_request);
    assert_int_equal(h.n_key_shares, 1);
    assert_int_equal(h.key_shares[0], 29);
    assert_int_equal(h.n_versions, 1);
    assert_int_equal(h.n_exts, 2);
    assert_int_equal(h.exts[0].type, 43);
    assert_int_equal(h.exts[1].type, 51);
    assert_int_equal(h.exts[1].body.len, 36);
    wire_hello_free(&h);

    /* A ServerHello is not a ClientHello and vice versa. */
    const char *why = NULL;
    assert_int_equal(wire_parse_client_hello(sh13, sizeof(sh13), &h, &why), -1);
    assert_non_null(why);
    assert_int_equal(wire_parse_server_hello(ch13, sizeof(ch13), &h, &why), -1);
}

static void test_hello_retry_request(void **state)
{
    (void)state;
    struct wire_hello h;
    assert_int_equal(wire_parse_server_hello(hrr, sizeof(hrr), &h, NULL), 0);
    assert_true(h.is_hello_retry_request);
    assert_memory_equal(h.random, wire_hrr_random, 32);
    assert_int_equal(h.ciphers[0], 0x1302);
    assert_int_equal(h.selected_version, 0x0304);
    assert_int_equal(h.n_key_shares, 1);
    assert_int_equal(h.key_shares[0], 24);
    const struct wire_ext *cookie = wire_hello_find_ext(&h, WIRE_EXT_COOKIE);
    assert_non_null(cookie);
    assert_int_equal(cookie->body.len, 6);
    wire_hello_free(&h);

    /* The same key_share body in a normal ServerHello is malformed (no key). */
    uint8_t *m = exact_copy(hrr, sizeof(hrr));
    m[6] ^= 1;
    const char *why = NULL;
    assert_int_equal(wire_parse_server_hello(m, sizeof(hrr), &h, &why), -1);
    assert_string_equal(why, "malformed key_share extension");
    free(m);
}

static void test_server_hello_12(void **state)
{
    (void)state;
    struct wire_hello h;
    assert_int_equal(wire_parse_server_hello(sh12, sizeof(sh12), &h, NULL), 0);
    assert_int_equal(h.legacy_version, 0x0303);
    assert_int_equal(h.selected_version, 0x0303);
    assert_int_equal(h.session_id_len, 0);
    assert_int_equal(h.ciphers[0], 0xc02f);
    assert_int_equal(h.n_versions, 0);
    assert_int_equal(h.n_key_shares, 0);
    assert_int_equal(h.n_alpn, 1);
    assert_memory_equal(h.alpn[0].data, "h2", 2);
    static const uint16_t types[] = {0xff01, 11, 23, 16, 35};
    assert_int_equal(h.n_exts, N_OF(types));
    for (size_t i = 0; i < N_OF(types); i++)
        assert_int_equal(h.exts[i].type, types[i]);
    wire_hello_free(&h);

    assert_int_equal(wire_parse_server_hello(sh_ssl3, sizeof(sh_ssl3), &h, NULL), 0);
    assert_int_equal(h.selected_version, 0x0300);
    assert_false(h.has_extensions);
    assert_int_equal(h.n_exts, 0);
    assert_int_equal(h.ciphers[0], 0x002f);
    wire_hello_free(&h);
}

static void test_certificate_request(void **state)
{
    (void)state;
    struct wire_cert_request cr;
    const char *why = NULL;
    assert_int_equal(wire_parse_certificate_request(cr13, sizeof(cr13), true, &cr, &why), 0);
    assert_int_equal(cr.context.len, 0);
    assert_int_equal(cr.n_sigalgs, 2);
    assert_int_equal(cr.sigalgs[0], 0x0804);
    assert_int_equal(cr.sigalgs[1], 0x0403);
    assert_int_equal(cr.n_ca_names, 2);
    assert_int_equal(cr.ca_names[0].len, 3);
    assert_memory_equal(cr.ca_names[0].data, "\x30\x01\x02", 3);
    assert_int_equal(cr.ca_names[1].len, 2);
    assert_int_equal(cr.n_exts, 2);
    wire_cert_request_free(&cr);

    assert_int_equal(wire_parse_certificate_request(cr12, sizeof(cr12), false, &cr, &why), 0);
    assert_int_equal(cr.n_cert_types, 2);
    assert_int_equal(cr.cert_types[0], 1);
    assert_int_equal(cr.cert_types[1], 64);
    assert_int_equal(cr.n_sigalgs, 2);
    assert_int_equal(cr.sigalgs[0], 0x0401);
    assert_int_equal(cr.n_ca_names, 1);
    assert_int_equal(cr.ca_names[0].len, 3);
    wire_cert_request_free(&cr);

    assert_int_equal(wire_parse_certificate_request(cr10, sizeof(cr10), false, &cr, &why), 0);
    assert_int_equal(cr.n_cert_types, 1);
    assert_int_equal(cr.n_sigalgs, 0);
    assert_null(cr.sigalgs);
    assert_int_equal(cr.n_ca_names, 1);
    wire_cert_request_free(&cr);

    /* The TLS 1.3 layout read as TLS 1.2 (and back) does not parse. */
    assert_int_equal(wire_parse_certificate_request(cr13, sizeof(cr13), false, &cr, &why), -1);
    assert_int_equal(wire_parse_certificate_request(cr12, sizeof(cr12), true, &cr, &why), -1);
    assert_null(cr.raw);
}

static void test_extension_list(void **state)
{
    (void)state;
    static const struct {
        const uint8_t *msg;
        size_t n;
        size_t count;
        uint16_t first;
    } cases[] = {
        {sh13, sizeof(sh13), 2, 43},      {hrr, sizeof(hrr), 3, 43},
        {sh12, sizeof(sh12), 5, 0xff01},  {ee13, sizeof(ee13), 2, 16},
        {ch13, sizeof(ch13), 10, 0x0a0a}, {sh_ssl3, sizeof(sh_ssl3), 0, 0},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        struct wire_ext_list l = {0};
        assert_int_equal(wire_parse_extension_list(cases[i].msg, cases[i].n, &l), 0);
        assert_int_equal(l.n, cases[i].count);
        if (l.n)
            assert_int_equal(l.types[0], cases[i].first);
        wire_ext_list_free(&l);
    }
    struct wire_ext_list l = {0};
    assert_int_equal(wire_parse_extension_list(cr13, sizeof(cr13), &l), -1);
    assert_int_equal(wire_parse_extension_list(ee13, sizeof(ee13) - 1, &l), -1);
    assert_int_equal(wire_parse_extension_list(NULL, 0, &l), -1);
    assert_null(l.types);
    wire_ext_list_free(&l);
}

static void test_fill_offered(void **state)
{
    (void)state;
    struct wire_hello h;
    struct offered o = {0};
    strlist_push(&o.ciphers, "stale"); /* replaced, not appended to */
    assert_int_equal(wire_parse_client_hello(ch13, sizeof(ch13), &h, NULL), 0);
    wire_fill_offered(&h, &o);
    wire_hello_free(&h);

    const struct {
        const struct strlist *l;
        const char *joined;
    } want[] = {
        {&o.versions, "TLSv1.3,TLSv1.2"},
        {&o.ciphers, "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256,"
                     "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
        {&o.ciphers_openssl, ",,,"},
        {&o.groups, "x25519,secp256r1,secp384r1"},
        {&o.key_shares, "x25519"},
        {&o.sigalgs, "ecdsa_secp256r1_sha256,rsa_pss_rsae_sha256,rsa_pkcs1_sha256,ed25519"},
        {&o.alpn, "h2,http/1.1"},
        {&o.extensions, "server_name,supported_groups,ec_point_formats,signature_algorithms,alpn,"
                        "supported_versions,psk_key_exchange_modes,key_share,"
                        "extended_master_secret"},
    };
    for (size_t i = 0; i < N_OF(want); i++) {
        char *s = strlist_join(want[i].l, ",");
        assert_string_equal(s, want[i].joined);
        free(s);
    }
    assert_int_equal(o.ciphers.len, o.ciphers_openssl.len);
    assert_int_equal(o.client_hello_len, sizeof(ch13));

    /* Without supported_versions the legacy version is what was offered. */
    struct wbuf w;
    w_ch_start(&w);
    wclose(&w);
    w.b[4] = 0x03, w.b[5] = 0x01;
    assert_int_equal(wire_parse_client_hello(w.b, w.n, &h, NULL), 0);
    wire_fill_offered(&h, &o);
    wire_hello_free(&h);
    assert_int_equal(o.versions.len, 1);
    assert_string_equal(o.versions.items[0], "TLSv1");
    assert_int_equal(o.extensions.len, 0);
    assert_int_equal(o.alpn.len, 0);

    struct strlist *all[] = {&o.versions, &o.ciphers, &o.ciphers_openssl, &o.groups, &o.key_shares,
                             &o.sigalgs,  &o.alpn,    &o.extensions};
    for (size_t i = 0; i < N_OF(all); i++)
        strlist_free(all[i]);
}

/* ---- hostile input ---------------------------------------------------------------------- */

struct sample {
    const char *what;
    const uint8_t *msg;
    size_t n;
    bool tls13;
};

static const struct sample samples[] = {
    {"ch13", ch13, sizeof(ch13), true},
    {"sh13", sh13, sizeof(sh13), true},
    {"hrr", hrr, sizeof(hrr), true},
    {"sh12", sh12, sizeof(sh12), false},
    {"sh_ssl3", sh_ssl3, sizeof(sh_ssl3), false},
    {"ee13", ee13, sizeof(ee13), true},
    {"cr13", cr13, sizeof(cr13), true},
    {"cr12", cr12, sizeof(cr12), false},
    {"cr10", cr10, sizeof(cr10), false},
};

/* Runs every parser that applies to msg[0] and the detail view; returns the result of the
 * main parser for that type (hello, certificate request, extension list). Every failure
 * must leave nothing allocated behind. */
static int parse_any(const uint8_t *msg, size_t n, bool tls13)
{
    int rc = -1;
    const char *why = NULL;
    struct wire_hello h;
    struct wire_cert_request cr;
    struct wire_ext_list l = {0};
    if (n && msg[0] == 1)
        rc = wire_parse_client_hello(msg, n, &h, &why);
    else if (n && msg[0] == 2)
        rc = wire_parse_server_hello(msg, n, &h, &why);
    if (n && (msg[0] == 1 || msg[0] == 2)) {
        if (rc == 0) {
            wire_hello_free(&h);
        } else {
            assert_non_null(why);
            assert_null(h.raw);
            assert_null(h.ciphers);
            assert_int_equal(h.n_exts, 0);
        }
    }
    if (n && msg[0] == 13) {
        rc = wire_parse_certificate_request(msg, n, tls13, &cr, &why);
        if (rc == 0)
            wire_cert_request_free(&cr);
        else
            assert_null(cr.raw);
    }
    int ext_rc = wire_parse_extension_list(msg, n, &l);
    if (ext_rc == 0)
        wire_ext_list_free(&l);
    else
        assert_null(l.types);
    if (n && msg[0] == 8)
        rc = ext_rc;
    size_t count = 0;
    struct name_value *nv = wire_describe(msg, n, tls13, &count);
    assert_true(count > 0);
    for (size_t i = 0; i < count; i++)
        assert_true(nv[i].name && nv[i].value);
    wire_describe_free(nv, count);
    return rc;
}

static void test_truncation_every_length(void **state)
{
    (void)state;
    for (size_t s = 0; s < N_OF(samples); s++) {
        const struct sample *sm = &samples[s];
        assert_int_equal(parse_any(sm->msg, sm->n, sm->tls13), 0);
        size_t refixed_ok = 0;
        for (size_t len = 0; len < sm->n; len++) {
            /* a plain prefix: the header promises more than there is */
            uint8_t *m = exact_copy(sm->msg, len);
            assert_int_equal(parse_any(m, len, sm->tls13), -1);
            /* the same prefix with the header length made consistent: reaches the body
             * parsers, which must stop at the end of the body */
            if (len >= 4) {
                size_t body = len - 4;
                m[1] = (uint8_t)(body >> 16), m[2] = (uint8_t)(body >> 8), m[3] = (uint8_t)body;
                if (parse_any(m, len, sm->tls13) == 0)
                    refixed_ok++;
            }
            free(m);
        }
        /* Only cuts at a natural end (e.g. before an optional extensions block) may parse. */
        assert_true(refixed_ok <= 2);
    }
}

static void test_mutations_never_crash(void **state)
{
    (void)state;
    uint32_t seed = 0x2545F491;
    for (size_t s = 0; s < N_OF(samples); s++) {
        const struct sample *sm = &samples[s];
        for (int iter = 0; iter < 3000; iter++) {
            uint8_t *m = exact_copy(sm->msg, sm->n);
            int flips = 1 + iter % 4;
            for (int f = 0; f < flips; f++) {
                seed = seed * 1664525u + 1013904223u;
                size_t at = 4 + (seed >> 8) % (sm->n - 4);
                seed = seed * 1664525u + 1013904223u;
                m[at] = (uint8_t)(iter & 1 ? seed >> 24 : m[at] ^ (1u << ((seed >> 24) & 7)));
            }
            parse_any(m, sm->n, sm->tls13);
            parse_any(m, sm->n, !sm->tls13);
            free(m);
        }
    }
}

static void expect_ch_rejected(struct wbuf *w, const char *reason)
{
    struct wire_hello h;
    const char *why = NULL;
    uint8_t *m = exact_copy(w->b, w->n);
    int rc = wire_parse_client_hello(m, w->n, &h, &why);
    free(m);
    if (rc == 0) {
        wire_hello_free(&h);
        fail_msg("accepted a ClientHello that should fail with \"%s\"", reason);
    }
    if (reason)
        assert_string_equal(why, reason);
}

static void test_reject_overflowing_lengths(void **state)
{
    (void)state;
    struct wbuf w;

    /* an extension whose length runs past the end of the block */
    w_ch_start(&w);
    wopen(&w, 2);
    w16(&w, 0x0017);
    w16(&w, 0x00ff);
    wclose(&w);
    wclose(&w);
    expect_ch_rejected(&w, "extension length runs past the end of the extensions block");

    /* odd cipher suite list */
    memset(&w, 0, sizeof(w));
    w8(&w, 1);
    wopen(&w, 3);
    w16(&w, 0x0303);
    for (int i = 0; i < 32; i++)
        w8(&w, 0);
    w8(&w, 0);
    w16(&w, 3);
    w16(&w, 0x1301);
    w8(&w, 0x13);
    w8(&w, 1);
    w8(&w, 0);
    wclose(&w);
    expect_ch_rejected(&w, "malformed cipher_suites list (empty, odd or too long)");

    /* session id longer than 32 */
    memset(&w, 0, sizeof(w));
    w8(&w, 1);
    wopen(&w, 3);
    w16(&w, 0x0303);
    for (int i = 0; i < 32 + 1 + 33; i++)
        w8(&w, i == 32 ? 33 : 0);
    w16(&w, 2);
    w16(&w, 0x1301);
    w8(&w, 1);
    w8(&w, 0);
    wclose(&w);
    expect_ch_rejected(&w, "session_id longer than 32 bytes or truncated");

    /* odd list inside supported_groups */
    w_ch_start(&w);
    wopen(&w, 2);
    w16(&w, 10);
    wopen(&w, 2);
    wopen(&w, 2);
    w16(&w, 29);
    w8(&w, 23);
    wclose(&w);
    wclose(&w);
    wclose(&w);
    wclose(&w);
    expect_ch_rejected(&w, "malformed supported_groups extension");

    /* supported_versions whose inner length disagrees with the extension length */
    w_ch_start(&w);
    wopen(&w, 2);
    w16(&w, 43);
    wopen(&w, 2);
    w8(&w, 4);
    w16(&w, 0x0304);
    wclose(&w);
    wclose(&w);
    wclose(&w);
    expect_ch_rejected(&w, "malformed supported_versions extension");

    /* a key share whose key runs past its list */
    w_ch_start(&w);
    wopen(&w, 2);
    w16(&w, 51);
    wopen(&w, 2);
    wopen(&w, 2);
    w16(&w, 29);
    w16(&w, 32);
    w16(&w, 0);
    wclose(&w);
    wclose(&w);
    wclose(&w);
    wclose(&w);
    expect_ch_rejected(&w, "malformed key_share extension");
}

static void test_reject_bad_extension_blocks(void **state)
{
    (void)state;
    struct wbuf w;

    /* duplicate extension */
    w_ch_start(&w);
    wopen(&w, 2);
    w16(&w, 23), w16(&w, 0), w16(&w, 23), w16(&w, 0);
    wclose(&w);
    wclose(&w);
    expect_ch_rejected(&w, "duplicate extension");

    /* extensions block shorter than what follows it */
    w_ch_start(&w);
    w16(&w, 4);
    w16(&w, 23), w16(&w, 0), w16(&w, 22), w16(&w, 0);
    wclose(&w);
    expect_ch_rejected(&w, "trailing bytes after the extensions");

    /* empty ALPN name, empty SNI */
    w_ch_start(&w);
    wopen(&w, 2);
    w16(&w, 16), w16(&w, 5), w16(&w, 3), w8(&w, 0), w8(&w, 1), w8(&w, 'x');
    wclose(&w);
    wclose(&w);
    expect_ch_rejected(&w, "malformed alpn extension");
    w_ch_start(&w);
    wopen(&w, 2);
    w16(&w, 0), w16(&w, 0);
    wclose(&w);
    wclose(&w);
    expect_ch_rejected(&w, "malformed server_name extension");

    /* too many extensions, too long a list */
    w_ch_start(&w);
    wopen(&w, 2);
    for (unsigned t = 0; t <= WIRE_EXT_MAX; t++)
        w16(&w, 0x1000 + t), w16(&w, 0);
    wclose(&w);
    wclose(&w);
    expect_ch_rejected(&w, "too many extensions");
    w_ch_start(&w);
    wopen(&w, 2);
    w16(&w, 10);
    wopen(&w, 2);
    wopen(&w, 2);
    for (unsigned i = 0; i <= WIRE_LIST_MAX; i++)
        w16(&w, 29);
    wclose(&w);
    wclose(&w);
    wclose(&w);
    wclose(&w);
    expect_ch_rejected(&w, "malformed supported_groups extension");
}

static void test_reject_bad_headers_and_server_alpn(void **state)
{
    (void)state;

    /* the message header: too short, wrong length, trailing bytes */
    struct wire_hello h;
    const char *why = NULL;
    uint8_t extra[sizeof(ch13) + 1];
    memcpy(extra, ch13, sizeof(ch13));
    extra[sizeof(ch13)] = 0;
    assert_int_equal(wire_parse_client_hello(extra, sizeof(extra), &h, &why), -1);
    assert_string_equal(why, "trailing bytes after the handshake message");
    assert_int_equal(wire_parse_client_hello(ch13, 3, &h, &why), -1);
    assert_string_equal(why, "shorter than a handshake message header");
    assert_int_equal(wire_parse_client_hello(NULL, 0, &h, &why), -1);

    /* ServerHello: ALPN must name exactly one protocol */
    struct wbuf w;
    static const uint8_t random[32] = {1};
    memset(&w, 0, sizeof(w));
    w8(&w, 2);
    wopen(&w, 3);
    w16(&w, 0x0303);
    wbytes(&w, random, 32);
    w8(&w, 0), w16(&w, 0xc02f), w8(&w, 0);
    wopen(&w, 2);
    w16(&w, WIRE_EXT_ALPN);
    wopen(&w, 2);
    wopen(&w, 2);
    wbytes(&w, "\x02h2\x02h3", 6);
    wclose(&w);
    wclose(&w);
    wclose(&w);
    wclose(&w);
    assert_int_equal(wire_parse_server_hello(w.b, w.n, &h, &why), -1);
    assert_string_equal(why, "malformed alpn extension");

    /* ... and its one name must fill the list: "h2" claimed as 1 byte leaves a stray '2' */
    uint8_t sh[sizeof(sh12)];
    memcpy(sh, sh12, sizeof(sh));
    assert_int_equal(wire_parse_server_hello(sh, sizeof(sh), &h, NULL), 0);
    wire_hello_free(&h);
    sh[sizeof(sh) - 4 - 3] = 1;
    assert_int_equal(wire_parse_server_hello(sh, sizeof(sh), &h, &why), -1);
    assert_string_equal(why, "malformed alpn extension");
}

/* ---- names ------------------------------------------------------------------------------ */

static void test_names_known_and_unknown(void **state)
{
    (void)state;
    char buf[WIRE_NAME_BUF];
    static const struct {
        const char *(*fn)(uint16_t, char *, size_t);
        uint16_t code;
        const char *name;
    } cases[] = {
        {wire_cipher_name, 0x0000, "TLS_NULL_WITH_NULL_NULL"},
        {wire_cipher_name, 0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"},
        {wire_cipher_name, 0x0018, "TLS_DH_anon_WITH_RC4_128_MD5"},
        {wire_cipher_name, 0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA"},
        {wire_cipher_name, 0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"},
        {wire_cipher_name, 0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256"},
        {wire_cipher_name, 0x00FF, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"},
        {wire_cipher_name, 0x1301, "TLS_AES_128_GCM_SHA256"},
        {wire_cipher_name, 0x1305, "TLS_AES_128_CCM_8_SHA256"},
        {wire_cipher_name, 0x5600, "TLS_FALLBACK_SCSV"},
        {wire_cipher_name, 0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
        {wire_cipher_name, 0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
        {wire_cipher_name, 0xC09C, "TLS_RSA_WITH_AES_128_CCM"},
        {wire_cipher_name, 0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8"},
        {wire_cipher_name, 0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
        {wire_cipher_name, 0xCCAE, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256"},
        {wire_cipher_name, 0xD001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256"},
        {wire_cipher_name, 0xD005, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256"},
        {wire_cipher_name, 0x0A0A, "GREASE"},
        {wire_cipher_name, 0xFAFA, "GREASE"},
        {wire_cipher_name, 0xD004, "0xD004"},
        {wire_cipher_name, 0x1234, "0x1234"},
        {wire_cipher_name, 0x0A1A, "0x0A1A"}, /* not GREASE: the two bytes differ */
        {wire_group_name, 29, "x25519"},
        {wire_group_name, 30, "x448"},
        {wire_group_name, 23, "secp256r1"},
        {wire_group_name, 24, "secp384r1"},
        {wire_group_name, 25, "secp521r1"},
        {wire_group_name, 256, "ffdhe2048"},
        {wire_group_name, 260, "ffdhe8192"},
        {wire_group_name, 31, "brainpoolP256r1tls13"},
        {wire_group_name, 0x11EC, "X25519MLKEM768"},
        {wire_group_name, 0x2A2A, "GREASE"},
        {wire_group_name, 0x0300, "0x0300"},
        {wire_sigalg_name, 0x0401, "rsa_pkcs1_sha256"},
        {wire_sigalg_name, 0x0804, "rsa_pss_rsae_sha256"},
        {wire_sigalg_name, 0x0809, "rsa_pss_pss_sha256"},
        {wire_sigalg_name, 0x0403, "ecdsa_secp256r1_sha256"},
        {wire_sigalg_name, 0x0807, "ed25519"},
        {wire_sigalg_name, 0x0808, "ed448"},
        {wire_sigalg_name, 0x0201, "rsa_pkcs1_sha1"},
        {wire_sigalg_name, 0x0203, "ecdsa_sha1"},
        {wire_sigalg_name, 0x0301, "sha224+rsa"},
        {wire_sigalg_name, 0x0303, "sha224+ecdsa"},
        {wire_sigalg_name, 0x0402, "sha256+dsa"},
        {wire_sigalg_name, 0x0000, "0x0000"},
        {wire_extension_name, 0, "server_name"},
        {wire_extension_name, 5, "status_request"},
        {wire_extension_name, 16, "alpn"},
        {wire_extension_name, 18, "signed_certificate_timestamp"},
        {wire_extension_name, 21, "padding"},
        {wire_extension_name, 27, "compress_certificate"},
        {wire_extension_name, 28, "record_size_limit"},
        {wire_extension_name, 35, "session_ticket"},
        {wire_extension_name, 41, "pre_shared_key"},
        {wire_extension_name, 44, "cookie"},
        {wire_extension_name, 47, "certificate_authorities"},
        {wire_extension_name, 49, "post_handshake_auth"},
        {wire_extension_name, 50, "signature_algorithms_cert"},
        {wire_extension_name, 51, "key_share"},
        {wire_extension_name, 0xFF01, "renegotiation_info"},
        {wire_extension_name, 0xFE0D, "encrypted_client_hello"},
        {wire_extension_name, 0xDADA, "GREASE"},
        {wire_extension_name, 0x0028, "0x0028"},
        {wire_version_name, 0x0300, "SSLv3"},
        {wire_version_name, 0x0301, "TLSv1"},
        {wire_version_name, 0x0302, "TLSv1.1"},
        {wire_version_name, 0x0303, "TLSv1.2"},
        {wire_version_name, 0x0304, "TLSv1.3"},
        {wire_version_name, 0x7F1C, "TLSv1.3-draft28"},
        {wire_version_name, 0x3A3A, "GREASE"},
        {wire_version_name, 0x0305, "0x0305"},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        memset(buf, 'Z', sizeof(buf));
        const char *got = cases[i].fn(cases[i].code, buf, sizeof(buf));
        if (strcmp(got, cases[i].name) != 0)
            fail_msg("0x%04X: got \"%s\", want \"%s\"", cases[i].code, got, cases[i].name);
    }
    /* No buffer (or too small a one): unknown values come back as a static "unknown". */
    assert_string_equal(wire_cipher_name(0x1234, NULL, 0), "unknown");
    assert_string_equal(wire_group_name(0x0300, buf, 4), "unknown");
    assert_string_equal(wire_cipher_name(0x1301, NULL, 0), "TLS_AES_128_GCM_SHA256");

    static const struct {
        uint8_t type;
        const char *name;
    } hs[] = {
        {0, "HelloRequest"},        {1, "ClientHello"},      {2, "ServerHello"},
        {3, "HelloVerifyRequest"},  {4, "NewSessionTicket"}, {5, "EndOfEarlyData"},
        {8, "EncryptedExtensions"}, {11, "Certificate"},     {12, "ServerKeyExchange"},
        {13, "CertificateRequest"}, {14, "ServerHelloDone"}, {15, "CertificateVerify"},
        {16, "ClientKeyExchange"},  {20, "Finished"},        {22, "CertificateStatus"},
        {24, "KeyUpdate"},          {254, "MessageHash"},    {99, "Unknown"},
    };
    for (size_t i = 0; i < N_OF(hs); i++)
        assert_string_equal(wire_handshake_name(hs[i].type), hs[i].name);
}

static void test_grease_and_scsv(void **state)
{
    (void)state;
    size_t grease = 0;
    for (uint32_t v = 0; v <= 0xFFFF; v++)
        if (wire_is_grease((uint16_t)v)) {
            grease++;
            assert_int_equal(v & 0x0F0F, 0x0A0A);
            assert_true(wire_cipher_is_grease((uint16_t)v));
        }
    assert_int_equal(grease, 16);
    assert_true(wire_cipher_is_scsv(0x00FF));
    assert_true(wire_cipher_is_scsv(0x5600));
    assert_false(wire_cipher_is_scsv(0x1301));
    assert_false(wire_cipher_is_scsv(0x0A0A));
    assert_true(wire_cipher_known(0xC02F));
    assert_false(wire_cipher_known(0x0A0A));
    assert_false(wire_cipher_known(0xD004));
}

static void test_reverse_lookups(void **state)
{
    (void)state;
    static const struct {
        int (*fn)(const char *, uint16_t *);
        const char *name;
        int rc;
        uint16_t code;
    } cases[] = {
        {wire_cipher_from_name, "TLS_AES_256_GCM_SHA384", 0, 0x1302},
        {wire_cipher_from_name, "tls_ecdhe_rsa_with_aes_128_gcm_sha256", 0, 0xC02F},
        {wire_cipher_from_name, "TLS_DH_anon_WITH_AES_128_CBC_SHA", 0, 0x0034},
        {wire_cipher_from_name, "TLS_FALLBACK_SCSV", 0, 0x5600},
        {wire_cipher_from_name, "0xc030", 0, 0xC030},
        {wire_cipher_from_name, "0x13011", -1, 0},
        {wire_cipher_from_name, "0x", -1, 0},
        {wire_cipher_from_name, "ECDHE-RSA-AES128-GCM-SHA256", -1, 0}, /* OpenSSL's, not IANA */
        {wire_cipher_from_name, "GREASE", -1, 0},
        {wire_cipher_from_name, "", -1, 0},
        {wire_group_from_name, "x25519", 0, 29},
        {wire_group_from_name, "X25519", 0, 29},
        {wire_group_from_name, "P-256", 0, 23},
        {wire_group_from_name, "prime256v1", 0, 23},
        {wire_group_from_name, "secp384r1", 0, 24},
        {wire_group_from_name, "ffdhe3072", 0, 257},
        {wire_group_from_name, "X25519MLKEM768", 0, 0x11EC},
        {wire_group_from_name, "curve9000", -1, 0},
        {wire_sigalg_from_name, "rsa_pss_rsae_sha384", 0, 0x0805},
        {wire_sigalg_from_name, "ED25519", 0, 0x0807},
        {wire_sigalg_from_name, "sha224+rsa", 0, 0x0301},
        {wire_sigalg_from_name, "RSA+SHA256", 0, 0x0401},
        {wire_sigalg_from_name, "ECDSA+SHA384", 0, 0x0503},
        {wire_sigalg_from_name, "RSA-PSS+SHA256", 0, 0x0804},
        {wire_sigalg_from_name, "rsa+sha1", 0, 0x0201},
        {wire_sigalg_from_name, "RSA-PSS+SHA1", -1, 0},
        {wire_sigalg_from_name, "rsa+rsa", -1, 0},
        {wire_sigalg_from_name, "sha256+rsa+x", -1, 0},
        {wire_sigalg_from_name, "nope", -1, 0},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        uint16_t code = 0xEEEE;
        int rc = cases[i].fn(cases[i].name, &code);
        if (rc != cases[i].rc || (rc == 0 && code != cases[i].code))
            fail_msg("\"%s\": rc %d code 0x%04X", cases[i].name, rc, code);
    }
    uint16_t code;
    assert_int_equal(wire_cipher_from_name(NULL, &code), -1);

    /* Every named code point round-trips: names are unique within a registry. */
    static const struct {
        const char *(*name)(uint16_t, char *, size_t);
        int (*lookup)(const char *, uint16_t *);
        size_t min_known;
    } regs[] = {
        {wire_cipher_name, wire_cipher_from_name, 340},
        {wire_group_name, wire_group_from_name, 50},
        {wire_sigalg_name, wire_sigalg_from_name, 40},
    };
    for (size_t r = 0; r < N_OF(regs); r++) {
        size_t known = 0;
        for (uint32_t v = 0; v <= 0xFFFF; v++) {
            char buf[WIRE_NAME_BUF];
            const char *n = regs[r].name((uint16_t)v, buf, sizeof(buf));
            if (n == buf || wire_is_grease((uint16_t)v))
                continue;
            known++;
            assert_int_equal(regs[r].lookup(n, &code), 0);
            if (code != v)
                fail_msg("\"%s\" → 0x%04X, expected 0x%04X", n, code, v);
        }
        assert_true(known >= regs[r].min_known);
    }
}

/* ---- describe and hexdump --------------------------------------------------------------- */

static void test_describe_hellos(void **state)
{
    (void)state;
    size_t n;
    struct name_value *nv = wire_describe(ch13, sizeof(ch13), true, &n);
    assert_nv(nv, n, "type", "ClientHello (1)");
    assert_nv(nv, n, "length", "227 bytes");
    assert_nv(nv, n, "legacy_version", "TLSv1.2 (0x0303)");
    assert_nv(nv, n, "random", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    assert_nv(nv, n, "cipher_suites",
              "5: GREASE, TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, "
              "TLS_CHACHA20_POLY1305_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assert_nv(nv, n, "extensions", "10");
    assert_nv(nv, n, "server_name", "example.com");
    assert_nv(nv, n, "supported_groups", "GREASE, x25519, secp256r1, secp384r1");
    assert_nv(nv, n, "ec_point_formats", "uncompressed");
    assert_nv(nv, n, "signature_algorithms",
              "ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256, ed25519");
    assert_nv(nv, n, "alpn", "h2, http/1.1");
    assert_nv(nv, n, "supported_versions", "GREASE, TLSv1.3, TLSv1.2");
    assert_nv(nv, n, "psk_key_exchange_modes", "psk_dhe_ke");
    assert_nv(nv, n, "key_share", "GREASE (1 bytes), x25519 (32 bytes)");
    assert_nv(nv, n, "extended_master_secret", "(empty)");
    assert_nv(nv, n, "GREASE", "(empty)");
    assert_null(nv_find(nv, n, "error"));
    wire_describe_free(nv, n);

    nv = wire_describe(sh13, sizeof(sh13), true, &n);
    assert_nv(nv, n, "type", "ServerHello (2)");
    assert_nv(nv, n, "cipher_suite", "TLS_AES_128_GCM_SHA256 (0x1301)");
    assert_nv(nv, n, "selected_version", "TLSv1.3");
    assert_nv(nv, n, "key_share", "x25519 (32 bytes)");
    assert_nv(nv, n, "supported_versions", "TLSv1.3");
    assert_null(nv_find(nv, n, "hello_retry_request"));
    wire_describe_free(nv, n);

    nv = wire_describe(hrr, sizeof(hrr), true, &n);
    assert_nv(nv, n, "random", "HelloRetryRequest marker");
    assert_nv(nv, n, "hello_retry_request", "yes");
    assert_nv(nv, n, "key_share", "requested secp384r1");
    assert_nv(nv, n, "cookie", "6 bytes");
    wire_describe_free(nv, n);

    nv = wire_describe(sh12, sizeof(sh12), false, &n);
    assert_nv(nv, n, "session_id", "(empty)");
    assert_nv(nv, n, "selected_version", "TLSv1.2");
    assert_nv(nv, n, "renegotiation_info", "empty");
    assert_nv(nv, n, "alpn", "h2");
    assert_nv(nv, n, "session_ticket", "(empty)");
    wire_describe_free(nv, n);

    /* peer bytes are UTF-8 repaired */
    struct wbuf w;
    w_ch_start(&w);
    wopen(&w, 2);
    w16(&w, 0);
    wopen(&w, 2);
    wopen(&w, 2);
    w8(&w, 0);
    wopen(&w, 2);
    wbytes(&w, "a\xff\x1b", 3);
    wclose(&w);
    wclose(&w);
    wclose(&w);
    wclose(&w);
    wclose(&w);
    nv = wire_describe(w.b, w.n, false, &n);
    assert_nv(nv, n, "server_name", "a\\xFF\x1b");
    wire_describe_free(nv, n);

    /* malformed input: what was decoded plus an error */
    nv = wire_describe(ch13, sizeof(ch13) - 1, true, &n);
    assert_nv(nv, n, "type", "ClientHello (1)");
    assert_nv(nv, n, "error", "handshake message truncated (length runs past the data)");
    wire_describe_free(nv, n);
    nv = wire_describe(ch13, 2, true, &n);
    assert_int_equal(n, 1);
    assert_nv(nv, n, "error", "shorter than a handshake message header");
    wire_describe_free(nv, n);
}

static void test_describe_other_messages(void **state)
{
    (void)state;
    static const uint8_t nst13[] = {0x04, 0x00, 0x00, 0x1a, 0x00, 0x00, 0x1c, 0x20, 0xde, 0xad,
                                    0xbe, 0xef, 0x01, 0x00, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04,
                                    0x00, 0x08, 0x00, 0x2a, 0x00, 0x04, 0x00, 0x00, 0x40, 0x00};
    static const uint8_t nst12[] = {0x04, 0x00, 0x00, 0x09, 0x00, 0x00, 0x0e,
                                    0x10, 0x00, 0x03, 0xaa, 0xbb, 0xcc};
    static const uint8_t cert13[] = {0x0b, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00, 0x0e,
                                     0x00, 0x00, 0x03, 0x30, 0x01, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0x01, 0x30, 0x00, 0x00};
    static const uint8_t cert12[] = {0x0b, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x08, 0x00,
                                     0x00, 0x02, 0x30, 0x00, 0x00, 0x00, 0x00};
    static const uint8_t cv13[] = {0x0f, 0x00, 0x00, 0x06, 0x08, 0x04, 0x00, 0x02, 0xaa, 0xbb};
    static const uint8_t cv10[] = {0x0f, 0x00, 0x00, 0x04, 0x00, 0x02, 0xaa, 0xbb};
    static const uint8_t ske_ec[] = {0x0c, 0x00, 0x00, 0x0d, 0x03, 0x00, 0x17, 0x03, 0x04,
                                     0x01, 0x02, 0x04, 0x03, 0x00, 0x02, 0xaa, 0xbb};
    static const uint8_t ske_dh[] = {0x0c, 0x00, 0x00, 0x10, 0x00, 0x02, 0x00, 0xc1, 0x00, 0x01,
                                     0x02, 0x00, 0x01, 0x05, 0x02, 0x01, 0x00, 0x02, 0xaa, 0xbb};
    static const uint8_t ske_junk[] = {0x0c, 0x00, 0x00, 0x03, 0x03, 0x00, 0x17};
    static const uint8_t fin[] = {0x14, 0x00, 0x00, 0x03, 1, 2, 3};
    static const uint8_t ku[] = {0x18, 0x00, 0x00, 0x01, 0x01};
    static const uint8_t status[] = {0x16, 0x00, 0x00, 0x06, 0x01, 0x00, 0x00, 0x02, 0x30, 0x00};
    static const uint8_t done[] = {0x0e, 0x00, 0x00, 0x00};
    static const struct {
        const uint8_t *msg;
        size_t n;
        bool tls13;
        const char *name, *value;
    } cases[] = {
        {nst13, sizeof(nst13), true, "ticket_lifetime", "7200 s"},
        {nst13, sizeof(nst13), true, "ticket_age_add", "0xdeadbeef"},
        {nst13, sizeof(nst13), true, "ticket_nonce", "1 bytes"},
        {nst13, sizeof(nst13), true, "ticket", "4 bytes"},
        {nst13, sizeof(nst13), true, "early_data", "max_early_data_size 16384"},
        {nst12, sizeof(nst12), false, "ticket_lifetime_hint", "3600 s"},
        {nst12, sizeof(nst12), false, "ticket", "3 bytes"},
        {cert13, sizeof(cert13), true, "certificates", "2"},
        {cert13, sizeof(cert13), true, "certificate[0]", "3 bytes, 0 bytes of extensions"},
        {cert13, sizeof(cert13), true, "certificate[1]", "1 bytes, 0 bytes of extensions"},
        {cert12, sizeof(cert12), false, "certificates", "2"},
        {cert12, sizeof(cert12), false, "certificate[0]", "2 bytes"},
        {cert12, sizeof(cert12), false, "certificate[1]", "0 bytes"},
        {cv13, sizeof(cv13), true, "signature_scheme", "rsa_pss_rsae_sha256 (0x0804)"},
        {cv13, sizeof(cv13), true, "signature", "2 bytes"},
        {cv10, sizeof(cv10), false, "signature", "2 bytes"},
        {ske_ec, sizeof(ske_ec), false, "named_group", "secp256r1"},
        {ske_ec, sizeof(ske_ec), false, "public_key", "3 bytes"},
        {ske_ec, sizeof(ske_ec), false, "signature_scheme", "ecdsa_secp256r1_sha256 (0x0403)"},
        {ske_dh, sizeof(ske_dh), false, "dh_p", "8 bits"},
        {ske_dh, sizeof(ske_dh), false, "dh_g", "1 bytes"},
        {ske_dh, sizeof(ske_dh), false, "signature_scheme", "rsa_pkcs1_sha1 (0x0201)"},
        {ske_junk, sizeof(ske_junk), false, "parameters",
         "not parseable (RSA export, PSK or unknown layout)"},
        {fin, sizeof(fin), true, "verify_data", "3 bytes"},
        {ku, sizeof(ku), true, "request_update", "update_requested"},
        {status, sizeof(status), false, "status_type", "ocsp"},
        {status, sizeof(status), false, "response", "2 bytes"},
        {done, sizeof(done), false, "type", "ServerHelloDone (14)"},
        {ee13, sizeof(ee13), true, "alpn", "h2"},
        {ee13, sizeof(ee13), true, "server_name", "(acknowledged)"},
        {cr13, sizeof(cr13), true, "signature_algorithms",
         "rsa_pss_rsae_sha256, ecdsa_secp256r1_sha256"},
        {cr13, sizeof(cr13), true, "certificate_authorities", "2"},
        {cr12, sizeof(cr12), false, "certificate_types", "rsa_sign, ecdsa_sign"},
        {cr12, sizeof(cr12), false, "certificate_authorities", "1"},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        size_t n;
        struct name_value *nv = wire_describe(cases[i].msg, cases[i].n, cases[i].tls13, &n);
        const struct name_value *e = nv_find(nv, n, cases[i].name);
        const struct name_value *err = nv_find(nv, n, "error");
        if (!e || strcmp(e->value, cases[i].value) != 0 || err)
            fail_msg("case %zu: %s = \"%s\" (error: %s)", i, cases[i].name,
                     e ? e->value : "(missing)", err ? err->value : "none");
        wire_describe_free(nv, n);
    }
}

static void test_hexdump(void **state)
{
    (void)state;
    static const uint8_t data[] = {0x16, 0x03, 0x01, 0x00, 0xa5, 'H', 'e',  'l', 'l',
                                   'o',  0x00, 0x7f, 0x80, ' ',  '~', 0x1b, 'A', 'B'};
    struct strbuf sb = {0};
    wire_hexdump(data, sizeof(data), &sb);
    assert_string_equal(
        sb.buf, "0000  16 03 01 00 a5 48 65 6c 6c 6f 00 7f 80 20 7e 1b  |.....Hello... ~.|\n"
                "0010  41 42                                            |AB|\n");
    sb_free(&sb);
    wire_hexdump(data, 0, &sb);
    assert_null(sb.buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_hello_13),
        cmocka_unit_test(test_server_hello_13),
        cmocka_unit_test(test_hello_retry_request),
        cmocka_unit_test(test_server_hello_12),
        cmocka_unit_test(test_certificate_request),
        cmocka_unit_test(test_extension_list),
        cmocka_unit_test(test_fill_offered),
        cmocka_unit_test(test_truncation_every_length),
        cmocka_unit_test(test_mutations_never_crash),
        cmocka_unit_test(test_reject_overflowing_lengths),
        cmocka_unit_test(test_reject_bad_extension_blocks),
        cmocka_unit_test(test_reject_bad_headers_and_server_alpn),
        cmocka_unit_test(test_names_known_and_unknown),
        cmocka_unit_test(test_grease_and_scsv),
        cmocka_unit_test(test_reverse_lookups),
        cmocka_unit_test(test_describe_hellos),
        cmocka_unit_test(test_describe_other_messages),
        cmocka_unit_test(test_hexdump),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
