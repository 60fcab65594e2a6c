/* Certificate facts: copies names, validity, key, extensions, fingerprints and PEM of one X509
 * into a cert_info, bounding everything that came from the peer. */
#include "engine/certinfo.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

#define ELLIPSIS "\xE2\x80\xA6" /* "…" */

/* RFC 2253 order, UTF-8 kept as is, only the RFC 2253 specials escaped (no ESC_CTRL/ESC_MSB:
 * the model keeps the real text, renderers sanitise). */
#define NAME_FLAGS                                                                                 \
    (XN_FLAG_SEP_COMMA_PLUS | XN_FLAG_DN_REV | XN_FLAG_FN_SN | ASN1_STRFLGS_UTF8_CONVERT |         \
     ASN1_STRFLGS_ESC_2253)

/* ---- bounded text ------------------------------------------------------------------------ */

/* Largest cut <= max that does not split a UTF-8 sequence of the valid string s. */
static size_t utf8_cut(const char *s, size_t max)
{
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* prefix + n bytes of peer data as a new valid UTF-8 string, at most CERTINFO_VALUE_MAX bytes
 * after the prefix; "…" is appended when anything was cut (or `truncated` says it was). */
static char *bounded_utf8(const char *prefix, const char *data, size_t n, bool truncated)
{
    if (n > CERTINFO_VALUE_MAX) {
        n = CERTINFO_VALUE_MAX;
        truncated = true;
    }
    char *fixed = utf8_repair(data ? data : "", data ? n : 0);
    size_t len = strlen(fixed); /* utf8_repair writes NUL bytes as "\x00" */
    if (len > CERTINFO_VALUE_MAX) {
        len = utf8_cut(fixed, CERTINFO_VALUE_MAX);
        truncated = true;
    }
    struct strbuf sb = {0};
    sb_puts(&sb, prefix);
    sb_add(&sb, fixed, len);
    if (truncated)
        sb_puts(&sb, ELLIPSIS);
    free(fixed);
    return sb_take(&sb);
}

static char *asn1_text(const char *prefix, const ASN1_STRING *s)
{
    return bounded_utf8(prefix, (const char *)ASN1_STRING_get0_data(s),
                        (size_t)ASN1_STRING_length(s), false);
}

/* Upper-case hex of at most max_bytes bytes, colon-separated when colons is set. */
static char *hex_text(const unsigned char *p, size_t n, bool colons, size_t max_bytes)
{
    static const char digits[] = "0123456789ABCDEF";
    struct strbuf sb = {0};
    size_t take = n < max_bytes ? n : max_bytes;
    for (size_t i = 0; i < take; i++) {
        char h[3] = {digits[p[i] >> 4], digits[p[i] & 15], ':'};
        sb_add(&sb, h, colons && i + 1 < take ? 3 : 2);
    }
    if (take < n)
        sb_puts(&sb, ELLIPSIS);
    return sb_take(&sb);
}

/* An object's name: short (or long) name for known objects, else the dotted OID. */
static char *obj_text(const ASN1_OBJECT *obj, bool prefer_long)
{
    int nid = OBJ_obj2nid(obj);
    const char *name = NULL;
    if (nid != NID_undef)
        name = prefer_long ? OBJ_nid2ln(nid) : OBJ_nid2sn(nid);
    if (name)
        return xstrdup(name);
    char buf[256];
    if (OBJ_obj2txt(buf, sizeof(buf), obj, 1) <= 0)
        return xstrdup("?");
    return xstrdup(buf);
}

/* ---- a BIO sink that keeps at most `cap` bytes ------------------------------------------ */

/* Printers (X509V3_EXT_print, X509_NAME_print_ex) write peer data of any size; this sink keeps
 * the first cap bytes, notes that it dropped the rest and never makes the printer fail. */
struct sink {
    BIO_METHOD *meth;
    struct strbuf sb;
    size_t cap;
    bool truncated;
};

static int sink_write(BIO *b, const char *data, int n)
{
    struct sink *s = BIO_get_data(b);
    if (n <= 0)
        return 0;
    size_t room = s->sb.len < s->cap ? s->cap - s->sb.len : 0;
    size_t take = (size_t)n < room ? (size_t)n : room;
    if (take)
        sb_add(&s->sb, data, take);
    if (take < (size_t)n)
        s->truncated = true;
    return n;
}

static int sink_puts(BIO *b, const char *str)
{
    size_t n = strlen(str);
    return sink_write(b, str, n > INT_MAX ? INT_MAX : (int)n);
}

static long sink_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)b, (void)num, (void)ptr;
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int sink_create(BIO *b)
{
    BIO_set_init(b, 1);
    return 1;
}

/* Returns a BIO writing into *s, or NULL. Release with sink_close (also after NULL). */
static BIO *sink_open(struct sink *s, size_t cap)
{
    memset(s, 0, sizeof(*s));
    s->cap = cap;
    s->meth = BIO_meth_new(BIO_TYPE_SOURCE_SINK, "tlscope capped sink");
    if (!s->meth || !BIO_meth_set_write(s->meth, sink_write) ||
        !BIO_meth_set_puts(s->meth, sink_puts) || !BIO_meth_set_ctrl(s->meth, sink_ctrl) ||
        !BIO_meth_set_create(s->meth, sink_create))
        return NULL;
    BIO *b = BIO_new(s->meth);
    if (b)
        BIO_set_data(b, s);
    return b;
}

/* Frees b and the method; returns what was written as bounded valid UTF-8 (caller frees). */
static char *sink_close(struct sink *s, BIO *b)
{
    BIO_free(b);
    BIO_meth_free(s->meth);
    char *res = bounded_utf8("", s->sb.buf, s->sb.len, s->truncated);
    sb_free(&s->sb);
    return res;
}

/* ---- names ------------------------------------------------------------------------------- */

/* The raw bytes of a name value in UTF-8 where OpenSSL can convert them (BMPString,
 * T61String, ...); a UTF8String, or anything that fails to convert, as it is. */
static void entry_bytes(const ASN1_STRING *v, struct strbuf *sb)
{
    unsigned char *utf8 = NULL;
    int n;
    if (ASN1_STRING_type(v) != V_ASN1_UTF8STRING && (n = ASN1_STRING_to_UTF8(&utf8, v)) >= 0) {
        sb_add(sb, (const char *)utf8, (size_t)n);
        OPENSSL_free(utf8);
        return;
    }
    sb_add(sb, (const char *)ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v));
}

/* Appends value with the RFC 2253 escapes ASN1_STRFLGS_ESC_2253 applies. */
static void escape_2253(struct strbuf *sb, const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (c != '\0' && strchr(",+\"\\<>;", c))
            sb_putc(sb, '\\');
        else if ((i == 0 && (c == '#' || c == ' ')) || (i + 1 == n && c == ' '))
            sb_putc(sb, '\\');
        sb_putc(sb, c);
    }
}

/* The same text X509_NAME_print_ex(NAME_FLAGS) gives, built by hand: used when OpenSSL
 * refuses a value (a UTF8String holding invalid UTF-8, an odd-length BMPString). */
static char *name_by_hand(const X509_NAME *name)
{
    struct strbuf sb = {0};
    int n = X509_NAME_entry_count(name), prev_set = -1;
    for (int i = n - 1; i >= 0 && sb.len <= CERTINFO_VALUE_MAX; i--) {
        const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
        int set = X509_NAME_ENTRY_set(e);
        if (i != n - 1)
            sb_putc(&sb, set == prev_set ? '+' : ',');
        prev_set = set;
        char *field = obj_text(X509_NAME_ENTRY_get_object(e), false);
        sb_printf(&sb, "%s=", field);
        free(field);
        struct strbuf v = {0};
        entry_bytes(X509_NAME_ENTRY_get_data(e), &v);
        escape_2253(&sb, v.buf ? v.buf : "", v.len);
        sb_free(&v);
    }
    char *res = bounded_utf8("", sb.buf, sb.len, false);
    sb_free(&sb);
    return res;
}

char *certinfo_name(const X509_NAME *name)
{
    if (!name)
        return xstrdup("");
    ERR_set_mark();
    struct sink s;
    BIO *b = sink_open(&s, CERTINFO_VALUE_MAX);
    bool ok = b && X509_NAME_print_ex(b, name, 0, NAME_FLAGS) >= 0;
    char *res = sink_close(&s, b);
    if (!ok) {
        free(res);
        res = name_by_hand(name);
    }
    ERR_pop_to_mark();
    return res;
}

/* The first commonName in DER order, or NULL. */
static char *first_cn(const X509_NAME *name)
{
    int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (i < 0)
        return NULL;
    struct strbuf v = {0};
    entry_bytes(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)), &v);
    char *res = bounded_utf8("", v.buf, v.len, false);
    sb_free(&v);
    return res;
}

/* ---- validity, key, signature ------------------------------------------------------------ */

static void time_fill(const ASN1_TIME *t, time_t *out_t, char *out, size_t n)
{
    struct tm tm;
    if (!t || !ASN1_TIME_to_tm(t, &tm))
        return;
    *out_t = timegm(&tm);
    iso8601_utc(*out_t, out, n);
}

/* floor((then - now) / 86400): negative as soon as `then` has passed. */
static long days_until(time_t then, time_t now)
{
    int64_t d = (int64_t)then - (int64_t)now;
    int64_t q = d / 86400;
    if (d % 86400 != 0 && d < 0)
        q--;
    return (long)q;
}

static char *serial_hex(const X509 *x)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;
    char *res = xstrdup(hex);
    OPENSSL_free(hex);
    BN_free(bn);
    return res;
}

static const char *key_type_name(int id)
{
    switch (id) {
    case EVP_PKEY_RSA: return "RSA";
    case EVP_PKEY_RSA_PSS: return "RSA-PSS";
    case EVP_PKEY_EC: return "EC";
    case EVP_PKEY_ED25519: return "ED25519";
    case EVP_PKEY_ED448: return "ED448";
    case EVP_PKEY_DSA: return "DSA";
    case EVP_PKEY_DH:
    case EVP_PKEY_DHX: return "DH";
    case EVP_PKEY_X25519: return "X25519";
    case EVP_PKEY_X448: return "X448";
    }
    return NULL;
}

static void key_fill(const X509 *x, struct cert_info *out)
{
    EVP_PKEY *pk = X509_get0_pubkey(x);
    if (!pk) { /* an algorithm this OpenSSL cannot load: name it by its OID */
        ASN1_OBJECT *alg = NULL;
        if (X509_PUBKEY_get0_param(&alg, NULL, NULL, NULL, X509_get_X509_PUBKEY(x)) && alg)
            out->key_type = obj_text(alg, false);
        return;
    }
    int id = EVP_PKEY_get_base_id(pk);
    const char *type = key_type_name(id);
    if (!type && id != NID_undef)
        type = OBJ_nid2sn(id);
    out->key_type = xstrdup(type ? type : "unknown");
    out->key_bits = EVP_PKEY_get_bits(pk);
    char group[80];
    size_t glen = 0;
    if (id == EVP_PKEY_EC && EVP_PKEY_get_group_name(pk, group, sizeof(group), &glen))
        out->key_curve = xstrdup(group);
}

static char *signature_name(const X509 *x)
{
    int nid = X509_get_signature_nid(x);
    const char *ln = nid != NID_undef ? OBJ_nid2ln(nid) : NULL;
    if (ln)
        return xstrdup(ln);
    const X509_ALGOR *alg = NULL;
    const ASN1_OBJECT *obj = NULL;
    X509_get0_signature(NULL, &alg, x);
    if (alg)
        X509_ALGOR_get0(&obj, NULL, NULL, alg);
    return obj ? obj_text(obj, true) : NULL;
}

/* Subject == issuer and the signature verifies with the certificate's own key. */
static bool is_self_signed(X509 *x)
{
    if (X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) != 0)
        return false;
    EVP_PKEY *pk = X509_get0_pubkey(x);
    return pk && X509_verify(x, pk) == 1;
}

/* ---- extensions with meaning --------------------------------------------------------------- */

static char *ip_text(const ASN1_OCTET_STRING *ip)
{
    char buf[INET6_ADDRSTRLEN];
    const unsigned char *p = ASN1_STRING_get0_data(ip);
    int n = ASN1_STRING_length(ip);
    if ((n == 4 && inet_ntop(AF_INET, p, buf, sizeof(buf))) ||
        (n == 16 && inet_ntop(AF_INET6, p, buf, sizeof(buf))))
        return xasprintf("IP:%s", buf);
    char *hex = hex_text(p, (size_t)(n > 0 ? n : 0), true, 64);
    char *res = xasprintf("IP:<%d bytes:%s>", n, hex);
    free(hex);
    return res;
}

static char *general_name_text(const GENERAL_NAME *g)
{
    switch (g->type) {
    case GEN_DNS: return asn1_text("DNS:", g->d.dNSName);
    case GEN_EMAIL: return asn1_text("email:", g->d.rfc822Name);
    case GEN_URI: return asn1_text("URI:", g->d.uniformResourceIdentifier);
    case GEN_IPADD: return ip_text(g->d.iPAddress);
    case GEN_DIRNAME: {
        char *dn = certinfo_name(g->d.directoryName);
        char *res = xasprintf("DirName:%s", dn);
        free(dn);
        return res;
    }
    case GEN_RID: {
        char *oid = obj_text(g->d.registeredID, false);
        char *res = xasprintf("RID:%s", oid);
        free(oid);
        return res;
    }
    case GEN_OTHERNAME: {
        char *oid = obj_text(g->d.otherName->type_id, false);
        char *res = xasprintf("othername:%s", oid);
        free(oid);
        return res;
    }
    case GEN_X400: return xstrdup("X400Name:");
    case GEN_EDIPARTY: return xstrdup("EdiPartyName:");
    }
    return xasprintf("unknown:%d", g->type);
}

static void san_fill(const X509 *x, struct strlist *san)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    int n = gens ? sk_GENERAL_NAME_num(gens) : 0;
    for (int i = 0; i < n && san->len < CERTINFO_SAN_MAX; i++)
        strlist_take(san, general_name_text(sk_GENERAL_NAME_value(gens, i)));
    GENERAL_NAMES_free(gens);
}

static void basic_constraints_fill(const X509 *x, struct cert_info *out)
{
    out->path_len = -1;
    BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL, NULL);
    if (!bc)
        return;
    out->is_ca = bc->ca != 0;
    long v = bc->pathlen ? ASN1_INTEGER_get(bc->pathlen) : -1; /* -1 also for absurd values */
    if (v >= 0)
        out->path_len = v > INT_MAX ? INT_MAX : (int)v;
    BASIC_CONSTRAINTS_free(bc);
}

static void key_usage_fill(const X509 *x, struct strlist *ku)
{
    static const char *const names[] = {
        "digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement",
        "keyCertSign",      "cRLSign",        "encipherOnly",    "decipherOnly",
    };
    ASN1_BIT_STRING *bits = X509_get_ext_d2i(x, NID_key_usage, NULL, NULL);
    if (!bits)
        return;
    for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
        if (ASN1_BIT_STRING_get_bit(bits, i))
            strlist_push(ku, names[i]);
    ASN1_BIT_STRING_free(bits);
}

static void ext_key_usage_fill(const X509 *x, struct strlist *eku)
{
    EXTENDED_KEY_USAGE *objs = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
    int n = objs ? sk_ASN1_OBJECT_num(objs) : 0;
    for (int i = 0; i < n && eku->len < CERTINFO_SAN_MAX; i++)
        strlist_take(eku, obj_text(sk_ASN1_OBJECT_value(objs, i), false));
    EXTENDED_KEY_USAGE_free(objs);
}

/* A URI a client can fetch beats one it cannot: http(s) over ldap, file ... */
static bool is_http(const ASN1_STRING *s)
{
    const char *p = (const char *)ASN1_STRING_get0_data(s);
    size_t n = (size_t)ASN1_STRING_length(s);
    return (n > 7 && !strncasecmp(p, "http://", 7)) || (n > 8 && !strncasecmp(p, "https://", 8));
}

static void pick_uri(const GENERAL_NAME *g, const ASN1_STRING **best)
{
    if (g->type != GEN_URI || (*best && is_http(*best)))
        return;
    if (!*best || is_http(g->d.uniformResourceIdentifier))
        *best = g->d.uniformResourceIdentifier;
}

char *certinfo_uri(const X509 *x, int kind)
{
    const ASN1_STRING *best = NULL;
    char *res = NULL;
    if (kind == NID_crl_distribution_points) {
        STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(x, kind, NULL, NULL);
        for (int i = 0; i < sk_DIST_POINT_num(dps); i++) {
            const DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
            if (!dp->distpoint || dp->distpoint->type != 0)
                continue;
            const GENERAL_NAMES *names = dp->distpoint->name.fullname;
            for (int k = 0; k < sk_GENERAL_NAME_num(names); k++)
                pick_uri(sk_GENERAL_NAME_value(names, k), &best);
        }
        res = best ? asn1_text("", best) : NULL;
        sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
    } else {
        AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
        for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
            const ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);
            if (OBJ_obj2nid(ad->method) == kind)
                pick_uri(ad->location, &best);
        }
        res = best ? asn1_text("", best) : NULL;
        AUTHORITY_INFO_ACCESS_free(aia);
    }
    ERR_clear_error();
    return res;
}

/* The OCSP and caIssuers URIs of the authorityInfoAccess extension (http first). */
static void aia_fill(const X509 *x, struct cert_info *out)
{
    out->ocsp_url = certinfo_uri(x, NID_ad_OCSP);
    out->ca_issuers_url = certinfo_uri(x, NID_ad_ca_issuers);
}

/* ---- every extension as text --------------------------------------------------------------- */

/* X509V3_EXT_print's text, or colon hex of the raw value for extensions it cannot print. */
static char *extension_value(X509_EXTENSION *ext)
{
    struct sink s;
    BIO *b = sink_open(&s, CERTINFO_VALUE_MAX);
    if (b && X509V3_EXT_print(b, ext, X509V3_EXT_DEFAULT, 0) > 0)
        return sink_close(&s, b);
    free(sink_close(&s, b)); /* whatever a failed print left behind */
    const ASN1_OCTET_STRING *raw = X509_EXTENSION_get_data(ext);
    return hex_text(ASN1_STRING_get0_data(raw), (size_t)ASN1_STRING_length(raw), true,
                    CERTINFO_VALUE_MAX / 3);
}

static void extensions_fill(const X509 *x, struct cert_info *out)
{
    int n = X509_get_ext_count(x);
    if (n <= 0)
        return;
    out->extensions = xcalloc((size_t)n, sizeof(*out->extensions));
    for (int i = 0; i < n; i++) {
        X509_EXTENSION *ext = X509_get_ext(x, i);
        struct name_value *nv = &out->extensions[out->n_extensions++];
        nv->name = obj_text(X509_EXTENSION_get_object(ext), true);
        nv->critical = X509_EXTENSION_get_critical(ext) > 0;
        nv->value = extension_value(ext);
        int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
        if (nid == NID_ct_precert_poison)
            out->ct_poison = true;
        else if (nv->critical && !X509_supported_extension(ext) && out->unknown_critical.len < 16)
            strlist_take(&out->unknown_critical, obj_text(X509_EXTENSION_get_object(ext), true));
    }
}

/* ---- digests and PEM ------------------------------------------------------------------------ */

static char *fingerprint(const X509 *x, const EVP_MD *md)
{
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!X509_digest(x, md, buf, &n))
        return NULL;
    return hex_text(buf, n, true, sizeof(buf));
}

char *certinfo_spki_sha256(X509 *x)
{
    unsigned char *der = NULL, md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char *res = NULL;
    int n;
    if (!x)
        return NULL;
    ERR_set_mark();
    n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
    if (n <= 0 || !EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(), NULL))
        goto out;
    res = xmalloc(4 * ((mdlen + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)res, md, (int)mdlen);
out:
    OPENSSL_free(der);
    ERR_pop_to_mark();
    return res;
}

static char *pem_text(X509 *x)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data = NULL, *res = NULL;
    if (!b || !PEM_write_bio_X509(b, x))
        goto out;
    long n = BIO_get_mem_data(b, &data);
    if (n > 0)
        res = xstrndup(data, (size_t)n);
out:
    BIO_free(b);
    return res;
}

/* ---- all together ---------------------------------------------------------------------------- */

int certinfo_from_x509(X509 *x, time_t now, struct cert_info *out)
{
    if (!x)
        return -1;
    ERR_set_mark();
    out->sha256 = fingerprint(x, EVP_sha256());
    if (!out->sha256) { /* no DER encoding: nothing else can be trusted either */
        ERR_pop_to_mark();
        return -1;
    }
    out->sha1 = fingerprint(x, EVP_sha1());
    out->spki_sha256 = certinfo_spki_sha256(x);
    out->subject = certinfo_name(X509_get_subject_name(x));
    out->issuer = certinfo_name(X509_get_issuer_name(x));
    out->subject_cn = first_cn(X509_get_subject_name(x));
    out->serial = serial_hex(x);
    time_fill(X509_get0_notBefore(x), &out->not_before_t, out->not_before, sizeof(out->not_before));
    time_fill(X509_get0_notAfter(x), &out->not_after_t, out->not_after, sizeof(out->not_after));
    out->days_left = days_until(out->not_after_t, now);
    key_fill(x, out);
    out->signature_algorithm = signature_name(x);
    san_fill(x, &out->san);
    basic_constraints_fill(x, out);
    out->self_signed = is_self_signed(x);
    key_usage_fill(x, &out->key_usage);
    ext_key_usage_fill(x, &out->ext_key_usage);
    aia_fill(x, out);
    extensions_fill(x, out);
    out->pem = pem_text(x);
    ERR_pop_to_mark();
    return 0;
}
