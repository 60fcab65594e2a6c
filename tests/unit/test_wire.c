/* The TLS wire codec: hand-built handshake messages decoded field by field, and hostile input
 * (truncation at every length, overflowing lengths, mutations). Names, reverse lookups,
 * wire_describe and the hex dump: test_wire_names.c; the shared messages and writer:
 * tests/lib/wiretest.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/wiretest.h"
#include "model/report.h"
#include "util/mem.h"
#include "util/strlist.h"

/* A heap copy of exactly n bytes, so ASan sees any read past the end. */
static uint8_t *exact_copy(const uint8_t *p, size_t n)
{
    uint8_t *c = xmalloc(n ? n : 1);
    if (n)
        memcpy(c, p, n);
    return c;
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
    wbuf_ch_start(&w);
    wbuf_close(&w);
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
    wbuf_ch_start(&w);
    wbuf_open(&w, 2);
    wbuf_u16(&w, 0x0017);
    wbuf_u16(&w, 0x00ff);
    wbuf_close(&w);
    wbuf_close(&w);
    expect_ch_rejected(&w, "extension length runs past the end of the extensions block");

    /* odd cipher suite list */
    memset(&w, 0, sizeof(w));
    wbuf_u8(&w, 1);
    wbuf_open(&w, 3);
    wbuf_u16(&w, 0x0303);
    for (int i = 0; i < 32; i++)
        wbuf_u8(&w, 0);
    wbuf_u8(&w, 0);
    wbuf_u16(&w, 3);
    wbuf_u16(&w, 0x1301);
    wbuf_u8(&w, 0x13);
    wbuf_u8(&w, 1);
    wbuf_u8(&w, 0);
    wbuf_close(&w);
    expect_ch_rejected(&w, "malformed cipher_suites list (empty, odd or too long)");

    /* session id longer than 32 */
    memset(&w, 0, sizeof(w));
    wbuf_u8(&w, 1);
    wbuf_open(&w, 3);
    wbuf_u16(&w, 0x0303);
    for (int i = 0; i < 32 + 1 + 33; i++)
        wbuf_u8(&w, i == 32 ? 33 : 0);
    wbuf_u16(&w, 2);
    wbuf_u16(&w, 0x1301);
    wbuf_u8(&w, 1);
    wbuf_u8(&w, 0);
    wbuf_close(&w);
    expect_ch_rejected(&w, "session_id longer than 32 bytes or truncated");

    /* odd list inside supported_groups */
    wbuf_ch_start(&w);
    wbuf_open(&w, 2);
    wbuf_u16(&w, 10);
    wbuf_open(&w, 2);
    wbuf_open(&w, 2);
    wbuf_u16(&w, 29);
    wbuf_u8(&w, 23);
    wbuf_close(&w);
    wbuf_close(&w);
    wbuf_close(&w);
    wbuf_close(&w);
    expect_ch_rejected(&w, "malformed supported_groups extension");

    /* supported_versions whose inner length disagrees with the extension length */
    wbuf_ch_start(&w);
    wbuf_open(&w, 2);
    wbuf_u16(&w, 43);
    wbuf_open(&w, 2);
    wbuf_u8(&w, 4);
    wbuf_u16(&w, 0x0304);
    wbuf_close(&w);
    wbuf_close(&w);
    wbuf_close(&w);
    expect_ch_rejected(&w, "malformed supported_versions extension");

    /* a key share whose key runs past its list */
    wbuf_ch_start(&w);
    wbuf_open(&w, 2);
    wbuf_u16(&w, 51);
    wbuf_open(&w, 2);
    wbuf_open(&w, 2);
    wbuf_u16(&w, 29);
    wbuf_u16(&w, 32);
    wbuf_u16(&w, 0);
    wbuf_close(&w);
    wbuf_close(&w);
    wbuf_close(&w);
    wbuf_close(&w);
    expect_ch_rejected(&w, "malformed key_share extension");
}

static void test_reject_bad_extension_blocks(void **state)
{
    (void)state;
    struct wbuf w;

    /* duplicate extension */
    wbuf_ch_start(&w);
    wbuf_open(&w, 2);
    wbuf_u16(&w, 23), wbuf_u16(&w, 0), wbuf_u16(&w, 23), wbuf_u16(&w, 0);
    wbuf_close(&w);
    wbuf_close(&w);
    expect_ch_rejected(&w, "duplicate extension");

    /* extensions block shorter than what follows it */
    wbuf_ch_start(&w);
    wbuf_u16(&w, 4);
    wbuf_u16(&w, 23), wbuf_u16(&w, 0), wbuf_u16(&w, 22), wbuf_u16(&w, 0);
    wbuf_close(&w);
    expect_ch_rejected(&w, "trailing bytes after the extensions");

    /* empty ALPN name, empty SNI */
    wbuf_ch_start(&w);
    wbuf_open(&w, 2);
    wbuf_u16(&w, 16), wbuf_u16(&w, 5), wbuf_u16(&w, 3), wbuf_u8(&w, 0), wbuf_u8(&w, 1),
        wbuf_u8(&w, 'x');
    wbuf_close(&w);
    wbuf_close(&w);
    expect_ch_rejected(&w, "malformed alpn extension");
    wbuf_ch_start(&w);
    wbuf_open(&w, 2);
    wbuf_u16(&w, 0), wbuf_u16(&w, 0);
    wbuf_close(&w);
    wbuf_close(&w);
    expect_ch_rejected(&w, "malformed server_name extension");

    /* too many extensions, too long a list */
    wbuf_ch_start(&w);
    wbuf_open(&w, 2);
    for (unsigned t = 0; t <= WIRE_EXT_MAX; t++)
        wbuf_u16(&w, 0x1000 + t), wbuf_u16(&w, 0);
    wbuf_close(&w);
    wbuf_close(&w);
    expect_ch_rejected(&w, "too many extensions");
    wbuf_ch_start(&w);
    wbuf_open(&w, 2);
    wbuf_u16(&w, 10);
    wbuf_open(&w, 2);
    wbuf_open(&w, 2);
    for (unsigned i = 0; i <= WIRE_LIST_MAX; i++)
        wbuf_u16(&w, 29);
    wbuf_close(&w);
    wbuf_close(&w);
    wbuf_close(&w);
    wbuf_close(&w);
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
    wbuf_u8(&w, 2);
    wbuf_open(&w, 3);
    wbuf_u16(&w, 0x0303);
    wbuf_bytes(&w, random, 32);
    wbuf_u8(&w, 0), wbuf_u16(&w, 0xc02f), wbuf_u8(&w, 0);
    wbuf_open(&w, 2);
    wbuf_u16(&w, WIRE_EXT_ALPN);
    wbuf_open(&w, 2);
    wbuf_open(&w, 2);
    wbuf_bytes(&w, "\x02h2\x02h3", 6);
    wbuf_close(&w);
    wbuf_close(&w);
    wbuf_close(&w);
    wbuf_close(&w);
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
