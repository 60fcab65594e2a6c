/* The ClientHello serializer: a plain description of what to offer in, the bytes of one TLS
 * record holding that ClientHello out. Pure C: no OpenSSL, no randomness of its own (the
 * caller passes the random and any key bytes).
 *
 * Key shares need no cryptography here: a share without key bytes gets a valid public value
 * for its group — the group's generator (x25519 u=9, x448 u=5, the NIST curves' base point
 * uncompressed, ffdhe y=2 padded to the prime's size). A server accepts it as a key share; the
 * handshake cannot go past the ServerHello with it, which is all a probe needs. */
#ifndef TLSCOPE_WIRE_BUILD_H
#define TLSCOPE_WIRE_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/wire.h"

#define WIRE_CH_MAX 16384 /* a ClientHello record we build never exceeds one plaintext record */

struct wire_key_share {
    uint16_t group;
    const uint8_t *key; /* NULL: the group's generator (see above; fails for unknown groups) */
    size_t key_len;
};

/* What a ClientHello offers. Zeroed fields mean "absent" (lists with n == 0 are not sent),
 * except record_version and legacy_version, where 0 means 0x0301 and 0x0303. */
struct wire_ch_spec {
    uint16_t record_version; /* the record header's version; 0: 0x0301 (what clients send) */
    uint16_t legacy_version; /* ClientHello.legacy_version; 0: 0x0303 */
    const uint8_t *random;   /* 32 bytes; NULL: 32 zero bytes (tests only) */
    const uint8_t *session_id;
    size_t session_id_len; /* 0..32 */
    const uint16_t *ciphers;
    size_t n_ciphers;
    const uint16_t *versions; /* supported_versions */
    size_t n_versions;
    const uint16_t *groups; /* supported_groups */
    size_t n_groups;
    const struct wire_key_share *shares; /* key_share entries, in order */
    size_t n_shares;
    bool key_share_empty;    /* send key_share with an empty list (asks for an HRR) */
    const uint16_t *sigalgs; /* signature_algorithms */
    size_t n_sigalgs;
    const char *sni; /* server_name host_name; NULL: none */
    const char *const *alpn;
    size_t n_alpn;
    bool status_request;         /* OCSP, no responder ids, no extensions */
    bool session_ticket;         /* empty SessionTicket extension */
    bool extended_master_secret; /* RFC 7627 */
    bool encrypt_then_mac;       /* RFC 7366 */
    bool renegotiation_info;     /* empty renegotiated_connection */
    bool ec_point_formats;       /* uncompressed only */
    bool psk_modes;              /* psk_key_exchange_modes: psk_dhe_ke */
    const uint8_t *compressions; /* NULL: null compression only */
    size_t n_compressions;
    const struct wire_ext *extra; /* sent as given (type and body); an entry of a type the
                                     spec also models replaces the spec's own */
    size_t n_extra;
    /* Extension order: when n_order > 0, exactly these types in this order (a type the spec
     * does not set is skipped; a type in extra is taken from there). Otherwise: server_name,
     * ec_point_formats, supported_groups, session_ticket, status_request, alpn,
     * encrypt_then_mac, extended_master_secret, signature_algorithms, supported_versions,
     * psk_key_exchange_modes, key_share, renegotiation_info, then extra, then padding. */
    const uint16_t *order;
    size_t n_order;
    size_t pad_to;      /* > 0: a padding extension makes the handshake message at least this long
                           (the F5 workaround uses 512) */
    bool no_extensions; /* no extensions block at all (an SSLv3 client's hello); the lists
                           and flags that are extensions are then ignored */
    /* SSLv2: an SSLv2-format CLIENT-HELLO (2-byte header, version legacy_version or 0x0002)
     * instead of a TLS record. It offers ssl2_ciphers (3-byte specs, 0x010080 ...), then
     * ciphers as 0x00XXYY, a session id, and the first 16 bytes of random as challenge. */
    bool sslv2;
    const uint32_t *ssl2_ciphers;
    size_t n_ssl2_ciphers;
};

/* The SSLv2 cipher specs (3 bytes each). */
#define WIRE_SSL2_RC4_128_WITH_MD5              0x010080u
#define WIRE_SSL2_RC4_128_EXPORT40_WITH_MD5     0x020080u
#define WIRE_SSL2_RC2_128_CBC_WITH_MD5          0x030080u
#define WIRE_SSL2_RC2_128_CBC_EXPORT40_WITH_MD5 0x040080u
#define WIRE_SSL2_IDEA_128_CBC_WITH_MD5         0x050080u
#define WIRE_SSL2_DES_64_CBC_WITH_MD5           0x060040u
#define WIRE_SSL2_DES_192_EDE3_CBC_WITH_MD5     0x0700C0u

/* Writes the record (header included) into out (cap bytes). Returns the length, or 0 with
 * *why set when the spec is impossible (a list too long, an unknown group without key bytes,
 * a name too long, out too small). */
size_t wire_build_client_hello(const struct wire_ch_spec *spec, uint8_t *out, size_t cap,
                               const char **why);

/* The generator public value for group (see the top of this file): its length, or 0 when
 * the group is not one we can make a share for without key bytes. *key points to static
 * storage (ffdhe values are written into buf, which must hold 1024 bytes). */
size_t wire_default_share(uint16_t group, uint8_t *buf, size_t cap, const uint8_t **key);

#endif
