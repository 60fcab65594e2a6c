/* The TLS wire codec: names for every code point, and bounds-checked parsers for handshake
 * messages as SSL_set_msg_callback hands them over (1-byte type, 3-byte length, body).
 *
 * Pure C, no OpenSSL: the bytes may come from a hostile peer, so every parser checks every
 * length against what is really there, caps list sizes, and fails with a static reason string
 * instead of reading past the end. The parsed structs are also the shape a ClientHello
 * builder fills before serialising (see struct wire_hello). */
#ifndef TLSCOPE_WIRE_WIRE_H
#define TLSCOPE_WIRE_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/report.h"
#include "util/strbuf.h"

/* ---- code points ------------------------------------------------------------------------ */

enum wire_hs_type {
    WIRE_HS_HELLO_REQUEST = 0,
    WIRE_HS_CLIENT_HELLO = 1,
    WIRE_HS_SERVER_HELLO = 2,
    WIRE_HS_HELLO_VERIFY_REQUEST = 3,
    WIRE_HS_NEW_SESSION_TICKET = 4,
    WIRE_HS_END_OF_EARLY_DATA = 5,
    WIRE_HS_ENCRYPTED_EXTENSIONS = 8,
    WIRE_HS_CERTIFICATE = 11,
    WIRE_HS_SERVER_KEY_EXCHANGE = 12,
    WIRE_HS_CERTIFICATE_REQUEST = 13,
    WIRE_HS_SERVER_HELLO_DONE = 14,
    WIRE_HS_CERTIFICATE_VERIFY = 15,
    WIRE_HS_CLIENT_KEY_EXCHANGE = 16,
    WIRE_HS_FINISHED = 20,
    WIRE_HS_CERTIFICATE_STATUS = 22,
    WIRE_HS_KEY_UPDATE = 24,
    WIRE_HS_COMPRESSED_CERTIFICATE = 25,
    WIRE_HS_MESSAGE_HASH = 254,
};

enum wire_ext_type {
    WIRE_EXT_SERVER_NAME = 0,
    WIRE_EXT_MAX_FRAGMENT_LENGTH = 1,
    WIRE_EXT_STATUS_REQUEST = 5,
    WIRE_EXT_SUPPORTED_GROUPS = 10,
    WIRE_EXT_EC_POINT_FORMATS = 11,
    WIRE_EXT_SIGNATURE_ALGORITHMS = 13,
    WIRE_EXT_ALPN = 16,
    WIRE_EXT_SCT = 18,
    WIRE_EXT_PADDING = 21,
    WIRE_EXT_ENCRYPT_THEN_MAC = 22,
    WIRE_EXT_EXTENDED_MASTER_SECRET = 23,
    WIRE_EXT_COMPRESS_CERTIFICATE = 27,
    WIRE_EXT_RECORD_SIZE_LIMIT = 28,
    WIRE_EXT_SESSION_TICKET = 35,
    WIRE_EXT_PRE_SHARED_KEY = 41,
    WIRE_EXT_EARLY_DATA = 42,
    WIRE_EXT_SUPPORTED_VERSIONS = 43,
    WIRE_EXT_COOKIE = 44,
    WIRE_EXT_PSK_KEY_EXCHANGE_MODES = 45,
    WIRE_EXT_CERTIFICATE_AUTHORITIES = 47,
    WIRE_EXT_OID_FILTERS = 48,
    WIRE_EXT_POST_HANDSHAKE_AUTH = 49,
    WIRE_EXT_SIGNATURE_ALGORITHMS_CERT = 50,
    WIRE_EXT_KEY_SHARE = 51,
    WIRE_EXT_ENCRYPTED_CLIENT_HELLO = 0xFE0D,
    WIRE_EXT_RENEGOTIATION_INFO = 0xFF01,
};

#define WIRE_TLS1_2 0x0303
#define WIRE_TLS1_3 0x0304

/* The ServerHello.random that marks a HelloRetryRequest (RFC 8446, 4.1.3). */
extern const uint8_t wire_hrr_random[32];

/* ---- names (wire_names.c) ----------------------------------------------------------------
 *
 * Every *_name(code, buf, n) function returns a static string for a known code point,
 * "GREASE" for the RFC 8701 values of that registry, and otherwise writes "0x%04X" into buf
 * and returns buf. buf must hold WIRE_NAME_BUF bytes; with a NULL or shorter buffer an
 * unknown value is returned as the static "unknown". The result never needs freeing and
 * never contains anything but printable ASCII. */
#define WIRE_NAME_BUF 24

const char *wire_cipher_name(uint16_t id, char *buf, size_t n);    /* IANA cipher suite */
const char *wire_group_name(uint16_t id, char *buf, size_t n);     /* "x25519" */
const char *wire_sigalg_name(uint16_t id, char *buf, size_t n);    /* "rsa_pss_rsae_sha256" */
const char *wire_extension_name(uint16_t id, char *buf, size_t n); /* "key_share" */
const char *wire_version_name(uint16_t v, char *buf, size_t n);    /* "TLSv1.3" */
/* Handshake type name ("ClientHello"); always static, "Unknown" for unassigned types. */
const char *wire_handshake_name(uint8_t type);

/* True for the sixteen GREASE values 0x0A0A, 0x1A1A ... 0xFAFA (RFC 8701). They are shared by
 * cipher suites, groups, signature schemes, extensions and versions. */
bool wire_is_grease(uint16_t v);
bool wire_cipher_is_grease(uint16_t id);
/* True for the signalling suites TLS_EMPTY_RENEGOTIATION_INFO_SCSV and TLS_FALLBACK_SCSV. */
bool wire_cipher_is_scsv(uint16_t id);
/* True when the table knows the suite (GREASE counts as unknown). */
bool wire_cipher_known(uint16_t id);

/* Name → code point, case-insensitive; also accepts "0x1301"-style hex. Returns 0 and sets
 * *out, or -1 when the name is unknown (GREASE is never looked up).
 * Groups also accept OpenSSL's aliases ("P-256", "prime256v1"); signature schemes also accept
 * OpenSSL's "RSA+SHA256" / "ECDSA+SHA384" / "RSA-PSS+SHA256" pairs in either order. */
int wire_cipher_from_name(const char *name, uint16_t *out);
int wire_group_from_name(const char *name, uint16_t *out);
int wire_sigalg_from_name(const char *name, uint16_t *out);

/* ---- parsed messages --------------------------------------------------------------------- */

/* A run of bytes this codec does not own: for parsed messages it points into the message
 * copy the parsed struct owns (valid until its *_free); a builder points it wherever it likes. */
struct wire_span {
    const uint8_t *data;
    size_t len;
};

struct wire_ext {
    uint16_t type;
    struct wire_span body; /* extension_data, without type and length */
};

/* Bounds enforced by the parsers; longer input is rejected as malformed. */
#define WIRE_LIST_MAX 4096 /* entries in any decoded list (suites, groups, schemes ...) */
#define WIRE_EXT_MAX  256  /* extensions in one block */

/* A ClientHello or ServerHello.
 *
 * The wire fields (legacy_version ... exts) are what a serialiser needs: a builder fills them
 * (exts pointing at extension bodies it owns) and writes them out in order. The decoded
 * fields below them are derived from exts by the parsers, for readers; a builder may leave
 * them empty. For a parsed hello every array is owned by the struct and every span points
 * into raw; wire_hello_free releases them all. */
struct wire_hello {
    uint8_t msg_type; /* WIRE_HS_CLIENT_HELLO or WIRE_HS_SERVER_HELLO */
    uint16_t legacy_version;
    uint8_t random[32];
    uint8_t session_id[32];
    size_t session_id_len;
    uint16_t *ciphers; /* ServerHello: exactly one, the selected suite */
    size_t n_ciphers;
    uint8_t *compressions; /* ServerHello: exactly one */
    size_t n_compressions;
    struct wire_ext *exts; /* in wire order */
    size_t n_exts;
    bool has_extensions; /* an extensions block was present (possibly empty) */

    /* decoded from the extensions (GREASE values are kept, in wire order) */
    uint16_t *versions; /* supported_versions: CH the offered list, SH the selected one */
    size_t n_versions;
    uint16_t selected_version; /* SH: supported_versions if present, else legacy_version */
    uint16_t *groups;          /* supported_groups */
    size_t n_groups;
    uint16_t *key_shares; /* key_share groups: CH offered, SH chosen, HRR requested */
    size_t n_key_shares;
    uint16_t *sigalgs; /* signature_algorithms */
    size_t n_sigalgs;
    uint16_t *sigalgs_cert; /* signature_algorithms_cert */
    size_t n_sigalgs_cert;
    struct wire_span *alpn; /* protocol names, raw peer bytes (repair before showing) */
    size_t n_alpn;
    struct wire_span sni; /* first host_name, raw bytes; len 0 when absent */
    uint8_t *psk_modes;   /* psk_key_exchange_modes */
    size_t n_psk_modes;
    uint8_t *ec_point_formats;
    size_t n_ec_point_formats;
    bool is_hello_retry_request;

    uint8_t *raw; /* owned copy of the whole message, header included */
    size_t raw_len;
};

/* Parse one ClientHello / ServerHello message (header included; n must be exactly the
 * message). On success returns 0 and out owns its data (release with wire_hello_free). On
 * malformed input returns -1, sets *why (when why is not NULL) to a static reason, and
 * leaves out zeroed, owning nothing. out need not be initialised. A HelloRetryRequest parses
 * as a ServerHello with is_hello_retry_request set. */
int wire_parse_client_hello(const uint8_t *msg, size_t n, struct wire_hello *out, const char **why);
int wire_parse_server_hello(const uint8_t *msg, size_t n, struct wire_hello *out, const char **why);
void wire_hello_free(struct wire_hello *h);

/* The first extension of that type, or NULL. */
const struct wire_ext *wire_hello_find_ext(const struct wire_hello *h, uint16_t type);

/* A CertificateRequest. TLS 1.3 has context and extensions (signature schemes and CA names
 * are decoded from them); TLS 1.2 has certificate types, schemes and CA names; TLS 1.0/1.1
 * lack the schemes, which the parser detects when tls13 is false. Owned like wire_hello. */
struct wire_cert_request {
    struct wire_span context; /* TLS 1.3 certificate_request_context */
    uint8_t *cert_types;      /* TLS <= 1.2 ClientCertificateType list */
    size_t n_cert_types;
    uint16_t *sigalgs;
    size_t n_sigalgs;
    uint16_t *sigalgs_cert; /* TLS 1.3 signature_algorithms_cert */
    size_t n_sigalgs_cert;
    struct wire_span *ca_names; /* DER-encoded DistinguishedNames */
    size_t n_ca_names;
    struct wire_ext *exts; /* TLS 1.3 */
    size_t n_exts;
    uint8_t *raw;
    size_t raw_len;
};

int wire_parse_certificate_request(const uint8_t *msg, size_t n, bool tls13,
                                   struct wire_cert_request *out, const char **why);
void wire_cert_request_free(struct wire_cert_request *cr);

/* The extension types of a ClientHello, ServerHello (HRR included) or EncryptedExtensions
 * message, in wire order. Returns 0, or -1 for other message types and malformed input
 * (out then holds nothing). out must be zeroed or freed before; free with
 * wire_ext_list_free. */
struct wire_ext_list {
    uint16_t *types;
    size_t n;
};
int wire_parse_extension_list(const uint8_t *msg, size_t n, struct wire_ext_list *out);
void wire_ext_list_free(struct wire_ext_list *l);

/* ---- for the report and the detail view ------------------------------------------------- */

/* Replaces the contents of o with what the parsed ClientHello offered: versions (from
 * supported_versions, else the legacy version), ciphers as IANA names with ciphers_openssl
 * holding "" for each (the caller fills OpenSSL names), groups, key_shares, sigalgs, alpn
 * (UTF-8 repaired), extension names and client_hello_len. GREASE is skipped everywhere. */
void wire_fill_offered(const struct wire_hello *ch, struct offered *o);

/* Decoded fields of any handshake message for a detail view ("type", "length", then what
 * the message says, one extension per entry named after it). tls13 selects the TLS 1.3
 * layout where the message type alone does not (Certificate, CertificateRequest,
 * NewSessionTicket, CertificateVerify). Malformed input yields "type" and "length" (when the
 * header is there) and an "error" entry with the reason. Never returns NULL; *count >= 1.
 * Peer strings are UTF-8 repaired but not terminal-sanitised. Free with wire_describe_free. */
struct name_value *wire_describe(const uint8_t *msg, size_t n, bool tls13, size_t *count);
void wire_describe_free(struct name_value *nv, size_t count);

/* Appends a classic hex dump: "0000  16 03 01 00 a5 ...  |......|" lines of 16 bytes,
 * non-printable bytes shown as '.' in the ASCII column. */
void wire_hexdump(const uint8_t *data, size_t n, struct strbuf *out);

#endif
