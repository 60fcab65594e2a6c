/* The ClientHello serializer against OpenSSL itself: for several offers, the ClientHello the
 * linked OpenSSL sends (captured by the engine from a real connection to a peer on loopback)
 * is parsed and rebuilt by wire_build_client_hello — typed fields through the spec, key shares
 * with OpenSSL's own key bytes — and must come out byte for byte the same. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "lib/harness.h"
#include "lib/hostile.h"
#include "util/mem.h"
#include "util/strlist.h"
#include "wire/build.h"
#include "wire/wire.h"

static struct peer fin;

/* The ClientHello OpenSSL sent for this configuration (a new buffer, *n its length). */
static uint8_t *capture(void (*tweak)(struct tls_config *), size_t *n)
{
    struct tls_config c;
    config_init(&c);
    c.host = xstrdup("127.0.0.1");
    c.port = fin.port;
    c.timeout_s = 5;
    if (tweak)
        tweak(&c);
    struct report *r = engine_connect(&c);
    uint8_t *out = NULL;
    for (size_t i = 0; i < r->n_events && !out; i++) {
        const struct hs_event *ev = &r->events[i];
        if (ev->dir == DIR_SENT && ev->hs_type == WIRE_HS_CLIENT_HELLO && !ev->truncated) {
            out = xmalloc(ev->n_bytes);
            memcpy(out, ev->bytes, ev->n_bytes);
            *n = ev->n_bytes;
        }
    }
    report_free(r);
    config_free(&c);
    if (!out)
        fail_msg("no ClientHello captured");
    return out;
}

static bool body_is(const struct wire_ext *e, const uint8_t *want, size_t n)
{
    return e->body.len == n && (n == 0 || !memcmp(e->body.data, want, n));
}

/* Parses msg and rebuilds it; asserts the bytes are identical. */
static void rebuild_and_compare(const uint8_t *msg, size_t n)
{
    static const uint8_t ocsp[] = {1, 0, 0, 0, 0}, uncompressed[] = {1, 0}, dhe_ke[] = {1, 1},
                         reneg[] = {0};
    struct wire_hello h;
    const char *why = NULL;
    if (wire_parse_client_hello(msg, n, &h, &why) != 0)
        fail_msg("OpenSSL's ClientHello does not parse: %s", why);
    struct wire_ch_spec s = {
        .legacy_version = h.legacy_version,
        .random = h.random,
        .session_id = h.session_id,
        .session_id_len = h.session_id_len,
        .ciphers = h.ciphers,
        .n_ciphers = h.n_ciphers,
        .compressions = h.compressions,
        .n_compressions = h.n_compressions,
    };
    struct wire_ext *raw = xcalloc(h.n_exts + 1, sizeof(*raw));
    uint16_t *order = xcalloc(h.n_exts + 1, sizeof(*order));
    const char **alpn = xcalloc(h.n_alpn + 1, sizeof(*alpn));
    char sni[256] = "";
    size_t n_raw = 0, n_typed = 0;
    for (size_t i = 0; i < h.n_exts; i++) {
        const struct wire_ext *e = &h.exts[i];
        bool typed = true;
        order[i] = e->type;
        switch (e->type) {
        case WIRE_EXT_SERVER_NAME:
            memcpy(sni, h.sni.data, h.sni.len);
            s.sni = sni;
            break;
        case WIRE_EXT_SUPPORTED_GROUPS: s.groups = h.groups, s.n_groups = h.n_groups; break;
        case WIRE_EXT_SIGNATURE_ALGORITHMS: s.sigalgs = h.sigalgs, s.n_sigalgs = h.n_sigalgs; break;
        case WIRE_EXT_SUPPORTED_VERSIONS:
            s.versions = h.versions, s.n_versions = h.n_versions;
            break;
        case WIRE_EXT_ALPN:
            for (size_t k = 0; k < h.n_alpn; k++)
                alpn[k] = xstrndup((const char *)h.alpn[k].data, h.alpn[k].len);
            s.alpn = alpn, s.n_alpn = h.n_alpn;
            break;
        case WIRE_EXT_EC_POINT_FORMATS:
            typed = s.ec_point_formats = body_is(e, uncompressed, 2);
            break;
        case WIRE_EXT_STATUS_REQUEST: typed = s.status_request = body_is(e, ocsp, 5); break;
        case WIRE_EXT_PSK_KEY_EXCHANGE_MODES: typed = s.psk_modes = body_is(e, dhe_ke, 2); break;
        case WIRE_EXT_SESSION_TICKET: typed = s.session_ticket = body_is(e, NULL, 0); break;
        case WIRE_EXT_ENCRYPT_THEN_MAC: typed = s.encrypt_then_mac = body_is(e, NULL, 0); break;
        case WIRE_EXT_EXTENDED_MASTER_SECRET:
            typed = s.extended_master_secret = body_is(e, NULL, 0);
            break;
        case WIRE_EXT_RENEGOTIATION_INFO:
            typed = s.renegotiation_info = body_is(e, reneg, 1);
            break;
        case WIRE_EXT_PADDING:
            order[i] = 0; /* re-made by pad_to */
            s.pad_to = n;
            typed = true;
            break;
        default: typed = false; break; /* key_share (OpenSSL's keys) and the rest: as sent */
        }
        if (typed)
            n_typed++;
        else
            raw[n_raw++] = *e;
    }
    /* padding is last; drop it from the order and let pad_to re-create it */
    size_t n_order = h.n_exts;
    if (s.pad_to) {
        assert_int_equal(h.exts[h.n_exts - 1].type, WIRE_EXT_PADDING);
        n_order--;
    }
    s.extra = raw, s.n_extra = n_raw, s.order = order, s.n_order = n_order;
    uint8_t out[WIRE_CH_MAX];
    size_t m = wire_build_client_hello(&s, out, sizeof out, &why);
    if (m == 0)
        fail_msg("rebuild failed: %s", why);
    assert_int_equal(m - 5, n);
    assert_memory_equal(out + 5, msg, n);
    assert_true(n_typed >= 5); /* the comparison exercised the typed writers */
    for (size_t k = 0; k < h.n_alpn; k++)
        free((char *)alpn[k]);
    free(alpn);
    free(raw);
    free(order);
    wire_hello_free(&h);
}

static void tweak_full(struct tls_config *c)
{
    free(c->sni);
    c->sni = xstrdup("www.example.test");
    strlist_push(&c->alpn, "h2");
    strlist_push(&c->alpn, "http/1.1");
    c->ocsp = true;
}

static void tweak_tls12(struct tls_config *c)
{
    c->max_proto = PROTO_TLS1_2;
    c->ciphers = xstrdup("ECDHE+AESGCM:DHE+AESGCM");
}

static void tweak_groups(struct tls_config *c)
{
    c->groups = xstrdup("P-384:X25519:ffdhe2048");
    c->sigalgs = xstrdup("ECDSA+SHA256:rsa_pss_rsae_sha256");
    c->min_proto = PROTO_TLS1_3;
}

static void test_default_offer(void **state)
{
    (void)state;
    size_t n;
    uint8_t *msg = capture(NULL, &n);
    rebuild_and_compare(msg, n);
    free(msg);
}

static void test_sni_alpn_ocsp(void **state)
{
    (void)state;
    size_t n;
    uint8_t *msg = capture(tweak_full, &n);
    rebuild_and_compare(msg, n);
    free(msg);
}

static void test_tls12_only(void **state)
{
    (void)state;
    size_t n;
    uint8_t *msg = capture(tweak_tls12, &n);
    rebuild_and_compare(msg, n);
    free(msg);
}

static void test_groups_and_sigalgs(void **state)
{
    (void)state;
    size_t n;
    uint8_t *msg = capture(tweak_groups, &n);
    rebuild_and_compare(msg, n);
    free(msg);
}

/* Our own generator shares for the groups OpenSSL offers are the right size: the same as the
 * key_share entries OpenSSL sends for them. */
static void test_generator_sizes_match_openssl(void **state)
{
    (void)state;
    size_t n;
    uint8_t *msg = capture(tweak_groups, &n);
    struct wire_hello h;
    assert_int_equal(wire_parse_client_hello(msg, n, &h, NULL), 0);
    const struct wire_ext *ks = wire_hello_find_ext(&h, WIRE_EXT_KEY_SHARE);
    assert_non_null(ks);
    const uint8_t *p = ks->body.data + 2;
    size_t left = ks->body.len - 2;
    while (left >= 4) {
        uint16_t group = (uint16_t)(p[0] << 8 | p[1]);
        size_t len = (size_t)(p[2] << 8 | p[3]);
        uint8_t buf[1024];
        const uint8_t *key;
        assert_int_equal(wire_default_share(group, buf, sizeof buf, &key), len);
        p += 4 + len;
        left -= 4 + len;
    }
    wire_hello_free(&h);
    free(msg);
}

int main(void)
{
    harness_dir();
    if (peer_hostile(&fin, HOSTILE_FIN) != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_offer),
        cmocka_unit_test(test_sni_alpn_ocsp),
        cmocka_unit_test(test_tls12_only),
        cmocka_unit_test(test_groups_and_sigalgs),
        cmocka_unit_test(test_generator_sizes_match_openssl),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    peer_stop(&fin);
    return failed;
}
