/* Bounds-checked parsers for TLS handshake messages (ClientHello, ServerHello, HRR,
 * CertificateRequest, extension blocks), the ClientHello → struct offered mapping, the
 * per-message detail view and a hex dump. Every read goes through struct rd. */
#include "engine/wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/strlist.h"

/* ---- reader: a window [p, p+n) and a cursor; every read checks what is left ------------- */

struct rd {
    const uint8_t *p;
    size_t n;
    size_t off;
};

static size_t rd_left(const struct rd *r)
{
    return r->n - r->off;
}

static bool rd_bytes(struct rd *r, size_t len, const uint8_t **out)
{
    if (len > rd_left(r))
        return false;
    if (out)
        *out = r->p + r->off;
    r->off += len;
    return true;
}

static bool rd_uint(struct rd *r, size_t width, uint32_t *v)
{
    const uint8_t *b;
    if (!rd_bytes(r, width, &b))
        return false;
    uint32_t x = 0;
    for (size_t i = 0; i < width; i++)
        x = (x << 8) | b[i];
    *v = x;
    return true;
}

static bool rd_u8(struct rd *r, uint8_t *v)
{
    uint32_t x;
    if (!rd_uint(r, 1, &x))
        return false;
    *v = (uint8_t)x;
    return true;
}

static bool rd_u16(struct rd *r, uint16_t *v)
{
    uint32_t x;
    if (!rd_uint(r, 2, &x))
        return false;
    *v = (uint16_t)x;
    return true;
}

/* Reads a vector with a width-byte length prefix; sub covers exactly its contents. */
static bool rd_vec(struct rd *r, size_t width, struct rd *sub)
{
    uint32_t len;
    const uint8_t *b;
    if (!rd_uint(r, width, &len) || !rd_bytes(r, len, &b))
        return false;
    sub->p = b;
    sub->n = len;
    sub->off = 0;
    return true;
}

static int fail(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return -1;
}

/* The body of one handshake message of type want (-1: any). n must be exactly the message. */
static int open_message(const uint8_t *msg, size_t n, int want, struct rd *body, const char **why)
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

/* A vector of 16-bit values: length prefix of width bytes, even, at least min entries. */
static bool rd_u16_list(struct rd *r, size_t width, size_t min, uint16_t **items, size_t *count)
{
    struct rd v;
    if (!rd_vec(r, width, &v) || v.n % 2 != 0 || v.n / 2 < min || v.n / 2 > WIRE_LIST_MAX)
        return false;
    *count = v.n / 2;
    *items = xmalloc(*count * sizeof(**items) + 1);
    for (size_t i = 0; i < *count; i++)
        rd_u16(&v, &(*items)[i]);
    return true;
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
static int parse_ext_block(struct rd *r, struct wire_ext **exts, size_t *n_exts, const char **why)
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

static struct rd ext_reader(const struct wire_ext *e)
{
    struct rd r = {e->body.data, e->body.len, 0};
    return r;
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

static int parse_hello(const uint8_t *msg, size_t n, uint8_t type, struct wire_hello *h,
                       const char **why)
{
    struct rd b;
    memset(h, 0, sizeof(*h));
    h->msg_type = type;
    if (open_message(msg, n, type, &b, why) < 0)
        goto bad;
    h->raw = xmalloc(n);
    memcpy(h->raw, msg, n);
    h->raw_len = n;
    b.p = h->raw + 4; /* every span points into our own copy */
    if (parse_hello_fixed(&b, h, why) < 0)
        goto bad;
    if (rd_left(&b) > 0) {
        h->has_extensions = true;
        if (parse_ext_block(&b, &h->exts, &h->n_exts, why) < 0)
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
    return parse_hello(msg, n, WIRE_HS_CLIENT_HELLO, out, why);
}

int wire_parse_server_hello(const uint8_t *msg, size_t n, struct wire_hello *out, const char **why)
{
    return parse_hello(msg, n, WIRE_HS_SERVER_HELLO, out, why);
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

/* DistinguishedName authorities<3..2^16-1>, each opaque DistinguishedName<1..2^16-1>. */
static bool rd_dn_list(struct rd *r, struct wire_span **names, size_t *n)
{
    struct rd list;
    size_t cap = 0;
    if (!rd_vec(r, 2, &list))
        return false;
    while (rd_left(&list) > 0) {
        struct rd dn;
        if (!rd_vec(&list, 2, &dn) || dn.n == 0 || *n >= WIRE_LIST_MAX)
            return false;
        xgrow((void **)names, &cap, *n + 1, sizeof(**names));
        (*names)[*n].data = dn.p;
        (*names)[(*n)++].len = dn.n;
    }
    return true;
}

static int parse_cr13(struct rd *b, struct wire_cert_request *cr, const char **why)
{
    struct rd ctx;
    if (!rd_vec(b, 1, &ctx))
        return fail(why, "certificate_request_context truncated");
    cr->context.data = ctx.p;
    cr->context.len = ctx.n;
    if (parse_ext_block(b, &cr->exts, &cr->n_exts, why) < 0)
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
    if (open_message(msg, n, WIRE_HS_CERTIFICATE_REQUEST, &b, why) < 0)
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
        if (parse_hello(msg, n, msg[0], &h, NULL) < 0)
            return -1;
        exts = h.exts;
        n_exts = h.n_exts;
        h.exts = NULL;
        wire_hello_free(&h);
    } else if (msg[0] == WIRE_HS_ENCRYPTED_EXTENSIONS) {
        struct rd b;
        if (open_message(msg, n, WIRE_HS_ENCRYPTED_EXTENSIONS, &b, NULL) < 0 ||
            parse_ext_block(&b, &exts, &n_exts, NULL) < 0)
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

/* ---- ClientHello → struct offered ------------------------------------------------------ */

static void push_names(struct strlist *l, const uint16_t *codes, size_t n,
                       const char *(*namer)(uint16_t, char *, size_t))
{
    char buf[WIRE_NAME_BUF];
    for (size_t i = 0; i < n; i++)
        if (!wire_is_grease(codes[i]))
            strlist_push(l, namer(codes[i], buf, sizeof(buf)));
}

void wire_fill_offered(const struct wire_hello *ch, struct offered *o)
{
    char buf[WIRE_NAME_BUF];
    struct strlist *lists[] = {&o->versions, &o->ciphers,    &o->ciphers_openssl,
                               &o->groups,   &o->key_shares, &o->sigalgs,
                               &o->alpn,     &o->extensions};
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
        strlist_clear(lists[i]);
    if (ch->n_versions)
        push_names(&o->versions, ch->versions, ch->n_versions, wire_version_name);
    else
        strlist_push(&o->versions, wire_version_name(ch->legacy_version, buf, sizeof(buf)));
    push_names(&o->ciphers, ch->ciphers, ch->n_ciphers, wire_cipher_name);
    for (size_t i = 0; i < o->ciphers.len; i++)
        strlist_push(&o->ciphers_openssl, "");
    push_names(&o->groups, ch->groups, ch->n_groups, wire_group_name);
    push_names(&o->key_shares, ch->key_shares, ch->n_key_shares, wire_group_name);
    push_names(&o->sigalgs, ch->sigalgs, ch->n_sigalgs, wire_sigalg_name);
    for (size_t i = 0; i < ch->n_alpn; i++)
        strlist_take(&o->alpn, utf8_repair((const char *)ch->alpn[i].data, ch->alpn[i].len));
    for (size_t i = 0; i < ch->n_exts; i++)
        if (!wire_is_grease(ch->exts[i].type))
            strlist_push(&o->extensions, wire_extension_name(ch->exts[i].type, buf, sizeof(buf)));
    o->client_hello_len = ch->raw_len;
}

/* ---- detail view ----------------------------------------------------------------------- */

struct nv_list {
    struct name_value *items;
    size_t n, cap;
};

/* Appends name (copied) = value (taken). */
static void nv_take(struct nv_list *l, const char *name, char *value)
{
    xgrow((void **)&l->items, &l->cap, l->n + 1, sizeof(*l->items));
    l->items[l->n].name = xstrdup(name);
    l->items[l->n].value = value;
    l->items[l->n].critical = false;
    l->n++;
}

static void nv_addf(struct nv_list *l, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void nv_addf(struct nv_list *l, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = xmalloc(len > 0 ? (size_t)len + 1 : 1);
    s[0] = '\0';
    if (len > 0) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)len + 1, fmt, ap);
        va_end(ap);
    }
    nv_take(l, name, s);
}

/* Moves every entry of src to the end of dst; src is left empty. */
static void nv_move(struct nv_list *dst, struct nv_list *src)
{
    for (size_t i = 0; i < src->n; i++) {
        xgrow((void **)&dst->items, &dst->cap, dst->n + 1, sizeof(*dst->items));
        dst->items[dst->n++] = src->items[i];
    }
    free(src->items);
    src->items = NULL;
    src->n = src->cap = 0;
}

static char *hex_string(const uint8_t *p, size_t n)
{
    struct strbuf sb = {0};
    for (size_t i = 0; i < n; i++)
        sb_printf(&sb, "%02x", p[i]);
    return sb_take(&sb);
}

/* "name, name, ..." */
static char *join_codes(const uint16_t *codes, size_t n,
                        const char *(*namer)(uint16_t, char *, size_t))
{
    struct strbuf sb = {0};
    char buf[WIRE_NAME_BUF];
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_puts(&sb, ", ");
        sb_puts(&sb, namer(codes[i], buf, sizeof(buf)));
    }
    return sb_take(&sb);
}

/* Reads a u16 list and names it; NULL when it does not parse or does not end r. */
static char *join_u16_vec(struct rd *r, size_t width,
                          const char *(*namer)(uint16_t, char *, size_t))
{
    uint16_t *codes = NULL;
    size_t n = 0;
    if (!rd_u16_list(r, width, 0, &codes, &n) || rd_left(r) != 0) {
        free(codes);
        return NULL;
    }
    char *s = join_codes(codes, n, namer);
    free(codes);
    return s;
}

static const char *point_format_name(uint8_t f)
{
    static const char *const names[] = {"uncompressed", "ansiX962_compressed_prime",
                                        "ansiX962_compressed_char2"};
    return f < 3 ? names[f] : "unknown";
}

static const char *cert_compression_name(uint16_t a, char *buf, size_t n)
{
    static const char *const names[] = {NULL, "zlib", "brotli", "zstd"};
    if (a >= 1 && a <= 3)
        return names[a];
    snprintf(buf, n, "0x%04X", (unsigned)a);
    return buf;
}

static char *summary_key_share(struct rd *r, uint8_t msg_type, bool hrr)
{
    struct strbuf sb = {0};
    char buf[WIRE_NAME_BUF];
    uint16_t g;
    struct rd key, list;
    if (msg_type == WIRE_HS_SERVER_HELLO && hrr) {
        if (!rd_u16(r, &g) || rd_left(r))
            return NULL;
        return xasprintf("requested %s", wire_group_name(g, buf, sizeof(buf)));
    }
    /* A ClientHello carries a list of entries; a ServerHello exactly one, unwrapped. */
    if (msg_type != WIRE_HS_CLIENT_HELLO)
        list = *r;
    else if (!rd_vec(r, 2, &list) || rd_left(r))
        return NULL;
    while (rd_left(&list) > 0) {
        if (!rd_u16(&list, &g) || !rd_vec(&list, 2, &key)) {
            sb_free(&sb);
            return NULL;
        }
        sb_printf(&sb, "%s%s (%zu bytes)", sb.len ? ", " : "", wire_group_name(g, buf, sizeof(buf)),
                  key.n);
    }
    return sb_take(&sb);
}

/* ALPN names (or SNI) made safe to keep: UTF-8 repaired. */
static char *summary_names(struct rd *r, bool sni)
{
    struct strbuf sb = {0};
    struct rd list, name;
    uint8_t type = 0;
    if (!rd_vec(r, 2, &list) || rd_left(r))
        goto bad;
    while (rd_left(&list) > 0) {
        if (sni && !rd_u8(&list, &type))
            goto bad;
        if (!rd_vec(&list, sni ? 2 : 1, &name))
            goto bad;
        char *s = utf8_repair((const char *)name.p, name.n);
        sb_printf(&sb, "%s%s%s", sb.len ? ", " : "", s, type ? " (not a host_name)" : "");
        free(s);
    }
    return sb_take(&sb);
bad:
    sb_free(&sb);
    return NULL;
}

static char *summary_u8_names(struct rd *r, bool compress_cert)
{
    struct strbuf sb = {0};
    struct rd list;
    char buf[WIRE_NAME_BUF];
    if (!rd_vec(r, 1, &list) || rd_left(r))
        goto bad;
    while (rd_left(&list) > 0) {
        if (compress_cert) {
            uint16_t a;
            if (!rd_u16(&list, &a))
                goto bad;
            sb_printf(&sb, "%s%s", sb.len ? ", " : "", cert_compression_name(a, buf, sizeof(buf)));
        } else {
            uint8_t f;
            rd_u8(&list, &f);
            sb_printf(&sb, "%s%s", sb.len ? ", " : "", point_format_name(f));
        }
    }
    return sb_take(&sb);
bad:
    sb_free(&sb);
    return NULL;
}

static char *summary_psk_modes(struct rd *r)
{
    struct strbuf sb = {0};
    struct rd list;
    if (!rd_vec(r, 1, &list) || rd_left(r)) {
        sb_free(&sb);
        return NULL;
    }
    while (rd_left(&list) > 0) {
        uint8_t m;
        rd_u8(&list, &m);
        sb_printf(&sb, "%s%s", sb.len ? ", " : "",
                  m == 0   ? "psk_ke"
                  : m == 1 ? "psk_dhe_ke"
                           : "unknown");
    }
    return sb_take(&sb);
}

static char *summary_versions(struct rd *r, uint8_t msg_type)
{
    char buf[WIRE_NAME_BUF];
    uint16_t v;
    if (msg_type == WIRE_HS_CLIENT_HELLO)
        return join_u16_vec(r, 1, wire_version_name);
    if (!rd_u16(r, &v) || rd_left(r))
        return NULL;
    return xstrdup(wire_version_name(v, buf, sizeof(buf)));
}

/* Small fixed-size extensions: a number or a one-word status. */
static char *summary_scalar(struct rd *r, uint16_t type, uint8_t msg_type)
{
    uint16_t v16;
    uint8_t v8;
    uint32_t v32;
    switch (type) {
    case WIRE_EXT_RECORD_SIZE_LIMIT:
        return rd_u16(r, &v16) && !rd_left(r) ? xasprintf("%u", (unsigned)v16) : NULL;
    case WIRE_EXT_MAX_FRAGMENT_LENGTH:
        return rd_u8(r, &v8) && !rd_left(r) && v8 >= 1 && v8 <= 4
                   ? xasprintf("%u bytes", 1u << (8 + v8))
                   : NULL;
    case WIRE_EXT_STATUS_REQUEST:
        if (rd_left(r) == 0)
            return xstrdup("(acknowledged)");
        return rd_u8(r, &v8)
                   ? xasprintf("%s, %zu bytes of request", v8 == 1 ? "ocsp" : "unknown", rd_left(r))
                   : NULL;
    case WIRE_EXT_EARLY_DATA:
        if (rd_left(r) == 0)
            return xstrdup("(empty)");
        return rd_uint(r, 4, &v32) && !rd_left(r) ? xasprintf("max_early_data_size %u", v32) : NULL;
    case WIRE_EXT_PRE_SHARED_KEY:
        if (msg_type != WIRE_HS_SERVER_HELLO)
            return xasprintf("%zu bytes of identities and binders", rd_left(r));
        return rd_u16(r, &v16) && !rd_left(r) ? xasprintf("selected identity %u", (unsigned)v16)
                                              : NULL;
    case WIRE_EXT_RENEGOTIATION_INFO:
        if (!rd_u8(r, &v8) || v8 != rd_left(r))
            return NULL;
        return v8 ? xasprintf("%u bytes of verify_data", (unsigned)v8) : xstrdup("empty");
    default: return rd_left(r) ? xasprintf("%zu bytes", rd_left(r)) : xstrdup("(empty)");
    }
}

/* A one-line summary of one extension body; "malformed (N bytes)" when it does not parse. */
static char *ext_summary(const struct wire_ext *e, uint8_t msg_type, bool hrr)
{
    struct rd r = ext_reader(e);
    char *s;
    switch (e->type) {
    case WIRE_EXT_SERVER_NAME:
        s = e->body.len == 0 ? xstrdup("(acknowledged)") : summary_names(&r, true);
        break;
    case WIRE_EXT_ALPN: s = summary_names(&r, false); break;
    case WIRE_EXT_SUPPORTED_GROUPS: s = join_u16_vec(&r, 2, wire_group_name); break;
    case WIRE_EXT_SIGNATURE_ALGORITHMS:
    case WIRE_EXT_SIGNATURE_ALGORITHMS_CERT: s = join_u16_vec(&r, 2, wire_sigalg_name); break;
    case WIRE_EXT_SUPPORTED_VERSIONS: s = summary_versions(&r, msg_type); break;
    case WIRE_EXT_KEY_SHARE: s = summary_key_share(&r, msg_type, hrr); break;
    case WIRE_EXT_EC_POINT_FORMATS: s = summary_u8_names(&r, false); break;
    case WIRE_EXT_COMPRESS_CERTIFICATE: s = summary_u8_names(&r, true); break;
    case WIRE_EXT_PSK_KEY_EXCHANGE_MODES: s = summary_psk_modes(&r); break;
    case WIRE_EXT_CERTIFICATE_AUTHORITIES: {
        struct wire_span *names = NULL;
        size_t n = 0;
        s = rd_dn_list(&r, &names, &n) && !rd_left(&r) ? xasprintf("%zu names", n) : NULL;
        free(names);
        break;
    }
    default: s = summary_scalar(&r, e->type, msg_type); break;
    }
    return s ? s : xasprintf("malformed (%zu bytes)", e->body.len);
}

static void describe_exts(struct nv_list *l, const struct wire_ext *exts, size_t n,
                          uint8_t msg_type, bool hrr)
{
    char buf[WIRE_NAME_BUF];
    nv_addf(l, "extensions", "%zu", n);
    for (size_t i = 0; i < n; i++)
        nv_take(l, wire_extension_name(exts[i].type, buf, sizeof(buf)),
                ext_summary(&exts[i], msg_type, hrr));
}

static void describe_hello(struct nv_list *l, const uint8_t *msg, size_t n, uint8_t type)
{
    struct wire_hello h;
    const char *why = NULL;
    char buf[WIRE_NAME_BUF];
    if (parse_hello(msg, n, type, &h, &why) < 0) {
        nv_take(l, "error", xstrdup(why));
        return;
    }
    nv_addf(l, "legacy_version", "%s (0x%04X)",
            wire_version_name(h.legacy_version, buf, sizeof(buf)), h.legacy_version);
    nv_take(l, "random",
            h.is_hello_retry_request ? xstrdup("HelloRetryRequest marker")
                                     : hex_string(h.random, 32));
    nv_take(l, "session_id",
            h.session_id_len ? hex_string(h.session_id, h.session_id_len) : xstrdup("(empty)"));
    if (type == WIRE_HS_CLIENT_HELLO) {
        char *names = join_codes(h.ciphers, h.n_ciphers, wire_cipher_name);
        nv_addf(l, "cipher_suites", "%zu: %s", h.n_ciphers, names);
        free(names);
        nv_addf(l, "compression_methods", "%zu", h.n_compressions);
    } else {
        if (h.is_hello_retry_request)
            nv_take(l, "hello_retry_request", xstrdup("yes"));
        nv_addf(l, "cipher_suite", "%s (0x%04X)", wire_cipher_name(h.ciphers[0], buf, sizeof(buf)),
                h.ciphers[0]);
        nv_addf(l, "compression_method", "%u", (unsigned)h.compressions[0]);
        nv_take(l, "selected_version",
                xstrdup(wire_version_name(h.selected_version, buf, sizeof(buf))));
    }
    if (h.has_extensions)
        describe_exts(l, h.exts, h.n_exts, type, h.is_hello_retry_request);
    wire_hello_free(&h);
}

static void describe_encrypted_extensions(struct nv_list *l, struct rd *b)
{
    struct wire_ext *exts = NULL;
    size_t n = 0;
    const char *why = NULL;
    if (parse_ext_block(b, &exts, &n, &why) < 0)
        nv_take(l, "error", xstrdup(why));
    else
        describe_exts(l, exts, n, WIRE_HS_ENCRYPTED_EXTENSIONS, false);
    free(exts);
}

static const char *cert_type_name(uint8_t t)
{
    switch (t) {
    case 1: return "rsa_sign";
    case 2: return "dss_sign";
    case 3: return "rsa_fixed_dh";
    case 4: return "dss_fixed_dh";
    case 5: return "rsa_ephemeral_dh";
    case 6: return "dss_ephemeral_dh";
    case 20: return "fortezza_dms";
    case 64: return "ecdsa_sign";
    case 65: return "rsa_fixed_ecdh";
    case 66: return "ecdsa_fixed_ecdh";
    case 67: return "gost_sign256";
    case 68: return "gost_sign512";
    default: return "unknown";
    }
}

static void describe_cert_request(struct nv_list *l, const uint8_t *msg, size_t n, bool tls13)
{
    struct wire_cert_request cr;
    const char *why = NULL;
    if (wire_parse_certificate_request(msg, n, tls13, &cr, &why) < 0) {
        nv_take(l, "error", xstrdup(why));
        return;
    }
    if (tls13) {
        nv_addf(l, "context", "%zu bytes", cr.context.len);
    } else {
        struct strbuf sb = {0};
        for (size_t i = 0; i < cr.n_cert_types; i++)
            sb_printf(&sb, "%s%s", i ? ", " : "", cert_type_name(cr.cert_types[i]));
        nv_take(l, "certificate_types", sb_take(&sb));
    }
    if (cr.sigalgs)
        nv_take(l, "signature_algorithms", join_codes(cr.sigalgs, cr.n_sigalgs, wire_sigalg_name));
    if (cr.sigalgs_cert)
        nv_take(l, "signature_algorithms_cert",
                join_codes(cr.sigalgs_cert, cr.n_sigalgs_cert, wire_sigalg_name));
    nv_addf(l, "certificate_authorities", "%zu", cr.n_ca_names);
    if (tls13)
        describe_exts(l, cr.exts, cr.n_exts, WIRE_HS_CERTIFICATE_REQUEST, false);
    wire_cert_request_free(&cr);
}

static void describe_ticket(struct nv_list *l, struct rd *b, bool tls13)
{
    uint32_t lifetime, age_add;
    struct rd nonce, ticket;
    if (!rd_uint(b, 4, &lifetime))
        goto bad;
    nv_addf(l, tls13 ? "ticket_lifetime" : "ticket_lifetime_hint", "%u s", lifetime);
    if (tls13) {
        if (!rd_uint(b, 4, &age_add) || !rd_vec(b, 1, &nonce))
            goto bad;
        nv_addf(l, "ticket_age_add", "0x%08x", age_add);
        nv_addf(l, "ticket_nonce", "%zu bytes", nonce.n);
    }
    if (!rd_vec(b, 2, &ticket))
        goto bad;
    nv_addf(l, "ticket", "%zu bytes", ticket.n);
    if (!tls13) {
        if (rd_left(b))
            goto bad;
        return;
    }
    struct wire_ext *exts = NULL;
    size_t n = 0;
    const char *why = NULL;
    if (parse_ext_block(b, &exts, &n, &why) < 0)
        nv_take(l, "error", xstrdup(why));
    else
        describe_exts(l, exts, n, WIRE_HS_NEW_SESSION_TICKET, false);
    free(exts);
    return;
bad:
    nv_take(l, "error", xstrdup("malformed NewSessionTicket"));
}

#define DESCRIBE_ITEMS_MAX 32 /* per-item rows (certificates) shown in a detail view */

static void describe_certificate(struct nv_list *l, struct rd *b, bool tls13)
{
    struct nv_list items = {0};
    struct rd ctx, list;
    size_t count = 0;
    if (tls13) {
        if (!rd_vec(b, 1, &ctx))
            goto bad;
        nv_addf(l, "context", "%zu bytes", ctx.n);
    }
    if (!rd_vec(b, 3, &list) || rd_left(b))
        goto bad;
    while (rd_left(&list) > 0) {
        struct rd cert, exts;
        if (!rd_vec(&list, 3, &cert) || (tls13 && !rd_vec(&list, 2, &exts)))
            goto bad;
        if (count < DESCRIBE_ITEMS_MAX) {
            char name[32];
            snprintf(name, sizeof(name), "certificate[%zu]", count);
            if (tls13)
                nv_addf(&items, name, "%zu bytes, %zu bytes of extensions", cert.n, exts.n);
            else
                nv_addf(&items, name, "%zu bytes", cert.n);
        }
        count++;
    }
    nv_addf(l, "certificates", "%zu", count);
    nv_move(l, &items);
    return;
bad:
    wire_describe_free(items.items, items.n);
    nv_take(l, "error", xstrdup("malformed Certificate"));
}

/* The signature at the end of CertificateVerify / ServerKeyExchange: with a scheme (TLS 1.2+)
 * when the length fits that layout, else a bare signature (TLS 1.0/1.1). */
static bool describe_signature(struct nv_list *l, struct rd *b, bool tls13)
{
    char buf[WIRE_NAME_BUF];
    struct rd with = *b, sig;
    uint16_t scheme;
    if (rd_u16(&with, &scheme) && rd_vec(&with, 2, &sig) && rd_left(&with) == 0) {
        nv_addf(l, "signature_scheme", "%s (0x%04X)", wire_sigalg_name(scheme, buf, sizeof(buf)),
                scheme);
        nv_addf(l, "signature", "%zu bytes", sig.n);
        *b = with;
        return true;
    }
    if (!tls13 && rd_vec(b, 2, &sig) && rd_left(b) == 0) {
        nv_addf(l, "signature", "%zu bytes", sig.n);
        return true;
    }
    return false;
}

static size_t significant_bits(const struct rd *v)
{
    size_t i = 0;
    while (i < v->n && v->p[i] == 0)
        i++;
    if (i == v->n)
        return 0;
    size_t bits = (v->n - i) * 8;
    for (uint8_t top = v->p[i]; !(top & 0x80); top <<= 1)
        bits--;
    return bits;
}

static void describe_ske(struct nv_list *l, struct rd *b)
{
    char buf[WIRE_NAME_BUF];
    struct rd ec = *b, point, dh = *b, p, g, ys;
    uint8_t curve_type;
    uint16_t group;
    if (rd_u8(&ec, &curve_type) && curve_type == 3 && rd_u16(&ec, &group) &&
        rd_vec(&ec, 1, &point) && point.n > 0) {
        struct nv_list tmp = {0};
        if (rd_left(&ec) == 0 || describe_signature(&tmp, &ec, false)) {
            nv_take(l, "curve_type", xstrdup("named_curve"));
            nv_take(l, "named_group", xstrdup(wire_group_name(group, buf, sizeof(buf))));
            nv_addf(l, "public_key", "%zu bytes", point.n);
            nv_move(l, &tmp);
            return;
        }
        wire_describe_free(tmp.items, tmp.n);
    }
    if (rd_vec(&dh, 2, &p) && rd_vec(&dh, 2, &g) && rd_vec(&dh, 2, &ys) && p.n > 0) {
        struct nv_list tmp = {0};
        if (rd_left(&dh) == 0 || describe_signature(&tmp, &dh, false)) {
            nv_addf(l, "dh_p", "%zu bits", significant_bits(&p));
            nv_addf(l, "dh_g", "%zu bytes", g.n);
            nv_addf(l, "dh_Ys", "%zu bytes", ys.n);
            nv_move(l, &tmp);
            return;
        }
        wire_describe_free(tmp.items, tmp.n);
    }
    nv_take(l, "parameters", xstrdup("not parseable (RSA export, PSK or unknown layout)"));
}

/* Messages with one or two fixed fields. */
static void describe_simple(struct nv_list *l, uint8_t type, struct rd *b, bool tls13)
{
    uint8_t v8;
    uint16_t v16;
    uint32_t v32;
    struct rd v;
    char buf[WIRE_NAME_BUF];
    switch (type) {
    case WIRE_HS_CERTIFICATE_VERIFY:
        if (!describe_signature(l, b, tls13))
            nv_take(l, "error", xstrdup("malformed CertificateVerify"));
        break;
    case WIRE_HS_FINISHED: nv_addf(l, "verify_data", "%zu bytes", rd_left(b)); break;
    case WIRE_HS_CLIENT_KEY_EXCHANGE: nv_addf(l, "exchange_keys", "%zu bytes", rd_left(b)); break;
    case WIRE_HS_KEY_UPDATE:
        if (rd_u8(b, &v8) && !rd_left(b))
            nv_take(l, "request_update",
                    xstrdup(v8 == 0   ? "update_not_requested"
                            : v8 == 1 ? "update_requested"
                                      : "invalid"));
        else
            nv_take(l, "error", xstrdup("malformed KeyUpdate"));
        break;
    case WIRE_HS_CERTIFICATE_STATUS:
        if (rd_u8(b, &v8) && rd_vec(b, 3, &v) && !rd_left(b)) {
            nv_take(l, "status_type", xstrdup(v8 == 1 ? "ocsp" : "unknown"));
            nv_addf(l, "response", "%zu bytes", v.n);
        } else {
            nv_take(l, "error", xstrdup("malformed CertificateStatus"));
        }
        break;
    case WIRE_HS_HELLO_VERIFY_REQUEST:
        if (rd_u16(b, &v16) && rd_vec(b, 1, &v) && !rd_left(b)) {
            nv_take(l, "server_version", xstrdup(wire_version_name(v16, buf, sizeof(buf))));
            nv_addf(l, "cookie", "%zu bytes", v.n);
        } else {
            nv_take(l, "error", xstrdup("malformed HelloVerifyRequest"));
        }
        break;
    case WIRE_HS_COMPRESSED_CERTIFICATE:
        if (rd_u16(b, &v16) && rd_uint(b, 3, &v32) && rd_vec(b, 3, &v) && !rd_left(b)) {
            nv_take(l, "algorithm", xstrdup(cert_compression_name(v16, buf, sizeof(buf))));
            nv_addf(l, "uncompressed_length", "%u bytes", v32);
            nv_addf(l, "compressed_certificate", "%zu bytes", v.n);
        } else {
            nv_take(l, "error", xstrdup("malformed CompressedCertificate"));
        }
        break;
    default: break;
    }
}

static void describe_body(struct nv_list *l, const uint8_t *msg, size_t n, bool tls13)
{
    struct rd b;
    const char *why = NULL;
    uint8_t type = msg[0];
    if (type == WIRE_HS_CLIENT_HELLO || type == WIRE_HS_SERVER_HELLO) {
        describe_hello(l, msg, n, type);
        return;
    }
    if (type == WIRE_HS_CERTIFICATE_REQUEST) {
        describe_cert_request(l, msg, n, tls13);
        return;
    }
    if (open_message(msg, n, -1, &b, &why) < 0) {
        nv_take(l, "error", xstrdup(why));
        return;
    }
    switch (type) {
    case WIRE_HS_ENCRYPTED_EXTENSIONS: describe_encrypted_extensions(l, &b); break;
    case WIRE_HS_NEW_SESSION_TICKET: describe_ticket(l, &b, tls13); break;
    case WIRE_HS_CERTIFICATE: describe_certificate(l, &b, tls13); break;
    case WIRE_HS_SERVER_KEY_EXCHANGE: describe_ske(l, &b); break;
    default: describe_simple(l, type, &b, tls13); break;
    }
}

struct name_value *wire_describe(const uint8_t *msg, size_t n, bool tls13, size_t *count)
{
    struct nv_list l = {0};
    if (!msg || n < 4) {
        nv_take(&l, "error", xstrdup("shorter than a handshake message header"));
    } else {
        uint32_t len = (uint32_t)msg[1] << 16 | (uint32_t)msg[2] << 8 | msg[3];
        nv_addf(&l, "type", "%s (%u)", wire_handshake_name(msg[0]), (unsigned)msg[0]);
        nv_addf(&l, "length", "%u bytes", len);
        describe_body(&l, msg, n, tls13);
    }
    *count = l.n;
    return l.items;
}

void wire_describe_free(struct name_value *nv, size_t count)
{
    if (!nv)
        return;
    for (size_t i = 0; i < count; i++) {
        free(nv[i].name);
        free(nv[i].value);
    }
    free(nv);
}

/* ---- hex dump -------------------------------------------------------------------------- */

void wire_hexdump(const uint8_t *data, size_t n, struct strbuf *out)
{
    for (size_t off = 0; off < n; off += 16) {
        size_t line = n - off < 16 ? n - off : 16;
        sb_printf(out, "%04zx ", off);
        for (size_t i = 0; i < 16; i++) {
            if (i < line)
                sb_printf(out, " %02x", data[off + i]);
            else
                sb_puts(out, "   ");
        }
        sb_puts(out, "  |");
        for (size_t i = 0; i < line; i++) {
            uint8_t c = data[off + i];
            sb_putc(out, c >= 0x20 && c < 0x7F ? (char)c : '.');
        }
        sb_puts(out, "|\n");
    }
}
