/* The wire codec for people: the ClientHello → struct offered mapping, the per-message
 * detail view (wire_describe) and a hex dump. */
#include "wire/wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire_internal.h"
#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/strlist.h"

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
    if (wire_parse_hello(msg, n, type, &h, &why) < 0) {
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
    if (wire_parse_ext_block(b, &exts, &n, &why) < 0)
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
    if (wire_parse_ext_block(b, &exts, &n, &why) < 0)
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
    if (wire_open_message(msg, n, -1, &b, &why) < 0) {
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
