/* The TLS wire codec's names: known and unknown code points, GREASE and SCSV, reverse lookups;
 * wire_describe of every handshake message (the hand-built ones of tests/lib/wiretest.h among
 * them) and the hex dump. Decoding and hostile input: test_wire.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/wiretest.h"
#include "util/strbuf.h"

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
    wiretest_assert_nv(nv, n, "type", "ClientHello (1)");
    wiretest_assert_nv(nv, n, "length", "227 bytes");
    wiretest_assert_nv(nv, n, "legacy_version", "TLSv1.2 (0x0303)");
    wiretest_assert_nv(nv, n, "random",
                       "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    wiretest_assert_nv(nv, n, "cipher_suites",
                       "5: GREASE, TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, "
                       "TLS_CHACHA20_POLY1305_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    wiretest_assert_nv(nv, n, "extensions", "10");
    wiretest_assert_nv(nv, n, "server_name", "example.com");
    wiretest_assert_nv(nv, n, "supported_groups", "GREASE, x25519, secp256r1, secp384r1");
    wiretest_assert_nv(nv, n, "ec_point_formats", "uncompressed");
    wiretest_assert_nv(nv, n, "signature_algorithms",
                       "ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256, ed25519");
    wiretest_assert_nv(nv, n, "alpn", "h2, http/1.1");
    wiretest_assert_nv(nv, n, "supported_versions", "GREASE, TLSv1.3, TLSv1.2");
    wiretest_assert_nv(nv, n, "psk_key_exchange_modes", "psk_dhe_ke");
    wiretest_assert_nv(nv, n, "key_share", "GREASE (1 bytes), x25519 (32 bytes)");
    wiretest_assert_nv(nv, n, "extended_master_secret", "(empty)");
    wiretest_assert_nv(nv, n, "GREASE", "(empty)");
    assert_null(wiretest_nv_find(nv, n, "error"));
    wire_describe_free(nv, n);

    nv = wire_describe(sh13, sizeof(sh13), true, &n);
    wiretest_assert_nv(nv, n, "type", "ServerHello (2)");
    wiretest_assert_nv(nv, n, "cipher_suite", "TLS_AES_128_GCM_SHA256 (0x1301)");
    wiretest_assert_nv(nv, n, "selected_version", "TLSv1.3");
    wiretest_assert_nv(nv, n, "key_share", "x25519 (32 bytes)");
    wiretest_assert_nv(nv, n, "supported_versions", "TLSv1.3");
    assert_null(wiretest_nv_find(nv, n, "hello_retry_request"));
    wire_describe_free(nv, n);

    nv = wire_describe(hrr, sizeof(hrr), true, &n);
    wiretest_assert_nv(nv, n, "random", "HelloRetryRequest marker");
    wiretest_assert_nv(nv, n, "hello_retry_request", "yes");
    wiretest_assert_nv(nv, n, "key_share", "requested secp384r1");
    wiretest_assert_nv(nv, n, "cookie", "6 bytes");
    wire_describe_free(nv, n);

    nv = wire_describe(sh12, sizeof(sh12), false, &n);
    wiretest_assert_nv(nv, n, "session_id", "(empty)");
    wiretest_assert_nv(nv, n, "selected_version", "TLSv1.2");
    wiretest_assert_nv(nv, n, "renegotiation_info", "empty");
    wiretest_assert_nv(nv, n, "alpn", "h2");
    wiretest_assert_nv(nv, n, "session_ticket", "(empty)");
    wire_describe_free(nv, n);

    /* peer bytes are UTF-8 repaired */
    struct wbuf w;
    wbuf_ch_start(&w);
    wbuf_open(&w, 2);
    wbuf_u16(&w, 0);
    wbuf_open(&w, 2);
    wbuf_open(&w, 2);
    wbuf_u8(&w, 0);
    wbuf_open(&w, 2);
    wbuf_bytes(&w, "a\xff\x1b", 3);
    wbuf_close(&w);
    wbuf_close(&w);
    wbuf_close(&w);
    wbuf_close(&w);
    wbuf_close(&w);
    nv = wire_describe(w.b, w.n, false, &n);
    wiretest_assert_nv(nv, n, "server_name", "a\\xFF\x1b");
    wire_describe_free(nv, n);

    /* malformed input: what was decoded plus an error */
    nv = wire_describe(ch13, sizeof(ch13) - 1, true, &n);
    wiretest_assert_nv(nv, n, "type", "ClientHello (1)");
    wiretest_assert_nv(nv, n, "error", "handshake message truncated (length runs past the data)");
    wire_describe_free(nv, n);
    nv = wire_describe(ch13, 2, true, &n);
    assert_int_equal(n, 1);
    wiretest_assert_nv(nv, n, "error", "shorter than a handshake message header");
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
        const struct name_value *e = wiretest_nv_find(nv, n, cases[i].name);
        const struct name_value *err = wiretest_nv_find(nv, n, "error");
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
        cmocka_unit_test(test_names_known_and_unknown), cmocka_unit_test(test_grease_and_scsv),
        cmocka_unit_test(test_reverse_lookups),         cmocka_unit_test(test_describe_hellos),
        cmocka_unit_test(test_describe_other_messages), cmocka_unit_test(test_hexdump),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
