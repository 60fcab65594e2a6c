/* The protocols that are not lines: XMPP (a stream of XML), LDAP (BER), PostgreSQL (one
 * byte), MySQL (its greeting packet) and RDP (X.224 over TPKT). Each reads the frame's input
 * buffer, takes what is complete and records a decoded line in the transcript. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "starttls/st_internal.h"
#include "util/sanitize.h"

static const char *const try_again = "is this the right protocol and port?";

/* The server's bytes are no answer of this protocol: a sanitised preview of them goes into
 * the transcript, and the dialogue fails as garbage with why. */
static void garbage(struct st_dialogue *d, const char *why)
{
    char *preview = sanitize_preview(d->in, d->n_in, 80);
    st_heard(d, preview, strlen(preview));
    free(preview);
    st_fail(d, ST_FAIL_GARBAGE, try_again, "%s", why);
}

/* ---- XMPP (RFC 6120 §5) ---- */

static void xmpp_header(struct st_dialogue *d, bool server)
{
    char hdr[600];
    int k = snprintf(hdr, sizeof hdr,
                     "<?xml version='1.0'?><stream:stream "
                     "xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:%s'%s "
                     "to='%s' version='1.0'>",
                     server ? "server" : "client",
                     server ? " xmlns:db='jabber:server:dialback'" : "", d->xmpp);
    st_send(d, hdr, (size_t)k, hdr);
}

static void xmpp_start(struct st_dialogue *d)
{
    xmpp_header(d, false);
}

static void xmpp_server_start(struct st_dialogue *d)
{
    xmpp_header(d, true);
}

/* The end of the element that starts at s ('<'), named name with any prefix: just past its
 * "/>" when it closes itself, else past "</prefix:name>"; NULL while it is incomplete. */
static const char *xml_end(const char *s, const char *name)
{
    size_t k = strlen(name);
    const char *gt = strchr(s, '>');
    if (!gt)
        return NULL;
    if (gt > s && gt[-1] == '/')
        return gt + 1;
    for (const char *p = gt; (p = strstr(p, "</")) != NULL; p += 2) {
        const char *q = p + 2, *colon = q + strcspn(q, ":> ");
        if (*colon == ':')
            q = colon + 1;
        if (!strncmp(q, name, k) && q[k] == '>')
            return q + k + 1;
    }
    return NULL;
}

/* The '<' that opens the element whose name (any prefix) is at p. */
static const char *xml_open(const char *s, const char *p)
{
    while (p > s && *p != '<')
        p--;
    return p;
}

/* The names of the elements directly inside <stream:features>. */
static void xmpp_features(struct st_dialogue *d, const char *f, const char *end)
{
    const char *open = strchr(f, '>');
    if (!open || open >= end || open[-1] == '/')
        return;
    int depth = 0;
    for (const char *p = open + 1; p < end; p++) {
        if (*p != '<')
            continue;
        if (p[1] == '/') {
            depth--;
            continue;
        }
        const char *gt = memchr(p, '>', (size_t)(end - p));
        if (!gt)
            break;
        if (depth == 0) {
            size_t k = strcspn(p + 1, " />");
            st_cap(d, p + 1, k);
        }
        if (gt[-1] != '/')
            depth++;
    }
}

static void xmpp_bytes(struct st_dialogue *d)
{
    if (d->n_in == 0)
        return;
    d->in[d->n_in < sizeof d->in ? d->n_in : sizeof d->in - 1] = '\0';
    const char *s = (const char *)d->in;
    size_t lead = strspn(s, " \t\r\n");
    if (strlen(s) < d->n_in || (s[lead] && s[lead] != '<')) {
        st_heard(d, s, d->n_in);
        st_fail(d, ST_FAIL_GARBAGE, try_again, "the server does not speak XMPP");
        return;
    }
    const char *err = strstr(s, "<stream:error");
    const char *err_end = err ? xml_end(err, "error") : NULL;
    if (err_end) {
        st_heard(d, s, (size_t)(err_end - s));
        st_refused(d,
                   strstr(err, "policy-violation") || strstr(err, "resource-constraint") ? 421 : 0,
                   "the stream", err);
        return;
    }
    if (d->state == 0) {
        const char *f = strstr(s, "features");
        f = f ? xml_open(s, f) : NULL;
        const char *fend = f ? xml_end(f, "features") : NULL;
        if (!fend)
            return;
        st_heard(d, s, (size_t)(fend - s));
        xmpp_features(d, f, fend);
        d->caps_seen = true;
        bool offered = strstr(f, "<starttls") != NULL && strstr(f, "<starttls") < fend;
        st_consume(d, (size_t)(fend - s));
        if (!offered) {
            st_fail(d, ST_FAIL_NOT_OFFERED, "try the implicit-TLS port (5223)",
                    "STARTTLS is not offered: the stream features list no <starttls/>");
            return;
        }
        static const char req[] = "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
        st_send(d, req, sizeof req - 1, req);
        d->state = 1;
        return;
    }
    const char *proceed = strstr(s, "<proceed"), *failure = strstr(s, "<failure");
    const char *pend = proceed ? xml_end(proceed, "proceed") : NULL;
    const char *fend = failure ? xml_end(failure, "failure") : NULL;
    if (pend) {
        st_heard(d, s, (size_t)(pend - s));
        st_consume(d, (size_t)(pend - s));
        st_ready(d);
    } else if (fend) {
        st_heard(d, s, (size_t)(fend - s));
        st_refused(d, 0, "STARTTLS", failure);
    }
}

const struct st_ops st_ops_xmpp = {xmpp_start, NULL, xmpp_bytes, NULL};
const struct st_ops st_ops_xmpp_server = {xmpp_server_start, NULL, xmpp_bytes, NULL};

/* ---- LDAP (RFC 4511 §4.14) ---- */

/* A BER tag and length at p: the header's size in *hdr and the length in *len. 0 for more,
 * -1 when malformed or longer than ST_IN_MAX. */
static int ber_head(const uint8_t *p, size_t n, size_t *hdr, size_t *len)
{
    if (n < 2)
        return 0;
    if ((p[0] & 0x1f) == 0x1f)
        return -1; /* multi-byte tags: none in LDAP */
    if (p[1] < 0x80) {
        *hdr = 2;
        *len = p[1];
        return 1;
    }
    size_t k = p[1] & 0x7f;
    if (k == 0 || k > 4)
        return -1;
    if (n < 2 + k)
        return 0;
    size_t v = 0;
    for (size_t i = 0; i < k; i++)
        v = v << 8 | p[2 + i];
    if (v > ST_IN_MAX)
        return -1;
    *hdr = 2 + k;
    *len = v;
    return 1;
}

/* Reads one element of tag `tag` inside [p, end): its contents. -1 when it is not there. */
static int ber_take(const uint8_t **p, const uint8_t *end, uint8_t tag, const uint8_t **val,
                    size_t *len)
{
    size_t hdr;
    if (*p >= end || **p != tag || ber_head(*p, (size_t)(end - *p), &hdr, len) != 1 ||
        *len > (size_t)(end - *p) - hdr)
        return -1;
    *val = *p + hdr;
    *p += hdr + *len;
    return 0;
}

static long ber_int(const uint8_t *v, size_t n)
{
    if (n == 0 || n > 4)
        return -1;
    long x = (v[0] & 0x80) ? -1 : 0;
    for (size_t i = 0; i < n; i++)
        x = (long)((unsigned long)x << 8) | v[i];
    return x;
}

int st_parse_ldap(const uint8_t *p, size_t n, struct st_ldap_result *out)
{
    memset(out, 0, sizeof(*out));
    out->result_code = -1;
    size_t hdr, len;
    int rc = ber_head(p, n, &hdr, &len);
    if (rc <= 0)
        return rc;
    if (p[0] != 0x30)
        return -1;
    if (n < hdr + len)
        return 0;
    const uint8_t *q = p + hdr, *end = q + len, *v, *op;
    size_t vl, opl;
    if (ber_take(&q, end, 0x02, &v, &vl) < 0)
        return -1;
    out->message_id = ber_int(v, vl);
    if (q >= end)
        return -1;
    out->op = q[0];
    if (ber_take(&q, end, (uint8_t)out->op, &op, &opl) < 0)
        return -1;
    const uint8_t *r = op, *rend = op + opl;
    if (ber_take(&r, rend, 0x0a, &v, &vl) == 0) { /* an LDAPResult */
        out->result_code = ber_int(v, vl);
        if (ber_take(&r, rend, 0x04, &v, &vl) < 0) /* matchedDN */
            return -1;
        if (ber_take(&r, rend, 0x04, &v, &vl) < 0) /* diagnosticMessage */
            return -1;
        size_t k = vl < sizeof out->diag - 1 ? vl : sizeof out->diag - 1;
        memcpy(out->diag, v, k);
        for (size_t i = 0; i < k; i++)
            if (!out->diag[i])
                out->diag[i] = '?';
        if (r < rend && *r == 0xa3 && ber_take(&r, rend, 0xa3, &v, &vl) < 0)
            return -1;
        if (r < rend && *r == 0x8a && ber_take(&r, rend, 0x8a, &v, &vl) == 0) {
            k = vl < sizeof out->oid - 1 ? vl : sizeof out->oid - 1;
            memcpy(out->oid, v, k);
            for (size_t i = 0; i < k; i++)
                if (!out->oid[i])
                    out->oid[i] = '?';
        }
    }
    return (int)(hdr + len);
}

#define LDAP_STARTTLS_OID "1.3.6.1.4.1.1466.20037"

static void ldap_start(struct st_dialogue *d)
{
    static const uint8_t req[] = {0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16, '1', '.',
                                  '3',  '.',  '6',  '.',  '1',  '.',  '4',  '.',  '1',  '.', '1',
                                  '4',  '6',  '6',  '.',  '2',  '0',  '0',  '3',  '7'};
    st_send(d, req, sizeof req, "ExtendedRequest StartTLS (" LDAP_STARTTLS_OID "), message 1");
}

static const char *ldap_result_name(long c)
{
    switch (c) {
    case 0: return "success";
    case 1: return "operationsError";
    case 2: return "protocolError";
    case 51: return "busy";
    case 52: return "unavailable";
    case 53: return "unwillingToPerform";
    case 80: return "other";
    }
    return "an error";
}

static void ldap_bytes(struct st_dialogue *d)
{
    struct st_ldap_result res;
    int k = st_parse_ldap(d->in, d->n_in, &res);
    if (k == 0)
        return;
    if (k < 0) {
        garbage(d, "the server's answer is not an LDAP message");
        return;
    }
    st_consume(d, (size_t)k);
    char text[400];
    int n = snprintf(text, sizeof text, "%s, message %ld: resultCode %ld (%s)%s%s%s",
                     res.op == 0x78 ? "ExtendedResponse" : "LDAP message", res.message_id,
                     res.result_code, ldap_result_name(res.result_code), res.diag[0] ? ", \"" : "",
                     res.diag, res.diag[0] ? "\"" : "");
    st_heard(d, text, n < (int)sizeof text ? (size_t)n : sizeof text - 1);
    if (res.op != 0x78 || res.result_code < 0) {
        st_fail(d, ST_FAIL_GARBAGE, try_again,
                "the server answered StartTLS with an LDAP message of type 0x%02x", res.op);
        return;
    }
    if (res.result_code == 0) {
        st_ready(d);
        return;
    }
    if (res.message_id == 0) { /* a notice of disconnection */
        st_fail(d, ST_FAIL_CLOSED, NULL, "the LDAP server disconnected: %s", text);
        return;
    }
    if (res.result_code == 2) {
        st_fail(d, ST_FAIL_NOT_OFFERED, "try the implicit-TLS port (636)",
                "StartTLS is not offered: the server does not know the operation (%s)", text);
        return;
    }
    st_refused(d, res.result_code == 51 || res.result_code == 52 ? 421 : 0, "StartTLS", text);
}

const struct st_ops st_ops_ldap = {ldap_start, NULL, ldap_bytes, NULL};

/* ---- PostgreSQL (SSLRequest) ---- */

static void postgres_start(struct st_dialogue *d)
{
    static const uint8_t req[] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
    st_send(d, req, sizeof req, "SSLRequest (code 80877103)");
}

static void postgres_bytes(struct st_dialogue *d)
{
    uint8_t b = d->in[0];
    if (b == 'S' || b == 'N') {
        st_heard(d, b == 'S' ? "S (TLS accepted)" : "N (no TLS)", b == 'S' ? 16 : 11);
        st_consume(d, 1);
        if (b == 'S')
            st_ready(d);
        else
            st_fail(d, ST_FAIL_NOT_OFFERED, "the server runs with ssl = off",
                    "the PostgreSQL server does not offer TLS (it answered 'N')");
        return;
    }
    if (b == 'E') { /* an ErrorResponse: 'E', length, fields (type, text\0)..., \0 */
        if (d->n_in < 5)
            return;
        uint32_t len = (uint32_t)d->in[1] << 24 | d->in[2] << 16 | d->in[3] << 8 | d->in[4];
        if (len < 4 || len > 4096) {
            st_fail(d, ST_FAIL_GARBAGE, try_again, "a malformed PostgreSQL error message");
            return;
        }
        if (d->n_in < 1 + len)
            return;
        const char *msg = "";
        for (size_t i = 5; i < 1 + len && d->in[i];) {
            const char *f = (const char *)d->in + i + 1;
            size_t fl = strnlen(f, 1 + len - i - 1);
            if (d->in[i] == 'M')
                msg = f;
            i += 1 + fl + 1;
        }
        char text[300];
        int n = snprintf(text, sizeof text, "ErrorResponse \"%.200s\"", msg);
        st_heard(d, text, (size_t)n);
        st_refused(d, strstr(msg, "too many") ? 421 : 0, "the SSLRequest", msg);
        return;
    }
    garbage(d, "the server's answer is not PostgreSQL's");
}

const struct st_ops st_ops_postgres = {postgres_start, NULL, postgres_bytes, NULL};

/* ---- MySQL (the SSL capability in the handshake response) ---- */

#define MYSQL_CLIENT_SSL 0x0800u

int st_parse_mysql_greeting(const uint8_t *p, size_t n, struct st_mysql_greeting *out)
{
    memset(out, 0, sizeof(*out));
    if (n < 4)
        return 0;
    size_t len = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16;
    if (len == 0 || len > ST_IN_MAX - 4 || p[3] != 0)
        return -1;
    if (n < 4 + len)
        return 0;
    const uint8_t *q = p + 4, *end = q + len;
    if (q[0] == 0xff) { /* ERR: code, ['#' sqlstate], message */
        if (len < 3)
            return -1;
        out->error = true;
        out->error_code = q[1] | q[2] << 8;
        const uint8_t *m = q + 3;
        if (m < end && *m == '#')
            m = end - m >= 6 ? m + 6 : end;
        size_t k = (size_t)(end - m) < sizeof out->version - 1 ? (size_t)(end - m)
                                                               : sizeof out->version - 1;
        memcpy(out->version, m, k);
        for (size_t i = 0; i < k; i++)
            if (!out->version[i])
                out->version[i] = '?';
        return (int)(4 + len);
    }
    if (q[0] != 10)
        return -1;
    const uint8_t *v = q + 1;
    const uint8_t *nul = memchr(v, 0, (size_t)(end - v));
    if (!nul)
        return -1;
    size_t vl =
        (size_t)(nul - v) < sizeof out->version - 1 ? (size_t)(nul - v) : sizeof out->version - 1;
    memcpy(out->version, v, vl);
    const uint8_t *c = nul + 1 + 4 + 8 + 1; /* connection id, auth data, filler */
    if (end - c < 2)
        return -1;
    out->capabilities = (uint32_t)c[0] | (uint32_t)c[1] << 8;
    if (end - c >= 5) {
        out->charset = c[2];
        if (end - c >= 7)
            out->capabilities |= ((uint32_t)c[5] | (uint32_t)c[6] << 8) << 16;
    }
    return (int)(4 + len);
}

static void mysql_bytes(struct st_dialogue *d)
{
    struct st_mysql_greeting g;
    int k = st_parse_mysql_greeting(d->in, d->n_in, &g);
    if (k == 0)
        return;
    if (k < 0) {
        garbage(d, "the server's greeting is not MySQL's");
        return;
    }
    st_consume(d, (size_t)k);
    char text[200];
    int n = g.error ? snprintf(text, sizeof text, "error %d: \"%s\"", g.error_code, g.version)
                    : snprintf(text, sizeof text,
                               "greeting: protocol 10, server %s, capabilities 0x%08x%s", g.version,
                               (unsigned)g.capabilities,
                               g.capabilities & MYSQL_CLIENT_SSL ? " (SSL)" : " (no SSL)");
    st_heard(d, text, (size_t)n);
    if (g.error) { /* 1040 too many connections, 1129 host blocked */
        st_refused(d, g.error_code == 1040 ? 421 : 0, "the connection", text);
        return;
    }
    char ver[80];
    n = snprintf(ver, sizeof ver, "version %s", g.version);
    st_cap(d, ver, (size_t)n);
    if (g.capabilities & MYSQL_CLIENT_SSL)
        st_cap(d, "SSL", 3);
    d->caps_seen = true;
    if (!(g.capabilities & MYSQL_CLIENT_SSL)) {
        st_fail(d, ST_FAIL_NOT_OFFERED, "the server runs without TLS (have_ssl = DISABLED)",
                "the MySQL server does not offer TLS: its greeting lacks the SSL capability");
        return;
    }
    /* SSLRequest: capabilities (LONG_PASSWORD LONG_FLAG PROTOCOL_41 SSL TRANSACTIONS
     * SECURE_CONNECTION PLUGIN_AUTH), max packet 16 MB, charset, 23 zero bytes; sequence 1 */
    uint8_t req[36] = {32, 0, 0, 1, 0x05, 0xa2, 0x0a, 0x00, 0, 0, 0, 1};
    req[12] = g.charset ? g.charset : 0x21;
    st_send(d, req, sizeof req, "SSLRequest (capabilities 0x000aa205: SSL)");
    st_ready(d); /* TLS follows our SSLRequest at once: the server says nothing */
}

const struct st_ops st_ops_mysql = {NULL, NULL, mysql_bytes, NULL};

/* ---- RDP (MS-RDPBCGR 2.2.1.1, 2.2.1.2) ---- */

int st_parse_rdp_confirm(const uint8_t *p, size_t n, struct st_rdp_confirm *out)
{
    memset(out, 0, sizeof(*out));
    if (n < 4)
        return 0;
    if (p[0] != 3 || p[1] != 0)
        return -1;
    size_t len = (size_t)p[2] << 8 | p[3];
    if (len < 11 || len > 512)
        return -1;
    if (n < len)
        return 0;
    uint8_t li = p[4];
    if ((p[5] & 0xf0) != 0xd0 || (size_t)li + 5 > len || li < 6)
        return -1;
    if (len >= 19 && li >= 14) {
        const uint8_t *neg = p + 11;
        if (neg[0] == 2 || neg[0] == 3) {
            out->kind = neg[0];
            out->value = (uint32_t)neg[4] | (uint32_t)neg[5] << 8 | (uint32_t)neg[6] << 16 |
                         (uint32_t)neg[7] << 24;
        }
    }
    return (int)len;
}

static void rdp_start(struct st_dialogue *d)
{
    /* TPKT, X.224 Connection Request, RDP_NEG_REQ asking for TLS or CredSSP (both run TLS) */
    static const uint8_t req[] = {3, 0, 0, 19, 14, 0xe0, 0, 0, 0, 0, 0, 1, 0, 8, 0, 3, 0, 0, 0};
    st_send(d, req, sizeof req, "X.224 Connection Request, RDP_NEG_REQ: TLS | CredSSP");
}

static const char *rdp_failure_name(uint32_t c)
{
    switch (c) {
    case 1: return "SSL_REQUIRED_BY_SERVER";
    case 2: return "SSL_NOT_ALLOWED_BY_SERVER";
    case 3: return "SSL_CERT_NOT_ON_SERVER";
    case 4: return "INCONSISTENT_FLAGS";
    case 5: return "HYBRID_REQUIRED_BY_SERVER";
    case 6: return "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER";
    }
    return "an unknown failure";
}

static void rdp_bytes(struct st_dialogue *d)
{
    struct st_rdp_confirm cc;
    int k = st_parse_rdp_confirm(d->in, d->n_in, &cc);
    if (k == 0)
        return;
    if (k < 0) {
        garbage(d, "the server's answer is not an X.224 confirm");
        return;
    }
    st_consume(d, (size_t)k);
    char text[160];
    int n;
    if (cc.kind == 2)
        n = snprintf(text, sizeof text, "X.224 Connection Confirm, RDP_NEG_RSP: protocol %u (%s)",
                     (unsigned)cc.value,
                     cc.value == 1   ? "TLS"
                     : cc.value == 2 ? "CredSSP over TLS"
                     : cc.value == 8 ? "CredSSP EX over TLS"
                     : cc.value == 0 ? "standard RDP security"
                                     : "unknown");
    else if (cc.kind == 3)
        n = snprintf(text, sizeof text, "X.224 Connection Confirm, RDP_NEG_FAILURE: %s",
                     rdp_failure_name(cc.value));
    else
        n = snprintf(text, sizeof text, "X.224 Connection Confirm without negotiation");
    st_heard(d, text, (size_t)n);
    if (cc.kind == 2 && (cc.value == 1 || cc.value == 2 || cc.value == 8)) {
        st_ready(d);
    } else if (cc.kind == 3) {
        st_refused(d, 0, "TLS", text);
    } else {
        st_fail(d, ST_FAIL_NOT_OFFERED, "the server allows only standard RDP security",
                "the RDP server does not offer TLS: %s", text);
    }
}

const struct st_ops st_ops_rdp = {rdp_start, NULL, rdp_bytes, NULL};
