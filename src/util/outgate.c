/* printf with sanitised arguments: the gate between untrusted strings and stdout/stderr. */
#include "util/outgate.h"

#include <stdbool.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strbuf.h"

/* One conversion specification, parsed. */
struct conv_spec {
    char flags[8];
    int width; /* -1: none */
    int prec;  /* -1: none */
    char len[3];
    char conv;
};

/* Characters (UTF-8 lead bytes) in s. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* %s: the first prec bytes of s (cut back to a character boundary), sanitised, padded to the
 * width by characters. */
static void put_string(struct strbuf *sb, const struct conv_spec *cs, const char *s)
{
    if (!s)
        s = "(null)";
    size_t n = strlen(s);
    if (cs->prec >= 0 && (size_t)cs->prec < n) {
        n = (size_t)cs->prec;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    char *raw = xstrndup(s, n);
    char *clean = sanitize_terminal(raw);
    size_t chars = utf8_chars(clean);
    size_t pad = cs->width > 0 && (size_t)cs->width > chars ? (size_t)cs->width - chars : 0;
    bool left = strchr(cs->flags, '-') != NULL;
    for (size_t i = 0; !left && i < pad; i++)
        sb_putc(sb, ' ');
    sb_puts(sb, clean);
    for (size_t i = 0; left && i < pad; i++)
        sb_putc(sb, ' ');
    free(clean);
    free(raw);
}

/* The spec back as text for snprintf, with any '*' already replaced by its value. */
static void spec_text(const struct conv_spec *cs, char *out, size_t n)
{
    char w[16] = "", p[16] = "";
    if (cs->width >= 0)
        snprintf(w, sizeof w, "%d", cs->width);
    if (cs->prec >= 0)
        snprintf(p, sizeof p, ".%d", cs->prec);
    snprintf(out, n, "%%%s%s%s%s%c", cs->flags, w, p, cs->len, cs->conv);
}

/* Numbers and pointers carry no text from outside: snprintf formats them as they are. The
 * format is built from a spec parsed out of a literal the compiler has checked. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void put_number(struct strbuf *sb, const struct conv_spec *cs, va_list *ap)
{
    char spec[48];
    char buf[512];
    spec_text(cs, spec, sizeof spec);
    const char *l = cs->len;
    bool is_signed = cs->conv == 'd' || cs->conv == 'i';
    switch (cs->conv) {
    case 'd':
    case 'i':
    case 'u':
    case 'o':
    case 'x':
    case 'X':
        if (!strcmp(l, "l"))
            is_signed ? snprintf(buf, sizeof buf, spec, va_arg(*ap, long))
                      : snprintf(buf, sizeof buf, spec, va_arg(*ap, unsigned long));
        else if (!strcmp(l, "ll"))
            is_signed ? snprintf(buf, sizeof buf, spec, va_arg(*ap, long long))
                      : snprintf(buf, sizeof buf, spec, va_arg(*ap, unsigned long long));
        else if (!strcmp(l, "z"))
            is_signed ? snprintf(buf, sizeof buf, spec, va_arg(*ap, ssize_t))
                      : snprintf(buf, sizeof buf, spec, va_arg(*ap, size_t));
        else if (!strcmp(l, "j"))
            is_signed ? snprintf(buf, sizeof buf, spec, va_arg(*ap, intmax_t))
                      : snprintf(buf, sizeof buf, spec, va_arg(*ap, uintmax_t));
        else if (!strcmp(l, "t"))
            snprintf(buf, sizeof buf, spec, va_arg(*ap, ptrdiff_t));
        else /* int, and hh/h, which are promoted to int */
            is_signed ? snprintf(buf, sizeof buf, spec, va_arg(*ap, int))
                      : snprintf(buf, sizeof buf, spec, va_arg(*ap, unsigned));
        break;
    case 'p': snprintf(buf, sizeof buf, spec, va_arg(*ap, void *)); break;
    default: /* floating point */
        if (!strcmp(l, "L"))
            snprintf(buf, sizeof buf, spec, va_arg(*ap, long double));
        else
            snprintf(buf, sizeof buf, spec, va_arg(*ap, double));
    }
    sb_puts(sb, buf);
}
#pragma GCC diagnostic pop

/* Parses the spec after '%' at *pp (advancing it); '*' values are taken from ap. Returns
 * false for an unknown conversion. */
static bool parse_spec(const char **pp, struct conv_spec *cs, va_list *ap)
{
    const char *p = *pp;
    size_t nf = 0;
    memset(cs, 0, sizeof(*cs));
    cs->width = cs->prec = -1;
    while (*p && strchr("-+ #0", *p)) {
        if (nf + 1 < sizeof cs->flags && !strchr(cs->flags, *p))
            cs->flags[nf++] = *p;
        p++;
    }
    if (*p == '*') {
        cs->width = va_arg(*ap, int);
        if (cs->width < 0) { /* a negative width is the '-' flag */
            if (!strchr(cs->flags, '-') && nf + 1 < sizeof cs->flags)
                cs->flags[nf++] = '-';
            cs->width = cs->width == INT_MIN ? 0 : -cs->width;
        }
        p++;
    } else if (*p >= '0' && *p <= '9') {
        cs->width = 0;
        while (*p >= '0' && *p <= '9' && cs->width < 100000)
            cs->width = cs->width * 10 + (*p++ - '0');
    }
    if (*p == '.') {
        p++;
        cs->prec = 0;
        if (*p == '*') {
            cs->prec = va_arg(*ap, int);
            if (cs->prec < 0)
                cs->prec = -1;
            p++;
        } else {
            while (*p >= '0' && *p <= '9' && cs->prec < 100000)
                cs->prec = cs->prec * 10 + (*p++ - '0');
        }
    }
    size_t nl = 0;
    while (*p && strchr("hlzjtL", *p) && nl + 1 < sizeof cs->len)
        cs->len[nl++] = *p++;
    cs->conv = *p;
    if (!*p || !strchr("diuoxXcspfFeEgGaA", *p)) {
        *pp = *p ? p + 1 : p;
        return false;
    }
    *pp = p + 1;
    return true;
}

char *out_vformat(const char *fmt, va_list ap)
{
    struct strbuf sb = {0};
    va_list aq;
    va_copy(aq, ap);
    const char *p = fmt;
    while (*p) {
        const char *pct = strchr(p, '%');
        size_t lit = pct ? (size_t)(pct - p) : strlen(p);
        sb_add(&sb, p, lit);
        p += lit;
        if (!*p)
            break;
        const char *start = p++;
        if (*p == '%') {
            sb_putc(&sb, '%');
            p++;
            continue;
        }
        struct conv_spec cs;
        if (!parse_spec(&p, &cs, &aq)) { /* unknown or %n: shown, never acted on */
            sb_add(&sb, start, (size_t)(p - start));
            continue;
        }
        if (cs.conv == 's') {
            put_string(&sb, &cs, va_arg(aq, const char *));
        } else if (cs.conv == 'c') {
            char ch[2] = {(char)va_arg(aq, int), '\0'};
            cs.prec = -1;
            put_string(&sb, &cs, ch);
        } else {
            put_number(&sb, &cs, &aq);
        }
    }
    va_end(aq);
    return sb_take(&sb);
}

char *out_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = out_vformat(fmt, ap);
    va_end(ap);
    return s;
}

int out_vprintf(FILE *f, const char *fmt, va_list ap)
{
    char *s = out_vformat(fmt, ap);
    size_t n = strlen(s);
    size_t w = fwrite(s, 1, n, f);
    free(s);
    return w == n ? (int)n : -1;
}

int out_printf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = out_vprintf(f, fmt, ap);
    va_end(ap);
    return rc;
}

int out_fputs_text(const char *text, FILE *f)
{
    int rc = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = xstrndup(p, n);
        char *clean = sanitize_terminal(line);
        if (fputs(clean, f) == EOF || (nl && fputc('\n', f) == EOF))
            rc = -1;
        free(clean);
        free(line);
        p += n + (nl != NULL);
    }
    return rc;
}
