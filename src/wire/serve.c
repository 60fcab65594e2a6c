/* Server-side serializers and the SSLv2 hello codec (see serve.h). */
#include "wire/serve.h"

#include <string.h>

/* A bounded writer over the caller's buffer (the first error sticks). */
struct sw {
    uint8_t *p;
    size_t cap, len;
    const char *why;
};

static void sw_bytes(struct sw *w, const void *data, size_t n)
{
    if (w->why)
        return;
    if (n > w->cap - w->len) {
        w->why = "the message does not fit in the buffer";
        return;
    }
    if (n)
        memcpy(w->p + w->len, data, n);
    w->len += n;
}

static void sw_uint(struct sw *w, uint32_t v, size_t width)
{
    uint8_t b[4];
    for (size_t i = 0; i < width; i++)
        b[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
    sw_bytes(w, b, width);
}

static size_t sw_done(const struct sw *w, const char **why)
{
    if (w->why) {
        if (why)
            *why = w->why;
        return 0;
    }
    return w->len;
}

size_t wire_build_handshake_records(uint16_t record_version, uint8_t type, const uint8_t *body,
                                    size_t n, uint8_t *out, size_t cap, const char **why)
{
    struct sw w = {out, cap, 0, NULL};
    if (n > 0xffffff)
        w.why = "a handshake message is at most 2^24 - 1 bytes";
    uint8_t hdr[4] = {type, (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    size_t total = 4 + n, done = 0;
    while (done < total && !w.why) {
        size_t frag = total - done < 16384 ? total - done : 16384;
        sw_uint(&w, 22, 1);
        sw_uint(&w, record_version ? record_version : 0x0303, 2);
        sw_uint(&w, (uint32_t)frag, 2);
        for (size_t i = done; i < done + frag && i < 4; i++)
            sw_bytes(&w, &hdr[i], 1);
        size_t from = done < 4 ? 0 : done - 4, to = done + frag - 4;
        if (to > from)
            sw_bytes(&w, body + from, to - from);
        done += frag;
    }
    return sw_done(&w, why);
}

size_t wire_build_server_hello(const struct wire_sh_spec *s, uint8_t *out, size_t cap,
                               const char **why)
{
    static const uint8_t zero_random[32];
    uint8_t body[4 + 2 + 32 + 1 + 32 + 3 + 2 + 65535];
    struct sw w = {body, sizeof body, 0, NULL};
    if (s->session_id_len > 32)
        w.why = "a session id is at most 32 bytes";
    sw_uint(&w, s->legacy_version ? s->legacy_version : 0x0303, 2);
    sw_bytes(&w, s->hrr ? wire_hrr_random : s->random ? s->random : zero_random, 32);
    sw_uint(&w, (uint32_t)s->session_id_len, 1);
    sw_bytes(&w, s->session_id, s->session_id_len);
    sw_uint(&w, s->cipher, 2);
    sw_uint(&w, s->compression, 1);
    if (!s->no_extensions) {
        size_t total = 0;
        for (size_t i = 0; i < s->n_exts; i++)
            total += 4 + s->exts[i].body.len;
        if (total > 0xffff)
            w.why = "the extensions are longer than 65535 bytes";
        sw_uint(&w, (uint32_t)total, 2);
        for (size_t i = 0; i < s->n_exts; i++) {
            sw_uint(&w, s->exts[i].type, 2);
            sw_uint(&w, (uint32_t)s->exts[i].body.len, 2);
            sw_bytes(&w, s->exts[i].body.data, s->exts[i].body.len);
        }
    }
    if (w.why) {
        if (why)
            *why = w.why;
        return 0;
    }
    return wire_build_handshake_records(s->record_version, WIRE_HS_SERVER_HELLO, body, w.len, out,
                                        cap, why);
}

size_t wire_build_certificate_body(const uint8_t *const *der, const size_t *der_len, size_t n,
                                   uint8_t *out, size_t cap, const char **why)
{
    struct sw w = {out, cap, 0, NULL};
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += 3 + der_len[i];
    if (total > 0xffffff)
        w.why = "the certificate list is longer than 2^24 - 1 bytes";
    sw_uint(&w, (uint32_t)total, 3);
    for (size_t i = 0; i < n; i++) {
        sw_uint(&w, (uint32_t)der_len[i], 3);
        sw_bytes(&w, der[i], der_len[i]);
    }
    return sw_done(&w, why);
}

size_t wire_build_alert(uint16_t record_version, uint8_t level, uint8_t desc, uint8_t *out,
                        size_t cap)
{
    if (cap < 7)
        return 0;
    uint16_t v = record_version ? record_version : 0x0303;
    const uint8_t rec[7] = {21, (uint8_t)(v >> 8), (uint8_t)v, 0, 2, level, desc};
    memcpy(out, rec, 7);
    return 7;
}

/* ---- SSLv2 ------------------------------------------------------------------------------- */

static uint32_t be(const uint8_t *p, size_t width)
{
    uint32_t v = 0;
    for (size_t i = 0; i < width; i++)
        v = (v << 8) | p[i];
    return v;
}

static int ssl2_fail(struct wire_ssl2_hello *out, const char **why, const char *reason)
{
    memset(out, 0, sizeof(*out));
    if (why)
        *why = reason;
    return -1;
}

static int ssl2_specs(struct wire_ssl2_hello *out, const uint8_t *p, size_t len)
{
    if (len % 3 != 0 || len / 3 > WIRE_SSL2_SPECS_MAX)
        return -1;
    out->n_specs = len / 3;
    for (size_t i = 0; i < out->n_specs; i++)
        out->specs[i] = be(p + 3 * i, 3);
    return 0;
}

int wire_parse_ssl2_client_hello(const uint8_t *body, size_t n, struct wire_ssl2_hello *out,
                                 const char **why)
{
    memset(out, 0, sizeof(*out));
    if (n < 9 || body[0] != 1)
        return ssl2_fail(out, why, "not an SSLv2 CLIENT-HELLO");
    size_t specs = be(body + 3, 2), sid = be(body + 5, 2), chal = be(body + 7, 2);
    if (9 + specs + sid + chal != n)
        return ssl2_fail(out, why, "SSLv2 CLIENT-HELLO lengths do not add up");
    if (sid != 0 && sid != 16)
        return ssl2_fail(out, why, "SSLv2 session id is neither 0 nor 16 bytes");
    if (chal < 16 || chal > 32)
        return ssl2_fail(out, why, "SSLv2 challenge is not 16-32 bytes");
    out->msg_type = 1;
    out->version = (uint16_t)be(body + 1, 2);
    if (ssl2_specs(out, body + 9, specs) < 0)
        return ssl2_fail(out, why, "SSLv2 cipher specs: not a multiple of 3 or too many");
    out->session_id = (struct wire_span){body + 9 + specs, sid};
    out->challenge = (struct wire_span){body + 9 + specs + sid, chal};
    return 0;
}

int wire_parse_ssl2_server_hello(const uint8_t *body, size_t n, struct wire_ssl2_hello *out,
                                 const char **why)
{
    memset(out, 0, sizeof(*out));
    if (n < 11 || body[0] != 4)
        return ssl2_fail(out, why, "not an SSLv2 SERVER-HELLO");
    size_t cert = be(body + 5, 2), specs = be(body + 7, 2), cid = be(body + 9, 2);
    if (11 + cert + specs + cid != n)
        return ssl2_fail(out, why, "SSLv2 SERVER-HELLO lengths do not add up");
    if (cid < 16 || cid > 32)
        return ssl2_fail(out, why, "SSLv2 connection id is not 16-32 bytes");
    out->msg_type = 4;
    out->session_id_hit = body[1] != 0;
    out->cert_type = body[2];
    out->version = (uint16_t)be(body + 3, 2);
    out->cert = (struct wire_span){body + 11, cert};
    if (ssl2_specs(out, body + 11 + cert, specs) < 0)
        return ssl2_fail(out, why, "SSLv2 cipher specs: not a multiple of 3 or too many");
    out->conn_id = (struct wire_span){body + 11 + cert + specs, cid};
    return 0;
}

size_t wire_build_ssl2_server_hello(const uint32_t *specs, size_t n_specs, const uint8_t *cert,
                                    size_t cert_len, const uint8_t conn_id[16], uint8_t *out,
                                    size_t cap, const char **why)
{
    struct sw w = {out, cap, 0, NULL};
    size_t body = 11 + cert_len + 3 * n_specs + 16;
    if (body > 0x7fff)
        w.why = "the SSLv2 SERVER-HELLO is longer than its 15-bit length allows";
    sw_uint(&w, 0x8000 | (uint32_t)(body & 0x7fff), 2);
    sw_uint(&w, 4, 1);                /* SERVER-HELLO */
    sw_uint(&w, 0, 1);                /* session id hit: no */
    sw_uint(&w, cert_len ? 1 : 0, 1); /* certificate type: X.509 */
    sw_uint(&w, 0x0002, 2);           /* version */
    sw_uint(&w, (uint32_t)cert_len, 2);
    sw_uint(&w, (uint32_t)(3 * n_specs), 2);
    sw_uint(&w, 16, 2);
    sw_bytes(&w, cert, cert_len);
    for (size_t i = 0; i < n_specs; i++)
        sw_uint(&w, specs[i] & 0xffffff, 3);
    sw_bytes(&w, conn_id, 16);
    return sw_done(&w, why);
}
