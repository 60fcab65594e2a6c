/* RFC 3492 Punycode and a minimal IDNA ToASCII/ToUnicode for host names. */
#include "util/punycode.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum {
    PC_BASE = 36,
    PC_TMIN = 1,
    PC_TMAX = 26,
    PC_SKEW = 38,
    PC_DAMP = 700,
    PC_INITIAL_BIAS = 72,
    PC_INITIAL_N = 128,
};

#define LABEL_MAX 63  /* octets in one DNS label */
#define HOST_MAX  253 /* octets in a name, without the final dot */

/* RFC 3492 6.1 */
static uint32_t pc_adapt(uint32_t delta, uint32_t numpoints, bool first)
{
    delta = first ? delta / PC_DAMP : delta / 2;
    delta += delta / numpoints;
    uint32_t k = 0;
    while (delta > ((PC_BASE - PC_TMIN) * PC_TMAX) / 2) {
        delta /= PC_BASE - PC_TMIN;
        k += PC_BASE;
    }
    return k + (PC_BASE - PC_TMIN + 1) * delta / (delta + PC_SKEW);
}

static char pc_digit(uint32_t d)
{
    return (char)(d < 26 ? 'a' + d : '0' + (d - 26));
}

/* The value of a Punycode digit, or PC_BASE when c is not one. */
static uint32_t pc_value(char c)
{
    if (c >= 'a' && c <= 'z')
        return (uint32_t)(c - 'a');
    if (c >= 'A' && c <= 'Z')
        return (uint32_t)(c - 'A');
    if (c >= '0' && c <= '9')
        return (uint32_t)(c - '0' + 26);
    return PC_BASE;
}

static uint32_t pc_threshold(uint32_t k, uint32_t bias)
{
    return k <= bias ? PC_TMIN : k >= bias + PC_TMAX ? PC_TMAX : k - bias;
}

int punycode_encode(const uint32_t *cps, size_t n, char *out, size_t outlen)
{
    size_t o = 0;
#define PUT(ch)                                                                                    \
    do {                                                                                           \
        if (o + 1 >= outlen)                                                                       \
            return -1;                                                                             \
        out[o++] = (ch);                                                                           \
    } while (0)
    if (outlen == 0)
        return -1;
    for (size_t j = 0; j < n; j++)
        if (cps[j] < 0x80)
            PUT((char)cps[j]);
    uint32_t b = (uint32_t)o, h = b;
    if (b > 0)
        PUT('-');
    uint32_t cur = PC_INITIAL_N, delta = 0, bias = PC_INITIAL_BIAS;
    while (h < n) {
        uint32_t m = UINT32_MAX;
        for (size_t j = 0; j < n; j++)
            if (cps[j] >= cur && cps[j] < m)
                m = cps[j];
        if (m - cur > (UINT32_MAX - delta) / (h + 1))
            return -1;
        delta += (m - cur) * (h + 1);
        cur = m;
        for (size_t j = 0; j < n; j++) {
            if (cps[j] < cur && ++delta == 0)
                return -1;
            if (cps[j] != cur)
                continue;
            uint32_t q = delta;
            for (uint32_t k = PC_BASE;; k += PC_BASE) {
                uint32_t t = pc_threshold(k, bias);
                if (q < t)
                    break;
                PUT(pc_digit(t + (q - t) % (PC_BASE - t)));
                q = (q - t) / (PC_BASE - t);
            }
            PUT(pc_digit(q));
            bias = pc_adapt(delta, h + 1, h == b);
            delta = 0;
            h++;
        }
        delta++;
        cur++;
    }
#undef PUT
    out[o] = '\0';
    return (int)o;
}

int punycode_decode(const char *in, size_t n, uint32_t *cps, size_t cap)
{
    size_t b = 0, out = 0;
    for (size_t j = 0; j < n; j++)
        if (in[j] == '-')
            b = j;
    for (size_t j = 0; j < b; j++) {
        if ((unsigned char)in[j] >= 0x80 || out >= cap)
            return -1;
        cps[out++] = (unsigned char)in[j];
    }
    uint32_t cur = PC_INITIAL_N, i = 0, bias = PC_INITIAL_BIAS;
    for (size_t in_pos = b > 0 ? b + 1 : 0; in_pos < n;) {
        uint32_t oldi = i, w = 1;
        for (uint32_t k = PC_BASE;; k += PC_BASE) {
            if (in_pos >= n)
                return -1;
            uint32_t digit = pc_value(in[in_pos++]);
            if (digit >= PC_BASE || digit > (UINT32_MAX - i) / w)
                return -1;
            i += digit * w;
            uint32_t t = pc_threshold(k, bias);
            if (digit < t)
                break;
            if (w > UINT32_MAX / (PC_BASE - t))
                return -1;
            w *= PC_BASE - t;
        }
        bias = pc_adapt(i - oldi, (uint32_t)out + 1, oldi == 0);
        if (i / (out + 1) > UINT32_MAX - cur)
            return -1;
        cur += i / (uint32_t)(out + 1);
        i %= (uint32_t)(out + 1);
        if (out >= cap || cur > 0x10FFFF || (cur >= 0xD800 && cur <= 0xDFFF) || cur < 0x80)
            return -1;
        memmove(cps + i + 1, cps + i, (out - i) * sizeof(*cps));
        cps[i++] = cur;
        out++;
    }
    return (int)out;
}

/* ---- IDNA ---------------------------------------------------------------------------------- */

/* One UTF-8 character at s: its length (1-4), or 0 when malformed. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return c ? 1 : 0;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static bool is_dot(uint32_t cp)
{
    return cp == '.' || cp == 0x3002 || cp == 0xFF0E || cp == 0xFF61;
}

/* Lowercase for ASCII and the simple ranges of Latin-1, Greek and Cyrillic. */
static uint32_t fold_case(uint32_t cp)
{
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
        (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) || (cp >= 0x410 && cp <= 0x42F))
        return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40F)
        return cp + 0x50;
    return cp;
}

/* Characters that may not appear in a name: controls, spaces, format and bidi controls,
 * and ASCII other than letters, digits, '-' and '_'. */
static bool is_refused(uint32_t cp)
{
    if (cp < 0x80)
        return !((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '-' || cp == '_');
    return cp <= 0xA0 || cp == 0xAD || cp == 0x61C || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
           (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF ||
           (cp >= 0xFFF0 && cp <= 0xFFFF) || (cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0xF0000;
}

/* Appends one label (cps, n) to out at *o, converted when it holds non-ASCII. */
static int put_label(const uint32_t *cps, size_t n, bool converting, char *out, size_t outlen,
                     size_t *o, const char *host, char *err, size_t errlen)
{
    char label[LABEL_MAX + 2];
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        ascii = ascii && cps[i] < 0x80;
    if (ascii) {
        if (n > LABEL_MAX) {
            snprintf(err, errlen, "'%s': a label is longer than %d characters", host, LABEL_MAX);
            return -1;
        }
        for (size_t i = 0; i < n; i++)
            label[i] = (char)(converting ? fold_case(cps[i]) : cps[i]);
        label[n] = '\0';
    } else {
        memcpy(label, "xn--", 4);
        if (punycode_encode(cps, n, label + 4, sizeof label - 4) < 0) {
            snprintf(err, errlen,
                     "'%s': a label is too long once converted to ASCII (at most %d "
                     "characters)",
                     host, LABEL_MAX);
            return -1;
        }
    }
    size_t len = strlen(label);
    if (*o + len + 1 >= outlen) {
        snprintf(err, errlen, "'%s' is too long once converted to ASCII", host);
        return -1;
    }
    memcpy(out + *o, label, len);
    *o += len;
    out[*o] = '\0';
    return 0;
}

int idna_to_ascii(const char *host, char *out, size_t outlen, char *err, size_t errlen)
{
    const unsigned char *p = (const unsigned char *)host;
    uint32_t cps[HOST_MAX + 1];
    size_t n = 0, o = 0;
    bool converting = false;
    if (outlen == 0)
        return -1;
    out[0] = '\0';
    for (const unsigned char *q = p; *q; q++)
        converting = converting || *q >= 0x80;
    if (!converting) {
        if (strlen(host) >= outlen) {
            snprintf(err, errlen, "host name is too long");
            return -1;
        }
        memcpy(out, host, strlen(host) + 1);
        return 0;
    }
    for (;;) {
        uint32_t cp = 0;
        size_t len = *p ? utf8_decode(p, &cp) : 1;
        if (*p && len == 0) {
            snprintf(err, errlen, "'%s' is not valid UTF-8", host);
            return -1;
        }
        if (!*p || is_dot(cp)) {
            if (n == 0) {
                snprintf(err, errlen, "'%s' has an empty label", host);
                return -1;
            }
            if (n >= 4 && cps[0] == 'x' && cps[1] == 'n' && cps[2] == '-' && cps[3] == '-') {
                bool ascii = true;
                for (size_t i = 0; i < n; i++)
                    ascii = ascii && cps[i] < 0x80;
                if (!ascii) {
                    snprintf(err, errlen, "'%s': a label starting with xn-- must be ASCII", host);
                    return -1;
                }
            }
            if (put_label(cps, n, converting, out, outlen, &o, host, err, errlen) < 0)
                return -1;
            n = 0;
            if (!*p)
                break;
            p += len;
            if (!*p) /* a final dot ends the name */
                break;
            if (o + 2 >= outlen) {
                snprintf(err, errlen, "'%s' is too long once converted to ASCII", host);
                return -1;
            }
            out[o++] = '.';
            out[o] = '\0';
            continue;
        }
        cp = fold_case(cp);
        if (is_refused(cp)) {
            snprintf(err, errlen, "'%s': U+%04X is not allowed in a host name", host, (unsigned)cp);
            return -1;
        }
        if (n >= HOST_MAX) {
            snprintf(err, errlen, "'%s' is too long for a host name", host);
            return -1;
        }
        cps[n++] = cp;
        p += len;
    }
    if (o > HOST_MAX) {
        snprintf(err, errlen, "'%s' is longer than %d characters once converted to ASCII", host,
                 HOST_MAX);
        return -1;
    }
    return 1;
}

int idna_to_unicode(const char *host, char *out, size_t outlen)
{
    char tmp[4 * (HOST_MAX + 1) + 1], check[HOST_MAX + 2], e[8];
    size_t o = 0;
    bool any = false;
    if (outlen == 0)
        return 0;
    for (const char *p = host; *p;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        uint32_t cps[LABEL_MAX];
        int got = -1;
        if (n > 4 && n <= LABEL_MAX && !strncasecmp(p, "xn--", 4))
            got = punycode_decode(p + 4, n - 4, cps, LABEL_MAX);
        if (got > 0) {
            for (int i = 0; i < got; i++) {
                if (o + 5 >= sizeof tmp)
                    goto copy;
                o += utf8_encode(fold_case(cps[i]), tmp + o);
            }
            any = true;
        } else {
            if (o + n + 2 >= sizeof tmp)
                goto copy;
            memcpy(tmp + o, p, n);
            o += n;
        }
        p += n;
        if (*p == '.') {
            tmp[o++] = '.';
            p++;
        }
    }
    tmp[o] = '\0';
    /* Only a name that converts back to the same ASCII is shown in Unicode. */
    if (!any || idna_to_ascii(tmp, check, sizeof check, e, sizeof e) != 1 ||
        strcasecmp(check, host) != 0)
        goto copy;
    snprintf(out, outlen, "%s", tmp);
    return 1;
copy:
    snprintf(out, outlen, "%s", host);
    return 0;
}
