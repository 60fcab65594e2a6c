/* Bounds-checked parsers for TLS handshake messages (ClientHello, ServerHello, HRR,
 * CertificateRequest, extension blocks). Every read goes through struct rd (wire_internal.h);
 * the detail view and the ClientHello → struct offered mapping live in wire_describe.c. */
#include "wire/wire.h"

#include <stdlib.h>
#include <string.h>

#include "wire/wire_internal.h"
#include "util/mem.h"

static int fail(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return -1;
}

/* The body of one handshake message of type want (-1: any). n must be exactly the message. */
int wire_open_message(const uint8_t *msg, size_t n, int want, struct rd *body, const char **why)
{
    struct rd r = {msg, n, 0};
    uint8_t type;
    uint32_t len;
    if (!msg || !rd_u8(&r, &type) || !rd_uint(&r, 3, &len))
        return fail(why, "shorter than a handshake message header");
    if (want >= 0 && type != want)
        return fail(why, "unexpected handshake message type");
    if (len > rd_left(&r))
        return fail(why, "handshake message truncated (length runs past the data)");
    if (len < rd_left(&r))
        return fail(why, "trailing bytes after the handshake message");
    body->p = msg + 4;
    body->n = len;
    body->off = 0;
    return 0;
}

/* A vector of bytes with a width-byte length prefix, at least min of them, copied. */
static bool rd_u8_list(struct rd *r, size_t width, size_t min, uint8_t **items, size_t *count)
{
    struct rd v;
    if (!rd_vec(r, width, &v) || v.n < min || v.n > WIRE_LIST_MAX)
        return false;
    *count = v.n;
    *items = xmalloc(v.n + 1);
    memcpy(*items, v.p, v.n);
    return true;
}

/* ---- extension blocks ----------------------------------------------------------------- */

/* Reads an extensions block (u16 length, then type/length/body entries) that must end the
 * message body. Spans point into r's bytes. */
int wire_parse_ext_block(struct rd *r, struct wire_ext **exts, size_t *n_exts, const char **why)
{
    struct rd blk;
    if (!rd_vec(r, 2, &blk))
        return fail(why, "extensions length runs past the end of the message");
    if (rd_left(r) != 0)
        return fail(why, "trailing bytes after the extensions");
    size_t cap = 0;
    while (rd_left(&blk) > 0) {
        uint16_t type;
        struct rd body;
        if (!rd_u16(&blk, &type) || !rd_vec(&blk, 2, &body))
            return fail(why, "extension length runs past the end of the extensions block");
        if (*n_exts >= WIRE_EXT_MAX)
            return fail(why, "too many extensions");
        for (size_t i = 0; i < *n_exts; i++)
            if ((*exts)[i].type == type)
                return fail(why, "duplicate extension");
        xgrow((void **)exts, &cap, *n_exts + 1, sizeof(**exts));
        (*exts)[*n_exts].type = type;
        (*exts)[*n_exts].body.data = body.p;
        (*exts)[*n_exts].body.len = body.n;
        (*n_exts)++;
    }
    return 0;
}

/* server_name: the first host_name entry of the list. */
static bool decode_sni(struct rd *r, struct wire_span *sni)
{
    struct rd list;
    if (!rd_vec(r, 2, &list) || list.n == 0)
        return false;
    while (rd_left(&list) > 0) {
        uint8_t type;
        struct rd name;
        if (!rd_u8(&list, &type) || !rd_vec(&list, 2, &name) || name.n == 0)
            return false;
        if (type == 0 && sni->len == 0) {
            sni->data = name.p;
            sni->len = name.n;
        }
    }
    return true;
}

static bool decode_alpn(struct rd *r, struct wire_span **alpn, size_t *n_alpn)
{
    struct rd list;
    size_t cap = 0;
    if (!rd_vec(r, 2, &list) || list.n == 0)
        return false;
    while (rd_left(&list) > 0) {
        struct rd name;
        if (!rd_vec(&list, 1, &name) || name.n == 0 || *n_alpn >= WIRE_LIST_MAX)
            return false;
        xgrow((void **)alpn, &cap, *n_alpn + 1, sizeof(**alpn));
        (*alpn)[*n_alpn].data = name.p;
        (*alpn)[(*n_alpn)++].len = name.n;
    }
    return true;
}

/* key_share: ClientHello a list of (group, key); ServerHello one; HRR only the group. */
static bool decode_key_share(struct rd *r, const struct wire_hello *h, uint16_t **groups, size_t *n)
{
    if (h->msg_type == WIRE_HS_SERVER_HELLO) {
        uint16_t g;
        struct rd key;
        if (!rd_u16(r, &g))
            return false;
        if (!h->is_hello_retry_request && (!rd_vec(r, 2, &key) || key.n == 0))
            return false;
        *groups = xmalloc(sizeof(**groups));
        (*groups)[0] = g;
        *n = 1;
        return true;
    }
    struct rd list;
    size_t cap = 0;
    if (!rd_vec(r, 2, &list))
        return false;
    while (rd_left(&list) > 0) {
        uint16_t g;
        struct rd key;
        if (!rd_u16(&list, &g) || !rd_vec(&list, 2, &key) || key.n == 0 || *n >= WIRE_LIST_MAX)
            return false;
        xgrow((void **)groups, &cap, *n + 1, sizeof(**groups));
        (*groups)[(*n)++] = g;
    }
    return true;
}

static bool decode_versions(struct rd *r, struct wire_hello *h)
{
    if (h->msg_type == WIRE_HS_CLIENT_HELLO)
        return rd_u16_list(r, 1, 1, &h->versions, &h->n_versions);
    h->versions = xmalloc(sizeof(*h->versions));
    h->n_versions = 1;
    return rd_u16(r, &h->versions[0]);
}

static const char *hello_ext_error(uint16_t type)
{
    switch (type) {
    case WIRE_EXT_SERVER_NAME: return "malformed server_name extension";
    case WIRE_EXT_SUPPORTED_VERSIONS: return "malformed supported_versions extension";
    case WIRE_EXT_SUPPORTED_GROUPS: return "malformed supported_groups extension";
    case WIRE_EXT_SIGNATURE_ALGORITHMS: return "malformed signature_algorithms extension";
    case WIRE_EXT_SIGNATURE_ALGORITHMS_CERT: return "malformed signature_algorithms_cert extension";
    case WIRE_EXT_KEY_SHARE: return "malformed key_share extension";
    case WIRE_EXT_ALPN: return "malformed alpn extension";
    case WIRE_EXT_PSK_KEY_EXCHANGE_MODES: return "malformed psk_key_exchange_modes extension";
    default: return "malformed ec_point_formats extension";
    }
}

/* Decodes the extensions a reader cares about; each must be consumed exactly. */
static int decode_hello_ext(struct wire_hello *h, const struct wire_ext *e, const char **why)
{
    struct rd r = ext_reader(e);
    bool ok = true;
    switch (e->type) {
    case WIRE_EXT_SERVER_NAME:
        /* A server acknowledges with an empty extension. */
        ok = e->body.len == 0 ? h->msg_type == WIRE_HS_SERVER_HELLO : decode_sni(&r, &h->sni);
        break;
    case WIRE_EXT_SUPPORTED_VERSIONS: ok = decode_versions(&r, h); break;
    case WIRE_EXT_SUPPORTED_GROUPS: ok = rd_u16_list(&r, 2, 1, &h->groups, &h->n_groups); break;
    case WIRE_EXT_SIGNATURE_ALGORITHMS:
        ok = rd_u16_list(&r, 2, 1, &h->sigalgs, &h->n_sigalgs);
        break;
    case WIRE_EXT_SIGNATURE_ALGORITHMS_CERT:
        ok = rd_u16_list(&r, 2, 1, &h->sigalgs_cert, &h->n_sigalgs_cert);
        break;
    case WIRE_EXT_KEY_SHARE: ok = decode_key_share(&r, h, &h->key_shares, &h->n_key_shares); break;
    case WIRE_EXT_ALPN:
        ok = decode_alpn(&r, &h->alpn, &h->n_alpn) &&
             (h->msg_type == WIRE_HS_CLIENT_HELLO || h->n_alpn == 1);
        break;
    case WIRE_EXT_PSK_KEY_EXCHANGE_MODES:
        ok = rd_u8_list(&r, 1, 1, &h->psk_modes, &h->n_psk_modes);
        break;
    case WIRE_EXT_EC_POINT_FORMATS:
        ok = rd_u8_list(&r, 1, 1, &h->ec_point_formats, &h->n_ec_point_formats);
        break;
    default: return 0;
    }
    if (!ok || rd_left(&r) != 0)
        return fail(why, hello_ext_error(e->type));
    return 0;
}

/* ---- ClientHello / ServerHello --------------------------------------------------------- */

static int parse_hello_fixed(struct rd *b, struct wire_hello *h, const char **why)
{
    const uint8_t *random;
    struct rd sid;
    if (!rd_u16(b, &h->legacy_version) || !rd_bytes(b, 32, &random))
        return fail(why, "hello truncated before the end of the random");
    memcpy(h->random, random, 32);
    if (!rd_vec(b, 1, &sid) || sid.n > 32)
        return fail(why, "session_id longer than 32 bytes or truncated");
    memcpy(h->session_id, sid.p, sid.n);
    h->session_id_len = sid.n;
    if (h->msg_type == WIRE_HS_CLIENT_HELLO) {
        if (!rd_u16_list(b, 2, 1, &h->ciphers, &h->n_ciphers))
            return fail(why, "malformed cipher_suites list (empty, odd or too long)");
        if (!rd_u8_list(b, 1, 1, &h->compressions, &h->n_compressions))
            return fail(why, "malformed compression_methods list");
        return 0;
    }
    h->ciphers = xmalloc(sizeof(*h->ciphers));
    h->compressions = xmalloc(1);
    h->n_ciphers = h->n_compressions = 1;
    if (!rd_u16(b, &h->ciphers[0]) || !rd_u8(b, &h->compressions[0]))
        return fail(why, "ServerHello truncated before cipher_suite/compression_method");
    h->is_hello_retry_request = memcmp(h->random, wire_hrr_random, 32) == 0;
    return 0;
}

int wire_parse_hello(const uint8_t *msg, size_t n, uint8_t type, struct wire_hello *h,
                     const char **why)
{
    struct rd b;
    memset(h, 0, sizeof(*h));
    h->msg_type = type;
    if (wire_open_message(msg, n, type, &b, why) < 0)
        goto bad;
    h->raw = xmalloc(n);
    memcpy(h->raw, msg, n);
    h->raw_len = n;
    b.p = h->raw + 4; /* every span points into our own copy */
    if (parse_hello_fixed(&b, h, why) < 0)
        goto bad;
    if (rd_left(&b) > 0) {
        h->has_extensions = true;
        if (wire_parse_ext_block(&b, &h->exts, &h->n_exts, why) < 0)
            goto bad;
    }
    for (size_t i = 0; i < h->n_exts; i++)
        if (decode_hello_ext(h, &h->exts[i], why) < 0)
            goto bad;
    if (type == WIRE_HS_SERVER_HELLO)
        h->selected_version = h->n_versions ? h->versions[0] : h->legacy_version;
    return 0;
bad:
    wire_hello_free(h);
    return -1;
}

int wire_parse_client_hello(const uint8_t *msg, size_t n, struct wire_hello *out, const char **why)
{
    return wire_parse_hello(msg, n, WIRE_HS_CLIENT_HELLO, out, why);
}

int wire_parse_server_hello(const uint8_t *msg, size_t n, struct wire_hello *out, const char **why)
{
    return wire_parse_hello(msg, n, WIRE_HS_SERVER_HELLO, out, why);
}

void wire_hello_free(struct wire_hello *h)
{
    if (!h)
        return;
    free(h->ciphers);
    free(h->compressions);
    free(h->exts);
    free(h->versions);
    free(h->groups);
    free(h->key_shares);
    free(h->sigalgs);
    free(h->sigalgs_cert);
    free(h->alpn);
    free(h->psk_modes);
    free(h->ec_point_formats);
    free(h->raw);
    memset(h, 0, sizeof(*h));
}

const struct wire_ext *wire_hello_find_ext(const struct wire_hello *h, uint16_t type)
{
    for (size_t i = 0; i < h->n_exts; i++)
        if (h->exts[i].type == type)
            return &h->exts[i];
    return NULL;
}

/* ---- CertificateRequest ---------------------------------------------------------------- */

static int parse_cr13(struct rd *b, struct wire_cert_request *cr, const char **why)
{
    struct rd ctx;
    if (!rd_vec(b, 1, &ctx))
        return fail(why, "certificate_request_context truncated");
    cr->context.data = ctx.p;
    cr->context.len = ctx.n;
    if (wire_parse_ext_block(b, &cr->exts, &cr->n_exts, why) < 0)
        return -1;
    for (size_t i = 0; i < cr->n_exts; i++) {
        struct rd r = ext_reader(&cr->exts[i]);
        bool ok = true;
        if (cr->exts[i].type == WIRE_EXT_SIGNATURE_ALGORITHMS)
            ok = rd_u16_list(&r, 2, 1, &cr->sigalgs, &cr->n_sigalgs);
        else if (cr->exts[i].type == WIRE_EXT_SIGNATURE_ALGORITHMS_CERT)
            ok = rd_u16_list(&r, 2, 1, &cr->sigalgs_cert, &cr->n_sigalgs_cert);
        else if (cr->exts[i].type == WIRE_EXT_CERTIFICATE_AUTHORITIES)
            ok = rd_dn_list(&r, &cr->ca_names, &cr->n_ca_names) && cr->n_ca_names > 0;
        if (!ok || rd_left(&r) != 0)
            return fail(why, "malformed CertificateRequest extension");
    }
    if (!cr->sigalgs)
        return fail(why, "TLS 1.3 CertificateRequest without signature_algorithms");
    return 0;
}

/* TLS 1.2 has supported_signature_algorithms between the types and the CA names; TLS 1.0
 * and 1.1 do not. The 1.2 layout is tried first; the older one only if it does not fit. */
static int parse_cr12(struct rd *b, struct wire_cert_request *cr, const char **why)
{
    if (!rd_u8_list(b, 1, 1, &cr->cert_types, &cr->n_cert_types))
        return fail(why, "malformed certificate_types list");
    struct rd try12 = *b;
    if (rd_u16_list(&try12, 2, 1, &cr->sigalgs, &cr->n_sigalgs) &&
        rd_dn_list(&try12, &cr->ca_names, &cr->n_ca_names) && rd_left(&try12) == 0)
        return 0;
    free(cr->sigalgs);
    free(cr->ca_names);
    cr->sigalgs = NULL;
    cr->ca_names = NULL;
    cr->n_sigalgs = cr->n_ca_names = 0;
    if (rd_dn_list(b, &cr->ca_names, &cr->n_ca_names) && rd_left(b) == 0)
        return 0;
    return fail(why, "malformed CertificateRequest (signature algorithms or CA names)");
}

int wire_parse_certificate_request(const uint8_t *msg, size_t n, bool tls13,
                                   struct wire_cert_request *out, const char **why)
{
    struct rd b;
    memset(out, 0, sizeof(*out));
    if (wire_open_message(msg, n, WIRE_HS_CERTIFICATE_REQUEST, &b, why) < 0)
        return -1;
    out->raw = xmalloc(n);
    memcpy(out->raw, msg, n);
    out->raw_len = n;
    b.p = out->raw + 4;
    if ((tls13 ? parse_cr13(&b, out, why) : parse_cr12(&b, out, why)) < 0) {
        wire_cert_request_free(out);
        return -1;
    }
    return 0;
}

void wire_cert_request_free(struct wire_cert_request *cr)
{
    if (!cr)
        return;
    free(cr->cert_types);
    free(cr->sigalgs);
    free(cr->sigalgs_cert);
    free(cr->ca_names);
    free(cr->exts);
    free(cr->raw);
    memset(cr, 0, sizeof(*cr));
}

/* ---- extension list of SH / EE / CH ---------------------------------------------------- */

int wire_parse_extension_list(const uint8_t *msg, size_t n, struct wire_ext_list *out)
{
    struct wire_ext *exts = NULL;
    size_t n_exts = 0;
    struct wire_hello h;
    int rc = -1;
    out->types = NULL;
    out->n = 0;
    if (!msg || n < 1)
        return -1;
    if (msg[0] == WIRE_HS_CLIENT_HELLO || msg[0] == WIRE_HS_SERVER_HELLO) {
        if (wire_parse_hello(msg, n, msg[0], &h, NULL) < 0)
            return -1;
        exts = h.exts;
        n_exts = h.n_exts;
        h.exts = NULL;
        wire_hello_free(&h);
    } else if (msg[0] == WIRE_HS_ENCRYPTED_EXTENSIONS) {
        struct rd b;
        if (wire_open_message(msg, n, WIRE_HS_ENCRYPTED_EXTENSIONS, &b, NULL) < 0 ||
            wire_parse_ext_block(&b, &exts, &n_exts, NULL) < 0)
            goto out;
    } else {
        return -1;
    }
    out->types = xmalloc(n_exts * sizeof(*out->types) + 1);
    for (size_t i = 0; i < n_exts; i++)
        out->types[i] = exts[i].type;
    out->n = n_exts;
    rc = 0;
out:
    free(exts);
    return rc;
}

void wire_ext_list_free(struct wire_ext_list *l)
{
    if (!l)
        return;
    free(l->types);
    l->types = NULL;
    l->n = 0;
}
