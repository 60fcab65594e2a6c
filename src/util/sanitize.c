/* UTF-8 repair and terminal-safe escaping of peer-controlled text. */
#include "util/sanitize.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util/strbuf.h"

/* Length of the well-formed UTF-8 sequence at p (1–4), or 0 if it is not one. */
static size_t utf8_seq_len(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned char c = p[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

char *utf8_repair(const char *data, size_t n)
{
    struct strbuf sb = {0};
    const unsigned char *p = (const unsigned char *)data;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_seq_len(p + i, n - i, &cp);
        if (len == 0 || cp == 0) {
            sb_printf(&sb, "\\x%02X", p[i]);
            i++;
        } else {
            sb_add(&sb, (const char *)p + i, len);
            i += len;
        }
    }
    return sb_take(&sb);
}

char *sanitize_terminal(const char *s)
{
    struct strbuf sb = {0};
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (p[n])
        n++;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_seq_len(p + i, n - i, &cp);
        if (len == 0) {
            sb_printf(&sb, "\\x%02X", p[i]);
            i++;
            continue;
        }
        if (cp < 0x20 || cp == 0x7F)
            sb_printf(&sb, "\\x%02X", (unsigned)cp);
        else if (cp >= 0x80 && cp <= 0x9F)
            sb_printf(&sb, "\\u%04X", (unsigned)cp);
        /* Bidi overrides and isolates can reorder what follows them on screen. */
        else if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
                 cp == 0x200F || cp == 0x061C)
            sb_printf(&sb, "\\u%04X", (unsigned)cp);
        else
            sb_add(&sb, (const char *)p + i, len);
        i += len;
    }
    return sb_take(&sb);
}

char *sanitize_preview(const unsigned char *data, size_t n, size_t max_out)
{
    struct strbuf sb = {0};
    for (size_t i = 0; i < n; i++) {
        if (sb.len >= max_out) {
            sb_puts(&sb, "…");
            break;
        }
        unsigned char c = data[i];
        if (c == '\r')
            sb_puts(&sb, "\\r");
        else if (c == '\n')
            sb_puts(&sb, "\\n");
        else if (c >= 0x20 && c < 0x7F && c != '\\')
            sb_putc(&sb, (char)c);
        else
            sb_printf(&sb, "\\x%02X", c);
    }
    return sb_take(&sb);
}
