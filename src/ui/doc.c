/* Documents: lines of styled segments that panes build and the generic view draws. Pure data,
 * no curses; peer text is sanitised on the way in. */
#include "ui/doc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util/mem.h"
#include "util/sanitize.h"
#include "util/strbuf.h"

char *doc_one_line(const char *text)
{
    return sanitize_terminal(text ? text : "");
}

struct doc_line *doc_line(struct doc *d, int id)
{
    xgrow((void **)&d->lines, &d->cap, d->n + 1, sizeof *d->lines);
    struct doc_line *l = &d->lines[d->n++];
    memset(l, 0, sizeof *l);
    l->id = id < 0 ? -1 : id;
    l->bg = TR_TEXT;
    return l;
}

/* Appends a segment; the line takes ownership of text. */
static struct doc_seg *doc_add_seg(struct doc_line *l, enum theme_role role, char *text)
{
    xgrow((void **)&l->segs, &l->cap, l->n + 1, sizeof *l->segs);
    struct doc_seg *s = &l->segs[l->n++];
    s->role = role;
    s->text = text;
    s->min_width = 0;
    return s;
}

/* Our own text: tabs become spaces and any other control character a blank, so nothing that
 * reaches the terminal can move the cursor even when a caller slips. */
static char *doc_own_text(const char *s)
{
    struct strbuf sb = {0};
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\t')
            sb_puts(&sb, "    ");
        else if (c < 0x20 || c == 0x7F)
            sb_putc(&sb, ' ');
        else
            sb_putc(&sb, (char)c);
    }
    return sb_take(&sb);
}

static char *doc_vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static char *doc_vformat(const char *fmt, va_list ap)
{
    char *buf = NULL;
    if (vasprintf(&buf, fmt, ap) < 0 || !buf)
        return xstrdup("");
    char *clean = doc_own_text(buf);
    free(buf);
    return clean;
}

void doc_text(struct doc_line *l, enum theme_role role, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    doc_add_seg(l, role, doc_vformat(fmt, ap));
    va_end(ap);
}

void doc_peer(struct doc_line *l, enum theme_role role, const char *text)
{
    if (!text)
        return;
    doc_add_seg(l, role, doc_one_line(text));
}

/* Adds the dim, padded label segment of a field line (at least one blank after it). */
static void doc_label(struct doc_line *l, int label_width, const char *label)
{
    char *text = doc_own_text(label);
    if (doc_width(text) >= label_width) {
        char *spaced = xasprintf("%s ", text);
        free(text);
        text = spaced;
    }
    doc_add_seg(l, TR_DIM, text)->min_width = label_width;
}

struct doc_line *doc_field(struct doc *d, int label_width, const char *label, enum theme_role role,
                           const char *value_fmt, ...)
{
    struct doc_line *l = doc_line(d, -1);
    doc_label(l, label_width, label);
    va_list ap;
    va_start(ap, value_fmt);
    doc_add_seg(l, role, doc_vformat(value_fmt, ap));
    va_end(ap);
    return l;
}

struct doc_line *doc_field_peer(struct doc *d, int label_width, const char *label,
                                enum theme_role role, const char *value)
{
    struct doc_line *l = doc_line(d, -1);
    doc_label(l, label_width, label);
    doc_peer(l, role, value ? value : "");
    return l;
}

void doc_blank(struct doc *d)
{
    doc_line(d, -1);
}

void doc_heading(struct doc *d, const char *fmt, ...)
{
    struct doc_line *l = doc_line(d, -1);
    va_list ap;
    va_start(ap, fmt);
    doc_add_seg(l, TR_TITLE, doc_vformat(fmt, ap));
    va_end(ap);
}

void doc_lines(struct doc *d, enum theme_role role, const char *text, bool peer)
{
    if (!text)
        return;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        char *piece = xstrndup(p, n);
        struct doc_line *l = doc_line(d, -1);
        if (peer)
            doc_add_seg(l, role, sanitize_terminal(piece));
        else
            doc_add_seg(l, role, doc_own_text(piece));
        free(piece);
        if (!nl)
            break;
        p = nl + 1;
    }
}

char *doc_line_plain(const struct doc_line *l)
{
    struct strbuf sb = {0};
    for (size_t i = 0; i < l->n; i++) {
        const struct doc_seg *s = &l->segs[i];
        sb_puts(&sb, s->text);
        for (int w = doc_width(s->text); w < s->min_width; w++)
            sb_putc(&sb, ' ');
    }
    return sb_take(&sb);
}

/* Decodes one UTF-8 sequence at p into *cp; returns its length (1 for a stray byte). */
static size_t doc_utf8_next(const unsigned char *p, uint32_t *cp)
{
    unsigned char c = p[0];
    size_t len = c < 0x80             ? 1
                 : (c & 0xE0) == 0xC0 ? 2
                 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0 ? 4
                                      : 1;
    uint32_t v = len == 1 ? c : len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (p[i] & 0x3Fu);
    }
    *cp = v;
    return len;
}

/* Width when the locale cannot say (e.g. the C locale in tests): combining marks and
 * zero-width characters 0, East Asian wide and emoji blocks 2, everything else 1. */
static int doc_cp_width_fallback(uint32_t cp)
{
    static const uint32_t zero[][2] = {
        {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},
        {0x064B, 0x065F}, {0x200B, 0x200F}, {0x2028, 0x202E}, {0x2060, 0x2069},
        {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
    };
    static const uint32_t wide[][2] = {
        {0x1100, 0x115F},   {0x2E80, 0x303E},   {0x3041, 0x33FF}, {0x3400, 0x4DBF},
        {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xAC00, 0xD7A3}, {0xF900, 0xFAFF},
        {0xFE30, 0xFE4F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F},
        {0x1F900, 0x1F9FF}, {0x20000, 0x3FFFD},
    };
    for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
        if (cp >= zero[i][0] && cp <= zero[i][1])
            return 0;
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
        if (cp >= wide[i][0] && cp <= wide[i][1])
            return 2;
    return 1;
}

/* Columns one code point takes (see doc_width). */
static int doc_cp_width(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 0x20 && cp != 0x7F;
    int cw = wcwidth((wchar_t)cp);
    return cw >= 0 ? cw : doc_cp_width_fallback(cp);
}

int doc_width(const char *s)
{
    int w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (p && *p) {
        uint32_t cp;
        p += doc_utf8_next(p, &cp);
        w += doc_cp_width(cp);
    }
    return w;
}

/* Bytes of the longest run of whole code points at the start of s that fits room columns
 * (0 when room <= 0 or the first code point is wider). */
static size_t doc_span(const char *s, int room)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    int cols = 0;
    while (p[i] && room > 0) {
        uint32_t cp;
        size_t n = doc_utf8_next(p + i, &cp);
        int w = doc_cp_width(cp);
        if (cols + w > room)
            break;
        cols += w;
        i += n;
    }
    return i;
}

size_t doc_cut(const char *s, int room, enum doc_break brk)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, blank = 0, soft = 0;
    int cols = 0;
    while (p[i]) {
        uint32_t cp;
        size_t n = doc_utf8_next(p + i, &cp);
        int w = doc_cp_width(cp);
        if (cols + w > room)
            break;
        cols += w;
        if (i > 0 && p[i] == ' ')
            blank = i;
        else if (i > 0 && strchr(":,;/", p[i]))
            soft = i + 1;
        i += n;
    }
    if (!p[i])
        return i;
    if (brk != DOC_BREAK_HARD) {
        if (p[i] == ' ')
            return i;
        if (blank)
            return blank;
        if (brk == DOC_BREAK_SOFT && soft)
            return soft;
    }
    if (i)
        return i;
    uint32_t cp;
    return doc_utf8_next(p, &cp);
}

void doc_wrap(const char *s, int room, enum doc_break brk, struct strlist *out)
{
    while (*s == ' ')
        s++;
    if (!*s) {
        strlist_push(out, "");
        return;
    }
    while (*s) {
        size_t n = doc_cut(s, room, brk), end = n;
        while (end > 0 && s[end - 1] == ' ')
            end--;
        strlist_take(out, xstrndup(s, end));
        s += n;
        while (*s == ' ')
            s++;
    }
}

void doc_wrap_into(struct doc *d, struct doc_line *l, int col, int cont, int width,
                   enum theme_role role, const char *text)
{
    char *safe = doc_one_line(text);
    const char *p = safe;
    for (;;) {
        if (width - col < DOC_WRAP_MIN_ROOM && col > cont) {
            l = doc_line(d, -1);
            doc_text(l, TR_TEXT, "%*s", cont, "");
            col = cont;
        }
        size_t n = doc_cut(p, width - col, DOC_BREAK_BLANK);
        char *piece = xstrndup(p, n);
        doc_peer(l, role, piece);
        free(piece);
        p += n;
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        col = width; /* forces a continuation line */
    }
    free(safe);
}

char *doc_fit(const char *s, int max, const char *ellipsis)
{
    if (doc_width(s) <= max)
        return xstrdup(s);
    if (max <= 0)
        return xstrdup("");
    size_t n = doc_span(s, max - doc_width(ellipsis));
    return xasprintf("%.*s%s", (int)n, s, ellipsis);
}

void doc_clear(struct doc *d)
{
    for (size_t i = 0; i < d->n; i++) {
        struct doc_line *l = &d->lines[i];
        for (size_t j = 0; j < l->n; j++)
            free(l->segs[j].text);
        free(l->segs);
    }
    d->n = 0;
}

void doc_free(struct doc *d)
{
    doc_clear(d);
    free(d->lines);
    memset(d, 0, sizeof *d);
}

void doc_key_line(struct doc *d, const char *keys, const char *what)
{
    struct doc_line *l = doc_line(d, -1);
    doc_text(l, TR_KEY, "%s", keys);
    l->segs[l->n - 1].min_width = 18;
    doc_text(l, TR_TEXT, "%s", what);
}
